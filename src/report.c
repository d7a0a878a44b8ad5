/*
 * report: what the output formats share: values in the report's unit,
 * the header and legend lines, and the trimmed graph of pprof's
 * newTrimmedGraph.
 */
#include "report.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "units.h"

const char *report_label_unit(const struct report *r, const char *key)
{
	for (size_t i = 0; i < r->n_units; i++)
		if (!strcmp(r->units[i].key, key))
			return r->units[i].unit;
	return "";
}

/* ---- values and labels ---- */

void report_format_value(const struct report *r, int64_t v, char *buf, size_t size)
{
	if (r->ratio > 0 && r->ratio != 1)
		v = go_int64((double)v * r->ratio);
	units_label(buf, size, v, r->sample_unit, r->output_unit);
}

void report_flush(struct strbuf *b, FILE *out, size_t at)
{
	if (b->len >= at && b->len) {
		fwrite(b->s, 1, b->len, out);
		sb_reset(b);
	}
}

struct report_writer {
	FILE *out;
	pthread_t thread;
	bool threaded;
	pthread_mutex_t lock;
	pthread_cond_t moved;
	/* under lock: the block to write (its length 0: none) and whether to end */
	struct strbuf block;
	bool end;
};

static void *write_blocks(void *arg)
{
	struct report_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->block.len && !w->end)
			pthread_cond_wait(&w->moved, &w->lock);
		if (!w->block.len)
			break;
		pthread_mutex_unlock(&w->lock);
		fwrite(w->block.s, 1, w->block.len, w->out); /* a failed write shows in out's error flag */
		pthread_mutex_lock(&w->lock);
		sb_reset(&w->block);
		pthread_cond_broadcast(&w->moved);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct report_writer *report_writer_start(FILE *out)
{
	struct report_writer *w = xcalloc(1, sizeof *w);
	w->out = out;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->moved, NULL);
	w->threaded = pthread_create(&w->thread, NULL, write_blocks, w) == 0;
	return w;
}

void report_writer_flush(struct report_writer *w, struct strbuf *b, size_t at)
{
	if (!w->threaded) {
		report_flush(b, w->out, at);
		return;
	}
	if (b->len < at || !b->len)
		return;
	pthread_mutex_lock(&w->lock);
	while (w->block.len)
		pthread_cond_wait(&w->moved, &w->lock);
	/* b's block goes to the writer; b takes the one it has written */
	struct strbuf written = w->block;
	w->block = *b;
	*b = written;
	pthread_cond_broadcast(&w->moved);
	pthread_mutex_unlock(&w->lock);
}

void report_writer_end(struct report_writer *w)
{
	if (w->threaded) {
		pthread_mutex_lock(&w->lock);
		w->end = true;
		pthread_cond_broadcast(&w->moved);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->moved);
	sb_free(&w->block);
	free(w);
}

void report_column_text(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, struct columns *c)
{
	report_format_value(r, flat, c->flat, sizeof c->flat);
	report_format_value(r, cum, c->cum, sizeof c->cum);
	units_percentage(c->flat_pct, sizeof c->flat_pct, flat, r->total);
	units_percentage(c->sum_pct, sizeof c->sum_pct, flat_sum, r->total);
	units_percentage(c->cum_pct, sizeof c->cum_pct, cum, r->total);
}

void report_columns(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, FILE *out)
{
	struct columns c;
	report_column_text(r, flat, flat_sum, cum, &c);
	fprintf(out, "%10s %s %s %10s %s", c.flat, c.flat_pct, c.sum_pct, c.cum, c.cum_pct);
}

const char *report_inline_suffix(const struct graph *g, uint32_t id)
{
	const struct gnode *n = &g->node[id];
	bool inl = false, noinl = false;
	if (g->inline_known) {
		inl = n->inline_in & INLINE_IN_ALL;
		noinl = n->inline_in & INLINE_IN_NOT;
	}
	for (uint32_t j = 0; j < n->n_in; j++) {
		const struct gedge *e = &g->edge[n->in[j]];
		if (e->removed)
			continue;
		if (e->inline_)
			inl = true;
		else
			noinl = true;
	}
	return inl ? (noinl ? " (partial-inline)" : " (inline)") : "";
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

/* ---- SVG ---- */

static size_t utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t report_xml_text(FILE *out, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	while (*p) {
		size_t n = utf8_seq(p);
		if (chars < max_chars) {
			if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n'))
				fputs("\xef\xbf\xbd", out);
			else if (*p == '&')
				fputs("&amp;", out);
			else if (*p == '<')
				fputs("&lt;", out);
			else if (*p == '>')
				fputs("&gt;", out);
			else if (*p == '"')
				fputs("&quot;", out);
			else
				fwrite(p, 1, n, out);
		}
		p += n ? n : 1;
		chars++;
	}
	return chars;

}

/*
 * The package of a function name: a C++ name's first namespace, a Go
 * name's import path and package ("net/http.(*conn).serve" ->
 * "net/http"), else the name itself.
 */
size_t report_package_len(const char *name)
{
	const char *colons = strstr(name, "::");
	const char *paren = strchr(name, '(');
	if (colons && (!paren || colons < paren))
		return (size_t)(colons - name);
	const char *slash = strrchr(name, '/');
	const char *start = slash ? slash + 1 : name;
	const char *dot = strchr(start, '.');
	if (dot && dot != start)
		return (size_t)(dot - name);
	return strlen(name);
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
	report_minimum_unit(r, min, r->total);
}

void report_minimum_unit(struct report *r, int64_t min, int64_t max)
{
	if (strcmp(r->output_unit, "minimum") != 0)
		return;
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

enum report_format report_family(enum report_format f)
{
	switch (f) {
	case FMT_WEB_TOP:
		return FMT_TEXT;
	case FMT_WEB_GRAPH:
		return FMT_DOT;
	case FMT_WEB_LIST:
	case FMT_WEBLIST:
		return FMT_LIST;
	case FMT_WEB_FLAME:
		return FMT_FLAME;
	default:
		return f;
	}
}

struct graph *report_valued_graph(const struct report *r, const struct graph_options *go)
{
	struct graph *g = r->graphs ? graph_cache_values(r->graphs, go) : NULL;
	if (!g) {
		g = graph_nodes(r->p, go);
		graph_build_values(g);
	}
	return g;
}

struct graph_options report_graph_options(const struct report *r)
{
	enum report_format f = report_family(r->format);
	return (struct graph_options){
		.value_index = r->value_index,
		.mean_index = r->mean_index,
		.obj_names = f == FMT_RAW || f == FMT_LIST || f == FMT_DIS || f == FMT_CALLGRIND,
		.drop_negative = r->o.drop_negative,
		.trim_path = r->o.trim_path,
		.source_path = r->o.source_path,
		.tags = f == FMT_DOT,
		.bytes_unit = report_label_unit(r, "bytes"),
		.tag_unit = r->output_unit,
	};
}

/*
 * keep_or_build is graph_build, or for a text report (which reads a
 * node's edges only for its inline suffix) graph_keep and what
 * graph_inline_in finds of the edges into each node. The nodes' values
 * are the same either way, a kept node's being the same whichever others
 * are kept.
 */
static void keep_or_build(struct graph *g, const bool *kept, bool text, int64_t edge_cutoff)
{
	if (text) {
		graph_keep(g, kept);
		if (graph_inline_in(g, kept, edge_cutoff))
			return;
	}
	graph_build(g, kept);
}

/*
 * report_trimmed_graph trims as pprof's newTrimmedGraph: nodes under the
 * node fraction go, then all but the first nodecount. Each step rebuilds
 * the edges from the samples, a walk of every frame; the lazy outputs
 * only count and order nodes before the last step, so they build edges
 * once, for the nodes they show, and the text ones none at all (see
 * keep_or_build): the shell's top (ten nodes) on the 46 MB bench profile
 * walked its 70 M frames three times, then twice (values, then the ten
 * nodes' edges), now once and a tenth (the inlined node's samples).
 */
int report_trimmed_graph(struct report *r, struct trimmed *t)
{
	struct graph_options go = report_graph_options(r);
	enum report_format f = report_family(r->format);
	bool visual = f == FMT_DOT;
	/* pprof honours call_tree only for the call graph outputs */
	bool tree = r->o.call_tree && (f == FMT_DOT || f == FMT_CALLGRIND);
	/* orders by entropy and tag counts read the edges and tags of each step */
	bool lazy = !tree && !visual;
	bool text = f == FMT_TEXT;
	enum node_order order = visual ? ORDER_ENTROPY : !strcmp(r->o.sort, "cum") ? ORDER_CUM : ORDER_FLAT;
	struct graph *g;
	bool built = tree || r->o.nodefraction == 0;
	if (tree) {
		g = graph_tree_new(r->p, &go);
	} else if (lazy || !built) {
		/* edges are only needed once the nodes below the cutoff are known */
		g = report_valued_graph(r, &go);
	} else {
		g = graph_new(r->p, &go);
	}
	memset(t, 0, sizeof *t);
	int64_t total = graph_flat_sum(g);
	int64_t node_cutoff = abs64(go_int64((double)total * r->o.nodefraction));
	int64_t edge_cutoff = abs64(go_int64((double)total * r->o.edgefraction));
	bool *kept = xcalloc(g->n_node + 1, sizeof *kept);
	/* lazy: the edges of every node (or of the kept ones) are still to be built */
	bool pending = lazy, pending_kept = false;
	if (node_cutoff > 0) {
		size_t n = graph_keep_by_cum(g, node_cutoff, kept);
		if (n != g->n) {
			t->dropped_nodes = g->n - n;
			if (tree)
				graph_trim_tree(g, kept);
			else if (lazy)
				graph_keep(g, kept);
			else
				graph_build(g, kept);
			pending_kept = lazy;
			built = true;
		}
	}
	if (!built && !lazy)
		graph_build(g, NULL);
	g->tag_cutoff = node_cutoff;
	t->orig_count = g->n;
	graph_sort(g, order);
	if (r->o.nodecount > 0) {
		if (!pending)
			graph_trim_edges(g, edge_cutoff);
		size_t max = graph_top_count(g, (size_t)r->o.nodecount, visual);
		if (max != g->n) {
			memset(kept, 0, g->n_node * sizeof *kept);
			for (size_t i = 0; i < max; i++)
				kept[g->list[i]] = true;
			if (tree)
				graph_trim_tree(g, kept);
			else
				keep_or_build(g, kept, text, edge_cutoff);
			graph_sort(g, order);
			pending = false;
		} else if (pending) {
			/* the edges of this step were trimmed once before the final count */
			keep_or_build(g, pending_kept ? kept : NULL, text, edge_cutoff);
			graph_sort(g, order);
			graph_trim_edges(g, edge_cutoff);
			pending = false;
		}
	}
	if (pending && !pending_kept && r->symbol && f == FMT_TREE) {
		/* peek: only the matching nodes' edges are shown */
		memset(kept, 0, g->n_node * sizeof *kept);
		for (size_t i = 0; i < g->n; i++)
			kept[g->list[i]] = re_match(r->symbol, graph_printable(g, g->list[i]));
		graph_build_around(g, kept);
		graph_sort(g, order);
	} else if (pending) {
		keep_or_build(g, pending_kept ? kept : NULL, text, edge_cutoff);
		graph_sort(g, order);
	}
	t->dropped_edges = graph_trim_edges(g, edge_cutoff);
	if (visual)
		graph_remove_redundant_edges(g);
	free(kept);
	t->g = g;
	select_output_unit(r, g);
	return 0;
}
