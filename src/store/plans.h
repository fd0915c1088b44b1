/* plans.h: U-CAPs in the database: a plan row and its immutable revisions.
 *
 * The content of each revision is stored whole, as JSON text (core/plan.h describes it);
 * the plan row keeps what lists, permissions and references need: slug, title, the owning
 * city and cooperation, the current revision. plan_cities mirrors the current revision's
 * city and counterparts, so a city named by a plan cannot be deleted from under it.
 *
 * Writes run inside the caller's write transaction and are written to the audit log. */
#ifndef C2C_STORE_PLANS_H
#define C2C_STORE_PLANS_H
#include "store/store.h"

/* {"slug","title","city","cooperation","counterparts","revision","saved_at","author",
 * "message"} for each plan, by slug: a page of q (filters of entity_plan: city, which
 * matches the plan's own city and its counterparts, and cooperation); next and total as
 * store_list gives them. */
int store_plan_list(struct db *db, const struct list_query *q, json_t **out, char next[SLUG_MAX * 4 + 1],
		    long *total);

/* One revision (0: the current one) as {"slug","revision","current_revision","saved_at",
 * "author","via","message","content"}. STORE_NOT_FOUND when the plan or revision is not. */
int store_plan_get(struct db *db, const char *slug, int revision, json_t **out);

/* Every revision's metadata, newest first (no content). */
int store_plan_revisions(struct db *db, const char *slug, json_t **out);

/* A page of it: at most limit revisions numbered below before (0: from the current one),
 * newest first; *total is how many the plan has (revisions are numbered 1 to current). */
int store_plan_revision_page(struct db *db, const char *slug, int before, int limit, json_t **out, int *total);

/* Saves content as a new revision of plan slug (created when it does not exist).
 * content must be validated (plan_validate); references are checked here (unknown city,
 * cooperation, Urban Agenda name: STORE_INVALID with errs). base_revision is the revision
 * the writer started from: -1 accepts any, 0 requires that the plan does not exist yet;
 * any other value that is not the current revision returns STORE_CONFLICT. Content equal
 * to the current revision writes nothing (*outcome PUT_UNCHANGED). The author is the
 * connection's actor (db_set_actor). *revision: the number now current. */
#define STORE_CONFLICT (-5)
int store_plan_save(struct db *db, const char *slug, json_t *content, const char *message,
		    int base_revision, enum put_outcome *outcome, int *revision, struct errors *errs);

/* Deletes a plan and all its revisions (audited). */
int store_plan_delete(struct db *db, const char *slug);

/* Slugs of every plan, for export (a new array). */
int store_plan_slugs(struct db *db, json_t **out);

#endif
