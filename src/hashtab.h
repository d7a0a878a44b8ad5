/*
 * hashtab: an open-addressing set of uint32 indices keyed by a caller's
 * hash and equality. Each slot stores the entry's 64-bit hash beside its
 * index, so probing compares hashes first, touches one cache line per
 * slot, and calls the equality function only on a hash match. The table
 * is kept at most half full, since most lookups during a merge miss. The
 * caller owns the table (htab_free) and the items.
 */
#ifndef CPROF_HASHTAB_H
#define CPROF_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct htab_slot {
	uint64_t hash;
	uint32_t val; /* UINT32_MAX marks an empty slot */
};

struct htab {
	struct htab_slot *slot;
	size_t cap, n;
};

typedef bool (*htab_eq_fn)(const void *ctx, uint32_t val);

void htab_init(struct htab *t, size_t expected);
void htab_free(struct htab *t);
/* htab_find returns the stored index equal to the key, or UINT32_MAX. */
uint32_t htab_find(const struct htab *t, uint64_t hash, htab_eq_fn eq, const void *ctx);
/* htab_insert adds val under hash; the caller has checked it is absent. */
void htab_insert(struct htab *t, uint64_t hash, uint32_t val);

/*
 * strset: distinct strings, numbered in the order they were first added
 * (the string tables of encoding, the graph's tag names). It keeps the
 * pointers it is given, or copies into arena when one is passed.
 */
struct arena;

struct strset {
	struct htab ht;
	const char **s;
	size_t n, cap;
};

uint32_t strset_add(struct strset *t, const char *s, struct arena *copy);
/* strset_find returns s's number, or UINT32_MAX. */
uint32_t strset_find(const struct strset *t, const char *s);
void strset_free(struct strset *t);

#endif
