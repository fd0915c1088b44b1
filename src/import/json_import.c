/* json_import.c: the c2c export format, both ways. An export lists each kind of record
 * in dependency order (entities.c), so an import can store them in that order inside one
 * transaction; importing an export into an empty database and exporting again gives the
 * same document. */
#include "import/json_import.h"
#include "core/record.h"
#include "core/plan.h"
#include "store/plans.h"
#include "store/store.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_FORMAT "c2c-export"
#define EXPORT_VERSION 1

static int exported(const struct entity *e)
{
	return !(e->flags & ENT_TAXONOMY);   /* taxonomies come with the schema */
}

static int import_collection(struct db *db, const struct entity *e, json_t *list, const char *source,
			     FILE *report, FILE *errout)
{
	int counts[3] = {0, 0, 0}, failed = 0;
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		struct errors errs;
		errors_init(&errs);
		json_t *rec;
		enum put_outcome outcome;
		int stored = 0, rc = record_validate(e, item, &rec, &errs);
		if (rc == 0) {
			rc = store_put(db, e, rec, &outcome, &errs);
			stored = 1;
			json_decref(rec);
		}
		if (rc == 0) {
			counts[outcome]++;
			continue;
		}
		failed = 1;
		const char *key = json_string_value(json_object_get(item, e->key));
		for (int k = 0; k < errs.n; k++)
			fprintf(errout, "%s: %s[%zu]%s%s%s: %s\n", source, e->plural, i, key ? " (" : "",
				key ? key : "", key ? ")" : "", errs.e[k].message);
		if (errs.n == 0)
			fprintf(errout, "%s: %s[%zu]: the database refused it\n", source, e->plural, i);
		/* Validation errors are all worth listing; after the database refused a write,
		 * PostgreSQL refuses everything else in the transaction, so stop there. */
		if (stored)
			break;
	}
	if (!failed && json_array_size(list))
		fprintf(report, "%s: %s: %d created, %d updated, %d unchanged\n", source, e->plural,
			counts[PUT_CREATED], counts[PUT_UPDATED], counts[PUT_UNCHANGED]);
	return failed ? -1 : 0;
}

static int check_envelope(json_t *doc, const char *source, FILE *errout)
{
	if (!json_is_object(doc)) {
		fprintf(errout, "%s: not a c2c export: the document must be a JSON object\n", source);
		return -1;
	}
	const char *format = json_string_value(json_object_get(doc, "format"));
	json_t *version = json_object_get(doc, "version");
	if (!format || strcmp(format, EXPORT_FORMAT) != 0 || !json_is_integer(version)) {
		fprintf(errout, "%s: not a c2c export: \"format\" must be \"%s\" with a \"version\"\n", source, EXPORT_FORMAT);
		return -1;
	}
	if (json_integer_value(version) != EXPORT_VERSION) {
		fprintf(errout, "%s: export version %lld is not supported (this c2c reads version %d)\n", source,
			(long long)json_integer_value(version), EXPORT_VERSION);
		return -1;
	}
	const char *key;
	json_t *value;
	json_object_foreach(doc, key, value) {
		if (strcmp(key, "format") == 0 || strcmp(key, "version") == 0)
			continue;
		const struct entity *e = entity_by_plural(key);
		if (strcmp(key, "plans") != 0 && (!e || !exported(e))) {
			fprintf(errout, "%s: unknown collection \"%s\"\n", source, key);
			return -1;
		}
		if (!json_is_array(value)) {
			fprintf(errout, "%s: \"%s\" must be a list\n", source, key);
			return -1;
		}
	}
	return 0;
}

/* One revision of an exported plan: validated, then saved unless equal to the current. */
static int import_revision(struct db *db, const char *slug, json_t *rev, const char *source, int *counts,
			   FILE *errout)
{
	struct errors errs;
	errors_init(&errs);
	json_t *content;
	const char *message = json_string_value(json_object_get(rev, "message"));
	char fallback[300];
	snprintf(fallback, sizeof fallback, "imported from %s", source);
	if (plan_validate(json_object_get(rev, "content"), &content, &errs)) {
		char *text = errors_text(&errs);
		fprintf(errout, "%s: plan %s: %s", source, slug, text);
		free(text);
		return -1;
	}
	enum put_outcome outcome;
	int revision;
	int rc = store_plan_save(db, slug, content, message && *message ? message : fallback, -1, &outcome,
				 &revision, &errs);
	json_decref(content);
	if (rc) {
		char *text = errors_text(&errs);
		fprintf(errout, "%s: plan %s: %s", source, slug, errs.n ? text : "the database refused it\n");
		free(text);
		return -1;
	}
	counts[outcome]++;
	return 0;
}

/* "plans": [{"slug", "revisions": [{"message", "content"}, ...]}]: each revision saved in
 * order, so that a data set (the demo) can carry a plan's history. */
static int import_plans(struct db *db, json_t *plans, const char *source, FILE *report, FILE *errout)
{
	int counts[3] = {0, 0, 0};
	size_t i, k;
	json_t *plan, *rev;
	json_array_foreach(plans, i, plan) {
		const char *slug = json_string_value(json_object_get(plan, "slug"));
		json_t *revs = json_object_get(plan, "revisions");
		if (!slug || !is_slug(slug) || !json_array_size(revs)) {
			fprintf(errout, "%s: plans[%zu] needs a slug and a list of revisions\n", source, i);
			return -1;
		}
		/* A plan that exists already gets only the last revision (nothing when it is the
		 * current one), so importing the same file twice adds no history. */
		json_t *exists = NULL;
		int rc = store_plan_get(db, slug, 0, &exists);
		json_decref(exists);
		if (rc < 0) {
			fprintf(errout, "%s: plan %s: the database could not be read\n", source, slug);
			return -1;
		}
		json_array_foreach(revs, k, rev)
			if ((rc == STORE_NOT_FOUND || k + 1 == json_array_size(revs)) &&
			    import_revision(db, slug, rev, source, counts, errout))
				return -1;
	}
	fprintf(report, "%s: plans: %zu plans; %d revisions saved, %d unchanged\n", source, json_array_size(plans),
		counts[PUT_CREATED] + counts[PUT_UPDATED], counts[PUT_UNCHANGED]);
	return 0;
}

/* Every plan's current revision, in the shape import_plans() reads. */
static json_t *export_plans(struct db *db)
{
	json_t *slugs, *out = json_array();
	if (store_plan_slugs(db, &slugs)) {
		json_decref(out);
		return NULL;
	}
	size_t i;
	json_t *slug;
	json_array_foreach(slugs, i, slug) {
		json_t *doc;
		if (store_plan_get(db, json_string_value(slug), 0, &doc)) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, json_pack("{s:O, s:[{s:O, s:O}]}", "slug", slug, "revisions",
						     "message", json_object_get(doc, "message"), "content", json_object_get(doc, "content")));
		json_decref(doc);
	}
	json_decref(slugs);
	return out;
}

int json_import_doc(struct db *db, json_t *doc, const char *source, FILE *report, FILE *errout)
{
	if (check_envelope(doc, source, errout))
		return -1;
	if (db_begin_write(db) != DB_OK) {
		fprintf(errout, "%s: cannot start a transaction: %s\n", source, db_errmsg(db));
		return -1;
	}
	/* The report says what was stored, so it is printed only once the commit succeeded. */
	char *done = NULL;
	size_t done_len = 0;
	FILE *pending = open_memstream(&done, &done_len);
	if (!pending) {
		db_rollback(db);
		fprintf(errout, "%s: out of memory\n", source);
		return -1;
	}
	int failed = 0;
	for (const struct entity *const *e = entities; *e && !failed; e++) {
		json_t *list = json_object_get(doc, (*e)->plural);
		if (list && import_collection(db, *e, list, source, pending, errout))
			failed = 1;   /* later collections may refer to what failed: stop here */
	}
	json_t *plans = json_object_get(doc, "plans");
	if (!failed && plans && import_plans(db, plans, source, pending, errout))
		failed = 1;
	fclose(pending);
	if (failed || db_commit(db) != DB_OK) {
		db_rollback(db);
		fprintf(errout, "%s: nothing was imported\n", source);
		free(done);
		return -1;
	}
	fputs(done, report);
	free(done);
	return 0;
}

json_t *json_export_doc(struct db *db)
{
	json_t *doc = json_pack("{s:s, s:i}", "format", EXPORT_FORMAT, "version", EXPORT_VERSION);
	for (const struct entity *const *e = entities; *e; e++) {
		if (!exported(*e))
			continue;
		json_t *all = json_array();
		struct list_query q = {.limit = LIST_LIMIT_MAX};
		char next[SLUG_MAX * 4 + 1], cursor[SLUG_MAX * 4 + 1];
		for (;;) {
			json_t *items;
			long total;
			if (store_list(db, *e, &q, &items, next, &total)) {
				json_decref(all);
				json_decref(doc);
				return NULL;
			}
			json_array_extend(all, items);
			json_decref(items);
			if (!*next)
				break;
			memcpy(cursor, next, sizeof cursor);
			q.cursor = cursor;
		}
		json_object_set_new(doc, (*e)->plural, all);
	}
	json_t *plans = export_plans(db);
	if (!plans) {
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(doc, "plans", plans);
	return doc;
}
