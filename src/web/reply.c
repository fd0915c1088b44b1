/* reply.c: building responses and rendering errors; see reply.h. */
#include "web/reply.h"
#include "web/html.h"
#include "web/route.h"
#include "store/store.h"
#include "util/log.h"

#include <sodium.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 428: return "Precondition Required";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

int reply_body(struct req *r, int status, const char *content_type)
{
	r->status = status;
	r->content_type = content_type;
	if (buf_failed(&r->body)) {
		log_error("response to %s %s exceeded the size limit", r->method, r->path);
		buf_reset(&r->body);
		r->status = 500;
		r->content_type = "text/plain; charset=utf-8";
		buf_puts(&r->body, "The response was too large.\n");
	}
	return r->status;
}

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

int reply_json(struct req *r, int status, json_t *doc)
{
	buf_reset(&r->body);
	char *text = json_dumps(doc, JSON_FLAGS);
	json_decref(doc);
	buf_puts(&r->body, text);
	buf_putc(&r->body, '\n');
	free(text);
	return reply_body(r, status, "application/json");
}

void reply_item_etag(json_t *rec, char out[40])
{
	struct buf b = BUF_INIT((size_t)1 << 26);
	char *text = json_dumps(rec, JSON_FLAGS);
	buf_puts(&b, text);
	buf_putc(&b, '\n');
	free(text);
	http_etag(buf_str(&b), b.len, out);
	buf_free(&b);
}

int http_etag_matches(const char *header, const char *etag)
{
	if (!header)
		return 0;
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == strlen(etag) && strncmp(p, etag, n) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

const char *req_if_match(struct req *r)
{
	const char *v = req_header(r, "If-Match");
	if (!v)
		return NULL;
	v += strspn(v, " ");
	return v[0] == '*' && v[1 + strspn(v + 1, " ")] == '\0' ? NULL : v;
}

/* Errors are JSON on API routes and on unknown /api/ addresses, HTML elsewhere. */
static int wants_json(const struct req *r)
{
	if (r->route)
		return (r->route->flags & ROUTE_API) != 0;
	return strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0 ||
	       strcmp(r->path, "/healthz") == 0;
}

int reply_errors(struct req *r, int status, const struct errors *errs)
{
	r->no_etag = 1;
	if (!wants_json(r)) {
		buf_reset(&r->body);
		html_error_page(r, status, errs);
		return reply_body(r, status, "text/html; charset=utf-8");
	}
	json_t *list = json_array();
	for (int i = 0; i < errs->n; i++)
		json_array_append_new(list, json_pack("{s:s*, s:s, s:s}", "field", errs->e[i].field[0] ? errs->e[i].field : NULL,
						      "code", errs->e[i].code, "message", errs->e[i].message));
	const struct field_error *first = &errs->e[0];
	json_t *err = json_pack("{s:i, s:s, s:s*, s:s, s:o}", "status", status, "code", first->code,
				"field", first->field[0] ? first->field : NULL, "message", first->message,
				"errors", list);
	return reply_json(r, status, json_pack("{s:o}", "error", err));
}

int reply_error(struct req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	struct errors errs;
	errors_init(&errs);
	char message[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	errors_add(&errs, field ? field : "", code, "%s", message);
	return reply_errors(r, status, &errs);
}

int reply_store_error(struct req *r, int rc)
{
	if (rc == STORE_UNAVAILABLE)
		return reply_error(r, 503, "unavailable", NULL,
				   "the database is not reachable at the moment; please try again shortly");
	return reply_error(r, 500, "internal_error", NULL, "the server could not complete the request");
}

void http_etag(const char *body, size_t len, char out[40])
{
	unsigned char hash[16];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)body, len, NULL, 0);
	out[0] = '"';
	sodium_bin2hex(out + 1, 33, hash, sizeof hash);
	out[33] = '"';
	out[34] = '\0';
}

int reply_redirect(struct req *r, int status, const char *location)
{
	r->location = arena_strdup(&r->arena, location);
	r->no_etag = 1;
	html_page_begin(r, "Redirecting", NULL);
	html_printf(&r->body, "<p>Continue to <a href=\"%s\">%s</a>.</p>\n", location, location);
	return html_page_end(r, status);
}

json_t *reply_route_record(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *rec;
	int rc = store_get(r->db, e, r->slug, &rec);
	if (rc == STORE_NOT_FOUND)
		reply_error(r, 404, "not_found", NULL, "there is no %s %s", e->name, r->slug);
	else if (rc)
		reply_store_error(r, rc);
	return rc ? NULL : rec;
}
