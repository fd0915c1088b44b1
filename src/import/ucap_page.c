/* ucap_page.c: the pure parser of U-CAP summaries; see ucap_page.h. This file is its
 * driver: it cuts the file into lines, gives the rows to their sections and builds the
 * content; the pieces it drives are listed in ucap_parse.h.
 *
 * Reading goes in three passes. The first (ucap_rows.c) cuts the text into table rows:
 * a line with a label before its first tab starts a row; a line starting with a tab, or
 * without a tab, continues the row before it (that is what a page break in the middle of
 * a cell leaves); an HTML table is first made into such lines. The "For further
 * information" line starts the contact block: its first paragraph and any contact
 * details after it (a label row ends it); other text after it is a footer, kept as
 * unplaced. The second pass (ucap_text.c) reads each cell into blocks, paragraphs and
 * list items, whatever its markup: HTML tags and entities, arrow and circle markers run
 * together on one line, Markdown bullets, and paragraphs broken by blank lines. The third
 * (here, with ucap_facts.c, ucap_timeline.c and ucap_themes.c) gives each row to its
 * section by its label and builds the plan content; what fits no section goes, cleaned
 * of markup, to `unplaced` and to the report, so that nothing is dropped silently.
 *
 * Everything is bounded: the file size, lines, rows, blocks per cell, words matched,
 * list lengths (core/plan.h); no scan reads past the NUL that ends each copy. */
#include "import/ucap_page.h"
#include "import/ucap_parse.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define LINES_MAX 50000        /* a summary has about a hundred */

/* ---- text helpers ---- */

/* Makes C0 controls other than tab, DEL and the C1 range spaces: text is kept, never
 * refused later for an invisible byte. */
static void blank_controls(char *str)
{
	unsigned char *s = (unsigned char *)str;
	for (; *s; s++) {
		if ((*s < 0x20 && *s != '\t') || *s == 0x7F)
			*s = ' ';
		else if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			s[0] = s[1] = ' ';
	}
}

/* Cuts s to at most max characters (UTF-8), in place. */
static void cut_chars(char *s, size_t max)
{
	size_t chars = 0;
	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == max) {
			*p = '\0';
			return;
		}
	}
}

/* ---- the document's unplaced text ---- */

/* Keeps text (not consumed) in the unplaced section and lists it for the report. */
void ucap_unplace(struct doc *d, size_t line, const char *text)
{
	if (!*text)
		return;
	if (d->unplaced.len)
		buf_puts(&d->unplaced, "\n\n");
	buf_puts(&d->unplaced, text);
	char *one_line = xstrdup(text);   /* the report gives each piece one line */
	for (char *p = one_line; (p = strchr(p, '\n')) != NULL;)
		*p = ' ';
	import_msg(d->up->unplaced, "line %zu: %.*s%s", line, clip(one_line), one_line, ellipsis(one_line));
	free(one_line);
}

/* ---- rows to their sections ---- */

/* A row whose label names no section (or a footer, which has none): kept whole, label
 * and all, as unplaced. */
static void unplace_row(struct doc *d, struct row *r, const char *label)
{
	struct blocks b = {0};
	ucap_read_cell(buf_str(&r->cell[0]), r->line, 0, &b);
	ucap_read_cell(buf_str(&r->cell[1]), r->line, 0, &b);
	char *md = ucap_blocks_markdown(&b);
	struct buf text = BUF_INIT((size_t)-1 / 2);
	if (*label)
		buf_printf(&text, "%s:%s", label, b.n > 1 ? "\n\n" : " ");
	buf_puts(&text, md);
	ucap_unplace(d, r->line, ucap_trim((char *)buf_str(&text)));
	buf_free(&text);
	free(md);
	ucap_blocks_free(&b);
}

/* Gives a row to its section. Text sections gather their blocks for the last pass. */
static void read_row(struct doc *d, struct row *r)
{
	char *label = ucap_clean_label(r->label, r->line);
	char *key = fold_key(label);
	enum sec sec = r->sec != S_UNKNOWN ? r->sec : strlen(key) <= LABEL_MAX ? ucap_label_section(key) : S_UNKNOWN;
	if (ucap_fact_keys[sec]) {
		ucap_read_fact_row(d, r, sec, label);
	} else if (sec == S_UNKNOWN || sec == S_FOOTER) {
		unplace_row(d, r, label);
	} else {
		if (!d->sec_line[sec])
			d->sec_line[sec] = r->line;
		for (int k = 0; k < 2; k++)
			ucap_read_cell(buf_str(&r->cell[k]), r->line, 0, &d->sec[sec]);
	}
	free(key);
	free(label);
}

/* ---- the whole content ---- */

/* A Markdown section from its blocks; nothing when it is empty. */
static void build_text(struct doc *d, json_t *content, enum sec sec, const char *key)
{
	ucap_attach_paragraphs(&d->sec[sec]);
	char *md = ucap_blocks_markdown(&d->sec[sec]);
	if (*md)
		json_object_set_new(content, key, json_string(md));
	free(md);
}

/* "Métropole Nice Côte d'Azur with Haikou, Kunming and Zhengzhou". */
static void build_title(struct doc *d, json_t *content)
{
	json_t *names = d->up->counterparts;
	struct buf t = BUF_INIT((size_t)-1 / 2);
	const char *city = json_string_value(json_object_get(d->side[0], "name"));
	size_t n = json_array_size(names);
	buf_puts(&t, city);
	for (size_t i = 0; i < n; i++)
		buf_printf(&t, "%s%s", i == 0 ? " with " : i + 1 == n ? " and " : ", ",
			   json_string_value(json_array_get(names, i)));
	if (utf8_chars(buf_str(&t)) > PLAN_TITLE_MAX) {
		buf_reset(&t);
		buf_printf(&t, "%s with %zu counterparts", city, n);
	}
	char *title = buf_detach(&t);
	cut_chars(title, PLAN_TITLE_MAX);
	json_object_set_new(content, "title", json_string(title));
	free(title);
}

/* facts.city and facts.counterparts, each when the document states anything of it. */
static void build_facts(struct doc *d, json_t *content)
{
	json_t *facts = json_object();
	if (json_object_size(d->side[0]))
		json_object_set(facts, "city", d->side[0]);
	if (json_object_size(d->side[1]))
		json_object_set(facts, "counterparts", d->side[1]);
	json_object_set_new(content, "facts", facts);
}

/* A Markdown field over the plan's limit is an error: cutting it would lose text. */
static void check_text(struct doc *d, json_t *value, const char *field, size_t line)
{
	if (json_is_string(value) && utf8_chars(json_string_value(value)) > PLAN_TEXT_MAX)
		import_msg(d->up->errors, "line %zu: %s is longer than the %d characters a plan allows", line, field,
			PLAN_TEXT_MAX);
}

/* Every Markdown field within PLAN_TEXT_MAX, every section within BLOCKS_MAX. */
static void check_lengths(struct doc *d, json_t *content)
{
	static const struct { const char *key; enum sec sec; } texts[] = {
		{"key_focus", S_FOCUS}, {"key_challenges", S_CHALLENGES}, {"objectives", S_OBJECTIVES},
		{"results", S_RESULTS}, {"contact", S_CONTACT}, {"unplaced", S_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		check_text(d, json_object_get(content, texts[i].key), texts[i].key, d->sec_line[texts[i].sec]);
	size_t i, k;
	json_t *e, *p;
	json_array_foreach(json_object_get(content, "themes"), i, e)
		check_text(d, json_object_get(e, "text"), "a theme's text", d->sec_line[S_THEMES]);
	json_array_foreach(json_object_get(content, "activities"), i, e) {
		check_text(d, json_object_get(e, "text"), "an activity's text", d->sec_line[S_ACTIVITIES]);
		json_array_foreach(json_object_get(e, "points"), k, p)
			check_text(d, p, "a point of an activity", d->sec_line[S_ACTIVITIES]);
	}
	for (int s = 0; s < S_COUNT; s++)
		if (d->sec[s].overflow)
			import_msg(d->up->errors, "line %zu: more than %d paragraphs or list items in one section",
				d->sec_line[s], BLOCKS_MAX);
}

/* Builds the content from the rows read, in the order of core/plan.h. */
static void build_content(struct doc *d)
{
	json_t *c = d->up->content;
	for (size_t i = 0; i < d->nrows; i++)
		read_row(d, &d->rows[i]);
	if (!json_string_value(json_object_get(d->side[0], "name"))) {
		import_msg(d->up->errors, "no 'City' row names the city: this does not read as a U-CAP summary");
		return;
	}
	build_title(d, c);
	build_facts(d, c);
	ucap_build_period(d, c);
	ucap_build_themes(d, c);
	ucap_build_goals(d, c);
	build_text(d, c, S_CHALLENGES, "key_challenges");
	build_text(d, c, S_OBJECTIVES, "objectives");
	ucap_build_activities(d, c);
	build_text(d, c, S_RESULTS, "results");
	build_text(d, c, S_CONTACT, "contact");
	if (d->unplaced.len)
		json_object_set_new(c, "unplaced", json_string(buf_str(&d->unplaced)));
	check_lengths(d, c);
}

/* Cuts the copy into lines and reads each; -1 after an error naming the line. */
static int read_lines(struct doc *d, char *copy)
{
	size_t line = 0;
	for (char *p = copy, *next; p; p = next) {
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		if (++line > LINES_MAX) {
			import_msg(d->up->errors, "more than %d lines: this is not a U-CAP summary", LINES_MAX);
			return -1;
		}
		if (!utf8_valid(p, strlen(p))) {
			import_msg(d->up->errors, "line %zu is not valid UTF-8 text", line);
			return -1;
		}
		blank_controls(p);
		ucap_read_table_line(d, p, line);
		if (json_array_size(d->up->errors))
			return -1;
	}
	return 0;
}

static void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].label);
		buf_free(&d->rows[i].cell[0]);
		buf_free(&d->rows[i].cell[1]);
	}
	free(d->rows);
	for (int s = 0; s < S_COUNT; s++)
		ucap_blocks_free(&d->sec[s]);
	json_decref(d->side[0]);
	json_decref(d->side[1]);
	buf_free(&d->unplaced);
}

int ucap_page_parse(const char *text, size_t len, const struct ucap_page_options *opt, struct ucap_page *up)
{
	static const struct ucap_page_options none = {0};
	*up = (struct ucap_page){json_object(), json_array(), json_array(), json_array(), json_array()};
	if (len > UCAP_PAGE_MAX) {
		import_msg(up->errors, "the file is larger than %u bytes", UCAP_PAGE_MAX);
		return -1;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		size_t line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		import_msg(up->errors, "line %zu holds a NUL byte: the file is not text", line);
		return -1;
	}
	struct doc d = {.up = up, .opt = opt ? opt : &none, .side = {json_object(), json_object()}, .td_col = -1};
	buf_init(&d.unplaced, UCAP_PAGE_MAX * 2);
	char *copy = xstrndup(text, len);
	if (read_lines(&d, copy) == 0)
		build_content(&d);
	free(copy);
	doc_free(&d);
	return json_array_size(up->errors) ? -1 : 0;
}

void ucap_page_free(struct ucap_page *up)
{
	json_decref(up->content);
	json_decref(up->counterparts);
	json_decref(up->unplaced);
	json_decref(up->notes);
	json_decref(up->errors);
	memset(up, 0, sizeof *up);
}
