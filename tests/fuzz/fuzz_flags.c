/*
 * Fuzz harness: the command-line parser, and -complete's answer when the
 * arguments ask for one. The input is split into arguments at NUL bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[65] = { "cprof" };
	int argc = 1;
	for (size_t i = 0, start = 0; i <= size && argc < 64; i++)
		if (i == size || buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	struct cli cli;
	struct strbuf msg = STRBUF_INIT;
	if (flags_parse(argc, argv, &cli, &msg) == FLAGS_OK && cli.complete[0]) {
		struct strbuf out = STRBUF_INIT;
		char err[256];
		flags_complete(cli.complete, NULL, &out, err, sizeof err);
		sb_free(&out);
	}
	sb_free(&msg);
	cli_free(&cli);
	free(buf);
	return 0;
}
