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
	ROUTE_DB   = 1 << 2,      /* needs a database connection (in a read transaction) */
	ROUTE_ANY_QUERY = 1 << 3, /* parameters are the handler's business */
	ROUTE_CACHE = 1 << 4,     /* the same for everyone: responses kept until the data changes */
};

enum permission { PERM_PUBLIC = 0 };

struct route {
	const char *method;
	const char *pattern;          /* literal segments and at most one {slug} */
	int (*handler)(struct req *r);
	const struct entity *entity;  /* for generic handlers; may be NULL */
	enum permission perm;
	unsigned flags;               /* ROUTE_* */
	size_t body_max;              /* bytes of request body accepted */
	const char *summary;          /* one line for the OpenAPI document */
};

extern const struct route routes[];   /* ends with a NULL method */

/* Finds the route for method and path; fills r->route and r->slug. Returns 200, 404, or
 * 405 (with r->allow set). */
int route_match(struct req *r);

#endif
