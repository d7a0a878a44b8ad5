#include "srcfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hashtab.h"

/* ---- paths, as Go's path/filepath handles them ---- */

/* split_list is filepath.SplitList: "" has no element, "a:" has two. */
static size_t split_list(const char *list, char ***out)
{
	*out = NULL;
	if (!list[0])
		return 0;
	size_t n = 1;
	for (const char *c = list; *c; c++)
		n += *c == ':';
	char **items = xcalloc(n, sizeof *items);
	const char *c = list;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(c, ":");
		items[i] = xstrndup(c, len);
		c += len + 1;
	}
	*out = items;
	return n;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* path_join is filepath.Join of two elements. */
static char *path_join(const char *dir, const char *name)
{
	struct strbuf joined = STRBUF_INIT, clean = STRBUF_INIT;
	if (dir[0])
		sb_addf(&joined, "%s/%s", dir, name);
	else if (name[0])
		sb_adds(&joined, name);
	else
		return xstrdup("");
	path_clean(sb_cstr(&joined), &clean);
	sb_free(&joined);
	return clean.s;
}

/* path_dir is filepath.Dir: everything before the last slash, cleaned. */
static char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	char *head = xstrndup(path, n);
	struct strbuf clean = STRBUF_INIT;
	path_clean(head, &clean);
	free(head);
	return clean.s;
}

void srcfile_trim_path(const char *path, const char *trim, const char *search, struct strbuf *out)
{
	sb_reset(out);
	char **items;
	size_t n;
	if (!trim[0]) {
		/* guess: the search directory's base name, found in the path, ends the part to cut */
		n = split_list(search, &items);
		struct strbuf base = STRBUF_INIT, want = STRBUF_INIT;
		const char *found = NULL;
		for (size_t i = 0; i < n && !found; i++) {
			path_base(items[i], &base);
			sb_reset(&want);
			sb_addf(&want, "/%s/", sb_cstr(&base));
			found = strstr(path, sb_cstr(&want));
		}
		if (found)
			sb_adds(out, found + want.len);
		sb_free(&base);
		sb_free(&want);
		free_list(items, n);
		if (found)
			return;
	}
	n = split_list(trim, &items);
	items = xreallocarray(items, n + 2, sizeof *items);
	items[n++] = xstrdup("/proc/self/cwd/./");
	items[n++] = xstrdup("/proc/self/cwd/");
	struct strbuf prefix = STRBUF_INIT;
	bool cut = false;
	for (size_t i = 0; i < n && !cut; i++) {
		sb_reset(&prefix);
		sb_adds(&prefix, items[i]);
		if (!str_has_suffix(items[i], "/"))
			sb_addc(&prefix, '/');
		if (str_has_prefix(path, sb_cstr(&prefix))) {
			sb_adds(out, path + prefix.len);
			cut = true;
		}
	}
	if (!cut)
		sb_adds(out, path);
	sb_free(&prefix);
	free_list(items, n);
}

size_t srcfile_candidates(const char *trimmed, const char *search, char ***out)
{
	if (trimmed[0] == '/') {
		*out = xmalloc(sizeof **out);
		(*out)[0] = xstrdup(trimmed);
		return 1;
	}
	char **dirs;
	size_t ndirs = split_list(search, &dirs), n = 0, cap = 0;
	char **list = NULL;
	for (size_t i = 0; i < ndirs; i++) {
		char *dir = xstrdup(dirs[i]);
		/* Dir reaches "." or "/" and then returns its argument, so this ends */
		for (;;) {
			GROW(list, cap, n + 1);
			list[n++] = path_join(dir, trimmed);
			char *parent = path_dir(dir);
			bool top = !strcmp(parent, dir);
			free(dir);
			dir = parent;
			if (top)
				break;
		}
		free(dir);
	}
	free_list(dirs, ndirs);
	*out = list;
	return n;
}

/* ---- files ---- */

struct srcfile {
	char *name;  /* as the report calls it: the cache key */
	char *path;  /* where it was found, or NULL */
	char *error; /* why not, as pprof says it */
	FILE *fp;    /* open between finding and the first read; kept if not regular */
	bool regular, done;
	off_t offset; /* where the next unread line starts */
	struct strbuf text; /* the lines read so far, each NUL-terminated */
	size_t *start;      /* start[i]: where line i+1 begins in text; start[n_line] is its end */
	size_t n_line, cap_start;
};

struct srcfile_reader {
	char *search, *trim;
	struct srcfile *file;
	size_t n_file, cap_file;
	struct htab index;
};

struct srcfile_reader *srcfile_reader_new(const char *search, const char *trim)
{
	struct srcfile_reader *r = xcalloc(1, sizeof *r);
	r->search = xstrdup(search);
	r->trim = xstrdup(trim);
	htab_init(&r->index, 16);
	return r;
}

void srcfile_reader_free(struct srcfile_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_file; i++) {
		struct srcfile *f = &r->file[i];
		if (f->fp)
			fclose(f->fp);
		free(f->name);
		free(f->path);
		free(f->error);
		sb_free(&f->text);
		free(f->start);
	}
	free(r->file);
	htab_free(&r->index);
	free(r->search);
	free(r->trim);
	free(r);
}

/* Go spells errno messages as the C library does, but in lower case. */
static void go_errno(int e, struct strbuf *out)
{
	const char *msg = strerror(e);
	sb_addc(out, (char)tolower((unsigned char)msg[0]));
	if (msg[0])
		sb_adds(out, msg + 1);
}

static void find(struct srcfile_reader *r, struct srcfile *f)
{
	struct strbuf trimmed = STRBUF_INIT;
	srcfile_trim_path(f->name, r->trim, r->search, &trimmed);
	char **cand;
	size_t n = srcfile_candidates(sb_cstr(&trimmed), r->search, &cand);
	int open_errno = 0;
	for (size_t i = 0; i < n && !f->path; i++) {
		/* like os.Open, this also opens a directory; reading it then gives no lines */
		FILE *fp = fopen(cand[i], "rb");
		if (!fp) {
			open_errno = errno;
			continue;
		}
		struct stat st;
		f->regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
		f->fp = fp;
		f->path = xstrdup(cand[i]);
	}
	if (!f->path) {
		struct strbuf e = STRBUF_INIT;
		if (sb_cstr(&trimmed)[0] == '/') {
			sb_addf(&e, "open %s: ", sb_cstr(&trimmed));
			go_errno(open_errno, &e);
		} else {
			sb_addf(&e, "could not find file %s on path %s", sb_cstr(&trimmed), r->search);
		}
		f->error = e.s;
	}
	free_list(cand, n);
	sb_free(&trimmed);
}

static void add_line(struct srcfile *f, const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (f->n_line == 0) {
		GROW(f->start, f->cap_start, 1);
		f->start[0] = 0;
	}
	sb_addn(&f->text, s, len);
	sb_addc(&f->text, '\0');
	GROW(f->start, f->cap_start, f->n_line + 2);
	f->start[++f->n_line] = f->text.len;
}

/*
 * read_upto reads lines until the file has want of them or ends. A regular
 * file is closed in between and read on from f->offset later; anything
 * else (a pipe, a device) cannot be reopened there, so it stays open.
 */
static void read_upto(struct srcfile *f, size_t want)
{
	FILE *fp = f->fp;
	f->fp = NULL;
	if (!fp) {
		fp = fopen(f->path, "rb");
		if (!fp || fseeko(fp, f->offset, SEEK_SET) != 0) {
			if (fp)
				fclose(fp);
			f->done = true;
			return;
		}
	}
	struct strbuf cur = STRBUF_INIT; /* the line being read, so far */
	while (f->n_line < want) {
		int c = getc_unlocked(fp);
		if (c == EOF) {
			/* end of file or a read error: bufio.Scanner keeps what it has either way */
			if (cur.len)
				add_line(f, cur.s, cur.len);
			f->done = true;
			break;
		}
		if (c == '\n') {
			add_line(f, sb_cstr(&cur), cur.len);
			sb_reset(&cur);
		} else if (cur.len + 1 >= SRCFILE_MAX_LINE) {
			f->done = true; /* bufio.ErrTooLong: the line and the rest are lost */
			break;
		} else {
			sb_addc(&cur, (char)c);
		}
	}
	sb_free(&cur);
	if (!f->done && !f->regular) {
		f->fp = fp;
		return;
	}
	if (!f->done && (f->offset = ftello(fp)) < 0)
		f->done = true;
	fclose(fp);
}

struct name_probe {
	const struct srcfile_reader *r;
	const char *name;
};

static bool name_eq(const void *ctx, uint32_t v)
{
	const struct name_probe *p = ctx;
	return !strcmp(p->r->file[v].name, p->name);
}

static struct srcfile *lookup(struct srcfile_reader *r, const char *name, bool add)
{
	struct name_probe probe = { r, name };
	uint64_t h = hash_str(name, HASH_SEED);
	uint32_t i = htab_find(&r->index, h, name_eq, &probe);
	if (i != UINT32_MAX)
		return &r->file[i];
	if (!add)
		return NULL;
	GROW(r->file, r->cap_file, r->n_file + 1);
	struct srcfile *f = &r->file[r->n_file];
	memset(f, 0, sizeof *f);
	f->name = xstrdup(name);
	htab_insert(&r->index, h, (uint32_t)r->n_file++);
	find(r, f);
	return f;
}

const char *srcfile_line(struct srcfile_reader *r, const char *name, int64_t lineno, size_t *len)
{
	struct srcfile *f = lookup(r, name, true);
	if (lineno <= 0 || !f->path)
		return NULL;
	size_t want = (uint64_t)lineno > SIZE_MAX ? SIZE_MAX : (size_t)lineno;
	if (want > f->n_line && !f->done)
		read_upto(f, want);
	if (want > f->n_line)
		return NULL;
	*len = f->start[want] - f->start[want - 1] - 1;
	return f->text.s + f->start[want - 1];
}

const char *srcfile_error(struct srcfile_reader *r, const char *name)
{
	struct srcfile *f = lookup(r, name, false);
	return f ? f->error : NULL;
}
