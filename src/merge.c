#include "merge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "units.h"
#include "util.h"

static bool same_value_type(const struct value_type *a, const struct value_type *b)
{
	return !strcmp(a->type, b->type) && !strcmp(a->unit, b->unit);
}

void merge_sample_types_str(const struct profile *p, struct strbuf *b)
{
	sb_addc(b, '[');
	for (size_t i = 0; i < p->n_sample_type; i++)
		sb_addf(b, "%s%s/%s", i ? ", " : "", p->sample_type[i].type, p->sample_type[i].unit);
	sb_addc(b, ']');
}

int merge_check_compatible(const struct profile *a, const struct profile *b, char *err, size_t errsize)
{
	if (!same_value_type(&a->period_type, &b->period_type)) {
		snprintf(err, errsize, "incompatible period types {%s %s} and {%s %s}", a->period_type.type,
			 a->period_type.unit, b->period_type.type, b->period_type.unit);
		return -1;
	}
	bool ok = a->n_sample_type == b->n_sample_type;
	for (size_t i = 0; ok && i < a->n_sample_type; i++)
		ok = same_value_type(&a->sample_type[i], &b->sample_type[i]);
	if (!ok) {
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
		merge_sample_types_str(a, &x);
		merge_sample_types_str(b, &y);
		snprintf(err, errsize, "incompatible sample types %s and %s", sb_cstr(&x), sb_cstr(&y));
		sb_free(&x);
		sb_free(&y);
		return -1;
	}
	return 0;
}

/* ---- CompatibilizeSampleTypes ---- */

static int find_type(const struct profile *p, const char *type)
{
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(p->sample_type[i].type, type))
			return (int)i;
	return -1;
}

static int compatibilize_one(struct profile *p, const char **types, size_t ntypes, char *err, size_t errsize)
{
	const char *dflt = types[0];
	int *remap = xcalloc(ntypes, sizeof *remap);
	bool modify = false;
	for (size_t i = 0; i < ntypes; i++) {
		if (!strcmp(types[i], p->default_sample_type))
			dflt = p->default_sample_type;
		remap[i] = find_type(p, types[i]);
		if (remap[i] < 0) {
			snprintf(err, errsize, "\"%s\" sample type is not found in profile", types[i]);
			free(remap);
			return -1;
		}
		if (remap[i] != (int)i)
			modify = true;
	}
	if (!modify && ntypes == p->n_sample_type) {
		free(remap);
		return 0;
	}
	p->default_sample_type = dflt;
	struct value_type *st = arena_array(p->arena, ntypes, sizeof *st);
	for (size_t i = 0; i < ntypes; i++)
		st[i] = p->sample_type[remap[i]];
	size_t old = p->n_sample_type;
	int64_t *tmp = xcalloc(ntypes, sizeof *tmp);
	int64_t *vals = arena_array(p->arena, p->n_sample, ntypes * sizeof *vals);
	for (size_t s = 0; s < p->n_sample; s++) {
		for (size_t i = 0; i < ntypes; i++)
			tmp[i] = p->sample[s].value[remap[i]];
		mem_copy(vals + s * ntypes, tmp, ntypes * sizeof *tmp);
		p->sample[s].value = vals + s * ntypes;
	}
	(void)old;
	free(tmp);
	free(remap);
	p->sample_type = st;
	p->n_sample_type = ntypes;
	return 0;
}

/* common_types stores in types (when not NULL) the sample types every profile has; returns how many. */
static size_t common_types(struct profile *const *ps, size_t n, const char **types)
{
	const struct profile *first = ps[0];
	size_t ntypes = 0;
	for (size_t i = 0; i < first->n_sample_type; i++) {
		const char *t = first->sample_type[i].type;
		/* pprof counts every occurrence, so a type repeated in one profile is never common. */
		size_t count = 0;
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < ps[j]->n_sample_type; k++)
				if (!strcmp(ps[j]->sample_type[k].type, t))
					count++;
		if (count != n)
			continue;
		if (types)
			types[ntypes] = t;
		ntypes++;
	}
	return ntypes;
}

size_t merge_n_common_sample_types(struct profile *const *ps, size_t n)
{
	return n ? common_types(ps, n, NULL) : 0;
}

int merge_compatibilize(struct profile **ps, size_t n, char *err, size_t errsize)
{
	if (n == 0)
		return 0;
	const char **types = xcalloc(ps[0]->n_sample_type + 1, sizeof *types);
	size_t ntypes = common_types(ps, n, types);
	int rc = 0;
	if (ntypes == 0) {
		snprintf(err, errsize, "profiles have empty common sample type list");
		rc = -1;
	}
	for (size_t j = 0; rc == 0 && j < n; j++)
		rc = compatibilize_one(ps[j], types, ntypes, err, errsize);
	free(types);
	return rc;
}

/* ---- ScaleProfiles ---- */

static bool compatible_value_types(const struct value_type *a, const struct value_type *b)
{
	size_t la = strlen(a->type), lb = strlen(b->type);
	if (la && a->type[la - 1] == 's')
		la--;
	if (lb && b->type[lb - 1] == 's')
		lb--;
	if (la != lb || memcmp(a->type, b->type, la) != 0)
		return false;
	return units_compatible(a->unit, b->unit);
}

/* common_value_type: the finest of a set of types, or NULL for a set of fewer than two. */
static int common_value_type(const struct value_type **ts, size_t n, const struct value_type **out, char *err,
			     size_t errsize)
{
	*out = NULL;
	if (n <= 1)
		return 0;
	const struct value_type *min = ts[0];
	for (size_t i = 1; i < n; i++) {
		if (!compatible_value_types(min, ts[i])) {
			snprintf(err, errsize, "incompatible types: {%s %s} {%s %s}", min->type, min->unit,
				 ts[i]->type, ts[i]->unit);
			return -1;
		}
		const char *u;
		if (units_scale(1, ts[i]->unit, min->unit, &u) < 1)
			min = ts[i];
	}
	*out = min;
	return 0;
}

int merge_scale_units(struct profile **ps, size_t n, char *err, size_t errsize)
{
	if (n == 0)
		return 0;
	const struct value_type **ts = xcalloc(n, sizeof *ts);
	size_t nt = 0;
	for (size_t i = 0; i < n; i++)
		ts[nt++] = &ps[i]->period_type;
	const struct value_type *period_type;
	char e[256];
	if (common_value_type(ts, nt, &period_type, e, sizeof e) < 0) {
		snprintf(err, errsize, "period type: %s", e);
		free(ts);
		return -1;
	}
	size_t nst = ps[0]->n_sample_type;
	for (size_t i = 1; i < n; i++)
		if (ps[i]->n_sample_type != nst) {
			snprintf(err, errsize, "inconsistent samples type count: %zu != %zu", nst, ps[i]->n_sample_type);
			free(ts);
			return -1;
		}
	struct value_type *common = xcalloc(nst + 1, sizeof *common);
	bool *have = xcalloc(nst + 1, sizeof *have);
	for (size_t k = 0; k < nst; k++) {
		for (size_t i = 0; i < n; i++)
			ts[i] = &ps[i]->sample_type[k];
		const struct value_type *c;
		if (common_value_type(ts, n, &c, e, sizeof e) < 0) {
			snprintf(err, errsize, "sample types: %s", e);
			free(ts);
			free(common);
			free(have);
			return -1;
		}
		if (c) {
			common[k] = *c;
			have[k] = true;
		}
	}
	struct value_type pt = period_type ? *period_type : (struct value_type){ "", "" };
	double *ratio = xcalloc(nst + 1, sizeof *ratio);
	for (size_t i = 0; i < n; i++) {
		struct profile *p = ps[i];
		if (period_type) {
			const char *u;
			p->period = go_int64(units_scale(p->period, p->period_type.unit, pt.unit, &u));
			p->period_type.unit = pt.unit;
		}
		for (size_t k = 0; k < nst; k++) {
			if (!have[k]) {
				ratio[k] = 1;
				continue;
			}
			const char *u;
			ratio[k] = units_scale(1, p->sample_type[k].unit, common[k].unit, &u);
			p->sample_type[k].unit = common[k].unit;
		}
		merge_scale(p, ratio);
	}
	free(ratio);
	free(ts);
	free(common);
	free(have);
	return 0;
}

/* ---- ScaleN, Normalize, SetLabel ---- */

void merge_scale(struct profile *p, const double *ratio)
{
	size_t nst = p->n_sample_type;
	bool all_ones = true;
	for (size_t i = 0; i < nst; i++)
		if (ratio[i] != 1)
			all_ones = false;
	if (all_ones)
		return;
	size_t fill = 0;
	for (size_t s = 0; s < p->n_sample; s++) {
		struct sample *sm = &p->sample[s];
		bool keep = false;
		for (size_t i = 0; i < nst; i++) {
			if (ratio[i] == 1)
				continue;
			int64_t v = go_int64(round((double)sm->value[i] * ratio[i]));
			sm->value[i] = v;
			keep = keep || v != 0;
		}
		if (keep)
			p->sample[fill++] = *sm;
	}
	p->n_sample = fill;
}

int merge_normalize(struct profile *p, const struct profile *base, char *err, size_t errsize)
{
	if (merge_check_compatible(p, base, err, errsize) < 0)
		return -1;
	size_t nst = p->n_sample_type;
	int64_t *bsum = xcalloc(nst + 1, sizeof *bsum), *ssum = xcalloc(nst + 1, sizeof *ssum);
	for (size_t s = 0; s < base->n_sample; s++)
		for (size_t i = 0; i < nst; i++)
			bsum[i] += base->sample[s].value[i];
	for (size_t s = 0; s < p->n_sample; s++)
		for (size_t i = 0; i < nst; i++)
			ssum[i] += p->sample[s].value[i];
	double *ratio = xcalloc(nst + 1, sizeof *ratio);
	for (size_t i = 0; i < nst; i++)
		ratio[i] = ssum[i] == 0 ? 0.0 : (double)bsum[i] / (double)ssum[i];
	merge_scale(p, ratio);
	free(bsum);
	free(ssum);
	free(ratio);
	return 0;
}

void merge_set_label(struct profile *p, const char *key, const char *value)
{
	for (size_t s = 0; s < p->n_sample; s++) {
		struct sample *sm = &p->sample[s];
		struct label *l = arena_array(p->arena, sm->n_label + 1, sizeof *l);
		uint32_t n = 0;
		for (uint32_t i = 0; i < sm->n_label; i++)
			if (!(sm->label[i].str && !strcmp(sm->label[i].key, key)))
				l[n++] = sm->label[i];
		l[n++] = (struct label){ key, value, 0, NULL };
		sm->label = l;
		sm->n_label = n;
	}
}

/* ---- Merge ---- */

static bool is_zero(const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

struct msample {
	uint64_t hash;
	size_t loc_off, val_off, lab_off;
	uint32_t n_loc, n_lab;
	uint32_t src;              /* which source it came from, */
	const struct sample *from; /* and which of its samples */
};

struct merger {
	struct profile *p;
	size_t nst;

	struct mapping *maps;
	size_t nmaps, capmaps;
	struct location *locs;
	size_t nlocs, caplocs;
	struct function *funcs;
	size_t nfuncs, capfuncs;
	struct msample *samples;
	size_t nsamples;
	uint32_t *stack;
	size_t nstack;
	int64_t *vals;
	size_t nvals;
	struct label *labs;
	size_t nlabs;

	struct htab map_ht, loc_ht, func_ht;
	struct line *lines; /* a location's lines while it is looked up */
	size_t caplines;
	/*
	 * NULL when the merged profile points into its sources' strings (it
	 * adopts them); else the strings it copies into its own arena, for
	 * sources freed once merged (merge_stream).
	 */
	struct strset *own;

	/* Per-source memos, by the source's dense index (each source's locations are kept for copying stacks). */
	uint32_t *map_memo;
	int64_t *map_offset;
	uint32_t *loc_memo;
	uint32_t *func_memo;
	uint32_t **loc_memos;
};

static uint64_t round_size(const struct mapping *m)
{
	uint64_t size = m->limit - m->start;
	size = size + 0x1000 - 1;
	return size - size % 0x1000;
}

/* own_str is s, or the merged profile's copy of s when it owns its strings. */
static const char *own_str(const struct merger *mg, const char *s)
{
	if (!mg->own)
		return s;
	uint32_t i = strset_add(mg->own, s, mg->p->arena); /* before reading own->s, which it may move */
	return mg->own->s[i];
}

static const char *map_key_name(const struct mapping *m)
{
	return m->build_id[0] ? m->build_id : m->file;
}

static uint64_t map_hash(const struct mapping *m)
{
	uint64_t h = hash_u64(round_size(m), HASH_SEED);
	h = hash_u64(m->offset, h);
	return hash_str(map_key_name(m), h);
}

struct map_probe {
	const struct merger *mg;
	const struct mapping *m;
};

static bool map_eq(const void *ctx, uint32_t v)
{
	const struct map_probe *pr = ctx;
	const struct mapping *a = &pr->mg->maps[v];
	return round_size(a) == round_size(pr->m) && a->offset == pr->m->offset &&
	       !strcmp(map_key_name(a), map_key_name(pr->m));
}

static uint32_t map_mapping(struct merger *mg, const struct profile *src, uint32_t si, int64_t *offset)
{
	*offset = 0;
	if (si == NO_INDEX)
		return NO_INDEX;
	if (mg->map_memo[si] != NO_INDEX) {
		*offset = mg->map_offset[si];
		return mg->map_memo[si];
	}
	const struct mapping *m = &src->mapping[si];
	struct map_probe pr = { mg, m };
	uint64_t h = map_hash(m);
	uint32_t found = htab_find(&mg->map_ht, h, map_eq, &pr);
	if (found != NO_INDEX) {
		*offset = (int64_t)(mg->maps[found].start - m->start);
		mg->map_memo[si] = found;
		mg->map_offset[si] = *offset;
		return found;
	}
	GROW(mg->maps, mg->capmaps, mg->nmaps + 1);
	struct mapping *d = &mg->maps[mg->nmaps];
	*d = *m;
	d->id = mg->nmaps + 1;
	d->file = own_str(mg, m->file);
	d->build_id = own_str(mg, m->build_id);
	htab_insert(&mg->map_ht, h, (uint32_t)mg->nmaps);
	mg->map_memo[si] = (uint32_t)mg->nmaps;
	mg->map_offset[si] = 0;
	return (uint32_t)mg->nmaps++;
}

static uint64_t func_hash(const struct function *f)
{
	uint64_t h = hash_u64((uint64_t)f->start_line, HASH_SEED);
	h = hash_str(f->name, h);
	h = hash_str(f->system_name, h);
	return hash_str(f->filename, h);
}

struct func_probe {
	const struct merger *mg;
	const struct function *f;
};

static bool func_eq(const void *ctx, uint32_t v)
{
	const struct func_probe *pr = ctx;
	const struct function *a = &pr->mg->funcs[v];
	return a->start_line == pr->f->start_line && !strcmp(a->name, pr->f->name) &&
	       !strcmp(a->system_name, pr->f->system_name) && !strcmp(a->filename, pr->f->filename);
}

static uint32_t map_function(struct merger *mg, const struct profile *src, uint32_t si)
{
	if (si == NO_INDEX)
		return NO_INDEX;
	if (mg->func_memo[si] != NO_INDEX)
		return mg->func_memo[si];
	const struct function *f = &src->function[si];
	struct func_probe pr = { mg, f };
	uint64_t h = func_hash(f);
	uint32_t found = htab_find(&mg->func_ht, h, func_eq, &pr);
	if (found == NO_INDEX) {
		GROW(mg->funcs, mg->capfuncs, mg->nfuncs + 1);
		struct function *d = &mg->funcs[mg->nfuncs];
		*d = *f;
		d->id = mg->nfuncs + 1;
		d->name = own_str(mg, f->name);
		d->system_name = own_str(mg, f->system_name);
		d->filename = own_str(mg, f->filename);
		htab_insert(&mg->func_ht, h, (uint32_t)mg->nfuncs);
		found = (uint32_t)mg->nfuncs++;
	}
	mg->func_memo[si] = found;
	return found;
}

/*
 * A location's identity in pprof's merge: address relative to its
 * mapping, the mapping, folding, and its lines' functions and numbers
 * (of the columns, pprof's key keeps only the last line's).
 */
static uint64_t loc_key_addr(const struct merger *mg, const struct location *l)
{
	return l->mapping == NO_INDEX ? l->address : l->address - mg->maps[l->mapping].start;
}

static uint64_t loc_hash(const struct merger *mg, const struct location *l)
{
	uint64_t h = hash_u64(loc_key_addr(mg, l), HASH_SEED);
	h = hash_u64(l->mapping == NO_INDEX ? 0 : mg->maps[l->mapping].id, h);
	h = hash_u64(l->is_folded, h);
	h = hash_u64(l->n_line, h);
	for (uint32_t i = 0; i < l->n_line; i++) {
		h = hash_u64(l->line[i].function, h);
		h = hash_u64((uint64_t)l->line[i].line, h);
	}
	if (l->n_line)
		h = hash_u64((uint64_t)l->line[l->n_line - 1].column, h);
	return h;
}

struct loc_probe {
	const struct merger *mg;
	const struct location *l;
};

static bool loc_eq(const void *ctx, uint32_t v)
{
	const struct loc_probe *pr = ctx;
	const struct merger *mg = pr->mg;
	const struct location *a = &mg->locs[v], *b = pr->l;
	if (loc_key_addr(mg, a) != loc_key_addr(mg, b) || a->mapping != b->mapping || a->is_folded != b->is_folded ||
	    a->n_line != b->n_line)
		return false;
	for (uint32_t i = 0; i < a->n_line; i++)
		if (a->line[i].function != b->line[i].function || a->line[i].line != b->line[i].line)
			return false;
	return a->n_line == 0 || a->line[a->n_line - 1].column == b->line[b->n_line - 1].column;
}

static uint32_t map_location(struct merger *mg, const struct profile *src, uint32_t si)
{
	if (mg->loc_memo[si] != NO_INDEX)
		return mg->loc_memo[si];
	const struct location *sl = &src->location[si];
	int64_t offset;
	struct location l = *sl;
	l.mapping = map_mapping(mg, src, sl->mapping, &offset);
	l.address = (uint64_t)((int64_t)sl->address + offset);
	/* the lines go to the arena only with a new location: most sources repeat the ones merged already */
	GROW(mg->lines, mg->caplines, (size_t)l.n_line + 1);
	for (uint32_t i = 0; i < l.n_line; i++) {
		mg->lines[i] = sl->line[i];
		mg->lines[i].function = map_function(mg, src, sl->line[i].function);
	}
	l.line = mg->lines;
	struct loc_probe pr = { mg, &l };
	uint64_t h = loc_hash(mg, &l);
	uint32_t found = htab_find(&mg->loc_ht, h, loc_eq, &pr);
	if (found == NO_INDEX) {
		GROW(mg->locs, mg->caplocs, mg->nlocs + 1);
		l.id = mg->nlocs + 1;
		l.line = l.n_line ? arena_copy(mg->p->arena, mg->lines, l.n_line, sizeof *l.line) : NULL;
		mg->locs[mg->nlocs] = l;
		htab_insert(&mg->loc_ht, h, (uint32_t)mg->nlocs);
		found = (uint32_t)mg->nlocs++;
	}
	mg->loc_memo[si] = found;
	return found;
}

/* sort_labels puts labels in pprof's order (profile_label_cmp), stably; label lists are short. */
static void sort_labels(struct label *l, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		struct label x = l[i];
		uint32_t j = i;
		while (j > 0 && profile_label_cmp(&l[j - 1], &x) > 0) {
			l[j] = l[j - 1];
			j--;
		}
		l[j] = x;
	}
}

static bool label_eq(const struct label *a, const struct label *b)
{
	if (!a->str != !b->str || strcmp(a->key, b->key) != 0)
		return false;
	if (a->str)
		return !strcmp(a->str, b->str);
	return a->num == b->num && streq(a->unit, b->unit);
}

/* same_as tells whether merged sample a has the stack locs and the (sorted) labels labs. */
static bool same_as(const struct merger *mg, const struct msample *a, const uint32_t *locs, uint32_t n_loc,
		    const struct label *labs, uint32_t n_lab)
{
	if (a->n_loc != n_loc || a->n_lab != n_lab)
		return false;
	if (memcmp(mg->stack + a->loc_off, locs, n_loc * sizeof *locs) != 0)
		return false;
	for (uint32_t i = 0; i < n_lab; i++)
		if (!label_eq(&mg->labs[a->lab_off + i], &labs[i]))
			return false;
	return true;
}

static bool same_sample(const struct merger *mg, const struct msample *a, const struct msample *b)
{
	return same_as(mg, a, mg->stack + b->loc_off, b->n_loc, mg->labs + b->lab_off, b->n_lab);
}

/* A sample's hash: its merged stack and its sorted labels (equal samples hash equal). */
static uint64_t sample_hash(const uint32_t *locs, uint32_t n_loc, const struct label *labs, uint32_t n_lab)
{
	uint64_t h = hash_u64(n_loc, HASH_SEED);
	h = hash_u32s(locs, n_loc, h);
	for (uint32_t i = 0; i < n_lab; i++) {
		h = hash_str(labs[i].key, h);
		h = labs[i].str ? hash_str(labs[i].str, h) : hash_u64((uint64_t)labs[i].num, h);
	}
	return h;
}

/*
 * Samples are merged in steps. pprof's merge numbers locations (and their
 * mappings and functions) in the order its samples first use them, source
 * after source: first_uses lists that order for each source, the sources
 * on two threads, and the locations are then mapped in it. take_sample
 * reserves each sample's room; copy_samples writes the remapped stacks,
 * labels and values and hashes them, on two threads for large merges.
 * Duplicates are folded afterwards by dedupe_samples.
 */
struct first_use {
	const struct profile *src;
	size_t nst;
	uint32_t *loc; /* the source's locations in the order its samples first use them */
	size_t n;
};

static void *first_uses(void *arg)
{
	struct first_use *u = arg;
	const struct profile *src = u->src;
	bool *seen = xcalloc(src->n_location + 1, sizeof *seen);
	u->loc = xmalloc((src->n_location + 1) * sizeof *u->loc);
	u->n = 0;
	for (size_t s = 0; s < src->n_sample; s++) {
		const struct sample *sm = &src->sample[s];
		if (is_zero(sm->value, u->nst))
			continue;
		for (uint32_t i = 0; i < sm->n_loc; i++)
			if (!seen[sm->loc[i]]) {
				seen[sm->loc[i]] = true;
				u->loc[u->n++] = sm->loc[i];
			}
	}
	free(seen);
	return NULL;
}

static void take_sample(struct merger *mg, uint32_t src_index, const struct sample *s)
{
	mg->samples[mg->nsamples++] = (struct msample){ 0, mg->nstack, mg->nvals, mg->nlabs, s->n_loc, s->n_label,
							src_index, s };
	mg->nstack += s->n_loc;
	mg->nlabs += s->n_label;
	mg->nvals += mg->nst;
}

struct copy_job {
	struct merger *mg;
	size_t first, last;
};

static void *copy_samples(void *arg)
{
	const struct copy_job *j = arg;
	struct merger *mg = j->mg;
	for (size_t k = j->first; k < j->last; k++) {
		struct msample *d = &mg->samples[k];
		const struct sample *s = d->from;
		const uint32_t *memo = mg->loc_memos[d->src];
		uint32_t *locs = mg->stack + d->loc_off;
		for (uint32_t i = 0; i < s->n_loc; i++)
			locs[i] = memo[s->loc[i]];
		struct label *labs = mg->labs + d->lab_off;
		mem_copy(labs, s->label, s->n_label * sizeof *labs);
		sort_labels(labs, s->n_label);
		mem_copy(mg->vals + d->val_off, s->value, mg->nst * sizeof *mg->vals);
		d->hash = sample_hash(locs, s->n_loc, labs, s->n_label);
	}
	return NULL;
}

/*
 * dedupe_samples folds samples with the same stack and labels into the
 * first of them, as pprof's merge does, keeping first-occurrence order:
 * the samples are taken in order and looked up by hash in an open-
 * addressed table of the first of each. Each lookup is a cache miss,
 * asked for FOLD_AHEAD samples early, so that the misses overlap: on the
 * bench heap pair (925k samples, 352k folded) this takes 0.11 CPU-s
 * where sorting by hash first (four radix passes, then both samples of
 * each pair read in hash order, out of place) took 0.27.
 * Equal samples have equal hashes, so the samples split by the hash's top
 * bit fold apart, on two threads for large merges.
 */
enum { MERGE_SAMPLES_PER_THREAD = 50000, FOLD_AHEAD = 8 };

/* One folder's share of the samples: all of them, or those whose hash has the top bit high. */
struct fold_job {
	struct merger *mg;
	bool split, high;
	bool *dropped;
};

static bool mine(const struct fold_job *j, uint64_t hash)
{
	return !j->split || (bool)(hash >> 63) == j->high;
}

static void *fold(void *arg)
{
	struct fold_job *j = arg;
	struct merger *mg = j->mg;
	size_t n = mg->nsamples, count = 0;
	for (size_t i = 0; i < n; i++)
		count += mine(j, mg->samples[i].hash);
	size_t cap = 16;
	while (cap < 2 * count)
		cap *= 2;
	size_t mask = cap - 1;
	uint32_t *first = xcalloc(cap, sizeof *first); /* a sample's index + 1; 0 for an empty slot */
	for (size_t i = 0; i < n; i++) {
		if (i + FOLD_AHEAD < n)
			__builtin_prefetch(&first[mg->samples[i + FOLD_AHEAD].hash & mask]);
		const struct msample *si = &mg->samples[i];
		if (!mine(j, si->hash))
			continue;
		for (size_t at = si->hash & mask;; at = (at + 1) & mask) {
			if (first[at] == 0) {
				first[at] = (uint32_t)i + 1;
				break;
			}
			const struct msample *sa = &mg->samples[first[at] - 1];
			if (sa->hash != si->hash || !same_sample(mg, sa, si))
				continue;
			int64_t *v = mg->vals + sa->val_off;
			for (size_t t = 0; t < mg->nst; t++)
				v[t] += mg->vals[si->val_off + t];
			j->dropped[i] = true;
			break;
		}
	}
	free(first);
	return NULL;
}

static void dedupe_samples(struct merger *mg)
{
	size_t n = mg->nsamples;
	bool split = n >= 2 * MERGE_SAMPLES_PER_THREAD;
	bool *dropped = xcalloc(n + 1, sizeof *dropped);
	struct fold_job jobs[2] = { { mg, split, false, dropped }, { mg, split, true, dropped } };
	run_pair(fold, &jobs[0], split ? &jobs[1] : NULL);
	size_t fill = 0;
	for (size_t i = 0; i < n; i++)
		if (!dropped[i])
			mg->samples[fill++] = mg->samples[i];
	mg->nsamples = fill;
	free(dropped);
}

/*
 * The header pprof's combineHeaders gives a merged profile, folded in
 * source after source: sample types, period type and frame patterns of
 * the first, the earliest time (a zero time is replaced by the next one),
 * durations added, the largest period, comments without repeats, the
 * first default sample type and documentation link given.
 */
struct header_fold {
	struct strset comments; /* in order of first appearance */
	size_t n;               /* sources folded */
};

static const char *copy_str(struct strset *own, struct profile *p, const char *s)
{
	if (!own)
		return s;
	uint32_t i = strset_add(own, s, p->arena); /* before reading own->s, which it may move */
	return own->s[i];
}

static void fold_header(struct profile *p, struct header_fold *h, const struct profile *s, struct strset *own)
{
	if (h->n++ == 0) {
		p->n_sample_type = s->n_sample_type;
		p->sample_type = arena_copy(p->arena, s->sample_type, s->n_sample_type, sizeof *p->sample_type);
		for (size_t i = 0; i < p->n_sample_type; i++) {
			p->sample_type[i].type = copy_str(own, p, s->sample_type[i].type);
			p->sample_type[i].unit = copy_str(own, p, s->sample_type[i].unit);
		}
		p->drop_frames = copy_str(own, p, s->drop_frames);
		p->keep_frames = copy_str(own, p, s->keep_frames);
		p->period_type.type = copy_str(own, p, s->period_type.type);
		p->period_type.unit = copy_str(own, p, s->period_type.unit);
	}
	if (p->time_nanos == 0 || s->time_nanos < p->time_nanos)
		p->time_nanos = s->time_nanos;
	p->duration_nanos += s->duration_nanos;
	p->escaped |= s->escaped;
	if (p->period == 0 || p->period < s->period)
		p->period = s->period;
	for (size_t c = 0; c < s->n_comment; c++)
		strset_add(&h->comments, s->comment[c], own ? p->arena : NULL);
	if (!p->default_sample_type[0])
		p->default_sample_type = copy_str(own, p, s->default_sample_type);
	if (!p->doc_url[0])
		p->doc_url = copy_str(own, p, s->doc_url);
}

static void fold_header_done(struct profile *p, struct header_fold *h)
{
	p->n_comment = h->comments.n;
	p->comment = arena_copy(p->arena, h->comments.s, h->comments.n, sizeof *p->comment);
	strset_free(&h->comments);
}

static void combine_headers(struct profile *p, struct profile **srcs, size_t n)
{
	struct header_fold h = { { { NULL, 0, 0 }, NULL, 0, 0 }, 0 };
	for (size_t i = 0; i < n; i++)
		fold_header(p, &h, srcs[i], NULL);
	fold_header_done(p, &h);
}

/* take hands a merger vector to the profile's arena instead of copying it. */
static void *take(struct arena *a, void **items)
{
	void *p = *items;
	if (p)
		arena_adopt(a, p);
	*items = NULL;
	return p;
}

static void finish(struct merger *mg)
{
	struct profile *p = mg->p;
	struct arena *a = p->arena;
	p->n_mapping = mg->nmaps;
	p->mapping = arena_copy(a, mg->maps, mg->nmaps, sizeof *p->mapping);
	p->n_location = mg->nlocs;
	p->location = arena_copy(a, mg->locs, mg->nlocs, sizeof *p->location);
	p->n_function = mg->nfuncs;
	p->function = arena_copy(a, mg->funcs, mg->nfuncs, sizeof *p->function);
	uint32_t *stack = take(a, (void **)&mg->stack);
	int64_t *vals = take(a, (void **)&mg->vals);
	struct label *labs = take(a, (void **)&mg->labs);
	p->n_sample = mg->nsamples;
	p->sample = arena_array(a, mg->nsamples, sizeof *p->sample);
	for (size_t i = 0; i < mg->nsamples; i++) {
		const struct msample *m = &mg->samples[i];
		p->sample[i] = (struct sample){ stack + m->loc_off, vals + m->val_off, labs + m->lab_off, m->n_loc,
						m->n_lab };
	}
}

static void merger_free(struct merger *mg)
{
	free(mg->maps);
	free(mg->locs);
	free(mg->funcs);
	free(mg->samples);
	free(mg->stack);
	free(mg->vals);
	free(mg->labs);
	free(mg->lines);
	htab_free(&mg->map_ht);
	htab_free(&mg->loc_ht);
	htab_free(&mg->func_ht);
}

static void reset_memo(uint32_t **memo, size_t n)
{
	free(*memo);
	*memo = xmalloc((n ? n : 1) * sizeof **memo);
	memset(*memo, 0xff, (n ? n : 1) * sizeof **memo);
}

/* renumber gives item i of a kind the next new index the first time it is asked for. */
static uint32_t renumber(uint32_t *memo, uint32_t *next, uint32_t i)
{
	if (i == NO_INDEX)
		return NO_INDEX;
	if (memo[i] == NO_INDEX)
		memo[i] = (*next)++;
	return memo[i];
}

/*
 * drop_zero_samples is pprof's Merge of a merged profile, which it runs
 * to drop the samples whose values cancelled out. A merged profile holds
 * no two equal mappings, functions, locations or samples, so that merge
 * finds nothing to fold: it keeps the other samples, in order, and
 * renumbers the mappings (the first kept first), functions and locations
 * in the order the samples first use them. That is done here by index,
 * without hashing again what the first merge already told apart: on the
 * 470k-sample bench heap pair, -base took 2.3 times -top with a second
 * full merge.
 */
static struct profile *drop_zero_samples(struct profile *src)
{
	struct profile *p = profile_new();
	struct arena *a = p->arena;
	combine_headers(p, &src, 1);
	size_t nst = src->n_sample_type;
	uint32_t *map_memo = NULL, *func_memo = NULL, *loc_memo = NULL;
	reset_memo(&map_memo, src->n_mapping);
	reset_memo(&func_memo, src->n_function);
	reset_memo(&loc_memo, src->n_location);
	uint32_t nmaps = 0, nfuncs = 0, nlocs = 0;
	if (src->n_mapping > 0)
		renumber(map_memo, &nmaps, 0);
	size_t nsamples = 0, nstack = 0;
	for (size_t s = 0; s < src->n_sample; s++) {
		const struct sample *sm = &src->sample[s];
		if (is_zero(sm->value, nst))
			continue;
		nsamples++;
		nstack += sm->n_loc;
		for (uint32_t i = 0; i < sm->n_loc; i++) {
			const struct location *l = &src->location[sm->loc[i]];
			if (loc_memo[sm->loc[i]] != NO_INDEX)
				continue;
			renumber(map_memo, &nmaps, l->mapping);
			for (uint32_t k = 0; k < l->n_line; k++)
				renumber(func_memo, &nfuncs, l->line[k].function);
			renumber(loc_memo, &nlocs, sm->loc[i]);
		}
	}
	p->n_mapping = nmaps;
	p->mapping = arena_array(a, nmaps, sizeof *p->mapping);
	for (size_t i = 0; i < src->n_mapping; i++)
		if (map_memo[i] != NO_INDEX) {
			p->mapping[map_memo[i]] = src->mapping[i];
			p->mapping[map_memo[i]].id = map_memo[i] + 1;
		}
	p->n_function = nfuncs;
	p->function = arena_array(a, nfuncs, sizeof *p->function);
	for (size_t i = 0; i < src->n_function; i++)
		if (func_memo[i] != NO_INDEX) {
			p->function[func_memo[i]] = src->function[i];
			p->function[func_memo[i]].id = func_memo[i] + 1;
		}
	p->n_location = nlocs;
	p->location = arena_array(a, nlocs, sizeof *p->location);
	for (size_t i = 0; i < src->n_location; i++) {
		if (loc_memo[i] == NO_INDEX)
			continue;
		const struct location *sl = &src->location[i];
		struct location *l = &p->location[loc_memo[i]];
		*l = *sl;
		l->id = loc_memo[i] + 1;
		l->mapping = sl->mapping == NO_INDEX ? NO_INDEX : map_memo[sl->mapping];
		struct line *lines = sl->n_line ? arena_array(a, sl->n_line, sizeof *lines) : NULL;
		for (uint32_t k = 0; k < sl->n_line; k++) {
			lines[k] = sl->line[k];
			lines[k].function = sl->line[k].function == NO_INDEX ? NO_INDEX : func_memo[sl->line[k].function];
		}
		l->line = lines;
	}
	/* the samples' stacks are rewritten into one array; values and labels stay the source's */
	uint32_t *stack = arena_array(a, nstack, sizeof *stack);
	p->n_sample = nsamples;
	p->sample = arena_array(a, nsamples, sizeof *p->sample);
	size_t k = 0, off = 0;
	for (size_t s = 0; s < src->n_sample; s++) {
		const struct sample *sm = &src->sample[s];
		if (is_zero(sm->value, nst))
			continue;
		for (uint32_t i = 0; i < sm->n_loc; i++)
			stack[off + i] = loc_memo[sm->loc[i]];
		p->sample[k] = *sm;
		p->sample[k++].loc = stack + off;
		off += sm->n_loc;
	}
	free(map_memo);
	free(func_memo);
	free(loc_memo);
	profile_adopt(p, src);
	return p;
}

struct profile *merge_profiles(struct profile **ps, size_t n, char *err, size_t errsize)
{
	if (n == 0) {
		snprintf(err, errsize, "no profiles to merge");
		return NULL;
	}
	for (size_t i = 1; i < n; i++)
		if (merge_check_compatible(ps[0], ps[i], err, errsize) < 0)
			return NULL;
	struct merger mg;
	memset(&mg, 0, sizeof mg);
	mg.p = profile_new();
	mg.nst = ps[0]->n_sample_type;
	combine_headers(mg.p, ps, n);
	htab_init(&mg.map_ht, 64);
	htab_init(&mg.func_ht, ps[0]->n_function);
	htab_init(&mg.loc_ht, ps[0]->n_location);
	mg.loc_memos = xcalloc(n, sizeof *mg.loc_memos);
	size_t most = 0;
	for (size_t i = 0; i < n; i++)
		most += ps[i]->n_sample;
	mg.samples = xmalloc((most + 1) * sizeof *mg.samples);
	struct first_use *uses = xcalloc(n, sizeof *uses);
	for (size_t i = 0; i < n; i++)
		uses[i] = (struct first_use){ ps[i], mg.nst, NULL, 0 };
	/* two sources at a time, each on its own thread when the merge is large */
	size_t step = most >= 2 * MERGE_SAMPLES_PER_THREAD ? 2 : 1;
	for (size_t i = 0; i < n; i += step)
		run_pair(first_uses, &uses[i], step == 2 && i + 1 < n ? &uses[i + 1] : NULL);
	for (size_t i = 0; i < n; i++) {
		const struct profile *src = ps[i];
		reset_memo(&mg.map_memo, src->n_mapping);
		free(mg.map_offset);
		mg.map_offset = xcalloc(src->n_mapping + 1, sizeof *mg.map_offset);
		mg.loc_memo = NULL;
		reset_memo(&mg.loc_memo, src->n_location);
		mg.loc_memos[i] = mg.loc_memo;
		reset_memo(&mg.func_memo, src->n_function);
		/* The first mapping is the main binary; keep it first. */
		if (mg.nmaps == 0 && src->n_mapping > 0) {
			int64_t off;
			map_mapping(&mg, src, 0, &off);
		}
		for (size_t k = 0; k < uses[i].n; k++)
			map_location(&mg, src, uses[i].loc[k]);
		free(uses[i].loc);
		for (size_t s = 0; s < src->n_sample; s++)
			if (!is_zero(src->sample[s].value, mg.nst))
				take_sample(&mg, (uint32_t)i, &src->sample[s]);
	}
	free(uses);
	mg.stack = xmalloc((mg.nstack + 1) * sizeof *mg.stack);
	mg.labs = xmalloc((mg.nlabs + 1) * sizeof *mg.labs);
	mg.vals = xmalloc((mg.nvals + 1) * sizeof *mg.vals);
	bool split = mg.nsamples >= 2 * MERGE_SAMPLES_PER_THREAD;
	size_t half = split ? mg.nsamples / 2 : mg.nsamples;
	struct copy_job jobs[2] = { { &mg, 0, half }, { &mg, half, mg.nsamples } };
	run_pair(copy_samples, &jobs[0], split ? &jobs[1] : NULL);
	for (size_t i = 0; i < n; i++)
		free(mg.loc_memos[i]);
	free(mg.loc_memos);
	free(mg.map_memo);
	free(mg.map_offset);
	free(mg.func_memo);
	dedupe_samples(&mg);
	finish(&mg);
	bool any_zero = false;
	for (size_t i = 0; i < mg.p->n_sample && !any_zero; i++)
		any_zero = is_zero(mg.p->sample[i].value, mg.nst);
	merger_free(&mg);
	struct profile *p = mg.p;
	for (size_t i = 0; i < n; i++)
		profile_adopt(p, ps[i]);
	if (any_zero) /* samples that cancelled out: pprof merges again to drop them */
		return drop_zero_samples(p);
	return p;
}

/* ---- Merging one profile at a time ---- */

struct merge_stream {
	struct merger mg; /* what has been merged so far */
	struct header_fold header;
	struct strset strings;   /* the merged profile's, in its arena */
	struct profile *pending; /* the first profile, whole while it is the only one */
	size_t n;                /* profiles added */
	struct htab sample_ht;   /* the merged samples, by sample_hash */
	size_t capsamples, capstack, capvals, caplabs;
	uint32_t *locs; /* the sample being folded: its merged stack */
	size_t caplocs;
	struct label *labs; /* and its sorted labels */
	size_t capls;
};

struct merge_stream *merge_stream_new(void)
{
	struct merge_stream *s = xcalloc(1, sizeof *s);
	s->mg.p = profile_new();
	s->mg.own = &s->strings;
	htab_init(&s->mg.map_ht, 64);
	htab_init(&s->mg.func_ht, 1024);
	htab_init(&s->mg.loc_ht, 1024);
	htab_init(&s->sample_ht, 1024);
	return s;
}

static bool types_distinct(const struct profile *p)
{
	for (size_t i = 0; i < p->n_sample_type; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->sample_type[i].type, p->sample_type[j].type))
				return false;
	return true;
}

bool merge_stream_fits(const struct merge_stream *s, const struct profile *p)
{
	const struct profile *first = s->pending ? s->pending : s->mg.p;
	if (s->n == 0)
		return p->n_sample_type > 0 && types_distinct(p);
	return merge_check_compatible(first, p, NULL, 0) == 0;
}

struct sample_probe {
	const struct merge_stream *s;
	uint32_t n_loc, n_lab;
};

static bool sample_eq(const void *ctx, uint32_t v)
{
	const struct sample_probe *pr = ctx;
	const struct merge_stream *s = pr->s;
	return same_as(&s->mg, &s->mg.samples[v], s->locs, pr->n_loc, s->labs, pr->n_lab);
}

/* fold_sample adds sm's values to the merged sample with its stack and labels, or appends it. */
static void fold_sample(struct merge_stream *s, const struct sample *sm)
{
	struct merger *mg = &s->mg;
	GROW(s->locs, s->caplocs, (size_t)sm->n_loc + 1);
	GROW(s->labs, s->capls, (size_t)sm->n_label + 1);
	for (uint32_t i = 0; i < sm->n_loc; i++)
		s->locs[i] = mg->loc_memo[sm->loc[i]];
	mem_copy(s->labs, sm->label, sm->n_label * sizeof *s->labs);
	sort_labels(s->labs, sm->n_label);
	uint64_t h = sample_hash(s->locs, sm->n_loc, s->labs, sm->n_label);
	struct sample_probe pr = { s, sm->n_loc, sm->n_label };
	uint32_t found = htab_find(&s->sample_ht, h, sample_eq, &pr);
	if (found != NO_INDEX) {
		int64_t *v = mg->vals + mg->samples[found].val_off;
		for (size_t t = 0; t < mg->nst; t++)
			v[t] += sm->value[t];
		return;
	}
	GROW(mg->samples, s->capsamples, mg->nsamples + 1);
	GROW(mg->stack, s->capstack, mg->nstack + sm->n_loc);
	GROW(mg->labs, s->caplabs, mg->nlabs + sm->n_label);
	GROW(mg->vals, s->capvals, mg->nvals + mg->nst);
	struct msample *d = &mg->samples[mg->nsamples];
	*d = (struct msample){ h, mg->nstack, mg->nvals, mg->nlabs, sm->n_loc, sm->n_label, 0, NULL };
	mem_copy(mg->stack + d->loc_off, s->locs, sm->n_loc * sizeof *mg->stack);
	struct label *l = mg->labs + d->lab_off;
	for (uint32_t i = 0; i < sm->n_label; i++) {
		l[i] = s->labs[i];
		l[i].key = own_str(mg, l[i].key);
		l[i].str = l[i].str ? own_str(mg, l[i].str) : NULL;
		l[i].unit = l[i].unit ? own_str(mg, l[i].unit) : NULL;
	}
	mem_copy(mg->vals + d->val_off, sm->value, mg->nst * sizeof *mg->vals);
	htab_insert(&s->sample_ht, h, (uint32_t)mg->nsamples);
	mg->nsamples++;
	mg->nstack += sm->n_loc;
	mg->nlabs += sm->n_label;
	mg->nvals += mg->nst;
}

/*
 * fold_source merges src into what was merged before, as merge_profiles does
 * source after source: merge_scale_units' change to its period first,
 * then its header, its locations in the order its samples first use
 * them, its samples.
 */
static void fold_source(struct merge_stream *s, struct profile *src)
{
	struct merger *mg = &s->mg;
	const char *unit, *to = s->header.n ? mg->p->period_type.unit : src->period_type.unit;
	src->period = go_int64(units_scale(src->period, src->period_type.unit, to, &unit));
	fold_header(mg->p, &s->header, src, &s->strings);
	mg->nst = src->n_sample_type;
	reset_memo(&mg->map_memo, src->n_mapping);
	free(mg->map_offset);
	mg->map_offset = xcalloc(src->n_mapping + 1, sizeof *mg->map_offset);
	reset_memo(&mg->loc_memo, src->n_location);
	reset_memo(&mg->func_memo, src->n_function);
	if (mg->nmaps == 0 && src->n_mapping > 0) {
		int64_t off;
		map_mapping(mg, src, 0, &off);
	}
	struct first_use u = { src, mg->nst, NULL, 0 };
	first_uses(&u);
	for (size_t k = 0; k < u.n; k++)
		map_location(mg, src, u.loc[k]);
	free(u.loc);
	for (size_t i = 0; i < src->n_sample; i++)
		if (!is_zero(src->sample[i].value, mg->nst))
			fold_sample(s, &src->sample[i]);
}

void merge_stream_add(struct merge_stream *s, struct profile *p)
{
	if (s->n++ == 0) {
		s->pending = p;
		return;
	}
	if (s->pending) {
		fold_source(s, s->pending);
		profile_free(s->pending);
		s->pending = NULL;
	}
	fold_source(s, p);
	profile_free(p);
}

void merge_stream_free(struct merge_stream *s)
{
	if (!s)
		return;
	profile_free(s->pending);
	profile_free(s->mg.p);
	strset_free(&s->header.comments);
	free(s->mg.map_memo);
	free(s->mg.map_offset);
	free(s->mg.loc_memo);
	free(s->mg.func_memo);
	merger_free(&s->mg);
	strset_free(&s->strings);
	htab_free(&s->sample_ht);
	free(s->locs);
	free(s->labs);
	free(s);
}

struct profile *merge_stream_finish(struct merge_stream *s)
{
	struct profile *p = s->pending;
	s->pending = NULL;
	bool merged = !p && s->n > 0;
	if (merged) {
		fold_header_done(s->mg.p, &s->header);
		finish(&s->mg);
		p = s->mg.p;
		s->mg.p = NULL;
	}
	merge_stream_free(s);
	bool any_zero = false;
	for (size_t i = 0; merged && i < p->n_sample && !any_zero; i++)
		any_zero = is_zero(p->sample[i].value, p->n_sample_type);
	return any_zero ? drop_zero_samples(p) : p;
}
