/* page_directory.c: the public directory: "/" lists cooperations and "/cities" lists
 * cities, each with a filter form that uses the same filters as the JSON API (the route
 * table validated them already), a result count and paging. */
#include "core/country.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>

/* A <select> whose options are values (shown through `show` when given). */
static void select_values(struct buf *b, const char *name, const char *label, json_t *values,
			  const char *current, void (*show)(struct buf *, const char *))
{
	html_printf(b, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
		    "<option value=\"\">Any</option>", name, label, name, name);
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		const char *value = json_string_value(json_array_get(v, 0));
		const char *text = json_string_value(json_array_get(v, 1));
		html_printf(b, "<option value=\"%s\"%R>", value,
			    current && strcmp(current, value) == 0 ? " selected" : "");
		if (show)
			show(b, text);
		else
			html_text(b, text);
		html_printf(b, "</option>");
	}
	html_printf(b, "</select></div>\n");
}

/* [[value, text], ...] from a list of records. */
static json_t *pairs(json_t *records, const char *value_field, const char *text_field, int number_prefix)
{
	json_t *out = json_array();
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec) {
		json_t *v = json_object_get(rec, value_field);
		char value[32], text[300];
		const char *vs = json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(value, sizeof value, "%lld", (long long)json_integer_value(v));
			vs = value;
		}
		if (number_prefix)
			snprintf(text, sizeof text, "%s. %s", vs, json_string_value(json_object_get(rec, text_field)));
		else
			snprintf(text, sizeof text, "%s", json_string_value(json_object_get(rec, text_field)));
		json_array_append_new(out, json_pack("[ss]", vs, text));
	}
	return out;
}

static json_t *same_pairs(json_t *values)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v)
		json_array_append_new(out, json_pack("[OO]", v, v));
	return out;
}

static void choices_select(struct buf *b, const struct req *r, const char *name, const char *label,
			   const char *const *choices)
{
	json_t *values = json_array();
	for (const char *const *c = choices; *c; c++)
		json_array_append_new(values, json_pack("[ss]", *c, *c));
	select_values(b, name, label, values, req_arg(r, name), NULL);
	json_decref(values);
}

static void show_country(struct buf *b, const char *code)
{
	html_country(b, code);
}

/* Options read from the database; an empty select when the read fails. */
static json_t *all_records(struct req *r, const struct entity *e)
{
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1];
	long total;
	if (store_list(r->db, e, &q, &items, next, &total))
		return json_array();
	return items;
}

static void search_field(struct buf *b, const struct req *r, const char *label)
{
	html_printf(b, "<div class=\"field field-wide\"><label for=\"f-q\">%s</label>"
		    "<input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"100\" value=\"%s\"></div>\n",
		    label, req_arg(r, "q") ? req_arg(r, "q") : "");
}

static void country_select(struct buf *b, struct req *r)
{
	json_t *codes = NULL;
	store_values(r->db, &entity_city, "country", &codes);
	json_t *opts = same_pairs(codes ? codes : json_array());
	select_values(b, "country", "Country", opts, req_arg(r, "country"), show_country);
	json_decref(opts);
	json_decref(codes);
}

static void filter_form(struct req *r)
{
	struct buf *b = &r->body;
	html_printf(b, "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Filter cooperations\">\n");
	search_field(b, r, "Name or city");
	const struct entity *e = &entity_cooperation;
	choices_select(b, r, "kind", "Kind", entity_field(e, "kind")->choices);
	choices_select(b, r, "status", "Status", entity_field(e, "status")->choices);
	json_t *recs = all_records(r, &entity_programme), *opts = pairs(recs, "slug", "name", 0);
	select_values(b, "programme", "Programme", opts, req_arg(r, "programme"), NULL);
	json_decref(recs);
	json_decref(opts);
	choices_select(b, r, "world_region", "World region", world_regions);
	country_select(b, r);
	recs = all_records(r, &entity_topic);
	opts = pairs(recs, "name", "name", 0);
	select_values(b, "topic", "Topic", opts, req_arg(r, "topic"), NULL);
	json_decref(recs);
	json_decref(opts);
	recs = all_records(r, &entity_sdg);
	opts = pairs(recs, "number", "title", 1);
	select_values(b, "sdg", "Sustainable Development Goal", opts, req_arg(r, "sdg"), NULL);
	json_decref(recs);
	json_decref(opts);
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Show cooperations</button> "
		    "<a href=\"/\">Clear filters</a></div>\n</form>\n");
}

/* "Next page" keeps every filter and adds the cursor. */
static void pager(struct req *r, const char *base, const char *next)
{
	if (!*next)
		return;
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"%s?", base);
	for (int i = 0; i < r->nargs; i++) {
		if (strcmp(r->args[i].name, "cursor") == 0 || !r->args[i].value || !*r->args[i].value)
			continue;
		html_printf(b, "%u=%u&amp;", r->args[i].name, r->args[i].value);
	}
	html_printf(b, "cursor=%u\">Next page</a></nav>\n", next);
}

static void cooperation_row(struct req *r, struct city_cache *cities, json_t *coop)
{
	struct buf *b = &r->body;
	html_printf(b, "<tr><th scope=\"row\"><a href=\"/cooperations/%u\">%s</a><span class=\"kind\">%s</span></th><td>",
		    record_str(coop, "slug"), record_str(coop, "name"), record_str(coop, "kind"));
	page_member_list(r, cities, coop);
	html_printf(b, "</td><td>");
	page_topic_tags(b, json_object_get(coop, "topics"), 3);
	html_printf(b, "</td><td>");
	page_status(b, coop);
	html_printf(b, "</td><td>");
	page_period(b, coop);
	html_printf(b, "</td></tr>\n");
}

int page_directory(struct req *r)
{
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	int rc = store_list(r->db, &entity_cooperation, &r->list, &items, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, "City-to-city cooperations", "cooperations");
	struct buf *b = &r->body;
	html_printf(b, "<h1>City-to-city cooperations</h1>\n<p class=\"lead\">Cities in Europe paired or "
		    "grouped with cities in Asia and the Americas, working together on sustainable urban "
		    "development.</p>\n");
	filter_form(r);
	html_printf(b, "<p class=\"count\" role=\"status\">%ld %s</p>\n", total, total == 1 ? "cooperation" : "cooperations");
	if (json_array_size(items)) {
		struct city_cache cities = CITY_CACHE_INIT;
		html_printf(b, "<div class=\"table-wrap\"><table class=\"directory\">\n<caption class=\"visually-hidden\">"
			    "Cooperations</caption>\n<thead><tr><th scope=\"col\">Cooperation</th><th scope=\"col\">"
			    "Cities</th><th scope=\"col\">Topics</th><th scope=\"col\">Status</th><th scope=\"col\">"
			    "Period</th></tr></thead>\n<tbody>\n");
		size_t i;
		json_t *coop;
		json_array_foreach(items, i, coop)
			cooperation_row(r, &cities, coop);
		html_printf(b, "</tbody></table></div>\n");
		city_cache_free(&cities);
	} else {
		html_printf(b, "<p class=\"empty\">No cooperation matches these filters. "
			    "<a href=\"/\">Show all cooperations</a>.</p>\n");
	}
	pager(r, "/", next);
	json_decref(items);
	return html_page_end(r, 200);
}

int page_cities(struct req *r)
{
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	int rc = store_list(r->db, &entity_city, &r->list, &items, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, "Cities", "cities");
	struct buf *b = &r->body;
	html_printf(b, "<h1>Cities</h1>\n<form class=\"filters\" method=\"get\" action=\"/cities\" role=\"search\" "
		    "aria-label=\"Filter cities\">\n");
	search_field(b, r, "Name");
	choices_select(b, r, "world_region", "World region", world_regions);
	country_select(b, r);
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Show cities</button> "
		    "<a href=\"/cities\">Clear filters</a></div>\n</form>\n");
	html_printf(b, "<p class=\"count\" role=\"status\">%ld %s</p>\n", total, total == 1 ? "city" : "cities");
	if (json_array_size(items)) {
		html_printf(b, "<div class=\"table-wrap\"><table class=\"directory\">\n<caption class=\"visually-hidden\">"
			    "Cities</caption>\n<thead><tr><th scope=\"col\">City</th><th scope=\"col\">Country</th>"
			    "<th scope=\"col\" class=\"num\">Population</th><th scope=\"col\" class=\"num\">Area</th>"
			    "<th scope=\"col\">Leader</th></tr></thead>\n<tbody>\n");
		size_t i;
		json_t *city;
		json_array_foreach(items, i, city) {
			html_printf(b, "<tr><th scope=\"row\"><a href=\"/cities/%u\">%s</a></th><td>",
				    record_str(city, "slug"), record_str(city, "name"));
			html_country(b, record_str(city, "country"));
			html_printf(b, "</td><td class=\"num\">");
			if (json_is_integer(json_object_get(city, "population")))
				html_number(b, record_int(city, "population"));
			html_printf(b, "</td><td class=\"num\">");
			if (json_is_number(json_object_get(city, "area_km2")))
				html_area(b, json_number_value(json_object_get(city, "area_km2")));
			html_printf(b, "</td><td>%s</td></tr>\n", record_str(city, "leader"));
		}
		html_printf(b, "</tbody></table></div>\n");
	} else {
		html_printf(b, "<p class=\"empty\">No city matches these filters. <a href=\"/cities\">Show all cities</a>.</p>\n");
	}
	pager(r, "/cities", next);
	json_decref(items);
	return html_page_end(r, 200);
}
