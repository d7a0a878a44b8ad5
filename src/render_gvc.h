/*
 * render_gvc: lays out a graph in the DOT language and draws it as an
 * image (svg, png, pdf, ps, gif, ...), in-process with Graphviz's libgvc
 * and libcgraph, where pprof runs the dot program.
 *
 * render_dot reads dot (len bytes, not necessarily NUL-terminated) and
 * writes the image to out. With pan, the SVG gets what pprof's -svg and
 * -web add to it: it fills the browser window and pans and zooms with the
 * mouse. It returns 0, or -1 with a message in err and nothing written.
 */
#ifndef CPROF_RENDER_GVC_H
#define CPROF_RENDER_GVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

int render_dot(const char *dot, size_t len, const char *format, bool pan, FILE *out, char *err, size_t errsize);

/* svg_pannable rewrites an SVG from Graphviz as pprof's massageSVG does, with cprof's own script. */
void svg_pannable(const char *svg, size_t len, FILE *out);

#endif
