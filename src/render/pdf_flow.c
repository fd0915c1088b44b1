/* pdf_flow.c: A4 pages filled line by line, with a head and a foot; see pdf_flow.h. */
#include "render/pdf_flow.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct rgb RGB_TEXT = {0.11, 0.12, 0.14};
const struct rgb RGB_MUTED = {0.36, 0.40, 0.45};
const struct rgb RGB_ACCENT = {0.09, 0.23, 0.38};    /* #173a61 */
const struct rgb RGB_RULE = {0.76, 0.80, 0.86};
const struct rgb RGB_SHADE = {0.93, 0.95, 0.97};
const struct rgb RGB_WHITE = {1, 1, 1};

/* Noto Sans for Latin text where it is installed, Noto Sans CJK SC for Chinese (and
 * for Latin where Noto Sans is not: it has Latin glyphs of the same design); fontconfig
 * falls back further per character. Sizes are points: the context runs at 72 dpi. */
#define SANS "Noto Sans,Noto Sans CJK SC,DejaVu Sans,sans-serif"
static const char *const font_specs[FONT_COUNT] = {
	[FONT_BODY] = SANS " 9.5",
	[FONT_SMALL] = SANS " 7.5",
	[FONT_TABLE] = SANS " 9",
	[FONT_KICKER] = SANS " Bold 9.5",
	[FONT_TITLE] = SANS " Bold 19",
	[FONT_HEADING] = SANS " Bold 12",
	[FONT_MONO] = "Noto Sans Mono CJK SC,DejaVu Sans Mono,monospace 8.5",
};

#define FOOT_RULE_Y (PAGE_H - 54.0)
#define HEAD_RULE_Y 44.0

void flow_init(struct flow *f, cairo_t *cr, const char *running, const char *foot)
{
	memset(f, 0, sizeof *f);
	f->cr = cr;
	f->running = running;
	f->foot = foot;
	f->pango = pango_cairo_create_context(cr);
	pango_cairo_context_set_resolution(f->pango, 72);
	/* Outlines as designed, not snapped to a screen's pixels: this is print. */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(f->pango, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(f->pango, pango_language_from_string("en"));
	for (int i = 0; i < FONT_COUNT; i++)
		f->fonts[i] = pango_font_description_from_string(font_specs[i]);
}

static void drop_markers(struct flow *f)
{
	for (int i = 0; i < f->nmarkers; i++)
		g_object_unref(f->markers[i].layout);
	f->nmarkers = 0;
}

void flow_free(struct flow *f)
{
	drop_markers(f);
	for (int i = 0; i < FONT_COUNT; i++)
		pango_font_description_free(f->fonts[i]);
	g_object_unref(f->pango);
}

/* ---- markup ---- */

void flow_escape_n(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default:
			/* the markup parser refuses controls; validated text has none, but be sure */
			buf_putc(b, c < 0x20 && c != '\n' && c != '\t' ? ' ' : (char)c);
		}
	}
}

void flow_escape(struct buf *b, const char *s)
{
	if (s)
		flow_escape_n(b, s, strlen(s));
}

/* markup without its tags (entities are left as they are). */
static void strip_tags(struct buf *b, const char *markup)
{
	for (const char *p = markup; *p; p++) {
		if (*p != '<') {
			buf_putc(b, *p);
			continue;
		}
		p = strchr(p, '>');
		if (!p)
			break;
	}
}

PangoLayout *flow_layout(struct flow *f, enum flow_font font, const char *markup, double width)
{
	PangoLayout *l = pango_layout_new(f->pango);
	pango_layout_set_font_description(l, f->fonts[font]);
	pango_layout_set_width(l, pango_units_from_double(width));
	/* long words (addresses, URLs) break anywhere rather than run into the margin */
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	/* air between the lines of running text; table cells are read a line at a time */
	if (font == FONT_BODY || font == FONT_TABLE)
		pango_layout_set_line_spacing(l, font == FONT_BODY ? 1.3f : 1.15f);
	PangoAttrList *attrs = NULL;
	char *text = NULL;
	if (pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, NULL)) {
		pango_layout_set_text(l, text, -1);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		g_free(text);
	} else {
		/* Every user text is escaped, so this is a bug of ours: say so, and show the
		 * words without the tags rather than lose them. */
		log_error("pdf: Pango refused markup: %.120s", markup);
		struct buf plain = BUF_INIT(strlen(markup) + 1);
		strip_tags(&plain, markup);
		pango_layout_set_text(l, buf_str(&plain), -1);
		buf_free(&plain);
	}
	return l;
}

double flow_layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return pango_units_to_double(h);
}

/* ---- pages ---- */

static void set_color(struct flow *f, const struct rgb *c)
{
	cairo_set_source_rgb(f->cr, c->r, c->g, c->b);
}

void flow_draw_layout(struct flow *f, PangoLayout *l, double x, double y, const struct rgb *color)
{
	if (!f->drawing)
		return;
	set_color(f, color);
	cairo_move_to(f->cr, x, y);
	pango_cairo_show_layout(f->cr, l);
}

void flow_fill(struct flow *f, double x, double y, double w, double h, const struct rgb *color)
{
	if (!f->drawing)
		return;
	set_color(f, color);
	cairo_rectangle(f->cr, x, y, w, h);
	cairo_fill(f->cr);
}

void flow_rule(struct flow *f, double x0, double y0, double x1, double y1, double width,
	       const struct rgb *color)
{
	if (!f->drawing)
		return;
	set_color(f, color);
	cairo_set_line_width(f->cr, width);
	cairo_move_to(f->cr, x0, y0);
	cairo_line_to(f->cr, x1, y1);
	cairo_stroke(f->cr);
}

/* One line of small text: left-aligned at x, or right-aligned ending at x. */
static void small_line(struct flow *f, const char *text, double x, double y, int right)
{
	struct buf m = BUF_INIT(1 << 16);
	flow_escape(&m, text);
	PangoLayout *l = flow_layout(f, FONT_SMALL, buf_str(&m), TEXT_W * 0.7);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);   /* one line, however long */
	PangoRectangle ink, logical;
	pango_layout_get_extents(l, &ink, &logical);
	double w = pango_units_to_double(logical.x + logical.width);
	flow_draw_layout(f, l, right ? x - w : x, y, &RGB_MUTED);
	g_object_unref(l);
	buf_free(&m);
}

/* The running head (after the first page, which has the title block instead). */
static void page_head(struct flow *f)
{
	if (f->page == 1 || !f->drawing)
		return;
	small_line(f, f->running, MARGIN_X, HEAD_RULE_Y - 12, 0);
	small_line(f, "U-CAP at a glance", PAGE_W - MARGIN_X, HEAD_RULE_Y - 12, 1);
	flow_rule(f, MARGIN_X, HEAD_RULE_Y, PAGE_W - MARGIN_X, HEAD_RULE_Y, 0.5, &RGB_RULE);
}

static void page_foot(struct flow *f)
{
	if (!f->drawing)
		return;
	char pages[64];
	snprintf(pages, sizeof pages, "Page %d of %d", f->page, f->pages);
	flow_rule(f, MARGIN_X, FOOT_RULE_Y, PAGE_W - MARGIN_X, FOOT_RULE_Y, 0.5, &RGB_RULE);
	small_line(f, f->foot, MARGIN_X, FOOT_RULE_Y + 6, 0);
	small_line(f, pages, PAGE_W - MARGIN_X, FOOT_RULE_Y + 6, 1);
}

void flow_begin(struct flow *f, int drawing, int pages)
{
	drop_markers(f);
	f->drawing = drawing;
	f->pages = pages;
	f->page = 1;
	f->y = TEXT_TOP;
	f->pending = 0;
	f->marker_bottom = 0;
}

void flow_end(struct flow *f)
{
	page_foot(f);
	if (f->drawing)
		cairo_show_page(f->cr);
	drop_markers(f);
}

void flow_page_break(struct flow *f)
{
	page_foot(f);
	if (f->drawing)
		cairo_show_page(f->cr);
	f->page++;
	f->y = TEXT_TOP;
	f->pending = 0;
	f->marker_bottom = 0;
	page_head(f);
}

void flow_space(struct flow *f, double h)
{
	if (h > f->pending)
		f->pending = h;
}

/* The pending space, unless at the top of a page where it would only push text down. */
static void apply_pending(struct flow *f)
{
	if (f->y > TEXT_TOP)
		f->y += f->pending;
	f->pending = 0;
}

void flow_need(struct flow *f, double h)
{
	double room = TEXT_BOTTOM - f->y - (f->y > TEXT_TOP ? f->pending : 0);
	if (h > room && f->y > TEXT_TOP)
		flow_page_break(f);
}

double flow_take(struct flow *f, double h)
{
	flow_need(f, h);
	apply_pending(f);
	double top = f->y;
	f->y += h;
	return top;
}

void flow_marker(struct flow *f, PangoLayout *l, double x, const struct rgb *color)
{
	if (f->nmarkers == MARKERS_MAX) {   /* markers without text to stand by: drop the oldest */
		g_object_unref(f->markers[0].layout);
		memmove(f->markers, f->markers + 1, (MARKERS_MAX - 1) * sizeof *f->markers);
		f->nmarkers--;
	}
	f->markers[f->nmarkers++] = (struct flow_marker){l, x, *color};
}

/* ---- lines ---- */

struct line_box {
	PangoLayoutLine *line;   /* owned by the layout */
	double x, top, height;   /* logical box, in the layout's coordinates */
	double baseline;         /* from the layout's top */
};

/* The lines of l, with their boxes; *n set. Caller frees the array. */
static struct line_box *line_boxes(PangoLayout *l, int *n)
{
	struct line_box *boxes = xcalloc((size_t)pango_layout_get_line_count(l) + 1, sizeof *boxes);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int i = 0;
	do {
		PangoRectangle logical;
		int y0, y1;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		boxes[i] = (struct line_box){pango_layout_iter_get_line_readonly(it), pango_units_to_double(logical.x),
					     pango_units_to_double(y0), pango_units_to_double(y1 - y0),
					     pango_units_to_double(pango_layout_iter_get_baseline(it))};
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	*n = i;
	return boxes;
}

/* Height the markers need below the baseline of the line they stand by. */
static double markers_below(struct flow *f)
{
	double below = 0;
	for (int i = 0; i < f->nmarkers; i++) {
		PangoLayout *m = f->markers[i].layout;
		double h = flow_layout_height(m) - pango_units_to_double(pango_layout_get_baseline(m));
		if (h > below)
			below = h;
	}
	return below;
}

/* Draws the pending markers with their baselines on `baseline`, then forgets them. */
static void place_markers(struct flow *f, double baseline)
{
	for (int i = 0; i < f->nmarkers; i++) {
		struct flow_marker *m = &f->markers[i];
		double top = baseline - pango_units_to_double(pango_layout_get_baseline(m->layout));
		flow_draw_layout(f, m->layout, m->x, top, &m->color);
		double bottom = top + flow_layout_height(m->layout);
		if (bottom > f->marker_bottom)
			f->marker_bottom = bottom;
	}
	drop_markers(f);
}

/* The height line i needs free to be placed. No line is left alone at the foot or the
 * head of a page: the first line goes with the second (with all three of a three-line
 * paragraph, which cannot be split otherwise), the last but one with the last; and the
 * first needs room for the markers beside it. */
static double needed(struct flow *f, const struct line_box *b, int i, int n)
{
	double h = b[i].height;
	if (i == 0)
		for (int k = 1; k < (n <= 3 ? n : 2); k++)
			h += b[k].height;
	else if (i == n - 2 && i >= 2)
		h += b[i + 1].height;
	if (i == 0 && f->nmarkers) {
		double m = b[0].baseline - b[0].top + markers_below(f);
		if (m > h)
			h = m;
	}
	return h;
}

void flow_lines(struct flow *f, PangoLayout *l, double x, const struct rgb *color)
{
	int n;
	struct line_box *b = line_boxes(l, &n);
	for (int i = 0; i < n; i++) {
		if (i == 0)
			flow_need(f, needed(f, b, i, n));
		else if (f->y + needed(f, b, i, n) > TEXT_BOTTOM)
			flow_page_break(f);
		if (i == 0)
			apply_pending(f);
		double baseline = f->y + b[i].baseline - b[i].top;
		if (f->drawing) {
			set_color(f, color);
			cairo_move_to(f->cr, x + b[i].x, baseline);
			pango_cairo_show_layout_line(f->cr, b[i].line);
		}
		if (i == 0)
			place_markers(f, baseline);
		f->y += b[i].height;
	}
	free(b);
	if (f->marker_bottom > f->y)
		f->y = f->marker_bottom;
	f->marker_bottom = 0;
}

void flow_text(struct flow *f, enum flow_font font, const char *markup, double x, double width,
	       const struct rgb *color)
{
	PangoLayout *l = flow_layout(f, font, markup, width);
	flow_lines(f, l, x, color);
	g_object_unref(l);
}
