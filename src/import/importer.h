/* importer.h: what the importers (pairing pages, U-CAP summaries) share: messages
 * gathered in JSON lists of strings, the errors of a refused write, the names of a
 * taxonomy read from the database, and the lines of their reports. */
#ifndef C2C_IMPORTER_H
#define C2C_IMPORTER_H
#include "core/errors.h"
#include "core/entity.h"
#include "store/db.h"
#include "store/store.h"
#include "util/buf.h"

#include <jansson.h>
#include <stddef.h>

/* Appends a formatted message to list (a JSON array of strings). */
void import_msg(json_t *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends to list one message per error of errs, prefixed by what was being written
 * ("city nice: ..."); when errs is empty, the database's own message. */
void import_errors(json_t *list, struct db *db, const char *what, const struct errors *errs);

/* Bytes of s to quote in a message: at most max, cut at a character boundary. With
 * import_ellipsis(s, max) ("..." when s was cut, else "") as "%.*s%s". */
int import_clip(const char *s, size_t max);
const char *import_ellipsis(const char *s, size_t max);

/* The names of e's records (a taxonomy: topics, Urban Agenda partnerships), at most max,
 * as a NULL-terminated array; caller frees it with import_names_free(). NULL when the
 * database cannot be read. */
char **import_names(struct db *db, const struct entity *e, size_t max);
void import_names_free(char **names);

/* "created", "updated" or "unchanged". */
const char *import_outcome_word(enum put_outcome o);

/* One report line "  what: item" per string of list. */
void import_report_list(struct buf *report, const char *what, const json_t *list);

/* Imports one file's text (label names it in the report); 0, or non-zero when refused.
 * ctx is the importer's options. */
typedef int (*import_file_fn)(struct db *db, const char *label, const char *text, size_t len, struct buf *report,
			      const void *ctx);

/* Reads each of the n files (at most max bytes each) and imports it with fn, printing its
 * report on standard output, or on standard error when refused. Returns how many failed. */
int import_each_file(struct db *db, char **paths, int n, size_t max, import_file_fn fn, const void *ctx);

#endif
