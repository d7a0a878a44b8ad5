#include "decode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decode_int.h"
#include "util.h"

/* The inflater checks what it has inflated (the sniffing, the ratio) every INFLATE_STEP bytes. */
enum { INFLATE_STEP = 1 << 20 };

/*
 * inflate_all inflates every gzip member of in (Go's gzip reader reads
 * concatenated members as one stream) and refuses to go past o's limits.
 */
static int inflate_all(const uint8_t *in, size_t inlen, const struct decode_options *o, uint8_t **out,
		       size_t *outlen, char *err, size_t errsize)
{
	uint64_t max = o->max_inflated;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errsize, "decompressing profile: zlib initialisation failed");
		return -1;
	}
	size_t cap = inlen < (1 << 20) ? (1 << 20) : inlen * 4, n = 0;
	if (cap > max + 1)
		cap = (size_t)max + 1;
	uint8_t *buf = xmalloc(cap);
	z.next_in = (Bytef *)in;
	size_t left = inlen;
	int ret = Z_OK;
	for (;;) {
		if (z.avail_in == 0) {
			uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
			z.avail_in = chunk;
			left -= chunk;
		}
		if (n == cap) { /* n <= max here: the check after inflate stops past it */
			size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
			if (ncap > max + 1)
				ncap = (size_t)max + 1;
			buf = xrealloc(buf, ncap);
			cap = ncap;
		}
		size_t room = cap - n;
		z.next_out = buf + n;
		z.avail_out = room > INFLATE_STEP ? INFLATE_STEP : (uInt)room;
		uInt before = z.avail_out;
		ret = inflate(&z, Z_NO_FLUSH);
		size_t had = n;
		n += before - z.avail_out;
		if (had < SNIFF_SIZE && n >= SNIFF_SIZE && one_repeated_byte(buf, SNIFF_SIZE)) {
			snprintf(err, errsize, "decompressing profile: not a profile: it starts with a megabyte of byte 0x%02x",
				 buf[0]);
			goto fail;
		}
		uint64_t consumed = inlen - left - z.avail_in;
		if (past_ratio(n, consumed, o->max_ratio)) {
			snprintf(err, errsize,
				 "decompressing profile: inflated more than %u-fold (to %zu bytes from %llu), "
				 "as no profile does (give -max_inflated to read it anyway)",
				 o->max_ratio, n, (unsigned long long)consumed);
			goto fail;
		}
		if (n > max) {
			snprintf(err, errsize,
				 "decompressing profile: inflated size exceeds the limit of %llu bytes "
				 "(raise it with -max_inflated)",
				 (unsigned long long)max);
			goto fail;
		}
		if (ret == Z_STREAM_END) {
			if (z.avail_in == 0 && left == 0)
				break;
			/* Another member may follow; anything else is garbage. */
			if (inflateReset(&z) != Z_OK)
				goto corrupt;
			if (z.avail_in == 0) {
				uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
				z.avail_in = chunk;
				left -= chunk;
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
	*out = buf;
	*outlen = n;
	return 0;
corrupt:
	snprintf(err, errsize, "decompressing profile: %s", z.msg ? z.msg : "corrupt gzip stream");
fail:
	inflateEnd(&z);
	free(buf);
	return -1;
}

/* with_trailer reads the MemStats trailer a proto profile's comments may carry (decode_memstats.c). */
static struct profile *with_trailer(struct profile *p)
{
	if (p && p->n_comment)
		decode_memstats_comments(p);
	return p;
}

/* decode_flowing decodes gzip bytes as they inflate, when it can; else NULL (and the ordinary path says why). */
static struct profile *decode_flowing(const uint8_t *gz, size_t len, const struct decode_options *o)
{
	struct inflow *f = inflow_start(gz, len, o);
	if (!f)
		return NULL;
	struct profile *p = decode_proto_flow(f);
	inflow_free(f);
	return with_trailer(p);
}

/* decode_plain decodes uncompressed bytes; *owner (when given) is freed as early as possible. */
static struct profile *decode_plain(const uint8_t *data, size_t len, uint8_t **owner, char *err, size_t errsize)
{
	if (len == 0) {
		snprintf(err, errsize, "parsing profile: empty input file");
		return NULL;
	}
	char perr[256];
	struct profile *p = decode_proto(data, len, owner, perr, sizeof perr);
	if (p)
		return with_trailer(p);
	if (owner && !*owner) { /* a real profile.proto that failed validation */
		snprintf(err, errsize, "parsing profile: %s", perr);
		return NULL;
	}
	char lerr[256];
	p = decode_legacy(data, len, lerr, sizeof lerr);
	if (p)
		return p;
	/* A legacy parser that recognised its format has the better message. */
	if (strcmp(lerr, "unrecognized profile format") != 0)
		snprintf(err, errsize, "parsing profile: %s", lerr);
	else
		snprintf(err, errsize, "parsing profile: %s", perr);
	return NULL;
}

static bool is_gzip(const uint8_t *data, size_t len)
{
	return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

struct profile *decode_buffer(uint8_t **buf, size_t len, const struct decode_options *o, char *err,
			      size_t errsize)
{
	if (is_gzip(*buf, len)) {
		struct profile *p = decode_flowing(*buf, len, o);
		if (p) {
			free(*buf);
			*buf = NULL;
			return p;
		}
		uint8_t *raw;
		size_t rawlen;
		int rc = inflate_all(*buf, len, o, &raw, &rawlen, err, errsize);
		free(*buf);
		*buf = NULL;
		if (rc < 0)
			return NULL;
		*buf = raw;
		len = rawlen;
	}
	return decode_plain(*buf, len, buf, err, errsize);
}

struct profile *decode_bytes(const uint8_t *data, size_t len, const struct decode_options *o, char *err,
			     size_t errsize)
{
	if (is_gzip(data, len)) {
		struct profile *flowed = decode_flowing(data, len, o);
		if (flowed)
			return flowed;
		uint8_t *raw;
		size_t rawlen;
		if (inflate_all(data, len, o, &raw, &rawlen, err, errsize) < 0)
			return NULL;
		struct profile *p = decode_plain(raw, rawlen, &raw, err, errsize);
		free(raw);
		return p;
	}
	return decode_plain(data, len, NULL, err, errsize);
}
