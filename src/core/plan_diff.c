/* plan_diff.c: two revisions of a plan compared section by section, with the changed
 * words marked (plan.h). Each section is compared as the text plan_section_text() gives
 * it, so the diff shows what a reader of the summary would see change, in the summary's
 * order, and a section that only moved keys around inside the JSON shows no change. */
#include "core/diff.h"
#include "core/plan.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "web/html.h"   /* the escaper; core has no HTML writer of its own */

#include <stdlib.h>
#include <string.h>

/* No cap of its own: the texts are a plan's, bounded by validation. */
#define TEXT_CAP ((size_t)-1 / 2)

/* The segments of diff d as [{"op", "text"}]; sets *changed when any is not "same". */
static json_t *segments_json(const struct diff *d, int *changed)
{
	json_t *list = json_array();
	*changed = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_segment *s = &d->seg[i];
		json_array_append_new(list, json_pack("{s:s, s:s%}", "op", diff_op_name(s->op), "text", s->text, s->len));
		if (s->op != DIFF_SAME)
			*changed = 1;
	}
	return list;
}

static json_t *section_diff(const json_t *from, const json_t *to, const struct plan_section *sec)
{
	char *a = plan_section_text(from, sec), *b = plan_section_text(to, sec);
	struct diff d;
	int changed;
	diff_words(a, b, &d);
	json_t *segments = segments_json(&d, &changed);
	diff_free(&d);
	free(a);
	free(b);
	return json_pack("{s:s, s:s, s:b, s:o}", "section", sec->key, "title", sec->title, "changed", changed,
			 "segments", segments);
}

json_t *plan_diff(const json_t *from, const json_t *to)
{
	json_t *out = json_array();
	for (const struct plan_section *s = plan_sections; s->key; s++)
		json_array_append_new(out, section_diff(from, to, s));
	return out;
}

/* ---- showing a diff ----
 *
 * The texts compared are Markdown, but a reader should see the words, not the markup:
 * `**Smart city**` reads "Smart city", `\&` reads "&". So the page shows each text with
 * its inline markup hidden: backslashes of escapes, the backticks around code, the
 * brackets of a link ("text (address)"), and emphasis markers that pair up within
 * their line.
 * Block markup ("- " of a list item, its indentation) stays: it is the shape of the text.
 * What is hidden is decided on each whole text (from, to) rather than per segment, since
 * a segment may hold one half of a pair of markers. A change made only of markup
 * (emphasis added, *a* made **a**) shows nothing; when a section has no other change, a
 * note says that only its formatting changed, so that it is not listed as changed for
 * no visible reason. */

/* What becomes of a byte: shown; hidden; shown and never markup (escaped, or code);
 * shown as a space (the "]" between a link's text and its address). */
enum { SHOWN, HIDDEN, LITERAL, AS_SPACE };

static int is_punct(unsigned char c)
{
	return c < 0x80 && c > ' ' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0;
}

/* Backslash escapes and code spans of line [p, end): the backslash and the backticks
 * hidden, what they protect marked LITERAL. */
static void mask_literals(const char *p, const char *end, unsigned char *mask)
{
	for (const char *q = p; q < end; q++) {
		if (*q == '\\' && q + 1 < end && is_punct((unsigned char)q[1])) {
			mask[q - p] = HIDDEN;
			mask[++q - p] = LITERAL;
		} else if (*q == '`') {
			size_t run = strspn(q, "`");
			const char *close = q + run;
			while (close < end && !(strncmp(close, q, run) == 0 && close[run] != '`' && (close == q + run || close[-1] != '`')))
				close++;
			if (close >= end) {   /* no closing run: the backticks are text */
				q += run - 1;
				continue;
			}
			memset(mask + (q - p), HIDDEN, run);
			memset(mask + (q - p) + run, LITERAL, (size_t)(close - q) - run);
			memset(mask + (close - p), HIDDEN, run);
			q = close + run - 1;
		}
	}
}

/* Inline links and images on the line: "[text](address)" shows as "text (address)",
 * so that a changed address shows too. */
static void mask_links(const char *p, const char *end, unsigned char *mask)
{
	for (const char *q = p; q < end; q++) {
		if (*q != '[' || mask[q - p] != SHOWN)
			continue;
		const char *close = q + 1;
		while (close < end && !(mask[close - p] == SHOWN && (*close == ']' || *close == '[')))
			close++;
		if (close + 1 >= end || *close != ']' || close[1] != '(')
			continue;
		const char *paren = memchr(close, ')', (size_t)(end - close));
		if (!paren)
			continue;
		if (q > p && q[-1] == '!' && mask[q - 1 - p] == SHOWN)
			mask[q - 1 - p] = HIDDEN;
		mask[q - p] = HIDDEN;
		mask[close - p] = AS_SPACE;
		q = paren;
	}
}

/* Emphasis on the line: runs of * or _ that can open (followed by a non-space, and for
 * _ not inside a word) are pushed, and one that can close hides itself and the nearest
 * opener of the same character, as many markers as both have. Simpler than CommonMark's
 * rules, and meant only for display: "5 * 3" and snake_case keep their characters. */
static void mask_emphasis(const char *p, const char *end, unsigned char *mask)
{
	struct { const char *at; size_t len; } open[64];
	int depth = 0;
	for (const char *q = p; q < end;) {
		if ((*q != '*' && *q != '_') || mask[q - p] != SHOWN) {
			q++;
			continue;
		}
		size_t run = 1;
		while (q + run < end && q[run] == *q && mask[q + run - p] == SHOWN)
			run++;
		unsigned char before = q > p ? (unsigned char)q[-1] : ' ', after = q + run < end ? (unsigned char)q[run] : ' ';
		int word_before = !is_space(before) && !is_punct(before), word_after = !is_space(after) && !is_punct(after);
		int can_open = !is_space(after) && (*q == '*' || !word_before);
		int can_close = !is_space(before) && (*q == '*' || !word_after);
		int k = depth;
		while (can_close && k > 0 && *open[k - 1].at != *q)
			k--;
		if (can_close && k > 0) {
			size_t n = open[k - 1].len < run ? open[k - 1].len : run;
			memset(mask + (open[k - 1].at + open[k - 1].len - n - p), HIDDEN, n);
			memset(mask + (q - p), HIDDEN, n);
			depth = k - 1;
		} else if (can_open && depth < 64) {
			open[depth].at = q;
			open[depth++].len = run;
		}
		q += run;
	}
}

/* What of text (len bytes) to hide when showing it; caller frees. */
static unsigned char *markup_mask(const char *text, size_t len)
{
	unsigned char *mask = xcalloc(len + 1, 1);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *line_end = nl ? nl : end;
		unsigned char *m = mask + (p - text);
		mask_literals(p, line_end, m);
		mask_links(p, line_end, m);
		mask_emphasis(p, line_end, m);
		p = line_end + 1;
	}
	return mask;
}

/* Bytes [s, s + len) of a text escaped, without what mask hides, each line break as
 * <br> so that lines show as lines in any element. */
static void put_shown(struct buf *b, const char *s, size_t len, const unsigned char *mask)
{
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && s[run] != '\n' && mask[run] != HIDDEN && mask[run] != AS_SPACE)
			run++;
		html_text_n(b, s + i, run - i);
		if (run < len && s[run] == '\n')
			buf_puts(b, "<br>");
		else if (run < len && mask[run] == AS_SPACE)
			buf_putc(b, ' ');
		i = run + 1;
	}
}

/* Whether [s, s + len) is markup only: something hidden, and nothing else shown but
 * line breaks. */
static int markup_only(const char *s, size_t len, const unsigned char *mask)
{
	int hidden = 0;
	for (size_t i = 0; i < len; i++) {
		if (mask[i] == HIDDEN || mask[i] == AS_SPACE)
			hidden = 1;
		else if (s[i] != '\n')
			return 0;
	}
	return hidden;
}

/* The two sides of a diff entry rebuilt from its segments: from (same and del), to
 * (same and ins). */
static void sides(const json_t *segments, struct buf *from, struct buf *to)
{
	size_t i;
	json_t *seg;
	json_array_foreach(segments, i, seg) {
		const char *op = json_string_value(json_object_get(seg, "op"));
		json_t *text = json_object_get(seg, "text");
		if (!op || !json_is_string(text))
			continue;
		if (strcmp(op, "ins") != 0)
			buf_append(from, json_string_value(text), json_string_length(text));
		if (strcmp(op, "del") != 0)
			buf_append(to, json_string_value(text), json_string_length(text));
	}
}

void plan_diff_html(struct buf *b, const json_t *section)
{
	const json_t *segments = json_object_get(section, "segments");
	struct buf from = BUF_INIT(TEXT_CAP), to = BUF_INIT(TEXT_CAP);
	sides(segments, &from, &to);
	unsigned char *mask_from = markup_mask(buf_str(&from), from.len), *mask_to = markup_mask(buf_str(&to), to.len);
	size_t at_from = 0, at_to = 0, i;
	int shown = 0;   /* changes shown */
	json_t *seg;
	json_array_foreach(segments, i, seg) {
		const char *op = json_string_value(json_object_get(seg, "op"));
		json_t *text = json_object_get(seg, "text");
		if (!op || !json_is_string(text))
			continue;
		int del = strcmp(op, "del") == 0, ins = strcmp(op, "ins") == 0;
		const char *s = json_string_value(text);
		size_t len = json_string_length(text);
		/* what the segment is a part of: the old text for a deletion, else the new one */
		const unsigned char *mask = del ? mask_from + at_from : mask_to + at_to;
		if ((del || ins) && markup_only(s, len, mask)) {
			if (ins)
				put_shown(b, s, len, mask);   /* its line breaks, which the new text has */
		} else {
			buf_puts(b, del ? "<del>" : ins ? "<ins>" : "");
			put_shown(b, s, len, mask);
			buf_puts(b, del ? "</del>" : ins ? "</ins>" : "");
			shown += del || ins;
		}
		at_from += ins ? 0 : len;
		at_to += del ? 0 : len;
	}
	if (!shown && json_is_true(json_object_get(section, "changed")))   /* a block of its own (c2c.css) */
		buf_puts(b, "<span class=\"diff-note\">Only the formatting changed (emphasis, code or links).</span>");
	free(mask_from);
	free(mask_to);
	buf_free(&from);
	buf_free(&to);
}
