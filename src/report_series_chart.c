/*
 * report_series_chart: a series of snapshots as an SVG line chart, drawn
 * here, with no Graphviz: time on x (since the first snapshot), the
 * selected value on y in the report's unit, a line with a dot per
 * snapshot for each row kept (the fastest growing first), MemStats'
 * HeapAlloc and Sys dashed, labelled axes, and a legend naming every
 * line in full below the plot. Each line and dot has a <title>, which
 * browsers show on hover.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "report.h"
#include "units.h"

#define WIDTH 960.0
#define LEFT 96.0
#define RIGHT 32.0
#define TOP 56.0
#define PLOT_H 400.0
#define AXIS_H 56.0 /* tick labels and the x axis' title */
#define LEGEND_LINE 20.0

/* Distinct colours, in order (Tableau 10). */
static const char *const palette[] = { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
				       "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac" };
enum { N_COLOURS = sizeof palette / sizeof palette[0] };

/* nice_step is 1, 2 or 5 times a power of ten, about span/ticks. */
static double nice_step(double span, int ticks)
{
	if (span <= 0)
		return 1;
	double raw = span / ticks, p = pow(10, floor(log10(raw))), f = raw / p;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

struct chart {
	struct report *r;
	const struct series *s;
	FILE *out;
	double t_scale;  /* seconds per x unit (1, 60, 3600) */
	const char *t_unit;
	double x_max;    /* in x units */
	double y_min, y_max; /* in base units */
	double to_unit;  /* base units to the unit shown */
	const char *y_unit;
};

static double px_x(const struct chart *c, double x)
{
	return LEFT + (c->x_max > 0 ? x / c->x_max : 0) * (WIDTH - LEFT - RIGHT);
}

static double px_y(const struct chart *c, double v)
{
	double span = c->y_max - c->y_min;
	return TOP + PLOT_H - (span > 0 ? (v - c->y_min) / span : 0) * PLOT_H;
}

static double x_of(const struct chart *c, size_t i)
{
	return (double)(c->s->snap[i].time_nanos - c->s->snap[0].time_nanos) / 1e9 / c->t_scale;
}

static bool drawn(const struct series_row *row)
{
	return row->kept && report_series_in_table(row);
}

static void bounds(struct chart *c)
{
	const struct series *s = c->s;
	double secs = (double)(s->snap[s->n_snap - 1].time_nanos - s->snap[0].time_nanos) / 1e9;
	c->t_scale = secs >= 7200 ? 3600 : secs >= 120 ? 60 : 1;
	c->t_unit = secs >= 7200 ? "h" : secs >= 120 ? "min" : "s";
	c->x_max = secs / c->t_scale;
	c->y_min = 0;
	c->y_max = 0;
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		if (!drawn(&s->row[row]))
			continue;
		for (size_t i = 0; i < s->n_snap; i++) {
			int64_t v = series_value(s, row, i);
			if (v == SERIES_MISSING)
				continue;
			c->y_min = fmin(c->y_min, (double)v);
			c->y_max = fmax(c->y_max, (double)v);
		}
	}
	if (c->y_max == c->y_min)
		c->y_max = c->y_min + 1;
	/* the unit of the largest value, as a label of it would be written */
	const char *unit;
	double ratio = c->r->ratio > 0 ? c->r->ratio : 1;
	double big = fmax(fabs(c->y_max), fabs(c->y_min)) * ratio;
	double scaled = units_scale(go_int64(big), c->r->sample_unit,
				    strcmp(c->r->output_unit, "minimum") ? c->r->output_unit : "auto", &unit);
	c->to_unit = big != 0 ? scaled / big * ratio : ratio;
	c->y_unit = unit[0] ? unit : c->r->sample_unit;
}

static void number(char *buf, size_t size, double v)
{
	if (fabs(v - round(v)) < 1e-9 * fmax(1, fabs(v)))
		snprintf(buf, size, "%.0f", round(v));
	else
		snprintf(buf, size, "%.3g", v);
}

static void axes(const struct chart *c)
{
	FILE *out = c->out;
	double x0 = LEFT, x1 = WIDTH - RIGHT, y0 = TOP + PLOT_H, y1 = TOP;
	fprintf(out, "<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\">\n");
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x0, y0, x1, y0);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x0, y0, x0, y1);
	fprintf(out, "</g>\n<g class=\"ticks\" font-size=\"11\" fill=\"#333\">\n");
	double step = nice_step(c->x_max, 8);
	for (double x = 0; x <= c->x_max * (1 + 1e-9); x += step) {
		char buf[32];
		number(buf, sizeof buf, x);
		double px = px_x(c, x);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", px, y0, px, y0 + 5);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px, y0 + 18, buf);
	}
	double lo = c->y_min * c->to_unit, hi = c->y_max * c->to_unit;
	double ystep = nice_step(hi - lo, 6);
	for (double v = ceil(lo / ystep) * ystep; v <= hi * (1 + 1e-9) + 1e-12; v += ystep) {
		char buf[32];
		number(buf, sizeof buf, v);
		double py = px_y(c, v / c->to_unit);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", x0, py, x1, py);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", x0 - 6, py + 4, buf);
	}
	fprintf(out, "</g>\n");
	struct strbuf t0 = STRBUF_INIT;
	go_time_short(&t0, c->s->snap[0].time_nanos);
	fprintf(out, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\">time since ",
		(x0 + x1) / 2, y0 + 40);
	report_xml_text(out, sb_cstr(&t0), SIZE_MAX);
	fprintf(out, " (%s)</text>\n", c->t_unit);
	sb_free(&t0);
	fprintf(out,
		"<text class=\"ylabel\" transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\" "
		"font-size=\"13\">",
		22.0, TOP + PLOT_H / 2);
	report_xml_text(out, c->r->sample_type, SIZE_MAX);
	fputs(" (", out);
	report_xml_text(out, c->y_unit, SIZE_MAX);
	fputs(")</text>\n", out);
}

static void line(const struct chart *c, size_t row, size_t n)
{
	const struct series *s = c->s;
	const struct series_row *sr = &s->row[row];
	bool memstats = sr->kind == SERIES_MEMSTATS;
	const char *colour = memstats ? (!strcmp(sr->name, "Sys") ? "#222" : "#777") : palette[n % N_COLOURS];
	FILE *out = c->out;
	fprintf(out, "<g class=\"series\" stroke=\"%s\" fill=\"%s\">\n<title>", colour, colour);
	report_xml_text(out, sr->name, SIZE_MAX);
	fprintf(out, "</title>\n<polyline fill=\"none\" stroke-width=\"2\"%s points=\"",
		memstats ? " stroke-dasharray=\"6 4\"" : "");
	for (size_t i = 0; i < s->n_snap; i++) {
		int64_t v = series_value(s, row, i);
		if (v != SERIES_MISSING)
			fprintf(out, "%s%.1f,%.1f", i ? " " : "", px_x(c, x_of(c, i)), px_y(c, (double)v));
	}
	fputs("\"/>\n", out);
	for (size_t i = 0; i < s->n_snap; i++) {
		int64_t v = series_value(s, row, i);
		if (v == SERIES_MISSING)
			continue;
		char label[64];
		report_format_value(c->r, v, label, sizeof label);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", px_x(c, x_of(c, i)), px_y(c, (double)v));
		report_xml_text(out, label, SIZE_MAX);
		fputs("</title></circle>\n", out);
	}
	fputs("</g>\n", out);
}

static void legend_entry(const struct chart *c, size_t row, size_t n, double y)
{
	const struct series_row *sr = &c->s->row[row];
	bool memstats = sr->kind == SERIES_MEMSTATS;
	const char *colour = memstats ? (!strcmp(sr->name, "Sys") ? "#222" : "#777") : palette[n % N_COLOURS];
	FILE *out = c->out;
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"%s/>", LEFT,
		y - 4, LEFT + 24, y - 4, colour, memstats ? " stroke-dasharray=\"6 4\"" : "");
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", LEFT + 32, y);
	report_xml_text(out, sr->name, SIZE_MAX);
	if (memstats)
		fputs(" (runtime.MemStats)", out);
	fputs("</text>\n", out);
}

int report_series_chart(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize;
	struct chart c = { r, s, out, 1, "s", 0, 0, 0, 1, "" };
	bounds(&c);
	size_t lines = 0;
	for (size_t k = 0; k < s->n_order; k++)
		lines += drawn(&s->row[s->order[k]]);
	double height = TOP + PLOT_H + AXIS_H + LEGEND_LINE * (double)(lines + 1);
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"Verdana, sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		WIDTH, height, WIDTH, height);
	struct strbuf title = STRBUF_INIT;
	sb_addf(&title, "%s over %zu snapshots", r->sample_type, s->n_snap);
	if (r->title)
		sb_addf(&title, " of %s", r->title);
	fprintf(out, "<text class=\"title\" x=\"%.1f\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">", WIDTH / 2);
	report_xml_text(out, sb_cstr(&title), SIZE_MAX);
	fputs("</text>\n", out);
	sb_free(&title);
	axes(&c);
	size_t n = 0;
	double y = TOP + PLOT_H + AXIS_H + LEGEND_LINE;
	fputs("<g class=\"legend\" font-size=\"12\" fill=\"#222\">\n", out);
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		if (!drawn(&s->row[row]))
			continue;
		legend_entry(&c, row, n++, y);
		y += LEGEND_LINE;
	}
	fputs("</g>\n", out);
	n = 0;
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		if (drawn(&s->row[row]))
			line(&c, row, n++);
	}
	fputs("</svg>\n", out);
	return 0;
}
