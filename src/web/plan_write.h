/* plan_write.h: what the JSON API and the forms share when they save a U-CAP: the
 * ownership check on the revision before and after the change, validation, and the save
 * as a new revision. */
#ifndef C2C_PLAN_WRITE_H
#define C2C_PLAN_WRITE_H
#include "core/account.h"
#include "core/errors.h"
#include "store/store.h"
#include "web/req.h"

#include <jansson.h>

/* Whether the request's user may do action to a plan with this content (its city, or for
 * a plan of a cooperation, the cooperation's members, decide). */
int plan_may(struct req *r, enum action action, const json_t *content);

struct plan_saved {
	int revision;                 /* now current */
	enum put_outcome outcome;
};

/* Validates content (not consumed), checks that the user may write the plan as it was
 * (old, NULL for a new plan) and as it will be, and saves it as a new revision of slug
 * started from base (see store_plan_save). Returns 0, or the HTTP status of the failure
 * with errs filled for 422 (invalid) and 409 (a reference problem the store found);
 * 403 when not allowed; 412 when base is not the current revision; 5xx when the store
 * failed. */
int plan_write(struct req *r, const char *slug, json_t *content, const json_t *old, const char *message,
	       int base, struct plan_saved *saved, struct errors *errs);

#endif
