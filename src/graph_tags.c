/*
 * graph_tags: pprof's node tags (the nodelets of a dot graph). Each
 * sample's label set and numeric tags are worked out once; the tags of
 * the nodes a report looks at are gathered from the samples, or by a
 * build in the same walk (graph.c), and grouped by node.
 */
#include "graph_int.h"

#include <stdlib.h>
#include <string.h>

#include "units.h"

static int cmp_cstr(const void *a, const void *b)
{
	return nul_strcmp(*(char *const *)a, *(char *const *)b);
}

/* sample_label_set is pprof's joinLabels, without the pprof::base label that marks a diff base. */
static uint32_t sample_label_set(struct graph *g, const struct sample *sm, struct strbuf *b)
{
	char **parts = xcalloc(sm->n_label + 1, sizeof *parts);
	size_t n = 0;
	for (uint32_t i = 0; i < sm->n_label; i++) {
		const struct label *l = &sm->label[i];
		if (!l->str || !strcmp(l->key, "pprof::base"))
			continue;
		struct strbuf part = STRBUF_INIT;
		sb_addf(&part, "%s:%s", l->key, l->str);
		parts[n++] = part.s;
	}
	qsort(parts, n, sizeof *parts, cmp_cstr);
	sb_reset(b);
	for (size_t i = 0; i < n; i++) {
		sb_addf(b, "%s%s", i ? "\\n" : "", parts[i]);
		free(parts[i]);
	}
	free(parts);
	return n ? strset_add(&g->label_set, sb_cstr(b), g->arena) : 0;
}

static size_t tag_slot_of(uint32_t node, uint32_t set, uint32_t name, size_t mask)
{
	return (size_t)hash_u64(name, hash_u64((uint64_t)node << 32 | set, HASH_SEED)) & mask;
}

static void tag_table_init(struct tag_table *t, size_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->slot = xmalloc(cap * sizeof *t->slot);
	memset(t->slot, 0xff, cap * sizeof *t->slot);
}

static void tag_table_put(struct tag_table *t, struct tag_slot s)
{
	size_t mask = t->cap - 1, i = tag_slot_of(s.node, s.set, s.name, mask);
	while (t->slot[i].id != UINT32_MAX)
		i = (i + 1) & mask;
	t->slot[i] = s;
	t->n++;
}

static void rehash_tags(struct tag_table *t, size_t cap)
{
	struct tag_table old = *t;
	tag_table_init(t, cap);
	for (size_t k = 0; k < old.cap; k++)
		if (old.slot[k].id != UINT32_MAX)
			tag_table_put(t, old.slot[k]);
	free(old.slot);
}

void tag_store_init(struct tag_store *ts)
{
	memset(ts, 0, sizeof *ts);
	tag_table_init(&ts->index, 64);
}

/* tag_store_reserve makes room for n tags in all, so that adding them does not grow the index again and again. */
void tag_store_reserve(struct tag_store *ts, size_t n)
{
	struct tag_table *t = &ts->index;
	size_t cap = t->cap;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap != t->cap)
		rehash_tags(t, cap);
	GROW(ts->tag, ts->cap, n + 1);
}

struct gtag *tag_store_find(struct tag_store *ts, uint32_t node, uint32_t set, uint32_t name, int64_t value)
{
	struct tag_table *t = &ts->index;
	size_t mask = t->cap - 1, i = tag_slot_of(node, set, name, mask);
	for (;; i = (i + 1) & mask) {
		const struct tag_slot *sl = &t->slot[i];
		if (sl->id == UINT32_MAX)
			break;
		if (sl->node == node && sl->set == set && sl->name == name)
			return &ts->tag[sl->id];
	}
	if ((t->n + 1) * 2 > t->cap)
		rehash_tags(t, t->cap * 2);
	GROW(ts->tag, ts->cap, ts->n + 1);
	uint32_t id = (uint32_t)ts->n++;
	ts->tag[id] = (struct gtag){ node, set, name, value, 0, 0, 0, 0 };
	tag_table_put(t, (struct tag_slot){ node, set, name, id });
	return &ts->tag[id];
}

/* graph_install_tags makes the store's tags the graph's. */
void graph_install_tags(struct graph *g, struct tag_store *ts)
{
	free(g->tag);
	g->tag = ts->tag;
	g->n_tag = ts->n;
	free(ts->index.slot);
}

/*
 * Samples mostly repeat a few label lists, and a profile's strings are
 * shared: a cache keyed by the label strings' addresses finds a sample's
 * label set without building its text (which cost a third of a second on
 * the 2M-sample bench profile). Labels with equal text at different
 * addresses only miss the cache, and get the same set.
 */
struct set_cache {
	struct htab ht;
	const struct sample **rep; /* a sample with the list */
	size_t n, cap;
};

static uint64_t string_labels_hash(const struct sample *sm)
{
	uint64_t h = HASH_SEED;
	for (uint32_t i = 0; i < sm->n_label; i++)
		if (sm->label[i].str)
			h = hash_u64((uintptr_t)sm->label[i].str, hash_u64((uintptr_t)sm->label[i].key, h));
	return h;
}

struct set_probe {
	const struct set_cache *c;
	const struct sample *sm;
};

static bool same_string_labels(const void *ctx, uint32_t v)
{
	const struct set_probe *pr = ctx;
	const struct sample *a = pr->sm, *b = pr->c->rep[v];
	uint32_t i = 0, j = 0;
	for (;;) {
		while (i < a->n_label && !a->label[i].str)
			i++;
		while (j < b->n_label && !b->label[j].str)
			j++;
		if (i == a->n_label || j == b->n_label)
			return i == a->n_label && j == b->n_label;
		if (a->label[i].key != b->label[j].key || a->label[i].str != b->label[j].str)
			return false;
		i++;
		j++;
	}
}

/* rep_of: the number of the first sample in c with sm's string labels (adding sm if none). */
static uint32_t rep_of(struct set_cache *c, const struct sample *sm)
{
	uint64_t h = string_labels_hash(sm);
	struct set_probe pr = { c, sm };
	uint32_t id = htab_find(&c->ht, h, same_string_labels, &pr);
	if (id != UINT32_MAX)
		return id;
	GROW(c->rep, c->cap, c->n + 1);
	c->rep[c->n] = sm;
	htab_insert(&c->ht, h, (uint32_t)c->n);
	return (uint32_t)c->n++;
}

/*
 * One half of the samples for graph_prepare_tags: each sample's string labels
 * as a number into its own cache of distinct lists (in sample_set until
 * they are made label sets), and how many "bytes" labels it has.
 */
struct set_job {
	const struct graph *g;
	size_t first, last;
	struct set_cache cache;
	size_t nnum;
	uint32_t *set; /* the label set of each list in the cache */
};

static void *find_sets(void *arg)
{
	struct set_job *j = arg;
	const struct profile *p = j->g->p;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &p->sample[s];
		j->g->sample_set[s] = sm->n_label ? rep_of(&j->cache, sm) : UINT32_MAX;
		for (uint32_t i = 0; i < sm->n_label; i++)
			j->nnum += !sm->label[i].str && !strcmp(sm->label[i].key, "bytes");
	}
	return NULL;
}

/* name_sets turns the numbers find_sets gave into label sets. */
static void *name_sets(void *arg)
{
	struct set_job *j = arg;
	uint32_t *set = j->g->sample_set;
	for (size_t s = j->first; s < j->last; s++)
		set[s] = set[s] == UINT32_MAX ? 0 : j->set[set[s]];
	return NULL;
}

/*
 * Each sample's label set and numeric tags, worked out once for every
 * rebuild: the distinct label lists are found on two threads, then each
 * list is made a label set once.
 */
void graph_prepare_tags(struct graph *g)
{
	const struct profile *p = g->p;
	strset_add(&g->label_set, "", g->arena);
	g->sample_set = arena_array(g->arena, p->n_sample + 1, sizeof *g->sample_set);
	g->sample_num_off = arena_array(g->arena, p->n_sample + 1, sizeof *g->sample_num_off);
	size_t njobs = walkers(p);
	struct set_job jobs[2];
	for (size_t k = 0; k < njobs; k++) {
		memset(&jobs[k], 0, sizeof jobs[k]);
		jobs[k].g = g;
		jobs[k].first = p->n_sample * k / njobs;
		jobs[k].last = p->n_sample * (k + 1) / njobs;
		htab_init(&jobs[k].cache.ht, 256);
	}
	run_pair(find_sets, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	struct strbuf b = STRBUF_INIT;
	size_t nnum = 0;
	for (size_t k = 0; k < njobs; k++) {
		struct set_job *j = &jobs[k];
		nnum += j->nnum;
		j->set = xmalloc((j->cache.n + 1) * sizeof *j->set);
		for (size_t i = 0; i < j->cache.n; i++)
			j->set[i] = sample_label_set(g, j->cache.rep[i], &b);
	}
	run_pair(name_sets, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	for (size_t k = 0; k < njobs; k++) {
		free(jobs[k].set);
		htab_free(&jobs[k].cache.ht);
		free(jobs[k].cache.rep);
	}
	g->sample_num = arena_array(g->arena, nnum + 1, sizeof *g->sample_num);
	const char *unit = g->o.bytes_unit ? g->o.bytes_unit : "bytes";
	const char *to = g->o.tag_unit ? g->o.tag_unit : "minimum";
	size_t k = 0;
	for (size_t s = 0; nnum && s < p->n_sample; s++) { /* without numeric tags every offset stays 0 */
		const struct sample *sm = &p->sample[s];
		g->sample_num_off[s] = k;
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const struct label *l = &sm->label[i];
			if (l->str || strcmp(l->key, "bytes") != 0)
				continue;
			char name[64];
			units_label(name, sizeof name, l->num, unit, to);
			g->sample_num[k].name = strset_add(&g->tag_name, name, g->arena);
			g->sample_num[k++].value = l->num;
		}
	}
	g->sample_num_off[p->n_sample] = k;
	sb_free(&b);
}

/* graph_add_tags is the tag half of pprof's Node.addSample. */
void graph_add_tags(const struct graph *g, struct tag_store *ts, uint32_t node, size_t s, int64_t w, int64_t dw,
		    bool flat)
{
	uint32_t set = g->sample_set[s];
	if (set != 0)
		bump(tag_store_find(ts, node, set, NO_INDEX, 0), w, dw, flat);
	for (size_t k = g->sample_num_off[s]; k < g->sample_num_off[s + 1]; k++)
		bump(tag_store_find(ts, node, set, g->sample_num[k].name, g->sample_num[k].value), w, dw, flat);
}

/* graph_index_tags groups the tags by node (a counting sort). */
void graph_index_tags(struct graph *g)
{
	if (!g->o.tags)
		return;
	free(g->node_tag_off);
	free(g->node_tags);
	g->node_tag_off = xcalloc(g->n_node + 1, sizeof *g->node_tag_off);
	g->node_tags = xmalloc((g->n_tag + 1) * sizeof *g->node_tags);
	for (size_t i = 0; i < g->n_tag; i++)
		g->node_tag_off[g->tag[i].node + 1]++;
	for (size_t i = 0; i < g->n_node; i++)
		g->node_tag_off[i + 1] += g->node_tag_off[i];
	uint32_t *fill = xmalloc((g->n_node + 1) * sizeof *fill);
	memcpy(fill, g->node_tag_off, (g->n_node + 1) * sizeof *fill);
	for (size_t i = 0; i < g->n_tag; i++)
		g->node_tags[fill[g->tag[i].node]++] = (uint32_t)i;
	free(fill);
}

/*
 * graph_adopt_tags makes the tags two gatherers found (second may be NULL) the
 * graph's, the tags of the nodes with want[n].
 */
void graph_adopt_tags(struct graph *g, struct tag_store *first, struct tag_store *second, const bool *want)
{
	if (second) {
		/* the second's new tags go after the first's, in the order one pass meets them */
		for (size_t i = 0; i < second->n; i++) {
			const struct gtag *f = &second->tag[i];
			struct gtag *t = tag_store_find(first, f->node, f->set, f->name, f->value);
			t->flat += f->flat;
			t->flat_div += f->flat_div;
			t->cum += f->cum;
			t->cum_div += f->cum_div;
		}
		free(second->tag);
		free(second->index.slot);
	}
	graph_install_tags(g, first);
	graph_index_tags(g);
	if (!g->tagged)
		g->tagged = xcalloc(g->n_node + 1, sizeof *g->tagged);
	memcpy(g->tagged, want, g->n_node * sizeof *want);
}

/* One gatherer's share of the samples, [first, last), with its own tags. */
struct tag_job {
	const struct graph *g;
	const bool *want;
	size_t first, last;
	struct tag_store store;
};

static void *gather_tags(void *arg)
{
	struct tag_job *j = arg;
	const struct graph *g = j->g;
	const struct profile *p = g->p;
	const bool *want = j->want;
	uint32_t *seen = xcalloc(g->n_node + 1, sizeof *seen);
	uint32_t stamp = 0;
	int vi = g->o.value_index, mi = g->o.mean_index;
	for (size_t s = j->first; s < j->last; s++) {
		if (g->sample_set[s] == 0 && g->sample_num_off[s] == g->sample_num_off[s + 1])
			continue;
		const struct sample *sm = &p->sample[s];
		int64_t w = sm->value[vi], dw = mi >= 0 ? sm->value[mi] : 0;
		if ((w == 0 && dw == 0) || sm->n_loc == 0)
			continue;
		stamp++;
		for (uint32_t i = sm->n_loc; i-- > 0;) {
			uint32_t loc = sm->loc[i];
			for (size_t f = g->loc_frame[loc + 1]; f-- > g->loc_frame[loc];) {
				uint32_t n = g->frame_node[f];
				if (seen[n] != stamp) {
					seen[n] = stamp;
					if (want[n])
						graph_add_tags(g, &j->store, n, s, w, dw, false);
				}
			}
		}
		uint32_t leaf = g->frame_node[g->loc_frame[sm->loc[0]]];
		if (g->loc_frame[sm->loc[0] + 1] > g->loc_frame[sm->loc[0]] && want[leaf])
			graph_add_tags(g, &j->store, leaf, s, w, dw, true);
	}
	free(seen);
	return NULL;
}

/*
 * collect_tags gathers the tags of the nodes with want[n], on two threads
 * for large profiles (the second's tags folded into the first's). A
 * node's tags, like its values, do not depend on which other nodes a
 * build keeps: a sample adds to the cum of every node on its stack once,
 * and its flat goes to its innermost frame or to no one. So tags are
 * gathered from the whole stacks, once for the nodes a report looks at,
 * and stay valid through rebuilds. Only samples with tags are walked:
 * most have none, and a hash lookup per frame would otherwise double the
 * cost of a large graph.
 */
static void collect_tags(struct graph *g, const bool *want)
{
	const struct profile *p = g->p;
	if (!g->sample_set)
		graph_prepare_tags(g);
	size_t njobs = walkers(p);
	struct tag_job jobs[2];
	for (size_t k = 0; k < njobs; k++) {
		jobs[k] = (struct tag_job){ g, want, p->n_sample * k / njobs, p->n_sample * (k + 1) / njobs, { 0 } };
		tag_store_init(&jobs[k].store);
	}
	run_pair(gather_tags, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	graph_adopt_tags(g, &jobs[0].store, njobs == 2 ? &jobs[1].store : NULL, want);
}

/* graph_tags_cover: the tags of every node with kept[n] are gathered. */
bool graph_tags_cover(const struct graph *g, const bool *kept)
{
	if (!g->tagged)
		return false;
	for (size_t i = 0; i < g->n_node; i++)
		if (kept[i] && !g->tagged[i])
			return false;
	return true;
}

/* ensure_tags makes sure the first upto listed nodes have their tags. */
static void ensure_tags(struct graph *g, size_t upto)
{
	if (!g->o.tags)
		return;
	if (upto > g->n)
		upto = g->n;
	if (!g->tagged)
		g->tagged = xcalloc(g->n_node + 1, sizeof *g->tagged);
	size_t i = 0;
	while (i < upto && g->tagged[g->list[i]])
		i++;
	if (i == upto)
		return;
	bool *want = xcalloc(g->n_node + 1, sizeof *want);
	for (i = 0; i < upto; i++)
		want[g->list[i]] = true;
	collect_tags(g, want);
	free(want);
}

void graph_ensure_tags(struct graph *g)
{
	ensure_tags(g, g->n);
}

/* pprof's countTags: tags with a flat weight, an estimate of the nodelets a node gets. */
static size_t count_tags(const struct graph *g, uint32_t n)
{
	if (!g->o.tags)
		return 0;
	size_t count = 0;
	for (uint32_t i = g->node_tag_off[n]; i < g->node_tag_off[n + 1]; i++) {
		const struct gtag *t = &g->tag[g->node_tags[i]];
		count += t->flat != 0 && tag_kept(g, t);
	}
	return count;
}

size_t graph_top_count(struct graph *g, size_t max, bool visual)
{
	if (max > 0 && visual) {
		/* only the first max nodes can be counted: each counts at least one */
		ensure_tags(g, max);
		size_t count = 0;
		for (size_t i = 0; i < g->n; i++) {
			size_t tags = count_tags(g, g->list[i]);
			count += (tags < 4 ? tags : 4) + 1;
			if (count >= max) {
				max = i + 1;
				break;
			}
		}
	}
	return max > g->n ? g->n : max;
}

