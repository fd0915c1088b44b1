/* steps.c: running statements for the store's files; see steps.h. */
#include "store/steps.h"
#include "store/store.h"

int steps_map(int db_rc)
{
	switch (db_rc) {
	case DB_OK: case DB_ROW: case DB_DONE: return STORE_OK;
	case DB_CONSTRAINT: return STORE_INVALID;
	case DB_UNAVAILABLE: return STORE_UNAVAILABLE;
	default: return STORE_ERROR;
	}
}

int steps_finish(struct stmt *st)
{
	int rc = db_step(st);
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	return steps_map(rc);
}

int steps_text_column(struct stmt *st, json_t **out)
{
	json_t *list = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(list, json_string(db_column_text(st, 0)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(list);
		return steps_map(rc);
	}
	*out = list;
	return STORE_OK;
}
