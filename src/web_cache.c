/*
 * web_cache: the answers already made, keyed by what made them (see
 * web_int.h). The profile never changes while the server runs, so an
 * answer made once is the answer to every later request with the same
 * key. Entries are never modified once ready; the table, the reference
 * counts and the eviction are under one mutex, and a request that finds
 * an entry still being made waits on a condition variable.
 *
 * The cache keeps at most max_bytes of answers: past that, the least
 * recently used entries that no request holds are dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

struct web_cache {
	pthread_mutex_t lock;
	pthread_cond_t made;
	struct web_cache_entry *head; /* most recently used first */
	size_t bytes, max_bytes;
};

struct web_cache *web_cache_new(size_t max_bytes)
{
	struct web_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->made, NULL);
	c->max_bytes = max_bytes;
	return c;
}

static void entry_free(struct web_cache_entry *e)
{
	free(e->key);
	free(e->body);
	free(e);
}

void web_cache_free(struct web_cache *c)
{
	if (!c)
		return;
	for (struct web_cache_entry *e = c->head, *next; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	pthread_cond_destroy(&c->made);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* unlink_entry takes e out of the list (the lock held). */
static void unlink_entry(struct web_cache *c, struct web_cache_entry *e)
{
	for (struct web_cache_entry **p = &c->head; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			return;
		}
}

/* evict drops the least recently used entries nobody holds until the cache fits (the lock held). */
static void evict(struct web_cache *c)
{
	while (c->bytes > c->max_bytes) {
		struct web_cache_entry *victim = NULL;
		for (struct web_cache_entry *e = c->head; e; e = e->next)
			if (e->ready && e->refs == 0)
				victim = e;
		if (!victim)
			return;
		unlink_entry(c, victim);
		c->bytes -= victim->len;
		entry_free(victim);
	}
}

struct web_cache_entry *web_cache_claim(struct web_cache *c, const char *key, bool *mine)
{
	pthread_mutex_lock(&c->lock);
	struct web_cache_entry *e;
	for (;;) {
		for (e = c->head; e && strcmp(e->key, key) != 0; e = e->next)
			;
		if (!e || e->ready)
			break;
		/* someone is making it: wait, then look again (it may have been dropped) */
		pthread_cond_wait(&c->made, &c->lock);
	}
	if (e) {
		unlink_entry(c, e);
		*mine = false;
	} else {
		e = xcalloc(1, sizeof *e);
		e->key = xstrdup(key);
		*mine = true;
	}
	e->next = c->head;
	c->head = e;
	e->refs++;
	pthread_mutex_unlock(&c->lock);
	return e;
}

void web_cache_fill(struct web_cache *c, struct web_cache_entry *e, unsigned status, char *body, size_t len)
{
	pthread_mutex_lock(&c->lock);
	if (body) {
		e->status = status;
		e->body = body;
		e->len = len;
		e->ready = true;
		c->bytes += len;
	} else {
		unlink_entry(c, e); /* not kept: the holder frees it on release */
	}
	pthread_cond_broadcast(&c->made);
	pthread_mutex_unlock(&c->lock);
}

void web_cache_release(struct web_cache *c, struct web_cache_entry *e)
{
	pthread_mutex_lock(&c->lock);
	bool drop = --e->refs == 0 && !e->ready;
	if (!drop)
		evict(c);
	pthread_mutex_unlock(&c->lock);
	if (drop)
		entry_free(e);
}
