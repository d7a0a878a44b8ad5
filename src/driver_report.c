/*
 * driver_report: one report from a loaded profile and the current
 * options, in the order of pprof's generateReport: numeric label units,
 * command overrides, label frames, filters, sample selection, the total,
 * aggregation, then the format and its delivery.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "driver_int.h"
#include "report.h"
#include "transform.h"

/* ---- numeric label units (pprof's NumLabelUnits) ---- */

static void add_unit(struct report *r, const char *key, const char *unit)
{
	r->units = xreallocarray(r->units, r->n_units + 1, sizeof *r->units);
	r->units[r->n_units++] = (struct numlabel_unit){ key, unit };
}

static struct numlabel_unit *find_unit(struct report *r, const char *key)
{
	for (size_t i = 0; i < r->n_units; i++)
		if (!strcmp(r->units[i].key, key))
			return &r->units[i];
	return NULL;
}

/* add_once adds unit to a comma-separated list unless it is there already. */
static void add_once(struct strbuf *list, const char *unit)
{
	const char *c = sb_cstr(list);
	size_t ul = strlen(unit);
	while (*c) {
		size_t n = strcspn(c, ",");
		if (n == ul && !strncmp(c, unit, n))
			return;
		c += n + (c[n] == ',');
	}
	sb_addf(list, "%s%s", list->len ? "," : "", unit);
}

/*
 * The numeric label keys of some samples, in the order first met, each
 * with the first unit met and every distinct unit met (comma-separated).
 */
struct unit_scan {
	const struct profile *p;
	size_t first, last;
	const char **key, **unit;
	struct strbuf *all;
	size_t n;
	bool base; /* a string label pprof::base=true (a diff base's sample, compute_total) */
};

static void *scan_units(void *arg)
{
	struct unit_scan *us = arg;
	const char *other = NULL; /* the last string label key met that is not pprof::base */
	for (size_t s = us->first; s < us->last; s++) {
		const struct sample *sm = &us->p->sample[s];
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const struct label *l = &sm->label[i];
			if (l->str) {
				if (l->key == other)
					continue;
				if (strcmp(l->key, "pprof::base") != 0)
					other = l->key;
				else
					us->base |= !strcmp(l->str, "true");
				continue;
			}
			size_t k = 0;
			while (k < us->n && us->key[k] != l->key && strcmp(us->key[k], l->key) != 0)
				k++;
			if (k == us->n) {
				us->key = xreallocarray(us->key, k + 1, sizeof *us->key);
				us->unit = xreallocarray(us->unit, k + 1, sizeof *us->unit);
				us->all = xreallocarray(us->all, k + 1, sizeof *us->all);
				us->key[k] = l->key;
				us->unit[k] = "";
				us->all[k] = (struct strbuf)STRBUF_INIT;
				us->n++;
			}
			if (!l->unit || !l->unit[0])
				continue;
			if (!us->unit[k][0])
				us->unit[k] = l->unit;
			if (strcmp(us->unit[k], l->unit) != 0 || us->all[k].len == 0)
				add_once(&us->all[k], l->unit);
		}
	}
	return NULL;
}

static void identify_units(struct report *r, const struct profile *p, struct strbuf *warn)
{
	/*
	 * Each half of a large profile's samples is scanned on its own thread
	 * (the 2 M samples of the 46 MB bench profile took 0.02 s on one);
	 * taken in order, the halves give what one pass would: a key's unit
	 * is the first met, and every other unit met is reported.
	 */
	struct unit_scan scans[2];
	size_t njobs = p->n_sample >= 200000 ? 2 : 1;
	for (size_t k = 0; k < njobs; k++)
		scans[k] = (struct unit_scan){ p, p->n_sample * k / njobs, p->n_sample * (k + 1) / njobs, NULL, NULL,
					       NULL, 0, false };
	run_pair(scan_units, &scans[0], njobs == 2 ? &scans[1] : NULL);
	r->base_labels = false;
	for (size_t k = 0; k < njobs; k++)
		r->base_labels |= scans[k].base;
	/* ignored[k]: extra units seen for key k, reported sorted as pprof does */
	struct strbuf *ignored = NULL;
	for (size_t k = 0; k < njobs; k++) {
		struct unit_scan *us = &scans[k];
		for (size_t i = 0; i < us->n; i++) {
			struct numlabel_unit *u = find_unit(r, us->key[i]);
			if (!u) {
				add_unit(r, us->key[i], "");
				ignored = xreallocarray(ignored, r->n_units, sizeof *ignored);
				ignored[r->n_units - 1] = (struct strbuf)STRBUF_INIT;
				u = &r->units[r->n_units - 1];
			}
			if (!u->unit[0])
				u->unit = us->unit[i];
			const char *c = sb_cstr(&us->all[i]);
			while (*c) {
				size_t n = strcspn(c, ",");
				if (strlen(u->unit) != n || strncmp(c, u->unit, n) != 0) {
					char *one = xstrndup(c, n);
					add_once(&ignored[u - r->units], one);
					free(one);
				}
				c += n + (c[n] == ',');
			}
			sb_free(&us->all[i]);
		}
		free(us->key);
		free(us->unit);
		free(us->all);
	}
	for (size_t i = 0; i < r->n_units; i++) {
		if (ignored[i].len) {
			/* sort the ignored units */
			char *list = xstrdup(ignored[i].s);
			size_t n = 1;
			for (char *c = list; *c; c++)
				n += *c == ',';
			char **items = xcalloc(n, sizeof *items);
			size_t k = 0;
			for (char *save, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				items[k++] = tok;
			for (size_t a = 1; a < k; a++)
				for (size_t b = a; b > 0 && strcmp(items[b - 1], items[b]) > 0; b--) {
					char *t = items[b];
					items[b] = items[b - 1];
					items[b - 1] = t;
				}
			sb_addf(warn, "For tag %s used unit %s, also encountered unit(s) ", r->units[i].key,
				r->units[i].unit);
			for (size_t a = 0; a < k; a++)
				sb_addf(warn, "%s%s", a ? ", " : "", items[a]);
			sb_addc(warn, '\n');
			free(items);
			free(list);
		}
		sb_free(&ignored[i]);
		if (!r->units[i].unit[0]) {
			const char *k = r->units[i].key;
			r->units[i].unit = !strcmp(k, "alignment") || !strcmp(k, "request") ? "bytes" : k;
		}
	}
	free(ignored);
}

/* ---- command overrides, sample selection ---- */

static void set_opt(struct options *o, const char *name, const char *value)
{
	char err[128];
	options_set(o, name, value, err, sizeof err);
}

static void apply_command_overrides(struct options *o, const struct command *cmd)
{
	bool trim = o->trim;
	const char *name = cmd->name;
	if (!strcmp(name, "disasm")) {
		trim = false;
		set_opt(o, "granularity", "addresses");
		o->noinlines = true;
	} else if (!strcmp(name, "weblist")) {
		/* pprof's weblist shows each line's instructions too, at addresses; cprof's, -list's lines */
		trim = false;
		set_opt(o, "granularity", "lines");
		o->noinlines = false;
	} else if (!strcmp(name, "peek")) {
		trim = false;
	} else if (!strcmp(name, "list")) {
		trim = false;
		set_opt(o, "granularity", "lines");
	} else if (!strcmp(name, "text") || !strcmp(name, "top") || !strcmp(name, "topproto")) {
		if (o->nodecount == -1)
			o->nodecount = 0;
	} else if (o->nodecount == -1) {
		o->nodecount = 80;
	}
	if (cmd->format == FMT_FLAME || cmd->format == FMT_FOLDED || cmd->format == FMT_WEB_FLAME)
		trim = false; /* every stack, down to the flame's minimum width */
	if (cmd->format == FMT_PROTO || cmd->format == FMT_RAW || cmd->format == FMT_CALLGRIND) {
		trim = false;
		set_opt(o, "granularity", "addresses");
	}
	if (!trim) {
		o->nodecount = 0;
		o->nodefraction = 0;
		o->edgefraction = 0;
	}
}

static int report_options(struct report *r, const struct profile *p, char *err, size_t errsize)
{
	if (p->n_sample_type == 0) {
		snprintf(err, errsize, "profile has no samples");
		return -1;
	}
	int vi = profile_sample_index(p, r->o.sample_index, err, errsize);
	if (vi < 0)
		return -1;
	r->value_index = vi;
	r->mean_index = r->o.mean ? 0 : -1;
	struct strbuf t = STRBUF_INIT;
	sb_addf(&t, "%s%s", r->o.mean ? "mean_" : "", p->sample_type[vi].type);
	r->sample_type = t.s;
	r->sample_unit = p->sample_type[vi].unit;
	if (r->o.divide_by == 0) {
		snprintf(err, errsize, "zero divisor specified");
		return -1;
	}
	r->ratio = 1 / r->o.divide_by;
	r->output_unit = xstrdup(r->o.unit);
	r->n_filters = transform_filter_legend(&r->o, &r->filters);
	if (p->n_mapping > 0 && p->mapping[0].file[0]) {
		struct strbuf b = STRBUF_INIT;
		path_base(p->mapping[0].file, &b);
		r->title = b.s;
	}
	return 0;
}

/* One half of the samples for compute_total. */
struct total_job {
	const struct report *r;
	const struct profile *p;
	size_t first, last;
	int64_t total, div, diff_total, diff_div;
};

static void *sum_total(void *arg)
{
	struct total_job *j = arg;
	int vi = j->r->value_index, mi = j->r->mean_index;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &j->p->sample[s];
		int64_t v = sm->value[vi], d = mi >= 0 ? sm->value[mi] : 0;
		if (v < 0)
			v = -v;
		j->total += v;
		j->div += d;
		if (j->r->base_labels && sm->n_label && sample_has_label(sm, "pprof::base", "true")) {
			j->diff_total += v;
			j->diff_div += d;
		}
	}
	return NULL;
}

/*
 * pprof's computeTotal: the sum of |value|, of the diff base's samples
 * only if it has any; over two threads for large profiles (the 2 M
 * samples of the 46 MB bench profile took 0.022 s on one). A sample's
 * labels are read only when identify_units met a diff base's label in
 * the loaded profile (r->base_labels), whose samples p's come from.
 */
static int64_t compute_total(const struct report *r, const struct profile *p)
{
	struct total_job jobs[2];
	size_t njobs = p->n_sample >= 200000 ? 2 : 1;
	for (size_t k = 0; k < njobs; k++)
		jobs[k] = (struct total_job){ r, p, p->n_sample * k / njobs, p->n_sample * (k + 1) / njobs, 0, 0, 0, 0 };
	run_pair(sum_total, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	int64_t div = 0, total = 0, diff_div = 0, diff_total = 0;
	for (size_t k = 0; k < njobs; k++) {
		total += jobs[k].total;
		div += jobs[k].div;
		diff_total += jobs[k].diff_total;
		diff_div += jobs[k].diff_div;
	}
	if (diff_total > 0) {
		total = diff_total;
		div = diff_div;
	}
	return div != 0 ? total / div : total;
}

static struct profile *aggregate(const struct report *r, const struct profile *p, char *err, size_t errsize)
{
	bool function = false, filename = false, linenumber = false, address = false;
	bool inlines = !r->o.noinlines;
	const char *g = r->o.granularity;
	if (!g[0] || !strcmp(g, "functions")) {
		function = true;
	} else if (!strcmp(g, "addresses")) {
		if (inlines)
			return profile_derive(p);
		function = filename = linenumber = address = true;
	} else if (!strcmp(g, "lines")) {
		function = filename = linenumber = true;
	} else if (!strcmp(g, "files")) {
		filename = true;
	} else if (!strcmp(g, "filefunctions")) {
		function = filename = true;
	} else {
		snprintf(err, errsize, "unexpected granularity");
		return NULL;
	}
	return transform_aggregate(p, inlines, function, filename, linenumber, r->o.showcolumns, address);
}

/* The numeric tag filters' units, from the report's (pprof's NumLabelUnits). */
static const char *unit_of(const void *ctx, const char *key)
{
	return report_label_unit(ctx, key);
}

/* split_keys splits a comma-separated list of label keys, dropping empty ones. */
static size_t split_keys(const char *list, char ***out)
{
	char *copy = xstrdup(list);
	size_t n = 0;
	char **keys = xcalloc(strlen(list) + 1, sizeof *keys);
	for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		keys[n++] = xstrdup(tok);
	free(copy);
	*out = keys;
	return n;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

static struct profile *label_frames(const struct report *r, const struct profile *p, struct strbuf *warn)
{
	char **root, **leaf;
	size_t nr = split_keys(r->o.tagroot, &root), nl = split_keys(r->o.tagleaf, &leaf);
	bool rm, lm;
	struct profile *d = transform_label_frames(p, root, nr, leaf, nl, r->o.unit, &rm, &lm);
	transform_warn_no_match(warn, r->o.tagroot[0], rm, "TagRoot");
	transform_warn_no_match(warn, r->o.tagleaf[0], lm, "TagLeaf");
	free_keys(root, nr);
	free_keys(leaf, nl);
	return d;
}

static void report_free(struct report *r)
{
	options_free(&r->o);
	free(r->sample_type);
	free(r->output_unit);
	free(r->title);
	re_free(r->symbol);
	for (size_t i = 0; i < r->n_filters; i++)
		free(r->filters[i]);
	free(r->filters);
	free(r->units);
}

/* report_selection is report_options, then the regexp of list, peek or disasm. */
static int report_selection(struct report *r, const struct profile *p, const struct report_request *req, char *err,
			    size_t errsize)
{
	if (report_options(r, p, err, errsize) < 0)
		return -1;
	if (req->arg) {
		char e[256];
		r->symbol = re_compile(req->arg, e, sizeof e);
		if (!r->symbol) {
			snprintf(err, errsize, "parsing argument regexp %s: %s", req->arg, e);
			return -1;
		}
	}
	return 0;
}

/* ---- what a shell session keeps between reports ---- */

/*
 * One setting of the label frames and filters: the profiles they made
 * from the loaded one, the warnings each step gave (given again on every
 * use, as pprof gives them), the totals met so far; and the profile's
 * aggregations met so far (granularity, noinlines, showcolumns), each
 * with its valued graphs.
 */
struct kept {
	char *key;
	struct profile *framed, *focused;
	char *frames_warn, *filters_warn;
	struct kept_total {
		int value_index, mean_index;
		int64_t total;
	} *totals;
	size_t n_totals;
	struct kept_agg {
		char *key;
		struct profile *agg;
		struct graph_cache *graphs;
	} *aggs;
	size_t n_aggs;
	uint64_t used; /* when last used: the least recently used goes first */
};

/*
 * At most this many settings are kept, and so many aggregations of each:
 * each holds a filtered profile, each aggregation its graphs.
 */
enum { KEPT_SETTINGS = 4, KEPT_AGGREGATIONS = 3 };

struct driver_cache {
	const struct profile *loaded; /* what is kept is of this profile */
	bool has_units;
	struct numlabel_unit *units;
	size_t n_units;
	char *units_warn;
	bool base_labels; /* identify_units found one, so compute_total looks for them */
	struct kept kept[KEPT_SETTINGS];
	size_t n_kept;
	uint64_t clock;
};

struct driver_cache *driver_cache_new(void)
{
	return xcalloc(1, sizeof(struct driver_cache));
}

static void kept_free(struct kept *k)
{
	for (size_t i = 0; i < k->n_aggs; i++) {
		graph_cache_free(k->aggs[i].graphs);
		profile_free(k->aggs[i].agg);
		free(k->aggs[i].key);
	}
	free(k->aggs);
	profile_free(k->focused);
	profile_free(k->framed);
	free(k->key);
	free(k->frames_warn);
	free(k->filters_warn);
	free(k->totals);
	memset(k, 0, sizeof *k);
}

/* cache_reset forgets everything: the cache is now of loaded. */
static void cache_reset(struct driver_cache *c, const struct profile *loaded)
{
	for (size_t i = 0; i < c->n_kept; i++)
		kept_free(&c->kept[i]);
	free(c->units);
	free(c->units_warn);
	memset(c, 0, sizeof *c);
	c->loaded = loaded;
}

void driver_cache_free(struct driver_cache *c)
{
	if (!c)
		return;
	cache_reset(c, NULL);
	free(c);
}

/* The options aggregation reads; the other transforms read none of them. */
static bool aggregation_option(const char *name)
{
	return !strcmp(name, "granularity") || !strcmp(name, "noinlines") || !strcmp(name, "showcolumns");
}

/*
 * The options the transforms read, as a key: those of aggregation
 * (aggregation) or the others, but for those only the report and its
 * graph read (a field added later is in the key until it is known to be
 * one of those: a miss costs time, a wrong hit output).
 */
static char *transform_key(const struct options *o, bool aggregation)
{
	static const char *const report_only[] = { "output",	    "call_tree",    "compact_labels", "source_path",
						   "trim_path",	    "intel_syntax", "mean",	      "sample_index",
						   "divide_by",	    "sort",	    "drop_negative",  "nodecount",
						   "nodefraction", "edgefraction", "trim" };
	struct strbuf key = STRBUF_INIT;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		bool skip = false;
		for (size_t k = 0; k < sizeof report_only / sizeof *report_only; k++)
			skip |= !strcmp(f->name, report_only[k]);
		if (skip || aggregation_option(f->name) != aggregation)
			continue;
		char v[64];
		const char *text = v;
		if (f->type == OPT_STRING)
			text = *(char *const *)((const char *)o + f->offset);
		else
			options_get(o, f, v, sizeof v);
		/* the length first: values may hold any byte */
		sb_addf(&key, "%s=%zu:%s;", f->name, strlen(text), text);
	}
	return key.s ? key.s : xstrdup("");
}

static struct kept *find_kept(struct driver_cache *c, const char *key)
{
	for (size_t i = 0; i < c->n_kept; i++)
		if (!strcmp(c->kept[i].key, key)) {
			c->kept[i].used = ++c->clock;
			return &c->kept[i];
		}
	return NULL;
}

/* keep_agg takes pr's aggregated profile into k as the aggregation key. */
static void keep_agg(struct kept *k, struct prepared *pr, char *key)
{
	if (k->n_aggs == KEPT_AGGREGATIONS) { /* the first met goes */
		graph_cache_free(k->aggs[0].graphs);
		profile_free(k->aggs[0].agg);
		free(k->aggs[0].key);
		memmove(k->aggs, k->aggs + 1, --k->n_aggs * sizeof *k->aggs);
	}
	k->aggs = xreallocarray(k->aggs, k->n_aggs + 1, sizeof *k->aggs);
	struct kept_agg *a = &k->aggs[k->n_aggs++];
	a->key = key;
	a->agg = pr->agg;
	a->graphs = graph_cache_new(pr->agg);
	pr->r.graphs = a->graphs;
}

/*
 * keep takes pr's profiles into the cache as the setting key with the
 * aggregation agg_key, dropping the least recently used setting when full.
 */
static void keep(struct driver_cache *c, struct prepared *pr, char *key, char *agg_key, struct strbuf *frames_warn,
		 struct strbuf *filters_warn)
{
	struct kept *k = &c->kept[c->n_kept];
	if (c->n_kept == KEPT_SETTINGS) {
		k = &c->kept[0];
		for (size_t i = 1; i < c->n_kept; i++)
			if (c->kept[i].used < k->used)
				k = &c->kept[i];
		kept_free(k);
	} else {
		c->n_kept++;
	}
	k->key = key;
	k->framed = pr->framed;
	k->focused = pr->focused;
	k->frames_warn = xstrdup(sb_cstr(frames_warn));
	k->filters_warn = xstrdup(sb_cstr(filters_warn));
	k->totals = xmalloc(sizeof *k->totals);
	k->totals[0] = (struct kept_total){ pr->r.value_index, pr->r.mean_index, pr->r.total };
	k->n_totals = 1;
	k->used = ++c->clock;
	keep_agg(k, pr, agg_key);
	pr->borrowed = true;
}

/* units sets r's numeric label units, from the cache when it has them. */
static bool units(struct report *r, const struct profile *loaded, struct driver_cache *c, struct strbuf *warn)
{
	if (c && c->has_units) {
		r->units = xreallocarray(NULL, c->n_units + 1, sizeof *r->units);
		mem_copy(r->units, c->units, c->n_units * sizeof *r->units);
		r->n_units = c->n_units;
		r->base_labels = c->base_labels;
		sb_adds(warn, c->units_warn);
		return true;
	}
	struct strbuf w = STRBUF_INIT;
	identify_units(r, loaded, &w);
	sb_adds(warn, sb_cstr(&w));
	if (c) {
		c->has_units = true;
		c->units = xreallocarray(NULL, r->n_units + 1, sizeof *c->units);
		mem_copy(c->units, r->units, r->n_units * sizeof *c->units);
		c->n_units = r->n_units;
		c->base_labels = r->base_labels;
		c->units_warn = xstrdup(sb_cstr(&w));
	}
	sb_free(&w);
	return false;
}

/* total is compute_total, from k's totals when it has r's. */
static int64_t total(struct kept *k, const struct report *r, const struct profile *p)
{
	for (size_t i = 0; k && i < k->n_totals; i++)
		if (k->totals[i].value_index == r->value_index && k->totals[i].mean_index == r->mean_index)
			return k->totals[i].total;
	int64_t t = compute_total(r, p);
	if (k) {
		k->totals = xreallocarray(k->totals, k->n_totals + 1, sizeof *k->totals);
		k->totals[k->n_totals++] = (struct kept_total){ r->value_index, r->mean_index, t };
	}
	return t;
}

/*
 * prepare_kept is driver_prepare's transforms for a setting the cache
 * keeps: the same steps, checks and warnings in the same order, without
 * making the profiles again; only an aggregation not met before is made
 * (and kept). *kept_agg says whether it was met.
 */
static int prepare_kept(struct prepared *pr, struct kept *k, char *agg_key, const struct report_request *req,
			struct strbuf *warn, bool *kept_agg, char *err, size_t errsize)
{
	struct report *r = &pr->r;
	pr->framed = k->framed;
	pr->focused = k->focused;
	pr->borrowed = true;
	sb_adds(warn, k->frames_warn);
	bool relative = r->o.relative_percentages;
	if (relative)
		sb_adds(warn, k->filters_warn);
	const struct profile *p = relative ? pr->focused : pr->framed;
	if (report_selection(r, p, req, err, errsize) < 0)
		goto fail;
	r->total = total(k, r, p);
	if (!relative)
		sb_adds(warn, k->filters_warn);
	*kept_agg = false;
	for (size_t i = 0; i < k->n_aggs; i++)
		if (!strcmp(k->aggs[i].key, agg_key)) {
			pr->agg = k->aggs[i].agg;
			r->graphs = k->aggs[i].graphs;
			*kept_agg = true;
			free(agg_key);
			break;
		}
	if (!*kept_agg) {
		if (!(pr->agg = aggregate(r, pr->focused, err, errsize)))
			goto fail;
		keep_agg(k, pr, agg_key);
	}
	r->p = pr->agg;
	return 0;
fail:
	free(agg_key);
	return -1;
}

int driver_prepare(struct prepared *pr, const struct profile *loaded, const struct options *opt,
		   const struct report_request *req, struct strbuf *warn, char *err, size_t errsize)
{
	memset(pr, 0, sizeof *pr);
	struct report *r = &pr->r;
	r->format = req->cmd->format;
	r->tools = req->tools ? req->tools : "";
	r->command = req->cmd->name;
	r->interactive = req->interactive;
	r->icicle = req->icicle;
	options_copy(&r->o, opt);
	struct driver_cache *c = req->cache;
	if (c && c->loaded != loaded)
		cache_reset(c, loaded);
	struct driver_timing none, *tm = req->timing ? req->timing : &none;
	memset(tm, 0, sizeof *tm);
	double t = clock_seconds();
	tm->kept_units = units(r, loaded, c, warn);
	apply_command_overrides(&r->o, req->cmd);
	tm->units = clock_seconds() - t;

	char *key = c ? transform_key(&r->o, false) : NULL, *agg_key = c ? transform_key(&r->o, true) : NULL;
	struct kept *k = c ? find_kept(c, key) : NULL;
	if (k) {
		free(key);
		t = clock_seconds();
		tm->kept_filters = true;
		int rc = prepare_kept(pr, k, agg_key, req, warn, &tm->kept_aggregation, err, errsize);
		tm->filters = clock_seconds() - t;
		return rc;
	}
	struct strbuf frames_warn = STRBUF_INIT, filters_warn = STRBUF_INIT;
	int rc = -1;
	t = clock_seconds();
	pr->framed = label_frames(r, loaded, &frames_warn);
	sb_adds(warn, sb_cstr(&frames_warn));
	tm->label_frames = clock_seconds() - t;
	const struct profile *p = pr->framed;
	bool relative = r->o.relative_percentages;
	t = clock_seconds();
	if (relative) {
		pr->focused = transform_filters(p, &r->o, unit_of, r, &filters_warn, err, errsize);
		sb_adds(warn, sb_cstr(&filters_warn));
		if (!pr->focused)
			goto out;
		p = pr->focused;
	}
	if (report_selection(r, p, req, err, errsize) < 0)
		goto out;
	tm->filters = clock_seconds() - t;
	t = clock_seconds();
	r->total = compute_total(r, p);
	tm->total = clock_seconds() - t;
	t = clock_seconds();
	if (!relative) {
		pr->focused = transform_filters(p, &r->o, unit_of, r, &filters_warn, err, errsize);
		sb_adds(warn, sb_cstr(&filters_warn));
		if (!pr->focused)
			goto out;
		p = pr->focused;
	}
	tm->filters += clock_seconds() - t;
	t = clock_seconds();
	pr->agg = aggregate(r, p, err, errsize);
	tm->aggregate = clock_seconds() - t;
	if (!pr->agg)
		goto out;
	r->p = pr->agg;
	rc = 0;
	if (c) {
		keep(c, pr, key, agg_key, &frames_warn, &filters_warn);
		key = agg_key = NULL;
	}
out:
	free(key);
	free(agg_key);
	sb_free(&frames_warn);
	sb_free(&filters_warn);
	return rc;
}

void driver_prepared_free(struct prepared *pr)
{
	if (!pr->borrowed) {
		profile_free(pr->agg);
		profile_free(pr->focused);
		profile_free(pr->framed);
	}
	report_free(&pr->r);
	memset(pr, 0, sizeof *pr);
}

int driver_report(const struct profile *loaded, const struct options *opt, const struct report_request *req,
		  FILE *out, struct strbuf *warn, char *err, size_t errsize)
{
	struct prepared pr;
	/* Every report checks what can fail before it writes its first byte. */
	int rc = driver_prepare(&pr, loaded, opt, req, warn, err, errsize);
	if (rc == 0) {
		struct driver_timing none, *tm = req->timing ? req->timing : &none;
		double t = clock_seconds();
		tm->layout = 0;
		struct graph_cache_stats before = { 0 }, after = { 0 };
		if (pr.r.graphs)
			before = graph_cache_stats(pr.r.graphs);
		rc = driver_deliver(&pr.r, req, out, warn, err, errsize);
		if (pr.r.graphs)
			after = graph_cache_stats(pr.r.graphs);
		tm->kept_graph = after.values_copied > before.values_copied && after.values_made == before.values_made;
		tm->kept_hot = after.hot_walked > before.hot_walked && after.hot_made == before.hot_made;
		tm->report = clock_seconds() - t - tm->layout;
	}
	driver_prepared_free(&pr);
	return rc;
}

int driver_header(const struct profile *p, const struct options *opt, const struct report_request *req,
		  struct strbuf *out, bool *zero_total, struct strbuf *warn)
{
	struct report r;
	memset(&r, 0, sizeof r);
	r.format = req->cmd->format;
	options_copy(&r.o, opt);
	identify_units(&r, p, warn);
	char err[256];
	int rc = report_options(&r, p, err, sizeof err);
	if (rc == 0) {
		r.p = p;
		r.total = compute_total(&r, p);
		*zero_total = r.total == 0;
		report_profile_labels(&r, out);
	}
	report_free(&r);
	return rc;
}
