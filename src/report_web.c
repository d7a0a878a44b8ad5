/*
 * report_web: the web interface's views as data (WEB-PLAN.md's page-data
 * contract): the rows of -top, -list and the call graph, and the stack
 * tree of -flame, as JSON members the server puts into a page; and
 * -weblist, the Source view as one HTML file.
 *
 * Each is the report of its family (report_family) written another way:
 * the same trimmed graph, listing walk or stack tree, so the rows are the
 * CLI's rows. A view writes the page's title (pprof's: the legend's file
 * and type) on a line, then JSON object members without the braces:
 * "legend", "total", "unit", "sampleIndex", "docURL", then its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "graph_stack.h"
#include "json.h"
#include "report.h"

/* The flame view's data: frames of at least 1/5000 of the total, at most 30,000 of them. */
#define FLAME_MIN_SHARE (1.0 / 5000)
#define FLAME_MAX_FRAMES 30000
/* pprof's maxEntries: the functions a Source view lists. */
#define WEB_MAX_FUNCTIONS 50

/* ---- what every view has ---- */

static void common(struct report *r, const char *legend, struct strbuf *b)
{
	report_web_title(legend, b);
	sb_addc(b, '\n');
	json_key(b, "legend", true);
	json_lines(b, legend);
	json_key(b, "total", false);
	json_int(b, r->total);
	json_key(b, "unit", false);
	json_pstr(b, r->sample_unit);
	json_key(b, "sampleIndex", false);
	json_pstr(b, r->p->sample_type[r->value_index].type);
	json_key(b, "docURL", false);
	json_pstr(b, r->p->doc_url);
}

static int flush(struct strbuf *b, FILE *out)
{
	fwrite(sb_cstr(b), 1, b->len, out);
	sb_free(b);
	return 0;
}

/* json_trimmed writes a formatted value or percentage without the padding of -top's columns. */
static void json_trimmed(struct strbuf *b, const char *s)
{
	while (*s == ' ')
		s++;
	json_pstr(b, s);
}

/* ---- top ---- */

int report_web_top(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	struct strbuf labels = STRBUF_INIT, b = STRBUF_INIT;
	report_labels(r, &labels, graph_shown_total(g), g->n, t.orig_count, t.dropped_nodes, 0, false);
	common(r, sb_cstr(&labels), &b);
	sb_free(&labels);
	json_key(&b, "top", false);
	sb_addc(&b, '[');
	int64_t sum = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		int64_t flat = node_flat(&g->node[id]), cum = node_cum(&g->node[id]);
		struct columns c;
		report_column_text(r, flat, sum += flat, cum, &c);
		const char *suffix = report_inline_suffix(g, id);
		sb_adds(&b, i ? ",{" : "{");
		json_key(&b, "flat", true);
		json_trimmed(&b, c.flat);
		json_key(&b, "flatPct", false);
		json_trimmed(&b, c.flat_pct);
		json_key(&b, "sumPct", false);
		json_trimmed(&b, c.sum_pct);
		json_key(&b, "cum", false);
		json_trimmed(&b, c.cum);
		json_key(&b, "cumPct", false);
		json_trimmed(&b, c.cum_pct);
		json_key(&b, "name", false);
		json_pstr(&b, graph_printable(g, id));
		json_key(&b, "inline", false);
		if (!strcmp(suffix, " (partial-inline)"))
			json_pstr(&b, "partial");
		else
			json_bool(&b, suffix[0] != '\0');
		json_key(&b, "flatValue", false);
		json_int(&b, flat);
		json_key(&b, "cumValue", false);
		json_int(&b, cum);
		sb_addc(&b, '}');
	}
	sb_addc(&b, ']');
	graph_free(g);
	return flush(&b, out);
}

/* ---- graph ---- */

/*
 * The graph view's members, a newline, then the DOT text: the driver lays
 * the DOT out as SVG (render_gvc) and the server puts that in the page.
 */
int report_web_graph(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct report_dot_web web = { STRBUF_INIT, NULL, 0 };
	char *dot = NULL;
	size_t n = 0;
	FILE *mem = xopen_memstream(&dot, &n);
	report_dot_for_web(r, mem, &web);
	fclose(mem);
	struct strbuf b = STRBUF_INIT;
	common(r, sb_cstr(&web.legend), &b);
	/* dot numbers its nodes from 1 (N1): the name of node i is nodes[i] */
	json_key(&b, "nodes", false);
	sb_adds(&b, "[\"\"");
	for (size_t i = 0; i < web.n_names; i++) {
		sb_addc(&b, ',');
		json_pstr(&b, web.names[i]);
	}
	sb_adds(&b, "]\n");
	report_dot_web_free(&web);
	flush(&b, out);
	fwrite(dot, 1, n, out);
	free(dot);
	return 0;
}

/* ---- source listing ---- */

struct listing_json {
	struct strbuf *b;
	bool any_routine, in_lines, any_line;
};

static void close_routine(struct listing_json *j)
{
	if (j->in_lines)
		sb_adds(j->b, "]}");
	j->in_lines = false;
}

/* open_routine begins a function's object, after closing the one before. */
static void open_routine(struct listing_json *j, const char *name, const char *file)
{
	close_routine(j);
	sb_adds(j->b, j->any_routine ? ",{" : "{");
	j->any_routine = true;
	json_key(j->b, "name", true);
	json_pstr(j->b, name);
	json_key(j->b, "file", false);
	json_pstr(j->b, file);
}

static void lj_begin(void *ctx, const char *total)
{
	struct listing_json *j = ctx;
	json_key(j->b, "listingTotal", false);
	json_pstr(j->b, total);
	json_key(j->b, "listing", false);
	sb_addc(j->b, '[');
}

static void lj_routine(void *ctx, const char *name, const char *file, const char *flat, const char *cum,
		       const char *pct)
{
	struct listing_json *j = ctx;
	open_routine(j, name, file);
	json_key(j->b, "flat", false);
	json_trimmed(j->b, flat);
	json_key(j->b, "cum", false);
	json_trimmed(j->b, cum);
	json_key(j->b, "cumPct", false);
	json_trimmed(j->b, pct);
	json_key(j->b, "lines", false);
	sb_addc(j->b, '[');
	j->in_lines = true;
	j->any_line = false;
}

static void lj_line(void *ctx, int64_t lineno, const char *flat, const char *cum, bool hot, const char *text,
		    size_t len)
{
	struct listing_json *j = ctx;
	sb_adds(j->b, j->any_line ? ",{" : "{");
	j->any_line = true;
	json_key(j->b, "line", true);
	json_int(j->b, lineno);
	json_key(j->b, "flat", false);
	json_trimmed(j->b, flat);
	json_key(j->b, "cum", false);
	json_trimmed(j->b, cum);
	json_key(j->b, "text", false);
	json_bytes(j->b, text, len);
	json_key(j->b, "hot", false);
	json_bool(j->b, hot);
	sb_addc(j->b, '}');
}

static void lj_error(void *ctx, const char *msg)
{
	struct listing_json *j = ctx;
	sb_adds(j->b, "],");
	j->in_lines = false;
	json_key(j->b, "error", true);
	json_pstr(j->b, msg);
	sb_addc(j->b, '}');
}

static void lj_no_source(void *ctx, const char *name)
{
	struct listing_json *j = ctx;
	open_routine(j, name, "");
	json_key(j->b, "lines", false);
	sb_adds(j->b, "[]");
	json_key(j->b, "error", false);
	struct strbuf m = STRBUF_INIT;
	sb_addf(&m, "No source information for %s", name);
	json_pstr(j->b, sb_cstr(&m));
	sb_free(&m);
	sb_addc(j->b, '}');
}

static void lj_truncated(void *ctx)
{
	struct listing_json *j = ctx;
	close_routine(j);
	sb_adds(j->b, "],");
	json_key(j->b, "truncated", true);
	json_bool(j->b, true);
	j->b = NULL; /* the array is closed */
}

/* listing_members writes the Source view's members into b. */
static int listing_members(struct report *r, struct strbuf *b, char *err, size_t errsize)
{
	struct strbuf labels = STRBUF_INIT;
	report_profile_labels(r, &labels);
	common(r, sb_cstr(&labels), b);
	sb_free(&labels);
	struct listing_json j = { b, false, false, false };
	const struct listing_writer w = { lj_begin, lj_routine, lj_line, lj_error, lj_no_source, lj_truncated, &j };
	if (report_listing(r, &w, WEB_MAX_FUNCTIONS, err, errsize) < 0)
		return -1;
	if (j.b) {
		close_routine(&j);
		sb_addc(b, ']');
	}
	return 0;
}

int report_web_list(struct report *r, FILE *out, char *err, size_t errsize)
{
	struct strbuf b = STRBUF_INIT;
	if (listing_members(r, &b, err, errsize) < 0) {
		sb_free(&b);
		return -1;
	}
	return flush(&b, out);
}

/* ---- flame graph ---- */

struct flame_json {
	bool diff;
	struct strset names; /* the printable names of every tree's frames, each once */
	const char **fn, **file; /* per name: its function's name (as a regexp sees it) and file */
	size_t cap;
	struct strbuf inlined; /* the inlined frames' indices, JSON */
};

/* name_index is the index of frame f's name, added with its function and file when new. */
static uint32_t name_index(struct flame_json *fj, struct stack_tree *t, uint32_t f)
{
	const char *printable = f ? stack_frame_name(t, f) : "root";
	uint32_t i = strset_find(&fj->names, printable);
	if (i != UINT32_MAX)
		return i;
	i = strset_add(&fj->names, printable, NULL);
	GROW(fj->fn, fj->cap, fj->names.n);
	fj->file = xreallocarray(fj->file, fj->cap, sizeof *fj->file);
	const struct node_info *info = f ? &t->g->node[STACK_NODE(t->frame[f].key)].info : NULL;
	/* at files granularity a frame is its file: that is what a regexp matches */
	fj->fn[i] = !info ? "root" : info->name[0] ? info->name : info->file;
	fj->file[i] = info ? info->file : "";
	return i;
}

/* A frame's width: the new profile's value with a base, as -flame draws it. */
static int64_t width_of(const struct stack_tree *t, bool diff, uint32_t f)
{
	int64_t v = t->frame[f].total;
	if (diff)
		v += t->base[f].total;
	return v > 0 ? v : 0;
}

static int cmp_desc(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a > b ? -1 : a < b;
}

/* min_width is the width below which frames are left out so that at most FLAME_MAX_FRAMES stay. */
static int64_t min_width(const struct stack_tree *t, bool diff)
{
	if (t->n <= FLAME_MAX_FRAMES)
		return 0;
	int64_t *w = xmalloc(t->n * sizeof *w);
	for (size_t f = 0; f < t->n; f++)
		w[f] = width_of(t, diff, (uint32_t)f);
	qsort(w, t->n, sizeof *w, cmp_desc);
	/* children are never wider than their parent, so the widest frames form a tree */
	int64_t min = w[FLAME_MAX_FRAMES - 1];
	if (w[FLAME_MAX_FRAMES] == min)
		min++;
	free(w);
	return min;
}

/*
 * frames writes tree t as the flat array of WEB-PLAN.md: per frame its
 * parent's index (-1 for the root), its name's index, total, self, and
 * with a base the base's total; depth first, so a frame's children
 * follow it together, in the tree's order (by name).
 */
static void frames(struct flame_json *fj, struct stack_tree *t, struct strbuf *b)
{
	int64_t min = min_width(t, fj->diff);
	uint32_t *stack = xmalloc((t->n + 1) * sizeof *stack), *index = xmalloc((t->n + 1) * sizeof *index);
	size_t top = 0, written = 0;
	stack[top++] = 0;
	sb_addc(b, '[');
	uint32_t *kids = xmalloc((t->n + 1) * sizeof *kids);
	while (top) {
		uint32_t f = stack[--top];
		index[f] = (uint32_t)written++;
		uint32_t ni = name_index(fj, t, f);
		if (f && t->frame[f].key & STACK_INLINED)
			sb_addf(&fj->inlined, "%s%u", fj->inlined.len > 1 ? "," : "", index[f]);
		if (written > 1)
			sb_addc(b, ',');
		sb_addf(b, "%d,%u,", f ? (int)index[t->frame[f].parent] : -1, ni);
		json_int(b, t->frame[f].total);
		sb_addc(b, ',');
		json_int(b, t->frame[f].self);
		if (fj->diff) {
			sb_addc(b, ',');
			json_int(b, t->base[f].total);
		}
		/* children pushed last first, so they come out in order */
		size_t nk = 0;
		for (uint32_t c = t->frame[f].child; c != NO_INDEX; c = t->frame[c].sibling)
			if (width_of(t, fj->diff, c) >= min && width_of(t, fj->diff, c) > 0)
				kids[nk++] = c;
		while (nk)
			stack[top++] = kids[--nk];
	}
	sb_addc(b, ']');
	free(kids);
	free(stack);
	free(index);
}

/* json_array writes n strings, or (packages) the package each function name starts with. */
static void json_array(struct strbuf *b, const char *const *s, size_t n, bool packages)
{
	sb_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(b, ',');
		if (packages) {
			char *pkg = xstrndup(s[i], report_package_len(s[i]));
			json_pstr(b, pkg);
			free(pkg);
		} else {
			json_pstr(b, s[i]);
		}
	}
	sb_addc(b, ']');
}

static bool has_base(const struct profile *p)
{
	for (size_t s = 0; s < p->n_sample; s++)
		if (p->sample[s].n_label && sample_has_label(&p->sample[s], "pprof::base", "true"))
			return true;
	return false;
}

/*
 * The flame view's data. Per name index: "names" (the function's, as a
 * regexp matches it), "files", "labels" (the frame's name at the
 * granularity: with lines, "main.f file.go:12"), "packages" (colour
 * keys). "inlined": the indices of the frames that are inlined calls.
 * With a pivot (r->symbol, the p= parameter), as pprof's view pivots:
 * "frames" holds the matched frames and their callees, "callers" the same
 * frames (children of its root) and their callers, each caller a child of
 * its callee.
 */
int report_web_flame(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct flame_json fj = { 0 };
	fj.diff = has_base(r->p);
	struct graph_options go = report_graph_options(r);
	struct stack_tree *callees, *callers = NULL;
	bool outermost = false;
	if (r->symbol)
		outermost = stack_tree_pivot(r->p, &go, fj.diff, FLAME_MIN_SHARE, r->symbol, &callees, &callers);
	else
		callees = stack_tree_new(r->p, &go, fj.diff, FLAME_MIN_SHARE);
	struct strbuf labels = STRBUF_INIT, b = STRBUF_INIT, tree = STRBUF_INIT;
	report_profile_labels(r, &labels);
	for (size_t i = 0; i < r->n_filters; i++)
		sb_addf(&labels, "%s%s", labels.len ? "\n" : "", r->filters[i]);
	if (outermost)
		sb_addf(&labels, "%sThe pivot matches several frames of most stacks: each stack is shown from its "
			"outermost match only", labels.len ? "\n" : "");
	common(r, sb_cstr(&labels), &b);
	sb_free(&labels);
	json_key(&tree, "frames", true);
	sb_addc(&fj.inlined, '[');
	frames(&fj, callees, &tree);
	sb_addc(&fj.inlined, ']');
	json_key(&tree, "inlined", false);
	sb_addn(&tree, fj.inlined.s, fj.inlined.len);
	if (callers) {
		json_key(&tree, "callers", false);
		sb_reset(&fj.inlined);
		sb_addc(&fj.inlined, '[');
		frames(&fj, callers, &tree);
		sb_addc(&fj.inlined, ']');
		json_key(&tree, "callersInlined", false);
		sb_addn(&tree, fj.inlined.s, fj.inlined.len);
	}
	json_key(&b, "pivot", false);
	json_pstr(&b, r->symbol ? re_pattern(r->symbol) : "");
	json_key(&b, "pivotOutermost", false);
	json_bool(&b, outermost);
	json_key(&b, "flame", false);
	sb_addc(&b, '{');
	json_key(&b, "names", true);
	json_array(&b, fj.fn, fj.names.n, false);
	json_key(&b, "files", false);
	json_array(&b, fj.file, fj.names.n, false);
	json_key(&b, "labels", false);
	json_array(&b, fj.names.s, fj.names.n, false);
	json_key(&b, "packages", false);
	json_array(&b, fj.fn, fj.names.n, true);
	sb_addc(&b, ',');
	sb_addn(&b, tree.s, tree.len);
	json_key(&b, "diff", false);
	json_bool(&b, fj.diff);
	json_key(&b, "total", false);
	json_int(&b, callees->frame[0].total);
	if (fj.diff) {
		json_key(&b, "baseTotal", false);
		json_int(&b, callees->base[0].total);
	}
	json_key(&b, "unit", false);
	json_pstr(&b, r->sample_unit);
	json_key(&b, "ratio", false);
	json_double(&b, r->ratio);
	sb_addc(&b, '}');
	sb_free(&tree);
	sb_free(&fj.inlined);
	free(fj.fn);
	free(fj.file);
	strset_free(&fj.names);
	stack_tree_free(callers);
	stack_tree_free(callees);
	return flush(&b, out);
}

/* ---- pages ---- */

/* The scripts and style of each view, after those every page has. */
static const char *const page_js[] = { "common.js", "menus.js", "dialogs.js" };
static const struct {
	const char *view, *js[2], *css;
} view_assets[] = {
	{ "flamegraph", { "flametree.js", "stacks.js" }, "stacks.css" },
	{ "graph", { "graph.js", NULL }, "graph.css" },
	{ "top", { "top.js", NULL }, "top.css" },
	{ "peek", { "text.js", NULL }, "text.css" },
	{ "disasm", { "text.js", NULL }, "text.css" },
	{ "source", { "source.js", NULL }, "source.css" },
};

/* Until web/page.html exists, a page with the same placeholders. */
static const char stand_in_page[] =
	"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{{title}}</title>\n"
	"<style>{{style}}</style>\n</head>\n<body>\n<div id=\"errors\"></div>\n<div id=\"content\">{{body}}</div>\n"
	"<script id=\"pagedata\" type=\"application/json\">{{data}}</script>\n<script>{{script}}</script>\n"
	"</body>\n</html>\n";

/* put_asset writes a file of web/, and a newline after it (nothing for a missing one). */
static void put_asset(FILE *out, const char *name)
{
	size_t len;
	const char *a = name ? asset_find(name, &len) : NULL;
	if (a) {
		fwrite(a, 1, len, out);
		fputc('\n', out);
	}
}

static void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&#34;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

void report_web_page(FILE *out, const char *view, const char *title, const char *data, size_t data_len,
		     const char *body, size_t body_len)
{
	const char *const *js = NULL, *css = NULL;
	for (size_t i = 0; i < sizeof view_assets / sizeof view_assets[0]; i++)
		if (!strcmp(view_assets[i].view, view)) {
			js = view_assets[i].js;
			css = view_assets[i].css;
		}
	size_t len;
	const char *t = asset_find("page.html", &len);
	if (!t) {
		t = stand_in_page;
		len = sizeof stand_in_page - 1;
	}
	const char *end = t + len;
	while (t < end) {
		const char *open = strstr(t, "{{");
		const char *close = open ? strstr(open, "}}") : NULL;
		if (!close) {
			fwrite(t, 1, (size_t)(end - t), out);
			break;
		}
		fwrite(t, 1, (size_t)(open - t), out);
		size_t n = (size_t)(close - open - 2);
		const char *name = open + 2;
		if (n == 5 && !memcmp(name, "title", 5)) {
			html_text(out, title);
		} else if (n == 5 && !memcmp(name, "style", 5)) {
			put_asset(out, "common.css");
			put_asset(out, css);
		} else if (n == 6 && !memcmp(name, "script", 6)) {
			for (size_t i = 0; i < sizeof page_js / sizeof page_js[0]; i++)
				put_asset(out, page_js[i]);
			for (size_t i = 0; js && i < 2; i++)
				put_asset(out, js[i]);
		} else if (n == 4 && !memcmp(name, "data", 4)) {
			fwrite(data, 1, data_len, out);
		} else if (n == 4 && !memcmp(name, "body", 4)) {
			fwrite(body, 1, body_len, out);
		} else {
			fwrite(open, 1, n + 4, out); /* not a placeholder */
		}
		t = close + 2;
	}
}

/* report_web_title is pprof's page title: the legend's file and type ("unknown" when absent). */
void report_web_title(const char *legend, struct strbuf *out)
{
	static const char *const keys[] = { "File: ", "Type: " };
	for (int k = 0; k < 2; k++) {
		const char *found = "unknown";
		size_t n = strlen(found);
		for (const char *l = legend; *l;) {
			size_t len = strcspn(l, "\n");
			if (!strncmp(l, keys[k], strlen(keys[k])) && len >= strlen(keys[k])) {
				found = l + strlen(keys[k]);
				n = len - strlen(keys[k]);
				break;
			}
			l += len + (l[len] == '\n');
		}
		if (k)
			sb_addc(out, ' ');
		sb_addn(out, found, n);
	}
}

/*
 * -weblist: the Source view of the matched functions as one HTML file,
 * as pprof's weblist writes it: standalone, without the menus.
 */
int report_weblist(struct report *r, FILE *out, char *err, size_t errsize)
{
	struct strbuf members = STRBUF_INIT;
	if (listing_members(r, &members, err, errsize) < 0) {
		sb_free(&members);
		return -1;
	}
	/* the title's line, then the members */
	const char *nl = strchr(sb_cstr(&members), '\n');
	char *title = xstrndup(members.s, (size_t)(nl - members.s));
	struct strbuf data = STRBUF_INIT;
	sb_addc(&data, '{');
	json_key(&data, "view", true);
	json_pstr(&data, "source");
	json_key(&data, "standalone", false);
	json_bool(&data, true);
	json_key(&data, "title", false);
	json_pstr(&data, title);
	sb_adds(&data, ",\"errors\":[],\"sampleTypes\":[],\"params\":{},\"defaults\":{},\"configs\":[],\"help\":{},");
	sb_adds(&data, nl + 1);
	sb_addc(&data, '}');
	report_web_page(out, "source", title, data.s, data.len, "", 0);
	free(title);
	sb_free(&members);
	sb_free(&data);
	return 0;
}
