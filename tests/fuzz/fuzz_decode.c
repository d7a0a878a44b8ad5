/*
 * Fuzz harness: the whole decode path — gzip, protobuf, legacy formats,
 * validation, conversion — and a lean decode of the same bytes (each
 * sample its leaf alone, no labels: decode_options.lean), which must give
 * the same verdict, the same error, and the same leaves and values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static unsigned lean_all(const struct profile *header, const void *ctx)
{
	(void)header;
	(void)ctx;
	return DECODE_LEAF | DECODE_NO_LABELS;
}

static void agree(int same)
{
	if (!same)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a small inflate ceiling keeps decompression bombs cheap */
	struct decode_options o = { .max_inflated = 64 << 20, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	char err[512], lerr[512];
	struct profile *p = decode_bytes(data, size, &o, err, sizeof err);
	profile_free(p);
	/* whole, as a lean decode is (never as it inflates) */
	o.flow_min = UINT64_MAX;
	p = decode_bytes(data, size, &o, err, sizeof err);
	o.lean = lean_all;
	struct profile *l = decode_bytes(data, size, &o, lerr, sizeof lerr);
	agree(!p == !l);
	if (!p)
		agree(!strcmp(err, lerr));
	agree(!p || p->n_sample == l->n_sample);
	for (size_t i = 0; p && i < p->n_sample; i++) {
		const struct sample *a = &p->sample[i], *b = &l->sample[i];
		agree(!a->n_loc == !b->n_loc && (!a->n_loc || a->loc[0] == b->loc[0]));
		agree(!memcmp(a->value, b->value, p->n_sample_type * sizeof *a->value));
	}
	profile_free(p);
	profile_free(l);
	return 0;
}
