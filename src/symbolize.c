#include "symbolize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "demangle.h"
#include "hashtab.h"
#include "symbolize_int.h"

enum demangle_mode { DM_DEFAULT, DM_TEMPLATES, DM_FULL, DM_NONE };

/* remove_matching removes nested start..end groups from s, as pprof's removeMatching (on mismatch: unchanged). */
static void remove_matching(struct strbuf *s, char start, char end)
{
	int nesting = 0;
	size_t first = 0;
	for (size_t cur = 0; cur < s->len; cur++) {
		char c = s->s[cur];
		if (c == start) {
			if (++nesting == 1)
				first = cur;
		} else if (c == end) {
			nesting--;
			if (nesting < 0)
				return;
			if (nesting == 0) {
				memmove(s->s + first, s->s + cur + 1, s->len - cur);
				s->len -= cur + 1 - first;
				cur = first - 1; /* wraps for first == 0; the loop's ++ brings it back */
			}
		}
	}
}

/* pprof's looksLikeDemangledCPlusPlus heuristic. */
static bool looks_like_cpp(const char *s)
{
	if (strstr(s, ".<") || strstr(s, "])."))
		return false;
	return strpbrk(s, "<>[]") || strstr(s, "::");
}

void symbolize_simplify_cpp(const char *name, bool no_params, bool no_templates, struct strbuf *out)
{
	sb_reset(out);
	sb_adds(out, name);
	if (!looks_like_cpp(name))
		return;
	if (no_params)
		remove_matching(out, '(', ')');
	if (no_templates)
		remove_matching(out, '<', '>');
}

static unsigned demangle_options(enum demangle_mode mode)
{
	switch (mode) {
	case DM_DEFAULT:
		return DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS | DEMANGLE_NO_TEMPLATE_PARAMS;
	case DM_TEMPLATES:
		return DEMANGLE_NO_PARAMS | DEMANGLE_NO_ENCLOSING_PARAMS;
	case DM_FULL:
		return DEMANGLE_NO_CLONES;
	case DM_NONE:
		break;
	}
	return 0;
}

/* try_demangle sets f's name when name demangles to something else. */
static bool try_demangle(struct profile *p, struct function *f, const char *name, enum demangle_mode mode)
{
	char *d = demangle_filter(name, demangle_options(mode));
	if (!d)
		return false;
	bool changed = strcmp(d, name) != 0;
	if (changed)
		f->name = arena_strdup(p->arena, d);
	free(d);
	return changed;
}

static void demangle_function(struct profile *p, struct function *f, enum demangle_mode mode, struct strbuf *tmp)
{
	if (f->name[0] && strcmp(f->system_name, f->name) != 0)
		return; /* already demangled */
	if (try_demangle(p, f, f->system_name, mode))
		return;
	/* macOS prefixes every symbol with an extra '_' */
	if (f->system_name[0] == '_' && try_demangle(p, f, f->system_name + 1, mode))
		return;
	bool no_params = mode == DM_DEFAULT || mode == DM_TEMPLATES;
	bool no_templates = mode == DM_DEFAULT;
	symbolize_simplify_cpp(f->system_name, no_params, no_templates, tmp);
	f->name = strcmp(sb_cstr(tmp), f->system_name) ? arena_strdup(p->arena, sb_cstr(tmp)) : f->system_name;
}

/* ---- local symbolization: pprof's doLocalSymbolize ---- */

void llvm_json_text(const char *s, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	sb_reset(out);
	while (*p) {
		unsigned char c = p[0];
		size_t want = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		size_t got = want ? 1 : 0;
		for (; got < want; got++) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (got == 1 && c == 0xe0)
				lo = 0xa0;
			else if (got == 1 && c == 0xed)
				hi = 0x9f;
			else if (got == 1 && c == 0xf0)
				lo = 0x90;
			else if (got == 1 && c == 0xf4)
				hi = 0x8f;
			if (p[got] < lo || p[got] > hi)
				break;
		}
		if (want && got == want) {
			sb_addn(out, (const char *)p, want);
		} else {
			sb_adds(out, "\xef\xbf\xbd");
			got = got ? got : 1;
		}
		p += got;
	}
}

/* The functions symbolization adds, one per (name, file, start line), as pprof's addFunction. */
struct new_functions {
	struct profile *p;
	struct function *f;
	size_t n, cap;
	struct htab index;
	const struct function *probe;
};

static uint64_t function_hash(const char *name, const char *file, int64_t start_line)
{
	uint64_t h = hash_str(name, HASH_SEED);
	h = hash_str(file, h);
	return hash_u64((uint64_t)start_line, h);
}

static bool function_eq(const void *ctx, uint32_t i)
{
	const struct new_functions *nf = ctx;
	const struct function *a = &nf->f[i], *b = nf->probe;
	return a->start_line == b->start_line && !strcmp(a->name, b->name) && !strcmp(a->filename, b->filename);
}

/* llvm_str is a frame's string as llvm-symbolizer prints it: "<invalid>", its marker for none, prints as "". */
static const char *llvm_str(const char *s)
{
	return s && strcmp(s, "<invalid>") != 0 ? s : "";
}

static uint32_t add_function(struct new_functions *nf, const struct sym_frame *fr, struct strbuf *tmp)
{
	struct function key = { 0 };
	llvm_json_text(llvm_str(fr->func), tmp);
	char *name = xstrdup(sb_cstr(tmp));
	llvm_json_text(llvm_str(fr->file), tmp);
	key.name = name;
	key.filename = sb_cstr(tmp);
	key.start_line = fr->start_line;
	nf->probe = &key;
	uint64_t h = function_hash(key.name, key.filename, key.start_line);
	uint32_t i = htab_find(&nf->index, h, function_eq, nf);
	if (i == UINT32_MAX) {
		GROW(nf->f, nf->cap, nf->n + 1);
		i = (uint32_t)nf->n++;
		struct function *f = &nf->f[i];
		f->id = nf->p->n_function + i + 1;
		f->name = f->system_name = arena_strdup(nf->p->arena, name);
		f->filename = arena_strdup(nf->p->arena, key.filename);
		f->start_line = key.start_line;
		htab_insert(&nf->index, h, i);
	}
	free(name);
	return (uint32_t)(nf->p->n_function + i);
}

/* symbolize_mapping is pprof's symbolizeOneMapping for the locations of mapping m. */
static void symbolize_mapping(struct profile *p, uint32_t m, const uint32_t *locs, size_t n_locs, struct binary *b,
			      bool fast, struct new_functions *nf)
{
	struct mapping *mp = &p->mapping[m];
	struct sym_frames frames = { NULL, 0, 0 };
	struct strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; i < n_locs; i++) {
		struct location *l = &p->location[locs[i]];
		char err[512];
		if (binary_frames(b, l->address, fast, &frames, err, sizeof err) < 0 || frames.n == 0)
			continue;
		struct line *lines = arena_array(p->arena, frames.n, sizeof *lines);
		for (size_t j = 0; j < frames.n; j++) {
			const struct sym_frame *fr = &frames.f[j];
			mp->has_functions |= llvm_str(fr->func)[0] != '\0';
			mp->has_filenames |= llvm_str(fr->file)[0] != '\0';
			mp->has_line_numbers |= fr->line != 0;
			lines[j].function = add_function(nf, fr, &tmp);
			lines[j].line = fr->line;
			lines[j].column = fr->column;
		}
		l->line = lines;
		l->n_line = (uint32_t)frames.n;
		l->is_folded = false;
		mp->has_inline_frames = true;
	}
	sb_free(&tmp);
	frames_free(&frames);
}

/* A mapping file pprof takes for a source URL rather than a binary: an absolute URL of an http scheme. */
static bool is_http_url(const char *file)
{
	if (!isalpha((unsigned char)file[0]))
		return false;
	size_t n = 1;
	while (isalnum((unsigned char)file[n]) || file[n] == '+' || file[n] == '-' || file[n] == '.')
		n++;
	if (file[n] != ':')
		return false;
	for (size_t i = 0; i + 4 <= n; i++)
		if (!strncasecmp(file + i, "http", 4))
			return true;
	return false;
}

/* unsymbolizable is pprof's Mapping.Unsymbolizable: [vdso] and the like. */
static bool unsymbolizable(const char *file, struct strbuf *tmp)
{
	path_base(file, tmp);
	const char *base = sb_cstr(tmp);
	return base[0] == '[' || str_has_prefix(base, "linux-vdso") || str_has_prefix(file, "/dev/dri/") ||
	       !strcmp(file, "//anon") || !file[0] || str_has_prefix(file, "/memfd:");
}

static void mapping_name(const struct mapping *m, struct strbuf *out)
{
	path_base(m->file, out);
	if (m->build_id[0])
		sb_addf(out, " (build ID %s)", m->build_id);
}

/* The locations of each mapping, in location order: locs[first[m] .. first[m]+count[m]). */
struct mapping_locs {
	size_t *count, *first;
	uint32_t *locs;
};

static void group_by_mapping(const struct profile *p, struct mapping_locs *ml)
{
	ml->count = xcalloc(p->n_mapping + 1, sizeof *ml->count);
	ml->first = xcalloc(p->n_mapping + 1, sizeof *ml->first);
	ml->locs = xcalloc(p->n_location + 1, sizeof *ml->locs);
	for (size_t i = 0; i < p->n_location; i++)
		if (p->location[i].mapping < p->n_mapping)
			ml->count[p->location[i].mapping]++;
	for (size_t m = 1; m <= p->n_mapping; m++)
		ml->first[m] = ml->first[m - 1] + ml->count[m - 1];
	size_t *fill = xcalloc(p->n_mapping + 1, sizeof *fill);
	for (size_t i = 0; i < p->n_location; i++) {
		uint32_t m = p->location[i].mapping;
		if (m < p->n_mapping)
			ml->locs[ml->first[m] + fill[m]++] = (uint32_t)i;
	}
	free(fill);
}

static void mapping_locs_free(struct mapping_locs *ml)
{
	free(ml->count);
	free(ml->first);
	free(ml->locs);
}

/*
 * open_mapping opens the binary of mapping m, or says why not as pprof
 * does: NULL when the mapping is left alone; *missing when its binary
 * could not be had.
 */
static struct binary *open_mapping(const struct profile *p, size_t m, bool force, bool *missing,
				   struct strbuf *warn)
{
	const struct mapping *mp = &p->mapping[m];
	if (!force && (mp->has_functions || mp->has_filenames || mp->has_line_numbers))
		return NULL; /* symbolized already */
	if (!mp->file[0]) {
		if (m == 0)
			sb_adds(warn, "Main binary filename not available.\n");
		else
			*missing = true;
		return NULL;
	}
	struct strbuf name = STRBUF_INIT;
	struct binary *b = NULL;
	if (unsymbolizable(mp->file, &name) || (!mp->build_id[0] && is_http_url(mp->file)))
		goto out;
	mapping_name(mp, &name);
	char err[1024];
	b = binary_open(mp->file, mp->start, mp->limit, mp->offset, err, sizeof err);
	if (!b) {
		sb_addf(warn, "Local symbolization failed for %s: %s\n", sb_cstr(&name), err);
		*missing = true;
		goto out;
	}
	const char *id = binary_build_id(b);
	if (mp->build_id[0] && id[0] && strcmp(id, mp->build_id) != 0) {
		sb_addf(warn, "Local symbolization failed for %s: build ID mismatch\n", sb_cstr(&name));
		binary_close(b);
		b = NULL;
	}
out:
	sb_free(&name);
	return b;
}

/* local_symbolize is pprof's doLocalSymbolize. */
static void local_symbolize(struct profile *p, bool fast, bool force, struct strbuf *warn)
{
	struct mapping_locs ml;
	group_by_mapping(p, &ml);
	struct new_functions nf = { p, NULL, 0, 0, { 0 }, NULL };
	htab_init(&nf.index, 64);
	bool missing = false, owned = false;
	for (size_t m = 0; m < p->n_mapping; m++) {
		if (ml.count[m] == 0)
			continue; /* a dangling mapping */
		struct binary *b = open_mapping(p, m, force, &missing, warn);
		if (!b)
			continue;
		if (!owned) {
			profile_own_locations(p);
			profile_own_mappings(p);
			owned = true;
		}
		symbolize_mapping(p, (uint32_t)m, ml.locs + ml.first[m], ml.count[m], b, fast, &nf);
		binary_close(b);
	}
	if (missing)
		sb_adds(warn, "Some binary filenames not available. Symbolization may be incomplete.\n"
			      "Try setting PPROF_BINARY_PATH to the search path for local binaries.\n");
	profile_append_functions(p, nf.f, nf.n);
	free(nf.f);
	htab_free(&nf.index);
	mapping_locs_free(&ml);
}

int symbolize_profile(struct profile *p, const char *mode, const struct symbolize_sources *sources,
		      struct strbuf *warn, char *err, size_t errsize)
{
	bool force = false, local = true, remote = true, fast = false;
	enum demangle_mode dm = DM_DEFAULT;
	char *m = xstrdup(mode);
	for (char *c = m; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *o = m, *next; o; o = next) {
		next = strchr(o, ':');
		if (next)
			*next++ = '\0';
		if (!o[0])
			continue;
		if (!strcmp(o, "local") || !strcmp(o, "fastlocal")) {
			local = true;
			remote = false;
			fast |= !strcmp(o, "fastlocal");
			continue;
		}
		if (!strcmp(o, "remote")) {
			local = false;
			remote = true;
			continue;
		}
		if (!strcmp(o, "none") || !strcmp(o, "no")) {
			free(m);
			return 0;
		}
		if (!strcmp(o, "force")) {
			force = true;
			continue;
		}
		const char *d = str_has_prefix(o, "demangle=") ? o + 9 : o;
		if (!strcmp(d, "full") || !strcmp(d, "none") || !strcmp(d, "templates")) {
			dm = !strcmp(d, "full") ? DM_FULL : !strcmp(d, "none") ? DM_NONE : DM_TEMPLATES;
			force = true;
			continue;
		}
		if (!strcmp(d, "default"))
			continue;
		sb_addf(warn, "ignoring unrecognized symbolization option: %s\n", mode);
		sb_adds(warn, "expecting -symbolize=[local|fastlocal|remote|none][:force]"
			      "[:demangle=[none|full|templates|default]\n");
	}
	free(m);
	if (local)
		local_symbolize(p, fast, force, warn);
	if (remote && symbolize_remote(p, force, sources, err, errsize) < 0)
		return -1;
	profile_own_functions(p);
	if (force)
		for (size_t i = 0; i < p->n_function; i++)
			if (p->function[i].name[0] && p->function[i].system_name[0])
				p->function[i].name = p->function[i].system_name;
	if (dm == DM_NONE)
		return 0;
	struct strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; i < p->n_function; i++)
		demangle_function(p, &p->function[i], dm, &tmp);
	sb_free(&tmp);
	return 0;
}
