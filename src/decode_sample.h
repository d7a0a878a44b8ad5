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

#include <stdbool.h>
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
	/*
	 * A reader given the known location ids (known[id] nonzero for each,
	 * n_known the table's length) keeps a sample's first location id
	 * alone, its leaf, for a report that reads no further; the others
	 * are read only to be checked, and the first not known goes to
	 * bad_id (has_bad set), for the error the whole stack would give.
	 */
	const uint32_t *known;
	uint64_t n_known;
	/*
	 * When every id from 1 to N = n_known - 1 is known: N's length as a
	 * varint (1 to 4), its last byte and the 7 bits before (id_next),
	 * for reading a run of ids only as far as to know them all known;
	 * id_len 0: N is not that.
	 */
	unsigned id_len;
	uint8_t id_top, id_next;
	bool has_bad;
	uint64_t bad_id;
};

/*
 * sample_reader_known gives r the known location ids (known[id] nonzero
 * for each, n_known the table's length): r then keeps each sample's leaf
 * alone, as told above.
 */
void sample_reader_known(struct sample_reader *r, const uint32_t *known, uint64_t n_known, bool all);

/* read_sample returns 0, or -1 when the bytes are not a Sample message. */
int read_sample(struct sample_reader *r, const uint8_t *data, size_t len);
void sample_reader_free(struct sample_reader *r);

/*
 * read_labels reads again the labels (at most max) of a Sample message
 * read_sample took, into out; it returns how many.
 */
size_t read_labels(const uint8_t *data, size_t len, struct raw_label *out, size_t max);

/* A run of bytes inside a buffer: a Sample message's. */
struct byte_span {
	const uint8_t *data;
	size_t len;
};

/*
 * field_extent reads the key of the field at at and works out its length
 * (*len, key included) without needing its bytes; *head is where the
 * bytes of a length-delimited field start. avail bytes are there: all of
 * them, or at least 16 (the longest key and length, or varint). -1 when
 * the field is malformed there (or cut short at the end).
 */
int field_extent(const uint8_t *at, size_t avail, uint32_t *field, unsigned *wire, size_t *head, size_t *len);

/*
 * varint_ends counts the bytes in [at, end) that end a varint: no more
 * elements than that fit in a packed run, or in all the samples' fields.
 */
size_t varint_ends(const uint8_t *at, const uint8_t *end);

#endif
