/* importer.c: what the importers share; see importer.h. */
#include "import/importer.h"
#include "cmd/cli.h"
#include "core/record.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void import_msg(json_t *list, const char *fmt, ...)
{
	struct buf b = BUF_INIT(8192);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(buf_str(&b)));
	buf_free(&b);
}

void import_errors(json_t *list, struct db *db, const char *what, const struct errors *errs)
{
	for (int i = 0; i < errs->n; i++)
		import_msg(list, "%s: %s", what, errs->e[i].message);
	if (errs->dropped)
		import_msg(list, "%s: %d more errors", what, errs->dropped);
	if (errs->n == 0 && errs->dropped == 0)
		import_msg(list, "%s: the database refused the write: %s", what, db_errmsg(db));
}

int import_clip(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

const char *import_ellipsis(const char *s, size_t max)
{
	return strlen(s) > max ? "..." : "";
}

void import_names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

char **import_names(struct db *db, const struct entity *e, size_t max)
{
	char **names = xcalloc(max + 1, sizeof *names);
	char cursor[SLUG_MAX * 4 + 1] = "";
	size_t n = 0;
	do {
		struct list_query q = {.limit = LIST_LIMIT_MAX, .cursor = *cursor ? cursor : NULL};
		json_t *items = NULL;
		char next[SLUG_MAX * 4 + 1] = "";
		long total;
		if (store_list(db, e, &q, &items, next, &total) != STORE_OK) {
			import_names_free(names);
			return NULL;
		}
		for (size_t i = 0; i < json_array_size(items) && n < max; i++)
			names[n++] = xstrdup(record_str(json_array_get(items, i), "name"));
		json_decref(items);
		snprintf(cursor, sizeof cursor, "%s", next);
	} while (*cursor && n < max);
	return names;
}

const char *import_outcome_word(enum put_outcome o)
{
	return o == PUT_CREATED ? "created" : o == PUT_UPDATED ? "updated" : "unchanged";
}

void import_report_list(struct buf *report, const char *what, const json_t *list)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		buf_printf(report, "  %s: %s\n", what, json_string_value(json_array_get(list, i)));
}

int import_each_file(struct db *db, char **paths, int n, size_t max, import_file_fn fn, const void *ctx)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		size_t len;
		char *text = cli_read_file(paths[i], max, &len);
		if (!text) {
			failed++;
			continue;
		}
		struct buf report = BUF_INIT(1 << 22);
		int rc = fn(db, paths[i], text, len, &report, ctx);
		fputs(buf_str(&report), rc ? stderr : stdout);
		failed += rc != 0;
		buf_free(&report);
		free(text);
	}
	return failed;
}
