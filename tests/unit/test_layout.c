/*
 * cprof's network simplex (render_ns.c) against the one in Graphviz's
 * library: every graph laid out both ways must give the same SVG, byte for
 * byte. The graphs: pprof's own call graphs of the conformance corpus, and
 * random ones of the shapes rank2 is asked to solve (ranks with and
 * without clusters, so each balancing; x coordinates; edge labels,
 * weights, minlen, cycles, loops, wide and narrow nodes, several
 * components, left to right). No same-rank groups: pprof
 * draws none, and Graphviz 2.42 frees memory twice after some of them.
 */
#include <dirent.h>
#include <gvc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "render_gvc.h"
#include "render_ns.h"
#include "util.h"

/* The version whose pivots render_ns repeats; for another, cprof leaves rank2 to the library. */
static const char verified[] = "2.43.0";

/* layout draws dot as SVG with cprof's rank2 (ours) or the library's. */
static char *layout(const char *dot, const char *version, bool ours)
{
	if (ours)
		unsetenv("CPROF_GRAPHVIZ_NS");
	else
		setenv("CPROF_GRAPHVIZ_NS", "library", 1);
	render_ns_use(version);
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort();
	int rc = render_dot(dot, strlen(dot), "svg", false, out, err, sizeof err);
	fclose(out);
	if (rc != 0) {
		free(buf);
		return xstrdup(err);
	}
	return buf;
}

static int compared, differed;

/* same lays dot out both ways and checks that cprof's own code did solve it, the same. */
static void same(const char *name, const char *dot, const char *version)
{
	unsigned long before = render_ns_taken();
	char *mine = layout(dot, version, true);
	bool taken = render_ns_taken() > before;
	char *lib = layout(dot, version, false);
	CHECK(taken);
	bool eq = strcmp(mine, lib) == 0;
	CHECK(eq);
	if (!eq && differed++ < 5)
		fprintf(stderr, "test_layout: %s laid out differently; its DOT:\n%s\n", name, dot);
	compared++;
	free(mine);
	free(lib);
}

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* random_graph writes graph number i: its shape follows from i, its details from the generator. */
static void random_graph(int i, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	rng_state = 0x9e3779b97f4a7c15u ^ (uint64_t)(i + 1) * 0x2545f4914f6cdd1du;
	int n = 2 + (int)rnd(i % 3 == 0 ? 60 : 25);
	bool clusters = i % 4 == 1, labels = i % 2 == 0, parts = i % 7 == 3;
	sb_addf(&sb, "digraph g%d {\n", i);
	if (i % 5 == 2)
		sb_adds(&sb, "rankdir=LR\n");
	if (i % 6 == 4)
		sb_adds(&sb, "nodesep=0.05 ranksep=0.1\n");
	for (int v = 0; v < n; v++) {
		int len = 1 + (int)rnd(i % 9 == 5 ? 40 : 12);
		sb_addf(&sb, "N%d [label=\"", v);
		for (int k = 0; k < len; k++)
			sb_addc(&sb, (char)('a' + rnd(26)));
		sb_addf(&sb, "\" fontsize=%u shape=%s]\n", 8 + rnd(17), rnd(3) ? "box" : "ellipse");
	}
	int m = n * (1 + (int)rnd(3)) - (int)rnd((unsigned)n);
	unsigned char *joined = xcalloc((size_t)n * (size_t)n, 1);
	for (int k = 0; k < m; k++) {
		int a = (int)rnd((unsigned)n), b = (int)rnd((unsigned)n);
		if (parts && (a < n / 2) != (b < n / 2))
			continue; /* two components */
		if (a > b && rnd(10) != 0) {
			int t = a;
			a = b;
			b = t; /* mostly forward; some cycles */
		}
		if (a == b && rnd(4) != 0)
			continue;
		/*
		 * One edge per pair of nodes: Graphviz draws parallel edges and
		 * two-node cycles in an order that can follow their addresses (1
		 * of 4,000 such graphs came out two ways from the library alone).
		 */
		if (joined[a * n + b] || joined[b * n + a])
			continue;
		joined[a * n + b] = 1;
		sb_addf(&sb, "N%d -> N%d [", a, b);
		if (labels && rnd(3) != 0)
			sb_addf(&sb, " label=\" %u.%uMB\"", rnd(1000), rnd(100));
		if (rnd(4) == 0)
			sb_addf(&sb, " weight=%u", rnd(100));
		if (rnd(8) == 0)
			sb_addf(&sb, " minlen=%u", 1 + rnd(3));
		if (rnd(6) == 0)
			sb_adds(&sb, " style=dotted");
		sb_adds(&sb, "]\n");
	}
	free(joined);
	/* one cluster at most: Graphviz draws several in an order that follows their names' addresses */
	if (clusters && (i % 8 == 1 || n <= 6)) {
		sb_adds(&sb, "subgraph cluster_L { L [shape=box label=\"legend\"] }\n");
	} else if (clusters) {
		sb_adds(&sb, "subgraph cluster_a { ");
		for (int v = 1; v < n; v += 3)
			sb_addf(&sb, "N%d; ", v);
		sb_adds(&sb, "}\n");
	}
	sb_adds(&sb, "}\n");
	*out = sb;
}

/* The call graphs the conformance corpus expects of -dot, as pprof writes them. */
static void corpus_graph(const char *dir, const char *name, const char *version)
{
	if (!strstr(name, "-dot"))
		return;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_addn(&sb, buf, n);
	fclose(f);
	if (strncmp(sb_cstr(&sb), "digraph", 7) == 0)
		same(name, sb_cstr(&sb), version);
	sb_free(&sb);
}

int main(void)
{
	GVC_t *gvc = gvContext();
	const char *version = gvcVersion(gvc);
	if (strcmp(version, verified) != 0) {
		/* another Graphviz: cprof must not take rank2 over */
		char *svg = layout("digraph { a -> b -> c; a -> c }", version, true);
		CHECK(render_ns_taken() == 0);
		free(svg);
		printf("test_layout: Graphviz %s, not %s: cprof leaves rank2 to it\n", version, verified);
		return check_done("test_layout");
	}

	const char *dir = "testdata/conformance/expected";
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	int corpus = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		int before = compared;
		corpus_graph(dir, e->d_name, version);
		corpus += compared - before;
	}
	if (d)
		closedir(d);
	CHECK(corpus >= 40);

	for (int i = 0; i < 400; i++) {
		struct strbuf dot = STRBUF_INIT;
		random_graph(i, &dot);
		char name[32];
		snprintf(name, sizeof name, "random graph %d", i);
		same(name, sb_cstr(&dot), version);
		sb_free(&dot);
	}
	printf("test_layout: %d corpus and %d random graphs laid out alike\n", corpus, compared - corpus);
	return check_done("test_layout");
}
