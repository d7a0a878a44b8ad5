/*
 * The web server's pieces with rules of their own: query strings as Go's
 * net/url reads and writes them, pprof's URL parameters (applyURL,
 * makeURL), the address check of a server bound to localhost, and the
 * settings file's reader on files pprof would refuse.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "web_int.h"

static void test_query(void)
{
	struct query q;
	/* '+' and %XX decoded; a bad escape or a ';' in a key drops its pair; empty pairs skipped */
	query_parse(&q, "f=a+b%2Fc&n=10&&bad=%zz&x;y=1&f=second&empty=&novalue");
	CHECK_STR(query_get(&q, "f"), "a b/c");
	CHECK_STR(query_get(&q, "n"), "10");
	CHECK_STR(query_get(&q, "bad"), "");
	CHECK(!query_has(&q, "bad") && !query_has(&q, "x;y"));
	CHECK(query_has(&q, "empty") && query_has(&q, "novalue"));
	CHECK_STR(query_get(&q, "missing"), "");
	query_set(&q, "f", "<x>");
	query_del(&q, "novalue");
	struct strbuf b = STRBUF_INIT;
	query_encode(&q, &b);
	/* keys sorted, QueryEscape's rules: space as '+', the unreserved kept */
	CHECK_STR(sb_cstr(&b), "empty=&f=%3Cx%3E&n=10");
	sb_free(&b);
	query_free(&q);
	/* a NUL from %00 is held as a profile string holds one, and written back as %00 */
	query_parse(&q, "f=a%00b");
	CHECK(!strcmp(query_get(&q, "f"), "a\xc0\x80" "b"));
	query_encode(&q, &b);
	CHECK_STR(sb_cstr(&b), "f=a%00b");
	sb_free(&b);
	query_free(&q);
	query_escape("a-b_c.d~e f&g=h\xc3\xa9", &b);
	CHECK_STR(sb_cstr(&b), "a-b_c.d~e+f%26g%3Dh%C3%A9");
	sb_free(&b);
}

static void test_params(void)
{
	struct options o;
	options_init(&o);
	struct query q;
	char err[256];
	query_parse(&q, "f=main&n=20&trim=f&si=alloc_space&g=lines&unit=&calltree=t&p=ignored");
	CHECK(web_apply_url(&o, &q, err, sizeof err) == 0);
	CHECK_STR(o.focus, "main");
	CHECK(o.nodecount == 20 && !o.trim && o.call_tree);
	CHECK_STR(o.sample_index, "alloc_space");
	CHECK_STR(o.granularity, "lines");
	CHECK_STR(o.unit, "minimum"); /* an empty value sets nothing */
	query_free(&q);
	/* makeURL: the saved fields with a parameter; si is not saved; defaults left out */
	query_parse(&q, "si=alloc_space&n=-1&other=1");
	CHECK(web_make_url(&o, &q));
	struct strbuf b = STRBUF_INIT;
	query_encode(&q, &b);
	CHECK_STR(sb_cstr(&b), "calltree=t&f=main&g=lines&n=20&other=1&si=alloc_space&trim=f");
	sb_free(&b);
	CHECK(!web_make_url(&o, &q)); /* nothing more to change */
	query_free(&q);
	/* the first bad field in pprof's order is the one named */
	query_parse(&q, "sort=up&n=x");
	CHECK(web_apply_url(&o, &q, err, sizeof err) < 0);
	CHECK_STR(err, "error setting config field sort: invalid \"sort\" value \"up\"");
	query_free(&q);
	query_parse(&q, "n=x");
	CHECK(web_apply_url(&o, &q, err, sizeof err) < 0);
	CHECK_STR(err, "error setting config field nodecount: strconv.Atoi: parsing \"x\": invalid syntax");
	query_free(&q);
	CHECK_STR(web_url_param("show_from"), "sf");
	CHECK(web_url_param("output") == NULL && web_url_param("divide_by") == NULL);
	options_free(&o);
}

static bool loopback_v4(const char *a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, a, &sa.sin_addr);
	return web_loopback_client((struct sockaddr *)&sa);
}

static bool loopback_v6(const char *a)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, a, &sa.sin6_addr);
	return web_loopback_client((struct sockaddr *)&sa);
}

static void test_loopback(void)
{
	CHECK(loopback_v4("127.0.0.1") && loopback_v4("127.1.2.3"));
	CHECK(!loopback_v4("192.0.2.2") && !loopback_v4("10.0.0.1") && !loopback_v4("0.0.0.0"));
	CHECK(loopback_v6("::1") && loopback_v6("::ffff:127.0.0.1"));
	CHECK(!loopback_v6("::2") && !loopback_v6("fe80::1") && !loopback_v6("::ffff:192.0.2.2"));
	CHECK(!web_loopback_client(NULL));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_settings(void)
{
	char dir[] = "/tmp/cprof-test-web-XXXXXX";
	if (!mkdtemp(dir))
		return;
	char path[256];
	snprintf(path, sizeof path, "%s/settings.json", dir);
	struct options cur;
	options_init(&cur);
	free(cur.sample_index);
	cur.sample_index = xstrdup("alloc_space");
	struct named_config *c;
	size_t n;
	char err[256];
	/* no file: no configs */
	CHECK(web_read_settings(path, &cur, &c, &n, err, sizeof err) == 0 && n == 0);
	/* Go's Unmarshal: names without regard to case, zero for what is left out, transient fields from current */
	write_file(path, "{\"Configs\": [{\"NAME\": \"a\", \"focus\": \"x\", \"nodecount\": 7, \"unknown\": [1]}]}");
	CHECK(web_read_settings(path, &cur, &c, &n, err, sizeof err) == 0 && n == 1);
	if (n == 1) {
		CHECK_STR(c[0].name, "a");
		CHECK_STR(c[0].o.focus, "x");
		CHECK(c[0].o.nodecount == 7 && !c[0].o.trim && c[0].o.nodefraction == 0);
		CHECK_STR(c[0].o.sort, "");
		CHECK_STR(c[0].o.sample_index, "alloc_space");
	}
	web_free_settings(c, n);
	/* a field of the wrong type: pprof refuses the file */
	write_file(path, "{\"configs\": [{\"name\": \"a\", \"nodecount\": 1.5}]}");
	CHECK(web_read_settings(path, &cur, &c, &n, err, sizeof err) < 0 && n == 0);
	CHECK_STR(err, "could not parse settings: json: cannot unmarshal number 1.5 into Go struct field "
		       "namedConfig.configs.nodecount of type int");
	write_file(path, "{\"configs\": [");
	CHECK(web_read_settings(path, &cur, &c, &n, err, sizeof err) < 0 && !strncmp(err, "could not parse settings: ", 26));
	/* the menu leaves a bad file out, as pprof does */
	struct strbuf menu = STRBUF_INIT;
	web_config_menu(path, &cur, "f=x", &menu);
	CHECK_STR(sb_cstr(&menu), "[{\"name\":\"Default\",\"url\":\"?\",\"user\":false,\"current\":false}]");
	sb_free(&menu);
	unlink(path);
	rmdir(dir);
	options_free(&cur);
}

int main(void)
{
	test_query();
	test_params();
	test_loopback();
	test_settings();
	return check_done("web");
}
