/*
 * demangle_itanium: the Itanium C++ ABI grammar, parsed into dm_node graphs.
 *
 * The parse follows the Go package's reading of the grammar, including its
 * extensions (GNU clone suffixes, clang's enable_if, C++20 modules and
 * constraints) and its handling of template parameters referred to through
 * substitutions, since that decides what is printed. Every failure jumps out
 * through dm_fail.
 */
#include "demangle_int.h"

#include <stdio.h>
#include <string.h>

struct parser {
	struct dm_ctx *ctx;
	const char *s;  /* what is left to parse */
	size_t n;
	struct dm_list subs;
	struct dm_list templates; /* entries are DM_TEMPLATE or NULL (inside a cast) */
	int lambda_level;         /* len(templates)+1 when a lambda began, or 0 */
	bool in_constraint;
	int type_params, nontype_params, template_params;
	struct dm_node *std_sub[128], *verbose_sub[128];
};

static struct dm_node *encoding(struct parser *p, bool params, bool local);
static struct dm_node *name(struct parser *p, bool *explicit_obj);
static struct dm_node *type(struct parser *p, bool is_cast);
static struct dm_node *expression(struct parser *p);
static struct dm_node *template_args(struct parser *p);
static struct dm_node *template_arg(struct parser *p, const struct dm_list *prev);
static struct dm_node *unqualified_name(struct parser *p, struct dm_node *module, bool *is_cast);
static struct dm_node *substitution(struct parser *p, bool for_prefix);
static struct dm_node *template_param(struct parser *p);
static struct dm_node *expr_primary(struct parser *p);
static struct dm_node *constraint_expr(struct parser *p);
static struct dm_node *template_param_decl(struct parser *p, struct dm_node **val);

static _Noreturn void fail(struct parser *p)
{
	dm_fail(p->ctx);
}

static char peek(const struct parser *p, size_t i)
{
	return i < p->n ? p->s[i] : '\0';
}

static bool at(const struct parser *p, char c)
{
	return p->n > 0 && p->s[0] == c;
}

static bool at2(const struct parser *p, const char *two)
{
	return p->n >= 2 && p->s[0] == two[0] && p->s[1] == two[1];
}

static void advance(struct parser *p, size_t k)
{
	if (k > p->n)
		fail(p);
	p->s += k;
	p->n -= k;
}

static void expect(struct parser *p, char c)
{
	if (!at(p, c))
		fail(p);
	advance(p, 1);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_kind(const struct dm_node *a, enum dm_kind k)
{
	return a && a->kind == k;
}

static void add_sub(struct parser *p, struct dm_node *a)
{
	dm_list_push(p->ctx, &p->subs, a);
}

static void push_template(struct parser *p, struct dm_node *t)
{
	dm_list_push(p->ctx, &p->templates, t);
}

static void pop_template(struct parser *p)
{
	p->templates.n--;
}

static int template_nargs(const struct dm_node *t)
{
	return t->nkid - 1;
}

static struct dm_node *node_str(struct parser *p, enum dm_kind kind, const char *s)
{
	struct dm_node *n = dm_new(p->ctx, kind, 0);
	n->str = s;
	return n;
}

static struct dm_node *qualified(struct parser *p, struct dm_node *scope, struct dm_node *nm, bool local)
{
	struct dm_node *q = dm_new2(p->ctx, DM_QUALIFIED, scope, nm);
	if (local)
		q->flags |= DM_F_LOCAL;
	return q;
}

static struct dm_node *make_template(struct parser *p, struct dm_node *nm, struct dm_node *args)
{
	/* args is a scratch DM_ARGUMENT_PACK holding the list. */
	struct dm_node *t = dm_new(p->ctx, DM_TEMPLATE, 1 + args->nkid);
	t->kid[0] = nm;
	for (int i = 0; i < args->nkid; i++)
		t->kid[1 + i] = args->kid[i];
	return t;
}

static struct dm_node *fmt_name(struct parser *p, const char *fmt, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, fmt, v);
	return dm_namen(p->ctx, buf, strlen(buf));
}

/* number ::= [n] <decimal>; bounded as the Go package bounds it. */
static int number(struct parser *p)
{
	bool neg = false;
	if (at(p, 'n')) {
		neg = true;
		advance(p, 1);
	}
	if (!p->n || !is_digit(p->s[0]))
		fail(p);
	int val = 0;
	while (p->n && is_digit(p->s[0])) {
		if (val >= (int)(0x80000000u / 10) - 10)
			fail(p);
		val = val * 10 + (p->s[0] - '0');
		advance(p, 1);
	}
	return neg ? -val : val;
}

static int seq_id(struct parser *p, bool eof_ok)
{
	if (at(p, '_')) {
		advance(p, 1);
		return 0;
	}
	int id = 0;
	for (;;) {
		if (!p->n) {
			if (eof_ok)
				return id + 1;
			fail(p);
		}
		if (id >= (int)(0x80000000u / 36) - 36)
			fail(p);
		char c = p->s[0];
		if (c == '_') {
			advance(p, 1);
			return id + 1;
		}
		if (is_digit(c))
			id = id * 36 + (c - '0');
		else if (is_upper(c))
			id = id * 36 + (c - 'A') + 10;
		else
			fail(p);
		advance(p, 1);
	}
}

static int compact_number(struct parser *p)
{
	if (!p->n)
		fail(p);
	if (p->s[0] == '_') {
		advance(p, 1);
		return 0;
	}
	if (p->s[0] == 'n')
		fail(p);
	int v = number(p);
	expect(p, '_');
	return v + 1;
}

static struct dm_node *source_name(struct parser *p)
{
	int len = number(p);
	if (len <= 0 || p->n < (size_t)len)
		fail(p);
	const char *id = p->s;
	advance(p, (size_t)len);
	/* GCC's spelling of the anonymous namespace. */
	if (len > 10 && !strncmp(id, "_GLOBAL_", 8) && (id[8] == '.' || id[8] == '_' || id[8] == '$') && id[9] == 'N')
		return dm_name(p->ctx, "(anonymous namespace)");
	return dm_namen(p->ctx, id, (size_t)len);
}

static struct dm_node *tagged_name(struct parser *p, struct dm_node *a)
{
	while (at(p, 'B')) {
		advance(p, 1);
		a = dm_new2(p->ctx, DM_TAGGED_NAME, a, source_name(p));
	}
	return a;
}

/* <module-name> ::= {W [P] <source-name>}; returns parent when absent. */
static struct dm_node *module_name(struct parser *p, struct dm_node *parent)
{
	struct dm_node *ret = parent;
	while (at(p, 'W')) {
		advance(p, 1);
		bool partition = false;
		if (at(p, 'P')) {
			advance(p, 1);
			partition = true;
		}
		struct dm_node *nm = source_name(p);
		ret = dm_new2(p->ctx, DM_MODULE_NAME, ret, nm);
		if (partition)
			ret->flags |= DM_F_PARTITION;
		add_sub(p, ret);
	}
	return ret;
}

struct op_info {
	char code[3];
	const char *name;
	int args;
};

static const struct op_info operators[] = {
	{ "aN", "&=", 2 }, { "aS", "=", 2 }, { "aa", "&&", 2 }, { "ad", "&", 1 },
	{ "an", "&", 2 }, { "at", "alignof ", 1 }, { "aw", "co_await ", 1 },
	{ "az", "alignof ", 1 }, { "cc", "const_cast", 2 }, { "cl", "()", 2 },
	{ "cp", "()", 2 }, { "cm", ",", 2 }, { "co", "~", 1 }, { "dV", "/=", 2 },
	{ "dX", "[...]=", 3 }, { "da", "delete[] ", 1 }, { "dc", "dynamic_cast", 2 },
	{ "de", "*", 1 }, { "di", "=", 2 }, { "dl", "delete ", 1 }, { "ds", ".*", 2 },
	{ "dt", ".", 2 }, { "dv", "/", 2 }, { "dx", "]=", 2 }, { "eO", "^=", 2 },
	{ "eo", "^", 2 }, { "eq", "==", 2 }, { "fl", "...", 2 }, { "fr", "...", 2 },
	{ "fL", "...", 3 }, { "fR", "...", 3 }, { "ge", ">=", 2 }, { "gs", "::", 1 },
	{ "gt", ">", 2 }, { "ix", "[]", 2 }, { "lS", "<<=", 2 }, { "le", "<=", 2 },
	{ "li", "operator\"\" ", 1 }, { "ls", "<<", 2 }, { "lt", "<", 2 },
	{ "mI", "-=", 2 }, { "mL", "*=", 2 }, { "mi", "-", 2 }, { "ml", "*", 2 },
	{ "mm", "--", 1 }, { "na", "new[]", 3 }, { "ne", "!=", 2 }, { "ng", "-", 1 },
	{ "nt", "!", 1 }, { "nw", "new", 3 }, { "nx", "noexcept", 1 }, { "oR", "|=", 2 },
	{ "oo", "||", 2 }, { "or", "|", 2 }, { "pL", "+=", 2 }, { "pl", "+", 2 },
	{ "pm", "->*", 2 }, { "pp", "++", 1 }, { "ps", "+", 1 }, { "pt", "->", 2 },
	{ "qu", "?", 3 }, { "rM", "%=", 2 }, { "rS", ">>=", 2 },
	{ "rc", "reinterpret_cast", 2 }, { "rm", "%", 2 }, { "rs", ">>", 2 },
	{ "sP", "sizeof...", 1 }, { "sZ", "sizeof...", 1 }, { "sc", "static_cast", 2 },
	{ "ss", "<=>", 2 }, { "st", "sizeof ", 1 }, { "sz", "sizeof ", 1 },
	{ "te", "typeid ", 1 }, { "ti", "typeid ", 1 }, { "tr", "throw", 0 },
	{ "tw", "throw ", 1 },
};

/*
 * operator_name: a two-letter code, cv <type>, or v <digit> <source-name>.
 * *nargs (may be NULL) gets the number of operands in an expression.
 */
static struct dm_node *operator_name(struct parser *p, bool in_expression, int *nargs)
{
	int dummy;
	if (!nargs)
		nargs = &dummy;
	if (p->n < 2)
		fail(p);
	char c0 = p->s[0], c1 = p->s[1];
	advance(p, 2);
	if (c0 == 'v' && is_digit(c1)) {
		struct dm_node *nm = source_name(p);
		*nargs = c1 - '0';
		return node_str(p, DM_OPERATOR, nm->str);
	}
	if (c0 == 'c' && c1 == 'v') {
		/* A NULL template: parameters in the cast's type are filled in later. */
		if (!in_expression)
			push_template(p, NULL);
		struct dm_node *t = type(p, !in_expression);
		if (!in_expression)
			pop_template(p);
		*nargs = 1;
		return dm_new1(p->ctx, DM_CAST, t);
	}
	for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
		if (operators[i].code[0] == c0 && operators[i].code[1] == c1) {
			*nargs = operators[i].args;
			return node_str(p, DM_OPERATOR, operators[i].name);
		}
	}
	fail(p);
}

/*
 * set_template points the unresolved template parameters in a (a cast
 * operator's type) at tmpl, the template the cast turned out to be.
 */
struct set_template_walk {
	struct dm_walker w;
	struct parser *p;
	struct dm_node *tmpl;
	struct dm_set seen;
};

static bool set_template_fn(struct dm_walker *w, struct dm_node *a)
{
	struct set_template_walk *s = (struct set_template_walk *)w;
	switch (a->kind) {
	case DM_TEMPLATE_PARAM:
		if (a->ref) {
			if (s->tmpl)
				fail(s->p);
			return false;
		}
		if (!s->tmpl || a->num >= template_nargs(s->tmpl))
			fail(s->p);
		a->ref = s->tmpl;
		return false;
	case DM_CLOSURE:
		return false;
	default:
		return dm_set_add(w->ctx, &s->seen, a);
	}
}

static void set_template(struct parser *p, struct dm_node *a, struct dm_node *tmpl)
{
	struct set_template_walk s = { { set_template_fn, p->ctx }, p, tmpl, { NULL, 0, 0 } };
	dm_walk(&s.w, a);
}

static void clear_template_args(struct parser *p, struct dm_node *args)
{
	for (int i = 0; i < args->nkid; i++)
		set_template(p, args->kid[i], NULL);
}

/* The argument pack a pack expansion expands, found through a template parameter. */
struct find_pack_walk {
	struct dm_walker w;
	struct dm_node *found;
	struct dm_set seen;
};

static bool find_pack_fn(struct dm_walker *w, struct dm_node *a)
{
	struct find_pack_walk *f = (struct find_pack_walk *)w;
	if (f->found)
		return false;
	switch (a->kind) {
	case DM_TEMPLATE_PARAM:
		if (!a->ref || a->num >= template_nargs(a->ref))
			return true;
		if (is_kind(a->ref->kid[1 + a->num], DM_ARGUMENT_PACK)) {
			f->found = a->ref->kid[1 + a->num];
			return false;
		}
		break;
	case DM_PACK_EXPANSION: case DM_CLOSURE: case DM_NAME: case DM_TAGGED_NAME:
	case DM_OPERATOR: case DM_BUILTIN: case DM_FUNCTION_PARAM: case DM_UNNAMED_TYPE:
	case DM_FIXED_TYPE: case DM_DEFAULT_ARG:
		return false;
	default:
		break;
	}
	return dm_set_add(w->ctx, &f->seen, a);
}

static struct dm_node *find_argument_pack(struct parser *p, struct dm_node *a)
{
	struct find_pack_walk f = { { find_pack_fn, p->ctx }, NULL, { NULL, 0, 0 } };
	dm_walk(&f.w, a);
	return f.found;
}

/* <discriminator> ::= _ <digit> | __ <number> _; clang may also end a name with bare digits. */
static struct dm_node *discriminator(struct parser *p, struct dm_node *a)
{
	if (!at(p, '_')) {
		for (size_t i = 0; i < p->n; i++)
			if (!is_digit(p->s[i]))
				return a;
		advance(p, p->n);
		return a;
	}
	advance(p, 1);
	bool trailing = false;
	if (at(p, '_')) {
		advance(p, 1);
		trailing = true;
	}
	int d = number(p);
	if (d < 0)
		fail(p);
	if (trailing && d >= 10)
		expect(p, '_');
	return a;
}

static struct dm_node *cv_qualifiers(struct parser *p);

/* <type>+ up to E, '.', a ref-qualifier before E, or a requires clause. */
static struct dm_node *parmlist(struct parser *p, bool explicit_obj)
{
	struct dm_list l = { NULL, 0, 0 };
	for (;;) {
		if (!p->n || p->s[0] == 'E' || p->s[0] == '.')
			break;
		if ((p->s[0] == 'R' || p->s[0] == 'O') && peek(p, 1) == 'E')
			break;
		if (p->s[0] == 'Q')
			break;
		struct dm_node *t = type(p, false);
		if (l.n == 0 && explicit_obj)
			t = dm_new1(p->ctx, DM_EXPLICIT_OBJECT_PARAM, t);
		dm_list_push(p->ctx, &l, t);
	}
	if (l.n == 0)
		fail(p);
	/* A lone void means no parameters. */
	if (l.n == 1 && is_kind(l.v[0], DM_BUILTIN) && !strcmp(l.v[0]->str, "void"))
		l.n = 0;
	return dm_from_list(p->ctx, DM_ARGUMENT_PACK, NULL, &l);
}

static struct dm_node *function_type_node(struct parser *p, struct dm_node *ret, struct dm_node *args)
{
	struct dm_node *ft = dm_new(p->ctx, DM_FUNCTION_TYPE, 1 + args->nkid);
	ft->kid[0] = ret;
	for (int i = 0; i < args->nkid; i++)
		ft->kid[1 + i] = args->kid[i];
	return ft;
}

static struct dm_node *bare_function_type(struct parser *p, bool has_return, bool explicit_obj)
{
	if (at(p, 'J')) {
		has_return = true;
		advance(p, 1);
	}
	struct dm_node *ret = has_return ? type(p, false) : NULL;
	return function_type_node(p, ret, parmlist(p, explicit_obj));
}

static const char *ref_qualifier(struct parser *p)
{
	if (at(p, 'R')) {
		advance(p, 1);
		return "&";
	}
	if (at(p, 'O')) {
		advance(p, 1);
		return "&&";
	}
	return "";
}

static struct dm_node *method_quals(struct parser *p, struct dm_node *m, struct dm_node *q, const char *ref)
{
	struct dm_node *n = dm_new2(p->ctx, DM_METHOD_WITH_QUALS, m, q);
	n->str = ref;
	return n;
}

static struct dm_node *cv_qualifiers(struct parser *p)
{
	struct dm_list q = { NULL, 0, 0 };
	while (p->n) {
		struct dm_node *qual;
		char c = p->s[0];
		if (c == 'r' || c == 'V' || c == 'K') {
			qual = node_str(p, DM_QUALIFIER, c == 'r' ? "restrict" : c == 'V' ? "volatile" : "const");
			advance(p, 1);
		} else if (c == 'D' && p->n > 1) {
			char c1 = p->s[1];
			if (c1 == 'x') {
				qual = node_str(p, DM_QUALIFIER, "transaction_safe");
				advance(p, 2);
			} else if (c1 == 'o') {
				qual = node_str(p, DM_QUALIFIER, "noexcept");
				advance(p, 2);
			} else if (c1 == 'O') {
				advance(p, 2);
				struct dm_node *e = expression(p);
				expect(p, 'E');
				qual = dm_new1(p->ctx, DM_QUALIFIER, e);
				qual->str = "noexcept";
			} else if (c1 == 'w') {
				advance(p, 2);
				struct dm_node *pl = parmlist(p, false);
				expect(p, 'E');
				qual = dm_clone(p->ctx, pl);
				qual->kind = DM_QUALIFIER;
				qual->str = "throw";
			} else {
				break;
			}
		} else {
			break;
		}
		dm_list_push(p->ctx, &q, qual);
	}
	if (q.n == 0)
		return NULL;
	/* Printed in the reverse of the mangled order. */
	struct dm_node *qs = dm_new(p->ctx, DM_QUALIFIERS, q.n);
	for (int i = 0; i < q.n; i++)
		qs->kid[i] = q.v[q.n - 1 - i];
	return qs;
}

/* <function-type> ::= F [Y] <bare-function-type> [<ref-qualifier>] E */
static struct dm_node *function_type(struct parser *p)
{
	expect(p, 'F');
	if (at(p, 'Y'))
		advance(p, 1);
	struct dm_node *ret = bare_function_type(p, true, false);
	const char *r = ref_qualifier(p);
	if (*r)
		ret = method_quals(p, ret, NULL, r);
	expect(p, 'E');
	return ret;
}

static struct dm_node *array_type(struct parser *p, bool is_cast)
{
	expect(p, 'A');
	if (!p->n)
		fail(p);
	struct dm_node *dim;
	if (p->s[0] == '_') {
		dim = dm_name(p->ctx, "");
	} else if (is_digit(p->s[0])) {
		size_t i = 1;
		while (i < p->n && is_digit(p->s[i]))
			i++;
		dim = dm_namen(p->ctx, p->s, i);
		advance(p, i);
	} else {
		dim = expression(p);
	}
	expect(p, '_');
	struct dm_node *t = type(p, is_cast);
	/* Qualifiers on the element go on the whole array. */
	if (t->kind == DM_TYPE_WITH_QUALS)
		return dm_new2(p->ctx, DM_TYPE_WITH_QUALS, dm_new2(p->ctx, DM_ARRAY, dim, t->kid[0]), t->kid[1]);
	return dm_new2(p->ctx, DM_ARRAY, dim, t);
}

static struct dm_node *vector_type(struct parser *p, bool is_cast)
{
	if (!p->n)
		fail(p);
	struct dm_node *dim;
	if (p->s[0] == '_') {
		advance(p, 1);
		dim = expression(p);
	} else {
		dim = fmt_name(p, "%ld", number(p));
	}
	expect(p, '_');
	return dm_new2(p->ctx, DM_VECTOR, dim, type(p, is_cast));
}

static struct dm_node *pointer_to_member_type(struct parser *p, bool is_cast)
{
	expect(p, 'M');
	struct dm_node *cl = type(p, false);
	struct dm_node *mem = type(p, is_cast);
	return dm_new2(p->ctx, DM_PTR_MEM, cl, mem);
}

/*
 * After <template-param> <template-args> inside a cast operator's type the
 * args belong to the enclosing prefix unless a second set follows. Try to
 * read them; if no second set follows, rewind and return tp alone.
 */
static struct dm_node *cast_template_args(struct parser *p, struct dm_node *tp, bool add)
{
	struct parser save = *p;
	int depth = p->ctx->depth;
	jmp_buf jb;
	jmp_buf *outer = p->ctx->fail;
	struct dm_node *volatile args = NULL;
	p->ctx->fail = &jb;
	if (!setjmp(jb))
		args = template_args(p);
	p->ctx->fail = outer;
	if (args && at(p, 'I')) {
		if (add)
			add_sub(p, tp);
		return make_template(p, tp, args);
	}
	*p = save;
	p->ctx->depth = depth;
	return tp;
}

static struct dm_node *closure_type_name(struct parser *p);
static struct dm_node *unnamed_type_name(struct parser *p);

static struct dm_node *builtin_type(struct parser *p, char c)
{
	static const char *const names[26] = {
		"signed char", "bool", "char", "double", "long double", "float", "__float128",
		"unsigned char", "int", "unsigned int", NULL, "long", "unsigned long", "__int128",
		"unsigned __int128", NULL, NULL, NULL, "short", "unsigned short", NULL, "void",
		"wchar_t", "long long", "unsigned long long", "...",
	};
	if (!is_lower(c) || !names[c - 'a'])
		return NULL;
	return node_str(p, DM_BUILTIN, names[c - 'a']);
}

static struct dm_node *type_D(struct parser *p, bool is_cast, bool *add_subst)
{
	advance(p, 1);
	if (!p->n)
		fail(p);
	*add_subst = false;
	char c = p->s[0];
	advance(p, 1);
	struct dm_node *ret;
	switch (c) {
	case 'T': case 't':
		ret = expression(p);
		expect(p, 'E');
		*add_subst = true;
		return dm_new1(p->ctx, DM_DECLTYPE, ret);
	case 'p': {
		struct dm_node *t = type(p, is_cast);
		ret = dm_new1(p->ctx, DM_PACK_EXPANSION, t);
		ret->ref = find_argument_pack(p, t);
		*add_subst = true;
		return ret;
	}
	case 'a': return dm_name(p->ctx, "auto");
	case 'c': return dm_name(p->ctx, "decltype(auto)");
	case 'f': return node_str(p, DM_BUILTIN, "decimal32");
	case 'd': return node_str(p, DM_BUILTIN, "decimal64");
	case 'e': return node_str(p, DM_BUILTIN, "decimal128");
	case 'h': return node_str(p, DM_BUILTIN, "half");
	case 'u': return node_str(p, DM_BUILTIN, "char8_t");
	case 's': return node_str(p, DM_BUILTIN, "char16_t");
	case 'i': return node_str(p, DM_BUILTIN, "char32_t");
	case 'n': return node_str(p, DM_BUILTIN, "decltype(nullptr)");
	case 'F': {
		bool accum = false;
		int bits = 0;
		if (p->n && is_digit(p->s[0])) {
			accum = true;
			bits = number(p);
		}
		if (at(p, '_')) {
			if (bits == 0)
				fail(p);
			advance(p, 1);
			ret = dm_new(p->ctx, DM_BINARY_FP, 0);
			ret->num = bits;
			return ret;
		}
		struct dm_node *base = type(p, is_cast);
		if (p->n && is_digit(p->s[0]))
			number(p);
		bool sat = false;
		if (p->n) {
			sat = p->s[0] == 's';
			advance(p, 1);
		}
		ret = dm_new1(p->ctx, DM_FIXED_TYPE, base);
		ret->flags |= (accum ? DM_F_ACCUM : 0) | (sat ? DM_F_SAT : 0);
		return ret;
	}
	case 'v':
		*add_subst = true;
		return vector_type(p, is_cast);
	case 'B': case 'U': {
		struct dm_node *size;
		if (p->n && is_digit(p->s[0]))
			size = fmt_name(p, "%ld", number(p));
		else
			size = expression(p);
		expect(p, '_');
		ret = dm_new1(p->ctx, DM_BIT_INT, size);
		if (c == 'B')
			ret->flags |= DM_F_SIGNED;
		return ret;
	}
	case 'k': case 'K': {
		struct dm_node *constraint = name(p, NULL);
		ret = dm_new1(p->ctx, DM_SUFFIX_TYPE, constraint);
		ret->str = c == 'k' ? "auto" : "decltype(auto)";
		return ret;
	}
	default:
		fail(p);
	}
}

static struct dm_node *type_S(struct parser *p, bool is_cast, bool *add_subst)
{
	char c2 = peek(p, 1);
	if (is_digit(c2) || c2 == '_' || is_upper(c2)) {
		struct dm_node *ret = substitution(p, false);
		if (ret->kind == DM_MODULE_NAME) {
			ret = unqualified_name(p, ret, NULL);
			add_sub(p, ret);
		}
		if (!at(p, 'I')) {
			*add_subst = false;
		} else if (ret->kind != DM_TEMPLATE_PARAM || !is_cast) {
			ret = make_template(p, ret, template_args(p));
		} else {
			struct dm_node *next = cast_template_args(p, ret, false);
			if (next == ret)
				*add_subst = false;
			ret = next;
		}
		return ret;
	}
	struct dm_node *ret = name(p, NULL);
	/* A standard abbreviation is not itself a substitution candidate. */
	if ((unsigned char)c2 < 128 && (ret == p->std_sub[(unsigned char)c2] || ret == p->verbose_sub[(unsigned char)c2]))
		*add_subst = false;
	return ret;
}

static struct dm_node *type_U(struct parser *p, bool is_cast, bool *add_subst)
{
	if (p->n < 2)
		fail(p);
	if (p->s[1] == 'l') {
		*add_subst = false;
		return closure_type_name(p);
	}
	if (p->s[1] == 't') {
		*add_subst = false;
		return unnamed_type_name(p);
	}
	advance(p, 1);
	struct dm_node *n = source_name(p);
	if (at(p, 'I'))
		n = make_template(p, n, template_args(p));
	struct dm_node *t = type(p, is_cast);
	return dm_new2(p->ctx, DM_VENDOR_QUALIFIER, n, t);
}

static struct dm_node *type_T(struct parser *p, bool is_cast)
{
	char c1 = peek(p, 1);
	if (c1 == 's' || c1 == 'u' || c1 == 'e') {
		advance(p, 2);
		struct dm_node *ret = dm_new1(p->ctx, DM_ELABORATED, name(p, NULL));
		ret->str = c1 == 's' ? "struct" : c1 == 'u' ? "union" : "enum";
		return ret;
	}
	struct dm_node *ret = template_param(p);
	if (at(p, 'I')) {
		if (!is_cast) {
			add_sub(p, ret);
			ret = make_template(p, ret, template_args(p));
		} else {
			ret = cast_template_args(p, ret, true);
		}
	}
	return ret;
}

static struct dm_node *type_body(struct parser *p, bool is_cast, bool *add_subst)
{
	char c = p->s[0];
	struct dm_node *ret;
	switch (c) {
	case 'u':
		advance(p, 1);
		ret = source_name(p);
		if (at(p, 'I')) {
			advance(p, 1);
			struct dm_node *base = type(p, false);
			expect(p, 'E');
			struct dm_node *tt = dm_new1(p->ctx, DM_TRANSFORMED_TYPE, base);
			tt->str = ret->str;
			ret = tt;
		}
		return ret;
	case 'F':
		return function_type(p);
	case 'N': case 'W': case 'Z':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return name(p, NULL);
	case 'A':
		return array_type(p, is_cast);
	case 'M':
		return pointer_to_member_type(p, is_cast);
	case 'T':
		return type_T(p, is_cast);
	case 'S':
		return type_S(p, is_cast, add_subst);
	case 'O': case 'P': case 'R': case 'C': case 'G': {
		advance(p, 1);
		struct dm_node *t = type(p, is_cast);
		enum dm_kind k = c == 'O' ? DM_RVALUE_REFERENCE : c == 'P' ? DM_POINTER :
			c == 'R' ? DM_REFERENCE : c == 'C' ? DM_COMPLEX : DM_IMAGINARY;
		return dm_new1(p->ctx, k, t);
	}
	case 'U':
		return type_U(p, is_cast, add_subst);
	case 'D':
		return type_D(p, is_cast, add_subst);
	default:
		fail(p);
	}
}

static struct dm_node *type(struct parser *p, bool is_cast)
{
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	bool add_subst = true;
	struct dm_node *q = cv_qualifiers(p);
	if (q) {
		if (!p->n)
			fail(p);
		/* Qualifiers before a function type apply to 'this'. */
		if (p->s[0] == 'F')
			add_subst = false;
	}
	struct dm_node *ret = builtin_type(p, p->s[0]);
	if (ret) {
		advance(p, 1);
		if (q) {
			ret = dm_new2(p->ctx, DM_TYPE_WITH_QUALS, ret, q);
			add_sub(p, ret);
		}
		dm_leave(p->ctx);
		return ret;
	}
	ret = type_body(p, is_cast, &add_subst);
	if (add_subst)
		add_sub(p, ret);
	if (q) {
		if (ret->kind == DM_FUNCTION_TYPE) {
			ret = method_quals(p, ret, q, "");
		} else if (ret->kind == DM_METHOD_WITH_QUALS) {
			/* A function with a trailing ref-qualifier. */
			ret->kid[1] = dm_merge_qualifiers(p->ctx, q, ret->kid[1]);
		} else {
			/* Multi-dimensional arrays. */
			if (ret->kind == DM_TYPE_WITH_QUALS) {
				q = dm_merge_qualifiers(p->ctx, q, ret->kid[1]);
				ret = ret->kid[0];
			}
			ret = dm_new2(p->ctx, DM_TYPE_WITH_QUALS, ret, q);
		}
		add_sub(p, ret);
	}
	dm_leave(p->ctx);
	return ret;
}

/* <template-param> ::= T_ | T <n> _ | TL <level> __ | TL <level> _ <n> _ */
static struct dm_node *template_param(struct parser *p)
{
	const char *start = p->s;
	expect(p, 'T');
	int level = 0;
	if (at(p, 'L')) {
		advance(p, 1);
		level = compact_number(p);
	}
	int n = compact_number(p);
	/* Inside a constraint parameters are left as written, less the final '_'. */
	if (p->in_constraint)
		return dm_namen(p->ctx, start, (size_t)(p->s - start) - 1);
	bool lambda_auto = p->lambda_level > 0 && level == p->lambda_level - 1;
	struct dm_node *r;
	if (level >= p->templates.n) {
		if (!lambda_auto)
			fail(p);
		r = dm_new(p->ctx, DM_LAMBDA_AUTO, 0);
		r->num = n;
		return r;
	}
	struct dm_node *t = p->templates.v[level];
	if (t && n >= template_nargs(t)) {
		if (!lambda_auto)
			fail(p);
		r = dm_new(p->ctx, DM_LAMBDA_AUTO, 0);
		r->num = n;
		return r;
	}
	r = dm_new(p->ctx, DM_TEMPLATE_PARAM, 0);
	r->num = n;
	r->ref = t;
	return r;
}

/* <template-args> ::= I <template-arg>+ E, as a scratch DM_ARGUMENT_PACK. */
static struct dm_node *template_args(struct parser *p)
{
	if (!at(p, 'I') && !at(p, 'J'))
		fail(p);
	advance(p, 1);
	dm_enter(p->ctx);
	struct dm_list l = { NULL, 0, 0 };
	while (!at(p, 'E')) {
		dm_list_push(p->ctx, &l, template_arg(p, &l));
		if (at(p, 'Q')) {
			/* A constraint on the arguments is parsed but not printed. */
			constraint_expr(p);
			if (!at(p, 'E'))
				fail(p);
		}
	}
	advance(p, 1);
	dm_leave(p->ctx);
	return dm_from_list(p->ctx, DM_ARGUMENT_PACK, NULL, &l);
}

static struct dm_node *template_arg(struct parser *p, const struct dm_list *prev)
{
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	struct dm_node *r;
	char c1 = peek(p, 1);
	switch (p->s[0]) {
	case 'X':
		advance(p, 1);
		r = expression(p);
		expect(p, 'E');
		break;
	case 'L':
		r = expr_primary(p);
		break;
	case 'I': case 'J':
		r = template_args(p);
		break;
	case 'T':
		if (c1 == 'y' || c1 == 'n' || c1 == 't' || c1 == 'p' || c1 == 'k') {
			/* Parameters in the declaration refer to earlier arguments of this list. */
			int np = prev ? prev->n : 0;
			struct dm_node *t = dm_new(p->ctx, DM_TEMPLATE, 1 + np);
			for (int i = 0; i < np; i++)
				t->kid[1 + i] = prev->v[i];
			push_template(p, t);
			struct dm_node *val;
			struct dm_node *param = template_param_decl(p, &val);
			pop_template(p);
			if (!param)
				fail(p);
			r = dm_new2(p->ctx, DM_TPARAM_QUALIFIED_ARG, param, template_arg(p, NULL));
			break;
		}
		r = type(p, false);
		break;
	default:
		r = type(p, false);
		break;
	}
	dm_leave(p->ctx);
	return r;
}

/* A sequence of expressions ended by stop; an empty list when stop comes first. */
static struct dm_node *expr_list(struct parser *p, char stop)
{
	struct dm_list l = { NULL, 0, 0 };
	if (at(p, stop)) {
		advance(p, 1);
		return dm_from_list(p->ctx, DM_EXPR_LIST, NULL, &l);
	}
	for (;;) {
		dm_list_push(p->ctx, &l, expression(p));
		if (at(p, stop)) {
			advance(p, 1);
			break;
		}
	}
	return dm_from_list(p->ctx, DM_EXPR_LIST, NULL, &l);
}

static bool at_number(const struct parser *p)
{
	return p->n && (p->s[0] == 'n' || is_digit(p->s[0]));
}

/* so <referent type> <expr> [<offset>] {_ [<number>]} [p] E */
static struct dm_node *subobject(struct parser *p)
{
	struct dm_node *t = type(p, false);
	struct dm_node *e = expression(p);
	int offset = 0;
	if (at_number(p))
		offset = number(p);
	while (at(p, '_')) {
		advance(p, 1);
		if (at_number(p))
			number(p);
	}
	if (at(p, 'p'))
		advance(p, 1);
	expect(p, 'E');
	struct dm_node *so = dm_new2(p->ctx, DM_SUBOBJECT, t, e);
	so->num = offset;
	return so;
}

static struct dm_node *operator_node(struct parser *p, const char *name)
{
	return node_str(p, DM_OPERATOR, name);
}

static struct dm_node *unary(struct parser *p, struct dm_node *op, struct dm_node *e, unsigned flags)
{
	struct dm_node *u = dm_new2(p->ctx, DM_UNARY, op, e);
	u->flags |= flags;
	return u;
}

static struct dm_node *binary(struct parser *p, struct dm_node *op, struct dm_node *l, struct dm_node *r)
{
	struct dm_node *b = dm_new(p->ctx, DM_BINARY, 3);
	b->kid[0] = op;
	b->kid[1] = l;
	b->kid[2] = r;
	return b;
}

static struct dm_node *base_unresolved_name(struct parser *p)
{
	struct dm_node *n;
	if (at2(p, "on")) {
		advance(p, 2);
		n = operator_name(p, true, NULL);
	} else if (at2(p, "dn")) {
		advance(p, 2);
		n = p->n && is_digit(p->s[0]) ? source_name(p) : type(p, false);
		n = dm_new1(p->ctx, DM_DESTRUCTOR, n);
	} else if (p->n && is_digit(p->s[0])) {
		n = source_name(p);
	} else {
		/* GCC may omit the "on" (GCC PR 70182). */
		n = operator_name(p, true, NULL);
	}
	if (at(p, 'I'))
		n = make_template(p, n, template_args(p));
	return n;
}

static struct dm_node *unresolved_name(struct parser *p)
{
	dm_enter(p->ctx);
	struct dm_node *r;
	if (at2(p, "gs")) {
		advance(p, 2);
		r = unary(p, operator_node(p, "::"), unresolved_name(p), 0);
	} else if (at2(p, "sr")) {
		advance(p, 2);
		if (!p->n)
			fail(p);
		char c = p->s[0];
		if (c == 'T' || c == 'D' || c == 'S') {
			struct dm_node *t = type(p, false);
			r = qualified(p, t, base_unresolved_name(p), false);
			if (at(p, 'I')) {
				r = make_template(p, r, template_args(p));
				add_sub(p, r);
			}
		} else {
			r = NULL;
			struct dm_node *s = NULL;
			if (c == 'N') {
				advance(p, 1);
				s = type(p, false);
			}
			while (!at(p, 'E')) {
				/* GCC may emit the type and name without the E. */
				if (s && p->n && !is_digit(p->s[0]) && s->kind == DM_QUALIFIED) {
					struct dm_node *a = s->kid[0];
					if (a->kind == DM_TEMPLATE) {
						add_sub(p, a->kid[0]);
						add_sub(p, a);
					} else {
						add_sub(p, a);
					}
					r = s;
					break;
				}
				struct dm_node *nn = source_name(p);
				if (at(p, 'I')) {
					add_sub(p, nn);
					nn = make_template(p, nn, template_args(p));
				}
				s = s ? qualified(p, s, nn, false) : nn;
			}
			if (!r) {
				if (!s)
					fail(p);
				advance(p, 1);
				r = qualified(p, s, base_unresolved_name(p), false);
			}
		}
	} else {
		r = base_unresolved_name(p);
	}
	dm_leave(p->ctx);
	return r;
}

/* rQ <bare-function-type> _ <requirement>+ E | rq <requirement>+ E */
static struct dm_node *requires_expr(struct parser *p)
{
	expect(p, 'r');
	if (!at(p, 'q') && !at(p, 'Q'))
		fail(p);
	char kind = p->s[0];
	advance(p, 1);
	struct dm_list params = { NULL, 0, 0 }, reqs = { NULL, 0, 0 };
	if (kind == 'Q') {
		while (p->n && p->s[0] != '_')
			dm_list_push(p->ctx, &params, type(p, false));
		advance(p, 1);
	}
	while (p->n && p->s[0] != 'E') {
		struct dm_node *req;
		char c = p->s[0];
		advance(p, 1);
		if (c == 'X') {
			struct dm_node *e = expression(p);
			bool noexcept = false;
			if (at(p, 'N')) {
				advance(p, 1);
				noexcept = true;
			}
			struct dm_node *treq = NULL;
			if (at(p, 'R')) {
				advance(p, 1);
				treq = name(p, NULL);
			}
			req = dm_new2(p->ctx, DM_EXPR_REQUIREMENT, e, treq);
			if (noexcept)
				req->flags |= DM_F_NOEXCEPT;
		} else if (c == 'T') {
			req = dm_new1(p->ctx, DM_TYPE_REQUIREMENT, type(p, false));
		} else if (c == 'Q') {
			req = dm_new1(p->ctx, DM_NESTED_REQUIREMENT, expression(p));
		} else {
			fail(p);
		}
		dm_list_push(p->ctx, &reqs, req);
	}
	expect(p, 'E');
	struct dm_node *re = dm_new(p->ctx, DM_REQUIRES_EXPR, params.n + reqs.n);
	re->split = params.n;
	for (int i = 0; i < params.n; i++)
		re->kid[i] = params.v[i];
	for (int i = 0; i < reqs.n; i++)
		re->kid[params.n + i] = reqs.v[i];
	return re;
}

static struct dm_node *expression_operator(struct parser *p)
{
	if (p->n < 2)
		fail(p);
	char c0 = p->s[0], c1 = p->s[1];
	int nargs;
	struct dm_node *o = operator_name(p, true, &nargs);
	switch (nargs) {
	case 0:
		return dm_new1(p->ctx, DM_NULLARY, o);
	case 1: {
		unsigned flags = 0;
		if ((c0 == 'p' && c1 == 'p') || (c0 == 'm' && c1 == 'm')) {
			if (at(p, '_'))
				advance(p, 1);
			else
				flags |= DM_F_SUFFIX;
		}
		struct dm_node *operand;
		if (o->kind == DM_CAST && at(p, '_')) {
			advance(p, 1);
			operand = expr_list(p, 'E');
		} else {
			operand = expression(p);
		}
		return unary(p, o, operand, flags);
	}
	case 2: {
		struct dm_node *left, *right;
		bool is_cast = (c1 == 'c' && (c0 == 's' || c0 == 'd' || c0 == 'c' || c0 == 'r'));
		if (is_cast) {
			left = type(p, false);
		} else if (c0 == 'f') {
			struct dm_node *op = operator_name(p, true, NULL);
			struct dm_node *arg = expression(p);
			struct dm_node *f = dm_new(p->ctx, DM_FOLD, 3);
			f->kid[0] = op;
			f->kid[1] = arg;
			if (c1 == 'l')
				f->flags |= DM_F_LEFT;
			return f;
		} else if (c0 == 'd' && c1 == 'i') {
			left = unqualified_name(p, NULL, NULL);
		} else {
			left = expression(p);
		}
		if (c0 == 'c' && (c1 == 'l' || c1 == 'p')) {
			right = expr_list(p, 'E');
		} else if ((c0 == 'd' || c0 == 'p') && c1 == 't') {
			if (at(p, 'L')) {
				right = expr_primary(p);
			} else {
				right = unresolved_name(p);
				if (at(p, 'I'))
					right = make_template(p, right, template_args(p));
			}
		} else {
			right = expression(p);
		}
		return binary(p, o, left, right);
	}
	case 3:
		if (c0 == 'n') {
			struct dm_node *place = expr_list(p, '_');
			if (place->nkid == 0)
				place = NULL;
			struct dm_node *t = type(p, false);
			struct dm_node *init = NULL;
			if (at(p, 'E')) {
				advance(p, 1);
			} else if (at2(p, "pi")) {
				advance(p, 2);
				init = expr_list(p, 'E');
			} else if (at2(p, "il")) {
				init = expression(p);
			} else {
				fail(p);
			}
			struct dm_node *nw = dm_new(p->ctx, DM_NEW, 4);
			nw->kid[0] = o;
			nw->kid[1] = place;
			nw->kid[2] = t;
			nw->kid[3] = init;
			return nw;
		}
		if (c0 == 'f') {
			struct dm_node *f = dm_new(p->ctx, DM_FOLD, 3);
			f->kid[0] = operator_name(p, true, NULL);
			f->kid[1] = expression(p);
			f->kid[2] = expression(p);
			if (c1 == 'L')
				f->flags |= DM_F_LEFT;
			return f;
		} else {
			struct dm_node *t = dm_new(p->ctx, DM_TRINARY, 4);
			t->kid[0] = o;
			t->kid[1] = expression(p);
			t->kid[2] = expression(p);
			t->kid[3] = expression(p);
			return t;
		}
	default:
		fail(p);
	}
}

static struct dm_node *function_param(struct parser *p, int index)
{
	struct dm_node *fp = dm_new(p->ctx, DM_FUNCTION_PARAM, 0);
	fp->num = index;
	return fp;
}

static struct dm_node *expression_body(struct parser *p)
{
	char c0 = p->s[0], c1 = peek(p, 1);
	if (c0 == 'L')
		return expr_primary(p);
	if (c0 == 'T')
		return template_param(p);
	if (c0 == 's' && c1 == 'o') {
		advance(p, 2);
		return subobject(p);
	}
	if (c0 == 's' && c1 == 'r')
		return unresolved_name(p);
	if (c0 == 's' && c1 == 'p') {
		advance(p, 2);
		struct dm_node *e = expression(p);
		struct dm_node *pe = dm_new1(p->ctx, DM_PACK_EXPANSION, e);
		pe->ref = find_argument_pack(p, e);
		return pe;
	}
	if (c0 == 's' && c1 == 'Z') {
		advance(p, 2);
		struct dm_node *pack = find_argument_pack(p, expression(p));
		if (!pack)
			fail(p);
		struct dm_node *sp = dm_new(p->ctx, DM_SIZEOF_PACK, 0);
		sp->ref = pack;
		return sp;
	}
	if (c0 == 's' && c1 == 'P') {
		advance(p, 2);
		struct dm_list l = { NULL, 0, 0 };
		while (!at(p, 'E'))
			dm_list_push(p->ctx, &l, template_arg(p, NULL));
		advance(p, 1);
		return dm_from_list(p->ctx, DM_SIZEOF_ARGS, NULL, &l);
	}
	if (c0 == 'f' && c1 == 'p') {
		advance(p, 2);
		if (at(p, 'T')) {
			advance(p, 1);
			return function_param(p, 0);
		}
		cv_qualifiers(p); /* parsed, not printed */
		return function_param(p, compact_number(p) + 1);
	}
	if (c0 == 'f' && c1 == 'L' && is_digit(peek(p, 2))) {
		advance(p, 2);
		number(p); /* the scope count is not printed */
		expect(p, 'p');
		cv_qualifiers(p);
		return function_param(p, compact_number(p) + 1);
	}
	if (c0 == 'm' && c1 == 'c') {
		advance(p, 2);
		struct dm_node *t = type(p, false);
		struct dm_node *e = expression(p);
		if (at_number(p))
			number(p);
		expect(p, 'E');
		return dm_new2(p->ctx, DM_PTR_MEM_CAST, t, e);
	}
	if (is_digit(c0) || (c0 == 'o' && c1 == 'n')) {
		if (c0 == 'o')
			advance(p, 2);
		struct dm_node *n = unqualified_name(p, NULL, NULL);
		if (at(p, 'I'))
			n = make_template(p, n, template_args(p));
		return n;
	}
	if ((c0 == 'i' || c0 == 't') && c1 == 'l') {
		advance(p, 2);
		struct dm_node *t = c0 == 't' ? type(p, false) : NULL;
		return dm_new2(p->ctx, DM_INITIALIZER_LIST, t, expr_list(p, 'E'));
	}
	if (c0 == 's' && c1 == 't') {
		struct dm_node *o = operator_name(p, true, NULL);
		return unary(p, o, type(p, false), DM_F_SIZEOF_TYPE);
	}
	if (c0 == 'u') {
		advance(p, 1);
		struct dm_node *nm = source_name(p);
		struct dm_list args = { NULL, 0, 0 };
		/* LLVM's __uuidof takes a type (t) or an expression (z). */
		if (!strcmp(nm->str, "__uuidof")) {
			if (p->n < 2)
				fail(p);
			struct dm_node *operand = NULL;
			if (p->s[0] == 't') {
				advance(p, 1);
				operand = type(p, false);
			} else if (p->s[0] == 'z') {
				advance(p, 1);
				operand = expression(p);
			}
			if (operand) {
				dm_list_push(p->ctx, &args, operand);
				return binary(p, operator_node(p, "()"), nm, dm_from_list(p->ctx, DM_EXPR_LIST, NULL, &args));
			}
		}
		for (;;) {
			if (!p->n)
				fail(p);
			if (p->s[0] == 'E') {
				advance(p, 1);
				break;
			}
			dm_list_push(p->ctx, &args, template_arg(p, NULL));
		}
		return binary(p, operator_node(p, "()"), nm, dm_from_list(p->ctx, DM_EXPR_LIST, NULL, &args));
	}
	if (c0 == 'r' && (c1 == 'q' || c1 == 'Q'))
		return requires_expr(p);
	return expression_operator(p);
}

static struct dm_node *expression(struct parser *p)
{
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	struct dm_node *r = expression_body(p);
	dm_leave(p->ctx);
	return r;
}

static bool is_array_type(const struct dm_node *t)
{
	if (t->kind == DM_TYPE_WITH_QUALS)
		t = t->kid[0];
	return t->kind == DM_ARRAY;
}

/* L <type> <value> E | L <mangled-name> E (with or without the _Z) */
static struct dm_node *expr_primary(struct parser *p)
{
	expect(p, 'L');
	if (!p->n)
		fail(p);
	struct dm_node *ret;
	if (p->s[0] == '_' || p->s[0] == 'Z') {
		if (p->s[0] == '_')
			advance(p, 1);
		expect(p, 'Z');
		ret = encoding(p, true, false);
	} else {
		struct dm_node *t = type(p, false);
		bool neg = false;
		if (at(p, 'n')) {
			neg = true;
			advance(p, 1);
		}
		if (at(p, 'E')) {
			if (t->kind == DM_BUILTIN && !strcmp(t->str, "decltype(nullptr)")) {
				/* nullptr has no value; fall through to an empty literal. */
			} else if (t->kind == DM_CLOSURE) {
				advance(p, 1);
				return dm_new1(p->ctx, DM_LAMBDA_EXPR, t);
			} else if (is_array_type(t)) {
				advance(p, 1);
				return dm_new1(p->ctx, DM_STRING_LITERAL, t);
			} else {
				fail(p);
			}
		}
		size_t i = 0;
		while (i < p->n && p->s[i] != 'E')
			i++;
		ret = dm_new1(p->ctx, DM_LITERAL, t);
		ret->str = arena_strndup(p->ctx->arena, p->s, i);
		if (neg)
			ret->flags |= DM_F_NEG;
		advance(p, i);
	}
	expect(p, 'E');
	return ret;
}

static struct dm_node *constraint_expr(struct parser *p)
{
	expect(p, 'Q');
	bool hold = p->in_constraint;
	p->in_constraint = true;
	struct dm_node *e = expression(p);
	p->in_constraint = hold;
	return e;
}

/* Ul <lambda-sig> E [<number>] _ */
static struct dm_node *closure_type_name(struct parser *p)
{
	expect(p, 'U');
	expect(p, 'l');
	int old_level = p->lambda_level;
	p->lambda_level = p->templates.n + 1;
	struct dm_list targs = { NULL, 0, 0 };
	struct dm_node *tmpl = NULL;
	while (p->n > 1 && p->s[0] == 'T') {
		struct dm_node *val;
		struct dm_node *arg = template_param_decl(p, &val);
		if (!arg)
			break;
		dm_list_push(p->ctx, &targs, arg);
		if (!tmpl) {
			tmpl = dm_new1(p->ctx, DM_TEMPLATE, dm_name(p->ctx, "lambda"));
			push_template(p, tmpl);
		}
		dm_push(p->ctx, tmpl, val);
	}
	struct dm_node *targs_constraint = at(p, 'Q') ? constraint_expr(p) : NULL;
	struct dm_node *types = parmlist(p, false);
	p->lambda_level = old_level;
	if (tmpl)
		pop_template(p);
	struct dm_node *call_constraint = at(p, 'Q') ? constraint_expr(p) : NULL;
	expect(p, 'E');
	int num = compact_number(p);

	struct dm_node *cl = dm_new(p->ctx, DM_CLOSURE, targs.n + 1 + types->nkid + 1);
	cl->split = targs.n;
	cl->num = num;
	int k = 0;
	for (int i = 0; i < targs.n; i++)
		cl->kid[k++] = targs.v[i];
	cl->kid[k++] = targs_constraint;
	for (int i = 0; i < types->nkid; i++)
		cl->kid[k++] = types->kid[i];
	cl->kid[k] = call_constraint;
	return cl;
}

static struct dm_node *tparam_name(struct parser *p, const char *prefix, int *counter)
{
	struct dm_node *n = node_str(p, DM_TPARAM_NAME, prefix);
	n->num = (*counter)++;
	return n;
}

/*
 * <template-param-decl> ::= Ty | Tk <concept> [<args>] | Tn <type>
 *                         | Tt <template-param-decl>* E | Tp <template-param-decl>
 * Returns the declaration, and in *val the name it introduces, or NULL if
 * no declaration is here.
 */
static struct dm_node *template_param_decl(struct parser *p, struct dm_node **val)
{
	*val = NULL;
	if (p->n < 2 || p->s[0] != 'T')
		return NULL;
	dm_enter(p->ctx);
	struct dm_node *r = NULL, *nm;
	switch (p->s[1]) {
	case 'y':
		advance(p, 2);
		nm = tparam_name(p, "$T", &p->type_params);
		r = dm_new1(p->ctx, DM_TYPE_TPARAM, nm);
		*val = nm;
		break;
	case 'k': {
		/* Template parameters in the concept are not resolved. */
		bool hold = p->in_constraint;
		p->in_constraint = true;
		advance(p, 2);
		struct dm_node *constraint = name(p, NULL);
		nm = tparam_name(p, "$T", &p->type_params);
		p->in_constraint = hold;
		r = dm_new2(p->ctx, DM_CONSTRAINED_TPARAM, nm, constraint);
		*val = nm;
		break;
	}
	case 'n':
		advance(p, 2);
		nm = tparam_name(p, "$N", &p->nontype_params);
		r = dm_new2(p->ctx, DM_NON_TYPE_TPARAM, nm, type(p, false));
		*val = nm;
		break;
	case 't': {
		advance(p, 2);
		nm = tparam_name(p, "$TT", &p->template_params);
		struct dm_list params = { NULL, 0, 0 };
		struct dm_node *tmpl = NULL, *constraint = NULL;
		for (;;) {
			if (!p->n)
				fail(p);
			if (p->s[0] == 'E') {
				advance(p, 1);
				break;
			}
			struct dm_node *pval;
			struct dm_node *param = template_param_decl(p, &pval);
			if (!param)
				fail(p);
			dm_list_push(p->ctx, &params, param);
			if (!tmpl) {
				tmpl = dm_new1(p->ctx, DM_TEMPLATE, dm_name(p->ctx, "template_template"));
				push_template(p, tmpl);
			}
			dm_push(p->ctx, tmpl, pval);
			if (at(p, 'Q')) {
				constraint = constraint_expr(p);
				if (!at(p, 'E'))
					fail(p);
			}
		}
		if (tmpl)
			pop_template(p);
		r = dm_new(p->ctx, DM_TEMPLATE_TPARAM, 1 + params.n + 1);
		r->split = params.n;
		r->kid[0] = nm;
		for (int i = 0; i < params.n; i++)
			r->kid[1 + i] = params.v[i];
		r->kid[1 + params.n] = constraint;
		*val = nm;
		break;
	}
	case 'p': {
		advance(p, 2);
		struct dm_node *param = template_param_decl(p, val);
		if (!param)
			fail(p);
		r = dm_new1(p->ctx, DM_TPARAM_PACK, param);
		break;
	}
	default:
		break;
	}
	dm_leave(p->ctx);
	return r;
}

/* Ut [<number>] _ */
static struct dm_node *unnamed_type_name(struct parser *p)
{
	expect(p, 'U');
	expect(p, 't');
	struct dm_node *r = dm_new(p->ctx, DM_UNNAMED_TYPE, 0);
	r->num = compact_number(p);
	add_sub(p, r);
	return r;
}

/*
 * Copying a substitution re-points its template parameters at the template
 * in scope where the substitution is used. Typed nodes with a template name
 * and closures open their own scopes on the way down (skip) and close them
 * on the way up (fn), so the copier keeps its own stack of templates and of
 * saved lambda levels.
 */
struct subst_copier {
	struct dm_copier c;
	struct parser *p;
	struct dm_node *target;
	struct dm_list templates;
	int *levels;
	int nlevels, caplevels;
	struct dm_set seen;
};

static void push_level(struct subst_copier *sc)
{
	if (sc->nlevels == sc->caplevels) {
		int ncap = sc->caplevels ? 2 * sc->caplevels : 16;
		int *nv = arena_array(sc->c.ctx->arena, (size_t)ncap, sizeof *nv);
		if (sc->nlevels)
			memcpy(nv, sc->levels, (size_t)sc->nlevels * sizeof *nv);
		sc->levels = nv;
		sc->caplevels = ncap;
	}
	sc->levels[sc->nlevels++] = sc->p->lambda_level;
}

static void pop_level(struct subst_copier *sc)
{
	if (sc->nlevels == 0)
		fail(sc->p);
	sc->p->lambda_level = sc->levels[--sc->nlevels];
}

static bool subst_skip(struct dm_copier *c, struct dm_node *a)
{
	struct subst_copier *sc = (struct subst_copier *)c;
	switch (a->kind) {
	case DM_TYPED:
		if (a->kid[0]->kind == DM_TEMPLATE) {
			dm_list_push(c->ctx, &sc->templates, a->kid[0]);
			push_level(sc);
			sc->p->lambda_level = 0;
		}
		return false;
	case DM_CLOSURE:
		push_level(sc);
		sc->p->lambda_level = sc->templates.n + 1;
		return false;
	case DM_TEMPLATE_PARAM: case DM_LAMBDA_AUTO:
		return false;
	default:
		return !dm_set_add(c->ctx, &sc->seen, a);
	}
}

static struct dm_node *subst_fn(struct dm_copier *c, struct dm_node *a)
{
	struct subst_copier *sc = (struct subst_copier *)c;
	struct parser *p = sc->p;
	switch (a->kind) {
	case DM_TYPED:
		if (a->kid[0]->kind == DM_TEMPLATE) {
			if (sc->templates.n == 0)
				fail(p);
			sc->templates.n--;
			pop_level(sc);
		}
		return NULL;
	case DM_CLOSURE:
		pop_level(sc);
		return NULL;
	case DM_TEMPLATE_PARAM: case DM_LAMBDA_AUTO:
		break;
	default:
		return NULL;
	}
	int index = a->num;
	if (p->in_constraint)
		return fmt_name(p, "T%ld", index);
	if (p->lambda_level > 0) {
		if (a->kind == DM_LAMBDA_AUTO)
			return NULL;
		struct dm_node *la = dm_new(c->ctx, DM_LAMBDA_AUTO, 0);
		la->num = index;
		return la;
	}
	struct dm_node *tmpl;
	if (sc->templates.n > 0)
		tmpl = sc->templates.v[sc->templates.n - 1];
	else if (sc->target->kind == DM_TEMPLATE)
		tmpl = sc->target; /* clang can refer to the template being substituted */
	else
		fail(p);
	struct dm_node *tp = dm_new(c->ctx, DM_TEMPLATE_PARAM, 0);
	tp->num = index;
	if (tmpl) {
		if (index >= template_nargs(tmpl))
			fail(p);
		tp->ref = tmpl;
	}
	return tp;
}

static struct dm_node *std_substitution(struct parser *p, char c, bool verbose)
{
	struct dm_ctx *ctx = p->ctx;
	struct dm_node **slot = verbose ? &p->verbose_sub[(unsigned char)c] : &p->std_sub[(unsigned char)c];
	if (*slot)
		return *slot;
	const char *nm;
	switch (c) {
	case 't': return *slot = dm_name(ctx, "std");
	case 'a': nm = "allocator"; break;
	case 'b': nm = "basic_string"; break;
	case 's': nm = verbose ? "basic_string" : "string"; break;
	case 'i': nm = verbose ? "basic_istream" : "istream"; break;
	case 'o': nm = verbose ? "basic_ostream" : "ostream"; break;
	case 'd': nm = verbose ? "basic_iostream" : "iostream"; break;
	default: fail(p);
	}
	struct dm_node *q = qualified(p, dm_name(ctx, "std"), dm_name(ctx, nm), false);
	if (!verbose || c == 'a' || c == 'b')
		return *slot = q;
	/* The long forms spell out char_traits<char> (and allocator<char>). */
	struct dm_node *traits = dm_new2(ctx, DM_TEMPLATE,
		qualified(p, dm_name(ctx, "std"), dm_name(ctx, "char_traits"), false), node_str(p, DM_BUILTIN, "char"));
	struct dm_node *t = dm_new(ctx, DM_TEMPLATE, c == 's' ? 4 : 3);
	t->kid[0] = q;
	t->kid[1] = node_str(p, DM_BUILTIN, "char");
	t->kid[2] = traits;
	if (c == 's')
		t->kid[3] = dm_new2(ctx, DM_TEMPLATE,
			qualified(p, dm_name(ctx, "std"), dm_name(ctx, "allocator"), false), node_str(p, DM_BUILTIN, "char"));
	return *slot = t;
}

/* S <seq-id> _ | S_ | St | Sa | Sb | Ss | Si | So | Sd */
static struct dm_node *substitution(struct parser *p, bool for_prefix)
{
	expect(p, 'S');
	if (!p->n)
		fail(p);
	char c = p->s[0];
	if (c == '_' || is_digit(c) || is_upper(c)) {
		int id = seq_id(p, false);
		if (id >= p->subs.n)
			fail(p);
		struct dm_node *ret = p->subs.v[id];
		struct subst_copier sc = { { subst_fn, subst_skip, p->ctx }, p, ret, { NULL, 0, 0 }, NULL, 0, 0, { NULL, 0, 0 } };
		for (int i = 0; i < p->templates.n; i++)
			dm_list_push(p->ctx, &sc.templates, p->templates.v[i]);
		struct dm_node *r = dm_copy(&sc.c, ret);
		return r ? r : ret;
	}
	advance(p, 1);
	/* Constructors and destructors get the long names, as the GNU demangler prints them. */
	bool verbose = for_prefix && (at(p, 'C') || at(p, 'D'));
	if (!c || !strchr("tabsiod", c))
		fail(p);
	struct dm_node *a = std_substitution(p, c, verbose);
	if (at(p, 'B')) {
		a = tagged_name(p, a);
		add_sub(p, a);
	}
	return a;
}

static struct dm_node *unqualified_name_body(struct parser *p, bool *is_cast)
{
	char c = p->s[0];
	if (is_digit(c))
		return source_name(p);
	if (is_lower(c)) {
		struct dm_node *a = operator_name(p, false, NULL);
		if (a->kind == DM_CAST)
			*is_cast = true;
		if (a->kind == DM_OPERATOR && !strcmp(a->str, "operator\"\" "))
			a = unary(p, a, source_name(p), 0);
		return a;
	}
	if (c == 'D' && peek(p, 1) == 'C') {
		advance(p, 2);
		struct dm_list l = { NULL, 0, 0 };
		for (;;) {
			dm_list_push(p->ctx, &l, source_name(p));
			if (at(p, 'E')) {
				advance(p, 1);
				break;
			}
		}
		return dm_from_list(p->ctx, DM_STRUCTURED_BINDINGS, NULL, &l);
	}
	if (c == 'L') {
		advance(p, 1);
		return discriminator(p, source_name(p));
	}
	if (c == 'U') {
		if (p->n < 2) {
			advance(p, 1);
			fail(p);
		}
		switch (p->s[1]) {
		case 'b':
			advance(p, 2);
			compact_number(p);
			return dm_name(p->ctx, "'block-literal'");
		case 'l':
			return closure_type_name(p);
		case 't':
			return unnamed_type_name(p);
		default:
			fail(p);
		}
	}
	fail(p);
}

/*
 * <unqualified-name> ::= <operator-name> | <ctor-dtor-name> | <source-name>
 *                      | L <source-name> <discriminator> | DC <source-name>+ E
 *                      | <unnamed-type-name> | <closure-type-name>
 * with optional module prefix, F (friend) and ABI tags. *is_cast (may be
 * NULL) is set for a conversion operator.
 */
static struct dm_node *unqualified_name(struct parser *p, struct dm_node *module, bool *is_cast)
{
	bool cast_dummy = false;
	if (!is_cast)
		is_cast = &cast_dummy;
	*is_cast = false;
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	module = module_name(p, module);
	bool friend = false;
	if (at(p, 'F')) {
		advance(p, 1);
		friend = true;
	}
	/* The Go package crashes on a module name with nothing after it. */
	if (!p->n)
		fail(p);
	struct dm_node *a = unqualified_name_body(p, is_cast);
	if (module)
		a = dm_new2(p->ctx, DM_MODULE_ENTITY, module, a);
	if (at(p, 'B'))
		a = tagged_name(p, a);
	if (friend)
		a = dm_new1(p->ctx, DM_FRIEND, a);
	dm_leave(p->ctx);
	return a;
}

/* The name a constructor or destructor repeats: strip templates, scopes and tags. */
static struct dm_node *get_last(struct parser *p, struct dm_node *a)
{
	for (size_t guard = 0;; guard++) {
		if (guard > DM_MAX_NODES)
			fail(p);
		if (a->kind == DM_TEMPLATE || a->kind == DM_TAGGED_NAME)
			a = a->kid[0];
		else if (a->kind == DM_QUALIFIED)
			a = a->kid[1];
		else
			return a;
	}
}

static struct dm_node *prefix_template(struct parser *p, struct dm_node *a, struct dm_node *args, struct dm_node **cast)
{
	struct dm_node *t = make_template(p, a, args);
	if (*cast) {
		set_template(p, *cast, t);
		clear_template_args(p, args);
		*cast = NULL;
	}
	return t;
}

static struct dm_node *prefix_ctor(struct parser *p, struct dm_node *last)
{
	advance(p, 1);
	bool inheriting = false;
	if (at(p, 'I')) {
		inheriting = true;
		advance(p, 1);
	}
	if (!p->n || !last)
		fail(p);
	advance(p, 1);
	struct dm_node *base = inheriting ? type(p, false) : NULL;
	struct dm_node *next = dm_new2(p->ctx, DM_CONSTRUCTOR, get_last(p, last), base);
	return at(p, 'B') ? tagged_name(p, next) : next;
}

static struct dm_node *prefix_dtor(struct parser *p, struct dm_node *last)
{
	if (p->n < 2 || !last)
		fail(p);
	advance(p, 2);
	struct dm_node *next = dm_new1(p->ctx, DM_DESTRUCTOR, get_last(p, last));
	return at(p, 'B') ? tagged_name(p, next) : next;
}

/* The <prefix> of a <nested-name>, up to (not including) the final E. */
static struct dm_node *prefix(struct parser *p)
{
	struct dm_node *a = NULL, *last = NULL, *module = NULL, *cast = NULL;
	for (;;) {
		if (!p->n)
			fail(p);
		struct dm_node *next = NULL;
		char c = p->s[0], c1 = peek(p, 1);
		if (is_digit(c) || is_lower(c) || c == 'U' || c == 'L' || c == 'F' || c == 'W' || (c == 'D' && c1 == 'C')) {
			bool un_cast;
			struct dm_node *un = unqualified_name(p, module, &un_cast);
			next = un;
			module = NULL;
			if (un_cast) {
				if (un->kind == DM_TAGGED_NAME)
					un = un->kid[0];
				if (un->kind != DM_CAST)
					fail(p); /* the Go package crashes here */
				cast = un;
			}
		} else {
			switch (c) {
			case 'C':
				next = prefix_ctor(p, last);
				break;
			case 'D':
				if (c1 == 'T' || c1 == 't')
					next = type(p, false);
				else
					next = prefix_dtor(p, last);
				break;
			case 'S':
				next = substitution(p, true);
				if (next->kind == DM_MODULE_NAME) {
					module = next;
					next = NULL;
				}
				break;
			case 'I':
				if (!a)
					fail(p);
				next = prefix_template(p, a, template_args(p), &cast);
				a = NULL;
				break;
			case 'T':
				next = template_param(p);
				break;
			case 'E':
				if (!a)
					fail(p);
				if (cast)
					set_template(p, cast, cast->kid[0]->kind == DM_TEMPLATE ? cast->kid[0] : NULL);
				return a;
			case 'M':
				/* A lambda's initializer scope: nothing to record. */
				if (!a)
					fail(p);
				advance(p, 1);
				continue;
			case 'J': {
				/* clang sometimes emits template arguments with J and no I. */
				if (!a)
					fail(p);
				struct dm_list l = { NULL, 0, 0 };
				while (!at(p, 'E'))
					dm_list_push(p->ctx, &l, template_arg(p, NULL));
				advance(p, 1);
				next = prefix_template(p, a, dm_from_list(p->ctx, DM_ARGUMENT_PACK, NULL, &l), &cast);
				a = NULL;
				break;
			}
			default:
				fail(p);
			}
		}
		if (!next)
			continue;
		last = next;
		a = a ? qualified(p, a, next, false) : next;
		if (c != 'S' && !at(p, 'E'))
			add_sub(p, a);
	}
}

static struct dm_node *nested_name(struct parser *p, bool *explicit_obj)
{
	expect(p, 'N');
	struct dm_node *q = NULL;
	const char *r = "";
	if (at(p, 'H')) {
		advance(p, 1);
		*explicit_obj = true;
	} else {
		q = cv_qualifiers(p);
		r = ref_qualifier(p);
	}
	struct dm_node *a = prefix(p);
	if (q || *r)
		a = method_quals(p, a, q, r);
	expect(p, 'E');
	return a;
}

/*
 * <local-name> ::= Z <encoding> E <name> [<discriminator>]
 *              ::= Z <encoding> E s [<discriminator>]
 *              ::= Z <encoding> E d [<number>] _ <name>
 */
static struct dm_node *local_name(struct parser *p, bool *explicit_obj)
{
	expect(p, 'Z');
	struct dm_node *fn = encoding(p, true, true);
	expect(p, 'E');
	if (at(p, 's')) {
		advance(p, 1);
		struct dm_node *n = discriminator(p, dm_name(p->ctx, "string literal"));
		return qualified(p, fn, n, true);
	}
	int num = -1;
	if (at(p, 'd')) {
		advance(p, 1);
		num = compact_number(p);
	}
	struct dm_node *n = discriminator(p, name(p, explicit_obj));
	if (num >= 0) {
		n = dm_new1(p->ctx, DM_DEFAULT_ARG, n);
		n->num = num;
	}
	return qualified(p, fn, n, true);
}

/* A template after an unscoped name; a cast operator learns its template here. */
static struct dm_node *unscoped_template(struct parser *p, struct dm_node *a, bool is_cast, bool add)
{
	if (at(p, 'I')) {
		if (add)
			add_sub(p, a);
		struct dm_node *args = template_args(p);
		struct dm_node *t = make_template(p, a, args);
		if (is_cast) {
			set_template(p, a, t);
			clear_template_args(p, args);
			is_cast = false;
		}
		a = t;
	}
	if (is_cast)
		set_template(p, a, NULL);
	return a;
}

static struct dm_node *name_body(struct parser *p, bool *explicit_obj)
{
	struct dm_node *module = NULL;
	bool is_cast = false;
	switch (p->s[0]) {
	case 'N':
		return nested_name(p, explicit_obj);
	case 'Z':
		return local_name(p, explicit_obj);
	case 'U': {
		struct dm_node *a = unqualified_name(p, NULL, &is_cast);
		if (is_cast)
			set_template(p, a, NULL);
		return a;
	}
	case 'S': {
		if (p->n < 2) {
			advance(p, 1);
			fail(p);
		}
		struct dm_node *a;
		bool subst = false;
		if (p->s[1] == 't') {
			advance(p, 2);
			a = unqualified_name(p, NULL, &is_cast);
			a = qualified(p, dm_name(p->ctx, "std"), a, false);
		} else {
			a = substitution(p, false);
			if (a->kind == DM_MODULE_NAME) {
				module = a;
				break;
			}
			subst = true;
		}
		return unscoped_template(p, a, is_cast, !subst);
	}
	default:
		break;
	}
	struct dm_node *a = unqualified_name(p, module, &is_cast);
	return unscoped_template(p, a, is_cast, true);
}

/* <name>; *explicit_obj (may be NULL) reports a C++23 explicit object parameter. */
static struct dm_node *name(struct parser *p, bool *explicit_obj)
{
	bool dummy = false;
	if (!explicit_obj)
		explicit_obj = &dummy;
	*explicit_obj = false;
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	struct dm_node *a = name_body(p, explicit_obj);
	dm_leave(p->ctx);
	return a;
}

static struct dm_node *special(struct parser *p, const char *prefix, struct dm_node *val)
{
	struct dm_node *s = dm_new1(p->ctx, DM_SPECIAL, val);
	s->str = prefix;
	return s;
}

/* <call-offset> ::= h <number> _ | v <number> _ <number> _; c is the code if already read. */
static void call_offset(struct parser *p, char c)
{
	if (!c) {
		if (!p->n)
			fail(p);
		c = p->s[0];
		advance(p, 1);
	}
	if (c == 'h') {
		number(p);
	} else if (c == 'v') {
		number(p);
		expect(p, '_');
		number(p);
	} else {
		fail(p);
	}
	expect(p, '_');
}

static struct dm_node *java_resource(struct parser *p)
{
	int len = number(p);
	if (len <= 1)
		fail(p);
	expect(p, '_');
	len--;
	if (p->n < (size_t)len)
		fail(p);
	const char *s = p->s;
	advance(p, (size_t)len);
	char *out = arena_alloc(p->ctx->arena, 2 * (size_t)len + 1);
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			/* The Go package turns each byte into a rune: Latin-1 to UTF-8. */
			out[o++] = (char)(0xc0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3f));
			continue;
		}
		if (c != '$') {
			out[o++] = (char)c;
			continue;
		}
		if (++i >= len)
			fail(p);
		if (s[i] == 'S')
			out[o++] = '/';
		else if (s[i] == '_')
			out[o++] = '.';
		else if (s[i] == '$')
			out[o++] = '$';
		else
			fail(p);
	}
	out[o] = '\0';
	return special(p, "java resource ", dm_name(p->ctx, out));
}

static struct dm_node *special_T(struct parser *p)
{
	advance(p, 1);
	if (!p->n)
		fail(p);
	char c = p->s[0];
	advance(p, 1);
	switch (c) {
	case 'V': return special(p, "vtable for ", type(p, false));
	case 'T': return special(p, "VTT for ", type(p, false));
	case 'I': return special(p, "typeinfo for ", type(p, false));
	case 'S': return special(p, "typeinfo name for ", type(p, false));
	case 'A': return special(p, "template parameter object for ", template_arg(p, NULL));
	case 'h':
		call_offset(p, 'h');
		return special(p, "non-virtual thunk to ", encoding(p, true, false));
	case 'v':
		call_offset(p, 'v');
		return special(p, "virtual thunk to ", encoding(p, true, false));
	case 'c':
		call_offset(p, 0);
		call_offset(p, 0);
		return special(p, "covariant return thunk to ", encoding(p, true, false));
	case 'C': {
		struct dm_node *derived = type(p, false);
		if (number(p) < 0)
			fail(p);
		expect(p, '_');
		struct dm_node *base = type(p, false);
		struct dm_node *s = dm_new2(p->ctx, DM_SPECIAL2, base, derived);
		s->str = "construction vtable for ";
		s->str2 = "-in-";
		return s;
	}
	case 'F': return special(p, "typeinfo fn for ", type(p, false));
	case 'J': return special(p, "java Class for ", type(p, false));
	case 'H': return special(p, "TLS init function for ", name(p, NULL));
	case 'W': return special(p, "TLS wrapper function for ", name(p, NULL));
	default: fail(p);
	}
}

static struct dm_node *special_G(struct parser *p)
{
	advance(p, 1);
	if (!p->n)
		fail(p);
	char c = p->s[0];
	advance(p, 1);
	switch (c) {
	case 'V':
		return special(p, "guard variable for ", name(p, NULL));
	case 'R': {
		struct dm_node *n = name(p, NULL);
		seq_id(p, true);
		return special(p, "reference temporary for ", n);
	}
	case 'A':
		return special(p, "hidden alias for ", encoding(p, true, false));
	case 'T': {
		if (!p->n)
			fail(p);
		char k = p->s[0];
		advance(p, 1);
		struct dm_node *v = encoding(p, true, false);
		return special(p, k == 'n' ? "non-transaction clone for " : "transaction clone for ", v);
	}
	case 'r':
		return java_resource(p);
	case 'I': {
		struct dm_node *m = module_name(p, NULL);
		if (!m)
			fail(p);
		return special(p, "initializer for module ", m);
	}
	default:
		fail(p);
	}
}

/* The template whose parameters a function's signature refers to. */
static struct dm_node *find_template(struct parser *p, struct dm_node *a)
{
	for (size_t guard = 0;; guard++) {
		if (guard > DM_MAX_NODES)
			fail(p);
		switch (a->kind) {
		case DM_TEMPLATE:
			return a;
		case DM_QUALIFIED:
			if (!(a->flags & DM_F_LOCAL) && a->kid[1]->kind != DM_CONSTRUCTOR)
				return NULL;
			a = a->kid[1];
			break;
		case DM_METHOD_WITH_QUALS:
			a = a->kid[0];
			break;
		case DM_CONSTRUCTOR:
			if (!a->kid[1])
				return NULL;
			a = a->kid[1];
			break;
		default:
			return NULL;
		}
	}
}

static bool is_cdtor_conversion(struct parser *p, struct dm_node *a)
{
	for (size_t guard = 0; a->kind == DM_QUALIFIED; guard++) {
		if (guard > DM_MAX_NODES)
			fail(p);
		a = a->kid[1];
	}
	return a->kind == DM_CONSTRUCTOR || a->kind == DM_DESTRUCTOR || a->kind == DM_CAST;
}

/* Whether the mangled signature of a starts with a return type. */
static bool has_return_type(struct parser *p, struct dm_node *a)
{
	for (size_t guard = 0;; guard++) {
		if (guard > DM_MAX_NODES)
			fail(p);
		switch (a->kind) {
		case DM_QUALIFIED:
			if (!(a->flags & DM_F_LOCAL))
				return false;
			a = a->kid[1];
			break;
		case DM_TEMPLATE:
			return !is_cdtor_conversion(p, a->kid[0]);
		case DM_TYPE_WITH_QUALS:
		case DM_METHOD_WITH_QUALS:
			a = a->kid[0];
			break;
		default:
			return false;
		}
	}
}

/* The slot of a local name's entity, past a default-argument scope. */
static struct dm_node **local_entity(struct dm_node *a)
{
	if (a->kind != DM_QUALIFIED || !(a->flags & DM_F_LOCAL))
		return NULL;
	struct dm_node **slot = &a->kid[1];
	if ((*slot)->kind == DM_DEFAULT_ARG)
		slot = &(*slot)->kid[0];
	return slot;
}

static struct dm_node *encoding_params(struct parser *p, struct dm_node *a, bool explicit_obj, bool local)
{
	struct dm_node *mwq = a->kind == DM_METHOD_WITH_QUALS ? a : NULL;
	struct dm_node *tmpl = find_template(p, a);
	int old_level = 0;
	if (tmpl) {
		push_template(p, tmpl);
		old_level = p->lambda_level;
		p->lambda_level = 0;
	}
	/* clang's enable_if attribute, as the LLVM demangler reads it. */
	struct dm_node *enable_if = NULL;
	static const char enable_if_prefix[] = "Ua9enable_ifI";
	if (p->n >= sizeof enable_if_prefix - 1 && !memcmp(p->s, enable_if_prefix, sizeof enable_if_prefix - 1)) {
		advance(p, sizeof enable_if_prefix - 2);
		enable_if = template_args(p);
	}
	struct dm_node *ft = bare_function_type(p, has_return_type(p, a), explicit_obj);
	struct dm_node *constraint = at(p, 'Q') ? constraint_expr(p) : NULL;
	if (tmpl) {
		pop_template(p);
		p->lambda_level = old_level;
	}
	ft = dm_simplify(p->ctx, ft);
	/* A local name's return type would be mistaken for the outer one. */
	if (local && ft->kind == DM_FUNCTION_TYPE)
		ft->flags |= DM_F_FOR_LOCAL;
	/* Top-level qualifiers belong to the function type. */
	if (mwq) {
		a = mwq->kid[0];
		mwq->kid[0] = ft;
		ft = mwq;
	}
	struct dm_node **slot = local_entity(a);
	if (slot && (*slot)->kind == DM_METHOD_WITH_QUALS) {
		struct dm_node *m = *slot;
		*slot = m->kid[0];
		m->kid[0] = ft;
		ft = m;
	}
	struct dm_node *r = dm_new2(p->ctx, DM_TYPED, a, ft);
	if (enable_if && enable_if->nkid > 0) {
		struct dm_node *e = dm_new(p->ctx, DM_ENABLE_IF, 1 + enable_if->nkid);
		e->kid[0] = r;
		for (int i = 0; i < enable_if->nkid; i++)
			e->kid[1 + i] = enable_if->kid[i];
		r = e;
	}
	if (constraint)
		r = dm_new2(p->ctx, DM_CONSTRAINT, r, constraint);
	return r;
}

/* <encoding> ::= <name> <bare-function-type> | <name> | <special-name> */
static struct dm_node *encoding(struct parser *p, bool params, bool local)
{
	if (!p->n)
		fail(p);
	dm_enter(p->ctx);
	struct dm_node *r;
	if (p->s[0] == 'G') {
		r = special_G(p);
	} else if (p->s[0] == 'T') {
		r = special_T(p);
	} else {
		bool explicit_obj = false;
		struct dm_node *a = dm_simplify(p->ctx, name(p, &explicit_obj));
		if (!params) {
			/* Without parameters, qualifiers on 'this' are not printed. */
			if (a->kind == DM_METHOD_WITH_QUALS)
				a = a->kid[0];
			struct dm_node **slot = local_entity(a);
			if (slot && (*slot)->kind == DM_METHOD_WITH_QUALS)
				*slot = (*slot)->kid[0];
			r = a;
		} else if (!p->n || p->s[0] == 'E') {
			r = a; /* a data symbol */
		} else {
			r = encoding_params(p, a, explicit_obj, local);
		}
	}
	dm_leave(p->ctx);
	return r;
}

static bool clone_char(char c)
{
	return is_lower(c) || is_digit(c) || c == '_';
}

/* GCC's clone suffixes: .<lower|digit|_>+ then any number of .<digits>. */
static struct dm_node *clone_suffix(struct parser *p, struct dm_node *a)
{
	size_t i = 0;
	if (p->n > 1 && p->s[0] == '.' && clone_char(p->s[1])) {
		i = 2;
		while (i < p->n && clone_char(p->s[i]))
			i++;
	}
	while (p->n > i + 1 && p->s[i] == '.' && is_digit(p->s[i + 1])) {
		i += 2;
		while (i < p->n && is_digit(p->s[i]))
			i++;
	}
	struct dm_node *c = dm_new1(p->ctx, DM_CLONE, a);
	c->str = arena_strndup(p->ctx->arena, p->s, i);
	advance(p, i);
	return c;
}

struct dm_node *dm_itanium(struct dm_ctx *ctx, const char *s, size_t len, bool params, bool clones)
{
	struct parser *p = arena_zalloc(ctx->arena, sizeof *p);
	p->ctx = ctx;
	p->s = s;
	p->n = len;
	struct dm_node *a = encoding(p, params, false);
	if (clones) {
		while (p->n > 1 && p->s[0] == '.' && clone_char(p->s[1]))
			a = clone_suffix(p, a);
		if (p->n)
			fail(p);
	}
	return a;
}
