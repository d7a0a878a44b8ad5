#include "decode.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decode_int.h"
#include "util.h"

/*
 * A profile cannot start with a megabyte of one repeated byte (a protobuf
 * message starts with a field tag, a legacy profile with its header), but
 * a decompression bomb usually does: refuse it there, before it fills
 * memory up to the inflate ceiling.
 */
enum { SNIFF_SIZE = 1 << 20 };

static bool one_repeated_byte(const uint8_t *p, size_t n)
{
	return n > 0 && memcmp(p, p + 1, n - 1) == 0;
}

/*
 * inflate_all inflates every gzip member of in (Go's gzip reader reads
 * concatenated members as one stream) and refuses to go past max bytes.
 */
static int inflate_all(const uint8_t *in, size_t inlen, uint64_t max, uint8_t **out, size_t *outlen, char *err,
		       size_t errsize)
{
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
		z.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
		uInt before = z.avail_out;
		ret = inflate(&z, Z_NO_FLUSH);
		size_t had = n;
		n += before - z.avail_out;
		if (had < SNIFF_SIZE && n >= SNIFF_SIZE && one_repeated_byte(buf, SNIFF_SIZE)) {
			snprintf(err, errsize, "decompressing profile: not a profile: it starts with a megabyte of byte 0x%02x",
				 buf[0]);
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

/* ---- inflating on a thread of its own ---- */

/* The inflater lets the reader know of its progress every FLOW_STEP bytes. */
enum { FLOW_STEP = 1 << 20 };

/*
 * The inflater reads the deflate stream between a plain ten-byte gzip
 * header and the trailer itself, and checks the trailer's CRC after it
 * has published the last byte, while the reader finishes: zlib's own
 * gzip reading sums the CRC as it goes, on the critical path (0.08 of
 * the 0.52 s the bench profile takes to inflate).
 */
struct inflow {
	const uint8_t *in;
	size_t inlen;
	uint8_t *buf;
	size_t cap;   /* the size the gzip trailer gives */
	uint32_t crc; /* the CRC it gives */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t moved;
	size_t out;    /* bytes inflated (under lock) */
	bool stopped;  /* the inflater has ended (under lock) */
	bool ok;       /* it ended at the end of the one member, with out == cap */
	bool stop;     /* the reader asks it to end (under lock) */
	bool checked;  /* the CRC is checked (under lock) */
	bool crc_ok;
};

static void flow_publish(struct inflow *f, size_t out, bool stopped, bool ok)
{
	pthread_mutex_lock(&f->lock);
	f->out = out;
	f->stopped = stopped;
	f->ok = ok;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
}

static void *flow_run(void *arg)
{
	struct inflow *f = arg;
	z_stream z;
	memset(&z, 0, sizeof z);
	bool ok = false;
	size_t out = 0;
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		flow_publish(f, 0, true, false);
		return NULL;
	}
	z.next_in = (Bytef *)f->in + 10;
	z.avail_in = (uInt)(f->inlen - 10);
	for (;;) {
		pthread_mutex_lock(&f->lock);
		bool stop = f->stop;
		pthread_mutex_unlock(&f->lock);
		size_t room = f->cap - out;
		if (stop || room == 0)
			break;
		z.next_out = f->buf + out;
		z.avail_out = (uInt)(room < FLOW_STEP ? room : FLOW_STEP);
		uInt before = z.avail_out;
		int ret = inflate(&z, Z_NO_FLUSH);
		out += before - z.avail_out;
		if (out >= SNIFF_SIZE && out - (before - z.avail_out) < SNIFF_SIZE && one_repeated_byte(f->buf, SNIFF_SIZE))
			break;
		if (ret == Z_STREAM_END) {
			ok = out == f->cap && z.avail_in == 8; /* the trailer, and nothing after it */
			break;
		}
		if (ret != Z_OK)
			break;
		flow_publish(f, out, false, false);
	}
	inflateEnd(&z);
	flow_publish(f, out, true, ok);
	bool crc_ok = ok && crc32_z(crc32_z(0, NULL, 0), f->buf, out) == f->crc;
	pthread_mutex_lock(&f->lock);
	f->checked = true;
	f->crc_ok = crc_ok;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

static size_t le32(const uint8_t *b)
{
	return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

struct inflow *inflow_start(const uint8_t *gz, size_t len, uint64_t min, uint64_t max_inflated)
{
	/*
	 * one member with a plain header (deflate, no flags: as Go writes it),
	 * and a trailer whose size (modulo 4 GiB) the input can give
	 */
	if (len < 18 || len > UINT32_MAX || gz[2] != 8 || gz[3] != 0)
		return NULL;
	size_t size = le32(gz + len - 4);
	if (size == 0 || size < min || size > max_inflated || size / 1032 > len)
		return NULL;
	struct inflow *f = xcalloc(1, sizeof *f);
	f->in = gz;
	f->inlen = len;
	f->cap = size;
	f->crc = (uint32_t)le32(gz + len - 8);
	f->buf = malloc(size); /* a trailer can lie: no memory is no reason to fail */
	if (!f->buf) {
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->moved, NULL);
	if (pthread_create(&f->thread, NULL, flow_run, f) != 0) {
		pthread_mutex_destroy(&f->lock);
		pthread_cond_destroy(&f->moved);
		free(f->buf);
		free(f);
		return NULL;
	}
	return f;
}

const uint8_t *inflow_bytes(const struct inflow *f)
{
	return f->buf;
}

size_t inflow_size(const struct inflow *f)
{
	return f->cap;
}

size_t inflow_wait(struct inflow *f, size_t need, bool *stopped)
{
	pthread_mutex_lock(&f->lock);
	while (f->out < need && !f->stopped)
		pthread_cond_wait(&f->moved, &f->lock);
	size_t out = f->out;
	*stopped = f->stopped;
	pthread_mutex_unlock(&f->lock);
	return out;
}

int inflow_checked(struct inflow *f)
{
	pthread_mutex_lock(&f->lock);
	while (!f->checked)
		pthread_cond_wait(&f->moved, &f->lock);
	bool ok = f->crc_ok;
	pthread_mutex_unlock(&f->lock);
	return ok ? 0 : -1;
}

int inflow_done(struct inflow *f)
{
	bool stopped;
	inflow_wait(f, SIZE_MAX, &stopped);
	return f->ok ? 0 : -1;
}

void inflow_free(struct inflow *f)
{
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->moved);
	free(f->buf);
	free(f);
}

/* decode_flowing decodes gzip bytes as they inflate, when it can; else NULL (and the ordinary path says why). */
static struct profile *decode_flowing(const uint8_t *gz, size_t len, const struct decode_options *o)
{
	struct inflow *f = inflow_start(gz, len, o->flow_min, o->max_inflated);
	if (!f)
		return NULL;
	struct profile *p = decode_proto_flow(f);
	inflow_free(f);
	return p;
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
		return p;
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
		int rc = inflate_all(*buf, len, o->max_inflated, &raw, &rawlen, err, errsize);
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
		if (inflate_all(data, len, o->max_inflated, &raw, &rawlen, err, errsize) < 0)
			return NULL;
		struct profile *p = decode_plain(raw, rawlen, &raw, err, errsize);
		free(raw);
		return p;
	}
	return decode_plain(data, len, NULL, err, errsize);
}
