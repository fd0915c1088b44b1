/* programme.c: a cooperation programme such as IUC Asia, and its rounds (e.g. the pilot
 * cities of 2018). Cooperations name the programme and, optionally, the round. */
#include "core/country.h"
#include "core/entity.h"
#include "core/errors.h"
#include "core/record.h"
#include "util/str.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))

static const struct field round_fields[] = {
	{"name", FT_TEXT, FF_REQUIRED, 1, 100, "Round", NULL, NULL, NULL},
	{"year", FT_INT, 0, 1990, 2100, "Year", NULL, NULL, NULL},
};
static const struct entity programme_round = {
	.name = "round",
	.plural = "rounds",
	.table = "programme_rounds",
	.key = "name",
	.fields = round_fields,
	.nfields = N(round_fields),
	.order = "position",
};

static const struct field programme_fields[] = {
	{"slug", FT_SLUG, 0, 1, 64, "Slug", NULL, NULL, NULL},
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Name", NULL, NULL, NULL},
	{"short_name", FT_TEXT, FF_SEARCH, 0, 40, "Short name", NULL, NULL, NULL},
	{"world_region", FT_ENUM, 0, 0, 0, "World region", world_regions, NULL, NULL},
	{"description", FT_TEXT, FF_MULTILINE, 0, 20000, "Description", NULL, NULL, NULL},
	{"url", FT_TEXT, 0, 0, 500, "Web site", NULL, NULL, NULL},
	{"rounds", FT_LIST, 0, 0, 50, "Rounds", NULL, NULL, &programme_round},
};

/* Fills the slug from the name; checks the web address and that rounds are distinct. */
static int check_programme(json_t *rec, struct errors *errs)
{
	int bad = 0;
	bad += record_default_slug(rec, record_str(rec, "short_name") ? "short_name" : "name", errs);
	const char *url = record_str(rec, "url");
	if (url && !str_starts_with_ci(url, "https://") && !str_starts_with_ci(url, "http://"))
		errors_add(errs, "url", "invalid_field", "url must start with https:// or http://"), bad++;
	json_t *rounds = json_object_get(rec, "rounds");
	for (size_t i = 0; i < json_array_size(rounds); i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(record_str(json_array_get(rounds, i), "name"),
				   record_str(json_array_get(rounds, k), "name")) == 0) {
				errors_add(errs, "rounds", "duplicate_item", "rounds[%zu] repeats the name of rounds[%zu]", i, k);
				bad++;
			}
	return bad;
}

const struct entity entity_programme = {
	.name = "programme",
	.plural = "programmes",
	.table = "programmes",
	.key = "slug",
	.fields = programme_fields,
	.nfields = N(programme_fields),
	.order = "slug",
	.check = check_programme,
};
