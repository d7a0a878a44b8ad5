/*
 * symbolize_remote: function names asked of the server a profile came
 * from, as pprof's symbolz package asks them. For each mapping that lacks
 * function names and came over HTTP, the addresses of its locations
 * without lines are posted ("0x4a5b6c+0x4a5c00") to the symbol endpoint
 * beside the profile's URL (/debug/pprof/symbol for net/http/pprof and
 * gperftools paths, .../symbolz otherwise), and each answer line
 * "0xADDR name" gives the locations at ADDR one line of a new function.
 * The "num_symbols: N" line that leads Go's answer matches no address and
 * is skipped, as pprof skips it.
 */
#include "symbolize.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtab.h"
#include "symbolize_int.h"

void symbolize_add_sources(struct symbolize_sources *s, struct profile *p, const char *url)
{
	for (size_t i = 0; i < p->n_mapping; i++) {
		struct mapping *m = &p->mapping[i];
		const char *key = m->build_id[0] ? m->build_id : m->file;
		if (!key[0]) /* e.g. a legacy Go profile: the URL stands for its binary until symbolized */
			key = m->file = arena_strdup(p->arena, url);
		GROW(s->s, s->cap, s->n + 1);
		s->s[s->n++] = (struct symbolize_source){ xstrdup(key), xstrdup(url), m->start };
	}
}

void symbolize_move_sources(struct symbolize_sources *to, struct symbolize_sources *from)
{
	GROW(to->s, to->cap, to->n + from->n);
	mem_copy(to->s + to->n, from->s, from->n * sizeof *from->s);
	to->n += from->n;
	free(from->s);
	from->s = NULL;
	from->n = from->cap = 0;
}

void symbolize_sources_free(struct symbolize_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->s[i].key);
		free(s->s[i].url);
	}
	free(s->s);
	s->s = NULL;
	s->n = s->cap = 0;
}

/* Paths the gperftools servers answer (its pprof_remote_servers.html): their symbols are at ../symbol too. */
static bool gperftools_path(const char *path)
{
	static const char *const suffixes[] = { "/pprof/heap", "/pprof/growth", "/pprof/profile", "/pprof/pmuprofile",
						"/pprof/contention" };
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
		if (str_has_suffix(path, suffixes[i]))
			return true;
	return false;
}

/* symbol_url is pprof's symbolz(): the symbol endpoint beside a profile's URL (malloc'd), or NULL. */
static char *symbol_url(const char *source)
{
	struct fetch_url u;
	fetch_url_parse(source, &u);
	char *out = NULL;
	if (u.host[0]) {
		struct strbuf path = STRBUF_INIT, clean = STRBUF_INIT, b = STRBUF_INIT;
		bool symbol = strstr(u.path, "/debug/pprof/") || gperftools_path(u.path);
		sb_addf(&path, "%s/../%s", u.path, symbol ? "symbol" : "symbolz");
		path_clean(sb_cstr(&path), &clean);
		sb_addf(&b, "%s://%s%s", u.scheme, u.host, sb_cstr(&clean));
		out = b.s;
		sb_free(&path);
		sb_free(&clean);
	}
	fetch_url_free(&u);
	return out;
}

/* adjust is pprof's: addr moved by a signed offset, false when that wraps around. */
static bool adjust(uint64_t addr, int64_t offset, uint64_t *out)
{
	uint64_t adj = addr + (uint64_t)offset;
	if (offset < 0 ? adj >= addr : adj < addr)
		return false;
	*out = adj;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/*
 * match_symbol is pprof's symbolzRE, `(0x[[:xdigit:]]+)\s+(.*)`, unanchored,
 * on one line of n bytes (its '\n' included): the hex digits in
 * [*hex, *hex + *hexlen), the name in [*name, *name + *namelen).
 */
static bool match_symbol(const char *l, size_t n, size_t *hex, size_t *hexlen, size_t *name, size_t *namelen)
{
	for (size_t i = 0; i + 3 < n; i++) {
		if (l[i] != '0' || l[i + 1] != 'x' || hex_digit(l[i + 2]) < 0)
			continue;
		size_t k = i + 2;
		while (k < n && hex_digit(l[k]) >= 0)
			k++;
		if (k == n || !is_space(l[k]))
			continue; /* a shorter run of digits is followed by a digit, not a space: no match here */
		*hex = i + 2;
		*hexlen = k - *hex;
		while (k < n && is_space(l[k]))
			k++;
		*name = k;
		while (k < n && l[k] != '\n')
			k++;
		*namelen = k - *name;
		return true;
	}
	return false;
}

/* parse_hex is Go's strconv.ParseUint of "0x" and digits: false when it does not fit 64 bits. */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)hex_digit(s[i]);
	}
	*out = v;
	return true;
}

/* An answer: the location address and the new function it names (an index into the added functions). */
struct symbol {
	uint64_t addr;
	uint32_t function;
	uint32_t seq; /* its place in the answer: a later answer for an address wins */
};

static int cmp_symbol(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The functions remote symbolization adds, appended to the profile's at the end. */
struct added {
	struct profile *p;
	struct function *f;
	size_t n, cap;
};

/* The state of one mapping's symbolization: what the answer said, for the locations of mapping m. */
struct answer {
	struct symbol *sym;
	size_t n, cap;
	struct strset names; /* one function per name and mapping, as pprof's map */
	uint32_t first;      /* the added function of the strset's name 0 */
};

/* read_answer parses the endpoint's reply into a, each address moved back by -offset. */
static int read_answer(const uint8_t *body, size_t len, int64_t offset, struct added *add, struct answer *a,
		       char *err, size_t errsize)
{
	const char *s = (const char *)body;
	struct strbuf name = STRBUF_INIT;
	int rc = 0;
	for (size_t at = 0; at < len && rc == 0;) {
		const char *nl = memchr(s + at, '\n', len - at);
		if (!nl)
			break; /* pprof reads whole lines only */
		size_t n = (size_t)(nl - (s + at)) + 1, h, hl, nm, nml;
		const char *l = s + at;
		at += n;
		if (!match_symbol(l, n, &h, &hl, &nm, &nml))
			continue;
		uint64_t orig, addr;
		if (!parse_hex(l + h, hl, &orig)) {
			snprintf(err, errsize, "unexpected parse failure 0x%.*s: value out of range", (int)hl, l + h);
			rc = -1;
		} else if (!adjust(orig, -offset, &addr)) {
			snprintf(err, errsize, "cannot adjust symbolz address %" PRIu64 " by %" PRId64 ", it would overflow",
				 orig, -offset);
			rc = -1;
		} else {
			sb_reset(&name);
			sb_addn(&name, l + nm, nml);
			size_t before = a->names.n;
			uint32_t k = strset_add(&a->names, sb_cstr(&name), add->p->arena);
			if (a->names.n > before) {
				if (before == 0)
					a->first = (uint32_t)add->n;
				GROW(add->f, add->cap, add->n + 1);
				const char *fn = a->names.s[k];
				add->f[add->n] = (struct function){ add->p->n_function + add->n + 1, fn, fn, "", 0 };
				add->n++;
			}
			GROW(a->sym, a->cap, a->n + 1);
			a->sym[a->n] = (struct symbol){ addr, a->first + k, (uint32_t)a->n };
			a->n++;
		}
	}
	sb_free(&name);
	return rc;
}

/* query lists the addresses pprof asks about for mapping m: its locations with an address and no lines. */
static int query(const struct profile *p, uint32_t m, int64_t offset, struct strbuf *q, char *err, size_t errsize)
{
	for (size_t i = 0; i < p->n_location; i++) {
		const struct location *l = &p->location[i];
		if (l->mapping != m || l->address == 0 || l->n_line != 0)
			continue;
		uint64_t addr;
		if (!adjust(l->address, offset, &addr)) {
			snprintf(err, errsize, "cannot adjust address %" PRIu64 " by %" PRId64 ", it would overflow (mapping %" PRIu64 ")",
				 l->address, offset, p->mapping[m].id);
			return -1;
		}
		sb_addf(q, "%s0x%" PRIx64, q->len ? "+" : "", addr);
	}
	return 0;
}

/* apply gives every location of mapping m that the answer names its one line. */
static void apply(struct profile *p, uint32_t m, struct answer *a, const struct added *add)
{
	qsort(a->sym, a->n, sizeof *a->sym, cmp_symbol);
	size_t n = 0; /* keep the last answer per address */
	for (size_t i = 0; i < a->n; i++) {
		if (n && a->sym[n - 1].addr == a->sym[i].addr)
			n--;
		a->sym[n++] = a->sym[i];
	}
	for (size_t i = 0; i < p->n_location; i++) {
		struct location *l = &p->location[i];
		if (l->mapping != m)
			continue;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (a->sym[mid].addr < l->address)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || a->sym[lo].addr != l->address)
			continue;
		struct line *line = arena_array(p->arena, 1, sizeof *line);
		line->function = (uint32_t)(add->p->n_function + a->sym[lo].function);
		l->line = line;
		l->n_line = 1;
	}
}

/* symbolize_mapping is pprof's symbolizeMapping: one POST for the locations of mapping m. */
static int symbolize_mapping(struct profile *p, uint32_t m, const char *url, int64_t offset,
			     const struct fetch_options *fo, struct added *add, char *err, size_t errsize)
{
	struct strbuf q = STRBUF_INIT;
	if (query(p, m, offset, &q, err, errsize) < 0) {
		sb_free(&q);
		return -1;
	}
	if (q.len == 0) {
		sb_free(&q);
		return 0; /* nothing to ask */
	}
	uint8_t *body;
	size_t len;
	int rc = fetch_post(url, sb_cstr(&q), fo, &body, &len, err, errsize);
	sb_free(&q);
	if (rc < 0)
		return -1;
	struct answer a = { 0 };
	rc = read_answer(body, len, offset, add, &a, err, errsize);
	free(body);
	if (rc == 0)
		apply(p, m, &a, add);
	free(a.sym);
	strset_free(&a.names);
	return rc;
}

/* try_sources symbolizes mapping m from the first of its sources that has a symbol endpoint: 1 done, 0 none, -1 failed. */
static int try_sources(struct profile *p, uint32_t m, const struct symbolize_sources *s, struct added *add,
		       char *err, size_t errsize)
{
	const struct mapping *mp = &p->mapping[m];
	/* pprof's order: the sources under the file, then those under the build id */
	for (int pass = 0; pass < 2; pass++) {
		const char *key = pass == 0 ? mp->file : mp->build_id;
		if (pass == 1 && !key[0])
			break;
		for (size_t i = 0; i < s->n; i++) {
			if (strcmp(s->s[i].key, key) != 0)
				continue;
			char *url = symbol_url(s->s[i].url);
			if (!url)
				continue;
			int rc = symbolize_mapping(p, m, url, (int64_t)(s->s[i].start - mp->start), s->fetch, add, err,
						   errsize);
			free(url);
			return rc < 0 ? -1 : 1;
		}
	}
	return 0;
}

int symbolize_remote(struct profile *p, bool force, const struct symbolize_sources *s, char *err, size_t errsize)
{
	if (!s || s->n == 0)
		return 0;
	profile_own_locations(p);
	profile_own_mappings(p);
	struct added add = { p, NULL, 0, 0 };
	int rc = 0;
	for (size_t m = 0; m < p->n_mapping && rc == 0; m++) {
		if (!force && p->mapping[m].has_functions)
			continue; /* symbolz gives names only: lines or files do not count */
		rc = try_sources(p, (uint32_t)m, s, &add, err, errsize);
		if (rc > 0) {
			p->mapping[m].has_functions = true;
			rc = 0;
		}
	}
	if (rc == 0)
		profile_append_functions(p, add.f, add.n);
	free(add.f);
	return rc;
}
