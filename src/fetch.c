#include "fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gofmt.h"

/* read_stream reads f to its end; hint: its size, when known (one read of a large file, not doublings). */
static int read_stream(FILE *f, size_t hint, uint8_t **data, size_t *len)
{
	size_t cap = hint < (1 << 16) ? 1 << 16 : hint + 1, n = 0;
	uint8_t *buf = reuse_alloc(cap);
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

void fetch_url_free(struct fetch_url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
}

void fetch_url_parse(const char *s, struct fetch_url *u)
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
	struct fetch_url u;
	fetch_url_parse(source, &u);
	/* Go refuses a colon in a relative URL's first segment ("127.0.0.1:80/x"): pprof then adds http:// */
	bool colon_first = !u.scheme[0] && memchr(source, ':', strcspn(source, "/")) != NULL;
	if (colon_first || (!u.host[0] && u.scheme[0] && strcmp(u.scheme, "file") != 0)) {
		/* "host:port/path": Go reads "host" as the scheme */
		fetch_url_free(&u);
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "http://%s", source);
		fetch_url_parse(sb_cstr(&b), &u);
		sb_free(&b);
	}
	if (!u.host[0]) {
		fetch_url_free(&u);
		return NULL;
	}
	/* go tool pprof's default: a bare host:port asks for a CPU profile */
	if (!u.path[0] || !strcmp(u.path, "/")) {
		free(u.path);
		u.path = xstrdup("/debug/pprof/profile");
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
	fetch_url_free(&u);
	return out.s;
}

/* ---- HTTP ---- */

/* What came back: the body (up to a ceiling) and what pprof's statusCodeError reads of the header. */
struct response {
	uint8_t *data;
	size_t len, cap;
	uint64_t max;
	bool too_big;
	long code;
	char status[128]; /* Go's resp.Status: the status line after the protocol, "404 Not Found" */
	bool go_pprof;    /* an X-Go-Pprof header: the error comes from net/http/pprof */
	bool text_plain;  /* its Content-Type is text/plain */
	bool content_type_seen;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct response *r = ctx;
	size_t n = size * nmemb;
	if (r->len + n > r->max) {
		r->too_big = true;
		return 0;
	}
	GROW(r->data, r->cap, r->len + n);
	memcpy(r->data + r->len, ptr, n);
	r->len += n;
	return n;
}

/* header_is tells whether a header line of n bytes is "name: value", the value (trimmed) in *value, *vlen. */
static bool header_is(const char *line, size_t n, const char *name, const char **value, size_t *vlen)
{
	size_t k = strlen(name);
	if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
		return false;
	const char *v = line + k + 1, *e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*value = v;
	*vlen = (size_t)(e - v);
	return true;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct response *r = ctx;
	size_t n = size * nmemb, len = n;
	while (len > 0 && (ptr[len - 1] == '\n' || ptr[len - 1] == '\r'))
		len--;
	const char *v;
	size_t vlen;
	if (len >= 5 && !strncmp(ptr, "HTTP/", 5)) { /* a new response: after a redirect, or a 100 Continue */
		const char *sp = memchr(ptr, ' ', len);
		size_t at = sp ? (size_t)(sp - ptr) : len;
		while (at < len && ptr[at] == ' ')
			at++;
		snprintf(r->status, sizeof r->status, "%.*s", (int)(len - at), ptr + at);
		r->go_pprof = r->text_plain = r->content_type_seen = false;
	} else if (header_is(ptr, len, "X-Go-Pprof", &v, &vlen)) {
		r->go_pprof |= vlen > 0;
	} else if (header_is(ptr, len, "Content-Type", &v, &vlen) && !r->content_type_seen) {
		r->content_type_seen = true; /* Go's Header.Get reads the first one */
		for (size_t i = 0; i + 10 <= vlen && !r->text_plain; i++)
			r->text_plain = !memcmp(v + i, "text/plain", 10);
	}
	return n;
}

/* file_error says why path cannot be read, as Go's os.Open would, or returns false when it can. */
static bool file_error(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	if (f) {
		fclose(f);
		return false;
	}
	snprintf(err, errsize, "open %s: %s", path, strerror(errno));
	return true;
}

/* tls_setup applies -tls_cert, -tls_key and -tls_ca, refusing what pprof's transport refuses. */
static int tls_setup(CURL *c, const struct fetch_options *o, char *err, size_t errsize)
{
	const char *cert = o->tls_cert ? o->tls_cert : "", *key = o->tls_key ? o->tls_key : "";
	const char *ca = o->tls_ca ? o->tls_ca : "";
	char why[512];
	if (!cert[0] != !key[0]) {
		snprintf(err, errsize, "-%s is specified, so -%s must also be specified", cert[0] ? "tls_cert" : "tls_key",
			 cert[0] ? "tls_key" : "tls_cert");
		return -1;
	}
	if (cert[0] && (file_error(cert, why, sizeof why) || file_error(key, why, sizeof why))) {
		snprintf(err, errsize, "could not load certificate/key pair specified by -tls_cert and -tls_key: %s", why);
		return -1;
	}
	if (ca[0] && file_error(ca, why, sizeof why)) {
		snprintf(err, errsize, "could not load CA specified by -tls_ca: %s", why);
		return -1;
	}
	if (cert[0]) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	}
	if (ca[0]) { /* the CA file replaces the system's roots, as Go's RootCAs does */
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	return 0;
}

/* on_progress ends a transfer once the caller's cancel flag is set (Ctrl-C). */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	const volatile sig_atomic_t *cancel = ctx;
	return *cancel ? 1 : 0;
}

/*
 * http_request makes one GET (post NULL) or POST; it returns 0 with the
 * response of any status in r, or -1 when there is none, the reason in err.
 */
static int http_request(const char *url, const char *post, int timeout, const struct fetch_options *o,
			struct response *r, char *err, size_t errsize)
{
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errsize, "libcurl could not start");
		return -1;
	}
	if (tls_setup(c, o, err, errsize) < 0) {
		curl_easy_cleanup(c);
		return -1;
	}
	/* https+insecure://: https without checking the server's certificate, as pprof's transport has it */
	struct strbuf target = STRBUF_INIT;
	if (!strncasecmp(url, "https+insecure:", 15)) {
		sb_addf(&target, "https:%s", url + 15);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		sb_adds(&target, url);
	}
	struct curl_slist *headers = NULL;
	if (post) {
		headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
		headers = curl_slist_append(headers, "Expect:"); /* no 100-continue wait on a long address list */
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(post));
	}
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, sb_cstr(&target));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout + 5);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cprof");
	if (o->cancel) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)o->cancel);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	/* Go's client speaks HTTP/1.1 once a TLS configuration is set, and only HTTP/1 names the status */
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	sb_free(&target);
	if (r->too_big) {
		snprintf(err, errsize, "the response is larger than %llu bytes", (unsigned long long)r->max);
		return -1;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errsize, "interrupted");
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errsize, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* status_error is pprof's statusCodeError: net/http/pprof's own errors add their text (its first line). */
static void status_error(const struct response *r, char *err, size_t errsize)
{
	if (r->go_pprof && r->text_plain) {
		const uint8_t *nl = r->len ? memchr(r->data, '\n', r->len) : NULL;
		size_t n = nl ? (size_t)(nl - r->data) : r->len;
		snprintf(err, errsize, "server response: %s - %.*s", r->status, (int)n, r->data ? (const char *)r->data : "");
	} else {
		snprintf(err, errsize, "server response: %s", r->status);
	}
}

/* http_call fetches url (or posts to it), with pprof's messages for what goes wrong. */
static int http_call(const char *url, const char *post, int timeout, const struct fetch_options *o,
		     uint8_t **data, size_t *len, char *err, size_t errsize)
{
	struct response r = { .max = o->max_size };
	char why[CURL_ERROR_SIZE + 512];
	int rc = http_request(url, post, timeout, o, &r, why, sizeof why);
	if (rc == 0 && r.code == 200) {
		*data = r.data ? r.data : xmalloc(1);
		*len = r.len;
		return 0;
	}
	if (rc == 0)
		status_error(&r, why, sizeof why);
	if (post)
		snprintf(err, errsize, "http post %s: %s", url, why);
	else if (rc < 0)
		snprintf(err, errsize, "http fetch: %s", why);
	else /* pprof's fetchURL returns a status error as it is */
		snprintf(err, errsize, "%s", why);
	free(r.data);
	return -1;
}

int fetch_post(const char *url, const char *body, const struct fetch_options *o, uint8_t **data, size_t *len,
	       char *err, size_t errsize)
{
	return http_call(url, body, o->timeout > 0 ? o->timeout : 60, o, data, len, err, errsize);
}

int fetch_source(const char *source, const struct fetch_options *o, uint8_t **data, size_t *len, char **fetched,
		 struct strbuf *msg, char *err, size_t errsize)
{
	*fetched = NULL;
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
	if (http_call(url, NULL, timeout, o, data, len, err, errsize) < 0) {
		free(url);
		return -1;
	}
	*fetched = url;
	return 0;
}
