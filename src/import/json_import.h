/* json_import.h: reading a c2c export document (c2c export json) back into a database. */
#ifndef C2C_JSON_IMPORT_H
#define C2C_JSON_IMPORT_H
#include "store/db.h"

#include <jansson.h>
#include <stdio.h>

/* Validates and stores every record of doc in one write transaction on db: all or
 * nothing. Writes one line per collection (created / updated / unchanged) to report and
 * every error, naming the record and field, to errout. Returns 0, or -1 when nothing was
 * stored. `source` names the document in messages. */
int json_import_doc(struct db *db, json_t *doc, const char *source, FILE *report, FILE *errout);

/* The export document of the whole directory; caller decrefs. NULL if the store failed. */
json_t *json_export_doc(struct db *db);

#endif
