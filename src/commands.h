/*
 * commands: pprof's report commands (top, list, dot, svg, ...) with the
 * report format each produces, whether it takes a regexp argument, and its
 * help text. The command line turns each into a flag (-top, -list=RE); the
 * shell into a command.
 */
#ifndef CPROF_COMMANDS_H
#define CPROF_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

enum report_format {
	FMT_CALLGRIND,
	FMT_COMMENTS,
	FMT_DIS,
	FMT_DOT,
	FMT_FLAME,
	FMT_FOLDED,
	FMT_LIST,
	FMT_MEMSTATS,
	FMT_PROTO,
	FMT_RAW,
	FMT_TAGS,
	FMT_TEXT,
	FMT_TOPPROTO,
	FMT_TRACES,
	FMT_TREE,
	FMT_WEBLIST,
	/*
	 * The web interface's page data (report_web.c), JSON: no command
	 * names them; the server asks for them. Each shares the graph and
	 * options of a format above (report_family).
	 */
	FMT_WEB_TOP,   /* as FMT_TEXT */
	FMT_WEB_GRAPH, /* as FMT_DOT */
	FMT_WEB_LIST,  /* as FMT_LIST */
	FMT_WEB_FLAME, /* as FMT_FLAME */
};

/* What happens to a report's bytes after it is generated. */
enum command_post {
	POST_NONE,
	POST_RENDER,    /* dot text rendered to an image (render_format) */
	POST_SVG,       /* dot rendered to SVG and made pannable */
	POST_AWAY_FROM_TTY, /* binary: written to a file when stdout is a terminal */
};

struct command {
	const char *name;
	enum report_format format;
	bool has_param;
	const char *description;
	const char *usage;
	const char *render_format; /* "png", "svg", ... for graph images; NULL otherwise */
	const char *tty_suffix;    /* file suffix used instead of a terminal; NULL if text */
	const char *viewer;        /* "web", "evince", ... opened on the result; NULL if none */
};

extern const struct command commands[];
extern const size_t n_commands;

const struct command *command_find(const char *name);

#endif
