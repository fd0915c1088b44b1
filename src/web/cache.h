/* cache.h: rendered responses of public GET routes, kept until the data changes.
 *
 * An entry is valid for one data version (store_data_version), which every write moves
 * forward in the database itself; a server therefore never serves a response older than
 * the data it can read, even when another server or a `c2c import` made the change. A
 * request still opens its read transaction and reads the version (one cheap query); a
 * hit then skips loading records and rendering. Bounded in entries and bytes; the least
 * recently used entry goes first. Thread-safe. */
#ifndef C2C_CACHE_H
#define C2C_CACHE_H
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

#define CACHE_ETAG_MAX 40

struct response_cache;

struct response_cache *cache_new(size_t max_entries, size_t max_bytes);
void cache_free(struct response_cache *c);

/* On a hit for key at version, appends the body to out, copies the ETag and returns the
 * content type (a static string); returns NULL on a miss. */
const char *cache_get(struct response_cache *c, const char *key, int64_t version, struct buf *out,
		      char etag[CACHE_ETAG_MAX]);
/* Keeps a copy of body for key at version; content_type must be a static string. */
void cache_put(struct response_cache *c, const char *key, int64_t version, const struct buf *body,
	       const char *content_type, const char *etag);

#endif
