/*
 * transform_filter: pprof's frame and tag filters. Samples are kept or
 * dropped and their stacks cut by pointer arithmetic where pprof slices;
 * only hiding whole locations (hide/show) needs new stack arrays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "re.h"
#include "tagrange.h"
#include "transform.h"
#include "util.h"

/* ---- names ---- */

static bool line_matches(const struct profile *p, const struct line *ln, const struct regex *re)
{
	if (ln->function == NO_INDEX)
		return false;
	const struct function *f = &p->function[ln->function];
	return re_match(re, f->name) || re_match(re, f->filename);
}

static bool mapping_matches(const struct profile *p, const struct location *l, const struct regex *re)
{
	return l->mapping != NO_INDEX && re_match(re, p->mapping[l->mapping].file);
}

/* pprof's Location.matchesName: a line's function or file name, or the mapping's file. */
static bool location_matches(const struct profile *p, const struct location *l, const struct regex *re)
{
	for (uint32_t i = 0; i < l->n_line; i++)
		if (line_matches(p, &l->line[i], re))
			return true;
	return mapping_matches(p, l, re);
}

/* keep_lines keeps the lines for which keep[i]; it returns false when none are left. */
static bool keep_lines(struct profile *d, struct location *l, const bool *keep)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < l->n_line; i++)
		n += keep[i];
	if (n == l->n_line)
		return n > 0;
	struct line *lines = arena_array(d->arena, n, sizeof *lines);
	n = 0;
	for (uint32_t i = 0; i < l->n_line; i++)
		if (keep[i])
			lines[n++] = l->line[i];
	l->line = lines;
	l->n_line = n;
	return n > 0;
}

/* ---- focus, ignore, hide, show ---- */

enum { FOCUS_NONE, FOCUS_KEEP, FOCUS_DROP };

/* One half of the samples, marked: kept[s] when a location focus keeps is on its stack and none ignore drops. */
struct focus_job {
	const struct profile *d;
	const unsigned char *fi; /* FOCUS_* per location */
	bool any_drop;		 /* some location is FOCUS_DROP */
	size_t first, last;
	bool *kept;
};

static void *mark_focused(void *arg)
{
	const struct focus_job *j = arg;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &j->d->sample[s];
		bool focused = false, ignored = false;
		/* from the root, where a focused function more often is: without an ignore, it ends the search */
		for (uint32_t i = sm->n_loc; i-- > 0 && !ignored && !(focused && !j->any_drop);) {
			unsigned char v = j->fi[sm->loc[i]];
			focused |= v == FOCUS_KEEP;
			ignored |= v == FOCUS_DROP;
		}
		j->kept[s] = focused && !ignored;
	}
	return NULL;
}

static void filter_by_name(struct profile *d, const struct filters *f, struct filter_matches *m)
{
	if (!f->focus && !f->ignore && !f->hide && !f->show) {
		m->focus = true; /* a missing focus matches */
		return;
	}
	unsigned char *fi = xcalloc(d->n_location + 1, 1);
	bool *hidden = xcalloc(d->n_location + 1, sizeof *hidden);
	bool any_hidden = false;
	bool *keep = NULL;
	size_t capkeep = 0;
	if (f->hide || f->show) /* they cut lines out of locations */
		profile_own_locations(d);
	for (size_t i = 0; i < d->n_location; i++) {
		struct location *l = &d->location[i];
		if (f->ignore && location_matches(d, l, f->ignore)) {
			m->ignore = true;
			fi[i] = FOCUS_DROP;
		} else if (!f->focus || location_matches(d, l, f->focus)) {
			m->focus = true;
			fi[i] = FOCUS_KEEP;
		}
		GROW(keep, capkeep, l->n_line + 1);
		if (f->hide && location_matches(d, l, f->hide)) {
			m->hide = true;
			bool whole = mapping_matches(d, l, f->hide);
			for (uint32_t j = 0; j < l->n_line; j++)
				keep[j] = !whole && !line_matches(d, &l->line[j], f->hide);
			if (!keep_lines(d, l, keep))
				hidden[i] = any_hidden = true;
		}
		if (f->show) {
			bool whole = mapping_matches(d, l, f->show);
			for (uint32_t j = 0; j < l->n_line; j++)
				keep[j] = whole || l->line[j].function == NO_INDEX ||
					  line_matches(d, &l->line[j], f->show);
			if (!keep_lines(d, l, keep))
				hidden[i] = any_hidden = true;
			else
				m->show = true;
		}
	}
	free(keep);

	size_t nloc = 0;
	if (any_hidden)
		for (size_t s = 0; s < d->n_sample; s++)
			nloc += d->sample[s].n_loc;
	uint32_t *stack = any_hidden ? arena_array(d->arena, nloc, sizeof *stack) : NULL;
	bool any_drop = false;
	for (size_t i = 0; i < d->n_location; i++)
		any_drop |= fi[i] == FOCUS_DROP;
	bool *kept = xmalloc(d->n_sample + 1);
	struct focus_job jobs[2];
	size_t njobs = d->n_sample >= 200000 ? 2 : 1;
	for (size_t k = 0; k < njobs; k++)
		jobs[k] = (struct focus_job){ d, fi, any_drop, d->n_sample * k / njobs, d->n_sample * (k + 1) / njobs,
					      kept };
	run_pair(mark_focused, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	/* the kept samples, in a table of their own (no copy of the others) */
	size_t n_kept = 0;
	for (size_t s = 0; s < d->n_sample; s++)
		n_kept += kept[s];
	struct sample *out = arena_array(d->arena, n_kept + 1, sizeof *out);
	size_t fill = 0;
	for (size_t s = 0; s < d->n_sample; s++) {
		struct sample sm = d->sample[s];
		if (!kept[s])
			continue;
		if (any_hidden) {
			uint32_t n = 0;
			for (uint32_t i = 0; i < sm.n_loc; i++)
				if (!hidden[sm.loc[i]])
					stack[n++] = sm.loc[i];
			if (n == 0)
				continue;
			sm.loc = stack;
			sm.n_loc = n;
			stack += n;
		}
		out[fill++] = sm;
	}
	d->sample = out;
	d->n_sample = fill;
	free(kept);
	free(fi);
	free(hidden);
}

/* ---- show_from, prune_from ---- */

static void show_from(struct profile *d, const struct regex *re, bool *matched)
{
	bool *from = xcalloc(d->n_location + 1, sizeof *from);
	profile_own_locations(d);
	for (size_t i = 0; i < d->n_location; i++) {
		struct location *l = &d->location[i];
		if (mapping_matches(d, l, re)) {
			from[i] = *matched = true;
			continue;
		}
		for (uint32_t j = l->n_line; j-- > 0;)
			if (line_matches(d, &l->line[j], re)) {
				l->n_line = j + 1;
				from[i] = *matched = true;
				break;
			}
	}
	profile_own_samples(d);
	size_t fill = 0;
	for (size_t s = 0; s < d->n_sample; s++) {
		struct sample sm = d->sample[s];
		for (uint32_t i = sm.n_loc; i-- > 0;)
			if (from[sm.loc[i]]) {
				sm.n_loc = i + 1;
				d->sample[fill++] = sm;
				break;
			}
	}
	d->n_sample = fill;
	free(from);
}

static void prune_from(struct profile *d, const struct regex *re)
{
	bool *beneath = xcalloc(d->n_location + 1, sizeof *beneath);
	struct strbuf tmp = STRBUF_INIT;
	profile_own_locations(d);
	for (size_t i = 0; i < d->n_location; i++) {
		struct location *l = &d->location[i];
		for (uint32_t j = 0; j < l->n_line; j++) {
			uint32_t fn = l->line[j].function;
			if (fn == NO_INDEX || !d->function[fn].name[0])
				continue;
			profile_simplify_func(d->function[fn].name, &tmp);
			if (re_match(re, sb_cstr(&tmp))) {
				beneath[i] = true;
				l->line += j;
				l->n_line -= j;
				break;
			}
		}
	}
	sb_free(&tmp);
	profile_own_samples(d);
	for (size_t s = 0; s < d->n_sample; s++) {
		struct sample *sm = &d->sample[s];
		for (uint32_t i = 0; i < sm->n_loc; i++)
			if (beneath[sm->loc[i]]) {
				sm->loc += i;
				sm->n_loc -= i;
				break;
			}
	}
	free(beneath);
}

/* ---- tag filters ---- */

struct tag_filter {
	char *key; /* NULL: any key */
	bool is_range;
	struct tag_range range;
	struct regex **rx;
	size_t n_rx;
	label_unit_fn unit;
	const void *ctx;
};

void tag_filter_free(struct tag_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_rx; i++)
		re_free(f->rx[i]);
	free(f->rx);
	free(f->key);
	free(f);
}

struct tag_filter *tag_filter_compile(const char *value, label_unit_fn unit, const void *ctx, bool *was_range,
				      char *err, size_t errsize)
{
	struct tag_filter *f = xcalloc(1, sizeof *f);
	f->unit = unit;
	f->ctx = ctx;
	const char *eq = strchr(value, '=');
	if (eq) {
		f->key = xstrndup(value, (size_t)(eq - value));
		value = eq + 1;
	}
	*was_range = false;
	if (tag_range_parse(value, &f->range)) {
		f->is_range = *was_range = true;
		return f;
	}
	char *copy = xstrdup(value);
	char *next;
	for (char *part = copy;; part = next + 1) {
		next = strchr(part, ',');
		if (next)
			*next = '\0';
		struct regex *re = re_compile(part, err, errsize);
		if (!re) {
			free(copy);
			tag_filter_free(f);
			return NULL;
		}
		f->rx = xreallocarray(f->rx, f->n_rx + 1, sizeof *f->rx);
		f->rx[f->n_rx++] = re;
		if (!next)
			break;
	}
	free(copy);
	return f;
}

static bool range_matches(const struct tag_filter *f, const struct sample *s)
{
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (l->str || (f->key && strcmp(l->key, f->key) != 0))
			continue;
		if (tag_range_match(&f->range, l->num, f->unit(f->ctx, l->key)))
			return true;
	}
	return false;
}

static bool tag_filter_matches(const struct tag_filter *f, const struct sample *s, struct strbuf *tmp)
{
	if (f->is_range)
		return range_matches(f, s);
	if (f->key) { /* any regexp matching any value of the key */
		for (uint32_t i = 0; i < s->n_label; i++) {
			const struct label *l = &s->label[i];
			if (!l->str || strcmp(l->key, f->key) != 0)
				continue;
			for (size_t r = 0; r < f->n_rx; r++)
				if (re_match(f->rx[r], l->str))
					return true;
		}
		return false;
	}
	/* every regexp must match some "key:value" */
	for (size_t r = 0; r < f->n_rx; r++) {
		bool found = false;
		for (uint32_t i = 0; i < s->n_label && !found; i++) {
			const struct label *l = &s->label[i];
			if (!l->str)
				continue;
			sb_reset(tmp);
			sb_addf(tmp, "%s:%s", l->key, l->str);
			found = re_match(f->rx[r], sb_cstr(tmp));
		}
		if (!found)
			return false;
	}
	return true;
}

static void filter_by_tag(struct profile *d, const struct tag_filter *focus, const struct tag_filter *ignore,
			  struct filter_matches *m)
{
	struct strbuf tmp = STRBUF_INIT;
	profile_own_samples(d);
	size_t fill = 0;
	for (size_t s = 0; s < d->n_sample; s++) {
		const struct sample *sm = &d->sample[s];
		bool focused = !focus || tag_filter_matches(focus, sm, &tmp);
		bool ignored = ignore && tag_filter_matches(ignore, sm, &tmp);
		m->tagfocus |= focused;
		m->tagignore |= ignored;
		if (focused && !ignored)
			d->sample[fill++] = *sm;
	}
	d->n_sample = fill;
	sb_free(&tmp);
}

/* tagshow/taghide drop label keys from every sample. */
static void filter_tag_names(struct profile *d, const struct regex *show, const struct regex *hide,
			     struct filter_matches *m)
{
	profile_own_samples(d);
	for (size_t s = 0; s < d->n_sample; s++) {
		struct sample *sm = &d->sample[s];
		struct label *labels = arena_array(d->arena, sm->n_label, sizeof *labels);
		uint32_t n = 0;
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const char *key = sm->label[i].key;
			bool sh = !show || re_match(show, key);
			bool hi = hide && re_match(hide, key);
			m->tagshow |= sh;
			m->taghide |= hi;
			if (sh && !hi)
				labels[n++] = sm->label[i];
		}
		sm->label = labels;
		sm->n_label = n;
	}
}

struct profile *transform_filter(const struct profile *p, const struct filters *f, struct filter_matches *m)
{
	memset(m, 0, sizeof *m);
	struct profile *d = profile_derive(p);
	filter_by_name(d, f, m);
	if (f->show_from)
		show_from(d, f->show_from, &m->show_from);
	if (f->tagfocus || f->tagignore)
		filter_by_tag(d, f->tagfocus, f->tagignore, m);
	if (f->tagshow || f->taghide)
		filter_tag_names(d, f->tagshow, f->taghide, m);
	if (f->prune_from)
		prune_from(d, f->prune_from);
	return d;
}

/* ---- from the options ---- */

static int compile_re(const char *name, const char *value, struct regex **out, char *err, size_t errsize)
{
	*out = NULL;
	if (!value[0])
		return 0;
	char e[512];
	*out = re_compile(value, e, sizeof e);
	if (!*out) {
		snprintf(err, errsize, "parsing %s regexp: %s", name, e);
		return -1;
	}
	return 0;
}

static int compile_tag(const char *name, const char *value, label_unit_fn unit, const void *ctx,
		       struct tag_filter **out, struct strbuf *warn, char *err, size_t errsize)
{
	*out = NULL;
	if (!value[0])
		return 0;
	char e[512];
	bool range;
	*out = tag_filter_compile(value, unit, ctx, &range, e, sizeof e);
	if (!*out) {
		snprintf(err, errsize, "parsing %s regexp: %s", name, e);
		return -1;
	}
	if (range) {
		const char *eq = strchr(value, '=');
		sb_addf(warn, "%s:Interpreted '%s' as range, not regexp\n", name, eq ? eq + 1 : value);
	}
	return 0;
}

static void free_filters(struct filters *f)
{
	re_free(f->focus);
	re_free(f->ignore);
	re_free(f->hide);
	re_free(f->show);
	re_free(f->show_from);
	re_free(f->prune_from);
	re_free(f->tagshow);
	re_free(f->taghide);
	tag_filter_free(f->tagfocus);
	tag_filter_free(f->tagignore);
}

void transform_warn_no_match(struct strbuf *warn, bool set, bool matched, const char *what)
{
	if (set && !matched)
		sb_addf(warn, "%s expression matched no samples\n", what);
}

struct profile *transform_filters(const struct profile *p, const struct options *o, label_unit_fn unit,
				  const void *ctx, struct strbuf *warn, char *err, size_t errsize)
{
	struct filters f;
	memset(&f, 0, sizeof f);
	struct profile *d = NULL;
	if (compile_re("focus", o->focus, &f.focus, err, errsize) < 0 ||
	    compile_re("ignore", o->ignore, &f.ignore, err, errsize) < 0 ||
	    compile_re("hide", o->hide, &f.hide, err, errsize) < 0 ||
	    compile_re("show", o->show, &f.show, err, errsize) < 0 ||
	    compile_re("show_from", o->show_from, &f.show_from, err, errsize) < 0 ||
	    compile_tag("tagfocus", o->tagfocus, unit, ctx, &f.tagfocus, warn, err, errsize) < 0 ||
	    compile_tag("tagignore", o->tagignore, unit, ctx, &f.tagignore, warn, err, errsize) < 0 ||
	    compile_re("prune_from", o->prune_from, &f.prune_from, err, errsize) < 0 ||
	    compile_re("tagshow", o->tagshow, &f.tagshow, err, errsize) < 0 ||
	    compile_re("taghide", o->taghide, &f.taghide, err, errsize) < 0)
		goto out;
	struct filter_matches m;
	d = transform_filter(p, &f, &m);
	transform_warn_no_match(warn, f.focus, m.focus, "Focus");
	transform_warn_no_match(warn, f.ignore, m.ignore, "Ignore");
	transform_warn_no_match(warn, f.hide, m.hide, "Hide");
	transform_warn_no_match(warn, f.show, m.show, "Show");
	transform_warn_no_match(warn, f.show_from, m.show_from, "ShowFrom");
	transform_warn_no_match(warn, f.tagfocus, m.tagfocus, "TagFocus");
	transform_warn_no_match(warn, f.tagignore, m.tagignore, "TagIgnore");
	transform_warn_no_match(warn, f.tagshow, m.tagshow, "TagShow");
	transform_warn_no_match(warn, f.taghide, m.taghide, "TagHide");
out:
	free_filters(&f);
	return d;
}

static void add_legend(char ***list, size_t *n, const char *key, const char *value)
{
	if (!value[0])
		return;
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s=%s", key, value);
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = b.s;
}

size_t transform_filter_legend(const struct options *o, char ***list)
{
	size_t n = 0;
	*list = NULL;
	add_legend(list, &n, "focus", o->focus);
	add_legend(list, &n, "ignore", o->ignore);
	add_legend(list, &n, "hide", o->hide);
	add_legend(list, &n, "show", o->show);
	add_legend(list, &n, "show_from", o->show_from);
	add_legend(list, &n, "tagfocus", o->tagfocus);
	add_legend(list, &n, "tagignore", o->tagignore);
	add_legend(list, &n, "tagshow", o->tagshow);
	add_legend(list, &n, "taghide", o->taghide);
	return n;
}
