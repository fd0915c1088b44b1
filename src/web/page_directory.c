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
	html_printf(b, "<div class=\"field field-%s\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
		    "<option value=\"\">Any</option>", name, name, label, name, name);
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
	select_values(b, name, label, values, req_arg(r, name), page_capitalized);
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
	html_printf(b, "<div class=\"field field-search\"><label for=\"f-q\">%s</label>"
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
	/* the city filter has no control of its own: links from a city page set it, and the
	 * form keeps it until it is removed from the list of active filters */
	if (req_arg(r, "city") && *req_arg(r, "city"))
		html_printf(b, "<input type=\"hidden\" name=\"city\" value=\"%s\">\n", req_arg(r, "city"));
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Show cooperations</button> "
		    "<a href=\"/\">Clear filters</a></div>\n</form>\n");
}

/* How an active filter reads in the list above the results: "Country: Spain". */
static void filter_value(struct req *r, const char *name, const char *value)
{
	struct buf *b = &r->body;
	const struct entity *e = NULL;
	const char *field = "name";
	if (strcmp(name, "country") == 0) {
		html_country(b, value);
		return;
	}
	if (strcmp(name, "kind") == 0 || strcmp(name, "status") == 0) {
		page_capitalized(b, value);
		return;
	}
	if (strcmp(name, "q") == 0) {
		html_printf(b, "“%s”", value);
		return;
	}
	if (strcmp(name, "programme") == 0)
		e = &entity_programme;
	else if (strcmp(name, "city") == 0)
		e = &entity_city;
	else if (strcmp(name, "sdg") == 0) {
		e = &entity_sdg;
		field = "title";
	}
	json_t *rec = NULL;
	if (e && store_get(r->db, e, value, &rec) == STORE_OK && rec && record_str(rec, field)) {
		if (e == &entity_sdg)
			html_printf(b, "%s. ", value);
		html_text(b, record_str(rec, field));
	} else {
		html_text(b, value);
	}
	json_decref(rec);
}

/* The filters in use, each a link that removes it: a visitor sees why the list is short
 * and can widen it one step at a time, without JavaScript. */
static void active_filters(struct req *r, const struct entity *e, const char *base)
{
	struct buf *b = &r->body;
	int shown = 0;
	for (const struct filter *f = e->filters; f && f->param; f++) {
		const char *value = req_arg(r, f->param);
		if (!value || !*value)
			continue;
		if (!shown++)
			html_printf(b, "<ul class=\"active-filters\" aria-label=\"Active filters\">");
		html_printf(b, "<li><a href=\"%s", base);
		page_query(b, r, f->param);
		html_printf(b, "\"><span class=\"visually-hidden\">Remove filter </span>%s: ", f->label);
		filter_value(r, f->param, value);
		html_printf(b, " <span class=\"x\" aria-hidden=\"true\">×</span></a></li>");
	}
	if (shown)
		html_printf(b, "</ul>\n");
}

static int filtered(const struct req *r, const struct entity *e)
{
	for (const struct filter *f = e->filters; f && f->param; f++)
		if (req_arg(r, f->param) && *req_arg(r, f->param))
			return 1;
	return 0;
}

/* "3 cooperations", or "2 cooperations match" when filters are in use, then the filters. */
static void result_count(struct req *r, const struct entity *e, const char *base, long total,
			  const char *one, const char *many)
{
	struct buf *b = &r->body;
	int f = filtered(r, e);
	html_printf(b, "<div class=\"results-head\"><p class=\"count\" role=\"status\">");
	if (total == 0 && f)
		html_printf(b, "No %s matches these filters", one);
	else
		html_printf(b, "%ld %s%R", total, total == 1 ? one : many,
			    !f ? "" : total == 1 ? " matches these filters" : " match these filters");
	html_printf(b, "</p>\n");
	active_filters(r, e, base);
	html_printf(b, "</div>\n");
}

/* What to do when the list is empty: widen the filters, or (without filters) nothing has
 * been published yet. The count above already says that nothing matched. */
static void empty_state(struct req *r, const struct entity *e, const char *base, const char *plural)
{
	if (filtered(r, e))
		html_printf(&r->body, "<div class=\"empty\"><p>Try removing one of the filters above, choosing “Any” "
			    "in some of the fields, or <a href=\"%s\">show all %s</a>.</p></div>\n", base, plural);
	else
		html_printf(&r->body, "<div class=\"empty\"><p>No %s have been published yet.</p></div>\n", plural);
}

/* "Next page" keeps every filter and adds the cursor. */
static void pager(struct req *r, const char *base, const char *next)
{
	if (!*next)
		return;
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"%s", base);
	int n = page_query(b, r, NULL);
	html_printf(b, "%Rcursor=%u\">Next page <span aria-hidden=\"true\">→</span></a></nav>\n", n ? "&amp;" : "?", next);
}

/* Each cell starts with its column's name, shown only when the table is laid out as cards
 * on a narrow screen (where the column headings are hidden). */
static void cell(struct buf *b, const char *cls, const char *label)
{
	html_printf(b, "<td class=\"%s\"><span class=\"cell-label\">%s</span>", cls, label);
}

static void cooperation_row(struct req *r, struct city_cache *cities, json_t *coop)
{
	struct buf *b = &r->body;
	size_t n = json_array_size(json_object_get(coop, "members"));
	html_printf(b, "<tr><th scope=\"row\" class=\"c-name\"><a href=\"/cooperations/%u\">%s</a><span class=\"kind\">",
		    record_str(coop, "slug"), record_str(coop, "name"));
	page_capitalized(b, record_str(coop, "kind"));
	if (n > 2)
		html_printf(b, " of %zu cities", n);
	html_printf(b, "</span></th>");
	cell(b, "c-cities", "Cities");
	page_member_list(r, cities, coop, NULL);
	html_printf(b, "</td>");
	cell(b, "c-topics", "Topics");
	page_topic_tags(b, json_object_get(coop, "topics"), 3);
	html_printf(b, "</td>");
	cell(b, "c-status", "Status");
	page_status(b, coop);
	html_printf(b, "</td>");
	cell(b, "c-period", "Period");
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
	result_count(r, &entity_cooperation, "/", total, "cooperation", "cooperations");
	if (json_array_size(items)) {
		struct city_cache cities = CITY_CACHE_INIT;
		html_printf(b, "<div class=\"table-wrap\"><table class=\"directory coops\">\n<caption class=\"visually-hidden\">"
			    "Cooperations</caption>\n<thead><tr><th scope=\"col\" class=\"c-name\">Cooperation</th>"
			    "<th scope=\"col\" class=\"c-cities\">Cities</th><th scope=\"col\" class=\"c-topics\">Topics</th>"
			    "<th scope=\"col\" class=\"c-status\">Status</th><th scope=\"col\" class=\"c-period\">"
			    "Period</th></tr></thead>\n<tbody>\n");
		size_t i;
		json_t *coop;
		json_array_foreach(items, i, coop)
			cooperation_row(r, &cities, coop);
		html_printf(b, "</tbody></table></div>\n");
		city_cache_free(&cities);
	} else {
		empty_state(r, &entity_cooperation, "/", "cooperations");
	}
	pager(r, "/", next);
	json_decref(items);
	return html_page_end(r, 200);
}

/* A fact the record lacks shows as a dash that screen readers read as "not recorded"; its
 * cell is marked is-unknown so that the phone layout can leave it out. */
static void unknown(struct buf *b)
{
	html_printf(b, "<span class=\"unknown\" aria-hidden=\"true\">–</span><span class=\"visually-hidden\">not recorded</span>");
}

static void city_row(struct buf *b, json_t *city)
{
	json_t *pop = json_object_get(city, "population"), *area = json_object_get(city, "area_km2");
	const char *leader = record_str(city, "leader");
	html_printf(b, "<tr><th scope=\"row\"><a href=\"/cities/%u\">%s</a></th>",
		    record_str(city, "slug"), record_str(city, "name"));
	cell(b, "c-country", "Country");
	html_country(b, record_str(city, "country"));
	html_printf(b, "</td>");
	cell(b, json_is_integer(pop) ? "num" : "num is-unknown", "Population");
	if (json_is_integer(pop))
		html_number(b, (long long)json_integer_value(pop));
	else
		unknown(b);
	html_printf(b, "</td>");
	cell(b, json_is_number(area) ? "num" : "num is-unknown", "Area");
	if (json_is_number(area))
		html_area(b, json_number_value(area));
	else
		unknown(b);
	html_printf(b, "</td>");
	cell(b, leader ? "c-leader" : "c-leader is-unknown", "Leader");
	if (leader)
		html_printf(b, "%s", leader);
	else
		unknown(b);
	html_printf(b, "</td></tr>\n");
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
	html_printf(b, "<h1>Cities</h1>\n<p class=\"lead\">The local and regional governments taking part in the "
		    "programmes, with their facts and their cooperations.</p>\n<form class=\"filters\" method=\"get\" action=\"/cities\" role=\"search\" "
		    "aria-label=\"Filter cities\">\n");
	search_field(b, r, "Name");
	choices_select(b, r, "world_region", "World region", world_regions);
	country_select(b, r);
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Show cities</button> "
		    "<a href=\"/cities\">Clear filters</a></div>\n</form>\n");
	result_count(r, &entity_city, "/cities", total, "city", "cities");
	if (json_array_size(items)) {
		html_printf(b, "<div class=\"table-wrap\"><table class=\"directory cities\">\n<caption class=\"visually-hidden\">"
			    "Cities</caption>\n<thead><tr><th scope=\"col\">City</th><th scope=\"col\">Country</th>"
			    "<th scope=\"col\" class=\"num\">Population</th><th scope=\"col\" class=\"num\">Area</th>"
			    "<th scope=\"col\">Leader</th></tr></thead>\n<tbody>\n");
		size_t i;
		json_t *city;
		json_array_foreach(items, i, city)
			city_row(b, city);
		html_printf(b, "</tbody></table></div>\n");
	} else {
		empty_state(r, &entity_city, "/cities", "cities");
	}
	pager(r, "/cities", next);
	json_decref(items);
	return html_page_end(r, 200);
}
