/*
 * json.c: strings escaped as JSON and HTML need them (profile strings'
 * NUL escapes as \u0000 and the byte itself), floats as Go's
 * encoding/json writes them, and the reader on good and bad input.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

static char *pstr(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	json_pstr(&b, s);
	return b.s;
}

static char *dbl(double v)
{
	struct strbuf b = STRBUF_INIT;
	json_double(&b, v);
	return b.s;
}

/* EXPECT checks a string the writer made, and frees it. */
#define EXPECT(made, want)                 \
	do {                               \
		char *s_ = (made);         \
		CHECK_STR(s_, want);       \
		free(s_);                  \
	} while (0)

static void test_write(void)
{
	EXPECT(pstr("plain"), "\"plain\"");
	EXPECT(pstr("q\"b\\s/"), "\"q\\\"b\\\\s/\"");
	EXPECT(pstr("a\nb\tc\r\x01\x1f"), "\"a\\nb\\tc\\r\\u0001\\u001f\"");
	/* nothing in the page data can close its <script> element */
	EXPECT(pstr("</script><!--&"), "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
	EXPECT(pstr("line\xe2\x80\xa8sep\xe2\x80\xa9"), "\"line\\u2028sep\\u2029\"");
	EXPECT(pstr("h\xc3\xa9llo \xe2\x9c\x93"), "\"h\xc3\xa9llo \xe2\x9c\x93\"");
	/* a profile string's NUL (0xC0 0x80) is \u0000; its 0xC0 (0xC0 0xC0) the byte 0xC0 */
	EXPECT(pstr("x\xc0\x80y"), "\"x\\u0000y\"");
	EXPECT(pstr("x\xc0\xc0\x80"), "\"x\xc0\x80\"");
	EXPECT(pstr("\xc0\x80\xc0\x80"), "\"\\u0000\\u0000\"");
	EXPECT(pstr("end\xc0"), "\"end\xc0\"");
	struct strbuf b = STRBUF_INIT;
	json_bytes(&b, "a\0b\xc0", 4);
	CHECK_STR(sb_cstr(&b), "\"a\\u0000b\xc0\"");
	sb_free(&b);
	json_lines(&b, "one\ntwo\n\nfour");
	CHECK_STR(sb_cstr(&b), "[\"one\",\"two\",\"\",\"four\"]");
	sb_free(&b);
	/* Go's float64: shortest digits, exponents below 1e-6 and from 1e21 */
	EXPECT(dbl(0.005), "0.005");
	EXPECT(dbl(0.001), "0.001");
	EXPECT(dbl(1), "1");
	EXPECT(dbl(-2.5), "-2.5");
	EXPECT(dbl(1e-7), "1e-7");
	EXPECT(dbl(0.000001), "0.000001");
	EXPECT(dbl(1e21), "1e+21");
	EXPECT(dbl(123456789012345678), "123456789012345680");
	EXPECT(dbl(0.1 + 0.2), "0.30000000000000004");
	EXPECT(dbl(0), "0");
}

static void test_read(void)
{
	char err[128];
	const char *text = " {\"configs\": [{\"name\": \"a\\u0000b\", \"n\": -12.5e1, \"t\": true, \"z\": null},"
			   " [], {}], \"s\": \"\\ud83d\\ude00\\/\\u00e9\", \"last\": 1, \"last\": 2} ";
	struct json *j = json_parse(text, strlen(text), err, sizeof err);
	CHECK(j && j->type == JSON_OBJECT && j->n == 4);
	const struct json *c = json_get(j, "configs");
	CHECK(c && c->type == JSON_ARRAY && c->n == 3);
	if (c && c->n == 3) {
		const struct json *o = &c->item[0];
		/* a NUL comes back as a profile string holds one */
		CHECK(json_get(o, "name") && !strcmp(json_get(o, "name")->text, "a\xc0\x80" "b"));
		CHECK(json_get(o, "n") && !strcmp(json_get(o, "n")->text, "-12.5e1"));
		CHECK(json_get(o, "t") && json_get(o, "t")->b);
		CHECK(json_get(o, "z") && json_get(o, "z")->type == JSON_NULL);
		CHECK(c->item[1].type == JSON_ARRAY && c->item[2].type == JSON_OBJECT);
	}
	CHECK(json_get(j, "s") && !strcmp(json_get(j, "s")->text, "\xf0\x9f\x98\x80/\xc3\xa9"));
	CHECK(json_get(j, "last") && !strcmp(json_get(j, "last")->text, "2"));
	CHECK(!json_get(j, "none") && !json_get(c, "configs"));
	json_free(j);

	static const char *const bad[] = { "", "{", "{\"a\" 1}", "[1,]", "[1 2]", "\"open", "tru", "01x", "-", "1.",
					   "{\"a\":1}x", "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "[1,,2]", "{1:2}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		j = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
		CHECK(!j && strstr(err, "at offset"));
		json_free(j);
	}
	/* deep nesting stops at JSON_MAX_DEPTH instead of the stack's end */
	char deep[1000];
	memset(deep, '[', sizeof deep);
	j = json_parse(deep, sizeof deep, err, sizeof err);
	CHECK(!j && strstr(err, "nested too deeply"));
	char ok[2 * JSON_MAX_DEPTH];
	memset(ok, '[', JSON_MAX_DEPTH);
	memset(ok + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	j = json_parse(ok, sizeof ok, err, sizeof err);
	CHECK(j != NULL);
	json_free(j);
}

int main(void)
{
	test_write();
	test_read();
	return check_done("json");
}
