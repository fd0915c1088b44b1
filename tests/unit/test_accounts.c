/* test_accounts.c: accounts and signing in, below the web: password rules (length in
 * characters, the common-password list), Argon2id round trips, tokens and their hashes,
 * login names, and, on a real database of the suite's backend (tests/common/testdb.h),
 * accounts, session expiry and rotation with a clock the test sets, API tokens, the
 * counting of failed sign-ins that throttling relies on, the audit rows every change of
 * an account or a token writes (in the change's transaction, never with a secret), and
 * the refusal to delete a city a coordinator keeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/login.h"
#include "core/password.h"
#include "core/token.h"
#include "store/accounts.h"
#include "teststore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000   /* the test clock's start: 2027-01-15 08:00 UTC */

/* ---- password rules ---- */

/* A string of n copies of unit (caller frees). */
static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void expect_refused(const char *pw, const char *why)
{
	char msg[256] = "";
	if (password_check(pw, msg, sizeof msg) == 0)
		fail_msg("the password \"%s\" was accepted", pw);
	if (!strstr(msg, why))
		fail_msg("the password \"%s\" was refused with \"%s\", not for \"%s\"", pw, msg, why);
	assert_int_equal(strncmp(msg, "the password", 12), 0);
}

static void expect_accepted(const char *pw)
{
	char msg[256] = "";
	if (password_check(pw, msg, sizeof msg) != 0)
		fail_msg("the password \"%s\" was refused: %s", pw, msg);
}

static void password_length_in_characters(void **state)
{
	(void)state;
	expect_refused("", "at least 12");
	expect_refused("Tr0ub4dor&3", "at least 12 characters (it has 11)");
	expect_accepted("Tr0ub4dor&3x");
	char *e11 = repeat("é", 11), *e12 = repeat("é", 12);   /* 22 and 24 bytes */
	expect_refused(e11, "(it has 11)");
	expect_accepted(e12);
	char *cjk = repeat("海口", 6), *emoji = repeat("\xF0\x9F\x8C\x8D", 11);   /* 12 and 11 characters */
	expect_accepted(cjk);
	expect_refused(emoji, "(it has 11)");
	char *max = repeat("ab", 64), *wide = repeat("ж", 128), over[160];
	snprintf(over, sizeof over, "%sc", max);
	expect_accepted(max);
	expect_accepted(wide);   /* 128 characters in 256 bytes */
	expect_refused(over, "at most 128 characters (it has 129)");
	free(e11);
	free(e12);
	free(cjk);
	free(emoji);
	free(max);
	free(wide);
}

static void password_other_rules(void **state)
{
	(void)state;
	expect_refused("valid start \xC3\x28 bad utf-8", "UTF-8");
	expect_refused("line one\nline two", "control characters");
	expect_refused("tab\tinside password", "control characters");
	expect_refused("bell\x07inside password", "control characters");
}

static void password_common_list(void **state)
{
	(void)state;
	static const char *const common[] = {"password1234", "123456789012", "qwertyuiopas", "c2cpassword1",
					     "PASSWORD1234", "QwErTyUiOpAs", "iloveyou1234", "1q2w3e4r5t6y"};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++) {
		if (!password_is_common(common[i]))
			fail_msg("%s is not found in the common-password list", common[i]);
		expect_refused(common[i], "most common passwords");
	}
	assert_false(password_is_common("correct horse battery staple"));
	assert_false(password_is_common("password123"));   /* too short to be listed: the length rule refuses it */
	expect_refused("password123", "at least 12");
	expect_accepted("nice haikou carnival 2018");
}

static void password_hash_round_trip(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("correct horse battery staple", h1), 0);
	assert_int_equal(password_hash("correct horse battery staple", h2), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_string_not_equal(h1, h2);   /* a salt of its own each time */
	assert_true(password_verify(h1, "correct horse battery staple"));
	assert_true(password_verify(h2, "correct horse battery staple"));
	assert_false(password_verify(h1, "correct horse battery stapler"));
	assert_false(password_verify(h1, "Correct horse battery staple"));
	assert_false(password_verify(h1, ""));
	assert_false(password_verify("not a hash", "correct horse battery staple"));
	assert_false(password_verify(NULL, "x"));
	password_verify_dummy("anything at all");   /* only spends time */
	char gen[21], gen2[21];
	password_generate(gen, 20);
	password_generate(gen2, 20);
	assert_int_equal(strlen(gen), 20);
	assert_string_not_equal(gen, gen2);
	expect_accepted(gen);
}

/* ---- tokens and names ---- */

static void tokens_and_hashes(void **state)
{
	(void)state;
	char a[TOKEN_TEXT_MAX], b[TOKEN_TEXT_MAX], api[TOKEN_TEXT_MAX], ha[TOKEN_HASH_MAX], ha2[TOKEN_HASH_MAX],
		hb[TOKEN_HASH_MAX];
	token_new(a, "");
	token_new(b, "");
	token_new(api, TOKEN_API_PREFIX);
	assert_int_equal(strlen(a), 43);   /* 256 bits in base64url */
	assert_string_not_equal(a, b);
	assert_true(token_well_formed(a, ""));
	assert_true(token_well_formed(api, TOKEN_API_PREFIX));
	assert_false(token_well_formed(a, TOKEN_API_PREFIX));
	assert_false(token_well_formed(api, ""));   /* 47 characters */
	assert_false(token_well_formed("short", ""));
	assert_false(token_well_formed(NULL, ""));
	char bad[TOKEN_TEXT_MAX];
	snprintf(bad, sizeof bad, "%s", a);
	bad[10] = '=';
	assert_false(token_well_formed(bad, ""));
	token_hash(a, ha);
	token_hash(a, ha2);
	token_hash(b, hb);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, ha2);
	assert_string_not_equal(ha, hb);
	assert_null(strstr(ha, a));
	assert_true(token_equal(a, a));
	assert_false(token_equal(a, b));
	assert_false(token_equal(a, NULL));
	assert_false(token_equal(NULL, a));
	assert_false(token_equal("abc", "abcd"));
}

static void login_names_and_emails(void **state)
{
	(void)state;
	char out[LOGIN_MAX + 1], msg[256];
	assert_int_equal(login_name_normalise("Marie.Dupont", out, msg, sizeof msg), 0);
	assert_string_equal(out, "marie.dupont");
	assert_int_equal(login_name_normalise("a", out, msg, sizeof msg), 0);
	static const char *const bad[] = {"", "-lead", ".dot", "has space", "x<script>", "é", "a/b"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (login_name_normalise(bad[i], out, msg, sizeof msg) == 0)
			fail_msg("the login \"%s\" was accepted", bad[i]);
	char *long_name = repeat("a", LOGIN_MAX + 1);
	assert_int_equal(login_name_normalise(long_name, out, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "1 to 64"));
	free(long_name);
	assert_int_equal(login_email_check("coordinator@nicecotedazur.org", msg, sizeof msg), 0);
	assert_int_equal(login_email_check("no-at-sign", msg, sizeof msg), -1);
	assert_int_equal(login_email_check("two@@ats", msg, sizeof msg), -1);
	assert_int_equal(login_email_check("sp ace@x.org", msg, sizeof msg), -1);
	assert_int_equal(login_email_check("@x.org", msg, sizeof msg), -1);
}

static void session_rules(void **state)
{
	(void)state;
	/* idle 1800 s, absolute end at T0 + 43200 */
	assert_int_equal(session_state(T0, T0 + 43200, T0, 1800), SESSION_LIVE);
	assert_int_equal(session_state(T0, T0 + 43200, T0 + 1800, 1800), SESSION_LIVE);
	assert_int_equal(session_state(T0, T0 + 43200, T0 + 1801, 1800), SESSION_IDLE);
	assert_int_equal(session_state(T0 + 43000, T0 + 43200, T0 + 43199, 1800), SESSION_LIVE);
	assert_int_equal(session_state(T0 + 43199, T0 + 43200, T0 + 43200, 1800), SESSION_EXPIRED);
}

static void throttle_rules(void **state)
{
	(void)state;
	int64_t recent[THROTTLE_FAILURES] = {T0 + 10, T0 + 8, T0 + 6, T0 + 4, T0 + 2};
	assert_int_equal(throttle_wait(recent, 4, T0 + 10), 0);            /* four failures: go ahead */
	assert_int_equal(throttle_wait(recent, 5, T0 + 10), 2 + 60 - 10);   /* until the 5th newest is a minute old */
	assert_int_equal(throttle_wait(recent, 5, T0 + 61), 1);
	assert_int_equal(throttle_wait(recent, 5, T0 + 62), 0);
}

/* ---- on the database ---- */

struct fixture {
	struct teststore ts;
	struct account nice, admin;   /* a coordinator of Nice, an admin */
};

static void add_account(struct db *db, struct account *a, const char *login, enum role role, const char *city)
{
	struct errors errs;
	errors_init(&errs);
	memset(a, 0, sizeof *a);
	snprintf(a->user.login, sizeof a->user.login, "%s", login);
	a->user.role = role;
	if (city)
		snprintf(a->user.cities[a->user.ncities++], sizeof a->user.cities[0], "%s", city);
	/* A hash of a password nobody uses: the store only keeps the string. */
	if (accounts_user_add(db, a, "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA", T0, &errs) != STORE_OK)
		fail_msg("cannot add the account %s: %s", login, errs.n ? errs.e[0].message : "store error");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	teststore_open(&f->ts, 2);
	assert_int_equal(testdb_sql(&f->ts.tdb, "INSERT INTO cities (slug, name, country) VALUES ('nice', 'Nice', 'FR'),"
				    " ('rome', 'Roma', 'IT'), ('haikou', 'Haikou', 'CN')"), 0);
	add_account(f->ts.db, &f->nice, "marie", ROLE_COORDINATOR, "nice");
	add_account(f->ts.db, &f->admin, "root", ROLE_ADMIN, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	teststore_close(&f->ts);
	free(f);
	return 0;
}

static void accounts_stored(void **state)
{
	struct fixture *f = *state;
	struct account a;
	char hash[PASSWORD_HASH_MAX];
	assert_int_equal(accounts_user_find(f->ts.db, "marie", &a, hash), STORE_OK);
	assert_int_equal(a.user.role, ROLE_COORDINATOR);
	assert_int_equal(a.user.ncities, 1);
	assert_string_equal(a.user.cities[0], "nice");
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_int_equal(a.created_at, T0);
	assert_int_equal(accounts_user_find(f->ts.db, "nobody", &a, NULL), STORE_NOT_FOUND);

	struct account dup;
	struct errors errs;
	errors_init(&errs);
	memset(&dup, 0, sizeof dup);
	snprintf(dup.user.login, sizeof dup.user.login, "marie");
	dup.user.role = ROLE_MEMBER;
	assert_int_equal(accounts_user_add(f->ts.db, &dup, "x", T0, &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].field, "login");

	/* a role change replaces the cities; an unknown city is refused and names the field */
	a.user.role = ROLE_COORDINATOR;
	a.user.ncities = 2;
	snprintf(a.user.cities[0], sizeof a.user.cities[0], "rome");
	snprintf(a.user.cities[1], sizeof a.user.cities[1], "haikou");
	assert_int_equal(accounts_user_find(f->ts.db, "marie", &dup, NULL), STORE_OK);
	a.user.id = dup.user.id;
	assert_int_equal(accounts_user_set_role(f->ts.db, &a.user, &errs), STORE_OK);
	assert_int_equal(accounts_user_find(f->ts.db, "marie", &dup, NULL), STORE_OK);
	assert_int_equal(dup.user.ncities, 2);
	assert_string_equal(dup.user.cities[0], "haikou");   /* by slug */
	errors_init(&errs);
	snprintf(a.user.cities[1], sizeof a.user.cities[1], "atlantis");
	assert_int_equal(accounts_user_set_role(f->ts.db, &a.user, &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].field, "city");
	assert_non_null(strstr(errs.e[0].message, "atlantis"));

	json_t *list;
	assert_int_equal(accounts_user_list(f->ts.db, &list), STORE_OK);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "login")), "marie");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "role")), "admin");
	json_decref(list);
}

/* A session of user, created at `at`; its token's hash into hash. */
static void new_session(struct fixture *f, const struct account *a, int64_t at, int64_t max, char hash[TOKEN_HASH_MAX])
{
	char token[TOKEN_TEXT_MAX], csrf[TOKEN_TEXT_MAX];
	token_new(token, "");
	token_new(csrf, "");
	token_hash(token, hash);
	assert_int_equal(accounts_session_create(f->ts.db, a->user.id, hash, csrf, at, max), STORE_OK);
}

static int find(struct fixture *f, const char *hash, int64_t now, struct user *u, struct session *s)
{
	return accounts_session_find(f->ts.db, hash, now, 1800, u, s);
}

static void session_idle_expiry(void **state)
{
	struct fixture *f = *state;
	char hash[TOKEN_HASH_MAX];
	struct user u;
	struct session s;
	new_session(f, &f->nice, T0, 43200, hash);
	assert_int_equal(find(f, hash, T0 + 1000, &u, &s), STORE_OK);
	assert_string_equal(u.login, "marie");
	assert_int_equal(u.role, ROLE_COORDINATOR);
	assert_string_equal(u.cities[0], "nice");
	assert_true(s.id > 0);
	assert_int_equal(strlen(s.csrf), 43);
	/* each request moves last_seen: 1000 + 1800 is still within reach of the last one */
	assert_int_equal(find(f, hash, T0 + 2800, &u, &s), STORE_OK);
	assert_int_equal(find(f, hash, T0 + 4601, &u, &s), STORE_NOT_FOUND);   /* 1801 s idle */
	assert_int_equal(u.id, 0);
	assert_int_equal(s.id, 0);
	/* deleted, not only refused: even a clock going back does not bring it back */
	assert_int_equal(find(f, hash, T0 + 2801, &u, &s), STORE_NOT_FOUND);
}

static void session_absolute_expiry(void **state)
{
	struct fixture *f = *state;
	char hash[TOKEN_HASH_MAX];
	struct user u;
	struct session s;
	new_session(f, &f->nice, T0, 4000, hash);
	int64_t t;
	for (t = T0 + 1000; t < T0 + 4000; t += 1000)   /* busy all along: never idle */
		assert_int_equal(find(f, hash, t, &u, &s), STORE_OK);
	assert_int_equal(find(f, hash, T0 + 4000, &u, &s), STORE_NOT_FOUND);
}

static void session_rotation_and_disabling(void **state)
{
	struct fixture *f = *state;
	char first[TOKEN_HASH_MAX], second[TOKEN_HASH_MAX], other[TOKEN_HASH_MAX];
	struct user u;
	struct session s1, s2;
	new_session(f, &f->nice, T0, 43200, first);
	assert_int_equal(find(f, first, T0 + 1, &u, &s1), STORE_OK);
	/* signing in again: a new token, the old session ended */
	new_session(f, &f->nice, T0 + 2, 43200, second);
	assert_int_equal(accounts_session_delete(f->ts.db, s1.id), STORE_OK);
	assert_string_not_equal(first, second);
	assert_int_equal(find(f, first, T0 + 3, &u, &s1), STORE_NOT_FOUND);
	assert_int_equal(find(f, second, T0 + 3, &u, &s2), STORE_OK);
	assert_string_not_equal(s1.csrf, s2.csrf);
	/* purging removes what has expired, and only that */
	new_session(f, &f->admin, T0, 43200, other);
	assert_int_equal(find(f, second, T0 + 1000, &u, &s2), STORE_OK);
	assert_int_equal(db_int1(f->ts.db, "SELECT count(*) FROM sessions", NULL, -1), 2);
	assert_int_equal(accounts_sessions_purge(f->ts.db, T0 + 1805, 1800), STORE_OK);
	assert_int_equal(db_int1(f->ts.db, "SELECT count(*) FROM sessions", NULL, -1), 1);   /* other: idle since T0 */
	assert_int_equal(find(f, second, T0 + 1805, &u, &s2), STORE_OK);
	/* a disabled account's sessions stop at once */
	assert_int_equal(accounts_user_disable(f->ts.db, f->nice.user.id), STORE_OK);
	assert_int_equal(find(f, second, T0 + 1806, &u, &s2), STORE_NOT_FOUND);
}

static void api_tokens(void **state)
{
	struct fixture *f = *state;
	char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_MAX], later[TOKEN_HASH_MAX], unknown[TOKEN_HASH_MAX];
	int64_t id, id2;
	struct user u;
	token_new(token, TOKEN_API_PREFIX);
	token_hash(token, hash);
	assert_int_equal(accounts_token_create(f->ts.db, f->nice.user.id, "ci", hash, T0, 0, &id), STORE_OK);
	assert_int_equal(accounts_token_find(f->ts.db, hash, T0 + 100000000, &u), STORE_OK);   /* no expiry */
	assert_string_equal(u.login, "marie");
	assert_string_equal(u.cities[0], "nice");
	token_new(token, TOKEN_API_PREFIX);
	token_hash(token, later);
	assert_int_equal(accounts_token_create(f->ts.db, f->admin.user.id, "", later, T0, T0 + 86400, &id2), STORE_OK);
	assert_int_equal(accounts_token_find(f->ts.db, later, T0 + 86399, &u), STORE_OK);
	assert_int_equal(accounts_token_find(f->ts.db, later, T0 + 86400, &u), STORE_NOT_FOUND);   /* expired */
	assert_int_equal(u.id, 0);
	token_hash("c2c_not-a-token-anyone-was-given-xxxxxxxxxxxxxx", unknown);
	assert_int_equal(accounts_token_find(f->ts.db, unknown, T0, &u), STORE_NOT_FOUND);
	int was;
	assert_int_equal(accounts_token_revoke(f->ts.db, id, T0 + 5, &was), STORE_OK);
	assert_false(was);
	assert_int_equal(accounts_token_find(f->ts.db, hash, T0 + 6, &u), STORE_NOT_FOUND);   /* revoked */
	assert_int_equal(accounts_token_revoke(f->ts.db, id, T0 + 7, &was), STORE_OK);
	assert_true(was);
	assert_int_equal(accounts_token_revoke(f->ts.db, id2 + 100, T0, &was), STORE_NOT_FOUND);
	json_t *list;
	assert_int_equal(accounts_token_list(f->ts.db, &list), STORE_OK);
	assert_int_equal(json_array_size(list), 2);
	json_t *first = json_array_get(list, 0);
	assert_int_equal(json_integer_value(json_object_get(first, "revoked_at")), T0 + 5);
	assert_true(json_is_null(json_object_get(first, "expires_at")));
	assert_null(json_object_get(first, "token_hash"));   /* never shown */
	json_decref(list);
	/* a disabled account's tokens stop at once */
	assert_int_equal(accounts_user_disable(f->ts.db, f->admin.user.id), STORE_OK);
	assert_int_equal(accounts_token_find(f->ts.db, later, T0 + 1, &u), STORE_NOT_FOUND);
}

static void failed_sign_ins_counted(void **state)
{
	struct fixture *f = *state;
	int64_t recent[THROTTLE_FAILURES];
	int n;
	for (int i = 0; i < 7; i++)   /* one every 5 s */
		assert_int_equal(accounts_attempt_add(f->ts.db, "login:marie", T0 + 5 * i, NULL), STORE_OK);
	assert_int_equal(accounts_attempt_add(f->ts.db, "addr:127.0.0.1", T0, NULL), STORE_OK);
	assert_int_equal(accounts_attempts_recent(f->ts.db, "login:marie", T0 + 30 - THROTTLE_WINDOW, recent, &n), STORE_OK);
	assert_int_equal(n, THROTTLE_FAILURES);   /* at most five are looked at */
	assert_int_equal(recent[0], T0 + 30);
	assert_int_equal(recent[4], T0 + 10);
	assert_int_equal(throttle_wait(recent, n, T0 + 30), 10 + THROTTLE_WINDOW - 30);
	/* a minute later only the newest remain in the window */
	assert_int_equal(accounts_attempts_recent(f->ts.db, "login:marie", T0 + 80 - THROTTLE_WINDOW, recent, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(throttle_wait(recent, n, T0 + 80), 0);
	assert_int_equal(accounts_attempts_recent(f->ts.db, "addr:127.0.0.1", T0 - 1, recent, &n), STORE_OK);
	assert_int_equal(n, 1);
	/* cleared after a successful sign-in; other keys stay */
	assert_int_equal(accounts_attempts_clear(f->ts.db, "login:marie"), STORE_OK);
	assert_int_equal(accounts_attempts_recent(f->ts.db, "login:marie", 0, recent, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* old rows are pruned as new ones arrive */
	assert_int_equal(accounts_attempt_add(f->ts.db, "login:other", T0 + 100000, NULL), STORE_OK);
	assert_int_equal(accounts_attempts_recent(f->ts.db, "addr:127.0.0.1", 0, recent, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* ---- the audit log of accounts and tokens ---- */

/* The newest audit row of kind/key, checked to be `action` by the connection's actor;
 * returns its changes (a new reference). */
static json_t *newest_change(struct fixture *f, const char *kind, const char *key, const char *action)
{
	struct audit_query q = {.entity = kind, .record = key, .limit = 1};
	json_t *rows;
	assert_int_equal(store_audit_list(f->ts.db, &q, &rows), STORE_OK);
	json_t *row = json_array_get(rows, 0);
	if (!row)
		fail_msg("no audit row for %s/%s", kind, key);
	assert_string_equal(json_string_value(json_object_get(row, "action")), action);
	assert_string_equal(json_string_value(json_object_get(row, "actor")), "operator");
	assert_string_equal(json_string_value(json_object_get(row, "via")), "cli");
	json_t *changes = json_incref(json_object_get(row, "changes"));
	json_decref(rows);
	return changes;
}

/* Fails unless changes is exactly the JSON text want (keys sorted). */
static void expect_changes(json_t *changes, const char *want)
{
	char *got = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
	if (strcmp(got, want) != 0)
		fail_msg("the audit row's changes are %s, expected %s", got, want);
	free(got);
	json_decref(changes);
}

static int64_t audit_rows(struct fixture *f)
{
	return db_int1(f->ts.db, "SELECT count(*) FROM audit", NULL, -1);
}

/* No password hash, token or token hash anywhere in the log. */
static void expect_no_secret(struct fixture *f, const char *token, const char *hash)
{
	json_t *rows;
	struct audit_query q = {.limit = 1000};
	assert_int_equal(store_audit_list(f->ts.db, &q, &rows), STORE_OK);
	char *text = json_dumps(rows, JSON_COMPACT);
	if (strstr(text, "argon2") || (token && strstr(text, token + 4)) || (hash && strstr(text, hash)))
		fail_msg("the audit log holds a secret: %s", text);
	free(text);
	json_decref(rows);
}

static void account_changes_audited(void **state)
{
	struct fixture *f = *state;
	db_set_actor(f->ts.db, "operator", "cli");
	struct account a;
	add_account(f->ts.db, &a, "li.wei", ROLE_COORDINATOR, "haikou");
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "create"),
		       "{\"cities\":{\"after\":[\"haikou\"]},\"role\":{\"after\":\"coordinator\"}}");
	assert_int_equal(accounts_user_set_password(f->ts.db, a.user.id, "$argon2id$v=19$m=65536,t=2,p=1$bmV3c2FsdA$bmV3"), STORE_OK);
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "update"), "{\"password\":{\"after\":\"changed\"}}");
	assert_int_equal(accounts_user_disable(f->ts.db, a.user.id), STORE_OK);
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "update"), "{\"disabled\":{\"after\":true,\"before\":false}}");
	int64_t n = audit_rows(f);
	assert_int_equal(accounts_user_disable(f->ts.db, a.user.id), STORE_OK);   /* already: nothing to record */
	assert_int_equal(audit_rows(f), n);
	assert_int_equal(accounts_user_enable(f->ts.db, a.user.id), STORE_OK);
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "update"), "{\"disabled\":{\"after\":false,\"before\":true}}");
	a.user.ncities = 2;
	snprintf(a.user.cities[0], sizeof a.user.cities[0], "rome");
	snprintf(a.user.cities[1], sizeof a.user.cities[1], "haikou");
	struct errors errs;
	errors_init(&errs);
	assert_int_equal(accounts_user_set_role(f->ts.db, &a.user, &errs), STORE_OK);
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "update"),
		       "{\"cities\":{\"after\":[\"haikou\",\"rome\"],\"before\":[\"haikou\"]}}");
	n = audit_rows(f);
	assert_int_equal(accounts_user_set_role(f->ts.db, &a.user, &errs), STORE_OK);   /* the same again */
	assert_int_equal(audit_rows(f), n);
	a.user.role = ROLE_MEMBER;
	a.user.ncities = 0;
	assert_int_equal(accounts_user_set_role(f->ts.db, &a.user, &errs), STORE_OK);
	expect_changes(newest_change(f, AUDIT_USER, "li.wei", "update"), "{\"cities\":{\"after\":[],\"before\":"
		       "[\"haikou\",\"rome\"]},\"role\":{\"after\":\"member\",\"before\":\"coordinator\"}}");
	expect_no_secret(f, NULL, NULL);
}

static void token_changes_audited(void **state)
{
	struct fixture *f = *state;
	db_set_actor(f->ts.db, "operator", "cli");
	char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_MAX], key[24];
	int64_t id;
	int was;
	token_new(token, TOKEN_API_PREFIX);
	token_hash(token, hash);
	assert_int_equal(accounts_token_create(f->ts.db, f->nice.user.id, "nightly sync", hash, T0, T0 + 86400, &id), STORE_OK);
	snprintf(key, sizeof key, "%lld", (long long)id);
	expect_changes(newest_change(f, AUDIT_TOKEN, key, "create"), "{\"expires_at\":{\"after\":\"2027-01-16T08:00:00Z\"},"
		       "\"name\":{\"after\":\"nightly sync\"},\"user\":{\"after\":\"marie\"}}");
	assert_int_equal(accounts_token_revoke(f->ts.db, id, T0 + 5, &was), STORE_OK);
	expect_changes(newest_change(f, AUDIT_TOKEN, key, "update"),
		       "{\"revoked_at\":{\"after\":\"2027-01-15T08:00:05Z\",\"before\":null}}");
	int64_t n = audit_rows(f);
	assert_int_equal(accounts_token_revoke(f->ts.db, id, T0 + 6, &was), STORE_OK);   /* already revoked */
	assert_true(was);
	assert_int_equal(audit_rows(f), n);
	expect_no_secret(f, token, hash);
}

/* The row is written in the caller's transaction: a rollback takes both away. */
static void audit_rolls_back_with_the_change(void **state)
{
	struct fixture *f = *state;
	int64_t n = audit_rows(f);
	assert_int_equal(db_begin_write(f->ts.db), DB_OK);
	assert_int_equal(accounts_user_disable(f->ts.db, f->nice.user.id), STORE_OK);
	assert_int_equal(audit_rows(f), n + 1);
	assert_int_equal(db_rollback(f->ts.db), DB_OK);
	assert_int_equal(audit_rows(f), n);
	struct account a;
	assert_int_equal(accounts_user_find(f->ts.db, "marie", &a, NULL), STORE_OK);
	assert_false(a.disabled);
}

/* A city a coordinator keeps is not deleted, and the refusal names the account; once
 * nobody keeps it, it goes. */
static void kept_city_not_deleted(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	errors_init(&errs);
	assert_int_equal(store_delete(f->ts.db, &entity_city, "nice", &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].code, "conflict");
	assert_non_null(strstr(errs.e[0].message, "marie"));
	json_t *nice;
	assert_int_equal(store_get(f->ts.db, &entity_city, "nice", &nice), STORE_OK);
	json_decref(nice);
	struct user u = f->nice.user;
	snprintf(u.cities[0], sizeof u.cities[0], "rome");
	errors_init(&errs);
	assert_int_equal(accounts_user_set_role(f->ts.db, &u, &errs), STORE_OK);
	assert_int_equal(store_delete(f->ts.db, &entity_city, "nice", &errs), STORE_OK);
	assert_int_equal(store_get(f->ts.db, &entity_city, "nice", &nice), STORE_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_length_in_characters),
		cmocka_unit_test(password_other_rules),
		cmocka_unit_test(password_common_list),
		cmocka_unit_test(password_hash_round_trip),
		cmocka_unit_test(tokens_and_hashes),
		cmocka_unit_test(login_names_and_emails),
		cmocka_unit_test(session_rules),
		cmocka_unit_test(throttle_rules),
		cmocka_unit_test_setup_teardown(accounts_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(session_idle_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(session_absolute_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(session_rotation_and_disabling, setup, teardown),
		cmocka_unit_test_setup_teardown(api_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_sign_ins_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(account_changes_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(token_changes_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_rolls_back_with_the_change, setup, teardown),
		cmocka_unit_test_setup_teardown(kept_city_not_deleted, setup, teardown),
	};
	printf("# backend: %s\n", testdb_backend());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
