/* embed.c: lookup in the tables that scripts/embed.py generates. */
#include "util/embed.h"

#include <string.h>

const struct embedded_file *embed_find(const struct embedded_file *table, const char *name)
{
	for (; table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}
