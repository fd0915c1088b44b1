/* teststore.c: a fresh, opened store for a unit test; see teststore.h. */
#include "teststore.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

void teststore_open(struct teststore *t, int conns)
{
	assert_int_equal(testdb_create(&t->tdb), 0);
	char err[512];
	t->st = store_open(t->tdb.target, 1, conns, err, sizeof err);
	if (!t->st)
		fail_msg("store_open %s: %s", t->tdb.target, err);
	t->db = store_acquire(t->st);
	assert_non_null(t->db);
}

void teststore_close(struct teststore *t)
{
	store_release(t->st, t->db);
	store_close(t->st);
	testdb_drop(&t->tdb);
}
