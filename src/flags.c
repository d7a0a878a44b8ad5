#include "flags.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "gofmt.h"
#include "units.h"

enum flag_kind { F_BOOL, F_INT, F_UINT64, F_FLOAT, F_STRING };

/* A flag the command line knows, and where its value goes. */
struct flag {
	const char *name;
	enum flag_kind kind;
	void *dst;
	const char *help; /* what it does: a line, or the first line of several */
	bool set;         /* given on the command line */
};

struct flagset {
	struct flag *flags;
	size_t n, cap;
};

static void add_flag(struct flagset *fs, const char *name, enum flag_kind kind, void *dst, const char *help)
{
	GROW(fs->flags, fs->cap, fs->n + 1);
	fs->flags[fs->n++] = (struct flag){ name, kind, dst, help, false };
}

static struct flag *lookup(struct flagset *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->flags[i].name, name))
			return &fs->flags[i];
	return NULL;
}

/* Go's strconv.ParseInt(s, 0, 64): a sign, then decimal, 0x, 0o, 0b or leading-0 octal. */
static int parse_go_int(const char *s, long long *out)
{
	const char *p = s;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (*p == '\0' || *p == '+' || *p == '-' || isspace((unsigned char)*p))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, base);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	if (!neg && v > (unsigned long long)INT64_MAX)
		return -1;
	if (neg && v > (unsigned long long)INT64_MAX + 1)
		return -1;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

static int set_flag(struct flag *f, const char *value, struct strbuf *msg)
{
	switch (f->kind) {
	case F_BOOL:
		if (go_parse_bool(value, f->dst) < 0) {
			sb_addf(msg, "invalid boolean value \"%s\" for -%s: parse error\n", value, f->name);
			return -1;
		}
		return 0;
	case F_INT: {
		long long v;
		if (parse_go_int(value, &v) < 0 || v > 0x7fffffffLL || v < -0x7fffffffLL - 1) {
			sb_addf(msg, "invalid value \"%s\" for flag -%s: parse error\n", value, f->name);
			return -1;
		}
		*(int *)f->dst = (int)v;
		return 0;
	}
	case F_UINT64: {
		long long v;
		if (parse_go_int(value, &v) < 0 || v < 0) {
			sb_addf(msg, "invalid value \"%s\" for flag -%s: parse error\n", value, f->name);
			return -1;
		}
		*(uint64_t *)f->dst = (uint64_t)v;
		return 0;
	}
	case F_FLOAT: {
		char *end;
		double v = strtod(value, &end);
		if (value[0] == '\0' || *end != '\0' || isspace((unsigned char)value[0])) {
			sb_addf(msg, "invalid value \"%s\" for flag -%s: parse error\n", value, f->name);
			return -1;
		}
		*(double *)f->dst = v;
		return 0;
	}
	case F_STRING: {
		char **s = f->dst;
		free(*s);
		*s = xstrdup(value);
		return 0;
	}
	}
	return -1;
}

/* Values of the flags that are not config options, before they reach struct cli. */
struct raw_flags {
	char *base, *diff_base;
	bool sample_shortcut[7];
	bool choice[7]; /* cum flat functions filefunctions files lines addresses */
	bool cmd_bool[32];
	char *cmd_param[32];
	bool version;
};

static const char *const shortcut_flags[7] = { "total_delay", "mean_delay",    "contentions",  "inuse_space",
					       "inuse_objects", "alloc_space", "alloc_objects" };
static const char *const shortcut_index[7] = { "delay", "delay", "contentions", "inuse_space",
					       "inuse_objects", "alloc_space", "alloc_objects" };
static const char *const shortcut_help[7] = {
	"Display total delay at each region",
	"Display mean delay at each region",
	"Display number of delays at each region",
	"Display in-use memory size",
	"Display in-use object counts",
	"Display allocated memory size",
	"Display allocated object counts",
};

/* -symbolize's modes, which ':' joins; pprof's usage lists the first USAGE_MODES. */
enum { USAGE_MODES = 5 };
static const struct {
	const char *name, *help;
} symbolize_modes[] = {
	{ "none", "Do not attempt symbolization" },
	{ "local", "Examine only local binaries" },
	{ "fastlocal", "Only get function names from local binaries" },
	{ "remote", "Do not examine local binaries" },
	{ "force", "Force re-symbolization" },
	{ "demangle=none", "Do not demangle: show mangled names" },
	{ "demangle=full", "Demangle, but do not simplify names" },
	{ "demangle=templates", "Demangle and drop parameters, but keep template parameters" },
	{ "demangle=default", "Demangle and simplify names" },
};

static void register_flags(struct flagset *fs, struct cli *cli, struct raw_flags *rf)
{
	add_flag(fs, "diff_base", F_STRING, &rf->diff_base, "Source of base profile for comparison");
	add_flag(fs, "base", F_STRING, &rf->base, "Source of base profile for profile subtraction");
	add_flag(fs, "symbolize", F_STRING, &cli->symbolize, "Options for profile symbolization");
	add_flag(fs, "buildid", F_STRING, &cli->buildid, "Override build id for first mapping");
	add_flag(fs, "timeout", F_INT, &cli->timeout, "Timeout in seconds for fetching a profile");
	add_flag(fs, "add_comment", F_STRING, &cli->add_comment, "Free-form annotation to add to the profile");
	add_flag(fs, "all_frames", F_BOOL, &cli->all_frames, "Ignore drop_frames and keep_frames regexps");
	add_flag(fs, "seconds", F_INT, &cli->seconds, "Length of time for dynamic profiles");
	add_flag(fs, "tls_cert", F_STRING, &cli->tls_cert, "TLS client certificate file for fetching profile and symbols");
	add_flag(fs, "tls_key", F_STRING, &cli->tls_key, "TLS private key file for fetching profile and symbols");
	add_flag(fs, "tls_ca", F_STRING, &cli->tls_ca, "TLS CA certs file for fetching profile and symbols");
	for (int i = 0; i < 7; i++)
		add_flag(fs, shortcut_flags[i], F_BOOL, &rf->sample_shortcut[i], shortcut_help[i]);
	add_flag(fs, "tools", F_STRING, &cli->tools, "Path for object tool pathnames");
	add_flag(fs, "http", F_STRING, &cli->http, "Present interactive web UI at the specified http host:port");
	add_flag(fs, "no_browser", F_BOOL, &cli->no_browser, "Skip opening a browser for the interactive web UI");
	add_flag(fs, "icicle", F_BOOL, &cli->icicle, "-flame draws the root at the top");
	add_flag(fs, "max_inflated", F_UINT64, &cli->max_inflated, "Largest inflated size of a gzip profile, in bytes");
	add_flag(fs, "complete", F_STRING, &cli->complete, "List the values of a flag, for shell completion");
	add_flag(fs, "version", F_BOOL, &rf->version, "Print cprof's version and the pprof its output follows");
	add_flag(fs, "series", F_BOOL, &cli->series, "Read the sources as snapshots over time: growth, leak suspects (cprof)");
	add_flag(fs, "snapshots", F_INT, &cli->snapshots, "Fetch a URL source this many times, for -series (cprof)");
	add_flag(fs, "interval", F_STRING, &cli->interval, "Time between -snapshots, as 30s or 1m (cprof)");

	int nchoice = 0;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		void *dst = (char *)&cli->opt + f->offset;
		if (f->choices) {
			for (const char *const *c = f->choices; *c; c++)
				add_flag(fs, *c, F_BOOL, &rf->choice[nchoice++], option_help(*c));
			continue;
		}
		static const enum flag_kind kinds[] = { [OPT_BOOL] = F_BOOL, [OPT_INT] = F_INT,
							[OPT_FLOAT] = F_FLOAT, [OPT_STRING] = F_STRING };
		add_flag(fs, f->name, kinds[f->type], dst, f->help);
	}
	for (size_t i = 0; i < n_commands; i++) {
		const struct command *c = &commands[i];
		if (c->has_param)
			add_flag(fs, c->name, F_STRING, &rf->cmd_param[i], c->description);
		else
			add_flag(fs, c->name, F_BOOL, &rf->cmd_bool[i], c->description);
	}
}

/* parse_args walks argv as Go's flag.Parse does; returns the index of the first source. */
static enum flags_result parse_args(struct flagset *fs, int argc, char **argv, int *first, struct strbuf *msg)
{
	int i = 1;
	while (i < argc) {
		const char *s = argv[i];
		if (s[0] != '-' || s[1] == '\0')
			break;
		int dashes = 1;
		if (s[1] == '-') {
			dashes = 2;
			if (s[2] == '\0') {
				i++;
				break;
			}
		}
		const char *name = s + dashes;
		if (name[0] == '\0' || name[0] == '-' || name[0] == '=') {
			sb_addf(msg, "bad flag syntax: %s\n", s);
			return FLAGS_USAGE;
		}
		i++;
		const char *eq = strchr(name, '=');
		char *fname = eq ? xstrndup(name, (size_t)(eq - name)) : xstrdup(name);
		struct flag *f = lookup(fs, fname);
		if (!f) {
			enum flags_result r = FLAGS_USAGE;
			if (!strcmp(fname, "help") || !strcmp(fname, "h"))
				r = FLAGS_HELP;
			else
				sb_addf(msg, "flag provided but not defined: -%s\n", fname);
			free(fname);
			return r;
		}
		free(fname);
		const char *value = eq ? eq + 1 : NULL;
		if (f->kind == F_BOOL && !value) {
			*(bool *)f->dst = true;
		} else {
			if (!value) {
				if (i >= argc) {
					sb_addf(msg, "flag needs an argument: -%s\n", f->name);
					return FLAGS_USAGE;
				}
				value = argv[i++];
			}
			if (set_flag(f, value, msg) < 0)
				return FLAGS_USAGE;
		}
		f->set = true;
	}
	*first = i;
	return FLAGS_OK;
}

static enum flags_result apply_choices(struct cli *cli, const struct raw_flags *rf, struct strbuf *msg)
{
	int nchoice = 0;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (!f->choices)
			continue;
		const char *set[8];
		int nset = 0;
		for (const char *const *c = f->choices; *c; c++)
			if (rf->choice[nchoice++])
				set[nset++] = *c;
		if (nset == 1) {
			char err[128];
			options_set(&cli->opt, f->name, set[0], err, sizeof err);
		} else if (nset > 1) {
			sb_adds(msg, "conflicting options set: [");
			for (int j = 0; j < nset; j++)
				sb_addf(msg, "%s%s", j ? " " : "", set[j]);
			sb_adds(msg, "]");
			return FLAGS_ERROR;
		}
	}
	return FLAGS_OK;
}

/* series_flags checks -series, -snapshots and -interval (cprof's own) against each other and the rest. */
static enum flags_result series_flags(struct cli *cli, bool interval_set, struct strbuf *msg)
{
	char err[256];
	if (cli->snapshots < 0 || cli->snapshots == 1) {
		sb_addf(msg, "-snapshots=%d: a series needs two snapshots or more", cli->snapshots);
		return FLAGS_ERROR;
	}
	if (interval_set && !cli->snapshots) {
		sb_adds(msg, "-interval only makes sense with -snapshots");
		return FLAGS_ERROR;
	}
	if (go_parse_duration(cli->interval, &cli->interval_nanos, err, sizeof err) < 0) {
		sb_addf(msg, "-interval: %s", err);
		return FLAGS_ERROR;
	}
	if (cli->interval_nanos <= 0) {
		sb_addf(msg, "-interval=%s: the time between snapshots must be positive", cli->interval);
		return FLAGS_ERROR;
	}
	if (cli->snapshots) {
		cli->series = true;
		if (cli->n_sources != 1) {
			sb_adds(msg, "-snapshots takes one source, the URL to fetch");
			return FLAGS_ERROR;
		}
	}
	if (cli->series && cli->base) {
		sb_addf(msg, "-series and -%s cannot both be specified: a series compares its own snapshots",
			cli->diff_base ? "diff_base" : "base");
		return FLAGS_ERROR;
	}
	return FLAGS_OK;
}

enum flags_result flags_parse(int argc, char **argv, struct cli *cli, struct strbuf *msg)
{
	memset(cli, 0, sizeof *cli);
	options_init(&cli->opt);
	cli->symbolize = xstrdup("");
	cli->buildid = xstrdup("");
	cli->add_comment = xstrdup("");
	const char *tools = getenv("PPROF_TOOLS");
	cli->tools = xstrdup(tools ? tools : "");
	cli->http = xstrdup("");
	cli->tls_cert = xstrdup("");
	cli->tls_key = xstrdup("");
	cli->tls_ca = xstrdup("");
	cli->complete = xstrdup("");
	cli->interval = xstrdup("30s");
	cli->timeout = -1;
	cli->seconds = -1;
	cli->max_inflated = DECODE_DEFAULT_MAX_INFLATED;
	cli->max_ratio = DECODE_DEFAULT_MAX_RATIO;

	struct raw_flags rf;
	memset(&rf, 0, sizeof rf);
	rf.base = xstrdup("");
	rf.diff_base = xstrdup("");
	for (size_t i = 0; i < n_commands; i++)
		rf.cmd_param[i] = xstrdup("");

	struct flagset fs = { 0 };
	register_flags(&fs, cli, &rf);
	int first = argc;
	enum flags_result r = parse_args(&fs, argc, argv, &first, msg);
	if (r == FLAGS_OK && rf.version)
		r = FLAGS_VERSION;
	if (r == FLAGS_VERSION) {
		/* pprof has no releases: say which state of it the output follows. */
		sb_addf(msg, "cprof %s (pprof-compatible output: %s)\n", CPROF_VERSION, CPROF_PPROF_FOLLOWED);
		goto out;
	}
	/* a size given is a size meant: a highly compressible profile is read up to it */
	if (lookup(&fs, "max_inflated")->set)
		cli->max_ratio = 0;
	/* -complete goes without sources: the completion scripts pass what is typed, if any */
	if (r == FLAGS_OK && first >= argc && !cli->complete[0]) {
		r = FLAGS_USAGE;
		sb_adds(msg, "no profile source specified\n");
	}
	if (r == FLAGS_HELP || r == FLAGS_USAGE) {
		struct strbuf usage = STRBUF_INIT;
		flags_usage(&usage);
		if (r == FLAGS_USAGE && !strcmp(sb_cstr(msg), "no profile source specified\n")) {
			/* pprof prints the usage, then the error. */
			struct strbuf m = STRBUF_INIT;
			sb_addf(&m, "%s\ncprof: no profile source specified\n", sb_cstr(&usage));
			sb_free(msg);
			*msg = m;
		} else {
			sb_addf(msg, "%s\n", sb_cstr(&usage));
		}
		sb_free(&usage);
		goto out;
	}

	cli->n_sources = argc - first;
	cli->sources = xcalloc((size_t)cli->n_sources + 1, sizeof *cli->sources);
	for (int i = 0; i < cli->n_sources; i++)
		cli->sources[i] = xstrdup(argv[first + i]);
	if (cli->complete[0])
		goto out;

	r = apply_choices(cli, &rf, msg);
	if (r != FLAGS_OK)
		goto out;

	for (size_t i = 0; i < n_commands; i++) {
		bool on = commands[i].has_param ? rf.cmd_param[i][0] != '\0' : rf.cmd_bool[i];
		if (!on)
			continue;
		if (cli->cmd) {
			sb_adds(msg, "must set at most one output format");
			r = FLAGS_ERROR;
			goto out;
		}
		cli->cmd = &commands[i];
		if (commands[i].has_param)
			cli->cmd_arg = xstrdup(rf.cmd_param[i]);
	}
	if (cli->cmd && cli->http[0]) {
		sb_adds(msg, "-http is not compatible with an output format on the command line");
		r = FLAGS_ERROR;
		goto out;
	}
	if (cli->no_browser && !cli->http[0]) {
		sb_adds(msg, "-no_browser only makes sense with -http");
		r = FLAGS_ERROR;
		goto out;
	}

	for (int i = 0; i < 7; i++) {
		if (!rf.sample_shortcut[i])
			continue;
		if (cli->opt.sample_index[0] == '\0') {
			free(cli->opt.sample_index);
			cli->opt.sample_index = xstrdup(shortcut_index[i]);
		} else {
			sb_addf(&cli->warnings, "Multiple value selections, ignoring -%s\n", shortcut_flags[i]);
		}
	}
	if (rf.sample_shortcut[1])
		cli->opt.mean = true;

	if (rf.base[0] && rf.diff_base[0]) {
		sb_adds(msg, "-base and -diff_base flags cannot both be specified");
		r = FLAGS_ERROR;
		goto out;
	}
	if (rf.diff_base[0]) {
		cli->base = xstrdup(rf.diff_base);
		cli->diff_base = true;
	} else if (rf.base[0]) {
		cli->base = xstrdup(rf.base);
	}
	if (cli->opt.normalize && !cli->base) {
		sb_adds(msg, "must have base profile to normalize by");
		r = FLAGS_ERROR;
		goto out;
	}
	r = series_flags(cli, lookup(&fs, "interval")->set, msg);
out:
	free(fs.flags);
	free(rf.base);
	free(rf.diff_base);
	for (size_t i = 0; i < n_commands; i++)
		free(rf.cmd_param[i]);
	return r;
}

void cli_free(struct cli *cli)
{
	options_free(&cli->opt);
	free(cli->cmd_arg);
	for (int i = 0; i < cli->n_sources; i++)
		free(cli->sources[i]);
	free(cli->sources);
	free(cli->base);
	free(cli->symbolize);
	free(cli->buildid);
	free(cli->add_comment);
	free(cli->tools);
	free(cli->http);
	free(cli->tls_cert);
	free(cli->tls_key);
	free(cli->tls_ca);
	free(cli->complete);
	free(cli->interval);
	sb_free(&cli->warnings);
	memset(cli, 0, sizeof *cli);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_flag(const void *a, const void *b)
{
	return strcmp(((const struct flag *)a)->name, ((const struct flag *)b)->name);
}

/* complete_line appends a completion line: "value", a tab and the first line of help when there is one. */
static void complete_line(struct strbuf *out, const char *value, const char *help)
{
	sb_adds(out, value);
	if (help[0])
		sb_addf(out, "\t%.*s", (int)strcspn(help, "\n"), help);
	sb_addc(out, '\n');
}

static void complete_values(const struct flag *f, const struct profile *p, struct strbuf *out)
{
	if (!strcmp(f->name, "sample_index")) {
		for (size_t i = 0; p && i < p->n_sample_type; i++)
			sb_addf(out, "%s\tindex %zu, %s\n", p->sample_type[i].type, i, p->sample_type[i].unit);
	} else if (!strcmp(f->name, "unit")) {
		const char *name, *about;
		for (size_t i = 0; (name = units_name(i, &about)); i++)
			complete_line(out, name, about);
	} else if (!strcmp(f->name, "symbolize")) {
		for (size_t i = 0; i < sizeof symbolize_modes / sizeof symbolize_modes[0]; i++)
			complete_line(out, symbolize_modes[i].name, symbolize_modes[i].help);
	} else if (f->kind == F_BOOL) {
		complete_line(out, "true", "");
		complete_line(out, "false", "");
	}
}

int flags_complete(const char *what, const struct profile *p, struct strbuf *out, char *err, size_t errsize)
{
	struct cli cli;
	struct raw_flags rf;
	struct flagset fs = { 0 };
	register_flags(&fs, &cli, &rf);
	qsort(fs.flags, fs.n, sizeof *fs.flags, cmp_flag);
	const struct flag *f = lookup(&fs, what);
	int rc = 0;
	if (!strcmp(what, "flags")) {
		struct strbuf flag = STRBUF_INIT;
		for (size_t i = 0; i < fs.n; i++) {
			/* "-name=": the flag takes a value */
			sb_reset(&flag);
			sb_addf(&flag, "-%s%s", fs.flags[i].name, fs.flags[i].kind == F_BOOL ? "" : "=");
			complete_line(out, sb_cstr(&flag), fs.flags[i].help);
		}
		sb_free(&flag);
	} else if (f) {
		complete_values(f, p, out);
	} else {
		snprintf(err, errsize, "-complete: no flag -%s", what);
		rc = -1;
	}
	free(fs.flags);
	return rc;
}

/* help_line formats one "    -name  description" line as pprof's fmtHelp does. */
static char *help_line(const char *prefix, const char *name, const char *desc)
{
	struct strbuf b = STRBUF_INIT;
	struct strbuf n = STRBUF_INIT;
	sb_addf(&n, "%s%s", prefix, name);
	size_t dlen = strcspn(desc, "\n");
	sb_addf(&b, "    %-16s %.*s", sb_cstr(&n), (int)dlen, desc);
	sb_free(&n);
	return b.s ? b.s : xstrdup("");
}

void usage_commands_and_options(struct strbuf *out, bool command_line)
{
	const char *prefix = command_line ? "-" : "";
	char **lines = xcalloc(n_commands + 2, sizeof *lines);
	size_t n = 0;
	for (size_t i = 0; i < n_commands; i++)
		lines[n++] = help_line(prefix, commands[i].name, commands[i].description);
	qsort(lines, n, sizeof *lines, cmp_str);
	if (command_line) {
		sb_adds(out, "  Output formats (select at most one):\n");
	} else {
		sb_adds(out, "  Commands:\n");
		lines[n++] = help_line("", "o/options", "List options and their current values");
		lines[n++] = help_line("", "q/quit/exit/^D", "Exit pprof");
	}
	for (size_t i = 0; i < n; i++) {
		sb_addf(out, "%s%s", i ? "\n" : "", lines[i]);
		free(lines[i]);
	}
	free(lines);
	sb_adds(out, "\n\n  Options:\n");

	char **vars = xcalloc(n_option_fields, sizeof *vars);
	char **groups = xcalloc(n_option_fields, sizeof *groups);
	size_t nv = 0, ng = 0;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (!f->choices) {
			vars[nv++] = help_line(prefix, f->name, f->help);
			continue;
		}
		struct strbuf g = STRBUF_INIT;
		char *l = help_line("", f->name, "");
		sb_adds(&g, l);
		free(l);
		for (const char *const *c = f->choices; *c; c++) {
			l = help_line(prefix, *c, option_help(*c));
			sb_addf(&g, "\n  %s", l);
			free(l);
		}
		groups[ng++] = g.s;
	}
	qsort(vars, nv, sizeof *vars, cmp_str);
	qsort(groups, ng, sizeof *groups, cmp_str);
	for (size_t i = 0; i < nv; i++) {
		sb_addf(out, "%s%s", i ? "\n" : "", vars[i]);
		free(vars[i]);
	}
	sb_adds(out, "\n\n  Option groups (only set one per group):\n");
	for (size_t i = 0; i < ng; i++) {
		sb_addf(out, "%s%s", i ? "\n" : "", groups[i]);
		free(groups[i]);
	}
	free(vars);
	free(groups);
}

void flags_usage(struct strbuf *out)
{
	sb_adds(out, "usage:\n"
		     "\n"
		     "Produce output in the specified format.\n"
		     "\n"
		     "   cprof <format> [options] [binary] <source> ...\n"
		     "\n"
		     "Omit the format to get an interactive shell whose commands can be used\n"
		     "to generate various views of a profile\n"
		     "\n"
		     "   cprof [options] [binary] <source> ...\n"
		     "\n"
		     "Omit the format and provide the \"-http\" flag to get an interactive web\n"
		     "interface at the specified host:port that can be used to navigate through\n"
		     "various views of a profile.\n"
		     "\n"
		     "   cprof -http [host]:[port] [options] [binary] <source> ...\n"
		     "\n"
		     "Details:\n");
	usage_commands_and_options(out, true);
	sb_adds(out, "\n\n"
		     "  Source options:\n"
		     "    -seconds              Duration for time-based profile collection\n"
		     "    -timeout              Timeout in seconds for profile collection\n"
		     "    -buildid              Override build id for main binary\n"
		     "    -add_comment          Free-form annotation to add to the profile\n"
		     "                          Displayed on some reports or with pprof -comments\n"
		     "    -diff_base source     Source of base profile for comparison\n"
		     "    -base source          Source of base profile for profile subtraction\n"
		     "    profile.pb.gz         Profile in compressed protobuf format\n"
		     "    legacy_profile        Profile in legacy pprof format\n"
		     "    http://host/profile   URL for profile handler to retrieve\n"
		     "    -symbolize=           Controls source of symbol information\n");
	for (size_t i = 0; i < USAGE_MODES; i++)
		sb_addf(out, "      %-22s%s\n", symbolize_modes[i].name, symbolize_modes[i].help);
	sb_adds(out, "    Binary                  Local path or build id of binary for symbolization\n"
		     "    -tls_cert             TLS client certificate file for fetching profile and symbols\n"
		     "    -tls_key              TLS private key file for fetching profile and symbols\n"
		     "    -tls_ca               TLS CA certs file for fetching profile and symbols\n"
		     "    -max_inflated         Largest inflated size of a gzip profile, in bytes\n"
		     "                          (default 2147483648, and past 16 MB no more than\n"
		     "                          100 times the compressed size: given, only this)\n"
		     "\n\n"
		     "  Misc options:\n"
		     "   -http              Provide web interface at host:port.\n"
		     "                      Host is optional and 'localhost' by default.\n"
		     "                      Port is optional and a randomly available port by default.\n"
		     "                      pprof's views and URLs (/ui/flamegraph, graph, top, peek,\n"
		     "                      source, disasm; its query parameters), until Ctrl-C;\n"
		     "                      saved configs in $XDG_CONFIG_HOME/pprof/settings.json.\n"
		     "   -no_browser        Skip opening a browser for the interactive web UI.\n"
		     "   -tools             Search path for object tools\n"
		     "   -all_frames        Ignore drop_frames and keep_frames regexps in the profile\n"
		     "                      Rarely needed, mainly used for debugging pprof itself\n"
		     "   -version           Print cprof's version and the pprof its output follows\n"
		     "   -complete          List the values flag WHAT takes (for WHAT=flags: the flags),\n"
		     "                      one a line, for shell completion; sample_index reads them\n"
		     "                      from the profiles given\n"
		     "\n"
		     "  Memory over time (cprof's own: pprof has none of these):\n"
		     "   -series            Read the sources as snapshots of one program over time,\n"
		     "                      ordered by their times: the functions whose value grows\n"
		     "                      (the selected sample index; goroutine profiles: stacks),\n"
		     "                      as a table with a growth rate per minute, under a ranked\n"
		     "                      list of leak suspects. -svg draws it as a line chart,\n"
		     "                      -flame compares the last snapshot with the first, and\n"
		     "                      -memstats shows runtime.MemStats over time.\n"
		     "   -snapshots         With a URL source: fetch it this many times, each saved\n"
		     "                      in $PPROF_TMPDIR as pprof saves a fetch, then -series them.\n"
		     "                      Ctrl-C stops early and keeps what was taken.\n"
		     "   -interval          Time between snapshots, as Go writes durations (30s, 1m30s);\n"
		     "                      default 30s\n"
		     "   -memstats          Explain a Go heap's runtime.MemStats next to the sampled\n"
		     "                      heap (a proto heap fetched over HTTP gets them from ?debug=1)\n"
		     "\n"
		     "  cprof's own outputs (pprof has none of these):\n"
		     "   -flame             A flame graph: one SVG file, interactive in a browser.\n"
		     "                      With -base or -diff_base, boxes are as wide as the new\n"
		     "                      profile and coloured by change (red grows, blue shrinks).\n"
		     "   -icicle            -flame draws the root at the top, as pprof's web view does.\n"
		     "   -folded            Folded stacks for flamegraph.pl or speedscope: a line per\n"
		     "                      stack, frames from the root joined by ';', and the sum of\n"
		     "                      the selected sample index in its unit (-mean: each sample\n"
		     "                      divided by its count first; -divide_by and -unit do not\n"
		     "                      apply). In names, ';' becomes ':' and line breaks spaces.\n"
		     "\n"
		     "  Legacy convenience options:\n"
		     "   -inuse_space           Same as -sample_index=inuse_space\n"
		     "   -inuse_objects         Same as -sample_index=inuse_objects\n"
		     "   -alloc_space           Same as -sample_index=alloc_space\n"
		     "   -alloc_objects         Same as -sample_index=alloc_objects\n"
		     "   -total_delay           Same as -sample_index=delay\n"
		     "   -contentions           Same as -sample_index=contentions\n"
		     "   -mean_delay            Same as -mean -sample_index=delay\n"
		     "\n"
		     "  Environment Variables:\n"
		     "   PPROF_TMPDIR       Location for saved profiles (default $HOME/pprof)\n"
		     "   PPROF_TOOLS        Search path for object-level tools\n"
		     "   PPROF_BINARY_PATH  Search path for local binary files\n"
		     "                      default: $HOME/pprof/binaries\n"
		     "                      searches $buildid/$name, $buildid/*, $path/$buildid,\n"
		     "                      ${buildid:0:2}/${buildid:2}.debug, $name, $path,\n"
		     "                      ${name}.debug, $dir/.debug/${name}.debug,\n"
		     "                      usr/lib/debug/$dir/${name}.debug");
}
