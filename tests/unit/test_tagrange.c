/*
 * Numeric tag filters (-tagfocus=1kb: etc.). The expectations follow
 * pprof's parseTagFilterRange and measurement.Scale: a value matches when,
 * scaled to the filter's unit, it lands in that same unit and in range.
 */
#include "check.h"
#include "tagrange.h"

static int matches(const char *filter, int64_t v, const char *unit)
{
	struct tag_range r;
	if (!tag_range_parse(filter, &r))
		return -1;
	return tag_range_match(&r, v, unit);
}

static void test_parse(void)
{
	struct tag_range r;
	CHECK(tag_range_parse("32kb", &r) && r.kind == RANGE_EQ && r.lo == 32);
	CHECK_STR(r.unit, "kB");
	CHECK(tag_range_parse(":64kb", &r) && r.kind == RANGE_LE && r.lo == 64);
	CHECK(tag_range_parse("4mb:", &r) && r.kind == RANGE_GE && r.lo == 4);
	CHECK_STR(r.unit, "MB");
	CHECK(tag_range_parse("12kb:64mb", &r) && r.kind == RANGE_BETWEEN && r.lo == 12 && r.hi == 65536);
	CHECK(tag_range_parse("100ms:", &r) && r.kind == RANGE_GE);
	CHECK_STR(r.unit, "ms");
	CHECK(tag_range_parse("-5:5", &r) && r.kind == RANGE_BETWEEN && r.lo == -5 && r.hi == 5);
	CHECK(tag_range_parse("+3", &r) && r.kind == RANGE_EQ && r.lo == 3);
	/* unitless numbers keep an empty unit */
	CHECK(tag_range_parse("64", &r) && r.kind == RANGE_EQ);
	CHECK_STR(r.unit, "");
	/* not ranges: pprof reads these as regexps */
	CHECK(!tag_range_parse("foo", &r));
	CHECK(!tag_range_parse("/sendjson", &r));
	CHECK(!tag_range_parse("a1kb", &r));
	CHECK(!tag_range_parse("1kb::", &r));
	CHECK(!tag_range_parse("1kb:2kb:", &r));
	CHECK(!tag_range_parse("1kb 2kb", &r));
	/* units of different families cannot make a range */
	CHECK(!tag_range_parse("1kb:2ms", &r));
	/* overflow: pprof panics; cprof takes it as a regexp */
	CHECK(!tag_range_parse("99999999999999999999kb", &r));
}

static void test_match(void)
{
	CHECK(matches("1kb:", 1024, "bytes") == 1);
	CHECK(matches("1kb:", 1023, "bytes") == 0);
	CHECK(matches(":64kb", 65536, "bytes") == 1);
	CHECK(matches(":64kb", 65537, "bytes") == 0);
	CHECK(matches("2kb:4kb", 3000, "bytes") == 1);
	CHECK(matches("2kb:4kb", 5000, "bytes") == 0);
	CHECK(matches("1mb:", 1 << 20, "B") == 1);
	CHECK(matches("32b", 32, "bytes") == 1);
	CHECK(matches("32b", 33, "bytes") == 0);
	/* another family never matches */
	CHECK(matches("1kb:", 5000, "nanoseconds") == 0);
	/* time units */
	CHECK(matches("100ms:", 150000000, "nanoseconds") == 1);
	CHECK(matches("100ms:", 50000000, "nanoseconds") == 0);
	CHECK(matches("1s", 1000, "ms") == 1);
	/* a unitless filter scales values of known units to their default unit, "B" != "" */
	CHECK(matches(":64", 10, "bytes") == 0);
	/* ... but matches labels of units pprof does not know, in that unit's name */
	CHECK(matches(":64", 10, "") == 1);
	CHECK(matches("5widgets", 5, "widgets") == 1);
	/* pprof cannot convert unknown units, so it takes any as the filter's own */
	CHECK(matches("5widgets", 5, "gadgets") == 1);
}

int main(void)
{
	test_parse();
	test_match();
	return check_done("tagrange");
}
