#include "transform.h"

#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "units.h"
#include "util.h"

struct profile *transform_aggregate(const struct profile *p, bool inlines, bool function, bool filename,
				    bool linenumber, bool columnnumber, bool address)
{
	struct profile *d = profile_derive(p);
	profile_own_mappings(d);
	for (size_t i = 0; i < d->n_mapping; i++) {
		struct mapping *m = &d->mapping[i];
		m->has_inline_frames = m->has_inline_frames && inlines;
		m->has_functions = m->has_functions && function;
		m->has_filenames = m->has_filenames && filename;
		m->has_line_numbers = m->has_line_numbers && linenumber;
	}
	if (!function || !filename) {
		profile_own_functions(d);
		for (size_t i = 0; i < d->n_function; i++) {
			struct function *f = &d->function[i];
			if (!function) {
				f->name = "";
				f->system_name = "";
			}
			if (!filename)
				f->filename = "";
		}
	}
	if (inlines && address && linenumber && columnnumber)
		return d;
	profile_own_locations(d);
	size_t nlines = 0;
	for (size_t i = 0; i < d->n_location; i++)
		nlines += d->location[i].n_line;
	struct line *lines = arena_array(d->arena, nlines, sizeof *lines);
	for (size_t i = 0; i < d->n_location; i++) {
		struct location *l = &d->location[i];
		if (!inlines && l->n_line > 1) {
			l->line += l->n_line - 1;
			l->n_line = 1;
		}
		mem_copy(lines, l->line, l->n_line * sizeof *lines);
		for (uint32_t j = 0; j < l->n_line; j++) {
			if (!linenumber)
				lines[j].line = 0;
			if (!linenumber || !columnnumber)
				lines[j].column = 0;
		}
		l->line = lines;
		lines += l->n_line;
		if (!address)
			l->address = 0;
	}
	return d;
}

struct label_loc_probe {
	const struct profile *d;
	const char *name, *file;
};

static bool label_loc_eq(const void *ctx, uint32_t v)
{
	const struct label_loc_probe *pr = ctx;
	const struct function *f = &pr->d->function[pr->d->location[v].line[0].function];
	return !strcmp(f->name, pr->name) && !strcmp(f->filename, pr->file);
}

struct label_frames {
	struct profile *d;
	struct htab ht;
	size_t cap_loc, cap_fn;
	uint64_t next_loc_id, next_fn_id;
	const char *unit;
	struct strbuf tmp;
};

/* frame_for interns the pseudo-location "values" in file key. */
static uint32_t frame_for(struct label_frames *lf, const char *values, const char *key)
{
	struct profile *d = lf->d;
	struct label_loc_probe pr = { d, values, key };
	uint64_t h = hash_str(key, hash_str(values, HASH_SEED));
	uint32_t found = htab_find(&lf->ht, h, label_loc_eq, &pr);
	if (found != UINT32_MAX)
		return found;
	GROW(d->function, lf->cap_fn, d->n_function + 1);
	struct function *f = &d->function[d->n_function];
	memset(f, 0, sizeof *f);
	f->id = lf->next_fn_id++;
	f->name = arena_strdup(d->arena, values);
	f->system_name = "";
	f->filename = arena_strdup(d->arena, key); /* the keys belong to the caller */
	struct line *ln = arena_zalloc(d->arena, sizeof *ln);
	ln->function = (uint32_t)d->n_function++;
	GROW(d->location, lf->cap_loc, d->n_location + 1);
	struct location *l = &d->location[d->n_location];
	memset(l, 0, sizeof *l);
	l->id = lf->next_loc_id++;
	l->mapping = NO_INDEX;
	l->n_line = 1;
	l->line = ln;
	htab_insert(&lf->ht, h, (uint32_t)d->n_location);
	return (uint32_t)d->n_location++;
}

/* label_values joins a sample's values for key: string ones, then numeric ones scaled to unit. */
static bool label_values(struct label_frames *lf, const struct sample *s, const char *key)
{
	sb_reset(&lf->tmp);
	bool any = false, units = false;
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (!strcmp(l->key, key) && l->str) {
			sb_addf(&lf->tmp, "%s%s", any ? "," : "", l->str);
			any = true;
		}
		if (!strcmp(l->key, key) && !l->str && l->unit[0])
			units = true;
	}
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (strcmp(l->key, key) != 0 || l->str)
			continue;
		char buf[64];
		if (units)
			units_label(buf, sizeof buf, l->num, l->unit, lf->unit);
		else
			units_label(buf, sizeof buf, l->num, "", "");
		sb_addf(&lf->tmp, "%s%s", any ? "," : "", buf);
		any = true;
	}
	return any;
}

struct profile *transform_label_frames(const struct profile *p, char **root_keys, size_t n_root, char **leaf_keys,
				       size_t n_leaf, const char *output_unit, bool *root_matched, bool *leaf_matched)
{
	*root_matched = *leaf_matched = false;
	struct profile *d = profile_derive(p);
	if (n_root + n_leaf == 0)
		return d;
	struct label_frames lf = { .d = d, .unit = output_unit };
	for (size_t i = 0; i < p->n_location; i++)
		if (p->location[i].id >= lf.next_loc_id)
			lf.next_loc_id = p->location[i].id + 1;
	for (size_t i = 0; i < p->n_function; i++)
		if (p->function[i].id >= lf.next_fn_id)
			lf.next_fn_id = p->function[i].id + 1;
	if (lf.next_loc_id == 0)
		lf.next_loc_id = 1;
	if (lf.next_fn_id == 0)
		lf.next_fn_id = 1;
	/* The tables grow here, so they move to the heap and back to the arena at the end. */
	d->location = xreallocarray(NULL, p->n_location + 1, sizeof *d->location);
	mem_copy(d->location, p->location, p->n_location * sizeof *d->location);
	lf.cap_loc = p->n_location + 1;
	d->function = xreallocarray(NULL, p->n_function + 1, sizeof *d->function);
	mem_copy(d->function, p->function, p->n_function * sizeof *d->function);
	lf.cap_fn = p->n_function + 1;
	htab_init(&lf.ht, 64);

	profile_own_samples(d);
	size_t extra = n_root + n_leaf, total = 0;
	for (size_t s = 0; s < d->n_sample; s++)
		total += d->sample[s].n_loc + extra;
	uint32_t *stack = arena_array(d->arena, total, sizeof *stack);
	for (size_t s = 0; s < d->n_sample; s++) {
		struct sample *sm = &d->sample[s];
		/* Root frames are interned before leaf frames, as pprof numbers them. */
		uint32_t *roots = stack + n_leaf + sm->n_loc;
		for (size_t i = 0; i < n_root; i++) {
			const char *k = root_keys[n_root - 1 - i];
			*root_matched |= label_values(&lf, sm, k);
			roots[i] = frame_for(&lf, sb_cstr(&lf.tmp), k);
		}
		for (size_t i = 0; i < n_leaf; i++) {
			const char *k = leaf_keys[n_leaf - 1 - i];
			*leaf_matched |= label_values(&lf, sm, k);
			stack[i] = frame_for(&lf, sb_cstr(&lf.tmp), k);
		}
		mem_copy(stack + n_leaf, sm->loc, sm->n_loc * sizeof *stack);
		sm->loc = stack;
		sm->n_loc += (uint32_t)extra;
		stack += sm->n_loc;
	}
	struct location *locs = arena_copy(d->arena, d->location, d->n_location, sizeof *locs);
	struct function *fns = arena_copy(d->arena, d->function, d->n_function, sizeof *fns);
	free(d->location);
	free(d->function);
	d->location = locs;
	d->function = fns;
	htab_free(&lf.ht);
	sb_free(&lf.tmp);
	return d;
}
