/*
 * graph_inline: what a text report reads of a graph's edges, without
 * building them (graph.h, graph_inline_in). -top prints a node's name
 * with " (inline)" when an edge into it that survives the edge cutoff is
 * inline (every frame it came from was inlined into its caller's), and
 * " (partial-inline)" when another surviving one is not. So only edges
 * into nodes that are sometimes inlined matter, and of those only the
 * ones that can reach the cutoff (gnode's inlined bounds their weight);
 * and only the samples holding such a node add to its edges. The walk
 * finds exactly those edges, as graph_build would (the nearest kept node
 * toward the root is the caller; one contribution per pair per sample,
 * the first frame deciding whether it is inline).
 *
 * On the 46 MB bench profile, the shell's top (ten nodes, one of them
 * inlined: 4% of the samples hold it) walks a tenth of its samples'
 * frames and skips the others in a pass over their location ids.
 */
#include "graph_int.h"

/* An edge from a kept node into a candidate: its weight and how it was met. */
struct in_cell {
	int64_t weight;
	uint32_t stamp; /* the last sample that added to it */
	bool seen, outer; /* outer: a contribution came from a frame not inlined */
};

/* One walker's share of the samples. */
struct inline_job {
	const struct graph *g;
	const uint32_t *kid, *cid; /* dense index of each kept node, of each candidate; NO_INDEX */
	const uint32_t *node_of;   /* the node of each kid */
	/*
	 * [location]: the kid of its node when it has one frame (NOT_KEPT: not
	 * kept), else MANY_FRAMES; | HOLDS when it has a candidate's frame
	 */
	const uint32_t *at;
	size_t n_kept;
	size_t first, last;
	struct in_cell *cell; /* [cid * n_kept + kid of the caller] */
};

#define HOLDS 0x80000000u
#define MANY_FRAMES 0x7ffffffeu
#define NOT_KEPT 0x7fffffffu

/* frame_in adds a kept node's frame to the sample's walk: kid k, node n (for cid), outer or inlined. */
static inline void frame_in(struct inline_job *j, uint32_t k, uint32_t n, bool outer, uint32_t *parent,
			    uint32_t stamp, int64_t w)
{
	uint32_t c = j->cid[n];
	if (c != NO_INDEX && *parent != NO_INDEX && *parent != k) {
		struct in_cell *cell = &j->cell[(size_t)c * j->n_kept + *parent];
		if (cell->stamp != stamp) {
			cell->stamp = stamp;
			cell->weight += w;
			cell->seen = true;
			cell->outer |= outer;
		}
	}
	*parent = k;
}

static void *walk_inline(void *arg)
{
	struct inline_job *j = arg;
	const struct graph *g = j->g;
	const struct sample *sample = g->p->sample;
	const size_t *loc_frame = g->loc_frame;
	const uint32_t *frame = g->frame_node, *kid = j->kid, *at = j->at, *node_of = j->node_of;
	uint32_t stamp = 0;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &sample[s];
		int64_t w, dw;
		if (!graph_weights(g, sm, &w, &dw))
			continue;
		/* the leafmost location holding a candidate: no frame past it adds an edge into one */
		uint32_t leafmost = 0;
		while (leafmost < sm->n_loc && !(at[sm->loc[leafmost]] & HOLDS))
			leafmost++;
		if (leafmost == sm->n_loc)
			continue;
		stamp++;
		uint32_t parent = NO_INDEX; /* as a kid */
		for (uint32_t i = sm->n_loc; i-- > leafmost;) {
			uint32_t loc = sm->loc[i], a = at[loc] & ~HOLDS;
			if (a == NOT_KEPT)
				continue; /* one frame, not kept: the edge goes over it */
			if (a != MANY_FRAMES) {
				frame_in(j, a, node_of[a], true, &parent, stamp, w);
				continue;
			}
			size_t f0 = loc_frame[loc], f1 = loc_frame[loc + 1];
			for (size_t f = f1; f-- > f0;) {
				uint32_t n = frame[f];
				if (n != NO_INDEX && kid[n] != NO_INDEX)
					frame_in(j, kid[n], n, f == f1 - 1, &parent, stamp, w);
			}
		}
	}
	return NULL;
}

/* At most this many (candidate, caller) cells: beyond, graph_inline_in declines. */
enum { INLINE_CELLS = 1 << 20 };

bool graph_inline_in(struct graph *g, const bool *kept, int64_t edge_cutoff)
{
	const struct profile *p = g->p;
	uint32_t *kid = xmalloc((g->n_node + 1) * sizeof *kid), *cid = xmalloc((g->n_node + 1) * sizeof *cid);
	uint32_t *node_of = xmalloc((g->n_node + 1) * sizeof *node_of);
	memset(cid, 0xff, (g->n_node + 1) * sizeof *cid);
	/* the callers a build keeps: the kept nodes, or every node (listed or not: zero, negative) */
	size_t n_kept = 0;
	for (size_t id = 0; id < g->n_node; id++) {
		kid[id] = !kept || kept[id] ? (uint32_t)n_kept : NO_INDEX;
		if (kid[id] != NO_INDEX)
			node_of[n_kept++] = (uint32_t)id;
	}
	size_t n_cand = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		g->node[id].inline_in = 0;
		/* an inline edge weighs at most inlined: under the cutoff it would be trimmed */
		if (!g->inline_bounds || g->node[id].inlined >= edge_cutoff || edge_cutoff <= 0)
			cid[id] = (uint32_t)n_cand++;
	}
	bool done = n_cand * n_kept <= INLINE_CELLS;
	if (n_cand > 0 && done) {
		uint32_t *at = xmalloc((p->n_location + 1) * sizeof *at);
		for (size_t l = 0; l < p->n_location; l++) {
			size_t f0 = g->loc_frame[l], f1 = g->loc_frame[l + 1];
			uint32_t holds = 0;
			for (size_t f = f0; f < f1; f++)
				if (g->frame_node[f] != NO_INDEX && cid[g->frame_node[f]] != NO_INDEX)
					holds = HOLDS;
			uint32_t n = f1 - f0 == 1 ? g->frame_node[f0] : NO_INDEX;
			at[l] = holds | (f1 - f0 != 1			      ? MANY_FRAMES
					 : n == NO_INDEX || kid[n] == NO_INDEX ? NOT_KEPT
									       : kid[n]);
		}
		size_t njobs = walkers(p);
		struct inline_job jobs[2];
		for (size_t k = 0; k < njobs; k++)
			jobs[k] = (struct inline_job){ g, kid, cid, node_of, at, n_kept, p->n_sample * k / njobs,
						       p->n_sample * (k + 1) / njobs,
						       xcalloc(n_cand * n_kept + 1, sizeof(struct in_cell)) };
		run_pair(walk_inline, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
		for (size_t i = 0; i < g->n; i++) {
			uint32_t id = g->list[i];
			if (cid[id] == NO_INDEX)
				continue;
			for (size_t from = 0; from < n_kept; from++) {
				int64_t weight = 0;
				bool seen = false, outer = false;
				for (size_t k = 0; k < njobs; k++) {
					const struct in_cell *c = &jobs[k].cell[(size_t)cid[id] * n_kept + from];
					weight += c->weight;
					seen |= c->seen;
					outer |= c->outer;
				}
				if (seen && abs64(weight) >= edge_cutoff)
					g->node[id].inline_in |= outer ? INLINE_IN_NOT : INLINE_IN_ALL;
			}
		}
		for (size_t k = 0; k < njobs; k++)
			free(jobs[k].cell);
		free(at);
	}
	g->inline_known = done;
	free(kid);
	free(cid);
	free(node_of);
	return done;
}
