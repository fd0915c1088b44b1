/* token.c: `c2c token create|list|revoke`: API tokens for scripts.
 *
 * A token is shown once, when it is created, on standard output alone (so that a script
 * can capture it); the database keeps only its hash. It acts as its account, with the
 * account's role, until it expires, is revoked or the account is disabled. Creating and
 * revoking each run in one transaction with their row of the audit log (store/accounts.h). */
#include "cmd/cli.h"
#include "store/accounts.h"
#include "util/date.h"
#include "util/str.h"

#include <getopt.h>
#include <string.h>
#include <time.h>

/* "2026-11-23 17:05 UTC" from Unix seconds. */
static const char *format_time(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
	return out;
}

/* --expires YYYY-MM-DD: the token works through that day (UTC) and ends at the midnight
 * after it, which must be in the future. */
static int parse_expiry(const char *v, int64_t now, int64_t *out)
{
	struct pdate d;
	if (pdate_parse_iso(v, &d) || d.day == 0)
		return cli_usage_error("token create", "--expires must be a date YYYY-MM-DD, e.g. 2027-06-30 (got %s)", v);
	struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day + 1};
	*out = (int64_t)timegm(&tm);
	if (*out <= now)
		return cli_usage_error("token create", "--expires must be today or a later date (got %s)", v);
	return 0;
}

static int check_name(const char *v)
{
	if (!utf8_valid(v, strlen(v)) || utf8_has_control(v) || strpbrk(v, "\n\r\t") || utf8_chars(v) > TOKEN_NAME_MAX)
		return cli_usage_error("token create", "--name must be text of at most %d characters on one line",
				       TOKEN_NAME_MAX);
	return 0;
}

/* A connection in a write transaction, for a change and its audit row together; NULL
 * when the database is not available. */
static struct db *begin(struct store *st)
{
	struct db *db = cli_acquire(st);
	if (db && db_begin_write(db) != DB_OK) {
		store_release(st, db);
		return NULL;
	}
	return db;
}

/* Commits when rc is STORE_OK (a failed commit makes it STORE_UNAVAILABLE), else rolls
 * back; releases the connection and returns rc. */
static int end(struct store *st, struct db *db, int rc)
{
	if (rc == STORE_OK && db_commit(db) != DB_OK)
		rc = STORE_UNAVAILABLE;
	if (rc != STORE_OK && db)
		db_rollback(db);
	store_release(st, db);
	return rc;
}

/* Writes the token and prints it; 0, or 1 after saying why. */
static int create(struct store *st, const char *login, const char *name, int64_t now, int64_t expires)
{
	struct db *db = begin(st);
	struct account a;
	int rc = db ? accounts_user_find(db, login, &a, NULL) : STORE_UNAVAILABLE;
	if (rc == STORE_OK && a.disabled) {
		fprintf(stderr, "c2c token create: --user: the account %s is disabled\n", login);
		rc = STORE_INVALID;
	} else if (rc == STORE_NOT_FOUND) {
		fprintf(stderr, "c2c token create: --user: there is no account %s (see: c2c user list)\n", login);
	}
	char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_MAX];
	int64_t id = 0;
	token_new(token, TOKEN_API_PREFIX);
	token_hash(token, hash);
	if (rc == STORE_OK)
		rc = accounts_token_create(db, a.user.id, name, hash, now, expires, &id);
	rc = end(st, db, rc);
	if (rc == STORE_UNAVAILABLE || rc == STORE_ERROR)
		fprintf(stderr, "c2c token create: the database is not available; no token was made\n");
	if (rc != STORE_OK)
		return 1;
	char when[40];
	printf("%s\n", token);
	fprintf(stderr, "c2c: token %lld for %s (%s) created%s%s. It is shown only this once: keep it secret, and\n"
		"     send it as the header  Authorization: Bearer TOKEN\n", (long long)id, login, role_name(a.user.role),
		expires ? ", expiring " : ", without expiry", expires ? format_time(expires, when, sizeof when) : "");
	return 0;
}

static int token_create(int argc, char **argv, const char *target)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"user", required_argument, NULL, 'u'},
		{"name", required_argument, NULL, 'n'}, {"expires", required_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *name = "";
	char login[LOGIN_MAX + 1] = "", msg[200];
	int64_t now = (int64_t)time(NULL), expires = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'u':
			if (login_name_normalise(optarg, login, msg, sizeof msg))
				return cli_usage_error("token create", "--user: %s", msg);
			break;
		case 'n':
			if (check_name(optarg))
				return 2;
			name = optarg;
			break;
		case 'e':
			if (parse_expiry(optarg, now, &expires))
				return 2;
			break;
		case 'h':
			printf("usage: c2c token create [--db FILE|URI] --user LOGIN [--name TEXT] [--expires YYYY-MM-DD]\n\n"
			       "Makes an API token that acts as the account LOGIN, and prints it once. It works\n"
			       "through the --expires date (UTC), or until revoked when there is none.\n");
			return 0;
		default: return cli_usage_error("token create", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("token create", "unexpected argument %s", argv[optind]);
	if (!*login)
		return cli_usage_error("token create", "--user is required: the account the token acts as");
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	int rc = create(st, login, name, now, expires);
	store_close(st);
	return rc;
}

static const char *status_of(json_t *t, int64_t now)
{
	if (!json_is_null(json_object_get(t, "revoked_at")))
		return "revoked";
	json_t *exp = json_object_get(t, "expires_at");
	return json_is_integer(exp) && json_integer_value(exp) <= now ? "expired" : "active";
}

static void print_tokens(json_t *list)
{
	size_t i;
	json_t *t;
	int64_t now = (int64_t)time(NULL);
	char created[40], expires[40];
	printf("%-6s %-24s %-8s %-21s %-21s %s\n", "ID", "LOGIN", "STATUS", "CREATED", "EXPIRES", "NAME");
	json_array_foreach(list, i, t) {
		json_t *exp = json_object_get(t, "expires_at");
		printf("%-6lld %-24s %-8s %-21s %-21s %s\n", (long long)json_integer_value(json_object_get(t, "id")),
		       json_string_value(json_object_get(t, "login")), status_of(t, now),
		       format_time(json_integer_value(json_object_get(t, "created_at")), created, sizeof created),
		       json_is_integer(exp) ? format_time(json_integer_value(exp), expires, sizeof expires) : "never",
		       json_string_value(json_object_get(t, "name")));
	}
}

static int token_list(int argc, char **argv, const char *target)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c, as_json = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'j': as_json = 1; break;
		case 'h':
			printf("usage: c2c token list [--db FILE|URI] [--json]\n\n"
			       "Lists the API tokens (never the tokens themselves): id, account, status, dates, name.\n");
			return 0;
		default: return cli_usage_error("token list", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("token list", "unexpected argument %s", argv[optind]);
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	struct db *db = store_acquire(st);
	json_t *list = NULL;
	int rc = db ? accounts_token_list(db, &list) : STORE_UNAVAILABLE;
	store_release(st, db);
	store_close(st);
	if (rc) {
		fprintf(stderr, "c2c token list: the database is not available\n");
		return 1;
	}
	if (as_json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		print_tokens(list);
	}
	json_decref(list);
	return 0;
}

static int revoke(struct store *st, long long id)
{
	struct db *db = begin(st);
	int was = 0, rc = db ? accounts_token_revoke(db, id, (int64_t)time(NULL), &was) : STORE_UNAVAILABLE;
	rc = end(st, db, rc);
	if (rc == STORE_NOT_FOUND)
		fprintf(stderr, "c2c token revoke: --id: there is no token %lld (see: c2c token list)\n", id);
	else if (rc)
		fprintf(stderr, "c2c token revoke: the database is not available; nothing was changed\n");
	else
		printf(was ? "c2c: token %lld was already revoked\n" : "c2c: revoked token %lld\n", id);
	return rc ? 1 : 0;
}

static int token_revoke(int argc, char **argv, const char *target)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"id", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	long long id = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'i':
			if (parse_int(optarg, 1, 1LL << 53, &id))
				return cli_usage_error("token revoke", "--id must be the number of a token, as token list shows it");
			break;
		case 'h':
			printf("usage: c2c token revoke [--db FILE|URI] --id N\n\n"
			       "Revokes a token at once: requests that carry it are refused from now on.\n");
			return 0;
		default: return cli_usage_error("token revoke", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("token revoke", "unexpected argument %s", argv[optind]);
	if (!id)
		return cli_usage_error("token revoke", "--id is required");
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	int rc = revoke(st, id);
	store_close(st);
	return rc;
}

int cmd_token(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv, const char *target);
		const char *usage;
	} subs[] = {
		{"create", token_create, "create --user LOGIN [--name TEXT] [--expires YYYY-MM-DD]"},
		{"list", token_list, "list [--json]"},
		{"revoke", token_revoke, "revoke --id N"},
	};
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof *subs; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1, DEFAULT_DB);
	int help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
	FILE *out = help ? stdout : stderr;
	if (argc >= 2 && !help)
		fprintf(stderr, "c2c token: unknown subcommand '%s'\n", argv[1]);
	fprintf(out, "usage: c2c token SUBCOMMAND [--db FILE|URI] OPTIONS\n\nsubcommands:\n");
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		fprintf(out, "  c2c token %s\n", subs[i].usage);
	fprintf(out, "\nEach subcommand takes --help.\n");
	return help ? 0 : 2;
}
