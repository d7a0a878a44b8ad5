/*
 * srcfile: the source files that listings (-list) show, found and read as
 * pprof's sourceReader finds and reads them.
 *
 * A file name from a report is first trimmed (srcfile_trim_path, pprof's
 * trimPath). An absolute result is opened as it is; a relative one is
 * looked up under each directory of the search path and under each of that
 * directory's parents, in that order (srcfile_candidates). pprof has no
 * other rule: Go module-cache paths (.../pkg/mod/m@v1/f.go), GOROOT paths
 * and -trimpath builds are found through the same two, e.g. with
 * -source_path=$HOME/go/pkg/mod the "/mod/" in the recorded path is cut.
 *
 * Lines are split as Go's bufio.Scanner splits them: at '\n', one trailing
 * '\r' dropped, the last line kept without its '\n'; a line of 64 KiB or
 * more ends the file there. They are read lazily, only as far as a caller
 * asks, and cached per file name. A reader owns all it returns; a line
 * stays valid until the next srcfile_line or srcfile_reader_free.
 */
#ifndef CPROF_SRCFILE_H
#define CPROF_SRCFILE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The longest line bufio.Scanner keeps is one byte short of this. */
#define SRCFILE_MAX_LINE 65536

/*
 * srcfile_trim_path is pprof's trimPath: with no trim list, everything up
 * to and including "/BASE/" is cut, BASE the base name of a search-path
 * directory (the first that occurs); otherwise the first trim prefix that
 * matches, then /proc/self/cwd/, is cut. Lists are colon-separated.
 */
void srcfile_trim_path(const char *path, const char *trim, const char *search, struct strbuf *out);

/*
 * srcfile_candidates lists the paths tried for an already trimmed name, in
 * order: the name itself when absolute, else DIR/name for each search
 * directory and each of its parents. The caller frees each and the array.
 */
size_t srcfile_candidates(const char *trimmed, const char *search, char ***out);

struct srcfile_reader;

struct srcfile_reader *srcfile_reader_new(const char *search, const char *trim);
void srcfile_reader_free(struct srcfile_reader *r);

/*
 * srcfile_line returns line lineno (from 1) of the file the report calls
 * name, with its length in *len (it may hold NUL bytes; it is also
 * NUL-terminated), or NULL when the file has no such line or was not found.
 */
const char *srcfile_line(struct srcfile_reader *r, const char *name, int64_t lineno, size_t *len);

/* srcfile_error says why the file called name could not be opened, as pprof says it, or NULL. */
const char *srcfile_error(struct srcfile_reader *r, const char *name);

#endif
