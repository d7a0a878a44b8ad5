/* A small program for the symbolizer's tests: inlining at several depths,
 * static and global functions, a function with two names. */
#include <stdlib.h>
#include <string.h>

static inline unsigned mix(unsigned h, unsigned v)
{
	h ^= v;
	h *= 16777619u;
	return h;
}

static inline unsigned mix3(unsigned h, unsigned a, unsigned b, unsigned c)
{
	return mix(mix(mix(h, a), b), c);
}

__attribute__((noinline)) static unsigned table_hash(const unsigned *t, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i + 2 < n; i += 3)
		h = mix3(h, t[i], t[i + 1], t[i + 2]);
	return h;
}

unsigned checksum(const char *s)
{
	unsigned h = 0;
	while (*s)
		h = mix(h, (unsigned char)*s++);
	return h;
}
unsigned checksum_alias(const char *s) __attribute__((alias("checksum")));

struct node {
	struct node *next;
	unsigned v;
};

__attribute__((noinline)) unsigned walk(const struct node *n)
{
	unsigned s = 0;
	for (; n; n = n->next)
		s = mix(s, n->v);
	return s;
}

int main(int argc, char **argv)
{
	unsigned t[99];
	for (int i = 0; i < 99; i++)
		t[i] = (unsigned)(i * argc);
	struct node *head = NULL;
	for (int i = 0; i < argc * 10; i++) {
		struct node *n = malloc(sizeof *n);
		n->v = (unsigned)i;
		n->next = head;
		head = n;
	}
	unsigned r = table_hash(t, 99) ^ walk(head) ^ checksum_alias(argv[0]);
	return (int)(r & 0x7f) + (int)strlen(argv[0]) % 2;
}
