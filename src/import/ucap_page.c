/* ucap_page.c: the pure parser of U-CAP summaries; see ucap_page.h.
 *
 * Reading goes in three passes. The first cuts the text into table rows: a line with a
 * label before its first tab starts a row; a line starting with a tab, or without a tab,
 * continues the row before it (that is what a page break in the middle of a cell leaves);
 * an HTML table is first made into such lines. The "For further information" line starts
 * the contact block: its first paragraph and any contact details after it (a label row
 * ends it); other text after it is a footer, kept as unplaced.
 * The second pass reads each cell into blocks, paragraphs and list items, whatever its
 * markup: HTML tags and entities, arrow and circle markers run together on one line,
 * Markdown bullets, and paragraphs broken by blank lines. The third gives each row to its
 * section by its label and builds the plan content; what fits no section goes, cleaned
 * of markup, to `unplaced` and to the report, so that nothing is dropped silently.
 *
 * Everything is bounded: the file size, lines, rows, blocks per cell, words matched,
 * list lengths (core/plan.h); no scan reads past the NUL that ends each copy. */
#include "import/ucap_page.h"
#include "import/importer.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINES_MAX 50000        /* a summary has about a hundred */
#define ROWS_MAX 400
#define BLOCKS_MAX 4000        /* paragraphs and list items of one section */
#define DEPTH_MAX 8            /* open <ul>/<ol> whose item numbers are counted */
#define TAG_MAX 1000           /* bytes a tag may span; a longer "<..." is text */
#define HREF_MAX 500
#define LABEL_MAX 300          /* a longer "label" is text, not a label */
#define WORDS_MAX 400          /* words of a theme cell matched against key-focus titles */
#define SEGMENTS_MAX 60        /* "Title – text" pieces of a key-focus cell */
#define NAMES_MAX 50           /* counterparts named in one cell */
#define QUOTE_MAX 200          /* bytes of unplaced text quoted in the report */
#define GOAL_TITLE_MAX 120     /* the title after an SDG number; longer is other text */
#define POPULATION_MAX 1e8     /* the bounds plan_validate sets; beyond, a value is unplaced */
#define AREA_MAX 1e6

/* Quoting at most QUOTE_MAX bytes of s: "%.*s%s", clip(s), s, ellipsis(s). */
#define clip(s) import_clip(s, QUOTE_MAX)
#define ellipsis(s) import_ellipsis(s, QUOTE_MAX)

/* ---- text helpers ---- */

/* Byte length of a space at s: blank, tab, CR, no-break space, zero-width space or byte
 * order mark; 0 for anything else. */
static size_t space_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	if (*s == ' ' || *s == '\t' || *s == '\r')
		return 1;
	if (s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x8B || s[2] == 0xAF || s[2] == 0x89))
		return 3;
	if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return 3;
	return 0;
}

/* Trims ASCII blanks in place; returns s advanced. Texts reach here with other spaces
 * already made blanks by the cell reader. */
static char *trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

static int is_blank(const char *s)
{
	size_t k;
	while ((k = space_len(s)))
		s += k;
	return *s == '\0';
}

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

static int ends_sentence(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '*'))
		n--;
	return n > 0 && strchr(".!?:;", s[n - 1]) != NULL;
}

/* A new string: a and b joined by one space (either may be empty). */
static char *join2(const char *a, const char *b)
{
	struct buf out = BUF_INIT((size_t)-1 / 2);
	buf_puts(&out, a);
	if (*a && *b)
		buf_putc(&out, ' ');
	buf_puts(&out, b);
	return buf_detach(&out);
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

/* ---- blocks: what a cell holds once its markup is read ---- */

enum bkind { B_PARA, B_ITEM };

/* What began a list item. The timeline needs it: an export keeps "→" for the entries and
 * "○" for their points, but may write both as "-" after a page break. */
enum mark {
	M_NONE,                 /* a paragraph */
	M_TAG,                  /* <li> alone: its level is the nesting's */
	M_GLYPH,                /* →, •, ○ ...: the glyph gives the level */
	M_DASH,                 /* "- " or "* " at a line start */
	M_NUMBER,               /* "1. ", "2) ", or an <ol> item */
};

struct block {
	enum bkind kind;
	int level;              /* B_ITEM: 1, or 2 for a sub-point */
	int number;             /* B_ITEM: its number in a numbered list, 0 for a bullet */
	enum mark mark;         /* B_ITEM: what began it */
	size_t line;            /* where its text starts */
	char *text;             /* Markdown (or plain text in plain mode), trimmed, one line */
};

struct blocks {
	struct block *v;
	size_t n;
	int overflow;           /* a block was refused: more than BLOCKS_MAX */
};

static void blocks_free(struct blocks *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].text);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* Adds a block; takes text. Past BLOCKS_MAX the block is refused and overflow set. */
static void blocks_add(struct blocks *b, struct block blk)
{
	if (b->n == BLOCKS_MAX) {
		b->overflow = 1;
		free(blk.text);
		return;
	}
	if (b->n % 64 == 0)
		b->v = xrealloc(b->v, (b->n + 64) * sizeof *b->v);
	b->v[b->n++] = blk;
}

/* Joins a paragraph that follows a list item to that item: after a page break or a
 * closing </ol>, the rest of an entry arrives as a paragraph of its own. */
static void attach_paragraphs(struct blocks *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].kind == B_PARA && w > 0 && b->v[w - 1].kind == B_ITEM) {
			char *joined = join2(b->v[w - 1].text, b->v[i].text);
			free(b->v[w - 1].text);
			free(b->v[i].text);
			b->v[w - 1].text = joined;
			continue;
		}
		b->v[w++] = b->v[i];
	}
	b->n = w;
}

/* All blocks' texts joined by spaces: a new string. */
static char *blocks_flat(const struct blocks *b)
{
	struct buf out = BUF_INIT((size_t)-1 / 2);
	for (size_t i = 0; i < b->n; i++) {
		if (out.len)
			buf_putc(&out, ' ');
		buf_puts(&out, b->v[i].text);
	}
	return buf_detach(&out);
}

/* The blocks as Markdown: paragraphs apart, list items one a line, sub-points indented
 * under the width of their parent's marker. A new string, "" when there are none. */
static char *blocks_markdown(const struct blocks *b)
{
	struct buf out = BUF_INIT((size_t)-1 / 2);
	int width = 2;
	for (size_t i = 0; i < b->n; i++) {
		const struct block *k = &b->v[i];
		if (i > 0)
			buf_puts(&out, k->kind == B_ITEM && b->v[i - 1].kind == B_ITEM ? "\n" : "\n\n");
		if (k->kind == B_PARA) {
			buf_puts(&out, k->text);
			continue;
		}
		char marker[16] = "- ";
		if (k->number)
			snprintf(marker, sizeof marker, "%d. ", k->number);
		if (k->level > 1)
			buf_printf(&out, "%*s", width, "");
		else
			width = (int)strlen(marker);
		buf_printf(&out, "%s%s", marker, k->text);
	}
	return buf_detach(&out);
}

/* ---- reading a cell ---- */

/* The state of reading one cell into blocks. */
struct scan {
	const char *p;          /* next byte; the cell ends with a NUL */
	size_t line;            /* line of p */
	int plain;              /* names and numbers: markup dropped, no lists, no emphasis */
	struct blocks *out;
	struct buf cur;         /* text of the block being read */
	enum bkind kind;
	int level, number;
	enum mark mark;
	size_t cur_line;
	int depth;              /* open <ul>/<ol> */
	int ol[DEPTH_MAX];      /* next number of each open list; -1 for a <ul> */
	int line_start;         /* only blanks since the line or block began */
	int indent;             /* blanks at the start of the current line */
	const char *pending;    /* emphasis opened, written before the next character */
	int bold, italic;       /* emphasis written and not yet closed */
	char href[HREF_MAX];    /* the open link's target, "" when not worth keeping */
	int link_open;          /* "[" was written for it */
	int unclosed_comment;   /* a "<!--" had no "-->" after it */
};

/* Writes text into the block, after any emphasis opened before it. */
static void put_bytes(struct scan *sc, const char *s, size_t n)
{
	if (sc->cur.len == 0)
		sc->cur_line = sc->line;
	if (sc->pending) {
		buf_puts(&sc->cur, sc->pending);
		sc->pending = NULL;
	}
	buf_append(&sc->cur, s, n);
	sc->line_start = 0;
}

/* One blank between words, however many the source has; none at a block's start. */
static void put_space(struct scan *sc)
{
	if (sc->cur.len && sc->cur.data[sc->cur.len - 1] != ' ')
		buf_putc(&sc->cur, ' ');
}

static const char BOLD[] = "**", ITALIC[] = "*";

/* Closes emphasis, keeping blanks outside it ("**Title:** text", not "**Title: **");
 * emphasis around no text is not written at all. */
static void close_emphasis(struct scan *sc, int *open, const char *mark)
{
	if (sc->pending == mark) {
		sc->pending = NULL;
		*open = 0;
	}
	if (!*open)
		return;
	*open = 0;
	int blank = sc->cur.len && sc->cur.data[sc->cur.len - 1] == ' ';
	if (blank)
		sc->cur.len--;
	buf_puts(&sc->cur, mark);
	if (blank)
		buf_putc(&sc->cur, ' ');
}

static void open_emphasis(struct scan *sc, int *open, const char *mark)
{
	if (sc->plain || *open || sc->pending)
		return;
	sc->pending = mark;
	*open = 1;
}

/* Ends the block being read (an empty one is dropped) and starts a paragraph. */
static void end_block(struct scan *sc)
{
	close_emphasis(sc, &sc->bold, BOLD);
	close_emphasis(sc, &sc->italic, ITALIC);
	char *text = trim((char *)buf_str(&sc->cur));
	int item = sc->kind == B_ITEM;
	if (*text)
		blocks_add(sc->out, (struct block){sc->kind, item ? sc->level : 0, sc->number,
						   item ? sc->mark : M_NONE, sc->cur_line, xstrdup(text)});
	buf_reset(&sc->cur);
	sc->kind = B_PARA;
	sc->level = sc->number = 0;
	sc->mark = M_NONE;
	sc->line_start = 1;
}

/* ---- reading a cell: tags ---- */

/* Keeps a link target worth writing: web and mail addresses without characters that would
 * end a Markdown link early. "#" (the exported pages' dead links) is dropped. */
static void take_href(struct scan *sc, const char *attrs, const char *gt)
{
	sc->href[0] = '\0';
	const char *h = attrs;
	while (h < gt && strncasecmp(h, "href=", 5) != 0)
		h++;
	if (h >= gt)
		return;
	h += 5;
	char quote = (*h == '"' || *h == '\'') ? *h++ : ' ';
	size_t n = 0;
	while (h + n < gt && h[n] != quote && h[n] != '>')
		n++;
	if (n == 0 || n >= HREF_MAX || !(strncasecmp(h, "http://", 7) == 0 || strncasecmp(h, "https://", 8) == 0 ||
					  strncasecmp(h, "mailto:", 7) == 0))
		return;
	for (size_t i = 0; i < n; i++)
		if (strchr(" <>()\"'\\", h[i]) || (unsigned char)h[i] < 0x21)
			return;
	memcpy(sc->href, h, n);
	sc->href[n] = '\0';
}

static void open_link(struct scan *sc, const char *attrs, const char *gt)
{
	take_href(sc, attrs, gt);
	if (sc->plain || !sc->href[0] || sc->link_open)
		return;
	if (sc->cur.len == 0)
		sc->cur_line = sc->line;
	buf_putc(&sc->cur, '[');
	sc->link_open = 1;
}

static void close_link(struct scan *sc)
{
	if (!sc->link_open)
		return;
	sc->link_open = 0;
	if (sc->cur.len && sc->cur.data[sc->cur.len - 1] == '[')
		sc->cur.data[--sc->cur.len] = '\0';
	else
		buf_printf(&sc->cur, "](%s)", sc->href);
}

/* A list item opened by <li>: its level from the nesting, its number from an <ol>. */
static void open_item(struct scan *sc)
{
	close_link(sc);
	int depth = sc->depth;
	end_block(sc);
	sc->kind = B_ITEM;
	sc->level = depth >= 2 ? 2 : 1;
	if (depth > 0 && depth <= DEPTH_MAX && sc->ol[depth - 1] > 0 && sc->ol[depth - 1] < 1000)
		sc->number = sc->ol[depth - 1]++;
	sc->mark = sc->number ? M_NUMBER : M_TAG;
}

static void open_list(struct scan *sc, int numbered)
{
	close_link(sc);
	end_block(sc);
	if (sc->depth < DEPTH_MAX)
		sc->ol[sc->depth] = numbered ? 1 : -1;
	if (sc->depth < INT_MAX)
		sc->depth++;
}

/* <sup>2</sup> after "km" is the square: written "²" so that areas read as areas. */
static int read_superscript(struct scan *sc, const char *after)
{
	if ((after[0] == '2' || after[0] == '3') && strncasecmp(after + 1, "</sup>", 6) == 0) {
		put_bytes(sc, after[0] == '2' ? "\xC2\xB2" : "\xC2\xB3", 2);
		sc->p = after + 7;
		return 1;
	}
	return 0;
}

/* Acts on one tag; name is lower case. Block tags end the block, list tags open items,
 * emphasis and links become Markdown; any other tag is dropped, its text kept. */
static void act_on_tag(struct scan *sc, const char *name, int closing, const char *attrs, const char *gt)
{
	static const char *const breaks[] = {"p", "div", "br", "tr", "td", "th", "table", "h1", "h2", "h3",
					     "h4", "h5", "h6", "blockquote", "hr", "section", "article"};
	if (strcmp(name, "li") == 0) {
		if (closing) {
			close_link(sc);
			end_block(sc);
		} else {
			open_item(sc);
		}
	} else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
		if (!closing) {
			open_list(sc, name[0] == 'o');
		} else if (sc->depth > 0) {
			sc->depth--;
			end_block(sc);
		}
	} else if (strcmp(name, "b") == 0 || strcmp(name, "strong") == 0) {
		closing ? close_emphasis(sc, &sc->bold, BOLD) : open_emphasis(sc, &sc->bold, BOLD);
	} else if (strcmp(name, "i") == 0 || strcmp(name, "em") == 0) {
		closing ? close_emphasis(sc, &sc->italic, ITALIC) : open_emphasis(sc, &sc->italic, ITALIC);
	} else if (strcmp(name, "a") == 0) {
		closing ? close_link(sc) : open_link(sc, attrs, gt);
	} else {
		for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
			if (strcmp(name, breaks[i]) == 0) {
				close_link(sc);
				end_block(sc);
			}
	}
}

/* Reads the tag or comment at sc->p ('<'). Returns 0 when it is none, and then the '<'
 * is text ("population < 1 million"). */
static int read_tag(struct scan *sc)
{
	const char *p = sc->p + 1, *end;
	size_t span = 0;
	if (strncmp(p, "!--", 3) == 0) {
		/* once no "-->" follows, none follows later either: later "<!--" are text */
		end = sc->unclosed_comment ? NULL : strstr(p, "-->");
		if (!end) {
			sc->unclosed_comment = 1;
			return 0;
		}
		end += 2;
	} else {
		int closing = *p == '/';
		p += closing;
		if (!isalpha((unsigned char)*p))
			return 0;
		for (end = p; *end && *end != '>' && *end != '<' && span < TAG_MAX; end++, span++)
			;
		if (*end != '>')
			return 0;
		char name[12];
		size_t n = 0;
		for (; isalnum((unsigned char)p[n]) && n < sizeof name - 1; n++)
			name[n] = (char)tolower((unsigned char)p[n]);
		name[n] = '\0';
		if (isalnum((unsigned char)p[n]))
			name[0] = '\0';   /* longer than any tag we act on */
		if (strcmp(name, "sup") == 0 && !closing && read_superscript(sc, end + 1))
			return 1;
		act_on_tag(sc, name, closing, p + n, end);
	}
	for (const char *q = sc->p; q < end; q++)
		sc->line += *q == '\n';
	sc->p = end + 1;
	return 1;
}

/* ---- reading a cell: entities, markers, lines ---- */

static const struct entity_name {
	const char *name;
	const char *text;
} entity_names[] = {
	{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "},
	{"ndash", "\xE2\x80\x93"}, {"mdash", "\xE2\x80\x94"}, {"lsquo", "\xE2\x80\x98"},
	{"rsquo", "\xE2\x80\x99"}, {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"},
	{"hellip", "\xE2\x80\xA6"}, {"euro", "\xE2\x82\xAC"}, {"deg", "\xC2\xB0"}, {"sup2", "\xC2\xB2"},
	{"middot", "\xC2\xB7"}, {"bull", "\xE2\x80\xA2"}, {"rarr", "\xE2\x86\x92"}, {"times", "\xC3\x97"},
	{"copy", "\xC2\xA9"}, {"reg", "\xC2\xAE"}, {"eacute", "\xC3\xA9"}, {"egrave", "\xC3\xA8"},
	{"ecirc", "\xC3\xAA"}, {"agrave", "\xC3\xA0"}, {"aacute", "\xC3\xA1"}, {"ocirc", "\xC3\xB4"},
	{"oacute", "\xC3\xB3"}, {"iacute", "\xC3\xAD"}, {"uacute", "\xC3\xBA"}, {"ccedil", "\xC3\xA7"},
	{"ntilde", "\xC3\xB1"}, {"uuml", "\xC3\xBC"}, {"ouml", "\xC3\xB6"}, {"auml", "\xC3\xA4"},
	{"szlig", "\xC3\x9F"}, {"Eacute", "\xC3\x89"},
};

/* Encodes code point cp as UTF-8 into out (5 bytes); returns the length, 0 for a code point
 * that is no character (NUL, a surrogate, beyond U+10FFFF). Controls become a blank. */
static size_t utf8_encode(unsigned long cp, char out[5])
{
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		cp = ' ';
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* "&#233;", "&#xE9;": returns the bytes consumed (0 if it is none) and the text in out. */
static size_t numeric_entity(const char *s, char out[5], size_t *outlen)
{
	int hex = s[2] == 'x' || s[2] == 'X';
	const char *p = s + 2 + hex;
	unsigned long cp = 0;
	size_t digits = 0;
	for (; digits < 7 && (hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)); p++, digits++)
		cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
	if (!digits || *p != ';' || !(*outlen = utf8_encode(cp, out)))
		return 0;
	return (size_t)(p + 1 - s);
}

/* List markers that may stand anywhere in a line (exports run a whole list together on
 * one line), with the level they mean. */
static const struct marker {
	const char *s;
	int level;
} inline_markers[] = {
	{"\xE2\x86\x92", 1},    /* → */
	{"\xE2\x80\xA2", 1},    /* • */
	{"\xE2\x9E\xA2", 1},    /* ➢ */
	{"\xE2\x97\x8B", 2},    /* ○ */
	{"\xE2\x97\xA6", 2},    /* ◦ */
	{"\xE2\x96\xAA", 2},    /* ▪ */
};

/* Markers that count only at the start of a line: "- ", "* ", "1. ", "2) ". Sets *number
 * for numbered ones; returns the marker's length, or 0. */
static size_t line_marker(const char *s, int *number)
{
	*number = 0;
	if ((s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 2;
	size_t d = 0;
	int v = 0;
	for (; d < 3 && isdigit((unsigned char)s[d]); d++)
		v = v * 10 + (s[d] - '0');
	if (d && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ' && v > 0) {
		*number = v;
		return d + 2;
	}
	return 0;
}

static int cur_blank(const struct scan *sc)
{
	for (size_t i = 0; i < sc->cur.len; i++)
		if (sc->cur.data[i] != ' ')
			return 0;
	return 1;
}

/* Starts a list item for a marker, or gives the marker to the item a <li> has just
 * opened ("<li>→ text": the marker says more than the nesting). */
static void take_marker(struct scan *sc, int level, int number, enum mark mark)
{
	if (sc->kind == B_ITEM && cur_blank(sc)) {
		sc->level = level;
		if (number)
			sc->number = number;
	} else {
		close_link(sc);
		end_block(sc);
		sc->kind = B_ITEM;
		sc->level = level;
		sc->number = number;
	}
	sc->mark = mark;
	sc->line_start = 0;
}

/* "2) " or "2. " inside a line while item 1 of a numbered list is read ("1) First result
 * 2) Second result"): the item's number plus one, after a blank and before a capital.
 * Only that number counts, so that "1. Meet on the 3. floor" stays one item. Returns the
 * marker's length, or 0. */
static size_t inline_number(const struct scan *sc, const char *s)
{
	if (sc->kind != B_ITEM || sc->number <= 0 || sc->number >= 999 || !sc->cur.len ||
	    sc->cur.data[sc->cur.len - 1] != ' ')
		return 0;
	int v = 0;
	size_t d = 0;
	for (; d < 3 && isdigit((unsigned char)s[d]); d++)
		v = v * 10 + (s[d] - '0');
	if (!d || v != sc->number + 1 || (s[d] != '.' && s[d] != ')') || s[d + 1] != ' ')
		return 0;
	unsigned char next = (unsigned char)s[d + 2];
	return isupper(next) || next >= 0x80 || next == '*' ? d + 2 : 0;
}

/* The level of the marker (→, ○ ...) at s when it stands after a blank and before one;
 * 0 when there is none there. s is the text being read (after NULL), or a decoded entity
 * (after: where the text goes on, s must then be the marker alone). *len: its length. */
static int inline_marker(const struct scan *sc, const char *s, const char *after, size_t *len)
{
	int after_blank = sc->cur.len == 0 || sc->cur.data[sc->cur.len - 1] == ' ';
	for (size_t i = 0; after_blank && i < sizeof inline_markers / sizeof *inline_markers; i++) {
		size_t n = strlen(inline_markers[i].s);
		const char *next = after ? after : s + n;
		if (strncmp(s, inline_markers[i].s, n) == 0 && (!after || s[n] == '\0') &&
		    (*next == ' ' || *next == '\n' || *next == '\0')) {
			*len = n;
			return inline_markers[i].level;
		}
	}
	return 0;
}

/* Reads a list marker at sc->p; returns 1 when there was one (now consumed). */
static int read_marker(struct scan *sc)
{
	int number = 0;
	size_t len = 0;
	enum mark mark = M_GLYPH;
	int level = inline_marker(sc, sc->p, NULL, &len);
	if (!level && sc->line_start && (len = line_marker(sc->p, &number)) != 0) {
		level = sc->indent >= 2 ? 2 : 1;
		mark = number ? M_NUMBER : M_DASH;
	} else if (!level && (len = inline_number(sc, sc->p)) != 0) {
		level = sc->level;
		number = sc->number + 1;
		mark = M_NUMBER;
	}
	if (!level)
		return 0;
	sc->p += len;
	take_marker(sc, level, number, mark);
	return 1;
}

/* Reads the entity at sc->p ('&'); returns 0 when it is none (the '&' is then text). In
 * Markdown a decoded '<' stays an entity, so that it cannot become a tag there. */
static int read_entity(struct scan *sc)
{
	const char *s = sc->p;
	char num[5];
	size_t len = 0, used = 0;
	const char *text = NULL;
	if (s[1] == '#') {
		used = numeric_entity(s, num, &len);
		text = num;
	} else {
		for (size_t i = 0; i < sizeof entity_names / sizeof *entity_names && !used; i++) {
			size_t n = strlen(entity_names[i].name);
			if (strncmp(s + 1, entity_names[i].name, n) == 0 && s[1 + n] == ';') {
				used = n + 2;
				text = entity_names[i].text;
				len = strlen(text);
			}
		}
	}
	if (!used)
		return 0;
	sc->p += used;
	size_t mlen;
	int level = sc->plain ? 0 : inline_marker(sc, text, sc->p, &mlen);
	if (level)      /* "&#8594; text": an arrow written as an entity is a marker too */
		take_marker(sc, level, 0, M_GLYPH);
	else if (len == 1 && *text == ' ')
		put_space(sc);
	else if (!sc->plain && len == 1 && *text == '<')
		put_bytes(sc, "&lt;", 4);
	else
		put_bytes(sc, text, len);
	return 1;
}

/* A line break inside a cell: a blank line after a finished sentence before a capital
 * starts a new paragraph; any other break (a wrapped line, a paragraph cut by a page
 * break) joins the lines with a blank. */
static void read_newline(struct scan *sc)
{
	int lines = 0, indent = 0;
	size_t k;
	for (;;) {
		if (*sc->p == '\n') {
			lines++;
			sc->line++;
			indent = 0;
			sc->p++;
		} else if ((k = space_len(sc->p)) != 0) {
			indent++;
			sc->p += k;
		} else {
			break;
		}
	}
	sc->indent = indent;
	if (!sc->plain && lines >= 2 && ends_sentence(buf_str(&sc->cur), sc->cur.len) &&
	    !islower((unsigned char)*sc->p))
		end_block(sc);
	else
		put_space(sc);
	sc->line_start = 1;
}

/* Reads text (a NUL-terminated cell starting on line `line`) into blocks added to out. */
static void read_cell(const char *text, size_t line, int plain, struct blocks *out)
{
	struct scan sc = {.p = text, .line = line, .plain = plain, .out = out, .line_start = 1};
	buf_init(&sc.cur, UCAP_PAGE_MAX * 2);
	while (*sc.p) {
		size_t k;
		if (*sc.p == '\n') {
			read_newline(&sc);
		} else if ((*sc.p == '<' && read_tag(&sc)) || (*sc.p == '&' && read_entity(&sc)) ||
			   (!plain && read_marker(&sc))) {
			continue;
		} else if ((k = space_len(sc.p)) != 0) {
			put_space(&sc);
			sc.p += k;
		} else if (sc.p[0] == '\\' && (sc.p[1] == '_' || (sc.p[1] == '\\' && sc.p[2] == '_'))) {
			put_bytes(&sc, "_", 1);    /* "IUC-ASIA\\_office": an exporter's escape */
			sc.p += sc.p[1] == '_' ? 2 : 3;
		} else {
			size_t n = 1;
			while (((unsigned char)sc.p[n] & 0xC0) == 0x80 && n < 4)
				n++;
			put_bytes(&sc, sc.p, n);
			sc.p += n;
		}
	}
	close_link(&sc);
	end_block(&sc);
	buf_free(&sc.cur);
}

/* The sections a row's label can name. */
enum sec {
	S_UNKNOWN, S_NAME, S_PROVINCE, S_COUNTRY, S_POPULATION, S_AREA, S_PERIOD, S_THEMES,
	S_GOALS, S_FOCUS, S_CHALLENGES, S_OBJECTIVES, S_ACTIVITIES, S_RESULTS, S_CONTACT,
	S_FOOTER,               /* text after the contact that is no contact: kept as unplaced */
	S_COUNT
};

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
static enum sec label_section(const char *key)
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
static char *clean_label(const char *raw, size_t line)
{
	struct blocks b = {0};
	read_cell(raw, line, 1, &b);
	char *text = blocks_flat(&b);
	blocks_free(&b);
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
	char *label = clean_label(s, line), *key = fold_key(label);
	enum sec sec = strlen(key) <= LABEL_MAX ? label_section(key) : S_UNKNOWN;
	free(key);
	free(label);
	return sec;
}

static int is_label(const char *s, size_t line)
{
	return label_sec(s, line) != S_UNKNOWN;
}

/* ---- rows ---- */

/* One row of the summary's table, or the contact block under it. */
struct row {
	char *label;            /* as written, markup and all */
	struct buf cell[2];     /* the city's and the counterparts' column, or one merged cell;
				 * continuation lines are added after as many '\n' as lines passed */
	size_t last[2];         /* line of the last text added to each cell */
	size_t line;            /* where the row starts */
	enum sec sec;           /* S_CONTACT for the contact block, else S_UNKNOWN until read */
};

/* The state of reading one file. */
struct doc {
	struct ucap_page *up;
	const struct ucap_page_options *opt;
	struct row *rows;
	size_t nrows;
	int in_contact;                 /* the contact block has begun, and no label row since */
	int contact_done;               /* its paragraph or address has ended: only lines that
					 * look like contact details join it now */
	size_t contact_row;             /* its index in rows */
	size_t city_line;               /* the line of the 'City' row, 0 before it */
	int tr_open, td_open, td_col;   /* HTML table: in a <tr>, in a cell, which (0 the label) */
	struct blocks sec[S_COUNT];     /* each text section's blocks, gathered over its rows */
	size_t sec_line[S_COUNT];       /* the line of the row that began each section */
	json_t *side[2];                /* facts.city and facts.counterparts */
	struct buf unplaced;            /* Markdown paragraphs */
};

/* Keeps text (not consumed) in the unplaced section and lists it for the report. */
static void unplace(struct doc *d, size_t line, const char *text)
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
	if (is_blank(text))
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
	char *text = clean_label(p, line), *key = fold_key(text);
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
	read_cell(p, line, 1, &b);
	char *flat = blocks_flat(&b), *text = flat + strspn(flat, "# "), *key = fold_key(text);
	if (strlen(key) <= LABEL_MAX && (strstr(key, "u-cap") || strstr(key, "action plan")))
		import_msg(d->up->notes, "line %zu: heading '%s' skipped: the plan's title is made from the city names",
			line, text);
	else
		unplace(d, line, text);
	free(key);
	free(flat);
	blocks_free(&b);
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
	int yes = !is_blank(label) && is_label(label, line);
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
	if (is_blank(p)) {
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
	if (is_blank(p) || is_rule(p) || contact_intro(d, p, line))
		return;
	char *tab = strchr(p, '\t');
	if (tab)
		*tab = '\0';       /* p is now the label, if there is one */
	if (tab && !is_blank(p) && r && is_blank(tab + 1) && !is_label(p, line)) {
		add_to_cell(r, r->cell[1].len ? 1 : 0, p, line);   /* "last line of a cell\t" */
	} else if (tab && !is_blank(p)) {
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
static void read_table_line(struct doc *d, char *p, size_t line)
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

/* ---- facts: names and numbers ---- */

/* "N/A" and the other ways a document says that a value is not available. */
static int is_na(const char *s)
{
	static const char *const na[] = {"n/a", "na", "n.a.", "n.a", "not available", "-", "\xE2\x80\x93"};
	char *k = fold_key(s);
	int yes = 0;
	for (size_t i = 0; i < sizeof na / sizeof *na && !yes; i++)
		yes = strcmp(k, na[i]) == 0;
	free(k);
	return yes;
}

/* Units after an area and their factor to km²; longer spellings before their prefixes. */
static const struct unit {
	const char *word;
	double factor;
} area_units[] = {
	{"square kilometres", 1}, {"square kilometers", 1}, {"sq. km", 1}, {"sq km", 1},
	{"km \xC2\xB2", 1}, {"km\xC2\xB2", 1}, {"km 2", 1}, {"km2", 1}, {"km", 1}, {"hectares", 0.01}, {"ha", 0.01},
};
static const char *const people_units[] = {"inhabitants", "people", "residents", "inh."};

/* Reads one value of a numeric fact at s: "N/A", or a number in any document form with
 * its unit. Sets *v (NAN for N/A) and returns the end of the value, or NULL. */
static const char *read_value(const char *s, enum sec sec, double *v)
{
	const char *end;
	while (*s == ' ')
		s++;
	for (size_t n = 1; n <= 13 && s[n - 1]; n++) {
		char head[16];
		memcpy(head, s, n);
		head[n] = '\0';
		if ((s[n] == '\0' || s[n] == ' ') && is_na(head)) {
			*v = NAN;
			return s + n;
		}
	}
	if (parse_quantity(s, v, &end) || !isfinite(*v))
		return NULL;
	const char *u = end;
	while (*u == ' ')
		u++;
	if (sec == S_AREA) {
		for (size_t i = 0; i < sizeof area_units / sizeof *area_units; i++) {
			size_t n = strlen(area_units[i].word);
			if (strncasecmp(u, area_units[i].word, n) == 0 && !isalnum((unsigned char)u[n])) {
				*v *= area_units[i].factor;
				return u + n;
			}
		}
	} else {
		for (size_t i = 0; i < sizeof people_units / sizeof *people_units; i++) {
			size_t n = strlen(people_units[i]);
			if (strncasecmp(u, people_units[i], n) == 0 && !isalpha((unsigned char)u[n]))
				return u + n;
		}
	}
	return end;
}

/* The whole of s as a population or an area: a JSON value for the facts, or NULL. */
static json_t *number_fact(const char *s, enum sec sec)
{
	double v;
	const char *end = read_value(s, sec, &v);
	if (!end)
		return NULL;
	while (*end == ' ' || *end == '.')
		end++;
	if (*end)
		return NULL;
	if (isnan(v))
		return json_string("N/A");
	if (sec == S_POPULATION)
		return v <= POPULATION_MAX ? json_integer(llround(v)) : NULL;
	return v <= AREA_MAX ? json_real(v) : NULL;
}

/* Two numeric values run together in one cell ("540.000 N/A"): splits s at the end of
 * the first when the rest is a value too. Returns the rest (s is cut) or NULL. */
static char *split_values(char *s, enum sec sec)
{
	double v;
	char *end = (char *)read_value(s, sec, &v);
	if (!end || !*end)
		return NULL;
	json_t *second = number_fact(end, sec);
	if (!second)
		return NULL;
	json_decref(second);
	*end++ = '\0';
	return end;
}

void ucap_split_names(const char *s, json_t *names)
{
	char *copy = xstrdup(s), *p = copy;
	while (*p && json_array_size(names) < NAMES_MAX) {
		size_t n = strcspn(p, ",;");
		char *and = NULL;
		for (char *q = p; q < p + n && !and; q++)
			if (strncasecmp(q, " and ", 5) == 0 || strncmp(q, " & ", 3) == 0)
				and = q;
		size_t cut = and ? (size_t)(and - p) : n;
		char save = p[cut];
		p[cut] = '\0';
		char *name = trim(p);
		if (*name)
			json_array_append_new(names, json_string(name));
		p[cut] = save;
		p += and ? cut + (and[1] == '&' ? 3 : 5) : n + (p[n] != '\0');
	}
	free(copy);
}

static const char *const fact_keys[S_COUNT] = {
	[S_NAME] = "name", [S_PROVINCE] = "province", [S_COUNTRY] = "country",
	[S_POPULATION] = "population", [S_AREA] = "area_km2",
};
static const char *const side_names[2] = {"the city", "the counterparts"};

/* The plain text of a cell: markup dropped, lines joined. New string. */
static char *cell_text(const char *raw, size_t line)
{
	struct blocks b = {0};
	read_cell(raw, line, 1, &b);
	char *text = blocks_flat(&b);
	blocks_free(&b);
	return text;
}

/* Sets one fact of one side from its text, or keeps the text as unplaced and says why. */
static void set_fact(struct doc *d, int side, enum sec sec, const char *text, const char *label, size_t line)
{
	const char *key = fact_keys[sec];
	json_t *value = NULL;
	if (sec == S_POPULATION || sec == S_AREA)
		value = number_fact(text, sec);
	else if (utf8_chars(text) <= PLAN_TITLE_MAX)
		value = json_string(text);
	if (value && !json_object_get(d->side[side], key)) {
		json_object_set_new(d->side[side], key, value);
		if (sec == S_NAME && side == 1)
			ucap_split_names(text, d->up->counterparts);
		return;
	}
	import_msg(d->up->notes, "line %zu: %s of %s: %s", line, label, side_names[side],
		value ? "given twice; the second is kept as unplaced" : "cannot be read; kept as unplaced");
	json_decref(value);
	struct buf both = BUF_INIT((size_t)-1 / 2);
	buf_printf(&both, "%s: %s", label, text);
	unplace(d, line, buf_str(&both));
	buf_free(&both);
}

/* A facts row: the city's value, then the counterparts'. When one cell holds both (the
 * columns ran together), they are told apart by a run of blanks, or as two numbers. */
static void read_fact_row(struct doc *d, struct row *r, enum sec sec, const char *label)
{
	char *v[2] = {NULL, NULL};
	const char *raw = buf_str(&r->cell[0]);
	const char *gap = r->cell[1].len ? NULL : strstr(raw, "   ");
	if (!gap && !r->cell[1].len)
		gap = strstr(raw, " | ");
	if (gap) {
		char *first = xstrndup(raw, (size_t)(gap - raw));
		v[0] = cell_text(first, r->line);
		v[1] = cell_text(gap + strspn(gap, " |"), r->line);
		free(first);
		if (*v[0] && *v[1]) {
			import_msg(d->up->notes, "line %zu: %s: one cell read as the city's value and the counterparts'",
				r->line, label);
		} else {
			free(v[0]);
			free(v[1]);
			gap = NULL;
		}
	}
	if (!gap) {
		v[0] = cell_text(raw, r->line);
		v[1] = cell_text(buf_str(&r->cell[1]), r->line);
	}
	char *rest = NULL;
	if (!*v[1] && (sec == S_POPULATION || sec == S_AREA) && (rest = split_values(v[0], sec)) != NULL) {
		free(v[1]);
		v[1] = xstrdup(trim(rest));
		import_msg(d->up->notes, "line %zu: %s: two values in one cell read as the city's and the counterparts'", r->line, label);
	}
	for (int side = 0; side < 2; side++)
		if (*v[side])
			set_fact(d, side, sec, v[side], label, r->line);
	free(v[0]);
	free(v[1]);
}

/* A row whose label names no section (or a footer, which has none): kept whole, label
 * and all, as unplaced. */
static void unplace_row(struct doc *d, struct row *r, const char *label)
{
	struct blocks b = {0};
	read_cell(buf_str(&r->cell[0]), r->line, 0, &b);
	read_cell(buf_str(&r->cell[1]), r->line, 0, &b);
	char *md = blocks_markdown(&b);
	struct buf text = BUF_INIT((size_t)-1 / 2);
	if (*label)
		buf_printf(&text, "%s:%s", label, b.n > 1 ? "\n\n" : " ");
	buf_puts(&text, md);
	unplace(d, r->line, trim((char *)buf_str(&text)));
	buf_free(&text);
	free(md);
	blocks_free(&b);
}

/* Gives a row to its section. Text sections gather their blocks for the last pass. */
static void read_row(struct doc *d, struct row *r)
{
	char *label = clean_label(r->label, r->line);
	char *key = fold_key(label);
	enum sec sec = r->sec != S_UNKNOWN ? r->sec : strlen(key) <= LABEL_MAX ? label_section(key) : S_UNKNOWN;
	if (fact_keys[sec]) {
		read_fact_row(d, r, sec, label);
	} else if (sec == S_UNKNOWN || sec == S_FOOTER) {
		unplace_row(d, r, label);
	} else {
		if (!d->sec_line[sec])
			d->sec_line[sec] = r->line;
		for (int k = 0; k < 2; k++)
			read_cell(buf_str(&r->cell[k]), r->line, 0, &d->sec[sec]);
	}
	free(key);
	free(label);
}

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
static void build_period(struct doc *d, json_t *content)
{
	struct blocks *b = &d->sec[S_PERIOD];
	if (!b->n)
		return;
	char *text = blocks_flat(b), *t = text + strspn(text, "*");
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
		unplace(d, d->sec_line[S_PERIOD], end ? end : text);
	}
	free(text);
}

/* ---- activities ---- */

/* Joins more text to the string at key of obj (or index i of an array when key is NULL). */
static void join_into(json_t *obj, const char *key, size_t i, const char *more)
{
	json_t *old = key ? json_object_get(obj, key) : json_array_get(obj, i);
	char *joined = join2(old ? json_string_value(old) : "", more);
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
		unplace(d, k->line, k->text);
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
		unplace(d, k->line, k->text);
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
static void build_activities(struct doc *d, json_t *content)
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
static void build_themes(struct doc *d, json_t *content)
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
			unplace(d, t->v[i].line, t->v[i].text);
		}
	}
	if (json_array_size(themes))
		json_object_set(content, "themes", themes);
	json_decref(themes);
	if (!focus_md)
		focus_md = blocks_markdown(f);
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
		unplace(d, k->line, whole);
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
		unplace(d, k->line, whole);
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
		unplace(d, k->line, lead);
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
static void build_goals(struct doc *d, json_t *content)
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

/* ---- the whole content ---- */

/* A Markdown section from its blocks; nothing when it is empty. */
static void build_text(struct doc *d, json_t *content, enum sec sec, const char *key)
{
	attach_paragraphs(&d->sec[sec]);
	char *md = blocks_markdown(&d->sec[sec]);
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
	build_period(d, c);
	build_themes(d, c);
	build_goals(d, c);
	build_text(d, c, S_CHALLENGES, "key_challenges");
	build_text(d, c, S_OBJECTIVES, "objectives");
	build_activities(d, c);
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
		read_table_line(d, p, line);
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
		blocks_free(&d->sec[s]);
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
