/*
 * flags: the command line, parsed as Go's flag package parses pprof's.
 *
 * Flags come before the profile sources: -x, --x, -x=v, "-x v" for
 * non-boolean flags, -b, -b=true, -b=false for booleans; the first
 * argument that is not a flag (or "--") ends them. Every config option of
 * options.h is a flag; each report command is one too (-top, -list=RE).
 * The parsed result is a struct cli, owned by the caller (cli_free).
 */
#ifndef CPROF_FLAGS_H
#define CPROF_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "commands.h"
#include "options.h"
#include "profile.h"
#include "util.h"

struct cli {
	struct options opt;
	const struct command *cmd; /* NULL: interactive shell */
	char *cmd_arg;             /* the regexp of -list, -peek, -disasm, -weblist */

	char **sources;
	int n_sources;
	char *base;      /* -base (the last one given wins, as in pprof) */
	bool diff_base;  /* base came from -diff_base */

	char *symbolize;
	char *buildid;
	char *add_comment;
	char *tools;
	char *http;
	char *tls_cert, *tls_key, *tls_ca;
	int timeout;
	int seconds;
	bool all_frames;
	bool no_browser;
	bool icicle;
	uint64_t max_inflated;
	char *complete; /* -complete: "" unless the completion scripts ask */
	/* cprof's series of snapshots: -series, -snapshots=N, -interval=D (D as Go durations: 30s, 1m) */
	bool series;
	int snapshots;
	char *interval;
	int64_t interval_nanos;
	unsigned max_ratio; /* the decoder's bound on a gzip's inflate ratio; 0 once -max_inflated is given */

	struct strbuf warnings; /* what pprof prints on standard error while parsing */
};

enum flags_result {
	FLAGS_OK,
	FLAGS_HELP,    /* -h or -help: usage printed, exit 0 */
	FLAGS_VERSION, /* -version: the version line in msg, for standard output, exit 0 */
	FLAGS_USAGE,   /* bad flag: message and usage in msg, exit 2 */
	FLAGS_ERROR,   /* flags parsed but inconsistent: message in msg, exit 2 */
};

/*
 * flags_parse fills cli from argv[1..argc-1]. On FLAGS_HELP and
 * FLAGS_USAGE, msg holds what to print on standard error (usage text
 * included); on FLAGS_ERROR a one-line message.
 */
enum flags_result flags_parse(int argc, char **argv, struct cli *cli, struct strbuf *msg);
void cli_free(struct cli *cli);

/*
 * flags_complete appends what completes -complete=WHAT, one a line, each
 * with a tab and a description after it when there is one. WHAT "flags":
 * every flag, as -name, or -name= when it takes a value. WHAT a flag's
 * name: the values it takes (true and false for a boolean; nothing for
 * free-form ones; for sample_index, p's sample types, or nothing without
 * p). Returns 0, or -1 with a message in err when there is no such flag.
 */
int flags_complete(const char *what, const struct profile *p, struct strbuf *out, char *err, size_t errsize);

/* flags_usage appends pprof's usage text (with "cprof" for "pprof"). */
void flags_usage(struct strbuf *out);

/* usage_commands_and_options appends the "Output formats"/"Commands" and options part of the usage. */
void usage_commands_and_options(struct strbuf *out, bool command_line);

#endif
