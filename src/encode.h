/*
 * encode: the profile model → a gzipped profile.proto, as pprof's
 * Profile.Write writes it: the same fields, the string table in the same
 * order ("" first, then sample types, labels, mappings, functions, ...).
 *
 * The message is packed with the protobuf-c generated code a piece at a
 * time (a profile message holding only some samples is a valid part of
 * the whole, as repeated fields concatenate), so a large profile is never
 * held twice in memory. encode_profile returns 0, or -1 with a message in
 * err when writing fails.
 */
#ifndef CPROF_ENCODE_H
#define CPROF_ENCODE_H

#include <stddef.h>
#include <stdio.h>

#include "profile.h"

int encode_profile(const struct profile *p, FILE *out, char *err, size_t errsize);

#endif
