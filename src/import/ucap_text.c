/* ucap_text.c: reading one cell of a U-CAP summary into blocks (paragraphs and list
 * items) whatever its markup, and writing blocks back as Markdown; part of the parser
 * (ucap_page.c), see ucap_parse.h.
 *
 * A cell may hold HTML tags (<p>, <b>, <ul>/<li>, <a>, <sup>) and entities, arrow and
 * circle list markers run together on one line, Markdown bullets and numbers, and
 * paragraphs broken by blank lines or by page breaks. Emphasis and links become Markdown;
 * any other tag is dropped and its text kept. In plain mode (names, numbers, labels) only
 * the text is kept. Every scan stops at the NUL that ends the cell. */
#include "import/ucap_parse.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEPTH_MAX 8            /* open <ul>/<ol> whose item numbers are counted */
#define HREF_MAX 500

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
char *ucap_trim(char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

int ucap_is_blank(const char *s)
{
	size_t k;
	while ((k = space_len(s)))
		s += k;
	return *s == '\0';
}

static int ends_sentence(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '*'))
		n--;
	return n > 0 && strchr(".!?:;", s[n - 1]) != NULL;
}

/* A new string: a and b joined by one space (either may be empty). */
char *ucap_join2(const char *a, const char *b)
{
	struct buf out = BUF_INIT((size_t)-1 / 2);
	buf_puts(&out, a);
	if (*a && *b)
		buf_putc(&out, ' ');
	buf_puts(&out, b);
	return buf_detach(&out);
}

/* ---- blocks: what a cell holds once its markup is read ---- */

void ucap_blocks_free(struct blocks *b)
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
void ucap_attach_paragraphs(struct blocks *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].kind == B_PARA && w > 0 && b->v[w - 1].kind == B_ITEM) {
			char *joined = ucap_join2(b->v[w - 1].text, b->v[i].text);
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
char *ucap_blocks_flat(const struct blocks *b)
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
char *ucap_blocks_markdown(const struct blocks *b)
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
	char *text = ucap_trim((char *)buf_str(&sc->cur));
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
void ucap_read_cell(const char *text, size_t line, int plain, struct blocks *out)
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
