#include "graph.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "util.h"

/* edge_table: (src, dest) → edge index, open addressing on the packed pair. */
struct edge_table {
	uint64_t *key;
	uint32_t *val;
	size_t cap, n;
};

static void et_init(struct edge_table *t, size_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->key = xmalloc(cap * sizeof *t->key);
	t->val = xmalloc(cap * sizeof *t->val);
	memset(t->val, 0xff, cap * sizeof *t->val);
}

static size_t et_slot(uint64_t key, size_t mask)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & mask;
}

static void et_put(struct edge_table *t, uint64_t key, uint32_t val)
{
	size_t mask = t->cap - 1, i = et_slot(key, mask);
	while (t->val[i] != UINT32_MAX)
		i = (i + 1) & mask;
	t->key[i] = key;
	t->val[i] = val;
	t->n++;
}

static void et_grow(struct edge_table *t)
{
	struct edge_table old = *t;
	et_init(t, old.cap * 2);
	for (size_t i = 0; i < old.cap; i++)
		if (old.val[i] != UINT32_MAX)
			et_put(t, old.key[i], old.val[i]);
	free(old.key);
	free(old.val);
}

static uint32_t et_get(const struct edge_table *t, uint64_t key)
{
	size_t mask = t->cap - 1;
	for (size_t i = et_slot(key, mask);; i = (i + 1) & mask) {
		if (t->val[i] == UINT32_MAX)
			return UINT32_MAX;
		if (t->key[i] == key)
			return t->val[i];
	}
}

static void et_free(struct edge_table *t)
{
	free(t->key);
	free(t->val);
}

/* ---- nodes ---- */

/*
 * pprof's trimPath: with no trim_path, strip up to a source_path
 * directory's base name found in the path; then strip trim_path prefixes
 * and /proc/self/cwd/.
 */
static void trim_path(const char *path, const char *trim, const char *search, struct strbuf *out)
{
	sb_reset(out);
	if (!trim[0] && search[0]) {
		const char *d = search;
		for (;;) {
			size_t n = strcspn(d, ":");
			struct strbuf dir = STRBUF_INIT, base = STRBUF_INIT, want = STRBUF_INIT;
			sb_addn(&dir, d, n);
			path_base(sb_cstr(&dir), &base);
			sb_addf(&want, "/%s/", sb_cstr(&base));
			const char *found = strstr(path, sb_cstr(&want));
			size_t wl = want.len;
			sb_free(&dir);
			sb_free(&base);
			sb_free(&want);
			if (found) {
				sb_adds(out, found + wl);
				return;
			}
			if (!d[n])
				break;
			d += n + 1;
		}
	}
	const char *t = trim;
	for (;;) {
		size_t n = strcspn(t, ":");
		if (n > 0 || t[n]) { /* SplitList of "" is empty */
			struct strbuf pre = STRBUF_INIT;
			sb_addn(&pre, t, n);
			if (!pre.len || pre.s[pre.len - 1] != '/')
				sb_addc(&pre, '/');
			if (str_has_prefix(path, sb_cstr(&pre))) {
				sb_adds(out, path + pre.len);
				sb_free(&pre);
				return;
			}
			sb_free(&pre);
		}
		if (!t[n])
			break;
		t += n + 1;
	}
	static const char *const cwd[] = { "/proc/self/cwd/./", "/proc/self/cwd/" };
	for (int i = 0; i < 2; i++)
		if (str_has_prefix(path, cwd[i])) {
			sb_adds(out, path + strlen(cwd[i]));
			return;
		}
	sb_adds(out, path);
}

static uint64_t info_hash(const struct node_info *i)
{
	uint64_t h = hash_str(i->name, HASH_SEED);
	h = hash_str(i->orig_name, h);
	h = hash_str(i->file, h);
	h = hash_str(i->objfile, h);
	h = hash_u64(i->address, h);
	h = hash_u64((uint64_t)i->start_line, h);
	h = hash_u64((uint64_t)i->lineno, h);
	return hash_u64((uint64_t)i->columnno, h);
}

static bool info_eq(const struct node_info *a, const struct node_info *b)
{
	return a->address == b->address && a->lineno == b->lineno && a->columnno == b->columnno &&
	       a->start_line == b->start_line && !strcmp(a->name, b->name) && !strcmp(a->orig_name, b->orig_name) &&
	       !strcmp(a->file, b->file) && !strcmp(a->objfile, b->objfile);
}

struct interner {
	struct graph *g;
	struct htab ht;
	size_t cap;
};

struct info_probe {
	const struct graph *g;
	const struct node_info *info;
};

static bool probe_eq(const void *ctx, uint32_t v)
{
	const struct info_probe *pr = ctx;
	return info_eq(&pr->g->node[v].info, pr->info);
}

static uint32_t intern(struct interner *in, const struct node_info *info)
{
	struct graph *g = in->g;
	struct info_probe pr = { g, info };
	uint64_t h = info_hash(info);
	uint32_t found = htab_find(&in->ht, h, probe_eq, &pr);
	if (found != UINT32_MAX)
		return found;
	GROW(g->node, in->cap, g->n_node + 1);
	uint32_t id = (uint32_t)g->n_node++;
	memset(&g->node[id], 0, sizeof g->node[id]);
	g->node[id].info = *info;
	htab_insert(&in->ht, h, id);
	if (info->address == 0 && info->lineno == 0) {
		g->node[id].function = id;
	} else {
		struct node_info f = *info;
		f.address = 0;
		f.lineno = 0;
		f.columnno = 0;
		uint32_t fid = intern(in, &f);
		g->node[id].function = fid;
	}
	return id;
}

/* Each function's file name as nodes show it: trimmed, then cleaned. */
static const char **function_files(struct graph *g)
{
	const struct profile *p = g->p;
	const char **files = arena_array(g->arena, p->n_function, sizeof *files);
	struct strbuf t = STRBUF_INIT, c = STRBUF_INIT;
	for (size_t i = 0; i < p->n_function; i++) {
		const char *f = p->function[i].filename;
		if (!f[0]) {
			files[i] = "";
			continue;
		}
		if (g->o.trim_path) {
			trim_path(f, g->o.trim_path, g->o.source_path ? g->o.source_path : "", &t);
			path_clean(sb_cstr(&t), &c);
		} else {
			path_clean(f, &c);
		}
		files[i] = arena_strdup(g->arena, sb_cstr(&c));
	}
	sb_free(&t);
	sb_free(&c);
	return files;
}

static void intern_nodes(struct graph *g)
{
	const struct profile *p = g->p;
	const char **files = function_files(g);
	struct interner in = { g, { 0 }, 0 };
	htab_init(&in.ht, p->n_location);
	g->loc_frame = arena_array(g->arena, p->n_location + 1, sizeof *g->loc_frame);
	size_t nframes = 0;
	for (size_t i = 0; i < p->n_location; i++) {
		g->loc_frame[i] = nframes;
		nframes += p->location[i].n_line ? p->location[i].n_line : 1;
	}
	g->loc_frame[p->n_location] = nframes;
	g->frame_node = arena_array(g->arena, nframes, sizeof *g->frame_node);
	for (size_t i = 0; i < p->n_location; i++) {
		const struct location *l = &p->location[i];
		const char *objfile = l->mapping != NO_INDEX ? p->mapping[l->mapping].file : "";
		uint32_t *fn = g->frame_node + g->loc_frame[i];
		if (l->n_line == 0) {
			struct node_info info = { "", "", "", objfile, l->address, 0, 0, 0 };
			fn[0] = intern(&in, &info);
			continue;
		}
		for (uint32_t j = 0; j < l->n_line; j++) {
			const struct line *ln = &l->line[j];
			const struct function *f = &p->function[ln->function];
			struct node_info info = { f->name, "", files[ln->function], "", l->address, 0, ln->line,
						  ln->column };
			if (g->o.obj_names || !f->name[0]) {
				info.objfile = objfile;
				info.start_line = f->start_line;
			}
			fn[j] = intern(&in, &info);
		}
	}
	htab_free(&in.ht);
}

struct graph *graph_nodes(const struct profile *p, const struct graph_options *o)
{
	struct graph *g = xcalloc(1, sizeof *g);
	g->p = p;
	g->o = *o;
	g->arena = arena_new();
	g->edges = xcalloc(1, sizeof *g->edges);
	et_init(g->edges, 16);
	intern_nodes(g);
	return g;
}

struct graph *graph_new(const struct profile *p, const struct graph_options *o)
{
	struct graph *g = graph_nodes(p, o);
	graph_build(g, NULL);
	return g;
}

static void free_adjacency(struct graph *g)
{
	for (size_t i = 0; i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		free(n->in);
		free(n->out);
		n->in = n->out = NULL;
		n->n_in = n->n_out = n->cap_in = n->cap_out = 0;
	}
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	free_adjacency(g);
	for (size_t i = 0; i < g->n_node; i++) {
		free(g->node[i].printable);
		free(g->node[i].sortkey);
	}
	free(g->node);
	free(g->list);
	free(g->edge);
	et_free(g->edges);
	free(g->edges);
	arena_free(g->arena);
	free(g);
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

static void push(uint32_t **arr, uint32_t *n, uint32_t *cap, uint32_t v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*arr = xreallocarray(*arr, *cap, sizeof **arr);
	}
	(*arr)[(*n)++] = v;
}

static void link_edges(struct graph *g)
{
	for (size_t e = 0; e < g->n_edge; e++) {
		struct gedge *ed = &g->edge[e];
		struct gnode *s = &g->node[ed->src], *d = &g->node[ed->dest];
		push(&s->out, &s->n_out, &s->cap_out, (uint32_t)e);
		push(&d->in, &d->n_in, &d->cap_in, (uint32_t)e);
	}
}

static bool is_negative(const struct gnode *n)
{
	return n->flat < 0 || (n->flat == 0 && n->cum < 0);
}

void graph_build(struct graph *g, const bool *kept)
{
	const struct profile *p = g->p;
	free_adjacency(g);
	for (size_t i = 0; i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		n->flat = n->flat_div = n->cum = n->cum_div = 0;
	}
	g->n_edge = 0;
	et_free(g->edges);
	et_init(g->edges, 1024);

	uint32_t *frame = g->frame_node;
	uint32_t *masked = NULL;
	if (kept) {
		size_t nf = g->loc_frame[p->n_location];
		masked = xmalloc((nf ? nf : 1) * sizeof *masked);
		for (size_t i = 0; i < nf; i++)
			masked[i] = kept[frame[i]] ? frame[i] : NO_INDEX;
		frame = masked;
	}
	uint32_t *node_seen = xcalloc(g->n_node + 1, sizeof *node_seen);
	uint32_t *edge_seen = NULL;
	size_t cap_seen = 0;
	int vi = g->o.value_index, mi = g->o.mean_index;
	uint32_t stamp = 0;
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		int64_t w = sm->value[vi], dw = mi >= 0 ? sm->value[mi] : 0;
		if (w == 0 && dw == 0)
			continue;
		stamp++;
		uint32_t parent = NO_INDEX;
		bool residual = false;
		for (uint32_t i = sm->n_loc; i-- > 0;) {
			uint32_t loc = sm->loc[i];
			const uint32_t *fn = frame + g->loc_frame[loc];
			uint32_t nf = (uint32_t)(g->loc_frame[loc + 1] - g->loc_frame[loc]);
			for (uint32_t ni = nf; ni-- > 0;) {
				uint32_t n = fn[ni];
				if (n == NO_INDEX) {
					residual = true;
					continue;
				}
				if (node_seen[n] != stamp) {
					node_seen[n] = stamp;
					g->node[n].cum += w;
					g->node[n].cum_div += dw;
				}
				if (parent != NO_INDEX && n != parent) {
					uint32_t e = et_get(g->edges, (uint64_t)parent << 32 | n);
					if (e == UINT32_MAX) {
						e = add_edge(g, parent, n);
						if (g->n_edge > cap_seen) {
							size_t old = cap_seen;
							GROW(edge_seen, cap_seen, g->n_edge);
							memset(edge_seen + old, 0, (cap_seen - old) * sizeof *edge_seen);
						}
					}
					if (edge_seen[e] != stamp) {
						edge_seen[e] = stamp;
						struct gedge *ed = &g->edge[e];
						ed->weight += w;
						ed->weight_div += dw;
						if (residual)
							ed->residual = true;
						if (ni == nf - 1)
							ed->inline_ = false;
					}
				}
				parent = n;
				residual = false;
			}
		}
		if (parent != NO_INDEX && !residual) {
			g->node[parent].flat += w;
			g->node[parent].flat_div += dw;
		}
	}
	free(node_seen);
	free(edge_seen);
	free(masked);
	link_edges(g);

	free(g->list);
	g->list = xmalloc((g->n_node + 1) * sizeof *g->list);
	g->n = 0;
	for (size_t i = 0; i < g->n_node; i++) {
		const struct gnode *n = &g->node[i];
		if (kept && !kept[i])
			continue;
		if (n->cum == 0 && n->flat == 0)
			continue;
		if (g->o.drop_negative && is_negative(n))
			continue;
		g->list[g->n++] = (uint32_t)i;
	}
}

/* ---- names and ordering ---- */

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

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int cmp_names(struct graph *g, uint32_t x, uint32_t y)
{
	const struct node_info *a = &g->node[x].info, *b = &g->node[y].info;
	if (a->address && b->address && a->address != b->address)
		return a->address < b->address ? -1 : 1;
	int c = strcmp(graph_printable(g, x), graph_printable(g, y));
	if (c)
		return c;
	return strcmp(sortkey(g, x), sortkey(g, y));
}

struct sort_ctx {
	struct graph *g;
	int64_t *score;
};

static int cmp_flat(const void *ctx, uint32_t x, uint32_t y)
{
	const struct sort_ctx *c = ctx;
	int64_t a = abs64(c->g->node[x].flat), b = abs64(c->g->node[y].flat);
	if (a != b)
		return a > b ? -1 : 1;
	return cmp_names(c->g, x, y);
}

static int cmp_score(const void *ctx, uint32_t x, uint32_t y)
{
	const struct sort_ctx *c = ctx;
	int64_t a = abs64(c->score[x]), b = abs64(c->score[y]);
	if (a != b)
		return a > b ? -1 : 1;
	return cmp_names(c->g, x, y);
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
	return (int64_t)(score * (double)n->cum) + n->flat;
}

void graph_sort(struct graph *g, enum node_order order)
{
	struct sort_ctx c = { g, NULL };
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
	int c = strcmp(graph_printable(g, a->src), graph_printable(g, b->src));
	if (c)
		return c;
	return strcmp(graph_printable(g, a->dest), graph_printable(g, b->dest));
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
