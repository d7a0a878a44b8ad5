/* report_raw: -raw, pprof's Profile.String() of the profile as the report sees it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "report.h"

static int cmp_cstr(const void *a, const void *b)
{
	return nul_strcmp(*(char *const *)a, *(char *const *)b);
}

/* Go's fmt of a map of label slices: "key:[v1 v2]" items sorted, joined by spaces. */
static void labels_line(const struct sample *s, bool numeric, struct strbuf *out)
{
	char **items = xcalloc(s->n_label + 1, sizeof *items);
	size_t n = 0;
	for (uint32_t i = 0; i < s->n_label; i++) {
		const struct label *l = &s->label[i];
		if (!l->str != numeric)
			continue;
		if (!sample_label_first(s, i))
			continue;
		bool units = false;
		for (uint32_t j = i; numeric && j < s->n_label; j++)
			if (!s->label[j].str && !strcmp(s->label[j].key, l->key) && s->label[j].unit[0])
				units = true;
		struct strbuf b = STRBUF_INIT;
		sb_adds(&b, l->key);
		sb_adds(&b, ":[");
		bool first = true;
		for (uint32_t j = i; j < s->n_label; j++) {
			const struct label *m = &s->label[j];
			if (!m->str != numeric || strcmp(m->key, l->key) != 0)
				continue;
			if (!first)
				sb_addc(&b, ' ');
			first = false;
			if (!numeric)
				sb_adds(&b, m->str);
			else {
				sb_addi64(&b, m->num, 0);
				if (units) {
					sb_addc(&b, ' ');
					sb_adds(&b, m->unit);
				}
			}
		}
		sb_addc(&b, ']');
		items[n++] = b.s;
	}
	qsort(items, n, sizeof *items, cmp_cstr);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(out, ' ');
		sb_adds(out, items[i]);
		free(items[i]);
	}
	free(items);
}

static bool has_labels(const struct sample *s, bool numeric)
{
	for (uint32_t i = 0; i < s->n_label; i++)
		if (!s->label[i].str == numeric)
			return true;
	return false;
}

static void print_location(FILE *out, const struct profile *p, const struct location *l)
{
	struct strbuf head = STRBUF_INIT;
	sb_addf(&head, "%6" PRIu64 ": %#" PRIx64 " ", l->id, l->address);
	if (l->address == 0) {
		sb_reset(&head);
		sb_addf(&head, "%6" PRIu64 ": 0x0 ", l->id);
	}
	if (l->mapping != NO_INDEX)
		sb_addf(&head, "M=%" PRIu64 " ", p->mapping[l->mapping].id);
	if (l->is_folded)
		sb_adds(&head, "[F] ");
	if (l->n_line == 0)
		fprintf(out, "%s\n", sb_cstr(&head));
	for (uint32_t i = 0; i < l->n_line; i++) {
		const struct line *ln = &l->line[i];
		const struct function *f = &p->function[ln->function];
		fprintf(out, "%s%s %s:%" PRId64 ":%" PRId64 " s=%" PRId64, i ? "             " : sb_cstr(&head), f->name,
			f->filename, ln->line, ln->column, f->start_line);
		if (strcmp(f->name, f->system_name) != 0)
			fprintf(out, "(%s)", f->system_name);
		fputc('\n', out);
	}
	sb_free(&head);
}

/*
 * id_texts writes each location's id and a space once, as a sample line
 * lists them (17 M on large-heap, of 105 k locations): location l's is
 * text[off[l], off[l + 1]). off is malloc'd.
 */
static size_t *id_texts(const struct profile *p, struct strbuf *text)
{
	size_t *off = xmalloc((p->n_location + 1) * sizeof *off);
	for (size_t l = 0; l < p->n_location; l++) {
		off[l] = text->len;
		sb_addu64(text, p->location[l].id, 0);
		sb_addc(text, ' ');
	}
	off[p->n_location] = text->len;
	return off;
}

static void print_hex(FILE *out, uint64_t v)
{
	if (v == 0)
		fputs("0x0", out);
	else
		fprintf(out, "%#" PRIx64, v);
}

int report_raw(struct report *r, FILE *out, char *err, size_t errsize)
{
	(void)err, (void)errsize; /* cannot fail */
	const struct profile *p = r->p;
	for (size_t i = 0; i < p->n_comment; i++)
		fprintf(out, "Comment: %s\n", p->comment[i]);
	if (p->doc_url[0])
		fprintf(out, "Doc: %s\n", p->doc_url);
	fprintf(out, "PeriodType: %s %s\n", p->period_type.type, p->period_type.unit);
	fprintf(out, "Period: %" PRId64 "\n", p->period);
	struct strbuf b = STRBUF_INIT;
	if (p->time_nanos) {
		go_time_string(&b, p->time_nanos);
		fprintf(out, "Time: %s\n", sb_cstr(&b));
	}
	if (p->duration_nanos) {
		sb_reset(&b);
		go_duration_string(&b, p->duration_nanos);
		/* %.4v keeps the first four runes of the duration's string */
		const char *s = sb_cstr(&b);
		size_t bytes = 0;
		for (int runes = 0; s[bytes] && runes < 4; runes++) {
			bytes++;
			while (((unsigned char)s[bytes] & 0xc0) == 0x80)
				bytes++;
		}
		fprintf(out, "Duration: %.*s\n", (int)bytes, s);
	}
	fputs("Samples:\n", out);
	sb_reset(&b);
	for (size_t i = 0; i < p->n_sample_type; i++)
		sb_addf(&b, "%s/%s%s ", p->sample_type[i].type, p->sample_type[i].unit,
			!strcmp(p->sample_type[i].type, p->default_sample_type) ? "[dflt]" : "");
	size_t a, e;
	go_trim_space_bounds(sb_cstr(&b), b.len, &a, &e);
	fprintf(out, "%.*s\n", (int)(e - a), sb_cstr(&b) + a);
	/* The samples, a line or more each (17 M numbers on large-heap), go out in blocks. */
	sb_reset(&b);
	struct strbuf ids = STRBUF_INIT;
	size_t *off = id_texts(p, &ids);
	struct report_writer *w = report_writer_start(out);
	for (size_t s = 0; s < p->n_sample; s++) {
		const struct sample *sm = &p->sample[s];
		for (size_t i = 0; i < p->n_sample_type; i++) {
			sb_addc(&b, ' ');
			sb_addi64(&b, sm->value[i], 10);
		}
		sb_adds(&b, ": ");
		size_t n = 0;
		for (uint32_t i = 0; i < sm->n_loc; i++)
			n += off[sm->loc[i] + 1] - off[sm->loc[i]];
		char *d = sb_extend(&b, n);
		for (uint32_t i = 0; i < sm->n_loc; i++) {
			size_t l = sm->loc[i], len = off[l + 1] - off[l];
			memcpy(d, ids.s + off[l], len);
			d += len;
		}
		sb_addc(&b, '\n');
		for (int numeric = 0; numeric < 2; numeric++) {
			if (!has_labels(sm, numeric))
				continue;
			sb_adds(&b, "                ");
			labels_line(sm, numeric, &b);
			sb_addc(&b, '\n');
		}
		report_writer_flush(w, &b, REPORT_BLOCK);
	}
	report_writer_flush(w, &b, 0);
	report_writer_end(w);
	sb_free(&ids);
	free(off);
	fputs("Locations\n", out);
	for (size_t i = 0; i < p->n_location; i++)
		print_location(out, p, &p->location[i]);
	fputs("Mappings\n", out);
	for (size_t i = 0; i < p->n_mapping; i++) {
		const struct mapping *m = &p->mapping[i];
		fprintf(out, "%" PRIu64 ": ", m->id);
		print_hex(out, m->start);
		fputc('/', out);
		print_hex(out, m->limit);
		fputc('/', out);
		print_hex(out, m->offset);
		fprintf(out, " %s %s %s%s%s%s\n", m->file, m->build_id, m->has_functions ? "[FN]" : "",
			m->has_filenames ? "[FL]" : "", m->has_line_numbers ? "[LN]" : "",
			m->has_inline_frames ? "[IN]" : "");
	}
	sb_free(&b);
	return 0;
}
