/* form.h: HTML forms generated from entity descriptors, and the way back.
 *
 * form_fields() writes a labelled control for every field of an entity, with the values of
 * a record and each error beside its field; form_to_json() turns the submitted name/value
 * pairs back into a record for record_validate(). Values the user typed that are not of
 * the field's type (e.g. "12a" for a population) stay strings, so validation names them and
 * the form shows them again as typed. Lists: scalar lists of taxonomy references are
 * checkboxes, other scalar lists a text area with one item per line, lists of objects a
 * table of rows (existing rows plus empty ones to add; empty rows are dropped). */
#ifndef C2C_FORM_H
#define C2C_FORM_H
#include "core/entity.h"
#include "core/errors.h"
#include "web/req.h"

#include <jansson.h>

#define FORM_EXTRA_ROWS 3   /* empty rows offered under a list of objects */

/* Controls for the fields of e filled from rec; the key field is read-only when editing. */
void form_fields(struct req *r, const struct entity *e, const json_t *rec, const struct errors *errs,
		 int editing);
/* A new record (caller decrefs) from submitted pairs; names not of e are ignored. */
json_t *form_to_json(const struct entity *e, const struct req_arg *pairs, size_t n);

#endif
