/* test_form.c: submitted form fields back into records (web/form.c form_to_json). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/record.h"
#include "web/form.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))

static void city_fields_typed(void **state)
{
	const struct req_arg pairs[] = {
		{"slug", "nice"}, {"name", "  Nice "}, {"country", "FR"}, {"population", "540000"},
		{"area_km2", "1400.5"}, {"leader", ""}, {"other_names.0.name", "尼斯"}, {"other_names.0.lang", "zh"},
		{"other_names.1.name", ""}, {"other_names.1.lang", ""}, {"other_names.2.name", "Nizza"},
		{"unknown", "ignored"}, {"csrf", "x"},
	};
	json_t *rec = form_to_json(&entity_city, pairs, N(pairs));
	assert_int_equal(record_int(rec, "population"), 540000);
	assert_true(json_real_value(json_object_get(rec, "area_km2")) == 1400.5);
	assert_true(json_is_null(json_object_get(rec, "leader")));
	json_t *names = json_object_get(rec, "other_names");
	assert_int_equal(json_array_size(names), 2);              /* the empty row is dropped */
	assert_string_equal(record_str(json_array_get(names, 1), "name"), "Nizza");
	assert_null(json_object_get(rec, "unknown"));
	struct errors errs;
	errors_init(&errs);
	json_t *valid;
	assert_int_equal(record_validate(&entity_city, rec, &valid, &errs), 0);
	assert_string_equal(record_str(valid, "name"), "Nice");
	json_decref(valid);
	json_decref(rec);
}

static void bad_numbers_kept_as_typed(void **state)
{
	const struct req_arg pairs[] = {{"name", "Nice"}, {"population", "12a"}};
	json_t *rec = form_to_json(&entity_city, pairs, N(pairs));
	assert_string_equal(record_str(rec, "population"), "12a");   /* shown again as typed */
	struct errors errs;
	errors_init(&errs);
	json_t *valid;
	assert_int_equal(record_validate(&entity_city, rec, &valid, &errs), -1);
	assert_string_equal(errs.e[0].field, "population");
	json_decref(rec);
}

static void cooperation_lists(void **state)
{
	const struct req_arg pairs[] = {
		{"kind", "pairing"}, {"name", "Nice – Haikou"}, {"members", "nice\r\nhaikou\r\n\r\n"},
		{"topics", "Digital transition"}, {"topics", "Energy transition"}, {"sdgs", "3"}, {"sdgs", "11"},
		{"interests", "Carnival\nIncubator"}, {"history.0.date", "2018-07"}, {"history.0.text", "First visit"},
		{"history.1.date", ""}, {"history.1.text", ""}, {"history.99999.date", "2019"},
	};
	json_t *rec = form_to_json(&entity_cooperation, pairs, N(pairs));
	assert_int_equal(json_array_size(json_object_get(rec, "members")), 2);
	assert_int_equal(json_array_size(json_object_get(rec, "topics")), 2);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(rec, "sdgs"), 1)), 11);
	assert_int_equal(json_array_size(json_object_get(rec, "interests")), 2);
	assert_int_equal(json_array_size(json_object_get(rec, "history")), 1);   /* row 99999 is past the bound */
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(city_fields_typed), cmocka_unit_test(bad_numbers_kept_as_typed),
		cmocka_unit_test(cooperation_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
