/* entity.h: every kind of record is described once, as a table of fields.
 *
 * The descriptor drives everything that would otherwise be written per entity:
 * validation and normalisation of input (record.c), the SQL that stores and loads it
 * (store/records.c), the JSON of the API and the export (the record *is* a jansson
 * object shaped by the table), list filters, and the HTML of pages and forms. Code is
 * written by hand only where an entity really differs: its `check` hook for rules that
 * span several fields, and its pages.
 *
 * Storage conventions that follow from a descriptor:
 *   - a record lives in `table`, with an integer `id` and one column per scalar field
 *     (FT_REF fields are stored as `<name>_id`);
 *   - an FT_LIST field lives in the table of its `sub` entity, with columns owner_id and
 *     position plus one column per sub field;
 *   - a table with FF_SEARCH fields has a `search_key` column holding their folded text
 *     (str.h fold_key), maintained on every write and matched by the q filter. */
#ifndef C2C_ENTITY_H
#define C2C_ENTITY_H
#include <jansson.h>
#include <stddef.h>

enum ftype {
	FT_TEXT,      /* UTF-8 text; min/max bound its length in characters */
	FT_SLUG,      /* lower-case ASCII words joined by '-' */
	FT_INT,       /* whole number within [min, max] */
	FT_REAL,      /* number within [min, max] */
	FT_ENUM,      /* one of `choices` */
	FT_DATE,      /* partial ISO date: 2018, 2018-07, 2018-07-14 */
	FT_COUNTRY,   /* ISO 3166-1 alpha-2 code */
	FT_REF,       /* the key of a record of `ref` (a slug, or a taxonomy name) */
	FT_LIST,      /* rows of `sub`, at most max of them */
};

enum {
	FF_REQUIRED  = 1 << 0,   /* must be present and not empty */
	FF_MULTILINE = 1 << 1,   /* newlines allowed; a text area in forms */
	FF_SEARCH    = 1 << 2,   /* part of the text the q filter matches */
	FF_INTERNAL  = 1 << 3,   /* not shown to the public (later: members and up) */
};

struct entity;

struct field {
	const char *name;            /* JSON key, SQL column, form field */
	enum ftype type;
	unsigned flags;              /* FF_* */
	double min, max;             /* see enum ftype */
	const char *label;           /* for people: forms, tables, error messages */
	const char *const *choices;  /* FT_ENUM: NULL-terminated */
	const struct entity *ref;    /* FT_REF: the entity referred to */
	const struct entity *sub;    /* FT_LIST: the entity of one row */
};

/* A list filter: a query parameter and the SQL condition it adds. In `sql` the listed
 * table is aliased `r`; every '?' is bound to the (validated) value. */
enum filter_kind { FILTER_EQ, FILTER_LIKE };
struct filter {
	const char *param;
	enum ftype type;             /* how the value is validated (FT_SLUG, FT_INT, ...) */
	enum filter_kind kind;       /* FILTER_LIKE binds "%folded value%" */
	double min, max;
	const char *const *choices;
	const char *sql;
	const char *label;           /* for the filter form */
};

enum {
	ENT_SCALAR_ROW = 1 << 0,     /* a list row is the bare value of its one field */
	ENT_TAXONOMY   = 1 << 1,     /* loaded by migration; read-only through the API */
};

struct errors;

struct entity {
	const char *name;            /* "city" */
	const char *plural;          /* "cities": URL segment, export key */
	const char *table;
	const char *key;             /* field naming a record in URLs and references */
	const struct field *fields;
	size_t nfields;
	unsigned flags;              /* ENT_* */
	const struct filter *filters;  /* NULL-terminated by param; may be NULL */
	const char *order;           /* column lists are sorted by (unique) */
	/* Rules spanning several fields, and derived values, after every field is valid.
	 * May change rec; adds to errs; returns the number of errors added. */
	int (*check)(json_t *rec, struct errors *errs);
	/* Table of folded names (owner_id, key) kept for matching records by any of their
	 * names, ignoring case and accents (str.h fold_key); NULL when not needed. */
	const char *keys_table;
};

const struct field *entity_field(const struct entity *e, const char *name);

/* The records c2c knows, in the order an export lists them. */
extern const struct entity entity_programme, entity_city, entity_cooperation;
extern const struct entity entity_topic, entity_sdg, entity_urban_agenda;
extern const struct entity *const entities[];          /* NULL-terminated */
const struct entity *entity_by_plural(const char *plural);
const struct entity *entity_by_name(const char *name);      /* "city" -> &entity_city */

#endif
