/* test_ucap_page.c: the U-CAP summary importer. First the pure parser on the fixtures in
 * tests/fixtures/ucap (every section, every number and date form, unplaced text kept),
 * on small inline documents, and on hostile input; then the seeds 002 and 003 when
 * ../shared/seeds is there; then the apply step against a real temporary database
 * (SQLite, or PostgreSQL under scripts/with-postgres): creating, re-importing unchanged,
 * recognising stored cities by another name, and refusing a file without a trace. Run
 * from the repository root (meson sets the working directory). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/plan.h"
#include "core/record.h"
#include "import/json_import.h"
#include "import/ucap_import.h"
#include "import/ucap_page.h"
#include "store/plans.h"
#include "store/store.h"
#include "util/buf.h"
#include "teststore.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/fixtures/ucap/"
#define SEEDS "../shared/seeds/"

/* The partnerships of migration 0002, for parser tests that run without a database. */
static const char *const partnerships[] = {
	"Air quality", "Circular economy", "Climate adaptation", "Culture/Cultural heritage",
	"Digital transition", "Energy transition", "Housing", "Inclusion of migrants and refugees",
	"Innovative and responsible public procurement", "Jobs and skills in the local economy",
	"Security in public spaces", "Sustainable use of land and nature-based solutions", "Urban mobility",
	"Urban poverty", "Greening cities", "Sustainable tourism", "Food", "Cities of equality",
	"Water sensitive city", "Building decarbonisation", NULL,
};
static const struct ucap_page_options options = {.urban_agenda = partnerships};

/* ---- helpers ---- */

/* The whole file (caller frees), or NULL when it cannot be opened. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = malloc(UCAP_PAGE_MAX + 2);
	assert_non_null(data);
	*len = fread(data, 1, UCAP_PAGE_MAX + 1, f);
	fclose(f);
	data[*len] = '\0';
	return data;
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, FIXTURES "%s", name);
	char *data = read_file(path, len);
	if (!data)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	return data;
}

/* Parses a fixture, which must be accepted, and checks that plan_validate accepts the
 * content once its city is filled in as the import step would. */
static void parse_fixture(const char *name, struct ucap_page *up)
{
	size_t len;
	char *text = read_fixture(name, &len);
	int rc = ucap_page_parse(text, len, &options, up);
	free(text);
	if (rc)
		fail_msg("%s refused: %s", name, json_string_value(json_array_get(up->errors, 0)));
	json_t *c = json_deep_copy(up->content), *clean = NULL;
	json_object_set_new(c, "city", json_string("x"));
	struct errors errs;
	errors_init(&errs);
	if (plan_validate(c, &clean, &errs))
		fail_msg("%s: plan_validate: %s", name, errs.e[0].message);
	json_decref(c);
	json_decref(clean);
}

static int parse_text(const char *text, struct ucap_page *up)
{
	return ucap_page_parse(text, strlen(text), &options, up);
}

/* The string at a dotted path: "facts.city.name", "activities.2.points.0". */
static const char *str_at(const json_t *obj, const char *path)
{
	const json_t *v = obj;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		v = json_is_array(v) ? json_array_get(v, (size_t)strtoul(key, NULL, 10)) : json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return json_string_value(v);
}

static void assert_str(const json_t *obj, const char *path, const char *want)
{
	const char *got = str_at(obj, path);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: got '%s', wanted '%s'", path, got ? got : "(none)", want);
}

static void assert_ints(json_t *list, const int *want, size_t n)
{
	assert_int_equal(json_array_size(list), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_integer_value(json_array_get(list, i)), want[i]);
}

static void assert_strings(json_t *list, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++) {
		const char *got = json_string_value(json_array_get(list, n));
		if (!got || strcmp(got, want[n]) != 0)
			fail_msg("item %zu: got '%s', wanted '%s'", n, got ? got : "(none)", want[n]);
	}
	assert_int_equal(json_array_size(list), n);
}

static int list_mentions(json_t *list, const char *part)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strstr(json_string_value(json_array_get(list, i)), part))
			return 1;
	return 0;
}

static json_t *activity(json_t *content, size_t i)
{
	return json_array_get(json_object_get(content, "activities"), i);
}

static size_t points(json_t *content, size_t i)
{
	return json_array_size(json_object_get(activity(content, i), "points"));
}

/* A fact of one side: population or area as a number, NAN for "N/A". */
static double fact(json_t *content, const char *side, const char *key)
{
	json_t *v = json_object_get(json_object_get(json_object_get(content, "facts"), side), key);
	if (json_is_string(v) && strcmp(json_string_value(v), "N/A") == 0)
		return NAN;
	assert_true(json_is_number(v));
	return json_number_value(v);
}

/* ---- the fixtures ---- */

/* Tab-separated text: run-together columns, → and ○ markers, page breaks. */
static void test_plain_text_with_page_breaks(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("porto_verde.txt", &up);
	json_t *c = up.content;
	assert_str(c, "title", "Porto Verde with Qingshan and Lanhai");
	assert_str(c, "facts.city.name", "Porto Verde");
	assert_str(c, "facts.city.province", "Costa Azul");
	assert_str(c, "facts.city.country", "Portugal");
	assert_str(c, "facts.counterparts.name", "Qingshan, Lanhai");
	assert_str(c, "facts.counterparts.province", "Fujian, Zhejiang");
	assert_str(c, "facts.counterparts.country", "China");
	assert_strings(up.counterparts, (const char *const[]){"Qingshan", "Lanhai", NULL});
	/* "412.500   N/A" and "96 km² N/A": two columns in one cell */
	assert_true(fact(c, "city", "population") == 412500);
	assert_true(isnan(fact(c, "counterparts", "population")));
	assert_true(fact(c, "city", "area_km2") == 96);
	assert_true(isnan(fact(c, "counterparts", "area_km2")));
	assert_true(list_mentions(up.notes, "line 8: Population: one cell read as"));
	assert_str(c, "period.start", "2019-03");
	assert_str(c, "period.end", "2020-08");
	/* the run-together theme cell split at the key-focus titles; the text stays the key
	 * focus's alone, or the summary would show it twice */
	assert_int_equal(json_array_size(json_object_get(c, "themes")), 3);
	assert_str(c, "themes.0.title", "Blue economy");
	assert_null(str_at(c, "themes.0.text"));
	assert_str(c, "themes.1.title", "Port logistics");
	assert_str(c, "themes.2.title", "Urban greening");
	assert_null(str_at(c, "themes.2.text"));
	assert_str(c, "key_focus",
		   "- **Blue economy** \xE2\x80\x93 Joint research on aquaculture and marine biotechnology start-ups\n"
		   "- **Port logistics** \xE2\x80\x93 Shared standards for green shipping corridors between the three ports\n"
		   "- **Urban greening** \xE2\x80\x93 Planting schemes for heat-exposed districts");
	assert_ints(json_object_get(c, "sdgs"), (const int[]){6, 14}, 2);
	assert_strings(json_object_get(c, "urban_agenda"), (const char *const[]){"Circular economy", "Greening cities", NULL});
	assert_str(c, "key_challenges", "Aligning port authorities that are governed in different ways, and finding "
		   "private partners willing to co-finance the pilot measures.");
	/* a lone tab continues the objectives after a page break */
	assert_str(c, "objectives", "- Start two pilot projects on the waterfront.\n- Exchange port data in a common format.\n"
		   "- Train municipal staff in nature-based design.\n- Open a joint desk for companies entering the other market.");
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 6);
	assert_str(c, "activities.1.date", "2019-05");
	assert_int_equal(points(c, 1), 2);
	assert_str(c, "activities.1.points.1", "Round table with the regional marine research centre.");
	/* a sentence cut by a page break is joined back; "- " lines after it are its points */
	assert_str(c, "activities.2.text", "Workshop in Lanhai on green shipping. The participants compared emission data "
		   "from the three ports and agreed on a shared reporting template for the pilot phase, to be tested in "
		   "the following spring.");
	assert_int_equal(points(c, 2), 2);
	assert_str(c, "activities.2.points.1", "Photo exhibition on both waterfronts.");
	assert_str(c, "activities.3.date", "2020-02");
	assert_int_equal(points(c, 3), 1);
	assert_str(c, "activities.4.date", "2020-06");   /* <u>June 2020</u>: */
	assert_str(c, "activities.5.text", "Closing meeting and a list of lessons learned.");
	assert_null(json_object_get(activity(c, 0), "points"));
	assert_str(c, "results", "- Blue economy: two joint research proposals sent to national funds.\n"
		   "- Port logistics: one reporting template used by all three ports.\n"
		   "- Urban greening: a planting guide in Portuguese and Chinese.");
	assert_str(c, "contact", "Programme office secretariat@example.org");
	assert_null(json_object_get(c, "unplaced"));
	assert_int_equal(json_array_size(up.unplaced), 0);
	ucap_page_free(&up);
}

/* HTML: <b> labels, <p> themes, nested <ul>/<li>, <ol> cut by a page break, entities. */
static void test_html_markup(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("marevento.txt", &up);
	json_t *c = up.content;
	assert_str(c, "title", "Marevento with Tianhu");
	assert_str(c, "facts.city.province", "Liguria Orientale");
	assert_true(fact(c, "city", "population") == 1100000);        /* 1,1million */
	assert_true(fact(c, "counterparts", "population") == 3050000); /* 3.050.000 */
	assert_true(fact(c, "city", "area_km2") == 215);               /* 215km <sup>2</sup> */
	assert_true(fact(c, "counterparts", "area_km2") == 1480);      /* 1.480 km ² */
	assert_str(c, "period.start", "2018-09");                      /* <a href="#">September 2018</a> */
	assert_str(c, "period.end", "2020-03");
	assert_str(c, "themes.0.title", "Cultural heritage & tourism");
	assert_str(c, "themes.0.text", "Digital guides for historic centres");
	assert_str(c, "themes.1.text", "e-bus fleets and charging hubs");   /* &nbsp; */
	assert_str(c, "themes.2.title", "Food");
	assert_ints(json_object_get(c, "sdgs"), (const int[]){4, 7, 8, 12}, 4);   /* SDG7, SDG 4&amp;8, SGD 12 */
	assert_strings(json_object_get(c, "urban_agenda"),
		       (const char *const[]){"Urban mobility", "Culture/Cultural heritage", NULL});
	assert_str(c, "key_focus", "Heritage cities learning from each other\xE2\x80\x99s visitor management, with a "
		   "view to *joint* offers for travellers.");
	assert_str(c, "key_challenges", "Different procurement rules for buses.\n\nSeasonal peaks of visitors in both cities.");
	/* &#8594; and &rarr; are markers like → */
	assert_str(c, "objectives", "- Set up a twinning of the two tourist offices.\n- Test one electric bus line in each city.");
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 3);
	assert_str(c, "activities.0.text", "First video call of the mayors\xE2\x80\x99 offices.");
	assert_str(c, "activities.1.date", "2019-01");
	assert_int_equal(points(c, 1), 2);
	assert_str(c, "activities.1.points.1", "Meeting with the bus operator & the port authority.");
	assert_str(c, "activities.2.text", "Return visit to Tianhu; see the [mission report](https://example.org/report).");
	/* the paragraph after the page break belongs to item 1 */
	assert_str(c, "results", "1. A shared visitor card for both historic centres valid in museums and on public "
		   "transport.\n2. One electric bus line in regular service.\n3. School canteen menus with regional produce.");
	assert_str(c, "contact", "[CITY_desk@example.org](mailto:CITY_desk@example.org)");
	assert_null(json_object_get(c, "unplaced"));
	ucap_page_free(&up);
}

/* Odd numbers, dates and list forms in Markdown text. */
static void test_number_and_date_forms(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("kessel.txt", &up);
	json_t *c = up.content;
	assert_true(fact(c, "city", "population") == 900000);          /* "0,9 million 2.300.000" */
	assert_true(fact(c, "counterparts", "population") == 2300000);
	assert_true(fact(c, "city", "area_km2") == 1400);               /* 1.400 km ² */
	assert_true(fact(c, "counterparts", "area_km2") == 3146);       /* 3146km <sup>2</sup> */
	assert_str(c, "period.start", "2019-04");                       /* From April 2019 to March 2021 */
	assert_str(c, "period.end", "2021-03");
	assert_str(c, "themes.0.title", "Energy-efficient housing");    /* • items */
	assert_str(c, "themes.1.title", "District heating");
	assert_ints(json_object_get(c, "sdgs"), (const int[]){7, 11, 13}, 3);
	assert_strings(json_object_get(c, "urban_agenda"), (const char *const[]){"Energy transition", "Housing", NULL});
	assert_str(c, "key_focus", "Retrofitting **large housing estates** from the *1960s* and *1970s*.");
	/* a last line ending in a tab continues its cell; a blank line starts a paragraph */
	assert_str(c, "key_challenges", "Owners who cannot pay for a retrofit.\n\nTenants who fear higher rents.");
	assert_str(c, "objectives", "1. Compare the building stock.\n2. Agree on two pilot estates.\n   - one in each city");
	assert_str(c, "activities.0.date", "2019-05-14");              /* 14-16 May 2019: */
	assert_str(c, "activities.0.end", "2019-05-16");
	assert_str(c, "activities.1.date", "2020-06");                 /* June – July 2020: */
	assert_str(c, "activities.1.end", "2020-07");
	assert_int_equal(points(c, 1), 1);                             /* an indented "- " */
	assert_str(c, "activities.2.date", "2019-11");                 /* November 2019, no colon */
	assert_str(c, "activities.2.text", "Site visit to the district heating plant.");
	assert_str(c, "activities.3.date", "2021");                    /* 2021: */
	assert_str(c, "results", "1. A retrofit guide for **pre-1970** housing.\n2. Heat maps for *both* cities.");
	assert_str(c, "contact", "Energy agency of Kessel, [m.weber@example.org](mailto:m.weber@example.org)");
	ucap_page_free(&up);
}

/* What fits no section is kept, cleaned of markup, and listed with its line. */
static void test_unplaced_text_is_kept(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("santa_brisa.txt", &up);
	json_t *c = up.content;
	static const char *const want[] = {
		"line 1: Draft for discussion, not for circulation",
		"line 5: Population: about two hundred thousand",
		"line 6: Size (km\xC2\xB2): 12.000.000 km\xC2\xB2",
		"line 7: Budget of the cooperation: \xE2\x82\xAC 40.000 from each city",
		"line 8: Spring 2019 \xE2\x80\x93 Autumn 2020",
		"line 10: Goals",
		"line 10: SDG 19",
		"line 10: EU UP Space Tourism",
		NULL,
	};
	assert_strings(up.unplaced, want);
	const char *unplaced = str_at(c, "unplaced");
	assert_non_null(unplaced);
	for (size_t i = 0; want[i]; i++)
		assert_non_null(strstr(unplaced, strchr(want[i], ':') + 2));
	assert_true(isnan(fact(c, "counterparts", "population")));    /* n/a */
	assert_null(json_object_get(json_object_get(json_object_get(c, "facts"), "city"), "population"));
	assert_null(json_object_get(c, "period"));
	assert_ints(json_object_get(c, "sdgs"), (const int[]){6}, 1);
	assert_strings(json_object_get(c, "urban_agenda"), (const char *const[]){"Water sensitive city", NULL});
	assert_str(c, "themes.0.title", "Water");
	assert_str(c, "themes.0.text", "leak detection in old networks");
	assert_str(c, "contact", "the water office of Santa Brisa");
	assert_true(list_mentions(up.notes, "'EU UP Space Tourism' is no Urban Agenda partnership"));
	assert_true(list_mentions(up.notes, "line 5: Population of the city: cannot be read"));
	ucap_page_free(&up);
}

/* Line ends written CR LF read as LF. */
static void test_crlf(void **state)
{
	(void)state;
	size_t len;
	char *text = read_fixture("marevento.txt", &len);
	struct buf crlf = BUF_INIT(UCAP_PAGE_MAX);
	for (size_t i = 0; i < len; i++)
		buf_puts(&crlf, text[i] == '\n' ? "\r\n" : (char[]){text[i], 0});
	struct ucap_page lf, cr;
	assert_int_equal(ucap_page_parse(text, len, &options, &lf), 0);
	assert_int_equal(ucap_page_parse(crlf.data, crlf.len, &options, &cr), 0);
	assert_true(json_equal(lf.content, cr.content));
	ucap_page_free(&lf);
	ucap_page_free(&cr);
	buf_free(&crlf);
	free(text);
}

/* ---- small documents ---- */

/* A summary of a City row and one more row: "LABEL\tA\tB". */
static int one_row(const char *label, const char *a, const char *b, struct ucap_page *up)
{
	char text[1024];
	snprintf(text, sizeof text, "City:\tAlpha\tBeta\n%s\t%s\t%s\n", label, a, b);
	return parse_text(text, up);
}

static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *label, *text;
		const char *key;
		double want;   /* NAN: "N/A"; -1: not read, kept as unplaced */
	} cases[] = {
		{"Population:", "540.000", "population", 540000},
		{"Population:", "2,3million", "population", 2300000},
		{"Population:", "1 010 389", "population", 1010389},
		{"Population:", "1,25 million inhabitants", "population", 1250000},
		{"Population:", "N/A", "population", NAN},
		{"Population:", "n.a.", "population", NAN},
		{"Population:", "about three million", "population", -1},
		{"Population:", "200 million", "population", -1},   /* over the plan's bound */
		{"Size (km²)", "1.400 km \xC2\xB2", "area_km2", 1400},
		{"Size (km<sup>2</sup>)", "3146km <sup>2</sup>", "area_km2", 3146},
		{"Size (km²)", "612 km2", "area_km2", 612},
		{"Size (km²)", "7 434.4 km\xC2\xB2", "area_km2", 7434.4},
		{"Area:", "250 ha", "area_km2", 2.5},
		{"Size", "96", "area_km2", 96},
		{"Size", "N/A", "area_km2", NAN},
		{"Size", "12 km of coast", "area_km2", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct ucap_page up;
		assert_int_equal(one_row(cases[i].label, cases[i].text, "", &up), 0);
		json_t *v = json_object_get(json_object_get(json_object_get(up.content, "facts"), "city"), cases[i].key);
		if (cases[i].want < 0) {
			if (v)
				fail_msg("'%s' was read; it should be unplaced", cases[i].text);
			assert_int_equal(json_array_size(up.unplaced), 1);
		} else if (isnan(cases[i].want)) {
			assert_string_equal(json_string_value(v), "N/A");
		} else if (!json_is_number(v) || fabs(json_number_value(v) - cases[i].want) > 1e-6) {
			fail_msg("'%s': got %g, wanted %g", cases[i].text, json_number_value(v), cases[i].want);
		}
		ucap_page_free(&up);
	}
}

static void test_dates(void **state)
{
	(void)state;
	struct ucap_page up;
	assert_int_equal(parse_text("City:\tAlpha\tBeta\n"
				    "Period of cooperation\tJune 2018 \xE2\x80\x93 December 2019\t\n"
				    "Activities:\t\xE2\x86\x92 June 2018: a \xE2\x86\x92 <u>October 2019</u>: b "
				    "\xE2\x86\x92 <a href=\"#\">June 2018</a>: c \xE2\x86\x92 November 2019 d "
				    "\xE2\x86\x92 14-18 October 2019: e \xE2\x86\x92 June 2018 \xE2\x80\x93 March 2019: f "
				    "\xE2\x86\x92 2019 was a busy year \xE2\x86\x92 2020: g \xE2\x86\x92 **May 2021**: h "
				    "\xE2\x86\x92 5th of May 2020: i \xE2\x86\x92 1st June 2021 \xE2\x80\x93 3rd of July 2021: j "
				    "\xE2\x86\x92 3 March 2019: k \xE2\x86\x92 Summer 2019: l\n", &up), 0);
	json_t *c = up.content;
	assert_str(c, "period.start", "2018-06");
	assert_str(c, "period.end", "2019-12");
	/* a year inside a sentence is no date, and an undated "→" item beside dated ones is
	 * an activity of its own, not a point of the one before; a season stays text */
	static const char *const dates[][3] = {
		{"2018-06", NULL, "a"}, {"2019-10", NULL, "b"}, {"2018-06", NULL, "c"}, {"2019-11", NULL, "d"},
		{"2019-10-14", "2019-10-18", "e"}, {"2018-06", "2019-03", "f"}, {NULL, NULL, "2019 was a busy year"},
		{"2020", NULL, "g"}, {"2021-05", NULL, "h"}, {"2020-05-05", NULL, "i"}, {"2021-06-01", "2021-07-03", "j"},
		{"2019-03-03", NULL, "k"}, {NULL, NULL, "Summer 2019: l"},
	};
	size_t n = sizeof dates / sizeof *dates;
	assert_int_equal(json_array_size(json_object_get(c, "activities")), n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = activity(c, i);
		assert_null(json_object_get(e, "points"));
		if (dates[i][0])
			assert_string_equal(json_string_value(json_object_get(e, "date")), dates[i][0]);
		else
			assert_null(json_object_get(e, "date"));
		if (dates[i][1])
			assert_string_equal(json_string_value(json_object_get(e, "end")), dates[i][1]);
		else
			assert_null(json_object_get(e, "end"));
		assert_string_equal(json_string_value(json_object_get(e, "text")), dates[i][2]);
	}
	ucap_page_free(&up);
}

static void test_goals(void **state)
{
	(void)state;
	struct ucap_page up;
	assert_int_equal(one_row("Related <u>SDGs</u> and Urban Agenda topics:",
				 "SDG 03 Good Health &amp; Well being SDG11, <p>SDG 9&amp;11</p> SGD 9, Industry, "
				 "Innovation and Infrastructure SDGs 7, 12 and 13 EU UP Jobs &amp; Skills in Local Economy "
				 "EU UP Culture / Cultural Heritage",
				 "", &up), 0);
	assert_ints(json_object_get(up.content, "sdgs"), (const int[]){3, 7, 9, 11, 12, 13}, 6);
	assert_strings(json_object_get(up.content, "urban_agenda"),
		       (const char *const[]){"Jobs and skills in the local economy", "Culture/Cultural heritage", NULL});
	assert_int_equal(json_array_size(up.unplaced), 0);
	ucap_page_free(&up);
}

static void test_partnership_names(void **state)
{
	(void)state;
	assert_string_equal(ucap_match_partnership("Jobs & Skills in Local Economy", partnerships),
			    "Jobs and skills in the local economy");
	assert_string_equal(ucap_match_partnership("Culture / Cultural Heritage", partnerships), "Culture/Cultural heritage");
	assert_string_equal(ucap_match_partnership("urban  MOBILITY", partnerships), "Urban mobility");
	assert_string_equal(ucap_match_partnership("Transition of energy", partnerships), "Energy transition");
	assert_string_equal(ucap_match_partnership("Inclusion of Migrants & Refugees", partnerships),
			    "Inclusion of migrants and refugees");
	assert_null(ucap_match_partnership("Space tourism", partnerships));
	assert_null(ucap_match_partnership("and the", partnerships));
	assert_null(ucap_match_partnership("Housing", NULL));
}

/* Themes: "Title: text" items, a title alone, and a cell that the key focus cannot split. */
static void test_theme_forms(void **state)
{
	(void)state;
	struct ucap_page up;
	assert_int_equal(parse_text("City:\tAlpha\tBeta\n"
				    "Cooperation Themes:\t<ul><li>Mobility: bike lanes</li><li>Air quality \xE2\x80\x93 "
				    "sensors</li><li>Housing</li></ul>\t\n", &up), 0);
	assert_str(up.content, "themes.0.title", "Mobility");
	assert_str(up.content, "themes.0.text", "bike lanes");
	assert_str(up.content, "themes.1.title", "Air quality");
	assert_str(up.content, "themes.1.text", "sensors");
	assert_str(up.content, "themes.2.title", "Housing");
	ucap_page_free(&up);
	/* the key focus names no theme of the cell: the cell stays one theme, the focus text */
	assert_int_equal(parse_text("City:\tAlpha\tBeta\nCooperation Themes:\tPorts Parks\t\n"
				    "Key focus of cooperation themes:\tHarbours \xE2\x80\x93 cleaner ships\t\n", &up), 0);
	assert_int_equal(json_array_size(json_object_get(up.content, "themes")), 1);
	assert_str(up.content, "themes.0.title", "Ports Parks");
	assert_str(up.content, "key_focus", "Harbours \xE2\x80\x93 cleaner ships");
	ucap_page_free(&up);
	/* a split that would give a title longer than a plan allows is no split (fuzz) */
	struct buf doc = BUF_INIT(4096);
	buf_puts(&doc, "City:\tAlpha\tBeta\nCooperation Themes:\tPorts");
	for (int i = 0; i < 60; i++)
		buf_puts(&doc, " harbour");
	buf_puts(&doc, "\t\nKey focus of cooperation themes:\tPorts \xE2\x80\x93 cleaner ships\t\n");
	assert_int_equal(parse_text(buf_str(&doc), &up), 0);
	assert_null(json_object_get(up.content, "themes"));
	assert_true(list_mentions(up.unplaced, "line 2: Ports harbour harbour"));
	assert_str(up.content, "key_focus", "Ports \xE2\x80\x93 cleaner ships");
	ucap_page_free(&up);
	buf_free(&doc);
}

static void test_refused(void **state)
{
	(void)state;
	struct ucap_page up;
	assert_int_equal(parse_text("City:\tAlpha\tBeta\nCountry:\tX\tY\nPopulation:\t\xff\n", &up), -1);
	assert_string_equal(json_string_value(json_array_get(up.errors, 0)), "line 3 is not valid UTF-8 text");
	ucap_page_free(&up);
	assert_int_equal(ucap_page_parse("City:\tA\tB\nCountry:\t\0X\n", 22, &options, &up), -1);
	assert_true(list_mentions(up.errors, "line 2 holds a NUL byte"));
	ucap_page_free(&up);
	assert_int_equal(parse_text("Country:\tFrance\tChina\n", &up), -1);
	assert_true(list_mentions(up.errors, "no 'City' row"));
	ucap_page_free(&up);
	char *big = calloc(UCAP_PAGE_MAX + 2, 1);
	assert_non_null(big);
	memset(big, 'a', UCAP_PAGE_MAX + 1);
	assert_int_equal(ucap_page_parse(big, UCAP_PAGE_MAX + 1, &options, &up), -1);
	assert_true(list_mentions(up.errors, "larger than"));
	ucap_page_free(&up);
	free(big);
}

/* Parses hostile text: it may be refused, but what is accepted must be a valid plan. */
static void parse_hostile(const char *text, size_t len)
{
	struct ucap_page up;
	if (ucap_page_parse(text, len, &options, &up) == 0) {
		json_t *c = json_deep_copy(up.content), *clean = NULL;
		json_object_set_new(c, "city", json_string("x"));
		struct errors errs;
		errors_init(&errs);
		if (plan_validate(c, &clean, &errs))
			fail_msg("accepted content is not a valid plan: %s", errs.e[0].message);
		json_decref(c);
		json_decref(clean);
	} else {
		assert_true(json_array_size(up.errors) > 0);
	}
	ucap_page_free(&up);
}

/* A large text made of a head and a piece repeated until `size` bytes. */
static char *repeated(const char *head, const char *piece, size_t size)
{
	struct buf b = BUF_INIT(size + 4096);
	buf_puts(&b, head);
	while (b.len + strlen(piece) < size)
		buf_puts(&b, piece);
	return buf_detach(&b);
}

static void test_hostile_input(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"<ul>", "<li>\xE2\x86\x92 June 2018: x ", "\xE2\x86\x92 ", "<!--", "<a href=\"", "&#x110000;&#0;&#55296;",
		"\n\t", "SDG 99 ", "EU UP ", "<b>", "\xE2\x97\x8B June 2018: ", "- 2018: ", "June 2018 \xE2\x80\x93 ",
		"Title \xE2\x80\x93 ", "\r\n", "\x01\x7f", "<sup>2</sup>", "1. ",
	};
	for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
		char *text = repeated("City:\tA\tB\nActivities:\t", pieces[i], 200000);
		parse_hostile(text, strlen(text));
		free(text);
		text = repeated("City:\tA\tB\nCooperation Themes:\tone two three\t\nKey focus:\t", pieces[i], 20000);
		parse_hostile(text, strlen(text));
		free(text);
	}
	static const char *const docs[] = {
		"", "\n\n\n", "\t\t\t", "City:", "City:\t\t", "City:\t<b>\t</b>", "City:\tA\tB\nSDGs:\tSDG",
		"City:\tA\tB\n<", "City:\tA\tB\nActivities:\t<li>", "For further information", "City:\tA\xC2\xA0\tB\xC2",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		parse_hostile(docs[i], strlen(docs[i]));
}

/* The timeline's levels: "-" under "→" (after a page break) and "-" under a dated "-"
 * are points; an undated "-" that starts like an entry ("Autumn 2019:") is one. */
static void test_timeline_levels(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("vallon.txt", &up);
	json_t *c = up.content;
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 5);
	assert_str(c, "activities.1.date", "2019-05");
	assert_str(c, "activities.1.text", "Study visit to the Shuilin treatment plant, with the port authority and the "
		   "regional water agency taking part.");
	assert_int_equal(points(c, 1), 2);
	assert_str(c, "activities.1.points.1", "A list of three reuse sites.");
	assert_str(c, "activities.2.date", "2019-09");
	assert_int_equal(points(c, 2), 1);
	assert_str(c, "activities.2.points.0", "Round table with hotel owners on the off-season.");
	assert_null(json_object_get(activity(c, 3), "date"));
	assert_str(c, "activities.3.text", "Autumn 2019: Online seminar series on water tariffs.");
	assert_str(c, "activities.4.date", "2020-06");
	/* themes told apart by the key focus keep their titles only */
	assert_str(c, "themes.1.title", "Coastal tourism");
	assert_null(str_at(c, "themes.1.text"));
	assert_str(c, "key_focus", "- **Water reuse** \xE2\x80\x93 Treated water for parks and farms near the coast\n"
		   "- **Coastal tourism** \xE2\x80\x93 Off-season offers that spread visitors over the year");
	ucap_page_free(&up);
}

/* After the contact's address, a phone number still belongs to it; a footer does not. */
static void test_contact_then_footer(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("vallon.txt", &up);
	assert_str(up.content, "contact", "Vallon international office, intl@vallon.example.org +33 4 00 00 00 00");
	assert_strings(up.unplaced, (const char *const[]){"line 33: Page 2 of 2",
		       "line 35: Prepared with support from the programme's cooperation fund.", NULL});
	assert_true(list_mentions(up.notes, "line 33: text after the contact kept as unplaced"));
	ucap_page_free(&up);
	/* a label row after the contact is read as a row again */
	assert_int_equal(parse_text("City:\tAlpha\tBeta\nFor further information, please contact:\nDesk of Alpha\n"
				    "Population:\t12.000\t30.000\n", &up), 0);
	assert_str(up.content, "contact", "Desk of Alpha");
	assert_true(fact(up.content, "counterparts", "population") == 30000);
	ucap_page_free(&up);
}

/* Two summaries joined in one file (cat a b > both) are refused, not read as one. */
static void test_two_summaries_refused(void **state)
{
	(void)state;
	size_t la, lb;
	char *a = read_fixture("kessel.txt", &la), *b = read_fixture("vallon.txt", &lb);
	struct buf both = BUF_INIT(UCAP_PAGE_MAX);
	buf_append(&both, a, la);
	buf_append(&both, b, lb);
	struct ucap_page up;
	assert_int_equal(ucap_page_parse(both.data, both.len, &options, &up), -1);
	assert_strings(up.errors, (const char *const[]){"two summaries in one file: line 28 starts another (its "
		       "'City' row; the first is on line 2); import them as separate files", NULL});
	ucap_page_free(&up);
	buf_free(&both);
	free(a);
	free(b);
}

/* An HTML table: <tr> rows, <td>/<th> cells on one line or several, a cell spanning
 * lines, a one-cell heading row; ordinal dates; "1) ... 2) ..." run together. */
static void test_html_table(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_fixture("shuilin.txt", &up);
	json_t *c = up.content;
	assert_str(c, "title", "Shuilin with Vallon and Aldea Nova");
	assert_strings(up.counterparts, (const char *const[]){"Vallon", "Aldea Nova", NULL});
	assert_str(c, "facts.city.province", "Nanhai Coast");
	assert_str(c, "facts.counterparts.province", "Var Littoral, Minho Alto");
	assert_str(c, "facts.counterparts.country", "France, Portugal");
	assert_true(fact(c, "city", "population") == 1200000);
	assert_true(fact(c, "city", "area_km2") == 1530);
	assert_true(isnan(fact(c, "counterparts", "area_km2")));
	assert_str(c, "period.start", "2019-03");
	assert_str(c, "themes.1.text", "visitors outside the summer");
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 4);
	assert_str(c, "activities.0.date", "2019-05-05");               /* 5th of May 2019 */
	assert_int_equal(points(c, 1), 1);                             /* &#9675; in a nested <ul> */
	assert_null(json_object_get(activity(c, 2), "date"));
	assert_str(c, "activities.2.text", "Summer 2019: Summer school for young engineers from the three cities.");
	assert_str(c, "activities.3.date", "2020-03-03");
	assert_str(c, "results", "1. A shared test bench for treated water\n2. Two exchange placements for engineers");
	assert_str(c, "contact", "[office@shuilin.example.cn](mailto:office@shuilin.example.cn)");
	assert_true(list_mentions(up.notes, "line 2: heading 'Urban Cooperation Action Plan (U-CAP) Summary' skipped"));
	assert_int_equal(json_array_size(up.unplaced), 0);
	ucap_page_free(&up);
	/* the one-line table of the report */
	assert_int_equal(parse_text("<tr><td>City:</td><td>Haikou</td><td>Nice</td></tr><tr><th>Country:</th>"
				    "<td>China</td><td>France</td></tr>", &up), 0);
	assert_str(up.content, "facts.city.name", "Haikou");
	assert_str(up.content, "facts.counterparts.name", "Nice");
	assert_str(up.content, "facts.counterparts.country", "France");
	ucap_page_free(&up);
}

/* ---- the seeds, when they are there ---- */

/* Reads the seed matching pattern; NULL (and the test skipped) when it is not there. */
static char *read_seed(const char *pattern, size_t *len, char *path, size_t size)
{
	glob_t g;
	char *text = NULL;
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc == 1) {
		snprintf(path, size, "%s", g.gl_pathv[0]);
		text = read_file(path, len);
	}
	globfree(&g);
	return text;
}

static void parse_seed(const char *pattern, struct ucap_page *up)
{
	size_t len;
	char path[512];
	char *text = read_seed(pattern, &len, path, sizeof path);
	if (!text)
		skip();
	assert_int_equal(ucap_page_parse(text, len, &options, up), 0);
	free(text);
}

static size_t all_points(json_t *content)
{
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(json_object_get(content, "activities")); i++)
		n += points(content, i);
	return n;
}

static void test_seed_002(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_seed(SEEDS "002_*.txt", &up);
	json_t *c = up.content;
	assert_str(c, "title", "M\xC3\xA9tropole Nice C\xC3\xB4te d'Azur with Haikou, Kunming and Zhengzhou");
	assert_str(c, "facts.city.name", "M\xC3\xA9tropole Nice C\xC3\xB4te d'Azur");
	assert_strings(up.counterparts, (const char *const[]){"Haikou", "Kunming", "Zhengzhou", NULL});
	assert_true(fact(c, "city", "population") == 540000);
	assert_true(fact(c, "city", "area_km2") == 1400);
	assert_true(isnan(fact(c, "counterparts", "population")));
	assert_str(c, "period.start", "2018-06");
	assert_str(c, "period.end", "2019-12");
	assert_int_equal(json_array_size(json_object_get(c, "themes")), 4);
	assert_str(c, "themes.1.title", "eHealth and silver economy");
	assert_str(c, "themes.2.title", "Energy & clean technology");
	assert_str(c, "themes.3.title", "Tourism & Culture");
	assert_null(str_at(c, "themes.1.text"));    /* the key focus has it */
	assert_non_null(strstr(str_at(c, "key_focus"), "Living Lab 27 Delvalle with China\n"));
	assert_ints(json_object_get(c, "sdgs"), (const int[]){3, 7, 11}, 3);
	assert_strings(json_object_get(c, "urban_agenda"),
		       (const char *const[]){"Jobs and skills in the local economy", "Energy transition", NULL});
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 12);
	assert_int_equal(points(c, 2), 4);    /* July 2018 */
	assert_int_equal(points(c, 3), 2);    /* September 2018, after the page break */
	assert_int_equal(points(c, 4), 1);    /* November 2018: the video interview */
	assert_int_equal(points(c, 5), 2);    /* April 2019 */
	assert_int_equal(all_points(c), 9);
	assert_non_null(strstr(str_at(c, "activities.3.text"), "French Tech C\xC3\xB4te d'Azur, the Mediterranean Institute"));
	assert_str(c, "activities.7.date", "2019-10");
	assert_str(c, "activities.11.date", "2020-03");
	assert_int_equal(strncmp(str_at(c, "objectives"), "- Launch concrete", 17), 0);
	assert_non_null(strstr(str_at(c, "results"), "\n- Connectivity: "));
	assert_non_null(strstr(str_at(c, "contact"), "office@iuc-asia.eu"));
	assert_non_null(str_at(c, "key_challenges"));
	assert_null(json_object_get(c, "unplaced"));
	ucap_page_free(&up);
}

static void test_seed_003(void **state)
{
	(void)state;
	struct ucap_page up;
	parse_seed(SEEDS "003_*.txt", &up);
	json_t *c = up.content;
	assert_str(c, "title", "Haikou with Nice, Granada and Rome");
	assert_true(fact(c, "city", "population") == 2300000);
	assert_true(fact(c, "city", "area_km2") == 3146);
	assert_str(c, "period.start", "2018-07");
	assert_str(c, "period.end", "2019-11");
	assert_int_equal(json_array_size(json_object_get(c, "themes")), 4);
	assert_str(c, "themes.0.title", "Health Care and Biotechnology");
	assert_str(c, "themes.0.text", "Cluster-to-cluster cooperation on health services");
	assert_ints(json_object_get(c, "sdgs"), (const int[]){9, 11}, 2);
	assert_strings(json_object_get(c, "urban_agenda"), (const char *const[]){"Culture/Cultural heritage", "Urban mobility", NULL});
	assert_int_equal(json_array_size(json_object_get(c, "activities")), 6);
	assert_int_equal(points(c, 1), 2);
	assert_int_equal(points(c, 3), 2);
	assert_int_equal(all_points(c), 4);
	assert_non_null(strstr(str_at(c, "results"), "Industry Park (national level industry park) with Granada, Rome, Nice"));
	assert_non_null(strstr(str_at(c, "results"), "\n6. Involvement"));
	assert_str(c, "contact", "[IUC-ASIA_office@iuc-asia.eu](mailto:IUC-ASIA_office@iuc-asia.eu)");
	assert_null(json_object_get(c, "unplaced"));
	ucap_page_free(&up);
}

/* ---- the apply step, on a real database ---- */

struct fixture {
	struct teststore ts;
};

static int db_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	teststore_open(&f->ts, 1);
	db_set_actor(f->ts.db, "tester", "cli");
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
static int import(struct fixture *f, const char *name, const char *text, struct buf *report)
{
	size_t len = 0;
	char *data = name ? read_fixture(name, &len) : NULL;
	char label[256];
	snprintf(label, sizeof label, FIXTURES "%s", name ? name : "inline.txt");
	buf_reset(report);
	int rc = ucap_import_file(f->ts.db, label, data ? data : text, data ? len : strlen(text), report);
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

static json_t *get_plan(struct fixture *f, const char *slug)
{
	json_t *doc = NULL;
	assert_int_equal(store_plan_get(f->ts.db, slug, 0, &doc), STORE_OK);
	return doc;
}

static void assert_line(const struct buf *report, const char *want)
{
	if (!strstr(buf_str(report), want))
		fail_msg("report:\n%s\nlacks:\n%s", buf_str(report), want);
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

static void test_import_creates_then_unchanged(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	assert_int_equal(import(f, "porto_verde.txt", NULL, &report), 0);
	assert_line(&report, FIXTURES "porto_verde.txt: plan porto-verde created (revision 1); cities porto-verde "
		    "(created), qingshan (created), lanhai (created)\n");
	assert_line(&report, "  sections: City and counterparts, Period of cooperation, Cooperation themes, Related SDGs "
		    "and Urban Agenda topics, Key focus of cooperation themes, Key challenges, Main objectives, Activities "
		    "and key outputs, Expected results and benefits, Contact for further information\n");
	json_t *city = NULL;
	assert_int_equal(store_get(f->ts.db, &entity_city, "qingshan", &city), STORE_OK);
	assert_string_equal(record_str(city, "country"), "CN");
	json_decref(city);
	json_t *doc = get_plan(f, "porto-verde");
	assert_string_equal(json_string_value(json_object_get(doc, "message")), "imported from porto_verde.txt");
	assert_string_equal(json_string_value(json_object_get(doc, "author")), "tester");
	json_t *c = json_object_get(doc, "content");
	assert_str(c, "city", "porto-verde");
	assert_strings(json_object_get(c, "counterparts"), (const char *const[]){"qingshan", "lanhai", NULL});
	assert_null(json_object_get(c, "cooperation"));
	json_decref(doc);
	/* again: nothing changes */
	assert_int_equal(import(f, "porto_verde.txt", NULL, &report), 0);
	assert_line(&report, "plan porto-verde unchanged (revision 1); cities porto-verde (found), qingshan (found), "
		    "lanhai (found)\n");
	assert_int_equal(count(f, &entity_city), 3);
	buf_free(&report);
}

static void test_import_recognises_stored_cities(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	put_json(f, &entity_city, "{\"slug\":\"mare\",\"name\":\"Comune di Marevento\",\"country\":\"IT\","
		 "\"other_names\":[{\"name\":\"Marevento\"}]}");
	put_json(f, &entity_city, "{\"slug\":\"tianhu\",\"name\":\"TIANHU\",\"country\":\"CN\"}");
	put_json(f, &entity_cooperation, "{\"slug\":\"mare-tianhu\",\"kind\":\"pairing\",\"name\":\"Marevento \xE2\x80\x93 "
		 "Tianhu\",\"members\":[\"mare\",\"tianhu\"]}");
	assert_int_equal(import(f, "marevento.txt", NULL, &report), 0);
	assert_line(&report, "marevento.txt: plan mare created (revision 1); cities mare (found), tianhu (found); "
		    "cooperation mare-tianhu\n");
	json_t *doc = get_plan(f, "mare");
	assert_str(json_object_get(doc, "content"), "cooperation", "mare-tianhu");
	json_decref(doc);
	assert_int_equal(count(f, &entity_city), 2);
	buf_free(&report);
}

/* Another city's plan has the slug: the new plan takes the next one; unplaced is reported. */
static void test_import_slug_taken(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	struct errors errs;
	enum put_outcome outcome;
	int revision;
	errors_init(&errs);
	put_json(f, &entity_city, "{\"slug\":\"other\",\"name\":\"Other\"}");
	json_t *content = json_pack("{s:s, s:s}", "title", "Other's plan", "city", "other");
	assert_int_equal(store_plan_save(f->ts.db, "santa-brisa", content, "by hand", -1, &outcome, &revision, &errs), STORE_OK);
	json_decref(content);
	assert_int_equal(import(f, "santa_brisa.txt", NULL, &report), 0);
	assert_line(&report, "plan santa-brisa-2 created (revision 1)");
	assert_line(&report, "  unplaced: line 7: Budget of the cooperation: \xE2\x82\xAC 40.000 from each city\n");
	assert_line(&report, "  empty: Period of cooperation, Key focus of cooperation themes, Key challenges, Main "
		    "objectives, Expected results and benefits\n");
	json_t *doc = get_plan(f, "santa-brisa-2");
	assert_non_null(strstr(str_at(json_object_get(doc, "content"), "unplaced"), "EU UP Space Tourism"));
	json_decref(doc);
	assert_int_equal(import(f, "santa_brisa.txt", NULL, &report), 0);
	assert_line(&report, "plan santa-brisa-2 unchanged (revision 1)");
	buf_free(&report);
}

/* A file that fails after some of its work leaves nothing behind. */
static void test_import_refused_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	assert_int_equal(import(f, NULL, "City:\tNeustadt\t\xE9\x9D\x92\xE5\xB1\xB1\nCountry:\tGermany\tChina\n", &report), -1);
	assert_line(&report, "inline.txt: not imported\n");
	assert_line(&report, "  error: the city '\xE9\x9D\x92\xE5\xB1\xB1' has no Latin letters");
	assert_int_equal(count(f, &entity_city), 0);
	assert_int_equal(import(f, NULL, "City:\tNeustadt\tAltdorf\nFor further information, please contact:\nx@example.org\n"
			       "City:\tAltdorf\tNeustadt\n", &report), -1);
	assert_line(&report, "  error: two summaries in one file: line 4 starts another");
	assert_int_equal(count(f, &entity_city), 0);
	assert_int_equal(import(f, NULL, "City:\tNeustadt\tX\nPopulation:\t\xc3\x28\n", &report), -1);
	assert_line(&report, "  error: line 2 is not valid UTF-8 text\n");
	json_t *plans = NULL;
	struct list_query q = {.limit = 10};
	char next[SLUG_MAX * 4 + 1];
	long total;
	assert_int_equal(store_plan_list(f->ts.db, &q, &plans, next, &total), STORE_OK);
	assert_int_equal(json_array_size(plans), 0);
	json_decref(plans);
	buf_free(&report);
}

/* The seeds into the demo directory: Nice's and Haikou's plans, with their clusters. */
static void test_import_seeds(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char path[2][512];
	char *text[2] = {read_seed(SEEDS "002_*.txt", &len, path[0], sizeof path[0]),
			 read_seed(SEEDS "003_*.txt", &len, path[1], sizeof path[1])};
	int missing = !text[0] || !text[1];
	free(text[0]);
	free(text[1]);
	if (missing)
		skip();
	json_t *demo = json_load_file("data/demo.json", 0, NULL);
	assert_non_null(demo);
	json_object_del(demo, "plans");
	FILE *null = fopen("/dev/null", "w");
	assert_int_equal(json_import_doc(f->ts.db, demo, "demo", null, null), 0);
	fclose(null);
	json_decref(demo);
	struct buf report = BUF_INIT(1 << 20);
	for (int i = 0; i < 2; i++) {
		char *data = read_file(path[i], &len);
		buf_reset(&report);
		assert_int_equal(ucap_import_file(f->ts.db, path[i], data, len, &report), 0);
		free(data);
		assert_null(strstr(buf_str(&report), "unplaced:"));
		assert_null(strstr(buf_str(&report), "empty:"));
		assert_line(&report, i == 0 ? "plan nice created (revision 1); cities nice (found), haikou (found), kunming "
				  "(found), zhengzhou (found); cooperation nice-china-cluster\n"
				: "plan haikou created (revision 1); cities haikou (found), nice (found), granada (found), "
				  "rome (found); cooperation haikou-eu-cluster\n");
	}
	buf_free(&report);
}

/* The stored cities (a new array), to compare before and after. */
static json_t *all_cities(struct fixture *f)
{
	struct list_query q = {.limit = 100};
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1];
	long total;
	assert_int_equal(store_list(f->ts.db, &entity_city, &q, &items, next, &total), STORE_OK);
	return items;
}

static json_t *get_city(struct fixture *f, const char *slug)
{
	json_t *rec = NULL;
	if (store_get(f->ts.db, &entity_city, slug, &rec) != STORE_OK)
		fail_msg("city %s is not stored", slug);
	return rec;
}

static void assert_number(json_t *rec, const char *key, double want)
{
	json_t *v = json_object_get(rec, key);
	if (!json_is_number(v) || fabs(json_number_value(v) - want) > 1e-6)
		fail_msg("%s: got %g, wanted %g", key, json_number_value(v), want);
}

/* Importing both again changes nothing: plans unchanged, cities as they were. */
static void assert_reimport_unchanged(struct fixture *f, const char *a, const char *b)
{
	struct buf report = BUF_INIT(1 << 20);
	json_t *before = all_cities(f);
	assert_int_equal(import(f, a, NULL, &report), 0);
	assert_line(&report, "unchanged (revision 1)");
	assert_int_equal(import(f, b, NULL, &report), 0);
	assert_line(&report, "unchanged (revision 1)");
	json_t *after = all_cities(f);
	assert_true(json_equal(before, after));
	json_decref(before);
	json_decref(after);
	buf_free(&report);
}

/* "Vallon" in a later summary is the stored "Métropole Vallon Côte Bleue": one city. The
 * cities the import creates get the facts stated for them alone. */
static void test_import_city_by_words(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	assert_int_equal(import(f, "vallon.txt", NULL, &report), 0);
	assert_line(&report, "plan metropole-vallon-cote-bleue created (revision 1); cities metropole-vallon-cote-bleue "
		    "(created), shuilin (created)\n");
	assert_int_equal(import(f, "shuilin.txt", NULL, &report), 0);
	assert_line(&report, "plan shuilin created (revision 1); cities shuilin (found), metropole-vallon-cote-bleue "
		    "(found), aldea-nova (created)\n");
	assert_line(&report, "  note: 'Vallon' taken as the city M\xC3\xA9tropole Vallon C\xC3\xB4te Bleue "
		    "(metropole-vallon-cote-bleue): a word of its name\n");
	assert_line(&report, "  note: city shuilin is kept as stored; the summary gives area (km\xC2\xB2) 1530 (stored: 1500)\n");
	assert_int_equal(count(f, &entity_city), 3);
	json_t *c = get_city(f, "metropole-vallon-cote-bleue");
	assert_string_equal(record_str(c, "country"), "FR");
	assert_string_equal(record_str(c, "region"), "Var Littoral");
	assert_number(c, "population", 380000);
	assert_number(c, "area_km2", 720);
	assert_str(c, "other_names.0.name", "Vallon C\xC3\xB4te Bleue");   /* without "Métropole" */
	json_decref(c);
	c = get_city(f, "shuilin");                  /* the one counterpart of vallon.txt */
	assert_string_equal(record_str(c, "region"), "Nanhai Coast");
	assert_number(c, "population", 1200000);
	assert_number(c, "area_km2", 1500);
	json_decref(c);
	c = get_city(f, "aldea-nova");               /* one of two: its own province and country */
	assert_string_equal(record_str(c, "region"), "Minho Alto");
	assert_string_equal(record_str(c, "country"), "PT");
	assert_true(json_is_null(json_object_get(c, "population")));
	json_decref(c);
	assert_reimport_unchanged(f, "vallon.txt", "shuilin.txt");
	buf_free(&report);
}

/* The other order: "Métropole Vallon Côte Bleue" is the stored "Vallon", whose facts stay. */
static void test_import_city_by_words_reversed(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	assert_int_equal(import(f, "shuilin.txt", NULL, &report), 0);
	assert_line(&report, "plan shuilin created (revision 1); cities shuilin (created), vallon (created), aldea-nova "
		    "(created)\n");
	assert_int_equal(import(f, "vallon.txt", NULL, &report), 0);
	assert_line(&report, "plan vallon created (revision 1); cities vallon (found), shuilin (found)\n");
	assert_line(&report, "  note: 'M\xC3\xA9tropole Vallon C\xC3\xB4te Bleue' taken as the city Vallon (vallon): its "
		    "name is part of it\n");
	/* vallon was made as a counterpart, without facts: the summary of its own fills them
	 * in; what was stored stays */
	assert_line(&report, "  note: city vallon: population, area filled in from the summary\n");
	assert_int_equal(count(f, &entity_city), 3);
	json_t *c = get_city(f, "vallon");
	assert_int_equal(json_integer_value(json_object_get(c, "population")), 380000);
	json_decref(c);
	assert_reimport_unchanged(f, "shuilin.txt", "vallon.txt");
	buf_free(&report);
}

/* Several stored cities have the word: none is taken, a new city is made, and said. A
 * city in another country is no candidate, nor one where a word like "Saint" makes the
 * word another place's. */
static void test_import_city_by_words_ambiguous(void **state)
{
	struct fixture *f = *state;
	struct buf report = BUF_INIT(1 << 20);
	put_json(f, &entity_city, "{\"slug\":\"saint-vallon\",\"name\":\"Saint Vallon\",\"country\":\"FR\"}");
	put_json(f, &entity_city, "{\"slug\":\"vallon-les-bains\",\"name\":\"Vallon les Bains\"}");
	put_json(f, &entity_city, "{\"slug\":\"vallon-pont\",\"name\":\"Vallon Pont\",\"country\":\"FR\"}");
	put_json(f, &entity_city, "{\"slug\":\"vallon-springs\",\"name\":\"Vallon Springs\",\"country\":\"US\"}");
	assert_int_equal(import(f, "shuilin.txt", NULL, &report), 0);
	assert_line(&report, "cities shuilin (created), vallon (created), aldea-nova (created)\n");
	assert_line(&report, "  note: 'Vallon' is in the names of several stored cities (vallon-les-bains, vallon-pont), "
		    "or they are in it: a new city is made for it\n");
	assert_int_equal(count(f, &entity_city), 7);
	buf_free(&report);
}

/* Seeds 002 and 003 on an empty database, in either order: one Nice. */
static void import_seeds_fresh(struct fixture *f, int first)
{
	size_t len;
	char path[2][512];
	char *text[2] = {read_seed(SEEDS "002_*.txt", &len, path[0], sizeof path[0]),
			 read_seed(SEEDS "003_*.txt", &len, path[1], sizeof path[1])};
	free(text[0]);
	free(text[1]);
	if (!text[0] || !text[1])
		skip();
	struct buf report = BUF_INIT(1 << 20);
	for (int k = 0; k < 2; k++) {
		int i = k == 0 ? first : 1 - first;
		char *data = read_file(path[i], &len);
		buf_reset(&report);
		assert_int_equal(ucap_import_file(f->ts.db, path[i], data, len, &report), 0);
		free(data);
	}
	if (first == 0)
		assert_line(&report, "plan haikou created (revision 1); cities haikou (found), metropole-nice-cote-dazur "
			    "(found), granada (created), rome (created)\n");
	else
		assert_line(&report, "plan nice created (revision 1); cities nice (found), haikou (found), kunming "
			    "(created), zhengzhou (created)\n");
	assert_line(&report, first == 0 ? "  note: 'Nice' taken as the city M\xC3\xA9tropole Nice C\xC3\xB4te d'Azur "
				       "(metropole-nice-cote-dazur): a word of its name\n"
				     : "  note: 'M\xC3\xA9tropole Nice C\xC3\xB4te d'Azur' taken as the city Nice (nice)");
	assert_int_equal(count(f, &entity_city), 6);
	buf_free(&report);
}

static void test_import_seeds_fresh_002_first(void **state)
{
	import_seeds_fresh(*state, 0);
}

static void test_import_seeds_fresh_003_first(void **state)
{
	import_seeds_fresh(*state, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_with_page_breaks),
		cmocka_unit_test(test_html_markup),
		cmocka_unit_test(test_number_and_date_forms),
		cmocka_unit_test(test_unplaced_text_is_kept),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_goals),
		cmocka_unit_test(test_partnership_names),
		cmocka_unit_test(test_theme_forms),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_timeline_levels),
		cmocka_unit_test(test_contact_then_footer),
		cmocka_unit_test(test_two_summaries_refused),
		cmocka_unit_test(test_html_table),
		cmocka_unit_test(test_seed_002),
		cmocka_unit_test(test_seed_003),
		cmocka_unit_test_setup_teardown(test_import_creates_then_unchanged, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_recognises_stored_cities, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_slug_taken, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_refused_leaves_nothing, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_seeds, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_city_by_words, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_city_by_words_reversed, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_city_by_words_ambiguous, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_seeds_fresh_002_first, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_import_seeds_fresh_003_first, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
