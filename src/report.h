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
#include "transform_series.h"
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
	bool base_labels; /* with the units: some sample has the label pprof::base=true */
	const char *tools; /* the request's */
	const char *command; /* the command's name, as errors name it */
	bool interactive;    /* from the shell, where commands have no leading '-' */
	bool icicle;         /* the request's */
	struct graph_cache *graphs; /* the valued graphs of p already made (the shell's); NULL: none */
};

/* The unit of a numeric label key, as pprof infers it. */
const char *report_label_unit(const struct report *r, const char *key);

/* A value formatted in the report's unit, after divide_by. */
void report_format_value(const struct report *r, int64_t v, char *buf, size_t size);

/*
 * report_flush hands b's text to out, and empties b, once it holds at
 * least `at` bytes (0: whatever it holds). Reports that print a line per
 * frame (-traces, -raw) build their text in a strbuf and write it in
 * blocks of REPORT_BLOCK bytes: fprintf line by line took most of their
 * time.
 */
#define REPORT_BLOCK ((size_t)1 << 20)
void report_flush(struct strbuf *b, FILE *out, size_t at);

/*
 * A report_writer writes the blocks of such a report to out on a thread
 * of its own while the next block is made (-traces of large-heap writes
 * 1.2 GB: making the text and copying it into the page cache took about
 * as long as each other). It holds two blocks at most. Between
 * report_writer_start and report_writer_end nothing else may write to
 * out; report_writer_flush is report_flush's counterpart. Without a
 * thread, the blocks are written as report_flush writes them.
 */
struct report_writer;
struct report_writer *report_writer_start(FILE *out);
void report_writer_flush(struct report_writer *w, struct strbuf *b, size_t at);
void report_writer_end(struct report_writer *w);

/* The flat, flat%, sum%, cum, cum% columns of a -top or -tree row, as text (percentages padded). */
struct columns {
	char flat[64], flat_pct[32], sum_pct[32], cum[64], cum_pct[32];
};
void report_column_text(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, struct columns *c);

/* report_columns prints the flat, flat%, sum%, cum, cum% columns of a -top or -tree row. */
void report_columns(const struct report *r, int64_t flat, int64_t flat_sum, int64_t cum, FILE *out);

/*
 * report_package_len is the length of the package that starts a function
 * name: a C++ name's first namespace, a Go name's import path and package
 * ("net/http.(*conn).serve" -> "net/http"), else the whole name.
 */
size_t report_package_len(const char *name);

/* report_inline_suffix is what -top writes after a node's name: "", " (inline)" or " (partial-inline)". */
const char *report_inline_suffix(const struct graph *g, uint32_t id);

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
/* report_family is the format whose graph and options f shares: FMT_TEXT for FMT_WEB_TOP, ...; else f. */
enum report_format report_family(enum report_format f);

/*
 * report_valued_graph is the graph of r->p's nodes with their values
 * summed and no edges (graph_nodes, graph_build_values), from r->graphs
 * when it has one; the caller frees it.
 */
struct graph *report_valued_graph(const struct report *r, const struct graph_options *go);

/* The graph options of pprof's rpt.newGraph for the report's format. */
struct graph_options report_graph_options(const struct report *r);

/*
 * report_minimum_unit is pprof's selectOutputUnit for -unit=minimum: the
 * unit of the smallest value shown (min, non-zero when any is), unless
 * it is under a hundredth of the largest (max) in another unit. It sets
 * r->output_unit; any other -unit stays.
 */
void report_minimum_unit(struct report *r, int64_t min, int64_t max);

/* pprof's newTrimmedGraph then selectOutputUnit. */
int report_trimmed_graph(struct report *r, struct trimmed *t);

/*
 * report_xml_text writes at most max_chars characters of s as XML text:
 * markup escaped, control characters and bytes that are not UTF-8 (which
 * XML cannot hold) as U+FFFD. It returns how many characters s has.
 */
size_t report_xml_text(FILE *out, const char *s, size_t max_chars);

/*
 * A source listing (-list) as report_listing walks it: the total, then per
 * function and file a routine (its flat and cum, and cum's share of the
 * total) and its lines (values formatted, "." for zero; hot when either is
 * not zero), or why the file could not be read; or, for a function with
 * no file, no_source. With a limit on functions, truncated says some were
 * left out. -list writes this as text, the web interface as JSON.
 */
struct listing_writer {
	void (*begin)(void *ctx, const char *total);
	void (*routine)(void *ctx, const char *name, const char *file, const char *flat, const char *cum,
			const char *pct);
	void (*line)(void *ctx, int64_t lineno, const char *flat, const char *cum, bool hot, const char *text,
		     size_t len);
	void (*error)(void *ctx, const char *msg);
	void (*no_source)(void *ctx, const char *name);
	void (*truncated)(void *ctx);
	void *ctx;
};

/* report_listing walks the listing of r's functions (at most max_functions; 0: all) into w. */
int report_listing(struct report *r, const struct listing_writer *w, size_t max_functions, char *err,
		   size_t errsize);

/*
 * The call graph as pprof's web view wants it (report_dot_for_web): the
 * DOT text without the legend box, whose lines come apart in legend, and
 * the nodes' full names in the order of their DOT numbers (N1 first).
 */
struct report_dot_web {
	struct strbuf legend;
	char **names;
	size_t n_names;
};
void report_dot_for_web(struct report *r, FILE *out, struct report_dot_web *web);
void report_dot_web_free(struct report_dot_web *web);

typedef int report_format_fn(struct report *r, FILE *out, char *err, size_t errsize);

/*
 * report_web_page writes web/page.html (a stand-in while it is missing)
 * with its placeholders filled: {{title}} (HTML-escaped), {{style}} and
 * {{script}} (common.css/js and the view's own), {{data}} (the page
 * data, JSON as json.h writes it, so that it cannot close its script
 * element) and {{body}} (the view's HTML, as it is).
 */
void report_web_page(FILE *out, const char *view, const char *title, const char *data, size_t data_len,
		     const char *body, size_t body_len);

/* report_web_title appends pprof's page title for a legend: its File and Type ("unknown" for either missing). */
void report_web_title(const char *legend, struct strbuf *out);

/* report_generate writes the report of r's format to out. */
int report_generate(struct report *r, FILE *out, char *err, size_t errsize);

/*
 * report_memstat_number reads a number of p's MemStats trailer: field
 * key, part 0 (or, for "Stack = inuse / sys", part 1). -1 when p lacks
 * it or it is not a number.
 */
int report_memstat_number(const struct profile *p, const char *key, int part, int64_t *v);
/* report_no_memstats says, in err, what lacks a MemStats trailer ("the profile has none"), and where Go writes one. */
void report_no_memstats(const struct report *r, const char *what, char *err, size_t errsize);

report_format_fn report_text, report_traces, report_tags, report_comments, report_raw, report_tree, report_list,
	report_disasm, report_dot, report_callgrind, report_folded, report_flame, report_proto, report_topproto,
	report_memstats, report_weblist, report_web_top, report_web_graph, report_web_list, report_web_flame;

/* ---- a series of snapshots (report_series.c, report_series_chart.c) ---- */

struct series;
/* Whether a row shows under the series' table and chart: every function or stack, and MemStats' HeapAlloc and Sys. */
bool report_series_in_table(const struct series_row *row);
/* Whether rows are stacks (of a goroutine profile, its sample type) rather than functions. */
bool report_series_stacks(const char *sample_type);
/*
 * report_series_read reads r's profile, after every transform, into
 * snapshot i of s, taken at time_nanos from source: its rows (flat
 * values, cum with -cum, or a goroutine profile's stacks) and the
 * figures of its MemStats trailer.
 */
void report_series_read(const struct report *r, struct series *s, size_t i, const char *source, int64_t time_nanos);
/*
 * The call path holding most of the rise of each suspect of the finished
 * series s: the stacks through it (ending in it, for flat values) cut
 * after its outermost frame, summed per path in the report of the first
 * snapshot (which 0) and of the last (which 1), added one at a time;
 * report_series_paths_finish records each suspect's best in s and frees
 * ps.
 */
struct series_paths;
struct series_paths *report_series_paths_new(void);
void report_series_paths_add(struct series_paths *ps, const struct report *r, const struct series *s, int which);
void report_series_paths_finish(struct series_paths *ps, struct series *s);
/* The suspects above the table of values over time (r: the last snapshot's report, for its header and unit). */
int report_series_text(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize);
/* The MemStats trailer over time; -1 when no snapshot has one. */
int report_series_memstats(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize);
/* The series as an SVG line chart: a line per kept row, MemStats' HeapAlloc and Sys dashed. */
int report_series_chart(struct report *r, const struct series *s, FILE *out, char *err, size_t errsize);

#endif
