/* db.h: the only door to the database.
 *
 * A thin statement API (after Fossil's db.c) over two backends: SQLite (sqlite.c, the
 * embedded default) and PostgreSQL (pg.c, by connection URI). SQL is written once, with
 * '?' placeholders; the backend translates what its dialect needs. Values only ever reach
 * SQL as bound parameters: there is no function here that formats values into SQL text.
 *
 * A struct db is one connection and is used by one thread at a time (store.c hands them
 * out). Prepared statements are cached per connection, keyed by the SQL text's address,
 * so callers pass string literals or other text that lives as long as the program. */
#ifndef C2C_DB_H
#define C2C_DB_H
#include <stddef.h>
#include <stdint.h>

struct db;
struct stmt;

enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,             /* db_step: a row is ready */
	DB_DONE = 2,            /* db_step: no more rows */
	DB_ERROR = -1,          /* anything else; db_errmsg() says what */
	DB_CONSTRAINT = -2,     /* a UNIQUE, FOREIGN KEY or CHECK constraint failed */
	DB_UNAVAILABLE = -3,    /* the database cannot be reached (or is busy past the timeout) */
};

enum db_dialect { DIALECT_SQLITE, DIALECT_POSTGRES };

/* Opens a connection: a postgres:// or postgresql:// URI, or an SQLite file name.
 * `create` allows a new SQLite file. On failure returns NULL and writes a sentence to err. */
struct db *db_open(const char *target, int create, char *err, size_t errsize);
void db_close(struct db *db);
/* target as it may be shown or logged: a password in a URI is replaced by ***. */
void db_target_display(const char *target, char *out, size_t size);
enum db_dialect db_dialect(const struct db *db);
const char *db_errmsg(struct db *db);
int db_is_broken(struct db *db);
/* Names who the following writes on this connection are for, and through what ("web",
 * "api", "cli"); the audit log records them. Cleared when the connection goes back to
 * the pool. */
void db_set_actor(struct db *db, const char *actor, const char *via);
const char *db_actor(const struct db *db);
const char *db_via(const struct db *db);   /* lost its server: close it rather than reuse it */

int db_exec_script(struct db *db, const char *sql);   /* several statements, no parameters */
int db_begin_read(struct db *db);                      /* a consistent snapshot for reads */
int db_begin_write(struct db *db);                     /* takes the write lock at once */
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Returns a ready statement for `sql` (from the cache when possible), or NULL with the
 * error in db_errmsg(). Parameters are numbered from 1. After the last db_step, call
 * db_done() to return the statement to the cache. */
struct stmt *db_prepare(struct db *db, const char *sql);
/* The same for SQL built at run time (e.g. "IN (?,?,?)"): never cached, so `sql` need
 * only live until db_done(). */
struct stmt *db_prepare_uncached(struct db *db, const char *sql);
int db_bind_text(struct stmt *st, int i, const char *value);   /* NULL binds NULL */
int db_bind_int(struct stmt *st, int i, int64_t value);
int db_bind_real(struct stmt *st, int i, double value);
int db_bind_null(struct stmt *st, int i);
int db_step(struct stmt *st);                                  /* DB_ROW, DB_DONE or < 0 */
int db_column_count(struct stmt *st);
const char *db_column_name(struct stmt *st, int col);
int db_column_is_null(struct stmt *st, int col);
const char *db_column_text(struct stmt *st, int col);          /* valid until the next step */
int64_t db_column_int(struct stmt *st, int col);
double db_column_real(struct stmt *st, int col);
int db_column_is_integer(struct stmt *st, int col);            /* stored as an integer */
void db_done(struct stmt *st);

/* One-shot helpers: run sql with one text parameter (may be NULL for none). */
int db_exec1(struct db *db, const char *sql, const char *param);
int64_t db_int1(struct db *db, const char *sql, const char *param, int64_t if_none);

#endif
