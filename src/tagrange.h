/*
 * tagrange: pprof's numeric tag filters ("32kb", ":64kb", "4mb:",
 * "12kb:64mb", "100ms:") used by -tagfocus and -tagignore.
 *
 * A value matches when, scaled into the filter's unit, it has that exact
 * unit and lies in the range; a unitless filter ("64") therefore matches
 * only values whose unit pprof cannot scale.
 */
#ifndef CPROF_TAGRANGE_H
#define CPROF_TAGRANGE_H

#include <stdbool.h>
#include <stdint.h>

struct tag_range {
	enum { RANGE_EQ, RANGE_GE, RANGE_LE, RANGE_BETWEEN } kind;
	double lo, hi;
	char unit[32];
};

/* tag_range_parse returns false when filter is not a range (pprof then reads it as regexps). */
bool tag_range_parse(const char *filter, struct tag_range *r);
bool tag_range_match(const struct tag_range *r, int64_t value, const char *unit);

#endif
