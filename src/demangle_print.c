/*
 * demangle_print: a dm_node graph as text, in the GNU style the Go package
 * prints.
 *
 * C declarators are inside out ("int (*)[3]"), so a type passes the parts
 * that wrap a name (pointers, qualifiers, arrays, function parameters) down
 * on a stack, "inner"; the innermost type prints what it must before them
 * and pops them. Whichever part still finds itself on the stack when its
 * base returns prints itself afterwards. The order of pushes and pops, and
 * which nodes start a fresh stack, are what make the spacing come out as in
 * the Go package.
 */
#include "demangle_int.h"

#include <stdio.h>
#include <string.h>

struct printer {
	struct dm_ctx *ctx;
	struct strbuf *out;
	size_t start;
	bool tparams;    /* print template arguments */
	bool enclosing;  /* print the parameters of enclosing functions */
	char last;
	struct dm_list inner;
};

static void print(struct printer *p, struct dm_node *a);
static void print_kind(struct printer *p, struct dm_node *a);
static void print_inner_of(struct printer *p, struct dm_node *a);

static void check_size(struct printer *p)
{
	if (p->out->len - p->start > DM_MAX_OUTPUT)
		dm_fail(p->ctx);
}

static void put(struct printer *p, char c)
{
	p->last = c;
	sb_addc(p->out, c);
	check_size(p);
}

static void puts_(struct printer *p, const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return;
	p->last = s[n - 1];
	sb_addn(p->out, s, n);
	check_size(p);
}

/* Some of the Go package's output bypasses its record of the last byte. */
static void put_raw_num(struct printer *p, const char *fmt, long v)
{
	sb_addf(p->out, fmt, v);
	check_size(p);
}

static void put_num(struct printer *p, const char *fmt, long v)
{
	char buf[64];
	snprintf(buf, sizeof buf, fmt, v);
	puts_(p, buf);
}

static void push_inner(struct printer *p, struct dm_node *a)
{
	dm_list_push(p->ctx, &p->inner, a);
}

static void pop_inner(struct printer *p)
{
	if (p->inner.n == 0)
		dm_fail(p->ctx);
	p->inner.n--;
}

static bool is_operator(const struct dm_node *a, const char *name)
{
	return a && a->kind == DM_OPERATOR && (!name || !strcmp(a->str, name));
}

static bool has_inner_printer(enum dm_kind k)
{
	switch (k) {
	case DM_TYPED: case DM_TYPE_WITH_QUALS: case DM_METHOD_WITH_QUALS:
	case DM_POINTER: case DM_REFERENCE: case DM_RVALUE_REFERENCE:
	case DM_COMPLEX: case DM_IMAGINARY: case DM_SUFFIX_TYPE:
	case DM_VENDOR_QUALIFIER: case DM_ARRAY: case DM_FUNCTION_TYPE:
	case DM_PTR_MEM: case DM_VECTOR: case DM_NON_TYPE_TPARAM:
	case DM_CONSTRAINED_TPARAM: case DM_TPARAM_PACK:
		return true;
	default:
		return false;
	}
}

/* Pops the top inner part and prints it; with save, method qualifiers are kept for later. */
static void print_one_inner(struct printer *p, struct dm_list *save)
{
	if (p->inner.n == 0)
		dm_fail(p->ctx);
	struct dm_node *a = p->inner.v[--p->inner.n];
	if (save && a->kind == DM_METHOD_WITH_QUALS) {
		dm_list_push(p->ctx, save, a);
		return;
	}
	if (has_inner_printer(a->kind))
		print_inner_of(p, a);
	else
		print(p, a);
}

static struct dm_list print_inner(struct printer *p, bool prefix_only)
{
	struct dm_list save = { NULL, 0, 0 };
	while (p->inner.n > 0)
		print_one_inner(p, prefix_only ? &save : NULL);
	return save;
}

/* Whether printing a would print nothing. */
static bool is_empty(struct printer *p, struct dm_node *a)
{
	bool r = false;
	dm_enter(p->ctx);
	switch (a->kind) {
	case DM_ARGUMENT_PACK:
		r = true;
		for (int i = 0; i < a->nkid && r; i++)
			r = is_empty(p, a->kid[i]);
		break;
	case DM_EXPR_LIST:
		r = a->nkid == 0;
		break;
	case DM_PACK_EXPANSION:
		r = a->ref && is_empty(p, a->kid[0]);
		break;
	default:
		break;
	}
	dm_leave(p->ctx);
	return r;
}

static void print_list(struct printer *p, struct dm_node **v, int n, bool skip_empty)
{
	bool first = true;
	for (int i = 0; i < n; i++) {
		if (skip_empty && is_empty(p, v[i]))
			continue;
		if (!first)
			puts_(p, ", ");
		print(p, v[i]);
		first = false;
	}
}

static void parenthesize(struct printer *p, struct dm_node *a)
{
	bool paren;
	switch (a->kind) {
	case DM_NAME: case DM_INITIALIZER_LIST: case DM_FUNCTION_PARAM:
		paren = false;
		break;
	case DM_QUALIFIED:
		paren = a->flags & DM_F_LOCAL;
		break;
	default:
		paren = true;
		break;
	}
	if (paren)
		put(p, '(');
	print(p, a);
	if (paren)
		put(p, ')');
}

/* Pointer-like types print their base, then themselves unless the base did. */
static void print_base(struct printer *p, struct dm_node *a)
{
	push_inner(p, a);
	print(p, a->kid[0]);
	if (p->inner.n > 0) {
		print_inner_of(p, a);
		pop_inner(p);
	}
}

static void print_dimension(struct printer *p, struct dm_node *arr)
{
	const char *space = " ";
	while (p->inner.n > 0) {
		/* Arrays of arrays print as more dimensions; anything else is parenthesized. */
		struct dm_node *top = p->inner.v[p->inner.n - 1];
		struct dm_node *in = top->kind == DM_TYPE_WITH_QUALS ? top->kid[0] : top;
		if (in->kind == DM_ARRAY) {
			if (in == top)
				space = "";
			print_one_inner(p, NULL);
		} else {
			put(p, ' ');
			put(p, '(');
			print_inner(p, false);
			put(p, ')');
		}
	}
	puts_(p, space);
	put(p, '[');
	print(p, arr->kid[0]);
	put(p, ']');
}

static void print_args(struct printer *p, struct dm_node *ft)
{
	bool paren = false, space = false;
	for (int i = p->inner.n - 1; i >= 0 && !paren; i--) {
		switch (p->inner.v[i]->kind) {
		case DM_POINTER: case DM_REFERENCE: case DM_RVALUE_REFERENCE:
			paren = true;
			break;
		case DM_TYPE_WITH_QUALS: case DM_COMPLEX: case DM_IMAGINARY: case DM_PTR_MEM:
			space = true;
			paren = true;
			break;
		default:
			break;
		}
	}
	if (paren) {
		if (!space && p->last != '(' && p->last != '*')
			space = true;
		if (space && p->last != ' ')
			put(p, ' ');
		put(p, '(');
	}
	struct dm_list save = print_inner(p, true);
	if (paren)
		put(p, ')');
	put(p, '(');
	if (!(ft->flags & DM_F_FOR_LOCAL) || p->enclosing) {
		bool first = true;
		for (int i = 1; i < ft->nkid; i++) {
			if (is_empty(p, ft->kid[i]))
				continue;
			if (!first)
				puts_(p, ", ");
			print(p, ft->kid[i]);
			first = false;
		}
	}
	put(p, ')');
	p->inner = save;
	print_inner(p, false);
}

static void print_closure_types(struct printer *p, struct dm_node *cl)
{
	int nt = cl->split;
	struct dm_node *targs_constraint = cl->kid[nt];
	int ntypes = cl->nkid - nt - 2;
	struct dm_node *call_constraint = cl->kid[cl->nkid - 1];
	if (nt > 0) {
		puts_(p, "<");
		print_list(p, cl->kid, nt, false);
		puts_(p, ">");
	}
	if (targs_constraint) {
		puts_(p, " requires ");
		print(p, targs_constraint);
		put(p, ' ');
	}
	put(p, '(');
	print_list(p, cl->kid + nt + 1, ntypes, false);
	put(p, ')');
	if (call_constraint) {
		puts_(p, " requires ");
		print(p, call_constraint);
	}
}

static void print_inner_of(struct printer *p, struct dm_node *a)
{
	switch (a->kind) {
	case DM_TYPED:
		print(p, a->kid[0]);
		break;
	case DM_TYPE_WITH_QUALS:
		put(p, ' ');
		print(p, a->kid[1]);
		break;
	case DM_METHOD_WITH_QUALS:
		if (a->kid[1]) {
			put(p, ' ');
			print(p, a->kid[1]);
		}
		if (*a->str) {
			put(p, ' ');
			puts_(p, a->str);
		}
		break;
	case DM_POINTER: puts_(p, "*"); break;
	case DM_REFERENCE: puts_(p, "&"); break;
	case DM_RVALUE_REFERENCE: puts_(p, "&&"); break;
	case DM_COMPLEX: puts_(p, " _Complex"); break;
	case DM_IMAGINARY: puts_(p, " _Imaginary"); break;
	case DM_SUFFIX_TYPE:
		put(p, ' ');
		puts_(p, a->str);
		break;
	case DM_VENDOR_QUALIFIER:
		put(p, ' ');
		print(p, a->kid[0]);
		break;
	case DM_ARRAY:
		print_dimension(p, a);
		break;
	case DM_FUNCTION_TYPE:
		print_args(p, a);
		break;
	case DM_PTR_MEM:
		if (p->last != '(')
			put(p, ' ');
		print(p, a->kid[0]);
		puts_(p, "::*");
		break;
	case DM_VECTOR:
		puts_(p, " __vector(");
		print(p, a->kid[0]);
		put(p, ')');
		break;
	case DM_NON_TYPE_TPARAM:
	case DM_CONSTRAINED_TPARAM:
		print(p, a->kid[0]);
		break;
	case DM_TPARAM_PACK:
		puts_(p, "...");
		if (a->kid[0]->kind == DM_NON_TYPE_TPARAM)
			print(p, a->kid[0]->kid[0]);
		break;
	default:
		dm_fail(p->ctx);
	}
}

static bool is_designated_initializer(const struct dm_node *x)
{
	if (x->kind == DM_BINARY && is_operator(x->kid[0], NULL)) {
		const char *op = x->kid[0]->str;
		if (!strcmp(op, "]="))
			return true;
		if (strcmp(op, "="))
			return false;
		return x->kid[1]->kind != DM_LITERAL;
	}
	if (x->kind == DM_TRINARY && is_operator(x->kid[0], NULL))
		return !strcmp(x->kid[0]->str, "[...]=");
	return false;
}

static void print_designated_value(struct printer *p, struct dm_node *v)
{
	if (is_designated_initializer(v)) {
		print(p, v);
	} else {
		put(p, '=');
		parenthesize(p, v);
	}
}

static void print_unary(struct printer *p, struct dm_node *u)
{
	struct dm_node *op = is_operator(u->kid[0], NULL) ? u->kid[0] : NULL;
	struct dm_node *expr = u->kid[1];
	/* Taking a function's address: no argument list. */
	if (op && !strcmp(op->str, "&") && expr->kind == DM_TYPED && expr->kid[1]->kind == DM_FUNCTION_TYPE)
		expr = expr->kid[0];
	if (u->flags & DM_F_SUFFIX)
		parenthesize(p, expr);
	if (op) {
		puts_(p, op->str);
	} else if (u->kid[0]->kind == DM_CAST) {
		put(p, '(');
		print(p, u->kid[0]->kid[0]);
		put(p, ')');
	} else {
		print(p, u->kid[0]);
	}
	if (u->flags & DM_F_SUFFIX)
		return;
	if (op && !strcmp(op->str, "::")) {
		print(p, expr);
	} else if ((u->flags & DM_F_SIZEOF_TYPE) || (op && !strcmp(op->str, "__alignof__"))) {
		put(p, '(');
		print(p, expr);
		put(p, ')');
	} else {
		parenthesize(p, expr);
	}
}

static void print_binary(struct printer *p, struct dm_node *b)
{
	struct dm_node *op = is_operator(b->kid[0], NULL) ? b->kid[0] : NULL;
	if (op && strstr(op->str, "cast")) {
		puts_(p, op->str);
		put(p, '<');
		print(p, b->kid[1]);
		puts_(p, ">");
		put(p, '(');
		print(p, b->kid[2]);
		put(p, ')');
		return;
	}
	if (is_designated_initializer(b)) {
		put(p, !strcmp(op->str, "=") ? '.' : '[');
		print(p, b->kid[1]);
		if (!strcmp(op->str, "]="))
			put(p, ']');
		print_designated_value(p, b->kid[2]);
		return;
	}
	/* Keep '>' from ending a template argument list. */
	bool outer = op && (!strcmp(op->str, ">") || !strcmp(op->str, ">>"));
	if (outer)
		put(p, '(');
	struct dm_node *left = b->kid[1];
	bool skip_parens = false;
	/* A call prints argument types only when there is a return type. */
	if (op && !strcmp(op->str, "()") && left->kind == DM_TYPED) {
		struct dm_node *t = left->kid[1];
		if (t->kind == DM_FUNCTION_TYPE && t->kid[0])
			skip_parens = true;
		else
			left = left->kid[0];
	}
	if (skip_parens)
		print(p, left);
	else
		parenthesize(p, left);
	if (op && !strcmp(op->str, "[]")) {
		put(p, '[');
		print(p, b->kid[2]);
		put(p, ']');
		return;
	}
	if (!op)
		print(p, b->kid[0]);
	else if (strcmp(op->str, "()"))
		puts_(p, op->str);
	parenthesize(p, b->kid[2]);
	if (outer)
		put(p, ')');
}

static void print_fold_op(struct printer *p, struct dm_node *f)
{
	if (is_operator(f->kid[0], NULL))
		puts_(p, f->kid[0]->str);
	else
		print(p, f->kid[0]);
}

static void print_fold(struct printer *p, struct dm_node *f)
{
	put(p, '(');
	if (!f->kid[2]) {
		if (f->flags & DM_F_LEFT) {
			puts_(p, "...");
			print_fold_op(p, f);
			parenthesize(p, f->kid[1]);
		} else {
			parenthesize(p, f->kid[1]);
			print_fold_op(p, f);
			puts_(p, "...");
		}
	} else {
		parenthesize(p, f->kid[1]);
		print_fold_op(p, f);
		puts_(p, "...");
		print_fold_op(p, f);
		parenthesize(p, f->kid[2]);
	}
	put(p, ')');
}

static const char *literal_suffix(const char *type)
{
	static const char *const tab[][2] = {
		{ "int", "" }, { "unsigned int", "u" }, { "long", "l" },
		{ "unsigned long", "ul" }, { "long long", "ll" }, { "unsigned long long", "ull" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(type, tab[i][0]))
			return tab[i][1];
	return NULL;
}

static bool is_float_type(const char *type)
{
	return !strcmp(type, "double") || !strcmp(type, "long double") || !strcmp(type, "float") ||
		!strcmp(type, "__float128") || !strcmp(type, "half");
}

static void print_literal(struct printer *p, struct dm_node *l)
{
	struct dm_node *t = l->kid[0];
	bool neg = l->flags & DM_F_NEG;
	bool is_float = false;
	if (t->kind == DM_BUILTIN) {
		const char *suffix = literal_suffix(t->str);
		if (suffix) {
			if (neg)
				put(p, '-');
			puts_(p, l->str);
			puts_(p, suffix);
			return;
		} else if (!strcmp(t->str, "bool") && !neg) {
			if (!strcmp(l->str, "0")) {
				puts_(p, "false");
				return;
			}
			if (!strcmp(l->str, "1")) {
				puts_(p, "true");
				return;
			}
		} else if (!strcmp(t->str, "decltype(nullptr)") && (!*l->str || !strcmp(l->str, "0"))) {
			print(p, t);
			return;
		} else {
			is_float = is_float_type(t->str);
		}
	}
	put(p, '(');
	print(p, t);
	put(p, ')');
	if (is_float)
		put(p, '[');
	if (neg)
		put(p, '-');
	puts_(p, l->str);
	if (is_float)
		put(p, ']');
}

static void print_template(struct printer *p, struct dm_node *t)
{
	/* The parts of an enclosing type do not reach into a template. */
	struct dm_list hold = p->inner;
	p->inner = (struct dm_list){ NULL, 0, 0 };
	print(p, t->kid[0]);
	if (p->tparams) {
		if (p->last == '<')
			put(p, ' '); /* operator< < ... > */
		put(p, '<');
		print_list(p, t->kid + 1, t->nkid - 1, true);
		if (p->last == '>')
			put(p, ' ');
		put(p, '>');
	}
	p->inner = hold;
}

static void print_typed(struct printer *p, struct dm_node *t)
{
	struct dm_list hold = p->inner;
	p->inner = (struct dm_list){ NULL, 0, 0 };
	push_inner(p, t);
	print(p, t->kid[1]);
	if (p->inner.n > 0) {
		/* The type did not print the name; it goes after. */
		put(p, ' ');
		print(p, t->kid[0]);
	}
	p->inner = hold;
}

static void print_function_type(struct printer *p, struct dm_node *ft)
{
	/* A local name's enclosing function is printed without its return type. */
	struct dm_node *ret = (ft->flags & DM_F_FOR_LOCAL) ? NULL : ft->kid[0];
	if (ret) {
		push_inner(p, ft);
		print(p, ret);
		if (p->inner.n == 0)
			return;
		pop_inner(p);
		put(p, ' ');
	}
	print_args(p, ft);
}

static void print_qualifier(struct printer *p, struct dm_node *q)
{
	puts_(p, q->str);
	if (q->nkid == 0)
		return;
	put(p, '(');
	bool first = true;
	for (int i = 0; i < q->nkid; i++) {
		struct dm_node *e = q->kid[i];
		if (e->kind == DM_EXPR_LIST && e->nkid == 0)
			continue;
		if (!first)
			puts_(p, ", ");
		print(p, e);
		first = false;
	}
	put(p, ')');
}

static void print_requires(struct printer *p, struct dm_node *re)
{
	puts_(p, "requires");
	if (re->split > 0) {
		put(p, ' ');
		put(p, '(');
		print_list(p, re->kid, re->split, false);
		put(p, ')');
	}
	put(p, ' ');
	put(p, '{');
	for (int i = re->split; i < re->nkid; i++)
		print(p, re->kid[i]);
	put(p, ' ');
	put(p, '}');
}

static void print_expr_requirement(struct printer *p, struct dm_node *er)
{
	bool braces = (er->flags & DM_F_NOEXCEPT) || er->kid[1];
	put(p, ' ');
	if (braces)
		put(p, '{');
	print(p, er->kid[0]);
	if (braces)
		put(p, '}');
	if (er->flags & DM_F_NOEXCEPT)
		puts_(p, " noexcept");
	if (er->kid[1]) {
		puts_(p, " -> ");
		print(p, er->kid[1]);
	}
	put(p, ';');
}

static void print_types(struct printer *p, struct dm_node *a)
{
	switch (a->kind) {
	case DM_TYPE_WITH_QUALS:
		push_inner(p, a);
		print(p, a->kid[0]);
		if (p->inner.n > 0) {
			put(p, ' ');
			print(p, a->kid[1]);
			pop_inner(p);
		}
		break;
	case DM_METHOD_WITH_QUALS:
		push_inner(p, a);
		print(p, a->kid[0]);
		if (p->inner.n > 0) {
			print_inner_of(p, a);
			pop_inner(p);
		}
		break;
	case DM_POINTER: case DM_REFERENCE: case DM_RVALUE_REFERENCE:
	case DM_COMPLEX: case DM_IMAGINARY: case DM_SUFFIX_TYPE:
		print_base(p, a);
		break;
	case DM_TRANSFORMED_TYPE:
		puts_(p, a->str);
		put(p, '(');
		print(p, a->kid[0]);
		put(p, ')');
		break;
	case DM_VENDOR_QUALIFIER:
		push_inner(p, a);
		print(p, a->kid[1]);
		if (p->inner.n > 0)
			print_one_inner(p, NULL);
		break;
	case DM_ARRAY:
		push_inner(p, a);
		print(p, a->kid[1]);
		if (p->inner.n > 0) {
			pop_inner(p);
			print_dimension(p, a);
		}
		break;
	case DM_FUNCTION_TYPE:
		print_function_type(p, a);
		break;
	case DM_PTR_MEM:
	case DM_VECTOR:
		push_inner(p, a);
		print(p, a->kid[1]);
		if (p->inner.n > 0)
			print_one_inner(p, NULL);
		break;
	case DM_FIXED_TYPE:
		if (a->flags & DM_F_SAT)
			puts_(p, "_Sat ");
		if (!(a->kid[0]->kind == DM_BUILTIN && !strcmp(a->kid[0]->str, "int"))) {
			print(p, a->kid[0]);
			put(p, ' ');
		}
		puts_(p, (a->flags & DM_F_ACCUM) ? "_Accum" : "_Fract");
		break;
	case DM_BINARY_FP:
		put_raw_num(p, "_Float%ld", a->num);
		break;
	case DM_BIT_INT:
		if (!(a->flags & DM_F_SIGNED))
			puts_(p, "unsigned ");
		puts_(p, "_BitInt");
		put(p, '(');
		print(p, a->kid[0]);
		put(p, ')');
		break;
	case DM_DECLTYPE:
		puts_(p, "decltype ");
		put(p, '(');
		print(p, a->kid[0]);
		put(p, ')');
		break;
	case DM_ELABORATED:
		puts_(p, a->str);
		puts_(p, " ");
		print_kind(p, a->kid[0]);
		break;
	default:
		dm_fail(p->ctx);
	}
}

static void print_tparams(struct printer *p, struct dm_node *a)
{
	switch (a->kind) {
	case DM_TPARAM_NAME:
		puts_(p, a->str);
		if (a->num > 0)
			put_num(p, "%ld", a->num - 1);
		break;
	case DM_TYPE_TPARAM:
		puts_(p, "typename ");
		print_inner(p, false);
		print(p, a->kid[0]);
		break;
	case DM_NON_TYPE_TPARAM:
	case DM_CONSTRAINED_TPARAM:
		push_inner(p, a);
		print(p, a->kid[1]);
		if (p->inner.n > 0) {
			put(p, ' ');
			print(p, a->kid[0]);
			pop_inner(p);
		}
		break;
	case DM_TEMPLATE_TPARAM: {
		puts_(p, "template<");
		print_list(p, a->kid + 1, a->split, false);
		puts_(p, "> typename ");
		print(p, a->kid[0]);
		if (a->kid[1 + a->split]) {
			puts_(p, " requires ");
			print(p, a->kid[1 + a->split]);
		}
		break;
	}
	case DM_TPARAM_PACK: {
		struct dm_list hold = p->inner;
		p->inner = (struct dm_list){ NULL, 0, 0 };
		push_inner(p, a);
		struct dm_node *param = a->kid[0];
		print(p, param->kind == DM_NON_TYPE_TPARAM ? param->kid[1] : param);
		if (p->inner.n > 0)
			puts_(p, "...");
		p->inner = hold;
		break;
	}
	default:
		dm_fail(p->ctx);
	}
}

static void print_expr(struct printer *p, struct dm_node *a)
{
	switch (a->kind) {
	case DM_NULLARY:
		if (is_operator(a->kid[0], NULL))
			puts_(p, a->kid[0]->str);
		else
			print(p, a->kid[0]);
		break;
	case DM_UNARY:
		print_unary(p, a);
		break;
	case DM_BINARY:
		print_binary(p, a);
		break;
	case DM_TRINARY:
		if (is_designated_initializer(a)) {
			put(p, '[');
			print(p, a->kid[1]);
			puts_(p, " ... ");
			print(p, a->kid[2]);
			put(p, ']');
			print_designated_value(p, a->kid[3]);
			break;
		}
		parenthesize(p, a->kid[1]);
		put(p, '?');
		parenthesize(p, a->kid[2]);
		puts_(p, " : ");
		parenthesize(p, a->kid[3]);
		break;
	case DM_FOLD:
		print_fold(p, a);
		break;
	case DM_SUBOBJECT:
		print(p, a->kid[1]);
		puts_(p, ".<");
		print(p, a->kid[0]);
		put_num(p, " at offset %ld>", a->num);
		break;
	case DM_PTR_MEM_CAST:
		put(p, '(');
		print(p, a->kid[0]);
		puts_(p, ")(");
		print(p, a->kid[1]);
		put(p, ')');
		break;
	case DM_NEW:
		puts_(p, "new ");
		if (a->kid[1]) {
			parenthesize(p, a->kid[1]);
			put(p, ' ');
		}
		print(p, a->kid[2]);
		if (a->kid[3])
			parenthesize(p, a->kid[3]);
		break;
	case DM_LITERAL:
		print_literal(p, a);
		break;
	case DM_STRING_LITERAL:
		puts_(p, "\"<");
		print_kind(p, a->kid[0]);
		puts_(p, ">\"");
		break;
	case DM_LAMBDA_EXPR:
		puts_(p, "[]");
		if (a->kid[0]->kind == DM_CLOSURE)
			print_closure_types(p, a->kid[0]);
		puts_(p, "{...}");
		break;
	case DM_EXPR_LIST:
		print_list(p, a->kid, a->nkid, false);
		break;
	case DM_INITIALIZER_LIST:
		if (a->kid[0])
			print(p, a->kid[0]);
		put(p, '{');
		print(p, a->kid[1]);
		put(p, '}');
		break;
	case DM_PACK_EXPANSION:
		if (!a->ref) {
			parenthesize(p, a->kid[0]);
			puts_(p, "...");
		} else {
			print(p, a->kid[0]);
		}
		break;
	case DM_ARGUMENT_PACK:
		for (int i = 0; i < a->nkid; i++) {
			if (i > 0)
				puts_(p, ", ");
			print(p, a->kid[i]);
		}
		break;
	case DM_SIZEOF_PACK:
		put_num(p, "%ld", a->ref->nkid);
		break;
	case DM_SIZEOF_ARGS: {
		long c = 0;
		for (int i = 0; i < a->nkid; i++) {
			enum dm_kind k = a->kid[i]->kind;
			c += (k == DM_ARGUMENT_PACK || k == DM_EXPR_LIST) ? a->kid[i]->nkid : 1;
		}
		put_num(p, "%ld", c);
		break;
	}
	case DM_FUNCTION_PARAM:
		if (a->num == 0)
			puts_(p, "this");
		else
			put_raw_num(p, "{parm#%ld}", a->num);
		break;
	case DM_REQUIRES_EXPR:
		print_requires(p, a);
		break;
	case DM_EXPR_REQUIREMENT:
		print_expr_requirement(p, a);
		break;
	case DM_TYPE_REQUIREMENT:
		puts_(p, " typename ");
		print(p, a->kid[0]);
		put(p, ';');
		break;
	case DM_NESTED_REQUIREMENT:
		puts_(p, " requires ");
		print(p, a->kid[0]);
		put(p, ';');
		break;
	default:
		print_types(p, a);
	}
}

static void print_names(struct printer *p, struct dm_node *a)
{
	switch (a->kind) {
	case DM_OPERATOR: {
		puts_(p, "operator");
		const char *n = a->str;
		if (*n >= 'a' && *n <= 'z')
			put(p, ' ');
		size_t len = strlen(n);
		if (len && n[len - 1] == ' ')
			len--;
		char *t = arena_strndup(p->ctx->arena, n, len);
		puts_(p, t);
		break;
	}
	case DM_CONSTRUCTOR:
		print(p, a->kid[0]);
		break;
	case DM_DESTRUCTOR:
		put(p, '~');
		print(p, a->kid[0]);
		break;
	case DM_GLOBAL_CDTOR:
		puts_(p, "global ");
		puts_(p, (a->flags & DM_F_CTOR) ? "constructors" : "destructors");
		puts_(p, " keyed to ");
		print(p, a->kid[0]);
		break;
	case DM_TAGGED_NAME:
		print(p, a->kid[0]);
		puts_(p, "[abi:");
		print(p, a->kid[1]);
		put(p, ']');
		break;
	case DM_CAST:
		puts_(p, "operator ");
		print(p, a->kid[0]);
		break;
	case DM_DEFAULT_ARG:
		put_raw_num(p, "{default arg#%ld}::", a->num + 1);
		print(p, a->kid[0]);
		break;
	case DM_CLOSURE:
		puts_(p, "{lambda");
		print_closure_types(p, a);
		put_num(p, "#%ld}", a->num + 1);
		break;
	case DM_STRUCTURED_BINDINGS:
		puts_(p, "[");
		print_list(p, a->kid, a->nkid, false);
		puts_(p, "]");
		break;
	case DM_UNNAMED_TYPE:
		put_num(p, "{unnamed type#%ld}", a->num + 1);
		break;
	case DM_CLONE:
		print(p, a->kid[0]);
		puts_(p, " [clone ");
		puts_(p, a->str);
		puts_(p, "]");
		break;
	case DM_SPECIAL:
		puts_(p, a->str);
		print(p, a->kid[0]);
		break;
	case DM_SPECIAL2:
		puts_(p, a->str);
		print(p, a->kid[0]);
		puts_(p, a->str2);
		print(p, a->kid[1]);
		break;
	case DM_ENABLE_IF:
		print(p, a->kid[0]);
		puts_(p, " [enable_if:");
		print_list(p, a->kid + 1, a->nkid - 1, false);
		puts_(p, "]");
		break;
	case DM_MODULE_NAME:
		if (a->kid[0])
			print(p, a->kid[0]);
		if (a->flags & DM_F_PARTITION)
			put(p, ':');
		else if (a->kid[0])
			put(p, '.');
		print(p, a->kid[1]);
		break;
	case DM_MODULE_ENTITY:
		print(p, a->kid[1]);
		put(p, '@');
		print(p, a->kid[0]);
		break;
	case DM_FRIEND:
		puts_(p, "friend ");
		print(p, a->kid[0]);
		break;
	case DM_CONSTRAINT:
		print(p, a->kid[0]);
		puts_(p, " requires ");
		print(p, a->kid[1]);
		break;
	case DM_EXPLICIT_OBJECT_PARAM:
		puts_(p, "this ");
		print(p, a->kid[0]);
		break;
	default:
		print_expr(p, a);
	}
}

/* Prints a without the guard against revisiting; the Go package does this in a few places. */
static void print_kind(struct printer *p, struct dm_node *a)
{
	if (!a)
		dm_fail(p->ctx); /* the Go package would crash */
	dm_enter(p->ctx);
	switch (a->kind) {
	case DM_NAME:
	case DM_BUILTIN:
		puts_(p, a->str);
		break;
	case DM_TYPED:
		print_typed(p, a);
		break;
	case DM_QUALIFIED:
		print(p, a->kid[0]);
		puts_(p, "::");
		print(p, a->kid[1]);
		break;
	case DM_TEMPLATE:
		print_template(p, a);
		break;
	case DM_TEMPLATE_PARAM:
		if (!a->ref || a->num >= a->ref->nkid - 1)
			dm_fail(p->ctx);
		print(p, a->ref->kid[1 + a->num]);
		break;
	case DM_LAMBDA_AUTO:
		put_raw_num(p, "auto:%ld", a->num + 1);
		break;
	case DM_TPARAM_QUALIFIED_ARG:
		print(p, a->kid[1]);
		break;
	case DM_QUALIFIERS:
		for (int i = 0; i < a->nkid; i++) {
			if (i > 0)
				put(p, ' ');
			dm_enter(p->ctx);
			print_qualifier(p, a->kid[i]);
			dm_leave(p->ctx);
		}
		break;
	case DM_QUALIFIER:
		print_qualifier(p, a);
		break;
	case DM_TPARAM_NAME: case DM_TYPE_TPARAM: case DM_NON_TYPE_TPARAM:
	case DM_TEMPLATE_TPARAM: case DM_CONSTRAINED_TPARAM: case DM_TPARAM_PACK:
		print_tparams(p, a);
		break;
	default:
		print_names(p, a);
	}
	dm_leave(p->ctx);
}

/*
 * A substitution can make the graph cyclic; a node already being printed
 * twice further up is skipped (the second time may print differently, as
 * the set of inner parts differs).
 */
static void print(struct printer *p, struct dm_node *a)
{
	if (!a)
		dm_fail(p->ctx);
	if (a->printing > 1)
		return;
	a->printing++;
	print_kind(p, a);
	a->printing--;
}

void dm_print(struct dm_ctx *ctx, struct dm_node *a, unsigned how, struct strbuf *out)
{
	struct printer p = { ctx, out, out->len, how & DM_PRINT_TPARAMS, how & DM_PRINT_ENCLOSING_PARAMS, 0, { NULL, 0, 0 } };
	print(&p, a);
}
