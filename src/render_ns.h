#ifndef CPROF_RENDER_NS_H
#define CPROF_RENDER_NS_H

/*
 * render_ns: Graphviz's network simplex, taken over for the versions whose
 * pivots it is known to repeat.
 *
 * dot lays out a graph by solving network simplex problems (ranks, then the
 * x coordinates on an auxiliary graph) in libgvc's rank2(). cprof's
 * executable defines rank2 too and exports it, so libgvc and the dot plugin
 * call this one: the same algorithm and the same choice at every step, so
 * the same layout, but on compact arrays instead of Graphviz's node records
 * (Graphviz 2.42 spends 1.4 ms an iteration walking them; a 300-node pprof
 * graph takes 13,000 iterations).
 *
 * render_ns_use is told the version of the Graphviz the process runs with
 * (render_gvc does, once its context exists). Only versions whose output
 * was compared SVG for SVG with the library's own rank2 (test_layout)
 * are taken over; for any other version, when CPROF_GRAPHVIZ_NS=library is
 * set, or for a graph this code does not expect (a cycle, a disconnected
 * graph), rank2 calls the library's own.
 */
void render_ns_use(const char *graphviz_version);

/* render_ns_taken is how many problems cprof's rank2 has solved itself (for tests). */
unsigned long render_ns_taken(void);

#endif
