/*
 * The arithmetic of a series of snapshots: Go durations as -interval
 * reads them (the expected values are what Go 1.19's time.ParseDuration
 * returns for the same strings), the MemStats trailer as the decoders
 * read it, and the series' statistics: time order, least-squares rates
 * and fits, the leak rule, trimming.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "gofmt.h"
#include "profile.h"
#include "transform_series.h"

static void test_durations(void)
{
	static const struct {
		const char *in;
		int64_t ns;
		const char *err; /* NULL: parses */
	} cases[] = {
		{ "30s", 30000000000, NULL },
		{ "1m", 60000000000, NULL },
		{ "1m30s", 90000000000, NULL },
		{ "1.5h", 5400000000000, NULL },
		{ "250ms", 250000000, NULL },
		{ "0", 0, NULL },
		{ "-2s", -2000000000, NULL },
		{ "+3s", 3000000000, NULL },
		{ "1\xc2\xb5s", 1000, NULL },
		{ "1\xce\xbcs", 1000, NULL },
		{ "2us", 2000, NULL },
		{ "10ns", 10, NULL },
		{ ".5s", 500000000, NULL },
		{ "1.s", 1000000000, NULL },
		{ "1h2m3.5s", 3723500000000, NULL },
		{ "9223372036s", 9223372036000000000, NULL },
		{ "9223372037s", 0, "time: invalid duration \"9223372037s\"" },
		{ "2562047h", 9223369200000000000, NULL },
		{ "2562048h", 0, "time: invalid duration \"2562048h\"" },
		{ "0.000000001s", 1, NULL },
		{ "1.0000000009s", 1000000000, NULL },
		{ "", 0, "time: invalid duration \"\"" },
		{ "s", 0, "time: invalid duration \"s\"" },
		{ "1", 0, "time: missing unit in duration \"1\"" },
		{ "1x", 0, "time: unknown unit \"x\" in duration \"1x\"" },
		{ "-", 0, "time: invalid duration \"-\"" },
		{ ".s", 0, "time: invalid duration \".s\"" },
		{ "1.2.3s", 0, "time: missing unit in duration \"1.2.3s\"" },
		{ "3000000000000000000000s", 0, "time: invalid duration \"3000000000000000000000s\"" },
		{ "1s2", 0, "time: missing unit in duration \"1s2\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t ns = -1;
		char err[256] = "";
		int rc = go_parse_duration(cases[i].in, &ns, err, sizeof err);
		if (cases[i].err) {
			CHECK(rc < 0);
			CHECK_STR(err, cases[i].err);
		} else {
			CHECK(rc == 0);
			CHECK(ns == cases[i].ns);
		}
	}
}

static const char heap_text[] = "heap profile: 1: 64 [1: 64] @ heap/1048576\n"
				"1: 64 [1: 64] @ 0x1\n"
				"\n"
				"# runtime.MemStats\n"
				"# Alloc = 5133240\n"
				"# HeapAlloc = 5133240\n"
				"# Stack = 229376 / 262144\n"
				"# PauseNs = [1 2 3]\n"
				"# GCCPUFraction = 0.05990307301889538\n"
				"# DebugGC = false\n"
				"# MaxRSS = 17596416\n";

static void test_memstats(void)
{
	char err[256];
	struct profile *p = decode_bytes((const uint8_t *)heap_text, sizeof heap_text - 1, &(struct decode_options){ .max_inflated = 1 << 20 },
					 err, sizeof err);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(p->n_memstats == 7);
	CHECK_STR(profile_memstat(p, "HeapAlloc"), "5133240");
	CHECK_STR(profile_memstat(p, "Stack"), "229376 / 262144");
	CHECK_STR(profile_memstat(p, "PauseNs"), "[1 2 3]");
	CHECK_STR(profile_memstat(p, "MaxRSS"), "17596416");
	CHECK(profile_memstat(p, "NumGC") == NULL);
	/* as comments, the trailer travels in a proto profile and comes back the same */
	CHECK(!decode_memstats_in_comments(p));
	decode_memstats_as_comments(p);
	CHECK(decode_memstats_in_comments(p));
	CHECK(p->n_comment == 8);
	CHECK_STR(p->comment[0], "# runtime.MemStats");
	CHECK_STR(p->comment[3], "# Stack = 229376 / 262144");
	const struct memstat *before = p->memstats;
	p->memstats = NULL;
	p->n_memstats = 0;
	CHECK(decode_memstats_comments(p) == 7);
	for (size_t i = 0; i < p->n_memstats; i++) {
		CHECK_STR(p->memstats[i].key, before[i].key);
		CHECK_STR(p->memstats[i].value, before[i].value);
	}
	/* adding them twice does not repeat them */
	decode_memstats_as_comments(p);
	CHECK(p->n_comment == 8);
	profile_free(p);

	/* a heap profile without a trailer has none; a line that is not a field ends it */
	static const char bare[] = "heap profile: 1: 64 [1: 64] @ heap/1048576\n1: 64 [1: 64] @ 0x1\n";
	p = decode_bytes((const uint8_t *)bare, sizeof bare - 1, &(struct decode_options){ .max_inflated = 1 << 20 }, err,
			 sizeof err);
	CHECK(p && p->n_memstats == 0);
	profile_free(p);
	p = profile_new();
	static const char cut[] = "# runtime.MemStats\n# Alloc = 1\nnot a field\n# Sys = 2\n";
	CHECK(decode_memstats_text(p, (const uint8_t *)cut, sizeof cut - 1) == 1);
	CHECK(profile_memstat(p, "Sys") == NULL);
	profile_free(p);
}

static void test_fit(void)
{
	double x[] = { 0, 1, 2, 3 }, y[] = { 1, 3, 5, 7 }, slope, r2;
	CHECK(series_fit(x, y, 4, &slope, &r2) == 0);
	CHECK(fabs(slope - 2) < 1e-12 && fabs(r2 - 1) < 1e-12);
	double noisy[] = { 0, 4, 0, 4 };
	CHECK(series_fit(x, noisy, 4, &slope, &r2) == 0);
	CHECK(fabs(slope - 0.8) < 1e-12 && fabs(r2 - 0.2) < 1e-12);
	double flat[] = { 5, 5, 5, 5 };
	CHECK(series_fit(x, flat, 4, &slope, &r2) == 0 && slope == 0 && r2 == 0);
	double same[] = { 1, 1, 1, 1 };
	CHECK(series_fit(same, y, 4, &slope, &r2) < 0);
}

/* A series of 4 snapshots a minute apart, declared out of time order. */
static struct series *four(void)
{
	struct series *s = series_new(4);
	static const int order[] = { 2, 0, 3, 1 }; /* snapshot i is taken at minute order[i] */
	for (size_t i = 0; i < 4; i++) {
		int64_t t = order[i];
		series_snapshot(s, i, "x", t * 60000000000, 1000);
		series_add(s, i, SERIES_ROW, "leak", 100 + 100 * t);    /* steady: 100/min */
		series_add(s, i, SERIES_ROW, "churn", t % 2 ? 300 : 0); /* up and down */
		series_add(s, i, SERIES_ROW, "tiny", 1 + t);            /* rises, but by 0.3% */
		if (t != 1)
			series_add(s, i, SERIES_ROW, "gone", 50); /* absent once: 0 there */
		series_add(s, i, SERIES_MEMSTATS, "Sys", 5000 + t);
	}
	series_add(s, 3, SERIES_ROW, "leak", 0); /* adding nothing changes nothing */
	return s;
}

static size_t row(const struct series *s, const char *name)
{
	for (size_t r = 0; r < s->n_row; r++)
		if (!strcmp(s->row[r].name, name))
			return r;
	return SIZE_MAX;
}

static void test_series(void)
{
	struct series *s = four();
	char err[256];
	CHECK(series_finish(s, err, sizeof err) == 0);
	for (size_t i = 0; i < 4; i++)
		CHECK(s->snap[i].time_nanos == (int64_t)i * 60000000000);
	CHECK(fabs(s->minutes - 3) < 1e-12);
	size_t leak = row(s, "leak"), churn = row(s, "churn"), tiny = row(s, "tiny"), gone = row(s, "gone");
	for (size_t i = 0; i < 4; i++)
		CHECK(series_value(s, leak, i) == 100 + 100 * (int64_t)i);
	CHECK(series_value(s, gone, 1) == 0 && series_value(s, gone, 2) == 50);
	CHECK(fabs(s->row[leak].rate - 100) < 1e-9 && fabs(s->row[leak].r2 - 1) < 1e-12);
	CHECK(s->row[leak].change == 300 && s->row[leak].rising == 3);
	/* churn rises in 2 of 3 steps, but no line fits it (R² 0.2) */
	CHECK(s->row[churn].rising == 2 && fabs(s->row[churn].r2 - 0.2) < 1e-12 && !s->row[churn].suspect);
	CHECK(s->row[tiny].rising == 3 && !s->row[tiny].suspect);
	CHECK(s->n_suspects == 1 && s->suspects[0] == leak);
	/* by rate: leak (100), churn (60), gone (5), tiny (1); MemStats last */
	CHECK(s->order[0] == leak && s->order[1] == churn && s->order[2] == gone && s->order[3] == tiny);
	CHECK(s->row[s->order[4]].kind == SERIES_MEMSTATS);
	/* trimming: a tenth of the largest total (1000) keeps only rows above 100 */
	CHECK(series_trim(s, 0.1, 0) == 2);
	CHECK(s->row[leak].kept && s->row[churn].kept && !s->row[tiny].kept && !s->row[gone].kept);
	CHECK(s->row[s->order[4]].kept);
	series_trim(s, 0, 1);
	CHECK(s->row[leak].kept && !s->row[churn].kept);
	series_free(s);

	/* a snapshot never read, or snapshots all taken at one time, give no rate */
	s = series_new(2);
	series_snapshot(s, 0, "a", 5, 1);
	CHECK(series_finish(s, err, sizeof err) < 0);
	series_snapshot(s, 1, "b", 5, 1);
	CHECK(series_finish(s, err, sizeof err) < 0);
	CHECK_STR(err, "every snapshot has the same time: no rate can be computed");
	series_free(s);

	/* series_merge carries a snapshot read apart */
	s = series_new(2);
	struct series *one = series_new(1);
	series_snapshot(one, 0, "b", 60000000000, 10);
	series_add(one, 0, SERIES_ROW, "f", 7);
	series_merge(s, 1, one);
	series_free(one);
	series_snapshot(s, 0, "a", 0, 5);
	series_add(s, 0, SERIES_ROW, "f", 3);
	CHECK(series_finish(s, err, sizeof err) == 0);
	CHECK(s->n_row == 1 && s->row[0].change == 4 && fabs(s->row[0].rate - 4) < 1e-9);
	CHECK(s->row[0].suspect);
	series_free(s);
}

int main(void)
{
	test_durations();
	test_memstats();
	test_fit();
	test_series();
	return check_done("series");
}
