/*
 * report_table: which function writes each output format. A new format
 * is a report_*.c file and one row here.
 */
#include "report.h"

static const struct {
	enum report_format format;
	report_format_fn *generate;
} formats[] = {
	{ FMT_CALLGRIND, report_callgrind },
	{ FMT_COMMENTS, report_comments },
	{ FMT_DIS, report_disasm },
	{ FMT_DOT, report_dot },
	{ FMT_FLAME, report_flame },
	{ FMT_FOLDED, report_folded },
	{ FMT_LIST, report_list },
	{ FMT_MEMSTATS, report_memstats },
	{ FMT_PROTO, report_proto },
	{ FMT_RAW, report_raw },
	{ FMT_TAGS, report_tags },
	{ FMT_TEXT, report_text },
	{ FMT_TOPPROTO, report_topproto },
	{ FMT_TRACES, report_traces },
	{ FMT_TREE, report_tree },
	{ FMT_WEBLIST, report_weblist },
	{ FMT_WEB_TOP, report_web_top },
	{ FMT_WEB_GRAPH, report_web_graph },
	{ FMT_WEB_LIST, report_web_list },
	{ FMT_WEB_FLAME, report_web_flame },
};

int report_generate(struct report *r, FILE *out, char *err, size_t errsize)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i].format == r->format)
			return formats[i].generate(r, out, err, errsize);
	snprintf(err, errsize, "%s%s: not supported", r->interactive ? "" : "-", r->command);
	return -1;
}
