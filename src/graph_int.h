/*
 * graph_int: what the graph stage's files share and nothing else sees.
 * Only graph.c and graph_*.c include it. The tag store of graph_tags.c,
 * which the builds of graph.c and graph_tree.c gather tags into, and how
 * many threads walk the samples.
 */
#ifndef CPROF_GRAPH_INT_H
#define CPROF_GRAPH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"

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

/* graph_tags.c */
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

/* Graphs of at least twice this many samples are built on two threads. */
enum { SAMPLES_PER_THREAD = 50000 };

/* walkers: how many threads go through p's samples. */
static inline size_t walkers(const struct profile *p)
{
	return p->n_sample >= 2 * SAMPLES_PER_THREAD ? 2 : 1;
}

#endif
