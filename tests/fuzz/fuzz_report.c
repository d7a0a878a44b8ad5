/*
 * Fuzz harness: decode, then one report into /dev/null. The first byte
 * of the input picks the report (-top, -traces, -tree, -peek, -raw, -tags,
 * -dot, -callgrind, -proto, -folded, -flame, -memstats, with a few options), the
 * rest is the profile:
 * one report an execution keeps executions fast.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "decode.h"
#include "options.h"
#include "driver.h"

static FILE *devnull;

static void run(const struct profile *p, const char *cmd, const char *name, const char *value)
{
	struct options o;
	options_init(&o);
	char err[512];
	if (name)
		options_set(&o, name, value, err, sizeof err);
	const char *arg = !strcmp(cmd, "list") ? "." : !strcmp(cmd, "peek") ? "a" : NULL;
	struct report_request req = { command_find(cmd), arg, false, NULL, false, NULL, NULL };
	struct strbuf warn = STRBUF_INIT;
	driver_report(p, &o, &req, devnull, &warn, err, sizeof err);
	sb_free(&warn);
	options_free(&o);
}

static const struct {
	const char *cmd, *name, *value;
} reports[] = {
	{ "top", NULL, NULL },
	{ "top", "granularity", "lines" },
	{ "top", "granularity", "addresses" },
	{ "top", "focus", "a" },
	{ "top", "tagroot", "bytes" },
	{ "top", "mean", "true" },
	{ "top", "nodefraction", "0" }, /* nothing trimmed: inline suffixes from every node */
	{ "top", "drop_negative", "true" },
	{ "peek", NULL, NULL },
	{ "traces", NULL, NULL },
	{ "tree", "hide", "b" },
	{ "raw", NULL, NULL },
	{ "tags", NULL, NULL },
	{ "dot", NULL, NULL },
	{ "dot", "call_tree", "true" },
	{ "callgrind", NULL, NULL },
	{ "proto", NULL, NULL },
	{ "topproto", NULL, NULL },
	{ "list", "source_path", "/nonexistent" },
	{ "folded", NULL, NULL },
	{ "folded", "granularity", "lines" },
	{ "flame", NULL, NULL },
	{ "flame", "tagleaf", "bytes" },
	{ "memstats", NULL, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	size_t pick = data[0] % (sizeof reports / sizeof reports[0]);
	struct decode_options o = { .max_inflated = 64 << 20, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	char err[512];
	struct profile *p = decode_bytes(data + 1, size - 1, &o, err, sizeof err);
	if (!p)
		return 0;
	run(p, reports[pick].cmd, reports[pick].name, reports[pick].value);
	profile_free(p);
	return 0;
}
