/*
 * A report's total (pprof's computeTotal), summed on two threads for
 * large profiles: the sum of |value| over every sample, or over the diff
 * base's samples (labelled pprof::base=true) when there are any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "commands.h"
#include "options.h"
#include "report.h"

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
	struct report_request req = { command_find("top"), NULL, false, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	int rc = report_run(p, &o, &req, out, &warn, err, sizeof err);
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
	return check_done("total");
}
