/* page_history.c: the audit log as pages: a record's history (/cities/{slug}/history,
 * /cooperations/{slug}/history) for signed-in users, and the whole log with filters
 * (/admin/audit) for admins, a page at a time. The dispatcher has checked the role
 * before these run. */
#include "core/record.h"
#include "util/date.h"
#include "util/str.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"
#include "web/route.h"

#include <stdint.h>
#include <string.h>

#define AUDIT_PAGE 50   /* entries per page of /admin/audit, unless limit says */

/* One field's change: "540 000 → 1", as JSON text of each side. */
static void change_row(struct buf *b, const char *field, json_t *c)
{
	char *before = json_object_get(c, "before") ? json_dumps(json_object_get(c, "before"), JSON_ENCODE_ANY | JSON_REAL_PRECISION(12)) : NULL;
	char *after = json_object_get(c, "after") ? json_dumps(json_object_get(c, "after"), JSON_ENCODE_ANY | JSON_REAL_PRECISION(12)) : NULL;
	html_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"before\">%s</td><td class=\"after\">%s</td></tr>",
		    field, before ? before : "", after ? after : "");
	free(before);
	free(after);
}

static void audit_entries(struct buf *b, json_t *rows, int show_record)
{
	if (!json_array_size(rows)) {
		html_printf(b, "<p class=\"empty\">No changes are recorded.</p>\n");
		return;
	}
	html_printf(b, "<ol class=\"audit\">\n");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		html_printf(b, "<li><p class=\"meta\"><time datetime=\"%s\">%s</time> · <strong>%s</strong> · %s by "
			    "<span class=\"actor\">%s</span> (%s)", record_str(row, "at"), record_str(row, "at"),
			    record_str(row, "action"), record_str(row, "entity"), record_str(row, "actor"), record_str(row, "via"));
		const struct entity *e = show_record ? entity_by_name(record_str(row, "entity")) : NULL;
		if (e)
			html_printf(b, " · <a class=\"record\" href=\"/%u/%u\">%s</a>", e->plural, record_str(row, "record"),
				    record_str(row, "record"));
		else if (show_record)   /* accounts and tokens: no page to link to, but named all the same */
			html_printf(b, " · <span class=\"record\">%s</span>", record_str(row, "record"));
		html_printf(b, "</p><table class=\"changes\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Before</th>"
			    "<th scope=\"col\">After</th></tr></thead><tbody>");
		const char *field;
		json_t *c;
		json_object_foreach(json_object_get(row, "changes"), field, c)
			change_row(b, field, c);
		html_printf(b, "</tbody></table></li>\n");
	}
	html_printf(b, "</ol>\n");
}

int page_record_history(struct req *r)
{
	const struct entity *e = r->route->entity;
	json_t *rec = reply_route_record(r);
	if (!rec)
		return r->status;
	struct audit_query q = {.entity = e->name, .record = r->slug, .limit = 500};
	json_t *rows;
	int rc = store_audit_list(r->db, &q, &rows);
	if (rc) {
		json_decref(rec);
		return reply_store_error(r, rc);
	}
	char title[300];
	snprintf(title, sizeof title, "History of %s", record_str(rec, "name") ? record_str(rec, "name") : r->slug);
	html_page_begin(r, title, e->plural);
	html_printf(&r->body, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/%s/%u\">%s</a> "
		    "<span aria-hidden=\"true\">›</span> <span aria-current=\"page\">History</span></nav>\n<h1>%s</h1>\n",
		    e->plural, r->slug, record_str(rec, "name"), title);
	audit_entries(&r->body, rows, 0);
	json_decref(rows);
	json_decref(rec);
	return html_page_end(r, 200);
}

/* A parameter of /admin/audit; an empty form field is no filter. */
static const char *audit_arg(const struct req *r, const char *name)
{
	const char *v = req_arg(r, name);
	return v && *v ? v : NULL;
}

/* The filters and the page asked for. The handler takes any query (ROUTE_ANY_QUERY), so
 * it checks the values here: dates must be dates, or a typo would quietly show nothing.
 * Returns 0, or the status after replying 422. One more row than a page is asked for
 * (q->limit), to know whether there are older ones. */
static int audit_query_of(struct req *r, struct audit_query *q)
{
	*q = (struct audit_query){.actor = audit_arg(r, "user"), .entity = audit_arg(r, "kind"),
				  .record = audit_arg(r, "record"), .from = audit_arg(r, "from"),
				  .until = audit_arg(r, "until"), .before_id = audit_arg(r, "cursor")};
	const char *limit = audit_arg(r, "limit");
	long long id, n = AUDIT_PAGE;
	struct errors errs;
	errors_init(&errs);
	if (store_audit_query_check(q, &errs))
		return reply_errors(r, 422, &errs);
	if (q->before_id && parse_int(q->before_id, 1, INT64_MAX, &id))
		return reply_error(r, 422, "invalid_parameter", "cursor", "cursor must come from the link to older changes");
	if (limit && parse_int(limit, 1, LIST_LIMIT_MAX, &n))
		return reply_error(r, 422, "invalid_parameter", "limit", "limit must be a whole number between 1 and %d",
				   LIST_LIMIT_MAX);
	q->limit = (int)n + 1;
	return 0;
}

static void audit_filters(struct buf *b, const struct audit_query *q)
{
	html_printf(b, "<form class=\"filters\" method=\"get\" action=\"/admin/audit\" role=\"search\">"
		    "<div class=\"field\"><label for=\"a-user\">User</label><input id=\"a-user\" name=\"user\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-kind\">Kind of record</label><input id=\"a-kind\" name=\"kind\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-record\">Record (slug, login or token id)</label><input id=\"a-record\" name=\"record\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-from\">From (YYYY-MM-DD)</label><input id=\"a-from\" name=\"from\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-until\">Until (not included)</label><input id=\"a-until\" name=\"until\" value=\"%s\"></div>"
		    "<div class=\"actions\"><button type=\"submit\">Show changes</button> <a href=\"/admin/audit\">Clear</a></div></form>\n",
		    q->actor ? q->actor : "", q->entity ? q->entity : "", q->record ? q->record : "", q->from ? q->from : "",
		    q->until ? q->until : "");
}

/* "Older changes" keeps every filter and starts after the last entry shown. */
static void audit_pager(struct req *r, json_t *last)
{
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"/admin/audit");
	int n = page_query(b, r, NULL);
	html_printf(b, "%Rcursor=%lld\">Older changes <span aria-hidden=\"true\">→</span></a></nav>\n", n ? "&amp;" : "?",
		    (long long)json_integer_value(json_object_get(last, "id")));
}

int page_admin_audit(struct req *r)
{
	struct audit_query q;
	if (audit_query_of(r, &q))
		return r->status;
	json_t *rows;
	int rc = store_audit_list(r->db, &q, &rows);
	if (rc)
		return reply_store_error(r, rc);
	int more = json_array_size(rows) == (size_t)q.limit;
	if (more)
		json_array_remove(rows, json_array_size(rows) - 1);
	html_page_begin(r, "Audit log", NULL);
	html_printf(&r->body, "<h1>Audit log</h1>\n");
	audit_filters(&r->body, &q);
	audit_entries(&r->body, rows, 1);
	if (more)
		audit_pager(r, json_array_get(rows, json_array_size(rows) - 1));
	json_decref(rows);
	return html_page_end(r, 200);
}
