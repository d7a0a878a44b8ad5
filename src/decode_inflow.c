/*
 * decode_inflow: the inflow of decode_int.h, a gzip member inflating on a
 * thread of its own while decode_proto.c reads the bytes already out.
 */
#include "decode_int.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include "util.h"

/* The inflater lets the reader know of its progress every FLOW_STEP bytes. */
enum { FLOW_STEP = 1 << 20 };

/*
 * The inflater (ISA-L's igzip, as decode_inflate.c's) reads the deflate
 * stream between a plain ten-byte gzip header and the trailer itself,
 * and checks the trailer's CRC after it has published the last byte,
 * while the reader finishes: off the critical path (zlib's CRC took
 * 0.08 s of the 0.52 s zlib took to inflate the bench profile `large`;
 * ISA-L's takes 0.016 s of 0.18 s).
 */
struct inflow {
	const uint8_t *in;
	size_t inlen;
	uint8_t *buf;
	size_t cap;   /* the size the gzip trailer gives */
	uint32_t crc; /* the CRC it gives */
	unsigned max_ratio;
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
	struct inflate_state *s = xmalloc(sizeof *s);
	isal_inflate_init(s); /* raw deflate */
	bool ok = false;
	size_t out = 0;
	s->next_in = (uint8_t *)f->in + 10;
	s->avail_in = (uint32_t)(f->inlen - 10);
	for (;;) {
		pthread_mutex_lock(&f->lock);
		bool stop = f->stop;
		pthread_mutex_unlock(&f->lock);
		size_t room = f->cap - out;
		if (stop || room == 0)
			break;
		s->next_out = f->buf + out;
		s->avail_out = (uint32_t)(room < FLOW_STEP ? room : FLOW_STEP);
		uint32_t before = s->avail_out, before_in = s->avail_in;
		int ret = isal_inflate(s);
		if (ret != ISAL_DECOMP_OK)
			break; /* decode_inflate.c's inflater, run next, says why */
		out += before - s->avail_out;
		if (out >= SNIFF_SIZE && out - (before - s->avail_out) < SNIFF_SIZE && one_repeated_byte(f->buf, SNIFF_SIZE))
			break;
		if (past_ratio(out, f->inlen - 10 - s->avail_in, f->max_ratio))
			break;
		if (s->block_state == ISAL_BLOCK_FINISH) {
			/*
			 * the trailer, and nothing after it (whole bytes ISA-L
			 * read ahead are still its to give back before 2.32)
			 */
			ok = out == f->cap && s->avail_in + s->read_in_length / 8 == 8;
			break;
		}
		if (s->avail_out == before && s->avail_in == before_in)
			break; /* the input ended inside the stream */
		flow_publish(f, out, false, false);
	}
	free(s);
	flow_publish(f, out, true, ok);
	bool crc_ok = ok && crc32_gzip_refl(0, f->buf, out) == f->crc;
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

struct inflow *inflow_start(const uint8_t *gz, size_t len, const struct decode_options *o)
{
	/*
	 * one member with a plain header (deflate, no flags: as Go writes it),
	 * and a trailer whose size (modulo 4 GiB) the input can give
	 */
	if (len < 18 || len > UINT32_MAX || gz[2] != 8 || gz[3] != 0)
		return NULL;
	size_t size = le32(gz + len - 4);
	if (size == 0 || size < o->flow_min || size > o->max_inflated || size / 1032 > len ||
	    past_ratio(size, len, o->max_ratio))
		return NULL;
	struct inflow *f = xcalloc(1, sizeof *f);
	f->in = gz;
	f->inlen = len;
	f->cap = size;
	f->crc = (uint32_t)le32(gz + len - 8);
	f->max_ratio = o->max_ratio;
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
