/* test_auth.c: black-box tests of accounts against the real binary: the user and token
 * commands (including bad input that must change nothing, and the audit log of every
 * change they make, as `c2c audit` shows it), signing in and out, session
 * cookies and their rotation, idle and absolute expiry, throttling of failed sign-ins,
 * API tokens, CSRF and Origin checks, and what may be cached.
 *
 * Every test has a database of its own with the demo data, two accounts made with
 * `c2c user add` (marie, coordinator of Nice; paul, a member) and, for the web tests, a
 * server. Cookies are carried by hand, so that each test says exactly which credentials
 * a request has. Runs on SQLite and on PostgreSQL like test_api (tests/common/testdb.h). */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <pthread.h>
#include <pwd.h>
#include <unistd.h>
#include <cmocka.h>

#define MARIE_PW "nice haikou carnival 2018"
#define PAUL_PW "a member of the stakeholders"
#define TOKEN_LEN 43

/* ---- small helpers ---- */

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs c2c with the NULL-terminated arguments and `input` on its standard input. */
static void cli_input(struct h_env *env, struct h_run *run, const char *input, ...)
{
	char file[H_PATH_MAX];
	assert_int_equal(h_write_file(env, "stdin.txt", input), 0);
	h_env_path(env, "stdin.txt", file);
	char *argv[40] = {"sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", file, (char *)h_bin()};
	int n = 6;
	va_list ap;
	va_start(ap, input);
	for (char *a = va_arg(ap, char *); a && n < 39; a = va_arg(ap, char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	h_exec(env, run, argv);
}

/* c2c user add with the password on standard input; city may be NULL. Fails the test
 * unless it worked. */
static void add_user(struct h_env *env, const char *login, const char *role, const char *city, const char *pw)
{
	struct h_run run;
	char *input = h_strf("%s\n", pw);
	if (city)
		cli_input(env, &run, input, "user", "add", "--db", env->db, "--login", login, "--role", role, "--city", city,
			  "--password-stdin", (char *)NULL);
	else
		cli_input(env, &run, input, "user", "add", "--db", env->db, "--login", login, "--role", role,
			  "--password-stdin", (char *)NULL);
	if (run.status != 0)
		fail_msg("user add %s: exit %d: %s", login, run.status, run.err);
	h_run_free(&run);
	free(input);
}

/* GET /login: the form's token, checked to be the c2c_csrf cookie's too. */
static char *login_form_token(struct h_env *env)
{
	struct h_resp r;
	h_get(env, &r, "/login", 200);
	char *cookie = h_cookie(&r, "c2c_csrf"), *field = h_hidden_csrf(r.body, "action=\"/login\"");
	if (!cookie || !field || strcmp(cookie, field) != 0 || strlen(cookie) != TOKEN_LEN)
		fail_msg("GET /login: the c2c_csrf cookie (%s) and the form's csrf field (%s) should hold the same token",
			 cookie ? cookie : "none", field ? field : "none");
	const char *sc = h_header(&r, "Set-Cookie");
	if (!strstr(sc, "HttpOnly") || !strstr(sc, "SameSite=Strict") || !strstr(sc, "Path=/login"))
		fail_msg("GET /login: the form's cookie lacks HttpOnly, SameSite=Strict or Path=/login: %s", sc);
	free(field);
	h_resp_free(&r);
	return cookie;
}

struct login_req {
	const char *cookie_csrf, *field_csrf;   /* NULL: not sent */
	const char *login, *password, *next;
	const char *origin, *session;           /* Origin header, a session cookie to send along */
	const char *forwarded;                  /* X-Forwarded-For header */
};

static void post_login(struct h_env *env, struct h_resp *r, const struct login_req *q)
{
	char *l = h_escape(q->login ? q->login : ""), *p = h_escape(q->password ? q->password : "");
	char *n = h_escape(q->next ? q->next : "/"), *c = h_escape(q->field_csrf ? q->field_csrf : "");
	char *body = h_strf("%s%s%slogin=%s&password=%s&next=%s", q->field_csrf ? "csrf=" : "", q->field_csrf ? c : "",
			    q->field_csrf ? "&" : "", l, p, n);
	char *cookie = q->cookie_csrf || q->session
		? h_strf("Cookie: %s%s%s%s%s", q->cookie_csrf ? "c2c_csrf=" : "", q->cookie_csrf ? q->cookie_csrf : "",
			 q->cookie_csrf && q->session ? "; " : "", q->session ? "c2c_session=" : "", q->session ? q->session : "")
		: NULL;
	char *origin = q->origin ? h_strf("Origin: %s", q->origin) : NULL;
	char *xff = q->forwarded ? h_strf("X-Forwarded-For: %s", q->forwarded) : NULL;
	const char *headers[5] = {"Content-Type: application/x-www-form-urlencoded"};
	int k = 1;
	if (cookie)
		headers[k++] = cookie;
	if (origin)
		headers[k++] = origin;
	if (xff)
		headers[k++] = xff;
	if (h_request(env, r, "POST", "/login", headers, body))
		fail_msg("POST /login: no response");
	free(l), free(p), free(n), free(c), free(body), free(cookie), free(origin), free(xff);
}

/* Signs in through the form; returns the new session token (free it). */
static char *sign_in_with(struct h_env *env, const char *login, const char *pw, const char *old_session)
{
	char *csrf = login_form_token(env);
	struct h_resp r;
	struct login_req q = {csrf, csrf, login, pw, "/cities", NULL, old_session, NULL};
	post_login(env, &r, &q);
	char *token = h_cookie(&r, "c2c_session");
	if (r.status != 303 || !token || strlen(token) != TOKEN_LEN)
		fail_msg("sign-in of %s: status %ld, session cookie %s; body %.300s", login, r.status, token ? token : "none",
			 r.body);
	const char *sc = h_header(&r, "Set-Cookie"), *loc = h_header(&r, "Location");
	if (!strstr(sc, "; HttpOnly") || !strstr(sc, "; SameSite=Lax") || !strstr(sc, "; Path=/") || strstr(sc, "Secure"))
		fail_msg("the session cookie must be HttpOnly, SameSite=Lax, Path=/ (and not Secure without "
			 "--secure-cookies): %s", sc);
	if (!loc || strcmp(loc, "/cities") != 0)
		fail_msg("sign-in: Location %s, expected the form's next (/cities)", loc ? loc : "missing");
	h_resp_free(&r);
	free(csrf);
	return token;
}

static char *sign_in(struct h_env *env, const char *login, const char *pw)
{
	return sign_in_with(env, login, pw, NULL);
}

/* GET path with the session cookie (session may be NULL). */
static void get_as(struct h_env *env, struct h_resp *r, const char *path, const char *session)
{
	char *cookie = session ? h_strf("Cookie: c2c_session=%s", session) : NULL;
	const char *headers[] = {cookie, NULL};
	if (h_request(env, r, "GET", path, headers, NULL))
		fail_msg("GET %s: no response", path);
	free(cookie);
}

/* The login the page header names as signed in, or NULL for a visitor (free it). */
static char *who(struct h_env *env, const char *session)
{
	struct h_resp r;
	get_as(env, &r, "/cities", session);
	if (r.status != 200)
		fail_msg("GET /cities: status %ld", r.status);
	const char *p = strstr(r.body, "<span class=\"who\">");
	char *login = NULL;
	if (p) {
		p += strlen("<span class=\"who\">");
		login = h_strf("%.*s", (int)strcspn(p, " <"), p);
	} else if (!strstr(r.body, "<a href=\"/login?next=")) {
		fail_msg("GET /cities: the header shows neither a user nor the sign-in link");
	}
	h_resp_free(&r);
	return login;
}

static void expect_who(struct h_env *env, const char *session, const char *login, const char *what)
{
	char *got = who(env, session);
	if ((login == NULL) != (got == NULL) || (login && strcmp(login, got) != 0))
		fail_msg("%s: the request is signed in as %s, expected %s", what, got ? got : "a visitor",
			 login ? login : "a visitor");
	free(got);
}

/* The CSRF token of a session, from the sign-out form in the page header. */
static char *session_csrf(struct h_env *env, const char *session)
{
	struct h_resp r;
	get_as(env, &r, "/", session);
	char *csrf = h_hidden_csrf(r.body, "action=\"/logout\"");
	if (!csrf || strlen(csrf) != TOKEN_LEN)
		fail_msg("GET / signed in: no sign-out form with the session's CSRF token");
	h_resp_free(&r);
	return csrf;
}

/* POST /logout with the given credentials; any may be NULL. */
static void post_logout(struct h_env *env, struct h_resp *r, const char *session, const char *form_csrf,
			const char *header_csrf, const char *origin)
{
	char *cookie = session ? h_strf("Cookie: c2c_session=%s", session) : NULL;
	char *hdr = header_csrf ? h_strf("X-CSRF-Token: %s", header_csrf) : NULL;
	char *org = origin ? h_strf("Origin: %s", origin) : NULL;
	char *body = form_csrf ? h_strf("csrf=%s", form_csrf) : h_strf("x=1");
	const char *headers[5] = {"Content-Type: application/x-www-form-urlencoded"};
	int k = 1;
	if (cookie)
		headers[k++] = cookie;
	if (hdr)
		headers[k++] = hdr;
	if (org)
		headers[k++] = org;
	if (h_request(env, r, "POST", "/logout", headers, body))
		fail_msg("POST /logout: no response");
	free(cookie), free(hdr), free(org), free(body);
}

static char *user_list_json(struct h_env *env)
{
	struct h_run run;
	h_cli(env, &run, "user", "list", "--db", env->db, "--json", (char *)NULL);
	if (run.status != 0)
		fail_msg("user list: exit %d: %s", run.status, run.err);
	char *out = h_strf("%s", run.out);
	h_run_free(&run);
	return out;
}

/* ---- set-up ---- */

static int setup_env(void **state, int serve, const char *const *serve_args)
{
	struct h_env *env = calloc(1, sizeof *env);
	*state = env;
	if (!env || h_env_init(env, 1))
		goto fail;
	add_user(env, "marie", "coordinator", "nice", MARIE_PW);
	add_user(env, "paul", "member", NULL, PAUL_PW);
	if (serve && h_env_serve_with(env, serve_args))
		goto fail;
	return 0;
fail:
	if (env)
		h_env_free(env);   /* cmocka runs no teardown after a failed setup */
	free(env);
	*state = NULL;
	return -1;
}

static int setup_accounts(void **state) { return setup_env(state, 0, NULL); }
static int setup_served(void **state) { return setup_env(state, 1, NULL); }
static int setup_short_sessions(void **state)
{
	static const char *const args[] = {"--session-idle", "2", "--session-max", "4", NULL};
	return setup_env(state, 1, args);
}

/* Stops the server first, so that a sanitizer report or an unclean exit fails the test. */
static int teardown(void **state)
{
	struct h_env *env = *state;
	int status = env && env->pid ? h_env_stop(env) : 0;
	if (status != 0)
		fprintf(stderr, "test_auth: the server exited %d on SIGTERM, not 0 (see its serve.err)\n", status);
	if (env)
		h_env_free(env);
	free(env);
	*state = NULL;
	return status == 0 ? 0 : -1;
}

/* ---- the command line ---- */

/* A refused command: its exit status, a message naming the option, nothing changed. */
static void expect_refused(struct h_env *env, const struct h_run *run, int status, const char *names,
			   const char *before, const char *what)
{
	if (run->status != status || !strstr(run->err, names))
		fail_msg("%s: exit %d (expected %d), stderr should name %s: %s", what, run->status, status, names, run->err);
	char *after = user_list_json(env);
	if (strcmp(before, after) != 0)
		fail_msg("%s changed the accounts:\n%s\nbecame\n%s", what, before, after);
	free(after);
}

static void test_cli_user_bad_input_changes_nothing(void **state)
{
	struct h_env *env = *state;
	char *before = user_list_json(env);
	struct h_run run;
	static const struct {
		const char *login, *role, *city, *pw;
		int status;
		const char *names, *what;
	} cases[] = {
		{"newbie", "boss", NULL, "long enough password", 2, "--role", "an unknown role"},
		{"new bie", "member", NULL, "long enough password", 2, "--login", "a login with a space"},
		{"newbie", "coordinator", NULL, "long enough password", 2, "--city", "a coordinator without a city"},
		{"newbie", "admin", "nice", "long enough password", 2, "--city", "an admin with a city"},
		{"newbie", "coordinator", "Not A Slug", "long enough password", 2, "--city", "a city that is no slug"},
		{"newbie", "coordinator", "atlantis", "long enough password", 1, "--city", "an unknown city"},
		{"marie", "member", NULL, "long enough password", 1, "--login", "a login already taken"},
		{"newbie", "member", NULL, "password1234", 1, "common", "a common password"},
		{"newbie", "member", NULL, "Password1234", 1, "common", "a common password in other case"},
		{"newbie", "member", NULL, "short one", 1, "at least 12 characters", "a short password"},
		{"newbie", "member", NULL, "ééééééééééé", 1, "(it has 11)", "11 characters in 22 bytes"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *input = h_strf("%s\n", cases[i].pw);
		if (cases[i].city)
			cli_input(env, &run, input, "user", "add", "--db", env->db, "--login", cases[i].login, "--role",
				  cases[i].role, "--city", cases[i].city, "--password-stdin", (char *)NULL);
		else
			cli_input(env, &run, input, "user", "add", "--db", env->db, "--login", cases[i].login, "--role",
				  cases[i].role, "--password-stdin", (char *)NULL);
		expect_refused(env, &run, cases[i].status, cases[i].names, before, cases[i].what);
		h_run_free(&run);
		free(input);
	}
	/* no terminal and no --password-stdin: refused before asking */
	h_cli(env, &run, "user", "add", "--db", env->db, "--login", "newbie", "--role", "member", (char *)NULL);
	expect_refused(env, &run, 2, "--password-stdin", before, "user add without a terminal");
	h_run_free(&run);
	h_cli(env, &run, "user", "add", "--db", env->db, "--role", "member", "--password-stdin", (char *)NULL);
	expect_refused(env, &run, 2, "--login", before, "user add without --login");
	h_run_free(&run);
	cli_input(env, &run, "first line\nsecond line\n", "user", "add", "--db", env->db, "--login", "newbie", "--role",
		  "member", "--password-stdin", (char *)NULL);
	expect_refused(env, &run, 1, "--password-stdin", before, "two lines on standard input");
	h_run_free(&run);
	h_cli(env, &run, "user", "disable", "--db", env->db, "--login", "nobody", (char *)NULL);
	expect_refused(env, &run, 1, "--login", before, "user disable of an unknown account");
	h_run_free(&run);
	h_cli(env, &run, "user", "role", "--db", env->db, "--login", "marie", "--role", "coordinator", "--city", "nice",
	      "--city", "atlantis", (char *)NULL);
	expect_refused(env, &run, 1, "atlantis", before, "user role with an unknown city");
	h_run_free(&run);
	h_cli(env, &run, "user", "list", "--db", env->db, "--login", "marie", (char *)NULL);
	expect_refused(env, &run, 2, "--login", before, "user list --login");
	h_run_free(&run);
	cli_input(env, &run, "password1234\n", "user", "passwd", "--db", env->db, "--login", "marie",
		  "--password-stdin", (char *)NULL);
	expect_refused(env, &run, 1, "common", before, "user passwd with a common password");
	h_run_free(&run);
	free(before);
}

static void test_cli_user_commands(void **state)
{
	struct h_env *env = *state;
	struct h_run run;
	h_cli(env, &run, "user", "list", "--db", env->db, (char *)NULL);
	if (run.status != 0 || !strstr(run.out, "marie") || !strstr(run.out, "coordinator") || !strstr(run.out, "nice") ||
	    !strstr(run.out, "paul") || !strstr(run.out, "LOGIN"))
		fail_msg("user list: exit %d:\n%s%s", run.status, run.out, run.err);
	h_run_free(&run);
	h_cli(env, &run, "user", "role", "--db", env->db, "--login", "paul", "--role", "coordinator", "--city", "haikou",
	      "--city", "nice", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	h_cli(env, &run, "user", "disable", "--db", env->db, "--login", "marie", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	char *list = user_list_json(env);
	json_t *doc = json_loads(list, 0, NULL);
	assert_non_null(doc);
	char *logins = h_join_key(doc, "login"), *roles = h_join_key(doc, "role");
	json_t *paul = json_array_get(doc, 2), *marie = json_array_get(doc, 1);
	char *cities = json_dumps(json_object_get(paul, "cities"), JSON_COMPACT);
	assert_string_equal(logins, "admin,marie,paul");   /* init --demo made admin */
	assert_string_equal(roles, "admin,coordinator,coordinator");
	assert_string_equal(cities, "[\"haikou\",\"nice\"]");
	assert_true(json_is_true(json_object_get(marie, "disabled")));
	assert_null(strstr(list, "argon2"));   /* hashes never leave the database */
	free(logins), free(roles), free(cities), free(list);
	json_decref(doc);
}

static void test_cli_tokens(void **state)
{
	struct h_env *env = *state;
	struct h_run run;
	h_cli(env, &run, "token", "create", "--db", env->db, "--user", "marie", "--name", "ci script", "--expires",
	      "2099-12-31", (char *)NULL);
	if (run.status != 0 || strncmp(run.out, "c2c_", 4) != 0 || strlen(run.out) != 4 + TOKEN_LEN + 1)
		fail_msg("token create: exit %d, stdout should be the token alone: %s%s", run.status, run.out, run.err);
	char *token = h_strf("%.*s", 4 + TOKEN_LEN, run.out);
	h_run_free(&run);
	static const struct { const char *user, *expires; int status; const char *names; } bad[] = {
		{"nobody", NULL, 1, "--user"}, {"marie", "2020-01-01", 2, "--expires"}, {"marie", "31/12/2099", 2, "--expires"},
		{"marie", "2099-02-30", 2, "--expires"}, {"Not valid!", NULL, 2, "--user"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (bad[i].expires)
			h_cli(env, &run, "token", "create", "--db", env->db, "--user", bad[i].user, "--expires", bad[i].expires,
			      (char *)NULL);
		else
			h_cli(env, &run, "token", "create", "--db", env->db, "--user", bad[i].user, (char *)NULL);
		if (run.status != bad[i].status || !strstr(run.err, bad[i].names) || *run.out)
			fail_msg("token create --user %s --expires %s: exit %d (expected %d), stdout %s, stderr %s", bad[i].user,
				 bad[i].expires ? bad[i].expires : "-", run.status, bad[i].status, run.out, run.err);
		h_run_free(&run);
	}
	h_cli(env, &run, "token", "list", "--db", env->db, "--json", (char *)NULL);
	json_t *list = json_loads(run.out, 0, NULL);
	if (run.status != 0 || json_array_size(list) != 1 || strstr(run.out, token + 4))
		fail_msg("token list: one token, never shown: exit %d: %s", run.status, run.out);
	json_int_t id = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	json_decref(list);
	h_run_free(&run);
	char *sid = h_strf("%lld", (long long)id);
	h_cli(env, &run, "token", "revoke", "--db", env->db, "--id", sid, (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	h_cli(env, &run, "token", "list", "--db", env->db, (char *)NULL);
	if (run.status != 0 || !strstr(run.out, "revoked") || !strstr(run.out, "ci script"))
		fail_msg("token list after revoke: %s", run.out);
	h_run_free(&run);
	h_cli(env, &run, "token", "revoke", "--db", env->db, "--id", "999", (char *)NULL);
	if (run.status != 1 || !strstr(run.err, "--id"))
		fail_msg("token revoke of an unknown id: exit %d, %s", run.status, run.err);
	h_run_free(&run);
	h_cli(env, &run, "token", "revoke", "--db", env->db, "--id", "x1", (char *)NULL);
	assert_int_equal(run.status, 2);
	h_run_free(&run);
	free(sid);
	free(token);
}

/* ---- the audit log of account changes ---- */

/* The operating-system user the CLI records as the actor (cmd/cli.c). */
static const char *cli_actor(void)
{
	const struct passwd *pw = getpwuid(getuid());
	return getenv("SUDO_USER") ? getenv("SUDO_USER") : pw ? pw->pw_name : "operator";
}

/* `c2c audit --json` (of one record when record is not NULL), newest first. */
static json_t *audit_json(struct h_env *env, const char *record)
{
	struct h_run run;
	if (record)
		h_cli(env, &run, "audit", "--db", env->db, "--json", "--record", record, (char *)NULL);
	else
		h_cli(env, &run, "audit", "--db", env->db, "--json", "--limit", "10000", (char *)NULL);
	json_t *rows = json_loads(run.out, 0, NULL);
	if (run.status != 0 || !json_is_array(rows))
		fail_msg("audit --json%s%s: exit %d: %s%s", record ? " --record " : "", record ? record : "", run.status,
			 run.out, run.err);
	h_run_free(&run);
	return rows;
}

/* Fails unless the newest row of record is `action` through the CLI by its operator, and
 * its changes[field] is exactly `change` (JSON text, keys sorted). */
static void expect_cli_audit(struct h_env *env, const char *record, const char *action, const char *field,
			     const char *change)
{
	json_t *rows = audit_json(env, record), *row = json_array_get(rows, 0);
	char *got = row ? json_dumps(json_object_get(json_object_get(row, "changes"), field),
				     JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	const char *act = json_string_value(json_object_get(row, "action"));
	const char *actor = json_string_value(json_object_get(row, "actor"));
	const char *via = json_string_value(json_object_get(row, "via"));
	if (!row || strcmp(act, action) != 0 || strcmp(actor, cli_actor()) != 0 || strcmp(via, "cli") != 0 ||
	    !got || strcmp(got, change) != 0)
		fail_msg("the newest audit row of %s should be %s by %s via cli with %s %s: %s", record, action, cli_actor(),
			 field, change, row ? json_dumps(row, JSON_COMPACT) : "none");
	free(got);
	json_decref(rows);
}

static size_t audit_size(struct h_env *env)
{
	json_t *rows = audit_json(env, NULL);
	size_t n = json_array_size(rows);
	json_decref(rows);
	return n;
}

/* Every change the user and token commands make is in the audit log, one row each, with
 * the fields before and after and never a secret; refused commands and commands that
 * change nothing add no row. */
static void test_cli_account_changes_are_audited(void **state)
{
	struct h_env *env = *state;
	struct h_run run;
	add_user(env, "li.wei", "coordinator", "haikou", "a long password for li");
	expect_cli_audit(env, "user/li.wei", "create", "role", "{\"after\":\"coordinator\"}");
	expect_cli_audit(env, "user/li.wei", "create", "cities", "{\"after\":[\"haikou\"]}");
	h_cli(env, &run, "user", "role", "--db", env->db, "--login", "li.wei", "--role", "coordinator", "--city", "haikou",
	      "--city", "nice", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	expect_cli_audit(env, "user/li.wei", "update", "cities", "{\"after\":[\"haikou\",\"nice\"],\"before\":[\"haikou\"]}");
	cli_input(env, &run, "another long password\n", "user", "passwd", "--db", env->db, "--login", "li.wei",
		  "--password-stdin", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	expect_cli_audit(env, "user/li.wei", "update", "password", "{\"after\":\"changed\"}");
	static const char *const toggles[][2] = {{"disable", "{\"after\":true,\"before\":false}"},
						 {"enable", "{\"after\":false,\"before\":true}"}};
	for (int i = 0; i < 2; i++) {
		h_cli(env, &run, "user", toggles[i][0], "--db", env->db, "--login", "li.wei", (char *)NULL);
		assert_int_equal(run.status, 0);
		h_run_free(&run);
		expect_cli_audit(env, "user/li.wei", "update", "disabled", toggles[i][1]);
	}
	h_cli(env, &run, "token", "create", "--db", env->db, "--user", "li.wei", "--name", "nightly sync", (char *)NULL);
	assert_int_equal(run.status, 0);
	char *token = h_strf("%.*s", (int)strcspn(run.out, "\n"), run.out);
	h_run_free(&run);
	h_cli(env, &run, "token", "list", "--db", env->db, "--json", (char *)NULL);
	json_t *tokens = json_loads(run.out, 0, NULL);
	char *record = h_strf("token/%lld", (long long)json_integer_value(json_object_get(json_array_get(tokens, 0), "id")));
	char *id = strchr(record, '/') + 1;
	h_run_free(&run);
	json_decref(tokens);
	expect_cli_audit(env, record, "create", "user", "{\"after\":\"li.wei\"}");
	expect_cli_audit(env, record, "create", "name", "{\"after\":\"nightly sync\"}");
	h_cli(env, &run, "token", "revoke", "--db", env->db, "--id", id, (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	json_t *rows = audit_json(env, record);
	json_t *revoked = json_object_get(json_object_get(json_array_get(rows, 0), "changes"), "revoked_at");
	if (!json_is_null(json_object_get(revoked, "before")) || !json_is_string(json_object_get(revoked, "after")))
		fail_msg("token revoke: the audit row should show revoked_at from null to a time");
	json_decref(rows);

	/* commands that change nothing, or are refused, add nothing */
	size_t n = audit_size(env);
	const char *const unchanged[][12] = {
		{"token", "revoke", "--db", env->db, "--id", id},
		{"user", "enable", "--db", env->db, "--login", "li.wei"},
		{"user", "role", "--db", env->db, "--login", "li.wei", "--role", "coordinator", "--city", "nice", "--city", "haikou"},
		{"user", "role", "--db", env->db, "--login", "li.wei", "--role", "coordinator", "--city", "atlantis"},
		{"token", "create", "--db", env->db, "--user", "nobody"},
	};
	for (size_t i = 0; i < sizeof unchanged / sizeof *unchanged; i++) {
		const char *const *a = unchanged[i];
		h_cli(env, &run, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], (char *)NULL);
		h_run_free(&run);
		if (audit_size(env) != n)
			fail_msg("c2c %s %s %s %s: changed nothing, but added an audit row", a[0], a[1], a[4], a[5]);
	}

	/* the log shows who and what, never a password, a hash or a token */
	h_cli(env, &run, "audit", "--db", env->db, "--actor", cli_actor(), (char *)NULL);
	if (run.status != 0 || !strstr(run.out, "create user/li.wei") || !strstr(run.out, "update token/"))
		fail_msg("c2c audit --actor %s should list the account changes: %s%s", cli_actor(), run.out, run.err);
	h_run_free(&run);
	json_t *all = audit_json(env, NULL);
	char *text = json_dumps(all, JSON_COMPACT);
	if (strstr(text, "argon2") || strstr(text, "long password") || strstr(text, token + 4))
		fail_msg("the audit log holds a secret: %.2000s", text);
	free(text), free(token), free(record);
	json_decref(all);
	/* a date that is none is an error naming the option, not an empty answer */
	static const char *const bad_dates[][2] = {{"--from", "garbage"}, {"--from", "2026-13-01"}, {"--until", "2026-02-30"}};
	for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
		h_cli(env, &run, "audit", "--db", env->db, bad_dates[i][0], bad_dates[i][1], (char *)NULL);
		char *want = h_strf("%s must be a date", bad_dates[i][0]);
		if (run.status != 2 || !strstr(run.err, want) || *run.out)
			fail_msg("c2c audit %s %s: status %d, stderr %s (expected 2 and '%s')", bad_dates[i][0], bad_dates[i][1],
				 run.status, run.err, want);
		free(want);
		h_run_free(&run);
	}
}

/* `init` makes no account; `init --demo` makes admin with a password printed once. */
static void test_init_demo_admin(void **state)
{
	struct h_env *env = *state;
	const struct testdb *db = h_env_new_db(env);
	assert_non_null(db);
	struct h_run run;
	h_cli(env, &run, "init", "--db", db->target, (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	h_cli(env, &run, "user", "list", "--db", db->target, "--json", (char *)NULL);
	assert_string_equal(run.out, "[]\n");
	h_run_free(&run);
	h_cli(env, &run, "init", "--db", db->target, "--demo", (char *)NULL);
	const char *p = strstr(run.out, "the password ");
	if (run.status != 0 || !p)
		fail_msg("init --demo: exit %d, no generated password: %s%s", run.status, run.out, run.err);
	char *pw = h_strf("%.*s", (int)strcspn(p + 13, " \n"), p + 13);
	assert_int_equal(strlen(pw), 20);
	h_run_free(&run);
	h_cli(env, &run, "init", "--db", db->target, "--demo", (char *)NULL);
	if (run.status != 0 || strstr(run.out, "password"))
		fail_msg("init --demo a second time must not make another password: %s", run.out);
	h_run_free(&run);
	struct h_env served;
	assert_int_equal(h_env_share(&served, db->target), 0);
	assert_int_equal(h_env_serve(&served), 0);
	char *session = sign_in(&served, "admin", pw);
	expect_who(&served, session, "admin", "the demo's admin");
	int stopped = h_env_stop(&served);
	h_env_free(&served);
	assert_int_equal(stopped, 0);
	free(session);
	free(pw);
}

/* ---- signing in and out ---- */

static void test_sign_in_and_rotation(void **state)
{
	struct h_env *env = *state;
	expect_who(env, NULL, NULL, "no cookie");
	char *first = sign_in(env, "Marie", MARIE_PW);   /* logins ignore case */
	expect_who(env, first, "marie", "the first session");
	struct h_resp r;
	get_as(env, &r, "/cities", first);
	if (!strstr(r.body, "<span class=\"role\">coordinator</span>"))
		fail_msg("the header should show the role of the signed-in user");
	h_resp_free(&r);
	/* signing in again, with the old cookie: a new token, and the old one ends */
	char *second = sign_in_with(env, "marie", MARIE_PW, first);
	assert_string_not_equal(first, second);
	expect_who(env, second, "marie", "the second session");
	expect_who(env, first, NULL, "the replaced session");
	/* another user's sign-in does not touch marie's session */
	char *paul = sign_in(env, "paul", PAUL_PW);
	expect_who(env, paul, "paul", "paul");
	expect_who(env, second, "marie", "marie beside paul");
	/* a cookie that no longer works is cleared */
	get_as(env, &r, "/", first);
	char *cleared = h_cookie(&r, "c2c_session");
	if (!cleared || *cleared || !strstr(h_header(&r, "Set-Cookie"), "Max-Age=0"))
		fail_msg("a dead session cookie should be cleared: %s", h_header(&r, "Set-Cookie") ? h_header(&r, "Set-Cookie") : "nothing");
	free(cleared);
	h_resp_free(&r);
	/* a signed-in visit to /login goes on to next */
	char *cookie = h_strf("Cookie: c2c_session=%s", second);
	const char *headers[] = {cookie, NULL};
	h_request(env, &r, "GET", "/login?next=/cities/nice", headers, NULL);
	if (r.status != 303 || !h_header(&r, "Location") || strcmp(h_header(&r, "Location"), "/cities/nice") != 0)
		fail_msg("GET /login signed in: status %ld, Location %s", r.status, h_header(&r, "Location"));
	h_resp_free(&r);
	free(cookie), free(first), free(second), free(paul);
}

static void test_logout_ends_session_on_server(void **state)
{
	struct h_env *env = *state;
	char *session = sign_in(env, "marie", MARIE_PW), *csrf = session_csrf(env, session);
	struct h_resp r;
	post_logout(env, &r, session, csrf, NULL, NULL);
	char *cleared = h_cookie(&r, "c2c_session");
	if (r.status != 303 || !h_header(&r, "Location") || strcmp(h_header(&r, "Location"), "/") != 0 || !cleared ||
	    *cleared)
		fail_msg("POST /logout: status %ld, Location %s, cookie %s", r.status, h_header(&r, "Location"),
			 h_header(&r, "Set-Cookie"));
	h_resp_free(&r);
	/* the browser might keep the cookie: the server no longer knows it */
	expect_who(env, session, NULL, "the cookie after sign-out");
	free(cleared), free(session), free(csrf);
}

static void test_wrong_password_and_unknown_account_look_the_same(void **state)
{
	struct h_env *env = *state;
	struct h_run run;
	h_cli(env, &run, "user", "disable", "--db", env->db, "--login", "paul", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	char *csrf = login_form_token(env);
	static const char *const logins[][2] = {
		{"marie", "not the right password"}, {"nobody", "not the right password"}, {"paul", PAUL_PW},
		{"x<y", "not the right password"},
	};
	char *first = NULL;
	for (size_t i = 0; i < sizeof logins / sizeof *logins; i++) {
		struct h_resp r;
		struct login_req q = {csrf, csrf, "someone", logins[i][1], "/", NULL, NULL, NULL};
		q.login = logins[i][0];
		post_login(env, &r, &q);
		/* the pages differ only in the login typed, which the form shows again */
		char *body = h_strf("%s", r.body);
		char *typed = h_strf("value=\"%s\"", strcmp(logins[i][0], "x<y") == 0 ? "x&lt;y" : logins[i][0]);
		char *at = strstr(body, typed);
		if (r.status != 401 || !at || !strstr(body, "The login name or the password is not right."))
			fail_msg("sign-in as %s: status %ld: %.400s", logins[i][0], r.status, r.body);
		memmove(at + 7, at + strlen(typed) - 1, strlen(at + strlen(typed) - 1) + 1);
		if (!first)
			first = body;
		else if (strcmp(first, body) != 0)
			fail_msg("the answer for %s differs from the answer for a wrong password", logins[i][0]);
		else
			free(body);
		char *session = h_cookie(&r, "c2c_session");
		if (session)
			fail_msg("a failed sign-in set a session cookie");
		free(typed);
		h_resp_free(&r);
	}
	free(first);
	free(csrf);
}

static void test_login_form_csrf(void **state)
{
	struct h_env *env = *state;
	char *csrf = login_form_token(env), *other = login_form_token(env);
	static const char *const why[] = {"no cookie", "no field", "another form's token", "a foreign origin", "origin null"};
	for (int i = 0; i < 5; i++) {
		struct login_req q = {csrf, csrf, "marie", MARIE_PW, "/", NULL, NULL, NULL};
		if (i == 0)
			q.cookie_csrf = NULL;
		if (i == 1)
			q.field_csrf = NULL;
		if (i == 2)
			q.field_csrf = other;
		if (i == 3)
			q.origin = "http://evil.example";
		if (i == 4)
			q.origin = "null";
		struct h_resp r;
		post_login(env, &r, &q);
		char *session = h_cookie(&r, "c2c_session");
		if (r.status != 403 || (session && *session))
			fail_msg("POST /login with %s: status %ld, session %s", why[i], r.status, session ? session : "none");
		free(session);
		h_resp_free(&r);
	}
	struct h_resp r;
	char *origin = h_strf("%s", env->base);
	struct login_req q = {csrf, csrf, "marie", MARIE_PW, "/", origin, NULL, NULL};
	post_login(env, &r, &q);
	if (r.status != 303)
		fail_msg("POST /login from the server's own origin: status %ld", r.status);
	h_resp_free(&r);
	free(origin), free(csrf), free(other);
}

static void test_login_page_escapes_next(void **state)
{
	struct h_env *env = *state;
	static const char payload[] = "/cities?q=\"><script>alert(1)</script>";
	char *escaped = h_escape(payload), *path = h_strf("/login?next=%s", escaped);
	free(escaped);
	struct h_resp r;
	h_get(env, &r, path, 200);
	if (strstr(r.body, "<script>") || strstr(r.body, "\"><script") || strstr(r.body, "alert(1)</"))
		fail_msg("GET /login: next is not escaped: %.2000s", r.body);
	if (!strstr(h_header(&r, "Cache-Control"), "no-store"))
		fail_msg("GET /login: a form with a token must be no-store");
	h_resp_free(&r);
	free(path);
	/* next must stay on this server */
	static const char *const targets[][2] = {
		{"//evil.example/x", "/"}, {"https://evil.example/", "/"}, {"/\\evil.example", "/"},
		{"/cities/nice", "/cities/nice"}, {"/cities?q=a b", "/cities?q=a%20b"},
	};
	for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
		char *csrf = login_form_token(env);
		struct login_req q = {csrf, csrf, "marie", MARIE_PW, targets[i][0], NULL, NULL, NULL};
		post_login(env, &r, &q);
		const char *loc = h_header(&r, "Location");
		if (r.status != 303 || !loc || strcmp(loc, targets[i][1]) != 0)
			fail_msg("sign-in with next=%s: status %ld, Location %s (expected %s)", targets[i][0], r.status,
				 loc ? loc : "missing", targets[i][1]);
		h_resp_free(&r);
		free(csrf);
	}
}

static void test_request_bodies(void **state)
{
	struct h_env *env = *state;
	char *csrf = login_form_token(env), *big = malloc(6000);
	memset(big, 'a', 5999);
	big[5999] = '\0';
	struct login_req q = {csrf, csrf, "marie", big, "/", NULL, NULL, NULL};
	struct h_resp r;
	post_login(env, &r, &q);
	if (r.status != 413)
		fail_msg("POST /login with a body over its 4096 bytes: status %ld", r.status);
	h_resp_free(&r);
	const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	h_request(env, &r, "POST", "/login", headers, "login=%ZZ&password=x");
	if (r.status != 400 || !strstr(r.body, "encoded"))
		fail_msg("POST /login with a broken form: status %ld: %.300s", r.status, r.body);
	h_resp_free(&r);
	h_request(env, &r, "POST", "/login", headers, "login=%00&password=x");
	assert_int_equal(r.status, 400);
	h_resp_free(&r);
	h_request(env, &r, "GET", "/logout", NULL, NULL);
	if (r.status != 405 || !h_header(&r, "Allow") || strcmp(h_header(&r, "Allow"), "POST") != 0)
		fail_msg("GET /logout: status %ld, Allow %s", r.status, h_header(&r, "Allow"));
	h_resp_free(&r);
	h_request(env, &r, "PUT", "/login", NULL, NULL);
	if (r.status != 405 || !h_header(&r, "Allow") || strcmp(h_header(&r, "Allow"), "GET, HEAD, POST") != 0)
		fail_msg("PUT /login: status %ld, Allow %s", r.status, h_header(&r, "Allow"));
	h_resp_free(&r);
	free(csrf);
	free(big);
}

/* ---- expiry ---- */

static void test_session_idle_expiry(void **state)
{
	struct h_env *env = *state;   /* --session-idle 2 --session-max 4 */
	char *session = sign_in(env, "marie", MARIE_PW);
	pause_ms(1000);
	expect_who(env, session, "marie", "1 s after signing in");
	pause_ms(3200);
	expect_who(env, session, NULL, "3.2 s idle, with --session-idle 2");
	free(session);
}

static void test_session_absolute_expiry(void **state)
{
	struct h_env *env = *state;   /* --session-idle 2 --session-max 4 */
	char *session = sign_in(env, "marie", MARIE_PW);
	double start = now_s(), ended = 0;
	while (now_s() - start < 7.0) {   /* a request every half second: never idle */
		double t = now_s() - start;
		char *login = who(env, session);
		if (login && ended)
			fail_msg("the session came back %.1f s after signing in", t);
		if (!login && !ended)
			ended = t;
		if (!login && t < 2.9)
			fail_msg("the session ended after %.1f s, before its 4 s", t);
		free(login);
		if (ended && t > ended + 1.0)
			break;   /* and it stayed ended */
		pause_ms(500);
	}
	if (!ended || ended > 5.5)
		fail_msg("a busy session should end 4 s after sign-in (--session-max 4); it %s", ended ? "ended late" : "did not");
	free(session);
}

static void test_disabling_and_new_password_end_sessions(void **state)
{
	struct h_env *env = *state;
	char *marie = sign_in(env, "marie", MARIE_PW), *paul = sign_in(env, "paul", PAUL_PW);
	struct h_run run;
	cli_input(env, &run, "a brand new passphrase\n", "user", "passwd", "--db", env->db, "--login", "marie",
		  "--password-stdin", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	expect_who(env, marie, NULL, "a session after its password changed");
	char *again = sign_in(env, "marie", "a brand new passphrase");
	h_cli(env, &run, "user", "disable", "--db", env->db, "--login", "paul", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	expect_who(env, paul, NULL, "a disabled account's session");
	expect_who(env, again, "marie", "another account's session");
	h_cli(env, &run, "user", "enable", "--db", env->db, "--login", "paul", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	expect_who(env, paul, NULL, "a session ended by disabling, after enabling again");
	char *back = sign_in(env, "paul", PAUL_PW);
	expect_who(env, back, "paul", "an account enabled again");
	free(marie), free(paul), free(again), free(back);
}

/* ---- throttling ---- */

static long try_login(struct h_env *env, const char *csrf, const char *login, const char *pw, struct h_resp *r)
{
	struct login_req q = {csrf, csrf, login, pw, "/", NULL, NULL, NULL};
	post_login(env, r, &q);
	return r->status;
}

static void expect_throttled(struct h_resp *r, const char *what)
{
	const char *ra = h_header(r, "Retry-After");
	long long secs = ra ? strtoll(ra, NULL, 10) : 0;
	char *session = h_cookie(r, "c2c_session");
	free(session);
	if (r->status != 429 || secs < 1 || secs > 60 || session)
		fail_msg("%s: status %ld, Retry-After %s (expected 429 and 1 to 60 s, no session)", what, r->status,
			 ra ? ra : "missing");
}

static void test_throttle_per_account_and_across_servers(void **state)
{
	struct h_env *env = *state;
	char *csrf = login_form_token(env);
	struct h_resp r;
	for (int i = 0; i < 5; i++) {
		if (try_login(env, csrf, "marie", "not the right password", &r) != 401)
			fail_msg("failure %d: status %ld", i + 1, r.status);
		h_resp_free(&r);
	}
	try_login(env, csrf, "marie", MARIE_PW, &r);
	expect_throttled(&r, "the right password after 5 failures");
	h_resp_free(&r);
	/* the count is in the database: another server on it throttles too */
	struct h_env other;
	assert_int_equal(h_env_share(&other, env->db), 0);
	assert_int_equal(h_env_serve(&other), 0);
	try_login(&other, csrf, "marie", MARIE_PW, &r);
	expect_throttled(&r, "another server on the same database");
	h_resp_free(&r);
	int stopped = h_env_stop(&other);
	h_env_free(&other);
	assert_int_equal(stopped, 0);
	free(csrf);
}

/* Failures from other addresses count for the account, whatever address asks next. */
static void test_throttle_account_from_elsewhere(void **state)
{
	struct h_env *env = *state;
	char *sql = h_strf("INSERT INTO login_attempts (key, at) VALUES ('login:marie', %lld), ('login:marie', %lld),"
			   " ('login:marie', %lld), ('login:marie', %lld), ('login:marie', %lld)",
			   (long long)time(NULL) - 5, (long long)time(NULL) - 4, (long long)time(NULL) - 3,
			   (long long)time(NULL) - 2, (long long)time(NULL) - 1);
	assert_int_equal(h_sql(env, NULL, sql), 0);
	free(sql);
	char *csrf = login_form_token(env);
	struct h_resp r;
	try_login(env, csrf, "marie", MARIE_PW, &r);
	expect_throttled(&r, "marie after 5 failures from other addresses");
	h_resp_free(&r);
	if (try_login(env, csrf, "paul", PAUL_PW, &r) != 303)   /* this address has no failures */
		fail_msg("paul from an address without failures: status %ld", r.status);
	h_resp_free(&r);
	free(csrf);
}

static void test_throttle_per_address(void **state)
{
	struct h_env *env = *state;
	char *csrf = login_form_token(env);
	static const char *const logins[] = {"a1", "b2", "c3", "d4", "marie"};
	struct h_resp r;
	for (int i = 0; i < 5; i++) {   /* five accounts, one failure each */
		if (try_login(env, csrf, logins[i], "not the right password", &r) != 401)
			fail_msg("failure %d: status %ld", i + 1, r.status);
		h_resp_free(&r);
	}
	try_login(env, csrf, "paul", PAUL_PW, &r);
	expect_throttled(&r, "paul, from an address with 5 failures");
	h_resp_free(&r);
	free(csrf);
}

/* Many wrong passwords at once, on a server with many threads: exactly five are heard
 * (401), the rest are throttled (429). The attempt is recorded before the password is
 * checked, in the same write transaction as the count, so parallel requests cannot all
 * slip through between the two. */
enum { PARALLEL_ATTEMPTS = 24 };

struct attempt {
	struct h_env *env;
	const char *csrf;
	long status;
};

static void *attempt_login(void *arg)
{
	struct attempt *a = arg;
	struct h_resp r;
	a->status = try_login(a->env, a->csrf, "marie", "not the right password", &r);
	h_resp_free(&r);
	return NULL;
}

static void test_throttle_parallel(void **state)
{
	struct h_env *env = *state, wide;
	static const char *const threads[] = {"--threads", "16", NULL};
	assert_int_equal(h_env_share(&wide, env->db), 0);
	assert_int_equal(h_env_serve_with(&wide, threads), 0);
	char *csrf = login_form_token(&wide);
	struct attempt attempts[PARALLEL_ATTEMPTS];
	pthread_t tid[PARALLEL_ATTEMPTS];
	for (int i = 0; i < PARALLEL_ATTEMPTS; i++) {
		attempts[i] = (struct attempt){&wide, csrf, 0};
		assert_int_equal(pthread_create(&tid[i], NULL, attempt_login, &attempts[i]), 0);
	}
	int heard = 0, throttled = 0;
	for (int i = 0; i < PARALLEL_ATTEMPTS; i++) {
		pthread_join(tid[i], NULL);
		heard += attempts[i].status == 401;
		throttled += attempts[i].status == 429;
	}
	int stopped = h_env_stop(&wide);
	h_env_free(&wide);
	free(csrf);
	assert_int_equal(stopped, 0);
	if (heard != 5 || throttled != PARALLEL_ATTEMPTS - 5)
		fail_msg("%d parallel wrong passwords: %d answered 401 and %d 429 (expected 5 and %d)", PARALLEL_ATTEMPTS,
			 heard, throttled, PARALLEL_ATTEMPTS - 5);
}

/* Behind a trusted proxy, failed sign-ins are counted per client (the last address of
 * X-Forwarded-For), so one client's failures do not lock out everyone; without the
 * option the header is the client's word and is ignored. */
static void try_from(struct h_env *env, const char *csrf, const char *login, const char *pw, const char *xff,
		     long want, const char *what)
{
	struct login_req q = {csrf, csrf, login, pw, "/", NULL, NULL, xff};
	struct h_resp r;
	post_login(env, &r, &q);
	if (r.status != want)
		fail_msg("%s: status %ld, expected %ld", what, r.status, want);
	h_resp_free(&r);
}

static void test_throttle_behind_proxy(void **state)
{
	struct h_env *env = *state, proxied;
	static const char *const proxy[] = {"--trusted-proxy", "127.0.0.1", NULL};
	assert_int_equal(h_env_share(&proxied, env->db), 0);
	assert_int_equal(h_env_serve_with(&proxied, proxy), 0);
	char *csrf = login_form_token(&proxied);
	static const char *const logins[] = {"a1", "b2", "c3", "d4", "e5"};
	for (int i = 0; i < 5; i++)   /* a client that says it is 198.51.100.7 first: not believed */
		try_from(&proxied, csrf, logins[i], "not the right password", "198.51.100.7, 203.0.113.5", 401,
			 "a failure from 203.0.113.5");
	try_from(&proxied, csrf, "paul", PAUL_PW, "203.0.113.5", 429, "203.0.113.5 after 5 failures");
	try_from(&proxied, csrf, "paul", PAUL_PW, "203.0.113.6", 303, "another client behind the proxy");
	try_from(&proxied, csrf, "marie", MARIE_PW, "198.51.100.7", 303, "the address the first client claimed");
	int stopped = h_env_stop(&proxied);
	h_env_free(&proxied);
	assert_int_equal(stopped, 0);
	/* the same from a server that trusts no proxy: the header changes nothing */
	for (int i = 0; i < 5; i++) {
		char *addr = h_strf("203.0.113.%d", 20 + i);
		try_from(env, csrf, logins[i], "not the right password", addr, 401, "a failure with a made-up address");
		free(addr);
	}
	try_from(env, csrf, "paul", PAUL_PW, "203.0.113.99", 429, "a new made-up address after 5 failures");
	free(csrf);
}

/* A successful sign-in removes its own attempt under the address: five people signing in
 * from one address (an office behind one router) are not throttled. */
static void test_throttle_spares_successes(void **state)
{
	struct h_env *env = *state;
	char *csrf = login_form_token(env);
	struct h_resp r;
	for (int i = 0; i < 7; i++) {
		if (try_login(env, csrf, i % 2 ? "paul" : "marie", i % 2 ? PAUL_PW : MARIE_PW, &r) != 303)
			fail_msg("sign-in %d from one address: status %ld", i + 1, r.status);
		h_resp_free(&r);
	}
	free(csrf);
}

/* ---- API tokens ---- */

static char *create_token(struct h_env *env, const char *user)
{
	struct h_run run;
	h_cli(env, &run, "token", "create", "--db", env->db, "--user", user, (char *)NULL);
	if (run.status != 0)
		fail_msg("token create: %s", run.err);
	char *token = h_strf("%.*s", (int)strcspn(run.out, "\n"), run.out);
	h_run_free(&run);
	return token;
}

static void get_bearer(struct h_env *env, struct h_resp *r, const char *path, const char *authorization)
{
	char *h = h_strf("Authorization: %s", authorization);
	const char *headers[] = {h, NULL};
	if (h_request(env, r, "GET", path, headers, NULL))
		fail_msg("GET %s: no response", path);
	free(h);
}

static void test_bearer_tokens(void **state)
{
	struct h_env *env = *state;
	char *good = create_token(env, "marie"), *revoked = create_token(env, "marie"), *expired = create_token(env, "marie");
	char *disabled = create_token(env, "paul");
	struct h_resp r;
	char *auth = h_strf("Bearer %s", good);
	get_bearer(env, &r, "/api/v1/cities/nice", auth);
	if (r.status != 200 || strcmp(h_header(&r, "Cache-Control"), "no-store") != 0)
		fail_msg("GET with a valid token: status %ld, Cache-Control %s", r.status, h_header(&r, "Cache-Control"));
	h_resp_free(&r);
	get_bearer(env, &r, "/cities", auth);
	if (r.status != 200 || !strstr(r.body, "<span class=\"who\">marie"))
		fail_msg("a page with a valid token should name its account");
	h_resp_free(&r);
	/* a bearer request needs no CSRF token */
	char *hdr = h_strf("Authorization: %s", auth);
	const char *headers[] = {hdr, "Content-Type: application/x-www-form-urlencoded", NULL};
	h_request(env, &r, "POST", "/logout", headers, "x=1");
	assert_int_equal(r.status, 303);
	h_resp_free(&r);
	free(hdr);

	struct h_run run;
	h_cli(env, &run, "token", "revoke", "--db", env->db, "--id", "2", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	h_cli(env, &run, "user", "disable", "--db", env->db, "--login", "paul", (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	assert_int_equal(h_sql(env, NULL, "UPDATE api_tokens SET expires_at = 1000 WHERE id = 3"), 0);
	char *rev = h_strf("Bearer %s", revoked), *exp = h_strf("Bearer %s", expired), *dis = h_strf("Bearer %s", disabled);
	char unknown[] = "Bearer c2c_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	const char *bad[][2] = {
		{rev, "a revoked token"}, {exp, "an expired token"}, {dis, "a disabled account's token"},
		{unknown, "an unknown token"}, {"Bearer nonsense", "a malformed token"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		get_bearer(env, &r, "/api/v1/cities/nice", bad[i][0]);
		h_expect_error(&r, bad[i][1], 401, NULL, NULL);
		if (!h_header(&r, "WWW-Authenticate") || strncmp(h_header(&r, "WWW-Authenticate"), "Bearer", 6) != 0)
			fail_msg("%s: a 401 needs a WWW-Authenticate: Bearer challenge", bad[i][1]);
		h_resp_free(&r);
	}
	get_bearer(env, &r, "/api/v1/cities/nice", rev);
	h_expect_error(&r, "a revoked token", 401, "invalid_token", NULL);
	h_resp_free(&r);
	/* Another scheme (a staging site behind HTTP Basic authentication) is not ours: the
	 * request is a visitor's, who reads public pages and may not write. */
	get_bearer(env, &r, "/api/v1/cities/nice", "Basic bWFyaWU6eA==");
	if (r.status != 200 || !strstr(r.body, "\"slug\""))
		fail_msg("a public record with Authorization: Basic: status %ld, expected 200", r.status);
	h_resp_free(&r);
	char *basic = h_strf("Authorization: Basic bWFyaWU6eA=="), *type = h_strf("Content-Type: application/json");
	const char *basic_headers[] = {basic, type, NULL};
	h_request(env, &r, "PATCH", "/api/v1/cities/nice", basic_headers, "{\"leader\":\"x\"}");
	h_expect_error(&r, "a write with Authorization: Basic", 401, "unauthenticated", NULL);
	h_resp_free(&r);
	free(basic), free(type);
	free(good), free(revoked), free(expired), free(disabled), free(auth), free(rev), free(exp), free(dis);
}

/* ---- CSRF ---- */

/* PATCH of a city with marie's session cookie and CSRF token, and the given Origin and
 * Referer (NULL: not sent); If-Match is one no version has, so that a request the CSRF
 * check lets through gets 412 and changes nothing. */
static void patch_with_cookie(struct h_env *env, struct h_resp *r, const char *session, const char *csrf,
			      const char *origin, const char *referer)
{
	char *cookie = h_strf("Cookie: c2c_session=%s", session), *token = h_strf("X-CSRF-Token: %s", csrf);
	char *o = origin ? h_strf("Origin: %s", origin) : NULL, *ref = referer ? h_strf("Referer: %s", referer) : NULL;
	const char *headers[7] = {cookie, token, "Content-Type: application/json", "If-Match: \"0\""};
	int n = 4;
	if (o)
		headers[n++] = o;
	if (ref)
		headers[n++] = ref;
	h_request(env, r, "PATCH", "/api/v1/cities/nice", headers, "{\"leader\": \"x\"}");
	free(cookie), free(token), free(o), free(ref);
}

/* A JSON write carried by the session cookie must show that it comes from this server's
 * pages (Origin, or Referer when no Origin is sent), over the scheme its clients use. */
static void test_cookie_json_write_needs_our_origin(void **state)
{
	struct h_env *env = *state;
	char *s = sign_in(env, "marie", MARIE_PW), *csrf = session_csrf(env, s);
	char *here = h_strf("%s/cities/nice", env->base), *https = h_strf("https://%s", env->base + 7);
	struct h_resp r;
	patch_with_cookie(env, &r, s, csrf, NULL, NULL);
	h_expect_error(&r, "a cookie write with neither Origin nor Referer", 403, "foreign_origin", NULL);
	h_resp_free(&r);
	patch_with_cookie(env, &r, s, csrf, https, NULL);
	h_expect_error(&r, "a cookie write from https:// to an http server", 403, "foreign_origin", NULL);
	h_resp_free(&r);
	patch_with_cookie(env, &r, s, csrf, NULL, "http://evil.example/cities/nice");
	h_expect_error(&r, "a cookie write with a foreign Referer", 403, "foreign_origin", NULL);
	h_resp_free(&r);
	patch_with_cookie(env, &r, s, csrf, NULL, here);
	h_expect_error(&r, "a cookie write with our Referer (past the CSRF check: stale If-Match)", 412, "stale", NULL);
	h_resp_free(&r);
	patch_with_cookie(env, &r, s, csrf, env->base, NULL);
	h_expect_error(&r, "a cookie write with our Origin", 412, "stale", NULL);
	h_resp_free(&r);
	free(here), free(https);
	/* behind TLS (--secure-cookies) our pages are https:// ones; the session is in the
	 * database, so the one made above works on this server too */
	struct h_env tls;
	static const char *const secure[] = {"--secure-cookies", NULL};
	assert_int_equal(h_env_share(&tls, env->db), 0);
	assert_int_equal(h_env_serve_with(&tls, secure), 0);
	https = h_strf("https://%s", tls.base + 7);
	patch_with_cookie(&tls, &r, s, csrf, https, NULL);
	h_expect_error(&r, "a cookie write from https:// behind TLS", 412, "stale", NULL);
	h_resp_free(&r);
	patch_with_cookie(&tls, &r, s, csrf, tls.base, NULL);
	h_expect_error(&r, "a cookie write from http:// behind TLS", 403, "foreign_origin", NULL);
	h_resp_free(&r);
	int stopped = h_env_stop(&tls);
	h_env_free(&tls);
	assert_int_equal(stopped, 0);
	free(s), free(csrf), free(https);
}


static void test_csrf_on_logout(void **state)
{
	struct h_env *env = *state;
	char *a = sign_in(env, "marie", MARIE_PW), *b = sign_in(env, "paul", PAUL_PW);
	char *a_csrf = session_csrf(env, a), *b_csrf = session_csrf(env, b);
	assert_string_not_equal(a_csrf, b_csrf);
	struct {
		const char *form, *header, *origin, *what;
	} bad[] = {
		{NULL, NULL, NULL, "no token"},
		{"wrong", NULL, NULL, "a wrong token"},
		{b_csrf, NULL, NULL, "another session's token"},
		{NULL, b_csrf, NULL, "another session's token in the header"},
		{a_csrf, NULL, "http://evil.example", "a foreign Origin"},
		{a_csrf, NULL, "null", "Origin: null"},
		{a_csrf, NULL, "https://127.0.0.1", "the same host on another port and scheme"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct h_resp r;
		post_logout(env, &r, a, bad[i].form, bad[i].header, bad[i].origin);
		if (r.status != 403 || h_header(&r, "Set-Cookie") || strncmp(r.body, "<!DOCTYPE html>", 15) != 0)
			fail_msg("POST /logout with %s: status %ld (expected a 403 page, nothing done)", bad[i].what, r.status);
		h_expect_security_headers(&r, bad[i].what);
		h_resp_free(&r);
		expect_who(env, a, "marie", bad[i].what);   /* nothing ran */
	}
	struct h_resp r;
	post_logout(env, &r, a, NULL, a_csrf, env->base);   /* the header, from the server's own origin */
	assert_int_equal(r.status, 303);
	h_resp_free(&r);
	expect_who(env, a, NULL, "after signing out with the right token");
	post_logout(env, &r, b, b_csrf, NULL, NULL);   /* the form field, no Origin */
	assert_int_equal(r.status, 303);
	h_resp_free(&r);
	free(a), free(b), free(a_csrf), free(b_csrf);
}

/* ---- caching ---- */

static void test_signed_in_pages_are_not_cached(void **state)
{
	struct h_env *env = *state;
	static const char *const paths[] = {"/", "/cities", "/cities/nice", "/cooperations/nice-haikou", "/api/v1/cities",
					    "/api/v1/cities/nice"};
	char *session = sign_in(env, "marie", MARIE_PW);
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		struct h_resp anon, mine, again;
		get_as(env, &anon, paths[i], NULL);   /* fills the response cache */
		get_as(env, &mine, paths[i], session);
		get_as(env, &again, paths[i], NULL);
		const char *cc = h_header(&anon, "Cache-Control"), *mcc = h_header(&mine, "Cache-Control");
		if (anon.status != 200 || !cc || strcmp(cc, "no-cache") != 0 || !h_header(&anon, "ETag"))
			fail_msg("GET %s as a visitor: status %ld, Cache-Control %s: public pages stay cacheable", paths[i],
				 anon.status, cc ? cc : "missing");
		if (mine.status != 200 || !mcc || strcmp(mcc, "no-store") != 0)
			fail_msg("GET %s signed in: Cache-Control %s, expected no-store", paths[i], mcc ? mcc : "missing");
		if (paths[i][1] != 'a' && (!strstr(mine.body, "<span class=\"who\">marie") || strstr(again.body, "class=\"who\"")))
			fail_msg("GET %s: a signed-in page was served from, or put into, the shared cache", paths[i]);
		if (strcmp(anon.body, again.body) != 0)
			fail_msg("GET %s: a visitor's page changed after a signed-in visit", paths[i]);
		h_resp_free(&anon), h_resp_free(&mine), h_resp_free(&again);
	}
	free(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cli_user_bad_input_changes_nothing, setup_accounts, teardown),
		cmocka_unit_test_setup_teardown(test_cli_user_commands, setup_accounts, teardown),
		cmocka_unit_test_setup_teardown(test_cli_tokens, setup_accounts, teardown),
		cmocka_unit_test_setup_teardown(test_cli_account_changes_are_audited, setup_accounts, teardown),
		cmocka_unit_test_setup_teardown(test_init_demo_admin, setup_accounts, teardown),
		cmocka_unit_test_setup_teardown(test_sign_in_and_rotation, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_logout_ends_session_on_server, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password_and_unknown_account_look_the_same, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_login_form_csrf, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_login_page_escapes_next, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_request_bodies, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_session_idle_expiry, setup_short_sessions, teardown),
		cmocka_unit_test_setup_teardown(test_session_absolute_expiry, setup_short_sessions, teardown),
		cmocka_unit_test_setup_teardown(test_disabling_and_new_password_end_sessions, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_per_account_and_across_servers, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_account_from_elsewhere, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_per_address, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_parallel, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_behind_proxy, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_spares_successes, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_bearer_tokens, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_json_write_needs_our_origin, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_csrf_on_logout, setup_served, teardown),
		cmocka_unit_test_setup_teardown(test_signed_in_pages_are_not_cached, setup_served, teardown),
	};
	if (h_global_init())
		return 1;
	h_print_backend();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	h_global_cleanup();
	return failed;
}
