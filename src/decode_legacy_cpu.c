/*
 * decode_legacy_cpu: gperftools CPU profiles (parseCPU, cpuProfile,
 * parseCPUSamples): binary words of 32 or 64 bits in either byte order, a
 * five-word header, samples of (count, depth, pcs...), an end marker,
 * then the text of /proc/self/maps. A Java agent writes the same samples
 * followed by symbolized locations.
 */
#include <string.h>

#include "decode_legacy_int.h"

enum { W32L, W32B, W64L, W64B };

/*
 * A word reader that fails as pprof's get32l & co do: reading past the
 * end yields 0 and leaves the reader exhausted ("nil"), for good.
 */
struct words {
	const unsigned char *p;
	size_t n;
	bool nil;
	int kind;
};

static uint64_t word(struct words *w)
{
	size_t size = w->kind == W32L || w->kind == W32B ? 4 : 8;
	if (w->nil || w->n < size) {
		w->nil = true;
		w->n = 0;
		return 0;
	}
	uint64_t v = 0;
	bool little = w->kind == W32L || w->kind == W64L;
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)w->p[little ? i : size - 1 - i] << (8 * i);
	w->p += size;
	w->n -= size;
	return v;
}

static struct slice words_rest(const struct words *w)
{
	return slice_make(w->nil ? "" : (const char *)w->p, w->nil ? 0 : w->n);
}

/*
 * parseCPUSamples: reads samples up to the end marker (count 0, depth 1,
 * pc 0) or the end of the data. With adjust, every pc but the leaf is a
 * return address and is moved back by one onto the call.
 */
static enum lrc parse_cpu_samples(struct lctx *c, struct lbuild *b, struct words *w, bool adjust, int64_t period)
{
	while (!w->nil && w->n > 0) {
		uint64_t count = word(w);
		uint64_t nstk = word(w);
		if (w->nil || nstk > w->n / 4)
			return lunrec(c);
		int64_t value[2] = { (int64_t)count, (int64_t)(count * (uint64_t)period) };
		if (count == 0 && nstk == 1) {
			uint64_t a = word(w);
			if (a == 0)
				break;
			lb_add_sample(b, value);
			lb_push_loc(b, lb_loc_for(b, a));
			continue;
		}
		lb_add_sample(b, value);
		for (uint64_t i = 0; i < nstk; i++) {
			uint64_t a = word(w);
			if (adjust && i > 0)
				a--;
			lb_push_loc(b, lb_loc_for(b, a));
		}
	}
	return LRC_OK;
}

static const struct value_type cpu_types[] = { { "samples", "count" }, { "cpu", "nanoseconds" } };

static void cpu_header(struct lbuild *b, uint64_t period_us)
{
	b->p->period = (int64_t)(period_us * 1000);
	b->p->period_type.type = "cpu";
	b->p->period_type.unit = "nanoseconds";
	b->n_value = 2;
	lb_set_sample_types(b, 2, cpu_types);
}

/* cpuProfile: the C++ variant. */
static enum lrc cpu_profile(struct lctx *c, struct lbuild *b, struct words *w, uint64_t period_us)
{
	cpu_header(b, period_us);
	enum lrc rc = parse_cpu_samples(c, b, w, true, b->p->period);
	if (rc != LRC_OK)
		return rc;
	lb_strip_signal_frames(b);
	struct slice rest = words_rest(w);
	struct scanner s;
	scan_init(&s, rest.p, rest.n);
	if ((rc = lb_parse_memory_map(c, b, &s)) != LRC_OK)
		return rc;
	lb_cleanup_duplicate_locations(b);
	return LRC_OK;
}

/* javaCPUProfile: pcs are not adjusted, and symbols follow the samples. */
static enum lrc java_cpu_profile(struct lctx *c, struct lbuild *b, struct words *w, uint64_t period_us)
{
	cpu_header(b, period_us);
	enum lrc rc = parse_cpu_samples(c, b, w, false, b->p->period);
	if (rc != LRC_OK)
		return rc;
	if ((rc = parse_java_locations(c, b, words_rest(w))) != LRC_OK)
		return rc;
	/* Aggregate(address=false): addresses are dropped for better merging. */
	for (size_t i = 0; i < b->n_loc; i++)
		b->loc[i].address = 0;
	return LRC_OK;
}

enum lrc parse_cpu(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	for (int kind = W32L; kind <= W64B; kind++) {
		struct words w = { (const unsigned char *)data, len, false, kind };
		uint64_t n[5];
		for (int i = 0; i < 5; i++)
			n[i] = word(&w);
		if (w.nil || n[0] != 0 || n[1] != 3 || n[3] == 0 || n[4] != 0)
			continue;
		if (n[2] == 0)
			return cpu_profile(c, b, &w, n[3]);
		if (n[2] == 1)
			return java_cpu_profile(c, b, &w, n[3]);
	}
	return lunrec(c);
}
