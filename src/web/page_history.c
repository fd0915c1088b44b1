/* page_history.c: the audit log as pages: a record's history (/cities/{slug}/history,
 * /cooperations/{slug}/history) for signed-in users, and the whole log with filters
 * (/admin/audit) for admins. The dispatcher has checked the role before these run. */
#include "core/record.h"
#include "web/api.h"
#include "web/html.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>

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
			html_printf(b, " · <a href=\"/%u/%u\">%s</a>", e->plural, record_str(row, "record"), record_str(row, "record"));
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

int page_admin_audit(struct req *r)
{
	struct audit_query q = {
		.actor = req_arg(r, "user"), .entity = req_arg(r, "kind"), .record = req_arg(r, "record"),
		.from = req_arg(r, "from"), .until = req_arg(r, "until"), .limit = 200,
	};
	const char **empties[] = {&q.actor, &q.entity, &q.record, &q.from, &q.until};
	for (size_t i = 0; i < sizeof empties / sizeof *empties; i++)
		if (*empties[i] && !**empties[i])
			*empties[i] = NULL;
	json_t *rows;
	int rc = store_audit_list(r->db, &q, &rows);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, "Audit log", NULL);
	struct buf *b = &r->body;
	html_printf(b, "<h1>Audit log</h1>\n<form class=\"filters\" method=\"get\" action=\"/admin/audit\" role=\"search\">"
		    "<div class=\"field\"><label for=\"a-user\">User</label><input id=\"a-user\" name=\"user\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-kind\">Kind of record</label><input id=\"a-kind\" name=\"kind\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-record\">Record (slug)</label><input id=\"a-record\" name=\"record\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-from\">From (YYYY-MM-DD)</label><input id=\"a-from\" name=\"from\" value=\"%s\"></div>"
		    "<div class=\"field\"><label for=\"a-until\">Until</label><input id=\"a-until\" name=\"until\" value=\"%s\"></div>"
		    "<div class=\"actions\"><button type=\"submit\">Show changes</button> <a href=\"/admin/audit\">Clear</a></div></form>\n",
		    q.actor ? q.actor : "", q.entity ? q.entity : "", q.record ? q.record : "", q.from ? q.from : "",
		    q.until ? q.until : "");
	audit_entries(b, rows, 1);
	json_decref(rows);
	return html_page_end(r, 200);
}
