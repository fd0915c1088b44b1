/* pairing_page.c: the pure parser of city-pairing pages; see pairing_page.h.
 *
 * Reading takes two passes over the page's non-blank lines. The first classifies each line
 * on its own: a navigation heading, a header naming a city, a labelled value, a bare number,
 * a topic list, a bullet, a dated note, prose or a short text. The second walks the lines
 * with a little state (whose values come now, and which of them have been seen), because
 * bare values mean something only by their position: population, area, leader, first of
 * the EU city and then of the paired city. Lines before the first city header or value are
 * the site's navigation and introduction, not the pairing's, and are dropped.
 *
 * Everything read is bounded: the page size, the number of lines, list lengths, and the
 * length of lines that get the more expensive scans (topics, dates inside sentences). */
#include "import/pairing_page.h"
#include "import/importer.h"
#include "core/country.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINES_MAX 20000          /* a pairing page has a few dozen */
#define TOPIC_LINE_MAX 1000      /* longer lines are prose, not topic lists */
#define DATE_SCAN_MAX 4000       /* a history note holds at most 4000 characters */
#define SHORT_LINE_MAX 120       /* a name or a leader; longer is prose */
#define INTERESTS_MAX 100        /* the limits of the cooperation record */
#define HISTORY_MAX 500
#define REPORT_LIST_MAX 100      /* unread lines and unknown topics kept for the report */
#define QUOTE_MAX 70             /* bytes of a line quoted in a message */
#define COPY_PADDING 16          /* zero bytes after the page copy; see split_lines() */

enum kind {
	LK_NOISE,       /* navigation heading, or a line consumed by the one before: dropped */
	LK_COLUMNS,     /* table headings such as "EU City" / "Paired city": dropped */
	LK_FOOTNOTE,    /* "*Note: ...": reported as unread */
	LK_HEADER,      /* "EU City: Bonn": a name and whose values follow */
	LK_TITLE,       /* "Bonn – Ningbo" */
	LK_LABEL,       /* "Population: 330 000", or "Population" with the value on the next line */
	LK_TOPICS,      /* a topic list, possibly run together */
	LK_SDGS,        /* "SDG 11", "SDGs: 3, 7, 11" */
	LK_BULLET,      /* "• Vocational education exchange" */
	LK_HISTORY,     /* prose about a dated event */
	LK_PROSE,       /* other sentences: the description */
	LK_NUMBER,      /* a bare number: a population, or an area without unit */
	LK_AREA,        /* a bare number with an area unit */
	LK_BADNUM,      /* short text that starts like a number but is not one */
	LK_TEXT,        /* a short line: a city name or a leader */
};

enum fact { FACT_NAME, FACT_POPULATION, FACT_AREA, FACT_LEADER, FACT_COUNTRY, FACT_REGION };
#define BIT(f) (1u << (f))
#define CITY_VALUES (BIT(FACT_POPULATION) | BIT(FACT_AREA) | BIT(FACT_LEADER))

/* One non-blank line of the page. text points into the parser's copy of the page;
 * names[] are owned copies (freed with the line array). */
struct line {
	char *text;             /* trimmed, control characters made spaces */
	enum kind kind;
	enum fact fact;         /* LK_LABEL */
	const char *title;      /* LK_LABEL of a leader: "Mayor", or NULL; static */
	const char *value;      /* LK_LABEL, LK_HEADER, LK_TOPICS, LK_SDGS: the part after the key */
	int side;               /* LK_HEADER */
	char *names[2];         /* LK_TITLE: the two city names */
	struct pdate date;      /* LK_HISTORY */
};

/* ---- messages ---- */

/* Quoting at most QUOTE_MAX bytes of s: "%.*s%s", clip(s), s, ellipsis(s). */
#define clip(s) import_clip(s, QUOTE_MAX)
#define ellipsis(s) import_ellipsis(s, QUOTE_MAX)

static const char *side_name(int side)
{
	return side == PAGE_EU ? "the EU city" : "the partner city";
}

/* ---- text helpers ---- */

/* Byte length of a space character at s: ASCII blank, no-break, thin, narrow no-break or
 * zero-width space, byte order mark; 0 for anything else. */
static size_t space_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	if (*s == ' ' || *s == '\t')
		return 1;
	if (s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x89 || s[2] == 0x8B || s[2] == 0xAF))
		return 3;
	if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return 3;
	return 0;
}

/* Trims spaces of every kind above, in place; returns s advanced. */
static char *trim(char *s)
{
	size_t k, n;
	while ((k = space_len(s)))
		s += k;
	n = strlen(s);
	for (;;) {
		if (n >= 1 && space_len(s + n - 1) == 1)
			n -= 1;
		else if (n >= 2 && space_len(s + n - 2) == 2)
			n -= 2;
		else if (n >= 3 && space_len(s + n - 3) == 3)
			n -= 3;
		else
			break;
		s[n] = '\0';
	}
	return s;
}

/* Makes control characters spaces so that no value is refused for them later: C0 and
 * DEL bytes, and the C1 range U+0080..U+009F (two bytes each in valid UTF-8). */
static void blank_controls(char *str)
{
	unsigned char *s = (unsigned char *)str;
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7F)
			*s = ' ';
		else if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			s[0] = s[1] = ' ';
	}
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	for (int in_word = 0; *s; s++) {
		int sp = *s == ' ';
		if (!sp && !in_word)
			n++;
		in_word = !sp;
	}
	return n;
}

/* The UTF-8 length of the character starting with byte c (1 for stray bytes). */
static size_t char_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static int ends_sentence(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && strchr(".!?:;", s[n - 1]) != NULL;
}

/* Prose: a sentence, or too long to be a name. */
static int is_prose(const char *s)
{
	return strlen(s) > SHORT_LINE_MAX || ends_sentence(s) || count_words(s) > 10;
}

/* 1 when a and b name the same thing, ignoring case and accents. */
static int same_name(const char *a, const char *b)
{
	char *ka = fold_key(a), *kb = fold_key(b);
	int same = strcmp(ka, kb) == 0;
	free(ka);
	free(kb);
	return same;
}

/* ---- numbers ---- */

enum unit_kind { UNIT_NONE, UNIT_PEOPLE, UNIT_AREA };

/* Units after a number. Longer spellings come before their prefixes ("km2" before "km"). */
static const struct unit {
	const char *word;
	enum unit_kind kind;
	double factor;          /* to km² for areas */
} units[] = {
	{"km2", UNIT_AREA, 1}, {"km\xC2\xB2", UNIT_AREA, 1}, {"km 2", UNIT_AREA, 1},
	{"sq. km", UNIT_AREA, 1}, {"sq km", UNIT_AREA, 1}, {"square kilometres", UNIT_AREA, 1},
	{"square kilometers", UNIT_AREA, 1}, {"km", UNIT_AREA, 1}, {"hectares", UNIT_AREA, 0.01},
	{"ha", UNIT_AREA, 0.01}, {"square miles", UNIT_AREA, 2.589988}, {"sq mi", UNIT_AREA, 2.589988},
	{"inhabitants", UNIT_PEOPLE, 1}, {"inh.", UNIT_PEOPLE, 1}, {"people", UNIT_PEOPLE, 1},
	{"residents", UNIT_PEOPLE, 1},
};

/* Skips a hedge before a number: "about 540 000", "approx. 1 400 km2", "ca. 2 million". */
static const char *skip_hedge(const char *s)
{
	static const char *const hedges[] = {"approximately ", "approx. ", "approx ", "about ",
					     "around ", "ca. ", "c. ", "over ", "more than ", "~"};
	for (size_t i = 0; i < sizeof hedges / sizeof *hedges; i++)
		if (str_starts_with_ci(s, hedges[i]))
			return s + strlen(hedges[i]);
	return s;
}

static int starts_like_number(const char *s)
{
	return isdigit((unsigned char)*skip_hedge(s));
}

/* Reads a whole line as one quantity: a hedge, a number in any of the document forms
 * (str.h parse_quantity), a unit, and a remark in parentheses ("(2018)"). Returns 0 with
 * *v (converted to km² for areas) and *unit, or -1 when anything else is on the line. */
static int read_quantity(const char *s, double *v, enum unit_kind *unit)
{
	const char *end;
	if (parse_quantity(skip_hedge(s), v, &end) || !isfinite(*v))
		return -1;
	while (*end == ' ')
		end++;
	*unit = UNIT_NONE;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		size_t n = strlen(units[i].word);
		if (strncasecmp(end, units[i].word, n) == 0 && !isalnum((unsigned char)end[n])) {
			*unit = units[i].kind;
			*v *= units[i].factor;
			end += n;
			break;
		}
	}
	while (*end == ' ' || *end == '.')
		end++;
	if (*end == '(' && strchr(end, ')'))
		end = strchr(end, ')') + 1;
	while (*end == ' ')
		end++;
	return *end ? -1 : 0;
}

/* ---- topics and goals ---- */

/* Byte length of a list separator at s (after any spaces, which it includes), or 0. */
static size_t separator_len(const char *s)
{
	static const char *const seps[] = {",", ";", "|", "/", "\xE2\x80\xA2", "\xC2\xB7",
					   "\xE2\x80\x93", "\xE2\x80\x94", " "};
	for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
		if (strncmp(s, seps[i], strlen(seps[i])) == 0)
			return strlen(seps[i]);
	return space_len(s);
}

/* Length of the longest topic name at s, case-insensitively, or 0; *name: its spelling. */
static size_t topic_prefix(const char *s, size_t avail, const char *const *topics, const char **name)
{
	size_t best = 0;
	for (const char *const *t = topics; *t; t++) {
		size_t n = strlen(*t);
		if (n > best && n <= avail && strncasecmp(s, *t, n) == 0) {
			best = n;
			*name = *t;
		}
	}
	return best;
}

/* Whether a topic name may end at s[q]: the text ends, a separator or a capital follows
 * (the next topic run on: "economySmart"), or another topic starts right there. */
static int topic_may_end(const char *s, size_t q, size_t n, const char *const *topics)
{
	const char *ignored;
	while (q < n && s[q] == ' ')
		q++;
	if (q == n || separator_len(s + q) || isupper((unsigned char)s[q]) || (unsigned char)s[q] >= 0x80)
		return 1;
	return topic_prefix(s + q, n - q, topics, &ignored) > 0;
}

/* Whether a topic name may begin at s[p] inside unmatched text: after a separator, or at a
 * capital that follows a word ("Blue growthUrban mobility", "Sports Tourism"). */
static int topic_may_start(const char *s, size_t p)
{
	unsigned char prev = (unsigned char)s[p - 1], c = (unsigned char)s[p];
	if (strchr(",;|/", prev))
		return 1;
	return isupper(c) && (prev == ' ' || islower(prev) || isdigit(prev) || prev == ')' || prev >= 0x80);
}

/* The longest topic that starts at s[p] and ends where a topic may end; 0 if none. */
static size_t topic_at(const char *s, size_t p, size_t n, const char *const *topics, const char **name)
{
	size_t best = 0;
	for (const char *const *t = topics; *t; t++) {
		size_t len = strlen(*t);
		if (len > best && len <= n - p && strncasecmp(s + p, *t, len) == 0 &&
		    topic_may_end(s, p + len, n, topics)) {
			best = len;
			*name = *t;
		}
	}
	return best;
}

static int list_has(json_t *list, const char *s)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_array_get(list, i)), s) == 0)
			return 1;
	return 0;
}

/* Appends s[from..to) trimmed of separators to unknown, unless empty or already there. */
static void flush_unknown(const char *s, size_t from, size_t to, json_t *unknown)
{
	if (from >= to || json_array_size(unknown) >= REPORT_LIST_MAX)
		return;
	char *piece = xstrndup(s + from, to - from);
	size_t n = strlen(piece);
	while (n > 0 && (strchr(",;|/ ", piece[n - 1])))
		piece[--n] = '\0';
	char *t = trim(piece);
	if (*t && !list_has(unknown, t))
		json_array_append_new(unknown, json_string(t));
	free(piece);
}

size_t pairing_split_topics(const char *s, const char *const *topics, json_t *found, json_t *unknown)
{
	static const char *const none[] = {NULL};
	size_t n = strlen(s), p = 0, covered = 0, unmatched = (size_t)-1;
	int boundary = 1;   /* at the start or right after a topic */
	if (!topics)
		topics = none;
	while (p < n) {
		size_t sep = boundary ? separator_len(s + p) : 0;
		if (sep) {
			p += sep;
			continue;
		}
		const char *name = NULL;
		size_t m = (boundary || topic_may_start(s, p)) ? topic_at(s, p, n, topics, &name) : 0;
		if (m) {
			flush_unknown(s, unmatched, p, unknown);
			unmatched = (size_t)-1;
			if (!list_has(found, name))
				json_array_append_new(found, json_string(name));
			covered += m;
			p += m;
			boundary = 1;
			continue;
		}
		if (unmatched == (size_t)-1)
			unmatched = p;
		boundary = 0;
		p += char_len((unsigned char)s[p]);
	}
	flush_unknown(s, unmatched, n, unknown);
	return covered;
}

/* A line made mostly of topic names (40% of its bytes or more), not a sentence. */
static int is_topic_line(const char *s, const char *const *topics)
{
	size_t n = strlen(s);
	if (!topics || n > TOPIC_LINE_MAX || ends_sentence(s))
		return 0;
	json_t *found = json_array(), *unknown = json_array();
	size_t covered = pairing_split_topics(s, topics, found, unknown);
	int yes = json_array_size(found) > 0 && covered * 5 >= n * 2;
	json_decref(found);
	json_decref(unknown);
	return yes;
}

/* Reads goal numbers from "SDG 3, SDG 7 and 11: ..." into goals (if not NULL); a title
 * after the numbers is allowed. Returns how many were read, or -1 for a number that is no
 * goal (0 or above 17). */
static int read_sdgs(const char *s, json_t *goals)
{
	static const char *const fillers[] = {"sdgs", "sdg", "goals", "goal", "and", "#", ",", ";", "&", " ", "/", ":"};
	int count = 0;
	for (;;) {
		size_t i, skip = 0;
		for (i = 0; i < sizeof fillers / sizeof *fillers && !skip; i++)
			if (strncasecmp(s, fillers[i], strlen(fillers[i])) == 0)
				skip = strlen(fillers[i]);
		if (skip) {
			s += skip;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return count;
		int v = 0, digits = 0;
		for (; isdigit((unsigned char)*s) && digits < 3; s++, digits++)
			v = v * 10 + (*s - '0');
		if (v < 1 || v > 17 || isdigit((unsigned char)*s))
			return -1;
		count++;
		int seen = 0;
		for (size_t k = 0; goals && k < json_array_size(goals); k++)
			seen |= json_integer_value(json_array_get(goals, k)) == v;
		if (goals && !seen)
			json_array_append_new(goals, json_integer(v));
	}
}

/* ---- dates ---- */

/* Whether the text after a date reads as a sentence about it ("..., representatives met"). */
static int sentence_follows(const char *s)
{
	size_t letters = 0;
	for (; *s; s++)
		letters += isalpha((unsigned char)*s) != 0;
	return letters >= 8;
}

/* The date a paragraph is about: one it starts with ("In July 2018, ...", "14-18 October
 * 2019 ..."), or else the first date to the month it mentions ("met in Zhengzhou in July
 * 2018"). A year alone inside a sentence ("pilot cities in 2018") is not enough. Only
 * words that start with a digit or a month name are tried, which keeps this linear. */
static int history_date(const char *s, struct pdate *d)
{
	const char *end;
	size_t mlen;
	if (pdate_scan_text(s, d, NULL, &end) == 0 && sentence_follows(end))
		return 0;
	if (strlen(s) > DATE_SCAN_MAX)
		return -1;
	for (const char *p = s + 1; *p; p++) {
		if ((p[-1] != ' ' && p[-1] != '(') ||
		    !(isdigit((unsigned char)*p) || pdate_month_from_name(p, &mlen)))
			continue;
		if (pdate_scan_text(p, d, NULL, &end) == 0 && d->month)
			return 0;
	}
	return -1;
}

/* ---- classifying lines ---- */

/* Headings of the site around the pairing, compared folded, without a trailing ':'. */
static const char *const noise[] = {
	"city-to-city pairings", "city-to-city pairing", "city to city pairings", "pairings",
	"sustainable development goals", "sdgs", "topics", "cooperation topics", "themes",
	"description", "history", "background", "activities", "read more", "back to top",
	"share", "print", "home", "projects", "areas of cooperation", "cooperation areas",
};

/* Keys before a ':' and what they introduce. */
enum key_role { KEY_HEADER, KEY_FACT, KEY_TOPICS, KEY_SDGS };
static const struct key {
	const char *key;        /* folded */
	enum key_role role;
	int arg;                /* KEY_HEADER: side; KEY_FACT: enum fact */
	const char *title;      /* KEY_FACT of a leader: the title it gives */
} keys[] = {
	{"eu city", KEY_HEADER, PAGE_EU, NULL}, {"european city", KEY_HEADER, PAGE_EU, NULL},
	{"eu partner city", KEY_HEADER, PAGE_EU, NULL}, {"paired city", KEY_HEADER, PAGE_PARTNER, NULL},
	{"partner city", KEY_HEADER, PAGE_PARTNER, NULL}, {"non-eu city", KEY_HEADER, PAGE_PARTNER, NULL},
	{"counterpart city", KEY_HEADER, PAGE_PARTNER, NULL},
	{"population", KEY_FACT, FACT_POPULATION, NULL}, {"inhabitants", KEY_FACT, FACT_POPULATION, NULL},
	{"number of inhabitants", KEY_FACT, FACT_POPULATION, NULL}, {"residents", KEY_FACT, FACT_POPULATION, NULL},
	{"area", KEY_FACT, FACT_AREA, NULL}, {"size", KEY_FACT, FACT_AREA, NULL},
	{"surface", KEY_FACT, FACT_AREA, NULL}, {"surface area", KEY_FACT, FACT_AREA, NULL},
	{"land area", KEY_FACT, FACT_AREA, NULL}, {"total area", KEY_FACT, FACT_AREA, NULL},
	{"leader", KEY_FACT, FACT_LEADER, NULL}, {"mayor", KEY_FACT, FACT_LEADER, "Mayor"},
	{"lord mayor", KEY_FACT, FACT_LEADER, "Lord Mayor"}, {"governor", KEY_FACT, FACT_LEADER, "Governor"},
	{"president", KEY_FACT, FACT_LEADER, "President"},
	{"party secretary", KEY_FACT, FACT_LEADER, "Party Secretary"},
	{"head of government", KEY_FACT, FACT_LEADER, "Head of government"},
	{"country", KEY_FACT, FACT_COUNTRY, NULL}, {"region", KEY_FACT, FACT_REGION, NULL},
	{"province", KEY_FACT, FACT_REGION, NULL}, {"state", KEY_FACT, FACT_REGION, NULL},
	{"topics", KEY_TOPICS, 0, NULL}, {"cooperation topics", KEY_TOPICS, 0, NULL},
	{"topics of cooperation", KEY_TOPICS, 0, NULL}, {"themes", KEY_TOPICS, 0, NULL},
	{"sustainable development goals", KEY_SDGS, 0, NULL}, {"sdgs", KEY_SDGS, 0, NULL},
};

/* The key table entry for folded text, ignoring a remark in parentheses ("area (km2)"). */
static const struct key *find_key(char *folded)
{
	char *paren = strchr(folded, '(');
	if (paren)
		*paren = '\0';
	char *k = str_trim(folded);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(keys[i].key, k) == 0)
			return &keys[i];
	return NULL;
}

static int is_noise(const char *s)
{
	if (strlen(s) > 60)
		return 0;
	char *k = fold_key(s);
	size_t n = strlen(k);
	if (n > 0 && k[n - 1] == ':')
		k[n - 1] = '\0';
	int yes = 0;
	for (size_t i = 0; i < sizeof noise / sizeof *noise && !yes; i++)
		yes = strcmp(noise[i], k) == 0;
	free(k);
	return yes;
}

/* "*Note: ...", "Note: ...", "(*) ...": remarks under the page. */
static int is_footnote(const char *s)
{
	if ((s[0] == '*' && s[1] != ' ') || str_starts_with_ci(s, "(*)"))
		return 1;
	while (*s == '*' || *s == ' ')
		s++;
	return str_starts_with_ci(s, "note:") || str_starts_with_ci(s, "notes:");
}

/* Sets up ln from a "key: value" line, or a key alone, when the key is known. The
 * no-colon form "Population 540 000" is read for numbers only. Returns 1 if it was. */
static int classify_keyed(struct line *ln)
{
	char *colon = strchr(ln->text, ':');
	const struct key *k = NULL;
	char *key;
	if (colon && colon - ln->text <= 48) {
		char *before = xstrndup(ln->text, (size_t)(colon - ln->text));
		key = fold_key(before);
		free(before);
		k = find_key(key);
		free(key);
		ln->value = k ? trim(colon + 1) : NULL;
	} else if (strlen(ln->text) <= 48) {
		key = fold_key(ln->text);
		k = find_key(key);
		free(key);
		ln->value = k ? "" : NULL;
	}
	for (size_t i = 0; !k && i < sizeof keys / sizeof *keys; i++) {
		size_t n = strlen(keys[i].key);
		if (keys[i].role == KEY_FACT && keys[i].arg != FACT_LEADER &&
		    str_starts_with_ci(ln->text, keys[i].key) && ln->text[n] == ' ' &&
		    starts_like_number(ln->text + n + 1)) {
			k = &keys[i];
			ln->value = trim(ln->text + n + 1);
		}
	}
	if (!k)
		return 0;
	static const enum kind kinds[] = {LK_HEADER, LK_LABEL, LK_TOPICS, LK_SDGS};
	ln->kind = kinds[k->role];
	ln->side = k->role == KEY_HEADER ? k->arg : 0;
	ln->fact = k->role == KEY_FACT ? (enum fact)k->arg : FACT_NAME;
	ln->title = k->title;
	if (!*ln->value && (k->role == KEY_HEADER || k->role == KEY_TOPICS || k->role == KEY_SDGS))
		ln->kind = k->role == KEY_HEADER ? LK_COLUMNS : LK_NOISE;
	return 1;
}

/* The text of a bullet item without its marker, or NULL when s is not one. */
static char *bullet_text(char *s)
{
	static const char *const marks[] = {"\xE2\x80\xA2", "\xC2\xB7", "\xE2\x97\xA6", "\xE2\x96\xAA",
					    "\xE2\x80\xA3", "\xE2\x97\x8F", "\xE2\x96\xA0", "- ", "* ",
					    "\xE2\x80\x93 ", "\xE2\x80\x94 "};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		if (strncmp(s, marks[i], strlen(marks[i])) == 0)
			return trim(s + strlen(marks[i]));
	size_t d = 0;
	while (d < 2 && isdigit((unsigned char)s[d]))
		d++;
	if (d && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ' && isalpha((unsigned char)s[d + 2]))
		return trim(s + d + 2);
	return NULL;
}

/* A side of a title line: a short name, not a sentence, not site navigation. */
static int title_side_ok(const char *s)
{
	static const char *const not_names[] = {"pairing", "programme", "program", "cooperation", "http"};
	if (!*s || strlen(s) > 80 || count_words(s) > 6 || isdigit((unsigned char)*s) ||
	    strpbrk(s, ":.,;|>?!()[]") || strstr(s, "\xE2\x80\xBA"))
		return 0;
	char *k = fold_key(s);
	int ok = 1;
	for (size_t i = 0; i < sizeof not_names / sizeof *not_names && ok; i++)
		ok = strstr(k, not_names[i]) == NULL;
	free(k);
	return ok;
}

/* "Bonn – Ningbo" (en or em dash, or a hyphen between spaces): fills ln->names. */
static int classify_title(struct line *ln)
{
	static const char *const dashes[] = {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " - ", "\xE2\x80\x93", "\xE2\x80\x94"};
	const char *s = ln->text;
	if (strlen(s) > 2 * 80 + 5)
		return 0;
	for (size_t i = 0; i < sizeof dashes / sizeof *dashes; i++) {
		const char *at = strstr(s, dashes[i]);
		size_t dn = strlen(dashes[i]);
		if (!at || strstr(at + dn, dashes[i]))
			continue;
		char *a = xstrndup(s, (size_t)(at - s)), *b = xstrdup(at + dn);
		if (title_side_ok(trim(a)) && title_side_ok(trim(b))) {
			ln->names[0] = xstrdup(trim(a));
			ln->names[1] = xstrdup(trim(b));
		}
		free(a);
		free(b);
		if (ln->names[0]) {
			ln->kind = LK_TITLE;
			return 1;
		}
	}
	return 0;
}

/* A line starting with a digit: a value, a dated note, or a bad number. */
static enum kind number_kind(struct line *ln)
{
	double v;
	enum unit_kind unit;
	if (read_quantity(ln->text, &v, &unit) == 0)
		return unit == UNIT_AREA ? LK_AREA : LK_NUMBER;
	if (history_date(ln->text, &ln->date) == 0)
		return LK_HISTORY;
	return strlen(ln->text) <= 40 && count_words(ln->text) <= 5 ? LK_BADNUM : LK_PROSE;
}

/* Classifies one line by itself (label values on the next line are joined later). */
static void classify(struct line *ln, const char *const *topics)
{
	char *bullet;
	ln->kind = LK_TEXT;
	if (is_noise(ln->text))
		ln->kind = LK_NOISE;
	else if (is_footnote(ln->text))
		ln->kind = LK_FOOTNOTE;
	else if (classify_keyed(ln))
		return;
	else if (str_starts_with_ci(ln->text, "sdg") || str_starts_with_ci(ln->text, "goal")) {
		if (read_sdgs(ln->text, NULL) > 0) {
			ln->kind = LK_SDGS;
			ln->value = ln->text;
		}
	}
	if (ln->kind != LK_TEXT)
		return;
	if ((bullet = bullet_text(ln->text))) {
		ln->kind = LK_BULLET;
		ln->value = bullet;
	} else if (starts_like_number(ln->text)) {
		ln->kind = number_kind(ln);
	} else if (is_topic_line(ln->text, topics)) {
		ln->kind = LK_TOPICS;
		ln->value = ln->text;
	} else if (classify_title(ln)) {
		return;
	} else if (history_date(ln->text, &ln->date) == 0) {
		ln->kind = LK_HISTORY;
	} else if (is_prose(ln->text)) {
		ln->kind = LK_PROSE;
	}
}

/* A label alone on its line takes the next line as its value when that is a value;
 * otherwise, or right after another heading ("Population / Area / Mayor" as the heads of
 * table columns, whose values then come by position), it is a column heading. */
static void join_label_values(struct line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct line *ln = &lines[i];
		if (ln->kind != LK_LABEL || *ln->value)
			continue;
		enum kind next = i + 1 < n ? lines[i + 1].kind : LK_NOISE;
		int after_heading = i > 0 && lines[i - 1].kind == LK_COLUMNS;
		if (!after_heading && (next == LK_NUMBER || next == LK_AREA || next == LK_BADNUM || next == LK_TEXT)) {
			ln->value = lines[i + 1].text;
			lines[i + 1].kind = LK_NOISE;
		} else {
			ln->kind = LK_COLUMNS;
		}
	}
}

/* Index of the first line of the city block: the first heading, header, title, label or
 * number, or the short line naming a city just before a number. Earlier lines are the
 * site's navigation and introduction. 0 when there is no such line. */
static size_t block_start(const struct line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum kind k = lines[i].kind;
		if (k == LK_COLUMNS || k == LK_HEADER || k == LK_TITLE || k == LK_LABEL)
			return i;
		if (k == LK_NUMBER || k == LK_AREA || k == LK_BADNUM)
			return i > 0 && lines[i - 1].kind == LK_TEXT ? i - 1 : i;
	}
	return 0;
}

/* ---- splitting the page into lines ---- */

/* Checks the bytes and splits a copy of them into trimmed non-blank lines. On success
 * returns the array (caller frees it and *copy); on failure adds an error to pp. */
static struct line *split_lines(const char *text, size_t len, struct pairing_page *pp,
				char **copy, size_t *count)
{
	if (len > PAIRING_PAGE_MAX) {
		import_msg(pp->errors, "the page is larger than %u bytes", PAIRING_PAGE_MAX);
		return NULL;
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		import_msg(pp->errors, "the page contains a NUL byte (at offset %zu): it is not text", (size_t)(nul - text));
		return NULL;
	}
	/* Zero bytes after the text: util/date.c's pdate_scan_text reads up to a few bytes past
	 * the end of "2018-0" before it fails, which must stay inside the allocation. */
	*copy = xcalloc(len + COPY_PADDING, 1);
	memcpy(*copy, text, len);
	size_t n = 0, lineno = 0;
	struct line *lines = NULL;
	for (char *p = *copy, *next; p; p = next) {
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!utf8_valid(p, strlen(p))) {
			import_msg(pp->errors, "line %zu is not valid UTF-8 text", lineno);
			break;
		}
		blank_controls(p);
		char *t = trim(p);
		if (!*t)
			continue;
		if (n == LINES_MAX) {
			import_msg(pp->errors, "the page has more than %d lines: it is not a pairing page", LINES_MAX);
			break;
		}
		if (n % 256 == 0)
			lines = xrealloc(lines, (n + 256) * sizeof *lines);
		lines[n++] = (struct line){.text = t};
	}
	*count = n;
	return lines;
}

static void free_lines(struct line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i].names[0]);
		free(lines[i].names[1]);
	}
	free(lines);
}

/* ---- pass 2: reading the classified lines ---- */

/* State of the second pass. Borrowed pointers only: the lines and options outlive it. */
struct reader {
	struct pairing_page *pp;
	const struct pairing_page_options *opt;
	const struct line *lines;
	size_t n;
	int cur;                  /* PAGE_EU or PAGE_PARTNER: whose values come now */
	unsigned have[2];         /* BIT(enum fact) of each city's facts met on the page */
	const char *name[2];      /* the names the page gives */
	int values_seen;          /* a population, area or leader has been met */
	int values_closed;        /* topics or prose came after the values: bare values end */
	size_t skip;              /* a line already read with the one before it, or 0 */
	struct buf description;
};

static void unread(struct reader *r, const char *s)
{
	if (json_array_size(r->pp->unread) < REPORT_LIST_MAX)
		json_array_append_new(r->pp->unread, json_string(s));
}

/* Index of the line after i, skipping dropped lines; r->n when there is none. */
static size_t next_line(const struct reader *r, size_t i)
{
	for (i++; i < r->n; i++)
		if (r->lines[i].kind != LK_NOISE && r->lines[i].kind != LK_COLUMNS)
			return i;
	return r->n;
}

static enum kind next_kind(const struct reader *r, size_t i)
{
	size_t next = next_line(r, i);
	return next < r->n ? r->lines[next].kind : LK_NOISE;
}

static int is_value_kind(enum kind k)
{
	return k == LK_NUMBER || k == LK_AREA || k == LK_BADNUM || k == LK_LABEL;
}

/* Records a name the page gives for side; a second, different one is only noted. */
static void take_name(struct reader *r, int side, const char *name)
{
	if (!r->name[side]) {
		r->name[side] = name;
		r->have[side] |= BIT(FACT_NAME);
	} else if (!same_name(r->name[side], name)) {
		import_msg(r->pp->notes, "the page names %s both '%s' and '%s'; kept '%s'",
			side_name(side), r->name[side], name, r->name[side]);
	}
}

/* Reads a population; whole numbers only, though "2.3 million" is one. */
static void set_population(struct reader *r, int side, const char *s)
{
	double v;
	enum unit_kind unit;
	json_t *city = r->pp->city[side];
	if (read_quantity(s, &v, &unit) || unit == UNIT_AREA)
		import_msg(r->pp->errors, "cannot read '%.*s%s' as the population of %s", clip(s), s, ellipsis(s), side_name(side));
	else if (fabs(v - round(v)) > 0.01)
		import_msg(r->pp->errors, "the population of %s, '%.*s', is not a whole number", side_name(side), clip(s), s);
	else if (v > 1e12)
		import_msg(r->pp->errors, "the population of %s, '%.*s', is too large", side_name(side), clip(s), s);
	else
		json_object_set_new(city, "population", json_integer((json_int_t)llround(v)));
}

static void set_area(struct reader *r, int side, const char *s)
{
	double v;
	enum unit_kind unit;
	if (read_quantity(s, &v, &unit) || unit == UNIT_PEOPLE || v > 1e12)
		import_msg(r->pp->errors, "cannot read '%.*s%s' as the area of %s", clip(s), s, ellipsis(s), side_name(side));
	else
		json_object_set_new(r->pp->city[side], "area_km2", json_real(v));
}

static void set_country(struct reader *r, int side, const char *s)
{
	const struct country *c = country_by_name(s);
	char code[3] = {0};
	if (!c && strlen(s) == 2) {
		code[0] = (char)toupper((unsigned char)s[0]);
		code[1] = (char)toupper((unsigned char)s[1]);
		c = country_by_code(code);
	}
	if (c)
		json_object_set_new(r->pp->city[side], "country", json_string(c->code));
	else
		import_msg(r->pp->unread, "country of %s: '%.*s' is not a country c2c knows", side_name(side), clip(s), s);
}

/* Stores one fact of one city from its text; a number that cannot be read is an error. */
static void set_fact(struct reader *r, int side, enum fact f, const char *title, const char *s)
{
	json_t *city = r->pp->city[side];
	r->have[side] |= BIT(f);
	if (f == FACT_POPULATION || f == FACT_AREA || f == FACT_LEADER)
		r->values_seen = 1;
	switch (f) {
	case FACT_POPULATION: set_population(r, side, s); break;
	case FACT_AREA: set_area(r, side, s); break;
	case FACT_LEADER:
		json_object_set_new(city, "leader", json_string(s));
		if (title)
			json_object_set_new(city, "leader_title", json_string(title));
		break;
	case FACT_COUNTRY: set_country(r, side, s); break;
	case FACT_REGION: json_object_set_new(city, "region", json_string(s)); break;
	case FACT_NAME: take_name(r, side, s); break;
	}
}

/* A labelled value belongs to the current city, or to the partner when the EU city
 * already has that fact (layouts that repeat the labels for each city). */
static void read_labelled(struct reader *r, const struct line *ln)
{
	if ((r->have[r->cur] & BIT(ln->fact)) && r->cur == PAGE_EU)
		r->cur = PAGE_PARTNER;
	if (r->have[r->cur] & BIT(ln->fact)) {
		unread(r, ln->text);
		return;
	}
	if (!*ln->value)
		return;
	set_fact(r, r->cur, ln->fact, ln->title, ln->value);
}

/* Which fact a bare number is, by position: population, then area, of the current city;
 * past those, the partner's. Moves r->cur on; FACT_NAME when there is no place left. */
static enum fact number_slot(struct reader *r, enum kind kind)
{
	for (;;) {
		unsigned h = r->have[r->cur];
		if (kind != LK_AREA && !(h & CITY_VALUES))
			return FACT_POPULATION;
		if (!(h & (BIT(FACT_AREA) | BIT(FACT_LEADER))))
			return FACT_AREA;
		if (r->cur == PAGE_PARTNER)
			return FACT_NAME;
		r->cur = PAGE_PARTNER;
	}
}

/* Which side a text names, by the names known so far (page or options); -1 if none. */
static int named_side(const struct reader *r, const char *s)
{
	const char *opts[2] = {r->opt->eu_name, r->opt->partner_name};
	for (int side = PAGE_EU; side <= PAGE_PARTNER; side++)
		if ((r->name[side] && same_name(r->name[side], s)) || (opts[side] && same_name(opts[side], s)))
			return side;
	return -1;
}

/* Whether line i is a label of a fact the EU city already has: the labels of the partner
 * begin there, so a name just before it is the partner's. */
static int partner_label_at(const struct reader *r, size_t i)
{
	for (; i < r->n && r->lines[i].kind != LK_LABEL; i++)
		if (r->lines[i].kind != LK_NOISE && r->lines[i].kind != LK_COLUMNS)
			return 0;
	return i < r->n && r->cur == PAGE_EU && (r->have[PAGE_EU] & BIT(r->lines[i].fact));
}

/* A short bare line: a city's name when values follow and the city has none yet, else
 * the leader after its population or area, else the partner's name after the EU city's
 * values. */
static void read_bare_text(struct reader *r, size_t i)
{
	const char *s = r->lines[i].text;
	size_t j = next_line(r, i);
	enum kind next = next_kind(r, i);
	int side = named_side(r, s);
	unsigned h = r->have[r->cur];
	if (side < 0 && !r->values_seen && !r->name[PAGE_EU] && !r->name[PAGE_PARTNER] &&
	    next == LK_TEXT && is_value_kind(next_kind(r, j)) && named_side(r, r->lines[j].text) < 0) {
		take_name(r, PAGE_EU, s);   /* both names in a row, as under "EU City | Paired city" */
		take_name(r, PAGE_PARTNER, r->lines[j].text);
		r->skip = j;
	} else if (side < 0 && partner_label_at(r, i + 1) && !(r->have[PAGE_PARTNER] & BIT(FACT_NAME))) {
		r->cur = PAGE_PARTNER;
		take_name(r, PAGE_PARTNER, s);
	} else if (side >= 0) {
		r->cur = side;
		take_name(r, side, s);
	} else if (!(h & CITY_VALUES) && !(h & BIT(FACT_NAME)) && is_value_kind(next)) {
		take_name(r, r->cur, s);
	} else if ((h & CITY_VALUES) && !(h & BIT(FACT_LEADER))) {
		set_fact(r, r->cur, FACT_LEADER, NULL, s);
	} else if (r->cur == PAGE_EU && (h & BIT(FACT_LEADER)) && is_value_kind(next) &&
		   !(r->have[PAGE_PARTNER] & (CITY_VALUES | BIT(FACT_NAME)))) {
		r->cur = PAGE_PARTNER;
		take_name(r, PAGE_PARTNER, s);
	} else {
		unread(r, s);
	}
}

static void read_bare(struct reader *r, size_t i)
{
	const struct line *ln = &r->lines[i];
	if (r->values_closed) {
		unread(r, ln->text);
		return;
	}
	if (ln->kind == LK_TEXT) {
		read_bare_text(r, i);
		return;
	}
	enum fact f = number_slot(r, ln->kind);
	if (f == FACT_NAME)
		unread(r, ln->text);
	else
		set_fact(r, r->cur, f, NULL, ln->text);
}

static void close_values(struct reader *r)
{
	if (r->values_seen)
		r->values_closed = 1;
}

static void add_history(struct reader *r, const struct pdate *d, const char *text)
{
	char iso[PDATE_ISO_MAX];
	json_t *history = json_object_get(r->pp->pairing, "history");
	size_t count = json_array_size(history);
	if (count > HISTORY_MAX)
		return;
	pdate_format_iso(d, iso);
	json_array_append_new(history, json_pack("{ssss}", "date", iso, "text", text));
	if (count == HISTORY_MAX)   /* one past the limit, so that the error is said once */
		import_msg(r->pp->errors, "the page has more than %d dated notes", HISTORY_MAX);
}

/* A bullet is an area or project of interest, unless it starts with a date. */
static void read_bullet(struct reader *r, const struct line *ln)
{
	struct pdate d;
	const char *end;
	json_t *interests = json_object_get(r->pp->pairing, "interests");
	if (pdate_scan_text(ln->value, &d, NULL, &end) == 0 && sentence_follows(end)) {
		add_history(r, &d, ln->value);
		return;
	}
	char *item = xstrdup(ln->value);
	size_t n = strlen(item), count = json_array_size(interests);
	while (n > 0 && (item[n - 1] == ';' || item[n - 1] == ','))
		item[--n] = '\0';
	/* one past the limit is kept, so that the error is said once */
	if (*item && count <= INTERESTS_MAX && !list_has(interests, item)) {
		json_array_append_new(interests, json_string(item));
		if (count == INTERESTS_MAX)
			import_msg(r->pp->errors, "the page lists more than %d areas of interest", INTERESTS_MAX);
	}
	free(item);
}

/* Prose is the description, or a dated note; a line ending in ':' just before a bullet
 * list introduces the list ("... interested in cooperating on projects such as:") and
 * is not kept. */
static void read_prose(struct reader *r, size_t i)
{
	const struct line *ln = &r->lines[i];
	size_t n = strlen(ln->text);
	if (ln->text[n - 1] == ':' && next_kind(r, i) == LK_BULLET)
		return;
	if (ln->kind == LK_HISTORY) {
		add_history(r, &ln->date, ln->text);
		return;
	}
	if (r->description.len)
		buf_puts(&r->description, "\n\n");
	buf_puts(&r->description, ln->text);
}

static void read_title(struct reader *r, const struct line *ln)
{
	if (r->values_seen || r->name[PAGE_EU] || r->name[PAGE_PARTNER]) {
		if (named_side(r, ln->names[0]) < 0 || named_side(r, ln->names[1]) < 0)
			unread(r, ln->text);
		return;
	}
	take_name(r, PAGE_EU, ln->names[0]);
	take_name(r, PAGE_PARTNER, ln->names[1]);
}

static void read_line(struct reader *r, size_t i)
{
	const struct line *ln = &r->lines[i];
	switch (ln->kind) {
	case LK_NOISE: case LK_COLUMNS: break;
	case LK_FOOTNOTE: unread(r, ln->text); break;
	case LK_HEADER:
		take_name(r, ln->side, ln->value);
		r->cur = ln->side;
		break;
	case LK_TITLE: read_title(r, ln); break;
	case LK_LABEL: read_labelled(r, ln); break;
	case LK_TOPICS:
		pairing_split_topics(ln->value, r->opt->topics, json_object_get(r->pp->pairing, "topics"),
				     r->pp->unknown_topics);
		close_values(r);
		break;
	case LK_SDGS:
		if (read_sdgs(ln->value, json_object_get(r->pp->pairing, "sdgs")) <= 0)
			unread(r, ln->text);
		break;
	case LK_BULLET: read_bullet(r, ln); close_values(r); break;
	case LK_HISTORY: case LK_PROSE: read_prose(r, i); close_values(r); break;
	case LK_NUMBER: case LK_AREA: case LK_BADNUM: case LK_TEXT: read_bare(r, i); break;
	}
}

/* ---- finishing ---- */

/* Sets each city's name from the options or the page, and says which one is missing. */
static void finish_names(struct reader *r)
{
	const char *opts[2] = {r->opt->eu_name, r->opt->partner_name};
	const char *countries[2] = {r->opt->eu_country, r->opt->partner_country};
	static const char *const flags[2] = {"--eu-city", "--partner-city"};
	for (int side = PAGE_EU; side <= PAGE_PARTNER; side++) {
		const char *name = opts[side] && *opts[side] ? opts[side] : r->name[side];
		if (opts[side] && *opts[side] && r->name[side] && !same_name(opts[side], r->name[side]))
			import_msg(r->pp->notes, "the page calls %s '%s'; used %s '%s'", side_name(side),
				r->name[side], flags[side], opts[side]);
		if (name)
			json_object_set_new(r->pp->city[side], "name", json_string(name));
		else
			import_msg(r->pp->errors, "%s's name is not on the page: give it with %s NAME",
				side_name(side), flags[side]);
		if (countries[side] && *countries[side])
			json_object_set_new(r->pp->city[side], "country", json_string(countries[side]));
	}
}

/* Drops the empty lists of the pairing, keeps the description, and dates the start by the
 * earliest note. */
static void finish_pairing(struct reader *r)
{
	json_t *pairing = r->pp->pairing, *history = json_object_get(pairing, "history");
	const char *start = NULL;
	for (size_t i = 0; i < json_array_size(history); i++) {
		const char *d = json_string_value(json_object_get(json_array_get(history, i), "date"));
		if (!start || strcmp(d, start) < 0)
			start = d;
	}
	if (start)
		json_object_set_new(pairing, "start_date", json_string(start));
	static const char *const lists[] = {"interests", "history", "topics", "sdgs"};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		if (json_array_size(json_object_get(pairing, lists[i])) == 0)
			json_object_del(pairing, lists[i]);
	if (buf_failed(&r->description))
		import_msg(r->pp->errors, "the description is too long");
	else if (r->description.len)
		json_object_set_new(pairing, "description", json_string(buf_str(&r->description)));
}

static void init_page(struct pairing_page *pp)
{
	pp->city[PAGE_EU] = json_object();
	pp->city[PAGE_PARTNER] = json_object();
	pp->pairing = json_pack("{s[]s[]s[]s[]}", "interests", "history", "topics", "sdgs");
	pp->unread = json_array();
	pp->unknown_topics = json_array();
	pp->notes = json_array();
	pp->errors = json_array();
}

int pairing_page_parse(const char *text, size_t len, const struct pairing_page_options *opt,
		       struct pairing_page *pp)
{
	static const struct pairing_page_options no_options = {0};
	char *copy = NULL;
	size_t n = 0;
	init_page(pp);
	if (!opt)
		opt = &no_options;
	struct line *lines = split_lines(text, len, pp, &copy, &n);
	if (json_array_size(pp->errors) == 0) {
		for (size_t i = 0; i < n; i++)
			classify(&lines[i], opt->topics);
		join_label_values(lines, n);
		struct reader r = {.pp = pp, .opt = opt, .lines = lines, .n = n, .cur = PAGE_EU};
		buf_init(&r.description, PAIRING_PAGE_MAX);
		for (size_t i = block_start(lines, n); i < n; i++)
			if (!r.skip || i != r.skip)
				read_line(&r, i);
		if (!r.values_seen)
			import_msg(pp->errors, "the page gives no population, area or leader for either city");
		finish_names(&r);
		finish_pairing(&r);
		buf_free(&r.description);
	}
	free_lines(lines, n);
	free(copy);
	return json_array_size(pp->errors) ? -1 : 0;
}

void pairing_page_free(struct pairing_page *pp)
{
	json_decref(pp->city[PAGE_EU]);
	json_decref(pp->city[PAGE_PARTNER]);
	json_decref(pp->pairing);
	json_decref(pp->unread);
	json_decref(pp->unknown_topics);
	json_decref(pp->notes);
	json_decref(pp->errors);
	memset(pp, 0, sizeof *pp);
}
