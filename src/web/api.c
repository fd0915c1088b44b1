/* api.c: the JSON API's handlers. They are generic: the route names the entity, the
 * entity's descriptor shapes the record, so a new kind of record needs routes, not code. */
#include "web/api.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>

int api_list(struct req *r)
{
	json_t *items;
	char next[SLUG_MAX * 4 + 1];
	long total;
	int rc = store_list(r->db, r->route->entity, &r->list, &items, next, &total);
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:s?}", "items", items, "total", (json_int_t)total,
					    "limit", r->list.limit, "next_cursor", *next ? next : NULL));
}

int api_item(struct req *r)
{
	json_t *rec = reply_route_record(r);
	return rec ? reply_json(r, 200, rec) : r->status;
}

int api_index(struct req *r)
{
	json_t *links = json_object();
	for (const struct route *rt = routes; rt->method; rt++)
		if ((rt->flags & ROUTE_API) && (rt->flags & ROUTE_LIST))
			json_object_set_new(links, rt->entity->plural, json_string(rt->pattern));
	return reply_json(r, 200, json_pack("{s:s, s:o, s:s}", "name", "c2c open data",
					    "collections", links, "openapi", "/api/openapi.json"));
}

int api_health(struct req *r)
{
	int version = store_schema_version(r->db);
	if (version <= 0)
		return reply_store_error(r, STORE_UNAVAILABLE);
	r->no_etag = 1;
	return reply_json(r, 200, json_pack("{s:s, s:i}", "status", "ok", "schema_version", version));
}
