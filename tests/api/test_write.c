/* test_write.c: black-box tests of the JSON API's writes against the real binary:
 *   POST /api/v1/{kind}, PATCH and DELETE /api/v1/{kind}/{slug} (If-Match),
 * for cities, cooperations and programmes.
 *
 * - The access-control matrix: five actors (a visitor, a member, the coordinator of Nice,
 *   the coordinator of Rome, an admin) x every kind of write, on their own and on other
 *   records. The expected answer of every cell is derived from a copy of the role x
 *   action x record table of src/core/permission.c (rules[] below) and the ownership rule
 *   (a city is a coordinator's when it is one of theirs, a cooperation when one of its
 *   members is, before and after the change), never written by hand per cell. A refused
 *   cell must leave the database exactly as it was (export and audit log); an allowed
 *   one must be in the audit log with the actor's login, via "api".
 * - The "done when": the coordinator of Nice edits Nice and the Nice-Haikou
 *   pairing but not Rome, and the audit log shows each change.
 * - The CSRF matrix on a cookie session for every state-changing route (the writes and
 *   POST /logout): no token, a wrong token, another session's token, a foreign or null
 *   Origin, and GET on the same address; then the right token from the same origin.
 * - API semantics: 415, 400, 422 listing every bad field, 428, 412, 409 (exists, still
 *   referenced), a slug that cannot change, a PATCH that changes nothing, ETags that agree
 *   with GET and revalidate (304).
 *
 * Every test has a database of its own with the demo data, a spare programme nobody
 * refers to (imported with `c2c import json`), accounts made with `c2c user add`
 * (paul, member; marie, coordinator of Nice; romeo, coordinator of Rome; ada, admin),
 * an API token for each and a server. Runs on SQLite and, under scripts/with-postgres,
 * on PostgreSQL (tests/common/testdb.h). */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#define TOKEN_LEN 43

/* ---- the rules, copied from src/core/permission.c as data ---- */

enum role { R_ANONYMOUS, R_MEMBER, R_COORDINATOR, R_ADMIN };
enum action { A_READ_INTERNAL, A_CREATE, A_UPDATE, A_DELETE, A_MANAGE_USERS };
enum scope { S_NONE, S_OWN, S_ALL };

static const struct rule {
	enum role role;
	enum action action;
	const char *kind;     /* plural, as in the URL; NULL: every kind */
	enum scope scope;
} rules[] = {
	{R_ADMIN, A_READ_INTERNAL, NULL, S_ALL},
	{R_ADMIN, A_CREATE, NULL, S_ALL},
	{R_ADMIN, A_UPDATE, NULL, S_ALL},
	{R_ADMIN, A_DELETE, NULL, S_ALL},
	{R_ADMIN, A_MANAGE_USERS, NULL, S_ALL},
	{R_COORDINATOR, A_READ_INTERNAL, NULL, S_ALL},
	{R_COORDINATOR, A_UPDATE, "cities", S_OWN},
	{R_COORDINATOR, A_UPDATE, "cooperations", S_OWN},
	{R_COORDINATOR, A_CREATE, "cooperations", S_OWN},
	{R_MEMBER, A_READ_INTERNAL, NULL, S_ALL},
};

/* The first rule that matches decides; anything not listed is refused. */
static enum scope scope_of(enum role role, enum action action, const char *kind)
{
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (rules[i].role == role && rules[i].action == action && (!rules[i].kind || strcmp(rules[i].kind, kind) == 0))
			return rules[i].scope;
	return S_NONE;
}

/* ---- the actors ---- */

enum { ANON, MEMBER, NICE, ROME, ADMIN, NACTORS };

static const struct actor {
	const char *name;          /* for messages */
	const char *login;         /* NULL for the visitor */
	enum role role;
	const char *city;          /* the city a coordinator keeps */
	const char *password;
} actors[NACTORS] = {
	[ANON] = {"a visitor", NULL, R_ANONYMOUS, NULL, NULL},
	[MEMBER] = {"member paul", "paul", R_MEMBER, NULL, "a member of the stakeholders"},
	[NICE] = {"marie, coordinator of Nice", "marie", R_COORDINATOR, "nice", "nice haikou carnival 2018"},
	[ROME] = {"romeo, coordinator of Rome", "romeo", R_COORDINATOR, "rome", "all roads lead to rome 753"},
	[ADMIN] = {"ada, admin", "ada", R_ADMIN, NULL, "the programme team keeps it all"},
};

static int keeps(const struct actor *a, const char *city)
{
	return a->city && city && strcmp(a->city, city) == 0;
}

/* permission.c's owns(): a city is theirs when it is one of theirs; a cooperation when
 * one of its members is; nothing else is anyone's. */
static int owns(const struct actor *a, const char *kind, json_t *rec)
{
	if (strcmp(kind, "cities") == 0)
		return keeps(a, json_string_value(json_object_get(rec, "slug")));
	if (strcmp(kind, "cooperations") == 0) {
		size_t i;
		json_t *m;
		json_array_foreach(json_object_get(rec, "members"), i, m)
			if (keeps(a, json_string_value(m)))
				return 1;
	}
	return 0;
}

/* ---- the environment ---- */

struct world {
	struct h_env env;
	char *token[NACTORS];      /* API token of each account; NULL for the visitor */
};

static const char spare_programme[] =
	"{\"format\": \"c2c-export\", \"version\": 1, \"programmes\": [{\"slug\": \"spare\", \"name\": "
	"\"A spare programme\"}], \"cities\": [], \"cooperations\": []}\n";

static int cli_ok(const struct h_run *run, const char *what)
{
	if (run->status == 0)
		return 0;
	fprintf(stderr, "test_write: %s: exit %d: %s%s\n", what, run->status, run->out, run->err);
	return -1;
}

/* c2c user add with the password on standard input. */
static int add_user(struct h_env *env, const struct actor *a)
{
	char file[H_PATH_MAX];
	char *input = h_strf("%s\n", a->password);
	int rc = h_write_file(env, "password.txt", input);
	free(input);
	if (rc)
		return -1;
	h_env_path(env, "password.txt", file);
	const char *role = a->role == R_ADMIN ? "admin" : a->role == R_COORDINATOR ? "coordinator" : "member";
	char *argv[] = {"sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", file, (char *)h_bin(), "user", "add",
			"--db", env->db, "--login", (char *)a->login, "--role", (char *)role, "--password-stdin",
			a->city ? "--city" : NULL, (char *)a->city, NULL};
	struct h_run run;
	h_exec(env, &run, argv);
	rc = cli_ok(&run, "user add");
	h_run_free(&run);
	return rc;
}

static char *create_token(struct h_env *env, const char *login)
{
	struct h_run run;
	h_cli(env, &run, "token", "create", "--db", env->db, "--user", login, (char *)NULL);
	char *token = NULL;
	if (cli_ok(&run, "token create") == 0 && strncmp(run.out, "c2c_", 4) == 0)
		token = h_strf("%.*s", (int)strcspn(run.out, "\n"), run.out);
	h_run_free(&run);
	return token;
}

static void world_free(struct world *w)
{
	if (!w)
		return;
	h_env_free(&w->env);
	for (int i = 0; i < NACTORS; i++)
		free(w->token[i]);
	free(w);
}

static int setup_with(void **state, const char *const *serve_args)
{
	struct world *w = calloc(1, sizeof *w);
	*state = w;
	if (!w || h_env_init(&w->env, 1))
		goto fail;
	char file[H_PATH_MAX];
	struct h_run run;
	if (h_write_file(&w->env, "spare.json", spare_programme))
		goto fail;
	h_cli(&w->env, &run, "import", "json", "--db", w->env.db, h_env_path(&w->env, "spare.json", file), (char *)NULL);
	int rc = cli_ok(&run, "import json");
	h_run_free(&run);
	if (rc)
		goto fail;
	for (int i = MEMBER; i < NACTORS; i++)
		if (add_user(&w->env, &actors[i]) || !(w->token[i] = create_token(&w->env, actors[i].login)))
			goto fail;
	if (h_env_serve_with(&w->env, serve_args))
		goto fail;
	return 0;
fail:
	world_free(w);   /* cmocka runs no teardown after a failed setup */
	*state = NULL;
	return -1;
}

static int setup(void **state) { return setup_with(state, NULL); }
static int setup_threads(void **state)
{
	static const char *const args[] = {"--threads", "8", NULL};
	return setup_with(state, args);
}

/* Stops the server first, so that a sanitizer report or an unclean exit fails the test. */
static int teardown(void **state)
{
	struct world *w = *state;
	int status = w && w->env.pid ? h_env_stop(&w->env) : 0;
	if (status != 0)
		fprintf(stderr, "test_write: the server exited %d on SIGTERM, not 0 (see its serve.err)\n", status);
	world_free(w);
	*state = NULL;
	return status == 0 ? 0 : -1;
}

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

static void send_call(struct world *w, struct h_resp *r, const struct call *c)
{
	char *h[10] = {NULL};
	int n = 0;
	if (c->who.bearer)
		h[n++] = h_strf("Authorization: Bearer %s", c->who.bearer);
	if (c->who.session)
		h[n++] = h_strf("Cookie: c2c_session=%s", c->who.session);
	if (c->who.csrf)
		h[n++] = h_strf("X-CSRF-Token: %s", c->who.csrf);
	if (c->who.origin)
		h[n++] = h_strf("Origin: %s", c->who.origin);
	if (c->if_match)
		h[n++] = h_strf("If-Match: %s", c->if_match);
	if (c->type)
		h[n++] = *c->type ? h_strf("Content-Type: %s", c->type) : h_strf("Content-Type:");   /* "": curl sends none */
	else if (c->body)
		h[n++] = h_strf("Content-Type: application/json");
	if (c->extra)
		h[n++] = h_strf("%s", c->extra);
	if (h_request(&w->env, r, c->method, c->path, (const char *const *)h, c->body))
		fail_msg("%s %s: no response", c->method, c->path);
	for (int i = 0; i < n; i++)
		free(h[i]);
}

/* The record at path as a visitor reads it, and its ETag (free it); NULL when there is none
 * (404). Fails the test on any other answer. */
static json_t *get_record(struct world *w, const char *path, char **etag)
{
	struct h_resp r;
	if (h_request(&w->env, &r, "GET", path, NULL, NULL))
		fail_msg("GET %s: no response", path);
	if (etag)
		*etag = NULL;
	if (r.status == 404) {
		h_resp_free(&r);
		return NULL;
	}
	if (r.status != 200 || !json_is_object(r.json) || !h_header(&r, "ETag"))
		fail_msg("GET %s: status %ld, ETag %s: %.300s", path, r.status, h_header(&r, "ETag"), r.body);
	json_t *rec = json_incref(r.json);
	if (etag)
		*etag = h_strf("%s", h_header(&r, "ETag"));
	h_resp_free(&r);
	return rec;
}

static char *etag_of(struct world *w, const char *path)
{
	char *etag;
	json_t *rec = get_record(w, path, &etag);
	if (!rec)
		fail_msg("GET %s: 404, expected the record", path);
	json_decref(rec);
	return etag;
}

/* ---- the database, as the command line sees it ---- */

static char *cli_text(struct world *w, const char *what, struct h_run *run)
{
	if (run->status != 0)
		fail_msg("%s: exit %d: %s", what, run->status, run->err);
	char *out = h_strf("%s", run->out);
	h_run_free(run);
	return out;
}

/* Everything a write could change: the export and the whole audit log. */
static char *snapshot(struct world *w)
{
	struct h_run run;
	h_cli(&w->env, &run, "export", "--db", w->env.db, "json", (char *)NULL);
	char *data = cli_text(w, "export json", &run);
	h_cli(&w->env, &run, "audit", "--db", w->env.db, "--json", "--limit", "10000", (char *)NULL);
	char *audit = cli_text(w, "audit --json", &run);
	char *all = h_strf("%s\n%s", data, audit);
	free(data);
	free(audit);
	return all;
}

/* The audit log (of one record "kind/slug" when record is not NULL), newest first. */
static json_t *audit_rows(struct world *w, const char *record)
{
	struct h_run run;
	if (record)
		h_cli(&w->env, &run, "audit", "--db", w->env.db, "--json", "--limit", "10000", "--record", record, (char *)NULL);
	else
		h_cli(&w->env, &run, "audit", "--db", w->env.db, "--json", "--limit", "10000", (char *)NULL);
	char *out = cli_text(w, "audit --json", &run);
	json_t *rows = json_loads(out, 0, NULL);
	if (!json_is_array(rows))
		fail_msg("audit --json: not a JSON array: %.300s", out);
	free(out);
	return rows;
}

static size_t audit_count(struct world *w)
{
	json_t *rows = audit_rows(w, NULL);
	size_t n = json_array_size(rows);
	json_decref(rows);
	return n;
}

static const char *singular(const char *kind)
{
	return strcmp(kind, "cities") == 0 ? "city" : strcmp(kind, "cooperations") == 0 ? "cooperation" : "programme";
}

static char *dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : strdup("(absent)");
}

/* Checks the newest audit row of kind/slug: actor, via "api", action, and for each field
 * of `fields` (NULL-terminated) changes[field] = {before: old[field], after: new[field]},
 * a side absent when old or new is NULL. Returns a message (free it), or NULL when right. */
static char *audit_mismatch(struct world *w, const char *kind, const char *slug, const char *login,
			    const char *action, json_t *old, json_t *new, const char *const *fields)
{
	char *record = h_strf("%s/%s", singular(kind), slug);
	json_t *rows = audit_rows(w, record), *row = json_array_get(rows, 0);
	char *why = NULL;
	const char *actor = json_string_value(json_object_get(row, "actor"));
	const char *via = json_string_value(json_object_get(row, "via"));
	const char *act = json_string_value(json_object_get(row, "action"));
	if (!row)
		why = h_strf("no audit row for %s", record);
	else if (!actor || strcmp(actor, login) != 0 || !via || strcmp(via, "api") != 0 || !act || strcmp(act, action) != 0)
		why = h_strf("the newest audit row of %s says actor %s, via %s, action %s; expected %s, api, %s", record,
			     actor ? actor : "-", via ? via : "-", act ? act : "-", login, action);
	json_t *changes = json_object_get(row, "changes");
	for (size_t i = 0; !why && fields && fields[i]; i++) {
		json_t *c = json_object_get(changes, fields[i]);
		json_t *b = json_object_get(c, "before"), *a = json_object_get(c, "after");
		json_t *want_b = old ? json_object_get(old, fields[i]) : NULL, *want_a = new ? json_object_get(new, fields[i]) : NULL;
		if (old && !want_b)
			want_b = json_null();
		if (new && !want_a)
			want_a = json_null();
		int ok = c && (old ? b && json_equal(b, want_b) : !b) && (new ? a && json_equal(a, want_a) : !a);
		if (!ok) {
			char *got = dump(c), *wb = dump(want_b), *wa = dump(want_a);
			why = h_strf("audit of %s: changes.%s is %s; expected before %s, after %s", record, fields[i], got, wb, wa);
			free(got), free(wb), free(wa);
		}
	}
	json_decref(rows);
	free(record);
	return why;
}

/* Fails unless the audit row is right (see audit_mismatch). */
static void expect_audit(struct world *w, const char *kind, const char *slug, const char *login, const char *action,
			 json_t *old, json_t *new, const char *const *fields)
{
	char *why = audit_mismatch(w, kind, slug, login, action, old, new, fields);
	if (why)
		fail_msg("%s", why);
}

static void expect_unchanged(struct world *w, const char *before, const char *what)
{
	char *after = snapshot(w);
	if (strcmp(before, after) != 0) {
		size_t i = 0;
		while (before[i] && before[i] == after[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fail_msg("%s changed the database (export or audit log); from:\n%.400s\n...became:\n%.400s", what, before + from,
			 after + from);
	}
	free(after);
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
	{"delete the cooperation nice-china-cluster", "DELETE", "cooperations", "nice-china-cluster", NULL, 204, "members"},
	{"delete the unused city liuzhou", "DELETE", "cities", "liuzhou", NULL, 204, "name"},
	{"delete the city haikou, still in cooperations", "DELETE", "cities", "haikou", NULL, 409, NULL},
	{"delete the unused programme spare", "DELETE", "programmes", "spare", NULL, 204, "name"},
	{"delete the programme iuc-asia, still referred to", "DELETE", "programmes", "iuc-asia", NULL, 409, NULL},
};

static enum action action_of(const char *method)
{
	return strcmp(method, "POST") == 0 ? A_CREATE : strcmp(method, "PATCH") == 0 ? A_UPDATE : A_DELETE;
}

/* The answer the rules give actor a for write wr, on the record old (NULL for a create)
 * becoming new (NULL for a delete). */
static long expected(const struct actor *a, const struct write *wr, json_t *old, json_t *new)
{
	if (a->role == R_ANONYMOUS)
		return 401;
	switch (scope_of(a->role, action_of(wr->method), wr->kind)) {
	case S_ALL: return wr->done;
	case S_OWN: return (!old || owns(a, wr->kind, old)) && (!new || owns(a, wr->kind, new)) ? wr->done : 403;
	default: return 403;
	}
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
	char *after = snapshot(w);
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
	json_t *now = get_record(w, item, &get_etag), *stored = NULL;
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
				char *want = dump(v), *got = dump(json_object_get(now, k));
				why = h_strf("after the write %s is %s, expected %s", k, got, want);
				free(want), free(got);
			}
	}
	if (!why && audit_count(w) != audit_before + 1)
		why = h_strf("the write should add exactly one audit row (%zu before, %zu after)", audit_before, audit_count(w));
	if (!why) {
		const char *fields[] = {wr->field, NULL};
		const char *action = r->status == 201 ? "create" : r->status == 204 ? "delete" : "update";
		why = audit_mismatch(w, wr->kind, wr->slug, a->login, action, old, r->status == 204 ? NULL : now, fields);
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
	const struct actor *a = &actors[actor];
	int failures = 0;
	for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
		const struct write *wr = &writes[i];
		char *collection = h_strf("/api/v1/%s", wr->kind), *item = h_strf("/api/v1/%s/%s", wr->kind, wr->slug);
		char *etag = NULL;
		json_t *old = strcmp(wr->method, "POST") == 0 ? NULL : get_record(w, item, &etag);
		if (strcmp(wr->method, "POST") != 0 && !old)
			fail_msg("%s: the matrix expects %s to exist", wr->what, item);
		json_t *new = after_write(wr, old);
		long want = expected(a, wr, old, strcmp(wr->method, "DELETE") == 0 ? NULL : new);
		char *before = snapshot(w);
		size_t audit_before = audit_count(w);
		struct h_resp r;
		struct call c = {wr->method, strcmp(wr->method, "POST") == 0 ? collection : item, wr->body, NULL, etag, NULL,
				 {.bearer = w->token[actor]}};
		send_call(w, &r, &c);
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

/* The matrix itself must hold the cases the issue asks for: own and other records for
 * both coordinators, and refusals and successes for every role that signs in. Prints the
 * expected answers, as derived from the rules and the demo data, for the reader. */
static void test_matrix_covers_the_rules(void **state)
{
	struct world *w = *state;
	int seen[NACTORS][3] = {{0}};   /* [actor][0: 401, 1: 403, 2: allowed] */
	fprintf(stderr, "  %-62s visitor member nice rome admin\n", "expected, from the demo data:");
	for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
		char *item = h_strf("/api/v1/%s/%s", writes[i].kind, writes[i].slug);
		json_t *old = strcmp(writes[i].method, "POST") == 0 ? NULL : get_record(w, item, NULL);
		json_t *new = strcmp(writes[i].method, "DELETE") == 0 ? NULL : after_write(&writes[i], old);
		fprintf(stderr, "  %-62s", writes[i].what);
		for (int a = 0; a < NACTORS; a++) {
			long want = expected(&actors[a], &writes[i], old, new);
			seen[a][want == 401 ? 0 : want == 403 ? 1 : 2]++;
			fprintf(stderr, " %*ld", a == ANON ? 7 : a == MEMBER ? 6 : a == ADMIN ? 5 : 4, want);
		}
		fputc('\n', stderr);
		json_decref(old), json_decref(new);
		free(item);
	}
	assert_int_equal(seen[ANON][0], (int)(sizeof writes / sizeof *writes));
	assert_int_equal(seen[MEMBER][1], (int)(sizeof writes / sizeof *writes));
	for (int a = NICE; a <= ROME; a++) {
		if (seen[a][1] == 0 || seen[a][2] < 3)
			fail_msg("%s: the matrix should hold refused and allowed writes", actors[a].name);
	}
	assert_int_equal(seen[ADMIN][2], (int)(sizeof writes / sizeof *writes));
}

/* ---- sessions (as in test_auth.c) ---- */

/* Signs in through the form; returns the session token (free it). */
static char *sign_in(struct world *w, const struct actor *a)
{
	struct h_resp r;
	h_get(&w->env, &r, "/login", 200);
	char *csrf = h_cookie(&r, "c2c_csrf");
	h_resp_free(&r);
	if (!csrf)
		fail_msg("GET /login: no c2c_csrf cookie");
	char *l = h_escape(a->login), *p = h_escape(a->password), *c = h_escape(csrf);
	char *body = h_strf("csrf=%s&login=%s&password=%s&next=/", c, l, p), *cookie = h_strf("Cookie: c2c_csrf=%s", csrf);
	const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", cookie, NULL};
	if (h_request(&w->env, &r, "POST", "/login", headers, body))
		fail_msg("POST /login: no response");
	char *session = h_cookie(&r, "c2c_session");
	if (r.status != 303 || !session || strlen(session) != TOKEN_LEN)
		fail_msg("sign-in of %s: status %ld: %.300s", a->login, r.status, r.body);
	h_resp_free(&r);
	free(l), free(p), free(c), free(body), free(cookie), free(csrf);
	return session;
}

/* The CSRF token of a signed-in session (the sign-out form's), or NULL when the session
 * is not signed in. */
static char *session_csrf(struct world *w, const char *session)
{
	struct h_resp r;
	char *cookie = h_strf("Cookie: c2c_session=%s", session);
	const char *headers[] = {cookie, NULL};
	if (h_request(&w->env, &r, "GET", "/", headers, NULL))
		fail_msg("GET /: no response");
	char *csrf = r.status == 200 ? h_hidden_csrf(r.body, "action=\"/logout\"") : NULL;
	h_resp_free(&r);
	free(cookie);
	return csrf;
}

/* ---- the "done when" ---- */

static void test_coordinator_of_nice_edits_nice_and_its_pairing_not_rome(void **state)
{
	struct world *w = *state;
	char *session = sign_in(w, &actors[NICE]), *csrf = session_csrf(w, session);
	assert_non_null(csrf);
	struct creds marie = {.session = session, .csrf = csrf, .origin = w->env.base};
	struct h_resp r;

	/* Nice */
	char *etag;
	json_t *nice_before = get_record(w, "/api/v1/cities/nice", &etag);
	struct call c = {"PATCH", "/api/v1/cities/nice", "{\"population\": 548000, \"leader\": \"A new mayor\"}", NULL,
			 etag, NULL, marie};
	send_call(w, &r, &c);
	if (r.status != 200)
		fail_msg("marie changing Nice: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	free(etag);
	json_t *nice_after = get_record(w, "/api/v1/cities/nice", NULL);
	assert_int_equal(json_integer_value(json_object_get(nice_after, "population")), 548000);

	/* the Nice-Haikou pairing: an SDG added, a topic removed, ended with a reason */
	json_t *pair_before = get_record(w, "/api/v1/cooperations/nice-haikou", &etag);
	json_t *topics = json_deep_copy(json_object_get(pair_before, "topics"));
	assert_true(json_array_size(topics) > 1);
	json_array_remove(topics, 0);
	json_t *patch = json_pack("{s:o, s:[i,i,i,i], s:s, s:s, s:s}", "topics", topics, "sdgs", 3, 7, 11, 17, "status",
				  "ended", "end_reason", "Both sides judged that the cooperation needed more time.", "end_date",
				  "2021-06");
	char *body = json_dumps(patch, JSON_COMPACT);
	json_decref(patch);
	struct call c2 = {"PATCH", "/api/v1/cooperations/nice-haikou", body, NULL, etag, NULL, marie};
	send_call(w, &r, &c2);
	if (r.status != 200)
		fail_msg("marie changing the Nice-Haikou pairing: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	free(etag), free(body);
	json_t *pair_after = get_record(w, "/api/v1/cooperations/nice-haikou", NULL);
	assert_string_equal(json_string_value(json_object_get(pair_after, "status")), "ended");

	/* not Rome, and no deleting Nice */
	char *before = snapshot(w);
	json_t *rome = get_record(w, "/api/v1/cities/rome", &etag);
	struct call c3 = {"PATCH", "/api/v1/cities/rome", "{\"population\": 1}", NULL, etag, NULL, marie};
	send_call(w, &r, &c3);
	h_expect_error(&r, "marie changing Rome", 403, "forbidden", NULL);
	if (strstr(r.body, "Rome") || strstr(r.body, "Lazio"))
		fail_msg("the refusal reveals Rome: %s", r.body);
	h_resp_free(&r);
	free(etag);
	char *nice_etag = etag_of(w, "/api/v1/cities/nice");
	struct call c4 = {"DELETE", "/api/v1/cities/nice", NULL, NULL, nice_etag, NULL, marie};
	send_call(w, &r, &c4);
	h_expect_error(&r, "marie deleting Nice", 403, "forbidden", NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "marie's refused writes");
	free(nice_etag), free(before);

	/* the audit log: marie's two changes, through the API, each field before and after */
	json_t *mine = audit_rows(w, NULL);
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
	expect_audit(w, "cities", "nice", "marie", "update", nice_before, nice_after, city_fields);
	expect_audit(w, "cooperations", "nice-haikou", "marie", "update", pair_before, pair_after, pair_fields);
	json_t *rome_rows = audit_rows(w, "city/rome");
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
	{"DELETE", "/api/v1/cooperations/nice-china-cluster", NULL, 204, "cooperation/nice-china-cluster"},
	{"DELETE", "/api/v1/programmes/spare", NULL, 204, "programme/spare"},
	{"POST", "/logout", "x=1", 303, NULL},
};

static void test_csrf_matrix(void **state)
{
	struct world *w = *state;
	char *ada = sign_in(w, &actors[ADMIN]), *paul = sign_in(w, &actors[MEMBER]);
	char *token = session_csrf(w, ada), *other = session_csrf(w, paul);
	assert_non_null(token);
	assert_non_null(other);
	assert_string_not_equal(token, other);
	char *wrong = h_strf("%s", token);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';   /* well-formed, one character off */
	const struct {
		const char *csrf, *origin, *what, *code;
	} bad[] = {
		{NULL, NULL, "no CSRF token", "csrf_token"},
		{"x", NULL, "a malformed token", "csrf_token"},
		{wrong, NULL, "a wrong token", "csrf_token"},
		{other, NULL, "another session's token", "csrf_token"},
		{other, w->env.base, "another session's token from the same origin", "csrf_token"},
		{token, "http://evil.example", "the right token from a foreign Origin", "foreign_origin"},
		{token, "null", "the right token with Origin: null", "foreign_origin"},
		{token, "https://127.0.0.1", "the right token from the same host with another scheme and port", "foreign_origin"},
	};
	for (size_t i = 0; i < sizeof csrf_routes / sizeof *csrf_routes; i++) {
		const struct csrf_route *rt = &csrf_routes[i];
		int api = strncmp(rt->path, "/api/", 5) == 0;
		char *etag = strcmp(rt->method, "PATCH") == 0 || strcmp(rt->method, "DELETE") == 0 ? etag_of(w, rt->path) : NULL;
		const char *type = api ? NULL : "application/x-www-form-urlencoded";
		char *before = snapshot(w);
		for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
			char *what = h_strf("%s %s with %s", rt->method, rt->path, bad[b].what);
			struct h_resp r;
			struct call c = {rt->method, rt->path, rt->body, type, etag, NULL, {NULL, ada, bad[b].csrf, bad[b].origin}};
			send_call(w, &r, &c);
			if (api)
				h_expect_error(&r, what, 403, bad[b].code, NULL);
			else if (r.status != 403 || h_header(&r, "Set-Cookie"))
				fail_msg("%s: status %ld (expected 403, nothing done)", what, r.status);
			h_resp_free(&r);
			expect_unchanged(w, before, what);
			free(what);
		}
		/* GET on the same address (with every credential, and a method override) changes nothing */
		char *override = h_strf("X-HTTP-Method-Override: %s", rt->method);
		struct h_resp r;
		struct call get = {"GET", rt->path, NULL, NULL, etag, override, {NULL, ada, token, w->env.base}};
		send_call(w, &r, &get);
		if (r.status != (api ? 200 : 405))
			fail_msg("GET %s: status %ld, expected %d", rt->path, r.status, api ? 200 : 405);
		h_resp_free(&r);
		free(override);
		expect_unchanged(w, before, "GET on a write's address");
		char *still = session_csrf(w, ada);
		if (!still || strcmp(still, token) != 0)
			fail_msg("after the refused %s %s ada's session (and its token) should be as before", rt->method, rt->path);
		free(still);
		/* the right token from the same origin */
		struct call good = {rt->method, rt->path, rt->body, type, etag, NULL, {NULL, ada, token, w->env.base}};
		send_call(w, &r, &good);
		if (r.status != rt->ok)
			fail_msg("%s %s with the session's token from the same origin: status %ld, expected %ld: %.300s", rt->method,
				 rt->path, r.status, rt->ok, r.body);
		h_resp_free(&r);
		if (rt->record) {
			json_t *rows = audit_rows(w, rt->record), *row = json_array_get(rows, 0);
			if (!row || strcmp(json_string_value(json_object_get(row, "actor")), "ada") != 0 ||
			    strcmp(json_string_value(json_object_get(row, "via")), "api") != 0)
				fail_msg("%s %s: the audit log should name ada, via api", rt->method, rt->path);
			json_decref(rows);
		} else {
			char *gone = session_csrf(w, ada);
			if (gone)
				fail_msg("POST /logout with the right token: the session is still signed in");
		}
		free(etag), free(before);
	}
	/* another session was never touched */
	char *paul_now = session_csrf(w, paul);
	if (!paul_now || strcmp(paul_now, other) != 0)
		fail_msg("paul's session should be untouched");
	free(paul_now);
	free(ada), free(paul), free(token), free(other), free(wrong);
}

/* Bearer requests need no CSRF token; a visitor is told to sign in (401), whatever the
 * CSRF token says, and a cookie that is no session is a visitor's. */
static void test_bearer_needs_no_csrf_and_visitors_get_401(void **state)
{
	struct world *w = *state;
	char *before = snapshot(w);
	struct h_resp r;
	struct call c = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			 {.session = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .csrf = "whatever"}};
	send_call(w, &r, &c);
	h_expect_error(&r, "POST with a cookie that is no session", 401, "unauthenticated", NULL);
	h_resp_free(&r);
	struct call c2 = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			  {.bearer = "c2c_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}};
	send_call(w, &r, &c2);
	h_expect_error(&r, "POST with an unknown API token", 401, NULL, NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "unauthenticated writes");
	struct call c3 = {"POST", "/api/v1/cities", "{\"slug\": \"lyon\", \"name\": \"Lyon\"}", NULL, NULL, NULL,
			  {.bearer = w->token[ADMIN]}};
	send_call(w, &r, &c3);
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
	char *before = snapshot(w);
	static const char city[] = "{\"slug\": \"lyon\", \"name\": \"Lyon\", \"country\": \"FR\"}";
	struct h_resp r;
	static const char *const types[] = {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
					    "application/json-patch+json"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		struct call c = as_admin(w, "POST", "/api/v1/cities", city, NULL);
		c.type = types[i];
		send_call(w, &r, &c);
		char *what = h_strf("POST with Content-Type %s", *types[i] ? types[i] : "(none)");
		h_expect_error(&r, what, 415, "unsupported_media_type", NULL);
		h_resp_free(&r);
		free(what);
	}
	char *etag = etag_of(w, "/api/v1/cities/nice");
	struct call p = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", etag);
	p.type = "text/plain";
	send_call(w, &r, &p);
	h_expect_error(&r, "PATCH as text/plain", 415, "unsupported_media_type", NULL);
	h_resp_free(&r);
	static const char *const broken[] = {"{\"name\": ", "", "{\"name\": \"A\", \"name\": \"B\"}", "{'name': 'Lyon'}"};
	for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
		struct call c = as_admin(w, "POST", "/api/v1/cities", broken[i], NULL);
		send_call(w, &r, &c);
		char *what = h_strf("POST with the body <%s>", broken[i]);
		h_expect_error(&r, what, 400, "invalid_json", NULL);
		h_resp_free(&r);
		free(what);
	}
	struct call pb = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": ", etag);
	send_call(w, &r, &pb);
	h_expect_error(&r, "PATCH with broken JSON", 400, "invalid_json", NULL);
	h_resp_free(&r);
	struct call arr = as_admin(w, "POST", "/api/v1/cities", "[{\"name\": \"Lyon\"}]", NULL);
	send_call(w, &r, &arr);
	h_expect_error(&r, "POST of a JSON array", 422, NULL, NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "writes with unusable bodies");
	free(before), free(etag);
}

static void test_validation_lists_every_bad_field(void **state)
{
	struct world *w = *state;
	char *before = snapshot(w), *etag = etag_of(w, "/api/v1/cities/nice");
	struct h_resp r;
	struct call many = as_admin(w, "POST", "/api/v1/cities",
				    "{\"slug\": \"lyon\", \"name\": \"\", \"population\": -5, \"country\": \"ZZ\", "
				    "\"lat\": 100, \"lon\": 4.8, \"mayor\": \"x\"}", NULL);
	send_call(w, &r, &many);
	expect_invalid(&r, "POST of a city with five bad fields", "country,lat,mayor,name,population");
	h_resp_free(&r);
	struct call two = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": -5, \"country\": \"ZZ\"}", etag);
	send_call(w, &r, &two);
	expect_invalid(&r, "PATCH of population -5 and country ZZ", "country,population");
	h_resp_free(&r);
	struct call coop = as_admin(w, "POST", "/api/v1/cooperations",
				    "{\"slug\": \"x-y\", \"kind\": \"pairing\", \"name\": \"X\", \"members\": [\"nice\"], "
				    "\"status\": \"ended\", \"start_date\": \"2020\", \"end_date\": \"2019\"}", NULL);
	send_call(w, &r, &coop);
	expect_invalid(&r, "POST of a pairing of one city, ended without a reason, ending before it starts",
		       "end_date,end_reason,members");
	h_resp_free(&r);
	char *pair = etag_of(w, "/api/v1/cooperations/nice-haikou");
	struct call coop2 = as_admin(w, "PATCH", "/api/v1/cooperations/nice-haikou",
				     "{\"sdgs\": [3, 18], \"status\": \"finished\"}", pair);
	send_call(w, &r, &coop2);
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
	send_call(w, &r, &ref);
	if (r.status != 422 || !strstr(r.body, "atlantis"))
		fail_msg("POST of a cooperation with an unknown member city: status %ld, expected 422 naming it: %.300s",
			 r.status, r.body);
	h_resp_free(&r);
	struct call slug = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"slug\": \"nizza\"}", etag);
	send_call(w, &r, &slug);
	expect_invalid(&r, "PATCH changing the slug", "slug");
	h_resp_free(&r);
	json_t *nizza = get_record(w, "/api/v1/cities/nizza", NULL);
	if (nizza)
		fail_msg("a refused slug change left a city nizza");
	expect_unchanged(w, before, "invalid writes");
	free(before), free(etag), free(pair);
}

static void test_create_of_an_existing_slug_is_409(void **state)
{
	struct world *w = *state;
	char *before = snapshot(w);
	struct h_resp r;
	struct call exists = as_admin(w, "POST", "/api/v1/cities", "{\"slug\": \"nice\", \"name\": \"Nice again\"}", NULL);
	send_call(w, &r, &exists);
	h_expect_error(&r, "POST of an existing slug", 409, "exists", "slug");
	if (!strstr(r.body, "nice"))
		fail_msg("POST of an existing slug: the message should name it: %s", r.body);
	h_resp_free(&r);
	struct call derived = as_admin(w, "POST", "/api/v1/cities", "{\"name\": \"Rome\"}", NULL);
	send_call(w, &r, &derived);
	h_expect_error(&r, "POST whose derived slug exists", 409, "exists", "slug");
	h_resp_free(&r);
	struct call coop = {"POST", "/api/v1/cooperations",
			    "{\"slug\": \"nice-haikou\", \"kind\": \"pairing\", \"name\": \"Again\", \"members\": [\"nice\", \"haikou\"]}",
			    NULL, NULL, NULL, {.bearer = w->token[NICE]}};
	send_call(w, &r, &coop);
	h_expect_error(&r, "the coordinator of Nice creating nice-haikou again", 409, "exists", "slug");
	h_resp_free(&r);
	expect_unchanged(w, before, "creates of existing records");
	free(before);
}

static void test_delete_of_a_referenced_record_is_409(void **state)
{
	struct world *w = *state;
	char *before = snapshot(w);
	struct h_resp r;
	static const char *const used[] = {"/api/v1/cities/haikou", "/api/v1/cities/nice", "/api/v1/programmes/iuc-asia"};
	for (size_t i = 0; i < sizeof used / sizeof *used; i++) {
		char *etag = etag_of(w, used[i]);
		struct call c = as_admin(w, "DELETE", used[i], NULL, etag);
		send_call(w, &r, &c);
		char *what = h_strf("DELETE %s, still referred to", used[i]);
		h_expect_error(&r, what, 409, NULL, NULL);
		h_resp_free(&r);
		free(what);
		char *still = etag_of(w, used[i]);   /* kept, unchanged */
		if (strcmp(still, etag) != 0)
			fail_msg("a refused DELETE changed %s", used[i]);
		free(still), free(etag);
	}
	struct call missing = as_admin(w, "PATCH", "/api/v1/cities/atlantis", "{\"population\": 1}", "\"x\"");
	send_call(w, &r, &missing);
	h_expect_error(&r, "PATCH of an unknown city", 404, "not_found", NULL);
	h_resp_free(&r);
	struct call missing_del = as_admin(w, "DELETE", "/api/v1/cities/atlantis", NULL, "\"x\"");
	send_call(w, &r, &missing_del);
	h_expect_error(&r, "DELETE of an unknown city", 404, "not_found", NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "deletes of records still referred to");
	free(before);
}

static void test_preconditions(void **state)
{
	struct world *w = *state;
	char *before = snapshot(w), *etag = etag_of(w, "/api/v1/cities/nice");
	struct h_resp r;
	struct call no_match = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", NULL);
	send_call(w, &r, &no_match);
	h_expect_error(&r, "PATCH without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	struct call no_match_del = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, NULL);
	send_call(w, &r, &no_match_del);
	h_expect_error(&r, "DELETE without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	struct call garbage = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", "\"not-an-etag\"");
	send_call(w, &r, &garbage);
	h_expect_error(&r, "PATCH with an If-Match that is no ETag of it", 412, "stale", NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "writes without a usable If-Match");
	free(before);

	/* stale: someone changed it since */
	struct call first = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 545000}", etag);
	send_call(w, &r, &first);
	if (r.status != 200)
		fail_msg("PATCH with the current ETag: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	before = snapshot(w);
	struct call late = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 1}", etag);
	send_call(w, &r, &late);
	h_expect_error(&r, "PATCH with the ETag of an older version", 412, "stale", NULL);
	h_resp_free(&r);
	struct call late_del = as_admin(w, "DELETE", "/api/v1/cities/nice", NULL, etag);
	send_call(w, &r, &late_del);
	h_expect_error(&r, "DELETE with the ETag of an older version", 412, "stale", NULL);
	h_resp_free(&r);
	char *liuzhou = etag_of(w, "/api/v1/cities/liuzhou");
	struct call cross = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, etag);   /* another record's */
	send_call(w, &r, &cross);
	h_expect_error(&r, "DELETE with another record's ETag", 412, "stale", NULL);
	h_resp_free(&r);
	expect_unchanged(w, before, "writes with a stale ETag");
	struct call del = as_admin(w, "DELETE", "/api/v1/cities/liuzhou", NULL, liuzhou);
	send_call(w, &r, &del);
	if (r.status != 204 || r.len)
		fail_msg("DELETE of an unused city with its ETag: status %ld, %zu bytes of body", r.status, r.len);
	h_resp_free(&r);
	expect_audit(w, "cities", "liuzhou", "ada", "delete", NULL, NULL, NULL);
	free(before), free(etag), free(liuzhou);
}

static void test_etags(void **state)
{
	struct world *w = *state;
	struct h_resp r;
	char *e0;
	json_t *nice = get_record(w, "/api/v1/cities/nice", &e0);   /* a visitor's GET also fills the cache */
	size_t audit0 = audit_count(w);

	/* changing nothing: 200 with the same ETag, no audit row */
	static const char *const nothing[] = {"{}", "{\"population\": 540000}", "{\"slug\": \"nice\"}"};
	for (size_t i = 0; i < sizeof nothing / sizeof *nothing; i++) {
		struct call c = as_admin(w, "PATCH", "/api/v1/cities/nice", nothing[i], e0);
		send_call(w, &r, &c);
		const char *etag = h_header(&r, "ETag");
		if (r.status != 200 || !etag || strcmp(etag, e0) != 0 || !json_equal(r.json, nice))
			fail_msg("PATCH %s (no change): status %ld, ETag %s (expected 200, %s, the record as it was)", nothing[i],
				 r.status, etag ? etag : "missing", e0);
		h_resp_free(&r);
	}
	if (audit_count(w) != audit0)
		fail_msg("a PATCH that changes nothing wrote an audit row");

	/* a change: a new ETag, the one GET gives, and GET's cached answer follows */
	struct call c = as_admin(w, "PATCH", "/api/v1/cities/nice", "{\"population\": 545000}", e0);
	send_call(w, &r, &c);
	char *e1 = h_header(&r, "ETag") ? h_strf("%s", h_header(&r, "ETag")) : NULL;
	if (r.status != 200 || !e1 || strcmp(e1, e0) == 0)
		fail_msg("PATCH population: status %ld, ETag %s (expected 200 and a new ETag)", r.status, e1 ? e1 : "missing");
	json_t *answered = json_incref(r.json);
	h_resp_free(&r);
	char *g1;
	json_t *now = get_record(w, "/api/v1/cities/nice", &g1);
	if (strcmp(g1, e1) != 0 || !json_equal(now, answered))
		fail_msg("after PATCH, GET gives ETag %s (the PATCH answered %s) and %s the PATCH's body", g1, e1,
			 json_equal(now, answered) ? "the same as" : "something else than");
	assert_int_equal(json_integer_value(json_object_get(now, "population")), 545000);
	struct call signed_in = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, NULL, {.bearer = w->token[MEMBER]}};
	send_call(w, &r, &signed_in);
	if (r.status != 200 || !h_header(&r, "ETag") || strcmp(h_header(&r, "ETag"), e1) != 0)
		fail_msg("GET signed in after PATCH: status %ld, ETag %s, expected %s", r.status, h_header(&r, "ETag"), e1);
	h_resp_free(&r);
	char *inm = h_strf("If-None-Match: %s", e1);
	struct call cond = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, inm, {NULL}};
	send_call(w, &r, &cond);
	if (r.status != 304 || r.len)
		fail_msg("GET with If-None-Match of the PATCH's ETag: status %ld, expected 304", r.status);
	h_resp_free(&r);
	free(inm);
	inm = h_strf("If-None-Match: %s", e0);
	struct call old_cond = {"GET", "/api/v1/cities/nice", NULL, NULL, NULL, inm, {NULL}};
	send_call(w, &r, &old_cond);
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
	send_call(w, &r, &post);
	const char *loc = h_header(&r, "Location"), *etag = h_header(&r, "ETag");
	if (r.status != 201 || !loc || strcmp(loc, "/api/v1/cities/lyon") != 0 || !etag)
		fail_msg("POST Lyon: status %ld, Location %s, ETag %s", r.status, loc ? loc : "missing", etag ? etag : "missing");
	char *created = h_strf("%s", etag);
	const char *region = json_string_value(json_object_get(r.json, "world_region"));
	if (!region || strcmp(region, "Europe") != 0)
		fail_msg("POST Lyon: the answer should be the stored record, with the derived world region: %.300s", r.body);
	h_resp_free(&r);
	char *g2 = etag_of(w, "/api/v1/cities/lyon");
	if (strcmp(g2, created) != 0)
		fail_msg("POST answered ETag %s, GET gives %s", created, g2);
	inm = h_strf("If-None-Match: %s", created);
	struct call cond2 = {"GET", "/api/v1/cities/lyon", NULL, NULL, NULL, inm, {NULL}};
	send_call(w, &r, &cond2);
	assert_int_equal(r.status, 304);
	h_resp_free(&r);
	free(inm);
	static const char *const created_fields[] = {"name", "country", "world_region", NULL};
	json_t *lyon = get_record(w, "/api/v1/cities/lyon", NULL);
	expect_audit(w, "cities", "lyon", "ada", "create", NULL, lyon, created_fields);
	struct call del = as_admin(w, "DELETE", "/api/v1/cities/lyon", NULL, created);
	send_call(w, &r, &del);
	if (r.status != 204 || r.len || h_header(&r, "ETag"))
		fail_msg("DELETE Lyon: status %ld (expected 204, no body, no ETag)", r.status);
	h_resp_free(&r);
	json_t *gone = get_record(w, "/api/v1/cities/lyon", NULL);
	if (gone)
		fail_msg("GET after DELETE still finds lyon");
	expect_audit(w, "cities", "lyon", "ada", "delete", lyon, NULL, created_fields);
	struct call again = as_admin(w, "DELETE", "/api/v1/cities/lyon", NULL, created);
	send_call(w, &r, &again);
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
		char *etag = etag_of(w, "/api/v1/cities/nice");
		size_t audit_before = audit_count(w);
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
		json_t *now = get_record(w, "/api/v1/cities/nice", NULL);
		json_int_t population = json_integer_value(json_object_get(now, "population"));
		json_decref(now);
		size_t rows = audit_count(w) - audit_before;
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
	char *etag = etag_of(w, "/api/v1/cities/liuzhou");
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
	json_t *rows = audit_rows(w, "city/liuzhou"), *row;
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
		cmocka_unit_test_setup_teardown(test_matrix_covers_the_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_visitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_nice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_rome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coordinator_of_nice_edits_nice_and_its_pairing_not_rome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bearer_needs_no_csrf_and_visitors_get_401, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_and_broken_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation_lists_every_bad_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_of_an_existing_slug_is_409, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_of_a_referenced_record_is_409, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preconditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writes_with_one_etag, setup_threads, teardown),
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
