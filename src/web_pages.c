/*
 * web_pages: each view of the web interface, as pprof's webui.go makes
 * it: the current settings with the URL's parameters applied, a view's
 * own changes (Top shows 500 nodes, Peek lines), one report of the
 * loaded profile through driver_report, and a page: web/page.html with
 * the page data of WEB-PLAN.md.
 *
 * The report part of an answer (what driver_report wrote, and its
 * warnings) is kept in the cache under a key of every setting that
 * reaches the report, so it is made once per distinct request; the
 * page around it (the Config menu reads settings.json, the parameters
 * come from the URL) is made for each request.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "encode.h"
#include "json.h"
#include "report.h"
#include "web_int.h"

/* A view: the report it is made of, and how the request changes the settings. */
struct view {
	const char *name;
	struct command cmd;
	const char *arg;     /* the URL parameter that is the report's regexp, or NULL */
	bool cached;         /* its answer depends on nothing but the profile and the settings */
	bool text;           /* the report is the CLI's text (peek, disasm) */
	void (*edit)(struct options *o);
};

static void top_edit(struct options *o)
{
	o->nodecount = 500; /* pprof's Top view */
}

static void peek_edit(struct options *o)
{
	free(o->granularity);
	o->granularity = xstrdup("lines");
}

#define CMD(name, fmt) { name, fmt, false, "", "", NULL, NULL, NULL }
static const struct view views[] = {
	{ "flamegraph", CMD("flame", FMT_WEB_FLAME), "p", true, false, NULL },
	{ "graph", CMD("svg", FMT_WEB_GRAPH), NULL, true, false, NULL },
	{ "top", CMD("top", FMT_WEB_TOP), NULL, true, false, top_edit },
	{ "peek", CMD("peek", FMT_TREE), "f", true, true, peek_edit },
	/* source files and disassemblers are read anew each time, as pprof does */
	{ "source", CMD("list", FMT_WEB_LIST), "f", false, false, NULL },
	{ "disasm", CMD("disasm", FMT_DIS), "f", false, true, NULL },
};

void web_error(struct web_response *r, unsigned status, const char *msg)
{
	struct strbuf b = STRBUF_INIT;
	sb_addf(&b, "%s\n", msg);
	r->status = status;
	r->type = "text/plain; charset=utf-8";
	r->len = b.len;
	r->body = b.s ? b.s : xstrdup("");
}

/* ---- the report, made or found ---- */

/* cache_key names a report by its view, its regexp and every setting. */
static void cache_key(const struct view *v, const char *arg, const struct options *o, struct strbuf *key)
{
	sb_addf(key, "%s\n%s\n", v->name, arg ? arg : "");
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		sb_addf(key, "%s=", f->name);
		if (f->type == OPT_STRING) {
			sb_adds(key, *(char *const *)((const char *)o + f->offset));
		} else {
			char v[64];
			options_get(o, f, v, sizeof v);
			sb_adds(key, v);
		}
		sb_addc(key, '\n');
	}
}

/*
 * The report's answer: status 200 and the report's warnings, a NUL and
 * its bytes (a text report may hold NULs; warnings hold them escaped), or
 * 400 and the error's message.
 */
static unsigned make_report(struct web *w, const struct view *v, const char *arg, const struct options *o,
			    char **out, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = xopen_memstream(&buf, &n);
	struct strbuf warn = STRBUF_INIT;
	char err[1024];
	struct driver_timing tm = { 0 };
	struct report_request req = { &v->cmd, arg, false, w->tools, false, &tm, NULL };
	/* reports are made a few at a time: each can take hundreds of megabytes of a large profile */
	double waited = clock_seconds();
	sem_wait(&w->slots);
	double start = clock_seconds();
	const struct profile *p = v->cmd.format == FMT_WEB_FLAME ? w->flame_p : w->p;
	int rc = driver_report(p, o, &req, mem, &warn, err, sizeof err);
	sem_post(&w->slots);
	if (w->timing_log)
		fprintf(stderr,
			"cprof: %s%s%s: %.3f s (waited %.3f): units %.3f, label frames %.3f, filters %.3f, "
			"total %.3f, aggregation %.3f, report %.3f, layout %.3f\n",
			v->name, arg ? " " : "", arg ? arg : "", clock_seconds() - start, start - waited, tm.units,
			tm.label_frames, tm.filters, tm.total, tm.aggregate, tm.report, tm.layout);
	if (rc < 0) {
		fclose(mem);
		free(buf);
		sb_free(&warn);
		struct strbuf m = STRBUF_INIT;
		sb_addf(&m, "%s\n", err);
		*out = m.s;
		*len = m.len;
		return 400;
	}
	fclose(mem);
	struct strbuf all = STRBUF_INIT;
	sb_addn(&all, sb_cstr(&warn), warn.len + 1);
	sb_addn(&all, buf, n);
	free(buf);
	sb_free(&warn);
	*out = all.s;
	*len = all.len;
	return 200;
}

/* ---- the page ---- */

/* json_params writes the URL parameters in effect, pprof's names, defaults left out. */
static void json_params(struct strbuf *b, const struct options *o, const struct view *v, const char *arg)
{
	sb_addc(b, '{');
	bool first = true;
	struct strbuf val = STRBUF_INIT;
	for (size_t i = 0; i < n_option_fields; i++) {
		const struct option_field *f = &option_fields[i];
		const char *param = web_url_param(f->name);
		if (!param)
			continue;
		sb_reset(&val);
		web_param_value(o, f, &val);
		if (!val.len)
			continue;
		json_key(b, param, first);
		first = false;
		json_pstr(b, sb_cstr(&val));
	}
	if (v->arg && !strcmp(v->arg, "p") && arg && arg[0]) {
		json_key(b, "p", first);
		json_pstr(b, arg);
	}
	sb_addc(b, '}');
	sb_free(&val);
}

/*
 * text_members turns a text report (peek, disasm) into the members of its
 * page: its header (legend, title) comes from driver_header, as pprof's
 * plaintext views show the profile's labels.
 */
static void text_members(struct web *w, const struct view *v, const struct options *o, const char *text,
			 size_t len, struct strbuf *title, struct strbuf *members)
{
	struct strbuf labels = STRBUF_INIT, warn = STRBUF_INIT;
	bool zero;
	struct report_request req = { &v->cmd, NULL, false, w->tools, false, NULL, NULL };
	driver_header(w->p, o, &req, &labels, &zero, &warn);
	report_web_title(sb_cstr(&labels), title);
	json_key(members, "legend", true);
	json_lines(members, sb_cstr(&labels));
	json_key(members, "text", false);
	json_bytes(members, text, len);
	json_key(members, "docURL", false);
	json_pstr(members, w->p->doc_url);
	sb_free(&labels);
	sb_free(&warn);
}

static void page(struct web *w, const struct view *v, const char *raw_query, const struct options *shown,
		 const char *arg, const char *report, size_t report_len, struct web_response *r)
{
	const char *warn = report;
	report += strlen(warn) + 1;
	size_t made = report_len - strlen(warn) - 1;
	struct strbuf title = STRBUF_INIT, members = STRBUF_INIT, data = STRBUF_INIT;
	const char *body = "";
	size_t body_len = 0;
	if (v->text) {
		text_members(w, v, shown, report, made, &title, &members);
	} else {
		/* the title's line, the members' line, and for the graph its SVG */
		const char *nl = memchr(report, '\n', made);
		const char *m = nl ? nl + 1 : report + made;
		sb_addn(&title, report, (size_t)(m - report) - (nl ? 1 : 0));
		const char *end = memchr(m, '\n', (size_t)(report + made - m));
		sb_addn(&members, m, end ? (size_t)(end - m) : (size_t)(report + made - m));
		if (end) {
			body = end + 1;
			body_len = (size_t)(report + made - body);
		}
	}
	sb_addc(&data, '{');
	json_key(&data, "view", true);
	json_pstr(&data, v->name);
	json_key(&data, "title", false);
	json_pstr(&data, sb_cstr(&title));
	/* pprof's errorCatcher: one entry per message */
	json_key(&data, "errors", false);
	json_lines(&data, warn);
	json_key(&data, "sampleTypes", false);
	sb_addn(&data, w->sample_types.s, w->sample_types.len);
	json_key(&data, "params", false);
	json_params(&data, shown, v, arg);
	json_key(&data, "defaults", false);
	sb_addn(&data, w->defaults.s, w->defaults.len);
	json_key(&data, "configs", false);
	pthread_mutex_lock(&w->settings_lock);
	web_config_menu(w->settings_file, &w->current, raw_query, &data);
	pthread_mutex_unlock(&w->settings_lock);
	json_key(&data, "help", false);
	sb_addn(&data, w->help.s, w->help.len);
	sb_addc(&data, ',');
	sb_addn(&data, members.s, members.len);
	sb_addc(&data, '}');

	char *html = NULL;
	size_t n = 0;
	FILE *mem = xopen_memstream(&html, &n);
	report_web_page(mem, v->name, sb_cstr(&title), data.s, data.len, body, body_len);
	fclose(mem);
	r->status = 200;
	r->type = "text/html";
	r->body = html;
	r->len = n;
	sb_free(&title);
	sb_free(&members);
	sb_free(&data);
}

bool web_view(struct web *w, const char *name, const char *raw_query, struct web_response *r)
{
	const struct view *v = NULL;
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		if (!strcmp(views[i].name, name))
			v = &views[i];
	if (!v)
		return false;
	struct query q;
	query_parse(&q, raw_query);
	struct options shown, o;
	options_copy(&shown, &w->current);
	char err[1024];
	if (web_apply_url(&shown, &q, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		web_error(r, 400, err);
		options_free(&shown);
		query_free(&q);
		return true;
	}
	options_copy(&o, &shown);
	if (v->edit)
		v->edit(&o);
	const char *arg = v->arg ? query_get(&q, v->arg) : NULL;
	/* the flame view without p= is not pivoted; the others take f= whatever it is, as pprof */
	if (v->arg && !strcmp(v->arg, "p") && !arg[0])
		arg = NULL;

	char *report = NULL;
	size_t len = 0;
	unsigned status;
	struct web_cache_entry *e = NULL;
	if (v->cached) {
		struct strbuf key = STRBUF_INIT;
		cache_key(v, arg, &o, &key);
		bool mine;
		e = web_cache_claim(w->cache, sb_cstr(&key), &mine);
		sb_free(&key);
		if (mine) {
			status = make_report(w, v, arg, &o, &report, &len);
			web_cache_fill(w->cache, e, status, report, len);
		}
		status = e->status;
		report = e->body;
		len = e->len;
	} else {
		status = make_report(w, v, arg, &o, &report, &len);
	}
	if (status != 200) {
		fputs(report, stderr); /* pprof prints the error too */
		r->status = status;
		r->type = "text/plain; charset=utf-8";
		r->body = xstrndup(report, len);
		r->len = len;
	} else {
		page(w, v, raw_query, &shown, arg, report, len, r);
	}
	if (e)
		web_cache_release(w->cache, e);
	else
		free(report);
	options_free(&o);
	options_free(&shown);
	query_free(&q);
	return true;
}

void web_download(struct web *w, struct web_response *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = xopen_memstream(&buf, &n);
	char err[256];
	int rc = encode_profile(w->p, mem, err, sizeof err);
	fclose(mem);
	if (rc < 0) {
		free(buf);
		web_error(r, 500, err);
		return;
	}
	r->status = 200;
	r->type = "application/vnd.google.protobuf+gzip";
	r->disposition = "attachment;filename=profile.pb.gz";
	r->body = buf;
	r->len = n;
}
