/* api_write.c: the JSON API's writes, for every kind of record from its descriptor:
 *   POST   /api/v1/{kind}          create        201, Location, ETag
 *   PATCH  /api/v1/{kind}/{slug}   change fields 200, ETag      (If-Match required)
 *   DELETE /api/v1/{kind}/{slug}   delete        204            (If-Match required)
 *
 * The dispatcher has already checked that the user is signed in, that their role may do
 * this kind of write at all, and the CSRF token; it runs the handler in a write
 * transaction that it commits only when the answer is a success, so an error here changes
 * nothing. What is checked here: the body, the record's rules, the user's ownership of
 * this record (before and after the change), and that the client saw the current version.
 */
#include "core/record.h"
#include "web/api.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>
#include <strings.h>

#define ETAG_HINT "send If-Match with the ETag of the record as you last read it (GET)"

json_t *api_json_body(struct req *r)
{
	const char *type = req_header(r, "Content-Type");
	if (!type || strncasecmp(type, "application/json", 16) != 0 || (type[16] && type[16] != ';')) {
		reply_error(r, 415, "unsupported_media_type", NULL, "the body must be JSON, sent as Content-Type: application/json");
		return NULL;
	}
	json_error_t jerr;
	json_t *doc = r->body_in ? json_loadb(r->body_in, r->body_in_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!doc) {
		reply_error(r, 400, "invalid_json", NULL, "the body is not valid JSON: line %d, column %d: %s",
			    r->body_in ? jerr.line : 0, r->body_in ? jerr.column : 0, r->body_in ? jerr.text : "empty body");
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		reply_error(r, 422, "invalid_record", NULL, "the body must be a JSON object of fields");
		return NULL;
	}
	return doc;
}

static int forbidden(struct req *r, const char *what)
{
	return reply_error(r, 403, "forbidden", NULL, "your account may not %s this %s", what, r->route->entity->name);
}

static int store_failure(struct req *r, int rc, const struct errors *errs)
{
	if (rc == STORE_INVALID && errs->n)
		return reply_errors(r, errs->e[0].code && strcmp(errs->e[0].code, "conflict") == 0 ? 409 : 422, errs);
	return reply_store_error(r, rc);
}

/* Answers with the stored record and its ETag (the one GET gives). */
static int reply_record(struct req *r, int status, const char *key)
{
	json_t *rec;
	int rc = store_get(r->db, r->route->entity, key, &rec);
	if (rc)
		return reply_store_error(r, rc);
	reply_item_etag(rec, r->etag);
	return reply_json(r, status, rec);
}

int api_create(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *in = api_json_body(r), *rec;
	if (!in)
		return r->status;
	struct errors errs;
	errors_init(&errs);
	int rc = store_validate(r->db, e, in, &rec, &errs);
	json_decref(in);
	if (rc)
		return store_failure(r, rc, &errs);
	if (!permission_allows(&r->user, ACT_CREATE, e, rec)) {
		json_decref(rec);
		return forbidden(r, "create");
	}
	const char *key = record_str(rec, e->key);
	json_t *existing = NULL;
	if (store_get(r->db, e, key, &existing) == STORE_OK) {
		int status = reply_error(r, 409, "exists", e->key, "a %s with %s %s exists already", e->name, e->key, key);
		json_decref(existing);
		json_decref(rec);   /* last: key points into it */
		return status;
	}
	char location[256];
	snprintf(location, sizeof location, "%s/%s", r->route->pattern, key);
	enum put_outcome outcome;
	rc = store_put(r->db, e, rec, &outcome, &errs);
	json_decref(rec);
	if (rc)
		return store_failure(r, rc, &errs);
	r->location = arena_strdup(&r->arena, location);
	return reply_record(r, 201, strrchr(location, '/') + 1);
}

/* Loads the record of the URL and checks If-Match and the user's right to `action` it.
 * Returns the record, or NULL after replying. */
static json_t *current_record(struct req *r, enum action action, const char *verb)
{
	const char *if_match = req_if_match(r);
	if (!if_match) {
		reply_error(r, 428, "precondition_required", NULL, "%s", ETAG_HINT);
		return NULL;
	}
	json_t *old = reply_route_record(r);
	if (!old)
		return NULL;
	if (!permission_allows(&r->user, action, r->route->entity, old)) {
		json_decref(old);
		forbidden(r, verb);
		return NULL;
	}
	char etag[40];
	reply_item_etag(old, etag);
	if (!http_etag_matches(if_match, etag)) {
		json_decref(old);
		memcpy(r->etag, etag, sizeof etag);   /* the current version, to fetch again */
		reply_error(r, 412, "stale", NULL, "the %s changed since you read it; read it again and "
			    "reapply your change", r->route->entity->name);
		return NULL;
	}
	return old;
}

int api_update(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *patch = api_json_body(r);
	if (!patch)
		return r->status;
	json_t *old = current_record(r, ACT_UPDATE, "change");
	if (!old) {
		json_decref(patch);
		return r->status;
	}
	json_t *merged = json_deep_copy(old), *rec;
	json_object_update(merged, patch);
	json_decref(patch);
	struct errors errs;
	errors_init(&errs);
	const char *key = record_str(merged, e->key);
	if (!key || strcmp(key, r->slug) != 0)
		errors_add(&errs, e->key, "invalid_field", "%s cannot be changed", e->key);
	int rc = errs.n ? STORE_INVALID : store_validate(r->db, e, merged, &rec, &errs);
	json_decref(merged);
	json_decref(old);
	if (rc)
		return store_failure(r, rc, &errs);
	if (!permission_allows(&r->user, ACT_UPDATE, e, rec)) {   /* it must stay theirs */
		json_decref(rec);
		return forbidden(r, "give away");
	}
	enum put_outcome outcome;
	rc = store_put(r->db, e, rec, &outcome, &errs);
	json_decref(rec);
	if (rc)
		return store_failure(r, rc, &errs);
	return reply_record(r, 200, r->slug);
}

int api_delete(struct req *r)
{
	json_t *old = current_record(r, ACT_DELETE, "delete");
	if (!old)
		return r->status;
	json_decref(old);
	struct errors errs;
	errors_init(&errs);
	int rc = store_delete(r->db, r->route->entity, r->slug, &errs);
	if (rc)
		return store_failure(r, rc, &errs);
	r->no_etag = 1;
	buf_reset(&r->body);
	return reply_body(r, 204, NULL);
}
