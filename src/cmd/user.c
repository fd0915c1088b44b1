/* user.c: `c2c user add|list|passwd|disable|enable|role`: accounts on the command line.
 *
 * Every subcommand checks all of its input before it writes, and writes in one
 * transaction: a refused command changes nothing. Problems visible in the arguments exit
 * 2 (usage); problems found in the database or in the password exit 1. Passwords come
 * from the terminal (asked twice, without echo) or, with --password-stdin, from the
 * first line of standard input; they are never taken from the command line, where other
 * users of the machine could read them. */
#include "cmd/cli.h"
#include "store/accounts.h"
#include "util/str.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Options of the user subcommands; which ones a subcommand takes is in its table entry. */
enum {
	O_LOGIN = 1 << 0, O_ROLE = 1 << 1, O_CITY = 1 << 2, O_EMAIL = 1 << 3, O_STDIN = 1 << 4, O_JSON = 1 << 5,
};

struct user_args {
	const char *target;
	unsigned given;                  /* O_* seen */
	struct account acc;              /* login (normalised), role, cities, email */
};

struct subcommand {
	const char *name;
	int (*run)(struct store *st, struct user_args *a);
	unsigned takes, needs;           /* O_* accepted, O_* required */
	const char *usage, *help;
};

/* ---- passwords ---- */

/* Reads the password from the first line of standard input into pw (size PASSWORD_MAX_BYTES + 1). */
static int password_from_stdin(char *pw, char *msg, size_t msgsize)
{
	char in[PASSWORD_MAX_BYTES + 8];
	size_t n = fread(in, 1, sizeof in - 1, stdin);
	in[n] = '\0';
	if (n > 0 && in[n - 1] == '\n')
		in[--n] = '\0';
	if (n > 0 && in[n - 1] == '\r')
		in[--n] = '\0';
	int bad = n > PASSWORD_MAX_BYTES || !feof(stdin) || memchr(in, '\0', n) || strchr(in, '\n');
	if (!bad)
		memcpy(pw, in, n + 1);
	sodium_memzero(in, sizeof in);
	if (bad) {
		snprintf(msg, msgsize, "--password-stdin: standard input must hold the password alone, on one line of "
			 "at most %d characters", PASSWORD_MAX_CHARS);
		return -1;
	}
	return 0;
}

/* Asks on the terminal without echo; pw has room for PASSWORD_MAX_BYTES + 1 bytes. */
static int ask(const char *prompt, char *pw)
{
	struct termios old, quiet;
	char line[PASSWORD_MAX_BYTES + 8];
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fputs(prompt, stderr);
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	char *got = fgets(line, sizeof line, stdin);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	size_t n = got ? strcspn(line, "\r\n") : 0;
	int bad = !got || n > PASSWORD_MAX_BYTES;
	if (!bad) {
		memcpy(pw, line, n);
		pw[n] = '\0';
	}
	sodium_memzero(line, sizeof line);
	return bad ? -1 : 0;
}

static int password_from_terminal(const char *login, char *pw, char *msg, size_t msgsize)
{
	char prompt[128], again[PASSWORD_MAX_BYTES + 1];
	snprintf(prompt, sizeof prompt, "Password for %s: ", login);
	int rc = 0;
	if (ask(prompt, pw) || ask("The same password again: ", again)) {
		snprintf(msg, msgsize, "could not read the password from the terminal (at most %d characters)",
			 PASSWORD_MAX_CHARS);
		rc = -1;
	} else if (strcmp(pw, again) != 0) {
		snprintf(msg, msgsize, "the two passwords differ; nothing was changed");
		rc = -1;
	}
	sodium_memzero(again, sizeof again);
	return rc;
}

/* Reads and checks a new password, and hashes it into hash. Prints why on failure. */
static int new_password_hash(const struct user_args *a, const char *cmd, char hash[PASSWORD_HASH_MAX])
{
	char pw[PASSWORD_MAX_BYTES + 1] = "", msg[256];
	int rc = (a->given & O_STDIN) ? password_from_stdin(pw, msg, sizeof msg)
				      : password_from_terminal(a->acc.user.login, pw, msg, sizeof msg);
	if (rc == 0 && (rc = password_check(pw, msg, sizeof msg)) == 0 && (rc = password_hash(pw, hash)) != 0)
		snprintf(msg, sizeof msg, "not enough memory to hash the password");
	sodium_memzero(pw, sizeof pw);
	if (rc)
		fprintf(stderr, "c2c user %s: %s\n", cmd, msg);
	return rc;
}

/* ---- the subcommands ---- */

/* Opens a write transaction on a connection of st; NULL after saying why. */
static struct db *begin(struct store *st, const char *cmd)
{
	struct db *db = cli_acquire(st);
	if (db && db_begin_write(db) == DB_OK)
		return db;
	fprintf(stderr, "c2c user %s: the database is not available\n", cmd);
	store_release(st, db);
	return NULL;
}

/* Commits when rc is STORE_OK, else rolls back and prints errs (or the store's failure). */
static int end(struct store *st, struct db *db, int rc, const struct errors *errs, const char *cmd)
{
	if (rc == STORE_OK && db_commit(db) != DB_OK)
		rc = STORE_ERROR;
	if (rc != STORE_OK) {
		db_rollback(db);
		for (int i = 0; i < errs->n; i++)
			fprintf(stderr, "c2c user %s: %s%s\n", cmd, strcmp(errs->e[i].field, "city") == 0 ? "--city: " : "",
				errs->e[i].message);
		if (errs->n == 0)
			fprintf(stderr, "c2c user %s: the database refused the change (%s); nothing was changed\n", cmd,
				rc == STORE_UNAVAILABLE ? "not available" : "error");
	}
	store_release(st, db);
	return rc == STORE_OK ? 0 : 1;
}

/* The stored account of a->acc.user.login into *out. Prints why when there is none (unless
 * that is what the caller hopes for: missing_ok) or the database cannot be read. */
static int find(struct store *st, const struct user_args *a, struct account *out, const char *cmd, int missing_ok)
{
	struct db *db = store_acquire(st);
	int rc = db ? accounts_user_find(db, a->acc.user.login, out, NULL) : STORE_UNAVAILABLE;
	store_release(st, db);
	if (rc == STORE_NOT_FOUND && !missing_ok)
		fprintf(stderr, "c2c user %s: --login: there is no account %s (see: c2c user list)\n", cmd, a->acc.user.login);
	else if (rc < 0)
		fprintf(stderr, "c2c user %s: the database is not available\n", cmd);
	return rc;
}

static int user_add(struct store *st, struct user_args *a)
{
	struct account existing;
	char hash[PASSWORD_HASH_MAX];
	int rc = find(st, a, &existing, "add", 1);
	if (rc == STORE_OK)
		fprintf(stderr, "c2c user add: --login: the login %s is already taken\n", a->acc.user.login);
	if (rc != STORE_NOT_FOUND || new_password_hash(a, "add", hash))
		return 1;
	struct errors errs;
	errors_init(&errs);
	struct db *db = begin(st, "add");
	if (!db)
		return 1;
	rc = accounts_user_add(db, &a->acc, hash, (int64_t)time(NULL), &errs);
	if (end(st, db, rc, &errs, "add"))
		return 1;
	printf("c2c: created the account %s (%s)\n", a->acc.user.login, role_name(a->acc.user.role));
	return 0;
}

static void print_cities(json_t *cities)
{
	size_t i;
	json_t *c;
	if (json_array_size(cities) == 0)
		fputs("-", stdout);
	json_array_foreach(cities, i, c)
		printf("%s%s", i ? "," : "", json_string_value(c));
}

static int user_list(struct store *st, struct user_args *a)
{
	struct db *db = store_acquire(st);
	json_t *list = NULL;
	int rc = db ? accounts_user_list(db, &list) : STORE_UNAVAILABLE;
	store_release(st, db);
	if (rc) {
		fprintf(stderr, "c2c user list: the database is not available\n");
		return 1;
	}
	if (a->given & O_JSON) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		size_t i;
		json_t *u;
		printf("%-24s %-12s %-9s %-30s %s\n", "LOGIN", "ROLE", "DISABLED", "EMAIL", "CITIES");
		json_array_foreach(list, i, u) {
			const char *email = json_string_value(json_object_get(u, "email"));
			printf("%-24s %-12s %-9s %-30s ", json_string_value(json_object_get(u, "login")),
			       json_string_value(json_object_get(u, "role")),
			       json_is_true(json_object_get(u, "disabled")) ? "yes" : "no", email ? email : "-");
			print_cities(json_object_get(u, "cities"));
			fputc('\n', stdout);
		}
	}
	json_decref(list);
	return 0;
}

static int user_passwd(struct store *st, struct user_args *a)
{
	struct account acc;
	char hash[PASSWORD_HASH_MAX];
	if (find(st, a, &acc, "passwd", 0) || new_password_hash(a, "passwd", hash))
		return 1;
	struct errors errs;
	errors_init(&errs);
	struct db *db = begin(st, "passwd");
	if (!db || end(st, db, accounts_user_set_password(db, acc.user.id, hash), &errs, "passwd"))
		return 1;
	printf("c2c: changed the password of %s; its sessions have ended\n", acc.user.login);
	return 0;
}

static int user_disable(struct store *st, struct user_args *a)
{
	struct account acc;
	if (find(st, a, &acc, "disable", 0))
		return 1;
	if (acc.disabled) {
		printf("c2c: the account %s was already disabled\n", acc.user.login);
		return 0;
	}
	struct errors errs;
	errors_init(&errs);
	struct db *db = begin(st, "disable");
	if (!db || end(st, db, accounts_user_disable(db, acc.user.id), &errs, "disable"))
		return 1;
	printf("c2c: disabled the account %s; its sessions and API tokens no longer work\n", acc.user.login);
	return 0;
}

static int user_enable(struct store *st, struct user_args *a)
{
	struct account acc;
	if (find(st, a, &acc, "enable", 0))
		return 1;
	if (!acc.disabled) {
		printf("c2c: the account %s is not disabled\n", acc.user.login);
		return 0;
	}
	struct errors errs;
	errors_init(&errs);
	struct db *db = begin(st, "enable");
	if (!db || end(st, db, accounts_user_enable(db, acc.user.id), &errs, "enable"))
		return 1;
	printf("c2c: enabled the account %s again\n", acc.user.login);
	return 0;
}

static int user_role(struct store *st, struct user_args *a)
{
	struct account acc;
	if (find(st, a, &acc, "role", 0))
		return 1;
	a->acc.user.id = acc.user.id;
	struct errors errs;
	errors_init(&errs);
	struct db *db = begin(st, "role");
	if (!db || end(st, db, accounts_user_set_role(db, &a->acc.user, &errs), &errs, "role"))
		return 1;
	printf("c2c: %s is now %s\n", acc.user.login, role_name(a->acc.user.role));
	return 0;
}

static const struct subcommand subcommands[] = {
	{"add", user_add, O_LOGIN | O_ROLE | O_CITY | O_EMAIL | O_STDIN, O_LOGIN | O_ROLE,
	 "add --login NAME --role admin|coordinator|member [--city SLUG]... [--email E] [--password-stdin]",
	 "Creates an account. The password is asked on the terminal, or read from the first line of\n"
	 "standard input with --password-stdin: 12 to 128 characters, not a common password.\n"
	 "A coordinator keeps the cities named by --city (at least one)."},
	{"list", user_list, O_JSON, 0, "list [--json]", "Lists the accounts: login, role, disabled, email, cities."},
	{"passwd", user_passwd, O_LOGIN | O_STDIN, O_LOGIN, "passwd --login NAME [--password-stdin]",
	 "Sets a new password (asked as for add). The account's sessions end."},
	{"disable", user_disable, O_LOGIN, O_LOGIN, "disable --login NAME",
	 "Disables an account: it can no longer sign in, and its sessions and API tokens stop working\n"
	 "at once. Accounts are never deleted, so that the audit log keeps naming someone."},
	{"enable", user_enable, O_LOGIN, O_LOGIN, "enable --login NAME",
	 "Lets a disabled account sign in again (its API tokens work again; its old sessions do not)."},
	{"role", user_role, O_LOGIN | O_ROLE | O_CITY, O_LOGIN | O_ROLE,
	 "role --login NAME --role admin|coordinator|member [--city SLUG]...",
	 "Changes an account's role, and replaces its cities by those given with --city."},
};

static const char *option_name(unsigned o)
{
	switch (o) {
	case O_LOGIN: return "--login";
	case O_ROLE: return "--role";
	case O_CITY: return "--city";
	case O_EMAIL: return "--email";
	case O_STDIN: return "--password-stdin";
	default: return "--json";
	}
}

static int usage(FILE *out, int status)
{
	fprintf(out, "usage: c2c user SUBCOMMAND [--db FILE|URI] OPTIONS\n\nsubcommands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
		fprintf(out, "  c2c user %s\n", subcommands[i].usage);
	fprintf(out, "\nEach subcommand takes --help.\n");
	return status;
}

/* Adds one --city, checked and without repeats. */
static int add_city(struct user_args *a, const char *cmd, const char *slug)
{
	struct user *u = &a->acc.user;
	if (!is_slug(slug))
		return cli_usage_error(cmd, "--city must be the slug of a city, as in /cities/SLUG (e.g. nice), not %s", slug);
	for (size_t i = 0; i < u->ncities; i++)
		if (strcmp(u->cities[i], slug) == 0)
			return 0;
	if (u->ncities == USER_CITIES_MAX)
		return cli_usage_error(cmd, "--city may be given at most %d times", USER_CITIES_MAX);
	snprintf(u->cities[u->ncities++], sizeof u->cities[0], "%s", slug);
	return 0;
}

static int set_option(struct user_args *a, const char *cmd, int c, const char *v)
{
	char msg[256];
	switch (c) {
	case 'd': a->target = v; return 0;
	case O_LOGIN:
		if (login_name_normalise(v, a->acc.user.login, msg, sizeof msg))
			return cli_usage_error(cmd, "--login: %s", msg);
		return 0;
	case O_ROLE:
		if (role_from_name(v, &a->acc.user.role))
			return cli_usage_error(cmd, "--role must be admin, coordinator or member, not %s", v);
		return 0;
	case O_CITY: return add_city(a, cmd, v);
	case O_EMAIL:
		if (login_email_check(v, msg, sizeof msg))
			return cli_usage_error(cmd, "--email: %s", msg);
		snprintf(a->acc.email, sizeof a->acc.email, "%s", v);
		return 0;
	default: return 0;
	}
}

/* Checks what the options say together. */
static int check_together(const struct subcommand *s, const struct user_args *a, const char *cmd)
{
	for (unsigned o = 1; o <= O_JSON; o <<= 1)
		if ((s->needs & o) && !(a->given & o))
			return cli_usage_error(cmd, "%s is required", option_name(o));
	if (!(s->takes & O_ROLE))
		return 0;
	if (a->acc.user.role == ROLE_ADMIN && a->acc.user.ncities > 0)
		return cli_usage_error(cmd, "--city does not go with --role admin: an admin may edit every city");
	if (a->acc.user.role == ROLE_COORDINATOR && a->acc.user.ncities == 0)
		return cli_usage_error(cmd, "--role coordinator needs at least one --city: the cities the coordinator keeps");
	return 0;
}

static int parse(const struct subcommand *s, int argc, char **argv, struct user_args *a, const char *cmd)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"login", required_argument, NULL, O_LOGIN},
		{"role", required_argument, NULL, O_ROLE}, {"city", required_argument, NULL, O_CITY},
		{"email", required_argument, NULL, O_EMAIL}, {"password-stdin", no_argument, NULL, O_STDIN},
		{"json", no_argument, NULL, O_JSON}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: c2c user %s [--db FILE|URI]\n\n%s\n", s->usage, s->help);
			return -1;
		}
		if (c == '?')
			return cli_usage_error(cmd, "unknown option");
		if (c != 'd' && !(s->takes & (unsigned)c))
			return cli_usage_error(cmd, "%s does not apply to user %s", option_name((unsigned)c), s->name);
		if (c != 'd' && c != O_CITY && (a->given & (unsigned)c))
			return cli_usage_error(cmd, "%s is given more than once", option_name((unsigned)c));
		a->given |= c == 'd' ? 0 : (unsigned)c;
		if (set_option(a, cmd, c, optarg))
			return 2;
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument %s", argv[optind]);
	return check_together(s, a, cmd);
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
	for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++) {
		const struct subcommand *s = &subcommands[i];
		if (strcmp(argv[1], s->name) != 0)
			continue;
		char cmd[32];
		snprintf(cmd, sizeof cmd, "user %s", s->name);
		struct user_args a = {.target = DEFAULT_DB};
		int rc = parse(s, argc - 1, argv + 1, &a, cmd);
		if (rc)
			return rc < 0 ? 0 : rc;
		if ((s->takes & O_STDIN) && !(a.given & O_STDIN) && !isatty(STDIN_FILENO))
			return cli_usage_error(cmd, "standard input is not a terminal: give the password on standard "
					       "input with --password-stdin");
		struct store *st = cli_open_store(a.target, 0);
		if (!st)
			return 1;
		rc = s->run(st, &a);
		store_close(st);
		return rc;
	}
	fprintf(stderr, "c2c user: unknown subcommand '%s'\n", argv[1]);
	return usage(stderr, 2);
}

int user_create_demo_admin(struct store *st)
{
	struct db *db = cli_acquire(st);
	struct account a;
	int rc = db ? accounts_user_find(db, "admin", &a, NULL) : STORE_UNAVAILABLE;
	if (rc != STORE_NOT_FOUND) {
		store_release(st, db);
		return rc == STORE_OK ? 0 : 1;   /* there already is one: nothing to do */
	}
	char pw[21], hash[PASSWORD_HASH_MAX];
	password_generate(pw, 20);
	struct errors errs;
	errors_init(&errs);
	memset(&a, 0, sizeof a);
	snprintf(a.user.login, sizeof a.user.login, "admin");
	a.user.role = ROLE_ADMIN;
	rc = password_hash(pw, hash) == 0 && db_begin_write(db) == DB_OK ? STORE_OK : STORE_ERROR;
	if (rc == STORE_OK && (rc = accounts_user_add(db, &a, hash, (int64_t)time(NULL), &errs)) == STORE_OK)
		rc = db_commit(db) == DB_OK ? STORE_OK : STORE_ERROR;
	if (rc == STORE_OK) {
		printf("c2c: created the account admin (role admin) with the password %s\n"
		       "     It is shown only this once; change it with: c2c user passwd --login admin\n", pw);
	} else {
		db_rollback(db);
		fprintf(stderr, "c2c init: could not create the demo account admin\n");
	}
	sodium_memzero(pw, sizeof pw);
	store_release(st, db);
	return rc == STORE_OK ? 0 : 1;
}
