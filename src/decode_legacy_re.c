/*
 * decode_legacy_re: the regular expressions of pprof's legacy parsers,
 * matched as Go's regexp package matches them.
 *
 * Only pprof's own constant patterns are compiled, so the compiler knows
 * just the RE2 subset they use: literals, '.', classes with ranges, POSIX
 * names and escapes (\s \S \d \D \w \W), groups ( ) and (?: ), the greedy
 * quantifiers * + ?, alternation, and the anchors ^ $ \A \z (without
 * multi-line mode). Go's \s is [\t\n\f\r ], not C's isspace.
 *
 * Matching is a Pike VM, the algorithm of Go's own NFA matcher: threads run
 * in priority order, so the submatches are the leftmost-first ones Go
 * reports, in time linear in the input and memory bounded by the pattern.
 * It steps over bytes, not runes; every group boundary in pprof's patterns
 * sits next to an ASCII character or at an end, where the two agree.
 */
#include <stdlib.h>
#include <string.h>

#include "decode_legacy_int.h"

enum op { OP_CLASS, OP_SPLIT, OP_JMP, OP_SAVE, OP_BEGIN, OP_END, OP_MATCH };

struct inst {
	uint8_t op;
	uint32_t x, y; /* OP_CLASS: x is the class; OP_SAVE: x is the slot */
};

struct cls {
	uint8_t bits[32];
};

/* One thread list: a sparse set of pcs in priority order, each with its captures. */
struct queue {
	uint32_t *dense;  /* pcs in the order added */
	uint32_t *sparse; /* pc -> position in dense */
	bool *live;       /* dense[i] holds a thread (a consuming or match instruction) */
	size_t *caps;     /* ncap per dense slot */
	size_t n;
};

struct lre {
	struct inst *inst;
	size_t n_inst, cap_inst;
	struct cls *cls;
	size_t n_cls, cap_cls;
	int ngroup;      /* capturing groups, group 0 excluded */
	bool anchored;   /* starts with ^ or \A */
	struct queue q[2];
	size_t *scratch; /* captures being built by add */
	size_t *matchcap;
};

/* ---- parsing into a tree ---- */

enum node_type { N_EMPTY, N_CLASS, N_CAT, N_ALT, N_STAR, N_PLUS, N_QUEST, N_GROUP, N_BEGIN, N_END };

struct node {
	enum node_type t;
	int a, b;  /* children */
	int group; /* N_GROUP: its number, 0 for (?: ) */
	uint32_t cls;
};

struct parser {
	const char *s;
	struct lre *re;
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	bool bad;
};

static int new_node(struct parser *ps, enum node_type t, int a, int b)
{
	GROW(ps->nodes, ps->cap_nodes, ps->n_nodes + 1);
	struct node *n = &ps->nodes[ps->n_nodes];
	memset(n, 0, sizeof *n);
	n->t = t;
	n->a = a;
	n->b = b;
	return (int)ps->n_nodes++;
}

static uint32_t new_class(struct lre *re)
{
	GROW(re->cls, re->cap_cls, re->n_cls + 1);
	memset(&re->cls[re->n_cls], 0, sizeof re->cls[0]);
	return (uint32_t)re->n_cls++;
}

static void cls_set(struct cls *c, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i <= hi; i++)
		c->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void cls_negate(struct cls *c)
{
	for (int i = 0; i < 32; i++)
		c->bits[i] = (uint8_t)~c->bits[i];
}

static bool cls_has(const struct cls *c, unsigned char ch)
{
	return c->bits[ch >> 3] & (1u << (ch & 7));
}

/* Adds Perl class \x to c; false if x names none. */
static bool perl_class(struct cls *c, char x)
{
	struct cls t;
	memset(&t, 0, sizeof t);
	switch (x) {
	case 's':
	case 'S':
		cls_set(&t, '\t', '\n');
		cls_set(&t, '\f', '\r');
		cls_set(&t, ' ', ' ');
		break;
	case 'd':
	case 'D':
		cls_set(&t, '0', '9');
		break;
	case 'w':
	case 'W':
		cls_set(&t, '0', '9');
		cls_set(&t, 'A', 'Z');
		cls_set(&t, 'a', 'z');
		cls_set(&t, '_', '_');
		break;
	default:
		return false;
	}
	if (x == 'S' || x == 'D' || x == 'W')
		cls_negate(&t);
	for (int i = 0; i < 32; i++)
		c->bits[i] |= t.bits[i];
	return true;
}

static bool posix_class(struct cls *c, const char *name, size_t n)
{
	if (n == 5 && memcmp(name, "digit", 5) == 0) {
		cls_set(c, '0', '9');
		return true;
	}
	if (n == 6 && memcmp(name, "xdigit", 6) == 0) {
		cls_set(c, '0', '9');
		cls_set(c, 'A', 'F');
		cls_set(c, 'a', 'f');
		return true;
	}
	return false;
}

static int parse_alt(struct parser *ps);

static int parse_bracket(struct parser *ps)
{
	uint32_t k = new_class(ps->re);
	struct cls c;
	memset(&c, 0, sizeof c);
	bool neg = false;
	if (*ps->s == '^') {
		neg = true;
		ps->s++;
	}
	bool first = true;
	while (*ps->s && (*ps->s != ']' || first)) {
		first = false;
		if (ps->s[0] == '[' && ps->s[1] == ':') {
			const char *end = strstr(ps->s + 2, ":]");
			if (!end || !posix_class(&c, ps->s + 2, (size_t)(end - ps->s - 2))) {
				ps->bad = true;
				return -1;
			}
			ps->s = end + 2;
			continue;
		}
		unsigned lo;
		if (ps->s[0] == '\\') {
			if (!ps->s[1]) {
				ps->bad = true;
				return -1;
			}
			if (perl_class(&c, ps->s[1])) {
				ps->s += 2;
				continue;
			}
			lo = (unsigned char)ps->s[1];
			ps->s += 2;
		} else {
			lo = (unsigned char)*ps->s++;
		}
		unsigned hi = lo;
		if (ps->s[0] == '-' && ps->s[1] && ps->s[1] != ']') {
			hi = (unsigned char)ps->s[1];
			ps->s += 2;
			if (hi < lo) {
				ps->bad = true;
				return -1;
			}
		}
		cls_set(&c, lo, hi);
	}
	if (*ps->s != ']') {
		ps->bad = true;
		return -1;
	}
	ps->s++;
	if (neg)
		cls_negate(&c);
	ps->re->cls[k] = c;
	int n = new_node(ps, N_CLASS, -1, -1);
	ps->nodes[n].cls = k;
	return n;
}

static int class_node(struct parser *ps, struct cls c)
{
	uint32_t k = new_class(ps->re);
	ps->re->cls[k] = c;
	int n = new_node(ps, N_CLASS, -1, -1);
	ps->nodes[n].cls = k;
	return n;
}

static int parse_atom(struct parser *ps)
{
	struct cls c;
	memset(&c, 0, sizeof c);
	char ch = *ps->s;
	switch (ch) {
	case '(': {
		ps->s++;
		int group = 0;
		if (ps->s[0] == '?' && ps->s[1] == ':')
			ps->s += 2;
		else
			group = ++ps->re->ngroup;
		int inner = parse_alt(ps);
		if (ps->bad || *ps->s != ')') {
			ps->bad = true;
			return -1;
		}
		ps->s++;
		int n = new_node(ps, N_GROUP, inner, -1);
		ps->nodes[n].group = group;
		return n;
	}
	case '[':
		ps->s++;
		return parse_bracket(ps);
	case '.':
		ps->s++;
		cls_set(&c, 0, 255);
		c.bits['\n' >> 3] &= (uint8_t)~(1u << ('\n' & 7));
		return class_node(ps, c);
	case '^':
		ps->s++;
		return new_node(ps, N_BEGIN, -1, -1);
	case '$':
		ps->s++;
		return new_node(ps, N_END, -1, -1);
	case '\\':
		if (!ps->s[1]) {
			ps->bad = true;
			return -1;
		}
		ch = ps->s[1];
		ps->s += 2;
		if (ch == 'A')
			return new_node(ps, N_BEGIN, -1, -1);
		if (ch == 'z')
			return new_node(ps, N_END, -1, -1);
		if (!perl_class(&c, ch)) {
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
				ps->bad = true; /* an escape this subset does not know */
				return -1;
			}
			cls_set(&c, (unsigned char)ch, (unsigned char)ch);
		}
		return class_node(ps, c);
	case '*':
	case '+':
	case '?':
	case ')':
	case '|':
	case '\0':
		ps->bad = true;
		return -1;
	default:
		ps->s++;
		cls_set(&c, (unsigned char)ch, (unsigned char)ch);
		return class_node(ps, c);
	}
}

static int parse_repeat(struct parser *ps)
{
	int n = parse_atom(ps);
	while (!ps->bad && (*ps->s == '*' || *ps->s == '+' || *ps->s == '?')) {
		enum node_type t = *ps->s == '*' ? N_STAR : *ps->s == '+' ? N_PLUS : N_QUEST;
		ps->s++;
		if (*ps->s == '?') { /* non-greedy: not used by pprof's patterns */
			ps->bad = true;
			return -1;
		}
		n = new_node(ps, t, n, -1);
	}
	return n;
}

static int parse_cat(struct parser *ps)
{
	int n = new_node(ps, N_EMPTY, -1, -1);
	while (!ps->bad && *ps->s && *ps->s != '|' && *ps->s != ')') {
		int r = parse_repeat(ps);
		n = new_node(ps, N_CAT, n, r);
	}
	return n;
}

static int parse_alt(struct parser *ps)
{
	int n = parse_cat(ps);
	while (!ps->bad && *ps->s == '|') {
		ps->s++;
		int r = parse_cat(ps);
		n = new_node(ps, N_ALT, n, r);
	}
	return n;
}

/* ---- code generation ---- */

static uint32_t emit(struct lre *re, enum op op, uint32_t x, uint32_t y)
{
	GROW(re->inst, re->cap_inst, re->n_inst + 1);
	re->inst[re->n_inst].op = (uint8_t)op;
	re->inst[re->n_inst].x = x;
	re->inst[re->n_inst].y = y;
	return (uint32_t)re->n_inst++;
}

/* Recursion here follows the pattern's nesting, which is pprof's, not the input's. */
static void gen(struct lre *re, const struct node *nodes, int i)
{
	const struct node *n = &nodes[i];
	uint32_t l, j;
	switch (n->t) {
	case N_EMPTY:
		break;
	case N_CLASS:
		emit(re, OP_CLASS, n->cls, 0);
		break;
	case N_CAT:
		gen(re, nodes, n->a);
		gen(re, nodes, n->b);
		break;
	case N_ALT:
		l = emit(re, OP_SPLIT, 0, 0);
		re->inst[l].x = (uint32_t)re->n_inst;
		gen(re, nodes, n->a);
		j = emit(re, OP_JMP, 0, 0);
		re->inst[l].y = (uint32_t)re->n_inst;
		gen(re, nodes, n->b);
		re->inst[j].x = (uint32_t)re->n_inst;
		break;
	case N_STAR:
		l = emit(re, OP_SPLIT, 0, 0);
		re->inst[l].x = (uint32_t)re->n_inst;
		gen(re, nodes, n->a);
		emit(re, OP_JMP, l, 0);
		re->inst[l].y = (uint32_t)re->n_inst;
		break;
	case N_PLUS:
		l = (uint32_t)re->n_inst;
		gen(re, nodes, n->a);
		emit(re, OP_SPLIT, l, (uint32_t)re->n_inst + 1);
		break;
	case N_QUEST:
		l = emit(re, OP_SPLIT, 0, 0);
		re->inst[l].x = (uint32_t)re->n_inst;
		gen(re, nodes, n->a);
		re->inst[l].y = (uint32_t)re->n_inst;
		break;
	case N_GROUP:
		if (n->group)
			emit(re, OP_SAVE, 2 * (uint32_t)n->group, 0);
		gen(re, nodes, n->a);
		if (n->group)
			emit(re, OP_SAVE, 2 * (uint32_t)n->group + 1, 0);
		break;
	case N_BEGIN:
		emit(re, OP_BEGIN, 0, 0);
		break;
	case N_END:
		emit(re, OP_END, 0, 0);
		break;
	}
}

void lre_free(struct lre *re)
{
	if (!re)
		return;
	for (int i = 0; i < 2; i++) {
		free(re->q[i].dense);
		free(re->q[i].sparse);
		free(re->q[i].live);
		free(re->q[i].caps);
	}
	free(re->scratch);
	free(re->matchcap);
	free(re->inst);
	free(re->cls);
	free(re);
}

struct lre *lre_compile(const char *pattern)
{
	struct lre *re = xcalloc(1, sizeof *re);
	struct parser ps = { pattern, re, NULL, 0, 0, false };
	int root = parse_alt(&ps);
	if (!ps.bad && *ps.s)
		ps.bad = true;
	if (ps.bad || re->ngroup + 1 > LRE_MAX_CAPS / 2) {
		free(ps.nodes);
		lre_free(re);
		return NULL;
	}
	re->anchored = pattern[0] == '^' || (pattern[0] == '\\' && pattern[1] == 'A');
	emit(re, OP_SAVE, 0, 0);
	gen(re, ps.nodes, root);
	emit(re, OP_SAVE, 1, 0);
	emit(re, OP_MATCH, 0, 0);
	free(ps.nodes);
	size_t ncap = 2 * ((size_t)re->ngroup + 1);
	for (int i = 0; i < 2; i++) {
		re->q[i].dense = xcalloc(re->n_inst, sizeof(uint32_t));
		re->q[i].sparse = xcalloc(re->n_inst, sizeof(uint32_t));
		re->q[i].live = xcalloc(re->n_inst, sizeof(bool));
		re->q[i].caps = xcalloc(re->n_inst * ncap, sizeof(size_t));
	}
	re->scratch = xcalloc(ncap, sizeof(size_t));
	re->matchcap = xcalloc(ncap, sizeof(size_t));
	return re;
}

/* ---- matching ---- */

static bool q_has(const struct queue *q, uint32_t pc)
{
	uint32_t j = q->sparse[pc];
	return j < q->n && q->dense[j] == pc;
}

/*
 * add follows the empty transitions from pc at pos, in priority order, and
 * records a thread for each consuming or matching instruction reached. cap
 * is the thread's captures, changed and restored around OP_SAVE. Its
 * recursion depth is bounded by the number of instructions.
 */
static void add(struct lre *re, struct queue *q, uint32_t pc, size_t pos, size_t len, size_t *cap)
{
	size_t ncap = 2 * ((size_t)re->ngroup + 1);
	for (;;) {
		if (q_has(q, pc))
			return;
		size_t j = q->n++;
		q->dense[j] = pc;
		q->sparse[pc] = (uint32_t)j;
		q->live[j] = false;
		const struct inst *in = &re->inst[pc];
		switch (in->op) {
		case OP_SPLIT:
			add(re, q, in->x, pos, len, cap);
			pc = in->y;
			continue;
		case OP_JMP:
			pc = in->x;
			continue;
		case OP_BEGIN:
			if (pos != 0)
				return;
			pc++;
			continue;
		case OP_END:
			if (pos != len)
				return;
			pc++;
			continue;
		case OP_SAVE: {
			size_t old = cap[in->x];
			cap[in->x] = pos;
			add(re, q, pc + 1, pos, len, cap);
			cap[in->x] = old;
			return;
		}
		default: /* OP_CLASS, OP_MATCH */
			q->live[j] = true;
			memcpy(&q->caps[j * ncap], cap, ncap * sizeof *cap);
			return;
		}
	}
}

bool lre_match(struct lre *re, struct slice s, size_t *caps)
{
	size_t ncap = 2 * ((size_t)re->ngroup + 1);
	struct queue *run = &re->q[0], *next = &re->q[1];
	run->n = next->n = 0;
	bool matched = false;
	for (size_t i = 0; i < ncap; i++)
		re->matchcap[i] = SIZE_MAX;
	for (size_t pos = 0;; pos++) {
		if (run->n == 0 && (matched || (re->anchored && pos != 0)))
			break;
		if (!matched && (pos == 0 || !re->anchored)) {
			for (size_t i = 0; i < ncap; i++)
				re->scratch[i] = SIZE_MAX;
			add(re, run, 0, pos, s.n, re->scratch);
		}
		int c = pos < s.n ? (unsigned char)s.p[pos] : -1;
		for (size_t j = 0; j < run->n; j++) {
			if (!run->live[j])
				continue;
			const struct inst *in = &re->inst[run->dense[j]];
			size_t *tcap = &run->caps[j * ncap];
			if (in->op == OP_MATCH) {
				memcpy(re->matchcap, tcap, ncap * sizeof *tcap);
				matched = true;
				break; /* lower-priority threads cannot win */
			}
			if (c >= 0 && cls_has(&re->cls[in->x], (unsigned char)c)) {
				memcpy(re->scratch, tcap, ncap * sizeof *tcap);
				add(re, next, run->dense[j] + 1, pos + 1, s.n, re->scratch);
			}
		}
		run->n = 0;
		struct queue *t = run;
		run = next;
		next = t;
		if (pos >= s.n)
			break;
	}
	if (matched && caps)
		memcpy(caps, re->matchcap, ncap * sizeof *caps);
	return matched;
}

struct slice lre_group(struct slice s, const size_t *caps, int i)
{
	size_t a = caps[2 * i], b = caps[2 * i + 1];
	if (a == SIZE_MAX || b == SIZE_MAX || a > b || b > s.n)
		return slice_make(s.p + s.n, 0);
	return slice_make(s.p + a, b - a);
}
