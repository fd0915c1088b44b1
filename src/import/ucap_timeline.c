/* ucap_timeline.c: the dates of a U-CAP summary: the period of cooperation, and the
 * timeline of activities with their dates and sub-points; part of the parser
 * (ucap_page.c), see ucap_parse.h.
 *
 * Dates are read in the forms documents use ("June 2018", "14-18 October 2019", "June –
 * July 2019", "5th of May 2020"); seasons stay text. An activity starts with its date, or
 * is a list item of its own; sub-points are told from entries by their markers and levels
 * (is_point), since exports write both levels alike after a page break. */
#include "import/ucap_parse.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- dates ---- */

/* A date and, for a range, its last day or month. */
struct span {
	struct pdate start, end;
	int has_end;
};

/* Whether a is earlier than b, comparing their ISO forms ("2018" before "2018-06"). */
static int pdate_before(const struct pdate *a, const struct pdate *b)
{
	char x[PDATE_ISO_MAX], y[PDATE_ISO_MAX];
	pdate_format_iso(a, x);
	pdate_format_iso(b, y);
	return strcmp(x, y) < 0;
}

/* Skips a range separator ("–", "—", "-", "to", "until") and its blanks; NULL if none. */
static const char *range_sep(const char *s)
{
	static const char *const seps[] = {"\xE2\x80\x93", "\xE2\x80\x94", "-", "to ", "until ", "till "};
	while (*s == ' ')
		s++;
	for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
		size_t n = strlen(seps[i]);
		if (strncasecmp(s, seps[i], n) == 0) {
			for (s += n; *s == ' ';)
				s++;
			return s;
		}
	}
	return NULL;
}

#define ORDINAL_TAIL 48     /* bytes after "5th of " that a month and a year can take */

/* pdate_scan_text, also for an ordinal day ("5th of May 2020", "1st June 2019"): the
 * ordinal is read as the day it names, on a copy of the date's first bytes. */
static int scan_date(const char *s, struct pdate *d, struct pdate *last, const char **end)
{
	size_t n = 0;
	while (n < 2 && isdigit((unsigned char)s[n]))
		n++;
	static const char *const suffixes[] = {"st", "nd", "rd", "th"};
	int ordinal = 0;
	for (size_t i = 0; n && i < 4; i++)
		ordinal |= strncasecmp(s + n, suffixes[i], 2) == 0 && s[n + 2] == ' ';
	if (!ordinal)
		return pdate_scan_text(s, d, last, end);
	const char *tail = s + n + 3;
	if (strncasecmp(tail, "of ", 3) == 0)
		tail += 3;
	char copy[2 + 1 + ORDINAL_TAIL + 1];
	int head = snprintf(copy, sizeof copy, "%.*s ", (int)n, s);
	snprintf(copy + head, sizeof copy - (size_t)head, "%.*s", import_clip(tail, ORDINAL_TAIL), tail);
	const char *cend;
	if (pdate_scan_text(copy, d, last, &cend) != 0 || cend < copy + head)
		return -1;
	*end = tail + (cend - (copy + head));
	return 0;
}

/* A date or range at the start of s: "June 2018", "14-18 October 2019", "June 2018 –
 * December 2019", "June – July 2019", "5th of May 2020". Seasons ("Summer 2019") are no
 * dates: they stay text rather than gain a precision the document does not give. Returns
 * the end of what was read, or NULL. */
static const char *read_span(const char *s, struct span *sp)
{
	struct pdate last, b, blast;
	const char *end, *after, *q;
	size_t mlen;
	if (scan_date(s, &sp->start, &last, &end) == 0) {
		sp->end = last;
		sp->has_end = pdate_before(&sp->start, &last);
		if ((q = range_sep(end)) && scan_date(q, &b, &blast, &after) == 0 &&
		    !pdate_before(&b, &sp->start)) {
			sp->end = blast;
			sp->has_end = 1;
			end = after;
		}
		return end;
	}
	int m = pdate_month_from_name(s, &mlen);
	if (m && (q = range_sep(s + mlen)) && scan_date(q, &b, &blast, &end) == 0 && b.month >= m) {
		sp->start = (struct pdate){b.year, m, 0};
		sp->end = blast;
		sp->has_end = 1;
		return end;
	}
	return NULL;
}

static void set_date(json_t *obj, const char *key, const struct pdate *d)
{
	char iso[PDATE_ISO_MAX];
	pdate_format_iso(d, iso);
	json_object_set_new(obj, key, json_string(iso));
}

/* The date an activity starts with: a day or a month ("June 2018:", "**October 2019**:"),
 * or a year with a colon ("2019: ..."). Returns the text after it (a new string) or NULL. */
static char *entry_date(const char *text, struct span *sp)
{
	size_t stars = strspn(text, "*");
	if (stars > 3)
		return NULL;
	const char *end = read_span(text + stars, sp);
	if (!end)
		return NULL;
	size_t closing = strspn(end, "*");
	end += closing;
	while (*end == ' ')
		end++;
	if (!sp->start.month && *end != ':')
		return NULL;
	if (*end == ':' || *end == ',')
		end++;
	else if ((strncmp(end, "\xE2\x80\x93 ", 4) == 0))
		end += 4;
	else if (strncmp(end, "- ", 2) == 0)
		end += 2;
	while (*end == ' ')
		end++;
	/* "**June 2018: Kick-off**": the emphasis goes on around the rest */
	struct buf rest = BUF_INIT((size_t)-1 / 2);
	if (closing < stars)
		buf_printf(&rest, "%.*s", (int)(stars - closing), text);
	buf_puts(&rest, end);
	return buf_detach(&rest);
}

/* The period: a range, or a start alone. Text after it is kept as unplaced. */
void ucap_build_period(struct doc *d, json_t *content)
{
	struct blocks *b = &d->sec[S_PERIOD];
	if (!b->n)
		return;
	char *text = ucap_blocks_flat(b), *t = text + strspn(text, "*");
	struct span sp;
	const char *end = read_span(t, &sp);
	if (end) {
		json_t *period = json_object();
		set_date(period, "start", &sp.start);
		if (sp.has_end)
			set_date(period, "end", &sp.end);
		json_object_set_new(content, "period", period);
		end += strspn(end, "*.,; ");
	}
	if (!end || *end) {
		import_msg(d->up->notes, "line %zu: period of cooperation: %s; kept as unplaced", d->sec_line[S_PERIOD],
			end ? "text after the dates" : "no dates could be read");
		ucap_unplace(d, d->sec_line[S_PERIOD], end ? end : text);
	}
	free(text);
}

/* ---- activities ---- */

/* Joins more text to the string at key of obj (or index i of an array when key is NULL). */
static void join_into(json_t *obj, const char *key, size_t i, const char *more)
{
	json_t *old = key ? json_object_get(obj, key) : json_array_get(obj, i);
	char *joined = ucap_join2(old ? json_string_value(old) : "", more);
	if (key)
		json_object_set_new(obj, key, json_string(joined));
	else
		json_array_set_new(obj, i, json_string(joined));
	free(joined);
}

/* A new entry of the timeline; sp NULL for an undated one. */
static json_t *new_entry(const struct span *sp, const char *text)
{
	json_t *e = json_object();
	if (sp) {
		set_date(e, "date", &sp->start);
		if (sp->has_end)
			set_date(e, "end", &sp->end);
	}
	json_object_set_new(e, "text", json_string(text));
	json_object_set_new(e, "points", json_array());
	return e;
}

/* Where the timeline is being built. */
struct timeline {
	json_t *entries;
	json_t *cur;            /* the entry later points and paragraphs belong to, or NULL */
	int cur_dated;
	int cur_level;          /* the level of the block that began it, 0 for a paragraph */
	enum mark cur_mark;
};

static void add_entry(struct doc *d, struct timeline *tl, const struct block *k, const struct span *sp,
		      const char *text)
{
	if (json_array_size(tl->entries) >= PLAN_LIST_MAX) {
		import_msg(d->up->notes, "line %zu: more than %d activities; the rest kept as unplaced", k->line, PLAN_LIST_MAX);
		ucap_unplace(d, k->line, k->text);
		tl->cur = NULL;
		return;
	}
	tl->cur = new_entry(sp, text);
	tl->cur_dated = sp != NULL;
	tl->cur_level = k->level;
	tl->cur_mark = k->mark;
	json_array_append_new(tl->entries, tl->cur);
}

static void add_point(struct doc *d, struct timeline *tl, const struct block *k)
{
	json_t *points = json_object_get(tl->cur, "points");
	if (json_array_size(points) >= PLAN_LIST_MAX) {
		import_msg(d->up->notes, "line %zu: more than %d points under one activity; the rest kept as unplaced",
			k->line, PLAN_LIST_MAX);
		ucap_unplace(d, k->line, k->text);
		return;
	}
	json_array_append_new(points, json_string(k->text));
}

/* Whether text starts with a few words holding a year before a colon ("Summer 2019:",
 * "Early 2020:"): the head of an entry whose date is no date c2c can store. */
static int dated_head(const char *text)
{
	size_t n = strcspn(text, ":");
	if (!text[n] || n > 40)
		return 0;
	int words = 1, year = 0;
	for (size_t i = 0; i < n; i++) {
		words += text[i] == ' ';
		if ((i == 0 || !isalnum((unsigned char)text[i - 1])) && isdigit((unsigned char)text[i])) {
			size_t d = 0;
			int v = 0;
			for (; d < 5 && isdigit((unsigned char)text[i + d]); d++)
				v = v * 10 + (text[i + d] - '0');
			year |= d == 4 && v >= 1900 && v <= 2200 && !isalnum((unsigned char)text[i + d]);
		}
	}
	return year && words <= 4;
}

/* Whether an undated list item is a point of the current entry, not an entry of its own.
 * Under a paragraph entry, items are points of a dated one. Otherwise an item is a point
 * when it is deeper: nested, indented, "○" under "→", or "-" under "→" or a <li>. A "-"
 * under a dated "-" is a point too unless it starts like an entry ("Summer 2019: ..."):
 * where an export writes both levels as "-" (seed 002 after its page break), only the
 * date tells an entry from a point. Any other item at the entry's level is an entry. */
static int is_point(const struct timeline *tl, const struct block *k)
{
	if (tl->cur_mark == M_NONE)
		return tl->cur_dated;
	if (k->level > tl->cur_level)
		return 1;
	if (k->mark != M_DASH)
		return 0;
	return tl->cur_mark != M_DASH || (tl->cur_dated && !dated_head(k->text));
}

/* One block of the activities section. A dated one starts an entry; an undated list item
 * is a point of the entry before it or an entry of its own (is_point); a paragraph
 * continues what came before it (a page break cut it off); anything else is an entry
 * without a date. */
static void timeline_block(struct doc *d, struct timeline *tl, const struct block *k)
{
	struct span sp;
	char *rest = k->kind == B_PARA || k->level <= 1 ? entry_date(k->text, &sp) : NULL;
	json_t *points = json_object_get(tl->cur, "points");
	if (rest) {
		add_entry(d, tl, k, &sp, rest);
	} else if (tl->cur && k->kind == B_ITEM && is_point(tl, k)) {
		add_point(d, tl, k);
	} else if (tl->cur && k->kind == B_PARA) {
		if (json_array_size(points))
			join_into(points, NULL, json_array_size(points) - 1, k->text);
		else
			join_into(tl->cur, "text", 0, k->text);
	} else {
		add_entry(d, tl, k, NULL, k->text);
	}
	free(rest);
}

/* Drops what an entry left empty: no points, no text. */
static void tidy_entries(json_t *entries)
{
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e) {
		if (json_array_size(json_object_get(e, "points")) == 0)
			json_object_del(e, "points");
		if (!*json_string_value(json_object_get(e, "text")))
			json_object_del(e, "text");
	}
}

/* The timeline from the activities section's blocks, in the document's order. */
void ucap_build_activities(struct doc *d, json_t *content)
{
	struct blocks *b = &d->sec[S_ACTIVITIES];
	struct timeline tl = {.entries = json_array()};
	for (size_t i = 0; i < b->n; i++)
		timeline_block(d, &tl, &b->v[i]);
	tidy_entries(tl.entries);
	if (json_array_size(tl.entries))
		json_object_set(content, "activities", tl.entries);
	json_decref(tl.entries);
}
