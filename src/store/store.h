/* store.h: records in the database, driven by their entity descriptors (core/entity.h).
 *
 * This is what the rest of c2c uses: a pool of connections (one per serving thread),
 * schema migrations, and generic get / list / put of any entity. Every function takes a
 * connection from store_acquire(); transactions are the caller's (db_begin_*), so that a
 * request or an import does all its work in one.
 *
 * Return convention: STORE_OK (0), STORE_NOT_FOUND, or a negative STORE_* error. */
#ifndef C2C_STORE_H
#define C2C_STORE_H
#include "core/entity.h"
#include "core/errors.h"
#include "store/db.h"
#include "util/str.h"

#include <jansson.h>

enum store_rc {
	STORE_OK = 0,
	STORE_NOT_FOUND = 1,
	STORE_ERROR = -1,          /* unexpected: logged */
	STORE_INVALID = -2,        /* the record breaks a rule: errs says which */
	STORE_UNAVAILABLE = -3,    /* the database cannot be reached now: try again */
	STORE_TOO_NEW = -4,        /* the schema is newer than this binary */
};

struct store;

/* Opens the database named by target (SQLite file or PostgreSQL URI), applies pending
 * migrations and returns a pool of up to max_conns connections. `create` allows a new
 * SQLite file. On failure returns NULL with a sentence in err. */
struct store *store_open(const char *target, int create, int max_conns, char *err, size_t errsize);
void store_close(struct store *st);
struct db *store_acquire(struct store *st);     /* waits for a free connection */
/* Returns the connection to the pool; returns 1 when it had lost its server and was
 * closed instead (the request may be retried on a fresh one), else 0. */
int store_release(struct store *st, struct db *db);

/* Schema migrations (migrate.c). */
int store_migrate(struct db *db, char *err, size_t errsize);
int store_schema_version(struct db *db);
int store_binary_schema_version(void);

/* A list request: filter values aligned with e->filters (NULL = not given), already
 * validated; a page size; the cursor returned with the previous page, or NULL. */
#define LIST_FILTERS_MAX 16
#define LIST_LIMIT_MAX 500
#define LIST_LIMIT_DEFAULT 50
struct list_query {
	const char *filter[LIST_FILTERS_MAX];
	int limit;
	const char *cursor;
};

/* Sets the filter named param of a list query (value not copied); -1 if e has no such filter. */
int list_query_set(struct list_query *q, const struct entity *e, const char *param, const char *value);

/* The distinct non-null values of a scalar field of e, sorted: a new array of strings. */
int store_values(struct db *db, const struct entity *e, const char *field, json_t **out);

/* *out: a new record (caller decrefs) or NULL when not found. */
int store_get(struct db *db, const struct entity *e, const char *key, json_t **out);
/* *items: a new array; next: cursor of the following page or "" when none; *total: the
 * number of records matching the filters. */
int store_list(struct db *db, const struct entity *e, const struct list_query *q,
	       json_t **items, char next[SLUG_MAX * 4 + 1], long *total);

/* Validates input for e as record_validate does (record.h: *out the normalised copy, not
 * consuming in) and also checks that every reference in it, at the top and in list rows,
 * names a stored record, so that one answer lists every bad field, references too.
 * Returns STORE_OK, STORE_INVALID with errs filled and *out NULL, or a database error. */
int store_validate(struct db *db, const struct entity *e, json_t *in, json_t **out, struct errors *errs);

enum put_outcome { PUT_CREATED, PUT_UPDATED, PUT_UNCHANGED };
/* Creates or replaces the record with rec's key. rec must be normalised (record.h);
 * references in it are replaced by their canonical spelling. A reference to a record that
 * does not exist, or a duplicate, adds to errs and returns STORE_INVALID. */
int store_put(struct db *db, const struct entity *e, json_t *rec, enum put_outcome *outcome,
	      struct errors *errs);

/* Deletes the record with the given key (its list rows go with it) and records the
 * deletion in the audit log. A record others still refer to is kept: STORE_INVALID with
 * an error in errs. */
int store_delete(struct db *db, const struct entity *e, const char *key, struct errors *errs);

/* The audit log, newest first. Every filter may be NULL; dates compare as ISO text
 * ("2026-11-23" or "2026-11-23T10:00:00Z"); before_id pages backwards. *out: a new array
 * of {"id","at","actor","via","entity","record","action","changes"}. */
struct audit_query {
	const char *entity, *record, *actor, *from, *until, *before_id;
	int limit;
};
int store_audit_list(struct db *db, const struct audit_query *q, json_t **out);
/* Checks the dates of q (YYYY-MM-DD, YYYY-MM or YYYY), so that a typo is an error rather
 * than an empty answer: 0, or -1 with an error naming "from" or "until" in errs. */
int store_audit_query_check(const struct audit_query *q, struct errors *errs);

/* The data version: a number every write moves forward (store_put bumps it in the
 * writer's transaction). Equal versions mean equal data, across servers and processes;
 * -1 when it cannot be read. */
int64_t store_data_version(struct db *db);
/* Moves the data version forward; every write calls it in its transaction. */
int store_bump_data_version(struct db *db);

/* Writes one row of the audit log in the caller's transaction, for the connection's actor
 * (db_set_actor): action is "create", "update" or "delete"; changes (not consumed) is
 * {"field": {"before": ..., "after": ...}}. Secrets never go in it. */
int store_audit_write(struct db *db, const char *entity, const char *key, const char *action,
		      const json_t *changes);

/* The id of e's record named key (ignoring case) and the key's stored spelling in canon
 * (may be NULL): STORE_OK, or STORE_NOT_FOUND. */
int store_resolve(struct db *db, const struct entity *e, const char *key, int64_t *id,
		  char *canon, size_t canonsize);

/* Keys of the records of e (which must have a keys_table) with a name that folds to the
 * same key as `name`: up to max of them into keys[] (caller frees each); returns how many
 * there are in all. */
int store_match_name(struct db *db, const struct entity *e, const char *name, char **keys, int max);

#endif
