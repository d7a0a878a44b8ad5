/*
 * symbolize: names for locations that lack them, and readable C++ names,
 * as pprof's symbolizer gives them.
 *
 * symbolize_profile parses a -symbolize mode ("", "none", "local",
 * "fastlocal", "remote", "force", "demangle=full|none|templates|default",
 * joined with ':') and applies it to p, which it may modify in place (p
 * must be a freshly loaded profile, not one shared with a derived
 * profile). Messages for the user are appended to warn.
 */
#ifndef CPROF_SYMBOLIZE_H
#define CPROF_SYMBOLIZE_H

#include "profile.h"
#include "util.h"

void symbolize_profile(struct profile *p, const char *mode, struct strbuf *warn);

/* symbolize_simplify_cpp drops (...) and <...> groups from an already demangled C++ name. */
void symbolize_simplify_cpp(const char *name, bool no_params, bool no_templates, struct strbuf *out);

#endif
