/*
 * web: cprof -http, pprof's web interface (a front end, beside the
 * command line and the shell).
 *
 * web_serve serves the views of one loaded profile (borrowed, never
 * modified) at wo->hostport until SIGINT or SIGTERM, then stops cleanly
 * and returns 0; or returns -1 with a message in err when it cannot start
 * (a bad address, a port in use, no settings directory). It prints
 * "Serving web UI on URL" on standard error, and opens a browser on it
 * unless wo->no_browser.
 */
#ifndef CPROF_WEB_H
#define CPROF_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"
#include "profile.h"

struct web_options {
	const char *hostport;      /* -http's [host]:[port] */
	bool no_browser;
	const struct options *opt; /* the command line's settings: pprof's "current config" */
	const char *tools;         /* -tools, for the Disassemble view */
	/* with -base, the profile loaded again with the base's samples apart (as -diff_base keeps them),
	 * for the flame graph's base values; NULL otherwise */
	const struct profile *apart;
};

int web_serve(const struct profile *p, const struct web_options *wo, char *err, size_t errsize);

#endif
