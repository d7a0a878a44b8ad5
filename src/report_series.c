/*
 * report_series: a series of snapshots (transform_series.h) read and
 * reported. report_series_read turns one snapshot, after every filter,
 * into rows: each function's flat value at the report's granularity (its
 * cum with -cum), or, in a goroutine profile, each stack's count, since a
 * goroutine leak is a stack whose goroutines pile up; and the figures of
 * its MemStats trailer. report_series_paths finds the call path that
 * holds most of each suspect's rise. report_series_text prints the
 * suspects above the table of values over time; report_series_memstats
 * the MemStats trailer over time.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gofmt.h"
#include "graph_stack.h"
#include "report.h"
#include "units.h"

/* A figure of the MemStats trailer over time: a field, or one field minus another. */
struct memstat_row {
	const char *name;
	const char *key;
	int part; /* "Stack = inuse / sys": 0 inuse, 1 sys */
	const char *minus;
	bool bytes;
	bool in_table; /* also under the series' own table */
};

static const struct memstat_row memstat_rows[] = {
	{ "HeapAlloc", "HeapAlloc", 0, NULL, true, true },
	{ "HeapObjects", "HeapObjects", 0, NULL, false, false },
	{ "HeapInuse", "HeapInuse", 0, NULL, true, false },
	{ "fragmentation", "HeapInuse", 0, "HeapAlloc", true, false },
	{ "idle, held", "HeapIdle", 0, "HeapReleased", true, false },
	{ "HeapReleased", "HeapReleased", 0, NULL, true, false },
	{ "StackInuse", "Stack", 0, NULL, true, false },
	{ "GCSys", "GCSys", 0, NULL, true, false },
	{ "OtherSys", "OtherSys", 0, NULL, true, false },
	{ "Sys", "Sys", 0, NULL, true, true },
	{ "NextGC", "NextGC", 0, NULL, true, false },
	{ "NumGC", "NumGC", 0, NULL, false, false },
};
enum { N_MEMSTAT_ROWS = sizeof memstat_rows / sizeof memstat_rows[0] };
/* The sampled heap, beside the trailer's figures. */
#define SAMPLED_ROW "inuse_space (sampled)"

static const struct memstat_row *memstat_row(const char *name)
{
	for (size_t i = 0; i < N_MEMSTAT_ROWS; i++)
		if (!strcmp(memstat_rows[i].name, name))
			return &memstat_rows[i];
	return NULL;
}

bool report_series_in_table(const struct series_row *row)
{
	const struct memstat_row *m = row->kind == SERIES_MEMSTATS ? memstat_row(row->name) : NULL;
	return row->kind == SERIES_ROW || (m && m->in_table);
}

bool report_series_stacks(const char *sample_type)
{
	return !strcmp(sample_type, "goroutine");
}

/* ---- reading a snapshot ---- */

/* folded_name writes sample sm's frames, root first, joined by sep. */
static void stack_name(const struct graph *g, const uint32_t *keys, size_t n, const char *sep, struct strbuf *out)
{
	sb_reset(out);
	for (size_t f = 0; f < n; f++)
		sb_addf(out, "%s%s", f ? sep : "", graph_printable((struct graph *)g, STACK_NODE(keys[f])));
}

static void read_stacks(const struct report *r, const struct graph_options *go, struct series *s, size_t i)
{
	struct stack_set *set = stack_set_new(r->p, go);
	uint32_t *keys = NULL;
	size_t cap = 0;
	struct strbuf name = STRBUF_INIT;
	for (size_t k = 0; k < set->n; k++) {
		if (!set->value[k])
			continue;
		size_t n = stack_frames(set->g, &r->p->sample[set->sample[k]], &keys, &cap);
		stack_name(set->g, keys, n, ";", &name);
		series_add(s, i, SERIES_ROW, sb_cstr(&name), set->value[k]);
	}
	sb_free(&name);
	free(keys);
	stack_set_free(set);
}

static void read_functions(const struct report *r, const struct graph_options *go, struct series *s, size_t i)
{
	struct graph *g = graph_nodes(r->p, go);
	bool cum = !strcmp(r->o.sort, "cum");
	/* flat values are the leaves': on large-heap, 0.024 s a snapshot rather than 0.034 */
	if (cum)
		graph_build_values(g);
	else
		graph_build_flat(g);
	for (size_t k = 0; k < g->n; k++) {
		const struct gnode *n = &g->node[g->list[k]];
		int64_t v = cum ? node_cum(n) : node_flat(n);
		if (v)
			series_add(s, i, SERIES_ROW, graph_printable(g, g->list[k]), v);
	}
	graph_free(g);
}

static void read_memstats(const struct report *r, struct series *s, size_t i)
{
	const struct profile *p = r->p;
	if (!p->n_memstats)
		return;
	for (size_t k = 0; k < N_MEMSTAT_ROWS; k++) {
		const struct memstat_row *m = &memstat_rows[k];
		int64_t v, minus = 0;
		if (report_memstat_number(p, m->key, m->part, &v) < 0 ||
		    (m->minus && report_memstat_number(p, m->minus, 0, &minus) < 0))
			continue;
		series_add(s, i, SERIES_MEMSTATS, m->name, v - minus);
	}
	for (size_t t = 0; t < p->n_sample_type; t++) {
		if (strcmp(p->sample_type[t].type, "inuse_space") != 0)
			continue;
		int64_t sum = 0;
		for (size_t k = 0; k < p->n_sample; k++)
			sum += p->sample[k].value[t];
		series_add(s, i, SERIES_MEMSTATS, SAMPLED_ROW, sum);
	}
}

void report_series_read(const struct report *r, struct series *s, size_t i, const char *source, int64_t time_nanos)
{
	series_snapshot(s, i, source, time_nanos, r->total);
	struct graph_options go = report_graph_options(r);
	if (report_series_stacks(r->sample_type))
		read_stacks(r, &go, s, i);
	else
		read_functions(r, &go, s, i);
	read_memstats(r, s, i);
}

/* ---- the call paths of the suspects ---- */

/* A call path through a suspect, cut after the suspect's outermost frame, and its value in the two snapshots. */
struct path {
	uint32_t suspect;
	uint64_t hash;
	int64_t value[2];
	char *name;
};

struct series_paths {
	struct htab ht;
	struct path *path;
	size_t n, cap;
};

struct path_probe {
	const struct series_paths *ps;
	uint32_t suspect;
	uint64_t hash;
};

static bool path_eq(const void *ctx, uint32_t v)
{
	const struct path_probe *pr = ctx;
	return pr->ps->path[v].suspect == pr->suspect && pr->ps->path[v].hash == pr->hash;
}

static void add_path(struct series_paths *ps, const struct graph *g, uint32_t suspect, uint64_t hash, const uint32_t *keys,
		     size_t n, int which, int64_t v)
{
	struct path_probe pr = { ps, suspect, hash };
	uint64_t h = hash_u64(suspect, hash);
	uint32_t at = htab_find(&ps->ht, h, path_eq, &pr);
	if (at == UINT32_MAX) {
		GROW(ps->path, ps->cap, ps->n + 1);
		struct strbuf name = STRBUF_INIT;
		stack_name(g, keys, n, " > ", &name);
		ps->path[ps->n] = (struct path){ suspect, hash, { 0, 0 }, name.s ? name.s : xstrdup("") };
		at = (uint32_t)ps->n++;
		htab_insert(&ps->ht, h, at);
	}
	ps->path[at].value[which] += v;
}

/* report_series_paths_add adds the paths through each suspect in one snapshot (which: 0 the first, 1 the last). */
void report_series_paths_add(struct series_paths *ps, const struct report *r, const struct series *s, int which)
{
	struct graph_options go = report_graph_options(r);
	struct graph *g = graph_nodes(r->p, &go);
	/* per node: a bit per suspect it is (its name), and its name's hash */
	uint32_t *is = xcalloc(g->n_node + 1, sizeof *is);
	uint64_t *nh = xcalloc(g->n_node + 1, sizeof *nh);
	for (size_t id = 0; id < g->n_node; id++) {
		const char *name = graph_printable(g, (uint32_t)id);
		nh[id] = hash_str(name, HASH_SEED);
		for (size_t j = 0; j < s->n_suspects; j++)
			if (!strcmp(s->row[s->suspects[j]].name, name))
				is[id] |= 1u << j;
	}
	bool cum = !strcmp(r->o.sort, "cum");
	uint32_t *keys = NULL;
	size_t cap = 0;
	for (size_t k = 0; k < r->p->n_sample; k++) {
		const struct sample *sm = &r->p->sample[k];
		int64_t v = sm->value[r->value_index];
		if (!v)
			continue;
		size_t n = stack_frames(g, sm, &keys, &cap);
		if (!n || (!cum && !is[STACK_NODE(keys[n - 1])]))
			continue;
		uint32_t seen = 0;
		uint64_t h = HASH_SEED;
		for (size_t f = 0; f < n; f++) {
			uint32_t node = STACK_NODE(keys[f]);
			h = hash_u64(nh[node], h);
			uint32_t fresh = is[node] & ~seen;
			if (!cum && f != n - 1)
				fresh = 0;
			for (uint32_t j = 0; fresh; j++, fresh >>= 1)
				if (fresh & 1)
					add_path(ps, g, j, h, keys, f + 1, which, v);
			seen |= is[node];
		}
	}
	free(keys);
	free(is);
	free(nh);
	graph_free(g);
}

struct series_paths *report_series_paths_new(void)
{
	struct series_paths *ps = xcalloc(1, sizeof *ps);
	htab_init(&ps->ht, 64);
	return ps;
}

void report_series_paths_finish(struct series_paths *ps, struct series *s)
{
	for (size_t j = 0; j < s->n_suspects; j++) {
		const struct path *best = NULL;
		for (size_t k = 0; k < ps->n; k++) {
			const struct path *p = &ps->path[k];
			if (p->suspect == j && (!best || p->value[1] - p->value[0] > best->value[1] - best->value[0]))
				best = p;
		}
		if (best && best->value[1] > best->value[0])
			series_set_path(s, s->suspects[j], best->name, best->value[1] - best->value[0]);
	}
	for (size_t k = 0; k < ps->n; k++)
		free(ps->path[k].name);
	free(ps->path);
	htab_free(&ps->ht);
	free(ps);
}

/* ---- the text ---- */

/* A table: cells of text, right-aligned but for the last column. */
struct table {
	char **cell;
	size_t n_col, n, cap;
};

static void cell(struct table *t, const char *text)
{
	GROW(t->cell, t->cap, t->n + 1);
	t->cell[t->n++] = xstrdup(text);
}

static void table_write(struct table *t, struct strbuf *out)
{
	size_t *w = xcalloc(t->n_col, sizeof *w);
	for (size_t k = 0; k < t->n; k++) {
		size_t len = utf8_len(t->cell[k], strlen(t->cell[k]));
		if (len > w[k % t->n_col])
			w[k % t->n_col] = len;
	}
	for (size_t k = 0; k < t->n; k++) {
		size_t c = k % t->n_col;
		if (c + 1 == t->n_col) {
			sb_addf(out, t->cell[k][0] ? "  %s\n" : "%s\n", t->cell[k]);
		} else {
			sb_adds(out, "  ");
			go_pad_left(out, t->cell[k], w[c]);
		}
		free(t->cell[k]);
	}
	free(t->cell);
	free(w);
}

/* The columns' headers: each snapshot's time, as short as tells them apart. */
static void time_headers(const struct series *s, struct table *t)
{
	int64_t span = s->snap[s->n_snap - 1].time_nanos - s->snap[0].time_nanos;
	const char *fmt = span >= (int64_t)86400 * 1000000000 ? "%m-%d %H:%M" : "%H:%M:%S";
	bool millis = false;
	char prev[64] = "";
	for (size_t i = 0; i < s->n_snap; i++) {
		char buf[64];
		time_t sec = (time_t)(s->snap[i].time_nanos / 1000000000);
		struct tm tm;
		localtime_r(&sec, &tm);
		strftime(buf, sizeof buf, "%H:%M:%S", &tm);
		millis |= i > 0 && !strcmp(buf, prev);
		snprintf(prev, sizeof prev, "%s", buf);
	}
	for (size_t i = 0; i < s->n_snap; i++) {
		char buf[64];
		int64_t ns = s->snap[i].time_nanos;
		time_t sec = (time_t)(ns / 1000000000);
		struct tm tm;
		localtime_r(&sec, &tm);
		size_t n = strftime(buf, sizeof buf, fmt, &tm);
		if (millis)
			snprintf(buf + n, sizeof buf - n, ".%03d", (int)(ns % 1000000000 / 1000000));
		cell(t, buf);
	}
}

/* headers starts a table of the series: each snapshot's time, the change, the rate, the name. */
static void headers(const struct series *s, struct table *t)
{
	time_headers(s, t);
	cell(t, "change");
	cell(t, "rate/min");
	cell(t, "");
}

static void value_text(const struct report *r, int64_t v, bool sign, char *buf, size_t size)
{
	if (v == SERIES_MISSING) {
		snprintf(buf, size, "-");
		return;
	}
	if (!strcmp(r->sample_unit, "count")) { /* a plain number, even under MemStats' bytes */
		if (r->ratio > 0 && r->ratio != 1)
			v = go_int64((double)v * r->ratio);
		snprintf(buf, size, "%s%" PRId64, sign && v > 0 ? "+" : "", v);
		return;
	}
	char b[48];
	report_format_value(r, v, b, sizeof b);
	snprintf(buf, size, "%s%s", sign && v > 0 && strcmp(b, "0") != 0 ? "+" : "", b);
}

/* A rate per minute: in the report's unit for bytes and time, else a plain number. */
static void rate_text(const struct report *r, double rate, char *buf, size_t size)
{
	if (units_compatible(r->sample_unit, "bytes") || units_compatible(r->sample_unit, "nanoseconds")) {
		value_text(r, go_int64(round(rate)), true, buf, size);
		return;
	}
	rate *= r->ratio > 0 ? r->ratio : 1;
	if (fabs(rate) >= 100 || rate == round(rate))
		snprintf(buf, size, "%s%.0f", rate > 0 ? "+" : "", round(rate));
	else
		snprintf(buf, size, "%s%.2f", rate > 0 ? "+" : "", rate);
}

/* row_cells adds a row's values, change, rate and name. */
static void row_cells(const struct report *r, const struct series *s, size_t row, const char *name, struct table *t)
{
	char buf[64];
	for (size_t i = 0; i < s->n_snap; i++) {
		value_text(r, series_value(s, row, i), false, buf, sizeof buf);
		cell(t, buf);
	}
	value_text(r, s->row[row].change, true, buf, sizeof buf);
	cell(t, buf);
	rate_text(r, s->row[row].rate, buf, sizeof buf);
	cell(t, buf);
	cell(t, name);
}

/* The unit of the values shown, as -top picks its own (pprof's minimum). */
static void pick_unit(struct report *r, const struct series *s, bool memstats)
{
	int64_t min = 0, max = 0;
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		const struct memstat_row *m = memstat_row(s->row[row].name);
		if (!s->row[row].kept || (s->row[row].kind == SERIES_MEMSTATS) != memstats || (memstats && m && !m->bytes))
			continue;
		for (size_t i = 0; i < s->n_snap; i++) {
			int64_t v = series_value(s, row, i);
			if (v == SERIES_MISSING)
				continue;
			v = abs64(v);
			if (v > 0 && (min == 0 || v < min))
				min = v;
			if (v > max)
				max = v;
		}
	}
	for (size_t i = 0; i < s->n_snap; i++)
		if (abs64(s->snap[i].total) > max)
			max = abs64(s->snap[i].total);
	report_minimum_unit(r, min, max);
}

static void header(const struct report *r, const struct series *s, struct strbuf *out)
{
	struct strbuf labels = STRBUF_INIT;
	/* the last snapshot's File, Type, ... but not its Time: the series has its own */
	struct report last = *r;
	struct profile p = *r->p;
	p.time_nanos = 0;
	p.duration_nanos = 0;
	last.p = &p;
	report_profile_labels(&last, &labels);
	if (labels.len)
		sb_addf(out, "%s\n", sb_cstr(&labels));
	sb_free(&labels);
	sb_addf(out, "Series of %zu snapshots, ", s->n_snap);
	go_time_short(out, s->snap[0].time_nanos);
	sb_adds(out, " to ");
	go_time_short(out, s->snap[s->n_snap - 1].time_nanos);
	sb_adds(out, " (");
	int64_t span = s->snap[s->n_snap - 1].time_nanos - s->snap[0].time_nanos;
	go_duration_string(out, span >= 1000000000 ? (span + 500000) / 1000000 * 1000000 : span);
	sb_adds(out, "): rates per minute, by least squares\n");
	for (size_t i = 0; i < r->n_filters; i++)
		sb_addf(out, "%s%s", i ? "\n   " : "Active filters:\n   ", r->filters[i]);
	if (r->n_filters)
		sb_addc(out, '\n');
}

static void suspects(const struct report *r, const struct series *s, struct strbuf *out)
{
	const char *what = report_series_stacks(r->sample_type) ? "stack" : "function";
	if (!s->n_suspects) {
		sb_addf(out,
			"No leak suspects: no %s rises in more than half the steps along a line (R\xc2\xb2 >= %.2f)\n"
			"by %g%% of the last total or more.\n",
			what, SERIES_MIN_R2, SERIES_MIN_RISE * 100);
		return;
	}
	sb_addf(out,
		"Leak suspects: %ss rising in more than half the steps along a line (R\xc2\xb2 >= %.2f),\n"
		"by %g%% of the last total or more; fastest first:\n",
		what, SERIES_MIN_R2, SERIES_MIN_RISE * 100);
	for (size_t j = 0; j < s->n_suspects; j++) {
		const struct series_row *row = &s->row[s->suspects[j]];
		char change[64], rate[64], first[64], last[64];
		value_text(r, row->change, true, change, sizeof change);
		rate_text(r, row->rate, rate, sizeof rate);
		value_text(r, row->first, false, first, sizeof first);
		value_text(r, row->last, false, last, sizeof last);
		sb_addf(out, "%3zu. %s\n      %s/min, %s from %s to %s, R\xc2\xb2 %.2f, rising in %zu of %zu steps\n", j + 1,
			row->name, rate, change, first, last, row->r2, row->rising, s->n_snap - 1);
		if (row->path) {
			char pct[32];
			units_percentage(pct, sizeof pct, row->path_change, row->change);
			const char *c = pct;
			while (*c == ' ')
				c++;
			sb_addf(out, "      %s of the rise by %s\n", c, row->path);
		}
	}
}

int report_series_text(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize;
	struct strbuf b = STRBUF_INIT;
	header(r, s, &b);
	suspects(r, s, &b);
	size_t rows = 0, kept = 0;
	for (size_t k = 0; k < s->n_order; k++) {
		const struct series_row *row = &s->row[s->order[k]];
		rows += row->kind == SERIES_ROW;
		kept += row->kind == SERIES_ROW && row->kept;
	}
	const char *what = report_series_stacks(r->sample_type) ? "stack" : "function";
	sb_addf(&b, "Showing %zu of %zu %ss, by rate\n", kept, rows, what);
	if (s->dropped) {
		char cutoff[64];
		report_format_value(r, s->cutoff, cutoff, sizeof cutoff);
		sb_addf(&b, "Dropped %zu %s%s (largest value and change <= %s)\n", s->dropped, what,
			s->dropped > 1 ? "s" : "", cutoff);
	}
	pick_unit(r, s, false);
	struct table t = { NULL, s->n_snap + 3, 0, 0 };
	headers(s, &t);
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		const struct series_row *sr = &s->row[row];
		if (!sr->kept || (sr->kind == SERIES_MEMSTATS && !report_series_in_table(sr)))
			continue;
		struct strbuf name = STRBUF_INIT;
		sb_addf(&name, sr->kind == SERIES_MEMSTATS ? "%s (runtime.MemStats)" : "%s", sr->name);
		row_cells(r, s, row, sb_cstr(&name), &t);
		sb_free(&name);
	}
	table_write(&t, &b);
	fwrite(b.s, 1, b.len, out);
	sb_free(&b);
	return 0;
}

int report_series_memstats(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize)
{
	bool any = false;
	for (size_t k = 0; k < s->n_order; k++)
		any |= s->row[s->order[k]].kind == SERIES_MEMSTATS;
	if (!any) {
		report_no_memstats(r, "no snapshot of the series has runtime.MemStats", err, errsize);
		return -1;
	}
	struct strbuf b = STRBUF_INIT;
	header(r, s, &b);
	sb_adds(&b, "runtime.MemStats over time (- where a snapshot has none)\n");
	free(r->output_unit);
	r->output_unit = xstrdup(r->o.unit);
	const char *sample_unit = r->sample_unit;
	r->sample_unit = "bytes";
	r->ratio = 1; /* -divide_by divides samples, not the runtime's figures */
	pick_unit(r, s, true);
	struct table t = { NULL, s->n_snap + 3, 0, 0 };
	headers(s, &t);
	for (size_t k = 0; k < s->n_order; k++) {
		size_t row = s->order[k];
		if (s->row[row].kind != SERIES_MEMSTATS)
			continue;
		const struct memstat_row *m = memstat_row(s->row[row].name);
		r->sample_unit = !m || m->bytes ? "bytes" : "count";
		row_cells(r, s, row, s->row[row].name, &t);
	}
	r->sample_unit = sample_unit;
	table_write(&t, &b);
	fwrite(b.s, 1, b.len, out);
	sb_free(&b);
	return 0;
}
