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
 * in-process. Messages for the user are appended to warn.
 */
#ifndef CPROF_SYMBOLIZE_H
#define CPROF_SYMBOLIZE_H

#include "profile.h"
#include "util.h"

void symbolize_profile(struct profile *p, const char *mode, struct strbuf *warn);

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
