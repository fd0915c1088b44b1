/* openapi.c: the OpenAPI 3.1 document of the API, generated from the route table and the
 * entity descriptors, so it cannot drift from what the server does. */
#include "core/plan.h"
#include "core/record.h"
#include "web/api.h"
#include "web/reply.h"
#include "web/route.h"

#include <ctype.h>
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
	if (strstr(rt->pattern, "{n}"))
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:i}}", "name", "n", "in", "path",
							"required", 1, "description", "a revision number",
							"schema", "type", "integer", "minimum", 1));
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

static json_t *response_schema_item(const struct route *rt)
{
	char ref[128];
	snprintf(ref, sizeof ref, "#/components/schemas/%s", rt->entity->name);
	return json_pack("{s:s}", "$ref", ref);
}

static json_t *response_schema(const struct route *rt)
{
	json_t *item = response_schema_item(rt);
	if (!(rt->flags & ROUTE_LIST))
		return item;
	return json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:[ss]}}}", "type", "object", "properties",
			 "items", "type", "array", "items", item, "total", "type", "integer", "limit", "type",
			 "integer", "next_cursor", "type", "string", "null");
}

/* A plan as GET gives it (and PUT takes its content and message): the content's keys
 * are described in src/core/plan.h. */
static json_t *plan_schema(void)
{
	return json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:i}, s:{s:s, s:s}}}",
			 "type", "object", "properties", "slug", "type", "string", "revision", "type", "integer",
			 "current_revision", "type", "integer", "saved_at", "type", "string", "author", "type", "string",
			 "message", "type", "string", "maxLength", PLAN_MESSAGE_MAX, "content", "type", "object",
			 "description", "the plan: title, city, cooperation, counterparts, facts, period, themes, sdgs, "
			 "urban_agenda, key_focus, key_challenges, objectives, activities, results, contact, unplaced");
}

/* The operation of one route: its parameters, body, and answers. */
static json_t *operation(const struct route *rt)
{
	int get = strcmp(rt->method, "GET") == 0;
	int del = strcmp(rt->method, "DELETE") == 0, created = strcmp(rt->method, "POST") == 0 && !strstr(rt->pattern, "{slug}");
	json_t *op = json_pack("{s:s, s:o, s:{s:{s:s}}}", "summary", rt->summary, "parameters", parameters(rt),
			       "responses", "default", "description",
			       "An error, in the shape {\"error\":{status, code, field, message, errors}}");
	json_t *responses = json_object_get(op, "responses");
	if (del)
		json_object_set_new(responses, "204", json_pack("{s:s}", "description", "Deleted"));
	else
		json_object_set_new(responses, created ? "201" : "200", json_pack("{s:s, s:{s:{s:o}}}", "description", "OK",
				    "content", "application/json", "schema", response_schema(rt)));
	if (get)
		json_object_set_new(responses, "304", json_pack("{s:s}", "description", "Not modified (If-None-Match)"));
	if (!get && !del && rt->body_max && rt->entity)
		json_object_set_new(op, "requestBody", json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
				    "application/json", "schema", response_schema_item(rt)));
	if (!get)
		json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearer"));
	return op;
}

int api_openapi(struct req *r)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (const struct route *rt = routes; rt->method; rt++) {
		if (!(rt->flags & ROUTE_API))
			continue;
		json_t *path = json_object_get(paths, rt->pattern);
		if (!path) {
			path = json_object();
			json_object_set_new(paths, rt->pattern, path);
		}
		char method[8];
		size_t i = 0;
		for (; rt->method[i] && i + 1 < sizeof method; i++)
			method[i] = (char)tolower((unsigned char)rt->method[i]);
		method[i] = '\0';
		if (!rt->entity) {   /* the index, the health check, this document */
			json_object_set_new(path, method, json_pack("{s:s, s:{s:{s:s, s:{s:{s:{s:s}}}}}}",
				"summary", rt->summary, "responses", "200", "description", "OK", "content",
				"application/json", "schema", "type", "object"));
			continue;
		}
		json_object_set_new(path, method, operation(rt));
		json_object_set_new(schemas, rt->entity->name, rt->entity == &entity_plan ? plan_schema() : entity_schema(rt->entity));
	}
	return reply_json(r, 200, json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s}}}}", "openapi", "3.1.0",
					    "info", "title", "c2c API", "version", C2C_VERSION, "paths", paths,
					    "components", "schemas", schemas, "securitySchemes", "bearer", "type", "http",
					    "scheme", "bearer"));
}
