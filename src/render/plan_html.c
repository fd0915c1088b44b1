/* plan_html.c: the U-CAP summary as HTML, for the web page and the HTML report.
 *
 * Values reach the markup only through html_printf (escaping %s) or through cmark, which
 * renders users' Markdown once md_safe.h has made its raw HTML text and its unsafe
 * links plain text. */
#include "render/plan_html.h"
#include "core/plan.h"
#include "render/md_safe.h"
#include "render/render.h"
#include "util/embed.h"
#include "web/html.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

void plan_html_markdown(struct buf *b, const char *md)
{
	if (!md || !*md)
		return;
	/* Raw HTML becomes the text it is and unsafe links their text (md_safe.h), so cmark
	 * escapes it like any text; CMARK_OPT_DEFAULT, never CMARK_OPT_UNSAFE, would still
	 * omit any raw HTML left and blank dangerous addresses. */
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	md_safe_tree(doc);
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	if (html)
		buf_puts(b, html);
	free(html);
	cmark_node_free(doc);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void heading(struct buf *b, const struct plan_section *s, const struct plan_html_options *opt)
{
	html_printf(b, "<section class=\"ucap-section\" id=\"%s\" aria-labelledby=\"h-%s\">\n"
		    "<div class=\"ucap-heading\"><h2 id=\"h-%s\">%s</h2>", s->key, s->key, s->key, s->title);
	if (opt->edit_slug)
		html_printf(b, "<a class=\"edit-link\" href=\"/plans/%u/edit/%u\">Edit<span class=\"visually-hidden\"> %s</span></a>",
			    opt->edit_slug, s->key, s->title);
	html_printf(b, "</div>\n");
}

static void facts(struct buf *b, const json_t *view, const struct plan_html_options *opt)
{
	json_t *rows = json_object_get(view, "header");
	html_printf(b, "<table class=\"ucap-header\">\n<thead><tr><th scope=\"col\"><span class=\"visually-hidden\">"
		    "Fact</span></th><th scope=\"col\">City</th><th scope=\"col\">Counterparts</th></tr></thead>\n<tbody>\n");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>\n", str(row, "label"),
			    str(row, "city"), str(row, "counterparts"));
	html_printf(b, "</tbody></table>\n");
	json_t *cities = json_object_get(view, "cities");
	if (!json_array_size(cities))
		return;
	html_printf(b, "<p class=\"ucap-cities\">City records: ");
	json_t *c;
	json_array_foreach(cities, i, c) {
		html_printf(b, "%R", i ? " · " : "");
		if (opt->links)
			html_printf(b, "<a href=\"/cities/%u\">%s</a>", str(c, "slug"), str(c, "name"));
		else
			html_printf(b, "%s", str(c, "name"));
		if (str(c, "native"))
			html_printf(b, " <span lang=\"%s\">%s</span>", str(c, "native_lang"), str(c, "native"));
	}
	json_t *coop = json_object_get(view, "cooperation");
	if (coop && opt->links)
		html_printf(b, " · cooperation <a href=\"/cooperations/%u\">%s</a>", str(coop, "slug"), str(coop, "name"));
	else if (coop)
		html_printf(b, " · cooperation %s", str(coop, "name"));
	html_printf(b, "</p>\n");
}

static void period(struct buf *b, const json_t *content)
{
	json_t *p = json_object_get(content, "period");
	char when[RENDER_DATE_MAX];
	if (str(p, "start") || str(p, "end"))
		html_printf(b, "<p class=\"ucap-period\">%s</p>\n",
			    render_date_range(str(p, "start") ? str(p, "start") : str(p, "end"),
					      str(p, "start") ? str(p, "end") : NULL, when, sizeof when));
}

static void themes(struct buf *b, const json_t *content)
{
	html_printf(b, "<dl class=\"ucap-themes\">\n");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(content, "themes"), i, t) {
		html_printf(b, "<dt>%s</dt><dd>", str(t, "title"));
		plan_html_markdown(b, str(t, "text"));
		html_printf(b, "</dd>\n");
	}
	html_printf(b, "</dl>\n");
}

static void goals(struct buf *b, const json_t *view, const json_t *content, const struct plan_html_options *opt)
{
	size_t i;
	json_t *v;
	if (json_array_size(json_object_get(content, "sdgs"))) {
		html_printf(b, "<ul class=\"sdgs\">\n");
		json_array_foreach(json_object_get(content, "sdgs"), i, v) {
			long long n = json_integer_value(v);
			const char *title = render_sdg_title(view, n);
			if (opt->links)
				html_printf(b, "<li><a href=\"/?sdg=%lld\"><span class=\"sdg sdg-%lld\">%lld</span> %s</a></li>\n",
					    n, n, n, title ? title : "");
			else
				html_printf(b, "<li><span class=\"sdg sdg-%lld\">%lld</span> SDG %lld: %s</li>\n", n, n, n,
					    title ? title : "");
		}
		html_printf(b, "</ul>\n");
	}
	if (json_array_size(json_object_get(content, "urban_agenda"))) {
		html_printf(b, "<p class=\"ua-label\">Urban Agenda for the EU partnerships</p><ul class=\"tags\">\n");
		json_array_foreach(json_object_get(content, "urban_agenda"), i, v)
			html_printf(b, "<li>%s</li>\n", json_string_value(v));
		html_printf(b, "</ul>\n");
	}
}

static void timeline(struct buf *b, const json_t *content)
{
	struct buf svg = BUF_INIT(1 << 20);
	/* On a phone the chart keeps a readable size and scrolls sideways in its figure
	 * (c2c.css); the figure can take the focus so that the keyboard scrolls it too. */
	if (render_timeline_svg(content, &svg) == 0 && svg.len)
		html_printf(b, "<figure class=\"ucap-timeline-chart\" tabindex=\"0\" aria-label=\"Timeline chart\">%R"
			    "<figcaption>Scroll sideways for the whole timeline; the list below has every activity."
			    "</figcaption></figure>\n", buf_str(&svg));
	buf_free(&svg);
	html_printf(b, "<ol class=\"ucap-timeline\">\n");
	size_t i, k;
	json_t *a, *p;
	json_array_foreach(json_object_get(content, "activities"), i, a) {
		html_printf(b, "<li>");
		if (str(a, "date")) {
			char when[RENDER_DATE_MAX];
			html_printf(b, "<time datetime=\"%s\">%s</time>", str(a, "date"),
				    render_date_range(str(a, "date"), str(a, "end"), when, sizeof when));
		}
		html_printf(b, "<div class=\"ucap-activity\">");
		plan_html_markdown(b, str(a, "text"));
		if (json_array_size(json_object_get(a, "points"))) {
			html_printf(b, "<ul>");
			json_array_foreach(json_object_get(a, "points"), k, p) {
				html_printf(b, "<li>");
				plan_html_markdown(b, json_string_value(p));
				html_printf(b, "</li>");
			}
			html_printf(b, "</ul>");
		}
		html_printf(b, "</div></li>\n");
	}
	html_printf(b, "</ol>\n");
}

/* Whether section s of content has anything to show. */
static int has_section(const json_t *content, const struct plan_section *s)
{
	if (s->kind == SEC_FACTS)
		return 1;
	char *text = plan_section_text(content, s);
	int any = text && *text;
	free(text);
	return any;
}

void plan_html_sections(struct buf *b, const json_t *view, const struct plan_html_options *opt)
{
	const json_t *content = json_object_get(view, "content");
	for (const struct plan_section *s = plan_sections; s->key; s++) {
		int any = has_section(content, s);
		if (strcmp(s->key, "unplaced") == 0 && !opt->show_unplaced)
			continue;
		if (!any && !opt->edit_slug)
			continue;
		heading(b, s, opt);
		if (!any)
			html_printf(b, "<p class=\"empty\">Nothing here yet.</p>\n");
		else if (s->kind == SEC_FACTS)
			facts(b, view, opt);
		else if (s->kind == SEC_PERIOD)
			period(b, content);
		else if (s->kind == SEC_THEMES)
			themes(b, content);
		else if (s->kind == SEC_GOALS)
			goals(b, view, content, opt);
		else if (s->kind == SEC_TIMELINE)
			timeline(b, content);
		else
			plan_html_markdown(b, str(content, s->key));
		html_printf(b, "</section>\n");
	}
}

extern const struct embedded_file static_files[];

/* The title block both the page and the report start with. */
void plan_html_title(struct buf *b, const json_t *view)
{
	struct buf line = BUF_INIT(4096);
	render_revision_line(view, &line);
	html_printf(b, "<header class=\"ucap-title\"><p class=\"ucap-kicker\">Urban Cooperation Action Plan "
		    "(U-CAP) at a glance</p>\n<h1>%s</h1>\n<p class=\"ucap-revision\">%s</p></header>\n",
		    str(view, "title"), buf_str(&line));
	buf_free(&line);
}

void plan_html_document(struct buf *b, const json_t *view)
{
	const struct embedded_file *css = embed_find(static_files, "c2c.css");
	html_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%s — U-CAP at a glance</title>\n<style>\n", str(view, "title"));
	if (css)
		buf_append(b, css->data, css->len);   /* our own stylesheet, compiled in */
	html_printf(b, "</style></head>\n<body class=\"report\"><main class=\"ucap\">\n");
	plan_html_title(b, view);
	struct plan_html_options opt = {0};
	plan_html_sections(b, view, &opt);
	html_printf(b, "</main></body></html>\n");
}
