#include "decode_sample.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * The wire format as protobuf-c reads it: a field key of at most five
 * bytes (not field 0 in one byte), a varint of at most ten (bits past 64 dropped), a length of at
 * most five (a 32-bit value), and the wire types 0, 1, 2 and 5; groups
 * (3, 4) and the unassigned 6 and 7 make the message invalid.
 */
enum { WIRE_VARINT = 0, WIRE_64BIT = 1, WIRE_BYTES = 2, WIRE_32BIT = 5 };

struct cursor {
	const uint8_t *at, *end;
};

static bool read_key(struct cursor *c, uint32_t *field, unsigned *wire)
{
	size_t left = (size_t)(c->end - c->at), max = left < 5 ? left : 5;
	const uint8_t *b = c->at;
	if ((b[0] & 0xf8) == 0) /* field 0 in a one-byte key */
		return false;
	*wire = b[0] & 7;
	uint32_t v = (b[0] & 0x7f) >> 3;
	unsigned shift = 4;
	for (size_t i = 0; i < max; i++) {
		if (i > 0) {
			v |= (uint32_t)(b[i] & 0x7f) << shift;
			shift += 7;
		}
		if (!(b[i] & 0x80)) {
			*field = v;
			c->at += i + 1;
			return true;
		}
	}
	return false;
}

/* read_base128 reads a varint of at most max bytes (max ≤ 10: the tenth byte's low bit is the 64th). */
static bool read_base128(struct cursor *c, size_t max, uint64_t *out)
{
	size_t left = (size_t)(c->end - c->at);
	if (max > left)
		max = left;
	uint64_t v = 0;
	for (size_t i = 0; i < max; i++) {
		uint8_t b = c->at[i];
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			c->at += i + 1;
			return true;
		}
	}
	return false;
}

static bool read_varint(struct cursor *c, uint64_t *out)
{
	return read_base128(c, 10, out);
}

/*
 * read_length reads the length in front of length-delimited bytes: at
 * most five bytes, and, as protobuf-c has it, no more than INT_MAX (five
 * bytes can say 2^35 - 1, which 32 bits would cut to a wrong length).
 */
static bool read_length(struct cursor *c, uint32_t *len)
{
	uint64_t v;
	if (!read_base128(c, 5, &v) || v > INT_MAX)
		return false;
	*len = (uint32_t)v;
	return true;
}

/* read_bytes reads a length and the bytes it covers. */
static bool read_bytes(struct cursor *c, struct cursor *inner)
{
	uint32_t n;
	if (!read_length(c, &n) || n > (size_t)(c->end - c->at))
		return false;
	inner->at = c->at;
	inner->end = c->at + n;
	c->at = inner->end;
	return true;
}

/*
 * value_extent reads what stands in front of a field's value of this
 * wire type (a varint is read whole, a length read) and gives how many
 * bytes are left of it in *n; false when the wire type is unknown or
 * the varint or length is malformed.
 */
static bool value_extent(struct cursor *c, unsigned wire, uint32_t *n)
{
	uint64_t v;
	*n = 0;
	switch (wire) {
	case WIRE_VARINT:
		return read_varint(c, &v);
	case WIRE_64BIT:
		*n = 8;
		return true;
	case WIRE_BYTES:
		return read_length(c, n);
	case WIRE_32BIT:
		*n = 4;
		return true;
	default:
		return false;
	}
}

/* skip steps over a field cprof does not read. */
static bool skip(struct cursor *c, unsigned wire)
{
	uint32_t n;
	if (!value_extent(c, wire, &n) || n > (size_t)(c->end - c->at))
		return false;
	c->at += n;
	return true;
}

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
