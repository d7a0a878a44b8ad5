#define PCRE2_CODE_UNIT_WIDTH 8
#include "re.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	char *pattern;
};

struct regex *re_compile(const char *pattern, char *err, size_t errsize)
{
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		snprintf(err, errsize, "error parsing regexp: %s at offset %zu: `%s`", (char *)msg, (size_t)erroff,
			 pattern);
		return NULL;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	struct regex *re = xcalloc(1, sizeof *re);
	re->code = code;
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!re->md)
		die_oom();
	re->pattern = xstrdup(pattern);
	return re;
}

bool re_find(const struct regex *re, const char *s, size_t len, size_t *start, size_t *end)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->md, NULL);
	if (rc < 0)
		return false;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	if (start)
		*start = ov[0];
	if (end)
		*end = ov[1];
	return true;
}

/*
 * A profile string with escapes (util.h) is matched as the bytes it
 * stands for, as Go matches them: `.` and `\x00` match a NUL, `[^.]` too.
 */
bool re_match(const struct regex *re, const char *s)
{
	size_t n = strlen(s);
	if (!memchr(s, NUL_ESCAPE, n))
		return re_find(re, s, n, NULL, NULL);
	char *bytes = xmalloc(n);
	bool m = re_find(re, bytes, nul_unescape(bytes, s, n), NULL, NULL);
	free(bytes);
	return m;
}

const char *re_pattern(const struct regex *re)
{
	return re->pattern;
}

void re_free(struct regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re->pattern);
	free(re);
}

/* ---- shortened names ---- */

struct shortener {
	pcre2_code *version;
	pcre2_code *lang[3]; /* Go, Java, C++ */
	pcre2_match_data *md;
};

static pcre2_code *compile_pattern(const char *pattern)
{
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags, &errcode, &erroff, NULL);
	if (!c)
		die_oom(); /* the patterns are constant: only memory can fail */
	pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

struct shortener *shortener_new(void)
{
	struct shortener *s = xcalloc(1, sizeof *s);
	s->version = compile_pattern("^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$");
	s->lang[0] = compile_pattern("^(?:[\\w\\-\\.]+\\/)+([^.]+\\..+)");
	s->lang[1] = compile_pattern("^(?:[a-z]\\w*\\.)*([A-Z][\\w\\$]*\\.(?:<init>|[a-z][\\w\\$]*(?:\\$\\d+)?))(?:(?:\\()|$)");
	s->lang[2] = compile_pattern("^(?:[_a-zA-Z]\\w*::)+(_*[A-Z]\\w*::~?[_a-zA-Z]\\w*(?:<.*>)?)");
	s->md = pcre2_match_data_create(4, NULL);
	if (!s->md)
		die_oom();
	return s;
}

void shortener_free(struct shortener *s)
{
	if (!s)
		return;
	pcre2_code_free(s->version);
	for (int i = 0; i < 3; i++)
		pcre2_code_free(s->lang[i]);
	pcre2_match_data_free(s->md);
	free(s);
}

/* match runs re on str; the ovector of s->md then holds its groups. */
static PCRE2_SIZE *match(struct shortener *s, pcre2_code *re, const char *str, size_t len)
{
	if (pcre2_match(re, (PCRE2_SPTR)str, len, 0, 0, s->md, NULL) < 0)
		return NULL;
	return pcre2_get_ovector_pointer(s->md);
}

static void add_group(struct strbuf *out, const char *str, const PCRE2_SIZE *ov, int g)
{
	if (ov[2 * g] != PCRE2_UNSET)
		sb_addn(out, str + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

/* shorten_bytes shortens the len bytes at name (NULs among them) into out. */
static void shorten_bytes(struct shortener *s, const char *name, size_t len, struct strbuf *out)
{
	static const char anon[] = "(anonymous namespace)::";
	if (len >= sizeof anon - 1 && !memcmp(name, anon, sizeof anon - 1)) {
		name += sizeof anon - 1;
		len -= sizeof anon - 1;
	}
	struct strbuf f = STRBUF_INIT;
	const PCRE2_SIZE *ov = match(s, s->version, name, len);
	if (ov) {
		add_group(&f, name, ov, 1);
		add_group(&f, name, ov, 2);
	} else {
		sb_addn(&f, name, len);
	}
	const char *fs = sb_cstr(&f);
	sb_reset(out);
	for (int i = 0; i < 3; i++)
		if ((ov = match(s, s->lang[i], fs, f.len))) {
			add_group(out, fs, ov, 1);
			sb_free(&f);
			return;
		}
	sb_addn(out, fs, f.len);
	sb_free(&f);
}

void shorten_name(struct shortener *s, const char *name, struct strbuf *out)
{
	size_t len = strlen(name);
	if (!memchr(name, NUL_ESCAPE, len)) {
		shorten_bytes(s, name, len, out);
		return;
	}
	/* matched as bytes, as re_match does, and escaped again */
	struct strbuf bytes = STRBUF_INIT, short_bytes = STRBUF_INIT;
	sb_addn(&bytes, name, len);
	bytes.len = nul_unescape(bytes.s, bytes.s, len);
	shorten_bytes(s, bytes.s, bytes.len, &short_bytes);
	sb_reset(out);
	char *esc = xmalloc(2 * short_bytes.len + 1);
	sb_addn(out, esc, nul_escape(esc, short_bytes.s ? short_bytes.s : "", short_bytes.len));
	free(esc);
	sb_free(&bytes);
	sb_free(&short_bytes);
}
