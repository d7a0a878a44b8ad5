/* report_tree: -tree and -peek, each node with its callers above and callees below. */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"

static void print_edges(struct report *r, struct graph *g, uint32_t id, bool in, int64_t cum, FILE *out)
{
	uint32_t *edges;
	size_t n = graph_sorted_edges(g, id, in, &edges);
	for (size_t i = 0; i < n; i++) {
		const struct gedge *e = &g->edge[edges[i]];
		char w[64], pc[32];
		report_format_value(r, e->weight, w, sizeof w);
		units_percentage(pc, sizeof pc, e->weight, cum);
		fprintf(out, "%50s %s |   %s%s\n", w, pc, graph_printable(g, in ? e->src : e->dest),
			e->inline_ ? " (inline)" : "");
	}
	free(edges);
}

int report_tree(struct report *r, FILE *out, char *err, size_t errsize)
{
	static const char sep[] = "----------------------------------------------------------+-------------";
	static const char legend[] = "      flat  flat%   sum%        cum   cum%   calls calls% + context 	 	 ";
	struct trimmed t;
	report_trimmed_graph(r, &t);
	struct graph *g = t.g;
	size_t matched = 0;
	for (size_t i = 0; i < g->n && r->symbol; i++)
		matched += re_match(r->symbol, graph_printable(g, g->list[i]));
	if (r->symbol && matched == 0) {
		/* checked first, so that nothing is written for a failing report */
		snprintf(err, errsize, "no matches found for regexp: %s", re_pattern(r->symbol));
		graph_free(g);
		return -1;
	}
	struct strbuf labels = STRBUF_INIT;
	report_labels(r, &labels, graph_shown_total(g), g->n, t.orig_count, t.dropped_nodes, 0, false);
	fprintf(out, "%s\n%s\n%s\n", sb_cstr(&labels), sep, legend);
	sb_free(&labels);
	int64_t flat_sum = 0;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t id = g->list[i];
		const struct gnode *n = &g->node[id];
		const char *name = graph_printable(g, id);
		if (r->symbol && !re_match(r->symbol, name))
			continue;
		int64_t flat = node_flat(n), cum = node_cum(n);
		fprintf(out, "%s\n", sep);
		print_edges(r, g, id, true, cum, out);
		flat_sum += flat;
		report_columns(r, flat, flat_sum, cum, out);
		fprintf(out, "                | %s\n", name);
		print_edges(r, g, id, false, cum, out);
	}
	if (g->n > 0)
		fprintf(out, "%s\n", sep);
	graph_free(g);
	return 0;
}
