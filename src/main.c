/* main.c: the c2c command line. One table lists the commands; `c2c help` prints it. */
#include "cmd/cli.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
} commands[] = {
	{"init", cmd_init, "init [--db FILE|URI] [--demo]", "create a database (with --demo: the IUC Asia demo data)"},
	{"serve", cmd_serve, "serve [--db FILE|URI] [--listen ADDR:PORT] [--threads N]", "serve the web pages and the JSON API"},
	{"import", cmd_import, "import KIND [--db FILE|URI] FILE...", "import pairing pages (pairing-page) or a c2c export (json)"},
	{"export", cmd_export, "export json [--db FILE|URI]", "print the whole directory as one JSON document"},
	{"audit", cmd_audit, "audit [--db FILE|URI] [--record KIND/SLUG] [--actor LOGIN]", "print the audit log of changes"},
	{"user", cmd_user, "user add|list|passwd|disable|enable|role [--db FILE|URI] ...", "manage accounts: c2c user --help"},
	{"token", cmd_token, "token create|list|revoke [--db FILE|URI] ...", "manage API tokens for scripts: c2c token --help"},
	{"report", cmd_report, "report ucap SLUG [--db FILE|URI] [--format md|html|pdf]", "a plan's summary, \"UCAP at a glance\""},
};

static void help(FILE *out)
{
	fprintf(out, "c2c: a system of record for city-to-city cooperation programmes\n\nusage:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  c2c %-58s %s\n", commands[i].usage, commands[i].summary);
	fprintf(out, "\nThe database defaults to ./%s; --db also takes a PostgreSQL URI.\n"
		     "Every command takes --help.\n", DEFAULT_DB);
}

int main(int argc, char **argv)
{
	xalloc_install_jansson();
	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("c2c %s\n", C2C_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "c2c: unknown command '%s'\n\n", argv[1]);
	help(stderr);
	return 2;
}
