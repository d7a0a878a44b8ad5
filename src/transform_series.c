/*
 * transform_series: rows of values over time and their statistics
 * (transform_series.h).
 */
#include "transform_series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct series *series_new(size_t n_snapshots)
{
	struct series *s = xcalloc(1, sizeof *s);
	s->arena = arena_new();
	s->n_snap = n_snapshots;
	s->snap = xcalloc(n_snapshots + 1, sizeof *s->snap);
	return s;
}

void series_free(struct series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_snap; i++)
		free(s->snap[i].source);
	free(s->snap);
	free(s->row);
	free(s->value);
	for (int k = 0; k < 2; k++) {
		strset_free(&s->names[k]);
		free(s->row_of[k]);
	}
	free(s->order);
	free(s->suspects);
	arena_free(s->arena);
	free(s);
}

void series_snapshot(struct series *s, size_t i, const char *source, int64_t time_nanos, int64_t total)
{
	struct series_snapshot *sn = &s->snap[i];
	free(sn->source);
	sn->source = xstrdup(source);
	sn->time_nanos = time_nanos;
	sn->total = total;
	sn->declared = true;
}

/* row_for returns the row of name and kind, made (every value 0, or missing for MemStats) if new. */
static size_t row_for(struct series *s, enum series_kind kind, const char *name)
{
	struct strset *names = &s->names[kind];
	uint32_t before = (uint32_t)names->n;
	uint32_t k = strset_add(names, name, s->arena);
	if (k < before)
		return s->row_of[kind][k];
	GROW(s->row_of[kind], s->cap_row_of[kind], (size_t)k + 1);
	GROW(s->row, s->cap_row, s->n_row + 1);
	size_t r = s->n_row++;
	s->row_of[kind][k] = (uint32_t)r;
	memset(&s->row[r], 0, sizeof s->row[r]);
	s->row[r].name = names->s[k];
	s->row[r].kind = kind;
	GROW(s->value, s->cap_value, s->n_row * s->n_snap);
	for (size_t i = 0; i < s->n_snap; i++)
		s->value[r * s->n_snap + i] = kind == SERIES_MEMSTATS ? SERIES_MISSING : 0;
	return r;
}

void series_add(struct series *s, size_t i, enum series_kind kind, const char *name, int64_t v)
{
	size_t r = row_for(s, kind, name);
	int64_t *at = &s->value[r * s->n_snap + i];
	*at = kind == SERIES_MEMSTATS ? v : *at + v;
}

void series_merge(struct series *s, size_t i, const struct series *one)
{
	const struct series_snapshot *sn = &one->snap[0];
	series_snapshot(s, i, sn->source ? sn->source : "", sn->time_nanos, sn->total);
	for (size_t r = 0; r < one->n_row; r++) {
		int64_t v = one->value[r * one->n_snap];
		if (v != SERIES_MISSING)
			series_add(s, i, one->row[r].kind, one->row[r].name, v);
	}
}

void series_set_path(struct series *s, size_t r, const char *path, int64_t change)
{
	s->row[r].path = arena_strdup(s->arena, path);
	s->row[r].path_change = change;
}

int series_fit(const double *x, const double *y, size_t n, double *slope, double *r2)
{
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (sxx == 0)
		return -1;
	*slope = sxy / sxx;
	*r2 = syy == 0 ? 0 : sxy * sxy / (sxx * syy);
	return 0;
}

/* ---- ordering ---- */

static int cmp_time(const void *a, const void *b, const struct series *s)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t tx = s->snap[x].time_nanos, ty = s->snap[y].time_nanos;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* time_order sorts the snapshots, and every row's values with them. */
static void time_order(struct series *s)
{
	size_t n = s->n_snap;
	size_t *idx = xcalloc(n, sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = 1; i < n; i++) /* few snapshots: insertion sort, stable */
		for (size_t j = i; j > 0 && cmp_time(&idx[j - 1], &idx[j], s) > 0; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	struct series_snapshot *snap = xcalloc(n, sizeof *snap);
	for (size_t i = 0; i < n; i++)
		snap[i] = s->snap[idx[i]];
	memcpy(s->snap, snap, n * sizeof *snap);
	free(snap);
	int64_t *tmp = xcalloc(n, sizeof *tmp);
	for (size_t r = 0; r < s->n_row; r++) {
		int64_t *v = &s->value[r * n];
		for (size_t i = 0; i < n; i++)
			tmp[i] = v[idx[i]];
		memcpy(v, tmp, n * sizeof *tmp);
	}
	free(tmp);
	free(idx);
}

static void row_figures(struct series *s, size_t r, const double *minutes, double *y)
{
	struct series_row *row = &s->row[r];
	const int64_t *v = &s->value[r * s->n_snap];
	size_t n = s->n_snap, m = 0;
	double *x = xcalloc(n, sizeof *x);
	int64_t prev = SERIES_MISSING;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == SERIES_MISSING)
			continue;
		if (prev != SERIES_MISSING && v[i] > prev)
			row->rising++;
		prev = v[i];
		x[m] = minutes[i];
		y[m++] = (double)v[i];
	}
	row->first = v[0] == SERIES_MISSING ? 0 : v[0];
	row->last = v[n - 1] == SERIES_MISSING ? 0 : v[n - 1];
	row->change = row->last - row->first;
	if (m < 2 || series_fit(x, y, m, &row->rate, &row->r2) < 0)
		row->rate = row->r2 = 0;
	free(x);
}

static int cmp_growth(const void *a, const void *b, const struct series *s)
{
	const struct series_row *x = &s->row[*(const size_t *)a], *y = &s->row[*(const size_t *)b];
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == SERIES_MEMSTATS) /* as first added */
		return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	if (x->change != y->change)
		return x->change > y->change ? -1 : 1;
	return nul_strcmp(x->name, y->name);
}

/* sort_rows is a merge sort of s->order with cmp_growth (qsort has no context). */
static void sort_rows(struct series *s, size_t *a, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_rows(s, a, tmp, h);
	sort_rows(s, a + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp_growth(&a[j], &a[i], s) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof *a);
}

static bool is_suspect(const struct series *s, const struct series_row *row)
{
	int64_t last_total = s->snap[s->n_snap - 1].total;
	double min_rise = SERIES_MIN_RISE * (double)(last_total < 0 ? -last_total : last_total);
	return row->kind == SERIES_ROW && row->rising * 2 > s->n_snap - 1 && row->rate > 0 &&
	       row->r2 >= SERIES_MIN_R2 && row->change > 0 && (double)row->change >= min_rise;
}

int series_finish(struct series *s, char *err, size_t errsize)
{
	for (size_t i = 0; i < s->n_snap; i++)
		if (!s->snap[i].declared) {
			snprintf(err, errsize, "snapshot %zu was not read", i + 1);
			return -1;
		}
	time_order(s);
	int64_t t0 = s->snap[0].time_nanos;
	if (s->snap[s->n_snap - 1].time_nanos == t0) {
		snprintf(err, errsize, "every snapshot has the same time: no rate can be computed");
		return -1;
	}
	double *minutes = xcalloc(s->n_snap, sizeof *minutes), *y = xcalloc(s->n_snap, sizeof *y);
	for (size_t i = 0; i < s->n_snap; i++)
		minutes[i] = (double)(s->snap[i].time_nanos - t0) / 60e9;
	s->minutes = minutes[s->n_snap - 1];
	for (size_t r = 0; r < s->n_row; r++)
		row_figures(s, r, minutes, y);
	free(minutes);
	free(y);
	s->order = xcalloc(s->n_row + 1, sizeof *s->order);
	size_t *tmp = xcalloc(s->n_row + 1, sizeof *tmp);
	for (size_t r = 0; r < s->n_row; r++)
		s->order[r] = r;
	s->n_order = s->n_row;
	sort_rows(s, s->order, tmp, s->n_row);
	free(tmp);
	s->suspects = xcalloc(SERIES_MAX_SUSPECTS, sizeof *s->suspects);
	for (size_t k = 0; k < s->n_order && s->n_suspects < SERIES_MAX_SUSPECTS; k++) {
		struct series_row *row = &s->row[s->order[k]];
		if (is_suspect(s, row)) {
			row->suspect = true;
			s->suspects[s->n_suspects++] = s->order[k];
		}
	}
	for (size_t r = 0; r < s->n_row; r++)
		s->row[r].kept = true;
	return 0;
}

size_t series_trim(struct series *s, double nodefraction, int nodecount)
{
	int64_t max_total = 0;
	for (size_t i = 0; i < s->n_snap; i++)
		max_total = abs64(s->snap[i].total) > max_total ? abs64(s->snap[i].total) : max_total;
	int64_t cutoff = abs64(go_int64((double)max_total * nodefraction));
	size_t dropped = 0, shown = 0;
	for (size_t k = 0; k < s->n_order; k++) {
		struct series_row *row = &s->row[s->order[k]];
		if (row->kind != SERIES_ROW)
			continue;
		int64_t max = 0;
		for (size_t i = 0; i < s->n_snap; i++)
			max = abs64(series_value(s, s->order[k], i)) > max ? abs64(series_value(s, s->order[k], i)) : max;
		row->kept = cutoff == 0 || max > cutoff || abs64(row->change) > cutoff;
		if (!row->kept) {
			dropped++;
			continue;
		}
		if (nodecount > 0 && shown >= (size_t)nodecount)
			row->kept = false;
		else
			shown++;
	}
	s->dropped = dropped;
	s->cutoff = cutoff;
	return dropped;
}
