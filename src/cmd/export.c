/* export.c: `c2c export json`: the whole directory as one JSON document on stdout. */
#include "cmd/cli.h"
#include "import/json_import.h"

#include <getopt.h>
#include <string.h>

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *target = DEFAULT_DB;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'h':
			printf("usage: c2c export json [--db FILE|URI]\n\n"
			       "Prints programmes, cities and cooperations as one JSON document, the format\n"
			       "that `c2c import json` reads back.\n");
			return 0;
		default: return cli_usage_error("export", "unknown option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "json") != 0)
		return cli_usage_error("export", "the format must be given: json");
	if (optind + 1 < argc)
		return cli_usage_error("export", "unexpected argument %s", argv[optind + 1]);
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	struct db *db = store_acquire(st);
	json_t *doc = NULL;
	if (db && db_begin_read(db) == DB_OK) {
		doc = json_export_doc(db);
		db_commit(db);
	}
	store_release(st, db);
	store_close(st);
	if (!doc) {
		fprintf(stderr, "c2c export: the database could not be read\n");
		return 1;
	}
	int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) || fputc('\n', stdout) == EOF;
	json_decref(doc);
	return rc || fflush(stdout) ? 1 : 0;
}
