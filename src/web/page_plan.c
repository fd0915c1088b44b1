/* page_plan.c: reading U-CAPs in the browser.
 *   /plans                      every plan, with its cities (by name) and current revision
 *   /plans/{slug}               the summary ("U-CAP at a glance") of the current revision
 *   /plans/{slug}/revisions/{n} the same for an earlier revision, marked as such, with a
 *                               button to restore it for those who may edit the plan
 *   /plans/{slug}.md, .pdf      the summary as Markdown and as an A4 PDF
 * The summary itself is drawn by render/plan_html.c, shared with the report command. */
#include "core/plan.h"
#include "render/plan_html.h"
#include "render/plan_view.h"
#include "render/render.h"
#include "store/plans.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/plan_write.h"
#include "web/reply.h"

#include <stdio.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A link to city slug named by its record (the slug when the record is gone). */
static void city_link(struct req *r, struct city_cache *cities, const char *slug)
{
	json_t *city = city_cache_get(r, cities, slug);
	const char *name = json_string_value(json_object_get(city, "name"));
	html_printf(&r->body, "<a href=\"/cities/%u\">%s</a>", slug, name ? name : slug);
}

/* One plan of the list: its title, revision, and its city and counterparts by name. */
static void plan_card(struct req *r, struct city_cache *cities, const json_t *p)
{
	struct buf *b = &r->body;
	char day[RENDER_DATE_MAX];
	html_printf(b, "<li class=\"card plan-card\"><h2><a href=\"/plans/%u\">%s</a></h2><p class=\"meta\">Revision %lld, "
		    "saved %s</p>", str(p, "slug"), str(p, "title"),
		    (long long)json_integer_value(json_object_get(p, "revision")),
		    render_saved_date(str(p, "saved_at"), day, sizeof day));
	const json_t *counterparts = json_object_get(p, "counterparts");
	if (str(p, "city")) {
		html_printf(b, "<p>City: ");
		city_link(r, cities, str(p, "city"));
		html_printf(b, "</p>");
	}
	size_t k;
	json_t *c;
	if (json_array_size(counterparts))
		html_printf(b, "<p>Counterparts: ");
	json_array_foreach(counterparts, k, c) {
		html_printf(b, "%R", k ? ", " : "");
		city_link(r, cities, json_string_value(c));
	}
	html_printf(b, "%R</li>\n", json_array_size(counterparts) ? "</p>" : "");
}

int page_plans(struct req *r)
{
	json_t *plans;
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	char next[SLUG_MAX * 4 + 1];
	long total;
	int rc = store_plan_list(r->db, &q, &plans, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, "Urban Cooperation Action Plans", "plans");
	struct buf *b = &r->body;
	html_printf(b, "<h1>Urban Cooperation Action Plans</h1>\n<p class=\"lead\">Each city's U-CAP is a living "
		    "document: every change is kept as a revision, and any two revisions can be compared.</p>\n");
	if (r->user.id && permission_scope(r->user.role, ACT_CREATE, &entity_plan) != SCOPE_NONE)
		html_printf(b, "<p class=\"record-actions\"><a class=\"button\" href=\"/plans/new\">New action plan</a></p>\n");
	if (!json_array_size(plans))
		html_printf(b, "<p class=\"empty\">No plan has been published yet.</p>\n");
	html_printf(b, "<ul class=\"cards\">\n");
	struct city_cache cities = CITY_CACHE_INIT;   /* a city is named by several plans */
	size_t i;
	json_t *p;
	json_array_foreach(plans, i, p)
		plan_card(r, &cities, p);
	city_cache_free(&cities);
	html_printf(b, "</ul>\n");
	json_decref(plans);
	return html_page_end(r, 200);
}

/* The view of revision n (0: current) of the URL's plan, or NULL after replying 404. */
static json_t *load_view(struct req *r, int n)
{
	json_t *view = NULL;
	int rc = plan_view_load(r->db, r->slug, n, &view);
	if (rc == STORE_NOT_FOUND)
		reply_error(r, 404, "not_found", NULL, "there is no plan %s%s", r->slug, n ? " with that revision" : "");
	else if (rc)
		reply_store_error(r, rc);
	return rc ? NULL : view;
}

/* The links above the summary: other formats, revisions, and for editors the history. */
static void toolbar(struct req *r, const json_t *view, int current)
{
	struct buf *b = &r->body;
	long long rev = json_integer_value(json_object_get(view, "revision"));
	html_printf(b, "<nav class=\"ucap-tools\" aria-label=\"This plan\"><ul>");
	if (current)
		html_printf(b, "<li><a href=\"/plans/%u.pdf\">PDF</a></li><li><a href=\"/plans/%u.md\">Markdown</a></li>",
			    r->slug, r->slug);
	html_printf(b, "<li><a href=\"/plans/%u/revisions\">All revisions (%lld)</a></li>", r->slug,
		    (long long)json_integer_value(json_object_get(view, "current_revision")));
	if (rev > 1)
		html_printf(b, "<li><a href=\"/plans/%u/diff?from=%lld&amp;to=%lld\">Changes in this revision</a></li>",
			    r->slug, rev - 1, rev);
	html_printf(b, "</ul></nav>\n");
}

/* On an earlier revision, for someone who may edit the plan as it is and as it was: a
 * button that saves this revision's content as a new one (page_plan_history.c's
 * restore), with the revision it started from, so that a save meanwhile is caught. */
static void restore_offer(struct req *r, const json_t *view)
{
	json_t *doc = NULL;
	if (!r->user.id || store_plan_get(r->db, r->slug, 0, &doc))
		return;
	long long rev = json_integer_value(json_object_get(view, "revision"));
	long long last = json_integer_value(json_object_get(doc, "revision"));
	if (plan_may(r, ACT_UPDATE, json_object_get(doc, "content")) && plan_may(r, ACT_UPDATE, json_object_get(view, "content")))
		html_printf(&r->body, "<form class=\"restore\" method=\"post\" action=\"/plans/%u/revisions/%lld/restore\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"secondary\">Restore this revision</button> <span class=\"hint\">"
			    "Saves its content as a new revision %lld; nothing is lost, revision %lld stays in the history.</span>"
			    "</form>\n", r->slug, rev, r->session.csrf, last, last + 1, last);
	json_decref(doc);
}

static int summary_page(struct req *r, int n)
{
	json_t *view = load_view(r, n);
	if (!view)
		return r->status;
	int current = json_integer_value(json_object_get(view, "revision")) ==
		      json_integer_value(json_object_get(view, "current_revision"));
	html_page_begin(r, str(view, "title"), "plans");
	struct buf *b = &r->body;
	html_printf(b, "<article class=\"ucap\">\n");
	if (!current) {
		html_printf(b, "<div class=\"notice\" role=\"note\"><p>This is revision %lld, an earlier state of the plan. "
			    "<a href=\"/plans/%u\">See the current revision</a>.</p>\n",
			    (long long)json_integer_value(json_object_get(view, "revision")), r->slug);
		restore_offer(r, view);
		html_printf(b, "</div>\n");
	}
	plan_html_title(b, view);
	toolbar(r, view, current);
	int editor = current && r->user.id && plan_may(r, ACT_UPDATE, json_object_get(view, "content"));
	struct plan_html_options opt = {editor ? r->slug : NULL, 1, editor};
	plan_html_sections(b, view, &opt);
	html_printf(b, "</article>\n");
	json_decref(view);
	return html_page_end(r, 200);
}

int page_plan(struct req *r)
{
	return summary_page(r, 0);
}

int page_plan_revision(struct req *r)
{
	return summary_page(r, r->number);
}

int page_plan_markdown(struct req *r)
{
	json_t *view = load_view(r, 0);
	if (!view)
		return r->status;
	buf_reset(&r->body);
	int rc = render_plan_markdown(view, &r->body);
	json_decref(view);
	if (rc)
		return reply_store_error(r, STORE_ERROR);
	return reply_body(r, 200, "text/markdown; charset=utf-8");
}

int page_plan_pdf(struct req *r)
{
	json_t *view = load_view(r, 0);
	if (!view)
		return r->status;
	buf_reset(&r->body);
	int rc = render_plan_pdf(view, &r->body);
	json_decref(view);
	if (rc)
		return reply_store_error(r, STORE_ERROR);
	return reply_body(r, 200, "application/pdf");
}
