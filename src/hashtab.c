#include "hashtab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void alloc_slots(struct htab *t, size_t cap)
{
	t->cap = cap;
	t->hash = xcalloc(cap, sizeof *t->hash);
	t->val = xmalloc(cap * sizeof *t->val);
	memset(t->val, 0xff, cap * sizeof *t->val);
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
	free(t->hash);
	free(t->val);
	memset(t, 0, sizeof *t);
}

uint32_t htab_find(const struct htab *t, uint64_t hash, htab_eq_fn eq, const void *ctx)
{
	size_t mask = t->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		uint32_t v = t->val[i];
		if (v == UINT32_MAX)
			return UINT32_MAX;
		if (t->hash[i] == hash && eq(ctx, v))
			return v;
	}
}

static void put(struct htab *t, uint64_t hash, uint32_t val)
{
	size_t mask = t->cap - 1;
	size_t i = hash & mask;
	while (t->val[i] != UINT32_MAX)
		i = (i + 1) & mask;
	t->hash[i] = hash;
	t->val[i] = val;
}

void htab_insert(struct htab *t, uint64_t hash, uint32_t val)
{
	if ((t->n + 1) * 4 > t->cap * 3) {
		uint64_t *oh = t->hash;
		uint32_t *ov = t->val;
		size_t ocap = t->cap;
		if (ocap > SIZE_MAX / 4)
			die_oom();
		alloc_slots(t, ocap * 2);
		for (size_t i = 0; i < ocap; i++)
			if (ov[i] != UINT32_MAX)
				put(t, oh[i], ov[i]);
		free(oh);
		free(ov);
	}
	put(t, hash, val);
	t->n++;
}
