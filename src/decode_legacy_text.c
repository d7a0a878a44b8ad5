/*
 * decode_legacy_text: the line-based legacy formats: gperftools heap,
 * growth and fragmentation profiles (parseHeap), Go's debug=1 goroutine
 * and threadcreate counts (parseGoCount), threadz dumps (parseThread) and
 * contention profiles, C++ and Go (parseContention). Each may end with a
 * memory map section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_legacy_int.h"

static void u64vec_push(struct u64vec *v, uint64_t x)
{
	GROW(v->v, v->cap, v->n + 1);
	v->v[v->n++] = x;
}

bool parse_hex_addresses(struct slice s, struct u64vec *out, struct slice *bad)
{
	for (size_t i = 0; i + 2 < s.n; i++) {
		if (s.p[i] != '0' || s.p[i + 1] != 'x')
			continue;
		size_t j = i + 2;
		while (j < s.n && ((s.p[j] >= '0' && s.p[j] <= '9') || (s.p[j] >= 'a' && s.p[j] <= 'f')))
			j++;
		if (j == i + 2)
			continue;
		struct slice num = slice_make(s.p + i, j - i);
		uint64_t a;
		if (go_parse_uint(num, 0, &a) != GO_NUM_OK) {
			*bad = num;
			return false;
		}
		u64vec_push(out, a);
		i = j - 1;
	}
	return true;
}

void scale_heap_sample(int64_t count, int64_t size, int64_t rate, int64_t *ocount, int64_t *osize)
{
	if (count == 0 || size == 0) {
		*ocount = *osize = 0;
		return;
	}
	if (rate <= 1) {
		*ocount = count;
		*osize = size;
		return;
	}
	double avg = (double)size / (double)count;
	double scale = 1 / (1 - go_exp(-avg / (double)rate));
	*ocount = go_f2i((double)count * scale);
	*osize = go_f2i((double)size * scale);
}

/* Every text parser moves a stack's return addresses back by one onto the call. */
static void push_stack(struct lbuild *b, const struct u64vec *addrs, bool keep_leaf)
{
	for (size_t i = 0; i < addrs->n; i++) {
		uint64_t a = addrs->v[i];
		if (!keep_leaf || i > 0)
			a--;
		lb_push_loc(b, lb_loc_for(b, a));
	}
}

static enum lrc malformed_addresses(struct lctx *c, struct slice line, struct slice bad)
{
	return lerr(c, "malformed sample: %.*s: failed to parse as hex 64-bit number: %.*s", (int)line.n, line.p,
		    (int)bad.n, bad.p);
}

/* ---- heap ---- */

enum sampling { SAMPLING_NONE, SAMPLING_V2 };

/* parseHeapHeader, for a line heapHeaderRE matched. */
static enum lrc parse_heap_header(struct lctx *c, struct slice line, const size_t *caps, enum sampling *sampling,
				  int64_t *period, bool *has_alloc)
{
	struct slice g[7];
	for (int i = 1; i <= 6; i++)
		g[i] = lre_group(line, caps, i);
	*period = 0;
	if (g[6].n && go_parse_int(g[6], 10, period) != GO_NUM_OK)
		return lunrec(c);
	*has_alloc = (!slice_eq(g[3], "0") && !(g[3].n == g[1].n && memcmp(g[3].p, g[1].p, g[1].n) == 0)) ||
		     (!slice_eq(g[4], "0") && !(g[4].n == g[2].n && memcmp(g[4].p, g[2].p, g[2].n) == 0));
	if (slice_eq(g[5], "heapz_v2") || slice_eq(g[5], "heap_v2")) {
		*sampling = SAMPLING_V2;
	} else if (slice_eq(g[5], "heapprofile")) {
		*sampling = SAMPLING_NONE;
		*period = 1;
	} else if (slice_eq(g[5], "heap")) {
		*sampling = SAMPLING_V2;
		*period /= 2;
	} else {
		return lunrec(c);
	}
	return LRC_OK;
}

/* addValues of parseHeapSample: one (count, size) pair. */
static enum lrc heap_values(struct lctx *c, struct slice line, struct slice cs, struct slice ss, const char *label,
			    int64_t rate, enum sampling sampling, int64_t *out, int64_t *blocksize)
{
	int64_t count, size;
	int rc;
	if ((rc = go_parse_int(cs, 10, &count)) != GO_NUM_OK)
		return lerr(c, "malformed sample: %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n, line.p,
			    (int)cs.n, cs.p, go_num_error(rc));
	if ((rc = go_parse_int(ss, 10, &size)) != GO_NUM_OK)
		return lerr(c, "malformed sample: %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n, line.p,
			    (int)ss.n, ss.p, go_num_error(rc));
	if (count == 0 && size != 0)
		return lerr(c, "%s count was 0 but %s bytes was %lld", label, label, (long long)size);
	if (count != 0) {
		*blocksize = go_div(size, count);
		if (sampling == SAMPLING_V2)
			scale_heap_sample(count, size, rate, &count, &size);
	}
	out[0] = count;
	out[1] = size;
	return LRC_OK;
}

enum lrc parse_heap(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	struct scanner s;
	scan_init(&s, data, len);
	if (!scan_next(&s))
		return scan_error(&s) ? lerr(c, "%s", scan_error(&s)) : lunrec(c);
	struct slice line = s.tok;
	size_t caps[LRE_MAX_CAPS];
	enum sampling sampling = SAMPLING_NONE;
	bool has_alloc = false;
	int64_t period = 0;
	if (lre_match(c->rx[RX_HEAP_HEADER], line, caps)) {
		enum lrc rc = parse_heap_header(c, line, caps, &sampling, &period, &has_alloc);
		if (rc != LRC_OK)
			return rc;
	} else if (lre_match(c->rx[RX_GROWTH_HEADER], line, NULL) ||
		   lre_match(c->rx[RX_FRAGMENTATION_HEADER], line, NULL)) {
		period = 1;
	} else {
		return lunrec(c);
	}
	b->p->period = period;
	b->p->period_type.type = "space";
	b->p->period_type.unit = "bytes";
	static const struct value_type with_alloc[] = { { "alloc_objects", "count" },
							 { "alloc_space", "bytes" },
							 { "inuse_objects", "count" },
							 { "inuse_space", "bytes" } };
	static const struct value_type inuse[] = { { "objects", "count" }, { "space", "bytes" } };
	/* alloc before inuse, so that pprof's default (the last type) is inuse_space */
	b->n_value = has_alloc ? 4 : 2;
	lb_set_sample_types(b, b->n_value, has_alloc ? with_alloc : inuse);

	struct u64vec addrs = { NULL, 0, 0 };
	enum lrc rc = LRC_OK;
	while (rc == LRC_OK && scan_next(&s)) {
		line = go_trim_space(s.tok);
		if (go_space_or_comment(line))
			continue;
		if (is_memory_map_sentinel(line))
			break;
		if (!lre_match(c->rx[RX_HEAP_SAMPLE], line, caps)) {
			rc = lerr(c, "unexpected number of sample values: got 0, want 6");
			break;
		}
		int64_t value[4], blocksize = 0;
		int64_t *v = value;
		if (has_alloc) {
			rc = heap_values(c, line, lre_group(line, caps, 3), lre_group(line, caps, 4), "allocation",
					 period, sampling, v, &blocksize);
			v += 2;
		}
		if (rc == LRC_OK)
			rc = heap_values(c, line, lre_group(line, caps, 1), lre_group(line, caps, 2), "inuse", period,
					 sampling, v, &blocksize);
		if (rc != LRC_OK)
			break;
		struct slice bad;
		addrs.n = 0;
		if (!parse_hex_addresses(lre_group(line, caps, 5), &addrs, &bad)) {
			rc = malformed_addresses(c, line, bad);
			break;
		}
		struct lb_sample *smp = lb_add_sample(b, value);
		smp->has_bytes = true;
		smp->bytes = blocksize;
		push_stack(b, &addrs, false);
	}
	free(addrs.v);
	if (rc != LRC_OK)
		return rc;
	if (scan_error(&s))
		return lerr(c, "%s", scan_error(&s));
	return lb_parse_additional_sections(c, b, &s);
}

/* ---- Go goroutine / threadcreate counts ---- */

enum lrc parse_go_count(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	struct scanner s;
	scan_init(&s, data, len);
	while (scan_next(&s) && go_space_or_comment(s.tok))
		;
	if (scan_error(&s))
		return lerr(c, "%s", scan_error(&s));
	size_t caps[LRE_MAX_CAPS];
	if (!lre_match(c->rx[RX_COUNT_START], s.tok, caps))
		return lunrec(c);
	const char *type = lb_strdup(b, lre_group(s.tok, caps, 1));
	b->p->period_type.type = type;
	b->p->period_type.unit = "count";
	b->p->period = 1;
	struct value_type st = { type, "count" };
	b->n_value = 1;
	lb_set_sample_types(b, 1, &st);

	struct u64vec addrs = { NULL, 0, 0 };
	enum lrc rc = LRC_OK;
	while (scan_next(&s)) {
		struct slice line = s.tok;
		if (go_space_or_comment(line))
			continue;
		if (slice_has_prefix(line, "---"))
			break;
		int64_t n;
		if (!lre_match(c->rx[RX_COUNT], line, caps) ||
		    go_parse_int(lre_group(line, caps, 1), 0, &n) != GO_NUM_OK) {
			rc = lerr(c, "malformed profile format");
			break;
		}
		/* strings.Fields of " 0x1 0x2 ...": the fields are separated by single spaces */
		struct slice f = lre_group(line, caps, 2);
		addrs.n = 0;
		for (size_t i = 0; i < f.n && rc == LRC_OK;) {
			while (i < f.n && f.p[i] == ' ')
				i++;
			size_t j = i;
			while (j < f.n && f.p[j] != ' ')
				j++;
			uint64_t a;
			if (j > i && go_parse_uint(slice_make(f.p + i, j - i), 0, &a) != GO_NUM_OK)
				rc = lerr(c, "malformed profile format");
			else if (j > i)
				u64vec_push(&addrs, a);
			i = j;
		}
		if (rc != LRC_OK)
			break;
		lb_add_sample(b, &n);
		push_stack(b, &addrs, false);
	}
	free(addrs.v);
	if (rc != LRC_OK)
		return rc;
	if (scan_error(&s))
		return lerr(c, "%s", scan_error(&s));
	return lb_parse_additional_sections(c, b, &s);
}

/* ---- threadz ---- */

/*
 * parseThreadSample: the addresses of one thread's stack, up to the next
 * "---" line, which it leaves in *next. A "same as previous thread"
 * marker empties the stack.
 */
static enum lrc parse_thread_sample(struct lctx *c, struct scanner *s, struct slice *next, struct u64vec *addrs)
{
	struct slice line = slice_make("", 0);
	bool same = false;
	addrs->n = 0;
	while (scan_next(s)) {
		line = go_trim_space(s->tok);
		if (line.n == 0)
			continue;
		if (slice_has_prefix(line, "---"))
			break;
		if (slice_contains(line, "same as previous thread")) {
			same = true;
			continue;
		}
		struct slice bad;
		if (!parse_hex_addresses(line, addrs, &bad))
			return malformed_addresses(c, line, bad);
	}
	if (scan_error(s))
		return lerr(c, "%s", scan_error(s));
	if (same)
		addrs->n = 0;
	*next = line;
	return LRC_OK;
}

static enum lrc thread_samples(struct lctx *c, struct lbuild *b, struct scanner *s, struct slice line)
{
	struct u64vec addrs = { NULL, 0, 0 };
	enum lrc rc = LRC_OK;
	while (!is_memory_map_sentinel(line)) {
		if (slice_has_prefix(line, "---- no stack trace for"))
			break;
		if (!lre_match(c->rx[RX_THREAD_START], line, NULL)) {
			rc = lunrec(c);
			break;
		}
		if ((rc = parse_thread_sample(c, s, &line, &addrs)) != LRC_OK)
			break;
		if (addrs.n == 0) {
			/* "same as previous thread": one more thread for the last stack */
			if (b->n_smp > 0) {
				int64_t *v = &b->smp[b->n_smp - 1].value[0];
				*v = (int64_t)((uint64_t)*v + 1);
			}
			continue;
		}
		int64_t one = 1;
		lb_add_sample(b, &one);
		push_stack(b, &addrs, true);
	}
	free(addrs.v);
	return rc;
}

enum lrc parse_thread(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	struct scanner s;
	scan_init(&s, data, len);
	while (scan_next(&s) && go_space_or_comment(s.tok))
		;
	struct slice line = s.tok;
	if (lre_match(c->rx[RX_THREADZ_START], line, NULL)) {
		/* Skip the comments up to the first stack trace. */
		while (scan_next(&s)) {
			line = s.tok;
			if (is_memory_map_sentinel(line) || slice_has_prefix(line, "-"))
				break;
		}
	} else if (!lre_match(c->rx[RX_THREAD_START], line, NULL)) {
		return lunrec(c);
	}
	static const struct value_type st = { "thread", "count" };
	b->p->period_type = st;
	b->p->period = 1;
	b->n_value = 1;
	lb_set_sample_types(b, 1, &st);
	enum lrc rc = thread_samples(c, b, &s, line);
	if (rc == LRC_OK)
		rc = lb_parse_additional_sections(c, b, &s);
	if (rc == LRC_OK)
		lb_cleanup_duplicate_locations(b);
	return rc;
}

/* ---- contention ---- */

/* The "key = value" lines before the samples; the scanner is left on the first other line. */
static enum lrc contention_attributes(struct lctx *c, struct lbuild *b, struct scanner *s, int64_t *cpuhz)
{
	while (scan_next(s)) {
		struct slice line = go_trim_space(s->tok);
		if (go_space_or_comment(line))
			continue;
		if (slice_has_prefix(line, "---"))
			break;
		ptrdiff_t eq = slice_index(line, '=');
		if (eq < 0)
			break;
		struct slice key = go_trim_space(slice_make(line.p, (size_t)eq));
		struct slice val = go_trim_space(slice_make(line.p + eq + 1, line.n - (size_t)eq - 1));
		int64_t v;
		if (slice_eq(key, "cycles/second")) {
			if (go_parse_int(val, 0, cpuhz) != GO_NUM_OK)
				return lunrec(c);
		} else if (slice_eq(key, "sampling period")) {
			if (go_parse_int(val, 0, &b->p->period) != GO_NUM_OK)
				return lunrec(c);
		} else if (slice_eq(key, "ms since reset")) {
			if (go_parse_int(val, 0, &v) != GO_NUM_OK)
				return lunrec(c);
			b->p->duration_nanos = (int64_t)((uint64_t)v * 1000 * 1000);
		} else if (!slice_eq(key, "discarded samples")) {
			/* "format" and "resolution" belong to Java profiles; anything else to no known format. */
			return lunrec(c);
		}
	}
	if (scan_error(s))
		return lerr(c, "%s", scan_error(s));
	return LRC_OK;
}

/* parseContentionSample: "contentions delay @ pcs", unsampled when the period is known. */
static enum lrc contention_sample(struct lctx *c, struct lbuild *b, struct slice line, int64_t cpuhz,
				  struct u64vec *addrs)
{
	size_t caps[LRE_MAX_CAPS];
	if (!lre_match(c->rx[RX_CONTENTION_SAMPLE], line, caps))
		return lunrec(c);
	int64_t v1, v2;
	struct slice g1 = lre_group(line, caps, 1), g2 = lre_group(line, caps, 2);
	int rc;
	if ((rc = go_parse_int(g1, 10, &v1)) != GO_NUM_OK)
		return lerr(c, "malformed sample: %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n, line.p,
			    (int)g1.n, g1.p, go_num_error(rc));
	if ((rc = go_parse_int(g2, 10, &v2)) != GO_NUM_OK)
		return lerr(c, "malformed sample: %.*s: strconv.ParseInt: parsing \"%.*s\": %s", (int)line.n, line.p,
			    (int)g2.n, g2.p, go_num_error(rc));
	int64_t period = b->p->period;
	if (period > 0) {
		if (cpuhz > 0) {
			double ghz = (double)cpuhz / 1e9;
			v1 = go_f2i((double)v1 * (double)period / ghz);
		}
		v2 = (int64_t)((uint64_t)v2 * (uint64_t)period);
	}
	struct slice bad;
	addrs->n = 0;
	if (!parse_hex_addresses(lre_group(line, caps, 3), addrs, &bad))
		return malformed_addresses(c, line, bad);
	int64_t value[2] = { v2, v1 };
	lb_add_sample(b, value);
	push_stack(b, addrs, false);
	return LRC_OK;
}

enum lrc parse_contention(struct lctx *c, struct lbuild *b, const char *data, size_t len)
{
	struct scanner s;
	scan_init(&s, data, len);
	if (!scan_next(&s))
		return scan_error(&s) ? lerr(c, "%s", scan_error(&s)) : lunrec(c);
	if (!slice_has_prefix(s.tok, "--- contentionz ") && !slice_has_prefix(s.tok, "--- mutex:") &&
	    !slice_has_prefix(s.tok, "--- contention:"))
		return lunrec(c);
	static const struct value_type st[] = { { "contentions", "count" }, { "delay", "nanoseconds" } };
	b->p->period_type = st[0];
	b->p->period = 1;
	b->n_value = 2;
	lb_set_sample_types(b, 2, st);
	int64_t cpuhz = 0;
	enum lrc rc = contention_attributes(c, b, &s, &cpuhz);
	if (rc != LRC_OK)
		return rc;
	struct u64vec addrs = { NULL, 0, 0 };
	for (;;) {
		struct slice line = go_trim_space(s.tok);
		if (slice_has_prefix(line, "---"))
			break;
		if (!go_space_or_comment(line) && (rc = contention_sample(c, b, line, cpuhz, &addrs)) != LRC_OK)
			break;
		if (!scan_next(&s))
			break;
	}
	free(addrs.v);
	if (rc != LRC_OK)
		return rc;
	if (scan_error(&s))
		return lerr(c, "%s", scan_error(&s));
	return lb_parse_additional_sections(c, b, &s);
}
