#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define OFF(f) offsetof(struct options, f)

static const char *const sort_choices[] = { "cum", "flat", NULL };
static const char *const granularity_choices[] = { "functions", "filefunctions", "files", "lines", "addresses",
						   NULL };

const struct option_field option_fields[] = {
	{ "output", OPT_STRING, OFF(output), NULL, "Output filename for file-based outputs\n", false },
	{ "call_tree", OPT_BOOL, OFF(call_tree), NULL,
	  "Create a context-sensitive call tree\nTreat locations reached through different paths as separate.\n",
	  true },
	{ "relative_percentages", OPT_BOOL, OFF(relative_percentages), NULL,
	  "Show percentages relative to focused subgraph\n"
	  "If unset, percentages are relative to full graph before focusing\n"
	  "to facilitate comparison with original graph.\n",
	  true },
	{ "unit", OPT_STRING, OFF(unit), NULL,
	  "Measurement units to display\n"
	  "Scale the sample values to this unit.\n"
	  "For time-based profiles, use seconds, milliseconds, nanoseconds, etc.\n"
	  "For memory profiles, use megabytes, kilobytes, bytes, etc.\n"
	  "Using auto will scale each value independently to the most natural unit.\n",
	  true },
	{ "compact_labels", OPT_BOOL, OFF(compact_labels), NULL, "Show minimal headers", true },
	{ "source_path", OPT_STRING, OFF(source_path), NULL, "Search path for source files", false },
	{ "trim_path", OPT_STRING, OFF(trim_path), NULL, "Path to trim from source paths before search", false },
	{ "intel_syntax", OPT_BOOL, OFF(intel_syntax), NULL,
	  "Show assembly in Intel syntax\nOnly applicable to commands `disasm` and `weblist`\n", true },
	{ "mean", OPT_BOOL, OFF(mean), NULL,
	  "Average sample value over first value (count)\n"
	  "For memory profiles, report average memory per allocation.\n"
	  "For time-based profiles, report average time per event.\n",
	  true },
	{ "sample_index", OPT_STRING, OFF(sample_index), NULL,
	  "Sample value to report (0-based index or name)\n"
	  "Profiles contain multiple values per sample.\n"
	  "Use sample_index=i to select the ith value (starting at 0).\n",
	  false },
	{ "divide_by", OPT_FLOAT, OFF(divide_by), NULL,
	  "Ratio to divide all samples before visualization\n"
	  "Divide all samples values by a constant, eg the number of processors or jobs.\n",
	  false },
	{ "normalize", OPT_BOOL, OFF(normalize), NULL, "Scales profile based on the base profile.\n", true },
	{ "sort", OPT_STRING, OFF(sort), sort_choices, "", true },
	{ "tagroot", OPT_STRING, OFF(tagroot), NULL,
	  "Adds pseudo stack frames for labels key/value pairs at the callstack root.\n"
	  "A comma-separated list of label keys.\n"
	  "The first key creates frames at the new root.\n",
	  true },
	{ "tagleaf", OPT_STRING, OFF(tagleaf), NULL,
	  "Adds pseudo stack frames for labels key/value pairs at the callstack leaf.\n"
	  "A comma-separated list of label keys.\n"
	  "The last key creates frames at the new leaf.\n",
	  true },
	{ "drop_negative", OPT_BOOL, OFF(drop_negative), NULL,
	  "Ignore negative differences\nDo not show any locations with values <0.\n", true },
	{ "nodecount", OPT_INT, OFF(nodecount), NULL,
	  "Max number of nodes to show\n"
	  "Uses heuristics to limit the number of locations to be displayed.\n"
	  "On graphs, dotted edges represent paths through nodes that have been removed.\n",
	  true },
	{ "nodefraction", OPT_FLOAT, OFF(nodefraction), NULL, "Hide nodes below <f>*total", true },
	{ "edgefraction", OPT_FLOAT, OFF(edgefraction), NULL, "Hide edges below <f>*total", true },
	{ "trim", OPT_BOOL, OFF(trim), NULL,
	  "Honor nodefraction/edgefraction/nodecount defaults\n"
	  "Set to false to get the full profile, without any trimming.\n",
	  true },
	{ "focus", OPT_STRING, OFF(focus), NULL,
	  "Restricts to samples going through a node matching regexp\n"
	  "Discard samples that do not include a node matching this regexp.\n"
	  "Matching includes the function name, filename or object name.\n",
	  true },
	{ "ignore", OPT_STRING, OFF(ignore), NULL,
	  "Skips paths going through any nodes matching regexp\n"
	  "If set, discard samples that include a node matching this regexp.\n"
	  "Matching includes the function name, filename or object name.\n",
	  true },
	{ "prune_from", OPT_STRING, OFF(prune_from), NULL,
	  "Drops any functions below the matched frame.\n"
	  "If set, any frames matching the specified regexp and any frames\n"
	  "below it will be dropped from each sample.\n",
	  true },
	{ "hide", OPT_STRING, OFF(hide), NULL,
	  "Skips nodes matching regexp\n"
	  "Discard nodes that match this location.\n"
	  "Other nodes from samples that include this location will be shown.\n"
	  "Matching includes the function name, filename or object name.\n",
	  true },
	{ "show", OPT_STRING, OFF(show), NULL,
	  "Only show nodes matching regexp\n"
	  "If set, only show nodes that match this location.\n"
	  "Matching includes the function name, filename or object name.\n",
	  true },
	{ "show_from", OPT_STRING, OFF(show_from), NULL,
	  "Drops functions above the highest matched frame.\n"
	  "If set, all frames above the highest match are dropped from every sample.\n"
	  "Matching includes the function name, filename or object name.\n",
	  true },
	{ "tagfocus", OPT_STRING, OFF(tagfocus), NULL,
	  "Restricts to samples with tags in range or matched by regexp\n"
	  "Use name=value syntax to limit the matching to a specific tag.\n"
	  "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:\n"
	  "String tag filter examples: foo, foo.*bar, mytag=foo.*bar\n",
	  true },
	{ "tagignore", OPT_STRING, OFF(tagignore), NULL,
	  "Discard samples with tags in range or matched by regexp\n"
	  "Use name=value syntax to limit the matching to a specific tag.\n"
	  "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:\n"
	  "String tag filter examples: foo, foo.*bar, mytag=foo.*bar\n",
	  true },
	{ "tagshow", OPT_STRING, OFF(tagshow), NULL,
	  "Only consider tags matching this regexp\nDiscard tags that do not match this regexp\n", true },
	{ "taghide", OPT_STRING, OFF(taghide), NULL,
	  "Skip tags matching this regexp\nDiscard tags that match this regexp\n", true },
	{ "noinlines", OPT_BOOL, OFF(noinlines), NULL,
	  "Ignore inlines.\nAttributes inlined functions to their first out-of-line caller.\n", true },
	{ "showcolumns", OPT_BOOL, OFF(showcolumns), NULL, "Show column numbers at the source code line level.\n",
	  true },
	{ "granularity", OPT_STRING, OFF(granularity), granularity_choices, "", true },
};
const size_t n_option_fields = sizeof option_fields / sizeof option_fields[0];

static const struct {
	const char *name, *help;
} choice_help[] = {
	{ "flat", "Sort entries based on own weight\n" },
	{ "cum", "Sort entries based on cumulative weight\n" },
	{ "functions", "Aggregate at the function level.\nIgnores the filename where the function was defined.\n" },
	{ "filefunctions",
	  "Aggregate at the function level.\nTakes into account the filename where the function was defined.\n" },
	{ "files", "Aggregate at the file level." },
	{ "lines", "Aggregate at the source code line level." },
	{ "addresses", "Aggregate at the address level.\nIncludes functions' addresses in the output.\n" },
};

const char *option_help(const char *name)
{
	for (size_t i = 0; i < n_option_fields; i++)
		if (!strcmp(option_fields[i].name, name))
			return option_fields[i].help;
	for (size_t i = 0; i < sizeof choice_help / sizeof choice_help[0]; i++)
		if (!strcmp(choice_help[i].name, name))
			return choice_help[i].help;
	return "";
}

static char **str_field(struct options *o, const struct option_field *f)
{
	return (char **)((char *)o + f->offset);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

void options_init(struct options *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < n_option_fields; i++)
		if (option_fields[i].type == OPT_STRING)
			*str_field(o, &option_fields[i]) = xstrdup("");
	set_str(&o->unit, "minimum");
	set_str(&o->sort, "flat");
	o->nodecount = -1;
	o->nodefraction = 0.005;
	o->edgefraction = 0.001;
	o->trim = true;
	o->divide_by = 1.0;
}

void options_copy(struct options *dst, const struct options *src)
{
	*dst = *src;
	for (size_t i = 0; i < n_option_fields; i++)
		if (option_fields[i].type == OPT_STRING) {
			char **s = str_field(dst, &option_fields[i]);
			*s = xstrdup(*s);
		}
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < n_option_fields; i++)
		if (option_fields[i].type == OPT_STRING) {
			char **s = str_field(o, &option_fields[i]);
			free(*s);
			*s = NULL;
		}
}

const struct option_field *option_find(const char *name)
{
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (!strcmp(f->name, name))
			return f;
		for (const char *const *c = f->choices; c && *c; c++)
			if (!strcmp(*c, name))
				return f;
	}
	return NULL;
}

/* pprof's stringToBool: like strconv.ParseBool but also yes/no/y/n and "". */
static int parse_bool(const char *s, bool *out)
{
	char low[8];
	size_t n = strlen(s);
	if (n >= sizeof low)
		return -1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	static const char *const yes[] = { "true", "t", "yes", "y", "1", "" };
	static const char *const no[] = { "false", "f", "no", "n", "0" };
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(low, yes[i])) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(low, no[i])) {
			*out = false;
			return 0;
		}
	return -1;
}

int go_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int set_field(struct options *o, const struct option_field *f, const char *value, char *err, size_t errsize)
{
	char *p = (char *)o + f->offset;
	switch (f->type) {
	case OPT_STRING:
		if (f->choices) {
			for (const char *const *c = f->choices; *c; c++)
				if (!strcmp(*c, value)) {
					set_str((char **)p, value);
					return 0;
				}
			snprintf(err, errsize, "invalid \"%s\" value \"%s\"", f->name, value);
			return -1;
		}
		set_str((char **)p, value);
		return 0;
	case OPT_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0) {
			snprintf(err, errsize, "illegal value \"%s\" for bool variable", value);
			return -1;
		}
		*(bool *)p = b;
		return 0;
	}
	case OPT_INT: {
		const char *d = value;
		if (*d == '+' || *d == '-')
			d++;
		bool ok = *d != '\0';
		for (; *d; d++)
			if (!isdigit((unsigned char)*d))
				ok = false;
		errno = 0;
		long v = ok ? strtol(value, NULL, 10) : 0;
		if (!ok || errno == ERANGE || v > 0x7fffffffL || v < -0x7fffffffL - 1) {
			snprintf(err, errsize, "strconv.Atoi: parsing \"%s\": %s", value,
				 ok ? "value out of range" : "invalid syntax");
			return -1;
		}
		*(int *)p = (int)v;
		return 0;
	}
	case OPT_FLOAT: {
		char *end;
		errno = 0;
		double v = strtod(value, &end);
		if (value[0] == '\0' || *end != '\0' || isspace((unsigned char)value[0])) {
			snprintf(err, errsize, "strconv.ParseFloat: parsing \"%s\": invalid syntax", value);
			return -1;
		}
		*(double *)p = v;
		return 0;
	}
	}
	return -1;
}

int options_set(struct options *o, const char *name, const char *value, char *err, size_t errsize)
{
	const struct option_field *f = option_find(name);
	if (!f) {
		snprintf(err, errsize, "unknown config field \"%s\"", name);
		return -1;
	}
	if (!strcmp(f->name, name))
		return set_field(o, f, value, err, errsize);
	bool b;
	if (go_parse_bool(value, &b) == 0 && b)
		return set_field(o, f, name, err, errsize);
	snprintf(err, errsize, "unknown config field \"%s\"", name);
	return -1;
}

void go_format_float(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Shortest round-tripping digits, as strconv.FormatFloat(v, 'g', -1, 64). */
	char tmp[64];
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is d.ddde±XX; Go uses %e form when exp < -4 || exp >= 21. */
	char *e = strchr(tmp, 'e');
	int exp = atoi(e + 1);
	if (exp < -4 || exp >= 21) {
		char mant[32];
		size_t mlen = (size_t)(e - tmp);
		memcpy(mant, tmp, mlen);
		mant[mlen] = '\0';
		snprintf(buf, size, "%se%c%02d", mant, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	int decimals = prec - 1 - exp;
	if (decimals < 0)
		decimals = 0;
	snprintf(buf, size, "%.*f", decimals, v);
}

void options_get(const struct options *o, const struct option_field *f, char *buf, size_t size)
{
	const char *p = (const char *)o + f->offset;
	switch (f->type) {
	case OPT_STRING:
		snprintf(buf, size, "%s", *(char *const *)p);
		break;
	case OPT_BOOL:
		snprintf(buf, size, "%s", *(const bool *)p ? "true" : "false");
		break;
	case OPT_INT:
		snprintf(buf, size, "%d", *(const int *)p);
		break;
	case OPT_FLOAT:
		go_format_float(buf, size, *(const double *)p);
		break;
	}
}
