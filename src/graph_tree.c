/*
 * graph_tree: pprof's call tree (-call_tree), a node per distinct call
 * path, built from the samples over the nodes of a graph of location
 * lines, and trimmed in place.
 */
#include "graph_int.h"

#include <stdlib.h>
#include <string.h>

struct tree_builder {
	struct graph *g;
	struct tag_store tags;
	struct edge_table index; /* (parent + 1) << 32 | line node → tree node */
	size_t cap;
};

/*
 * tree_node finds or makes the child of parent for a location line. Its
 * function is the child of the same parent for the function's line, as
 * pprof makes it in the same per-parent map.
 */
static uint32_t tree_node(struct tree_builder *t, uint32_t parent, uint32_t line)
{
	struct graph *g = t->g;
	uint64_t key = (uint64_t)(uint32_t)(parent + 1) << 32 | line;
	uint32_t id = et_get(&t->index, key);
	if (id != UINT32_MAX)
		return id;
	if ((t->index.n + 1) * 2 > t->index.cap)
		et_grow(&t->index);
	GROW(g->node, t->cap, g->n_node + 1);
	id = (uint32_t)g->n_node++;
	memset(&g->node[id], 0, sizeof g->node[id]);
	g->node[id].info = g->base->node[line].info;
	et_put(&t->index, key, id);
	uint32_t f = g->base->node[line].function;
	uint32_t fid = f == line ? id : tree_node(t, parent, f);
	g->node[id].function = fid;
	return id;
}

static uint32_t add_edge(struct graph *g, uint32_t src, uint32_t dest)
{
	if ((g->edges->n + 1) * 2 > g->edges->cap)
		et_grow(g->edges);
	GROW(g->edge, g->cap_edge, g->n_edge + 1);
	uint32_t id = (uint32_t)g->n_edge++;
	g->edge[id] = (struct gedge){ src, dest, 0, 0, false, true, false };
	et_put(g->edges, (uint64_t)src << 32 | dest, id);
	return id;
}

static uint32_t edge_between(struct graph *g, uint32_t src, uint32_t dest)
{
	uint32_t e = et_get(g->edges, (uint64_t)src << 32 | dest);
	return e != UINT32_MAX ? e : add_edge(g, src, dest);
}

static void tree_add_sample(struct tree_builder *t, size_t s)
{
	struct graph *g = t->g;
	const struct graph *b = g->base;
	const struct sample *sm = &g->p->sample[s];
	int vi = g->o.value_index, mi = g->o.mean_index;
	int64_t w = sm->value[vi], dw = mi >= 0 ? sm->value[mi] : 0;
	if (w == 0 && dw == 0)
		return;
	uint32_t parent = NO_INDEX;
	for (uint32_t i = sm->n_loc; i-- > 0;) {
		uint32_t loc = sm->loc[i];
		const uint32_t *fn = b->frame_node + b->loc_frame[loc];
		uint32_t nf = (uint32_t)(b->loc_frame[loc + 1] - b->loc_frame[loc]);
		for (uint32_t ni = nf; ni-- > 0;) {
			uint32_t n = tree_node(t, parent, fn[ni]);
			g->node[n].cum += w;
			g->node[n].cum_div += dw;
			if (g->o.tags)
				graph_add_tags(g, &t->tags, n, s, w, dw, false);
			if (parent != NO_INDEX) {
				uint32_t eid = edge_between(g, parent, n);
				struct gedge *e = &g->edge[eid];
				e->weight += w;
				e->weight_div += dw;
				if (ni == nf - 1)
					e->inline_ = false;
			}
			parent = n;
		}
	}
	if (parent != NO_INDEX) {
		g->node[parent].flat += w;
		g->node[parent].flat_div += dw;
		if (g->o.tags)
			graph_add_tags(g, &t->tags, parent, s, w, dw, true);
	}
}

struct graph *graph_tree_new(const struct profile *p, const struct graph_options *o)
{
	struct graph_options bo = *o;
	bo.tags = false;
	struct graph *g = xcalloc(1, sizeof *g);
	g->p = p;
	g->o = *o;
	g->arena = arena_new();
	g->edges = xcalloc(1, sizeof *g->edges);
	et_init(g->edges, 1024);
	g->base = graph_nodes(p, &bo);
	struct tree_builder t = { g, { 0 }, { 0 }, 0 };
	if (g->o.tags) {
		graph_prepare_tags(g);
		tag_store_init(&t.tags);
	}
	et_init(&t.index, 1024);
	for (size_t s = 0; s < p->n_sample; s++)
		tree_add_sample(&t, s);
	et_free(&t.index);
	graph_link_edges(g);
	if (g->o.tags)
		graph_install_tags(g, &t.tags);
	graph_index_tags(g);
	g->tagged = xmalloc((g->n_node + 1) * sizeof *g->tagged);
	memset(g->tagged, 1, (g->n_node + 1) * sizeof *g->tagged); /* a tree's tags are gathered as it is made */
	g->list = xmalloc((g->n_node + 1) * sizeof *g->list);
	for (size_t i = 0; i < g->n_node; i++) {
		const struct gnode *n = &g->node[i];
		if ((n->cum == 0 && n->flat == 0) || (g->o.drop_negative && is_negative(n)))
			continue;
		g->list[g->n++] = (uint32_t)i;
	}
	return g;
}

/* The live in-edge of a tree node, or NO_INDEX for a root. */
static uint32_t tree_parent_edge(const struct graph *g, const struct gnode *n)
{
	for (uint32_t j = 0; j < n->n_in; j++)
		if (!g->edge[n->in[j]].removed)
			return n->in[j];
	return NO_INDEX;
}

void graph_trim_tree(struct graph *g, const bool *kept)
{
	size_t k = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		if (kept[id]) {
			g->list[k++] = id;
			continue;
		}
		uint32_t pe = tree_parent_edge(g, &g->node[id]);
		if (pe == NO_INDEX) {
			/* a dropped root: its children become roots */
			const struct gnode *cur = &g->node[id];
			for (uint32_t j = 0; j < cur->n_out; j++)
				g->edge[cur->out[j]].removed = true;
			continue;
		}
		uint32_t parent = g->edge[pe].src;
		bool inl = g->edge[pe].inline_;
		g->edge[pe].removed = true;
		for (uint32_t j = 0; j < g->node[id].n_out; j++) {
			uint32_t e = g->node[id].out[j];
			struct gedge *ed = &g->edge[e];
			if (ed->removed)
				continue;
			ed->src = parent;
			ed->residual = true;
			ed->inline_ = inl && ed->inline_;
			struct gnode *pn = &g->node[parent];
			push(&pn->out, &pn->n_out, &pn->cap_out, e);
		}
	}
	g->n = k;
	graph_remove_redundant_edges(g);
}
