/*
 * Unit tests of the legacy decoder: the Go library behaviour it mimics,
 * the regexp matcher, and small profiles of each format whose expected
 * decoding was taken from pprof's profile package (its legacy tests, or
 * its parser run on the same bytes). See tests/legacy/README.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "decode_legacy_int.h"

static struct slice S(const char *s)
{
	return slice_make(s, strlen(s));
}

static bool slice_is(struct slice s, const char *want)
{
	return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

/* ---- Go library ---- */

static void test_trim_space(void)
{
	CHECK(slice_is(go_trim_space(S(" \t\v\f\r\n x y \n")), "x y"));
	CHECK(slice_is(go_trim_space(S("\xc2\xa0x\xe2\x80\x80")), "x"));     /* NBSP, EN QUAD */
	CHECK(slice_is(go_trim_space(S("\xe3\x80\x80x\xc2\x85")), "x"));     /* ideographic space, NEL */
	CHECK(slice_is(go_trim_space(S("\xa0x\xc2")), "\xa0x\xc2"));         /* broken UTF-8 stays */
	CHECK(slice_is(go_trim_space(S("\xe2\x80\x8bx")), "\xe2\x80\x8bx")); /* zero width space is not a space */
	CHECK(go_trim_space(S("  \xc2\xa0 ")).n == 0);
	CHECK(go_space_or_comment(S("  # x")));
	CHECK(go_space_or_comment(S(" \t ")));
	CHECK(!go_space_or_comment(S(" x#")));
}

static void test_parse_int(void)
{
	int64_t i;
	uint64_t u;
	CHECK(go_parse_int(S("123"), 10, &i) == GO_NUM_OK && i == 123);
	CHECK(go_parse_int(S("-9223372036854775808"), 10, &i) == GO_NUM_OK && i == INT64_MIN);
	CHECK(go_parse_int(S("9223372036854775808"), 10, &i) == GO_NUM_RANGE);
	CHECK(go_parse_int(S("99999999999999999999"), 10, &i) == GO_NUM_RANGE);
	CHECK(go_parse_int(S(""), 10, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("-"), 10, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("1_000"), 10, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("1_000"), 0, &i) == GO_NUM_OK && i == 1000);
	CHECK(go_parse_int(S("1__0"), 0, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("_1"), 0, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("0x_1f"), 0, &i) == GO_NUM_OK && i == 31);
	CHECK(go_parse_int(S("0777"), 0, &i) == GO_NUM_OK && i == 0777);
	CHECK(go_parse_int(S("09"), 0, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("0"), 0, &i) == GO_NUM_OK && i == 0);
	CHECK(go_parse_int(S("0x"), 0, &i) == GO_NUM_SYNTAX);
	CHECK(go_parse_int(S("0b101"), 0, &i) == GO_NUM_OK && i == 5);
	CHECK(go_parse_int(S("+0o17"), 0, &i) == GO_NUM_OK && i == 15);
	CHECK(go_parse_uint(S("0xffffffffffffffff"), 0, &u) == GO_NUM_OK && u == UINT64_MAX);
	CHECK(go_parse_uint(S("0x10000000000000000"), 0, &u) == GO_NUM_RANGE);
	CHECK(go_parse_uint(S("DEADbeef"), 16, &u) == GO_NUM_OK && u == 0xdeadbeef);
	CHECK(go_parse_uint(S("0x10"), 16, &u) == GO_NUM_SYNTAX);
}

static void test_arith(void)
{
	CHECK(go_f2i(1e300) == INT64_MIN);
	CHECK(go_f2i(-1e300) == INT64_MIN);
	CHECK(go_f2i(NAN) == INT64_MIN);
	CHECK(go_f2i(-3.9) == -3);
	CHECK(go_f2i(9223372036854774784.0) == INT64_C(9223372036854774784));
	CHECK(go_div(INT64_MIN, -1) == INT64_MIN);
	CHECK(go_div(-7, 2) == -3);
	CHECK(go_exp(0) == 1);
	CHECK(go_exp(-INFINITY) == 0);
	CHECK(isinf(go_exp(710)));
	CHECK(go_exp(-1000) == 0);
	for (double x = -30; x < 30; x += 0.37)
		CHECK(fabs(go_exp(x) - exp(x)) <= 4 * fabs(exp(x)) * 2.220446049250313e-16);
	/* Heap samples pprof unsamples (cppbench.heap): 1 object of 2162688 bytes at rate 524288. */
	int64_t c, s;
	scale_heap_sample(1, 2162688, 524288, &c, &s);
	CHECK(c == 1 && s == 2198218);
	scale_heap_sample(1, 9216, 524288, &c, &s);
	CHECK(c == 57 && s == 528909);
	scale_heap_sample(5, 0, 524288, &c, &s);
	CHECK(c == 0 && s == 0);
	scale_heap_sample(5, 10, 1, &c, &s);
	CHECK(c == 5 && s == 10);
}

static void test_scanner(void)
{
	static const char text[] = "a\r\n\nb\r\rc";
	struct scanner s;
	scan_init(&s, text, sizeof text - 1);
	CHECK(scan_next(&s) && slice_is(s.tok, "a"));
	CHECK(scan_next(&s) && slice_is(s.tok, ""));
	CHECK(scan_next(&s) && slice_is(s.tok, "b\r\rc")); /* only a CR before the newline goes */
	CHECK(!scan_next(&s) && s.tok.n == 0 && !scan_error(&s));

	/* A line of 65535 bytes passes; 65536 stops the scan, then hands out the buffered head. */
	size_t n = 65536 + 10;
	char *big = xmalloc(n);
	memset(big, 'x', n);
	big[65535] = '\n';
	scan_init(&s, big, n);
	CHECK(scan_next(&s) && s.tok.n == 65535);
	CHECK(scan_next(&s) && s.tok.n == 10);
	big[65535] = 'x';
	big[65536] = '\n';
	scan_init(&s, big, n);
	CHECK(!scan_next(&s) && scan_error(&s));
	CHECK(scan_next(&s) && s.tok.n == 65536);
	CHECK(!scan_next(&s) && scan_error(&s));
	free(big);
}

/* ---- regexps ---- */

static void test_regexp(void)
{
	size_t caps[LRE_MAX_CAPS];
	struct lre *re = lre_compile("(\\d+) *(\\d+) @([ x0-9a-f]*)");
	struct slice l = S("x 123 @ 0x1");
	CHECK(lre_match(re, l, caps));
	/* leftmost-first: the first group gives up its last digit */
	CHECK(slice_is(lre_group(l, caps, 1), "12") && slice_is(lre_group(l, caps, 2), "3"));
	CHECK(slice_is(lre_group(l, caps, 3), " 0x1"));
	lre_free(re);

	re = lre_compile("^(.*)\\s+\\((.+):(-?[[:digit:]]+)\\)$");
	l = S("a (b) c  (d:e:-12)");
	CHECK(lre_match(re, l, caps));
	CHECK(slice_is(lre_group(l, caps, 1), "a (b) c "));
	CHECK(slice_is(lre_group(l, caps, 2), "d:e") && slice_is(lre_group(l, caps, 3), "-12"));
	lre_free(re);

	re = lre_compile("([.]so$|[.]so[._][0-9]+)");
	CHECK(lre_match(re, S("/lib/libc.so"), NULL));
	CHECK(lre_match(re, S("/lib/libc.so.6"), NULL));
	CHECK(!lre_match(re, S("/lib/libc.so.x"), NULL));
	CHECK(!lre_match(re, S("/lib/libc.so\n"), NULL)); /* Go's $ is the end of the text */
	lre_free(re);

	re = lre_compile("\\A(\\d+) @(( 0x[0-9a-f]+)+)\\z");
	l = S("12 @ 0x1 0x2");
	CHECK(lre_match(re, l, caps) && slice_is(lre_group(l, caps, 2), " 0x1 0x2") &&
	      slice_is(lre_group(l, caps, 3), " 0x2"));
	CHECK(!lre_match(re, S("12 @ 0x1 0x2 "), NULL));
	lre_free(re);

	CHECK(lre_compile("a(") == NULL);
	CHECK(lre_compile("\\q") == NULL);
}

/* ---- whole profiles ---- */

static struct profile *decode(const char *text, size_t len, char *err)
{
	err[0] = '\0';
	return decode_legacy((const uint8_t *)text, len, err, 256);
}

static struct profile *decode_str(const char *text, char *err)
{
	return decode(text, strlen(text), err);
}

/* stack_is compares a sample's addresses with want (0-terminated). */
static bool stack_is(const struct profile *p, const struct sample *s, const uint64_t *want)
{
	uint32_t i = 0;
	for (; want[i]; i++)
		if (i >= s->n_loc || p->location[s->loc[i]].address != want[i])
			return false;
	return i == s->n_loc;
}

/* Mapping entries of pprof's TestParseMappingEntry, read from a heap profile's map section. */
static void test_mapping_entries(void)
{
	static const struct {
		const char *entry;
		uint64_t start, limit, offset;
		const char *file, *build_id;
	} tests[] = {
		{ "00400000-02e00000 r-xp 00000000 00:00 0", 0x400000, 0x2e00000, 0, "", "" },
		{ "02e00000-02e8a000 r-xp 02a00000 00:00 15953927    /foo/bin", 0x2e00000, 0x2e8a000, 0x2a00000,
		  "/foo/bin", "" },
		{ "02e00000-02e8a000 r-xp 000000 00:00 15953927    [vdso]", 0x2e00000, 0x2e8a000, 0, "[vdso]", "" },
		{ "  02e00000-02e8a000: /foo/bin (@2a00000)", 0x2e00000, 0x2e8a000, 0x2a00000, "/foo/bin", "" },
		{ "  02e00000-02e8a000: /foo/bin (deleted)", 0x2e00000, 0x2e8a000, 0, "/foo/bin", "" },
		{ "  02e00000-02e8a000: [vdso]", 0x2e00000, 0x2e8a000, 0, "[vdso]", "" },
		{ "0xff6810563000 0xff6810565000 r-xp abc_exe 87c4d547f895cfd6a370e08dc5c5ee7bd4199d5b", 0xff6810563000,
		  0xff6810565000, 0, "abc_exe", "87c4d547f895cfd6a370e08dc5c5ee7bd4199d5b" },
		{ "7f5e5435e000-7f5e5455e000 --xp 00002000 00:00 1531        myprogram", 0x7f5e5435e000, 0x7f5e5455e000,
		  0x2000, "myprogram", "" },
		{ "7f7472710000-7f7472722000 r-xp 00000000 fc:00 790190      /usr/lib/libfantastic-1.2.so",
		  0x7f7472710000, 0x7f7472722000, 0, "/usr/lib/libfantastic-1.2.so", "" },
		{ "0x40000-0x80000 /path/to/binary      (@FF00)            abc123456", 0x40000, 0x80000, 0xff00,
		  "/path/to/binary", "abc123456" },
		{ "W1220 15:07:15.202776    8272 logger.cc:12036]   0x40000-0x80000 /path/to/binary      (@FF00)  "
		  "          abc123456",
		  0x40000, 0x80000, 0xff00, "/path/to/binary", "abc123456" },
		{ "7f5e5435e000-7f5e5455e000 ---p 00002000 00:00 1531        myprogram", 0, 0, 0, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		char text[512], err[256];
		/* The sample sits outside every mapping, so a fake one is added after the real one. */
		snprintf(text, sizeof text, "heap profile: 1: 1 [1: 1] @ heapprofile\n1: 1 [1: 1] @ 0x2\n"
					    "--- Memory map: ---\n%s\n",
			 tests[i].entry);
		struct profile *p = decode_str(text, err);
		CHECK(p != NULL);
		if (!p)
			continue;
		if (!tests[i].file) {
			CHECK(p->n_mapping == 1 && p->mapping[0].limit == UINT64_MAX);
		} else {
			const struct mapping *m = &p->mapping[0];
			/* remapMappingIDs moves a main mapping that would start at 0x400000 there */
			bool moved = tests[i].start - tests[i].offset == 0x400000;
			CHECK(p->n_mapping == 2);
			CHECK(m->start == (moved ? 0x400000 : tests[i].start) && m->limit == tests[i].limit);
			CHECK(m->offset == (moved ? 0 : tests[i].offset));
			CHECK(strcmp(m->file, tests[i].file) == 0 && strcmp(m->build_id, tests[i].build_id) == 0);
		}
		profile_free(p);
	}
}

/* A C++ CPU profile in 32-bit little-endian words: pprof's TestCpuParse. */
static void test_cpu(void)
{
	static const uint32_t words[] = { 0,   3,	0,   1,	  0,						 /* header */
					  1,   3,	100, 999, 100,					 /* bogus 999, duplicate leaf */
					  1,   5,	200, 999, 200, 501, 502,			 /* bogus 999, duplicate leaf */
					  1,   12,	300, 999, 300, 601, 602, 603, 604, 605, 606, 607, 608, 609, /* ditto */
					  0,   1,	0 };
	unsigned char buf[sizeof words];
	for (size_t i = 0; i < sizeof words / 4; i++)
		for (int k = 0; k < 4; k++)
			buf[4 * i + (size_t)k] = (unsigned char)(words[i] >> (8 * k));
	char err[256];
	struct profile *p = decode((const char *)buf, sizeof buf, err);
	CHECK(p != NULL);
	if (!p)
		return;
	static const uint64_t s0[] = { 100, 0 }, s1[] = { 200, 500, 501, 0 },
			      s2[] = { 300, 600, 601, 602, 603, 604, 605, 606, 607, 608, 0 };
	CHECK(p->n_sample == 3);
	CHECK(stack_is(p, &p->sample[0], s0) && stack_is(p, &p->sample[1], s1) && stack_is(p, &p->sample[2], s2));
	CHECK(p->period == 1000 && p->sample[0].value[1] == 1000);
	CHECK(strcmp(p->drop_frames, "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|"
				     "__pthread_sighandler|__restore") == 0);
	/* No memory map: one fake mapping holds every address. */
	CHECK(p->n_mapping == 1 && p->mapping[0].start == 0 && p->mapping[0].limit == UINT64_MAX);
	profile_free(p);

	/* Truncations are unrecognized or decode; they never read past the end. */
	for (size_t n = 0; n < sizeof buf; n++) {
		p = decode((const char *)buf, n, err);
		profile_free(p);
	}
}

static void test_go_count(void)
{
	static const char *const in[] = { "# ignored comment\n\nthreadcreate profile: total 123\n",
					  "\n# ignored comment\ngoroutine profile: total 123456\n",
					  "\nsub/dir-ect_o.ry profile: total 999\n" };
	static const char *const type[] = { "threadcreate", "goroutine", "sub/dir-ect_o.ry" };
	char err[256];
	for (int i = 0; i < 3; i++) {
		struct profile *p = decode_str(in[i], err);
		CHECK(p && strcmp(p->period_type.type, type[i]) == 0 && strcmp(p->sample_type[0].type, type[i]) == 0);
		profile_free(p);
	}
	struct profile *p = decode_str("goroutine profile: total 3\n2 @ 0x10 0x20\n#\t0x10 main.f\n1 @ 0x20\n", err);
	CHECK(p && p->n_sample == 2 && p->n_location == 2 && p->location[0].address == 0xf &&
	      p->sample[0].value[0] == 2);
	profile_free(p);
	p = decode_str("goroutine profile: total 3\n2 @ 0x10 0xg\n", err);
	CHECK(!p && strcmp(err, "malformed profile format") == 0);
}

static void test_thread(void)
{
	char err[256];
	static const char bad[] = "\n--- threadz 1 ---\n\n--- Thread 7eff063d9940 (name: main/25376) stack: ---\n"
				  "  PC: 0x40b688 0x4d5f51 0x40be31 0x473add693e639c6f0\n--- Memory map: ---\n"
				  "  00400000-00fcb000: /home/rsilvera/cppbench/cppbench_server_main.unstripped\n\t";
	CHECK(!decode_str(bad, err) && strstr(err, "failed to parse as hex 64-bit number: 0x473add693e639c6f0"));

	static const char good[] = "--- threadz 1 ---\n"
				   "--- Thread 1 (name: main/1) stack: ---\n  PC: 0x40b688 0x4d5f51 0x40b689\n"
				   "--- Thread 2 (name: w/2) stack: ---\n  same as previous thread\n"
				   "--- Memory map: ---\n  00400000-00fcb000: /bin/x\n";
	struct profile *p = decode_str(good, err);
	/* the leaf is kept as is, callers move back by one */
	static const uint64_t want[] = { 0x40b688, 0x4d5f50, 0x40b688, 0 };
	CHECK(p && p->n_sample == 1 && p->sample[0].value[0] == 2 && stack_is(p, &p->sample[0], want));
	profile_free(p);
	/* without a memory map sentinel or "no stack trace" line the format is not recognized */
	CHECK(!decode_str("--- Thread 1 (name: main/1) stack: ---\n0x1\n", err) &&
	      strcmp(err, "unrecognized profile format") == 0);
}

static void test_heap_and_contention(void)
{
	char err[256];
	struct profile *p = decode_str("heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 512 [5: 2560] @ 0x4a6c2d\n", err);
	CHECK(p && p->n_sample_type == 4 && strcmp(p->sample_type[3].type, "inuse_space") == 0);
	CHECK(p && p->period == 524288 && p->sample[0].n_label == 1 && p->sample[0].label[0].num == 512);
	CHECK(p && strcmp(p->keep_frames, "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*") == 0);
	profile_free(p);
	CHECK(!decode_str("heap profile: 1: 2 [3: 4] @ heapprofile\n0: 5 [0: 0] @ 0x1\n", err) &&
	      strcmp(err, "inuse count was 0 but inuse bytes was 5") == 0);

	p = decode_str("--- contentionz 1 ---\ncycles/second = 2000000000\nsampling period = 10\n"
		       "ms since reset = 3\n100 7 @ 0x11 0x22\n",
		       err);
	/* delay: 100 cycles * 10 / 2 GHz = 500ns; contentions: 7 * 10 */
	CHECK(p && p->sample[0].value[0] == 70 && p->sample[0].value[1] == 500 && p->duration_nanos == 3000000);
	CHECK(p && strncmp(p->drop_frames, "RecordLockProfileData|", 22) == 0);
	profile_free(p);
	/* "format" is a Java attribute: the C++ parser passes, the Java one takes it */
	p = decode_str("--- contentionz 1 ---\nformat = java\nresolution = microseconds\nsampling period = 2\n"
		       "1 3 @ 0x1\n0x1 com.x.F.run (F.java:12)\n",
		       err);
	CHECK(p && p->sample[0].value[0] == 6 && p->sample[0].value[1] == 2 &&
	      strcmp(p->sample_type[1].unit, "microseconds") == 0);
	CHECK(p && p->n_location == 1 && p->location[0].address == 0 && p->n_mapping == 0 &&
	      p->location[0].line[0].line == 12 && strcmp(p->function[0].filename, "F.java") == 0);
	profile_free(p);
	CHECK(!decode_str("--- heapz 1 ---\nformat = java\n1 1 @ 0x1\n", err) &&
	      strcmp(err, "missing sample type information") == 0);
}

static void test_garbage(void)
{
	char err[256];
	CHECK(!decode_str("", err) && strcmp(err, "unrecognized profile format") == 0);
	CHECK(!decode_str("hello\n", err) && strcmp(err, "unrecognized profile format") == 0);
	/* pseudo-random bytes, and truncations of every format above */
	unsigned x = 12345;
	char buf[4096];
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (char)(x >> 16);
		}
		if (round % 4 == 0 && n > 20)
			memcpy(buf, "\0\0\0\0\3\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0", 20);
		profile_free(decode(buf, n, err));
	}
}

int main(void)
{
	test_trim_space();
	test_parse_int();
	test_arith();
	test_scanner();
	test_regexp();
	test_mapping_entries();
	test_cpu();
	test_go_count();
	test_thread();
	test_heap_and_contention();
	test_garbage();
	return check_done("legacy");
}
