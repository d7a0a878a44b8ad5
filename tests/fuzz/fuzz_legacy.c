/* Fuzz harness: the legacy text and binary parsers, without the protobuf attempt in front. */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct profile *p = decode_legacy(data, size, err, sizeof err);
	profile_free(p);
	return 0;
}
