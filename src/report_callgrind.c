/*
 * report_callgrind: -callgrind, the untrimmed graph in the format of
 * valgrind's callgrind tool (what KCachegrind reads), as pprof writes it:
 * a cost line per node at its address and line, and a call record per
 * out-edge, with callgrind's name and position compression.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"

/*
 * names: callgrind's name compression. A name is written "(N) name" the
 * first time and "(N)" after; each kind of name (ob, fl, fn) counts apart.
 */
struct names {
	struct htab ht;
	const char **name;
	size_t n, cap;
};

struct name_probe {
	const struct names *t;
	const char *s;
};

static bool name_eq(const void *ctx, uint32_t v)
{
	const struct name_probe *pr = ctx;
	return !strcmp(pr->t->name[v], pr->s);
}

/* compress writes name as callgrind's compression scheme has it into buf. */
static void compress(struct names *t, const char *name, struct strbuf *out)
{
	sb_reset(out);
	if (!name[0])
		return;
	uint64_t h = hash_str(name, HASH_SEED);
	struct name_probe pr = { t, name };
	uint32_t id = htab_find(&t->ht, h, name_eq, &pr);
	if (id != UINT32_MAX) {
		sb_addf(out, "(%" PRIu32 ")", id + 1);
		return;
	}
	GROW(t->name, t->cap, t->n + 1);
	t->name[t->n] = name;
	htab_insert(&t->ht, h, (uint32_t)t->n);
	t->n++;
	sb_addf(out, "(%zu) %s", t->n, name);
}

static void names_free(struct names *t)
{
	htab_free(&t->ht);
	free(t->name);
}

struct group_probe {
	const struct graph *g;
	const struct node_info *info;
};

static bool same_group(const void *ctx, uint32_t v)
{
	const struct group_probe *pr = ctx;
	const struct node_info *o = &pr->g->node[pr->g->list[v]].info;
	return !strcmp(o->name, pr->info->name) && !strcmp(o->file, pr->info->file);
}

/*
 * disambiguate is pprof's getDisambiguatedNames: callgrind merges functions
 * with the same file and name, so nodes of different functions sharing
 * them get a " [i/n]" suffix, numbered in the order the functions appear.
 * Names are indexed by node; nodes not in the graph get NULL.
 */
static char **disambiguate(struct graph *g)
{
	char **names = xcalloc(g->n_node + 1, sizeof *names);
	uint32_t *index = xcalloc(g->n_node + 1, sizeof *index); /* function → 1-based index in its group */
	uint32_t *group_size = xcalloc(g->n + 1, sizeof *group_size);
	uint32_t *group = xcalloc(g->n + 1, sizeof *group); /* list position → its group's first position */
	struct htab ht;
	htab_init(&ht, g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct node_info *in = &g->node[g->list[i]].info;
		uint64_t h = hash_str(in->name, hash_str(in->file, HASH_SEED));
		struct group_probe pr = { g, in };
		uint32_t first = htab_find(&ht, h, same_group, &pr);
		if (first == UINT32_MAX) {
			first = (uint32_t)i;
			htab_insert(&ht, h, first);
		}
		group[i] = first;
		/* a function has the file and name of its nodes, so it is in one group */
		uint32_t f = g->node[g->list[i]].function;
		if (!index[f])
			index[f] = ++group_size[first];
	}
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		struct strbuf b = STRBUF_INIT;
		sb_adds(&b, g->node[id].info.name);
		if (group_size[group[i]] > 1)
			sb_addf(&b, " [%" PRIu32 "/%" PRIu32 "]", index[g->node[id].function], group_size[group[i]]);
		names[id] = b.s ? b.s : xstrdup("");
	}
	htab_free(&ht);
	free(index);
	free(group_size);
	free(group);
	return names;
}

/* address is pprof's callgrindAddress: "*" for the same address, +/-offset when shorter than 0x... */
static void address(const struct node_info *prev, uint64_t curr, char *buf, size_t size)
{
	char abs[32], rel[32];
	snprintf(abs, sizeof abs, "0x%" PRIx64, curr);
	if (!prev) {
		snprintf(buf, size, "%s", abs);
		return;
	}
	if (prev->address == curr) {
		snprintf(buf, size, "*");
		return;
	}
	snprintf(rel, sizeof rel, "%+" PRId64, (int64_t)(curr - prev->address));
	snprintf(buf, size, "%s", strlen(rel) < strlen(abs) ? rel : abs);
}

static int64_t scaled(const struct report *r, int64_t v)
{
	const char *unit;
	return go_int64(units_scale(v, r->sample_unit, r->output_unit, &unit));
}

int report_callgrind(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	r->o.nodefraction = 0;
	r->o.edgefraction = 0;
	r->o.nodecount = 0;
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	char **callee_names = disambiguate(g);
	fprintf(out, "positions: instr line\n");
	fprintf(out, "events: %s(%s)\n", r->sample_type, r->output_unit);
	struct names objfiles = { 0 }, files = { 0 }, funcs = { 0 };
	htab_init(&objfiles.ht, 16);
	htab_init(&files.ht, 64);
	htab_init(&funcs.ht, 64);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	const struct node_info *prev = NULL;
	char addr[40];
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		const struct node_info *in = &g->node[id].info;
		if (!prev || strcmp(in->objfile, prev->objfile) || strcmp(in->file, prev->file) ||
		    strcmp(in->name, prev->name)) {
			compress(&objfiles, in->objfile, &a);
			compress(&files, in->file, &b);
			compress(&funcs, in->name, &c);
			fprintf(out, "\nob=%s\nfl=%s\nfn=%s\n", sb_cstr(&a), sb_cstr(&b), sb_cstr(&c));
		}
		address(prev, in->address, addr, sizeof addr);
		fprintf(out, "%s %" PRId64 " %" PRId64 "\n", addr, in->lineno, scaled(r, node_flat(&g->node[id])));
		uint32_t *edges;
		size_t n = graph_sorted_edges(g, id, false, &edges);
		for (size_t k = 0; k < n; k++) {
			const struct gedge *e = &g->edge[edges[k]];
			const struct node_info *callee = &g->node[e->dest].info;
			compress(&files, callee->file, &b);
			compress(&funcs, callee_names[e->dest] ? callee_names[e->dest] : "", &c);
			address(prev, callee->address, addr, sizeof addr);
			/* pprof has no cost for the call itself: calls=0 */
			fprintf(out, "cfl=%s\ncfn=%s\ncalls=0 %s %" PRId64 "\n* * %" PRId64 "\n", sb_cstr(&b), sb_cstr(&c),
				addr, callee->lineno, scaled(r, e->weight));
		}
		free(edges);
		prev = in;
	}
	sb_free(&a);
	sb_free(&b);
	sb_free(&c);
	names_free(&objfiles);
	names_free(&files);
	names_free(&funcs);
	for (size_t i = 0; i < g->n_node; i++)
		free(callee_names[i]);
	free(callee_names);
	graph_free(g);
	return 0;
}
