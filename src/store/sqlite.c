/* sqlite.c: the embedded SQLite backend of db.h.
 *
 * Settings, and why:
 *   journal_mode=WAL   readers never block the writer, and one read transaction per
 *                      request sees one consistent snapshot;
 *   synchronous=NORMAL in WAL mode a commit has reached the WAL file (the OS page cache)
 *                      before COMMIT returns, so a write acknowledged to a client
 *                      survives a crash of the process; only a power failure can lose the
 *                      last commits, which FULL would prevent at one fsync per commit;
 *   foreign_keys=ON    references between records are enforced by the database too;
 *   busy_timeout       writers queue for the lock instead of failing at once. */
#include "store/backend.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_SLOTS 128
#define BUSY_TIMEOUT_MS 5000

struct sqlite_stmt {
	struct stmt base;
	sqlite3_stmt *st;
	int cached;         /* lives in the cache; db_done resets instead of finalising */
	int in_use;
};

struct sqlite_db {
	struct db base;
	sqlite3 *h;
	struct sqlite_stmt *cache[CACHE_SLOTS];   /* open addressing on the SQL's address */
};

static const struct db_ops sqlite_ops;

static int map_rc(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK: return DB_OK;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_CANTOPEN: return DB_UNAVAILABLE;
	default: return DB_ERROR;
	}
}

static sqlite3 *handle(struct db *db) { return ((struct sqlite_db *)db)->h; }
static sqlite3_stmt *raw(struct stmt *st) { return ((struct sqlite_stmt *)st)->st; }

/* Before SQLite's first use: no memory statistics, whose global mutex every allocation
 * would otherwise take (connections are per thread and need no such accounting). */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct db *sqlite_open(const char *path, int create, char *err, size_t errsize)
{
	if (!create && access(path, F_OK) != 0) {
		snprintf(err, errsize, "database %s does not exist (create it with: c2c init --db %s)", path, path);
		return NULL;
	}
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "cannot open database %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	char *msg = NULL;
	if (sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			    " PRAGMA foreign_keys=ON;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsize, "cannot use %s as an SQLite database: %s", path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	struct sqlite_db *db = xcalloc(1, sizeof *db);
	db->base.ops = &sqlite_ops;
	db->base.dialect = DIALECT_SQLITE;
	db->h = h;
	return &db->base;
}

static void sq_close(struct db *db)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (s->cache[i]) {
			sqlite3_finalize(s->cache[i]->st);
			free(s->cache[i]);
		}
	}
	sqlite3_close(s->h);
	free(s);
}

static const char *sq_errmsg(struct db *db) { return sqlite3_errmsg(handle(db)); }

static int sq_exec_script(struct db *db, const char *sql)
{
	return map_rc(sqlite3_exec(handle(db), sql, NULL, NULL, NULL));
}

/* Runs a transaction statement through the statement cache: every request begins and
 * commits one, and sqlite3_exec would parse it anew each time. */
static int run_cached(struct db *db, const char *sql)
{
	struct stmt *st = db->ops->prepare(db, sql, 1);
	if (!st)
		return DB_ERROR;
	int rc = map_rc(sqlite3_step(((struct sqlite_stmt *)st)->st));
	db->ops->done(st);
	return rc == DB_DONE ? DB_OK : rc;
}

static const char begin_sql[] = "BEGIN", begin_immediate_sql[] = "BEGIN IMMEDIATE";
static int sq_begin_read(struct db *db) { return run_cached(db, begin_sql); }
static int sq_begin_write(struct db *db) { return run_cached(db, begin_immediate_sql); }

static const char commit_sql[] = "COMMIT", rollback_sql[] = "ROLLBACK";
static int sq_end(struct db *db, int commit) { return run_cached(db, commit ? commit_sql : rollback_sql); }

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 11)) % CACHE_SLOTS;
}

static struct stmt *sq_prepare(struct db *db, const char *sql, int cache)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	size_t slot = slot_of(sql), free_slot = CACHE_SLOTS;
	for (size_t k = 0; cache && k < CACHE_SLOTS; k++) {
		size_t i = (slot + k) % CACHE_SLOTS;
		struct sqlite_stmt *c = s->cache[i];
		if (!c) {
			free_slot = i;
			break;
		}
		if (c->base.sql == sql) {
			if (c->in_use)
				break;           /* nested use of the same SQL: a private copy below */
			c->in_use = 1;
			return &c->base;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->h, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK)
		return NULL;
	struct sqlite_stmt *w = xcalloc(1, sizeof *w);
	w->base.db = db;
	w->base.sql = sql;
	w->st = st;
	w->in_use = 1;
	if (free_slot < CACHE_SLOTS) {
		w->cached = 1;
		s->cache[free_slot] = w;
	}
	return &w->base;
}

static int sq_bind_text(struct stmt *st, int i, const char *v)
{
	return map_rc(sqlite3_bind_text(raw(st), i, v, -1, SQLITE_TRANSIENT));
}
static int sq_bind_int(struct stmt *st, int i, int64_t v) { return map_rc(sqlite3_bind_int64(raw(st), i, v)); }
static int sq_bind_real(struct stmt *st, int i, double v) { return map_rc(sqlite3_bind_double(raw(st), i, v)); }
static int sq_bind_null(struct stmt *st, int i) { return map_rc(sqlite3_bind_null(raw(st), i)); }
static int sq_step(struct stmt *st) { return map_rc(sqlite3_step(raw(st))); }
static int sq_column_count(struct stmt *st) { return sqlite3_column_count(raw(st)); }
static const char *sq_column_name(struct stmt *st, int c) { return sqlite3_column_name(raw(st), c); }
static int sq_column_is_null(struct stmt *st, int c) { return sqlite3_column_type(raw(st), c) == SQLITE_NULL; }
static int sq_column_is_integer(struct stmt *st, int c) { return sqlite3_column_type(raw(st), c) == SQLITE_INTEGER; }
static int64_t sq_column_int(struct stmt *st, int c) { return sqlite3_column_int64(raw(st), c); }
static double sq_column_real(struct stmt *st, int c) { return sqlite3_column_double(raw(st), c); }

static const char *sq_column_text(struct stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(raw(st), c);
	return t ? (const char *)t : "";
}

static void sq_done(struct stmt *st)
{
	struct sqlite_stmt *w = (struct sqlite_stmt *)st;
	if (w->cached) {
		sqlite3_reset(w->st);
		sqlite3_clear_bindings(w->st);
		w->in_use = 0;
	} else {
		sqlite3_finalize(w->st);
		free(w);
	}
}

static int sq_is_broken(struct db *db) { (void)db; return 0; }

static const struct db_ops sqlite_ops = {
	sq_close, sq_errmsg, sq_exec_script, sq_begin_read, sq_begin_write, sq_end, sq_prepare,
	sq_bind_text, sq_bind_int, sq_bind_real, sq_bind_null, sq_step, sq_column_count,
	sq_column_name, sq_column_is_null, sq_column_text, sq_column_int, sq_column_real,
	sq_column_is_integer, sq_done, sq_is_broken,
};
