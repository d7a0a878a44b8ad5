/* Fuzz harness: the whole decode path — gzip, protobuf, legacy formats, validation, conversion. */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a small inflate ceiling keeps decompression bombs cheap */
	struct decode_options o = { 64 << 20, 0, DECODE_DEFAULT_MAX_RATIO };
	char err[512];
	struct profile *p = decode_bytes(data, size, &o, err, sizeof err);
	profile_free(p);
	return 0;
}
