/* import.c: `c2c import KIND`: dispatches to the importer of that kind. */
#include "cmd/cli.h"
#include "import/json_import.h"
#include "import/ucap_import.h"

#include <getopt.h>
#include <string.h>

#define IMPORT_JSON_MAX (256u << 20)

static const struct importer {
	const char *kind;
	int (*run)(int argc, char **argv);
	const char *summary;
} importers[] = {
	{"pairing-page", import_pairing_page_main, "the programme's city-pairing pages (text)"},
	{"json", import_json_main, "a c2c export document (c2c export json)"},
	{"ucap", import_ucap_main, "U-CAP summaries (text exported from PDF or HTML)"},
};

int cmd_import(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--help") != 0) {
		for (size_t i = 0; i < sizeof importers / sizeof *importers; i++)
			if (strcmp(argv[1], importers[i].kind) == 0)
				return importers[i].run(argc - 1, argv + 1);
	}
	FILE *out = argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr;
	if (argc >= 2 && out == stderr)
		fprintf(stderr, "c2c import: unknown kind '%s'\n", argv[1]);
	fprintf(out, "usage: c2c import KIND [--db FILE|URI] FILE...\n\nkinds:\n");
	for (size_t i = 0; i < sizeof importers / sizeof *importers; i++)
		fprintf(out, "  %-14s %s\n", importers[i].kind, importers[i].summary);
	fprintf(out, "\nEach kind takes --help.\n");
	return out == stdout ? 0 : 2;
}

int import_json_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *target = DEFAULT_DB;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'h':
			printf("usage: c2c import json [--db FILE|URI] FILE...\n\n"
			       "Reads documents written by `c2c export json` (- reads standard input).\n"
			       "Each file is imported in one transaction: all of it or nothing. Records are\n"
			       "matched by slug; importing the same file twice changes nothing.\n");
			return 0;
		default: return cli_usage_error("import json", "unknown option");
		}
	}
	if (optind == argc)
		return cli_usage_error("import json", "name at least one FILE");
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	struct db *db = cli_acquire(st);
	int failed = 0;
	for (int i = optind; i < argc && db; i++) {
		json_error_t jerr;
		json_t *doc = strcmp(argv[i], "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
							: json_load_file(argv[i], JSON_REJECT_DUPLICATES, &jerr);
		if (!doc) {
			fprintf(stderr, "%s: not valid JSON: line %d, column %d: %s\n", argv[i], jerr.line, jerr.column, jerr.text);
			failed = 1;
			continue;
		}
		if (json_import_doc(db, doc, argv[i], stdout, stderr))
			failed = 1;
		json_decref(doc);
	}
	store_release(st, db);
	store_close(st);
	return failed || !db ? 1 : 0;
}
