#include "decode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_int.h"
#include "util.h"

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
static struct profile *decode_plain(const uint8_t *data, size_t len, uint8_t **owner, const struct decode_options *o,
				    char *err, size_t errsize)
{
	if (len == 0) {
		snprintf(err, errsize, "parsing profile: empty input file");
		return NULL;
	}
	char perr[256];
	struct profile *p = decode_proto(data, len, owner, o, perr, sizeof perr);
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
			reuse_free(*buf);
			*buf = NULL;
			return p;
		}
		uint8_t *raw;
		size_t rawlen;
		int rc = inflate_gzip(*buf, len, o, &raw, &rawlen, err, errsize);
		reuse_free(*buf);
		*buf = NULL;
		if (rc < 0)
			return NULL;
		*buf = raw;
		len = rawlen;
	}
	return decode_plain(*buf, len, buf, o, err, errsize);
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
		if (inflate_gzip(data, len, o, &raw, &rawlen, err, errsize) < 0)
			return NULL;
		struct profile *p = decode_plain(raw, rawlen, &raw, o, err, errsize);
		free(raw);
		return p;
	}
	return decode_plain(data, len, NULL, o, err, errsize);
}
