/* pg.c: the PostgreSQL backend of db.h, on libpq.
 *
 * SQL arrives with '?' placeholders and is rewritten to $1, $2, ... once per statement.
 * Cached statements are prepared on the server under a name on first use; parameters
 * travel as text and PostgreSQL infers their types from the statement, so one SQL text
 * serves both backends. A connection that fails (server restarted, network cut) is marked
 * broken: its request gets DB_UNAVAILABLE (a 503), and store_release() closes it so the
 * next request opens a fresh one. */
#include "store/backend.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 128
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23

struct pg_stmt {
	struct stmt base;
	struct pg_db *db;
	char *text;              /* SQL with $n placeholders */
	char name[16];           /* server-side name; "" for uncached statements */
	int prepared;            /* PQprepare done on this connection */
	int cached, in_use;
	int nparams;
	char **values;           /* owned copies; NULL means SQL NULL */
	PGresult *res;
	int row, nrows;          /* row is the current one after a DB_ROW */
};

struct pg_db {
	struct db base;
	PGconn *conn;
	struct pg_stmt *cache[CACHE_SLOTS];
	int names;
	int broken;
	char err[512];
};

static const struct db_ops pg_ops;

static void ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }

static void set_error(struct pg_db *db, const char *msg)
{
	snprintf(db->err, sizeof db->err, "%s", msg ? msg : "unknown error");
	size_t n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

struct db *pg_open(const char *uri, char *err, size_t errsize)
{
	PGconn *conn = PQconnectdb(uri);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s", conn ? PQerrorMessage(conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(err, errsize, "cannot connect to PostgreSQL: %s", msg);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, ignore_notice, NULL);
	PQsetClientEncoding(conn, "UTF8");
	PGresult *res = PQexec(conn, "SET statement_timeout = '30s'");
	PQclear(res);
	struct pg_db *db = xcalloc(1, sizeof *db);
	db->base.ops = &pg_ops;
	db->base.dialect = DIALECT_POSTGRES;
	db->conn = conn;
	return &db->base;
}

static void free_stmt(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++)
		free(st->values[i]);
	free(st->values);
	PQclear(st->res);
	free(st->text);
	free(st);
}

static void pg_close(struct db *d)
{
	struct pg_db *db = (struct pg_db *)d;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (db->cache[i])
			free_stmt(db->cache[i]);
	PQfinish(db->conn);
	free(db);
}

static const char *pg_errmsg(struct db *d) { return ((struct pg_db *)d)->err; }
static int pg_is_broken(struct db *d) { return ((struct pg_db *)d)->broken; }

/* Maps a result to a db_rc, noting errors and broken connections. */
static int check_result(struct pg_db *db, PGresult *res)
{
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return DB_OK;
	set_error(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (PQstatus(db->conn) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0) {
		db->broken = 1;
		return DB_UNAVAILABLE;
	}
	return strncmp(state, "23", 2) == 0 ? DB_CONSTRAINT : DB_ERROR;
}

static int pg_exec_script(struct db *d, const char *sql)
{
	struct pg_db *db = (struct pg_db *)d;
	PGresult *res = PQexec(db->conn, sql);
	int rc = check_result(db, res);
	PQclear(res);
	return rc;
}

static int pg_begin_read(struct db *d)
{
	return pg_exec_script(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

/* Writers queue on one advisory lock, as SQLite's BEGIN IMMEDIATE makes them do: a write
 * reads the current record, checks the client's If-Match and stores the change, and under
 * READ COMMITTED two such writers could otherwise both pass the check (a lost update). */
static int pg_begin_write(struct db *d)
{
	return pg_exec_script(d, "BEGIN; SELECT pg_advisory_xact_lock(7405373)");
}
static int pg_end(struct db *d, int commit) { return pg_exec_script(d, commit ? "COMMIT" : "ROLLBACK"); }

/* '?' -> $n outside quoted literals and identifiers; *count gets n. Caller frees. */
static char *number_placeholders(const char *sql, int *count)
{
	struct buf b = BUF_INIT((size_t)1 << 24);
	char quote = 0;
	int n = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			buf_printf(&b, "$%d", ++n);
			continue;
		}
		buf_putc(&b, *p);
	}
	*count = n;
	return buf_detach(&b);
}

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 11)) % CACHE_SLOTS;
}

static struct stmt *pg_prepare(struct db *d, const char *sql, int cache)
{
	struct pg_db *db = (struct pg_db *)d;
	size_t slot = slot_of(sql), free_slot = CACHE_SLOTS;
	for (size_t k = 0; cache && k < CACHE_SLOTS; k++) {
		size_t i = (slot + k) % CACHE_SLOTS;
		struct pg_stmt *c = db->cache[i];
		if (!c) {
			free_slot = i;
			break;
		}
		if (c->base.sql == sql) {
			if (c->in_use)
				break;
			c->in_use = 1;
			return &c->base;
		}
	}
	struct pg_stmt *st = xcalloc(1, sizeof *st);
	st->base.db = d;
	st->base.sql = sql;
	st->db = db;
	st->text = number_placeholders(sql, &st->nparams);
	st->values = xcalloc((size_t)st->nparams + 1, sizeof *st->values);
	st->in_use = 1;
	if (free_slot < CACHE_SLOTS) {
		st->cached = 1;
		snprintf(st->name, sizeof st->name, "c2c_%d", ++db->names);
		db->cache[free_slot] = st;
	}
	return &st->base;
}

static int set_param(struct stmt *s, int i, char *value)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (i < 1 || i > st->nparams) {
		free(value);
		set_error(st->db, "parameter number out of range");
		return DB_ERROR;
	}
	free(st->values[i - 1]);
	st->values[i - 1] = value;
	return DB_OK;
}

static int pg_bind_text(struct stmt *s, int i, const char *v) { return set_param(s, i, xstrdup(v)); }
static int pg_bind_null(struct stmt *s, int i) { return set_param(s, i, NULL); }

static int pg_bind_int(struct stmt *s, int i, int64_t v)
{
	char text[32];
	snprintf(text, sizeof text, "%lld", (long long)v);
	return set_param(s, i, xstrdup(text));
}

static int pg_bind_real(struct stmt *s, int i, double v)
{
	char text[40];
	snprintf(text, sizeof text, "%.17g", v);
	return set_param(s, i, xstrdup(text));
}

static int execute(struct pg_stmt *st)
{
	struct pg_db *db = st->db;
	const char *const *values = (const char *const *)st->values;
	if (st->cached && !st->prepared) {
		PGresult *res = PQprepare(db->conn, st->name, st->text, st->nparams, NULL);
		int rc = check_result(db, res);
		PQclear(res);
		if (rc)
			return rc;
		st->prepared = 1;
	}
	st->res = st->cached ? PQexecPrepared(db->conn, st->name, st->nparams, values, NULL, NULL, 0)
			     : PQexecParams(db->conn, st->text, st->nparams, NULL, values, NULL, NULL, 0);
	int rc = check_result(db, st->res);
	if (rc)
		return rc;
	st->nrows = PQntuples(st->res);
	st->row = -1;
	return DB_OK;
}

static int pg_step(struct stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (!st->res) {
		int rc = execute(st);
		if (rc)
			return rc;
	}
	return ++st->row < st->nrows ? DB_ROW : DB_DONE;
}

static PGresult *res_of(struct stmt *s) { return ((struct pg_stmt *)s)->res; }
static int row_of(struct stmt *s) { return ((struct pg_stmt *)s)->row; }

static int pg_column_count(struct stmt *s) { return res_of(s) ? PQnfields(res_of(s)) : 0; }
static const char *pg_column_name(struct stmt *s, int c) { return PQfname(res_of(s), c); }
static int pg_column_is_null(struct stmt *s, int c) { return PQgetisnull(res_of(s), row_of(s), c); }
static const char *pg_column_text(struct stmt *s, int c) { return PQgetvalue(res_of(s), row_of(s), c); }
static int64_t pg_column_int(struct stmt *s, int c) { return strtoll(pg_column_text(s, c), NULL, 10); }
static double pg_column_real(struct stmt *s, int c) { return strtod(pg_column_text(s, c), NULL); }

static int pg_column_is_integer(struct stmt *s, int c)
{
	Oid t = PQftype(res_of(s), c);
	return t == OID_INT8 || t == OID_INT4 || t == OID_INT2;
}

static void pg_done(struct stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	if (!st->cached) {
		free_stmt(st);
		return;
	}
	PQclear(st->res);
	st->res = NULL;
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
	}
	st->in_use = 0;
}

static const struct db_ops pg_ops = {
	pg_close, pg_errmsg, pg_exec_script, pg_begin_read, pg_begin_write, pg_end, pg_prepare,
	pg_bind_text, pg_bind_int, pg_bind_real, pg_bind_null, pg_step, pg_column_count,
	pg_column_name, pg_column_is_null, pg_column_text, pg_column_int, pg_column_real,
	pg_column_is_integer, pg_done, pg_is_broken,
};
