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
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph_stack.h"
#include "report.h"

#define BLOCK_STACKS 4096

/* A location's frames as folded text, root first, joined by ';'. */
struct segment {
	char *s;
	size_t len;
};

struct folder {
	const struct profile *p;
	const struct stack_set *set;
	const struct segment *seg; /* per canonical location */
};

/* One block of lines, made by one thread. */
struct block {
	const struct folder *f;
	size_t first, last; /* stacks */
	char *buf;
	size_t len, cap;
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
	const uint32_t *canon = f->set->canon;
	b->len = 0;
	for (size_t i = b->first; i < b->last; i++) {
		int64_t v = f->set->value[i];
		if (v == 0)
			continue;
		const struct sample *sm = &f->p->sample[f->set->sample[i]];
		bool first = true;
		for (uint32_t k = sm->n_loc; k-- > 0;) {
			uint32_t c = canon[sm->loc[k]];
			if (c == NO_INDEX)
				continue;
			if (!first)
				put(b, ";", 1);
			put(b, f->seg[c].s, f->seg[c].len);
			first = false;
		}
		char num[32];
		put(b, num, (size_t)snprintf(num, sizeof num, " %lld\n", (long long)v));
	}
	return NULL;
}

/* The folded text of every canonical location, made before the threads start (graph_printable caches). */
static struct segment *segments(const struct profile *p, const struct stack_set *set)
{
	struct graph *g = set->g;
	struct segment *seg = xcalloc(p->n_location + 1, sizeof *seg);
	uint32_t *keys = NULL;
	size_t cap = 0;
	struct strbuf b = STRBUF_INIT;
	for (uint32_t l = 0; l < p->n_location; l++) {
		if (set->canon[l] != l)
			continue;
		struct sample one = { &l, NULL, NULL, 1, 0 };
		size_t n = stack_frames(g, &one, &keys, &cap);
		sb_reset(&b);
		for (size_t k = 0; k < n; k++) {
			if (k)
				sb_addc(&b, ';');
			size_t start = b.len;
			sb_adds(&b, graph_printable(g, STACK_NODE(keys[k])));
			for (size_t i = start; i < b.len; i++) {
				if (b.s[i] == ';')
					b.s[i] = ':';
				else if (b.s[i] == '\n' || b.s[i] == '\r')
					b.s[i] = ' ';
			}
		}
		seg[l] = (struct segment){ xstrndup(sb_cstr(&b), b.len), b.len };
	}
	sb_free(&b);
	free(keys);
	return seg;
}

/*
 * emit writes a block: straight to the file when there is one, past
 * stdio's buffer, which would only copy megabytes it cannot hold.
 */
static int emit(FILE *out, const char *buf, size_t n)
{
	int fd = fileno(out);
	if (fd < 0 || n < 65536)
		return fwrite(buf, 1, n, out) == n ? 0 : -1;
	if (fflush(out) != 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int report_folded(struct report *r, FILE *out, char *err, size_t errsize)
{
	struct graph_options go = report_graph_options(r);
	struct stack_set *set = stack_set_new(r->p, &go);
	struct folder f = { r->p, set, segments(r->p, set) };
	struct block blocks[2];
	memset(blocks, 0, sizeof blocks);
	int rc = 0;
	for (size_t first = 0; first < set->n && rc == 0; first += 2 * BLOCK_STACKS) {
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
		for (int k = 0; k < 2 && rc == 0; k++)
			if (blocks[k].first < blocks[k].last && emit(out, blocks[k].buf, blocks[k].len) < 0) {
				snprintf(err, errsize, "write error: %s", strerror(errno));
				rc = -1;
			}
	}
	for (int k = 0; k < 2; k++)
		free(blocks[k].buf);
	for (size_t i = 0; i < r->p->n_location; i++)
		free(f.seg[i].s);
	free((void *)f.seg);
	stack_set_free(set);
	return rc;
}
