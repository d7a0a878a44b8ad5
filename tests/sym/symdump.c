/*
 * symdump [-fast] BINARY: reads file addresses (hex, one a line) and prints
 * for each what cprof's symbolizer makes of it, one JSON line in the shape
 * of `llvm-symbolizer --inlining -demangle=false --output-style=JSON`
 * (the fields pprof reads), so compare.py can hold the two side by side.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize_int.h"

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	bool fast = argc > 1 && !strcmp(argv[1], "-fast");
	if (argc != 2 + fast) {
		fprintf(stderr, "usage: symdump [-fast] BINARY < addresses\n");
		return 2;
	}
	char err[1024];
	struct binary *b = binary_open(argv[1 + fast], 0, UINT64_MAX, 0, err, sizeof err);
	if (!b) {
		fprintf(stderr, "symdump: %s\n", err);
		return 1;
	}
	struct sym_frames fs = { NULL, 0, 0 };
	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		uint64_t addr = strtoull(line, NULL, 16);
		printf("{\"Address\":\"0x%" PRIx64 "\",\"Symbol\":[", addr);
		if (binary_frames(b, addr, fast, &fs, err, sizeof err) < 0)
			fs.n = 0;
		for (size_t i = 0; i < fs.n; i++) {
			const struct sym_frame *f = &fs.f[i];
			printf("%s{\"Column\":%u,\"FileName\":", i ? "," : "", f->column);
			json_str(f->file);
			printf(",\"FunctionName\":");
			json_str(f->func);
			printf(",\"Line\":%u,\"StartLine\":%u}", f->line, f->start_line);
		}
		printf("]}\n");
	}
	frames_free(&fs);
	binary_close(b);
	return 0;
}
