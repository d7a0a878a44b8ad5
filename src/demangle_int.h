/*
 * demangle_int: what the demangler's files share.
 *
 * An Itanium name is parsed (demangle_itanium.c) into a graph of dm_node,
 * rewritten (demangle_tree.c) and printed (demangle_print.c); Rust names are
 * printed while parsed (demangle_rust.c). Every allocation of one call comes
 * from one arena, freed when the call ends, so a failure anywhere unwinds
 * with longjmp to demangle_filter and leaks nothing.
 *
 * The graph is not a tree: a substitution (S_, S0_, ...) makes later parts
 * point at earlier nodes, and some nodes are patched after they are built.
 * Node identity is therefore significant, exactly as in the Go package whose
 * output this reproduces: which copies are shared decides what gets printed.
 */
#ifndef CPROF_DEMANGLE_INT_H
#define CPROF_DEMANGLE_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * Limits no real symbol comes near; past them a name fails to demangle.
 * The depth counts the nested calls of parsing, copying, walking and
 * printing together, which bounds the C stack (under 1 MiB at -O2) on
 * hostile input. Over 676,000 symbols from system libraries the most any
 * needed was 11,341 steps, 314 nodes, 128 KiB of arena and 38,778 bytes
 * of output.
 */
#define DM_MAX_DEPTH 4096
#define DM_MAX_NODES 200000         /* nodes built for one name */
#define DM_MAX_OUTPUT (1u << 20)    /* bytes of demangled text */
#define DM_MAX_STEPS 2000000        /* recursive steps, printing included */
#define DM_MAX_MEMORY (32u << 20)   /* bytes of the call's arena */

enum dm_kind {
	DM_NAME,
	DM_TYPED,                /* name, type */
	DM_QUALIFIED,            /* scope, name; flag LOCAL */
	DM_TEMPLATE,             /* name, args... */
	DM_TEMPLATE_PARAM,       /* num = index, ref = template (may be NULL) */
	DM_LAMBDA_AUTO,          /* num = index */
	DM_TPARAM_QUALIFIED_ARG, /* param, arg */
	DM_QUALIFIERS,           /* qualifier... */
	DM_QUALIFIER,            /* str = name, exprs... */
	DM_TYPE_WITH_QUALS,      /* base, qualifiers */
	DM_METHOD_WITH_QUALS,    /* method, qualifiers (may be NULL); str = ref-qualifier */
	DM_BUILTIN,              /* str */
	DM_POINTER,              /* base */
	DM_REFERENCE,            /* base */
	DM_RVALUE_REFERENCE,     /* base */
	DM_COMPLEX,              /* base */
	DM_IMAGINARY,            /* base */
	DM_SUFFIX_TYPE,          /* base; str = suffix */
	DM_TRANSFORMED_TYPE,     /* base; str = name */
	DM_VENDOR_QUALIFIER,     /* qualifier, type */
	DM_ARRAY,                /* dimension, element */
	DM_FUNCTION_TYPE,        /* return (may be NULL), args...; flag FOR_LOCAL */
	DM_FUNCTION_PARAM,       /* num = index */
	DM_PTR_MEM,              /* class, member */
	DM_FIXED_TYPE,           /* base; flags ACCUM, SAT */
	DM_BINARY_FP,            /* num = bits */
	DM_BIT_INT,              /* size; flag SIGNED */
	DM_VECTOR,               /* dimension, base */
	DM_ELABORATED,           /* type; str = kind */
	DM_DECLTYPE,             /* expr */
	DM_OPERATOR,             /* str = name */
	DM_CONSTRUCTOR,          /* name, base (may be NULL) */
	DM_DESTRUCTOR,           /* name */
	DM_GLOBAL_CDTOR,         /* key; flag CTOR */
	DM_TAGGED_NAME,          /* name, tag */
	DM_PACK_EXPANSION,       /* base; ref = argument pack (may be NULL) */
	DM_ARGUMENT_PACK,        /* args... */
	DM_SIZEOF_PACK,          /* ref = argument pack */
	DM_SIZEOF_ARGS,          /* args... */
	DM_TPARAM_NAME,          /* str = prefix, num = index */
	DM_TYPE_TPARAM,          /* name */
	DM_NON_TYPE_TPARAM,      /* name, type */
	DM_TEMPLATE_TPARAM,      /* name, params... (split of them), constraint (may be NULL) */
	DM_CONSTRAINED_TPARAM,   /* name, constraint */
	DM_TPARAM_PACK,          /* param */
	DM_CAST,                 /* to */
	DM_NULLARY,              /* op */
	DM_UNARY,                /* op, expr; flags SUFFIX, SIZEOF_TYPE */
	DM_BINARY,               /* op, left, right */
	DM_TRINARY,              /* op, first, second, third */
	DM_FOLD,                 /* op, arg1, arg2 (may be NULL); flag LEFT */
	DM_SUBOBJECT,            /* type, subexpr; num = offset */
	DM_PTR_MEM_CAST,         /* type, expr */
	DM_NEW,                  /* op, place (may be NULL), type, init (may be NULL) */
	DM_LITERAL,              /* type; str = value; flag NEG */
	DM_STRING_LITERAL,       /* type */
	DM_LAMBDA_EXPR,          /* type */
	DM_EXPR_LIST,            /* exprs... */
	DM_INITIALIZER_LIST,     /* type (may be NULL), exprs */
	DM_DEFAULT_ARG,          /* arg; num */
	DM_CLOSURE,              /* template args... (split of them), constraint?, types..., constraint?; num */
	DM_STRUCTURED_BINDINGS,  /* bindings... */
	DM_UNNAMED_TYPE,         /* num */
	DM_CLONE,                /* base; str = suffix */
	DM_SPECIAL,              /* val; str = prefix */
	DM_SPECIAL2,             /* val1, val2; str = prefix, str2 = middle */
	DM_ENABLE_IF,            /* type, args... */
	DM_MODULE_NAME,          /* parent (may be NULL), name; flag PARTITION */
	DM_MODULE_ENTITY,        /* module, name */
	DM_FRIEND,               /* name */
	DM_CONSTRAINT,           /* name, requires */
	DM_REQUIRES_EXPR,        /* params... (split of them), requirements... */
	DM_EXPR_REQUIREMENT,     /* expr, type requirement (may be NULL); flag NOEXCEPT */
	DM_TYPE_REQUIREMENT,     /* type */
	DM_NESTED_REQUIREMENT,   /* constraint */
	DM_EXPLICIT_OBJECT_PARAM /* base */
};

enum {
	DM_F_LOCAL = 1,
	DM_F_FOR_LOCAL = 2,
	DM_F_ACCUM = 4,
	DM_F_SAT = 8,
	DM_F_SIGNED = 16,
	DM_F_CTOR = 32,
	DM_F_SUFFIX = 64,
	DM_F_SIZEOF_TYPE = 128,
	DM_F_LEFT = 256,
	DM_F_NEG = 512,
	DM_F_PARTITION = 1024,
	DM_F_NOEXCEPT = 2048
};

struct dm_node {
	enum dm_kind kind;
	unsigned flags;
	int num;
	int split;               /* DM_TEMPLATE_TPARAM, DM_CLOSURE, DM_REQUIRES_EXPR: length of first list */
	const char *str;         /* NUL-terminated, arena-owned or static */
	const char *str2;
	struct dm_node *ref;     /* a pointer elsewhere in the graph, never walked */
	struct dm_node **kid;    /* children in walk order; optional ones may be NULL */
	int nkid;
	int cap;
	int printing;            /* times on the printer's stack */
};

/* One demangling call: its arena, where failures jump, and its budgets. */
struct dm_ctx {
	struct arena *arena;
	jmp_buf *fail;
	size_t nodes;
	size_t steps;
	int depth;
};

_Noreturn void dm_fail(struct dm_ctx *ctx);
/* dm_enter and dm_leave bracket every recursive step. */
void dm_enter(struct dm_ctx *ctx);
static inline void dm_leave(struct dm_ctx *ctx) { ctx->depth--; }

/* Nodes (demangle_tree.c). */
struct dm_node *dm_new(struct dm_ctx *ctx, enum dm_kind kind, int nkid);
struct dm_node *dm_new1(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *a);
struct dm_node *dm_new2(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *a, struct dm_node *b);
struct dm_node *dm_name(struct dm_ctx *ctx, const char *s);
struct dm_node *dm_namen(struct dm_ctx *ctx, const char *s, size_t n);
void dm_push(struct dm_ctx *ctx, struct dm_node *n, struct dm_node *kid);
struct dm_node *dm_clone(struct dm_ctx *ctx, const struct dm_node *n);

/* A growable list of node pointers, arena-backed. */
struct dm_list {
	struct dm_node **v;
	int n, cap;
};
void dm_list_push(struct dm_ctx *ctx, struct dm_list *l, struct dm_node *a);
struct dm_node *dm_from_list(struct dm_ctx *ctx, enum dm_kind kind, struct dm_node *first, const struct dm_list *l);

/* A set of node pointers, for walks over a graph with sharing. */
struct dm_set {
	struct dm_node **slot;
	size_t cap, n;
};
/* dm_set_add returns false if a was already present. */
bool dm_set_add(struct dm_ctx *ctx, struct dm_set *s, struct dm_node *a);

/*
 * dm_copy rebuilds a with fn applied bottom-up: skip(a) true leaves a (and
 * its children) alone; fn returns a replacement or NULL for "keep". The
 * result is NULL when nothing changed.
 */
struct dm_copier {
	struct dm_node *(*fn)(struct dm_copier *c, struct dm_node *a);
	bool (*skip)(struct dm_copier *c, struct dm_node *a);
	struct dm_ctx *ctx;
};
struct dm_node *dm_copy(struct dm_copier *c, struct dm_node *a);

/* dm_walk visits a and, while fn returns true, its children. */
struct dm_walker {
	bool (*fn)(struct dm_walker *w, struct dm_node *a);
	struct dm_ctx *ctx;
};
void dm_walk(struct dm_walker *w, struct dm_node *a);

struct dm_node *dm_simplify(struct dm_ctx *ctx, struct dm_node *a);
struct dm_node *dm_merge_qualifiers(struct dm_ctx *ctx, struct dm_node *q1, struct dm_node *q2);

/* Itanium parsing (demangle_itanium.c). */
struct dm_node *dm_itanium(struct dm_ctx *ctx, const char *s, size_t len, bool params, bool clones);

/* Printing (demangle_print.c); appends to out. */
enum { DM_PRINT_TPARAMS = 1, DM_PRINT_ENCLOSING_PARAMS = 2 };
void dm_print(struct dm_ctx *ctx, struct dm_node *a, unsigned how, struct strbuf *out);

/* Rust (demangle_rust.c); both append to out and fail through ctx. */
void dm_rust_v0(struct dm_ctx *ctx, const char *name, bool no_generics, struct strbuf *out);
/* dm_rust_legacy: 1 done, 0 not a legacy Rust name, -1 the Go package would crash. */
int dm_rust_legacy(const char *name, size_t len, struct strbuf *out);

#endif
