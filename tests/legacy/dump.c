/*
 * legacy_dump: decodes files with decode_legacy alone and prints each
 * profile as pprof's Profile.String() does, after its drop/keep frames and
 * duration, or "UNRECOGNIZED", or "ERROR: message". Used to compare the
 * decoder with pprof's own parser on the same inputs (see README).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_legacy_int.h"
#include "util.h"

static void hex(uint64_t v)
{
	if (v == 0)
		printf("0x0");
	else
		printf("%#" PRIx64, v);
}

static void dump(const struct profile *p)
{
	printf("DropFrames: %s\nKeepFrames: %s\nDuration: %" PRId64 "\n", p->drop_frames, p->keep_frames,
	       p->duration_nanos);
	printf("PeriodType: %s %s\nPeriod: %" PRId64 "\nSamples:\n", p->period_type.type, p->period_type.unit,
	       p->period);
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < p->n_sample_type; i++)
		sb_addf(&b, "%s/%s%s ", p->sample_type[i].type, p->sample_type[i].unit,
			strcmp(p->sample_type[i].type, p->default_sample_type) ? "" : "[dflt]");
	struct slice st = go_trim_space(slice_make(sb_cstr(&b), b.len));
	printf("%.*s\n", (int)st.n, st.p);
	sb_free(&b);
	for (size_t i = 0; i < p->n_sample; i++) {
		const struct sample *s = &p->sample[i];
		for (size_t j = 0; j < p->n_sample_type; j++)
			printf(" %10" PRId64, s->value[j]);
		printf(": ");
		for (uint32_t j = 0; j < s->n_loc; j++)
			printf("%" PRIu64 " ", p->location[s->loc[j]].id);
		printf("\n");
		for (uint32_t j = 0; j < s->n_label; j++)
			printf("                %s:[%" PRId64 "]\n", s->label[j].key, s->label[j].num);
	}
	printf("Locations\n");
	for (size_t i = 0; i < p->n_location; i++) {
		const struct location *l = &p->location[i];
		printf("%6" PRIu64 ": ", l->id);
		hex(l->address);
		printf(" ");
		if (l->mapping != NO_INDEX)
			printf("M=%" PRIu64 " ", p->mapping[l->mapping].id);
		if (l->n_line == 0)
			printf("\n");
		for (uint32_t j = 0; j < l->n_line; j++) {
			const struct function *f = &p->function[l->line[j].function];
			printf("%s %s:%" PRId64 ":0 s=0\n", f->name, f->filename, l->line[j].line);
		}
	}
	printf("Mappings\n");
	for (size_t i = 0; i < p->n_mapping; i++) {
		const struct mapping *m = &p->mapping[i];
		printf("%" PRIu64 ": ", m->id);
		hex(m->start);
		printf("/");
		hex(m->limit);
		printf("/");
		hex(m->offset);
		printf(" %s %s \n", m->file, m->build_id);
	}
}

static int run(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *data = xmalloc(cap);
	size_t r;
	while ((r = fread(data + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			data = xrealloc(data, cap *= 2);
	}
	fclose(f);
	char err[512] = "";
	struct profile *p = decode_legacy(data, n, err, sizeof err);
	free(data);
	if (!p) {
		if (strcmp(err, "unrecognized profile format") == 0)
			printf("UNRECOGNIZED\n");
		else
			printf("ERROR: %s\n", err);
		return 0;
	}
	dump(p);
	profile_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		if (argc > 2)
			printf("== %s\n", argv[i]);
		rc |= run(argv[i]);
	}
	return rc;
}
