/* test_plans.c: black-box tests of the Urban Cooperation Action Plans (U-CAPs, issue 5)
 * against the real binary: the JSON API, the pages and forms, and the command line.
 *
 * - Reading (/api/v1/plans): the list, its filters and paging; one plan, its revisions and
 *   any revision, with ETags that revalidate (304); the section-by-section diff, its
 *   parameters and errors. Expectations come from data/demo.json (the demo's plans, two
 *   revisions each) and from the API's own answers, never from numbers written here.
 * - Writing (PUT, restore, DELETE): If-Match (428, 412), a save as a new revision, the
 *   same content again adding nothing, invalid content refused with the field named and
 *   nothing changed, new plans (201 and Location).
 * - The access-control matrix: five actors (a visitor, a member, the coordinators of Nice
 *   and of Rome, an admin; world.h) x every write route of plans in routes.c (PUT and
 *   DELETE /api/v1/plans/{slug}, the API's restore, POST /plans/new, the section forms,
 *   the restore form): edits, moves, restores, creates and deletes of plans of their
 *   cities (Nice's, and a plan of Rome made in setup_with_rome), of others' (Haikou's)
 *   and of clusters. The expected answer of every cell is computed from the server's own
 *   rules, linked in (world.h: the route's permission, then permission_allows() on the
 *   plan's owner record as it was and as it will be), never written per cell; a refused
 *   cell leaves the export, the audit log and every revision as they were.
 *   test_matrix_covers_the_rules fails when a write route of plans has no cell or no
 *   CSRF request, or lacks an own and an other cell for a coordinator.
 * - CSRF on a cookie session, for every write route of plans (API and forms): no token,
 *   a wrong one, another session's, a foreign or null Origin, GET on the same address.
 * - The forms (/plans/{slug}/edit/{section}, restore): save, conflict page (both
 *   versions, the user's text kept), errors beside the field, who may use them.
 * - The summary as Markdown and PDF (pdftotext, when installed), `c2c report ucap`,
 *   `c2c audit`, and `c2c export json` / `import json` round trips.
 *
 * Every test has a world of its own (world.h: the demo data, accounts made with `c2c user
 * add`, an API token each, a server). Runs on SQLite and, under scripts/with-postgres, on
 * PostgreSQL. */
#include "world.h"
#include "core/plan.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#define FORM_TYPE "application/x-www-form-urlencoded"
#define DEMO_FILE "data/demo.json"   /* tests run from the repository root */

/* ---- the sections of a plan, copied from src/core/plan.c (plan_sections) ----
 *
 * key: the section's key (URL segment of its form, and for text sections the content
 * key); title: its heading; keys: the content keys it shows (plan_diff compares their
 * text; the edit form of the section replaces them); text: one markdown field, whose
 * section text is the field as it is. */
static const struct section {
	const char *key, *title;
	const char *keys[6];
	int text;
} sections[] = {
	{"facts", "City and counterparts", {"title", "city", "cooperation", "counterparts", "facts", NULL}, 0},
	{"period", "Period of cooperation", {"period", NULL}, 0},
	{"themes", "Cooperation themes", {"themes", NULL}, 0},
	{"goals", "Related SDGs and Urban Agenda topics", {"sdgs", "urban_agenda", NULL}, 0},
	{"key_focus", "Key focus of cooperation themes", {"key_focus", NULL}, 1},
	{"key_challenges", "Key challenges", {"key_challenges", NULL}, 1},
	{"objectives", "Main objectives", {"objectives", NULL}, 1},
	{"activities", "Activities and key outputs", {"activities", NULL}, 0},
	{"results", "Expected results and benefits", {"results", NULL}, 1},
	{"contact", "Contact for further information", {"contact", NULL}, 1},
	{"unplaced", "Text not placed by the importer", {"unplaced", NULL}, 1},
};
#define NSECTIONS (sizeof sections / sizeof *sections)

/* Whether content a and b agree on every key of section s (an absent key on both sides
 * agrees). */
static int section_same(const struct section *s, json_t *a, json_t *b)
{
	for (size_t k = 0; s->keys[k]; k++) {
		json_t *x = json_object_get(a, s->keys[k]), *y = json_object_get(b, s->keys[k]);
		if ((x || y) && (!x || !y || !json_equal(x, y)))
			return 0;
	}
	return 1;
}

static int section_present(const struct section *s, json_t *content)
{
	for (size_t k = 0; s->keys[k]; k++)
		if (json_object_get(content, s->keys[k]))
			return 1;
	return 0;
}

/* ---- who a plan belongs to ----
 *
 * The rules are the server's own (world.h: permission_allows(), linked in); what the
 * test builds is the record they judge a plan by, as web/plan_write.c does: its city,
 * or, for a plan without one, its cooperation's members (the cooperation as the API
 * gives it). A plan whose cooperation cannot be read is nobody's but the admins'. */
static json_t *plan_owner(struct world *w, json_t *content)
{
	json_t *city = json_object_get(content, "city");
	if (json_is_string(city))
		return json_pack("{s:O}", "city", city);
	json_t *rec = json_object();
	const char *coop = json_string_value(json_object_get(content, "cooperation"));
	if (!coop)
		return rec;
	char *path = h_strf("/api/v1/cooperations/%s", coop);
	json_t *c = w_get_record(w, path, NULL);
	free(path);
	if (c)
		json_object_set(rec, "members", json_object_get(c, "members"));
	json_decref(c);
	return rec;
}

/* ---- small helpers ---- */

/* The demo's plans (data/demo.json "plans"), a new reference. */
static json_t *demo_plans(void)
{
	json_error_t err;
	json_t *doc = json_load_file(DEMO_FILE, 0, &err);
	if (!doc)
		fail_msg("%s: %s (line %d)", DEMO_FILE, err.text, err.line);
	json_t *plans = json_incref(json_object_get(doc, "plans"));
	json_decref(doc);
	if (!json_is_array(plans) || json_array_size(plans) == 0)
		fail_msg("%s has no plans", DEMO_FILE);
	return plans;
}

static json_t *demo_key(const char *key)
{
	json_t *doc = json_load_file(DEMO_FILE, 0, NULL);
	json_t *v = json_incref(json_object_get(doc, key));
	json_decref(doc);
	if (!json_is_array(v))
		fail_msg("%s has no %s", DEMO_FILE, key);
	return v;
}

/* The demo's plan slug (borrowed from plans). */
static json_t *demo_plan(json_t *plans, const char *slug)
{
	size_t i;
	json_t *p;
	json_array_foreach(plans, i, p)
		if (strcmp(json_string_value(json_object_get(p, "slug")), slug) == 0)
			return p;
	fail_msg("%s has no plan %s", DEMO_FILE, slug);
	return NULL;
}

/* json_equal, except that numbers are equal when their values are (the store keeps an
 * area as a real: the demo's 3146 comes back as 3146.0, the same JSON number). */
static int same_json(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_object(a) && json_is_object(b)) {
		const char *k;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach(a, k, v)
			if (!json_object_get(b, k) || !same_json(v, json_object_get(b, k)))
				return 0;
		return 1;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same_json(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	return json_equal(a, b);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* A time as the API writes it: 2026-11-23T19:34:40Z. */
static int is_timestamp(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!s || strlen(s) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the strings of a JSON array of strings and joins them with commas (free it). */
static char *sorted_join(json_t *strings)
{
	size_t n = json_array_size(strings);
	const char **v = calloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(strings, i));
	qsort(v, n, sizeof *v, cmp_str);
	char *out = h_strf("%s", "");
	for (size_t i = 0; i < n; i++) {
		char *next = h_strf("%s%s%s", out, i ? "," : "", v[i]);
		free(out);
		out = next;
	}
	free(v);
	return out;
}

/* GET path as a visitor (or with a session cookie); fails unless it answers status.
 * Returns the JSON body (new reference; NULL when not JSON) and its ETag when etag. */
static json_t *get_json(struct world *w, const char *path, long status, char **etag)
{
	struct h_resp r;
	if (h_request(&w->env, &r, "GET", path, NULL, NULL))
		fail_msg("GET %s: no response", path);
	if (r.status != status)
		fail_msg("GET %s: status %ld, expected %ld: %.400s", path, r.status, status, r.body);
	json_t *j = json_incref(r.json);
	if (etag)
		*etag = h_header(&r, "ETag") ? h_strf("%s", h_header(&r, "ETag")) : NULL;
	h_resp_free(&r);
	return j;
}

/* The current revision of plan slug as GET gives it (NULL: 404), and its ETag. */
static json_t *plan_doc(struct world *w, const char *slug, char **etag)
{
	char *path = h_strf("/api/v1/plans/%s", slug);
	json_t *doc = w_get_record(w, path, etag);
	free(path);
	return doc;
}

static json_t *plan_content(struct world *w, const char *slug, int revision)
{
	char *path = h_strf("/api/v1/plans/%s/revisions/%d", slug, revision);
	json_t *doc = get_json(w, path, 200, NULL);
	free(path);
	json_t *content = json_incref(json_object_get(doc, "content"));
	json_decref(doc);
	return content;
}

/* A deep copy of content with key set to value (stolen). */
static json_t *with(json_t *content, const char *key, json_t *value)
{
	json_t *c = json_deep_copy(content);
	json_object_set_new(c, key, value);
	return c;
}

/* Everything a write could change: the export, the audit log, and every plan's list of
 * revisions (free it). */
static char *state_of(struct world *w)
{
	char *all = w_snapshot(w);
	json_t *list = get_json(w, "/api/v1/plans?limit=500", 200, NULL);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(list, "items"), i, p) {
		char *path = h_strf("/api/v1/plans/%s/revisions", str(p, "slug"));
		json_t *revs = get_json(w, path, 200, NULL);
		char *text = json_dumps(revs, JSON_COMPACT | JSON_SORT_KEYS);
		char *next = h_strf("%s\n%s", all, text);
		free(all), free(text), free(path);
		json_decref(revs);
		all = next;
	}
	json_decref(list);
	return all;
}

static void expect_same_state(struct world *w, const char *before, const char *what)
{
	char *after = state_of(w);
	if (strcmp(before, after) != 0) {
		size_t i = 0;
		while (before[i] && before[i] == after[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fail_msg("%s changed the database (export, audit log or revisions); from:\n%.400s\n...became:\n%.400s",
			 what, before + from, after + from);
	}
	free(after);
}

/* The field names of error.errors[], sorted and comma-joined (free it). */
static char *error_fields(const struct h_resp *r)
{
	json_t *names = json_array(), *e;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(r->json, "error"), "errors"), i, e) {
		const char *f = str(e, "field");
		json_array_append_new(names, json_string(f ? f : "(none)"));
	}
	char *out = sorted_join(names);
	json_decref(names);
	return out;
}

/* A 422 naming exactly the given fields (sorted, comma-joined), one entry each. */
static void expect_invalid(const struct h_resp *r, const char *what, const char *fields)
{
	json_t *first = json_array_get(json_object_get(json_object_get(r->json, "error"), "errors"), 0);
	h_expect_error(r, what, 422, NULL, str(first, "field"));
	char *got = error_fields(r);
	if (strcmp(got, fields) != 0)
		fail_msg("%s: error.errors[] names the fields %s, expected one entry each for %s: %.600s", what, got, fields,
			 r->body);
	free(got);
}

/* PUT /api/v1/plans/slug {"content": content, "message": message}. */
static void put_plan(struct world *w, struct h_resp *r, const char *slug, json_t *content, const char *message,
		     const char *if_match, struct creds who)
{
	json_t *body = json_pack("{s:O}", "content", content);
	if (message)
		json_object_set_new(body, "message", json_string(message));
	char *text = json_dumps(body, JSON_COMPACT);
	char *path = h_strf("/api/v1/plans/%s", slug);
	struct call c = {"PUT", path, text, NULL, if_match, NULL, who};
	w_send(w, r, &c);
	free(text), free(path);
	json_decref(body);
}

static void restore_plan(struct world *w, struct h_resp *r, const char *slug, int revision, const char *if_match,
			 struct creds who)
{
	char *path = h_strf("/api/v1/plans/%s/revisions/%d/restore", slug, revision);
	struct call c = {"POST", path, NULL, "", if_match, NULL, who};
	w_send(w, r, &c);
	free(path);
}

static struct creds bearer(struct world *w, int actor)
{
	return (struct creds){.bearer = w->token[actor]};
}

/* Fails unless r answered status (and then, for JSON errors, the error shape). */
static void expect_status(const struct h_resp *r, long status, const char *what)
{
	if (r->status != status)
		fail_msg("%s: status %ld, expected %ld: %.600s", what, r->status, status, r->body);
}

/* The newest audit row of plan/slug (new reference), NULL when none. */
static json_t *newest_plan_audit(struct world *w, const char *slug)
{
	char *record = h_strf("plan/%s", slug);
	json_t *rows = w_audit_rows(w, record);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	free(record);
	return row;
}

/* ---- HTML ---- */

/* Undoes the character references html.c writes (&amp; &lt; &gt; &quot; &#39;) and numeric
 * ones, on len bytes of s (free it). */
static char *unescape(const char *s, size_t len)
{
	static const char *const named[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
	char *out = malloc(len * 4 + 1), *o = out;
	for (size_t i = 0; i < len;) {
		size_t k = 0;
		while (k < sizeof named / sizeof *named && strncmp(s + i, named[k][0], strlen(named[k][0])) != 0)
			k++;
		if (k < sizeof named / sizeof *named) {
			*o++ = named[k][1][0];
			i += strlen(named[k][0]);
			continue;
		}
		if (s[i] == '&' && s[i + 1] == '#') {
			char *end;
			int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
			unsigned long cp = strtoul(s + i + 2 + hex, &end, hex ? 16 : 10);
			if (*end == ';' && cp > 0 && cp < 0x110000) {
				if (cp < 0x80) {
					*o++ = (char)cp;
				} else if (cp < 0x800) {
					*o++ = (char)(0xC0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3F));
				} else if (cp < 0x10000) {
					*o++ = (char)(0xE0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
					*o++ = (char)(0x80 | (cp & 0x3F));
				} else {
					*o++ = (char)(0xF0 | cp >> 18), *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
					*o++ = (char)(0x80 | ((cp >> 6) & 0x3F)), *o++ = (char)(0x80 | (cp & 0x3F));
				}
				i = (size_t)(end + 1 - s);
				continue;
			}
		}
		*o++ = s[i++];
	}
	*o = '\0';
	return out;
}

/* The value of attribute name in the tag [tag, end), unescaped, or NULL (free it). */
static char *attr(const char *tag, const char *end, const char *name)
{
	char *needle = h_strf(" %s=\"", name);
	const char *p = strstr(tag, needle);
	size_t n = strlen(needle);
	free(needle);
	if (!p || p >= end)
		return NULL;
	p += n;
	const char *q = strchr(p, '"');
	return q && q < end ? unescape(p, (size_t)(q - p)) : NULL;
}

/* The form with this action in page, as a browser would send it: every named input
 * (hidden, text; radios and checkboxes when checked; not buttons) and text area, in
 * document order, as [[name, value], ...] (new reference), or NULL when there is none. */
static json_t *scrape_form(const char *page, const char *action)
{
	char *needle = h_strf("action=\"%s\"", action);
	const char *start = strstr(page, needle);
	free(needle);
	if (!start)
		return NULL;
	const char *stop = strstr(start, "</form>");
	if (!stop)
		return NULL;
	json_t *pairs = json_array();
	const char *p = start;
	for (;;) {
		const char *in = strstr(p, "<input"), *ta = strstr(p, "<textarea");
		const char *tag = in && (!ta || in < ta) ? in : ta;
		if (!tag || tag >= stop)
			break;
		const char *end = strchr(tag, '>');
		if (!end)
			break;
		char *name = attr(tag, end, "name");
		if (tag == in) {
			char *type = attr(tag, end, "type"), *value = attr(tag, end, "value");
			int checkable = type && (strcmp(type, "radio") == 0 || strcmp(type, "checkbox") == 0);
			int button = type && (strcmp(type, "submit") == 0 || strcmp(type, "button") == 0);
			const char *checked = strstr(tag, " checked");
			if (name && !button && (!checkable || (checked && checked < end)))
				json_array_append_new(pairs, json_pack("[s,s]", name, value ? value : checkable ? "on" : ""));
			free(type), free(value);
			p = end + 1;
		} else {
			const char *text = end + 1, *close = strstr(text, "</textarea>");
			if (!close)
				break;
			if (*text == '\n')   /* the HTML parser drops a newline right after the tag */
				text++;
			char *value = unescape(text, (size_t)(close - text));
			if (name)
				json_array_append_new(pairs, json_pack("[s,s]", name, value));
			free(value);
			p = close + 1;
		}
		free(name);
	}
	return pairs;
}

/* The value of the first field name of a scraped form (borrowed), or NULL. */
static const char *form_get(json_t *form, const char *name)
{
	size_t i;
	json_t *pair;
	json_array_foreach(form, i, pair)
		if (strcmp(json_string_value(json_array_get(pair, 0)), name) == 0)
			return json_string_value(json_array_get(pair, 1));
	return NULL;
}

/* Sets field name of a scraped form (adds it when absent). */
static void form_set(json_t *form, const char *name, const char *value)
{
	size_t i;
	json_t *pair;
	json_array_foreach(form, i, pair)
		if (strcmp(json_string_value(json_array_get(pair, 0)), name) == 0) {
			json_array_set_new(pair, 1, json_string(value));
			return;
		}
	json_array_append_new(form, json_pack("[s,s]", name, value));
}

/* The form as an application/x-www-form-urlencoded body (free it). */
static char *form_encode(json_t *form)
{
	char *body = h_strf("%s", "");
	size_t i;
	json_t *pair;
	json_array_foreach(form, i, pair) {
		char *n = h_escape(json_string_value(json_array_get(pair, 0)));
		char *v = h_escape(json_string_value(json_array_get(pair, 1)));
		char *next = h_strf("%s%s%s=%s", body, i ? "&" : "", n, v);
		free(body), free(n), free(v);
		body = next;
	}
	return body;
}

static void get_page(struct world *w, struct h_resp *r, const char *path, const char *session, long status)
{
	struct call c = {"GET", path, NULL, NULL, NULL, NULL, {.session = session}};
	w_send(w, r, &c);
	if (r->status != status)
		fail_msg("GET %s: status %ld, expected %ld: %.300s", path, r->status, status, r->body);
}

static void post_form(struct world *w, struct h_resp *r, const char *path, json_t *form, const char *session,
		      const char *origin)
{
	char *body = form_encode(form);
	struct call c = {"POST", path, body, FORM_TYPE, NULL, NULL, {.session = session, .origin = origin}};
	w_send(w, r, &c);
	free(body);
}

/* Whether some <tag>...</tag> of html holds text. */
static int marked(const char *html, const char *tag, const char *text)
{
	char *open = h_strf("<%s>", tag), *close = h_strf("</%s>", tag);
	int found = 0;
	for (const char *p = strstr(html, open); p && !found; p = strstr(p + 1, open)) {
		const char *end = strstr(p, close);
		if (!end)
			break;
		char *inner = h_strf("%.*s", (int)(end - p - strlen(open)), p + strlen(open));
		found = strstr(inner, text) != NULL;
		free(inner);
	}
	free(open), free(close);
	return found;
}

/* The text of every <span lang="zh"> of a page, in order (new reference). */
static json_t *chinese_names(const char *html)
{
	json_t *names = json_array();
	const char *open = "<span lang=\"zh\">";
	for (const char *p = strstr(html, open); p; p = strstr(p + 1, open)) {
		const char *end = strstr(p, "</span>");
		if (!end)
			break;
		char *name = unescape(p + strlen(open), (size_t)(end - p - strlen(open)));
		json_array_append_new(names, json_string(name));
		free(name);
	}
	return names;
}

/* ---- PDFs ---- */

/* The text of the PDF file at path (pdftotext), whitespace runs made one space (free
 * it); NULL when pdftotext is not installed. */
static char *pdf_text(struct world *w, const char *path)
{
	char *argv[] = {"pdftotext", "-enc", "UTF-8", (char *)path, "-", NULL};
	struct h_run run;
	if (h_exec(&w->env, &run, argv) && run.status == 127) {
		h_run_free(&run);
		return NULL;
	}
	if (run.status != 0)
		fail_msg("pdftotext %s: exit %d: %s", path, run.status, run.err);
	char *text = h_strf("%s", run.out), *o = text;
	int space = 0;
	for (const char *p = run.out; *p; p++) {
		if (strchr(" \t\r\n\f\v", *p)) {
			space = 1;
			continue;
		}
		if (space && o != text)
			*o++ = ' ';
		space = 0;
		*o++ = *p;
	}
	*o = '\0';
	h_run_free(&run);
	return text;
}

/* Checks a PDF of plan content: the file's magic, and when pdftotext is there, the plan's
 * title and the title of every section the plan fills (the facts are the header table:
 * its "Country" row stands for them). Returns the text (free it), or NULL without
 * pdftotext. */
static char *check_pdf(struct world *w, const char *file, json_t *content, const char *what)
{
	char *bytes = h_read_file(file);
	if (strncmp(bytes, "%PDF-", 5) != 0)
		fail_msg("%s: does not start with %%PDF-: %.20s", what, bytes);
	free(bytes);
	char *text = pdf_text(w, file);
	if (!text)
		return NULL;
	for (size_t i = 0; i < NSECTIONS; i++) {
		const char *want = i == 0 ? "Country" : sections[i].title;
		if (section_present(&sections[i], content) && !strstr(text, want))
			fail_msg("%s: pdftotext finds no \"%s\" (section %s): %.600s", what, want, sections[i].key, text);
	}
	if (!strstr(text, str(content, "title")))
		fail_msg("%s: the PDF's text does not hold the plan's title %s", what, str(content, "title"));
	return text;
}

/* Writes len bytes to dir/name and returns the full path in out. */
static const char *save_bytes(struct world *w, const char *name, const char *bytes, size_t len, char out[H_PATH_MAX])
{
	h_env_path(&w->env, name, out);
	FILE *f = fopen(out, "wb");
	if (!f || fwrite(bytes, 1, len, f) != len)
		fail_msg("cannot write %s", out);
	fclose(f);
	return out;
}

/* A PDF as served ends with %%EOF (and a newline or not). */
static void expect_pdf_bytes(const struct h_resp *r, const char *what)
{
	if (r->len < 8 || memcmp(r->body, "%PDF-", 5) != 0)
		fail_msg("%s: the body does not start with %%PDF- (%zu bytes)", what, r->len);
	size_t end = r->len;
	while (end > 0 && (r->body[end - 1] == '\n' || r->body[end - 1] == '\r'))
		end--;
	if (end < 5 || memcmp(r->body + end - 5, "%%EOF", 5) != 0)
		fail_msg("%s: the body does not end with %%%%EOF", what);
}

/* =================================================================================== */
/* 1. Reading                                                                          */
/* =================================================================================== */

/* The list: shape, what each item says (from the demo's plans), the filters (expected
 * from the demo's data), paging with limit and cursor, revalidation, bad parameters. */
static void test_list(void **state)
{
	struct world *w = *state;
	json_t *plans = demo_plans();
	size_t n = json_array_size(plans);
	char *etag;
	json_t *list = get_json(w, "/api/v1/plans", 200, &etag);
	json_t *items = json_object_get(list, "items");
	if (!json_is_array(items) || json_array_size(items) != n || num(list, "total") != (long long)n ||
	    num(list, "limit") != 50 || (json_object_get(list, "next_cursor") && !json_is_null(json_object_get(list, "next_cursor"))))
		fail_msg("GET /api/v1/plans: expected {items: %zu plans, total: %zu, limit: 50, no next_cursor}", n, n);
	/* by slug, each with its current revision as the demo has it */
	json_t *slugs = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(plans, i, p)
		json_array_append(slugs, json_object_get(p, "slug"));
	char *want = sorted_join(slugs), *got = h_join_key(items, "slug");
	assert_string_equal(got, want);
	free(got);
	json_array_foreach(items, i, p) {
		json_t *d = demo_plan(plans, str(p, "slug")), *revs = json_object_get(d, "revisions");
		json_t *last = json_array_get(revs, json_array_size(revs) - 1), *content = json_object_get(last, "content");
		const char *keys[] = {"title", "city", "cooperation", "counterparts"};
		for (size_t k = 0; k < 4; k++)
			if (!same_json(json_object_get(p, keys[k]), json_object_get(content, keys[k])))
				fail_msg("list item %s: %s differs from the demo's current revision", str(p, "slug"), keys[k]);
		if (num(p, "revision") != (long long)json_array_size(revs) || !str(p, "message") ||
		    strcmp(str(p, "message"), str(last, "message")) != 0 || !str(p, "author") || !*str(p, "author") ||
		    !is_timestamp(str(p, "saved_at")))
			fail_msg("list item %s: revision, message, author or saved_at wrong: %s", str(p, "slug"), w_dump(p));
	}
	/* revalidation */
	struct h_resp r;
	char *inm = h_strf("If-None-Match: %s", etag);
	const char *h304[] = {inm, NULL};
	h_request(&w->env, &r, "GET", "/api/v1/plans", h304, NULL);
	if (r.status != 304 || r.len != 0)
		fail_msg("GET /api/v1/plans with If-None-Match of its ETag: %ld (%zu bytes), expected an empty 304", r.status, r.len);
	h_resp_free(&r);
	free(inm), free(etag);

	/* city=: the plans whose city it is or that name it as a counterpart */
	json_t *cities = demo_key("cities"), *c;
	json_array_append_new(cities, json_pack("{s:s}", "slug", "atlantis"));   /* no such city: none */
	json_array_foreach(cities, i, c) {
		json_t *expect = json_array();
		size_t k, m;
		json_t *cp;
		json_array_foreach(plans, k, p) {
			json_t *revs = json_object_get(p, "revisions");
			json_t *content = json_object_get(json_array_get(revs, json_array_size(revs) - 1), "content");
			int names = json_equal(json_object_get(content, "city"), json_object_get(c, "slug"));
			json_array_foreach(json_object_get(content, "counterparts"), m, cp)
				names |= json_equal(cp, json_object_get(c, "slug"));
			if (names)
				json_array_append(expect, json_object_get(p, "slug"));
		}
		char *path = h_strf("/api/v1/plans?city=%s", str(c, "slug"));
		json_t *page = get_json(w, path, 200, NULL);
		char *e = sorted_join(expect), *g = h_join_key(json_object_get(page, "items"), "slug");
		if (strcmp(e, g) != 0 || num(page, "total") != (long long)json_array_size(expect))
			fail_msg("GET %s: plans [%s] (total %lld), expected [%s]", path, g, num(page, "total"), e);
		free(e), free(g), free(path);
		json_decref(page), json_decref(expect);
	}
	json_decref(cities);
	/* cooperation=: the plans of that cooperation */
	json_t *coops = demo_key("cooperations");
	json_array_append_new(coops, json_pack("{s:s}", "slug", "atlantis-lemuria"));
	json_array_foreach(coops, i, c) {
		json_t *expect = json_array();
		size_t k;
		json_array_foreach(plans, k, p) {
			json_t *revs = json_object_get(p, "revisions");
			json_t *content = json_object_get(json_array_get(revs, json_array_size(revs) - 1), "content");
			if (json_equal(json_object_get(content, "cooperation"), json_object_get(c, "slug")))
				json_array_append(expect, json_object_get(p, "slug"));
		}
		char *path = h_strf("/api/v1/plans?cooperation=%s", str(c, "slug"));
		json_t *page = get_json(w, path, 200, NULL);
		char *e = sorted_join(expect), *g = h_join_key(json_object_get(page, "items"), "slug");
		if (strcmp(e, g) != 0 || num(page, "total") != (long long)json_array_size(expect))
			fail_msg("GET %s: plans [%s], expected [%s]", path, g, e);
		free(e), free(g), free(path);
		json_decref(page), json_decref(expect);
	}
	json_decref(coops);

	/* paging: one plan a page, following next_cursor, gives the whole list once */
	json_t *seen = json_array();
	char *cursor = NULL;
	for (size_t pages = 0;; pages++) {
		if (pages > n)
			fail_msg("paging with limit=1 did not end after %zu pages", pages);
		char *esc = cursor ? h_escape(cursor) : NULL;
		char *path = cursor ? h_strf("/api/v1/plans?limit=1&cursor=%s", esc) : h_strf("/api/v1/plans?limit=1");
		json_t *page = get_json(w, path, 200, NULL);
		json_t *pi = json_object_get(page, "items");
		if (json_array_size(pi) != 1 || num(page, "total") != (long long)n || num(page, "limit") != 1)
			fail_msg("GET %s: expected one item, total %zu, limit 1: %s", path, n, w_dump(page));
		json_array_append(seen, json_array_get(pi, 0));
		free(cursor), free(esc), free(path);
		const char *next = str(page, "next_cursor");
		cursor = next ? h_strf("%s", next) : NULL;
		json_decref(page);
		if (!cursor)
			break;
	}
	got = h_join_key(seen, "slug");
	assert_string_equal(got, want);
	if (!json_equal(seen, items))
		fail_msg("the pages of one plan each differ from the whole list");
	free(got), free(want);
	json_decref(seen);

	/* bad parameters */
	static const struct {
		const char *query;
		long status;
		const char *field;
	} bad[] = {
		{"limit=0", 422, "limit"}, {"limit=501", 422, "limit"}, {"limit=ten", 422, "limit"},
		{"city=Nice", 422, "city"}, {"bogus=1", 400, "bogus"},
	};
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *path = h_strf("/api/v1/plans?%s", bad[i].query);
		h_request(&w->env, &r, "GET", path, NULL, NULL);
		h_expect_error(&r, path, bad[i].status, NULL, bad[i].field);
		h_resp_free(&r);
		free(path);
	}
	json_decref(slugs);
	json_decref(list);
	json_decref(plans);
}

/* One plan: its current revision, every revision, ETags and 304, 404s. */
static void test_plan_and_revisions(void **state)
{
	struct world *w = *state;
	json_t *plans = demo_plans();
	size_t i;
	json_t *p;
	json_array_foreach(plans, i, p) {
		const char *slug = str(p, "slug");
		json_t *revs = json_object_get(p, "revisions");
		long long n = (long long)json_array_size(revs);
		char *etag;
		json_t *doc = plan_doc(w, slug, &etag);
		json_t *last = json_array_get(revs, n - 1);
		if (!doc || !same_json(json_object_get(doc, "content"), json_object_get(last, "content")))
			fail_msg("GET /api/v1/plans/%s: the content is not the demo's last revision", slug);
		if (strcmp(str(doc, "slug"), slug) != 0 || num(doc, "revision") != n || num(doc, "current_revision") != n ||
		    strcmp(str(doc, "message"), str(last, "message")) != 0 || !str(doc, "author") || !str(doc, "via") ||
		    !is_timestamp(str(doc, "saved_at")))
			fail_msg("GET /api/v1/plans/%s: slug, revision %lld, message, author, via, saved_at: %.300s", slug, n,
				 w_dump(json_object_get(doc, "revision")));
		/* revalidation */
		char *path = h_strf("/api/v1/plans/%s", slug), *inm = h_strf("If-None-Match: %s", etag);
		const char *h304[] = {inm, NULL}, *hother[] = {"If-None-Match: \"not-the-etag\"", NULL};
		struct h_resp r;
		h_request(&w->env, &r, "GET", path, h304, NULL);
		if (r.status != 304 || r.len != 0)
			fail_msg("GET %s with If-None-Match of its ETag: %ld, expected an empty 304", path, r.status);
		h_resp_free(&r);
		h_request(&w->env, &r, "GET", path, hother, NULL);
		expect_status(&r, 200, "GET with another ETag in If-None-Match");
		h_resp_free(&r);
		free(inm);

		/* the list of revisions, newest first */
		char *rpath = h_strf("/api/v1/plans/%s/revisions", slug);
		json_t *list = get_json(w, rpath, 200, NULL), *rv;
		json_t *rl = json_object_get(list, "items");
		if (strcmp(str(list, "slug"), slug) != 0 || (long long)json_array_size(rl) != n)
			fail_msg("GET %s: expected %lld revisions: %s", rpath, n, w_dump(list));
		size_t k;
		json_array_foreach(rl, k, rv) {
			long long number = n - (long long)k;
			json_t *d = json_array_get(revs, (size_t)number - 1);
			if (num(rv, "revision") != number || strcmp(str(rv, "message"), str(d, "message")) != 0 ||
			    !str(rv, "author") || !*str(rv, "author") || !is_timestamp(str(rv, "saved_at")) || json_object_get(rv, "content"))
				fail_msg("GET %s: entry %zu should be revision %lld with the demo's message, an author, a time "
					 "and no content: %s", rpath, k, number, w_dump(rv));
			if (k > 0 && strcmp(str(json_array_get(rl, k - 1), "saved_at"), str(rv, "saved_at")) < 0)
				fail_msg("GET %s: revision %lld is older than %lld", rpath, number + 1, number);
			/* and each revision whole */
			char *one = h_strf("/api/v1/plans/%s/revisions/%lld", slug, number);
			char *oetag;
			json_t *od = get_json(w, one, 200, &oetag);
			if (num(od, "revision") != number || num(od, "current_revision") != n ||
			    !same_json(json_object_get(od, "content"), json_object_get(d, "content")) ||
			    strcmp(str(od, "message"), str(d, "message")) != 0 || strcmp(str(od, "author"), str(rv, "author")) != 0 ||
			    strcmp(str(od, "saved_at"), str(rv, "saved_at")) != 0 || !oetag)
				fail_msg("GET %s: not the demo's revision %lld (or no ETag)", one, number);
			char *oinm = h_strf("If-None-Match: %s", oetag);
			const char *o304[] = {oinm, NULL};
			h_request(&w->env, &r, "GET", one, o304, NULL);
			expect_status(&r, 304, "GET a revision with If-None-Match of its ETag");
			h_resp_free(&r);
			free(oinm), free(oetag), free(one);
			json_decref(od);
		}
		/* revisions that are not */
		const char *missing[] = {"99", "0", "-1", "x"};
		for (k = 0; k < 4; k++) {
			char *mp = h_strf("/api/v1/plans/%s/revisions/%s", slug, missing[k]);
			h_request(&w->env, &r, "GET", mp, NULL, NULL);
			h_expect_error(&r, mp, 404, "not_found", NULL);
			h_resp_free(&r);
			free(mp);
		}
		char *next = h_strf("/api/v1/plans/%s/revisions/%lld", slug, n + 1);
		h_request(&w->env, &r, "GET", next, NULL, NULL);
		h_expect_error(&r, next, 404, "not_found", NULL);
		h_resp_free(&r);
		free(next), free(rpath), free(path), free(etag);
		json_decref(list);
		json_decref(doc);
	}
	/* a plan that is not */
	const char *none[] = {"/api/v1/plans/atlantis", "/api/v1/plans/atlantis/revisions", "/api/v1/plans/atlantis/revisions/1",
			      "/api/v1/plans/atlantis/diff", "/plans/atlantis", "/plans/atlantis/revisions"};
	for (i = 0; i < sizeof none / sizeof *none; i++) {
		struct h_resp r;
		h_request(&w->env, &r, "GET", none[i], NULL, NULL);
		expect_status(&r, 404, none[i]);
		h_resp_free(&r);
	}
	json_decref(plans);
}

/* Checks a diff of a to b (contents) as the API gave it. */
static void check_diff(json_t *diff, json_t *a, json_t *b, long long from, long long to, const char *what)
{
	json_t *secs = json_object_get(diff, "sections");
	if (num(diff, "from") != from || num(diff, "to") != to || json_array_size(secs) != NSECTIONS)
		fail_msg("%s: expected from %lld, to %lld and %zu sections: %.300s", what, from, to, NSECTIONS, w_dump(diff));
	for (size_t i = 0; i < NSECTIONS; i++) {
		json_t *s = json_array_get(secs, i);
		const struct section *want = &sections[i];
		if (!str(s, "section") || strcmp(str(s, "section"), want->key) != 0 || !str(s, "title") ||
		    strcmp(str(s, "title"), want->title) != 0)
			fail_msg("%s: section %zu should be %s, \"%s\": %s", what, i, want->key, want->title, w_dump(s));
		int same = section_same(want, a, b);
		json_t *changed = json_object_get(s, "changed");
		if (!json_is_boolean(changed) || json_is_true(changed) == same)
			fail_msg("%s: section %s says changed %s; its content keys are %s", what, want->key, w_dump(changed),
				 same ? "the same" : "different");
		/* the segments: only "same" in an unchanged section; rebuilding each side from
		 * them gives that side's text (for a text section, the field as it is) */
		char *left = h_strf("%s", ""), *right = h_strf("%s", "");
		int marks = 0;
		size_t k;
		json_t *g;
		json_array_foreach(json_object_get(s, "segments"), k, g) {
			const char *op = str(g, "op"), *text = str(g, "text");
			if (!op || !text || (strcmp(op, "same") && strcmp(op, "del") && strcmp(op, "ins")))
				fail_msg("%s: section %s has a bad segment %s", what, want->key, w_dump(g));
			marks += strcmp(op, "same") != 0;
			if (strcmp(op, "ins") != 0) {
				char *l = h_strf("%s%s", left, text);
				free(left);
				left = l;
			}
			if (strcmp(op, "del") != 0) {
				char *rr = h_strf("%s%s", right, text);
				free(right);
				right = rr;
			}
		}
		if ((marks > 0) == same)
			fail_msg("%s: section %s: %d changed segments, but changed is %s", what, want->key, marks, same ? "false" : "true");
		if (want->text) {
			const char *ta = str(a, want->key), *tb = str(b, want->key);
			if (strcmp(left, ta ? ta : "") != 0 || strcmp(right, tb ? tb : "") != 0)
				fail_msg("%s: section %s: the segments do not rebuild the two texts:\n%s\n---\n%s", what, want->key, left, right);
		}
		free(left), free(right);
	}
}

static void test_diff(void **state)
{
	struct world *w = *state;
	json_t *a = plan_content(w, "nice", 1), *b = plan_content(w, "nice", 2);
	int changed = 0, unchanged = 0;
	for (size_t i = 0; i < NSECTIONS; i++)
		section_same(&sections[i], a, b) ? unchanged++ : changed++;
	if (!changed || !unchanged)
		fail_msg("the demo's two revisions of nice should differ in some sections and not in others");
	json_t *d12 = get_json(w, "/api/v1/plans/nice/diff?from=1&to=2", 200, NULL);
	assert_string_equal(str(d12, "slug"), "nice");
	check_diff(d12, a, b, 1, 2, "diff from 1 to 2");
	json_t *d21 = get_json(w, "/api/v1/plans/nice/diff?from=2&to=1", 200, NULL);
	check_diff(d21, b, a, 2, 1, "diff from 2 to 1");
	json_t *d22 = get_json(w, "/api/v1/plans/nice/diff?from=2&to=2", 200, NULL);
	check_diff(d22, b, b, 2, 2, "diff from 2 to 2");
	/* without parameters: the current revision against the one before */
	json_t *dd = get_json(w, "/api/v1/plans/nice/diff", 200, NULL);
	if (!json_equal(dd, d12))
		fail_msg("GET /api/v1/plans/nice/diff should compare revision 1 with the current 2");
	json_t *dto = get_json(w, "/api/v1/plans/nice/diff?to=2", 200, NULL);
	if (!json_equal(dto, d12))
		fail_msg("GET /api/v1/plans/nice/diff?to=2 should compare from the revision before");
	json_decref(d12), json_decref(d21), json_decref(d22), json_decref(dd), json_decref(dto);

	static const struct {
		const char *query;
		long status;
		const char *code, *field;
	} bad[] = {
		{"from=abc&to=2", 422, "invalid_parameter", "from"},
		{"from=0", 422, "invalid_parameter", "from"},
		{"from=1&to=-2", 422, "invalid_parameter", "to"},
		{"from=1&to=99", 404, "not_found", NULL},
		{"from=99&to=1", 404, "not_found", NULL},
		{"bogus=1", 400, "unknown_parameter", "bogus"},
		{"from=1&to=2&context=3", 400, "unknown_parameter", "context"},
		{"from=1&from=2", 400, NULL, "from"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *path = h_strf("/api/v1/plans/nice/diff?%s", bad[i].query);
		struct h_resp r;
		h_request(&w->env, &r, "GET", path, NULL, NULL);
		h_expect_error(&r, path, bad[i].status, bad[i].code, bad[i].field);
		h_resp_free(&r);
		free(path);
	}

	/* the page: the changed sections, words marked */
	struct h_resp r;
	h_get(&w->env, &r, "/plans/nice/diff?from=1&to=2", 200);
	h_expect_security_headers(&r, "the diff page");
	for (size_t i = 0; i < NSECTIONS; i++) {
		char *h2 = h_strf("<h2>%s</h2>", sections[i].title);
		int shown = strstr(r.body, h2) != NULL;
		if (shown == section_same(&sections[i], a, b))
			fail_msg("/plans/nice/diff?from=1&to=2: section \"%s\" is %s as a changed one", sections[i].title,
				 shown ? "shown" : "not shown");
		free(h2);
	}
	/* a word of revision 1's key challenges that revision 2 dropped, and one it added */
	if (!strstr(r.body, "<del>") || !strstr(r.body, "<ins>"))
		fail_msg("/plans/nice/diff: no <del> or <ins>");
	h_resp_free(&r);
	static const struct {
		const char *query;
		long status;
	} page_bad[] = {{"from=abc", 422}, {"bogus=1", 400}, {"from=1&to=99", 404}};
	for (size_t i = 0; i < sizeof page_bad / sizeof *page_bad; i++) {
		char *path = h_strf("/plans/nice/diff?%s", page_bad[i].query);
		h_request(&w->env, &r, "GET", path, NULL, NULL);
		expect_status(&r, page_bad[i].status, path);
		h_resp_free(&r);
		free(path);
	}
	json_decref(a), json_decref(b);
}

/* =================================================================================== */
/* 2. Writing through the API                                                          */
/* =================================================================================== */

/* Checks that the answer r of a save is the stored revision as GET gives it, with its
 * ETag, and returns GET's document (new reference). */
static json_t *expect_saved(struct world *w, const struct h_resp *r, const char *slug, const char *what)
{
	char *etag;
	json_t *now = plan_doc(w, slug, &etag);
	if (!now)
		fail_msg("%s: GET /api/v1/plans/%s after the save: 404", what, slug);
	if (!json_equal(r->json, now))
		fail_msg("%s: the answer should be the stored revision as GET gives it: %.300s", what, r->body);
	if (!h_header(r, "ETag") || strcmp(h_header(r, "ETag"), etag) != 0)
		fail_msg("%s: the answer's ETag %s should be GET's %s", what, h_header(r, "ETag"), etag);
	free(etag);
	return now;
}

static void test_put_as_admin(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	char *etag0;
	json_t *doc0 = plan_doc(w, "nice", &etag0), *content0 = json_object_get(doc0, "content");
	long long rev0 = num(doc0, "revision");
	json_t *new = with(content0, "key_focus", json_string("Smart ports, and a marmalade exchange between Nice and Haikou."));
	char *before = state_of(w);
	struct h_resp r;

	/* without If-Match: 428 */
	put_plan(w, &r, "nice", new, "test edit", NULL, ada);
	h_expect_error(&r, "PUT without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	expect_same_state(w, before, "PUT without If-Match");
	/* with an ETag that is not the plan's: 412 */
	char *haikou_etag = NULL;
	json_t *haikou = plan_doc(w, "haikou", &haikou_etag);
	const char *stale[] = {haikou_etag, "\"00000000000000000000000000000000\"", "W/\"x\""};
	for (size_t i = 0; i < 3; i++) {
		put_plan(w, &r, "nice", new, "test edit", stale[i], ada);
		char *what = h_strf("PUT with If-Match: %s", stale[i]);
		h_expect_error(&r, what, 412, "stale", NULL);
		h_resp_free(&r);
		expect_same_state(w, before, what);
		free(what);
	}
	/* with the current ETag: a new revision, by ada */
	put_plan(w, &r, "nice", new, "test edit", etag0, ada);
	expect_status(&r, 200, "PUT with the current ETag");
	json_t *doc1 = expect_saved(w, &r, "nice", "PUT with the current ETag");
	h_resp_free(&r);
	if (num(doc1, "revision") != rev0 + 1 || num(doc1, "current_revision") != rev0 + 1 ||
	    !json_equal(json_object_get(doc1, "content"), new) || strcmp(str(doc1, "author"), "ada") != 0 ||
	    strcmp(str(doc1, "via"), "api") != 0 || strcmp(str(doc1, "message"), "test edit") != 0)
		fail_msg("after the PUT: expected revision %lld by ada via api, message \"test edit\", the new content: %s",
			 rev0 + 1, w_dump(doc1));
	json_t *list = get_json(w, "/api/v1/plans/nice/revisions", 200, NULL);
	json_t *top = json_array_get(json_object_get(list, "items"), 0);
	if ((long long)json_array_size(json_object_get(list, "items")) != rev0 + 1 || num(top, "revision") != rev0 + 1 ||
	    strcmp(str(top, "author"), "ada") != 0)
		fail_msg("the revisions should list %lld, the newest by ada: %s", rev0 + 1, w_dump(list));
	json_decref(list);
	json_t *earlier = plan_content(w, "nice", (int)rev0);
	if (!json_equal(earlier, content0))
		fail_msg("revision %lld changed when %lld was saved", rev0, rev0 + 1);
	json_decref(earlier);

	/* the same content again: 200, no new revision, nothing written */
	char *etag1 = w_etag_of(w, "/api/v1/plans/nice");
	char *after1 = state_of(w);
	put_plan(w, &r, "nice", new, "nothing new", etag1, ada);
	expect_status(&r, 200, "PUT of the same content");
	json_t *same = expect_saved(w, &r, "nice", "PUT of the same content");
	h_resp_free(&r);
	if (num(same, "revision") != rev0 + 1)
		fail_msg("PUT of the same content made revision %lld", num(same, "revision"));
	expect_same_state(w, after1, "PUT of the same content");
	char *etag1b = w_etag_of(w, "/api/v1/plans/nice");
	assert_string_equal(etag1, etag1b);
	/* the same content spelled differently (keys in another order, SDGs unsorted, text
	 * with a trailing space) is the same content too */
	json_t *respelled = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(new, k, v)
		json_object_set(respelled, k, v);
	json_t *sdgs = json_deep_copy(json_object_get(new, "sdgs"));
	if (json_array_size(sdgs) > 1) {
		json_t *first = json_incref(json_array_get(sdgs, 0));
		json_array_remove(sdgs, 0);
		json_array_append_new(sdgs, first);
	}
	json_object_set_new(respelled, "sdgs", sdgs);
	char *padded = h_strf("%s  \n", str(new, "key_focus"));
	json_object_set_new(respelled, "key_focus", json_string(padded));
	free(padded);
	put_plan(w, &r, "nice", respelled, "nothing new either", etag1, ada);
	expect_status(&r, 200, "PUT of the same content spelled differently");
	h_resp_free(&r);
	expect_same_state(w, after1, "PUT of the same content spelled differently");
	json_decref(respelled);

	/* the ETag read before the save is stale now */
	json_t *other = with(content0, "key_focus", json_string("A change made from an old copy."));
	put_plan(w, &r, "nice", other, "from an old copy", etag0, ada);
	h_expect_error(&r, "PUT with the ETag read before the last save", 412, "stale", NULL);
	h_resp_free(&r);
	expect_same_state(w, after1, "PUT with a stale ETag");

	/* GET, change the content, PUT the document back */
	json_t *doc = plan_doc(w, "nice", NULL);
	json_object_set_new(json_object_get(doc, "content"), "contact", json_string("Write to the city of Nice."));
	char *text = json_dumps(doc, JSON_COMPACT);
	struct call c = {"PUT", "/api/v1/plans/nice", text, NULL, etag1, NULL, ada};
	w_send(w, &r, &c);
	expect_status(&r, 200, "PUT of the document GET gave, with its content changed");
	json_t *doc2 = expect_saved(w, &r, "nice", "PUT of the GET document");
	h_resp_free(&r);
	if (num(doc2, "revision") != rev0 + 2 || strcmp(str(json_object_get(doc2, "content"), "contact"), "Write to the city of Nice.") != 0)
		fail_msg("PUT of the GET document: %s", w_dump(doc2));
	free(text);

	json_decref(doc), json_decref(doc2), json_decref(other), json_decref(same), json_decref(doc1), json_decref(new);
	json_decref(doc0), json_decref(haikou);
	free(etag0), free(etag1), free(etag1b), free(after1), free(before), free(haikou_etag);
}

/* Invalid content: 422 naming each bad field, nothing changed. */
static void test_put_invalid(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	char *etag;
	json_t *doc = plan_doc(w, "nice", &etag), *content = json_object_get(doc, "content");
	size_t ncp = json_array_size(json_object_get(content, "counterparts"));
	char *cp_field = h_strf("counterparts[%zu]", ncp);
	char *before = state_of(w);

	json_t *bad_date = json_deep_copy(content);
	json_object_set_new(json_array_get(json_object_get(bad_date, "activities"), 0), "date", json_string("June"));
	json_t *unknown_city = json_deep_copy(content);
	json_array_append_new(json_object_get(unknown_city, "counterparts"), json_string("atlantis"));
	json_t *all = json_deep_copy(bad_date);
	json_object_set_new(all, "sdgs", json_pack("[i]", 18));
	json_object_set_new(all, "bogus", json_true());
	json_t *no_owner = json_deep_copy(content);
	json_object_del(no_owner, "city");
	json_object_del(no_owner, "cooperation");
	json_t *bad_range = json_deep_copy(content);
	json_object_set_new(bad_range, "period", json_pack("{s:s, s:s}", "start", "2019-12", "end", "2018-06"));
	json_t *bad_ua = json_deep_copy(content);
	json_object_set_new(bad_ua, "urban_agenda", json_pack("[s]", "Lunar settlements"));
	json_t *dup_sdg = json_deep_copy(content);
	json_object_set_new(dup_sdg, "sdgs", json_pack("[i,i]", 3, 3));

	const struct {
		const char *what;
		json_t *content;
		const char *fields;
	} cases[] = {
		{"sdgs [18]", with(content, "sdgs", json_pack("[i]", 18)), "sdgs[0]"},
		{"an unknown key", with(content, "bogus", json_string("x")), "bogus"},
		{"an activity dated \"June\"", bad_date, "activities[0].date"},
		{"a counterpart that is no city", unknown_city, cp_field},
		{"no title", with(content, "title", json_string("  ")), "title"},
		{"a title on two lines", with(content, "title", json_string("Nice\nand Haikou")), "title"},
		{"sdgs [18], an unknown key and an activity dated \"June\" at once", all, "activities[0].date,bogus,sdgs[0]"},
		{"neither city nor cooperation", no_owner, "city"},
		{"a period that ends before it starts", bad_range, "period.end"},
		{"an unknown Urban Agenda partnership", bad_ua, "urban_agenda[0]"},
		{"an SDG twice", dup_sdg, "sdgs[1]"},
		{"the city as a number", with(content, "city", json_integer(7)), "city"},
	};
	struct h_resp r;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		put_plan(w, &r, "nice", cases[i].content, "invalid", etag, ada);
		char *what = h_strf("PUT with %s", cases[i].what);
		expect_invalid(&r, what, cases[i].fields);
		if (h_header(&r, "ETag") || h_header(&r, "Location"))
			fail_msg("%s: a refusal must not send an ETag or a Location", what);
		h_resp_free(&r);
		expect_same_state(w, before, what);
		free(what);
		json_decref(cases[i].content);
	}
	/* bodies that are not a plan's */
	char *long_body = h_strf("{\"content\": {\"title\": \"T\", \"city\": \"nice\"}, \"message\": \"%0201d\"}", 7);
	const struct {
		const char *what, *body;
		long status;
		const char *fields;
	} bodies[] = {
		{"no content", "{\"message\": \"hello\"}", 422, "content"},
		{"content that is not an object", "{\"content\": [1, 2]}", 422, "content"},
		{"an unknown key beside content", "{\"content\": {\"title\": \"T\", \"city\": \"nice\"}, \"colour\": \"red\"}", 422, "colour"},
		{"a message of 201 characters", long_body, 422, "message"},
		{"not JSON", "content = nice", 400, NULL},
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		struct call c = {"PUT", "/api/v1/plans/nice", bodies[i].body, NULL, etag, NULL, ada};
		w_send(w, &r, &c);
		char *what = h_strf("PUT with %s", bodies[i].what);
		if (bodies[i].status == 422)
			expect_invalid(&r, what, bodies[i].fields);
		else
			h_expect_error(&r, what, bodies[i].status, "invalid_json", NULL);
		h_resp_free(&r);
		expect_same_state(w, before, what);
		free(what);
	}
	struct call c = {"PUT", "/api/v1/plans/nice", "{\"content\": {}}", "text/plain", etag, NULL, ada};
	w_send(w, &r, &c);
	h_expect_error(&r, "PUT as text/plain", 415, "unsupported_media_type", NULL);
	h_resp_free(&r);
	expect_same_state(w, before, "PUT as text/plain");
	free(before), free(etag), free(cp_field), free(long_body);
	json_decref(doc);
}

/* A revision message is one line: a message with a line break is refused (422, field
 * "message") and nothing is saved. */
static void test_put_message_on_two_lines_is_422(void **state)
{
	struct world *w = *state;
	char *etag;
	json_t *doc = plan_doc(w, "nice", &etag);
	json_t *content = with(json_object_get(doc, "content"), "key_focus", json_string("Another focus."));
	char *before = state_of(w);
	struct h_resp r;
	put_plan(w, &r, "nice", content, "first line\nsecond line", etag, bearer(w, ADMIN));
	expect_invalid(&r, "PUT with a message on two lines", "message");
	h_resp_free(&r);
	expect_same_state(w, before, "PUT with a message on two lines");
	free(before), free(etag);
	json_decref(content), json_decref(doc);
}

/* A new plan: PUT without If-Match creates it (201, Location, ETag). */
static void test_put_new_plan(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	json_t *content = json_pack("{s:s, s:s, s:[s], s:[i], s:s}", "title", "Rome with Haikou", "city", "rome",
				    "counterparts", "haikou", "sdgs", 11, "key_focus", "Mobility and tourism.");
	json_t *list0 = get_json(w, "/api/v1/plans", 200, NULL);
	struct h_resp r;
	put_plan(w, &r, "rome-ucap", content, "first draft", NULL, ada);
	expect_status(&r, 201, "PUT of a new plan without If-Match");
	if (!h_header(&r, "Location") || strcmp(h_header(&r, "Location"), "/api/v1/plans/rome-ucap") != 0)
		fail_msg("PUT of a new plan: Location %s, expected /api/v1/plans/rome-ucap", h_header(&r, "Location"));
	json_t *doc = expect_saved(w, &r, "rome-ucap", "PUT of a new plan");
	h_resp_free(&r);
	if (num(doc, "revision") != 1 || num(doc, "current_revision") != 1 || strcmp(str(doc, "author"), "ada") != 0 ||
	    strcmp(str(doc, "message"), "first draft") != 0 || !json_equal(json_object_get(doc, "content"), content))
		fail_msg("the new plan: %s", w_dump(doc));
	/* in the list, and under the cities it names */
	json_t *list1 = get_json(w, "/api/v1/plans", 200, NULL);
	assert_int_equal(num(list1, "total"), num(list0, "total") + 1);
	json_t *rome = get_json(w, "/api/v1/plans?city=rome", 200, NULL), *haikou = get_json(w, "/api/v1/plans?city=haikou", 200, NULL);
	char *rs = h_join_key(json_object_get(rome, "items"), "slug"), *hs = h_join_key(json_object_get(haikou, "items"), "slug");
	if (!strstr(rs, "rome-ucap") || !strstr(hs, "rome-ucap"))
		fail_msg("the new plan should be listed under city=rome (%s) and city=haikou (%s)", rs, hs);
	/* in the audit log */
	json_t *row = newest_plan_audit(w, "rome-ucap");
	if (!row || strcmp(str(row, "action"), "create") != 0 || strcmp(str(row, "actor"), "ada") != 0 ||
	    strcmp(str(row, "via"), "api") != 0)
		fail_msg("the audit log should record ada creating plan rome-ucap via api: %s", w_dump(row));
	/* now it exists, a PUT needs If-Match */
	char *before = state_of(w);
	put_plan(w, &r, "rome-ucap", content, "again", NULL, ada);
	h_expect_error(&r, "PUT of an existing plan without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	expect_same_state(w, before, "PUT without If-Match");
	/* an invalid new plan is not created */
	json_t *bad = json_pack("{s:s, s:s}", "title", "Atlantis", "city", "atlantis");
	put_plan(w, &r, "atlantis", bad, NULL, NULL, ada);
	expect_invalid(&r, "PUT of a new plan of an unknown city", "city");
	h_resp_free(&r);
	expect_same_state(w, before, "PUT of an invalid new plan");
	json_t *gone = plan_doc(w, "atlantis", NULL);
	assert_null(gone);
	free(rs), free(hs), free(before);
	json_decref(bad), json_decref(row), json_decref(rome), json_decref(haikou), json_decref(list0), json_decref(list1);
	json_decref(doc), json_decref(content);
}

/* If-Match is false when there is no current representation (RFC 9110, 13.1.1): a PUT
 * with If-Match of a plan that does not exist is 412, so that a client that read a plan
 * since deleted does not recreate it unknowingly. */
static void test_put_new_plan_with_if_match_is_412(void **state)
{
	struct world *w = *state;
	char *etag = w_etag_of(w, "/api/v1/plans/haikou");
	json_t *content = json_pack("{s:s, s:s}", "title", "Rome", "city", "rome");
	char *before = state_of(w);
	struct h_resp r;
	put_plan(w, &r, "rome-ucap", content, NULL, etag, bearer(w, ADMIN));
	h_expect_error(&r, "PUT with If-Match of a plan that does not exist", 412, NULL, NULL);
	h_resp_free(&r);
	expect_same_state(w, before, "PUT with If-Match of a plan that does not exist");
	free(before), free(etag);
	json_decref(content);
}

/* The revisions come in pages, newest first, in the shape of every list; following
 * next_cursor visits each revision once. Bad paging parameters are refused, naming them. */
static void test_revisions_paged(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	for (int i = 0; i < 3; i++) {   /* revisions to page through */
		char *etag, *focus = h_strf("Focus, take %d.", i);
		json_t *doc = plan_doc(w, "nice", &etag);
		json_t *content = with(json_object_get(doc, "content"), "key_focus", json_string(focus));
		struct h_resp r;
		put_plan(w, &r, "nice", content, "another take", etag, ada);
		expect_status(&r, 200, "PUT of another take");
		h_resp_free(&r);
		json_decref(content), json_decref(doc);
		free(etag), free(focus);
	}
	json_t *current = plan_doc(w, "nice", NULL);
	long long n = num(current, "revision"), expect = n;
	json_decref(current);
	char *path = h_strf("/api/v1/plans/nice/revisions?limit=2");
	for (int pages = 0; path; pages++) {
		if (pages > n)
			fail_msg("paging through %lld revisions did not end", n);
		json_t *page = get_json(w, path, 200, NULL), *rv;
		free(path);
		path = NULL;
		if (num(page, "total") != n || num(page, "limit") != 2 || json_array_size(json_object_get(page, "items")) > 2)
			fail_msg("a page of revisions: %s", w_dump(page));
		size_t k;
		json_array_foreach(json_object_get(page, "items"), k, rv)
			if (num(rv, "revision") != expect--)
				fail_msg("revision %lld where %lld was expected: %s", num(rv, "revision"), expect + 1, w_dump(page));
		if (str(page, "next_cursor"))
			path = h_strf("/api/v1/plans/nice/revisions?limit=2&cursor=%s", str(page, "next_cursor"));
		json_decref(page);
	}
	if (expect != 0)
		fail_msg("the pages ended at revision %lld, not at 1", expect + 1);
	static const struct { const char *query; long status; const char *field; } bad[] = {
		{"limit=0", 422, "limit"}, {"limit=501", 422, "limit"}, {"cursor=abc", 422, "cursor"},
		{"since=1", 400, "since"}, {"limit=2&limit=3", 400, "limit"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *q = h_strf("/api/v1/plans/nice/revisions?%s", bad[i].query);
		struct h_resp r;
		h_request(&w->env, &r, "GET", q, NULL, NULL);
		h_expect_error(&r, q, bad[i].status, NULL, bad[i].field);
		h_resp_free(&r);
		free(q);
	}
}

/* A stale PUT's 412 names the revision now current and carries its ETag. */
static void test_put_stale_names_the_current_revision(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	char *etag, *etag2;
	json_t *doc = plan_doc(w, "nice", &etag);
	json_t *content = with(json_object_get(doc, "content"), "key_focus", json_string("First writer."));
	struct h_resp r;
	put_plan(w, &r, "nice", content, "first", etag, ada);
	expect_status(&r, 200, "the first PUT");
	h_resp_free(&r);
	json_t *now = plan_doc(w, "nice", &etag2);
	json_t *late = with(json_object_get(doc, "content"), "key_focus", json_string("Second writer."));
	put_plan(w, &r, "nice", late, "second", etag, ada);
	h_expect_error(&r, "a PUT with the ETag before the first", 412, "stale", NULL);
	char *names = h_strf("revision %lld by ada", num(now, "revision"));
	if (!strstr(r.body, names) || !h_header(&r, "ETag") || strcmp(h_header(&r, "ETag"), etag2) != 0)
		fail_msg("the 412 should name %s and carry its ETag %s: %s (ETag %s)", names, etag2, r.body,
			 h_header(&r, "ETag"));
	h_resp_free(&r);
	free(names), free(etag), free(etag2);
	json_decref(content), json_decref(late), json_decref(doc), json_decref(now);
}

/* Restore through the API. */
static void test_restore_api(void **state)
{
	struct world *w = *state;
	struct creds ada = bearer(w, ADMIN);
	char *etag;
	json_t *doc = plan_doc(w, "nice", &etag);
	long long rev = num(doc, "revision");
	json_t *first = plan_content(w, "nice", 1);
	char *before = state_of(w);
	struct h_resp r;
	restore_plan(w, &r, "nice", 1, NULL, ada);
	h_expect_error(&r, "restore without If-Match", 428, "precondition_required", NULL);
	h_resp_free(&r);
	restore_plan(w, &r, "nice", 1, "\"00000000000000000000000000000000\"", ada);
	h_expect_error(&r, "restore with a stale If-Match", 412, "stale", NULL);
	h_resp_free(&r);
	restore_plan(w, &r, "nice", 99, etag, ada);
	h_expect_error(&r, "restore of revision 99", 404, "not_found", NULL);
	h_resp_free(&r);
	restore_plan(w, &r, "atlantis", 1, etag, ada);
	expect_status(&r, 404, "restore of a plan that does not exist");
	h_resp_free(&r);
	expect_same_state(w, before, "refused restores");

	restore_plan(w, &r, "nice", 1, etag, ada);
	expect_status(&r, 200, "restore of revision 1");
	json_t *now = expect_saved(w, &r, "nice", "restore of revision 1");
	h_resp_free(&r);
	if (num(now, "revision") != rev + 1 || !json_equal(json_object_get(now, "content"), first) ||
	    strcmp(str(now, "message"), "restored revision 1") != 0 || strcmp(str(now, "author"), "ada") != 0)
		fail_msg("after restoring revision 1: expected revision %lld with revision 1's content, message \"restored "
			 "revision 1\", by ada: %.300s", rev + 1, w_dump(json_object_get(now, "message")));
	char *path = h_strf("/api/v1/plans/nice/diff?from=1&to=%lld", rev + 1);
	json_t *diff = get_json(w, path, 200, NULL);
	check_diff(diff, first, first, 1, rev + 1, "diff of revision 1 and its restored copy");
	free(path);
	json_decref(diff);
	json_t *list = get_json(w, "/api/v1/plans/nice/revisions", 200, NULL);
	json_t *top = json_array_get(json_object_get(list, "items"), 0);
	if ((long long)json_array_size(json_object_get(list, "items")) != rev + 1 ||
	    strcmp(str(top, "message"), "restored revision 1") != 0)
		fail_msg("the revisions should end with \"restored revision 1\": %s", w_dump(list));
	json_decref(list);

	/* restoring what is current adds nothing */
	char *etag2 = w_etag_of(w, "/api/v1/plans/nice");
	char *after = state_of(w);
	char *n = h_strf("%lld", rev + 1);
	restore_plan(w, &r, "nice", (int)rev + 1, etag2, ada);
	expect_status(&r, 200, "restore of the current revision");
	h_resp_free(&r);
	expect_same_state(w, after, "restore of the current revision");
	restore_plan(w, &r, "nice", 1, etag2, ada);
	expect_status(&r, 200, "restore of revision 1 again (the same content)");
	h_resp_free(&r);
	expect_same_state(w, after, "restore of revision 1 again");
	/* and revision 2 comes back as the next one */
	json_t *second = plan_content(w, "nice", 2);
	restore_plan(w, &r, "nice", 2, etag2, ada);
	expect_status(&r, 200, "restore of revision 2");
	json_t *now2 = expect_saved(w, &r, "nice", "restore of revision 2");
	h_resp_free(&r);
	if (num(now2, "revision") != rev + 2 || !json_equal(json_object_get(now2, "content"), second) ||
	    strcmp(str(now2, "message"), "restored revision 2") != 0)
		fail_msg("after restoring revision 2: %s", w_dump(json_object_get(now2, "message")));
	json_decref(now2), json_decref(second), json_decref(now), json_decref(first), json_decref(doc);
	free(n), free(after), free(etag2), free(before), free(etag);
}

/* =================================================================================== */
/* 3. The access-control matrix                                                        */
/* =================================================================================== */

/* Every write route of plans (routes.c): the API's PUT, restore and DELETE, and the
 * forms' section edit, new plan and restore. */
enum op { P_EDIT, P_CREATE, P_RESTORE, P_DELETE, P_FORM_EDIT, P_FORM_NEW, P_FORM_RESTORE };

/* One write of the matrix. Own and other: the world has a plan of Nice (the demo's), of
 * Haikou (the demo's) and of Rome (setup_with_rome), so that each coordinator has one of
 * their own and others' from the start. */
static const struct pwrite {
	const char *what;
	enum op op;
	const char *slug;
	const char *key;        /* P_EDIT: the content key set to value; P_FORM_EDIT: the section */
	const char *value;      /* P_EDIT: a JSON value; P_FORM_EDIT: the text (JSON); P_CREATE,
				   P_FORM_NEW: the whole content (title, city or cooperation,
				   counterparts: what the new plan's form has) */
	int revision;           /* P_RESTORE, P_FORM_RESTORE */
} pwrites[] = {
	{"edit the key focus of Nice's plan", P_EDIT, "nice", "key_focus", "\"Smart ports, and marmalade.\"", 0},
	{"edit the key challenges of Haikou's plan", P_EDIT, "haikou", "key_challenges", "\"Fewer typhoon losses.\"", 0},
	{"edit the key focus of Rome's plan", P_EDIT, "rome", "key_focus", "\"Mobility, and fountains.\"", 0},
	{"add Granada to the counterparts of Nice's plan", P_EDIT, "nice", "counterparts",
	 "[\"haikou\", \"kunming\", \"zhengzhou\", \"granada\"]", 0},
	{"move Nice's plan to Rome", P_EDIT, "nice", "city", "\"rome\"", 0},
	{"restore revision 1 of Nice's plan", P_RESTORE, "nice", NULL, NULL, 1},
	{"restore revision 1 of Haikou's plan", P_RESTORE, "haikou", NULL, NULL, 1},
	{"restore revision 1 of Rome's plan", P_RESTORE, "rome", NULL, NULL, 1},
	{"create a second plan of Nice", P_CREATE, "nice-2030", NULL,
	 "{\"title\": \"Nice 2030\", \"city\": \"nice\", \"counterparts\": [\"kunming\"]}", 0},
	{"create a second plan of Rome", P_CREATE, "rome-2030", NULL,
	 "{\"title\": \"Rome 2030\", \"city\": \"rome\", \"counterparts\": [\"haikou\"]}", 0},
	{"create a plan of Granada naming Nice and Rome as counterparts", P_CREATE, "granada", NULL,
	 "{\"title\": \"Granada\", \"city\": \"granada\", \"counterparts\": [\"nice\", \"rome\"]}", 0},
	{"create a plan of the cluster haikou-eu-cluster (of Nice and of Rome)", P_CREATE, "haikou-eu", NULL,
	 "{\"title\": \"Haikou and its European partners\", \"cooperation\": \"haikou-eu-cluster\"}", 0},
	{"create a plan of the cluster nice-china-cluster (of Nice)", P_CREATE, "nice-china", NULL,
	 "{\"title\": \"Nice and its Chinese partners\", \"cooperation\": \"nice-china-cluster\"}", 0},
	{"form: edit the objectives of Nice's plan", P_FORM_EDIT, "nice", "objectives", "\"Objectives typed into a form.\"", 0},
	{"form: edit the objectives of Haikou's plan", P_FORM_EDIT, "haikou", "objectives", "\"Not Haikou's words.\"", 0},
	{"form: edit the key challenges of Rome's plan", P_FORM_EDIT, "rome", "key_challenges", "\"Traffic.\"", 0},
	{"form: create a plan of Nice", P_FORM_NEW, "nice-web", NULL,
	 "{\"title\": \"Nice, made on the web\", \"city\": \"nice\", \"counterparts\": [\"haikou\"]}", 0},
	{"form: create a plan of Rome", P_FORM_NEW, "rome-web", NULL,
	 "{\"title\": \"Rome, made on the web\", \"city\": \"rome\", \"counterparts\": [\"haikou\"]}", 0},
	{"form: create a plan of Haikou", P_FORM_NEW, "haikou-web", NULL,
	 "{\"title\": \"Haikou, made on the web\", \"city\": \"haikou\", \"counterparts\": [\"nice\"]}", 0},
	/* revision 2: for those who restored revision 1 above, restoring it again would add
	 * no revision (the same content) */
	{"form: restore revision 2 of Nice's plan", P_FORM_RESTORE, "nice", NULL, NULL, 2},
	{"form: restore revision 2 of Haikou's plan", P_FORM_RESTORE, "haikou", NULL, NULL, 2},
	{"form: restore revision 2 of Rome's plan", P_FORM_RESTORE, "rome", NULL, NULL, 2},
	/* last: the rows above need the plans */
	{"delete Haikou's plan", P_DELETE, "haikou", NULL, NULL, 0},
	{"delete Nice's plan", P_DELETE, "nice", NULL, NULL, 0},
	{"delete Rome's plan", P_DELETE, "rome", NULL, NULL, 0},
};
#define NPWRITES (sizeof pwrites / sizeof *pwrites)

static int is_form(const struct pwrite *pw)
{
	return pw->op >= P_FORM_EDIT;
}

static const char *pw_method(const struct pwrite *pw)
{
	return pw->op == P_EDIT || pw->op == P_CREATE ? "PUT" : pw->op == P_DELETE ? "DELETE" : "POST";
}

/* The address pw is sent to (free it). */
static char *pw_path(const struct pwrite *pw)
{
	switch (pw->op) {
	case P_RESTORE: return h_strf("/api/v1/plans/%s/revisions/%d/restore", pw->slug, pw->revision);
	case P_FORM_EDIT: return h_strf("/plans/%s/edit/%s", pw->slug, pw->key);
	case P_FORM_NEW: return h_strf("/plans/new");
	case P_FORM_RESTORE: return h_strf("/plans/%s/revisions/%d/restore", pw->slug, pw->revision);
	default: return h_strf("/api/v1/plans/%s", pw->slug);
	}
}

/* Where an accepted form sends the browser (free it). */
static char *pw_location(const struct pwrite *pw)
{
	if (pw->op == P_FORM_RESTORE)
		return h_strf("/plans/%s/revisions", pw->slug);
	return h_strf("/plans/%s#%s", pw->slug, pw->op == P_FORM_EDIT ? pw->key : "facts");
}

/* The content a write leaves (new reference): old with the edit, the restored revision,
 * the new plan's, or NULL for a delete. */
static json_t *after_pwrite(struct world *w, const struct pwrite *pw, json_t *old)
{
	json_error_t err;
	switch (pw->op) {
	case P_EDIT:
	case P_FORM_EDIT: {
		json_t *v = json_loads(pw->value, JSON_DECODE_ANY, &err);
		if (!v)
			fail_msg("%s: the test's value is not JSON", pw->what);
		return with(old, pw->key, v);
	}
	case P_CREATE:
	case P_FORM_NEW: {
		json_t *c = json_loads(pw->value, 0, &err);
		if (!c)
			fail_msg("%s: the test's content is not JSON", pw->what);
		return c;
	}
	case P_RESTORE:
	case P_FORM_RESTORE: return plan_content(w, pw->slug, pw->revision);
	default: return NULL;
	}
}

/* The answer the rules give actor a for pw on a plan with content old (NULL when new)
 * becoming new (NULL for a delete), from the server's rules (world.h): the dispatcher's
 * answer for the route (401 for a visitor, 403 for a role the table gives nothing of the
 * route's permission: PUT and the restores are PERM_UPDATE, DELETE PERM_DELETE, /plans/new
 * PERM_CREATE), then permission_allows() on the plan as it was and as it will be (its
 * owner record, plan_owner), for the route's action, except that a PUT of a plan that
 * does not exist yet creates it (web/plan_write.c asks for create). Allowed: 200 (201 for
 * a new plan, 204 for a delete) from the API, 303 from a form. The test data makes no
 * 404, 409 or 412 here: every write names a plan and revision that exist (or a new slug),
 * with the current ETag or base. */
static long expected(struct world *w, const struct actor *a, const struct pwrite *pw, json_t *old, json_t *new)
{
	char *path = pw_path(pw);
	const struct route *rt = w_route(pw_method(pw), path);
	if (!rt)
		fail_msg("%s: no route takes %s %s", pw->what, pw_method(pw), path);
	free(path);
	long refused = w_dispatch(a, rt);
	if (refused)
		return refused;
	enum action act = w_action_of(rt);
	if (act == ACT_UPDATE && !old)
		act = ACT_CREATE;
	json_t *was = old ? plan_owner(w, old) : NULL, *will = new ? plan_owner(w, new) : NULL;
	int ok = w_allows(a, act, &entity_plan, was) && w_allows(a, act, &entity_plan, will);
	json_decref(was), json_decref(will);
	if (!ok)
		return 403;
	return is_form(pw) ? 303 : pw->op == P_DELETE ? 204 : old ? 200 : 201;
}

/* A refused write: the error's shape (JSON from the API, a page from a form), nothing of
 * the plan in it, nothing changed. */
static char *check_refused(struct world *w, const struct pwrite *pw, const struct h_resp *r, long want, const char *before)
{
	const char *code = want == 401 ? "unauthenticated" : "forbidden";
	json_t *err = json_object_get(r->json, "error");
	const char *type = h_header(r, "Content-Type");
	if (is_form(pw)) {
		if (!type || strncmp(type, "text/html", 9) != 0)
			return h_strf("a form's refusal should be a page, not %s", type ? type : "untyped");
		if (want == 401 && !strstr(r->body, "/login"))
			return h_strf("a visitor should be told to sign in on /login: %.300s", r->body);
	} else if (!json_is_object(err) || num(err, "status") != want || !str(err, "code") || strcmp(str(err, "code"), code) != 0) {
		return h_strf("the error should be {\"error\": {\"status\": %ld, \"code\": \"%s\", ...}}: %.300s", want, code, r->body);
	}
	if (want == 401 && (!h_header(r, "WWW-Authenticate") || strncmp(h_header(r, "WWW-Authenticate"), "Bearer", 6) != 0))
		return h_strf("a 401 needs a WWW-Authenticate: Bearer challenge");
	if (h_header(r, "ETag") || h_header(r, "Location"))
		return h_strf("a refusal must not send an ETag or a Location");
	if (strstr(r->body, "\"content\""))
		return h_strf("the refusal holds a plan's content");
	char *after = state_of(w);
	char *why = strcmp(before, after) != 0 ? h_strf("the refused write changed the database (export, audit log or revisions)") : NULL;
	free(after);
	return why;
}

/* An accepted write: the answer (the stored revision from the API, a redirect from a
 * form), what GET then gives, and the audit row. */
static char *check_done(struct world *w, const struct actor *a, const struct pwrite *pw, const struct h_resp *r,
			json_t *old_doc, json_t *new, const char *message, size_t audit_before)
{
	char *etag = NULL, *why = NULL, *loc = is_form(pw) ? pw_location(pw) : NULL;
	const char *via = is_form(pw) ? "web" : "api", *got_loc = h_header(r, "Location");
	json_t *now = plan_doc(w, pw->slug, &etag);
	long long want_rev = old_doc ? num(old_doc, "revision") + 1 : 1;
	if (pw->op == P_DELETE) {
		if (now || r->len)
			why = h_strf("after a 204 the plan should be gone (GET: %s) and the answer empty", now ? "200" : "404");
	} else if (!now) {
		why = h_strf("GET /api/v1/plans/%s after the write: 404", pw->slug);
	} else if (loc && (!got_loc || strcmp(got_loc, loc) != 0)) {
		why = h_strf("Location is %s, expected %s", got_loc ? got_loc : "missing", loc);
	} else if (!loc && (!h_header(r, "ETag") || strcmp(h_header(r, "ETag"), etag) != 0 || !json_equal(r->json, now))) {
		why = h_strf("the answer (and its ETag) should be the stored revision as GET gives it: %.300s", r->body);
	} else if (r->status == 201 && (!got_loc || strncmp(got_loc, "/api/v1/plans/", 14) != 0 ||
					strcmp(got_loc + 14, pw->slug) != 0)) {
		why = h_strf("Location is %s, expected /api/v1/plans/%s", got_loc, pw->slug);
	} else if (num(now, "revision") != want_rev || !json_equal(json_object_get(now, "content"), new) ||
		   strcmp(str(now, "author"), a->login) != 0 || strcmp(str(now, "via"), via) != 0 ||
		   strcmp(str(now, "message"), message) != 0) {
		why = h_strf("expected revision %lld with the new content by %s via %s, message \"%s\"; got revision %lld by %s "
			     "via %s, \"%s\"", want_rev, a->login, via, message, num(now, "revision"), str(now, "author"),
			     str(now, "via"), str(now, "message"));
	}
	if (!why && w_audit_count(w) != audit_before + 1)
		why = h_strf("the write should add exactly one audit row (%zu before, %zu after)", audit_before, w_audit_count(w));
	if (!why) {
		json_t *row = newest_plan_audit(w, pw->slug);
		const char *action = pw->op == P_DELETE ? "delete" : old_doc ? "update" : "create";
		json_t *after = json_object_get(json_object_get(json_object_get(row, "changes"), "revision"), "after");
		if (!row || strcmp(str(row, "actor"), a->login) != 0 || strcmp(str(row, "via"), via) != 0 ||
		    strcmp(str(row, "action"), action) != 0 || (pw->op != P_DELETE && json_integer_value(after) != want_rev))
			why = h_strf("the newest audit row of plan/%s should say %s, %s, %s, revision %lld: %s", pw->slug, a->login,
				     via, action, want_rev, w_dump(row));
		json_decref(row);
	}
	json_decref(now);
	free(etag), free(loc);
	return why;
}

/* Posts the form of pw as a browser sends it (from session s with its token, from the
 * server's own origin): the section's field, or the new plan's, or nothing but the
 * revision the form was made from (base) for a restore; and the message. */
static void post_pwrite_form(struct world *w, struct h_resp *r, const struct pwrite *pw, const struct signed_in *s,
			     json_t *old_doc, json_t *new, const char *message)
{
	json_t *form = json_array();
	if (s->csrf)
		form_set(form, "csrf", s->csrf);
	char *base = h_strf("%lld", old_doc ? num(old_doc, "revision") : 0);
	form_set(form, "base", base);
	free(base);
	if (pw->op == P_FORM_EDIT) {
		form_set(form, pw->key, str(new, pw->key));
	} else if (pw->op == P_FORM_NEW) {
		form_set(form, "slug", pw->slug);
		static const char *const keys[] = {"title", "city", "cooperation"};
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			if (str(new, keys[k]))
				form_set(form, keys[k], str(new, keys[k]));
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(new, "counterparts"), i, c)   /* one field per city */
			json_array_append_new(form, json_pack("[s,O]", "counterparts", c));
	}
	if (pw->op != P_FORM_RESTORE)
		form_set(form, "message", message);
	char *path = pw_path(pw);
	post_form(w, r, path, form, s->session, w->env.base);
	free(path);
	json_decref(form);
}

/* Sends pw as actor: the API with the actor's token, a form from the actor's session. */
static void send_pwrite(struct world *w, struct h_resp *r, int actor, const struct signed_in *s, const struct pwrite *pw,
			json_t *old_doc, json_t *new, const char *etag, const char *message)
{
	struct creds who = bearer(w, actor);
	if (is_form(pw)) {
		post_pwrite_form(w, r, pw, s, old_doc, new, message);
	} else if (pw->op == P_EDIT || pw->op == P_CREATE) {
		put_plan(w, r, pw->slug, new, message, etag, who);
	} else if (pw->op == P_RESTORE) {
		restore_plan(w, r, pw->slug, pw->revision, etag, who);
	} else {
		char *path = pw_path(pw);
		struct call c = {"DELETE", path, NULL, NULL, etag, NULL, who};
		w_send(w, r, &c);
		free(path);
	}
}

static void run_matrix(struct world *w, int actor)
{
	const struct actor *a = &w_actors[actor];
	struct signed_in s = w_sign_in_as(w, actor);
	int failures = 0, cells = 0;
	for (size_t i = 0; i < NPWRITES; i++) {
		const struct pwrite *pw = &pwrites[i];
		int creates = pw->op == P_CREATE || pw->op == P_FORM_NEW;
		char *etag = NULL;
		json_t *old_doc = plan_doc(w, pw->slug, &etag);
		if (!creates && !old_doc)
			fail_msg("%s: the matrix expects plan %s to exist", pw->what, pw->slug);
		if (creates && old_doc)
			fail_msg("%s: the matrix expects no plan %s yet", pw->what, pw->slug);
		json_t *old = json_object_get(old_doc, "content");
		json_t *new = after_pwrite(w, pw, old);
		long want = expected(w, a, pw, old, new);
		char *before = want >= 400 ? state_of(w) : NULL;   /* what a refusal must leave */
		size_t audit_before = want < 400 ? w_audit_count(w) : 0;
		char *message = pw->op == P_RESTORE || pw->op == P_FORM_RESTORE ? h_strf("restored revision %d", pw->revision)
										: h_strf("matrix: %s", pw->what);
		struct h_resp r;
		send_pwrite(w, &r, actor, &s, pw, old_doc, new, etag, message);
		char *why;
		if (r.status != want)
			why = h_strf("status %ld, expected %ld: %.300s", r.status, want, r.body);
		else if (want >= 400)
			why = check_refused(w, pw, &r, want, before);
		else
			why = check_done(w, a, pw, &r, old_doc, new, message, audit_before);
		cells++;
		if (why) {
			fprintf(stderr, "  MATRIX %s | %s: %s\n", a->name, pw->what, why);
			failures++;
		} else {
			fprintf(stderr, "  ok %s | %s: %ld\n", a->name, pw->what, want);
		}
		free(why), free(message), free(before), free(etag);
		h_resp_free(&r);
		json_decref(old_doc), json_decref(new);
	}
	w_signed_out(&s);
	if (failures)
		fail_msg("%d of %d cells of the plans' access-control matrix for %s went wrong (listed above)", failures, cells,
			 a->name);
}

/* The world of the matrices: world.h's, and a plan of Rome with two revisions, saved by
 * ada through the API, beside the demo's plans of Nice and Haikou. */
static int setup_with_rome(void **state)
{
	if (w_setup(state))
		return -1;
	struct world *w = *state;
	static const char *const bodies[] = {
		"{\"content\": {\"title\": \"Rome with Haikou\", \"city\": \"rome\", \"counterparts\": [\"haikou\"], "
		"\"key_focus\": \"Mobility.\"}, \"message\": \"first draft\"}",
		"{\"content\": {\"title\": \"Rome with Haikou\", \"city\": \"rome\", \"counterparts\": [\"haikou\"], "
		"\"key_focus\": \"Mobility and water.\", \"objectives\": \"Fewer cars.\"}, \"message\": \"second draft\"}",
	};
	char *etag = NULL;
	int rc = 0;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		char *auth = h_strf("Authorization: Bearer %s", w->token[ADMIN]), *match = etag ? h_strf("If-Match: %s", etag) : NULL;
		const char *headers[] = {auth, "Content-Type: application/json", match, NULL};
		struct h_resp r;
		rc = h_request(&w->env, &r, "PUT", "/api/v1/plans/rome", headers, bodies[i]);
		if (rc == 0 && (r.status != (i ? 200 : 201) || !h_header(&r, "ETag"))) {
			fprintf(stderr, "setup: PUT /api/v1/plans/rome: status %ld: %.300s\n", r.status, r.body);
			rc = -1;
		}
		free(etag);
		etag = rc == 0 ? h_strf("%s", h_header(&r, "ETag")) : NULL;
		h_resp_free(&r);
		free(auth), free(match);
	}
	free(etag);
	if (rc)
		w_teardown(state);
	return rc;
}

static void test_matrix_visitor(void **state) { run_matrix(*state, ANON); }
static void test_matrix_member(void **state) { run_matrix(*state, MEMBER); }
static void test_matrix_coordinator_of_nice(void **state) { run_matrix(*state, NICE); }
static void test_matrix_coordinator_of_rome(void **state) { run_matrix(*state, ROME); }
static void test_matrix_admin(void **state) { run_matrix(*state, ADMIN); }

/* =================================================================================== */
/* 4. CSRF on a cookie session                                                         */
/* =================================================================================== */

/* Every write route of plans, from ada's session (who may do them all), in an order that
 * leaves each one something to change. */
enum csrf_kind { C_PUT, C_RESTORE, C_FORM_EDIT, C_FORM_RESTORE, C_FORM_NEW, C_DELETE };
static const struct csrf_plan {
	enum csrf_kind kind;
	const char *method, *path;
	const char *slug;         /* the plan it writes */
	long ok;                  /* the answer with the session's token from the same origin */
} csrf_plans[] = {
	{C_PUT, "PUT", "/api/v1/plans/nice", "nice", 200},
	{C_RESTORE, "POST", "/api/v1/plans/nice/revisions/1/restore", "nice", 200},
	{C_FORM_EDIT, "POST", "/plans/nice/edit/objectives", "nice", 303},
	{C_FORM_RESTORE, "POST", "/plans/nice/revisions/1/restore", "nice", 303},
	{C_FORM_NEW, "POST", "/plans/new", "csrf-made", 303},
	{C_DELETE, "DELETE", "/api/v1/plans/haikou", "haikou", 204},
};
#define NCSRF_PLANS (sizeof csrf_plans / sizeof *csrf_plans)

static int csrf_is_form(const struct csrf_plan *c)
{
	return c->kind == C_FORM_EDIT || c->kind == C_FORM_RESTORE || c->kind == C_FORM_NEW;
}

/* Sends c from session with the CSRF token csrf (NULL: none) and an Origin (NULL: none):
 * a form with the token in its field, or the API with it in X-CSRF-Token. */
static void csrf_send(struct world *w, struct h_resp *r, const struct csrf_plan *c, const char *session, const char *csrf,
		      const char *origin)
{
	char *etag = NULL;
	json_t *doc = plan_doc(w, c->kind == C_FORM_NEW ? "nice" : c->slug, &etag);
	char *text = h_strf("Objectives, set through %s %s.", c->method, c->path);
	if (csrf_is_form(c)) {
		json_t *form = json_array();
		if (csrf)
			form_set(form, "csrf", csrf);
		char *base = h_strf("%lld", c->kind == C_FORM_NEW ? 0 : num(doc, "revision"));
		form_set(form, "base", base);
		if (c->kind == C_FORM_EDIT)
			form_set(form, "objectives", text);
		if (c->kind == C_FORM_NEW) {
			form_set(form, "slug", c->slug);
			form_set(form, "title", "Made through the CSRF matrix");
			form_set(form, "city", "nice");
		}
		post_form(w, r, c->path, form, session, origin);
		free(base);
		json_decref(form);
	} else {
		char *body = NULL;
		if (c->kind == C_PUT) {
			json_t *b = json_pack("{s:o}", "content", with(json_object_get(doc, "content"), "objectives", json_string(text)));
			body = json_dumps(b, JSON_COMPACT);
			json_decref(b);
		}
		struct call call = {c->method, c->path, body, body ? NULL : "", etag, NULL, {NULL, session, csrf, origin}};
		w_send(w, r, &call);
		free(body);
	}
	json_decref(doc);
	free(text), free(etag);
}

/* After the right token: a new revision by ada (the first, for a new plan), or the plan
 * gone. */
static void csrf_check_done(struct world *w, const struct csrf_plan *c, json_t *before_doc)
{
	json_t *now = plan_doc(w, c->slug, NULL);
	const char *via = csrf_is_form(c) ? "web" : "api";
	long long rev = before_doc ? num(before_doc, "revision") + 1 : 1;
	if (c->kind == C_DELETE ? now != NULL
				: !now || num(now, "revision") != rev || strcmp(str(now, "author"), "ada") != 0 ||
					  strcmp(str(now, "via"), via) != 0)
		fail_msg("%s %s with the right token: expected %s: %s", c->method, c->path,
			 c->kind == C_DELETE ? "the plan gone" : "a new revision by ada", w_dump(now));
	json_decref(now);
}

/* Every forged or foreign variant of each write is refused (403) and changes nothing;
 * GET on the same address changes nothing either (200 where a GET route answers there,
 * else 405); then the session's own token from the same origin does the write. */
static void test_csrf(void **state)
{
	struct world *w = *state;
	struct signed_in ada = w_sign_in_as(w, ADMIN), paul = w_sign_in_as(w, MEMBER);
	char *wrong = h_strf("%s", ada.csrf);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	struct csrf_case bad[W_CSRF_CASES];
	w_csrf_cases(w, ada.csrf, paul.csrf, wrong, bad);
	for (size_t i = 0; i < NCSRF_PLANS; i++) {
		const struct csrf_plan *c = &csrf_plans[i];
		char *before = state_of(w);
		struct h_resp r;
		for (size_t k = 0; k < W_CSRF_CASES; k++) {
			char *what = h_strf("%s %s with %s", c->method, c->path, bad[k].what);
			csrf_send(w, &r, c, ada.session, bad[k].csrf, bad[k].origin);
			if (csrf_is_form(c))
				expect_status(&r, 403, what);
			else
				h_expect_error(&r, what, 403, bad[k].code, NULL);
			h_resp_free(&r);
			expect_same_state(w, before, what);
			free(what);
		}
		char *override = h_strf("X-HTTP-Method-Override: %s", c->method);
		struct call get = {"GET", c->path, NULL, NULL, NULL, override, {NULL, ada.session, ada.csrf, w->env.base}};
		w_send(w, &r, &get);
		long get_want = w_route("GET", c->path) ? 200 : 405;
		if (r.status != get_want)
			fail_msg("GET %s: status %ld, expected %ld", c->path, r.status, get_want);
		h_resp_free(&r);
		free(override);
		expect_same_state(w, before, "GET on a write's address");
		json_t *doc = plan_doc(w, c->slug, NULL);
		char *what = h_strf("%s %s with the session's token from the same origin", c->method, c->path);
		csrf_send(w, &r, c, ada.session, ada.csrf, w->env.base);
		expect_status(&r, c->ok, what);
		h_resp_free(&r);
		csrf_check_done(w, c, doc);
		json_decref(doc);
		free(before), free(what);
	}
	char *paul_now = w_session_csrf(w, paul.session);
	if (!paul_now || strcmp(paul_now, paul.csrf) != 0)
		fail_msg("paul's session should be untouched");
	free(paul_now);
	w_signed_out(&ada), w_signed_out(&paul);
	free(wrong);
}

/* The matrices must hold what the issue asks for, for every write route of plans in
 * routes.c: a cell of the access-control matrix and a request of the CSRF matrix for
 * each, and for both coordinators cells on a plan of their own city (allowed) and on
 * others' (403), as the rules decide them on a fresh world (w_expect_coverage). Prints
 * the expected answers. */
static void test_matrix_covers_the_rules(void **state)
{
	struct world *w = *state;
	struct w_cell *cells = calloc(NPWRITES, sizeof *cells);
	struct w_csrf_hit hits[NCSRF_PLANS];
	fprintf(stderr, "  %-70s visitor member nice rome admin\n", "expected on a fresh world, from the rules:");
	for (size_t i = 0; i < NPWRITES; i++) {
		json_t *doc = plan_doc(w, pwrites[i].slug, NULL), *old = json_object_get(doc, "content");
		json_t *new = after_pwrite(w, &pwrites[i], old);
		cells[i].method = pw_method(&pwrites[i]);
		cells[i].path = pw_path(&pwrites[i]);
		fprintf(stderr, "  %-70s", pwrites[i].what);
		for (int a = 0; a < NACTORS; a++) {
			cells[i].want[a] = expected(w, &w_actors[a], &pwrites[i], old, new);
			fprintf(stderr, " %*ld", a == ANON ? 7 : a == MEMBER ? 6 : a == ADMIN ? 5 : 4, cells[i].want[a]);
		}
		fputc('\n', stderr);
		json_decref(doc), json_decref(new);
	}
	for (size_t i = 0; i < NCSRF_PLANS; i++)
		hits[i] = (struct w_csrf_hit){csrf_plans[i].method, csrf_plans[i].path};
	w_expect_coverage("plans", cells, NPWRITES, hits, NCSRF_PLANS);
	w_cells_free(cells, NPWRITES);
}

/* =================================================================================== */
/* =================================================================================== */
/* 5. The forms                                                                        */
/* =================================================================================== */

/* The whole life of one text section's form, as the coordinator of Nice: the form shows
 * the current text; a save makes a revision and lands on the plan; a second save from
 * the same (now old) form is a conflict that shows both versions and keeps the text. */
static void form_flow(struct world *w, const char *section)
{
	struct signed_in marie = w_sign_in_as(w, NICE);
	char *path = h_strf("/plans/nice/edit/%s", section), *etag;
	json_t *doc = plan_doc(w, "nice", &etag), *content = json_object_get(doc, "content");
	long long rev = num(doc, "revision");
	struct h_resp r;
	get_page(w, &r, path, marie.session, 200);
	h_expect_security_headers(&r, path);
	if (!h_header(&r, "Cache-Control") || !strstr(h_header(&r, "Cache-Control"), "no-store"))
		fail_msg("GET %s: a signed-in page must be sent Cache-Control: no-store", path);
	json_t *form = scrape_form(r.body, path);
	if (!form)
		fail_msg("GET %s: no form posting to %s", path, path);
	char *base = h_strf("%lld", rev);
	const char *shown = form_get(form, section), *now_text = str(content, section);
	if (!shown || strcmp(shown, now_text ? now_text : "") != 0)
		fail_msg("GET %s: the text area %s should hold the current text:\n%s\n--- holds:\n%s", path, section,
			 now_text ? now_text : "", shown ? shown : "(none)");
	if (!form_get(form, "csrf") || strcmp(form_get(form, "csrf"), marie.csrf) != 0 || !form_get(form, "base") ||
	    strcmp(form_get(form, "base"), base) != 0)
		fail_msg("GET %s: the form should carry the session's csrf and base %s", path, base);
	h_resp_free(&r);
	json_t *old_form = json_deep_copy(form);

	/* save */
	const char *mine = "Smart ports, and a marmalade exchange between Nice and its partner cities.";
	form_set(form, section, mine);
	form_set(form, "message", "Marmalade added");
	post_form(w, &r, path, form, marie.session, w->env.base);
	expect_status(&r, 303, "POST of the section's form");
	char *loc = h_strf("/plans/nice#%s", section);
	if (!h_header(&r, "Location") || strcmp(h_header(&r, "Location"), loc) != 0)
		fail_msg("POST %s: Location %s, expected %s", path, h_header(&r, "Location"), loc);
	h_resp_free(&r);
	json_t *saved = plan_doc(w, "nice", NULL);
	json_t *want = with(content, section, json_string(mine));
	if (num(saved, "revision") != rev + 1 || strcmp(str(saved, "author"), "marie") != 0 ||
	    strcmp(str(saved, "via"), "web") != 0 || strcmp(str(saved, "message"), "Marmalade added") != 0 ||
	    !json_equal(json_object_get(saved, "content"), want))
		fail_msg("after the form's save: expected revision %lld by marie via web, \"Marmalade added\", only %s "
			 "changed: %s", rev + 1, section, w_dump(saved));
	h_get(&w->env, &r, "/plans/nice", 200);
	if (!strstr(r.body, "a marmalade exchange between Nice and its partner cities"))
		fail_msg("/plans/nice does not show the new text");
	h_resp_free(&r);
	h_get(&w->env, &r, "/plans/nice/revisions", 200);
	if (!strstr(r.body, "Marmalade added") || !strstr(r.body, "marie"))
		fail_msg("/plans/nice/revisions does not list the save (message, author)");
	h_resp_free(&r);

	/* the old form again, with other text: a conflict, both versions, nothing saved */
	const char *second = "Smart ports, and an olive oil exchange between Nice and its partner cities.";
	form_set(old_form, section, second);
	form_set(old_form, "message", "Olive oil instead");
	char *before = state_of(w);
	post_form(w, &r, path, old_form, marie.session, w->env.base);
	expect_status(&r, 409, "POST of a form made from an older revision");
	if (!strstr(r.body, "class=\"conflict\""))
		fail_msg("the 409 page has no conflict panel");
	if (!strstr(strstr(r.body, "class=\"conflict\""), "<div class=\"diff\">"))
		fail_msg("the conflict panel's difference should be in a .diff box (indentation kept)");
	if (!marked(r.body, "del", "marmalade") || !marked(r.body, "ins", "olive oil") || marked(r.body, "del", "Smart ports") ||
	    marked(r.body, "ins", "Smart ports"))
		fail_msg("the conflict panel should strike out the saved \"marmalade\" and mark the user's \"olive oil\", "
			 "and leave the words both share unmarked: %.2000s", strstr(r.body, "class=\"conflict\""));
	json_t *kept = scrape_form(r.body, path);
	if (!kept || !form_get(kept, section) || strcmp(form_get(kept, section), second) != 0 ||
	    !form_get(kept, "message") || strcmp(form_get(kept, "message"), "Olive oil instead") != 0)
		fail_msg("the 409 page should keep the user's text and message in the form");
	h_resp_free(&r);
	expect_same_state(w, before, "the conflicting save");

	json_decref(kept), json_decref(want), json_decref(saved), json_decref(old_form), json_decref(form), json_decref(doc);
	free(before), free(loc), free(base), free(path), free(etag);
	w_signed_out(&marie);
}

/* The form flow on a section whose key is not a slug (key_focus): the Edit links of
 * "Key focus of cooperation themes" and "Key challenges" lead to working forms. */
static void test_form_key_focus(void **state)
{
	form_flow(*state, "key_focus");
}

/* The same on a text section whose key is a slug. */
static void test_form_objectives(void **state)
{
	form_flow(*state, "objectives");
}

/* Every Edit link of the plan page opens its form . */
static void test_every_edit_link_opens_a_form(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE);
	struct h_resp r;
	get_page(w, &r, "/plans/nice", marie.session, 200);
	char *page = h_strf("%s", r.body);
	h_resp_free(&r);
	const char *needle = "href=\"/plans/nice/edit/";
	int links = 0, broken = 0;
	for (const char *p = strstr(page, needle); p; p = strstr(p + 1, needle)) {
		char *href = h_strf("%.*s", (int)strcspn(p + 6, "\""), p + 6);
		struct call c = {"GET", href, NULL, NULL, NULL, NULL, {.session = marie.session}};
		w_send(w, &r, &c);
		json_t *form = r.status == 200 ? scrape_form(r.body, href) : NULL;
		if (!form) {
			fprintf(stderr, "  the Edit link %s answers %ld%s\n", href, r.status, r.status == 200 ? " without its form" : "");
			broken++;
		}
		links++;
		json_decref(form);
		h_resp_free(&r);
		free(href);
	}
	if (links < (int)NSECTIONS - 1 || broken)
		fail_msg("/plans/nice: %d Edit links, %d of them broken (listed above)", links, broken);
	free(page);
	w_signed_out(&marie);
}

/* The 409 page's form is based on the revision now current (the one whose changes it
 * shows), so sending it again, as its text invites, saves the user's version. */
static void test_form_conflict_saved_again(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE);
	const char *path = "/plans/nice/edit/objectives";
	struct h_resp r;
	get_page(w, &r, path, marie.session, 200);
	json_t *form = scrape_form(r.body, path), *old = json_deep_copy(form);
	h_resp_free(&r);
	form_set(form, "objectives", "First: marmalade.");
	post_form(w, &r, path, form, marie.session, NULL);
	expect_status(&r, 303, "the first save");
	h_resp_free(&r);
	form_set(old, "objectives", "Second: olive oil.");
	post_form(w, &r, path, old, marie.session, NULL);
	expect_status(&r, 409, "the save from the older form");
	json_t *again = scrape_form(r.body, path);
	h_resp_free(&r);
	json_t *doc = plan_doc(w, "nice", NULL);
	char *current = h_strf("%lld", num(doc, "revision"));
	if (!form_get(again, "base") || strcmp(form_get(again, "base"), current) != 0)
		fail_msg("the 409 form's base is %s; expected the current revision %s", form_get(again, "base"), current);
	post_form(w, &r, path, again, marie.session, NULL);
	expect_status(&r, 303, "sending the 409 page's form again");
	h_resp_free(&r);
	json_t *now = plan_doc(w, "nice", NULL);
	assert_string_equal(str(json_object_get(now, "content"), "objectives"), "Second: olive oil.");
	json_decref(now), json_decref(doc), json_decref(again), json_decref(old), json_decref(form);
	free(current);
	w_signed_out(&marie);
}

/* Fails unless every field of the form sent is in the form kept with the same value
 * (with points: also the activities' sub-points). */
static void expect_kept(json_t *sent_form, json_t *kept, int points)
{
	size_t i;
	json_t *pair;
	json_array_foreach(sent_form, i, pair) {
		const char *name = json_string_value(json_array_get(pair, 0)), *sent = json_string_value(json_array_get(pair, 1));
		const char *back = form_get(kept, name);
		size_t n = strlen(name);
		if (!points && n > 7 && strcmp(name + n - 7, ".points") == 0)
			continue;
		if (!back || strcmp(back, sent) != 0)
			fail_msg("the 422 form should keep %s as sent (\"%s\"), it holds \"%s\"", name, sent, back ? back : "(none)");
	}
}

/* Invalid input in the activities form: 422, the error beside the field, input kept. */
static void test_form_activities_invalid(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE);
	const char *path = "/plans/nice/edit/activities";
	struct h_resp r;
	get_page(w, &r, path, marie.session, 200);
	json_t *form = scrape_form(r.body, path);
	h_resp_free(&r);
	if (!form || !form_get(form, "activities.0.date"))
		fail_msg("GET %s: no form with a row activities.0", path);
	json_t *doc = plan_doc(w, "nice", NULL);
	json_t *first = json_array_get(json_object_get(json_object_get(doc, "content"), "activities"), 0);
	assert_string_equal(form_get(form, "activities.0.date"), str(first, "date"));
	assert_string_equal(form_get(form, "activities.0.text"), str(first, "text"));
	form_set(form, "activities.0.date", "soon");
	form_set(form, "message", "A date nobody can place");
	char *before = state_of(w);
	post_form(w, &r, path, form, marie.session, w->env.base);
	expect_status(&r, 422, "POST of an activity dated \"soon\"");
	/* the error beside the rows' table, the control marked */
	const char *input = strstr(r.body, "name=\"activities.0.date\"");
	if (!input)
		fail_msg("the 422 page has no activities.0.date");
	const char *tag_end = strchr(input, '>');
	const char *invalid = strstr(input, "aria-invalid=\"true\"");
	if (!invalid || invalid > tag_end)
		fail_msg("the control activities.0.date should be marked aria-invalid");
	const char *fs_start = input, *fs_end = strstr(input, "</fieldset>");
	while (fs_start > r.body && strncmp(fs_start, "<fieldset", 9) != 0)
		fs_start--;
	const char *err = strstr(input, "class=\"field-error\"");
	if (!fs_end || !err || err > fs_end || !strstr(err, "date"))
		fail_msg("the 422 page should say what is wrong with the date inside the activities' fieldset: %.1500s", fs_start);
	if (!strstr(r.body, "role=\"alert\""))
		fail_msg("the 422 page should announce the error (role=alert)");
	/* every value kept as sent (the rows' sub-points: see test_form_activities_422_keeps_sub_points) */
	json_t *kept = scrape_form(r.body, path);
	expect_kept(form, kept, 0);
	h_resp_free(&r);
	expect_same_state(w, before, "an invalid activities form");
	/* and corrected, it saves */
	form_set(form, "activities.0.date", "2018-06-14");
	post_form(w, &r, path, form, marie.session, w->env.base);
	expect_status(&r, 303, "the corrected activities form");
	h_resp_free(&r);
	json_t *now = plan_doc(w, "nice", NULL);
	json_t *a0 = json_array_get(json_object_get(json_object_get(now, "content"), "activities"), 0);
	assert_string_equal(str(a0, "date"), "2018-06-14");
	/* nothing else of the activities changed */
	json_t *was = json_deep_copy(json_object_get(json_object_get(doc, "content"), "activities"));
	json_object_set_new(json_array_get(was, 0), "date", json_string("2018-06-14"));
	if (!json_equal(was, json_object_get(json_object_get(now, "content"), "activities")))
		fail_msg("saving the activities form changed more than the date");
	json_decref(was), json_decref(now), json_decref(kept), json_decref(doc), json_decref(form);
	free(before);
	w_signed_out(&marie);
}

/* The 422 page of the activities form keeps every activity's sub-points as typed, and
 * sending it again once corrected changes only what was corrected. */
static void test_form_activities_422_keeps_sub_points(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE);
	const char *path = "/plans/nice/edit/activities";
	json_t *doc = plan_doc(w, "nice", NULL);
	struct h_resp r;
	get_page(w, &r, path, marie.session, 200);
	json_t *form = scrape_form(r.body, path);
	h_resp_free(&r);
	form_set(form, "activities.0.date", "soon");
	post_form(w, &r, path, form, marie.session, NULL);
	expect_status(&r, 422, "POST of an activity dated \"soon\"");
	json_t *kept = scrape_form(r.body, path);
	h_resp_free(&r);
	expect_kept(form, kept, 1);
	/* the 422 page's form, corrected and sent: only the date changes */
	form_set(kept, "activities.0.date", "2018-06-14");
	post_form(w, &r, path, kept, marie.session, NULL);
	expect_status(&r, 303, "the 422 page's form, corrected");
	h_resp_free(&r);
	json_t *now = plan_doc(w, "nice", NULL);
	json_t *was = json_deep_copy(json_object_get(json_object_get(doc, "content"), "activities"));
	json_object_set_new(json_array_get(was, 0), "date", json_string("2018-06-14"));
	if (!json_equal(was, json_object_get(json_object_get(now, "content"), "activities")))
		fail_msg("sending the 422 page's form again changed more than the date (sub-points lost?)");
	json_decref(was), json_decref(now), json_decref(kept), json_decref(form), json_decref(doc);
	w_signed_out(&marie);
}

/* Who may use the forms: Rome's coordinator and members are refused, visitors sent to
 * sign in; editors see the Edit links and restore buttons, others do not. */
static void test_form_permissions(void **state)
{
	struct world *w = *state;
	struct signed_in romeo = w_sign_in_as(w, ROME), paul = w_sign_in_as(w, MEMBER), marie = w_sign_in_as(w, NICE);
	const char *path = "/plans/nice/edit/objectives";
	char *before = state_of(w);
	json_t *doc = plan_doc(w, "nice", NULL);
	char *base = h_strf("%lld", num(doc, "revision"));
	struct h_resp r;
	const struct signed_in *who[] = {&romeo, &paul};
	for (size_t i = 0; i < 2; i++) {
		get_page(w, &r, path, who[i]->session, 403);
		h_resp_free(&r);
		json_t *form = json_pack("[[s,s],[s,s],[s,s]]", "csrf", who[i]->csrf, "base", base, "objectives", "Not yours.");
		post_form(w, &r, path, form, who[i]->session, w->env.base);
		expect_status(&r, 403, "POST of Nice's form by someone else");
		h_resp_free(&r);
		post_form(w, &r, "/plans/nice/revisions/1/restore", form, who[i]->session, w->env.base);
		expect_status(&r, 403, "POST of a restore of Nice's plan by someone else");
		h_resp_free(&r);
		json_decref(form);
		/* no Edit links, no restore buttons */
		get_page(w, &r, "/plans/nice", who[i]->session, 200);
		if (strstr(r.body, "href=\"/plans/nice/edit/"))
			fail_msg("/plans/nice shows Edit links to someone who may not edit");
		h_resp_free(&r);
		get_page(w, &r, "/plans/nice/revisions", who[i]->session, 200);
		if (strstr(r.body, "/restore\""))
			fail_msg("/plans/nice/revisions shows restore forms to someone who may not restore");
		h_resp_free(&r);
	}
	/* visitors: sign in first */
	get_page(w, &r, path, NULL, 303);
	if (!h_header(&r, "Location") || strcmp(h_header(&r, "Location"), "/login?next=%2Fplans%2Fnice%2Fedit%2Fobjectives") != 0)
		fail_msg("GET %s as a visitor: Location %s, expected the sign-in form coming back here", path,
			 h_header(&r, "Location"));
	h_resp_free(&r);
	json_t *form = json_pack("[[s,s],[s,s]]", "base", base, "objectives", "Anonymous.");
	post_form(w, &r, path, form, NULL, NULL);
	expect_status(&r, 401, "POST of the form by a visitor");
	h_resp_free(&r);
	post_form(w, &r, "/plans/nice/revisions/1/restore", form, NULL, NULL);
	expect_status(&r, 401, "POST of a restore by a visitor");
	h_resp_free(&r);
	json_decref(form);
	get_page(w, &r, "/plans/nice", NULL, 200);
	if (strstr(r.body, "href=\"/plans/nice/edit/"))
		fail_msg("/plans/nice shows Edit links to visitors");
	h_resp_free(&r);
	/* the coordinator of Nice: her plan's links, but not Haikou's plan */
	get_page(w, &r, "/plans/nice", marie.session, 200);
	if (!strstr(r.body, "href=\"/plans/nice/edit/objectives\""))
		fail_msg("/plans/nice shows no Edit link to the coordinator of Nice");
	h_resp_free(&r);
	get_page(w, &r, "/plans/haikou/edit/objectives", marie.session, 403);
	h_resp_free(&r);
	get_page(w, &r, "/plans/nice/edit/no-such-section", marie.session, 404);
	h_resp_free(&r);
	expect_same_state(w, before, "refused forms");
	json_decref(doc);
	free(before), free(base);
	w_signed_out(&romeo), w_signed_out(&paul), w_signed_out(&marie);
}

/* The restore form of the revisions page. */
static void test_form_restore(void **state)
{
	struct world *w = *state;
	struct signed_in marie = w_sign_in_as(w, NICE);
	json_t *doc = plan_doc(w, "nice", NULL), *first = plan_content(w, "nice", 1);
	long long rev = num(doc, "revision");
	const char *action = "/plans/nice/revisions/1/restore";
	struct h_resp r;
	get_page(w, &r, "/plans/nice/revisions", marie.session, 200);
	json_t *form = scrape_form(r.body, action);
	h_resp_free(&r);
	char *base = h_strf("%lld", rev);
	if (!form || !form_get(form, "csrf") || !form_get(form, "base") || strcmp(form_get(form, "base"), base) != 0)
		fail_msg("/plans/nice/revisions: no restore form for revision 1 with csrf and base %s", base);
	post_form(w, &r, action, form, marie.session, w->env.base);
	expect_status(&r, 303, "POST of the restore form");
	if (!h_header(&r, "Location") || strcmp(h_header(&r, "Location"), "/plans/nice/revisions") != 0)
		fail_msg("restore: Location %s, expected /plans/nice/revisions", h_header(&r, "Location"));
	h_resp_free(&r);
	json_t *now = plan_doc(w, "nice", NULL);
	if (num(now, "revision") != rev + 1 || !json_equal(json_object_get(now, "content"), first) ||
	    strcmp(str(now, "message"), "restored revision 1") != 0 || strcmp(str(now, "author"), "marie") != 0 ||
	    strcmp(str(now, "via"), "web") != 0)
		fail_msg("after the restore form: expected revision %lld, revision 1's content, \"restored revision 1\", by "
			 "marie via web: %s", rev + 1, w_dump(json_object_get(now, "message")));
	get_page(w, &r, "/plans/nice/revisions", marie.session, 200);
	if (!strstr(r.body, "restored revision 1"))
		fail_msg("/plans/nice/revisions does not list the restore");
	h_resp_free(&r);
	/* the same form again: its base is old now */
	char *before = state_of(w);
	post_form(w, &r, action, form, marie.session, w->env.base);
	expect_status(&r, 409, "the restore form sent again with its old base");
	h_resp_free(&r);
	expect_same_state(w, before, "a stale restore form");
	json_decref(now), json_decref(form), json_decref(first), json_decref(doc);
	free(before), free(base);
	w_signed_out(&marie);
}

/* =================================================================================== */
/* 6. Markdown, PDF, the report command                                                */
/* =================================================================================== */

static void check_markdown(const char *md, json_t *content, const char *what)
{
	char *title = h_strf("# %s\n", str(content, "title"));
	if (strncmp(md, title, strlen(title)) != 0)
		fail_msg("%s: should start with the title as a heading: %.200s", what, md);
	free(title);
	for (size_t i = 1; i < NSECTIONS; i++) {   /* [0], the facts, are the header table */
		char *h = h_strf("\n## %s\n", sections[i].title);
		if (section_present(&sections[i], content) != (strstr(md, h) != NULL))
			fail_msg("%s: the heading \"%s\" should be there exactly when the plan has the section", what,
				 sections[i].title);
		free(h);
		if (sections[i].text && str(content, sections[i].key)) {
			/* the first line of a markdown field is copied as it is */
			const char *t = str(content, sections[i].key);
			char *line = h_strf("%.*s", (int)strcspn(t, "\n"), t);
			if (!strstr(md, line))
				fail_msg("%s: section %s does not hold its text: %s", what, sections[i].key, line);
			free(line);
		}
	}
	if (!strstr(md, "| Country |"))
		fail_msg("%s: no header table (a Country row)", what);
}

static void test_markdown_and_pdf(void **state)
{
	struct world *w = *state;
	json_t *doc = plan_doc(w, "nice", NULL), *content = json_object_get(doc, "content");
	struct h_resp r;
	h_get(&w->env, &r, "/plans/nice.md", 200);
	if (!h_header(&r, "Content-Type") || strncmp(h_header(&r, "Content-Type"), "text/markdown", 13) != 0)
		fail_msg("/plans/nice.md: Content-Type %s", h_header(&r, "Content-Type"));
	check_markdown(r.body, content, "/plans/nice.md");
	h_resp_free(&r);

	h_get(&w->env, &r, "/plans/nice.pdf", 200);
	if (!h_header(&r, "Content-Type") || strcmp(h_header(&r, "Content-Type"), "application/pdf") != 0)
		fail_msg("/plans/nice.pdf: Content-Type %s", h_header(&r, "Content-Type"));
	expect_pdf_bytes(&r, "/plans/nice.pdf");
	char file[H_PATH_MAX];
	save_bytes(w, "nice.pdf", r.body, r.len, file);
	h_resp_free(&r);
	char *text = check_pdf(w, file, content, "/plans/nice.pdf");
	if (!text) {
		fprintf(stderr, "  pdftotext is not installed: the PDF's text was not checked\n");
	} else {
		/* the footer: the revision */
		char *rev = h_strf("Revision %lld", num(doc, "revision"));
		if (!strstr(text, rev))
			fail_msg("/plans/nice.pdf: no \"%s\" in its text", rev);
		free(rev);
	}
	free(text);
	h_request(&w->env, &r, "GET", "/plans/atlantis.pdf", NULL, NULL);
	expect_status(&r, 404, "/plans/atlantis.pdf");
	h_resp_free(&r);
	h_request(&w->env, &r, "GET", "/plans/atlantis.md", NULL, NULL);
	expect_status(&r, 404, "/plans/atlantis.md");
	h_resp_free(&r);
	json_decref(doc);
}

/* The PDF names the cities in Chinese as the summary page does (尼斯, 海口, 昆明, ...):
 * pdftotext finds every such name of the page in the PDF. */
static void test_pdf_names_cities_in_chinese(void **state)
{
	struct world *w = *state;
	const char *slugs[] = {"nice", "haikou"};
	for (size_t i = 0; i < 2; i++) {
		char *page = h_strf("/plans/%s", slugs[i]), *pdf = h_strf("/plans/%s.pdf", slugs[i]);
		struct h_resp r;
		h_get(&w->env, &r, page, 200);
		json_t *names = chinese_names(r.body);
		h_resp_free(&r);
		if (json_array_size(names) == 0)
			fail_msg("%s shows no Chinese names", page);
		h_get(&w->env, &r, pdf, 200);
		char file[H_PATH_MAX], *name = h_strf("%s.pdf", slugs[i]);
		save_bytes(w, name, r.body, r.len, file);
		h_resp_free(&r);
		char *text = pdf_text(w, file);
		if (!text)
			skip();
		size_t k;
		json_t *n;
		json_array_foreach(names, k, n)
			if (!strstr(text, json_string_value(n)))
				fail_msg("%s: pdftotext finds no %s, which %s shows", pdf, json_string_value(n), page);
		free(text), free(name), free(page), free(pdf);
		json_decref(names);
	}
}

static void test_report_command(void **state)
{
	struct world *w = *state;
	struct h_run run;
	h_cli(&w->env, &run, "report", "--help", (char *)NULL);
	int missing = run.status != 0;
	h_run_free(&run);
	if (missing) {
		fprintf(stderr, "  c2c report --help fails: the report command is not there yet; skipped\n");
		skip();
	}
	json_t *doc = plan_doc(w, "nice", NULL), *content = json_object_get(doc, "content");
	/* Markdown: the same bytes as /plans/nice.md */
	h_cli(&w->env, &run, "report", "ucap", "nice", "--db", w->env.db, "--format", "md", (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c report ucap nice --format md: exit %d: %s", run.status, run.err);
	struct h_resp r;
	h_get(&w->env, &r, "/plans/nice.md", 200);
	if (strcmp(run.out, r.body) != 0)
		fail_msg("c2c report ucap nice --format md and /plans/nice.md differ:\n%.300s\n---\n%.300s", run.out, r.body);
	check_markdown(run.out, content, "report --format md");
	h_resp_free(&r);
	h_run_free(&run);
	/* HTML: a whole document with every section and the cities' Chinese names */
	h_get(&w->env, &r, "/plans/nice", 200);
	json_t *names = chinese_names(r.body);
	h_resp_free(&r);
	h_cli(&w->env, &run, "report", "ucap", "nice", "--db", w->env.db, "--format", "html", (char *)NULL);
	if (run.status != 0 || strncasecmp(run.out, "<!DOCTYPE html>", 15) != 0 || !strstr(run.out, "</html>"))
		fail_msg("c2c report ucap nice --format html: exit %d, not a whole HTML document: %.200s", run.status, run.out);
	for (size_t i = 0; i < NSECTIONS; i++)
		if (section_present(&sections[i], content) && !strstr(run.out, sections[i].title))
			fail_msg("report --format html: no section \"%s\"", sections[i].title);
	size_t i;
	json_t *n;
	json_array_foreach(names, i, n)
		if (!strstr(run.out, json_string_value(n)))
			fail_msg("report --format html: no %s, which the page shows", json_string_value(n));
	if (strstr(run.out, "<script"))
		fail_msg("report --format html: holds a script");
	h_run_free(&run);
	/* PDF into a file, by --format and by the file's name */
	char file[H_PATH_MAX], file2[H_PATH_MAX];
	h_env_path(&w->env, "report-out", file);
	h_cli(&w->env, &run, "report", "ucap", "nice", "--db", w->env.db, "--format", "pdf", "--output", file, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c report ucap nice --format pdf --output FILE: exit %d: %s", run.status, run.err);
	h_run_free(&run);
	char *text = check_pdf(w, file, content, "report --format pdf");
	free(text);
	h_env_path(&w->env, "summary.pdf", file2);
	h_cli(&w->env, &run, "report", "ucap", "nice", "--db", w->env.db, "--output", file2, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c report ucap nice --output summary.pdf: exit %d: %s", run.status, run.err);
	h_run_free(&run);
	text = check_pdf(w, file2, content, "report --output summary.pdf");
	free(text);
	/* an earlier revision */
	json_t *first = plan_content(w, "nice", 1);
	h_cli(&w->env, &run, "report", "ucap", "nice", "--db", w->env.db, "--format", "md", "--revision", "1", (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c report ucap nice --revision 1: exit %d: %s", run.status, run.err);
	check_markdown(run.out, first, "report --revision 1");
	h_run_free(&run);
	/* mistakes: exit status not 0, and a message */
	const char *const bad[][8] = {
		{"report", "ucap", "atlantis", "--db", w->env.db, "--format", "md", NULL},
		{"report", "ucap", "nice", "--db", w->env.db, "--format", "docx", NULL},
		{"report", "ucap", "nice", "--db", w->env.db, "--revision", "99", NULL},
		{"report", "ucap", "--db", w->env.db, NULL},
	};
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		h_cli(&w->env, &run, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], bad[i][5], bad[i][6], (char *)NULL);
		if (run.status == 0 || !*run.err)
			fail_msg("c2c %s %s %s ... %s %s: exit %d (expected a failure with a message): %s", bad[i][0], bad[i][1],
				 bad[i][2], bad[i][5] ? bad[i][5] : "", bad[i][6] ? bad[i][6] : "", run.status, run.err);
		h_run_free(&run);
	}
	json_decref(first), json_decref(names), json_decref(doc);
}

/* =================================================================================== */
/* 7. The audit log and the export                                                     */
/* =================================================================================== */

static void test_audit_command(void **state)
{
	struct world *w = *state;
	char *etag;
	json_t *doc = plan_doc(w, "nice", &etag);
	long long rev = num(doc, "revision");
	json_t *new = with(json_object_get(doc, "content"), "key_focus", json_string("Audited marmalade."));
	struct h_resp r;
	put_plan(w, &r, "nice", new, "for the audit log", etag, bearer(w, ADMIN));
	expect_status(&r, 200, "PUT");
	h_resp_free(&r);
	/* the sections the diff says changed */
	char *dpath = h_strf("/api/v1/plans/nice/diff?from=%lld&to=%lld", rev, rev + 1);
	json_t *diff = get_json(w, dpath, 200, NULL), *changed = json_array(), *s;
	size_t i;
	json_array_foreach(json_object_get(diff, "sections"), i, s)
		if (json_is_true(json_object_get(s, "changed")))
			json_array_append(changed, json_object_get(s, "section"));
	/* --json */
	json_t *rows = w_audit_rows(w, "plan/nice"), *row = json_array_get(rows, 0);
	json_t *ch = json_object_get(row, "changes");
	json_t *rb = json_object_get(json_object_get(ch, "revision"), "before"), *ra = json_object_get(json_object_get(ch, "revision"), "after");
	if (!row || strcmp(str(row, "entity"), "plan") != 0 || strcmp(str(row, "record"), "nice") != 0 ||
	    strcmp(str(row, "action"), "update") != 0 || strcmp(str(row, "actor"), "ada") != 0 || strcmp(str(row, "via"), "api") != 0 ||
	    json_integer_value(rb) != rev || json_integer_value(ra) != rev + 1 ||
	    !str(json_object_get(ch, "message"), "after") || strcmp(str(json_object_get(ch, "message"), "after"), "for the audit log") != 0 ||
	    !json_equal(json_object_get(json_object_get(ch, "sections"), "after"), changed))
		fail_msg("c2c audit --record plan/nice --json: the newest row should be plan nice, update, ada, api, revision "
			 "%lld -> %lld, the message, sections %s: %s", rev, rev + 1, w_dump(changed), w_dump(row));
	/* every row of plan/nice is of it */
	json_array_foreach(rows, i, row)
		if (strcmp(str(row, "entity"), "plan") != 0 || strcmp(str(row, "record"), "nice") != 0)
			fail_msg("c2c audit --record plan/nice lists %s/%s", str(row, "entity"), str(row, "record"));
	json_decref(rows);
	/* the text */
	struct h_run run;
	h_cli(&w->env, &run, "audit", "--db", w->env.db, "--record", "plan/nice", (char *)NULL);
	char *line = h_strf(" ada api update plan/nice: ");
	char *revtext = h_strf("revision %lld -> %lld", rev, rev + 1);
	if (run.status != 0 || !strstr(run.out, line) || !strstr(run.out, revtext) || !strstr(run.out, "for the audit log"))
		fail_msg("c2c audit --record plan/nice: exit %d; expected a line with \"%s\" and \"%s\": %.600s", run.status, line,
			 revtext, run.out);
	h_run_free(&run);
	/* other filters */
	h_cli(&w->env, &run, "audit", "--db", w->env.db, "--record", "plan/haikou", (char *)NULL);
	if (run.status != 0 || strstr(run.out, "for the audit log"))
		fail_msg("c2c audit --record plan/haikou shows nice's change");
	h_run_free(&run);
	h_cli(&w->env, &run, "audit", "--db", w->env.db, "--actor", "ada", (char *)NULL);
	if (run.status != 0 || !strstr(run.out, line))
		fail_msg("c2c audit --actor ada does not show ada's change of the plan");
	h_run_free(&run);
	free(line), free(revtext), free(dpath), free(etag);
	json_decref(changed), json_decref(diff), json_decref(new), json_decref(doc);
}

/* c2c export json as text (free it). */
static char *export_of(struct world *w, const char *db)
{
	struct h_run run;
	h_cli(&w->env, &run, "export", "json", "--db", db, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c export json --db %s: exit %d: %s", db, run.status, run.err);
	char *out = h_strf("%s", run.out);
	h_run_free(&run);
	return out;
}

static char *query_one(struct world *w, const struct testdb *db, const char *sql)
{
	struct h_run run;
	if (h_query(&w->env, db, sql, &run))
		fail_msg("%s: exit %d: %s", sql, run.status, run.err);
	char *out = h_strf("%.*s", (int)strcspn(run.out, "\n"), run.out);
	h_run_free(&run);
	return out;
}

static void test_export_import(void **state)
{
	struct world *w = *state;
	/* a change first, so that the export is not just the demo */
	char *etag;
	json_t *doc = plan_doc(w, "nice", &etag);
	json_t *new = with(json_object_get(doc, "content"), "contact", json_string("Write to the metropolis: 海口 and 尼斯 welcome you."));
	struct h_resp r;
	put_plan(w, &r, "nice", new, "before the export", etag, bearer(w, ADMIN));
	expect_status(&r, 200, "PUT");
	h_resp_free(&r);
	char *exported = export_of(w, w->env.db);
	json_t *ex = json_loads(exported, 0, NULL), *plans = json_object_get(ex, "plans");
	json_t *demo = demo_plans(), *want = json_array(), *got = json_array(), *p;
	size_t i;
	json_array_foreach(demo, i, p)
		json_array_append(want, json_object_get(p, "slug"));
	json_array_foreach(plans, i, p) {
		json_array_append(got, json_object_get(p, "slug"));
		json_t *revs = json_object_get(p, "revisions"), *last = json_array_get(revs, json_array_size(revs) - 1);
		json_t *now = plan_doc(w, str(p, "slug"), NULL);
		if (!now || !json_equal(json_object_get(last, "content"), json_object_get(now, "content")))
			fail_msg("the export of plan %s should end with its current content", str(p, "slug"));
		json_decref(now);
	}
	char *ws = sorted_join(want), *gs = sorted_join(got);
	if (strcmp(ws, gs) != 0)
		fail_msg("the export holds the plans [%s], expected [%s]", gs, ws);

	/* into a fresh database: the same export, byte for byte */
	char file[H_PATH_MAX];
	h_write_file(&w->env, "export.json", exported);
	h_env_path(&w->env, "export.json", file);
	const struct testdb *fresh = h_env_new_db(&w->env);
	if (!fresh)
		fail_msg("no second database");
	struct h_run run;
	h_cli(&w->env, &run, "init", "--db", fresh->target, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c init of a fresh database: exit %d: %s", run.status, run.err);
	h_run_free(&run);
	h_cli(&w->env, &run, "import", "json", "--db", fresh->target, file, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c import json: exit %d: %s", run.status, run.err);
	h_run_free(&run);
	char *again = export_of(w, fresh->target);
	if (strcmp(again, exported) != 0) {
		size_t k = 0;
		while (again[k] && again[k] == exported[k])
			k++;
		fail_msg("the export of the imported database differs at byte %zu:\n%.300s\n---\n%.300s", k,
			 exported + (k > 100 ? k - 100 : 0), again + (k > 100 ? k - 100 : 0));
	}
	char *revisions = query_one(w, fresh, "SELECT count(*) FROM plan_revisions");
	char *plans_n = query_one(w, fresh, "SELECT count(*) FROM plans");
	long nplans = strtol(plans_n, NULL, 10), nrevisions = strtol(revisions, NULL, 10);
	if (nplans != (long)json_array_size(plans) || nrevisions < nplans)
		fail_msg("after the import: %s plans, %s revisions; expected %zu plans", plans_n, revisions, json_array_size(plans));
	h_cli(&w->env, &run, "audit", "--db", fresh->target, "--json", "--limit", "10000", (char *)NULL);
	char *audit = h_strf("%s", run.out);
	h_run_free(&run);
	/* the same file again: nothing new */
	h_cli(&w->env, &run, "import", "json", "--db", fresh->target, file, (char *)NULL);
	if (run.status != 0)
		fail_msg("c2c import json, the second time: exit %d: %s", run.status, run.err);
	h_run_free(&run);
	char *revisions2 = query_one(w, fresh, "SELECT count(*) FROM plan_revisions");
	if (strcmp(revisions, revisions2) != 0)
		fail_msg("importing the same file twice: %s revisions, then %s", revisions, revisions2);
	h_cli(&w->env, &run, "audit", "--db", fresh->target, "--json", "--limit", "10000", (char *)NULL);
	if (strcmp(audit, run.out) != 0)
		fail_msg("importing the same file twice wrote to the audit log");
	h_run_free(&run);
	char *third = export_of(w, fresh->target);
	assert_string_equal(third, exported);
	free(third), free(audit), free(revisions2), free(revisions), free(plans_n), free(again), free(ws), free(gs);
	free(exported), free(etag);
	json_decref(got), json_decref(want), json_decref(demo), json_decref(ex), json_decref(new), json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_plan_and_revisions, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_diff, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_as_admin, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_invalid, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_message_on_two_lines_is_422, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_new_plan, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_new_plan_with_if_match_is_412, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_revisions_paged, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_put_stale_names_the_current_revision, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_restore_api, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_covers_the_rules, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_visitor, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_member, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_nice, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_coordinator_of_rome, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_matrix_admin, setup_with_rome, w_teardown),
		cmocka_unit_test_setup_teardown(test_csrf, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_key_focus, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_objectives, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_every_edit_link_opens_a_form, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_conflict_saved_again, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_activities_invalid, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_activities_422_keeps_sub_points, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_permissions, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_form_restore, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_markdown_and_pdf, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_pdf_names_cities_in_chinese, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_report_command, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_audit_command, w_setup, w_teardown),
		cmocka_unit_test_setup_teardown(test_export_import, w_setup, w_teardown),
	};
	if (h_global_init())
		return 1;
	h_print_backend();
	if (getenv("C2C_TEST_ONLY"))   /* e.g. C2C_TEST_ONLY='test_matrix_*' */
		cmocka_set_test_filter(getenv("C2C_TEST_ONLY"));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	h_global_cleanup();
	return failed;
}
