/*
 * Loading with a base profile (driver_load): a base that shares no sample
 * type with the profile is refused with both type lists named, where
 * pprof says only "profiles have empty common sample type list".
 */
#include <stdlib.h>

#include "check.h"
#include "driver.h"

#define GO "testdata/conformance/profiles/go/"

static struct profile *load(const char *source, const char *base, bool diff_base, char *err, size_t errsize)
{
	char *sources[] = { (char *)source };
	struct load_options lo = {
		.sources = sources,
		.n_sources = 1,
		.base = base,
		.diff_base = diff_base,
		.symbolize = "none",
		.max_inflated = 1 << 30,
		.seconds = -1,
		.timeout = -1,
	};
	struct strbuf warn = STRBUF_INIT;
	struct profile *p = driver_load(&lo, &warn, err, errsize);
	sb_free(&warn);
	return p;
}

static void test_base_of_another_type(void)
{
	char err[1024] = "";
	CHECK(load(GO "go-cpu.pb.gz", GO "go-heap-bad.pb.gz", false, err, sizeof err) == NULL);
	CHECK_STR(err, "base profile: incompatible sample types: [samples/count, cpu/nanoseconds] in the profile, "
		       "[alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes] in the base");
	err[0] = '\0';
	CHECK(load(GO "go-heap-bad.pb.gz", GO "go-cpu.pb.gz", true, err, sizeof err) == NULL);
	CHECK_STR(err, "base profile: incompatible sample types: [alloc_objects/count, alloc_space/bytes, "
		       "inuse_objects/count, inuse_space/bytes] in the profile, [samples/count, cpu/nanoseconds] in the base");
}

static void test_base_of_the_same_type(void)
{
	char err[1024] = "";
	struct profile *p = load(GO "go-heap-bad.pb.gz", GO "go-heap-good.pb.gz", false, err, sizeof err);
	CHECK(p != NULL && p->n_sample_type == 4);
	profile_free(p);
}

int main(void)
{
	test_base_of_another_type();
	test_base_of_the_same_type();
	return check_done("load");
}
