/* pdf_markdown.c: Markdown fields in the PDF: cmark's tree walked block by block into
 * the flow; the inlines of a block become one Pango markup string in which every literal
 * is escaped, so what users type is only ever text (raw HTML included). */
#include "render/pdf_markdown.h"

#include <cmark.h>
#include <stdio.h>
#include <string.h>

#define MARKUP_MAX (1 << 20)   /* a field has at most PLAN_TEXT_MAX characters */
#define DEPTH_MAX 12           /* nesting laid out as such; deeper content is flattened */
#define LINK_COLOR "#1f4e8c"

/* The text of a subtree, markup-escaped and without formatting; spaces between blocks. */
static void plain_text(struct buf *m, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit = cmark_node_get_literal(n);
		if (ev == CMARK_EVENT_ENTER && lit)
			flow_escape(m, lit);
		else if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK)
			buf_putc(m, ' ');
		else if (ev == CMARK_EVENT_EXIT && n != root && m->len && m->data[m->len - 1] != ' ')
			buf_putc(m, ' ');   /* the end of a block inside root */
	}
	cmark_iter_free(it);
}

/* After a link's text, its address, unless the text says it already (autolinks,
 * mailto: links written as the address): on paper a link must be readable. */
static void link_address(struct buf *m, cmark_node *link)
{
	const char *url = cmark_node_get_url(link);
	if (!url || !*url)
		return;
	const char *shown = strncmp(url, "mailto:", 7) == 0 ? url + 7 : url;
	struct buf text = BUF_INIT(MARKUP_MAX), addr = BUF_INIT(MARKUP_MAX);
	plain_text(&text, link);
	flow_escape(&addr, shown);
	if (strcmp(buf_str(&text), buf_str(&addr)) != 0 && strcmp(buf_str(&text), url) != 0)
		buf_printf(m, " <span foreground=\"#5b6573\">(%s)</span>", buf_str(&addr));
	buf_free(&text);
	buf_free(&addr);
}

static void inline_event(struct buf *m, cmark_node *n, int enter)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_HTML_INLINE:   /* shown as the characters typed */
		flow_escape(m, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_CODE:
		buf_puts(m, "<span font_family=\"Noto Sans Mono CJK SC,DejaVu Sans Mono,monospace\">");
		flow_escape(m, cmark_node_get_literal(n));
		buf_puts(m, "</span>");
		break;
	case CMARK_NODE_SOFTBREAK: buf_putc(m, ' '); break;
	case CMARK_NODE_LINEBREAK: buf_putc(m, '\n'); break;
	case CMARK_NODE_EMPH: buf_puts(m, enter ? "<i>" : "</i>"); break;
	case CMARK_NODE_STRONG: buf_puts(m, enter ? "<b>" : "</b>"); break;
	case CMARK_NODE_LINK:
		buf_puts(m, enter ? "<span foreground=\"" LINK_COLOR "\">" : "</span>");
		if (!enter)
			link_address(m, n);
		break;
	default:   /* an image: its description, the text inside it, is all print can show */
		break;
	}
}

/* The inlines under parent as markup. The iterator is flat, so deep nesting of
 * emphasis costs no stack. */
static void inlines(struct buf *m, cmark_node *parent)
{
	cmark_iter *it = cmark_iter_new(parent);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		if (n != parent)
			inline_event(m, n, ev == CMARK_EVENT_ENTER);
	}
	cmark_iter_free(it);
}

static void paragraph(struct flow *f, const char *markup, enum flow_font font, double x, double w)
{
	flow_text(f, font, markup, x, w, &RGB_TEXT);
}

static void blocks(struct flow *f, cmark_node *parent, double x, double w, int depth, double gap);

/* Lines of what follows a heading that must fit on its page with it: a heading alone at
 * the foot of a page, its text on the next, reads as a mistake. Two, as the first two
 * lines of a paragraph go together anyway (pdf_flow.h). */
#define KEEP_LINES 2

/* Breaks the page before heading n (its markup given) unless it and the first lines of
 * the block after it fit on this one. */
static void keep_with_next(struct flow *f, cmark_node *n, const char *markup, double w)
{
	PangoLayout *l = flow_layout(f, FONT_BODY, markup, w), *line = flow_layout(f, FONT_BODY, "X", w);
	double h = flow_layout_height(l);
	if (cmark_node_next(n))
		h += PARA_GAP + KEEP_LINES * flow_layout_height(line);
	flow_need(f, h);
	g_object_unref(l);
	g_object_unref(line);
}

/* "1." "2." ... or a bullet that changes with the depth, as word processors do. */
static void list(struct flow *f, cmark_node *l, double x, double w, int depth)
{
	/* • – ◦, in a font whose bullets are the size of Latin text (CJK fonts' are small) */
	static const char *const bullets[] = {
		"<span font_family=\"DejaVu Sans\">\xE2\x80\xA2</span>", "\xE2\x80\x93",
		"<span font_family=\"DejaVu Sans\">\xE2\x97\xA6</span>"};
	int ordered = cmark_node_get_list_type(l) == CMARK_ORDERED_LIST;
	char paren = cmark_node_get_list_delim(l) == CMARK_PAREN_DELIM ? ')' : '.';
	int number = cmark_node_get_list_start(l);
	double gap = cmark_node_get_list_tight(l) ? 2.5 : PARA_GAP;
	char widest[32];
	int last = number;
	for (cmark_node *i = cmark_node_first_child(l); cmark_node_next(i); i = cmark_node_next(i))
		last++;
	snprintf(widest, sizeof widest, "%d%c", last, paren);
	double hang = ordered ? 7.0 + 5.4 * (double)strlen(widest) : 11.0;
	for (cmark_node *item = cmark_node_first_child(l); item; item = cmark_node_next(item), number++) {
		char marker[96];
		if (ordered)
			snprintf(marker, sizeof marker, "%d%c", number, paren);
		else
			snprintf(marker, sizeof marker, "%s", bullets[depth % 3]);
		flow_marker(f, flow_layout(f, FONT_BODY, marker, hang), x, ordered ? &RGB_TEXT : &RGB_ACCENT);
		blocks(f, item, x + hang, w - hang, depth + 1, gap);
		flow_space(f, gap);
	}
}

/* A block's own text as one paragraph: code, raw HTML, and anything nested deeper
 * than DEPTH_MAX (indenting further would leave no width, and recursing no stack). */
static void literal_block(struct flow *f, cmark_node *n, enum flow_font font, double x, double w)
{
	struct buf m = BUF_INIT(MARKUP_MAX);
	const char *lit = cmark_node_get_literal(n);
	if (lit) {
		size_t len = strlen(lit);
		while (len && lit[len - 1] == '\n')
			len--;
		flow_escape_n(&m, lit, len);
	} else {
		plain_text(&m, n);
	}
	paragraph(f, buf_str(&m), font, x, w);
	buf_free(&m);
}

static void block(struct flow *f, cmark_node *n, double x, double w, int depth)
{
	struct buf m = BUF_INIT(MARKUP_MAX);
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_PARAGRAPH:
		inlines(&m, n);
		paragraph(f, buf_str(&m), FONT_BODY, x, w);
		break;
	case CMARK_NODE_HEADING:   /* a heading inside a section: a bold line */
		flow_space(f, PARA_GAP + 2);
		buf_puts(&m, "<b>");
		inlines(&m, n);
		buf_puts(&m, "</b>");
		keep_with_next(f, n, buf_str(&m), w);
		paragraph(f, buf_str(&m), FONT_BODY, x, w);
		break;
	case CMARK_NODE_LIST: list(f, n, x, w, depth); break;
	case CMARK_NODE_BLOCK_QUOTE: blocks(f, n, x + 14, w - 14, depth + 1, PARA_GAP); break;
	case CMARK_NODE_CODE_BLOCK: literal_block(f, n, FONT_MONO, x, w); break;
	case CMARK_NODE_HTML_BLOCK: literal_block(f, n, FONT_BODY, x, w); break;
	case CMARK_NODE_THEMATIC_BREAK: {
		double y = flow_take(f, 10);
		flow_rule(f, x, y + 5, x + w, y + 5, 0.5, &RGB_RULE);
		break;
	}
	default: break;
	}
	buf_free(&m);
}

static void blocks(struct flow *f, cmark_node *parent, double x, double w, int depth, double gap)
{
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		if (depth > DEPTH_MAX)
			literal_block(f, n, FONT_BODY, x, w);
		else
			block(f, n, x, w, depth);
		flow_space(f, gap);
	}
}

void pdf_markdown(struct flow *f, const char *md, double x, double width)
{
	if (!md)
		return;
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	blocks(f, doc, x, width, 0, PARA_GAP);
	cmark_node_free(doc);
}
