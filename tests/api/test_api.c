/* test_api.c: black-box tests of the c2c binary: the JSON API, the pages, HTTP semantics
 * (ETag, methods, limits, security headers), XSS regressions and the command line.
 *
 * Most tests read one demo database served for the whole group. Expectations are derived
 * from the server's own unfiltered answers (e.g. a filter's result is checked against the
 * full list filtered here) or from the demo data set's published facts, so that a server
 * that ignored a filter, or answered with made-up data, fails. Tests that write, or that
 * need a server of their own, get a fresh environment from their setup function. The
 * routes are read from src/web/routes.c, so a route added there is tested here too.
 *
 * The suite runs on SQLite, or on PostgreSQL under scripts/with-postgres (each environment
 * then gets its own database in the throw-away cluster); it says which on its first line.
 * The tests at the end are about PostgreSQL (several processes on one database, the
 * database going away) and are skipped on SQLite. */
#include "harness.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

static struct h_env demo;   /* the demo database, served to the read-only tests */

/* ---- the route table, read from its source ---- */

struct route_info {
	char method[8];
	char pattern[128];
	int api;                   /* errors (and answers) are JSON */
	int no_store;              /* ROUTE_NO_STORE: a fresh answer for each visitor, never cached */
};
static struct route_info routes[64];   /* the GET routes */
static int nroutes;
static struct route_info writes[64];   /* routes of other methods */
static int nwrites;
static struct route_info private_routes[64];   /* GET routes that need an account */
static int nprivate;

/* Reads the table's lines ({"METHOD", "PATTERN", handler, ..., FLAGS, ...}). */
static int load_routes(void)
{
	FILE *f = fopen("src/web/routes.c", "r");
	if (!f) {
		fprintf(stderr, "test_api: cannot read src/web/routes.c (run from the repository root)\n");
		return -1;
	}
	char line[1024];
	while (fgets(line, sizeof line, f) && nroutes < 64 && nwrites < 64) {
		struct route_info r;
		if (sscanf(line, " {\"%7[^\"]\", \"%127[^\"]\"", r.method, r.pattern) != 2)
			continue;
		r.api = strstr(line, "ROUTE_API") || strstr(line, "API_LIST") || strstr(line, "API_ITEM");
		r.no_store = strstr(line, "ROUTE_NO_STORE") != NULL;
		if (strcmp(r.method, "GET") == 0 && !strstr(line, "PERM_PUBLIC")) {
			if (nprivate < 64)
				private_routes[nprivate++] = r;   /* for signed-in users: tested below */
		} else if (strcmp(r.method, "GET") == 0) {
			routes[nroutes++] = r;
		} else {
			writes[nwrites++] = r;
		}
	}
	fclose(f);
	return nroutes >= 10 ? 0 : -1;
}

static int has_route(const char *method, const char *pattern)
{
	for (int i = 0; i < nwrites; i++)
		if (strcmp(writes[i].method, method) == 0 && strcmp(writes[i].pattern, pattern) == 0)
			return 1;
	return 0;
}

static int is_item_route(const struct route_info *r)
{
	return strstr(r->pattern, "{slug}") != NULL;
}

/* An API collection answering a list: /api/v1/NAME without {slug}. */
static int is_api_list(const struct route_info *r)
{
	return r->api && !is_item_route(r) && strncmp(r->pattern, "/api/v1/", 8) == 0;
}

/* path with {part} replaced by a plan section and {n} by revision 1, the names every
 * plan has. Takes path; free() the result. */
static char *fill_slots(char *path)
{
	static const struct { const char *slot, *value; } slots[] = {{"{part}", "facts"}, {"{n}", "1"}};
	for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
		char *at = strstr(path, slots[i].slot);
		if (!at)
			continue;
		char *fixed = h_strf("%.*s%s%s", (int)(at - path), path, slots[i].value, at + strlen(slots[i].slot));
		free(path);
		path = fixed;
	}
	return path;
}

/* The route's pattern with {slug} replaced by the first record of its collection
 * (/api/v1/cities for both /cities/{slug} and /api/v1/cities/{slug}). free() it. */
static char *concrete(const char *pattern)
{
	const char *slot = strstr(pattern, "/{slug}");
	if (!slot)
		return fill_slots(h_strf("%s", pattern));
	int n = (int)(slot - pattern);
	const char *prefix = strncmp(pattern, "/api/v1/", 8) == 0 ? "" : "/api/v1";
	char *list = h_strf("%s%.*s?limit=1", prefix, n, pattern);
	struct h_resp r;
	h_get(&demo, &r, list, 200);
	const char *slug = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "slug"));
	if (!slug)
		fail_msg("%s has no first record to build %s from", list, pattern);
	char *path = h_strf("%.*s/%s%s", n, pattern, slug, slot + 7);
	h_resp_free(&r);
	free(list);
	return fill_slots(path);
}

static const char *expected_type(const struct route_info *r)
{
	if (r->api)
		return "application/json";
	static const struct { const char *suffix, *type; } types[] = {
		{".css", "text/css"}, {".md", "text/markdown"}, {".pdf", "application/pdf"},
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (strstr(r->pattern, types[i].suffix))
			return types[i].type;
	return "text/html";
}

/* ---- shared helpers ---- */

static json_t *get_json(const char *path)
{
	struct h_resp r;
	h_get(&demo, &r, path, 200);
	if (!r.json)
		fail_msg("GET %s: not JSON: %.200s", path, r.body);
	json_t *doc = json_incref(r.json);
	h_resp_free(&r);
	return doc;
}

/* The items of a whole collection (limit=500; the demo has far fewer). */
static json_t *all_items(const char *collection)
{
	char *path = h_strf("%s?limit=500", collection);
	json_t *doc = get_json(path), *items = json_incref(json_object_get(doc, "items"));
	if (json_object_get(doc, "next_cursor") != NULL && !json_is_null(json_object_get(doc, "next_cursor")))
		fail_msg("%s did not fit one page of 500", collection);
	json_decref(doc);
	free(path);
	return items;
}

static int contains_string(json_t *list, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static void expect_type(const struct h_resp *r, const char *what, const char *type)
{
	const char *got = h_header(r, "Content-Type");
	if (!got || strncmp(got, type, strlen(type)) != 0)
		fail_msg("%s: Content-Type %s, expected %s", what, got ? got : "missing", type);
}

/* Lower-cases ASCII and drops the accents of Latin-1 letters (enough for the demo data:
 * "Métropole" -> "metropole"), to compute what the accent-insensitive q must find. */
static void fold(const char *s, char *out, size_t size)
{
	static const char latin1[] = "aaaaaaaceeeeiiiidnooooo?ouuuuyts";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 2 < size; p++) {
		if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF && latin1[(p[1] - 0x80) & 31] != '?') {
			out[n++] = latin1[(p[1] - 0x80) & 31];
			p++;
		} else {
			out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		}
	}
	out[n] = '\0';
}

static int folded_contains(const char *text, const char *q)
{
	char t[1024], k[256];
	if (!text)
		return 0;
	fold(text, t, sizeof t);
	fold(q, k, sizeof k);
	return strstr(t, k) != NULL;
}

/* ---- group set-up ---- */

static int group_setup(void **state)
{
	(void)state;
	if (h_global_init() || load_routes())
		return -1;
	if (h_env_init(&demo, 1) || h_env_serve(&demo)) {
		h_env_free(&demo);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int status = h_env_stop(&demo);
	if (status != 0)
		fprintf(stderr, "test_api: the demo server exited %d on SIGTERM, not 0\n", status);
	h_env_free(&demo);
	h_global_cleanup();
	return status == 0 ? 0 : -1;
}

/* Per-test environments, freed by the teardown even when the test fails. */
static int env_setup(void **state, int with_demo, int serve)
{
	struct h_env *env = calloc(1, sizeof *env);
	*state = env;
	if (!env || h_env_init(env, with_demo) || (serve && h_env_serve(env))) {
		if (env)
			h_env_free(env);   /* cmocka runs no teardown after a failed setup */
		free(env);
		*state = NULL;
		return -1;
	}
	return 0;
}
static int setup_empty(void **state) { return env_setup(state, 0, 0); }
static int setup_demo(void **state) { return env_setup(state, 1, 0); }
static int setup_demo_served(void **state) { return env_setup(state, 1, 1); }

static int env_teardown(void **state)
{
	struct h_env *env = *state;
	if (env)
		h_env_free(env);
	free(env);
	*state = NULL;
	return 0;
}

/* ---- routes, items and lists ---- */

static void test_healthz(void **state)
{
	(void)state;
	struct h_resp r;
	h_get(&demo, &r, "/healthz", 200);
	expect_type(&r, "/healthz", "application/json");
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	h_expect_security_headers(&r, "/healthz");
	h_resp_free(&r);
}

/* Every route of routes.c answers 200 with its content type, to GET and to HEAD. */
static void test_every_route_answers(void **state)
{
	(void)state;
	for (int i = 0; i < nroutes; i++) {
		char *path = concrete(routes[i].pattern);
		struct h_resp r;
		h_get(&demo, &r, path, 200);
		expect_type(&r, path, expected_type(&routes[i]));
		h_expect_security_headers(&r, path);
		if (r.len == 0)
			fail_msg("GET %s: empty body", path);
		if (!strcmp(expected_type(&routes[i]), "text/html") && strncmp(r.body, "<!DOCTYPE html>", 15))
			fail_msg("GET %s: not an HTML document", path);
		if (routes[i].api && !r.json)
			fail_msg("GET %s: the body is not valid JSON", path);
		h_resp_free(&r);
		if (h_request(&demo, &r, "HEAD", path, NULL, NULL) || r.status != 200 || r.len)
			fail_msg("HEAD %s: status %ld, %zu bytes", path, r.status, r.len);
		h_resp_free(&r);
		free(path);
	}
}

/* A visitor asking for a page that needs an account is sent to sign in, and nothing of
 * the page is shown; the answer is never cached. */
static void test_private_routes_need_sign_in(void **state)
{
	(void)state;
	assert_true(nprivate > 0);
	for (int i = 0; i < nprivate; i++) {
		char *path = h_strf("%s", private_routes[i].pattern);
		char *slot = strstr(path, "{slug}");
		if (slot) {
			char *fixed = h_strf("%.*snice%s", (int)(slot - path), path, slot + 6);
			free(path);
			path = fixed;
		}
		path = fill_slots(path);
		struct h_resp r;
		if (h_request(&demo, &r, "GET", path, NULL, NULL))
			fail_msg("GET %s: no answer", path);
		if (r.status != 303 && r.status != 401)
			fail_msg("GET %s as a visitor: status %ld, expected 303 to /login or 401", path, r.status);
		if (r.status == 303 && (!h_header(&r, "Location") || strncmp(h_header(&r, "Location"), "/login", 6)))
			fail_msg("GET %s as a visitor: redirected to %s", path, h_header(&r, "Location"));
		if (r.body && strstr(r.body, "Métropole"))
			fail_msg("GET %s as a visitor: the answer shows the record", path);
		h_expect_security_headers(&r, path);
		h_resp_free(&r);
		free(path);
	}
}

static void test_api_index(void **state)
{
	(void)state;
	json_t *doc = get_json("/api/v1"), *links = json_object_get(doc, "collections");
	assert_true(json_is_object(links));
	for (int i = 0; i < nroutes; i++) {
		if (!is_api_list(&routes[i]))
			continue;
		int found = 0;
		const char *key;
		json_t *v;
		json_object_foreach(links, key, v)
			found |= json_is_string(v) && strcmp(json_string_value(v), routes[i].pattern) == 0;
		if (!found)
			fail_msg("/api/v1 does not list the collection %s", routes[i].pattern);
	}
	const char *key;
	json_t *v;
	json_object_foreach(links, key, v)
		json_decref(get_json(json_string_value(v)));
	json_decref(doc);
}

static void test_openapi(void **state)
{
	(void)state;
	json_t *doc = get_json("/api/openapi.json");
	const char *version = json_string_value(json_object_get(doc, "openapi"));
	if (!version || strncmp(version, "3.", 2) != 0)
		fail_msg("\"openapi\" is %s", version ? version : "missing");
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	for (int i = 0; i < nroutes; i++) {
		if (strncmp(routes[i].pattern, "/api/v1/", 8) != 0)
			continue;
		if (!json_object_get(json_object_get(paths, routes[i].pattern), "get"))
			fail_msg("the OpenAPI document has no GET %s", routes[i].pattern);
	}
	json_decref(doc);
}

/* Every list has items, total, limit and next_cursor, with the default limit of 50. */
static void test_list_shape(void **state)
{
	(void)state;
	for (int i = 0; i < nroutes; i++) {
		if (!is_api_list(&routes[i]))
			continue;
		json_t *doc = get_json(routes[i].pattern);
		json_t *items = json_object_get(doc, "items"), *total = json_object_get(doc, "total");
		json_t *next = json_object_get(doc, "next_cursor");
		if (!json_is_array(items) || !json_is_integer(total) || !next ||
		    json_integer_value(json_object_get(doc, "limit")) != 50 ||
		    json_integer_value(total) < (json_int_t)json_array_size(items) ||
		    (json_is_null(next) && json_integer_value(total) != (json_int_t)json_array_size(items)))
			fail_msg("%s: not a list of the documented shape", routes[i].pattern);
		json_decref(doc);
	}
}

static void test_sdgs(void **state)
{
	(void)state;
	json_t *doc = get_json("/api/v1/sdgs"), *items = json_object_get(doc, "items");
	int seen[18] = {0};
	assert_int_equal(json_array_size(items), 17);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), 17);
	size_t i;
	json_t *sdg;
	json_array_foreach(items, i, sdg) {
		json_int_t n = json_integer_value(json_object_get(sdg, "number"));
		assert_in_range(n, 1, 17);
		assert_false(seen[n]);
		seen[n] = 1;
		assert_non_null(json_string_value(json_object_get(sdg, "title")));
	}
	json_decref(doc);
}

static void test_cooperation_nice_haikou(void **state)
{
	(void)state;
	json_t *coop = get_json("/api/v1/cooperations/nice-haikou"), *topics = json_object_get(coop, "topics");
	assert_string_equal(json_string_value(json_object_get(coop, "slug")), "nice-haikou");
	assert_string_equal(json_string_value(json_object_get(coop, "kind")), "pairing");
	json_t *want = json_pack("[ss]", "nice", "haikou");
	assert_true(json_equal(json_object_get(coop, "members"), want));
	assert_int_equal(json_array_size(topics), 6);
	assert_true(contains_string(topics, "Digital transition"));
	json_t *known = all_items("/api/v1/topics");
	size_t i;
	json_t *t;
	json_array_foreach(topics, i, t) {
		int found = 0;
		size_t k;
		json_t *kt;
		json_array_foreach(known, k, kt)
			found |= json_equal(json_object_get(kt, "name"), t);
		if (!found)
			fail_msg("topic %s is not in /api/v1/topics", json_string_value(t));
	}
	json_decref(known);
	json_decref(want);
	json_decref(coop);
}

static void expect_city(const char *slug, json_int_t population, double area, const char *leader)
{
	char *path = h_strf("/api/v1/cities/%s", slug);
	json_t *city = get_json(path);
	assert_string_equal(json_string_value(json_object_get(city, "slug")), slug);
	assert_int_equal(json_integer_value(json_object_get(city, "population")), population);
	assert_true(json_is_number(json_object_get(city, "area_km2")));
	assert_true(json_number_value(json_object_get(city, "area_km2")) == area);
	assert_string_equal(json_string_value(json_object_get(city, "leader")), leader);
	json_decref(city);
	free(path);
}

static void test_city_facts(void **state)
{
	(void)state;
	expect_city("nice", 540000, 1400, "Christian Estrosi");
	expect_city("haikou", 2270000, 2305, "Ding Hui");
}

/* Lists and items agree, and every member of a cooperation is a city that exists. */
static void test_items_match_lists(void **state)
{
	(void)state;
	static const char *const collections[] = {"/api/v1/cities", "/api/v1/cooperations", "/api/v1/programmes"};
	for (size_t c = 0; c < sizeof collections / sizeof *collections; c++) {
		json_t *items = all_items(collections[c]);
		assert_true(json_array_size(items) > 0);
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item) {
			char *path = h_strf("%s/%s", collections[c], json_string_value(json_object_get(item, "slug")));
			json_t *one = get_json(path);
			if (!json_equal(one, item))
				fail_msg("%s differs from its entry in %s", path, collections[c]);
			json_t *members = json_object_get(one, "members");
			size_t m;
			json_t *slug;
			json_array_foreach(members, m, slug) {
				char *city = h_strf("/api/v1/cities/%s", json_string_value(slug));
				json_decref(get_json(city));
				free(city);
			}
			json_decref(one);
			free(path);
		}
		json_decref(items);
	}
}

/* ---- filters: the server's answer against the full list filtered here ---- */

struct fctx {
	json_t *cities;            /* slug -> city */
	json_t *coops;             /* the full list of cooperations */
};

typedef int (*pred)(const struct fctx *cx, json_t *rec, const char *arg);

static json_t *city_of(const struct fctx *cx, json_t *slug)
{
	return json_object_get(cx->cities, json_string_value(slug));
}

static int city_q(const struct fctx *cx, json_t *city, const char *q)
{
	(void)cx;
	if (folded_contains(json_string_value(json_object_get(city, "name")), q))
		return 1;
	size_t i;
	json_t *other;
	json_array_foreach(json_object_get(city, "other_names"), i, other)
		if (folded_contains(json_string_value(json_object_get(other, "name")), q))
			return 1;
	return 0;
}

/* arg "field=value": the record's field has that value. */
static int p_field(const struct fctx *cx, json_t *rec, const char *arg)
{
	(void)cx;
	const char *eq = strchr(arg, '=');
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
	const char *v = json_string_value(json_object_get(rec, name));
	return v && strcmp(v, eq + 1) == 0;
}

/* arg "field=value": some member city has that value (case-insensitive for countries). */
static int p_member_field(const struct fctx *cx, json_t *coop, const char *arg)
{
	size_t i;
	json_t *m;
	const char *eq = strchr(arg, '=');
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
	json_array_foreach(json_object_get(coop, "members"), i, m) {
		const char *v = json_string_value(json_object_get(city_of(cx, m), name));
		if (v && strcasecmp(v, eq + 1) == 0)
			return 1;
	}
	return 0;
}

static int p_member(const struct fctx *cx, json_t *coop, const char *slug)
{
	(void)cx;
	return contains_string(json_object_get(coop, "members"), slug);
}

static int p_topic(const struct fctx *cx, json_t *coop, const char *name)
{
	(void)cx;
	return contains_string(json_object_get(coop, "topics"), name);
}

static int p_sdg(const struct fctx *cx, json_t *coop, const char *digits)
{
	(void)cx;
	json_int_t n = 0;
	for (const char *d = digits; *d; d++)
		n = n * 10 + (*d - '0');
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(coop, "sdgs"), i, v)
		if (json_integer_value(v) == n)
			return 1;
	return 0;
}

/* q on cooperations: the name, or the name (or other name) of a member city. */
static int p_coop_q(const struct fctx *cx, json_t *coop, const char *q)
{
	if (folded_contains(json_string_value(json_object_get(coop, "name")), q))
		return 1;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(coop, "members"), i, m)
		if (city_of(cx, m) && city_q(cx, city_of(cx, m), q))
			return 1;
	return 0;
}

static int p_city_q(const struct fctx *cx, json_t *city, const char *q)
{
	return city_q(cx, city, q);
}

/* programme on cities: a member of a cooperation of that programme. */
static int p_city_programme(const struct fctx *cx, json_t *city, const char *slug)
{
	const char *me = json_string_value(json_object_get(city, "slug"));
	size_t i;
	json_t *coop;
	json_array_foreach(cx->coops, i, coop) {
		const char *programme = json_string_value(json_object_get(coop, "programme"));
		if (programme && strcmp(programme, slug) == 0 && contains_string(json_object_get(coop, "members"), me))
			return 1;
	}
	return 0;
}

struct filter_case {
	const char *query;
	struct { pred p; const char *arg; } all[3];   /* all must hold */
};

static void fctx_load(struct fctx *cx)
{
	json_t *cities = all_items("/api/v1/cities");
	cx->cities = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(cities, i, c)
		json_object_set(cx->cities, json_string_value(json_object_get(c, "slug")), c);
	json_decref(cities);
	cx->coops = all_items("/api/v1/cooperations");
}

static void fctx_free(struct fctx *cx)
{
	json_decref(cx->cities);
	json_decref(cx->coops);
}

/* Checks each query against the full list filtered by the case's predicates. */
static void check_filters(const char *collection, json_t *full, const struct fctx *cx,
			  const struct filter_case *cases, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_t *want = json_array();
		size_t i;
		json_t *rec;
		json_array_foreach(full, i, rec) {
			int ok = 1;
			for (int c = 0; c < 3 && cases[k].all[c].p; c++)
				ok &= cases[k].all[c].p(cx, rec, cases[k].all[c].arg) != 0;
			if (ok)
				json_array_append(want, rec);
		}
		char *path = h_strf("%s?%s&limit=500", collection, cases[k].query);
		json_t *doc = get_json(path), *items = json_object_get(doc, "items");
		char *got = h_join_key(items, "slug"), *expected = h_join_key(want, "slug");
		if (strcmp(got, expected) != 0)
			fail_msg("%s: got [%s], expected [%s]", path, got, expected);
		if (json_integer_value(json_object_get(doc, "total")) != (json_int_t)json_array_size(want))
			fail_msg("%s: total %lld, expected %zu", path,
				 (long long)json_integer_value(json_object_get(doc, "total")), json_array_size(want));
		free(got);
		free(expected);
		free(path);
		json_decref(doc);
		json_decref(want);
	}
}

static void test_cooperation_filters(void **state)
{
	(void)state;
	static const struct filter_case cases[] = {
		{"q=metropole", {{p_coop_q, "metropole"}}},
		{"q=M%C3%A9TROPOLE", {{p_coop_q, "metropole"}}},
		{"q=haikou", {{p_coop_q, "haikou"}}},
		{"q=granada", {{p_coop_q, "granada"}}},
		{"q=kunming", {{p_coop_q, "kunming"}}},
		{"q=%E6%B5%B7%E5%8F%A3", {{p_coop_q, "\xE6\xB5\xB7\xE5\x8F\xA3"}}},
		{"country=CN", {{p_member_field, "country=CN"}}},
		{"country=fr", {{p_member_field, "country=FR"}}},
		{"country=ES", {{p_member_field, "country=ES"}}},
		{"topic=digital-transition", {{p_topic, "Digital transition"}}},
		{"topic=Digital%20transition", {{p_topic, "Digital transition"}}},
		{"topic=urban-mobility", {{p_topic, "Urban mobility"}}},
		{"sdg=11", {{p_sdg, "11"}}},
		{"sdg=9", {{p_sdg, "9"}}},
		{"programme=iuc-asia", {{p_field, "programme=iuc-asia"}}},
		{"status=active", {{p_field, "status=active"}}},
		{"status=completed", {{p_field, "status=completed"}}},
		{"kind=cluster", {{p_field, "kind=cluster"}}},
		{"kind=pairing", {{p_field, "kind=pairing"}}},
		{"city=granada", {{p_member, "granada"}}},
		{"city=kunming", {{p_member, "kunming"}}},
		{"world_region=Europe", {{p_member_field, "world_region=Europe"}}},
		{"kind=cluster&city=nice", {{p_field, "kind=cluster"}, {p_member, "nice"}}},
		{"country=fr&status=active", {{p_member_field, "country=FR"}, {p_field, "status=active"}}},
		{"sdg=9&kind=cluster&q=rome", {{p_sdg, "9"}, {p_field, "kind=cluster"}, {p_coop_q, "rome"}}},
	};
	struct fctx cx;
	fctx_load(&cx);
	check_filters("/api/v1/cooperations", cx.coops, &cx, cases, sizeof cases / sizeof *cases);
	fctx_free(&cx);
}

/* Facts of the demo data that keep the derived expectations honest. */
static void test_filter_facts(void **state)
{
	(void)state;
	static const struct { const char *path, *slugs; } facts[] = {
		{"/api/v1/cooperations?status=active", "nice-haikou"},
		{"/api/v1/cooperations?city=granada", "haikou-eu-cluster"},
		{"/api/v1/cooperations?kind=pairing&country=CN", "nice-haikou"},
		{"/api/v1/cities?q=metropole", "nice"},
		{"/api/v1/cities?q=%E6%B5%B7%E5%8F%A3", "haikou"},
		{"/api/v1/cities?country=es", "granada"},
	};
	for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
		json_t *doc = get_json(facts[i].path);
		char *got = h_join_key(json_object_get(doc, "items"), "slug");
		if (strcmp(got, facts[i].slugs) != 0)
			fail_msg("%s: got [%s], expected [%s]", facts[i].path, got, facts[i].slugs);
		free(got);
		json_decref(doc);
	}
	json_t *doc = get_json("/api/v1/cooperations?q=metropole");
	char *got = h_join_key(json_object_get(doc, "items"), "slug");
	if (!strstr(got, "nice-haikou"))
		fail_msg("q=metropole does not find nice-haikou: [%s]", got);
	free(got);
	json_decref(doc);
}

static void test_city_filters(void **state)
{
	(void)state;
	static const struct filter_case cases[] = {
		{"q=nice", {{p_city_q, "nice"}}},
		{"q=NICE", {{p_city_q, "nice"}}},
		{"q=m%C3%A9tropole", {{p_city_q, "metropole"}}},
		{"q=%E6%B5%B7%E5%8F%A3", {{p_city_q, "\xE6\xB5\xB7\xE5\x8F\xA3"}}},
		{"country=es", {{p_field, "country=ES"}}},
		{"country=CN", {{p_field, "country=CN"}}},
		{"world_region=Europe", {{p_field, "world_region=Europe"}}},
		{"world_region=Asia", {{p_field, "world_region=Asia"}}},
		{"programme=iuc-asia", {{p_city_programme, "iuc-asia"}}},
		{"country=CN&programme=iuc-asia", {{p_field, "country=CN"}, {p_city_programme, "iuc-asia"}}},
		{"world_region=Asia&q=hai", {{p_field, "world_region=Asia"}, {p_city_q, "hai"}}},
	};
	struct fctx cx;
	fctx_load(&cx);
	json_t *full = all_items("/api/v1/cities");
	check_filters("/api/v1/cities", full, &cx, cases, sizeof cases / sizeof *cases);
	json_decref(full);
	fctx_free(&cx);
}

static void test_filter_matching_nothing(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/api/v1/cooperations?q=zzzzqqq", "/api/v1/cooperations?country=US",
		"/api/v1/cooperations?programme=iuc-latin-america", "/api/v1/cooperations?sdg=1",
		"/api/v1/cooperations?topic=housing", "/api/v1/cooperations?city=atlantis",
		"/api/v1/cooperations?kind=pairing&city=granada", "/api/v1/cities?q=zzzzqqq",
		"/api/v1/cities?country=US", "/api/v1/cities?programme=iuc-latin-america",
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		json_t *doc = get_json(paths[i]);
		if (json_array_size(json_object_get(doc, "items")) != 0 || !json_is_array(json_object_get(doc, "items")) ||
		    json_integer_value(json_object_get(doc, "total")) != 0 ||
		    !json_is_integer(json_object_get(doc, "total")) || !json_is_null(json_object_get(doc, "next_cursor")))
			fail_msg("%s: expected items [], total 0, next_cursor null", paths[i]);
		json_decref(doc);
	}
}

/* ---- paging ---- */

static void walk(const char *collection, const char *filter, int limit)
{
	char *first = h_strf("%s?%s%slimit=500", collection, filter, *filter ? "&" : "");
	json_t *fdoc = get_json(first), *full = json_object_get(fdoc, "items"), *seen = json_object();
	json_int_t total = json_integer_value(json_object_get(fdoc, "total"));
	char *want = h_join_key(full, "slug"), *cursor = NULL;
	json_t *walked = json_array();
	for (int page = 0; page <= (int)json_array_size(full) + 1; page++) {
		char *esc = cursor ? h_escape(cursor) : NULL;
		char *path = h_strf("%s?%s%slimit=%d%s%s", collection, filter, *filter ? "&" : "", limit,
				    esc ? "&cursor=" : "", esc ? esc : "");
		json_t *doc = get_json(path), *items = json_object_get(doc, "items");
		json_t *next = json_object_get(doc, "next_cursor");
		if (json_integer_value(json_object_get(doc, "total")) != total)
			fail_msg("%s: total changed while paging", path);
		if (json_array_size(items) > (size_t)limit || (!json_is_null(next) && json_array_size(items) != (size_t)limit))
			fail_msg("%s: %zu items on a page of %d", path, json_array_size(items), limit);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			const char *slug = json_string_value(json_object_get(it, "slug"));
			if (!slug || json_object_get(seen, slug))
				fail_msg("%s: %s comes twice", path, slug ? slug : "an item without slug");
			json_object_set_new(seen, slug, json_true());
			json_array_append(walked, it);
		}
		free(cursor);
		cursor = json_is_string(next) ? strdup(json_string_value(next)) : NULL;
		if (!json_is_null(next) && !json_is_string(next))
			fail_msg("%s: next_cursor is neither a string nor null", path);
		json_decref(doc);
		free(path);
		free(esc);
		if (!cursor)
			break;
	}
	char *got = h_join_key(walked, "slug");
	if (cursor || strcmp(got, want) != 0 || (json_int_t)json_array_size(walked) != total)
		fail_msg("walking %s?%s by %d gave [%s], expected [%s] (total %lld)", collection, filter, limit, got,
			 want, (long long)total);
	free(got);
	free(want);
	free(first);
	json_decref(walked);
	json_decref(seen);
	json_decref(fdoc);
}

static void test_paging(void **state)
{
	(void)state;
	walk("/api/v1/cooperations", "", 1);
	walk("/api/v1/cooperations", "kind=cluster", 1);
	walk("/api/v1/cities", "", 1);
	walk("/api/v1/cities", "country=CN", 2);
	walk("/api/v1/sdgs", "", 5);
	walk("/api/v1/topics", "", 4);
	walk("/api/v1/urban-agenda", "", 3);
}

/* ---- bad requests ---- */

struct bad_case {
	const char *path;
	long status;
	const char *code, *field;
};

static void test_bad_parameters(void **state)
{
	(void)state;
	char *long_q = h_strf("/api/v1/cooperations?q=%0101d", 0);
	static const struct bad_case cases[] = {
		{"/api/v1/cooperations?colour=red", 400, "unknown_parameter", "colour"},
		{"/api/v1/cities?kind=cluster", 400, "unknown_parameter", "kind"},
		{"/api/v1/sdgs?q=x", 400, "unknown_parameter", "q"},
		{"/api/v1/cooperations?q=a&q=b", 400, NULL, "q"},
		{"/api/v1/cooperations?limit=1&limit=2", 400, NULL, "limit"},
		{"/api/v1/cooperations?limit=0", 422, "invalid_parameter", "limit"},
		{"/api/v1/cooperations?limit=abc", 422, "invalid_parameter", "limit"},
		{"/api/v1/cooperations?limit=501", 422, "invalid_parameter", "limit"},
		{"/api/v1/cooperations?limit=-1", 422, "invalid_parameter", "limit"},
		{"/api/v1/cooperations?limit=10x", 422, "invalid_parameter", "limit"},
		{"/api/v1/cooperations?sdg=18", 422, "invalid_parameter", "sdg"},
		{"/api/v1/cooperations?sdg=0", 422, "invalid_parameter", "sdg"},
		{"/api/v1/cooperations?sdg=x", 422, "invalid_parameter", "sdg"},
		{"/api/v1/cooperations?country=ZZ", 422, "invalid_parameter", "country"},
		{"/api/v1/cooperations?country=FRA", 422, "invalid_parameter", "country"},
		{"/api/v1/cities?country=ZZ", 422, "invalid_parameter", "country"},
		{"/api/v1/cooperations?status=nope", 422, "invalid_parameter", "status"},
		{"/api/v1/cooperations?kind=x", 422, "invalid_parameter", "kind"},
		{"/api/v1/cooperations?programme=Bad_Slug", 422, "invalid_parameter", "programme"},
		{"/api/v1/cooperations?world_region=Mars", 422, "invalid_parameter", "world_region"},
		{"/api/v1/cities/nice?x=1", 400, "unknown_parameter", "x"},
		{"/api/v1/cooperations/nice-haikou?limit=1", 400, "unknown_parameter", "limit"},
		{"/api/v1?x=1", 400, "unknown_parameter", "x"},
		{"/healthz?x=1", 400, "unknown_parameter", "x"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct h_resp r;
		if (h_request(&demo, &r, "GET", cases[i].path, NULL, NULL))
			fail_msg("GET %s: no response", cases[i].path);
		h_expect_error(&r, cases[i].path, cases[i].status, cases[i].code, cases[i].field);
		h_resp_free(&r);
	}
	struct h_resp r;
	h_request(&demo, &r, "GET", long_q, NULL, NULL);
	h_expect_error(&r, "q of 101 characters", 422, "invalid_parameter", "q");
	h_resp_free(&r);
	long_q[strlen(long_q) - 1] = '\0';   /* 100 characters are fine */
	h_get(&demo, &r, long_q, 200);
	h_resp_free(&r);
	free(long_q);
}

/* Pages validate the same parameters and answer with an HTML page. */
static void test_bad_parameters_on_pages(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{"/?colour=red", 400, NULL, NULL}, {"/?sdg=18", 422, NULL, NULL},
		{"/cities?country=ZZ", 422, NULL, NULL}, {"/cities/nice?x=1", 400, NULL, NULL},
		{"/?q=a&q=b", 400, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct h_resp r;
		h_get(&demo, &r, cases[i].path, cases[i].status);
		expect_type(&r, cases[i].path, "text/html");
		h_expect_security_headers(&r, cases[i].path);
		h_resp_free(&r);
	}
}

static void test_not_found(void **state)
{
	(void)state;
	static const char *const api[] = {"/api/v1/cities/atlantis", "/api/v1/cooperations/atlantis-nowhere",
					  "/api/v1/programmes/nope", "/api/v1/nope", "/api/v1/cities/Nice", "/api/nope"};
	static const char *const pages[] = {"/cities/atlantis", "/cooperations/atlantis-nowhere", "/nope",
					    "/cities/NOT_A_SLUG", "/static/nope.css", "/cities/nice/extra"};
	for (size_t i = 0; i < sizeof api / sizeof *api; i++) {
		struct h_resp r;
		h_request(&demo, &r, "GET", api[i], NULL, NULL);
		h_expect_error(&r, api[i], 404, "not_found", NULL);
		h_resp_free(&r);
	}
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		struct h_resp r;
		h_get(&demo, &r, pages[i], 404);
		expect_type(&r, pages[i], "text/html");
		h_expect_security_headers(&r, pages[i]);
		if (strncmp(r.body, "<!DOCTYPE html>", 15) != 0)
			fail_msg("%s: the 404 is not an HTML page", pages[i]);
		h_resp_free(&r);
	}
}

static void test_path_traversal(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/cities/../etc/passwd", "/cities/%2e%2e/etc/passwd", "/cities/%2e%2e%2fetc%2fpasswd",
		"/cities/..%2f..%2f..%2fetc%2fpasswd", "/static/../../../../etc/passwd",
		"/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd",
		"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/cooperations/%2E%2E%2F%2E%2E%2Fsrc%2Fmain.c",
		"/api/v1/cities/..%2f..%2fetc%2fpasswd", "/static/c2c.css/../../../etc/passwd",
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		struct h_resp r;
		if (h_request(&demo, &r, "GET", paths[i], NULL, NULL))
			fail_msg("GET %s: no response", paths[i]);
		if (r.status != 404 || strstr(r.body, "root:") || strstr(r.body, "#include"))
			fail_msg("GET %s: status %ld; body %.200s", paths[i], r.status, r.body);
		h_expect_security_headers(&r, paths[i]);
		h_resp_free(&r);
	}
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	static const char *const methods[] = {"POST", "PUT", "DELETE", "PATCH"};
	for (int i = 0; i < nroutes; i++) {
		char *path = concrete(routes[i].pattern);
		for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
			if (has_route(methods[m], routes[i].pattern))
				continue;
			struct h_resp r;
			char what[300];
			snprintf(what, sizeof what, "%s %s", methods[m], path);
			if (h_request(&demo, &r, methods[m], path, NULL, NULL))
				fail_msg("%s: no response", what);
			const char *allow = h_header(&r, "Allow");
			if (r.status != 405 || !allow || !strstr(allow, "GET"))
				fail_msg("%s: status %ld, Allow %s", what, r.status, allow ? allow : "missing");
			if (routes[i].api)
				h_expect_error(&r, what, 405, NULL, NULL);
			else
				expect_type(&r, what, "text/html");
			h_expect_security_headers(&r, what);
			h_resp_free(&r);
		}
		free(path);
	}
}

static void test_request_body(void **state)
{
	(void)state;
	struct h_resp r;
	h_request(&demo, &r, "GET", "/api/v1/cities", NULL, "{\"name\":\"x\"}");
	h_expect_error(&r, "GET /api/v1/cities with a body", 413, NULL, NULL);
	h_resp_free(&r);
	h_request(&demo, &r, "GET", "/", NULL, "hello");
	if (r.status != 413)
		fail_msg("GET / with a body: status %ld", r.status);
	expect_type(&r, "GET / with a body", "text/html");
	h_resp_free(&r);
	h_request(&demo, &r, "POST", "/api/v1/cities", NULL, "{\"name\":\"x\"}");
	if (r.status != 401)   /* a write route: a visitor must sign in first */
		fail_msg("POST /api/v1/cities with a body, not signed in: status %ld", r.status);
	h_expect_error(&r, "POST /api/v1/cities with a body", r.status, NULL, NULL);
	h_resp_free(&r);
	h_get(&demo, &r, "/api/v1/cities/nice", 200);   /* nothing was created or broken */
	h_resp_free(&r);
}

/* ---- caching ---- */

static void expect_conditional(const char *path, const char *inm, long status, const char *etag)
{
	char header[512];
	const char *headers[] = {header, NULL};
	snprintf(header, sizeof header, "If-None-Match: %s", inm);
	struct h_resp r;
	if (h_request(&demo, &r, "GET", path, headers, NULL))
		fail_msg("GET %s: no response", path);
	if (r.status != status)
		fail_msg("GET %s with If-None-Match: %s: status %ld, expected %ld", path, inm, r.status, status);
	if (status == 304 && (r.len != 0 || !h_header(&r, "ETag") || strcmp(h_header(&r, "ETag"), etag) != 0))
		fail_msg("GET %s: a 304 must have an empty body and the same ETag", path);
	h_resp_free(&r);
}

static void test_etag(void **state)
{
	(void)state;
	for (int i = 0; i < nroutes; i++) {
		if (strcmp(routes[i].pattern, "/healthz") == 0)
			continue;   /* a health check must not be cached */
		char *path = concrete(routes[i].pattern);
		struct h_resp r;
		h_get(&demo, &r, path, 200);
		if (routes[i].no_store) {   /* e.g. a form with a token of its own: no ETag, no cache */
			const char *cc = h_header(&r, "Cache-Control");
			if (!cc || strcmp(cc, "no-store") != 0 || h_header(&r, "ETag"))
				fail_msg("GET %s: a no-store route answered Cache-Control %s, ETag %s", path, cc ? cc : "missing",
					 h_header(&r, "ETag") ? h_header(&r, "ETag") : "none");
			h_resp_free(&r);
			free(path);
			continue;
		}
		const char *etag = h_header(&r, "ETag");
		if (!etag || etag[0] != '"' || strlen(etag) < 3 || etag[strlen(etag) - 1] != '"')
			fail_msg("GET %s: ETag %s", path, etag ? etag : "missing");
		char *tag = strdup(etag), *weak = h_strf("W/%s", tag), *list = h_strf("\"nope\", %s, \"other\"", tag);
		expect_conditional(path, tag, 304, tag);
		expect_conditional(path, "\"0000\"", 200, tag);
		expect_conditional(path, "*", 304, tag);
		expect_conditional(path, list, 304, tag);
		expect_conditional(path, weak, 304, tag);
		h_resp_free(&r);
		free(tag);
		free(weak);
		free(list);
		free(path);
	}
}

/* The ETag is a function of the content: stable, and different for different content. */
static void test_etag_follows_content(void **state)
{
	(void)state;
	struct h_resp a, b, c;
	h_get(&demo, &a, "/api/v1/cities/nice", 200);
	h_get(&demo, &b, "/api/v1/cities/nice", 200);
	h_get(&demo, &c, "/api/v1/cities/haikou", 200);
	assert_string_equal(h_header(&a, "ETag"), h_header(&b, "ETag"));
	assert_string_not_equal(h_header(&a, "ETag"), h_header(&c, "ETag"));
	h_resp_free(&a);
	h_resp_free(&b);
	h_resp_free(&c);
}

/* ---- security headers and limits ---- */

static void test_security_headers_everywhere(void **state)
{
	(void)state;
	static const struct { const char *method, *path, *inm, *body; } reqs[] = {
		{"GET", "/", NULL, NULL}, {"GET", "/cities/nice", NULL, NULL}, {"GET", "/api/v1/cities", NULL, NULL},
		{"GET", "/static/c2c.css", NULL, NULL}, {"GET", "/api/openapi.json", NULL, NULL},
		{"GET", "/api/v1/cities", "If-None-Match: *", NULL}, {"GET", "/api/v1/cities?x=1", NULL, NULL},
		{"GET", "/api/v1/cities?country=ZZ", NULL, NULL}, {"GET", "/nope", NULL, NULL},
		{"GET", "/api/v1/nope", NULL, NULL}, {"DELETE", "/", NULL, NULL}, {"GET", "/", NULL, "x"},
		{"GET", "/?q=%FF", NULL, NULL}, {"HEAD", "/cities", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++) {
		const char *headers[] = {reqs[i].inm, NULL};
		struct h_resp r;
		char what[200];
		snprintf(what, sizeof what, "%s %s", reqs[i].method, reqs[i].path);
		if (h_request(&demo, &r, reqs[i].method, reqs[i].path, headers, reqs[i].body))
			fail_msg("%s: no response", what);
		h_expect_security_headers(&r, what);
		h_resp_free(&r);
	}
}

static void expect_alive(void)
{
	struct h_resp r;
	h_get(&demo, &r, "/healthz", 200);
	h_resp_free(&r);
}

/* An oversized request gets 414 or 431. The server may close the connection while the
 * client is still sending, which can reset it before the answer is read: that is allowed
 * on a try or two, but one of three tries must see the status. */
static void expect_too_large(const char *path, const char *header, const char *what)
{
	const char *headers[] = {header, NULL};
	long status = 0;
	for (int i = 0; i < 3 && status == 0; i++) {
		struct h_resp r;
		if (h_request(&demo, &r, "GET", path, headers, NULL) == 0)
			status = r.status;
		h_resp_free(&r);
		expect_alive();
	}
	if (status != 414 && status != 431)
		fail_msg("%s: status %ld, expected 414 or 431", what, status);
}

static void test_request_limits(void **state)
{
	(void)state;
	char *big = malloc(100 * 1024 + 1);
	assert_non_null(big);
	memset(big, 'a', 100 * 1024);
	big[100 * 1024] = '\0';
	char *url = h_strf("/?q=%s", big), *header = h_strf("X-Big: %.*s", 64 * 1024, big);
	expect_too_large(url, NULL, "a 100 KB URL");
	expect_too_large("/api/v1/cities", header, "a 64 KB header");
	free(url);
	free(header);
	free(big);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const char *const api[] = {"/api/v1/cooperations?q=%FF", "/api/v1/cities?q=%C0%AF",
					  "/api/v1/cooperations?%FF=1", "/api/v1/cooperations?q=caf%C3"};
	for (size_t i = 0; i < sizeof api / sizeof *api; i++) {
		struct h_resp r;
		h_request(&demo, &r, "GET", api[i], NULL, NULL);
		h_expect_error(&r, api[i], 400, NULL, NULL);
		h_resp_free(&r);
	}
	struct h_resp r;
	h_get(&demo, &r, "/?q=%FF", 400);
	expect_type(&r, "/?q=%FF", "text/html");
	h_resp_free(&r);
	h_request(&demo, &r, "GET", "/cities/%FF", NULL, NULL);
	if (r.status != 400 && r.status != 404)
		fail_msg("/cities/%%FF: status %ld", r.status);
	h_resp_free(&r);
	expect_alive();
}

/* ---- XSS ---- */

static const char xss_doc[] =
	"{\"format\":\"c2c-export\",\"version\":1,\"cities\":["
	"{\"slug\":\"xss-city\",\"name\":\"<script>alert(1)</script>\",\"country\":\"FR\","
	"\"leader\":\"<b onmouseover=alert(2)>boss</b>\",\"region\":\"<script>region</script>\","
	"\"description\":\"<iframe src=javascript:alert(3)>\"},"
	"{\"slug\":\"plain-city\",\"name\":\"Plain city\",\"country\":\"CN\"}],"
	"\"cooperations\":[{\"slug\":\"xss-coop\",\"kind\":\"pairing\","
	"\"name\":\"\\\"><img src=x onerror=alert(1)>\",\"members\":[\"xss-city\",\"plain-city\"],"
	"\"topics\":[\"Digital transition\"],"
	"\"description\":\"Hello </p><script>x</script> world\"}]}";

static void expect_escaped_page(struct h_env *env, const char *path, long status, const char *escaped)
{
	static const char *const raw[] = {"<script", "<SCRIPT", "<img", "<iframe", "<b onmouseover"};
	struct h_resp r;
	if (h_request(env, &r, "GET", path, NULL, NULL))
		fail_msg("GET %s: no response", path);
	if (r.status != status)
		fail_msg("GET %s: status %ld, expected %ld", path, r.status, status);
	expect_type(&r, path, "text/html");
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
		if (strstr(r.body, raw[i]))
			fail_msg("GET %s: the page contains the raw payload %s", path, raw[i]);
	if (!strstr(r.body, escaped))
		fail_msg("GET %s: the page does not show the escaped %s", path, escaped);
	h_resp_free(&r);
}

static void import_doc(struct h_env *env, const char *name, const char *text)
{
	char path[H_PATH_MAX];
	struct h_run run;
	assert_int_equal(h_write_file(env, name, text), 0);
	assert_int_equal(h_cli(env, &run, "import", "json", "--db", env->db, h_env_path(env, name, path), (char *)NULL), 0);
	if (run.status != 0)
		fail_msg("import json %s exited %d: %s", name, run.status, run.err);
	h_run_free(&run);
}

static void test_xss_pages(void **state)
{
	struct h_env *env = *state;
	import_doc(env, "xss.json", xss_doc);
	assert_int_equal(h_env_serve(env), 0);
	expect_escaped_page(env, "/", 200, "&lt;img src=x onerror=alert(1)&gt;");
	expect_escaped_page(env, "/cities", 200, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escaped_page(env, "/cities/xss-city", 200, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escaped_page(env, "/cities/xss-city", 200, "&lt;b onmouseover=alert(2)&gt;");
	expect_escaped_page(env, "/cooperations/xss-coop", 200, "&lt;/p&gt;&lt;script&gt;x&lt;/script&gt;");
	expect_escaped_page(env, "/cooperations/xss-coop", 200, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escaped_page(env, "/cooperations/xss-coop", 200, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	expect_escaped_page(env, "/nope/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404, "&lt;script&gt;alert(1)");
	expect_escaped_page(env, "/cities/%3Cscript%3E", 404, "&lt;script&gt;");
	expect_escaped_page(env, "/?q=%3Cscript%3E", 200, "&lt;script&gt;");
	expect_escaped_page(env, "/cities?q=%3Cscript%3E", 200, "&lt;script&gt;alert(1)");
	expect_escaped_page(env, "/?q=%22%3E%3Cimg%20src%3Dx%3E", 200, "&quot;&gt;&lt;img src=x&gt;");
	expect_escaped_page(env, "/?topic=%22%3E%3Cscript%3E", 200, "");   /* not shown, never raw */
}

static void test_xss_json_exact(void **state)
{
	struct h_env *env = *state;
	import_doc(env, "xss.json", xss_doc);
	assert_int_equal(h_env_serve(env), 0);
	struct h_resp r;
	h_get(env, &r, "/api/v1/cities/xss-city", 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "<script>alert(1)</script>");
	h_resp_free(&r);
	h_get(env, &r, "/api/v1/cooperations/xss-coop", 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "\"><img src=x onerror=alert(1)>");
	assert_string_equal(json_string_value(json_object_get(r.json, "description")), "Hello </p><script>x</script> world");
	h_resp_free(&r);
	assert_int_equal(h_env_stop(env), 0);
}

/* ---- the command line ---- */

static char *export_json(struct h_env *env, const char *db)
{
	struct h_run run;
	assert_int_equal(h_cli(env, &run, "export", "json", "--db", db, (char *)NULL), 0);
	if (run.status != 0)
		fail_msg("export json --db %s exited %d: %s", db, run.status, run.err);
	free(run.err);
	return run.out;
}

static void expect_same_text(const char *a, const char *b, const char *what)
{
	size_t i = 0;
	while (a[i] && a[i] == b[i])
		i++;
	if (a[i] != b[i])
		fail_msg("%s: the documents differ at byte %zu: \"%.60s\" vs \"%.60s\"", what, i, a + i, b + i);
}

static void test_cli_export_import_roundtrip(void **state)
{
	struct h_env *env = *state;
	char file[H_PATH_MAX];
	char *first = export_json(env, env->db);
	json_t *doc = json_loads(first, 0, NULL), *seed = json_load_file("data/demo.json", 0, NULL);
	assert_non_null(doc);
	assert_non_null(seed);
	assert_int_equal(json_array_size(json_object_get(doc, "cities")), json_array_size(json_object_get(seed, "cities")));
	assert_int_equal(json_array_size(json_object_get(doc, "cooperations")),
			 json_array_size(json_object_get(seed, "cooperations")));
	assert_int_equal(h_write_file(env, "export.json", first), 0);
	struct h_run run;
	const struct testdb *second_db = h_env_new_db(env);
	assert_non_null(second_db);
	const char *db2 = second_db->target;
	h_cli(env, &run, "init", "--db", db2, (char *)NULL);
	assert_int_equal(run.status, 0);
	h_run_free(&run);
	h_cli(env, &run, "import", "json", "--db", db2, h_env_path(env, "export.json", file), (char *)NULL);
	if (run.status != 0)
		fail_msg("import json exited %d: %s", run.status, run.err);
	h_run_free(&run);
	char *second = export_json(env, db2);
	expect_same_text(first, second, "export, import into a fresh database, export");
	free(first);
	free(second);
	json_decref(doc);
	json_decref(seed);
}

static void test_cli_invalid_import(void **state)
{
	struct h_env *env = *state;
	static const struct { const char *doc, *names; } cases[] = {
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"fine-city\",\"name\":\"Fine\"},"
		 "{\"slug\":\"bad\",\"name\":\"Bad\",\"population\":-5}]}", "population"},
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"bad\",\"name\":\"Bad\",\"country\":\"ZZ\"}]}",
		 "country"},
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"bad\",\"name\":\"Bad\",\"colour\":\"red\"}]}",
		 "colour"},
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"fine-city\",\"name\":\"Fine\"}],"
		 "\"cooperations\":[{\"slug\":\"c\",\"kind\":\"pairing\",\"name\":\"C\",\"members\":[\"fine-city\",\"unknown-city\"]}]}",
		 "members"},
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"nice\",\"name\":\"Nice\",\"population\":-5}]}",
		 "population"},
		{"{\"format\":\"c2c-export\",\"version\":1,\"cities\":[{\"slug\":\"x\",\"name\":\"X\"}", "bad.json"},
	};
	char *before = export_json(env, env->db);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char file[H_PATH_MAX];
		struct h_run run;
		assert_int_equal(h_write_file(env, "bad.json", cases[i].doc), 0);
		h_cli(env, &run, "import", "json", "--db", env->db, h_env_path(env, "bad.json", file), (char *)NULL);
		if (run.status <= 0 || !strstr(run.err, cases[i].names))
			fail_msg("bad import %zu: exit %d, stderr should name %s: %s", i, run.status, cases[i].names, run.err);
		h_run_free(&run);
		char *after = export_json(env, env->db);
		expect_same_text(before, after, "the database after a refused import");
		free(after);
	}
	free(before);
}

/* Every line of an import report says "0 created". */
static int nothing_created(const char *report)
{
	int lines = 0;
	for (const char *p = report; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		if (n && !strstr(line, " 0 created"))
			return 0;
		lines += n > 0;
	}
	return lines > 0;
}

static void test_cli_import_twice(void **state)
{
	struct h_env *env = *state;
	char file[H_PATH_MAX];
	struct h_run run;
	assert_int_equal(h_write_file(env, "doc.json", xss_doc), 0);
	h_env_path(env, "doc.json", file);
	h_cli(env, &run, "import", "json", "--db", env->db, file, (char *)NULL);
	if (run.status != 0 || nothing_created(run.out))
		fail_msg("first import: exit %d, report %s%s", run.status, run.out, run.err);
	h_run_free(&run);
	char *before = export_json(env, env->db);
	h_cli(env, &run, "import", "json", "--db", env->db, file, (char *)NULL);
	if (run.status != 0 || !nothing_created(run.out))
		fail_msg("second import: exit %d, report %s%s", run.status, run.out, run.err);
	h_run_free(&run);
	char *after = export_json(env, env->db);
	expect_same_text(before, after, "the database after importing the same file again");
	free(before);
	free(after);
}

static void test_cli_help_and_unknown_command(void **state)
{
	struct h_env *env = *state;
	static const char *const commands[] = {"init", "serve", "import", "export"};
	struct h_run run;
	h_cli(env, &run, "help", (char *)NULL);
	assert_int_equal(run.status, 0);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		char *usage = h_strf("c2c %s", commands[i]);
		if (!strstr(run.out, usage))
			fail_msg("c2c help does not list %s:\n%s", commands[i], run.out);
		free(usage);
	}
	h_run_free(&run);
	h_cli(env, &run, "frobnicate", (char *)NULL);
	assert_int_equal(run.status, 2);
	assert_non_null(strstr(run.err, "frobnicate"));
	h_run_free(&run);
	h_cli(env, &run, (char *)NULL);
	assert_int_equal(run.status, 2);
	h_run_free(&run);
	h_cli(env, &run, "serve", "--help", (char *)NULL);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "--listen"));
	h_run_free(&run);
}

static void test_cli_serve_errors(void **state)
{
	struct h_env *env = *state;
	char missing[H_PATH_MAX];
	struct h_run run;
	static const char *const listens[] = {"bad", "127.0.0.1:99999", "999.0.0.1:80", "127.0.0.1:"};
	for (size_t i = 0; i < sizeof listens / sizeof *listens; i++) {
		h_cli(env, &run, "serve", "--db", env->db, "--listen", listens[i], (char *)NULL);
		if (run.status <= 0 || !strstr(run.err, "listen"))
			fail_msg("serve --listen %s: exit %d, stderr %s", listens[i], run.status, run.err);
		h_run_free(&run);
	}
	h_cli(env, &run, "serve", "--db", h_env_path(env, "missing.db", missing), "--listen", "127.0.0.1:0", (char *)NULL);
	if (run.status <= 0 || !strstr(run.err, "does not exist"))
		fail_msg("serve --db missing.db: exit %d, stderr %s", run.status, run.err);
	assert_false(h_file_exists(missing));
	h_run_free(&run);
	h_cli(env, &run, "serve", "--db", env->db, "--threads", "0", (char *)NULL);
	assert_int_equal(run.status, 2);
	h_run_free(&run);
}

/* A database written by a newer c2c is refused by every command, and left alone. */
static void test_cli_newer_schema(void **state)
{
	struct h_env *env = *state;
	char file[H_PATH_MAX];
	struct h_run run;
	if (h_query(env, NULL, "SELECT count(*) FROM schema_migrations", &run)) {
		h_run_free(&run);
		skip();   /* scripts/install-deps installs sqlite3 and psql */
	}
	if (run.status != 0 || strcmp(run.out, "0\n") == 0)
		fail_msg("schema_migrations of a new database: exit %d, %s%s", run.status, run.out, run.err);
	h_run_free(&run);
	if (h_sql(env, NULL, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', '2099-01-01')"))
		fail_msg("cannot insert a future schema version with %s", h_postgres() ? "psql" : "sqlite3");
	assert_int_equal(h_write_file(env, "one.json", "{\"format\":\"c2c-export\",\"version\":1,"
				       "\"cities\":[{\"slug\":\"x\",\"name\":\"X\"}]}"), 0);
	h_env_path(env, "one.json", file);
	const char *const commands[][6] = {
		{"serve", "--db", env->db, "--listen", "127.0.0.1:0", "--quiet"},
		{"export", "json", "--db", env->db, NULL},
		{"import", "json", "--db", env->db, file, NULL},
		{"init", "--db", env->db, NULL},
	};
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		const char *const *c = commands[i];
		h_cli(env, &run, c[0], c[1], c[2], c[3], c[4], c[5], (char *)NULL);
		if (run.status <= 0 || !strstr(run.err, "newer") || strstr(run.out, "\"cities\""))
			fail_msg("%s on a newer database: exit %d, stderr %s", c[0], run.status, run.err);
		h_run_free(&run);
	}
	assert_int_equal(h_query(env, NULL, "SELECT count(*) FROM cities WHERE slug = 'x'", &run), 0);
	if (run.status != 0 || strcmp(run.out, "0\n") != 0)
		fail_msg("the refused import changed the database: %s%s", run.out, run.err);
	h_run_free(&run);
}

/* ---- concurrency ---- */

struct worker {
	struct h_env *env;
	int index;
	int failures;
	char first_failure[200];
};

static void *work(void *arg)
{
	static const char *const paths[] = {
		"/", "/cities", "/cities/nice", "/cooperations/nice-haikou", "/api/v1/cooperations",
		"/api/v1/cities/haikou", "/api/v1/cooperations?country=CN&limit=1", "/api/v1/sdgs",
		"/static/c2c.css", "/healthz", "/api/openapi.json", "/?q=metropole",
	};
	struct worker *w = arg;
	CURL *curl = curl_easy_init();
	for (int i = 0; i < 50 && curl; i++) {
		const char *path = paths[(size_t)(w->index * 7 + i) % (sizeof paths / sizeof *paths)];
		struct h_resp r;
		if (h_request_on(curl, w->env, &r, "GET", path, NULL, NULL) || r.status != 200 || r.len == 0) {
			if (!w->failures++)
				snprintf(w->first_failure, sizeof w->first_failure, "%s: %ld", path, r.status);
		}
		h_resp_free(&r);
	}
	if (!curl)
		w->failures = 50;
	curl_easy_cleanup(curl);
	return NULL;
}

static void test_concurrent_requests_then_sigterm(void **state)
{
	struct h_env *env = *state;
	pthread_t threads[8];
	struct worker workers[8];
	for (int i = 0; i < 8; i++) {
		workers[i] = (struct worker){env, i, 0, ""};
		assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < 8; i++)
		if (workers[i].failures)
			fail_msg("thread %d: %d of 50 requests failed, first %s", i, workers[i].failures, workers[i].first_failure);
	assert_int_equal(h_env_stop(env), 0);
}

/* ---- PostgreSQL: several processes on one database, the database going away ---- */

/* These tests need a PostgreSQL database shared between processes and a cluster they
 * can stop; on SQLite they are skipped. Their state is a few environments: [0] owns the
 * database, the others are further servers on it (h_env_share). */
#define PG_ENVS 3

static int pg_setup(void **state, int with_demo, int serve)
{
	*state = NULL;
	if (!h_postgres())
		return 0;   /* the test skips */
	struct h_env *envs = calloc(PG_ENVS, sizeof *envs);
	if (!envs)
		return -1;
	if (h_env_init(&envs[0], with_demo) || (serve && h_env_serve(&envs[0]))) {
		h_env_free(&envs[0]);   /* cmocka runs no teardown after a failed setup */
		free(envs);
		return -1;
	}
	*state = envs;
	return 0;
}
static int setup_pg_empty(void **state) { return pg_setup(state, 0, 0); }
static int setup_pg_demo_served(void **state) { return pg_setup(state, 1, 1); }

/* Frees the environments, and starts the cluster again when a test stopped it and failed
 * before starting it, so that later tests still have their database. */
static int pg_teardown(void **state)
{
	struct h_env *envs = *state;
	int rc = 0;
	if (!envs)
		return 0;
	if (h_pg_ctl(&envs[0], "status") != 0 && h_pg_ctl(&envs[0], "start") != 0) {
		fprintf(stderr, "test_api: cannot start the PostgreSQL cluster again\n");
		rc = -1;
	}
	for (int i = PG_ENVS - 1; i >= 0; i--)
		h_env_free(&envs[i]);
	free(envs);
	*state = NULL;
	return rc;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A response's body and ETag, kept to compare with a later one. */
struct snapshot {
	char *body;
	size_t len;
	char *etag;
};

static void snapshot_free(struct snapshot *s)
{
	free(s->body);
	free(s->etag);
	memset(s, 0, sizeof *s);
}

static void snapshot_take(const struct h_resp *r, struct snapshot *s)
{
	const char *etag = h_header(r, "ETag");
	s->body = malloc(r->len + 1);
	assert_non_null(s->body);
	memcpy(s->body, r->body, r->len + 1);
	s->len = r->len;
	s->etag = h_strf("%s", etag ? etag : "");
}

static int snapshot_same(const struct snapshot *s, const struct h_resp *r)
{
	const char *etag = h_header(r, "ETag");
	return s->len == r->len && memcmp(s->body, r->body, r->len) == 0 && strcmp(s->etag, etag ? etag : "") == 0;
}

/* GET path from both servers: 200 from each, with the same body and the same ETag. The
 * answer is kept in out. */
static void expect_same_on_both(struct h_env *a, struct h_env *b, const char *path, struct snapshot *out)
{
	struct h_resp ra, rb;
	h_get(a, &ra, path, 200);
	h_get(b, &rb, path, 200);
	const char *ea = h_header(&ra, "ETag"), *eb = h_header(&rb, "ETag");
	if (!ea || !eb || strcmp(ea, eb) != 0)
		fail_msg("GET %s: ETag %s from one server, %s from the other", path, ea ? ea : "missing", eb ? eb : "missing");
	if (ra.len != rb.len || memcmp(ra.body, rb.body, ra.len) != 0)
		fail_msg("GET %s: the two servers answer different bodies:\n%.300s\nvs\n%.300s", path, ra.body, rb.body);
	snapshot_take(&ra, out);
	h_resp_free(&ra);
	h_resp_free(&rb);
}

/* The record of collection with this slug in an export document (borrowed). */
static json_t *export_record(json_t *doc, const char *collection, const char *slug)
{
	size_t i;
	json_t *rec;
	json_array_foreach(json_object_get(doc, collection), i, rec)
		if (strcmp(json_string_value(json_object_get(rec, "slug")), slug) == 0)
			return rec;
	fail_msg("the export has no %s %s", collection, slug);
	return NULL;
}

/* (a) Two servers on one PostgreSQL database answer the same, and a write made by the CLI
 * is seen by both at once: no restart, no waiting, no stale cache or ETag. */
static void test_pg_two_servers_one_database(void **state)
{
	struct h_env *envs = *state;
	if (!envs)
		skip();
	static const char *const paths[] = {
		"/api/v1/cooperations/nice-haikou", "/api/v1/cities/nice", "/api/v1/cooperations",
		"/api/v1/cities?country=FR", "/cooperations/nice-haikou", "/cities/nice", "/",
	};
	enum { NPATHS = sizeof paths / sizeof *paths };
	struct h_env *a = &envs[0], *b = &envs[1];
	assert_int_equal(h_env_share(b, a->db), 0);
	assert_int_equal(h_env_serve(b), 0);
	assert_int_not_equal(a->port, b->port);
	struct snapshot before[NPATHS], after[NPATHS];
	for (size_t i = 0; i < NPATHS; i++)
		expect_same_on_both(a, b, paths[i], &before[i]);

	/* Change one cooperation and one city through `c2c import json`. */
	char *text = export_json(a, a->db);
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	json_t *coop = json_incref(export_record(doc, "cooperations", "nice-haikou"));
	json_t *city = json_incref(export_record(doc, "cities", "nice"));
	json_object_set_new(coop, "description", json_string("Rewritten while two servers were running."));
	json_object_set_new(city, "population", json_integer(540001));
	json_t *change = json_pack("{s:s, s:i, s:[o], s:[o]}", "format", "c2c-export", "version", 1, "cities", city,
				   "cooperations", coop);
	char *change_text = json_dumps(change, JSON_INDENT(2));
	char file[H_PATH_MAX];
	struct h_run run;
	assert_int_equal(h_write_file(a, "change.json", change_text), 0);
	assert_int_equal(h_cli(a, &run, "import", "json", "--db", a->db, h_env_path(a, "change.json", file), (char *)NULL), 0);
	if (run.status != 0 || !strstr(run.out, "1 updated"))
		fail_msg("import json of the change: exit %d, report %s%s", run.status, run.out, run.err);
	h_run_free(&run);

	/* At once, both servers answer the new content, identically. */
	for (size_t i = 0; i < NPATHS; i++)
		expect_same_on_both(a, b, paths[i], &after[i]);
	for (size_t i = 0; i < 4; i++) {   /* the JSON answers that show the changed records */
		if (after[i].len == before[i].len && memcmp(after[i].body, before[i].body, after[i].len) == 0)
			fail_msg("GET %s: unchanged after the import", paths[i]);
		if (strcmp(after[i].etag, before[i].etag) == 0)
			fail_msg("GET %s: the ETag %s did not change with the content", paths[i], after[i].etag);
	}
	if (!strstr(after[0].body, "Rewritten while two servers were running."))
		fail_msg("GET %s: the new description is missing: %.300s", paths[0], after[0].body);
	if (!strstr(after[1].body, "\"population\":540001"))
		fail_msg("GET %s: the new population is missing: %.300s", paths[1], after[1].body);
	if (!strstr(after[4].body, "Rewritten while two servers were running."))
		fail_msg("GET %s: the page does not show the new description", paths[4]);
	for (size_t i = 0; i < NPATHS; i++) {
		snapshot_free(&before[i]);
		snapshot_free(&after[i]);
	}
	assert_int_equal(h_env_stop(b), 0);
	assert_int_equal(h_env_stop(a), 0);
	free(change_text);
	json_decref(change);
	json_decref(doc);
	free(text);
}

/* The applied migrations: "version|count" lines, ordered. free() it. */
static char *applied_migrations(struct h_env *env, const struct testdb *db)
{
	struct h_run run;
	assert_int_equal(h_query(env, db, "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version",
				 &run), 0);
	if (run.status != 0)
		fail_msg("psql exited %d: %s", run.status, run.err);
	free(run.err);
	return run.out;
}

/* The outcome of one race; the first failure is kept in first (size 1024). Returns 1 when
 * the round failed. */
static int race_outcome(struct h_env *env, const struct testdb *db, const char *want, const char *what,
			const struct h_run *r1, const struct h_run *r2, char *first)
{
	char *got = applied_migrations(env, db);
	struct h_run run;
	h_cli(env, &run, "export", "json", "--db", db->target, (char *)NULL);
	int bad = r1->status != 0 || r2->status != 0 || strcmp(got, want) != 0 || run.status != 0;
	if (bad && !*first)
		snprintf(first, 1024, "%s: exit statuses %d and %d; schema_migrations (version|count) afterwards:\n%s"
			 "(expected\n%s); export afterwards exited %d; stderr:\n%s%s%s", what, r1->status, r2->status, got,
			 want, run.status, r1->err, r2->err, run.err);
	h_run_free(&run);
	free(got);
	return bad;
}

/* Back to an empty database for the next round. */
static void empty_db(struct h_env *env, const struct testdb *db)
{
	if (h_sql(env, db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
		fail_msg("cannot empty the database %s", db->name);
}

/* (b) Two processes starting together on an empty database both succeed, and each
 * migration is applied exactly once. A race shows only now and then, so there are
 * rounds; the children of `c2c init` are released at the same moment. */
static void test_pg_concurrent_migrations(void **state)
{
	enum { INIT_ROUNDS = 30, SERVE_ROUNDS = 3 };
	struct h_env *envs = *state;
	if (!envs)
		skip();
	struct h_env *env = &envs[0];
	char *want = applied_migrations(env, NULL);   /* initialised alone by the setup */
	if (!*want)
		fail_msg("a database initialised alone has no schema_migrations rows");
	for (const char *line = want; *line; line = strchr(line, '\n') + 1)
		if (strncmp(strchr(line, '|'), "|1\n", 3) != 0)
			fail_msg("a database initialised alone applied a migration twice:\n%s", want);
	const struct testdb *db = h_env_new_db(env);
	assert_non_null(db);
	char first[1024] = "", what[64];
	int init_failed = 0, serve_failed = 0;

	for (int round = 0; round < INIT_ROUNDS; round++) {   /* two `c2c init` at the same time */
		char *argv[] = {(char *)h_bin(), "init", "--db", (char *)db->target, NULL};
		struct h_proc p[2];
		struct h_run r1, r2;
		if (round)
			empty_db(env, db);
		int started = h_start_together(env, p, 2, argv);
		h_finish(&p[0], &r1);
		h_finish(&p[1], &r2);
		assert_int_equal(started, 0);
		snprintf(what, sizeof what, "two c2c init, round %d", round + 1);
		init_failed += race_outcome(env, db, want, what, &r1, &r2, first);
		h_run_free(&r1);
		h_run_free(&r2);
	}

	for (int round = 0; round < SERVE_ROUNDS; round++) {   /* two `c2c serve` at the same time */
		struct h_env *s1 = &envs[1], *s2 = &envs[2];
		struct h_run r1 = {0, NULL, NULL}, r2 = {0, NULL, NULL};
		empty_db(env, db);
		assert_int_equal(h_env_share(s1, db->target), 0);
		assert_int_equal(h_env_share(s2, db->target), 0);
		assert_int_equal(h_env_serve_start(s1), 0);
		assert_int_equal(h_env_serve_start(s2), 0);
		int up1 = h_env_serve_ready(s1) == 0, up2 = h_env_serve_ready(s2) == 0;
		struct h_resp r;
		if (up1) {
			up1 = h_request(s1, &r, "GET", "/api/v1/sdgs", NULL, NULL) == 0 && r.status == 200;
			h_resp_free(&r);
		}
		if (up2) {
			up2 = h_request(s2, &r, "GET", "/api/v1/cities", NULL, NULL) == 0 && r.status == 200;
			h_resp_free(&r);
		}
		r1.status = up1 ? h_env_stop(s1) : 1;
		r2.status = up2 ? h_env_stop(s2) : 1;
		char path[H_PATH_MAX];
		r1.err = h_read_file(h_env_path(s1, "serve.err", path));
		r2.err = h_read_file(h_env_path(s2, "serve.err", path));
		h_env_free(s1);
		h_env_free(s2);
		snprintf(what, sizeof what, "two c2c serve, round %d", round + 1);
		serve_failed += race_outcome(env, db, want, what, &r1, &r2, first);
		h_run_free(&r1);
		h_run_free(&r2);
	}
	free(want);
	if (init_failed || serve_failed)
		fail_msg("two processes migrating an empty database together failed in %d of %d rounds of c2c init "
			 "and %d of %d of c2c serve; the first failure: %s", init_failed, INIT_ROUNDS, serve_failed,
			 SERVE_ROUNDS, first);
}

static void init_db(struct h_env *env, const char *db, int with_demo)
{
	struct h_run run;
	if (with_demo)
		h_cli(env, &run, "init", "--db", db, "--demo", (char *)NULL);
	else
		h_cli(env, &run, "init", "--db", db, (char *)NULL);
	if (run.status != 0)
		fail_msg("init --db %s exited %d: %s", db, run.status, run.err);
	h_run_free(&run);
}

static void import_file(struct h_env *env, const char *db, const char *name, const char *text)
{
	char file[H_PATH_MAX];
	struct h_run run;
	assert_int_equal(h_write_file(env, name, text), 0);
	h_cli(env, &run, "import", "json", "--db", db, h_env_path(env, name, file), (char *)NULL);
	if (run.status != 0)
		fail_msg("import json --db %s %s exited %d: %s", db, name, run.status, run.err);
	h_run_free(&run);
}

/* (c) SQLite -> JSON -> PostgreSQL -> JSON gives the same bytes, and back again; the demo
 * data of `init --demo` exports the same from both backends. */
static void test_pg_roundtrip_between_backends(void **state)
{
	struct h_env *envs = *state;
	if (!envs)
		skip();
	struct h_env *env = &envs[0];   /* env->db: an empty, initialised PostgreSQL database */
	char lite[H_PATH_MAX], back[H_PATH_MAX];
	init_db(env, h_env_path(env, "demo.db", lite), 1);
	char *from_sqlite = export_json(env, lite);
	json_t *doc = json_loads(from_sqlite, 0, NULL);
	assert_non_null(doc);
	assert_true(json_array_size(json_object_get(doc, "cities")) > 0);
	assert_true(json_array_size(json_object_get(doc, "cooperations")) > 0);
	json_decref(doc);

	import_file(env, env->db, "from-sqlite.json", from_sqlite);
	char *from_pg = export_json(env, env->db);
	expect_same_text(from_sqlite, from_pg, "SQLite -> JSON -> PostgreSQL -> JSON");

	init_db(env, h_env_path(env, "back.db", back), 0);
	import_file(env, back, "from-pg.json", from_pg);
	char *again = export_json(env, back);
	expect_same_text(from_pg, again, "PostgreSQL -> JSON -> SQLite -> JSON");

	const struct testdb *pgdemo = h_env_new_db(env);
	assert_non_null(pgdemo);
	init_db(env, pgdemo->target, 1);
	char *demo_pg = export_json(env, pgdemo->target);
	expect_same_text(from_sqlite, demo_pg, "init --demo on SQLite and on PostgreSQL, exported");
	free(from_sqlite);
	free(from_pg);
	free(again);
	free(demo_pg);
}

/* The server answers 503 "unavailable" (JSON on the API, HTML on pages) while the
 * database is down, and stays up. */
static void expect_unavailable(struct h_env *env, const char *item, const char *page)
{
	struct h_resp r;
	if (h_request(env, &r, "GET", item, NULL, NULL))
		fail_msg("GET %s with the database down: no response", item);
	h_expect_error(&r, item, 503, "unavailable", NULL);
	const char *message = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	if (!message || !strstr(message, "database"))
		fail_msg("GET %s with the database down: the message does not say the database is unreachable: %s", item,
			 message ? message : "(none)");
	if (h_header(&r, "ETag"))
		fail_msg("GET %s: a 503 must not carry an ETag", item);
	h_resp_free(&r);
	h_get(env, &r, page, 503);
	expect_type(&r, page, "text/html");
	h_expect_security_headers(&r, page);
	if (strncmp(r.body, "<!DOCTYPE html>", 15) != 0 || !strstr(r.body, "database"))
		fail_msg("GET %s with the database down: not an HTML page saying the database is unreachable: %.300s",
			 page, r.body);
	h_resp_free(&r);
	if (!h_env_alive(env))
		fail_msg("the server exited when the database went away");
}

/* (d) The database goes away under a running server and comes back. */
static void test_pg_database_goes_away(void **state)
{
	struct h_env *envs = *state;
	if (!envs)
		skip();
	struct h_env *env = &envs[0];
	static const char item[] = "/api/v1/cooperations/nice-haikou", page[] = "/cooperations/nice-haikou";
	struct snapshot item_before, page_before;
	struct h_resp r;
	h_get(env, &r, item, 200);
	snapshot_take(&r, &item_before);
	h_resp_free(&r);
	h_get(env, &r, page, 200);
	snapshot_take(&r, &page_before);
	h_resp_free(&r);

	assert_int_equal(h_pg_ctl(env, "stop"), 0);
	expect_unavailable(env, item, page);
	expect_unavailable(env, item, page);   /* again, on a new connection attempt */

	assert_int_equal(h_pg_ctl(env, "start"), 0);
	long long started = now_ms();
	long status = 0;
	while (now_ms() - started < 10000) {
		if (h_request(env, &r, "GET", item, NULL, NULL) == 0)
			status = r.status;
		h_resp_free(&r);
		if (status == 200)
			break;
		pause_ms(100);
	}
	if (status != 200)
		fail_msg("GET %s: still %ld 10 s after the database came back", item, status);
	h_get(env, &r, item, 200);
	if (!snapshot_same(&item_before, &r))
		fail_msg("GET %s after the restart: a different answer: %.300s", item, r.body);
	h_resp_free(&r);
	h_get(env, &r, page, 200);
	if (!snapshot_same(&page_before, &r))
		fail_msg("GET %s after the restart: a different page", page);
	h_resp_free(&r);
	snapshot_free(&item_before);
	snapshot_free(&page_before);
	assert_int_equal(h_env_stop(env), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_every_route_answers),
		cmocka_unit_test(test_private_routes_need_sign_in),
		cmocka_unit_test(test_api_index),
		cmocka_unit_test(test_openapi),
		cmocka_unit_test(test_list_shape),
		cmocka_unit_test(test_sdgs),
		cmocka_unit_test(test_cooperation_nice_haikou),
		cmocka_unit_test(test_city_facts),
		cmocka_unit_test(test_items_match_lists),
		cmocka_unit_test(test_cooperation_filters),
		cmocka_unit_test(test_filter_facts),
		cmocka_unit_test(test_city_filters),
		cmocka_unit_test(test_filter_matching_nothing),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_bad_parameters_on_pages),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_path_traversal),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_request_body),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_etag_follows_content),
		cmocka_unit_test(test_security_headers_everywhere),
		cmocka_unit_test(test_request_limits),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test_setup_teardown(test_xss_pages, setup_empty, env_teardown),
		cmocka_unit_test_setup_teardown(test_xss_json_exact, setup_empty, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_export_import_roundtrip, setup_demo, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_invalid_import, setup_demo, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_import_twice, setup_empty, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_help_and_unknown_command, setup_empty, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_serve_errors, setup_empty, env_teardown),
		cmocka_unit_test_setup_teardown(test_cli_newer_schema, setup_demo, env_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_requests_then_sigterm, setup_demo_served, env_teardown),
		cmocka_unit_test_setup_teardown(test_pg_two_servers_one_database, setup_pg_demo_served, pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_concurrent_migrations, setup_pg_empty, pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_roundtrip_between_backends, setup_pg_empty, pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_database_goes_away, setup_pg_demo_served, pg_teardown),
	};
	h_print_backend();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
