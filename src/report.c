#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "tagrange.h"
#include "transform.h"
#include "units.h"


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
			for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
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

const char *report_label_unit(const struct report *r, const char *key)
{
	for (size_t i = 0; i < r->n_units; i++)
		if (!strcmp(r->units[i].key, key))
			return r->units[i].unit;
	return "";
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
		trim = false;
		set_opt(o, "granularity", "addresses");
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

static void add_filter(struct report *r, const char *key, const char *value)
{
	if (!value[0])
		return;
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s=%s", key, value);
	r->filters = xreallocarray(r->filters, r->n_filters + 1, sizeof *r->filters);
	r->filters[r->n_filters++] = b.s;
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
	add_filter(r, "focus", r->o.focus);
	add_filter(r, "ignore", r->o.ignore);
	add_filter(r, "hide", r->o.hide);
	add_filter(r, "show", r->o.show);
	add_filter(r, "show_from", r->o.show_from);
	add_filter(r, "tagfocus", r->o.tagfocus);
	add_filter(r, "tagignore", r->o.tagignore);
	add_filter(r, "tagshow", r->o.tagshow);
	add_filter(r, "taghide", r->o.taghide);
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

/* ---- filters (pprof's applyFocus) ---- */

static const char *unit_of(const void *ctx, const char *key)
{
	return report_label_unit(ctx, key);
}

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

static int compile_tag(const struct report *r, const char *name, const char *value, struct tag_filter **out,
		       struct strbuf *warn, char *err, size_t errsize)
{
	*out = NULL;
	if (!value[0])
		return 0;
	char e[512];
	bool range;
	*out = tag_filter_compile(value, unit_of, r, &range, e, sizeof e);
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

static void warn_no_match(struct strbuf *warn, bool set, bool matched, const char *what)
{
	if (set && !matched)
		sb_addf(warn, "%s expression matched no samples\n", what);
}

static struct profile *apply_focus(const struct report *r, const struct profile *p, struct strbuf *warn, char *err,
				   size_t errsize)
{
	const struct options *o = &r->o;
	struct filters f;
	memset(&f, 0, sizeof f);
	struct profile *d = NULL;
	if (compile_re("focus", o->focus, &f.focus, err, errsize) < 0 ||
	    compile_re("ignore", o->ignore, &f.ignore, err, errsize) < 0 ||
	    compile_re("hide", o->hide, &f.hide, err, errsize) < 0 ||
	    compile_re("show", o->show, &f.show, err, errsize) < 0 ||
	    compile_re("show_from", o->show_from, &f.show_from, err, errsize) < 0 ||
	    compile_tag(r, "tagfocus", o->tagfocus, &f.tagfocus, warn, err, errsize) < 0 ||
	    compile_tag(r, "tagignore", o->tagignore, &f.tagignore, warn, err, errsize) < 0 ||
	    compile_re("prune_from", o->prune_from, &f.prune_from, err, errsize) < 0 ||
	    compile_re("tagshow", o->tagshow, &f.tagshow, err, errsize) < 0 ||
	    compile_re("taghide", o->taghide, &f.taghide, err, errsize) < 0)
		goto out;
	struct filter_matches m;
	d = transform_filter(p, &f, &m);
	warn_no_match(warn, f.focus, m.focus, "Focus");
	warn_no_match(warn, f.ignore, m.ignore, "Ignore");
	warn_no_match(warn, f.hide, m.hide, "Hide");
	warn_no_match(warn, f.show, m.show, "Show");
	warn_no_match(warn, f.show_from, m.show_from, "ShowFrom");
	warn_no_match(warn, f.tagfocus, m.tagfocus, "TagFocus");
	warn_no_match(warn, f.tagignore, m.tagignore, "TagIgnore");
	warn_no_match(warn, f.tagshow, m.tagshow, "TagShow");
	warn_no_match(warn, f.taghide, m.taghide, "TagHide");
out:
	free_filters(&f);
	return d;
}

/* split_keys splits a comma-separated list of label keys, dropping empty ones. */
static size_t split_keys(const char *list, char ***out)
{
	char *copy = xstrdup(list);
	size_t n = 0;
	char **keys = xcalloc(strlen(list) + 1, sizeof *keys);
	for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
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
	warn_no_match(warn, r->o.tagroot[0], rm, "TagRoot");
	warn_no_match(warn, r->o.tagleaf[0], lm, "TagLeaf");
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

int report_generate(struct report *r, FILE *out, char *err, size_t errsize)
{
	switch (r->format) {
	case FMT_TEXT:
		return report_text(r, out);
	case FMT_TRACES:
		return report_traces(r, out);
	case FMT_TAGS:
		return report_tags(r, out);
	case FMT_COMMENTS:
		return report_comments(r, out);
	case FMT_RAW:
		return report_raw(r, out);
	case FMT_TREE:
		return report_tree(r, out, err, errsize);
	case FMT_LIST:
		return report_list(r, out, err, errsize);
	case FMT_DIS:
		return report_disasm(r, out, err, errsize);
	case FMT_DOT:
		return report_dot(r, out);
	case FMT_CALLGRIND:
		return report_callgrind(r, out);
	case FMT_PROTO:
		return report_proto(r, out, err, errsize);
	case FMT_TOPPROTO:
		return report_topproto(r, out, err, errsize);
	default:
		snprintf(err, errsize, "this output format is not supported yet");
		return -1;
	}
}

int report_run(const struct profile *loaded, const struct options *opt, const struct report_request *req, FILE *out,
	       struct strbuf *warn, char *err, size_t errsize)
{
	struct report r;
	memset(&r, 0, sizeof r);
	r.format = req->cmd->format;
	r.tools = req->tools ? req->tools : "";
	options_copy(&r.o, opt);
	identify_units(&r, loaded, warn);
	apply_command_overrides(&r.o, req->cmd);

	struct profile *framed = label_frames(&r, loaded, warn), *focused = NULL, *agg = NULL;
	const struct profile *p = framed;
	int rc = -1;
	bool relative = r.o.relative_percentages;
	if (relative) {
		if (!(focused = apply_focus(&r, p, warn, err, errsize)))
			goto out;
		p = focused;
	}
	if (report_options(&r, p, err, errsize) < 0)
		goto out;
	if (req->arg) {
		char e[256];
		r.symbol = re_compile(req->arg, e, sizeof e);
		if (!r.symbol) {
			snprintf(err, errsize, "parsing argument regexp %s: %s", req->arg, e);
			goto out;
		}
	}
	r.total = compute_total(&r, p);
	if (!relative) {
		if (!(focused = apply_focus(&r, p, warn, err, errsize)))
			goto out;
		p = focused;
	}
	agg = aggregate(&r, p, err, errsize);
	if (!agg)
		goto out;
	r.p = agg;

	/* Every report checks what can fail before it writes its first byte. */
	rc = report_deliver(&r, req, out, warn, err, errsize);
out:
	profile_free(agg);
	profile_free(focused);
	profile_free(framed);
	report_free(&r);
	return rc;
}

int report_header(const struct profile *p, const struct options *opt, const struct report_request *req,
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

/* ---- values and labels ---- */

void report_format_value(const struct report *r, int64_t v, char *buf, size_t size)
{
	if (r->ratio > 0 && r->ratio != 1)
		v = go_int64((double)v * r->ratio);
	units_label(buf, size, v, r->sample_unit, r->output_unit);
}

void report_columns(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, FILE *out)
{
	char fv[64], cv[64], fp[32], sp[32], cp[32];
	report_format_value(r, flat, fv, sizeof fv);
	report_format_value(r, cum, cv, sizeof cv);
	units_percentage(fp, sizeof fp, flat, r->total);
	units_percentage(sp, sizeof sp, flat_sum, r->total);
	units_percentage(cp, sizeof cp, cum, r->total);
	fprintf(out, "%10s %s %s %10s %s", fv, fp, sp, cv, cp);
}

void report_profile_labels(const struct report *r, struct strbuf *out)
{
	const struct profile *p = r->p;
	bool first = true;
#define LINE() (first ? (void)(first = false) : sb_addc(out, '\n'))
	if (p->n_mapping > 0) {
		if (p->mapping[0].file[0]) {
			struct strbuf b = STRBUF_INIT;
			path_base(p->mapping[0].file, &b);
			LINE();
			sb_addf(out, "File: %s", sb_cstr(&b));
			sb_free(&b);
		}
		if (p->mapping[0].build_id[0]) {
			LINE();
			sb_addf(out, "Build ID: %s", p->mapping[0].build_id);
		}
	}
	for (size_t i = 0; i < p->n_comment; i++)
		if (p->comment[i][0] != '#') {
			LINE();
			sb_adds(out, p->comment[i]);
		}
	if (r->sample_type[0]) {
		LINE();
		sb_addf(out, "Type: %s", r->sample_type);
	}
	if (p->doc_url[0]) {
		LINE();
		sb_addf(out, "Doc: %s", p->doc_url);
	}
	if (p->time_nanos) {
		LINE();
		sb_adds(out, "Time: ");
		go_time_short(out, p->time_nanos);
	}
	if (p->duration_nanos) {
		char dur[64], tot[64], pct[48] = "";
		units_label(dur, sizeof dur, p->duration_nanos, "nanoseconds", "auto");
		const char *unit;
		double ns = units_scale(r->total, r->sample_unit, "nanoseconds", &unit);
		if (!strcmp(unit, "ns") && ns != 0) {
			char pc[32];
			units_percentage(pc, sizeof pc, go_int64(ns), p->duration_nanos);
			snprintf(pct, sizeof pct, "(%s)", pc);
		}
		report_format_value(r, r->total, tot, sizeof tot);
		LINE();
		sb_addf(out, "Duration: %s, Total samples = %s %s", dur, tot, pct);
	}
#undef LINE
}

static void dropped_label(struct strbuf *out, size_t d, const char *n, const char *l, const char *f)
{
	sb_addf(out, "\nDropped %zu %s%s (%s <= %s)", d, n, d > 1 ? "s" : "", l, f);
}

void report_labels(const struct report *r, struct strbuf *out, int64_t shown_total, size_t node_count,
		   size_t orig_count, size_t dropped_nodes, int dropped_edges, bool full_headers)
{
	if (full_headers || !r->o.compact_labels)
		report_profile_labels(r, out);
	if (r->n_filters) {
		if (out->len)
			sb_addc(out, '\n');
		sb_adds(out, "Active filters:");
		for (size_t i = 0; i < r->n_filters; i++) {
			const char *f = r->filters[i];
			if (strlen(f) > 80)
				sb_addf(out, "\n   %.80s\xe2\x80\xa6", f);
			else
				sb_addf(out, "\n   %s", f);
		}
	}
	char shown[64], total[64], pct[32];
	report_format_value(r, shown_total, shown, sizeof shown);
	report_format_value(r, r->total, total, sizeof total);
	units_percentage(pct, sizeof pct, shown_total, r->total);
	const char *trimmed = pct;
	while (*trimmed == ' ')
		trimmed++;
	if (out->len)
		sb_addc(out, '\n');
	sb_addf(out, "Showing nodes accounting for %s, %s of %s total", shown, trimmed, total);
	if (r->total != 0) {
		char f[64];
		if (dropped_nodes > 0) {
			report_format_value(r, abs64(go_int64((double)r->total * r->o.nodefraction)), f, sizeof f);
			dropped_label(out, dropped_nodes, "node", "cum", f);
		}
		if (dropped_edges > 0) {
			report_format_value(r, abs64(go_int64((double)r->total * r->o.edgefraction)), f, sizeof f);
			dropped_label(out, (size_t)dropped_edges, "edge", "freq", f);
		}
		if (node_count > 0 && node_count < orig_count)
			sb_addf(out, "\nShowing top %zu nodes out of %zu", node_count, orig_count);
	}
	if (full_headers)
		sb_adds(out, "\n\nSee https://git.io/JfYMW for how to read the graph");
}

/* ---- the trimmed graph ---- */

static void select_output_unit(struct report *r, const struct graph *g)
{
	if (strcmp(r->output_unit, "minimum") != 0 || g->n == 0)
		return;
	int64_t min = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		int64_t v = abs64(node_flat(n));
		if (v == 0)
			v = abs64(node_cum(n));
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	int64_t max = r->total;
	if (min == 0)
		min = max;
	if (r->ratio > 0 && r->ratio != 1) {
		min = go_int64((double)min * r->ratio);
		max = go_int64((double)max * r->ratio);
	}
	const char *min_unit, *max_unit, *unit;
	units_scale(min, r->sample_unit, "minimum", &min_unit);
	units_scale(max, r->sample_unit, "minimum", &max_unit);
	unit = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && min * 100 < max && r->format != FMT_CALLGRIND)
		units_scale(100 * min, r->sample_unit, "minimum", &unit);
	free(r->output_unit);
	r->output_unit = xstrdup(unit[0] ? unit : r->sample_unit);
}

struct graph_options report_graph_options(const struct report *r)
{
	return (struct graph_options){
		.value_index = r->value_index,
		.mean_index = r->mean_index,
		.obj_names = r->format == FMT_RAW || r->format == FMT_LIST || r->format == FMT_WEBLIST ||
			     r->format == FMT_DIS || r->format == FMT_CALLGRIND,
		.drop_negative = r->o.drop_negative,
		.trim_path = r->o.trim_path,
		.source_path = r->o.source_path,
		.tags = r->format == FMT_DOT,
		.bytes_unit = report_label_unit(r, "bytes"),
		.tag_unit = r->output_unit,
	};
}

int report_trimmed_graph(struct report *r, struct trimmed *t)
{
	struct graph_options go = report_graph_options(r);
	bool visual = r->format == FMT_DOT;
	/* pprof honours call_tree only for the call graph outputs */
	bool tree = r->o.call_tree && (r->format == FMT_DOT || r->format == FMT_CALLGRIND);
	enum node_order order = visual ? ORDER_ENTROPY : !strcmp(r->o.sort, "cum") ? ORDER_CUM : ORDER_FLAT;
	struct graph *g;
	bool built = tree || r->o.nodefraction == 0;
	if (tree) {
		g = graph_tree_new(r->p, &go);
	} else if (built) {
		g = graph_new(r->p, &go);
	} else {
		/* edges are only needed once the nodes below the cutoff are known */
		g = graph_nodes(r->p, &go);
		graph_build_values(g);
	}
	memset(t, 0, sizeof *t);
	int64_t total = graph_flat_sum(g);
	int64_t node_cutoff = abs64(go_int64((double)total * r->o.nodefraction));
	int64_t edge_cutoff = abs64(go_int64((double)total * r->o.edgefraction));
	bool *kept = xcalloc(g->n_node + 1, sizeof *kept);
	if (node_cutoff > 0) {
		size_t n = graph_keep_by_cum(g, node_cutoff, kept);
		if (n != g->n) {
			t->dropped_nodes = g->n - n;
			if (tree)
				graph_trim_tree(g, kept);
			else
				graph_build(g, kept);
			built = true;
		}
	}
	if (!built)
		graph_build(g, NULL);
	g->tag_cutoff = node_cutoff;
	t->orig_count = g->n;
	graph_sort(g, order);
	if (r->o.nodecount > 0) {
		graph_trim_edges(g, edge_cutoff);
		size_t max = graph_top_count(g, (size_t)r->o.nodecount, visual);
		if (max != g->n) {
			memset(kept, 0, g->n_node * sizeof *kept);
			for (size_t i = 0; i < max; i++)
				kept[g->list[i]] = true;
			if (tree)
				graph_trim_tree(g, kept);
			else
				graph_build(g, kept);
			graph_sort(g, order);
		}
	}
	t->dropped_edges = graph_trim_edges(g, edge_cutoff);
	if (visual)
		graph_remove_redundant_edges(g);
	free(kept);
	t->g = g;
	select_output_unit(r, g);
	return 0;
}
