/* page_city.c: /cities/{slug}, a city's profile: its facts, names, description and the
 * cooperations it takes part in. */
#include "core/country.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"

/* "Asia · also known as Nice, 尼斯": each name marked with its language, so that screen
 * readers pronounce it and browsers pick a suitable font. */
static void subtitle(struct buf *b, json_t *city)
{
	const char *region = record_str(city, "world_region");
	json_t *names = json_object_get(city, "other_names");
	if (!region && !json_array_size(names))
		return;
	html_printf(b, "<p class=\"subtitle\">");
	if (region)
		html_printf(b, "<a href=\"/cities?world_region=%u\">%s</a>", region, region);
	if (json_array_size(names))
		html_printf(b, "%R<span class=\"other-names\">%R ", region ? " · " : "", region ? "also known as" : "Also known as");
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n) {
		const char *lang = record_str(n, "lang");
		html_printf(b, "%R<span", i ? ", " : "");
		if (lang)
			html_printf(b, " lang=\"%s\"", lang);
		html_printf(b, ">%s</span>", record_str(n, "name"));
	}
	if (json_array_size(names))
		html_printf(b, "</span>");
	html_printf(b, "</p>\n");
}

/* The cooperations the city takes part in, as cards with their other members and topics
 * (each topic linking to the directory filtered by it). */
static void cooperations_of(struct req *r, const char *slug)
{
	struct buf *b = &r->body;
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	list_query_set(&q, &entity_cooperation, "city", slug);
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1];
	long total = 0;
	html_printf(b, "<section aria-labelledby=\"coops\"><h2 id=\"coops\">Cooperations</h2>\n");
	if (store_list(r->db, &entity_cooperation, &q, &items, next, &total) || total == 0) {
		html_printf(b, "<p class=\"empty\">This city takes part in no cooperation yet.</p></section>\n");
		json_decref(items);
		return;
	}
	struct city_cache cities = CITY_CACHE_INIT;
	html_printf(b, "<p class=\"section-lead\">Takes part in %ld %s. <a href=\"/?city=%u\">Show %R in the "
		    "directory</a></p>\n<ul class=\"cards\">\n", total, total == 1 ? "cooperation" : "cooperations",
		    slug, total == 1 ? "it" : "them");
	size_t i;
	json_t *coop;
	json_array_foreach(items, i, coop) {
		html_printf(b, "<li class=\"card\"><h3><a href=\"/cooperations/%u\">%s</a></h3><p class=\"meta\">",
			    record_str(coop, "slug"), record_str(coop, "name"));
		page_capitalized(b, record_str(coop, "kind"));
		html_printf(b, " · ");
		page_status(b, coop);
		html_printf(b, " · ");
		page_period(b, coop);
		html_printf(b, "</p>");
		page_member_list(r, &cities, coop, slug);
		page_topic_tags(b, json_object_get(coop, "topics"), 4);
		html_printf(b, "</li>\n");
	}
	html_printf(b, "</ul></section>\n");
	city_cache_free(&cities);
	json_decref(items);
}

int page_city(struct req *r)
{
	json_t *city = reply_route_record(r);
	if (!city)
		return r->status;
	html_page_begin(r, record_str(city, "name"), "cities");
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/cities\">Cities</a> "
		    "<span aria-hidden=\"true\">›</span> <span aria-current=\"page\">%s</span></nav>\n",
		    record_str(city, "name"));
	html_printf(b, "<h1>%s</h1>\n", record_str(city, "name"));
	page_record_actions(r, &entity_city, city);
	subtitle(b, city);
	page_city_facts(b, city);
	if (record_str(city, "description")) {
		html_printf(b, "<section aria-labelledby=\"about\"><h2 id=\"about\">About</h2>\n");
		page_paragraphs(b, record_str(city, "description"));
		html_printf(b, "</section>\n");
	}
	cooperations_of(r, r->slug);
	html_printf(b, "<div class=\"page-foot\">");
	if (record_str(city, "source"))
		html_printf(b, "<p class=\"source\">Source: %s</p>\n", record_str(city, "source"));
	html_printf(b, "<p class=\"data-link\"><a href=\"/api/v1/cities/%u\">This city as JSON</a></p></div>\n", r->slug);
	json_decref(city);
	return html_page_end(r, 200);
}
