/*
 * demangle: C++ (Itanium ABI) and Rust symbol names, as pprof's demangler
 * prints them.
 *
 * pprof demangles with github.com/ianlancetaylor/demangle; this module gives
 * the same bytes as that package's Filter for the option sets pprof uses:
 *
 *   pprof default     NO_PARAMS | NO_ENCLOSING_PARAMS | NO_TEMPLATE_PARAMS
 *   -symbolize=demangle=templates   NO_PARAMS | NO_ENCLOSING_PARAMS
 *   -symbolize=demangle=full        NO_CLONES
 *
 * Recognised: Itanium names (_Z..., clone suffixes such as .cold or
 * .isra.0, _GLOBAL__sub_I_ and friends, ___Z..._block_invoke), Rust v0
 * names (_R...) and legacy Rust names (_ZN...17h<hash>E).
 *
 * demangle_filter returns a malloc'd string the caller frees, or NULL when
 * name is not a mangled name or cannot be demangled (Filter would have
 * returned it unchanged). It never exits on bad input: hostile names fail
 * with NULL, within fixed limits on nesting depth, work, memory and output
 * size that real symbols stay far below (see demangle_int.h); there a name
 * nested thousands of levels deep fails where the Go package would print
 * it. Out-of-memory is fatal, as everywhere in cprof. The Go package's
 * Verbose, LLVMStyle and MaxLength options are not offered: pprof does not
 * use them.
 */
#ifndef CPROF_DEMANGLE_H
#define CPROF_DEMANGLE_H

enum {
	DEMANGLE_NO_PARAMS = 1,           /* omit the function's parameter types (implies NO_CLONES) */
	DEMANGLE_NO_ENCLOSING_PARAMS = 2, /* omit parameters of functions enclosing a local name */
	DEMANGLE_NO_TEMPLATE_PARAMS = 4,  /* omit template (C++) and generic (Rust) arguments */
	DEMANGLE_NO_CLONES = 8,           /* omit " [clone .cold]" and the like */
	DEMANGLE_NO_RUST = 16             /* do not treat _ZN...17h<hash>E as legacy Rust */
};

char *demangle_filter(const char *name, unsigned opts);

#endif
