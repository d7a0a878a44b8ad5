/*
 * Merging and base subtraction, as pprof's profile.Merge, Scale and
 * Normalize do them: identical stacks add up, samples that cancel out
 * disappear, normalization scales to the base's totals. Merging one
 * profile at a time (merge_stream) gives the bytes merging them all at
 * once gives.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "commands.h"
#include "decode.h"
#include "driver.h"
#include "encode.h"
#include "merge.h"
#include "options.h"
#include "util.h"

/* make builds a profile with one function per location, location i+1 calling location i. */
static struct profile *make(int nst, int nsamples, const int64_t *values, const uint32_t *leaf)
{
	struct profile *p = profile_new();
	p->n_sample_type = (size_t)nst;
	p->sample_type = arena_array(p->arena, (size_t)nst, sizeof *p->sample_type);
	static const char *const types[] = { "alloc_space", "inuse_space" };
	for (int i = 0; i < nst; i++)
		p->sample_type[i] = (struct value_type){ types[i], "bytes" };
	p->n_mapping = 1;
	p->mapping = arena_zalloc(p->arena, sizeof *p->mapping);
	*p->mapping = (struct mapping){ .id = 1, .start = 0x1000, .limit = 0x9000, .file = "app", .build_id = "" };
	static const char *const names[] = { "main", "work", "alloc" };
	p->n_function = 3;
	p->function = arena_array(p->arena, 3, sizeof *p->function);
	p->n_location = 3;
	p->location = arena_array(p->arena, 3, sizeof *p->location);
	for (uint32_t i = 0; i < 3; i++) {
		p->function[i] = (struct function){ i + 1, names[i], names[i], "x.go", 0 };
		struct line *ln = arena_zalloc(p->arena, sizeof *ln);
		ln->function = i;
		ln->line = 10 + i;
		p->location[i] = (struct location){ i + 1, 0x1100 + i, 0, 1, ln, false };
	}
	/* stacks: leaf[s] down to main (index 0) */
	p->n_sample = (size_t)nsamples;
	p->sample = arena_array(p->arena, (size_t)nsamples, sizeof *p->sample);
	for (int s = 0; s < nsamples; s++) {
		uint32_t *stack = arena_array(p->arena, 3, sizeof *stack);
		uint32_t n = 0;
		for (int64_t l = leaf[s]; l >= 0; l--)
			stack[n++] = (uint32_t)l;
		int64_t *v = arena_array(p->arena, (size_t)nst, sizeof *v);
		for (int i = 0; i < nst; i++)
			v[i] = values[s * nst + i];
		p->sample[s] = (struct sample){ stack, v, NULL, n, 0 };
	}
	return p;
}

static int64_t total(const struct profile *p, int index)
{
	int64_t t = 0;
	for (size_t s = 0; s < p->n_sample; s++)
		t += p->sample[s].value[index];
	return t;
}

static void test_subtract(void)
{
	char err[256];
	const int64_t nv[] = { 100, 10, 50, 5, 30, 0 };
	const uint32_t nl[] = { 2, 1, 2 }; /* two samples share a stack */
	const int64_t bv[] = { 40, 10, 50, 7 };
	const uint32_t bl[] = { 2, 1 };
	struct profile *p = make(2, 3, nv, nl), *b = make(2, 2, bv, bl);
	double minus[] = { -1, -1 };
	merge_scale(b, minus);
	CHECK(b->n_sample == 2 && b->sample[0].value[0] == -40 && b->sample[1].value[1] == -7);
	struct profile *pair[] = { p, b };
	struct profile *m = merge_profiles(pair, 2, err, sizeof err);
	CHECK(m != NULL);
	if (!m)
		return;
	/* alloc→work→main: 100+30-40 = 90, 10+0-10 = 0; work→main: 50-50 = 0, 5-7 = -2 */
	CHECK(m->n_sample == 2);
	CHECK(m->sample[0].n_loc == 3 && m->sample[0].value[0] == 90 && m->sample[0].value[1] == 0);
	CHECK(m->sample[1].n_loc == 2 && m->sample[1].value[0] == 0 && m->sample[1].value[1] == -2);
	CHECK(total(m, 0) == 90 && total(m, 1) == -2);
	/* locations and functions are shared, not duplicated */
	CHECK(m->n_location == 3 && m->n_function == 3 && m->n_mapping == 1);
	profile_free(m);
}

static void test_cancel(void)
{
	char err[256];
	const int64_t v[] = { 7 };
	const uint32_t l[] = { 2 };
	struct profile *p = make(1, 1, v, l), *b = make(1, 1, v, l);
	double minus[] = { -1 };
	merge_scale(b, minus);
	struct profile *pair[] = { p, b };
	struct profile *m = merge_profiles(pair, 2, err, sizeof err);
	/* a sample that sums to zero is dropped, with what only it used */
	CHECK(m && m->n_sample == 0 && m->n_location == 0 && m->n_function == 0);
	profile_free(m);
}

static void test_normalize(void)
{
	char err[256];
	const int64_t pv[] = { 300, 100, 100, 0 };
	const uint32_t pl[] = { 2, 1 };
	const int64_t bv[] = { 100, 50 };
	const uint32_t bl[] = { 2 };
	struct profile *p = make(2, 2, pv, pl), *b = make(2, 1, bv, bl);
	CHECK(merge_normalize(p, b, err, sizeof err) == 0);
	/* scaled by 100/400 and 50/100, rounded half away from zero */
	CHECK(p->n_sample == 2 && p->sample[0].value[0] == 75 && p->sample[0].value[1] == 50);
	CHECK(p->sample[1].value[0] == 25 && p->sample[1].value[1] == 0);
	profile_free(p);
	profile_free(b);

	/* a zero source total scales by 0: every sample goes */
	const int64_t zv[] = { 0, 0 };
	p = make(2, 1, zv, bl);
	b = make(2, 1, bv, bl);
	CHECK(merge_normalize(p, b, err, sizeof err) == 0 && p->n_sample == 0);
	profile_free(p);
	profile_free(b);
}

static void test_incompatible(void)
{
	char err[256];
	const int64_t v[] = { 1, 2 };
	const uint32_t l[] = { 0 };
	struct profile *p = make(2, 1, v, l), *b = make(1, 1, v, l);
	struct profile *pair[] = { p, b };
	/* only the common sample types are kept, in the first profile's order */
	CHECK(merge_compatibilize(pair, 2, err, sizeof err) == 0);
	CHECK(p->n_sample_type == 1 && p->sample[0].value[0] == 1);
	CHECK(merge_n_common_sample_types(pair, 2) == 1);
	b->sample_type[0].type = "cpu";
	CHECK(merge_n_common_sample_types(pair, 2) == 0);
	CHECK(merge_compatibilize(pair, 2, err, sizeof err) < 0);
	CHECK(strstr(err, "empty common sample type list") != NULL);
	b->sample_type[0].type = "alloc_space";
	b->sample_type[0].unit = "nanoseconds";
	CHECK(merge_scale_units(pair, 2, err, sizeof err) < 0);
	profile_free(p);
	profile_free(b);
}

static void test_units(void)
{
	char err[256];
	const int64_t v[] = { 3 };
	const uint32_t l[] = { 0 };
	struct profile *p = make(1, 1, v, l), *b = make(1, 1, v, l);
	b->sample_type[0].unit = "kilobytes";
	struct profile *pair[] = { p, b };
	/* both end up in the finer unit */
	CHECK(merge_scale_units(pair, 2, err, sizeof err) == 0);
	CHECK_STR(b->sample_type[0].unit, "bytes");
	CHECK(b->sample[0].value[0] == 3072 && p->sample[0].value[0] == 3);
	profile_free(p);
	profile_free(b);
}

/*
 * Merges large enough to copy and fold samples on two threads: 60 000
 * samples over three stacks (leaf 0, 1, 2 in turn, weight 1) merged with
 * 60 000 more, and the samples that cancel out dropped with what only
 * they used.
 */
enum { BIG = 60000 };

static struct profile *big(int64_t weight, int period, int offset)
{
	int64_t *v = xmalloc(BIG * sizeof *v);
	uint32_t *leaf = xmalloc(BIG * sizeof *leaf);
	for (int s = 0; s < BIG; s++) {
		v[s] = weight;
		leaf[s] = (uint32_t)((s + offset) % period);
	}
	struct profile *p = make(1, BIG, v, leaf);
	free(v);
	free(leaf);
	return p;
}

static void test_large(void)
{
	char err[256];
	struct profile *pair[] = { big(1, 3, 0), big(2, 2, 1) };
	struct profile *m = merge_profiles(pair, 2, err, sizeof err);
	CHECK(m != NULL && m->n_sample == 3);
	if (m && m->n_sample == 3) {
		/* first-occurrence order: leaf 0, 1, 2; the second adds 2 to leaves 1 and 0, 30 000 times each */
		CHECK(m->sample[0].n_loc == 1 && m->sample[0].value[0] == BIG / 3 + BIG);
		CHECK(m->sample[1].n_loc == 2 && m->sample[1].value[0] == BIG / 3 + BIG);
		CHECK(m->sample[2].n_loc == 3 && m->sample[2].value[0] == BIG / 3);
	}
	profile_free(m);

	/* leaf 2 cancels: its location and function go, the others are renumbered in order of use */
	struct profile *c = big(1, 3, 0), *d = big(-1, 3, 0);
	for (size_t s = 0; s < d->n_sample; s++)
		if (d->sample[s].n_loc != 3)
			d->sample[s].value[0] = 0;
	struct profile *cancel[] = { c, d };
	m = merge_profiles(cancel, 2, err, sizeof err);
	CHECK(m != NULL && m->n_sample == 2);
	if (m && m->n_sample == 2) {
		CHECK(m->n_location == 2 && m->n_function == 2 && m->n_mapping == 1);
		CHECK(m->location[0].id == 1 && m->location[1].id == 2 && m->location[1].line[0].function == 1);
		CHECK(m->sample[0].value[0] == BIG / 3 && m->sample[1].value[0] == BIG / 3);
		CHECK(m->sample[1].loc[0] == 1 && m->sample[1].loc[1] == 0);
	}
	profile_free(m);
}

/*
 * A small profile of one program, as each of its processes would write
 * it: the same functions and locations, numbered in an order of its own,
 * its library mapped at an address of its own, samples and labels drawn
 * from seed, values from -2 to 3 (so that some are zero and some cancel
 * out), a comment, time and period of its own (some periods too large
 * for a double). Its strings live in its
 * arena, so that a merged profile that kept one would read freed memory.
 */
enum { POD_FUNCS = 9, POD_LOCS = 16 };

static uint32_t next_rand(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static struct profile *pod(uint32_t seed, const char *second_type)
{
	uint32_t r = seed * 2654435761u + 1;
	struct profile *p = profile_new();
	struct arena *a = p->arena;
	p->n_sample_type = 2;
	p->sample_type = arena_array(a, 2, sizeof *p->sample_type);
	p->sample_type[0] = (struct value_type){ arena_strdup(a, "alloc_space"), arena_strdup(a, "bytes") };
	p->sample_type[1] = (struct value_type){ arena_strdup(a, second_type), arena_strdup(a, "bytes") };
	p->period_type = (struct value_type){ arena_strdup(a, "space"), arena_strdup(a, "bytes") };
	p->period = next_rand(&r) % 4 == 0 ? 0 : 512 * (int64_t)(1 + next_rand(&r) % 3);
	if (seed % 7 == 3) /* a period a double cannot hold: merging (as pprof, in float64 units) rounds it */
		p->period = ((int64_t)1 << 60) + 1 + seed;
	p->time_nanos = next_rand(&r) % 5 == 0 ? 0 : 1000 + (int64_t)(next_rand(&r) % 100);
	p->duration_nanos = (int64_t)(next_rand(&r) % 10);
	static const char *const comments[] = { "pod", "canary", "restarted" };
	p->n_comment = next_rand(&r) % 2;
	p->comment = arena_array(a, 1, sizeof *p->comment);
	p->comment[0] = arena_strdup(a, comments[next_rand(&r) % 3]);
	p->default_sample_type = arena_strdup(a, next_rand(&r) % 2 ? "inuse_space" : "");
	uint64_t lib = 0x7f0000000000 + 0x1000 * (uint64_t)(next_rand(&r) % 64);
	p->n_mapping = 2;
	p->mapping = arena_array(a, 2, sizeof *p->mapping);
	p->mapping[0] = (struct mapping){ 1, 0x400000, 0x500000, 0, arena_strdup(a, "/bin/app"), arena_strdup(a, "b1d"),
					  true, true, true, true };
	p->mapping[1] = (struct mapping){ 2, lib, lib + 0x10000, 0, arena_strdup(a, "/lib/libc.so.6"),
					  arena_strdup(a, ""), true, true, true, false };
	/* the profile's own order of functions and locations: a shuffle */
	uint32_t forder[POD_FUNCS], lorder[POD_LOCS], fslot[POD_FUNCS], lslot[POD_LOCS];
	for (uint32_t i = 0; i < POD_FUNCS; i++)
		forder[i] = i;
	for (uint32_t i = 0; i < POD_LOCS; i++)
		lorder[i] = i;
	for (uint32_t i = POD_FUNCS - 1; i > 0; i--) {
		uint32_t j = next_rand(&r) % (i + 1), t = forder[i];
		forder[i] = forder[j];
		forder[j] = t;
	}
	for (uint32_t i = POD_LOCS - 1; i > 0; i--) {
		uint32_t j = next_rand(&r) % (i + 1), t = lorder[i];
		lorder[i] = lorder[j];
		lorder[j] = t;
	}
	p->n_function = POD_FUNCS;
	p->function = arena_array(a, POD_FUNCS, sizeof *p->function);
	for (uint32_t k = 0; k < POD_FUNCS; k++) {
		char name[32];
		snprintf(name, sizeof name, "pkg.F%u", forder[k]);
		p->function[k] = (struct function){ k + 1, arena_strdup(a, name), arena_strdup(a, name),
						    arena_strdup(a, forder[k] < 6 ? "app.go" : ""), forder[k] };
		fslot[forder[k]] = k;
	}
	p->n_location = POD_LOCS;
	p->location = arena_array(a, POD_LOCS, sizeof *p->location);
	for (uint32_t k = 0; k < POD_LOCS; k++) {
		uint32_t l = lorder[k], in_lib = l >= 12, nline = l % 5 == 0 ? 2 : 1;
		struct line *ln = arena_array(a, nline, sizeof *ln);
		for (uint32_t i = 0; i < nline; i++)
			ln[i] = (struct line){ fslot[(l + i * 4) % POD_FUNCS], 10 + l + i, l % 3 };
		uint64_t base = in_lib ? lib : 0x400000;
		p->location[k] = (struct location){ k + 1, base + 0x100 + 0x10 * l, in_lib, nline, ln, false };
		lslot[l] = k;
	}
	static const char *const handlers[] = { "/a", "/b" };
	p->n_sample = 12 + next_rand(&r) % 12;
	p->sample = arena_array(a, p->n_sample, sizeof *p->sample);
	for (size_t s = 0; s < p->n_sample; s++) {
		uint32_t n = 1 + next_rand(&r) % 4, *stack = arena_array(a, n, sizeof *stack);
		for (uint32_t i = 0; i < n; i++)
			stack[i] = lslot[next_rand(&r) % 6 + (i ? 0 : 6 * (next_rand(&r) % 2))];
		int64_t *v = arena_array(a, 2, sizeof *v);
		v[0] = (int64_t)(next_rand(&r) % 6) - 2;
		v[1] = v[0] * (int64_t)(next_rand(&r) % 3);
		struct label *lab = arena_array(a, 2, sizeof *lab);
		uint32_t nlab = next_rand(&r) % 3;
		/* in either order: a merge sorts them */
		uint32_t first = next_rand(&r) % 2;
		for (uint32_t i = 0; i < nlab; i++) {
			if ((i + first) % 2 == 0)
				lab[i] = (struct label){ arena_strdup(a, "handler"),
							 arena_strdup(a, handlers[next_rand(&r) % 2]), 0, NULL };
			else
				lab[i] = (struct label){ arena_strdup(a, "bytes"), NULL, 8 << (next_rand(&r) % 2),
							 arena_strdup(a, next_rand(&r) % 2 ? "bytes" : "") };
		}
		p->sample[s] = (struct sample){ stack, v, lab, n, nlab };
	}
	return p;
}

/* report is what a report command prints of p (malloc'd). */
static char *report(const struct profile *p, const char *command)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct options o;
	options_init(&o);
	struct report_request req = { .cmd = command_find(command) };
	struct strbuf warn = STRBUF_INIT;
	char err[512] = "";
	if (driver_report(p, &o, &req, out, &warn, err, sizeof err) != 0)
		fprintf(out, "error: %s\n", err);
	fclose(out);
	sb_free(&warn);
	options_free(&o);
	return text;
}

/* at_once merges pods first .. first+n-1 as merge_profiles does, after making them common. */
static struct profile *at_once(uint32_t first, size_t n, const char *second_type)
{
	struct profile **ps = xcalloc(n, sizeof *ps);
	for (size_t i = 0; i < n; i++)
		ps[i] = pod(first + (uint32_t)i, second_type);
	char err[256];
	struct profile *m = NULL;
	if (merge_compatibilize(ps, n, err, sizeof err) == 0 && merge_scale_units(ps, n, err, sizeof err) == 0)
		m = n == 1 ? ps[0] : merge_profiles(ps, n, err, sizeof err);
	free(ps);
	return m;
}

static struct profile *one_at_a_time(uint32_t first, size_t n, const char *second_type)
{
	struct merge_stream *s = merge_stream_new();
	for (size_t i = 0; i < n; i++) {
		struct profile *p = pod(first + (uint32_t)i, second_type);
		CHECK(merge_stream_fits(s, p));
		merge_stream_add(s, p);
	}
	return merge_stream_finish(s);
}

static void same_reports(const struct profile *a, const struct profile *b, size_t n)
{
	static const char *const commands[] = { "raw", "top", "traces" };
	for (size_t c = 0; c < 3; c++) {
		char *x = report(a, commands[c]), *y = report(b, commands[c]);
		CHECK(x && y && !strcmp(x, y));
		if (x && y && strcmp(x, y))
			fprintf(stderr, "%zu profiles, -%s:\n--- at once\n%s--- one at a time\n%s", n, commands[c], x, y);
		free(x);
		free(y);
	}
}

static void test_stream(void)
{
	static const size_t counts[] = { 1, 2, 3, 7, 40, 300 };
	for (size_t k = 0; k < 6; k++) {
		for (uint32_t first = 0; first < 40; first += 13) {
			struct profile *a = at_once(first, counts[k], "inuse_space");
			struct profile *b = one_at_a_time(first, counts[k], "inuse_space");
			CHECK(a && b);
			if (a && b)
				same_reports(a, b, counts[k]);
			profile_free(a);
			profile_free(b);
		}
	}
	/* samples that cancel out are dropped once, at the end, as at once */
	struct profile *a = at_once(5, 2, "inuse_space"), *b = one_at_a_time(5, 2, "inuse_space");
	CHECK(a && b && a->n_sample == b->n_sample);
	profile_free(a);
	profile_free(b);

	/* what does not fit: other sample types, a repeated type name */
	struct merge_stream *s = merge_stream_new();
	struct profile *same = pod(1, "alloc_space");
	CHECK(!merge_stream_fits(s, same));
	profile_free(same);
	struct profile *first = pod(1, "inuse_space"), *other = pod(2, "inuse_objects");
	CHECK(merge_stream_fits(s, first));
	merge_stream_add(s, first);
	CHECK(!merge_stream_fits(s, other));
	other->sample_type[1].type = "inuse_space";
	CHECK(merge_stream_fits(s, other));
	other->period_type.unit = "kilobytes";
	CHECK(!merge_stream_fits(s, other));
	profile_free(other);
	merge_stream_free(s);
}

/*
 * Many sources load as pprof's chunkedGrab merges them: 128 at a time,
 * each chunk merged, then merged with what the chunks before gave. The
 * reference here decodes the files and does exactly that with the
 * all-at-once functions; driver_load merges one file at a time, and reads
 * a chunk again when a source does not fit (odd, with other sample types).
 */
enum { PODS = 300 };

static struct profile *combine_ref(struct profile **ps, size_t n)
{
	char err[256];
	if (merge_compatibilize(ps, n, err, sizeof err) < 0 || merge_scale_units(ps, n, err, sizeof err) < 0)
		return NULL;
	return n == 1 ? ps[0] : merge_profiles(ps, n, err, sizeof err);
}

static struct profile *read_pod(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[1 << 16];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	struct decode_options o = { .max_inflated = 1 << 30, .flow_min = DECODE_DEFAULT_FLOW_MIN, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	char err[256];
	return decode_bytes(buf, n, &o, err, sizeof err);
}

/* reference merges the files chunk by chunk, or all at once when chunk is 0. */
static struct profile *reference(char **paths, size_t n, size_t chunk)
{
	struct profile *acc = NULL, **ps = xcalloc(n, sizeof *ps);
	chunk = chunk ? chunk : n;
	for (size_t first = 0; first < n; first += chunk) {
		size_t k = first + chunk < n ? chunk : n - first;
		for (size_t i = 0; i < k; i++)
			ps[i] = read_pod(paths[first + i]);
		struct profile *c = combine_ref(ps, k);
		struct profile *pair[2] = { acc, c };
		acc = acc ? combine_ref(pair, 2) : c;
	}
	free(ps);
	return acc;
}

static struct profile *load_all(char **paths, size_t n)
{
	struct load_options lo = { .sources = paths, .n_sources = (int)n, .symbolize = "none",
				   .max_inflated = 1 << 30, .seconds = -1, .timeout = -1 };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	struct profile *p = driver_load(&lo, &warn, err, sizeof err);
	sb_free(&warn);
	return p;
}

static void test_chunks(void)
{
	char dir[] = "/tmp/cprof-test-merge-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char **paths = xcalloc(PODS, sizeof *paths);
	static const size_t odd[] = { PODS, 50, 200 };
	for (size_t c = 0; c < 3; c++) {
		for (size_t i = 0; i < PODS; i++) {
			char path[64];
			snprintf(path, sizeof path, "%s/pod%03zu.pb.gz", dir, i);
			free(paths[i]);
			paths[i] = xstrdup(path);
			struct profile *p = pod((uint32_t)i, i == odd[c] ? "inuse_objects" : "inuse_space");
			FILE *f = fopen(path, "wb");
			char err[256];
			CHECK(f && encode_profile(p, f, err, sizeof err) == 0);
			if (f)
				fclose(f);
			profile_free(p);
		}
		struct profile *got = load_all(paths, PODS), *want = reference(paths, PODS, 128);
		CHECK(got && want);
		if (got && want)
			same_reports(want, got, PODS);
		if (c == 0) { /* chunks matter: samples that cancel out within one are gone before the next */
			struct profile *whole = reference(paths, PODS, 0);
			char *x = report(whole, "raw"), *y = report(got, "raw");
			CHECK(x && y && strcmp(x, y) != 0);
			free(x);
			free(y);
			profile_free(whole);
		}
		profile_free(got);
		profile_free(want);
	}
	for (size_t i = 0; i < PODS; i++) {
		remove(paths[i]);
		free(paths[i]);
	}
	free(paths);
	remove(dir);
}

int main(void)
{
	test_stream();
	test_chunks();
	test_large();
	test_subtract();
	test_cancel();
	test_normalize();
	test_incompatible();
	test_units();
	return check_done("merge");
}
