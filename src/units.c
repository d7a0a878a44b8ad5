#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct unit {
	const char *name;
	const char *aliases[4];
	double factor;
};

struct unit_family {
	const struct unit *units;
	int n;
	struct unit dflt;
};

static const struct unit memory_units[] = {
	{ "B", { "b", "byte" }, 1 },
	{ "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
	{ "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
	{ "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
	{ "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
	{ "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 },
};

static const struct unit time_units[] = {
	{ "ns", { "ns", "nanosecond" }, 1 },
	{ "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
	{ "ms", { "ms", "millisecond" }, 1e6 },
	{ "s", { "s", "sec", "second" }, 1e9 },
	{ "hrs", { "hour", "hr" }, 3.6e12 },
};

static const struct unit gcu_units[] = {
	{ "n*GCU", { "nanogcu" }, 1e-9 },
	{ "u*GCU", { "microgcu" }, 1e-6 },
	{ "m*GCU", { "milligcu" }, 1e-3 },
	{ "GCU", { "gcu" }, 1 },
	{ "k*GCU", { "kilogcu" }, 1e3 },
	{ "M*GCU", { "megagcu" }, 1e6 },
	{ "G*GCU", { "gigagcu" }, 1e9 },
	{ "T*GCU", { "teragcu" }, 1e12 },
	{ "P*GCU", { "petagcu" }, 1e15 },
};

static const struct unit_family families[] = {
	{ memory_units, 6, { "B", { 0 }, 1 } },
	{ time_units, 5, { "s", { 0 }, 1e9 } },
	{ gcu_units, 9, { "GCU", { 0 }, 1 } },
};
enum { NFAMILIES = sizeof families / sizeof families[0] };

/* sniff lowercases name (ASCII) and drops a trailing 's' when longer than two bytes. */
static const struct unit *sniff(const struct unit_family *f, const char *name)
{
	char low[64];
	size_t n = strlen(name);
	if (n >= sizeof low)
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	if (n > 2 && low[n - 1] == 's')
		low[n - 1] = '\0';
	for (int i = 0; i < f->n; i++)
		for (int j = 0; j < 4 && f->units[i].aliases[j]; j++)
			if (strcmp(f->units[i].aliases[j], low) == 0)
				return &f->units[i];
	return NULL;
}

static bool convert(const struct unit_family *f, int64_t value, const char *from, const char *to,
		    double *out, const char **unit_out)
{
	const struct unit *fu = sniff(f, from);
	if (!fu)
		return false;
	double v = (double)value * fu->factor;
	if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
		double best = 0;
		const char *name = NULL;
		for (int i = 0; i < f->n; i++) {
			if (f->units[i].factor >= best && v / f->units[i].factor >= 1.0) {
				best = f->units[i].factor;
				name = f->units[i].name;
			}
		}
		if (best != 0) {
			*out = v / best;
			*unit_out = name;
			return true;
		}
		*out = v / f->dflt.factor;
		*unit_out = f->dflt.name;
		return true;
	}
	const struct unit *tu = sniff(f, to);
	if (!tu) {
		*out = v / f->dflt.factor;
		*unit_out = f->dflt.name;
		return true;
	}
	*out = v / tu->factor;
	*unit_out = tu->name;
	return true;
}

double units_scale(int64_t value, const char *from, const char *to, const char **unit_out)
{
	if (value < 0 && -(uint64_t)value < (uint64_t)1 << 63) {
		double v = units_scale(-value, from, to, unit_out);
		return -v;
	}
	double out;
	for (int i = 0; i < NFAMILIES; i++)
		if (convert(&families[i], value, from, to, &out, unit_out))
			return out;
	if (!strcmp(to, "count") || !strcmp(to, "sample") || !strcmp(to, "unit") ||
	    !strcmp(to, "minimum") || !strcmp(to, "auto"))
		*unit_out = "";
	else
		*unit_out = to;
	return (double)value;
}

void units_label(char *buf, size_t size, int64_t value, const char *from, const char *to)
{
	const char *unit;
	double v = units_scale(value, from, to, &unit);
	char num[512];
	snprintf(num, sizeof num, "%.2f", v);
	size_t n = strlen(num);
	if (n >= 3 && strcmp(num + n - 3, ".00") == 0)
		num[n - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
		snprintf(buf, size, "0");
		return;
	}
	snprintf(buf, size, "%s%s", num, unit);
}

void units_percentage(char *buf, size_t size, int64_t value, int64_t total)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, size, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, size, "%5.2f%%", ratio);
	else
		snprintf(buf, size, "%5.2g%%", ratio);
}

const char *units_name(size_t i, const char **about)
{
	static const char *const scales[][2] = {
		{ "minimum", "One unit for every value, fitting the smallest ones" },
		{ "auto", "Each value in its own unit" },
	};
	if (i < 2) {
		*about = scales[i][1];
		return scales[i][0];
	}
	i -= 2;
	for (int f = 0; f < NFAMILIES; f++)
		for (int u = 0; u < families[f].n; u++)
			for (int a = 0; a < 4 && families[f].units[u].aliases[a]; a++) {
				const char *name = families[f].units[u].aliases[a];
				/* only what sniff finds: the 3-byte "\xce\xbcs" loses its 's' there, in pprof too */
				if (sniff(&families[f], name) != &families[f].units[u])
					continue;
				if (i-- == 0) {
					*about = families[f].units[u].name;
					return name;
				}
			}
	return NULL;
}

bool units_compatible(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	for (int i = 0; i < NFAMILIES; i++)
		if (sniff(&families[i], a) && sniff(&families[i], b))
			return true;
	return false;
}
