/* main: the command line front end. It parses flags, loads the profile and runs one report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int run_command(struct cli *cli, const struct profile *p, struct strbuf *warn)
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
	int rc = driver_report(p, &cli->opt, &req, out, warn, err, sizeof err);
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
		struct shell_session session = { cli->tools, cli->icicle, &so };
		rc = shell_run(p, &cli->opt, &session);
	} else {
		rc = run_command(cli, p, warn);
	}
	profile_free(p);
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
	int rc = cli.complete[0] ? complete(&cli, &warn) : load_and_run(&cli, &warn);
	sb_free(&warn);
	cli_free(&cli);
	if (close_stdout() < 0 && rc == 0)
		rc = 1;
	return rc;
}
