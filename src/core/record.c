/* record.c: validating records against their descriptors; see record.h. */
#include "core/record.h"
#include "core/country.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct field *entity_field(const struct entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	return NULL;
}

const char *field_rule(const struct field *f, char *out, size_t size)
{
	switch (f->type) {
	case FT_TEXT:
		if (f->min > 0)
			snprintf(out, size, "text of %g to %g characters", f->min, f->max);
		else
			snprintf(out, size, "text of at most %g characters%s", f->max,
				 f->flags & FF_MULTILINE ? "" : " on one line");
		break;
	case FT_SLUG:
		snprintf(out, size, "lower-case letters, digits and single hyphens, at most %d characters", SLUG_MAX);
		break;
	case FT_INT:
		snprintf(out, size, "a whole number between %.0f and %.0f", f->min, f->max);
		break;
	case FT_REAL:
		snprintf(out, size, "a number between %g and %g", f->min, f->max);
		break;
	case FT_ENUM: {
		struct buf b = BUF_INIT(size - 1);
		buf_puts(&b, "one of ");
		for (const char *const *c = f->choices; *c; c++)
			buf_printf(&b, "%s%s", c == f->choices ? "" : ", ", *c);
		snprintf(out, size, "%s", buf_str(&b));
		buf_free(&b);
		break;
	}
	case FT_DATE:
		snprintf(out, size, "a date written as YYYY, YYYY-MM or YYYY-MM-DD");
		break;
	case FT_COUNTRY:
		snprintf(out, size, "an ISO 3166 two-letter country code such as FR or CN");
		break;
	case FT_REF:
		snprintf(out, size, "the %s of an existing %s", f->ref->key, f->ref->name);
		break;
	case FT_LIST:
		snprintf(out, size, "a list of at most %g items", f->max);
		break;
	}
	return out;
}

static void add_rule_error(struct errors *errs, const char *path, const struct field *f)
{
	char rule[200];
	errors_add(errs, path, "invalid_field", "%s must be %s", path, field_rule(f, rule, sizeof rule));
}

static json_t *check_text(const struct field *f, const char *path, const char *s, struct errors *errs)
{
	char *copy = xstrdup(s);
	char *t = str_trim(copy);
	json_t *v = NULL;
	size_t chars = utf8_chars(t);
	if (!*t) {
		v = json_null();
	} else if (utf8_has_control(t)) {
		errors_add(errs, path, "invalid_field", "%s contains control characters", path);
	} else if (!(f->flags & FF_MULTILINE) && strpbrk(t, "\r\n")) {
		errors_add(errs, path, "invalid_field", "%s must be on one line", path);
	} else if (chars > f->max || chars < f->min) {
		add_rule_error(errs, path, f);
	} else {
		v = json_string(t);
	}
	free(copy);
	return v;
}

/* Returns a new normalised value for one scalar field, json_null() when empty, or NULL
 * after adding an error. */
static json_t *check_scalar(const struct field *f, const char *path, json_t *in, struct errors *errs)
{
	if (!in || json_is_null(in))
		return json_null();
	const char *s = json_string_value(in);
	switch (f->type) {
	case FT_TEXT:
		if (!s)
			break;
		return check_text(f, path, s, errs);
	case FT_SLUG:
	case FT_REF:
		if (!s)
			break;
		if (!*s)
			return json_null();
		if (f->type == FT_SLUG && !is_slug(s))
			break;
		if (f->type == FT_REF && (strlen(s) > 200 || utf8_has_control(s)))
			break;
		return json_string(s);
	case FT_INT: {
		double d = json_is_integer(in) ? (double)json_integer_value(in)
			 : json_is_real(in) ? json_real_value(in) : NAN;
		if (isnan(d) || d != floor(d) || d < f->min || d > f->max)
			break;
		return json_integer((json_int_t)d);
	}
	case FT_REAL: {
		if (!json_is_number(in))
			break;
		double d = json_number_value(in);
		if (!isfinite(d) || d < f->min || d > f->max)
			break;
		return json_real(d);
	}
	case FT_ENUM:
		if (!s)
			break;
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(*c, s) == 0)
				return json_string(s);
		break;
	case FT_DATE: {
		struct pdate d;
		if (!s || pdate_parse_iso(s, &d))
			break;
		return json_string(s);
	}
	case FT_COUNTRY: {
		char code[3];
		if (!s || strlen(s) != 2)
			break;
		code[0] = (char)toupper((unsigned char)s[0]);
		code[1] = (char)toupper((unsigned char)s[1]);
		code[2] = '\0';
		if (!country_by_code(code))
			break;
		return json_string(code);
	}
	case FT_LIST:
		break;
	}
	add_rule_error(errs, path, f);
	return NULL;
}

static int validate_into(const struct entity *e, json_t *in, json_t *out, const char *prefix,
			 struct errors *errs);

static json_t *check_list(const struct field *f, const char *path, json_t *in, struct errors *errs)
{
	if (!in || json_is_null(in))
		return json_array();
	if (!json_is_array(in) || json_array_size(in) > f->max) {
		add_rule_error(errs, path, f);
		return NULL;
	}
	const struct entity *sub = f->sub;
	json_t *list = json_array();
	int bad = 0;
	size_t i;
	json_t *item;
	json_array_foreach(in, i, item) {
		char ipath[96];
		snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
		json_t *v;
		if (sub->flags & ENT_SCALAR_ROW) {
			v = check_scalar(&sub->fields[0], ipath, item, errs);
			if (v && json_is_null(v)) {
				json_decref(v);
				errors_add(errs, ipath, "invalid_field", "%s must not be empty", ipath);
				v = NULL;
			}
			for (size_t k = 0; v && k < json_array_size(list); k++) {
				if (json_equal(json_array_get(list, k), v)) {
					errors_add(errs, ipath, "duplicate_item", "%s repeats an earlier item", ipath);
					json_decref(v);
					v = NULL;
				}
			}
		} else if (!json_is_object(item)) {
			errors_add(errs, ipath, "invalid_field", "%s must be an object", ipath);
			v = NULL;
		} else {
			v = json_object();
			if (validate_into(sub, item, v, ipath, errs)) {
				json_decref(v);
				v = NULL;
			}
		}
		if (v)
			json_array_append_new(list, v);
		else
			bad = 1;
	}
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* Validates every field of e from `in` into `out`; returns the number of errors added. */
static int validate_into(const struct entity *e, json_t *in, json_t *out, const char *prefix,
			 struct errors *errs)
{
	int before = errs->n + errs->dropped;
	const char *key;
	json_t *value;
	json_object_foreach(in, key, value) {
		if (!entity_field(e, key)) {
			char path[96];
			snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
			errors_add(errs, path, "unknown_field", "%s is not a field of %s %s", path,
				   strchr("aeiou", e->name[0]) ? "an" : "a", e->name);
		}
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		char path[96];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
		json_t *v = f->type == FT_LIST ? check_list(f, path, json_object_get(in, f->name), errs)
					       : check_scalar(f, path, json_object_get(in, f->name), errs);
		if (!v)
			continue;
		if ((f->flags & FF_REQUIRED) && (json_is_null(v) ||
						 (json_is_array(v) && json_array_size(v) == 0)))
			errors_add(errs, path, "missing_field", "%s is required", path);
		json_object_set_new(out, f->name, v);
	}
	return errs->n + errs->dropped - before;
}

int record_validate(const struct entity *e, json_t *in, json_t **out, struct errors *errs)
{
	*out = NULL;
	if (!json_is_object(in)) {
		errors_add(errs, "", "invalid_record", "a %s must be a JSON object", e->name);
		return -1;
	}
	json_t *rec = json_object();
	int bad = validate_into(e, in, rec, "", errs);
	if (!bad && e->check)
		bad = e->check(rec, errs);
	if (bad) {
		json_decref(rec);
		return -1;
	}
	*out = rec;
	return 0;
}

const char *record_str(const json_t *rec, const char *field)
{
	return json_string_value(json_object_get(rec, field));
}

long long record_int(const json_t *rec, const char *field)
{
	return json_integer_value(json_object_get(rec, field));
}

int record_default_slug(json_t *rec, const char *from, struct errors *errs)
{
	if (record_str(rec, "slug"))
		return 0;
	char slug[SLUG_MAX + 1];
	const char *text = record_str(rec, from);
	if (!text || slugify(text, slug)) {
		errors_add(errs, "slug", "missing_field", "slug is required when the %s has no Latin letters", from);
		return 1;
	}
	json_object_set_new(rec, "slug", json_string(slug));
	return 0;
}
