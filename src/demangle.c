/* demangle: which kind of mangled name, and the options that apply to it. */
#include "demangle.h"

#include <stdlib.h>
#include <string.h>

#include "demangle_int.h"

static struct dm_node *global_cdtor(struct dm_ctx *ctx, const char *s, size_t len, bool clones)
{
	/* s follows "_GLOBAL_": [._$] [ID] _ then a mangled name or anything. */
	if (len < 4 || !strchr("._$", s[0]) || (s[1] != 'I' && s[1] != 'D') || s[2] != '_')
		return NULL;
	struct dm_node *key;
	if (len >= 5 && s[3] == '_' && s[4] == 'Z')
		key = dm_itanium(ctx, s + 5, len - 5, true, clones);
	else
		key = dm_namen(ctx, s, len);
	struct dm_node *g = dm_new1(ctx, DM_GLOBAL_CDTOR, key);
	if (s[1] == 'I')
		g->flags |= DM_F_CTOR;
	return g;
}

/* clang's blocks: ___Z<encoding>_block_invoke[_<n>][.suffix] */
static struct dm_node *block_invoke(struct dm_ctx *ctx, const char *name, bool params, bool clones)
{
	static const char tag[] = "_block_invoke";
	const char *block = NULL;
	for (const char *p = strstr(name, tag); p; p = strstr(p + 1, tag))
		block = p;
	if (!block)
		return NULL;
	struct dm_node *a = dm_itanium(ctx, name + 4, (size_t)(block - name) - 4, params, clones);
	const char *rest = block + sizeof tag - 1;
	if (*rest == '_')
		rest++;
	while (*rest >= '0' && *rest <= '9')
		rest++;
	if (*rest && *rest != '.')
		return NULL;
	struct dm_node *s = dm_new1(ctx, DM_SPECIAL, a);
	s->str = "invocation function for block in ";
	return s;
}

/* The legacy Rust shape: _ZN ... 17h <16 hex> E, before any "E." suffix. */
static size_t legacy_rust_len(const char *name, size_t len)
{
	for (size_t i = len - 1; i >= 2; i--) {
		if (name[i - 1] == 'E' && name[i] == '.') {
			len = i;
			break;
		}
	}
	if (len > 23 && name[len - 1] == 'E' && !memcmp(name + len - 20, "17h", 3))
		return len;
	return 0;
}

/* Returns false when name is not one we demangle; failures inside jump out. */
static bool demangle_into(struct dm_ctx *ctx, const char *name, unsigned opts, struct strbuf *out)
{
	size_t len = strlen(name);
	if (!strncmp(name, "_R", 2)) {
		dm_rust_v0(ctx, name, opts & DEMANGLE_NO_TEMPLATE_PARAMS, out);
		return true;
	}
	if (!strncmp(name, "_ZN", 3) && !(opts & DEMANGLE_NO_RUST)) {
		size_t rlen = legacy_rust_len(name, len);
		if (rlen) {
			int r = dm_rust_legacy(name, rlen, out);
			if (r < 0)
				dm_fail(ctx);
			if (r > 0)
				return true;
			sb_reset(out);
		}
	}
	bool params = !(opts & DEMANGLE_NO_PARAMS);
	bool clones = params && !(opts & DEMANGLE_NO_CLONES);
	struct dm_node *a;
	if (!strncmp(name, "_Z", 2))
		a = dm_itanium(ctx, name + 2, len - 2, params, clones);
	else if (!strncmp(name, "___Z", 4))
		a = block_invoke(ctx, name, params, clones);
	else if (!strncmp(name, "_GLOBAL_", 8))
		/* Like the GNU demangler, global constructors ignore NO_PARAMS. */
		a = global_cdtor(ctx, name + 8, len - 8, !(opts & DEMANGLE_NO_CLONES));
	else
		return false;
	if (!a)
		return false;
	unsigned how = 0;
	if (!(opts & DEMANGLE_NO_TEMPLATE_PARAMS))
		how |= DM_PRINT_TPARAMS;
	if (!(opts & DEMANGLE_NO_ENCLOSING_PARAMS))
		how |= DM_PRINT_ENCLOSING_PARAMS;
	dm_print(ctx, a, how, out);
	return true;
}

char *demangle_filter(const char *name, unsigned opts)
{
	if (!name)
		return NULL;
	/* Kept off the stack: their contents must survive a longjmp. */
	struct dm_ctx *ctx = xcalloc(1, sizeof *ctx);
	struct strbuf *out = xcalloc(1, sizeof *out);
	jmp_buf jb;
	ctx->arena = arena_new();
	ctx->fail = &jb;
	volatile bool ok = false;
	if (!setjmp(jb))
		ok = demangle_into(ctx, name, opts, out);
	arena_free(ctx->arena);
	free(ctx);
	char *r = ok ? xstrndup(sb_cstr(out), out->len) : NULL;
	sb_free(out);
	free(out);
	return r;
}
