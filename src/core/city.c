/* city.c: a city or region taking part in a programme: a local or regional government
 * such as "Métropole Nice Côte d'Azur", with the facts the programme publishes about it. */
#include "core/country.h"
#include "core/entity.h"
#include "core/errors.h"
#include "core/record.h"
#include "util/str.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const struct field other_name_fields[] = {
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Name", NULL, NULL, NULL},
	{"lang", FT_TEXT, 0, 0, 35, "Language", NULL, NULL, NULL},
};
static const struct entity city_other_name = {
	.name = "other name",
	.plural = "other_names",
	.table = "city_names",
	.key = "name",
	.fields = other_name_fields,
	.nfields = N(other_name_fields),
	.order = "position",
};

static const struct field city_fields[] = {
	{"slug", FT_SLUG, 0, 1, 64, "Slug", NULL, NULL, NULL},
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Name", NULL, NULL, NULL},
	{"other_names", FT_LIST, 0, 0, 20, "Other names", NULL, NULL, &city_other_name},
	{"country", FT_COUNTRY, 0, 0, 0, "Country", NULL, NULL, NULL},
	{"region", FT_TEXT, 0, 0, 200, "Province or region", NULL, NULL, NULL},
	{"world_region", FT_ENUM, 0, 0, 0, "World region", world_regions, NULL, NULL},
	{"population", FT_INT, 0, 0, 100000000, "Population", NULL, NULL, NULL},
	{"area_km2", FT_REAL, 0, 0, 1000000, "Area (km²)", NULL, NULL, NULL},
	{"leader", FT_TEXT, 0, 0, 200, "Leader", NULL, NULL, NULL},
	{"leader_title", FT_TEXT, 0, 0, 100, "Leader's title", NULL, NULL, NULL},
	{"lat", FT_REAL, 0, -90, 90, "Latitude", NULL, NULL, NULL},
	{"lon", FT_REAL, 0, -180, 180, "Longitude", NULL, NULL, NULL},
	{"description", FT_TEXT, FF_MULTILINE, 0, 20000, "Description", NULL, NULL, NULL},
	{"source", FT_TEXT, FF_MULTILINE, 0, 2000, "Source", NULL, NULL, NULL},
};

static const struct filter city_filters[] = {
	{"q", FT_TEXT, FILTER_LIKE, 1, 100, NULL, "r.search_key LIKE ? ESCAPE '\\'", "Name"},
	{"country", FT_COUNTRY, FILTER_EQ, 0, 0, NULL, "r.country = ?", "Country"},
	{"world_region", FT_ENUM, FILTER_EQ, 0, 0, world_regions, "r.world_region = ?", "World region"},
	{"programme", FT_SLUG, FILTER_EQ, 1, 64, NULL,
	 "EXISTS (SELECT 1 FROM cooperation_members m JOIN cooperations c ON c.id = m.owner_id"
	 " JOIN programmes p ON p.id = c.programme_id WHERE m.city_id = r.id AND p.slug = ?)", "Programme"},
	{NULL, FT_TEXT, FILTER_EQ, 0, 0, NULL, NULL, NULL},
};

/* Derives the slug and world region when not given; coordinates come in pairs. */
static int check_city(json_t *rec, struct errors *errs)
{
	int bad = 0;
	bad += record_default_slug(rec, "name", errs);
	if (!record_str(rec, "world_region")) {
		const struct country *c = country_by_code(record_str(rec, "country"));
		if (c)
			json_object_set_new(rec, "world_region", json_string(c->world_region));
	}
	if (json_is_null(json_object_get(rec, "lat")) != json_is_null(json_object_get(rec, "lon")))
		errors_add(errs, "lat", "invalid_field", "lat and lon must be given together"), bad++;
	return bad;
}

const struct entity entity_city = {
	.name = "city",
	.plural = "cities",
	.table = "cities",
	.key = "slug",
	.fields = city_fields,
	.nfields = N(city_fields),
	.filters = city_filters,
	.order = "slug",
	.check = check_city,
	.keys_table = "city_keys",
};
