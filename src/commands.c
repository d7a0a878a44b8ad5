#include "commands.h"

#include <string.h>

#define REPORT_HELP_CUM(c)                                                                              \
	c " [n] [focus_regex]* [-ignore_regex]* [-cum] >f\n"                                             \
	  "Include up to n samples\n"                                                                   \
	  "Include samples matching focus_regex, and exclude ignore_regex.\n"                           \
	  "-cum sorts the output by cumulative weight\n"                                                \
	  "Optionally save the report on the file f"
#define REPORT_HELP_REDIRECT(c)                                                                         \
	c " [n] [focus_regex]* [-ignore_regex]* >f\n"                                                    \
	  "Include up to n samples\n"                                                                   \
	  "Include samples matching focus_regex, and exclude ignore_regex.\n"                           \
	  "Optionally save the report on the file f"
#define REPORT_HELP(c)                                                                                  \
	c " [n] [focus_regex]* [-ignore_regex]*\n"                                                       \
	  "Include up to n samples\n"                                                                   \
	  "Include samples matching focus_regex, and exclude ignore_regex."
#define LIST_HELP(c)                                                                                    \
	c "<func_regex|address> [-focus_regex]* [-ignore_regex]*\n"                                      \
	  "Include functions matching func_regex, or including the address specified.\n"                \
	  "Include samples matching focus_regex, and exclude ignore_regex."

const struct command commands[] = {
	{ "callgrind", FMT_CALLGRIND, false, "Outputs a graph in callgrind format", REPORT_HELP_REDIRECT("callgrind"),
	  NULL, "callgraph.out", NULL },
	{ "comments", FMT_COMMENTS, false, "Output all profile comments", "", NULL, NULL, NULL },
	{ "disasm", FMT_DIS, true, "Output assembly listings annotated with samples",
	  "disasm<func_regex|address> [-focus_regex]* [-ignore_regex]* >f\n"
	  "Include functions matching func_regex, or including the address specified.\n"
	  "Include samples matching focus_regex, and exclude ignore_regex.\n"
	  "Optionally save the report on the file f",
	  NULL, NULL, NULL },
	{ "dot", FMT_DOT, false, "Outputs a graph in DOT format", REPORT_HELP_REDIRECT("dot"), NULL, NULL, NULL },
	{ "eog", FMT_DOT, false, "Visualize graph through eog", REPORT_HELP("eog"), "svg", NULL, "eog" },
	{ "evince", FMT_DOT, false, "Visualize graph through evince", REPORT_HELP("evince"), "pdf", NULL, "evince" },
	{ "flame", FMT_FLAME, false, "Outputs a flame graph in SVG format (cprof)", REPORT_HELP_REDIRECT("flame"),
	  NULL, "svg", NULL },
	{ "folded", FMT_FOLDED, false, "Outputs folded stacks, one line per stack (cprof)",
	  REPORT_HELP_REDIRECT("folded"), NULL, NULL, NULL },
	{ "gif", FMT_DOT, false, "Outputs a graph image in GIF format", REPORT_HELP_REDIRECT("gif"), "gif", "gif",
	  NULL },
	{ "gv", FMT_DOT, false, "Visualize graph through gv", REPORT_HELP("gv"), "ps", NULL, "gv" },
	{ "kcachegrind", FMT_CALLGRIND, false, "Visualize report in KCachegrind", REPORT_HELP("kcachegrind"), NULL,
	  NULL, "kcachegrind" },
	{ "list", FMT_LIST, true, "Output annotated source for functions matching regexp", LIST_HELP("list"), NULL,
	  NULL, NULL },
	{ "memstats", FMT_MEMSTATS, false, "Explains a Go heap's runtime.MemStats (cprof)",
	  "memstats [>f]\n"
	  "Explains the runtime.MemStats trailer of a Go heap profile next to the\n"
	  "sampled heap; a proto heap profile fetched over HTTP gets it from ?debug=1.\n"
	  "Optionally save the report on the file f",
	  NULL, NULL, NULL },
	{ "pdf", FMT_DOT, false, "Outputs a graph in PDF format", REPORT_HELP_REDIRECT("pdf"), "pdf", "pdf", NULL },
	{ "peek", FMT_TREE, true, "Output callers/callees of functions matching regexp",
	  "peek func_regex\nDisplay callers and callees of functions matching func_regex.", NULL, NULL, NULL },
	{ "png", FMT_DOT, false, "Outputs a graph image in PNG format", REPORT_HELP_REDIRECT("png"), "png", "png",
	  NULL },
	{ "proto", FMT_PROTO, false, "Outputs the profile in compressed protobuf format", "", NULL, "pb.gz", NULL },
	{ "ps", FMT_DOT, false, "Outputs a graph in PS format", REPORT_HELP_REDIRECT("ps"), "ps", "ps", NULL },
	{ "raw", FMT_RAW, false, "Outputs a text representation of the raw profile", "", NULL, NULL, NULL },
	{ "svg", FMT_DOT, false, "Outputs a graph in SVG format", REPORT_HELP_REDIRECT("svg"), "svg", "svg", NULL },
	{ "tags", FMT_TAGS, false, "Outputs all tags in the profile",
	  "tags [tag_regex]* [-ignore_regex]* [>file]\nList tags with key:value matching tag_regex and exclude "
	  "ignore_regex.",
	  NULL, NULL, NULL },
	{ "text", FMT_TEXT, false, "Outputs top entries in text form", REPORT_HELP_CUM("text"), NULL, NULL, NULL },
	{ "top", FMT_TEXT, false, "Outputs top entries in text form", REPORT_HELP_CUM("top"), NULL, NULL, NULL },
	{ "topproto", FMT_TOPPROTO, false, "Outputs top entries in compressed protobuf format", "", NULL, "pb.gz",
	  NULL },
	{ "traces", FMT_TRACES, false, "Outputs all profile samples in text form", "", NULL, NULL, NULL },
	{ "tree", FMT_TREE, false, "Outputs a text rendering of call graph", REPORT_HELP_CUM("tree"), NULL, NULL,
	  NULL },
	{ "web", FMT_DOT, false, "Visualize graph through web browser", REPORT_HELP("web"), "svg", NULL, "web" },
	{ "weblist", FMT_WEBLIST, true, "Display annotated source in a web browser", LIST_HELP("weblist"), NULL,
	  NULL, "web" },
};
const size_t n_commands = sizeof commands / sizeof commands[0];

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < n_commands; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}
