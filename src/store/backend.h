/* backend.h: what a database backend provides to db.c. Private to src/store/. */
#ifndef C2C_BACKEND_H
#define C2C_BACKEND_H
#include "store/db.h"

struct db_ops {
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*exec_script)(struct db *db, const char *sql);
	int (*begin_read)(struct db *db);
	int (*begin_write)(struct db *db);
	int (*end)(struct db *db, int commit);   /* COMMIT, or ROLLBACK */
	struct stmt *(*prepare)(struct db *db, const char *sql, int cache);
	int (*bind_text)(struct stmt *st, int i, const char *value);
	int (*bind_int)(struct stmt *st, int i, int64_t value);
	int (*bind_real)(struct stmt *st, int i, double value);
	int (*bind_null)(struct stmt *st, int i);
	int (*step)(struct stmt *st);
	int (*column_count)(struct stmt *st);
	const char *(*column_name)(struct stmt *st, int col);
	int (*column_is_null)(struct stmt *st, int col);
	const char *(*column_text)(struct stmt *st, int col);
	int64_t (*column_int)(struct stmt *st, int col);
	double (*column_real)(struct stmt *st, int col);
	int (*column_is_integer)(struct stmt *st, int col);
	void (*done)(struct stmt *st);
	int (*is_broken)(struct db *db);   /* the connection cannot be used again */
};

/* Every backend's connection starts with this header. */
struct db {
	const struct db_ops *ops;
	enum db_dialect dialect;
	char actor[65];          /* who the writes on this connection are for (audit log) */
	char via[8];             /* "web", "api" or "cli" */
};

/* Every backend's statement starts with this header. */
struct stmt {
	struct db *db;
	const char *sql;   /* for error messages */
};

struct db *sqlite_open(const char *path, int create, char *err, size_t errsize);
struct db *pg_open(const char *uri, char *err, size_t errsize);

#endif
