#include "gofmt.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void split_nanos(int64_t nanos, time_t *sec, long *nsec)
{
	int64_t s = nanos / 1000000000, ns = nanos % 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		s--;
	}
	*sec = (time_t)s;
	*nsec = (long)ns;
}

/* Go prints a zone without an abbreviation as its offset, e.g. "+0530". */
static void zone_name(const struct tm *tm, char *buf, size_t size)
{
	if (tm->tm_zone && tm->tm_zone[0] && tm->tm_zone[0] != '+' && tm->tm_zone[0] != '-') {
		snprintf(buf, size, "%s", tm->tm_zone);
		return;
	}
	long off = tm->tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	if (off % 3600 == 0)
		snprintf(buf, size, "%c%02ld", sign, off / 3600);
	else
		snprintf(buf, size, "%c%02ld%02ld", sign, off / 3600, off / 60 % 60);
}

static void local_tm(int64_t nanos, struct tm *tm, long *nsec)
{
	time_t sec;
	split_nanos(nanos, &sec, nsec);
	tzset();
	localtime_r(&sec, tm);
}

void go_time_short(struct strbuf *out, int64_t unix_nanos)
{
	struct tm tm;
	long nsec;
	local_tm(unix_nanos, &tm, &nsec);
	char zone[32];
	zone_name(&tm, zone, sizeof zone);
	sb_addf(out, "%04d-%02d-%02d %02d:%02d:%02d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, zone);
}

void go_time_string(struct strbuf *out, int64_t unix_nanos)
{
	struct tm tm;
	long nsec;
	local_tm(unix_nanos, &tm, &nsec);
	char zone[32];
	zone_name(&tm, zone, sizeof zone);
	sb_addf(out, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec);
	if (nsec) {
		char frac[16];
		snprintf(frac, sizeof frac, "%09ld", nsec);
		size_t n = strlen(frac);
		while (n > 0 && frac[n - 1] == '0')
			n--;
		sb_addf(out, ".%.*s", (int)n, frac);
	}
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	sb_addf(out, " %c%02ld%02ld %s", sign, off / 3600, off / 60 % 60, zone);
}

/* fmt_frac writes v/10^prec with trailing zeros (and a bare '.') removed, as Go's fmtFrac. */
static void fmt_frac(char *buf, size_t *w, uint64_t v, int prec, uint64_t *rest)
{
	bool print = false;
	char tmp[32];
	size_t n = 0;
	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(v % 10);
		print = print || digit != 0;
		if (print)
			tmp[n++] = (char)('0' + digit);
		v /= 10;
	}
	if (print)
		tmp[n++] = '.';
	while (n > 0)
		buf[(*w)++] = tmp[--n];
	*rest = v;
}

static void fmt_int(char *buf, size_t *w, uint64_t v)
{
	char tmp[32];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0)
		buf[(*w)++] = tmp[--n];
}

void go_duration_string(struct strbuf *out, int64_t d)
{
	bool neg = d < 0;
	uint64_t u = neg ? 0 - (uint64_t)d : (uint64_t)d;
	char buf[64];
	size_t w = 0;
	if (u < 1000000000) {
		const char *unit;
		int prec;
		if (u == 0) {
			sb_adds(out, "0s");
			return;
		} else if (u < 1000) {
			prec = 0;
			unit = "ns";
		} else if (u < 1000000) {
			prec = 3;
			unit = "\xc2\xb5s";
		} else {
			prec = 6;
			unit = "ms";
		}
		uint64_t rest;
		/* Go builds the string backwards; build the number, then the unit. */
		char num[64];
		size_t nw = 0;
		char fr[32];
		size_t fw = 0;
		fmt_frac(fr, &fw, u, prec, &rest);
		fmt_int(num, &nw, rest);
		memcpy(num + nw, fr, fw);
		nw += fw;
		if (neg)
			sb_addc(out, '-');
		sb_addn(out, num, nw);
		sb_adds(out, unit);
		return;
	}
	uint64_t rest;
	char fr[32];
	size_t fw = 0;
	fmt_frac(fr, &fw, u, 9, &rest);
	uint64_t secs = rest % 60, mins = rest / 60 % 60, hours = rest / 3600;
	if (neg)
		buf[w++] = '-';
	if (hours) {
		fmt_int(buf, &w, hours);
		buf[w++] = 'h';
	}
	if (hours || mins) {
		fmt_int(buf, &w, mins);
		buf[w++] = 'm';
	}
	fmt_int(buf, &w, secs);
	memcpy(buf + w, fr, fw);
	w += fw;
	buf[w++] = 's';
	sb_addn(out, buf, w);
}

/*
 * rune_size is how many bytes Go's utf8.DecodeRune takes for the rune at
 * s (n bytes left): 1 for an invalid byte, a C1 lead or an overlong or
 * surrogate form among them. An escaped NUL or 0xC0 of a profile string
 * (util.h) is one rune too: one byte, for Go.
 */
/* ---- time.ParseDuration ---- */

/* leading_int is Go's leadingInt: the digits at *s as a number; false past 1<<63. */
static bool leading_int(const char **s, uint64_t *v)
{
	uint64_t x = 0;
	const char *p = *s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > ((uint64_t)1 << 63) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > (uint64_t)1 << 63)
			return false;
	}
	*s = p;
	*v = x;
	return true;
}

/* leading_fraction is Go's leadingFraction: digits past the point, scale 10^n, those that overflow dropped. */
static uint64_t leading_fraction(const char **s, double *scale)
{
	uint64_t x = 0;
	bool overflow = false;
	*scale = 1;
	const char *p = *s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (overflow)
			continue;
		if (x > (((uint64_t)1 << 63) - 1) / 10) {
			overflow = true;
			continue;
		}
		uint64_t y = x * 10 + (uint64_t)(*p - '0');
		if (y > (uint64_t)1 << 63) {
			overflow = true;
			continue;
		}
		x = y;
		*scale *= 10;
	}
	*s = p;
	return x;
}

static uint64_t duration_unit(const char *u, size_t n)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "\xc2\xb5s", 1000 }, /* U+00B5, micro sign */
		{ "\xce\xbcs", 1000 }, /* U+03BC, Greek mu */
		{ "ms", 1000000 },
		{ "s", 1000000000 },
		{ "m", 60 * (uint64_t)1000000000 },
		{ "h", 3600 * (uint64_t)1000000000 },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == n && !memcmp(units[i].name, u, n))
			return units[i].ns;
	return 0;
}

int go_parse_duration(const char *orig, int64_t *out, char *err, size_t errsize)
{
	const char *s = orig;
	bool neg = false;
	uint64_t d = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	if (!*s)
		goto invalid;
	while (*s) {
		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			goto invalid;
		const char *start = s;
		uint64_t v, f = 0;
		double scale = 1;
		if (!leading_int(&s, &v))
			goto invalid;
		bool pre = s != start, post = false;
		if (*s == '.') {
			const char *frac = ++s;
			f = leading_fraction(&s, &scale);
			post = s != frac;
		}
		if (!pre && !post)
			goto invalid;
		size_t i = 0;
		while (s[i] && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'))
			i++;
		if (i == 0) {
			snprintf(err, errsize, "time: missing unit in duration \"%s\"", orig);
			return -1;
		}
		uint64_t unit = duration_unit(s, i);
		if (!unit) {
			snprintf(err, errsize, "time: unknown unit \"%.*s\" in duration \"%s\"", (int)i, s, orig);
			return -1;
		}
		s += i;
		if (v > ((uint64_t)1 << 63) / unit)
			goto invalid;
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > (uint64_t)1 << 63)
				goto invalid;
		}
		d += v;
		if (d > (uint64_t)1 << 63)
			goto invalid;
	}
	if (neg) {
		*out = (int64_t)(0 - d);
		return 0;
	}
	if (d > (uint64_t)INT64_MAX)
		goto invalid;
	*out = (int64_t)d;
	return 0;
invalid:
	snprintf(err, errsize, "time: invalid duration \"%s\"", orig);
	return -1;
}

static size_t rune_size(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c == NUL_ESCAPE)
		return n >= 2 && (s[1] == 0x80 || s[1] == NUL_ESCAPE) ? 2 : 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 1;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 1;
	for (size_t k = 2; k < len; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 1;
	return len;
}

size_t utf8_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t count = 0;
	for (size_t i = 0; i < n; count++)
		i += rune_size(u + i, n - i);
	return count;
}

void go_pad_left(struct strbuf *out, const char *s, size_t width)
{
	size_t n = strlen(s), runes = utf8_len(s, n);
	for (; runes < width; runes++)
		sb_addc(out, ' ');
	sb_addn(out, s, n);
}

/* ---- strings.TrimSpace ---- */

/*
 * The UTF-8 encodings of the non-ASCII runes unicode.IsSpace accepts:
 * U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000. Each is a lead byte and continuation bytes, so Go decodes it as
 * that rune wherever it starts, from either end.
 */
static size_t unicode_space_len(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

static bool ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void go_trim_space_bounds(const char *s, size_t n, size_t *start, size_t *end)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t a = 0, b = n;
	while (a < b) {
		if (ascii_space(p[a])) {
			a++;
			continue;
		}
		size_t k = unicode_space_len(p + a, b - a);
		if (!k)
			break;
		a += k;
	}
	while (b > a) {
		if (ascii_space(p[b - 1])) {
			b--;
			continue;
		}
		size_t k = 0;
		for (size_t w = 2; w <= 3 && !k; w++)
			if (b - a >= w && unicode_space_len(p + b - w, w) == w)
				k = w;
		if (!k)
			break;
		b -= k;
	}
	*start = a;
	*end = b;
}

/* ---- tabwriter ---- */

struct tw_cell {
	size_t off, len; /* text in tw->text */
	size_t width;    /* runes */
};

struct tw_line {
	struct tw_cell *cells;
	size_t n, cap;
};

struct tabwriter {
	FILE *out;
	int minwidth, padding;
	char padchar;
	bool align_right;
	struct strbuf text;
	struct tw_line *lines;
	size_t nlines, caplines;
	size_t cell_start;
	size_t *widths;
	size_t nwidths, capwidths;
};

struct tabwriter *tabwriter_new(FILE *out, int minwidth, int padding, char padchar, bool align_right)
{
	struct tabwriter *tw = xcalloc(1, sizeof *tw);
	tw->out = out;
	tw->minwidth = minwidth;
	tw->padding = padding;
	tw->padchar = padchar;
	tw->align_right = align_right;
	return tw;
}

static struct tw_line *cur_line(struct tabwriter *tw)
{
	if (tw->nlines == 0) {
		GROW(tw->lines, tw->caplines, 1);
		memset(&tw->lines[0], 0, sizeof tw->lines[0]);
		tw->nlines = 1;
	}
	return &tw->lines[tw->nlines - 1];
}

static size_t terminate_cell(struct tabwriter *tw)
{
	struct tw_line *l = cur_line(tw);
	GROW(l->cells, l->cap, l->n + 1);
	struct tw_cell *c = &l->cells[l->n++];
	c->off = tw->cell_start;
	c->len = tw->text.len - tw->cell_start;
	c->width = utf8_len(tw->text.s ? tw->text.s + c->off : "", c->len);
	tw->cell_start = tw->text.len;
	return l->n;
}

static void write_padding(struct tabwriter *tw, size_t textw, size_t cellw)
{
	for (size_t i = textw; i < cellw; i++)
		fputc(tw->padchar, tw->out);
}

static void write_lines(struct tabwriter *tw, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const struct tw_line *l = &tw->lines[i];
		for (size_t j = 0; j < l->n; j++) {
			const struct tw_cell *c = &l->cells[j];
			const char *txt = tw->text.s + c->off;
			if (c->len == 0) {
				if (j < tw->nwidths)
					write_padding(tw, c->width, tw->widths[j]);
				continue;
			}
			if (tw->align_right) {
				if (j < tw->nwidths)
					write_padding(tw, c->width, tw->widths[j]);
				fwrite(txt, 1, c->len, tw->out);
			} else {
				fwrite(txt, 1, c->len, tw->out);
				if (j < tw->nwidths)
					write_padding(tw, c->width, tw->widths[j]);
			}
		}
		if (i + 1 == tw->nlines)
			break; /* the last buffered line has no newline yet */
		fputc('\n', tw->out);
	}
}

static void format(struct tabwriter *tw, size_t line0, size_t line1)
{
	size_t column = tw->nwidths;
	for (size_t this = line0; this < line1; this++) {
		if (column + 1 >= tw->lines[this].n)
			continue;
		write_lines(tw, line0, this);
		line0 = this;
		size_t width = (size_t)tw->minwidth;
		for (; this < line1; this++) {
			const struct tw_line *l = &tw->lines[this];
			if (column + 1 >= l->n)
				break;
			size_t w = l->cells[column].width + (size_t)tw->padding;
			if (w > width)
				width = w;
		}
		GROW(tw->widths, tw->capwidths, tw->nwidths + 1);
		tw->widths[tw->nwidths++] = width;
		format(tw, line0, this);
		tw->nwidths--;
		line0 = this;
	}
	write_lines(tw, line0, line1);
}

static void reset(struct tabwriter *tw)
{
	for (size_t i = 0; i < tw->nlines; i++)
		free(tw->lines[i].cells);
	tw->nlines = 0;
	sb_reset(&tw->text);
	tw->cell_start = 0;
}

static void flush_lines(struct tabwriter *tw)
{
	if (tw->text.len > tw->cell_start) /* a pending partial cell is terminated, as Go's flush does */
		terminate_cell(tw);
	format(tw, 0, tw->nlines);
	reset(tw);
}

static void add_line(struct tabwriter *tw)
{
	GROW(tw->lines, tw->caplines, tw->nlines + 1);
	memset(&tw->lines[tw->nlines], 0, sizeof tw->lines[0]);
	tw->nlines++;
}

void tabwriter_write(struct tabwriter *tw, const char *s)
{
	cur_line(tw);
	for (; *s; s++) {
		if (*s == '\t') {
			terminate_cell(tw);
		} else if (*s == '\n') {
			size_t ncells = terminate_cell(tw);
			add_line(tw);
			if (ncells == 1) {
				/* A line of one cell cannot affect later columns: flush. */
				format(tw, 0, tw->nlines);
				reset(tw);
				cur_line(tw);
			}
		} else {
			sb_addc(&tw->text, *s);
		}
	}
}

void tabwriter_printf(struct tabwriter *tw, const char *fmt, ...)
{
	struct strbuf b = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&b, fmt, ap);
	va_end(ap);
	tabwriter_write(tw, sb_cstr(&b));
	sb_free(&b);
}

void tabwriter_flush(struct tabwriter *tw)
{
	flush_lines(tw);
}

void tabwriter_free(struct tabwriter *tw)
{
	reset(tw);
	free(tw->lines);
	free(tw->widths);
	sb_free(&tw->text);
	free(tw);
}
