#include "decode_sample.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode_wire.h"
#include "util.h"

size_t varint_ends(const uint8_t *at, const uint8_t *end)
{
	size_t n = (size_t)(end - at), high = 0;
	for (; end - at >= 8; at += 8) {
		uint64_t w;
		memcpy(&w, at, 8);
		high += (size_t)__builtin_popcountll(w & 0x8080808080808080ULL);
	}
	for (; at < end; at++)
		high += *at >> 7;
	return n - high;
}

/* read_int64s reads one element, or a packed run of them, of a repeated integer field. */
static bool read_int64s(struct cursor *c, unsigned wire, void **arr, size_t *n, size_t *cap)
{
	uint64_t v;
	if (wire == WIRE_VARINT) {
		if (!read_varint(c, &v))
			return false;
		grow_array(arr, cap, *n + 1, sizeof v);
		((uint64_t *)*arr)[(*n)++] = v;
		return true;
	}
	struct cursor packed;
	if (wire != WIRE_BYTES || !read_bytes(c, &packed))
		return false;
	/* a run holds no more elements than bytes: room enough, without counting them first */
	grow_array(arr, cap, *n + (size_t)(packed.end - packed.at), sizeof v);
	uint64_t *out = (uint64_t *)*arr + *n;
	while (packed.at < packed.end) {
		if (packed.end - packed.at >= 10) {
			/* no bounds to check: ten bytes end any varint or make it invalid */
			const uint8_t *b = packed.at;
			uint64_t v = 0;
			size_t i = 0;
			do
				v |= (uint64_t)(b[i] & 0x7f) << (7 * i);
			while ((b[i++] & 0x80) && i < 10);
			if (b[i - 1] & 0x80)
				return false;
			*out++ = v;
			packed.at += i;
			continue;
		}
		if (!read_varint(&packed, out++))
			return false;
	}
	*n = (size_t)(out - (uint64_t *)*arr);
	return true;
}

static bool read_label(struct cursor *c, struct raw_label *l)
{
	memset(l, 0, sizeof *l);
	while (c->at < c->end) {
		uint32_t field;
		unsigned wire;
		if (!read_key(c, &field, &wire))
			return false;
		int64_t *dest = field == 1 ? &l->key : field == 2 ? &l->str : field == 3 ? &l->num
			      : field == 4 ? &l->num_unit : NULL;
		if (!dest) {
			if (!skip(c, wire))
				return false;
			continue;
		}
		uint64_t v;
		if (wire != WIRE_VARINT || !read_varint(c, &v))
			return false;
		*dest = (int64_t)v;
	}
	return true;
}

int read_sample(struct sample_reader *r, const uint8_t *data, size_t len)
{
	r->n_loc = r->n_value = r->n_label = 0;
	struct cursor c = { data, data + len };
	while (c.at < c.end) {
		uint32_t field;
		unsigned wire;
		if (!read_key(&c, &field, &wire))
			return -1;
		bool ok;
		if (field == 1) {
			ok = read_int64s(&c, wire, (void **)&r->loc, &r->n_loc, &r->cap_loc);
		} else if (field == 2) {
			ok = read_int64s(&c, wire, (void **)&r->value, &r->n_value, &r->cap_value);
		} else if (field == 3) {
			struct cursor inner;
			ok = wire == WIRE_BYTES && read_bytes(&c, &inner);
			if (ok) {
				GROW(r->label, r->cap_label, r->n_label + 1);
				ok = read_label(&inner, &r->label[r->n_label++]);
			}
		} else {
			ok = skip(&c, wire);
		}
		if (!ok)
			return -1;
	}
	return 0;
}

size_t read_labels(const uint8_t *data, size_t len, struct raw_label *out, size_t max)
{
	struct cursor c = { data, data + len };
	size_t n = 0;
	while (c.at < c.end && n < max) {
		uint32_t field;
		unsigned wire;
		struct cursor inner;
		if (!read_key(&c, &field, &wire))
			break;
		if (field == 3 && wire == WIRE_BYTES) {
			if (!read_bytes(&c, &inner) || !read_label(&inner, &out[n++]))
				break;
		} else if (!skip(&c, wire)) {
			break;
		}
	}
	return n;
}

int field_extent(const uint8_t *at, size_t avail, uint32_t *field, unsigned *wire, size_t *head, size_t *len)
{
	struct cursor c = { at, at + avail };
	uint32_t n;
	if (avail == 0 || !read_key(&c, field, wire) || !value_extent(&c, *wire, &n))
		return -1;
	*head = (size_t)(c.at - at);
	*len = *head + n;
	return 0;
}

void sample_reader_free(struct sample_reader *r)
{
	free(r->loc);
	free(r->value);
	free(r->label);
	memset(r, 0, sizeof *r);
}
