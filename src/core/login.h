/* login.h: the rules of accounts and of signing in that need no database: what a login
 * name and an email address may be, when a session has expired, and when failed
 * sign-ins throttle further attempts. Time is passed in (Unix seconds), never read
 * here, so that tests can set the clock. Pure and thread-safe. */
#ifndef C2C_LOGIN_H
#define C2C_LOGIN_H
#include "core/account.h"

#include <stddef.h>
#include <stdint.h>

#define EMAIL_MAX 254
#define TOKEN_NAME_MAX 100               /* characters of an API token's name */

#define SESSION_IDLE_DEFAULT 1800        /* seconds without a request before a session ends */
#define SESSION_MAX_DEFAULT 43200        /* seconds after sign-in when it ends anyway */
#define SESSION_SECONDS_MAX 31536000     /* a year: the most either limit may be set to */

#define THROTTLE_FAILURES 5              /* failed sign-ins ... */
#define THROTTLE_WINDOW 60               /* ... within this many seconds, per account or address */

/* Checks a login name (1 to LOGIN_MAX of a-z, 0-9, '.', '_', '-', starting with a letter
 * or digit; upper-case ASCII letters are taken as lower case) and writes its stored form
 * into out. 0, or -1 with a sentence starting "the login" in msg. */
int login_name_normalise(const char *in, char out[LOGIN_MAX + 1], char *msg, size_t msgsize);
/* 0 when email looks like an address (one '@', something on each side, no spaces or
 * controls, at most EMAIL_MAX bytes); else -1 with a sentence in msg. */
int login_email_check(const char *email, char *msg, size_t msgsize);

enum session_state {
	SESSION_LIVE,
	SESSION_IDLE,        /* no request for longer than the idle limit */
	SESSION_EXPIRED,     /* past its absolute limit */
};
/* The state at `now` of a session last seen at last_seen, ending at expires_at, under an
 * idle limit of idle seconds. */
enum session_state session_state(int64_t last_seen, int64_t expires_at, int64_t now, int64_t idle);

/* Given the times of the newest failed sign-ins of one key within the window (newest
 * first; n of them, at most THROTTLE_FAILURES are looked at), the seconds to wait before
 * the next attempt is heard, or 0 when it may go ahead. */
int64_t throttle_wait(const int64_t *recent, int n, int64_t now);

#endif
