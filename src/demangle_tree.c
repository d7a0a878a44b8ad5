/* demangle_tree: building, copying, walking and simplifying dm_node graphs. */
#include "demangle_int.h"

#include <stdint.h>
#include <string.h>

_Noreturn void dm_fail(struct dm_ctx *ctx)
{
	longjmp(*ctx->fail, 1);
}

void dm_enter(struct dm_ctx *ctx)
{
	if (++ctx->depth > DM_MAX_DEPTH || ++ctx->steps > DM_MAX_STEPS ||
	    arena_size(ctx->arena) > DM_MAX_MEMORY)
		dm_fail(ctx);
}

struct dm_node *dm_new(struct dm_ctx *ctx, enum dm_kind kind, int nkid)
{
	if (++ctx->nodes > DM_MAX_NODES)
		dm_fail(ctx);
	struct dm_node *n = arena_zalloc(ctx->arena, sizeof *n);
	n->kind = kind;
	n->str = "";
	n->str2 = "";
	if (nkid > 0) {
		n->kid = arena_array(ctx->arena, (size_t)nkid, sizeof *n->kid);
		n->nkid = nkid;
		n->cap = nkid;
	}
	return n;
}

struct dm_node *dm_new1(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *a)
{
	struct dm_node *n = dm_new(ctx, kind, 1);
	n->kid[0] = a;
	return n;
}

struct dm_node *dm_new2(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *a, struct dm_node *b)
{
	struct dm_node *n = dm_new(ctx, kind, 2);
	n->kid[0] = a;
	n->kid[1] = b;
	return n;
}

struct dm_node *dm_namen(struct dm_ctx *ctx, const char *s, size_t len)
{
	struct dm_node *n = dm_new(ctx, DM_NAME, 0);
	n->str = arena_strndup(ctx->arena, s, len);
	return n;
}

struct dm_node *dm_name(struct dm_ctx *ctx, const char *s)
{
	struct dm_node *n = dm_new(ctx, DM_NAME, 0);
	n->str = s;
	return n;
}

/* Old arrays stay valid (arena), so a pointer taken before a push still reads the old contents. */
static struct dm_node **grow_kids(struct dm_ctx *ctx, struct dm_node **v, int n, int *cap)
{
	if (n < *cap)
		return v;
	if (*cap > INT32_MAX / 2)
		dm_fail(ctx);
	int ncap = *cap ? *cap * 2 : 4;
	struct dm_node **nv = arena_array(ctx->arena, (size_t)ncap, sizeof *nv);
	if (n)
		memcpy(nv, v, (size_t)n * sizeof *nv);
	*cap = ncap;
	return nv;
}

void dm_push(struct dm_ctx *ctx, struct dm_node *n, struct dm_node *kid)
{
	n->kid = grow_kids(ctx, n->kid, n->nkid, &n->cap);
	n->kid[n->nkid++] = kid;
}

void dm_list_push(struct dm_ctx *ctx, struct dm_list *l, struct dm_node *a)
{
	l->v = grow_kids(ctx, l->v, l->n, &l->cap);
	l->v[l->n++] = a;
}

struct dm_node *dm_from_list(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *first, const struct dm_list *l)
{
	int off = first ? 1 : 0;
	struct dm_node *n = dm_new(ctx, kind, l->n + off);
	if (first)
		n->kid[0] = first;
	for (int i = 0; i < l->n; i++)
		n->kid[off + i] = l->v[i];
	return n;
}

struct dm_node *dm_clone(struct dm_ctx *ctx, const struct dm_node *n)
{
	struct dm_node *c = dm_new(ctx, n->kind, 0);
	*c = *n;
	if (n->nkid) {
		c->kid = arena_array(ctx->arena, (size_t)n->nkid, sizeof *c->kid);
		memcpy(c->kid, n->kid, (size_t)n->nkid * sizeof *c->kid);
		c->cap = n->nkid;
	}
	return c;
}

static size_t ptr_hash(const struct dm_node *a)
{
	uint64_t h = (uint64_t)(uintptr_t)a;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

bool dm_set_add(struct dm_ctx *ctx, struct dm_set *s, struct dm_node *a)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct dm_node **ns = arena_array(ctx->arena, ncap, sizeof *ns);
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = ptr_hash(s->slot[i]) & (ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = s->slot[i];
		}
		s->slot = ns;
		s->cap = ncap;
	}
	size_t j = ptr_hash(a) & (s->cap - 1);
	while (s->slot[j]) {
		if (s->slot[j] == a)
			return false;
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = a;
	s->n++;
	return true;
}

/*
 * The copy of a node keeps its scalar fields, except for two quirks of the
 * Go package that change its output and so are kept: a vendor qualifier's
 * copy keeps the original type, and an expression requirement's copy loses
 * its noexcept.
 */
static struct dm_node *rebuild(struct dm_ctx *ctx, const struct dm_node *a, struct dm_node **kids)
{
	struct dm_node *b = dm_clone(ctx, a);
	if (kids)
		memcpy(b->kid, kids, (size_t)a->nkid * sizeof *kids);
	if (a->kind == DM_VENDOR_QUALIFIER)
		b->kid[1] = a->kid[1];
	if (a->kind == DM_EXPR_REQUIREMENT)
		b->flags &= ~(unsigned)DM_F_NOEXCEPT;
	return b;
}

struct dm_node *dm_copy(struct dm_copier *c, struct dm_node *a)
{
	dm_enter(c->ctx);
	struct dm_node *r = NULL;
	if (!c->skip(c, a)) {
		struct dm_node **kids = NULL;
		for (int i = 0; i < a->nkid; i++) {
			if (!a->kid[i])
				continue;
			struct dm_node *k = dm_copy(c, a->kid[i]);
			if (!k)
				continue;
			if (!kids) {
				kids = arena_array(c->ctx->arena, (size_t)a->nkid, sizeof *kids);
				memcpy(kids, a->kid, (size_t)a->nkid * sizeof *kids);
			}
			kids[i] = k;
		}
		/* A sizeof-pack is always copied: the Go package builds a new one. */
		if (kids || a->kind == DM_SIZEOF_PACK) {
			struct dm_node *b = rebuild(c->ctx, a, kids);
			r = c->fn(c, b);
			if (!r)
				r = b;
		} else {
			r = c->fn(c, a);
		}
	}
	dm_leave(c->ctx);
	return r;
}

void dm_walk(struct dm_walker *w, struct dm_node *a)
{
	if (!a)
		dm_fail(w->ctx); /* the Go package would crash here */
	dm_enter(w->ctx);
	if (w->fn(w, a)) {
		int n = a->nkid;
		/* Qualifiers hang off these two but are not part of their walk. */
		if (a->kind == DM_TYPE_WITH_QUALS || a->kind == DM_METHOD_WITH_QUALS)
			n = 1;
		for (int i = 0; i < n; i++) {
			if (a->kid[i])
				dm_walk(w, a->kid[i]);
			else if (a->kind == DM_MODULE_NAME && i == 0)
				dm_fail(w->ctx);
		}
	}
	dm_leave(w->ctx);
}

struct dm_node *dm_merge_qualifiers(struct dm_ctx *ctx, struct dm_node *q1, struct dm_node *q2)
{
	if (!q1)
		return q2;
	if (!q2)
		return q1;
	/* q1 and q2 may be one node: iterate over q2 as it was before. */
	struct dm_node **v2 = q2->kid;
	int n2 = q2->nkid;
	for (int i = 0; i < n2; i++) {
		struct dm_node *q = v2[i];
		if (q->nkid > 0) {
			dm_push(ctx, q1, q);
			continue;
		}
		/* Qualifiers with operands (noexcept(...), throw(...)) never match. */
		bool dup = false;
		for (int j = 0; j < q1->nkid && !dup; j++) {
			struct dm_node *p = q1->kid[j];
			dup = p->nkid == 0 && strcmp(p->str, q->str) == 0;
		}
		if (!dup)
			dm_push(ctx, q1, q);
	}
	return q1;
}

static bool skip_seen(struct dm_copier *c, struct dm_node *a);

struct simplifier {
	struct dm_copier c;
	struct dm_set seen;
};

struct pack_copier {
	struct dm_copier c;
	struct dm_set seen;
	struct dm_node *pack, *arg;
};

static struct dm_node *pack_fn(struct dm_copier *c, struct dm_node *a)
{
	struct pack_copier *pc = (struct pack_copier *)c;
	return a == pc->pack ? pc->arg : NULL;
}

static bool pack_skip(struct dm_copier *c, struct dm_node *a)
{
	struct pack_copier *pc = (struct pack_copier *)c;
	if (a->kind == DM_PACK_EXPANSION)
		return true;
	return !dm_set_add(c->ctx, &pc->seen, a);
}

/* A pack expansion with a known pack becomes the list of its expansions. */
static struct dm_node *expand_pack(struct dm_ctx *ctx, struct dm_node *pe)
{
	struct dm_node *pack = pe->ref;
	struct dm_node *el = dm_new(ctx, DM_EXPR_LIST, pack->nkid);
	for (int i = 0; i < pack->nkid; i++) {
		struct pack_copier pc = { { pack_fn, pack_skip, ctx }, { NULL, 0, 0 }, pack, pack->kid[i] };
		struct dm_node *b = dm_copy(&pc.c, pe->kid[0]);
		if (!b)
			b = pe->kid[0];
		el->kid[i] = dm_simplify(ctx, b);
	}
	return el;
}

static struct dm_node *mwq(struct dm_ctx *ctx, struct dm_node *method, struct dm_node *quals, const char *ref)
{
	struct dm_node *n = dm_new2(ctx, DM_METHOD_WITH_QUALS, method, quals);
	n->str = ref;
	return n;
}

static struct dm_node *simplify_one(struct dm_copier *c, struct dm_node *a)
{
	struct dm_ctx *ctx = c->ctx;
	struct dm_node *k = a->nkid > 0 ? a->kid[0] : NULL;
	switch (a->kind) {
	case DM_TEMPLATE_PARAM:
		if (a->ref && a->num < a->ref->nkid - 1)
			return a->ref->kid[1 + a->num];
		break;
	case DM_METHOD_WITH_QUALS:
		if (k->kind == DM_METHOD_WITH_QUALS) {
			const char *ref = a->str;
			if (!*ref)
				ref = k->str;
			else if (*k->str && (!strcmp(ref, "&") || !strcmp(k->str, "&")))
				ref = "&";
			return mwq(ctx, k->kid[0], dm_merge_qualifiers(ctx, a->kid[1], k->kid[1]), ref);
		}
		if (k->kind == DM_TYPE_WITH_QUALS)
			return mwq(ctx, k->kid[0], dm_merge_qualifiers(ctx, a->kid[1], k->kid[1]), a->str);
		break;
	case DM_TYPE_WITH_QUALS:
		if (k->kind == DM_FUNCTION_TYPE)
			return mwq(ctx, k, a->kid[1], "");
		if (k->kind == DM_TYPE_WITH_QUALS)
			return dm_new2(ctx, DM_TYPE_WITH_QUALS, k->kid[0], dm_merge_qualifiers(ctx, a->kid[1], k->kid[1]));
		if (k->kind == DM_METHOD_WITH_QUALS)
			return mwq(ctx, k->kid[0], dm_merge_qualifiers(ctx, a->kid[1], k->kid[1]), k->str);
		break;
	case DM_REFERENCE:
		if (k->kind == DM_REFERENCE)
			return k;
		if (k->kind == DM_RVALUE_REFERENCE)
			return dm_new1(ctx, DM_REFERENCE, k->kid[0]);
		break;
	case DM_RVALUE_REFERENCE:
		if (k->kind == DM_RVALUE_REFERENCE || k->kind == DM_REFERENCE)
			return k;
		break;
	case DM_ARRAY:
		if (a->kid[1]->kind == DM_TYPE_WITH_QUALS) {
			struct dm_node *q = a->kid[1];
			struct dm_node *arr = dm_new2(ctx, DM_ARRAY, a->kid[0], q->kid[0]);
			return dm_new2(ctx, DM_TYPE_WITH_QUALS, arr, q->kid[1]);
		}
		break;
	case DM_PACK_EXPANSION:
		if (a->ref)
			return expand_pack(ctx, a);
		break;
	default:
		break;
	}
	return NULL;
}

static bool skip_seen(struct dm_copier *c, struct dm_node *a)
{
	struct simplifier *s = (struct simplifier *)c;
	return !dm_set_add(c->ctx, &s->seen, a);
}

struct dm_node *dm_simplify(struct dm_ctx *ctx, struct dm_node *a)
{
	struct simplifier s = { { simplify_one, skip_seen, ctx }, { NULL, 0, 0 } };
	struct dm_node *r = dm_copy(&s.c, a);
	return r ? r : a;
}
