/* pairing_page.h: reading the programme's city-pairing pages ("EU city X paired with Y").
 *
 * Two steps, kept apart so the first can be tested and fuzzed without a database:
 *
 *   pairing_page_parse()   pure: the text of one page -> the facts it states about the two
 *                          cities and their pairing, plus what it could not read;
 *   pairing_import_page()  (pairing_import.c) applies a parsed page to the store in one
 *                          transaction: finds or creates the cities, merges, validates
 *                          and writes, and says what it did.
 *
 * Pages come in several layouts: values with labels ("Population: 1 010 389", "Mayor: ..."),
 * cities named in headers ("EU City: Bonn", "Paired city: Ningbo") or a title line
 * ("Bonn – Ningbo"); or bare values in the order population, area, leader, first for the
 * EU city and then for the paired city, with either name possibly left out. */
#ifndef C2C_PAIRING_PAGE_H
#define C2C_PAIRING_PAGE_H
#include <jansson.h>
#include <stddef.h>

#define PAIRING_PAGE_MAX (2u << 20)   /* bytes; larger pages are refused, not truncated */

enum { PAGE_EU = 0, PAGE_PARTNER = 1 };

/* What the caller knows besides the page. Nothing here is retained after the call. */
struct pairing_page_options {
	const char *const *topics;      /* the topic taxonomy, NULL-terminated; NULL: none */
	const char *eu_name;            /* --eu-city: used when the page has no name, and */
	const char *partner_name;       /*   preferred over the page's when both exist */
	const char *eu_country;         /* --eu-country / --partner-country: ISO codes set */
	const char *partner_country;    /*   on the city records as given (validated later) */
};

/* The facts of one page. Every member is owned by the struct; pairing_page_free()
 * releases them all. The records are partial: they hold only what the page (or an
 * option) says, ready to be merged into stored records. */
struct pairing_page {
	json_t *city[2];        /* [PAGE_EU], [PAGE_PARTNER]: {"name", "population",
				 * "area_km2", "leader", "leader_title", "country", "region"} */
	json_t *pairing;        /* {"description", "interests", "history", "topics", "sdgs",
				 * "start_date"}: only the keys the page gives */
	json_t *unread;         /* strings: lines that could not be placed (footnotes too) */
	json_t *unknown_topics; /* strings: topic-list text that names no known topic */
	json_t *notes;          /* strings: decisions worth telling the user */
	json_t *errors;         /* strings: why the page cannot be imported; empty if it can */
};

/* Parses len bytes of text (need not be NUL-terminated; any bytes are safe). Fills *pp,
 * which the caller frees with pairing_page_free() whatever the result. Returns 0 when the
 * page can be imported and -1 when pp->errors says why not (invalid UTF-8, a number that
 * cannot be read, a city name missing, no values at all). */
int pairing_page_parse(const char *text, size_t len, const struct pairing_page_options *opt,
		       struct pairing_page *pp);
void pairing_page_free(struct pairing_page *pp);

/* Splits a topic list against the taxonomy, case-insensitively, longest name first:
 * "Circular economySmart cities and ...Urban mobility" -> three names. Topics found are
 * appended to `found` (canonical spelling, no repeats), other text to `unknown`. Returns
 * the number of bytes of s covered by topic names. Exposed for the tests. */
size_t pairing_split_topics(const char *s, const char *const *topics, json_t *found,
			    json_t *unknown);

/* ---- apply step (pairing_import.c): needs the store ---- */

struct db;
struct buf;

struct pairing_import_options {
	struct pairing_page_options page;   /* topics are read from the database */
	const char *programme;              /* slug of an existing programme, or NULL */
};

/* Imports the page `label` (a file name, for the report) into db: parses it, then in one
 * write transaction creates or updates the two cities and their pairing. Appends one
 * line per page to `report`, then indented lines for what was not read. Returns 0 when
 * the page was stored and -1 when it was refused, in which case the database is as it
 * was. The transaction is this function's: db must not be inside one. */
int pairing_import_page(struct db *db, const char *label, const char *text, size_t len,
			const struct pairing_import_options *opt, struct buf *report);

#endif
