/*
 * report_flame: a flame graph as one self-contained SVG file, drawn as
 * flamegraph.pl draws it (root at the bottom, or at the top with
 * -icicle): a box per frame of the stack tree, as wide as its total,
 * children left to right by name, coloured by package. Its script and
 * style (web/flame.js, web/flame.css, compiled in) add hover details,
 * click to zoom, search and reset; without a script the boxes still show
 * their names and, as tooltips, their values.
 *
 * Frames narrower than MIN_WIDTH_PX are not drawn: their share stays in
 * their parent's box, whose remainder they were. That bounds each row by
 * the picture's width rather than the profile's size; and when a deep
 * profile would still draw more than MAX_FRAMES boxes (the bench profile
 * `deep` had 708,000, 155 MB of SVG), only the MAX_FRAMES widest are, so
 * that any flame graph stays a file a browser opens at once (under 5 MB).
 *
 * With a base (samples labelled pprof::base) a box is as wide as the new
 * profile's value, and coloured by its change: red grows, blue shrinks,
 * the more saturated the larger the change.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "gofmt.h"
#include "graph_stack.h"
#include "report.h"
#include "units.h"

#define WIDTH_PX 1200.0
#define PAD_PX 10.0
#define FRAME_PX 16
#define FONT_PX 12
#define CHAR_PX (FONT_PX * 0.59) /* flamegraph.pl's average glyph width */
#define TOP_PX 64                /* title, subtitle, controls */
#define BOTTOM_PX 36             /* details line */
#define MIN_WIDTH_PX 0.3
#define MAX_FRAMES 20000

struct flame {
	struct report *r;
	struct stack_tree *t;
	FILE *out;
	bool diff;
	int64_t total;       /* the root's width value */
	double scale;        /* pixels per unit of value */
	int64_t min_value;   /* frames narrower than this are not drawn */
	int64_t max_delta;   /* the largest change of a drawn frame, for diff colours */
	size_t depth;        /* rows drawn, the root's included */
	int64_t *widths;     /* budget's scratch */
	size_t n_widths, widths_cap;
	struct strbuf tmp;
};

/* The value a frame's width stands for: the new profile's, with a base. */
static int64_t width_value(const struct flame *fl, uint32_t f)
{
	int64_t v = fl->t->frame[f].total;
	if (fl->diff)
		v += fl->t->base[f].total;
	return v > 0 ? v : 0;
}

static int64_t self_value(const struct flame *fl, uint32_t f)
{
	int64_t v = fl->t->frame[f].self;
	if (fl->diff)
		v += fl->t->base[f].self;
	return v;
}

/* ---- text ---- */

/* The length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
/* The label fitted to w pixels: the whole name, its start and "..", or nothing. */
static void label(FILE *out, const char *name, double w)
{
	size_t fit = (size_t)fmax(0, (w - 6) / CHAR_PX);
	if (fit < 3)
		return;
	size_t chars = utf8_len(name, strlen(name));
	if (chars <= fit) {
		report_xml_text(out, name, chars);
	} else {
		report_xml_text(out, name, fit - 2);
		fputs("..", out);
	}
}

/* ---- colours ---- */

static void package_color(const char *name, struct strbuf *out)
{
	size_t n = report_package_len(name);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	/* a hue per package, pale enough for black text */
	sb_addf(out, "hsl(%u,%u%%,%u%%)", h % 360, 50 + (h >> 9) % 25, 62 + (h >> 17) % 12);
}

static void diff_color(const struct flame *fl, uint32_t f, struct strbuf *out)
{
	int64_t delta = fl->t->frame[f].total;
	if (delta == 0 || fl->max_delta == 0) {
		sb_adds(out, "rgb(235,235,235)");
		return;
	}
	double s = 0.15 + 0.85 * fmin(1, (double)llabs(delta) / (double)fl->max_delta);
	int fade = (int)lround(235 * (1 - s));
	if (delta > 0)
		sb_addf(out, "rgb(255,%d,%d)", fade, fade);
	else
		sb_addf(out, "rgb(%d,%d,255)", fade, fade);
}

/* ---- frames ---- */

static void value_text(const struct flame *fl, int64_t v, struct strbuf *out)
{
	char buf[64], pct[32];
	report_format_value(fl->r, v, buf, sizeof buf);
	units_percentage(pct, sizeof pct, v, fl->total);
	const char *p = pct;
	while (*p == ' ')
		p++;
	sb_addf(out, "%s (%s)", buf, p);
}

static void frame(struct flame *fl, uint32_t f, int64_t x, size_t depth)
{
	FILE *out = fl->out;
	const char *name = f ? stack_frame_name(fl->t, f) : "all";
	double px = PAD_PX + (double)x * fl->scale, w = (double)width_value(fl, f) * fl->scale;
	size_t row = fl->r->icicle ? depth : fl->depth - 1 - depth;
	double y = TOP_PX + (double)row * FRAME_PX;

	struct strbuf *b = &fl->tmp;
	sb_reset(b);
	sb_adds(b, "\ntotal ");
	value_text(fl, width_value(fl, f), b);
	sb_adds(b, ", self ");
	value_text(fl, self_value(fl, f), b);
	if (fl->diff) {
		char d[64], base[64];
		report_format_value(fl->r, fl->t->frame[f].total, d, sizeof d);
		report_format_value(fl->r, fl->t->base[f].total, base, sizeof base);
		sb_addf(b, "\nchange %s%s from %s", fl->t->frame[f].total > 0 ? "+" : "", d, base);
	}
	if (fl->t->frame[f].key & STACK_INLINED && f)
		sb_adds(b, "\n(inlined)");
	fputs("<g><title>", out);
	report_xml_text(out, name, SIZE_MAX);
	report_xml_text(out, sb_cstr(b), SIZE_MAX);
	sb_reset(b);
	if (fl->diff)
		diff_color(fl, f, b);
	else if (f)
		package_color(name, b);
	else
		sb_adds(b, "rgb(220,220,220)");
	fprintf(out, "</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", px, y, w,
		FRAME_PX - 1, sb_cstr(b));
	fprintf(out, "<text x=\"%.1f\" y=\"%.0f\">", px + 3, y + FRAME_PX - 4);
	label(out, name, w);
	fputs("</text></g>\n", out);
}

/*
 * walk visits the frames wide enough to draw, depth first, without
 * recursion: visit(fl, frame, x, depth) with x in value units.
 */
static void walk(struct flame *fl, void (*visit)(struct flame *, uint32_t, int64_t, size_t))
{
	const struct stack_tree *t = fl->t;
	struct item {
		uint32_t f;
		uint32_t depth;
		int64_t x;
	} *stack = xcalloc(t->n + 1, sizeof *stack);
	uint32_t *kids = xcalloc(t->n + 1, sizeof *kids);
	size_t top = 0;
	stack[top++] = (struct item){ 0, 0, 0 };
	while (top) {
		struct item it = stack[--top];
		visit(fl, it.f, it.x, it.depth);
		/* children are pushed last first, so they are visited left to right */
		size_t nk = 0;
		for (uint32_t c = t->frame[it.f].child; c != NO_INDEX; c = t->frame[c].sibling)
			kids[nk++] = c;
		int64_t x = it.x;
		for (size_t i = 0; i < nk; i++)
			x += width_value(fl, kids[i]);
		for (size_t i = nk; i-- > 0;) {
			int64_t w = width_value(fl, kids[i]);
			x -= w;
			if (w >= fl->min_value && w > 0)
				stack[top++] = (struct item){ kids[i], it.depth + 1, x };
		}
	}
	free(kids);
	free(stack);
}

static int cmp_desc(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a > b ? -1 : a < b;
}

/* collect gathers the widths of the frames to draw. */
static void collect(struct flame *fl, uint32_t f, int64_t x, size_t depth)
{
	(void)x, (void)depth;
	GROW(fl->widths, fl->widths_cap, fl->n_widths + 1);
	fl->widths[fl->n_widths++] = width_value(fl, f);
}

/* budget raises the minimum width until at most MAX_FRAMES frames are drawn (children are never wider than their parent). */
static void budget(struct flame *fl)
{
	walk(fl, collect);
	if (fl->n_widths > MAX_FRAMES) {
		qsort(fl->widths, fl->n_widths, sizeof *fl->widths, cmp_desc);
		int64_t w = fl->widths[MAX_FRAMES - 1];
		/* frames as wide as the last one kept might be many: then that width goes too */
		fl->min_value = fl->widths[MAX_FRAMES] == w ? w + 1 : w;
	}
	free(fl->widths);
	fl->widths = NULL;
}

static void measure(struct flame *fl, uint32_t f, int64_t x, size_t depth)
{
	(void)x;
	if (depth + 1 > fl->depth)
		fl->depth = depth + 1;
	if (f && fl->diff && llabs(fl->t->frame[f].total) > fl->max_delta)
		fl->max_delta = llabs(fl->t->frame[f].total);
}

/* ---- the document ---- */

static bool has_base(const struct profile *p)
{
	for (size_t s = 0; s < p->n_sample; s++)
		if (p->sample[s].n_label && sample_has_label(&p->sample[s], "pprof::base", "true"))
			return true;
	return false;
}

static void header(struct flame *fl, double height)
{
	struct report *r = fl->r;
	FILE *out = fl->out;
	size_t len;
	fprintf(out,
		"<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
		"data-icicle=\"%d\" data-diff=\"%d\">\n",
		WIDTH_PX, height, WIDTH_PX, height, r->icicle, fl->diff);
	fputs("<style type=\"text/css\"><![CDATA[\n", out);
	fputs(asset_find("flame.css", &len), out);
	fputs("]]></style>\n<script type=\"text/ecmascript\"><![CDATA[\n", out);
	fputs(asset_find("flame.js", &len), out);
	fputs("]]></script>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" class=\"bg\"/>\n", WIDTH_PX, height);

	/* title: what the widths are; subtitle: the header lines pprof prints */
	struct strbuf *b = &fl->tmp;
	char tot[64];
	report_format_value(r, fl->total, tot, sizeof tot);
	fprintf(out, "<text id=\"title\" x=\"%.0f\" y=\"22\">", WIDTH_PX / 2);
	if (fl->diff) {
		char base[64], change[64];
		report_format_value(r, fl->t->base[0].total, base, sizeof base);
		report_format_value(r, fl->t->frame[0].total, change, sizeof change);
		sb_reset(b);
		sb_addf(b, "Differential flame graph of %s: %s, base %s, change %s%s", r->sample_type, tot, base,
			fl->t->frame[0].total > 0 ? "+" : "", change);
	} else {
		sb_reset(b);
		sb_addf(b, "Flame graph of %s: %s total", r->sample_type, tot);
	}
	report_xml_text(out, sb_cstr(b), SIZE_MAX);
	fputs("</text>\n", out);
	sb_reset(b);
	report_profile_labels(r, b);
	for (char *c = b->s; c && *c; c++)
		if (*c == '\n')
			*c = ' ';
	fprintf(out, "<text id=\"subtitle\" x=\"%.0f\" y=\"40\">", WIDTH_PX / 2);
	report_xml_text(out, sb_cstr(b), SIZE_MAX);
	fputs("</text>\n", out);
	fprintf(out,
		"<text id=\"unzoom\" x=\"%.0f\" y=\"22\" class=\"hide\">Reset zoom</text>\n"
		"<text id=\"matched\" x=\"%.0f\" y=\"%.0f\"> </text>\n"
		"<text id=\"details\" x=\"%.0f\" y=\"%.0f\"> </text>\n"
		"<foreignObject x=\"%.0f\" y=\"8\" width=\"220\" height=\"26\">"
		"<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" type=\"search\" "
		"placeholder=\"Search regexp (Ctrl-F)\"/></foreignObject>\n",
		PAD_PX, WIDTH_PX - PAD_PX, height - 14, PAD_PX, height - 14, WIDTH_PX - PAD_PX - 220);
}

int report_flame(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct flame fl = { .r = r, .out = out, .tmp = STRBUF_INIT };
	fl.diff = has_base(r->p);
	struct graph_options go = report_graph_options(r);
	fl.t = stack_tree_new(r->p, &go, fl.diff, MIN_WIDTH_PX / (WIDTH_PX - 2 * PAD_PX));
	fl.total = width_value(&fl, 0);
	fl.scale = fl.total > 0 ? (WIDTH_PX - 2 * PAD_PX) / (double)fl.total : 0;
	fl.min_value = fl.total > 0 ? (int64_t)ceil(MIN_WIDTH_PX / fl.scale) : 1;
	budget(&fl);
	walk(&fl, measure);
	double height = TOP_PX + (double)fl.depth * FRAME_PX + BOTTOM_PX;
	header(&fl, height);
	fputs("<g id=\"frames\">\n", out);
	walk(&fl, frame);
	fputs("</g>\n</svg>\n", out);
	sb_free(&fl.tmp);
	stack_tree_free(fl.t);
	return 0;
}
