/*
 * Differential fuzz harness: cprof's inflaters against zlib, as cprof
 * read gzip before ISA-L (inflate_gzip_zlib, kept unchanged as the
 * fallback). The input is a gzip stream; a finding is any of
 *  - ISA-L alone (inflate_gzip_isal) inflating what zlib refuses, or
 *    other bytes than zlib;
 *  - ISA-L declining a stream zlib reads (harmless to the result, which
 *    zlib then gives, but every such profile would be read at zlib's
 *    speed);
 *  - inflate_gzip, what cprof runs, giving other bytes than ISA-L where
 *    ISA-L reads the stream, else other bytes or other words than zlib;
 *  - the inflow (decode_inflow.c, a single member inflating on a thread)
 *    reporting a clean stream and a right CRC where zlib fails, or other
 *    bytes than zlib.
 * One difference is known and let through: ISA-L takes Huffman codes
 * that leave codes unused, which zlib refuses (zlib's messages for
 * them below); a stream with one is only read when its CRC holds.
 * The inflated-size ceiling is low (4 MiB, or three times the input for
 * a third of the inputs, so that ordinary profiles meet it mid-stream).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_int.h"

#define FAIL(...)                                      \
	do {                                           \
		fprintf(stderr, "fuzz_inflate: " __VA_ARGS__); \
		fputc('\n', stderr);                   \
		abort();                               \
	} while (0)

struct result {
	int rc;
	uint8_t *out;
	size_t len;
	char err[512];
};

static bool same_bytes(const struct result *a, const struct result *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->out, b->out, a->len) == 0);
}

/* zlib_stricter: zlib refused the stream for a Huffman code ISA-L takes (see above). */
static bool zlib_stricter(const struct result *z)
{
	static const char *const msgs[] = { "invalid code lengths set", "invalid literal/lengths set",
					    "invalid distances set" };
	for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++)
		if (z->rc != 0 && strstr(z->err, msgs[i]))
			return true;
	return false;
}

/* check_inflow: when the inflow says it read the whole stream and its CRC, zlib read the same bytes. */
static void check_inflow(const uint8_t *data, size_t size, const struct decode_options *o, const struct result *z)
{
	struct inflow *f = inflow_start(data, size, o);
	if (!f)
		return;
	bool stopped;
	size_t out = inflow_wait(f, SIZE_MAX, &stopped);
	if (inflow_done(f) == 0 && inflow_checked(f) == 0 && !zlib_stricter(z)) {
		if (z->rc != 0)
			FAIL("the inflow read a stream zlib refuses (%s)", z->err);
		if (out != z->len || out != inflow_size(f) || memcmp(inflow_bytes(f), z->out, out) != 0)
			FAIL("the inflow gave %zu bytes, zlib %zu, or other ones", out, z->len);
	}
	inflow_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_options o = { .max_inflated = size % 3 == 0 ? 3 * (uint64_t)size : 4 << 20, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct result z = { 0 }, isal = { 0 }, both = { 0 };
	z.rc = inflate_gzip_zlib(data, size, &o, &z.out, &z.len, z.err, sizeof z.err);
	isal.rc = inflate_gzip_isal(data, size, &o, &isal.out, &isal.len);
	both.rc = inflate_gzip(data, size, &o, &both.out, &both.len, both.err, sizeof both.err);

	if (isal.rc == 0 && z.rc != 0 && !zlib_stricter(&z))
		FAIL("ISA-L read a stream zlib refuses (%s)", z.err);
	if (isal.rc == 0 && z.rc == 0 && !same_bytes(&isal, &z))
		FAIL("ISA-L gave %zu bytes, zlib %zu, or other ones", isal.len, z.len);
	if (isal.rc != 0 && z.rc == 0)
		FAIL("ISA-L declined a stream zlib reads (%zu bytes)", z.len);
	const struct result *want = isal.rc == 0 ? &isal : &z;
	if (both.rc != want->rc || (both.rc == 0 && !same_bytes(&both, want)) ||
	    (both.rc != 0 && strcmp(both.err, want->err) != 0))
		FAIL("inflate_gzip gave %s, %s %s", both.rc ? both.err : "bytes", want == &isal ? "ISA-L" : "zlib",
		     want->rc ? want->err : "bytes");
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		check_inflow(data, size, &o, &z);

	if (z.rc == 0)
		free(z.out);
	if (isal.rc == 0)
		free(isal.out);
	if (both.rc == 0)
		free(both.out);
	return 0;
}
