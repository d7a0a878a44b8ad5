/*
 * transform_series: profiles of one program taken over time, read one at
 * a time into rows of values, and what the rows say: each row's change
 * from the first snapshot to the last, its growth rate (the least-squares
 * slope, per minute of the profiles' own times), how well a line fits it,
 * and which rows look like leaks.
 *
 * A row is a name: a function at the report's granularity, or a stack
 * (report_series.c reads a snapshot into rows). The caller declares each
 * snapshot (series_snapshot) and adds its rows (series_add), in any order
 * of snapshots, even from two threads under one lock; a row a snapshot
 * does not name is 0 there. Nothing of a profile is kept but these values,
 * so a series costs its rows times its snapshots, not its profiles.
 * series_finish puts the snapshots in time order and computes every
 * statistic. The series owns what it holds; series_free releases it.
 */
#ifndef CPROF_TRANSFORM_SERIES_H
#define CPROF_TRANSFORM_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"
#include "util.h"

/* A value a snapshot did not give (a MemStats row of a snapshot without the trailer). */
#define SERIES_MISSING INT64_MIN

/*
 * The leak rule: a row is a suspect when it rises in more than half the
 * steps between snapshots, its least-squares line rises with R² at least
 * SERIES_MIN_R2, and it rises in all by at least SERIES_MIN_RISE of the
 * last snapshot's total. At most SERIES_MAX_SUSPECTS are listed. Sampled
 * values are noisy: over 5 snapshots, a row of pure noise fits a rising
 * line with R² >= 0.9 in 0.7% of series (R² >= 0.8: in 2%), simulated.
 */
#define SERIES_MIN_R2 0.9
#define SERIES_MIN_RISE 0.01
#define SERIES_MAX_SUSPECTS 10

enum series_kind {
	SERIES_ROW,      /* a function or stack: sorted by growth, may be a suspect */
	SERIES_MEMSTATS, /* a MemStats figure: kept in the order first added */
};

struct series_snapshot {
	char *source;
	int64_t time_nanos;
	int64_t total; /* the sampled total of the selected value */
	bool declared;
};

struct series_row {
	const char *name;
	enum series_kind kind;
	/* after series_finish: */
	int64_t first, last, change; /* change = last - first; SERIES_MISSING ends count as 0 */
	double rate;                 /* least-squares slope, per minute */
	double r2;                   /* the line's coefficient of determination (0 for a flat row) */
	size_t rising;               /* steps in which the value rose */
	bool suspect;
	bool kept; /* survives -nodefraction and -nodecount (series_trim) */
	/* the call path holding most of the growth of a suspect (series_set_path); NULL: none */
	const char *path;
	int64_t path_change;
};

struct series {
	struct arena *arena; /* names, paths, sources */
	size_t n_snap;
	struct series_snapshot *snap; /* in time order after series_finish */
	struct series_row *row;
	size_t n_row, cap_row;
	int64_t *value; /* row r, snapshot i: value[r * n_snap + i] */
	size_t cap_value;
	struct strset names[2]; /* per kind: the name's row */
	uint32_t *row_of[2];    /* per kind: name number -> row */
	size_t cap_row_of[2];
	size_t *order;          /* after series_finish: rows, the SERIES_ROW ones by growth, then MEMSTATS */
	size_t n_order;
	size_t *suspects;       /* rows, best first */
	size_t n_suspects;
	double minutes;         /* from the first snapshot to the last */
	size_t dropped;         /* rows series_trim dropped for their size */
	int64_t cutoff;         /* and the size they were at most */
};

struct series *series_new(size_t n_snapshots);
void series_free(struct series *s);

/* series_snapshot declares snapshot i (0 <= i < n_snapshots): where it came from, its time, its total. */
void series_snapshot(struct series *s, size_t i, const char *source, int64_t time_nanos, int64_t total);
/* series_add adds v to row name of kind in snapshot i (a MEMSTATS row's value is set, not added). */
void series_add(struct series *s, size_t i, enum series_kind kind, const char *name, int64_t v);

/* series_merge adds snapshot 0 of one (a series of one snapshot, read apart) as snapshot i of s. */
void series_merge(struct series *s, size_t i, const struct series *one);

/*
 * series_finish orders the snapshots by time (a tie keeps their order),
 * then computes each row's figures, sorts the rows by rate (then change,
 * then name) and picks the suspects. It fails (-1, a message in err) when
 * a snapshot was not declared or every snapshot has the same time.
 */
int series_finish(struct series *s, char *err, size_t errsize);

/*
 * series_trim marks the rows kept, as pprof trims nodes: rows whose
 * largest absolute value and absolute change are both at most
 * nodefraction of the largest total drop, then all but the first
 * nodecount (0: no limit). MemStats rows are always kept. Returns how
 * many rows dropped for the fraction.
 */
size_t series_trim(struct series *s, double nodefraction, int nodecount);

/* series_value is row r's value in snapshot i (time order after series_finish). */
static inline int64_t series_value(const struct series *s, size_t r, size_t i)
{
	return s->value[r * s->n_snap + i];
}

/* series_set_path records the call path that holds most of row r's growth, and that growth. */
void series_set_path(struct series *s, size_t r, const char *path, int64_t change);

/*
 * series_fit is the least-squares line through (x[i], y[i]): its slope
 * and R² (0 when y does not vary). Returns -1 when x does not vary.
 */
int series_fit(const double *x, const double *y, size_t n, double *slope, double *r2);

#endif
