/*
 * Decoder validation: well-formed profiles decode into the dense model;
 * every kind of broken reference is refused with a message naming it.
 * The inputs are built with protobuf-c from proto/profile.proto.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

#include "check.h"
#include "decode.h"
#include "decode_sample.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__ValueType ValueType;

/* A small valid profile: main → work, one mapping, sample type cpu/nanoseconds. */
struct fixture {
	Profile p;
	ValueType st, *stp[1];
	char *strings[8];
	Mapping m, *mp[1];
	Function f[2], *fp[2];
	Line l[2], *lp0[1], *lp1[1];
	Location loc[2], *locp[2];
	Sample s, *sp[1];
	uint64_t ids[2];
	int64_t vals[1];
};

static void fixture_init(struct fixture *x)
{
	memset(x, 0, sizeof *x);
	perftools__profiles__profile__init(&x->p);
	static char *strs[] = { "", "cpu", "nanoseconds", "main", "work", "main.go", "/bin/app", "" };
	memcpy(x->strings, strs, sizeof strs);
	x->p.n_string_table = 7;
	x->p.string_table = x->strings;
	perftools__profiles__value_type__init(&x->st);
	x->st.type = 1;
	x->st.unit = 2;
	x->stp[0] = &x->st;
	x->p.n_sample_type = 1;
	x->p.sample_type = x->stp;
	perftools__profiles__mapping__init(&x->m);
	x->m.id = 1;
	x->m.memory_start = 0x1000;
	x->m.memory_limit = 0x2000;
	x->m.filename = 6;
	x->mp[0] = &x->m;
	x->p.n_mapping = 1;
	x->p.mapping = x->mp;
	for (int i = 0; i < 2; i++) {
		perftools__profiles__function__init(&x->f[i]);
		x->f[i].id = (uint64_t)i + 1;
		x->f[i].name = 3 + i;
		x->f[i].system_name = 3 + i;
		x->f[i].filename = 5;
		x->fp[i] = &x->f[i];
		perftools__profiles__line__init(&x->l[i]);
		x->l[i].function_id = (uint64_t)i + 1;
		x->l[i].line = 10 + i;
		perftools__profiles__location__init(&x->loc[i]);
		x->loc[i].id = (uint64_t)i + 1;
		x->loc[i].mapping_id = 1;
		x->loc[i].address = 0x1100 + (uint64_t)i;
		x->loc[i].n_line = 1;
		x->locp[i] = &x->loc[i];
	}
	x->lp0[0] = &x->l[0];
	x->lp1[0] = &x->l[1];
	x->loc[0].line = x->lp0;
	x->loc[1].line = x->lp1;
	x->p.n_function = 2;
	x->p.function = x->fp;
	x->p.n_location = 2;
	x->p.location = x->locp;
	perftools__profiles__sample__init(&x->s);
	x->ids[0] = 2; /* leaf: work */
	x->ids[1] = 1;
	x->s.n_location_id = 2;
	x->s.location_id = x->ids;
	x->vals[0] = 10000000;
	x->s.n_value = 1;
	x->s.value = x->vals;
	x->sp[0] = &x->s;
	x->p.n_sample = 1;
	x->p.sample = x->sp;
}

/* What decode_fixture lets the samples leave out (decode_options.lean): 0, or DECODE_LEAF and DECODE_NO_LABELS. */
static unsigned fixture_lean;

static unsigned lean_of(const struct profile *header, const void *ctx)
{
	(void)header;
	return *(const unsigned *)ctx;
}

static struct profile *decode_fixture(const struct fixture *x, char *err, size_t errsize)
{
	size_t n = perftools__profiles__profile__get_packed_size(&x->p);
	uint8_t *buf = malloc(n + 1);
	perftools__profiles__profile__pack(&x->p, buf);
	struct decode_options o = { DECODE_DEFAULT_MAX_INFLATED, 0, DECODE_DEFAULT_MAX_RATIO, lean_of, &fixture_lean };
	err[0] = '\0';
	struct profile *p = decode_bytes(buf, n, &o, err, errsize);
	free(buf);
	return p;
}

/* expect_error decodes x and checks it fails with a message containing want. */
static void expect_error(const struct fixture *x, const char *want, int line)
{
	char err[512];
	struct profile *p = decode_fixture(x, err, sizeof err);
	check_count++;
	if (p || !strstr(err, want)) {
		check_failures++;
		fprintf(stderr, "%s:%d: decode gave %s \"%s\", want an error containing \"%s\"\n", __FILE__, line,
			p ? "a profile," : "error", err, want);
	}
	profile_free(p);
}
#define EXPECT_ERROR(x, want) expect_error(x, want, __LINE__)

static void test_valid(void)
{
	struct fixture x;
	fixture_init(&x);
	char err[512];
	struct profile *p = decode_fixture(&x, err, sizeof err);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(p->n_sample == 1 && p->n_location == 2 && p->n_function == 2 && p->n_mapping == 1);
	CHECK_STR(p->sample_type[0].type, "cpu");
	CHECK(p->sample[0].n_loc == 2 && p->sample[0].loc[0] == 1 && p->sample[0].loc[1] == 0);
	CHECK(p->sample[0].value[0] == 10000000);
	CHECK(p->location[1].mapping == 0 && p->location[1].line[0].function == 1);
	CHECK_STR(p->function[p->location[0].line[0].function].name, "main");
	CHECK_STR(p->mapping[0].file, "/bin/app");
	CHECK_STR(p->drop_frames, "");
	profile_free(p);
}

static void test_gzip(void)
{
	struct fixture x;
	fixture_init(&x);
	size_t n = perftools__profiles__profile__get_packed_size(&x.p);
	uint8_t *raw = malloc(n), *gz = malloc(n + 64);
	perftools__profiles__profile__pack(&x.p, raw);
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = raw;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)(n + 64);
	deflate(&z, Z_FINISH);
	size_t gzlen = z.total_out;
	deflateEnd(&z);
	char err[512];
	struct decode_options o = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct profile *p = decode_bytes(gz, gzlen, &o, err, sizeof err);
	CHECK(p != NULL && p->n_sample == 1);
	profile_free(p);
	/* the inflated-size ceiling */
	o.max_inflated = n - 1;
	p = decode_bytes(gz, gzlen, &o, err, sizeof err);
	CHECK(p == NULL && strstr(err, "exceeds the limit"));
	/* a truncated stream */
	o.max_inflated = DECODE_DEFAULT_MAX_INFLATED;
	p = decode_bytes(gz, gzlen - 5, &o, err, sizeof err);
	CHECK(p == NULL && strstr(err, "decompressing profile"));
	free(raw);
	free(gz);
}

/* A gzip stream of zeros is refused after the first megabyte, not at the inflate ceiling. */
static void test_bomb(void)
{
	size_t n = 8 << 20;
	uint8_t *zeros = calloc(1, n), *gz = malloc(n);
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = zeros;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)n;
	deflate(&z, Z_FINISH);
	size_t gzlen = z.total_out;
	deflateEnd(&z);
	char err[512];
	struct decode_options o = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct profile *p = decode_bytes(gz, gzlen, &o, err, sizeof err);
	CHECK(p == NULL && strstr(err, "starts with a megabyte of byte 0x00"));
	free(zeros);
	free(gz);
}

/* Every error, from the whole decode and from a lean one (which reads the left-out parts only to check them). */
static void test_errors_lean(unsigned lean)
{
	struct fixture x;
	fixture_lean = lean;

	fixture_init(&x);
	x.f[0].name = 7; /* past the 7-entry table */
	EXPECT_ERROR(&x, "string index 7 is outside the string table");

	fixture_init(&x);
	x.st.unit = -1;
	EXPECT_ERROR(&x, "string index -1");

	fixture_init(&x);
	x.strings[0] = "oops";
	EXPECT_ERROR(&x, "string_table[0] must be ''");

	fixture_init(&x);
	x.p.n_string_table = 0;
	EXPECT_ERROR(&x, "string table");

	fixture_init(&x);
	x.f[1].id = 1;
	EXPECT_ERROR(&x, "multiple functions with same id: 1");

	fixture_init(&x);
	x.loc[0].id = 0;
	EXPECT_ERROR(&x, "found location with reserved ID=0");

	fixture_init(&x);
	x.m.id = 0;
	EXPECT_ERROR(&x, "found mapping with reserved ID=0");

	fixture_init(&x);
	x.ids[1] = 99;
	EXPECT_ERROR(&x, "location id 99 points nowhere");

	fixture_init(&x);
	x.ids[0] = 98;
	x.ids[1] = 99;
	EXPECT_ERROR(&x, "location id 98 points nowhere");

	fixture_init(&x);
	x.ids[1] = 0;
	EXPECT_ERROR(&x, "location id 0 points nowhere");

	fixture_init(&x);
	Perftools__Profiles__Label label = PERFTOOLS__PROFILES__LABEL__INIT, *labels[1] = { &label };
	label.key = 1;
	label.num = 5;
	label.num_unit = 70; /* past the table */
	x.s.n_label = 1;
	x.s.label = labels;
	EXPECT_ERROR(&x, "string index 70 is outside the string table");

	fixture_init(&x);
	x.l[1].function_id = 42;
	EXPECT_ERROR(&x, "has a line with nil function");

	fixture_init(&x);
	x.l[0].function_id = 0;
	EXPECT_ERROR(&x, "has a line with nil function");

	fixture_init(&x);
	x.loc[0].mapping_id = 7;
	EXPECT_ERROR(&x, "mapping id 7 points nowhere");

	fixture_init(&x);
	x.s.n_value = 0;
	EXPECT_ERROR(&x, "mismatch: sample has 0 values vs. 1 types");

	fixture_init(&x);
	x.p.n_sample_type = 0;
	EXPECT_ERROR(&x, "missing sample type information");

	/* ids far apart take the sparse path of the id maps */
	fixture_init(&x);
	x.loc[0].id = 1000000000000ULL;
	x.ids[1] = 1000000000000ULL;
	char err[512];
	struct profile *p = decode_fixture(&x, err, sizeof err);
	CHECK(p && p->sample[0].loc[1] == 0);
	profile_free(p);
	fixture_init(&x);
	x.loc[1].id = 1000000000000ULL;
	x.loc[0].id = 1000000000000ULL;
	EXPECT_ERROR(&x, "multiple locations with same id");
	fixture_lean = 0;
}

static void test_errors(void)
{
	test_errors_lean(0);
	test_errors_lean(DECODE_LEAF);
	test_errors_lean(DECODE_LEAF | DECODE_NO_LABELS);
	test_errors_lean(DECODE_NO_LABELS);
}

/* put_varint writes v in n bytes (more than it needs: written longer, as protobuf allows); the bytes' count. */
static size_t put_varint(uint8_t *b, uint64_t v, size_t n)
{
	size_t i = 0;
	do {
		b[i] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v || i + 1 < n)
			b[i] |= 0x80;
		i++;
	} while (v || i < n);
	return i;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >>= 7)
		n++;
	return n;
}

/*
 * A lean reader keeps a sample's leaf and checks the other ids against
 * a table of ids 1 to N, mostly from their bytes alone (eight at a
 * time): each id near the bounds of N and of the varint lengths, written
 * short and long, at every offset in a run of others, is found known or
 * not as the table says, and the first unknown one is the one named.
 */
static void test_leaf_ids(void)
{
	static const uint64_t tables[] = { 1, 2, 5, 126, 127, 128, 129, 200, 16383, 16384, 16385, 100230, 2097151, 2097152, 2100000 };
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
		uint64_t n = tables[t];
		uint32_t *known = malloc((n + 1) * sizeof *known);
		known[0] = 0;
		for (uint64_t i = 1; i <= n; i++)
			known[i] = (uint32_t)i;
		uint64_t ids[64];
		size_t n_ids = 0;
		const uint64_t near[] = { 0, 1, 2, n - 1, n, n + 1, n + 2, n + 128, n + 16384, 127, 128, 129, 16383,
					  16384, 16385, 2097151, 2097152, 268435455, 268435456, UINT64_MAX,
					  n & ~(uint64_t)0x7f, (n | 0x7f) + 1, n - (n & 0x3fff), n + 0x4000 - (n & 0x3fff) };
		for (size_t i = 0; i < sizeof near / sizeof *near; i++)
			ids[n_ids++] = near[i];
		for (int all = 0; all < 2; all++) {
			struct sample_reader r = { 0 };
			sample_reader_known(&r, known, n + 1, all);
			for (size_t k = 0; k < n_ids; k++)
				for (size_t longer = 0; longer < 3; longer++)
					for (size_t before = 0; before < 11; before++) {
						uint64_t id = ids[k];
						size_t len = varint_len(id) + longer;
						if (len > 10)
							continue;
						/*
						 * field 1, packed: the leaf 1, then before ids of 1 to 3 bytes,
						 * the id, two more: all but the id known from their bytes alone
						 */
						uint8_t run[64], msg[80];
						size_t m = put_varint(run, 1, 1);
						for (size_t b = 0; b < before; b++)
							m += put_varint(run + m, 1 + (b * 7919) % ((n + 1) / 2), 0);
						m += put_varint(run + m, id, len);
						m += put_varint(run + m, (n + 1) / 2, 0);
						m += put_varint(run + m, 1, 0);
						msg[0] = 0x0a;
						msg[1] = (uint8_t)m;
						memcpy(msg + 2, run, m);
						CHECK(read_sample(&r, msg, m + 2) == 0);
						bool bad = id == 0 || id > n;
						check_count++;
						if (r.n_loc != 1 || r.loc[0] != 1 || r.has_bad != bad || (bad && r.bad_id != id)) {
							check_failures++;
							fprintf(stderr, "N %llu, id %llu in %zu bytes after %zu (all %d): has_bad %d\n",
								(unsigned long long)n, (unsigned long long)id, len, before, all,
								r.has_bad);
						}
						/* cut short inside the last varint: not a Sample */
						run[m - 1] |= 0x80;
						memcpy(msg + 2, run, m);
						CHECK(read_sample(&r, msg, m + 2) != 0);
					}
			r.known = NULL;
			sample_reader_free(&r);
		}
		free(known);
	}
}

/* each_file calls fn with the path of each entry of the folders dirs (n of them), that exist. */
static void each_file(const char *const *dirs, size_t n, void (*fn)(const char *path, void *ctx), void *ctx)
{
	for (size_t d = 0; d < n; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir))) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
			fn(path, ctx);
		}
		closedir(dir);
	}
}

/* decode_file reads path and decodes it whole (never as it inflates), leaving out what lean says. */
static struct profile *decode_file(const char *path, unsigned lean, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		if (f)
			fclose(f);
		snprintf(err, errsize, "not a file");
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *b = malloc(n + 1);
	size_t got = fread(b, 1, n, f);
	fclose(f);
	struct decode_options o = { DECODE_DEFAULT_MAX_INFLATED, UINT64_MAX, DECODE_DEFAULT_MAX_RATIO, lean_of, &lean };
	struct profile *p = decode_bytes(b, got, &o, err, errsize);
	free(b);
	return p;
}

/* lean_alike: a lean decode of path gives the whole decode's verdict, and each sample's leaf, values and labels. */
struct lean_tally {
	size_t files, cut;
};

static void lean_alike(const char *path, void *ctx)
{
	struct lean_tally *t = ctx;
	char err[512], lerr[512];
	struct profile *whole = decode_file(path, 0, err, sizeof err);
	if (!whole && !strcmp(err, "not a file"))
		return;
	t->files++;
	for (unsigned lean = 1; lean <= 3; lean++) {
		struct profile *p = decode_file(path, lean, lerr, sizeof lerr);
		CHECK(!p == !whole);
		if (!p || !whole) {
			if (!p && !whole)
				CHECK_STR(lerr, err);
			profile_free(p);
			continue;
		}
		/* what is left out is left out whole, or not at all (a legacy format, sparse ids) */
		bool same = p->n_sample == whole->n_sample && p->n_location == whole->n_location;
		bool cut = false;
		for (size_t i = 0; same && i < p->n_sample; i++) {
			const struct sample *a = &p->sample[i], *b = &whole->sample[i];
			same = !memcmp(a->value, b->value, p->n_sample_type * sizeof *a->value);
			bool stack = a->n_loc == b->n_loc && !memcmp(a->loc, b->loc, a->n_loc * sizeof *a->loc);
			bool leaf = (lean & DECODE_LEAF) && b->n_loc > 1 && a->n_loc == 1 && a->loc[0] == b->loc[0];
			bool labels = a->n_label == b->n_label, none = (lean & DECODE_NO_LABELS) && !a->n_label;
			same = same && (stack || leaf) && (labels || none);
			cut = cut || leaf || (none && b->n_label);
		}
		t->cut += cut;
		check_count++;
		if (!same) {
			check_failures++;
			fprintf(stderr, "%s: the lean decode (%u) differs\n", path, lean);
		}
		profile_free(p);
	}
	profile_free(whole);
}

/* A lean decode of every profile of the corpus, of the series and of the broken ones. */
static void test_lean_corpus(void)
{
	const char *dirs[] = { "testdata/conformance/profiles/go", "testdata/conformance/profiles/native",
			       "testdata/conformance/profiles/native/upstream", "testdata/series", "testdata/broken" };
	struct lean_tally t = { 0, 0 };
	each_file(dirs, sizeof dirs / sizeof *dirs, lean_alike, &t);
	CHECK(t.files >= 40);
	CHECK(t.cut >= 40);
	printf("lean decode: %zu files, %zu decodes left something out\n", t.files, t.cut);
}

static void test_garbage(void)
{
	char err[512];
	struct decode_options o = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct profile *p = decode_bytes((const uint8_t *)"", 0, &o, err, sizeof err);
	CHECK(p == NULL && strstr(err, "empty input"));
	const uint8_t junk[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };
	p = decode_bytes(junk, sizeof junk, &o, err, sizeof err);
	CHECK(p == NULL && err[0]);
	/* every prefix of a valid message is either a profile or an error, never a crash */
	struct fixture x;
	fixture_init(&x);
	size_t n = perftools__profiles__profile__get_packed_size(&x.p);
	uint8_t *buf = malloc(n);
	perftools__profiles__profile__pack(&x.p, buf);
	for (size_t i = 1; i < n; i++) {
		p = decode_bytes(buf, i, &o, err, sizeof err);
		CHECK(p != NULL || err[0] != '\0');
		profile_free(p);
	}
	free(buf);
}

/* same_profile: a and b hold the same samples and tables (strings compared by content). */
static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_profile(const struct profile *a, const struct profile *b)
{
	if (a->n_sample != b->n_sample || a->n_sample_type != b->n_sample_type || a->n_location != b->n_location ||
	    a->n_function != b->n_function || a->n_mapping != b->n_mapping || a->period != b->period ||
	    a->time_nanos != b->time_nanos || a->duration_nanos != b->duration_nanos)
		return 0;
	for (size_t i = 0; i < a->n_sample; i++) {
		const struct sample *x = &a->sample[i], *y = &b->sample[i];
		if (x->n_loc != y->n_loc || x->n_label != y->n_label ||
		    (x->n_loc && memcmp(x->loc, y->loc, x->n_loc * sizeof *x->loc)) ||
		    (a->n_sample_type && memcmp(x->value, y->value, a->n_sample_type * sizeof *x->value)))
			return 0;
		for (uint32_t k = 0; k < x->n_label; k++)
			if (!same_str(x->label[k].key, y->label[k].key) || !same_str(x->label[k].str, y->label[k].str) ||
			    x->label[k].num != y->label[k].num || !same_str(x->label[k].unit, y->label[k].unit))
				return 0;
	}
	for (size_t i = 0; i < a->n_location; i++)
		if (a->location[i].id != b->location[i].id || a->location[i].n_line != b->location[i].n_line)
			return 0;
	return 1;
}

/* flows_alike: decoding as the bytes inflate gives what decoding after inflating gives. */
static void flows_alike(const uint8_t *data, size_t len, const char *what)
{
	struct decode_options flow = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO },
			      after = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = UINT64_MAX, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	char e1[512] = "", e2[512] = "";
	struct profile *a = decode_bytes(data, len, &flow, e1, sizeof e1);
	struct profile *b = decode_bytes(data, len, &after, e2, sizeof e2);
	check_count++;
	if ((a == NULL) != (b == NULL) || (a && !same_profile(a, b)) || (!a && strcmp(e1, e2) != 0)) {
		check_failures++;
		fprintf(stderr, "%s: decoded while inflating (%s) differs from after (%s)\n", what,
			a ? "a profile" : e1, b ? "a profile" : e2);
	}
	profile_free(a);
	profile_free(b);
}

/* gzip_bytes compresses data as one gzip member with a plain header, as Go writes profiles. */
static uint8_t *gzip_bytes(const uint8_t *data, size_t len, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, (uLong)len);
	uint8_t *out = malloc(cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * A bomb of valid data: a string table of "a" inflating a thousandfold
 * past the first 16 MB is refused, with a message naming the flag that
 * lets it through; the flag given (max_ratio 0), it decodes.
 */
static void test_ratio(void)
{
	static const uint8_t head[] = { 0x32, 0x00 }, entry[] = { 0x32, 0x01, 'a' };
	size_t n = sizeof head + sizeof entry * (6 << 20); /* 18 MiB */
	uint8_t *raw = malloc(n);
	memcpy(raw, head, sizeof head);
	for (size_t at = sizeof head; at < n; at += sizeof entry)
		memcpy(raw + at, entry, sizeof entry);
	size_t gzlen = 0;
	uint8_t *gz = gzip_bytes(raw, n, &gzlen);
	char err[512];
	const uint64_t flow_min[] = { 0, UINT64_MAX }; /* decoded as it inflates, and after */
	for (size_t i = 0; i < 2; i++) {
		struct decode_options o = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = flow_min[i], .max_ratio = DECODE_DEFAULT_MAX_RATIO };
		struct profile *p = decode_bytes(gz, gzlen, &o, err, sizeof err);
		CHECK(p == NULL && strstr(err, "inflated more than 100-fold") && strstr(err, "-max_inflated"));
		profile_free(p);
		o.max_ratio = 0;
		p = decode_bytes(gz, gzlen, &o, err, sizeof err);
		CHECK(p != NULL);
		profile_free(p);
	}
	/* a real profile inflates 2 to 7 times: the same strings, half of them not compressible */
	for (size_t at = sizeof head, k = 0; at < n; at += sizeof entry, k++)
		raw[at + 2] = (uint8_t)(k * 2654435761u >> 24) | 1;
	free(gz);
	gz = gzip_bytes(raw, n, &gzlen);
	struct decode_options o = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct profile *p = decode_bytes(gz, gzlen, &o, err, sizeof err);
	CHECK(p != NULL);
	profile_free(p);
	free(gz);
	free(raw);
}

/*
 * A profile of 150 000 samples (enough for two finishers, which split the
 * samples wherever the readers' parts end): stacks of 0 to 2 locations
 * in no short period, values counting up, and every third sample labelled, every seventh
 * with a numeric label too. Decoded while it inflates, it is what the
 * ordinary decoding gives.
 */
static void test_flow_large(void)
{
	enum { N = 150000 };
	struct fixture x;
	fixture_init(&x);
	static char *strs[] = { "", "cpu", "nanoseconds", "main", "work", "main.go", "/bin/app", "handler", "/a", "bytes" };
	x.p.n_string_table = sizeof strs / sizeof *strs;
	x.p.string_table = strs;
	static uint64_t stacks[4][2] = { { 2, 1 }, { 1, 2 }, { 1, 0 }, { 0, 0 } };
	Sample *smp = calloc(N, sizeof *smp);
	Sample **sp = calloc(N, sizeof *sp);
	int64_t *vals = calloc(N, sizeof *vals);
	Perftools__Profiles__Label lab[2], *labp[2] = { &lab[0], &lab[1] };
	perftools__profiles__label__init(&lab[0]);
	lab[0].key = 7;
	lab[0].str = 8;
	perftools__profiles__label__init(&lab[1]);
	lab[1].key = 9;
	lab[1].num = 512;
	for (size_t i = 0; i < N; i++) {
		perftools__profiles__sample__init(&smp[i]);
		size_t k = i * i / 7 % 4; /* no period a pointer off by some samples would hide in */
		smp[i].n_location_id = k < 2 ? 2 : 3 - k;
		smp[i].location_id = stacks[k];
		vals[i] = (int64_t)i;
		smp[i].n_value = 1;
		smp[i].value = &vals[i];
		if (i % 3 == 0) {
			smp[i].n_label = i % 7 == 0 ? 2 : 1;
			smp[i].label = labp;
		}
		sp[i] = &smp[i];
	}
	x.p.n_sample = N;
	x.p.sample = sp;
	size_t n = perftools__profiles__profile__get_packed_size(&x.p), gzlen = 0;
	uint8_t *raw = malloc(n);
	perftools__profiles__profile__pack(&x.p, raw);
	uint8_t *gz = gzip_bytes(raw, n, &gzlen);
	CHECK(gz != NULL);
	if (gz)
		flows_alike(gz, gzlen, "150 000 samples");
	char err[256];
	struct decode_options flow = { .max_inflated = DECODE_DEFAULT_MAX_INFLATED, .flow_min = 0, .max_ratio = DECODE_DEFAULT_MAX_RATIO };
	struct profile *p = gz ? decode_bytes(gz, gzlen, &flow, err, sizeof err) : NULL;
	CHECK(p && p->n_sample == N);
	if (p && p->n_sample == N) {
		for (size_t i = N - 4; i < N; i++) {
			const struct sample *sm = &p->sample[i];
			size_t k = i * i / 7 % 4;
			CHECK(sm->n_loc == (k < 2 ? 2 : 3 - k) && sm->value[0] == (int64_t)i);
			CHECK(sm->n_label == (i % 3 ? 0 : i % 7 ? 1 : 2));
			if (k < 3 && sm->n_loc)
				CHECK(sm->loc[0] == stacks[k][0] - 1);
		}
	}
	profile_free(p);
	free(gz);
	free(raw);
	free(vals);
	free(sp);
	free(smp);
}

/* flow_variants: the gzip profile at path, and copies in two members or with a wrong size, decoded alike. */
static void flow_variants(const char *path, void *ctx)
{
	size_t *files = ctx;
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 18) {
		if (f)
			fclose(f);
		return;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *b = malloc(2 * n);
	size_t got = fread(b, 1, n, f);
	fclose(f);
	if (got == n && b[0] == 0x1f && b[1] == 0x8b) {
		(*files)++;
		flows_alike(b, n, path);
		memcpy(b + n, b, n); /* two members */
		flows_alike(b, 2 * n, path);
		b[n - 8] ^= 1; /* a wrong CRC */
		flows_alike(b, n, path);
		b[n - 8] ^= 1;
		b[3] = 8; /* a file name in the header */
		flows_alike(b, n, path);
		b[3] = 0;
		b[n - 4] ^= 1; /* a wrong size in the trailer */
		flows_alike(b, n, path);
		flows_alike(b, n - 9, path); /* cut short */
	}
	free(b);
}

/* Every gzip profile of the conformance corpus. */
static void test_flow(void)
{
	const char *dirs[] = { "testdata/conformance/profiles/go", "testdata/conformance/profiles/native",
			       "testdata/conformance/profiles/native/upstream" };
	size_t files = 0;
	each_file(dirs, sizeof dirs / sizeof *dirs, flow_variants, &files);
	CHECK(files >= 30);
}

/*
 * A length prefix past INT_MAX is refused, as protobuf-c refuses it: cut
 * to 32 bits, 2^34 read as an empty packed run and the message passed.
 */
static void test_long_length(void)
{
	static const uint8_t cut[] = { 0x12, 0x80, 0x80, 0x80, 0x80, 0x40, 0x38, 0x38 }, /* 2^34 */
		past[] = { 0x12, 0x80, 0x80, 0x80, 0x80, 0x08 },                         /* 2^31 */
		fits[] = { 0x12, 0x00, 0x38, 0x38 };                                      /* 0, then field 7 */
	const struct {
		const uint8_t *b;
		size_t n;
		bool valid;
	} cases[] = { { cut, sizeof cut, false }, { past, sizeof past, false }, { fits, sizeof fits, true } };
	struct sample_reader r = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Perftools__Profiles__Sample *s = perftools__profiles__sample__unpack(NULL, cases[i].n, cases[i].b);
		CHECK((s != NULL) == cases[i].valid);
		CHECK((read_sample(&r, cases[i].b, cases[i].n) == 0) == cases[i].valid);
		if (s)
			perftools__profiles__sample__free_unpacked(s, NULL);
	}
	sample_reader_free(&r);
}

int main(void)
{
	test_valid();
	test_gzip();
	test_bomb();
	test_ratio();
	test_errors();
	test_garbage();
	test_flow();
	test_flow_large();
	test_long_length();
	test_leaf_ids();
	test_lean_corpus();
	return check_done("decode");
}
