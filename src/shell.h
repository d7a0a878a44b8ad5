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

#include "options.h"
#include "profile.h"

/* tools is -tools, for disasm; icicle is -icicle, for flame. */
int shell_run(const struct profile *p, const struct options *initial, const char *tools, bool icicle);

#endif
