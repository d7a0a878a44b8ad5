/*
 * graph_stack: samples as stacks of frames, root first, as flame graphs
 * and folded stacks show them. A frame is one line of a location at the
 * graph's granularity (inlined lines expanded, as -traces prints them),
 * named by a node of graph_nodes(p, o); o->value_index and o->mean_index
 * select each sample's value (as -traces shows it).
 *
 * Two shapes of the same thing:
 * - a stack set: every distinct stack once, with the sum of its samples'
 *   values, in the order first met (what -folded prints);
 * - a stack tree: the stacks merged from the root into a tree of frames,
 *   each with a self value (the samples ending there) and a total (every
 *   sample passing through). A tree keeps only the frames whose weight
 *   (the sum of their samples' absolute values) reaches a share of the
 *   root's: the
 *   rest stay in their parent's total, as the remainder a flame graph
 *   leaves blank. So a tree costs what is drawn, not what was sampled.
 *
 * For a comparison a tree also holds each frame's base share, as a
 * positive number: the base's samples are those labelled pprof::base (as
 * -diff_base loads them). The new profile's value is total + base.total.
 *
 * Both borrow the profile; their free functions release the rest. Neither
 * recurses: stacks of any depth cost a loop.
 */
#ifndef CPROF_GRAPH_STACK_H
#define CPROF_GRAPH_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "profile.h"

/* A frame's key: its node, and whether it is an inlined call. */
#define STACK_INLINED 0x80000000u
#define STACK_NODE(key) ((key) & ~STACK_INLINED)

/* ---- the stack set ---- */

struct stack_set {
	struct graph *g;
	uint32_t *canon;  /* per location: the first location with the same frames (NO_INDEX: none) */
	uint32_t *sample; /* a sample of each distinct stack, in the order first met */
	int64_t *value;   /* the sum of the stack's samples' values */
	size_t n;
};

struct stack_set *stack_set_new(const struct profile *p, const struct graph_options *o);
void stack_set_free(struct stack_set *s);

/* stack_frames writes the keys of sample s's frames, root first, into keys (grown as needed); returns how many. */
size_t stack_frames(const struct graph *g, const struct sample *sm, uint32_t **keys, size_t *cap);

/* ---- the stack tree ---- */

struct stack_frame {
	uint32_t key;     /* node | STACK_INLINED; the root's is NO_INDEX */
	uint32_t parent;  /* the root's is NO_INDEX */
	uint32_t child;   /* first child, or NO_INDEX; children in order of name */
	uint32_t sibling; /* next child of the parent, or NO_INDEX */
	int64_t self, total;
};

struct stack_base {
	int64_t self, total; /* the base profile's share, positive */
};

struct stack_tree {
	struct graph *g;           /* its own, unless borrows_graph (a pivot's callers tree) */
	bool borrows_graph;
	struct stack_frame *frame; /* frame[0] is the root; a parent comes before its children */
	struct stack_base *base;   /* per frame, or NULL without diff */
	size_t n;
};

/*
 * stack_tree_new merges p's samples into a tree of the frames weighing at
 * least min_share of the root's weight (0: every frame). With diff,
 * samples labelled pprof::base count in the base shares too.
 */
struct stack_tree *stack_tree_new(const struct profile *p, const struct graph_options *o, bool diff,
				  double min_share);
/*
 * stack_tree_pivot makes the two trees seen from the frames whose node's
 * name or file pivot matches (pprof's flame view pivoted on a regexp):
 * in both, each stack's outermost frame of each matched node is a child
 * of the root; below it, its callees in *callees, its callers (the caller
 * first) in *callers. A stack counts once per matched node it holds;
 * unless that makes more than two places per stack on average: then each
 * stack counts once, from its outermost match, and the result is true.
 * The callers' tree borrows the callees' graph, which goes with the
 * callees'.
 */
struct regex;
bool stack_tree_pivot(const struct profile *p, const struct graph_options *o, bool diff, double min_share,
		      const struct regex *pivot, struct stack_tree **callees, struct stack_tree **callers);
void stack_tree_free(struct stack_tree *t);

static inline const char *stack_frame_name(const struct stack_tree *t, uint32_t f)
{
	return graph_printable(t->g, STACK_NODE(t->frame[f].key));
}

#endif
