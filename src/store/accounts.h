/* accounts.h: accounts, sign-in sessions, API tokens and failed sign-ins, in the
 * database (migration 0004). The rules they follow (names, expiry, throttling) are in
 * core/login.h; secrets arrive here already hashed (core/password.h, core/token.h).
 *
 * Every function runs its statements on the caller's connection, in whatever
 * transaction the caller opened (none: each statement commits by itself). Times are
 * Unix seconds passed in by the caller, so that tests can set the clock.
 * Return convention (store.h): STORE_OK, STORE_NOT_FOUND, or a negative STORE_* error;
 * STORE_INVALID comes with an entry in errs naming the field ("login", "city").
 *
 * Every function that changes an account or a token also writes the change to the audit
 * log (store_audit_write) in the same transaction, for the connection's actor: accounts
 * as AUDIT_USER under their login, tokens as AUDIT_TOKEN under their id, with the fields
 * before and after. Never a secret: a new password is {"password": {"after": "changed"}};
 * a token is recorded by its account, name and dates. A call that changes nothing (an
 * account already disabled, a role and cities as they were) writes no row. Sessions and
 * failed sign-ins are not audited. */
#ifndef C2C_ACCOUNTS_H
#define C2C_ACCOUNTS_H
#include "core/account.h"
#include "core/login.h"
#include "core/password.h"
#include "core/token.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

#define AUDIT_USER "user"      /* the audit log's entity for accounts: c2c audit --record user/LOGIN */
#define AUDIT_TOKEN "token"    /* ... and for API tokens: --record token/ID */

/* The sign-in session a request belongs to. */
struct session {
	int64_t id;                        /* 0: the request has no session */
	char csrf[TOKEN_TEXT_MAX];         /* the token its forms and cookie writes must carry */
};

/* An account as stored. */
struct account {
	struct user user;                  /* id, login, role, the cities it keeps */
	char email[EMAIL_MAX + 1];         /* "" when none */
	int disabled;
	int64_t created_at;
};

/* ---- accounts ---- */

/* Creates a->user (login normalised, role, cities as slugs) with the given password hash;
 * sets a->user.id. A login already taken or a city that does not exist: STORE_INVALID. */
int accounts_user_add(struct db *db, struct account *a, const char *password_hash, int64_t now,
		      struct errors *errs);
/* The account with this (normalised) login; its password hash into hash when not NULL. */
int accounts_user_find(struct db *db, const char *login, struct account *a, char hash[PASSWORD_HASH_MAX]);
/* Every account, by login: *out is a new array of {"id","login","role","email","cities":[...],
 * "disabled","created_at"}. */
int accounts_user_list(struct db *db, json_t **out);
/* Replaces the password hash, and ends every session of the account. STORE_NOT_FOUND
 * when there is no account user_id (likewise below). */
int accounts_user_set_password(struct db *db, int64_t user_id, const char *password_hash);
/* Disables the account and ends its sessions; its API tokens stop working with it. */
int accounts_user_disable(struct db *db, int64_t user_id);
/* Enables a disabled account again (its tokens work again; its sessions are gone). */
int accounts_user_enable(struct db *db, int64_t user_id);
/* Sets u->role and replaces the account's cities by u->cities. */
int accounts_user_set_role(struct db *db, const struct user *u, struct errors *errs);
/* STORE_OK when no account keeps the city city_id (slug names it in the message), else
 * STORE_INVALID with a "conflict" error naming the accounts: store_delete() keeps such a
 * city (see there why). */
int accounts_city_kept(struct db *db, int64_t city_id, const char *slug, struct errors *errs);

/* ---- sessions ---- */

/* Records a new session for the token whose hash is given, ending max_age seconds after now. */
int accounts_session_create(struct db *db, int64_t user_id, const char *token_hash, const char *csrf,
			    int64_t now, int64_t max_age);
/* The live session with this token hash: fills u (with its cities) and s, and moves the
 * session's last_seen to now. A session past its absolute limit or idle for more than
 * idle seconds is deleted and, like an unknown one or one of a disabled account, is
 * STORE_NOT_FOUND (u and s are then zeroed: anonymous). */
int accounts_session_find(struct db *db, const char *token_hash, int64_t now, int64_t idle, struct user *u,
			  struct session *s);
/* Deletes session id (none: STORE_OK all the same). */
int accounts_session_delete(struct db *db, int64_t id);
/* Deletes every session that has expired at now under the idle limit. */
int accounts_sessions_purge(struct db *db, int64_t now, int64_t idle);

/* ---- API tokens ---- */

/* Records a token for the account; expires_at 0 means never. Sets *id. */
int accounts_token_create(struct db *db, int64_t user_id, const char *name, const char *token_hash,
			  int64_t now, int64_t expires_at, int64_t *id);
/* The account of a token that is known, not revoked, not expired at now, and whose
 * account is not disabled: fills u (with its cities); else STORE_NOT_FOUND. */
int accounts_token_find(struct db *db, const char *token_hash, int64_t now, struct user *u);
/* Every token: *out is a new array of {"id","login","name","created_at","expires_at",
 * "revoked_at"} (the two last may be null), by id. */
int accounts_token_list(struct db *db, json_t **out);
/* Revokes token id at now; STORE_NOT_FOUND when there is none. *was_revoked tells whether
 * it already was (then nothing changes). */
int accounts_token_revoke(struct db *db, int64_t id, int64_t now, int *was_revoked);

/* ---- failed sign-ins (throttling) ---- */

/* Records a sign-in attempt under key ("login:NAME", "addr:ADDRESS"), counted as failed
 * until accounts_attempt_remove(*id), and forgets those older than the throttling
 * needs. id may be NULL. */
int accounts_attempt_add(struct db *db, const char *key, int64_t now, int64_t *id);
/* Forgets the one attempt with this id (it succeeded). */
int accounts_attempt_remove(struct db *db, int64_t id);
/* The newest failed sign-ins under key since `since` (exclusive), newest first: up to
 * THROTTLE_FAILURES times into recent, their number into *n. */
int accounts_attempts_recent(struct db *db, const char *key, int64_t since, int64_t recent[THROTTLE_FAILURES],
			     int *n);
/* Forgets the failed sign-ins under key (after a successful one). */
int accounts_attempts_clear(struct db *db, const char *key);

#endif
