/*
 * SSTS - unit tests for the parts of lib/users.c and lib/audit.c that
 * need no database: usr_read() for each mode (what is required, what is
 * ignored, roles, the password policy, null and repeated fields), the
 * result table, and audit_changes().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "users.h"

static struct req	 r;

static int
setup(void **state)
{
	(void)state;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, REQ_ARENA_CAP);
	return 0;
}

static int
teardown(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < r.nowned; i++)
		cJSON_Delete(r.owned[i]);
	arena_free(&r.arena);
	return 0;
}

static void
json(const char *s)
{
	assert_int_equal(json_body_parse(&r.arena, s, strlen(s), &r.in),
	    CORE_OK);
}

static void
form(const char *s)
{
	assert_int_equal(form_parse(&r.arena, s, strlen(s), &r.in), CORE_OK);
}

static void
test_create_valid(void **state)
{
	struct field	 f[UK__MAX];
	struct usr_fields u;

	(void)state;
	json("{\"name\":\" Ann Agent \",\"email\":\" Ann@Example.COM \","
	    "\"password\":\"Passw0rd<b>&\",\"role\":\"agent\","
	    "\"is_active\":false}");
	assert_int_equal(usr_read(&r, USR_CREATE, f, &u), 0);
	assert_string_equal(u.name, "Ann Agent");
	assert_string_equal(u.email, "ann@example.com");
	/* never altered before hashing */
	assert_string_equal(u.password, "Passw0rd<b>&");
	assert_int_equal(u.role, ROLE_AGENT);
	/* a create does not read is_active */
	assert_int_equal(u.active, -1);
	assert_int_equal(f[UK_ACTIVE].present, 0);
}

static void
test_create_required(void **state)
{
	struct field	 f[UK__MAX];
	struct usr_fields u;

	(void)state;
	json("{}");
	assert_int_equal(usr_read(&r, USR_CREATE, f, &u), 4);
	assert_string_equal(f[UK_NAME].err, "is required");
	assert_string_equal(f[UK_EMAIL].err, "is required");
	assert_string_equal(f[UK_ROLE].err, "is required");
	assert_string_equal(f[UK_PASSWORD].err, "is required");
	assert_null(f[UK_OLD_PASSWORD].err);
	assert_null(u.name);
	assert_null(u.password);
}

static void
test_roles(void **state)
{
	static const char *const bad[] = { "boss", "Admin", "ad min", "",
	    "client\\u0001" };
	struct field	 f[UK__MAX];
	struct usr_fields u;
	size_t		 i;
	char		 body[96];

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r.in, 0, sizeof(r.in));
		snprintf(body, sizeof(body), "{\"role\":\"%s\"}", bad[i]);
		json(body);
		assert_int_equal(usr_read(&r, USR_UPDATE, f, &u), 1);
		assert_non_null(f[UK_ROLE].err);
		assert_int_equal(u.role, ROLE_NONE);
	}
	memset(&r.in, 0, sizeof(r.in));
	/* a role is a line: trimmed like every other one */
	json("{\"role\":\" admin \"}");
	assert_int_equal(usr_read(&r, USR_UPDATE, f, &u), 0);
	assert_int_equal(u.role, ROLE_ADMIN);
}

static void
test_password_policy(void **state)
{
	static const char *const weak[] = { "short1A", "alllowercase1",
	    "ALLUPPERCASE1", "NoDigitsHere" };
	struct field	 f[UK__MAX];
	struct usr_fields u;
	char		 body[512], longpw[130];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		memset(&r.in, 0, sizeof(r.in));
		snprintf(body, sizeof(body), "{\"password\":\"%s\"}", weak[i]);
		json(body);
		assert_int_equal(usr_read(&r, USR_PASSWORD, f, &u), 1);
		assert_non_null(f[UK_PASSWORD].err);
		assert_null(u.password);
	}
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	memcpy(longpw, "Aa1", 3);
	memset(&r.in, 0, sizeof(r.in));
	snprintf(body, sizeof(body), "{\"password\":\"%s\"}", longpw);
	json(body);
	assert_int_equal(usr_read(&r, USR_PASSWORD, f, &u), 1);
	assert_string_equal(f[UK_PASSWORD].err,
	    "must be at most 128 characters");
}

static void
test_update_ignores_passwords(void **state)
{
	struct field	 f[UK__MAX];
	struct usr_fields u;

	(void)state;
	/* An update never reads a new password, even a weak one; the
	 * current one (for an e-mail change) may be left empty. */
	form("is_active=off&password=x&old_password=");
	assert_int_equal(usr_read(&r, USR_UPDATE, f, &u), 0);
	assert_int_equal(u.active, 0);
	assert_null(u.password);
	assert_string_equal(u.old_password, "");
	assert_null(u.name);
	assert_null(u.email);
	assert_int_equal(u.role, ROLE_NONE);
}

static void
test_null_and_repeated(void **state)
{
	struct field	 f[UK__MAX];
	struct usr_fields u;

	(void)state;
	json("{\"name\":null,\"email\":null,\"is_active\":null}");
	assert_int_equal(usr_read(&r, USR_UPDATE, f, &u), 3);
	assert_string_equal(f[UK_NAME].err, "cannot be null");
	assert_string_equal(f[UK_ACTIVE].err, "cannot be null");
	memset(&r.in, 0, sizeof(r.in));
	form("name=Ann&name=Bob");
	assert_int_equal(usr_read(&r, USR_UPDATE, f, &u), 1);
	assert_string_equal(f[UK_NAME].err, "must be given only once");
	assert_null(u.name);
}

static void
test_password_mode(void **state)
{
	struct field	 f[UK__MAX];
	struct usr_fields u;

	(void)state;
	json("{\"old_password\":\"Whatever1\"}");
	assert_int_equal(usr_read(&r, USR_PASSWORD, f, &u), 1);
	assert_string_equal(f[UK_PASSWORD].err, "is required");
	memset(&r.in, 0, sizeof(r.in));
	/* The current password is not held to today's policy. */
	json("{\"password\":\"NewPassw0rd\",\"old_password\":\"old\"}");
	assert_int_equal(usr_read(&r, USR_PASSWORD, f, &u), 0);
	assert_string_equal(u.old_password, "old");
	assert_string_equal(u.password, "NewPassw0rd");
	/* name and role are not read by a password change */
	memset(&r.in, 0, sizeof(r.in));
	json("{\"password\":\"NewPassw0rd\",\"role\":\"boss\",\"name\":\"\"}");
	assert_int_equal(usr_read(&r, USR_PASSWORD, f, &u), 0);
}

static void
test_results(void **state)
{
	int	 i;

	(void)state;
	assert_int_equal(usr_status(USR_OK), 200);
	assert_int_equal(usr_status(USR_NOTFOUND), 404);
	assert_int_equal(usr_status(USR_DUP), 400);
	assert_int_equal(usr_status(USR_LAST_ADMIN), 409);
	assert_int_equal(usr_status(USR_FORBIDDEN), 403);
	assert_int_equal(usr_status(USR_ADMIN_ONLY), 403);
	assert_int_equal(usr_status(USR_BAD_OLD), 401);
	assert_int_equal(usr_status(USR_DB), 503);
	assert_int_equal(usr_status(USR_RESULT__MAX), 500);
	assert_string_equal(usr_message(USR_NOTFOUND), "User not found");
	assert_string_equal(usr_message(USR_DUP), "Email already registered");
	assert_string_equal(usr_message(USR_BAD_OLD),
	    "Invalid current password");
	for (i = 0; i < USR_RESULT__MAX; i++)
		assert_non_null(usr_message((enum usr_result)i));
}

static void
test_audit_changes(void **state)
{
	cJSON	*before, *after, *a;
	char	*s;

	(void)state;
	before = req_own(&r, cJSON_Parse("{\"name\":\"A\",\"role\":\"agent\","
	    "\"is_active\":true}"));
	after = req_own(&r, cJSON_Parse("{\"name\":\"A\",\"role\":\"admin\","
	    "\"is_active\":false,\"email\":\"x@y.z\"}"));
	a = audit_changes(&r, before, after);
	s = cJSON_PrintUnformatted(a);
	assert_string_equal(s, "{\"changes\":{"
	    "\"role\":{\"from\":\"agent\",\"to\":\"admin\"},"
	    "\"is_active\":{\"from\":true,\"to\":false},"
	    "\"email\":{\"from\":null,\"to\":\"x@y.z\"}}}");
	cJSON_free(s);
	a = audit_changes(&r, before, before);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a,
	    "changes")), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_valid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_policy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_update_ignores_passwords,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_and_repeated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_password_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_changes, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
