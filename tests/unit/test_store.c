/* test_store.c: the store on a real temporary SQLite database: migrations, generic
 * put/get/list from descriptors, references, filters, paging and name matching. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/record.h"
#include "store/store.h"
#include "teststore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	struct teststore ts;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	teststore_open(&f->ts, 2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	teststore_close(&f->ts);
	free(f);
	return 0;
}

/* Validates and stores JSON text as a record of e; returns the store's answer. */
static int put(struct db *db, const struct entity *e, const char *text, enum put_outcome *outcome,
	       struct errors *errs)
{
	json_t *in = json_loads(text, 0, NULL), *rec;
	assert_non_null(in);
	errors_init(errs);
	int rc = record_validate(e, in, &rec, errs);
	json_decref(in);
	if (rc)
		return STORE_INVALID;
	rc = store_put(db, e, rec, outcome, errs);
	json_decref(rec);
	return rc;
}

static void add_cities(struct db *db)
{
	struct errors errs;
	enum put_outcome o;
	assert_int_equal(put(db, &entity_city, "{\"slug\":\"nice\",\"name\":\"Métropole Nice Côte d'Azur\",\"country\":\"FR\","
			     "\"population\":540000,\"other_names\":[{\"name\":\"Nice\"}]}", &o, &errs), 0);
	assert_int_equal(put(db, &entity_city, "{\"name\":\"Haikou\",\"country\":\"CN\",\"other_names\":[{\"name\":\"海口\",\"lang\":\"zh\"}]}",
			     &o, &errs), 0);
	assert_int_equal(put(db, &entity_city, "{\"name\":\"Granada\",\"country\":\"ES\"}", &o, &errs), 0);
}

static void migrations_recorded(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(store_schema_version(f->ts.db), store_binary_schema_version());
	assert_true(store_binary_schema_version() >= 2);
	char err[512];
	struct store *again = store_open(f->ts.tdb.target, 0, 1, err, sizeof err);   /* nothing left to apply */
	assert_non_null(again);
	store_close(again);
}

static void newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(testdb_sql(&f->ts.tdb, "INSERT INTO schema_migrations VALUES (9999, 'future', 'x')"), 0);
	char err[512] = "";
	assert_null(store_open(f->ts.tdb.target, 0, 1, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
}

static void put_get_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	enum put_outcome o;
	const char *nice = "{\"slug\":\"nice\",\"name\":\"Métropole Nice Côte d'Azur\",\"country\":\"FR\",\"population\":540000,"
			   "\"area_km2\":1400,\"leader\":\"Christian Estrosi\",\"other_names\":[{\"name\":\"Nice\",\"lang\":\"fr\"}]}";
	assert_int_equal(put(f->ts.db, &entity_city, nice, &o, &errs), 0);
	assert_int_equal(o, PUT_CREATED);
	assert_int_equal(put(f->ts.db, &entity_city, nice, &o, &errs), 0);
	assert_int_equal(o, PUT_UNCHANGED);
	json_t *got;
	assert_int_equal(store_get(f->ts.db, &entity_city, "nice", &got), 0);
	assert_int_equal(record_int(got, "population"), 540000);
	assert_string_equal(record_str(json_array_get(json_object_get(got, "other_names"), 0), "name"), "Nice");
	json_decref(got);
	assert_int_equal(put(f->ts.db, &entity_city, "{\"slug\":\"nice\",\"name\":\"Nice\",\"country\":\"FR\"}", &o, &errs), 0);
	assert_int_equal(o, PUT_UPDATED);
	assert_int_equal(store_get(f->ts.db, &entity_city, "nope", &got), STORE_NOT_FOUND);
	assert_null(got);
}

static void references_resolved_and_checked(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	enum put_outcome o;
	add_cities(f->ts.db);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Haikou\",\"members\":[\"nice\",\"haikou\"],"
			     "\"topics\":[\"digital transition\"],\"sdgs\":[11]}", &o, &errs), 0);
	json_t *got;
	assert_int_equal(store_get(f->ts.db, &entity_cooperation, "nice-haikou", &got), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(got, "topics"), 0)), "Digital transition");
	json_decref(got);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Atlantis\","
			     "\"members\":[\"nice\",\"atlantis\"]}", &o, &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].field, "members[1]");
	assert_string_equal(errs.e[0].code, "unknown_reference");
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"X\",\"members\":[\"nice\",\"granada\"],"
			     "\"topics\":[\"Basket weaving\"]}", &o, &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].field, "topics[0]");
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Y\",\"members\":[\"nice\",\"granada\"],"
			     "\"programme\":\"nope\"}", &o, &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].field, "programme");
}

static long list_total(struct db *db, const struct entity *e, const char *param, const char *value)
{
	struct list_query q = {.limit = 50};
	if (param)
		assert_int_equal(list_query_set(&q, e, param, value), 0);
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	assert_int_equal(store_list(db, e, &q, &items, next, &total), 0);
	assert_int_equal(json_array_size(items), total);
	json_decref(items);
	return total;
}

static void filters_and_paging(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	enum put_outcome o;
	add_cities(f->ts.db);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Haikou\",\"members\":[\"nice\",\"haikou\"],"
			     "\"topics\":[\"Digital transition\"],\"sdgs\":[11],\"status\":\"active\"}", &o, &errs), 0);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"cluster\",\"name\":\"Haikou cluster\",\"members\":[\"haikou\",\"nice\",\"granada\"],"
			     "\"sdgs\":[9],\"status\":\"completed\"}", &o, &errs), 0);
	const struct entity *c = &entity_cooperation;
	assert_int_equal(list_total(f->ts.db, c, NULL, NULL), 2);
	assert_int_equal(list_total(f->ts.db, c, "kind", "cluster"), 1);
	assert_int_equal(list_total(f->ts.db, c, "city", "granada"), 1);
	assert_int_equal(list_total(f->ts.db, c, "country", "CN"), 2);
	assert_int_equal(list_total(f->ts.db, c, "topic", "digital-transition"), 1);
	assert_int_equal(list_total(f->ts.db, c, "topic", "Digital Transition"), 1);
	assert_int_equal(list_total(f->ts.db, c, "sdg", "9"), 1);
	assert_int_equal(list_total(f->ts.db, c, "q", "metropole"), 2);    /* through member names, folded */
	assert_int_equal(list_total(f->ts.db, c, "q", "100%"), 0);         /* LIKE characters are literal */
	assert_int_equal(list_total(f->ts.db, &entity_city, "q", "海口"), 1);
	assert_int_equal(list_total(f->ts.db, &entity_city, "q", "CÔTE"), 1);

	struct list_query q = {.limit = 1};
	char next[SLUG_MAX * 4 + 1], cursor[SLUG_MAX * 4 + 1];
	json_t *items;
	long total;
	int pages = 0;
	do {
		assert_int_equal(store_list(f->ts.db, &entity_city, &q, &items, next, &total), 0);
		assert_int_equal(json_array_size(items), 1);
		assert_int_equal(total, 3);
		json_decref(items);
		memcpy(cursor, next, sizeof cursor);
		q.cursor = cursor;
		pages++;
	} while (*next && pages < 10);
	assert_int_equal(pages, 3);
}

static void names_match_folded(void **state)
{
	struct fixture *f = *state;
	add_cities(f->ts.db);
	char *keys[4];
	assert_int_equal(store_match_name(f->ts.db, &entity_city, "metropole nice cote d’azur", keys, 4), 1);
	assert_string_equal(keys[0], "nice");
	free(keys[0]);
	assert_int_equal(store_match_name(f->ts.db, &entity_city, "NICE", keys, 4), 1);
	free(keys[0]);
	assert_int_equal(store_match_name(f->ts.db, &entity_city, "海口", keys, 4), 1);
	assert_string_equal(keys[0], "haikou");
	free(keys[0]);
	assert_int_equal(store_match_name(f->ts.db, &entity_city, "Rome", keys, 4), 0);
}

static void taxonomies_loaded(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(list_total(f->ts.db, &entity_sdg, NULL, NULL), 17);
	assert_true(list_total(f->ts.db, &entity_topic, NULL, NULL) >= 19);
	assert_true(list_total(f->ts.db, &entity_urban_agenda, NULL, NULL) >= 14);
	json_t *t;
	assert_int_equal(store_get(f->ts.db, &entity_topic, "Smart cities and regional/urban innovation and competitiveness", &t), 0);
	json_decref(t);
}

static void deletes_and_audit(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	enum put_outcome o;
	db_set_actor(f->ts.db, "alice", "api");
	add_cities(f->ts.db);
	assert_int_equal(put(f->ts.db, &entity_city, "{\"slug\":\"nice\",\"name\":\"Nice\",\"country\":\"FR\",\"population\":1}",
			     &o, &errs), 0);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Haikou\","
			     "\"members\":[\"nice\",\"haikou\"]}", &o, &errs), 0);
	errors_init(&errs);
	assert_int_equal(store_delete(f->ts.db, &entity_city, "granada", &errs), 0);
	assert_int_equal(store_delete(f->ts.db, &entity_city, "granada", &errs), STORE_NOT_FOUND);
	json_t *rows;
	struct audit_query q = {.entity = "city", .record = "nice"};
	assert_int_equal(store_audit_list(f->ts.db, &q, &rows), 0);
	assert_int_equal(json_array_size(rows), 2);              /* created, then updated */
	json_t *last = json_array_get(rows, 0);
	assert_string_equal(record_str(last, "action"), "update");
	assert_string_equal(record_str(last, "actor"), "alice");
	assert_string_equal(record_str(last, "via"), "api");
	json_t *pop = json_object_get(json_object_get(last, "changes"), "population");
	assert_int_equal(json_integer_value(json_object_get(pop, "before")), 540000);
	assert_int_equal(json_integer_value(json_object_get(pop, "after")), 1);
	json_decref(rows);
	struct audit_query del = {.record = "granada", .actor = "alice"};
	assert_int_equal(store_audit_list(f->ts.db, &del, &rows), 0);
	assert_string_equal(record_str(json_array_get(rows, 0), "action"), "delete");
	json_decref(rows);
}

static void referenced_record_kept(void **state)
{
	struct fixture *f = *state;
	struct errors errs;
	enum put_outcome o;
	add_cities(f->ts.db);
	assert_int_equal(put(f->ts.db, &entity_cooperation, "{\"kind\":\"pairing\",\"name\":\"Nice – Haikou\","
			     "\"members\":[\"nice\",\"haikou\"]}", &o, &errs), 0);
	assert_int_equal(db_begin_write(f->ts.db), 0);
	errors_init(&errs);
	assert_int_equal(store_delete(f->ts.db, &entity_city, "haikou", &errs), STORE_INVALID);
	assert_string_equal(errs.e[0].code, "conflict");
	db_rollback(f->ts.db);
	json_t *city;
	assert_int_equal(store_get(f->ts.db, &entity_city, "haikou", &city), 0);
	json_decref(city);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(put_get_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(references_resolved_and_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(filters_and_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(names_match_folded, setup, teardown),
		cmocka_unit_test_setup_teardown(taxonomies_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(deletes_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(referenced_record_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
