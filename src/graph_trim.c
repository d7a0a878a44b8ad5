/*
 * graph_trim: a graph's order and its trimming, as pprof does them:
 * nodes' printable names, the flat, cum and entropy orders with their
 * tie-breaks, the cutoffs that keep nodes and drop edges, and the
 * removal of redundant residual edges.
 */
#include "graph.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *graph_printable(struct graph *g, uint32_t id)
{
	struct gnode *n = &g->node[id];
	if (n->printable)
		return n->printable;
	const struct node_info *i = &n->info;
	struct strbuf b = STRBUF_INIT;
	if (i->address)
		sb_addf(&b, "%016" PRIx64, i->address);
	if (i->name[0])
		sb_addf(&b, "%s%s", b.len ? " " : "", i->name);
	if (i->lineno) {
		sb_addf(&b, "%s%s:%" PRId64, b.len ? " " : "", i->file, i->lineno);
		if (i->columnno)
			sb_addf(&b, ":%" PRId64, i->columnno);
	} else if (i->file[0]) {
		sb_addf(&b, "%s%s", b.len ? " " : "", i->file);
	} else if (i->name[0]) {
		/* the name alone */
	} else if (i->objfile[0]) {
		struct strbuf base = STRBUF_INIT;
		path_base(i->objfile, &base);
		sb_addf(&b, "%s[%s]", b.len ? " " : "", sb_cstr(&base));
		sb_free(&base);
	} else {
		sb_addf(&b, "%s<unknown>", b.len ? " " : "");
	}
	n->printable = b.s ? b.s : xstrdup("");
	return n->printable;
}

/* fmt.Sprint of pprof's NodeInfo, its last-resort tie-break. */
static const char *sortkey(struct graph *g, uint32_t id)
{
	struct gnode *n = &g->node[id];
	if (!n->sortkey) {
		const struct node_info *i = &n->info;
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "{%s %s %" PRIu64 " %s %" PRId64 " %" PRId64 " %" PRId64 " %s}", i->name, i->orig_name,
			i->address, i->file, i->start_line, i->lineno, i->columnno, i->objfile);
		n->sortkey = b.s;
	}
	return n->sortkey;
}



static int cmp_names(struct graph *g, uint32_t x, uint32_t y)
{
	const struct node_info *a = &g->node[x].info, *b = &g->node[y].info;
	if (a->address && b->address && a->address != b->address)
		return a->address < b->address ? -1 : 1;
	int c = nul_strcmp(graph_printable(g, x), graph_printable(g, y));
	if (c)
		return c;
	return nul_strcmp(sortkey(g, x), sortkey(g, y));
}

static int cmp_node_names(const void *ctx, uint32_t x, uint32_t y)
{
	return cmp_names((struct graph *)ctx, x, y);
}

/*
 * Sorts of this many nodes or more compare names by their rank, made
 * once per graph cache entry: peek on the 46 MB bench profile sorted 60 k
 * nodes, most of them by name (flat 0), in 0.1 s of its 0.4 s.
 */
enum { RANKED_SORT = 4096 };

/*
 * name_rank is each node's rank by cmp_names (equal names, equal ranks),
 * or NULL for a short sort. Only when every node has an address or none
 * has: cmp_names compares addresses only when both nodes have one, so
 * with some of each it is not transitive, and a sort of some nodes by it
 * need not agree with a rank of all.
 */
static const uint32_t *name_rank(struct graph *g)
{
	if (!g->name_rank || g->n < RANKED_SORT)
		return NULL;
	size_t with_address = 0;
	for (size_t i = 0; i < g->n_node; i++)
		with_address += g->node[i].info.address != 0;
	if (with_address != 0 && with_address != g->n_node)
		return NULL;
	if (!*g->name_rank) {
		uint32_t *by_name = xmalloc((g->n_node + 1) * sizeof *by_name);
		uint32_t *rank = xmalloc((g->n_node + 1) * sizeof *rank);
		for (size_t i = 0; i < g->n_node; i++)
			by_name[i] = (uint32_t)i;
		sort_u32(by_name, g->n_node, cmp_node_names, g);
		for (size_t k = 0; k < g->n_node; k++)
			rank[by_name[k]] = k > 0 && cmp_names(g, by_name[k - 1], by_name[k]) == 0 ? rank[by_name[k - 1]]
												 : (uint32_t)k;
		free(by_name);
		*g->name_rank = rank;
	}
	return *g->name_rank;
}

struct sort_ctx {
	struct graph *g;
	int64_t *score;
	const uint32_t *rank; /* NULL: names are compared */
};

static int by_name(const struct sort_ctx *c, uint32_t x, uint32_t y)
{
	if (!c->rank)
		return cmp_names(c->g, x, y);
	return c->rank[x] < c->rank[y] ? -1 : c->rank[x] > c->rank[y];
}

static int cmp_flat(const void *ctx, uint32_t x, uint32_t y)
{
	const struct sort_ctx *c = ctx;
	int64_t a = abs64(c->g->node[x].flat), b = abs64(c->g->node[y].flat);
	if (a != b)
		return a > b ? -1 : 1;
	int n = by_name(c, x, y);
	if (n)
		return n;
	/* the same location on two paths of a call tree */
	a = abs64(c->g->node[x].cum);
	b = abs64(c->g->node[y].cum);
	return a > b ? -1 : a < b;
}

static int cmp_score(const void *ctx, uint32_t x, uint32_t y)
{
	const struct sort_ctx *c = ctx;
	int64_t a = abs64(c->score[x]), b = abs64(c->score[y]);
	if (a != b)
		return a > b ? -1 : 1;
	int n = by_name(c, x, y);
	if (n)
		return n;
	/* the same location on two paths of a call tree */
	a = abs64(c->g->node[x].flat);
	b = abs64(c->g->node[y].flat);
	return a > b ? -1 : a < b;
}

static double edge_entropy(const struct graph *g, const uint32_t *edges, uint32_t n, int64_t self)
{
	double score = 0;
	int64_t total = self;
	for (uint32_t i = 0; i < n; i++) {
		const struct gedge *e = &g->edge[edges[i]];
		if (!e->removed && e->weight > 0)
			total += abs64(e->weight);
	}
	if (total != 0) {
		for (uint32_t i = 0; i < n; i++) {
			const struct gedge *e = &g->edge[edges[i]];
			if (e->removed)
				continue;
			double frac = (double)abs64(e->weight) / (double)total;
			score += -frac * log2(frac);
		}
		if (self > 0) {
			double frac = (double)abs64(self) / (double)total;
			score += -frac * log2(frac);
		}
	}
	return score;
}

static uint32_t live_edges(const struct graph *g, const uint32_t *edges, uint32_t n)
{
	uint32_t live = 0;
	for (uint32_t i = 0; i < n; i++)
		live += !g->edge[edges[i]].removed;
	return live;
}

static int64_t entropy_score(const struct graph *g, const struct gnode *n)
{
	double score = 0;
	if (live_edges(g, n->in, n->n_in) == 0)
		score++;
	else
		score += edge_entropy(g, n->in, n->n_in, 0);
	if (live_edges(g, n->out, n->n_out) == 0)
		score++;
	else
		score += edge_entropy(g, n->out, n->n_out, n->flat);
	/* a negative total (diffs) makes the entropy NaN; Go's conversion and wrapping add are kept */
	return (int64_t)((uint64_t)go_int64(score * (double)n->cum) + (uint64_t)n->flat);
}

void graph_sort(struct graph *g, enum node_order order)
{
	struct sort_ctx c = { g, NULL, name_rank(g) };
	if (order == ORDER_FLAT) {
		sort_u32(g->list, g->n, cmp_flat, &c);
		return;
	}
	c.score = xcalloc(g->n_node + 1, sizeof *c.score);
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		c.score[g->list[i]] = order == ORDER_CUM ? n->cum : entropy_score(g, n);
	}
	sort_u32(g->list, g->n, cmp_score, &c);
	free(c.score);
}

int64_t graph_flat_sum(const struct graph *g)
{
	int64_t t = 0;
	for (size_t i = 0; i < g->n; i++)
		t += g->node[g->list[i]].flat;
	return t;
}

int64_t graph_shown_total(const struct graph *g)
{
	int64_t t = 0;
	for (size_t i = 0; i < g->n; i++)
		t += node_flat(&g->node[g->list[i]]);
	return t;
}

size_t graph_keep_by_cum(const struct graph *g, int64_t cutoff, bool *kept)
{
	memset(kept, 0, g->n_node * sizeof *kept);
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		if (abs64(g->node[id].cum) < cutoff)
			continue;
		kept[id] = true;
		n++;
	}
	return n;
}

int graph_trim_edges(struct graph *g, int64_t cutoff)
{
	int dropped = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		for (uint32_t j = 0; j < n->n_in; j++) {
			struct gedge *e = &g->edge[n->in[j]];
			if (!e->removed && abs64(e->weight) < cutoff) {
				e->removed = true;
				dropped++;
			}
		}
	}
	return dropped;
}

static int cmp_edges(const void *ctx, uint32_t x, uint32_t y)
{
	struct graph *g = (struct graph *)ctx;
	const struct gedge *a = &g->edge[x], *b = &g->edge[y];
	if (a->weight != b->weight) {
		int64_t wa = abs64(a->weight), wb = abs64(b->weight);
		if (wa != wb)
			return wa > wb ? -1 : 1;
	}
	int c = nul_strcmp(graph_printable(g, a->src), graph_printable(g, b->src));
	if (c)
		return c;
	return nul_strcmp(graph_printable(g, a->dest), graph_printable(g, b->dest));
}

size_t graph_sorted_edges(struct graph *g, uint32_t id, bool in, uint32_t **out)
{
	const struct gnode *n = &g->node[id];
	const uint32_t *src = in ? n->in : n->out;
	uint32_t cnt = in ? n->n_in : n->n_out;
	uint32_t *list = xmalloc((cnt + 1) * sizeof *list);
	size_t k = 0;
	for (uint32_t i = 0; i < cnt; i++)
		if (!g->edge[src[i]].removed)
			list[k++] = src[i];
	sort_u32(list, k, cmp_edges, g);
	*out = list;
	return k;
}

/* is_redundant: can e's source reach e's destination without e? (breadth-first over in-edges) */
static bool is_redundant(struct graph *g, uint32_t e, uint32_t *seen, uint32_t stamp, uint32_t *queue)
{
	uint32_t src = g->edge[e].src;
	size_t head = 0, tail = 0;
	queue[tail++] = g->edge[e].dest;
	seen[g->edge[e].dest] = stamp;
	while (head < tail) {
		const struct gnode *n = &g->node[queue[head++]];
		for (uint32_t j = 0; j < n->n_in; j++) {
			uint32_t ie = n->in[j];
			if (g->edge[ie].removed || ie == e || seen[g->edge[ie].src] == stamp)
				continue;
			if (g->edge[ie].src == src)
				return true;
			seen[g->edge[ie].src] = stamp;
			queue[tail++] = g->edge[ie].src;
		}
	}
	return false;
}

void graph_remove_redundant_edges(struct graph *g)
{
	uint32_t *seen = xcalloc(g->n_node + 1, sizeof *seen);
	uint32_t *queue = xmalloc((g->n_node + 1) * sizeof *queue);
	uint32_t stamp = 0;
	for (size_t i = g->n; i > 0; i--) {
		uint32_t *in;
		size_t nin = graph_sorted_edges(g, g->list[i - 1], true, &in);
		for (size_t j = nin; j > 0; j--) {
			uint32_t e = in[j - 1];
			if (!g->edge[e].residual)
				break;
			if (is_redundant(g, e, seen, ++stamp, queue))
				g->edge[e].removed = true;
		}
		free(in);
	}
	free(seen);
	free(queue);
}

size_t graph_all_edges(struct graph *g, uint32_t **out)
{
	size_t n = 0, cap = 0;
	uint32_t *list = NULL;
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *nd = &g->node[g->list[i]];
		for (uint32_t j = 0; j < nd->n_out; j++) {
			if (g->edge[nd->out[j]].removed)
				continue;
			GROW(list, cap, n + 1);
			list[n++] = nd->out[j];
		}
	}
	graph_sort_edge_list(g, list, n);
	*out = list;
	return n;
}

void graph_sort_edge_list(struct graph *g, uint32_t *edges, size_t n)
{
	sort_u32(edges, n, cmp_edges, g);
}
