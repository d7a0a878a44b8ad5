/*
 * Fuzz harness: what a web client or a settings file gives cprof -http.
 * The first byte picks: 0, a settings.json (read as the Config menu and
 * saveconfig read it, then written back and read again); else a request's
 * query string (parsed as Go's net/url does, applied as pprof's URL
 * parameters, made into links, and the Config menu for it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "web_int.h"

static void settings(const char *text, size_t n)
{
	char err[256];
	json_free(json_parse(text, n, err, sizeof err));
	char path[] = "/tmp/fuzz-web-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	fwrite(text, 1, n, f);
	fclose(f);
	struct options cur;
	options_init(&cur);
	struct named_config *c;
	size_t nc;
	if (web_read_settings(path, &cur, &c, &nc, err, sizeof err) == 0) {
		web_free_settings(c, nc);
		struct query q;
		query_parse(&q, "config=fuzz&f=x");
		web_save_config(path, &cur, &q, err, sizeof err);
		query_free(&q);
		web_delete_config(path, &cur, "fuzz", err, sizeof err);
	}
	struct strbuf menu = STRBUF_INIT;
	web_config_menu(path, &cur, "f=x", &menu);
	sb_free(&menu);
	options_free(&cur);
	unlink(path);
}

static void query(const char *raw)
{
	struct query q;
	query_parse(&q, raw);
	struct options o;
	options_init(&o);
	char err[256];
	web_apply_url(&o, &q, err, sizeof err);
	web_make_url(&o, &q);
	struct strbuf b = STRBUF_INIT;
	query_encode(&q, &b);
	sb_free(&b);
	web_config_menu(NULL, &o, raw, &b);
	sb_free(&b);
	options_free(&o);
	query_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] == 0)
		settings(text, size - 1);
	else
		query(text);
	free(text);
	return 0;
}
