/* init.c: `c2c init`: create a database, optionally with the demo data set (and, for the
 * demo, an account admin with a generated password; no other command makes accounts). */
#include "cmd/cli.h"
#include "import/json_import.h"
#include "util/embed.h"

#include <getopt.h>
#include <string.h>

extern const struct embedded_file data_files[];

static int load_demo(struct store *st)
{
	const struct embedded_file *f = embed_find(data_files, "demo.json");
	json_error_t jerr;
	json_t *doc = json_loadb(f->data, f->len, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "c2c init: the built-in demo data is broken: line %d: %s\n", jerr.line, jerr.text);
		return 1;
	}
	struct db *db = cli_acquire(st);
	int rc = db ? json_import_doc(db, doc, "demo data", stdout, stderr) : -1;
	store_release(st, db);
	json_decref(doc);
	return rc ? 1 : 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"demo", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *target = DEFAULT_DB;
	int demo = 0, c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'D': demo = 1; break;
		case 'h':
			printf("usage: c2c init [--db FILE|URI] [--demo]\n\n"
			       "Creates the database (or brings its schema up to date). With --demo, loads\n"
			       "the demo data set: the IUC Asia programme, its cities and cooperations,\n"
			       "and creates the account admin with a random password, printed once.\n"
			       "Running it again changes nothing that is already there.\n");
			return 0;
		default: return cli_usage_error("init", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("init", "unexpected argument %s", argv[optind]);
	struct store *st = cli_open_store(target, 1);
	if (!st)
		return 1;
	int rc = demo ? load_demo(st) : 0;
	if (rc == 0 && demo)
		rc = user_create_demo_admin(st);
	if (rc == 0) {
		char shown[512];
		db_target_display(target, shown, sizeof shown);
		printf("c2c: database %s is ready (schema version %d)\n", shown, store_binary_schema_version());
	}
	store_close(st);
	return rc;
}
