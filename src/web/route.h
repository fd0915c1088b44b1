/* route.h: the route table. Each route names its method, path pattern, handler, the
 * permission it needs, the query it accepts and its limits; the dispatcher enforces all of
 * that before a handler runs, so no handler can forget. The same table produces the
 * OpenAPI document and the route list in the README. */
#ifndef C2C_ROUTE_H
#define C2C_ROUTE_H
#include "core/entity.h"
#include "web/req.h"

enum route_flags {
	ROUTE_API  = 1 << 0,      /* errors as JSON; otherwise as an HTML page */
	ROUTE_LIST = 1 << 1,      /* accepts the entity's filters, limit and cursor */
	ROUTE_DB   = 1 << 2,      /* needs a database connection (in a read transaction, unless
				     ROUTE_WRITE or ROUTE_NO_TX says otherwise) */
	ROUTE_ANY_QUERY = 1 << 3, /* parameters are the handler's business */
	ROUTE_CACHE = 1 << 4,     /* the same for everyone: responses kept until the data changes
				     (never for signed-in users, whose pages name them) */
	/* Changes state. A request signed in by the session cookie must carry the session's
	 * CSRF token (form field `csrf`, or header X-CSRF-Token), and any request that sends
	 * an Origin header must come from this server's own origin; else 403, and the handler
	 * does not run. Bearer-token requests need no token. Never on GET or HEAD. */
	ROUTE_CSRF = 1 << 5,
	ROUTE_WRITE = 1 << 6,     /* with ROUTE_DB: a write transaction instead of the read one,
				     committed only when the handler answers below 400 */
	ROUTE_NO_TX = 1 << 7,     /* with ROUTE_DB: no transaction around the handler; it opens
				     its own (sign-in records failures that must stay) */
	ROUTE_NO_STORE = 1 << 8,  /* answers differ per visitor (a form with a token):
				     Cache-Control: no-store, never in the response cache */
};

/* Who may use a route, checked by the dispatcher (web/auth.c) before the handler runs:
 * a visitor gets 401 (pages reached by GET: a redirect to /login), a signed-in user whose
 * role cannot do the action on the route's entity at all (permission_scope() is
 * SCOPE_NONE) gets 403. Whether a particular record is the user's (SCOPE_OWN) is for the
 * handler to check with permission_allows() once it has the record. */
enum permission {
	PERM_PUBLIC = 0,          /* anyone */
	PERM_SIGNED_IN,           /* any account */
	PERM_READ_INTERNAL,       /* the role x action table decides, for route->entity: */
	PERM_CREATE,
	PERM_UPDATE,
	PERM_DELETE,
	PERM_MANAGE_USERS,
};

struct route {
	const char *method;
	const char *pattern;          /* literal text and at most one each of {slug}, {part}
					 (slug-shaped words) and {n} (a number from 1) */
	int (*handler)(struct req *r);
	const struct entity *entity;  /* for generic handlers; may be NULL */
	enum permission perm;
	unsigned flags;               /* ROUTE_* */
	size_t body_max;              /* bytes of request body accepted */
	const char *summary;          /* one line for the OpenAPI document */
};

extern const struct route routes[];   /* ends with a NULL method */

/* Finds the route for method and path; fills r->route and r->slug. Returns 200, 404, or
 * 405 (with r->allow set to the methods the path takes). */
int route_match(struct req *r);

#endif
