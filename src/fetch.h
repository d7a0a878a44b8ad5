/*
 * fetch: the bytes of a profile source, as pprof's fetch finds them: an
 * existing file, standard input ("-"), or else a URL (with "http://"
 * added to "host:port/path"), fetched with libcurl.
 *
 * fetch_source returns 0 with a malloc'd buffer the caller frees, or -1
 * with a reason in err. Messages pprof prints while fetching ("Fetching
 * profile over HTTP from ...") are appended to msg. *remote tells whether
 * the bytes came over the network.
 */
#ifndef CPROF_FETCH_H
#define CPROF_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct fetch_options {
	int seconds;       /* -seconds: profile duration to ask for; <= 0 none */
	int timeout;       /* -timeout in seconds; <= 0: pprof's default */
	uint64_t max_size; /* ceiling on a downloaded body */
};

int fetch_source(const char *source, const struct fetch_options *o, uint8_t **data, size_t *len, bool *remote,
		 struct strbuf *msg, char *err, size_t errsize);

/*
 * fetch_adjust_url is pprof's adjustURL: the URL to fetch for source
 * (NULL when it is not one), with the seconds parameter set, and the
 * timeout to use in *timeout (seconds).
 */
char *fetch_adjust_url(const char *source, int seconds, int timeout_in, int *timeout);

#endif
