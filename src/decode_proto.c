/*
 * decode_proto: profile.proto → profile model, with pprof's validation.
 *
 * The message is taken apart by hand, never unpacked whole: a first walk
 * over its top-level fields (take_field) finds the samples, whose bytes
 * stay where they are, and where the fields of each other number lie;
 * every field is checked to be one protobuf-c would accept; then the
 * string table and the tables are read from the bytes straight into the
 * model (decode_table.h), ids remapped to dense indices, and every sample
 * is read on its own and converted at once. What a decoded element costs
 * is what the model keeps of it: protobuf-c's unpack cost every string,
 * mapping, location, line and function a scan record, a struct and a
 * pointer besides (a 256 MB string table of "a" took 6 GB).
 *
 * The Sample message is read by read_sample, accepting exactly what
 * protobuf-c's unpack accepts (tests/fuzz/fuzz_sample.c checks the two
 * against each other): it is nine tenths of a profile's bytes, and
 * protobuf-c's generic unpack, one allocation per message and per label,
 * cost 0.9 s of CPU on the 46 MB bench profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "decode_sample.h"
#include "decode_table.h"
#include "decode_wire.h"
#include "util.h"

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

/* Where the fields of one number lie in a Profile message: from the first to the end of the last. */
struct field_range {
	size_t from, to, n;
};

struct conv {
	const uint8_t *msg;                /* the Profile message */
	const struct field_range *range;   /* [PF_COUNT]: where its fields lie */
	const struct byte_span *samples;   /* its samples' bytes */
	size_t n_sample;
	size_t n_line;                     /* the lines of all its locations */
	const char **strings;              /* the string table, in the profile's arena */
	size_t n_strings;
	struct profile *p;
	char *err;
	size_t errsize;
	int failed;
	bool not_proto; /* what failed is that the bytes are not a profile.proto message */
	unsigned lean;  /* what the samples may leave out (decode_options.lean) */
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
	if (i < 0 || (uint64_t)i >= c->n_strings) {
		if (!c->failed)
			snprintf(c->err, c->errsize, "string index %lld is outside the string table (%zu strings)",
				 (long long)i, c->n_strings);
		c->failed = 1;
		return "";
	}
	return c->strings[i];
}

/* next_of finds the next top-level field numbered number from *pos: 1, or 0 past the last. */
static int next_of(const struct conv *c, uint32_t number, size_t *pos, struct pb_field *f)
{
	const struct field_range *r = &c->range[number];
	if (*pos < r->from)
		*pos = r->from;
	while (pb_next(c->msg, r->to, pos, f) > 0)
		if (f->number == number)
			return 1;
	return 0;
}

/* check_field: a top-level field other than a sample is one protobuf-c accepts; the lines of a location are counted. */
static int check_field(struct conv *c, const struct pb_field *f)
{
	struct raw_value_type vt;
	struct raw_mapping m;
	struct raw_location l;
	struct raw_function fn;
	int64_t v;
	switch (f->number) {
	case PF_SAMPLE_TYPE:
	case PF_PERIOD_TYPE:
		return read_value_type(f, &vt);
	case PF_MAPPING:
		return read_mapping(f, &m);
	case PF_LOCATION:
		if (read_location(f, &l) != 0)
			return -1;
		c->n_line += l.n_line;
		return 0;
	case PF_FUNCTION:
		return read_function(f, &fn);
	case PF_STRING_TABLE:
		return f->wire == WIRE_BYTES ? 0 : -1;
	case PF_COMMENT:
		return pb_int64s(f, NULL);
	default:
		return pb_int64(f, &v);
	}
}

/*
 * check_fields checks every field but the samples (read later, each with
 * its own message), before anything is converted: a message protobuf-c
 * refuses is no profile.proto, whatever else is wrong with it.
 */
static int check_fields(struct conv *c)
{
	struct pb_field f;
	for (uint32_t k = 1; k < PF_COUNT; k++)
		for (size_t pos = 0; k != PF_SAMPLE && next_of(c, k, &pos, &f) > 0;)
			if (check_field(c, &f) != 0)
				return -1;
	return 0;
}

/*
 * conv_strings makes the string table C strings in the profile's arena,
 * NULs and 0xC0 bytes escaped (util.h). A string with neither is copied
 * into one block with the rest; one with either (rare) is escaped into a
 * block of its own.
 */
static void conv_strings(struct conv *c)
{
	size_t n = c->range[PF_STRING_TABLE].n, total = 0, i = 0;
	struct pb_field f;
	for (size_t pos = 0; next_of(c, PF_STRING_TABLE, &pos, &f) > 0;)
		total += f.size + 1;
	char *block = arena_alloc(c->p->arena, total ? total : 1);
	c->strings = xreallocarray(NULL, n ? n : 1, sizeof *c->strings);
	for (size_t pos = 0; next_of(c, PF_STRING_TABLE, &pos, &f) > 0; i++) {
		if (nul_escape_extra(f.data, f.size)) {
			c->strings[i] = arena_escape(c->p->arena, (const char *)f.data, f.size, NULL);
			c->p->escaped = true;
		} else {
			mem_copy(block, f.data, f.size);
			block[f.size] = '\0';
			c->strings[i] = block;
		}
		block += f.size + 1;
	}
	c->n_strings = n;
}

static const char *string_table_problem(const struct conv *c)
{
	if (c->n_strings == 0)
		return "missing string table";
	if (c->strings[0][0] != '\0')
		return "string_table[0] must be ''";
	return NULL;
}

/* last_int is the value of the last top-level field numbered number (an integer), 0 when there is none. */
static int64_t last_int(const struct conv *c, uint32_t number)
{
	struct pb_field f;
	int64_t v = 0;
	for (size_t pos = 0; next_of(c, number, &pos, &f) > 0;)
		pb_int64(&f, &v);
	return v;
}

static void conv_value_type(struct conv *c, const struct pb_field *f, struct value_type *d)
{
	struct raw_value_type vt;
	read_value_type(f, &vt);
	d->type = str(c, vt.type);
	d->unit = str(c, vt.unit);
}

static void conv_comments(struct conv *c)
{
	struct profile *p = c->p;
	struct pb_field f;
	size_t n = 0;
	for (size_t pos = 0; next_of(c, PF_COMMENT, &pos, &f) > 0;)
		n += pb_count(&f);
	int64_t *index = xreallocarray(NULL, n ? n : 1, sizeof *index);
	size_t at = 0;
	for (size_t pos = 0; next_of(c, PF_COMMENT, &pos, &f) > 0; at += pb_count(&f))
		pb_int64s(&f, index + at);
	p->n_comment = n;
	p->comment = arena_array(p->arena, n, sizeof *p->comment);
	for (size_t i = 0; i < n; i++)
		p->comment[i] = str(c, index[i]);
	free(index);
}

static int conv_header(struct conv *c)
{
	struct profile *p = c->p;
	struct pb_field f;
	p->n_sample_type = c->range[PF_SAMPLE_TYPE].n;
	p->sample_type = arena_array(p->arena, p->n_sample_type, sizeof *p->sample_type);
	size_t i = 0;
	for (size_t pos = 0; next_of(c, PF_SAMPLE_TYPE, &pos, &f) > 0; i++)
		conv_value_type(c, &f, &p->sample_type[i]);
	p->drop_frames = str(c, last_int(c, PF_DROP_FRAMES));
	p->keep_frames = str(c, last_int(c, PF_KEEP_FRAMES));
	p->time_nanos = last_int(c, PF_TIME_NANOS);
	p->duration_nanos = last_int(c, PF_DURATION_NANOS);
	/* given twice, the later period type is the one (protobuf-c's merge of proto3 fields) */
	struct pb_field last;
	size_t n = 0;
	for (size_t pos = 0; next_of(c, PF_PERIOD_TYPE, &pos, &f) > 0; n++)
		last = f;
	if (n)
		conv_value_type(c, &last, &p->period_type);
	p->period = last_int(c, PF_PERIOD);
	conv_comments(c);
	p->default_sample_type = str(c, last_int(c, PF_DEFAULT_SAMPLE_TYPE));
	p->doc_url = str(c, last_int(c, PF_DOC_URL));
	return c->failed ? -1 : 0;
}

static int conv_mappings(struct conv *c, struct idmap *ids)
{
	struct profile *p = c->p;
	struct pb_field f;
	struct raw_mapping m;
	p->n_mapping = c->range[PF_MAPPING].n;
	p->mapping = arena_array(p->arena, p->n_mapping, sizeof *p->mapping);
	size_t i = 0;
	for (size_t pos = 0; next_of(c, PF_MAPPING, &pos, &f) > 0; i++) {
		read_mapping(&f, &m);
		struct mapping *d = &p->mapping[i];
		d->id = m.id;
		d->start = m.memory_start;
		d->limit = m.memory_limit;
		d->offset = m.file_offset;
		d->file = str(c, m.filename);
		d->build_id = str(c, m.build_id);
		d->has_functions = m.has_functions;
		d->has_filenames = m.has_filenames;
		d->has_line_numbers = m.has_line_numbers;
		d->has_inline_frames = m.has_inline_frames;
	}
	if (c->failed)
		return -1;
	struct mapping *first = p->mapping;
	return idmap_build(ids, first ? &first->id : NULL, p->n_mapping, sizeof *first, "mapping", c->err,
			   c->errsize);
}

static int conv_functions(struct conv *c, struct idmap *ids)
{
	struct profile *p = c->p;
	struct pb_field f;
	struct raw_function fn;
	p->n_function = c->range[PF_FUNCTION].n;
	p->function = arena_array(p->arena, p->n_function, sizeof *p->function);
	size_t i = 0;
	for (size_t pos = 0; next_of(c, PF_FUNCTION, &pos, &f) > 0; i++) {
		read_function(&f, &fn);
		struct function *d = &p->function[i];
		d->id = fn.id;
		d->name = str(c, fn.name);
		d->system_name = str(c, fn.system_name);
		d->filename = str(c, fn.filename);
		d->start_line = fn.start_line;
	}
	if (c->failed)
		return -1;
	struct function *first = p->function;
	return idmap_build(ids, first ? &first->id : NULL, p->n_function, sizeof *first, "function", c->err,
			   c->errsize);
}

/* conv_lines converts the lines of a location into lines[]. */
static int conv_lines(struct conv *c, const struct pb_field *f, uint64_t id, const struct idmap *functions,
		      struct line *lines)
{
	struct raw_line ln;
	size_t j = 0;
	for (size_t pos = 0; next_line(f, &pos, &ln) > 0; j++) {
		uint32_t fi = ln.function_id ? idmap_get(functions, ln.function_id) : NO_INDEX;
		if (fi == NO_INDEX) {
			snprintf(c->err, c->errsize, "location id: %llu has a line with nil function",
				 (unsigned long long)id);
			return -1;
		}
		lines[j] = (struct line){ fi, ln.line, ln.column };
	}
	return 0;
}

static int conv_locations(struct conv *c, const struct idmap *mappings, const struct idmap *functions,
			  struct idmap *ids)
{
	struct profile *p = c->p;
	struct pb_field f;
	struct raw_location l;
	struct line *lines = arena_array(p->arena, c->n_line, sizeof *lines);
	p->n_location = c->range[PF_LOCATION].n;
	p->location = arena_array(p->arena, p->n_location, sizeof *p->location);
	size_t i = 0;
	for (size_t pos = 0; next_of(c, PF_LOCATION, &pos, &f) > 0; i++) {
		read_location(&f, &l);
		struct location *d = &p->location[i];
		d->id = l.id;
		d->address = l.address;
		d->is_folded = l.is_folded;
		d->mapping = NO_INDEX;
		if (l.mapping_id) {
			d->mapping = idmap_get(mappings, l.mapping_id);
			if (d->mapping == NO_INDEX) {
				snprintf(c->err, c->errsize, "location id %llu: mapping id %llu points nowhere",
					 (unsigned long long)l.id, (unsigned long long)l.mapping_id);
				return -1;
			}
		}
		if (l.n_line > UINT32_MAX) {
			snprintf(c->err, c->errsize, "location id %llu: too many lines", (unsigned long long)l.id);
			return -1;
		}
		d->n_line = (uint32_t)l.n_line;
		d->line = lines;
		if (conv_lines(c, &f, l.id, functions, lines) != 0)
			return -1;
		lines += l.n_line;
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

/* What a first walk over the top-level fields of a Profile message finds. */
struct layout {
	struct vec spans;                         /* struct byte_span: every sample */
	struct field_range range[PF_COUNT];       /* where the other fields lie, by number */
};

/*
 * take_field takes apart the top-level Profile field at at (avail bytes
 * there, pos bytes into the message): a Sample's bytes become a span,
 * any other field of profile.proto widens the range of its number (an
 * unknown field, which protobuf-c kept aside, is left alone), and *len is
 * the field's whole length. 1 when the field runs past avail; -1 when it
 * is malformed, or a field 2 of another wire type (which protobuf-c
 * refuses for bytes).
 */
static int take_field(const uint8_t *at, size_t avail, size_t pos, struct layout *lay, uint32_t *field,
		      size_t *len)
{
	unsigned wire;
	size_t head;
	if (field_extent(at, avail, field, &wire, &head, len) != 0)
		return -1;
	if (*len > avail)
		return 1;
	if (*field == PF_SAMPLE && wire == WIRE_BYTES) {
		struct byte_span *sp = vec_room(&lay->spans, 1, sizeof *sp);
		*sp = (struct byte_span){ at + head, *len - head };
		lay->spans.n++;
	} else if (*field == PF_SAMPLE) {
		return -1;
	} else if (*field > 0 && *field < PF_COUNT) {
		struct field_range *r = &lay->range[*field];
		if (r->n++ == 0)
			r->from = pos;
		r->to = pos + *len;
	}
	return 0;
}

/* lay_out walks the top-level fields of a Profile message; -1 when it is malformed (nothing is left allocated). */
static int lay_out(const uint8_t *data, size_t len, struct layout *lay)
{
	memset(lay, 0, sizeof *lay);
	for (size_t pos = 0; pos < len;) {
		uint32_t field;
		size_t flen;
		if (take_field(data + pos, len - pos, pos, lay, &field, &flen) != 0) {
			free(lay->spans.items);
			memset(lay, 0, sizeof *lay);
			return -1;
		}
		pos += flen;
	}
	return 0;
}

/*
 * conv_labels converts a sample's labels into out, and returns how many
 * it keeps; with out NULL it only checks their strings, and keeps none.
 */
static uint32_t conv_labels(struct conv *c, const struct raw_label *raw, size_t n_raw, struct label *out)
{
	uint32_t n = 0;
	struct label none;
	for (size_t j = 0; j < n_raw; j++) {
		const struct raw_label *pl = &raw[j];
		struct label *dl = out ? &out[n] : &none;
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
		n += out != NULL;
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
	if (s->has_bad) {
		snprintf(c->err, c->errsize, "sample %zu: location id %llu points nowhere", i, (unsigned long long)s->bad_id);
		return -1;
	}
	/* the pointers are fixed up once the vectors stop moving */
	d->loc = (const uint32_t *)(uintptr_t)locs->n;
	d->n_loc = (uint32_t)s->n_loc;
	locs->n += s->n_loc;
	mem_copy(values, s->value, nst * sizeof *values);
	d->value = values;
	struct label *lb = c->lean & DECODE_NO_LABELS ? NULL : vec_room(labels, s->n_label, sizeof *lb);
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
	const struct byte_span *span = c->samples;
	size_t nst = c->p->n_sample_type;
	struct sample_reader s = { 0 };
	if (c->lean & DECODE_LEAF) {
		sample_reader_known(&s, j->locations->dense, j->locations->ndense,
				    j->locations->ndense == c->p->n_location + 1);
	}
	j->rc = 0;
	/* room for every location id at once: growing by doubling copied and faulted in twice the memory */
	size_t ids = c->lean & DECODE_LEAF ? j->last - j->first : 0;
	for (size_t i = j->first; i < j->last && !(c->lean & DECODE_LEAF); i++)
		ids += varint_ends(span[i].data, span[i].data + span[i].len);
	/* (a series' reader gets the memory of the snapshot before: util.h) */
	if (ids + 1 > SIZE_MAX / sizeof(uint32_t))
		die_oom();
	j->locs.items = reuse_alloc((ids + 1) * sizeof(uint32_t));
	j->locs.cap = ids + 1;
	for (size_t i = j->first; i < j->last && j->rc == 0; i++) {
		if (read_sample(&s, span[i].data, span[i].len) != 0) {
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
	struct profile *p = c->p;
	size_t nst = p->n_sample_type, n = c->n_sample;
	if (nst == 0 && n != 0) {
		snprintf(c->err, c->errsize, "missing sample type information");
		return -1;
	}
	if (nst && n > SIZE_MAX / nst)
		die_oom();
	int64_t *values = arena_array(p->arena, n, nst * sizeof *values);
	p->n_sample = n;
	p->sample = arena_array(p->arena, n, sizeof *p->sample);
	struct sample_job jobs[2];
	size_t njobs = n >= 2 * SAMPLES_PER_THREAD ? 2 : 1;
	for (size_t k = 0; k < njobs; k++) {
		struct sample_job *j = &jobs[k];
		memset(j, 0, sizeof *j);
		conv_for_thread(&j->c, c, j->err, sizeof j->err);
		j->locations = locations;
		j->values = values;
		j->first = n * k / njobs;
		j->last = n * (k + 1) / njobs;
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

/*
 * conv_tables converts all but the samples; *locations maps the location
 * ids. It fails with c->not_proto when the bytes are not a profile.proto
 * message at all: a field protobuf-c would refuse, or no string table.
 */
static int conv_tables(struct conv *c, struct idmap *locations)
{
	if (check_fields(c) != 0) {
		snprintf(c->err, c->errsize, "not a valid profile.proto message");
		c->not_proto = true;
		return -1;
	}
	conv_strings(c);
	const char *bad = string_table_problem(c);
	if (bad) {
		snprintf(c->err, c->errsize, "%s", bad);
		c->not_proto = true;
		return -1;
	}
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

struct profile *decode_proto(const uint8_t *data, size_t len, uint8_t **owner, const struct decode_options *o,
			     char *err, size_t errsize)
{
	struct layout lay;
	if (lay_out(data, len, &lay) != 0) {
		snprintf(err, errsize, "not a valid profile.proto message");
		return NULL;
	}
	struct conv c = { .msg = data, .range = lay.range, .samples = lay.spans.items, .n_sample = lay.spans.n,
			  .err = err, .errsize = errsize };
	c.p = profile_new();
	struct idmap locations = { 0 };
	int rc = conv_tables(&c, &locations);
	c.lean = rc == 0 && o && o->lean ? o->lean(c.p, o->lean_ctx) : 0;
	/* a sparse map would cost a search per id checked: the whole stacks then */
	if (!locations.dense)
		c.lean &= ~(unsigned)DECODE_LEAF;
	if (rc == 0)
		rc = conv_samples(&c, &locations);
	idmap_free(&locations);
	free(lay.spans.items);
	free(c.strings);
	/* a profile.proto, even a broken one, is no legacy profile: the raw bytes can go */
	if (owner && !c.not_proto) {
		reuse_free(*owner);
		*owner = NULL;
	}
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
	struct layout lay; /* every sample met, and where the other fields lie */
	struct vec counts; /* struct flow_count: every sample read */
	size_t nst;        /* sample types before the first sample */
	struct flow_part part[2];
};

/* flow_read reads samples [part->last, upto) into the part. */
static int flow_read(const struct flow *fl, struct flow_part *part, size_t upto)
{
	const struct byte_span *span = fl->lay.spans.items;
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
		int rc = take_field(fl->buf + fl->pos, have, fl->pos, &fl->lay, &field, &len);
		if (rc != 0)
			return rc < 0 || fl->stopped ? -1 : 1;
		if (field == PF_SAMPLE_TYPE && fl->lay.spans.n == 0)
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
	free(fl->lay.spans.items);
	free(fl->counts.items);
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
		size_t n = fl->lay.spans.n;
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
	size_t n = fl->lay.spans.n, from = fl->part[0].last;
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
	size_t n = fl->lay.spans.n; /* one per two bytes at most: n * sizeof (struct sample) cannot overflow */
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
		j->span = fl->lay.spans.items;
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
	char err[256];
	struct conv c = { .msg = fl.buf, .range = fl.lay.range, .err = err, .errsize = sizeof err };
	c.p = profile_new();
	struct idmap locations = { 0 };
	int rc = conv_tables(&c, &locations);
	if (rc == 0 && (c.failed || c.p->n_sample_type != fl.nst || (fl.nst == 0 && fl.lay.spans.n != 0)))
		rc = -1; /* the ordinary path says what is wrong */
	if (rc == 0)
		rc = flow_samples(&fl, &c, &locations);
	if (rc == 0)
		rc = inflow_checked(in);
	if (rc != 0 || c.failed) {
		profile_free(c.p);
		c.p = NULL;
	}
	idmap_free(&locations);
	free(c.strings);
	flow_free(&fl);
	return rc == 0 ? c.p : NULL;
}
