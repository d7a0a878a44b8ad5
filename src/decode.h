/*
 * decode: turns bytes into a profile.
 *
 * decode_buffer inflates the bytes when they start with the gzip magic
 * (refusing to inflate past max_inflated bytes, or past max_ratio times
 * the compressed size), and decodes them as a
 * protobuf profile, or, failing that, as one of the legacy text and binary
 * formats. On failure it returns NULL and writes a one-line reason
 * (without the "cprof: FILE: " prefix) into err.
 *
 * The returned profile is validated: every index in it points inside its
 * table, and every sample has one value per sample type.
 */
#ifndef CPROF_DECODE_H
#define CPROF_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

#define DECODE_DEFAULT_MAX_INFLATED ((uint64_t)2 << 30)
#define DECODE_DEFAULT_FLOW_MIN ((uint64_t)8 << 20)
#define DECODE_DEFAULT_MAX_RATIO 100
#define DECODE_RATIO_STRETCH ((uint64_t)16 << 20)

struct decode_options {
	uint64_t max_inflated; /* ceiling on the inflated size of a gzip stream */
	/*
	 * A gzip profile.proto inflating to at least flow_min bytes (0: any)
	 * is decoded while it inflates, on two threads; the result is the
	 * same. On the 46 MB bench profile decoding takes 0.75 s, not 1.13 s.
	 */
	uint64_t flow_min;
	/*
	 * Past its first DECODE_RATIO_STRETCH bytes, a gzip stream may inflate
	 * to no more than max_ratio times the compressed bytes read so far (0:
	 * no such bound). Profiles inflate 2 to 7 times (every one in testdata/
	 * and ../shared/bench), a decompression bomb up to 1032 times: 100
	 * refuses the bomb after its first 16 MB, before it fills memory.
	 */
	unsigned max_ratio;
	/*
	 * lean, when set, is asked of the profile's header once its tables
	 * are read (sample types, drop_frames), for a report that reads less
	 * of the samples than they hold (a series' flat table): DECODE_LEAF
	 * lets each sample keep its leaf location alone, DECODE_NO_LABELS
	 * lets it keep no labels. What is left out is read all the same and
	 * checked, so a broken profile is refused as before. Only a profile
	 * decoded whole does this, not one decoded as it inflates (flow_min).
	 */
	unsigned (*lean)(const struct profile *header, const void *ctx);
	const void *lean_ctx;
};
enum { DECODE_LEAF = 1, DECODE_NO_LABELS = 2 };

/* decode_buffer takes the malloc'd *buf and frees it as soon as it can, setting *buf to NULL. */
struct profile *decode_buffer(uint8_t **buf, size_t len, const struct decode_options *o, char *err,
			      size_t errsize);

/* decode_bytes decodes an in-memory profile (gzip or not); data is not kept. */
struct profile *decode_bytes(const uint8_t *data, size_t len, const struct decode_options *o, char *err,
			     size_t errsize);

/*
 * decode_proto decodes an uncompressed profile.proto message. When owner
 * is not NULL, *owner is the malloc'd buffer holding data: decode_proto
 * frees it (and sets it to NULL) as soon as it no longer needs it, once it
 * is sure the data is a profile.proto and not a legacy format. Of o (which
 * may be NULL) it uses lean alone.
 */
struct profile *decode_proto(const uint8_t *data, size_t len, uint8_t **owner, const struct decode_options *o,
			     char *err, size_t errsize);

/*
 * decode_legacy tries the legacy formats (gperftools CPU, heap, growth,
 * contention, thread, Go debug=1 heap and goroutine text, Java). Returns NULL
 * with "unrecognized profile format" in err when none matches.
 */
struct profile *decode_legacy(const uint8_t *data, size_t len, char *err, size_t errsize);

/*
 * The runtime.MemStats trailer of a Go heap profile (decode_memstats.c),
 * kept on the profile (p->memstats, in p's arena). decode_buffer and
 * decode_bytes read it from the debug=1 text and from a proto profile's
 * comments themselves; decode_memstats_text reads it from the debug=1
 * text of another fetch (a proto heap profile's own). Each returns how
 * many fields it read (0: no trailer, p unchanged).
 */
size_t decode_memstats_text(struct profile *p, const uint8_t *data, size_t len);
size_t decode_memstats_comments(struct profile *p);
/* decode_memstats_in_comments tells whether p's comments hold a trailer. */
bool decode_memstats_in_comments(const struct profile *p);
/*
 * decode_memstats_as_comments adds p's trailer to its comments, as lines
 * of Go's text, unless they hold it already: so a saved profile keeps it.
 */
void decode_memstats_as_comments(struct profile *p);

#endif
