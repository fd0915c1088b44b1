/* page_cooperation.c: /cooperations/{slug}, a pairing or cluster: its member cities side
 * by side with their facts, topics, goals, description, interests and history. */
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"

#include <string.h>

static const char *role_of(json_t *coop, const char *slug)
{
	size_t i;
	json_t *role;
	json_array_foreach(json_object_get(coop, "member_roles"), i, role)
		if (strcmp(record_str(role, "city"), slug) == 0)
			return record_str(role, "role");
	return NULL;
}

static void members(struct req *r, json_t *coop)
{
	struct buf *b = &r->body;
	struct city_cache cities = CITY_CACHE_INIT;
	size_t n = json_array_size(json_object_get(coop, "members"));
	html_printf(b, "<section aria-labelledby=\"members\"><h2 id=\"members\">Member cities</h2>\n"
		    "<div class=\"member-grid%R\">\n", n == 3 ? " three" : "");
	size_t i;
	json_t *slug;
	json_array_foreach(json_object_get(coop, "members"), i, slug) {
		json_t *city = city_cache_get(r, &cities, json_string_value(slug));
		if (!city)
			continue;
		const char *role = role_of(coop, record_str(city, "slug"));
		html_printf(b, "<article class=\"city-card\"><h3><a href=\"/cities/%u\">%s</a></h3>",
			    record_str(city, "slug"), record_str(city, "name"));
		if (role)
			html_printf(b, "<p class=\"role\">%s</p>", role);
		page_city_facts(b, city);
		html_printf(b, "</article>\n");
	}
	html_printf(b, "</div></section>\n");
	city_cache_free(&cities);
}

static void goals(struct req *r, json_t *coop)
{
	json_t *sdgs = json_object_get(coop, "sdgs");
	if (!json_array_size(sdgs))
		return;
	struct buf *b = &r->body;
	html_printf(b, "<section aria-labelledby=\"sdgs\"><h2 id=\"sdgs\">Sustainable Development Goals</h2>\n<ul class=\"sdgs\">");
	size_t i;
	json_t *n;
	json_array_foreach(sdgs, i, n) {
		char key[8];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(n));
		json_t *sdg = NULL;
		store_get(r->db, &entity_sdg, key, &sdg);
		html_printf(b, "<li><a href=\"/?sdg=%u\"><span class=\"sdg sdg-%u\">%s</span> %s</a></li>", key, key, key,
			    sdg ? record_str(sdg, "title") : "");
		json_decref(sdg);
	}
	html_printf(b, "</ul></section>\n");
}

static void text_list(struct buf *b, json_t *coop, const char *field, const char *id, const char *title)
{
	json_t *list = json_object_get(coop, field);
	if (!json_array_size(list))
		return;
	html_printf(b, "<section aria-labelledby=\"%s\"><h2 id=\"%s\">%s</h2>\n<ul class=\"plain-list\">", id, id, title);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
		html_printf(b, "<li>%s</li>", json_string_value(item));
	html_printf(b, "</ul></section>\n");
}

static void history(struct buf *b, json_t *coop)
{
	json_t *notes = json_object_get(coop, "history");
	if (!json_array_size(notes))
		return;
	html_printf(b, "<section aria-labelledby=\"history\"><h2 id=\"history\">History</h2>\n<ol class=\"timeline\">");
	size_t i;
	json_t *note;
	json_array_foreach(notes, i, note) {
		html_printf(b, "<li><time datetime=\"%s\">", record_str(note, "date"));
		html_date(b, record_str(note, "date"));
		html_printf(b, "</time><div>");
		page_paragraphs(b, record_str(note, "text"));
		html_printf(b, "</div></li>");
	}
	html_printf(b, "</ol></section>\n");
}

/* At a glance: kind, programme and round, status, period and the number of cities, the
 * facts a visitor looks for first, as one short definition list under the title. */
static void glance(struct req *r, json_t *coop)
{
	struct buf *b = &r->body;
	size_t n = json_array_size(json_object_get(coop, "members"));
	html_printf(b, "<dl class=\"glance\"><div><dt>Kind</dt><dd>");
	page_capitalized(b, record_str(coop, "kind"));
	html_printf(b, "</dd></div><div><dt>Member cities</dt><dd>%zu %R</dd></div><div><dt>Status</dt><dd>",
		    n, n == 1 ? "city" : "cities");
	page_status(b, coop);
	html_printf(b, "</dd></div>");
	if (record_str(coop, "start_date") || record_str(coop, "end_date")) {
		html_printf(b, "<div><dt>Period</dt><dd>");
		page_period(b, coop);
		html_printf(b, "</dd></div>");
	}
	const char *prog = record_str(coop, "programme");
	if (prog) {
		json_t *p = NULL;
		store_get(r->db, &entity_programme, prog, &p);
		html_printf(b, "<div class=\"g-wide\"><dt>Programme</dt><dd><a href=\"/?programme=%u\">%s</a>", prog,
			    p && record_str(p, "name") ? record_str(p, "name") : prog);
		if (record_str(coop, "round"))
			html_printf(b, "<span class=\"round\">%s</span>", record_str(coop, "round"));
		html_printf(b, "</dd></div>");
		json_decref(p);
	}
	html_printf(b, "</dl>\n");
}

int page_cooperation(struct req *r)
{
	json_t *coop = reply_route_record(r);
	if (!coop)
		return r->status;
	html_page_begin(r, record_str(coop, "name"), "cooperations");
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/\">Cooperations</a> "
		    "<span aria-hidden=\"true\">›</span> <span aria-current=\"page\">%s</span></nav>\n"
		    "<h1>%s</h1>\n", record_str(coop, "name"), record_str(coop, "name"));
	page_record_actions(r, &entity_cooperation, coop);
	glance(r, coop);
	const char *status = record_str(coop, "status");
	if (status && strcmp(status, "ended") == 0 && record_str(coop, "end_reason"))
		html_printf(b, "<p class=\"notice\">This cooperation has ended: %s</p>\n", record_str(coop, "end_reason"));
	members(r, coop);
	/* Two columns on a wide screen: the story (description, interests, history) and, beside
	 * it, what the cooperation is about (topics, goals, partnerships). The side column comes
	 * first in the source so that a phone shows the topics before a long history. */
	html_printf(b, "<div class=\"columns\">\n<div class=\"side\">\n");
	if (json_array_size(json_object_get(coop, "topics"))) {
		html_printf(b, "<section aria-labelledby=\"topics\"><h2 id=\"topics\">Topics</h2>\n");
		page_topic_tags(b, json_object_get(coop, "topics"), 0);
		html_printf(b, "</section>\n");
	}
	goals(r, coop);
	text_list(b, coop, "urban_agenda", "agenda", "Urban Agenda partnerships");
	html_printf(b, "</div>\n<div class=\"story\">\n");
	if (record_str(coop, "description")) {
		html_printf(b, "<section aria-labelledby=\"about\"><h2 id=\"about\">About this cooperation</h2>\n");
		page_paragraphs(b, record_str(coop, "description"));
		html_printf(b, "</section>\n");
	}
	text_list(b, coop, "interests", "interests", "Areas and projects of interest");
	history(b, coop);
	html_printf(b, "</div>\n</div>\n<div class=\"page-foot\">");
	if (record_str(coop, "source"))
		html_printf(b, "<p class=\"source\">Source: %s</p>\n", record_str(coop, "source"));
	html_printf(b, "<p class=\"data-link\"><a href=\"/api/v1/cooperations/%u\">This cooperation as JSON</a></p></div>\n", r->slug);
	json_decref(coop);
	return html_page_end(r, 200);
}
