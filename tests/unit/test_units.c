/*
 * Unit scaling and labels. The expected strings are what pprof's
 * measurement package (google/pprof internal/measurement, 2026) prints for
 * the same arguments: ScaledLabel(v, from, to) and Percentage(v, total).
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "units.h"

static const char *label(int64_t v, const char *from, const char *to)
{
	static char buf[64];
	units_label(buf, sizeof buf, v, from, to);
	return buf;
}

static const char *pct(int64_t v, int64_t total)
{
	static char buf[64];
	units_percentage(buf, sizeof buf, v, total);
	return buf;
}

static void test_labels(void)
{
	/* auto scaling picks the largest unit that keeps the value >= 1 */
	CHECK_STR(label(0, "bytes", "auto"), "0");
	CHECK_STR(label(1, "bytes", "auto"), "1B");
	CHECK_STR(label(1023, "bytes", "auto"), "1023B");
	CHECK_STR(label(1024, "bytes", "auto"), "1kB");
	CHECK_STR(label(1536, "bytes", "minimum"), "1.50kB");
	CHECK_STR(label(3650048, "bytes", "auto"), "3.48MB");
	CHECK_STR(label((int64_t)1 << 40, "bytes", "auto"), "1TB");
	CHECK_STR(label((int64_t)3 << 50, "bytes", "auto"), "3PB");
	CHECK_STR(label(-1536, "bytes", "auto"), "-1.50kB");
	/* explicit units, case-insensitive, trailing 's' ignored */
	CHECK_STR(label(1048576, "bytes", "kb"), "1024kB");
	CHECK_STR(label(1048576, "BYTES", "MB"), "1MB");
	CHECK_STR(label(512, "bytes", "kb"), "0.50kB");
	CHECK_STR(label(1, "bytes", "kb"), "0");
	CHECK_STR(label(3, "bytes", "kb"), "0");
	CHECK_STR(label(6, "bytes", "kb"), "0.01kB");
	/* an unknown target unit in a known family falls back to the default unit */
	CHECK_STR(label(2048, "bytes", "parsecs"), "2048B");
	CHECK_STR(label(1500000000, "nanoseconds", "parsecs"), "1.50s");
	/* time */
	CHECK_STR(label(10000000, "nanoseconds", "auto"), "10ms");
	CHECK_STR(label(1150000000, "nanoseconds", "auto"), "1.15s");
	CHECK_STR(label(999, "nanoseconds", "auto"), "999ns");
	CHECK_STR(label(1500, "nanoseconds", "auto"), "1.50us");
	CHECK_STR(label(7200000000000LL, "nanoseconds", "auto"), "2hrs");
	CHECK_STR(label(90, "seconds", "minimum"), "90s");
	CHECK_STR(label(1, "seconds", "ms"), "1000ms");
	CHECK_STR(label(1, "second", "hours"), "0");
	CHECK_STR(label(5400, "s", "hours"), "1.50hrs");
	CHECK_STR(label(250, "microseconds", "ms"), "0.25ms");
	/* "μs" is not recognised: pprof trims the trailing s of the three-byte name */
	CHECK_STR(label(5, "\xce\xbcs", "auto"), "5");
	/* counts and unknown units carry no suffix (or their own) */
	CHECK_STR(label(42, "count", "minimum"), "42");
	CHECK_STR(label(42, "count", "count"), "42");
	CHECK_STR(label(42, "widgets", "widgets"), "42widgets");
	CHECK_STR(label(42, "widgets", "auto"), "42");
	/* GCU */
	CHECK_STR(label(1500, "milligcu", "auto"), "1.50GCU");
	CHECK_STR(label(5, "nanogcu", "auto"), "5n*GCU");
}

static void test_scale(void)
{
	const char *u;
	CHECK(units_scale(2048, "bytes", "kb", &u) == 2.0);
	CHECK_STR(u, "kB");
	CHECK(units_scale(5, "count", "minimum", &u) == 5.0);
	CHECK_STR(u, "");
	CHECK(units_scale(5, "count", "things", &u) == 5.0);
	CHECK_STR(u, "things");
	CHECK(units_scale(1, "ms", "ns", &u) == 1e6);
	CHECK_STR(u, "ns");
	/* INT64_MIN cannot be negated; pprof scales it as it is */
	CHECK(units_scale(INT64_MIN, "bytes", "b", &u) == (double)INT64_MIN);
	CHECK(units_compatible("bytes", "kilobytes"));
	CHECK(units_compatible("nanoseconds", "s"));
	CHECK(!units_compatible("bytes", "seconds"));
	CHECK(units_compatible("count", "count"));
	CHECK(!units_compatible("count", "things"));
}

static void test_percentages(void)
{
	CHECK_STR(pct(1, 1), "  100%");
	CHECK_STR(pct(9996, 10000), "  100%");
	CHECK_STR(pct(9994, 10000), "99.94%");
	CHECK_STR(pct(1, 8), "12.50%");
	CHECK_STR(pct(1, 100), " 1.00%");
	CHECK_STR(pct(1, 200), "  0.5%");
	CHECK_STR(pct(13, 1000000), "0.0013%");
	CHECK_STR(pct(0, 5), "    0%");
	CHECK_STR(pct(5, 0), "    0%");
	CHECK_STR(pct(-1, 4), "25.00%");
	CHECK_STR(pct(3, 200000000000000LL), "1.5e-12%");
	CHECK_STR(pct(462, 1000), "46.20%");
	CHECK_STR(pct(46493, 100), "46493.00%");
}

/* The names -unit completes to: each one pprof accepts, scaling to the unit it names. */
static void test_names(void)
{
	const char *name, *about, *u;
	size_t n = 0;
	bool megabyte = false;
	for (size_t i = 0; (name = units_name(i, &about)); i++, n++) {
		if (i < 2)
			continue;
		units_scale(1, "bytes", name, &u);
		if (strcmp(u, about) != 0)
			units_scale(1, "seconds", name, &u);
		if (strcmp(u, about) != 0)
			units_scale(1, "gcu", name, &u);
		CHECK_STR(u, about);
		CHECK(strcmp(name, "\xce\xbcs") != 0);
		megabyte |= !strcmp(name, "megabyte") && !strcmp(about, "MB");
	}
	CHECK(megabyte);
	CHECK_STR(units_name(0, &about), "minimum");
	CHECK_STR(units_name(1, &about), "auto");
	CHECK(n == 2 + 17 + 11 + 9); /* minimum, auto; bytes, time ("\xce\xbcs" left out), GCU */
	CHECK(units_name(n, &about) == NULL);
}

int main(void)
{
	test_labels();
	test_scale();
	test_percentages();
	test_names();
	return check_done("units");
}
