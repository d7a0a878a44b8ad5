/*
 * driver_series: cprof's memory-over-time reports. driver_capture takes
 * a series of snapshots of one URL and saves each as pprof saves what it
 * fetches; driver_series reads snapshots (files) one at a time into a
 * series (transform_series.h), on two threads, keeping nothing of each
 * profile but its rows, and reports it: the leak suspects above the
 * table, the line chart, the MemStats trailer over time, or the
 * differential flame graph of the last snapshot against the first.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decode.h"
#include "driver.h"
#include "driver_int.h"
#include "gofmt.h"
#include "units.h"

/* ---- capture ---- */

static int64_t now_nanos(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* sleep_until waits for the monotonic time at (nanoseconds), or until *stop is set (Ctrl-C). */
static void sleep_until(int64_t at, const volatile sig_atomic_t *stop)
{
	struct timespec t = { (time_t)(at / 1000000000), (long)(at % 1000000000) };
	while (!(stop && *stop) && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

/* progress_line: "Snapshot 2 of 5, 2026-12-03 11:00:03 UTC, 48.30kB: PATH". */
static void progress_line(const struct capture *c, int k, const struct profile *p, const char *path)
{
	struct strbuf line = STRBUF_INIT;
	struct stat st;
	char size[64] = "?";
	if (stat(path, &st) == 0)
		units_label(size, sizeof size, (int64_t)st.st_size, "bytes", "auto");
	sb_addf(&line, "Snapshot %d of %d, ", k + 1, c->n);
	go_time_short(&line, p->time_nanos);
	sb_addf(&line, ", %s: %s\n", size, path);
	c->progress(c->ctx, sb_cstr(&line));
	sb_free(&line);
}

int driver_capture(const struct load_options *lo, const struct capture *c, char ***paths, int *n_paths,
		   struct strbuf *warn, char *err, size_t errsize)
{
	*paths = xcalloc((size_t)c->n + 1, sizeof **paths);
	*n_paths = 0;
	int64_t start = now_nanos(CLOCK_MONOTONIC);
	for (int k = 0; k < c->n && !(c->stop && *c->stop); k++) {
		if (k > 0)
			sleep_until(start + c->interval_nanos * k, c->stop);
		if (c->stop && *c->stop)
			break;
		struct strbuf saved = STRBUF_INIT, w = STRBUF_INIT;
		struct load_options one = *lo;
		one.saved = &saved;
		one.cancel = c->stop;
		char e[1024];
		struct profile *p = driver_load(&one, &w, e, sizeof e);
		/* pprof's "Fetching profile over HTTP from ..." once, not per snapshot, and at once */
		if (k == 0 && w.len)
			c->progress(c->ctx, sb_cstr(&w));
		else if (!p)
			sb_adds(warn, sb_cstr(&w));
		sb_free(&w);
		if (p && saved.len) {
			progress_line(c, k, p, sb_cstr(&saved));
			(*paths)[(*n_paths)++] = xstrdup(sb_cstr(&saved));
		} else if (p) {
			sb_addf(warn, "Snapshot %d of %d could not be saved\n", k + 1, c->n);
		}
		sb_free(&saved);
		profile_free(p);
		if (!p) {
			if (c->stop && *c->stop)
				break;
			if (*n_paths == 0) {
				snprintf(err, errsize, "%s", e);
				return -1;
			}
			sb_addf(warn, "Snapshot %d of %d: %s; keeping the %d taken\n", k + 1, c->n, e, *n_paths);
			break;
		}
	}
	if (c->stop && *c->stop)
		sb_addf(warn, "Interrupted: keeping the %d snapshot%s taken\n", *n_paths, *n_paths == 1 ? "" : "s");
	return 0;
}

/* ---- reading the series ---- */

/*
 * What the header of a series' report is made from: the latest
 * snapshot's sample types, first mapping, comments and doc URL, with no
 * samples (so it costs nothing to keep while the others are read).
 */
static struct profile *skeleton(const struct profile *p)
{
	struct profile *k = profile_new();
	struct arena *a = k->arena;
	k->n_sample_type = p->n_sample_type;
	k->sample_type = arena_array(a, p->n_sample_type, sizeof *k->sample_type);
	for (size_t i = 0; i < p->n_sample_type; i++) {
		k->sample_type[i].type = arena_strdup(a, p->sample_type[i].type);
		k->sample_type[i].unit = arena_strdup(a, p->sample_type[i].unit);
	}
	k->default_sample_type = arena_strdup(a, p->default_sample_type);
	if (p->n_mapping) {
		k->mapping = arena_zalloc(a, sizeof *k->mapping);
		k->mapping[0].file = arena_strdup(a, p->mapping[0].file);
		k->mapping[0].build_id = arena_strdup(a, p->mapping[0].build_id);
		k->n_mapping = 1;
	}
	const char **c = arena_array(a, p->n_comment, sizeof *c);
	for (size_t i = 0; i < p->n_comment; i++)
		c[i] = arena_strdup(a, p->comment[i]);
	k->comment = c;
	k->n_comment = p->n_comment;
	k->doc_url = arena_strdup(a, p->doc_url);
	k->period_type.type = arena_strdup(a, p->period_type.type);
	k->period_type.unit = arena_strdup(a, p->period_type.unit);
	k->period = p->period;
	k->time_nanos = p->time_nanos;
	k->escaped = p->escaped;
	return k;
}

/* The shared state of the threads reading a series. */
struct reading {
	const struct load_options *lo;
	const struct options *opt;
	const struct report_request *req; /* the series' table: how each snapshot is prepared */
	pthread_mutex_t lock;
	/* under lock: */
	struct series *s;
	size_t next;
	size_t failed;  /* the first source that could not be read, of those read; SIZE_MAX: none */
	char err[1024]; /* why */
	struct strbuf warn;
	char **type;    /* each snapshot's sample type, which must be the first's */
	struct profile *latest; /* the skeleton of the latest snapshot so far */
};

/* add_warnings adds the lines of w not said already (each snapshot would say the same). */
static void add_warnings(struct strbuf *warn, const struct strbuf *w)
{
	const char *c = w->s ? w->s : "";
	while (*c) {
		size_t n = strcspn(c, "\n") + (c[strcspn(c, "\n")] == '\n');
		bool seen = false;
		for (const char *at = warn->s; at && *at;) {
			size_t m = strcspn(at, "\n") + (at[strcspn(at, "\n")] == '\n');
			if (m == n && !memcmp(at, c, n)) {
				seen = true;
				break;
			}
			at += m;
		}
		if (!seen)
			sb_addn(warn, c, n);
		c += n;
	}
}

/* snapshot_time is the profile's time, else its file's modification time. */
static int64_t snapshot_time(const struct profile *p, const char *source)
{
	struct stat st;
	if (p->time_nanos || stat(source, &st) < 0)
		return p->time_nanos;
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

static bool set(const char *option)
{
	return option && option[0];
}

/*
 * lean tells what of a sample the series' table of a snapshot with this
 * header does not read, so the decode may leave it out: all but the leaf
 * for flat values (not -cum) of functions (not a goroutine series'
 * stacks) with no option that looks along the stack (focus, ignore,
 * hide, show, show_from, prune_from, tagroot, tagleaf) and no
 * drop_frames to prune by; the labels with no tag option. On the
 * bench's large-heap (stacks 37 frames deep, a label a sample) a
 * snapshot then costs 0.26 s of CPU rather than 0.37.
 */

static unsigned lean(const struct profile *head, const void *ctx)
{
	const struct options *o = ctx;
	unsigned out = 0;
	bool stacks = head->drop_frames[0] || !strcmp(o->sort, "cum");
	for (size_t t = 0; t < head->n_sample_type; t++)
		stacks = stacks || report_series_stacks(head->sample_type[t].type);
	if (!stacks && !set(o->focus) && !set(o->ignore) && !set(o->hide) && !set(o->show) && !set(o->show_from) &&
	    !set(o->prune_from) && !set(o->tagroot) && !set(o->tagleaf))
		out |= DECODE_LEAF;
	if (!set(o->tagfocus) && !set(o->tagignore) && !set(o->tagshow) && !set(o->taghide) && !set(o->tagroot) &&
	    !set(o->tagleaf))
		out |= DECODE_NO_LABELS;
	return out;
}

/* load_one loads source i as driver_load does, and prepares its report of the series' table. */
static struct profile *load_one(const struct reading *rd, size_t i, bool one_thread, struct prepared *pr,
				struct strbuf *warn, char *err, size_t errsize)
{
	struct load_options one = *rd->lo;
	one.sources = &rd->lo->sources[i];
	one.n_sources = 1;
	one.base = NULL;
	one.one_thread = one_thread;
	if (one_thread) { /* the series' table, not the call paths through its suspects */
		one.lean = lean;
		one.lean_ctx = rd->opt;
	}
	char e[1024];
	struct profile *p = driver_load(&one, warn, e, sizeof e);
	if (!p) {
		snprintf(err, errsize, "%s", e);
		return NULL;
	}
	if (driver_prepare(pr, p, rd->opt, rd->req, warn, e, sizeof e) < 0) {
		snprintf(err, errsize, "%s: %s", rd->lo->sources[i], e);
		driver_prepared_free(pr);
		profile_free(p);
		return NULL;
	}
	return p;
}

/* read_one reads source i into the series; false when it failed (the reason in rd->err). */
static bool read_one(struct reading *rd, size_t i)
{
	const char *source = rd->lo->sources[i];
	struct strbuf w = STRBUF_INIT;
	struct prepared pr;
	char e[1024];
	struct profile *p = load_one(rd, i, true, &pr, &w, e, sizeof e);
	struct series *one = NULL;
	struct profile *skel = NULL;
	int64_t t = 0;
	if (p) {
		t = snapshot_time(p, source);
		one = series_new(1);
		report_series_read(&pr.r, one, 0, source, t);
		skel = skeleton(p);
	}
	pthread_mutex_lock(&rd->lock);
	add_warnings(&rd->warn, &w);
	bool ok = p != NULL;
	/* of two failures, the first source's is told, whichever thread saw it first */
	if (!p && i < rd->failed) {
		snprintf(rd->err, sizeof rd->err, "%s", e);
		rd->failed = i;
	}
	if (ok) {
		rd->type[i] = xstrdup(pr.r.sample_type);
		series_merge(rd->s, i, one);
		if (!rd->latest || t >= rd->latest->time_nanos) {
			profile_free(rd->latest);
			skel->time_nanos = t;
			rd->latest = skel;
			skel = NULL;
		}
	}
	pthread_mutex_unlock(&rd->lock);
	profile_free(skel);
	series_free(one);
	if (p)
		driver_prepared_free(&pr);
	profile_free(p);
	sb_free(&w);
	reuse_round();
	return ok;
}

/* reader reads snapshots until none is left, each in the memory the one before it had (util.h's reuse_). */
static void *reader(void *arg)
{
	struct reading *rd = arg;
	reuse_begin();
	for (;;) {
		pthread_mutex_lock(&rd->lock);
		size_t i = rd->next++;
		bool stop = rd->failed != SIZE_MAX || i >= (size_t)rd->lo->n_sources;
		pthread_mutex_unlock(&rd->lock);
		if (stop || !read_one(rd, i))
			break;
	}
	reuse_end();
	return NULL;
}

/*
 * read_series reads every source into a finished series: two at a time,
 * each decoded on one thread (on 2 cores two decodes side by side do
 * better than one decoding on two threads, whose parsing thread waits
 * for the inflating one), only as far as the table needs (lean) and in
 * the memory of the snapshot before (reader): 20 snapshots of the
 * bench's large-heap take 2.7 s, 5.2 s of CPU, in 265 MB, where one -top
 * takes 214 MB (tests/bench_series.sh).
 */
static struct series *read_series(struct reading *rd, char *err, size_t errsize)
{
	size_t n = (size_t)rd->lo->n_sources;
	rd->s = series_new(n);
	rd->type = xcalloc(n, sizeof *rd->type);
	rd->failed = SIZE_MAX;
	pthread_mutex_init(&rd->lock, NULL);
	pthread_t thread;
	bool two = pthread_create(&thread, NULL, reader, rd) == 0;
	reader(rd);
	if (two)
		pthread_join(thread, NULL);
	pthread_mutex_destroy(&rd->lock);
	for (size_t i = 1; i < n && rd->failed == SIZE_MAX; i++)
		if (strcmp(rd->type[i], rd->type[0]) != 0) {
			snprintf(rd->err, sizeof rd->err, "%s: its sample type is %s, not %s as in %s", rd->lo->sources[i],
				 rd->type[i], rd->type[0], rd->lo->sources[0]);
			rd->failed = i;
		}
	if (rd->failed == SIZE_MAX && series_finish(rd->s, rd->err, sizeof rd->err) < 0)
		rd->failed = 0;
	if (rd->failed != SIZE_MAX) {
		snprintf(err, errsize, "%s", rd->err);
		series_free(rd->s);
		return rd->s = NULL;
	}
	return rd->s;
}

/* source_index is the index of the source of snapshot k (in time order). */
static size_t source_index(const struct load_options *lo, const struct series *s, size_t k)
{
	for (int i = 0; i < lo->n_sources; i++)
		if (!strcmp(lo->sources[i], s->snap[k].source))
			return (size_t)i;
	return 0;
}

/* find_paths reads the first snapshot and the last again, for the call paths of the suspects. */
static int find_paths(struct reading *rd, struct series *s, struct strbuf *warn, char *err, size_t errsize)
{
	if (!s->n_suspects)
		return 0;
	struct series_paths *ps = report_series_paths_new();
	int rc = 0;
	for (int which = 0; which < 2 && rc == 0; which++) {
		size_t i = source_index(rd->lo, s, which ? s->n_snap - 1 : 0);
		struct prepared pr;
		struct strbuf w = STRBUF_INIT;
		struct profile *p = load_one(rd, i, false, &pr, &w, err, errsize);
		add_warnings(warn, &w);
		sb_free(&w);
		if (!p) {
			rc = -1;
			break;
		}
		report_series_paths_add(ps, &pr.r, s, which);
		driver_prepared_free(&pr);
		profile_free(p);
	}
	report_series_paths_finish(ps, s);
	return rc;
}

/* flame draws the last snapshot against the first: the -flame -base of the two. */
static int flame(const struct reading *rd, const struct series *s, const struct report_request *req, FILE *out,
		 struct strbuf *warn, char *err, size_t errsize)
{
	struct load_options pair = *rd->lo;
	char *last = rd->lo->sources[source_index(rd->lo, s, s->n_snap - 1)];
	pair.sources = &last;
	pair.n_sources = 1;
	pair.base = rd->lo->sources[source_index(rd->lo, s, 0)];
	pair.diff_base = true;
	struct profile *p = driver_load(&pair, warn, err, errsize);
	if (!p)
		return -1;
	int rc = driver_report(p, rd->opt, req, out, warn, err, errsize);
	profile_free(p);
	return rc;
}

/* The series' own report, made from the header's profile (the latest snapshot's skeleton). */
static int series_report(struct reading *rd, struct series *s, const struct report_request *req, FILE *out,
			 struct strbuf *warn, char *err, size_t errsize)
{
	struct prepared pr;
	/* what preparing the snapshots said is said; of a skeleton's filters it would add that they match nothing */
	struct strbuf said = STRBUF_INIT;
	int rc = driver_prepare(&pr, rd->latest, rd->opt, req, &said, err, errsize);
	sb_free(&said);
	if (rc < 0) {
		driver_prepared_free(&pr);
		return rc;
	}
	bool chart = req->cmd->format == FMT_DOT;
	int nodecount = pr.r.o.nodecount;
	/* a chart of more than a few lines is unreadable: 10 unless -nodecount says */
	if (chart && rd->opt->nodecount < 0)
		nodecount = 10;
	series_trim(s, pr.r.o.nodefraction, nodecount);
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = xopen_memstream(&buf, &n);
	if (req->cmd->format == FMT_MEMSTATS)
		rc = report_series_memstats(&pr.r, s, mem, err, errsize);
	else if (chart)
		rc = report_series_chart(&pr.r, s, mem, err, errsize);
	else
		rc = report_series_text(&pr.r, s, mem, err, errsize);
	fclose(mem);
	if (rc == 0)
		rc = driver_deliver_made(&pr.r, req, out, buf, n, warn, err, errsize);
	free(buf);
	driver_prepared_free(&pr);
	return rc;
}

int driver_series(const struct load_options *lo, const struct options *opt, const struct report_request *req,
		  FILE *out, struct strbuf *warn, char *err, size_t errsize)
{
	enum report_format f = req->cmd->format;
	const char *dash = req->interactive ? "" : "-";
	if (!(f == FMT_TEXT || f == FMT_MEMSTATS || f == FMT_FLAME || !strcmp(req->cmd->name, "svg"))) {
		snprintf(err, errsize, "%s%s: not available for a series: use %stop, %ssvg, %sflame or %smemstats", dash,
			 req->cmd->name, dash, dash, dash, dash);
		return -1;
	}
	if (lo->n_sources < 2) {
		snprintf(err, errsize, "a series needs two snapshots or more, not %d", lo->n_sources);
		return -1;
	}
	for (int i = 0; i < lo->n_sources; i++)
		if (!strcmp(lo->sources[i], "-")) {
			snprintf(err, errsize, "a series reads its snapshots more than once: not from standard input");
			return -1;
		}
	const struct report_request table = { command_find("top"), NULL, req->interactive, req->tools, false, NULL, NULL };
	struct reading rd;
	memset(&rd, 0, sizeof rd);
	rd.lo = lo;
	rd.opt = opt;
	rd.req = &table;
	struct series *s = read_series(&rd, err, errsize);
	sb_adds(warn, sb_cstr(&rd.warn));
	sb_free(&rd.warn);
	int rc = -1;
	if (!s)
		goto out;
	if (f == FMT_FLAME)
		rc = flame(&rd, s, req, out, warn, err, errsize);
	else if (f == FMT_TEXT && !report_series_stacks(rd.type[0]) && find_paths(&rd, s, warn, err, errsize) < 0)
		rc = -1;
	else
		rc = series_report(&rd, s, req, out, warn, err, errsize);
out:
	series_free(s);
	profile_free(rd.latest);
	for (int i = 0; rd.type && i < lo->n_sources; i++)
		free(rd.type[i]);
	free(rd.type);
	return rc;
}
