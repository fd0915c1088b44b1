/* accounts.c: accounts, sessions, API tokens and failed sign-ins; see accounts.h.
 *
 * Statements are literals (cached per connection by their address); result columns are
 * named by the enums beside each SELECT. A user's cities are stored as references to
 * cities(id) and read back as slugs, so renaming a city's slug keeps its coordinators.
 *
 * Every change of an account or a token writes its row of the audit log here, on the
 * caller's connection and so in the caller's transaction: the change and its record
 * commit or roll back together, whoever calls. Sessions and failed sign-ins are not
 * audited: they are the accounts' use, not changes an operator made. */
#include "store/accounts.h"
#include "store/steps.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Failed sign-ins are kept this long: enough for the window, with room for clock skew
 * between servers. */
#define ATTEMPTS_KEEP (10 * THROTTLE_WINDOW)

/* Runs sql with up to three integer parameters (n of them). */
static int exec_ints(struct db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c)
{
	struct stmt *st = db_prepare(db, sql);
	if (!st)
		return STORE_ERROR;
	int64_t v[3] = {a, b, c};
	for (int i = 0; i < n; i++)
		db_bind_int(st, i + 1, v[i]);
	return steps_finish(st);
}

/* ---- the audit log ---- */

/* Adds {"before": before, "after": after} under name to changes; a NULL side is left
 * out (creation). Consumes before and after. */
static void note(json_t *changes, const char *name, json_t *before, json_t *after)
{
	json_t *c = json_object();
	if (before)
		json_object_set_new(c, "before", before);
	if (after)
		json_object_set_new(c, "after", after);
	json_object_set_new(changes, name, c);
}

/* Writes the audit row of a change of kind/key (AUDIT_USER, AUDIT_TOKEN) and releases
 * changes; writes nothing when changes is empty (nothing changed). Secrets never reach
 * here: callers note that a password changed, never the password or its hash. */
static int audit(struct db *db, const char *kind, const char *key, const char *action, json_t *changes)
{
	int rc = json_object_size(changes) ? store_audit_write(db, kind, key, action, changes) : STORE_OK;
	json_decref(changes);
	return rc;
}

/* Unix seconds as the audit log writes times: "2027-07-01T00:00:00Z". */
static json_t *time_json(int64_t t)
{
	char text[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}

static json_t *cities_json(const struct user *u)
{
	json_t *list = json_array();
	for (size_t i = 0; i < u->ncities; i++)
		json_array_append_new(list, json_string(u->cities[i]));
	return list;
}

/* ---- accounts ---- */

enum { CITY_SLUG };
static const char cities_sql[] =
	"SELECT c.slug FROM user_cities uc JOIN cities c ON c.id = uc.city_id WHERE uc.user_id = ? ORDER BY c.slug";

/* Reads the slugs of u's cities (u->id set) into u->cities. */
static int load_cities(struct db *db, struct user *u)
{
	struct stmt *st = db_prepare(db, cities_sql);
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, u->id);
	int rc;
	u->ncities = 0;
	while ((rc = db_step(st)) == DB_ROW && u->ncities < USER_CITIES_MAX)
		snprintf(u->cities[u->ncities++], sizeof u->cities[0], "%s", db_column_text(st, CITY_SLUG));
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK : steps_map(rc);
}

/* Replaces the cities of u->id by u->cities; an unknown slug is an error naming "city". */
static int store_cities(struct db *db, const struct user *u, struct errors *errs)
{
	int rc = exec_ints(db, "DELETE FROM user_cities WHERE user_id = ?", 1, u->id, 0, 0);
	for (size_t i = 0; rc == STORE_OK && i < u->ncities; i++) {
		int64_t city = db_int1(db, "SELECT id FROM cities WHERE slug = ?", u->cities[i], -1);
		if (city < 0) {
			errors_add(errs, "city", "unknown_reference", "there is no city with the slug %s", u->cities[i]);
			return STORE_INVALID;
		}
		rc = exec_ints(db, "INSERT INTO user_cities (user_id, city_id) VALUES (?, ?) ON CONFLICT DO NOTHING", 2,
			       u->id, city, 0);
	}
	return rc;
}

int accounts_user_add(struct db *db, struct account *a, const char *password_hash, int64_t now,
		      struct errors *errs)
{
	if (db_int1(db, "SELECT count(*) FROM users WHERE login = ?", a->user.login, 0) > 0) {
		errors_add(errs, "login", "duplicate", "the login %s is already taken", a->user.login);
		return STORE_INVALID;
	}
	struct stmt *st = db_prepare(db, "INSERT INTO users (login, email, role, password_hash, disabled, created_at)"
				     " VALUES (?, ?, ?, ?, 0, ?) RETURNING id");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, a->user.login);
	db_bind_text(st, 2, a->email[0] ? a->email : NULL);
	db_bind_text(st, 3, role_name(a->user.role));
	db_bind_text(st, 4, password_hash);
	db_bind_int(st, 5, now);
	int rc = db_step(st);
	if (rc == DB_ROW)
		a->user.id = db_column_int(st, 0);
	db_done(st);
	if (rc != DB_ROW) {
		if (rc == DB_CONSTRAINT)   /* taken between the check and the insert */
			errors_add(errs, "login", "duplicate", "the login %s is already taken", a->user.login);
		return steps_map(rc);
	}
	a->created_at = now;
	a->disabled = 0;
	struct user stored = {.id = a->user.id};
	if ((rc = store_cities(db, &a->user, errs)) || (rc = load_cities(db, &stored)))
		return rc;
	json_t *changes = json_object();
	note(changes, "role", NULL, json_string(role_name(a->user.role)));
	if (a->email[0])
		note(changes, "email", NULL, json_string(a->email));
	if (stored.ncities)
		note(changes, "cities", NULL, cities_json(&stored));
	return audit(db, AUDIT_USER, a->user.login, "create", changes);
}

enum { U_ID, U_LOGIN, U_ROLE, U_EMAIL, U_DISABLED, U_CREATED, U_HASH };
static const char user_find_sql[] =
	"SELECT id, login, role, email, disabled, created_at, password_hash FROM users WHERE login = ?";
static const char user_list_sql[] =
	"SELECT id, login, role, email, disabled, created_at FROM users ORDER BY login";
static const char user_by_id_sql[] =
	"SELECT id, login, role, email, disabled, created_at FROM users WHERE id = ?";

/* Fills a from a row of user_find_sql or user_list_sql. */
static void read_account(struct stmt *st, struct account *a)
{
	memset(a, 0, sizeof *a);
	a->user.id = db_column_int(st, U_ID);
	snprintf(a->user.login, sizeof a->user.login, "%s", db_column_text(st, U_LOGIN));
	if (role_from_name(db_column_text(st, U_ROLE), &a->user.role))
		a->user.role = ROLE_ANONYMOUS;   /* the CHECK constraint makes this impossible */
	if (!db_column_is_null(st, U_EMAIL))
		snprintf(a->email, sizeof a->email, "%s", db_column_text(st, U_EMAIL));
	a->disabled = db_column_int(st, U_DISABLED) != 0;
	a->created_at = db_column_int(st, U_CREATED);
}

int accounts_user_find(struct db *db, const char *login, struct account *a, char hash[PASSWORD_HASH_MAX])
{
	memset(a, 0, sizeof *a);
	struct stmt *st = db_prepare(db, user_find_sql);
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, login);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		read_account(st, a);
		if (hash)
			snprintf(hash, PASSWORD_HASH_MAX, "%s", db_column_text(st, U_HASH));
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOT_FOUND : steps_map(rc);
	return load_cities(db, &a->user);
}

/* The account with this id, with its cities: what a change starts from, for the audit log. */
static int find_by_id(struct db *db, int64_t id, struct account *a)
{
	memset(a, 0, sizeof *a);
	struct stmt *st = db_prepare(db, user_by_id_sql);
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_account(st, a);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOT_FOUND : steps_map(rc);
	return load_cities(db, &a->user);
}

static json_t *account_json(const struct account *a)
{
	json_t *cities = json_array();
	for (size_t i = 0; i < a->user.ncities; i++)
		json_array_append_new(cities, json_string(a->user.cities[i]));
	return json_pack("{s:I, s:s, s:s, s:s?, s:o, s:b, s:I}", "id", (json_int_t)a->user.id, "login", a->user.login,
			 "role", role_name(a->user.role), "email", a->email[0] ? a->email : NULL, "cities", cities,
			 "disabled", a->disabled, "created_at", (json_int_t)a->created_at);
}

int accounts_user_list(struct db *db, json_t **out)
{
	*out = NULL;
	struct stmt *st = db_prepare(db, user_list_sql);
	if (!st)
		return STORE_ERROR;
	json_t *list = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct account a;
		read_account(st, &a);
		json_array_append_new(list, account_json(&a));   /* cities follow, below */
	}
	db_done(st);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		struct user u = {.id = json_integer_value(json_object_get(item, "id"))};
		int lc = rc == DB_DONE ? load_cities(db, &u) : STORE_ERROR;
		if (lc != STORE_OK) {
			json_decref(list);
			return rc == DB_DONE ? lc : steps_map(rc);
		}
		json_t *cities = json_object_get(item, "cities");
		for (size_t k = 0; k < u.ncities; k++)
			json_array_append_new(cities, json_string(u.cities[k]));
	}
	if (rc != DB_DONE) {
		json_decref(list);
		return steps_map(rc);
	}
	*out = list;
	return STORE_OK;
}

int accounts_user_set_password(struct db *db, int64_t user_id, const char *password_hash)
{
	struct account a;
	int rc = find_by_id(db, user_id, &a);
	struct stmt *st = rc ? NULL : db_prepare(db, "UPDATE users SET password_hash = ? WHERE id = ?");
	if (!st)
		return rc ? rc : STORE_ERROR;
	db_bind_text(st, 1, password_hash);
	db_bind_int(st, 2, user_id);
	if ((rc = steps_finish(st)) || (rc = exec_ints(db, "DELETE FROM sessions WHERE user_id = ?", 1, user_id, 0, 0)))
		return rc;
	json_t *changes = json_object();
	note(changes, "password", NULL, json_string("changed"));   /* never the hash */
	return audit(db, AUDIT_USER, a.user.login, "update", changes);
}

/* Disables (ending the sessions) or enables the account; nothing when it already is. */
static int set_disabled(struct db *db, int64_t user_id, int disabled)
{
	struct account a;
	int rc = find_by_id(db, user_id, &a);
	if (rc || a.disabled == disabled)
		return rc;
	rc = exec_ints(db, "UPDATE users SET disabled = ? WHERE id = ?", 2, disabled, user_id, 0);
	if (!rc && disabled)
		rc = exec_ints(db, "DELETE FROM sessions WHERE user_id = ?", 1, user_id, 0, 0);
	if (rc)
		return rc;
	json_t *changes = json_object();
	note(changes, "disabled", json_boolean(!disabled), json_boolean(disabled));
	return audit(db, AUDIT_USER, a.user.login, "update", changes);
}

int accounts_user_disable(struct db *db, int64_t user_id)
{
	return set_disabled(db, user_id, 1);
}

int accounts_user_enable(struct db *db, int64_t user_id)
{
	return set_disabled(db, user_id, 0);
}

int accounts_user_set_role(struct db *db, const struct user *u, struct errors *errs)
{
	struct account old;
	int rc = find_by_id(db, u->id, &old);
	struct stmt *st = rc ? NULL : db_prepare(db, "UPDATE users SET role = ? WHERE id = ?");
	if (!st)
		return rc ? rc : STORE_ERROR;
	db_bind_text(st, 1, role_name(u->role));
	db_bind_int(st, 2, u->id);
	struct user now = {.id = u->id};
	if ((rc = steps_finish(st)) || (rc = store_cities(db, u, errs)) || (rc = load_cities(db, &now)))
		return rc;
	json_t *changes = json_object(), *before = cities_json(&old.user), *after = cities_json(&now);
	if (old.user.role != u->role)
		note(changes, "role", json_string(role_name(old.user.role)), json_string(role_name(u->role)));
	if (json_equal(before, after)) {
		json_decref(before);
		json_decref(after);
	} else {
		note(changes, "cities", before, after);
	}
	return audit(db, AUDIT_USER, old.user.login, "update", changes);
}

int accounts_city_kept(struct db *db, int64_t city_id, const char *slug, struct errors *errs)
{
	struct stmt *st = db_prepare(db, "SELECT u.login FROM user_cities uc JOIN users u ON u.id = uc.user_id"
				     " WHERE uc.city_id = ? ORDER BY u.login");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, city_id);
	char logins[200] = "";
	size_t len = 0;
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n++ < 3 && len < sizeof logins)   /* a few names say what to do; messages have a size */
			len += (size_t)snprintf(logins + len, sizeof logins - len, "%s%s", n > 1 ? ", " : "",
						db_column_text(st, 0));
	}
	db_done(st);
	if (rc != DB_DONE)
		return steps_map(rc);
	if (n == 0)
		return STORE_OK;
	errors_add(errs, "", "conflict", "the city %s cannot be deleted: coordinators keep it (%s%s); give them other "
		   "cities first, with c2c user role", slug, logins, n > 3 ? " and others" : "");
	return STORE_INVALID;
}

/* ---- sessions ---- */

int accounts_session_create(struct db *db, int64_t user_id, const char *token_hash, const char *csrf,
			    int64_t now, int64_t max_age)
{
	struct stmt *st = db_prepare(db, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen,"
				     " expires_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now + max_age);
	return steps_finish(st);
}

enum { S_ID, S_CSRF, S_LAST_SEEN, S_EXPIRES, S_USER, S_LOGIN, S_ROLE };
static const char session_find_sql[] =
	"SELECT s.id, s.csrf_token, s.last_seen, s.expires_at, u.id, u.login, u.role"
	" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled = 0";

/* Fills u's id, login and role from columns starting at `first` (id, login, role). */
static int read_user(struct stmt *st, int first, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_column_int(st, first);
	snprintf(u->login, sizeof u->login, "%s", db_column_text(st, first + 1));
	return role_from_name(db_column_text(st, first + 2), &u->role);
}

int accounts_session_find(struct db *db, const char *token_hash, int64_t now, int64_t idle, struct user *u,
			  struct session *s)
{
	memset(u, 0, sizeof *u);
	memset(s, 0, sizeof *s);
	struct stmt *st = db_prepare(db, session_find_sql);
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, token_hash);
	int rc = db_step(st);
	int64_t last_seen = 0, expires = 0;
	if (rc == DB_ROW) {
		s->id = db_column_int(st, S_ID);
		snprintf(s->csrf, sizeof s->csrf, "%s", db_column_text(st, S_CSRF));
		last_seen = db_column_int(st, S_LAST_SEEN);
		expires = db_column_int(st, S_EXPIRES);
		if (read_user(st, S_USER, u))
			rc = DB_DONE;
	}
	db_done(st);
	if (rc == DB_ROW && session_state(last_seen, expires, now, idle) != SESSION_LIVE) {
		rc = exec_ints(db, "DELETE FROM sessions WHERE id = ?", 1, s->id, 0, 0);
		rc = rc ? rc : STORE_NOT_FOUND;
	} else if (rc == DB_ROW) {
		/* At most one write per session and second, whatever the request rate. */
		rc = last_seen < now ? exec_ints(db, "UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?", 3,
						 now, s->id, now) : STORE_OK;
		rc = rc ? rc : load_cities(db, u);
	} else {
		rc = rc == DB_DONE ? STORE_NOT_FOUND : steps_map(rc);
	}
	if (rc != STORE_OK) {
		memset(u, 0, sizeof *u);
		memset(s, 0, sizeof *s);
	}
	return rc;
}

int accounts_session_delete(struct db *db, int64_t id)
{
	return exec_ints(db, "DELETE FROM sessions WHERE id = ?", 1, id, 0, 0);
}

int accounts_sessions_purge(struct db *db, int64_t now, int64_t idle)
{
	return exec_ints(db, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ?", 2, now, now - idle, 0);
}

/* ---- API tokens ---- */

int accounts_token_create(struct db *db, int64_t user_id, const char *name, const char *token_hash,
			  int64_t now, int64_t expires_at, int64_t *id)
{
	struct stmt *st = db_prepare(db, "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at)"
				     " VALUES (?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, name ? name : "");
	db_bind_int(st, 4, now);
	if (expires_at)
		db_bind_int(st, 5, expires_at);
	else
		db_bind_null(st, 5);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_column_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return steps_map(rc);
	struct account a;
	if ((rc = find_by_id(db, user_id, &a)))
		return rc;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)*id);
	json_t *changes = json_object();
	note(changes, "user", NULL, json_string(a.user.login));
	if (name && *name)
		note(changes, "name", NULL, json_string(name));
	if (expires_at)
		note(changes, "expires_at", NULL, time_json(expires_at));
	return audit(db, AUDIT_TOKEN, key, "create", changes);
}

enum { T_EXPIRES, T_REVOKED, T_USER, T_LOGIN, T_ROLE };
static const char token_find_sql[] =
	"SELECT t.expires_at, t.revoked_at, u.id, u.login, u.role"
	" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND u.disabled = 0";

int accounts_token_find(struct db *db, const char *token_hash, int64_t now, struct user *u)
{
	memset(u, 0, sizeof *u);
	struct stmt *st = db_prepare(db, token_find_sql);
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, token_hash);
	int rc = db_step(st), live = 0;
	if (rc == DB_ROW)
		live = db_column_is_null(st, T_REVOKED) &&
		       (db_column_is_null(st, T_EXPIRES) || now < db_column_int(st, T_EXPIRES)) &&
		       read_user(st, T_USER, u) == 0;
	db_done(st);
	if (rc == DB_ROW && live && (rc = load_cities(db, u)) == STORE_OK)
		return STORE_OK;
	memset(u, 0, sizeof *u);
	return rc == DB_ROW || rc == DB_DONE ? STORE_NOT_FOUND : steps_map(rc);
}

enum { TL_ID, TL_LOGIN, TL_NAME, TL_CREATED, TL_EXPIRES, TL_REVOKED };
static const char token_list_sql[] =
	"SELECT t.id, u.login, t.name, t.created_at, t.expires_at, t.revoked_at"
	" FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id";

static json_t *nullable_int(struct stmt *st, int col)
{
	return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

int accounts_token_list(struct db *db, json_t **out)
{
	*out = NULL;
	struct stmt *st = db_prepare(db, token_list_sql);
	if (!st)
		return STORE_ERROR;
	json_t *list = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:I, s:o, s:o}", "id",
			(json_int_t)db_column_int(st, TL_ID), "login", db_column_text(st, TL_LOGIN), "name",
			db_column_text(st, TL_NAME), "created_at", (json_int_t)db_column_int(st, TL_CREATED),
			"expires_at", nullable_int(st, TL_EXPIRES), "revoked_at", nullable_int(st, TL_REVOKED)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(list);
		return steps_map(rc);
	}
	*out = list;
	return STORE_OK;
}

int accounts_token_revoke(struct db *db, int64_t id, int64_t now, int *was_revoked)
{
	struct stmt *st = db_prepare(db, "SELECT revoked_at FROM api_tokens WHERE id = ?");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	*was_revoked = rc == DB_ROW && !db_column_is_null(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_NOT_FOUND : steps_map(rc);
	if (*was_revoked)
		return STORE_OK;
	rc = exec_ints(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 2, now, id, 0);
	if (rc)
		return rc;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *changes = json_object();
	note(changes, "revoked_at", json_null(), time_json(now));
	return audit(db, AUDIT_TOKEN, key, "update", changes);
}

/* ---- failed sign-ins ---- */

int accounts_attempt_add(struct db *db, const char *key, int64_t now, int64_t *id)
{
	struct stmt *st = db_prepare(db, "INSERT INTO login_attempts (key, at) VALUES (?, ?) RETURNING id");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, now);
	int rc = db_step(st);
	if (rc == DB_ROW && id)
		*id = db_column_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_ERROR : steps_map(rc);
	return exec_ints(db, "DELETE FROM login_attempts WHERE at < ?", 1, now - ATTEMPTS_KEEP, 0, 0);
}

int accounts_attempt_remove(struct db *db, int64_t id)
{
	return exec_ints(db, "DELETE FROM login_attempts WHERE id = ?", 1, id, 0, 0);
}

int accounts_attempts_recent(struct db *db, const char *key, int64_t since, int64_t recent[THROTTLE_FAILURES],
			     int *n)
{
	*n = 0;
	struct stmt *st = db_prepare(db, "SELECT at FROM login_attempts WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, since);
	db_bind_int(st, 3, THROTTLE_FAILURES);
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n < THROTTLE_FAILURES)
		recent[(*n)++] = db_column_int(st, 0);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? STORE_OK : steps_map(rc);
}

int accounts_attempts_clear(struct db *db, const char *key)
{
	return steps_map(db_exec1(db, "DELETE FROM login_attempts WHERE key = ?", key));
}
