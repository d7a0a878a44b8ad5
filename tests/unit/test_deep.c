/*
 * Hostile shapes that must work: a stack of 100 000 frames cycling
 * through three functions (deep recursion, a cyclic call graph), many
 * samples sharing it, every report run over it.
 */
#include <stdio.h>

#include "check.h"
#include "commands.h"
#include "merge.h"
#include "options.h"
#include "driver.h"

enum { DEPTH = 100000, NSAMPLES = 50 };

static struct profile *deep_profile(void)
{
	struct profile *p = profile_new();
	p->n_sample_type = 1;
	p->sample_type = arena_array(p->arena, 1, sizeof *p->sample_type);
	p->sample_type[0] = (struct value_type){ "cpu", "nanoseconds" };
	static const char *const names[] = { "a", "b", "c" };
	p->n_function = 3;
	p->function = arena_array(p->arena, 3, sizeof *p->function);
	p->n_location = 3;
	p->location = arena_array(p->arena, 3, sizeof *p->location);
	for (uint32_t i = 0; i < 3; i++) {
		p->function[i] = (struct function){ i + 1, names[i], names[i], "deep.c", 1 };
		struct line *ln = arena_zalloc(p->arena, sizeof *ln);
		ln->function = i;
		ln->line = 10 + i;
		p->location[i] = (struct location){ i + 1, 0x1000 + i, NO_INDEX, 1, ln, false };
	}
	uint32_t *stack = arena_array(p->arena, DEPTH, sizeof *stack);
	for (uint32_t i = 0; i < DEPTH; i++)
		stack[i] = i % 3;
	p->n_sample = NSAMPLES;
	p->sample = arena_array(p->arena, NSAMPLES, sizeof *p->sample);
	for (uint32_t s = 0; s < NSAMPLES; s++) {
		int64_t *v = arena_array(p->arena, 1, sizeof *v);
		*v = 10 + s;
		/* each sample a different depth, so none merge */
		p->sample[s] = (struct sample){ stack + s, v, NULL, DEPTH - s, 0 };
	}
	return p;
}

static int run(const struct profile *p, const char *cmd, const char *arg)
{
	FILE *devnull = fopen("/dev/null", "w");
	struct options o;
	options_init(&o);
	struct report_request req = { command_find(cmd), arg, false, NULL, false, NULL };
	struct strbuf warn = STRBUF_INIT;
	char err[512];
	int rc = driver_report(p, &o, &req, devnull, &warn, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "%s: %s\n", cmd, err);
	sb_free(&warn);
	options_free(&o);
	fclose(devnull);
	return rc;
}

int main(void)
{
	struct profile *p = deep_profile();
	CHECK(run(p, "top", NULL) == 0);
	CHECK(run(p, "tree", NULL) == 0);
	CHECK(run(p, "peek", "b") == 0);
	CHECK(run(p, "traces", NULL) == 0);
	CHECK(run(p, "raw", NULL) == 0);
	CHECK(run(p, "dot", NULL) == 0);
	CHECK(run(p, "callgrind", NULL) == 0);
	/* merging it with itself folds each sample with its copy */
	struct profile *q = deep_profile();
	char err[256];
	struct profile *pair[] = { p, q };
	struct profile *m = merge_profiles(pair, 2, err, sizeof err);
	CHECK(m && m->n_sample == NSAMPLES && m->sample[0].value[0] == 20);
	CHECK(m && run(m, "top", NULL) == 0);
	profile_free(m);
	return check_done("deep");
}
