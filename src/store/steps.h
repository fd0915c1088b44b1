/* steps.h: running statements for the store's files (records.c, plans.c, accounts.c):
 * db.h's codes mapped to store.h's, a statement stepped to its end, a text column
 * gathered. Private to src/store/. */
#ifndef C2C_STEPS_H
#define C2C_STEPS_H
#include "store/db.h"

#include <jansson.h>

/* A db.h code as a store.h one: DB_OK, DB_ROW and DB_DONE are STORE_OK, a failed
 * constraint STORE_INVALID, a lost database STORE_UNAVAILABLE, the rest STORE_ERROR. */
int steps_map(int db_rc);

/* Steps st to its end (reading no row) and returns it to the cache; a store.h code. */
int steps_finish(struct stmt *st);

/* Steps st to its end, gathering its first column as a new array of strings in *out
 * (caller decrefs); returns st to the cache. A store.h code; *out untouched on failure. */
int steps_text_column(struct stmt *st, json_t **out);

#endif
