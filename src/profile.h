/*
 * profile: the decoded profile, as plain arrays indexed by dense ids.
 *
 * Every stage after decoding reads this model; nothing later sees protobuf.
 * Ids from the file are kept (they are printed by -raw) but every reference
 * between tables is a dense index: a line names its function by index into
 * p->function, a location its mapping by index into p->mapping, a sample its
 * stack by indices into p->location (leaf first).
 *
 * Ownership: a profile owns one arena, and everything it points to lives in
 * that arena or in the arena of the profile it was derived from (p->parent),
 * which must outlive it. profile_free releases the profile's own arena only.
 * Strings are NUL-terminated and never NULL ("" when absent). They are
 * byte strings all the same, as pprof's are: a NUL byte inside one is held
 * as 0xC0 0x80 and a 0xC0 byte as 0xC0 0xC0 (util.h says why and how), so
 * strings compare, hash and intern as C strings and still never lose a
 * byte. A decoder sets p->escaped when it escaped any, and a profile made
 * from others inherits it; the text reports of such a profile are
 * unescaped on their way out, and -proto unescapes every string it writes.
 */
#ifndef CPROF_PROFILE_H
#define CPROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NO_INDEX UINT32_MAX

struct value_type {
	const char *type;
	const char *unit;
};

struct mapping {
	uint64_t id;
	uint64_t start, limit, offset;
	const char *file;
	const char *build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct function {
	uint64_t id;
	const char *name;
	const char *system_name;
	const char *filename;
	int64_t start_line;
};

struct line {
	uint32_t function; /* index into p->function, or NO_INDEX */
	int64_t line;
	int64_t column;
};

struct location {
	uint64_t id;
	uint64_t address;
	uint32_t mapping; /* index into p->mapping, or NO_INDEX */
	uint32_t n_line;
	const struct line *line; /* the last line is the caller; earlier ones are inlined into it */
	bool is_folded;
};

/* A label is a string label when str is non-NULL, else a numeric one. */
struct label {
	const char *key;
	const char *str;
	int64_t num;
	const char *unit; /* numeric labels only; "" when the file gave none */
};

/*
 * A line of the runtime.MemStats trailer that ends a Go heap profile in
 * its debug=1 text ("# HeapAlloc = 5133240"): its key and its value as
 * written ("5133240", "229376 / 229376", "[11560 8000 ...]").
 */
struct memstat {
	const char *key;
	const char *value;
};

struct sample {
	const uint32_t *loc;       /* n_loc location indices, leaf first */
	int64_t *value;            /* p->n_sample_type values */
	const struct label *label; /* n_label labels */
	uint32_t n_loc;
	uint32_t n_label;
};

struct profile {
	struct arena *arena;
	const struct profile *parent;
	struct profile **deps; /* profiles this one points into, freed with it */
	size_t n_deps;

	struct value_type *sample_type;
	size_t n_sample_type;
	const char *default_sample_type;

	struct sample *sample;
	size_t n_sample;

	struct mapping *mapping;
	size_t n_mapping;
	struct location *location;
	size_t n_location;
	struct function *function;
	size_t n_function;

	const char **comment;
	size_t n_comment;
	const char *doc_url;
	const char *drop_frames;
	const char *keep_frames;

	int64_t time_nanos;
	int64_t duration_nanos;
	struct value_type period_type;
	int64_t period;

	bool escaped; /* some string holds an escaped NUL or 0xC0 (util.h): text output unescapes */

	/*
	 * The MemStats trailer, in its order (none: n_memstats 0). Go writes
	 * it only in the debug=1 heap text; a proto profile carries it when
	 * its comments hold one, as cprof saves its snapshots (decode.h).
	 */
	const struct memstat *memstats;
	size_t n_memstats;
};

struct profile *profile_new(void);
/*
 * profile_derive returns a shallow copy of p: a new profile with its own
 * arena whose tables point at p's. A transform replaces the tables it
 * changes with copies in the new arena; p must outlive the result.
 */
struct profile *profile_derive(const struct profile *p);
void profile_free(struct profile *p);
/* profile_adopt makes p own dep: dep is freed when p is. */
void profile_adopt(struct profile *p, struct profile *dep);

/* Copies a table into p's arena so a transform can change it. */
void profile_own_samples(struct profile *p);
void profile_own_locations(struct profile *p);
void profile_own_functions(struct profile *p);
void profile_own_mappings(struct profile *p);
/* profile_append_functions adds n functions (copied) after p's, in p's arena: a symbolizer's new names. */
void profile_append_functions(struct profile *p, const struct function *f, size_t n);

/*
 * profile_sample_index resolves a -sample_index value (a type name, a
 * number, or "" for the default) to an index. On error it writes a message
 * to err and returns -1.
 */
int profile_sample_index(const struct profile *p, const char *name, char *err, size_t errsize);


struct strbuf;
/*
 * profile_simplify_func is pprof's simplifyFunc, used to match function
 * names against drop_frames and -prune_from: it drops a C++ argument list
 * ("f(int)" → "f") but keeps "(anonymous namespace)" and "operator()",
 * and a leading '.' (PPC ELF v1).
 */
void profile_simplify_func(const char *name, struct strbuf *out);

/*
 * profile_label_cmp orders labels as pprof's sample keys and encoder do:
 * string labels before numeric ones, each by key (sorted stably, values
 * keep their order within a key).
 */
int profile_label_cmp(const struct label *a, const struct label *b);

/*
 * sample_label_first tells whether s->label[i] is the first label of its
 * kind (string or numeric) with its key: reports that print one line per
 * key, like pprof's maps of label slices, start a line there.
 */
bool sample_label_first(const struct sample *s, uint32_t i);

/* The value of a MemStats field ("HeapAlloc"), as written; NULL when p has none. */
const char *profile_memstat(const struct profile *p, const char *key);

/* True if the sample carries the string label key=value. */
bool sample_has_label(const struct sample *s, const char *key, const char *value);

#endif
