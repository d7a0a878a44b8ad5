/*
 * symbolize: names for locations that lack them, and readable C++ names,
 * as pprof's symbolizer gives them.
 *
 * symbolize_profile parses a -symbolize mode ("", "none", "local",
 * "fastlocal", "remote", "force", "demangle=full|none|templates|default",
 * joined with ':') and applies it to p, which it may modify in place (p
 * must be a freshly loaded profile, not one shared with a derived
 * profile). Locations of mappings that point at local ELF binaries get
 * the functions, files, lines, columns and inline frames that pprof gets
 * from llvm-symbolizer (or, for "fastlocal", names from llvm-nm), read
 * in-process. Then, unless the mode is "local" or "fastlocal", locations
 * of mappings that came over HTTP and still lack function names get them
 * from the server they came from (its /debug/pprof/symbol endpoint), as
 * pprof's symbolz does: sources (NULL: none) says which mappings came
 * from where. Messages for the user are appended to warn. It returns 0,
 * or -1 with a reason in err when the server could not be asked (pprof
 * then gives up on the profile).
 */
#ifndef CPROF_SYMBOLIZE_H
#define CPROF_SYMBOLIZE_H

#include "fetch.h"
#include "profile.h"
#include "util.h"

/*
 * Where each mapping of a fetched profile came from: pprof's
 * MappingSources. Entries are keyed by the mapping's build id, else its
 * file; the strings are malloc'd and freed by symbolize_sources_free.
 */
struct symbolize_source {
	char *key;
	char *url;      /* the profile's URL, from which the symbol endpoint's is derived */
	uint64_t start; /* the mapping's start in that profile */
};

struct symbolize_sources {
	struct symbolize_source *s;
	size_t n, cap;
	const struct fetch_options *fetch; /* how to reach the endpoints: TLS files, timeout, size ceiling */
};

/*
 * symbolize_add_sources is pprof's collectMappingSources for p fetched
 * from url: each mapping is recorded under its key; one with neither
 * build id nor file takes url as its file, so that the symbolizer finds
 * it (the driver clears such files afterwards). p must not be shared.
 */
void symbolize_add_sources(struct symbolize_sources *s, struct profile *p, const char *url);
/* symbolize_move_sources appends from's entries to to's, leaving from empty. */
void symbolize_move_sources(struct symbolize_sources *to, struct symbolize_sources *from);
void symbolize_sources_free(struct symbolize_sources *s);

int symbolize_profile(struct profile *p, const char *mode, const struct symbolize_sources *sources,
		      struct strbuf *warn, char *err, size_t errsize);

/*
 * symbolize_locate_binaries is pprof's locateBinaries before the fake
 * mapping and the executable override: each mapping's file becomes the
 * first usable binary found for it (by build id, base name or path) under
 * $PPROF_BINARY_PATH, else $HOME/pprof/binaries.
 */
void symbolize_locate_binaries(struct profile *p, struct strbuf *warn);

/* symbolize_is_binary tells whether pprof would take path as the executable (an ELF file it can open). */
bool symbolize_is_binary(const char *path);

/* symbolize_simplify_cpp drops (...) and <...> groups from an already demangled C++ name. */
void symbolize_simplify_cpp(const char *name, bool no_params, bool no_templates, struct strbuf *out);

#endif
