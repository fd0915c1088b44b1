/* api_plan.c: U-CAPs in the JSON API.
 *   GET    /api/v1/plans[?city=&cooperation=]        the plans, with their current revision
 *   GET    /api/v1/plans/{slug}                        the current revision, with ETag
 *   PUT    /api/v1/plans/{slug}                        {"content": {...}, "message": "..."}:
 *                                                      a new revision (If-Match unless new)
 *   DELETE /api/v1/plans/{slug}                        the plan and its revisions (If-Match)
 *   GET    /api/v1/plans/{slug}/revisions[/{n}]        revision metadata; one revision
 *   GET    /api/v1/plans/{slug}/diff?from=&to=         section-by-section word diff
 *   POST   /api/v1/plans/{slug}/revisions/{n}/restore  revision n's content as a new one
 * The dispatcher has checked sign-in, role and CSRF and runs writes in a transaction it
 * commits only on success; here: the body, ownership, and the version the client saw. */
#include "core/plan.h"
#include "store/plans.h"
#include "util/str.h"
#include "web/api.h"
#include "web/plan_write.h"
#include "web/reply.h"
#include "web/route.h"

#include <stdio.h>
#include <string.h>

#define ETAG_HINT "send If-Match with the ETag of the plan as you last read it (GET)"

/* Query parameters of a route that takes only the named ones, each a slug (or a number
 * from 1 when numeric); 400/422 for anything else. */
static int check_args(struct req *r, const char *const *names, int numeric)
{
	for (int i = 0; i < r->nargs; i++) {
		const char *name = r->args[i].name, *v = r->args[i].value;
		int known = 0;
		for (const char *const *n = names; *n; n++)
			known |= strcmp(*n, name) == 0;
		if (!known)
			return reply_error(r, 400, "unknown_parameter", name, "unknown parameter %s", name);
		for (int k = 0; k < i; k++)
			if (strcmp(r->args[k].name, name) == 0)
				return reply_error(r, 400, "duplicate_parameter", name, "parameter %s is given more than once", name);
		long long n;
		if (numeric && parse_int(v, 1, 1000000000, &n))
			return reply_error(r, 422, "invalid_parameter", name, "%s must be a revision number (1, 2, ...)", name);
		if (!numeric && *v && !is_slug(v))
			return reply_error(r, 422, "invalid_parameter", name, "%s must be a slug (lower-case words joined by -)", name);
	}
	return 0;
}

int api_plan_list(struct req *r)
{
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	int rc = store_plan_list(r->db, &r->list, &items, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:s?}", "items", items, "total", (json_int_t)total,
					    "limit", r->list.limit, "next_cursor", *next ? next : NULL));
}

/* Revision n (0: current) of the URL's plan, or NULL after replying 404. */
static json_t *load_doc(struct req *r, int n)
{
	json_t *doc = NULL;
	int rc = store_plan_get(r->db, r->slug, n, &doc);
	if (rc == STORE_NOT_FOUND)
		n ? reply_error(r, 404, "not_found", NULL, "plan %s has no revision %d", r->slug, n)
		  : reply_error(r, 404, "not_found", NULL, "no plan %s", r->slug);
	else if (rc)
		reply_store_error(r, rc);
	return rc ? NULL : doc;
}

int api_plan_item(struct req *r)
{
	json_t *doc = load_doc(r, r->number);
	return doc ? reply_json(r, 200, doc) : r->status;
}

/* A page of revisions, newest first, in the shape of every list: ?limit= (1 to 500,
 * default 50) and ?cursor= (the next_cursor of the previous page: the last number shown). */
int api_plan_revisions(struct req *r)
{
	static const char *const names[] = {"limit", "cursor", NULL};
	if (check_args(r, names, 1))
		return r->status;
	long long limit = LIST_LIMIT_DEFAULT, cursor = 0;
	if (req_arg(r, "limit") && (parse_int(req_arg(r, "limit"), 1, LIST_LIMIT_MAX, &limit)))
		return reply_error(r, 422, "invalid_parameter", "limit", "limit must be a whole number between 1 and %d",
				   LIST_LIMIT_MAX);
	if (req_arg(r, "cursor"))
		parse_int(req_arg(r, "cursor"), 1, 1000000000, &cursor);
	json_t *list;
	int total;
	int rc = store_plan_revision_page(r->db, r->slug, (int)cursor, (int)limit, &list, &total);
	if (rc == STORE_NOT_FOUND)
		return reply_error(r, 404, "not_found", NULL, "no plan %s", r->slug);
	if (rc)
		return reply_store_error(r, rc);
	json_t *last = json_array_get(list, json_array_size(list) - 1);
	long long oldest = last ? json_integer_value(json_object_get(last, "revision")) : 1;
	char next[24];
	snprintf(next, sizeof next, "%lld", oldest);
	return reply_json(r, 200, json_pack("{s:s, s:o, s:i, s:I, s:s?}", "slug", r->slug, "items", list, "total", total,
					    "limit", (json_int_t)limit, "next_cursor", oldest > 1 ? next : NULL));
}

int api_plan_diff(struct req *r)
{
	static const char *const names[] = {"from", "to", NULL};
	if (check_args(r, names, 1))
		return r->status;
	json_t *current = load_doc(r, 0);
	if (!current)
		return r->status;
	int last = (int)json_integer_value(json_object_get(current, "revision"));
	json_decref(current);
	const char *from_arg = req_arg(r, "from"), *to_arg = req_arg(r, "to");
	long long from = last > 1 ? last - 1 : 1, to = last;
	if (from_arg)
		parse_int(from_arg, 1, 1000000000, &from);
	if (to_arg)
		parse_int(to_arg, 1, 1000000000, &to);
	json_t *a = load_doc(r, (int)from), *b = a ? load_doc(r, (int)to) : NULL;
	if (!b) {
		json_decref(a);
		return r->status;
	}
	json_t *sections = plan_diff(json_object_get(a, "content"), json_object_get(b, "content"));
	json_decref(a);
	json_decref(b);
	return reply_json(r, 200, json_pack("{s:s, s:I, s:I, s:o}", "slug", r->slug, "from", (json_int_t)from,
					    "to", (json_int_t)to, "sections", sections));
}

/* Checks that the user may do action to the plan as it is (403 before anything about
 * versions is said), then If-Match against the current revision as GET gives it.
 * Returns the current document, or NULL after replying (404, 403, 428, 412). */
static json_t *current_for_write(struct req *r, enum action action)
{
	json_t *doc = load_doc(r, 0);
	if (!doc)
		return NULL;
	if (!plan_may(r, action, json_object_get(doc, "content"))) {
		json_decref(doc);
		reply_error(r, 403, "forbidden", NULL, "your account may not change this plan");
		return NULL;
	}
	const char *if_match = req_if_match(r);
	char etag[40];
	reply_item_etag(doc, etag);
	if (!if_match || !http_etag_matches(if_match, etag)) {
		const char *author = json_string_value(json_object_get(doc, "author"));
		if (!if_match) {
			reply_error(r, 428, "precondition_required", NULL, "%s", ETAG_HINT);
		} else {
			memcpy(r->etag, etag, sizeof etag);   /* the ETag header is the current revision's */
			reply_error(r, 412, "stale", NULL, "the plan changed since you read it: revision %lld%s%s is now "
				    "current; read it again (its ETag is in this answer) and reapply your change",
				    (long long)json_integer_value(json_object_get(doc, "revision")), author ? " by " : "",
				    author ? author : "");
		}
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static int write_failed(struct req *r, int status, const struct errors *errs)
{
	if (status == 403)
		return reply_error(r, 403, "forbidden", NULL, "your account may not change this plan");
	if (status == 412)
		return reply_error(r, 412, "stale", NULL, "the plan changed while you saved it; read it again");
	if (status == 422 || status == 409)
		return reply_errors(r, status, errs);
	return reply_store_error(r, status == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
}

/* Answers with the current revision and its ETag, as GET gives them. */
static int reply_current(struct req *r, int status)
{
	json_t *doc = load_doc(r, 0);
	if (!doc)
		return r->status;
	reply_item_etag(doc, r->etag);
	return reply_json(r, status, doc);
}

/* The message of a write: the body's, or a default naming the way it came. */
static const char *message_of(struct req *r, json_t *body, const char *fallback, struct errors *errs)
{
	json_t *m = json_object_get(body, "message");
	if (!m)
		return fallback;
	const char *s = json_string_value(m);
	if (!s) {
		errors_add(errs, "message", "invalid_field", "message must be a string");
		return NULL;
	}
	if (plan_message_check(s, errs))
		return NULL;
	return *s ? s : fallback;
}

/* The keys a PUT body may have: content and message, plus what GET returns (ignored), so
 * that a client can GET, change the content and PUT the document back. */
static int check_put_keys(json_t *body, struct errors *errs)
{
	static const char *const allowed[] = {"content", "message", "slug", "revision", "current_revision",
					      "saved_at", "author", "via", NULL};
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a)
			errors_add(errs, key, "unknown_field", "unknown field %s: send content and message", key);
	}
	if (!json_is_object(json_object_get(body, "content")))
		errors_add(errs, "content", "missing_field", "content must be the plan's content, a JSON object");
	return errs->n;
}

int api_plan_put(struct req *r)
{
	json_t *body = api_json_body(r);
	if (!body)
		return r->status;
	struct errors errs;
	errors_init(&errs);
	const char *message = NULL;
	if (!check_put_keys(body, &errs))
		message = message_of(r, body, "edited through the API", &errs);
	if (errs.n) {
		json_decref(body);
		return reply_errors(r, 422, &errs);
	}
	json_t *exists = NULL;
	int rc = store_plan_get(r->db, r->slug, 0, &exists);
	json_decref(exists);
	if (rc < 0) {
		json_decref(body);
		return reply_store_error(r, rc);
	}
	/* If-Match is false when there is nothing to match (RFC 9110, 13.1.1): a client that
	 * read a plan since deleted must not recreate it unknowingly. */
	if (rc == STORE_NOT_FOUND && req_header(r, "If-Match")) {
		json_decref(body);
		return reply_error(r, 412, "stale", NULL, "plan %s does not exist (any more): send the PUT without "
				   "If-Match to create it", r->slug);
	}
	json_t *old = rc == STORE_NOT_FOUND ? NULL : current_for_write(r, ACT_UPDATE);
	if (rc == STORE_OK && !old) {
		json_decref(body);
		return r->status;
	}
	int created = !old;
	int base = old ? (int)json_integer_value(json_object_get(old, "revision")) : 0;
	struct plan_saved saved;
	int status = plan_write(r, r->slug, json_object_get(body, "content"), json_object_get(old, "content"),
				message, base, &saved, &errs);
	json_decref(body);
	json_decref(old);
	if (status)
		return write_failed(r, status, &errs);
	char location[128];
	snprintf(location, sizeof location, "/api/v1/plans/%s", r->slug);
	if (created)
		r->location = arena_strdup(&r->arena, location);
	return reply_current(r, created ? 201 : 200);
}

int api_plan_restore(struct req *r)
{
	json_t *old = current_for_write(r, ACT_UPDATE);
	if (!old)
		return r->status;
	json_t *target = load_doc(r, r->number);
	if (!target) {
		json_decref(old);
		return r->status;
	}
	char message[64];
	snprintf(message, sizeof message, "restored revision %d", r->number);
	struct errors errs;
	errors_init(&errs);
	struct plan_saved saved;
	int status = plan_write(r, r->slug, json_object_get(target, "content"), json_object_get(old, "content"),
				message, (int)json_integer_value(json_object_get(old, "revision")), &saved, &errs);
	json_decref(target);
	json_decref(old);
	return status ? write_failed(r, status, &errs) : reply_current(r, 200);
}

int api_plan_delete(struct req *r)
{
	json_t *old = current_for_write(r, ACT_DELETE);
	if (!old)
		return r->status;
	json_decref(old);
	int rc = store_plan_delete(r->db, r->slug);
	if (rc)
		return reply_store_error(r, rc);
	r->no_etag = 1;
	buf_reset(&r->body);
	return reply_body(r, 204, NULL);
}
