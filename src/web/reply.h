/* reply.h: filling the response half of a request. Every function returns the HTTP
 * status, so handlers end with `return reply_...(r, ...)`.
 *
 * Errors go through one funnel per format: reply_error() and reply_errors() answer in
 * the shape of DESIGN.md on API routes,
 *   {"error":{"status":422,"code":"invalid_field","field":"population","message":"...",
 *             "errors":[{"field":...,"code":...,"message":...}, ...]}}
 * and as an HTML page elsewhere. */
#ifndef C2C_REPLY_H
#define C2C_REPLY_H
#include "core/errors.h"
#include "web/req.h"

#include <jansson.h>

int reply_json(struct req *r, int status, json_t *doc);        /* consumes doc */
int reply_body(struct req *r, int status, const char *content_type);   /* r->body is ready */
int reply_error(struct req *r, int status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int reply_errors(struct req *r, int status, const struct errors *errs);
int reply_store_error(struct req *r, int store_rc);           /* 503 or 500 */
/* The record of the route's entity that the URL's {slug} names: a new reference (caller
 * decrefs), or NULL after replying 404 (or 503/500 when the store failed). */
json_t *reply_route_record(struct req *r);
const char *http_reason(int status);
/* The entity tag of a body: a quoted hash of its bytes. */
void http_etag(const char *body, size_t len, char out[40]);
/* The ETag GET gives for a record (the hash of its JSON as reply_json writes it). */
void reply_item_etag(json_t *rec, char out[40]);
/* Whether an If-Match / If-None-Match header names etag ("*", lists, weak tags). */
int http_etag_matches(const char *header, const char *etag);
/* The request's If-Match for a write: NULL when absent or "*", which names no version
 * the client read and so cannot prevent a lost update (answer 428 then). */
const char *req_if_match(struct req *r);
/* Answers status (303 after a form, 302...) with Location: location (copied; a path on
 * this server, e.g. from auth_local_target()) and a page linking there. */
int reply_redirect(struct req *r, int status, const char *location);

#endif
