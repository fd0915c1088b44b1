/* world.c: the world of the write tests; see world.h. */
#include "world.h"
#include "core/plan.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TOKEN_LEN 43

/* ---- the actors ---- */

const struct actor w_actors[NACTORS] = {
	[ANON] = {"a visitor", NULL, ROLE_ANONYMOUS, NULL, NULL},
	[MEMBER] = {"member paul", "paul", ROLE_MEMBER, NULL, "a member of the stakeholders"},
	[NICE] = {"marie, coordinator of Nice", "marie", ROLE_COORDINATOR, "nice", "nice haikou carnival 2018"},
	[ROME] = {"romeo, coordinator of Rome", "romeo", ROLE_COORDINATOR, "rome", "all roads lead to rome 753"},
	[ADMIN] = {"ada, admin", "ada", ROLE_ADMIN, NULL, "the programme team keeps it all"},
};

/* ---- the rules and the routes: permission.c, routes.c and router.c, linked in ---- */

const struct route *w_route(const char *method, const char *path)
{
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		fail_msg("out of memory");
	arena_init(&r->arena, 64 * 1024);
	r->method = method;
	r->path = path;
	const struct route *rt = route_match(r) == 200 ? r->route : NULL;
	arena_free(&r->arena);
	free(r);
	return rt;
}

enum action w_action_of(const struct route *rt)
{
	switch (rt->perm) {
	case PERM_CREATE: return ACT_CREATE;
	case PERM_UPDATE: return ACT_UPDATE;
	case PERM_DELETE: return ACT_DELETE;
	case PERM_MANAGE_USERS: return ACT_MANAGE_USERS;
	default: return ACT_READ_INTERNAL;
	}
}

/* The account the server builds for a (store/accounts.c): its role and cities. */
static struct user user_of(const struct actor *a)
{
	struct user u;
	memset(&u, 0, sizeof u);
	u.role = a->role;
	if (a->login) {
		u.id = 1 + (int64_t)(a - w_actors);
		snprintf(u.login, sizeof u.login, "%s", a->login);
	}
	if (a->city)
		snprintf(u.cities[u.ncities++], sizeof u.cities[0], "%s", a->city);
	return u;
}

long w_dispatch(const struct actor *a, const struct route *rt)
{
	if (rt->perm == PERM_PUBLIC)
		return 0;
	if (a->role == ROLE_ANONYMOUS)
		return 401;
	if (rt->perm == PERM_SIGNED_IN)
		return 0;
	return permission_scope(a->role, w_action_of(rt), rt->entity) == SCOPE_NONE ? 403 : 0;
}

int w_allows(const struct actor *a, enum action action, const struct entity *e, const json_t *rec)
{
	struct user u = user_of(a);
	return permission_allows(&u, action, e, rec);
}

const char *w_route_suite(const struct route *rt)
{
	if (rt->entity == &entity_plan)
		return "plans";
	return rt->flags & ROUTE_API ? "write" : "forms";
}

static int changes_state(const struct route *rt)
{
	return strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "HEAD") != 0;
}

/* The gaps of one route in the cells that reach it (see w_expect_coverage), appended to
 * *why; returns how many. */
static int route_gaps(const struct route *rt, const struct w_cell *cells, size_t ncells, char **why)
{
	int gaps = 0;
	for (int a = 0; a < NACTORS; a++) {
		const struct actor *ac = &w_actors[a];
		long dispatch = w_dispatch(ac, rt);
		enum scope scope = rt->perm <= PERM_SIGNED_IN ? SCOPE_ALL : permission_scope(ac->role, w_action_of(rt), rt->entity);
		int allowed = 0, refused = 0, other = 0, ran = 0;
		for (size_t i = 0; i < ncells; i++) {
			long want = cells[i].want[a];
			if (!want || w_route(cells[i].method, cells[i].path) != rt)
				continue;
			ran++;
			allowed += want >= 200 && want < 400;
			refused += want == 403;
			other += dispatch ? want != dispatch : 0;
		}
		const char *gap = NULL;
		if (!ran)
			gap = "no cell runs";
		else if (dispatch && other)
			gap = dispatch == 401 ? "the rules want 401 in every cell, some cell expects otherwise"
					      : "the rules give the role nothing of this: 403 in every cell, some cell expects otherwise";
		else if (!dispatch && !allowed)
			gap = scope == SCOPE_OWN ? "no cell on a record of their own (allowed)" : "no allowed cell";
		else if (!dispatch && scope == SCOPE_OWN && !refused)
			gap = "no cell on a record of someone else's (403)";
		if (gap) {
			char *next = h_strf("%s  %s %s, %s: %s\n", *why, rt->method, rt->pattern, ac->name, gap);
			free(*why);
			*why = next;
			gaps++;
		}
	}
	return gaps;
}

void w_expect_coverage(const char *suite, const struct w_cell *cells, size_t ncells,
		       const struct w_csrf_hit *csrf, size_t ncsrf)
{
	char *why = h_strf("%s", "");
	int gaps = 0;
	for (size_t i = 0; i < ncells; i++) {
		const struct route *rt = w_route(cells[i].method, cells[i].path);
		if (!rt || !changes_state(rt) || strcmp(w_route_suite(rt), suite) != 0) {
			char *next = h_strf("%s  the cell %s %s reaches %s\n", why, cells[i].method, cells[i].path,
					    rt ? rt->pattern : "no route");
			free(why), why = next, gaps++;
		}
	}
	for (size_t i = 0; i < ncsrf; i++) {
		const struct route *rt = w_route(csrf[i].method, csrf[i].path);
		if (!rt || !changes_state(rt)) {
			char *next = h_strf("%s  the CSRF request %s %s reaches %s\n", why, csrf[i].method, csrf[i].path,
					    rt ? rt->pattern : "no route");
			free(why), why = next, gaps++;
		}
	}
	fprintf(stderr, "  %-58s %5s %5s\n", "the routes of routes.c that change state, for this test:", "cells", "csrf");
	for (const struct route *rt = routes; rt->method; rt++) {
		if (!changes_state(rt) || strcmp(w_route_suite(rt), suite) != 0)
			continue;
		size_t nc = 0, nx = 0;
		for (size_t i = 0; i < ncells; i++)
			nc += w_route(cells[i].method, cells[i].path) == rt;
		for (size_t i = 0; i < ncsrf; i++)
			nx += w_route(csrf[i].method, csrf[i].path) == rt;
		fprintf(stderr, "  %-7s %-50s %5zu %5zu\n", rt->method, rt->pattern, nc, nx);
		if (!nc || !nx) {
			char *next = h_strf("%s  %s %s: no %s reaches it: add a row to the test's table\n", why, rt->method,
					    rt->pattern, !nc && !nx ? "cell of the access-control matrix and no request of the "
					    "CSRF matrix" : !nc ? "cell of the access-control matrix" : "request of the CSRF matrix");
			free(why), why = next, gaps++;
		}
		if (nc)
			gaps += route_gaps(rt, cells, ncells, &why);
	}
	if (gaps)
		fail_msg("the %s matrices do not cover the route table (src/web/routes.c) as the rules ask:\n%s", suite, why);
	free(why);
}

void w_cells_free(struct w_cell *cells, size_t n)
{
	for (size_t i = 0; cells && i < n; i++)
		free(cells[i].path);
	free(cells);
}

/* ---- the world ---- */

static const char spare_programme[] =
	"{\"format\": \"c2c-export\", \"version\": 1, \"programmes\": [{\"slug\": \"spare\", \"name\": "
	"\"A spare programme\"}], \"cities\": [], \"cooperations\": []}\n";

static int cli_ok(const struct h_run *run, const char *what)
{
	if (run->status == 0)
		return 0;
	fprintf(stderr, "world: %s: exit %d: %s%s\n", what, run->status, run->out, run->err);
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
	const char *role = role_name(a->role);
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

int w_setup_with(void **state, const char *const *serve_args)
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
		if (add_user(&w->env, &w_actors[i]) || !(w->token[i] = create_token(&w->env, w_actors[i].login)))
			goto fail;
	if (h_env_serve_with(&w->env, serve_args))
		goto fail;
	return 0;
fail:
	world_free(w);   /* cmocka runs no teardown after a failed setup */
	*state = NULL;
	return -1;
}

int w_setup(void **state) { return w_setup_with(state, NULL); }

int w_teardown(void **state)
{
	struct world *w = *state;
	int status = w && w->env.pid ? h_env_stop(&w->env) : 0;
	if (status != 0)
		fprintf(stderr, "world: the server exited %d on SIGTERM, not 0 (see its serve.err)\n", status);
	world_free(w);
	*state = NULL;
	return status == 0 ? 0 : -1;
}

/* ---- requests ---- */

void w_send(struct world *w, struct h_resp *r, const struct call *c)
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

json_t *w_get_record(struct world *w, const char *path, char **etag)
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

char *w_etag_of(struct world *w, const char *path)
{
	char *etag;
	json_t *rec = w_get_record(w, path, &etag);
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

char *w_snapshot(struct world *w)
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

json_t *w_audit_rows(struct world *w, const char *record)
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

size_t w_audit_count(struct world *w)
{
	json_t *rows = w_audit_rows(w, NULL);
	size_t n = json_array_size(rows);
	json_decref(rows);
	return n;
}

const char *w_singular(const char *kind)
{
	return strcmp(kind, "cities") == 0 ? "city" : strcmp(kind, "cooperations") == 0 ? "cooperation" : "programme";
}

char *w_dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : strdup("(absent)");
}

char *w_audit_mismatch(struct world *w, const char *kind, const char *slug, const char *login, const char *via_want,
		       const char *action, json_t *old, json_t *new, const char *const *fields)
{
	char *record = h_strf("%s/%s", w_singular(kind), slug);
	json_t *rows = w_audit_rows(w, record), *row = json_array_get(rows, 0);
	char *why = NULL;
	const char *actor = json_string_value(json_object_get(row, "actor"));
	const char *via = json_string_value(json_object_get(row, "via"));
	const char *act = json_string_value(json_object_get(row, "action"));
	if (!row)
		why = h_strf("no audit row for %s", record);
	else if (!actor || strcmp(actor, login) != 0 || !via || strcmp(via, via_want) != 0 || !act || strcmp(act, action) != 0)
		why = h_strf("the newest audit row of %s says actor %s, via %s, action %s; expected %s, %s, %s", record,
			     actor ? actor : "-", via ? via : "-", act ? act : "-", login, via_want, action);
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
			char *got = w_dump(c), *wb = w_dump(want_b), *wa = w_dump(want_a);
			why = h_strf("audit of %s: changes.%s is %s; expected before %s, after %s", record, fields[i], got, wb, wa);
			free(got), free(wb), free(wa);
		}
	}
	json_decref(rows);
	free(record);
	return why;
}

void w_expect_audit(struct world *w, const char *kind, const char *slug, const char *login, const char *via,
		    const char *action, json_t *old, json_t *new, const char *const *fields)
{
	char *why = w_audit_mismatch(w, kind, slug, login, via, action, old, new, fields);
	if (why)
		fail_msg("%s", why);
}

void w_expect_unchanged(struct world *w, const char *before, const char *what)
{
	char *after = w_snapshot(w);
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

/* ---- sessions (as in test_auth.c) ---- */

char *w_sign_in(struct world *w, const struct actor *a)
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

char *w_session_csrf(struct world *w, const char *session)
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

void w_csrf_cases(const struct world *w, const char *token, const char *other, const char *wrong,
		  struct csrf_case out[W_CSRF_CASES])
{
	const struct csrf_case cases[W_CSRF_CASES] = {
		{NULL, NULL, "no CSRF token", "csrf_token"},
		{"x", NULL, "a malformed token", "csrf_token"},
		{wrong, NULL, "a wrong token", "csrf_token"},
		{other, NULL, "another session's token", "csrf_token"},
		{other, w->env.base, "another session's token from the same origin", "csrf_token"},
		{token, "http://evil.example", "the right token from a foreign Origin", "foreign_origin"},
		{token, "null", "the right token with Origin: null", "foreign_origin"},
		{token, "https://127.0.0.1", "the right token from the same host with another scheme and port", "foreign_origin"},
	};
	memcpy(out, cases, sizeof cases);
}

struct signed_in w_sign_in_as(struct world *w, int actor)
{
	struct signed_in s = {NULL, NULL};
	if (actor == ANON)
		return s;
	s.session = w_sign_in(w, &w_actors[actor]);
	s.csrf = w_session_csrf(w, s.session);
	if (!s.csrf)
		fail_msg("%s: no CSRF token after signing in", w_actors[actor].name);
	return s;
}

void w_signed_out(struct signed_in *s)
{
	free(s->session), free(s->csrf);
}
