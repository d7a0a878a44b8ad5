/*
 * symbolize_line: DWARF line tables (versions 2 to 5), read as LLVM 14's
 * DWARFDebugLine reads them, since llvm-symbolizer's answers are what
 * pprof shows: its register widths (16-bit file and column), its sequence
 * bookkeeping, its binary searches (on malformed, unsorted input too) and
 * its way of making a file name absolute.
 */
#include "symbolize_int.h"

#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "util.h"

/* ---- the cursor ---- */

uint64_t dwr_uint(struct dw_reader *r, unsigned size)
{
	if (r->err || size == 0 || size > 8 || r->off > r->end || r->end - r->off < size) {
		r->err = true;
		return 0;
	}
	const unsigned char *p = r->data + r->off;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = r->big_endian ? 8 * (size - 1 - i) : 8 * i;
		v |= (uint64_t)p[i] << shift;
	}
	r->off += size;
	return v;
}

uint64_t dwr_uleb(struct dw_reader *r)
{
	if (r->err || r->off > r->end) {
		r->err = true;
		return 0;
	}
	uint64_t v = 0, off = r->off;
	unsigned shift = 0;
	unsigned char byte;
	do {
		if (off == r->end) {
			r->err = true;
			return 0;
		}
		byte = r->data[off++];
		uint64_t slice = byte & 0x7f;
		if (shift >= 64) {
			if (slice) {
				r->err = true;
				return 0;
			}
		} else {
			if ((slice << shift) >> shift != slice) {
				r->err = true;
				return 0;
			}
			v += slice << shift;
		}
		shift += 7;
	} while (byte & 0x80);
	r->off = off;
	return v;
}

int64_t dwr_sleb(struct dw_reader *r)
{
	if (r->err || r->off > r->end) {
		r->err = true;
		return 0;
	}
	uint64_t v = 0, off = r->off;
	unsigned shift = 0;
	unsigned char byte;
	do {
		if (off == r->end) {
			r->err = true;
			return 0;
		}
		byte = r->data[off++];
		uint64_t slice = byte & 0x7f;
		bool neg = (int64_t)v < 0;
		if ((shift >= 64 && slice != (neg ? 0x7f : 0)) || (shift == 63 && slice != 0 && slice != 0x7f)) {
			r->err = true;
			return 0;
		}
		if (shift < 64)
			v |= slice << shift;
		shift += 7;
	} while (byte & 0x80);
	if (shift < 64 && (byte & 0x40))
		v |= ~(uint64_t)0 << shift;
	r->off = off;
	return (int64_t)v;
}

const char *dwr_cstr(struct dw_reader *r)
{
	if (r->err || r->off >= r->end) {
		r->err = true;
		return NULL;
	}
	const unsigned char *s = r->data + r->off;
	const unsigned char *nul = memchr(s, 0, r->end - r->off);
	if (!nul) {
		r->err = true;
		return NULL;
	}
	r->off += (uint64_t)(nul - s) + 1;
	return (const char *)s;
}

uint64_t dwr_initial_length(struct dw_reader *r, bool *dwarf64)
{
	*dwarf64 = false;
	uint64_t len = dwr_uint(r, 4);
	if (len == 0xffffffff) {
		*dwarf64 = true;
		return dwr_uint(r, 8);
	}
	if (len >= 0xfffffff0)
		r->err = true; /* reserved */
	return len;
}

/* ---- the table ---- */

struct lt_file {
	const char *name; /* NULL: not a string llvm can read */
	uint64_t dir;
	const char *full_for; /* the comp_dir full was composed with */
	char *full;
};

struct lt_row {
	uint64_t addr;
	uint32_t line;
	uint16_t column, file;
	bool end_sequence;
};

struct lt_seq {
	uint64_t low, high;
	size_t first, last; /* rows [first, last), the last one ends the sequence */
};

struct line_table {
	uint16_t version;
	const char **dirs; /* entries may be NULL: not strings */
	size_t n_dirs, cap_dirs;
	struct lt_file *files;
	size_t n_files, cap_files;
	struct lt_row *rows;
	size_t n_rows, cap_rows;
	struct lt_seq *seqs;
	size_t n_seqs, cap_seqs;
};

/* What a form needs from its context. */
struct form_params {
	const struct dw_sections *s;
	uint8_t addr_size;
	bool dwarf64;
	uint16_t version;
};

/* A form value as far as a line table header needs one: a string or a number. */
struct form_value {
	const char *str; /* NULL: not a string form, or one llvm cannot resolve */
	uint64_t num;
	bool is_const, is_block;
	const unsigned char *block;
	uint64_t block_len;
};

static const char *section_cstr(const struct dw_section *sec, uint64_t off, bool big_endian)
{
	struct dw_reader r = { sec->data, off, sec->size, big_endian, false };
	return sec->data ? dwr_cstr(&r) : NULL;
}

/* extract_form reads one value of form; false where llvm's extractValue fails (or cannot go on). */
static bool extract_form(struct dw_reader *r, uint64_t form, const struct form_params *fp, struct form_value *v)
{
	unsigned offset_size = fp->dwarf64 ? 8 : 4;
	memset(v, 0, sizeof *v);
	for (int indirections = 0; indirections < 16; indirections++) {
		bool block = false;
		switch (form) {
		case DW_FORM_addr:
			v->num = dwr_uint(r, fp->addr_size);
			break;
		case DW_FORM_ref_addr:
			v->num = dwr_uint(r, fp->version <= 2 ? fp->addr_size : offset_size);
			break;
		case DW_FORM_exprloc:
		case DW_FORM_block:
			v->num = dwr_uleb(r);
			block = true;
			break;
		case DW_FORM_block1:
			v->num = dwr_uint(r, 1);
			block = true;
			break;
		case DW_FORM_block2:
			v->num = dwr_uint(r, 2);
			block = true;
			break;
		case DW_FORM_block4:
			v->num = dwr_uint(r, 4);
			block = true;
			break;
		case DW_FORM_data1:
		case DW_FORM_flag:
			v->num = dwr_uint(r, 1);
			v->is_const = true;
			break;
		case DW_FORM_ref1:
		case DW_FORM_strx1:
		case DW_FORM_addrx1:
			v->num = dwr_uint(r, 1);
			break;
		case DW_FORM_data2:
			v->num = dwr_uint(r, 2);
			v->is_const = true;
			break;
		case DW_FORM_ref2:
		case DW_FORM_strx2:
		case DW_FORM_addrx2:
			v->num = dwr_uint(r, 2);
			break;
		case DW_FORM_strx3:
		case DW_FORM_addrx3:
			v->num = dwr_uint(r, 3);
			break;
		case DW_FORM_data4:
			v->num = dwr_uint(r, 4);
			v->is_const = true;
			break;
		case DW_FORM_ref4:
		case DW_FORM_ref_sup4:
		case DW_FORM_strx4:
		case DW_FORM_addrx4:
			v->num = dwr_uint(r, 4);
			break;
		case DW_FORM_data8:
			v->num = dwr_uint(r, 8);
			v->is_const = true;
			break;
		case DW_FORM_ref8:
		case DW_FORM_ref_sup8:
		case DW_FORM_ref_sig8:
			v->num = dwr_uint(r, 8);
			break;
		case DW_FORM_data16:
			v->num = 16;
			block = true;
			break;
		case DW_FORM_sdata:
			v->num = (uint64_t)dwr_sleb(r);
			break;
		case DW_FORM_udata:
			v->num = dwr_uleb(r);
			v->is_const = true;
			break;
		case DW_FORM_ref_udata:
		case DW_FORM_rnglistx:
		case DW_FORM_loclistx:
		case DW_FORM_GNU_addr_index:
		case DW_FORM_GNU_str_index:
		case DW_FORM_addrx:
		case DW_FORM_strx:
			v->num = dwr_uleb(r);
			break;
		case DW_FORM_string:
			v->str = dwr_cstr(r);
			break;
		case DW_FORM_indirect:
			form = dwr_uleb(r);
			if (r->err)
				return false;
			continue;
		case DW_FORM_strp:
			v->num = dwr_uint(r, offset_size);
			if (!r->err)
				v->str = section_cstr(&fp->s->str, v->num, fp->s->big_endian);
			break;
		case DW_FORM_line_strp:
			v->num = dwr_uint(r, offset_size);
			if (!r->err)
				v->str = section_cstr(&fp->s->line_str, v->num, fp->s->big_endian);
			break;
		case DW_FORM_sec_offset:
		case DW_FORM_GNU_ref_alt:
		case DW_FORM_GNU_strp_alt:
		case DW_FORM_strp_sup:
			v->num = dwr_uint(r, offset_size);
			break;
		case DW_FORM_flag_present:
			v->num = 1;
			v->is_const = true;
			break;
		case DW_FORM_implicit_const:
			v->is_const = true;
			break;
		default:
			return false;
		}
		v->is_block = block;
		if (block && !r->err && r->off < r->end) {
			v->block = r->data + r->off;
			v->block_len = r->end - r->off < v->num ? r->end - r->off : v->num;
			r->off = v->num > UINT64_MAX - r->off ? UINT64_MAX : r->off + v->num;
		}
		return !r->err;
	}
	return false;
}

static void add_dir(struct line_table *t, const char *dir)
{
	GROW(t->dirs, t->cap_dirs, t->n_dirs + 1);
	t->dirs[t->n_dirs++] = dir;
}

static void add_file(struct line_table *t, const char *name, uint64_t dir)
{
	GROW(t->files, t->cap_files, t->n_files + 1);
	t->files[t->n_files++] = (struct lt_file){ name, dir, NULL, NULL };
}

/* parse_v2_tables reads the string lists of versions 2 to 4; partial tables are kept on error. */
static void parse_v2_tables(struct line_table *t, struct dw_reader *r)
{
	for (;;) {
		const char *dir = dwr_cstr(r);
		if (!dir || !dir[0])
			break;
		add_dir(t, dir);
	}
	if (r->err)
		return;
	for (;;) {
		const char *name = dwr_cstr(r);
		if (name && !name[0])
			break;
		uint64_t dir = dwr_uleb(r);
		dwr_uleb(r); /* modification time */
		dwr_uleb(r); /* length */
		if (r->err)
			return;
		add_file(t, name, dir);
	}
}

struct entry_format {
	uint64_t type, form;
};

/* parse_v5_format reads an entry format list; NULL on error or when it has no path. */
static struct entry_format *parse_v5_format(struct dw_reader *r, size_t *n)
{
	*n = dwr_uint(r, 1);
	struct entry_format *f = xcalloc(*n + 1, sizeof *f);
	bool has_path = false;
	for (size_t i = 0; i < *n && !r->err; i++) {
		f[i].type = dwr_uleb(r);
		f[i].form = dwr_uleb(r);
		has_path |= f[i].type == DW_LNCT_path;
	}
	if (r->err || !has_path) {
		free(f);
		return NULL;
	}
	return f;
}

static void parse_v5_tables(struct line_table *t, struct dw_reader *r, const struct form_params *fp)
{
	size_t n_fmt;
	struct entry_format *fmt = parse_v5_format(r, &n_fmt);
	if (!fmt)
		return;
	uint64_t count = dwr_uleb(r);
	for (uint64_t i = 0; i < count && !r->err; i++) {
		uint64_t before = r->off;
		for (size_t j = 0; j < n_fmt; j++) {
			struct form_value v;
			if (!extract_form(r, fmt[j].form, fp, &v)) {
				free(fmt);
				return;
			}
			if (fmt[j].type == DW_LNCT_path)
				add_dir(t, v.str);
		}
		if (r->off == before)
			break; /* entries of no bytes: the count could only make us spin */
	}
	free(fmt);
	if (r->err)
		return;
	fmt = parse_v5_format(r, &n_fmt);
	if (!fmt)
		return;
	count = dwr_uleb(r);
	for (uint64_t i = 0; i < count && !r->err; i++) {
		uint64_t before = r->off;
		const char *name = NULL;
		uint64_t dir = 0;
		for (size_t j = 0; j < n_fmt; j++) {
			struct form_value v;
			if (!extract_form(r, fmt[j].form, fp, &v)) {
				free(fmt);
				return;
			}
			if (fmt[j].type == DW_LNCT_path)
				name = v.str;
			else if (fmt[j].type == DW_LNCT_directory_index)
				dir = v.is_const ? v.num : 0;
			else if (fmt[j].type == DW_LNCT_MD5 && (!v.is_block || v.num != 16)) {
				free(fmt);
				return;
			}
		}
		add_file(t, name, dir);
		if (r->off == before)
			break;
	}
	free(fmt);
}

/* The header fields the line program needs. */
struct lt_header {
	uint64_t program_start, program_end;
	uint8_t min_inst_length, line_range, opcode_base;
	int8_t line_base;
	bool default_is_stmt;
};

/* parse_header reads the prologue at offset; false when llvm would not use the table at all. */
static bool parse_header(struct line_table *t, const struct dw_sections *s, uint64_t offset, uint8_t addr_size,
			 struct lt_header *h)
{
	struct dw_reader r = { s->line.data, offset, s->line.size, s->big_endian, false };
	bool dwarf64;
	uint64_t total = dwr_initial_length(&r, &dwarf64);
	if (r.err)
		return false;
	uint64_t unit_end = total > s->line.size - r.off ? s->line.size : r.off + total;
	r.end = unit_end;
	t->version = (uint16_t)dwr_uint(&r, 2);
	if (r.err || t->version < 2 || t->version > 5)
		return false;
	struct form_params fp = { s, addr_size, dwarf64, t->version };
	if (t->version >= 5) {
		fp.addr_size = (uint8_t)dwr_uint(&r, 1);
		dwr_uint(&r, 1); /* segment selector size */
	}
	unsigned offset_size = dwarf64 ? 8 : 4;
	uint64_t prologue_length = dwr_uint(&r, offset_size);
	if (r.err)
		return false;
	uint64_t prologue_end = prologue_length > unit_end - r.off ? unit_end : r.off + prologue_length;
	r.end = prologue_end;
	h->min_inst_length = (uint8_t)dwr_uint(&r, 1);
	if (t->version >= 4)
		dwr_uint(&r, 1); /* maximum operations per instruction: llvm 14 ignores it */
	h->default_is_stmt = dwr_uint(&r, 1) != 0;
	h->line_base = (int8_t)dwr_uint(&r, 1);
	h->line_range = (uint8_t)dwr_uint(&r, 1);
	h->opcode_base = (uint8_t)dwr_uint(&r, 1);
	for (unsigned i = 1; i < h->opcode_base; i++)
		dwr_uint(&r, 1); /* standard opcode lengths: read where the program needs them */
	if (r.err)
		return false;
	if (t->version >= 5)
		parse_v5_tables(t, &r, &fp);
	else
		parse_v2_tables(t, &r);
	/* The program starts where the header says, however the tables parsed. */
	uint64_t length_size = dwarf64 ? 12 : 4;
	uint64_t header_size = length_size + 2 + (t->version >= 5 ? 2 : 0) + offset_size;
	h->program_start = prologue_length > UINT64_MAX - offset - header_size ? UINT64_MAX
										  : offset + header_size + prologue_length;
	uint64_t room = s->line.size - offset;
	h->program_end = total > room || length_size + total > room ? s->line.size : offset + length_size + total;
	return true;
}

/* The state machine's registers, as llvm's Row. */
struct lt_state {
	struct lt_row row;
	bool seq_empty;
	uint64_t seq_low;
	size_t seq_first;
};

static void reset_row(struct lt_state *st)
{
	st->row = (struct lt_row){ 0, 1, 0, 1, false };
	st->seq_empty = true;
	st->seq_low = 0;
	st->seq_first = 0;
}

static void append_row(struct line_table *t, struct lt_state *st)
{
	if (st->seq_empty) {
		st->seq_empty = false;
		st->seq_low = st->row.addr;
		st->seq_first = t->n_rows;
	}
	GROW(t->rows, t->cap_rows, t->n_rows + 1);
	t->rows[t->n_rows++] = st->row;
	if (st->row.end_sequence) {
		size_t last = t->n_rows;
		if (st->seq_low < st->row.addr && st->seq_first < last) {
			GROW(t->seqs, t->cap_seqs, t->n_seqs + 1);
			t->seqs[t->n_seqs++] = (struct lt_seq){ st->seq_low, st->row.addr, st->seq_first, last };
		}
		reset_row(st);
	}
}

static void advance_for_opcode(struct lt_state *st, const struct lt_header *h, uint8_t opcode)
{
	uint8_t adjusted = (uint8_t)(opcode - h->opcode_base);
	uint64_t op_advance = h->line_range ? adjusted / h->line_range : 0;
	st->row.addr += op_advance * h->min_inst_length;
}

/* run_extended runs an extended opcode at r (after the 0 byte). */
static void run_extended(struct line_table *t, struct lt_state *st, struct dw_reader *r)
{
	uint64_t len = dwr_uleb(r);
	if (r->err || len == 0) {
		r->err = false; /* llvm reports it and reads on from here */
		return;
	}
	uint64_t ext_off = r->off;
	uint64_t end = len > UINT64_MAX - ext_off ? UINT64_MAX : ext_off + len;
	uint8_t sub = (uint8_t)dwr_uint(r, 1);
	if (!r->err) {
		switch (sub) {
		case DW_LNE_end_sequence:
			st->row.end_sequence = true;
			append_row(t, st);
			break;
		case DW_LNE_set_address: {
			uint64_t size = len - 1;
			if (size == 1 || size == 2 || size == 4 || size == 8) {
				st->row.addr = dwr_uint(r, (unsigned)size); /* 0 when cut short, as in llvm */
			}
			break;
		}
		case DW_LNE_define_file: {
			/* llvm keeps the entry whatever could be read: a missing name reads as "" */
			const char *name = dwr_cstr(r);
			uint64_t dir = dwr_uleb(r);
			dwr_uleb(r);
			dwr_uleb(r);
			add_file(t, name ? name : "", dir);
			break;
		}
		case DW_LNE_set_discriminator:
			dwr_uleb(r);
			break;
		default:
			break;
		}
	}
	r->err = false;
	r->off = end;
}

/* run_standard runs a standard opcode; false when an operand could not be read (llvm stops there). */
static bool run_standard(struct lt_state *st, const struct lt_header *h, const struct dw_sections *s,
			 uint64_t lengths_off, struct dw_reader *r, uint8_t opcode)
{
	switch (opcode) {
	case DW_LNS_copy:
		return true; /* the caller appends the row */
	case DW_LNS_advance_pc: {
		uint64_t n = dwr_uleb(r);
		if (!r->err)
			st->row.addr += n * h->min_inst_length;
		break;
	}
	case DW_LNS_advance_line: {
		int64_t d = dwr_sleb(r);
		if (!r->err)
			st->row.line = (uint32_t)(st->row.line + (uint64_t)d);
		break;
	}
	case DW_LNS_set_file: {
		uint64_t f = dwr_uleb(r);
		if (!r->err)
			st->row.file = (uint16_t)f;
		break;
	}
	case DW_LNS_set_column: {
		uint64_t c = dwr_uleb(r);
		if (!r->err)
			st->row.column = (uint16_t)c;
		break;
	}
	case DW_LNS_negate_stmt:
	case DW_LNS_set_basic_block:
	case DW_LNS_set_prologue_end:
	case DW_LNS_set_epilogue_begin:
		break;
	case DW_LNS_const_add_pc:
		advance_for_opcode(st, h, 255);
		break;
	case DW_LNS_fixed_advance_pc: {
		uint64_t n = dwr_uint(r, 2);
		if (!r->err)
			st->row.addr += n;
		break;
	}
	case DW_LNS_set_isa:
		dwr_uleb(r);
		break;
	default: {
		/* An opcode this reader does not know: skip the operands the header counts. */
		uint8_t n = s->line.data[lengths_off + opcode - 1];
		for (unsigned i = 0; i < n && !r->err; i++)
			dwr_uleb(r);
		break;
	}
	}
	return !r->err;
}

/* ordered_by_high: llvm sorts sequences by end address (stable here, so ties keep file order). */
static int seq_cmp(const void *a, const void *b)
{
	const struct lt_seq *x = a, *y = b;
	if (x->high != y->high)
		return x->high < y->high ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* run_program runs the line program; false on an error llvm treats as fatal for this parse. */
static bool run_program(struct line_table *t, const struct dw_sections *s, const struct lt_header *h,
			uint64_t lengths_off)
{
	struct lt_state st;
	reset_row(&st);
	struct dw_reader r = { s->line.data, h->program_start, h->program_end, s->big_endian, false };
	while (r.off < r.end) {
		uint8_t opcode = (uint8_t)dwr_uint(&r, 1);
		if (opcode == 0) {
			run_extended(t, &st, &r);
		} else if (opcode < h->opcode_base) {
			if (!run_standard(&st, h, s, lengths_off, &r, opcode))
				return false;
			if (opcode == DW_LNS_copy)
				append_row(t, &st);
		} else {
			advance_for_opcode(&st, h, opcode);
			uint8_t adjusted = (uint8_t)(opcode - h->opcode_base);
			int32_t line_delta = h->line_range ? h->line_base + adjusted % h->line_range : 0;
			st.row.line = (uint32_t)(st.row.line + (uint32_t)line_delta);
			append_row(t, &st);
		}
	}
	return true;
}

/* Where the standard opcode lengths start: needed only for opcodes past the twelve llvm knows. */
static uint64_t lengths_offset(const struct dw_sections *s, uint64_t offset, uint16_t version)
{
	struct dw_reader r = { s->line.data, offset, s->line.size, s->big_endian, false };
	bool dwarf64;
	dwr_initial_length(&r, &dwarf64);
	return r.off + 2 + (version >= 5 ? 2 : 0) + (dwarf64 ? 8 : 4) + (version >= 4 ? 6 : 5);
}

struct line_table *line_table_parse(const struct dw_sections *s, uint64_t offset, uint8_t addr_size,
				    uint64_t *budget, bool *failed)
{
	*failed = false;
	if (!s->line.data || offset >= s->line.size)
		return NULL;
	struct line_table *t = xcalloc(1, sizeof *t);
	struct lt_header h;
	uint64_t cost = 0;
	if (parse_header(t, s, offset, addr_size, &h))
		cost = h.program_end > offset ? h.program_end - offset : 1;
	if (cost == 0 || cost > *budget) {
		line_table_free(t);
		return NULL;
	}
	*budget -= cost;
	if (!run_program(t, s, &h, lengths_offset(s, offset, t->version))) {
		*failed = true; /* llvm keeps what it read, unsorted */
		return t;
	}
	/* A stable sort keeps equal ends in file order, where llvm's unstable one is unspecified. */
	if (t->n_seqs > 1)
		qsort(t->seqs, t->n_seqs, sizeof *t->seqs, seq_cmp);
	return t;
}

void line_table_free(struct line_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_files; i++)
		free(t->files[i].full);
	free(t->files);
	free(t->dirs);
	free(t->rows);
	free(t->seqs);
	free(t);
}

/* std::upper_bound over the sequences by end address, exactly, since unsorted input must search alike. */
static size_t seq_upper_bound(const struct line_table *t, uint64_t addr)
{
	size_t first = 0, len = t->n_seqs;
	while (len > 0) {
		size_t half = len / 2, mid = first + half;
		if (addr < t->seqs[mid].high) {
			len = half;
		} else {
			first = mid + 1;
			len -= half + 1;
		}
	}
	return first;
}

static size_t row_upper_bound(const struct line_table *t, size_t first, size_t last, uint64_t addr)
{
	size_t len = last - first;
	while (len > 0) {
		size_t half = len / 2, mid = first + half;
		if (addr < t->rows[mid].addr) {
			len = half;
		} else {
			first = mid + 1;
			len -= half + 1;
		}
	}
	return first;
}

bool line_table_lookup(const struct line_table *t, uint64_t addr, uint64_t *file, uint32_t *line, uint16_t *column)
{
	size_t i = seq_upper_bound(t, addr);
	if (i == t->n_seqs)
		return false;
	const struct lt_seq *q = &t->seqs[i];
	if (addr < q->low || addr >= q->high)
		return false;
	/* The last row with an address <= addr, never the one that ends the sequence. */
	size_t r = row_upper_bound(t, q->first + 1, q->last - 1, addr) - 1;
	*file = t->rows[r].file;
	*line = t->rows[r].line;
	*column = t->rows[r].column;
	return true;
}

/* is_absolute is llvm's isPathAbsoluteOnWindowsOrPosix. */
static bool is_sep(char c, bool windows)
{
	return c == '/' || (windows && c == '\\');
}

static bool is_absolute_style(const char *p, bool windows)
{
	if (!p[0])
		return false;
	if (windows && ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) && p[1] == ':')
		return is_sep(p[2], true);
	if (is_sep(p[0], windows) && p[1] == p[0] && p[2] && !is_sep(p[2], windows)) {
		/* a network name, //net: absolute only with a directory after it */
		for (const char *c = p + 2; *c; c++)
			if (is_sep(*c, windows))
				return true;
		return false;
	}
	return !windows && p[0] == '/';
}

static bool is_absolute(const char *p)
{
	return is_absolute_style(p, false) || is_absolute_style(p, true);
}

/* path_append is llvm's sys::path::append in the posix style. */
static void path_append(struct strbuf *b, const char *c)
{
	if (!c[0])
		return;
	if (b->len && b->s[b->len - 1] == '/') {
		while (*c == '/')
			c++;
		sb_adds(b, c);
		return;
	}
	if (c[0] != '/' && b->len)
		sb_addc(b, '/');
	sb_adds(b, c);
}

const char *line_table_file_name(struct line_table *t, uint64_t index, const char *comp_dir)
{
	struct lt_file *f;
	if (t->version >= 5) {
		if (index >= t->n_files)
			return NULL;
		f = &t->files[index];
	} else {
		if (index == 0 || index > t->n_files)
			return NULL;
		f = &t->files[index - 1];
	}
	if (!f->name)
		return NULL;
	if (is_absolute(f->name))
		return f->name;
	if (f->full && f->full_for == comp_dir)
		return f->full;
	const char *dir = NULL;
	if (t->version >= 5) {
		if (f->dir < t->n_dirs)
			dir = t->dirs[f->dir];
	} else if (f->dir > 0 && f->dir <= t->n_dirs) {
		dir = t->dirs[f->dir - 1];
	}
	if (!dir)
		dir = "";
	struct strbuf b = STRBUF_INIT;
	if (comp_dir && comp_dir[0] && !is_absolute(dir))
		path_append(&b, comp_dir);
	path_append(&b, dir);
	path_append(&b, f->name);
	free(f->full);
	f->full = xstrdup(sb_cstr(&b));
	f->full_for = comp_dir;
	sb_free(&b);
	return f->full;
}
