#include "decode_sample.h"

#include <endian.h>
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
		/* the high bits summed by a multiply: popcount is a library call without -mpopcnt */
		high += (size_t)((((w & 0x8080808080808080ULL) >> 7) * 0x0101010101010101ULL) >> 56);
	}
	for (; at < end; at++)
		high += *at >> 7;
	return n - high;
}

/*
 * packed_next reads the next element of a packed run; with ten bytes or
 * more left (any varint ends within ten, or is invalid) without checking
 * bounds byte by byte.
 */
static inline bool packed_next(struct cursor *packed, uint64_t *out)
{
	if (packed->end - packed->at < 10)
		return read_varint(packed, out);
	const uint8_t *b = packed->at;
	uint64_t v = 0;
	size_t i = 0;
	do
		v |= (uint64_t)(b[i] & 0x7f) << (7 * i);
	while ((b[i++] & 0x80) && i < 10);
	if (b[i - 1] & 0x80)
		return false;
	*out = v;
	packed->at += i;
	return true;
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
	while (packed.at < packed.end)
		if (!packed_next(&packed, out++))
			return false;
	*n = (size_t)(out - (uint64_t *)*arr);
	return true;
}

/* leaf_or_check keeps a sample's first location id, and checks the others. */
static inline void leaf_or_check(struct sample_reader *r, uint64_t id)
{
	if (r->n_loc == 0) {
		r->loc[0] = id;
		r->n_loc = 1;
	} else if (!r->has_bad && (id >= r->n_known || !r->known[id])) {
		r->has_bad = true;
		r->bad_id = id;
	}
}

/* bytes_at_least: the high bit of each byte of bits whose low 7 bits are at least c (1 to 128). */
static inline uint64_t bytes_at_least(uint64_t bits, unsigned c)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	return ((bits & ~highs) + (0x80 - (uint64_t)c) * ones) & highs;
}

/*
 * ids_surely_known tells, from the bytes of a packed run alone, eight at
 * a time, that every id in it is one from 1 to N (= n_known - 1, all
 * known), N being id_len bytes long as a varint: no byte is 0 (a 0 ends
 * only the varint of 0, or one written longer than need be), no varint
 * is longer than id_len bytes (id_len continuation bytes in a row), and
 * those of id_len bytes are below N by their last byte (below N's,
 * id_top) or, that equal, by the one before it (below N's, id_next).
 * false: not sure (the ids are then read one by one). Reading them one
 * by one was a quarter of a series' time: their lengths, 1 to 3 bytes
 * at random, are what the loop's branches cannot guess.
 */
static bool ids_surely_known(const struct sample_reader *r, const uint8_t *at, const uint8_t *end)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	if (at == end || end[-1] & 0x80)
		return false;
	unsigned len = r->id_len;
	uint64_t prev = 0, prev_next = 0;
	while (at < end) {
		uint64_t w;
		size_t n = (size_t)(end - at);
		if (n >= 8) {
			memcpy(&w, at, 8);
			n = 8;
		} else {
			w = ones; /* each a varint of 1: known, as N >= 1 */
			memcpy(&w, at, n);
		}
		w = le64toh(w);
		uint64_t cont = w & highs, last = highs;
		/* last: the last bytes of varints of len bytes or more (after len - 1 continuation bytes) */
		if (len > 1)
			last &= cont << 8 | prev >> 56;
		if (len > 2)
			last &= cont << 16 | prev >> 48;
		if (len > 3)
			last &= cont << 24 | prev >> 40;
		uint64_t zero = (w - ones) & ~w & highs;
		uint64_t above = bytes_at_least(w, r->id_top + 1u), level = bytes_at_least(w, r->id_top) & ~above;
		uint64_t next = bytes_at_least(w, r->id_next);
		/* a last byte equal to N's is sure only below N's next when there is one: len 1 is N itself */
		uint64_t unsure = above | (len > 1 ? level & (next << 8 | prev_next >> 56) : 0);
		if (zero | (cont & last) | (unsure & ~cont & last))
			return false;
		prev = cont;
		prev_next = next;
		at += n;
	}
	return true;
}

/* read_leaf reads location ids as read_int64s does, for a reader that keeps the leaf alone. */
static bool read_leaf(struct cursor *c, unsigned wire, struct sample_reader *r)
{
	uint64_t v;
	if (!r->loc)
		GROW(r->loc, r->cap_loc, 1);
	if (wire == WIRE_VARINT) {
		if (!read_varint(c, &v))
			return false;
		leaf_or_check(r, v);
		return true;
	}
	struct cursor packed;
	if (wire != WIRE_BYTES || !read_bytes(c, &packed))
		return false;
	if (r->n_loc == 0 && r->id_len && ids_surely_known(r, packed.at, packed.end)) {
		if (!packed_next(&packed, &v))
			return false;
		leaf_or_check(r, v);
		return true;
	}
	while (packed.at < packed.end) {
		if (!packed_next(&packed, &v))
			return false;
		leaf_or_check(r, v);
	}
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

void sample_reader_known(struct sample_reader *r, const uint32_t *known, uint64_t n_known, bool all)
{
	r->known = known;
	r->n_known = n_known;
	r->id_len = 0;
	if (!all || n_known < 2)
		return;
	uint64_t n = n_known - 1;
	unsigned len = 1;
	while (len < 5 && n >> (7 * len))
		len++;
	if (len <= 4) {
		r->id_len = len;
		r->id_top = (uint8_t)(n >> (7 * (len - 1)));
		r->id_next = len > 1 ? (uint8_t)(n >> (7 * (len - 2)) & 0x7f) : 0;
	}
}

int read_sample(struct sample_reader *r, const uint8_t *data, size_t len)
{
	r->n_loc = r->n_value = r->n_label = 0;
	r->has_bad = false;
	struct cursor c = { data, data + len };
	while (c.at < c.end) {
		uint32_t field;
		unsigned wire;
		if (!read_key(&c, &field, &wire))
			return -1;
		bool ok;
		if (field == 1) {
			ok = r->known ? read_leaf(&c, wire, r)
				      : read_int64s(&c, wire, (void **)&r->loc, &r->n_loc, &r->cap_loc);
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
