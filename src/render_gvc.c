#define _GNU_SOURCE /* memmem */
#include "render_gvc.h"

#include <gvc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "render_ns.h"
#include "util.h"

/*
 * Graphviz reports errors through one process-wide callback without a
 * context argument; its messages are collected here for the duration of a
 * render_dot call (cgraph forces this global, as readline does the shell's).
 */
static struct strbuf *gv_messages;

/*
 * Graphviz keeps more process-wide state than its error callback (cgraph's
 * default discipline, the layout's globals): one render at a time, when the
 * web server lays out graphs for concurrent requests. And one context for
 * the process, never freed: the pango plugin keeps a pointer to the last
 * font name it measured, a string of the context's font table, which it
 * reads on its next call (a use after free once a context is freed, seen
 * by AddressSanitizer on the second graph of a web server).
 */
static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gv_context;

static int collect_message(char *msg)
{
	if (gv_messages)
		sb_adds(gv_messages, msg);
	return 0;
}

/* first_error is the first "Error: ..." line Graphviz gave, without its prefix and newline. */
static void first_error(const char *msgs, char *err, size_t errsize)
{
	const char *e = strstr(msgs, "Error: ");
	e = e ? e + 7 : msgs;
	size_t n = strcspn(e, "\n");
	while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\r'))
		n--;
	snprintf(err, errsize, "%.*s", (int)n, n ? e : "Graphviz failed");
}

int render_dot(const char *dot, size_t len, const char *format, bool pan, FILE *out, char *err, size_t errsize)
{
	char *text = xstrndup(dot, len);
	struct strbuf msgs = STRBUF_INIT;
	pthread_mutex_lock(&gv_lock);
	gv_messages = &msgs;
	agusererrf prev = agseterrf(collect_message);
	int rc = -1;
	if (!gv_context) {
		gv_context = gvContext();
		render_ns_use(gvcVersion(gv_context));
	}
	GVC_t *gvc = gv_context;
	Agraph_t *g = agmemread(text);
	char *data = NULL;
	unsigned int n = 0;
	if (!g) {
		first_error(sb_cstr(&msgs), err, errsize);
		goto out;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		first_error(sb_cstr(&msgs), err, errsize);
		goto out;
	}
	if (gvRenderData(gvc, g, format, &data, &n) != 0) {
		if (msgs.len)
			first_error(sb_cstr(&msgs), err, errsize);
		else
			snprintf(err, errsize, "Graphviz cannot write %s", format);
		goto out;
	}
	if (pan)
		svg_pannable(data, n, out);
	else
		fwrite(data, 1, n, out);
	rc = 0;
out:
	if (data)
		gvFreeRenderData(data);
	if (g) {
		gvFreeLayout(gvc, g);
		agclose(g);
	}
	agseterrf(prev);
	gv_messages = NULL;
	pthread_mutex_unlock(&gv_lock);
	sb_free(&msgs);
	free(text);
	return rc;
}

/* ---- pan and zoom ---- */

/*
 * The script made pannable SVGs carry: the wheel zooms around the pointer,
 * dragging pans, a double click goes back to the first view. It moves the
 * "viewport" group that svg_pannable wraps around the graph.
 */
static const char pan_script[] =
	"(function () {\n"
	"\"use strict\";\n"
	"function init() {\n"
	"\tvar svg = document.documentElement, vp = document.getElementById(\"viewport\");\n"
	"\tif (!vp || !svg.createSVGPoint) return;\n"
	"\tvar scale = 0.5, tx = 0, ty = 0, drag = null;\n"
	"\tfunction apply() {\n"
	"\t\tvp.setAttribute(\"transform\", \"matrix(\" + [scale, 0, 0, scale, tx, ty].join(\",\") + \")\");\n"
	"\t}\n"
	"\tfunction point(e) {\n"
	"\t\tvar p = svg.createSVGPoint(), m = svg.getScreenCTM();\n"
	"\t\tp.x = e.clientX;\n"
	"\t\tp.y = e.clientY;\n"
	"\t\treturn m ? p.matrixTransform(m.inverse()) : p;\n"
	"\t}\n"
	"\tsvg.addEventListener(\"wheel\", function (e) {\n"
	"\t\te.preventDefault();\n"
	"\t\tvar d = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);\n"
	"\t\tvar s = Math.min(Math.max(scale * Math.pow(2, -d / 300), 0.01), 100), f = s / scale, p = point(e);\n"
	"\t\ttx = p.x - (p.x - tx) * f;\n"
	"\t\tty = p.y - (p.y - ty) * f;\n"
	"\t\tscale = s;\n"
	"\t\tapply();\n"
	"\t}, { passive: false });\n"
	"\tsvg.addEventListener(\"mousedown\", function (e) {\n"
	"\t\tif (e.button !== 0) return;\n"
	"\t\tvar p = point(e);\n"
	"\t\tdrag = { x: p.x - tx, y: p.y - ty };\n"
	"\t\tsvg.style.cursor = \"move\";\n"
	"\t\te.preventDefault();\n"
	"\t});\n"
	"\tsvg.addEventListener(\"mousemove\", function (e) {\n"
	"\t\tif (!drag) return;\n"
	"\t\tvar p = point(e);\n"
	"\t\ttx = p.x - drag.x;\n"
	"\t\tty = p.y - drag.y;\n"
	"\t\tapply();\n"
	"\t});\n"
	"\tfunction stop() {\n"
	"\t\tdrag = null;\n"
	"\t\tsvg.style.cursor = \"\";\n"
	"\t}\n"
	"\tsvg.addEventListener(\"mouseup\", stop);\n"
	"\tsvg.addEventListener(\"mouseleave\", stop);\n"
	"\tsvg.addEventListener(\"dblclick\", function () {\n"
	"\t\tscale = 0.5;\n"
	"\t\ttx = ty = 0;\n"
	"\t\tapply();\n"
	"\t});\n"
	"}\n"
	"if (document.readyState === \"complete\") init(); else window.addEventListener(\"load\", init);\n"
	"})();\n";

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* attr matches \s*name="[^"]+" at s, returning the end of the match or NULL. */
static const char *attr(const char *s, const char *end, const char *name)
{
	while (s < end && is_space(*s))
		s++;
	size_t n = strlen(name);
	if ((size_t)(end - s) < n + 2 || memcmp(s, name, n) != 0 || s[n] != '=' || s[n + 1] != '"')
		return NULL;
	const char *v = s + n + 2, *q = memchr(v, '"', (size_t)(end - v));
	return q && q > v ? q + 1 : NULL;
}

/* The <svg width=".." height=".." viewBox=".." that gets width and height of 100%. */
static const char *find_size(const char *s, const char *end, const char **match_end)
{
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), "<svg", 4)); p += 4) {
		const char *e = attr(p + 4, end, "width");
		e = e ? attr(e, end, "height") : NULL;
		e = e ? attr(e, end, "viewBox") : NULL;
		if (e) {
			*match_end = e;
			return p;
		}
	}
	return NULL;
}

/* The first <g id="graphN" (N a digit). */
static const char *find_graph(const char *s, const char *end)
{
	static const char g[] = "<g id=\"graph";
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), g, sizeof g - 1)); p++) {
		const char *d = p + sizeof g - 1;
		if (d + 1 < end && d[0] >= '0' && d[0] <= '9' && d[1] == '"')
			return p;
	}
	return NULL;
}

void svg_pannable(const char *svg, size_t len, FILE *out)
{
	/* Graphviz can leave an ampersand unquoted ("&;"), which makes the SVG unparsable */
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (svg[i] == '&' && i + 1 < len && svg[i + 1] == ';')
			sb_adds(&b, "&amp;");
		else
			sb_addc(&b, svg[i]);
	}
	const char *s = sb_cstr(&b), *end = s + b.len, *size_end = NULL;
	const char *size = find_size(s, end, &size_end);
	const char *graph = find_graph(size ? size_end : s, end);
	const char *close = graph ? memmem(graph, (size_t)(end - graph), "</svg>", 6) : NULL;
	const char *p = s;
	if (size) {
		fwrite(p, 1, (size_t)(size - p), out);
		fputs("<svg width=\"100%\" height=\"100%\"", out);
		p = size_end;
	}
	if (graph) {
		fwrite(p, 1, (size_t)(graph - p), out);
		fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[%s]]></script>", pan_script);
		fputs("<g id=\"viewport\" transform=\"scale(0.5,0.5) translate(0,0)\">", out);
		p = graph;
	}
	if (close) {
		fwrite(p, 1, (size_t)(close - p), out);
		fputs("</g>", out);
		p = close;
	}
	fwrite(p, 1, (size_t)(end - p), out);
	sb_free(&b);
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * Graphviz 2.43 leaks its plugin configuration and, in dot's layout, the
 * virtual nodes of clusters (all through its allocator gmalloc), and the
 * font libraries under it (fontconfig, pango, cairo, glib) keep caches for
 * the life of the process; LeakSanitizer would report them on every image.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:gmalloc\n"
	       "leak:libfontconfig.so\n"
	       "leak:libpango\n"
	       "leak:libgvplugin_pango.so\n"
	       "leak:libglib-2.0.so\n"
	       "leak:libcairo.so\n";
}

/* and not list the suppressions on every image either */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif
