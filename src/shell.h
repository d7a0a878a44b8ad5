/*
 * shell: pprof's interactive mode. Reads commands (with readline when
 * standard input is a terminal, else one per line, printing the prompt on
 * standard output as pprof does), keeps the settings between commands,
 * and runs every report on the same loaded profile.
 *
 * Reports go to standard output (or to a file after ">"); everything
 * else pprof prints — greetings, help, options, errors — goes to standard
 * error. shell_run returns the process exit status.
 */
#ifndef CPROF_SHELL_H
#define CPROF_SHELL_H

#include <stdbool.h>

#include "driver.h"
#include "options.h"
#include "profile.h"

/* What a session keeps from the command line besides the options. */
struct shell_session {
	const char *tools;               /* -tools, for disasm */
	bool icicle;                     /* -icicle, for flame */
	const struct load_options *load; /* how p was loaded: flame reloads a -base apart */
	/*
	 * The sources are a series of snapshots (-series), load's sources:
	 * top, svg, flame and memstats report on the series, p is the last.
	 */
	bool series;
};

int shell_run(const struct profile *p, const struct options *initial, const struct shell_session *session);

#endif
