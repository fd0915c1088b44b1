/* form.c: forms from descriptors; see form.h. Field names in the HTML are the JSON
 * paths: "population", "topics" (repeated), "history.2.date". */
#include "web/form.h"
#include "core/country.h"
#include "core/record.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_error(const struct errors *errs, const char *path)
{
	for (int i = 0; errs && i < errs->n; i++)
		if (strncmp(errs->e[i].field, path, strlen(path)) == 0)
			return 1;
	return 0;
}

/* The errors of one field path, as the message list under its control; the first has
 * the id that the control's aria-describedby names (ids must be unique). */
static void field_errors(struct buf *b, const struct errors *errs, const char *path, const char *id)
{
	int shown = 0;
	for (int i = 0; errs && i < errs->n; i++) {
		const char *f = errs->e[i].field;
		size_t n = strlen(path);
		if (strncmp(f, path, n) != 0 || (f[n] != '\0' && f[n] != '[' && f[n] != '.'))
			continue;
		if (shown++)
			html_printf(b, "<p class=\"field-error\">%s</p>", errs->e[i].message);
		else
			html_printf(b, "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, errs->e[i].message);
	}
}

/* aria-invalid, and aria-describedby naming the error under the control, when the field
 * has one (so that a screen reader reads the message with the control). */
static void invalid_attrs(struct buf *b, const struct errors *errs, const char *path, const char *id)
{
	if (has_error(errs, path))
		html_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
}


/* A JSON value as the text of an input ("" for null). */
static const char *value_text(const json_t *v, char *tmp, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(tmp, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(tmp, size, "%.10g", json_real_value(v));
	else
		tmp[0] = '\0';
	return tmp;
}

/* Options of a select: the choices of an enum, the countries, or the keys of a referenced
 * entity's records. */
static void options(struct req *r, const struct field *f, const char *current)
{
	struct buf *b = &r->body;
	html_printf(b, "<option value=\"\">—</option>");
	if (f->type == FT_ENUM) {
		for (const char *const *c = f->choices; *c; c++)
			html_printf(b, "<option%R>%s</option>", current && strcmp(current, *c) == 0 ? " selected" : "", *c);
	} else if (f->type == FT_COUNTRY) {
		const struct country *c;
		for (size_t i = 0; (c = country_at(i)); i++)
			html_printf(b, "<option value=\"%s\"%R>%s</option>", c->code,
				    current && strcmp(current, c->code) == 0 ? " selected" : "", c->name);
	} else if (f->type == FT_REF) {
		struct list_query q = {.limit = LIST_LIMIT_MAX};
		json_t *items = NULL;
		char next[SLUG_MAX * 4 + 1];
		long total;
		if (store_list(r->db, f->ref, &q, &items, next, &total) == STORE_OK) {
			size_t i;
			json_t *it;
			json_array_foreach(items, i, it) {
				const char *key = record_str(it, f->ref->key), *name = record_str(it, "name");
				html_printf(b, "<option value=\"%s\"%R>%s</option>", key,
					    current && strcmp(current, key) == 0 ? " selected" : "", name ? name : key);
			}
		}
		json_decref(items);
	}
}

/* One scalar control named `path` with id `id`. */
static void scalar_control(struct req *r, const struct field *f, const char *path, const char *id,
			   const json_t *v, const struct errors *errs, int readonly)
{
	struct buf *b = &r->body;
	char tmp[64];
	const char *text = value_text(v, tmp, sizeof tmp);
	if (f->type == FT_ENUM || f->type == FT_COUNTRY || f->type == FT_REF) {
		html_printf(b, "<select id=\"%s\" name=\"%s\"", id, path);
		invalid_attrs(b, errs, path, id);
		html_printf(b, ">");
		options(r, f, text);
		html_printf(b, "</select>");
	} else if (f->flags & FF_MULTILINE) {
		html_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"5\" maxlength=\"%d\"", id, path, (int)f->max);
		invalid_attrs(b, errs, path, id);
		html_printf(b, ">%s</textarea>", text);
	} else {
		const char *mode = f->type == FT_INT ? " inputmode=\"numeric\"" : f->type == FT_REAL ? " inputmode=\"decimal\"" : "";
		html_printf(b, "<input id=\"%s\" name=\"%s\" type=\"text\" value=\"%s\"%R%R", id, path, text, mode,
			    readonly ? " readonly" : "");
		invalid_attrs(b, errs, path, id);
		html_printf(b, ">");
	}
}

/* Checkboxes for a list of taxonomy references or of SDG numbers. */
static void checkbox_list(struct req *r, const struct field *f, const json_t *list)
{
	const struct field *item = &f->sub->fields[0];
	const struct entity *tax = item->type == FT_REF ? item->ref : &entity_sdg;
	struct list_query q = {.limit = LIST_LIMIT_MAX};
	json_t *items = NULL;
	char next[SLUG_MAX * 4 + 1], tmp[32];
	long total;
	if (store_list(r->db, tax, &q, &items, next, &total) != STORE_OK)
		return;
	html_printf(&r->body, "<div class=\"checks\">");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *key = value_text(json_object_get(it, tax->key), tmp, sizeof tmp);
		const char *label = record_str(it, tax == &entity_sdg ? "title" : "name");
		int on = 0;
		size_t k;
		json_t *v;
		json_array_foreach(list, k, v) {
			char vt[32];
			on |= strcmp(value_text(v, vt, sizeof vt), key) == 0;
		}
		html_printf(&r->body, "<label class=\"check\"><input type=\"checkbox\" name=\"%s\" value=\"%s\"%R> %s%R%s</label>",
			    f->name, key, on ? " checked" : "", tax == &entity_sdg ? key : "",
			    tax == &entity_sdg ? ". " : "", label);
	}
	html_printf(&r->body, "</div>");
	json_decref(items);
}

/* A table of rows for a list of objects: the rows there are, then empty ones. */
static void row_table(struct req *r, const struct field *f, const json_t *list, const struct errors *errs)
{
	struct buf *b = &r->body;
	const struct entity *sub = f->sub;
	html_printf(b, "<table class=\"rows\"><thead><tr>");
	for (size_t c = 0; c < sub->nfields; c++)
		html_printf(b, "<th scope=\"col\">%s</th>", sub->fields[c].label);
	html_printf(b, "</tr></thead><tbody>");
	size_t n = json_array_size(list) + FORM_EXTRA_ROWS;
	for (size_t i = 0; i < n && i < (size_t)f->max; i++) {
		json_t *row = json_array_get(list, i);
		html_printf(b, "<tr>");
		for (size_t c = 0; c < sub->nfields; c++) {
			char path[128], id[140], label[200];
			snprintf(path, sizeof path, "%s.%zu.%s", f->name, i, sub->fields[c].name);
			snprintf(id, sizeof id, "f-%s-%zu-%s", f->name, i, sub->fields[c].name);
			snprintf(label, sizeof label, "%s %zu: %s", f->label, i + 1, sub->fields[c].label);
			html_printf(b, "<td><label class=\"visually-hidden\" for=\"%s\">%s</label>", id, label);
			scalar_control(r, &sub->fields[c], path, id, row ? json_object_get(row, sub->fields[c].name) : NULL, errs, 0);
			html_printf(b, "</td>");
		}
		html_printf(b, "</tr>");
	}
	html_printf(b, "</tbody></table>");
}

static void lines_area(struct req *r, const struct field *f, const char *id, const json_t *list)
{
	struct buf *b = &r->body;
	html_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"6\" aria-describedby=\"%s-hint\">", id, f->name, id);
	size_t i;
	json_t *v;
	char tmp[64];
	json_array_foreach(list, i, v)
		html_printf(b, "%s\n", value_text(v, tmp, sizeof tmp));
	html_printf(b, "</textarea><p class=\"hint\" id=\"%s-hint\">One per line.</p>", id);
}

void form_fields(struct req *r, const struct entity *e, const json_t *rec, const struct errors *errs, int editing)
{
	struct buf *b = &r->body;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		const json_t *v = rec ? json_object_get(rec, f->name) : NULL;
		char id[80], rule[200];
		snprintf(id, sizeof id, "f-%s", f->name);
		int taxonomy_list = f->type == FT_LIST && (f->sub->flags & ENT_SCALAR_ROW) &&
				    ((f->sub->fields[0].type == FT_REF && (f->sub->fields[0].ref->flags & ENT_TAXONOMY)) ||
				     f->sub->fields[0].type == FT_INT);
		if (f->type == FT_LIST && !(f->sub->flags & ENT_SCALAR_ROW)) {
			html_printf(b, "<fieldset class=\"field field-wide\"><legend>%s</legend>", f->label);
			row_table(r, f, v, errs);
			field_errors(b, errs, f->name, id);
			html_printf(b, "</fieldset>\n");
			continue;
		}
		if (taxonomy_list) {
			html_printf(b, "<fieldset class=\"field field-wide\"><legend>%s</legend>", f->label);
			checkbox_list(r, f, v);
			field_errors(b, errs, f->name, id);
			html_printf(b, "</fieldset>\n");
			continue;
		}
		int wide = f->type == FT_LIST || (f->flags & FF_MULTILINE);
		html_printf(b, "<div class=\"field%R\"><label for=\"%s\">%s%R</label>", wide ? " field-wide" : "", id, f->label,
			    (f->flags & FF_REQUIRED) ? " <span class=\"required\">(required)</span>" : "");
		if (f->type == FT_LIST)
			lines_area(r, f, id, v);
		else
			scalar_control(r, f, f->name, id, v, errs, editing && strcmp(f->name, e->key) == 0);
		if (f->type != FT_LIST && f->type != FT_ENUM && f->type != FT_COUNTRY && f->type != FT_REF)
			html_printf(b, "<p class=\"hint\">%s</p>", field_rule(f, rule, sizeof rule));
		field_errors(b, errs, f->name, id);
		html_printf(b, "</div>\n");
	}
}

/* The submitted text for a scalar field: numbers parsed when they parse, else kept as
 * typed; empty is null. */
static json_t *scalar_value(const struct field *f, const char *text)
{
	char *copy = xstrdup(text ? text : "");
	char *t = str_trim(copy);
	json_t *v;
	long long n;
	double d;
	if (!*t)
		v = json_null();
	else if (f->type == FT_INT && parse_int(t, -(1LL << 53), 1LL << 53, &n) == 0)
		v = json_integer(n);
	else if (f->type == FT_REAL && parse_real(t, -1e15, 1e15, &d) == 0)
		v = json_real(d);
	else
		v = json_string(f->flags & FF_MULTILINE ? text : t);
	free(copy);
	return v;
}

/* "history.2.date" -> row 2, field "date" of list field `list`. */
static int row_path(const char *name, const char *list, size_t *row, const char **sub)
{
	size_t n = strlen(list);
	if (strncmp(name, list, n) != 0 || name[n] != '.')
		return -1;
	char *end;
	unsigned long k = strtoul(name + n + 1, &end, 10);
	if (end == name + n + 1 || *end != '.' || k > 1000)
		return -1;
	*row = k;
	*sub = end + 1;
	return 0;
}

static json_t *object_rows(const struct field *f, const struct req_arg *pairs, size_t n)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		size_t row;
		const char *sub;
		const struct field *sf;
		if (row_path(pairs[i].name, f->name, &row, &sub) || row >= (size_t)f->max || !(sf = entity_field(f->sub, sub)))
			continue;
		while (json_array_size(rows) <= row)
			json_array_append_new(rows, json_object());
		json_object_set_new(json_array_get(rows, row), sub, scalar_value(sf, pairs[i].value));
	}
	json_t *kept = json_array();   /* rows left empty are not rows */
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *k;
		json_t *v;
		int any = 0;
		json_object_foreach(row, k, v)
			any |= !json_is_null(v);
		if (any)
			json_array_append(kept, row);
	}
	json_decref(rows);
	return kept;
}

static json_t *scalar_list(const struct field *f, const struct req_arg *pairs, size_t n)
{
	const struct field *item = &f->sub->fields[0];
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		if (strcmp(pairs[i].name, f->name) != 0)
			continue;
		const char *p = pairs[i].value ? pairs[i].value : "";
		while (*p) {   /* a text area: one item per line; a checkbox: one item */
			size_t len = strcspn(p, "\r\n");
			char *line = xstrndup(p, len);
			json_t *v = scalar_value(item, line);
			free(line);
			if (!json_is_null(v))
				json_array_append(list, v);
			json_decref(v);
			p += len;
			p += strspn(p, "\r\n");
		}
	}
	return list;
}

json_t *form_to_json(const struct entity *e, const struct req_arg *pairs, size_t n)
{
	json_t *rec = json_object();
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type == FT_LIST) {
			json_object_set_new(rec, f->name, (f->sub->flags & ENT_SCALAR_ROW) ? scalar_list(f, pairs, n)
											   : object_rows(f, pairs, n));
			continue;
		}
		for (size_t k = 0; k < n; k++)
			if (strcmp(pairs[k].name, f->name) == 0)
				json_object_set_new(rec, f->name, scalar_value(f, pairs[k].value));
	}
	return rec;
}
