/*
 * report: one report from a loaded profile and the current options, as
 * pprof's generateReport makes it: command overrides, label frames,
 * filters, sample selection, aggregation, then the output format.
 *
 * report_run writes the report to out (it never prints anywhere else);
 * warnings that pprof prints on standard error go to warn. It returns 0,
 * or -1 with a message in err and nothing written: each report checks
 * what can fail before its first byte. The loaded profile is not modified.
 *
 * The report_* functions of the report_*.c files take a struct report,
 * which holds what pprof's report.Report holds.
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

struct report_request {
	const struct command *cmd;
	const char *arg;  /* the regexp of list/peek/disasm, or NULL */
	bool interactive; /* from the shell: binary outputs always go to a file, viewers run in the background */
	const char *tools; /* where -disasm finds nm and objdump: pprof's -tools ($PPROF_TOOLS) */
};

int report_run(const struct profile *loaded, const struct options *opt, const struct report_request *req, FILE *out,
	       struct strbuf *warn, char *err, size_t errsize);

/*
 * report_header writes the profile's header lines (File, Type, Time, ...)
 * as the shell's greeting shows them, and whether the selected sample
 * type totals zero. Returns -1 when the options select no sample type.
 */
int report_header(const struct profile *p, const struct options *opt, const struct report_request *req,
		  struct strbuf *out, bool *zero_total, struct strbuf *warn);

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

/* report_generate writes the report of r's format to out. */
int report_generate(struct report *r, FILE *out, char *err, size_t errsize);
/*
 * report_deliver generates the report and sends it where req's command
 * wants it (report_output.c): rendered to an image, into a file named as
 * pprof names it rather than to a terminal (with the file's name in warn),
 * or to a viewer program through a temporary file. Without -output,
 * viewers are used; with it, out is the output file.
 */
int report_deliver(struct report *r, const struct report_request *req, FILE *out, struct strbuf *warn, char *err,
		   size_t errsize);

int report_text(struct report *r, FILE *out);
int report_traces(struct report *r, FILE *out);
int report_tags(struct report *r, FILE *out);
int report_comments(struct report *r, FILE *out);
int report_raw(struct report *r, FILE *out);
int report_tree(struct report *r, FILE *out, char *err, size_t errsize);
int report_list(struct report *r, FILE *out, char *err, size_t errsize);
int report_disasm(struct report *r, FILE *out, char *err, size_t errsize);
int report_dot(struct report *r, FILE *out);
int report_callgrind(struct report *r, FILE *out);
int report_proto(struct report *r, FILE *out, char *err, size_t errsize);
int report_topproto(struct report *r, FILE *out, char *err, size_t errsize);

#endif
