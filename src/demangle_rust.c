/*
 * demangle_rust: Rust symbol names, v0 (_R...) and legacy (_ZN...17h<hash>E).
 *
 * v0 names are printed while they are parsed. A back reference (B<n>)
 * re-parses an earlier stretch of the name, so output can grow much faster
 * than input; the output and step limits of dm_ctx bound it.
 */
#include "demangle_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct rust {
	struct dm_ctx *ctx;
	const char *orig;  /* the name after _R, before any '.' suffix */
	const char *s;     /* what is left to parse */
	size_t n;
	size_t off;        /* offset of s in orig */
	struct strbuf *out;
	size_t start;
	bool skip;         /* parse without printing */
	bool no_generics;
	int64_t lifetimes; /* bound lifetimes in scope */
	char last;
};

static _Noreturn void fail(struct rust *r)
{
	dm_fail(r->ctx);
}

static void advance(struct rust *r, size_t k)
{
	if (k > r->n)
		fail(r);
	r->s += k;
	r->n -= k;
	r->off += k;
}

static bool at(const struct rust *r, char c)
{
	return r->n > 0 && r->s[0] == c;
}

static void expect(struct rust *r, char c)
{
	if (!at(r, c))
		fail(r);
	advance(r, 1);
}

static void check_size(struct rust *r)
{
	if (r->out->len - r->start > DM_MAX_OUTPUT)
		fail(r);
}

static void put(struct rust *r, char c)
{
	if (r->skip)
		return;
	r->last = c;
	sb_addc(r->out, c);
	check_size(r);
}

static void putn(struct rust *r, const char *s, size_t n)
{
	if (r->skip || n == 0)
		return;
	r->last = s[n - 1];
	sb_addn(r->out, s, n);
	check_size(r);
}

static void puts_(struct rust *r, const char *s)
{
	putn(r, s, strlen(s));
}

/* Numbers the Go package formats straight into its buffer; last is set by the caller. */
static void put_fmt_u64(struct rust *r, const char *fmt, uint64_t v, char last)
{
	if (r->skip)
		return;
	sb_addf(r->out, fmt, (unsigned long long)v);
	r->last = last;
	check_size(r);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* <base-62-number> ::= {<0-9a-zA-Z>} _ ; wraps like the Go package's int64. */
static int64_t base62(struct rust *r)
{
	if (at(r, '_')) {
		advance(r, 1);
		return 0;
	}
	uint64_t val = 0;
	while (r->n) {
		char c = r->s[0];
		advance(r, 1);
		if (c == '_')
			return (int64_t)(val + 1);
		val *= 62;
		if (c >= '0' && c <= '9')
			val += (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'z')
			val += (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'Z')
			val += (uint64_t)(c - 'A' + 36);
		else
			fail(r);
	}
	fail(r);
}

static int decimal(struct rust *r)
{
	if (!r->n)
		fail(r);
	int val = 0;
	while (r->n && is_digit(r->s[0])) {
		int add = r->s[0] - '0';
		if (val >= INT32_MAX / 10 - add)
			fail(r);
		val = val * 10 + add;
		advance(r, 1);
	}
	return val;
}

static int64_t disambiguator(struct rust *r)
{
	if (!at(r, 's'))
		return 0;
	advance(r, 1);
	return (int64_t)((uint64_t)base62(r) + 1);
}

static void put_utf8(struct strbuf *b, uint32_t c)
{
	if (c < 0x80) {
		sb_addc(b, (char)c);
	} else if (c < 0x800) {
		sb_addc(b, (char)(0xc0 | (c >> 6)));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		sb_addc(b, (char)(0xe0 | (c >> 12)));
		sb_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		sb_addc(b, (char)(0xf0 | (c >> 18)));
		sb_addc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		sb_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		sb_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* Rust's punycode (RFC 3492 section 6.2), decoded to UTF-8 into an arena string. */
static const char *punycode(struct rust *r, const char *s, size_t len)
{
	enum { base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700 };
	uint32_t *output = arena_array(r->ctx->arena, len + 1, sizeof *output);
	size_t nout = 0;
	const char *enc = s;
	size_t nenc = len;
	for (size_t k = len; k-- > 0;) {
		if (s[k] == '_') {
			for (size_t j = 0; j < k; j++)
				output[nout++] = (unsigned char)s[j];
			enc = s + k + 1;
			nenc = len - k - 1;
			break;
		}
	}
	int64_t i = 0, n = 128, bias = 72;
	size_t pos = 0;
	while (pos < nenc) {
		int64_t old_i = i, w = 1;
		for (int64_t k = base;; k += base) {
			if (pos == nenc)
				fail(r);
			char d = enc[pos++];
			int64_t digit;
			if (d >= '0' && d <= '9')
				digit = d - '0' + 26;
			else if (d >= 'A' && d <= 'Z')
				digit = d - 'A';
			else if (d >= 'a' && d <= 'z')
				digit = d - 'a';
			else
				fail(r);
			i += digit * w;
			if (i < 0)
				fail(r);
			int64_t t = k <= bias ? tmin : k > bias + tmax ? tmax : k - bias;
			if (digit < t)
				break;
			if (w >= INT32_MAX / base)
				fail(r);
			w *= base - t;
		}
		int64_t delta = i - old_i;
		int64_t points = (int64_t)nout + 1;
		delta = old_i == 0 ? delta / damp : delta / 2;
		delta += delta / points;
		int64_t k = 0;
		while (delta > ((base - tmin) * tmax) / 2) {
			delta /= base - tmin;
			k += base;
		}
		bias = k + ((base - tmin + 1) * delta) / (delta + skew);
		n += i / points;
		if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff))
			fail(r);
		i %= points;
		memmove(output + i + 1, output + i, (nout - (size_t)i) * sizeof *output);
		output[i] = (uint32_t)n;
		nout++;
		i++;
	}
	struct strbuf b = STRBUF_INIT;
	for (size_t j = 0; j < nout; j++)
		put_utf8(&b, output[j]);
	const char *res = arena_strndup(r->ctx->arena, sb_cstr(&b), b.len);
	sb_free(&b);
	return res;
}

/* <undisambiguated-identifier> ::= [u] <decimal> [_] <bytes> */
static const char *identifier_bytes(struct rust *r, bool *puny)
{
	*puny = false;
	if (at(r, 'u')) {
		advance(r, 1);
		*puny = true;
	}
	int len = decimal(r);
	if (at(r, '_'))
		advance(r, 1);
	if (r->n < (size_t)len)
		fail(r);
	const char *id = r->s;
	advance(r, (size_t)len);
	for (int i = 0; i < len; i++) {
		char c = id[i];
		if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
			fail(r);
	}
	if (*puny)
		return punycode(r, id, (size_t)len);
	return arena_strndup(r->ctx->arena, id, (size_t)len);
}

static void path(struct rust *r, bool needs_separator);
static void type(struct rust *r);
static void constant(struct rust *r);

enum backref_target { BR_PATH, BR_PATH_SEP, BR_TYPE, BR_CONST, BR_GENERICS_START };

static bool path_start_generics(struct rust *r);

/* B <base-62-number>: parse again what starts at that offset. Returns path_start_generics' answer. */
static bool backref(struct rust *r, enum backref_target what)
{
	size_t backoff = r->off;
	expect(r, 'B');
	int64_t idx = base62(r);
	if (r->skip)
		return false;
	if (idx < 0 || (uint64_t)idx >= backoff)
		fail(r);
	const char *hold_s = r->s;
	size_t hold_n = r->n, hold_off = r->off;
	r->s = r->orig + idx;
	r->n = backoff - (size_t)idx;
	r->off = (size_t)idx;
	bool started = false;
	dm_enter(r->ctx);
	switch (what) {
	case BR_PATH: path(r, false); break;
	case BR_PATH_SEP: path(r, true); break;
	case BR_TYPE: type(r); break;
	case BR_CONST: constant(r); break;
	case BR_GENERICS_START: started = path_start_generics(r); break;
	}
	dm_leave(r->ctx);
	r->s = hold_s;
	r->n = hold_n;
	r->off = hold_off;
	return started;
}

static void write_lifetime(struct rust *r, int64_t lifetime)
{
	put(r, '\'');
	if (lifetime == 0) {
		put(r, '_');
		return;
	}
	int64_t depth = r->lifetimes - lifetime;
	if (depth < 0)
		fail(r);
	if (depth < 26) {
		put(r, (char)('a' + depth));
	} else {
		put(r, 'z');
		put_fmt_u64(r, "%llu", (uint64_t)(depth - 26 + 1), '0');
	}
}

static void generic_arg(struct rust *r)
{
	if (!r->n)
		fail(r);
	if (r->s[0] == 'L') {
		advance(r, 1);
		write_lifetime(r, base62(r));
	} else if (r->s[0] == 'K') {
		advance(r, 1);
		constant(r);
	} else {
		type(r);
	}
}

static void generic_args(struct rust *r)
{
	bool hold = r->skip;
	if (r->no_generics)
		r->skip = true;
	bool first = true;
	while (r->n && r->s[0] != 'E') {
		if (!first)
			puts_(r, ", ");
		first = false;
		generic_arg(r);
	}
	r->skip = hold;
}

static void impl_path(struct rust *r)
{
	/* Not part of the demangled name. */
	bool hold = r->skip;
	r->skip = true;
	disambiguator(r);
	path(r, false);
	r->skip = hold;
}

static void path_body(struct rust *r, bool needs_separator)
{
	char c = r->s[0];
	switch (c) {
	case 'C': {
		advance(r, 1);
		disambiguator(r);
		bool puny;
		puts_(r, identifier_bytes(r, &puny));
		break;
	}
	case 'M': case 'X':
		advance(r, 1);
		impl_path(r);
		put(r, '<');
		type(r);
		if (c == 'X') {
			puts_(r, " as ");
			path(r, false);
		}
		put(r, '>');
		break;
	case 'Y':
		advance(r, 1);
		put(r, '<');
		type(r);
		puts_(r, " as ");
		path(r, false);
		put(r, '>');
		break;
	case 'N': {
		advance(r, 1);
		if (!r->n)
			fail(r);
		char ns = r->s[0];
		bool upper = ns >= 'A' && ns <= 'Z';
		if (!upper && !(ns >= 'a' && ns <= 'z'))
			fail(r);
		advance(r, 1);
		path(r, needs_separator);
		int64_t dis = disambiguator(r);
		bool puny;
		const char *ident = identifier_bytes(r, &puny);
		if (upper) {
			puts_(r, "::{");
			if (ns == 'C')
				puts_(r, "closure");
			else if (ns == 'S')
				puts_(r, "shim");
			else
				put(r, ns);
			if (*ident) {
				put(r, ':');
				puts_(r, ident);
			}
			if (!r->skip) {
				char buf[32];
				snprintf(buf, sizeof buf, "#%lld}", (long long)dis);
				sb_adds(r->out, buf);
				r->last = '}';
				check_size(r);
			}
		} else {
			puts_(r, "::");
			puts_(r, ident);
		}
		break;
	}
	case 'I':
		advance(r, 1);
		path(r, needs_separator);
		if (needs_separator)
			puts_(r, "::");
		put(r, '<');
		generic_args(r);
		put(r, '>');
		expect(r, 'E');
		break;
	case 'B':
		backref(r, needs_separator ? BR_PATH_SEP : BR_PATH);
		break;
	default:
		fail(r);
	}
}

/* needs_separator: write "::" before generic arguments (not inside a type). */
static void path(struct rust *r, bool needs_separator)
{
	if (!r->n)
		fail(r);
	dm_enter(r->ctx);
	path_body(r, needs_separator);
	dm_leave(r->ctx);
}

static void binder(struct rust *r)
{
	if (!at(r, 'G'))
		return;
	advance(r, 1);
	int64_t count = (int64_t)((uint64_t)base62(r) + 1);
	/* Every bound lifetime must be used later, so there are fewer than the bytes left. */
	if (count >= (int64_t)r->n - r->lifetimes)
		fail(r);
	puts_(r, "for<");
	for (int64_t i = 0; i < count; i++) {
		if (i > 0)
			puts_(r, ", ");
		r->lifetimes++;
		write_lifetime(r, 1);
	}
	puts_(r, "> ");
}

static void fn_sig(struct rust *r)
{
	binder(r);
	if (at(r, 'U')) {
		advance(r, 1);
		puts_(r, "unsafe ");
	}
	if (at(r, 'K')) {
		advance(r, 1);
		if (at(r, 'C')) {
			advance(r, 1);
			puts_(r, "extern \"C\" ");
		} else {
			puts_(r, "extern \"");
			bool puny;
			const char *abi = identifier_bytes(r, &puny);
			if (puny)
				fail(r);
			for (const char *c = abi; *c; c++)
				put(r, *c == '_' ? '-' : *c);
			puts_(r, "\" ");
		}
	}
	puts_(r, "fn(");
	bool first = true;
	while (r->n && r->s[0] != 'E') {
		if (!first)
			puts_(r, ", ");
		first = false;
		type(r);
	}
	expect(r, 'E');
	put(r, ')');
	if (at(r, 'u')) {
		advance(r, 1);
	} else {
		puts_(r, " -> ");
		type(r);
	}
}

/* Like path, but leaves generic arguments open for associated-type bindings. */
static bool path_start_generics(struct rust *r)
{
	if (!r->n)
		fail(r);
	if (r->s[0] == 'I') {
		advance(r, 1);
		path(r, false);
		put(r, '<');
		generic_args(r);
		expect(r, 'E');
		return true;
	}
	if (r->s[0] == 'B')
		return backref(r, BR_GENERICS_START);
	path(r, false);
	return false;
}

static void dyn_trait(struct rust *r)
{
	bool started = path_start_generics(r);
	while (at(r, 'p')) {
		advance(r, 1);
		if (started) {
			puts_(r, ", ");
		} else {
			put(r, '<');
			started = true;
		}
		bool puny;
		puts_(r, identifier_bytes(r, &puny));
		puts_(r, " = ");
		type(r);
	}
	if (started)
		put(r, '>');
}

static void dyn_bounds(struct rust *r)
{
	puts_(r, "dyn ");
	binder(r);
	bool first = true;
	while (r->n && r->s[0] != 'E') {
		if (!first)
			puts_(r, " + ");
		first = false;
		dyn_trait(r);
	}
	expect(r, 'E');
}

static const char *basic_type(char c)
{
	static const char *const names[26] = {
		"i8", "bool", "char", "f64", "str", "f32", NULL, "u8", "isize", "usize",
		NULL, "i32", "u32", "i128", "u128", "_", NULL, NULL, "i16", "u16", "()",
		"...", NULL, "i64", "u64", "!",
	};
	return names[c - 'a'];
}

static void type_body(struct rust *r)
{
	char c = r->s[0];
	if (c >= 'a' && c <= 'z') {
		const char *b = basic_type(c);
		if (!b)
			fail(r);
		advance(r, 1);
		puts_(r, b);
		return;
	}
	switch (c) {
	case 'C': case 'M': case 'X': case 'Y': case 'N': case 'I':
		path(r, false);
		break;
	case 'A': case 'S':
		advance(r, 1);
		put(r, '[');
		type(r);
		if (c == 'A') {
			puts_(r, "; ");
			constant(r);
		}
		put(r, ']');
		break;
	case 'T': {
		advance(r, 1);
		put(r, '(');
		int count = 0;
		while (r->n && r->s[0] != 'E') {
			if (count > 0)
				puts_(r, ", ");
			count++;
			type(r);
		}
		if (count == 1)
			put(r, ',');
		put(r, ')');
		expect(r, 'E');
		break;
	}
	case 'R': case 'Q':
		advance(r, 1);
		put(r, '&');
		if (at(r, 'L')) {
			advance(r, 1);
			int64_t lifetime = base62(r);
			if (lifetime > 0) {
				write_lifetime(r, lifetime);
				put(r, ' ');
			}
		}
		if (c == 'Q')
			puts_(r, "mut ");
		type(r);
		break;
	case 'P':
		advance(r, 1);
		puts_(r, "*const ");
		type(r);
		break;
	case 'O':
		advance(r, 1);
		puts_(r, "*mut ");
		type(r);
		break;
	case 'F': {
		advance(r, 1);
		int64_t hold = r->lifetimes;
		fn_sig(r);
		r->lifetimes = hold;
		break;
	}
	case 'D': {
		advance(r, 1);
		int64_t hold = r->lifetimes;
		dyn_bounds(r);
		r->lifetimes = hold;
		expect(r, 'L');
		int64_t lifetime = base62(r);
		if (lifetime > 0) {
			if (r->last != ' ')
				put(r, ' ');
			puts_(r, "+ ");
			write_lifetime(r, lifetime);
		}
		break;
	}
	case 'B':
		backref(r, BR_TYPE);
		break;
	default:
		fail(r);
	}
}

static void type(struct rust *r)
{
	if (!r->n)
		fail(r);
	dm_enter(r->ctx);
	type_body(r);
	dm_leave(r->ctx);
}

static int lower_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void put_char_const(struct rust *r, uint64_t val)
{
	put(r, '\'');
	if (val == '\t')
		puts_(r, "\\t");
	else if (val == '\r')
		puts_(r, "\\r");
	else if (val == '\n')
		puts_(r, "\\n");
	else if (val == '\\')
		puts_(r, "\\\\");
	else if (val == '\'')
		puts_(r, "\\'");
	else if (val >= ' ' && val <= '~')
		put(r, (char)val);
	else
		put_fmt_u64(r, "\\u{%llx}", val, '}');
	put(r, '\'');
}

/* <const> ::= <type> [n] {<hex-digit>} _ | p | <backref> */
static void constant(struct rust *r)
{
	if (!r->n)
		fail(r);
	if (r->s[0] == 'B') {
		backref(r, BR_CONST);
		return;
	}
	if (r->s[0] == 'p') {
		advance(r, 1);
		put(r, '_');
		return;
	}
	char t = r->s[0];
	enum { SIGNED, UNSIGNED, BOOLEAN, CHARACTER } kind;
	if (strchr("aslxni", t))
		kind = SIGNED;
	else if (strchr("htmyoj", t))
		kind = UNSIGNED;
	else if (t == 'b')
		kind = BOOLEAN;
	else if (t == 'c')
		kind = CHARACTER;
	else
		fail(r);
	advance(r, 1);
	if (kind == SIGNED && at(r, 'n')) {
		advance(r, 1);
		put(r, '-');
	}
	const char *start = r->s;
	size_t digits = 0;
	uint64_t val = 0;
	while (r->n) {
		char c = r->s[0];
		if (c == '_') {
			advance(r, 1);
			break;
		}
		int d = lower_hex_digit(c);
		if (d < 0)
			fail(r);
		advance(r, 1);
		if (val == 0 && d == 0 && !at(r, '_'))
			fail(r);
		val = val * 16 + (uint64_t)d;
		digits++;
	}
	if (digits == 0)
		fail(r);
	switch (kind) {
	case SIGNED:
	case UNSIGNED:
		if (digits > 16) {
			puts_(r, "0x");
			putn(r, start, digits);
		} else {
			put_fmt_u64(r, "%llu", val, '0');
		}
		break;
	case BOOLEAN:
		if (digits > 1 || val > 1)
			fail(r);
		puts_(r, val ? "true" : "false");
		break;
	case CHARACTER:
		if (digits > 6)
			fail(r);
		put_char_const(r, val);
		break;
	}
}

void dm_rust_v0(struct dm_ctx *ctx, const char *name, bool no_generics, struct strbuf *out)
{
	/* Everything from the first '.' on is a suffix the GNU style drops. */
	const char *dot = strchr(name, '.');
	size_t len = dot ? (size_t)(dot - name) : strlen(name);
	struct rust *r = arena_zalloc(ctx->arena, sizeof *r);
	r->ctx = ctx;
	r->orig = name + 2;
	r->s = r->orig;
	r->n = len - 2;
	r->out = out;
	r->start = out->len;
	r->no_generics = no_generics;
	if (!r->n || is_digit(r->s[0]))
		fail(r); /* no encoding versions are defined */
	path(r, true);
	if (r->n) {
		/* The instantiating crate is not printed. */
		r->skip = true;
		path(r, false);
	}
	if (r->n)
		fail(r);
}

static bool legacy_escape(const char *id, size_t len, char *c)
{
	static const struct {
		char code[3];
		char c;
	} codes[] = {
		{ "SP", '@' }, { "BP", '*' }, { "RF", '&' }, { "LT", '<' },
		{ "GT", '>' }, { "LP", '(' }, { "RP", ')' },
	};
	if (len > 4 && id[1] == 'u' && id[4] == '$') {
		int d1 = lower_hex_digit(id[2]), d2 = lower_hex_digit(id[3]);
		if (d1 < 0 || d2 < 0 || d1 > 7 || d1 * 16 + d2 < ' ')
			return false;
		*c = (char)(d1 * 16 + d2);
		return true;
	}
	if (len > 3 && id[3] == '$') {
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
			if (id[1] == codes[i].code[0] && id[2] == codes[i].code[1]) {
				*c = codes[i].c;
				return true;
			}
		}
	}
	return false;
}

/* One identifier of a legacy name, with its $..$ escapes and ".." decoded. */
static void legacy_identifier(const char *id, size_t len, struct strbuf *out)
{
	if (len >= 2 && id[0] == '_' && id[1] == '$') {
		id++;
		len--;
	}
	while (len > 0) {
		if (id[0] == '$') {
			char c;
			if (len > 2 && id[1] == 'C' && id[2] == '$') {
				sb_addc(out, ',');
				id += 3;
				len -= 3;
			} else if (legacy_escape(id, len, &c)) {
				sb_addc(out, c);
				size_t k = id[1] == 'u' ? 5 : 4;
				id += k;
				len -= k;
			} else {
				/* An escape we do not know: the rest goes out as it is. */
				sb_addn(out, id, len);
				return;
			}
		} else if (id[0] == '.' && len > 1 && id[1] == '.') {
			sb_adds(out, "::");
			id += 2;
			len -= 2;
		} else {
			sb_addc(out, id[0]);
			id++;
			len--;
		}
	}
}

/*
 * name is "_ZN" ... "17h" <16 hex digits> "E", any ".suffix" already cut.
 * Returns 1 and appends the demangled name, 0 if this is not a legacy Rust
 * name after all, or -1 where the Go package would crash.
 */
int dm_rust_legacy(const char *name, size_t len, struct strbuf *out)
{
	const char *s = name + 3;
	size_t n = len - 3;
	unsigned seen = 0;
	for (size_t i = n - 17; i < n - 1; i++) {
		int d = lower_hex_digit(s[i]);
		if (d < 0)
			return 0;
		seen |= 1u << d;
	}
	/* A real hash has at least 5 distinct digits. */
	if (__builtin_popcount(seen) < 5)
		return 0;
	n -= 20;
	size_t start = out->len;
	while (n > 0) {
		if (!is_digit(s[0]))
			return 0;
		int val = 0;
		while (n > 0 && is_digit(s[0])) {
			int add = s[0] - '0';
			if (val >= INT32_MAX / 10 - add)
				return 0;
			val = val * 10 + add;
			s++;
			n--;
		}
		/* An optional underscore separates the length from the identifier. */
		if (n > 0 && s[0] == '_') {
			s++;
			n--;
			val--;
		}
		if (val < 0)
			return -1;
		if (n < (size_t)val)
			return 0;
		if (out->len > start)
			sb_adds(out, "::");
		legacy_identifier(s, (size_t)val, out);
		s += val;
		n -= (size_t)val;
	}
	return 1;
}
