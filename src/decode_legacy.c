#include <stdio.h>

#include "decode.h"

struct profile *decode_legacy(const uint8_t *data, size_t len, char *err, size_t errsize)
{
	(void)data;
	(void)len;
	snprintf(err, errsize, "unrecognized profile format");
	return NULL;
}
