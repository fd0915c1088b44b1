/* page_shared.c: pieces shared by the HTML pages; see pages.h. */
#include "web/pages.h"
#include "web/html.h"

#include <string.h>

json_t *city_cache_get(struct req *r, struct city_cache *c, const char *slug)
{
	if (!c->by_slug)
		c->by_slug = json_object();
	json_t *city = json_object_get(c->by_slug, slug);
	if (!city) {
		if (store_get(r->db, &entity_city, slug, &city) != STORE_OK || !city)
			city = json_null();
		json_object_set_new(c->by_slug, slug, city);
	}
	return json_is_object(city) ? city : NULL;
}

void city_cache_free(struct city_cache *c)
{
	json_decref(c->by_slug);
	c->by_slug = NULL;
}

void page_member_list(struct req *r, struct city_cache *c, json_t *coop, const char *current)
{
	struct buf *b = &r->body;
	json_t *members = json_object_get(coop, "members");
	html_printf(b, "<ul class=\"members\">");
	size_t i;
	json_t *slug;
	json_array_foreach(members, i, slug) {
		json_t *city = city_cache_get(r, c, json_string_value(slug));
		if (!city)
			continue;
		if (current && strcmp(current, record_str(city, "slug")) == 0)
			html_printf(b, "<li class=\"current\"><span>%s</span>", record_str(city, "name"));
		else
			html_printf(b, "<li><a href=\"/cities/%u\">%s</a>", record_str(city, "slug"), record_str(city, "name"));
		if (record_str(city, "country")) {
			html_printf(b, " <span class=\"country\">");
			html_country(b, record_str(city, "country"));
			html_printf(b, "</span>");
		}
		html_printf(b, "</li>");
	}
	html_printf(b, "</ul>");
}

void page_topic_tags(struct buf *b, json_t *topics, size_t max)
{
	size_t n = json_array_size(topics);
	if (!n)
		return;
	html_printf(b, "<ul class=\"tags\">");
	for (size_t i = 0; i < n && (max == 0 || i < max); i++) {
		const char *t = json_string_value(json_array_get(topics, i));
		html_printf(b, "<li><a href=\"/?topic=%u\">%s</a></li>", t, t);
	}
	if (max && n > max)
		html_printf(b, "<li class=\"more\">and %zu more</li>", n - max);
	html_printf(b, "</ul>");
}

void page_status(struct buf *b, json_t *coop)
{
	const char *status = record_str(coop, "status");
	if (status)
		html_printf(b, "<span class=\"status status-%s\">%s</span>", status, status);
}

void page_period(struct buf *b, json_t *coop)
{
	const char *start = record_str(coop, "start_date"), *end = record_str(coop, "end_date");
	if (start && end) {
		html_date(b, start);
		html_printf(b, " – ");
		html_date(b, end);
	} else if (start) {
		html_printf(b, "since ");
		html_date(b, start);
	} else if (end) {
		html_printf(b, "until ");
		html_date(b, end);
	}
}

void page_paragraphs(struct buf *b, const char *text)
{
	if (!text)
		return;
	const char *p = text;
	while (*p) {
		while (*p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		html_printf(b, "<p>");
		/* one paragraph: escape it line by line, keeping single line breaks */
		const char *line = p;
		while (line < p + n) {
			const char *nl = memchr(line, '\n', (size_t)(p + n - line));
			size_t len = nl ? (size_t)(nl - line) : (size_t)(p + n - line);
			html_text_n(b, line, len);
			if (nl && nl + 1 < p + n)
				html_printf(b, "<br>");
			line += len + (nl ? 1 : 0);
		}
		html_printf(b, "</p>\n");
		p += n;
	}
}

void page_city_facts(struct buf *b, json_t *city)
{
	html_printf(b, "<dl class=\"facts\">");
	if (record_str(city, "country")) {
		html_printf(b, "<div><dt>Country</dt><dd>");
		html_country(b, record_str(city, "country"));
		html_printf(b, "</dd></div>");
	}
	if (record_str(city, "region"))
		html_printf(b, "<div><dt>Province or region</dt><dd>%s</dd></div>", record_str(city, "region"));
	if (json_is_integer(json_object_get(city, "population"))) {
		html_printf(b, "<div><dt>Population</dt><dd>");
		html_number(b, record_int(city, "population"));
		html_printf(b, "</dd></div>");
	}
	if (json_is_number(json_object_get(city, "area_km2"))) {
		html_printf(b, "<div><dt>Area</dt><dd>");
		html_area(b, json_number_value(json_object_get(city, "area_km2")));
		html_printf(b, "</dd></div>");
	}
	if (record_str(city, "leader")) {
		html_printf(b, "<div><dt>%s</dt><dd>%s</dd></div>",
			    record_str(city, "leader_title") ? record_str(city, "leader_title") : "Leader",
			    record_str(city, "leader"));
	}
	html_printf(b, "</dl>");
}

void page_capitalized(struct buf *b, const char *s)
{
	if (!s || !*s)
		return;
	char first[2] = {*s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s, 0};
	html_text(b, first);
	html_text(b, s + 1);
}

int page_query(struct buf *b, const struct req *r, const char *skip)
{
	int n = 0;
	for (int i = 0; i < r->nargs; i++) {
		const struct req_arg *a = &r->args[i];
		if (!a->value || !*a->value || strcmp(a->name, "cursor") == 0 || (skip && strcmp(a->name, skip) == 0))
			continue;
		html_printf(b, "%R%u=%u", n++ ? "&amp;" : "?", a->name, a->value);
	}
	return n;
}

void page_record_actions(struct req *r, const struct entity *e, const json_t *rec)
{
	if (!r->user.id)
		return;   /* visitors see the public page only (and it stays cacheable) */
	struct buf *b = &r->body;
	const char *slug = record_str(rec, e->key);
	html_printf(b, "<p class=\"record-actions\">");
	if (permission_allows(&r->user, ACT_UPDATE, e, rec))
		html_printf(b, "<a class=\"button\" href=\"/%s/%u/edit\">Edit this %s</a> ", e->plural, slug, e->name);
	if (permission_allows(&r->user, ACT_READ_INTERNAL, e, rec))
		html_printf(b, "<a href=\"/%s/%u/history\">History of changes</a> ", e->plural, slug);
	if (permission_allows(&r->user, ACT_DELETE, e, rec))
		html_printf(b, "<a href=\"/%s/%u/delete\">Delete this %s</a>", e->plural, slug, e->name);
	html_printf(b, "</p>\n");
}
