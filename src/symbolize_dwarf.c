/*
 * symbolize_dwarf: the frames DWARF gives for an address, as LLVM 14's
 * DWARFContext::getInliningInfoForAddress gives them to llvm-symbolizer.
 *
 * libdw decodes units, DIEs, attribute forms and range lists; the choices
 * llvm makes on top are made here the same way: which unit covers an
 * address (.debug_aranges, then unit DIE ranges, overlaps resolved as its
 * DWARFDebugAranges does), which DIE (its per-unit map of subroutine
 * ranges, built parents first, later ranges splitting earlier ones), the
 * inline chain up to the first subprogram, names (linkage name first,
 * following abstract_origin and specification), and lines (the unit's
 * line table for the innermost frame, call_file/line/column for callers).
 */
#include "symbolize_int.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "util.h"

#define NIL UINT32_MAX
/*
 * Depths valid DWARF never comes near (llvm notes 3 for abstract_origin
 * and specification chains; inline nesting stays in the tens) but crafted
 * DWARF could make every address pay for: past them, the answer stops.
 */
#define MAX_DIE_CHAIN 256
#define MAX_INLINE_DEPTH 1024

/* ---- llvm's AddrDieMap: an ordered map from range start to (end, DIE), as a treap ---- */

struct tnode {
	uint64_t key, high;
	uint32_t rec, prio, left, right;
};

struct treap {
	struct tnode *n;
	size_t len, cap;
	uint32_t root, seed;
	uint32_t *path; /* scratch for insertions */
	size_t path_cap;
};

static uint32_t treap_rand(struct treap *t)
{
	/* xorshift32: priorities independent of the input keep the tree shallow */
	uint32_t x = t->seed ? t->seed : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	t->seed = x;
	return x;
}

/* treap_pred is the node with the greatest key <= x, or NIL. */
static uint32_t treap_pred(const struct treap *t, uint64_t x)
{
	uint32_t cur = t->root, best = NIL;
	while (cur != NIL) {
		if (t->n[cur].key <= x) {
			best = cur;
			cur = t->n[cur].right;
		} else {
			cur = t->n[cur].left;
		}
	}
	return best;
}

static uint32_t *child_link(struct treap *t, uint32_t parent, uint64_t key)
{
	return key < t->n[parent].key ? &t->n[parent].left : &t->n[parent].right;
}

/* treap_set is map[key] = (high, rec): it overwrites an equal key or inserts. */
static void treap_set(struct treap *t, uint64_t key, uint64_t high, uint32_t rec)
{
	size_t depth = 0;
	uint32_t cur = t->root;
	while (cur != NIL) {
		if (t->n[cur].key == key) {
			t->n[cur].high = high;
			t->n[cur].rec = rec;
			return;
		}
		GROW(t->path, t->path_cap, depth + 1);
		t->path[depth++] = cur;
		cur = key < t->n[cur].key ? t->n[cur].left : t->n[cur].right;
	}
	if (t->len >= NIL - 1)
		return; /* more ranges than a unit can hold */
	GROW(t->n, t->cap, t->len + 1);
	uint32_t x = (uint32_t)t->len++;
	t->n[x] = (struct tnode){ key, high, rec, treap_rand(t), NIL, NIL };
	if (depth == 0) {
		t->root = x;
		return;
	}
	*child_link(t, t->path[depth - 1], key) = x;
	/* Rotate the new node up while its priority beats its parent's. */
	while (depth > 0 && t->n[x].prio > t->n[t->path[depth - 1]].prio) {
		uint32_t p = t->path[--depth];
		if (t->n[p].left == x) {
			t->n[p].left = t->n[x].right;
			t->n[x].right = p;
		} else {
			t->n[p].right = t->n[x].left;
			t->n[x].left = p;
		}
		if (depth == 0)
			t->root = x;
		else
			*child_link(t, t->path[depth - 1], key) = x;
	}
}

/*
 * addr_map_insert adds [low, high) for rec as llvm's updateAddressDieMap
 * does: a range starting inside an earlier one cuts that one short and,
 * if it ends inside it, puts the earlier one's tail back after it.
 */
static void addr_map_insert(struct treap *t, uint64_t low, uint64_t high, uint32_t rec)
{
	uint32_t b = treap_pred(t, low);
	if (b != NIL && low < t->n[b].high) {
		if (high < t->n[b].high)
			treap_set(t, high, t->n[b].high, t->n[b].rec);
		if (low > t->n[b].key)
			t->n[b].high = low;
	}
	treap_set(t, low, high, rec);
}

static uint32_t addr_map_find(const struct treap *t, uint64_t addr)
{
	uint32_t b = treap_pred(t, addr);
	if (b == NIL || addr >= t->n[b].high)
		return NIL;
	return t->n[b].rec;
}

/* ---- units ---- */

/* A subroutine DIE of a unit's map (in the .dwo for a split unit), and its nearest subroutine ancestor. */
struct sub_rec {
	Dwarf_Die die;
	uint32_t parent; /* index into the unit's recs, or NIL */
	bool subprogram;
};

struct unit {
	uint64_t off, next;    /* the unit's bytes in .debug_info */
	Dwarf_Off die_off;     /* its unit DIE */
	uint8_t addr_size;
	bool is_compile;       /* compile, partial or skeleton: what llvm calls a compile unit */
	bool walked;
	struct sub_rec *recs;
	size_t n_recs, cap_recs;
	struct treap map;
	bool attrs_read;
	const char *comp_dir;
	bool has_stmt_list;
	uint64_t stmt_list;
	bool table_known; /* table is what later asks get */
	struct line_table *table;
};

struct arange {
	uint64_t low, high, cu;
};

/* Tables by offset; a table whose program failed is kept, as llvm keeps it, for the next askers. */
struct table_cache {
	uint64_t off;
	struct line_table *t;
};

/*
 * Work budgets: valid DWARF reads each range list and line program about
 * once, so reading several times the sections' bytes can only come from
 * lists and programs shared on purpose; past the budget, nothing more is
 * read, where llvm would go on for hours.
 */
struct dwarf_info {
	uint64_t range_budget, line_budget;
	Dwarf *dbg;
	struct dw_sections sec;
	struct dw_section aranges_sec;
	struct unit *units;
	size_t n_units;
	bool aranges_built;
	struct arange *ar;
	size_t n_ar, cap_ar;
	struct table_cache *tables;
	size_t n_tables, cap_tables;
};

static struct dw_section section_data(Elf *elf, const char *name)
{
	struct dw_section s = { NULL, 0 };
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return s;
	char zname[64];
	snprintf(zname, sizeof zname, ".z%s", name + 1);
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n)
			continue;
		if (!strcmp(n, zname)) {
			if (elf_compress_gnu(scn, 0, 0) < 0)
				continue;
		} else if (strcmp(n, name) != 0) {
			continue;
		} else if (sh.sh_flags & SHF_COMPRESSED) {
			if (elf_compress(scn, 0, 0) < 0)
				continue;
		}
		Elf_Data *d = elf_getdata(scn, NULL);
		if (d && d->d_buf) {
			s.data = d->d_buf;
			s.size = d->d_size;
		}
	}
	return s;
}

/* section_size is the size of section name (as decompressed, once libdw has read it), 0 if absent. */
static uint64_t section_size(Elf *elf, const char *name)
{
	size_t shstrndx;
	uint64_t size = 0;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		const char *n;
		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) && !strcmp(n, name))
			size += sh.sh_size;
	}
	return size;
}

/* read_units lists the units of .debug_info, stopping at the first bad header as llvm does. */
static void read_units(struct dwarf_info *d)
{
	size_t cap = 0;
	Dwarf_Off off = 0, next;
	size_t header_size;
	Dwarf_Half version;
	uint8_t addr_size;
	while (dwarf_next_unit(d->dbg, off, &next, &header_size, &version, NULL, &addr_size, NULL, NULL, NULL) == 0) {
		if (next <= off)
			break;
		Dwarf_Die cudie;
		uint8_t unit_type = DW_UT_compile;
		if (dwarf_offdie(d->dbg, off + header_size, &cudie))
			dwarf_cu_info(cudie.cu, NULL, &unit_type, NULL, NULL, NULL, NULL, NULL);
		GROW(d->units, cap, d->n_units + 1);
		struct unit *u = &d->units[d->n_units++];
		memset(u, 0, sizeof *u);
		u->off = off;
		u->next = next;
		u->die_off = off + header_size;
		u->addr_size = addr_size;
		u->is_compile = unit_type != DW_UT_type && unit_type != DW_UT_split_type;
		u->map.root = NIL;
		off = next;
	}
}

struct dwarf_info *dwarf_info_open(Elf *elf)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		return NULL;
	struct dwarf_info *d = xcalloc(1, sizeof *d);
	d->sec.big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	d->sec.line = section_data(elf, ".debug_line");
	d->sec.line_str = section_data(elf, ".debug_line_str");
	d->sec.str = section_data(elf, ".debug_str");
	d->aranges_sec = section_data(elf, ".debug_aranges");
	d->dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (d->dbg)
		read_units(d);
	d->range_budget = 4 * (section_size(elf, ".debug_info") + section_size(elf, ".debug_ranges") +
			       section_size(elf, ".debug_rnglists")) + (1 << 20);
	d->line_budget = 4 * (uint64_t)d->sec.line.size + (1 << 20);
	if (d->n_units == 0) {
		dwarf_info_close(d);
		return NULL;
	}
	return d;
}

void dwarf_info_close(struct dwarf_info *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_units; i++) {
		free(d->units[i].recs);
		free(d->units[i].map.n);
		free(d->units[i].map.path);
	}
	free(d->units);
	free(d->ar);
	for (size_t i = 0; i < d->n_tables; i++)
		line_table_free(d->tables[i].t);
	free(d->tables);
	if (d->dbg)
		dwarf_end(d->dbg);
	free(d);
}

/* unit_for_offset is llvm's getUnitForOffset: the unit whose bytes hold off. */
static struct unit *unit_for_offset(struct dwarf_info *d, uint64_t off)
{
	size_t lo = 0, hi = d->n_units;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (off < d->units[mid].next)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < d->n_units && d->units[lo].off <= off)
		return &d->units[lo];
	return NULL;
}

/* ---- attributes, with llvm's reading of forms ---- */

/* attr_string is llvm's toString(value, nullptr): a string form it can resolve, else NULL. */
static const char *attr_string(Dwarf_Attribute *a)
{
	switch (dwarf_whatform(a)) {
	case DW_FORM_string:
	case DW_FORM_strp:
	case DW_FORM_line_strp:
	case DW_FORM_strx:
	case DW_FORM_strx1:
	case DW_FORM_strx2:
	case DW_FORM_strx3:
	case DW_FORM_strx4:
	case DW_FORM_GNU_str_index:
		return dwarf_formstring(a);
	default:
		return NULL; /* llvm 14 reads no alternate (dwz) or supplementary string */
	}
}

/* attr_unsigned is llvm's toUnsigned(value, 0): constants and flags, not sdata. */
static uint64_t attr_unsigned(Dwarf_Attribute *a)
{
	Dwarf_Word v;
	switch (dwarf_whatform(a)) {
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_udata:
	case DW_FORM_implicit_const:
		return dwarf_formudata(a, &v) == 0 ? v : 0;
	case DW_FORM_flag:
		return a->valp ? *a->valp : 0;
	case DW_FORM_flag_present:
		return 1;
	case DW_FORM_data16:
		return 16; /* llvm keeps a block's length there */
	default:
		return 0;
	}
}

/* attr_ref follows a reference within .debug_info; false for forms llvm cannot follow. */
static bool attr_ref(Dwarf_Attribute *a, Dwarf_Die *out)
{
	switch (dwarf_whatform(a)) {
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata:
	case DW_FORM_ref_addr:
		return dwarf_formref_die(a, out) != NULL;
	default:
		return false;
	}
}

/* A small set of DIEs, by where their bytes are (unique across a binary and its .dwo files). */
struct die_set {
	uintptr_t *slot; /* 0 marks a free slot */
	size_t cap, n;
};

static bool die_set_add(struct die_set *s, const Dwarf_Die *die)
{
	uintptr_t key = (uintptr_t)die->addr;
	if ((s->n + 1) * 2 > s->cap) {
		struct die_set g = { xcalloc(s->cap ? s->cap * 2 : 16, sizeof *g.slot), s->cap ? s->cap * 2 : 16, 0 };
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				die_set_add(&g, &(Dwarf_Die){ .addr = (void *)s->slot[i] });
		free(s->slot);
		*s = g;
	}
	size_t i = (size_t)(hash_u64(key, HASH_SEED) & (s->cap - 1));
	while (s->slot[i]) {
		if (s->slot[i] == key)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = key;
	s->n++;
	return true;
}

/*
 * find_recursive is llvm's findRecursively: the first of attrs on die, else
 * on the DIEs its DW_AT_abstract_origin and DW_AT_specification lead to,
 * depth first with the specification tried first, each DIE once.
 */
static bool find_recursive(Dwarf_Die *die, const unsigned *attrs, size_t n_attrs, Dwarf_Attribute *out)
{
	Dwarf_Die *work = xmalloc(4 * sizeof *work);
	size_t n = 0, cap = 4;
	struct die_set seen = { NULL, 0, 0 };
	die_set_add(&seen, die);
	work[n++] = *die;
	bool found = false;
	for (size_t visits = 0; n > 0 && !found && visits < MAX_DIE_CHAIN; visits++) {
		Dwarf_Die cur = work[--n];
		for (size_t i = 0; i < n_attrs && !found; i++)
			found = dwarf_attr(&cur, attrs[i], out) != NULL;
		if (found)
			break;
		static const unsigned follow[] = { DW_AT_abstract_origin, DW_AT_specification };
		for (size_t i = 0; i < 2; i++) {
			Dwarf_Attribute a;
			Dwarf_Die next;
			if (!dwarf_attr(&cur, follow[i], &a) || !attr_ref(&a, &next))
				continue;
			if (!die_set_add(&seen, &next))
				continue;
			GROW(work, cap, n + 1);
			work[n++] = next;
		}
	}
	free(work);
	free(seen.slot);
	return found;
}

static const char *subroutine_name(Dwarf_Die *die)
{
	static const unsigned linkage[] = { DW_AT_MIPS_linkage_name, DW_AT_linkage_name };
	static const unsigned name[] = { DW_AT_name };
	Dwarf_Attribute a;
	const char *s = NULL;
	if (find_recursive(die, linkage, 2, &a))
		s = attr_string(&a);
	if (!s && find_recursive(die, name, 1, &a))
		s = attr_string(&a);
	return s;
}

static uint64_t die_unsigned(Dwarf_Die *die, unsigned attr)
{
	Dwarf_Attribute a;
	return dwarf_attr(die, attr, &a) ? attr_unsigned(&a) : 0;
}

/* ---- the unit a query falls in ---- */

static void append_arange_end(struct dwarf_info *d, uint64_t low, uint64_t high, uint64_t cu, size_t *cap,
			      struct arange **ends)
{
	if (low >= high)
		return;
	GROW(*ends, *cap, d->n_ar + 1);
	(*ends)[d->n_ar++] = (struct arange){ low, high, cu };
}

/* read_aranges_sets reads .debug_aranges, set by set, until a set is bad; returns the CUs it covered. */
static void read_aranges_sets(struct dwarf_info *d, struct arange **ranges, size_t *cap, uint64_t **covered,
			      size_t *n_covered, size_t *cap_covered)
{
	const struct dw_section *s = &d->aranges_sec;
	uint64_t off = 0;
	while (s->data && off < s->size) {
		struct dw_reader r = { s->data, off, s->size, d->sec.big_endian, false };
		bool dwarf64;
		uint64_t len = dwr_initial_length(&r, &dwarf64);
		dwr_uint(&r, 2); /* version */
		uint64_t cu = dwr_uint(&r, dwarf64 ? 8 : 4);
		unsigned addr_size = (unsigned)dwr_uint(&r, 1);
		unsigned seg_size = (unsigned)dwr_uint(&r, 1);
		uint64_t full = (dwarf64 ? 12 : 4) + len;
		if (r.err || len > s->size || full > s->size - off)
			return;
		if ((addr_size != 2 && addr_size != 4 && addr_size != 8) || seg_size != 0)
			return;
		unsigned tuple = 2 * addr_size;
		if (full % tuple != 0)
			return;
		uint64_t header = r.off - off, first = 0;
		while (first < header)
			first += tuple;
		if (full <= first)
			return;
		uint64_t end = off + full;
		r.off = off + first;
		r.end = end;
		size_t mark = d->n_ar;
		bool terminated = false;
		while (r.off < end) {
			uint64_t a = dwr_uint(&r, addr_size), n = dwr_uint(&r, addr_size);
			if (a == 0 && n == 0 && r.off == end) {
				terminated = true;
				break;
			}
			append_arange_end(d, a, a + n, cu, cap, ranges);
		}
		if (!terminated) {
			d->n_ar = mark;
			return;
		}
		GROW(*covered, *cap_covered, *n_covered + 1);
		(*covered)[(*n_covered)++] = cu;
		off = end;
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A DIE's address ranges, all or none as llvm's getAddressRanges gives them. */
struct die_ranges {
	uint64_t *lo, *hi;
	size_t n, cap, cap2;
};

static bool read_ranges(struct dwarf_info *d, Dwarf_Die *die, struct die_ranges *r)
{
	r->n = 0;
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (d->range_budget == 0)
			return false;
		d->range_budget--;
		GROW(r->lo, r->cap, r->n + 1);
		GROW(r->hi, r->cap2, r->n + 1);
		r->lo[r->n] = lo;
		r->hi[r->n++] = hi;
	}
	return off == 0;
}

static void die_ranges_free(struct die_ranges *r)
{
	free(r->lo);
	free(r->hi);
}

/* unit_ranges appends the ranges of a unit's DIE. */
static void unit_ranges(struct dwarf_info *d, struct unit *u, struct arange **ranges, size_t *cap)
{
	Dwarf_Die cudie;
	struct die_ranges r = { NULL, NULL, 0, 0, 0 };
	if (dwarf_offdie(d->dbg, u->die_off, &cudie) && read_ranges(d, &cudie, &r))
		for (size_t i = 0; i < r.n; i++)
			append_arange_end(d, r.lo[i], r.hi[i], u->off, cap, ranges);
	die_ranges_free(&r);
}

struct endpoint {
	uint64_t addr, cu;
	bool start;
};

static int endpoint_cmp(const void *a, const void *b)
{
	const struct endpoint *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The CUs covering the current stretch of the sweep, as llvm's multiset: sorted (offset, count). */
struct cu_multiset {
	uint64_t *cu;
	size_t *count;
	size_t n, cap, cap2;
};

static size_t ms_find(const struct cu_multiset *m, uint64_t cu)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->cu[mid] < cu)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ms_update(struct cu_multiset *m, uint64_t cu, bool add)
{
	size_t i = ms_find(m, cu);
	bool present = i < m->n && m->cu[i] == cu;
	if (add && present) {
		m->count[i]++;
	} else if (add) {
		GROW(m->cu, m->cap, m->n + 1);
		GROW(m->count, m->cap2, m->n + 1);
		memmove(m->cu + i + 1, m->cu + i, (m->n - i) * sizeof *m->cu);
		memmove(m->count + i + 1, m->count + i, (m->n - i) * sizeof *m->count);
		m->cu[i] = cu;
		m->count[i] = 1;
		m->n++;
	} else if (present && --m->count[i] == 0) {
		memmove(m->cu + i, m->cu + i + 1, (m->n - i - 1) * sizeof *m->cu);
		memmove(m->count + i, m->count + i + 1, (m->n - i - 1) * sizeof *m->count);
		m->n--;
	}
}

/*
 * build_aranges is llvm's DWARFDebugAranges::generate: the ranges of
 * .debug_aranges, those of unit DIEs for units it does not name, then one
 * sweep that gives each stretch to the CU already covering it, else to
 * the covering CU with the lowest offset.
 */
static void build_aranges(struct dwarf_info *d)
{
	d->aranges_built = true;
	struct arange *raw = NULL;
	size_t cap = 0;
	uint64_t *covered = NULL;
	size_t n_covered = 0, cap_covered = 0;
	read_aranges_sets(d, &raw, &cap, &covered, &n_covered, &cap_covered);
	if (n_covered > 1)
		qsort(covered, n_covered, sizeof *covered, u64_cmp);
	for (size_t i = 0; i < d->n_units; i++) {
		struct unit *u = &d->units[i];
		if (u->is_compile && (!n_covered || !bsearch(&u->off, covered, n_covered, sizeof *covered, u64_cmp)))
			unit_ranges(d, u, &raw, &cap);
	}
	free(covered);
	size_t n_raw = d->n_ar;
	d->n_ar = 0;
	struct endpoint *ep = xcalloc(2 * n_raw + 1, sizeof *ep);
	for (size_t i = 0; i < n_raw; i++) {
		ep[2 * i] = (struct endpoint){ raw[i].low, raw[i].cu, true };
		ep[2 * i + 1] = (struct endpoint){ raw[i].high, raw[i].cu, false };
	}
	free(raw);
	if (n_raw > 0)
		qsort(ep, 2 * n_raw, sizeof *ep, endpoint_cmp);
	struct cu_multiset valid = { NULL, NULL, 0, 0, 0 };
	uint64_t prev = UINT64_MAX;
	for (size_t i = 0; i < 2 * n_raw; i++) {
		if (prev < ep[i].addr && valid.n > 0) {
			struct arange *last = d->n_ar ? &d->ar[d->n_ar - 1] : NULL;
			size_t j = last ? ms_find(&valid, last->cu) : 0;
			if (last && last->high == prev && j < valid.n && valid.cu[j] == last->cu) {
				last->high = ep[i].addr;
			} else {
				GROW(d->ar, d->cap_ar, d->n_ar + 1);
				d->ar[d->n_ar++] = (struct arange){ prev, ep[i].addr, valid.cu[0] };
			}
		}
		ms_update(&valid, ep[i].cu, ep[i].start);
		prev = ep[i].addr;
	}
	free(valid.cu);
	free(valid.count);
	free(ep);
}

static struct unit *unit_for_address(struct dwarf_info *d, uint64_t addr)
{
	if (!d->aranges_built)
		build_aranges(d);
	size_t lo = 0, hi = d->n_ar;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ar[mid].high <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == d->n_ar || d->ar[lo].low > addr)
		return NULL;
	struct unit *u = unit_for_offset(d, d->ar[lo].cu);
	return u && u->is_compile ? u : NULL;
}

/* ---- a unit's subroutines ---- */

static bool is_subroutine(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* add_subroutine records a subroutine DIE and puts its ranges in the unit's map. */
static uint32_t add_subroutine(struct dwarf_info *d, struct unit *u, Dwarf_Die *die, uint32_t parent,
			       bool subprogram, struct die_ranges *r)
{
	if (u->n_recs >= NIL - 1)
		return parent;
	GROW(u->recs, u->cap_recs, u->n_recs + 1);
	uint32_t rec = (uint32_t)u->n_recs++;
	u->recs[rec] = (struct sub_rec){ *die, parent, subprogram };
	if (read_ranges(d, die, r))
		for (size_t i = 0; i < r->n; i++)
			if (r->lo[i] != r->hi[i])
				addr_map_insert(&u->map, r->lo[i], r->hi[i], rec);
	return rec;
}

/*
 * walk_unit visits the unit's DIEs parents first, as llvm's
 * updateAddressDieMap recursion does, but with its own stack. DIE offsets
 * must grow: a sibling link that points back ends the walk.
 */
static void walk_unit(struct dwarf_info *d, struct unit *u)
{
	u->walked = true;
	Dwarf_Die die;
	if (!dwarf_offdie(d->dbg, u->die_off, &die))
		return;
	/* A skeleton unit's DIEs are in its .dwo, when libdw finds it (llvm's parseDWO). */
	uint64_t end = u->next;
	Dwarf_Die split;
	uint8_t unit_type;
	if (dwarf_cu_info(die.cu, NULL, &unit_type, NULL, &split, NULL, NULL, NULL) == 0 &&
	    unit_type == DW_UT_skeleton && split.cu) {
		die = split;
		end = UINT64_MAX; /* libdw keeps the walk inside the split unit */
	}
	struct frame {
		Dwarf_Die die;
		uint32_t rec; /* the nearest subroutine at or above this DIE */
	} *stack = NULL;
	size_t n = 0, cap = 0;
	Dwarf_Off last = dwarf_dieoffset(&die);
	struct die_ranges ranges = { NULL, NULL, 0, 0, 0 };
	GROW(stack, cap, 1);
	stack[n++] = (struct frame){ die, NIL };
	while (n > 0) {
		Dwarf_Die next;
		int rc = dwarf_child(&stack[n - 1].die, &next);
		if (rc != 0) {
			/* no child: the next DIE is a sibling of this one or of an ancestor, never of the unit DIE */
			while (n > 1 && (rc = dwarf_siblingof(&stack[n - 1].die, &next)) != 0)
				n--;
			if (n <= 1)
				break;
			n--;
		}
		uint32_t parent_rec = stack[n - 1].rec;
		Dwarf_Off off = dwarf_dieoffset(&next);
		if (off <= last || off >= end)
			break;
		last = off;
		int tag = dwarf_tag(&next);
		uint32_t rec = parent_rec;
		if (is_subroutine(tag))
			rec = add_subroutine(d, u, &next, parent_rec, tag == DW_TAG_subprogram, &ranges);
		GROW(stack, cap, n + 1);
		stack[n++] = (struct frame){ next, rec };
	}
	die_ranges_free(&ranges);
	free(stack);
}

/* ---- line tables ---- */

static void read_unit_attrs(struct dwarf_info *d, struct unit *u)
{
	u->attrs_read = true;
	Dwarf_Die cudie;
	if (!dwarf_offdie(d->dbg, u->die_off, &cudie))
		return;
	Dwarf_Attribute a;
	if (dwarf_attr(&cudie, DW_AT_comp_dir, &a))
		u->comp_dir = attr_string(&a);
	Dwarf_Word off;
	if (dwarf_attr(&cudie, DW_AT_stmt_list, &a) && dwarf_formudata(&a, &off) == 0) {
		u->has_stmt_list = true;
		u->stmt_list = off;
	}
}

/* unit_line_table is llvm's getLineTableForUnit, cache and first-failure quirk included. */
static struct line_table *unit_line_table(struct dwarf_info *d, struct unit *u)
{
	if (u->table_known)
		return u->table;
	if (!u->attrs_read)
		read_unit_attrs(d, u);
	if (!u->has_stmt_list)
		return NULL;
	for (size_t i = 0; i < d->n_tables; i++) {
		if (d->tables[i].off == u->stmt_list) {
			u->table_known = true;
			u->table = d->tables[i].t;
			return u->table;
		}
	}
	if (u->stmt_list >= d->sec.line.size)
		return NULL;
	bool failed;
	struct line_table *t = line_table_parse(&d->sec, u->stmt_list, u->addr_size, &d->line_budget, &failed);
	GROW(d->tables, d->cap_tables, d->n_tables + 1);
	d->tables[d->n_tables++] = (struct table_cache){ u->stmt_list, t };
	u->table_known = true;
	u->table = t;
	return failed ? NULL : t;
}

/* ---- frames ---- */

static void set_frame_from_table(struct line_table *t, const struct unit *u, uint64_t addr, struct sym_frame *f)
{
	uint64_t file;
	uint32_t line;
	uint16_t column;
	if (!t || !line_table_lookup(t, addr, &file, &line, &column))
		return;
	const char *name = line_table_file_name(t, file, u->comp_dir);
	if (!name)
		return;
	f->file = name;
	f->line = line;
	f->column = column;
}

void dwarf_info_frames(struct dwarf_info *d, uint64_t addr, struct sym_frames *out)
{
	struct unit *u = unit_for_address(d, addr);
	if (!u)
		return;
	if (!u->walked)
		walk_unit(d, u);
	uint32_t rec = addr_map_find(&u->map, addr);
	if (rec == NIL) {
		/* No subroutine: the line table alone, if it knows the address. */
		struct sym_frame f = { NULL, NULL, 0, 0, 0 };
		set_frame_from_table(unit_line_table(d, u), u, addr, &f);
		if (f.file)
			*frames_push(out) = f;
		return;
	}
	struct line_table *table = NULL;
	uint64_t call_file = 0, call_line = 0, call_column = 0;
	for (size_t i = 0; rec != NIL && i < MAX_INLINE_DEPTH; i++) {
		const struct sub_rec *r = &u->recs[rec];
		struct sym_frame *f = frames_push(out);
		*f = (struct sym_frame){ NULL, NULL, 0, 0, 0 };
		Dwarf_Die die = r->die;
		bool have = true;
		if (have) {
			static const unsigned decl_line[] = { DW_AT_decl_line };
			Dwarf_Attribute a;
			f->func = subroutine_name(&die);
			if (find_recursive(&die, decl_line, 1, &a))
				f->start_line = (uint32_t)attr_unsigned(&a);
		}
		if (i == 0) {
			table = unit_line_table(d, u);
			set_frame_from_table(table, u, addr, f);
		} else {
			if (table)
				f->file = line_table_file_name(table, call_file, u->comp_dir);
			f->line = (uint32_t)call_line;
			f->column = (uint32_t)call_column;
		}
		if (r->subprogram)
			break;
		rec = r->parent;
		if (rec != NIL && have) {
			call_file = die_unsigned(&die, DW_AT_call_file);
			call_line = die_unsigned(&die, DW_AT_call_line);
			call_column = die_unsigned(&die, DW_AT_call_column);
		} else {
			call_file = call_line = call_column = 0;
		}
	}
}
