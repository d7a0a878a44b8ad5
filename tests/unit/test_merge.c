/*
 * Merging and base subtraction, as pprof's profile.Merge, Scale and
 * Normalize do them: identical stacks add up, samples that cancel out
 * disappear, normalization scales to the base's totals.
 */
#include <stdlib.h>

#include "check.h"
#include "merge.h"
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

int main(void)
{
	test_large();
	test_subtract();
	test_cancel();
	test_normalize();
	test_incompatible();
	test_units();
	return check_done("merge");
}
