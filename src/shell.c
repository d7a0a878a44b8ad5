#include "shell.h"

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "commands.h"
#include "driver.h"
#include "flags.h"
#include "units.h"
#include "util.h"

#define PROMPT "(cprof) "
#define COMMENT_START "//:"

/* The state readline's callbacks need: its only globals. */
static const struct profile *completion_profile;
static volatile sig_atomic_t interrupted; /* Ctrl-C at the prompt */
static sigjmp_buf abandon_line;           /* where Ctrl-C leaves readline for */

struct shell {
	const struct profile *p;
	const struct shell_session *session;
	struct profile *apart; /* p loaded with the base apart, for flame; made on first use */
	struct profile *with_memstats; /* p with the MemStats fetched for memstats; made on first use */
	struct options cfg; /* pprof's currentConfig */
	struct driver_cache *cache; /* what the reports of p keep for the next command */
	bool cache_log; /* $CPROF_SHELL_CACHE: say what each report found kept, on standard error */
	bool tty;
	char *history_path;
};

/* say_bytes says n bytes, which may hold NULs (a profile's header), as a line. */
static void say_bytes(const char *s, size_t n)
{
	fwrite(s, 1, n, stderr);
	if (!n || s[n - 1] != '\n')
		fputc('\n', stderr);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf b = STRBUF_INIT;
	sb_vaddf(&b, fmt, ap);
	va_end(ap);
	say_bytes(sb_cstr(&b), b.len);
	sb_free(&b);
}

/* ---- input ---- */

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * after_signal runs when a signal interrupts readline's read, once
 * readline has dealt with it: for Ctrl-C it has echoed ^C, dropped the
 * line's state and called on_interrupt. The line is abandoned, readline
 * left as bash leaves it (restoring the terminal, then jumping out), and
 * a fresh prompt follows. pprof leaves instead, and the loaded profile
 * with it: go tool pprof's x/term reads Ctrl-C as the end of input, the
 * standalone pprof's readline returns an Interrupt error.
 */
static int after_signal(void)
{
	if (!interrupted)
		return 0;
	rl_cleanup_after_signal();
	siglongjmp(abandon_line, 1);
}

/* read_line returns the next line (without its newline), or NULL at the end. */
static char *read_line(struct shell *sh)
{
	if (sh->tty) {
		/* only at the prompt: Ctrl-C during a report still ends cprof */
		struct sigaction on_int = { .sa_handler = on_interrupt }, old;
		sigemptyset(&on_int.sa_mask);
		interrupted = 0;
		sigaction(SIGINT, &on_int, &old);
		char *line;
		if (sigsetjmp(abandon_line, 1) == 0) {
			line = readline(PROMPT);
		} else {
			fputc('\n', rl_outstream);
			line = xstrdup("");
		}
		sigaction(SIGINT, &old, NULL);
		if (line && *line) {
			add_history(line);
			if (sh->history_path)
				append_history(1, sh->history_path);
		}
		return line;
	}
	fputs(PROMPT, stdout);
	fflush(stdout);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

/* ---- shortcuts ---- */

/*
 * expand returns the commands an input stands for: ":" clears the
 * filters, a sample type name selects it, total_/mean_ prefixes also set
 * mean. Anything else stands for itself.
 */
static size_t expand(const struct shell *sh, const char *input, char ***out)
{
	size_t n = strlen(input);
	while (n && isspace((unsigned char)input[n - 1]))
		n--;
	while (isspace((unsigned char)*input)) {
		input++;
		n--;
	}
	char *in = xstrndup(input, n);
	char **cmds = xcalloc(6, sizeof *cmds);
	size_t k = 0;
	if (!strcmp(in, ":")) {
		const char *clear[] = { "focus=", "ignore=", "hide=", "tagfocus=", "tagignore=" };
		for (size_t i = 0; i < 5; i++)
			cmds[k++] = xstrdup(clear[i]);
	}
	for (size_t i = 0; k == 0 && i < sh->p->n_sample_type; i++) {
		const char *t = sh->p->sample_type[i].type;
		struct strbuf c = STRBUF_INIT;
		sb_addf(&c, "sample_index=%s", t);
		if (!strcmp(in, t)) {
			cmds[k++] = c.s;
		} else if (str_has_prefix(in, "total_") && !strcmp(in + 6, t)) {
			cmds[k++] = xstrdup("mean=0");
			cmds[k++] = c.s;
		} else if (str_has_prefix(in, "mean_") && !strcmp(in + 5, t)) {
			cmds[k++] = xstrdup("mean=1");
			cmds[k++] = c.s;
		} else {
			sb_free(&c);
		}
	}
	if (k == 0)
		cmds[k++] = xstrdup(in);
	free(in);
	*out = cmds;
	return k;
}

/* ---- settings ---- */

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	size_t i = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static bool is_bool_option(const char *name)
{
	const struct option_field *f = option_find(name);
	return f && (strcmp(f->name, name) != 0 || f->type == OPT_BOOL);
}

/*
 * assignment handles "name=value", "name value" and a bare "name"; it
 * returns false when the input is not a setting. pprof itself only takes
 * "name=value" and bare booleans, answering "did you mean: name=value" to
 * "name value" and refusing a bare choice such as "lines"; cprof sets
 * them, as nothing else could be meant.
 */
static bool assignment(struct shell *sh, const char *input)
{
	const char *eq = strchr(input, '=');
	const char *value_start = eq ? eq + 1 : "";
	char *name;
	if (eq) {
		name = xstrndup(input, (size_t)(eq - input));
		trim(name);
	} else {
		while (isspace((unsigned char)*input))
			input++;
		size_t n = strcspn(input, " \t");
		name = xstrndup(input, n);
		if (input[n]) {
			value_start = input + n;
			eq = value_start; /* a value was given */
		}
	}
	const struct option_field *field = option_find(name);
	if (!field) {
		free(name);
		return false;
	}
	if (!eq && strcmp(field->name, name) != 0)
		value_start = "true"; /* a bare choice selects it */
	char *value = xstrdup(value_start);
	char *comment = NULL;
	for (char *c = strstr(value, COMMENT_START); c; c = strstr(c + 1, COMMENT_START))
		comment = c;
	if (comment)
		*comment = '\0';
	trim(value);
	char err[512];
	if (!eq && !is_bool_option(name)) {
		say("please specify a value, e.g. %s=<val>", name);
	} else if (!strcmp(name, "sample_index")) {
		int i = profile_sample_index(sh->p, value, err, sizeof err);
		if (i < 0)
			say("%s", err);
		else
			options_set(&sh->cfg, name, sh->p->sample_type[i].type, err, sizeof err);
	} else if (options_set(&sh->cfg, name, value, err, sizeof err) < 0) {
		say("%s", err);
	}
	free(name);
	free(value);
	return true;
}

static const char *option_comment(const struct shell *sh, const struct option_field *f, char *value, size_t vsize,
				  struct strbuf *comment)
{
	sb_reset(comment);
	if (f->choices) {
		const char *sorted[8];
		size_t n = 0;
		for (const char *const *c = f->choices; *c; c++)
			sorted[n++] = *c;
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
				const char *t = sorted[j];
				sorted[j] = sorted[j - 1];
				sorted[j - 1] = t;
			}
		sb_adds(comment, "[");
		for (size_t i = 0; i < n; i++)
			sb_addf(comment, "%s%s", i ? " | " : "", sorted[i]);
		sb_adds(comment, "]");
	} else if (!strcmp(f->name, "sample_index")) {
		if (!value[0] && sh->p->n_sample_type)
			snprintf(value, vsize, "%s", sh->p->sample_type[sh->p->n_sample_type - 1].type);
		sb_adds(comment, "[");
		for (size_t i = 0; i < sh->p->n_sample_type; i++)
			sb_addf(comment, "%s%s", i ? " | " : "", sh->p->sample_type[i].type);
		sb_adds(comment, "]");
	} else if (!strcmp(f->name, "nodecount") && !strcmp(value, "-1")) {
		sb_adds(comment, "default");
	} else if (!value[0]) {
		snprintf(value, vsize, "\"\"");
	}
	if (!strcmp(f->name, "granularity") && !value[0])
		snprintf(value, vsize, "(default)");
	return sb_cstr(comment);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_options(const struct shell *sh)
{
	char **lines = xcalloc(n_option_fields, sizeof *lines);
	size_t n = 0;
	struct strbuf comment = STRBUF_INIT;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		if (!strcmp(f->name, "source_path"))
			continue;
		char value[512];
		options_get(&sh->cfg, f, value, sizeof value);
		const char *c = option_comment(sh, f, value, sizeof value, &comment);
		struct strbuf line = STRBUF_INIT;
		sb_addf(&line, "  %-25s = %-20s %s%s%s", f->name, value, c[0] ? COMMENT_START : "", c[0] ? " " : "", c);
		lines[n++] = line.s;
	}
	sb_free(&comment);
	qsort(lines, n, sizeof *lines, cmp_cstr);
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sb_addf(&all, "%s%s", i ? "\n" : "", lines[i]);
		free(lines[i]);
	}
	free(lines);
	say("%s", sb_cstr(&all));
	sb_free(&all);
}

/* ---- help ---- */

static void help(const struct shell *sh, const char *topic)
{
	if (!topic[0]) {
		struct strbuf b = STRBUF_INIT;
		usage_commands_and_options(&b, false);
		sb_adds(&b, "\n  :   Clear focus/ignore/hide/tagfocus/tagignore\n\n"
			    "  type \"help <cmd|option>\" for more information\n");
		say("%s", sb_cstr(&b));
		sb_free(&b);
		return;
	}
	const struct command *c = command_find(topic);
	if (c) {
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "%s\n", c->description);
		if (c->usage[0]) {
			sb_adds(&b, "  Usage:\n");
			const char *u = c->usage;
			for (;;) {
				size_t n = strcspn(u, "\n");
				sb_addf(&b, "    %.*s\n", (int)n, u);
				if (!u[n])
					break;
				u += n + 1;
			}
		}
		sb_addc(&b, '\n');
		say("%s", sb_cstr(&b));
		sb_free(&b);
		return;
	}
	const struct option_field *f = option_find(topic);
	if (f || option_help(topic)[0]) {
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "%s\n", option_help(topic));
		if (!strcmp(topic, "sample_index")) {
			/* pprof appends the profile's sample types in interactive mode */
			b.len--;
			b.s[b.len] = '\0';
			sb_adds(&b, "Or use sample_index=name, with name in [");
			for (size_t i = 0; i < sh->p->n_sample_type; i++)
				sb_addf(&b, "%s%s", i ? " " : "", sh->p->sample_type[i].type);
			sb_adds(&b, "].\n\n");
		}
		say("%s", sb_cstr(&b));
		sb_free(&b);
		return;
	}
	say("Unknown command: %s", topic);
}

/* ---- commands ---- */

static bool parse_int32(const char *s, int *out)
{
	const char *d = s;
	if (*d == '+' || *d == '-')
		d++;
	if (!*d)
		return false;
	for (const char *c = d; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno == ERANGE || v > 0x7fffffffL || v < -0x7fffffffL - 1)
		return false;
	*out = (int)v;
	return true;
}

static void cat_regex(char **dst, const char *add)
{
	if (!add[0])
		return;
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s%s%s", *dst, (*dst)[0] ? "|" : "", add);
	free(*dst);
	*dst = b.s;
}

/* split_fields is Go's strings.Fields. */
static size_t split_fields(const char *s, char ***out)
{
	size_t n = 0, cap = 0;
	char **f = NULL;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		GROW(f, cap, n + 2);
		f[n++] = xstrndup(start, (size_t)(s - start));
	}
	if (!f)
		f = xcalloc(1, sizeof *f);
	*out = f;
	return n;
}

static void free_fields(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* run_command is pprof's parseCommandLine and generateReport for one command line. */
/*
 * flame_profile is the profile a flame graph is drawn from: with -base,
 * the sources loaded again with the base's samples apart (as -diff_base
 * keeps them), once per session, since a differential flame graph shows
 * the new profile and the base and not only their difference.
 */
static const struct profile *flame_profile(struct shell *sh, struct strbuf *warn)
{
	const struct load_options *lo = sh->session->load;
	if (!lo || !lo->base || lo->diff_base)
		return sh->p;
	if (!sh->apart) {
		struct load_options apart = *lo;
		apart.diff_base = true;
		char err[1024];
		sh->apart = driver_load(&apart, warn, err, sizeof err);
		if (!sh->apart) {
			say("%s", err);
			return sh->p;
		}
	}
	return sh->apart;
}

/*
 * memstats_profile is the profile the memstats command explains: p, or,
 * for a proto heap profile fetched over HTTP, p with the trailer fetched
 * from ?debug=1, once per session.
 */
static const struct profile *memstats_profile(struct shell *sh, struct strbuf *warn)
{
	if (!sh->with_memstats && !sh->p->n_memstats && sh->session->load)
		sh->with_memstats = driver_memstats(sh->p, sh->session->load, warn);
	return sh->with_memstats ? sh->with_memstats : sh->p;
}

static void run_command(struct shell *sh, char **tok, size_t ntok)
{
	char *name = xstrdup(tok[0]);
	const struct command *c = command_find(name);
	char *digits = NULL;
	if (!c) { /* "top10" is "top 10" */
		size_t n = strlen(name), d = n;
		while (d > 0 && isdigit((unsigned char)name[d - 1]))
			d--;
		if (d > 0 && d < n) {
			digits = xstrdup(name + d);
			name[d] = '\0';
			c = command_find(name);
		}
	}
	char **args = xcalloc(ntok + 2, sizeof *args);
	size_t nargs = 0;
	if (digits)
		args[nargs++] = digits;
	for (size_t i = 1; i < ntok; i++)
		args[nargs++] = tok[i];
	struct options cfg;
	options_copy(&cfg, &sh->cfg);
	char *focus = xstrdup(""), *ignore = xstrdup("");
	const char *arg = NULL;
	if (!c) {
		say("unrecognized command: \"%s\"", name);
		goto out;
	}
	size_t i = 0;
	if (c->has_param) {
		if (nargs == 0) {
			say("command %s requires an argument", name);
			goto out;
		}
		arg = args[i++];
	}
	for (; i < nargs; i++) {
		const char *t = args[i];
		int n;
		if (parse_int32(t, &n)) {
			cfg.nodecount = n;
			continue;
		}
		if (t[0] == '>') {
			const char *file = t + 1;
			if (!file[0]) {
				if (++i >= nargs) {
					say("unexpected end of line after >");
					goto out;
				}
				file = args[i];
			}
			free(cfg.output);
			cfg.output = xstrdup(file);
		} else if (t[0] == '-') {
			if (!strcmp(t, "--cum") || !strcmp(t, "-cum")) {
				free(cfg.sort);
				cfg.sort = xstrdup("cum");
				continue;
			}
			cat_regex(&ignore, t + 1);
		} else {
			cat_regex(&focus, t);
		}
	}
	bool tags = !strcmp(name, "tags");
	if (focus[0]) {
		char **dst = tags ? &cfg.tagfocus : &cfg.focus;
		free(*dst);
		*dst = xstrdup(focus);
	}
	if (ignore[0]) {
		char **dst = tags ? &cfg.tagignore : &cfg.ignore;
		free(*dst);
		*dst = xstrdup(ignore);
	}
	if (cfg.nodecount == -1 && (!strcmp(name, "text") || !strcmp(name, "top")))
		cfg.nodecount = 10;

	FILE *out = stdout;
	if (cfg.output[0]) {
		say("Generating report in %s", cfg.output);
		out = fopen(cfg.output, "wb");
		if (!out) {
			say("%s: %s", cfg.output, strerror(errno));
			goto out;
		}
	}
	struct driver_timing tm = { 0 };
	struct report_request req = { c, arg, true, sh->session->tools, sh->session->icicle, &tm, NULL };
	double start = clock_seconds();
	struct strbuf warn = STRBUF_INIT;
	char err[1024];
	int rc;
	if (sh->session->series) {
		rc = driver_series(sh->session->load, &cfg, &req, out, &warn, err, sizeof err);
	} else {
		const struct profile *p = c->format == FMT_FLAME	   ? flame_profile(sh, &warn)
					  : c->format == FMT_MEMSTATS ? memstats_profile(sh, &warn)
								      : sh->p;
		req.cache = p == sh->p ? sh->cache : NULL;
		rc = driver_report(p, &cfg, &req, out, &warn, err, sizeof err);
	}
	if (sh->cache_log && req.cache)
		fprintf(stderr,
			"kept:%s%s%s%s%s (%.3f s: units %.3f, filters %.3f, total %.3f, aggregation %.3f, "
			"report %.3f)\n",
			tm.kept_units ? " units" : "", tm.kept_filters ? " filters" : "",
			tm.kept_aggregation ? " aggregation" : "", tm.kept_graph ? " graph" : "",
			tm.kept_hot ? " hot" : "", clock_seconds() - start, tm.units, tm.filters, tm.total,
			tm.aggregate, tm.report);
	if (warn.len)
		fputs(sb_cstr(&warn), stderr);
	sb_free(&warn);
	if (out != stdout)
		fclose(out);
	else
		fflush(stdout);
	if (rc < 0)
		say("%s", err);
out:
	free(focus);
	free(ignore);
	options_free(&cfg);
	free(args);
	free(digits);
	free(name);
}

/* process runs one expanded input; it returns false on quit. */
static bool process(struct shell *sh, const char *input)
{
	if (assignment(sh, input))
		return true;
	char **tok;
	size_t ntok = split_fields(input, &tok);
	bool go_on = true;
	if (ntok == 0) {
		/* nothing */
	} else if (!strcmp(tok[0], "o") || !strcmp(tok[0], "options")) {
		print_options(sh);
	} else if (!strcmp(tok[0], "exit") || !strcmp(tok[0], "quit") || !strcmp(tok[0], "q")) {
		go_on = false;
	} else if (!strcmp(tok[0], "help")) {
		struct strbuf topic = STRBUF_INIT;
		for (size_t i = 1; i < ntok; i++)
			sb_addf(&topic, "%s%s", i > 1 ? " " : "", tok[i]);
		help(sh, sb_cstr(&topic));
		sb_free(&topic);
	} else {
		run_command(sh, tok, ntok);
	}
	free_fields(tok, ntok);
	return go_on;
}

static void greetings(struct shell *sh)
{
	struct report_request req = { command_find("top"), NULL, true, NULL, false, NULL, NULL };
	struct strbuf labels = STRBUF_INIT, warn = STRBUF_INIT;
	bool zero_total;
	if (driver_header(sh->p, &sh->cfg, &req, &labels, &zero_total, &warn) == 0) {
		if (sh->p->escaped)
			labels.len = nul_unescape(labels.s, labels.s, labels.len);
		say_bytes(sb_cstr(&labels), labels.len);
		if (zero_total && sh->p->n_sample_type > 1) {
			say("No samples were found with the default sample value type.");
			say("Try \"sample_index\" command to analyze different sample values.\n");
		}
	}
	sb_free(&labels);
	sb_free(&warn);
	if (sh->session->series)
		say("A series of %d snapshots, the last one above: top, svg, flame and memstats report on the series.",
		    sh->session->load->n_sources);
	say("Entering interactive mode (type \"help\" for commands, \"o\" for options)");
}

/* ---- completion ---- */

static char **completions;
static size_t n_completions, cap_completions;

static void add_completion(const char *s)
{
	for (size_t i = 0; i < n_completions; i++)
		if (!strcmp(completions[i], s))
			return;
	GROW(completions, cap_completions, n_completions + 1);
	completions[n_completions++] = xstrdup(s);
}

static char *next_completion(const char *text, int state)
{
	(void)text;
	static size_t i;
	if (state == 0)
		i = 0;
	return i < n_completions ? xstrdup(completions[i++]) : NULL;
}

static void complete_function_names(const char *text)
{
	const struct profile *p = completion_profile;
	for (size_t i = 0; p && i < p->n_function; i++)
		if (strstr(p->function[i].name, text))
			add_completion(p->function[i].name);
}

static void complete_option_value(const char *name, const char *prefix)
{
	const struct option_field *f = option_find(name);
	const struct profile *p = completion_profile;
	struct strbuf b = STRBUF_INIT;
#define OFFER(v)                                               \
	do {                                                   \
		if (str_has_prefix((v), prefix)) {             \
			sb_reset(&b);                          \
			sb_addf(&b, "%s=%s", name, (v));       \
			add_completion(sb_cstr(&b));           \
		}                                              \
	} while (0)
	if (!strcmp(name, "sample_index")) {
		for (size_t i = 0; p && i < p->n_sample_type; i++)
			OFFER(p->sample_type[i].type);
	} else if (f && f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			OFFER(*c);
	} else if (!strcmp(name, "unit")) {
		const char *u, *about;
		for (size_t i = 0; (u = units_name(i, &about)); i++)
			OFFER(u);
	} else if (f && f->type == OPT_BOOL) {
		OFFER("true");
		OFFER("false");
	} else if (!strcmp(name, "focus") || !strcmp(name, "ignore") || !strcmp(name, "show") ||
		   !strcmp(name, "hide") || !strcmp(name, "show_from") || !strcmp(name, "prune_from")) {
		for (size_t i = 0; p && i < p->n_function; i++)
			if (strstr(p->function[i].name, prefix)) {
				sb_reset(&b);
				sb_addf(&b, "%s=%s", name, p->function[i].name);
				add_completion(sb_cstr(&b));
			}
	}
#undef OFFER
	sb_free(&b);
}

/* common_prefix: the longest prefix all completions share. */
static size_t common_prefix(void)
{
	if (n_completions == 0)
		return 0;
	size_t n = strlen(completions[0]);
	for (size_t i = 1; i < n_completions; i++) {
		size_t k = 0;
		while (k < n && completions[i][k] == completions[0][k])
			k++;
		n = k;
	}
	return n;
}

/* after_redirect tells whether the word at start follows a '>': "svg >out" or "svg > out". */
static bool after_redirect(const char *line, int start)
{
	while (start > 0 && isspace((unsigned char)line[start - 1]))
		start--;
	return start > 0 && line[start - 1] == '>';
}

/* word_breaks splits ">file" after its '>', so that the file name is the word completed. */
static char *word_breaks(void)
{
	static char plain[] = " \t\n", redirect[] = " \t\n>";
	int i = rl_point;
	while (i > 0 && !isspace((unsigned char)rl_line_buffer[i - 1]))
		i--;
	return rl_line_buffer[i] == '>' ? redirect : plain;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	for (size_t i = 0; i < n_completions; i++)
		free(completions[i]);
	n_completions = 0;
	const char *line = rl_line_buffer;
	if (after_redirect(line, start))
		return rl_completion_matches(text, rl_filename_completion_function);
	bool first = true;
	for (int i = 0; i < start; i++)
		if (!isspace((unsigned char)line[i]))
			first = false;
	const char *eq = strchr(text, '=');
	if (eq) {
		char *name = xstrndup(text, (size_t)(eq - text));
		complete_option_value(name, eq + 1);
		free(name);
	} else if (first) {
		for (size_t i = 0; i < n_commands; i++)
			if (str_has_prefix(commands[i].name, text))
				add_completion(commands[i].name);
		for (size_t i = 0; i < n_option_fields; i++) {
			const struct option_field *f = &option_fields[i];
			if (str_has_prefix(f->name, text))
				add_completion(f->name);
			for (const char *const *c = f->choices; c && *c; c++)
				if (str_has_prefix(*c, text))
					add_completion(*c);
		}
		static const char *const more[] = { "help", "options", "quit", "exit", NULL };
		for (const char *const *m = more; *m; m++)
			if (str_has_prefix(*m, text))
				add_completion(*m);
	} else {
		/* after a report command: function names, found by substring as pprof does */
		char **tok;
		size_t ntok = split_fields(line, &tok);
		bool is_help = ntok > 0 && !strcmp(tok[0], "help");
		if (is_help) {
			for (size_t i = 0; i < n_commands; i++)
				if (str_has_prefix(commands[i].name, text))
					add_completion(commands[i].name);
			for (size_t i = 0; i < n_option_fields; i++)
				if (str_has_prefix(option_fields[i].name, text))
					add_completion(option_fields[i].name);
		} else if (ntok > 0 && command_find(tok[0]) && strcmp(tok[0], "tags") != 0) {
			bool neg = text[0] == '-';
			const char *t = neg ? text + 1 : text;
			complete_function_names(t);
			if (neg)
				for (size_t i = 0; i < n_completions; i++) {
					struct strbuf b = STRBUF_INIT;
					sb_addf(&b, "-%s", completions[i]);
					free(completions[i]);
					completions[i] = b.s;
				}
		}
		free_fields(tok, ntok);
	}
	if (n_completions == 0)
		return NULL;
	char **matches = rl_completion_matches(text, next_completion);
	/* Substring matches may share no prefix with the text: keep the text then. */
	if (matches && n_completions > 1) {
		size_t n = common_prefix();
		if (n < strlen(text) || strncmp(completions[0], text, strlen(text)) != 0) {
			free(matches[0]);
			matches[0] = xstrdup(text);
		} else {
			free(matches[0]);
			matches[0] = xstrndup(completions[0], n);
		}
	}
	if (matches && n_completions == 1 && eq)
		rl_completion_append_character = ' ';
	return matches;
}

static void setup_readline(struct shell *sh)
{
	rl_readline_name = "cprof";
	rl_attempted_completion_function = complete;
	rl_signal_event_hook = after_signal;
	rl_completer_word_break_characters = " \t\n";
	rl_completion_word_break_hook = word_breaks;
	/* A second Tab lists the choices once nothing more can be completed. */
	rl_variable_bind("show-all-if-unmodified", "on");
	completion_profile = sh->p;
	const char *home = getenv("HOME");
	if (home && home[0]) {
		struct strbuf b = STRBUF_INIT;
		sb_addf(&b, "%s/.cprof_history", home);
		sh->history_path = b.s;
		using_history();
		read_history(sh->history_path);
		/* create it, so append_history has a file to append to */
		FILE *f = fopen(sh->history_path, "a");
		if (f)
			fclose(f);
	}
}

int shell_run(const struct profile *p, const struct options *initial, const struct shell_session *session)
{
	struct shell sh = { .p = p, .session = session, .cache = driver_cache_new() };
	options_copy(&sh.cfg, initial);
	sh.cfg.compact_labels = true;
	sh.tty = isatty(STDIN_FILENO);
	const char *cache_log = getenv("CPROF_SHELL_CACHE");
	bool off = cache_log && !strcmp(cache_log, "off");
	sh.cache_log = cache_log && cache_log[0] && strcmp(cache_log, "0") != 0 && !off;
	if (off) {
		driver_cache_free(sh.cache);
		sh.cache = NULL;
	}
	if (sh.tty)
		setup_readline(&sh);
	greetings(&sh);
	for (;;) {
		char *line = read_line(&sh);
		if (!line)
			break;
		char **cmds;
		size_t n = expand(&sh, line, &cmds);
		bool go_on = true;
		for (size_t i = 0; i < n; i++) {
			if (go_on)
				go_on = process(&sh, cmds[i]);
			free(cmds[i]);
		}
		free(cmds);
		free(line);
		if (!go_on)
			break;
	}
	if (sh.tty && sh.history_path)
		history_truncate_file(sh.history_path, 1000);
	for (size_t i = 0; i < n_completions; i++)
		free(completions[i]);
	free(completions);
	free(sh.history_path);
	options_free(&sh.cfg);
	driver_cache_free(sh.cache);
	profile_free(sh.apart);
	profile_free(sh.with_memstats);
	return 0;
}
