/* ucap_themes.c: the themes and key focus of a U-CAP summary, and its goals (SDG numbers
 * and Urban Agenda partnerships); part of the parser (ucap_page.c), see ucap_parse.h.
 *
 * Themes come as "Title: text" paragraphs or items, or as one cell that runs several
 * titles together, told apart by the "Title – text" pairs of the key-focus cell. Goals
 * come as "SDG 9&11, title" and "EU UP name" pieces; a partnership is matched loosely
 * against the taxonomy the caller gives (ucap_match_partnership, ucap_page.h). A piece
 * that names no goal is kept as unplaced. */
#include "import/ucap_parse.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WORDS_MAX 400          /* words of a theme cell matched against key-focus titles */
#define SEGMENTS_MAX 60        /* "Title – text" pieces of a key-focus cell */
#define GOAL_TITLE_MAX 120     /* the title after an SDG number; longer is other text */

/* ---- themes and key focus ---- */

#define TITLE_WORDS_MAX 12      /* a theme title has a few words */

/* The words of a text, as written and folded for matching (punctuation around dropped). */
struct words {
	size_t n;
	char *word[WORDS_MAX];
	char *key[WORDS_MAX];
};

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->word[i]);
		free(w->key[i]);
	}
	w->n = 0;
}

/* Splits s at blanks; -1 when it has more than WORDS_MAX words. */
static int words_split(const char *s, struct words *w)
{
	w->n = 0;
	while (*s) {
		size_t n = strcspn(s, " ");
		if (n) {
			if (w->n == WORDS_MAX) {
				words_free(w);
				return -1;
			}
			w->word[w->n] = xstrndup(s, n);
			char *k = fold_key(w->word[w->n]);
			size_t len = strlen(k), lead = strspn(k, ",;:.()\"'*");
			while (len > lead && strchr(",;:.()\"'*", k[len - 1]))
				k[--len] = '\0';
			memmove(k, k + lead, len - lead + 1);
			w->key[w->n++] = k;
		}
		s += n + (s[n] == ' ');
	}
	return 0;
}

/* Words [from, to) joined by blanks: a new string. */
static char *words_join(const struct words *w, size_t from, size_t to)
{
	struct buf out = BUF_INIT((size_t)-1 / 2);
	for (size_t i = from; i < to; i++)
		buf_printf(&out, "%s%s", i > from ? " " : "", w->word[i]);
	return buf_detach(&out);
}

/* The first place at or after `from` where the last m words of seg occur in hay; -1. */
static long words_find(const struct words *hay, size_t from, const struct words *seg, size_t m)
{
	size_t s0 = seg->n - m;
	for (size_t at = from; at + m <= hay->n; at++) {
		size_t i = 0;
		while (i < m && strcmp(hay->key[at + i], seg->key[s0 + i]) == 0)
			i++;
		if (i == m)
			return (long)at;
	}
	return -1;
}

/* The longest ending of seg (at most TITLE_WORDS_MAX words, all of seg only when whole
 * is set) found in hay at or after from: its place, with its length in *m; -1 if none. */
static long longest_ending(const struct words *hay, size_t from, const struct words *seg, int whole, size_t *m)
{
	size_t most = whole ? seg->n : seg->n - (seg->n > 0);
	if (most > TITLE_WORDS_MAX)
		most = TITLE_WORDS_MAX;
	for (*m = most; *m > 0; (*m)--) {
		long at = words_find(hay, from, seg, *m);
		if (at >= 0)
			return at;
	}
	return -1;
}

/* Cuts text at " – " (or " — ", " - ") into at most SEGMENTS_MAX new strings; returns
 * how many, 0 when there are too many. */
static size_t dash_segments(const char *text, char **seg)
{
	static const char *const dashes[] = {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " - "};
	size_t n = 0;
	const char *p = text;
	for (;;) {
		const char *best = NULL;
		size_t blen = 0;
		for (size_t i = 0; i < sizeof dashes / sizeof *dashes; i++) {
			const char *q = strstr(p, dashes[i]);
			if (q && (!best || q < best)) {
				best = q;
				blen = strlen(dashes[i]);
			}
		}
		if (n == SEGMENTS_MAX) {
			while (n > 0)
				free(seg[--n]);
			return 0;
		}
		seg[n++] = best ? xstrndup(p, (size_t)(best - p)) : xstrdup(p);
		if (!best)
			return n;
		p = best + blen;
	}
}

/* What split_themes finds: the key focus as "title – text" pairs, and where each title
 * stands in the theme cell. */
struct pairs {
	size_t n;
	char *title[SEGMENTS_MAX], *text[SEGMENTS_MAX];
	size_t at[SEGMENTS_MAX];       /* first theme-cell word of the pair's theme */
	char *intro;                   /* key-focus text before the first title */
};

static void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->title[i]);
		free(p->text[i]);
	}
	free(p->intro);
	p->n = 0;
}

/* Reads the key focus "A – text B – text ..." against the theme cell's words: a title is
 * the longest ending of a dash segment that the theme cell has next, in order; a dash
 * whose segment ends in no such title belongs to the text. Returns 0 with at least one
 * pair, -1 when the first segment is no theme. */
static int focus_pairs(const struct words *tw, char **seg, size_t nseg, struct pairs *p)
{
	struct words sw;
	size_t m = 0, next = 0;
	struct buf text = BUF_INIT((size_t)-1 / 2);
	if (words_split(seg[0], &sw))
		return -1;
	long at = longest_ending(tw, 0, &sw, 1, &m);
	if (at >= 0) {
		p->intro = words_join(&sw, 0, sw.n - m);
		p->title[0] = words_join(&sw, sw.n - m, sw.n);
		p->at[0] = (size_t)at;
		p->n = 1;
		next = (size_t)at + m;
	}
	words_free(&sw);
	for (size_t k = 1; at >= 0 && k < nseg; k++) {
		long found = -1;
		if (k + 1 < nseg && words_split(seg[k], &sw) == 0) {
			found = longest_ending(tw, next, &sw, 0, &m);
			if (found >= 0) {
				char *before = words_join(&sw, 0, sw.n - m);
				buf_puts(&text, before);
				free(before);
				p->text[p->n - 1] = buf_detach(&text);
				p->title[p->n] = words_join(&sw, sw.n - m, sw.n);
				p->at[p->n++] = (size_t)found;
				next = (size_t)found + m;
			}
			words_free(&sw);
		}
		if (found < 0)
			buf_printf(&text, "%s%s", seg[k], k + 1 < nseg ? " \xE2\x80\x93 " : "");
	}
	if (p->n)
		p->text[p->n - 1] = buf_detach(&text);
	buf_free(&text);
	return p->n ? 0 : -1;
}

/* Appends the theme titled by words [from, to) of the theme cell; -1 (nothing appended)
 * when that title is longer than a plan allows or the list is full. */
static int add_title(json_t *themes, const struct words *tw, size_t from, size_t to)
{
	char *title = words_join(tw, from, to);
	int fits = utf8_chars(title) <= PLAN_TITLE_MAX && json_array_size(themes) < PLAN_LIST_MAX;
	if (fits)
		json_array_append_new(themes, json_pack("{s:s}", "title", title));
	free(title);
	return fits ? 0 : -1;
}

/* Themes from a theme cell that runs several titles together ("Smart city eHealth and
 * silver economy Energy & clean technology Tourism & Culture") and a key-focus cell of
 * "Title – text" pairs: the key-focus titles show where each theme title starts, and the
 * theme keeps the cell's own words for its title. The text stays the key focus's alone:
 * copied into the themes, the summary would show each sentence twice. Sets *focus_md to
 * the key focus as a list of its pairs. Returns the number of themes, 0 if none fit. */
static size_t split_themes(const char *cell, const char *focus, json_t *themes, char **focus_md)
{
	struct words tw;
	char *seg[SEGMENTS_MAX];
	struct pairs p = {0};
	size_t nseg = dash_segments(focus, seg);
	if (nseg < 2 || words_split(cell, &tw)) {
		while (nseg > 0)
			free(seg[--nseg]);
		return 0;
	}
	if (focus_pairs(&tw, seg, nseg, &p) == 0) {
		struct buf md = BUF_INIT((size_t)-1 / 2);
		int bad = 0;
		if (*p.intro)
			buf_printf(&md, "%s\n\n", p.intro);
		if (p.at[0] > 0)     /* theme-cell words before the first title: a theme of their own */
			bad |= add_title(themes, &tw, 0, p.at[0]);
		for (size_t i = 0; i < p.n; i++) {
			bad |= add_title(themes, &tw, p.at[i], i + 1 < p.n ? p.at[i + 1] : tw.n);
			buf_printf(&md, "%s- **%s** \xE2\x80\x93 %s", i ? "\n" : "", p.title[i], p.text[i]);
		}
		if (bad)             /* no split, then: the cell is read as it is */
			json_array_clear(themes);
		*focus_md = bad ? NULL : buf_detach(&md);
		buf_free(&md);
	}
	pairs_free(&p);
	words_free(&tw);
	while (nseg > 0)
		free(seg[--nseg]);
	return json_array_size(themes);
}

/* A theme from one paragraph or item: "**Title:** text", "Title: text", "Title – text",
 * or a short title alone. Returns -1 when the text is none of these. */
static int theme_from_text(const char *text, json_t *themes)
{
	const char *sep = NULL, *rest = NULL;
	if (strncmp(text, "**", 2) == 0 && (sep = strstr(text + 2, "**")) != NULL) {
		rest = sep + 2;
		text += 2;
	} else if ((sep = strstr(text, ": ")) != NULL || (sep = strstr(text, " \xE2\x80\x93 ")) != NULL) {
		rest = sep + (*sep == ':' ? 1 : 4);
	}
	if (sep && sep - text > 0 && sep - text <= 160) {
		char *title = xstrndup(text, (size_t)(sep - text));
		size_t n = strlen(title);
		while (n > 0 && strchr(": ", title[n - 1]))
			title[--n] = '\0';
		rest += strspn(rest, ": ");
		if (strncmp(rest, "\xE2\x80\x93 ", 4) == 0)
			rest += 4;
		json_t *theme = json_pack("{s:s}", "title", title);
		if (*rest)
			json_object_set_new(theme, "text", json_string(rest));
		free(title);
		if (n > 0 && utf8_chars(json_string_value(json_object_get(theme, "title"))) <= PLAN_TITLE_MAX) {
			json_array_append_new(themes, theme);
			return 0;
		}
		json_decref(theme);
	}
	if (utf8_chars(text) > PLAN_TITLE_MAX)
		return -1;
	json_array_append_new(themes, json_pack("{s:s}", "title", text));
	return 0;
}

/* Themes and key focus together: seed 002's form needs one to read the other. */
void ucap_build_themes(struct doc *d, json_t *content)
{
	struct blocks *t = &d->sec[S_THEMES], *f = &d->sec[S_FOCUS];
	json_t *themes = json_array();
	char *focus_md = NULL;
	if (t->n == 1 && f->n == 1 && !strchr(t->v[0].text, ':') && !strstr(t->v[0].text, "**") &&
	    split_themes(t->v[0].text, f->v[0].text, themes, &focus_md))
		import_msg(d->up->notes, "line %zu: the themes were told apart by the titles of the key focus",
			d->sec_line[S_THEMES]);
	for (size_t i = 0; !focus_md && i < t->n; i++) {
		if (json_array_size(themes) >= PLAN_LIST_MAX || theme_from_text(t->v[i].text, themes)) {
			import_msg(d->up->notes, "line %zu: a theme with no title that fits; kept as unplaced", t->v[i].line);
			ucap_unplace(d, t->v[i].line, t->v[i].text);
		}
	}
	if (json_array_size(themes))
		json_object_set(content, "themes", themes);
	json_decref(themes);
	if (!focus_md)
		focus_md = ucap_blocks_markdown(f);
	if (*focus_md)
		json_object_set_new(content, "key_focus", json_string(focus_md));
	free(focus_md);
}

/* ---- SDGs and Urban Agenda partnerships ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of a partnership name for the loose match: folded, without punctuation or
 * "&", without "and", "in", "the", "of", in sorted order. A new string. */
static char *loose_key(const char *name)
{
	static const char *const skip[] = {"and", "in", "the", "of"};
	char *k = fold_key(name), *words[64], *p = k;
	size_t n = 0;
	for (char *q = k; *q; q++)
		if ((unsigned char)*q < 0x80 && !isalnum((unsigned char)*q))
			*q = ' ';
	while (n < 64) {
		p += strspn(p, " ");
		if (!*p)
			break;
		char *w = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
		int drop = 0;
		for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
			drop |= strcmp(w, skip[i]) == 0;
		if (!drop)
			words[n++] = w;
	}
	qsort(words, n, sizeof *words, cmp_str);
	struct buf out = BUF_INIT((size_t)-1 / 2);
	for (size_t i = 0; i < n; i++)
		buf_printf(&out, "%s%s", i ? " " : "", words[i]);
	free(k);
	return buf_detach(&out);
}

const char *ucap_match_partnership(const char *text, const char *const *names)
{
	const char *found = NULL;
	if (!names || strlen(text) > LABEL_MAX)
		return NULL;
	char *key = fold_key(text);
	for (const char *const *n = names; *n && !found; n++) {
		char *k = fold_key(*n);
		if (strcmp(k, key) == 0)
			found = *n;
		free(k);
	}
	free(key);
	char *loose = loose_key(text);
	for (const char *const *n = names; *n && !found && *loose; n++) {
		char *k = loose_key(*n);
		if (strcmp(k, loose) == 0)
			found = *n;
		free(k);
	}
	free(loose);
	return found;
}

/* The next "SDG", "SDGs" or "SGD" (a common slip), or "EU UP", at a word start in s:
 * *kind 1 for a goal, 2 for a partnership, *len its length. NULL if none. */
static const char *goal_marker(const char *s, int *kind, size_t *len)
{
	for (const char *p = s; *p; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		if (strncasecmp(p, "sdg", 3) == 0 || strncasecmp(p, "sgd", 3) == 0) {
			size_t n = 3 + (tolower((unsigned char)p[3]) == 's');
			if (!isalpha((unsigned char)p[n])) {
				*kind = 1;
				*len = n;
				return p;
			}
		}
		if (strncasecmp(p, "eu up", 5) == 0 && !isalnum((unsigned char)p[5])) {
			*kind = 2;
			*len = 5;
			return p;
		}
	}
	return NULL;
}

/* The number at s and its digits in *len; a goal number has one or two ("2030" is none). */
static int goal_number(const char *s, size_t *len)
{
	size_t n = 0;
	int v = 0;
	while (n < 3 && isdigit((unsigned char)s[n]))
		v = v * 10 + (s[n++] - '0');
	*len = n;
	return v;
}

static void add_goal(json_t *sdgs, int v)
{
	for (size_t i = 0; i < json_array_size(sdgs); i++)
		if (json_integer_value(json_array_get(sdgs, i)) == v)
			return;
	json_array_append_new(sdgs, json_integer(v));
}

/* Reads "03", "9&11", "7, 11 and 13" after an SDG marker into sdgs. Returns the end of
 * the numbers, or NULL when there are none; sets *bad when one is no goal (not 1..17). */
static const char *goal_numbers(const char *p, json_t *sdgs, int *bad)
{
	const char *end = NULL;
	size_t n;
	p += strspn(p, " #:");
	for (;;) {
		int v = goal_number(p, &n);
		if (n == 0 || n > 2)
			break;
		if (v < 1 || v > 17)
			*bad = 1;
		else
			add_goal(sdgs, v);
		end = p += n;
		const char *q = p + strspn(p, " ");
		if (*q && strchr("&,/+;", *q))
			q++;
		else if (strncasecmp(q, "and ", 4) == 0)
			q += 4;
		else
			break;
		q += strspn(q, " ");
		goal_number(q, &n);
		if (n == 0 || n > 2)
			break;
		p = q;
	}
	return end;
}

/* The text between from and to without the separators and blanks around it: a new string. */
static char *goal_piece(const char *from, const char *to)
{
	while (from < to && strchr(" ,;:.-", *from))
		from++;
	while (to > from && strchr(" ,;:.-", to[-1]))
		to--;
	return xstrndup(from, (size_t)(to - from));
}

/* "SDG 9&11, Industry, Innovation and Infrastructure": the numbers, and the goal's title,
 * which the taxonomy has already. A piece that names no goal is kept as unplaced. */
static void sdg_piece(struct doc *d, const struct block *k, const char *m, const char *end, json_t *sdgs)
{
	int bad = 0;
	size_t kind_len = strcspn(m, "0123456789 #:");
	char *piece = xstrndup(m + kind_len, (size_t)(end - m) - kind_len);
	const char *after = goal_numbers(piece, sdgs, &bad);
	char *title = after ? goal_piece(after, piece + strlen(piece)) : NULL;
	if (!after || bad || utf8_chars(title) > GOAL_TITLE_MAX) {
		char *whole = goal_piece(m, end);
		import_msg(d->up->notes, "line %zu: '%.*s%s' names no goal from 1 to 17 alone; kept as unplaced", k->line,
			clip(whole), whole, ellipsis(whole));
		ucap_unplace(d, k->line, whole);
		free(whole);
	}
	free(title);
	free(piece);
}

static int has_string(json_t *list, const char *s)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_array_get(list, i)), s) == 0)
			return 1;
	return 0;
}

/* "EU UP Jobs & Skills in Local Economy": the partnership by its name in the taxonomy. */
static void partnership_piece(struct doc *d, const struct block *k, const char *m, const char *end, json_t *ua)
{
	char *name = goal_piece(m + 5, end);
	const char *found = *name ? ucap_match_partnership(name, d->opt->urban_agenda) : NULL;
	if (found) {
		if (!has_string(ua, found))
			json_array_append_new(ua, json_string(found));
	} else {
		char *whole = goal_piece(m, end);
		import_msg(d->up->notes, "line %zu: '%.*s%s' is no Urban Agenda partnership c2c knows; kept as unplaced",
			k->line, clip(whole), whole, ellipsis(whole));
		ucap_unplace(d, k->line, whole);
		free(whole);
	}
	free(name);
}

/* One paragraph of the goals cell: each marker starts a piece that runs to the next one;
 * text before the first marker is kept as unplaced. */
static void read_goals(struct doc *d, const struct block *k, json_t *sdgs, json_t *ua)
{
	int kind = 0, next_kind = 0;
	size_t len = 0, next_len = 0;
	const char *m = goal_marker(k->text, &kind, &len);
	char *lead = goal_piece(k->text, m ? m : k->text + strlen(k->text));
	if (*lead) {
		import_msg(d->up->notes, "line %zu: goals: text before any SDG or EU UP kept as unplaced", k->line);
		ucap_unplace(d, k->line, lead);
	}
	free(lead);
	while (m) {
		const char *next = goal_marker(m + len, &next_kind, &next_len);
		const char *end = next ? next : m + strlen(m);
		if (kind == 1)
			sdg_piece(d, k, m, end, sdgs);
		else
			partnership_piece(d, k, m, end, ua);
		m = next;
		kind = next_kind;
		len = next_len;
	}
}

/* sdgs (sorted, each once) and urban_agenda (taxonomy names, each once). */
void ucap_build_goals(struct doc *d, json_t *content)
{
	json_t *sdgs = json_array(), *ua = json_array();
	struct blocks *b = &d->sec[S_GOALS];
	for (size_t i = 0; i < b->n; i++)
		read_goals(d, &b->v[i], sdgs, ua);
	for (size_t i = 1; i < json_array_size(sdgs); i++)   /* insertion sort: at most 17 */
		for (size_t k = i; k > 0 && json_integer_value(json_array_get(sdgs, k - 1)) >
					     json_integer_value(json_array_get(sdgs, k)); k--) {
			json_t *a = json_incref(json_array_get(sdgs, k - 1));
			json_array_set(sdgs, k - 1, json_array_get(sdgs, k));
			json_array_set_new(sdgs, k, a);
		}
	if (json_array_size(sdgs))
		json_object_set(content, "sdgs", sdgs);
	if (json_array_size(ua))
		json_object_set(content, "urban_agenda", ua);
	json_decref(sdgs);
	json_decref(ua);
}
