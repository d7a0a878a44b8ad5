/*
 * Finding and reading the source files of -list. The expectations follow
 * pprof's trimPath and openSourceFile (internal/report/source.go), Go's
 * path/filepath, and bufio.Scanner's line splitting.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "srcfile.h"

static const char *trim(const char *path, const char *trim_list, const char *search)
{
	static struct strbuf out = STRBUF_INIT;
	srcfile_trim_path(path, trim_list, search, &out);
	return sb_cstr(&out);
}

static void test_trim(void)
{
	/* pprof's own example of the guess: the search directory's base name marks the cut */
	CHECK_STR(trim("/some/remote/path/my-project/foo/bar.c", "", "/my/local/path/my-project"), "foo/bar.c");
	/* Go module cache, GOROOT: the same guess */
	CHECK_STR(trim("/home/u/go/pkg/mod/github.com/x/y@v1.2.3/z.go", "", "/root/go/pkg/mod"),
		  "github.com/x/y@v1.2.3/z.go");
	CHECK_STR(trim("/usr/local/go/src/runtime/proc.go", "", "/usr/lib/go"), "src/runtime/proc.go");
	/* the first search directory whose base occurs wins; the first occurrence is cut */
	CHECK_STR(trim("/x/d/y/b/z.go", "", "a/b:c/d"), "z.go");
	CHECK_STR(trim("/x/go/y/go/z.go", "", "src/go/"), "y/go/z.go");
	CHECK_STR(trim("/x/y/z.go", "", "src/go"), "/x/y/z.go");
	/* with a trim list there is no guessing */
	CHECK_STR(trim("/x/go/f.go", "/nomatch", "src/go"), "/x/go/f.go");
	CHECK_STR(trim("/home/dev/cpudemo/main.go", "/home/dev", "src/go"), "cpudemo/main.go");
	CHECK_STR(trim("/home/dev/cpudemo/main.go", "/home/dev/", "src/go"), "cpudemo/main.go");
	CHECK_STR(trim("/home/dev/cpudemo/main.go", "/a:/home/dev", ""), "cpudemo/main.go");
	CHECK_STR(trim("/home/development/x.go", "/home/dev", ""), "/home/development/x.go");
	/* an empty element of the list is "/": "a:" cuts the root of any absolute path */
	CHECK_STR(trim("/home/dev/f.go", "/a:", ""), "home/dev/f.go");
	/* Bazel's and others' working-directory prefixes */
	CHECK_STR(trim("/proc/self/cwd/./pkg/f.go", "", ""), "pkg/f.go");
	CHECK_STR(trim("/proc/self/cwd/pkg/f.go", "/zzz", ""), "pkg/f.go");
	CHECK_STR(trim("pkg/f.go", "", ""), "pkg/f.go");
}

static void check_candidates(const char *path, const char *search, const char *want)
{
	char **c;
	size_t n = srcfile_candidates(path, search, &c);
	struct strbuf got = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sb_addf(&got, "%s%s", i ? " " : "", c[i]);
		free(c[i]);
	}
	free(c);
	CHECK_STR(sb_cstr(&got), want);
	sb_free(&got);
}

static void test_candidates(void)
{
	check_candidates("allocdemo/bad.go", "src/go", "src/go/allocdemo/bad.go src/allocdemo/bad.go allocdemo/bad.go");
	check_candidates("f.go", "/a/b", "/a/b/f.go /a/f.go /f.go");
	check_candidates("f.go", "a:b", "a/f.go f.go b/f.go f.go");
	check_candidates("../f.go", "/a/b", "/a/f.go /f.go /f.go");
	/* a trailing slash makes Dir return the same directory once more */
	check_candidates("f.go", "a/", "a/f.go a/f.go f.go");
	/* absolute names are only opened as they are */
	check_candidates("/abs/f.go", "x", "/abs/f.go");
	check_candidates("f.go", "", "");
}

static char dir[64];

static void write_file(const char *name, const char *data, size_t len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

static void remove_file(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	remove(path);
}

/* line returns line n of name as a C string, "<none>" if there is none. */
static const char *line(struct srcfile_reader *r, const char *name, int64_t n, size_t *len)
{
	const char *s = srcfile_line(r, name, n, len);
	return s ? s : "<none>";
}

static void test_lines(void)
{
	size_t len = 0;
	write_file("crlf.c", "one\r\ntwo\r\n\r\nlast\r", 17);
	write_file("nul.bin", "a\0b\nc", 5);
	size_t big = 2 * SRCFILE_MAX_LINE + 16;
	char *data = malloc(big);
	/* line 2 is as long as a line may be; line 4 one byte longer */
	size_t k = 0;
	data[k++] = 'x';
	data[k++] = '\n';
	memset(data + k, 'y', SRCFILE_MAX_LINE - 1);
	k += SRCFILE_MAX_LINE - 1;
	data[k++] = '\n';
	data[k++] = 'z';
	data[k++] = '\n';
	memset(data + k, 'w', SRCFILE_MAX_LINE);
	k += SRCFILE_MAX_LINE;
	data[k++] = '\n';
	data[k++] = 'q';
	write_file("long.txt", data, k);
	/* an unterminated last line follows the same limit */
	memset(data, 'v', SRCFILE_MAX_LINE);
	write_file("tail-ok.txt", data, SRCFILE_MAX_LINE - 1);
	write_file("tail-long.txt", data, SRCFILE_MAX_LINE);
	free(data);

	struct srcfile_reader *r = srcfile_reader_new(dir, "");
	CHECK_STR(line(r, "crlf.c", 1, &len), "one");
	CHECK(len == 3);
	CHECK_STR(line(r, "crlf.c", 3, &len), "");
	CHECK_STR(line(r, "crlf.c", 4, &len), "last");
	CHECK_STR(line(r, "crlf.c", 5, &len), "<none>");
	CHECK_STR(line(r, "crlf.c", 0, &len), "<none>");
	CHECK(srcfile_error(r, "crlf.c") == NULL);
	CHECK(srcfile_line(r, "nul.bin", 1, &len) != NULL && len == 3);
	CHECK_STR(line(r, "nul.bin", 2, &len), "c");
	CHECK(srcfile_line(r, "long.txt", 2, &len) != NULL && len == SRCFILE_MAX_LINE - 1);
	CHECK_STR(line(r, "long.txt", 3, &len), "z");
	CHECK_STR(line(r, "long.txt", 4, &len), "<none>");
	CHECK_STR(line(r, "long.txt", 5, &len), "<none>");
	CHECK(srcfile_line(r, "tail-ok.txt", 1, &len) != NULL && len == SRCFILE_MAX_LINE - 1);
	CHECK_STR(line(r, "tail-long.txt", 1, &len), "<none>");
	CHECK(srcfile_error(r, "tail-long.txt") == NULL);
	srcfile_reader_free(r);
	remove_file("crlf.c");
	remove_file("nul.bin");
	remove_file("long.txt");
	remove_file("tail-ok.txt");
	remove_file("tail-long.txt");
}

/* Reading stops at the line asked for and goes on later from there. */
static void test_lazy(void)
{
	struct strbuf data = STRBUF_INIT;
	for (int i = 1; i <= 100000; i++)
		sb_addf(&data, "line %d\n", i);
	write_file("many.c", data.s, data.len);
	sb_free(&data);
	struct srcfile_reader *r = srcfile_reader_new(dir, "");
	size_t len;
	CHECK_STR(line(r, "many.c", 3, &len), "line 3");
	CHECK_STR(line(r, "many.c", 90001, &len), "line 90001");
	CHECK_STR(line(r, "many.c", 10, &len), "line 10");
	CHECK_STR(line(r, "many.c", 100000, &len), "line 100000");
	CHECK_STR(line(r, "many.c", 100001, &len), "<none>");
	srcfile_reader_free(r);
	remove_file("many.c");
}

static void test_find(void)
{
	char sub[128], deep[160], msg[256];
	snprintf(sub, sizeof sub, "%s/pkg", dir);
	snprintf(deep, sizeof deep, "%s/pkg/a/b", dir);
	mkdir(sub, 0755);
	write_file("pkg/f.c", "int f;\n", 7);
	size_t len;

	/* found under a parent of the search directory (which need not exist) */
	struct srcfile_reader *r = srcfile_reader_new(deep, "");
	CHECK_STR(line(r, "pkg/f.c", 1, &len), "int f;");
	/* found after cutting the search directory's base name */
	CHECK_STR(line(r, "/elsewhere/b/pkg/f.c", 1, &len), "int f;");
	/* a directory opens, as with os.Open, and has no lines */
	CHECK_STR(line(r, "pkg", 1, &len), "<none>");
	CHECK(srcfile_error(r, "pkg") == NULL);
	CHECK_STR(line(r, "nope.c", 1, &len), "<none>");
	snprintf(msg, sizeof msg, "could not find file nope.c on path %s", deep);
	CHECK_STR(srcfile_error(r, "nope.c"), msg);
	/* an absolute name that stays absolute must exist as it is */
	CHECK_STR(line(r, "/nonexistent/x.c", 1, &len), "<none>");
	CHECK_STR(srcfile_error(r, "/nonexistent/x.c"), "open /nonexistent/x.c: no such file or directory");
	/* a file never asked for has no error yet */
	CHECK(srcfile_error(r, "other.c") == NULL);
	srcfile_reader_free(r);

	/* a trim prefix turns an absolute name into a relative one, searched as usual */
	r = srcfile_reader_new(dir, "/build/root");
	CHECK_STR(line(r, "/build/root/pkg/f.c", 1, &len), "int f;");
	srcfile_reader_free(r);
	remove_file("pkg/f.c");
	rmdir(sub);
}

/* Devices and pipes cannot be reopened where reading stopped: they are read on from the open stream. */
static void test_streams(void)
{
	size_t len;
	struct srcfile_reader *r = srcfile_reader_new(dir, "");
	/* no newline within 64 KiB: no line, and no error */
	CHECK_STR(line(r, "/dev/zero", 1, &len), "<none>");
	CHECK(srcfile_error(r, "/dev/zero") == NULL);
	CHECK_STR(line(r, "/dev/null", 1, &len), "<none>");

	char fifo[128];
	snprintf(fifo, sizeof fifo, "%s/fifo.c", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		FILE *w = fopen(fifo, "w");
		if (w) {
			fputs("p1\np2\np3\n", w);
			fclose(w);
		}
		_exit(0);
	}
	CHECK_STR(line(r, "fifo.c", 1, &len), "p1");
	CHECK_STR(line(r, "fifo.c", 2, &len), "p2");
	CHECK_STR(line(r, "fifo.c", 3, &len), "p3");
	CHECK_STR(line(r, "fifo.c", 4, &len), "<none>");
	waitpid(pid, NULL, 0);
	srcfile_reader_free(r);
	remove(fifo);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/cprof-srcfile-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_trim();
	test_candidates();
	test_lines();
	test_lazy();
	test_find();
	test_streams();
	rmdir(dir);
	return check_done("srcfile");
}
