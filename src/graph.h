/*
 * graph: a profile summarized as nodes (one per distinct program location
 * at the chosen granularity) and weighted caller→callee edges, built as
 * pprof's graph package builds it.
 *
 * graph_new interns every location line of the profile as a node and then
 * builds the graph from the samples; graph_build rebuilds it keeping only
 * some nodes (pprof rebuilds from samples on each trimming step, since the
 * graph alone cannot tell which edges become residual). graph_tree_new
 * builds pprof's call tree instead (-call_tree): one node per distinct
 * call path, trimmed in place by graph_trim_tree. The graph borrows the
 * profile, which must outlive it; graph_free releases everything else.
 *
 * With o.tags the graph also collects pprof's node tags (the nodelets of a
 * dot graph): per node, one tag per distinct set of string labels and one
 * per numeric "bytes" label value. Only graph outputs need them; they are
 * collected for the nodes that are looked at: by the first build that
 * keeps few nodes (in the same walk), or else lazily (graph_top_count,
 * graph_ensure_tags), since that costs a walk over every labelled sample.
 */
#ifndef CPROF_GRAPH_H
#define CPROF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"
#include "profile.h"
#include "util.h"

struct graph_options {
	int value_index;
	int mean_index;    /* sample value dividing value_index for -mean, or -1 */
	bool obj_names;    /* keep binary names on every node (raw, list, callgrind) */
	bool drop_negative;
	const char *trim_path;   /* pprof's trim_path / source_path rewriting of file names; */
	const char *source_path; /* NULL trim_path: file names are only cleaned */
	bool tags;               /* collect tags (see above) */
	const char *bytes_unit;  /* the unit of the "bytes" numeric label */
	const char *tag_unit;    /* the unit numeric tag names are shown in ("minimum", "kb", ...) */
	/*
	 * NULL, or a listing's regexp: only the frames of functions whose name
	 * it matches are nodes (the others NO_INDEX), each with the values and
	 * in the order it has among all nodes; graph_build_values only.
	 */
	const struct regex *only;
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
	/*
	 * With graph->inline_bounds: the sum of |value| of the samples in
	 * which the node is a frame inlined into another. An inline edge into
	 * the node (made only of such frames, whichever nodes are kept) weighs
	 * no more, so under an edge cutoff it has none.
	 */
	int64_t inlined;
	/* with graph->inline_known, what graph_inline_in found of the edges into it (INLINE_IN_*) */
	uint8_t inline_in;
	uint32_t *in, *out; /* edge indices */
	uint32_t n_in, n_out, cap_in, cap_out;
	char *printable;    /* cached printable name */
	char *sortkey;      /* cached fmt.Sprint(info) for last-resort ordering */
};

/* gnode's inline_in: a surviving edge into the node is inline; one is not */
enum { INLINE_IN_ALL = 1, INLINE_IN_NOT = 2 };

struct gedge {
	uint32_t src, dest;
	int64_t weight, weight_div;
	bool residual;
	bool inline_;
	bool removed;
};

/*
 * A tag of one node: a string label set (name == NO_INDEX; the set's
 * labels "key:value", sorted, joined by a literal backslash-n) or a
 * numeric label value (name: its formatted value) within a label set.
 */
struct gtag {
	uint32_t node;
	uint32_t set;  /* index into label_set; 0 is "" (no string labels) */
	uint32_t name; /* index into tag_name, or NO_INDEX */
	int64_t value;
	int64_t flat, flat_div, cum, cum_div;
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

	struct graph *base; /* a call tree's nodes by location line, which it borrows names from */
	struct hot_source *from; /* the hot stacks of the graph cache entry it was copied from; NULL */
	/*
	 * NULL, or where the graph cache entry it was copied from keeps its
	 * nodes' rank in pprof's order by name (graph_sort makes it once, for
	 * a long sort): the same for every copy.
	 */
	uint32_t **name_rank;

	/* tags, with o.tags: each node's are node_tags[node_tag_off[n] .. node_tag_off[n+1]) */
	struct gtag *tag;
	size_t n_tag;
	uint32_t *node_tag_off, *node_tags;
	int64_t tag_cutoff; /* tags lighter than this in both flat and cum are trimmed */
	bool *tagged;       /* the nodes whose tags are collected */
	bool valued;        /* every node's values are summed (a build kept them all) */
	bool inline_bounds; /* every node's inlined is set */
	bool inline_known;  /* the listed nodes' inline_in is set (graph_inline_in), though there are no edges */
	struct strset label_set, tag_name;
	uint32_t *sample_set;      /* each sample's label set */
	size_t *sample_num_off;    /* each sample's numeric tags: sample_num[off[s] .. off[s+1]) */
	struct sample_num { uint32_t name; int64_t value; } *sample_num;
};

struct graph *graph_new(const struct profile *p, const struct graph_options *o);
/* graph_nodes interns the nodes without building the graph (no values, no edges). */
struct graph *graph_nodes(const struct profile *p, const struct graph_options *o);
void graph_free(struct graph *g);

/* graph_build rebuilds values and edges from the samples, keeping only nodes with kept[i] (NULL: all). */
void graph_build(struct graph *g, const bool *kept);
/*
 * graph_build_around is graph_build(g, NULL) making only the edges from
 * or to the nodes with around[i] (peek shows no others): the walk skips
 * the edge table for every other frame.
 */
void graph_build_around(struct graph *g, const bool *around);
/*
 * graph_keep lists only the nodes with kept[i], dropping every edge: a
 * graph whose nodes are only counted and ordered before a later build
 * of fewer of them needs no edges.
 */
void graph_keep(struct graph *g, const bool *kept);
/*
 * graph_inline_in finds, for each listed node, whether the edges into it
 * that graph_build(g, kept) would make and edge_cutoff would not trim
 * include an inline one and one not inline (gnode's inline_in, all the
 * text reports read of edges), without making edges; false (and nothing
 * set) when that would take more memory than a build.
 */
bool graph_inline_in(struct graph *g, const bool *kept, int64_t edge_cutoff);
/*
 * graph_build_values sums the nodes' values over all samples but makes no
 * edges: enough to find the nodes a cutoff drops before a rebuild.
 */
void graph_build_values(struct graph *g);
/*
 * graph_build_flat sums only the nodes' flat values (each sample's leaf
 * frame), leaving cum 0, for a graph just made by graph_nodes: a walk of
 * the samples rather than of their frames. It lists the nodes with a
 * flat value.
 */
void graph_build_flat(struct graph *g);

/*
 * A graph cache keeps, for one profile, what graph_nodes and
 * graph_build_values find: the nodes (per obj_names, trim_path and
 * source_path, which make them) and their values for every sample value
 * column, summed in one walk. A shell session asks for the same profile's
 * graph command after command, with another sort, node count or
 * sample_index; each then costs a copy, not a walk of every frame. The
 * cache borrows the profile, which must outlive it. Not for concurrent use.
 *
 * graph_cache_values is graph_nodes(p, o) then graph_build_values, made
 * from the cache (filled on first use); the caller frees the graph, which
 * borrows from the cache: free it first.
 */
struct graph_cache;
struct graph_cache *graph_cache_new(const struct profile *p);
struct graph *graph_cache_values(struct graph_cache *c, const struct graph_options *o);
void graph_cache_free(struct graph_cache *c);
/*
 * What a cache did so far: valued nodes made (a walk of the samples) and
 * copied out; hot stacks made (a walk) and walked instead of the samples.
 */
struct graph_cache_stats {
	size_t values_made, values_copied, hot_made, hot_walked;
};
struct graph_cache_stats graph_cache_stats(const struct graph_cache *c);

/* graph_tree_new builds pprof's call tree: a node per call path, in the order first reached. */
struct graph *graph_tree_new(const struct profile *p, const struct graph_options *o);
/*
 * graph_trim_tree keeps only the tree's listed nodes with kept[i]; the
 * children of a dropped node hang from its parent by residual edges (or
 * become roots), then redundant edges go, as pprof's TrimTree does.
 */
void graph_trim_tree(struct graph *g, const bool *kept);

/*
 * graph_top_count is how many of the first listed nodes pprof keeps for a
 * node count of max; visual outputs count each node's tags (up to 4) as
 * nodes too.
 */
size_t graph_top_count(struct graph *g, size_t max, bool visual);

/* graph_ensure_tags collects the tags of every listed node (with o.tags), if not done yet. */
void graph_ensure_tags(struct graph *g);

static inline bool tag_kept(const struct graph *g, const struct gtag *t)
{
	int64_t f = t->flat < 0 ? -t->flat : t->flat, c = t->cum < 0 ? -t->cum : t->cum;
	return f >= g->tag_cutoff || c >= g->tag_cutoff;
}

static inline int64_t tag_flat(const struct gtag *t)
{
	return t->flat_div == 0 ? t->flat : t->flat / t->flat_div;
}

static inline int64_t tag_cum(const struct gtag *t)
{
	return t->cum_div == 0 ? t->cum : t->cum / t->cum_div;
}

/* The tag's name: its label set, or its numeric value as formatted. */
static inline const char *tag_name(const struct graph *g, const struct gtag *t)
{
	return t->name == NO_INDEX ? g->label_set.s[t->set] : g->tag_name.s[t->name];
}

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

/* The out-edges of the listed nodes, heaviest first (pprof's EdgeMap.Sort over the whole graph). */
size_t graph_all_edges(struct graph *g, uint32_t **out);
/* Sorts edge indices as pprof's EdgeMap.Sort does. */
void graph_sort_edge_list(struct graph *g, uint32_t *edges, size_t n);

#endif
