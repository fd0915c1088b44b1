/* test_forms.c: black-box tests of the HTML forms' writes against the real binary:
 *   POST /{kind}/new, /{kind}/{slug}/edit and /{kind}/{slug}/delete for cities,
 *   cooperations and programmes, POST /login and POST /logout; the conflict page; the
 *   programmes' pages; the audit log at /admin/audit.
 *
 * - The access-control matrix of the forms: five actors (a visitor, a member, the
 *   coordinators of Nice and of Rome, an admin) x every page route of routes.c that
 *   changes state but the plans' (test_plans.c), on their own and on other records, with
 *   valid and invalid input. The expected answer of every cell is computed from the
 *   server's own rules, linked in (world.h: the route's permission, permission_allows()
 *   on the record before and after), never written per cell: a visitor 401 (a form is
 *   posted, and only pages reached by GET redirect to /login), a refusal 403, an accepted
 *   save 303 to the record (a deletion: to the list; signing in and out: to /), invalid
 *   input 422 (the form again, the input kept), a record the demo data still refers to
 *   409. A refused or invalid cell must leave the database as it was (export, audit log,
 *   and the record read back); an accepted one must be stored and in the audit log with
 *   the actor's login, via "web". test_form_matrix_covers_the_rules fails when a route
 *   has no cell or no CSRF request, or lacks an own and an other cell for a role that may
 *   write only its own records.
 * - The CSRF matrix of the forms: the token in the form's field missing, malformed, wrong
 *   or another session's, a foreign or null Origin, and GET on the same address; then
 *   the form's own token from the same origin. The sign-in form likewise, with its
 *   cookie's token (test_login_csrf_matrix).
 * - The conflict page: two people edit one city; the second save answers 409 with both
 *   versions side by side and the second person's input kept in the form; saving that
 *   form stores it. Likewise a deletion confirmed on a page older than the record.
 * - /admin/audit: 403 for members and coordinators, sign-in for visitors; the filters
 *   (user, kind, record, dates) and paging, checked against rows of known dates.
 *
 * Forms are sent as a browser sends them: every field of the record (from the API, the
 * way the edit form shows it) with the user's changes, the session's CSRF token in the
 * form's csrf field and, for an edit, the version the form was made from (etag). The
 * world (database, accounts, server) is world.h's. Runs on SQLite and on PostgreSQL. */
#include "world.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FORM_TYPE "application/x-www-form-urlencoded"

/* ---- forms as a browser sends them ---- */

/* Appends name=value, percent-encoded, to *body. */
static void add_pair(char **body, const char *name, const char *value)
{
	char *n = h_escape(name), *v = h_escape(value);
	char *next = h_strf("%s%s%s=%s", *body, **body ? "&" : "", n, v);
	free(*body), free(n), free(v);
	*body = next;
}

/* A scalar as the text of its form field ("" for null). */
static char *field_text(json_t *v)
{
	if (json_is_string(v))
		return h_strf("%s", json_string_value(v));
	if (json_is_null(v))
		return h_strf("%s", "");
	return json_dumps(v, JSON_ENCODE_ANY);
}

static void add_value(char **body, const char *name, json_t *v)
{
	char *text = field_text(v);
	add_pair(body, name, text);
	free(text);
}

/* The body of a form for rec, its fields named as the edit form names them (form.c):
 * "population", "topics" once per item, "history.2.date" for rows of a list; then the
 * CSRF token and the version the form was made from, when given. */
static char *form_body(json_t *rec, const char *csrf, const char *etag)
{
	char *body = h_strf("%s", "");
	const char *k, *sub;
	json_t *v, *item, *sv;
	size_t i;
	json_object_foreach(rec, k, v) {
		if (!json_is_array(v)) {
			add_value(&body, k, v);
			continue;
		}
		json_array_foreach(v, i, item) {
			if (!json_is_object(item)) {
				add_value(&body, k, item);
				continue;
			}
			json_object_foreach(item, sub, sv) {
				char *name = h_strf("%s.%zu.%s", k, i, sub);
				add_value(&body, name, sv);
				free(name);
			}
		}
	}
	if (csrf)
		add_pair(&body, "csrf", csrf);
	if (etag)
		add_pair(&body, "etag", etag);
	return body;
}

/* Posts a form from a session (NULL: a visitor) with an Origin (NULL: none sent). */
static void post_form(struct world *w, struct h_resp *r, const char *path, const char *body, const char *session,
		      const char *origin)
{
	struct call c = {"POST", path, body, FORM_TYPE, NULL, NULL, {.session = session, .origin = origin}};
	w_send(w, r, &c);
}

/* GETs a page from a session; fails the test unless it answers `status`. */
static void get_page(struct world *w, struct h_resp *r, const char *path, const char *session, long status)
{
	struct call c = {"GET", path, NULL, NULL, NULL, NULL, {.session = session}};
	w_send(w, r, &c);
	if (r->status != status)
		fail_msg("GET %s: status %ld, expected %ld: %.300s", path, r->status, status, r->body);
}

/* ---- the access-control matrix ---- */

enum form { F_NEW, F_EDIT, F_DELETE };   /* POST /{kind}/new, /{kind}/{slug}/edit, .../delete */

/* One form write of the matrix: what the user types into the form of a new record, or
 * changes in the edit form of a stored one, or a confirmed deletion. */
static const struct form_write {
	const char *what;
	const char *kind;          /* cities, cooperations, programmes */
	const char *slug;          /* the record created, edited or deleted */
	enum form form;
	const char *typed;         /* JSON: the fields typed (for an edit, over the stored ones) */
	const char *bad;           /* for input a rule refuses: the text the form must keep; else NULL */
	const char *field;         /* a field the audit row must show before and after */
	long kept;                 /* 409 when the record's own rules keep it (still referred to); else 0 */
} form_writes[] = {
	{"create a city", "cities", "lyon", F_NEW,
	 "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\", \"population\": 522000}", NULL, "population", 0},
	{"create a city of many people", "cities", "valence", F_NEW,
	 "{\"slug\": \"valence\", \"name\": \"Valence\", \"population\": \"many people\"}", "many people", NULL, 0},
	{"create a cooperation of Nice", "cooperations", "nice-tianjin", F_NEW,
	 "{\"slug\": \"nice-tianjin\", \"kind\": \"pairing\", \"name\": \"Nice - Tianjin\", \"members\": [\"nice\", \"tianjin\"]}",
	 NULL, "members", 0},
	{"create a cooperation of Rome", "cooperations", "rome-tianjin", F_NEW,
	 "{\"slug\": \"rome-tianjin\", \"kind\": \"pairing\", \"name\": \"Rome - Tianjin\", \"members\": [\"rome\", \"tianjin\"]}",
	 NULL, "members", 0},
	{"create a cooperation of Rome that ends before it starts", "cooperations", "rome-kunming", F_NEW,
	 "{\"slug\": \"rome-kunming\", \"kind\": \"pairing\", \"name\": \"Rome - Kunming\", \"members\": [\"rome\", \"kunming\"], "
	 "\"start_date\": \"2020\", \"end_date\": \"1999\"}", "1999", NULL, 0},
	{"create a cooperation of neither Nice nor Rome", "cooperations", "granada-yantai", F_NEW,
	 "{\"slug\": \"granada-yantai\", \"kind\": \"pairing\", \"name\": \"Granada - Yantai\", "
	 "\"members\": [\"granada\", \"yantai\"]}", NULL, "members", 0},
	{"edit the city nice", "cities", "nice", F_EDIT, "{\"population\": 545000}", NULL, "population", 0},
	{"edit the city nice: a population of many people", "cities", "nice", F_EDIT, "{\"population\": \"many people\"}",
	 "many people", NULL, 0},
	{"edit the city rome", "cities", "rome", F_EDIT, "{\"population\": 2750000}", NULL, "population", 0},
	{"edit the cooperation nice-haikou", "cooperations", "nice-haikou", F_EDIT, "{\"status\": \"dormant\"}", NULL, "status", 0},
	{"edit the cooperation haikou-eu-cluster (of Nice and of Rome)", "cooperations", "haikou-eu-cluster", F_EDIT,
	 "{\"round\": \"Pilot cities 2018, second wave\"}", NULL, "round", 0},
	{"add rome to the cooperation nice-china-cluster", "cooperations", "nice-china-cluster", F_EDIT,
	 "{\"members\": [\"nice\", \"haikou\", \"kunming\", \"zhengzhou\", \"rome\"]}", NULL, "members", 0},
	{"move the cooperation nice-haikou away from nice", "cooperations", "nice-haikou", F_EDIT,
	 "{\"name\": \"Kunming - Haikou\", \"members\": [\"haikou\", \"kunming\"], \"member_roles\": "
	 "[{\"city\": \"haikou\", \"role\": \"Partner city\"}, {\"city\": \"kunming\", \"role\": \"Partner city\"}]}",
	 NULL, "members", 0},
	{"create a programme", "programmes", "iuc-latam", F_NEW,
	 "{\"slug\": \"iuc-latam\", \"name\": \"IUC Latin America and the Caribbean\", \"short_name\": \"IUC LAC\", "
	 "\"rounds\": [{\"name\": \"First round\", \"year\": 2017}]}", NULL, "rounds", 0},
	{"edit the programme iuc-asia", "programmes", "iuc-asia", F_EDIT, "{\"short_name\": \"IUC-Asia\"}", NULL, "short_name", 0},
	{"edit the programme iuc-asia: a web site that is no web address", "programmes", "iuc-asia", F_EDIT,
	 "{\"url\": \"ftp://iuc.example\"}", "ftp://iuc.example", NULL, 0},
	{"delete the unused city liuzhou", "cities", "liuzhou", F_DELETE, NULL, NULL, "name", 0},
	{"delete the city haikou, still in cooperations", "cities", "haikou", F_DELETE, NULL, NULL, NULL, 409},
	{"delete the cooperation nice-haikou", "cooperations", "nice-haikou", F_DELETE, NULL, NULL, "members", 0},
	{"delete the unused programme spare", "programmes", "spare", F_DELETE, NULL, NULL, "name", 0},
	{"delete the programme iuc-asia, still referred to", "programmes", "iuc-asia", F_DELETE, NULL, NULL, NULL, 409},
};
#define NFORM_WRITES (sizeof form_writes / sizeof *form_writes)

static char *form_path(const struct form_write *fw);

/* The route fw is posted to (routes.c); the test fails when there is none. */
static const struct route *route_of(const struct form_write *fw)
{
	char *path = form_path(fw);
	const struct route *rt = w_route("POST", path);
	if (!rt)
		fail_msg("%s: no route takes POST %s", fw->what, path);
	free(path);
	return rt;
}

/* The answer the rules give actor a for fw, on the stored record old (NULL for a new one)
 * becoming new, computed from the server's rules (world.h). The order is the server's: a
 * visitor is told to sign in (401; only pages reached by GET redirect to /login, see
 * web/auth.c); a role the rules give nothing of the route's action is refused before the
 * form is read (403); so is a stored record that permission_allows() says is not the
 * user's; input a rule refuses comes back as the form with its errors (422) before the
 * new record's ownership is judged, since only a valid record has one; a record that
 * would no longer be the user's is refused (403); a record others still refer to is kept
 * (409, the confirmation again: the demo data decides, see form_writes); else it is
 * saved or deleted, and the browser sent to the record, or to the list it was in (303). */
static long expected(const struct actor *a, const struct form_write *fw, json_t *old, json_t *new)
{
	const struct route *rt = route_of(fw);
	long refused = w_dispatch(a, rt);
	if (refused)
		return refused;
	enum action act = w_action_of(rt);
	if (!w_allows(a, act, rt->entity, old))
		return 403;
	if (fw->bad)
		return 422;
	if (new && !w_allows(a, act, rt->entity, new))
		return 403;
	return fw->kept ? fw->kept : 303;
}

/* The record the form would save: what was typed, over the stored one for an edit;
 * NULL for a deletion. */
static json_t *typed_record(const struct form_write *fw, json_t *old)
{
	if (fw->form == F_DELETE)
		return NULL;
	json_t *typed = json_loads(fw->typed, 0, NULL);
	if (!json_is_object(typed))
		fail_msg("%s: the test's input is not a JSON object", fw->what);
	if (!old)
		return typed;
	json_t *merged = json_deep_copy(old);
	json_object_update(merged, typed);
	json_decref(typed);
	return merged;
}

/* A refused or invalid save: the answer's form, nothing of a record the user may not
 * see, and nothing changed (snapshot, and the record read back). */
static char *check_not_saved(struct world *w, const struct actor *a, const struct form_write *fw,
			     const struct h_resp *r, json_t *old, const char *before)
{
	const char *type = h_header(r, "Content-Type");
	if (!type || strncmp(type, "text/html", 9) != 0 || h_header(r, "Location"))
		return h_strf("the answer should be an HTML page without a Location (Content-Type %s)", type ? type : "-");
	if (r->status == 401 && !strstr(r->body, "/login"))
		return h_strf("a visitor should be told to sign in on /login: %.300s", r->body);
	if (r->status == 422 && (!strstr(r->body, "class=\"field-error\"") || !strstr(r->body, fw->bad)))
		return h_strf("the form should come back with the error beside the field and \"%s\" kept", fw->bad);
	if (r->status == 409 && (!strstr(r->body, "was not deleted") || !strstr(r->body, "refer to it")))
		return h_strf("the confirmation should come back saying why the record stays: %.300s", r->body);
	const char *name = json_string_value(json_object_get(old, "name"));
	int theirs = old && a->role != ROLE_ANONYMOUS && w_allows(a, ACT_UPDATE, route_of(fw)->entity, old);
	if (!theirs && name && strstr(r->body, name))
		return h_strf("the refusal reveals the record (its name %s)", name);
	char *after = w_snapshot(w);
	char *why = strcmp(before, after) != 0 ? h_strf("the database changed (export or audit log)") : NULL;
	free(after);
	char *item = h_strf("/api/v1/%s/%s", fw->kind, fw->slug);
	json_t *now = w_get_record(w, item, NULL);
	if (!why && (old ? !json_equal(now, old) : now != NULL))
		why = h_strf("reading %s back shows a change", item);
	json_decref(now);
	free(item);
	return why;
}

/* An accepted save: a redirect to the record's page, the record as typed (for an edit,
 * with every field the user did not touch as it was), and one audit row naming the user,
 * via the web. */
static char *check_saved(struct world *w, const struct actor *a, const struct form_write *fw, const struct h_resp *r,
			 json_t *old, json_t *typed, size_t audit_before)
{
	char *page = h_strf("/%s/%s", fw->kind, fw->slug), *item = h_strf("/api/v1/%s/%s", fw->kind, fw->slug);
	const char *loc = h_header(r, "Location");
	json_t *now = w_get_record(w, item, NULL);
	char *why = NULL;
	const char *k;
	json_t *v;
	if (!loc || strcmp(loc, page) != 0)
		why = h_strf("Location is %s, expected %s", loc ? loc : "missing", page);
	else if (!now)
		why = h_strf("GET %s after the save: 404", item);
	json_object_foreach(typed, k, v)
		if (!why && !json_equal(json_object_get(now, k) ? json_object_get(now, k) : json_null(), v)) {
			char *want = w_dump(v), *got = w_dump(json_object_get(now, k));
			why = h_strf("after the save %s is %s, expected %s", k, got, want);
			free(want), free(got);
		}
	if (!why && w_audit_count(w) != audit_before + 1)
		why = h_strf("the save should add exactly one audit row");
	if (!why) {
		const char *fields[] = {fw->field, NULL};
		why = w_audit_mismatch(w, fw->kind, fw->slug, a->login, "web", old ? "update" : "create", old, now, fields);
	}
	json_decref(now);
	free(page), free(item);
	return why;
}

/* An accepted deletion: a redirect to the list the record was in (the directory for a
 * cooperation), the record gone, and one audit row naming the user, via the web. */
static char *check_deleted(struct world *w, const struct actor *a, const struct form_write *fw,
			   const struct h_resp *r, json_t *old, size_t audit_before)
{
	char *list = h_strf("/%s", strcmp(fw->kind, "cooperations") == 0 ? "" : fw->kind);
	char *item = h_strf("/api/v1/%s/%s", fw->kind, fw->slug);
	const char *loc = h_header(r, "Location");
	json_t *now = w_get_record(w, item, NULL);
	char *why = NULL;
	if (!loc || strcmp(loc, list) != 0)
		why = h_strf("Location is %s, expected %s", loc ? loc : "missing", list);
	else if (now)
		why = h_strf("GET %s after the deletion: still there", item);
	else if (w_audit_count(w) != audit_before + 1)
		why = h_strf("the deletion should add exactly one audit row");
	if (!why) {
		const char *fields[] = {fw->field, NULL};
		why = w_audit_mismatch(w, fw->kind, fw->slug, a->login, "web", "delete", old, NULL, fields);
	}
	json_decref(now);
	free(list), free(item);
	return why;
}

static char *form_path(const struct form_write *fw)
{
	if (fw->form == F_NEW)
		return h_strf("/%s/new", fw->kind);
	return h_strf("/%s/%s/%s", fw->kind, fw->slug, fw->form == F_EDIT ? "edit" : "delete");
}

/* Sends one cell of the matrix and checks it; returns why it went wrong, or NULL. */
static char *run_cell(struct world *w, int actor, const struct signed_in *s, const struct form_write *fw)
{
	const struct actor *a = &w_actors[actor];
	char *item = h_strf("/api/v1/%s/%s", fw->kind, fw->slug), *etag = NULL;
	json_t *old = fw->form == F_NEW ? NULL : w_get_record(w, item, &etag);
	if (fw->form != F_NEW && !old)
		fail_msg("%s: the matrix expects %s to exist", fw->what, item);
	json_t *typed = typed_record(fw, old), *nothing = json_object();
	long want = expected(a, fw, old, typed);
	char *before = want != 303 ? w_snapshot(w) : NULL;   /* what a refusal or invalid input must leave */
	char *body = form_body(typed ? typed : nothing, s->csrf, etag), *path = form_path(fw);
	size_t audit_before = want == 303 ? w_audit_count(w) : 0;
	struct h_resp r;
	post_form(w, &r, path, body, s->session, w->env.base);
	char *why;
	if (r.status != want)
		why = h_strf("status %ld, expected %ld: %.300s", r.status, want, r.body);
	else if (want == 303 && fw->form == F_DELETE)
		why = check_deleted(w, a, fw, &r, old, audit_before);
	else if (want == 303)
		why = check_saved(w, a, fw, &r, old, typed, audit_before);
	else
		why = check_not_saved(w, a, fw, &r, old, before);
	if (why)
		fprintf(stderr, "  MATRIX %s | %s (POST %s): %s\n", a->name, fw->what, path, why);
	else
		fprintf(stderr, "  ok %s | %s: %ld\n", a->name, fw->what, want);
	h_resp_free(&r);
	json_decref(old), json_decref(typed), json_decref(nothing);
	free(item), free(etag), free(before), free(body), free(path);
	return why;
}

/* ---- signing in and out, in the same matrix ----
 *
 * The two routes without a record (PERM_PUBLIC in routes.c, so the rules let everyone
 * through: 303), one cell per actor, as there is no own or other: signing in with the
 * actor's own login and password (the visitor: paul's, which is how a visitor becomes
 * him), and signing out of the actor's own session (the visitor: of none). Neither
 * changes a record: the export and the audit log must stay as they were. */

static const struct session_write {
	const char *what, *path;
} session_writes[] = {
	{"sign in (the visitor: as paul)", "/login"},
	{"sign out", "/logout"},   /* last: it ends the session the other cells use */
};
#define NSESSION_WRITES (sizeof session_writes / sizeof *session_writes)

static long session_expected(const struct actor *a, const struct session_write *sw)
{
	const struct route *rt = w_route("POST", sw->path);
	if (!rt)
		fail_msg("%s: no route takes POST %s", sw->what, sw->path);
	long refused = w_dispatch(a, rt);
	return refused ? refused : 303;
}

/* A new sign-in form's token: the c2c_csrf cookie GET /login sets (free it). */
static char *login_token(struct world *w)
{
	struct h_resp r;
	h_get(&w->env, &r, "/login", 200);
	char *token = h_cookie(&r, "c2c_csrf");
	h_resp_free(&r);
	if (!token || !*token)
		fail_msg("GET /login: no c2c_csrf cookie");
	return token;
}

/* Posts the sign-in form of `as` with the form's token `cookie` (the c2c_csrf cookie),
 * the field csrf (NULL: none) and an Origin (NULL: none), from session (NULL: none). */
static void post_login(struct world *w, struct h_resp *r, const struct actor *as, const char *cookie, const char *csrf,
		       const char *origin, const char *session)
{
	char *body = h_strf("%s", "");
	if (csrf)
		add_pair(&body, "csrf", csrf);
	add_pair(&body, "login", as->login);
	add_pair(&body, "password", as->password);
	add_pair(&body, "next", "/");
	char *cookies = session ? h_strf("Cookie: c2c_session=%s; c2c_csrf=%s", session, cookie)
				: h_strf("Cookie: c2c_csrf=%s", cookie);
	char *from = origin ? h_strf("Origin: %s", origin) : NULL;
	const char *headers[] = {"Content-Type: " FORM_TYPE, cookies, from, NULL};
	if (h_request(&w->env, r, "POST", "/login", headers, body))
		fail_msg("POST /login: no response");
	free(body), free(cookies), free(from);
}

/* Sends one sign-in or sign-out cell and checks it; returns why it went wrong, or NULL. */
static char *run_session_cell(struct world *w, int actor, const struct signed_in *s, const struct session_write *sw)
{
	const struct actor *a = &w_actors[actor];
	long want = session_expected(a, sw);
	int login = strcmp(sw->path, "/login") == 0;
	char *before = w_snapshot(w), *why = NULL, *made = NULL;
	struct h_resp r;
	if (login) {
		char *token = login_token(w);
		post_login(w, &r, actor == ANON ? &w_actors[MEMBER] : a, token, token, w->env.base, s->session);
		free(token);
	} else {
		char *body = h_strf("%s", "");
		if (s->csrf)
			add_pair(&body, "csrf", s->csrf);
		post_form(w, &r, "/logout", body, s->session, w->env.base);
		free(body);
	}
	const char *loc = h_header(&r, "Location");
	if (r.status != want)
		why = h_strf("status %ld, expected %ld: %.300s", r.status, want, r.body);
	else if (want == 303 && (!loc || strcmp(loc, "/") != 0))
		why = h_strf("Location is %s, expected /", loc ? loc : "missing");
	else if (want == 303 && login && (!(made = h_cookie(&r, "c2c_session")) || !*made ||
					  (s->session && strcmp(made, s->session) == 0)))
		why = h_strf("signing in should make a new session (c2c_session %s)", made ? made : "not set");
	if (!why && want == 303 && !login && s->session) {
		char *still = w_session_csrf(w, s->session);
		if (still)
			why = h_strf("after signing out the session is still signed in");
		free(still);
	}
	if (!why) {
		char *after = w_snapshot(w);
		if (strcmp(before, after) != 0)
			why = h_strf("the database changed (export or audit log)");
		free(after);
	}
	if (why)
		fprintf(stderr, "  MATRIX %s | %s (POST %s): %s\n", a->name, sw->what, sw->path, why);
	else
		fprintf(stderr, "  ok %s | %s: %ld\n", a->name, sw->what, want);
	h_resp_free(&r);
	free(before), free(made);
	return why;
}

/* Runs every form write of the matrix as actor, in order, on the test's own database,
 * then signs in and out. Cells that go wrong are all listed before the test fails. */
static void run_form_matrix(struct world *w, int actor)
{
	struct signed_in s = w_sign_in_as(w, actor);
	int failures = 0;
	for (size_t i = 0; i < NFORM_WRITES; i++) {
		char *why = run_cell(w, actor, &s, &form_writes[i]);
		failures += why != NULL;
		free(why);
	}
	for (size_t i = 0; i < NSESSION_WRITES; i++) {
		char *why = run_session_cell(w, actor, &s, &session_writes[i]);
		failures += why != NULL;
		free(why);
	}
	w_signed_out(&s);
	if (failures)
		fail_msg("%d of %zu cells of the forms' access-control matrix for %s went wrong (listed above)", failures,
			 NFORM_WRITES + NSESSION_WRITES, w_actors[actor].name);
}

static void test_form_matrix_visitor(void **state) { run_form_matrix(*state, ANON); }
static void test_form_matrix_member(void **state) { run_form_matrix(*state, MEMBER); }
static void test_form_matrix_coordinator_of_nice(void **state) { run_form_matrix(*state, NICE); }
static void test_form_matrix_coordinator_of_rome(void **state) { run_form_matrix(*state, ROME); }
static void test_form_matrix_admin(void **state) { run_form_matrix(*state, ADMIN); }

/* ---- the CSRF matrix ---- */

static const struct csrf_form {
	const char *path;          /* the form's address (its action) */
	const char *record;        /* the API address of the record it edits; NULL: a new one or none */
	const char *typed;         /* JSON: what the user types; NULL: a confirmation (token and version) */
	const char *audit;         /* the audit record the save touches; NULL for /logout */
} csrf_forms[] = {
	{"/cities/new", NULL, "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\"}", "city/lyon"},
	{"/cooperations/new", NULL,
	 "{\"slug\": \"nice-tianjin\", \"kind\": \"pairing\", \"name\": \"Nice - Tianjin\", \"members\": [\"nice\", \"tianjin\"]}",
	 "cooperation/nice-tianjin"},
	{"/cities/nice/edit", "/api/v1/cities/nice", "{\"population\": 545000}", "city/nice"},
	{"/cooperations/nice-haikou/edit", "/api/v1/cooperations/nice-haikou", "{\"status\": \"dormant\"}",
	 "cooperation/nice-haikou"},
	{"/programmes/new", NULL, "{\"slug\": \"iuc-latam\", \"name\": \"IUC Latin America\"}", "programme/iuc-latam"},
	{"/programmes/iuc-asia/edit", "/api/v1/programmes/iuc-asia", "{\"short_name\": \"IUC-Asia\"}", "programme/iuc-asia"},
	{"/cities/liuzhou/delete", "/api/v1/cities/liuzhou", NULL, "city/liuzhou"},
	/* nice-haikou: no plan refers to it (the demo's plans name the clusters) */
	{"/cooperations/nice-haikou/delete", "/api/v1/cooperations/nice-haikou", NULL, "cooperation/nice-haikou"},
	{"/programmes/spare/delete", "/api/v1/programmes/spare", NULL, "programme/spare"},
	{"/logout", NULL, "{}", NULL},
};
#define NCSRF_FORMS (sizeof csrf_forms / sizeof *csrf_forms)

/* What GET on a form's address answers the admin: the page of a GET route there (the
 * form, or the confirmation), else 405 (routes.c). */
static long get_answer(const char *path)
{
	return w_route("GET", path) ? 200 : 405;
}

/* The form's body for f with the given token, and its record's ETag (etag: free it). */
static char *csrf_body(struct world *w, const struct csrf_form *f, const char *csrf, char **etag)
{
	*etag = NULL;
	json_t *typed = json_loads(f->typed ? f->typed : "{}", 0, NULL);
	json_t *rec = f->record ? w_get_record(w, f->record, etag) : NULL;
	if (rec && !f->typed)   /* a confirmation sends no fields */
		json_object_clear(rec);
	if (rec)
		json_object_update(rec, typed);
	char *body = form_body(rec ? rec : typed, csrf, *etag);
	json_decref(typed), json_decref(rec);
	return body;
}

/* The token the form at f->path carries, as the browser would send it back. */
static char *form_token(struct world *w, const struct csrf_form *f, const char *session)
{
	if (get_answer(f->path) != 200)   /* no page of its own (sign-out: the header's form) */
		return w_session_csrf(w, session);
	struct h_resp r;
	get_page(w, &r, f->path, session, 200);
	char *action = h_strf("action=\"%s\"", f->path), *csrf = h_hidden_csrf(r.body, action);
	if (!csrf)
		fail_msg("GET %s: the form posting to %s has no csrf field", f->path, f->path);
	h_resp_free(&r);
	free(action);
	return csrf;
}

/* Every forged or foreign variant of f's request is refused (403) and changes nothing;
 * GET on the same address changes nothing either. */
static void csrf_refusals(struct world *w, const struct csrf_form *f, const struct csrf_case *bad, const char *session)
{
	char *before = w_snapshot(w);
	for (int b = 0; b < W_CSRF_CASES; b++) {
		char *etag, *body = csrf_body(w, f, bad[b].csrf, &etag), *what = h_strf("POST %s with %s", f->path, bad[b].what);
		struct h_resp r;
		post_form(w, &r, f->path, body, session, bad[b].origin);
		if (r.status != 403 || h_header(&r, "Set-Cookie") || h_header(&r, "Location"))
			fail_msg("%s: status %ld (expected 403, nothing done)", what, r.status);
		h_resp_free(&r);
		w_expect_unchanged(w, before, what);
		free(etag), free(body), free(what);
	}
	struct h_resp r;
	char *override = h_strf("X-HTTP-Method-Override: POST");
	struct call get = {"GET", f->path, NULL, NULL, NULL, override, {.session = session, .origin = w->env.base}};
	w_send(w, &r, &get);
	if (r.status != get_answer(f->path))
		fail_msg("GET %s: status %ld, expected %ld", f->path, r.status, get_answer(f->path));
	h_resp_free(&r);
	w_expect_unchanged(w, before, "GET on a form's address");
	free(override), free(before);
}

/* The right token from the same origin: saved, on record as ada's, via the web. */
static void csrf_accepted(struct world *w, const struct csrf_form *f, const char *session)
{
	char *token = form_token(w, f, session), *etag, *body = csrf_body(w, f, token, &etag);
	struct h_resp r;
	post_form(w, &r, f->path, body, session, w->env.base);
	if (r.status != 303)
		fail_msg("POST %s with the form's own token from the same origin: status %ld: %.300s", f->path, r.status, r.body);
	h_resp_free(&r);
	if (f->audit) {
		json_t *rows = w_audit_rows(w, f->audit), *row = json_array_get(rows, 0);
		if (!row || strcmp(json_string_value(json_object_get(row, "actor")), "ada") != 0 ||
		    strcmp(json_string_value(json_object_get(row, "via")), "web") != 0)
			fail_msg("POST %s: the audit log should name ada, via web", f->path);
		json_decref(rows);
	} else if (w_session_csrf(w, session)) {
		fail_msg("POST /logout with the right token: the session is still signed in");
	}
	free(token), free(etag), free(body);
}

static void test_form_csrf_matrix(void **state)
{
	struct world *w = *state;
	struct signed_in ada = w_sign_in_as(w, ADMIN), paul = w_sign_in_as(w, MEMBER);
	assert_string_not_equal(ada.csrf, paul.csrf);
	char *wrong = h_strf("%s", ada.csrf);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';   /* well-formed, one character off */
	struct csrf_case bad[W_CSRF_CASES];
	w_csrf_cases(w, ada.csrf, paul.csrf, wrong, bad);
	for (size_t i = 0; i < NCSRF_FORMS; i++) {
		csrf_refusals(w, &csrf_forms[i], bad, ada.session);
		char *still = w_session_csrf(w, ada.session);
		if (!still || strcmp(still, ada.csrf) != 0)
			fail_msg("after the refused posts to %s ada's session (and its token) should be as before",
				 csrf_forms[i].path);
		free(still);
		csrf_accepted(w, &csrf_forms[i], ada.session);
	}
	char *paul_now = w_session_csrf(w, paul.session);
	if (!paul_now || strcmp(paul_now, paul.csrf) != 0)
		fail_msg("paul's session should be untouched");
	free(paul_now), free(wrong);
	w_signed_out(&ada), w_signed_out(&paul);
}

/* The sign-in form has no session to take a token from: its token is the c2c_csrf
 * cookie (web/page_login.c), sent back in the form's csrf field. The same forgeries as
 * for the other forms, with another sign-in form's token for "another session's", are
 * refused (403) and sign nobody in; GET /login signs nobody in; the form's own token
 * from the same origin does. */
static void test_login_csrf_matrix(void **state)
{
	struct world *w = *state;
	char *token = login_token(w), *other = login_token(w), *wrong = h_strf("%s", token);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_string_not_equal(token, other);
	struct csrf_case bad[W_CSRF_CASES];
	w_csrf_cases(w, token, other, wrong, bad);
	const struct actor *ada = &w_actors[ADMIN];
	char *before = w_snapshot(w);
	struct h_resp r;
	for (int b = 0; b < W_CSRF_CASES; b++) {
		post_login(w, &r, ada, token, bad[b].csrf, bad[b].origin, NULL);
		char *session = h_cookie(&r, "c2c_session");
		if (r.status != 403 || (session && *session) || h_header(&r, "Location"))
			fail_msg("POST /login with %s: status %ld, session %s (expected 403, nobody signed in)", bad[b].what,
				 r.status, session ? session : "none");
		free(session);
		h_resp_free(&r);
	}
	char *cookie = h_strf("Cookie: c2c_csrf=%s", token);
	const char *headers[] = {cookie, "X-HTTP-Method-Override: POST", NULL};
	if (h_request(&w->env, &r, "GET", "/login?login=ada", headers, NULL))
		fail_msg("GET /login: no response");
	char *none = h_cookie(&r, "c2c_session");
	if (r.status != get_answer("/login") || (none && *none))
		fail_msg("GET /login: status %ld, session %s", r.status, none ? none : "none");
	h_resp_free(&r);
	w_expect_unchanged(w, before, "the refused sign-ins");
	post_login(w, &r, ada, token, token, w->env.base, NULL);
	char *session = h_cookie(&r, "c2c_session"), *csrf = session ? w_session_csrf(w, session) : NULL;
	if (r.status != 303 || !csrf)
		fail_msg("POST /login with the form's own token from the same origin: status %ld, no working session", r.status);
	h_resp_free(&r);
	free(token), free(other), free(wrong), free(before), free(cookie), free(none), free(session), free(csrf);
}

/* ---- the matrices against the rules and the route table ---- */

/* The matrices must hold what the issue asks for, for every page route of routes.c that
 * changes state (but the plans', test_plans.c): a cell of the access-control matrix and
 * a request of the CSRF matrix for each, and for both coordinators cells on their own
 * records (allowed) and on others' (403), as the rules decide them on the demo data
 * (w_expect_coverage); and input a rule refuses (422) for everyone who may write. Prints
 * the expected answers. */
static void test_form_matrix_covers_the_rules(void **state)
{
	struct world *w = *state;
	size_t n = NFORM_WRITES + NSESSION_WRITES;
	struct w_cell *cells = calloc(n, sizeof *cells);
	struct w_csrf_hit hits[NCSRF_FORMS + 1];
	int invalid[NACTORS] = {0}, saved[NACTORS] = {0};
	fprintf(stderr, "  %-62s visitor member nice rome admin\n", "expected, from the rules and the demo data:");
	for (size_t i = 0; i < n; i++) {
		const struct form_write *fw = i < NFORM_WRITES ? &form_writes[i] : NULL;
		const struct session_write *sw = fw ? NULL : &session_writes[i - NFORM_WRITES];
		char *item = fw ? h_strf("/api/v1/%s/%s", fw->kind, fw->slug) : NULL;
		json_t *old = fw && fw->form != F_NEW ? w_get_record(w, item, NULL) : NULL;
		json_t *typed = fw ? typed_record(fw, old) : NULL;
		cells[i].method = "POST";
		cells[i].path = fw ? form_path(fw) : h_strf("%s", sw->path);
		fprintf(stderr, "  %-62s", fw ? fw->what : sw->what);
		for (int a = 0; a < NACTORS; a++) {
			long want = fw ? expected(&w_actors[a], fw, old, typed) : session_expected(&w_actors[a], sw);
			cells[i].want[a] = want;
			invalid[a] += want == 422;
			saved[a] += want == 303 && fw;
			fprintf(stderr, " %*ld", a == ANON ? 7 : a == MEMBER ? 6 : a == ADMIN ? 5 : 4, want);
		}
		fputc('\n', stderr);
		json_decref(old), json_decref(typed);
		free(item);
	}
	for (size_t i = 0; i < NCSRF_FORMS; i++)
		hits[i] = (struct w_csrf_hit){"POST", csrf_forms[i].path};
	hits[NCSRF_FORMS] = (struct w_csrf_hit){"POST", "/login"};   /* test_login_csrf_matrix */
	w_expect_coverage("forms", cells, n, hits, NCSRF_FORMS + 1);
	for (int a = 0; a < NACTORS; a++)
		if (saved[a] && !invalid[a])
			fail_msg("%s may save forms, but no cell sends them input a rule refuses (422)", w_actors[a].name);
	w_cells_free(cells, n);
}

/* ---- the programmes' pages ---- */

/* Fails unless GET path as s answers status and has (or lacks) the text. */
static void expect_page(struct world *w, const char *path, const struct signed_in *s, long status, const char *has,
			const char *lacks)
{
	struct h_resp r;
	get_page(w, &r, path, s ? s->session : NULL, status);
	if ((has && !strstr(r.body, has)) || (lacks && strstr(r.body, lacks)))
		fail_msg("GET %s: the page should %s %s: %.2000s", path, has && !strstr(r.body, has) ? "have" : "not have",
			 has && !strstr(r.body, has) ? has : lacks, r.body);
	h_resp_free(&r);
}

/* The pages a programme's form saves to and cancels back to, with the edit link for those
 * whose role allows it. */
static void test_programme_pages(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE), ada = w_sign_in_as(w, ADMIN);
	expect_page(w, "/programmes", NULL, 200, "href=\"/programmes/iuc-asia\"", NULL);
	expect_page(w, "/programmes", NULL, 200, "href=\"/programmes/spare\"", NULL);
	expect_page(w, "/programmes/iuc-asia", NULL, 200, "Pilot cities 2018", "/programmes/iuc-asia/edit");
	expect_page(w, "/programmes/iuc-asia", NULL, 200, "href=\"/?programme=iuc-asia\"", "/history");
	expect_page(w, "/programmes/iuc-asia", &marie, 200, "href=\"/programmes/iuc-asia/history\"", "/programmes/iuc-asia/edit");
	expect_page(w, "/programmes/iuc-asia", &ada, 200, "href=\"/programmes/iuc-asia/edit\"", NULL);
	expect_page(w, "/programmes/iuc-asia/history", &marie, 200, "<h1>History of", NULL);
	expect_page(w, "/programmes/iuc-asia/edit", &marie, 403, NULL, "action=\"/programmes/iuc-asia/edit\"");
	expect_page(w, "/programmes/new", &marie, 403, NULL, "action=\"/programmes/new\"");
	expect_page(w, "/programmes/new", &ada, 200, "action=\"/programmes/new\"", NULL);
	expect_page(w, "/programmes/atlantis", NULL, 404, NULL, NULL);
	w_signed_out(&marie), w_signed_out(&ada);
}

/* A deletion confirmed on a page shown before someone changed the record is refused (409)
 * with the page again, now carrying the current version; confirming that one deletes.
 * Only those whose role may delete see the link. */
static void test_delete_confirmation_of_a_changed_record(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE), ada = w_sign_in_as(w, ADMIN);
	expect_page(w, "/cities/nice", &marie, 200, "href=\"/cities/nice/edit\"", "/cities/nice/delete");
	expect_page(w, "/cities/liuzhou", &ada, 200, "href=\"/cities/liuzhou/delete\"", NULL);
	struct h_resp r;
	get_page(w, &r, "/cities/liuzhou/delete", ada.session, 200);
	char *seen = h_hidden(r.body, "action=\"/cities/liuzhou/delete\"", "etag"), *api = w_etag_of(w, "/api/v1/cities/liuzhou");
	if (!seen || strcmp(seen, api) != 0)
		fail_msg("the confirmation's etag (%s) should be the record's ETag (%s)", seen ? seen : "none", api);
	h_resp_free(&r);
	struct call patch = {"PATCH", "/api/v1/cities/liuzhou", "{\"population\": 1}", NULL, api, NULL, {.bearer = w->token[ADMIN]}};
	w_send(w, &r, &patch);
	assert_int_equal(r.status, 200);
	h_resp_free(&r);
	char *old_version = h_escape(seen), *current = w_etag_of(w, "/api/v1/cities/liuzhou");
	char *before = w_snapshot(w), *body = h_strf("csrf=%s&etag=%s", ada.csrf, old_version);
	post_form(w, &r, "/cities/liuzhou/delete", body, ada.session, w->env.base);
	char *again = h_hidden(r.body, "action=\"/cities/liuzhou/delete\"", "etag");
	if (r.status != 409 || !strstr(r.body, "someone changed") || !again || strcmp(again, current) != 0)
		fail_msg("deleting what changed since: status %ld, expected 409 and the current version: %.300s", r.status, r.body);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "the deletion of a changed record");
	char *new_version = h_escape(again), *confirmed = h_strf("csrf=%s&etag=%s", ada.csrf, new_version);
	post_form(w, &r, "/cities/liuzhou/delete", confirmed, ada.session, w->env.base);
	json_t *gone = w_get_record(w, "/api/v1/cities/liuzhou", NULL);
	if (r.status != 303 || gone)
		fail_msg("confirming the current version: status %ld, and liuzhou should be gone", r.status);
	h_resp_free(&r);
	w_signed_out(&marie), w_signed_out(&ada);
	free(seen), free(api), free(before), free(body), free(current), free(again), free(confirmed);
	free(old_version), free(new_version);
}

/* ---- the conflict page ---- */

/* GET /cities/nice/edit as s: the form's version (etag); checked to be the API's ETag,
 * which is what lets the test build the rest of the form from the API's record. */
static char *open_edit_form(struct world *w, const struct signed_in *s)
{
	struct h_resp r;
	get_page(w, &r, "/cities/nice/edit", s->session, 200);
	char *etag = h_hidden(r.body, "action=\"/cities/nice/edit\"", "etag"), *api = w_etag_of(w, "/api/v1/cities/nice");
	if (!etag || strcmp(etag, api) != 0)
		fail_msg("the edit form's etag field (%s) should be the record's ETag (%s)", etag ? etag : "missing", api);
	h_resp_free(&r);
	free(api);
	return etag;
}

/* Posts the edit form of nice as s: the stored record with `typed` over it, and the
 * version etag. */
static void save_nice(struct world *w, struct h_resp *r, const struct signed_in *s, const char *typed, const char *etag)
{
	json_t *rec = w_get_record(w, "/api/v1/cities/nice", NULL), *changes = json_loads(typed, 0, NULL);
	json_object_update(rec, changes);
	char *body = form_body(rec, s->csrf, etag);
	post_form(w, r, "/cities/nice/edit", body, s->session, w->env.base);
	json_decref(rec), json_decref(changes);
	free(body);
}

/* The conflict panel's row of a field: "<th scope="row">Label</th><td>theirs</td><td>yours</td>". */
static void expect_conflict_row(const struct h_resp *r, const char *label, const char *theirs, const char *mine)
{
	char *row = h_strf("<th scope=\"row\">%s</th><td>%s</td><td>%s</td>", label, theirs, mine);
	if (!strstr(r->body, row))
		fail_msg("the conflict page should show %s: theirs %s beside yours %s: %.2000s", label, theirs, mine, r->body);
	free(row);
}

/* How many rows the conflict panel's table has: only fields that differ belong there. */
static int conflict_rows(const char *body)
{
	const char *p = strstr(body, "class=\"conflict\""), *end = p ? strstr(p, "</table>") : NULL;
	int n = 0;
	for (const char *q = p; q && q < end && (q = strstr(q, "<th scope=\"row\">")) && q < end; q++)
		n++;
	return n;
}

/* Marie and ada open the edit form of Nice; marie saves; ada's save answers 409 with both
 * versions and her input kept; nothing of hers is stored until she saves that form. */
static void test_conflict_page_keeps_both_versions(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE), ada = w_sign_in_as(w, ADMIN);
	char *marie_etag = open_edit_form(w, &marie), *ada_etag = open_edit_form(w, &ada);
	struct h_resp r;
	save_nice(w, &r, &marie, "{\"population\": 548000}", marie_etag);
	if (r.status != 303)
		fail_msg("marie's save: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	char *before = w_snapshot(w);
	static const char ada_typed[] = "{\"population\": 551000, \"leader\": \"Ada's <new> mayor\"}";
	save_nice(w, &r, &ada, ada_typed, ada_etag);
	if (r.status != 409 || !strstr(r.body, "class=\"conflict\""))
		fail_msg("ada's save over marie's: status %ld, expected 409 with the conflict panel: %.300s", r.status, r.body);
	w_expect_unchanged(w, before, "the save that conflicted");
	expect_conflict_row(&r, "Population", "548000", "551000");
	expect_conflict_row(&r, "Leader", "&quot;Christian Estrosi&quot;", "&quot;Ada&#39;s &lt;new&gt; mayor&quot;");
	if (conflict_rows(r.body) != 2)
		fail_msg("the conflict panel should list the two fields that differ, not %d: %.3000s", conflict_rows(r.body), r.body);
	if (!strstr(r.body, "name=\"population\" type=\"text\" value=\"551000\"") ||
	    !strstr(r.body, "name=\"leader\" type=\"text\" value=\"Ada&#39;s &lt;new&gt; mayor\""))
		fail_msg("the form on the conflict page should keep ada's input: %.3000s", r.body);
	char *current = w_etag_of(w, "/api/v1/cities/nice"), *again = h_hidden(r.body, "<form class=\"edit\"", "etag");
	if (!again || strcmp(again, current) != 0)
		fail_msg("the conflict page's form should carry the current version (%s), not %s", current, again ? again : "none");
	h_resp_free(&r);
	save_nice(w, &r, &ada, ada_typed, again);   /* she saves the form as the page keeps it */
	if (r.status != 303)
		fail_msg("ada saving the conflict page's form: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	json_t *nice = w_get_record(w, "/api/v1/cities/nice", NULL);
	assert_int_equal(json_integer_value(json_object_get(nice, "population")), 551000);
	json_decref(nice);
	json_t *rows = w_audit_rows(w, "city/nice");   /* newest first, after the demo's import */
	const char *first = json_string_value(json_object_get(json_array_get(rows, 1), "actor"));
	const char *second = json_string_value(json_object_get(json_array_get(rows, 0), "actor"));
	if (!first || !second || strcmp(first, "marie") != 0 || strcmp(second, "ada") != 0)
		fail_msg("the audit log of nice should end with marie's save, then ada's");
	w_expect_audit(w, "cities", "nice", "ada", "web", "update", NULL, NULL, NULL);
	json_decref(rows);
	w_signed_out(&marie), w_signed_out(&ada);
	free(marie_etag), free(ada_etag), free(before), free(current), free(again);
}

/* ---- /admin/audit ---- */

/* Rows written straight into the audit log, with dates of a year before anything the
 * tests do, so that the filters and paging have known answers. Newest last. */
static const struct old_row {
	const char *at, *actor, *entity, *record;
} old_rows[] = {
	{"2025-01-10T09:00:00Z", "ada", "city", "nice"},
	{"2025-02-11T09:00:00Z", "marie", "city", "nice"},
	{"2025-02-28T23:59:59Z", "ada", "city", "rome"},
	{"2025-03-01T00:00:00Z", "marie", "cooperation", "nice-haikou"},
	{"2025-03-15T09:00:00Z", "romeo", "city", "rome"},
	{"2025-04-01T09:00:00Z", "marie", "city", "nice"},
	{"2025-05-31T23:59:59Z", "ada", "cooperation", "nice-haikou"},
	{"2025-06-01T00:00:00Z", "marie", "city", "nice"},
	{"2025-07-04T09:00:00Z", "ada", "user", "marie"},
	{"2025-08-09T09:00:00Z", "marie", "city", "nice"},
	{"2025-09-10T09:00:00Z", "ada", "token", "2"},
};
#define NOLD_ROWS (sizeof old_rows / sizeof *old_rows)

static void insert_old_rows(struct world *w)
{
	for (size_t i = 0; i < NOLD_ROWS; i++) {
		char *sql = h_strf("INSERT INTO audit (at, actor, via, entity, record_key, action, changes) VALUES "
				   "('%s', '%s', 'cli', '%s', '%s', 'update', '{\"population\": {\"before\": %zu, \"after\": %zu}}')",
				   old_rows[i].at, old_rows[i].actor, old_rows[i].entity, old_rows[i].record, i, i + 1);
		if (h_sql(&w->env, NULL, sql))
			fail_msg("cannot write an audit row: %s", sql);
		free(sql);
	}
}

/* A filter of the page, as the form sends it, and which of old_rows it keeps. */
struct audit_filter {
	const char *user, *kind, *record, *from, *until;
};

static int keeps_row(const struct audit_filter *f, const struct old_row *row)
{
	return (!f->user || strcmp(row->actor, f->user) == 0) && (!f->kind || strcmp(row->entity, f->kind) == 0) &&
	       (!f->record || strcmp(row->record, f->record) == 0) && (!f->from || strcmp(row->at, f->from) >= 0) &&
	       (!f->until || strcmp(row->at, f->until) < 0);
}

/* "at actor entity/record" of every entry of a page, one a line, appended to *out. */
static void page_entries(const char *body, char **out)
{
	for (const char *p = body; (p = strstr(p, "<li><p class=\"meta\"><time datetime=\"")); p++) {
		const char *at = p + strlen("<li><p class=\"meta\"><time datetime=\"");
		const char *actor = strstr(at, "class=\"actor\">"), *rec = strstr(at, "class=\"record\"");
		const char *end = strstr(at, "</p>");
		if (!actor || !rec || rec > end)
			fail_msg("an entry of /admin/audit without its actor or record: %.300s", p);
		actor += strlen("class=\"actor\">");
		rec = strchr(rec, '>') + 1;
		char *next = h_strf("%s%.*s %.*s %.*s\n", *out, (int)strcspn(at, "\""), at, (int)strcspn(actor, "<"), actor,
				    (int)strcspn(rec, "<"), rec);
		free(*out);
		*out = next;
	}
}

/* The href of the "older changes" link, with &amp; undone, or NULL. */
static char *older_link(const char *body)
{
	const char *p = strstr(body, "rel=\"next\" href=\"");
	if (!p)
		return NULL;
	p += strlen("rel=\"next\" href=\"");
	char *href = h_strf("%.*s", (int)strcspn(p, "\""), p), *o = href;
	for (const char *q = href; *q; q += strncmp(q, "&amp;", 5) == 0 ? 5 : 1)
		*o++ = *q;
	*o = '\0';
	return href;
}

/* Walks the pages of /admin/audit from `first`, as admin, and returns their entries;
 * *pages counts them. */
static char *walk_pages(struct world *w, const char *session, const char *first, int *pages)
{
	char *entries = h_strf("%s", ""), *path = h_strf("%s", first);
	*pages = 0;
	while (path && *pages < 50) {
		struct h_resp r;
		get_page(w, &r, path, session, 200);
		if (!h_header(&r, "Cache-Control") || strcmp(h_header(&r, "Cache-Control"), "no-store") != 0)
			fail_msg("GET %s: the audit log must be sent with Cache-Control: no-store", path);
		page_entries(r.body, &entries);
		free(path);
		path = older_link(r.body);
		h_resp_free(&r);
		(*pages)++;
	}
	free(path);
	return entries;
}

/* The query string of a filter, and the entries it should show. */
static char *filter_query(const struct audit_filter *f, const char *limit)
{
	const char *names[] = {"user", "kind", "record", "from", "until", "limit"};
	const char *values[] = {f->user, f->kind, f->record, f->from, f->until, limit};
	char *q = h_strf("%s", "");
	for (size_t i = 0; i < 6; i++)
		if (values[i]) {
			char *next = h_strf("%s%s%s=%s", q, *q ? "&" : "?", names[i], values[i]);
			free(q);
			q = next;
		}
	return q;
}

static char *expected_entries(const struct audit_filter *f, size_t *n)
{
	char *out = h_strf("%s", "");
	*n = 0;
	for (size_t i = NOLD_ROWS; i-- > 0;)
		if (keeps_row(f, &old_rows[i])) {
			char *next = h_strf("%s%s %s %s\n", out, old_rows[i].at, old_rows[i].actor, old_rows[i].record);
			free(out);
			out = next;
			(*n)++;
		}
	return out;
}

/* Every filter of the page, a page of 2 or 3 entries at a time: the pages together hold
 * exactly the rows the filter keeps, newest first, and the links keep the filter. */
static void test_admin_audit_filters_and_paging(void **state)
{
	struct world *w = *state;
	insert_old_rows(w);
	struct signed_in ada = w_sign_in_as(w, ADMIN);
	/* Each bounded by a date before the test's own changes (and the demo's import). */
	static const struct audit_filter filters[] = {
		{.until = "2026"},
		{.user = "marie", .until = "2026-01-01"},
		{.kind = "city", .record = "nice", .until = "2026-01-01"},
		{.record = "rome", .until = "2026"},
		{.from = "2025-03-01", .until = "2025-06-01"},
		{.user = "ada", .from = "2025-05", .until = "2025-10"},
		{.kind = "user", .record = "marie", .until = "2026"},
		{.user = "nobody"},
	};
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
		const char *limit = i % 2 ? "2" : "3";
		char *query = filter_query(&filters[i], limit), *path = h_strf("/admin/audit%s", query);
		size_t n;
		int pages;
		char *want = expected_entries(&filters[i], &n), *got = walk_pages(w, ada.session, path, &pages);
		size_t per = (size_t)(i % 2 ? 2 : 3);
		int want_pages = n == 0 ? 1 : (int)((n + per - 1) / per);
		if (strcmp(got, want) != 0 || pages != want_pages)
			fail_msg("%s: %d pages holding\n%s\nexpected %d pages holding\n%s", path, pages, got, want_pages, want);
		fprintf(stderr, "  ok %s: %zu entries on %d pages\n", path, n, pages);
		free(query), free(path), free(want), free(got);
	}
	w_signed_out(&ada);
}

/* The whole log without filters, 50 entries a page: as many as c2c audit lists. */
static void test_admin_audit_pages_hold_the_whole_log(void **state)
{
	struct world *w = *state;
	insert_old_rows(w);
	struct signed_in ada = w_sign_in_as(w, ADMIN);
	for (int i = 0; i < 30; i++) {   /* more than a page: saves through the API */
		char *etag = w_etag_of(w, "/api/v1/cities/nice"), *body = h_strf("{\"population\": %d}", 600000 + i);
		struct call c = {"PATCH", "/api/v1/cities/nice", body, NULL, etag, NULL, {.bearer = w->token[ADMIN]}};
		struct h_resp r;
		w_send(w, &r, &c);
		assert_int_equal(r.status, 200);
		h_resp_free(&r);
		free(etag), free(body);
	}
	int pages;
	char *got = walk_pages(w, ada.session, "/admin/audit", &pages);
	size_t lines = 0, total = w_audit_count(w);
	for (const char *p = got; (p = strchr(p, '\n')); p++)
		lines++;
	if (lines != total || pages != (int)((total + 49) / 50))
		fail_msg("/admin/audit: %zu entries on %d pages; c2c audit lists %zu", lines, pages, total);
	free(got);
	w_signed_out(&ada);
}

/* Only admins read the whole log: members and coordinators get 403, a visitor is sent to
 * sign in; a filter that is no date, or a cursor that is no cursor, is a 422. */
static void test_admin_audit_is_for_admins(void **state)
{
	struct world *w = *state;
	struct h_resp r;
	get_page(w, &r, "/admin/audit", NULL, 303);
	const char *loc = h_header(&r, "Location");
	if (!loc || strcmp(loc, "/login?next=%2Fadmin%2Faudit") != 0)
		fail_msg("a visitor on /admin/audit should be sent to sign in and back, not to %s", loc ? loc : "nowhere");
	h_resp_free(&r);
	for (int a = MEMBER; a < NACTORS; a++) {
		struct signed_in s = w_sign_in_as(w, a);
		const struct route *rt = w_route("GET", "/admin/audit");
		long want = w_dispatch(&w_actors[a], rt) ? w_dispatch(&w_actors[a], rt) : 200;
		get_page(w, &r, "/admin/audit?user=ada", s.session, want);
		if (want == 403 && strstr(r.body, "class=\"audit\""))
			fail_msg("%s: the 403 shows the log", w_actors[a].name);
		h_resp_free(&r);
		w_signed_out(&s);
	}
	struct signed_in ada = w_sign_in_as(w, ADMIN);
	static const char *const bad[] = {"/admin/audit?from=yesterday", "/admin/audit?until=2025-02-30",
					  "/admin/audit?cursor=x", "/admin/audit?limit=0", "/admin/audit?limit=501"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		get_page(w, &r, bad[i], ada.session, 422);
		h_resp_free(&r);
	}
	w_signed_out(&ada);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_form_matrix_covers_the_rules, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_matrix_visitor, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_matrix_member, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_matrix_coordinator_of_nice, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_matrix_coordinator_of_rome, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_matrix_admin, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_csrf_matrix, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_login_csrf_matrix, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_programme_pages, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_delete_confirmation_of_a_changed_record, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_conflict_page_keeps_both_versions, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_admin_audit_filters_and_paging, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_admin_audit_pages_hold_the_whole_log, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_admin_audit_is_for_admins, w_setup, w_teardown),
	};
	if (h_global_init())
		return 1;
	h_print_backend();
	if (getenv("C2C_TEST_ONLY"))   /* e.g. C2C_TEST_ONLY='test_form_matrix_*' */
		cmocka_set_test_filter(getenv("C2C_TEST_ONLY"));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	h_global_cleanup();
	return failed;
}
