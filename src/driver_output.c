/*
 * driver_output: what happens to a report's bytes once generated, as
 * pprof's generateReport and its post-processors do it: graph images are
 * laid out and drawn (render_gvc), binary outputs bound for a terminal go
 * to a file instead, and the viewer commands (-web, -evince, ...) open a
 * temporary file with a program.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "driver_int.h"
#include "render_gvc.h"

extern char **environ;

static int write_file(FILE *f, const char *path, const char *data, size_t n, char *err, size_t errsize)
{
	size_t w = fwrite(data, 1, n, f);
	if (fclose(f) != 0 || w != n) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- viewers ---- */

/* The programs pprof tries, in order, for a command's viewer. */
static size_t viewers(const char *viewer, const char **list, size_t max)
{
	size_t n = 0;
	if (strcmp(viewer, "web") != 0) {
		list[n++] = !strcmp(viewer, "gv") ? "gv --noantialias" : viewer;
		return n;
	}
	const char *user = getenv("BROWSER");
	if (user && user[0])
		list[n++] = user;
	static const char *const browsers[] = { "chrome", "google-chrome", "chromium", "firefox", "sensible-browser" };
	for (size_t i = 0; i < sizeof browsers / sizeof browsers[0] && n < max; i++)
		list[n++] = browsers[i];
	const char *display = getenv("DISPLAY");
	if (display && display[0] && n < max)
		list[n++] = "xdg-open"; /* only for desktop sessions */
	return n;
}

/* spawn starts "program args..." (split at spaces) on file; returns its pid or -1. */
static pid_t spawn(const char *command, const char *file)
{
	char *copy = xstrdup(command);
	char *argv[16];
	size_t argc = 0;
	for (char *save, *tok = strtok_r(copy, " ", &save); tok && argc < 14; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	pid_t pid = -1;
	if (argc > 0) {
		argv[argc++] = (char *)file;
		argv[argc] = NULL;
		/*
		 * The viewer gets the signals cprof blocks or ignores back (the
		 * web server blocks SIGINT and SIGTERM in its threads to stop cleanly).
		 */
		posix_spawnattr_t attr;
		sigset_t none, defaults;
		sigemptyset(&none);
		sigemptyset(&defaults);
		sigaddset(&defaults, SIGINT);
		sigaddset(&defaults, SIGTERM);
		sigaddset(&defaults, SIGPIPE);
		posix_spawnattr_init(&attr);
		posix_spawnattr_setsigmask(&attr, &none);
		posix_spawnattr_setsigdefault(&attr, &defaults);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
		if (posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ) != 0)
			pid = -1;
		posix_spawnattr_destroy(&attr);
	}
	free(copy);
	return pid;
}

/*
 * detach starts the viewer from a short-lived child, so that the shell
 * goes on while the viewer runs and no zombie is left behind.
 */
static bool detach(const char *command, const char *file)
{
	pid_t child = fork();
	if (child < 0)
		return false;
	if (child == 0)
		_exit(spawn(command, file) > 0 ? 0 : 1);
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

/*
 * view writes the report to a temporary file ($TMPDIR/pprofNNN.svg, ...)
 * and opens it with the first viewer that starts, as pprof's
 * invokeVisualizer does: it waits for the viewer (unless interactive) and
 * at least a second, so the viewer can read the file, then removes the
 * file. When no viewer shows it, the file stays and the error names it.
 */
static int view(const struct command *cmd, bool interactive, const char *data, size_t n, char *err, size_t errsize)
{
	const char *suffix = cmd->render_format ? cmd->render_format
			     : cmd->format == FMT_CALLGRIND ? "grind"
							     : "html";
	const char *tmp = getenv("TMPDIR");
	struct strbuf path = STRBUF_INIT;
	FILE *f = create_numbered_file(tmp && tmp[0] ? tmp : "/tmp", "pprof", suffix, &path);
	if (!f) {
		snprintf(err, errsize, "creating a temporary file: %s", strerror(errno));
		sb_free(&path);
		return -1;
	}
	if (write_file(f, sb_cstr(&path), data, n, err, errsize) < 0) {
		sb_free(&path);
		return -1;
	}
	const char *list[8];
	size_t nv = viewers(cmd->viewer, list, 8);
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec++;
	int rc = -1;
	for (size_t i = 0; i < nv && rc < 0; i++) {
		if (interactive) {
			if (detach(list[i], sb_cstr(&path)))
				rc = 0;
			continue;
		}
		pid_t pid = spawn(list[i], sb_cstr(&path));
		if (pid < 0)
			continue;
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			rc = 0;
		} else {
			/* pprof stops at the first viewer that starts, and reports how it ended */
			snprintf(err, errsize, "%s: exit status %d; open %s yourself", list[i],
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), sb_cstr(&path));
			sb_free(&path);
			return -1; /* unlike pprof, the file stays for the user to open */
		}
	}
	if (rc < 0) {
		struct strbuf tried = STRBUF_INIT;
		for (size_t i = 0; i < nv; i++)
			sb_addf(&tried, "%s%s", i ? ", " : "", list[i]);
		const char *dash = interactive ? "" : "-";
		if (!strcmp(cmd->viewer, "web"))
			snprintf(err, errsize, "%s%s: no web browser to start (tried %s%s); set $BROWSER, or open %s yourself",
				 dash, cmd->name, sb_cstr(&tried), getenv("DISPLAY") ? "" : "; xdg-open needs $DISPLAY",
				 sb_cstr(&path));
		else
			snprintf(err, errsize, "%s%s: could not start %s; open %s yourself", dash, cmd->name,
				 sb_cstr(&tried), sb_cstr(&path));
		sb_free(&tried);
		sb_free(&path);
		return -1; /* unlike pprof, the file stays for the user to open */
	}
	sleep_until(&deadline);
	if (!interactive)
		unlink(sb_cstr(&path));
	sb_free(&path);
	return 0;
}

int driver_open_browser(const char *url)
{
	const char *list[8];
	size_t nv = viewers("web", list, 8);
	for (size_t i = 0; i < nv; i++)
		if (detach(list[i], url))
			return 0;
	return -1;
}

/* ---- delivery ---- */

/*
 * The profile's strings hold NULs as escapes (util.h): a text report gets
 * its bytes back here, where every front end's output passes and the
 * text is told from the binary. -proto writes the bytes itself; a graph
 * image is drawn from the escaped dot text, as Graphviz reads C strings.
 */
static bool unescaped_output(const struct report *r, const struct command *cmd)
{
	/* the web's JSON and HTML write NULs as JSON escapes them (json.h) */
	bool web = cmd->format == FMT_WEBLIST || report_family(cmd->format) != cmd->format;
	return r->p->escaped && !cmd->render_format && cmd->format != FMT_PROTO && cmd->format != FMT_TOPPROTO &&
	       !web;
}

/* in_memory generates r's report into a buffer of its own (*buf, freed by the caller). */
static int in_memory(struct report *r, char **buf, size_t *n, char *err, size_t errsize)
{
	FILE *mem = xopen_memstream(buf, n);
	int rc = report_generate(r, mem, err, errsize);
	fclose(mem);
	return rc;
}

/* render_in_memory lays out dot text into an image in a buffer of its own. */
static int render_in_memory(const char *dot, size_t n, const char *format, bool pan, char **img, size_t *nimg,
			    char *err, size_t errsize)
{
	FILE *mem = xopen_memstream(img, nimg);
	int rc = render_dot(dot, n, format, pan, mem, err, errsize);
	fclose(mem);
	return rc;
}

/*
 * web_graph delivers the graph view's data: the report's first lines (the
 * title, the JSON members) as they are, then the DOT text after them laid
 * out as SVG, from its <svg> element on, as pprof's web view embeds it.
 */
static int web_graph(struct report *r, const struct report_request *req, FILE *out, char *err, size_t errsize)
{
	char *buf = NULL, *img = NULL;
	size_t n = 0, nimg = 0;
	int rc = in_memory(r, &buf, &n, err, errsize);
	if (rc == 0) {
		/* the title and members are a line each; the DOT text begins "digraph" */
		const char *dot = strstr(buf, "\ndigraph ");
		size_t head = dot ? (size_t)(dot - buf) + 1 : n;
		double t = clock_seconds();
		rc = render_in_memory(buf + head, n - head, "svg", false, &img, &nimg, err, errsize);
		if (req->timing)
			req->timing->layout = clock_seconds() - t;
		if (rc == 0) {
			const char *svg = strstr(img, "<svg"); /* a memstream's buffer ends in a NUL */
			size_t skip = svg ? (size_t)(svg - img) : 0;
			fwrite(buf, 1, head, out);
			fwrite(img + skip, 1, nimg - skip, out);
		}
	}
	free(img);
	free(buf);
	return rc;
}

/* write_away writes a binary report to profileNNN.suffix rather than to a terminal, as pprof does. */
static int write_away(const struct command *cmd, const char *buf, size_t n, struct strbuf *warn, char *err,
		      size_t errsize)
{
	struct strbuf path = STRBUF_INIT;
	int rc = 0;
	FILE *f = create_numbered_file(NULL, "profile", cmd->tty_suffix, &path);
	if (!f) {
		snprintf(err, errsize, "%s: %s", sb_cstr(&path), strerror(errno));
		rc = -1;
	} else {
		sb_addf(warn, "Generating report in %s\n", sb_cstr(&path));
		rc = write_file(f, sb_cstr(&path), buf, n, err, errsize);
	}
	sb_free(&path);
	return rc;
}

int driver_deliver_made(const struct report *r, const struct report_request *req, FILE *out, char *buf, size_t n,
			struct strbuf *warn, char *err, size_t errsize)
{
	const struct command *cmd = req->cmd;
	bool to_file = r->o.output && r->o.output[0];
	if (r->p->escaped)
		n = nul_unescape(buf, buf, n);
	if (cmd->tty_suffix && !to_file && (req->interactive || isatty(fileno(out))))
		return write_away(cmd, buf, n, warn, err, errsize);
	fwrite(buf, 1, n, out);
	return 0;
}

int driver_deliver(struct report *r, const struct report_request *req, FILE *out, struct strbuf *warn, char *err,
		   size_t errsize)
{
	const struct command *cmd = req->cmd;
	bool to_file = r->o.output && r->o.output[0];
	bool viewer = cmd->viewer && !to_file;
	bool away = !viewer && cmd->tty_suffix && !to_file && (req->interactive || isatty(fileno(out)));
	bool unescape = unescaped_output(r, cmd);
	if (cmd->format == FMT_WEB_GRAPH)
		return web_graph(r, req, out, err, errsize);
	if (!cmd->render_format && !viewer && !away) {
		if (!unescape)
			return report_generate(r, out, err, errsize);
		FILE *text = nul_unescape_stream(out);
		int rc = report_generate(r, text, err, errsize);
		fclose(text); /* a failed write shows in out's error flag, which its owner checks */
		return rc;
	}

	char *buf = NULL, *img = NULL;
	size_t n = 0, nimg = 0;
	int rc = in_memory(r, &buf, &n, err, errsize);
	if (unescape)
		n = nul_unescape(buf, buf, n);
	if (rc == 0 && cmd->render_format) {
		/* pprof's svg and web make the SVG pannable; eog's is dot's own */
		bool pan = !strcmp(cmd->name, "svg") || !strcmp(cmd->name, "web");
		rc = render_in_memory(buf, n, cmd->render_format, pan, &img, &nimg, err, errsize);
		free(buf);
		buf = img;
		n = nimg;
	}
	if (rc == 0) {
		if (viewer) {
			rc = view(cmd, req->interactive, buf, n, err, errsize);
		} else if (away) {
			rc = write_away(cmd, buf, n, warn, err, errsize);
		} else {
			fwrite(buf, 1, n, out);
		}
	}
	free(buf);
	return rc;
}
