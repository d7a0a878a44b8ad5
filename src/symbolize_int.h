/*
 * symbolize_int: what the symbolizer's files share. symbolize.c applies
 * frames to a profile as pprof's symbolizer does; symbolize_elf.c opens a
 * local binary as pprof's binutils package does and answers for an address
 * what llvm-symbolizer (LLVM 14, --inlining --demangle=false) or, in fast
 * mode, llvm-nm would tell pprof; symbolize_dwarf.c and symbolize_line.c
 * read the DWARF that llvm-symbolizer reads.
 *
 * Strings in frames are borrowed from the binary (its string tables and
 * the names composed from its line tables): they stay valid until
 * binary_close. Everything read from a binary is bounds-checked: a
 * malformed binary gives fewer frames or an error message, never a crash.
 */
#ifndef CPROF_SYMBOLIZE_INT_H
#define CPROF_SYMBOLIZE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <gelf.h>

#include "util.h"

/*
 * One frame as llvm-symbolizer reports it. func and file are NULL where it
 * has nothing ("<invalid>" inside LLVM, "" in its JSON). The numbers have
 * LLVM's widths: a column from a line table is 16 bits there.
 */
struct sym_frame {
	const char *func;
	const char *file;
	uint32_t line, column, start_line;
};

/* A growable list of frames, innermost first, owned by its user. */
struct sym_frames {
	struct sym_frame *f;
	size_t n, cap;
};

/*
 * frames_push appends an empty frame and returns it. It lives here, with
 * frames_free, so that the files below symbolize_elf.c can fill a list
 * without calling up into it.
 */
static inline struct sym_frame *frames_push(struct sym_frames *fs)
{
	GROW(fs->f, fs->cap, fs->n + 1);
	struct sym_frame *f = &fs->f[fs->n++];
	*f = (struct sym_frame){ NULL, NULL, 0, 0, 0 };
	return f;
}

static inline void frames_free(struct sym_frames *fs)
{
	free(fs->f);
	fs->f = NULL;
	fs->n = fs->cap = 0;
}

struct strbuf;
/*
 * llvm_json_text is s as pprof reads it back from llvm-symbolizer's JSON:
 * LLVM's writer makes it valid UTF-8 first, each maximal ill-formed
 * subpart becoming U+FFFD (symbolize.c).
 */
void llvm_json_text(const char *s, struct strbuf *out);

/* ---- symbolize_remote.c: names from the server a profile came from ---- */

struct profile;
struct symbolize_sources;
/*
 * symbolize_remote is pprof's symbolz.Symbolize: mappings without function
 * names (any mapping, with force) that have a source get names from its
 * symbol endpoint. Returns -1 with the reason in err when an endpoint
 * cannot be asked or its answer not used.
 */
int symbolize_remote(struct profile *p, bool force, const struct symbolize_sources *s, char *err, size_t errsize);

/* ---- symbolize_elf.c: a local binary ---- */

struct binary;

/*
 * binary_open opens path for a mapping [start, limit) at file offset
 * offset, as pprof's binutils Open does: an ELF file whose base address
 * for the mapping can be worked out. On failure it returns NULL with the
 * reason in err.
 */
struct binary *binary_open(const char *path, uint64_t start, uint64_t limit, uint64_t offset, char *err,
			   size_t errsize);
void binary_close(struct binary *b);
/*
 * binary_obj_addr is pprof's ObjAddr: the address in the file of the
 * runtime address addr (the first call fixes the base, as for frames).
 */
int binary_obj_addr(struct binary *b, uint64_t addr, uint64_t *out, char *err, size_t errsize);
/* The GNU build id as lower-case hex, "" when the file has none. */
const char *binary_build_id(const struct binary *b);

/*
 * binary_frames sets out to the frames of the runtime address addr,
 * innermost first: with fast, what pprof makes of llvm-nm's listing (at
 * most one frame, a name only); otherwise what llvm-symbolizer gives.
 * The first call fixes the mapping's base (pprof computes it from the
 * first address it is asked about). Returns -1 with a message in err when
 * the base cannot be computed or, in fast mode, the symbols not listed.
 */
int binary_frames(struct binary *b, uint64_t addr, bool fast, struct sym_frames *out, char *err, size_t errsize);

/* ---- symbolize_symtab.c: symbol tables as llvm-symbolizer and llvm-nm read them ---- */

struct llvm_symbols;
/* llvm_symbols_read reads elf's symbols; NULL when a name cannot be read (llvm-symbolizer then gives up on the file). */
struct llvm_symbols *llvm_symbols_read(Elf *elf, const GElf_Ehdr *eh);
void llvm_symbols_free(struct llvm_symbols *s);
/* llvm_symbols_find names the symbol covering addr, or NULL; *file is a local symbol's STT_FILE name, or NULL. */
const char *llvm_symbols_find(const struct llvm_symbols *s, uint64_t addr, const char **file);

struct nm_listing;
/* nm_listing_read is llvm-nm's listing of .symtab as pprof parses it, base added; NULL where llvm-nm fails. */
struct nm_listing *nm_listing_read(Elf *elf, const GElf_Ehdr *eh, uint64_t base);
void nm_listing_free(struct nm_listing *l);
/* nm_listing_frame appends pprof's frame (a name only) for addr, if the listing has one. */
void nm_listing_frame(const struct nm_listing *l, uint64_t addr, struct sym_frames *out);

/* ---- symbolize_dwarf.c: llvm's DWARFContext, the parts the symbolizer uses ---- */

struct dwarf_info;

/* dwarf_info_open reads the DWARF of elf (borrowed; it must outlive the result). NULL: none usable. */
struct dwarf_info *dwarf_info_open(Elf *elf);
void dwarf_info_close(struct dwarf_info *d);
/*
 * dwarf_info_frames appends the frames of addr, innermost first, as
 * DWARFContext::getInliningInfoForAddress gives them (names from the DIEs,
 * before any symbol table override). Appends nothing when no unit covers
 * addr.
 */
void dwarf_info_frames(struct dwarf_info *d, uint64_t addr, struct sym_frames *out);

/* ---- symbolize_line.c: DWARF line tables as llvm's DWARFDebugLine reads them ---- */

/*
 * A cursor over [0, end) of a section, as llvm's DataExtractor::Cursor:
 * a read that does not fit sets err and leaves off where it was, and
 * every read after an error returns 0.
 */
struct dw_reader {
	const unsigned char *data;
	uint64_t off, end;
	bool big_endian;
	bool err;
};

uint64_t dwr_uint(struct dw_reader *r, unsigned size); /* size 1..8 */
uint64_t dwr_uleb(struct dw_reader *r);
int64_t dwr_sleb(struct dw_reader *r);
/* dwr_cstr returns the NUL-terminated string at the cursor, or NULL. */
const char *dwr_cstr(struct dw_reader *r);
/* dwr_initial_length reads a unit length: *dwarf64 tells the format. */
uint64_t dwr_initial_length(struct dw_reader *r, bool *dwarf64);

/* A section's bytes; NULL/0 when absent. */
struct dw_section {
	const unsigned char *data;
	size_t size;
};

struct dw_sections {
	struct dw_section line, line_str, str;
	bool big_endian;
};

struct line_table;

/*
 * line_table_parse parses the table at offset in .debug_line: NULL if its
 * header is unusable or its program's bytes would exceed *budget (which
 * they are taken from). *failed tells that the program stopped on an
 * error: llvm then answers nothing the first time it is asked and
 * afterwards uses the rows it read.
 */
struct line_table *line_table_parse(const struct dw_sections *s, uint64_t offset, uint8_t addr_size,
				    uint64_t *budget, bool *failed);
void line_table_free(struct line_table *t);
/* line_table_lookup finds the row for addr: false when no sequence covers it. */
bool line_table_lookup(const struct line_table *t, uint64_t addr, uint64_t *file, uint32_t *line, uint16_t *column);
/*
 * line_table_file_name is the absolute name of file index file, composed
 * as llvm does (include directory, then comp_dir for relative ones), or
 * NULL when the index is not in the table. The string lives as long as t.
 */
const char *line_table_file_name(struct line_table *t, uint64_t file, const char *comp_dir);

#endif
