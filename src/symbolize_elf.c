/*
 * symbolize_elf: a local binary, opened as pprof's binutils package opens
 * it (ELF only), and asked what llvm-symbolizer or llvm-nm would answer.
 *
 * The base of a mapping is pprof's (internal/elfexec GetBase and the
 * program header search around it). Code addresses are answered as LLVM
 * 14's llvm-symbolizer answers them: DWARF frames (from a separate debug
 * file when it would find one) whose outermost frame takes its name from
 * the symbol table, where a local symbol also lends the file name of the
 * STT_FILE symbol before it. Fast mode answers as pprof does from
 * `llvm-nm --numeric-sort --print-size --format=posix`.
 */
#include "symbolize_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util.h"

#define PAGE_SIZE 4096

struct binary {
	char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr eh;
	GElf_Phdr *ph;
	size_t n_ph;
	uint64_t file_size;
	char *build_id;
	uint64_t start, limit, offset;
	bool has_kernel_offset;
	uint64_t kernel_offset;

	bool base_done;
	uint64_t base;
	char *base_err;

	bool module_loaded;
	struct llvm_symbols *syms; /* NULL once loaded: llvm-symbolizer gave up on the file */
	int dbg_fd;
	Elf *dbg_elf;
	struct dwarf_info *dwarf;

	bool nm_loaded;
	struct nm_listing *nm; /* NULL once loaded: llvm-nm failed */
};

/* go_errno is strerror as Go words it: lower case. */
static void go_errno(char *buf, size_t size, const char *op, const char *path, int e)
{
	char msg[128];
	snprintf(msg, sizeof msg, "%s", strerror(e));
	if (msg[0] >= 'A' && msg[0] <= 'Z')
		msg[0] = (char)(msg[0] - 'A' + 'a');
	snprintf(buf, size, "%s %s: %s", op, path, msg);
}

/* read_at reads n bytes at off of the file, false if they are not all there. */
static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* ---- build ids ---- */

static uint32_t note_word(const unsigned char *p, bool big_endian)
{
	return big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t go_padding(uint64_t size, int64_t align)
{
	/* Go's ((size + (a-1)) &^ (a-1)) - size on ints */
	int64_t s = (int64_t)size;
	return (uint64_t)(((s + (align - 1)) & ~(align - 1)) - s);
}

/*
 * parse_build_id reads notes as pprof's elfexec parseNotes does (names end
 * at their NUL) and finds the GNU build id: 1 found, 0 none, -1 on an
 * error or a second build id.
 */
static int parse_build_id(const unsigned char *p, uint64_t n, int64_t align, bool big_endian, char **out)
{
	const uint64_t max_note = 1 << 20;
	uint64_t off = 0;
	const unsigned char *found = NULL;
	uint64_t found_len = 0;
	while (off < n) {
		if (n - off < 12)
			return -1;
		uint64_t namesz = note_word(p + off, big_endian), descsz = note_word(p + off + 4, big_endian);
		uint32_t type = note_word(p + off + 8, big_endian);
		off += 12;
		if (namesz > max_note)
			return -1;
		const char *name = "";
		uint64_t name_len = 0;
		if (namesz > 0) {
			const unsigned char *nul = memchr(p + off, 0, n - off);
			if (!nul)
				return -1;
			name = (const char *)p + off;
			name_len = (uint64_t)(nul - (p + off));
			namesz = name_len + 1;
			off += namesz;
		}
		uint64_t pad = go_padding(12 + namesz, align);
		if (pad > n - off && (int64_t)pad > 0)
			return -1;
		if ((int64_t)pad > 0)
			off += pad;
		if (descsz > max_note || descsz > n - off)
			return -1;
		const unsigned char *desc = p + off;
		off += descsz;
		if (name_len == 3 && !memcmp(name, "GNU", 3) && type == 3) {
			if (found)
				return -1;
			found = desc;
			found_len = descsz;
		}
		pad = go_padding(descsz, align);
		if ((int64_t)pad > 0)
			off = pad > n - off ? n : off + pad;
	}
	if (!found)
		return 0;
	*out = xmalloc(2 * found_len + 1);
	for (uint64_t i = 0; i < found_len; i++)
		snprintf(*out + 2 * i, 3, "%02x", found[i]);
	(*out)[2 * found_len] = '\0';
	return 1;
}

/* read_region reads [off, off+size) of the file, as much as is there; false if it is cut short. */
static unsigned char *read_region(struct binary *b, uint64_t off, uint64_t size, uint64_t *got)
{
	*got = 0;
	if (off >= b->file_size)
		return size == 0 ? xmalloc(1) : NULL;
	uint64_t n = size < b->file_size - off ? size : b->file_size - off;
	unsigned char *p = xmalloc(n + 1);
	if (!read_at(b->fd, p, n, off)) {
		free(p);
		return NULL;
	}
	*got = n;
	return p;
}

/* find_build_id is pprof's GetBuildID: note segments first, then note sections. */
static void find_build_id(struct binary *b)
{
	bool be = b->eh.e_ident[EI_DATA] == ELFDATA2MSB;
	for (size_t i = 0; i < b->n_ph; i++) {
		if (b->ph[i].p_type != PT_NOTE)
			continue;
		uint64_t got;
		unsigned char *p = read_region(b, b->ph[i].p_offset, b->ph[i].p_filesz, &got);
		int rc = p && got == b->ph[i].p_filesz
				 ? parse_build_id(p, got, (int64_t)b->ph[i].p_align, be, &b->build_id)
				 : -1;
		free(p);
		if (rc != 0)
			return;
	}
	for (Elf_Scn *scn = elf_nextscn(b->elf, NULL); scn; scn = elf_nextscn(b->elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		uint64_t got;
		unsigned char *p = read_region(b, sh.sh_offset, sh.sh_size, &got);
		int rc = p && got == sh.sh_size ? parse_build_id(p, got, (int64_t)sh.sh_addralign, be, &b->build_id) : -1;
		free(p);
		if (rc != 0)
			return;
	}
}

const char *binary_build_id(const struct binary *b)
{
	return b->build_id ? b->build_id : "";
}

/* ---- the base of a mapping (pprof's elfexec) ---- */

/* section_named is the next section after after (NULL: the first) called name, with contents if with_data. */
static Elf_Scn *section_named(Elf *elf, Elf_Scn *after, const char *name, bool with_data, GElf_Shdr *sh)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	for (Elf_Scn *scn = elf_nextscn(elf, after); scn; scn = elf_nextscn(elf, scn)) {
		const char *n;
		if (gelf_getshdr(scn, sh) && (n = elf_strptr(elf, shstrndx, sh->sh_name)) && !strcmp(n, name) &&
		    !(with_data && sh->sh_type == SHT_NOBITS))
			return scn;
	}
	return NULL;
}

/* text_segment is FindTextProgHeader: the executable PT_LOAD holding .text, or NULL. */
static const GElf_Phdr *text_segment(struct binary *b)
{
	GElf_Shdr sh;
	for (Elf_Scn *scn = section_named(b->elf, NULL, ".text", false, &sh); scn;
	     scn = section_named(b->elf, scn, ".text", false, &sh)) {
		for (size_t i = 0; i < b->n_ph; i++) {
			const GElf_Phdr *p = &b->ph[i];
			if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && sh.sh_addr >= p->p_vaddr &&
			    sh.sh_addr < p->p_vaddr + p->p_memsz)
				return p;
		}
	}
	return NULL;
}

static bool kernel_base(const GElf_Phdr *seg, const struct binary *b, uint64_t *base)
{
	const uint64_t page_offset_ppc64 = 0xc000000000000000ULL;
	uint64_t start = b->start, limit = b->limit, offset = b->offset;
	if (seg->p_vaddr == start - offset) {
		*base = offset;
		return true;
	}
	if (start == 0 && limit != 0 && b->has_kernel_offset) {
		*base = start - b->kernel_offset;
		return true;
	}
	if (start >= 0x8000000000000000ULL && limit > start &&
	    (offset == 0 || offset == page_offset_ppc64 || offset == start)) {
		if (b->has_kernel_offset && start % PAGE_SIZE == b->kernel_offset % PAGE_SIZE)
			*base = start - b->kernel_offset;
		else
			*base = start - seg->p_vaddr;
		return true;
	}
	if (start % PAGE_SIZE != 0 && b->has_kernel_offset && b->kernel_offset % PAGE_SIZE == start % PAGE_SIZE) {
		*base = start - b->kernel_offset;
		return true;
	}
	return false;
}

/* get_base is pprof's GetBase. */
static int get_base(const struct binary *b, const GElf_Phdr *seg, uint64_t *base, char *err, size_t errsize)
{
	uint64_t start = b->start, limit = b->limit, offset = b->offset;
	*base = 0;
	if (start == 0 && offset == 0 && (limit == UINT64_MAX || limit == 0))
		return 0; /* a fake mapping over everything: addresses are already relative */
	switch (b->eh.e_type) {
	case ET_EXEC:
		if (!seg)
			return 0;
		if (!b->has_kernel_offset && start > 0 && start < 0x8000000000000000ULL) {
			*base = start - offset + seg->p_offset - seg->p_vaddr;
			return 0;
		}
		if (kernel_base(seg, b, base))
			return 0;
		if (start == 0 && limit != 0 && !b->has_kernel_offset) {
			*base = start - seg->p_vaddr;
			return 0;
		}
		snprintf(err, errsize, "don't know how to handle EXEC segment: start=0x%llx limit=0x%llx offset=0x%llx",
			 (unsigned long long)start, (unsigned long long)limit, (unsigned long long)offset);
		return -1;
	case ET_REL:
		if (offset != 0) {
			snprintf(err, errsize, "don't know how to handle mapping.Offset");
			return -1;
		}
		*base = start;
		return 0;
	case ET_DYN:
		if (!seg) {
			*base = start - offset;
			return 0;
		}
		if (kernel_base(seg, b, base))
			return 0;
		*base = start - offset + seg->p_offset - seg->p_vaddr;
		return 0;
	default:
		snprintf(err, errsize, "don't know how to handle FileHeader.Type %u", (unsigned)b->eh.e_type);
		return -1;
	}
}

/* mapping_segment is pprof's findProgramHeader: the segment the mapping (and addr) came from. */
static int mapping_segment(struct binary *b, uint64_t addr, const GElf_Phdr **out, char *err, size_t errsize)
{
	*out = NULL;
	if (b->has_kernel_offset || b->start >= b->limit || b->limit >= (1ULL << 63)) {
		*out = text_segment(b);
		return 0;
	}
	const GElf_Phdr **cand = xcalloc(b->n_ph + 1, sizeof *cand);
	size_t n_load = 0, n = 0;
	uint64_t map_off = b->offset, map_limit = b->offset + (b->limit - b->start);
	for (size_t i = 0; i < b->n_ph; i++) {
		const GElf_Phdr *p = &b->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		n_load++;
		if (p->p_filesz == 0)
			continue;
		uint64_t seg_limit = p->p_offset + p->p_memsz;
		if (!(map_off < seg_limit && p->p_offset < map_limit))
			continue;
		uint64_t misalign = p->p_vaddr & (p->p_align - 1), aligned = 0;
		if (p->p_offset > misalign)
			aligned = p->p_offset - misalign;
		if (map_off < aligned)
			continue;
		if (map_off > p->p_offset && seg_limit < map_off + PAGE_SIZE && map_limit >= seg_limit + PAGE_SIZE)
			continue;
		cand[n++] = p;
	}
	int rc = 0;
	if (n_load == 0) {
		rc = 0;
	} else if (n == 0) {
		snprintf(err, errsize, "no program header matches mapping info");
		rc = -1;
	} else if (n == 1) {
		*out = cand[0];
	} else {
		uint64_t file_off = addr - b->start + b->offset;
		for (size_t i = 0; i < n; i++) {
			if (file_off < cand[i]->p_offset || file_off >= cand[i]->p_offset + cand[i]->p_memsz)
				continue;
			if (*out) {
				snprintf(err, errsize,
					 "found second program header that matches file offset %llx. Is this a "
					 "stripped binary, or does the first program segment contain uninitialized data?",
					 (unsigned long long)file_off);
				rc = -1;
				break;
			}
			*out = cand[i];
		}
		if (rc == 0 && !*out) {
			snprintf(err, errsize, "no program header matches file offset %llx", (unsigned long long)file_off);
			rc = -1;
		}
	}
	free(cand);
	return rc;
}

/* compute_base is pprof's computeBase, run for the first address asked about. */
static void compute_base(struct binary *b, uint64_t addr)
{
	char err[512];
	b->base_done = true;
	if (addr < b->start || addr >= b->limit) {
		snprintf(err, sizeof err, "specified address %llx is outside the mapping range [%llx, %llx] for file \"%s\"",
			 (unsigned long long)addr, (unsigned long long)b->start, (unsigned long long)b->limit, b->path);
		b->base_err = xstrdup(err);
		return;
	}
	const GElf_Phdr *seg;
	char why[400];
	if (mapping_segment(b, addr, &seg, why, sizeof why) < 0) {
		snprintf(err, sizeof err, "failed to find program header for file \"%s\", address %llx: %s", b->path,
			 (unsigned long long)addr, why);
		b->base_err = xstrdup(err);
		return;
	}
	if (get_base(b, seg, &b->base, err, sizeof err) < 0)
		b->base_err = xstrdup(err);
}

/* ---- opening ---- */

/* find_symbol_value looks a name up in .symtab, as pprof reads _stext for kernels. */
static bool find_symbol_value(Elf *elf, const char *want, uint64_t *value)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t n = d ? d->d_size / sh.sh_entsize : 0;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym s;
			const char *name;
			if (gelf_getsym(d, (int)i, &s) && (name = elf_strptr(elf, sh.sh_link, s.st_name)) &&
			    !strcmp(name, want)) {
				*value = s.st_value;
				return true;
			}
		}
		return false;
	}
	return false;
}

static bool read_phdrs(struct binary *b)
{
	size_t n;
	if (elf_getphdrnum(b->elf, &n) != 0)
		return false;
	b->ph = xcalloc(n + 1, sizeof *b->ph);
	for (size_t i = 0; i < n; i++)
		if (!gelf_getphdr(b->elf, (int)i, &b->ph[i]))
			return false;
	b->n_ph = n;
	return true;
}

/* libelf's version handshake sets a global: once, since sources and bases are read on two threads. */
static pthread_once_t elf_once = PTHREAD_ONCE_INIT;

static void elf_init(void)
{
	elf_version(EV_CURRENT);
}

struct binary *binary_open(const char *path, uint64_t start, uint64_t limit, uint64_t offset, char *err,
			   size_t errsize)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		go_errno(err, errsize, "stat", path, errno);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a FIFO or a device could block or never end */
		snprintf(err, errsize, "error reading magic number from %s: not a regular file", path);
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		char e[256];
		go_errno(e, sizeof e, "open", path, errno);
		snprintf(err, errsize, "error opening %s: %s", path, e);
		return NULL;
	}
	unsigned char magic[4];
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !read_at(fd, magic, 4, 0)) {
		snprintf(err, errsize, "error reading magic number from %s: EOF", path);
		close(fd);
		return NULL;
	}
	if (memcmp(magic, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errsize, "unrecognized binary format: %s", path);
		close(fd);
		return NULL;
	}
	pthread_once(&elf_once, elf_init);
	struct binary *b = xcalloc(1, sizeof *b);
	b->path = xstrdup(path);
	b->fd = fd;
	b->dbg_fd = -1;
	b->file_size = (uint64_t)st.st_size;
	b->start = start;
	b->limit = limit;
	b->offset = offset;
	b->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!b->elf || elf_kind(b->elf) != ELF_K_ELF || !gelf_getehdr(b->elf, &b->eh) || !read_phdrs(b)) {
		snprintf(err, errsize, "error reading ELF file %s: error parsing %s: %s", path, path,
			 elf_errmsg(-1) ? elf_errmsg(-1) : "bad ELF header");
		binary_close(b);
		return NULL;
	}
	find_build_id(b);
	bool aligned = start % PAGE_SIZE == 0 && limit % PAGE_SIZE == 0 && offset % PAGE_SIZE == 0;
	if (strstr(path, "vmlinux") || !aligned)
		b->has_kernel_offset = find_symbol_value(b->elf, "_stext", &b->kernel_offset);
	uint64_t base;
	char why[256];
	if (get_base(b, text_segment(b), &base, why, sizeof why) < 0) {
		snprintf(err, errsize, "error reading ELF file %s: could not identify base for %s: %s", path, path, why);
		binary_close(b);
		return NULL;
	}
	return b;
}

static void free_module(struct binary *b)
{
	llvm_symbols_free(b->syms);
	dwarf_info_close(b->dwarf);
	if (b->dbg_elf)
		elf_end(b->dbg_elf);
	if (b->dbg_fd >= 0)
		close(b->dbg_fd);
}

void binary_close(struct binary *b)
{
	if (!b)
		return;
	free_module(b);
	nm_listing_free(b->nm);
	if (b->elf)
		elf_end(b->elf);
	close(b->fd);
	free(b->ph);
	free(b->build_id);
	free(b->base_err);
	free(b->path);
	free(b);
}

/* ---- the debug object llvm-symbolizer reads DWARF from ---- */

static Elf *open_elf(const char *path, int *fd)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return NULL;
	struct stat st;
	Elf *e = NULL;
	if (fstat(*fd, &st) == 0 && S_ISREG(st.st_mode))
		e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		return e;
	if (e)
		elf_end(e);
	close(*fd);
	*fd = -1;
	return NULL;
}

/* llvm's getBuildID: the first GNU build id note of a PT_NOTE segment. */
static bool llvm_build_id(struct binary *b, unsigned char **id, size_t *len)
{
	bool be = b->eh.e_ident[EI_DATA] == ELFDATA2MSB;
	for (size_t i = 0; i < b->n_ph; i++) {
		const GElf_Phdr *p = &b->ph[i];
		uint64_t align = p->p_align < 4 ? 4 : p->p_align;
		if (p->p_type != PT_NOTE || (align != 4 && align != 8) || p->p_offset > b->file_size ||
		    p->p_filesz > b->file_size - p->p_offset)
			continue;
		uint64_t got;
		unsigned char *d = read_region(b, p->p_offset, p->p_filesz, &got);
		for (uint64_t off = 0; d && got - off >= 12;) {
			uint64_t namesz = note_word(d + off, be), descsz = note_word(d + off + 4, be);
			uint32_t type = note_word(d + off + 8, be);
			uint64_t name_end = 12 + ((namesz + align - 1) & ~(align - 1));
			uint64_t size = name_end + ((descsz + align - 1) & ~(align - 1));
			if (namesz > got || descsz > got || size > got - off)
				break;
			if (type == 3 && namesz == 4 && !memcmp(d + off + 12, "GNU", 4)) {
				*len = descsz;
				*id = xmalloc(descsz + 1);
				memcpy(*id, d + off + name_end, descsz);
				free(d);
				return true;
			}
			off += size;
		}
		free(d);
	}
	return false;
}

static bool file_crc_matches(const char *path, uint32_t want)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	unsigned char buf[65536];
	uLong crc = crc32(0L, Z_NULL, 0);
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) > 0)
		crc = crc32(crc, buf, (uInt)r);
	close(fd);
	return r == 0 && (uint32_t)crc == want;
}

/* debuglink_path is llvm's findDebugBinary for a .gnu_debuglink: beside the binary, in .debug/, in /usr/lib/debug. */
static bool debuglink_path(struct binary *b, struct strbuf *out)
{
	GElf_Shdr sh;
	Elf_Scn *scn = section_named(b->elf, NULL, ".gnu_debuglink", true, &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf)
		return false;
	const unsigned char *p = d->d_buf;
	const unsigned char *nul = memchr(p, 0, d->d_size);
	if (!nul)
		return false;
	size_t off = ((size_t)(nul - p) + 1 + 3) & ~(size_t)3;
	if (off + 4 > d->d_size)
		return false;
	uint32_t crc = note_word(p + off, b->eh.e_ident[EI_DATA] == ELFDATA2MSB);
	const char *link = (const char *)p;
	char *dir = xstrdup(b->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
	const char *tries[2] = { "", ".debug/" };
	for (int i = 0; i < 2; i++) {
		sb_reset(out);
		sb_addf(out, "%s%s%s", dir, tries[i], link);
		if (file_crc_matches(sb_cstr(out), crc)) {
			free(dir);
			return true;
		}
	}
	char cwd[4096];
	sb_reset(out);
	sb_adds(out, "/usr/lib/debug");
	if (dir[0] != '/' && getcwd(cwd, sizeof cwd))
		sb_addf(out, "%s/", cwd);
	else if (dir[0] != '/')
		sb_addc(out, '/');
	sb_addf(out, "%s%s", dir, link);
	free(dir);
	return file_crc_matches(sb_cstr(out), crc);
}

/* open_debug_object picks the file whose DWARF llvm-symbolizer reads: by build id, by debug link, or the binary. */
static void open_debug_object(struct binary *b)
{
	struct strbuf path = STRBUF_INIT;
	unsigned char *id;
	size_t len;
	if (llvm_build_id(b, &id, &len)) {
		if (len >= 2) {
			sb_adds(&path, "/usr/lib/debug/.build-id/");
			for (size_t i = 0; i < len; i++)
				sb_addf(&path, i == 1 ? "/%02x" : "%02x", id[i]);
			sb_adds(&path, ".debug");
			b->dbg_elf = open_elf(sb_cstr(&path), &b->dbg_fd);
		}
		free(id);
	}
	if (!b->dbg_elf && debuglink_path(b, &path))
		b->dbg_elf = open_elf(sb_cstr(&path), &b->dbg_fd);
	sb_free(&path);
	b->dwarf = dwarf_info_open(b->dbg_elf ? b->dbg_elf : b->elf);
}

static void load_module(struct binary *b)
{
	b->module_loaded = true;
	b->syms = llvm_symbols_read(b->elf, &b->eh);
	if (b->syms)
		open_debug_object(b);
}

/* code_frames is llvm-symbolizer's CODE answer for a file address. */
static void code_frames(struct binary *b, uint64_t addr, struct sym_frames *out)
{
	if (!b->module_loaded)
		load_module(b);
	if (!b->syms)
		return;
	if (b->dwarf)
		dwarf_info_frames(b->dwarf, addr, out);
	if (out->n == 0)
		frames_push(out);
	const char *file;
	const char *name = llvm_symbols_find(b->syms, addr, &file);
	if (name) {
		struct sym_frame *f = &out->f[out->n - 1];
		f->func = name;
		/* llvm compares with its "<invalid>" marker, so a file of that name is replaced too */
		if ((!f->file || !strcmp(f->file, "<invalid>")) && file && file[0])
			f->file = file;
	}
}

int binary_obj_addr(struct binary *b, uint64_t addr, uint64_t *out, char *err, size_t errsize)
{
	if (!b->base_done)
		compute_base(b, addr);
	if (b->base_err) {
		snprintf(err, errsize, "%s", b->base_err);
		return -1;
	}
	*out = addr - b->base;
	return 0;
}

int binary_frames(struct binary *b, uint64_t addr, bool fast, struct sym_frames *out, char *err, size_t errsize)
{
	out->n = 0;
	if (!b->base_done)
		compute_base(b, addr);
	if (b->base_err) {
		snprintf(err, errsize, "%s", b->base_err);
		return -1;
	}
	if (fast) {
		if (!b->nm_loaded) {
			b->nm_loaded = true;
			b->nm = nm_listing_read(b->elf, &b->eh, b->base);
		}
		if (!b->nm) {
			snprintf(err, errsize, "llvm-nm could not read the symbols of %s", b->path);
			return -1;
		}
		nm_listing_frame(b->nm, addr, out);
		return 0;
	}
	code_frames(b, addr - b->base, out);
	return 0;
}
