/*
 * merge: combining profiles as pprof does before any report: sample types
 * made common (compatibilize), units scaled to the finest one, profiles
 * merged into one, base profiles normalized and subtracted.
 *
 * Functions that take a profile ** may replace it; the merged profile
 * adopts its inputs (profile_adopt), so the caller frees only the result.
 * Errors return -1 (or NULL) with pprof's message in err.
 */
#ifndef CPROF_MERGE_H
#define CPROF_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* CompatibilizeSampleTypes: keep only the sample types all profiles have, in the first one's order. */
int merge_compatibilize(struct profile **ps, size_t n, char *err, size_t errsize);

/* How many sample types (by name) all profiles have: what merge_compatibilize would keep. */
size_t merge_n_common_sample_types(struct profile *const *ps, size_t n);

/* merge_sample_types_str appends p's sample types, "[type/unit, ...]", for messages. */
void merge_sample_types_str(const struct profile *p, struct strbuf *b);

/* ScaleProfiles: bring period and sample units to the finest common unit. */
int merge_scale_units(struct profile **ps, size_t n, char *err, size_t errsize);

/* Merge: one profile with identical stacks, locations, functions and mappings folded. Adopts ps. */
struct profile *merge_profiles(struct profile **ps, size_t n, char *err, size_t errsize);

/*
 * merge_stream merges profiles one at a time, freeing each as it is
 * added, so that merging many takes the memory of the merged profile, not
 * of them all. merge_stream_finish gives what merge_compatibilize,
 * merge_scale_units and merge_profiles give of the same profiles (one
 * profile alone is returned as it came), provided each was added only if
 * merge_stream_fits it: sample types (of distinct names) and period type
 * the same as the first's, so that making them common changes nothing.
 * The merged profile owns copies of the strings it keeps.
 */
struct merge_stream;
struct merge_stream *merge_stream_new(void);
bool merge_stream_fits(const struct merge_stream *s, const struct profile *p);
void merge_stream_add(struct merge_stream *s, struct profile *p); /* takes p */
/* merge_stream_finish frees s; NULL when nothing was added. */
struct profile *merge_stream_finish(struct merge_stream *s);
void merge_stream_free(struct merge_stream *s);

/* Normalize: scale p's values so each sample type sums to base's sum. */
int merge_normalize(struct profile *p, const struct profile *base, char *err, size_t errsize);

/* ScaleN: multiply each value by ratio[i], dropping samples left with only zeros. */
void merge_scale(struct profile *p, const double *ratio);

/* SetLabel: give every sample the string label key=value (replacing that key). */
void merge_set_label(struct profile *p, const char *key, const char *value);

/* compatible: same period type and sample types. */
int merge_check_compatible(const struct profile *a, const struct profile *b, char *err, size_t errsize);

#endif
