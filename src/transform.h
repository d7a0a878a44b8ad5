/*
 * transform: per-report changes to a profile, in pprof's order: label
 * pseudo-frames (tagroot/tagleaf), frame and tag filters, and aggregation
 * at the requested granularity.
 *
 * Each transform returns a new profile derived from its input (see
 * profile_derive): the input is never modified, so the shell can run every
 * command on the same loaded profile. The caller frees the result, and
 * must keep the input alive as long as the result.
 */
#ifndef CPROF_TRANSFORM_H
#define CPROF_TRANSFORM_H

#include <stdbool.h>

#include "options.h"
#include "profile.h"
#include "util.h"

/*
 * transform_aggregate is pprof's Profile.Aggregate: it forgets what the
 * granularity does not show (function names, file names, line and column
 * numbers, addresses) and, without inlines, keeps only each location's
 * outermost line.
 */
struct profile *transform_aggregate(const struct profile *p, bool inlines, bool function, bool filename,
				    bool linenumber, bool columnnumber, bool address);

#endif

/*
 * transform_label_frames is pprof's tagroot/tagleaf: every sample gets a
 * pseudo-frame "value1,value2" (file: the key) per key, root keys at the
 * root (the first key outermost), leaf keys at the leaf (the last key
 * innermost). root_matched and leaf_matched tell whether any sample had one
 * of the keys.
 */
struct profile *transform_label_frames(const struct profile *p, char **root_keys, size_t n_root, char **leaf_keys,
				       size_t n_leaf, const char *output_unit, bool *root_matched,
				       bool *leaf_matched);

struct regex;
struct tag_filter;

/* The result of transform_filter: which filters matched something, as pprof's warnings need. */
struct filter_matches {
	bool focus, ignore, hide, show, show_from, tagfocus, tagignore, tagshow, taghide;
};

struct filters {
	struct regex *focus, *ignore, *hide, *show, *show_from, *prune_from, *tagshow, *taghide;
	struct tag_filter *tagfocus, *tagignore;
};

/* A numeric label key's unit (pprof's NumLabelUnits), for numeric tag filters. */
typedef const char *(*label_unit_fn)(const void *ctx, const char *key);

/*
 * tag_filter_compile parses a -tagfocus/-tagignore value: "key=value" or
 * "value", the value a numeric range ("1kb:") or comma-separated regexps.
 * Returns NULL with a message in err on a bad regexp; *was_range tells
 * whether pprof would say it "Interpreted '...' as range, not regexp".
 */
struct tag_filter *tag_filter_compile(const char *value, label_unit_fn unit, const void *ctx, bool *was_range,
				      char *err, size_t errsize);
void tag_filter_free(struct tag_filter *f);

/*
 * transform_filter applies pprof's applyFocus: focus/ignore/hide/show,
 * show_from, tagfocus/tagignore, tagshow/taghide, prune_from, in that
 * order. NULL filters are skipped.
 */
struct profile *transform_filter(const struct profile *p, const struct filters *f, struct filter_matches *m);

/*
 * transform_filters is pprof's applyFocus from the options' settings
 * (focus, ignore, hide, show, show_from, tagfocus, tagignore, prune_from,
 * tagshow, taghide): it compiles them, filters, and appends pprof's
 * warnings ("Focus expression matched no samples", "Interpreted ... as
 * range, not regexp") to warn. Returns NULL with a message in err on a bad
 * expression. unit(ctx, key) gives a numeric label key's unit.
 */
struct profile *transform_filters(const struct profile *p, const struct options *o, label_unit_fn unit,
				  const void *ctx, struct strbuf *warn, char *err, size_t errsize);

/*
 * transform_filter_legend lists the options' active filters as pprof's
 * legend shows them ("focus=main", ...), in its order; the caller frees
 * each string and the array.
 */
size_t transform_filter_legend(const struct options *o, char ***list);

/* The warning pprof gives when an expression that is set matched nothing. */
void transform_warn_no_match(struct strbuf *warn, bool set, bool matched, const char *what);
