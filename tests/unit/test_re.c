/*
 * Regular expressions in pprof's (Go RE2) syntax, matched with PCRE2 as
 * Go's MatchString matches: unanchored, UTF-8 aware, '$' only at the very
 * end. The expectations are what Go's regexp package answers.
 */
#include <stdlib.h>

#include "check.h"
#include "re.h"

static int m(const char *pattern, const char *s)
{
	char err[256];
	struct regex *re = re_compile(pattern, err, sizeof err);
	if (!re)
		return -1;
	int r = re_match(re, s);
	re_free(re);
	return r;
}

static void test_syntax(void)
{
	CHECK(m("main\\.handler", "github.com/x/main.handler") == 1);
	CHECK(m("main\\.handler", "mainXhandler") == 0);
	CHECK(m("main.handler", "mainXhandler") == 1);
	CHECK(m("\\d+", "layer12") == 1);
	CHECK(m("^\\d+$", "12a") == 0);
	CHECK(m("(?i)JSON", "encoding/json.Marshal") == 1);
	CHECK(m("a.*?b", "axxb") == 1);
	CHECK(m("^(sort|fmt)\\.", "sort.Ints") == 1);
	CHECK(m("^(sort|fmt)\\.", "xsort.Ints") == 0);
	CHECK(m("[[:alpha:]]+", "abc") == 1);
	CHECK(m("\\pL", "\xce\xb1") == 1);
	/* Go's $ without (?m) matches only at the end of the text */
	CHECK(m("a$", "a\n") == 0);
	CHECK(m("a$", "a") == 1);
	CHECK(m("(?m)a$", "a\nb") == 1);
	CHECK(m("a\\z", "a") == 1);
	/* '.' is one rune in UTF-8 text */
	CHECK(m("^.$", "\xce\xb1") == 1);
	CHECK(m("^..$", "\xce\xb1") == 0);
	/* an empty pattern matches everything */
	CHECK(m("", "anything") == 1);
	/* named groups in Go's spelling */
	CHECK(m("(?P<fn>main)\\.", "main.x") == 1);
	/* invalid UTF-8 in the subject does not stop matching */
	CHECK(m("b", "a\xff" "b") == 1);
}

static void test_errors(void)
{
	char err[256];
	struct regex *re = re_compile("(", err, sizeof err);
	CHECK(re == NULL);
	CHECK(strstr(err, "error parsing regexp") != NULL);
	re = re_compile("a[b", err, sizeof err);
	CHECK(re == NULL);
	re = re_compile("*a", err, sizeof err);
	CHECK(re == NULL);
	re = re_compile("handler=([", err, sizeof err);
	CHECK(re == NULL);
}

static void test_find(void)
{
	char err[256];
	struct regex *re = re_compile("b+", err, sizeof err);
	size_t start, end;
	CHECK(re_find(re, "aabbbc", 6, &start, &end) && start == 2 && end == 5);
	CHECK(!re_find(re, "aac", 3, &start, &end));
	CHECK_STR(re_pattern(re), "b+");
	re_free(re);
}

int main(void)
{
	test_syntax();
	test_errors();
	test_find();
	return check_done("re");
}
