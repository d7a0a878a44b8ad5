/*
 * decode_legacy_go: the pieces of Go's standard library whose exact
 * behaviour shows in what pprof makes of a legacy profile.
 */
#include <math.h>
#include <string.h>

#include "decode_legacy_int.h"
#include "gofmt.h"

bool slice_eq(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

bool slice_has_prefix(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

bool slice_contains(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= s.n; i++) {
		const char *c = memchr(s.p + i, lit[0], s.n - i - n + 1);
		if (!c)
			return false;
		i = (size_t)(c - s.p);
		if (memcmp(c, lit, n) == 0)
			return true;
	}
	return false;
}

ptrdiff_t slice_index(struct slice s, char c)
{
	const char *p = s.n ? memchr(s.p, c, s.n) : NULL;
	return p ? p - s.p : -1;
}

/* ---- strings.TrimSpace ---- */

struct slice go_trim_space(struct slice s)
{
	size_t a, b;
	go_trim_space_bounds(s.p, s.n, &a, &b);
	return slice_make(s.p + a, b - a);
}

bool go_space_or_comment(struct slice s)
{
	struct slice t = go_trim_space(s);
	return t.n == 0 || t.p[0] == '#';
}

/* ---- strconv ---- */

static char lower(char c)
{
	return (char)(c | ('x' - 'X'));
}

/* strconv's underscoreOK: underscores only between digits (or after a base prefix). */
static bool underscore_ok(struct slice s)
{
	char saw = '^';
	size_t i = 0;
	if (s.n >= 1 && (s.p[0] == '-' || s.p[0] == '+')) {
		s.p++;
		s.n--;
	}
	bool hex = false;
	if (s.n >= 2 && s.p[0] == '0' && (lower(s.p[1]) == 'b' || lower(s.p[1]) == 'o' || lower(s.p[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s.p[1]) == 'x';
	}
	for (; i < s.n; i++) {
		char c = s.p[i];
		if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* parse_uint is ParseUint; *range tells an overflow from a syntax error. */
static bool parse_uint(struct slice s, int base, uint64_t *out, bool *range)
{
	*out = 0;
	*range = false;
	if (s.n == 0)
		return false;
	struct slice s0 = s;
	bool base0 = base == 0;
	if (base0) {
		base = 10;
		if (s.p[0] == '0') {
			if (s.n >= 3 && lower(s.p[1]) == 'b') {
				base = 2;
				s.p += 2, s.n -= 2;
			} else if (s.n >= 3 && lower(s.p[1]) == 'o') {
				base = 8;
				s.p += 2, s.n -= 2;
			} else if (s.n >= 3 && lower(s.p[1]) == 'x') {
				base = 16;
				s.p += 2, s.n -= 2;
			} else {
				base = 8;
				s.p += 1, s.n -= 1;
			}
		}
	}
	uint64_t cutoff = UINT64_MAX / (uint64_t)base + 1;
	uint64_t n = 0;
	bool underscores = false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		unsigned d;
		if (c == '_' && base0) {
			underscores = true;
			continue;
		} else if (c >= '0' && c <= '9') {
			d = (unsigned)(c - '0');
		} else if (lower(c) >= 'a' && lower(c) <= 'z') {
			d = (unsigned)(lower(c) - 'a') + 10;
		} else {
			return false;
		}
		if (d >= (unsigned)base)
			return false;
		if (n >= cutoff) {
			*out = UINT64_MAX;
			*range = true;
			return false;
		}
		n *= (uint64_t)base;
		uint64_t n1 = n + d;
		if (n1 < n) {
			*out = UINT64_MAX;
			*range = true;
			return false;
		}
		n = n1;
	}
	if (underscores && !underscore_ok(s0))
		return false;
	*out = n;
	return true;
}

int go_parse_uint(struct slice s, int base, uint64_t *out)
{
	bool range;
	if (parse_uint(s, base, out, &range))
		return GO_NUM_OK;
	return range ? GO_NUM_RANGE : GO_NUM_SYNTAX;
}

const char *go_num_error(int rc)
{
	return rc == GO_NUM_RANGE ? "value out of range" : "invalid syntax";
}

int go_parse_int(struct slice s, int base, int64_t *out)
{
	*out = 0;
	if (s.n == 0)
		return GO_NUM_SYNTAX;
	bool neg = false;
	if (s.p[0] == '+' || s.p[0] == '-') {
		neg = s.p[0] == '-';
		s.p++;
		s.n--;
	}
	uint64_t u;
	bool range;
	if (!parse_uint(s, base, &u, &range))
		return range ? GO_NUM_RANGE : GO_NUM_SYNTAX;
	const uint64_t cutoff = (uint64_t)1 << 63;
	if ((!neg && u >= cutoff) || (neg && u > cutoff))
		return GO_NUM_RANGE;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return GO_NUM_OK;
}

/* ---- arithmetic as Go on amd64 does it ---- */

int64_t go_f2i(double f)
{
	/* CVTTSD2SQ answers 0x8000000000000000 for NaN and anything out of range. */
	if (!(f > -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

int64_t go_div(int64_t a, int64_t b)
{
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

static double bits_to_double(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static uint64_t double_to_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

/* CVTSD2SL: round to nearest even; out of range gives INT32_MIN. */
static int32_t cvtsd2sl(double x)
{
	double r = nearbyint(x);
	if (!(r >= -2147483648.0 && r <= 2147483647.0))
		return INT32_MIN;
	return (int32_t)r;
}

static bool cpu_has_fma(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
#else
	return false;
#endif
}

/*
 * go_exp follows math.Exp's amd64 assembly (Shibata's method): reduce by
 * ln 2, a Taylor polynomial on x/16, square four times, scale by 2^e. Go
 * takes an FMA variant when the CPU has AVX and FMA, and so do we; results
 * differ from libm's exp in the last bit now and then, which can move a
 * truncated heap sample value by one.
 */
double go_exp(double x)
{
	static const double LOG2E = 1.4426950408889634073599246810018920;
	static const double LN2U = 0.69314718055966295651160180568695068359375;
	static const double LN2L = 0.28235290563031577122588448175013436025525412068e-12;
	static const double OVERFLOW = 7.09782712893384e+02;
	static const double c[] = { 2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
				    8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1,
				    0.5, 1.0 };
	uint64_t bits = double_to_bits(x);
	if ((int64_t)(bits & ~((uint64_t)1 << 63)) >= (int64_t)0x7FF0000000000000ULL) {
		if (bits == 0xFFF0000000000000ULL)
			return 0;
		return x; /* NaN or +Inf */
	}
	if (x > OVERFLOW)
		return bits_to_double(0x7FF0000000000000ULL);
	int32_t e = cvtsd2sl(LOG2E * x);
	double fe = (double)e;
	double r;
	if (cpu_has_fma()) {
		x = fma(-LN2U, fe, x);
		x = fma(-LN2L, fe, x);
		x *= 0.0625;
		double t = c[0];
		for (int i = 1; i < 8; i++)
			t = fma(x, t, c[i]);
		x = x * t;
		for (int i = 0; i < 3; i++)
			x = x * (x + 2.0);
		r = fma(x + 2.0, x, 1.0);
	} else {
		x -= LN2U * fe;
		x -= LN2L * fe;
		x *= 0.0625;
		double t = c[0];
		for (int i = 1; i < 8; i++)
			t = t * x + c[i];
		x = x * t;
		for (int i = 0; i < 4; i++)
			x = x * (2.0 + x);
		r = x + 1.0;
	}
	/* ldexp as the assembly does it, with its 32-bit exponent arithmetic. */
	int64_t be = (int64_t)e + 0x3FF;
	if (be <= 0) {
		if (be < -52)
			return 0;
		be += 0x3FE;
		r *= bits_to_double((uint64_t)be << 52);
		be = 1;
	} else if (be >= 0x7FF) {
		return bits_to_double(0x7FF0000000000000ULL);
	}
	return r * bits_to_double((uint64_t)be << 52);
}

/* ---- bufio.Scanner ---- */

enum { MAX_TOKEN = 64 * 1024 };

void scan_init(struct scanner *s, const char *data, size_t len)
{
	memset(s, 0, sizeof *s);
	s->data = data;
	s->len = len;
	s->tok = slice_make(data, 0);
}

static struct slice drop_cr(const char *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return slice_make(p, n);
}

bool scan_next(struct scanner *s)
{
	s->tok = slice_make(s->data, 0);
	if (s->err == SCAN_TOO_LONG) {
		/* Go splits what it buffered as if at EOF: the head of the long line. */
		if (s->held_end > s->held_start) {
			s->tok = drop_cr(s->data + s->held_start, s->held_end - s->held_start);
			s->held_start = s->held_end;
			return true;
		}
		return false;
	}
	if (s->err == SCAN_EOF || s->pos >= s->len) {
		s->err = SCAN_EOF;
		return false;
	}
	size_t rest = s->len - s->pos;
	size_t limit = rest < MAX_TOKEN ? rest : MAX_TOKEN;
	const char *nl = memchr(s->data + s->pos, '\n', limit);
	if (nl) {
		size_t n = (size_t)(nl - (s->data + s->pos));
		s->tok = drop_cr(s->data + s->pos, n);
		s->pos += n + 1;
		return true;
	}
	if (rest >= MAX_TOKEN) {
		/* The buffer is full and holds no newline: bufio.ErrTooLong. */
		s->err = SCAN_TOO_LONG;
		s->held_start = s->pos;
		s->held_end = s->pos + MAX_TOKEN;
		s->pos = s->len;
		return false;
	}
	s->tok = drop_cr(s->data + s->pos, rest);
	s->pos = s->len;
	return true;
}

const char *scan_error(const struct scanner *s)
{
	return s->err == SCAN_TOO_LONG ? "bufio.Scanner: token too long" : NULL;
}
