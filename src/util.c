#define _GNU_SOURCE /* fopencookie */
#include "util.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>

_Noreturn void die_oom(void)
{
	/* _exit, not exit: a report still in stdout's buffer must not be half-written. */
	fputs("cprof: out of memory\n", stderr);
	fflush(stderr);
	_exit(2);
}

FILE *xopen_memstream(char **buf, size_t *n)
{
	FILE *f = open_memstream(buf, n);
	if (!f)
		die_oom();
	return f;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc_written(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		die_oom();
	size_t n = count * size;
	void *p = xmalloc(n > 0 ? n : 1);
	memset(p, 0, n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		die_oom();
	return xrealloc(p, count * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void grow_array(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die_oom();
		n *= 2;
	}
	*items = xreallocarray(*items, n, size);
	*cap = n;
}

void run_pair(void *(*fn)(void *), void *first, void *second)
{
	pthread_t thread;
	bool threaded = second && pthread_create(&thread, NULL, fn, second) == 0;
	fn(first);
	if (threaded)
		pthread_join(thread, NULL);
	else if (second)
		fn(second);
}

/* Chunks grow geometrically so a 50 MB profile costs a few dozen mallocs. */
struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t next_size;
	size_t total;
	void **adopted;
	size_t n_adopted, cap_adopted;
};

enum { ARENA_MIN_CHUNK = 64 * 1024, ARENA_MAX_CHUNK = 64 * 1024 * 1024 };

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof *a);
	a->next_size = ARENA_MIN_CHUNK;
	return a;
}

/* ---- large blocks a thread keeps ---- */

/*
 * A block is large from KEEP_MIN bytes (smaller ones malloc reuses
 * itself); a thread keeps at most KEEP_MAX of them, the oldest freed
 * first when one more comes, and hands one out only for a request of
 * at least half its size, so little of what it keeps lies idle.
 */
enum { KEEP_MIN = 1 << 20, KEEP_MAX = 16 };

struct reusable {
	void *block;
	size_t size;
	unsigned round; /* the round it was kept in */
};

static __thread bool keeping;
static __thread struct reusable kept[KEEP_MAX];
static __thread size_t n_kept;
static __thread unsigned round_now;

void reuse_begin(void)
{
	keeping = true;
}

void reuse_end(void)
{
	for (size_t i = 0; i < n_kept; i++)
		free(kept[i].block);
	n_kept = 0;
	keeping = false;
}

void *reuse_alloc(size_t n)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; keeping && n >= KEEP_MIN && i < n_kept; i++)
		if (kept[i].size >= n && kept[i].size / 2 <= n && (best == SIZE_MAX || kept[i].size < kept[best].size))
			best = i;
	if (best == SIZE_MAX)
		return xmalloc(n);
	void *p = kept[best].block;
	memmove(kept + best, kept + best + 1, (--n_kept - best) * sizeof *kept);
	return p;
}

void reuse_free(void *p)
{
	size_t size = p && keeping ? malloc_usable_size(p) : 0;
	if (size < KEEP_MIN) {
		free(p);
		return;
	}
	if (n_kept == KEEP_MAX) {
		free(kept[0].block);
		memmove(kept, kept + 1, --n_kept * sizeof *kept);
	}
	kept[n_kept++] = (struct reusable){ p, size, round_now };
}

size_t reuse_kept(void)
{
	size_t bytes = 0;
	for (size_t i = 0; i < n_kept; i++)
		bytes += kept[i].size;
	return bytes;
}

void reuse_round(void)
{
	size_t n = 0;
	for (size_t i = 0; i < n_kept; i++)
		if (kept[i].round == round_now)
			kept[n++] = kept[i];
		else
			free(kept[i].block);
	n_kept = n;
	round_now++;
}

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		reuse_free(c);
		c = next;
	}
}

static void free_adopted(struct arena *a)
{
	for (size_t i = 0; i < a->n_adopted; i++)
		reuse_free(a->adopted[i]);
	a->n_adopted = 0;
}

/*
 * arena_reset keeps the newest chunk for reuse: a scratch arena reset
 * every few thousand samples would otherwise get fresh memory from the
 * system each time, and fault it in page by page (on the 46 MB bench
 * profile, half of all page faults and 0.2 s).
 */
void arena_reset(struct arena *a)
{
	struct chunk *keep = a->head;
	if (keep) {
		free_chunks(keep->next);
		keep->next = NULL;
		keep->used = 0;
	}
	free_adopted(a);
	a->total = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	free_chunks(a->head);
	free_adopted(a);
	free(a->adopted);
	free(a);
}

void arena_adopt(struct arena *a, void *block)
{
	GROW(a->adopted, a->cap_adopted, a->n_adopted + 1);
	a->adopted[a->n_adopted++] = block;
}

static struct chunk *new_chunk(struct arena *a, size_t need)
{
	size_t size = a->next_size;
	if (size < need)
		size = need;
	if (size > SIZE_MAX - sizeof(struct chunk))
		die_oom();
	struct chunk *c = reuse_alloc(sizeof(struct chunk) + size);
	c->size = size;
	c->used = 0;
	if (a->next_size < ARENA_MAX_CHUNK)
		a->next_size *= 2;
	return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > SIZE_MAX - 15)
		die_oom();
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		struct chunk *nc = new_chunk(a, n);
		/* A large request gets its own chunk behind the current one,
		 * so the current chunk's free space is not wasted. */
		if (c && n > a->next_size / 4) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_array(struct arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		die_oom();
	return arena_zalloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_copy(struct arena *a, const void *src, size_t count, size_t size)
{
	void *d = arena_array(a, count, size);
	if (count)
		memcpy(d, src, count * size);
	return d;
}

void mem_copy(void *dst, const void *src, size_t n)
{
	if (n)
		memcpy(dst, src, n);
}

size_t arena_size(const struct arena *a)
{
	return a->total;
}

static void sb_reserve(struct strbuf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		die_oom();
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_addn(struct strbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_adds(struct strbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_addc(struct strbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

void sb_vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	sb_reserve(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(b, fmt, ap);
	va_end(ap);
}

void sb_addpad(struct strbuf *b, const char *s, size_t n, size_t width)
{
	size_t pad = n < width ? width - n : 0;
	sb_reserve(b, pad + n);
	memset(b->s + b->len, ' ', pad);
	memcpy(b->s + b->len + pad, s, n);
	b->len += pad + n;
	b->s[b->len] = '\0';
}

char *sb_extend(struct strbuf *b, size_t n)
{
	sb_reserve(b, n);
	char *at = b->s + b->len;
	b->len += n;
	b->s[b->len] = '\0';
	return at;
}

void sb_addu64(struct strbuf *b, uint64_t v, size_t width)
{
	char d[24], *e = d + sizeof d, *p = e;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	sb_addpad(b, p, (size_t)(e - p), width);
}

void sb_addi64(struct strbuf *b, int64_t v, size_t width)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char d[24], *e = d + sizeof d, *p = e;
	do
		*--p = (char)('0' + m % 10);
	while (m /= 10);
	if (v < 0)
		*--p = '-';
	sb_addpad(b, p, (size_t)(e - p), width);
}

void sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *sb_cstr(struct strbuf *b)
{
	return b->s ? b->s : "";
}

uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * hash_str takes eight bytes at a step (FNV-1a a byte at a time made
 * interning the nodes of a large profile 0.05 s of serial work).
 */
uint64_t hash_str(const char *s, uint64_t h)
{
	size_t n = s ? strlen(s) : 0;
	for (; n >= 8; n -= 8, s += 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 32;
	}
	for (; n > 0; n--, s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	/* A terminator keeps ("ab","c") apart from ("a","bc"). */
	h ^= 0xff;
	h *= 0x100000001b3ULL;
	return h;
}

uint64_t hash_u64(uint64_t v, uint64_t h)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

uint64_t hash_u32s(const uint32_t *w, size_t n, uint64_t h)
{
	size_t i = 0;
	for (; i + 2 <= n; i += 2) {
		h ^= (uint64_t)w[i] | (uint64_t)w[i + 1] << 32;
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	if (i < n) {
		h ^= w[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	return h;
}

int64_t abs64(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

int64_t go_int64(double f)
{
	if (f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)f;
}

double clock_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void merge_pass(uint32_t *a, uint32_t *tmp, size_t n, sort_u32_cmp cmp, const void *ctx)
{
	if (n < 2)
		return;
	if (n <= 12) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = a[i];
			size_t j = i;
			while (j > 0 && cmp(ctx, a[j - 1], x) > 0) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	size_t mid = n / 2;
	merge_pass(a, tmp, mid, cmp, ctx);
	merge_pass(a + mid, tmp, n - mid, cmp, ctx);
	if (cmp(ctx, a[mid - 1], a[mid]) <= 0)
		return;
	memcpy(tmp, a, mid * sizeof *a);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		a[k++] = cmp(ctx, a[j], tmp[i]) < 0 ? a[j++] : tmp[i++];
	while (i < mid)
		a[k++] = tmp[i++];
}

void sort_u32(uint32_t *a, size_t n, sort_u32_cmp cmp, const void *ctx)
{
	if (n < 2)
		return;
	uint32_t *tmp = xmalloc((n / 2 + 1) * sizeof *tmp);
	merge_pass(a, tmp, n, cmp, ctx);
	free(tmp);
}

void path_clean(const char *path, struct strbuf *out)
{
	sb_reset(out);
	if (path[0] == '\0') {
		sb_adds(out, ".");
		return;
	}
	bool rooted = path[0] == '/';
	size_t n = strlen(path);
	/* out is built as in Go: r reads path, dotdot marks where backtracking stops. */
	char *buf = xmalloc(n + 2);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		buf[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && buf[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					buf[w++] = '/';
				buf[w++] = '.';
				buf[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				buf[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				buf[w++] = path[r];
		}
	}
	if (w == 0)
		buf[w++] = '.';
	sb_addn(out, buf, w);
	free(buf);
}

void path_base(const char *path, struct strbuf *out)
{
	sb_reset(out);
	if (path[0] == '\0') {
		sb_adds(out, ".");
		return;
	}
	size_t n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n == 0) {
		sb_adds(out, "/");
		return;
	}
	size_t i = n;
	while (i > 0 && path[i - 1] != '/')
		i--;
	sb_addn(out, path + i, n - i);
}

FILE *create_numbered_file(const char *dir, const char *prefix, const char *suffix, struct strbuf *path)
{
	for (int i = 1; i < 10000; i++) {
		sb_reset(path);
		if (dir)
			sb_addf(path, "%s/", dir);
		sb_addf(path, "%s%03d.%s", prefix, i, suffix);
		int fd = open(sb_cstr(path), O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd >= 0)
			return fdopen(fd, "wb");
		if (errno != EEXIST)
			return NULL;
	}
	errno = EEXIST;
	return NULL;
}

/* ---- profile strings: NUL bytes escaped ---- */

size_t nul_escape_extra(const void *bytes, size_t n)
{
	const unsigned char *b = bytes;
	if (n == 0 || (!memchr(b, 0, n) && !memchr(b, NUL_ESCAPE, n))) /* (bytes may be NULL when n is 0) */
		return 0;
	size_t extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += b[i] == 0 || b[i] == NUL_ESCAPE;
	return extra;
}

size_t nul_escape(char *dst, const void *bytes, size_t n)
{
	const unsigned char *b = bytes;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (b[i] == 0 || b[i] == NUL_ESCAPE) {
			dst[w++] = (char)NUL_ESCAPE;
			dst[w++] = (char)(b[i] ? NUL_ESCAPE : 0x80);
		} else {
			dst[w++] = (char)b[i];
		}
	}
	dst[w] = '\0';
	return w;
}

char *arena_escape(struct arena *a, const void *bytes, size_t n, size_t *len)
{
	size_t extra = nul_escape_extra(bytes, n);
	char *d = arena_alloc(a, n + extra + 1);
	size_t w = extra ? nul_escape(d, bytes, n) : n;
	if (!extra) {
		mem_copy(d, bytes, n);
		d[n] = '\0';
	}
	if (len)
		*len = w;
	return d;
}

/* unescaped is the byte an escape pair at s (0xC0 and the next, when there is one) stands for, or -1. */
static int unescaped(const unsigned char *s, size_t left)
{
	if (left < 2)
		return -1;
	return s[1] == 0x80 ? 0 : s[1] == NUL_ESCAPE ? NUL_ESCAPE : -1;
}

size_t nul_unescape(char *dst, const char *s, size_t n)
{
	const unsigned char *b = (const unsigned char *)s;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		int c = b[i] == NUL_ESCAPE ? unescaped(b + i, n - i) : -1;
		if (c >= 0) {
			dst[w++] = (char)c;
			i++;
		} else {
			dst[w++] = (char)b[i];
		}
	}
	return w;
}

/* next_byte reads the byte at *s, an escape pair as one; -1 at the end. */
static int next_byte(const unsigned char **s)
{
	const unsigned char *p = *s;
	if (!*p)
		return -1;
	int c = p[0] == NUL_ESCAPE ? unescaped(p, p[1] ? 2 : 1) : -1;
	*s += c >= 0 ? 2 : 1;
	return c >= 0 ? c : p[0];
}

int nul_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x == *y && *x && *x != NUL_ESCAPE)
		x++, y++;
	if (*x != NUL_ESCAPE && *y != NUL_ESCAPE)
		return (*x > *y) - (*x < *y);
	for (;;) {
		int cx = next_byte(&x), cy = next_byte(&y);
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (cx < 0)
			return 0;
	}
}

struct unescaper {
	FILE *to;
	bool held; /* the last write ended in a 0xC0, its pair not seen yet */
};

static ssize_t unescaper_write(void *cookie, const char *buf, size_t n)
{
	struct unescaper *u = cookie;
	const unsigned char *p = (const unsigned char *)buf, *end = p + n;
	if (u->held && n) {
		u->held = false;
		unsigned char pair[2] = { NUL_ESCAPE, p[0] };
		int c = unescaped(pair, 2);
		if (fputc(c >= 0 ? c : NUL_ESCAPE, u->to) == EOF)
			return -1;
		p += c >= 0;
	}
	while (p < end) {
		const unsigned char *e = memchr(p, NUL_ESCAPE, (size_t)(end - p));
		size_t plain = (size_t)((e ? e : end) - p);
		if (plain && fwrite(p, 1, plain, u->to) != plain)
			return -1;
		if (!e)
			break;
		if (e + 1 == end) {
			u->held = true;
			break;
		}
		int c = unescaped(e, (size_t)(end - e));
		if (fputc(c >= 0 ? c : NUL_ESCAPE, u->to) == EOF)
			return -1;
		p = e + (c >= 0 ? 2 : 1);
	}
	return (ssize_t)n;
}

static int unescaper_close(void *cookie)
{
	struct unescaper *u = cookie;
	int rc = u->held && fputc(NUL_ESCAPE, u->to) == EOF ? -1 : 0;
	free(u);
	return rc;
}

FILE *nul_unescape_stream(FILE *to)
{
	struct unescaper *u = xcalloc(1, sizeof *u);
	u->to = to;
	cookie_io_functions_t io = { NULL, unescaper_write, NULL, unescaper_close };
	FILE *f = fopencookie(u, "w", io);
	if (!f)
		die_oom();
	return f;
}
