/*
 * re: regular expressions in pprof's (Go RE2) syntax, matched with PCRE2.
 *
 * re_match is Go's MatchString: true if the pattern matches anywhere in s.
 * '$' matches only at the very end, as in Go. A compiled regex is owned by
 * the caller and released with re_free.
 */
#ifndef CPROF_RE_H
#define CPROF_RE_H

#include <stdbool.h>
#include <stddef.h>

struct regex;

/* re_compile returns NULL with a message ("missing closing ): `(`") in err. */
struct regex *re_compile(const char *pattern, char *err, size_t errsize);
bool re_match(const struct regex *re, const char *s);
/* re_find reports the first match's byte offsets [*start, *end). */
bool re_find(const struct regex *re, const char *s, size_t len, size_t *start, size_t *end);
const char *re_pattern(const struct regex *re);
void re_free(struct regex *re);

#endif
