/* world.h: the world the write tests run in (test_write.c: the JSON API; test_forms.c:
 * the HTML forms; test_plans.c: the action plans), so that all three derive their
 * expectations from the server's own rules and route table.
 *
 * - The rules: src/core/permission.c itself, linked in (permission_scope(),
 *   permission_allows(): the role x action x record table and its ownership rule), and
 *   the route table of src/web/routes.c (routes[], matched by the server's route_match()).
 *   The tests compute the expected answer of every cell from these (w_dispatch, w_allows),
 *   never by hand per cell and never from a copy: a changed rule or a new route changes
 *   the expectations, and a write route that no matrix reaches fails the coverage check
 *   (w_expect_coverage).
 * - The actors: a visitor, a member (paul), the coordinator of Nice (marie), the
 *   coordinator of Rome (romeo) and an admin (ada).
 * - The world: a database of its own with the demo data and a spare programme nobody
 *   refers to, the four accounts made with `c2c user add`, an API token each, and a
 *   running server (w_setup, w_teardown: cmocka set-up and teardown).
 * - Requests with any mix of credentials (w_send), sessions through the sign-in form
 *   (w_sign_in), and the database as the command line sees it: the export and the audit
 *   log (w_snapshot, w_audit_rows), to check that a refused write changed nothing and
 *   that an accepted one is on record.
 *
 * Helpers fail the current cmocka test when the server or the CLI misbehaves; functions
 * returning char * or json_t * return what the caller frees. */
#ifndef C2C_TEST_WORLD_H
#define C2C_TEST_WORLD_H
#include "harness.h"
#include "core/account.h"
#include "web/route.h"

/* ---- the actors ---- */

enum { ANON, MEMBER, NICE, ROME, ADMIN, NACTORS };

struct actor {
	const char *name;          /* for messages */
	const char *login;         /* NULL for the visitor */
	enum role role;            /* core/account.h */
	const char *city;          /* the city a coordinator keeps */
	const char *password;
};
extern const struct actor w_actors[NACTORS];

/* ---- the rules and the routes, as the server has them ---- */

/* The route the server matches for method and path (web/router.c's route_match()), or
 * NULL when none does (404, 405). */
const struct route *w_route(const char *method, const char *path);
/* The action of the role x action table that rt->perm stands for (web/auth.c). */
enum action w_action_of(const struct route *rt);
/* What the dispatcher answers actor a on rt before the handler runs (route.h, web/auth.c):
 * 401 for a visitor where an account is needed, 403 for a role that permission_scope()
 * gives nothing of the route's action on rt->entity, 0 when the handler runs. */
long w_dispatch(const struct actor *a, const struct route *rt);
/* permission_allows() for a's account on rec, a record of e as the server judges it (a
 * city: its "slug"; a cooperation: its "members"; a plan: {"city"} or, for a plan of a
 * cooperation, {"members": that cooperation's}, as web/plan_write.c builds it); rec
 * NULL: the check before the record is known (the scope alone). */
int w_allows(const struct actor *a, enum action action, const struct entity *e, const json_t *rec);

/* Which test program holds the matrices of a route that changes state (any method but
 * GET): "plans" for the routes of plans (API and forms), "write" for the other API
 * routes, "forms" for the other pages (the record forms, sign-in and sign-out). A rule,
 * not a list, so that a new route belongs to one of them at once. */
const char *w_route_suite(const struct route *rt);

/* One cell row of an access-control matrix for the coverage check: the request and the
 * answer each actor expects on a fresh world (0: the row does not run for that actor). */
struct w_cell {
	const char *method;
	char *path;                /* owned; w_cells_free frees it */
	long want[NACTORS];
};
/* One request of a CSRF matrix. */
struct w_csrf_hit {
	const char *method;
	const char *path;
};
/* Fails (listing every gap) unless, for every route of routes[] that changes state and
 * belongs to suite:
 *   - some cell of the access-control matrix reaches it, and for each actor whose role
 *     the rules give the route's action only on their own records (SCOPE_OWN), some cell
 *     is allowed (2xx or 3xx: own) and some refused with 403 (other); every actor the
 *     rules let through has an allowed cell, and every other gets 401 (a visitor) or 403
 *     in every cell;
 *   - some request of the CSRF matrix reaches it;
 * and unless every cell and request reaches such a route (a typo in a path is a 404, not
 * a cell). Prints the routes with their numbers of cells. */
void w_expect_coverage(const char *suite, const struct w_cell *cells, size_t ncells,
		       const struct w_csrf_hit *csrf, size_t ncsrf);
void w_cells_free(struct w_cell *cells, size_t n);

/* ---- the world ---- */

struct world {
	struct h_env env;
	char *token[NACTORS];      /* API token of each account; NULL for the visitor */
};

/* cmocka set-up: a new world in *state, its server started with serve_args (NULL or a
 * NULL-terminated list of further `c2c serve` arguments). */
int w_setup_with(void **state, const char *const *serve_args);
int w_setup(void **state);
/* Stops the server first, so that a sanitizer report or an unclean exit fails the test. */
int w_teardown(void **state);

/* ---- requests ---- */

/* Who a request is from: an API token, or a session cookie with the CSRF token in
 * X-CSRF-Token; and the Origin header. Any may be NULL. */
struct creds {
	const char *bearer, *session, *csrf, *origin;
};

struct call {
	const char *method, *path;
	const char *body;
	const char *type;          /* Content-Type; NULL: application/json with a body; "": none sent */
	const char *if_match;
	const char *extra;         /* one more header line, or NULL */
	struct creds who;
};

/* Sends c; fails the test when no response arrives. Free r with h_resp_free. */
void w_send(struct world *w, struct h_resp *r, const struct call *c);
/* The record at path (an /api/v1 address) as a visitor reads it, and its ETag when etag
 * is not NULL; NULL when there is none (404). */
json_t *w_get_record(struct world *w, const char *path, char **etag);
char *w_etag_of(struct world *w, const char *path);   /* the record must exist */

/* Signs in through the form; returns the session token. */
char *w_sign_in(struct world *w, const struct actor *a);
/* The CSRF token of a signed-in session (the sign-out form's), or NULL when the session
 * is not signed in. */
char *w_session_csrf(struct world *w, const char *session);

/* A signed-in actor: the session and its CSRF token (both NULL for the visitor). */
struct signed_in {
	char *session, *csrf;
};
/* Signs actor (ANON, MEMBER, ...) in through the form; the visitor gets NULLs. */
struct signed_in w_sign_in_as(struct world *w, int actor);
/* Frees what w_sign_in_as gave (the session stays open on the server). */
void w_signed_out(struct signed_in *s);

/* The ways a state-changing request from a session can be forged or come from elsewhere:
 * each with the CSRF token it carries (NULL: none), its Origin (NULL: none), and the
 * error code a JSON answer gives. Built from the session's token, another session's,
 * and a wrong one; the strings stay the caller's. */
#define W_CSRF_CASES 8
struct csrf_case {
	const char *csrf, *origin, *what, *code;
};
void w_csrf_cases(const struct world *w, const char *token, const char *other, const char *wrong,
		  struct csrf_case out[W_CSRF_CASES]);

/* ---- the database, as the command line sees it ---- */

/* Everything a write could change: the export and the whole audit log. */
char *w_snapshot(struct world *w);
/* Fails unless the database is as the snapshot `before` says (what names the culprit). */
void w_expect_unchanged(struct world *w, const char *before, const char *what);
/* The audit log (of one record "kind/slug" when record is not NULL), newest first. */
json_t *w_audit_rows(struct world *w, const char *record);
size_t w_audit_count(struct world *w);
const char *w_singular(const char *kind);   /* "city" for "cities" */
char *w_dump(json_t *j);                      /* compact JSON text, or "(absent)" */

/* Checks the newest audit row of kind/slug: actor, via ("api", "web"), action, and for
 * each field of `fields` (NULL-terminated) changes[field] = {before: old[field], after:
 * new[field]}, a side absent when old or new is NULL. Returns a message, or NULL when
 * right. */
char *w_audit_mismatch(struct world *w, const char *kind, const char *slug, const char *login, const char *via,
		       const char *action, json_t *old, json_t *new, const char *const *fields);
/* Fails unless the audit row is right (see w_audit_mismatch). */
void w_expect_audit(struct world *w, const char *kind, const char *slug, const char *login, const char *via,
		    const char *action, json_t *old, json_t *new, const char *const *fields);

#endif
