/*
 * Fuzz harness: decode, then the report pipeline (-top, -traces, -tree,
 * -raw, -dot, each with a few filters) into /dev/null.
 */
#include <stdio.h>

#include "commands.h"
#include "decode.h"
#include "options.h"
#include "report.h"

static FILE *devnull;

static void run(const struct profile *p, const char *cmd, const char *name, const char *value)
{
	struct options o;
	options_init(&o);
	char err[512];
	if (name)
		options_set(&o, name, value, err, sizeof err);
	struct report_request req = { command_find(cmd), NULL, false };
	struct strbuf warn = STRBUF_INIT;
	report_run(p, &o, &req, devnull, &warn, err, sizeof err);
	sb_free(&warn);
	options_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct decode_options o = { 64 << 20 };
	char err[512];
	struct profile *p = decode_bytes(data, size, &o, err, sizeof err);
	if (!p)
		return 0;
	run(p, "top", NULL, NULL);
	run(p, "top", "granularity", "lines");
	run(p, "top", "focus", "a");
	run(p, "top", "tagroot", "bytes");
	run(p, "traces", NULL, NULL);
	run(p, "tree", "hide", "b");
	run(p, "raw", NULL, NULL);
	run(p, "tags", NULL, NULL);
	run(p, "dot", NULL, NULL);
	run(p, "dot", "call_tree", "true");
	run(p, "callgrind", NULL, NULL);
	profile_free(p);
	return 0;
}
