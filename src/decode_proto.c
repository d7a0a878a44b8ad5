/*
 * decode_proto: profile.proto → profile model, with pprof's validation.
 *
 * protobuf-c unpacks the message through profile_skeleton.proto, which
 * leaves each sample as bytes; the tables are converted one after the
 * other, ids remapped to dense indices, and then every sample is read on
 * its own and converted at once. So the decoded sample structs (which
 * hold 64-bit location ids, twice the model's size) never exist all at
 * the same time.
 *
 * The Sample message alone is read by hand (read_sample), accepting
 * exactly what protobuf-c's unpack accepts (tests/fuzz/fuzz_sample.c
 * checks the two against each other): it is nine tenths of a profile's
 * bytes, and protobuf-c's generic unpack, one allocation per message and
 * per label, cost 0.9 s of CPU on the 46 MB bench profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "decode_sample.h"
#include "profile.pb-c.h"
#include "profile_skeleton.pb-c.h"
#include "util.h"

typedef Perftools__Profiles__Skeleton__Profile PbProfile;

static void *pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr;
}

/* idmap: file id → dense index; a flat array when ids are dense, else sorted pairs. */
struct idpair {
	uint64_t id;
	uint32_t index;
};

struct idmap {
	uint32_t *dense; /* dense[id] = index + 1, 0 when absent */
	uint64_t ndense;
	struct idpair *sorted;
	size_t nsorted;
};

static int cmp_idpair(const void *a, const void *b)
{
	const struct idpair *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* idmap_build fails (returns the offending id's position) on a zero or repeated id. */
static int idmap_build(struct idmap *m, const uint64_t *ids, size_t n, size_t stride, const char *what,
		       char *err, size_t errsize)
{
	memset(m, 0, sizeof *m);
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = *(const uint64_t *)((const char *)ids + i * stride);
		if (id == 0) {
			snprintf(err, errsize, "found %s with reserved ID=0", what);
			return -1;
		}
		if (id > max)
			max = id;
	}
	if (max <= 4 * (uint64_t)n + 1024) {
		m->ndense = max + 1;
		m->dense = xcalloc(m->ndense, sizeof *m->dense);
		for (size_t i = 0; i < n; i++) {
			uint64_t id = *(const uint64_t *)((const char *)ids + i * stride);
			if (m->dense[id]) {
				snprintf(err, errsize, "multiple %ss with same id: %llu", what, (unsigned long long)id);
				return -1;
			}
			m->dense[id] = (uint32_t)i + 1;
		}
		return 0;
	}
	m->sorted = xcalloc(n, sizeof *m->sorted);
	m->nsorted = n;
	for (size_t i = 0; i < n; i++) {
		m->sorted[i].id = *(const uint64_t *)((const char *)ids + i * stride);
		m->sorted[i].index = (uint32_t)i;
	}
	qsort(m->sorted, n, sizeof *m->sorted, cmp_idpair);
	for (size_t i = 1; i < n; i++)
		if (m->sorted[i].id == m->sorted[i - 1].id) {
			snprintf(err, errsize, "multiple %ss with same id: %llu", what,
				 (unsigned long long)m->sorted[i].id);
			return -1;
		}
	return 0;
}

static uint32_t idmap_get(const struct idmap *m, uint64_t id)
{
	if (m->dense)
		return id < m->ndense && m->dense[id] ? m->dense[id] - 1 : NO_INDEX;
	size_t lo = 0, hi = m->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->sorted[mid].id < id)
			lo = mid + 1;
		else if (m->sorted[mid].id > id)
			hi = mid;
		else
			return m->sorted[mid].index;
	}
	return NO_INDEX;
}

static void idmap_free(struct idmap *m)
{
	free(m->dense);
	free(m->sorted);
}

struct conv {
	const PbProfile *pb;
	struct profile *p;
	const char **strings;
	char *err;
	size_t errsize;
	int failed;
};

/* conv_for_thread copies c for another thread, with its own error buffer and failure flag. */
static void conv_for_thread(struct conv *to, const struct conv *c, char *err, size_t errsize)
{
	*to = *c;
	to->err = err;
	to->errsize = errsize;
}

/* str resolves a string index; an index outside the table fails the decode. */
static const char *str(struct conv *c, int64_t i)
{
	if (i < 0 || (uint64_t)i >= c->pb->n_string_table) {
		if (!c->failed)
			snprintf(c->err, c->errsize, "string index %lld is outside the string table (%zu strings)",
				 (long long)i, c->pb->n_string_table);
		c->failed = 1;
		return "";
	}
	return c->strings[i];
}

/*
 * copy_strings makes the string table C strings, NULs and 0xC0 bytes
 * escaped (util.h). A string with neither is copied into one block with
 * the rest; one with either (rare) is escaped into a block of its own.
 */
static void copy_strings(struct conv *c)
{
	const PbProfile *pb = c->pb;
	struct arena *a = c->p->arena;
	size_t total = 0;
	for (size_t i = 0; i < pb->n_string_table; i++)
		total += pb->string_table[i].len + 1;
	char *block = arena_alloc(a, total ? total : 1);
	c->strings = arena_array(a, pb->n_string_table, sizeof *c->strings);
	for (size_t i = 0; i < pb->n_string_table; i++) {
		const ProtobufCBinaryData *s = &pb->string_table[i];
		if (nul_escape_extra(s->data, s->len)) {
			c->strings[i] = arena_escape(a, s->data, s->len, NULL);
			c->p->escaped = true;
		} else {
			mem_copy(block, s->data, s->len);
			block[s->len] = '\0';
			c->strings[i] = block;
		}
		block += s->len + 1;
	}
}

static int conv_header(struct conv *c)
{
	const PbProfile *pb = c->pb;
	struct profile *p = c->p;
	p->n_sample_type = pb->n_sample_type;
	p->sample_type = arena_array(p->arena, pb->n_sample_type, sizeof *p->sample_type);
	for (size_t i = 0; i < pb->n_sample_type; i++) {
		p->sample_type[i].type = str(c, pb->sample_type[i]->type);
		p->sample_type[i].unit = str(c, pb->sample_type[i]->unit);
	}
	p->drop_frames = str(c, pb->drop_frames);
	p->keep_frames = str(c, pb->keep_frames);
	p->time_nanos = pb->time_nanos;
	p->duration_nanos = pb->duration_nanos;
	if (pb->period_type) {
		p->period_type.type = str(c, pb->period_type->type);
		p->period_type.unit = str(c, pb->period_type->unit);
	}
	p->period = pb->period;
	p->n_comment = pb->n_comment;
	p->comment = arena_array(p->arena, pb->n_comment, sizeof *p->comment);
	for (size_t i = 0; i < pb->n_comment; i++)
		p->comment[i] = str(c, pb->comment[i]);
	p->default_sample_type = str(c, pb->default_sample_type);
	p->doc_url = str(c, pb->doc_url);
	return c->failed ? -1 : 0;
}

static int conv_mappings(struct conv *c, struct idmap *ids)
{
	const PbProfile *pb = c->pb;
	struct profile *p = c->p;
	p->n_mapping = pb->n_mapping;
	p->mapping = arena_array(p->arena, pb->n_mapping, sizeof *p->mapping);
	for (size_t i = 0; i < pb->n_mapping; i++) {
		const Perftools__Profiles__Mapping *m = pb->mapping[i];
		struct mapping *d = &p->mapping[i];
		d->id = m->id;
		d->start = m->memory_start;
		d->limit = m->memory_limit;
		d->offset = m->file_offset;
		d->file = str(c, m->filename);
		d->build_id = str(c, m->build_id);
		d->has_functions = m->has_functions;
		d->has_filenames = m->has_filenames;
		d->has_line_numbers = m->has_line_numbers;
		d->has_inline_frames = m->has_inline_frames;
	}
	if (c->failed)
		return -1;
	struct mapping *first = p->mapping;
	return idmap_build(ids, first ? &first->id : NULL, p->n_mapping, sizeof *first, "mapping", c->err,
			   c->errsize);
}

static int conv_functions(struct conv *c, struct idmap *ids)
{
	const PbProfile *pb = c->pb;
	struct profile *p = c->p;
	p->n_function = pb->n_function;
	p->function = arena_array(p->arena, pb->n_function, sizeof *p->function);
	for (size_t i = 0; i < pb->n_function; i++) {
		const Perftools__Profiles__Function *f = pb->function[i];
		struct function *d = &p->function[i];
		d->id = f->id;
		d->name = str(c, f->name);
		d->system_name = str(c, f->system_name);
		d->filename = str(c, f->filename);
		d->start_line = f->start_line;
	}
	if (c->failed)
		return -1;
	struct function *first = p->function;
	return idmap_build(ids, first ? &first->id : NULL, p->n_function, sizeof *first, "function", c->err,
			   c->errsize);
}

static int conv_locations(struct conv *c, const struct idmap *mappings, const struct idmap *functions,
			  struct idmap *ids)
{
	const PbProfile *pb = c->pb;
	struct profile *p = c->p;
	size_t nlines = 0;
	for (size_t i = 0; i < pb->n_location; i++)
		nlines += pb->location[i]->n_line;
	struct line *lines = arena_array(p->arena, nlines, sizeof *lines);
	p->n_location = pb->n_location;
	p->location = arena_array(p->arena, pb->n_location, sizeof *p->location);
	for (size_t i = 0; i < pb->n_location; i++) {
		const Perftools__Profiles__Location *l = pb->location[i];
		struct location *d = &p->location[i];
		d->id = l->id;
		d->address = l->address;
		d->is_folded = l->is_folded;
		d->mapping = NO_INDEX;
		if (l->mapping_id) {
			d->mapping = idmap_get(mappings, l->mapping_id);
			if (d->mapping == NO_INDEX) {
				snprintf(c->err, c->errsize, "location id %llu: mapping id %llu points nowhere",
					 (unsigned long long)l->id, (unsigned long long)l->mapping_id);
				return -1;
			}
		}
		if (l->n_line > UINT32_MAX) {
			snprintf(c->err, c->errsize, "location id %llu: too many lines", (unsigned long long)l->id);
			return -1;
		}
		d->n_line = (uint32_t)l->n_line;
		d->line = lines;
		for (size_t j = 0; j < l->n_line; j++) {
			const Perftools__Profiles__Line *ln = l->line[j];
			uint32_t f = ln->function_id ? idmap_get(functions, ln->function_id) : NO_INDEX;
			if (f == NO_INDEX) {
				snprintf(c->err, c->errsize, "location id: %llu has a line with nil function",
					 (unsigned long long)l->id);
				return -1;
			}
			lines[j].function = f;
			lines[j].line = ln->line;
			lines[j].column = ln->column;
		}
		lines += l->n_line;
	}
	struct location *first = p->location;
	return idmap_build(ids, first ? &first->id : NULL, p->n_location, sizeof *first, "location", c->err,
			   c->errsize);
}

/* Growable arrays that end up adopted by the profile's arena. */
struct vec {
	void *items;
	size_t n, cap;
};

static void *vec_room(struct vec *v, size_t more, size_t size)
{
	if (more > SIZE_MAX - v->n)
		die_oom();
	grow_array(&v->items, &v->cap, v->n + more, size);
	return v->items ? (char *)v->items + v->n * size : NULL; /* NULL only when more is 0 */
}

/*
 * take_field takes apart the top-level Profile field at at (avail bytes
 * there): a Sample's bytes become a span, any other field is copied to
 * rest unchanged, and *len is the field's whole length. 1 when the field
 * runs past avail; -1 when it is malformed, or a field 2 of another wire
 * type (protobuf-c's unpack of the whole message then fails as it should).
 */
static int take_field(const uint8_t *at, size_t avail, struct vec *spans, struct vec *rest, uint32_t *field,
		      size_t *len)
{
	unsigned wire;
	size_t head;
	if (field_extent(at, avail, field, &wire, &head, len) != 0)
		return -1;
	if (*len > avail)
		return 1;
	if (*field == 2 && wire == 2) {
		struct byte_span *sp = vec_room(spans, 1, sizeof *sp);
		*sp = (struct byte_span){ at + head, *len - head };
		spans->n++;
	} else if (*field == 2) {
		return -1;
	} else {
		mem_copy(vec_room(rest, *len, 1), at, *len);
		rest->n += *len;
	}
	return 0;
}

/*
 * split_samples finds the samples of a Profile message: their bytes go to
 * spans (into data), every other field to rest. -1 when the message is
 * malformed (nothing is left allocated).
 */
static int split_samples(const uint8_t *data, size_t len, struct vec *spans, struct vec *rest)
{
	for (size_t pos = 0; pos < len;) {
		uint32_t field;
		size_t flen;
		if (take_field(data + pos, len - pos, spans, rest, &field, &flen) != 0) {
			free(spans->items);
			free(rest->items);
			*spans = *rest = (struct vec){ NULL, 0, 0 };
			return -1;
		}
		pos += flen;
	}
	return 0;
}

/* conv_labels converts a sample's labels into out, and returns how many it keeps. */
static uint32_t conv_labels(struct conv *c, const struct raw_label *raw, size_t n_raw, struct label *out)
{
	uint32_t n = 0;
	for (size_t j = 0; j < n_raw; j++) {
		const struct raw_label *pl = &raw[j];
		struct label *dl = &out[n];
		memset(dl, 0, sizeof *dl);
		dl->key = str(c, pl->key);
		if (pl->str != 0) {
			dl->str = str(c, pl->str);
		} else if (pl->num != 0 || pl->num_unit != 0) {
			dl->num = pl->num;
			dl->unit = str(c, pl->num_unit);
		} else {
			continue; /* pprof drops labels with neither a string nor a number */
		}
		n++;
	}
	return n;
}

static int conv_one_sample(struct conv *c, const struct sample_reader *s, size_t i, struct sample *d,
			   struct vec *locs, struct vec *labels, const struct idmap *locations, int64_t *values)
{
	size_t nst = c->p->n_sample_type;
	if (s->n_value != nst) {
		snprintf(c->err, c->errsize, "mismatch: sample has %zu values vs. %zu types", s->n_value, nst);
		return -1;
	}
	if (s->n_loc > UINT32_MAX || s->n_label > UINT32_MAX) {
		snprintf(c->err, c->errsize, "sample %zu is too large", i);
		return -1;
	}
	uint32_t *l = vec_room(locs, s->n_loc, sizeof *l);
	for (size_t j = 0; j < s->n_loc; j++) {
		l[j] = idmap_get(locations, s->loc[j]);
		if (l[j] == NO_INDEX) {
			snprintf(c->err, c->errsize, "sample %zu: location id %llu points nowhere", i,
				 (unsigned long long)s->loc[j]);
			return -1;
		}
	}
	/* the pointers are fixed up once the vectors stop moving */
	d->loc = (const uint32_t *)(uintptr_t)locs->n;
	d->n_loc = (uint32_t)s->n_loc;
	locs->n += s->n_loc;
	mem_copy(values, s->value, nst * sizeof *values);
	d->value = values;
	struct label *lb = vec_room(labels, s->n_label, sizeof *lb);
	uint32_t n = conv_labels(c, s->label, s->n_label, lb);
	d->label = (const struct label *)(uintptr_t)labels->n;
	d->n_label = n;
	labels->n += n;
	return c->failed ? -1 : 0;
}

/* One thread's share of the samples: [first, last), converted into its own vectors. */
struct sample_job {
	struct conv c; /* a copy: its own error buffer and failure flag */
	char err[256];
	const struct idmap *locations;
	int64_t *values;
	size_t first, last;
	struct vec locs, labels;
	int rc;
};

static void *convert_range(void *arg)
{
	struct sample_job *j = arg;
	struct conv *c = &j->c;
	const PbProfile *pb = c->pb;
	size_t nst = c->p->n_sample_type;
	struct sample_reader s = { 0 };
	j->rc = 0;
	/* room for every location id at once: growing by doubling copied and faulted in twice the memory */
	size_t ids = 0;
	for (size_t i = j->first; i < j->last; i++)
		ids += varint_ends(pb->sample[i].data, pb->sample[i].data + pb->sample[i].len);
	j->locs.items = xreallocarray(j->locs.items, ids + 1, sizeof(uint32_t));
	j->locs.cap = ids + 1;
	for (size_t i = j->first; i < j->last && j->rc == 0; i++) {
		if (read_sample(&s, pb->sample[i].data, pb->sample[i].len) != 0) {
			snprintf(c->err, c->errsize, "sample %zu is not a valid Sample message", i);
			j->rc = -1;
			break;
		}
		j->rc = conv_one_sample(c, &s, i, &c->p->sample[i], &j->locs, &j->labels, j->locations,
					j->values + i * nst);
	}
	sample_reader_free(&s);
	return NULL;
}

/*
 * conv_samples converts the samples on two threads when there are many:
 * each half gets its own stack and label vectors (adopted by the arena,
 * never copied), so the halves share nothing but read-only tables.
 * -top on the 46 MB bench profile: 0.6 s less.
 */
enum { SAMPLES_PER_THREAD = 50000 };

static int conv_samples(struct conv *c, const struct idmap *locations)
{
	const PbProfile *pb = c->pb;
	struct profile *p = c->p;
	size_t nst = p->n_sample_type;
	if (nst == 0 && pb->n_sample != 0) {
		snprintf(c->err, c->errsize, "missing sample type information");
		return -1;
	}
	if (nst && pb->n_sample > SIZE_MAX / nst)
		die_oom();
	int64_t *values = arena_array(p->arena, pb->n_sample, nst * sizeof *values);
	p->n_sample = pb->n_sample;
	p->sample = arena_array(p->arena, pb->n_sample, sizeof *p->sample);
	struct sample_job jobs[2];
	size_t njobs = pb->n_sample >= 2 * SAMPLES_PER_THREAD ? 2 : 1;
	for (size_t k = 0; k < njobs; k++) {
		struct sample_job *j = &jobs[k];
		memset(j, 0, sizeof *j);
		conv_for_thread(&j->c, c, j->err, sizeof j->err);
		j->locations = locations;
		j->values = values;
		j->first = pb->n_sample * k / njobs;
		j->last = pb->n_sample * (k + 1) / njobs;
	}
	run_pair(convert_range, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	int rc = 0;
	for (size_t k = 0; k < njobs; k++) {
		struct sample_job *j = &jobs[k];
		if (j->locs.items)
			arena_adopt(p->arena, j->locs.items);
		if (j->labels.items)
			arena_adopt(p->arena, j->labels.items);
		if (j->rc != 0 && rc == 0) {
			snprintf(c->err, c->errsize, "%s", j->err);
			rc = -1;
		}
	}
	if (rc != 0)
		return -1;
	for (size_t k = 0; k < njobs; k++) {
		struct sample_job *j = &jobs[k];
		/* never NULL: a pointer offset on NULL is undefined even when zero */
		const uint32_t *loc0 = j->locs.items ? j->locs.items : arena_zalloc(p->arena, sizeof *loc0);
		const struct label *lab0 = j->labels.items ? j->labels.items : arena_zalloc(p->arena, sizeof *lab0);
		for (size_t i = j->first; i < j->last; i++) {
			p->sample[i].loc = loc0 + (uintptr_t)p->sample[i].loc;
			p->sample[i].label = lab0 + (uintptr_t)p->sample[i].label;
		}
	}
	return 0;
}

static const char *string_table_problem(const PbProfile *pb)
{
	if (pb->n_string_table == 0)
		return "missing string table";
	if (pb->string_table[0].len != 0)
		return "string_table[0] must be ''";
	return NULL;
}

/* conv_tables converts all but the samples; *locations maps the location ids. */
static int conv_tables(struct conv *c, struct idmap *locations)
{
	copy_strings(c);
	struct idmap mappings = { 0 }, functions = { 0 };
	int rc = conv_header(c);
	if (rc == 0)
		rc = conv_mappings(c, &mappings);
	if (rc == 0)
		rc = conv_functions(c, &functions);
	if (rc == 0)
		rc = conv_locations(c, &mappings, &functions, locations);
	idmap_free(&mappings);
	idmap_free(&functions);
	return rc;
}

/* looks_like_profile: a message this shape is profile.proto, not a legacy text that happened to parse. */
static bool looks_like_profile(const PbProfile *pb)
{
	return pb->n_string_table > 0 && pb->string_table[0].len == 0;
}

struct profile *decode_proto(const uint8_t *data, size_t len, uint8_t **owner, char *err, size_t errsize)
{
	struct arena *scratch = arena_new();
	ProtobufCAllocator alloc = { pb_alloc, pb_free, scratch };
	/*
	 * protobuf-c unpacks all but the samples, which stay where they are:
	 * copying them cost 0.15 s on the 46 MB bench profile. A message
	 * split_samples cannot take apart goes to protobuf-c whole.
	 */
	struct vec spans = { NULL, 0, 0 }, rest = { NULL, 0, 0 };
	bool split = split_samples(data, len, &spans, &rest) == 0;
	static const uint8_t none[1];
	PbProfile *pb = perftools__profiles__skeleton__profile__unpack(
		&alloc, split ? rest.n : len, split ? (rest.items ? rest.items : none) : data);
	if (split) {
		free(rest.items);
		if (pb) {
			const struct byte_span *span = spans.items;
			pb->n_sample = spans.n;
			pb->sample = arena_array(scratch, spans.n, sizeof *pb->sample);
			for (size_t i = 0; i < spans.n; i++)
				pb->sample[i] = (ProtobufCBinaryData){ span[i].len, (uint8_t *)span[i].data };
		}
		free(spans.items);
	}
	if (!pb) {
		snprintf(err, errsize, "not a valid profile.proto message");
		arena_free(scratch);
		return NULL;
	}
	const char *bad = string_table_problem(pb);
	if (bad) {
		snprintf(err, errsize, "%s", bad);
		arena_free(scratch);
		return NULL;
	}
	/* the raw bytes go once nothing points into them: at once, or after the samples */
	bool drop_raw = owner && looks_like_profile(pb);
	if (drop_raw && !split) {
		free(*owner);
		*owner = NULL;
	}
	struct conv c = { .pb = pb, .err = err, .errsize = errsize };
	c.p = profile_new();
	struct idmap locations = { 0 };
	int rc = conv_tables(&c, &locations);
	if (rc == 0)
		rc = conv_samples(&c, &locations);
	idmap_free(&locations);
	if (drop_raw && split) {
		free(*owner);
		*owner = NULL;
	}
	arena_free(scratch);
	if (rc != 0 || c.failed) {
		profile_free(c.p);
		return NULL;
	}
	return c.p;
}

/* ---- decoding as the bytes inflate ---- */

/*
 * A flow reads the samples while the profile inflates, before the tables
 * they point into have come (Go writes the samples first): location ids
 * are kept as they are in the file, less one (each must fit 32 bits),
 * values in place, labels only counted; each part holds a run of
 * samples, in order. When everything has come, the tables are converted
 * and the parts finished in place (the labels read again from the bytes).
 * Anything unusual and the flow gives up, to the ordinary path.
 */
struct flow_count {
	uint32_t n_loc, n_label;
};

struct flow_part {
	size_t first, last; /* its samples */
	uint32_t top;       /* the largest location id read, less one */
	struct vec locs, values;
	struct sample_reader r;
};

struct flow {
	struct inflow *in;
	const uint8_t *buf;
	size_t out, pos; /* bytes inflated, and scanned */
	bool stopped;
	struct vec spans;  /* struct byte_span: every sample met */
	struct vec counts; /* struct flow_count: every sample read */
	struct vec rest;   /* uint8_t: every other field */
	size_t nst;        /* sample types before the first sample */
	struct flow_part part[2];
};

/* flow_read reads samples [part->last, upto) into the part. */
static int flow_read(const struct flow *fl, struct flow_part *part, size_t upto)
{
	const struct byte_span *span = fl->spans.items;
	struct flow_count *count = fl->counts.items;
	struct sample_reader *r = &part->r;
	for (; part->last < upto; part->last++) {
		const struct byte_span *sp = &span[part->last];
		if (read_sample(r, sp->data, sp->len) != 0 || r->n_value != fl->nst || r->n_loc > UINT32_MAX ||
		    r->n_label > UINT32_MAX)
			return -1;
		uint32_t *l = vec_room(&part->locs, r->n_loc, sizeof *l);
		for (size_t j = 0; j < r->n_loc; j++) {
			if (r->loc[j] - 1 >= UINT32_MAX) /* id 0 too */
				return -1;
			/* the index the id has when the location table lists ids 1, 2, 3, ... */
			l[j] = (uint32_t)(r->loc[j] - 1);
			if (l[j] > part->top)
				part->top = l[j];
		}
		part->locs.n += r->n_loc;
		if (fl->nst) {
			mem_copy(vec_room(&part->values, fl->nst, sizeof(int64_t)), r->value, fl->nst * sizeof(int64_t));
			part->values.n += fl->nst;
		}
		count[part->last] = (struct flow_count){ (uint32_t)r->n_loc, (uint32_t)r->n_label };
	}
	return 0;
}

/* flow_scan takes apart the fields inflated so far; 1 when it needs more bytes, -1 when malformed. */
static int flow_scan(struct flow *fl)
{
	for (;;) {
		size_t have = fl->out - fl->pos;
		if (have == 0)
			return fl->stopped ? 0 : 1;
		if (have < 16 && !fl->stopped)
			return 1;
		uint32_t field;
		size_t len;
		int rc = take_field(fl->buf + fl->pos, have, &fl->spans, &fl->rest, &field, &len);
		if (rc != 0)
			return rc < 0 || fl->stopped ? -1 : 1;
		if (field == 1 && fl->spans.n == 0)
			fl->nst++;
		fl->pos += len;
	}
}

/* One reader's share of the samples left when the bytes have all come. */
struct flow_job {
	const struct flow *fl;
	struct flow_part *part;
	size_t upto;
	int rc;
};

static void *flow_read_job(void *arg)
{
	struct flow_job *j = arg;
	j->rc = flow_read(j->fl, j->part, j->upto);
	return NULL;
}

/*
 * One finisher's share: its samples pointed into the parts' vectors, ids
 * made indices in place, labels converted into its own vector.
 */
struct finish_job {
	const struct flow *fl;
	struct conv c;
	char err[256];
	const struct idmap *locations;
	const struct byte_span *span;
	const struct flow_count *count;
	struct raw_label *raw; /* one sample's labels */
	size_t cap_raw;
	size_t first, last;
	bool remap; /* the ids are not the indices plus one */
	struct vec labels;
	int rc;
};

/* point_samples points samples [first, last) at their locations and values in the parts. */
static void point_samples(const struct flow *fl, struct sample *sample, size_t first, size_t last)
{
	const struct flow_count *count = fl->counts.items;
	size_t nst = fl->nst;
	for (int k = 0; k < 2; k++) {
		const struct flow_part *part = &fl->part[k];
		size_t from = first > part->first ? first : part->first, to = last < part->last ? last : part->last;
		if (from >= to)
			continue;
		/* (offsets only when nonzero: the vectors are NULL when empty) */
		size_t at = 0;
		for (size_t i = part->first; i < from; i++)
			at += count[i].n_loc;
		uint32_t *loc = at ? (uint32_t *)part->locs.items + at : part->locs.items;
		int64_t *value = nst ? (int64_t *)part->values.items + (from - part->first) * nst : NULL;
		for (size_t i = from; i < to; i++) {
			sample[i].loc = loc;
			sample[i].n_loc = count[i].n_loc;
			sample[i].value = value;
			if (count[i].n_loc)
				loc += count[i].n_loc;
			if (nst)
				value += nst;
		}
	}
}

static void *flow_finish(void *arg)
{
	struct finish_job *j = arg;
	struct profile *p = j->c.p;
	point_samples(j->fl, p->sample, j->first, j->last);
	for (size_t i = j->first; i < j->last && j->rc == 0; i++) {
		struct sample *sm = &p->sample[i];
		uint32_t *l = (uint32_t *)sm->loc;
		for (uint32_t k = 0; j->remap && k < sm->n_loc; k++) {
			l[k] = idmap_get(j->locations, (uint64_t)l[k] + 1);
			if (l[k] == NO_INDEX)
				j->rc = -1;
		}
		uint32_t n_raw = j->count[i].n_label;
		sm->label = (const struct label *)(uintptr_t)j->labels.n;
		sm->n_label = 0;
		if (n_raw) {
			/* labels are few: read again from the bytes rather than kept from the first reading */
			GROW(j->raw, j->cap_raw, n_raw);
			read_labels(j->span[i].data, j->span[i].len, j->raw, n_raw);
			struct label *lb = vec_room(&j->labels, n_raw, sizeof *lb);
			sm->n_label = conv_labels(&j->c, j->raw, n_raw, lb);
			j->labels.n += sm->n_label;
		}
		if (j->c.failed)
			j->rc = -1;
	}
	return NULL;
}

static void flow_free(struct flow *fl)
{
	free(fl->spans.items);
	free(fl->counts.items);
	free(fl->rest.items);
	for (int k = 0; k < 2; k++) {
		free(fl->part[k].locs.items);
		free(fl->part[k].values.items);
		sample_reader_free(&fl->part[k].r);
	}
}

/*
 * flow_take reads the samples as their bytes come; 0 once every byte has
 * come and been taken apart (flow_take_rest reads the samples left).
 */
static int flow_take(struct flow *fl)
{
	for (;;) {
		int rc = flow_scan(fl);
		if (rc < 0)
			return -1;
		size_t n = fl->spans.n;
		if (fl->counts.n < n) {
			vec_room(&fl->counts, n - fl->counts.n, sizeof(struct flow_count));
			fl->counts.n = n;
		}
		if (rc == 0) /* all the bytes have come: what is left is read on two threads */
			return fl->pos == fl->out && inflow_done(fl->in) == 0 ? 0 : -1;
		if (fl->part[0].last < n) {
			size_t upto = n - fl->part[0].last > 1024 ? fl->part[0].last + 1024 : n;
			if (flow_read(fl, &fl->part[0], upto) != 0)
				return -1;
			fl->out = inflow_wait(fl->in, 0, &fl->stopped);
			continue;
		}
		fl->out = inflow_wait(fl->in, fl->out + 1, &fl->stopped);
	}
}

/*
 * flow_take_rest: the samples still unread when the last byte came (the
 * reader falls behind the inflater: on the bench profile by a tenth of
 * the samples) are read on two threads.
 */
static int flow_take_rest(struct flow *fl)
{
	size_t n = fl->spans.n, from = fl->part[0].last;
	size_t mid = n - from >= 2 * SAMPLES_PER_THREAD ? from + (n - from) / 2 : n;
	fl->part[1].first = fl->part[1].last = mid;
	struct flow_job jobs[2] = { { fl, &fl->part[0], mid, 0 }, { fl, &fl->part[1], n, 0 } };
	run_pair(flow_read_job, &jobs[0], mid < n ? &jobs[1] : NULL);
	return jobs[0].rc == 0 && jobs[1].rc == 0 ? 0 : -1;
}

/* flow_samples points the profile's samples into the parts, and finishes them on two threads. */
static int flow_samples(struct flow *fl, struct conv *c, const struct idmap *locations)
{
	struct profile *p = c->p;
	size_t n = fl->spans.n; /* one per two bytes at most: n * sizeof (struct sample) cannot overflow */
	const struct flow_count *count = fl->counts.items;
	p->n_sample = n;
	/* every field is set by the finishers, which touch the pages first */
	p->sample = arena_alloc(p->arena, n * sizeof *p->sample);
	/* Go lists the locations with ids 1, 2, 3, ...: then the ids read are already indices */
	bool remap = fl->part[0].top >= p->n_location || fl->part[1].top >= p->n_location;
	for (size_t i = 0; i < p->n_location && !remap; i++)
		remap = p->location[i].id != i + 1;
	size_t njobs = n >= 2 * SAMPLES_PER_THREAD ? 2 : 1;
	struct finish_job jobs[2];
	for (size_t k = 0; k < njobs; k++) {
		struct finish_job *j = &jobs[k];
		memset(j, 0, sizeof *j);
		j->fl = fl;
		conv_for_thread(&j->c, c, j->err, sizeof j->err);
		j->locations = locations;
		j->remap = remap;
		j->span = fl->spans.items;
		j->count = count;
		j->first = n * k / njobs;
		j->last = n * (k + 1) / njobs;
	}
	run_pair(flow_finish, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	int rc = 0;
	for (size_t k = 0; k < njobs; k++) {
		struct finish_job *j = &jobs[k];
		rc |= j->rc;
		free(j->raw);
		const struct label *lab0 = j->labels.items ? j->labels.items : arena_zalloc(p->arena, sizeof *lab0);
		if (j->labels.items)
			arena_adopt(p->arena, j->labels.items);
		for (size_t i = j->first; i < j->last; i++)
			p->sample[i].label = lab0 + (uintptr_t)p->sample[i].label;
	}
	/* the samples point into the parts' vectors now: the profile owns them */
	for (int k = 0; k < 2; k++) {
		struct flow_part *part = &fl->part[k];
		if (part->locs.items)
			arena_adopt(p->arena, part->locs.items);
		if (part->values.items)
			arena_adopt(p->arena, part->values.items);
		part->locs.items = part->values.items = NULL;
	}
	return rc;
}

struct profile *decode_proto_flow(struct inflow *in)
{
	struct flow fl;
	memset(&fl, 0, sizeof fl);
	fl.in = in;
	fl.buf = inflow_bytes(in);
	fl.out = inflow_wait(in, 0, &fl.stopped);
	/*
	 * Room for the location ids at once (a location id takes more than two
	 * bytes on average): growing by doubling copied them over and over.
	 */
	size_t ids = inflow_size(in) / 2;
	fl.part[0].locs.items = malloc(ids * sizeof(uint32_t));
	fl.part[0].locs.cap = fl.part[0].locs.items ? ids : 0;
	if (flow_take(&fl) != 0 || flow_take_rest(&fl) != 0) {
		flow_free(&fl);
		return NULL;
	}
	struct arena *scratch = arena_new();
	ProtobufCAllocator alloc = { pb_alloc, pb_free, scratch };
	static const uint8_t none[1];
	PbProfile *pb = perftools__profiles__skeleton__profile__unpack(&alloc, fl.rest.n,
								      fl.rest.items ? fl.rest.items : none);
	free(fl.rest.items); /* protobuf-c copied what it needs */
	fl.rest.items = NULL;
	char err[256];
	struct conv c = { .pb = pb, .err = err, .errsize = sizeof err };
	struct idmap locations = { 0 };
	int rc = -1;
	if (pb && !string_table_problem(pb) && pb->n_sample == 0 && pb->n_sample_type == fl.nst &&
	    !(fl.nst == 0 && fl.spans.n != 0)) {
		c.p = profile_new();
		rc = conv_tables(&c, &locations);
		if (rc == 0 && !c.failed)
			rc = flow_samples(&fl, &c, &locations);
		if (rc == 0)
			rc = inflow_checked(in);
		if (rc != 0 || c.failed) {
			profile_free(c.p);
			c.p = NULL;
		}
	}
	idmap_free(&locations);
	arena_free(scratch);
	flow_free(&fl);
	return rc == 0 ? c.p : NULL;
}
