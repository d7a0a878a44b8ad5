/*
 * decode_sample: reads one profile.proto Sample message by hand.
 *
 * It accepts exactly the bytes protobuf-c's Sample unpack accepts and
 * gives the same fields (tests/fuzz/fuzz_sample.c holds the two side by
 * side), without an allocation per message: the reader's arrays are
 * reused from one sample to the next and hold the last sample read.
 * sample_reader_free releases them.
 */
#ifndef CPROF_DECODE_SAMPLE_H
#define CPROF_DECODE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

struct raw_label {
	int64_t key, str, num, num_unit; /* string table indices, and the number */
};

struct sample_reader {
	uint64_t *loc;
	size_t n_loc, cap_loc;
	int64_t *value;
	size_t n_value, cap_value;
	struct raw_label *label;
	size_t n_label, cap_label;
};

/* read_sample returns 0, or -1 when the bytes are not a Sample message. */
int read_sample(struct sample_reader *r, const uint8_t *data, size_t len);
void sample_reader_free(struct sample_reader *r);

/*
 * varint_ends counts the bytes in [at, end) that end a varint: no more
 * elements than that fit in a packed run, or in all the samples' fields.
 */
size_t varint_ends(const uint8_t *at, const uint8_t *end);

#endif
