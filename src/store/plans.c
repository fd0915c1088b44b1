/* plans.c: U-CAPs and their revisions in the database (see plans.h).
 *
 * A revision's content is stored as compact JSON text with sorted keys, so that the same
 * content is the same bytes on both backends and in exports. Everything a list or a
 * permission check needs is copied out of the current revision into the plans row and
 * plan_cities on every save. */
#include "store/plans.h"
#include "store/steps.h"
#include "core/plan.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12))

static int map_rc(int rc)
{
	return rc == DB_CONSTRAINT ? STORE_INVALID : rc == DB_UNAVAILABLE ? STORE_UNAVAILABLE : STORE_ERROR;
}

/* The plan's id and current revision; STORE_NOT_FOUND when there is no such plan. */
static int find_plan(struct db *db, const char *slug, int64_t *id, int *current)
{
	struct stmt *st = db_prepare(db, "SELECT id, current_revision FROM plans WHERE slug = ?");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, slug);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_column_int(st, 0);
		*current = (int)db_column_int(st, 1);
	}
	db_done(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : map_rc(rc);
}

static json_t *text_or_null(struct stmt *st, int col)
{
	return db_column_is_null(st, col) ? json_null() : json_string(db_column_text(st, col));
}

/* Revision columns, in this order, starting at col. */
#define REVISION_COLUMNS "r.number, r.saved_at, r.author, r.via, r.message"
static json_t *revision_meta(struct stmt *st, int col)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "revision", (json_int_t)db_column_int(st, col),
			 "saved_at", db_column_text(st, col + 1), "author", db_column_text(st, col + 2),
			 "via", db_column_text(st, col + 3), "message", db_column_text(st, col + 4));
}

/* The counterparts of the plan with this id, as an array of slugs in the plan's order. */
static int load_counterparts(struct db *db, int64_t id, json_t **out)
{
	struct stmt *st = db_prepare(db, "SELECT c.slug FROM plan_cities pc JOIN cities c ON c.id = pc.city_id"
				     " WHERE pc.plan_id = ? AND pc.role = 'counterpart' ORDER BY pc.position");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	return steps_text_column(st, out);
}

/* A list item from a row of (id, slug, title, city, cooperation, revision columns...). */
static json_t *list_item(struct stmt *st)
{
	json_t *item = json_pack("{s:s, s:s, s:o, s:o}", "slug", db_column_text(st, 1),
				 "title", db_column_text(st, 2), "city", text_or_null(st, 3),
				 "cooperation", text_or_null(st, 4));
	json_t *meta = revision_meta(st, 5);
	json_object_update(item, meta);
	json_decref(meta);
	return item;
}

#define LIST_WHERE " WHERE (CAST(? AS TEXT) IS NULL OR p.id IN (SELECT pc.plan_id FROM plan_cities pc" \
	" JOIN cities x ON x.id = pc.city_id WHERE x.slug = ?)) AND (CAST(? AS TEXT) IS NULL OR k.slug = ?)"
#define LIST_FROM " FROM plans p LEFT JOIN cities c ON c.id = p.city_id" \
	" LEFT JOIN cooperations k ON k.id = p.cooperation_id"

static void bind_list_filters(struct stmt *st, const struct list_query *q)
{
	for (int i = 0; i < 2; i++) {
		db_bind_text(st, 2 * i + 1, q->filter[i]);
		db_bind_text(st, 2 * i + 2, q->filter[i]);
	}
}

int store_plan_list(struct db *db, const struct list_query *q, json_t **out, char next[SLUG_MAX * 4 + 1],
		    long *total)
{
	struct stmt *st = db_prepare(db, "SELECT count(*)" LIST_FROM LIST_WHERE);
	if (!st)
		return STORE_ERROR;
	bind_list_filters(st, q);
	int rc = db_step(st);
	*total = rc == DB_ROW ? (long)db_column_int(st, 0) : 0;
	db_done(st);
	if (rc != DB_ROW)
		return map_rc(rc);
	st = db_prepare(db, "SELECT p.id, p.slug, p.title, c.slug, k.slug, " REVISION_COLUMNS LIST_FROM
			" JOIN plan_revisions r ON r.plan_id = p.id AND r.number = p.current_revision"
			LIST_WHERE " AND (CAST(? AS TEXT) IS NULL OR p.slug > ?) ORDER BY p.slug LIMIT ?");
	if (!st)
		return STORE_ERROR;
	bind_list_filters(st, q);
	db_bind_text(st, 5, q->cursor);
	db_bind_text(st, 6, q->cursor);
	db_bind_int(st, 7, q->limit + 1);   /* one more tells whether there is a next page */
	json_t *list = json_array();
	int64_t *ids = NULL;
	size_t n = 0;
	next[0] = '\0';
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == (size_t)q->limit) {
			snprintf(next, SLUG_MAX * 4 + 1, "%s", json_string_value(json_object_get(json_array_get(list, n - 1), "slug")));
			continue;
		}
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = db_column_int(st, 0);
		json_array_append_new(list, list_item(st));
	}
	db_done(st);
	rc = rc == DB_DONE ? STORE_OK : map_rc(rc);
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		json_t *counterparts;
		rc = load_counterparts(db, ids[i], &counterparts);
		if (rc == STORE_OK)
			json_object_set_new(json_array_get(list, i), "counterparts", counterparts);
	}
	free(ids);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return STORE_OK;
}

int store_plan_get(struct db *db, const char *slug, int revision, json_t **out)
{
	int64_t id;
	int current;
	int rc = find_plan(db, slug, &id, &current);
	if (rc)
		return rc;
	struct stmt *st = db_prepare(db, "SELECT r.content, " REVISION_COLUMNS
				     " FROM plan_revisions r WHERE r.plan_id = ? AND r.number = ?");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, revision > 0 ? revision : current);
	rc = db_step(st);
	if (rc == DB_ROW) {
		json_error_t jerr;
		json_t *content = json_loads(db_column_text(st, 0), 0, &jerr);
		json_t *doc = revision_meta(st, 1);
		json_object_set_new(doc, "slug", json_string(slug));
		json_object_set_new(doc, "current_revision", json_integer(current));
		json_object_set_new(doc, "content", content ? content : json_object());
		*out = doc;
	}
	db_done(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : map_rc(rc);
}

int store_plan_revision_page(struct db *db, const char *slug, int before, int limit, json_t **out, int *total)
{
	int64_t id;
	int current;
	int rc = find_plan(db, slug, &id, &current);
	if (rc)
		return rc;
	struct stmt *st = db_prepare(db, "SELECT " REVISION_COLUMNS " FROM plan_revisions r"
				     " WHERE r.plan_id = ? AND r.number < ? ORDER BY r.number DESC LIMIT ?");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, before > 0 ? before : (int64_t)current + 1);
	db_bind_int(st, 3, limit);
	json_t *list = json_array();
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(list, revision_meta(st, 0));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(list);
		return map_rc(rc);
	}
	*out = list;
	*total = current;
	return STORE_OK;
}

int store_plan_revisions(struct db *db, const char *slug, json_t **out)
{
	int total;
	return store_plan_revision_page(db, slug, 0, INT32_MAX, out, &total);
}

int store_plan_slugs(struct db *db, json_t **out)
{
	struct stmt *st = db_prepare(db, "SELECT slug FROM plans ORDER BY slug");
	if (!st)
		return STORE_ERROR;
	return steps_text_column(st, out);
}

/* The ids the content refers to, resolved; spellings fixed in content. */
struct plan_refs {
	int64_t city, cooperation;          /* 0 when not given */
	int64_t cities[PLAN_LIST_MAX + 1];  /* the city, then the counterparts */
	const char *roles[PLAN_LIST_MAX + 1];
	size_t ncities;
};

/* Resolves content[key] (a slug of e) to its id; 0 when absent. */
static int resolve_key(struct db *db, const struct entity *e, json_t *holder, const char *key,
		       const char *path, int64_t *id, struct errors *errs)
{
	const char *value = json_string_value(json_object_get(holder, key));
	*id = 0;
	if (!value)
		return STORE_OK;
	char canon[256];
	int rc = store_resolve(db, e, value, id, canon, sizeof canon);
	if (rc == STORE_NOT_FOUND) {
		errors_add(errs, path, "unknown_reference", "%s names no existing %s: %s", path, e->name, value);
		return STORE_INVALID;
	}
	if (rc == STORE_OK)
		json_object_set_new(holder, key, json_string(canon));
	return rc;
}

static int resolve_counterparts(struct db *db, json_t *content, struct plan_refs *refs, struct errors *errs)
{
	json_t *list = json_object_get(content, "counterparts");
	size_t i;
	json_t *v;
	int rc = STORE_OK;
	json_array_foreach(list, i, v) {
		if (refs->ncities > PLAN_LIST_MAX)
			break;
		char path[48];
		snprintf(path, sizeof path, "counterparts[%zu]", i);
		int64_t id;
		char canon[256];
		int r = store_resolve(db, &entity_city, json_string_value(v), &id, canon, sizeof canon);
		if (r == STORE_NOT_FOUND) {
			errors_add(errs, path, "unknown_reference", "%s names no existing city: %s", path, json_string_value(v));
			rc = STORE_INVALID;
			continue;
		}
		if (r)
			return r;
		json_array_set_new(list, i, json_string(canon));
		for (size_t k = 0; k < refs->ncities; k++)
			if (refs->cities[k] == id) {
				errors_add(errs, path, "duplicate", "%s names %s a second time", path, canon);
				rc = STORE_INVALID;
			}
		refs->roles[refs->ncities] = "counterpart";
		refs->cities[refs->ncities++] = id;
	}
	return rc;
}

/* Urban Agenda partnerships are named, as in cooperations; the stored spelling wins. */
static int resolve_urban_agenda(struct db *db, json_t *content, struct errors *errs)
{
	json_t *list = json_object_get(content, "urban_agenda");
	size_t i;
	json_t *v;
	int rc = STORE_OK;
	json_array_foreach(list, i, v) {
		char path[48], canon[256];
		int64_t id;
		snprintf(path, sizeof path, "urban_agenda[%zu]", i);
		int r = store_resolve(db, &entity_urban_agenda, json_string_value(v), &id, canon, sizeof canon);
		if (r == STORE_NOT_FOUND) {
			errors_add(errs, path, "unknown_reference", "%s names no Urban Agenda partnership: %s",
				   path, json_string_value(v));
			rc = STORE_INVALID;
		} else if (r) {
			return r;
		} else {
			json_array_set_new(list, i, json_string(canon));
		}
	}
	return rc;
}

static int resolve_refs(struct db *db, json_t *content, struct plan_refs *refs, struct errors *errs)
{
	memset(refs, 0, sizeof *refs);
	int rc = resolve_key(db, &entity_city, content, "city", "city", &refs->city, errs);
	int r = resolve_key(db, &entity_cooperation, content, "cooperation", "cooperation", &refs->cooperation, errs);
	if (r && (!rc || r != STORE_INVALID))
		rc = r;
	if (refs->city) {
		refs->roles[0] = "city";
		refs->cities[refs->ncities++] = refs->city;
	}
	if (rc >= 0 || rc == STORE_INVALID)
		if ((r = resolve_counterparts(db, content, refs, errs)) && (!rc || r != STORE_INVALID))
			rc = r;
	if (rc >= 0 || rc == STORE_INVALID)
		if ((r = resolve_urban_agenda(db, content, errs)) && (!rc || r != STORE_INVALID))
			rc = r;
	return rc;
}

static void now_iso(char at[32])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(at, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Writes the plans row (new when *id is 0) and its city rows for revision number. */
static int write_plan_row(struct db *db, const char *slug, const json_t *content, const struct plan_refs *refs,
			  int number, int64_t *id)
{
	struct stmt *st = db_prepare(db, *id ? "UPDATE plans SET title = ?, city_id = ?, cooperation_id = ?,"
				     " current_revision = ? WHERE id = ? RETURNING id"
				     : "INSERT INTO plans (title, city_id, cooperation_id, current_revision, slug)"
				     " VALUES (?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, json_string_value(json_object_get(content, "title")));
	refs->city ? db_bind_int(st, 2, refs->city) : db_bind_null(st, 2);
	refs->cooperation ? db_bind_int(st, 3, refs->cooperation) : db_bind_null(st, 3);
	db_bind_int(st, 4, number);
	*id ? db_bind_int(st, 5, *id) : db_bind_text(st, 5, slug);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_column_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? STORE_ERROR : map_rc(rc);
	st = db_prepare(db, "DELETE FROM plan_cities WHERE plan_id = ?");
	if (!st || (db_bind_int(st, 1, *id), rc = steps_finish(st)))
		return st ? rc : STORE_ERROR;
	for (size_t i = 0; i < refs->ncities; i++) {
		st = db_prepare(db, "INSERT INTO plan_cities (plan_id, position, city_id, role) VALUES (?, ?, ?, ?)");
		if (!st)
			return STORE_ERROR;
		db_bind_int(st, 1, *id);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_int(st, 3, refs->cities[i]);
		db_bind_text(st, 4, refs->roles[i]);
		if ((rc = steps_finish(st)))
			return rc;
	}
	return STORE_OK;
}

static int write_revision(struct db *db, int64_t id, int number, const char *message, const json_t *content)
{
	char at[32];
	now_iso(at);
	char *text = json_dumps(content, DUMP_FLAGS);
	struct stmt *st = db_prepare(db, "INSERT INTO plan_revisions (plan_id, number, saved_at, author, via, message, content)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?)");
	int rc = STORE_ERROR;
	if (st && text) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, number);
		db_bind_text(st, 3, at);
		db_bind_text(st, 4, db_actor(db));
		db_bind_text(st, 5, db_via(db));
		db_bind_text(st, 6, message);
		db_bind_text(st, 7, text);
		rc = steps_finish(st);
	} else if (st) {
		db_done(st);
	}
	free(text);
	return rc;
}

/* The audit row of a save: which revision, with what message, and which sections changed
 * (the revisions themselves hold the content, so it is not copied here). */
static int audit_save(struct db *db, const char *slug, int before, int after, const char *message,
		      const json_t *old, const json_t *content)
{
	json_t *changed = json_array();
	for (const struct plan_section *s = plan_sections; s->key; s++) {
		char *a = old ? plan_section_text(old, s) : xstrdup("");
		char *b = plan_section_text(content, s);
		if (strcmp(a, b) != 0)
			json_array_append_new(changed, json_string(s->key));
		free(a);
		free(b);
	}
	json_t *changes = json_pack("{s:{s:o, s:i}, s:{s:s}, s:{s:o}}",
				    "revision", "before", before ? json_integer(before) : json_null(), "after", after,
				    "message", "after", message, "sections", "after", changed);
	int rc = store_audit_write(db, "plan", slug, before ? "update" : "create", changes);
	json_decref(changes);
	return rc;
}

/* The current content of plan id (revision current); NULL on error. */
static json_t *current_content(struct db *db, const char *slug)
{
	json_t *doc = NULL;
	if (store_plan_get(db, slug, 0, &doc))
		return NULL;
	json_t *content = json_incref(json_object_get(doc, "content"));
	json_decref(doc);
	return content;
}

int store_plan_save(struct db *db, const char *slug, json_t *content, const char *message,
		    int base_revision, enum put_outcome *outcome, int *revision, struct errors *errs)
{
	int64_t id = 0;
	int current = 0;
	int rc = find_plan(db, slug, &id, &current);
	if (rc < 0)
		return rc;
	if (rc == STORE_NOT_FOUND)
		current = 0;
	if (base_revision >= 0 && base_revision != current)
		return STORE_CONFLICT;
	struct plan_refs refs;
	if ((rc = resolve_refs(db, content, &refs, errs)))
		return rc;
	json_t *old = current ? current_content(db, slug) : NULL;
	if (current && !old)
		return STORE_ERROR;
	*revision = current;
	*outcome = PUT_UNCHANGED;
	if (old && json_equal(old, content)) {
		json_decref(old);
		return STORE_OK;
	}
	int number = current + 1;
	rc = write_plan_row(db, slug, content, &refs, number, &id);
	if (!rc)
		rc = write_revision(db, id, number, message, content);
	if (!rc)
		rc = store_bump_data_version(db);
	if (!rc)
		rc = audit_save(db, slug, current, number, message, old, content);
	json_decref(old);
	if (rc == STORE_INVALID && errs->n == 0)
		errors_add(errs, "", "conflict", "the plan %s conflicts with a stored record (%s)", slug, db_errmsg(db));
	if (!rc) {
		*revision = number;
		*outcome = current ? PUT_UPDATED : PUT_CREATED;
	}
	return rc;
}

int store_plan_delete(struct db *db, const char *slug)
{
	int64_t id;
	int current;
	int rc = find_plan(db, slug, &id, &current);
	if (rc)
		return rc;
	struct stmt *st = db_prepare(db, "DELETE FROM plans WHERE id = ?");
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	rc = steps_finish(st);
	if (!rc)
		rc = store_bump_data_version(db);
	if (!rc) {
		json_t *changes = json_pack("{s:{s:i}}", "revision", "before", current);
		rc = store_audit_write(db, "plan", slug, "delete", changes);
		json_decref(changes);
	}
	return rc;
}
