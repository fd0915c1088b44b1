/* auth.c: recognising who sends a request, and enforcing what the route demands of them
 * (CSRF token, same origin, sign-in, role); see auth.h.
 *
 * Lookups run on a pooled connection of their own, before the handler's transaction,
 * and only for requests that carry a credential: a visitor's request costs nothing here,
 * so public pages keep their one-query cache hits. A session lookup also moves the
 * session's last_seen forward (at most once a second) and deletes it once expired. */
#include "web/auth.h"
#include "core/token.h"
#include "store/accounts.h"
#include "util/buf.h"
#include "util/str.h"
#include "web/html.h"
#include "web/reply.h"
#include "web/route.h"
#include "web/server.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LOCAL_TARGET_MAX 1024

const struct auth_config *auth_config_of(const struct req *r)
{
	return server_auth_config(r->server);
}

typedef int (*lookup_fn)(struct req *r, struct db *db, const char *hash);

/* Runs fn on a pooled connection; once more on a fresh one when the first had lost the
 * database (PostgreSQL restarted), as server.c does for handlers. */
static int with_db(struct req *r, lookup_fn fn, const char *hash)
{
	struct store *st = server_store(r->server);
	int rc = STORE_UNAVAILABLE;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct db *db = store_acquire(st);
		rc = db ? fn(r, db, hash) : STORE_UNAVAILABLE;
		if (!store_release(st, db) || rc >= 0)
			break;
	}
	return rc;
}

static int find_session(struct req *r, struct db *db, const char *hash)
{
	return accounts_session_find(db, hash, (int64_t)time(NULL), auth_config_of(r)->session_idle, &r->user,
				     &r->session);
}

static int find_token(struct req *r, struct db *db, const char *hash)
{
	return accounts_token_find(db, hash, (int64_t)time(NULL), &r->user);
}

/* 401 for an Authorization header that signs nobody in (RFC 6750's challenge). */
static int unauthorized(struct req *r, const char *code, const char *message)
{
	char challenge[96];
	snprintf(challenge, sizeof challenge, "Bearer realm=\"c2c\", error=\"%s\"", code);
	req_add_header(r, "WWW-Authenticate", challenge);
	return reply_error(r, 401, code, NULL, "%s", message);
}

/* A bearer token signs its account in; a wrong one is 401 (RFC 6750's challenge). */
static int bearer(struct req *r, const char *authorization)
{
	const char *token = authorization + 7;
	while (*token == ' ')
		token++;
	if (token_well_formed(token, TOKEN_API_PREFIX)) {
		char hash[TOKEN_HASH_MAX];
		token_hash(token, hash);
		int rc = with_db(r, find_token, hash);
		if (rc == STORE_OK) {
			r->auth = AUTH_BEARER;
			return 0;
		}
		if (rc != STORE_NOT_FOUND)
			return reply_store_error(r, rc);
	}
	return unauthorized(r, "invalid_token", "the API token is not valid: unknown, revoked or expired, or its "
			    "account is disabled");
}

int auth_identify(struct req *r)
{
	memset(&r->user, 0, sizeof r->user);
	memset(&r->session, 0, sizeof r->session);
	r->auth = AUTH_NONE;
	/* Other schemes are not ours: a staging site behind HTTP Basic authentication sends
	 * its credentials with every request, and its visitors still see public pages. */
	const char *authorization = req_header(r, "Authorization");
	if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0)
		return bearer(r, authorization);
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	if (!cookie)
		return 0;
	if (token_well_formed(cookie, "")) {
		char hash[TOKEN_HASH_MAX];
		token_hash(cookie, hash);
		int rc = with_db(r, find_session, hash);
		if (rc == STORE_OK) {
			r->auth = AUTH_SESSION;
			return 0;
		}
		if (rc != STORE_NOT_FOUND)
			return reply_store_error(r, rc);
	}
	auth_set_cookie(r, SESSION_COOKIE, NULL, "/", "Lax");   /* ended, or never valid: forget it */
	return 0;
}

/* The scheme://host part of an Origin or Referer value ("http://127.0.0.1:8080"), as a
 * length; 0 when the value has none. */
static size_t origin_part(const char *v)
{
	const char *sep = strstr(v, "://");
	return sep ? (size_t)(sep + 3 - v) + strcspn(sep + 3, "/?#") : 0;
}

/* Whether origin (scheme://host, n bytes) is this server's: the Host it was asked by,
 * over the scheme its clients use (https when the operator said so with
 * --secure-cookies, as behind a TLS proxy; else http). */
static int is_our_origin(const struct req *r, const char *origin, size_t n)
{
	const char *host = req_header(r, "Host");
	const char *scheme = auth_config_of(r)->secure_cookies ? "https://" : "http://";
	size_t sl = strlen(scheme);
	return host && n > sl && strncasecmp(origin, scheme, sl) == 0 && n - sl == strlen(host) &&
	       strncasecmp(origin + sl, host, n - sl) == 0;
}

int auth_same_origin(const struct req *r)
{
	const char *origin = req_header(r, "Origin");
	if (!origin)
		return 1;
	size_t n = origin_part(origin);
	return n == strlen(origin) && is_our_origin(r, origin, n);   /* "null" has no part */
}

/* For a JSON write carried by a session cookie: the browser must show where it comes
 * from (Origin, or failing that Referer) and it must be here. A script has no reason to
 * use the cookie rather than a token, and a page elsewhere cannot forge these headers. */
static int shown_same_origin(const struct req *r)
{
	const char *origin = req_header(r, "Origin"), *referer = req_header(r, "Referer");
	if (origin)
		return auth_same_origin(r);
	return referer && origin_part(referer) && is_our_origin(r, referer, origin_part(referer));
}

static int csrf_check(struct req *r)
{
	if (!auth_same_origin(r))
		return reply_error(r, 403, "foreign_origin", NULL, "this request comes from another site (Origin: %.100s) "
				   "and was refused", req_header(r, "Origin"));
	if (r->auth != AUTH_SESSION)
		return 0;   /* a visitor has nothing to forge; bearer requests are not here */
	const char *token = req_form(r, "csrf");
	if (!token)
		token = req_header(r, "X-CSRF-Token");
	if (!token_equal(token, r->session.csrf))
		return reply_error(r, 403, "csrf_token", NULL, "the request does not carry the CSRF token of your session "
				   "(the form's csrf field, or the X-CSRF-Token header); reload the page and try again");
	if ((r->route->flags & ROUTE_API) && !shown_same_origin(r))
		return reply_error(r, 403, "foreign_origin", NULL, "a write with the session cookie must come from this "
				   "site's pages (an Origin or Referer of this server); scripts send an API token instead");
	return 0;
}

/* The action of the role x action table that a permission stands for. */
static enum action action_of(enum permission p)
{
	switch (p) {
	case PERM_CREATE: return ACT_CREATE;
	case PERM_UPDATE: return ACT_UPDATE;
	case PERM_DELETE: return ACT_DELETE;
	case PERM_MANAGE_USERS: return ACT_MANAGE_USERS;
	default: return ACT_READ_INTERNAL;
	}
}

/* A visitor where an account is needed: pages reached by GET send them to sign in and
 * back; everything else is told. */
static int sign_in_first(struct req *r)
{
	if (!(r->route->flags & ROUTE_API) && strcmp(r->route->method, "GET") == 0) {
		struct buf b = BUF_INIT(LOCAL_TARGET_MAX * 3 + 32);
		buf_puts(&b, "/login?next=");
		html_url_arg(&b, auth_local_target(r, r->path));
		int status = reply_redirect(r, 303, buf_failed(&b) ? "/login" : buf_str(&b));
		buf_free(&b);
		return status;
	}
	req_add_header(r, "WWW-Authenticate", "Bearer realm=\"c2c\"");
	if (!(r->route->flags & ROUTE_API))   /* a form sent after the session ended, most likely */
		return reply_error(r, 401, "unauthenticated", NULL, "you are not signed in (or your session has ended): "
				   "sign in on /login, then send the form again");
	return reply_error(r, 401, "unauthenticated", NULL,
			   "sign in first (on /login), or send an API token: Authorization: Bearer TOKEN");
}

static int permission_check(struct req *r)
{
	enum permission p = r->route->perm;
	if (p == PERM_PUBLIC)
		return 0;
	if (r->user.id == 0)
		return sign_in_first(r);
	if (p == PERM_SIGNED_IN || permission_scope(r->user.role, action_of(p), r->route->entity) != SCOPE_NONE)
		return 0;
	return reply_error(r, 403, "forbidden", NULL, "your account (%s) may not do this", role_name(r->user.role));
}

int auth_check(struct req *r)
{
	if ((r->route->flags & ROUTE_CSRF) && r->auth != AUTH_BEARER && csrf_check(r))
		return r->status;
	return permission_check(r);
}

void auth_set_cookie(struct req *r, const char *name, const char *value, const char *path, const char *samesite)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=%s; HttpOnly; SameSite=%s%s%s", name, value ? value : "", path,
		 samesite, value ? "" : "; Max-Age=0", auth_config_of(r)->secure_cookies ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", cookie);
	r->no_store = 1;
}

const char *auth_local_target(struct req *r, const char *next)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > LOCAL_TARGET_MAX ||
	    utf8_has_control(next) || strpbrk(next, "\r\n\t"))
		return "/";
	char *out = arena_alloc(&r->arena, strlen(next) * 3 + 1), *o = out;
	if (!out)
		return "/";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '<' && *p != '>' && *p != '\\') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
