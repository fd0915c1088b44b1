/* teststore.h: for unit tests on a real database: a fresh one (testdb.h), migrated and
 * opened as a store, with one connection acquired. Linked with libc2c. */
#ifndef C2C_TESTSTORE_H
#define C2C_TESTSTORE_H
#include "testdb.h"
#include "store/store.h"

struct teststore {
	struct testdb tdb;
	struct store *st;
	struct db *db;      /* acquired from st */
};

/* Creates and opens the database with a pool of conns connections; fails the test (with
 * the store's message) when it cannot. */
void teststore_open(struct teststore *t, int conns);
/* Releases the connection, closes the store and drops the database. */
void teststore_close(struct teststore *t);

#endif
