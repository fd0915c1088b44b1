/* ucap_page.h: reading U-CAP summaries ("UCAP at a glance") as exported from PDF or HTML.
 *
 * Two steps, kept apart like the pairing-page importer's, so that the first can be tested
 * and fuzzed without a database:
 *
 *   ucap_page_parse()   pure: the text of one summary -> the content of a plan revision
 *                       (core/plan.h), with cities given by name (facts.city.name,
 *                       facts.counterparts.name) since only the store can turn names into
 *                       slugs; plus what went to `unplaced` and why the file is refused;
 *   ucap_import_file()  (ucap_import.h) resolves the names, validates and saves the plan
 *                       as a new revision in one transaction, and says what it did.
 *
 * A summary is a two-column table exported as text: "label TAB city's value TAB
 * counterparts' value" rows, or "label TAB value TAB" for rows whose two columns are one
 * merged cell, or the same as an HTML table (<tr>, <td>, <th>); cells may hold HTML (<p>,
 * <b>, <ul>/<li>, entities) or Markdown, lists marked with arrows and circles, and
 * page-break debris. The contact paragraph under the table ("For further information
 * ...") closes it; what follows it and is no contact detail (a page footer) is unplaced.
 * One file holds one summary: a second 'City' row refuses the file. */
#ifndef C2C_UCAP_PAGE_H
#define C2C_UCAP_PAGE_H
#include <jansson.h>
#include <stddef.h>

#define UCAP_PAGE_MAX (1u << 20)   /* bytes; larger files are refused, not truncated */

/* What the caller knows besides the text. Nothing is retained after the call. */
struct ucap_page_options {
	/* Names of the Urban Agenda partnerships (the taxonomy), NULL-terminated. "EU UP ..."
	 * entries are mapped onto them; with NULL every such entry goes to `unplaced`. */
	const char *const *urban_agenda;
};

/* The result of parsing one file. Every member is owned by the struct and released by
 * ucap_page_free(). */
struct ucap_page {
	json_t *content;       /* plan content without city/counterparts/cooperation slugs */
	json_t *counterparts;  /* [name]: the counterparts' cell split into city names */
	json_t *unplaced;      /* ["line 12: text"]: what went to content.unplaced */
	json_t *notes;         /* decisions worth telling the user ("line 3: heading ...") */
	json_t *errors;        /* why the file cannot be imported; empty when it can */
};

/* Parses len bytes (need not be NUL-terminated; any bytes are safe). Fills *up, which the
 * caller frees with ucap_page_free() whatever the result. Returns 0 when the file can be
 * imported, -1 when up->errors says why not (too large, a NUL byte or invalid UTF-8 on a
 * named line, no "City" row or two of them, a section longer than a plan allows). */
int ucap_page_parse(const char *text, size_t len, const struct ucap_page_options *opt,
		    struct ucap_page *up);
void ucap_page_free(struct ucap_page *up);

/* The taxonomy name an "EU UP" entry means, or NULL: folded equality first, then the
 * same words ignoring "&"/"and", "in", "the", "of", punctuation and word order
 * ("Jobs & Skills in Local Economy" -> "Jobs and skills in the local economy").
 * Exposed for the tests. */
const char *ucap_match_partnership(const char *text, const char *const *names);

/* Splits a cell naming several cities or countries into names, appended to `names` (at
 * most 50): "Haikou, Kunming and Zhengzhou", "Spain; Italy & France". Exposed for the
 * import step, which reads the countries of the counterparts. */
void ucap_split_names(const char *s, json_t *names);

#endif
