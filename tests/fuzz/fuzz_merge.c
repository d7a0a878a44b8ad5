/*
 * Fuzz harness: two profiles merged as -base (or -diff_base, or a plain
 * merge of two sources) merges them, then -top into /dev/null. The first
 * byte picks the mode, the next two give the first profile's length
 * (little-endian, taken modulo what is left); the second profile is the
 * rest. Hostile pairs meet the merge's mapping, location and sample
 * folding, and samples that cancel out.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "decode.h"
#include "merge.h"
#include "options.h"
#include "driver.h"

static FILE *devnull;

static void top(const struct profile *p)
{
	struct options o;
	options_init(&o);
	struct report_request req = { command_find("top"), NULL, false, NULL, false, NULL, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	driver_report(p, &o, &req, devnull, &warn, err, sizeof err);
	sb_free(&warn);
	options_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	int mode = data[0] % 3; /* 0: -base, 1: -diff_base, 2: two sources */
	size_t rest = size - 3, first = ((size_t)data[1] | (size_t)data[2] << 8) % (rest + 1);
	struct decode_options o = { 64 << 20, 0, DECODE_DEFAULT_MAX_RATIO };
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
