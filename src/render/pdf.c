/* pdf.c: the U-CAP summary as an A4 PDF (render.h), laid out like the programme's
 * printed summaries: a title block, the header table of the city and its counterparts,
 * then the sections in plan_sections order. Pages come from pdf_flow.c, Markdown fields
 * from pdf_markdown.c; this file decides what goes where.
 *
 * The document is laid out twice (pdf_flow.h): once to count the pages, once to draw. */
#include "core/plan.h"
#include "render/pdf_markdown.h"
#include "render/render.h"

#include <cairo-pdf.h>
#include <string.h>

#define SMALL_MAX (1 << 16)        /* markup of one line or cell */
#define TABLE_LABEL_W 128.0        /* the header table's label column */
#define CELL_PAD_X 7.0
#define CELL_PAD_Y 5.0
#define DATE_W 126.0               /* the timeline's date column */
#define SDG_MARKER_W 14.0

/* The official colours of the 17 SDGs, for the square beside each. */
static const char *const sdg_colors[18] = {
	NULL, "#e5243b", "#dda63a", "#4c9f38", "#c5192d", "#ff3a21", "#26bde2", "#fcc30b", "#a21942",
	"#fd6925", "#dd1367", "#fd9d24", "#bf8b2e", "#3f7e44", "#0a97d9", "#56c02b", "#00689d", "#19486a",
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *plan_title(const json_t *view)
{
	const char *t = str(view, "title");
	return t ? t : str(json_object_get(view, "content"), "title");
}

/* Text (escaped) in a markup wrapper; open is "" or a literal tag. */
static void put_wrapped(struct buf *m, const char *open, const char *text, const char *close)
{
	buf_puts(m, open);
	flow_escape(m, text);
	buf_puts(m, close);
}

/* ---- title block and header table ---- */

static void title_block(struct flow *f, const json_t *view)
{
	struct buf m = BUF_INIT(SMALL_MAX);
	flow_text(f, FONT_KICKER, "Urban Cooperation Action Plan (U-CAP) \xE2\x80\x94 at a glance", MARGIN_X,
		  TEXT_W, &RGB_ACCENT);
	flow_space(f, 6);
	flow_escape(&m, plan_title(view));
	flow_text(f, FONT_TITLE, buf_str(&m), MARGIN_X, TEXT_W, &RGB_TEXT);
	double y = flow_take(f, 12);
	flow_rule(f, MARGIN_X, y + 8, MARGIN_X + TEXT_W, y + 8, 2.0, &RGB_ACCENT);
	flow_space(f, 18);
	buf_free(&m);
}

/* One row of the header table. The head row (the city's name over its counterparts')
 * is dark with white text; the others have a shaded label column. A row is never split
 * across pages. */
static void header_row(struct flow *f, const json_t *row, int head)
{
	static const char *const keys[3] = {"label", "city", "counterparts"};
	double col_w[3] = {TABLE_LABEL_W, (TEXT_W - TABLE_LABEL_W) / 2, (TEXT_W - TABLE_LABEL_W) / 2};
	PangoLayout *cells[3];
	double h = 0;
	for (int i = 0; i < 3; i++) {
		struct buf m = BUF_INIT(SMALL_MAX);
		put_wrapped(&m, head || i == 0 ? "<b>" : "", str(row, keys[i]), head || i == 0 ? "</b>" : "");
		cells[i] = flow_layout(f, FONT_TABLE, buf_str(&m), col_w[i] - 2 * CELL_PAD_X);
		double ch = flow_layout_height(cells[i]);
		h = ch > h ? ch : h;
		buf_free(&m);
	}
	h += 2 * CELL_PAD_Y;
	double y = flow_take(f, h), x = MARGIN_X;
	flow_fill(f, x, y, head ? TEXT_W : col_w[0], h, head ? &RGB_ACCENT : &RGB_SHADE);
	for (int i = 0; i < 3; i++) {
		flow_draw_layout(f, cells[i], x + CELL_PAD_X, y + CELL_PAD_Y, head ? &RGB_WHITE : i ? &RGB_TEXT : &RGB_ACCENT);
		if (i > 0 && !head)
			flow_rule(f, x, y, x, y + h, 0.5, &RGB_RULE);
		x += col_w[i];
		g_object_unref(cells[i]);
	}
	if (!head) {   /* the frame; the top again, as the shading has covered half of it */
		flow_rule(f, MARGIN_X, y, MARGIN_X + TEXT_W, y, 0.5, &RGB_RULE);
		flow_rule(f, MARGIN_X, y + h, MARGIN_X + TEXT_W, y + h, 0.5, &RGB_RULE);
		flow_rule(f, MARGIN_X, y, MARGIN_X, y + h, 0.5, &RGB_RULE);
		flow_rule(f, MARGIN_X + TEXT_W, y, MARGIN_X + TEXT_W, y + h, 0.5, &RGB_RULE);
	}
}

static void header_table(struct flow *f, const json_t *view)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(view, "header"), i, row)
		header_row(f, row, i == 0);
	flow_space(f, 5);
	struct buf names = BUF_INIT(SMALL_MAX), m = BUF_INIT(SMALL_MAX);
	render_city_names(view, &names);
	if (names.len) {   /* the cities' own names, as the page shows them */
		put_wrapped(&m, "Cities: ", buf_str(&names), "");
		flow_text(f, FONT_SMALL, buf_str(&m), MARGIN_X, TEXT_W, &RGB_MUTED);
	}
	buf_free(&names);
	buf_free(&m);
	flow_space(f, 8);
}

/* ---- sections ---- */

/* A section's title, kept with at least three lines of what follows, and listed in the
 * PDF's outline (the reader's bookmarks) on the page it lands on. */
static void heading(struct flow *f, const char *title)
{
	struct buf m = BUF_INIT(SMALL_MAX);
	flow_space(f, 17);
	flow_need(f, 60);
	flow_escape(&m, title);
	PangoLayout *l = flow_layout(f, FONT_HEADING, buf_str(&m), TEXT_W);
	flow_lines(f, l, MARGIN_X, &RGB_ACCENT);
	if (f->drawing) {
		char dest[96];
		snprintf(dest, sizeof dest, "page=%d pos=[%.1f %.1f]", f->page, MARGIN_X,
			 f->y - flow_layout_height(l) - 4);
		cairo_pdf_surface_add_outline(cairo_get_target(f->cr), CAIRO_PDF_OUTLINE_ROOT, title, dest, 0);
	}
	g_object_unref(l);
	double y = flow_take(f, 3);
	flow_rule(f, MARGIN_X, y + 1.5, MARGIN_X + TEXT_W, y + 1.5, 0.6, &RGB_RULE);
	flow_space(f, 7);
	buf_free(&m);
}

static void period(struct flow *f, const json_t *content)
{
	const json_t *p = json_object_get(content, "period");
	char words[RENDER_DATE_MAX];
	struct buf m = BUF_INIT(SMALL_MAX);
	if (str(p, "start"))
		flow_escape(&m, render_date_range(str(p, "start"), str(p, "end"), words, sizeof words));
	else
		put_wrapped(&m, "Until ", render_date_range(str(p, "end"), NULL, words, sizeof words), "");
	flow_text(f, FONT_BODY, buf_str(&m), MARGIN_X, TEXT_W, &RGB_TEXT);
	buf_free(&m);
}

/* Each theme: its title in bold, its text below. */
static void themes(struct flow *f, const json_t *content)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(content, "themes"), i, t) {
		if (str(t, "title")) {
			struct buf m = BUF_INIT(SMALL_MAX);
			put_wrapped(&m, "<b>", str(t, "title"), "</b>");
			flow_text(f, FONT_BODY, buf_str(&m), MARGIN_X, TEXT_W, &RGB_TEXT);
			buf_free(&m);
			flow_space(f, 1);
		}
		pdf_markdown(f, str(t, "text"), MARGIN_X, TEXT_W);
		flow_space(f, 8);
	}
}

/* One item of the goals list: a marker (in markup) and a bold lead before the text. */
static void goal_item(struct flow *f, const char *marker, const char *lead, const char *text)
{
	struct buf m = BUF_INIT(SMALL_MAX);
	flow_marker(f, flow_layout(f, FONT_BODY, marker, SDG_MARKER_W), MARGIN_X, &RGB_ACCENT);
	put_wrapped(&m, "<b>", lead, "</b>");
	if (text)
		put_wrapped(&m, " \xE2\x80\x94 ", text, "");
	flow_text(f, FONT_BODY, buf_str(&m), MARGIN_X + SDG_MARKER_W, TEXT_W - SDG_MARKER_W, &RGB_TEXT);
	flow_space(f, 3);
	buf_free(&m);
}

/* SDGs with a square in the goal's colour, then the Urban Agenda partnerships. */
static void goals(struct flow *f, const json_t *view, const json_t *content)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(content, "sdgs"), i, v) {
		long long n = json_integer_value(v);
		char marker[64], lead[32];
		snprintf(marker, sizeof marker, "<span foreground=\"%s\">\xE2\x96\xA0</span>",
			 n >= 1 && n <= 17 ? sdg_colors[n] : "#173a61");
		snprintf(lead, sizeof lead, "SDG %lld", n);
		goal_item(f, marker, lead, render_sdg_title(view, n));
	}
	json_array_foreach(json_object_get(content, "urban_agenda"), i, v)
		goal_item(f, "\xE2\x96\xA1", "EU Urban Agenda", json_string_value(v));
}

/* The timeline: dates in a column of their own, each activity's text beside its date,
 * its points as a dashed list below the text. */
static void timeline(struct flow *f, const json_t *content)
{
	size_t i, k;
	json_t *a, *point;
	double x = MARGIN_X + DATE_W, w = TEXT_W - DATE_W;
	json_array_foreach(json_object_get(content, "activities"), i, a) {
		if (str(a, "date")) {
			char words[RENDER_DATE_MAX];
			struct buf m = BUF_INIT(SMALL_MAX);
			put_wrapped(&m, "<b>", render_date_range(str(a, "date"), str(a, "end"), words, sizeof words), "</b>");
			flow_marker(f, flow_layout(f, FONT_BODY, buf_str(&m), DATE_W - 8), MARGIN_X, &RGB_ACCENT);
			buf_free(&m);
		}
		pdf_markdown(f, str(a, "text"), x, w);
		json_array_foreach(json_object_get(a, "points"), k, point) {
			flow_marker(f, flow_layout(f, FONT_BODY, "\xE2\x80\x93", 11), x, &RGB_ACCENT);
			pdf_markdown(f, json_string_value(point), x + 11, w - 11);
			flow_space(f, 2.5);
		}
		flow_space(f, 9);
	}
}

static void section(struct flow *f, const json_t *view, const json_t *content, const struct plan_section *s)
{
	if (s->kind == SEC_FACTS) {   /* the table sits under the title, without a heading */
		header_table(f, view);
		return;
	}
	heading(f, s->title);
	switch (s->kind) {
	case SEC_PERIOD: period(f, content); break;
	case SEC_THEMES: themes(f, content); break;
	case SEC_GOALS: goals(f, view, content); break;
	case SEC_TIMELINE: timeline(f, content); break;
	case SEC_TEXT: pdf_markdown(f, str(content, s->key), MARGIN_X, TEXT_W); break;
	case SEC_FACTS: break;
	}
}

static void document(struct flow *f, const json_t *view)
{
	const json_t *content = json_object_get(view, "content");
	title_block(f, view);
	for (const struct plan_section *s = plan_sections; s->key; s++)
		if (render_section_shown(view, s))
			section(f, view, content, s);
}

/* ---- the file ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	return buf_append(closure, data, length) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Title, creator, and the save time as the creation date: the same revision gives the
 * same file, whenever it is rendered. */
static void metadata(cairo_surface_t *s, const json_t *view)
{
	const char *saved = str(view, "saved_at");
	if (plan_title(view))
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, plan_title(view));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, "Urban Cooperation Action Plan (U-CAP) at a glance");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "c2c " C2C_VERSION);
	if (saved && strlen(saved) >= 19) {
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, saved);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, saved);
	}
}

int render_plan_pdf(const json_t *view, struct buf *out)
{
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	metadata(surface, view);
	cairo_t *cr = cairo_create(surface);
	struct buf foot = BUF_INIT(SMALL_MAX);
	render_revision_line(view, &foot);
	struct flow f;
	flow_init(&f, cr, plan_title(view), buf_str(&foot));
	flow_begin(&f, 0, 0);
	document(&f, view);
	int pages = f.page;
	flow_begin(&f, 1, pages);
	document(&f, view);
	flow_end(&f);
	flow_free(&f);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	int bad = cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(surface);
	buf_free(&foot);
	return bad || buf_failed(out) ? -1 : 0;
}

void render_release_caches(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
}
