/*
 * URLs as go tool pprof's adjustURL makes them: http:// added, the CPU
 * profile's path for a bare host, seconds set or read, the timeout derived.
 */
#include <stdlib.h>

#include "check.h"
#include "fetch.h"

static void expect(const char *src, int seconds, int timeout_in, const char *want, int want_timeout)
{
	int timeout = -7;
	char *got = fetch_adjust_url(src, seconds, timeout_in, &timeout);
	if (!want) {
		CHECK(got == NULL);
	} else {
		CHECK_STR(got ? got : "(null)", want);
		CHECK(timeout == want_timeout);
	}
	free(got);
}

int main(void)
{
	expect("localhost:6060/debug/pprof/heap", -1, -1, "http://localhost:6060/debug/pprof/heap", 60);
	expect("http://localhost:6060/debug/pprof/profile", 30, -1,
	       "http://localhost:6060/debug/pprof/profile?seconds=30", 45);
	expect("http://h/profile?seconds=10", -1, -1, "http://h/profile?seconds=10", 15);
	expect("http://h/profile?seconds=10", 4, -1, "http://h/profile?seconds=4", 6);
	expect("http://h/profile", 30, 100, "http://h/profile?seconds=30", 100);
	expect("https://h:1/p?b=2&a=1", -1, -1, "https://h:1/p?a=1&b=2", 60);
	expect("127.0.0.1:6060/debug/pprof/heap", -1, -1, "http://127.0.0.1:6060/debug/pprof/heap", 60);
	expect("HTTP://h/p#frag", -1, -1, "http://h/p", 60);
	/* a bare host (and port) asks for a CPU profile, as go tool pprof does */
	expect("localhost:6060", 5, -1, "http://localhost:6060/debug/pprof/profile?seconds=5", 7);
	expect("127.0.0.1:6060", -1, -1, "http://127.0.0.1:6060/debug/pprof/profile", 60);
	expect("http://h/", -1, -1, "http://h/debug/pprof/profile", 60);
	expect("https+insecure://h:1?seconds=2", -1, -1, "https+insecure://h:1/debug/pprof/profile?seconds=2", 3);
	expect("http://h/x", -1, -1, "http://h/x", 60);
	/* paths are not URLs */
	expect("profiles/go/cpu.pb.gz", -1, -1, NULL, 0);
	expect("/tmp/cpu.pb.gz", -1, -1, NULL, 0);
	expect("file:///tmp/cpu.pb.gz", -1, -1, NULL, 0);
	return check_done("fetch");
}
