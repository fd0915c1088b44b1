/* db.c: picks a backend by the form of the target and forwards calls to it; see db.h. */
#include "store/backend.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

static int is_postgres_uri(const char *target)
{
	return strncmp(target, "postgres://", 11) == 0 || strncmp(target, "postgresql://", 13) == 0;
}

struct db *db_open(const char *target, int create, char *err, size_t errsize)
{
	if (is_postgres_uri(target)) {
		return pg_open(target, err, errsize);
	}
	return sqlite_open(target, create, err, errsize);
}

void db_target_display(const char *target, char *out, size_t size)
{
	const char *scheme = strstr(target, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	if (!is_postgres_uri(target) || !colon) {
		snprintf(out, size, "%s", target);
		return;
	}
	snprintf(out, size, "%.*s:***%s", (int)(colon - target), target, at);
}

void db_close(struct db *db) { if (db) db->ops->close(db); }
enum db_dialect db_dialect(const struct db *db) { return db->dialect; }
const char *db_errmsg(struct db *db) { return db->ops->errmsg(db); }
int db_is_broken(struct db *db) { return db->ops->is_broken(db); }

void db_set_actor(struct db *db, const char *actor, const char *via)
{
	snprintf(db->actor, sizeof db->actor, "%s", actor ? actor : "");
	snprintf(db->via, sizeof db->via, "%s", via ? via : "");
}

const char *db_actor(const struct db *db) { return db->actor[0] ? db->actor : "unknown"; }
const char *db_via(const struct db *db) { return db->via[0] ? db->via : "cli"; }
int db_exec_script(struct db *db, const char *sql) { return db->ops->exec_script(db, sql); }
int db_begin_read(struct db *db) { return db->ops->begin_read(db); }
int db_begin_write(struct db *db) { return db->ops->begin_write(db); }
int db_commit(struct db *db) { return db->ops->end(db, 1); }
int db_rollback(struct db *db) { return db->ops->end(db, 0); }

static struct stmt *prepare(struct db *db, const char *sql, int cache)
{
	struct stmt *st = db->ops->prepare(db, sql, cache);
	if (!st)
		log_error("SQL prepare failed: %s [%s]", db_errmsg(db), sql);
	return st;
}

struct stmt *db_prepare(struct db *db, const char *sql) { return prepare(db, sql, 1); }
struct stmt *db_prepare_uncached(struct db *db, const char *sql) { return prepare(db, sql, 0); }

int db_bind_text(struct stmt *st, int i, const char *v)
{
	return v ? st->db->ops->bind_text(st, i, v) : st->db->ops->bind_null(st, i);
}
int db_bind_int(struct stmt *st, int i, int64_t v) { return st->db->ops->bind_int(st, i, v); }
int db_bind_real(struct stmt *st, int i, double v) { return st->db->ops->bind_real(st, i, v); }
int db_bind_null(struct stmt *st, int i) { return st->db->ops->bind_null(st, i); }
int db_column_count(struct stmt *st) { return st->db->ops->column_count(st); }
const char *db_column_name(struct stmt *st, int c) { return st->db->ops->column_name(st, c); }
int db_column_is_null(struct stmt *st, int c) { return st->db->ops->column_is_null(st, c); }
const char *db_column_text(struct stmt *st, int c) { return st->db->ops->column_text(st, c); }
int64_t db_column_int(struct stmt *st, int c) { return st->db->ops->column_int(st, c); }
double db_column_real(struct stmt *st, int c) { return st->db->ops->column_real(st, c); }
int db_column_is_integer(struct stmt *st, int c) { return st->db->ops->column_is_integer(st, c); }
void db_done(struct stmt *st) { if (st) st->db->ops->done(st); }

int db_step(struct stmt *st)
{
	int rc = st->db->ops->step(st);
	if (rc < 0 && rc != DB_CONSTRAINT)
		log_error("SQL failed: %s [%s]", db_errmsg(st->db), st->sql);
	return rc;
}

int db_exec1(struct db *db, const char *sql, const char *param)
{
	struct stmt *st = db_prepare(db, sql);
	if (!st)
		return DB_ERROR;
	if (param)
		db_bind_text(st, 1, param);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_done(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int64_t db_int1(struct db *db, const char *sql, const char *param, int64_t if_none)
{
	struct stmt *st = db_prepare(db, sql);
	if (!st)
		return if_none;
	if (param)
		db_bind_text(st, 1, param);
	int64_t v = if_none;
	if (db_step(st) == DB_ROW && !db_column_is_null(st, 0))
		v = db_column_int(st, 0);
	db_done(st);
	return v;
}
