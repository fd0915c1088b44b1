/* plan_write.c: saving a U-CAP from the web or the API (plan_write.h). */
#include "web/plan_write.h"
#include "core/plan.h"
#include "store/plans.h"

#include <string.h>

/* The record permission_allows() judges a plan by: its city, else its cooperation's
 * members. A cooperation that cannot be read leaves the plan nobody's but the admins'. */
static json_t *owner_record(struct req *r, const json_t *content)
{
	json_t *rec = json_object();
	json_t *city = json_object_get(content, "city");
	if (json_is_string(city)) {
		json_object_set(rec, "city", city);
		return rec;
	}
	const char *coop = json_string_value(json_object_get(content, "cooperation"));
	json_t *c = NULL;
	if (coop && store_get(r->db, &entity_cooperation, coop, &c) == STORE_OK)
		json_object_set(rec, "members", json_object_get(c, "members"));
	json_decref(c);
	return rec;
}

int plan_may(struct req *r, enum action action, const json_t *content)
{
	json_t *rec = owner_record(r, content);
	int ok = permission_allows(&r->user, action, &entity_plan, rec);
	json_decref(rec);
	return ok;
}

int plan_write(struct req *r, const char *slug, json_t *content, const json_t *old, const char *message,
	       int base, struct plan_saved *saved, struct errors *errs)
{
	enum action action = old ? ACT_UPDATE : ACT_CREATE;
	if (old && !plan_may(r, action, old))
		return 403;
	json_t *clean;
	if (plan_validate(content, &clean, errs))
		return 422;
	if (!plan_may(r, action, clean)) {   /* it must stay (or become) theirs */
		json_decref(clean);
		return 403;
	}
	int rc = store_plan_save(r->db, slug, clean, message, base, &saved->outcome, &saved->revision, errs);
	json_decref(clean);
	if (rc == STORE_CONFLICT)
		return 412;
	if (rc == STORE_INVALID)
		return errs->n && errs->e[0].code && strcmp(errs->e[0].code, "conflict") == 0 ? 409 : 422;
	return rc == STORE_OK ? 0 : rc == STORE_UNAVAILABLE ? 503 : 500;
}
