/*
 * graph: a profile summarized as nodes (one per distinct program location
 * at the chosen granularity) and weighted caller→callee edges, built as
 * pprof's graph package builds it.
 *
 * graph_new interns every location line of the profile as a node and then
 * builds the graph from the samples; graph_build rebuilds it keeping only
 * some nodes (pprof rebuilds from samples on each trimming step, since the
 * graph alone cannot tell which edges become residual). The graph borrows
 * the profile, which must outlive it; graph_free releases everything else.
 */
#ifndef CPROF_GRAPH_H
#define CPROF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct graph_options {
	int value_index;
	int mean_index;    /* sample value dividing value_index for -mean, or -1 */
	bool obj_names;    /* keep binary names on every node (raw, list, callgrind) */
	bool drop_negative;
	const char *trim_path;   /* pprof's trim_path / source_path rewriting of file names; */
	const char *source_path; /* NULL trim_path: file names are only cleaned */
};

struct node_info {
	const char *name;
	const char *orig_name;
	const char *file;
	const char *objfile;
	uint64_t address;
	int64_t start_line, lineno, columnno;
};

struct gnode {
	struct node_info info;
	uint32_t function; /* the node standing for the whole function */
	int64_t flat, flat_div, cum, cum_div;
	uint32_t *in, *out; /* edge indices */
	uint32_t n_in, n_out, cap_in, cap_out;
	char *printable;    /* cached printable name */
	char *sortkey;      /* cached fmt.Sprint(info) for last-resort ordering */
};

struct gedge {
	uint32_t src, dest;
	int64_t weight, weight_div;
	bool residual;
	bool inline_;
	bool removed;
};

struct graph {
	const struct profile *p;
	struct graph_options o;
	struct arena *arena;

	struct gnode *node; /* every distinct node of the profile */
	size_t n_node;
	size_t *loc_frame; /* first frame of each location in frame_node */
	uint32_t *frame_node;

	uint32_t *list; /* the graph's nodes, in report order */
	size_t n;

	struct gedge *edge;
	size_t n_edge, cap_edge;
	struct edge_table *edges;
};

struct graph *graph_new(const struct profile *p, const struct graph_options *o);
/* graph_nodes interns the nodes without building the graph (no values, no edges). */
struct graph *graph_nodes(const struct profile *p, const struct graph_options *o);
void graph_free(struct graph *g);

/* graph_build rebuilds values and edges from the samples, keeping only nodes with kept[i] (NULL: all). */
void graph_build(struct graph *g, const bool *kept);

static inline int64_t node_flat(const struct gnode *n)
{
	return n->flat_div == 0 ? n->flat : n->flat / n->flat_div;
}

static inline int64_t node_cum(const struct gnode *n)
{
	return n->cum_div == 0 ? n->cum : n->cum / n->cum_div;
}

static inline int64_t edge_weight(const struct gedge *e)
{
	return e->weight_div == 0 ? e->weight : e->weight / e->weight_div;
}

/* The node's name as reports print it: address, function, file:line, or [binary]. */
const char *graph_printable(struct graph *g, uint32_t n);

enum node_order { ORDER_FLAT, ORDER_CUM, ORDER_ENTROPY };
void graph_sort(struct graph *g, enum node_order order);

/* Sum of the raw flat values of the graph's nodes (what trimming cutoffs are relative to). */
int64_t graph_flat_sum(const struct graph *g);
/* Sum of the nodes' flat values after -mean division (what the legend shows). */
int64_t graph_shown_total(const struct graph *g);

/* kept_by_cum marks nodes whose |cum| reaches cutoff; returns how many. */
size_t graph_keep_by_cum(const struct graph *g, int64_t cutoff, bool *kept);

/* Removes edges lighter than cutoff from the graph's nodes; returns how many. */
int graph_trim_edges(struct graph *g, int64_t cutoff);

/* The graph's in/out edges of node n in pprof's edge order (heaviest first). */
size_t graph_sorted_edges(struct graph *g, uint32_t n, bool in, uint32_t **out);

/* Removes residual edges whose destination is reachable another way. */
void graph_remove_redundant_edges(struct graph *g);

#endif
