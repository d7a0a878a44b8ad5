/*
 * Fuzz harness: read_sample against protobuf-c. Both read the same bytes
 * as a Sample message; they must agree on whether it is one and, when it
 * is, on every location id, value and label; a lean reader agrees on
 * the leaf and on the first id not known. A disagreement aborts.
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

/*
 * A lean reader (a table of ids 1 to N, N picked by the input's size
 * among the bounds of varint lengths) keeps the leaf alone and names the
 * first other id outside the table, on the same bytes.
 */
static void lean_agrees(const uint8_t *data, size_t size, const Perftools__Profiles__Sample *s)
{
	static const uint64_t tables[] = { 1, 5, 127, 128, 300, 16383, 16384, 100230, 2097151, 2097152 };
	static uint32_t *known;
	enum { MOST = 2097152 };
	if (!known) {
		known = calloc(MOST + 1, sizeof *known);
		for (uint32_t i = 1; i <= MOST; i++)
			known[i] = i;
	}
	uint64_t n = tables[size % (sizeof tables / sizeof *tables)];
	static struct sample_reader lean;
	sample_reader_known(&lean, known, n + 1, (size / 10) % 2 == 0);
	agree(read_sample(&lean, data, size) == 0);
	agree(lean.n_loc == (s->n_location_id > 0) && (!lean.n_loc || lean.loc[0] == s->location_id[0]));
	size_t bad = 1;
	while (bad < s->n_location_id && s->location_id[bad] >= 1 && s->location_id[bad] <= n)
		bad++;
	agree(lean.has_bad == (bad < s->n_location_id));
	agree(!lean.has_bad || lean.bad_id == s->location_id[bad]);
	agree(lean.n_value == s->n_value && lean.n_label == s->n_label);
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
	lean_agrees(data, size, s);
	perftools__profiles__sample__free_unpacked(s, NULL);
	return 0;
}
