/*
 * Fuzz harness: decode_table's readers against protobuf-c. The first
 * byte picks what the rest is read as: a ValueType, Mapping, Function or
 * Location message (both must agree on whether it is one and, when it
 * is, on every field and line), or a whole Profile message, which
 * decode_proto must call "not a valid profile.proto message" exactly when
 * protobuf-c refuses it (its samples left as bytes), and, when it
 * decodes, read as protobuf-c does. A disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_table.h"
#include "profile.pb-c.h"
#include "profile_skeleton.pb-c.h"
#include "util.h"

static void agree(int same)
{
	if (!same)
		abort();
}

static void value_type(const struct pb_field *f)
{
	struct raw_value_type r;
	int ours = read_value_type(f, &r);
	Perftools__Profiles__ValueType *m = perftools__profiles__value_type__unpack(NULL, f->size, f->data);
	agree((ours == 0) == (m != NULL));
	if (m)
		agree(r.type == m->type && r.unit == m->unit);
	perftools__profiles__value_type__free_unpacked(m, NULL);
}

static void mapping(const struct pb_field *f)
{
	struct raw_mapping r;
	int ours = read_mapping(f, &r);
	Perftools__Profiles__Mapping *m = perftools__profiles__mapping__unpack(NULL, f->size, f->data);
	agree((ours == 0) == (m != NULL));
	if (m)
		agree(r.id == m->id && r.memory_start == m->memory_start && r.memory_limit == m->memory_limit &&
		      r.file_offset == m->file_offset && r.filename == m->filename && r.build_id == m->build_id &&
		      r.has_functions == !!m->has_functions && r.has_filenames == !!m->has_filenames &&
		      r.has_line_numbers == !!m->has_line_numbers && r.has_inline_frames == !!m->has_inline_frames);
	perftools__profiles__mapping__free_unpacked(m, NULL);
}

static void function(const struct pb_field *f)
{
	struct raw_function r;
	int ours = read_function(f, &r);
	Perftools__Profiles__Function *m = perftools__profiles__function__unpack(NULL, f->size, f->data);
	agree((ours == 0) == (m != NULL));
	if (m)
		agree(r.id == m->id && r.name == m->name && r.system_name == m->system_name &&
		      r.filename == m->filename && r.start_line == m->start_line);
	perftools__profiles__function__free_unpacked(m, NULL);
}

static void location(const struct pb_field *f)
{
	struct raw_location r;
	int ours = read_location(f, &r);
	Perftools__Profiles__Location *m = perftools__profiles__location__unpack(NULL, f->size, f->data);
	agree((ours == 0) == (m != NULL));
	if (m) {
		agree(r.id == m->id && r.mapping_id == m->mapping_id && r.address == m->address &&
		      r.is_folded == !!m->is_folded && r.n_line == m->n_line);
		struct raw_line l;
		size_t pos = 0, i = 0;
		for (; next_line(f, &pos, &l) > 0; i++)
			agree(i < m->n_line && l.function_id == m->line[i]->function_id && l.line == m->line[i]->line &&
			      l.column == m->line[i]->column);
		agree(i == m->n_line);
	}
	perftools__profiles__location__free_unpacked(m, NULL);
}

/* Strings as the model holds them: the table's bytes, NULs and 0xC0 escaped (util.h); in scratch. */
static struct arena *scratch;

static const char *index_str(const Perftools__Profiles__Skeleton__Profile *m, int64_t i)
{
	const ProtobufCBinaryData *b = &m->string_table[i];
	return arena_escape(scratch, b->data, b->len, NULL);
}

/* The profile decode_proto made is the message protobuf-c read (where cprof keeps what it read). */
static void same_profile(const struct profile *p, const Perftools__Profiles__Skeleton__Profile *m)
{
	if (!scratch)
		scratch = arena_new();
	arena_reset(scratch);
	agree(p->n_sample_type == m->n_sample_type && p->n_mapping == m->n_mapping &&
	      p->n_function == m->n_function && p->n_location == m->n_location && p->n_comment == m->n_comment &&
	      p->n_sample == m->n_sample);
	for (size_t i = 0; i < m->n_sample_type; i++)
		agree(!strcmp(p->sample_type[i].type, index_str(m, m->sample_type[i]->type)) &&
		      !strcmp(p->sample_type[i].unit, index_str(m, m->sample_type[i]->unit)));
	agree(!strcmp(p->drop_frames, index_str(m, m->drop_frames)) &&
	      !strcmp(p->keep_frames, index_str(m, m->keep_frames)) && p->time_nanos == m->time_nanos &&
	      p->duration_nanos == m->duration_nanos && p->period == m->period &&
	      !strcmp(p->default_sample_type, index_str(m, m->default_sample_type)) &&
	      !strcmp(p->doc_url, index_str(m, m->doc_url)));
	const char *type = m->period_type ? index_str(m, m->period_type->type) : "",
		   *unit = m->period_type ? index_str(m, m->period_type->unit) : "";
	agree(!strcmp(p->period_type.type, type) && !strcmp(p->period_type.unit, unit));
	for (size_t i = 0; i < m->n_comment; i++)
		agree(!strcmp(p->comment[i], index_str(m, m->comment[i])));
	for (size_t i = 0; i < m->n_mapping; i++) {
		const Perftools__Profiles__Mapping *x = m->mapping[i];
		const struct mapping *y = &p->mapping[i];
		agree(y->id == x->id && y->start == x->memory_start && y->limit == x->memory_limit &&
		      y->offset == x->file_offset && !strcmp(y->file, index_str(m, x->filename)) &&
		      !strcmp(y->build_id, index_str(m, x->build_id)) && y->has_functions == !!x->has_functions &&
		      y->has_inline_frames == !!x->has_inline_frames);
	}
	for (size_t i = 0; i < m->n_function; i++) {
		const Perftools__Profiles__Function *x = m->function[i];
		const struct function *y = &p->function[i];
		agree(y->id == x->id && !strcmp(y->name, index_str(m, x->name)) &&
		      !strcmp(y->system_name, index_str(m, x->system_name)) &&
		      !strcmp(y->filename, index_str(m, x->filename)) && y->start_line == x->start_line);
	}
	for (size_t i = 0; i < m->n_location; i++) {
		const Perftools__Profiles__Location *x = m->location[i];
		const struct location *y = &p->location[i];
		agree(y->id == x->id && y->address == x->address && y->is_folded == !!x->is_folded &&
		      y->n_line == x->n_line);
		for (size_t k = 0; k < x->n_line; k++)
			agree(y->line[k].line == x->line[k]->line && y->line[k].column == x->line[k]->column &&
			      p->function[y->line[k].function].id == x->line[k]->function_id);
	}
}

static void profile(const uint8_t *data, size_t size)
{
	char err[256] = "";
	struct profile *p = decode_proto(data, size, NULL, NULL, err, sizeof err);
	Perftools__Profiles__Skeleton__Profile *m = perftools__profiles__skeleton__profile__unpack(NULL, size, data);
	agree((m == NULL) == (!p && !strcmp(err, "not a valid profile.proto message")));
	if (p && m)
		same_profile(p, m);
	profile_free(p);
	perftools__profiles__skeleton__profile__free_unpacked(m, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct pb_field f = { 0, 2, data + 1, size - 1, data + 1, size - 1 };
	switch (data[0] % 5) {
	case 0:
		value_type(&f);
		break;
	case 1:
		mapping(&f);
		break;
	case 2:
		function(&f);
		break;
	case 3:
		location(&f);
		break;
	default:
		profile(data + 1, size - 1);
		break;
	}
	return 0;
}
