/*
 * web_int: what the files of the web server share.
 *
 * web_server.c listens, routes and answers; web_params.c reads query
 * strings as Go's net/url does and maps pprof's URL parameters onto an
 * options struct; web_config.c keeps the saved configurations
 * (settings.json); web_pages.c makes each view's page; web_cache.c keeps
 * the pages already made.
 *
 * A struct web is made before serving and only read while serving, but
 * for what its locks guard. Everything a request makes is its own.
 */
#ifndef CPROF_WEB_INT_H
#define CPROF_WEB_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>

#include "options.h"
#include "profile.h"
#include "util.h"

/* ---- query strings (web_params.c) ---- */

/* A query string's pairs in order, as Go's url.Values holds them. */
struct query {
	struct query_pair {
		char *key, *value;
	} *pair;
	size_t n, cap;
};

/* query_parse is Go's url.ParseQuery: pairs split at '&', unescaped; a bad pair is dropped. */
void query_parse(struct query *q, const char *raw);
/* query_get is Go's Values.Get: the first value of key, or "". */
const char *query_get(const struct query *q, const char *key);
bool query_has(const struct query *q, const char *key);
void query_set(struct query *q, const char *key, const char *value); /* replaces every value of key */
void query_del(struct query *q, const char *key);
/* query_encode is Go's Values.Encode: keys sorted, escaped as QueryEscape does. */
void query_encode(const struct query *q, struct strbuf *out);
void query_free(struct query *q);
/* query_escape is Go's url.QueryEscape. */
void query_escape(const char *s, struct strbuf *out);

/* pprof's URL parameter for an option field (config.go's urlparam), or NULL. */
const char *web_url_param(const char *field);

/*
 * web_apply_url is pprof's applyURL: every URL parameter given a
 * non-empty value sets its field. Returns 0, or -1 with pprof's message
 * ("error setting config field nodecount: strconv.Atoi: ...") in err.
 */
int web_apply_url(struct options *o, const struct query *q, char *err, size_t errsize);

/*
 * web_make_url is pprof's makeURL: q gets o's saved fields that have a
 * URL parameter, defaults left out and booleans as t/f. Returns whether
 * q changed.
 */
bool web_make_url(const struct options *o, struct query *q);

/* web_param_value appends field f's value as a URL carries it (nothing for the default; t/f for booleans). */
void web_param_value(const struct options *o, const struct option_field *f, struct strbuf *out);

/* ---- saved configurations (web_config.c) ---- */

struct named_config {
	char *name;
	struct options o;
};

/* web_settings_file is Go's os.UserConfigDir() + "/pprof/settings.json", or NULL with a message. */
char *web_settings_file(char *err, size_t errsize);

/*
 * web_read_settings reads the configurations of file (none when it does
 * not exist), each a zero config with its saved fields set and the rest
 * (output, source_path, trim_path, divide_by, sample_index) from
 * current, as pprof's readSettings does. Returns -1 with a message on a
 * file that cannot be read or parsed.
 */
int web_read_settings(const char *file, const struct options *current, struct named_config **out, size_t *n,
		      char *err, size_t errsize);
void web_free_settings(struct named_config *c, size_t n);

/* web_save_config is pprof's setConfig: current plus the URL's parameters saved as config=NAME. */
int web_save_config(const char *file, const struct options *current, const struct query *q, char *err,
		    size_t errsize);
/* web_delete_config is pprof's removeConfig. */
int web_delete_config(const char *file, const struct options *current, const char *name, char *err,
		      size_t errsize);

/*
 * web_config_menu writes the Config menu as JSON: Default and the saved
 * configurations, each with the URL it leads to from the request's query
 * (relative, "?..."), the last that changes nothing marked current.
 */
void web_config_menu(const char *file, const struct options *current, const char *raw_query, struct strbuf *json);

/* ---- the server's state ---- */

struct web_cache;

struct web {
	const struct profile *p;
	const struct profile *flame_p; /* the flame view's: with -base, the base's samples apart */
	struct options current;   /* the command line's settings */
	const char *tools;
	char *settings_file;
	pthread_mutex_t settings_lock; /* one reader or writer of settings.json at a time */
	struct web_cache *cache;
	sem_t slots;              /* reports made at once */
	struct strbuf sample_types; /* JSON array, made once */
	struct strbuf help;         /* JSON object, made once */
	struct strbuf defaults;     /* JSON object, made once */
	bool timing_log;            /* $CPROF_WEB_TIMING: each report's stages on standard error */
};

/* A response: status, content type, body (owned), and extra headers. */
struct web_response {
	unsigned status;
	const char *type;
	char *body;
	size_t len;
	const char *location;     /* redirects */
	const char *disposition;  /* downloads */
	struct strbuf location_buf;
};

/* web_error fills r with status and a one-line text message, as Go's http.Error answers. */
void web_error(struct web_response *r, unsigned status, const char *msg);

/*
 * web_view answers GET /ui/VIEW?QUERY for the views (flamegraph, graph,
 * top, peek, source, disasm); false when view is none of them.
 */
bool web_view(struct web *w, const char *view, const char *raw_query, struct web_response *r);

/* web_download answers /ui/download: the loaded profile, gzipped profile.proto. */
void web_download(struct web *w, struct web_response *r);

/* web_loopback_client tells whether a client's address is a loopback one (127.0.0.0/8, ::1, or mapped). */
struct sockaddr;
bool web_loopback_client(const struct sockaddr *sa);

/* ---- the cache of pages made (web_cache.c) ---- */

/*
 * A cache of finished answers, keyed by their request: the view and
 * every setting that reaches the report. Entries are immutable once
 * added; a lock guards the table. web_cache_get returns a counted
 * reference (web_cache_put drops it) or NULL; while another request
 * makes the same answer, it waits for that one instead of making it too.
 */
struct web_cache_entry {
	char *key;
	unsigned status;
	char *body;
	size_t len;
	int refs;
	bool ready;
	struct web_cache_entry *next;
};

struct web_cache *web_cache_new(size_t max_bytes);
void web_cache_free(struct web_cache *c);
/*
 * web_cache_claim finds key's entry: ready (*mine false), or new and
 * claimed for the caller to fill (*mine true; it must call
 * web_cache_fill, which makes it ready or, with body NULL, drops it).
 */
struct web_cache_entry *web_cache_claim(struct web_cache *c, const char *key, bool *mine);
void web_cache_fill(struct web_cache *c, struct web_cache_entry *e, unsigned status, char *body, size_t len);
void web_cache_release(struct web_cache *c, struct web_cache_entry *e);

#endif
