/* embed.h: files compiled into the binary by scripts/embed.py (migrations, stylesheet,
 * demo data). Each table ends with an entry whose name is NULL. */
#ifndef C2C_EMBED_H
#define C2C_EMBED_H
#include <stddef.h>

struct embedded_file {
	const char *name;   /* base name, e.g. "0001_schema.sql" */
	const char *data;   /* bytes, NUL-terminated */
	size_t len;         /* length without the NUL */
};

const struct embedded_file *embed_find(const struct embedded_file *table, const char *name);

#endif
