/*
 * decode_table: reads by hand the fields of a profile.proto Profile
 * message other than its samples (decode_sample.h reads those): sample
 * types, mappings, locations with their lines, functions, the string
 * table, comments and the scalars.
 *
 * Each reader accepts exactly the bytes protobuf-c's unpack accepts and
 * gives the same values (tests/fuzz/fuzz_table.c holds the two side by
 * side), and allocates nothing: what an element costs is what the caller
 * keeps of it. protobuf-c's unpack cost every element a 32-byte scan
 * record, its message struct (16-byte aligned in the arena) and a
 * pointer to it: 56 bytes for a 3-byte string entry, 110 for a 4-byte
 * inline line.
 */
#ifndef CPROF_DECODE_TABLE_H
#define CPROF_DECODE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields of a Profile message, by number. */
enum {
	PF_SAMPLE_TYPE = 1,
	PF_SAMPLE = 2,
	PF_MAPPING = 3,
	PF_LOCATION = 4,
	PF_FUNCTION = 5,
	PF_STRING_TABLE = 6,
	PF_DROP_FRAMES = 7,
	PF_KEEP_FRAMES = 8,
	PF_TIME_NANOS = 9,
	PF_DURATION_NANOS = 10,
	PF_PERIOD_TYPE = 11,
	PF_PERIOD = 12,
	PF_COMMENT = 13,
	PF_DEFAULT_SAMPLE_TYPE = 14,
	PF_DOC_URL = 15,
	PF_COUNT /* one past the last */
};

/* A field of a message: its number, wire type and value. */
struct pb_field {
	uint32_t number;
	unsigned wire;
	const uint8_t *value; /* the bytes after the key, and how many: a varint's, a length and what it covers, ... */
	size_t value_len;
	const uint8_t *data; /* what the length of a length-delimited field covers */
	size_t size;
};

/*
 * pb_next reads the field at *pos of the message bytes [msg, msg + len)
 * and moves *pos past it: 1, or 0 at the end, or -1 when the field is
 * malformed (a key, varint or length protobuf-c refuses, a group, or
 * bytes running past the end).
 */
int pb_next(const uint8_t *msg, size_t len, size_t *pos, struct pb_field *f);

/* pb_int64 reads a varint field (-1 for another wire type, which protobuf-c refuses for an integer). */
int pb_int64(const struct pb_field *f, int64_t *out);

/*
 * pb_count is how many integers a field of a repeated integer field
 * (comment) holds: 1, a packed run's count, or 0 for another wire type.
 * pb_int64s reads them into out (only checks them when out is NULL).
 */
size_t pb_count(const struct pb_field *f);
int pb_int64s(const struct pb_field *f, int64_t *out);

struct raw_value_type {
	int64_t type, unit;
};

struct raw_mapping {
	uint64_t id, memory_start, memory_limit, file_offset;
	int64_t filename, build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct raw_function {
	uint64_t id;
	int64_t name, system_name, filename, start_line;
};

struct raw_location {
	uint64_t id, mapping_id, address;
	bool is_folded;
	size_t n_line;
};

struct raw_line {
	uint64_t function_id;
	int64_t line, column;
};

/* Each reader reads a field's message (f->data, f->size): 0, or -1 when it is not a valid one. */
int read_value_type(const struct pb_field *f, struct raw_value_type *out);
int read_mapping(const struct pb_field *f, struct raw_mapping *out);
int read_function(const struct pb_field *f, struct raw_function *out);
/* read_location checks every line of the location too, and counts them. */
int read_location(const struct pb_field *f, struct raw_location *out);
/* next_line reads the line after *pos of a location read_location took: 1, or 0 after the last. */
int next_line(const struct pb_field *location, size_t *pos, struct raw_line *out);

#endif
