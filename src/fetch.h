/*
 * fetch: the bytes of a profile source, as pprof's fetch finds them: an
 * existing file, standard input ("-"), or else a URL (with "http://"
 * added to "host:port/path", and go tool pprof's /debug/pprof/profile to
 * a bare "host:port"), fetched with libcurl; and the POST that pprof's
 * remote symbolizer makes.
 *
 * fetch_source returns 0 with a malloc'd buffer the caller frees, or -1
 * with a reason in err. Messages pprof prints while fetching ("Fetching
 * profile over HTTP from ...") are appended to msg. *fetched is the URL
 * the bytes came from (malloc'd, the caller frees it), or NULL when they
 * were read from a file.
 */
#ifndef CPROF_FETCH_H
#define CPROF_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct fetch_options {
	int seconds;       /* -seconds: profile duration to ask for; <= 0 none */
	int timeout;       /* -timeout in seconds; <= 0: pprof's default */
	uint64_t max_size; /* ceiling on a downloaded body */
	/* -tls_cert, -tls_key, -tls_ca: PEM files for https; NULL or "" none */
	const char *tls_cert, *tls_key, *tls_ca;
	const volatile sig_atomic_t *cancel; /* a transfer ends ("interrupted") once *cancel is set; NULL: never */
};

int fetch_source(const char *source, const struct fetch_options *o, uint8_t **data, size_t *len, char **fetched,
		 struct strbuf *msg, char *err, size_t errsize);

/*
 * fetch_post is pprof's postURL: the body of url's answer to a POST of
 * body (malloc'd, the caller frees it), or -1 with "http post URL: why"
 * in err. A URL of the scheme https+insecure is fetched over https
 * without checking the server's certificate, here as in fetch_source.
 */
int fetch_post(const char *url, const char *body, const struct fetch_options *o, uint8_t **data, size_t *len,
	       char *err, size_t errsize);

/*
 * fetch_adjust_url is go tool pprof's adjustURL: the URL to fetch for
 * source (NULL when it is not one), with the seconds parameter set, and
 * the timeout to use in *timeout (seconds).
 */
char *fetch_adjust_url(const char *source, int seconds, int timeout_in, int *timeout);

/* A URL split as Go's url.Parse splits it (the fragment dropped); every part is malloc'd, "" when absent. */
struct fetch_url {
	char *scheme; /* lower case */
	char *host;   /* with any user info and port */
	char *path;
	char *query;
};

void fetch_url_parse(const char *s, struct fetch_url *u);
void fetch_url_free(struct fetch_url *u);

#endif
