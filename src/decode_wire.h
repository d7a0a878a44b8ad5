/*
 * decode_wire: the protobuf wire format as protobuf-c reads it, for the
 * readers that take profile.proto messages apart by hand (decode_sample.c
 * the samples, decode_table.c everything else). A cursor walks the bytes
 * of one message; each function moves it past what it read and returns
 * false when the bytes are malformed there.
 */
#ifndef CPROF_DECODE_WIRE_H
#define CPROF_DECODE_WIRE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

static inline bool read_key(struct cursor *c, uint32_t *field, unsigned *wire)
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
static inline bool read_base128(struct cursor *c, size_t max, uint64_t *out)
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

static inline bool read_varint(struct cursor *c, uint64_t *out)
{
	return read_base128(c, 10, out);
}

/*
 * read_length reads the length in front of length-delimited bytes: at
 * most five bytes, and, as protobuf-c has it, no more than INT_MAX (five
 * bytes can say 2^35 - 1, which 32 bits would cut to a wrong length).
 */
static inline bool read_length(struct cursor *c, uint32_t *len)
{
	uint64_t v;
	if (!read_base128(c, 5, &v) || v > INT_MAX)
		return false;
	*len = (uint32_t)v;
	return true;
}

/* read_bytes reads a length and the bytes it covers. */
static inline bool read_bytes(struct cursor *c, struct cursor *inner)
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
static inline bool value_extent(struct cursor *c, unsigned wire, uint32_t *n)
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
static inline bool skip(struct cursor *c, unsigned wire)
{
	uint32_t n;
	if (!value_extent(c, wire, &n) || n > (size_t)(c->end - c->at))
		return false;
	c->at += n;
	return true;
}

#endif
