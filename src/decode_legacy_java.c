/*
 * decode_legacy_java: the Java agent's heapz and contentionz text
 * profiles (parseJavaProfile) and the symbol section that ends them and
 * Java CPU profiles (parseJavaLocations). A Java profile is already
 * symbolized, so its locations lose their addresses in the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_legacy_int.h"

enum jtype { JAVA_HEAP, JAVA_CONTENTION };

/* The Java agent samples the heap every 512 KiB on average. */
enum { JAVA_HEAPZ_SAMPLING_RATE = 524288 };

/* next_line splits *rest at its next '\n'; false (and no line) if it has none. */
static bool next_line(struct slice *rest, struct slice *line)
{
	ptrdiff_t nl = slice_index(*rest, '\n');
	if (nl < 0)
		return false;
	*line = slice_make(rest->p, (size_t)nl);
	rest->p += nl + 1;
	rest->n -= (size_t)nl + 1;
	return true;
}

static enum lrc attribute_error(struct lctx *c, struct slice line, struct slice value, int rc)
{
	return lerr(c, "failed to parse attribute %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n,
		    line.p, (int)value.n, value.p, go_num_error(rc));
}

/* parseJavaHeader: the "attribute = value" lines; *rest is left at the first other line. */
static enum lrc java_header(struct lctx *c, struct lbuild *b, enum jtype type, struct slice *rest)
{
	size_t caps[LRE_MAX_CAPS];
	struct slice r = *rest, raw;
	while (next_line(&r, &raw)) {
		struct slice line = go_trim_space(raw);
		if (line.n == 0) {
			*rest = r;
			continue;
		}
		if (!lre_match(c->rx[RX_JAVA_ATTRIBUTE], line, caps))
			return LRC_OK;
		struct slice attr = go_trim_space(lre_group(line, caps, 1));
		struct slice value = go_trim_space(lre_group(line, caps, 2));
		int64_t v;
		int rc;
		if (slice_eq(attr, "format")) {
			if (!slice_eq(value, "java"))
				return lunrec(c);
		} else if (slice_eq(attr, "resolution")) {
			struct value_type st[2] = { { "inuse_objects", "count" }, { "inuse_space", lb_strdup(b, value) } };
			if (type == JAVA_CONTENTION) {
				st[0].type = "contentions";
				st[1].type = "delay";
			}
			lb_set_sample_types(b, 2, st);
		} else if (type == JAVA_CONTENTION && slice_eq(attr, "sampling period")) {
			b->p->period_type.type = "contentions";
			b->p->period_type.unit = "count";
			if ((rc = go_parse_int(value, 0, &b->p->period)) != GO_NUM_OK)
				return attribute_error(c, line, value, rc);
		} else if (type == JAVA_CONTENTION && slice_eq(attr, "ms since reset")) {
			if ((rc = go_parse_int(value, 0, &v)) != GO_NUM_OK)
				return attribute_error(c, line, value, rc);
			b->p->duration_nanos = (int64_t)((uint64_t)v * 1000 * 1000);
		} else {
			return lunrec(c);
		}
		*rest = r;
	}
	return LRC_OK;
}

static enum lrc sample_error(struct lctx *c, struct slice line, struct slice num, int rc)
{
	return lerr(c, "parsing sample %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n, line.p, (int)num.n,
		    num.p, go_num_error(rc));
}

/* parseJavaSamples: "v2 v1 @ pcs" lines (the fields come in the other order than elsewhere). */
static enum lrc java_samples(struct lctx *c, struct lbuild *b, enum jtype type, struct slice *rest)
{
	size_t caps[LRE_MAX_CAPS];
	struct slice r = *rest, raw;
	struct u64vec addrs = { NULL, 0, 0 };
	enum lrc rc = LRC_OK;
	b->n_value = 2;
	while (rc == LRC_OK && next_line(&r, &raw)) {
		struct slice line = go_trim_space(raw);
		if (line.n == 0) {
			*rest = r;
			continue;
		}
		if (!lre_match(c->rx[RX_JAVA_SAMPLE], line, caps))
			break;
		struct slice bad;
		addrs.n = 0;
		if (!parse_hex_addresses(lre_group(line, caps, 3), &addrs, &bad)) {
			rc = lerr(c, "malformed sample: %.*s: failed to parse as hex 64-bit number: %.*s", (int)line.n,
				  line.p, (int)bad.n, bad.p);
			break;
		}
		int64_t v[2];
		struct slice n0 = lre_group(line, caps, 2), n1 = lre_group(line, caps, 1);
		int nrc;
		if ((nrc = go_parse_int(n0, 0, &v[0])) != GO_NUM_OK) {
			rc = sample_error(c, line, n0, nrc);
			break;
		}
		if ((nrc = go_parse_int(n1, 0, &v[1])) != GO_NUM_OK) {
			rc = sample_error(c, line, n1, nrc);
			break;
		}
		int64_t bytes = 0;
		if (type == JAVA_HEAP) {
			if (v[0] == 0) {
				rc = lerr(c, "parsing sample %.*s: second value must be non-zero", (int)line.n, line.p);
				break;
			}
			bytes = go_div(v[1], v[0]);
			scale_heap_sample(v[0], v[1], JAVA_HEAPZ_SAMPLING_RATE, &v[0], &v[1]);
		} else if (b->p->period != 0) {
			v[0] = (int64_t)((uint64_t)v[0] * (uint64_t)b->p->period);
			v[1] = (int64_t)((uint64_t)v[1] * (uint64_t)b->p->period);
		}
		struct lb_sample *s = lb_add_sample(b, v);
		s->has_bytes = type == JAVA_HEAP;
		s->bytes = bytes;
		for (size_t i = 0; i < addrs.n; i++)
			lb_push_loc(b, lb_loc_for(b, addrs.v[i]));
		*rest = r;
	}
	free(addrs.v);
	return rc;
}

/* filepath.Base on a Unix path. */
static struct slice path_base_slice(struct slice p)
{
	if (p.n == 0)
		return slice_make(".", 1);
	while (p.n > 0 && p.p[p.n - 1] == '/')
		p.n--;
	size_t i = p.n;
	while (i > 0 && p.p[i - 1] != '/')
		i--;
	p = slice_make(p.p + i, p.n - i);
	if (p.n == 0)
		return slice_make("/", 1);
	return p;
}

struct fname_ctx {
	const struct lbuild *b;
	struct slice name;
};

static bool fname_eq(const void *ctx, uint32_t val)
{
	const struct fname_ctx *k = ctx;
	struct slice n = k->b->fn[val].name;
	return n.n == k->name.n && memcmp(n.p, k->name.p, n.n) == 0;
}

/* One "0xADDR function (file:line)" line: names the location made for ADDR. */
static enum lrc java_location(struct lctx *c, struct lbuild *b, struct slice line, struct htab *fns)
{
	size_t caps[LRE_MAX_CAPS];
	if (!lre_match(c->rx[RX_JAVA_LOCATION], line, caps))
		return LRC_OK;
	struct slice hex = lre_group(line, caps, 1), desc = lre_group(line, caps, 2);
	uint64_t addr;
	int rc = go_parse_uint(hex, 16, &addr);
	if (rc != GO_NUM_OK)
		return lerr(c, "parsing sample %.*s: strconv.ParseUint: parsing \"%.*s\": %s", (int)line.n, line.p,
			    (int)hex.n, hex.p, go_num_error(rc));
	uint32_t loc = lb_find_loc(b, addr);
	if (loc == NO_INDEX)
		return LRC_OK;
	struct slice func, file = slice_make("", 0);
	int64_t lineno = 0;
	if (lre_match(c->rx[RX_JAVA_LOCATION_FILE_LINE], desc, caps)) {
		func = lre_group(desc, caps, 1);
		file = lre_group(desc, caps, 2);
		int64_t n;
		if (go_parse_int(lre_group(desc, caps, 3), 10, &n) == GO_NUM_OK && n > 0)
			lineno = n;
	} else if (lre_match(c->rx[RX_JAVA_LOCATION_PATH], desc, caps)) {
		/* a shared library: its base name is enough */
		func = lre_group(desc, caps, 1);
		file = path_base_slice(lre_group(desc, caps, 2));
	} else if (slice_contains(desc, "generated stub/JIT")) {
		func = slice_make("STUB", 4);
	} else {
		/* the agent's internal states, such as "GC" or "VM" */
		func = desc;
	}
	struct fname_ctx k = { b, func };
	uint64_t h = hash_bytes(func.p, func.n, HASH_SEED);
	uint32_t fn = htab_find(fns, h, fname_eq, &k);
	if (fn == NO_INDEX) {
		fn = lb_add_func(b, func, file);
		htab_insert(fns, h, fn);
	}
	b->loc[loc].func = fn;
	b->loc[loc].line = lineno;
	b->loc[loc].address = 0;
	return LRC_OK;
}

enum lrc parse_java_locations(struct lctx *c, struct lbuild *b, struct slice rest)
{
	struct htab fns;
	htab_init(&fns, 64);
	enum lrc rc = LRC_OK;
	while (rc == LRC_OK && rest.n > 0) {
		struct slice raw;
		if (!next_line(&rest, &raw)) {
			raw = rest;
			rest.n = 0;
		}
		struct slice line = go_trim_space(raw);
		if (line.n)
			rc = java_location(c, b, line, &fns);
	}
	htab_free(&fns);
	if (rc != LRC_OK)
		return rc;
	lb_remap_locations(b);
	lb_remap_functions(b);
	lb_remap_mappings(b);
	return LRC_OK;
}

enum lrc parse_java_profile(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	struct slice rest = slice_make(data, len), first;
	if (!next_line(&rest, &first))
		return lunrec(c);
	struct slice header = go_trim_space(first);
	enum jtype type;
	if (slice_eq(header, "--- heapz 1 ---"))
		type = JAVA_HEAP;
	else if (slice_eq(header, "--- contentionz 1 ---"))
		type = JAVA_CONTENTION;
	else
		return lunrec(c);
	enum lrc rc = java_header(c, b, type, &rest);
	if (rc == LRC_OK)
		rc = java_samples(c, b, type, &rest);
	if (rc == LRC_OK)
		rc = parse_java_locations(c, b, rest);
	if (rc != LRC_OK)
		return rc;
	/* Aggregate(address=false), and the CheckValid it ends with. */
	for (size_t i = 0; i < b->n_loc; i++)
		b->loc[i].address = 0;
	if (b->n_st == 0 && b->n_smp != 0)
		return lerr(c, "missing sample type information");
	return LRC_OK;
}
