/*
 * report_list: -list REGEX, the annotated source of every function whose
 * name matches, as pprof's printSource prints it: per function (by name)
 * and source file (by name), a ROUTINE header, then the file's lines from
 * the function's start line (or five lines before its first line with
 * samples) to five lines after its last, each with its flat and cum values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "srcfile.h"
#include "units.h"

enum { MARGIN = 5 }; /* lines shown around the lines with samples */

/* Go's os.Getwd: $PWD when it names the current directory, else getcwd(3). */
static char *working_dir(char *err, size_t errsize)
{
	struct stat dot, pwd;
	const char *env = getenv("PWD");
	if (stat(".", &dot) != 0) {
		snprintf(err, errsize, "could not stat current dir: stat .: %s", strerror(errno));
		return NULL;
	}
	if (env && env[0] == '/' && stat(env, &pwd) == 0 && pwd.st_dev == dot.st_dev && pwd.st_ino == dot.st_ino)
		return xstrdup(env);
	for (size_t size = 256; size <= ((size_t)1 << 20); size *= 2) {
		char *buf = xmalloc(size);
		if (getcwd(buf, size))
			return buf;
		free(buf);
		if (errno != ERANGE)
			break;
	}
	snprintf(err, errsize, "could not stat current dir: getwd: %s", strerror(errno));
	return NULL;
}

static int cmp_name_file(const void *ctx, uint32_t x, uint32_t y)
{
	const struct graph *g = ctx;
	const struct node_info *a = &g->node[x].info, *b = &g->node[y].info;
	int c = nul_strcmp(a->name, b->name);
	return c ? c : nul_strcmp(a->file, b->file);
}

static int cmp_lineno(const void *ctx, uint32_t x, uint32_t y)
{
	const struct graph *g = ctx;
	int64_t a = g->node[x].info.lineno, b = g->node[y].info.lineno;
	return a < b ? -1 : a > b;
}

static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/*
 * line_range is the span pprof's getSourceFromFile shows for the nodes of
 * one function in one file, in the graph's order. Its quirk is kept: a
 * node that moves the start does not also move the end. (pprof visits the
 * nodes in map order; for the usual profiles, where a function's nodes
 * share one start line or have none, the order does not matter.)
 */
static void line_range(const struct graph *g, const uint32_t *fns, size_t n, int64_t *start, int64_t *end)
{
	const struct node_info *first = &g->node[fns[0]].info;
	int64_t s = first->start_line ? first->start_line : add_sat(first->lineno, -MARGIN);
	int64_t e = add_sat(first->lineno, MARGIN);
	for (size_t i = 0; i < n; i++) {
		const struct node_info *info = &g->node[fns[i]].info;
		int64_t ns = info->start_line ? info->start_line : add_sat(info->lineno, -MARGIN);
		int64_t ne = add_sat(info->lineno, MARGIN);
		if (ns < s)
			s = ns;
		else if (ne > e)
			e = ne;
	}
	*start = s < 1 ? 1 : s;
	*end = e;
}

static void value_or_dot(const struct report *r, int64_t v, char *buf, size_t size)
{
	if (v == 0)
		snprintf(buf, size, ".");
	else
		report_format_value(r, v, buf, size);
}

/* print_file hands w one ROUTINE: the nodes fns of function name in file. */
static void print_file(struct report *r, struct graph *g, struct srcfile_reader *src, const char *name,
		       uint32_t *fns, size_t n, const struct listing_writer *w)
{
	const char *file = g->node[fns[0]].info.file;
	int64_t flat_sum = 0, cum_sum = 0, start, end;
	for (size_t i = 0; i < n; i++) {
		/* pprof sums the raw values here, not the -mean quotients */
		flat_sum += g->node[fns[i]].flat;
		cum_sum += g->node[fns[i]].cum;
	}
	line_range(g, fns, n, &start, &end);

	char fv[64], cv[64], pc[32];
	report_format_value(r, flat_sum, fv, sizeof fv);
	report_format_value(r, cum_sum, cv, sizeof cv);
	units_percentage(pc, sizeof pc, cum_sum, r->total);
	w->routine(w->ctx, name, file, fv, cv, pc);

	/* The lines are given as they are read, but an unreadable file has no line, only its error. */
	sort_u32(fns, n, cmp_lineno, g);
	size_t k = 0;
	for (int64_t l = start; l <= end; l++) {
		size_t len;
		const char *text = srcfile_line(src, file, l, &len);
		if (!text)
			break;
		int64_t flat = 0, cum = 0;
		while (k < n && g->node[fns[k]].info.lineno < l)
			k++;
		for (; k < n && g->node[fns[k]].info.lineno == l; k++) {
			flat += g->node[fns[k]].flat;
			cum += g->node[fns[k]].cum;
		}
		value_or_dot(r, flat, fv, sizeof fv);
		value_or_dot(r, cum, cv, sizeof cv);
		w->line(w->ctx, l, fv, cv, flat != 0 || cum != 0, text, len);
		if (l == INT64_MAX)
			break;
	}
	const char *e = srcfile_error(src, file);
	if (e)
		w->error(w->ctx, e);
}

/* print_function hands w the ROUTINEs of the nodes fns, all of function name, sorted by file. */
static void print_function(struct report *r, struct graph *g, struct srcfile_reader *src, uint32_t *fns, size_t n,
			   const struct listing_writer *w)
{
	const char *name = g->node[fns[0]].info.name;
	size_t i = 0;
	while (i < n && !g->node[fns[i]].info.file[0])
		i++;
	if (i == n) {
		w->no_source(w->ctx, name);
		return;
	}
	while (i < n) {
		const char *file = g->node[fns[i]].info.file;
		size_t j = i + 1;
		while (j < n && !strcmp(g->node[fns[j]].info.file, file))
			j++;
		print_file(r, g, src, name, fns + i, j - i, w);
		i = j;
	}
}

int report_listing(struct report *r, const struct listing_writer *w, size_t max_functions, char *err,
		   size_t errsize)
{
	struct graph_options go = report_graph_options(r);
	/*
	 * A listing reads the values of the nodes of the functions it lists,
	 * never the edges: only those are made, and only the samples holding
	 * them walked (on the 46 MB bench profile, list main.main walks 29% of
	 * its samples and makes 40 nodes, not 180 k).
	 */
	struct graph *g;
	if (r->symbol) {
		go.only = r->symbol;
		g = graph_nodes(r->p, &go);
		graph_build_values(g);
	} else {
		g = report_valued_graph(r, &go);
	}
	uint32_t *match = xmalloc((g->n + 1) * sizeof *match);
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++)
		if (!r->symbol || re_match(r->symbol, g->node[g->list[i]].info.name))
			match[n++] = g->list[i];
	int rc = -1;
	char *cwd = NULL;
	/* both checked first, so that nothing is written for a failing report */
	if (n == 0) {
		snprintf(err, errsize, "no matches found for regexp: %s", r->symbol ? re_pattern(r->symbol) : "");
		goto out;
	}
	const char *search = r->o.source_path;
	if (!search[0]) {
		if (!(cwd = working_dir(err, errsize)))
			goto out;
		search = cwd;
	}
	/* stable: within a function and file, the nodes keep the graph's order */
	sort_u32(match, n, cmp_name_file, g);
	struct srcfile_reader *src = srcfile_reader_new(search, r->o.trim_path);
	char total[64];
	report_format_value(r, r->total, total, sizeof total);
	w->begin(w->ctx, total);
	size_t functions = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(g->node[match[j]].info.name, g->node[match[i]].info.name))
			j++;
		if (max_functions && functions++ == max_functions) {
			w->truncated(w->ctx);
			break;
		}
		print_function(r, g, src, match + i, j - i, w);
		i = j;
	}
	srcfile_reader_free(src);
	rc = 0;
out:
	free(cwd);
	free(match);
	graph_free(g);
	return rc;
}

/* ---- -list's text ---- */

static void text_begin(void *ctx, const char *total)
{
	fprintf(ctx, "Total: %s\n", total);
}

static void text_routine(void *ctx, const char *name, const char *file, const char *flat, const char *cum,
			 const char *pct)
{
	fprintf(ctx, "ROUTINE ======================== %s in %s\n", name, file);
	fprintf(ctx, "%10s %10s (flat, cum) %s of Total\n", flat, cum, pct);
}

static void text_line(void *ctx, int64_t lineno, const char *flat, const char *cum, bool hot, const char *text,
		      size_t len)
{
	(void)hot;
	fprintf(ctx, "%10s %10s %6" PRId64 ":", flat, cum, lineno);
	fwrite(text, 1, len, ctx);
	fputc('\n', ctx);
}

static void text_error(void *ctx, const char *msg)
{
	fprintf(ctx, " Error: %s\n", msg);
}

static void text_no_source(void *ctx, const char *name)
{
	fprintf(ctx, "No source information for %s\n", name);
}

static void text_truncated(void *ctx)
{
	(void)ctx;
}

int report_list(struct report *r, FILE *out, char *err, size_t errsize)
{
	const struct listing_writer w = { text_begin, text_routine, text_line, text_error, text_no_source,
					  text_truncated, out };
	return report_listing(r, &w, 0, err, errsize);
}
