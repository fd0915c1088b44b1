/* world.h: the world the write tests run in (test_write.c: the JSON API; test_forms.c:
 * the HTML forms), so that both derive their expectations from one copy of the rules.
 *
 * - The rules: the role x action x record table of src/core/permission.c, copied here as
 *   data (w_scope_of), and its ownership rule (w_owns). The tests compute the expected
 *   answer of every cell from these, never by hand per cell; a change of the rules in
 *   the server that is not made here too shows up as failing cells.
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

/* ---- the rules ---- */

enum role { R_ANONYMOUS, R_MEMBER, R_COORDINATOR, R_ADMIN };
enum action { A_READ_INTERNAL, A_CREATE, A_UPDATE, A_DELETE, A_MANAGE_USERS };
enum scope { S_NONE, S_OWN, S_ALL };

/* The scope the rules give role for action on records of kind (plural, as in the URL:
 * "cities"); the first rule that matches decides, anything not listed is S_NONE. */
enum scope w_scope_of(enum role role, enum action action, const char *kind);

/* ---- the actors ---- */

enum { ANON, MEMBER, NICE, ROME, ADMIN, NACTORS };

struct actor {
	const char *name;          /* for messages */
	const char *login;         /* NULL for the visitor */
	enum role role;
	const char *city;          /* the city a coordinator keeps */
	const char *password;
};
extern const struct actor w_actors[NACTORS];

/* permission.c's owns(): a city is a's when it is one of theirs; a cooperation when one
 * of its members is; nothing else is anyone's. */
int w_owns(const struct actor *a, const char *kind, json_t *rec);

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
