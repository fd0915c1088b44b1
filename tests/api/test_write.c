/* test_write.c: black-box tests of the JSON API's writes against the real binary:
 *   POST /api/v1/{kind}, PATCH and DELETE /api/v1/{kind}/{slug} (If-Match),
 * for cities, cooperations and programmes.
 *
 * - The access-control matrix: five actors (a visitor, a member, the coordinator of Nice,
 *   the coordinator of Rome, an admin) x every write route of the API (routes.c) but the
 *   plans' (test_plans.c), on their own and on other records. The expected answer of
 *   every cell is computed from the server's own rules, linked in (world.h): the route's
 *   permission as the dispatcher checks it, then permission_allows() on the record before
 *   and after the change (a city is a coordinator's when it is one of theirs, a
 *   cooperation when one of its members is), never written by hand per cell: 401 for a
 *   visitor, 403 refused, else the write's own answer (201, 200, 204, or 409 where the
 *   demo data keeps a record others refer to). A refused cell must leave the database
 *   exactly as it was (export and audit log); an allowed one must be in the audit log
 *   with the actor's login, via "api". test_matrix_covers_the_rules fails when a write
 *   route of the API has no cell or no CSRF request, or lacks an own and an other cell
 *   for a role that may write only its own records.
 * - The "done when": the coordinator of Nice edits Nice and the Nice-Haikou
 *   pairing but not Rome, and the audit log shows each change.
 * - The CSRF matrix on a cookie session for every state-changing route of the API but
 *   the plans' (and POST /logout with the header): no token, a wrong token, another
 *   session's token, a foreign or null Origin, and GET on the same address (200 where a
 *   GET route answers there, else 405); then the right token from the same origin.
 * - API semantics: 415, 400, 422 listing every bad field, 428, 412, 409 (exists, still
 *   referenced), a slug that cannot change, a PATCH that changes nothing, ETags that agree
 *   with GET and revalidate (304).
 * - A city that a coordinator keeps is not deleted (409 naming the account) until the
 *   account is given other cities.
 *
 * Every test has a database of its own with the demo data, a spare programme nobody
 * refers to (imported with `c2c import json`), accounts made with `c2c user add`
 * (paul, member; marie, coordinator of Nice; romeo, coordinator of Rome; ada, admin),
 * an API token for each and a server (world.h, shared with test_forms.c). Runs on SQLite
 * and, under scripts/with-postgres, on PostgreSQL (tests/common/testdb.h). */
#include "world.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

static int setup_threads(void **state)
{
	static const char *const args[] = {"--threads", "8", NULL};
	return w_setup_with(state, args);
}

/* The field names of error.errors[], sorted and comma-joined (free it). */
static char *error_fields(const struct h_resp *r)
{
	json_t *errors = json_object_get(json_object_get(r->json, "error"), "errors"), *e;
	const char *names[64];
	size_t n = 0, i;
	json_array_foreach(errors, i, e) {
		if (n < 64)
			names[n++] = json_string_value(json_object_get(e, "field")) ? json_string_value(json_object_get(e, "field")) : "(none)";
	}
	for (size_t a = 1; a < n; a++)   /* insertion sort: a handful of names */
		for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
			const char *t = names[b];
			names[b] = names[b - 1];
			names[b - 1] = t;
		}
	char *out = h_strf("%s", "");
	for (i = 0; i < n; i++) {
		char *next = h_strf("%s%s%s", out, i ? "," : "", names[i]);
		free(out);
		out = next;
	}
	return out;
}

/* A 422 naming exactly the given fields (sorted, comma-joined), one entry each. */
static void expect_invalid(const struct h_resp *r, const char *what, const char *fields)
{
	json_t *first = json_array_get(json_object_get(json_object_get(r->json, "error"), "errors"), 0);
	h_expect_error(r, what, 422, NULL, json_string_value(json_object_get(first, "field")));
	char *got = error_fields(r);
	if (strcmp(got, fields) != 0)
		fail_msg("%s: error.errors[] names the fields %s, expected one entry each for %s: %.600s", what, got, fields,
			 r->body);
	free(got);
}

/* ---- the access-control matrix ---- */

/* One write of the matrix. The answer when the rules allow it is `done`: its success
 * status, or 409 when the record's own rules refuse (a record still referred to). */
static const struct write {
	const char *what;
	const char *method;        /* POST, PATCH or DELETE */
	const char *kind;          /* cities, cooperations, programmes */
	const char *slug;          /* the record written (for POST: the one the body creates) */
	const char *body;          /* POST, PATCH: JSON */
	long done;
	const char *field;         /* a field the audit row must show before/after */
} writes[] = {
	{"create a city", "POST", "cities", "lyon",
	 "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\", \"population\": 522000}", 201, "population"},
	{"create a cooperation of Nice", "POST", "cooperations", "nice-tianjin",
	 "{\"slug\": \"nice-tianjin\", \"kind\": \"pairing\", \"name\": \"Nice - Tianjin\", \"members\": [\"nice\", \"tianjin\"]}",
	 201, "members"},
	{"create a cooperation of Rome", "POST", "cooperations", "rome-tianjin",
	 "{\"slug\": \"rome-tianjin\", \"kind\": \"pairing\", \"name\": \"Rome - Tianjin\", \"members\": [\"rome\", \"tianjin\"]}",
	 201, "members"},
	{"create a cooperation of neither Nice nor Rome", "POST", "cooperations", "granada-yantai",
	 "{\"slug\": \"granada-yantai\", \"kind\": \"pairing\", \"name\": \"Granada - Yantai\", "
	 "\"members\": [\"granada\", \"yantai\"]}", 201, "members"},
	{"create a programme", "POST", "programmes", "iuc-latam",
	 "{\"slug\": \"iuc-latam\", \"name\": \"IUC Latin America and the Caribbean\", \"short_name\": \"IUC LAC\"}", 201,
	 "name"},
	{"update the city nice", "PATCH", "cities", "nice", "{\"population\": 545000}", 200, "population"},
	{"update the city rome", "PATCH", "cities", "rome", "{\"population\": 2750000}", 200, "population"},
	{"update the cooperation nice-haikou", "PATCH", "cooperations", "nice-haikou", "{\"status\": \"dormant\"}", 200,
	 "status"},
	{"update the cooperation haikou-eu-cluster (of Nice and of Rome)", "PATCH", "cooperations", "haikou-eu-cluster",
	 "{\"round\": \"Pilot cities 2018, second wave\"}", 200, "round"},
	{"add rome to the cooperation nice-china-cluster", "PATCH", "cooperations", "nice-china-cluster",
	 "{\"members\": [\"nice\", \"haikou\", \"kunming\", \"zhengzhou\", \"rome\"]}", 200, "members"},
	{"move the cooperation nice-haikou away from nice", "PATCH", "cooperations", "nice-haikou",
	 "{\"name\": \"Kunming - Haikou\", \"members\": [\"haikou\", \"kunming\"], \"member_roles\": "
	 "[{\"city\": \"haikou\", \"role\": \"Partner city\"}, {\"city\": \"kunming\", \"role\": \"Partner city\"}]}",
	 200, "members"},
	{"update the programme iuc-asia", "PATCH", "programmes", "iuc-asia", "{\"short_name\": \"IUC-Asia\"}", 200,
	 "short_name"},
	/* nice-haikou: the demo's action plans refer to the two clusters */
	{"delete the cooperation nice-haikou", "DELETE", "cooperations", "nice-haikou", NULL, 204, "members"},
	{"delete the unused city liuzhou", "DELETE", "cities", "liuzhou", NULL, 204, "name"},
	{"delete the city haikou, still in cooperations", "DELETE", "cities", "haikou", NULL, 409, NULL},
	{"delete the unused programme spare", "DELETE", "programmes", "spare", NULL, 204, "name"},
	{"delete the programme iuc-asia, still referred to", "DELETE", "programmes", "iuc-asia", NULL, 409, NULL},
};

/* The address wr is sent to: the collection for a create, else the record (free it). */
static char *write_path(const struct write *wr)
{
	return strcmp(wr->method, "POST") == 0 ? h_strf("/api/v1/%s", wr->kind) : h_strf("/api/v1/%s/%s", wr->kind, wr->slug);
}

/* The answer the rules give actor a for write wr, on the record old (NULL for a create)
 * becoming new (NULL for a delete): what the dispatcher says (401 for a visitor, 403 for
 * a role the table gives nothing of the route's action), else permission_allows() on
 * the record as it was and as it would be (a coordinator's record must stay theirs). */
static long expected(const struct actor *a, const struct write *wr, json_t *old, json_t *new)
{
	char *path = write_path(wr);
	const struct route *rt = w_route(wr->method, path);
	free(path);
	if (!rt)
		fail_msg("%s: no route takes %s /api/v1/%s", wr->what, wr->method, wr->kind);
	long refused = w_dispatch(a, rt);
	if (refused)
		return refused;
	enum action act = w_action_of(rt);
	return w_allows(a, act, rt->entity, old) && w_allows(a, act, rt->entity, new) ? wr->done : 403;
}

/* The record as the write would leave it: the body (create), old with the body's fields
 * (update), or NULL (delete). */
static json_t *after_write(const struct write *wr, json_t *old)
{
	if (!wr->body)
		return NULL;
	json_t *body = json_loads(wr->body, 0, NULL);
	if (!json_is_object(body))
		fail_msg("%s: the test's body is not a JSON object", wr->what);
	if (!old)
		return body;
	json_t *merged = json_deep_copy(old);
	json_object_update(merged, body);
	json_decref(body);
	return merged;
}

/* A refused write: the error, nothing of the record in it, nothing changed. */
static char *check_refused(struct world *w, const struct h_resp *r, long want, json_t *old, const char *before)
{
	const char *code = want == 401 ? "unauthenticated" : want == 403 ? "forbidden" : NULL;
	json_t *err = json_object_get(r->json, "error");
	const char *got = json_string_value(json_object_get(err, "code"));
	if (!json_is_object(err) || json_integer_value(json_object_get(err, "status")) != want || (code && (!got || strcmp(got, code) != 0)))
		return h_strf("the error should be {\"error\": {\"status\": %ld, \"code\": \"%s\", ...}}: %.300s", want,
			      code ? code : "...", r->body);
	if (want == 401 && (!h_header(r, "WWW-Authenticate") || strncmp(h_header(r, "WWW-Authenticate"), "Bearer", 6) != 0))
		return h_strf("a 401 needs a WWW-Authenticate: Bearer challenge");
	if (h_header(r, "ETag") || h_header(r, "Location"))
		return h_strf("a refusal must not send an ETag or a Location");
	const char *name = json_string_value(json_object_get(old, "name"));
	if (want != 409 && name && strstr(r->body, name))
		return h_strf("the refusal reveals the record (its name %s): %.300s", name, r->body);
	char *after = w_snapshot(w);
	char *why = strcmp(before, after) != 0 ? h_strf("the refused write changed the database (export or audit log)") : NULL;
	free(after);
	return why;
}

/* An accepted write: the answer, what GET then gives, and the audit row. */
static char *check_done(struct world *w, const struct actor *a, const struct write *wr, const struct h_resp *r,
			const char *item, json_t *old, size_t audit_before)
{
	const char *etag = h_header(r, "ETag"), *loc = h_header(r, "Location");
	char *get_etag = NULL;
	json_t *now = w_get_record(w, item, &get_etag), *stored = NULL;
	char *why = NULL;
	if (r->status == 204) {
		if (now || r->len)
			why = h_strf("after a 204 the record should be gone (GET: %s) and the answer empty", now ? "200" : "404");
	} else if (!now) {
		why = h_strf("GET %s after the write: 404", item);
	} else if (!etag || !get_etag || strcmp(etag, get_etag) != 0) {
		why = h_strf("the answer's ETag (%s) should be the one GET then gives (%s)", etag ? etag : "missing", get_etag);
	} else if (!json_equal(r->json, now)) {
		why = h_strf("the answer's body should be the stored record, as GET gives it: %.300s", r->body);
	} else if (r->status == 201 && (!loc || strcmp(loc, item) != 0)) {
		why = h_strf("Location is %s, expected %s", loc ? loc : "missing", item);
	} else {
		stored = after_write(wr, old);
		const char *k;
		json_t *v;
		json_object_foreach(stored, k, v)
			if (!why && (!json_object_get(now, k) ? !json_is_null(v) : !json_equal(json_object_get(now, k), v))) {
				char *want = w_dump(v), *got = w_dump(json_object_get(now, k));
				why = h_strf("after the write %s is %s, expected %s", k, got, want);
				free(want), free(got);
			}
	}
	if (!why && w_audit_count(w) != audit_before + 1)
		why = h_strf("the write should add exactly one audit row (%zu before, %zu after)", audit_before, w_audit_count(w));
	if (!why) {
		const char *fields[] = {wr->field, NULL};
		const char *action = r->status == 201 ? "create" : r->status == 204 ? "delete" : "update";
		why = w_audit_mismatch(w, wr->kind, wr->slug, a->login, "api", action, old, r->status == 204 ? NULL : now, fields);
	}
	json_decref(now);
	json_decref(stored);
	free(get_etag);
	return why;
}

/* Runs every write of the matrix as actor, in order, on the test's own database. Cells
 * that go wrong are all listed before the test fails. */
static void run_matrix(struct world *w, int actor)
{
	const struct actor *a = &w_actors[actor];
	int failures = 0;
	for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
		const struct write *wr = &writes[i];
		char *collection = h_strf("/api/v1/%s", wr->kind), *item = h_strf("/api/v1/%s/%s", wr->kind, wr->slug);
		char *etag = NULL;
		json_t *old = strcmp(wr->method, "POST") == 0 ? NULL : w_get_record(w, item, &etag);
		if (strcmp(wr->method, "POST") != 0 && !old)
			fail_msg("%s: the matrix expects %s to exist", wr->what, item);
		json_t *new = after_write(wr, old);
		long want = expected(a, wr, old, strcmp(wr->method, "DELETE") == 0 ? NULL : new);
		char *before = want >= 400 ? w_snapshot(w) : NULL;   /* what a refusal must leave */
		size_t audit_before = want < 400 ? w_audit_count(w) : 0;
		struct h_resp r;
		struct call c = {wr->method, strcmp(wr->method, "POST") == 0 ? collection : item, wr->body, NULL, etag, NULL,
				 {.bearer = w->token[actor]}};
		w_send(w, &r, &c);
		char *why = NULL;
		if (r.status != want)
			why = h_strf("status %ld, expected %ld: %.300s", r.status, want, r.body);
		else if (want >= 400)
			why = check_refused(w, &r, want, old, before);
		else
			why = check_done(w, a, wr, &r, item, old, audit_before);
		if (why) {
			fprintf(stderr, "  MATRIX %s | %s (%s %s): %s\n", a->name, wr->what, c.method, c.path, why);
			failures++;
		} else {
			fprintf(stderr, "  ok %s | %s: %ld\n", a->name, wr->what, want);
		}
		free(why);
		h_resp_free(&r);
		json_decref(old);
		json_decref(new);
		free(before), free(etag), free(collection), free(item);
	}
	if (failures)
		fail_msg("%d of %zu cells of the access-control matrix for %s went wrong (listed above)", failures,
			 sizeof writes / sizeof *writes, a->name);
}

static void test_matrix_visitor(void **state) { run_matrix(*state, ANON); }
static void test_matrix_member(void **state) { run_matrix(*state, MEMBER); }
static void test_matrix_coordinator_of_nice(void **state) { run_matrix(*state, NICE); }
static void test_matrix_coordinator_of_rome(void **state) { run_matrix(*state, ROME); }
static void test_matrix_admin(void **state) { run_matrix(*state, ADMIN); }

/* ---- the "done when" ---- */

static void test_coordinator_of_nice_edits_nice_and_its_pairing_not_rome(void **state)
{
	struct world *w = *state;
	char *session = w_sign_in(w, &w_actors[NICE]), *csrf = w_session_csrf(w, session);
	assert_non_null(csrf);
	struct creds marie = {.session = session, .csrf = csrf, .origin = w->env.base};
	struct h_resp r;

	/* Nice */
	char *etag;
	json_t *nice_before = w_get_record(w, "/api/v1/cities/nice", &etag);
	struct call c = {"PATCH", "/api/v1/cities/nice", "{\"population\": 548000, \"leader\": \"A new mayor\"}", NULL,
			 etag, NULL, marie};
	w_send(w, &r, &c);
	if (r.status != 200)
		fail_msg("marie changing Nice: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	free(etag);
	json_t *nice_after = w_get_record(w, "/api/v1/cities/nice", NULL);
	assert_int_equal(json_integer_value(json_object_get(nice_after, "population")), 548000);

	/* the Nice-Haikou pairing: an SDG added, a topic removed, ended with a reason */
	json_t *pair_before = w_get_record(w, "/api/v1/cooperations/nice-haikou", &etag);
	json_t *topics = json_deep_copy(json_object_get(pair_before, "topics"));
	assert_true(json_array_size(topics) > 1);
	json_array_remove(topics, 0);
	json_t *patch = json_pack("{s:o, s:[i,i,i,i], s:s, s:s, s:s}", "topics", topics, "sdgs", 3, 7, 11, 17, "status",
				  "ended", "end_reason", "Both sides judged that the cooperation needed more time.", "end_date",
				  "2021-06");
	char *body = json_dumps(patch, JSON_COMPACT);
	json_decref(patch);
	struct call c2 = {"PATCH", "/api/v1/cooperations/nice-haikou", body, NULL, etag, NULL, marie};
	w_send(w, &r, &c2);
	if (r.status != 200)
		fail_msg("marie changing the Nice-Haikou pairing: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	free(etag), free(body);
	json_t *pair_after = w_get_record(w, "/api/v1/cooperations/nice-haikou", NULL);
	assert_string_equal(json_string_value(json_object_get(pair_after, "status")), "ended");

	/* not Rome, and no deleting Nice */
	char *before = w_snapshot(w);
	json_t *rome = w_get_record(w, "/api/v1/cities/rome", &etag);
	struct call c3 = {"PATCH", "/api/v1/cities/rome", "{\"population\": 1}", NULL, etag, NULL, marie};
	w_send(w, &r, &c3);
	h_expect_error(&r, "marie changing Rome", 403, "forbidden", NULL);
	if (strstr(r.body, "Rome") || strstr(r.body, "Lazio"))
		fail_msg("the refusal reveals Rome: %s", r.body);
	h_resp_free(&r);
	free(etag);
	char *nice_etag = w_etag_of(w, "/api/v1/cities/nice");
	struct call c4 = {"DELETE", "/api/v1/cities/nice", NULL, NULL, nice_etag, NULL, marie};
	w_send(w, &r, &c4);
	h_expect_error(&r, "marie deleting Nice", 403, "forbidden", NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "marie's refused writes");
	free(nice_etag), free(before);

	/* the audit log: marie's two changes, through the API, each field before and after */
	json_t *mine = w_audit_rows(w, NULL);
	size_t n = 0, i;
	json_t *row;
	json_array_foreach(mine, i, row)
		if (strcmp(json_string_value(json_object_get(row, "actor")), "marie") == 0)
			n++;
	if (n != 2)
		fail_msg("the audit log should hold marie's two changes, not %zu", n);
	json_decref(mine);
	static const char *const city_fields[] = {"population", "leader", NULL};
	static const char *const pair_fields[] = {"topics", "sdgs", "status", "end_reason", "end_date", NULL};
	w_expect_audit(w, "cities", "nice", "marie", "api", "update", nice_before, nice_after, city_fields);
	w_expect_audit(w, "cooperations", "nice-haikou", "marie", "api", "update", pair_before, pair_after, pair_fields);
	json_t *rome_rows = w_audit_rows(w, "city/rome");
	json_array_foreach(rome_rows, i, row)
		if (strcmp(json_string_value(json_object_get(row, "actor")), "marie") == 0)
			fail_msg("the audit log holds a change of Rome by marie");
	json_decref(rome_rows);
	json_decref(nice_before), json_decref(nice_after), json_decref(pair_before), json_decref(pair_after);
	json_decref(rome);
	free(session), free(csrf);
}

/* ---- the CSRF matrix ---- */

static const struct csrf_route {
	const char *method, *path, *body;
	long ok;
	const char *record;        /* the audit record the write touches; NULL for /logout */
} csrf_routes[] = {
	{"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\"}", 201, "city/lyon"},
	{"POST", "/api/v1/cooperations",
	 "{\"slug\": \"nice-tianjin\", \"kind\": \"pairing\", \"name\": \"Nice - Tianjin\", \"members\": [\"nice\", \"tianjin\"]}",
	 201, "cooperation/nice-tianjin"},
	{"POST", "/api/v1/programmes", "{\"slug\": \"iuc-latam\", \"name\": \"IUC Latin America\"}", 201, "programme/iuc-latam"},
	{"PATCH", "/api/v1/cities/nice", "{\"population\": 545000}", 200, "city/nice"},
	{"PATCH", "/api/v1/cooperations/nice-haikou", "{\"status\": \"dormant\"}", 200, "cooperation/nice-haikou"},
	{"PATCH", "/api/v1/programmes/iuc-asia", "{\"short_name\": \"IUC-Asia\"}", 200, "programme/iuc-asia"},
	{"DELETE", "/api/v1/cities/liuzhou", NULL, 204, "city/liuzhou"},
	{"DELETE", "/api/v1/cooperations/nice-haikou", NULL, 204, "cooperation/nice-haikou"},
	{"DELETE", "/api/v1/programmes/spare", NULL, 204, "programme/spare"},
	{"POST", "/logout", "x=1", 303, NULL},
};

static void test_csrf_matrix(void **state)
{
	struct world *w = *state;
	char *ada = w_sign_in(w, &w_actors[ADMIN]), *paul = w_sign_in(w, &w_actors[MEMBER]);
	char *token = w_session_csrf(w, ada), *other = w_session_csrf(w, paul);
	assert_non_null(token);
	assert_non_null(other);
	assert_string_not_equal(token, other);
	char *wrong = h_strf("%s", token);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';   /* well-formed, one character off */
	struct csrf_case bad[W_CSRF_CASES];
	w_csrf_cases(w, token, other, wrong, bad);
	for (size_t i = 0; i < sizeof csrf_routes / sizeof *csrf_routes; i++) {
		const struct csrf_route *rt = &csrf_routes[i];
		int api = strncmp(rt->path, "/api/", 5) == 0;
		char *etag = strcmp(rt->method, "PATCH") == 0 || strcmp(rt->method, "DELETE") == 0 ? w_etag_of(w, rt->path) : NULL;
		const char *type = api ? NULL : "application/x-www-form-urlencoded";
		char *before = w_snapshot(w);
		for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
			char *what = h_strf("%s %s with %s", rt->method, rt->path, bad[b].what);
			struct h_resp r;
			struct call c = {rt->method, rt->path, rt->body, type, etag, NULL, {NULL, ada, bad[b].csrf, bad[b].origin}};
			w_send(w, &r, &c);
			if (api)
				h_expect_error(&r, what, 403, bad[b].code, NULL);
			else if (r.status != 403 || h_header(&r, "Set-Cookie"))
				fail_msg("%s: status %ld (expected 403, nothing done)", what, r.status);
			h_resp_free(&r);
			w_expect_unchanged(w, before, what);
			free(what);
		}
		/* GET on the same address (with every credential, and a method override) changes nothing */
		char *override = h_strf("X-HTTP-Method-Override: %s", rt->method);
		struct h_resp r;
		struct call get = {"GET", rt->path, NULL, NULL, etag, override, {NULL, ada, token, w->env.base}};
		w_send(w, &r, &get);
		long get_want = w_route("GET", rt->path) ? 200 : 405;   /* a GET route there, or none */
		if (r.status != get_want)
			fail_msg("GET %s: status %ld, expected %ld", rt->path, r.status, get_want);
		h_resp_free(&r);
		free(override);
		w_expect_unchanged(w, before, "GET on a write's address");
		char *still = w_session_csrf(w, ada);
		if (!still || strcmp(still, token) != 0)
			fail_msg("after the refused %s %s ada's session (and its token) should be as before", rt->method, rt->path);
		free(still);
		/* the right token from the same origin */
		struct call good = {rt->method, rt->path, rt->body, type, etag, NULL, {NULL, ada, token, w->env.base}};
		w_send(w, &r, &good);
		if (r.status != rt->ok)
			fail_msg("%s %s with the session's token from the same origin: status %ld, expected %ld: %.300s", rt->method,
				 rt->path, r.status, rt->ok, r.body);
		h_resp_free(&r);
		if (rt->record) {
			json_t *rows = w_audit_rows(w, rt->record), *row = json_array_get(rows, 0);
			if (!row || strcmp(json_string_value(json_object_get(row, "actor")), "ada") != 0 ||
			    strcmp(json_string_value(json_object_get(row, "via")), "api") != 0)
				fail_msg("%s %s: the audit log should name ada, via api", rt->method, rt->path);
			json_decref(rows);
		} else {
			char *gone = w_session_csrf(w, ada);
			if (gone)
				fail_msg("POST /logout with the right token: the session is still signed in");
		}
		free(etag), free(before);
	}
	/* another session was never touched */
	char *paul_now = w_session_csrf(w, paul);
	if (!paul_now || strcmp(paul_now, other) != 0)
		fail_msg("paul's session should be untouched");
	free(paul_now);
	free(ada), free(paul), free(token), free(other), free(wrong);
}

/* ---- the matrices against the rules and the route table ---- */

/* The matrices must hold what the issue asks for, for every write route of routes.c: a
 * cell of the access-control matrix and a request of the CSRF matrix for each, and for
 * both coordinators cells on their own records (allowed) and on others' (403), as the
 * rules decide them on the demo data (w_expect_coverage). Prints the expected answers. */
static void test_matrix_covers_the_rules(void **state)
{
	struct world *w = *state;
	size_t n = sizeof writes / sizeof *writes, ncsrf = sizeof csrf_routes / sizeof *csrf_routes;
	struct w_cell *cells = calloc(n, sizeof *cells);
	struct w_csrf_hit *hits = calloc(ncsrf, sizeof *hits);
	fprintf(stderr, "  %-62s visitor member nice rome admin\n", "expected, from the rules and the demo data:");
	for (size_t i = 0; i < n; i++) {
		char *item = h_strf("/api/v1/%s/%s", writes[i].kind, writes[i].slug);
		json_t *old = strcmp(writes[i].method, "POST") == 0 ? NULL : w_get_record(w, item, NULL);
		json_t *new = strcmp(writes[i].method, "DELETE") == 0 ? NULL : after_write(&writes[i], old);
		cells[i].method = writes[i].method;
		cells[i].path = write_path(&writes[i]);
		fprintf(stderr, "  %-62s", writes[i].what);
		for (int a = 0; a < NACTORS; a++) {
			cells[i].want[a] = expected(&w_actors[a], &writes[i], old, new);
			fprintf(stderr, " %*ld", a == ANON ? 7 : a == MEMBER ? 6 : a == ADMIN ? 5 : 4, cells[i].want[a]);
		}
		fputc('\n', stderr);
		json_decref(old), json_decref(new);
		free(item);
	}
	for (size_t i = 0; i < ncsrf; i++)
		hits[i] = (struct w_csrf_hit){csrf_routes[i].method, csrf_routes[i].path};
	w_expect_coverage("write", cells, n, hits, ncsrf);
	w_cells_free(cells, n);
	free(hits);
}

/* Bearer requests need no CSRF token; a visitor is told to sign in (401), whatever the
 * CSRF token says, and a cookie that is no session is a visitor's. */
static void test_bearer_needs_no_csrf_and_visitors_get_401(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w);
	struct h_resp r;
	struct call c = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			 {.session = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .csrf = "whatever"}};
	w_send(w, &r, &c);
	h_expect_error(&r, "POST with a cookie that is no session", 401, "unauthenticated", NULL);
	h_resp_free(&r);
	struct call c2 = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			  {.bearer = "c2c_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}};
	w_send(w, &r, &c2);
	h_expect_error(&r, "POST with an unknown API token", 401, NULL, NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "unauthenticated writes");
	struct call c3 = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			  {.bearer = w->token[ADMIN]}};
	w_send(w, &r, &c3);
	if (r.status != 201)
		fail_msg("POST with ada's API token and no CSRF token: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	free(before);
}

/* ---- API semantics ---- */

static struct call as_admin(struct world *w, const char *method, const char *path, const char *body, const char *if_match)
{
	struct call c = {method, path, body, NULL, if_match, NULL, {.bearer = w->token[ADMIN]}};
	return c;
}

static void test_unsupported_and_broken_bodies(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w);
	static const char city[] = "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\"}";
	struct h_resp r;
	static const char *const types[] = {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
					    "application/json-patch+json"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		struct call c = as_admin(w, "POST", "/api/v1/cities", city, NULL);
		c.type = types[i];
		w_send(w, &r, &c);
		char *what = h_strf("POST with Content-Type %s", *types[i] ? types[i] : "(none)");
		h_expect_error(&r, what, 415, "unsupported_media_type", NULL);
		h_resp_free(&r);
		free(what);
	}
	char *etag = w_etag_of(w, "/api/v1/cities/nice");
	struct call p = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", etag);
	p.type = "text/plain";
	w_send(w, &r, &p);
	h_expect_error(&r, "PATCH as text/plain", 415, "unsupported_media_type", NULL);
	h_resp_free(&r);
	static const char *const broken[] = {"{\"name\": ", "", "{\"name\": \"A\", \"name\": \"B\"}", "{'name': 'Lyon'}"};
	for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
		struct call c = as_admin(w, "POST", "/api/v1/cities", broken[i], NULL);
		w_send(w, &r, &c);
		char *what = h_strf("POST with the body <%s>", broken[i]);
		h_expect_error(&r, what, 400, "invalid_json", NULL);
		h_resp_free(&r);
		free(what);
	}
	struct call pb = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": ", etag);
	w_send(w, &r, &pb);
	h_expect_error(&r, "PATCH with broken JSON", 400, "invalid_json", NULL);
	h_resp_free(&r);
	struct call arr = as_admin(w, "POST", "/api/v1/cities", "[{\"name\": \"Lyon\"}]", NULL);
	w_send(w, &r, &arr);
	h_expect_error(&r, "POST of a JSON array", 422, NULL, NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "writes with unusable bodies");
	free(before), free(etag);
}

static void test_validation_lists_every_bad_field(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w), *etag = w_etag_of(w, "/api/v1/cities/nice");
	struct h_resp r;
	struct call many = as_admin(w, "POST", "/api/v1/cities",
				    "{\"slug\": \"lyon\", \"name\": \"\", \"population\": -5, \"country\": \"ZZ\", "
				    "\"lat\": 100, \"lon\": 4.8, \"mayor\": \"x\"}", NULL);
	w_send(w, &r, &many);
	expect_invalid(&r, "POST of a city with five bad fields", "country,lat,mayor,name,population");
	h_resp_free(&r);
	struct call two = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": -5, \"country\": \"ZZ\"}", etag);
	w_send(w, &r, &two);
	expect_invalid(&r, "PATCH of population -5 and country ZZ", "country,population");
	h_resp_free(&r);
	struct call coop = as_admin(w, "POST", "/api/v1/cooperations",
				    "{\"slug\": \"x-y\", \"kind\": \"pairing\", \"name\": \"X\", \"members\": [\"nice\"], "
				    "\"status\": \"ended\", \"start_date\": \"2020\", \"end_date\": \"2019\"}", NULL);
	w_send(w, &r, &coop);
	expect_invalid(&r, "POST of a pairing of one city, ended without a reason, ending before it starts",
		       "end_date,end_reason,members");
	h_resp_free(&r);
	char *pair = w_etag_of(w, "/api/v1/cooperations/nice-haikou");
	struct call coop2 = as_admin(w, "PATCH", "/api/v1/cooperations/nice-haikou",
				     "{\"sdgs\": [3, 18], \"status\": \"finished\"}", pair);
	w_send(w, &r, &coop2);
	if (r.status != 422)
		fail_msg("PATCH of SDG 18 and an unknown status: status %ld: %.300s", r.status, r.body);
	char *fields = error_fields(&r);
	if (!strstr(fields, "sdgs") || !strstr(fields, "status"))
		fail_msg("PATCH of SDG 18 and an unknown status: both fields should be listed, not %s", fields);
	free(fields);
	h_resp_free(&r);
	/* a member city that does not exist is found by the store, in the same transaction */
	struct call ref = as_admin(w, "POST", "/api/v1/cooperations",
				   "{\"slug\": \"nice-atlantis\", \"kind\": \"pairing\", \"name\": \"Nice - Atlantis\", "
				   "\"members\": [\"nice\", \"atlantis\"]}", NULL);
	w_send(w, &r, &ref);
	if (r.status != 422 || !strstr(r.body, "atlantis"))
		fail_msg("POST of a cooperation with an unknown member city: status %ld, expected 422 naming it: %.300s",
			 r.status, r.body);
	h_resp_free(&r);
	/* several unknown references and a bad field: one entry each, in one answer */
	struct call refs = as_admin(w, "PATCH", "/api/v1/cooperations/nice-haikou",
				    "{\"topics\": [\"nope\"], \"urban_agenda\": [\"nope2\"], \"members\": [\"nice\", \"nope3\"], "
				    "\"sdgs\": [18], \"programme\": \"nope-prog\"}", pair);
	w_send(w, &r, &refs);
	expect_invalid(&r, "PATCH naming four unknown records and SDG 18",
		       "members[1],programme,sdgs[0],topics[0],urban_agenda[0]");
	h_resp_free(&r);
	struct call slug = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"slug\": \"nizza\"}", etag);
	w_send(w, &r, &slug);
	expect_invalid(&r, "PATCH changing the slug", "slug");
	h_resp_free(&r);
	json_t *nizza = w_get_record(w, "/api/v1/cities/nizza", NULL);
	if (nizza)
		fail_msg("a refused slug change left a city nizza");
	w_expect_unchanged(w, before, "invalid writes");
	free(before), free(etag), free(pair);
}

static void test_create_of_an_existing_slug_is_409(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w);
	struct h_resp r;
	struct call exists = as_admin(w, "POST", "/api/v1/cities", "{\"slug\": \"nice\", \"name\": \"Nice again\"}", NULL);
	w_send(w, &r, &exists);
	h_expect_error(&r, "POST of an existing slug", 409, "exists", "slug");
	if (!strstr(r.body, "nice"))
		fail_msg("POST of an existing slug: the message should name it: %s", r.body);
	h_resp_free(&r);
	struct call derived = as_admin(w, "POST", "/api/v1/cities", "{\"name\": \"Rome\"}", NULL);
	w_send(w, &r, &derived);
	h_expect_error(&r, "POST whose derived slug exists", 409, "exists", "slug");
	h_resp_free(&r);
	struct call coop = {"POST", "/api/v1/cooperations",
			    "{\"slug\": \"nice-haikou\", \"kind\": \"pairing\", \"name\": \"Again\", \"members\": [\"nice\", \"haikou\"]}",
			    NULL, NULL, NULL, {.bearer = w->token[NICE]}};
	w_send(w, &r, &coop);
	h_expect_error(&r, "the coordinator of Nice creating nice-haikou again", 409, "exists", "slug");
	h_resp_free(&r);
	w_expect_unchanged(w, before, "creates of existing records");
	free(before);
}

static void test_delete_of_a_referenced_record_is_409(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w);
	struct h_resp r;
	static const char *const used[] = {"/api/v1/cities/haikou", "/api/v1/cities/nice", "/api/v1/programmes/iuc-asia"};
	for (size_t i = 0; i < sizeof used / sizeof *used; i++) {
		char *etag = w_etag_of(w, used[i]);
		struct call c = as_admin(w, "DELETE", used[i], NULL, etag);
		w_send(w, &r, &c);
		char *what = h_strf("DELETE %s, still referred to", used[i]);
		h_expect_error(&r, what, 409, NULL, NULL);
		h_resp_free(&r);
		free(what);
		char *still = w_etag_of(w, used[i]);   /* kept, unchanged */
		if (strcmp(still, etag) != 0)
			fail_msg("a refused DELETE changed %s", used[i]);
		free(still), free(etag);
	}
	struct call missing = as_admin(w, "PATCH", "/api/v1/cities/atlantis", "{\"population\": 1}", "\"x\"");
	w_send(w, &r, &missing);
	h_expect_error(&r, "PATCH of an unknown city", 404, "not_found", NULL);
	h_resp_free(&r);
	struct call missing_del = as_admin(w, "DELETE", "/api/v1/cities/atlantis", NULL, "\"x\"");
	w_send(w, &r, &missing_del);
	h_expect_error(&r, "DELETE of an unknown city", 404, "not_found", NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "deletes of records still referred to");
	free(before);
}

/* c2c user role: romeo, coordinator of the cities given (NULL-terminated, at most two). */
static void romeo_keeps(struct world *w, const char *const *cities)
{
	char *argv[20] = {"user", "role", "--db", w->env.db, "--login", "romeo", "--role", "coordinator"};
	int n = 8;
	for (size_t i = 0; cities[i] && i < 2; i++) {
		argv[n++] = "--city";
		argv[n++] = (char *)cities[i];
	}
	struct h_run run;
	h_cli(&w->env, &run, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8], argv[9],
	      argv[10], argv[11], (char *)NULL);
	if (run.status != 0)
		fail_msg("user role --login romeo: exit %d: %s", run.status, run.err);
	h_run_free(&run);
}

/* A city that a coordinator keeps stays, with a 409 naming the account, until the account
 * is given other cities: deleting it would quietly take it off the account. */
static void test_delete_of_a_city_a_coordinator_keeps_is_409(void **state)
{
	struct world *w = *state;
	struct h_resp r;
	struct call post = as_admin(w, "POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL);
	w_send(w, &r, &post);
	assert_int_equal(r.status, 201);
	h_resp_free(&r);
	static const char *const both[] = {"rome", "lyon", NULL}, *const rome[] = {"rome", NULL};
	romeo_keeps(w, both);
	char *before = w_snapshot(w), *etag = w_etag_of(w, "/api/v1/cities/lyon");
	struct call del = as_admin(w, "DELETE", "/api/v1/cities/lyon", NULL, etag);
	w_send(w, &r, &del);
	h_expect_error(&r, "DELETE of a city romeo keeps", 409, "conflict", NULL);
	if (!strstr(r.body, "romeo") || !strstr(r.body, "user role"))
		fail_msg("the refusal should name the account and say what to do: %s", r.body);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "the refused DELETE of a city a coordinator keeps");
	struct h_run run;
	h_cli(&w->env, &run, "user", "list", "--db", w->env.db, (char *)NULL);
	if (run.status != 0 || !strstr(run.out, "lyon,rome"))
		fail_msg("romeo should still keep lyon: %s", run.out);
	h_run_free(&run);
	romeo_keeps(w, rome);
	w_send(w, &r, &del);
	if (r.status != 204)
		fail_msg("DELETE of lyon once nobody keeps it: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	w_expect_audit(w, "cities", "lyon", "ada", "api", "delete", NULL, NULL, NULL);
	free(before), free(etag);
}

static void test_preconditions(void **state)
{
	struct world *w = *state;
	char *before = w_snapshot(w), *etag = w_etag_of(w, "/api/v1/cities/nice");
	struct h_resp r;
	struct call no_match = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", NULL);
	w_send(w, &r, &no_match);
	h_expect_error(&r, "PATCH without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	struct call no_match_del = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, NULL);
	w_send(w, &r, &no_match_del);
	h_expect_error(&r, "DELETE without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	struct call garbage = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", "\"not-an-etag\"");
	w_send(w, &r, &garbage);
	h_expect_error(&r, "PATCH with an If-Match that is no ETag of it", 412, "stale", NULL);
	h_resp_free(&r);
	/* "*" names no version the client read, so it cannot prevent a lost update */
	struct call star = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", "*");
	w_send(w, &r, &star);
	h_expect_error(&r, "PATCH with If-Match: *", 428, "precondition_required", NULL);
	h_resp_free(&r);
	struct call star_del = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, "*");
	w_send(w, &r, &star_del);
	h_expect_error(&r, "DELETE with If-Match: *", 428, "precondition_required", NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "writes without a usable If-Match");
	free(before);

	/* stale: someone changed it since */
	struct call first = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 545000}", etag);
	w_send(w, &r, &first);
	if (r.status != 200)
		fail_msg("PATCH with the current ETag: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	before = w_snapshot(w);
	struct call late = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", etag);
	w_send(w, &r, &late);
	h_expect_error(&r, "PATCH with the ETag of an older version", 412, "stale", NULL);
	h_resp_free(&r);
	struct call late_del = as_admin(w, "DELETE", "/api/v1/cities/nice", NULL, etag);
	w_send(w, &r, &late_del);
	h_expect_error(&r, "DELETE with the ETag of an older version", 412, "stale", NULL);
	h_resp_free(&r);
	char *liuzhou = w_etag_of(w, "/api/v1/cities/liuzhou");
	struct call cross = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, etag);   /* another record's */
	w_send(w, &r, &cross);
	h_expect_error(&r, "DELETE with another record's ETag", 412, "stale", NULL);
	h_resp_free(&r);
	w_expect_unchanged(w, before, "writes with a stale ETag");
	struct call del = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, liuzhou);
	w_send(w, &r, &del);
	if (r.status != 204 || r.len)
		fail_msg("DELETE of an unused city with its ETag: status %ld, %zu bytes of body", r.status, r.len);
	h_resp_free(&r);
	w_expect_audit(w, "cities", "liuzhou", "ada", "api", "delete", NULL, NULL, NULL);
	free(before), free(etag), free(liuzhou);
}

static void test_etags(void **state)
{
	struct world *w = *state;
	struct h_resp r;
	char *e0;
	json_t *nice = w_get_record(w, "/api/v1/cities/nice", &e0);   /* a visitor's GET also fills the cache */
	size_t audit0 = w_audit_count(w);

	/* changing nothing: 200 with the same ETag, no audit row */
	static const char *const nothing[] = {"{}", "{\"population\": 540000}", "{\"slug\": \"nice\"}"};
	for (size_t i = 0; i < sizeof nothing / sizeof *nothing; i++) {
		struct call c = as_admin(w, "PATCH", "/api/v1/cities/nice", nothing[i], e0);
		w_send(w, &r, &c);
		const char *etag = h_header(&r, "ETag");
		if (r.status != 200 || !etag || strcmp(etag, e0) != 0 || !json_equal(r.json, nice))
			fail_msg("PATCH %s (no change): status %ld, ETag %s (expected 200, %s, the record as it was)", nothing[i],
				 r.status, etag ? etag : "missing", e0);
		h_resp_free(&r);
	}
	if (w_audit_count(w) != audit0)
		fail_msg("a PATCH that changes nothing wrote an audit row");

	/* a change: a new ETag, the one GET gives, and GET's cached answer follows */
	struct call c = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 545000}", e0);
	w_send(w, &r, &c);
	char *e1 = h_header(&r, "ETag") ? h_strf("%s", h_header(&r, "ETag")) : NULL;
	if (r.status != 200 || !e1 || strcmp(e1, e0) == 0)
		fail_msg("PATCH population: status %ld, ETag %s (expected 200 and a new ETag)", r.status, e1 ? e1 : "missing");
	json_t *answered = json_incref(r.json);
	h_resp_free(&r);
	char *g1;
	json_t *now = w_get_record(w, "/api/v1/cities/nice", &g1);
	if (strcmp(g1, e1) != 0 || !json_equal(now, answered))
		fail_msg("after PATCH, GET gives ETag %s (the PATCH answered %s) and %s the PATCH's body", g1, e1,
			 json_equal(now, answered) ? "the same as" : "something else than");
	assert_int_equal(json_integer_value(json_object_get(now, "population")), 545000);
	struct call signed_in = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, NULL, {.bearer = w->token[MEMBER]}};
	w_send(w, &r, &signed_in);
	if (r.status != 200 || !h_header(&r, "ETag") || strcmp(h_header(&r, "ETag"), e1) != 0)
		fail_msg("GET signed in after PATCH: status %ld, ETag %s, expected %s", r.status, h_header(&r, "ETag"), e1);
	h_resp_free(&r);
	char *inm = h_strf("If-None-Match: %s", e1);
	struct call cond = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, inm, {NULL}};
	w_send(w, &r, &cond);
	if (r.status != 304 || r.len)
		fail_msg("GET with If-None-Match of the PATCH's ETag: status %ld, expected 304", r.status);
	h_resp_free(&r);
	free(inm);
	inm = h_strf("If-None-Match: %s", e0);
	struct call old_cond = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, inm, {NULL}};
	w_send(w, &r, &old_cond);
	if (r.status != 200)
		fail_msg("GET with If-None-Match of the old ETag: status %ld, expected 200", r.status);
	h_resp_free(&r);
	free(inm);
	/* the page and the list follow the change too */
	h_get(&w->env, &r, "/api/v1/cities", 200);
	if (!strstr(r.body, "545000"))
		fail_msg("the list of cities still shows the old population: %.300s", r.body);
	h_resp_free(&r);

	/* create: Location, an ETag GET agrees with, revalidation; then delete it */
	struct call post = as_admin(w, "POST", "/api/v1/cities", "{\"name\": \"Lyon\", \"country\": \"FR\"}", NULL);
	post.type = "application/json; charset=utf-8";
	w_send(w, &r, &post);
	const char *loc = h_header(&r, "Location"), *etag = h_header(&r, "ETag");
	if (r.status != 201 || !loc || strcmp(loc, "/api/v1/cities/lyon") != 0 || !etag)
		fail_msg("POST Lyon: status %ld, Location %s, ETag %s", r.status, loc ? loc : "missing", etag ? etag : "missing");
	char *created = h_strf("%s", etag);
	const char *region = json_string_value(json_object_get(r.json, "world_region"));
	if (!region || strcmp(region, "Europe") != 0)
		fail_msg("POST Lyon: the answer should be the stored record, with the derived world region: %.300s", r.body);
	h_resp_free(&r);
	char *g2 = w_etag_of(w, "/api/v1/cities/lyon");
	if (strcmp(g2, created) != 0)
		fail_msg("POST answered ETag %s, GET gives %s", created, g2);
	inm = h_strf("If-None-Match: %s", created);
	struct call cond2 = {"GET", "/api/v1/cities/lyon", NULL, NULL, NULL, inm, {NULL}};
	w_send(w, &r, &cond2);
	assert_int_equal(r.status, 304);
	h_resp_free(&r);
	free(inm);
	static const char *const created_fields[] = {"name", "country", "world_region", NULL};
	json_t *lyon = w_get_record(w, "/api/v1/cities/lyon", NULL);
	w_expect_audit(w, "cities", "lyon", "ada", "api", "create", NULL, lyon, created_fields);
	struct call del = as_admin(w, "DELETE", "/api/v1/cities/lyon", NULL, created);
	w_send(w, &r, &del);
	if (r.status != 204 || r.len || h_header(&r, "ETag"))
		fail_msg("DELETE Lyon: status %ld (expected 204, no body, no ETag)", r.status);
	h_resp_free(&r);
	json_t *gone = w_get_record(w, "/api/v1/cities/lyon", NULL);
	if (gone)
		fail_msg("GET after DELETE still finds lyon");
	w_expect_audit(w, "cities", "lyon", "ada", "api", "delete", lyon, NULL, created_fields);
	struct call again = as_admin(w, "DELETE", "/api/v1/cities/lyon", NULL, created);
	w_send(w, &r, &again);
	h_expect_error(&r, "DELETE of a deleted city", 404, "not_found", NULL);
	h_resp_free(&r);
	json_decref(nice), json_decref(answered), json_decref(now), json_decref(lyon);
	free(e0), free(e1), free(g1), free(g2), free(created);
}

/* ---- optimistic concurrency under concurrent writers ---- */

static size_t discard(char *data, size_t size, size_t n, void *user)
{
	return size * n;
}

/* Sends n copies of the request c at the same time (libcurl's multi interface, one
 * connection each), copy i with bodies[i] when bodies is not NULL, and stores each
 * answer's status in statuses (0: no answer). */
static void send_together(struct world *w, const struct call *c, int n, char *const *bodies, long *statuses)
{
	CURLM *multi = curl_multi_init();
	CURL *easy[16];
	struct curl_slist *list = NULL;
	char *h[4] = {h_strf("Authorization: Bearer %s", c->who.bearer), h_strf("If-Match: %s", c->if_match),
		      h_strf("Content-Type: application/json"), NULL};
	for (int i = 0; h[i]; i++)
		list = curl_slist_append(list, h[i]);
	char *url = h_strf("%s%s", w->env.base, c->path);
	assert_true(n <= 16);
	for (int i = 0; i < n; i++) {
		easy[i] = curl_easy_init();
		curl_easy_setopt(easy[i], CURLOPT_URL, url);
		curl_easy_setopt(easy[i], CURLOPT_CUSTOMREQUEST, c->method);
		curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, bodies ? bodies[i] : c->body);
		curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, list);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy[i], CURLOPT_FORBID_REUSE, 1L);
		curl_multi_add_handle(multi, easy[i]);
	}
	int running = 1;
	while (running) {
		curl_multi_perform(multi, &running);
		if (running)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (int i = 0; i < n; i++) {
		statuses[i] = 0;
		curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &statuses[i]);
		curl_multi_remove_handle(multi, easy[i]);
		curl_easy_cleanup(easy[i]);
	}
	curl_multi_cleanup(multi);
	curl_slist_free_all(list);
	for (int i = 0; h[i]; i++)
		free(h[i]);
	free(url);
}

/* Several clients that read the same version and write at once: one wins, every other
 * gets 412, and the audit log has the one change. Without this, a colleague's edit is
 * overwritten unknowingly (the check of If-Match and the write must be one step). */
static void test_concurrent_writes_with_one_etag(void **state)
{
	struct world *w = *state;
	enum { ROUNDS = 10, CLIENTS = 8 };
	for (int round = 0; round < ROUNDS; round++) {
		char *etag = w_etag_of(w, "/api/v1/cities/nice");
		size_t audit_before = w_audit_count(w);
		char *bodies[CLIENTS];
		for (int i = 0; i < CLIENTS; i++)   /* each client its own value */
			bodies[i] = h_strf("{\"population\": %d}", 600000 + round * 100 + i);
		struct call c = as_admin(w, "PATCH", "/api/v1/cities/nice", NULL, etag);
		long statuses[CLIENTS];
		send_together(w, &c, CLIENTS, bodies, statuses);
		int ok = 0, stale = 0, winner = -1;
		char seen[200] = "";
		for (int i = 0; i < CLIENTS; i++) {
			if (statuses[i] == 200)
				ok++, winner = i;
			stale += statuses[i] == 412;
			snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%ld", i ? ", " : "", statuses[i]);
		}
		json_t *now = w_get_record(w, "/api/v1/cities/nice", NULL);
		json_int_t population = json_integer_value(json_object_get(now, "population"));
		json_decref(now);
		size_t rows = w_audit_count(w) - audit_before;
		if (ok != 1 || stale != CLIENTS - 1)
			fail_msg("round %d: %d PATCHes of different populations with the same If-Match at once answered %s; "
				 "expected one 200 and %d times 412 (%d clients were told their change was saved; the "
				 "population is now %lld; %zu audit rows)", round + 1, CLIENTS, seen, CLIENTS - 1, ok,
				 (long long)population, rows);
		if (population != 600000 + round * 100 + winner || rows != 1)
			fail_msg("round %d: the population is %lld and the audit log grew by %zu rows; expected the winner's "
				 "%d and one row", round + 1, (long long)population, rows, 600000 + round * 100 + winner);
		for (int i = 0; i < CLIENTS; i++)
			free(bodies[i]);
		free(etag);
	}
	/* and deletes: one 204, the others 412 or 404, never a second delete in the log */
	char *etag = w_etag_of(w, "/api/v1/cities/liuzhou");
	struct call d = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, etag);
	long statuses[CLIENTS];
	send_together(w, &d, CLIENTS, NULL, statuses);
	int gone = 0;
	for (int i = 0; i < CLIENTS; i++) {
		gone += statuses[i] == 204;
		if (statuses[i] != 204 && statuses[i] != 412 && statuses[i] != 404)
			fail_msg("concurrent DELETEs: one answered %ld", statuses[i]);
	}
	if (gone != 1)
		fail_msg("%d concurrent DELETEs of one city answered 204 %d times", CLIENTS, gone);
	json_t *rows = w_audit_rows(w, "city/liuzhou"), *row;
	size_t i, deletes = 0;
	json_array_foreach(rows, i, row)
		deletes += strcmp(json_string_value(json_object_get(row, "action")), "delete") == 0;
	if (deletes != 1)
		fail_msg("the audit log records liuzhou deleted %zu times", deletes);
	json_decref(rows);
	free(etag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matrix_covers_the_rules, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_visitor, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_member, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_nice, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_rome, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_admin, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_coordinator_of_nice_edits_nice_and_its_pairing_not_rome, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_csrf_matrix, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_bearer_needs_no_csrf_and_visitors_get_401, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_and_broken_bodies, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_validation_lists_every_bad_field, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_create_of_an_existing_slug_is_409, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_delete_of_a_referenced_record_is_409, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_delete_of_a_city_a_coordinator_keeps_is_409, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_preconditions, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_etags, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writes_with_one_etag, setup_threads, w_teardown),
	};
	if (h_global_init())
		return 1;
	h_print_backend();
	if (getenv("C2C_TEST_ONLY"))   /* e.g. C2C_TEST_ONLY='test_matrix_*' */
		cmocka_set_test_filter(getenv("C2C_TEST_ONLY"));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	h_global_cleanup();
	return failed;
}
