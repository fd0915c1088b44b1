/* page_login.c: signing in and out: GET /login (the form), POST /login, POST /logout.
 *
 * The sign-in form is protected against cross-site posting before any session exists by
 * a double-submit token: a random value in the c2c_csrf cookie (Path=/login,
 * SameSite=Strict) that the form repeats in a hidden field. A wrong password and an
 * unknown (or disabled) account get the same answer, after the same work: an unknown
 * login is verified against a dummy hash. Failed sign-ins are recorded in the database
 * under the login and under the client's address; five within a minute for either key
 * answer 429 until the oldest of them leaves the minute, even for the right password.
 * Every sign-in makes a new session token (and ends the session the browser had). */
#include "core/token.h"
#include "store/accounts.h"
#include "util/str.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/reply.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char wrong_credentials[] = "The login name or the password is not right.";

/* The sign-in form's token: the visitor's c2c_csrf cookie when it holds one, else a new
 * one, set as that cookie. */
static const char *form_token(struct req *r)
{
	const char *cookie = req_cookie(r, LOGIN_CSRF_COOKIE);
	if (token_well_formed(cookie, ""))
		return cookie;
	char token[TOKEN_TEXT_MAX];
	token_new(token, "");
	auth_set_cookie(r, LOGIN_CSRF_COOKIE, token, "/login", "Strict");
	return arena_strdup(&r->arena, token);
}

/* The form, with what the visitor typed as login (never the password) and a message. */
static int login_form(struct req *r, int status, const char *login, const char *message, const char *next)
{
	const char *token = form_token(r);
	struct buf *b = &r->body;
	r->no_store = 1;
	r->no_etag = 1;
	html_page_begin(r, "Sign in", "login");
	html_printf(b, "<div class=\"signin\">\n<h1>Sign in</h1>\n");
	if (message)
		html_printf(b, "<p class=\"form-error\" role=\"alert\" id=\"signin-error\">%s</p>\n", message);
	html_printf(b, "<form method=\"post\" action=\"/login\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
		    "<p><label for=\"login\">Login name</label>\n<input id=\"login\" name=\"login\" autocomplete=\"username\" "
		    "autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"64\" value=\"%s\"%R></p>\n"
		    "<p><label for=\"password\">Password</label>\n<input id=\"password\" name=\"password\" type=\"password\" "
		    "autocomplete=\"current-password\" required maxlength=\"128\"></p>\n"
		    "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
		    "<p class=\"hint\">Accounts are given by the programme team.</p>\n</div>\n",
		    token, next, login ? login : "", message ? " aria-describedby=\"signin-error\"" : "");
	return html_page_end(r, status);
}

int page_login(struct req *r)
{
	const char *next = auth_local_target(r, req_arg(r, "next"));
	if (r->user.id)
		return reply_redirect(r, 303, next);
	return login_form(r, 200, NULL, NULL, next);
}

/* The keys failed sign-ins are counted under: the login (when it is a valid name) and
 * the client's address. Returns how many were written to keys. */
static int throttle_keys(const struct req *r, const char *login, char keys[2][LOGIN_MAX + 64])
{
	int n = 0;
	if (login)
		snprintf(keys[n++], sizeof keys[0], "login:%s", login);
	snprintf(keys[n++], sizeof keys[0], "addr:%s", r->client);
	return n;
}

/* The seconds to wait before another attempt under any of the keys (0: go ahead). */
static int throttled(struct req *r, char keys[][LOGIN_MAX + 64], int nkeys, int64_t now, int64_t *wait)
{
	*wait = 0;
	for (int i = 0; i < nkeys; i++) {
		int64_t recent[THROTTLE_FAILURES];
		int n, rc = accounts_attempts_recent(r->db, keys[i], now - THROTTLE_WINDOW, recent, &n);
		if (rc)
			return rc;
		int64_t w = throttle_wait(recent, n, now);
		*wait = w > *wait ? w : *wait;
	}
	return STORE_OK;
}

/* Checks the password; an unknown or disabled account costs the same time and fails. */
static int credentials_ok(struct req *r, const char *login, const char *password, struct account *a, int *ok)
{
	char hash[PASSWORD_HASH_MAX];
	int rc = login && strlen(password) <= PASSWORD_MAX_BYTES ? accounts_user_find(r->db, login, a, hash)
								    : STORE_NOT_FOUND;
	if (rc < 0)
		return rc;
	if (rc == STORE_OK) {
		*ok = password_verify(hash, password) && !a->disabled;
	} else {
		password_verify_dummy(password);
		*ok = 0;
	}
	sodium_memzero(hash, sizeof hash);
	return STORE_OK;
}

/* Makes the new session in one transaction: forgets the login's failures and this
 * attempt under the address (addr_attempt), ends expired sessions and the one the
 * browser had, and sets the cookie. */
static int start_session(struct req *r, const struct account *a, const char *login_key, int64_t addr_attempt,
			 int64_t now)
{
	const struct auth_config *cfg = auth_config_of(r);
	char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_MAX], csrf[TOKEN_TEXT_MAX];
	token_new(token, "");
	token_hash(token, hash);
	token_new(csrf, "");
	int rc = db_begin_write(r->db) == DB_OK ? STORE_OK : STORE_UNAVAILABLE;
	if (rc == STORE_OK)
		rc = accounts_attempts_clear(r->db, login_key);
	if (rc == STORE_OK)
		rc = accounts_attempt_remove(r->db, addr_attempt);
	if (rc == STORE_OK)
		rc = accounts_sessions_purge(r->db, now, cfg->session_idle);
	if (rc == STORE_OK && r->session.id)
		rc = accounts_session_delete(r->db, r->session.id);
	if (rc == STORE_OK)
		rc = accounts_session_create(r->db, a->user.id, hash, csrf, now, cfg->session_max);
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_UNAVAILABLE;
	if (rc != STORE_OK)
		db_rollback(r->db);
	else
		auth_set_cookie(r, SESSION_COOKIE, token, "/", "Lax");
	sodium_memzero(token, sizeof token);
	return rc;
}

/* Checks the throttle and, when the attempt may go ahead, records it under every key as
 * failed, all in one write transaction: writers are serialised (BEGIN IMMEDIATE, or the
 * writers' advisory lock on PostgreSQL), so parallel attempts cannot all pass between the
 * count and the record. *wait > 0: refused, nothing recorded. ids: the rows written,
 * for removing this attempt's own once it succeeds. */
static int reserve_attempt(struct req *r, char keys[][LOGIN_MAX + 64], int nkeys, int64_t now, int64_t *wait,
			   int64_t ids[])
{
	int rc = db_begin_write(r->db) == DB_OK ? STORE_OK : STORE_UNAVAILABLE;
	if (rc == STORE_OK)
		rc = throttled(r, keys, nkeys, now, wait);
	for (int i = 0; i < nkeys && rc == STORE_OK && *wait == 0; i++)
		rc = accounts_attempt_add(r->db, keys[i], now, &ids[i]);
	if (rc == STORE_OK && db_commit(r->db) != DB_OK)
		rc = STORE_UNAVAILABLE;
	if (rc != STORE_OK)
		db_rollback(r->db);
	return rc;
}

int page_login_submit(struct req *r)
{
	const char *next = auth_local_target(r, req_form(r, "next"));
	const char *typed = req_form(r, "login"), *password = req_form(r, "password");
	const char *cookie = req_cookie(r, LOGIN_CSRF_COOKIE);
	if (!auth_same_origin(r) || !token_well_formed(cookie, "") || !token_equal(req_form(r, "csrf"), cookie))
		return login_form(r, 403, typed, "This sign-in form had expired or came from another site. "
				  "Please sign in again.", next);
	if (!typed || !*typed || !password || !*password)
		return login_form(r, 422, typed, "Enter your login name and your password.", next);
	char login[LOGIN_MAX + 1], msg[200], keys[2][LOGIN_MAX + 64];
	int valid = login_name_normalise(typed, login, msg, sizeof msg) == 0;
	int nkeys = throttle_keys(r, valid ? login : NULL, keys), ok = 0;
	int64_t now = (int64_t)time(NULL), wait, ids[2];
	int rc = reserve_attempt(r, keys, nkeys, now, &wait, ids);
	if (rc == STORE_OK && wait > 0) {
		char seconds[24], text[160];
		snprintf(seconds, sizeof seconds, "%lld", (long long)wait);
		snprintf(text, sizeof text, "Too many failed sign-ins. Please wait %lld seconds and try again.", (long long)wait);
		req_add_header(r, "Retry-After", seconds);
		return login_form(r, 429, typed, text, next);
	}
	struct account a;
	if (rc == STORE_OK)
		rc = credentials_ok(r, valid ? login : NULL, password, &a, &ok);
	if (rc == STORE_OK && !ok)   /* the attempt stays recorded as failed */
		return login_form(r, 401, typed, wrong_credentials, next);
	if (rc == STORE_OK)
		rc = start_session(r, &a, keys[0], ids[nkeys - 1], now);
	return rc == STORE_OK ? reply_redirect(r, 303, next) : reply_store_error(r, rc);
}

int page_logout(struct req *r)
{
	if (r->auth == AUTH_SESSION) {
		int rc = accounts_session_delete(r->db, r->session.id);
		if (rc)
			return reply_store_error(r, rc);
	}
	auth_set_cookie(r, SESSION_COOKIE, NULL, "/", "Lax");
	return reply_redirect(r, 303, "/");
}
