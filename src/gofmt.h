/*
 * gofmt: text formatting that must match Go's standard library byte for
 * byte: times (time.Time.Format and String), durations (Duration.String),
 * and text/tabwriter's column alignment.
 */
#ifndef CPROF_GOFMT_H
#define CPROF_GOFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* "2006-01-02 15:04:05 MST" in the local time zone (TZ honoured). */
void go_time_short(struct strbuf *out, int64_t unix_nanos);
/* time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
void go_time_string(struct strbuf *out, int64_t unix_nanos);
/* time.Duration.String(): "1.5s", "10m0s", "250µs". */
void go_duration_string(struct strbuf *out, int64_t nanos);
/*
 * go_parse_duration is time.ParseDuration ("30s", "1m30s", "1.5h",
 * "250ms"): 0 with the nanoseconds in *out, or -1 with Go's message.
 */
int go_parse_duration(const char *s, int64_t *out, char *err, size_t errsize);

/*
 * A tabwriter buffers tab-separated cells and writes them aligned, as
 * Go's text/tabwriter does with the given minwidth, padding, padchar and
 * AlignRight flag. A line without tabs ends the current block of columns.
 */
struct tabwriter;
struct tabwriter *tabwriter_new(FILE *out, int minwidth, int padding, char padchar, bool align_right);
void tabwriter_write(struct tabwriter *tw, const char *text);
void tabwriter_printf(struct tabwriter *tw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tabwriter_flush(struct tabwriter *tw);
void tabwriter_free(struct tabwriter *tw);

/* go_trim_space_bounds is strings.TrimSpace: s[*start, *end) without Unicode white space at either end. */
void go_trim_space_bounds(const char *s, size_t n, size_t *start, size_t *end);

/*
 * utf8_len counts runes as Go's utf8.RuneCount does (an invalid byte
 * counts one), and an escaped NUL or 0xC0 of a profile string as one.
 */
size_t utf8_len(const char *s, size_t n);
/* go_pad_left appends s right-aligned in width runes, as fmt's %10s pads. */
void go_pad_left(struct strbuf *out, const char *s, size_t width);

#endif
