/* page_plan_edit.c: /plans/{slug}/edit/{part}, one form per section of a U-CAP, and
 * /plans/new.
 *
 * Each section's form is described as a small entity (field table), so that form.c draws
 * it like every other form: labels, hints, rows to add, errors beside their fields. The
 * submitted section replaces that section of the current revision and the whole content
 * is validated (plan_validate) and saved as a new revision. The form carries the revision
 * it was started from: if someone saved a newer one meanwhile, the answer is 409 with the
 * difference between their version of the section and the user's, and the form keeps the
 * user's input, so nothing is lost. The dispatcher has checked the sign-in, the role and
 * the CSRF token, and commits the write transaction only on success. */
#include "core/plan.h"
#include "core/record.h"
#include "store/plans.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "web/api.h"
#include "web/form.h"
#include "web/html.h"
#include "web/plan_write.h"
#include "web/reply.h"
#include "web/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof *(a))
#define FORM(name_, fields_) {.name = name_, .plural = "plans", .key = "title", .fields = fields_, .nfields = N(fields_)}

static const struct field city_ref[] = {{"city", FT_REF, FF_REQUIRED, 0, 0, "City", NULL, &entity_city, NULL}};
static const struct entity counterpart_row = {.name = "counterpart", .key = "city", .fields = city_ref,
					      .nfields = 1, .flags = ENT_SCALAR_ROW};
static const struct field sdg_ref[] = {{"sdg", FT_INT, FF_REQUIRED, 1, 17, "SDG", NULL, NULL, NULL}};
static const struct entity sdg_row = {.name = "sdg", .key = "sdg", .fields = sdg_ref, .nfields = 1,
				      .flags = ENT_SCALAR_ROW};
static const struct field ua_ref[] = {{"partnership", FT_REF, FF_REQUIRED, 0, 0, "Partnership", NULL, &entity_urban_agenda, NULL}};
static const struct entity ua_row = {.name = "partnership", .key = "partnership", .fields = ua_ref, .nfields = 1,
				     .flags = ENT_SCALAR_ROW};

static const struct field facts_fields[] = {
	{"title", FT_TEXT, FF_REQUIRED, 1, PLAN_TITLE_MAX, "Title of the plan", NULL, NULL, NULL},
	{"city", FT_REF, 0, 0, 0, "The plan's city", NULL, &entity_city, NULL},
	{"cooperation", FT_REF, 0, 0, 0, "Cooperation (pairing or cluster)", NULL, &entity_cooperation, NULL},
	{"counterparts", FT_LIST, 0, 0, PLAN_LIST_MAX, "Counterpart cities (slugs)", NULL, NULL, &counterpart_row},
	{"city_name", FT_TEXT, 0, 0, 200, "City's name as the plan states it", NULL, NULL, NULL},
	{"city_province", FT_TEXT, 0, 0, 200, "City's province, state, department", NULL, NULL, NULL},
	{"city_country", FT_TEXT, 0, 0, 200, "City's country", NULL, NULL, NULL},
	{"city_population", FT_TEXT, 0, 0, 40, "City's population (a number, or N/A)", NULL, NULL, NULL},
	{"city_area_km2", FT_TEXT, 0, 0, 40, "City's size in km² (a number, or N/A)", NULL, NULL, NULL},
	{"counterparts_name", FT_TEXT, 0, 0, 200, "Counterparts' names as stated", NULL, NULL, NULL},
	{"counterparts_province", FT_TEXT, 0, 0, 200, "Counterparts' provinces", NULL, NULL, NULL},
	{"counterparts_country", FT_TEXT, 0, 0, 200, "Counterparts' countries", NULL, NULL, NULL},
	{"counterparts_population", FT_TEXT, 0, 0, 40, "Counterparts' population (a number, or N/A)", NULL, NULL, NULL},
	{"counterparts_area_km2", FT_TEXT, 0, 0, 40, "Counterparts' size in km² (a number, or N/A)", NULL, NULL, NULL},
};
static const struct field period_fields[] = {
	{"start", FT_DATE, 0, 0, 0, "Start (2018, 2018-06 or 2018-06-14)", NULL, NULL, NULL},
	{"end", FT_DATE, 0, 0, 0, "End", NULL, NULL, NULL},
};
static const struct field theme_row_fields[] = {
	{"title", FT_TEXT, FF_REQUIRED, 1, 200, "Theme", NULL, NULL, NULL},
	{"text", FT_TEXT, FF_MULTILINE, 0, PLAN_TEXT_MAX, "What it covers", NULL, NULL, NULL},
};
static const struct entity theme_row = {.name = "theme", .key = "title", .fields = theme_row_fields, .nfields = 2};
static const struct field themes_fields[] = {
	{"themes", FT_LIST, 0, 0, PLAN_LIST_MAX, "Themes", NULL, NULL, &theme_row},
};
static const struct field goals_fields[] = {
	{"sdgs", FT_LIST, 0, 0, 17, "Sustainable Development Goals", NULL, NULL, &sdg_row},
	{"urban_agenda", FT_LIST, 0, 0, 40, "Urban Agenda for the EU partnerships", NULL, NULL, &ua_row},
};
static const struct field activity_row_fields[] = {
	{"date", FT_DATE, 0, 0, 0, "Date", NULL, NULL, NULL},
	{"end", FT_DATE, 0, 0, 0, "Until", NULL, NULL, NULL},
	{"text", FT_TEXT, FF_MULTILINE, 0, PLAN_TEXT_MAX, "What happened", NULL, NULL, NULL},
	{"points", FT_TEXT, FF_MULTILINE, 0, PLAN_TEXT_MAX, "Sub-points, one per line", NULL, NULL, NULL},
};
static const struct entity activity_row = {.name = "activity", .key = "date", .fields = activity_row_fields, .nfields = 4};
static const struct field activities_fields[] = {
	{"activities", FT_LIST, 0, 0, PLAN_LIST_MAX, "Activities", NULL, NULL, &activity_row},
};

static const struct entity facts_form = FORM("city and counterparts", facts_fields);
static const struct entity period_form = FORM("period", period_fields);
static const struct entity themes_form = FORM("themes", themes_fields);
static const struct entity goals_form = FORM("goals", goals_fields);
static const struct entity activities_form = FORM("activities", activities_fields);

/* A text section's form: one text area named after the section. */
struct text_form {
	struct field field;
	struct entity form;
};

static void text_form_init(struct text_form *t, const struct plan_section *s)
{
	t->field = (struct field){s->key, FT_TEXT, FF_MULTILINE, 0, PLAN_TEXT_MAX, s->title, NULL, NULL, NULL};
	t->form = (struct entity){.name = s->title, .plural = "plans", .key = s->key, .fields = &t->field, .nfields = 1};
}

static const struct entity *form_of(const struct plan_section *s, struct text_form *t)
{
	switch (s->kind) {
	case SEC_FACTS: return &facts_form;
	case SEC_PERIOD: return &period_form;
	case SEC_THEMES: return &themes_form;
	case SEC_GOALS: return &goals_form;
	case SEC_TIMELINE: return &activities_form;
	default: text_form_init(t, s); return &t->form;
	}
}

static const char *const fact_keys[] = {"name", "province", "country", "population", "area_km2", NULL};
static const char *const sides[] = {"city", "counterparts", NULL};

/* The form's values for section s of content. */
static json_t *form_values(const json_t *content, const struct plan_section *s)
{
	json_t *v = json_object();
	switch (s->kind) {
	case SEC_FACTS:
		for (const char *const *k = (const char *const[]){"title", "city", "cooperation", "counterparts", NULL}; *k; k++)
			if (json_object_get(content, *k))
				json_object_set(v, *k, json_object_get(content, *k));
		for (const char *const *side = sides; *side; side++)
			for (const char *const *k = fact_keys; *k; k++) {
				json_t *x = json_object_get(json_object_get(json_object_get(content, "facts"), *side), *k);
				char name[64];
				snprintf(name, sizeof name, "%s_%s", *side, *k);
				if (x)
					json_object_set(v, name, x);
			}
		break;
	case SEC_PERIOD:
		json_object_update(v, json_object_get(content, "period"));
		break;
	case SEC_GOALS:
		json_object_set(v, "sdgs", json_object_get(content, "sdgs"));
		json_object_set(v, "urban_agenda", json_object_get(content, "urban_agenda"));
		break;
	case SEC_TIMELINE: {
		json_t *rows = json_deep_copy(json_object_get(content, "activities"));
		size_t i, k;
		json_t *row, *p;
		json_array_foreach(rows, i, row) {   /* points: one per line in a text area */
			struct buf lines = BUF_INIT(1 << 20);
			json_array_foreach(json_object_get(row, "points"), k, p)
				buf_printf(&lines, "%s%s", k ? "\n" : "", json_string_value(p));
			json_object_set_new(row, "points", json_string(buf_str(&lines)));
			buf_free(&lines);
		}
		json_object_set_new(v, "activities", rows ? rows : json_array());
		break;
	}
	default:
		if (json_object_get(content, s->key))
			json_object_set(v, s->key, json_object_get(content, s->key));
	}
	return v;
}

/* A stated number as the plan keeps it: a number when it reads as one, else the text. */
static json_t *stated_value(const char *key, json_t *v)
{
	long long n;
	double d;
	const char *t = json_string_value(v);
	if (t && strcmp(key, "population") == 0 && parse_int(t, 0, 1LL << 53, &n) == 0)
		return json_integer(n);
	if (t && strcmp(key, "area_km2") == 0 && parse_real(t, 0, 1e15, &d) == 0)
		return json_real(d);
	return json_incref(v);
}

static json_t *facts_of(const json_t *values)
{
	json_t *facts = json_object();
	for (const char *const *side = sides; *side; side++) {
		json_t *obj = json_object();
		for (const char *const *k = fact_keys; *k; k++) {
			char name[64];
			snprintf(name, sizeof name, "%s_%s", *side, *k);
			json_t *x = json_object_get(values, name);
			if (json_is_string(x))
				json_object_set_new(obj, *k, stated_value(*k, x));
		}
		json_object_set_new(facts, *side, obj);
	}
	return facts;
}

/* Splits the points text area of each activity row into a list, one point per line. */
static void split_points(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *list = json_array();
		const char *p = json_string_value(json_object_get(row, "points"));
		while (p && *p) {
			size_t len = strcspn(p, "\r\n");
			char *line = xstrndup(p, len);
			char *t = str_trim(line);
			if (t[0] == '-' && t[1] == ' ')
				t = str_trim(t + 2);
			if (*t)
				json_array_append_new(list, json_string(t));
			free(line);
			p += len;
			p += strspn(p, "\r\n");
		}
		json_object_set_new(row, "points", list);
	}
}

/* The content keys section s owns. */
static const char *const *owned_keys(const struct plan_section *s)
{
	static const char *const facts[] = {"title", "city", "cooperation", "counterparts", "facts", NULL};
	static const char *const period[] = {"period", NULL}, *const themes[] = {"themes", NULL};
	static const char *const goals[] = {"sdgs", "urban_agenda", NULL}, *const acts[] = {"activities", NULL};
	switch (s->kind) {
	case SEC_FACTS: return facts;
	case SEC_PERIOD: return period;
	case SEC_THEMES: return themes;
	case SEC_GOALS: return goals;
	case SEC_TIMELINE: return acts;
	default: return NULL;
	}
}

/* content with section s replaced by the submitted form values (a new object). Nulls are
 * left out; plan_validate drops what is empty. */
static json_t *apply_section(const json_t *content, const struct plan_section *s, const json_t *values)
{
	json_t *out = content ? json_deep_copy(content) : json_object();
	const char *const text_key[] = {s->key, NULL};
	const char *const *keys = owned_keys(s) ? owned_keys(s) : text_key;
	for (const char *const *k = keys; *k; k++)
		json_object_del(out, *k);
	json_t *part = json_object();
	if (s->kind == SEC_FACTS) {
		for (const char *const *k = keys; *k && strcmp(*k, "facts") != 0; k++)
			json_object_set(part, *k, json_object_get(values, *k));
		json_object_set_new(part, "facts", facts_of(values));
	} else if (s->kind == SEC_PERIOD) {
		json_object_set_new(part, "period", json_pack("{s:O?, s:O?}", "start", json_object_get(values, "start"),
							      "end", json_object_get(values, "end")));
	} else {
		/* copies, not references: split_points() changes the rows, and the values must
		 * stay as the user typed them for a form shown again (422, 409) */
		for (const char *const *k = keys; *k; k++)
			json_object_set_new(part, *k, json_deep_copy(json_object_get(values, *k)));
		if (s->kind == SEC_TIMELINE)
			split_points(json_object_get(part, "activities"));
	}
	const char *k;
	json_t *v;
	json_object_foreach(part, k, v)
		if (v && !json_is_null(v))
			json_object_set(out, k, v);
	json_decref(part);
	return out;
}

/* "activities[3].points[1]" -> "activities.3.points"; "facts.city.population" ->
 * "city_population"; "period.start" -> "start": from plan_validate's names to the
 * form's, so that each error appears beside its control. */
static void form_path(const char *in, char *out, size_t size)
{
	size_t n = 0;
	if (strncmp(in, "facts.", 6) == 0) {
		for (in += 6; *in && n + 1 < size; in++)
			out[n++] = *in == '.' ? '_' : *in;
		out[n] = '\0';
		return;
	}
	if (strncmp(in, "period.", 7) == 0)
		in += 7;
	for (; *in && n + 1 < size; in++)
		if (*in != ']')
			out[n++] = *in == '[' ? '.' : *in;
	out[n] = '\0';
	char *points = strstr(out, ".points");
	if (points)
		points[7] = '\0';
	if (strncmp(out, "counterparts.", 13) == 0 || strncmp(out, "sdgs.", 5) == 0 || strncmp(out, "urban_agenda.", 13) == 0)
		*strchr(out, '.') = '\0';
}

static void translate_errors(struct errors *errs)
{
	for (int i = 0; i < errs->n; i++) {
		char path[sizeof errs->e[i].field];
		form_path(errs->e[i].field, path, sizeof path);
		memcpy(errs->e[i].field, path, sizeof path);
	}
}

/* The difference between their version of a section and the user's, words marked. */
static void conflict_panel(struct buf *b, const struct plan_section *s, const json_t *theirs, const json_t *mine,
			   const json_t *current)
{
	html_printf(b, "<div class=\"conflict\" role=\"alert\"><h2>Someone saved a newer revision while you were editing</h2>"
		    "<p>Your changes are not saved yet. Revision %lld by %s is now current. Below, "
		    "<del>struck-out words</del> are theirs and <ins>underlined words</ins> are yours; the form keeps "
		    "<strong>your</strong> version. Save again to make yours current, or adjust first.</p>\n",
		    (long long)json_integer_value(json_object_get(current, "revision")),
		    json_string_value(json_object_get(current, "author")));
	json_t *diff = plan_diff(theirs, mine);
	size_t i;
	json_t *d;
	json_array_foreach(diff, i, d) {
		if (strcmp(json_string_value(json_object_get(d, "section")), s->key) != 0)
			continue;
		html_printf(b, "<div class=\"diff\">");   /* pre-wrap: nested points stay indented */
		plan_diff_html(b, d);
		html_printf(b, "</div>\n");
	}
	json_decref(diff);
	html_printf(b, "</div>\n");
}

struct edit_state {
	const json_t *doc;            /* the current revision, or NULL for a new plan */
	const struct plan_section *s;
	const json_t *values;         /* the form's values */
	const struct errors *errs;
	int base;                     /* the revision the user started from */
	const char *message;
};

static int edit_page(struct req *r, const struct edit_state *st, const json_t *mine, int status)
{
	struct text_form tf;
	const struct entity *form = form_of(st->s, &tf);
	const char *title = st->doc ? json_string_value(json_object_get(json_object_get(st->doc, "content"), "title")) : NULL;
	char heading[400];
	snprintf(heading, sizeof heading, st->doc ? "%s — %s" : "New action plan%.0s", st->s->title, title ? title : "");
	html_page_begin(r, heading, "plans");
	struct buf *b = &r->body;
	if (st->doc)
		html_printf(b, "<p class=\"breadcrumb\"><a href=\"/plans/%u\">%s</a></p>\n", r->slug, title ? title : r->slug);
	html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", st->doc ? st->s->title : "New action plan", st->s->hint);
	if (st->errs && st->errs->n) {
		html_printf(b, "<div class=\"error-summary\" role=\"alert\"><h2>The plan was not saved</h2><ul>");
		for (int i = 0; i < st->errs->n; i++)
			html_printf(b, "<li>%s</li>", st->errs->e[i].message);
		html_printf(b, "</ul></div>\n");
	}
	if (mine)
		conflict_panel(b, st->s, json_object_get(st->doc, "content"), mine, st->doc);
	if (st->doc)
		html_printf(b, "<form class=\"edit\" method=\"post\" action=\"/plans/%u/edit/%u\">", r->slug, st->s->key);
	else
		html_printf(b, "<form class=\"edit\" method=\"post\" action=\"/plans/new\">");
	/* After a conflict the form is based on the revision now current, whose changes the
	 * user has been shown: sending it again makes the user's version current. */
	int base = mine ? (int)json_integer_value(json_object_get(st->doc, "revision")) : st->base;
	html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"base\" value=\"%d\">",
		    r->session.csrf, base);
	if (!st->doc)
		html_printf(b, "<div class=\"field\"><label for=\"f-slug\">Address of the plan <span class=\"required\">"
			    "(required)</span></label><input id=\"f-slug\" name=\"slug\" type=\"text\" value=\"%s\">"
			    "<p class=\"hint\">Lower-case words joined by -, e.g. the city's slug: /plans/nice</p></div>\n",
			    r->slug ? r->slug : "");
	form_fields(r, form, st->values, st->errs, 0);
	html_printf(b, "<div class=\"field field-wide\"><label for=\"f-message\">What changed (for the list of revisions)"
		    "</label><input id=\"f-message\" name=\"message\" type=\"text\" maxlength=\"%d\" value=\"%s\"></div>\n",
		    PLAN_MESSAGE_MAX, st->message ? st->message : "");
	html_printf(b, "<div class=\"actions\"><button type=\"submit\">Save as a new revision</button> ");
	if (st->doc)
		html_printf(b, "<a href=\"/plans/%u#%u\">Cancel</a>", r->slug, st->s->key);
	else
		html_printf(b, "<a href=\"/plans\">Cancel</a>");
	html_printf(b, "</div></form>\n");
	r->no_etag = 1;
	return html_page_end(r, status);
}

/* The current revision of the URL's plan and the section of {part}, after checking that
 * the user may edit it; NULL after replying. */
static json_t *editable(struct req *r, const struct plan_section **s)
{
	*s = plan_section_by_key(r->part);
	json_t *doc = NULL;
	int rc = *s ? store_plan_get(r->db, r->slug, 0, &doc) : STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND) {
		reply_error(r, 404, "not_found", NULL, *s ? "there is no plan %s" : "a plan has no section %s",
			    *s ? r->slug : r->part);
		return NULL;
	}
	if (rc) {
		reply_store_error(r, rc);
		return NULL;
	}
	if (!plan_may(r, ACT_UPDATE, json_object_get(doc, "content"))) {
		json_decref(doc);
		reply_error(r, 403, "forbidden", NULL, "your account may not change this plan");
		return NULL;
	}
	return doc;
}

int page_plan_edit_form(struct req *r)
{
	const struct plan_section *s;
	json_t *doc = editable(r, &s);
	if (!doc)
		return r->status;
	json_t *values = form_values(json_object_get(doc, "content"), s);
	struct edit_state st = {doc, s, values, NULL, (int)json_integer_value(json_object_get(doc, "revision")), NULL};
	int status = edit_page(r, &st, NULL, 200);
	json_decref(values);
	json_decref(doc);
	return status;
}

/* Saves content; answers with the form again on failure, or a redirect to the plan. */
static int save(struct req *r, struct edit_state *st, const char *slug, json_t *content)
{
	struct errors errs;
	errors_init(&errs);
	struct plan_saved saved;
	const char *message = st->message && *st->message ? st->message
			      : st->doc ? "edited through the web" : "created through the web";
	plan_message_check(message, &errs);
	int status = errs.n ? 422 : plan_write(r, slug, content, json_object_get(st->doc, "content"), message,
						    st->base, &saved, &errs);
	if (status == 412)
		return edit_page(r, st, content, 409);
	if (status == 403 && !errs.n)
		errors_add(&errs, "", "forbidden", "your account may not save this plan: it must stay a plan of one of your cities");
	if (status == 403 || status == 409 || status == 422) {
		translate_errors(&errs);
		st->errs = &errs;
		return edit_page(r, st, NULL, status);
	}
	if (status)
		return reply_store_error(r, status == 503 ? STORE_UNAVAILABLE : STORE_ERROR);
	char location[200];
	snprintf(location, sizeof location, "/plans/%s#%s", slug, st->s->key);
	return reply_redirect(r, 303, location);
}

int page_plan_edit_submit(struct req *r)
{
	const struct plan_section *s;
	json_t *doc = editable(r, &s);
	if (!doc)
		return r->status;
	struct text_form tf;
	json_t *values = form_to_json(form_of(s, &tf), r->form, (size_t)r->nform);
	long long base = -1;
	const char *base_text = req_form(r, "base");
	if (!base_text || parse_int(base_text, 1, 1000000000, &base))
		base = 0;   /* a form without its revision cannot prove it saw the current one */
	struct edit_state st = {doc, s, values, NULL, (int)base, req_form(r, "message")};
	json_t *content = apply_section(json_object_get(doc, "content"), s, values);
	int status = base == json_integer_value(json_object_get(doc, "revision"))
		     ? save(r, &st, r->slug, content) : edit_page(r, &st, content, 409);
	json_decref(content);
	json_decref(values);
	json_decref(doc);
	return status;
}

int page_plan_new_form(struct req *r)
{
	json_t *values = json_object();
	struct edit_state st = {NULL, &plan_sections[0], values, NULL, 0, NULL};
	int status = edit_page(r, &st, NULL, 200);
	json_decref(values);
	return status;
}

int page_plan_new_submit(struct req *r)
{
	struct text_form tf;
	const struct plan_section *s = &plan_sections[0];
	json_t *values = form_to_json(form_of(s, &tf), r->form, (size_t)r->nform);
	struct edit_state st = {NULL, s, values, NULL, 0, req_form(r, "message")};
	const char *slug = req_form(r, "slug");
	struct errors errs;
	errors_init(&errs);
	json_t *exists = NULL;
	int status;
	if (!slug || !is_slug(slug))
		errors_add(&errs, "slug", "invalid_field", "the address must be lower-case words joined by -, such as nice-ucap");
	else if (store_plan_get(r->db, slug, 0, &exists) == STORE_OK)
		errors_add(&errs, "slug", "exists", "there is a plan at /plans/%s already", slug);
	json_decref(exists);
	r->slug = slug && is_slug(slug) ? slug : NULL;
	if (errs.n) {
		st.errs = &errs;
		status = edit_page(r, &st, NULL, errs.e[0].code[0] == 'e' ? 409 : 422);
	} else {
		json_t *content = apply_section(NULL, s, values);
		status = save(r, &st, slug, content);
		json_decref(content);
	}
	json_decref(values);
	return status;
}
