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

bool re_match(const struct regex *re, const char *s)
{
	return re_find(re, s, strlen(s), NULL, NULL);
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
