/*
 * driver: what the front ends (the command line, the shell) call, as
 * pprof's internal/driver does it: load the profile once from its sources
 * (driver_load.c), then make one report of it per command
 * (driver_report.c), delivered where the command wants it
 * (driver_output.c). The driver is the only layer that knows every
 * stage; no stage calls back into it.
 *
 * driver_load returns a profile owned by the caller (profile_free), or
 * NULL with a message in err. Messages about individual sources that could
 * not be read (when others could) are appended to warn, one per line.
 *
 * driver_report writes the report to out (it never prints anywhere else);
 * warnings that pprof prints on standard error go to warn. It returns 0,
 * or -1 with a message in err and nothing written: each report checks
 * what can fail before its first byte. The loaded profile is not modified.
 */
#ifndef CPROF_DRIVER_H
#define CPROF_DRIVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "commands.h"
#include "options.h"
#include "profile.h"
#include "util.h"

/* ---- loading: pprof's fetch stage ---- */

/*
 * Every source decoded and merged, base profiles subtracted (or, with
 * diff_base, marked and negated), frames dropped per the profile's
 * drop_frames, a comment added.
 */
struct load_options {
	char **sources;
	int n_sources;
	const char *base;     /* NULL: none */
	bool diff_base;
	bool normalize;
	bool all_frames;
	const char *exec_name; /* overrides the main mapping's file; NULL: none */
	const char *build_id;  /* fills in a missing main build id; "" none */
	const char *comment;   /* appended to the profile's comments; "" none */
	const char *symbolize; /* -symbolize mode */
	uint64_t max_inflated;
	unsigned max_ratio; /* decode_options.max_ratio */
	int seconds; /* -seconds, for profiles fetched over HTTP */
	int timeout; /* -timeout */
	/* -tls_cert, -tls_key, -tls_ca: files for fetching profiles and symbols over https; "" none */
	const char *tls_cert, *tls_key, *tls_ca;
	/*
	 * -memstats: a heap profile fetched over HTTP without its MemStats
	 * trailer (the proto one) gets it from the same URL with ?debug=1,
	 * and the saved copy keeps it (in comments, decode.h).
	 */
	bool memstats;
	bool one_thread; /* decode on this thread alone: the caller runs loads side by side */
	/* decode_options.lean: what of the samples the report does not read; NULL: it reads them whole */
	unsigned (*lean)(const struct profile *header, const void *ctx);
	const void *lean_ctx;
	/*
	 * A snapshot of a series (driver_capture): a fetched profile without
	 * a time gets the time of its fetch, its saved copy keeps a MemStats
	 * trailer, and the copy's path goes to *saved (no "Saved profile"
	 * message). NULL: none of that.
	 */
	struct strbuf *saved;
	const volatile sig_atomic_t *cancel; /* when set (Ctrl-C), fetches end with an error; NULL: never */
};

struct profile *driver_load(const struct load_options *lo, struct strbuf *warn, char *err, size_t errsize);

/*
 * driver_memstats is p with the MemStats trailer it lacks, fetched from
 * its URL with ?debug=1 (p was loaded from lo's one source, a URL, as
 * proto): a new profile derived from p, which must outlive it; NULL when
 * p has a trailer already, came from a file, or none could be fetched
 * (why, in warn).
 */
struct profile *driver_memstats(const struct profile *p, const struct load_options *lo, struct strbuf *warn);

/* ---- reports: pprof's generateReport ---- */

/*
 * Where a report's time went, in seconds, when a request asks (the web
 * server's timing log, make bench): the numeric label units, label
 * frames (tagroot/tagleaf), filters, the total, aggregation, the report
 * itself (its graph or stack tree and its text) and the graph's layout.
 */
struct driver_timing {
	double units, label_frames, filters, total, aggregate, report, layout;
	/*
	 * With a driver cache, what the report found kept: the units, the
	 * profiles of the label frames and filters, the aggregated profile,
	 * the nodes' values (no walk of the samples) and hot stacks to walk
	 * instead of them (only walked, none made).
	 */
	bool kept_units, kept_filters, kept_aggregation, kept_graph, kept_hot;
};

/*
 * A driver cache keeps, between the reports of one loaded profile (the
 * shell's, one command after another), what a command's options leave
 * unchanged: the numeric label units; per setting of the label frames
 * and filters (every option but those only reports read, and those of
 * aggregation), the profiles they made, their warnings and totals; per
 * such setting its aggregations (granularity, noinlines, showcolumns);
 * and per aggregated profile its graph cache (graph.h: nodes and values
 * for every sample_index, hot stacks). So top after top -cum only sorts
 * again, a new sample_index copies other columns, a new focus filters
 * once, list after top with a focus aggregates the filtered profile
 * again by lines. Invalidation: entries are keyed by every option they
 * read and by the loaded profile (another profile empties the cache);
 * at most four settings are kept, the least recently used dropped first,
 * and three aggregations of each, the first made dropped first. Not for
 * concurrent use.
 */
struct driver_cache;
struct driver_cache *driver_cache_new(void);
void driver_cache_free(struct driver_cache *c);

struct report_request {
	const struct command *cmd;
	const char *arg;  /* the regexp of list/peek/disasm, or NULL */
	bool interactive; /* from the shell: binary outputs always go to a file, viewers run in the background */
	const char *tools; /* where -disasm finds nm and objdump: pprof's -tools ($PPROF_TOOLS) */
	bool icicle;       /* -flame draws the root at the top */
	struct driver_timing *timing; /* filled in when not NULL */
	struct driver_cache *cache;   /* what earlier reports of the same profile kept; NULL: nothing */
};


/*
 * One report: command overrides, label frames, filters, sample
 * selection, aggregation, then the output format.
 */
int driver_report(const struct profile *loaded, const struct options *opt, const struct report_request *req,
		  FILE *out, struct strbuf *warn, char *err, size_t errsize);

/*
 * driver_header writes the profile's header lines (File, Type, Time, ...)
 * as the shell's greeting shows them, and whether the selected sample
 * type totals zero. Returns -1 when the options select no sample type.
 */
int driver_header(const struct profile *p, const struct options *opt, const struct report_request *req,
		  struct strbuf *out, bool *zero_total, struct strbuf *warn);

/* ---- memory over time: snapshots and series (driver_series.c), cprof's own ---- */

/*
 * driver_capture takes a series of snapshots of lo's one source, a URL:
 * n of them, one every interval (a fixed rate: after a late one the next
 * comes at once), each loaded as driver_load does and saved as pprof
 * saves what it fetches, with the time of its fetch when the profile has
 * none and any MemStats trailer (driver_load's saved). progress(ctx,
 * text) is told of each as it is taken, and of pprof's messages about
 * fetching, in lines that end with a newline. It stops early, keeping what it
 * took, once *stop is set (Ctrl-C), or at a failed fetch after the first.
 * The saved files' paths go to *paths (the caller frees each and the
 * array); -1 with a message when not even one could be taken.
 */
struct capture {
	int n;
	int64_t interval_nanos;
	const volatile sig_atomic_t *stop;
	void (*progress)(void *ctx, const char *text);
	void *ctx;
};
int driver_capture(const struct load_options *lo, const struct capture *c, char ***paths, int *n_paths,
		   struct strbuf *warn, char *err, size_t errsize);

/*
 * driver_series makes a report of lo's sources (files, read more than
 * once) taken as a time series, ordered by their profiles' times (else
 * their files'): req's command is top or text (the leak suspects above
 * the table of values over time), svg (the line chart), memstats (the
 * MemStats trailer over time) or flame (the differential flame graph of
 * the last snapshot against the first). Snapshots are read two at a time
 * and kept only as their rows (transform_series.h), so a series costs
 * little more memory than its largest snapshot.
 */
int driver_series(const struct load_options *lo, const struct options *opt, const struct report_request *req,
		  FILE *out, struct strbuf *warn, char *err, size_t errsize);

/*
 * driver_open_browser starts the first web browser that starts on url, as
 * pprof's -http opens one ($BROWSER, then chrome, ..., xdg-open), without
 * waiting for it. Returns 0, or -1 when none could be started.
 */
int driver_open_browser(const char *url);

#endif
