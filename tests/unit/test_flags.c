/* Command-line parsing, as Go's flag package parses pprof's flags. */
#include "check.h"
#include "flags.h"

#include <stdarg.h>

/* parse runs flags_parse on "cprof" followed by the NULL-terminated arguments. */
static enum flags_result parse(struct cli *cli, ...)
{
	char *argv[32] = { "cprof" };
	int argc = 1;
	va_list ap;
	va_start(ap, cli);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	struct strbuf msg = STRBUF_INIT;
	enum flags_result r = flags_parse(argc, argv, cli, &msg);
	sb_free(&msg);
	return r;
}

#define PARSE(cli, ...) parse(cli, __VA_ARGS__, (char *)NULL)

static void test_basics(void)
{
	struct cli c;
	CHECK(PARSE(&c, "-top", "a.pb.gz") == FLAGS_OK);
	CHECK(c.cmd && !strcmp(c.cmd->name, "top"));
	CHECK(c.n_sources == 1 && !strcmp(c.sources[0], "a.pb.gz"));
	CHECK(c.opt.nodecount == -1 && c.opt.trim && c.opt.nodefraction == 0.005);
	CHECK_STR(c.opt.unit, "minimum");
	cli_free(&c);

	/* two dashes, =true, =false */
	CHECK(PARSE(&c, "--text=true", "-top=false", "a", "b") == FLAGS_OK);
	CHECK(c.cmd && !strcmp(c.cmd->name, "text") && c.n_sources == 2);
	cli_free(&c);

	/* non-boolean flags take the next argument, even one starting with '-' */
	CHECK(PARSE(&c, "-nodecount", "5", "-unit", "-x", "-top", "a") == FLAGS_OK);
	CHECK(c.opt.nodecount == 5);
	CHECK_STR(c.opt.unit, "-x");
	cli_free(&c);

	/* Go integers: 0x, 0o, 0b prefixes */
	CHECK(PARSE(&c, "-nodecount=0x10", "-top", "a") == FLAGS_OK);
	CHECK(c.opt.nodecount == 16);
	cli_free(&c);
	CHECK(PARSE(&c, "-divide_by=1e6", "-top", "a") == FLAGS_OK);
	CHECK(c.opt.divide_by == 1e6);
	cli_free(&c);

	/* a boolean never takes the next argument: "false" becomes a source */
	CHECK(PARSE(&c, "-trim", "false", "-top", "a") == FLAGS_OK);
	CHECK(c.opt.trim && !c.cmd && c.n_sources == 3);
	cli_free(&c);
	CHECK(PARSE(&c, "-trim=false", "-top", "a") == FLAGS_OK);
	CHECK(!c.opt.trim);
	cli_free(&c);

	/* "--" ends the flags; "-" is a source */
	CHECK(PARSE(&c, "-top", "--", "-weird") == FLAGS_OK);
	CHECK(c.n_sources == 1 && !strcmp(c.sources[0], "-weird"));
	cli_free(&c);
	CHECK(PARSE(&c, "-top", "-") == FLAGS_OK);
	CHECK(c.n_sources == 1 && !strcmp(c.sources[0], "-"));
	cli_free(&c);

	/* pprof's TLS flags, for fetching profiles and symbols */
	CHECK(PARSE(&c, "-tls_cert=c.pem", "-tls_key", "k.pem", "-tls_ca=ca.pem", "-top", "https://h/") == FLAGS_OK);
	CHECK_STR(c.tls_cert, "c.pem");
	CHECK_STR(c.tls_key, "k.pem");
	CHECK_STR(c.tls_ca, "ca.pem");
	cli_free(&c);
}

static void test_commands_and_choices(void)
{
	struct cli c;
	CHECK(PARSE(&c, "-list=main\\.foo", "a") == FLAGS_OK);
	CHECK(c.cmd && !strcmp(c.cmd->name, "list") && !strcmp(c.cmd_arg, "main\\.foo"));
	cli_free(&c);
	CHECK(PARSE(&c, "-peek", "json", "a") == FLAGS_OK);
	CHECK(c.cmd && !strcmp(c.cmd->name, "peek") && !strcmp(c.cmd_arg, "json"));
	cli_free(&c);
	CHECK(PARSE(&c, "-top", "-tree", "a") == FLAGS_ERROR);
	cli_free(&c);
	CHECK(PARSE(&c, "-lines", "-top", "a") == FLAGS_OK);
	CHECK_STR(c.opt.granularity, "lines");
	cli_free(&c);
	CHECK(PARSE(&c, "-lines", "-functions", "-top", "a") == FLAGS_ERROR);
	cli_free(&c);
	CHECK(PARSE(&c, "-cum", "-top", "a") == FLAGS_OK);
	CHECK_STR(c.opt.sort, "cum");
	cli_free(&c);
	/* no output format: the interactive shell */
	CHECK(PARSE(&c, "a") == FLAGS_OK);
	CHECK(c.cmd == NULL);
	cli_free(&c);
}

static void test_sample_shortcuts(void)
{
	struct cli c;
	CHECK(PARSE(&c, "-alloc_space", "-top", "a") == FLAGS_OK);
	CHECK_STR(c.opt.sample_index, "alloc_space");
	cli_free(&c);
	/* an explicit -sample_index wins over a shortcut */
	CHECK(PARSE(&c, "-sample_index=1", "-alloc_space", "-top", "a") == FLAGS_OK);
	CHECK_STR(c.opt.sample_index, "1");
	CHECK(strstr(sb_cstr(&c.warnings), "Multiple value selections, ignoring -alloc_space") != NULL);
	cli_free(&c);
	CHECK(PARSE(&c, "-mean_delay", "-top", "a") == FLAGS_OK);
	CHECK_STR(c.opt.sample_index, "delay");
	CHECK(c.opt.mean);
	cli_free(&c);
}

static void test_bases(void)
{
	struct cli c;
	/* pprof keeps the last -base */
	CHECK(PARSE(&c, "-base=x", "-base", "y", "-top", "a") == FLAGS_OK);
	CHECK(c.base && !strcmp(c.base, "y") && !c.diff_base);
	cli_free(&c);
	CHECK(PARSE(&c, "-diff_base=x", "-top", "a") == FLAGS_OK);
	CHECK(c.base && !strcmp(c.base, "x") && c.diff_base);
	cli_free(&c);
	CHECK(PARSE(&c, "-diff_base=x", "-base=y", "-top", "a") == FLAGS_ERROR);
	cli_free(&c);
	CHECK(PARSE(&c, "-normalize", "-top", "a") == FLAGS_ERROR);
	cli_free(&c);
}

static void test_errors(void)
{
	struct cli c;
	CHECK(PARSE(&c, "-no_such_flag", "a") == FLAGS_USAGE);
	cli_free(&c);
	CHECK(PARSE(&c, "-top") == FLAGS_USAGE); /* no source */
	cli_free(&c);
	CHECK(PARSE(&c, "-h") == FLAGS_HELP);
	cli_free(&c);
	CHECK(PARSE(&c, "--help", "a") == FLAGS_HELP);
	cli_free(&c);
	CHECK(PARSE(&c, "-version") == FLAGS_VERSION); /* no source needed */
	cli_free(&c);
	CHECK(PARSE(&c, "-nodecount=3", "--version", "a") == FLAGS_VERSION);
	cli_free(&c);
	CHECK(PARSE(&c, "-nodecount=abc", "-top", "a") == FLAGS_USAGE);
	cli_free(&c);
	CHECK(PARSE(&c, "-top=maybe", "a") == FLAGS_USAGE);
	cli_free(&c);
	CHECK(PARSE(&c, "-nodecount") == FLAGS_USAGE); /* needs an argument */
	cli_free(&c);
	CHECK(PARSE(&c, "---top", "a") == FLAGS_USAGE); /* bad flag syntax */
	cli_free(&c);
	CHECK(PARSE(&c, "-=x", "a") == FLAGS_USAGE);
	cli_free(&c);
}

static void test_usage(void)
{
	struct strbuf u = STRBUF_INIT;
	flags_usage(&u);
	CHECK(strstr(sb_cstr(&u), "  Output formats (select at most one):\n") != NULL);
	CHECK(strstr(sb_cstr(&u), "    -top             Outputs top entries in text form\n") != NULL);
	CHECK(strstr(sb_cstr(&u), "    -tls_ca               TLS CA certs file for fetching profile and symbols\n") != NULL);
	CHECK(strstr(sb_cstr(&u), "    granularity      \n      -functions       Aggregate at the function level.\n") !=
	      NULL);
	CHECK(strstr(sb_cstr(&u), "    -symbolize=           Controls source of symbol information\n"
				  "      none                  Do not attempt symbolization\n") != NULL);
	CHECK(strstr(sb_cstr(&u), "      force                 Force re-symbolization\n"
				  "    Binary                  Local path") != NULL);
	sb_free(&u);
}

/* complete runs flags_complete and returns what it printed (static), or NULL on failure. */
static const char *complete(const char *what, const struct profile *p)
{
	static char got[16384];
	struct strbuf out = STRBUF_INIT;
	char err[128];
	int rc = flags_complete(what, p, &out, err, sizeof err);
	snprintf(got, sizeof got, "%s", rc < 0 ? err : sb_cstr(&out));
	sb_free(&out);
	return rc < 0 ? NULL : got;
}

static void test_complete(void)
{
	/* every flag, '=' after those that take a value, with its help */
	const char *flags = complete("flags", NULL);
	CHECK(flags && strstr(flags, "\n-sample_index=\tSample value to report (0-based index or name)\n"));
	CHECK(flags && strstr(flags, "\n-top\tOutputs top entries in text form\n"));
	CHECK(flags && strstr(flags, "\n-base=\tSource of base profile for profile subtraction\n"));
	CHECK(flags && strstr(flags, "\n-lines\tAggregate at the source code line level.\n"));
	CHECK(flags && strstr(flags, "\n-list=\t"));
	CHECK(flags && strstr(flags, "-complete=\t"));
	CHECK(flags && strncmp(flags, "-add_comment=\t", 14) == 0); /* sorted */

	CHECK_STR(complete("trim", NULL), "true\nfalse\n");
	CHECK_STR(complete("focus", NULL), "");
	CHECK(strstr(complete("unit", NULL), "\nmegabyte\tMB\n"));
	CHECK(strstr(complete("symbolize", NULL), "\ndemangle=templates\t"));
	CHECK(strncmp(complete("symbolize", NULL), "none\tDo not attempt symbolization\n", 34) == 0);
	CHECK(complete("nosuchflag", NULL) == NULL);
	CHECK(complete("-top", NULL) == NULL); /* names come without their dash */

	/* sample_index: the profile's sample types, none without one */
	CHECK_STR(complete("sample_index", NULL), "");
	struct value_type types[] = { { "alloc_space", "bytes" }, { "inuse_space", "bytes" } };
	struct profile p = { .sample_type = types, .n_sample_type = 2 };
	CHECK_STR(complete("sample_index", &p), "alloc_space\tindex 0, bytes\ninuse_space\tindex 1, bytes\n");

	/* -complete needs no source, and stops the checks that want one */
	struct cli c;
	CHECK(PARSE(&c, "-complete=sample_index") == FLAGS_OK);
	CHECK_STR(c.complete, "sample_index");
	CHECK(c.n_sources == 0);
	cli_free(&c);
	CHECK(PARSE(&c, "-complete", "unit", "a.pb.gz", "b") == FLAGS_OK);
	CHECK_STR(c.complete, "unit");
	CHECK(c.n_sources == 2 && !strcmp(c.sources[1], "b"));
	cli_free(&c);
}

int main(void)
{
	test_basics();
	test_commands_and_choices();
	test_sample_shortcuts();
	test_bases();
	test_errors();
	test_usage();
	test_complete();
	return check_done("flags");
}
