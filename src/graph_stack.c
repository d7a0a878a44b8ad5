/*
 * graph_stack: stack sets and stack trees (see graph_stack.h).
 *
 * A stack set hashes each sample's frame keys and keeps the first sample
 * of each distinct stack: one pass, a table as large as the stacks.
 *
 * A stack tree is grown a level at a time from the root: every sample
 * still in the tree steps one frame down, the children it reaches are
 * found in a table of that level only, and the children too light to keep
 * take their samples out of the levels below. The bench profile `large`
 * (2 M samples, 70 M frames) has 25 M distinct frames, which took 16 s to
 * build whole; a flame graph keeps about 10,000 of them.
 */
#include "graph_stack.h"

#include <stdlib.h>
#include <string.h>

static int64_t sample_value(const struct sample *sm, const struct graph_options *o)
{
	int64_t v = sm->value[o->value_index];
	if (o->mean_index >= 0) {
		int64_t d = sm->value[o->mean_index];
		if (d != 0)
			v /= d;
	}
	return v;
}

static uint64_t mix(uint64_t h)
{
	/* splitmix64's finalizer: every input bit reaches the low bits */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

size_t stack_frames(const struct graph *g, const struct sample *sm, uint32_t **keys, size_t *cap)
{
	size_t n = 0;
	for (uint32_t i = sm->n_loc; i-- > 0;) {
		uint32_t loc = sm->loc[i];
		size_t f0 = g->loc_frame[loc], nf = g->loc_frame[loc + 1] - f0;
		GROW(*keys, *cap, n + nf);
		/* a location's lines are innermost first: the last is the caller */
		for (size_t k = nf; k-- > 0;)
			(*keys)[n++] = g->frame_node[f0 + k] | (k != nf - 1 ? STACK_INLINED : 0);
	}
	return n;
}

/* ---- the stack set ---- */

/*
 * A stack's frames are its locations' frames, and a location's frames
 * begin with its one frame that is not inlined: so two stacks have the
 * same frames exactly when their locations have, one by one. Locations
 * are therefore first named by a canonical one with the same frames
 * (usually themselves), then stacks told apart by those names, which
 * costs a lookup per location instead of two per frame.
 */
static uint32_t *canonical_locations(const struct profile *p, const struct graph *g)
{
	uint32_t *canon = xcalloc(p->n_location + 1, sizeof *canon);
	size_t mask = 1023;
	while (mask < p->n_location * 2)
		mask = mask * 2 + 1;
	uint32_t *slot = xcalloc(mask + 1, sizeof *slot); /* location + 1; 0 empty */
	for (uint32_t l = 0; l < p->n_location; l++) {
		size_t f0 = g->loc_frame[l], nf = g->loc_frame[l + 1] - f0;
		if (nf == 0) {
			canon[l] = NO_INDEX;
			continue;
		}
		const uint32_t *frames = g->frame_node + f0;
		size_t i = mix(hash_u32s(frames, nf, HASH_SEED) ^ nf) & mask;
		for (; slot[i]; i = (i + 1) & mask) {
			uint32_t o = slot[i] - 1;
			size_t o0 = g->loc_frame[o];
			if (g->loc_frame[o + 1] - o0 == nf && !memcmp(g->frame_node + o0, frames, nf * sizeof *frames))
				break;
		}
		if (!slot[i])
			slot[i] = l + 1;
		canon[l] = slot[i] - 1;
	}
	free(slot);
	return canon;
}

/* One half of the samples' stack hashes, for stack_set_new (0: an empty stack). */
struct hash_job {
	const struct profile *p;
	const uint32_t *canon;
	size_t first, last;
	uint64_t *hash;
};

static void *hash_stacks(void *arg)
{
	struct hash_job *j = arg;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &j->p->sample[s];
		uint64_t h = HASH_SEED;
		size_t n = 0;
		for (uint32_t i = 0; i < sm->n_loc; i++) {
			uint32_t c = j->canon[sm->loc[i]];
			if (c != NO_INDEX) {
				h = (h ^ c) * 0x100000001b3ULL;
				n++;
			}
		}
		j->hash[s] = n ? mix(h ^ n) | 1 : 0;
	}
	return NULL;
}

static bool same_stack(const uint32_t *canon, const struct sample *a, const struct sample *b)
{
	uint32_t i = 0, k = 0;
	for (;;) {
		while (i < a->n_loc && canon[a->loc[i]] == NO_INDEX)
			i++;
		while (k < b->n_loc && canon[b->loc[k]] == NO_INDEX)
			k++;
		if (i == a->n_loc || k == b->n_loc)
			return i == a->n_loc && k == b->n_loc;
		if (canon[a->loc[i++]] != canon[b->loc[k++]])
			return false;
	}
}

/*
 * The stacks are hashed on two threads, then told apart by hash in one
 * table that holds the hash beside the stack's index, so a lookup costs
 * one cache miss; equal hashes are compared location by location.
 */
struct stack_set *stack_set_new(const struct profile *p, const struct graph_options *o)
{
	struct stack_set *set = xcalloc(1, sizeof *set);
	set->g = graph_nodes(p, o);
	set->canon = canonical_locations(p, set->g);
	uint64_t *hash = xcalloc(p->n_sample + 1, sizeof *hash);
	struct hash_job jobs[2] = { { p, set->canon, 0, p->n_sample / 2, hash },
				    { p, set->canon, p->n_sample / 2, p->n_sample, hash } };
	bool two = p->n_sample >= 10000;
	run_pair(hash_stacks, &jobs[0], two ? &jobs[1] : NULL);
	if (!two)
		hash_stacks(&jobs[1]);

	struct slot {
		uint64_t hash; /* 0: empty */
		uint32_t stack;
	} *slot;
	size_t mask = 1023, cap = 0;
	slot = xcalloc(mask + 1, sizeof *slot);
	for (size_t s = 0; s < p->n_sample; s++) {
		uint64_t h = hash[s];
		if (!h)
			continue;
		const struct sample *sm = &p->sample[s];
		int64_t v = sample_value(sm, o);
		size_t i = h & mask;
		for (; slot[i].hash; i = (i + 1) & mask)
			if (slot[i].hash == h && same_stack(set->canon, sm, &p->sample[set->sample[slot[i].stack]]))
				break;
		if (slot[i].hash) {
			set->value[slot[i].stack] += v;
			continue;
		}
		size_t c = cap;
		GROW(set->sample, c, set->n + 1);
		GROW(set->value, cap, set->n + 1);
		set->sample[set->n] = (uint32_t)s;
		set->value[set->n] = v;
		slot[i] = (struct slot){ h, (uint32_t)set->n++ };
		if (set->n * 2 > mask) {
			size_t nmask = mask * 2 + 1;
			struct slot *ns = xcalloc(nmask + 1, sizeof *ns);
			for (size_t k = 0; k <= mask; k++)
				if (slot[k].hash) {
					size_t x = slot[k].hash & nmask;
					while (ns[x].hash)
						x = (x + 1) & nmask;
					ns[x] = slot[k];
				}
			free(slot);
			slot = ns;
			mask = nmask;
		}
	}
	free(slot);
	free(hash);
	return set;
}

void stack_set_free(struct stack_set *set)
{
	if (!set)
		return;
	graph_free(set->g);
	free(set->canon);
	free(set->sample);
	free(set->value);
	free(set);
}

/* ---- the stack tree ---- */

/*
 * A sample still in the tree: its next frame is line k (from the
 * outermost) of location loc[left - 1], the stack being walked from its
 * end (the root) to its start (the leaf).
 */
struct walker {
	const uint32_t *loc;
	uint32_t left, k;
	uint32_t sample;
	uint32_t frame; /* the frame reached so far; during a level, the child candidate */
};

/* A child met on the current level, kept if it weighs enough. */
struct candidate {
	uint32_t parent, key;
	int64_t total, weight, self, base_total, base_self;
};

struct grower {
	const struct profile *p;
	const struct graph *g;
	struct stack_tree *t;
	size_t t_cap, base_cap;
	bool diff;
	int64_t *value;  /* per sample */
	bool *is_base;   /* per sample, with diff */
	struct walker *w;
	size_t n_w;
	struct candidate *cand;
	size_t n_cand, cand_cap;
	uint32_t *slot; /* candidates + 1 by (parent, key); 0 empty */
	size_t mask;
};

/* settle moves w to its next frame, past locations without lines; false at the stack's end. */
static bool settle(const struct grower *gr, struct walker *w)
{
	while (w->left > 0) {
		uint32_t loc = w->loc[w->left - 1];
		if (w->k < gr->g->loc_frame[loc + 1] - gr->g->loc_frame[loc])
			return true;
		w->left--;
		w->k = 0;
	}
	return false;
}

static uint32_t key_at(const struct grower *gr, const struct walker *w)
{
	uint32_t loc = w->loc[w->left - 1];
	size_t f0 = gr->g->loc_frame[loc], nf = gr->g->loc_frame[loc + 1] - f0;
	/* k counts from the outermost line, the last of the location's */
	size_t line = nf - 1 - w->k;
	return gr->g->frame_node[f0 + line] | (line != nf - 1 ? STACK_INLINED : 0);
}

static uint32_t candidate(struct grower *gr, uint32_t parent, uint32_t key)
{
	size_t i = mix((uint64_t)parent << 32 | key) & gr->mask;
	for (; gr->slot[i]; i = (i + 1) & gr->mask) {
		const struct candidate *c = &gr->cand[gr->slot[i] - 1];
		if (c->key == key && c->parent == parent)
			return gr->slot[i] - 1;
	}
	GROW(gr->cand, gr->cand_cap, gr->n_cand + 1);
	gr->cand[gr->n_cand] = (struct candidate){ parent, key, 0, 0, 0, 0, 0 };
	gr->slot[i] = (uint32_t)++gr->n_cand;
	return (uint32_t)(gr->n_cand - 1);
}

static uint32_t add_frame(struct grower *gr, const struct candidate *c)
{
	struct stack_tree *t = gr->t;
	GROW(t->frame, gr->t_cap, t->n + 1);
	if (gr->diff)
		GROW(t->base, gr->base_cap, t->n + 1);
	t->frame[t->n] = (struct stack_frame){ c->key, c->parent, NO_INDEX, NO_INDEX, c->self, c->total };
	if (gr->diff)
		t->base[t->n] = (struct stack_base){ c->base_self, c->base_total };
	return (uint32_t)t->n++;
}

/* grow_level steps every walker one frame down and keeps the children weighing at least min. */
static void grow_level(struct grower *gr, int64_t min)
{
	size_t size = 1024;
	while (size < gr->n_w * 2)
		size *= 2;
	if (size - 1 > gr->mask) {
		free(gr->slot);
		gr->slot = xcalloc(size, sizeof *gr->slot);
		gr->mask = size - 1;
	} else {
		memset(gr->slot, 0, (gr->mask + 1) * sizeof *gr->slot);
	}
	gr->n_cand = 0;
	for (size_t i = 0; i < gr->n_w; i++) {
		struct walker *w = &gr->w[i];
		/* the walkers' stacks are far apart in memory: ask for one a few steps ahead */
		if (i + 8 < gr->n_w)
			__builtin_prefetch(&gr->w[i + 8].loc[gr->w[i + 8].left - 1]);
		uint32_t c = candidate(gr, w->frame, key_at(gr, w));
		struct candidate *cd = &gr->cand[c];
		int64_t v = gr->value[w->sample];
		bool base = gr->is_base && gr->is_base[w->sample];
		cd->total += v;
		cd->weight += abs64(v);
		if (base)
			cd->base_total -= v;
		w->frame = c;
		w->k++;
		if (!settle(gr, w)) {
			cd->self += v;
			if (base)
				cd->base_self -= v;
			w->frame |= STACK_INLINED; /* marks the end of this walker's stack */
		}
	}
	/* the candidates kept become frames; walkers past a dropped one or at their end leave */
	uint32_t *frame_of = xcalloc(gr->n_cand + 1, sizeof *frame_of);
	for (size_t c = 0; c < gr->n_cand; c++)
		frame_of[c] = gr->cand[c].weight >= min ? add_frame(gr, &gr->cand[c]) : NO_INDEX;
	size_t kept = 0;
	for (size_t i = 0; i < gr->n_w; i++) {
		struct walker w = gr->w[i];
		if (w.frame & STACK_INLINED)
			continue;
		uint32_t f = frame_of[w.frame];
		if (f == NO_INDEX)
			continue;
		w.frame = f;
		gr->w[kept++] = w;
	}
	gr->n_w = kept;
	free(frame_of);
}

struct named {
	const char *name;
	uint32_t node;
};

static int cmp_named(const void *x, const void *y)
{
	return strcmp(((const struct named *)x)->name, ((const struct named *)y)->name);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/*
 * link_children links each frame's children in order of name (an inlined
 * frame after the outermost one of the same name): the nodes in use are
 * ranked by name once, then each parent's children sorted by rank.
 */
static void link_children(struct stack_tree *t)
{
	struct graph *g = t->g;
	uint32_t *rank = xcalloc(g->n_node + 1, sizeof *rank);
	bool *used = xcalloc(g->n_node + 1, sizeof *used);
	struct named *names = NULL;
	size_t n_names = 0, cap = 0;
	for (size_t f = 1; f < t->n; f++) {
		uint32_t node = STACK_NODE(t->frame[f].key);
		if (!used[node]) {
			used[node] = true;
			GROW(names, cap, n_names + 1);
			names[n_names++] = (struct named){ graph_printable(g, node), node };
		}
	}
	if (n_names > 1)
		qsort(names, n_names, sizeof *names, cmp_named);
	for (size_t i = 0; i < n_names; i++)
		rank[names[i].node] = (uint32_t)i;
	free(names);
	free(used);

	/* children grouped by parent (a counting sort), then each group sorted by rank */
	uint32_t *start = xcalloc(t->n + 1, sizeof *start);
	for (size_t f = 1; f < t->n; f++)
		start[t->frame[f].parent + 1]++;
	for (size_t f = 0; f < t->n; f++)
		start[f + 1] += start[f];
	uint32_t *fill = xcalloc(t->n + 1, sizeof *fill);
	uint64_t *kids = xcalloc(t->n + 1, sizeof *kids);
	for (size_t f = 1; f < t->n; f++) {
		uint32_t p = t->frame[f].parent, key = t->frame[f].key;
		kids[start[p] + fill[p]++] = (uint64_t)rank[STACK_NODE(key)] << 33 | (uint64_t)(key >> 31) << 32 | f;
	}
	for (size_t p = 0; p < t->n; p++) {
		uint64_t *k = kids + start[p];
		size_t nk = start[p + 1] - start[p];
		if (nk > 1)
			qsort(k, nk, sizeof *k, cmp_u64);
		uint32_t next = NO_INDEX;
		for (size_t i = nk; i-- > 0;) {
			t->frame[(uint32_t)k[i]].sibling = next;
			next = (uint32_t)k[i];
		}
		t->frame[p].child = next;
	}
	free(fill);
	free(start);
	free(kids);
	free(rank);
}

struct stack_tree *stack_tree_new(const struct profile *p, const struct graph_options *o, bool diff,
				  double min_share)
{
	struct stack_tree *t = xcalloc(1, sizeof *t);
	t->g = graph_nodes(p, o);
	struct grower gr = { .p = p, .g = t->g, .t = t, .diff = diff };
	gr.value = xcalloc(p->n_sample + 1, sizeof *gr.value);
	gr.w = xcalloc(p->n_sample + 1, sizeof *gr.w);
	if (diff)
		gr.is_base = xcalloc(p->n_sample + 1, sizeof *gr.is_base);
	struct candidate root = { NO_INDEX, NO_INDEX, 0, 0, 0, 0, 0 };
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		struct walker w = { sm->loc, sm->n_loc, 0, (uint32_t)s, 0 };
		if (!settle(&gr, &w))
			continue;
		int64_t v = sample_value(sm, o);
		gr.value[s] = v;
		root.total += v;
		root.weight += abs64(v);
		if (diff && sm->n_label && sample_has_label(sm, "pprof::base", "true")) {
			gr.is_base[s] = true;
			root.base_total -= v;
		}
		gr.w[gr.n_w++] = w;
	}
	add_frame(&gr, &root);
	int64_t min_weight = (int64_t)((double)root.weight * min_share);
	while (gr.n_w > 0)
		grow_level(&gr, min_weight > 1 ? min_weight : 1);
	free(gr.value);
	free(gr.is_base);
	free(gr.w);
	free(gr.cand);
	free(gr.slot);
	link_children(t);
	return t;
}

void stack_tree_free(struct stack_tree *t)
{
	if (!t)
		return;
	graph_free(t->g);
	free(t->frame);
	free(t->base);
	free(t);
}
