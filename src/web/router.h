/* router.h: the dispatcher's checks (router.c), run before any handler. */
#ifndef C2C_ROUTER_H
#define C2C_ROUTER_H
#include "web/route.h"

/* Validates the query string against what the route accepts and fills r->list; returns 0,
 * or the status of the error reply already made (400 unknown or repeated parameter,
 * 422 bad value). */
int route_check_query(struct req *r);

#endif
