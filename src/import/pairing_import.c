/* pairing_import.c: the apply step of the pairing-page importer, and its command
 * `c2c import pairing-page`; see pairing_page.h.
 *
 * A parsed page holds partial records: only the facts the page states. Applying it means
 * finding the two cities already stored (by any of their names, ignoring case and
 * accents), laying the page's facts over the stored records, validating the result against
 * the entity descriptors and writing it, then doing the same for the pairing. All of a
 * page is written in one transaction, so a page that fails anywhere leaves the database
 * as it was; and because merged records that mean the same compare equal, importing a page
 * twice reports "unchanged" the second time. */
#include "cmd/cli.h"
#include "core/country.h"
#include "core/record.h"
#include "import/importer.h"
#include "import/pairing_page.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MATCH_MAX 8            /* stored cities one name may match before it is ambiguous */
#define TOPICS_MAX 1000        /* bound on the taxonomy read from the database */

static const char *const flag_for[2] = {"--eu-city", "--partner-city"};
static const char *const country_flag_for[2] = {"--eu-country", "--partner-country"};
static const char *const role_for[2] = {"EU city", "Partner city"};

/* Where a page's work is gathered: the report line, and why it failed. */
struct apply {
	struct db *db;
	const struct pairing_import_options *opt;
	struct pairing_page *page;
	struct buf done;            /* "city nice updated (population), ..." */
	json_t *fails;              /* strings: why the page is refused */
	json_t *city[2];            /* the stored (normalised) cities after the write */
};

/* Why the page is refused, and the store's errors of a refused write. */
#define fail(a, ...) import_msg((a)->fails, __VA_ARGS__)
#define fail_errors(a, what, errs) import_errors((a)->fails, (a)->db, what, errs)

/* ---- cities ---- */

/* Whether a stored city may be the page's: same country, unless one of them has none. */
static int country_agrees(json_t *stored, json_t *page_city)
{
	const char *a = record_str(stored, "country"), *b = record_str(page_city, "country");
	return !a || !b || strcasecmp(a, b) == 0;
}

/* Finds the stored city the page names for side. Sets *old to it (caller decrefs), or to
 * NULL when there is none. Returns -1 after fail() when the name is ambiguous or the
 * database cannot be read. */
static int match_city(struct apply *a, int side, json_t **old)
{
	json_t *page_city = a->page->city[side];
	const char *name = record_str(page_city, "name");
	char *keys[MATCH_MAX];
	struct buf which = BUF_INIT(1024);
	int n = store_match_name(a->db, &entity_city, name, keys, MATCH_MAX), agree = 0;
	*old = NULL;
	for (int i = 0; i < n && i < MATCH_MAX; i++) {
		json_t *rec = NULL;
		if (store_get(a->db, &entity_city, keys[i], &rec) == STORE_OK && country_agrees(rec, page_city)) {
			buf_printf(&which, "%s%s", agree++ ? ", " : "", keys[i]);
			if (!*old)
				*old = json_incref(rec);
		}
		json_decref(rec);
		free(keys[i]);
	}
	if (n < 0)
		fail(a, "cannot look up '%s' in the database", name);
	else if (agree > 1 || n > MATCH_MAX)
		fail(a, "'%s' names several stored cities (%s): give %s CC to tell them apart",
		     name, buf_str(&which), country_flag_for[side]);
	buf_free(&which);
	if (n < 0 || agree > 1 || n > MATCH_MAX) {
		json_decref(*old);
		*old = NULL;
		return -1;
	}
	return 0;
}

/* A slug for a new city: from its name, or with its country added when another city has
 * that slug already. Returns -1 after fail() when there is none to be had. */
static int new_city_slug(struct apply *a, int side, char slug[SLUG_MAX + 1])
{
	json_t *page_city = a->page->city[side], *taken = NULL;
	const char *name = record_str(page_city, "name"), *country = record_str(page_city, "country");
	if (slugify(name, slug)) {
		fail(a, "the name '%s' has no Latin letters to make a slug from: give a Latin name with %s",
		     name, flag_for[side]);
		return -1;
	}
	if (store_get(a->db, &entity_city, slug, &taken) == STORE_NOT_FOUND)
		return 0;
	json_decref(taken);
	char with_country[SLUG_MAX * 2];
	snprintf(with_country, sizeof with_country, "%s %s", slug, country ? country : "");
	if (country && slugify(with_country, slug) == 0 &&
	    store_get(a->db, &entity_city, slug, &taken) == STORE_NOT_FOUND)
		return 0;
	json_decref(taken);
	fail(a, "another city already has the slug '%s': give %s CC if '%s' is a different city",
	     slug, country_flag_for[side], name);
	return -1;
}

/* The page's facts laid over the stored city (a stored city keeps its own name, which
 * the page's matches anyway). Returns a new record, not yet validated. */
static json_t *merge_city(json_t *old, json_t *page_city, const char *slug)
{
	json_t *rec = old ? json_deep_copy(old) : json_object();
	const char *key;
	json_t *value;
	json_object_foreach(page_city, key, value) {
		if (old && strcmp(key, "name") == 0)
			continue;
		json_object_set(rec, key, value);
	}
	if (!old)
		json_object_set_new(rec, "slug", json_string(slug));
	return rec;
}

/* Appends " (a, b)": the fields of e whose values differ between old and rec. */
static void list_changes(struct buf *out, const struct entity *e, json_t *old, json_t *rec)
{
	int n = 0;
	for (size_t i = 0; i < e->nfields; i++) {
		const char *f = e->fields[i].name;
		json_t *was = json_object_get(old, f), *now = json_object_get(rec, f);
		if (was && now && json_equal(was, now))
			continue;
		if ((!was || json_is_null(was)) && (!now || json_is_null(now)))
			continue;
		buf_printf(out, "%s%s", n++ ? ", " : " (", f);
	}
	if (n)
		buf_puts(out, ")");
}

/* Validates and writes one merged record; says what became of it in a->done, calling it
 * noun. Returns the stored record (caller decrefs) or NULL after fail(). */
static json_t *put_record(struct apply *a, const struct entity *e, const char *noun,
			  json_t *merged, json_t *old, const char *what)
{
	struct errors errs;
	json_t *rec = NULL;
	enum put_outcome outcome;
	errors_init(&errs);
	if (record_validate(e, merged, &rec, &errs) ||
	    store_put(a->db, e, rec, &outcome, &errs) != STORE_OK) {
		fail_errors(a, what, &errs);
		json_decref(rec);
		return NULL;
	}
	buf_printf(&a->done, "%s%s %s %s", a->done.len ? ", " : "", noun,
		   record_str(rec, "slug"), import_outcome_word(outcome));
	if (outcome == PUT_UPDATED)
		list_changes(&a->done, e, old, rec);
	return rec;
}

/* Finds or creates the city of one side; a->city[side] holds it after. */
static int apply_city(struct apply *a, int side)
{
	json_t *old = NULL;
	char slug[SLUG_MAX + 1] = "";
	if (match_city(a, side, &old) || (!old && new_city_slug(a, side, slug)))
		return -1;
	json_t *merged = merge_city(old, a->page->city[side], slug);
	char what[300];
	snprintf(what, sizeof what, "%s '%s'", role_for[side], record_str(a->page->city[side], "name"));
	a->city[side] = put_record(a, &entity_city, "city", merged, old, what);
	json_decref(merged);
	json_decref(old);
	return a->city[side] ? 0 : -1;
}

/* ---- the pairing ---- */

static int filter_index(const struct entity *e, const char *param)
{
	for (int i = 0; e->filters && e->filters[i].param; i++)
		if (strcmp(e->filters[i].param, param) == 0)
			return i;
	return -1;
}

static int has_member(json_t *coop, const char *slug)
{
	json_t *members = json_object_get(coop, "members");
	for (size_t i = 0; i < json_array_size(members); i++)
		if (strcmp(json_string_value(json_array_get(members, i)), slug) == 0)
			return 1;
	return 0;
}

/* The stored pairing of the two cities, under any slug; *old NULL when there is none. */
static int find_pairing(struct apply *a, const char *eu, const char *partner, json_t **old)
{
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	int city = filter_index(&entity_cooperation, "city"), kind = filter_index(&entity_cooperation, "kind");
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1];
	long total;
	*old = NULL;
	if (city < 0 || kind < 0)
		return 0;
	q.filter[city] = eu;
	q.filter[kind] = "pairing";
	if (store_list(a->db, &entity_cooperation, &q, &items, next, &total) != STORE_OK) {
		fail(a, "cannot read the pairings of %s", eu);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(items) && !*old; i++) {
		json_t *coop = json_array_get(items, i);
		if (has_member(coop, partner))
			store_get(a->db, &entity_cooperation, record_str(coop, "slug"), old);
	}
	json_decref(items);
	return 0;
}

/* The shortest Latin-lettered name of a city: "Nice" rather than "Métropole Nice Côte
 * d'Azur" when the city has both. */
static const char *short_name(json_t *city)
{
	const char *best = record_str(city, "name");
	char slug[SLUG_MAX + 1];
	json_t *others = json_object_get(city, "other_names");
	for (size_t i = 0; i < json_array_size(others); i++) {
		const char *n = record_str(json_array_get(others, i), "name");
		if (n && strlen(n) < strlen(best) && slugify(n, slug) == 0)
			best = n;
	}
	return best;
}

/* A new pairing of the two stored cities: slug, name, members and their roles. */
static json_t *new_pairing(struct apply *a)
{
	const char *eu = record_str(a->city[PAGE_EU], "slug");
	const char *partner = record_str(a->city[PAGE_PARTNER], "slug");
	char both[SLUG_MAX * 2 + 2], slug[SLUG_MAX + 1];
	struct buf name = BUF_INIT(1024);
	snprintf(both, sizeof both, "%s-%s", eu, partner);
	slugify(both, slug);
	buf_printf(&name, "%s \xE2\x80\x93 %s", short_name(a->city[PAGE_EU]),
		   record_str(a->page->city[PAGE_PARTNER], "name"));
	json_t *rec = json_pack("{sssssss[ss]s[{ssss}{ssss}]ss}", "slug", slug, "kind", "pairing",
				"name", buf_str(&name), "members", eu, partner, "member_roles",
				"city", eu, "role", role_for[PAGE_EU], "city", partner, "role",
				role_for[PAGE_PARTNER], "status", "active");
	buf_free(&name);
	return rec;
}

static const char *note_date(json_t *note)
{
	const char *d = record_str(note, "date");
	return d ? d : "";
}

/* Adds the page's dated notes that the stored history lacks (same date and text), then
 * orders the whole by date, keeping the order of notes of the same date. */
static void merge_history(json_t *history, json_t *page_notes)
{
	for (size_t i = 0; i < json_array_size(page_notes); i++) {
		json_t *note = json_array_get(page_notes, i);
		int known = 0;
		for (size_t k = 0; k < json_array_size(history) && !known; k++)
			known = json_equal(json_array_get(history, k), note);
		if (!known)
			json_array_append(history, note);
	}
	for (size_t i = 1; i < json_array_size(history); i++) {   /* insertion sort: stable */
		json_t *note = json_incref(json_array_get(history, i));
		size_t k = i;
		for (; k > 0 && strcmp(note_date(json_array_get(history, k - 1)), note_date(note)) > 0; k--)
			json_array_set(history, k, json_array_get(history, k - 1));
		json_array_set_new(history, k, note);
	}
}

/* The page's parts of the pairing laid over the stored one (or a new one). The page's
 * description, topics, goals and interests replace the stored ones: the page states the
 * current set. History is a log, which people may have added to since: the page's notes
 * join the stored ones. A start date is only filled in. */
static json_t *merge_pairing(struct apply *a, json_t *old)
{
	json_t *rec = old ? json_deep_copy(old) : new_pairing(a);
	const char *key;
	json_t *value;
	json_object_foreach(a->page->pairing, key, value) {
		json_t *stored = json_object_get(rec, key);
		if (strcmp(key, "start_date") == 0 && stored && !json_is_null(stored))
			continue;
		if (strcmp(key, "history") == 0 && json_is_array(stored))
			merge_history(stored, value);
		else
			json_object_set(rec, key, value);
	}
	if (a->opt->programme)
		json_object_set_new(rec, "programme", json_string(a->opt->programme));
	return rec;
}

/* Appends "<sep>3 topics" for the list field of rec, then makes sep ", "; nothing for an
 * empty list unless always. */
static void count_of(struct buf *out, json_t *rec, const char *field, const char *noun, int always,
		     const char **sep)
{
	size_t n = json_array_size(json_object_get(rec, field));
	if (!n && !always)
		return;
	buf_printf(out, "%s%zu %s%s", *sep, n, noun, n == 1 ? "" : "s");
	*sep = ", ";
}

static int apply_pairing(struct apply *a)
{
	const char *eu = record_str(a->city[PAGE_EU], "slug");
	const char *partner = record_str(a->city[PAGE_PARTNER], "slug");
	json_t *old = NULL;
	if (strcmp(eu, partner) == 0) {
		fail(a, "the EU city and the partner city are the same stored city (%s)", eu);
		return -1;
	}
	if (find_pairing(a, eu, partner, &old))
		return -1;
	json_t *merged = merge_pairing(a, old);
	char what[200];
	snprintf(what, sizeof what, "pairing %s", record_str(merged, "slug"));
	json_t *rec = put_record(a, &entity_cooperation, "pairing", merged, old, what);
	if (rec) {
		const char *sep = " with ";
		count_of(&a->done, rec, "topics", "topic", 1, &sep);
		count_of(&a->done, rec, "sdgs", "goal", 0, &sep);
		count_of(&a->done, rec, "interests", "interest", 1, &sep);
		count_of(&a->done, rec, "history", "history note", 1, &sep);
	}
	json_decref(merged);
	json_decref(old);
	json_decref(rec);
	return rec ? 0 : -1;
}

/* ---- one page ---- */

/* Runs the whole apply step in one write transaction; -1 (rolled back) on any failure. */
static int apply_in_transaction(struct apply *a)
{
	if (db_begin_write(a->db) != DB_OK) {
		fail(a, "cannot start a write transaction: %s", db_errmsg(a->db));
		return -1;
	}
	int rc = apply_city(a, PAGE_EU);
	if (!rc)
		rc = apply_city(a, PAGE_PARTNER);
	if (!rc)
		rc = apply_pairing(a);
	if (!rc && db_commit(a->db) != DB_OK) {
		fail(a, "cannot commit: %s", db_errmsg(a->db));
		rc = -1;
	}
	if (rc)
		db_rollback(a->db);
	return rc;
}

/* The page's report: one line of what was done or why not, then what was not read. */
static void report_page(struct buf *report, const char *label, struct apply *a, int rc)
{
	if (rc == 0)
		buf_printf(report, "%s: %s\n", label, buf_str(&a->done));
	else
		buf_printf(report, "%s: not imported\n", label);
	import_report_list(report, "error", a->fails);
	import_report_list(report, "unknown topic", a->page->unknown_topics);
	import_report_list(report, "not read", a->page->unread);
	import_report_list(report, "note", a->page->notes);
}

int pairing_import_page(struct db *db, const char *label, const char *text, size_t len,
			const struct pairing_import_options *opt, struct buf *report)
{
	struct pairing_page page;
	struct apply a = {.db = db, .opt = opt, .page = &page, .fails = json_array()};
	struct pairing_page_options popt = opt->page;
	char **topics = import_names(db, &entity_topic, TOPICS_MAX);
	int rc = -1;
	buf_init(&a.done, 1 << 16);
	popt.topics = (const char *const *)topics;
	if (pairing_page_parse(text, len, &popt, &page) == 0 && topics)
		rc = apply_in_transaction(&a);
	else if (!topics)
		fail(&a, "cannot read the topics from the database: %s", db_errmsg(db));
	for (size_t i = 0; i < json_array_size(page.errors); i++)
		json_array_append(a.fails, json_array_get(page.errors, i));
	report_page(report, label, &a, rc);
	json_decref(a.city[PAGE_EU]);
	json_decref(a.city[PAGE_PARTNER]);
	json_decref(a.fails);
	buf_free(&a.done);
	pairing_page_free(&page);
	import_names_free(topics);
	return rc;
}

/* ---- the command ---- */

#define CMD "import pairing-page"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: c2c " CMD " [--db FILE|URI] [--eu-city NAME] [--partner-city NAME]\n"
		"           [--eu-country CC] [--partner-country CC] [--programme SLUG] PAGE...\n\n"
		"Reads the text of city-pairing pages and creates or updates the two cities and\n"
		"their pairing. A city already stored is recognised by any of its names. Names\n"
		"missing from a page are given with --eu-city and --partner-city; countries (ISO\n"
		"codes such as FR, CN) tell apart cities of the same name. Each page is imported\n"
		"whole or not at all. Exit status: 0 all pages imported, 1 a page failed, 2 bad usage.\n");
}

/* Checks an ISO country option; returns the upper-cased code in out, or -1. */
static int country_option(const char *value, char out[3])
{
	if (strlen(value) != 2)
		return -1;
	out[0] = (char)toupper((unsigned char)value[0]);
	out[1] = (char)toupper((unsigned char)value[1]);
	out[2] = '\0';
	return country_by_code(out) ? 0 : -1;
}

struct command_options {
	const char *db;
	struct pairing_import_options imp;
	char country[2][3];
};

/* Parses the options; returns 0, or the exit status to leave with. */
static int parse_options(int argc, char **argv, struct command_options *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'}, {"eu-city", required_argument, NULL, 'e'},
		{"partner-city", required_argument, NULL, 'p'}, {"eu-country", required_argument, NULL, 'E'},
		{"partner-country", required_argument, NULL, 'P'}, {"programme", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'e': o->imp.page.eu_name = optarg; break;
		case 'p': o->imp.page.partner_name = optarg; break;
		case 'E': case 'P':
			if (country_option(optarg, o->country[c == 'P']))
				return cli_usage_error(CMD, "%s: '%s' is not an ISO 3166 country code",
						       c == 'E' ? "--eu-country" : "--partner-country", optarg);
			break;
		case 'g':
			if (!is_slug(optarg))
				return cli_usage_error(CMD, "--programme: '%s' is not a slug", optarg);
			o->imp.programme = optarg;
			break;
		case 'h': usage(stdout); return -1;
		default: return cli_usage_error(CMD, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, "no PAGE given");
	o->imp.page.eu_country = o->country[0][0] ? o->country[0] : NULL;
	o->imp.page.partner_country = o->country[1][0] ? o->country[1] : NULL;
	return 0;
}

/* pairing_import_page as import_each_file calls it. */
static int import_one(struct db *db, const char *label, const char *text, size_t len, struct buf *report,
		      const void *opt)
{
	return pairing_import_page(db, label, text, len, opt, report);
}

int import_pairing_page_main(int argc, char **argv)
{
	struct command_options o = {.db = DEFAULT_DB};
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct store *st = cli_open_store(o.db, 0);
	if (!st)
		return 1;
	struct db *db = cli_acquire(st);
	json_t *programme = NULL;
	if (!db) {
		fprintf(stderr, "c2c " CMD ": cannot connect to %s\n", o.db);
		rc = 1;
	} else if (o.imp.programme &&
		   store_get(db, &entity_programme, o.imp.programme, &programme) != STORE_OK) {
		rc = cli_usage_error(CMD, "--programme: no programme '%s' in the database", o.imp.programme);
	} else {
		rc = import_each_file(db, argv + optind, argc - optind, PAIRING_PAGE_MAX, import_one, &o.imp) ? 1 : 0;
	}
	json_decref(programme);
	store_release(st, db);
	store_close(st);
	return rc;
}
