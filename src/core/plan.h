/* plan.h: Urban Cooperation Action Plans (U-CAPs), kept as living documents.
 *
 * A plan is a slug plus a chain of immutable revisions; each revision holds the whole
 * content of the plan as one JSON object, author, time and a short message. The content
 * is described once, as a table of sections (plan.c); the table drives validation, the
 * edit form of each section, the section-by-section diff, and every rendering (page,
 * Markdown, PDF), in its order.
 *
 * Content of a revision (every key optional unless marked; unknown keys are refused):
 *
 *   title          text, required: "Métropole Nice Côte d'Azur with Haikou, Kunming ..."
 *   city           slug of the city the plan belongs to
 *   cooperation    slug of the cooperation (pairing or cluster) it belongs to;
 *                  at least one of city / cooperation is required
 *   counterparts   [city slug]: the cities the plan names as counterparts
 *   facts          values the document states, shown instead of the city records' own:
 *                  {"city": SIDE, "counterparts": SIDE}, SIDE = {"name", "province",
 *                  "country": text; "population": whole number or "N/A";
 *                  "area_km2": number or "N/A"}
 *   period         {"start": partial date, "end": partial date}   ("2018-06")
 *   themes         [{"title": text, "text": markdown}]
 *   sdgs           [1..17]
 *   urban_agenda   [name of an Urban Agenda partnership, as in the taxonomy]
 *   key_focus, key_challenges, objectives, results, contact, unplaced:   markdown
 *   activities     [{"date": partial date, "end": partial date (a range), "text":
 *                    markdown, "points": [markdown]}]   (date may be absent)
 *
 * Markdown is CommonMark (cmark) rendered with raw HTML disabled: paragraphs, bullet and
 * numbered lists, emphasis, links. `unplaced` keeps text an importer could not place. */
#ifndef C2C_PLAN_H
#define C2C_PLAN_H
#include "core/entity.h"
#include "core/errors.h"

#include <jansson.h>

enum section_kind {
	SEC_FACTS,       /* the header table: the city and its counterparts */
	SEC_PERIOD,
	SEC_THEMES,
	SEC_GOALS,       /* sdgs and urban_agenda together, as the summary shows them */
	SEC_TEXT,        /* one markdown field */
	SEC_TIMELINE,    /* activities */
};

struct plan_section {
	const char *key;          /* URL segment of its form; for SEC_TEXT the content key */
	const char *title;        /* heading on the summary, the form and the diff */
	enum section_kind kind;
	const char *hint;         /* one sentence for the edit form */
};

extern const struct plan_section plan_sections[];   /* terminated by key == NULL */
const struct plan_section *plan_section_by_key(const char *key);

/* Limits, so that a plan stays a summary. */
#define PLAN_TITLE_MAX 200           /* characters of any one-line text: titles, names */
#define PLAN_TEXT_MAX 20000          /* characters of one markdown field */
#define PLAN_LIST_MAX 200            /* themes, activities, points of one activity, ... */
#define PLAN_MESSAGE_MAX 200         /* revision message */

/* Checks a revision message: valid UTF-8 on one line (no line breaks, tabs or other
 * controls), at most PLAN_MESSAGE_MAX characters. 0, or -1 with an error for field
 * "message" added to errs. */
int plan_message_check(const char *message, struct errors *errs);

/* The plan record used for permission checks and lists (entity_plan is not part of the
 * generic registry: plans are documents, stored by store/plans.c). */
extern const struct entity entity_plan;

/* Validates content (not consumed). On success returns 0 and a new normalised copy in
 * *out: keys in table order, text trimmed with line breaks as "\n", empty values
 * dropped, SDGs sorted, "n/a" written "N/A", an activity's end equal to its date dropped,
 * so that two contents mean the same exactly when json_equal(). On failure returns -1
 * with one error per bad field (named like "activities[3].date"; codes invalid_record,
 * missing_field, invalid_field, unknown_field, too_long, duplicate_item) and *out NULL.
 * References (city slugs, SDG numbers' existence, Urban Agenda names) are checked by the
 * store, which knows them. */
int plan_validate(json_t *content, json_t **out, struct errors *errs);

/* A section of content as plain Markdown text, the form the diff compares and the
 * Markdown report prints (without its heading). Caller frees; "" when empty.
 * The facts, period and goals sections are one statement per line ("City: nice",
 * "SDG 3"): render them with line breaks kept (cmark's CMARK_OPT_HARDBREAKS). */
char *plan_section_text(const json_t *content, const struct plan_section *s);

/* Compares two contents section by section (plan_diff.c), in table order: a new array of
 * {"section": key, "title": title, "changed": bool, "segments": [{"op": "same" | "del" |
 * "ins", "text": ...}]}, the segments of a word diff (diff.h) of the two sections' text.
 * NULL stands for an empty plan (a first revision compared with nothing). Caller decrefs. */
json_t *plan_diff(const json_t *from, const json_t *to);

/* Appends one entry of plan_diff()'s array as HTML for readers: its text escaped and
 * without its inline Markdown syntax (escapes, emphasis markers, code ticks, link
 * brackets), deletions in <del>, insertions in <ins>, and a note when only the formatting
 * changed. Spaces and line breaks are kept as they are: show it in an element of class
 * "diff" (white-space: pre-wrap) so that nested lists stay indented. */
struct buf;
void plan_diff_html(struct buf *b, const json_t *section);

#endif
