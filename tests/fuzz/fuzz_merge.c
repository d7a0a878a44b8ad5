/*
 * Fuzz harness: two profiles merged as -base (or -diff_base, or a plain
 * merge of two sources) merges them, then -top into /dev/null; or merged
 * one at a time (merge_stream), which must give the -raw and -top of the
 * merge of both at once, byte for byte. The first byte picks the mode,
 * the next two give the first profile's length (little-endian, taken
 * modulo what is left); the second profile is the rest. Hostile pairs
 * meet the merge's mapping, location and sample folding, and samples that
 * cancel out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "decode.h"
#include "merge.h"
#include "options.h"
#include "driver.h"

static FILE *devnull;

static void report(const struct profile *p, const char *command, FILE *out)
{
	struct options o;
	options_init(&o);
	struct report_request req = { command_find(command), NULL, false, NULL, false, NULL, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	if (driver_report(p, &o, &req, out, &warn, err, sizeof err) != 0)
		fprintf(out, "error: %s\n", err);
	sb_free(&warn);
	options_free(&o);
}

static void top(const struct profile *p)
{
	report(p, "top", devnull);
}

/* reports is what -raw and -top print of p (malloc'd). */
static char *reports(const struct profile *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		abort();
	report(p, "raw", out);
	report(p, "top", out);
	fclose(out);
	return text;
}

/* one_at_a_time merges the pair as merge_stream does, when it fits: the same bytes as at once. */
static void one_at_a_time(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
			  const struct decode_options *o)
{
	char err[512];
	struct profile *ps[2] = { decode_bytes(a, alen, o, err, sizeof err), decode_bytes(b, blen, o, err, sizeof err) };
	struct profile *qs[2] = { decode_bytes(a, alen, o, err, sizeof err), decode_bytes(b, blen, o, err, sizeof err) };
	struct merge_stream *s = merge_stream_new();
	bool fits = ps[0] && ps[1] && qs[0] && qs[1] && merge_stream_fits(s, qs[0]);
	if (fits) {
		merge_stream_add(s, qs[0]);
		qs[0] = NULL;
		fits = merge_stream_fits(s, qs[1]);
	}
	if (!fits) {
		merge_stream_free(s);
		for (int i = 0; i < 2; i++) {
			profile_free(ps[i]);
			profile_free(qs[i]);
		}
		return;
	}
	merge_stream_add(s, qs[1]);
	struct profile *streamed = merge_stream_finish(s), *m = NULL;
	if (merge_compatibilize(ps, 2, err, sizeof err) == 0 && merge_scale_units(ps, 2, err, sizeof err) == 0)
		m = merge_profiles(ps, 2, err, sizeof err);
	if (!m || !streamed)
		abort(); /* what fits merges */
	char *x = reports(m), *y = reports(streamed);
	if (strcmp(x, y) != 0) {
		fprintf(stderr, "--- at once\n%s--- one at a time\n%s", x, y);
		abort();
	}
	free(x);
	free(y);
	profile_free(m);
	profile_free(streamed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	int mode = data[0] % 4; /* 0: -base, 1: -diff_base, 2: two sources, 3: one at a time */
	size_t rest = size - 3, first = ((size_t)data[1] | (size_t)data[2] << 8) % (rest + 1);
	struct decode_options o = { .max_inflated = 64 << 20, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	if (mode == 3) {
		one_at_a_time(data + 3, first, data + 3 + first, rest - first, &o);
		return 0;
	}
	char err[512];
	struct profile *ps[2] = { decode_bytes(data + 3, first, &o, err, sizeof err),
				  decode_bytes(data + 3 + first, rest - first, &o, err, sizeof err) };
	if (!ps[0] || !ps[1]) {
		profile_free(ps[0]);
		profile_free(ps[1]);
		return 0;
	}
	if (mode < 2) {
		if (mode == 1)
			merge_set_label(ps[1], "pprof::base", "true");
		double *minus = calloc(ps[1]->n_sample_type + 1, sizeof *minus);
		for (size_t i = 0; minus && i < ps[1]->n_sample_type; i++)
			minus[i] = -1;
		if (minus)
			merge_scale(ps[1], minus);
		free(minus);
	}
	struct profile *m = NULL;
	if (merge_compatibilize(ps, 2, err, sizeof err) == 0 && merge_scale_units(ps, 2, err, sizeof err) == 0)
		m = merge_profiles(ps, 2, err, sizeof err);
	if (m) {
		top(m);
		profile_free(m); /* it owns both sources */
	} else {
		profile_free(ps[0]);
		profile_free(ps[1]);
	}
	return 0;
}
