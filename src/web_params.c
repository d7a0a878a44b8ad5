/*
 * web_params: query strings as Go's net/url reads and writes them, and
 * pprof's URL parameters (config.go's urlparam table) mapped onto an
 * options struct, so that links and bookmarks made for pprof work here.
 */
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

/* ---- query strings ---- */

/* unescape is Go's QueryUnescape of s[0, n): false on a bad %-escape. */
static bool unescape(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			sb_addc(out, ' ');
		} else if (s[i] == '%') {
			if (i + 2 >= n)
				return false;
			int a = hex_digit(s[i + 1]), b = hex_digit(s[i + 2]);
			if (a < 0 || b < 0)
				return false;
			sb_addc(out, (char)(a << 4 | b));
			i += 2;
		} else {
			sb_addc(out, s[i]);
		}
	}
	return true;
}

static void add_pair(struct query *q, char *key, char *value)
{
	GROW(q->pair, q->cap, q->n + 1);
	q->pair[q->n++] = (struct query_pair){ key, value };
}

void query_parse(struct query *q, const char *raw)
{
	memset(q, 0, sizeof *q);
	while (raw && *raw) {
		size_t n = strcspn(raw, "&");
		const char *eq = memchr(raw, '=', n);
		size_t kn = eq ? (size_t)(eq - raw) : n;
		/* Go (1.17 on) refuses a semicolon in a key; an empty pair is skipped */
		if (n > 0 && !memchr(raw, ';', kn)) {
			struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
			bool ok = unescape(raw, kn, &k) && (!eq || unescape(eq + 1, n - kn - 1, &v));
			/* a NUL from %00 is held as a profile string holds one (util.h) */
			if (ok && !memchr(sb_cstr(&k), 0, k.len) && !memchr(sb_cstr(&v), 0, v.len)) {
				add_pair(q, xstrdup(sb_cstr(&k)), xstrdup(sb_cstr(&v)));
			} else if (ok) {
				size_t kx = nul_escape_extra(sb_cstr(&k), k.len), vx = nul_escape_extra(sb_cstr(&v), v.len);
				char *ke = xmalloc(k.len + kx + 1), *ve = xmalloc(v.len + vx + 1);
				nul_escape(ke, sb_cstr(&k), k.len);
				nul_escape(ve, sb_cstr(&v), v.len);
				add_pair(q, ke, ve);
			}
			sb_free(&k);
			sb_free(&v);
		}
		raw += n + (raw[n] == '&');
	}
}

const char *query_get(const struct query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->pair[i].key, key))
			return q->pair[i].value;
	return "";
}

bool query_has(const struct query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->pair[i].key, key))
			return true;
	return false;
}

void query_del(struct query *q, const char *key)
{
	size_t k = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (!strcmp(q->pair[i].key, key)) {
			free(q->pair[i].key);
			free(q->pair[i].value);
		} else {
			q->pair[k++] = q->pair[i];
		}
	}
	q->n = k;
}

void query_set(struct query *q, const char *key, const char *value)
{
	query_del(q, key);
	add_pair(q, xstrdup(key), xstrdup(value));
}

void query_escape(const char *s, struct strbuf *out)
{
	static const char hexd[] = "0123456789ABCDEF";
	/* a profile string's escaped NUL is the byte it stands for */
	size_t n = strlen(s);
	char *bytes = xmalloc(n + 1);
	n = nul_unescape(bytes, s, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			sb_addc(out, (char)c);
		} else if (c == ' ') {
			sb_addc(out, '+');
		} else {
			sb_addc(out, '%');
			sb_addc(out, hexd[c >> 4]);
			sb_addc(out, hexd[c & 15]);
		}
	}
	free(bytes);
}

static int cmp_key(const void *a, const void *b)
{
	const struct query_pair *x = *(const struct query_pair *const *)a, *y = *(const struct query_pair *const *)b;
	int c = strcmp(x->key, y->key);
	/* keep a key's values in order: qsort is not stable, so compare positions */
	return c ? c : (x < y ? -1 : x > y);
}

void query_encode(const struct query *q, struct strbuf *out)
{
	const struct query_pair **sorted = xcalloc(q->n + 1, sizeof *sorted);
	for (size_t i = 0; i < q->n; i++)
		sorted[i] = &q->pair[i];
	qsort(sorted, q->n, sizeof *sorted, cmp_key);
	for (size_t i = 0; i < q->n; i++) {
		if (i)
			sb_addc(out, '&');
		query_escape(sorted[i]->key, out);
		sb_addc(out, '=');
		query_escape(sorted[i]->value, out);
	}
	free(sorted);
}

void query_free(struct query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->pair[i].key);
		free(q->pair[i].value);
	}
	free(q->pair);
	memset(q, 0, sizeof *q);
}

/* ---- pprof's URL parameters ---- */

static const struct {
	const char *field, *param;
} url_params[] = {
	{ "drop_negative", "dropneg" }, { "call_tree", "calltree" },  { "relative_percentages", "rel" },
	{ "unit", "unit" },             { "compact_labels", "compact" }, { "intel_syntax", "intel" },
	{ "nodecount", "n" },           { "nodefraction", "nf" },     { "edgefraction", "ef" },
	{ "trim", "trim" },             { "focus", "f" },             { "ignore", "i" },
	{ "prune_from", "prunefrom" },  { "hide", "h" },              { "show", "s" },
	{ "show_from", "sf" },          { "tagfocus", "tf" },         { "tagignore", "ti" },
	{ "tagshow", "ts" },            { "taghide", "th" },          { "mean", "mean" },
	{ "sample_index", "si" },       { "normalize", "norm" },      { "sort", "sort" },
	{ "granularity", "g" },         { "noinlines", "noinlines" }, { "showcolumns", "showcolumns" },
};

const char *web_url_param(const char *field)
{
	for (size_t i = 0; i < sizeof url_params / sizeof url_params[0]; i++)
		if (!strcmp(url_params[i].field, field))
			return url_params[i].param;
	return NULL;
}

int web_apply_url(struct options *o, const struct query *q, char *err, size_t errsize)
{
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		const char *param = web_url_param(f->name);
		const char *value = param ? query_get(q, param) : "";
		if (!value[0])
			continue;
		char e[256];
		if (options_set(o, f->name, value, e, sizeof e) < 0) {
			snprintf(err, errsize, "error setting config field %s: %s", f->name, e);
			return -1;
		}
	}
	return 0;
}

void web_param_value(const struct options *o, const struct option_field *f, struct strbuf *out)
{
	struct options def;
	options_init(&def);
	if (f->type == OPT_STRING) {
		const char *v = *(char *const *)((const char *)o + f->offset);
		if (strcmp(v, *(char *const *)((const char *)&def + f->offset)) != 0)
			sb_adds(out, v);
	} else {
		char v[64], d[64];
		options_get(o, f, v, sizeof v);
		options_get(&def, f, d, sizeof d);
		if (strcmp(v, d) != 0) {
			if (f->type == OPT_BOOL)
				v[1] = '\0';
			sb_adds(out, v);
		}
	}
	options_free(&def);
}

bool web_make_url(const struct options *o, struct query *q)
{
	bool changed = false;
	struct strbuf v = STRBUF_INIT;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		const char *param = web_url_param(f->name);
		if (!param || !f->saved)
			continue;
		sb_reset(&v);
		web_param_value(o, f, &v);
		if (strcmp(query_get(q, param), sb_cstr(&v)) != 0) {
			changed = true;
			if (v.len)
				query_set(q, param, sb_cstr(&v));
			else
				query_del(q, param);
		}
	}
	sb_free(&v);
	return changed;
}
