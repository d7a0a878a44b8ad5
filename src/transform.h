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

#include "profile.h"

/*
 * transform_aggregate is pprof's Profile.Aggregate: it forgets what the
 * granularity does not show (function names, file names, line and column
 * numbers, addresses) and, without inlines, keeps only each location's
 * outermost line.
 */
struct profile *transform_aggregate(const struct profile *p, bool inlines, bool function, bool filename,
				    bool linenumber, bool columnnumber, bool address);

#endif
