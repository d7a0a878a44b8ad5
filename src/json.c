/* json: JSON text written and read (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ---- */

/* put_byte writes one byte of a string's content, escaped as json.h says. */
static void put_byte(struct strbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	switch (c) {
	case '"':
		sb_adds(b, "\\\"");
		return;
	case '\\':
		sb_adds(b, "\\\\");
		return;
	case '\n':
		sb_adds(b, "\\n");
		return;
	case '\r':
		sb_adds(b, "\\r");
		return;
	case '\t':
		sb_adds(b, "\\t");
		return;
	}
	if (c < 0x20 || c == '<' || c == '>' || c == '&') {
		char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
		sb_adds(b, u);
		return;
	}
	sb_addc(b, (char)c);
}

/* json_run writes s[0, n) with the escapes every JSON string gets; U+2028 and U+2029 too. */
static void json_run(struct strbuf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			sb_adds(b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 2;
			continue;
		}
		put_byte(b, s[i]);
	}
}

void json_pstr(struct strbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	sb_addc(b, '"');
	for (;;) {
		const unsigned char *esc = (const unsigned char *)strchr((const char *)u, NUL_ESCAPE);
		size_t run = esc ? (size_t)(esc - u) : strlen((const char *)u);
		json_run(b, u, run);
		if (!esc)
			break;
		/* 0xC0 0x80 is a NUL, 0xC0 0xC0 the byte 0xC0; a lone 0xC0 stays itself */
		if (esc[1] == 0x80) {
			put_byte(b, 0);
			u = esc + 2;
		} else {
			sb_addc(b, (char)NUL_ESCAPE);
			u = esc + 1 + (esc[1] == NUL_ESCAPE);
		}
	}
	sb_addc(b, '"');
}

void json_bytes(struct strbuf *b, const char *s, size_t n)
{
	sb_addc(b, '"');
	json_run(b, (const unsigned char *)s, n);
	sb_addc(b, '"');
}

void json_key(struct strbuf *b, const char *key, bool first)
{
	if (!first)
		sb_addc(b, ',');
	json_pstr(b, key);
	sb_addc(b, ':');
}

void json_int(struct strbuf *b, int64_t v)
{
	sb_addf(b, "%" PRId64, v);
}

void json_bool(struct strbuf *b, bool v)
{
	sb_adds(b, v ? "true" : "false");
}

void json_double(struct strbuf *b, double v)
{
	if (isnan(v) || isinf(v)) {
		sb_adds(b, "null");
		return;
	}
	/* the shortest digits that read back as v, as Go's strconv does */
	char tmp[64];
	int prec;
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
	double a = fabs(v);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		/* Go writes 1e-07 as 1e-7 */
		char *e = strchr(tmp, 'e');
		int exp = atoi(e + 1);
		*e = '\0';
		sb_addf(b, "%se%c%d", tmp, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	int exp = atoi(strchr(tmp, 'e') + 1), decimals = prec - 1 - exp;
	sb_addf(b, "%.*f", decimals > 0 ? decimals : 0, v);
}

void json_lines(struct strbuf *b, const char *text)
{
	sb_addc(b, '[');
	bool first = true;
	while (*text) {
		size_t n = strcspn(text, "\n");
		if (!first)
			sb_addc(b, ',');
		first = false;
		char *line = xstrndup(text, n);
		json_pstr(b, line);
		free(line);
		text += n + (text[n] == '\n');
	}
	sb_addc(b, ']');
}

/* ---- reading ---- */

struct reader {
	const char *s, *end;
	char *err;
	size_t errsize;
	bool failed;
};

static bool fail(struct reader *r, const char *what)
{
	if (!r->failed)
		snprintf(r->err, r->errsize, "%s", what);
	r->failed = true;
	return false;
}

static void skip_space(struct reader *r)
{
	while (r->s < r->end && (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' || *r->s == '\r'))
		r->s++;
}

static bool read_hex4(struct reader *r, unsigned *out)
{
	if (r->end - r->s < 4)
		return fail(r, "short \\u escape");
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(r->s[i]);
		if (d < 0)
			return fail(r, "bad \\u escape");
		v = v << 4 | (unsigned)d;
	}
	r->s += 4;
	*out = v;
	return true;
}

static void put_utf8(struct strbuf *b, unsigned c)
{
	if (c == 0) {
		sb_addc(b, (char)NUL_ESCAPE);
		sb_addc(b, (char)0x80);
	} else if (c < 0x80) {
		sb_addc(b, (char)c);
	} else if (c < 0x800) {
		sb_addc(b, (char)(0xc0 | c >> 6));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		sb_addc(b, (char)(0xe0 | c >> 12));
		sb_addc(b, (char)(0x80 | (c >> 6 & 0x3f)));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		sb_addc(b, (char)(0xf0 | c >> 18));
		sb_addc(b, (char)(0x80 | (c >> 12 & 0x3f)));
		sb_addc(b, (char)(0x80 | (c >> 6 & 0x3f)));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

static bool read_string(struct reader *r, char **out)
{
	struct strbuf b = STRBUF_INIT;
	r->s++; /* the opening quote */
	while (r->s < r->end && *r->s != '"') {
		unsigned char c = (unsigned char)*r->s++;
		if (c < 0x20) {
			sb_free(&b);
			return fail(r, "control character in string");
		}
		if (c == NUL_ESCAPE) {
			sb_addc(&b, (char)NUL_ESCAPE);
			sb_addc(&b, (char)NUL_ESCAPE);
			continue;
		}
		if (c != '\\') {
			sb_addc(&b, (char)c);
			continue;
		}
		if (r->s == r->end)
			break;
		char e = *r->s++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			sb_addc(&b, to[simple - "\"\\/bfnrt"]);
			continue;
		}
		unsigned u;
		if (e != 'u' || !read_hex4(r, &u)) {
			sb_free(&b);
			return fail(r, "bad escape in string");
		}
		if (u >= 0xd800 && u < 0xdc00 && r->end - r->s >= 6 && r->s[0] == '\\' && r->s[1] == 'u') {
			unsigned lo;
			r->s += 2;
			if (!read_hex4(r, &lo)) {
				sb_free(&b);
				return false;
			}
			if (lo >= 0xdc00 && lo < 0xe000)
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			else
				put_utf8(&b, 0xfffd), u = lo;
		}
		if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd; /* a lone surrogate, as Go reads it */
		put_utf8(&b, u);
	}
	if (r->s == r->end) {
		sb_free(&b);
		return fail(r, "unterminated string");
	}
	r->s++;
	*out = xstrdup(sb_cstr(&b));
	sb_free(&b);
	return true;
}

static bool read_number(struct reader *r, char **out)
{
	const char *start = r->s;
	if (r->s < r->end && *r->s == '-')
		r->s++;
	size_t digits = 0;
	while (r->s < r->end && *r->s >= '0' && *r->s <= '9')
		r->s++, digits++;
	if (digits == 0)
		return fail(r, "bad number");
	if (r->s < r->end && *r->s == '.') {
		r->s++;
		for (digits = 0; r->s < r->end && *r->s >= '0' && *r->s <= '9'; digits++)
			r->s++;
		if (digits == 0)
			return fail(r, "bad number");
	}
	if (r->s < r->end && (*r->s == 'e' || *r->s == 'E')) {
		r->s++;
		if (r->s < r->end && (*r->s == '+' || *r->s == '-'))
			r->s++;
		for (digits = 0; r->s < r->end && *r->s >= '0' && *r->s <= '9'; digits++)
			r->s++;
		if (digits == 0)
			return fail(r, "bad number");
	}
	*out = xstrndup(start, (size_t)(r->s - start));
	return true;
}

static bool read_word(struct reader *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->s) < n || memcmp(r->s, w, n) != 0)
		return fail(r, "unexpected character");
	r->s += n;
	return true;
}

static bool read_value(struct reader *r, struct json *j, int depth);

/* read_items reads the items of an array or object after its opening bracket. */
static bool read_items(struct reader *r, struct json *j, int depth, bool object)
{
	size_t cap = 0;
	char close = object ? '}' : ']';
	r->s++;
	skip_space(r);
	if (r->s < r->end && *r->s == close) {
		r->s++;
		return true;
	}
	for (;;) {
		skip_space(r);
		char *key = NULL;
		if (object) {
			if (r->s == r->end || *r->s != '"' || !read_string(r, &key))
				return fail(r, "expected a member name");
			skip_space(r);
			if (r->s == r->end || *r->s != ':') {
				free(key);
				return fail(r, "expected ':'");
			}
			r->s++;
		}
		if (j->n == cap) {
			grow_array((void **)&j->item, &cap, j->n + 1, sizeof *j->item);
			if (object)
				j->key = xreallocarray(j->key, cap, sizeof *j->key);
		}
		memset(&j->item[j->n], 0, sizeof *j->item);
		if (object)
			j->key[j->n] = key;
		j->n++;
		if (!read_value(r, &j->item[j->n - 1], depth + 1))
			return false;
		skip_space(r);
		if (r->s < r->end && *r->s == ',') {
			r->s++;
			continue;
		}
		if (r->s < r->end && *r->s == close) {
			r->s++;
			return true;
		}
		return fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static bool read_value(struct reader *r, struct json *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return fail(r, "nested too deeply");
	skip_space(r);
	if (r->s == r->end)
		return fail(r, "unexpected end of input");
	switch (*r->s) {
	case '{':
		j->type = JSON_OBJECT;
		return read_items(r, j, depth, true);
	case '[':
		j->type = JSON_ARRAY;
		return read_items(r, j, depth, false);
	case '"':
		j->type = JSON_STRING;
		return read_string(r, &j->text);
	case 't':
		j->type = JSON_BOOL;
		j->b = true;
		return read_word(r, "true");
	case 'f':
		j->type = JSON_BOOL;
		return read_word(r, "false");
	case 'n':
		j->type = JSON_NULL;
		return read_word(r, "null");
	default:
		j->type = JSON_NUMBER;
		return read_number(r, &j->text);
	}
}

static void free_items(struct json *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free_items(&j->item[i]);
		if (j->key)
			free(j->key[i]);
	}
	free(j->item);
	free(j->key);
	free(j->text);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errsize)
{
	struct reader r = { text, text + len, err, errsize, false };
	struct json *j = xcalloc(1, sizeof *j);
	bool ok = read_value(&r, j, 0);
	if (ok) {
		skip_space(&r);
		if (r.s != r.end)
			ok = fail(&r, "text after the value");
	}
	if (!ok) {
		/* the message names where reading stopped */
		char what[128];
		snprintf(what, sizeof what, "%s", err);
		snprintf(err, errsize, "%s at offset %zu", what, (size_t)(r.s - text));
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	free_items(j);
	free(j);
}

const struct json *json_get(const struct json *j, const char *key)
{
	const struct json *found = NULL;
	if (j && j->type == JSON_OBJECT)
		for (size_t i = 0; i < j->n; i++)
			if (!strcmp(j->key[i], key))
				found = &j->item[i];
	return found;
}
