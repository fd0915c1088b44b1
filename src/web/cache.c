/* cache.c: the response cache; see cache.h. A hash table of entries on a doubly linked
 * list in order of use, under one mutex: the work inside it is a lookup and a memcpy. */
#include "web/cache.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

struct entry {
	char *key;
	int64_t version;
	char *body;
	size_t len;
	const char *content_type;
	char etag[CACHE_ETAG_MAX];
	struct entry *chain;          /* next in the bucket */
	struct entry *newer, *older;  /* use order */
};

struct response_cache {
	pthread_mutex_t lock;
	struct entry *buckets[BUCKETS];
	struct entry *newest, *oldest;
	size_t entries, bytes, max_entries, max_bytes;
};

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h % BUCKETS;
}

struct response_cache *cache_new(size_t max_entries, size_t max_bytes)
{
	struct response_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	return c;
}

static void unlink_use(struct response_cache *c, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(struct response_cache *c, struct entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

static struct entry **find(struct response_cache *c, const char *key)
{
	struct entry **p = &c->buckets[hash(key)];
	while (*p && strcmp((*p)->key, key) != 0)
		p = &(*p)->chain;
	return p;
}

static void drop(struct response_cache *c, struct entry **slot)
{
	struct entry *e = *slot;
	*slot = e->chain;
	unlink_use(c, e);
	c->entries--;
	c->bytes -= e->len;
	free(e->key);
	free(e->body);
	free(e);
}

const char *cache_get(struct response_cache *c, const char *key, int64_t version, struct buf *out,
		      char etag[CACHE_ETAG_MAX])
{
	const char *type = NULL;
	pthread_mutex_lock(&c->lock);
	struct entry **slot = find(c, key), *e = *slot;
	if (e && e->version == version) {
		if (buf_append(out, e->body, e->len) == 0) {
			memcpy(etag, e->etag, CACHE_ETAG_MAX);
			type = e->content_type;
			unlink_use(c, e);
			push_newest(c, e);
		}
	} else if (e) {
		drop(c, slot);   /* stale: the data changed since */
	}
	pthread_mutex_unlock(&c->lock);
	return type;
}

void cache_put(struct response_cache *c, const char *key, int64_t version, const struct buf *body,
	       const char *content_type, const char *etag)
{
	if (body->len > c->max_bytes / 4)
		return;   /* one huge response must not empty the cache */
	struct entry *e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->version = version;
	e->body = xmalloc(body->len ? body->len : 1);
	memcpy(e->body, buf_str(body), body->len);
	e->len = body->len;
	e->content_type = content_type;
	memcpy(e->etag, etag, CACHE_ETAG_MAX);
	pthread_mutex_lock(&c->lock);
	struct entry **slot = find(c, key);
	if (*slot)
		drop(c, slot);
	while (c->oldest && (c->entries + 1 > c->max_entries || c->bytes + e->len > c->max_bytes))
		drop(c, find(c, c->oldest->key));
	e->chain = c->buckets[hash(key)];
	c->buckets[hash(key)] = e;
	push_newest(c, e);
	c->entries++;
	c->bytes += e->len;
	pthread_mutex_unlock(&c->lock);
}

void cache_free(struct response_cache *c)
{
	if (!c)
		return;
	while (c->oldest)
		drop(c, find(c, c->oldest->key));
	pthread_mutex_destroy(&c->lock);
	free(c);
}
