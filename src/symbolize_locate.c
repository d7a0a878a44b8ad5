/*
 * symbolize_locate: where a mapping's binary is on this machine, searched
 * as pprof's locateBinaries searches (internal/driver/fetch.go): for each
 * directory of $PPROF_BINARY_PATH (default $HOME/pprof/binaries), by
 * build id (DIR/ID/BASE, DIR/ID/ any file, DIR/FILE/ID, DIR/I/D.debug) and by name
 * (DIR/BASE, DIR/FILE, DIR/FILE.debug, DIR/DIRNAME/.debug/BASE.debug,
 * DIR/usr/lib/debug/DIRNAME/BASE.debug); the first file that opens as a
 * binary for the mapping, with a matching build id, wins.
 */
#include "symbolize.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize_int.h"

/* go_join is Go's filepath.Join: the non-empty parts joined by '/', cleaned; "" if all are empty. */
static void go_join(struct strbuf *out, const char *const *parts, size_t n)
{
	struct strbuf raw = STRBUF_INIT;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!parts[i][0])
			continue;
		if (any)
			sb_addc(&raw, '/');
		sb_adds(&raw, parts[i]);
		any = true;
	}
	if (any)
		path_clean(sb_cstr(&raw), out);
	else
		sb_reset(out);
	sb_free(&raw);
}

/* go_dir is Go's filepath.Dir. */
static void go_dir(const char *path, struct strbuf *out)
{
	const char *slash = strrchr(path, '/');
	char *d = xstrndup(path, slash ? (size_t)(slash - path + 1) : 0);
	path_clean(d, out);
	free(d);
}

struct names {
	char **v;
	size_t n, cap;
};

static void add_name(struct names *ns, const char *s)
{
	GROW(ns->v, ns->cap, ns->n + 1);
	ns->v[ns->n++] = xstrdup(s);
}

static void add_joined(struct names *ns, struct strbuf *tmp, const char *const *parts, size_t n)
{
	go_join(tmp, parts, n);
	add_name(ns, sb_cstr(tmp));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* add_glob adds the entries of dir, sorted, as filepath.Glob(dir/"*") lists them. */
static void add_glob(struct names *ns, const char *dir)
{
	if (strpbrk(dir, "*?[\\"))
		return; /* a pattern in the directory part: not something a build id holds */
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct names found = { NULL, 0, 0 };
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			add_name(&found, e->d_name);
	closedir(d);
	if (found.n > 1)
		qsort(found.v, found.n, sizeof *found.v, str_cmp);
	struct strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; i < found.n; i++) {
		const char *parts[2] = { dir, found.v[i] };
		add_joined(ns, &tmp, parts, 2);
		free(found.v[i]);
	}
	sb_free(&tmp);
	free(found.v);
}

static void candidates(const struct mapping *m, const char *dir, struct names *ns)
{
	struct strbuf tmp = STRBUF_INIT, base = STRBUF_INIT, dirname = STRBUF_INIT;
	if (m->file[0]) {
		path_base(m->file, &base);
		go_dir(m->file, &dirname);
	}
	const char *id = m->build_id, *file = m->file, *b = sb_cstr(&base), *dn = sb_cstr(&dirname);
	if (id[0]) {
		const char *p1[] = { dir, id, b };
		add_joined(ns, &tmp, p1, 3);
		const char *p2[] = { dir, id };
		go_join(&tmp, p2, 2);
		add_glob(ns, sb_cstr(&tmp));
		const char *p3[] = { dir, file, id };
		add_joined(ns, &tmp, p3, 3);
		if (strlen(id) >= 2) {
			char head[3] = { id[0], id[1], '\0' };
			char *tail = xstrdup(id + 2);
			struct strbuf t2 = STRBUF_INIT;
			sb_addf(&t2, "%s.debug", tail);
			const char *p4[] = { dir, head, sb_cstr(&t2) };
			add_joined(ns, &tmp, p4, 3);
			sb_free(&t2);
			free(tail);
		}
	}
	if (file[0]) {
		struct strbuf dbg_file = STRBUF_INIT, dbg_base = STRBUF_INIT;
		sb_addf(&dbg_file, "%s.debug", file);
		sb_addf(&dbg_base, "%s.debug", b);
		const char *p5[] = { dir, b };
		add_joined(ns, &tmp, p5, 2);
		const char *p6[] = { dir, file };
		add_joined(ns, &tmp, p6, 2);
		const char *p7[] = { dir, sb_cstr(&dbg_file) };
		add_joined(ns, &tmp, p7, 2);
		const char *p8[] = { dir, dn, ".debug", sb_cstr(&dbg_base) };
		add_joined(ns, &tmp, p8, 4);
		const char *p9[] = { dir, "usr", "lib", "debug", dn, sb_cstr(&dbg_base) };
		add_joined(ns, &tmp, p9, 6);
		sb_free(&dbg_file);
		sb_free(&dbg_base);
	}
	sb_free(&tmp);
	sb_free(&base);
	sb_free(&dirname);
}

/* locate_one returns the file the mapping should use, or NULL to keep its own. */
static char *locate_one(const struct mapping *m, const char *search, struct strbuf *warn)
{
	char *list = xstrdup(search), *found = NULL;
	for (char *dir = list, *next; dir && !found; dir = next) {
		next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		struct names ns = { NULL, 0, 0 };
		candidates(m, dir, &ns);
		for (size_t i = 0; i < ns.n && !found; i++) {
			char err[512];
			struct binary *b = binary_open(ns.v[i], m->start, m->limit, m->offset, err, sizeof err);
			if (!b)
				continue;
			const char *id = binary_build_id(b);
			if (m->build_id[0] && strcmp(m->build_id, id) != 0)
				sb_addf(warn, "Ignoring local file %s: build-id mismatch (%s != %s)\n", ns.v[i], m->build_id,
					id);
			else
				found = xstrdup(ns.v[i]);
			binary_close(b);
		}
		for (size_t i = 0; i < ns.n; i++)
			free(ns.v[i]);
		free(ns.v);
	}
	free(list);
	return found;
}

void symbolize_locate_binaries(struct profile *p, struct strbuf *warn)
{
	const char *env = getenv("PPROF_BINARY_PATH");
	struct strbuf search = STRBUF_INIT;
	if (env && env[0]) {
		sb_adds(&search, env);
	} else {
		const char *home = getenv("HOME");
		const char *parts[] = { home ? home : "", "pprof", "binaries" };
		go_join(&search, parts, 3);
	}
	bool owned = false;
	for (size_t i = 0; i < p->n_mapping; i++) {
		char *found = locate_one(&p->mapping[i], sb_cstr(&search), warn);
		if (!found)
			continue;
		if (!owned) {
			profile_own_mappings(p);
			owned = true;
		}
		p->mapping[i].file = arena_strdup(p->arena, found);
		free(found);
	}
	sb_free(&search);
}

bool symbolize_is_binary(const char *path)
{
	char err[512];
	struct binary *b = binary_open(path, 0, UINT64_MAX, 0, err, sizeof err);
	bool ok = b != NULL;
	binary_close(b);
	return ok;
}
