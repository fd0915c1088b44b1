/* plan_view.c: builds the plan view every renderer reads (plan_view.h).
 *
 * The header table is where the plan's stated facts meet the city records: a value the
 * plan states (even "N/A") wins, because the summary is the plan's own account; otherwise
 * the records speak, joined over the counterparts. */
#include "render/plan_view.h"
#include "core/country.h"
#include "core/entity.h"
#include "core/plan.h"
#include "store/plans.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "540 000" with a narrow no-break space between groups, as the pages print numbers. */
static void put_count(struct buf *b, long long n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_puts(b, "\xE2\x80\xAF");
		buf_putc(b, digits[i]);
	}
}

static void put_area(struct buf *b, double km2)
{
	long long tenths = llround(km2 * 10);
	put_count(b, tenths / 10);
	if (tenths % 10)
		buf_printf(b, ".%lld", tenths % 10);
	buf_puts(b, "\xC2\xA0km\xC2\xB2");
}

/* A stated value (text, number, or "N/A") as display text into b; 0 when none is stated. */
static int put_stated(struct buf *b, const json_t *side, const char *key)
{
	json_t *v = json_object_get(side, key);
	if (json_is_string(v))
		buf_puts(b, json_string_value(v));
	else if (json_is_integer(v) && strcmp(key, "population") == 0)
		put_count(b, json_integer_value(v));
	else if (json_is_number(v))
		put_area(b, json_number_value(v));
	else
		return 0;
	return 1;
}

/* One city record's value of a header row into b; 0 when the record has none. */
static int put_record(struct buf *b, const json_t *city, const char *key)
{
	if (strcmp(key, "name") == 0 || strcmp(key, "province") == 0) {
		const char *s = json_string_value(json_object_get(city, strcmp(key, "name") == 0 ? "name" : "region"));
		return s ? (buf_puts(b, s), 1) : 0;
	}
	if (strcmp(key, "country") == 0) {
		const struct country *c = country_by_code(json_string_value(json_object_get(city, "country")));
		return c ? (buf_puts(b, c->name), 1) : 0;
	}
	json_t *v = json_object_get(city, key);
	if (!json_is_number(v))
		return 0;
	if (strcmp(key, "population") == 0)
		put_count(b, (long long)json_number_value(v));
	else
		put_area(b, json_number_value(v));
	return 1;
}

/* The records' values of a row over several cities: names, provinces and countries listed
 * once each; numbers labelled with their city when there are several. */
static void put_records(struct buf *b, const json_t *cities, const char *key)
{
	int numeric = strcmp(key, "population") == 0 || strcmp(key, "area_km2") == 0;
	size_t n = json_array_size(cities), written = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *city = json_array_get(cities, i);
		struct buf one = BUF_INIT(4096);
		if (put_record(&one, city, key) && !strstr(buf_str(b), buf_str(&one))) {
			buf_puts(b, written++ ? ", " : "");
			buf_puts(b, buf_str(&one));
			if (numeric && n > 1)
				buf_printf(b, " (%s)", json_string_value(json_object_get(city, "name")));
		}
		buf_free(&one);
	}
	if (!written)
		buf_puts(b, "N/A");
}

static const struct header_row { const char *key, *label; } header_rows[] = {
	{"name", "City"},
	{"province", "Province, state, department"},
	{"country", "Country"},
	{"population", "Population"},
	{"area_km2", "Size (km\xC2\xB2)"},
};

static json_t *cell(const json_t *side, const json_t *records, const char *key)
{
	struct buf b = BUF_INIT(1 << 16);
	if (!put_stated(&b, side, key))
		put_records(&b, records, key);
	json_t *s = json_string(buf_str(&b));
	buf_free(&b);
	return s ? s : json_string("");
}

static json_t *header(const json_t *content, const json_t *own, const json_t *counterparts)
{
	json_t *facts = json_object_get(content, "facts");
	json_t *rows = json_array();
	for (size_t i = 0; i < sizeof header_rows / sizeof *header_rows; i++) {
		const struct header_row *h = &header_rows[i];
		json_array_append_new(rows, json_pack("{s:s, s:o, s:o}", "label", h->label,
			"city", cell(json_object_get(facts, "city"), own, h->key),
			"counterparts", cell(json_object_get(facts, "counterparts"), counterparts, h->key)));
	}
	return rows;
}

/* The city's name in Chinese, Japanese or Korean, if it has one: the other_names entry
 * (not consumed), for the cities list. */
static const json_t *native_name(const json_t *city)
{
	static const char *const scripts[] = {"zh", "ja", "ko", NULL};
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(city, "other_names"), i, n) {
		const char *lang = json_string_value(json_object_get(n, "lang"));
		for (const char *const *l = scripts; lang && *l; l++)
			if (strcmp(lang, *l) == 0)
				return n;
	}
	return NULL;
}

/* Loads the city records the plan names: its own city into own, counterparts into
 * counterparts, and a summary of each into cities. */
static int load_cities(struct db *db, const json_t *content, json_t *own, json_t *counterparts, json_t *cities)
{
	json_t *slugs = json_array();
	if (json_is_string(json_object_get(content, "city")))
		json_array_append(slugs, json_object_get(content, "city"));
	json_array_extend(slugs, json_object_get(content, "counterparts"));
	size_t i;
	json_t *slug;
	int rc = STORE_OK;
	json_array_foreach(slugs, i, slug) {
		int is_own = i == 0 && json_is_string(json_object_get(content, "city"));
		json_t *rec = NULL;
		rc = store_get(db, &entity_city, json_string_value(slug), &rec);
		if (rc == STORE_NOT_FOUND)
			continue;   /* deleted since: the plan keeps its slug; no facts to show */
		if (rc)
			break;
		const json_t *native = native_name(rec);
		json_t *summary = json_pack("{s:O, s:O, s:s}", "slug", slug, "name", json_object_get(rec, "name"),
					    "role", is_own ? "city" : "counterpart");
		if (native) {
			json_object_set(summary, "native", json_object_get(native, "name"));
			json_object_set(summary, "native_lang", json_object_get(native, "lang"));
		}
		json_array_append_new(cities, summary);
		json_array_append_new(is_own ? own : counterparts, rec);
	}
	json_decref(slugs);
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

static int load_sdg_titles(struct db *db, const json_t *content, json_t *titles)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(content, "sdgs"), i, n) {
		char key[8];
		snprintf(key, sizeof key, "%d", (int)json_integer_value(n));
		json_t *rec = NULL;
		int rc = store_get(db, &entity_sdg, key, &rec);
		if (rc < 0)
			return rc;
		if (rc == STORE_OK)
			json_object_set(titles, key, json_object_get(rec, "title"));
		json_decref(rec);
	}
	return STORE_OK;
}

static int load_cooperation(struct db *db, const json_t *content, json_t *view)
{
	const char *slug = json_string_value(json_object_get(content, "cooperation"));
	json_t *rec = NULL;
	int rc = slug ? store_get(db, &entity_cooperation, slug, &rec) : STORE_NOT_FOUND;
	if (rc == STORE_OK)
		json_object_set_new(view, "cooperation", json_pack("{s:s, s:O}", "slug", slug,
								   "name", json_object_get(rec, "name")));
	json_decref(rec);
	return rc < 0 ? rc : STORE_OK;
}

int plan_view_build(struct db *db, const json_t *doc, json_t **view)
{
	json_t *v = json_deep_copy(doc);
	json_t *content = json_object_get(v, "content");
	json_object_set(v, "title", json_object_get(content, "title"));
	json_t *own = json_array(), *counterparts = json_array(), *cities = json_array(), *titles = json_object();
	int rc = load_cities(db, content, own, counterparts, cities);
	if (!rc)
		rc = load_sdg_titles(db, content, titles);
	if (!rc)
		rc = load_cooperation(db, content, v);
	json_object_set_new(v, "header", header(content, own, counterparts));
	json_object_set_new(v, "cities", cities);
	json_object_set_new(v, "sdg_titles", titles);
	json_decref(own);
	json_decref(counterparts);
	if (rc) {
		json_decref(v);
		return rc;
	}
	*view = v;
	return STORE_OK;
}

int plan_view_load(struct db *db, const char *slug, int revision, json_t **view)
{
	json_t *doc = NULL;
	int rc = store_plan_get(db, slug, revision, &doc);
	if (rc)
		return rc;
	rc = plan_view_build(db, doc, view);
	json_decref(doc);
	return rc;
}
