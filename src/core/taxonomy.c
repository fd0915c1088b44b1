/* taxonomy.c: the programme's fixed vocabularies: cooperation topics, the UN Sustainable
 * Development Goals and the partnerships of the Urban Agenda for the EU. Their rows are
 * loaded by migration 0002; records refer to topics and partnerships by name and to
 * SDGs by number. */
#include "core/entity.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const struct field topic_fields[] = {
	{"slug", FT_SLUG, FF_REQUIRED, 1, 64, "Slug", NULL, NULL, NULL},
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Topic", NULL, NULL, NULL},
};
const struct entity entity_topic = {
	.name = "topic",
	.plural = "topics",
	.table = "topics",
	.key = "name",
	.fields = topic_fields,
	.nfields = N(topic_fields),
	.flags = ENT_TAXONOMY,
	.order = "name",
};

static const struct field sdg_fields[] = {
	{"number", FT_INT, FF_REQUIRED, 1, 17, "Number", NULL, NULL, NULL},
	{"slug", FT_SLUG, FF_REQUIRED, 1, 64, "Slug", NULL, NULL, NULL},
	{"title", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Goal", NULL, NULL, NULL},
};
const struct entity entity_sdg = {
	.name = "sustainable development goal",
	.plural = "sdgs",
	.table = "sdgs",
	.key = "number",
	.fields = sdg_fields,
	.nfields = N(sdg_fields),
	.flags = ENT_TAXONOMY,
	.order = "number",
};

static const struct field urban_agenda_fields[] = {
	{"slug", FT_SLUG, FF_REQUIRED, 1, 64, "Slug", NULL, NULL, NULL},
	{"name", FT_TEXT, FF_REQUIRED | FF_SEARCH, 1, 200, "Partnership", NULL, NULL, NULL},
};
const struct entity entity_urban_agenda = {
	.name = "urban agenda partnership",
	.plural = "urban-agenda",
	.table = "urban_agenda",
	.key = "name",
	.fields = urban_agenda_fields,
	.nfields = N(urban_agenda_fields),
	.flags = ENT_TAXONOMY,
	.order = "name",
};
