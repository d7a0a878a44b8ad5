/* report_text: the flat text reports: -top/-text, -traces, -tags, -comments. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "report.h"
#include "units.h"

int report_text(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	struct strbuf labels = STRBUF_INIT;
	report_labels(r, &labels, graph_shown_total(g), g->n, t.orig_count, t.dropped_nodes, 0, false);
	fprintf(out, "%s\n", sb_cstr(&labels));
	sb_free(&labels);
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	int64_t flat_sum = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		const struct gnode *n = &g->node[id];
		int64_t flat = node_flat(n), cum = node_cum(n);
		flat_sum += flat;
		report_columns(r, flat, flat_sum, cum, out);
		fprintf(out, "  %s%s\n", graph_printable(g, id), report_inline_suffix(g, id));
	}
	graph_free(g);
	return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
	return nul_strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * label_lines appends one "%10s:  v1 v2" line per label key (string labels
 * when numeric is false, else numeric ones), sorted as pprof sorts them.
 */
static void label_lines(struct report *r, const struct sample *s, bool numeric, struct strbuf *out)
{
	char **lines = xcalloc(s->n_label + 1, sizeof *lines);
	size_t n = 0;
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (!l->str != numeric)
			continue;
		if (!sample_label_first(s, i))
			continue;
		struct strbuf b = STRBUF_INIT;
		go_pad_left(&b, l->key, 10);
		sb_adds(&b, ": ");
		for (uint32_t j = i; j < s->n_label; j++) {
			const struct label *m = &s->label[j];
			if (!m->str != numeric || strcmp(m->key, l->key) != 0)
				continue;
			if (numeric) {
				char v[64];
				units_label(v, sizeof v, m->num, report_label_unit(r, m->key), "auto");
				sb_addf(&b, " %s", v);
			} else {
				sb_addf(&b, " %s", m->str);
			}
		}
		sb_addc(&b, '\n');
		lines[n++] = b.s;
	}
	qsort(lines, n, sizeof *lines, cmp_cstr);
	for (size_t i = 0; i < n; i++) {
		sb_adds(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
}

/*
 * trace_lines makes the lines -traces prints for each location, once:
 * per line of the location, a blank value column, three spaces, the
 * frame's name and " (inline)" for all but the last line. A sample's
 * first line gets its value written over the blank column. On
 * large-heap, 475 k samples print 17.6 M lines of 105 k locations.
 * Location l's lines are text[off[l], off[l + 1]); off is malloc'd.
 */
enum { TRACE_VALUE_WIDTH = 10 };

static size_t *trace_lines(struct graph *g, size_t n_loc, struct strbuf *text)
{
	size_t *off = xmalloc((n_loc + 1) * sizeof *off);
	for (size_t l = 0; l < n_loc; l++) {
		off[l] = text->len;
		size_t f0 = g->loc_frame[l], nf = g->loc_frame[l + 1] - f0;
		for (size_t k = 0; k < nf; k++) {
			sb_addpad(text, "", 0, TRACE_VALUE_WIDTH);
			sb_adds(text, "   ");
			sb_adds(text, graph_printable(g, g->frame_node[f0 + k]));
			if (k != nf - 1)
				sb_adds(text, " (inline)");
			sb_addc(text, '\n');
		}
	}
	off[n_loc] = text->len;
	return off;
}

int report_traces(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	struct strbuf b = STRBUF_INIT, text = STRBUF_INIT;
	report_profile_labels(r, &b);
	sb_addc(&b, '\n');
	static const char sep[] = "-----------+-------------------------------------------------------\n";
	/* Only the nodes' names are needed: traces print every sample as it is. */
	struct graph_options go = { .value_index = r->value_index, .mean_index = -1 };
	struct graph *g = graph_nodes(r->p, &go);
	const struct profile *p = r->p;
	size_t *off = trace_lines(g, p->n_location, &text);
	struct report_writer *w = report_writer_start(out);
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		uint32_t i = 0;
		while (i < sm->n_loc && off[sm->loc[i] + 1] == off[sm->loc[i]])
			i++;
		if (i == sm->n_loc)
			continue; /* no frames */
		sb_addn(&b, sep, sizeof sep - 1);
		label_lines(r, sm, false, &b);
		label_lines(r, sm, true, &b);
		int64_t v = sm->value[r->value_index];
		if (r->mean_index >= 0) {
			int64_t d = sm->value[r->mean_index];
			if (d != 0)
				v /= d;
		}
		char vs[64];
		report_format_value(r, v, vs, sizeof vs);
		sb_addpad(&b, vs, strlen(vs), TRACE_VALUE_WIDTH);
		uint32_t loc = sm->loc[i];
		sb_addn(&b, text.s + off[loc] + TRACE_VALUE_WIDTH, off[loc + 1] - off[loc] - TRACE_VALUE_WIDTH);
		for (i++; i < sm->n_loc; i++) {
			loc = sm->loc[i];
			sb_addn(&b, text.s + off[loc], off[loc + 1] - off[loc]);
		}
		report_writer_flush(w, &b, REPORT_BLOCK);
	}
	sb_addn(&b, sep, sizeof sep - 1);
	report_writer_flush(w, &b, 0);
	report_writer_end(w);
	sb_free(&b);
	sb_free(&text);
	free(off);
	graph_free(g);
	return 0;
}

struct tag_value {
	char *name;
	int64_t flat;
};

struct tag_key {
	const char *key;
	int64_t total;
	struct tag_value *vals;
	size_t n, cap;
};


static int cmp_tag_value(const void *a, const void *b)
{
	const struct tag_value *x = a, *y = b;
	if (x->flat != y->flat) {
		int64_t ax = abs64(x->flat), ay = abs64(y->flat);
		if (ax != ay)
			return ax > ay ? -1 : 1;
	}
	return nul_strcmp(x->name, y->name);
}

static int cmp_tag_key(const void *a, const void *b)
{
	return nul_strcmp(((const struct tag_key *)a)->key, ((const struct tag_key *)b)->key);
}

static void tag_add(struct tag_key **keys, size_t *nkeys, size_t *cap, const char *key, const char *val, int64_t v)
{
	struct tag_key *k = NULL;
	for (size_t i = 0; i < *nkeys && !k; i++)
		if (!strcmp((*keys)[i].key, key))
			k = &(*keys)[i];
	if (!k) {
		GROW(*keys, *cap, *nkeys + 1);
		k = &(*keys)[(*nkeys)++];
		memset(k, 0, sizeof *k);
		k->key = key;
	}
	k->total += v;
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->vals[i].name, val)) {
			k->vals[i].flat += v;
			return;
		}
	GROW(k->vals, k->cap, k->n + 1);
	k->vals[k->n].name = xstrdup(val);
	k->vals[k->n++].flat = v;
}

int report_tags(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	const struct profile *p = r->p;
	struct tag_key *keys = NULL;
	size_t nkeys = 0, cap = 0;
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		int64_t v = sm->value[r->value_index];
		for (uint32_t i = 0; i < sm->n_label; i++) {
			const struct label *l = &sm->label[i];
			if (l->str) {
				tag_add(&keys, &nkeys, &cap, l->key, l->str, v);
			} else {
				char buf[64];
				units_label(buf, sizeof buf, l->num, report_label_unit(r, l->key), r->output_unit);
				tag_add(&keys, &nkeys, &cap, l->key, buf, v);
			}
		}
	}
	if (nkeys)
		qsort(keys, nkeys, sizeof *keys, cmp_tag_key);
	struct tabwriter *tw = tabwriter_new(out, 0, 1, ' ', true);
	for (size_t i = 0; i < nkeys; i++) {
		struct tag_key *k = &keys[i];
		char tt[64], pt[64], pc[32];
		report_format_value(r, k->total, tt, sizeof tt);
		report_format_value(r, r->total, pt, sizeof pt);
		if (r->total > 0) {
			units_percentage(pc, sizeof pc, k->total, r->total);
			tabwriter_printf(tw, "%s:\t Total %s of %s (%s)\n", k->key, tt, pt, pc);
		} else {
			tabwriter_printf(tw, "%s:\t Total %s of %s\n", k->key, tt, pt);
		}
		qsort(k->vals, k->n, sizeof *k->vals, cmp_tag_value);
		for (size_t j = 0; j < k->n; j++) {
			char fv[64];
			report_format_value(r, k->vals[j].flat, fv, sizeof fv);
			if (r->total > 0) {
				units_percentage(pc, sizeof pc, k->vals[j].flat, r->total);
				tabwriter_printf(tw, " \t%s (%s):\t %s\n", fv, pc, k->vals[j].name);
			} else {
				tabwriter_printf(tw, " \t%s:\t %s\n", fv, k->vals[j].name);
			}
			free(k->vals[j].name);
		}
		tabwriter_write(tw, "\n");
		free(k->vals);
	}
	tabwriter_flush(tw);
	tabwriter_free(tw);
	free(keys);
	return 0;
}

int report_comments(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	for (size_t i = 0; i < r->p->n_comment; i++)
		fprintf(out, "%s\n", r->p->comment[i]);
	return 0;
}
