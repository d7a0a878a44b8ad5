/*
 * options: every pprof setting in one struct, with pprof's names, types
 * and defaults.
 *
 * Both front ends (flags.c for the command line, shell.c for the
 * interactive shell) set fields through options_set, so they cannot drift
 * apart. Strings in an options struct are owned by it (heap-allocated);
 * options_copy makes an independent copy and options_free releases one.
 */
#ifndef CPROF_OPTIONS_H
#define CPROF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct options {
	char *output;

	bool call_tree;
	bool relative_percentages;
	char *unit;
	bool compact_labels;
	char *source_path;
	char *trim_path;
	bool intel_syntax;
	bool mean;
	char *sample_index;
	double divide_by;
	bool normalize;
	char *sort; /* "flat" or "cum" */

	char *tagroot;
	char *tagleaf;

	bool drop_negative;
	int nodecount;
	double nodefraction;
	double edgefraction;
	bool trim;
	char *focus;
	char *ignore;
	char *prune_from;
	char *hide;
	char *show;
	char *show_from;
	char *tagfocus;
	char *tagignore;
	char *tagshow;
	char *taghide;
	bool noinlines;
	bool showcolumns;

	char *granularity; /* "" (default), functions, filefunctions, files, lines, addresses */
};

enum option_type { OPT_BOOL, OPT_INT, OPT_FLOAT, OPT_STRING };

struct option_field {
	const char *name;
	enum option_type type;
	size_t offset;
	const char *const *choices; /* NULL-terminated, for option groups (sort, granularity) */
	const char *help;
	bool saved; /* listed by the shell's "options" command with its value */
};

/* The fields in pprof's order (the order of its config struct). */
extern const struct option_field option_fields[];
extern const size_t n_option_fields;

void options_init(struct options *o); /* pprof's defaults */
void options_copy(struct options *dst, const struct options *src);
void options_free(struct options *o);

/* option_find finds a field by name or, for option groups, by choice name. */
const struct option_field *option_find(const char *name);

/*
 * options_set sets a field from its text form, as pprof's config.set does
 * (bools accept true/false/t/f/yes/no/y/n/1/0 and ""). For a choice name
 * ("lines", "cum") the value must be a true bool. Returns 0, or -1 with a
 * message in err.
 */
int options_set(struct options *o, const char *name, const char *value, char *err, size_t errsize);

/* options_get writes a field's value in pprof's text form. */
void options_get(const struct options *o, const struct option_field *f, char *buf, size_t size);

/* Help text for option and choice names ("" when there is none). */
const char *option_help(const char *name);

/* go_parse_bool is Go's strconv.ParseBool (1 t T TRUE true True, 0 f F ...): 0, or -1. */
int go_parse_bool(const char *s, bool *out);

/* go_format_float writes v as Go's %v (strconv 'g', shortest) would. */
void go_format_float(char *buf, size_t size, double v);

#endif
