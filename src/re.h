/*
 * re: regular expressions in pprof's (Go RE2) syntax, matched with PCRE2.
 *
 * re_match is Go's MatchString: true if the pattern matches anywhere in s.
 * '$' matches only at the very end, as in Go. s may be a profile string
 * with escaped NULs (util.h): it is matched as the bytes it stands for, so
 * `\x00` and `.` match a NUL there as in Go; shorten_name works on those
 * bytes too. A compiled regex is owned by
 * the caller and released with re_free.
 *
 * The function name shortener of dot labels is here too: its patterns
 * are PCRE2's like the rest, and re.c is the one file that includes
 * pcre2.h.
 */
#ifndef CPROF_RE_H
#define CPROF_RE_H

#include <stdbool.h>
#include <stddef.h>

struct regex;
struct strbuf;

/* re_compile returns NULL with a message ("missing closing ): `(`") in err. */
struct regex *re_compile(const char *pattern, char *err, size_t errsize);
bool re_match(const struct regex *re, const char *s);
/* re_find reports the first match's byte offsets [*start, *end). */
bool re_find(const struct regex *re, const char *s, size_t len, size_t *start, size_t *end);
const char *re_pattern(const struct regex *re);
void re_free(struct regex *re);

/*
 * pprof's ShortenFunctionName: drops package paths, Java packages and
 * argument lists, and C++ namespaces from a function name. A shortener
 * holds the compiled patterns; the caller frees it.
 */
struct shortener;
struct shortener *shortener_new(void);
void shortener_free(struct shortener *s);
void shorten_name(struct shortener *s, const char *name, struct strbuf *out);

#endif
