/*
 * graph_int: what the graph stage's files share and nothing else sees;
 * only graph.c and graph_*.c include it. The edge table and node edge
 * lists the builds of graph.c and graph_tree.c fill, the tag store of
 * graph_tags.c they gather tags into, and how many threads walk the
 * samples, and the hot stacks of graph_hot.c that a graph copied from a
 * graph cache rebuilds from. The files call each other one way only:
 * graph_tree.c uses graph.c, graph_tags.c and graph_trim.c; graph_cache.c
 * uses graph.c and graph_hot.c; graph.c uses graph_tags.c and graph_hot.c.
 */
#ifndef CPROF_GRAPH_INT_H
#define CPROF_GRAPH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "util.h"

/* edge_table: (src, dest) → edge index, open addressing on the packed pair. */
struct edge_table {
	uint64_t *key;
	uint32_t *val;
	size_t cap, n;
};

static inline void et_init(struct edge_table *t, size_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->key = xmalloc(cap * sizeof *t->key);
	t->val = xmalloc(cap * sizeof *t->val);
	memset(t->val, 0xff, cap * sizeof *t->val);
}

static inline size_t et_slot(uint64_t key, size_t mask)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & mask;
}

static inline void et_put(struct edge_table *t, uint64_t key, uint32_t val)
{
	size_t mask = t->cap - 1, i = et_slot(key, mask);
	while (t->val[i] != UINT32_MAX)
		i = (i + 1) & mask;
	t->key[i] = key;
	t->val[i] = val;
	t->n++;
}

static inline void et_grow(struct edge_table *t)
{
	struct edge_table old = *t;
	et_init(t, old.cap * 2);
	for (size_t i = 0; i < old.cap; i++)
		if (old.val[i] != UINT32_MAX)
			et_put(t, old.key[i], old.val[i]);
	free(old.key);
	free(old.val);
}

static inline uint32_t et_get(const struct edge_table *t, uint64_t key)
{
	size_t mask = t->cap - 1;
	for (size_t i = et_slot(key, mask);; i = (i + 1) & mask) {
		if (t->val[i] == UINT32_MAX)
			return UINT32_MAX;
		if (t->key[i] == key)
			return t->val[i];
	}
}

static inline void et_free(struct edge_table *t)
{
	free(t->key);
	free(t->val);
}

/* graph.c: graph_link_edges fills each node's in and out lists from the edges. */
void graph_link_edges(struct graph *g);
/* graph.c: graph_list_nodes lists the nodes with kept[i] (NULL: all) that have values, in node order. */
void graph_list_nodes(struct graph *g, const bool *kept);
/*
 * graph.c: graph_sum_columns sums every node's flat and cum values, as
 * graph_build_values does, for the n_col sample value columns col[] in
 * one walk, into flat and cum [node * n_col + column] (n_node * n_col each),
 * and into inner (unless NULL) the sum of |value| of the samples where the
 * node is a frame inlined into another: gnode's inlined.
 */
void graph_sum_columns(const struct graph *g, const int *col, size_t n_col, int64_t *flat, int64_t *cum,
		       int64_t *inner);

/* push appends v to an edge list of a node. */
static inline void push(uint32_t **arr, uint32_t *n, uint32_t *cap, uint32_t v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*arr = xreallocarray(*arr, *cap, sizeof **arr);
	}
	(*arr)[(*n)++] = v;
}

/* is_negative: the node is one that drop_negative leaves out. */
static inline bool is_negative(const struct gnode *n)
{
	return n->flat < 0 || (n->flat == 0 && n->cum < 0);
}

/*
 * tag_table: (node, label set, name) → tag, with the keys in the slots so
 * that a lookup touches one cache line; it runs for every frame of every
 * labelled sample.
 */
struct tag_slot {
	uint32_t node, set, name, id; /* id UINT32_MAX: empty */
};

struct tag_table {
	struct tag_slot *slot;
	size_t cap, n;
};

/* Tags being gathered: in the order first met, with their index. */
struct tag_store {
	struct gtag *tag;
	size_t n, cap;
	struct tag_table index;
};

/* graph_tags.c: the tag store, and each build's tags */
void tag_store_init(struct tag_store *ts);
void tag_store_reserve(struct tag_store *ts, size_t n);
struct gtag *tag_store_find(struct tag_store *ts, uint32_t node, uint32_t set, uint32_t name, int64_t value);
void graph_install_tags(struct graph *g, struct tag_store *ts);
void graph_prepare_tags(struct graph *g);
void graph_add_tags(const struct graph *g, struct tag_store *ts, uint32_t node, size_t s, int64_t w, int64_t dw,
		    bool flat);
void graph_index_tags(struct graph *g);
void graph_adopt_tags(struct graph *g, struct tag_store *first, struct tag_store *second, const bool *want);
bool graph_tags_cover(const struct graph *g, const bool *kept);

/* bump adds a weight to a tag's flat or to its cum. */
static inline void bump(struct gtag *t, int64_t w, int64_t dw, bool flat)
{
	if (flat) {
		t->flat += w;
		t->flat_div += dw;
	} else {
		t->cum += w;
		t->cum_div += dw;
	}
}

/*
 * graph_hot.c: a profile's samples reduced to its hot nodes (hot[node]),
 * equal reductions merged: stack i is elem[off[i] .. off[i+1]), root
 * first, each entry a hot node (| HOT_OUTER when it is its location's
 * outermost frame) or HOT_GAP for the other frames between; weight and
 * first (the first sample with a value in the column, UINT32_MAX none)
 * per stack and sample value column. The stacks are in the order of
 * their first samples.
 */
#define HOT_OUTER 0x80000000u
#define HOT_GAP 0x7fffffffu
struct hot_stacks {
	bool *hot;
	size_t n, n_col;
	size_t *off;
	uint32_t *elem;
	int64_t *weight;
	uint32_t *first;
};
struct hot_stacks *graph_hot_stacks(const struct graph *g, const bool *hot, size_t n_col);
void graph_hot_free_stacks(struct hot_stacks *hs); /* what graph_hot_stacks allocated inside hs */
bool graph_hot_covers(const struct hot_stacks *hs, const bool *kept, size_t n_node);

/*
 * Where a graph copied from a graph cache finds hot stacks (graph->from):
 * the cache entry's nodes and columns, its stacks (NULL until made), and
 * how many were made and walked. graph_hot_for is the stacks whose hot
 * nodes include every kept one: those made before, or new ones made of
 * the kept nodes, when few, and the first by flat and by cum of g; NULL
 * when too many are kept. graph_hot_source_free frees the stacks.
 */
struct hot_source {
	const struct graph *nodes;
	size_t n_col;
	struct hot_stacks *hot;
	size_t made, walked;
};
const struct hot_stacks *graph_hot_for(const struct graph *g, const bool *kept);
void graph_hot_source_free(struct hot_source *src);

/* Graphs of at least twice this many samples are built on two threads. */
enum { SAMPLES_PER_THREAD = 50000 };

/* graph_weights gives a sample's value and div value: false when both are 0 (it adds nothing). */
static inline bool graph_weights(const struct graph *g, const struct sample *sm, int64_t *w, int64_t *dw)
{
	*w = sm->value[g->o.value_index];
	*dw = g->o.mean_index >= 0 ? sm->value[g->o.mean_index] : 0;
	return *w != 0 || *dw != 0;
}

/*
 * sample_holds: whether a location of the sample has flag set. Looked for
 * from the root, where main and its callers are, so samples holding
 * them are found after a few locations.
 */
static inline bool sample_holds(const struct sample *sm, const bool *flag)
{
	for (uint32_t i = sm->n_loc; i > 0; i--)
		if (flag[sm->loc[i - 1]])
			return true;
	return false;
}

/* walkers: how many threads go through p's samples. */
static inline size_t walkers(const struct profile *p)
{
	return p->n_sample >= 2 * SAMPLES_PER_THREAD ? 2 : 1;
}

#endif
