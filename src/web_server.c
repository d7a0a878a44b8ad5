/*
 * web_server: cprof -http, on libmicrohttpd: pprof's routes under /ui/,
 * its redirects, its check that a server bound to localhost answers only
 * local clients, the browser it opens, and a clean stop on SIGINT or
 * SIGTERM.
 *
 * Concurrency. Each connection has a thread of its own (libmicrohttpd's
 * thread-per-connection mode), so requests run at once; what they share
 * is read-only or locked:
 * - the loaded profile: never modified; every report derives new
 *   profiles from it (transform.h) and frees them;
 * - the settings of the command line (web->current): read only; each
 *   request copies them before applying its URL;
 * - the report pipeline holds no mutable global state: the one global of
 *   Graphviz (its error callback, and its layout's globals) is under a
 *   mutex in render_gvc.c; strtok gave way to strtok_r in the driver; the
 *   viewers' and disassemblers' pipes are close-on-exec; the shell's
 *   completion globals are never reached from here;
 * - settings.json: read and written under web->settings_lock;
 * - the cache of answers (web_cache.c): under its own lock, with
 *   immutable entries;
 * - web->slots bounds the reports made at once (each can take hundreds
 *   of megabytes of a large profile): more requests wait their turn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "json.h"
#include "web.h"
#include "web_int.h"

/* Answers kept for requests to come: a few flame graphs of a large profile. */
#define CACHE_BYTES (64u << 20)

/* ---- the address ---- */

/* split_host_port is Go's net.SplitHostPort. */
static int split_host_port(const char *hp, char **host, char **port, char *err, size_t errsize)
{
	const char *colon;
	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');
		if (!end) {
			snprintf(err, errsize, "address %s: missing ']' in address", hp);
			return -1;
		}
		if (end[1] != ':') {
			snprintf(err, errsize, "address %s: %s", hp, end[1] ? "unexpected ']' in address" : "missing port in address");
			return -1;
		}
		*host = xstrndup(hp + 1, (size_t)(end - hp - 1));
		colon = end + 1;
	} else {
		colon = strrchr(hp, ':');
		if (!colon) {
			snprintf(err, errsize, "address %s: missing port in address", hp);
			return -1;
		}
		if (memchr(hp, ':', (size_t)(colon - hp))) {
			snprintf(err, errsize, "address %s: too many colons in address", hp);
			return -1;
		}
		*host = xstrndup(hp, (size_t)(colon - hp));
	}
	*port = xstrdup(colon + 1);
	return 0;
}

/* listen_on binds host:port (port "" or "0": a free one) and reports the port; -1 with a message. */
static int listen_on(const char *host, const char *port, int *bound, char *err, size_t errsize)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int rc = getaddrinfo(host, port[0] ? port : "0", &hints, &res);
	if (rc != 0) {
		snprintf(err, errsize, "listen tcp %s:%s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	/* as Go listens on "localhost": its IPv4 address first */
	int fd = -1, saved = 0;
	for (int pass = 0; pass < 2 && fd < 0; pass++)
		for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
			if ((a->ai_family == AF_INET) != (pass == 0))
				continue;
			fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
			if (fd < 0) {
				saved = errno;
				continue;
			}
			int one = 1;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
			if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 128) != 0) {
				saved = errno;
				close(fd);
				fd = -1;
			}
		}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errsize, "listen tcp %s:%s: %s", host, port, strerror(saved));
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*bound = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					       : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* pprof's isLocalhost: the names a server bound for local use only is given. */
static bool is_localhost(const char *host)
{
	return !strcmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "::1");
}

bool web_loopback_client(const struct sockaddr *sa)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return true;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return false;
}

/* ---- requests ---- */

struct server {
	struct web w;
	bool local; /* bound to localhost: only local clients */
};

/* What a request carries from its first line to its answer. */
struct request {
	char *uri; /* as the client sent it, query included */
	bool started;
};

static void *log_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls, (void)conn;
	struct request *rq = xcalloc(1, sizeof *rq);
	rq->uri = xstrdup(uri ? uri : "/");
	return rq;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)conn, (void)why;
	struct request *rq = *con_cls;
	if (rq) {
		free(rq->uri);
		free(rq);
	}
	*con_cls = NULL;
}

/* redirect answers code with Location path?query, as pprof's redirectWithQuery (relative paths kept). */
static void redirect(struct web_response *r, unsigned code, const char *path, const char *query)
{
	sb_adds(&r->location_buf, path);
	if (query[0])
		sb_addf(&r->location_buf, "?%s", query);
	r->location = sb_cstr(&r->location_buf);
	r->status = code;
	r->type = "text/html; charset=utf-8";
	r->body = xstrdup("");
	r->len = 0;
}

static void save_or_delete(struct web *w, bool save, const char *query, struct web_response *r)
{
	struct query q;
	query_parse(&q, query);
	char err[512];
	int rc;
	if (!w->settings_file) {
		snprintf(err, sizeof err, "no settings file");
		rc = -1;
	} else {
		pthread_mutex_lock(&w->settings_lock);
		rc = save ? web_save_config(w->settings_file, &w->current, &q, err, sizeof err)
			  : web_delete_config(w->settings_file, &w->current, query_get(&q, "config"), err, sizeof err);
		pthread_mutex_unlock(&w->settings_lock);
	}
	query_free(&q);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		web_error(r, 400, err);
		return;
	}
	r->status = 200;
	r->type = "text/plain; charset=utf-8";
	r->body = xstrdup("");
	r->len = 0;
}

/* route answers one request: path (decoded) and query (raw) of a request under /ui/ or not. */
static void route(struct server *s, const char *path, const char *query, struct web_response *r)
{
	if (!strcmp(path, "/ui")) {
		redirect(r, 301, "/ui/", query); /* Go's ServeMux adds the slash */
		return;
	}
	if (strncmp(path, "/ui/", 4) != 0) {
		redirect(r, 307, "/ui", query);
		return;
	}
	const char *name = path + 4;
	if (!name[0] || !strcmp(name, "flamegraph2") || !strcmp(name, "flamegraphold")) {
		redirect(r, 301, "flamegraph", query);
		return;
	}
	if (!strcmp(name, "download")) {
		web_download(&s->w, r);
		return;
	}
	if (!strcmp(name, "saveconfig") || !strcmp(name, "deleteconfig")) {
		save_or_delete(&s->w, name[0] == 's', query, r);
		return;
	}
	if (!web_view(&s->w, name, query, r))
		web_error(r, 404, "404 page not found");
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)method, (void)version, (void)upload;
	struct server *s = cls;
	struct request *rq = *con_cls;
	if (!rq->started) {
		rq->started = true; /* headers read: a body may follow */
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* no route reads a body */
		return MHD_YES;
	}
	struct web_response r = { 0 };
	r.location_buf = (struct strbuf)STRBUF_INIT;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (s->local && !web_loopback_client(ci ? ci->client_addr : NULL)) {
		web_error(&r, 403, "permission denied");
	} else {
		const char *q = strchr(rq->uri, '?');
		char *query = xstrdup(q ? q + 1 : "");
		query[strcspn(query, "#")] = '\0';
		route(s, url, query, &r);
		free(query);
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", r.type);
	if (r.status >= 400)
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r.location)
		MHD_add_response_header(resp, "Location", r.location);
	if (r.disposition)
		MHD_add_response_header(resp, "Content-Disposition", r.disposition);
	enum MHD_Result ok = MHD_queue_response(conn, r.status, resp);
	MHD_destroy_response(resp);
	sb_free(&r.location_buf);
	return ok;
}

/* ---- the state made before serving ---- */

static void json_help(struct strbuf *b)
{
	/* pprof's: the commands', the settings', and the page's own entries */
	static const char *const extra[][2] = {
		{ "details", "Show information about the profile and this view" },
		{ "graph", "Display profile as a directed graph" },
		{ "flamegraph", "Display profile as a flame graph" },
		{ "reset", "Show the entire profile" },
		{ "save_config", "Save current settings" },
	};
	sb_addc(b, '{');
	bool first = true;
	for (size_t i = 0; i < n_commands; i++) {
		json_key(b, commands[i].name, first);
		first = false;
		json_pstr(b, commands[i].description);
	}
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (f->choices) {
			for (const char *const *c = f->choices; *c; c++) {
				json_key(b, *c, false);
				json_pstr(b, option_help(*c));
			}
		} else {
			json_key(b, f->name, false);
			json_pstr(b, f->help);
		}
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		json_key(b, extra[i][0], false);
		json_pstr(b, extra[i][1]);
	}
	sb_addc(b, '}');
}

static void json_defaults(struct strbuf *b)
{
	struct options def;
	options_init(&def);
	sb_addc(b, '{');
	bool first = true;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		const char *param = web_url_param(f->name);
		if (!param)
			continue;
		char v[64];
		options_get(&def, f, v, sizeof v);
		if (f->type == OPT_BOOL)
			v[1] = '\0';
		json_key(b, param, first);
		first = false;
		json_pstr(b, v);
	}
	sb_addc(b, '}');
	options_free(&def);
}

static void web_init(struct web *w, const struct profile *p, const struct web_options *wo)
{
	w->p = p;
	w->flame_p = wo->apart ? wo->apart : p;
	options_copy(&w->current, wo->opt);
	w->tools = wo->tools ? wo->tools : "";
	pthread_mutex_init(&w->settings_lock, NULL);
	w->cache = web_cache_new(CACHE_BYTES);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	sem_init(&w->slots, 0, cpus < 2 ? 2 : cpus > 8 ? 8 : (unsigned)cpus);
	sb_addc(&w->sample_types, '[');
	for (size_t i = 0; i < p->n_sample_type; i++) {
		if (i)
			sb_addc(&w->sample_types, ',');
		json_pstr(&w->sample_types, p->sample_type[i].type);
	}
	sb_addc(&w->sample_types, ']');
	json_help(&w->help);
	json_defaults(&w->defaults);
	const char *timing = getenv("CPROF_WEB_TIMING");
	w->timing_log = timing && timing[0] && strcmp(timing, "0") != 0;
}

static void web_destroy(struct web *w)
{
	options_free(&w->current);
	free(w->settings_file);
	pthread_mutex_destroy(&w->settings_lock);
	web_cache_free(w->cache);
	sem_destroy(&w->slots);
	sb_free(&w->sample_types);
	sb_free(&w->help);
	sb_free(&w->defaults);
}

/* ---- before and after serving ---- */

/*
 * The landing views (flame graph, top, graph) for the command line's
 * settings, made before serving: the first request for each is answered
 * from the cache (see web_cache.c). The reports run at once, each on its
 * own thread, as many at a time as web->slots allows.
 */
struct warm_job {
	struct web *w;
	const char *view;
};

static void *warm(void *arg)
{
	struct warm_job *j = arg;
	struct web_response r = { 0 };
	web_view(j->w, j->view, "", &r);
	free(r.body);
	return NULL;
}

static void warm_up(struct web *w)
{
	static const char *const landing[] = { "flamegraph", "top", "graph" };
	struct warm_job jobs[3];
	pthread_t t[3];
	bool started[3];
	for (int i = 0; i < 3; i++) {
		jobs[i] = (struct warm_job){ w, landing[i] };
		started[i] = pthread_create(&t[i], NULL, warm, &jobs[i]) == 0;
		if (!started[i])
			warm(&jobs[i]);
	}
	for (int i = 0; i < 3; i++)
		if (started[i])
			pthread_join(t[i], NULL);
}

struct opener {
	char *url;
};

/* open_browser is pprof's openBrowser: half a second for the server, then a browser, or the URL printed. */
static void *open_browser(void *arg)
{
	struct opener *o = arg;
	struct timespec half = { 0, 500 * 1000 * 1000 };
	while (nanosleep(&half, &half) != 0 && errno == EINTR)
		;
	if (driver_open_browser(o->url) < 0)
		fprintf(stderr, "%s\n", o->url);
	free(o->url);
	free(o);
	return NULL;
}

/*
 * host_and_port is pprof's getHostAndPort: [host]:[port], an empty host
 * being localhost and an empty port a free one (bound as port 0).
 */
static int host_and_port(const char *hostport, char **host, char **port, char *err, size_t errsize)
{
	char e[512];
	if (split_host_port(hostport, host, port, e, sizeof e) < 0) {
		snprintf(err, errsize, "could not split http address: %s", e);
		return -1;
	}
	if (!(*host)[0]) {
		free(*host);
		*host = xstrdup("localhost");
	}
	for (const char *c = *port; *c; c++)
		if (*c < '0' || *c > '9') {
			snprintf(err, errsize, "invalid port number: strconv.Atoi: parsing \"%s\": invalid syntax", *port);
			return -1;
		}
	if (strlen(*port) > 5 || atoi(*port) > 65535) {
		snprintf(err, errsize, "listen tcp: address %s: invalid port", *port);
		return -1;
	}
	return 0;
}

/* start_browser opens url after half a second, on a thread of its own (the URL printed if none starts). */
static void start_browser(const struct web *w, const char *base)
{
	struct opener *o = xcalloc(1, sizeof *o);
	struct strbuf url = STRBUF_INIT;
	sb_adds(&url, base);
	/* the command line's settings, as URL parameters */
	struct query q = { 0 };
	if (web_make_url(&w->current, &q)) {
		sb_addc(&url, '?');
		query_encode(&q, &url);
	}
	query_free(&q);
	o->url = url.s;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, open_browser, o) != 0) {
		fprintf(stderr, "%s\n", o->url);
		free(o->url);
		free(o);
	}
	pthread_attr_destroy(&attr);
}

static struct MHD_Daemon *start_daemon(struct server *s, int fd)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
					MHD_USE_ITC,
				0, NULL, NULL, answer, s, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_URI_LOG_CALLBACK,
				log_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)256, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300, MHD_OPTION_END);
}

int web_serve(const struct profile *p, const struct web_options *wo, char *err, size_t errsize)
{
	char *host = NULL, *port = NULL, *settings = NULL;
	int rc = -1, fd = -1, bound;
	struct server *s = NULL;
	struct MHD_Daemon *d = NULL;
	if (host_and_port(wo->hostport, &host, &port, err, errsize) < 0)
		goto out;
	char serr[256];
	if (!(settings = web_settings_file(serr, sizeof serr))) {
		snprintf(err, errsize, "%s", serr);
		goto out;
	}
	if ((fd = listen_on(host, port, &bound, err, errsize)) < 0)
		goto out;

	/* SIGINT and SIGTERM wait for sigwait below: every thread made from here on blocks them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	s = xcalloc(1, sizeof *s);
	web_init(&s->w, p, wo);
	s->w.settings_file = settings;
	settings = NULL;
	s->local = is_localhost(host);
	warm_up(&s->w);
	if (!(d = start_daemon(s, fd))) {
		snprintf(err, errsize, "could not start the web server on %s:%d", host, bound);
		goto out;
	}
	fd = -1; /* the daemon's now */

	struct strbuf url = STRBUF_INIT;
	bool v6 = strchr(host, ':') != NULL;
	sb_addf(&url, "http://%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", bound);
	fprintf(stderr, "Serving web UI on %s\n", sb_cstr(&url));
	if (!wo->no_browser)
		start_browser(&s->w, sb_cstr(&url));
	sb_free(&url);

	int sig;
	while (sigwait(&stop, &sig) != 0)
		;
	MHD_stop_daemon(d);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (s) {
		web_destroy(&s->w);
		free(s);
	}
	free(settings);
	free(host);
	free(port);
	return rc;
}
