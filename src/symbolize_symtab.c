/*
 * symbolize_symtab: an ELF symbol table as LLVM 14's tools read it, for
 * the two answers pprof gets from them. llvm-symbolizer keeps function,
 * object, untyped and ifunc symbols (of .symtab, else .dynsym), one per
 * address, and names a local symbol's file after the STT_FILE symbol
 * before it. `llvm-nm --numeric-sort --print-size --format=posix` lists
 * .symtab with its type letters, which pprof's addr2liner_nm.go reads
 * back with its own binary search and its idea of data symbols.
 */
#include "symbolize_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A symbol as llvm-symbolizer keeps it: local ones remember their index for the file lookup. */
struct sym_desc {
	uint64_t addr, size;
	const char *name;
	uint32_t local_idx; /* 0: not a local symbol */
};

struct file_sym {
	uint32_t idx;
	const char *name;
};

struct llvm_symbols {
	struct sym_desc *syms;
	size_t n_syms;
	struct file_sym *files;
	size_t n_files, cap_files;
};

/* A line of llvm-nm's listing as pprof parses it. */
struct nm_sym {
	uint64_t addr, size;
	const char *name;
	char type;
	bool defined;
};

struct nm_listing {
	struct nm_sym *syms;
	size_t n;
};

/* ---- reading a symbol table ---- */

/* A symbol table section: the first SHT_SYMTAB, or the first SHT_DYNSYM. */
struct symtab {
	Elf_Data *data, *shndx;
	size_t n;
	size_t strndx;
};

static bool get_symtab(Elf *elf, GElf_Word type, struct symtab *t)
{
	memset(t, 0, sizeof *t);
	Elf_Scn *found = NULL;
	GElf_Shdr sh;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type) {
			found = scn;
			break;
		}
	}
	if (!found || sh.sh_entsize == 0)
		return false;
	t->data = elf_getdata(found, NULL);
	if (!t->data)
		return false;
	t->n = t->data->d_size / sh.sh_entsize;
	t->strndx = sh.sh_link;
	size_t idx = elf_ndxscn(found);
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr x;
		if (gelf_getshdr(scn, &x) && x.sh_type == SHT_SYMTAB_SHNDX && x.sh_link == idx) {
			t->shndx = elf_getdata(scn, NULL);
			break;
		}
	}
	return true;
}

/* The symbol's section index: 0 for none (undefined, absolute, common, other reserved indices). */
static size_t symbol_section(const struct symtab *t, size_t i, const GElf_Sym *s, bool *bad, size_t n_sections)
{
	*bad = false;
	size_t idx = s->st_shndx;
	if (idx == SHN_XINDEX) {
		GElf_Sym tmp;
		Elf32_Word x;
		if (!t->shndx || !gelf_getsymshndx(t->data, t->shndx, (int)i, &tmp, &x)) {
			*bad = true;
			return 0;
		}
		idx = x;
	} else if (idx == SHN_UNDEF || idx >= SHN_LORESERVE) {
		return 0;
	}
	if (idx >= n_sections) {
		*bad = true;
		return 0;
	}
	return idx;
}

/*
 * A walk over a symbol table's entries after the null one, as both tools
 * read them: an entry that gelf cannot read is skipped, a name that cannot
 * be read ends the walk with unreadable set (the tools give up on the file).
 */
struct sym_walk {
	const struct symtab *t;
	Elf *elf;
	size_t n_sections;
	size_t i; /* the entry's index */
	GElf_Sym s;
	const char *name;
	size_t sec; /* symbol_section's answer */
	bool bad_sec;
	bool unreadable;
};

static void sym_walk_start(struct sym_walk *w, Elf *elf, const struct symtab *t)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->elf = elf;
	elf_getshdrnum(elf, &w->n_sections);
}

/* sym_walk_next moves to the next entry: false at the end, or when its name cannot be read. */
static bool sym_walk_next(struct sym_walk *w)
{
	while (++w->i < w->t->n) {
		if (!gelf_getsym(w->t->data, (int)w->i, &w->s))
			continue;
		w->name = elf_strptr(w->elf, w->t->strndx, w->s.st_name);
		if (!w->name) {
			w->unreadable = true;
			return false;
		}
		w->sec = symbol_section(w->t, w->i, &w->s, &w->bad_sec, w->n_sections);
		return true;
	}
	return false;
}

static uint64_t untag(uint64_t a)
{
	/* llvm-symbolizer untags by default: bits 56-63 from bit 55 */
	a &= (1ULL << 56) - 1;
	return (a & (1ULL << 55)) ? a | 0xff00000000000000ULL : a;
}

static uint64_t symbol_address(const GElf_Ehdr *eh, Elf *elf, const GElf_Sym *s, size_t sec)
{
	uint64_t v = s->st_value;
	unsigned type = GELF_ST_TYPE(s->st_info);
	if (s->st_shndx != SHN_ABS && (eh->e_machine == EM_ARM || eh->e_machine == EM_MIPS) && type == STT_FUNC)
		v &= ~(uint64_t)1;
	if (eh->e_type == ET_REL && sec) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(elf, sec);
		if (scn && gelf_getshdr(scn, &sh))
			v += sh.sh_addr;
	}
	return v;
}

static bool machine_special_name(const GElf_Ehdr *eh, const char *name)
{
	if (eh->e_machine == EM_AARCH64)
		return str_has_prefix(name, "$d") || str_has_prefix(name, "$x");
	if (eh->e_machine == EM_ARM)
		return str_has_prefix(name, "$d") || str_has_prefix(name, "$t") || str_has_prefix(name, "$a");
	if (eh->e_machine == EM_RISCV)
		return !name[0];
	return false;
}

/* ---- llvm-symbolizer ---- */

static int sym_desc_cmp(const void *ctx, uint32_t x, uint32_t y)
{
	const struct sym_desc *s = ctx;
	if (s[x].addr != s[y].addr)
		return s[x].addr < s[y].addr ? -1 : 1;
	return s[x].size < s[y].size ? -1 : s[x].size > s[y].size;
}

/*
 * llvm_symbols_read sorts the symbols stably by address and size and
 * keeps one per address (the last: largest, then latest in the table).
 */
struct llvm_symbols *llvm_symbols_read(Elf *elf, const GElf_Ehdr *eh)
{
	struct llvm_symbols *b = xcalloc(1, sizeof *b);
	struct symtab t;
	if (!get_symtab(elf, SHT_SYMTAB, &t) || t.n <= 1)
		if (!get_symtab(elf, SHT_DYNSYM, &t))
			return b;
	struct sym_walk w;
	sym_walk_start(&w, elf, &t);
	struct sym_desc *all = xcalloc(t.n + 1, sizeof *all);
	size_t n = 0;
	while (sym_walk_next(&w)) {
		unsigned type = GELF_ST_TYPE(w.s.st_info);
		if (w.sec == 0) {
			if (type == STT_FILE) {
				GROW(b->files, b->cap_files, b->n_files + 1);
				b->files[b->n_files++] = (struct file_sym){ (uint32_t)w.i, w.name };
			}
			continue;
		}
		if (type != STT_NOTYPE && type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC)
			continue;
		if (machine_special_name(eh, w.name))
			continue;
		bool local = GELF_ST_BIND(w.s.st_info) == STB_LOCAL;
		all[n++] = (struct sym_desc){ untag(symbol_address(eh, elf, &w.s, w.sec)), w.s.st_size, w.name,
					      local ? (uint32_t)w.i : 0 };
	}
	if (w.unreadable) {
		free(all);
		llvm_symbols_free(b);
		return NULL;
	}
	uint32_t *order = xcalloc(n + 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	sort_u32(order, n, sym_desc_cmp, all);
	b->syms = xcalloc(n + 1, sizeof *b->syms);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && all[order[i + 1]].addr == all[order[i]].addr)
			continue;
		b->syms[b->n_syms++] = all[order[i]];
	}
	free(order);
	free(all);
	return b;
}

void llvm_symbols_free(struct llvm_symbols *b)
{
	if (!b)
		return;
	free(b->syms);
	free(b->files);
	free(b);
}

/* llvm_symbols_find is getNameFromSymbolTable. */
const char *llvm_symbols_find(const struct llvm_symbols *b, uint64_t addr, const char **file)
{
	*file = NULL;
	size_t lo = 0, hi = b->n_syms;
	while (lo < hi) { /* upper_bound of (addr, max size) */
		size_t mid = lo + (hi - lo) / 2;
		if (b->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct sym_desc *s = &b->syms[lo - 1];
	if (s->size != 0 && s->addr + s->size <= addr)
		return NULL;
	if (s->local_idx) {
		size_t flo = 0, fhi = b->n_files;
		while (flo < fhi) {
			size_t mid = flo + (fhi - flo) / 2;
			if (b->files[mid].idx <= s->local_idx)
				flo = mid + 1;
			else
				fhi = mid;
		}
		if (flo > 0)
			*file = b->files[flo - 1].name;
	}
	return s->name;
}

/* ---- llvm-nm, read back by pprof ---- */

static char nm_section_char(Elf *elf, size_t sec)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_getscn(elf, sec);
	if (!scn || !gelf_getshdr(scn, &sh))
		return '?';
	if (sh.sh_flags & SHF_EXECINSTR)
		return 't';
	if (sh.sh_type == SHT_NOBITS)
		return 'b';
	if (sh.sh_flags & SHF_ALLOC)
		return (sh.sh_flags & SHF_WRITE) ? 'd' : 'r';
	size_t shstrndx;
	const char *name = elf_getshdrstrndx(elf, &shstrndx) == 0 ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
	if (!name)
		return '?';
	if (str_has_prefix(name, ".debug"))
		return 'N';
	if (!(sh.sh_flags & SHF_WRITE))
		return 'n';
	return '?';
}

/* nm_type_char is llvm-nm's letter for an ELF symbol. */
static char nm_type_char(Elf *elf, const GElf_Sym *s, size_t sec, bool bad_sec)
{
	unsigned bind = GELF_ST_BIND(s->st_info), type = GELF_ST_TYPE(s->st_info);
	bool undefined = s->st_shndx == SHN_UNDEF;
	if (type == STT_GNU_IFUNC)
		return 'i'; /* before weakness: llvm-nm 14 lists a weak ifunc as 'i' */
	if (bind == STB_WEAK) {
		char c = type == STT_OBJECT ? 'v' : 'w';
		return undefined ? c : (char)(c - 'a' + 'A');
	}
	if (undefined)
		return 'U';
	if (type == STT_COMMON || s->st_shndx == SHN_COMMON)
		return 'C';
	char c;
	if (s->st_shndx == SHN_ABS) {
		c = 'a';
	} else {
		if (bad_sec)
			return '?';
		if (bind == STB_GNU_UNIQUE)
			return 'u';
		if (bind != STB_GLOBAL && bind != STB_LOCAL)
			return '?';
		c = sec ? nm_section_char(elf, sec) : '?';
	}
	if (bind == STB_LOCAL)
		return c;
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* go_space_len is the length of the Unicode space (as Go's TrimSpace sees it) at s, or 0. */
static size_t go_space_len(const unsigned char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/*
 * nm_name is the name pprof reads from llvm-nm's line for a symbol: the
 * line after the name's last newline, trimmed at the front; NULL when the
 * line would not split into exactly four fields.
 */
static const char *nm_name(const char *name)
{
	const char *nl = strrchr(name, '\n');
	const unsigned char *s = (const unsigned char *)(nl ? nl + 1 : name);
	for (size_t n; (n = go_space_len(s)) > 0;)
		s += n;
	if (!*s || strchr((const char *)s, ' '))
		return NULL;
	return (const char *)s;
}

static int nm_cmp(const void *ctx, uint32_t x, uint32_t y)
{
	const struct nm_sym *s = ctx;
	if (s[x].defined != s[y].defined)
		return s[x].defined ? 1 : -1;
	if (s[x].addr != s[y].addr)
		return s[x].addr < s[y].addr ? -1 : 1;
	int c = strcmp(s[x].name, s[y].name);
	if (c)
		return c;
	return s[x].size < s[y].size ? -1 : s[x].size > s[y].size;
}

struct nm_listing *nm_listing_read(Elf *elf, const GElf_Ehdr *eh, uint64_t base)
{
	struct nm_listing *l = xcalloc(1, sizeof *l);
	struct symtab t;
	if (!get_symtab(elf, SHT_SYMTAB, &t))
		return l; /* "no symbols" */
	struct sym_walk w;
	sym_walk_start(&w, elf, &t);
	struct nm_sym *all = xcalloc(t.n + 1, sizeof *all);
	size_t n = 0;
	while (sym_walk_next(&w)) {
		unsigned type = GELF_ST_TYPE(w.s.st_info);
		bool arm = eh->e_machine == EM_ARM || eh->e_machine == EM_AARCH64;
		if (!arm && (type == STT_FILE || type == STT_SECTION || (eh->e_machine == EM_RISCV && !w.name[0])))
			continue;
		if (arm && machine_special_name(eh, w.name))
			continue;
		const char *shown = nm_name(w.name);
		if (!shown)
			continue;
		all[n++] = (struct nm_sym){ symbol_address(eh, elf, &w.s, w.sec), w.s.st_size, shown,
					    nm_type_char(elf, &w.s, w.sec, w.bad_sec), w.s.st_shndx != SHN_UNDEF };
	}
	if (w.unreadable) {
		free(all);
		nm_listing_free(l);
		return NULL; /* llvm-nm fails, and pprof with it */
	}
	uint32_t *order = xcalloc(n + 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	sort_u32(order, n, nm_cmp, all);
	l->syms = xcalloc(n + 1, sizeof *l->syms);
	for (size_t i = 0; i < n; i++) {
		l->syms[i] = all[order[i]];
		l->syms[i].addr += base;
	}
	l->n = n;
	free(order);
	free(all);
	return l;
}

void nm_listing_free(struct nm_listing *l)
{
	if (!l)
		return;
	free(l->syms);
	free(l);
}

static bool nm_is_data(char type)
{
	return strchr("bBdDrRvVW", type) != NULL;
}

/* nm_listing_frame is pprof's addr2LinerNM.addrInfo, binary search included. */
void nm_listing_frame(const struct nm_listing *l, uint64_t addr, struct sym_frames *out)
{
	const struct nm_sym *m = l->syms;
	size_t n = l->n;
	if (n == 0 || addr < m[0].addr || addr >= m[n - 1].addr + m[n - 1].size)
		return;
	size_t low = 0, high = n;
	while (low + 1 < high) {
		size_t mid = (low + high) / 2;
		uint64_t v = m[mid].addr;
		if (addr == v) {
			low = mid;
			break;
		}
		if (addr > v)
			low = mid;
		else
			high = mid;
	}
	const struct nm_sym *s = &m[low];
	if (nm_is_data(s->type) && addr >= s->addr + s->size)
		return;
	frames_push(out)->func = s->name;
}
