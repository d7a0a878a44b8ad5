/*
 * report_disasm: -disasm REGEX, the assembly of every symbol that matches
 * (or holds the address REGEX spells), annotated with the samples that
 * fall on each instruction, as pprof's PrintAssembly prints it.
 *
 * Like pprof, it asks the binary tools: `llvm-nm -n` (or nm) for the
 * symbols and their extents, and llvm-objdump (or GNU objdump) for the
 * instructions and their source lines, found on the -tools path list
 * ($PPROF_TOOLS), then $PATH. Their output is read with the rules of
 * pprof's binutils package, so the listing is the one pprof shows.
 */
#define _GNU_SOURCE
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demangle.h"
#include "graph.h"
#include "re.h"
#include "symbolize_int.h"
#include "units.h"

extern char **environ;

/* ---- finding and running the tools ---- */

/* Go's exec.LookPath: a name with a slash is taken as is, others are searched in $PATH. */
static char *look_path(const char *name)
{
	struct stat st;
	if (strchr(name, '/'))
		return stat(name, &st) == 0 && S_ISREG(st.st_mode) && access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	for (const char *p = path;;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		sb_reset(&b);
		sb_addf(&b, "%.*s/%s", (int)len, len ? p : ".", name);
		if (stat(sb_cstr(&b), &st) == 0 && S_ISREG(st.st_mode) && access(sb_cstr(&b), X_OK) == 0)
			return b.s;
		if (!end)
			break;
		p = end + 1;
	}
	sb_free(&b);
	return NULL;
}

/*
 * find_tool is pprof's chooseExe over the tool's own -tools entries
 * ("name:dir") and then the unnamed ones (an empty list: $PATH). With
 * accept, a candidate must also pass it.
 */
static char *find_tool(const char *config, const char *const *names, const char *tool,
		       bool (*accept)(const char *exe, bool *llvm), bool *llvm)
{
	for (const char *const *name = names; *name; name++) {
		for (int pass = 0; pass < 2; pass++) {
			/* pass 0: entries for this tool; pass 1: the unnamed ones */
			char *copy = xstrdup(config);
			char *save = NULL;
			bool any = false;
			for (char *t = strtok_r(copy, ",", &save);; t = strtok_r(NULL, ",", &save)) {
				const char *dir = t;
				if (!t) {
					/* strings.Split("", ",") is one empty entry: the default */
					if (pass == 0 || any || config[0])
						break;
					dir = "";
				} else {
					char *colon = strchr(t, ':');
					bool named = colon != NULL;
					if (named) {
						*colon = '\0';
						dir = colon + 1;
					}
					if (pass == 0 ? !named || strcmp(t, tool) != 0 : named)
						continue;
				}
				any = true;
				struct strbuf cand = STRBUF_INIT;
				if (dir[0])
					sb_addf(&cand, "%s/%s", dir, *name);
				else
					sb_adds(&cand, *name);
				char *exe = look_path(sb_cstr(&cand));
				sb_free(&cand);
				if (exe && (!accept || accept(exe, llvm))) {
					free(copy);
					return exe;
				}
				free(exe);
				if (!t)
					break;
			}
			free(copy);
		}
	}
	return NULL;
}

/* run_tool runs argv with its output into out; it fails on a start failure or a non-zero exit. */
static int run_tool(char *const argv[], struct strbuf *out, char *err, size_t errsize)
{
	int fd[2];
	/* close-on-exec: a tool another request starts at the same time must not hold this pipe open */
	if (pipe2(fd, O_CLOEXEC) != 0) {
		snprintf(err, errsize, "%s: %s", argv[0], strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		snprintf(err, errsize, "%s: %s", argv[0], strerror(rc));
		return -1;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_addn(out, buf, (size_t)n);
	}
	close(fd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errsize, "%s: %s", argv[0], strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errsize, "%s: exit status %d", argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* tool_path is path as a tool's argument: one that starts with '-' would be taken for an option. */
static char *tool_path(const char *path)
{
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s%s", path[0] == '-' ? "./" : "", path);
	return b.s;
}

/* pprof's isLLVMObjdump (version 8 or later on Linux) and isBuObjdump. */
static bool usable_objdump(const char *exe, bool *llvm)
{
	char *argv[] = { (char *)exe, "--version", NULL };
	struct strbuf out = STRBUF_INIT;
	char err[256];
	bool ok = false;
	if (run_tool(argv, &out, err, sizeof err) == 0) {
		const char *v = strstr(sb_cstr(&out), "LLVM version ");
		if (v) {
			v += strlen("LLVM version ");
			const char *eol = strchr(v, '\n');
			size_t len = eol ? (size_t)(eol - v) : strlen(v);
			if (memmem(v, len, "trunk", 5)) {
				ok = *llvm = true;
			} else {
				char *end;
				long major = strtol(v, &end, 10);
				if (end != v && *end == '.' && major >= 8)
					ok = *llvm = true;
			}
		}
		if (!ok && strstr(sb_cstr(&out), "GNU objdump")) {
			ok = true;
			*llvm = false;
		}
	}
	sb_free(&out);
	return ok;
}

/* ---- symbols (pprof's findSymbols over nm -n) ---- */

/* A node of the graph at an address of a symbol's binary. */
struct sym_node {
	uint64_t obj_addr;
	const struct gnode *n;
};

struct sym {
	char **name; /* the names it is listed under; the first is shown */
	size_t n_name;
	uint64_t start, end;
	const char *path;   /* its binary, */
	struct binary *bin; /* opened for object addresses */
	struct sym_node *nodes; /* its nodes, by address */
	size_t n_nodes;
};

static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (!isxdigit(c))
			return false;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*out = v;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\v';
}

/* go_trim is strings.TrimSpace on [s, s+len): it moves s and shrinks len. */
static void go_trim(const char **s, size_t *len)
{
	while (*len && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* next_line takes the line at *p (before end), trimmed as Go's TrimSpace trims it, and moves *p past it. */
static void next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	go_trim(line, len);
}

/* skip_spaces is the end of the run of white space at s[i] (i itself when there is none). */
static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	while (i < len && is_space(s[i]))
		i++;
	return i;
}

/* One line of nm -n: "ADDRESS TYPE NAME". */
static bool nm_line(const char *s, size_t len, uint64_t *addr, char **name)
{
	size_t i = 0;
	while (i < len && isxdigit((unsigned char)s[i]))
		i++;
	size_t digits = i;
	i = skip_spaces(s, len, digits);
	if (digits == 0 || i == digits || i == len)
		return false;
	size_t type = i; /* the type letter */
	i = skip_spaces(s, len, type + 1);
	if (i == type + 1)
		return false;
	if (!parse_hex(s, digits, addr))
		return false;
	*name = xstrndup(s + i, len - i);
	return true;
}

/* pprof's matchSymbol: the names to show for a group that matches, or none. */
static size_t match_symbol(char **names, size_t n, uint64_t start, uint64_t end, const struct regex *rx,
			   uint64_t address, char ***out)
{
	if (address != 0 && address >= start && address <= end) {
		*out = xmalloc((n ? n : 1) * sizeof **out);
		for (size_t i = 0; i < n; i++)
			(*out)[i] = xstrdup(names[i]);
		return n;
	}
	static const unsigned variants[] = {
		DEMANGLE_NO_CLONES,
		DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS,
		DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS | DEMANGLE_NO_TEMPLATE_PARAMS,
	};
	for (size_t i = 0; i < n; i++) {
		char *hit = NULL;
		if (!rx || re_match(rx, names[i]))
			hit = xstrdup(names[i]);
		for (size_t v = 0; !hit && v < sizeof variants / sizeof variants[0]; v++) {
			char *d = demangle_filter(names[i], variants[v]);
			if (d && re_match(rx, d))
				hit = d;
			else
				free(d);
		}
		if (hit) {
			*out = xmalloc(sizeof **out);
			(*out)[0] = hit;
			return 1;
		}
	}
	return 0;
}

struct sym_list {
	struct sym *s;
	size_t n, cap;
};

static void add_group(struct sym_list *l, const char *path, struct binary *bin, char **names, size_t n, uint64_t start, uint64_t end,
		      const struct regex *rx, uint64_t address)
{
	char **match;
	size_t nm = match_symbol(names, n, start, end, rx, address, &match);
	if (nm == 0)
		return;
	GROW(l->s, l->cap, l->n + 1);
	l->s[l->n++] = (struct sym){ match, nm, start, end, path, bin, NULL, 0 };
}

/* find_symbols is pprof's findSymbols over the listing of nm -n. */
static void find_symbols(const struct strbuf *listing, const char *path, struct binary *bin, const struct regex *rx, uint64_t address,
			 struct sym_list *out)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	uint64_t start = 0;
	const char *p = listing->s ? listing->s : "", *end = p + listing->len;
	for (;;) {
		uint64_t addr = 0;
		char *name = NULL;
		bool eof = true;
		while (p < end) {
			const char *line;
			size_t len;
			next_line(&p, end, &line, &len);
			if (nm_line(line, len, &addr, &name)) {
				eof = false;
				break;
			}
		}
		if (eof) {
			/* the last group ends where the address space does */
			if (n)
				add_group(out, path, bin, names, n, start, addr - 1, rx, address);
			break;
		}
		if (addr == start) {
			GROW(names, cap, n + 1);
			names[n++] = name;
			continue;
		}
		add_group(out, path, bin, names, n, start, addr - 1, rx, address);
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		n = 0;
		GROW(names, cap, 1);
		names[n++] = name;
		start = addr;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- instructions (pprof's disassemble over objdump's listing) ---- */

struct inst {
	uint64_t addr;
	char *text;
	const char *function, *file; /* in the listing's arena */
	int64_t line;
};

/* `^\s*([[:xdigit:]]+):\s+(.*)` on a trimmed line. */
static bool asm_line(const char *s, size_t len, uint64_t *addr, const char **text)
{
	size_t i = 0;
	while (i < len && isxdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || i == len || s[i] != ':')
		return false;
	size_t j = skip_spaces(s, len, i + 1);
	if (j == i + 1)
		return false;
	if (!parse_hex(s, i, addr))
		return false;
	*text = s + j;
	return true;
}

/* After `^;?\s?`: where the rest of a comment-like line starts. */
static size_t skip_comment_mark(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && s[i] == ';')
		i++;
	if (i < len && is_space(s[i]))
		i++;
	return i;
}

/* `^;?\s?(.*):([0-9]+)`: the last colon followed by digits. */
static bool file_line(const char *s, size_t len, size_t *file_end, uint64_t *line, bool *parsed)
{
	size_t from = skip_comment_mark(s, len);
	for (size_t i = len; i-- > from;) {
		if (s[i] != ':' || i + 1 >= len || !isdigit((unsigned char)s[i + 1]))
			continue;
		size_t j = i + 1;
		uint64_t v = 0;
		*parsed = true;
		while (j < len && isdigit((unsigned char)s[j])) {
			v = v * 10 + (uint64_t)(s[j] - '0');
			if (v > UINT32_MAX)
				*parsed = false;
			j++;
		}
		*file_end = i;
		*line = v;
		return true;
	}
	return false;
}

/* `^;?\s?(\S.*)\(\):`: a GNU objdump "name():" line. */
static bool function_line(const char *s, size_t len, size_t *from, size_t *to)
{
	size_t i = skip_comment_mark(s, len);
	if (i == len || is_space(s[i]))
		return false;
	for (size_t k = len; k >= i + 4; k--) {
		if (!memcmp(s + k - 3, "():", 3)) {
			*from = i;
			*to = k - 3;
			return true;
		}
	}
	return false;
}

/* `^([[:xdigit:]]+)?\s?(.*):`: an LLVM "ADDRESS <name>:" line. */
static bool function_line_llvm(const char *s, size_t len, size_t *from, size_t *to)
{
	const char *colon = NULL;
	for (size_t k = len; k-- > 0;)
		if (s[k] == ':') {
			colon = s + k;
			break;
		}
	if (!colon)
		return false;
	size_t i = 0;
	while (s + i < colon && isxdigit((unsigned char)s[i]))
		i++;
	if (s + i < colon && is_space(s[i]))
		i++;
	*from = i;
	*to = (size_t)(colon - s);
	return true;
}

struct inst_list {
	struct inst *in;
	size_t n, cap;
};

/* disassemble is pprof's: instructions with the function, file and line last said before them. */
static void disassemble(const struct strbuf *listing, struct arena *a, struct inst_list *out)
{
	const char *function = "", *file = "";
	int64_t line_no = 0;
	const char *p = listing->s ? listing->s : "", *end = p + listing->len;
	while (p < end) {
		const char *s;
		size_t len;
		next_line(&p, end, &s, &len);
		uint64_t addr, ln;
		const char *text;
		size_t from, to;
		bool parsed;
		if (asm_line(s, len, &addr, &text)) {
			GROW(out->in, out->cap, out->n + 1);
			char *t = arena_alloc(a, (size_t)(s + len - text) + 1);
			memcpy(t, text, (size_t)(s + len - text));
			t[s + len - text] = '\0';
			out->in[out->n++] = (struct inst){ addr, t, function, file, line_no };
			continue;
		}
		if (file_line(s, len, &to, &ln, &parsed)) {
			if (parsed) {
				from = skip_comment_mark(s, len);
				char *f = arena_alloc(a, to - from + 1);
				memcpy(f, s + from, to - from);
				f[to - from] = '\0';
				file = f;
				line_no = (int64_t)ln;
			}
			continue;
		}
		if (function_line(s, len, &from, &to) || function_line_llvm(s, len, &from, &to)) {
			char *f = arena_alloc(a, to - from + 1);
			memcpy(f, s + from, to - from);
			f[to - from] = '\0';
			function = f;
			continue;
		}
		/* anything else resets what is known */
		function = file = "";
		line_no = 0;
	}
}

/* ---- the report ---- */

static int cmp_sym(const void *pa, const void *pb)
{
	const struct sym *a = pa, *b = pb;
	int c = strcmp(a->name[0], b->name[0]);
	if (c != 0)
		return c;
	return a->start < b->start ? -1 : a->start > b->start;
}

static int cmp_node_address(const void *pa, const void *pb)
{
	const struct sym_node *a = pa, *b = pb;
	if (a->n->info.address != b->n->info.address)
		return a->n->info.address < b->n->info.address ? -1 : 1;
	return 0;
}

static void value_or_dot(const struct report *r, int64_t v, char *buf, size_t size)
{
	if (v == 0)
		snprintf(buf, size, ".");
	else
		report_format_value(r, v, buf, size);
}

static void free_sym(struct sym *s)
{
	for (size_t i = 0; i < s->n_name; i++)
		free(s->name[i]);
	free(s->name);
	free(s->nodes);
}

/* The address REGEX spells, as Go's strconv.ParseUint(s, 0, 64) reads it. */
static bool parse_address(const char *s, uint64_t *out)
{
	int base = 10;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p += 1;
	}
	if (!*p)
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		int d;
		if (*p == '_' && base != 10)
			continue; /* Go allows underscores after a base prefix */
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (isalpha((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return false;
		if (d >= base || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return true;
}

/* print_symbol prints one ROUTINE: its instructions, each with the samples up to the next. */
static int print_symbol(struct report *r, const struct sym *s, const char *objdump, bool llvm, FILE *out, char *err,
			size_t errsize)
{
	int64_t flat = 0, cum = 0;
	for (size_t i = 0; i < s->n_nodes; i++) {
		flat += node_flat(s->nodes[i].n);
		cum += node_cum(s->nodes[i].n);
	}
	char start[32], stop[32];
	snprintf(start, sizeof start, "--start-address=0x%" PRIx64, s->start);
	snprintf(stop, sizeof stop, "--stop-address=0x%" PRIx64, s->end);
	char *argv[12];
	int argc = 0;
	argv[argc++] = (char *)objdump;
	argv[argc++] = "--disassemble";
	argv[argc++] = "--demangle";
	argv[argc++] = "--no-show-raw-insn";
	argv[argc++] = "--line-numbers";
	argv[argc++] = start;
	argv[argc++] = stop;
	if (r->o.intel_syntax) {
		if (llvm) {
			argv[argc++] = "--x86-asm-syntax=intel";
		} else {
			argv[argc++] = "-M";
			argv[argc++] = "intel";
		}
	}
	char *path = tool_path(s->path);
	argv[argc++] = path;
	argv[argc] = NULL;
	struct strbuf listing = STRBUF_INIT;
	int ran = run_tool(argv, &listing, err, errsize);
	free(path);
	if (ran != 0) {
		sb_free(&listing);
		return -1;
	}
	struct arena *a = arena_new();
	struct inst_list insts = { 0 };
	disassemble(&listing, a, &insts);
	sb_free(&listing);

	fprintf(out, "ROUTINE ======================== %s\n", s->name[0]);
	for (size_t i = 1; i < s->n_name; i++)
		fprintf(out, "    AKA ======================== %s\n", s->name[i]);
	char fv[64], cv[64], pc[32];
	report_format_value(r, flat, fv, sizeof fv);
	report_format_value(r, cum, cv, sizeof cv);
	units_percentage(pc, sizeof pc, cum, r->total);
	fprintf(out, "%10s %10s (flat, cum) %s of Total\n", fv, cv, pc);

	const char *function = "", *file = "";
	int64_t line = 0;
	size_t k = 0;
	struct strbuf loc = STRBUF_INIT, ibase = STRBUF_INIT, nbase = STRBUF_INIT;
	for (size_t i = 0; i < insts.n; i++) {
		const struct inst *in = &insts.in[i];
		uint64_t next = i + 1 < insts.n ? insts.in[i + 1].addr : UINT64_MAX;
		int64_t f = 0, fd = 0, c = 0, cd = 0;
		const char *nfunc = in->function, *nfile = "";
		if (in->file[0]) {
			path_base(in->file, &ibase);
			nfile = sb_cstr(&ibase);
		}
		int64_t nline = in->line;
		for (; k < s->n_nodes && s->nodes[k].obj_addr < next; k++) {
			const struct gnode *n = s->nodes[k].n;
			f += n->flat;
			fd += n->flat_div;
			c += n->cum;
			cd += n->cum_div;
			if (n->info.file && n->info.file[0] && !nfile[0]) {
				path_base(n->info.file, &nbase);
				nfile = sb_cstr(&nbase);
			}
			if (n->info.lineno != 0 && nline == 0)
				nline = n->info.lineno;
			if (n->info.name && n->info.name[0] && !nfunc[0])
				nfunc = n->info.name;
		}
		if (fd != 0)
			f /= fd;
		if (cd != 0)
			c /= cd;
		sb_reset(&loc);
		if (strcmp(nfunc, function) != 0 || strcmp(nfile, file) != 0 || nline != line) {
			/* the names outlive this instruction: the previous ones are compared with the next */
			function = arena_strdup(a, nfunc);
			file = arena_strdup(a, nfile);
			line = nline;
			if (nfunc[0])
				sb_addf(&loc, "%s ", nfunc);
			if (nfile[0]) {
				sb_adds(&loc, nfile);
				if (nline != 0)
					sb_addf(&loc, ":%" PRId64, nline);
			}
		}
		value_or_dot(r, f, fv, sizeof fv);
		value_or_dot(r, c, cv, sizeof cv);
		if (loc.len == 0) {
			fprintf(out, "%10s %10s %10" PRIx64 ": %s\n", fv, cv, in->addr, in->text);
		} else if (strlen(in->text) < 40) {
			fprintf(out, "%10s %10s %10" PRIx64 ": %-40s;%s\n", fv, cv, in->addr, in->text, sb_cstr(&loc));
		} else {
			fprintf(out, "%74s;%s\n", "", sb_cstr(&loc));
			fprintf(out, "%10s %10s %10" PRIx64 ": %s\n", fv, cv, in->addr, in->text);
		}
	}
	sb_free(&loc);
	sb_free(&ibase);
	sb_free(&nbase);
	free(insts.in);
	arena_free(a);
	return 0;
}

int report_disasm(struct report *r, FILE *out, char *err, size_t errsize)
{
	struct graph_options go = report_graph_options(r);
	struct graph *g = graph_new(r->p, &go);
	const struct profile *p = r->p;
	uint64_t address = 0;
	bool has_address = r->symbol && parse_address(re_pattern(r->symbol), &address);

	/* the binaries with a node that matches */
	bool *matched = xcalloc(p->n_mapping + 1, sizeof *matched);
	for (size_t i = 0; i < g->n; i++) {
		const struct gnode *n = &g->node[g->list[i]];
		if (!n->info.objfile || !n->info.objfile[0])
			continue;
		if (r->symbol && !re_match(r->symbol, graph_printable(g, g->list[i])))
			continue;
		for (size_t m = 0; m < p->n_mapping; m++)
			if (p->mapping[m].file && !strcmp(p->mapping[m].file, n->info.objfile))
				matched[m] = true;
	}

	int rc = -1;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *buf = xopen_memstream(&mem, &memlen);
	char total[64];
	report_format_value(r, r->total, total, sizeof total);
	fprintf(buf, "Total: %s\n", total);

	struct sym_list syms = { 0 };
	struct binary **bins = xcalloc(p->n_mapping + 1, sizeof *bins);
	char *nm = NULL, *objdump = NULL;
	bool llvm = false;
	for (size_t m = 0; m < p->n_mapping; m++) {
		const struct mapping *mp = &p->mapping[m];
		if (!matched[m] && (!has_address || mp->start > address || address > mp->limit))
			continue;
		char why[512];
		bins[m] = binary_open(mp->file ? mp->file : "", mp->start, mp->limit, mp->offset, why, sizeof why);
		if (!bins[m]) {
			/* pprof prints this on its standard output, and goes on */
			printf("%s\n", why);
			continue;
		}
		static const char *const nm_names[] = { "llvm-nm", "nm", NULL };
		if (!nm && !(nm = find_tool(r->tools, nm_names, "nm", NULL, NULL)))
			continue;
		char *path = tool_path(mp->file);
		char *argv[] = { nm, "-n", path, NULL };
		struct strbuf listing = STRBUF_INIT;
		if (run_tool(argv, &listing, why, sizeof why) == 0)
			find_symbols(&listing, mp->file, bins[m], r->symbol, has_address ? address : 0, &syms);
		sb_free(&listing);
		free(path);
	}

	/* each symbol's nodes, by address; only symbols with some are listed */
	size_t kept = 0;
	for (size_t k = 0; k < syms.n; k++) {
		struct sym *sy = &syms.s[k];
		for (size_t i = 0; i < g->n; i++) {
			const struct gnode *n = &g->node[g->list[i]];
			uint64_t oa;
			char why[512];
			if (binary_obj_addr(sy->bin, n->info.address, &oa, why, sizeof why) != 0)
				continue;
			if (oa < sy->start || oa >= sy->end)
				continue;
			sy->nodes = xreallocarray(sy->nodes, sy->n_nodes + 1, sizeof *sy->nodes);
			sy->nodes[sy->n_nodes++] = (struct sym_node){ oa, n };
		}
		if (sy->n_nodes == 0) {
			free_sym(sy);
			continue;
		}
		qsort(sy->nodes, sy->n_nodes, sizeof *sy->nodes, cmp_node_address);
		syms.s[kept++] = *sy;
	}
	size_t n_found = syms.n;
	syms.n = kept;
	if (syms.n > 1)
		qsort(syms.s, syms.n, sizeof *syms.s, cmp_sym);

	if (kept == 0) {
		if (!has_address)
			snprintf(err, errsize, "no matches found for regexp %s", r->symbol ? re_pattern(r->symbol) : "");
		else if (n_found == 0)
			snprintf(err, errsize, "no matches found for address 0x%" PRIx64, address);
		else
			snprintf(err, errsize,
				 "address 0x%" PRIx64
				 " found in binary, but the corresponding symbols do not have samples in the profile",
				 address);
		goto done;
	}
	static const char *const objdump_names[] = { "llvm-objdump", "objdump", NULL };
	objdump = find_tool(r->tools, objdump_names, "objdump", usable_objdump, &llvm);
	if (!objdump) {
		snprintf(err, errsize, "cannot disasm: no objdump tool available");
		goto done;
	}
	rc = 0;
	for (size_t i = 0; i < syms.n && rc == 0; i++)
		rc = print_symbol(r, &syms.s[i], objdump, llvm, buf, err, errsize);
done:
	fclose(buf);
	if (rc == 0)
		fwrite(mem, 1, memlen, out);
	free(mem);
	for (size_t i = 0; i < syms.n; i++)
		free_sym(&syms.s[i]);
	free(syms.s);
	for (size_t m = 0; m < p->n_mapping; m++)
		if (bins[m])
			binary_close(bins[m]);
	free(bins);
	free(matched);
	free(nm);
	free(objdump);
	graph_free(g);
	return rc;
}
