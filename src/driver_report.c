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
};

static void *scan_units(void *arg)
{
	struct unit_scan *us = arg;
	for (size_t s = us->first; s < us->last; s++) {
		const struct sample *sm = &us->p->sample[s];
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const struct label *l = &sm->label[i];
			if (l->str)
				continue;
			size_t k = 0;
			while (k < us->n && strcmp(us->key[k], l->key) != 0)
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
					       NULL, 0 };
	run_pair(scan_units, &scans[0], njobs == 2 ? &scans[1] : NULL);
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
		if (sm->n_label && sample_has_label(sm, "pprof::base", "true")) {
			j->diff_total += v;
			j->diff_div += d;
		}
	}
	return NULL;
}

/*
 * pprof's computeTotal: the sum of |value|, of the diff base's samples
 * only if it has any; over two threads for large profiles (the 2 M
 * samples of the 46 MB bench profile took 0.022 s on one).
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
	struct driver_timing none, *tm = req->timing ? req->timing : &none;
	double t = clock_seconds();
	identify_units(r, loaded, warn);
	apply_command_overrides(&r->o, req->cmd);
	tm->units = clock_seconds() - t;

	t = clock_seconds();
	pr->framed = label_frames(r, loaded, warn);
	tm->label_frames = clock_seconds() - t;
	const struct profile *p = pr->framed;
	bool relative = r->o.relative_percentages;
	t = clock_seconds();
	if (relative) {
		if (!(pr->focused = transform_filters(p, &r->o, unit_of, r, warn, err, errsize)))
			return -1;
		p = pr->focused;
	}
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
	tm->filters = clock_seconds() - t;
	t = clock_seconds();
	r->total = compute_total(r, p);
	tm->total = clock_seconds() - t;
	t = clock_seconds();
	if (!relative) {
		if (!(pr->focused = transform_filters(p, &r->o, unit_of, r, warn, err, errsize)))
			return -1;
		p = pr->focused;
	}
	tm->filters += clock_seconds() - t;
	t = clock_seconds();
	pr->agg = aggregate(r, p, err, errsize);
	tm->aggregate = clock_seconds() - t;
	if (!pr->agg)
		return -1;
	r->p = pr->agg;
	return 0;
}

void driver_prepared_free(struct prepared *pr)
{
	profile_free(pr->agg);
	profile_free(pr->focused);
	profile_free(pr->framed);
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
		rc = driver_deliver(&pr.r, req, out, warn, err, errsize);
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
