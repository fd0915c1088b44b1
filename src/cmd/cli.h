/* cli.h: shared pieces of the command line. Each command is a function
 * `int cmd_NAME(int argc, char **argv)` listed in main.c's table; argv[0] is the command
 * name, options are parsed with getopt_long, and the return value is the exit status:
 * 0 success, 1 the work failed (e.g. an import page was refused), 2 bad usage. */
#ifndef C2C_CLI_H
#define C2C_CLI_H
#include "store/store.h"

#include <stdio.h>

#define DEFAULT_DB "c2c.db"

/* Opens the store for a command, printing a clear message on failure. */
struct store *cli_open_store(const char *target, int create);
/* A connection for a command that writes: its changes are recorded in the audit log as
 * made through the CLI by the operating-system user. NULL when the database is gone. */
struct db *cli_acquire(struct store *st);
/* Prints "c2c CMD: message" and the hint to run --help; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer; NULL with a
 * message on stderr when it cannot. */
char *cli_read_file(const char *path, size_t max, size_t *len);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* For `init --demo`: creates the account admin with a random password, printed once,
 * unless an account admin exists. 0, or 1 after saying why. */
int user_create_demo_admin(struct store *st);

/* Importers, called by cmd_import with argv[0] = the kind. */
int import_pairing_page_main(int argc, char **argv);
int import_json_main(int argc, char **argv);

#endif
