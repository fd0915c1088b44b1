/* store.c: the pool of database connections; see store.h.
 *
 * Connections are opened on demand up to max_conns and kept for reuse. The server sizes
 * the pool to its threads, so a request never waits for a connection in practice; the
 * wait is there so that the bound holds. */
#include "store/store.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
	char *target;
	int max, open;
	struct db **idle;
	int nidle;
	pthread_mutex_t lock;
	pthread_cond_t freed;
};

struct store *store_open(const char *target, int create, int max_conns, char *err, size_t errsize)
{
	struct db *db = db_open(target, create, err, errsize);
	if (!db)
		return NULL;
	if (store_migrate(db, err, errsize) != STORE_OK) {
		db_close(db);
		return NULL;
	}
	struct store *st = xcalloc(1, sizeof *st);
	st->target = xstrdup(target);
	st->max = max_conns > 0 ? max_conns : 1;
	st->idle = xcalloc((size_t)st->max, sizeof *st->idle);
	st->idle[st->nidle++] = db;
	st->open = 1;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->freed, NULL);
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nidle; i++)
		db_close(st->idle[i]);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->freed);
	free(st->idle);
	free(st->target);
	free(st);
}

struct db *store_acquire(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	while (st->nidle == 0 && st->open >= st->max)
		pthread_cond_wait(&st->freed, &st->lock);
	if (st->nidle > 0) {
		struct db *db = st->idle[--st->nidle];
		pthread_mutex_unlock(&st->lock);
		return db;
	}
	st->open++;
	pthread_mutex_unlock(&st->lock);
	char err[512];
	struct db *db = db_open(st->target, 0, err, sizeof err);
	if (!db) {
		pthread_mutex_lock(&st->lock);
		st->open--;
		pthread_cond_signal(&st->freed);
		pthread_mutex_unlock(&st->lock);
	}
	return db;   /* NULL: the database cannot be reached now */
}

int store_release(struct store *st, struct db *db)
{
	if (!db)
		return 0;
	int broken = db_is_broken(db);
	db_set_actor(db, NULL, NULL);
	pthread_mutex_lock(&st->lock);
	if (broken) {
		db_close(db);   /* a later acquire opens a fresh connection */
		st->open--;
	} else {
		st->idle[st->nidle++] = db;
	}
	pthread_cond_signal(&st->freed);
	pthread_mutex_unlock(&st->lock);
	return broken;
}
