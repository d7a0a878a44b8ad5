/*
 * Fuzz harness: read_sample against protobuf-c. Both read the same bytes
 * as a Sample message; they must agree on whether it is one and, when it
 * is, on every location id, value and label. A disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode_sample.h"
#include "profile.pb-c.h"

static void agree(int same)
{
	if (!same)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sample_reader r;
	int ours = read_sample(&r, data, size);
	Perftools__Profiles__Sample *s = perftools__profiles__sample__unpack(NULL, size, data);
	agree((ours == 0) == (s != NULL));
	if (!s)
		return 0;
	agree(r.n_loc == s->n_location_id && r.n_value == s->n_value && r.n_label == s->n_label);
	agree(r.n_loc == 0 || memcmp(r.loc, s->location_id, r.n_loc * sizeof *r.loc) == 0);
	agree(r.n_value == 0 || memcmp(r.value, s->value, r.n_value * sizeof *r.value) == 0);
	for (size_t i = 0; i < r.n_label; i++) {
		const Perftools__Profiles__Label *l = s->label[i];
		agree(r.label[i].key == l->key && r.label[i].str == l->str && r.label[i].num == l->num &&
		      r.label[i].num_unit == l->num_unit);
	}
	perftools__profiles__sample__free_unpacked(s, NULL);
	return 0;
}
