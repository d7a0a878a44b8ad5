#include "tagrange.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* One match of pprof's ([+-]?[[:digit:]]+)([[:alpha:]]+)? */
struct num_match {
	size_t start, end;
	char digits[32];
	char alpha[32];
};

/* find_number finds the leftmost match at or after from. */
static bool find_number(const char *s, size_t from, struct num_match *m)
{
	size_t n = strlen(s);
	for (size_t i = from; i < n; i++) {
		size_t j = i;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (!isdigit((unsigned char)s[j]))
			continue;
		size_t d0 = i;
		while (isdigit((unsigned char)s[j]))
			j++;
		size_t a0 = j;
		while (isalpha((unsigned char)s[j]))
			j++;
		if (a0 - d0 >= sizeof m->digits || j - a0 >= sizeof m->alpha)
			return false;
		m->start = i;
		m->end = j;
		memcpy(m->digits, s + d0, a0 - d0);
		m->digits[a0 - d0] = '\0';
		memcpy(m->alpha, s + a0, j - a0);
		m->alpha[j - a0] = '\0';
		return true;
	}
	return false;
}

static bool parse_int(const char *digits, int64_t *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(digits, &end, 10);
	if (errno == ERANGE || *end)
		return false; /* pprof panics on overflow; cprof takes it as no range */
	*v = x;
	return true;
}

bool tag_range_parse(const char *filter, struct tag_range *r)
{
	struct num_match m1, m2;
	if (!find_number(filter, 0, &m1))
		return false;
	bool two = find_number(filter, m1.end, &m2);
	int64_t v;
	if (!parse_int(m1.digits, &v))
		return false;
	const char *unit;
	r->lo = units_scale(v, m1.alpha, m1.alpha, &unit);
	snprintf(r->unit, sizeof r->unit, "%s", unit);
	size_t flen = strlen(filter), mlen = m1.end - m1.start;
	if (!two) {
		if (m1.start == 0 && mlen == flen) {
			r->kind = RANGE_EQ;
			return true;
		}
		if (m1.start == 0 && mlen + 1 == flen && filter[flen - 1] == ':') {
			r->kind = RANGE_GE;
			return true;
		}
		if (m1.start == 1 && filter[0] == ':' && mlen + 1 == flen) {
			r->kind = RANGE_LE;
			return true;
		}
		return false;
	}
	if (m1.start != 0 || filter[m1.end] != ':' || m2.start != m1.end + 1 || m2.end != flen)
		return false;
	if (!parse_int(m2.digits, &v))
		return false;
	r->hi = units_scale(v, m2.alpha, r->unit, &unit);
	if (strcmp(unit, r->unit) != 0)
		return false;
	r->kind = RANGE_BETWEEN;
	return true;
}

bool tag_range_match(const struct tag_range *r, int64_t value, const char *unit)
{
	const char *su;
	double sv = units_scale(value, unit, r->unit, &su);
	if (strcmp(su, r->unit) != 0)
		return false;
	switch (r->kind) {
	case RANGE_EQ:
		return sv == r->lo;
	case RANGE_GE:
		return sv >= r->lo;
	case RANGE_LE:
		return sv <= r->lo;
	case RANGE_BETWEEN:
		return sv >= r->lo && sv <= r->hi;
	}
	return false;
}
