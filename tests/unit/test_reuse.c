/*
 * The large blocks a thread keeps (util.h's reuse_): handed back for a
 * request of about their size once the thread keeps them, never to
 * another thread, never when it does not keep, and none too small.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "util.h"

enum { MB = 1 << 20 };

static void *other_thread(void *kept)
{
	reuse_begin();
	void *p = reuse_alloc(2 * MB);
	CHECK(p != kept); /* what the main thread keeps is its own */
	reuse_free(p);
	reuse_end();
	return NULL;
}

int main(void)
{
	/* not keeping: reuse_free frees */
	void *a = reuse_alloc(4 * MB);
	reuse_free(a);

	reuse_begin();
	void *big = reuse_alloc(4 * MB), *small = reuse_alloc(MB / 2);
	((char *)big)[4 * MB - 1] = 1;
	reuse_free(big);
	reuse_free(small); /* too small to keep: freed */
	void *quarter = reuse_alloc(MB);
	CHECK(quarter != big); /* a quarter of it: not handed out */
	void *again = reuse_alloc(3 * MB);
	CHECK(again == big); /* about its size: the block itself */
	void *once = reuse_alloc(3 * MB);
	CHECK(once != big); /* and only once */
	free(quarter);
	free(once);
	reuse_free(again);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, other_thread, big) == 0);
	pthread_join(t, NULL);
	CHECK(reuse_alloc(4 * MB) == big);
	reuse_free(big);
	reuse_end(); /* frees what it kept */

	/* at most 16 kept: the oldest goes first */
	reuse_begin();
	void *blocks[17];
	for (int i = 0; i < 17; i++)
		blocks[i] = reuse_alloc(2 * MB + (size_t)i * 4096);
	for (int i = 0; i < 17; i++)
		reuse_free(blocks[i]);
	void *first = reuse_alloc(2 * MB);
	CHECK(first == blocks[1]); /* the smallest left that fits: blocks[0] is gone */
	free(first);
	reuse_end();
	CHECK(reuse_kept() == 0);

	/* a round keeps what was kept in it; the next frees it unless handed back */
	reuse_begin();
	void *x = reuse_alloc(2 * MB), *y = reuse_alloc(2 * MB);
	reuse_free(x);
	reuse_free(y);
	reuse_round();
	CHECK(reuse_kept() >= 4 * MB);
	void *back = reuse_alloc(2 * MB);
	CHECK(back == x || back == y); /* one handed back */
	size_t left = reuse_kept();
	CHECK(left >= 2 * MB && left < 4 * MB);
	reuse_round(); /* the other was not wanted in this round: freed */
	CHECK(reuse_kept() == 0);
	free(back);
	reuse_end();
	return check_done("reuse");
}
