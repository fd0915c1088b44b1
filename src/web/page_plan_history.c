/* page_plan_history.c: a U-CAP's past.
 *   /plans/{slug}/revisions                    every revision, a form to compare two,
 *                                              and for editors a button to restore one
 *   /plans/{slug}/diff?from=&to=               two revisions compared section by section,
 *                                              changed words marked
 *   POST /plans/{slug}/revisions/{n}/restore   revision n's content saved as a new revision */
#include "core/plan.h"
#include "render/render.h"
#include "store/plans.h"
#include "util/str.h"
#include "web/api.h"
#include "web/html.h"
#include "web/plan_write.h"
#include "web/reply.h"

#include <stdio.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The current revision of the URL's plan, or NULL after replying 404. */
static json_t *current_doc(struct req *r)
{
	json_t *doc = NULL;
	int rc = store_plan_get(r->db, r->slug, 0, &doc);
	if (rc == STORE_NOT_FOUND)
		reply_error(r, 404, "not_found", NULL, "there is no plan %s", r->slug);
	else if (rc)
		reply_store_error(r, rc);
	return rc ? NULL : doc;
}

/* One row of the revisions table. On a phone the table is a stack of cards (c2c.css),
 * its column headings hidden: each cell then says what it holds (.cell-label), and the
 * class names place the cells in the card. */
static void revision_row(struct req *r, const json_t *rev, long long last, long long from, int editor)
{
	struct buf *b = &r->body;
	long long n = num(rev, "revision");
	char day[RENDER_DATE_MAX];
	html_printf(b, "<tr><td class=\"r-compare\"><span class=\"cell-label\" aria-hidden=\"true\">Compare from</span>"
		    "<input type=\"radio\" name=\"from\" value=\"%lld\" aria-label=\"Compare from revision %lld\"%R>"
		    " <span class=\"cell-label\" aria-hidden=\"true\">to</span>"
		    "<input type=\"radio\" name=\"to\" value=\"%lld\" aria-label=\"Compare to revision %lld\"%R></td>",
		    n, n, n == from ? " checked" : "", n, n, n == last ? " checked" : "");
	html_printf(b, "<th scope=\"row\" class=\"r-number\"><span class=\"cell-label\">Revision </span>"
		    "<a href=\"/plans/%u/revisions/%lld\">%lld</a>%R</th><td class=\"r-saved\">%s</td><td class=\"r-author\"><span class=\"cell-label\">"
		    "By </span>%s</td><td class=\"r-message\">%s</td><td class=\"r-changes\">",
		    r->slug, n, n, n == last ? " <span class=\"badge\">current</span>" : "",
		    render_saved_date(str(rev, "saved_at"), day, sizeof day), str(rev, "author"), str(rev, "message"));
	if (n > 1)
		html_printf(b, "<a href=\"/plans/%u/diff?from=%lld&amp;to=%lld\">changes</a>", r->slug, n - 1, n);
	html_printf(b, "</td>");
	if (editor) {
		html_printf(b, "<td class=\"r-restore\">");
		if (n != last)
			html_printf(b, "<button type=\"submit\" form=\"restore-%lld\" class=\"secondary\">Restore</button>", n);
		html_printf(b, "</td>");
	}
	html_printf(b, "</tr>\n");
}

int page_plan_revisions(struct req *r)
{
	json_t *doc = current_doc(r), *revs = NULL;
	if (!doc)
		return r->status;
	int rc = store_plan_revisions(r->db, r->slug, &revs);
	if (rc) {
		json_decref(doc);
		return reply_store_error(r, rc);
	}
	long long last = num(doc, "revision");
	int editor = r->user.id && plan_may(r, ACT_UPDATE, json_object_get(doc, "content"));
	const char *title = str(json_object_get(doc, "content"), "title");
	html_page_begin(r, "Revisions", "plans");
	struct buf *b = &r->body;
	html_printf(b, "<p class=\"breadcrumb\"><a href=\"/plans/%u\">%s</a></p>\n<h1>Revisions</h1>\n"
		    "<p class=\"lead\">Every save of the plan is kept. Choose two revisions to compare them.</p>\n",
		    r->slug, title);
	html_printf(b, "<form method=\"get\" action=\"/plans/%u/diff\"><table class=\"revisions\"><thead><tr>"
		    "<th scope=\"col\">Compare</th><th scope=\"col\">Revision</th><th scope=\"col\">Saved</th>"
		    "<th scope=\"col\">By</th><th scope=\"col\">Message</th><th scope=\"col\">Changes</th>%R</tr></thead><tbody>\n",
		    r->slug, editor ? "<th scope=\"col\">Restore</th>" : "");
	size_t i;
	json_t *rev;
	json_array_foreach(revs, i, rev)
		revision_row(r, rev, last, last > 1 ? last - 1 : 1, editor);
	html_printf(b, "</tbody></table><div class=\"actions\"><button type=\"submit\">Compare</button></div></form>\n");
	/* Restore forms stand outside the compare form (forms do not nest); the buttons in the
	 * table name them with form="...". */
	json_array_foreach(revs, i, rev)
		if (editor && num(rev, "revision") != last)
			html_printf(b, "<form id=\"restore-%lld\" method=\"post\" action=\"/plans/%u/revisions/%lld/restore\">"
				    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%lld\"></form>\n",
				    num(rev, "revision"), r->slug, num(rev, "revision"), r->session.csrf, last);
	json_decref(revs);
	json_decref(doc);
	return html_page_end(r, 200);
}

/* A revision number from the query, or def when absent; -1 after replying 422. */
static long long revision_arg(struct req *r, const char *name, long long def)
{
	const char *v = req_arg(r, name);
	long long n;
	if (!v || !*v)
		return def;
	if (parse_int(v, 1, 1000000000, &n)) {
		reply_error(r, 422, "invalid_parameter", name, "%s must be a revision number (1, 2, ...)", name);
		return -1;
	}
	return n;
}

static int check_diff_query(struct req *r)
{
	for (int i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].name, "from") != 0 && strcmp(r->args[i].name, "to") != 0)
			return reply_error(r, 400, "unknown_parameter", r->args[i].name,
					   "unknown parameter %s: this page takes from and to", r->args[i].name);
	return 0;
}

static void diff_sections(struct buf *b, const json_t *diff)
{
	size_t i;
	json_t *d;
	int changed = 0;
	json_array_foreach(diff, i, d) {
		if (!json_is_true(json_object_get(d, "changed")))
			continue;
		changed++;
		/* .diff keeps spaces as they are (pre-wrap): nested points stay indented */
		html_printf(b, "<section class=\"diff-section\"><h2>%s</h2>\n<div class=\"diff\">", str(d, "title"));
		plan_diff_html(b, d);
		html_printf(b, "</div></section>\n");
	}
	if (!changed)
		html_printf(b, "<p class=\"empty\">The two revisions are the same.</p>\n");
	html_printf(b, "<details class=\"diff-unchanged\"><summary>Sections without changes</summary><ul>");
	json_array_foreach(diff, i, d)
		if (!json_is_true(json_object_get(d, "changed")))
			html_printf(b, "<li>%s</li>", str(d, "title"));
	html_printf(b, "</ul></details>\n");
}

int page_plan_diff(struct req *r)
{
	if (check_diff_query(r))
		return r->status;
	json_t *doc = current_doc(r);
	if (!doc)
		return r->status;
	long long last = num(doc, "revision");
	json_decref(doc);
	long long from = revision_arg(r, "from", last > 1 ? last - 1 : 1), to = from < 0 ? -1 : revision_arg(r, "to", last);
	if (from < 0 || to < 0)
		return r->status;
	json_t *a = NULL, *b2 = NULL;
	if (store_plan_get(r->db, r->slug, (int)from, &a) || store_plan_get(r->db, r->slug, (int)to, &b2)) {
		json_decref(a);
		return reply_error(r, 404, "not_found", NULL, "plan %s has no revision %lld", r->slug, a ? to : from);
	}
	json_t *diff = plan_diff(json_object_get(a, "content"), json_object_get(b2, "content"));
	html_page_begin(r, "Changes", "plans");
	struct buf *b = &r->body;
	char day_a[RENDER_DATE_MAX], day_b[RENDER_DATE_MAX];
	html_printf(b, "<p class=\"breadcrumb\"><a href=\"/plans/%u\">%s</a> · <a href=\"/plans/%u/revisions\">Revisions</a></p>\n"
		    "<h1>Changes from revision %lld to %lld</h1>\n<p class=\"lead\">Revision %lld (%s, %s) compared with "
		    "revision %lld (%s, %s: “%s”). <del>Struck-out words</del> were removed, <ins>underlined words</ins> added.</p>\n",
		    r->slug, str(json_object_get(b2, "content"), "title"), r->slug, from, to,
		    from, render_saved_date(str(a, "saved_at"), day_a, sizeof day_a), str(a, "author"),
		    to, render_saved_date(str(b2, "saved_at"), day_b, sizeof day_b), str(b2, "author"), str(b2, "message"));
	diff_sections(b, diff);
	json_decref(diff);
	json_decref(a);
	json_decref(b2);
	return html_page_end(r, 200);
}

int page_plan_restore(struct req *r)
{
	json_t *doc = current_doc(r), *target = NULL;
	if (!doc)
		return r->status;
	if (!plan_may(r, ACT_UPDATE, json_object_get(doc, "content"))) {   /* before saying anything else */
		json_decref(doc);
		return reply_error(r, 403, "forbidden", NULL, "your account may not change this plan");
	}
	int rc = store_plan_get(r->db, r->slug, r->number, &target);
	long long base;
	const char *base_text = req_form(r, "base");
	if (!base_text || parse_int(base_text, 1, 1000000000, &base))
		base = 0;
	int status = 0;
	if (rc) {
		status = reply_error(r, 404, "not_found", NULL, "plan %s has no revision %d", r->slug, r->number);
	} else if (base != num(doc, "revision")) {
		status = reply_error(r, 409, "stale", NULL, "someone saved a newer revision meanwhile; look at the "
				     "revisions again before restoring");
	} else {
		char message[64];
		snprintf(message, sizeof message, "restored revision %d", r->number);
		struct errors errs;
		errors_init(&errs);
		struct plan_saved saved;
		int st = plan_write(r, r->slug, json_object_get(target, "content"), json_object_get(doc, "content"),
				    message, (int)base, &saved, &errs);
		if (st == 403)
			status = reply_error(r, 403, "forbidden", NULL, "your account may not change this plan");
		else if (st == 422 || st == 409)
			status = reply_errors(r, st, &errs);
		else if (st)
			status = reply_store_error(r, st == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
	}
	json_decref(target);
	json_decref(doc);
	if (status)
		return status;
	char location[160];
	snprintf(location, sizeof location, "/plans/%s/revisions", r->slug);
	return reply_redirect(r, 303, location);
}
