/* test_plan.c: the U-CAP content (core/plan.c, core/plan_text.c): the section table,
 * validation and normalisation of content, and the text of every kind of section. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/plan.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
	if (!v)
		fail_msg("bad test JSON (%s): %s", jerr.text, text);
	return v;
}

/* Validates `in`, checking that it is left as it was and that the return value and
 * *out agree; returns the normalised content or NULL, with errs filled. */
static json_t *validate_value(json_t *in, struct errors *errs)
{
	json_t *before = json_deep_copy(in), *out = (json_t *)1;
	errors_init(errs);
	int rc = plan_validate(in, &out, errs);
	assert_true(json_equal(in, before));
	json_decref(before);
	assert_true(rc == 0 ? out != NULL && errs->n == 0 : out == NULL && errs->n > 0);
	return out;
}

static json_t *validate(const char *text, struct errors *errs)
{
	json_t *in = parse(text);
	json_t *out = validate_value(in, errs);
	json_decref(in);
	return out;
}

/* Asserts that content is refused with exactly one error, on `field` with `code`. */
static void refused_value(json_t *in, const char *field, const char *code)
{
	struct errors errs;
	json_t *out = validate_value(in, &errs);
	char *dump = json_dumps(in, 0);
	if (out || errs.n != 1 || strcmp(errs.e[0].field, field) || strcmp(errs.e[0].code, code))
		fail_msg("%s: expected one %s on \"%s\", got %d errors, first %s on \"%s\" (%s)", dump, code,
			 field, errs.n, errs.n ? errs.e[0].code : "-", errs.n ? errs.e[0].field : "-",
			 errs.n ? errs.e[0].message : "accepted");
	assert_non_null(strstr(errs.e[0].message, field));    /* messages name the field */
	free(dump);
}

static void refused_text(const char *text, const char *field, const char *code)
{
	json_t *in = parse(text);
	refused_value(in, field, code);
	json_decref(in);
}

/* The smallest valid content with `members` (JSON object members) added to it. */
static void refused(const char *members, const char *field, const char *code)
{
	char text[4096];
	snprintf(text, sizeof text, "{\"title\":\"T\",\"city\":\"nice\",%s}", members);
	refused_text(text, field, code);
}

static json_t *accepted(const char *members)
{
	char text[4096];
	struct errors errs;
	snprintf(text, sizeof text, "{\"title\":\"T\",\"city\":\"nice\",%s}", members);
	json_t *out = validate(text, &errs);
	if (!out)
		fail_msg("%s refused: %s on %s: %s", text, errs.e[0].code, errs.e[0].field, errs.e[0].message);
	return out;
}

/* A string of n copies of the UTF-8 character c. */
static json_t *repeated(const char *c, size_t n)
{
	struct buf b = BUF_INIT(1 << 24);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, c);
	json_t *s = json_string(buf_str(&b));
	buf_free(&b);
	return s;
}

/* ---- the section table and the entity ---- */

static void sections_in_order(void **state)
{
	static const char *const keys[] = {"facts", "period", "themes", "goals", "key_focus",
		"key_challenges", "objectives", "activities", "results", "contact", "unplaced", NULL};
	static const enum section_kind kinds[] = {SEC_FACTS, SEC_PERIOD, SEC_THEMES, SEC_GOALS,
		SEC_TEXT, SEC_TEXT, SEC_TEXT, SEC_TIMELINE, SEC_TEXT, SEC_TEXT, SEC_TEXT};
	size_t i = 0;
	for (; plan_sections[i].key; i++) {
		assert_non_null(keys[i]);
		assert_string_equal(plan_sections[i].key, keys[i]);
		assert_int_equal(plan_sections[i].kind, kinds[i]);
		assert_true(strlen(plan_sections[i].title) > 5);
		size_t n = strlen(plan_sections[i].hint);
		assert_true(n > 20 && plan_sections[i].hint[n - 1] == '.');   /* one sentence */
		assert_ptr_equal(plan_section_by_key(keys[i]), &plan_sections[i]);
	}
	assert_null(keys[i]);
	assert_string_equal(plan_sections[3].title, "Related SDGs and Urban Agenda topics");
	assert_string_equal(plan_sections[7].title, "Activities and key outputs");
	assert_null(plan_section_by_key("title"));
	assert_null(plan_section_by_key(NULL));
}

static void plan_entity(void **state)
{
	assert_string_equal(entity_plan.name, "plan");
	assert_string_equal(entity_plan.plural, "plans");
	assert_string_equal(entity_plan.table, "plans");
	assert_string_equal(entity_plan.key, "slug");
	const struct field *slug = entity_field(&entity_plan, "slug");
	assert_non_null(slug);
	assert_int_equal(slug->type, FT_SLUG);
	assert_true(slug->flags & FF_REQUIRED);
	assert_int_equal(entity_field(&entity_plan, "title")->type, FT_TEXT);
	assert_ptr_equal(entity_field(&entity_plan, "city")->ref, &entity_city);
	assert_ptr_equal(entity_field(&entity_plan, "cooperation")->ref, &entity_cooperation);
	for (const struct entity *const *e = entities; *e; e++)
		assert_ptr_not_equal(*e, &entity_plan);                    /* not in the registry */
}

/* ---- validation: what is accepted, and how it is normalised ---- */

static const char full_messy[] =
	"{\"unplaced\":\"  left over \",\"contact\":\"Marie\\r\\nmarie@example.org\\r\\n\","
	"\"title\":\"  Nice with Haikou \",\"city\":\"nice\",\"cooperation\":\"\",\"counterparts\":[\"haikou\",\"kunming\"],"
	"\"facts\":{\"city\":{\"name\":\" Métropole Nice Côte d'Azur\",\"province\":\"\",\"population\":540000.0,"
	"\"area_km2\":1400},\"counterparts\":{\"population\":\"n/a \",\"area_km2\":\"N/A\"}},"
	"\"period\":{\"start\":\"2018-06\",\"end\":\"2019-12\"},"
	"\"themes\":[{\"title\":\"Health\",\"text\":\"Cluster to cluster\"},{},{\"title\":\" \"}],"
	"\"sdgs\":[11,3,7],\"urban_agenda\":[\"Air quality\",\"  \"],\"key_focus\":\"\",\"key_challenges\":\" \\n \","
	"\"objectives\":null,\"activities\":[{\"date\":\"2018-06\",\"end\":\"2018-06\",\"text\":\" Visit \","
	"\"points\":[\"a\",\"\",\" b \"]},{\"points\":[]},{\"date\":\"2019\",\"end\":\"2019-03-02\"}],\"results\":\"1. More\"}";

static const char full_normalised[] =
	"{\"title\": \"Nice with Haikou\", \"city\": \"nice\", \"counterparts\": [\"haikou\", \"kunming\"], "
	"\"facts\": {\"city\": {\"name\": \"Métropole Nice Côte d'Azur\", \"population\": 540000, \"area_km2\": 1400.0}, "
	"\"counterparts\": {\"population\": \"N/A\", \"area_km2\": \"N/A\"}}, "
	"\"period\": {\"start\": \"2018-06\", \"end\": \"2019-12\"}, "
	"\"themes\": [{\"title\": \"Health\", \"text\": \"Cluster to cluster\"}], \"sdgs\": [3, 7, 11], "
	"\"urban_agenda\": [\"Air quality\"], \"activities\": [{\"date\": \"2018-06\", \"text\": \"Visit\", "
	"\"points\": [\"a\", \"b\"]}, {\"date\": \"2019\", \"end\": \"2019-03-02\"}], \"results\": \"1. More\", "
	"\"contact\": \"Marie\\nmarie@example.org\", \"unplaced\": \"left over\"}";

static void content_round_trips_normalised(void **state)
{
	struct errors errs;
	json_t *out = validate(full_messy, &errs);
	for (int i = 0; i < errs.n; i++)
		print_error("%s: %s\n", errs.e[i].field, errs.e[i].message);
	assert_non_null(out);
	char *dump = json_dumps(out, 0);
	assert_string_equal(dump, full_normalised);                 /* values and key order */
	free(dump);
	json_t *again = validate_value(out, &errs);                 /* idempotent */
	assert_non_null(again);
	assert_true(json_equal(out, again));
	json_decref(again);
	json_decref(out);
}

static void equal_meaning_is_json_equal(void **state)
{
	json_t *a = accepted("\"sdgs\":[7,3],\"key_focus\":\"Energy\\r\\n\\r\\nand water \",\"facts\":{},"
			     "\"period\":{\"start\":\"2018\"}");
	json_t *b = accepted("\"period\":{\"start\":\"2018\",\"end\":\"\"},\"key_focus\":\"  Energy\\n\\nand water\","
			     "\"sdgs\":[3.0,7],\"themes\":[],\"cooperation\":null");
	assert_true(json_equal(a, b));
	json_t *c = accepted("\"sdgs\":[3,7,8],\"key_focus\":\"Energy\\n\\nand water\",\"period\":{\"start\":\"2018\"}");
	assert_false(json_equal(a, c));                            /* different meaning */
	json_t *d = accepted("\"sdgs\":[3,7],\"key_focus\":\"Energy\\nand water\",\"period\":{\"start\":\"2018\"}");
	assert_false(json_equal(a, d));                            /* a paragraph break matters */
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
}

static void limits_count_characters(void **state)
{
	json_t *in = parse("{\"city\":\"haikou\"}");
	json_object_set_new(in, "title", repeated("海", PLAN_TITLE_MAX));   /* 600 bytes */
	json_object_set_new(in, "key_focus", repeated("é", PLAN_TEXT_MAX));
	struct errors errs;
	json_t *out = validate_value(in, &errs);
	assert_non_null(out);
	json_decref(out);
	json_object_set_new(in, "title", repeated("海", PLAN_TITLE_MAX + 1));
	refused_value(in, "title", "too_long");
	json_object_set_new(in, "title", json_string("T"));
	json_object_set_new(in, "key_focus", repeated("é", PLAN_TEXT_MAX + 1));
	refused_value(in, "key_focus", "too_long");
	json_decref(in);
}

static void cooperation_alone_is_enough(void **state)
{
	struct errors errs;
	json_t *out = validate("{\"title\":\"Cluster plan\",\"cooperation\":\"iuc-health-cluster\"}", &errs);
	assert_non_null(out);
	assert_null(json_object_get(out, "city"));
	json_decref(out);
}

/* ---- validation: one rule each ---- */

static void refuses_shape(void **state)
{
	refused_text("[]", "", "invalid_record");
	refused_text("\"plan\"", "", "invalid_record");
	refused("\"colour\":\"red\"", "colour", "unknown_field");
	refused("\"facts\":{\"elsewhere\":{}}", "facts.elsewhere", "unknown_field");
	refused("\"facts\":{\"city\":{\"mayor\":\"X\"}}", "facts.city.mayor", "unknown_field");
	refused("\"period\":{\"middle\":\"2018\"}", "period.middle", "unknown_field");
	refused("\"themes\":[{\"title\":\"A\",\"colour\":1}]", "themes[0].colour", "unknown_field");
	refused("\"activities\":[{},{\"where\":\"Nice\"}]", "activities[1].where", "unknown_field");
	refused("\"facts\":[]", "facts", "invalid_field");
	refused("\"facts\":{\"city\":\"Nice\"}", "facts.city", "invalid_field");
	refused("\"period\":\"2018\"", "period", "invalid_field");
	refused("\"themes\":{}", "themes", "invalid_field");
	refused("\"themes\":[\"Health\"]", "themes[0]", "invalid_field");
	refused("\"activities\":[[]]", "activities[0]", "invalid_field");
}

static void refuses_missing_required(void **state)
{
	refused_text("{\"city\":\"nice\"}", "title", "missing_field");
	refused_text("{\"city\":\"nice\",\"title\":\" \\n \"}", "title", "missing_field");
	refused_text("{\"city\":\"nice\",\"title\":null}", "title", "missing_field");
	refused_text("{\"title\":\"T\"}", "city", "missing_field");
	refused_text("{\"title\":\"T\",\"city\":\"\",\"cooperation\":null}", "city", "missing_field");
}

static void refuses_bad_text(void **state)
{
	refused_text("{\"city\":\"nice\",\"title\":7}", "title", "invalid_field");
	refused_text("{\"city\":\"nice\",\"title\":\"two\\nlines\"}", "title", "invalid_field");
	refused("\"key_focus\":\"bell \\u0007\"", "key_focus", "invalid_field");
	refused("\"key_focus\":\"nul \\u0000 inside\"", "key_focus", "invalid_field");
	refused("\"contact\":[\"x\"]", "contact", "invalid_field");
	refused("\"themes\":[{\"title\":\"A\\nB\"}]", "themes[0].title", "invalid_field");
	refused("\"facts\":{\"counterparts\":{\"country\":\"China\\r\\nand more\"}}", "facts.counterparts.country",
		"invalid_field");
	refused("\"urban_agenda\":[\"Air quality\",3]", "urban_agenda[1]", "invalid_field");
	refused("\"activities\":[{\"points\":[\"a\",{}]}]", "activities[0].points[1]", "invalid_field");
	/* jansson refuses invalid UTF-8 when it parses, but not from every constructor */
	json_t *in = parse("{\"title\":\"T\",\"city\":\"nice\"}");
	json_object_set_new(in, "results", json_stringn_nocheck("caf\xc3", 4));
	refused_value(in, "results", "invalid_field");
	json_decref(in);
}

static void refuses_bad_slugs(void **state)
{
	refused_text("{\"title\":\"T\",\"city\":\"Nice\"}", "city", "invalid_field");
	refused_text("{\"title\":\"T\",\"cooperation\":\"nice--haikou\"}", "cooperation", "invalid_field");
	refused_text("{\"title\":\"T\",\"city\":42}", "city", "invalid_field");
	refused("\"counterparts\":\"haikou\"", "counterparts", "invalid_field");
	refused("\"counterparts\":[\"haikou\",\"Kunming\"]", "counterparts[1]", "invalid_field");
	refused("\"counterparts\":[\"haikou\",\"kunming\",\"haikou\"]", "counterparts[2]", "duplicate_item");
}

static void refuses_long_lists(void **state)
{
	json_t *in = parse("{\"title\":\"T\",\"city\":\"nice\"}");
	json_t *list = json_array(), *activity = json_object(), *points = json_array();
	for (int i = 0; i <= PLAN_LIST_MAX; i++) {
		json_array_append_new(list, json_pack("{s:s}", "title", "A"));
		json_array_append_new(points, json_string("p"));
	}
	json_object_set_new(in, "themes", list);
	refused_value(in, "themes", "too_long");
	json_array_remove(list, 0);
	json_object_set_new(activity, "points", points);
	json_object_set_new(in, "activities", json_pack("[{}, o]", activity));
	refused_value(in, "activities[1].points", "too_long");
	json_array_remove(points, 0);
	struct errors errs;
	json_t *out = validate_value(in, &errs);                    /* exactly the limit is fine */
	assert_non_null(out);
	json_decref(out);
	json_decref(in);
}

static void refuses_bad_facts(void **state)
{
	refused("\"facts\":{\"city\":{\"population\":-1}}", "facts.city.population", "invalid_field");
	refused("\"facts\":{\"city\":{\"population\":1.5}}", "facts.city.population", "invalid_field");
	refused("\"facts\":{\"city\":{\"population\":100000001}}", "facts.city.population", "invalid_field");
	refused("\"facts\":{\"city\":{\"population\":\"540000\"}}", "facts.city.population", "invalid_field");
	refused("\"facts\":{\"counterparts\":{\"population\":true}}", "facts.counterparts.population", "invalid_field");
	refused("\"facts\":{\"city\":{\"area_km2\":1000000.5}}", "facts.city.area_km2", "invalid_field");
	refused("\"facts\":{\"city\":{\"area_km2\":-0.1}}", "facts.city.area_km2", "invalid_field");
	refused("\"facts\":{\"city\":{\"area_km2\":\"NA\"}}", "facts.city.area_km2", "invalid_field");
	json_t *ok = accepted("\"facts\":{\"city\":{\"population\":100000000,\"area_km2\":0.5},"
			      "\"counterparts\":{\"population\":0,\"area_km2\":1000000}}");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(ok, "facts"), "city"),
							    "population")), 100000000);
	json_decref(ok);
}

static void refuses_bad_dates(void **state)
{
	refused("\"period\":{\"start\":\"2018-13\"}", "period.start", "invalid_field");
	refused("\"period\":{\"start\":\"June 2018\"}", "period.start", "invalid_field");
	refused("\"period\":{\"end\":2019}", "period.end", "invalid_field");
	refused("\"period\":{\"start\":\"2018-06\",\"end\":\"2018-05-31\"}", "period.end", "invalid_field");
	refused("\"period\":{\"start\":\"2019\",\"end\":\"2018-12\"}", "period.end", "invalid_field");
	refused("\"activities\":[{},{},{},{\"date\":\"2019-02-30\"}]", "activities[3].date", "invalid_field");
	refused("\"activities\":[{\"date\":\"2018-10-14\",\"end\":\"2018-10-13\"}]", "activities[0].end",
		"invalid_field");
	refused("\"activities\":[{\"end\":\"2018-10\",\"text\":\"x\"}]", "activities[0].end", "invalid_field");
	/* partial dates overlap: a range may end within the month or year it starts in */
	json_t *ok = accepted("\"period\":{\"start\":\"2018-06\",\"end\":\"2018\"},"
			      "\"activities\":[{\"date\":\"2018-10\",\"end\":\"2018-10-14\"}]");
	json_decref(ok);
}

static void refuses_bad_goals(void **state)
{
	refused("\"sdgs\":[0]", "sdgs[0]", "invalid_field");
	refused("\"sdgs\":[3,18]", "sdgs[1]", "invalid_field");
	refused("\"sdgs\":[3.5]", "sdgs[0]", "invalid_field");
	refused("\"sdgs\":[\"3\"]", "sdgs[0]", "invalid_field");
	refused("\"sdgs\":[7,3,7]", "sdgs[2]", "duplicate_item");
	refused("\"sdgs\":7", "sdgs", "invalid_field");
	refused("\"urban_agenda\":[\"Air quality\",\" Air quality\"]", "urban_agenda[1]", "duplicate_item");
}

static void reports_every_error(void **state)
{
	struct errors errs;
	assert_null(validate("{\"sdgs\":[99],\"colour\":1,\"period\":{\"start\":\"x\"}}", &errs));
	assert_int_equal(errs.n, 5);           /* title, city, colour, period.start, sdgs[0] */
}

/* ---- section text ---- */

static char *section(const json_t *content, const char *key)
{
	const struct plan_section *s = plan_section_by_key(key);
	assert_non_null(s);
	return plan_section_text(content, s);
}

static void assert_section(const json_t *content, const char *key, const char *expected)
{
	char *text = section(content, key);
	assert_string_equal(text, expected);
	free(text);
}

static void section_text_of_every_kind(void **state)
{
	struct errors errs;
	json_t *c = validate(full_messy, &errs);
	assert_non_null(c);
	assert_section(c, "facts", "Title: Nice with Haikou\nCity: nice\nCounterparts: haikou, kunming\n"
		       "Name (city): Métropole Nice Côte d'Azur\nPopulation (city): 540000\nArea (city): 1400 km²\n"
		       "Population (counterparts): N/A\nArea (counterparts): N/A");
	assert_section(c, "period", "June 2018 – December 2019");
	assert_section(c, "themes", "**Health**: Cluster to cluster");
	assert_section(c, "goals", "SDG 3\nSDG 7\nSDG 11\nAir quality");
	assert_section(c, "activities", "- June 2018: Visit\n  - a\n  - b\n- 2019 – 2 March 2019");
	assert_section(c, "results", "1. More");
	assert_section(c, "contact", "Marie\nmarie@example.org");
	assert_section(c, "key_focus", "");
	json_decref(c);
}

static void section_text_details(void **state)
{
	json_t *c = accepted("\"cooperation\":\"nice-haikou\",\"period\":{\"end\":\"2019-12-31\"},"
			     "\"facts\":{\"counterparts\":{\"name\":\"Haikou *and* [Kunming]\",\"area_km2\":7434.4}},"
			     "\"themes\":[{\"title\":\"Health\"},{\"text\":\"Para one.\\n\\nPara two.\"},{\"title\":\"A_b\",\"text\":\"x\"}],"
			     "\"activities\":[{\"text\":\"Line one\\nline two\\n\\n- inner\",\"points\":[\"p1\\np2\"]},"
			     "{\"points\":[\"only\"]},{\"date\":\"2019-10-14\"}],\"urban_agenda\":[\"Jobs & skills\"]");
	assert_section(c, "facts", "Title: T\nCity: nice\nCooperation: nice-haikou\n"
		       "Name (counterparts): Haikou \\*and\\* \\[Kunming\\]\nArea (counterparts): 7434.4 km²");
	assert_section(c, "period", "Until 31 December 2019");
	assert_section(c, "themes", "**Health**\n\nPara one.\n\nPara two.\n\n**A\\_b**: x");
	assert_section(c, "goals", "Jobs \\& skills");
	assert_section(c, "activities", "- Line one\n  line two\n\n  - inner\n  - p1\n    p2\n-\n  - only\n- 14 October 2019");
	json_decref(c);
	json_t *from = accepted("\"period\":{\"start\":\"2018\"}");
	assert_section(from, "period", "From 2018");
	assert_section(from, "facts", "Title: T\nCity: nice");
	assert_section(from, "themes", "");
	assert_section(from, "activities", "");
	assert_section(from, "goals", "");
	json_decref(from);
}

static void section_text_is_deterministic(void **state)
{
	struct errors errs;
	json_t *a = validate(full_messy, &errs), *b = validate(full_normalised, &errs);
	assert_non_null(a);
	assert_non_null(b);
	for (const struct plan_section *s = plan_sections; s->key; s++) {
		char *x = plan_section_text(a, s), *y = plan_section_text(b, s);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	json_decref(a);
	json_decref(b);
}

/* ---- the section-by-section diff ---- */

/* The entry of plan_diff()'s array for section key, checked against the table. */
static json_t *diff_entry(json_t *diff, const char *key)
{
	size_t i, n = 0;
	while (plan_sections[n].key)
		n++;
	assert_int_equal(json_array_size(diff), n);
	json_t *e;
	json_array_foreach(diff, i, e) {
		assert_string_equal(json_string_value(json_object_get(e, "section")), plan_sections[i].key);
		assert_string_equal(json_string_value(json_object_get(e, "title")), plan_sections[i].title);
		assert_true(json_is_boolean(json_object_get(e, "changed")));
		assert_true(json_is_array(json_object_get(e, "segments")));
	}
	json_array_foreach(diff, i, e)
		if (strcmp(json_string_value(json_object_get(e, "section")), key) == 0)
			return e;
	fail_msg("no section %s", key);
	return NULL;
}

static int changed(json_t *diff, const char *key)
{
	return json_is_true(json_object_get(diff_entry(diff, key), "changed"));
}

/* A section's segments as marked-up text: [-deleted-]{+inserted+}. */
static char *marked(json_t *diff, const char *key)
{
	struct buf b = BUF_INIT(1 << 20);
	size_t i;
	json_t *seg;
	json_array_foreach(json_object_get(diff_entry(diff, key), "segments"), i, seg) {
		const char *op = json_string_value(json_object_get(seg, "op"));
		const char *text = json_string_value(json_object_get(seg, "text"));
		if (strcmp(op, "same") == 0)
			buf_puts(&b, text);
		else
			buf_printf(&b, strcmp(op, "del") == 0 ? "[-%s-]" : "{+%s+}", text);
	}
	return buf_detach(&b);
}

static void assert_marked(json_t *diff, const char *key, const char *expected)
{
	char *m = marked(diff, key);
	assert_string_equal(m, expected);
	free(m);
}

static void diff_of_equal_contents_is_unchanged(void **state)
{
	struct errors errs;
	json_t *a = validate(full_messy, &errs), *b = validate(full_normalised, &errs);
	json_t *d = plan_diff(a, b);
	for (const struct plan_section *s = plan_sections; s->key; s++)
		assert_false(changed(d, s->key));
	assert_marked(d, "themes", "**Health**: Cluster to cluster");
	assert_int_equal(json_array_size(json_object_get(diff_entry(d, "key_focus"), "segments")), 0);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void diff_marks_changed_words_per_section(void **state)
{
	json_t *a = accepted("\"key_focus\":\"Clean energy for the port\",\"sdgs\":[3,7],"
			     "\"facts\":{\"city\":{\"population\":540000}},"
			     "\"activities\":[{\"date\":\"2018-06\",\"text\":\"Visit to Haikou\"}]");
	json_t *b = accepted("\"key_focus\":\"Clean water for the port\",\"sdgs\":[3,7],"
			     "\"facts\":{\"city\":{\"population\":550000}},"
			     "\"activities\":[{\"date\":\"2018-06\",\"text\":\"Visit to Haikou\",\"points\":[\"MoU signed\"]}]");
	json_t *d = plan_diff(a, b);
	assert_true(changed(d, "key_focus"));
	assert_true(changed(d, "facts"));
	assert_true(changed(d, "activities"));
	assert_false(changed(d, "goals"));
	assert_false(changed(d, "period"));
	assert_marked(d, "key_focus", "Clean [-energy-]{+water+} for the port");
	assert_marked(d, "facts", "Title: T\nCity: nice\nPopulation (city): [-540000-]{+550000+}");
	assert_marked(d, "activities", "- June 2018: Visit to Haikou{+\n  - MoU signed+}");
	assert_marked(d, "goals", "SDG 3\nSDG 7");
	json_decref(d);
	d = plan_diff(NULL, a);                                     /* a first revision */
	assert_true(changed(d, "key_focus"));
	assert_false(changed(d, "results"));
	assert_marked(d, "key_focus", "{+Clean energy for the port+}");
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void diff_html_escapes_and_marks(void **state)
{
	json_t *a = accepted("\"contact\":\"Write to <b>Marie</b>\\nat \\\"nice\\\" & co\"");
	json_t *b = accepted("\"contact\":\"Write to <i>Li</i>\\nat \\\"nice\\\" & co\"");
	json_t *d = plan_diff(a, b);
	struct buf html = BUF_INIT(1 << 20);
	plan_diff_html(&html, diff_entry(d, "contact"));
	assert_string_equal(buf_str(&html), "Write to &lt;<del>b&gt;Marie&lt;/b</del><ins>i&gt;Li&lt;/i</ins>&gt;"
			    "<br>at &quot;nice&quot; &amp; co");
	buf_reset(&html);
	plan_diff_html(&html, diff_entry(d, "results"));            /* an empty section */
	assert_string_equal(buf_str(&html), "");
	buf_free(&html);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections_in_order), cmocka_unit_test(plan_entity),
		cmocka_unit_test(content_round_trips_normalised), cmocka_unit_test(equal_meaning_is_json_equal),
		cmocka_unit_test(limits_count_characters), cmocka_unit_test(cooperation_alone_is_enough),
		cmocka_unit_test(refuses_shape), cmocka_unit_test(refuses_missing_required),
		cmocka_unit_test(refuses_bad_text), cmocka_unit_test(refuses_bad_slugs),
		cmocka_unit_test(refuses_long_lists), cmocka_unit_test(refuses_bad_facts),
		cmocka_unit_test(refuses_bad_dates), cmocka_unit_test(refuses_bad_goals),
		cmocka_unit_test(reports_every_error), cmocka_unit_test(section_text_of_every_kind),
		cmocka_unit_test(section_text_details), cmocka_unit_test(section_text_is_deterministic),
		cmocka_unit_test(diff_of_equal_contents_is_unchanged),
		cmocka_unit_test(diff_marks_changed_words_per_section), cmocka_unit_test(diff_html_escapes_and_marks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
