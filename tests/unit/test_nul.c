/*
 * Profile strings with NUL bytes (util.h): the escaping is one to one
 * and undone exactly, also by a stream whose writes split an escape;
 * escaped strings sort as Go sorts their bytes; and rune counts and
 * padding are Go's (utf8.RuneCount, fmt's %10s), an escape one rune.
 */
#include <stdlib.h>

#include "check.h"
#include "gofmt.h"
#include "util.h"

/* esc returns bytes[0, n) escaped, in a buffer the caller frees. */
static char *esc(const void *bytes, size_t n)
{
	char *s = xmalloc(n + nul_escape_extra(bytes, n) + 1);
	nul_escape(s, bytes, n);
	return s;
}

static void test_escape(void)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	CHECK(nul_escape_extra(all, 256) == 2);
	char *s = esc(all, 256);
	CHECK(strlen(s) == 258);
	CHECK(!memcmp(s, "\xc0\x80\x01", 3));
	CHECK(!memcmp(s + 0xc0 + 1, "\xc0\xc0\xc1", 3));
	char back[258];
	CHECK(nul_unescape(back, s, strlen(s)) == 256 && !memcmp(back, all, 256));
	free(s);

	/* the bytes cprof holds a NUL as are a string of their own */
	char *nul = esc("x\0", 2), *c080 = esc("x\xc0\x80", 3), *c0 = esc("\xc0", 1);
	CHECK_STR(nul, "x\xc0\x80");
	CHECK_STR(c080, "x\xc0\xc0\x80");
	CHECK(strcmp(nul, c080) != 0);
	CHECK_STR(c0, "\xc0\xc0");
	free(nul);
	free(c080);
	free(c0);
	CHECK(nul_escape_extra("plain", 5) == 0);

	/* in place, and a 0xC0 that is no escape stays */
	char in[] = "a\xc0\x80" "b\xc0" "z\xc0";
	CHECK(nul_unescape(in, in, strlen(in)) == 6 && !memcmp(in, "a\0b\xc0z\xc0", 6));

	struct arena *a = arena_new();
	size_t len;
	CHECK_STR(arena_escape(a, "k\0v", 3, &len), "k\xc0\x80v");
	CHECK(len == 4);
	CHECK_STR(arena_escape(a, "kv", 2, NULL), "kv");
	arena_free(a);
}

/* Every split of the escaped text into two writes gives the same bytes. */
static void test_stream(void)
{
	static const char text[] = "a\xc0\x80" "b\xc0\xc0" "c\xc0" "d\xc0\x80\xc0\xc0\xc0";
	static const char want[] = "a\0b\xc0" "c\xc0" "d\0\xc0\xc0";
	size_t n = sizeof text - 1, wn = sizeof want - 1;
	for (size_t cut = 0; cut <= n; cut++) {
		char *buf = NULL;
		size_t size = 0;
		FILE *mem = open_memstream(&buf, &size);
		FILE *f = nul_unescape_stream(mem);
		setvbuf(f, NULL, _IONBF, 0); /* each fwrite reaches the cookie as it is */
		fwrite(text, 1, cut, f);
		fwrite(text + cut, 1, n - cut, f);
		CHECK(fclose(f) == 0);
		fclose(mem);
		CHECK(size == wn && !memcmp(buf, want, wn));
		free(buf);
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Escaped, any two byte strings compare as memcmp and then length order them (Go's <). */
static void test_order(void)
{
	static const char *const bytes[] = { "", "\0", "\0\0", "\x01", "A", "a", "x", "x\0", "xA", "x\xc0",
					    "x\xc0\x80", "x\xc1", "\xbf", "\xc0", "\xc0\xc0", "\xff" };
	static const size_t lens[] = { 0, 1, 2, 1, 1, 1, 1, 2, 2, 2, 3, 2, 1, 1, 2, 1 };
	size_t n = sizeof lens / sizeof lens[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			size_t m = lens[i] < lens[j] ? lens[i] : lens[j];
			int want = memcmp(bytes[i], bytes[j], m);
			if (!want)
				want = (lens[i] > lens[j]) - (lens[i] < lens[j]);
			char *x = esc(bytes[i], lens[i]), *y = esc(bytes[j], lens[j]);
			CHECK(sign(nul_strcmp(x, y)) == sign(want));
			free(x);
			free(y);
		}
}

static void test_runes(void)
{
	CHECK(utf8_len("t\xc0\x80" "a\xc0\xc0" "g", 7) == 5); /* t, NUL, a, 0xC0, g */
	CHECK(utf8_len("\xce\xb1", 2) == 1);
	CHECK(utf8_len("\xe2\x80\xa6", 3) == 1);
	CHECK(utf8_len("\xf0\x9f\x98\x80", 4) == 1);
	/* what Go's utf8.RuneCount counts byte by byte: overlong, surrogate, out of range, cut short */
	CHECK(utf8_len("\xc1\xbf", 2) == 2);
	CHECK(utf8_len("\xe0\x80\x80", 3) == 3);
	CHECK(utf8_len("\xed\xa0\x80", 3) == 3);
	CHECK(utf8_len("\xf4\x90\x80\x80", 4) == 4);
	CHECK(utf8_len("\xf5", 1) == 1);
	CHECK(utf8_len("\xe2\x80", 2) == 2);
	CHECK(utf8_len("\x80\xbf", 2) == 2);

	struct strbuf b = STRBUF_INIT;
	go_pad_left(&b, "t\xc0\x80" "a\xc0\xc0" "g", 10);
	CHECK_STR(sb_cstr(&b), "     t\xc0\x80" "a\xc0\xc0" "g");
	sb_reset(&b);
	go_pad_left(&b, "longer than ten", 10);
	CHECK_STR(sb_cstr(&b), "longer than ten");
	sb_free(&b);
}

int main(void)
{
	test_escape();
	test_stream();
	test_order();
	test_runes();
	return check_done("nul");
}
