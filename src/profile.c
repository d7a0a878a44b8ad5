#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct profile *profile_new(void)
{
	struct arena *a = arena_new();
	struct profile *p = arena_zalloc(a, sizeof *p);
	p->arena = a;
	p->default_sample_type = "";
	p->doc_url = "";
	p->drop_frames = "";
	p->keep_frames = "";
	p->period_type.type = "";
	p->period_type.unit = "";
	return p;
}

struct profile *profile_derive(const struct profile *p)
{
	struct arena *a = arena_new();
	struct profile *d = arena_alloc(a, sizeof *d);
	*d = *p;
	d->arena = a;
	d->parent = p;
	d->deps = NULL;
	d->n_deps = 0;
	return d;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_deps; i++)
		profile_free(p->deps[i]);
	free(p->deps);
	arena_free(p->arena);
}

void profile_adopt(struct profile *p, struct profile *dep)
{
	p->deps = xreallocarray(p->deps, p->n_deps + 1, sizeof *p->deps);
	p->deps[p->n_deps++] = dep;
}

static void *own(struct profile *p, const void *src, size_t count, size_t size)
{
	return arena_copy(p->arena, src, count, size);
}

void profile_own_samples(struct profile *p)
{
	p->sample = own(p, p->sample, p->n_sample, sizeof *p->sample);
}

void profile_own_locations(struct profile *p)
{
	p->location = own(p, p->location, p->n_location, sizeof *p->location);
}

void profile_own_functions(struct profile *p)
{
	p->function = own(p, p->function, p->n_function, sizeof *p->function);
}

void profile_own_mappings(struct profile *p)
{
	p->mapping = own(p, p->mapping, p->n_mapping, sizeof *p->mapping);
}

void profile_append_functions(struct profile *p, const struct function *f, size_t n)
{
	if (n == 0)
		return;
	struct function *all = arena_array(p->arena, p->n_function + n, sizeof *all);
	mem_copy(all, p->function, p->n_function * sizeof *all);
	mem_copy(all + p->n_function, f, n * sizeof *all);
	p->function = all;
	p->n_function += n;
}

/* go_atoi accepts what Go's strconv.Atoi accepts: an optional sign and decimal digits. */
static bool go_atoi(const char *s, long *out)
{
	const char *d = s;
	if (*d == '+' || *d == '-')
		d++;
	if (*d == '\0')
		return false;
	for (const char *c = d; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	char *end;
	*out = strtol(s, &end, 10);
	return *end == '\0';
}

int profile_sample_index(const struct profile *p, const char *name, char *err, size_t errsize)
{
	if (name[0] == '\0') {
		for (size_t i = 0; p->default_sample_type[0] && i < p->n_sample_type; i++)
			if (strcmp(p->sample_type[i].type, p->default_sample_type) == 0)
				return (int)i;
		return (int)p->n_sample_type - 1;
	}
	long n;
	if (go_atoi(name, &n)) {
		if (n < 0 || (size_t)n >= p->n_sample_type) {
			snprintf(err, errsize, "sample_index %s is outside the range [0..%zu]", name,
				 p->n_sample_type - 1);
			return -1;
		}
		return (int)n;
	}
	/* "inuse_space" also names the type "space" of older heap profiles. */
	const char *no_inuse = str_has_prefix(name, "inuse_") ? name + 6 : name;
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (strcmp(p->sample_type[i].type, name) == 0 || strcmp(p->sample_type[i].type, no_inuse) == 0)
			return (int)i;
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < p->n_sample_type; i++)
		sb_addf(&b, "%s%s", i ? " " : "", p->sample_type[i].type);
	snprintf(err, errsize, "sample_index \"%s\" must be one of: [%s]", name, sb_cstr(&b));
	sb_free(&b);
	return -1;
}

int profile_label_cmp(const struct label *a, const struct label *b)
{
	if (!a->str != !b->str)
		return a->str ? -1 : 1;
	return nul_strcmp(a->key, b->key);
}

bool sample_label_first(const struct sample *s, uint32_t i)
{
	const struct label *l = &s->label[i];
	for (uint32_t j = 0; j < i; j++)
		if (!s->label[j].str == !l->str && !strcmp(s->label[j].key, l->key))
			return false;
	return true;
}

bool sample_has_label(const struct sample *s, const char *key, const char *value)
{
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (l->str && strcmp(l->key, key) == 0 && strcmp(l->str, value) == 0)
			return true;
	}
	return false;
}

/*
 * simplify_func drops a C++ argument list ("f(int)" → "f") while keeping
 * "(anonymous namespace)" and "operator()", and a leading '.' (PPC ABI).
 */
void profile_simplify_func(const char *name, struct strbuf *out)
{
	if (*name == '.')
		name++;
	sb_reset(out);
	const char *s = name;
	for (;;) {
		const char *paren = strchr(s, '(');
		const char *op = strstr(s, "operator()");
		if (op && (!paren || op <= paren)) {
			s = op + strlen("operator()");
			continue;
		}
		if (!paren)
			break;
		if (!strncmp(paren, "(anonymous namespace)", 21)) {
			s = paren + 21;
			continue;
		}
		sb_addn(out, name, (size_t)(paren - name));
		return;
	}
	sb_adds(out, name);
}

const char *profile_memstat(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->n_memstats; i++)
		if (!strcmp(p->memstats[i].key, key))
			return p->memstats[i].value;
	return NULL;
}
