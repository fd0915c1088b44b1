/* ucap_rows.c: the first pass of the U-CAP summary parser (ucap_page.c, see
 * ucap_parse.h): the lines of the file into table rows, and the labels that name the
 * sections.
 *
 * A line with a label before its first tab starts a row; a line starting with a tab, or
 * without a tab, continues the row before it (that is what a page break in the middle of
 * a cell leaves); an HTML table is first made into such lines. The "For further
 * information" line starts the contact block: its first paragraph and any contact details
 * after it (a label row ends it); other text after it is a footer, kept as unplaced.
 * Text before the table is the document's heading or unplaced. */
#include "import/ucap_parse.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ROWS_MAX 400

/* ---- labels ---- */

enum { L_WHOLE, L_START, L_WORD };

/* Words of a label and the section they name, tried in order: the first match wins, so
 * "Key challenges of cooperation theme" is challenges and not themes. Stems may go on
 * ("activit" matches "activities"). */
static const struct label {
	const char *word;
	int how;
	enum sec sec;
} labels[] = {
	{"city", L_WHOLE, S_NAME}, {"cities", L_WHOLE, S_NAME}, {"city ", L_START, S_NAME},
	{"province", L_START, S_PROVINCE}, {"state", L_START, S_PROVINCE},
	{"region", L_START, S_PROVINCE}, {"department", L_START, S_PROVINCE},
	{"countr", L_START, S_COUNTRY}, {"population", L_START, S_POPULATION},
	{"inhabitants", L_START, S_POPULATION}, {"size", L_START, S_AREA}, {"area", L_START, S_AREA},
	{"surface", L_START, S_AREA}, {"period", L_WORD, S_PERIOD}, {"focus", L_WORD, S_FOCUS},
	{"challenge", L_WORD, S_CHALLENGES}, {"objective", L_WORD, S_OBJECTIVES},
	{"activit", L_WORD, S_ACTIVITIES}, {"outputs", L_WORD, S_ACTIVITIES},
	{"timeline", L_WORD, S_ACTIVITIES}, {"result", L_WORD, S_RESULTS}, {"benefit", L_WORD, S_RESULTS},
	{"sdg", L_WORD, S_GOALS}, {"urban agenda", L_WORD, S_GOALS}, {"theme", L_WORD, S_THEMES},
	{"contact", L_WORD, S_CONTACT},
};

static int word_at(const char *key, const char *word)
{
	for (const char *p = key; (p = strstr(p, word)) != NULL; p++)
		if (p == key || !isalpha((unsigned char)p[-1]))
			return 1;
	return 0;
}

/* The section a folded label names, by the table above; S_UNKNOWN for none. */
enum sec ucap_label_section(const char *key)
{
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
		const struct label *l = &labels[i];
		size_t n = strlen(l->word);
		if ((l->how == L_WHOLE && strcmp(key, l->word) == 0) ||
		    (l->how == L_START && strncmp(key, l->word, n) == 0) ||
		    (l->how == L_WORD && word_at(key, l->word)))
			return l->sec;
	}
	return S_UNKNOWN;
}

/* The label as text for people: markup dropped, without its trailing colon. New string. */
char *ucap_clean_label(const char *raw, size_t line)
{
	struct blocks b = {0};
	ucap_read_cell(raw, line, 1, &b);
	char *text = ucap_blocks_flat(&b);
	ucap_blocks_free(&b);
	char *t = text;
	while (*t == '#' || *t == '*' || *t == ' ')
		t++;
	size_t n = strlen(t);
	while (n > 0 && strchr(":*. ", t[n - 1]))
		n--;
	memmove(text, t, n);
	text[n] = '\0';
	return text;
}

/* The section a line's text before its tab names as a label; S_UNKNOWN for none. */
static enum sec label_sec(const char *s, size_t line)
{
	char *label = ucap_clean_label(s, line), *key = fold_key(label);
	enum sec sec = strlen(key) <= LABEL_MAX ? ucap_label_section(key) : S_UNKNOWN;
	free(key);
	free(label);
	return sec;
}

static int is_label(const char *s, size_t line)
{
	return label_sec(s, line) != S_UNKNOWN;
}

/* ---- rows ---- */

/* A new row (label copied); NULL after an error past ROWS_MAX rows. */
static struct row *new_row(struct doc *d, const char *label, size_t line)
{
	if (d->nrows == ROWS_MAX) {
		import_msg(d->up->errors, "line %zu: more than %d rows: this is not a U-CAP summary", line, ROWS_MAX);
		return NULL;
	}
	if (d->nrows % 32 == 0)
		d->rows = xrealloc(d->rows, (d->nrows + 32) * sizeof *d->rows);
	struct row *r = &d->rows[d->nrows++];
	*r = (struct row){.label = xstrdup(label), .last = {line, line}, .line = line};
	buf_init(&r->cell[0], UCAP_PAGE_MAX * 2);
	buf_init(&r->cell[1], UCAP_PAGE_MAX * 2);
	return r;
}

/* Adds text read on `line` to cell k, after the line breaks passed since its last text. */
static void add_to_cell(struct row *r, int k, const char *text, size_t line)
{
	if (ucap_is_blank(text))
		return;
	for (size_t gap = line - r->last[k]; gap > 0; gap--)
		buf_putc(&r->cell[k], '\n');
	buf_puts(&r->cell[k], text);
	r->last[k] = line;
}

/* Adds the tab-separated cells in s to the row's columns, one by one; further tabs
 * (a third column) join the second. */
static void add_cells(struct row *r, char *s, size_t line)
{
	char *tab = strchr(s, '\t');
	if (tab) {
		*tab++ = '\0';
		for (char *t = tab; (t = strchr(t, '\t')) != NULL;)
			*t = ' ';
	}
	add_to_cell(r, 0, s, line);
	if (tab)
		add_to_cell(r, 1, tab, line);
}

/* A row of dashes ("--\t--"): a rule the exporter drew, not content. */
static int is_rule(const char *s)
{
	int dashes = 0;
	for (; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '=')
			dashes++;
		else if (*s != ' ' && *s != '\t' && *s != '*')
			return 0;
	}
	return dashes >= 2;
}

/* A line starting "For further information (...), please contact:" starts the contact
 * block, whatever markup is around it ("<p>For ..."); text after "contact" on the same
 * line is already part of it. */
static int contact_intro(struct doc *d, char *p, size_t line)
{
	char *text = ucap_clean_label(p, line), *key = fold_key(text);
	int yes = str_starts_with_ci(key + strspn(key, "#*_> "), "for further information");
	free(key);
	free(text);
	if (!yes)
		return 0;
	struct row *r = new_row(d, p, line);
	if (!r)
		return 1;
	r->sec = S_CONTACT;
	d->in_contact = 1;
	d->contact_done = 0;
	d->contact_row = d->nrows - 1;
	char *rest = strcasestr(p, "contact");
	rest = rest ? rest + strlen("contact") : strchr(p, ':');
	while (rest && *rest && strchr("*_: \t", *rest))
		rest++;
	if (rest && *rest)
		add_to_cell(r, 0, rest, line);
	return 1;
}

/* Text before the table: the document's heading, or something to keep as unplaced. */
static void read_preamble(struct doc *d, char *p, size_t line)
{
	struct blocks b = {0};
	ucap_read_cell(p, line, 1, &b);
	char *flat = ucap_blocks_flat(&b), *text = flat + strspn(flat, "# "), *key = fold_key(text);
	if (strlen(key) <= LABEL_MAX && (strstr(key, "u-cap") || strstr(key, "action plan")))
		import_msg(d->up->notes, "line %zu: heading '%s' skipped: the plan's title is made from the city names",
			line, text);
	else
		ucap_unplace(d, line, text);
	free(key);
	free(flat);
	ucap_blocks_free(&b);
}

/* Whether a line after the contact paragraph still belongs to it: an address, a link or
 * a phone number ("Tel. +33 4 97 13 20 00"). */
static int contact_like(const char *s)
{
	if (strchr(s, '@') || strcasestr(s, "http") || strcasestr(s, "www."))
		return 1;
	size_t digits = 0, letters = 0;
	for (; *s; s++) {
		digits += isdigit((unsigned char)*s) != 0;
		letters += isalpha((unsigned char)*s) != 0;
	}
	return digits >= 6 && letters <= 10;
}

/* Whether the line is a row with a label c2c knows ("Population:\t..."). */
static int label_row(const char *p, size_t line)
{
	size_t n = strcspn(p, "\t");
	if (!p[n] || n == 0)
		return 0;
	char *label = xstrndup(p, n);
	int yes = !ucap_is_blank(label) && is_label(label, line);
	free(label);
	return yes;
}

/* Text after the contact that is no contact detail: a page footer, a funding line. It
 * is kept as unplaced, lines that follow each other as one piece. */
static void read_footer(struct doc *d, const char *p, size_t line)
{
	struct row *r = &d->rows[d->nrows - 1];
	if (r->sec != S_FOOTER || line > r->last[0] + 1) {
		if ((r = new_row(d, "", line)) == NULL)
			return;
		r->sec = S_FOOTER;
		import_msg(d->up->notes, "line %zu: text after the contact kept as unplaced", line);
	}
	add_to_cell(r, 0, p, line);
}

/* A line of the contact block: its first paragraph, then what looks like contact
 * details; other text is a footer. Returns 0 for a label row, which ends the block (a
 * table goes on after it) and is read as a row. */
static int read_contact(struct doc *d, char *p, size_t line)
{
	struct row *r = &d->rows[d->contact_row];
	if (label_row(p, line)) {
		d->in_contact = 0;
		return 0;
	}
	if (ucap_is_blank(p)) {
		d->contact_done |= r->cell[0].len > 0;
	} else if (!d->contact_done || contact_like(p)) {
		add_to_cell(r, 0, p, line);
		d->contact_done |= strchr(p, '@') != NULL;   /* the address closes it */
	} else {
		read_footer(d, p, line);
	}
	return 1;
}

/* A row for a label; a second 'City' row means a second summary (files joined with
 * cat), which is refused rather than read into the first. NULL after an error. */
static struct row *labelled_row(struct doc *d, const char *label, size_t line)
{
	if (label_sec(label, line) == S_NAME) {
		if (d->city_line) {
			import_msg(d->up->errors, "two summaries in one file: line %zu starts another (its 'City' row; "
				   "the first is on line %zu); import them as separate files", line, d->city_line);
			return NULL;
		}
		d->city_line = line;
	}
	return new_row(d, label, line);
}

/* Puts one line where it belongs: a new row, the row it continues, the contact block. */
static void read_line(struct doc *d, char *p, size_t line)
{
	if (d->in_contact && read_contact(d, p, line))
		return;
	struct row *r = d->nrows ? &d->rows[d->nrows - 1] : NULL;
	if (ucap_is_blank(p) || is_rule(p) || contact_intro(d, p, line))
		return;
	char *tab = strchr(p, '\t');
	if (tab)
		*tab = '\0';       /* p is now the label, if there is one */
	if (tab && !ucap_is_blank(p) && r && ucap_is_blank(tab + 1) && !is_label(p, line)) {
		add_to_cell(r, r->cell[1].len ? 1 : 0, p, line);   /* "last line of a cell\t" */
	} else if (tab && !ucap_is_blank(p)) {
		if ((r = labelled_row(d, p, line)) != NULL)
			add_cells(r, tab + 1, line);
	} else if (tab) {
		if (r)
			add_cells(r, tab + 1, line);
		else
			read_preamble(d, tab + 1, line);
	} else if (r) {
		add_to_cell(r, r->cell[1].len ? 1 : 0, p, line);
	} else {
		read_preamble(d, p, line);
	}
}

/* ---- HTML tables ---- */

/* An HTML export's table becomes the rows read_line knows: each <tr> starts a line (of
 * the same number: line numbers stay the file's); the label cell's end, or a cell's start
 * after text, is a tab; a line that starts in the city's or the counterparts' cell starts
 * with the one or two tabs that address that column; the table tags themselves go. */

enum { T_NONE, T_ROW, T_CELL, T_OTHER };

/* The kind of table tag at p ('<'), with *closing for "</...>" and *end past its '>';
 * T_NONE when p starts none. */
static int table_tag(const char *p, int *closing, const char **end)
{
	static const struct { const char *name; int kind; } tags[] = {
		{"tr", T_ROW}, {"td", T_CELL}, {"th", T_CELL}, {"table", T_OTHER}, {"thead", T_OTHER},
		{"tbody", T_OTHER}, {"tfoot", T_OTHER}, {"caption", T_OTHER}, {"colgroup", T_OTHER}, {"col", T_OTHER},
	};
	const char *q = p + 1;
	*closing = *q == '/';
	q += *closing;
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
		size_t n = strlen(tags[i].name), span = 0;
		if (strncasecmp(q, tags[i].name, n) != 0 || !strchr(" \t/>", q[n]) || !q[n])
			continue;
		const char *gt = q + n;
		while (*gt && *gt != '>' && *gt != '<' && span++ < TAG_MAX)
			gt++;
		if (*gt != '>')
			return T_NONE;
		*end = gt + 1;
		return tags[i].kind;
	}
	return T_NONE;
}

/* The last byte of out that is not a blank, or 0. */
static char last_nonblank(const struct buf *out)
{
	for (size_t i = out->len; i > 0; i--)
		if (out->data[i - 1] != ' ')
			return out->data[i - 1];
	return 0;
}

static void put_tabs(struct buf *out, int col)
{
	buf_puts(out, col >= 2 ? "\t\t" : "\t");
}

/* Hands the logical line gathered in out to read_line, and empties out. */
static void flush_table_line(struct doc *d, struct buf *out, size_t line)
{
	if (out->len)
		read_line(d, (char *)buf_str(out), line);
	buf_reset(out);
}

/* Acts on one table tag: rows start lines, cells are separated by tabs. */
static void act_on_table_tag(struct doc *d, int kind, int closing, struct buf *out, size_t line)
{
	if (kind == T_ROW && !closing) {
		flush_table_line(d, out, line);
		d->tr_open = 1;
		d->td_col = -1;
		d->td_open = 0;
	} else if (kind == T_ROW) {
		if (d->td_col <= 0 && last_nonblank(out) == '\t') {   /* a row of one cell: no label */
			while (out->data[out->len - 1] == ' ')
				out->len--;
			out->data[--out->len] = '\0';
		}
		d->tr_open = d->td_open = 0;
	} else if (kind == T_CELL && !closing) {
		if (d->td_col < 2)
			d->td_col++;
		d->td_open = 1;
		char last = last_nonblank(out);
		if (d->td_col >= 1 && !last)
			put_tabs(out, d->td_col);
		else if (d->td_col >= 1 && last != '\t')
			buf_putc(out, '\t');
	} else if (kind == T_CELL) {
		if (d->td_open && d->td_col == 0)
			buf_putc(out, '\t');
		d->td_open = 0;
	}
}

/* Reads one line of the file through the table reader when it has or continues one. */
void ucap_read_table_line(struct doc *d, char *p, size_t line)
{
	if (!d->tr_open && !d->td_open && !strchr(p, '<')) {
		read_line(d, p, line);
		return;
	}
	struct buf out = BUF_INIT(UCAP_PAGE_MAX * 2);
	if (d->td_open && d->td_col >= 1)
		put_tabs(&out, d->td_col);     /* the cell goes on from the line before */
	for (const char *s = p; *s && !json_array_size(d->up->errors);) {
		int kind, closing;
		const char *end;
		if (*s == '<' && (kind = table_tag(s, &closing, &end)) != T_NONE) {
			act_on_table_tag(d, kind, closing, &out, line);
			s = end;
		} else {
			buf_putc(&out, *s++);
		}
	}
	if (!json_array_size(d->up->errors))
		flush_table_line(d, &out, line);
	buf_free(&out);
}
