/*
 * test_strbuf: the strbuf appenders that stand in for printf in the
 * output-bound reports (-traces, -raw) write what printf's "%*s",
 * "%*" PRIu64 and "%*" PRId64 write, for the extremes and every width
 * around a number's length.
 */
#include <inttypes.h>
#include <stdint.h>

#include "check.h"
#include "util.h"

int main(void)
{
	static const int64_t vals[] = { 0, 1, -1, 9, 10, -10, 99999, 1234567890, -1234567890, INT64_MAX, INT64_MIN,
					INT64_MIN + 1 };
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		for (int width = 0; width <= 22; width++) {
			char want[64];
			struct strbuf b = STRBUF_INIT;
			sb_adds(&b, "<");
			sb_addi64(&b, vals[i], (size_t)width);
			snprintf(want, sizeof want, "<%*" PRId64, width, vals[i]);
			CHECK_STR(sb_cstr(&b), want);

			sb_reset(&b);
			sb_addu64(&b, (uint64_t)vals[i], (size_t)width);
			snprintf(want, sizeof want, "%*" PRIu64, width, (uint64_t)vals[i]);
			CHECK_STR(sb_cstr(&b), want);

			sb_reset(&b);
			sb_addpad(&b, "abc", 3, (size_t)width);
			snprintf(want, sizeof want, "%*s", width, "abc");
			CHECK_STR(sb_cstr(&b), want);
			sb_free(&b);
		}
	}
	return check_done("strbuf");
}
