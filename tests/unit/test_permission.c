/* test_permission.c: the role x action x record table and ownership (core/permission.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/account.h"

#include <string.h>

static struct user make_user(enum role role, const char *city)
{
	struct user u;
	memset(&u, 0, sizeof u);
	u.role = role;
	snprintf(u.login, sizeof u.login, "%s", role_name(role));
	if (city) {
		snprintf(u.cities[0], sizeof u.cities[0], "%s", city);
		u.ncities = 1;
	}
	return u;
}

static void roles_by_name(void **state)
{
	enum role r;
	assert_int_equal(role_from_name("coordinator", &r), 0);
	assert_int_equal(r, ROLE_COORDINATOR);
	assert_int_equal(role_from_name("anonymous", &r), -1);   /* not a role one can give */
	assert_int_equal(role_from_name("root", &r), -1);
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
}

static void coordinator_of_nice(void **state)
{
	struct user u = make_user(ROLE_COORDINATOR, "nice");
	json_t *nice = json_pack("{s:s}", "slug", "nice"), *rome = json_pack("{s:s}", "slug", "rome");
	json_t *pairing = json_pack("{s:s, s:[ss]}", "slug", "nice-haikou", "members", "nice", "haikou");
	json_t *other = json_pack("{s:s, s:[ss]}", "slug", "rome-x", "members", "rome", "granada");
	assert_true(permission_allows(&u, ACT_UPDATE, &entity_city, nice));
	assert_false(permission_allows(&u, ACT_UPDATE, &entity_city, rome));
	assert_true(permission_allows(&u, ACT_UPDATE, &entity_cooperation, pairing));
	assert_false(permission_allows(&u, ACT_UPDATE, &entity_cooperation, other));
	assert_true(permission_allows(&u, ACT_CREATE, &entity_cooperation, pairing));
	assert_false(permission_allows(&u, ACT_CREATE, &entity_city, nice));
	assert_false(permission_allows(&u, ACT_DELETE, &entity_city, nice));
	assert_false(permission_allows(&u, ACT_UPDATE, &entity_programme, NULL));
	assert_false(permission_allows(&u, ACT_MANAGE_USERS, NULL, NULL));
	assert_true(permission_allows(&u, ACT_UPDATE, &entity_city, NULL));   /* before the record is known */
	json_decref(nice);
	json_decref(rome);
	json_decref(pairing);
	json_decref(other);
}

/* Every role against every write: admin everything, member and visitor nothing. */
static void the_matrix(void **state)
{
	const struct entity *kinds[] = {&entity_programme, &entity_city, &entity_cooperation};
	const enum action writes[] = {ACT_CREATE, ACT_UPDATE, ACT_DELETE};
	struct user admin = make_user(ROLE_ADMIN, NULL), member = make_user(ROLE_MEMBER, "nice");
	struct user anonymous = make_user(ROLE_ANONYMOUS, NULL);
	json_t *rec = json_pack("{s:s, s:[ss]}", "slug", "nice", "members", "nice", "haikou");
	for (size_t k = 0; k < 3; k++) {
		for (size_t a = 0; a < 3; a++) {
			assert_true(permission_allows(&admin, writes[a], kinds[k], rec));
			assert_false(permission_allows(&member, writes[a], kinds[k], rec));
			assert_false(permission_allows(&anonymous, writes[a], kinds[k], rec));
		}
	}
	assert_false(permission_allows(&admin, ACT_UPDATE, &entity_topic, NULL));   /* taxonomies */
	assert_true(permission_allows(&member, ACT_READ_INTERNAL, &entity_city, rec));
	assert_false(permission_allows(&anonymous, ACT_READ_INTERNAL, &entity_city, rec));
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_by_name), cmocka_unit_test(coordinator_of_nice), cmocka_unit_test(the_matrix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
