/* entities.c: the registry of record kinds, in the order an export lists them (taxonomies
 * and programmes before the cities and cooperations that refer to them). */
#include "core/entity.h"

#include <string.h>

const struct entity *const entities[] = {
	&entity_topic, &entity_sdg, &entity_urban_agenda,
	&entity_programme, &entity_city, &entity_cooperation, NULL,
};

const struct entity *entity_by_plural(const char *plural)
{
	for (const struct entity *const *e = entities; *e; e++)
		if (strcmp((*e)->plural, plural) == 0)
			return *e;
	return NULL;
}

const struct entity *entity_by_name(const char *name)
{
	for (const struct entity *const *e = entities; name && *e; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}
