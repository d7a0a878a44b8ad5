/*
 * inject: failure injection for cprof, linked in with -Wl,--wrap so that
 * cprof's own calls to malloc, calloc, realloc, fopen and fread go
 * through here (the C library's and other libraries' internal calls do
 * not).
 *
 * CPROF_FAIL=KIND:N makes the Nth call of KIND (malloc, calloc, realloc,
 * fopen, fread) fail once; CPROF_FAIL_COUNT=1 prints how many calls of
 * each kind a run made, on standard error at exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_MALLOC, K_CALLOC, K_REALLOC, K_FOPEN, K_FREAD, NKINDS };
static const char *const names[NKINDS] = { "malloc", "calloc", "realloc", "fopen", "fread" };
static long calls[NKINDS];
static int fail_kind = -1;
static long fail_at;
static int configured;
static FILE *failed_stream;

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
FILE *__real_fopen(const char *path, const char *mode);
size_t __real_fread(void *buf, size_t size, size_t n, FILE *f);
int __real_ferror(FILE *f);

static void report(void)
{
	for (int i = 0; i < NKINDS; i++)
		fprintf(stderr, "inject: %s %ld\n", names[i], calls[i]);
}

static void configure(void)
{
	configured = 1;
	const char *spec = getenv("CPROF_FAIL");
	if (spec) {
		const char *colon = strchr(spec, ':');
		for (int i = 0; colon && i < NKINDS; i++)
			if (strlen(names[i]) == (size_t)(colon - spec) && !strncmp(spec, names[i], (size_t)(colon - spec)))
				fail_kind = i;
		if (colon)
			fail_at = strtol(colon + 1, NULL, 10);
	}
	const char *count = getenv("CPROF_FAIL_COUNT");
	if (count && count[0] == '1')
		atexit(report);
}

/* fail counts a call of kind k and tells whether it is the one to fail. */
static int fail(enum kind k)
{
	if (!configured)
		configure();
	calls[k]++;
	return (int)k == fail_kind && calls[k] == fail_at;
}

void *__wrap_malloc(size_t n)
{
	if (fail(K_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t a, size_t b)
{
	if (fail(K_CALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(a, b);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail(K_REALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	if (fail(K_FOPEN)) {
		errno = EIO;
		return NULL;
	}
	return __real_fopen(path, mode);
}

size_t __wrap_fread(void *buf, size_t size, size_t n, FILE *f)
{
	if (fail(K_FREAD)) {
		errno = EIO;
		failed_stream = f;
		return 0;
	}
	return __real_fread(buf, size, n, f);
}

int __wrap_ferror(FILE *f)
{
	return f == failed_stream || __real_ferror(f);
}
