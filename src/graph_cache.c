/*
 * graph_cache: the valued graphs of one profile, kept between reports
 * (graph.h). An entry holds a graph of nodes without values, made once
 * per node options, and every node's flat and cum for every sample value
 * column; a graph handed out is a copy of its nodes with the columns of
 * the options' value_index and mean_index, sharing the entry's frame
 * tables and file names.
 */
#include "graph_int.h"

struct cached_nodes {
	bool obj_names;
	char *trim_path, *source_path; /* NULL as in graph_options */
	struct graph *nodes;
	size_t n_col;
	int64_t *flat, *cum, *inlined; /* [node * n_col + column] */
	struct hot_source hot; /* its hot stacks, made on the first rebuild of few nodes */
	uint32_t *name_rank;   /* NULL until a long sort of a copy makes it (graph->name_rank) */
};

struct graph_cache {
	const struct profile *p;
	struct graph_cache_stats stats;
	struct cached_nodes **entry; /* apart: graphs point to theirs */
	size_t n;
};

struct graph_cache *graph_cache_new(const struct profile *p)
{
	struct graph_cache *c = xcalloc(1, sizeof *c);
	c->p = p;
	return c;
}

struct graph_cache_stats graph_cache_stats(const struct graph_cache *c)
{
	struct graph_cache_stats st = c->stats;
	for (size_t i = 0; i < c->n; i++) {
		st.hot_made += c->entry[i]->hot.made;
		st.hot_walked += c->entry[i]->hot.walked;
	}
	return st;
}

void graph_cache_free(struct graph_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct cached_nodes *e = c->entry[i];
		free(e->trim_path);
		free(e->source_path);
		graph_free(e->nodes);
		free(e->flat);
		free(e->cum);
		free(e->inlined);
		graph_hot_source_free(&e->hot);
		free(e->name_rank);
		free(e);
	}
	free(c->entry);
	free(c);
}

static bool same_path(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *dup_path(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* entry_for finds the entry of o's node options, making it (one walk of the samples) the first time. */
static struct cached_nodes *entry_for(struct graph_cache *c, const struct graph_options *o)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cached_nodes *e = c->entry[i];
		if (e->obj_names == o->obj_names && same_path(e->trim_path, o->trim_path) &&
		    same_path(e->source_path, o->source_path))
			return e;
	}
	c->entry = xreallocarray(c->entry, c->n + 1, sizeof *c->entry);
	struct cached_nodes *e = xcalloc(1, sizeof *e);
	c->entry[c->n++] = e;
	const struct profile *p = c->p;
	struct graph_options no = { .obj_names = o->obj_names, .trim_path = o->trim_path,
				    .source_path = o->source_path, .mean_index = -1 };
	e->obj_names = o->obj_names;
	e->trim_path = dup_path(o->trim_path);
	e->source_path = dup_path(o->source_path);
	e->nodes = graph_nodes(p, &no);
	e->nodes->o.trim_path = e->trim_path;
	e->nodes->o.source_path = e->source_path;
	e->n_col = p->n_sample_type;
	e->hot = (struct hot_source){ e->nodes, e->n_col, NULL, 0, 0 };
	size_t cells = (e->nodes->n_node + 1) * (e->n_col ? e->n_col : 1);
	e->flat = xmalloc(cells * sizeof *e->flat);
	e->cum = xmalloc(cells * sizeof *e->cum);
	e->inlined = o->obj_names ? NULL : xmalloc(cells * sizeof *e->inlined);
	int *col = xmalloc((e->n_col + 1) * sizeof *col);
	for (size_t k = 0; k < e->n_col; k++)
		col[k] = (int)k;
	/* only the text reports read the bounds, and they name nodes without object names */
	graph_sum_columns(e->nodes, col, e->n_col, e->flat, e->cum, e->obj_names ? NULL : e->inlined);
	free(col);
	c->stats.values_made++;
	return e;
}

struct graph *graph_cache_values(struct graph_cache *c, const struct graph_options *o)
{
	if (o->value_index < 0 || (size_t)o->value_index >= c->p->n_sample_type ||
	    (o->mean_index >= 0 && (size_t)o->mean_index >= c->p->n_sample_type))
		return NULL;
	struct cached_nodes *e = entry_for(c, o);
	c->stats.values_copied++;
	const struct graph *t = e->nodes;
	struct graph *g = xcalloc(1, sizeof *g);
	g->p = c->p;
	g->o = *o;
	g->arena = arena_new();
	g->edges = xcalloc(1, sizeof *g->edges);
	et_init(g->edges, 16);
	g->n_node = t->n_node;
	g->node = xmalloc((t->n_node + 1) * sizeof *g->node);
	mem_copy(g->node, t->node, t->n_node * sizeof *g->node);
	g->loc_frame = t->loc_frame;
	g->frame_node = t->frame_node;
	size_t nc = e->n_col, v = (size_t)o->value_index;
	for (size_t i = 0; i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		n->in = n->out = NULL;
		n->n_in = n->n_out = n->cap_in = n->cap_out = 0;
		n->printable = n->sortkey = NULL;
		n->flat = e->flat[i * nc + v];
		n->cum = e->cum[i * nc + v];
		n->flat_div = o->mean_index >= 0 ? e->flat[i * nc + (size_t)o->mean_index] : 0;
		n->cum_div = o->mean_index >= 0 ? e->cum[i * nc + (size_t)o->mean_index] : 0;
		n->inlined = e->obj_names ? 0 : e->inlined[i * nc + v];
	}
	g->valued = true;
	g->inline_bounds = !e->obj_names;
	g->from = &e->hot;
	g->name_rank = &e->name_rank;
	graph_list_nodes(g, NULL);
	return g;
}
