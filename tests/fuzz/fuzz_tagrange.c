/* Fuzz harness: numeric tag ranges and -tagfocus values (ranges or comma-separated regexps). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tagrange.h"
#include "transform.h"

static const char *unit(const void *ctx, const char *key)
{
	(void)ctx;
	return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct tag_range r;
	if (tag_range_parse(s, &r)) {
		tag_range_match(&r, 1024, "bytes");
		tag_range_match(&r, -5, "");
	}
	bool range;
	char err[256];
	tag_filter_free(tag_filter_compile(s, unit, NULL, &range, err, sizeof err));
	free(s);
	return 0;
}
