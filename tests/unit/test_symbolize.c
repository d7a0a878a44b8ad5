/*
 * Local symbolization: cprof's answers for every code byte of the binaries
 * in testdata/sym against what LLVM 14's llvm-symbolizer and pprof's
 * reading of llvm-nm said (the .golden files, see testdata/sym/build.sh);
 * mapping bases; the profile pprof's symbolizer makes; and malformed
 * binaries (truncated, bytes overwritten), which must give fewer answers
 * or an error, never a crash (this runs under ASan/UBSan in make check).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "symbolize.h"
#include "symbolize_int.h"
#include "util.h"

#define DIR "testdata/sym/"

static const char *const binaries[] = { "prog-gcc",	"prog-clang-dw4", "prog-gz",	   "progxx-gcc",
					"progxx-clang", "prog-split",	  "prog-stripped" };

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* split_tabs cuts line at its tabs into at most max fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\n")] = '\0';
	for (char *p = line; n < max; n++) {
		f[n] = p;
		char *t = strchr(p, '\t');
		if (!t) {
			n++;
			break;
		}
		*t = '\0';
		p = t + 1;
	}
	return n;
}

/* check_golden compares every address of NAME.golden; returns how many differ. */
static int check_golden(const char *name)
{
	char path[256], golden[256];
	snprintf(path, sizeof path, DIR "%s", name);
	snprintf(golden, sizeof golden, DIR "%s.golden", name);
	FILE *g = fopen(golden, "r");
	CHECK(g != NULL);
	if (!g)
		return 1;
	char err[512];
	struct binary *b = binary_open(path, 0, UINT64_MAX, 0, err, sizeof err);
	CHECK(b != NULL);
	if (!b) {
		fclose(g);
		return 1;
	}
	struct sym_frames fs = { NULL, 0, 0 };
	char *line = NULL;
	size_t cap = 0;
	int bad = 0, lines = 0;
	while (getline(&line, &cap, g) > 0) {
		char *f[3 + 5 * 64];
		size_t n = split_tabs(line, f, sizeof f / sizeof *f);
		if (n < 3)
			continue;
		lines++;
		bool fast = !strcmp(f[0], "fast");
		uint64_t addr = strtoull(f[1], NULL, 16);
		size_t want = strtoul(f[2], NULL, 10);
		int rc = binary_frames(b, addr, fast, &fs, err, sizeof err);
		bool same = rc == 0 && fs.n == want && n == 3 + 5 * want;
		for (size_t i = 0; same && i < want; i++) {
			const struct sym_frame *fr = &fs.f[i];
			char **w = f + 3 + 5 * i;
			same = !strcmp(str_or_empty(fr->func), w[0]) && !strcmp(str_or_empty(fr->file), w[1]) &&
			       fr->line == strtoul(w[2], NULL, 10) && fr->column == strtoul(w[3], NULL, 10) &&
			       fr->start_line == strtoul(w[4], NULL, 10);
		}
		if (!same && bad++ < 5)
			fprintf(stderr, "%s: %s 0x%llx: %zu frames, %zu wanted; first %s %s:%u:%u\n", name, f[0],
				(unsigned long long)addr, fs.n, want, fs.n ? str_or_empty(fs.f[0].func) : "",
				fs.n ? str_or_empty(fs.f[0].file) : "", fs.n ? fs.f[0].line : 0,
				fs.n ? fs.f[0].column : 0);
	}
	CHECK(lines > 100);
	free(line);
	fclose(g);
	frames_free(&fs);
	binary_close(b);
	return bad;
}

static void test_golden(void)
{
	for (size_t i = 0; i < sizeof binaries / sizeof *binaries; i++) {
		int bad = check_golden(binaries[i]);
		if (bad)
			fprintf(stderr, "%s: %d addresses differ\n", binaries[i], bad);
		CHECK(bad == 0);
	}
}

/* A PIE's executable segment mapped at 0x7f0000001000 from file offset 0x1000 has base 0x7f0000000000. */
static void test_base(void)
{
	char err[512];
	struct sym_frames want = { NULL, 0, 0 }, got = { NULL, 0, 0 };
	struct binary *flat = binary_open(DIR "prog-gcc", 0, UINT64_MAX, 0, err, sizeof err);
	struct binary *b = binary_open(DIR "prog-gcc", 0x7f0000001000, 0x7f0000002000, 0x1000, err, sizeof err);
	CHECK(flat && b);
	if (flat && b) {
		CHECK(binary_frames(flat, 0x1139, false, &want, err, sizeof err) == 0 && want.n == 2);
		CHECK(binary_frames(b, 0x7f0000001139, false, &got, err, sizeof err) == 0 && got.n == 2);
		if (want.n == 2 && got.n == 2) {
			CHECK_STR(got.f[0].func, "checksum");
			CHECK_STR(got.f[1].func, "main");
			CHECK_STR(got.f[1].file, "/src/sym/prog.c");
			CHECK(got.f[0].line == want.f[0].line && got.f[1].column == want.f[1].column);
		}
		CHECK(!strcmp(binary_build_id(b), binary_build_id(flat)) && strlen(binary_build_id(b)) == 40);
	}
	binary_close(b);
	binary_close(flat);
	/* The first address fixes the base: one outside the mapping fails it for good. */
	b = binary_open(DIR "prog-gcc", 0x7f0000001000, 0x7f0000002000, 0x1000, err, sizeof err);
	CHECK(b != NULL);
	if (b) {
		CHECK(binary_frames(b, 0x1139, false, &got, err, sizeof err) < 0);
		CHECK(strstr(err, "outside the mapping range") != NULL);
		CHECK(binary_frames(b, 0x7f0000001139, false, &got, err, sizeof err) < 0);
	}
	binary_close(b);
	/* Not binaries. */
	CHECK(binary_open(DIR "nonexistent", 0, 0, 0, err, sizeof err) == NULL);
	CHECK_STR(err, "stat " DIR "nonexistent: no such file or directory");
	CHECK(binary_open(DIR "prog.c", 0, 0, 0, err, sizeof err) == NULL);
	CHECK(binary_open(DIR, 0, 0, 0, err, sizeof err) == NULL);
	CHECK(symbolize_is_binary(DIR "progxx-gcc"));
	CHECK(!symbolize_is_binary(DIR "prog.cc"));
	frames_free(&want);
	frames_free(&got);
}

static void test_json_text(void)
{
	struct strbuf b = STRBUF_INIT;
	llvm_json_text("plain_ascii::name<int>", &b);
	CHECK_STR(sb_cstr(&b), "plain_ascii::name<int>");
	llvm_json_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", &b);
	CHECK_STR(sb_cstr(&b), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	llvm_json_text("a\xff" "b", &b);
	CHECK_STR(sb_cstr(&b), "a\xef\xbf\xbd" "b");
	llvm_json_text("\xe0\x80", &b); /* overlong: two subparts of one byte */
	CHECK_STR(sb_cstr(&b), "\xef\xbf\xbd\xef\xbf\xbd");
	llvm_json_text("\xf0\x9f\x98x", &b); /* a cut sequence is one subpart */
	CHECK_STR(sb_cstr(&b), "\xef\xbf\xbdx");
	llvm_json_text("\xed\xa0\x80", &b); /* a surrogate */
	CHECK_STR(sb_cstr(&b), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	sb_free(&b);
}

/* A profile of prog-gcc's code at a PIE address, and a mapping whose binary is missing. */
static struct profile *make_profile(const char *file0, const char *file1)
{
	struct profile *p = profile_new();
	p->n_mapping = 2;
	p->mapping = arena_array(p->arena, 2, sizeof *p->mapping);
	p->mapping[0] = (struct mapping){ .id = 1, .start = 0x7f0000001000, .limit = 0x7f0000002000, .offset = 0x1000,
					  .file = file0, .build_id = "" };
	p->mapping[1] = (struct mapping){ .id = 2, .start = 0x1000, .limit = 0x2000, .file = file1, .build_id = "" };
	static const uint64_t addrs[] = { 0x7f0000001139, 0x7f00000010fc, 0x7f0000001139, 0x1010 };
	p->n_location = 4;
	p->location = arena_array(p->arena, 4, sizeof *p->location);
	for (uint32_t i = 0; i < 4; i++)
		p->location[i] = (struct location){ i + 1, addrs[i], i < 3 ? 0 : 1, 0, NULL, false };
	p->function = arena_array(p->arena, 1, sizeof *p->function);
	p->function[0] = (struct function){ 7, "old", "old", "", 0 };
	p->n_function = 1;
	return p;
}

static void test_profile(void)
{
	char err[512];
	struct strbuf warn = STRBUF_INIT;
	struct profile *p = make_profile(DIR "prog-gcc", "/nonexistent/lib.so");
	symbolize_profile(p, "", NULL, &warn, err, sizeof err);
	CHECK(strstr(sb_cstr(&warn), "Local symbolization failed for lib.so: stat /nonexistent/lib.so") != NULL);
	CHECK(strstr(sb_cstr(&warn), "Try setting PPROF_BINARY_PATH") != NULL);
	const struct mapping *m = &p->mapping[0];
	CHECK(m->has_functions && m->has_filenames && m->has_line_numbers && m->has_inline_frames);
	CHECK(!p->mapping[1].has_functions);
	/* checksum inlined in main, then mix inlined in checksum inlined in main: 3 functions, new ids after 7's 1 */
	CHECK(p->location[0].n_line == 2 && p->location[1].n_line == 3 && p->location[3].n_line == 0);
	CHECK(p->n_function == 4);
	if (p->n_function == 4) {
		CHECK(p->function[1].id == 2 && p->function[3].id == 4);
		CHECK_STR(p->function[1].name, "checksum");
		CHECK_STR(p->function[p->location[1].line[0].function].name, "mix");
		CHECK_STR(p->function[p->location[1].line[2].function].filename, "/src/sym/prog.c");
		CHECK(p->function[p->location[1].line[2].function].start_line == 48);
	}
	/* locations at the same address share their functions */
	CHECK(p->location[2].line[0].function == p->location[0].line[0].function);
	CHECK(p->location[2].line[1].function == p->location[0].line[1].function);
	profile_free(p);

	/* Already symbolized mappings are left alone unless forced; none skips everything. */
	sb_reset(&warn);
	p = make_profile(DIR "prog-gcc", "");
	p->mapping[0].has_functions = true;
	symbolize_profile(p, "", NULL, &warn, err, sizeof err);
	CHECK(p->location[0].n_line == 0 && p->n_function == 1);
	CHECK(strstr(sb_cstr(&warn), "Some binary filenames not available") != NULL);
	symbolize_profile(p, "none", NULL, &warn, err, sizeof err);
	CHECK(p->location[0].n_line == 0);
	symbolize_profile(p, "fastlocal:force", NULL, &warn, err, sizeof err);
	CHECK(p->location[0].n_line == 1 && p->location[1].n_line == 1);
	if (p->location[0].n_line == 1)
		CHECK_STR(p->function[p->location[0].line[0].function].name, "main");
	profile_free(p);

	sb_reset(&warn);
	p = make_profile("", DIR "prog-gcc");
	symbolize_profile(p, "remote", NULL, &warn, err, sizeof err);
	CHECK(warn.len == 0 && p->location[0].n_line == 0);
	symbolize_profile(p, "local", NULL, &warn, err, sizeof err);
	CHECK_STR(sb_cstr(&warn), "Main binary filename not available.\n");
	profile_free(p);
	sb_free(&warn);
}

/*
 * Remote symbolization without a server (nothing listens on port 1): which
 * mappings get a source, which endpoint is asked, and when nothing is.
 */
static void test_remote(void)
{
	char err[512] = "";
	struct strbuf warn = STRBUF_INIT;
	struct fetch_options fo = { .timeout = 5, .max_size = 1 << 20 };
	struct symbolize_sources s = { NULL, 0, 0, &fo };
	struct profile *p = make_profile("", "/nonexistent/lib.so");
	p->mapping[1].build_id = "abc";
	const char *url = "http://127.0.0.1:1/debug/pprof/heap?debug=1";
	symbolize_add_sources(&s, p, url);
	CHECK(s.n == 2);
	if (s.n == 2) {
		CHECK_STR(p->mapping[0].file, url); /* no file, no build id: the URL stands in */
		CHECK_STR(s.s[0].key, url);
		CHECK_STR(s.s[1].key, "abc");
		CHECK(s.s[1].start == 0x1000);
	}
	CHECK(symbolize_profile(p, "local", &s, &warn, err, sizeof err) == 0);
	CHECK(symbolize_profile(p, "remote", &s, &warn, err, sizeof err) < 0);
	CHECK(str_has_prefix(err, "http post http://127.0.0.1:1/debug/pprof/symbol: "));
	/* mappings with names are left alone, and one whose locations all have lines asks nothing */
	p->mapping[0].has_functions = true;
	struct line *l = arena_array(p->arena, 1, sizeof *l);
	p->location[3].line = l;
	p->location[3].n_line = 1;
	CHECK(symbolize_profile(p, "remote", &s, &warn, err, sizeof err) == 0);
	CHECK(p->mapping[1].has_functions);
	CHECK(symbolize_profile(p, "remote:force", &s, &warn, err, sizeof err) < 0);
	profile_free(p);
	symbolize_sources_free(&s);

	/* other paths have the symbolz endpoint beside them */
	s.fetch = &fo;
	p = make_profile("", "");
	symbolize_add_sources(&s, p, "https+insecure://127.0.0.1:1/x/heap?seconds=3");
	CHECK(symbolize_profile(p, "", &s, &warn, err, sizeof err) < 0);
	CHECK(str_has_prefix(err, "http post https+insecure://127.0.0.1:1/x/symbolz: "));
	profile_free(p);
	symbolize_sources_free(&s);
	sb_free(&warn);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	CHECK(in && out);
	char buf[4096];
	for (size_t n; in && out && (n = fread(buf, 1, sizeof buf, in)) > 0;)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/* pprof's search: $PPROF_BINARY_PATH/BUILDID/anything, then by base name; a build id that differs is skipped. */
static void test_locate(void)
{
	char dir[] = "/tmp/cprof-locate-XXXXXX", err[512], path[512];
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	struct binary *b = binary_open(DIR "prog-gcc", 0, UINT64_MAX, 0, err, sizeof err);
	CHECK(b != NULL);
	char *id = xstrdup(b ? binary_build_id(b) : "");
	binary_close(b);
	snprintf(path, sizeof path, "%s/%s", dir, id);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof path, "%s/%s/zz-binary", dir, id);
	copy_file(DIR "prog-gcc", path);
	char by_name[512];
	snprintf(by_name, sizeof by_name, "%s/prog-clang-dw4", dir);
	copy_file(DIR "prog-clang-dw4", by_name);

	struct profile *p = profile_new();
	p->n_mapping = 3;
	p->mapping = arena_array(p->arena, 3, sizeof *p->mapping);
	p->mapping[0] = (struct mapping){ .id = 1, .file = "/elsewhere/prog", .build_id = id, .limit = 0x1000 };
	p->mapping[1] = (struct mapping){ .id = 2, .file = "/elsewhere/prog-clang-dw4", .build_id = "", .limit = 0x1000 };
	p->mapping[2] = (struct mapping){ .id = 3, .file = "/elsewhere/prog-clang-dw4", .build_id = "0123", .limit = 0x1000 };
	struct strbuf warn = STRBUF_INIT;
	setenv("PPROF_BINARY_PATH", dir, 1);
	symbolize_locate_binaries(p, &warn);
	unsetenv("PPROF_BINARY_PATH");
	CHECK_STR(p->mapping[0].file, path);
	CHECK_STR(p->mapping[1].file, by_name);
	CHECK_STR(p->mapping[2].file, "/elsewhere/prog-clang-dw4");
	CHECK(strstr(sb_cstr(&warn), "build-id mismatch (0123 != ") != NULL);
	profile_free(p);
	sb_free(&warn);
	unlink(path);
	unlink(by_name);
	snprintf(path, sizeof path, "%s/%s", dir, id);
	rmdir(path);
	rmdir(dir);
	free(id);
}

/* exercise opens path as the binary of a few mappings and asks about a spread of addresses. */
static void exercise(const char *path)
{
	static const uint64_t maps[][3] = { { 0, UINT64_MAX, 0 }, { 0x1000, 0x2000, 0x1000 }, { 0x400000, 0x500000, 0 } };
	struct sym_frames fs = { NULL, 0, 0 };
	char err[512];
	for (size_t m = 0; m < 3; m++) {
		struct binary *b = binary_open(path, maps[m][0], maps[m][1], maps[m][2], err, sizeof err);
		if (!b)
			continue;
		binary_build_id(b);
		for (int fast = 0; fast < 2; fast++)
			for (uint64_t a = 0; a < 0x2400; a += 0x61)
				binary_frames(b, maps[m][0] == 0 ? a : maps[m][0] + a, fast, &fs, err, sizeof err);
		binary_close(b);
	}
	frames_free(&fs);
}

static void test_malformed(void)
{
	char tmpl[] = "/tmp/cprof-symtest-XXXXXX";
	int fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	static const char *const seeds[] = { "prog-gcc", "prog-clang-dw4", "progxx-gcc", "prog-gz" };
	for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
		char path[256];
		snprintf(path, sizeof path, DIR "%s", seeds[s]);
		FILE *f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		unsigned char *data = xmalloc(1 << 16);
		size_t n = fread(data, 1, 1 << 16, f);
		fclose(f);
		unsigned char *copy = xmalloc(n);
		/* truncated */
		for (size_t len = 0; len < n; len += len < 256 ? 7 : 509) {
			if (ftruncate(fd, 0) != 0 || pwrite(fd, data, len, 0) != (ssize_t)len)
				break;
			exercise(tmpl);
		}
		/* bytes overwritten, at every 97th byte: with 0xff, 0, and a small change */
		for (size_t at = 0; at < n; at += 97) {
			for (int k = 0; k < 3; k++) {
				memcpy(copy, data, n);
				copy[at] = k == 0 ? 0xff : k == 1 ? 0 : (unsigned char)(copy[at] + 1);
				if (ftruncate(fd, 0) != 0 || pwrite(fd, copy, n, 0) != (ssize_t)n)
					break;
				exercise(tmpl);
			}
		}
		free(copy);
		free(data);
	}
	close(fd);
	unlink(tmpl);
	CHECK(1);
}

int main(void)
{
	test_golden();
	test_base();
	test_json_text();
	test_profile();
	test_remote();
	test_locate();
	test_malformed();
	return check_done("symbolize");
}
