/*
 * decode_legacy_build: the profile a legacy parser builds, and what pprof
 * does to it after the samples are read: the memory map (ParseMemoryMap,
 * massageMappings), the renumbering of locations, functions and mappings
 * (remapLocationIDs, remapFunctionIDs, remapMappingIDs), and the removal
 * of signal-handler and duplicated leaf frames.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_legacy_int.h"

enum lrc lerr(struct lctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errsize, fmt, ap);
	va_end(ap);
	return LRC_ERROR;
}

enum lrc lunrec(struct lctx *c)
{
	snprintf(c->err, c->errsize, "unrecognized profile format");
	return LRC_UNRECOGNIZED;
}

void lb_init(struct lbuild *b)
{
	memset(b, 0, sizeof *b);
	b->p = profile_new();
}

void lb_free(struct lbuild *b)
{
	profile_free(b->p);
	free(b->loc);
	free(b->loc_by_key.key);
	free(b->loc_by_key.val);
	free(b->smp);
	free(b->stk);
	free(b->map);
	free(b->fn);
	memset(b, 0, sizeof *b);
}

void lb_set_sample_types(struct lbuild *b, size_t n, const struct value_type *st)
{
	b->n_st = n;
	for (size_t i = 0; i < n; i++)
		b->st[i] = st[i];
}

const char *lb_strdup(struct lbuild *b, struct slice s)
{
	if (nul_escape_extra(s.p, s.n))
		b->p->escaped = true;
	return arena_escape(b->p->arena, s.p, s.n, NULL);
}

struct slice lb_bytes(struct lbuild *b, struct slice s)
{
	return slice_make(arena_strndup(b->p->arena, s.p, s.n), s.n);
}

/* splitmix64's finalizer: every key bit reaches the low bits the table uses. */
static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Keys and values side by side: a lookup is one cache miss, not two. */
static size_t addr_slot(const struct addr_map *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)(mix(key) & mask);
	while (m->val[i] != NO_INDEX && m->key[i] != key)
		i = (i + 1) & mask;
	return i;
}

static void addr_map_put(struct addr_map *m, uint64_t key, uint32_t val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct addr_map old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		if (m->cap < old.cap)
			die_oom();
		m->key = xreallocarray(NULL, m->cap, sizeof *m->key);
		m->val = xreallocarray(NULL, m->cap, sizeof *m->val);
		for (size_t i = 0; i < m->cap; i++)
			m->val[i] = NO_INDEX;
		for (size_t i = 0; i < old.cap; i++) {
			if (old.val[i] == NO_INDEX)
				continue;
			size_t j = addr_slot(m, old.key[i]);
			m->key[j] = old.key[i];
			m->val[j] = old.val[i];
		}
		free(old.key);
		free(old.val);
	}
	size_t i = addr_slot(m, key);
	if (m->val[i] == NO_INDEX)
		m->n++;
	m->key[i] = key;
	m->val[i] = val;
}

uint32_t lb_find_loc(const struct lbuild *b, uint64_t key)
{
	if (b->loc_by_key.n == 0)
		return NO_INDEX;
	return b->loc_by_key.val[addr_slot(&b->loc_by_key, key)];
}

static uint32_t new_loc(struct lbuild *b, uint64_t key)
{
	if (b->n_loc >= UINT32_MAX - 1)
		die_oom();
	GROW(b->loc, b->cap_loc, b->n_loc + 1);
	struct lb_loc *l = &b->loc[b->n_loc];
	l->key = key;
	l->address = key;
	l->mapping = NO_INDEX;
	l->func = NO_INDEX;
	l->line = 0;
	return (uint32_t)b->n_loc++;
}

uint32_t lb_loc_for(struct lbuild *b, uint64_t key)
{
	uint32_t i = lb_find_loc(b, key);
	if (i != NO_INDEX)
		return i;
	i = new_loc(b, key);
	addr_map_put(&b->loc_by_key, key, i);
	return i;
}

struct lb_sample *lb_add_sample(struct lbuild *b, const int64_t *value)
{
	GROW(b->smp, b->cap_smp, b->n_smp + 1);
	struct lb_sample *s = &b->smp[b->n_smp++];
	memset(s, 0, sizeof *s);
	s->off = b->n_stk;
	for (size_t i = 0; i < b->n_value; i++)
		s->value[i] = value[i];
	return s;
}

void lb_push_loc(struct lbuild *b, uint32_t loc)
{
	struct lb_sample *s = &b->smp[b->n_smp - 1];
	if (s->n_loc == UINT32_MAX)
		die_oom();
	GROW(b->stk, b->cap_stk, b->n_stk + 1);
	b->stk[b->n_stk++] = loc;
	s->n_loc++;
}

uint32_t lb_add_func(struct lbuild *b, struct slice name, struct slice file)
{
	if (b->n_fn >= UINT32_MAX - 1)
		die_oom();
	GROW(b->fn, b->cap_fn, b->n_fn + 1);
	struct lb_func *f = &b->fn[b->n_fn];
	f->name = lb_bytes(b, name);
	f->file = lb_bytes(b, file);
	return (uint32_t)b->n_fn++;
}

/* ---- frame removal ---- */

static uint64_t frame_addr(const struct lbuild *b, const struct lb_sample *s, uint32_t i)
{
	return b->loc[b->stk[s->off + i]].address;
}

static void drop_second_frame(struct lbuild *b, struct lb_sample *s)
{
	memmove(&b->stk[s->off + 1], &b->stk[s->off + 2], (s->n_loc - 2) * sizeof *b->stk);
	s->n_loc--;
}

/*
 * cpuProfile: when (nearly) every sample has the same second frame, that
 * frame was pushed by the signal handler; drop it, up to twice. pprof
 * counts addresses in a map and takes any address seen in all but one in
 * 32 samples; such an address is a strict majority, so a majority vote
 * finds the only candidate.
 */
void lb_strip_signal_frames(struct lbuild *b)
{
	size_t n = b->n_smp, margin = n / 32;
	for (int iter = 0; iter < 2; iter++) {
		uint64_t cand = 0;
		size_t votes = 0, eligible = 0;
		for (size_t i = 0; i < n; i++) {
			const struct lb_sample *s = &b->smp[i];
			if (s->n_loc <= 1)
				continue;
			eligible++;
			uint64_t a = frame_addr(b, s, 1);
			if (votes == 0) {
				cand = a;
				votes = 1;
			} else if (a == cand) {
				votes++;
			} else {
				votes--;
			}
		}
		if (eligible == 0)
			continue;
		size_t count = 0;
		for (size_t i = 0; i < n; i++)
			if (b->smp[i].n_loc > 1 && frame_addr(b, &b->smp[i], 1) == cand)
				count++;
		if (count < n - margin)
			continue;
		for (size_t i = 0; i < n; i++)
			if (b->smp[i].n_loc > 1 && frame_addr(b, &b->smp[i], 1) == cand)
				drop_second_frame(b, &b->smp[i]);
	}
}

/* cleanupDuplicateLocations: a leaf seen both from the signal context and, less one, from unwinding. */
void lb_cleanup_duplicate_locations(struct lbuild *b)
{
	for (size_t i = 0; i < b->n_smp; i++) {
		struct lb_sample *s = &b->smp[i];
		if (s->n_loc > 1 && frame_addr(b, s, 0) == frame_addr(b, s, 1) + 1)
			drop_second_frame(b, s);
	}
}

/* ---- renumbering ---- */

/* remapLocationIDs: keep the locations samples use, in the order they first use them. */
void lb_remap_locations(struct lbuild *b)
{
	uint32_t *newidx = xmalloc((b->n_loc ? b->n_loc : 1) * sizeof *newidx);
	for (size_t i = 0; i < b->n_loc; i++)
		newidx[i] = NO_INDEX;
	struct lb_loc *locs = xmalloc((b->n_loc ? b->n_loc : 1) * sizeof *locs);
	size_t n = 0;
	for (size_t i = 0; i < b->n_smp; i++) {
		const struct lb_sample *s = &b->smp[i];
		for (uint32_t j = 0; j < s->n_loc; j++) {
			uint32_t *l = &b->stk[s->off + j];
			if (newidx[*l] == NO_INDEX) {
				newidx[*l] = (uint32_t)n;
				locs[n++] = b->loc[*l];
			}
			*l = newidx[*l];
		}
	}
	free(newidx);
	free(b->loc);
	b->loc = locs;
	b->n_loc = n;
	b->cap_loc = n ? n : 1;
	/* The address index points at the old numbering. */
	free(b->loc_by_key.key);
	free(b->loc_by_key.val);
	memset(&b->loc_by_key, 0, sizeof b->loc_by_key);
}

/* remapFunctionIDs: keep the functions locations use, in the order they first use them. */
void lb_remap_functions(struct lbuild *b)
{
	uint32_t *newidx = xmalloc((b->n_fn ? b->n_fn : 1) * sizeof *newidx);
	for (size_t i = 0; i < b->n_fn; i++)
		newidx[i] = NO_INDEX;
	struct lb_func *fns = xmalloc((b->n_fn ? b->n_fn : 1) * sizeof *fns);
	size_t n = 0;
	for (size_t i = 0; i < b->n_loc; i++) {
		uint32_t *f = &b->loc[i].func;
		if (*f == NO_INDEX)
			continue;
		if (newidx[*f] == NO_INDEX) {
			newidx[*f] = (uint32_t)n;
			fns[n++] = b->fn[*f];
		}
		*f = newidx[*f];
	}
	free(newidx);
	free(b->fn);
	b->fn = fns;
	b->n_fn = n;
	b->cap_fn = n ? n : 1;
}

static struct lb_map *add_map(struct lbuild *b)
{
	GROW(b->map, b->cap_map, b->n_map + 1);
	struct lb_map *m = &b->map[b->n_map++];
	memset(m, 0, sizeof *m);
	m->file = slice_make("", 0);
	m->build_id = slice_make("", 0);
	return m;
}

/*
 * remapMappingIDs: repairs the main mapping, then gives each location with
 * an address the first mapping that holds it (widening a mapping whose
 * first part was not reported, if that is what it takes), else a fake
 * mapping covering everything.
 */
void lb_remap_mappings(struct lbuild *b)
{
	if (b->n_map > 1 && slice_has_prefix(b->map[0].file, "/anon_hugepage") &&
	    b->map[0].limit == b->map[1].start) {
		memmove(&b->map[0], &b->map[1], (b->n_map - 1) * sizeof *b->map);
		b->n_map--;
	}
	if (b->n_map > 0) {
		struct lb_map *m = &b->map[0];
		if (m->start - m->offset == 0x400000) {
			m->start = 0x400000;
			m->offset = 0;
		}
	}
	uint32_t fake = NO_INDEX;
	for (size_t i = 0; i < b->n_loc; i++) {
		struct lb_loc *l = &b->loc[i];
		uint64_t a = l->address;
		if (l->mapping != NO_INDEX || a == 0)
			continue;
		for (size_t j = 0; j < b->n_map && l->mapping == NO_INDEX; j++)
			if (b->map[j].start <= a && a < b->map[j].limit)
				l->mapping = (uint32_t)j;
		for (size_t j = 0; j < b->n_map && l->mapping == NO_INDEX; j++) {
			struct lb_map *m = &b->map[j];
			if (m->offset != 0 && m->start - m->offset <= a && a < m->start) {
				m->start -= m->offset;
				m->offset = 0;
				l->mapping = (uint32_t)j;
			}
		}
		if (l->mapping != NO_INDEX)
			continue;
		if (fake == NO_INDEX) {
			fake = (uint32_t)b->n_map;
			add_map(b)->limit = UINT64_MAX;
		}
		l->mapping = fake;
	}
}

/* ---- memory maps ---- */

bool is_memory_map_sentinel(struct slice line)
{
	return slice_contains(line, "--- Memory map: ---") || slice_contains(line, "MAPPED_LIBRARIES:");
}

/*
 * The "$attr" substitutions of parseProcMapsFromScanner, as a
 * strings.Replacer: at each position the earliest-defined key that
 * matches wins (a later definition of the same key never does). Keys live
 * in a trie of first-child/next-sibling nodes.
 */
struct rnode {
	uint32_t child, sibling; /* 0: none (node 0 is the root) */
	uint32_t value;          /* 1 + index into values, 0 if no key ends here */
	unsigned char c;
};

struct replacer {
	struct rnode *node;
	size_t n_node, cap_node;
	struct slice *values; /* owned copies */
	size_t n_value, cap_value;
};

static void replacer_free(struct replacer *r)
{
	for (size_t i = 0; i < r->n_value; i++)
		free((char *)r->values[i].p);
	free(r->values);
	free(r->node);
}

static uint32_t rnode_child(const struct replacer *r, uint32_t n, unsigned char c)
{
	for (uint32_t k = r->node[n].child; k; k = r->node[k].sibling)
		if (r->node[k].c == c)
			return k;
	return 0;
}

static uint32_t rnode_new(struct replacer *r, uint32_t parent, unsigned char c)
{
	if (r->n_node >= UINT32_MAX - 1)
		die_oom();
	GROW(r->node, r->cap_node, r->n_node + 1);
	uint32_t k = (uint32_t)r->n_node++;
	r->node[k].child = 0;
	r->node[k].value = 0;
	r->node[k].c = c;
	r->node[k].sibling = r->node[parent].child;
	r->node[parent].child = k;
	return k;
}

static void replacer_add(struct replacer *r, struct slice key, struct slice value)
{
	if (r->n_node == 0) {
		GROW(r->node, r->cap_node, 1);
		memset(&r->node[0], 0, sizeof r->node[0]);
		r->n_node = 1;
	}
	uint32_t n = 0;
	for (size_t i = 0; i < key.n; i++) {
		uint32_t k = rnode_child(r, n, (unsigned char)key.p[i]);
		n = k ? k : rnode_new(r, n, (unsigned char)key.p[i]);
	}
	if (r->node[n].value)
		return;
	if (r->n_value >= UINT32_MAX - 1)
		die_oom();
	GROW(r->values, r->cap_value, r->n_value + 1);
	r->values[r->n_value++] = slice_make(xstrndup(value.p, value.n), value.n);
	r->node[n].value = (uint32_t)r->n_value;
}

/*
 * A ceiling on a substituted line: Go has none, but "$a$a$a..." can grow
 * one quadratically; real memory map lines are far below it.
 */
enum { MAX_SUBSTITUTED_LINE = 1 << 20 };

static bool replacer_apply(const struct replacer *r, struct slice s, struct strbuf *out)
{
	sb_reset(out);
	if (r->n_value == 0) {
		sb_addn(out, s.p, s.n);
		return true;
	}
	size_t i = 0, last = 0;
	while (i < s.n) {
		uint32_t n = 0, best = 0;
		size_t best_len = 0;
		for (size_t j = i; j < s.n; j++) {
			n = rnode_child(r, n, (unsigned char)s.p[j]);
			if (!n)
				break;
			if (r->node[n].value && (!best || r->node[n].value < best)) {
				best = r->node[n].value;
				best_len = j + 1 - i;
			}
		}
		if (!best) {
			i++;
			continue;
		}
		sb_addn(out, s.p + last, i - last);
		sb_addn(out, r->values[best - 1].p, r->values[best - 1].n);
		if (out->len > MAX_SUBSTITUTED_LINE)
			return false;
		i += best_len;
		last = i;
	}
	sb_addn(out, s.p + last, s.n - last);
	return out->len <= MAX_SUBSTITUTED_LINE;
}

/* removeLoggingInfo: drops a glog prefix ("W1220 15:07:15.201776 8272 logger.cc:12033] "). */
static struct slice remove_logging_info(struct lctx *c, struct slice line)
{
	size_t caps[LRE_MAX_CAPS];
	if (lre_match(c->rx[RX_LOG_INFO], line, caps))
		return slice_make(line.p + caps[1], line.n - caps[1]);
	return line;
}

/* parseMappingEntry: 1 for a mapping (added, or skipped as not executable), 0 if unrecognized. */
static int parse_mapping_entry(struct lctx *c, struct lbuild *b, struct slice l)
{
	size_t caps[LRE_MAX_CAPS];
	struct slice start, end, perm, file, offset, build_id = slice_make("", 0);
	if (lre_match(c->rx[RX_PROC_MAPS], l, caps)) {
		start = lre_group(l, caps, 1);
		end = lre_group(l, caps, 2);
		perm = lre_group(l, caps, 3);
		offset = lre_group(l, caps, 4);
		file = lre_group(l, caps, 5);
	} else if (lre_match(c->rx[RX_BRIEF_MAPS], l, caps)) {
		start = lre_group(l, caps, 1);
		end = lre_group(l, caps, 2);
		perm = lre_group(l, caps, 3);
		file = lre_group(l, caps, 4);
		offset = lre_group(l, caps, 5);
		build_id = lre_group(l, caps, 6);
	} else {
		return 0;
	}
	if (perm.n && slice_index(perm, 'x') < 0)
		return 1;
	uint64_t s, e, o = 0;
	if (go_parse_uint(start, 16, &s) != GO_NUM_OK || go_parse_uint(end, 16, &e) != GO_NUM_OK)
		return 0;
	if (offset.n && go_parse_uint(offset, 16, &o) != GO_NUM_OK)
		return 0;
	struct lb_map *m = add_map(b);
	m->start = s;
	m->limit = e;
	m->offset = o;
	m->file = lb_bytes(b, file);
	m->build_id = lb_bytes(b, build_id);
	return 1;
}

static bool slice_same(struct slice a, struct slice b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* adjacent: m2 continues m1 (same file and build id where known, offsets agreeing). */
static bool adjacent(const struct lb_map *m1, const struct lb_map *m2)
{
	if (m1->file.n && m2->file.n && !slice_same(m1->file, m2->file))
		return false;
	if (m1->build_id.n && m2->build_id.n && !slice_same(m1->build_id, m2->build_id))
		return false;
	if (m1->limit != m2->start)
		return false;
	if (m1->offset != 0 && m2->offset != 0 && m1->offset + (m1->limit - m1->start) != m2->offset)
		return false;
	return true;
}

/* main_candidate: massageMappings' guess of the main binary (not a library, not "[vdso]"). */
static bool main_candidate(struct lctx *c, struct slice file)
{
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < file.n;) {
		if (file.n - i >= 9 && memcmp(file.p + i, "(deleted)", 9) == 0) {
			i += 9;
			continue;
		}
		sb_addc(&b, file.p[i++]);
	}
	struct slice f = go_trim_space(slice_make(sb_cstr(&b), b.len));
	bool ok = f.n > 0 && !lre_match(c->rx[RX_LIB], f, NULL) && f.p[0] != '[';
	sb_free(&b);
	return ok;
}

/* massageMappings: merges split mappings and moves the main binary first. */
static void massage_mappings(struct lctx *c, struct lbuild *b)
{
	if (b->n_map > 1) {
		size_t n = 1;
		for (size_t i = 1; i < b->n_map; i++) {
			struct lb_map *lm = &b->map[n - 1], *m = &b->map[i];
			if (adjacent(lm, m)) {
				lm->limit = m->limit;
				if (m->file.n)
					lm->file = m->file;
				if (m->build_id.n)
					lm->build_id = m->build_id;
				continue;
			}
			b->map[n++] = *m;
		}
		b->n_map = n;
	}
	for (size_t i = 0; i < b->n_map; i++) {
		if (!main_candidate(c, b->map[i].file))
			continue;
		struct lb_map t = b->map[0];
		b->map[0] = b->map[i];
		b->map[i] = t;
		break;
	}
}

enum lrc lb_parse_memory_map(struct lctx *c, struct lbuild *b, struct scanner *s)
{
	struct replacer r;
	memset(&r, 0, sizeof r);
	struct strbuf line = STRBUF_INIT;
	enum lrc rc = LRC_OK;
	while (scan_next(s)) {
		if (!replacer_apply(&r, remove_logging_info(c, s->tok), &line)) {
			rc = lerr(c, "memory map line longer than %d bytes after substitution", MAX_SUBSTITUTED_LINE);
			break;
		}
		struct slice l = slice_make(sb_cstr(&line), line.len);
		if (parse_mapping_entry(c, b, l))
			continue;
		/* "attr=value" defines $attr for the lines that follow. */
		ptrdiff_t eq = slice_index(l, '=');
		if (eq < 0)
			continue;
		struct slice k = go_trim_space(slice_make(l.p, (size_t)eq));
		struct slice v = go_trim_space(slice_make(l.p + eq + 1, l.n - (size_t)eq - 1));
		struct strbuf key = STRBUF_INIT;
		sb_addc(&key, '$');
		sb_addn(&key, k.p, k.n);
		replacer_add(&r, slice_make(key.s, key.len), v);
		sb_free(&key);
	}
	sb_free(&line);
	replacer_free(&r);
	if (rc != LRC_OK)
		return rc;
	if (scan_error(s))
		return lerr(c, "%s", scan_error(s));
	massage_mappings(c, b);
	lb_remap_locations(b);
	lb_remap_functions(b);
	lb_remap_mappings(b);
	return LRC_OK;
}

enum lrc lb_parse_additional_sections(struct lctx *c, struct lbuild *b, struct scanner *s)
{
	while (!is_memory_map_sentinel(s->tok) && scan_next(s))
		;
	if (scan_error(s))
		return lerr(c, "%s", scan_error(s));
	return lb_parse_memory_map(c, b, s);
}
