/* auth.h: who is asking, and whether the route lets them: the dispatcher's half of
 * accounts (auth.c), and the sign-in pages (page_login.c).
 *
 * A request is recognised by one of two credentials:
 *   - the session cookie c2c_session (32 random bytes, base64url; HttpOnly, SameSite=Lax,
 *     Path=/, and Secure when the server runs with --secure-cookies), made at sign-in;
 *   - an API token: Authorization: Bearer c2c_... (c2c token create).
 * Both are looked up by their hash; an expired, revoked or unknown one, or one of a
 * disabled account, does not sign anyone in. The dispatcher calls auth_identify() and
 * auth_check() before every handler, so handlers only read r->user and r->auth. */
#ifndef C2C_AUTH_H
#define C2C_AUTH_H
#include "web/req.h"

#include <stdint.h>

#define SESSION_COOKIE "c2c_session"
#define LOGIN_CSRF_COOKIE "c2c_csrf"     /* the sign-in form's token, before any session */

/* Settings of `c2c serve`. */
struct auth_config {
	int64_t session_idle;      /* seconds without a request before a session ends */
	int64_t session_max;       /* seconds after sign-in when a session ends anyway */
	int secure_cookies;        /* the server is reached over HTTPS: cookies get Secure */
	char trusted_proxy[48];    /* a proxy's address whose X-Forwarded-For names the client
				      ("" for none): throttling counts clients, not the proxy */
};

/* Fills r->user, r->auth and r->session from the request's credentials; a visitor stays
 * anonymous. A session cookie that no longer works is cleared. Returns 0, or the HTTP
 * status after replying: 401 for an Authorization header that signs nobody in, 503 when
 * the database cannot be reached. */
int auth_identify(struct req *r);
/* Enforces the route's ROUTE_CSRF flag and its permission (route.h) for r->user. Returns
 * 0, or the status after replying 401, 403 or a redirect to the sign-in page. */
int auth_check(struct req *r);

/* 1 when the request has no Origin header or one naming this server (the scheme aside,
 * the same host and port as the Host header). */
int auth_same_origin(const struct req *r);
/* Adds a Set-Cookie header for name=value with the server's attributes (HttpOnly, the
 * SameSite given, Secure when configured); value NULL clears the cookie. */
void auth_set_cookie(struct req *r, const char *name, const char *value, const char *path, const char *samesite);
const struct auth_config *auth_config_of(const struct req *r);
/* A path on this server to go to after signing in: `next` when it is one ("/..." but not
 * "//..."; at most 1024 bytes; no control characters), with bytes outside printable ASCII
 * percent-encoded so that it can go in a Location header; else "/". From r's arena. */
const char *auth_local_target(struct req *r, const char *next);

/* Route handlers (page_login.c). */
int page_login(struct req *r);          /* GET /login: the sign-in form */
int page_login_submit(struct req *r);   /* POST /login */
int page_logout(struct req *r);         /* POST /logout */

#endif
