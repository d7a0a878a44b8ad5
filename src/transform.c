#include "transform.h"

#include <string.h>

#include "util.h"

struct profile *transform_aggregate(const struct profile *p, bool inlines, bool function, bool filename,
				    bool linenumber, bool columnnumber, bool address)
{
	struct profile *d = profile_derive(p);
	profile_own_mappings(d);
	for (size_t i = 0; i < d->n_mapping; i++) {
		struct mapping *m = &d->mapping[i];
		m->has_inline_frames = m->has_inline_frames && inlines;
		m->has_functions = m->has_functions && function;
		m->has_filenames = m->has_filenames && filename;
		m->has_line_numbers = m->has_line_numbers && linenumber;
	}
	if (!function || !filename) {
		profile_own_functions(d);
		for (size_t i = 0; i < d->n_function; i++) {
			struct function *f = &d->function[i];
			if (!function) {
				f->name = "";
				f->system_name = "";
			}
			if (!filename)
				f->filename = "";
		}
	}
	if (inlines && address && linenumber && columnnumber)
		return d;
	profile_own_locations(d);
	size_t nlines = 0;
	for (size_t i = 0; i < d->n_location; i++)
		nlines += d->location[i].n_line;
	struct line *lines = arena_array(d->arena, nlines, sizeof *lines);
	for (size_t i = 0; i < d->n_location; i++) {
		struct location *l = &d->location[i];
		if (!inlines && l->n_line > 1) {
			l->line += l->n_line - 1;
			l->n_line = 1;
		}
		mem_copy(lines, l->line, l->n_line * sizeof *lines);
		for (uint32_t j = 0; j < l->n_line; j++) {
			if (!linenumber)
				lines[j].line = 0;
			if (!linenumber || !columnnumber)
				lines[j].column = 0;
		}
		l->line = lines;
		lines += l->n_line;
		if (!address)
			l->address = 0;
	}
	return d;
}
