/*
 * source: the profile a report is made from, as pprof's fetch stage builds
 * it: every source decoded and merged, base profiles subtracted (or, with
 * diff_base, marked and negated), frames dropped per the profile's
 * drop_frames, a comment added.
 *
 * source_load returns a profile owned by the caller (profile_free), or NULL
 * with a message in err. Messages about individual sources that could not
 * be read (when others could) are appended to warn, one per line.
 */
#ifndef CPROF_SOURCE_H
#define CPROF_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "profile.h"
#include "util.h"

struct source_options {
	char **sources;
	int n_sources;
	const char *base;     /* NULL: none */
	bool diff_base;
	bool normalize;
	bool all_frames;
	const char *exec_name; /* overrides the main mapping's file; NULL: none */
	const char *build_id;  /* fills in a missing main build id; "" none */
	const char *comment;   /* appended to the profile's comments; "" none */
	const char *symbolize; /* -symbolize mode */
	uint64_t max_inflated;
	int seconds; /* -seconds, for profiles fetched over HTTP */
	int timeout; /* -timeout */
};

struct profile *source_load(const struct source_options *so, struct strbuf *warn, char *err, size_t errsize);

/* source_prune_uninteresting applies the profile's drop_frames/keep_frames (pprof's RemoveUninteresting). */
void source_prune_uninteresting(struct profile *p);

#endif
