/* plan.c: the U-CAP's section table, the plan entity, and validation of a revision's
 * content (plan.h describes the content). Rendering a section as text is in plan_text.c.
 *
 * The content is not a flat record, so record.c cannot check it; instead each key of
 * each object the content may hold is listed below with the function that checks and
 * normalises its value. Objects (the content, facts, a side of the facts, the period, a
 * theme, an activity) are all checked by check_object() from such a list, which is what
 * gives the normalised content its fixed key order. */
#include "core/plan.h"
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof *(a))
#define PATH_MAX_LEN 96   /* as struct field_error's field */

const struct plan_section plan_sections[] = {
	{"facts", "City and counterparts", SEC_FACTS,
	 "The city, its counterparts, and the facts the plan states about them where they differ from the city records."},
	{"period", "Period of cooperation", SEC_PERIOD,
	 "When the cooperation starts and ends, as a year, a month or a day."},
	{"themes", "Cooperation themes", SEC_THEMES,
	 "The themes the cities work on together, each a short title with a sentence or two."},
	{"goals", "Related SDGs and Urban Agenda topics", SEC_GOALS,
	 "The Sustainable Development Goals and EU Urban Agenda partnerships the cooperation serves."},
	{"key_focus", "Key focus of cooperation themes", SEC_TEXT,
	 "What the cooperation concentrates on within its themes."},
	{"key_challenges", "Key challenges", SEC_TEXT,
	 "The problems the cities face that the cooperation addresses."},
	{"objectives", "Main objectives", SEC_TEXT,
	 "What the cities want to achieve together, as paragraphs or a bulleted list."},
	{"activities", "Activities and key outputs", SEC_TIMELINE,
	 "What was done and when: one entry per visit, meeting or output, with its date and any sub-points."},
	{"results", "Expected results and benefits", SEC_TEXT,
	 "What each city expects to gain, as a numbered or bulleted list."},
	{"contact", "Contact for further information", SEC_TEXT,
	 "Who to write to about the cooperation: a name, a role and an address."},
	{"unplaced", "Text not placed by the importer", SEC_TEXT,
	 "Text the importer found but could not place; move it to its section and delete it here."},
	{NULL, NULL, SEC_TEXT, NULL},
};

const struct plan_section *plan_section_by_key(const char *key)
{
	for (const struct plan_section *s = plan_sections; key && s->key; s++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}

static const struct field plan_fields[] = {
	{"slug", FT_SLUG, FF_REQUIRED, 1, SLUG_MAX, "Slug", NULL, NULL, NULL},
	{"title", FT_TEXT, 0, 0, PLAN_TITLE_MAX, "Title", NULL, NULL, NULL},
	{"city", FT_REF, 0, 0, 0, "City", NULL, &entity_city, NULL},
	{"cooperation", FT_REF, 0, 0, 0, "Cooperation", NULL, &entity_cooperation, NULL},
};

/* The list's filters (store/plans.c runs them; the SQL here documents the condition). */
#define PLAN_OF_CITY "r.id IN (SELECT pc.plan_id FROM plan_cities pc JOIN cities x ON x.id = pc.city_id WHERE x.slug = ?)"
static const struct filter plan_filters[] = {
	{"city", FT_SLUG, FILTER_EQ, 1, SLUG_MAX, NULL, PLAN_OF_CITY, "City (its own plan or as a counterpart)"},
	{"cooperation", FT_SLUG, FILTER_EQ, 1, SLUG_MAX, NULL, "k.slug = ?", "Cooperation"},
	{NULL, FT_TEXT, FILTER_EQ, 0, 0, NULL, NULL, NULL},
};

const struct entity entity_plan = {
	.filters = plan_filters,
	.name = "plan",
	.plural = "plans",
	.table = "plans",
	.key = "slug",
	.fields = plan_fields,
	.nfields = N(plan_fields),
	.order = "slug",
};

/* ---- checking values ----
 *
 * A checker returns a new normalised value, json_null() when the value is empty (the
 * caller then drops it), or NULL after adding an error naming `path`. */
typedef json_t *(*checker)(json_t *in, const char *path, struct errors *errs);

struct key_rule {
	const char *name;
	checker check;
};

/* "facts" + "city" -> "facts.city"; "" + "title" -> "title". */
static void join_path(char out[PATH_MAX_LEN], const char *prefix, const char *key)
{
	snprintf(out, PATH_MAX_LEN, "%s%s%s", prefix, *prefix ? "." : "", key);
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n\f\v", *s))
			return 0;
	return 1;
}

/* Line breaks as "\n" only: browsers send "\r\n" from text areas, and the same text
 * must compare equal whichever way it came in. */
static void unify_newlines(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		if (*r == '\r') {
			*w++ = '\n';
			if (r[1] == '\n')
				r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Text: a JSON string of valid UTF-8 without controls (nor NUL inside), trimmed, with
 * unified line breaks, at most max characters; one line unless multiline. */
static json_t *check_text(json_t *in, const char *path, size_t max, int multiline, struct errors *errs)
{
	const char *s = json_string_value(in);
	if (!s) {
		errors_add(errs, path, "invalid_field", "%s must be text", path);
		return NULL;
	}
	size_t n = json_string_length(in);
	if (strlen(s) != n || !utf8_valid(s, n) || utf8_has_control(s)) {
		errors_add(errs, path, "invalid_field", "%s contains control characters or invalid UTF-8", path);
		return NULL;
	}
	char *copy = xstrdup(s);
	unify_newlines(copy);
	char *t = str_trim(copy);
	json_t *v = NULL;
	size_t chars = utf8_chars(t);
	if (!*t)
		v = json_null();
	else if (!multiline && strchr(t, '\n'))
		errors_add(errs, path, "invalid_field", "%s must be on one line", path);
	else if (chars > max)
		errors_add(errs, path, "too_long", "%s must be at most %zu characters (it has %zu)", path, max, chars);
	else
		v = json_string(t);
	free(copy);
	return v;
}

/* A one-line text: titles, names, provinces, countries, Urban Agenda partnerships. */
static json_t *check_line(json_t *in, const char *path, struct errors *errs)
{
	return check_text(in, path, PLAN_TITLE_MAX, 0, errs);
}

static json_t *check_markdown(json_t *in, const char *path, struct errors *errs)
{
	return check_text(in, path, PLAN_TEXT_MAX, 1, errs);
}

static json_t *check_slug(json_t *in, const char *path, struct errors *errs)
{
	const char *s = json_string_value(in);
	if (s && is_blank(s))
		return json_null();
	if (!s || !is_slug(s)) {
		errors_add(errs, path, "invalid_field",
			   "%s must be a slug: lower-case letters, digits and single hyphens, at most %d characters",
			   path, SLUG_MAX);
		return NULL;
	}
	return json_string(s);
}

static json_t *check_date(json_t *in, const char *path, struct errors *errs)
{
	const char *s = json_string_value(in);
	struct pdate d;
	if (s && is_blank(s))
		return json_null();
	if (!s || pdate_parse_iso(s, &d)) {
		errors_add(errs, path, "invalid_field", "%s must be a date written as YYYY, YYYY-MM or YYYY-MM-DD", path);
		return NULL;
	}
	return json_string(s);
}

/* A number within [0, max], whole when asked, or the string "N/A" (any case): a
 * document may say that a value is not available, which is not the same as silent. */
static json_t *check_quantity(json_t *in, const char *path, double max, int whole, struct errors *errs)
{
	const char *s = json_string_value(in);
	if (s) {
		char *copy = xstrdup(s);
		int na = strcasecmp(str_trim(copy), "N/A") == 0, blank = is_blank(s);
		free(copy);
		if (na || blank)
			return na ? json_string("N/A") : json_null();
	} else if (json_is_number(in)) {
		double d = json_number_value(in);
		if (isfinite(d) && d >= 0 && d <= max && (!whole || d == floor(d)))
			return whole ? json_integer((json_int_t)d) : json_real(d);
	}
	errors_add(errs, path, "invalid_field", "%s must be %s between 0 and %.0f, or \"N/A\"", path,
		   whole ? "a whole number" : "a number", max);
	return NULL;
}

static json_t *check_population(json_t *in, const char *path, struct errors *errs)
{
	return check_quantity(in, path, 100000000, 1, errs);
}

static json_t *check_area(json_t *in, const char *path, struct errors *errs)
{
	return check_quantity(in, path, 1000000, 0, errs);
}

static json_t *check_sdg(json_t *in, const char *path, struct errors *errs)
{
	double d = json_is_number(in) ? json_number_value(in) : NAN;
	if (!(d >= 1 && d <= 17 && d == floor(d))) {
		errors_add(errs, path, "invalid_field", "%s must be the number of a Sustainable Development Goal, 1 to 17", path);
		return NULL;
	}
	return json_integer((json_int_t)d);
}

/* ---- objects and lists ---- */

/* Checks an object against its rules: unknown keys are refused, each known key is
 * checked, empty values dropped. Returns the new object in rule order, json_null() when
 * nothing is left, or NULL after adding errors. */
static json_t *check_object(json_t *in, const char *path, const struct key_rule *rules, size_t n,
			    struct errors *errs)
{
	if (json_is_null(in))
		return json_null();
	if (!json_is_object(in)) {
		errors_add(errs, path, "invalid_field", "%s must be an object", path);
		return NULL;
	}
	int bad = 0;
	const char *key;
	json_t *value;
	json_object_foreach(in, key, value) {
		size_t i = 0;
		while (i < n && strcmp(rules[i].name, key) != 0)
			i++;
		if (i == n) {
			char kpath[PATH_MAX_LEN];
			join_path(kpath, path, key);
			errors_add(errs, kpath, "unknown_field", "%s is not a field of %s", kpath, *path ? path : "a plan");
			bad = 1;
		}
	}
	json_t *out = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *in_value = json_object_get(in, rules[i].name);
		if (!in_value || json_is_null(in_value))
			continue;
		char kpath[PATH_MAX_LEN];
		join_path(kpath, path, rules[i].name);
		json_t *v = rules[i].check(in_value, kpath, errs);
		if (!v)
			bad = 1;
		else if (json_is_null(v))
			json_decref(v);
		else
			json_object_set_new(out, rules[i].name, v);
	}
	if (bad || json_object_size(out) == 0) {
		json_decref(out);
		return bad ? NULL : json_null();
	}
	return out;
}

/* Checks a list of at most PLAN_LIST_MAX items with `item`; empty items are dropped,
 * and with `unique` an item equal to an earlier one is refused. Returns the new array,
 * json_null() when nothing is left, or NULL after adding errors. */
static json_t *check_list(json_t *in, const char *path, checker item, int unique, struct errors *errs)
{
	if (!json_is_array(in)) {
		errors_add(errs, path, "invalid_field", "%s must be a list", path);
		return NULL;
	}
	if (json_array_size(in) > PLAN_LIST_MAX) {
		errors_add(errs, path, "too_long", "%s must have at most %d items", path, PLAN_LIST_MAX);
		return NULL;
	}
	json_t *out = json_array();
	int bad = 0;
	size_t i;
	json_t *value;
	json_array_foreach(in, i, value) {
		char ipath[PATH_MAX_LEN];
		snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
		json_t *v = json_is_null(value) ? json_null() : item(value, ipath, errs);
		for (size_t k = 0; unique && v && !json_is_null(v) && k < json_array_size(out); k++) {
			if (json_equal(json_array_get(out, k), v)) {
				errors_add(errs, ipath, "duplicate_item", "%s repeats an earlier item", ipath);
				json_decref(v);
				v = NULL;
			}
		}
		if (!v)
			bad = 1;
		else if (json_is_null(v))
			json_decref(v);
		else
			json_array_append_new(out, v);
	}
	if (bad || json_array_size(out) == 0) {
		json_decref(out);
		return bad ? NULL : json_null();
	}
	return out;
}

/* A partial date as its earliest or latest day, comparable as year*10000+month*100+day:
 * "2018" starts on 2018-01-01 and ends after 2018-12-31. */
static long date_bound(const char *iso, int latest)
{
	struct pdate d;
	if (!iso || pdate_parse_iso(iso, &d))
		return 0;
	int month = d.month ? d.month : latest ? 12 : 1;
	int day = d.day ? d.day : latest ? 31 : 1;
	return (long)d.year * 10000 + month * 100 + day;
}

/* Adds an error when the range [from, to] ends before it starts; returns 1 then. */
static int check_range(json_t *obj, const char *from, const char *to, const char *path,
		       struct errors *errs)
{
	const char *a = json_string_value(json_object_get(obj, from));
	const char *b = json_string_value(json_object_get(obj, to));
	if (!a || !b || date_bound(b, 1) >= date_bound(a, 0))
		return 0;
	char tpath[PATH_MAX_LEN], fpath[PATH_MAX_LEN];
	join_path(tpath, path, to);
	join_path(fpath, path, from);
	errors_add(errs, tpath, "invalid_field", "%s must not be before %s", tpath, fpath);
	return 1;
}

/* ---- the content's objects ---- */

static const struct key_rule side_rules[] = {
	{"name", check_line}, {"province", check_line}, {"country", check_line},
	{"population", check_population}, {"area_km2", check_area},
};

static json_t *check_side(json_t *in, const char *path, struct errors *errs)
{
	return check_object(in, path, side_rules, N(side_rules), errs);
}

static const struct key_rule facts_rules[] = {
	{"city", check_side}, {"counterparts", check_side},
};

static json_t *check_facts(json_t *in, const char *path, struct errors *errs)
{
	return check_object(in, path, facts_rules, N(facts_rules), errs);
}

static const struct key_rule period_rules[] = {
	{"start", check_date}, {"end", check_date},
};

static json_t *check_period(json_t *in, const char *path, struct errors *errs)
{
	json_t *v = check_object(in, path, period_rules, N(period_rules), errs);
	if (v && check_range(v, "start", "end", path, errs)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static const struct key_rule theme_rules[] = {
	{"title", check_line}, {"text", check_markdown},
};

static json_t *check_theme(json_t *in, const char *path, struct errors *errs)
{
	return check_object(in, path, theme_rules, N(theme_rules), errs);
}

static json_t *check_points(json_t *in, const char *path, struct errors *errs)
{
	return check_list(in, path, check_markdown, 0, errs);
}

static const struct key_rule activity_rules[] = {
	{"date", check_date}, {"end", check_date}, {"text", check_markdown}, {"points", check_points},
};

/* An activity's end makes its date a range, so it needs a date and may not precede it;
 * an end equal to the date says nothing more and is dropped. */
static json_t *check_activity(json_t *in, const char *path, struct errors *errs)
{
	json_t *v = check_object(in, path, activity_rules, N(activity_rules), errs);
	if (!v || json_is_null(v))
		return v;
	json_t *date = json_object_get(v, "date"), *end = json_object_get(v, "end");
	if (end && !date) {
		char epath[PATH_MAX_LEN];
		join_path(epath, path, "end");
		errors_add(errs, epath, "invalid_field", "%s needs a date: it ends the range that the date starts", epath);
	} else if (!check_range(v, "date", "end", path, errs)) {
		if (end && json_equal(date, end))
			json_object_del(v, "end");
		return v;
	}
	json_decref(v);
	return NULL;
}

static json_t *check_counterparts(json_t *in, const char *path, struct errors *errs)
{
	return check_list(in, path, check_slug, 1, errs);
}

static json_t *check_themes(json_t *in, const char *path, struct errors *errs)
{
	return check_list(in, path, check_theme, 0, errs);
}

static int compare_ints(const void *a, const void *b)
{
	json_int_t x = json_integer_value(*(json_t *const *)a);
	json_int_t y = json_integer_value(*(json_t *const *)b);
	return (x > y) - (x < y);
}

/* SDGs are a set, kept sorted so that the order they were chosen in means nothing. */
static json_t *check_sdgs(json_t *in, const char *path, struct errors *errs)
{
	json_t *list = check_list(in, path, check_sdg, 1, errs);
	if (!list || json_is_null(list))
		return list;
	size_t n = json_array_size(list);
	json_t **items = xmalloc(n * sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = json_integer(json_integer_value(json_array_get(list, i)));
	qsort(items, n, sizeof *items, compare_ints);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
	return list;
}

static json_t *check_urban_agenda(json_t *in, const char *path, struct errors *errs)
{
	return check_list(in, path, check_line, 1, errs);
}

static json_t *check_activities(json_t *in, const char *path, struct errors *errs)
{
	return check_list(in, path, check_activity, 0, errs);
}

/* The content's keys in the order of plan.h, which is the order of the sections. */
static const struct key_rule content_rules[] = {
	{"title", check_line},
	{"city", check_slug},
	{"cooperation", check_slug},
	{"counterparts", check_counterparts},
	{"facts", check_facts},
	{"period", check_period},
	{"themes", check_themes},
	{"sdgs", check_sdgs},
	{"urban_agenda", check_urban_agenda},
	{"key_focus", check_markdown},
	{"key_challenges", check_markdown},
	{"objectives", check_markdown},
	{"activities", check_activities},
	{"results", check_markdown},
	{"contact", check_markdown},
	{"unplaced", check_markdown},
};

/* Absent, null, or a string of spaces: what the required rules treat as not given. */
static int absent(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && is_blank(json_string_value(v)));
}

int plan_message_check(const char *message, struct errors *errs)
{
	if (!utf8_valid(message, strlen(message)) || utf8_has_control(message) || strpbrk(message, "\n\r\t") ||
	    utf8_chars(message) > PLAN_MESSAGE_MAX) {
		errors_add(errs, "message", "invalid_field", "message must be one line of at most %d characters",
			   PLAN_MESSAGE_MAX);
		return -1;
	}
	return 0;
}

/* The rules for required keys, checked on the input so that they are reported together
 * with every other error. Returns the number of errors added. */
static int check_required(json_t *in, struct errors *errs)
{
	int bad = 0;
	if (absent(json_object_get(in, "title"))) {
		errors_add(errs, "title", "missing_field", "title is required");
		bad++;
	}
	if (absent(json_object_get(in, "city")) && absent(json_object_get(in, "cooperation"))) {
		errors_add(errs, "city", "missing_field",
			   "city or cooperation is required: a plan belongs to a city or to a cooperation");
		bad++;
	}
	return bad;
}

int plan_validate(json_t *content, json_t **out, struct errors *errs)
{
	*out = NULL;
	if (!json_is_object(content)) {
		errors_add(errs, "", "invalid_record", "a plan's content must be a JSON object");
		return -1;
	}
	int bad = check_required(content, errs);
	json_t *v = check_object(content, "", content_rules, N(content_rules), errs);
	if (!v || bad) {
		json_decref(v);
		return -1;
	}
	*out = v;
	return 0;
}
