#include "decode_table.h"

#include <string.h>

#include "decode_sample.h"
#include "decode_wire.h"

int pb_next(const uint8_t *msg, size_t len, size_t *pos, struct pb_field *f)
{
	if (*pos >= len)
		return 0;
	struct cursor c = { msg + *pos, msg + len };
	uint32_t n;
	if (!read_key(&c, &f->number, &f->wire))
		return -1;
	f->value = c.at;
	if (!value_extent(&c, f->wire, &n) || n > (size_t)(c.end - c.at))
		return -1;
	f->data = c.at;
	f->size = f->wire == WIRE_BYTES ? n : 0;
	c.at += n;
	f->value_len = (size_t)(c.at - f->value);
	*pos = (size_t)(c.at - msg);
	return 1;
}

int pb_int64(const struct pb_field *f, int64_t *out)
{
	struct cursor c = { f->value, f->value + f->value_len };
	uint64_t v;
	if (f->wire != WIRE_VARINT || !read_varint(&c, &v))
		return -1;
	*out = (int64_t)v;
	return 0;
}

size_t pb_count(const struct pb_field *f)
{
	if (f->wire == WIRE_VARINT)
		return 1;
	return f->wire == WIRE_BYTES ? varint_ends(f->data, f->data + f->size) : 0;
}

int pb_int64s(const struct pb_field *f, int64_t *out)
{
	int64_t v;
	if (f->wire == WIRE_VARINT)
		return pb_int64(f, out ? out : &v);
	if (f->wire != WIRE_BYTES)
		return -1;
	struct cursor c = { f->data, f->data + f->size };
	while (c.at < c.end) {
		uint64_t u;
		if (!read_varint(&c, &u))
			return -1;
		if (out)
			*out++ = (int64_t)u;
	}
	return 0;
}

/*
 * A message's fields as the readers below see them: each field number
 * they know says where its value goes and as what. An integer must come
 * as a varint; a bool comes in any wire type and is true when any bit of
 * its bytes is (as protobuf-c's parse_boolean has it: the length of a
 * length-delimited one included); a later value replaces an earlier one.
 */
enum kind { K_SKIP, K_INT, K_BOOL, K_MESSAGE };

struct slot {
	enum kind kind;
	void *dst;
};

static bool any_bit(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] & 0x7f)
			return true;
	return false;
}

/*
 * read_fields reads the message of f into the slots (slot[i] for field
 * number i, nslot of them); a K_MESSAGE field's bytes are handed to
 * check, with arg, and its count added to *count.
 */
static int read_fields(const struct pb_field *f, const struct slot *slot, uint32_t nslot,
		       int (*check)(const struct pb_field *, void *), void *arg, size_t *count)
{
	if (f->wire != WIRE_BYTES)
		return -1;
	struct pb_field g;
	size_t pos = 0;
	int rc;
	while ((rc = pb_next(f->data, f->size, &pos, &g)) > 0) {
		const struct slot *s = g.number < nslot ? &slot[g.number] : NULL;
		switch (s ? s->kind : K_SKIP) {
		case K_SKIP:
			break;
		case K_INT:
			if (pb_int64(&g, s->dst) != 0)
				return -1;
			break;
		case K_BOOL:
			*(bool *)s->dst = any_bit(g.value, g.value_len);
			break;
		case K_MESSAGE:
			if (g.wire != WIRE_BYTES || check(&g, arg) != 0)
				return -1;
			++*count;
			break;
		}
	}
	return rc;
}

int read_value_type(const struct pb_field *f, struct raw_value_type *out)
{
	memset(out, 0, sizeof *out);
	const struct slot slot[] = { { K_SKIP, NULL }, { K_INT, &out->type }, { K_INT, &out->unit } };
	return read_fields(f, slot, 3, NULL, NULL, NULL);
}

int read_mapping(const struct pb_field *f, struct raw_mapping *out)
{
	memset(out, 0, sizeof *out);
	const struct slot slot[] = {
		{ K_SKIP, NULL },
		{ K_INT, &out->id },
		{ K_INT, &out->memory_start },
		{ K_INT, &out->memory_limit },
		{ K_INT, &out->file_offset },
		{ K_INT, &out->filename },
		{ K_INT, &out->build_id },
		{ K_BOOL, &out->has_functions },
		{ K_BOOL, &out->has_filenames },
		{ K_BOOL, &out->has_line_numbers },
		{ K_BOOL, &out->has_inline_frames },
	};
	return read_fields(f, slot, 11, NULL, NULL, NULL);
}

int read_function(const struct pb_field *f, struct raw_function *out)
{
	memset(out, 0, sizeof *out);
	const struct slot slot[] = {
		{ K_SKIP, NULL },
		{ K_INT, &out->id },
		{ K_INT, &out->name },
		{ K_INT, &out->system_name },
		{ K_INT, &out->filename },
		{ K_INT, &out->start_line },
	};
	return read_fields(f, slot, 6, NULL, NULL, NULL);
}

static int read_line(const struct pb_field *f, void *out)
{
	struct raw_line *l = out;
	memset(l, 0, sizeof *l);
	const struct slot slot[] = {
		{ K_SKIP, NULL }, { K_INT, &l->function_id }, { K_INT, &l->line }, { K_INT, &l->column }
	};
	return read_fields(f, slot, 4, NULL, NULL, NULL);
}

int read_location(const struct pb_field *f, struct raw_location *out)
{
	memset(out, 0, sizeof *out);
	struct raw_line line;
	const struct slot slot[] = {
		{ K_SKIP, NULL },
		{ K_INT, &out->id },
		{ K_INT, &out->mapping_id },
		{ K_INT, &out->address },
		{ K_MESSAGE, NULL },
		{ K_BOOL, &out->is_folded },
	};
	return read_fields(f, slot, 6, read_line, &line, &out->n_line);
}

int next_line(const struct pb_field *location, size_t *pos, struct raw_line *out)
{
	struct pb_field g;
	int rc;
	while ((rc = pb_next(location->data, location->size, pos, &g)) > 0)
		if (g.number == 4)
			return read_line(&g, out) == 0 ? 1 : -1;
	return rc;
}
