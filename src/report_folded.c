/*
 * report_folded: Brendan Gregg's folded stacks, the input of
 * flamegraph.pl and of speedscope's import: one line per distinct stack,
 * its frames from the root joined by ';', a space, and the stack's value
 * (the selected sample index, in the sample type's unit, as -traces sums
 * it: divided by the count with -mean; -divide_by and -unit only scale
 * what other reports print). Stacks whose value is zero are left out;
 * with a base, values may be negative. Lines come in the order their
 * stacks are first met in the profile.
 *
 * A frame name cannot hold the format's separators: ';' becomes ':' (as
 * the FlameGraph collapse scripts do) and line breaks become spaces.
 *
 * The output can be far larger than the profile (3.7 GB for the 46 MB
 * bench profile `large`): lines are made in blocks, two blocks at a time
 * on two threads, and each block written whole.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_stack.h"
#include "report.h"

#define BLOCK_STACKS 4096

/* A node's name as a folded frame. */
struct frame_name {
	char *s;
	size_t len;
};

struct folder {
	const struct profile *p;
	const struct stack_set *set;
	const struct frame_name *names;
};

/* One block of lines, made by one thread. */
struct block {
	const struct folder *f;
	size_t first, last; /* stacks */
	char *buf;
	size_t len, cap;
	uint32_t *keys;
	size_t kcap;
};

static void put(struct block *b, const char *s, size_t n)
{
	GROW(b->buf, b->cap, b->len + n);
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static void *fold_block(void *arg)
{
	struct block *b = arg;
	const struct folder *f = b->f;
	b->len = 0;
	for (size_t i = b->first; i < b->last; i++) {
		int64_t v = f->set->value[i];
		if (v == 0)
			continue;
		size_t n = stack_frames(f->set->g, &f->p->sample[f->set->sample[i]], &b->keys, &b->kcap);
		for (size_t k = 0; k < n; k++) {
			const struct frame_name *nm = &f->names[STACK_NODE(b->keys[k])];
			if (k)
				put(b, ";", 1);
			put(b, nm->s, nm->len);
		}
		char num[32];
		put(b, num, (size_t)snprintf(num, sizeof num, " %lld\n", (long long)v));
	}
	return NULL;
}

/* The folded names of every node, made before the threads start (graph_printable caches). */
static struct frame_name *folded_names(struct graph *g)
{
	struct frame_name *names = xcalloc(g->n_node + 1, sizeof *names);
	for (uint32_t i = 0; i < g->n_node; i++) {
		char *s = xstrdup(graph_printable(g, i));
		for (char *c = s; *c; c++) {
			if (*c == ';')
				*c = ':';
			else if (*c == '\n' || *c == '\r')
				*c = ' ';
		}
		names[i] = (struct frame_name){ s, strlen(s) };
	}
	return names;
}

int report_folded(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct graph_options go = report_graph_options(r);
	struct stack_set *set = stack_set_new(r->p, &go);
	struct folder f = { r->p, set, folded_names(set->g) };
	struct block blocks[2];
	memset(blocks, 0, sizeof blocks);
	for (size_t first = 0; first < set->n; first += 2 * BLOCK_STACKS) {
		for (int k = 0; k < 2; k++) {
			blocks[k].f = &f;
			blocks[k].first = first + (size_t)k * BLOCK_STACKS;
			if (blocks[k].first > set->n)
				blocks[k].first = set->n;
			blocks[k].last = blocks[k].first + BLOCK_STACKS;
			if (blocks[k].last > set->n)
				blocks[k].last = set->n;
		}
		run_pair(fold_block, &blocks[0], blocks[1].first < blocks[1].last ? &blocks[1] : NULL);
		for (int k = 0; k < 2; k++)
			if (blocks[k].first < blocks[k].last)
				fwrite(blocks[k].buf, 1, blocks[k].len, out);
	}
	for (int k = 0; k < 2; k++) {
		free(blocks[k].buf);
		free(blocks[k].keys);
	}
	for (size_t i = 0; i < set->g->n_node; i++)
		free(f.names[i].s);
	free((void *)f.names);
	stack_set_free(set);
	return 0;
}
