/* record_write.c: changing a record from the web, checked; see record_write.h. */
#include "web/record_write.h"
#include "core/account.h"
#include "core/record.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* A store code as the HTTP status of a failed write; errs decide between 409 and 422. */
static int status_of(int rc, const struct errors *errs)
{
	if (rc == STORE_INVALID)
		return errs->n && strcmp(errs->e[0].code, "conflict") == 0 ? 409 : 422;
	if (rc == STORE_NOT_FOUND)
		return 404;
	return rc == STORE_UNAVAILABLE ? 503 : 500;
}

int record_write(struct req *r, const struct entity *e, const json_t *old, json_t *input, char *key,
		 size_t keysize, struct errors *errs)
{
	enum action action = old ? ACT_UPDATE : ACT_CREATE;
	if (old && !permission_allows(&r->user, action, e, old))
		return 403;
	json_t *rec;
	int rc = store_validate(r->db, e, input, &rec, errs);
	if (rc)
		return status_of(rc, errs);
	if (!permission_allows(&r->user, action, e, rec)) {   /* it must stay (or become) theirs */
		json_decref(rec);
		return 403;
	}
	snprintf(key, keysize, "%s", record_str(rec, e->key));
	json_t *existing = NULL;
	if (!old && store_get(r->db, e, key, &existing) == STORE_OK) {
		json_decref(existing);
		json_decref(rec);
		errors_add(errs, e->key, "exists", "a %s with %s %s exists already", e->name, e->key, key);
		return 409;
	}
	enum put_outcome outcome;
	rc = store_put(r->db, e, rec, &outcome, errs);
	json_decref(rec);
	return rc ? status_of(rc, errs) : 0;
}

int record_remove(struct req *r, const struct entity *e, const json_t *old, struct errors *errs)
{
	if (!permission_allows(&r->user, ACT_DELETE, e, old))
		return 403;
	int rc = store_delete(r->db, e, record_str(old, e->key), errs);
	return rc ? status_of(rc, errs) : 0;
}
