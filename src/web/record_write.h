/* record_write.h: the one way the web (JSON API and forms) changes a record of the
 * generic kinds (cities, cooperations, programmes). Each call checks the user's right
 * to the record as it was and as it will be (permission_allows: the declared rules),
 * validates with references (store_validate), and writes in the caller's transaction.
 * Handlers may check earlier, to answer 403 before they compare versions, but the check
 * here holds whatever a handler does. Plans have their own door: plan_write.h. */
#ifndef C2C_RECORD_WRITE_H
#define C2C_RECORD_WRITE_H
#include "core/errors.h"
#include "core/entity.h"
#include "web/req.h"

#include <jansson.h>

/* Saves input (not consumed) as a record of e: a new one when old is NULL (refused with
 * an "exists" error naming the key when one has its key), else the new version of old.
 * Returns 0 with the record's key in key, or the HTTP status of the failure: 403 (not
 * the user's to write, before or after), 422 (invalid; errs), 409 (exists, or a conflict
 * the store found; errs), 5xx. */
int record_write(struct req *r, const struct entity *e, const json_t *old, json_t *input, char *key,
		 size_t keysize, struct errors *errs);

/* Deletes old (the stored record) when the user may: 0, 403, 409 (others refer to it;
 * errs), 404 (gone meanwhile) or 5xx. */
int record_remove(struct req *r, const struct entity *e, const json_t *old, struct errors *errs);

#endif
