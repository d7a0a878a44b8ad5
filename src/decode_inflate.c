/*
 * decode_inflate: a gzip stream inflated whole, for decode.c, as Go's
 * gzip reader reads it (concatenated members as one stream, anything
 * else after a member refused), within decode_options' limits.
 *
 * ISA-L's igzip inflates: on the bench profiles 2.6 times as fast as
 * zlib (large: 0.18 s against 0.46 s; large-heap 0.065 s against 0.16 s).
 * It only ever succeeds: a stream it will not inflate, or that goes past
 * a limit, zlib inflates again from the start, as cprof did before ISA-L,
 * and fails with zlib's verdict and words ("invalid block type",
 * "incorrect data check", "unexpected EOF", the limit it met first...).
 * No table maps one library's errors onto the other's, and only failing
 * input pays twice. Where ISA-L is laxer than zlib and can be told
 * (the reserved flags of a gzip header), zlib is asked first; where it
 * cannot (ISA-L takes a Huffman code that leaves codes unused, which
 * zlib refuses, as "invalid distances set" and the like), a stream whose
 * CRC still holds is read, as no encoder writes one.
 * tests/fuzz/fuzz_inflate.c checks that the two agree on all else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "decode_int.h"
#include "util.h"

/* The inflaters check what they have inflated (the sniffing, the ratio) every INFLATE_STEP bytes. */
enum { INFLATE_STEP = 1 << 20 };

/*
 * Input is handed over at most INFLATE_CHUNK bytes at a time: both
 * libraries count it in 32 bits (and ISA-L before 2.32 overflows a
 * buffer when it is close to 4 GiB).
 */
#define INFLATE_CHUNK (1u << 30)

/* out_buf is the growing buffer the inflated bytes go to, never past max + 1 bytes. */
struct out_buf {
	uint8_t *b;
	size_t n, cap, max;
};

static void out_init(struct out_buf *o, size_t inlen, uint64_t max)
{
	o->n = 0;
	o->max = max > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max;
	o->cap = inlen < (1 << 20) ? (1 << 20) : inlen > SIZE_MAX / 4 ? SIZE_MAX : inlen * 4;
	if (o->cap > o->max + 1)
		o->cap = o->max + 1;
	o->b = reuse_alloc(o->cap);
}

/* out_room makes room when the buffer is full (n <= max: past_limits stops past it), and says how much. */
static size_t out_room(struct out_buf *o)
{
	if (o->n == o->cap) {
		size_t ncap = o->cap > SIZE_MAX / 2 ? SIZE_MAX : o->cap * 2;
		if (ncap > o->max + 1)
			ncap = o->max + 1;
		o->b = xrealloc(o->b, ncap);
		o->cap = ncap;
	}
	size_t room = o->cap - o->n;
	return room > INFLATE_STEP ? INFLATE_STEP : room;
}

/*
 * past_limits: the step that took the output from had to o->n bytes,
 * consumed compressed bytes read so far, went past a limit of d (-1,
 * and why in err).
 */
static int past_limits(const struct out_buf *o, size_t had, uint64_t consumed, const struct decode_options *d,
		       char *err, size_t errsize)
{
	if (had < SNIFF_SIZE && o->n >= SNIFF_SIZE && one_repeated_byte(o->b, SNIFF_SIZE)) {
		snprintf(err, errsize, "decompressing profile: not a profile: it starts with a megabyte of byte 0x%02x",
			 o->b[0]);
		return -1;
	}
	if (past_ratio(o->n, consumed, d->max_ratio)) {
		snprintf(err, errsize,
			 "decompressing profile: inflated more than %u-fold (to %zu bytes from %llu), "
			 "as no profile does (give -max_inflated to read it anyway)",
			 d->max_ratio, o->n, (unsigned long long)consumed);
		return -1;
	}
	if (o->n > d->max_inflated) {
		snprintf(err, errsize,
			 "decompressing profile: inflated size exceeds the limit of %llu bytes "
			 "(raise it with -max_inflated)",
			 (unsigned long long)d->max_inflated);
		return -1;
	}
	return 0;
}

int inflate_gzip_zlib(const uint8_t *in, size_t inlen, const struct decode_options *d, uint8_t **out,
		      size_t *outlen, char *err, size_t errsize)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errsize, "decompressing profile: zlib initialisation failed");
		return -1;
	}
	struct out_buf o;
	out_init(&o, inlen, d->max_inflated);
	z.next_in = (Bytef *)in;
	size_t left = inlen;
	for (;;) {
		if (z.avail_in == 0) {
			z.avail_in = left > INFLATE_CHUNK ? INFLATE_CHUNK : (uInt)left;
			left -= z.avail_in;
		}
		z.avail_out = (uInt)out_room(&o);
		z.next_out = o.b + o.n;
		uInt before = z.avail_out;
		int ret = inflate(&z, Z_NO_FLUSH);
		size_t had = o.n;
		o.n += before - z.avail_out;
		if (past_limits(&o, had, inlen - left - z.avail_in, d, err, errsize) != 0)
			goto fail;
		if (ret == Z_STREAM_END) {
			if (z.avail_in == 0 && left == 0)
				break;
			/* Another member may follow; anything else is garbage. */
			if (inflateReset(&z) != Z_OK)
				goto corrupt;
			if (z.avail_in == 0) {
				z.avail_in = left > INFLATE_CHUNK ? INFLATE_CHUNK : (uInt)left;
				left -= z.avail_in;
			}
			if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b) {
				snprintf(err, errsize, "decompressing profile: gzip: invalid header");
				goto fail;
			}
			continue;
		}
		if (ret == Z_BUF_ERROR && z.avail_in == 0 && left == 0) {
			snprintf(err, errsize, "decompressing profile: unexpected EOF");
			goto fail;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			goto corrupt;
	}
	inflateEnd(&z);
	*out = o.b;
	*outlen = o.n;
	return 0;
corrupt:
	snprintf(err, errsize, "decompressing profile: %s", z.msg ? z.msg : "corrupt gzip stream");
fail:
	inflateEnd(&z);
	reuse_free(o.b);
	return -1;
}

/* member_ok: the gzip member at p (n bytes left) starts as zlib would read it, as far as ISA-L does not check. */
static bool member_ok(const uint8_t *p, size_t n)
{
	return n >= 4 && p[0] == 0x1f && p[1] == 0x8b && (p[3] & 0xe0) == 0; /* zlib: "unknown header flags set" */
}

int inflate_gzip_isal(const uint8_t *in, size_t inlen, const struct decode_options *d, uint8_t **out,
		      size_t *outlen)
{
	if (!member_ok(in, inlen))
		return -1;
	struct inflate_state *s = xmalloc(sizeof *s);
	isal_inflate_init(s);
	s->crc_flag = ISAL_GZIP;
	struct out_buf o;
	out_init(&o, inlen, d->max_inflated);
	size_t left = inlen; /* not yet handed to ISA-L */
	s->next_in = (uint8_t *)in;
	int rc = -1;
	char why[256];
	for (;;) {
		if (s->avail_in == 0) {
			s->avail_in = left > INFLATE_CHUNK ? INFLATE_CHUNK : (uint32_t)left;
			left -= s->avail_in;
		}
		s->avail_out = (uint32_t)out_room(&o);
		s->next_out = o.b + o.n;
		uint32_t before_out = s->avail_out, before_in = s->avail_in;
		if (isal_inflate(s) != ISAL_DECOMP_OK)
			break;
		size_t had = o.n;
		o.n += before_out - s->avail_out;
		if (past_limits(&o, had, inlen - left - s->avail_in, d, why, sizeof why) != 0)
			break;
		if (s->block_state == ISAL_BLOCK_FINISH) {
			if (s->avail_in == 0 && left == 0) {
				rc = 0;
				break;
			}
			/* another member (its header whole in this chunk), or zlib decides */
			if (!member_ok(s->next_in, s->avail_in))
				break;
			uint8_t *next = s->next_in;
			uint32_t avail = s->avail_in;
			isal_inflate_reset(s);
			s->next_in = next;
			s->avail_in = avail;
			continue;
		}
		/* no progress: the input ended inside the stream */
		if (s->avail_out == before_out && s->avail_in == before_in)
			break;
	}
	free(s);
	if (rc != 0) {
		reuse_free(o.b);
		return rc;
	}
	*out = o.b;
	*outlen = o.n;
	return 0;
}

int inflate_gzip(const uint8_t *in, size_t inlen, const struct decode_options *d, uint8_t **out, size_t *outlen,
		 char *err, size_t errsize)
{
	if (inflate_gzip_isal(in, inlen, d, out, outlen) == 0)
		return 0;
	return inflate_gzip_zlib(in, inlen, d, out, outlen, err, errsize);
}
