/* audit.c: `c2c audit`: the audit log on the terminal, newest first. */
#include "cmd/cli.h"
#include "core/entity.h"
#include "core/login.h"
#include "util/str.h"

#include <getopt.h>
#include <string.h>

/* A value as compact JSON, numbers as short as they are stored exactly ("43.7", not
 * "43.700000000000003"); NULL for none. Caller frees. */
static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
}

/* "population 540000 -> 1; name "A" -> "B"" for one entry. */
static void print_changes(json_t *changes)
{
	const char *field;
	json_t *c;
	int first = 1;
	json_object_foreach(changes, field, c) {
		char *before = dump(json_object_get(c, "before")), *after = dump(json_object_get(c, "after"));
		printf("%s%s %s%s%s", first ? "" : "; ", field, before ? before : "", before && after ? " -> " : "",
		       after ? after : "");
		free(before);
		free(after);
		first = 0;
	}
}

static int usage(void)
{
	printf("usage: c2c audit [--db FILE|URI] [--record KIND/KEY] [--actor LOGIN]\n"
	       "                 [--from DATE] [--until DATE] [--limit N] [--json]\n\n"
	       "Prints the audit log, newest first: when, who, through what (web, api, cli),\n"
	       "which record, and the fields before and after. KIND is city, cooperation or\n"
	       "programme (KEY its slug), user (KEY the login) or token (KEY its id, as token\n"
	       "list shows it); dates are YYYY-MM-DD (until is exclusive).\n");
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'}, {"record", required_argument, NULL, 'r'},
		{"actor", required_argument, NULL, 'a'}, {"from", required_argument, NULL, 'f'},
		{"until", required_argument, NULL, 'u'}, {"limit", required_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *target = DEFAULT_DB;
	struct audit_query q = {.limit = 100};
	char kind[32] = "", key[LOGIN_MAX + 1] = "";
	int as_json = 0, c;
	long long n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': target = optarg; break;
		case 'a': q.actor = optarg; break;
		case 'f': q.from = optarg; break;
		case 'u': q.until = optarg; break;
		case 'j': as_json = 1; break;
		case 'r': {
			/* Keys are slugs, logins or token ids: the login rule takes all three. */
			const char *slash = strchr(optarg, '/');
			char msg[160];
			if (!slash || slash == optarg || (size_t)(slash - optarg) >= sizeof kind ||
			    login_name_normalise(slash + 1, key, msg, sizeof msg))
				return cli_usage_error("audit", "--record must be KIND/KEY, e.g. city/nice, user/marie or token/3");
			snprintf(kind, sizeof kind, "%.*s", (int)(slash - optarg), optarg);
			q.entity = kind;
			q.record = key;
			break;
		}
		case 'l':
			if (parse_int(optarg, 1, 10000, &n))
				return cli_usage_error("audit", "--limit must be a whole number between 1 and 10000");
			q.limit = (int)n;
			break;
		case 'h': return usage();
		default: return cli_usage_error("audit", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("audit", "unexpected argument %s", argv[optind]);
	struct errors errs;
	errors_init(&errs);
	if (store_audit_query_check(&q, &errs))
		return cli_usage_error("audit", "--%s", errs.e[0].message);
	struct store *st = cli_open_store(target, 0);
	if (!st)
		return 1;
	struct db *db = store_acquire(st);
	json_t *rows = NULL;
	int rc = db ? store_audit_list(db, &q, &rows) : STORE_UNAVAILABLE;
	store_release(st, db);
	store_close(st);
	if (rc) {
		fprintf(stderr, "c2c audit: the database could not be read\n");
		return 1;
	}
	if (as_json) {
		json_dumpf(rows, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		putchar('\n');
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (as_json)
			break;
		printf("%s %s %s %s %s/%s: ", json_string_value(json_object_get(row, "at")),
		       json_string_value(json_object_get(row, "actor")), json_string_value(json_object_get(row, "via")),
		       json_string_value(json_object_get(row, "action")), json_string_value(json_object_get(row, "entity")),
		       json_string_value(json_object_get(row, "record")));
		print_changes(json_object_get(row, "changes"));
		putchar('\n');
	}
	json_decref(rows);
	return 0;
}
