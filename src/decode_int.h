/*
 * decode_int: what the decode stage's files share. decode.c, the top of
 * the stage, starts an inflow (decode_inflow.c) and hands it to
 * decode_proto.c, which reads the profile from it; when it cannot, it
 * inflates the whole stream (decode_inflate.c) and decodes that. Both
 * inflaters refuse a decompression bomb the same way.
 *
 * An inflow is a gzip stream inflating on a thread of its own while the
 * caller reads the bytes already out: decoding a large profile overlaps
 * with its decompression. It is only tried on a single gzip member whose
 * trailer gives the inflated size; anything unusual stops it, and the
 * caller then decodes the ordinary way (which says what was wrong).
 */
#ifndef CPROF_DECODE_INT_H
#define CPROF_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "profile.h"

/*
 * A profile cannot start with a megabyte of one repeated byte (a protobuf
 * message starts with a field tag, a legacy profile with its header), but
 * a decompression bomb usually does: refuse it there, before it fills
 * memory up to the inflate ceiling.
 */
enum { SNIFF_SIZE = 1 << 20 };

static inline bool one_repeated_byte(const uint8_t *p, size_t n)
{
	return n > 0 && memcmp(p, p + 1, n - 1) == 0;
}

/*
 * A bomb of valid data (the string "a" a hundred million times) passes
 * the sniffing; what gives it away is how far it inflates: out bytes
 * from the first in compressed ones, beyond decode_options.max_ratio.
 */
static inline bool past_ratio(uint64_t out, uint64_t in, unsigned max_ratio)
{
	return max_ratio && out > DECODE_RATIO_STRETCH && out / max_ratio > in;
}

/* ---- decode_inflate.c ---- */

/*
 * inflate_gzip inflates every gzip member of in into a malloc'd *out of
 * *outlen bytes: 0, or -1 and why in err (a corrupt stream, or past o's
 * limits). inflate_gzip_isal and inflate_gzip_zlib are its two
 * inflaters, each alone, for tests/fuzz/fuzz_inflate.c:
 * inflate_gzip_isal returns -1, saying nothing, for a stream it will not
 * inflate or that goes past a limit, which inflate_gzip then hands to
 * inflate_gzip_zlib.
 */
int inflate_gzip(const uint8_t *in, size_t inlen, const struct decode_options *o, uint8_t **out, size_t *outlen,
		 char *err, size_t errsize);
int inflate_gzip_isal(const uint8_t *in, size_t inlen, const struct decode_options *o, uint8_t **out,
		      size_t *outlen);
int inflate_gzip_zlib(const uint8_t *in, size_t inlen, const struct decode_options *o, uint8_t **out,
		      size_t *outlen, char *err, size_t errsize);

/* ---- decode_inflow.c ---- */

struct inflow;

/*
 * inflow_start starts inflating gz; NULL when it inflates to less than
 * o->flow_min bytes or past o's limits, or its size is unknown.
 */
struct inflow *inflow_start(const uint8_t *gz, size_t len, const struct decode_options *o);
const uint8_t *inflow_bytes(const struct inflow *f);
/* inflow_size is the inflated size the gzip trailer gives. */
size_t inflow_size(const struct inflow *f);
/*
 * inflow_wait blocks until need bytes are out or the inflater stopped
 * (*stopped), and returns how many are out.
 */
size_t inflow_wait(struct inflow *f, size_t need, bool *stopped);
/* inflow_done: the whole stream inflated cleanly, into exactly inflow_wait's bytes. */
int inflow_done(struct inflow *f);
/* inflow_checked: the bytes inflated have the CRC the trailer gives (checked after inflow_done). */
int inflow_checked(struct inflow *f);
/* inflow_free stops the thread, if still running, and frees the bytes. */
void inflow_free(struct inflow *f);

/* ---- decode_proto.c ---- */

/* decode_proto_flow decodes a profile.proto message as it inflates; NULL when it cannot. */
struct profile *decode_proto_flow(struct inflow *f);

#endif
