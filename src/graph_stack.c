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
 * build whole; a flame graph keeps about 10,000 of them, and -flame of it
 * takes 1.12 s where -top takes 0.95 s (medians of 7).
 */
#include "graph_stack.h"

#include "re.h"

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

/* The distinct stacks among the samples whose hash has a given top bit. */
struct dedupe_job {
	const struct profile *p;
	const struct graph_options *o;
	const uint32_t *canon;
	const uint64_t *hash;
	uint64_t top; /* the hashes' top bit this job takes */
	uint32_t *sample;
	int64_t *value;
	size_t n;
};

static void *dedupe(void *arg)
{
	struct dedupe_job *j = arg;
	const struct profile *p = j->p;
	struct slot {
		uint64_t hash; /* 0: empty */
		uint32_t stack;
	} *slot;
	/*
	 * Everything is sized up front: growing large blocks on two threads
	 * at once made the kernel flush TLBs across cores, which took more
	 * time than the work (on the bench profile `large`).
	 */
	size_t most = 0;
	for (size_t s = 0; s < p->n_sample; s++)
		most += j->hash[s] && (j->hash[s] >> 63) == j->top;
	size_t mask = 1023;
	while (mask < most * 2)
		mask = mask * 2 + 1;
	slot = xcalloc_written(mask + 1, sizeof *slot);
	j->sample = xmalloc((most + 1) * sizeof *j->sample);
	j->value = xmalloc((most + 1) * sizeof *j->value);
	for (size_t s = 0; s < p->n_sample; s++) {
		uint64_t h = j->hash[s];
		if (!h || (h >> 63) != j->top)
			continue;
		const struct sample *sm = &p->sample[s];
		int64_t v = sample_value(sm, j->o);
		size_t i = h & mask;
		for (; slot[i].hash; i = (i + 1) & mask)
			if (slot[i].hash == h && same_stack(j->canon, sm, &p->sample[j->sample[slot[i].stack]]))
				break;
		if (slot[i].hash) {
			j->value[slot[i].stack] += v;
			continue;
		}
		j->sample[j->n] = (uint32_t)s;
		j->value[j->n] = v;
		slot[i] = (struct slot){ h, (uint32_t)j->n++ };
	}
	free(slot);
	return NULL;
}

/*
 * The stacks are hashed on two threads; then each thread tells apart the
 * stacks of one half of the hashes (by their top bit), in a table that
 * holds the hash beside the stack's index, so that a lookup costs one
 * cache miss; equal hashes are compared location by location. Each half
 * lists its stacks in the order first met: merged by first sample, they
 * are in that order too.
 */
struct stack_set *stack_set_new(const struct profile *p, const struct graph_options *o)
{
	struct stack_set *set = xcalloc(1, sizeof *set);
	set->g = graph_nodes(p, o);
	set->canon = canonical_locations(p, set->g);
	uint64_t *hash = xmalloc((p->n_sample + 1) * sizeof *hash);
	struct hash_job jobs[2] = { { p, set->canon, 0, p->n_sample / 2, hash },
				    { p, set->canon, p->n_sample / 2, p->n_sample, hash } };
	bool two = p->n_sample >= 10000;
	run_pair(hash_stacks, &jobs[0], two ? &jobs[1] : NULL);
	if (!two)
		hash_stacks(&jobs[1]);
	struct dedupe_job d[2];
	for (int k = 0; k < 2; k++)
		d[k] = (struct dedupe_job){ p, o, set->canon, hash, (uint64_t)k, NULL, NULL, 0 };
	run_pair(dedupe, &d[0], two ? &d[1] : NULL);
	if (!two)
		dedupe(&d[1]);
	set->n = d[0].n + d[1].n;
	set->sample = xcalloc(set->n + 1, sizeof *set->sample);
	set->value = xcalloc(set->n + 1, sizeof *set->value);
	for (size_t a = 0, b = 0, n = 0; n < set->n; n++) {
		bool first = b == d[1].n || (a < d[0].n && d[0].sample[a] < d[1].sample[b]);
		struct dedupe_job *from = first ? &d[0] : &d[1];
		size_t *at = first ? &a : &b;
		set->sample[n] = from->sample[*at];
		set->value[n] = from->value[(*at)++];
	}
	for (int k = 0; k < 2; k++) {
		free(d[k].sample);
		free(d[k].value);
	}
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

/* The children met on one level by one thread, found by (parent, key). */
struct level {
	struct candidate *cand;
	size_t n_cand, cand_cap;
	uint32_t *slot; /* candidate + 1; 0 empty */
	size_t mask;
};

struct grower {
	const struct profile *p;
	const struct graph *g;
	struct stack_tree *t;
	size_t t_cap, base_cap;
	bool diff;
	bool up;        /* walk from a pivot toward the root (its callers) */
	bool outermost; /* one walker per stack, at its outermost match (see start_walkers) */
	int64_t *value;  /* per sample */
	bool *is_base;   /* per sample, with diff */
	struct walker *w;
	size_t n_w;
	struct level lv[2];
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

/* advance moves w to its next frame, toward the leaf or (up) the root; false past the stack's end. */
static bool advance(const struct grower *gr, struct walker *w)
{
	if (!gr->up) {
		w->k++;
		return settle(gr, w);
	}
	if (w->k > 0) {
		w->k--;
		return true;
	}
	/* the caller's location is the next one of the leaf-first array; its innermost line first */
	uint32_t n_loc = gr->p->sample[w->sample].n_loc;
	while (w->left < n_loc) {
		w->left++;
		uint32_t loc = w->loc[w->left - 1];
		size_t nf = gr->g->loc_frame[loc + 1] - gr->g->loc_frame[loc];
		if (nf) {
			w->k = (uint32_t)nf - 1;
			return true;
		}
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

/* level_reset empties lv for up to n candidates. */
static void level_reset(struct level *lv, size_t n)
{
	size_t size = 1024;
	while (size < n * 2)
		size *= 2;
	if (size - 1 > lv->mask) {
		free(lv->slot);
		lv->slot = xcalloc_written(size, sizeof *lv->slot);
		lv->mask = size - 1;
	} else {
		memset(lv->slot, 0, (lv->mask + 1) * sizeof *lv->slot);
	}
	lv->n_cand = 0;
}

static uint32_t candidate(struct level *lv, uint32_t parent, uint32_t key)
{
	size_t i = mix((uint64_t)parent << 32 | key) & lv->mask;
	for (; lv->slot[i]; i = (i + 1) & lv->mask) {
		const struct candidate *c = &lv->cand[lv->slot[i] - 1];
		if (c->key == key && c->parent == parent)
			return lv->slot[i] - 1;
	}
	GROW(lv->cand, lv->cand_cap, lv->n_cand + 1);
	lv->cand[lv->n_cand] = (struct candidate){ parent, key, 0, 0, 0, 0, 0 };
	lv->slot[i] = (uint32_t)++lv->n_cand;
	return (uint32_t)(lv->n_cand - 1);
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

/* One thread's share of a level: walkers [first, last) step into lv. */
struct step_job {
	struct grower *gr;
	struct level *lv;
	size_t first, last;
};

static void *step(void *arg)
{
	struct step_job *j = arg;
	struct grower *gr = j->gr;
	struct level *lv = j->lv;
	level_reset(lv, j->last - j->first);
	for (size_t i = j->first; i < j->last; i++) {
		struct walker *w = &gr->w[i];
		/* the walkers' stacks are far apart in memory: ask for one a few steps ahead */
		if (i + 8 < j->last)
			__builtin_prefetch(&gr->w[i + 8].loc[gr->w[i + 8].left - 1]);
		uint32_t c = candidate(lv, w->frame, key_at(gr, w));
		struct candidate *cd = &lv->cand[c];
		int64_t v = gr->value[w->sample];
		bool base = gr->is_base && gr->is_base[w->sample];
		cd->total += v;
		cd->weight += abs64(v);
		if (base)
			cd->base_total -= v;
		w->frame = c;
		if (!advance(gr, w)) {
			cd->self += v;
			if (base)
				cd->base_self -= v;
			w->frame |= STACK_INLINED; /* marks the end of this walker's stack */
		}
	}
	return NULL;
}

/*
 * merge_levels adds the second thread's candidates into the first's and
 * points its walkers at the merged ones.
 */
static void merge_levels(struct grower *gr, size_t first, size_t last)
{
	struct level *a = &gr->lv[0], *b = &gr->lv[1];
	uint32_t *to = xcalloc(b->n_cand + 1, sizeof *to);
	for (size_t c = 0; c < b->n_cand; c++) {
		const struct candidate *x = &b->cand[c];
		uint32_t m = candidate(a, x->parent, x->key);
		struct candidate *y = &a->cand[m];
		y->total += x->total;
		y->weight += x->weight;
		y->self += x->self;
		y->base_total += x->base_total;
		y->base_self += x->base_self;
		to[c] = m;
		if (a->n_cand * 2 > a->mask) { /* keep the table at most half full */
			struct level grown = { a->cand, a->n_cand, a->cand_cap, NULL, 0 };
			level_reset(&grown, a->n_cand * 2);
			for (size_t k = 0; k < a->n_cand; k++) {
				size_t i = mix((uint64_t)a->cand[k].parent << 32 | a->cand[k].key) & grown.mask;
				while (grown.slot[i])
					i = (i + 1) & grown.mask;
				grown.slot[i] = (uint32_t)k + 1;
			}
			free(a->slot);
			a->slot = grown.slot;
			a->mask = grown.mask;
		}
	}
	for (size_t i = first; i < last; i++) {
		uint32_t f = gr->w[i].frame;
		gr->w[i].frame = to[f & ~STACK_INLINED] | (f & STACK_INLINED);
	}
	free(to);
}

/*
 * grow_level steps every walker one frame down and keeps the children
 * weighing at least min. A large level is split over two threads, each
 * with its own table, merged after: the walk is mostly cache misses on
 * the samples' stacks, which two cores wait for in half the time.
 */
static void grow_level(struct grower *gr, int64_t min)
{
	size_t half = gr->n_w >= 200000 ? gr->n_w / 2 : gr->n_w;
	struct step_job jobs[2] = { { gr, &gr->lv[0], 0, half }, { gr, &gr->lv[1], half, gr->n_w } };
	run_pair(step, &jobs[0], half < gr->n_w ? &jobs[1] : NULL);
	if (half < gr->n_w)
		merge_levels(gr, half, gr->n_w);
	struct level *lv = &gr->lv[0];
	/* the candidates kept become frames; walkers past a dropped one or at their end leave */
	uint32_t *frame_of = xcalloc(lv->n_cand + 1, sizeof *frame_of);
	for (size_t c = 0; c < lv->n_cand; c++)
		frame_of[c] = lv->cand[c].weight >= min ? add_frame(gr, &lv->cand[c]) : NO_INDEX;
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

/* pivot_nodes marks the nodes whose name or file the pivot matches. */
static bool *pivot_nodes(const struct graph *g, const struct regex *pivot)
{
	bool *match = xcalloc(g->n_node + 1, sizeof *match);
	for (size_t n = 0; n < g->n_node; n++) {
		const struct node_info *info = &g->node[n].info;
		match[n] = re_match(pivot, info->name) || (info->file[0] && re_match(pivot, info->file));
	}
	return match;
}

/*
 * add_walkers sets out the walkers of sample s, whose stack starts at w:
 * one at the root; with a pivot, one at the outermost frame of each
 * matched node, as pprof's flame view places a source in a stack once.
 */
static void add_walkers(struct grower *gr, size_t *cap, struct walker w, const bool *match, struct candidate *root,
			int64_t v, bool base)
{
	uint32_t seen[16];
	size_t n_seen = 0;
	for (;;) {
		bool take = true;
		if (match) {
			uint32_t node = STACK_NODE(key_at(gr, &w));
			take = match[node];
			for (size_t i = 0; i < n_seen && take; i++)
				take = seen[i] != node;
			/* past 16 distinct pivots in one stack, a node met again counts again */
			if (take && n_seen < sizeof seen / sizeof seen[0])
				seen[n_seen++] = node;
		}
		if (take) {
			GROW(gr->w, *cap, gr->n_w + 1);
			gr->w[gr->n_w++] = w;
			root->total += v;
			root->weight += abs64(v);
			if (base)
				root->base_total -= v;
			if (!match || gr->outermost)
				return;
		}
		/* the next frame toward the leaf, still counting from the root */
		w.k++;
		if (!settle(gr, &w))
			return;
	}
}

/* matched_locations marks the locations with a frame of a matched node. */
static bool *matched_locations(const struct grower *gr, const bool *match)
{
	const struct graph *g = gr->g;
	bool *has = xcalloc(gr->p->n_location + 1, sizeof *has);
	for (size_t l = 0; l < gr->p->n_location; l++)
		for (size_t f = g->loc_frame[l]; f < g->loc_frame[l + 1] && !has[l]; f++)
			has[l] = match[g->frame_node[f]];
	return has;
}

static bool any_location(const bool *has, const struct sample *sm)
{
	for (uint32_t i = 0; i < sm->n_loc; i++)
		if (has[sm->loc[i]])
			return true;
	return false;
}

/*
 * start_walkers sets out the walkers of every sample (see add_walkers),
 * counting them in root. With a pivot, a sample none of whose locations
 * holds a matched frame is passed by without walking its frames: a
 * narrow pivot of the bench profile `large` took 0.49 s, mostly in that.
 *
 * A regexp that matches many frames of every stack would set out that
 * many walkers per stack, each walking the rest of it (p=^github on
 * `large`: 23 s): past two walkers per sample on average, the walkers
 * are set out again, one per stack at its outermost match, and
 * gr->outermost says so.
 */
static void start_walkers(struct grower *gr, const struct graph_options *o, const bool *match,
			  struct candidate *root)
{
	const struct profile *p = gr->p;
	gr->value = xcalloc(p->n_sample + 1, sizeof *gr->value);
	size_t w_cap = p->n_sample + 1;
	gr->w = xcalloc(w_cap, sizeof *gr->w);
	if (gr->diff)
		gr->is_base = xcalloc(p->n_sample + 1, sizeof *gr->is_base);
	bool *has = match ? matched_locations(gr, match) : NULL;
again:
	*root = (struct candidate){ NO_INDEX, NO_INDEX, 0, 0, 0, 0, 0 };
	gr->n_w = 0;
	for (size_t s = 0; s < p->n_sample; s++) {
		if (match && !gr->outermost && gr->n_w > 2 * p->n_sample + 100000) {
			gr->outermost = true;
			goto again;
		}
		const struct sample *sm = &p->sample[s];
		if (has && !any_location(has, sm))
			continue;
		struct walker w = { sm->loc, sm->n_loc, 0, (uint32_t)s, 0 };
		if (!settle(gr, &w))
			continue;
		int64_t v = sample_value(sm, o);
		gr->value[s] = v;
		if (gr->diff && sm->n_label && sample_has_label(sm, "pprof::base", "true"))
			gr->is_base[s] = true;
		add_walkers(gr, &w_cap, w, match, root, v, gr->diff && gr->is_base[s]);
	}
	free(has);
}

/* A tree to grow from its walkers, on a thread of its own. */
struct growing {
	struct grower gr;
	struct candidate root;
	double min_share;
};

/* grow grows a tree level by level from its walkers (but for the order of children, link_children's). */
static void *grow(void *arg)
{
	struct growing *g = arg;
	struct grower *gr = &g->gr;
	add_frame(gr, &g->root);
	int64_t min_weight = (int64_t)((double)g->root.weight * g->min_share);
	while (gr->n_w > 0)
		grow_level(gr, min_weight > 1 ? min_weight : 1);
	free(gr->w);
	for (int k = 0; k < 2; k++) {
		free(gr->lv[k].cand);
		free(gr->lv[k].slot);
	}
	return NULL;
}

struct stack_tree *stack_tree_new(const struct profile *p, const struct graph_options *o, bool diff,
				  double min_share)
{
	struct stack_tree *t = xcalloc(1, sizeof *t);
	t->g = graph_nodes(p, o);
	struct growing g = { .gr = { .p = p, .g = t->g, .t = t, .diff = diff }, .min_share = min_share };
	start_walkers(&g.gr, o, NULL, &g.root);
	grow(&g);
	free(g.gr.value);
	free(g.gr.is_base);
	link_children(t);
	return t;
}

/*
 * The two trees of a pivot share what they start from: the nodes (one
 * graph, the callers' tree borrowing it), the samples' values and the
 * walkers at the matched frames, found in one walk over every stack.
 * Then they grow at once, each on a thread; the children are ordered
 * after, one tree at a time, as naming nodes writes into the graph.
 */
bool stack_tree_pivot(const struct profile *p, const struct graph_options *o, bool diff, double min_share,
		      const struct regex *pivot, struct stack_tree **callees, struct stack_tree **callers)
{
	struct stack_tree *down = xcalloc(1, sizeof *down), *up = xcalloc(1, sizeof *up);
	down->g = graph_nodes(p, o);
	up->g = down->g;
	up->borrows_graph = true;
	struct growing g[2] = { { .gr = { .p = p, .g = down->g, .t = down, .diff = diff }, .min_share = min_share } };
	bool *match = pivot_nodes(down->g, pivot);
	start_walkers(&g[0].gr, o, match, &g[0].root);
	free(match);
	g[1] = g[0];
	g[1].gr.t = up;
	g[1].gr.up = true;
	g[1].gr.w = xmalloc((g[0].gr.n_w + 1) * sizeof *g[1].gr.w);
	memcpy(g[1].gr.w, g[0].gr.w, g[0].gr.n_w * sizeof *g[1].gr.w);
	run_pair(grow, &g[0], &g[1]);
	free(g[0].gr.value);
	free(g[0].gr.is_base);
	link_children(down);
	link_children(up);
	*callees = down;
	*callers = up;
	return g[0].gr.outermost;
}

void stack_tree_free(struct stack_tree *t)
{
	if (!t)
		return;
	if (!t->borrows_graph)
		graph_free(t->g);
	free(t->frame);
	free(t->base);
	free(t);
}
