/* markdown.c: the U-CAP summary as CommonMark (render.h).
 *
 * The plan's own text fields are Markdown already and are written as their authors wrote
 * them, indented where they sit inside a list item. Two things change, so that the file
 * stays safe in any renderer, one that allows HTML included: raw HTML is escaped (c2c's
 * own renderers show it as text, and so does this file then), and a link whose address
 * is not http, https, mailto or relative becomes its text, as on the page (md_safe.h).
 * Plain values (title, header cells, theme titles) are escaped for inline Markdown. */
#include "core/plan.h"
#include "render/md_safe.h"
#include "render/render.h"
#include "util/xalloc.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Inline text with Markdown's punctuation escaped; newlines become spaces, as the
 * values written this way are one line. `|` too, for table cells. */
static void put_inline(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|~", *s) || (*s == '&' && (s[1] == '#' || isalpha((unsigned char)s[1]))))
			buf_putc(b, '\\');
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

/* Appends text, indenting every line after the first by `indent` spaces (blank lines
 * stay empty), so that it continues the list item it starts in. Ends with a newline. */
static void put_indented(struct buf *b, const char *text, int indent)
{
	for (const char *p = text; *p; p++) {
		buf_putc(b, *p);
		if (*p == '\n' && p[1] && p[1] != '\n')
			buf_printf(b, "%*s", indent, "");
	}
	if (!*text || text[strlen(text) - 1] != '\n')
		buf_putc(b, '\n');
}

/* Raw HTML is escaped where it stands: a backslash before the '<' that opens each raw
 * HTML node cmark finds, at the position it reports. Escaping a block's opening tag can
 * reveal inline HTML inside it, hence a few rounds. Should cmark's positions not point
 * at a '<', or HTML remain after the rounds, the field is written from cmark's tree with
 * its HTML made text instead: safe, but reformatted by cmark. */
#define ESCAPE_ROUNDS 4

/* The byte offset of 1-based (line, col) in s, or -1 past its end. */
static long offset_of(const char *s, int line, int col)
{
	const char *p = s;
	for (int l = 1; l < line; l++) {
		p = strchr(p, '\n');
		if (!p)
			return -1;
		p++;
	}
	return col >= 1 && (size_t)(col - 1) <= strlen(p) ? (long)(p - s) + col - 1 : -1;
}

/* One round: a new copy of md with the HTML nodes' '<' escaped and *n set to their
 * number; NULL when a position is not at a '<'. Caller frees. */
static char *escape_html_round(const char *md, int *n)
{
	size_t len = strlen(md);
	char *mark = xcalloc(len + 1, 1);
	int bad = 0;
	*n = 0;
	cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_SOURCEPOS);
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_HTML_INLINE && t != CMARK_NODE_HTML_BLOCK))
			continue;
		long at = offset_of(md, cmark_node_get_start_line(node), cmark_node_get_start_column(node));
		while (at >= 0 && t == CMARK_NODE_HTML_BLOCK && md[at] == ' ')   /* a block may be indented */
			at++;
		if (at < 0 || md[at] != '<') {
			bad = 1;
		} else {
			mark[at] = 1;
			(*n)++;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	struct buf out = BUF_INIT(4 * len + 16);
	for (size_t i = 0; i < len; i++) {
		if (mark[i])
			buf_putc(&out, '\\');
		buf_putc(&out, md[i]);
	}
	free(mark);
	if (bad) {
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}

/* The fallback: md from cmark's tree made safe (md_safe.h: raw HTML as text, unsafe
 * links as their text), written back as CommonMark. Caller frees. */
static char *from_safe_tree(const char *md)
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	md_safe_tree(doc);
	char *out = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
	cmark_node_free(doc);
	return out;
}

/* Whether text, read as Markdown, has raw HTML or an unsafe link. */
static int unsafe(const char *text)
{
	cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
	int bad = md_unsafe(doc);
	cmark_node_free(doc);
	return bad;
}

/* The last resort, should cmark's own writer ever give back markup: every ASCII
 * punctuation character escaped, so that nothing is markup at all. Caller frees. */
static char *all_escaped(const char *md)
{
	struct buf out = BUF_INIT(2 * strlen(md) + 1);
	for (const char *p = md; *p; p++) {
		if (ispunct((unsigned char)*p))
			buf_putc(&out, '\\');
		buf_putc(&out, *p);
	}
	return buf_detach(&out);
}

/* A Markdown field, as written but for raw HTML (escaped where it stands) and links
 * other than http, https, mailto and relative ones (then the field is rewritten from
 * its tree, those links as their text), continuing a list item at indent. Whatever path
 * it took, the text is read back once more before it is written: it must be safe. */
static void put_markdown(struct buf *b, const char *md, int indent)
{
	char *text = xstrdup(md);
	int n = 1;
	for (int round = 0; text && n > 0 && round < ESCAPE_ROUNDS; round++) {
		char *next = escape_html_round(text, &n);
		free(text);
		text = next;
	}
	if (!text || n > 0 || unsafe(text)) {
		free(text);
		text = from_safe_tree(md);
	}
	if (unsafe(text)) {
		free(text);
		text = all_escaped(md);
	}
	put_indented(b, text, indent);
	free(text);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The header rows as a table whose head is the first row ("City | Nice | Haikou ..."),
 * as the printed summaries show it. */
static void header_table(struct buf *b, const json_t *view)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(view, "header"), i, row) {
		buf_puts(b, "| ");
		put_inline(b, str(row, "label"));
		buf_puts(b, " | ");
		put_inline(b, str(row, "city"));
		buf_puts(b, " | ");
		put_inline(b, str(row, "counterparts"));
		buf_puts(b, " |\n");
		if (i == 0)
			buf_puts(b, "|---|---|---|\n");
	}
	struct buf names = BUF_INIT(1 << 16);
	render_city_names(view, &names);
	if (names.len) {
		buf_puts(b, "\nCities: ");
		put_inline(b, buf_str(&names));
		buf_puts(b, "\n");
	}
	buf_free(&names);
}

static void period(struct buf *b, const json_t *content)
{
	const json_t *p = json_object_get(content, "period");
	const char *start = str(p, "start"), *end = str(p, "end");
	char words[RENDER_DATE_MAX];
	if (start)
		buf_printf(b, "%s\n", render_date_range(start, end, words, sizeof words));
	else if (end)
		buf_printf(b, "Until %s\n", render_date_range(end, NULL, words, sizeof words));
}

static void themes(struct buf *b, const json_t *content)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(content, "themes"), i, t) {
		buf_puts(b, "- ");
		if (str(t, "title")) {
			buf_puts(b, "**");
			put_inline(b, str(t, "title"));
			buf_puts(b, str(t, "text") ? ":** " : "**\n");
		}
		if (str(t, "text"))
			put_markdown(b, str(t, "text"), 2);
	}
}

static void goals(struct buf *b, const json_t *view, const json_t *content)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(content, "sdgs"), i, v) {
		long long n = json_integer_value(v);
		const char *title = render_sdg_title(view, n);
		buf_printf(b, "- SDG %lld%s", n, title ? " \xE2\x80\x94 " : "");
		put_inline(b, title);
		buf_putc(b, '\n');
	}
	json_array_foreach(json_object_get(content, "urban_agenda"), i, v) {
		buf_puts(b, "- EU Urban Agenda partnership: ");
		put_inline(b, json_string_value(v));
		buf_putc(b, '\n');
	}
}

/* "- **June 2018:** text" with its points as a nested list. */
static void timeline(struct buf *b, const json_t *content)
{
	size_t i, k;
	json_t *a, *point;
	json_array_foreach(json_object_get(content, "activities"), i, a) {
		char words[RENDER_DATE_MAX];
		buf_puts(b, "- ");
		if (str(a, "date"))
			buf_printf(b, "**%s%s** ", render_date_range(str(a, "date"), str(a, "end"), words, sizeof words),
				   str(a, "text") ? ":" : "");
		put_markdown(b, str(a, "text") ? str(a, "text") : "", 2);
		json_array_foreach(json_object_get(a, "points"), k, point) {
			buf_puts(b, "  - ");
			put_markdown(b, json_string_value(point), 4);
		}
	}
}

static void section(struct buf *b, const json_t *view, const json_t *content, const struct plan_section *s)
{
	/* The header table is the top of the summary, under the title: no heading of its own. */
	if (s->kind != SEC_FACTS)
		buf_printf(b, "## %s\n\n", s->title);
	switch (s->kind) {
	case SEC_FACTS: header_table(b, view); break;
	case SEC_PERIOD: period(b, content); break;
	case SEC_THEMES: themes(b, content); break;
	case SEC_GOALS: goals(b, view, content); break;
	case SEC_TIMELINE: timeline(b, content); break;
	case SEC_TEXT: put_markdown(b, str(content, s->key), 0); break;
	}
	buf_putc(b, '\n');
}

int render_plan_markdown(const json_t *view, struct buf *out)
{
	const json_t *content = json_object_get(view, "content");
	buf_puts(out, "# ");
	put_inline(out, str(view, "title") ? str(view, "title") : str(content, "title"));
	buf_puts(out, "\n\n*Urban Cooperation Action Plan (U-CAP) \xE2\x80\x94 at a glance*\n\n");
	for (const struct plan_section *s = plan_sections; s->key; s++)
		if (render_section_shown(view, s))
			section(out, view, content, s);
	struct buf foot = BUF_INIT(1024);
	render_revision_line(view, &foot);
	if (foot.len)
		buf_printf(out, "---\n\n%s\n", buf_str(&foot));
	buf_free(&foot);
	return buf_failed(out) ? -1 : 0;
}
