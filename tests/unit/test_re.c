/*
 * Regular expressions in pprof's (Go RE2) syntax, matched with PCRE2 as
 * Go's MatchString matches: unanchored, UTF-8 aware, '$' only at the very
 * end. The expectations are what Go's regexp package answers. And
 * pprof's function name shortening (the cases of google/pprof's
 * TestShortenFunctionName).
 */
#include <stdlib.h>

#include "check.h"
#include "re.h"
#include "util.h"

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

static void test_shorten(void)
{
	static const char *const cases[][2] = {
		{ "root", "root" },
		{ "syscall.Syscall", "syscall.Syscall" },
		{ "net/http.(*conn).serve", "http.(*conn).serve" },
		{ "github.com/blahBlah/foo.Foo", "foo.Foo" },
		{ "github.com/BlahBlah/foo.Foo", "foo.Foo" },
		{ "github.com/BlahBlah/foo.Foo[...]", "foo.Foo[...]" },
		{ "github.com/blah-blah/foo_bar.(*FooBar).Foo", "foo_bar.(*FooBar).Foo" },
		{ "encoding/json.(*structEncoder).(encoding/json.encode)-fm",
		  "json.(*structEncoder).(encoding/json.encode)-fm" },
		{ "github.com/blah/blah/vendor/gopkg.in/redis.v3.(*baseClient).(github.com/blah/blah/vendor/gopkg.in/"
		  "redis.v3.process)-fm",
		  "redis.v3.(*baseClient).(github.com/blah/blah/vendor/gopkg.in/redis.v3.process)-fm" },
		{ "github.com/foo/bar/v4.(*Foo).Bar", "bar.(*Foo).Bar" },
		{ "github.com/foo/bar/v4/baz.Foo.Bar", "baz.Foo.Bar" },
		{ "github.com/foo/bar/v123.(*Foo).Bar", "bar.(*Foo).Bar" },
		{ "github.com/foobar/v0.(*Foo).Bar", "v0.(*Foo).Bar" },
		{ "github.com/foobar/v1.(*Foo).Bar", "v1.(*Foo).Bar" },
		{ "example.org/v2xyz.Foo", "v2xyz.Foo" },
		{ "github.com/foo/bar/v4/v4.(*Foo).Bar", "v4.(*Foo).Bar" },
		{ "github.com/foo/bar/v4/foo/bar/v4.(*Foo).Bar", "v4.(*Foo).Bar" },
		{ "java.util.concurrent.ThreadPoolExecutor$Worker.run", "ThreadPoolExecutor$Worker.run" },
		{ "java.bar.foo.FooBar.run(java.lang.Runnable)", "FooBar.run" },
		{ "(anonymous namespace)::Bar::Foo", "Bar::Foo" },
		{ "(anonymous namespace)::foo", "foo" },
		{ "cpp::namespace::Class::method()::$_100::operator()", "Class::method" },
		{ "foo_bar::Foo::bar", "Foo::bar" },
		{ "cpp::namespace::Class::method<float, long, int>()", "Class::method<float, long, int>" },
		{ "foo", "foo" },
		{ "foo/xyz", "foo/xyz" },
		{ "com.google.perftools.gwp.benchmark.FloatBench.lambda$run$0", "FloatBench.lambda$run$0" },
		{ "java.bar.foo.FooBar.run$0", "FooBar.run$0" },
		{ "", "" },
	};
	struct shortener *s = shortener_new();
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		shorten_name(s, cases[i][0], &out);
		CHECK_STR(sb_cstr(&out), cases[i][1]);
	}
	sb_free(&out);
	shortener_free(s);
}

/*
 * Profile strings hold a NUL as 0xC0 0x80 and a 0xC0 as 0xC0 0xC0
 * (util.h); they match as the bytes they stand for, as Go matches them.
 */
static void test_escaped(void)
{
	CHECK(m("f\\x00a", "main.f\xc0\x80" "a") == 1);
	CHECK(m("f\\x00a", "main.f\xc0\xc0\x80" "a") == 0);
	CHECK(m("^x.$", "x\xc0\x80") == 1);
	CHECK(m("^x\\x00$", "x\xc0\x80") == 1);
	CHECK(m("^x\\x00$", "x\xc0\xc0\x80") == 0);
	CHECK(m("^[^.]+$", "a\xc0\x80" "b") == 1);
	CHECK(m("\\x00b", "a\xc0\x80" "b") == 1);
	CHECK(m("ab", "a\xc0\x80" "b") == 0);

	struct shortener *s = shortener_new();
	struct strbuf out = STRBUF_INIT;
	shorten_name(s, "github.com/x/pk\xc0\x80g.Fu\xc0\x80nc", &out);
	CHECK_STR(sb_cstr(&out), "pk\xc0\x80g.Fu\xc0\x80nc");
	sb_free(&out);
	shortener_free(s);
}

int main(void)
{
	test_syntax();
	test_errors();
	test_find();
	test_shorten();
	test_escaped();
	return check_done("re");
}
