/* page_city.c: /cities/{slug}, a city's profile: its facts, names, description and the
 * cooperations it takes part in. */
#include "core/country.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"

static void other_names(struct buf *b, json_t *names)
{
	if (!json_array_size(names))
		return;
	html_printf(b, "<p class=\"other-names\">Also known as ");
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n) {
		const char *lang = record_str(n, "lang");
		html_printf(b, "%R<span", i ? ", " : "");
		if (lang)
			html_printf(b, " lang=\"%s\"", lang);
		html_printf(b, ">%s</span>", record_str(n, "name"));
	}
	html_printf(b, "</p>\n");
}

static void cooperations_of(struct req *r, const char *slug)
{
	struct buf *b = &r->body;
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	list_query_set(&q, &entity_cooperation, "city", slug);
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	html_printf(b, "<section aria-labelledby=\"coops\"><h2 id=\"coops\">Cooperations</h2>\n");
	if (store_list(r->db, &entity_cooperation, &q, &items, next, &total) || total == 0) {
		html_printf(b, "<p class=\"empty\">This city takes part in no cooperation yet.</p></section>\n");
		json_decref(items);
		return;
	}
	struct city_cache cities = CITY_CACHE_INIT;
	html_printf(b, "<ul class=\"cards\">\n");
	size_t i;
	json_t *coop;
	json_array_foreach(items, i, coop) {
		html_printf(b, "<li class=\"card\"><h3><a href=\"/cooperations/%u\">%s</a></h3><p class=\"meta\">%s · ",
			    record_str(coop, "slug"), record_str(coop, "name"), record_str(coop, "kind"));
		page_status(b, coop);
		html_printf(b, " · ");
		page_period(b, coop);
		html_printf(b, "</p>");
		page_member_list(r, &cities, coop);
		html_printf(b, "</li>\n");
	}
	html_printf(b, "</ul></section>\n");
	city_cache_free(&cities);
	json_decref(items);
}

int page_city(struct req *r)
{
	json_t *city;
	int rc = store_get(r->db, &entity_city, r->slug, &city);
	if (rc == STORE_NOT_FOUND)
		return reply_error(r, 404, "not_found", NULL, "there is no city %s", r->slug);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, record_str(city, "name"), "cities");
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/cities\">Cities</a> "
		    "<span aria-hidden=\"true\">›</span> <span aria-current=\"page\">%s</span></nav>\n",
		    record_str(city, "name"));
	html_printf(b, "<h1>%s</h1>\n", record_str(city, "name"));
	if (record_str(city, "world_region"))
		html_printf(b, "<p class=\"subtitle\">%s</p>\n", record_str(city, "world_region"));
	other_names(b, json_object_get(city, "other_names"));
	page_city_facts(b, city);
	if (record_str(city, "description")) {
		html_printf(b, "<section aria-labelledby=\"about\"><h2 id=\"about\">About</h2>\n");
		page_paragraphs(b, record_str(city, "description"));
		html_printf(b, "</section>\n");
	}
	cooperations_of(r, r->slug);
	if (record_str(city, "source"))
		html_printf(b, "<p class=\"source\">Source: %s</p>\n", record_str(city, "source"));
	html_printf(b, "<p class=\"data-link\"><a href=\"/api/v1/cities/%u\">This city as JSON</a></p>\n", r->slug);
	json_decref(city);
	return html_page_end(r, 200);
}
