/*
 * decode_legacy: pprof's parseLegacy. Tries each legacy parser in pprof's
 * order; the first that recognises the data decides, either with a
 * profile or with an error. Then sets the frames to drop per profile kind
 * (addLegacyFrameInfo), checks the profile as CheckValid does, and turns
 * the parser's model into the dense struct profile.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "decode_legacy_int.h"

/* Go's regexps of legacy_profile.go and legacy_java_profile.go. */
#define HEX "(?:0x)?([[:xdigit:]]+)"
#define HEX_RANGE "\\s*" HEX "[\\s-]?\\s*" HEX ":?"
#define PERM "(?:\\s+([-rwxp]+))?"
#define SPACE_HEX "(?:\\s+([[:xdigit:]]+))?"
#define SPACE_STRING "(?:\\s+(\\S+))?"
#define SPACE_AT_OFFSET "(?:\\s+\\(@([[:xdigit:]]+)\\))?"
#define HEX_PAIR "\\s+[[:xdigit:]]+:[[:xdigit:]]+"
#define SPACE_DIGITS "\\s+[[:digit:]]+"
#define HEAP_COUNTS "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\]"

static const char *const patterns[RX__N] = {
	[RX_COUNT_START] = "\\A(\\S+) profile: total \\d+\\z",
	[RX_COUNT] = "\\A(\\d+) @(( 0x[0-9a-f]+)+)\\z",
	[RX_HEAP_HEADER] = HEAP_COUNTS " *@ *(heap[_a-z0-9]*)/?(\\d*)",
	[RX_HEAP_SAMPLE] = "(-?\\d+): *(-?\\d+) *\\[ *(\\d+): *(\\d+) *] @([ x0-9a-f]*)",
	[RX_CONTENTION_SAMPLE] = "(\\d+) *(\\d+) @([ x0-9a-f]*)",
	[RX_GROWTH_HEADER] = HEAP_COUNTS " @ growthz?",
	[RX_FRAGMENTATION_HEADER] = HEAP_COUNTS " @ fragmentationz?",
	[RX_THREADZ_START] = "--- threadz \\d+ ---",
	[RX_THREAD_START] = "--- Thread ([[:xdigit:]]+) \\(name: (.*)/(\\d+)\\) stack: ---",
	[RX_PROC_MAPS] = "^" HEX_RANGE PERM SPACE_HEX HEX_PAIR SPACE_DIGITS SPACE_STRING,
	[RX_BRIEF_MAPS] = "^" HEX_RANGE PERM SPACE_STRING SPACE_AT_OFFSET SPACE_HEX,
	[RX_LOG_INFO] = "^[^\\[\\]]+:[0-9]+]\\s",
	[RX_LIB] = "([.]so$|[.]so[._][0-9]+)",
	[RX_JAVA_ATTRIBUTE] = "([\\w ]+)=([\\w ]+)",
	[RX_JAVA_SAMPLE] = " *(\\d+) +(\\d+) +@ +([ x0-9a-f]*)",
	[RX_JAVA_LOCATION] = "^\\s*0x([[:xdigit:]]+)\\s+(.*)\\s*$",
	[RX_JAVA_LOCATION_FILE_LINE] = "^(.*)\\s+\\((.+):(-?[[:digit:]]+)\\)$",
	[RX_JAVA_LOCATION_PATH] = "^(.*)\\s+\\((.*)\\)$",
};

/* The frames pprof hides (drop_frames) and keeps (keep_frames) per profile kind. */
static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
	"tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|"
	"tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|"
	"tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|"
	"malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|"
	"(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
	"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|"
	"__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|"
	"cpp_alloc|operator new(\\[\\])?|simple_alloc::allocate";
static const char alloc_skip_rx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char cpu_profiler_rx[] =
	"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";
static const char lock_rx[] =
	"RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|"
	"(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
	"(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|"
	"(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
	"(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|"
	"(SpinLockHolder::)?~SpinLockHolder.*";

/* types is a list of space-separated type lists, ended by NULL. */
static bool is_profile_type(const struct lbuild *b, const char *const *types)
{
	for (; *types; types++) {
		const char *t = *types;
		size_t i = 0;
		for (; i < b->n_st && *t; i++) {
			size_t n = strcspn(t, " ");
			if (strlen(b->st[i].type) != n || memcmp(b->st[i].type, t, n) != 0)
				break;
			t += n + (t[n] == ' ');
		}
		if (i == b->n_st && !*t)
			return true;
	}
	return false;
}

static void add_legacy_frame_info(struct lbuild *b)
{
	static const char *const heapz[] = { "allocations size",
					     "objects space",
					     "inuse_objects inuse_space",
					     "alloc_objects alloc_space",
					     "alloc_objects alloc_space inuse_objects inuse_space",
					     NULL };
	static const char *const contentionz[] = { "contentions delay", NULL };
	if (is_profile_type(b, heapz)) {
		b->p->drop_frames = alloc_rx;
		b->p->keep_frames = alloc_skip_rx;
	} else if (is_profile_type(b, contentionz)) {
		b->p->drop_frames = lock_rx;
		b->p->keep_frames = "";
	} else {
		b->p->drop_frames = cpu_profiler_rx;
		b->p->keep_frames = "";
	}
}

/* check_valid is the part of CheckValid a legacy parser can fail. */
static bool check_valid(struct lctx *c, const struct lbuild *b)
{
	if (b->n_st == 0 && b->n_smp != 0) {
		lerr(c, "malformed profile: missing sample type information");
		return false;
	}
	if (b->n_smp != 0 && b->n_value != b->n_st) {
		lerr(c, "malformed profile: mismatch: sample has %zu values vs. %zu types", b->n_value, b->n_st);
		return false;
	}
	return true;
}

/* profile_str is s (copied by lb_bytes) as a profile string: itself, unless it needs escaping. */
static const char *profile_str(struct lbuild *b, struct slice s)
{
	return nul_escape_extra(s.p, s.n) ? lb_strdup(b, s) : s.p;
}

/* lb_finish moves the model into its profile and hands the profile over. */
static struct profile *lb_finish(struct lbuild *b)
{
	struct profile *p = b->p;
	struct arena *a = p->arena;
	p->comment = arena_array(a, 0, sizeof *p->comment); /* none, but a table as decode_proto gives */
	p->n_sample_type = b->n_st;
	p->sample_type = arena_array(a, b->n_st, sizeof *p->sample_type);
	memcpy(p->sample_type, b->st, b->n_st * sizeof *p->sample_type);

	p->n_mapping = b->n_map;
	p->mapping = arena_array(a, b->n_map, sizeof *p->mapping);
	for (size_t i = 0; i < b->n_map; i++) {
		struct mapping *m = &p->mapping[i];
		m->id = i + 1;
		m->start = b->map[i].start;
		m->limit = b->map[i].limit;
		m->offset = b->map[i].offset;
		m->file = profile_str(b, b->map[i].file);
		m->build_id = profile_str(b, b->map[i].build_id);
	}

	p->n_function = b->n_fn;
	p->function = arena_array(a, b->n_fn, sizeof *p->function);
	for (size_t i = 0; i < b->n_fn; i++) {
		struct function *f = &p->function[i];
		f->id = i + 1;
		f->name = f->system_name = profile_str(b, b->fn[i].name);
		f->filename = profile_str(b, b->fn[i].file);
	}

	/*
	 * Lines, stacks and labels each come in one block; every location and
	 * sample points into them, even when it has none, as decode_proto's do.
	 */
	size_t n_lines = 0, n_locs = 0, n_labels = 0;
	for (size_t i = 0; i < b->n_loc; i++)
		n_lines += b->loc[i].func != NO_INDEX;
	for (size_t i = 0; i < b->n_smp; i++) {
		n_locs += b->smp[i].n_loc;
		n_labels += b->smp[i].has_bytes;
	}
	struct line *lines = arena_array(a, n_lines, sizeof *lines);
	uint32_t *locs = arena_array(a, n_locs, sizeof *locs);
	struct label *labels = arena_array(a, n_labels, sizeof *labels);
	int64_t *values = arena_array(a, b->n_smp, b->n_st * sizeof *values);

	p->n_location = b->n_loc;
	p->location = arena_array(a, b->n_loc, sizeof *p->location);
	for (size_t i = 0; i < b->n_loc; i++) {
		struct location *l = &p->location[i];
		l->id = i + 1;
		l->address = b->loc[i].address;
		l->mapping = b->loc[i].mapping;
		l->line = lines;
		if (b->loc[i].func != NO_INDEX) {
			lines->function = b->loc[i].func;
			lines->line = b->loc[i].line;
			lines++;
			l->n_line = 1;
		}
	}

	p->n_sample = b->n_smp;
	p->sample = arena_array(a, b->n_smp, sizeof *p->sample);
	for (size_t i = 0; i < b->n_smp; i++) {
		const struct lb_sample *ls = &b->smp[i];
		struct sample *s = &p->sample[i];
		if (ls->n_loc)
			memcpy(locs, &b->stk[ls->off], ls->n_loc * sizeof *locs);
		s->loc = locs;
		s->n_loc = ls->n_loc;
		locs += ls->n_loc;
		memcpy(values, ls->value, b->n_st * sizeof *values);
		s->value = values;
		values += b->n_st;
		s->label = labels;
		if (ls->has_bytes) {
			labels->key = "bytes";
			labels->num = ls->bytes;
			labels->unit = "";
			labels++;
			s->n_label = 1;
		}
	}
	b->p = NULL;
	return p;
}

typedef enum lrc (*parser_fn)(struct lctx *c, struct lbuild *b, const char *data, size_t len);

struct profile *decode_legacy(const uint8_t *data, size_t len, char *err, size_t errsize)
{
	static const parser_fn parsers[] = { parse_cpu,	   parse_heap,	     parse_go_count,
					     parse_thread, parse_contention, parse_java_profile };
	struct lctx c;
	memset(&c, 0, sizeof c);
	c.err = err;
	c.errsize = errsize;
	struct profile *p = NULL;
	bool ok = true;
	for (int i = 0; i < RX__N; i++)
		if (!(c.rx[i] = lre_compile(patterns[i])))
			ok = false;
	enum lrc rc = LRC_UNRECOGNIZED;
	for (size_t i = 0; ok && rc == LRC_UNRECOGNIZED && i < sizeof parsers / sizeof parsers[0]; i++) {
		struct lbuild b;
		lb_init(&b);
		rc = parsers[i](&c, &b, (const char *)data, len);
		if (rc == LRC_OK) {
			add_legacy_frame_info(&b);
			if (check_valid(&c, &b))
				p = lb_finish(&b);
			if (p && parsers[i] == parse_heap)
				decode_memstats_text(p, data, len);
		}
		lb_free(&b);
	}
	if (!ok)
		snprintf(err, errsize, "internal error: bad legacy pattern");
	else if (rc == LRC_UNRECOGNIZED)
		lunrec(&c);
	for (int i = 0; i < RX__N; i++)
		lre_free(c.rx[i]);
	return p;
}
