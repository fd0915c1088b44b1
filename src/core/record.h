/* record.h: validation and normalisation of records against their entity descriptor.
 *
 * A record is a jansson object shaped by its entity (entity.h). A normalised record has
 * every field of its entity: scalars as values or null, lists as arrays, text trimmed,
 * country codes upper-cased. Normalised records compare equal with json_equal() exactly
 * when they mean the same, which is how importers tell "unchanged" from "updated". */
#ifndef C2C_RECORD_H
#define C2C_RECORD_H
#include "core/entity.h"
#include "core/errors.h"

/* Validates `in` (not consumed) against e. On success returns 0 and a new normalised
 * record in *out (caller decrefs). On failure returns -1, adds one error per bad field
 * to errs and leaves *out NULL. */
int record_validate(const struct entity *e, json_t *in, json_t **out, struct errors *errs);

/* Fills a missing slug from the text of field `from`; returns 1 after adding an error when
 * that text has nothing to make a slug of (e.g. only Chinese characters), else 0. */
int record_default_slug(json_t *rec, const char *from, struct errors *errs);

/* Field accessors on a record; NULL/0 when absent or of another type. */
const char *record_str(const json_t *rec, const char *field);
long long record_int(const json_t *rec, const char *field);

/* A sentence describing what a valid value of f looks like ("a whole number between
 * 0 and 100000000"); used in error messages and as the hint of form fields. */
const char *field_rule(const struct field *f, char *out, size_t size);

#endif
