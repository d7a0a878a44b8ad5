#include "fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gofmt.h"

/* read_stream reads f to its end; hint: its size, when known (one read of a large file, not doublings). */
static int read_stream(FILE *f, size_t hint, uint8_t **data, size_t *len)
{
	size_t cap = hint < (1 << 16) ? 1 << 16 : hint + 1, n = 0;
	uint8_t *buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > SIZE_MAX / 2)
				die_oom();
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				free(buf);
				return -1;
			}
			break;
		}
	}
	*data = buf;
	*len = n;
	return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errsize)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	size_t hint = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
	int rc = read_stream(f, hint, data, len);
	int saved = errno;
	if (f != stdin)
		fclose(f);
	if (rc < 0)
		snprintf(err, errsize, "read: %s", strerror(saved));
	return rc;
}

/* ---- URLs ---- */

struct url {
	char *scheme, *host, *path, *query;
};

static void url_free(struct url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
}

/* parse_url splits scheme://host/path?query, roughly as Go's url.Parse; the fragment is dropped. */
static void parse_url(const char *s, struct url *u)
{
	memset(u, 0, sizeof *u);
	const char *p = s;
	if (isalpha((unsigned char)*p)) {
		const char *c = p + 1;
		while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
			c++;
		if (*c == ':') {
			u->scheme = xstrndup(p, (size_t)(c - p));
			for (char *x = u->scheme; *x; x++)
				*x = (char)tolower((unsigned char)*x);
			p = c + 1;
		}
	}
	size_t rest = strcspn(p, "#");
	char *r = xstrndup(p, rest);
	char *q = strchr(r, '?');
	if (q) {
		u->query = xstrdup(q + 1);
		*q = '\0';
	} else {
		u->query = xstrdup("");
	}
	const char *path = r;
	if (!strncmp(r, "//", 2)) {
		size_t h = strcspn(r + 2, "/");
		u->host = xstrndup(r + 2, h);
		path = r + 2 + h;
	} else {
		u->host = xstrdup("");
	}
	u->path = xstrdup(path);
	free(r);
	if (!u->scheme)
		u->scheme = xstrdup("");
}

static int cmp_param(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t kx = strcspn(x, "="), ky = strcspn(y, "=");
	int c = strncmp(x, y, kx < ky ? kx : ky);
	return c ? c : (kx > ky) - (kx < ky);
}

char *fetch_adjust_url(const char *source, int seconds, int timeout_in, int *timeout)
{
	struct url u;
	parse_url(source, &u);
	/* Go refuses a colon in a relative URL's first segment ("127.0.0.1:80/x"): pprof then adds http:// */
	bool colon_first = !u.scheme[0] && memchr(source, ':', strcspn(source, "/")) != NULL;
	if (colon_first || (!u.host[0] && u.scheme[0] && strcmp(u.scheme, "file") != 0)) {
		/* "host:port/path": Go reads "host" as the scheme */
		url_free(&u);
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "http://%s", source);
		parse_url(sb_cstr(&b), &u);
		sb_free(&b);
	}
	if (!u.host[0]) {
		url_free(&u);
		return NULL;
	}
	/* The query's parameters, with seconds set or read, sorted by key as Go encodes them. */
	char **params = NULL;
	size_t n = 0, cap = 0;
	char *q = xstrdup(u.query);
	int url_seconds = -1;
	for (char *tok = strtok(q, "&;"); tok; tok = strtok(NULL, "&;")) {
		if (!strncmp(tok, "seconds=", 8)) {
			if (seconds <= 0)
				url_seconds = atoi(tok + 8);
			if (seconds > 0)
				continue;
		}
		GROW(params, cap, n + 1);
		params[n++] = xstrdup(tok);
	}
	free(q);
	if (seconds > 0) {
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "seconds=%d", seconds);
		GROW(params, cap, n + 1);
		params[n++] = b.s;
	} else if (url_seconds > 0) {
		seconds = url_seconds;
	}
	if (n)
		qsort(params, n, sizeof *params, cmp_param);
	*timeout = timeout_in > 0 ? timeout_in : seconds > 0 ? seconds + seconds / 2 : 60;
	struct strbuf out = STRBUF_INIT;
	sb_addf(&out, "%s://%s%s", u.scheme, u.host, u.path);
	for (size_t i = 0; i < n; i++) {
		sb_addf(&out, "%c%s", i ? '&' : '?', params[i]);
		free(params[i]);
	}
	free(params);
	url_free(&u);
	return out.s;
}

struct body {
	uint8_t *data;
	size_t len, cap;
	uint64_t max;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t n = size * nmemb;
	if (b->len + n > b->max) {
		b->too_big = true;
		return 0;
	}
	GROW(b->data, b->cap, b->len + n);
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	return n;
}

static int fetch_url(const char *url, int timeout, uint64_t max, uint8_t **data, size_t *len, char *err,
		     size_t errsize)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errsize, "http fetch: libcurl could not start");
		return -1;
	}
	struct body b = { .max = max };
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout + 5);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cprof");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (b.too_big) {
		snprintf(err, errsize, "http fetch: the response is larger than %llu bytes", (unsigned long long)max);
		free(b.data);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errsize, "http fetch: %s", cerr[0] ? cerr : curl_easy_strerror(rc));
		free(b.data);
		return -1;
	}
	if (status != 200) {
		snprintf(err, errsize, "server response: %ld", status);
		free(b.data);
		return -1;
	}
	*data = b.data ? b.data : xmalloc(1);
	*len = b.len;
	return 0;
}

int fetch_source(const char *source, const struct fetch_options *o, uint8_t **data, size_t *len, bool *remote,
		 struct strbuf *msg, char *err, size_t errsize)
{
	*remote = false;
	struct stat st;
	if (!strcmp(source, "-") || stat(source, &st) == 0)
		return read_file(source, data, len, err, errsize);
	int saved = errno;
	int timeout;
	char *url = fetch_adjust_url(source, o->seconds, o->timeout, &timeout);
	if (!url) {
		snprintf(err, errsize, "%s", strerror(saved));
		return -1;
	}
	sb_addf(msg, "Fetching profile over HTTP from %s\n", url);
	if (o->seconds > 0) {
		sb_adds(msg, "Please wait... (");
		go_duration_string(msg, (int64_t)o->seconds * 1000000000);
		sb_adds(msg, ")\n");
	}
	int rc = fetch_url(url, timeout, o->max_size, data, len, err, errsize);
	free(url);
	*remote = rc == 0;
	return rc;
}
