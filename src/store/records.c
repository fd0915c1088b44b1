/* records.c: generic storage of records from their descriptors; see store.h.
 *
 * The SQL for each entity is generated once, from its field table, into strings that
 * live as long as the program (so prepared statements can be cached by their address).
 * Only column and table names from the descriptors go into SQL text; every value is a
 * bound parameter. References are resolved to ids in C before writing, so an unknown
 * reference becomes a clear error naming the field instead of a constraint failure. */
#include "store/store.h"
#include "store/steps.h"
#include "core/record.h"
#include "store/accounts.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Statements of one entity, built once. */
struct entity_sql {
	const struct entity *e;
	struct entity_sql *next;
	char *columns;           /* select list, "r.id" first */
	char *get;               /* by key */
	char *children;          /* list rows: by owner_id, in position order */
	char *insert, *update, *delete_children, *delete;
	char *resolve;           /* id of a record by its key, for references to e */
	char *keys_delete, *keys_insert, *keys_match;   /* for entities with a keys_table */
	char *_Atomic list[2][1 << 10];   /* [with cursor][filter mask], built on demand */
	char *_Atomic count[1 << 10];
};

static pthread_mutex_t sql_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entity_sql *_Atomic sql_cache;

static int has_search(const struct entity *e)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if ((f->flags & FF_SEARCH) || (f->type == FT_LIST && has_search(f->sub)))
			return 1;
	}
	return 0;
}

static int is_child(const struct entity *e)
{
	return e->order && strcmp(e->order, "position") == 0;
}

/* The column of f, and the expression that reads it back as JSON wants it. */
static void column_expr(struct buf *b, const struct field *f)
{
	if (f->type == FT_REF)
		buf_printf(b, "(SELECT x.%s FROM %s x WHERE x.id = r.%s_id)", f->ref->key, f->ref->table,
			   f->name);
	else
		buf_printf(b, "r.%s", f->name);
}

static void column_name(struct buf *b, const struct field *f)
{
	buf_printf(b, f->type == FT_REF ? "%s_id" : "%s", f->name);
}

static struct entity_sql *build(const struct entity *e)
{
	struct entity_sql *s = xcalloc(1, sizeof *s);
	struct buf cols = BUF_INIT(1 << 16), b = BUF_INIT(1 << 16);
	int child = is_child(e), search = !child && has_search(e);
	size_t nscalar = 0;

	buf_puts(&cols, child ? "r.owner_id" : "r.id");
	for (size_t i = 0; i < e->nfields; i++) {
		if (e->fields[i].type == FT_LIST)
			continue;
		buf_puts(&cols, ", ");
		column_expr(&cols, &e->fields[i]);
		nscalar++;
	}
	s->columns = buf_detach(&cols);

	if (child) {
		buf_printf(&b, "SELECT %s FROM %s r WHERE r.owner_id = ? ORDER BY r.position", s->columns, e->table);
		s->children = buf_detach(&b);
		buf_printf(&b, "DELETE FROM %s WHERE owner_id = ?", e->table);
		s->delete_children = buf_detach(&b);
		buf_printf(&b, "INSERT INTO %s (owner_id, position", e->table);
	} else {
		buf_printf(&b, "SELECT %s FROM %s r WHERE r.%s = ?", s->columns, e->table, e->key);
		s->get = buf_detach(&b);
		buf_printf(&b, "SELECT id, %s FROM %s WHERE lower(%s) = lower(?)", e->key, e->table, e->key);
		s->resolve = buf_detach(&b);
		buf_printf(&b, "DELETE FROM %s WHERE id = ?", e->table);
		s->delete = buf_detach(&b);
		buf_printf(&b, "INSERT INTO %s (", e->table);
	}
	/* INSERT column list and placeholders */
	int first = !child;
	for (size_t i = 0; i < e->nfields; i++) {
		if (e->fields[i].type == FT_LIST)
			continue;
		buf_puts(&b, first ? "" : ", ");
		column_name(&b, &e->fields[i]);
		first = 0;
	}
	if (search)
		buf_puts(&b, ", search_key");
	buf_puts(&b, ") VALUES (");
	size_t nparams = nscalar + (child ? 2 : 0) + (search ? 1 : 0);
	for (size_t i = 0; i < nparams; i++)
		buf_puts(&b, i ? ", ?" : "?");
	buf_puts(&b, child ? ")" : ") RETURNING id");
	s->insert = buf_detach(&b);

	if (!child) {
		buf_printf(&b, "UPDATE %s SET ", e->table);
		first = 1;
		for (size_t i = 0; i < e->nfields; i++) {
			if (e->fields[i].type == FT_LIST)
				continue;
			buf_puts(&b, first ? "" : ", ");
			column_name(&b, &e->fields[i]);
			buf_puts(&b, " = ?");
			first = 0;
		}
		if (search)
			buf_puts(&b, ", search_key = ?");
		buf_puts(&b, " WHERE id = ?");
		s->update = buf_detach(&b);
	}
	if (e->keys_table) {
		buf_printf(&b, "DELETE FROM %s WHERE owner_id = ?", e->keys_table);
		s->keys_delete = buf_detach(&b);
		buf_printf(&b, "INSERT INTO %s (owner_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING", e->keys_table);
		s->keys_insert = buf_detach(&b);
		buf_printf(&b, "SELECT DISTINCT r.%s FROM %s k JOIN %s r ON r.id = k.owner_id WHERE k.key = ? ORDER BY 1",
			   e->key, e->keys_table, e->table);
		s->keys_match = buf_detach(&b);
	}
	s->e = e;
	return s;
}

/* The statements of e. Entries are immutable once published at the head of the list, so
 * readers walk it without the lock; only building a new entry takes it. */
static struct entity_sql *find_sql(struct entity_sql *s, const struct entity *e)
{
	for (; s; s = s->next)
		if (s->e == e)
			return s;
	return NULL;
}

static struct entity_sql *sql_for(const struct entity *e)
{
	struct entity_sql *s = find_sql(atomic_load_explicit(&sql_cache, memory_order_acquire), e);
	if (s)
		return s;
	pthread_mutex_lock(&sql_lock);
	struct entity_sql *head = atomic_load_explicit(&sql_cache, memory_order_relaxed);
	if (!(s = find_sql(head, e))) {
		s = build(e);
		s->next = head;
		atomic_store_explicit(&sql_cache, s, memory_order_release);
	}
	pthread_mutex_unlock(&sql_lock);
	return s;
}

static int nfilters(const struct entity *e)
{
	int n = 0;
	for (const struct filter *f = e->filters; f && f->param; f++)
		n++;
	return n;
}

/* SELECT (or count) for a combination of filters; built once per combination. */
static const char *list_sql(const struct entity *e, unsigned mask, int cursor, int count)
{
	struct entity_sql *s = sql_for(e);
	char *_Atomic *slot = count ? &s->count[mask] : &s->list[cursor][mask];
	const char *ready = atomic_load_explicit(slot, memory_order_acquire);
	if (ready)
		return ready;
	pthread_mutex_lock(&sql_lock);
	if (!atomic_load_explicit(slot, memory_order_relaxed)) {
		struct buf b = BUF_INIT(1 << 16);
		if (count)
			buf_printf(&b, "SELECT count(*) FROM %s r WHERE 1 = 1", e->table);
		else
			buf_printf(&b, "SELECT %s FROM %s r WHERE 1 = 1", s->columns, e->table);
		int i = 0;
		for (const struct filter *f = e->filters; f && f->param; f++, i++)
			if (mask & (1u << i))
				buf_printf(&b, " AND %s", f->sql);
		if (!count) {
			if (cursor)
				buf_printf(&b, " AND r.%s > ?", e->order);
			buf_printf(&b, " ORDER BY r.%s LIMIT ?", e->order);
		}
		atomic_store_explicit(slot, buf_detach(&b), memory_order_release);
	}
	const char *sql = atomic_load_explicit(slot, memory_order_relaxed);
	pthread_mutex_unlock(&sql_lock);
	return sql;
}

static int map_db_rc(int rc)
{
	return rc == DB_UNAVAILABLE ? STORE_UNAVAILABLE : STORE_ERROR;
}

/* Reads the scalar columns of the current row into obj, starting at column 1. */
static void read_row(struct stmt *st, const struct entity *e, json_t *obj)
{
	int col = 1;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type == FT_LIST) {
			/* keeps the descriptor's order of keys; load_lists fills it in */
			json_object_set_new(obj, f->name, json_null());
			continue;
		}
		json_t *v;
		if (db_column_is_null(st, col))
			v = json_null();
		else if (f->type == FT_INT)
			v = json_integer(db_column_int(st, col));
		else if (f->type == FT_REAL)
			v = json_real(db_column_real(st, col));
		else   /* text was checked to be UTF-8 when it was written */
			v = json_string_nocheck(db_column_text(st, col));
		json_object_set_new(obj, f->name, v);
		col++;
	}
}

static int load_lists(struct db *db, const struct entity *e, int64_t id, json_t *obj)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type != FT_LIST)
			continue;
		const struct entity *sub = f->sub;
		struct stmt *st = db_prepare(db, sql_for(sub)->children);
		if (!st)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		json_t *list = json_array();
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			json_t *row = json_object();
			read_row(st, sub, row);
			if (sub->flags & ENT_SCALAR_ROW) {
				json_array_append(list, json_object_get(row, sub->fields[0].name));
				json_decref(row);
			} else {
				json_array_append_new(list, row);
			}
		}
		db_done(st);
		json_object_set_new(obj, f->name, list);
		if (rc != DB_DONE)
			return map_db_rc(rc);
	}
	return STORE_OK;
}

/* Loads the record with the given key; *id gets its row id. */
static int get_with_id(struct db *db, const struct entity *e, const char *key, json_t **out, int64_t *id)
{
	*out = NULL;
	struct stmt *st = db_prepare(db, sql_for(e)->get);
	if (!st)
		return STORE_ERROR;
	const struct field *kf = entity_field(e, e->key);
	long long n;
	if (kf && kf->type == FT_INT) {
		if (parse_int(key, (long long)kf->min, (long long)kf->max, &n)) {
			db_done(st);
			return STORE_NOT_FOUND;
		}
		db_bind_int(st, 1, n);
	} else {
		db_bind_text(st, 1, key);
	}
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? STORE_NOT_FOUND : map_db_rc(rc);
	}
	json_t *obj = json_object();
	*id = db_column_int(st, 0);
	read_row(st, e, obj);
	db_done(st);
	rc = load_lists(db, e, *id, obj);
	if (rc) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return STORE_OK;
}

int store_get(struct db *db, const struct entity *e, const char *key, json_t **out)
{
	int64_t id;
	return get_with_id(db, e, key, out, &id);
}

static void bind_filters(struct stmt *st, const struct entity *e, const struct list_query *q, int *param)
{
	int i = 0;
	for (const struct filter *f = e->filters; f && f->param; f++, i++) {
		const char *v = q->filter[i];
		if (!v)
			continue;
		char *pattern = NULL;
		if (f->kind == FILTER_LIKE) {
			/* "%folded value%", with the pattern's own characters escaped */
			char *key = fold_key(v);
			struct buf b = BUF_INIT(1 << 12);
			buf_putc(&b, '%');
			for (const char *p = key; *p; p++) {
				if (*p == '%' || *p == '_' || *p == '\\')
					buf_putc(&b, '\\');
				buf_putc(&b, *p);
			}
			buf_putc(&b, '%');
			free(key);
			pattern = buf_detach(&b);
		}
		for (const char *p = f->sql; *p; p++) {
			if (*p != '?')
				continue;
			long long n;
			if (pattern)
				db_bind_text(st, (*param)++, pattern);
			else if (f->type == FT_INT && parse_int(v, -(1LL << 53), 1LL << 53, &n) == 0)
				db_bind_int(st, (*param)++, n);
			else
				db_bind_text(st, (*param)++, v);
		}
		free(pattern);
	}
}

static unsigned filter_mask(const struct entity *e, const struct list_query *q)
{
	unsigned mask = 0;
	for (int i = 0; i < nfilters(e); i++)
		if (q->filter[i])
			mask |= 1u << i;
	return mask;
}

static int count_matching(struct db *db, const struct entity *e, const struct list_query *q, long *total)
{
	struct stmt *st = db_prepare(db, list_sql(e, filter_mask(e, q), 0, 1));
	if (!st)
		return STORE_ERROR;
	int param = 1;
	bind_filters(st, e, q, &param);
	int rc = db_step(st);
	*total = rc == DB_ROW ? (long)db_column_int(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW ? STORE_OK : map_db_rc(rc);
}

int store_list(struct db *db, const struct entity *e, const struct list_query *q,
	       json_t **items, char next[SLUG_MAX * 4 + 1], long *total)
{
	*items = NULL;
	next[0] = '\0';
	int rc = count_matching(db, e, q, total);
	if (rc)
		return rc;
	struct stmt *st = db_prepare(db, list_sql(e, filter_mask(e, q), q->cursor != NULL, 0));
	if (!st)
		return STORE_ERROR;
	int param = 1;
	bind_filters(st, e, q, &param);
	if (q->cursor)
		db_bind_text(st, param++, q->cursor);
	db_bind_int(st, param++, q->limit + 1);   /* one more tells whether a next page exists */

	json_t *list = json_array();
	int64_t ids[LIST_LIMIT_MAX + 1];
	size_t n = 0;
	while ((rc = db_step(st)) == DB_ROW && n < (size_t)q->limit) {
		json_t *obj = json_object();
		ids[n++] = db_column_int(st, 0);
		read_row(st, e, obj);
		json_array_append_new(list, obj);
	}
	int more = rc == DB_ROW;
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		json_decref(list);
		return map_db_rc(rc);
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = load_lists(db, e, ids[i], json_array_get(list, i)))) {
			json_decref(list);
			return rc;
		}
	}
	if (more && n > 0) {
		json_t *last = json_object_get(json_array_get(list, n - 1), e->order);
		if (json_is_string(last))
			snprintf(next, SLUG_MAX * 4 + 1, "%s", json_string_value(last));
		else
			snprintf(next, SLUG_MAX * 4 + 1, "%lld", (long long)json_integer_value(last));
	}
	*items = list;
	return STORE_OK;
}

/* Replaces the reference in *slot by the id it names; fixes its spelling in the record. */
static int resolve(struct db *db, const struct field *f, json_t *holder, const char *key,
		   const char *path, int64_t *id, struct errors *errs)
{
	json_t *v = json_object_get(holder, key);
	struct stmt *st = db_prepare(db, sql_for(f->ref)->resolve);
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, json_string_value(v));
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_column_int(st, 0);
		json_object_set_new(holder, key, json_string(db_column_text(st, 1)));
	}
	db_done(st);
	if (rc == DB_DONE) {
		errors_add(errs, path, "unknown_reference", "%s names no existing %s: %s", path,
			   f->ref->name, json_string_value(v));
		return STORE_INVALID;
	}
	return rc == DB_ROW ? STORE_OK : map_db_rc(rc);
}

int store_resolve(struct db *db, const struct entity *e, const char *key, int64_t *id,
		  char *canon, size_t canonsize)
{
	struct stmt *st = db_prepare(db, sql_for(e)->resolve);
	if (!st)
		return STORE_ERROR;
	db_bind_text(st, 1, key);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_column_int(st, 0);
		if (canon)
			snprintf(canon, canonsize, "%s", db_column_text(st, 1));
	}
	db_done(st);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOT_FOUND : map_db_rc(rc);
}

/* Whether errs has an error for exactly this path. */
static int has_error_at(const struct errors *errs, const char *path)
{
	for (int i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, path) == 0)
			return 1;
	return 0;
}

/* Adds an error when v, a reference of f at path, is a string that names no stored
 * record; other values are record_validate's to judge. */
static int check_ref(struct db *db, const struct field *f, const json_t *v, const char *path, struct errors *errs)
{
	if (!json_is_string(v) || has_error_at(errs, path))
		return STORE_OK;
	int64_t id;
	int rc = store_resolve(db, f->ref, json_string_value(v), &id, NULL, 0);
	if (rc == STORE_NOT_FOUND)
		errors_add(errs, path, "unknown_reference", "%s names no existing %s: %s", path, f->ref->name,
			   json_string_value(v));
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

/* The references of one list row (the bare value of a scalar row, or its fields). */
static int check_row_refs(struct db *db, const struct entity *sub, const json_t *row, const char *path,
			  struct errors *errs)
{
	int rc = STORE_OK;
	for (size_t i = 0; i < sub->nfields && !rc; i++) {
		const struct field *f = &sub->fields[i];
		if (f->type != FT_REF)
			continue;
		if (sub->flags & ENT_SCALAR_ROW) {
			rc = check_ref(db, f, row, path, errs);
		} else {
			char sub_path[160];
			snprintf(sub_path, sizeof sub_path, "%s.%s", path, f->name);
			rc = check_ref(db, f, json_object_get(row, f->name), sub_path, errs);
		}
	}
	return rc;
}

static int check_refs(struct db *db, const struct entity *e, const json_t *rec, struct errors *errs)
{
	int rc = STORE_OK;
	for (size_t i = 0; i < e->nfields && !rc; i++) {
		const struct field *f = &e->fields[i];
		const json_t *v = json_object_get(rec, f->name);
		if (f->type == FT_REF) {
			rc = check_ref(db, f, v, f->name, errs);
		} else if (f->type == FT_LIST && f->sub && json_is_array(v)) {
			for (size_t k = 0; k < json_array_size(v) && k < (size_t)f->max && !rc; k++) {
				char path[128];
				snprintf(path, sizeof path, "%s[%zu]", f->name, k);
				rc = check_row_refs(db, f->sub, json_array_get(v, k), path, errs);
			}
		}
	}
	return rc;
}

int store_validate(struct db *db, const struct entity *e, json_t *in, json_t **out, struct errors *errs)
{
	*out = NULL;
	json_t *rec = NULL;
	int invalid = record_validate(e, in, &rec, errs);
	int rc = check_refs(db, e, invalid ? in : rec, errs);
	if (rc || invalid || errs->n) {
		json_decref(rec);
		return rc ? rc : STORE_INVALID;
	}
	*out = rec;
	return STORE_OK;
}

/* Binds the scalar fields of obj in descriptor order, from parameter *param on. */
static int bind_fields(struct db *db, struct stmt *st, const struct entity *e, json_t *obj,
		       const char *prefix, int *param, struct errors *errs)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type == FT_LIST)
			continue;
		json_t *v = json_object_get(obj, f->name);
		int p = (*param)++;
		if (!v || json_is_null(v)) {
			db_bind_null(st, p);
		} else if (f->type == FT_REF) {
			char path[128];
			snprintf(path, sizeof path, "%s%s", prefix, *prefix ? "" : f->name);
			int64_t id;
			int rc = resolve(db, f, obj, f->name, path, &id, errs);
			if (rc)
				return rc;
			db_bind_int(st, p, id);
		} else if (json_is_integer(v)) {
			db_bind_int(st, p, json_integer_value(v));
		} else if (json_is_real(v)) {
			db_bind_real(st, p, json_real_value(v));
		} else {
			db_bind_text(st, p, json_string_value(v));
		}
	}
	return STORE_OK;
}

/* Appends the folded text of every searchable value of obj to b. */
static void search_text(struct buf *b, const struct entity *e, json_t *obj)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(obj, f->name);
		if (f->type == FT_LIST) {
			size_t k;
			json_t *row;
			json_array_foreach(v, k, row) {
				if (f->sub->flags & ENT_SCALAR_ROW) {
					if ((f->sub->fields[0].flags & FF_SEARCH) && json_is_string(row)) {
						char *key = fold_key(json_string_value(row));
						buf_printf(b, "%s\n", key);
						free(key);
					}
				} else {
					search_text(b, f->sub, row);
				}
			}
		} else if ((f->flags & FF_SEARCH) && json_is_string(v)) {
			char *key = fold_key(json_string_value(v));
			buf_printf(b, "%s\n", key);
			free(key);
		}
	}
}

static int write_lists(struct db *db, const struct entity *e, json_t *rec, int64_t id, struct errors *errs)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type != FT_LIST)
			continue;
		struct entity_sql *s = sql_for(f->sub);
		struct stmt *st = db_prepare(db, s->delete_children);
		if (!st)
			return STORE_ERROR;
		db_bind_int(st, 1, id);
		int rc = steps_finish(st);
		if (rc)
			return rc;
		json_t *list = json_object_get(rec, f->name);
		for (size_t k = 0; k < json_array_size(list); k++) {
			char path[128];
			snprintf(path, sizeof path, "%s[%zu]", f->name, k);
			json_t *row = json_array_get(list, k), *wrapped = NULL;
			if (f->sub->flags & ENT_SCALAR_ROW) {
				wrapped = json_pack("{sO}", f->sub->fields[0].name, row);
				row = wrapped;
			}
			if (!(st = db_prepare(db, s->insert))) {
				json_decref(wrapped);
				return STORE_ERROR;
			}
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, (int64_t)k);
			int param = 3;
			rc = bind_fields(db, st, f->sub, row, path, &param, errs);
			rc = rc ? (db_done(st), rc) : steps_finish(st);
			if (wrapped) {   /* copy back the canonical spelling of a reference */
				json_array_set(list, k, json_object_get(wrapped, f->sub->fields[0].name));
				json_decref(wrapped);
			}
			if (rc == STORE_INVALID && errs->n == 0)
				errors_add(errs, path, "duplicate_item", "%s repeats an earlier item", path);
			if (rc)
				return rc;
		}
	}
	return STORE_OK;
}

static int write_keys(struct db *db, const struct entity *e, json_t *rec, int64_t id)
{
	struct entity_sql *s = sql_for(e);
	struct stmt *st = db_prepare(db, s->keys_delete);
	if (!st)
		return STORE_ERROR;
	db_bind_int(st, 1, id);
	int rc = steps_finish(st);
	struct buf text = BUF_INIT(1 << 20);
	search_text(&text, e, rec);
	char *save = NULL;
	for (char *line = strtok_r(text.data, "\n", &save); !rc && line; line = strtok_r(NULL, "\n", &save)) {
		if (!(st = db_prepare(db, s->keys_insert))) {
			rc = STORE_ERROR;
			break;
		}
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, line);
		rc = steps_finish(st);
	}
	buf_free(&text);
	return rc;
}

/* {"field": {"before": b, "after": a}} for every top-level field that differs; a side
 * that is absent (creation, deletion) is left out. Caller decrefs. */
static json_t *field_changes(const struct entity *e, const json_t *before, const json_t *after)
{
	json_t *changes = json_object();
	for (size_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;
		json_t *b = before ? json_object_get(before, name) : NULL;
		json_t *a = after ? json_object_get(after, name) : NULL;
		if ((!b || json_is_null(b)) && (!a || json_is_null(a)))
			continue;
		if (b && a && json_equal(b, a))
			continue;
		json_t *c = json_object();
		if (before)
			json_object_set(c, "before", b ? b : json_null());
		if (after)
			json_object_set(c, "after", a ? a : json_null());
		json_object_set_new(changes, name, c);
	}
	return changes;
}

int store_audit_write(struct db *db, const char *entity, const char *key, const char *action,
		      const json_t *changes)
{
	char *text = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	char at[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct stmt *st = db_prepare(db, "INSERT INTO audit (at, actor, via, entity, record_key, action, changes)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?)");
	int rc = STORE_ERROR;
	if (st && text) {
		db_bind_text(st, 1, at);
		db_bind_text(st, 2, db_actor(db));
		db_bind_text(st, 3, db_via(db));
		db_bind_text(st, 4, entity);
		db_bind_text(st, 5, key);
		db_bind_text(st, 6, action);
		db_bind_text(st, 7, text);
		rc = steps_finish(st);
	} else if (st) {
		db_done(st);
	}
	free(text);
	return rc;
}

/* Writes one row of the audit log for a change of e's record key. */
static int write_audit(struct db *db, const struct entity *e, const char *key, const char *action,
		       const json_t *before, const json_t *after)
{
	json_t *changes = field_changes(e, before, after);
	int rc = store_audit_write(db, e->name, key, action, changes);
	json_decref(changes);
	return rc;
}

int store_bump_data_version(struct db *db)
{
	struct stmt *st = db_prepare(db, "UPDATE data_version SET n = n + 1 WHERE id = 1");
	return st ? steps_finish(st) : STORE_ERROR;
}

int64_t store_data_version(struct db *db)
{
	return db_int1(db, "SELECT n FROM data_version WHERE id = 1", NULL, -1);
}

int store_put(struct db *db, const struct entity *e, json_t *rec, enum put_outcome *outcome,
	      struct errors *errs)
{
	struct entity_sql *s = sql_for(e);
	const char *key = record_str(rec, e->key);
	json_t *old = NULL;
	int64_t id = 0;
	int rc = key ? get_with_id(db, e, key, &old, &id) : STORE_NOT_FOUND;
	if (rc < 0)
		return rc;

	struct buf search = BUF_INIT(1 << 20);
	int search_col = has_search(e);
	if (search_col)
		search_text(&search, e, rec);

	struct stmt *st = db_prepare(db, old ? s->update : s->insert);
	if (!st) {
		json_decref(old);
		buf_free(&search);
		return STORE_ERROR;
	}
	int param = 1;
	rc = bind_fields(db, st, e, rec, "", &param, errs);
	if (!rc && search_col)
		db_bind_text(st, param++, buf_str(&search));
	buf_free(&search);
	if (!rc && old)
		db_bind_int(st, param++, id);
	if (rc) {
		db_done(st);
	} else if (old) {
		rc = steps_finish(st);
	} else {
		int step = db_step(st);
		if (step == DB_ROW)
			id = db_column_int(st, 0);
		db_done(st);
		rc = step == DB_ROW ? STORE_OK : step == DB_CONSTRAINT ? STORE_INVALID : map_db_rc(step);
	}
	if (!rc)
		rc = write_lists(db, e, rec, id, errs);
	if (!rc && e->keys_table)
		rc = write_keys(db, e, rec, id);
	if (!rc && (!old || !json_equal(old, rec))) {
		rc = store_bump_data_version(db);
		if (!rc)
			rc = write_audit(db, e, record_str(rec, e->key), old ? "update" : "create", old, rec);
	}
	if (rc == STORE_INVALID && errs->n == 0)
		errors_add(errs, "", "conflict", "the %s conflicts with a stored record (%s)", e->name, db_errmsg(db));
	if (!rc)
		*outcome = !old ? PUT_CREATED : json_equal(old, rec) ? PUT_UNCHANGED : PUT_UPDATED;
	json_decref(old);
	return rc;
}

int store_match_name(struct db *db, const struct entity *e, const char *name, char **keys, int max)
{
	if (!e->keys_table)
		return STORE_ERROR;
	struct stmt *st = db_prepare(db, sql_for(e)->keys_match);
	if (!st)
		return STORE_ERROR;
	char *key = fold_key(name);
	db_bind_text(st, 1, key);
	free(key);
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n < max)
			keys[n] = xstrdup(db_column_text(st, 0));
		n++;
	}
	db_done(st);
	return rc == DB_DONE ? n : map_db_rc(rc);
}

int list_query_set(struct list_query *q, const struct entity *e, const char *param, const char *value)
{
	int i = 0;
	for (const struct filter *f = e->filters; f && f->param; f++, i++) {
		if (strcmp(f->param, param) == 0) {
			q->filter[i] = value;
			return 0;
		}
	}
	return -1;
}

/* One SELECT DISTINCT per (entity, field), built on first use. */
struct values_sql {
	const struct entity *e;
	const struct field *f;
	char *sql;
	struct values_sql *next;
};
static struct values_sql *values_cache;

int store_values(struct db *db, const struct entity *e, const char *field, json_t **out)
{
	*out = NULL;
	const struct field *f = entity_field(e, field);
	if (!f || f->type == FT_LIST || f->type == FT_REF)
		return STORE_ERROR;
	pthread_mutex_lock(&sql_lock);
	struct values_sql *v;
	for (v = values_cache; v && !(v->e == e && v->f == f); v = v->next)
		;
	if (!v) {
		struct buf b = BUF_INIT(1024);
		buf_printf(&b, "SELECT DISTINCT %s FROM %s WHERE %s IS NOT NULL ORDER BY 1", f->name, e->table, f->name);
		v = xcalloc(1, sizeof *v);
		v->e = e;
		v->f = f;
		v->sql = buf_detach(&b);
		v->next = values_cache;
		values_cache = v;
	}
	pthread_mutex_unlock(&sql_lock);
	struct stmt *st = db_prepare(db, v->sql);
	if (!st)
		return STORE_ERROR;
	return steps_text_column(st, out);
}

int store_delete(struct db *db, const struct entity *e, const char *key, struct errors *errs)
{
	json_t *old;
	int64_t id;
	int rc = get_with_id(db, e, key, &old, &id);
	/* A city that coordinators keep is kept, like a record others refer to: the cascade
	 * on user_cities would quietly take it off their accounts, undoing what an operator
	 * set with c2c user role, and leave a coordinator with nothing to keep. The admin is
	 * told whose it is, and gives them other cities first. */
	if (!rc && e == &entity_city)
		rc = accounts_city_kept(db, id, key, errs);
	if (rc) {
		json_decref(old);
		return rc;
	}
	struct stmt *st = db_prepare(db, sql_for(e)->delete);
	rc = st ? (db_bind_int(st, 1, id), steps_finish(st)) : STORE_ERROR;
	if (rc == STORE_INVALID)
		errors_add(errs, "", "conflict", "the %s %s cannot be deleted: other records still refer to it", e->name, key);
	if (!rc)
		rc = store_bump_data_version(db);
	if (!rc)
		rc = write_audit(db, e, key, "delete", old, NULL);
	json_decref(old);
	return rc;
}

int store_audit_query_check(const struct audit_query *q, struct errors *errs)
{
	const char *dates[][2] = {{"from", q->from}, {"until", q->until}};
	struct pdate d;
	for (int i = 0; i < 2; i++)
		if (dates[i][1] && pdate_parse_iso(dates[i][1], &d))
			errors_add(errs, dates[i][0], "invalid_parameter", "%s must be a date YYYY-MM-DD (or YYYY-MM, or YYYY)",
				   dates[i][0]);
	return errs->n ? -1 : 0;
}

/* The audit log, newest first, filtered; see store.h. */
int store_audit_list(struct db *db, const struct audit_query *q, json_t **out)
{
	*out = NULL;
	struct stmt *st = db_prepare(db,
		"SELECT id, at, actor, via, entity, record_key, action, changes FROM audit"
		" WHERE (CAST(? AS TEXT) IS NULL OR entity = ?) AND (CAST(? AS TEXT) IS NULL OR record_key = ?)"
		" AND (CAST(? AS TEXT) IS NULL OR actor = ?) AND (CAST(? AS TEXT) IS NULL OR at >= ?)"
		" AND (CAST(? AS TEXT) IS NULL OR at < ?) AND (CAST(? AS TEXT) IS NULL OR id < CAST(? AS BIGINT))"
		" ORDER BY id DESC LIMIT ?");
	if (!st)
		return STORE_ERROR;
	const char *values[] = {q->entity, q->record, q->actor, q->from, q->until, q->before_id};
	int p = 1;
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		db_bind_text(st, p++, values[i]);
		db_bind_text(st, p++, values[i]);
	}
	db_bind_int(st, p, q->limit > 0 ? q->limit : 100);
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *changes = json_loads(db_column_text(st, 7), 0, NULL);
		json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			"id", (json_int_t)db_column_int(st, 0), "at", db_column_text(st, 1),
			"actor", db_column_text(st, 2), "via", db_column_text(st, 3),
			"entity", db_column_text(st, 4), "record", db_column_text(st, 5),
			"action", db_column_text(st, 6), "changes", changes ? changes : json_object()));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return map_db_rc(rc);
	}
	*out = rows;
	return STORE_OK;
}
