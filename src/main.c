/* main: the command line front end. It parses flags, loads the profile and runs one report. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
#include "flags.h"
#include "shell.h"
#include "symbolize.h"
#include "web.h"

static void print_warnings(struct strbuf *warn)
{
	if (warn->len)
		fputs(sb_cstr(warn), stderr);
	sb_reset(warn);
}

static int close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "cprof: write error: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * run_command writes the command line's report: of the loaded profile p,
 * or, for a series (p NULL), of the snapshots lo names.
 */
static int run_command(struct cli *cli, const struct profile *p, const struct load_options *lo, struct strbuf *warn)
{
	FILE *out = stdout;
	if (cli->opt.output[0]) {
		fprintf(stderr, "Generating report in %s\n", cli->opt.output);
		out = fopen(cli->opt.output, "wb");
		if (!out) {
			fprintf(stderr, "cprof: %s: %s\n", cli->opt.output, strerror(errno));
			return 1;
		}
	}
	struct report_request req = { cli->cmd, cli->cmd_arg, false, cli->tools, cli->icicle, NULL };
	char err[1024];
	int rc = p ? driver_report(p, &cli->opt, &req, out, warn, err, sizeof err)
		   : driver_series(lo, &cli->opt, &req, out, warn, err, sizeof err);
	print_warnings(warn);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "cprof: %s: %s\n", cli->opt.output, strerror(errno));
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "cprof: %s\n", err);
		return 2;
	}
	return 0;
}

/* load_options: what the command line says about loading the profile. */
static struct load_options load_options(const struct cli *cli)
{
	struct load_options so = {
		.sources = cli->sources,
		.n_sources = cli->n_sources,
		.base = cli->base,
		.diff_base = cli->diff_base,
		.normalize = cli->opt.normalize,
		.all_frames = cli->all_frames,
		.build_id = cli->buildid,
		.comment = cli->add_comment,
		.symbolize = cli->symbolize,
		.max_inflated = cli->max_inflated,
		.max_ratio = cli->max_ratio,
		.seconds = cli->seconds,
		.timeout = cli->timeout,
		.tls_cert = cli->tls_cert,
		.tls_key = cli->tls_key,
		.tls_ca = cli->tls_ca,
		.memstats = cli->cmd && cli->cmd->format == FMT_MEMSTATS,
	};
	if (cli->n_sources > 1 && symbolize_is_binary(cli->sources[0])) {
		so.exec_name = cli->sources[0];
		so.sources++;
		so.n_sources--;
	}
	return so;
}

/* complete answers -complete for the completion scripts; sample types need the profiles, unsymbolized. */
static int complete(const struct cli *cli, struct strbuf *warn)
{
	struct profile *p = NULL;
	char err[1024];
	if (!strcmp(cli->complete, "sample_index") && cli->n_sources > 0) {
		struct load_options so = load_options(cli);
		so.symbolize = "none";
		p = driver_load(&so, warn, err, sizeof err);
		print_warnings(warn);
		if (!p) {
			fprintf(stderr, "cprof: %s\n", err);
			return 1;
		}
	}
	struct strbuf out = STRBUF_INIT;
	int rc = 0;
	if (flags_complete(cli->complete, p, &out, err, sizeof err) < 0) {
		fprintf(stderr, "cprof: %s\n", err);
		rc = 2;
	}
	fputs(sb_cstr(&out), stdout);
	sb_free(&out);
	profile_free(p);
	return rc;
}

/*
 * serve runs the web interface (-http) until Ctrl-C. With -base, the flame
 * graph shows the base apart, as -flame does: the sources are loaded a
 * second time for it, with the base's samples kept apart.
 */
static int serve(const struct cli *cli, const struct load_options *so, const struct profile *p, struct strbuf *warn)
{
	char err[1024];
	struct profile *apart = NULL;
	if (so->base && !so->diff_base) {
		struct load_options lo = *so;
		lo.diff_base = true;
		apart = driver_load(&lo, warn, err, sizeof err);
		print_warnings(warn);
		if (!apart) {
			fprintf(stderr, "cprof: %s\n", err);
			return 1;
		}
	}
	struct web_options wo = { cli->http, cli->no_browser, &cli->opt, cli->tools, apart };
	int rc = web_serve(p, &wo, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "cprof: %s\n", err);
	profile_free(apart);
	return rc < 0 ? 1 : 0;
}

/* load_and_run loads the profile and runs the command line's report, the web interface, or the shell. */
static int load_and_run(struct cli *cli, struct strbuf *warn)
{
	struct load_options so = load_options(cli);
	/*
	 * A differential flame graph shows the new profile and the base, not
	 * only their difference: it needs the base's samples apart, as
	 * -diff_base keeps them (the shell reloads for it, see flame_profile).
	 */
	if (cli->cmd && cli->cmd->format == FMT_FLAME)
		so.diff_base = so.base != NULL;
	char err[1024];
	struct profile *p = driver_load(&so, warn, err, sizeof err);
	print_warnings(warn);
	int rc;
	if (!p) {
		fprintf(stderr, "cprof: %s\n", err);
		rc = 1;
	} else if (cli->http[0]) {
		rc = serve(cli, &so, p, warn);
	} else if (!cli->cmd) {
		struct shell_session session = { cli->tools, cli->icicle, &so, false };
		rc = shell_run(p, &cli->opt, &session);
	} else {
		rc = run_command(cli, p, &so, warn);
	}
	profile_free(p);
	return rc;
}

/* ---- a series of snapshots ---- */

/* Set by Ctrl-C while snapshots are taken: no more are, and those taken are kept. */
static volatile sig_atomic_t capture_stopped;

static void stop_capture(int sig)
{
	(void)sig;
	capture_stopped = 1;
}

static void say_progress(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stderr);
}

/*
 * take_snapshots fetches what the series reads: -snapshots=N of the one
 * URL, or once each source that is not a file. Their saved copies replace
 * them in *so (paths, owned by the caller); Ctrl-C ends the taking.
 */
static int take_snapshots(const struct cli *cli, struct load_options *so, char ***paths, int *n_paths,
			  struct strbuf *warn)
{
	struct sigaction on_int = { .sa_handler = stop_capture }, old;
	sigemptyset(&on_int.sa_mask);
	sigaction(SIGINT, &on_int, &old);
	*paths = xcalloc((size_t)so->n_sources + 1, sizeof **paths);
	*n_paths = 0;
	char err[1024] = "";
	int rc = 0;
	for (int i = 0; i < so->n_sources && rc == 0 && !capture_stopped; i++) {
		struct stat st;
		bool file = !strcmp(so->sources[i], "-") || stat(so->sources[i], &st) == 0;
		if (file && cli->snapshots) {
			snprintf(err, sizeof err, "-snapshots: %s is a file; snapshots are fetched from a URL",
				 so->sources[i]);
			rc = -1;
			break;
		}
		if (file) {
			(*paths)[(*n_paths)++] = xstrdup(so->sources[i]);
			continue;
		}
		struct load_options one = *so;
		one.sources = &so->sources[i];
		one.n_sources = 1;
		struct capture c = { cli->snapshots ? cli->snapshots : 1, cli->interval_nanos, &capture_stopped,
				     say_progress, NULL };
		char **taken;
		int n;
		rc = driver_capture(&one, &c, &taken, &n, warn, err, sizeof err);
		print_warnings(warn);
		*paths = xreallocarray(*paths, (size_t)(*n_paths + n + so->n_sources + 1), sizeof **paths);
		for (int k = 0; k < n; k++)
			(*paths)[(*n_paths)++] = taken[k];
		free(taken);
	}
	sigaction(SIGINT, &old, NULL);
	if (rc < 0) {
		fprintf(stderr, "cprof: %s\n", err);
		return -1;
	}
	so->sources = *paths;
	so->n_sources = *n_paths;
	if (capture_stopped && *n_paths < 2) {
		fprintf(stderr, "cprof: interrupted: a series needs two snapshots or more\n");
		return -1;
	}
	return 0;
}

/* run_series takes the snapshots, then makes the command line's report of them, or opens the shell on them. */
static int run_series(struct cli *cli, struct strbuf *warn)
{
	struct load_options so = load_options(cli);
	char **paths = NULL;
	int n_paths = 0, rc = 1;
	if (take_snapshots(cli, &so, &paths, &n_paths, warn) < 0)
		goto out;
	if (cli->cmd) {
		rc = run_command(cli, NULL, &so, warn);
		goto out;
	}
	/* the shell greets with the last snapshot, and completes its names */
	struct load_options last = so;
	last.sources = &so.sources[so.n_sources - 1];
	last.n_sources = 1;
	char err[1024];
	struct profile *p = driver_load(&last, warn, err, sizeof err);
	print_warnings(warn);
	if (!p) {
		fprintf(stderr, "cprof: %s\n", err);
		goto out;
	}
	struct shell_session session = { cli->tools, cli->icicle, &so, true };
	rc = shell_run(p, &cli->opt, &session);
	profile_free(p);
out:
	for (int i = 0; i < n_paths; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

int main(int argc, char **argv)
{
	/*
	 * Reports reach stdout in 4 MB blocks: fewer writes, and a report that
	 * fails (out of memory) before filling one leaves nothing behind.
	 */
	static char outbuf[4 << 20];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	struct cli cli;
	struct strbuf msg = STRBUF_INIT;
	enum flags_result fr = flags_parse(argc, argv, &cli, &msg);
	if (fr == FLAGS_VERSION) {
		fputs(sb_cstr(&msg), stdout);
		sb_free(&msg);
		cli_free(&cli);
		return close_stdout() < 0 ? 1 : 0;
	}
	if (fr != FLAGS_OK) {
		if (fr == FLAGS_ERROR)
			fprintf(stderr, "cprof: %s\n", sb_cstr(&msg));
		else
			fputs(sb_cstr(&msg), stderr);
		sb_free(&msg);
		cli_free(&cli);
		return fr == FLAGS_HELP ? 0 : 2;
	}
	sb_free(&msg);
	print_warnings(&cli.warnings);

	struct strbuf warn = STRBUF_INIT;
	int rc = cli.complete[0] ? complete(&cli, &warn) : cli.series ? run_series(&cli, &warn) : load_and_run(&cli, &warn);
	sb_free(&warn);
	cli_free(&cli);
	if (close_stdout() < 0 && rc == 0)
		rc = 1;
	return rc;
}
