/*
 * graph: the graph stage's core. Interns every location line of the
 * profile as a node, then builds the graph from the samples: the nodes'
 * values and the edges between the kept nodes, on two threads for large
 * profiles; and frees it.
 */
#include "graph_int.h"

#include "re.h"

#include <stdlib.h>
#include <string.h>

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
	uint32_t *function_node = xmalloc((p->n_function + 1) * sizeof *function_node);
	memset(function_node, 0xff, (p->n_function + 1) * sizeof *function_node);
	/* with o.only, whether each function's name matches: 0 not known yet, 1 yes, 2 no */
	uint8_t *match = g->o.only ? xcalloc(p->n_function + 1, 1) : NULL;
	bool nameless = !g->o.only || re_match(g->o.only, "");
	for (size_t i = 0; i < p->n_location; i++) {
		const struct location *l = &p->location[i];
		const char *objfile = l->mapping != NO_INDEX ? p->mapping[l->mapping].file : "";
		uint32_t *fn = g->frame_node + g->loc_frame[i];
		if (l->n_line == 0) {
			struct node_info info = { "", "", "", objfile, l->address, 0, 0, 0 };
			fn[0] = nameless ? intern(&in, &info) : NO_INDEX;
			continue;
		}
		for (uint32_t j = 0; j < l->n_line; j++) {
			const struct line *ln = &l->line[j];
			const struct function *f = &p->function[ln->function];
			if (match && !match[ln->function])
				match[ln->function] = re_match(g->o.only, f->name) ? 1 : 2;
			if (match && match[ln->function] == 2) {
				fn[j] = NO_INDEX;
				continue;
			}
			struct node_info info = { f->name, "", files[ln->function], "", l->address, 0, ln->line,
						  ln->column };
			bool own = g->o.obj_names || !f->name[0];
			if (own) {
				info.objfile = objfile;
				info.start_line = f->start_line;
			}
			/* a node of the function alone (no address, line or object) is found once per function */
			bool by_function = !own && l->address == 0 && ln->line == 0 && ln->column == 0;
			if (by_function && function_node[ln->function] != NO_INDEX) {
				fn[j] = function_node[ln->function];
				continue;
			}
			fn[j] = intern(&in, &info);
			if (by_function)
				function_node[ln->function] = fn[j];
		}
	}
	htab_free(&in.ht);
	free(function_node);
	free(match);
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
	free(g->tag);
	free(g->node_tag_off);
	free(g->node_tags);
	free(g->tagged);
	strset_free(&g->label_set);
	strset_free(&g->tag_name);
	graph_free(g->base);
	arena_free(g->arena);
	free(g);
}

void graph_link_edges(struct graph *g)
{
	for (size_t e = 0; e < g->n_edge; e++) {
		struct gedge *ed = &g->edge[e];
		struct gnode *s = &g->node[ed->src], *d = &g->node[ed->dest];
		push(&s->out, &s->n_out, &s->cap_out, (uint32_t)e);
		push(&d->in, &d->n_in, &d->cap_in, (uint32_t)e);
	}
}

/* A node's sums while building: kept apart from struct gnode so the hot loop touches less memory. */
struct acc {
	int64_t cum, cum_div, flat, flat_div;
	uint32_t seen; /* the last sample that added to cum */
};

/* The edges one builder finds, in the order it first meets them. */
struct edge_set {
	struct gedge *edge;
	size_t n, cap;
	struct edge_table table;
	uint32_t *seen; /* the last sample that added to each edge */
	size_t cap_seen;
};

static void es_init(struct edge_set *es)
{
	memset(es, 0, sizeof *es);
	et_init(&es->table, 1024);
}

static void es_free(struct edge_set *es)
{
	free(es->edge);
	free(es->seen);
	et_free(&es->table);
}

static uint32_t es_add(struct edge_set *es, uint32_t src, uint32_t dest)
{
	if ((es->table.n + 1) * 2 > es->table.cap)
		et_grow(&es->table);
	GROW(es->edge, es->cap, es->n + 1);
	uint32_t id = (uint32_t)es->n++;
	es->edge[id] = (struct gedge){ src, dest, 0, 0, false, true, false };
	et_put(&es->table, (uint64_t)src << 32 | dest, id);
	if (es->n > es->cap_seen) {
		size_t old = es->cap_seen;
		GROW(es->seen, es->cap_seen, es->n);
		memset(es->seen + old, 0, (es->cap_seen - old) * sizeof *es->seen);
	}
	return id;
}

static uint32_t es_find(struct edge_set *es, uint32_t src, uint32_t dest)
{
	uint32_t e = et_get(&es->table, (uint64_t)src << 32 | dest);
	return e != UINT32_MAX ? e : es_add(es, src, dest);
}

/*
 * head[loc] is the node of a location with one frame (NO_INDEX when it is
 * dropped) and MULTI for the others, whose nodes are in frame: one lookup
 * instead of two for most frames, in a table that stays in cache.
 */
#define MULTI 0x80000000u

static uint32_t *frame_heads(const struct graph *g, const uint32_t *frame)
{
	size_t n = g->p->n_location;
	uint32_t *head = xmalloc((n + 1) * sizeof *head);
	for (size_t i = 0; i < n; i++) {
		size_t f = g->loc_frame[i];
		head[i] = g->loc_frame[i + 1] - f == 1 ? frame[f] : MULTI;
	}
	return head;
}

/*
 * Builds keeping at most this many nodes index their edges by a table of
 * node pairs (4 MB), and sum their label set tags in a table of node and
 * set while there are at most DENSE_TAGS of those pairs (8 MB).
 */
enum { DENSE_NODES = 1024, DENSE_TAGS = 1 << 17 };

/* One builder's share: the samples [first, last). */
struct build_job {
	const struct graph *g;
	const uint32_t *frame, *head;
	size_t first, last;
	bool sums;
	struct acc *acc;
	struct edge_set es;
	/*
	 * With few kept nodes and no sums, frame holds dense ids (node_of
	 * maps them back) and pair[from * n_dense + to] caches edge ids: a
	 * lookup that stays in cache where the edge hash would miss.
	 */
	const uint32_t *node_of;
	size_t n_dense;
	uint32_t *pair;
	/*
	 * gather: with dense ids, the tags of the kept nodes are gathered in
	 * the same walk (tag_seen: the last sample that added to each node's).
	 */
	bool gather;
	struct tag_store tags;
	uint32_t *tag_seen;
	/*
	 * set_cum[set * n_dense + d] (and set_more): the label set tags of
	 * the dense nodes (a sample adds to one row), made into tags after
	 * the walk; NULL when too large. A numeric tag keeps the value it was
	 * first met with, so those are found by hash in sample order.
	 */
	int64_t *set_cum; /* apart: the one sum every frame adds to */
	struct set_more { int64_t cum_div, flat, flat_div; } *set_more;
	bool *set_seen;
	const bool *around; /* only edges from or to these nodes; NULL: all */
	/*
	 * NULL, or (around, no sums) whether each location has a frame of
	 * an around node: a sample with none adds no edge, and is skipped.
	 */
	const bool *loc_around;
};

/*
 * The tags one sample adds to: its label set's row of set_cum (NULL: no
 * set, or no table), and whether it has numeric tags.
 */
struct sample_tags {
	bool labelled;
	int64_t *row; /* into set_cum, set_more and set_seen */
	struct set_more *row_more;
	bool *row_seen;
	bool nums;
};

static struct sample_tags sample_tags(const struct build_job *j, size_t s)
{
	const struct graph *g = j->g;
	struct sample_tags t = { false, NULL, NULL, NULL, false };
	if (!j->gather)
		return t;
	uint32_t set = g->sample_set[s];
	t.nums = g->sample_num_off[s] != g->sample_num_off[s + 1];
	t.labelled = set != 0 || t.nums;
	if (set != 0 && j->set_cum) {
		t.row = j->set_cum + (size_t)set * j->n_dense;
		t.row_more = j->set_more + (size_t)set * j->n_dense;
		t.row_seen = j->set_seen + (size_t)set * j->n_dense;
	}
	return t;
}

/* job_add_tags is graph_add_tags for dense node d. */
static inline void job_add_tags(struct build_job *j, const struct sample_tags *t, uint32_t d, size_t s, int64_t w,
				int64_t dw, bool flat)
{
	const struct graph *g = j->g;
	uint32_t set = g->sample_set[s], node = j->node_of[d];
	if (t->row) {
		t->row_seen[d] = true;
		if (flat) {
			t->row_more[d].flat += w;
			t->row_more[d].flat_div += dw;
		} else {
			t->row[d] += w;
			if (dw)
				t->row_more[d].cum_div += dw;
		}
	} else if (set != 0) {
		bump(tag_store_find(&j->tags, node, set, NO_INDEX, 0), w, dw, flat);
	}
	for (size_t k = g->sample_num_off[s]; t->nums && k < g->sample_num_off[s + 1]; k++)
		bump(tag_store_find(&j->tags, node, set, g->sample_num[k].name, g->sample_num[k].value), w, dw, flat);
}

/* store_set_tags moves the job's label set tags into its tag store. */
static void store_set_tags(struct build_job *j)
{
	if (!j->set_cum)
		return;
	size_t n = j->g->label_set.n * j->n_dense, seen = 0;
	for (size_t at = 0; at < n; at++)
		seen += j->set_seen[at];
	tag_store_reserve(&j->tags, j->tags.n + seen);
	for (size_t at = 0; at < n; at++) {
		if (!j->set_seen[at])
			continue;
		const struct set_more *f = &j->set_more[at];
		struct gtag *t = tag_store_find(&j->tags, j->node_of[at % j->n_dense], (uint32_t)(at / j->n_dense),
						NO_INDEX, 0);
		t->flat += f->flat;
		t->flat_div += f->flat_div;
		t->cum += j->set_cum[at];
		t->cum_div += f->cum_div;
	}
}

/* job_edge finds (or adds) the builder's edge from → to. */
static inline uint32_t job_edge(struct build_job *j, uint32_t from, uint32_t to)
{
	if (!j->pair)
		return es_find(&j->es, from, to);
	uint32_t *slot = &j->pair[(size_t)from * j->n_dense + to];
	if (*slot == UINT32_MAX)
		*slot = es_add(&j->es, j->node_of[from], j->node_of[to]);
	return *slot;
}

/* One sample's walk through accumulate. */
struct walk {
	size_t s;
	int64_t w, dw;
	uint32_t stamp, parent;
	bool residual;
	struct sample_tags tags;
};

/* visit adds frame node n (NO_INDEX: dropped) to the walk; outer: n is its location's outermost frame. */
static inline __attribute__((always_inline)) void visit(struct build_job *j, struct walk *k, uint32_t n, bool outer)
{
	if (n == NO_INDEX) {
		k->residual = true;
		return;
	}
	struct acc *acc = j->acc;
	if (j->sums && acc[n].seen != k->stamp) {
		acc[n].seen = k->stamp;
		acc[n].cum += k->w;
		acc[n].cum_div += k->dw;
	}
	if (k->parent != NO_INDEX && n != k->parent && (!j->around || j->around[n] || j->around[k->parent])) {
		uint32_t e = job_edge(j, k->parent, n);
		if (j->es.seen[e] != k->stamp) {
			j->es.seen[e] = k->stamp;
			struct gedge *ed = &j->es.edge[e];
			ed->weight += k->w;
			ed->weight_div += k->dw;
			if (k->residual)
				ed->residual = true;
			if (outer)
				ed->inline_ = false;
		}
	}
	if (k->tags.labelled && j->tag_seen[n] != k->stamp) {
		j->tag_seen[n] = k->stamp;
		job_add_tags(j, &k->tags, n, k->s, k->w, k->dw, false);
	}
	k->parent = n;
	k->residual = false;
}

/*
 * accumulate adds the samples into the edges (and the nodes' values, if
 * sums) as pprof's newGraph does: cum once per node per sample, flat to the leaf
 * unless the leaf was dropped, and an edge per distinct pair of kept nodes
 * adjacent in a sample, residual when dropped nodes lay between them.
 */
static void *accumulate(void *arg)
{
	struct build_job *j = arg;
	const struct graph *g = j->g;
	const struct profile *p = g->p;
	const uint32_t *frame = j->frame, *head = j->head;
	const size_t *loc_frame = g->loc_frame;
	struct acc *acc = j->acc;
	struct walk k = { 0, 0, 0, 0, NO_INDEX, false, { false, NULL, NULL, NULL, false } };
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &p->sample[s];
		if (!graph_weights(g, sm, &k.w, &k.dw))
			continue;
		if (j->loc_around && !sample_holds(sm, j->loc_around))
			continue;
		k.s = s;
		k.stamp++;
		k.parent = NO_INDEX;
		k.residual = false;
		k.tags = sample_tags(j, s);
		for (uint32_t i = sm->n_loc; i-- > 0;) {
			uint32_t loc = sm->loc[i], h = head[loc];
			if (h != MULTI) {
				visit(j, &k, h, true);
				continue;
			}
			/* outermost last: the edges between a location's frames are inline */
			for (size_t f = loc_frame[loc + 1]; f-- > loc_frame[loc];)
				visit(j, &k, frame[f], f == loc_frame[loc + 1] - 1);
		}
		uint32_t parent = k.parent;
		if (parent != NO_INDEX && !k.residual) {
			if (j->sums) {
				acc[parent].flat += k.w;
				acc[parent].flat_div += k.dw;
			}
			if (k.tags.labelled)
				job_add_tags(j, &k.tags, parent, s, k.w, k.dw, true);
		}
	}
	if (j->gather)
		store_set_tags(j);
	return NULL;
}

/* One hot stack's place in a walk: the first sample it stands for that the walk takes. */
struct stack_turn {
	uint32_t first, stack;
};

static int cmp_turn(const void *a, const void *b)
{
	const struct stack_turn *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * accumulate_stacks is accumulate over hot stacks (graph_hot.c) for a
 * build whose kept nodes are all hot (dense ids: id[node], NO_INDEX for
 * the others): each stack once, with its samples' summed values, in the
 * order of the first sample of each that accumulate would take.
 */
static void accumulate_stacks(struct build_job *j, const struct hot_stacks *hs, const uint32_t *id)
{
	const struct graph *g = j->g;
	size_t nc = hs->n_col, vi = (size_t)g->o.value_index;
	int mi = g->o.mean_index;
	struct stack_turn *turn = xmalloc((hs->n + 1) * sizeof *turn);
	size_t n = 0;
	bool sorted = true;
	for (size_t s = 0; s < hs->n; s++) {
		uint32_t first = hs->first[s * nc + vi];
		if (mi >= 0 && hs->first[s * nc + (size_t)mi] < first)
			first = hs->first[s * nc + (size_t)mi];
		if (first == UINT32_MAX)
			continue; /* no sample of it adds anything */
		sorted &= n == 0 || turn[n - 1].first < first;
		turn[n++] = (struct stack_turn){ first, (uint32_t)s };
	}
	if (!sorted)
		qsort(turn, n, sizeof *turn, cmp_turn);
	struct walk k = { 0, 0, 0, 0, NO_INDEX, false, { false, NULL, NULL, NULL, false } };
	for (size_t t = 0; t < n; t++) {
		size_t s = turn[t].stack;
		k.w = hs->weight[s * nc + vi];
		k.dw = mi >= 0 ? hs->weight[s * nc + (size_t)mi] : 0;
		k.stamp++;
		k.parent = NO_INDEX;
		k.residual = false;
		for (size_t e = hs->off[s]; e < hs->off[s + 1]; e++) {
			uint32_t el = hs->elem[e];
			if (el == HOT_GAP)
				visit(j, &k, NO_INDEX, false);
			else
				visit(j, &k, id[el & ~HOT_OUTER], (el & HOT_OUTER) != 0);
		}
	}
	free(turn);
}

/*
 * One summing walker's share: the walk that finds every node's values
 * (graph_build_values) and nothing else, for n_col sample value columns
 * at once (the graph cache sums every column in one walk). Its tables
 * stay in the core's cache: heads, and a node's stamp and cum values
 * side by side (cs: n_col + 1 words a node, the stamp first); flat
 * values apart (a sample adds to one flat). With the 40-byte acc of
 * accumulate it took 0.19 s on the 46 MB bench profile, 0.14 s like this.
 */
struct sum_job {
	const struct graph *g;
	const uint32_t *head;
	size_t first, last;
	const int *col;
	size_t n_col;
	int64_t *cs;   /* [node * (n_col + 1)]: the last sample's stamp, then cum per column */
	int64_t *flat; /* [node * n_col + column] */
	int64_t *is;   /* NULL, or as cs: the sum of |value| of the samples where the node is an inlined frame */
	/*
	 * The frames' nodes: the graph's, or for a graph of some nodes (o.only)
	 * a copy with n_node (a row of its own) for the others; and then
	 * whether each location has a node's frame (NULL: all), samples
	 * without one being skipped.
	 */
	const uint32_t *frame;
	const bool *holds;
};

/*
 * sum_node adds a sample's values w[0..nc) to the cum of node n in cs
 * (the stamp, then nc values, per node) unless it did for this sample.
 */
static inline __attribute__((always_inline)) void sum_node(int64_t *cs, size_t nc, uint32_t n, int64_t stamp,
							  const int64_t *w)
{
	int64_t *c = cs + (size_t)n * (nc + 1);
	if (c[0] == stamp)
		return;
	c[0] = stamp;
	for (size_t k = 0; k < nc; k++)
		c[1 + k] += w[k];
}

/*
 * sum_range is sum_samples' walk for nc columns, w holding a sample's
 * values and wabs their absolute values (for the inlined sums); inlined
 * with nc a constant, the values stay in registers.
 */
static inline __attribute__((always_inline)) void sum_range(struct sum_job *j, size_t nc, int64_t *w,
							   int64_t *wabs)
{
	const struct graph *g = j->g;
	const struct sample *sample = g->p->sample;
	const uint32_t *head = j->head, *frame = j->frame;
	const size_t *loc_frame = g->loc_frame;
	const int *col = j->col;
	const bool *holds = j->holds;
	int64_t *cs = j->cs, *is = j->is, *flat = j->flat;
	int64_t stamp = 0;
	for (size_t s = j->first; s < j->last; s++) {
		const struct sample *sm = &sample[s];
		if (sm->n_loc == 0)
			continue;
		if (holds && !sample_holds(sm, holds))
			continue;
		bool any = false;
		for (size_t c = 0; c < nc; c++) {
			w[c] = sm->value[col[c]];
			wabs[c] = w[c] < 0 ? -w[c] : w[c];
			any |= w[c] != 0;
		}
		if (!any)
			continue;
		stamp++;
		const uint32_t *loc = sm->loc;
		for (uint32_t i = sm->n_loc; i-- > 0;) {
			uint32_t h = head[loc[i]];
			if (h != MULTI) {
				sum_node(cs, nc, h, stamp, w);
				continue;
			}
			size_t last = loc_frame[loc[i] + 1] - 1;
			sum_node(cs, nc, frame[last], stamp, w);
			for (size_t f = last; f-- > loc_frame[loc[i]];) {
				sum_node(cs, nc, frame[f], stamp, w);
				if (is) /* an inlined frame */
					sum_node(is, nc, frame[f], stamp, wabs);
			}
		}
		int64_t *leaf = flat + (size_t)frame[loc_frame[loc[0]]] * nc;
		for (size_t c = 0; c < nc; c++)
			leaf[c] += w[c];
	}
}

static void *sum_samples(void *arg)
{
	struct sum_job *j = arg;
	size_t nc = j->n_col;
	if (nc <= 2) {
		int64_t w[2], wabs[2];
		if (nc == 1)
			sum_range(j, 1, w, wabs);
		else
			sum_range(j, 2, w, wabs);
		return NULL;
	}
	int64_t *w = xmalloc(2 * nc * sizeof *w);
	sum_range(j, nc, w, w + nc);
	free(w);
	return NULL;
}

void graph_sum_columns(const struct graph *g, const int *col, size_t n_col, int64_t *flat, int64_t *cum,
		       int64_t *inner)
{
	const struct profile *p = g->p;
	size_t njobs = walkers(p);
	size_t nn = g->n_node + 1;
	uint32_t *frame = g->frame_node;
	bool *holds = NULL;
	if (g->o.only) {
		size_t nf = g->loc_frame[p->n_location];
		frame = xmalloc((nf + 1) * sizeof *frame);
		holds = xcalloc(p->n_location + 1, sizeof *holds);
		for (size_t l = 0; l < p->n_location; l++)
			for (size_t f = g->loc_frame[l]; f < g->loc_frame[l + 1]; f++) {
				holds[l] |= g->frame_node[f] != NO_INDEX;
				frame[f] = g->frame_node[f] != NO_INDEX ? g->frame_node[f] : (uint32_t)g->n_node;
			}
	}
	uint32_t *head = frame_heads(g, frame);
	struct sum_job jobs[2];
	for (size_t k = 0; k < njobs; k++) {
		struct sum_job *j = &jobs[k];
		j->g = g;
		j->head = head;
		j->first = p->n_sample * k / njobs;
		j->last = p->n_sample * (k + 1) / njobs;
		j->col = col;
		j->n_col = n_col;
		j->cs = xcalloc(nn * (n_col + 1), sizeof *j->cs);
		j->flat = k == 0 ? flat : xcalloc(nn * n_col + 1, sizeof *j->flat);
		j->is = inner ? xcalloc(nn * (n_col + 1), sizeof *j->is) : NULL;
		j->frame = frame;
		j->holds = holds;
	}
	memset(flat, 0, nn * n_col * sizeof *flat);
	run_pair(sum_samples, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	for (size_t i = 0; i < g->n_node; i++)
		for (size_t c = 0; c < n_col; c++) {
			int64_t v = 0;
			for (size_t k = 0; k < njobs; k++)
				v += jobs[k].cs[i * (n_col + 1) + 1 + c];
			cum[i * n_col + c] = v;
			for (size_t k = 1; k < njobs; k++)
				flat[i * n_col + c] += jobs[k].flat[i * n_col + c];
			if (!inner)
				continue;
			inner[i * n_col + c] = 0;
			for (size_t k = 0; k < njobs; k++)
				inner[i * n_col + c] += jobs[k].is[i * (n_col + 1) + 1 + c];
		}
	for (size_t k = 0; k < njobs; k++) {
		free(jobs[k].is);
		free(jobs[k].cs);
		if (k > 0)
			free(jobs[k].flat);
	}
	free(head);
	if (frame != g->frame_node)
		free(frame);
	free(holds);
}

/* sum_all sets every node's values: those accumulate finds, keeping every node. */
static void sum_all(struct graph *g)
{
	int col[2] = { g->o.value_index, g->o.mean_index };
	size_t nc = g->o.mean_index >= 0 ? 2 : 1;
	int64_t *flat = xmalloc((g->n_node + 1) * nc * sizeof *flat);
	int64_t *cum = xmalloc((g->n_node + 1) * nc * sizeof *cum);
	/* only the text reports read the bounds, and they name nodes without object names */
	int64_t *inner = g->o.obj_names ? NULL : xmalloc((g->n_node + 1) * nc * sizeof *inner);
	graph_sum_columns(g, col, nc, flat, cum, inner);
	for (size_t i = 0; i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		n->flat = flat[i * nc];
		n->cum = cum[i * nc];
		n->flat_div = nc == 2 ? flat[i * nc + 1] : 0;
		n->cum_div = nc == 2 ? cum[i * nc + 1] : 0;
		n->inlined = inner ? inner[i * nc] : 0;
	}
	free(inner);
	g->inline_bounds = inner != NULL;
	free(flat);
	free(cum);
}

/*
 * fold adds the second builder's edges to the first's. Appending the
 * edges the first did not see, in the second's order, gives exactly the
 * order one builder going through all samples would have found them in.
 */
static void fold_edges(struct edge_set *into, const struct edge_set *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct gedge *f = &from->edge[i];
		uint32_t e = es_find(into, f->src, f->dest); /* first: it may move into's edges */
		struct gedge *t = &into->edge[e];
		t->weight += f->weight;
		t->weight_div += f->weight_div;
		t->residual |= f->residual;
		t->inline_ &= f->inline_;
	}
}

/* graph_list_nodes lists the nodes kept that have values, in node order. */
void graph_list_nodes(struct graph *g, const bool *kept)
{
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

/*
 * graph_build runs the samples through accumulate, on two threads for large
 * profiles (each with its own sums and edges, folded afterwards); the
 * result does not depend on the split. -top on the 46 MB bench profile:
 * the graph stage takes half the wall time it took on one thread.
 */
static void build(struct graph *g, const bool *kept, const bool *around);

void graph_build(struct graph *g, const bool *kept)
{
	build(g, kept, NULL);
}

void graph_build_around(struct graph *g, const bool *around)
{
	build(g, NULL, around);
}

static void build(struct graph *g, const bool *kept, const bool *around)
{
	const struct profile *p = g->p;
	free_adjacency(g);
	g->inline_known = false;

	/*
	 * A node's values do not depend on which other nodes are kept (cum
	 * once per sample on the stack, flat only at the innermost frame):
	 * once they are summed, a rebuild only redoes the edges.
	 */
	bool sums = !g->valued;
	uint32_t *frame = g->frame_node;
	uint32_t *masked = NULL, *node_of = NULL, *id = NULL;
	size_t n_dense = 0;
	if (kept) {
		for (size_t i = 0; i < g->n_node; i++)
			n_dense += kept[i];
		bool dense = !sums && n_dense <= DENSE_NODES;
		if (dense) {
			node_of = xmalloc((n_dense + 1) * sizeof *node_of);
			id = xmalloc((g->n_node + 1) * sizeof *id);
			for (size_t i = 0, k = 0; i < g->n_node; i++) {
				id[i] = kept[i] ? (uint32_t)k : NO_INDEX;
				if (kept[i])
					node_of[k++] = (uint32_t)i;
			}
		}
		size_t nf = g->loc_frame[p->n_location];
		masked = xmalloc((nf ? nf : 1) * sizeof *masked);
		for (size_t i = 0; i < nf; i++)
			masked[i] = !kept[frame[i]] ? NO_INDEX : dense ? id[frame[i]] : frame[i];
		frame = masked;
	}
	/*
	 * The walk that first trims the graph also gathers its nodes' tags:
	 * a separate walk over every labelled sample cost 0.3 s on the 46 MB
	 * bench profile; a node's tags do not depend on the other nodes kept.
	 */
	bool gather = node_of && g->o.tags && !graph_tags_cover(g, kept);
	if (gather && !g->sample_set)
		graph_prepare_tags(g);
	/* a rebuild of few nodes walks the hot stacks of its graph cache, when it has them */
	const struct hot_stacks *hs = node_of && !gather ? graph_hot_for(g, kept) : NULL;
	size_t njobs = hs ? 1 : walkers(p);
	uint32_t *head = frame_heads(g, frame);
	bool *loc_around = NULL;
	if (around && !sums && !gather) {
		loc_around = xcalloc(p->n_location + 1, sizeof *loc_around);
		for (size_t l = 0; l < p->n_location; l++)
			for (size_t f = g->loc_frame[l]; f < g->loc_frame[l + 1]; f++)
				loc_around[l] |= frame[f] != NO_INDEX && around[frame[f]];
	}
	struct build_job jobs[2];
	for (size_t k = 0; k < njobs; k++) {
		struct build_job *j = &jobs[k];
		memset(j, 0, sizeof *j);
		j->g = g;
		j->frame = frame;
		j->head = head;
		j->first = p->n_sample * k / njobs;
		j->last = p->n_sample * (k + 1) / njobs;
		j->sums = sums;
		j->acc = sums ? xcalloc(g->n_node + 1, sizeof *j->acc) : NULL;
		es_init(&j->es);
		j->node_of = node_of;
		j->n_dense = n_dense;
		j->pair = NULL;
		if (node_of) {
			j->pair = xmalloc((n_dense * n_dense + 1) * sizeof *j->pair);
			memset(j->pair, 0xff, (n_dense * n_dense + 1) * sizeof *j->pair);
		}
		j->gather = gather;
		j->around = around;
		j->loc_around = loc_around;
		if (gather) {
			tag_store_init(&j->tags);
			j->tag_seen = xcalloc(n_dense + 1, sizeof *j->tag_seen);
			if (n_dense * g->label_set.n <= DENSE_TAGS) {
				j->set_cum = xcalloc(n_dense * g->label_set.n + 1, sizeof *j->set_cum);
				j->set_more = xcalloc(n_dense * g->label_set.n + 1, sizeof *j->set_more);
				j->set_seen = xcalloc(n_dense * g->label_set.n + 1, sizeof *j->set_seen);
			}
		}
	}
	if (hs)
		accumulate_stacks(&jobs[0], hs, id);
	else
		run_pair(accumulate, &jobs[0], njobs == 2 ? &jobs[1] : NULL);
	if (njobs == 2) {
		fold_edges(&jobs[0].es, &jobs[1].es);
		for (size_t i = 0; sums && i < g->n_node; i++) {
			jobs[0].acc[i].cum += jobs[1].acc[i].cum;
			jobs[0].acc[i].cum_div += jobs[1].acc[i].cum_div;
			jobs[0].acc[i].flat += jobs[1].acc[i].flat;
			jobs[0].acc[i].flat_div += jobs[1].acc[i].flat_div;
		}
	}
	struct acc *acc = jobs[0].acc;
	for (size_t i = 0; sums && i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		n->cum = acc[i].cum;
		n->cum_div = acc[i].cum_div;
		n->flat = acc[i].flat;
		n->flat_div = acc[i].flat_div;
	}
	g->valued |= !kept;
	/* the first builder's edges become the graph's */
	free(g->edge);
	et_free(g->edges);
	g->edge = jobs[0].es.edge;
	g->n_edge = jobs[0].es.n;
	g->cap_edge = jobs[0].es.cap;
	*g->edges = jobs[0].es.table;
	jobs[0].es.edge = NULL;
	free(jobs[0].es.seen);
	if (gather)
		graph_adopt_tags(g, &jobs[0].tags, njobs == 2 ? &jobs[1].tags : NULL, kept);
	for (size_t k = 0; k < njobs; k++) {
		free(jobs[k].acc);
		free(jobs[k].pair);
		free(jobs[k].tag_seen);
		free(jobs[k].set_cum);
		free(jobs[k].set_more);
		free(jobs[k].set_seen);
	}
	free(node_of);
	free(id);
	if (njobs == 2)
		es_free(&jobs[1].es);
	free(masked);
	free(head);
	free(loc_around);
	graph_link_edges(g);
	graph_list_nodes(g, kept);
}

void graph_keep(struct graph *g, const bool *kept)
{
	g->inline_known = false;
	free_adjacency(g);
	g->n_edge = 0;
	et_free(g->edges);
	et_init(g->edges, 16);
	graph_list_nodes(g, kept);
}

void graph_build_flat(struct graph *g)
{
	const struct profile *p = g->p;
	for (size_t i = 0; i < g->n_node; i++) {
		struct gnode *n = &g->node[i];
		n->cum = n->cum_div = n->flat = n->flat_div = 0;
	}
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		int64_t w, dw;
		if (!graph_weights(g, sm, &w, &dw) || sm->n_loc == 0)
			continue;
		struct gnode *leaf = &g->node[g->frame_node[g->loc_frame[sm->loc[0]]]];
		leaf->flat += w;
		leaf->flat_div += dw;
	}
	graph_list_nodes(g, NULL);
}

void graph_build_values(struct graph *g)
{
	free_adjacency(g);
	free(g->edge);
	g->edge = NULL;
	g->n_edge = g->cap_edge = 0;
	et_free(g->edges);
	et_init(g->edges, 16);
	sum_all(g);
	g->valued = true;
	graph_list_nodes(g, NULL);
}
