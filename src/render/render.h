/* render.h: the U-CAP summary ("UCAP at a glance") as Markdown, PDF and an SVG timeline.
 *
 * Every renderer is a pure function of one "plan view" (built by plan_view.h from a
 * revision and the records it names); none reads the database or merges facts. The keys
 * read here, all optional except content:
 *
 *   "title"       the plan's title ("Métropole Nice Côte d'Azur with Haikou, ...")
 *   "revision"    the revision number shown in the footer
 *   "saved_at"    when it was saved, ISO 8601 ("2020-03-14T10:22:05Z"); only the day is shown
 *   "header"      [{"label": "City", "city": "Métropole Nice Côte d'Azur",
 *                   "counterparts": "Haikou, Kunming, Zhengzhou"},
 *                  {"label": "Population", "city": "540 000", "counterparts": "N/A"}, ...]
 *                 display strings, printed as they are, in this order; the first row is
 *                 the head of the table
 *   "cities"      [{"name": "Haikou", "native": "海口"}, ...]: the city records the plan
 *                 names, printed under the header table with their names in Chinese,
 *                 Japanese or Korean (plan_view.h)
 *   "content"     the revision's content, as core/plan.h describes it
 *   "sdg_titles"  {"3": "Good health and well-being", ...}: titles of the SDGs it names
 *
 * Sections come in the order of plan_sections (core/plan.h); empty ones are left out, and
 * so is the importer's unplaced text (render_section_shown).
 * User text is escaped for each output (Markdown, Pango markup, XML); Markdown fields are
 * parsed by cmark, and raw HTML in them is shown as the text it is (never dropped, never
 * passed through), links other than http, https, mailto and relative ones as their text
 * (md_safe.h), so no markup a user wrote reaches the output.
 *
 * All functions append to `out` and return 0, or -1 when the buffer hit its cap (it is
 * then freed, see buf.h) or, for the PDF, when cairo failed. They are thread-safe. */
#ifndef C2C_RENDER_H
#define C2C_RENDER_H
#include "util/buf.h"

#include <jansson.h>
#include <stddef.h>

/* The summary as CommonMark: the title, the header as a table, a "## " heading per
 * section, the timeline as a nested list with dates in words, and a footer line
 * "Revision R, saved 14 March 2020". */
int render_plan_markdown(const json_t *view, struct buf *out);

/* The summary as an A4 PDF document (cairo and pango): title block, ruled header table,
 * the sections with their lists, the dated timeline; "Page N of M" and the revision on
 * every page. Fonts: Noto Sans, falling back to Noto Sans CJK SC for Chinese. */
int render_plan_pdf(const json_t *view, struct buf *out);

/* The activities of content (core/plan.h) as a small inline SVG: a horizontal time axis
 * over the plan's period (widened to every activity's dates), a dot per date (a bar for
 * a range; activities of the same date share one, its label counting them: "Jun 2018
 * (2)"), every one with a short date label, and no two labels overlapping (marks stack
 * in as many lanes as that takes). Drawn 800 units wide. Self-contained: a
 * viewBox, role="img", a <title>, presentation attributes only (no style attribute, so
 * that a strict Content-Security-Policy allows it). Appends nothing, and returns 0, when
 * no activity has a date. */
int render_timeline_svg(const json_t *content, struct buf *out);

/* A date or a range in words, as the summary prints it: "June 2018", "June – July 2018",
 * "14 – 18 October 2019", "June 2018 – December 2019". end may be NULL. A date that is
 * not a valid partial date is copied as it is. Returns out. */
char *render_date_range(const char *start, const char *end, char *out, size_t size);

/* The day of an ISO time in words: "2020-03-14T10:22:05Z" -> "14 March 2020". */
char *render_saved_date(const char *saved_at, char *out, size_t size);

/* The same with months abbreviated, for labels: "Jun – Jul 2018", "14 – 18 Oct 2019". */
char *render_date_range_abbr(const char *start, const char *end, char *out, size_t size);

#define RENDER_DATE_MAX 64   /* enough for any range from render_date_range */

/* Releases the caches of Pango, cairo and fontconfig, so that a leak checker run at
 * exit sees only real leaks. Call once, at the end of the process, when no thread renders
 * any more (the report command does; the server need not). */
void render_release_caches(void);

/* "Revision 3, saved 14 March 2020" (the parts the view has) into out. */
void render_revision_line(const json_t *view, struct buf *out);

/* "Haikou 海口 · Kunming 昆明 · Nice" (plain text, not escaped): the view's cities with
 * their names in their own script, into out; nothing when the view names no city. */
void render_city_names(const json_t *view, struct buf *out);

/* 1 when the summary shows section s: it has content, and it is not the importer's
 * unplaced text (which the plan page shows its editors only). */
struct plan_section;
int render_section_shown(const json_t *view, const struct plan_section *s);

/* The title of SDG n from the view's sdg_titles; NULL when the view has none. */
const char *render_sdg_title(const json_t *view, long long n);

#endif
