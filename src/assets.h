/*
 * assets: the files of web/ (the flame graph's script and style, the web
 * interface's pages), compiled into the binary at build time so that
 * cprof needs no file beside it and fetches nothing at run time.
 *
 * asset_find returns a file's bytes by its name in web/ ("flame.js"),
 * NUL-terminated, with the length in *len; NULL for an unknown name. The
 * bytes are static: never freed, never modified.
 */
#ifndef CPROF_ASSETS_H
#define CPROF_ASSETS_H

#include <stddef.h>

const char *asset_find(const char *name, size_t *len);

#endif
