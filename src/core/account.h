/* account.h: who is asking, and what they may do.
 *
 * A user has a role; a coordinator also has the cities they keep. The rules of what each
 * role may do to each kind of record are declared once, as a table (permission.c), and
 * enforced in two places that cannot be skipped: the dispatcher checks the route's action
 * before any handler runs, and the core checks the record's ownership before a write. */
#ifndef C2C_ACCOUNT_H
#define C2C_ACCOUNT_H
#include "core/entity.h"

#include <stddef.h>
#include <stdint.h>

enum role { ROLE_ANONYMOUS = 0, ROLE_MEMBER, ROLE_COORDINATOR, ROLE_ADMIN };

enum action {
	ACT_READ_INTERNAL,   /* fields and pages not shown to the public */
	ACT_CREATE,
	ACT_UPDATE,
	ACT_DELETE,
	ACT_MANAGE_USERS,    /* accounts, tokens, the audit log */
};

/* How far a permission reaches. */
enum scope {
	SCOPE_NONE = 0,
	SCOPE_OWN,           /* records of the user's cities (see permission.c) */
	SCOPE_ALL,
};

#define USER_CITIES_MAX 32
#define LOGIN_MAX 64

/* The signed-in user of a request (or the CLI's operator). */
struct user {
	int64_t id;                          /* 0 for anonymous */
	char login[LOGIN_MAX + 1];
	enum role role;
	size_t ncities;
	char cities[USER_CITIES_MAX][65];    /* slugs of the cities a coordinator keeps */
};

const char *role_name(enum role r);
int role_from_name(const char *name, enum role *out);   /* 0, or -1 if unknown */

/* The scope the table grants `role` for `action` on records of e (e may be NULL for
 * ACT_MANAGE_USERS). */
enum scope permission_scope(enum role role, enum action action, const struct entity *e);

/* Whether user may do action on the record rec of e (rec may be NULL for a check before
 * the record is known: then SCOPE_OWN counts as allowed, and the record check follows).
 * For a coordinator, a city is theirs when its slug is one of theirs; a cooperation is
 * theirs when one of its members is. */
int permission_allows(const struct user *user, enum action action, const struct entity *e,
		      const json_t *rec);

#endif
