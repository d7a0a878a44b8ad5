/*
 * decode_memstats: the runtime.MemStats trailer of a Go heap profile.
 * Go's debug=1 heap text ends with it: a line "# runtime.MemStats", then
 * one "# Key = value" line per field. pprof skips it; cprof keeps it on
 * the profile (profile.h) for -memstats. A proto profile has no place
 * for it but its comments, where cprof saves it with its snapshots, in
 * the same lines: comments that start with '#' stay out of every
 * report's header, in pprof as in cprof.
 */
#include "decode.h"

#include <string.h>

#include "util.h"

#define HEADER "# runtime.MemStats"
/* Go writes 26 fields; a trailer is not allowed to grow the profile without bound. */
enum { MAX_FIELDS = 64, MAX_VALUE = 16384 };

/* field splits "# Key = value" into its key and value; false for any other line. */
static bool field(const char *s, size_t n, const char **key, size_t *klen, const char **value, size_t *vlen)
{
	if (n < 3 || s[0] != '#' || s[1] != ' ')
		return false;
	size_t k = 2;
	while (k < n && ((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9')))
		k++;
	if (k == 2 || n - k < 3 || memcmp(s + k, " = ", 3) != 0 || n - k - 3 > MAX_VALUE)
		return false;
	*key = s + 2;
	*klen = k - 2;
	*value = s + k + 3;
	*vlen = n - k - 3;
	while (*vlen && ((*value)[*vlen - 1] == '\r' || (*value)[*vlen - 1] == ' '))
		(*vlen)--;
	return true;
}

struct reader {
	struct profile *p;
	struct memstat *kv;
	size_t n;
};

static void add(struct reader *r, const char *key, size_t klen, const char *value, size_t vlen)
{
	if (!r->kv)
		r->kv = arena_array(r->p->arena, MAX_FIELDS, sizeof *r->kv);
	size_t extra = nul_escape_extra(key, klen) + nul_escape_extra(value, vlen);
	r->p->escaped |= extra != 0;
	r->kv[r->n].key = arena_escape(r->p->arena, key, klen, NULL);
	r->kv[r->n].value = arena_escape(r->p->arena, value, vlen, NULL);
	r->n++;
}

static size_t finish(struct reader *r)
{
	if (r->n) {
		r->p->memstats = r->kv;
		r->p->n_memstats = r->n;
	}
	return r->n;
}

size_t decode_memstats_text(struct profile *p, const uint8_t *data, size_t len)
{
	const char *s = (const char *)data, *end = s + len;
	const char *at = NULL;
	/* the header on a line of its own, after the samples */
	for (const char *c = s; c < end; c++) {
		c = memchr(c, '#', (size_t)(end - c));
		if (!c)
			break;
		size_t hl = strlen(HEADER);
		if ((c == s || c[-1] == '\n') && (size_t)(end - c) >= hl && !memcmp(c, HEADER, hl) &&
		    (c + hl == end || c[hl] == '\n' || c[hl] == '\r')) {
			at = c + hl;
			break;
		}
	}
	struct reader r = { p, NULL, 0 };
	while (at && at < end && r.n < MAX_FIELDS) {
		at += *at == '\r';
		if (at < end && *at == '\n')
			at++;
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = nl ? (size_t)(nl - at) : (size_t)(end - at);
		const char *key, *value;
		size_t klen, vlen;
		if (!field(at, n, &key, &klen, &value, &vlen))
			break;
		add(&r, key, klen, value, vlen);
		at += n;
	}
	return finish(&r);
}

bool decode_memstats_in_comments(const struct profile *p)
{
	for (size_t i = 0; i < p->n_comment; i++)
		if (!strcmp(p->comment[i], HEADER))
			return true;
	return false;
}

size_t decode_memstats_comments(struct profile *p)
{
	size_t i = 0;
	while (i < p->n_comment && strcmp(p->comment[i], HEADER) != 0)
		i++;
	struct reader r = { p, NULL, 0 };
	for (i++; i < p->n_comment && r.n < MAX_FIELDS; i++) {
		const char *key, *value;
		size_t klen, vlen;
		/* already escaped, as every profile string is: copied as they are */
		if (!field(p->comment[i], strlen(p->comment[i]), &key, &klen, &value, &vlen))
			break;
		if (!r.kv)
			r.kv = arena_array(p->arena, MAX_FIELDS, sizeof *r.kv);
		r.kv[r.n].key = arena_strndup(p->arena, key, klen);
		r.kv[r.n].value = arena_strndup(p->arena, value, vlen);
		r.n++;
	}
	return finish(&r);
}

void decode_memstats_as_comments(struct profile *p)
{
	if (!p->n_memstats || decode_memstats_in_comments(p))
		return;
	const char **c = arena_array(p->arena, p->n_comment + 1 + p->n_memstats, sizeof *c);
	mem_copy(c, p->comment, p->n_comment * sizeof *c);
	size_t n = p->n_comment;
	c[n++] = HEADER;
	for (size_t i = 0; i < p->n_memstats; i++) {
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "# %s = %s", p->memstats[i].key, p->memstats[i].value);
		c[n++] = arena_strdup(p->arena, sb_cstr(&b));
		sb_free(&b);
	}
	p->comment = c;
	p->n_comment = n;
}
