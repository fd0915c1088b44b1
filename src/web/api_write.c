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
#include "web/record_write.h"
#include "web/reply.h"
#include "web/route.h"

#include <stdio.h>
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

/* The answer to a failed record_write or record_remove. */
static int write_failure(struct req *r, int status, const char *verb, const struct errors *errs)
{
	if (status == 403)
		return forbidden(r, verb);
	if ((status == 422 || status == 409) && errs->n)
		return reply_errors(r, status, errs);
	if (status == 404)
		return reply_error(r, 404, "not_found", NULL, "there is no %s %s", r->route->entity->name, r->slug);
	return reply_store_error(r, status == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
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
	json_t *in = api_json_body(r);
	if (!in)
		return r->status;
	struct errors errs;
	errors_init(&errs);
	char key[SLUG_MAX * 4 + 1];
	int status = record_write(r, e, NULL, in, key, sizeof key, &errs);
	json_decref(in);
	if (status)
		return write_failure(r, status, "create", &errs);
	char location[256];
	snprintf(location, sizeof location, "%s/%s", r->route->pattern, key);
	r->location = arena_strdup(&r->arena, location);
	return reply_record(r, 201, key);
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
	json_t *merged = json_deep_copy(old);
	json_object_update(merged, patch);
	json_decref(patch);
	struct errors errs;
	errors_init(&errs);
	const char *key = record_str(merged, e->key);
	char saved[SLUG_MAX * 4 + 1];
	int status = 422;
	if (!key || strcmp(key, r->slug) != 0)
		errors_add(&errs, e->key, "invalid_field", "%s cannot be changed", e->key);
	else
		status = record_write(r, e, old, merged, saved, sizeof saved, &errs);
	json_decref(merged);
	json_decref(old);
	if (status)   /* 403 here: the change would give the record away */
		return write_failure(r, status, "give away", &errs);
	return reply_record(r, 200, r->slug);
}

int api_delete(struct req *r)
{
	json_t *old = current_record(r, ACT_DELETE, "delete");
	if (!old)
		return r->status;
	struct errors errs;
	errors_init(&errs);
	int status = record_remove(r, r->route->entity, old, &errs);
	json_decref(old);
	if (status)
		return write_failure(r, status, "delete", &errs);
	r->no_etag = 1;
	buf_reset(&r->body);
	return reply_body(r, 204, NULL);
}
