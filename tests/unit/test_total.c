/*
 * What a report works out over every sample, on two threads for large
 * profiles: its total (pprof's computeTotal: the sum of |value| over
 * every sample, or over the diff base's samples, labelled
 * pprof::base=true, when there are any), and its numeric labels' units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "commands.h"
#include "options.h"
#include "driver.h"

enum { NSAMPLES = 250000 };

/* NSAMPLES samples of one function, values -30..69; with base, every fifth is the diff base's. */
static struct profile *total_profile(bool base)
{
	struct profile *p = profile_new();
	p->n_sample_type = 1;
	p->sample_type = arena_array(p->arena, 1, sizeof *p->sample_type);
	p->sample_type[0] = (struct value_type){ "samples", "count" };
	p->n_function = p->n_location = 1;
	p->function = arena_array(p->arena, 1, sizeof *p->function);
	p->function[0] = (struct function){ 1, "f", "f", "f.c", 1 };
	p->location = arena_array(p->arena, 1, sizeof *p->location);
	struct line *ln = arena_zalloc(p->arena, sizeof *ln);
	p->location[0] = (struct location){ 1, 0x1000, NO_INDEX, 1, ln, false };
	static const uint32_t stack[] = { 0 };
	static const struct label mark[] = { { "pprof::base", "true", 0, NULL } };
	p->n_sample = NSAMPLES;
	p->sample = arena_array(p->arena, NSAMPLES, sizeof *p->sample);
	int64_t *v = arena_array(p->arena, NSAMPLES, sizeof *v);
	for (size_t s = 0; s < NSAMPLES; s++) {
		v[s] = (int64_t)(s % 100) - 30;
		bool marked = base && s % 5 == 0;
		p->sample[s] = (struct sample){ stack, &v[s], marked ? mark : NULL, 1, marked ? 1 : 0 };
	}
	return p;
}

/* the "of N total" a top report of p shows */
static long long shown_total(const struct profile *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct options o;
	options_init(&o);
	struct report_request req = { command_find("top"), NULL, false, NULL, false, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	int rc = driver_report(p, &o, &req, out, &warn, err, sizeof err);
	fclose(out);
	long long total = -1;
	const char *at = rc == 0 && text ? strstr(text, "% of ") : NULL;
	if (at)
		sscanf(at + 5, "%lld total", &total);
	free(text);
	sb_free(&warn);
	options_free(&o);
	return total;
}

/* the warnings a top report of p gives */
static char *warnings(const struct profile *p)
{
	FILE *out = fopen("/dev/null", "w");
	struct options o;
	options_init(&o);
	struct report_request req = { command_find("top"), NULL, false, NULL, false, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	CHECK(driver_report(p, &o, &req, out, &warn, err, sizeof err) == 0);
	fclose(out);
	options_free(&o);
	char *text = xstrdup(sb_cstr(&warn));
	sb_free(&warn);
	return text;
}

/*
 * Units met in either half: "size" first in bytes (first half), then in
 * kilobytes and megabytes (second half); "late" without a unit in the
 * first half, then in seconds and ms. A key's unit is the first met.
 */
static void test_units(void)
{
	struct profile *p = total_profile(false);
	static const struct label size_b[] = { { "size", NULL, 1, "bytes" } }, size_kb[] = { { "size", NULL, 1, "kilobytes" } },
				  size_mb[] = { { "size", NULL, 1, "megabytes" } }, late_none[] = { { "late", NULL, 1, "" } },
				  late_s[] = { { "late", NULL, 1, "seconds" } }, late_ms[] = { { "late", NULL, 1, "ms" } };
	for (size_t s = 0; s < NSAMPLES; s++) {
		bool second = s >= NSAMPLES / 2;
		const struct label *l = s % 2 ? (!second ? late_none : s % 3 ? late_s : late_ms)
					      : (!second ? size_b : s % 3 ? size_kb : size_mb);
		if (second && s < NSAMPLES / 2 + 10)
			l = s % 2 ? late_s : size_kb; /* the first met in the second half */
		p->sample[s].label = l;
		p->sample[s].n_label = 1;
	}
	char *w = warnings(p);
	CHECK_STR(w, "For tag size used unit bytes, also encountered unit(s) kilobytes, megabytes\n"
		     "For tag late used unit seconds, also encountered unit(s) ms\n");
	free(w);
	profile_free(p);
}

int main(void)
{
	for (int base = 0; base < 2; base++) {
		long long want = 0;
		for (size_t s = 0; s < NSAMPLES; s++) {
			long long v = (long long)(s % 100) - 30;
			if (!base || s % 5 == 0)
				want += v < 0 ? -v : v;
		}
		struct profile *p = total_profile(base);
		long long got = shown_total(p);
		CHECK(got == want);
		if (got != want)
			fprintf(stderr, "base %d: total %lld, want %lld\n", base, got, want);
		profile_free(p);
	}
	test_units();
	return check_done("total");
}
