/* permission.c: what each role may do, declared once as a table.
 *
 * The dispatcher asks permission_scope() before a handler runs (is this action on this
 * kind of record possible at all for the role?); the core asks permission_allows() with
 * the record itself before writing it (is this record the user's?). Tests generate the
 * access-control matrix from the same table. Anything not listed is refused. */
#include "core/account.h"
#include "core/plan.h"
#include "core/record.h"

#include <string.h>

static const struct rule {
	enum role role;
	enum action action;
	const struct entity *e;   /* NULL: every kind of record */
	enum scope scope;
} rules[] = {
	{ROLE_ADMIN, ACT_READ_INTERNAL, NULL, SCOPE_ALL},
	{ROLE_ADMIN, ACT_CREATE, NULL, SCOPE_ALL},
	{ROLE_ADMIN, ACT_UPDATE, NULL, SCOPE_ALL},
	{ROLE_ADMIN, ACT_DELETE, NULL, SCOPE_ALL},
	{ROLE_ADMIN, ACT_MANAGE_USERS, NULL, SCOPE_ALL},

	/* A coordinator keeps the cities on their account and the cooperations those cities
	 * belong to; they may start a cooperation of one of their cities. */
	{ROLE_COORDINATOR, ACT_READ_INTERNAL, NULL, SCOPE_ALL},
	{ROLE_COORDINATOR, ACT_UPDATE, &entity_city, SCOPE_OWN},
	{ROLE_COORDINATOR, ACT_UPDATE, &entity_cooperation, SCOPE_OWN},
	{ROLE_COORDINATOR, ACT_CREATE, &entity_cooperation, SCOPE_OWN},
	/* ... and the action plans (U-CAPs) of those cities and cooperations. */
	{ROLE_COORDINATOR, ACT_UPDATE, &entity_plan, SCOPE_OWN},
	{ROLE_COORDINATOR, ACT_CREATE, &entity_plan, SCOPE_OWN},

	{ROLE_MEMBER, ACT_READ_INTERNAL, NULL, SCOPE_ALL},
};

static const char *const role_names[] = {"anonymous", "member", "coordinator", "admin"};

const char *role_name(enum role r)
{
	return r <= ROLE_ADMIN ? role_names[r] : "unknown";
}

int role_from_name(const char *name, enum role *out)
{
	for (int r = ROLE_MEMBER; r <= ROLE_ADMIN; r++) {
		if (strcmp(name, role_names[r]) == 0) {
			*out = (enum role)r;
			return 0;
		}
	}
	return -1;
}

enum scope permission_scope(enum role role, enum action action, const struct entity *e)
{
	if (e && (e->flags & ENT_TAXONOMY) && action != ACT_READ_INTERNAL)
		return SCOPE_NONE;   /* taxonomies change only by migration */
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (rules[i].role == role && rules[i].action == action && (!rules[i].e || rules[i].e == e))
			return rules[i].scope;
	return SCOPE_NONE;
}

static int keeps_city(const struct user *user, const char *slug)
{
	for (size_t i = 0; slug && i < user->ncities; i++)
		if (strcmp(user->cities[i], slug) == 0)
			return 1;
	return 0;
}

/* A city is the user's when it is one of theirs; a cooperation when one of its members is;
 * a plan when its city is, or, for a plan of a cooperation, when one of the cooperation's
 * members is (the store puts them in "members"). */
static int owns(const struct user *user, const struct entity *e, const json_t *rec)
{
	if (e == &entity_city)
		return keeps_city(user, record_str(rec, "slug"));
	if (e == &entity_plan && record_str(rec, "city"))
		return keeps_city(user, record_str(rec, "city"));
	if (e == &entity_cooperation || e == &entity_plan) {
		size_t i;
		json_t *m;
		json_array_foreach(json_object_get(rec, "members"), i, m)
			if (keeps_city(user, json_string_value(m)))
				return 1;
	}
	return 0;
}

int permission_allows(const struct user *user, enum action action, const struct entity *e, const json_t *rec)
{
	switch (permission_scope(user->role, action, e)) {
	case SCOPE_ALL: return 1;
	case SCOPE_OWN: return !rec || owns(user, e, rec);
	default: return 0;
	}
}
