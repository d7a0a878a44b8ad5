/*
 * json: JSON text written into a strbuf, and read into a small tree.
 *
 * The writer escapes what JSON needs (quote, backslash, control bytes)
 * and, as Go's encoding/json does by default, <, > and & as \u003c,
 * \u003e, \u0026 and U+2028/U+2029, so the text can sit inside an HTML
 * <script> element. A profile string (json_pstr) holds NULs escaped as
 * util.h says: a NUL comes out as \u0000 and an escaped 0xC0 as that
 * byte. Other bytes that are not UTF-8 are written as they are, as the
 * text reports write them.
 *
 * The reader (json_parse) takes any JSON text up to JSON_MAX_DEPTH
 * nesting and returns a tree the caller frees with json_free, or NULL
 * with a message in err. Strings come back as profile strings (a NUL,
 * written \u0000, escaped as util.h says); numbers keep their text.
 */
#ifndef CPROF_JSON_H
#define CPROF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* ---- writing ---- */

/* json_pstr writes a profile string (NULs escaped, util.h) as a JSON string. */
void json_pstr(struct strbuf *b, const char *s);
/* json_bytes writes n raw bytes (NUL and 0xC0 as any byte) as a JSON string. */
void json_bytes(struct strbuf *b, const char *s, size_t n);
/* json_key writes "key": after a comma unless first. */
void json_key(struct strbuf *b, const char *key, bool first);
void json_int(struct strbuf *b, int64_t v);
void json_bool(struct strbuf *b, bool v);
/* json_double writes v as Go's encoding/json writes a float64 (null for NaN and infinities). */
void json_double(struct strbuf *b, double v);
/* json_lines writes text as an array of its lines (a trailing newline ends the last). */
void json_lines(struct strbuf *b, const char *text);

/* ---- reading ---- */

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	bool b;
	char *text;          /* JSON_STRING: the string (profile-string form); JSON_NUMBER: its text */
	struct json *item;   /* JSON_ARRAY, JSON_OBJECT: n items */
	char **key;          /* JSON_OBJECT: the items' keys */
	size_t n;
};

struct json *json_parse(const char *text, size_t len, char *err, size_t errsize);
void json_free(struct json *j);
/* json_get is the last member of object j named key, or NULL (also when j is no object). */
const struct json *json_get(const struct json *j, const char *key);

#endif
