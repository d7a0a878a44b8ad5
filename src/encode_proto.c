#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "encode.h"
#include "hashtab.h"
#include "profile.pb-c.h"
#include "profile_skeleton.pb-c.h"
#include "util.h"

typedef Perftools__Profiles__Profile PbProfile;

enum { CHUNK = 4096 }; /* samples, locations or functions packed at a time */

/* The string table: each distinct string once, numbered in the order first added. */
static int64_t add_string(struct strset *t, const char *s)
{
	return strset_add(t, s, NULL);
}

/* find_string looks up a string added before (every one is, in the first pass). */
static int64_t find_string(const struct strset *t, const char *s)
{
	uint32_t id = strset_find(t, s);
	return id == UINT32_MAX ? 0 : id;
}

/* sorted_labels fills order with the sample's label indices, in the order pprof encodes them. */
static void sorted_labels(const struct sample *sm, uint32_t *order)
{
	for (uint32_t i = 0; i < sm->n_label; i++) {
		uint32_t j = i;
		while (j > 0 && profile_label_cmp(&sm->label[order[j - 1]], &sm->label[i]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

static void collect_strings(const struct profile *p, struct strset *t)
{
	add_string(t, "");
	for (size_t i = 0; i < p->n_sample_type; i++) {
		add_string(t, p->sample_type[i].type);
		add_string(t, p->sample_type[i].unit);
	}
	uint32_t *order = NULL;
	size_t cap = 0;
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		GROW(order, cap, sm->n_label + 1);
		sorted_labels(sm, order);
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const struct label *l = &sm->label[order[i]];
			add_string(t, l->key);
			if (l->str)
				add_string(t, l->str);
			else if (l->unit[0])
				add_string(t, l->unit);
		}
	}
	free(order);
	for (size_t i = 0; i < p->n_mapping; i++) {
		add_string(t, p->mapping[i].file);
		add_string(t, p->mapping[i].build_id);
	}
	for (size_t i = 0; i < p->n_function; i++) {
		add_string(t, p->function[i].name);
		add_string(t, p->function[i].system_name);
		add_string(t, p->function[i].filename);
	}
	add_string(t, p->drop_frames);
	add_string(t, p->keep_frames);
	add_string(t, p->period_type.type);
	add_string(t, p->period_type.unit);
	for (size_t i = 0; i < p->n_comment; i++)
		add_string(t, p->comment[i]);
	add_string(t, p->default_sample_type);
	add_string(t, p->doc_url);
}

/* ---- output: packed pieces through deflate ---- */

struct encoder {
	const struct profile *p;
	struct strset strings;
	z_stream z;
	FILE *out;
	uint8_t *buf, *zbuf;
	size_t cap;
	bool failed;
};

static void deflate_to(struct encoder *e, const uint8_t *data, size_t n, int flush)
{
	enum { ZBUF = 1 << 16 };
	e->z.next_in = (uint8_t *)data;
	e->z.avail_in = (uInt)n;
	do {
		e->z.next_out = e->zbuf;
		e->z.avail_out = ZBUF;
		deflate(&e->z, flush);
		size_t have = ZBUF - e->z.avail_out;
		if (have && fwrite(e->zbuf, 1, have, e->out) != have)
			e->failed = true;
	} while (e->z.avail_out == 0);
}

/* deflate_all compresses n bytes, at most UINT_MAX at a time as deflate takes them. */
static void deflate_all(struct encoder *e, const uint8_t *data, size_t n)
{
	for (size_t off = 0; off < n;) {
		size_t k = n - off > (1u << 30) ? (1u << 30) : n - off;
		deflate_to(e, data + off, k, Z_NO_FLUSH);
		off += k;
	}
}

static void emit(struct encoder *e, const PbProfile *m)
{
	size_t n = perftools__profiles__profile__get_packed_size(m);
	if (n > e->cap) {
		free(e->buf);
		e->cap = n;
		e->buf = xmalloc(n);
	}
	perftools__profiles__profile__pack(m, e->buf);
	deflate_all(e, e->buf, n);
}

static void emit_sample_types(struct encoder *e, struct arena *a)
{
	const struct profile *p = e->p;
	PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
	m.n_sample_type = p->n_sample_type;
	m.sample_type = arena_array(a, p->n_sample_type, sizeof *m.sample_type);
	for (size_t i = 0; i < p->n_sample_type; i++) {
		Perftools__Profiles__ValueType *v = arena_alloc(a, sizeof *v);
		perftools__profiles__value_type__init(v);
		v->type = find_string(&e->strings, p->sample_type[i].type);
		v->unit = find_string(&e->strings, p->sample_type[i].unit);
		m.sample_type[i] = v;
	}
	emit(e, &m);
}

static Perftools__Profiles__Sample *pack_sample(struct encoder *e, struct arena *a, const struct sample *sm,
						uint32_t *order)
{
	const struct profile *p = e->p;
	Perftools__Profiles__Sample *s = arena_alloc(a, sizeof *s);
	perftools__profiles__sample__init(s);
	s->n_location_id = sm->n_loc;
	s->location_id = arena_array(a, sm->n_loc, sizeof *s->location_id);
	for (uint32_t i = 0; i < sm->n_loc; i++)
		s->location_id[i] = p->location[sm->loc[i]].id;
	s->n_value = p->n_sample_type;
	s->value = sm->value;
	s->n_label = sm->n_label;
	s->label = arena_array(a, sm->n_label, sizeof *s->label);
	sorted_labels(sm, order);
	for (uint32_t i = 0; i < sm->n_label; i++) {
		const struct label *l = &sm->label[order[i]];
		Perftools__Profiles__Label *pl = arena_alloc(a, sizeof *pl);
		perftools__profiles__label__init(pl);
		pl->key = find_string(&e->strings, l->key);
		if (l->str) {
			pl->str = find_string(&e->strings, l->str);
		} else {
			pl->num = l->num;
			pl->num_unit = find_string(&e->strings, l->unit);
		}
		s->label[i] = pl;
	}
	return s;
}

static void emit_samples(struct encoder *e)
{
	const struct profile *p = e->p;
	uint32_t *order = NULL;
	size_t cap = 0;
	for (size_t s0 = 0; s0 < p->n_sample; s0 += CHUNK) {
		size_t n = p->n_sample - s0 < CHUNK ? p->n_sample - s0 : CHUNK;
		struct arena *a = arena_new();
		PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
		m.n_sample = n;
		m.sample = arena_array(a, n, sizeof *m.sample);
		for (size_t i = 0; i < n; i++) {
			const struct sample *sm = &p->sample[s0 + i];
			GROW(order, cap, sm->n_label + 1);
			m.sample[i] = pack_sample(e, a, sm, order);
		}
		emit(e, &m);
		arena_free(a);
	}
	free(order);
}

static void emit_mappings(struct encoder *e, struct arena *a)
{
	const struct profile *p = e->p;
	PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
	m.n_mapping = p->n_mapping;
	m.mapping = arena_array(a, p->n_mapping, sizeof *m.mapping);
	for (size_t i = 0; i < p->n_mapping; i++) {
		const struct mapping *src = &p->mapping[i];
		Perftools__Profiles__Mapping *d = arena_alloc(a, sizeof *d);
		perftools__profiles__mapping__init(d);
		d->id = src->id;
		d->memory_start = src->start;
		d->memory_limit = src->limit;
		d->file_offset = src->offset;
		d->filename = find_string(&e->strings, src->file);
		d->build_id = find_string(&e->strings, src->build_id);
		d->has_functions = src->has_functions;
		d->has_filenames = src->has_filenames;
		d->has_line_numbers = src->has_line_numbers;
		d->has_inline_frames = src->has_inline_frames;
		m.mapping[i] = d;
	}
	emit(e, &m);
}

static Perftools__Profiles__Location *pack_location(const struct profile *p, struct arena *a,
						    const struct location *l)
{
	Perftools__Profiles__Location *d = arena_alloc(a, sizeof *d);
	perftools__profiles__location__init(d);
	d->id = l->id;
	d->mapping_id = l->mapping != NO_INDEX ? p->mapping[l->mapping].id : 0;
	d->address = l->address;
	d->is_folded = l->is_folded;
	d->n_line = l->n_line;
	d->line = arena_array(a, l->n_line, sizeof *d->line);
	for (uint32_t j = 0; j < l->n_line; j++) {
		Perftools__Profiles__Line *ln = arena_alloc(a, sizeof *ln);
		perftools__profiles__line__init(ln);
		ln->function_id = l->line[j].function != NO_INDEX ? p->function[l->line[j].function].id : 0;
		ln->line = l->line[j].line;
		ln->column = l->line[j].column;
		d->line[j] = ln;
	}
	return d;
}

static void emit_locations(struct encoder *e)
{
	const struct profile *p = e->p;
	for (size_t i0 = 0; i0 < p->n_location; i0 += CHUNK) {
		size_t n = p->n_location - i0 < CHUNK ? p->n_location - i0 : CHUNK;
		struct arena *a = arena_new();
		PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
		m.n_location = n;
		m.location = arena_array(a, n, sizeof *m.location);
		for (size_t i = 0; i < n; i++)
			m.location[i] = pack_location(p, a, &p->location[i0 + i]);
		emit(e, &m);
		arena_free(a);
	}
}

static void emit_functions(struct encoder *e)
{
	const struct profile *p = e->p;
	for (size_t i0 = 0; i0 < p->n_function; i0 += CHUNK) {
		size_t n = p->n_function - i0 < CHUNK ? p->n_function - i0 : CHUNK;
		struct arena *a = arena_new();
		PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
		m.n_function = n;
		m.function = arena_array(a, n, sizeof *m.function);
		for (size_t i = 0; i < n; i++) {
			const struct function *f = &p->function[i0 + i];
			Perftools__Profiles__Function *d = arena_alloc(a, sizeof *d);
			perftools__profiles__function__init(d);
			d->id = f->id;
			d->name = find_string(&e->strings, f->name);
			d->system_name = find_string(&e->strings, f->system_name);
			d->filename = find_string(&e->strings, f->filename);
			d->start_line = f->start_line;
			m.function[i] = d;
		}
		emit(e, &m);
		arena_free(a);
	}
}

/*
 * The string table, the strings' bytes unescaped (util.h): packed as the
 * skeleton message's, which are bytes, since protobuf-c writes a string
 * only up to its first NUL. The field number and wire type are the same.
 */
static void emit_strings(struct encoder *e, struct arena *a)
{
	Perftools__Profiles__Skeleton__Profile m = PERFTOOLS__PROFILES__SKELETON__PROFILE__INIT;
	m.n_string_table = e->strings.n;
	m.string_table = arena_array(a, e->strings.n, sizeof *m.string_table);
	for (size_t i = 0; i < e->strings.n; i++) {
		const char *s = e->strings.s[i];
		size_t n = strlen(s);
		if (memchr(s, NUL_ESCAPE, n)) {
			char *bytes = arena_alloc(a, n);
			n = nul_unescape(bytes, s, n);
			s = bytes;
		}
		m.string_table[i] = (ProtobufCBinaryData){ n, (uint8_t *)s };
	}
	size_t n = perftools__profiles__skeleton__profile__get_packed_size(&m);
	uint8_t *buf = arena_alloc(a, n);
	perftools__profiles__skeleton__profile__pack(&m, buf);
	deflate_all(e, buf, n);
}

/* The string table and the scalar fields, which follow the functions. */
static void emit_rest(struct encoder *e, struct arena *a)
{
	const struct profile *p = e->p;
	emit_strings(e, a);
	PbProfile m = PERFTOOLS__PROFILES__PROFILE__INIT;
	m.drop_frames = find_string(&e->strings, p->drop_frames);
	m.keep_frames = find_string(&e->strings, p->keep_frames);
	m.time_nanos = p->time_nanos;
	m.duration_nanos = p->duration_nanos;
	Perftools__Profiles__ValueType pt = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	pt.type = find_string(&e->strings, p->period_type.type);
	pt.unit = find_string(&e->strings, p->period_type.unit);
	if (pt.type || pt.unit)
		m.period_type = &pt;
	m.period = p->period;
	m.n_comment = p->n_comment;
	m.comment = arena_array(a, p->n_comment, sizeof *m.comment);
	for (size_t i = 0; i < p->n_comment; i++)
		m.comment[i] = find_string(&e->strings, p->comment[i]);
	m.default_sample_type = find_string(&e->strings, p->default_sample_type);
	m.doc_url = find_string(&e->strings, p->doc_url);
	emit(e, &m);
}

int encode_profile(const struct profile *p, FILE *out, char *err, size_t errsize)
{
	struct encoder e;
	memset(&e, 0, sizeof e);
	e.p = p;
	e.out = out;
	collect_strings(p, &e.strings);
	if (deflateInit2(&e.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die_oom();
	e.zbuf = xmalloc(1 << 16);
	struct arena *a = arena_new();
	emit_sample_types(&e, a);
	emit_samples(&e);
	emit_mappings(&e, a);
	emit_locations(&e);
	emit_functions(&e);
	emit_rest(&e, a);
	deflate_to(&e, NULL, 0, Z_FINISH);
	deflateEnd(&e.z);
	arena_free(a);
	free(e.buf);
	free(e.zbuf);
	strset_free(&e.strings);
	if (e.failed) {
		snprintf(err, errsize, "writing profile: %s", strerror(errno));
		return -1;
	}
	return 0;
}
