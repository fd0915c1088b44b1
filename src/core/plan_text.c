/* plan_text.c: a section of a plan's content as Markdown text, the one form that the
 * section-by-section diff compares and the Markdown report prints (see plan.h).
 *
 * The text is deterministic: the same content always gives the same bytes, so that a
 * diff shows only what changed. Lines of the facts, period and goals sections are
 * statements of their own; renderers keep their line breaks (cmark's hard-break option).
 * Plain values (names, titles) are escaped so that Markdown does not read them as markup;
 * markdown fields are copied as they are. */
#include "core/plan.h"
#include "util/buf.h"
#include "util/date.h"

#include <stdio.h>
#include <string.h>

/* No cap of its own: the content is validated and bounded by whoever read it, and the
 * text grows only linearly with it (indentation and labels). */
#define TEXT_CAP ((size_t)-1 / 2)

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Starts a new line unless the text is still empty. */
static void new_line(struct buf *b)
{
	if (b->len)
		buf_putc(b, '\n');
}

/* Plain text inside Markdown: the characters that would start emphasis, code, links or
 * raw markup are backslash-escaped (CommonMark allows it for any ASCII punctuation). */
static void put_plain(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>&", *s))
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}

/* Copies markdown, indenting every line after the first by `indent` spaces so that it
 * stays inside the list item it belongs to; empty lines stay empty. */
static void put_indented(struct buf *b, const char *s, int indent)
{
	for (; *s; s++) {
		buf_putc(b, *s);
		if (*s == '\n' && s[1] != '\n' && s[1])
			buf_printf(b, "%*s", indent, "");
	}
}

/* ---- facts ---- */

static void put_list_line(struct buf *b, const char *label, const json_t *list)
{
	size_t i;
	json_t *v;
	if (!json_array_size(list))
		return;
	new_line(b);
	buf_printf(b, "%s: ", label);
	json_array_foreach(list, i, v)
		buf_printf(b, "%s%s", i ? ", " : "", json_string_value(v));
}

/* The values one side of the facts states, one line each: "Population (city): 540000". */
static void put_side(struct buf *b, const json_t *side, const char *which)
{
	static const struct { const char *key, *label; } texts[] = {
		{"name", "Name"}, {"province", "Province"}, {"country", "Country"},
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		const char *s = str_of(side, texts[i].key);
		if (s) {
			new_line(b);
			buf_printf(b, "%s (%s): ", texts[i].label, which);
			put_plain(b, s);
		}
	}
	json_t *pop = json_object_get(side, "population"), *area = json_object_get(side, "area_km2");
	if (pop) {
		new_line(b);
		if (json_is_integer(pop))
			buf_printf(b, "Population (%s): %lld", which, (long long)json_integer_value(pop));
		else
			buf_printf(b, "Population (%s): %s", which, json_string_value(pop));
	}
	if (area) {
		new_line(b);
		if (json_is_number(area))
			buf_printf(b, "Area (%s): %.15g km²", which, json_number_value(area));
		else
			buf_printf(b, "Area (%s): %s", which, json_string_value(area));
	}
}

static void facts_text(struct buf *b, const json_t *c)
{
	const char *city = str_of(c, "city"), *coop = str_of(c, "cooperation"), *title = str_of(c, "title");
	if (title) {   /* the title belongs to no other section, and a retitling is a change too */
		buf_puts(b, "Title: ");
		put_plain(b, title);
	}
	if (city) {
		new_line(b);
		buf_printf(b, "City: %s", city);
	}
	if (coop) {
		new_line(b);
		buf_printf(b, "Cooperation: %s", coop);
	}
	put_list_line(b, "Counterparts", json_object_get(c, "counterparts"));
	json_t *facts = json_object_get(c, "facts");
	put_side(b, json_object_get(facts, "city"), "city");
	put_side(b, json_object_get(facts, "counterparts"), "counterparts");
}

/* ---- period, themes, goals ---- */

/* "June 2018 – December 2019", or one end of it; "" when neither is known. */
static void put_range(struct buf *b, const char *from, const char *to)
{
	char h1[64], h2[64];
	if (from && to)
		buf_printf(b, "%s – %s", pdate_iso_to_human(from, h1, sizeof h1), pdate_iso_to_human(to, h2, sizeof h2));
	else if (from)
		buf_puts(b, pdate_iso_to_human(from, h1, sizeof h1));
	else if (to)
		buf_printf(b, "Until %s", pdate_iso_to_human(to, h2, sizeof h2));
}

static void period_text(struct buf *b, const json_t *c)
{
	json_t *p = json_object_get(c, "period");
	const char *start = str_of(p, "start"), *end = str_of(p, "end");
	if (start && !end)
		buf_puts(b, "From ");
	put_range(b, start, end);
}

/* One paragraph per theme: "**Title**: text". */
static void themes_text(struct buf *b, const json_t *c)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(c, "themes"), i, t) {
		const char *title = str_of(t, "title"), *text = str_of(t, "text");
		if (b->len)
			buf_puts(b, "\n\n");
		if (title) {
			buf_puts(b, "**");
			put_plain(b, title);
			buf_puts(b, text ? "**: " : "**");
		}
		if (text)
			buf_puts(b, text);
	}
}

static void goals_text(struct buf *b, const json_t *c)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "sdgs"), i, v) {
		new_line(b);
		buf_printf(b, "SDG %lld", (long long)json_integer_value(v));
	}
	json_array_foreach(json_object_get(c, "urban_agenda"), i, v) {
		new_line(b);
		put_plain(b, json_string_value(v));
	}
}

/* ---- activities ---- */

/* "- June 2018: text" with its points nested below as "  - point". */
static void put_activity(struct buf *b, const json_t *a)
{
	const char *date = str_of(a, "date"), *text = str_of(a, "text");
	new_line(b);
	buf_puts(b, "-");
	if (date || text)
		buf_putc(b, ' ');
	put_range(b, date, str_of(a, "end"));
	if (date && text)
		buf_puts(b, ": ");
	if (text)
		put_indented(b, text, 2);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(a, "points"), i, p) {
		buf_puts(b, "\n  - ");
		put_indented(b, json_string_value(p), 4);
	}
}

static void timeline_text(struct buf *b, const json_t *c)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(c, "activities"), i, a)
		put_activity(b, a);
}

char *plan_section_text(const json_t *content, const struct plan_section *s)
{
	struct buf b = BUF_INIT(TEXT_CAP);
	switch (s->kind) {
	case SEC_FACTS: facts_text(&b, content); break;
	case SEC_PERIOD: period_text(&b, content); break;
	case SEC_THEMES: themes_text(&b, content); break;
	case SEC_GOALS: goals_text(&b, content); break;
	case SEC_TIMELINE: timeline_text(&b, content); break;
	case SEC_TEXT: {
		const char *text = str_of(content, s->key);
		if (text)
			buf_puts(&b, text);
		break;
	}
	}
	return buf_detach(&b);
}
