/* pdf_flow.h: the page flow under the PDF summary: A4 pages, text placed line by line
 * from the top down, page breaks between lines (never through one), the head and foot
 * of every page.
 *
 * A document is laid out twice with the same calls: the first pass only measures, to
 * learn the number of pages; the second draws, and can print "Page N of M". Layout is
 * deterministic, so both passes break the pages at the same places.
 *
 * Text is Pango markup built by the caller, with every piece of user text passed through
 * flow_escape(); markup that still fails to parse is shown as plain text rather than
 * dropped. Units are PDF points (1/72 inch); y grows downwards. */
#ifndef C2C_PDF_FLOW_H
#define C2C_PDF_FLOW_H
#include "util/buf.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#define PAGE_W 595.28          /* A4 */
#define PAGE_H 841.89
#define MARGIN_X 62.0          /* left and right */
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define TEXT_TOP 64.0          /* where text starts on a page */
#define TEXT_BOTTOM (PAGE_H - 74.0)   /* no line of text goes below this */
#define MARKERS_MAX 4

enum flow_font {
	FONT_BODY,             /* running text */
	FONT_SMALL,            /* the head and foot of pages, link addresses */
	FONT_TABLE,            /* the header table */
	FONT_KICKER,           /* the line above the title */
	FONT_TITLE,
	FONT_HEADING,          /* a section's title */
	FONT_MONO,             /* code in Markdown */
	FONT_COUNT
};

struct rgb {
	double r, g, b;
};

/* The palette: one dark blue for structure, greys for rules and quiet text. */
extern const struct rgb RGB_TEXT, RGB_MUTED, RGB_ACCENT, RGB_RULE, RGB_SHADE, RGB_WHITE;

struct flow_marker {
	PangoLayout *layout;   /* owned */
	double x;
	struct rgb color;
};

struct flow {
	cairo_t *cr;
	PangoContext *pango;
	PangoFontDescription *fonts[FONT_COUNT];
	int drawing;             /* the second pass draws; the first only measures */
	int page;                /* the current page, from 1 */
	int pages;               /* the total, in the second pass; 0 in the first */
	double y;                /* top of the free space on the page */
	double pending;          /* space to leave before the next thing placed (collapsing) */
	double marker_bottom;    /* lowest point of the markers drawn last; y moves past it */
	const char *running;     /* text for the head of pages after the first (not owned) */
	const char *foot;        /* text for the left of every page's foot (not owned) */
	struct flow_marker markers[MARKERS_MAX];   /* drawn beside the next line placed */
	int nmarkers;
};

/* Sets up fonts and a Pango context for cr (not owned; must outlive the flow). running
 * and foot are borrowed. flow_free releases what flow_init made. */
void flow_init(struct flow *f, cairo_t *cr, const char *running, const char *foot);
void flow_free(struct flow *f);

/* Starts a pass at the top of page 1: drawing 0 measures, 1 draws with `pages` known.
 * flow_end finishes the last page (its foot, and the page itself when drawing). */
void flow_begin(struct flow *f, int drawing, int pages);
void flow_end(struct flow *f);

/* Markup text escaped: & < > " ' as entities, control characters as spaces. */
void flow_escape(struct buf *b, const char *s);
void flow_escape_n(struct buf *b, const char *s, size_t n);

/* A new layout of markup in font, wrapped at width (points). Caller unrefs. */
PangoLayout *flow_layout(struct flow *f, enum flow_font font, const char *markup, double width);
double flow_layout_height(PangoLayout *l);

/* Places the lines of l at x from the current position, breaking the page between
 * lines as needed (keeping a paragraph's first two and last two lines together), and
 * draws the pending markers beside its first line. Does not take l. */
void flow_lines(struct flow *f, PangoLayout *l, double x, const struct rgb *color);
/* flow_layout + flow_lines for one paragraph. */
void flow_text(struct flow *f, enum flow_font font, const char *markup, double x, double width,
	       const struct rgb *color);

/* Queues a marker (a bullet, a number, a date) to be drawn at x on the baseline of the
 * next line placed: so it always lands on the same page as its text. Takes l. */
void flow_marker(struct flow *f, PangoLayout *l, double x, const struct rgb *color);

/* Space before the next thing placed; adjacent spaces collapse to the largest, and none
 * is left at the top of a page. */
void flow_space(struct flow *f, double h);
/* Makes sure h points (after the pending space) fit on this page, else starts the next. */
void flow_need(struct flow *f, double h);
/* Reserves h points for a block drawn by the caller (a table row): applies the pending
 * space, breaks the page if h does not fit, and returns the block's top. */
double flow_take(struct flow *f, double h);
void flow_page_break(struct flow *f);

/* Drawing primitives; they do nothing in the measuring pass. */
void flow_draw_layout(struct flow *f, PangoLayout *l, double x, double y, const struct rgb *color);
void flow_fill(struct flow *f, double x, double y, double w, double h, const struct rgb *color);
void flow_rule(struct flow *f, double x0, double y0, double x1, double y1, double width,
	       const struct rgb *color);

#endif
