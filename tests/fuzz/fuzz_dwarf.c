/*
 * Fuzz harness: DWARF as the symbolizer reads it. The input's first byte
 * picks a debug section of a template binary (testdata/sym/prog-gcc under
 * $CPROF_ROOT, default "."), the rest replaces that section's bytes (cut
 * or zero-padded to its size), and the binary is asked about every code
 * byte. Mutations thus land in line programs, unit headers, abbreviations,
 * DIEs and range lists instead of ELF headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>

#include "symbolize_int.h"

static const char *const targets[] = { ".debug_line",	  ".debug_info",     ".debug_abbrev", ".debug_aranges",
				       ".debug_rnglists", ".debug_line_str", ".debug_str" };
#define N_TARGETS (sizeof targets / sizeof *targets)

static unsigned char *image;
static size_t image_size;
static uint64_t sec_off[N_TARGETS], sec_size[N_TARGETS];
static char path[] = "/tmp/cprof-fuzz-dwarf-XXXXXX";
static int fd = -1;

static void load_template(void)
{
	const char *root = getenv("CPROF_ROOT");
	char tpl[4096];
	snprintf(tpl, sizeof tpl, "%s/testdata/sym/prog-gcc", root ? root : ".");
	FILE *f = fopen(tpl, "rb");
	if (!f)
		abort();
	image = malloc(1 << 20);
	image_size = fread(image, 1, 1 << 20, f);
	fclose(f);
	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)image, image_size);
	size_t shstrndx;
	if (!e || elf_getshdrstrndx(e, &shstrndx) != 0)
		abort();
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		for (size_t i = 0; i < N_TARGETS; i++)
			if (!strcmp(name, targets[i])) {
				sec_off[i] = sh.sh_offset;
				sec_size[i] = sh.sh_size;
			}
	}
	elf_end(e);
	if ((fd = mkstemp(path)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!image)
		load_template();
	if (size < 1)
		return 0;
	size_t t = data[0] % N_TARGETS;
	unsigned char *copy = malloc(image_size);
	memcpy(copy, image, image_size);
	size_t n = size - 1 < sec_size[t] ? size - 1 : sec_size[t];
	memset(copy + sec_off[t], 0, sec_size[t]);
	memcpy(copy + sec_off[t], data + 1, n);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, copy, image_size, 0) != (ssize_t)image_size)
		abort();
	free(copy);
	struct sym_frames fs = { NULL, 0, 0 };
	char err[512];
	struct binary *b = binary_open(path, 0, UINT64_MAX, 0, err, sizeof err);
	if (b) {
		for (uint64_t a = 0x1000; a < 0x1300; a++)
			binary_frames(b, a, false, &fs, err, sizeof err);
		binary_close(b);
	}
	frames_free(&fs);
	return 0;
}
