/*
 * report_proto: -proto, the profile as the report sees it (filtered,
 * aggregated, scaled by -divide_by) written back as a gzipped
 * profile.proto; and -topproto, the report's top nodes as a profile of
 * their own, one sample per node with its cum and flat values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "hashtab.h"
#include "report.h"
#include "units.h"


int report_proto(struct report *r, FILE *out, char *err, size_t errsize)
{
	const struct profile *p = r->p;
	struct profile *scaled = NULL;
	if (r->ratio > 0 && r->ratio != 1) {
		scaled = profile_derive(p);
		profile_own_samples(scaled);
		size_t nv = p->n_sample_type;
		int64_t *values = arena_array(scaled->arena, p->n_sample * nv + 1, sizeof *values);
		for (size_t s = 0; s < p->n_sample; s++) {
			int64_t *v = values + s * nv;
			for (size_t i = 0; i < nv; i++)
				v[i] = go_int64((double)p->sample[s].value[i] * r->ratio);
			scaled->sample[s].value = v;
		}
		p = scaled;
	}
	int rc = encode_profile(p, out, err, errsize);
	profile_free(scaled);
	return rc;
}

/* ---- topproto ---- */

struct fn_probe {
	const struct profile *p;
	const struct node_info *info;
};

static bool same_function(const void *ctx, uint32_t v)
{
	const struct fn_probe *pr = ctx;
	const struct function *f = &pr->p->function[v];
	return f->start_line == pr->info->start_line && !strcmp(f->name, pr->info->name) &&
	       !strcmp(f->system_name, pr->info->orig_name) && !strcmp(f->filename, pr->info->file);
}

/* find_function is pprof's functionMap.findOrAdd: one function per name, file and start line. */
static uint32_t find_function(struct profile *tp, struct htab *ht, size_t *cap, const struct node_info *info)
{
	uint64_t h = hash_u64((uint64_t)info->start_line,
			      hash_str(info->file, hash_str(info->orig_name, hash_str(info->name, HASH_SEED))));
	struct fn_probe pr = { tp, info };
	uint32_t id = htab_find(ht, h, same_function, &pr);
	if (id != UINT32_MAX)
		return id;
	GROW(tp->function, *cap, tp->n_function + 1);
	id = (uint32_t)tp->n_function++;
	tp->function[id] = (struct function){ id + 1, info->name, info->orig_name, info->file, info->start_line };
	htab_insert(ht, h, id);
	return id;
}

int report_topproto(struct report *r, FILE *out, char *err, size_t errsize)
{
	const struct profile *p = r->p;
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	struct profile *tp = profile_new();
	struct arena *a = tp->arena;
	tp->n_sample_type = 2;
	tp->sample_type = arena_array(a, 2, sizeof *tp->sample_type);
	tp->sample_type[0] = (struct value_type){ "cum", arena_strdup(a, r->output_unit) };
	tp->sample_type[1] = (struct value_type){ "flat", tp->sample_type[0].unit };
	tp->time_nanos = p->time_nanos;
	tp->duration_nanos = p->duration_nanos;
	tp->period_type = p->period_type;
	tp->period = p->period;
	tp->n_location = tp->n_sample = g->n;
	tp->location = arena_array(a, g->n + 1, sizeof *tp->location);
	tp->sample = arena_array(a, g->n + 1, sizeof *tp->sample);
	struct line *lines = arena_array(a, g->n + 1, sizeof *lines);
	uint32_t *locs = arena_array(a, g->n + 1, sizeof *locs);
	int64_t *values = arena_array(a, 2 * g->n + 1, sizeof *values);
	struct htab fns;
	htab_init(&fns, g->n);
	size_t cap = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		const char *unit;
		lines[i] = (struct line){ find_function(tp, &fns, &cap, &n->info), n->info.lineno, n->info.columnno };
		tp->location[i] = (struct location){ i + 1, n->info.address, NO_INDEX, 1, &lines[i], false };
		locs[i] = (uint32_t)i;
		values[2 * i] = go_int64(units_scale(node_cum(n), r->sample_unit, r->output_unit, &unit));
		values[2 * i + 1] = go_int64(units_scale(node_flat(n), r->sample_unit, r->output_unit, &unit));
		tp->sample[i] = (struct sample){ &locs[i], &values[2 * i], NULL, 1, 0 };
	}
	/* the functions were grown with malloc: move them into the profile's arena */
	struct function *fs = tp->function;
	tp->function = arena_copy(a, fs, tp->n_function, sizeof *fs);
	free(fs);
	htab_free(&fns);
	int rc = encode_profile(tp, out, err, errsize);
	profile_free(tp);
	graph_free(g);
	return rc;
}
