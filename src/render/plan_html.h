/* plan_html.h: the U-CAP summary as HTML (plan_html.c), shared by the web page
 * (web/page_plan.c) and `c2c report ucap --format html`. Input: a plan view (plan_view.h). */
#ifndef C2C_PLAN_HTML_H
#define C2C_PLAN_HTML_H
#include "util/buf.h"

#include <jansson.h>

struct plan_html_options {
	const char *edit_slug;    /* "nice": an Edit link per section to /plans/nice/edit/...
				     (and empty sections shown) for someone who may edit; NULL
				     otherwise */
	int links;                /* link cities and the cooperation to their pages */
	int show_unplaced;        /* show the importer's unplaced text (to editors) */
};

/* Every section of the view's content, in table order, each a <section> with an <h2>. */
void plan_html_sections(struct buf *b, const json_t *view, const struct plan_html_options *opt);

/* Users' Markdown as HTML through cmark: raw HTML shown as the text it is, links other
 * than http, https, mailto and relative ones as their text (md_safe.h). */
void plan_html_markdown(struct buf *b, const char *md);

/* A whole standalone HTML document of the summary (the stylesheet inlined), for the
 * report command. */
void plan_html_document(struct buf *b, const json_t *view);

/* The title block: "U-CAP at a glance", the title, the revision line. */
void plan_html_title(struct buf *b, const json_t *view);

#endif
