/*
 * decode_legacy_int: what the legacy-format parsers share.
 *
 * The parsers reproduce google/pprof's profile/legacy_profile.go and
 * legacy_java_profile.go, so besides the profile they build they need a few
 * pieces of Go's standard library whose edge cases show in the result:
 * bufio.Scanner's line splitting (64 KiB token limit included),
 * strings.TrimSpace, strconv's integer parsing, a leftmost-first regexp
 * matcher for pprof's patterns, math.Exp as Go computes it on amd64, and
 * float-to-integer conversion as amd64 does it.
 *
 * Each parser fills a struct lbuild, a temporary model close to pprof's
 * pointer-based one (locations deduplicated by address, samples holding
 * location indices), which lb_finish turns into the dense struct profile.
 * Text handed around is a byte slice (Go strings may hold NUL bytes).
 */
#ifndef CPROF_DECODE_LEGACY_INT_H
#define CPROF_DECODE_LEGACY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"
#include "profile.h"
#include "util.h"

/* ---- byte slices ---- */

struct slice {
	const char *p;
	size_t n;
};

static inline struct slice slice_make(const char *p, size_t n)
{
	struct slice s = { p, n };
	return s;
}

bool slice_eq(struct slice s, const char *lit);
bool slice_has_prefix(struct slice s, const char *lit);
bool slice_contains(struct slice s, const char *lit);
/* slice_index returns the offset of the first c in s, or -1. */
ptrdiff_t slice_index(struct slice s, char c);

/* ---- Go library behaviour ---- */

/* strings.TrimSpace: strips Unicode white space (as UTF-8) at both ends. */
struct slice go_trim_space(struct slice s);
/* pprof's isSpaceOrComment: blank, or '#' after leading white space. */
bool go_space_or_comment(struct slice s);

/*
 * strconv.ParseInt / ParseUint with bitSize 64, base 0 (prefixes and
 * underscores), 10 or 16. They return GO_NUM_OK or the kind of error,
 * which go_num_error names as Go does.
 */
enum { GO_NUM_OK, GO_NUM_SYNTAX, GO_NUM_RANGE };
int go_parse_int(struct slice s, int base, int64_t *out);
int go_parse_uint(struct slice s, int base, uint64_t *out);
const char *go_num_error(int rc);

/* int64(f) as Go compiles it on amd64: out of range and NaN give INT64_MIN. */
int64_t go_f2i(double f);
/* math.Exp as Go's amd64 assembly computes it (with FMA when the CPU has it). */
double go_exp(double x);
/* a / b as Go defines it for int64: MinInt64 / -1 wraps; b must not be 0. */
int64_t go_div(int64_t a, int64_t b);

/*
 * A line scanner that behaves as bufio.Scanner with ScanLines over an
 * in-memory reader: lines lose "\n" and one trailing "\r"; a line of
 * 64 KiB or more stops the scan with an error, after which (as in Go) one
 * more call hands out the buffered part of that line.
 */
enum { SCAN_OK, SCAN_EOF, SCAN_TOO_LONG };

struct scanner {
	const char *data;
	size_t len, pos;
	int err;
	size_t held_start, held_end; /* bytes buffered when the line was too long */
	struct slice tok;            /* last token; empty once a scan has failed */
};

void scan_init(struct scanner *s, const char *data, size_t len);
bool scan_next(struct scanner *s);
/* scan_error is Scanner.Err(): NULL, or the message of a real error. */
const char *scan_error(const struct scanner *s);

/* ---- regular expressions ---- */

/*
 * A compiled pattern in Go's RE2 syntax (the subset pprof's legacy
 * parsers use). lre_match is FindSubmatchIndex: leftmost-first, matched
 * bytewise, in time linear in the input. caps gets 2*(groups+1) offsets,
 * SIZE_MAX for a group that took no part in the match.
 */
struct lre;
struct lre *lre_compile(const char *pattern);
void lre_free(struct lre *re);
bool lre_match(struct lre *re, struct slice s, size_t *caps);
/* lre_group returns group i of the last match (empty when unset). */
struct slice lre_group(struct slice s, const size_t *caps, int i);

enum lre_id {
	RX_COUNT_START,
	RX_COUNT,
	RX_HEAP_HEADER,
	RX_HEAP_SAMPLE,
	RX_CONTENTION_SAMPLE,
	RX_GROWTH_HEADER,
	RX_FRAGMENTATION_HEADER,
	RX_THREADZ_START,
	RX_THREAD_START,
	RX_PROC_MAPS,
	RX_BRIEF_MAPS,
	RX_LOG_INFO,
	RX_LIB,
	RX_JAVA_ATTRIBUTE,
	RX_JAVA_SAMPLE,
	RX_JAVA_LOCATION,
	RX_JAVA_LOCATION_FILE_LINE,
	RX_JAVA_LOCATION_PATH,
	RX__N
};

#define LRE_MAX_CAPS 16

/* ---- the profile under construction ---- */

struct lb_loc {
	uint64_t key;     /* the address the parser deduplicated on */
	uint64_t address; /* cleared by the Java parsers once symbolized */
	uint32_t mapping; /* index into lbuild.map, or NO_INDEX */
	uint32_t func;    /* index into lbuild.fn, or NO_INDEX */
	int64_t line;
};

/* An open-addressing map from address to location index. */
struct addr_map {
	uint64_t *key;
	uint32_t *val; /* NO_INDEX marks an empty slot */
	size_t cap, n;
};

struct lb_sample {
	size_t off; /* first location index in lbuild.stk */
	uint32_t n_loc;
	bool has_bytes; /* carries the numeric label bytes */
	int64_t bytes;
	int64_t value[4];
};

/* Strings are slices of NUL-terminated copies in the profile's arena. */
struct lb_map {
	uint64_t start, limit, offset;
	struct slice file, build_id;
};

struct lb_func {
	struct slice name, file;
};

struct lbuild {
	struct profile *p; /* its arena holds the strings; its header fields are set directly */
	struct lb_loc *loc;
	size_t n_loc, cap_loc;
	struct addr_map loc_by_key;
	struct lb_sample *smp;
	size_t n_smp, cap_smp;
	uint32_t *stk;
	size_t n_stk, cap_stk;
	struct lb_map *map;
	size_t n_map, cap_map;
	struct lb_func *fn;
	size_t n_fn, cap_fn;
	size_t n_value; /* values per sample */
	struct value_type st[4];
	size_t n_st;
};

/* The state one decode_legacy call shares with its parsers. */
struct lctx {
	struct lre *rx[RX__N];
	char *err;
	size_t errsize;
};

enum lrc { LRC_OK, LRC_UNRECOGNIZED, LRC_ERROR };

/* lerr writes a message into c->err and returns LRC_ERROR. */
enum lrc lerr(struct lctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* lunrec writes pprof's errUnrecognized and returns LRC_UNRECOGNIZED. */
enum lrc lunrec(struct lctx *c);

void lb_init(struct lbuild *b);
void lb_free(struct lbuild *b);
void lb_set_sample_types(struct lbuild *b, size_t n, const struct value_type *st);
/* lb_loc_for returns the location deduplicated on key, making it if new. */
uint32_t lb_loc_for(struct lbuild *b, uint64_t key);
/* lb_find_loc returns the location made for key, or NO_INDEX. */
uint32_t lb_find_loc(const struct lbuild *b, uint64_t key);
/* lb_add_sample starts a sample with b->n_value values; stack it with lb_push_loc. */
struct lb_sample *lb_add_sample(struct lbuild *b, const int64_t *value);
void lb_push_loc(struct lbuild *b, uint32_t loc);
/* lb_strdup copies s as a profile string: a C string, NULs escaped (util.h). */
const char *lb_strdup(struct lbuild *b, struct slice s);
/* lb_bytes copies s as it is; its length, not a NUL, tells where it ends (lb_finish escapes it). */
struct slice lb_bytes(struct lbuild *b, struct slice s);
uint32_t lb_add_func(struct lbuild *b, struct slice name, struct slice file);

/* Frame removal (cpuProfile's signal-frame stripping, cleanupDuplicateLocations). */
void lb_strip_signal_frames(struct lbuild *b);
void lb_cleanup_duplicate_locations(struct lbuild *b);

/*
 * ParseMemoryMapFromScanner: reads the rest of s as a memory map, then
 * massages the mappings and renumbers locations, functions and mappings.
 */
enum lrc lb_parse_memory_map(struct lctx *c, struct lbuild *b, struct scanner *s);
/* parseAdditionalSections: skips to a memory map sentinel, then reads the map. */
enum lrc lb_parse_additional_sections(struct lctx *c, struct lbuild *b, struct scanner *s);
bool is_memory_map_sentinel(struct slice line);
void lb_remap_locations(struct lbuild *b);
void lb_remap_functions(struct lbuild *b);
void lb_remap_mappings(struct lbuild *b);

/* Parsers, in pprof's order. Each fills a fresh lbuild. */
enum lrc parse_cpu(struct lctx *c, struct lbuild *b, const char *data, size_t len);
enum lrc parse_heap(struct lctx *c, struct lbuild *b, const char *data, size_t len);
enum lrc parse_go_count(struct lctx *c, struct lbuild *b, const char *data, size_t len);
enum lrc parse_thread(struct lctx *c, struct lbuild *b, const char *data, size_t len);
enum lrc parse_contention(struct lctx *c, struct lbuild *b, const char *data, size_t len);
enum lrc parse_java_profile(struct lctx *c, struct lbuild *b, const char *data, size_t len);

/* parseJavaLocations: symbolizes the locations from the text after a Java profile's samples. */
enum lrc parse_java_locations(struct lctx *c, struct lbuild *b, struct slice rest);

struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

/*
 * parseHexAddresses: appends every 0x[0-9a-f]+ of s to out; on a number
 * past 64 bits returns false with the number in *bad.
 */
bool parse_hex_addresses(struct slice s, struct u64vec *out, struct slice *bad);
/* scaleHeapSample: unsamples a heapz v2 sample of the given rate. */
void scale_heap_sample(int64_t count, int64_t size, int64_t rate, int64_t *ocount, int64_t *osize);

#endif
