/*
 * Fuzz harness: a binary as the symbolizer reads it — ELF headers, notes,
 * symbol tables, DWARF units, DIEs, range lists, line tables — asked about
 * a spread of addresses in both modes, for a flat mapping and a PIE-like
 * one. The input goes through a file, since binaries are opened by path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "symbolize_int.h"

static char path[] = "/tmp/cprof-fuzz-symbolize-XXXXXX";
static int fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	static const uint64_t maps[][3] = { { 0, UINT64_MAX, 0 }, { 0x7f0000001000, 0x7f0000003000, 0x1000 } };
	struct sym_frames fs = { NULL, 0, 0 };
	char err[512];
	for (size_t m = 0; m < 2; m++) {
		struct binary *b = binary_open(path, maps[m][0], maps[m][1], maps[m][2], err, sizeof err);
		if (!b)
			continue;
		for (int fast = 0; fast < 2; fast++)
			for (uint64_t a = 0x1000; a < 0x2000; a += 0x3b)
				binary_frames(b, maps[m][0] + a, fast, &fs, err, sizeof err);
		binary_close(b);
	}
	frames_free(&fs);
	return 0;
}
