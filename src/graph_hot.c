/*
 * graph_hot: a profile's samples reduced to a few hot nodes (graph_int.h).
 * Each sample's frames, root first, become its hot nodes in order, each
 * with whether it is its location's outermost frame, and one gap for
 * each run of other frames between them; samples whose reductions are
 * equal become one stack with their values summed per column. A build
 * that keeps only hot nodes finds the same edges, residual and inline
 * flags in the stacks as in the frames (a dropped node only ever marks
 * the next edge residual, which a gap does too), in the same order when
 * the stacks are taken in the order of their first samples.
 *
 * On the 46 MB bench profile (2 M samples, 70 M frames), the 37 nodes
 * first ten by flat or cum reduce to 240 k stacks of 5 M entries: the
 * ten nodes' edges of top or top -cum walk those instead of the frames.
 */
#include "graph_int.h"

#include "hashtab.h"

/* One thread's stacks, in the order first met. */
struct hot_job {
	const struct graph *g;
	const bool *hot;
	size_t first, last;
	size_t n_col;
	struct hot_stacks hs;
	size_t cap_stacks, cap_elem;
	struct htab ht;
	const uint32_t *one; /* a location's entry when it has one frame, else MULTI_FRAME */
};

#define MULTI_FRAME UINT32_MAX

struct stack_probe {
	const struct hot_stacks *hs;
	const uint32_t *elem;
	size_t n;
};

static bool stack_eq(const void *ctx, uint32_t v)
{
	const struct stack_probe *pr = ctx;
	size_t off = pr->hs->off[v], n = pr->hs->off[v + 1] - off;
	return n == pr->n && !memcmp(pr->hs->elem + off, pr->elem, n * sizeof *pr->elem);
}

/* add_stack finds (or appends) the stack of elem[0..n): its index. */
static uint32_t add_stack(struct hot_job *j, const uint32_t *elem, size_t n, uint64_t h)
{
	struct hot_stacks *hs = &j->hs;
	struct stack_probe pr = { hs, elem, n };
	uint32_t found = htab_find(&j->ht, h, stack_eq, &pr);
	if (found != UINT32_MAX)
		return found;
	uint32_t id = (uint32_t)hs->n;
	if (hs->n + 2 > j->cap_stacks) {
		GROW(hs->off, j->cap_stacks, hs->n + 2);
		hs->weight = xreallocarray(hs->weight, j->cap_stacks * j->n_col + 1, sizeof *hs->weight);
		hs->first = xreallocarray(hs->first, j->cap_stacks * j->n_col + 1, sizeof *hs->first);
	}
	size_t at = hs->off[id];
	GROW(hs->elem, j->cap_elem, at + n + 1);
	mem_copy(hs->elem + at, elem, n * sizeof *elem);
	hs->off[id + 1] = at + n;
	for (size_t c = 0; c < j->n_col; c++) {
		hs->weight[(size_t)id * j->n_col + c] = 0;
		hs->first[(size_t)id * j->n_col + c] = UINT32_MAX;
	}
	hs->n++;
	htab_insert(&j->ht, h, id);
	return id;
}

static void *reduce_samples(void *arg)
{
	struct hot_job *j = arg;
	const struct graph *g = j->g;
	const struct profile *p = g->p;
	const size_t *loc_frame = g->loc_frame;
	const uint32_t *frame = g->frame_node;
	size_t cap = 64, nc = j->n_col;
	uint32_t *red = xmalloc(cap * sizeof *red);
	j->cap_stacks = 1024;
	j->hs.off = xmalloc(j->cap_stacks * sizeof *j->hs.off);
	j->hs.off[0] = 0;
	j->hs.weight = xmalloc((j->cap_stacks * nc + 1) * sizeof *j->hs.weight);
	j->hs.first = xmalloc((j->cap_stacks * nc + 1) * sizeof *j->hs.first);
	htab_init(&j->ht, 1024);
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &p->sample[s];
		size_t n = 0;
		for (uint32_t i = sm->n_loc; i-- > 0;) {
			uint32_t loc = sm->loc[i], one = j->one[loc];
			if (one != MULTI_FRAME) {
				if (one == HOT_GAP && n > 0 && red[n - 1] == HOT_GAP)
					continue;
				GROW(red, cap, n + 1);
				red[n++] = one;
				continue;
			}
			size_t f0 = loc_frame[loc], f1 = loc_frame[loc + 1];
			for (size_t f = f1; f-- > f0;) {
				uint32_t node = frame[f];
				uint32_t e = j->hot[node] ? node | (f == f1 - 1 ? HOT_OUTER : 0) : HOT_GAP;
				if (e == HOT_GAP && n > 0 && red[n - 1] == HOT_GAP)
					continue;
				GROW(red, cap, n + 1);
				red[n++] = e;
			}
		}
		uint32_t id = add_stack(j, red, n, hash_u32s(red, n, HASH_SEED));
		for (size_t c = 0; c < nc; c++) {
			int64_t v = sm->value[c];
			j->hs.weight[(size_t)id * nc + c] += v;
			uint32_t *first = &j->hs.first[(size_t)id * nc + c];
			if (v != 0 && *first == UINT32_MAX)
				*first = (uint32_t)s;
		}
	}
	free(red);
	return NULL;
}

struct hot_stacks *graph_hot_stacks(const struct graph *g, const bool *hot, size_t n_col)
{
	const struct profile *p = g->p;
	size_t njobs = walkers(p);
	/* one lookup for the entry of most locations: the first top on the 46 MB bench profile, 1.65 s to 1.50 s */
	uint32_t *one = xmalloc((p->n_location + 1) * sizeof *one);
	for (size_t l = 0; l < p->n_location; l++) {
		uint32_t node = g->frame_node[g->loc_frame[l]];
		one[l] = g->loc_frame[l + 1] - g->loc_frame[l] != 1 ? MULTI_FRAME
			 : hot[node]					  ? node | HOT_OUTER
									  : HOT_GAP;
	}
	struct hot_job jobs[2];
	for (size_t k = 0; k < njobs; k++)
		jobs[k] = (struct hot_job){ g, hot, p->n_sample * k / njobs, p->n_sample * (k + 1) / njobs, n_col,
					    { 0 }, 0, 0, { 0 }, one };
	run_pair(reduce_samples, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	struct hot_job *j = &jobs[0];
	/* the second half's stacks after the first's: the order one walk would have met them in */
	for (size_t k = 1; k < njobs; k++) {
		const struct hot_stacks *from = &jobs[k].hs;
		for (size_t i = 0; i < from->n; i++) {
			const uint32_t *elem = from->elem + from->off[i];
			size_t n = from->off[i + 1] - from->off[i];
			uint32_t id = add_stack(j, elem, n, hash_u32s(elem, n, HASH_SEED));
			for (size_t c = 0; c < n_col; c++) {
				j->hs.weight[(size_t)id * n_col + c] += from->weight[i * n_col + c];
				uint32_t *first = &j->hs.first[(size_t)id * n_col + c];
				if (*first == UINT32_MAX)
					*first = from->first[i * n_col + c];
			}
		}
		graph_hot_free_stacks(&jobs[k].hs);
		htab_free(&jobs[k].ht);
	}
	htab_free(&j->ht);
	free(one);
	struct hot_stacks *hs = xmalloc(sizeof *hs);
	*hs = j->hs;
	hs->n_col = n_col;
	hs->hot = xmalloc((g->n_node + 1) * sizeof *hs->hot);
	mem_copy(hs->hot, hot, g->n_node * sizeof *hs->hot);
	return hs;
}

void graph_hot_free_stacks(struct hot_stacks *hs)
{
	free(hs->off);
	free(hs->elem);
	free(hs->weight);
	free(hs->first);
	free(hs->hot);
}

bool graph_hot_covers(const struct hot_stacks *hs, const bool *kept, size_t n_node)
{
	for (size_t i = 0; i < n_node; i++)
		if (kept[i] && !hs->hot[i])
			return false;
	return true;
}

void graph_hot_source_free(struct hot_source *src)
{
	if (src->hot)
		graph_hot_free_stacks(src->hot);
	free(src->hot);
	src->hot = NULL;
}

/*
 * A rebuild keeping at most HOT_KEPT nodes walks hot stacks, made of the
 * kept nodes and the first HOT_FIRST by flat and by cum (so that top and
 * top -cum, and top of another sample_index whose order is much the
 * same, find their nodes among them). More hot nodes make more distinct
 * stacks: on the 46 MB bench profile, 37 nodes 240 k stacks of 5 M
 * entries, 68 nodes 900 k stacks of 25 M.
 */
enum { HOT_KEPT = 24, HOT_FIRST = 16 };

struct ranked {
	int64_t v;
	uint32_t node;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/* mark_first marks the first HOT_FIRST nodes of g by |flat| (or |cum|) in hot. */
static void mark_first(const struct graph *g, bool cum, bool *hot)
{
	struct ranked *r = xmalloc((g->n + 1) * sizeof *r);
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		r[i] = (struct ranked){ abs64(cum ? n->cum : n->flat), g->list[i] };
	}
	qsort(r, g->n, sizeof *r, cmp_ranked);
	for (size_t i = 0; i < g->n && i < HOT_FIRST; i++)
		hot[r[i].node] = true;
	free(r);
}

const struct hot_stacks *graph_hot_for(const struct graph *g, const bool *kept)
{
	struct hot_source *e = g->from;
	if (!e || g->n_node >= HOT_GAP || g->p->n_sample >= UINT32_MAX)
		return NULL;
	if (e->hot && graph_hot_covers(e->hot, kept, g->n_node)) {
		e->walked++;
		return e->hot;
	}
	size_t n = 0;
	for (size_t i = 0; i < g->n_node; i++)
		n += kept[i];
	if (n > HOT_KEPT)
		return NULL;
	bool *hot = xmalloc((g->n_node + 1) * sizeof *hot);
	mem_copy(hot, kept, g->n_node * sizeof *hot);
	mark_first(g, false, hot);
	mark_first(g, true, hot);
	graph_hot_source_free(e);
	e->hot = graph_hot_stacks(e->nodes, hot, e->n_col);
	free(hot);
	e->made++;
	e->walked++;
	return e->hot;
}
