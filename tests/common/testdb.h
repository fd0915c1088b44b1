/* testdb.h: a fresh database for one test, on the backend the suite runs on.
 *
 * Without C2C_TEST_PG in the environment, a database is an SQLite file in a new temporary
 * directory. With it (scripts/with-postgres sets it), a database is a new PostgreSQL
 * database in that throw-away cluster, made with createdb and dropped afterwards. */
#ifndef C2C_TESTDB_H
#define C2C_TESTDB_H
#include <stddef.h>

struct testdb {
	char dir[64];        /* temporary directory (both backends use it for files) */
	char target[512];    /* what --db takes: a file name or a postgresql:// URI */
	char name[64];       /* PostgreSQL database name, "" for SQLite */
};

int testdb_is_postgres(void);
const char *testdb_backend(void);              /* "sqlite" or "postgres" */
int testdb_create(struct testdb *t);           /* 0 on success */
void testdb_drop(struct testdb *t);            /* removes the database and the directory */
int testdb_sql(const struct testdb *t, const char *sql);   /* runs SQL with sqlite3 or psql; 0 on success */

#endif
