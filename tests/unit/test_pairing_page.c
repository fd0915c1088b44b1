/* test_pairing_page.c: the pairing-page importer. First the pure parser on the fixture
 * pages in tests/fixtures/pairing (every field checked), then the apply step against a
 * real temporary database (SQLite, or PostgreSQL under scripts/with-postgres): creating,
 * re-importing unchanged, recognising stored cities by another or accent-folded name, and
 * refusing bad pages without a trace. Run from the repository root (meson sets the
 * working directory); the seed page is read from ../shared/seeds when it is there. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/record.h"
#include "import/pairing_page.h"
#include "store/store.h"
#include "util/buf.h"
#include "teststore.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/fixtures/pairing/"

/* The topics of migration 0002, for parser tests that run without a database. */
static const char *const topics[] = {
	"Air quality", "Circular economy", "Climate adaptation", "Culture/cultural heritage",
	"Digital transition", "Education, jobs and skills in the local economy", "Energy transition",
	"Health and well-being", "Housing", "Inclusion of migrants and refugees",
	"Innovative and responsible public procurement", "Integrated urban-rural development",
	"Nature and cultural heritage conservation", "Security in public spaces",
	"Smart cities and regional/urban innovation and competitiveness",
	"Sustainable production/consumption", "Sustainable use of land and nature-based solutions",
	"Tourism", "Urban mobility", "Urban poverty", "Water, waste management and sanitation", NULL,
};

/* ---- helpers ---- */

/* The whole file (caller frees); fails the test when it cannot be read. */
static char *read_fixture(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	char *data = malloc(PAIRING_PAGE_MAX + 1);
	assert_non_null(data);
	*len = fread(data, 1, PAIRING_PAGE_MAX, f);
	fclose(f);
	data[*len] = '\0';
	return data;
}

/* Parses a fixture with the given names from flags; returns the parser's result. */
static int parse_fixture(const char *name, const char *eu, const char *partner, struct pairing_page *pp)
{
	char path[256];
	size_t len;
	snprintf(path, sizeof path, FIXTURES "%s", name);
	char *text = read_fixture(path, &len);
	struct pairing_page_options opt = {.topics = topics, .eu_name = eu, .partner_name = partner};
	int rc = pairing_page_parse(text, len, &opt, pp);
	free(text);
	return rc;
}

static int parse_text(const char *text, struct pairing_page *pp)
{
	struct pairing_page_options opt = {.topics = topics};
	return pairing_page_parse(text, strlen(text), &opt, pp);
}

/* Asserts that list is an array of exactly the given strings, in order (NULL-terminated). */
static void assert_strings(json_t *list, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++) {
		if (n >= json_array_size(list))
			fail_msg("list has %zu items; missing '%s'", json_array_size(list), want[n]);
		assert_string_equal(json_string_value(json_array_get(list, n)), want[n]);
	}
	assert_int_equal(json_array_size(list), n);
}

/* Asserts the exact set of keys of a partial record (NULL-terminated). */
static void assert_keys(json_t *obj, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++)
		if (!json_object_get(obj, want[n]))
			fail_msg("missing key %s", want[n]);
	assert_int_equal(json_object_size(obj), n);
}

static void assert_city(json_t *city, const char *name, long long population, double area,
			const char *leader)
{
	assert_string_equal(record_str(city, "name"), name);
	assert_true(json_is_integer(json_object_get(city, "population")));
	assert_int_equal(record_int(city, "population"), population);
	assert_true(fabs(json_real_value(json_object_get(city, "area_km2")) - area) < 1e-9);
	assert_string_equal(record_str(city, "leader"), leader);
}

static void assert_note(json_t *history, size_t i, const char *date, const char *text_start)
{
	json_t *note = json_array_get(history, i);
	assert_non_null(note);
	assert_string_equal(record_str(note, "date"), date);
	assert_true(strncmp(record_str(note, "text"), text_start, strlen(text_start)) == 0);
}

/* Whether any string of list contains part. */
static int list_mentions(json_t *list, const char *part)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strstr(json_string_value(json_array_get(list, i)), part))
			return 1;
	return 0;
}

/* ---- the parser on the fixtures ---- */

static void test_values_partner_missing(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("01_values_partner_missing.txt", NULL, NULL, &pp), -1);
	assert_strings(pp.errors, (const char *const[]){
		"the partner city's name is not on the page: give it with --partner-city NAME", NULL});
	pairing_page_free(&pp);

	assert_int_equal(parse_fixture("01_values_partner_missing.txt", NULL, "Lianhai", &pp), 0);
	assert_keys(pp.city[PAGE_EU], (const char *const[]){"name", "population", "area_km2", "leader", NULL});
	assert_city(pp.city[PAGE_EU], "M\xC3\xA9tropole Valbonne C\xC3\xB4te Bleue", 612500, 1400, "H\xC3\xA9l\xC3\xA8ne Marchetti");
	assert_keys(pp.city[PAGE_PARTNER], (const char *const[]){"name", "population", "area_km2", "leader", NULL});
	assert_city(pp.city[PAGE_PARTNER], "Lianhai", 1010389, 7434.4, "Zhou Ming");

	json_t *p = pp.pairing;
	assert_keys(p, (const char *const[]){"description", "interests", "history", "topics", "start_date", NULL});
	assert_string_equal(record_str(p, "description"),
			    "Both cities sit on a river delta and have to manage floods, port traffic and fast "
			    "growth of their suburbs. They joined the programme to compare how each plans for "
			    "rising water and how ports can share data with the city.");
	assert_strings(json_object_get(p, "topics"), (const char *const[]){
		"Circular economy", "Urban mobility", "Water, waste management and sanitation",
		"Climate adaptation", NULL});
	assert_strings(json_object_get(p, "interests"), (const char *const[]){
		"Joint monitoring of flood risk with open sensor data",
		"Exchanges between port authorities on electric freight",
		"Training for young engineers in water management", NULL});
	json_t *history = json_object_get(p, "history");
	assert_int_equal(json_array_size(history), 3);
	assert_note(history, 0, "2018-07", "In July 2018, the two mayors signed a letter of intent");
	assert_note(history, 1, "2018-07", "Also in July 2018, a first group of technical staff");
	assert_note(history, 2, "2018-10", "The delegations met again at a climate fair in Rotterdam");
	assert_string_equal(record_str(p, "start_date"), "2018-07");

	/* the footnote is reported as unread; navigation and intro are dropped silently */
	assert_strings(pp.unread, (const char *const[]){
		"*Note: the figures above were supplied by the cities when they applied and may have changed since.", NULL});
	assert_int_equal(json_array_size(pp.unknown_topics), 0);
	assert_int_equal(json_array_size(pp.notes), 0);
	assert_int_equal(json_array_size(pp.errors), 0);
	pairing_page_free(&pp);
}

static void test_values_no_names(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("02_values_no_names.txt", NULL, NULL, &pp), -1);
	assert_strings(pp.errors, (const char *const[]){
		"the EU city's name is not on the page: give it with --eu-city NAME",
		"the partner city's name is not on the page: give it with --partner-city NAME", NULL});
	pairing_page_free(&pp);

	assert_int_equal(parse_fixture("02_values_no_names.txt", "Porto Azul", "San Isidro del Valle", &pp), 0);
	assert_keys(pp.city[PAGE_EU], (const char *const[]){"name", "population", "area_km2", "leader", NULL});
	assert_city(pp.city[PAGE_EU], "Porto Azul", 87300, 1285, "Ana Ribeiro");
	assert_city(pp.city[PAGE_PARTNER], "San Isidro del Valle", 2300000, 3146, "Carlos M\xC3\xA9ndez");
	assert_keys(pp.pairing, (const char *const[]){"description", "topics", NULL});
	assert_strings(json_object_get(pp.pairing, "topics"), (const char *const[]){"Tourism", "Health and well-being", NULL});
	assert_string_equal(record_str(pp.pairing, "description"),
			    "The two coastal towns want to spread visitors more evenly over the year and to "
			    "look after older residents who live alone.");
	assert_int_equal(json_array_size(pp.unread), 0);
	pairing_page_free(&pp);
}

static void test_labelled_header(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("03_labelled_header.txt", NULL, NULL, &pp), 0);
	json_t *eu = pp.city[PAGE_EU], *partner = pp.city[PAGE_PARTNER];
	assert_keys(eu, (const char *const[]){"name", "population", "area_km2", "leader", "leader_title", "country", NULL});
	assert_city(eu, "Kestrelburg", 540000, 1285, "Jana Vogelsang");
	assert_string_equal(record_str(eu, "leader_title"), "Lord Mayor");
	assert_string_equal(record_str(eu, "country"), "DE");
	assert_city(partner, "Ningshan", 2270000, 2305, "Li Wenhua");
	assert_string_equal(record_str(partner, "leader_title"), "Party Secretary");
	assert_string_equal(record_str(partner, "country"), "CN");

	json_t *p = pp.pairing;
	assert_keys(p, (const char *const[]){"description", "history", "topics", "sdgs", "start_date", NULL});
	assert_strings(json_object_get(p, "topics"), (const char *const[]){
		"Energy transition", "Digital transition", "Air quality", NULL});
	json_t *sdgs = json_object_get(p, "sdgs");
	assert_int_equal(json_array_size(sdgs), 3);
	assert_int_equal(json_integer_value(json_array_get(sdgs, 0)), 7);
	assert_int_equal(json_integer_value(json_array_get(sdgs, 2)), 13);
	json_t *history = json_object_get(p, "history");
	assert_int_equal(json_array_size(history), 2);
	assert_note(history, 0, "2019-10-14", "14-18 October 2019, a delegation from Ningshan");
	assert_note(history, 1, "2020-02", "In February 2020, experts from both cities");
	assert_string_equal(record_str(p, "start_date"), "2019-10-14");
	assert_true(strncmp(record_str(p, "description"), "Kestrelburg and Ningshan both heat", 33) == 0);
	assert_int_equal(json_array_size(pp.unread), 0);
	assert_int_equal(json_array_size(pp.notes), 0);
	pairing_page_free(&pp);
}

static void test_title_and_run_together_topics(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("04_title_runtogether.txt", NULL, NULL, &pp), 0);
	assert_city(pp.city[PAGE_EU], "Lindholm", 1010389, 1400, "Sofie Lund");
	assert_string_equal(record_str(pp.city[PAGE_EU], "leader_title"), "Mayor");
	assert_city(pp.city[PAGE_PARTNER], "Puerto Celeste", 2270000, 7434.4, "Marcela Ortiz");
	json_t *p = pp.pairing;
	assert_keys(p, (const char *const[]){"description", "interests", "history", "topics", "start_date", NULL});
	assert_strings(json_object_get(p, "topics"), (const char *const[]){
		"Circular economy", "Smart cities and regional/urban innovation and competitiveness",
		"Urban mobility", NULL});
	assert_strings(pp.unknown_topics, (const char *const[]){"Blue economy and fisheries", NULL});
	assert_strings(json_object_get(p, "interests"), (const char *const[]){
		"Reuse of harbour warehouses for start-ups", "Electric ferries",
		"Shared research on fish stocks", NULL});
	assert_note(json_object_get(p, "history"), 0, "2021-05", "In May 2021, the harbour masters");
	assert_int_equal(json_array_size(json_object_get(p, "history")), 1);
	assert_string_equal(record_str(p, "description"),
			    "Lindholm and Puerto Celeste are both fishing ports turning into service economies. "
			    "They want to learn from each other how to reuse old harbour land.");
	assert_int_equal(json_array_size(pp.unread), 0);
	pairing_page_free(&pp);
}

static void test_bad_number_fails(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("05_bad_number.txt", NULL, "Tianmen", &pp), -1);
	assert_strings(pp.errors, (const char *const[]){
		"cannot read '2 27O 000' as the population of the partner city", NULL});
	pairing_page_free(&pp);
}

static void test_no_values_fails(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("06_no_values.txt", "Aldermoor", "Vila Nova", &pp), -1);
	assert_strings(pp.errors, (const char *const[]){
		"the page gives no population, area or leader for either city", NULL});
	pairing_page_free(&pp);
}

/* ---- the parser on small pages ---- */

static void test_split_topics(void **state)
{
	(void)state;
	json_t *found = json_array(), *unknown = json_array();
	pairing_split_topics("Circular economySmart cities and regional/urban innovation and "
			     "competitivenessUrban mobility", topics, found, unknown);
	assert_strings(found, (const char *const[]){"Circular economy",
		"Smart cities and regional/urban innovation and competitiveness", "Urban mobility", NULL});
	assert_int_equal(json_array_size(unknown), 0);
	json_array_clear(found);
	/* case-insensitive, canonical spelling out, separators of several kinds */
	pairing_split_topics("urban MOBILITY; housing, Air Quality | tourism", topics, found, unknown);
	assert_strings(found, (const char *const[]){"Urban mobility", "Housing", "Air quality", "Tourism", NULL});
	assert_int_equal(json_array_size(unknown), 0);
	json_array_clear(found);
	/* lower-case text run together still splits where a topic starts */
	pairing_split_topics("digital transitionenergy transition", topics, found, unknown);
	assert_strings(found, (const char *const[]){"Digital transition", "Energy transition", NULL});
	json_array_clear(found);
	/* unknown text at the start, between and at the end; repeats counted once */
	pairing_split_topics("Blue growthHousingSpace researchHousingUrban gardens", topics, found, unknown);
	assert_strings(found, (const char *const[]){"Housing", NULL});
	assert_strings(unknown, (const char *const[]){"Blue growth", "Space research", "Urban gardens", NULL});
	json_array_clear(found);
	json_array_clear(unknown);
	/* a topic word inside a longer phrase is not a topic */
	pairing_split_topics("Tourism promotion", topics, found, unknown);
	assert_int_equal(json_array_size(found), 0);
	assert_strings(unknown, (const char *const[]){"Tourism promotion", NULL});
	json_decref(found);
	json_decref(unknown);
}

static void test_number_forms(void **state)
{
	(void)state;
	struct pairing_page pp;
	const char *page = "Aldermoor - Vila Nova\n"
			   "Population: 1.400\nArea: 1285 km\xC2\xB2\nMayor: A. Person\n"
			   "Population: about 2.3 million\nArea: 540 ha\nGovernor: B. Person\n";
	assert_int_equal(parse_text(page, &pp), 0);
	assert_city(pp.city[PAGE_EU], "Aldermoor", 1400, 1285, "A. Person");
	assert_city(pp.city[PAGE_PARTNER], "Vila Nova", 2300000, 5.4, "B. Person");
	assert_string_equal(record_str(pp.city[PAGE_PARTNER], "leader_title"), "Governor");
	pairing_page_free(&pp);

	/* a population is a whole number; an area cannot be a number of people */
	assert_int_equal(parse_text("Aldermoor - Vila Nova\nPopulation: 7 434.4\nArea: 12 inhabitants\n", &pp), -1);
	assert_strings(pp.errors, (const char *const[]){
		"the population of the EU city, '7 434.4', is not a whole number",
		"cannot read '12 inhabitants' as the area of the EU city", NULL});
	pairing_page_free(&pp);
}

/* Both names in a row under the column headings, and labels that head columns: the
 * values then come by position. SDG lines are read too. */
static void test_table_layout(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("07_table_columns.txt", NULL, NULL, &pp), 0);
	assert_keys(pp.city[PAGE_EU], (const char *const[]){"name", "population", "area_km2", "leader", NULL});
	assert_city(pp.city[PAGE_EU], "Aldermoor", 12000, 30, "Tomasz Wierzba");
	assert_city(pp.city[PAGE_PARTNER], "Vila Nova", 45000, 80, "Rosa Aguilar");
	assert_keys(pp.pairing, (const char *const[]){"description", "topics", "sdgs", NULL});
	assert_strings(json_object_get(pp.pairing, "topics"), (const char *const[]){"Housing", "Urban poverty", NULL});
	assert_string_equal(record_str(pp.pairing, "description"),
			    "Two small towns that share a problem: empty flats in the old centre while young "
			    "families cannot find a home.");
	assert_null(json_object_get(pp.city[PAGE_EU], "leader_title"));
	json_t *sdgs = json_object_get(pp.pairing, "sdgs");
	assert_int_equal(json_array_size(sdgs), 2);
	assert_int_equal(json_integer_value(json_array_get(sdgs, 0)), 11);
	assert_int_equal(json_array_size(pp.unread), 0);
	pairing_page_free(&pp);
}

static void test_flag_name_wins(void **state)
{
	(void)state;
	struct pairing_page pp;
	assert_int_equal(parse_fixture("03_labelled_header.txt", "Kestrelburg am See", NULL, &pp), 0);
	assert_string_equal(record_str(pp.city[PAGE_EU], "name"), "Kestrelburg am See");
	assert_strings(pp.notes, (const char *const[]){
		"the page calls the EU city 'Kestrelburg'; used --eu-city 'Kestrelburg am See'", NULL});
	pairing_page_free(&pp);
}

static void test_untrusted_input(void **state)
{
	(void)state;
	struct pairing_page pp;
	const char bad_utf8[] = "Bonn - Ningbo\nPopulation: 1\n\xC3\x28 broken\n";
	assert_int_equal(pairing_page_parse(bad_utf8, sizeof bad_utf8 - 1, NULL, &pp), -1);
	assert_strings(pp.errors, (const char *const[]){"line 3 is not valid UTF-8 text", NULL});
	assert_int_equal(json_object_size(pp.city[PAGE_EU]), 0);
	pairing_page_free(&pp);

	const char with_nul[] = "Bonn - Ningbo\0Population: 1\n";
	assert_int_equal(pairing_page_parse(with_nul, sizeof with_nul - 1, NULL, &pp), -1);
	assert_true(list_mentions(pp.errors, "NUL byte"));
	pairing_page_free(&pp);

	char *big = calloc(PAIRING_PAGE_MAX + 2, 1);
	memset(big, 'a', PAIRING_PAGE_MAX + 1);
	assert_int_equal(pairing_page_parse(big, PAIRING_PAGE_MAX + 1, NULL, &pp), -1);
	assert_true(list_mentions(pp.errors, "larger than"));
	pairing_page_free(&pp);
	free(big);

	assert_int_equal(pairing_page_parse("", 0, NULL, &pp), -1);
	pairing_page_free(&pp);

	/* arbitrary bytes never crash (the fuzz target does this at length) */
	unsigned seed = 12345;
	char noise[4096];
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof noise; i++) {
			seed = seed * 1103515245u + 12345u;
			noise[i] = "0123456789 \n:-\xE2\x80\x93km2Population Area Mayor July 2018 In.*\xC2\xA0"[(seed >> 16) % 48];
		}
		struct pairing_page_options opt = {.topics = topics};
		pairing_page_parse(noise, sizeof noise, &opt, &pp);
		pairing_page_free(&pp);
	}
}

/* The programme's own pairing page, when the seeds are beside the repository. */
static void test_seed_page(void **state)
{
	(void)state;
	glob_t g;
	if (glob("../shared/seeds/000_*.txt", 0, NULL, &g) != 0) {
		skip();
		return;
	}
	size_t len;
	char *text = read_fixture(g.gl_pathv[0], &len);
	globfree(&g);
	struct pairing_page_options opt = {.topics = topics, .partner_name = "Haikou"};
	struct pairing_page pp;
	assert_int_equal(pairing_page_parse(text, len, &opt, &pp), 0);
	assert_city(pp.city[PAGE_EU], "M\xC3\xA9tropole Nice C\xC3\xB4te d'Azur", 540000, 1400, "Christian Estrosi");
	assert_city(pp.city[PAGE_PARTNER], "Haikou", 2270000, 2305, "Ding Hui");
	assert_strings(json_object_get(pp.pairing, "topics"), (const char *const[]){
		"Digital transition", "Education, jobs and skills in the local economy", "Energy transition",
		"Integrated urban-rural development", "Nature and cultural heritage conservation",
		"Smart cities and regional/urban innovation and competitiveness", NULL});
	assert_int_equal(json_array_size(json_object_get(pp.pairing, "interests")), 6);
	json_t *history = json_object_get(pp.pairing, "history");
	assert_int_equal(json_array_size(history), 4);
	assert_note(history, 0, "2018-07", "Representatives from both sides");
	assert_note(history, 3, "2018-11", "In November 2018");
	assert_string_equal(record_str(pp.pairing, "start_date"), "2018-07");
	const char *description = record_str(pp.pairing, "description");
	assert_true(strncmp(description, "Haikou and Nice share", 21) == 0);
	assert_null(strstr(description, "City-to-City"));
	assert_null(strstr(description, "Sustainable Development Goals"));
	assert_null(strstr(description, "Note"));
	assert_int_equal(json_array_size(pp.unread), 1);   /* the footnote */
	assert_int_equal(json_array_size(pp.unknown_topics), 0);
	pairing_page_free(&pp);
	free(text);
}

/* ---- the apply step on a real database ---- */

/* A fresh database per test: an SQLite file, or a PostgreSQL database when the suite runs
 * under scripts/with-postgres (tests/common/testdb.h). */
struct fixture {
	struct teststore ts;
};

static int db_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	teststore_open(&f->ts, 1);
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fixture *f = *state;
	teststore_close(&f->ts);
	free(f);
	return 0;
}

/* Imports a fixture (or text, when name is NULL); the report goes into report. */
static int import(struct fixture *f, const char *name, const char *text, const char *eu,
		  const char *partner, const char *programme, struct buf *report)
{
	struct pairing_import_options opt = {.page = {.eu_name = eu, .partner_name = partner},
					     .programme = programme};
	char path[256];
	size_t len;
	char *data = NULL;
	if (name) {
		snprintf(path, sizeof path, FIXTURES "%s", name);
		data = read_fixture(path, &len);
	}
	buf_reset(report);
	int rc = pairing_import_page(f->ts.db, name ? name : "page", name ? data : text,
				     name ? len : strlen(text), &opt, report);
	free(data);
	return rc;
}

static void put_json(struct fixture *f, const struct entity *e, const char *text)
{
	struct errors errs;
	enum put_outcome outcome;
	json_t *in = json_loads(text, 0, NULL), *rec = NULL;
	assert_non_null(in);
	errors_init(&errs);
	assert_int_equal(record_validate(e, in, &rec, &errs), 0);
	assert_int_equal(store_put(f->ts.db, e, rec, &outcome, &errs), STORE_OK);
	json_decref(in);
	json_decref(rec);
}

static json_t *get(struct fixture *f, const struct entity *e, const char *key)
{
	json_t *rec = NULL;
	assert_int_equal(store_get(f->ts.db, e, key, &rec), STORE_OK);
	return rec;
}

static long count(struct fixture *f, const struct entity *e)
{
	struct list_query q = {.limit = 10};
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total = -1;
	assert_int_equal(store_list(f->ts.db, e, &q, &items, next, &total), STORE_OK);
	json_decref(items);
	return total;
}

static void assert_report(const struct buf *report, const char *want)
{
	if (strcmp(buf_str(report), want) != 0)
		fail_msg("report:\n%s\nwanted:\n%s", buf_str(report), want);
}

static void test_apply_creates_then_unchanged(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 16);
	assert_int_equal(import(f, "03_labelled_header.txt", NULL, NULL, NULL, NULL, &report), 0);
	assert_report(&report, "03_labelled_header.txt: city kestrelburg created, city ningshan created, "
		      "pairing kestrelburg-ningshan created with 3 topics, 3 goals, 0 interests, 2 history notes\n");
	json_t *city = get(f, &entity_city, "kestrelburg");
	assert_int_equal(record_int(city, "population"), 540000);
	assert_string_equal(record_str(city, "country"), "DE");
	assert_string_equal(record_str(city, "world_region"), "Europe");
	assert_string_equal(record_str(city, "leader_title"), "Lord Mayor");
	json_decref(city);
	json_t *pairing = get(f, &entity_cooperation, "kestrelburg-ningshan");
	assert_string_equal(record_str(pairing, "name"), "Kestrelburg \xE2\x80\x93 Ningshan");
	assert_string_equal(record_str(pairing, "kind"), "pairing");
	assert_string_equal(record_str(pairing, "status"), "active");
	assert_string_equal(record_str(pairing, "start_date"), "2019-10-14");
	assert_strings(json_object_get(pairing, "members"), (const char *const[]){"kestrelburg", "ningshan", NULL});
	json_t *roles = json_object_get(pairing, "member_roles");
	assert_string_equal(record_str(json_array_get(roles, 0), "role"), "EU city");
	assert_string_equal(record_str(json_array_get(roles, 1), "city"), "ningshan");
	assert_string_equal(record_str(json_array_get(roles, 1), "role"), "Partner city");
	json_decref(pairing);

	assert_int_equal(import(f, "03_labelled_header.txt", NULL, NULL, NULL, NULL, &report), 0);
	assert_report(&report, "03_labelled_header.txt: city kestrelburg unchanged, city ningshan unchanged, "
		      "pairing kestrelburg-ningshan unchanged with 3 topics, 3 goals, 0 interests, 2 history notes\n");
	assert_int_equal(count(f, &entity_city), 2);
	assert_int_equal(count(f, &entity_cooperation), 1);
	buf_free(&report);
}

/* A stored city is found by another of its names, ignoring case and accents; only the
 * facts the page gives change, and an existing pairing keeps its slug and status. */
static void test_apply_recognises_stored_city(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 16);
	put_json(f, &entity_city, "{\"slug\":\"valbonne\",\"name\":\"Valbonne\",\"country\":\"FR\","
		 "\"other_names\":[{\"name\":\"M\\u00e9tropole Valbonne C\\u00f4te Bleue\",\"lang\":\"fr\"}],"
		 "\"population\":600000,\"area_km2\":1400,\"description\":\"Kept as it was.\"}");
	assert_int_equal(import(f, "01_values_partner_missing.txt", NULL, NULL, "Lianhai", NULL, &report), 0);
	assert_report(&report, "01_values_partner_missing.txt: city valbonne updated (population, leader), "
		      "city lianhai created, pairing valbonne-lianhai created with 4 topics, 3 interests, "
		      "3 history notes\n"
		      "  not read: *Note: the figures above were supplied by the cities when they applied "
		      "and may have changed since.\n");
	json_t *city = get(f, &entity_city, "valbonne");
	assert_string_equal(record_str(city, "name"), "Valbonne");
	assert_string_equal(record_str(city, "description"), "Kept as it was.");
	assert_string_equal(record_str(city, "country"), "FR");
	assert_int_equal(record_int(city, "population"), 612500);
	assert_string_equal(record_str(city, "leader"), "H\xC3\xA9l\xC3\xA8ne Marchetti");
	json_decref(city);
	json_t *pairing = get(f, &entity_cooperation, "valbonne-lianhai");
	assert_string_equal(record_str(pairing, "name"), "Valbonne \xE2\x80\x93 Lianhai");
	json_decref(pairing);

	/* the same page with the name in capitals and without accents, and the partner given
	 * in lower case: the same two cities */
	size_t len;
	char *text = read_fixture(FIXTURES "01_values_partner_missing.txt", &len);
	char *at = strstr(text, "M\xC3\xA9tropole Valbonne C\xC3\xB4te Bleue");
	assert_non_null(at);
	memcpy(at, "METROPOLE VALBONNE COTE BLEUE  ", 31);   /* same byte length: 2 accents */
	assert_int_equal(import(f, NULL, text, NULL, "lianhai", NULL, &report), 0);
	assert_non_null(strstr(buf_str(&report), "page: city valbonne unchanged, city lianhai unchanged, "
				"pairing valbonne-lianhai unchanged"));
	free(text);
	assert_int_equal(count(f, &entity_city), 2);
	buf_free(&report);
}

static void test_apply_finds_pairing_by_members(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 16);
	put_json(f, &entity_programme, "{\"slug\":\"iuc-asia\",\"name\":\"IUC Asia\"}");
	put_json(f, &entity_city, "{\"slug\":\"kestrelburg\",\"name\":\"Kestrelburg\"}");
	put_json(f, &entity_city, "{\"slug\":\"ningshan\",\"name\":\"Ningshan\"}");
	put_json(f, &entity_cooperation, "{\"slug\":\"kestrel-ning\",\"kind\":\"pairing\",\"name\":\"K and N\","
		 "\"members\":[\"kestrelburg\",\"ningshan\"],\"status\":\"completed\",\"start_date\":\"2019\","
		 "\"history\":[{\"date\":\"2019-12\",\"text\":\"A note added by hand.\"}]}");
	assert_int_equal(import(f, "03_labelled_header.txt", NULL, NULL, NULL, "iuc-asia", &report), 0);
	assert_non_null(strstr(buf_str(&report), "pairing kestrel-ning updated ("));
	json_t *pairing = get(f, &entity_cooperation, "kestrel-ning");
	assert_string_equal(record_str(pairing, "status"), "completed");
	assert_string_equal(record_str(pairing, "name"), "K and N");
	assert_string_equal(record_str(pairing, "start_date"), "2019");   /* known already */
	assert_string_equal(record_str(pairing, "programme"), "iuc-asia");
	/* history is a log: the page's notes join the stored one, in date order */
	json_t *history = json_object_get(pairing, "history");
	assert_int_equal(json_array_size(history), 3);
	assert_note(history, 0, "2019-10-14", "14-18 October 2019");
	assert_note(history, 1, "2019-12", "A note added by hand.");
	assert_note(history, 2, "2020-02", "In February 2020");
	json_decref(pairing);
	assert_int_equal(import(f, "03_labelled_header.txt", NULL, NULL, NULL, "iuc-asia", &report), 0);
	assert_non_null(strstr(buf_str(&report), "pairing kestrel-ning unchanged"));
	assert_int_equal(count(f, &entity_cooperation), 1);
	buf_free(&report);
}

static void test_apply_missing_name_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 16);
	assert_int_equal(import(f, "01_values_partner_missing.txt", NULL, NULL, NULL, NULL, &report), -1);
	assert_non_null(strstr(buf_str(&report), "01_values_partner_missing.txt: not imported\n"
				"  error: the partner city's name is not on the page: give it with --partner-city NAME\n"));
	assert_int_equal(count(f, &entity_city), 0);
	assert_int_equal(import(f, "05_bad_number.txt", NULL, NULL, "Tianmen", NULL, &report), -1);
	assert_int_equal(count(f, &entity_city), 0);
	assert_int_equal(count(f, &entity_cooperation), 0);
	buf_free(&report);
}

/* The EU city is written before the partner fails validation: the rollback undoes it. */
static void test_apply_failure_leaves_database_as_it_was(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 16);
	put_json(f, &entity_city, "{\"slug\":\"aldermoor\",\"name\":\"Aldermoor\",\"population\":1000}");
	const char *page = "Aldermoor \xE2\x80\x93 Vila Nova\n"
			   "Population: 2 000\nArea: 10 km2\nMayor: A. Person\n"
			   "Population: 540 000 000\nArea: 20 km2\nMayor: B. Person\n"
			   "In March 2020, the two towns met.\n";
	assert_int_equal(import(f, NULL, page, NULL, NULL, NULL, &report), -1);
	assert_non_null(strstr(buf_str(&report), "page: not imported\n  error: Partner city 'Vila Nova': population must be"));
	json_t *city = get(f, &entity_city, "aldermoor");
	assert_int_equal(record_int(city, "population"), 1000);
	assert_true(json_is_null(json_object_get(city, "leader")));
	json_decref(city);
	assert_int_equal(count(f, &entity_city), 1);
	assert_int_equal(count(f, &entity_cooperation), 0);
	buf_free(&report);
}

static void test_apply_seed_page(void **state)
{
	struct fixture *f = *state;
	glob_t g;
	if (glob("../shared/seeds/000_*.txt", 0, NULL, &g) != 0) {
		skip();
		return;
	}
	size_t len;
	char *text = read_fixture(g.gl_pathv[0], &len);
	globfree(&g);
	put_json(f, &entity_city, "{\"slug\":\"nice\",\"name\":\"Nice\",\"other_names\":"
		 "[{\"name\":\"M\\u00e9tropole Nice C\\u00f4te d'Azur\"}],\"country\":\"FR\"}");
	struct pairing_import_options opt = {.page = {.partner_name = "Haikou"}};
	struct buf report = BUF_INIT(1 << 16);
	assert_int_equal(pairing_import_page(f->ts.db, "000.txt", text, len, &opt, &report), 0);
	assert_non_null(strstr(buf_str(&report), "000.txt: city nice updated (population, area_km2, leader), "
				"city haikou created, pairing nice-haikou created with 6 topics, 6 interests, "
				"4 history notes\n"));
	json_t *pairing = get(f, &entity_cooperation, "nice-haikou");
	assert_string_equal(record_str(pairing, "name"), "Nice \xE2\x80\x93 Haikou");
	json_decref(pairing);
	buf_free(&report);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_partner_missing),
		cmocka_unit_test(test_values_no_names),
		cmocka_unit_test(test_labelled_header),
		cmocka_unit_test(test_title_and_run_together_topics),
		cmocka_unit_test(test_bad_number_fails),
		cmocka_unit_test(test_no_values_fails),
		cmocka_unit_test(test_split_topics),
		cmocka_unit_test(test_number_forms),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_flag_name_wins),
		cmocka_unit_test(test_untrusted_input),
		cmocka_unit_test(test_seed_page),
		cmocka_unit_test_setup_teardown(test_apply_creates_then_unchanged, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_apply_recognises_stored_city, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_apply_finds_pairing_by_members, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_apply_missing_name_stores_nothing, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_apply_failure_leaves_database_as_it_was, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_apply_seed_page, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
