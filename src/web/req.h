/* req.h: everything about one HTTP request and its response, in one struct that travels
 * through the layers (libmicrohttpd runs handlers on several threads, so nothing
 * per-request is global).
 *
 * The server fills the request half before the handler runs: method, path, the route
 * matched, the {slug} captured, the validated query, the body (raw, and decoded when it is
 * a form), who is asking (user, auth, session: web/auth.c), and a database connection
 * inside the transaction the route asked for. The handler fills the response half through
 * reply.h. Everything is freed in one place, the server's request-completed callback. */
#ifndef C2C_REQ_H
#define C2C_REQ_H
#include "core/account.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdint.h>

#define REQ_ARGS_MAX 32
#define REQ_BODY_MAX_DEFAULT (64 * 1024)
#define REQ_FORM_MAX 2048             /* fields of a form body (an edit form has many rows) */
#define REQ_HEADERS_OUT_MAX 8         /* headers a handler may add (Set-Cookie, Retry-After...) */

struct route;
struct server;

struct req_arg {
	const char *name, *value;
};

/* How the request's user was recognised. */
enum req_auth {
	AUTH_NONE = 0,                /* a visitor */
	AUTH_SESSION,                 /* the session cookie: state changes need the CSRF token */
	AUTH_BEARER,                  /* an API token (Authorization: Bearer): no CSRF token needed */
};

struct req {
	/* request */
	struct server *server;
	void *conn;                   /* struct MHD_Connection * */
	const char *method;
	const char *path;             /* decoded by libmicrohttpd */
	const struct route *route;
	const char *slug;             /* the {slug} of the pattern, if any */
	const char *part;             /* the {part} of the pattern (a word such as a section key) */
	int number;                   /* the {n} of the pattern (a revision number), else 0 */
	struct req_arg args[REQ_ARGS_MAX];
	int nargs;
	struct list_query list;       /* for list routes: validated filters, limit, cursor */
	struct user user;             /* who is asking; role ROLE_ANONYMOUS and id 0 for visitors */
	enum req_auth auth;           /* how user was recognised */
	struct session session;       /* the sign-in session (id 0 for visitors and bearer tokens) */
	const char *body_in;          /* the request body, NUL-terminated (at most route->body_max) */
	size_t body_in_len;
	struct req_arg *form;         /* a form body (x-www-form-urlencoded), decoded, in order; in the arena */
	int nform;
	char client[48];              /* the client's IP address: throttling, the access log */
	struct buf upload;            /* receives the body; body_in points into it */
	struct db *db;                /* for handlers that need the database */
	struct arena arena;           /* per-request memory, freed when the request completes */
	uint64_t started_ns;

	/* response */
	int status;
	const char *content_type;
	struct buf body;
	int no_etag;                  /* set for responses that must not be cached */
	char etag[40];                /* when already known (cache hit, static file); else computed */
	const char *allow;            /* for 405 */
	const char *location;         /* Location header (201, redirects) */
	int no_store;                 /* Cache-Control: no-store, never in the response cache */
	struct req_arg headers_out[REQ_HEADERS_OUT_MAX];   /* more headers, added by req_add_header */
	int nheaders_out;
	size_t body_bytes;            /* sent, for the access log */
	size_t upload_bytes;          /* request body received */
};

const char *req_arg(const struct req *r, const char *name);   /* NULL when absent */
const char *req_header(const struct req *r, const char *name);
const char *req_form(const struct req *r, const char *name);  /* the first field so named, or NULL */
const char *req_cookie(const struct req *r, const char *name);
/* Adds a response header (a Set-Cookie may be added several times). Both strings are
 * copied into the request's arena, the value without CR or LF; past REQ_HEADERS_OUT_MAX
 * headers, more are dropped and logged. */
void req_add_header(struct req *r, const char *name, const char *value);

#endif
