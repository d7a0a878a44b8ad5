/*
 * test_demangle: demangle_filter against the outputs of pprof's Go
 * demangler recorded in demangle.tsv (see its header for how they were made),
 * plus hostile inputs that must fail cleanly and quickly.
 *
 * usage: test_demangle [demangle.tsv]   (default: next to this source file)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "util.h"

static int passed, failed;

static const unsigned option_sets[3] = {
	DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS | DEMANGLE_NO_TEMPLATE_PARAMS,
	DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS,
	DEMANGLE_NO_CLONES,
};
static const char *const set_names[3] = { "default", "templates", "full" };

/* want is the expected output, or NULL for "not demangled". */
static void check(const char *name, unsigned opts, const char *label, const char *want)
{
	char *got = demangle_filter(name, opts);
	if ((!got && !want) || (got && want && !strcmp(got, want))) {
		passed++;
	} else {
		failed++;
		fprintf(stderr, "FAIL %s %.200s\n  want: %.200s\n  got:  %.200s\n", label, name,
			want ? want : "(not demangled)", got ? got : "(not demangled)");
	}
	free(got);
}

static bool read_line(FILE *f, struct strbuf *line)
{
	sb_reset(line);
	int c;
	while ((c = getc(f)) != EOF && c != '\n')
		sb_addc(line, (char)c);
	return c != EOF || line->len > 0;
}

static int run_cases(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	struct strbuf line = STRBUF_INIT;
	int n = 0;
	while (read_line(f, &line)) {
		char *s = (char *)sb_cstr(&line);
		if (s[0] == '#')
			continue;
		char *field[4];
		int k = 0;
		for (char *p = s; k < 4; k++) {
			field[k] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (k != 3) {
			fprintf(stderr, "%s: malformed line: %s\n", path, s);
			failed++;
			continue;
		}
		for (int i = 0; i < 3; i++)
			check(field[0], option_sets[i], set_names[i], strcmp(field[1 + i], "-") ? field[1 + i] : NULL);
		n++;
	}
	sb_free(&line);
	fclose(f);
	return n;
}

static char *repeat(const char *prefix, const char *unit, size_t times, const char *suffix)
{
	struct strbuf b = STRBUF_INIT;
	sb_adds(&b, prefix);
	for (size_t i = 0; i < times; i++)
		sb_adds(&b, unit);
	sb_adds(&b, suffix);
	return b.s;
}

/* A Rust name whose back references double its length at each step. */
static char *rust_backref_bomb(void)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct strbuf b = STRBUF_INIT;
	sb_adds(&b, "INvCs1_1a1f");
	size_t prev = b.len;
	sb_adds(&b, "TuuE");
	for (int i = 0; i < 60; i++) {
		size_t here = b.len;
		char ref[16];
		size_t v = prev - 1, n = 0;
		do {
			ref[n++] = digits[v % 62];
			v /= 62;
		} while (v);
		sb_addc(&b, 'T');
		for (int twice = 0; twice < 2; twice++) {
			sb_addc(&b, 'B');
			for (size_t j = n; j-- > 0;)
				sb_addc(&b, ref[j]);
			sb_addc(&b, '_');
		}
		sb_addc(&b, 'E');
		prev = here;
	}
	sb_addc(&b, 'E');
	char *r = repeat("_R", b.s, 1, "");
	sb_free(&b);
	return r;
}

/*
 * Names past the depth and output limits: they must fail (or print what
 * needs no deep parse) without crashing or hanging. Here cprof differs from
 * the Go package on purpose: it would print, after a long while, the
 * 100,000-deep pointer type or the exponential Rust name.
 */
static void check_hostile(void)
{
	struct {
		char *name;
		const char *want[3];
	} cases[] = {
		{ repeat("_Z1f", "P", 100000, "i"), { "f", "f", NULL } },
		{ repeat("_Z1f", "A1_", 20000, "i"), { "f", "f", NULL } },
		{ repeat("_Z1fI", "1AI", 20000, "iEv"), { NULL, NULL, NULL } },
		{ repeat("_Z1fIJ", "J", 50000, "EEv"), { NULL, NULL, NULL } },
		{ repeat("_RINvC1a1b", "RP", 50000, "uE"), { NULL, NULL, NULL } },
		{ repeat("_RNv", "INv", 20000, "C1a1b"), { NULL, NULL, NULL } },
		{ rust_backref_bomb(), { "a::f::<>", NULL, NULL } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int k = 0; k < 3; k++)
			check(cases[i].name, option_sets[k], "hostile", cases[i].want[k]);
		free(cases[i].name);
	}
	/* Not names at all. */
	check("", 0, "empty", NULL);
	check("main", 0, "plain", NULL);
	if (demangle_filter(NULL, 0) == NULL)
		passed++;
	else
		failed++;
	/* NO_RUST leaves a legacy Rust hash to the C++ demangler. */
	check("_ZN3foo17h0123456789abcdefE", 0, "rust", "foo");
	check("_ZN3foo17h0123456789abcdefE", DEMANGLE_NO_RUST, "no-rust", "foo::h0123456789abcdef");
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : NULL;
	char *derived = NULL;
	if (!path) {
		const char *file = __FILE__;
		const char *slash = strrchr(file, '/');
		size_t dir = slash ? (size_t)(slash - file) + 1 : 0;
		derived = xmalloc(dir + sizeof "demangle.tsv");
		memcpy(derived, file, dir);
		strcpy(derived + dir, "demangle.tsv");
		path = derived;
	}
	int n = run_cases(path);
	free(derived);
	if (n < 0)
		return 1;
	check_hostile();
	printf("demangle: %d cases, %d passed, %d failed\n", n, passed, failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
