/* svg.c: the activities of a plan as a small SVG timeline (render.h).
 *
 * Time is measured in months from year 0, with fractions for days, so that a date known
 * to the month covers its whole month and one known to the year its whole year. Each
 * dated activity becomes a mark: a dot at the middle of its date, or a bar over a range.
 * Activities of the same date (the same label) are one mark, labelled with their count
 * ("Jun 2018 (2)") and listed together in its tooltip. Marks are stacked in lanes above
 * the axis: a mark goes to the lowest lane where it and its label fit after the marks
 * already there, which is what keeps labels from overlapping. There are as many lanes as
 * it takes, so every mark has its label: beside it, or inside a bar too wide for a label
 * at either side. */
#include "render/render.h"
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_W 800.0
#define PAD_X 24.0
#define PLOT_W (VIEW_W - 2 * PAD_X)
#define LANE_H 19.0
#define TOP_PAD 8.0
#define DOT_R 4.5
#define BAR_H 15.0                   /* a bar with its label inside */
#define FONT_SIZE 11.0
#define CHAR_W (FONT_SIZE * 0.64)    /* a generous average width: estimates must not be short */
#define LABEL_GAP 5.0
#define EXCERPT_MAX 90               /* characters of an activity's text in its tooltip */

#define ACCENT "#173a61"
#define AXIS "#8a94a3"
#define LABEL "#3b4452"
#define PERIOD "#c3d0e0"

/* For the axis: the first month of each quarter. */
static const char *const quarter_month[] = {"Jan", "Apr", "Jul", "Oct"};

enum { INSIDE = 2 };             /* label_side of a label inside its bar */

struct mark {
	size_t index;              /* in the activities list */
	double start, end;         /* months, end exclusive */
	double x0, x1;             /* on the view; equal for a dot */
	char label[RENDER_DATE_MAX];
	char shown[RENDER_DATE_MAX + 16];   /* the label with the count of a group */
	size_t count;              /* activities in the group this mark starts; 0: in another's */
	int range;                 /* a bar from start to end, else a dot */
	int lane;
	int label_side;            /* 1 right of the mark, -1 left, INSIDE, 0 no label */
};

/* ---- time ---- */

static double month_start(const struct pdate *d)
{
	double m = d->year * 12.0;
	if (d->month)
		m += d->month - 1 + (d->day ? (d->day - 1) / 31.0 : 0);
	return m;
}

static double month_end(const struct pdate *d)
{
	if (!d->month)
		return (d->year + 1) * 12.0;
	return month_start(d) + (d->day ? 1 / 31.0 : 1);
}

/* A mark from an activity: a range when it has an end, else a dot at the middle of its
 * date; -1 when it has no valid date. */
static int mark_from(const json_t *a, size_t index, struct mark *m)
{
	struct pdate d, e;
	const char *date = json_string_value(json_object_get(a, "date"));
	const char *end = json_string_value(json_object_get(a, "end"));
	if (!date || pdate_parse_iso(date, &d))
		return -1;
	memset(m, 0, sizeof *m);
	m->index = index;
	m->start = month_start(&d);
	m->end = month_end(&d);
	if (end && pdate_parse_iso(end, &e) == 0 && month_end(&e) > m->end) {
		m->end = month_end(&e);
		m->range = 1;
	} else {
		end = NULL;
	}
	render_date_range_abbr(date, end, m->label, sizeof m->label);
	return 0;
}

/* The span of the axis: the plan's period, widened to every mark, in whole quarters,
 * at least a year. */
static void axis_span(const json_t *content, const struct mark *marks, size_t n, double *lo, double *hi)
{
	const json_t *period = json_object_get(content, "period");
	struct pdate d;
	*lo = marks[0].start;
	*hi = marks[0].end;
	for (size_t i = 1; i < n; i++) {
		*lo = marks[i].start < *lo ? marks[i].start : *lo;
		*hi = marks[i].end > *hi ? marks[i].end : *hi;
	}
	const char *ps = json_string_value(json_object_get(period, "start"));
	const char *pe = json_string_value(json_object_get(period, "end"));
	if (ps && pdate_parse_iso(ps, &d) == 0 && month_start(&d) < *lo)
		*lo = month_start(&d);
	if (pe && pdate_parse_iso(pe, &d) == 0 && month_end(&d) > *hi)
		*hi = month_end(&d);
	int unit = *hi - *lo > 48 ? 12 : 3;   /* whole years when the ticks will be years */
	*lo = unit * (long)(*lo / unit);
	*hi = unit * (long)((*hi + unit - 0.001) / unit);
	if (*hi - *lo < 12) {
		double grow = (12 - (*hi - *lo)) / 2;
		*lo -= 3 * (long)((grow + 2.999) / 3);
		*hi = *lo + 12;
	}
}

/* ---- placing marks ---- */

/* Marks in the order of the axis; marks of one date next to each other, in the order of
 * the activities. */
static int by_start(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	if (x->x0 != y->x0)
		return x->x0 < y->x0 ? -1 : 1;
	if (x->x1 != y->x1)
		return x->x1 < y->x1 ? -1 : 1;
	int c = strcmp(x->label, y->label);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Makes each run of marks with the same label (sorted next to each other) one group:
 * its first mark counts them and says how many in its label. */
static void group(struct mark *marks, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && strcmp(marks[k].label, marks[i].label) == 0 && marks[k].x0 == marks[i].x0 &&
		       marks[k].x1 == marks[i].x1)
			marks[k++].count = 0;
		marks[i].count = k - i;
		if (k - i > 1)
			snprintf(marks[i].shown, sizeof marks[i].shown, "%s (%zu)", marks[i].label, k - i);
		else
			snprintf(marks[i].shown, sizeof marks[i].shown, "%s", marks[i].label);
		i = k;
	}
}

static double label_width(const struct mark *m)
{
	return CHAR_W * (double)utf8_chars(m->shown);
}

/* The horizontal extent the mark would take with its label on `side` (0, INSIDE: the
 * mark's own). */
static void extent(const struct mark *m, int side, double *from, double *to)
{
	double label_w = side == 1 || side == -1 ? LABEL_GAP + label_width(m) : 0;
	*from = m->x0 - DOT_R - (side < 0 ? label_w : 0);
	*to = m->x1 + DOT_R + (side > 0 && side != INSIDE ? label_w : 0);
}

/* Tries to put m in one of the lanes with its label on `side`; 0 when it fits. A lane
 * past those in use is always free, so a label that fits the view always finds one. */
static int try_lanes(struct mark *m, int side, double *lane_end, size_t lanes)
{
	double from, to;
	extent(m, side, &from, &to);
	if (from < 0 || to > VIEW_W)
		return -1;
	if (side == INSIDE && (!m->range || m->x1 - m->x0 < label_width(m) + 2 * LABEL_GAP))
		return -1;
	for (size_t lane = 0; lane < lanes; lane++) {
		if (lane_end[lane] + 3 <= from) {
			m->lane = (int)lane;
			m->label_side = side;
			lane_end[lane] = to;
			return 0;
		}
	}
	return -1;
}

/* Lanes and label sides for the marks that start a group, sorted; returns the number of
 * lanes used. Right of the mark is tried first, then left, then inside a bar; a mark
 * whose label fits nowhere in the view (none the dates make) keeps only its tooltip. */
static int place(struct mark *marks, size_t n)
{
	double *lane_end = xcalloc(n + 1, sizeof *lane_end);
	size_t lanes = 1;
	for (size_t i = 0; i <= n; i++)
		lane_end[i] = -1e9;
	for (size_t i = 0; i < n; i++) {
		struct mark *m = &marks[i];
		if (!m->count)
			continue;
		if (try_lanes(m, 1, lane_end, n) && try_lanes(m, -1, lane_end, n) && try_lanes(m, INSIDE, lane_end, n))
			try_lanes(m, 0, lane_end, n + 1);   /* the last lane is never used otherwise */
		lanes = (size_t)m->lane + 1 > lanes ? (size_t)m->lane + 1 : lanes;
	}
	free(lane_end);
	return (int)lanes;
}

/* ---- writing ---- */

static void xml_text(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		case '\n': case '\r': case '\t': buf_putc(b, ' '); break;
		default:
			if ((unsigned char)s[i] >= 0x20)   /* XML 1.0 has no other controls */
				buf_putc(b, s[i]);
		}
	}
}

/* The first EXCERPT_MAX characters of a Markdown text, without its markup, XML-escaped. */
static void excerpt(struct buf *b, const char *md)
{
	struct buf plain = BUF_INIT(1 << 20);
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_literal(n))
			buf_puts(&plain, cmark_node_get_literal(n));
		else if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK)
			buf_putc(&plain, ' ');
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	const char *s = buf_str(&plain);
	size_t len = 0, chars = 0;
	for (; s[len]; len++) {   /* cut before the first character over the limit */
		if (((unsigned char)s[len] & 0xC0) == 0x80)
			continue;
		if (chars++ == EXCERPT_MAX)
			break;
	}
	xml_text(b, s, len);
	if (s[len])
		buf_puts(b, "\xE2\x80\xA6");
	buf_free(&plain);
}

static double x_of(double month, double lo, double hi)
{
	return PAD_X + (month - lo) / (hi - lo) * PLOT_W;
}

/* Ticks every quarter (months labelled) for up to four years, else every year or
 * every few years; the years written under the axis. */
static void axis(struct buf *b, double lo, double hi, double y)
{
	double span = hi - lo;
	int step = span <= 48 ? 3 : 12 * (1 + (int)(span / 120));
	buf_printf(b, "<g stroke=\"%s\" stroke-width=\"1\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		   AXIS, PAD_X, y, VIEW_W - PAD_X, y);
	for (long m = (long)lo; m <= (long)hi; m += step)
		buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x_of((double)m, lo, hi), y,
			   x_of((double)m, lo, hi), y + (m % 12 == 0 ? 7 : 4));
	buf_printf(b, "</g><g fill=\"%s\" font-size=\"%.0f\" text-anchor=\"middle\">", LABEL, FONT_SIZE - 1);
	for (long m = (long)lo; m < (long)hi; m += step) {
		double x = x_of((double)m, lo, hi);
		if (step == 3)
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x, y + 17, quarter_month[(m % 12) / 3]);
		if (m % 12 == 0 || m == (long)lo)   /* every year, and the year the axis starts in */
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%ld</text>", x,
				   y + (step == 3 ? 31 : 19), m / 12);
	}
	buf_puts(b, "</g>");
}

/* The plan's period as a band along the axis, so that activities outside it show. */
static void period_band(struct buf *b, const json_t *content, double lo, double hi, double y)
{
	const json_t *period = json_object_get(content, "period");
	const char *ps = json_string_value(json_object_get(period, "start"));
	const char *pe = json_string_value(json_object_get(period, "end"));
	struct pdate d;
	double from = lo, to = hi;
	if (!ps && !pe)
		return;
	if (ps && pdate_parse_iso(ps, &d) == 0)
		from = month_start(&d);
	if (pe && pdate_parse_iso(pe, &d) == 0)
		to = month_end(&d);
	buf_printf(b, "<rect class=\"period\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"4\" fill=\"%s\"/>",
		   x_of(from, lo, hi), y - 2, x_of(to, lo, hi) - x_of(from, lo, hi), PERIOD);
}

#define GROUP_TIPS_MAX 12   /* activities named in the tooltip of a group */

/* The tooltip of a mark: its date, and the text of each activity in its group. */
static void tooltip(struct buf *b, const struct mark *m, const json_t *activities)
{
	buf_puts(b, "<title>");
	xml_text(b, m->label, strlen(m->label));
	if (m->count > 1)
		buf_printf(b, ", %zu activities", m->count);
	for (size_t k = 0; k < m->count && k < GROUP_TIPS_MAX; k++) {
		const char *text = json_string_value(json_object_get(json_array_get(activities, m[k].index), "text"));
		if (text) {
			buf_puts(b, k ? " \xC2\xB7 " : ": ");
			excerpt(b, text);
		}
	}
	if (m->count > GROUP_TIPS_MAX)
		buf_printf(b, " \xC2\xB7 and %zu more", m->count - GROUP_TIPS_MAX);
	buf_puts(b, "</title>");
}

/* One mark that starts a group (m[0..count) are its activities): a dot, or a bar over a
 * range (taller when its label is inside), its tooltip, and its label. */
static void mark_svg(struct buf *b, const struct mark *m, const json_t *activities, double axis_y)
{
	double cy = axis_y - 10 - m->lane * LANE_H, h = m->label_side == INSIDE ? BAR_H : 2 * DOT_R;
	int dot = m->x1 - m->x0 < 2 * DOT_R;
	if (dot)
		buf_printf(b, "<circle class=\"activity\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\">", (m->x0 + m->x1) / 2, cy, DOT_R);
	else
		buf_printf(b, "<rect class=\"activity\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\">",
			   m->x0, cy - h / 2, m->x1 - m->x0, h, DOT_R);
	tooltip(b, m, activities);
	buf_puts(b, dot ? "</circle>" : "</rect>");
	if (!m->label_side)
		return;
	double tx = m->label_side == INSIDE ? m->x0 + LABEL_GAP
		  : m->label_side > 0 ? m->x1 + DOT_R + LABEL_GAP : m->x0 - DOT_R - LABEL_GAP;
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\">", tx, cy + 4,
		   m->label_side == INSIDE ? "#ffffff" : LABEL, m->label_side == -1 ? "end" : "start");
	xml_text(b, m->shown, strlen(m->shown));
	buf_puts(b, "</text>");
}

/* The view's marks, from the activities that have a date; *n set. Caller frees. */
static struct mark *collect(const json_t *activities, size_t *n)
{
	struct mark *marks = xcalloc(json_array_size(activities) + 1, sizeof *marks);
	size_t i;
	json_t *a;
	*n = 0;
	json_array_foreach(activities, i, a)
		if (mark_from(a, i, &marks[*n]) == 0)
			(*n)++;
	return marks;
}

int render_timeline_svg(const json_t *content, struct buf *out)
{
	const json_t *activities = json_object_get(content, "activities");
	size_t n;
	struct mark *marks = collect(activities, &n);
	if (n == 0) {
		free(marks);
		return 0;
	}
	double lo, hi;
	axis_span(content, marks, n, &lo, &hi);
	for (size_t i = 0; i < n; i++) {
		marks[i].x0 = x_of(marks[i].start, lo, hi);
		marks[i].x1 = x_of(marks[i].end, lo, hi);
		if (!marks[i].range || marks[i].x1 - marks[i].x0 < 2 * DOT_R)   /* a dot, mid-date */
			marks[i].x0 = marks[i].x1 = (marks[i].x0 + marks[i].x1) / 2;
	}
	qsort(marks, n, sizeof *marks, by_start);
	group(marks, n);
	int lanes = place(marks, n);
	double axis_y = TOP_PAD + lanes * LANE_H + 4;
	double height = axis_y + 40;
	char from[RENDER_DATE_MAX], to[RENDER_DATE_MAX];
	struct pdate d0 = {(int)(lo / 12), (int)lo % 12 + 1, 0}, d1 = {(int)((hi - 1) / 12), (int)(hi - 1) % 12 + 1, 0};
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 %.0f %.0f\" "
			"role=\"img\" font-family=\"Noto Sans, 'Noto Sans CJK SC', sans-serif\" font-size=\"%.0f\">"
			"<title>Timeline of %zu activit%s, %s \xE2\x80\x93 %s</title>",
		   VIEW_W, height, FONT_SIZE, n, n == 1 ? "y" : "ies", pdate_format_human(&d0, from, sizeof from),
		   pdate_format_human(&d1, to, sizeof to));
	period_band(out, content, lo, hi, axis_y);
	axis(out, lo, hi, axis_y);
	buf_printf(out, "<g fill=\"%s\">", ACCENT);
	for (size_t i = 0; i < n; i++)
		if (marks[i].count)
			mark_svg(out, &marks[i], activities, axis_y);
	buf_puts(out, "</g></svg>\n");
	free(marks);
	return buf_failed(out) ? -1 : 0;
}
