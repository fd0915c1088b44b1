/* plan_view.h: everything a rendering of a U-CAP needs, gathered once.
 *
 * The renderers (page, Markdown, PDF) are pure functions of a "plan view": one JSON
 * object built here from a revision and the records it names, so that none of them
 * reads the database or merges facts on its own:
 *
 *   {"slug", "title", "revision", "current_revision", "saved_at", "author", "via", "message",
 *    "content": {... the revision, core/plan.h ...},
 *    "header": [{"label", "city", "counterparts"}, ...]   display strings: the plan's stated
 *              facts where it states them, else the city records' values, else "N/A";
 *    "cities": [{"slug", "name", "role": "city"|"counterpart", "native", "native_lang"}]:
 *              the city records named, "native" the name in Chinese, Japanese or Korean
 *              (language "native_lang") where the record has one,
 *    "cooperation": {"slug", "name"} or absent,
 *    "sdg_titles": {"3": "Good health and well-being", ...} for the SDGs the plan names} */
#ifndef C2C_PLAN_VIEW_H
#define C2C_PLAN_VIEW_H
#include "store/db.h"

#include <jansson.h>

/* Loads revision (0: the current one) of plan slug. Returns a store.h code: STORE_OK with
 * a new object in *view (caller decrefs), STORE_NOT_FOUND, or an error. Runs in the
 * caller's transaction. */
int plan_view_load(struct db *db, const char *slug, int revision, json_t **view);

/* The same from a plan document as store_plan_get returns it (not consumed). */
int plan_view_build(struct db *db, const json_t *doc, json_t **view);

#endif
