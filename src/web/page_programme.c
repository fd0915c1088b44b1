/* page_programme.c: /programmes, the programmes on record (IUC Asia, ...), and
 * /programmes/{slug}, one programme: its facts, description and rounds, with its
 * cooperations a link away in the directory. These are the pages a programme's form
 * (page_edit.c) saves to and cancels back to, as cities and cooperations have theirs. */
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/reply.h"

/* "IUC Asia · Asia": the short name and the world region, as far as they are known. */
static void programme_meta(struct buf *b, json_t *p)
{
	const char *short_name = record_str(p, "short_name"), *region = record_str(p, "world_region");
	if (!short_name && !region)
		return;
	html_printf(b, "<p class=\"meta\">%s%R%s</p>", short_name ? short_name : "", short_name && region ? " · " : "",
		    region ? region : "");
}

int page_programmes(struct req *r)
{
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1];
	long total = 0;
	int rc = store_list(r->db, &entity_programme, &q, &items, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	html_page_begin(r, "Programmes", "programmes");
	struct buf *b = &r->body;
	html_printf(b, "<h1>Programmes</h1>\n");
	if (!total)
		html_printf(b, "<p class=\"empty\">No programmes have been published yet.</p>\n");
	else
		html_printf(b, "<ul class=\"cards\">\n");
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p) {
		const char *slug = record_str(p, "slug");
		html_printf(b, "<li class=\"card\"><h2><a href=\"/programmes/%u\">%s</a></h2>", slug, record_str(p, "name"));
		programme_meta(b, p);
		html_printf(b, "<p><a href=\"/?programme=%u\">Its cooperations</a></p></li>\n", slug);
	}
	if (total)
		html_printf(b, "</ul>\n");
	json_decref(items);
	return html_page_end(r, 200);
}

/* The rounds, in their order: "Pilot cities 2018 (2018)". */
static void rounds(struct buf *b, json_t *p)
{
	json_t *list = json_object_get(p, "rounds"), *round;
	if (!json_array_size(list))
		return;
	html_printf(b, "<section aria-labelledby=\"rounds\"><h2 id=\"rounds\">Rounds</h2>\n<ul>");
	size_t i;
	json_array_foreach(list, i, round) {
		json_t *year = json_object_get(round, "year");
		html_printf(b, "<li>%s", record_str(round, "name"));
		if (json_is_integer(year))
			html_printf(b, " (%lld)", (long long)json_integer_value(year));
		html_printf(b, "</li>");
	}
	html_printf(b, "</ul></section>\n");
}

int page_programme(struct req *r)
{
	json_t *p = reply_route_record(r);
	if (!p)
		return r->status;
	const char *name = record_str(p, "name"), *url = record_str(p, "url");
	html_page_begin(r, name, "programmes");
	struct buf *b = &r->body;
	html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"/programmes\">Programmes</a> "
		    "<span aria-hidden=\"true\">›</span> <span aria-current=\"page\">%s</span></nav>\n<h1>%s</h1>\n", name, name);
	page_record_actions(r, &entity_programme, p);
	programme_meta(b, p);
	/* the URL was checked to be http(s) when stored (programme.c), so it is safe as a link */
	if (url)
		html_printf(b, "<p><a href=\"%s\" rel=\"external\">%s</a></p>\n", url, url);
	if (record_str(p, "description")) {
		html_printf(b, "<section aria-labelledby=\"about\"><h2 id=\"about\">About</h2>\n");
		page_paragraphs(b, record_str(p, "description"));
		html_printf(b, "</section>\n");
	}
	rounds(b, p);
	html_printf(b, "<p class=\"section-lead\"><a href=\"/?programme=%u\">Its cooperations in the directory</a></p>\n",
		    r->slug);
	html_printf(b, "<div class=\"page-foot\"><p class=\"data-link\"><a href=\"/api/v1/programmes/%u\">This programme as "
		    "JSON</a></p></div>\n", r->slug);
	json_decref(p);
	return html_page_end(r, 200);
}
