/* Fuzz harness: the C++/Rust demangler with each of pprof's option sets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	static const unsigned opts[] = {
		DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS | DEMANGLE_NO_TEMPLATE_PARAMS,
		DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS,
		DEMANGLE_NO_CLONES,
	};
	for (size_t i = 0; i < 3; i++)
		free(demangle_filter(s, opts[i]));
	free(s);
	return 0;
}
