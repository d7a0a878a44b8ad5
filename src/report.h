/*
 * report: the output formats, one report_*.c file each, and the helpers
 * they share (report.c). A struct report holds what pprof's report.Report
 * holds: the profile after every transform, the options after command
 * overrides, the selected value and its unit, the total. The driver fills
 * it in; the formats only read it and the profile it points to.
 *
 * Every format is a report_format_fn: it writes to out and returns 0, or
 * -1 with a message in err and nothing written (each checks what can fail
 * before its first byte). report_generate looks the format up in one
 * table (report_table.c): adding a format is one file and one row.
 */
#ifndef CPROF_REPORT_H
#define CPROF_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "commands.h"
#include "graph.h"
#include "options.h"
#include "profile.h"
#include "re.h"
#include "util.h"

struct numlabel_unit {
	const char *key, *unit;
};

struct report {
	const struct profile *p; /* after every transform */
	struct options o;        /* after command overrides */
	enum report_format format;
	int value_index;
	int mean_index; /* -1 unless -mean */
	char *sample_type; /* "mean_" + type with -mean */
	const char *sample_unit;
	char *output_unit;
	double ratio;
	int64_t total;
	char *title;
	struct regex *symbol;
	char **filters; /* "focus=..." as the legend shows them */
	size_t n_filters;
	struct numlabel_unit *units;
	size_t n_units;
	const char *tools; /* the request's */
	const char *command; /* the command's name, as errors name it */
	bool interactive;    /* from the shell, where commands have no leading '-' */
	bool icicle;         /* the request's */
};

/* The unit of a numeric label key, as pprof infers it. */
const char *report_label_unit(const struct report *r, const char *key);

/* A value formatted in the report's unit, after divide_by. */
void report_format_value(const struct report *r, int64_t v, char *buf, size_t size);

/* report_columns prints the flat, flat%, sum%, cum, cum% columns of a -top or -tree row. */
void report_columns(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, FILE *out);

/* Header lines: File, Build ID, comments, Type, Doc, Time, Duration. */
void report_profile_labels(const struct report *r, struct strbuf *out);

/* Header plus "Showing nodes accounting for ..." and the Dropped lines. */
void report_labels(const struct report *r, struct strbuf *out, int64_t shown_total, size_t node_count,
		   size_t orig_count, size_t dropped_nodes, int dropped_edges, bool full_headers);

struct trimmed {
	struct graph *g;
	size_t orig_count, dropped_nodes;
	int dropped_edges;
};
/* The graph options of pprof's rpt.newGraph for the report's format. */
struct graph_options report_graph_options(const struct report *r);

/* pprof's newTrimmedGraph then selectOutputUnit. */
int report_trimmed_graph(struct report *r, struct trimmed *t);

typedef int report_format_fn(struct report *r, FILE *out, char *err, size_t errsize);

/* report_generate writes the report of r's format to out. */
int report_generate(struct report *r, FILE *out, char *err, size_t errsize);

report_format_fn report_text, report_traces, report_tags, report_comments, report_raw, report_tree, report_list,
	report_disasm, report_dot, report_callgrind, report_folded, report_flame, report_proto, report_topproto;

#endif
