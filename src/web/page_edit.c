/* page_edit.c: editing records in the browser: /{kind}/{slug}/edit and /{kind}/new, for
 * every kind of record, with the form generated from its descriptor (form.c), and
 * /{kind}/{slug}/delete, a confirmation page whose form deletes the record.
 *
 * GET shows the form; POST validates, checks that the record is the user's, that nobody
 * saved a newer version meanwhile, stores it and redirects to the record's page. On an
 * error the form comes back with the user's input kept and each error beside its field;
 * on a conflict it shows what the other person saved beside what the user typed, and
 * keeps the user's version in the form, so nothing is lost either way. A deletion is
 * refused (409, the page again) when the record changed since the page was shown, or
 * when others still refer to it. The dispatcher has checked the sign-in, the role and
 * the CSRF token; POST runs in a write transaction that is committed only on success. */
#include "core/record.h"
#include "web/api.h"
#include "web/form.h"
#include "web/html.h"
#include "web/record_write.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>

static const char *kind_label(const struct entity *e)
{
	return e->name;
}

/* The page that lists records of e, /{plural}, where Cancel on a new record and a
 * deletion lead; the directory of cooperations is the home page. */
static const char *list_page(struct req *r, const struct entity *e)
{
	char path[80];
	snprintf(path, sizeof path, "/%s", e == &entity_cooperation ? "" : e->plural);
	const char *copy = arena_strdup(&r->arena, path);
	return copy ? copy : "/";
}

/* The conflict panel: each field whose stored value differs from what the user sent. */
static void conflict_panel(struct buf *b, const struct entity *e, json_t *theirs, json_t *mine)
{
	html_printf(b, "<div class=\"conflict\" role=\"alert\"><h2>Someone saved this %s while you were editing</h2>"
		    "<p>Your changes are not saved yet. Compare the two versions below; the form keeps "
		    "<strong>your</strong> version. Save again to replace theirs, or adjust first.</p>"
		    "<table class=\"changes\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Saved by the other person</th>"
		    "<th scope=\"col\">Yours</th></tr></thead><tbody>", kind_label(e));
	for (size_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;
		json_t *a = json_object_get(theirs, name), *m = json_object_get(mine, name);
		if (json_equal(a ? a : json_null(), m ? m : json_null()))
			continue;
		/* at the stored precision, as the history pages show them: 43.7, not 43.700000000000003 */
		size_t flags = JSON_ENCODE_ANY | JSON_REAL_PRECISION(12);
		char *ta = json_dumps(a ? a : json_null(), flags), *tm = json_dumps(m ? m : json_null(), flags);
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>", e->fields[i].label, ta, tm);
		free(ta);
		free(tm);
	}
	html_printf(b, "</tbody></table></div>\n");
}

/* The whole page: heading, errors, conflict, the form. */
static int edit_page(struct req *r, const json_t *values, const struct errors *errs, const char *etag,
		     json_t *theirs, int status)
{
	const struct entity *e = r->route->entity;
	char title[300];
	const char *name = values ? record_str(values, "name") : NULL;
	if (r->slug)
		snprintf(title, sizeof title, "Edit %s", name ? name : r->slug);
	else
		snprintf(title, sizeof title, "New %s", kind_label(e));
	html_page_begin(r, title, e->plural);
	struct buf *b = &r->body;
	html_printf(b, "<h1>%s</h1>\n", title);
	if (errs && errs->n) {
		html_printf(b, "<div class=\"error-summary\" role=\"alert\"><h2>The %s was not saved</h2><ul>", kind_label(e));
		for (int i = 0; i < errs->n; i++)
			html_printf(b, "<li>%s</li>", errs->e[i].message);
		html_printf(b, "</ul></div>\n");
	}
	if (theirs)
		conflict_panel(b, e, theirs, (json_t *)values);
	if (r->slug)
		html_printf(b, "<form class=\"edit\" method=\"post\" action=\"/%s/%u/edit\">", e->plural, r->slug);
	else
		html_printf(b, "<form class=\"edit\" method=\"post\" action=\"/%s/new\">", e->plural);
	html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->session.csrf);
	if (etag)
		html_printf(b, "<input type=\"hidden\" name=\"etag\" value=\"%s\">", etag);
	form_fields(r, e, values, errs, r->slug != NULL);
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Save</button> ");
	if (r->slug)
		html_printf(b, "<a href=\"/%s/%u\">Cancel</a>", e->plural, r->slug);
	else
		html_printf(b, "<a href=\"%s\">Cancel</a>", list_page(r, e));
	html_printf(b, "</div></form>\n");
	r->no_etag = 1;
	return html_page_end(r, status);
}

int page_edit_form(struct req *r)
{
	const struct entity *e = r->route->entity;
	if (!r->slug)
		return edit_page(r, NULL, NULL, NULL, NULL, 200);
	json_t *rec = reply_route_record(r);
	if (!rec)
		return r->status;
	if (!permission_allows(&r->user, ACT_UPDATE, e, rec)) {
		json_decref(rec);
		return reply_error(r, 403, "forbidden", NULL, "your account may not change this %s", e->name);
	}
	char etag[40];
	reply_item_etag(rec, etag);
	int status = edit_page(r, rec, NULL, etag, NULL, 200);
	json_decref(rec);
	return status;
}

/* Checks and stores the submitted record; returns the status of the answer made. */
static int save(struct req *r, json_t *submitted, json_t *old, const char *sent_etag)
{
	const struct entity *e = r->route->entity;
	struct errors errs;
	errors_init(&errs);
	if (old) {   /* the key cannot change through the form */
		json_object_set(submitted, e->key, json_object_get(old, e->key));
		char etag[40];
		reply_item_etag(old, etag);
		if (!sent_etag || strcmp(sent_etag, etag) != 0)
			return edit_page(r, submitted, NULL, etag, old, 409);
	}
	char key[SLUG_MAX * 4 + 1];
	int status = record_write(r, e, old, submitted, key, sizeof key, &errs);
	if (status == 403)
		errors_add(&errs, "", "forbidden", "your account may not save this %s: it must stay one of your cities' "
			   "records", e->name);
	if (status == 403 || status == 409 || status == 422)
		return edit_page(r, submitted, &errs, sent_etag, NULL, status);
	if (status)
		return reply_store_error(r, status == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
	char location[200];
	snprintf(location, sizeof location, "/%s/%s", e->plural, key);
	r->location = arena_strdup(&r->arena, location);
	r->no_etag = 1;
	buf_reset(&r->body);
	return reply_body(r, 303, "text/plain; charset=utf-8");
}

int page_edit_submit(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *old = NULL;
	if (r->slug) {
		if (!(old = reply_route_record(r)))
			return r->status;
		if (!permission_allows(&r->user, ACT_UPDATE, e, old)) {
			json_decref(old);
			return reply_error(r, 403, "forbidden", NULL, "your account may not change this %s", e->name);
		}
	}
	json_t *submitted = form_to_json(e, r->form, (size_t)r->nform);
	int status = save(r, submitted, old, req_form(r, "etag"));
	json_decref(submitted);
	json_decref(old);
	return status;
}

/* The confirmation of a deletion: what goes, why it could not (errs), and the form that
 * deletes it, carrying the version the user is shown. */
static int delete_page(struct req *r, json_t *rec, const char *etag, const struct errors *errs, int status)
{
	const struct entity *e = r->route->entity;
	const char *name = record_str(rec, "name") ? record_str(rec, "name") : r->slug;
	char title[300];
	snprintf(title, sizeof title, "Delete %s", name);
	html_page_begin(r, title, e->plural);
	struct buf *b = &r->body;
	html_printf(b, "<h1>%s</h1>\n", title);
	if (errs && errs->n) {
		html_printf(b, "<div class=\"error-summary\" role=\"alert\"><h2>The %s was not deleted</h2><ul>", kind_label(e));
		for (int i = 0; i < errs->n; i++)
			html_printf(b, "<li>%s</li>", errs->e[i].message);
		html_printf(b, "</ul></div>\n");
	}
	html_printf(b, "<p>This deletes the %s <a href=\"/%s/%u\">%s</a> for good. The audit log keeps what it held.</p>\n"
		    "<form class=\"edit\" method=\"post\" action=\"/%s/%u/delete\"><input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\"><input type=\"hidden\" name=\"etag\" value=\"%s\"><div class=\"actions\"><button type=\"submit\">"
		    "Delete</button> <a href=\"/%s/%u\">Cancel</a></div></form>\n", kind_label(e), e->plural, r->slug, name,
		    e->plural, r->slug, r->session.csrf, etag, e->plural, r->slug);
	r->no_etag = 1;
	return html_page_end(r, status);
}

/* The stored record of the route, when the user may delete it; else NULL after replying. */
static json_t *deletable(struct req *r)
{
	json_t *rec = reply_route_record(r);
	if (rec && !permission_allows(&r->user, ACT_DELETE, r->route->entity, rec)) {
		json_decref(rec);
		reply_error(r, 403, "forbidden", NULL, "your account may not delete this %s", r->route->entity->name);
		return NULL;
	}
	return rec;
}

int page_delete_form(struct req *r)
{
	json_t *rec = deletable(r);
	if (!rec)
		return r->status;
	char etag[40];
	reply_item_etag(rec, etag);
	int status = delete_page(r, rec, etag, NULL, 200);
	json_decref(rec);
	return status;
}

int page_delete_submit(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *old = deletable(r);
	if (!old)
		return r->status;
	char etag[40];
	reply_item_etag(old, etag);
	const char *sent = req_form(r, "etag");
	struct errors errs;
	errors_init(&errs);
	int status = 409;
	if (!sent || strcmp(sent, etag) != 0)   /* not what the user saw: let them look again */
		errors_add(&errs, "", "stale", "someone changed this %s after you opened this page; look at it again "
			   "before you delete it", e->name);
	else
		status = record_remove(r, e, old, &errs);
	if (status == 409)
		status = delete_page(r, old, etag, &errs, 409);
	else if (status == 404)   /* deleted meanwhile by someone else */
		status = reply_error(r, 404, "not_found", NULL, "there is no %s %s", e->name, r->slug);
	else if (status == 403)
		status = reply_error(r, 403, "forbidden", NULL, "your account may not delete this %s", e->name);
	else if (status)
		status = reply_store_error(r, status == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
	else
		status = reply_redirect(r, 303, list_page(r, e));
	json_decref(old);
	return status;
}
