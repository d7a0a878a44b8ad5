#include "symbolize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

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

void symbolize_profile(struct profile *p, const char *mode, struct strbuf *warn)
{
	bool force = false;
	enum demangle_mode dm = DM_DEFAULT;
	char *m = xstrdup(mode);
	for (char *c = m; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *o = m, *next; o; o = next) {
		next = strchr(o, ':');
		if (next)
			*next++ = '\0';
		if (!o[0] || !strcmp(o, "local") || !strcmp(o, "fastlocal") || !strcmp(o, "remote"))
			continue;
		if (!strcmp(o, "none") || !strcmp(o, "no")) {
			free(m);
			return;
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
	profile_own_functions(p);
	if (force)
		for (size_t i = 0; i < p->n_function; i++)
			if (p->function[i].name[0] && p->function[i].system_name[0])
				p->function[i].name = p->function[i].system_name;
	if (dm == DM_NONE)
		return;
	struct strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; i < p->n_function; i++)
		demangle_function(p, &p->function[i], dm, &tmp);
	sb_free(&tmp);
}
