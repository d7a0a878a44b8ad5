/*
 * report_dot: -dot, the call graph in Graphviz's DOT language, as pprof's
 * ComposeDot writes it: the legend box, a box per node with its nodelets
 * (tags), then the edges heaviest first. The image formats (-svg, -png,
 * ...) lay this text out with render_gvc.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"

enum { MAX_NODELETS = 4 };


/* escape_dot is pprof's escapeForDot: \ and " escaped, newlines made left-justified. */
static void escape_dot(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sb_addc(out, '\\');
		if (*s == '\n')
			sb_adds(out, "\\l");
		else
			sb_addc(out, *s);
	}
}

/* pprof's dotColor: grey near 0, shading to red for positive scores and green for negative ones. */
static void dot_color(char buf[8], double score, bool background)
{
	const double shift = 0.7;
	double saturation = background ? 0.1 : 1.0, value = background ? 0.93 : 0.7;
	score = fmax(-1.0, fmin(1.0, score));
	if (fabs(score) < 0.2)
		saturation *= fabs(score) / 0.2;
	if (score > 0.0)
		score = pow(score, 1.0 - shift);
	if (score < 0.0)
		score = -pow(-score, 1.0 - shift);
	double r, g, b;
	if (score < 0.0) {
		g = value;
		r = value * (1 + saturation * score);
	} else {
		r = value;
		g = value * (1 - saturation * score);
	}
	b = value * (1 - saturation);
	/* Go converts a NaN (a zero total) to 0 here. */
	double c[3] = { r * 255.0, g * 255.0, b * 255.0 };
	unsigned v[3];
	for (int i = 0; i < 3; i++)
		v[i] = isnan(c[i]) ? 0 : (unsigned)(uint8_t)(int64_t)c[i];
	snprintf(buf, 8, "#%02x%02x%02x", v[0], v[1], v[2]);
}

struct dot {
	struct report *r;
	struct graph *g;
	FILE *out;
	uint32_t *id; /* node → its number in the graph (1-based); 0 when not shown */
	struct shortener *shortener;
};

static void value(const struct dot *d, int64_t v, char *buf, size_t size)
{
	report_format_value(d->r, v, buf, size);
}

static void percentage(const struct dot *d, int64_t v, char *buf, size_t size)
{
	char p[32];
	units_percentage(p, sizeof p, v, d->r->total);
	const char *s = p;
	while (*s == ' ')
		s++;
	snprintf(buf, size, "%s", s);
}

static void legend(struct dot *d, const struct trimmed *t)
{
	struct report *r = d->r;
	struct strbuf labels = STRBUF_INIT, esc = STRBUF_INIT;
	report_labels(r, &labels, graph_shown_total(d->g), d->g->n, t->orig_count, t->dropped_nodes,
		      t->dropped_edges, true);
	/* the title is the first label; labels are joined by \l, and escaping turns newlines into \l too */
	const char *all = sb_cstr(&labels), *nl = strchr(all, '\n');
	char *title = xstrndup(all, nl ? (size_t)(nl - all) : strlen(all));
	fprintf(d->out, "subgraph cluster_L { \"");
	escape_dot(&esc, title);
	fprintf(d->out, "%s\" [shape=box fontsize=16", sb_cstr(&esc));
	sb_reset(&esc);
	escape_dot(&esc, all);
	fprintf(d->out, " label=\"%s\\l\"", sb_cstr(&esc));
	if (r->title && r->title[0])
		fprintf(d->out, " tooltip=\"%s\"", r->title);
	fprintf(d->out, "] }\n");
	free(title);
	sb_free(&labels);
	sb_free(&esc);
}

/*
 * dot_name is the function name as a dot label shows it: shortened,
 * escaped, one line per "::" or "." part, Go's "[...]" kept as "[…]".
 */
static void dot_name(struct dot *d, const char *name, struct strbuf *out)
{
	struct strbuf shortened = STRBUF_INIT, esc = STRBUF_INIT;
	shorten_name(d->shortener, name, &shortened);
	escape_dot(&esc, sb_cstr(&shortened));
	for (const char *s = sb_cstr(&esc); *s;) {
		if (s[0] == ':' && s[1] == ':') {
			sb_adds(out, "\\n");
			s += 2;
		} else if (!strncmp(s, "[...]", 5)) {
			sb_adds(out, "[\xe2\x80\xa6]");
			s += 5;
		} else if (*s == '.') {
			sb_adds(out, "\\n");
			s++;
		} else {
			sb_addc(out, *s++);
		}
	}
	sb_free(&shortened);
	sb_free(&esc);
}

/* multiline_name is pprof's multilinePrintableName: the name's components, a line each. */
static void multiline_name(struct dot *d, const struct node_info *i, struct strbuf *out)
{
	const char *sep = "";
#define NEXT() (sb_adds(out, sep), sep = "\\n")
	if (i->address) {
		NEXT();
		sb_addf(out, "%016" PRIx64, i->address);
	}
	if (i->name[0]) {
		NEXT();
		dot_name(d, i->name, out);
	}
	struct strbuf base = STRBUF_INIT;
	if (i->file[0])
		path_base(i->file, &base);
	if (i->lineno) {
		NEXT();
		sb_addf(out, "%s:%" PRId64, sb_cstr(&base), i->lineno);
		if (i->columnno)
			sb_addf(out, ":%" PRId64, i->columnno);
	} else if (i->file[0]) {
		NEXT();
		sb_adds(out, sb_cstr(&base));
	} else if (i->name[0]) {
		/* the name alone */
	} else if (i->objfile[0]) {
		sb_reset(&base);
		path_base(i->objfile, &base);
		NEXT();
		sb_addf(out, "[%s]", sb_cstr(&base));
	} else {
		NEXT();
		sb_adds(out, "<unknown>");
	}
#undef NEXT
	sb_adds(out, "\\n");
	sb_free(&base);
}

static void add_node(struct dot *d, uint32_t n, double max_flat)
{
	const struct gnode *node = &d->g->node[n];
	int64_t flat = node_flat(node), cum = node_cum(node);
	struct strbuf label = STRBUF_INIT, tip = STRBUF_INIT;
	multiline_name(d, &node->info, &label);
	char fv[64], cv[64], pc[32];
	value(d, flat, fv, sizeof fv);
	if (flat != 0) {
		percentage(d, flat, pc, sizeof pc);
		sb_addf(&label, "%s (%s)", fv, pc);
	} else {
		sb_adds(&label, "0");
	}
	snprintf(cv, sizeof cv, "%s", fv);
	if (cum != flat) {
		sb_adds(&label, flat != 0 ? "\\n" : " ");
		value(d, cum, cv, sizeof cv);
		percentage(d, cum, pc, sizeof pc);
		sb_addf(&label, "of %s (%s)", cv, pc);
	}
	/* font sizes grow from 8 to 24 with the square root of the flat share */
	int font = 8;
	if (max_flat != 0 && flat != 0 && (double)abs64(flat) <= max_flat)
		font += (int)ceil(16.0 * sqrt((double)abs64(flat) / max_flat));
	escape_dot(&tip, graph_printable(d->g, n));
	double score = (double)cum / (double)abs64(d->r->total);
	char fg[8], bg[8];
	dot_color(fg, score, false);
	dot_color(bg, score, true);
	fprintf(d->out,
		"N%" PRIu32 " [label=\"%s\" id=\"node%" PRIu32
		"\" fontsize=%d shape=box tooltip=\"%s (%s)\" color=\"%s\" fillcolor=\"%s\"]\n",
		d->id[n], sb_cstr(&label), d->id[n], font, sb_cstr(&tip), cv, fg, bg);
	sb_free(&label);
	sb_free(&tip);
}

/* ---- nodelets ---- */

/* A tag as a nodelet shows it: a numeric group's values are already divided. */
struct nodelet {
	const char *name;
	char *owned; /* name, when made here */
	int64_t flat, cum;         /* for ordering: the raw weights */
	int64_t flat_value, cum_value;
	int64_t value;
	const struct gtag *tag; /* NULL for a group */
};

static int cmp_nodelets(const struct nodelet *a, const struct nodelet *b, bool flat)
{
	if (!flat && a->cum != b->cum) {
		int64_t x = abs64(a->cum), y = abs64(b->cum);
		if (x != y)
			return x > y ? -1 : 1;
	}
	if (a->flat != b->flat) {
		int64_t x = abs64(a->flat), y = abs64(b->flat);
		if (x != y)
			return x > y ? -1 : 1;
	}
	return nul_strcmp(a->name, b->name);
}

static int cmp_flat_nodelets(const void *a, const void *b)
{
	return cmp_nodelets(a, b, true);
}

static int cmp_cum_nodelets(const void *a, const void *b)
{
	return cmp_nodelets(a, b, false);
}

/* pprof's SortTags: by flat (or cum, then flat) weight, then name. */
static void sort_nodelets(struct nodelet *t, size_t n, bool flat)
{
	qsort(t, n, sizeof *t, flat ? cmp_flat_nodelets : cmp_cum_nodelets);
}

static struct nodelet from_tag(const struct graph *g, const struct gtag *t)
{
	return (struct nodelet){ tag_name(g, t), NULL, t->flat, t->cum, tag_flat(t), tag_cum(t), t->value, t };
}

/*
 * collapse groups numeric tags into at most count buckets around the
 * heaviest ones, labelled "min..max" (pprof's collapsedTags). All numeric
 * tags share one unit (bytes), so distances are plain differences.
 */
static size_t collapse(const struct dot *d, struct nodelet *t, size_t n, size_t count, bool flat)
{
	sort_nodelets(t, n, flat);
	if (n <= count)
		return n;
	size_t *group = xcalloc(n, sizeof *group);
	for (size_t i = 0; i < count; i++)
		group[i] = i;
	for (size_t i = count; i < n; i++) {
		size_t best = 0;
		double dist = fabs((double)t[i].value - (double)t[0].value);
		for (size_t k = 1; k < count; k++) {
			double nd = fabs((double)t[i].value - (double)t[k].value);
			if (nd < dist) {
				best = k;
				dist = nd;
			}
		}
		group[i] = best;
	}
	const char *unit = report_label_unit(d->r, "bytes");
	struct nodelet *out = xcalloc(count, sizeof *out);
	for (size_t k = 0; k < count; k++) {
		size_t members = 0, min = k, max = k;
		int64_t f = 0, df = 0, c = 0, dc = 0;
		for (size_t i = 0; i < n; i++) {
			if (group[i] != k)
				continue;
			members++;
			if (t[i].value < t[min].value)
				min = i;
			if (t[i].value > t[max].value)
				max = i;
			f += t[i].tag->flat;
			df += t[i].tag->flat_div;
			c += t[i].tag->cum;
			dc += t[i].tag->cum_div;
		}
		char lo[64], hi[64];
		units_label(lo, sizeof lo, t[min].value, unit, "auto");
		if (members == 1) {
			out[k] = (struct nodelet){ NULL, xstrdup(lo), t[k].flat_value, t[k].cum_value, t[k].flat_value,
						   t[k].cum_value, t[k].value, NULL };
		} else {
			units_label(hi, sizeof hi, t[max].value, unit, "auto");
			struct strbuf b = STRBUF_INIT;
			sb_addf(&b, "%s..%s", lo, hi);
			if (df != 0)
				f /= df;
			if (dc != 0)
				c /= dc;
			out[k] = (struct nodelet){ NULL, b.s, f, c, f, c, 0, NULL };
		}
		out[k].name = out[k].owned;
	}
	memcpy(t, out, count * sizeof *t);
	free(out);
	free(group);
	sort_nodelets(t, count, flat);
	return count;
}

static bool numeric_nodelets(struct dot *d, struct nodelet *t, size_t n, bool flat, const char *source)
{
	bool any = false;
	n = collapse(d, t, n, MAX_NODELETS, flat);
	for (size_t j = 0; j < n; j++) {
		int64_t w = t[j].cum_value;
		const char *attr = " style=\"dotted\"";
		if (flat || t[j].flat_value == t[j].cum_value) {
			w = t[j].flat_value;
			attr = "";
		}
		if (w == 0)
			continue;
		char wv[64];
		value(d, w, wv, sizeof wv);
		fprintf(d->out, "N%s_%zu [label = \"%s\" id=\"N%s_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n", source,
			j, t[j].name, source, j, wv);
		fprintf(d->out, "%s -> N%s_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"%s]\n", source,
			source, j, wv, wv, wv, attr);
		any = true;
	}
	for (size_t j = 0; j < n; j++)
		free(t[j].owned);
	return any;
}

/* The numeric tags of node n under label set set, as nodelets. */
static size_t numeric_tags(const struct graph *g, uint32_t n, uint32_t set, struct nodelet *out)
{
	size_t k = 0;
	for (uint32_t i = g->node_tag_off[n]; i < g->node_tag_off[n + 1]; i++) {
		const struct gtag *t = &g->tag[g->node_tags[i]];
		if (t->name != NO_INDEX && t->set == set && tag_kept(g, t))
			out[k++] = from_tag(g, t);
	}
	return k;
}

static bool has_live_out(const struct graph *g, uint32_t n)
{
	const struct gnode *node = &g->node[n];
	for (uint32_t j = 0; j < node->n_out; j++)
		if (!g->edge[node->out[j]].removed)
			return true;
	return false;
}

/* add_nodelets is pprof's addNodelets; it reports whether the node got any. */
static bool add_nodelets(struct dot *d, uint32_t n)
{
	const struct graph *g = d->g;
	uint32_t ntags = g->node_tag_off[n + 1] - g->node_tag_off[n];
	if (ntags == 0)
		return false;
	/* leaves show cum tags (weight of deleted children included), inner nodes flat ones */
	bool flat = has_live_out(g, n);
	struct nodelet *labels = xcalloc(ntags, sizeof *labels), *nums = xcalloc(ntags, sizeof *nums);
	size_t nl = 0;
	for (uint32_t i = g->node_tag_off[n]; i < g->node_tag_off[n + 1]; i++) {
		const struct gtag *t = &g->tag[g->node_tags[i]];
		if (t->name == NO_INDEX && tag_kept(g, t))
			labels[nl++] = from_tag(g, t);
	}
	sort_nodelets(labels, nl, flat);
	if (nl > MAX_NODELETS)
		nl = MAX_NODELETS;
	bool any = false;
	char source[48];
	for (size_t i = 0; i < nl; i++) {
		int64_t w = flat ? labels[i].flat_value : labels[i].cum_value;
		if (w == 0)
			continue;
		char wv[64];
		value(d, w, wv, sizeof wv);
		uint32_t id = d->id[n];
		fprintf(d->out,
			"N%" PRIu32 "_%zu [label = \"%s\" id=\"N%" PRIu32 "_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n",
			id, i, labels[i].name, id, i, wv);
		fprintf(d->out,
			"N%" PRIu32 " -> N%" PRIu32
			"_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"]\n",
			id, id, i, wv, wv, wv);
		any = true;
		size_t nn = numeric_tags(g, n, labels[i].tag->set, nums);
		if (nn) {
			snprintf(source, sizeof source, "N%" PRIu32 "_%zu", id, i);
			numeric_nodelets(d, nums, nn, flat, source);
		}
	}
	size_t nn = numeric_tags(g, n, 0, nums);
	if (nn) {
		snprintf(source, sizeof source, "N%" PRIu32, d->id[n]);
		any |= numeric_nodelets(d, nums, nn, flat, source);
	}
	free(labels);
	free(nums);
	return any;
}

/* ---- edges ---- */

static int64_t mul_wrap(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b); /* Go's int64 arithmetic wraps */
}

static void add_edge(struct dot *d, const struct gedge *e, bool has_nodelets)
{
	struct report *r = d->r;
	int64_t wv = edge_weight(e);
	char w[64];
	value(d, wv, w, sizeof w);
	struct strbuf attr = STRBUF_INIT;
	sb_addf(&attr, "label=\" %s%s\"", w, e->inline_ ? "\\n (inline)" : "");
	if (r->total != 0) {
		int64_t weight = abs64(mul_wrap(wv, 100) / r->total), width = abs64(mul_wrap(wv, 5) / r->total);
		weight = 1 + (weight < 100 ? weight : 100);
		width = 1 + (width < 5 ? width : 5);
		if (weight > 1)
			sb_addf(&attr, " weight=%" PRId64, weight);
		if (width > 1)
			sb_addf(&attr, " penwidth=%" PRId64, width);
		char c[8];
		dot_color(c, (double)wv / (double)abs64(r->total), false);
		sb_addf(&attr, " color=\"%s\"", c);
	}
	struct strbuf tip = STRBUF_INIT;
	sb_addc(&tip, '"');
	escape_dot(&tip, graph_printable(d->g, e->src));
	sb_addf(&tip, " %s ", e->residual ? "..." : "->");
	escape_dot(&tip, graph_printable(d->g, e->dest));
	sb_addf(&tip, " (%s)\"", w);
	sb_addf(&attr, " tooltip=%s labeltooltip=%s", sb_cstr(&tip), sb_cstr(&tip));
	if (e->residual)
		sb_adds(&attr, " style=\"dotted\"");
	if (has_nodelets)
		sb_adds(&attr, " minlen=2");
	fprintf(d->out, "N%" PRIu32 " -> N%" PRIu32 " [%s]\n", d->id[e->src], d->id[e->dest], sb_cstr(&attr));
	sb_free(&attr);
	sb_free(&tip);
}

/*
 * write_dot writes the graph. With web, as pprof's web view wants it: no
 * legend box (its lines go to web->legend instead), and the nodes' names
 * in the order of their numbers (N1, N2, ...) in web->names.
 */
static void write_dot(struct report *r, FILE *out, struct report_dot_web *web)
{
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	struct dot d = { r, g, out, NULL, NULL };
	fprintf(out, "digraph \"%s\" {\n", r->title && r->title[0] ? r->title : "unnamed");
	fprintf(out, "node [style=filled fillcolor=\"#f8f8f8\"]\n");
	if (web) {
		report_labels(r, &web->legend, graph_shown_total(g), g->n, t.orig_count, t.dropped_nodes,
			      t.dropped_edges, true);
		web->names = xcalloc(g->n + 1, sizeof *web->names);
		web->n_names = g->n;
		for (size_t i = 0; i < g->n; i++)
			web->names[i] = xstrdup(g->node[g->list[i]].info.name);
	} else {
		legend(&d, &t);
	}
	if (g->n > 0) {
		graph_ensure_tags(g);
		d.id = xcalloc(g->n_node + 1, sizeof *d.id);
		d.shortener = shortener_new();
		bool *nodelets = xcalloc(g->n_node + 1, sizeof *nodelets);
		double max_flat = (double)abs64(node_flat(&g->node[g->list[0]]));
		for (size_t i = 0; i < g->n; i++) {
			d.id[g->list[i]] = (uint32_t)(i + 1);
			double f = (double)abs64(node_flat(&g->node[g->list[i]]));
			if (f > max_flat)
				max_flat = f;
		}
		for (size_t i = 0; i < g->n; i++) {
			add_node(&d, g->list[i], max_flat);
			if (g->o.tags)
				nodelets[g->list[i]] = add_nodelets(&d, g->list[i]);
		}
		uint32_t *edges;
		size_t ne = graph_all_edges(g, &edges);
		for (size_t i = 0; i < ne; i++)
			add_edge(&d, &g->edge[edges[i]], nodelets[g->edge[edges[i]].src]);
		free(edges);
		free(nodelets);
		free(d.id);
		shortener_free(d.shortener);
	}
	fprintf(out, "}\n");
	graph_free(g);
}

int report_dot(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	write_dot(r, out, NULL);
	return 0;
}

void report_dot_for_web(struct report *r, FILE *out, struct report_dot_web *web)
{
	write_dot(r, out, web);
}

void report_dot_web_free(struct report_dot_web *web)
{
	sb_free(&web->legend);
	for (size_t i = 0; i < web->n_names; i++)
		free(web->names[i]);
	free(web->names);
}
