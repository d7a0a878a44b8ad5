/*
 * util: memory helpers shared by every module.
 *
 * Out-of-memory is fatal: the x* functions print "cprof: out of memory" and
 * exit; nothing else in cprof exits on its own. An arena is a bump allocator
 * freed in one call; a loaded profile owns exactly one. A strbuf is a
 * growable, always NUL-terminated byte string owned by its user. A
 * profile's strings may hold NUL bytes: how a C string holds them is
 * told below, by the nul_* helpers.
 */
#ifndef CPROF_UTIL_H
#define CPROF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/*
 * xcalloc_written is xcalloc with every page written at once: a large
 * table read before it is written (a hash table's empty slots) otherwise
 * maps the kernel's shared zero page and takes a copy-on-write fault,
 * with a TLB flush on every core of a threaded process, at each first
 * write (a third of -folded's time on the bench profile `large`).
 */
void *xcalloc_written(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray grows p to count*size bytes, dying on overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
_Noreturn void die_oom(void);
/* xopen_memstream is open_memstream(3), dying when it cannot be made (only for want of memory). */
FILE *xopen_memstream(char **buf, size_t *n);

/*
 * Large blocks a thread keeps. A thread that makes the same large
 * allocations over and over (a series' reader, one snapshot after
 * another) calls reuse_begin: from then on the large blocks it frees
 * through reuse_free (and its arenas' chunks) stay with it, and
 * reuse_alloc hands one back for a request of about its size, so the
 * kernel does not map and zero the same pages again (a fifth of a
 * series' time on the bench's large-heap). reuse_round, called once
 * each round of work is over (a snapshot read), frees what was kept in
 * the rounds before and not handed back in this one: blocks no request
 * wants do not pile up. reuse_end frees what the thread keeps. Without
 * reuse_begin these are malloc and free.
 */
void reuse_begin(void);
void reuse_round(void);
void reuse_end(void);
void *reuse_alloc(size_t n);
void reuse_free(void *p);
size_t reuse_kept(void); /* the bytes this thread keeps */

/* Grows *items (of *cap elements of size bytes) so it holds at least need. */
void grow_array(void **items, size_t *cap, size_t need, size_t size);

/*
 * run_pair runs fn(first) and, unless second is NULL, fn(second) on a
 * thread of its own (or after the first, when no thread can be made).
 */
void run_pair(void *(*fn)(void *), void *first, void *second);
/* GROW checks inline, so a hot loop pays a call only when it grows; arguments are evaluated twice. */
#define GROW(arr, cap, need) \
	((need) <= (cap) ? (void)0 : grow_array((void **)&(arr), &(cap), (need), sizeof *(arr)))

struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);          /* 16-byte aligned, uninitialised */
void *arena_zalloc(struct arena *a, size_t n);         /* zeroed */
void *arena_array(struct arena *a, size_t count, size_t size); /* zeroed, overflow-checked */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
size_t arena_size(const struct arena *a);             /* bytes handed out so far */
/* arena_adopt hands a malloc'd block to the arena, which frees it with everything else. */
void arena_adopt(struct arena *a, void *block);
/* arena_reset frees everything allocated from the arena, keeping it usable (and its newest chunk). */
void arena_reset(struct arena *a);
/* arena_copy copies count elements of size bytes (src may be NULL when count is 0). */
void *arena_copy(struct arena *a, const void *src, size_t count, size_t size);
/* mem_copy is memcpy that accepts a NULL source for zero bytes. */
void mem_copy(void *dst, const void *src, size_t n);

struct strbuf {
	char *s;
	size_t len, cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_addn(struct strbuf *b, const char *s, size_t n);
void sb_adds(struct strbuf *b, const char *s);
void sb_addc(struct strbuf *b, char c);
void sb_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *b, const char *fmt, va_list ap);
/*
 * sb_addu64 and sb_addi64 append v in decimal, right-aligned with spaces
 * in width bytes, as printf's "%*" PRIu64 / PRId64 do: the reports that
 * print a number per frame (-raw) spent half their time in printf.
 */
void sb_addu64(struct strbuf *b, uint64_t v, size_t width);
void sb_addi64(struct strbuf *b, int64_t v, size_t width);
/* sb_addpad appends s (n bytes) right-aligned with spaces in width bytes, as printf's "%*s" does. */
void sb_addpad(struct strbuf *b, const char *s, size_t n, size_t width);
/* sb_extend makes b n bytes longer and returns them for the caller to fill: a hot loop's many small sb_addn in one. */
char *sb_extend(struct strbuf *b, size_t n);
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);
/* sb_cstr never returns NULL, even for an empty buffer. */
const char *sb_cstr(struct strbuf *b);

/*
 * Profile strings are byte strings: pprof's names, files and labels may
 * hold any byte, NUL too. cprof holds them as C strings all the same: in
 * one, a NUL byte is the two bytes 0xC0 0x80 and a 0xC0 byte is 0xC0
 * 0xC0, as Java's "modified UTF-8" holds a NUL. The encoding is one to
 * one, so two different byte strings never intern, hash or compare equal;
 * and it leaves every other string alone, since 0xC0 occurs neither in
 * valid UTF-8 nor in cprof's own text. The decoders escape each string
 * as it enters the profile model; the bytes come back where pprof would
 * show or look at them: text reports (nul_unescape_stream), the string
 * table of -proto, regexp matching, rune counts.
 */
#define NUL_ESCAPE 0xC0
/* nul_escape_extra: how many bytes escaping adds (one per NUL or 0xC0); a scan with memchr when none. */
size_t nul_escape_extra(const void *bytes, size_t n);
/* nul_escape writes the n bytes escaped, and a NUL, to dst (room for n + extra + 1); returns the length. */
size_t nul_escape(char *dst, const void *bytes, size_t n);
/* arena_escape is the escaped copy of the n bytes in a; its length goes to *len unless len is NULL. */
char *arena_escape(struct arena *a, const void *bytes, size_t n, size_t *len);
/*
 * nul_unescape turns s[0, n) back into bytes in dst (room for n; dst may
 * be s) and returns their count. A 0xC0 before any other byte, or last,
 * stays as it is.
 */
size_t nul_unescape(char *dst, const char *s, size_t n);
/* nul_strcmp compares the bytes two profile strings stand for, as Go orders strings: a NUL first. */
int nul_strcmp(const char *a, const char *b);
/*
 * nul_unescape_stream returns a stream that writes what it is given to
 * to, unescaped (pairs split between two writes too). fclose flushes it
 * and leaves to open; a failed write to to is an error of both.
 */
FILE *nul_unescape_stream(FILE *to);

/* FNV-1a style hashing helpers for the hash tables of later stages. */
uint64_t hash_bytes(const void *p, size_t n, uint64_t h);
uint64_t hash_str(const char *s, uint64_t h);
uint64_t hash_u64(uint64_t v, uint64_t h);
/* hash_u32s hashes an array of 32-bit words, two at a time. */
uint64_t hash_u32s(const uint32_t *w, size_t n, uint64_t h);
#define HASH_SEED 0xcbf29ce484222325ULL

/*
 * Go's integer semantics, which pprof's numbers follow: int64 arithmetic
 * wraps around (cprof is compiled with -fwrapv for that), so abs of the
 * smallest int64 stays negative; and int64(f) of a NaN or out-of-range
 * float64 is the smallest int64 on amd64, where C leaves it undefined.
 */
int64_t abs64(int64_t v);
int64_t go_int64(double f);

/* clock_seconds is a monotonic clock's time in seconds, for timings. */
double clock_seconds(void);

/* hex_digit is the value of a hexadecimal digit, or -1. */
int hex_digit(char c);

/* streq compares two possibly-NULL strings; NULL equals "". */
int streq(const char *a, const char *b);
int str_has_prefix(const char *s, const char *prefix);
int str_has_suffix(const char *s, const char *suffix);

/* sort_u32 sorts a[0..n) with cmp (negative: x before y); stable (merge sort). */
typedef int (*sort_u32_cmp)(const void *ctx, uint32_t x, uint32_t y);
void sort_u32(uint32_t *a, size_t n, sort_u32_cmp cmp, const void *ctx);

/*
 * create_numbered_file creates and opens dir/prefixNNN.suffix for writing,
 * with the first free NNN from 001, as pprof's newTempFile does (dir NULL:
 * the current directory). The name is left in path; NULL on failure.
 */
FILE *create_numbered_file(const char *dir, const char *prefix, const char *suffix, struct strbuf *path);

/* path_clean is Go's filepath.Clean (lexical), written into out. */
void path_clean(const char *path, struct strbuf *out);
/* path_base is Go's filepath.Base. */
void path_base(const char *path, struct strbuf *out);

#endif
