/* test_record.c: validation of records against their descriptors (core/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/record.h"

#include <string.h>

/* Validates JSON text; returns the record or NULL, with errs filled. */
static json_t *validate(const struct entity *e, const char *text, struct errors *errs)
{
	json_error_t jerr;
	json_t *in = json_loads(text, 0, &jerr);
	assert_non_null(in);
	errors_init(errs);
	json_t *out;
	int rc = record_validate(e, in, &out, errs);
	json_decref(in);
	assert_true((rc == 0) == (out != NULL));
	return out;
}

static int has_error(const struct errors *errs, const char *field, const char *code)
{
	for (int i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, field) == 0 && strcmp(errs->e[i].code, code) == 0)
			return 1;
	return 0;
}

static void city_normalised(void **state)
{
	struct errors errs;
	json_t *c = validate(&entity_city, "{\"name\":\"  Métropole Nice Côte d'Azur \",\"country\":\"fr\","
				"\"population\":540000,\"area_km2\":1400,\"other_names\":[{\"name\":\"Nice\",\"lang\":\"fr\"}]}", &errs);
	assert_non_null(c);
	assert_string_equal(record_str(c, "name"), "Métropole Nice Côte d'Azur");
	assert_string_equal(record_str(c, "slug"), "metropole-nice-cote-dazur");
	assert_string_equal(record_str(c, "country"), "FR");
	assert_string_equal(record_str(c, "world_region"), "Europe");
	assert_true(json_is_real(json_object_get(c, "area_km2")));
	assert_true(json_is_null(json_object_get(c, "leader")));    /* every field present */
	assert_true(json_is_array(json_object_get(c, "other_names")));
	json_t *again;
	errors_init(&errs);
	assert_int_equal(record_validate(&entity_city, c, &again, &errs), 0);
	assert_true(json_equal(c, again));                          /* idempotent */
	json_decref(again);
	json_decref(c);
}

static void city_errors_name_fields(void **state)
{
	struct errors errs;
	assert_null(validate(&entity_city, "{\"name\":\"X\",\"population\":-5,\"country\":\"ZZ\",\"colour\":1,"
				"\"lat\":91,\"slug\":\"Bad Slug\",\"area_km2\":\"big\"}", &errs));
	assert_true(has_error(&errs, "population", "invalid_field"));
	assert_true(has_error(&errs, "country", "invalid_field"));
	assert_true(has_error(&errs, "colour", "unknown_field"));
	assert_true(has_error(&errs, "lat", "invalid_field"));
	assert_true(has_error(&errs, "slug", "invalid_field"));
	assert_true(has_error(&errs, "area_km2", "invalid_field"));
	for (int i = 0; i < errs.n; i++)
		if (strcmp(errs.e[i].field, "population") == 0)
			assert_string_equal(errs.e[i].message, "population must be a whole number between 0 and 100000000");
	assert_null(validate(&entity_city, "{\"country\":\"FR\"}", &errs));
	assert_true(has_error(&errs, "name", "missing_field"));
	assert_null(validate(&entity_city, "{\"name\":\"海口\"}", &errs));
	assert_true(has_error(&errs, "slug", "missing_field"));     /* no Latin letters to make one */
	assert_null(validate(&entity_city, "{\"name\":\"A\\nB\"}", &errs));
	assert_true(has_error(&errs, "name", "invalid_field"));
	assert_null(validate(&entity_city, "{\"name\":\"A\",\"lat\":10}", &errs));
	assert_null(validate(&entity_city, "[1]", &errs));
	assert_null(validate(&entity_city, "{\"name\":\"A\",\"other_names\":[{\"lang\":\"zh\"}]}", &errs));
	assert_true(has_error(&errs, "other_names[0].name", "missing_field"));
}

static void cooperation_rules(void **state)
{
	struct errors errs;
	json_t *c = validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Haikou\","
				"\"members\":[\"nice\",\"haikou\"],\"sdgs\":[3,11],\"start_date\":\"2018-07\"}", &errs);
	assert_non_null(c);
	assert_string_equal(record_str(c, "slug"), "nice-haikou");
	assert_string_equal(record_str(c, "status"), "active");
	json_decref(c);
	assert_null(validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"A\",\"members\":[\"a\",\"b\",\"c\"]}", &errs));
	assert_true(has_error(&errs, "members", "invalid_field"));
	assert_null(validate(&entity_cooperation, "{\"kind\":\"cluster\",\"name\":\"A\",\"members\":[\"a\",\"a\"]}", &errs));
	assert_true(has_error(&errs, "members[1]", "duplicate_item"));
	assert_null(validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"A\",\"members\":[\"a\",\"b\"],"
				"\"status\":\"ended\"}", &errs));
	assert_true(has_error(&errs, "end_reason", "missing_field"));
	assert_null(validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"A\",\"members\":[\"a\",\"b\"],"
				"\"start_date\":\"2019-05\",\"end_date\":\"2018\"}", &errs));
	assert_true(has_error(&errs, "end_date", "invalid_field"));
	assert_null(validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"A\",\"members\":[\"a\",\"b\"],"
				"\"member_roles\":[{\"city\":\"c\",\"role\":\"EU city\"}]}", &errs));
	assert_true(has_error(&errs, "member_roles", "invalid_field"));
	assert_null(validate(&entity_cooperation, "{\"kind\":\"twinning\",\"name\":\"A\",\"members\":[\"a\",\"b\"],"
				"\"sdgs\":[18],\"history\":[{\"date\":\"July 2018\",\"text\":\"x\"}]}", &errs));
	assert_true(has_error(&errs, "kind", "invalid_field"));
	assert_true(has_error(&errs, "sdgs[0]", "invalid_field"));
	assert_true(has_error(&errs, "history[0].date", "invalid_field"));
	/* partial dates of different precision compare on what both know */
	c = validate(&entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"A\",\"members\":[\"a\",\"b\"],"
		     "\"start_date\":\"2019\",\"end_date\":\"2019-05\"}", &errs);
	assert_non_null(c);
	json_decref(c);
}

static void programme_rules(void **state)
{
	struct errors errs;
	json_t *p = validate(&entity_programme, "{\"name\":\"International Urban Cooperation – Asia\",\"short_name\":\"IUC Asia\","
				"\"rounds\":[{\"name\":\"Pilot cities 2018\",\"year\":2018}]}", &errs);
	assert_non_null(p);
	assert_string_equal(record_str(p, "slug"), "iuc-asia");
	json_decref(p);
	assert_null(validate(&entity_programme, "{\"name\":\"X\",\"url\":\"javascript:alert(1)\"}", &errs));
	assert_true(has_error(&errs, "url", "invalid_field"));
	assert_null(validate(&entity_programme, "{\"name\":\"X\",\"rounds\":[{\"name\":\"A\"},{\"name\":\"A\"}]}", &errs));
}

static void every_descriptor_is_well_formed(void **state)
{
	for (const struct entity *const *e = entities; *e; e++) {
		assert_non_null(entity_field(*e, (*e)->key));
		assert_non_null((*e)->table);
		for (const struct filter *f = (*e)->filters; f && f->param; f++) {
			assert_non_null(f->sql);
			if (f->type == FT_ENUM)
				assert_non_null(f->choices);
		}
		for (size_t i = 0; i < (*e)->nfields; i++) {
			const struct field *f = &(*e)->fields[i];
			assert_true(f->type != FT_LIST || f->sub != NULL);
			assert_true(f->type != FT_REF || f->ref != NULL);
			assert_true(f->type != FT_ENUM || f->choices != NULL);
			assert_non_null(f->label);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(city_normalised), cmocka_unit_test(city_errors_name_fields),
		cmocka_unit_test(cooperation_rules), cmocka_unit_test(programme_rules),
		cmocka_unit_test(every_descriptor_is_well_formed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
