/*
 * report_memstats: the runtime.MemStats trailer of a Go heap profile
 * (profile.h), explained next to the heap the profile sampled: how the
 * live heap compares with the sampled one and why they differ, where
 * the rest of the memory obtained from the OS went, and the state of
 * the garbage collector. Byte values are in pprof's units (-unit). A
 * field the trailer lacks (older Go releases write fewer) leaves its
 * line out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "report.h"
#include "units.h"

int report_memstat_number(const struct profile *p, const char *key, int part, int64_t *v)
{
	const char *s = profile_memstat(p, key);
	if (!s)
		return -1;
	/* "Stack = 229376 / 229376": inuse, then sys */
	for (int i = 0; i < part; i++) {
		s = strchr(s, '/');
		if (!s)
			return -1;
		s++;
	}
	while (*s == ' ')
		s++;
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (end == s || errno == ERANGE || (*end && *end != ' '))
		return -1;
	*v = x;
	return 0;
}

/* The sampled total of one sample type ("inuse_space"); false when the profile has none. */
static bool sampled(const struct profile *p, const char *type, int64_t *total)
{
	for (size_t t = 0; t < p->n_sample_type; t++) {
		if (strcmp(p->sample_type[t].type, type) != 0)
			continue;
		int64_t sum = 0;
		for (size_t s = 0; s < p->n_sample; s++)
			sum += p->sample[s].value[t];
		*total = sum;
		return true;
	}
	return false;
}

struct ms {
	const struct report *r;
	const struct profile *p;
	struct strbuf *out;
};

static void bytes_label(const struct ms *m, int64_t v, char *buf, size_t size)
{
	units_label(buf, size, v, "bytes", m->r->output_unit);
}

/* row writes "  label  value  what", the value in bytes (or a count when bytes is false). */
static void row(const struct ms *m, const char *label, int64_t v, bool bytes, const char *what)
{
	char buf[64];
	if (bytes)
		bytes_label(m, v, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "%" PRId64, v);
	sb_addf(m->out, "  %-18s %12s  %s\n", label, buf, what);
}

/* field_row: row for one field of the trailer (part 0 or 1 of "a / b"), left out when missing. */
static bool field_row(const struct ms *m, const char *label, const char *key, int part, bool bytes, const char *what)
{
	int64_t v;
	if (report_memstat_number(m->p, key, part, &v) < 0)
		return false;
	row(m, label, v, bytes, what);
	return true;
}

static void share(char *buf, size_t size, int64_t part, int64_t whole)
{
	units_percentage(buf, size, part, whole);
	char *c = buf;
	while (*c == ' ')
		c++;
	memmove(buf, c, strlen(c) + 1);
}

/* against: a field of the trailer, then the profile's sampled estimate of it and its share. */
static void against(const struct ms *m, const char *key, bool bytes, const char *what, const char *type)
{
	int64_t field, estimate;
	char pct[32], line[256];
	bool have = report_memstat_number(m->p, key, 0, &field) == 0;
	if (have)
		row(m, key, field, bytes, what);
	if (!sampled(m->p, type, &estimate))
		return;
	snprintf(line, sizeof line, "the profile's sampled estimate");
	if (have && field > 0) {
		share(pct, sizeof pct, estimate, field);
		snprintf(line, sizeof line, "the profile's sampled estimate: %s of %s", pct, key);
	}
	row(m, type, estimate, bytes, line);
}

static void live_heap(const struct ms *m)
{
	const struct profile *p = m->p;
	int64_t num_gc;
	char rate[64];
	sb_adds(m->out, "\nLive heap\n");
	against(m, "HeapAlloc", true, "bytes of allocated heap objects: live ones, and dead ones not yet swept",
		"inuse_space");
	against(m, "HeapObjects", false, "objects allocated and not yet freed", "inuse_objects");
	char cycle[64] = "";
	if (report_memstat_number(p, "NumGC", 0, &num_gc) == 0)
		snprintf(cycle, sizeof cycle, " (cycle %" PRId64 ")", num_gc);
	if (p->period > 1 && !strcmp(p->period_type.unit, "bytes")) {
		bytes_label(m, p->period, rate, sizeof rate);
		sb_addf(m->out,
			"  They differ: the profile samples about one allocation in every %s\n"
			"  (runtime.MemProfileRate) and scales each sample up, an estimate that is\n"
			"  coarse for small heaps; and it shows the heap as of the last completed\n"
			"  garbage collection%s, while HeapAlloc also counts what was\n"
			"  allocated since.\n",
			rate, cycle);
	} else {
		sb_addf(m->out,
			"  They differ, though the profile records every allocation (runtime.MemProfileRate\n"
			"  1): it shows the heap as of the last completed garbage collection%s,\n"
			"  while HeapAlloc also counts what was allocated since.\n",
			cycle);
	}
}

static void spans(const struct ms *m)
{
	const struct profile *p = m->p;
	int64_t inuse, alloc, idle, released;
	sb_adds(m->out, "\nHeap spans\n");
	field_row(m, "HeapInuse", "HeapInuse", 0, true, "bytes in spans that hold at least one object");
	if (report_memstat_number(p, "HeapInuse", 0, &inuse) == 0 && report_memstat_number(p, "HeapAlloc", 0, &alloc) == 0)
		row(m, "fragmentation", inuse - alloc, true, "HeapInuse - HeapAlloc: room in those spans that no object uses");
	field_row(m, "HeapIdle", "HeapIdle", 0, true, "bytes in spans that hold no object");
	field_row(m, "HeapReleased", "HeapReleased", 0, true, "of those, returned to the OS");
	if (report_memstat_number(p, "HeapIdle", 0, &idle) == 0 &&
	    report_memstat_number(p, "HeapReleased", 0, &released) == 0)
		row(m, "idle, held", idle - released, true,
		    "HeapIdle - HeapReleased: held but unused, kept for reuse; RSS counts it");
	field_row(m, "HeapSys", "HeapSys", 0, true, "obtained from the OS for the heap: HeapInuse + HeapIdle");
}

static void outside_heap(const struct ms *m)
{
	sb_adds(m->out, "\nOutside the heap\n");
	field_row(m, "StackInuse", "Stack", 0, true, "goroutine stacks in use");
	field_row(m, "StackSys", "Stack", 1, true, "obtained from the OS for stacks");
	field_row(m, "GCSys", "GCSys", 0, true, "GC metadata: the collector's bitmaps and work buffers");
	field_row(m, "MSpanSys", "MSpan", 1, true, "span descriptors of the heap");
	field_row(m, "MCacheSys", "MCache", 1, true, "the allocator's per-processor caches");
	field_row(m, "BuckHashSys", "BuckHashSys", 0, true, "the profiler's table of stacks");
	field_row(m, "OtherSys", "OtherSys", 0, true, "other runtime memory");
}

static void totals(const struct ms *m)
{
	const struct profile *p = m->p;
	int64_t sys, released;
	sb_adds(m->out, "\nTotals\n");
	field_row(m, "Sys", "Sys", 0, true,
		  "all obtained from the OS: HeapSys + StackSys + MSpanSys + MCacheSys\n"
		  "                                   + BuckHashSys + GCSys + OtherSys");
	if (report_memstat_number(p, "Sys", 0, &sys) == 0 && report_memstat_number(p, "HeapReleased", 0, &released) == 0)
		row(m, "RSS, at most", sys - released, true,
		    "Sys - HeapReleased: what the process's RSS shows once every page\n"
		    "                                   it holds has been touched");
	field_row(m, "MaxRSS", "MaxRSS", 0, true, "the largest RSS the OS has seen for the process");
}

static void collector(const struct ms *m)
{
	const struct profile *p = m->p;
	int64_t n, forced, next, alloc, last;
	char what[256], pct[32];
	sb_adds(m->out, "\nGarbage collection\n");
	if (report_memstat_number(p, "NumGC", 0, &n) == 0) {
		if (report_memstat_number(p, "NumForcedGC", 0, &forced) == 0)
			snprintf(what, sizeof what, "completed cycles (%" PRId64 " forced by the program)", forced);
		else
			snprintf(what, sizeof what, "completed cycles");
		row(m, "NumGC", n, false, what);
	}
	if (report_memstat_number(p, "NextGC", 0, &next) == 0) {
		snprintf(what, sizeof what, "the heap size at which the next cycle starts");
		if (report_memstat_number(p, "HeapAlloc", 0, &alloc) == 0 && next > 0) {
			share(pct, sizeof pct, alloc, next);
			snprintf(what, sizeof what, "the heap size at which the next cycle starts (HeapAlloc is %s of it)",
				 pct);
		}
		row(m, "NextGC", next, true, what);
	}
	if (report_memstat_number(p, "LastGC", 0, &last) == 0 && last > 0) {
		struct strbuf t = STRBUF_INIT;
		go_time_short(&t, last);
		sb_addf(m->out, "  %-18s %12s  %s\n", "LastGC", "", sb_cstr(&t));
		sb_free(&t);
	}
	const char *f = profile_memstat(p, "GCCPUFraction");
	if (f) {
		char *end;
		double x = strtod(f, &end);
		if (end != f && !*end) {
			char buf[32];
			snprintf(buf, sizeof buf, "%.2f%%", x * 100);
			sb_addf(m->out, "  %-18s %12s  %s\n", "GCCPUFraction", buf, "of the CPU time since the start spent in GC");
		}
	}
}

void report_no_memstats(const struct report *r, const char *what, char *err, size_t errsize)
{
	snprintf(err, errsize,
		 "%smemstats: %s; Go writes them at the end of the debug=1 heap profile (/debug/pprof/heap?debug=1)",
		 r->interactive ? "" : "-", what);
}

int report_memstats(struct report *r, FILE *out, char *err, size_t errsize)
{
	if (!r->p->n_memstats) {
		report_no_memstats(r, "the profile has no runtime.MemStats", err, errsize);
		return -1;
	}
	struct strbuf b = STRBUF_INIT;
	report_profile_labels(r, &b);
	if (b.len)
		sb_addc(&b, '\n');
	sb_adds(&b, "runtime.MemStats, explained next to the sampled heap\n");
	struct ms m = { r, r->p, &b };
	live_heap(&m);
	spans(&m);
	outside_heap(&m);
	totals(&m);
	collector(&m);
	fwrite(b.s, 1, b.len, out);
	sb_free(&b);
	return 0;
}
