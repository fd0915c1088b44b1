/* openapi.c: the OpenAPI 3.1 document of the API, generated from the route table and the
 * entity descriptors, so it cannot drift from what the server does. */
#include "core/record.h"
#include "web/api.h"
#include "web/reply.h"
#include "web/route.h"

#include <string.h>

static json_t *field_schema(const struct field *f);

static json_t *entity_schema(const struct entity *e)
{
	json_t *props = json_object(), *required = json_array();
	for (size_t i = 0; i < e->nfields; i++) {
		json_object_set_new(props, e->fields[i].name, field_schema(&e->fields[i]));
		if (e->fields[i].flags & FF_REQUIRED)
			json_array_append_new(required, json_string(e->fields[i].name));
	}
	return json_pack("{s:s, s:o, s:o}", "type", "object", "properties", props, "required", required);
}

static json_t *field_schema(const struct field *f)
{
	char rule[200];
	json_t *s;
	switch (f->type) {
	case FT_INT:
		s = json_pack("{s:[ss], s:f, s:f}", "type", "integer", "null", "minimum", f->min, "maximum", f->max);
		break;
	case FT_REAL:
		s = json_pack("{s:[ss], s:f, s:f}", "type", "number", "null", "minimum", f->min, "maximum", f->max);
		break;
	case FT_ENUM: {
		json_t *values = json_array();
		for (const char *const *c = f->choices; *c; c++)
			json_array_append_new(values, json_string(*c));
		json_array_append_new(values, json_null());
		s = json_pack("{s:o}", "enum", values);
		break;
	}
	case FT_LIST: {
		const struct entity *sub = f->sub;
		json_t *items = (sub->flags & ENT_SCALAR_ROW) ? field_schema(&sub->fields[0]) : entity_schema(sub);
		s = json_pack("{s:s, s:o, s:f}", "type", "array", "items", items, "maxItems", f->max);
		break;
	}
	case FT_TEXT:
		s = json_pack("{s:[ss], s:f}", "type", "string", "null", "maxLength", f->max);
		break;
	case FT_DATE:
		s = json_pack("{s:[ss], s:s}", "type", "string", "null", "pattern", "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$");
		break;
	default:
		s = json_pack("{s:[ss]}", "type", "string", "null");
		break;
	}
	json_object_set_new(s, "description", json_string(field_rule(f, rule, sizeof rule)));
	json_object_set_new(s, "title", json_string(f->label));
	return s;
}

static json_t *parameters(const struct route *rt)
{
	json_t *params = json_array();
	if (strstr(rt->pattern, "{slug}"))
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "slug", "in", "path",
							"required", 1, "schema", "type", "string"));
	if (!(rt->flags & ROUTE_LIST))
		return params;
	for (const struct filter *f = rt->entity->filters; f && f->param; f++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", f->param, "in", "query",
							"description", f->label, "schema", "type",
							f->type == FT_INT ? "integer" : "string"));
	json_array_append_new(params, json_pack("{s:s, s:s, s:{s:s, s:i, s:i, s:i}}", "name", "limit", "in", "query",
						"schema", "type", "integer", "minimum", 1, "maximum", LIST_LIMIT_MAX, "default", 50));
	json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "cursor", "in", "query",
						"description", "next_cursor of the previous page", "schema", "type", "string"));
	return params;
}

static json_t *response_schema(const struct route *rt)
{
	char ref[128];
	snprintf(ref, sizeof ref, "#/components/schemas/%s", rt->entity->name);
	json_t *item = json_pack("{s:s}", "$ref", ref);
	if (!(rt->flags & ROUTE_LIST))
		return item;
	return json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:[ss]}}}", "type", "object", "properties",
			 "items", "type", "array", "items", item, "total", "type", "integer", "limit", "type",
			 "integer", "next_cursor", "type", "string", "null");
}

int api_openapi(struct req *r)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (const struct route *rt = routes; rt->method; rt++) {
		if (!(rt->flags & ROUTE_API))
			continue;
		if (!rt->entity) {   /* the index, the health check, this document */
			json_object_set_new(paths, rt->pattern, json_pack("{s:{s:s, s:{s:{s:s, s:{s:{s:{s:s}}}}}}}",
				"get", "summary", rt->summary, "responses", "200", "description", "OK", "content",
				"application/json", "schema", "type", "object"));
			continue;
		}
		json_t *op = json_pack("{s:s, s:o, s:{s:{s:s, s:{s:{s:o}}}, s:{s:s}, s:{s:s}}}",
				       "summary", rt->summary, "parameters", parameters(rt), "responses",
				       "200", "description", "OK", "content", "application/json", "schema",
				       response_schema(rt), "304", "description", "Not modified (If-None-Match)",
				       "default", "description", "An error, in the shape {\"error\":{status, code, field, message, errors}}");
		json_object_set_new(paths, rt->pattern, json_pack("{s:o}", "get", op));
		json_object_set_new(schemas, rt->entity->name, entity_schema(rt->entity));
	}
	return reply_json(r, 200, json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.1.0", "info",
					    "title", "c2c API", "version", C2C_VERSION, "paths", paths,
					    "components", "schemas", schemas));
}
