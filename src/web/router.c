/* router.c: matching a request against the route table, and validating the query of
 * list routes against the entity's filters before any handler runs. */
#include "web/router.h"
#include "core/country.h"
#include "core/record.h"
#include "web/reply.h"
#include "util/buf.h"
#include "util/str.h"

#include <string.h>

/* A section key: lowercase ASCII letters, digits and '_' (the keys of plan.c's table,
 * such as "key_focus"), at most 32 of them. */
static int is_part(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && n <= 32 && s[n] == '\0';
}

/* One path segment, up to '/' or '.' (which no slug, key or number contains, so that
 * "/plans/{slug}.pdf" works), copied into the arena; NULL when it is not of the shape
 * `valid` accepts. */
static const char *segment(struct req *r, const char **path, int (*valid)(const char *))
{
	size_t n = strcspn(*path, "/.");
	char *seg = arena_strndup(&r->arena, *path, n);
	*path += n;
	return seg && valid(seg) ? seg : NULL;
}

/* Matches one pattern; {slug} takes one segment that is a valid slug, {part} a section
 * key, {n} a revision number (anything else cannot name a record, so it is a 404, not a lookup). */
static int pattern_match(const char *pattern, const char *path, struct req *r)
{
	r->slug = r->part = NULL;
	r->number = 0;
	while (*pattern && *path) {
		if (strncmp(pattern, "{slug}", 6) == 0 || strncmp(pattern, "{part}", 6) == 0) {
			int is_slug_pattern = pattern[1] == 's';
			const char *seg = segment(r, &path, is_slug_pattern ? is_slug : is_part);
			if (!seg)
				return 0;
			*(is_slug_pattern ? &r->slug : &r->part) = seg;
			pattern += 6;
			continue;
		}
		if (strncmp(pattern, "{n}", 3) == 0) {
			size_t n = strspn(path, "0123456789");
			long long v;
			char digits[12];
			if (n == 0 || n >= sizeof digits)
				return 0;
			memcpy(digits, path, n);
			digits[n] = '\0';
			if (parse_int(digits, 1, 1000000000, &v))
				return 0;
			r->number = (int)v;
			pattern += 3;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

/* "GET, HEAD, POST": the methods of the routes whose pattern matches the path. */
static const char *allowed(struct req *r)
{
	struct buf b = BUF_INIT(256);
	for (const struct route *rt = routes; rt->method; rt++) {
		if (!pattern_match(rt->pattern, r->path, r) || strstr(buf_str(&b), rt->method))
			continue;
		buf_printf(&b, "%s%s%s", b.len ? ", " : "", rt->method, strcmp(rt->method, "GET") == 0 ? ", HEAD" : "");
	}
	const char *allow = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	r->slug = NULL;
	return allow ? allow : "GET, HEAD";
}

int route_match(struct req *r)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	int path_known = 0;
	for (const struct route *rt = routes; rt->method; rt++) {
		r->slug = NULL;
		if (!pattern_match(rt->pattern, r->path, r))
			continue;
		if (strcmp(rt->method, method) == 0) {
			r->route = rt;
			return 200;
		}
		path_known = 1;
	}
	r->slug = NULL;
	if (path_known) {
		r->allow = allowed(r);
		return 405;
	}
	return 404;
}

static int filter_index(const struct entity *e, const char *name)
{
	int i = 0;
	for (const struct filter *f = e->filters; f && f->param; f++, i++)
		if (strcmp(f->param, name) == 0)
			return i;
	return -1;
}

/* Checks a filter value as its type requires; returns the value to bind (country codes
 * upper-cased) or NULL after replying 422. */
static const char *check_filter(struct req *r, const struct filter *f, const char *v)
{
	long long n;
	switch (f->type) {
	case FT_SLUG:
		if (is_slug(v))
			return v;
		break;
	case FT_INT:
		if (parse_int(v, (long long)f->min, (long long)f->max, &n) == 0)
			return v;
		reply_error(r, 422, "invalid_parameter", f->param, "%s must be a whole number between %.0f and %.0f",
			    f->param, f->min, f->max);
		return NULL;
	case FT_ENUM:
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(*c, v) == 0)
				return v;
		break;
	case FT_COUNTRY: {
		char code[3] = {0};
		if (strlen(v) == 2) {
			code[0] = (char)(v[0] & ~0x20);
			code[1] = (char)(v[1] & ~0x20);
			if (country_by_code(code))
				return arena_strdup(&r->arena, code);
		}
		reply_error(r, 422, "invalid_parameter", f->param,
			    "%s must be an ISO 3166 two-letter country code such as FR or CN", f->param);
		return NULL;
	}
	default:
		if (utf8_chars(v) >= f->min && utf8_chars(v) <= f->max && !utf8_has_control(v))
			return v;
		reply_error(r, 422, "invalid_parameter", f->param, "%s must be text of %.0f to %.0f characters",
			    f->param, f->min, f->max);
		return NULL;
	}
	struct field as_field = {f->param, f->type, 0, f->min, f->max, f->param, f->choices, NULL, NULL};
	char rule[200];
	reply_error(r, 422, "invalid_parameter", f->param, "%s must be %s", f->param,
		    field_rule(&as_field, rule, sizeof rule));
	return NULL;
}

static void accepted_list(const struct entity *e, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (const struct filter *f = e->filters; f && f->param; f++)
		n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s, ", f->param);
	snprintf(out + (n < size ? n : size - 1), n < size ? size - n : 1, "limit, cursor");
}

int route_check_query(struct req *r)
{
	const struct route *rt = r->route;
	if (rt->flags & ROUTE_ANY_QUERY)
		return 0;
	const struct entity *e = rt->entity;
	r->list.limit = LIST_LIMIT_DEFAULT;
	r->list.cursor = NULL;
	for (int i = 0; i < r->nargs; i++) {
		const char *name = r->args[i].name, *v = r->args[i].value;
		for (int k = 0; k < i; k++)
			if (strcmp(r->args[k].name, name) == 0)
				return reply_error(r, 400, "duplicate_parameter", name, "parameter %s is given more than once", name);
		int fi = (rt->flags & ROUTE_LIST) ? filter_index(e, name) : -1;
		int paging = (rt->flags & ROUTE_LIST) && (strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0);
		if (fi < 0 && !paging) {
			char accepted[512];
			if (!(rt->flags & ROUTE_LIST))
				return reply_error(r, 400, "unknown_parameter", name,
						   "unknown parameter %s: this address takes no parameters", name);
			accepted_list(e, accepted, sizeof accepted);
			return reply_error(r, 400, "unknown_parameter", name,
					   "unknown parameter %s: this list accepts %s", name, accepted);
		}
		if (!v || !*v)
			continue;   /* an empty form field means "any" */
		if (strcmp(name, "limit") == 0) {
			long long n;
			if (parse_int(v, 1, LIST_LIMIT_MAX, &n))
				return reply_error(r, 422, "invalid_parameter", "limit",
						   "limit must be a whole number between 1 and %d", LIST_LIMIT_MAX);
			r->list.limit = (int)n;
		} else if (strcmp(name, "cursor") == 0) {
			if (strlen(v) > SLUG_MAX * 4 || utf8_has_control(v))
				return reply_error(r, 422, "invalid_parameter", "cursor",
						   "cursor must be the next_cursor of a previous page");
			r->list.cursor = v;
		} else if (!(r->list.filter[fi] = check_filter(r, &e->filters[fi], v))) {
			return r->status;
		}
	}
	return 0;
}
