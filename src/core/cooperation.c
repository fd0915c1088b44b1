/* cooperation.c: a pairing of two cities or a cluster of several, working together in a
 * programme on topics, with a lifecycle status. Its history holds dated notes ("In July
 * 2018 ..."), its interests the areas or projects the cities want to work on. */
#include "core/country.h"
#include "core/entity.h"
#include "core/errors.h"
#include "core/record.h"
#include "util/str.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const cooperation_kinds[] = {"pairing", "cluster", NULL};
static const char *const cooperation_statuses[] = {"proposed", "active", "completed", "dormant", "ended", NULL};

static const struct field member_fields[] = {
	{"city", FT_REF, FF_REQUIRED, 0, 0, "City", NULL, &entity_city, NULL},
};
static const struct entity cooperation_member = {
	.name = "member",
	.plural = "members",
	.table = "cooperation_members",
	.key = "city",
	.fields = member_fields,
	.nfields = N(member_fields),
	.flags = ENT_SCALAR_ROW,
	.order = "position",
};

static const struct field role_fields[] = {
	{"city", FT_REF, FF_REQUIRED, 0, 0, "City", NULL, &entity_city, NULL},
	{"role", FT_TEXT, FF_REQUIRED, 1, 100, "Role", NULL, NULL, NULL},
};
static const struct entity cooperation_role = {
	.name = "member role",
	.plural = "member_roles",
	.table = "cooperation_roles",
	.key = "city",
	.fields = role_fields,
	.nfields = N(role_fields),
	.order = "position",
};

static const struct field topic_ref_fields[] = {
	{"topic", FT_REF, FF_REQUIRED, 0, 0, "Topic", NULL, &entity_topic, NULL},
};
static const struct entity cooperation_topic = {
	.name = "topic",
	.plural = "topics",
	.table = "cooperation_topics",
	.key = "topic",
	.fields = topic_ref_fields,
	.nfields = N(topic_ref_fields),
	.flags = ENT_SCALAR_ROW,
	.order = "position",
};

static const struct field sdg_ref_fields[] = {
	{"sdg", FT_INT, FF_REQUIRED, 1, 17, "Sustainable Development Goal", NULL, NULL, NULL},
};
static const struct entity cooperation_sdg = {
	.name = "goal",
	.plural = "sdgs",
	.table = "cooperation_sdgs",
	.key = "sdg",
	.fields = sdg_ref_fields,
	.nfields = N(sdg_ref_fields),
	.flags = ENT_SCALAR_ROW,
	.order = "position",
};

static const struct field urban_agenda_ref_fields[] = {
	{"partnership", FT_REF, FF_REQUIRED, 0, 0, "Partnership", NULL, &entity_urban_agenda, NULL},
};
static const struct entity cooperation_urban_agenda = {
	.name = "partnership",
	.plural = "urban_agenda",
	.table = "cooperation_urban_agenda",
	.key = "partnership",
	.fields = urban_agenda_ref_fields,
	.nfields = N(urban_agenda_ref_fields),
	.flags = ENT_SCALAR_ROW,
	.order = "position",
};

static const struct field interest_fields[] = {
	{"text", FT_TEXT, FF_REQUIRED, 1, 1000, "Area or project", NULL, NULL, NULL},
};
static const struct entity cooperation_interest = {
	.name = "interest",
	.plural = "interests",
	.table = "cooperation_interests",
	.key = "text",
	.fields = interest_fields,
	.nfields = N(interest_fields),
	.flags = ENT_SCALAR_ROW,
	.order = "position",
};

static const struct field note_fields[] = {
	{"date", FT_DATE, FF_REQUIRED, 0, 0, "Date", NULL, NULL, NULL},
	{"text", FT_TEXT, FF_REQUIRED | FF_MULTILINE, 1, 4000, "What happened", NULL, NULL, NULL},
};
static const struct entity cooperation_note = {
	.name = "history note",
	.plural = "history",
	.table = "cooperation_history",
	.key = "date",
	.fields = note_fields,
	.nfields = N(note_fields),
	.order = "position",
};

static const struct field cooperation_fields[] = {
	{"slug", FT_SLUG, 0, 1, 64, "Slug", NULL, NULL, NULL},
	{"kind", FT_ENUM, FF_REQUIRED, 0, 0, "Kind", cooperation_kinds, NULL, NULL},
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Name", NULL, NULL, NULL},
	{"programme", FT_REF, 0, 0, 0, "Programme", NULL, &entity_programme, NULL},
	{"round", FT_TEXT, 0, 0, 100, "Round", NULL, NULL, NULL},
	{"members", FT_LIST, FF_REQUIRED, 0, 50, "Member cities", NULL, NULL, &cooperation_member},
	{"member_roles", FT_LIST, 0, 0, 50, "Roles of members", NULL, NULL, &cooperation_role},
	{"topics", FT_LIST, 0, 0, 40, "Topics", NULL, NULL, &cooperation_topic},
	{"sdgs", FT_LIST, 0, 0, 17, "Sustainable Development Goals", NULL, NULL, &cooperation_sdg},
	{"urban_agenda", FT_LIST, 0, 0, 30, "Urban Agenda partnerships", NULL, NULL, &cooperation_urban_agenda},
	{"description", FT_TEXT, FF_MULTILINE, 0, 20000, "Description", NULL, NULL, NULL},
	{"interests", FT_LIST, 0, 0, 100, "Areas and projects of interest", NULL, NULL, &cooperation_interest},
	{"history", FT_LIST, 0, 0, 500, "History", NULL, NULL, &cooperation_note},
	{"start_date", FT_DATE, 0, 0, 0, "Start", NULL, NULL, NULL},
	{"end_date", FT_DATE, 0, 0, 0, "End", NULL, NULL, NULL},
	{"status", FT_ENUM, 0, 0, 0, "Status", cooperation_statuses, NULL, NULL},
	{"end_reason", FT_TEXT, FF_MULTILINE, 0, 2000, "Reason for the end", NULL, NULL, NULL},
	{"source", FT_TEXT, FF_MULTILINE, 0, 2000, "Source", NULL, NULL, NULL},
};

#define MEMBER_OF "EXISTS (SELECT 1 FROM cooperation_members m JOIN cities c ON c.id = m.city_id" \
		  " WHERE m.owner_id = r.id AND "
static const struct filter cooperation_filters[] = {
	{"q", FT_TEXT, FILTER_LIKE, 1, 100, NULL,
	 "(r.search_key LIKE ? ESCAPE '\\' OR " MEMBER_OF "c.search_key LIKE ? ESCAPE '\\'))", "Name or city"},
	{"kind", FT_ENUM, FILTER_EQ, 0, 0, cooperation_kinds, "r.kind = ?", "Kind"},
	{"status", FT_ENUM, FILTER_EQ, 0, 0, cooperation_statuses, "r.status = ?", "Status"},
	{"programme", FT_SLUG, FILTER_EQ, 1, 64, NULL,
	 "r.programme_id = (SELECT id FROM programmes WHERE slug = ?)", "Programme"},
	{"city", FT_SLUG, FILTER_EQ, 1, 64, NULL, MEMBER_OF "c.slug = ?)", "City"},
	{"country", FT_COUNTRY, FILTER_EQ, 0, 0, NULL, MEMBER_OF "c.country = ?)", "Country"},
	{"world_region", FT_ENUM, FILTER_EQ, 0, 0, world_regions, MEMBER_OF "c.world_region = ?)", "World region"},
	{"topic", FT_TEXT, FILTER_EQ, 1, 200, NULL,
	 "EXISTS (SELECT 1 FROM cooperation_topics x JOIN topics t ON t.id = x.topic_id"
	 " WHERE x.owner_id = r.id AND (t.slug = ? OR lower(t.name) = lower(?)))", "Topic"},
	{"sdg", FT_INT, FILTER_EQ, 1, 17, NULL,
	 "EXISTS (SELECT 1 FROM cooperation_sdgs x WHERE x.owner_id = r.id AND x.sdg = ?)", "SDG"},
	{NULL, FT_TEXT, FILTER_EQ, 0, 0, NULL, NULL, NULL},
};

static int in_list(json_t *list, const char *s)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_array_get(list, i)), s) == 0)
			return 1;
	return 0;
}

/* Partial dates compare on the precision both have: "2019" is not before "2019-05". */
static int date_before(const char *a, const char *b)
{
	size_t n = strlen(a) < strlen(b) ? strlen(a) : strlen(b);
	return strncmp(a, b, n) < 0;
}

static int check_cooperation(json_t *rec, struct errors *errs)
{
	int bad = 0;
	const char *kind = record_str(rec, "kind");
	json_t *members = json_object_get(rec, "members");
	size_t n = json_array_size(members);
	if (strcmp(kind, "pairing") == 0 && n != 2)
		errors_add(errs, "members", "invalid_field", "a pairing has exactly two member cities, not %zu", n), bad++;
	if (strcmp(kind, "cluster") == 0 && n < 2)
		errors_add(errs, "members", "invalid_field", "a cluster has at least two member cities"), bad++;
	json_t *roles = json_object_get(rec, "member_roles");
	for (size_t i = 0; i < json_array_size(roles); i++) {
		const char *city = record_str(json_array_get(roles, i), "city");
		if (!in_list(members, city))
			errors_add(errs, "member_roles", "invalid_field",
				   "member_roles[%zu] names %s, which is not a member", i, city), bad++;
	}
	if (!record_str(rec, "status"))
		json_object_set_new(rec, "status", json_string("active"));
	const char *status = record_str(rec, "status");
	const char *reason = record_str(rec, "end_reason");
	if (strcmp(status, "ended") == 0 && !reason)
		errors_add(errs, "end_reason", "missing_field", "end_reason is required when the status is ended"), bad++;
	if (strcmp(status, "ended") != 0 && reason)
		errors_add(errs, "end_reason", "invalid_field", "end_reason is only kept when the status is ended"), bad++;
	const char *start = record_str(rec, "start_date"), *end = record_str(rec, "end_date");
	if (start && end && date_before(end, start))
		errors_add(errs, "end_date", "invalid_field", "end_date must not be before start_date"), bad++;
	bad += record_default_slug(rec, "name", errs);
	return bad;
}

const struct entity entity_cooperation = {
	.name = "cooperation",
	.plural = "cooperations",
	.table = "cooperations",
	.key = "slug",
	.fields = cooperation_fields,
	.nfields = N(cooperation_fields),
	.filters = cooperation_filters,
	.order = "slug",
	.check = check_cooperation,
};
