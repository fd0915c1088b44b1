/* plan_diff.c: two revisions of a plan compared section by section, with the changed
 * words marked (plan.h). Each section is compared as the text plan_section_text() gives
 * it, so the diff shows what a reader of the summary would see change, in the summary's
 * order, and a section that only moved keys around inside the JSON shows no change. */
#include "core/diff.h"
#include "core/plan.h"
#include "util/buf.h"
#include "web/html.h"   /* the escaper; core has no HTML writer of its own */

#include <stdlib.h>
#include <string.h>

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

/* Escaped text with each line break as <br>, so that lines show as lines in any element. */
static void text_with_breaks(struct buf *b, const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		html_text_n(b, s, n);
		if (!nl)
			break;
		buf_puts(b, "<br>");
		s = nl + 1;
	}
}

void plan_diff_html(struct buf *b, const json_t *section)
{
	size_t i;
	json_t *seg;
	json_array_foreach(json_object_get(section, "segments"), i, seg) {
		const char *op = json_string_value(json_object_get(seg, "op"));
		json_t *text = json_object_get(seg, "text");
		int del = op && strcmp(op, "del") == 0, ins = op && strcmp(op, "ins") == 0;
		buf_puts(b, del ? "<del>" : ins ? "<ins>" : "");
		text_with_breaks(b, json_string_value(text) ? json_string_value(text) : "", json_string_length(text));
		buf_puts(b, del ? "</del>" : ins ? "</ins>" : "");
	}
}
