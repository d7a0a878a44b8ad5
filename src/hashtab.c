#include "hashtab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void alloc_slots(struct htab *t, size_t cap)
{
	t->cap = cap;
	t->slot = xcalloc(cap, sizeof *t->slot);
	for (size_t i = 0; i < cap; i++)
		t->slot[i].val = UINT32_MAX;
}

void htab_init(struct htab *t, size_t expected)
{
	size_t cap = 16;
	while (cap < expected * 2)
		cap *= 2;
	t->n = 0;
	alloc_slots(t, cap);
}

void htab_free(struct htab *t)
{
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* The slot comes from the hash's high bits, which the callers' hashes mix best. */
static size_t home(uint64_t hash, size_t cap)
{
	return (size_t)((hash * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

uint32_t htab_find(const struct htab *t, uint64_t hash, htab_eq_fn eq, const void *ctx)
{
	size_t mask = t->cap - 1;
	for (size_t i = home(hash, t->cap);; i = (i + 1) & mask) {
		const struct htab_slot *s = &t->slot[i];
		if (s->val == UINT32_MAX)
			return UINT32_MAX;
		if (s->hash == hash && eq(ctx, s->val))
			return s->val;
	}
}

static void put(struct htab *t, uint64_t hash, uint32_t val)
{
	size_t mask = t->cap - 1;
	size_t i = home(hash, t->cap);
	while (t->slot[i].val != UINT32_MAX)
		i = (i + 1) & mask;
	t->slot[i].hash = hash;
	t->slot[i].val = val;
}

void htab_insert(struct htab *t, uint64_t hash, uint32_t val)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct htab_slot *old = t->slot;
		size_t ocap = t->cap;
		if (ocap > SIZE_MAX / 4)
			die_oom();
		alloc_slots(t, ocap * 2);
		for (size_t i = 0; i < ocap; i++)
			if (old[i].val != UINT32_MAX)
				put(t, old[i].hash, old[i].val);
		free(old);
	}
	put(t, hash, val);
	t->n++;
}

struct str_probe {
	const struct strset *t;
	const char *s;
};

static bool str_eq(const void *ctx, uint32_t v)
{
	const struct str_probe *pr = ctx;
	return !strcmp(pr->t->s[v], pr->s);
}

uint32_t strset_find(const struct strset *t, const char *s)
{
	if (!t->ht.cap)
		return UINT32_MAX;
	struct str_probe pr = { t, s };
	return htab_find(&t->ht, hash_str(s, HASH_SEED), str_eq, &pr);
}

uint32_t strset_add(struct strset *t, const char *s, struct arena *copy)
{
	if (!t->ht.cap)
		htab_init(&t->ht, 16);
	uint64_t h = hash_str(s, HASH_SEED);
	struct str_probe pr = { t, s };
	uint32_t id = htab_find(&t->ht, h, str_eq, &pr);
	if (id != UINT32_MAX)
		return id;
	GROW(t->s, t->cap, t->n + 1);
	t->s[t->n] = copy ? arena_strdup(copy, s) : s;
	htab_insert(&t->ht, h, (uint32_t)t->n);
	return (uint32_t)t->n++;
}

void strset_free(struct strset *t)
{
	free(t->s);
	if (t->ht.cap)
		htab_free(&t->ht);
	memset(t, 0, sizeof *t);
}
