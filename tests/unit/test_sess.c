/*
 * SSTS - unit tests for the pure parts of lib/sess.c: role names, and
 * the CSRF form token (HMAC-SHA256 of "csrf:" seed under JWT_SECRET,
 * base64url without padding) with its constant-time comparison.  The
 * expected tokens are recomputed here with libsodium's own HMAC and
 * base64 encoder, not with lib/ code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define SECRET	"sess-test-secret-0123456789ABCDEFGH"

static struct req	 r;

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	setenv("JWT_SECRET", SECRET, 1);
	setenv("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", 1);
	unsetenv("SSTS_PRODUCTION");
	unsetenv("SSTS_SESSION_HOURS");
	if (!config_load("test"))
		return -1;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&r.arena);
	return 0;
}

/* The expected token, computed independently of lib/sess.c. */
static void
expected_token(const char *seed, char out[64])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[32];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET,
	    strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)seed,
	    strlen(seed));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, 64, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void
test_role_round_trip(void **state)
{
	enum role	 i;

	(void)state;
	assert_string_equal(role_name(ROLE_CLIENT), "client");
	assert_string_equal(role_name(ROLE_AGENT), "agent");
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	for (i = ROLE_CLIENT; i < ROLE__MAX; i++)
		assert_int_equal(role_parse(role_name(i)), i);
	assert_string_equal(role_name(ROLE_NONE), "");
	assert_string_equal(role_name(ROLE__MAX), "");
	assert_string_equal(role_name((enum role)99), "");
}

static void
test_role_unknown(void **state)
{
	(void)state;
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_int_equal(role_parse(""), ROLE_NONE);
	assert_int_equal(role_parse("Admin"), ROLE_NONE);
	assert_int_equal(role_parse("ADMIN"), ROLE_NONE);
	assert_int_equal(role_parse("admin "), ROLE_NONE);
	assert_int_equal(role_parse(" admin"), ROLE_NONE);
	assert_int_equal(role_parse("adm"), ROLE_NONE);
	assert_int_equal(role_parse("administrator"), ROLE_NONE);
	assert_int_equal(role_parse("none"), ROLE_NONE);
	assert_int_equal(role_parse("superuser"), ROLE_NONE);
}

static int
is_b64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static void
test_csrf_make(void **state)
{
	char	 want[64], other[64];

	(void)state;
	assert_non_null(cfg);
	memset(r.csrf, 'Z', sizeof(r.csrf));
	csrf_make(&r, r.csrf, "seed");
	assert_int_equal(strlen(r.csrf), 43);
	assert_true(is_b64url(r.csrf));
	expected_token("seed", want);
	assert_string_equal(r.csrf, want);
	/* Deterministic; other seeds give other tokens. */
	csrf_make(&r, other, "seed");
	assert_string_equal(other, r.csrf);
	csrf_make(&r, other, "seed2");
	assert_string_not_equal(other, r.csrf);
	expected_token("seed2", want);
	assert_string_equal(other, want);
	csrf_make(&r, other, "");
	assert_int_equal(strlen(other), 43);
	assert_string_not_equal(other, r.csrf);
	/* A NULL seed gives the empty token, which nothing matches. */
	csrf_make(&r, other, NULL);
	assert_string_equal(other, "");
}

static void
test_csrf_ok(void **state)
{
	char	 t[80];
	size_t	 i;

	(void)state;
	csrf_make(&r, r.csrf, "seed");
	assert_int_equal(strlen(r.csrf), 43);
	memcpy(t, r.csrf, 44);
	assert_int_equal(csrf_ok(&r, t), 1);
	/* One character changed, at each position. */
	for (i = 0; i < 43; i++) {
		memcpy(t, r.csrf, 44);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		assert_int_equal(csrf_ok(&r, t), 0);
	}
	/* Shorter and longer. */
	memcpy(t, r.csrf, 44);
	t[42] = '\0';
	assert_int_equal(csrf_ok(&r, t), 0);
	memcpy(t, r.csrf, 43);
	t[43] = 'A';
	t[44] = '\0';
	assert_int_equal(csrf_ok(&r, t), 0);
	memcpy(t, r.csrf, 43);
	t[43] = '=';
	t[44] = '\0';
	assert_int_equal(csrf_ok(&r, t), 0);
	assert_int_equal(csrf_ok(&r, ""), 0);
	/* Another seed's token is refused. */
	csrf_make(&r, t, "seed2");
	assert_int_equal(csrf_ok(&r, t), 0);
}

static void
test_csrf_ok_without_token(void **state)
{
	(void)state;
	/* No token for this request: even "" must not match "". */
	r.csrf[0] = '\0';
	assert_int_equal(csrf_ok(&r, ""), 0);
	assert_int_equal(csrf_ok(&r, "x"), 0);
	csrf_make(&r, r.csrf, NULL);
	assert_int_equal(csrf_ok(&r, ""), 0);
}

/* The token depends on JWT_SECRET. */
static void
test_csrf_key(void **state)
{
	char	 a[64], b[64];

	(void)state;
	csrf_make(&r, a, "seed");
	setenv("JWT_SECRET", SECRET "x", 1);
	assert_int_equal(config_load("test"), 1);
	csrf_make(&r, b, "seed");
	assert_int_equal(strlen(b), 43);
	assert_string_not_equal(a, b);
	setenv("JWT_SECRET", SECRET, 1);
	assert_int_equal(config_load("test"), 1);
	csrf_make(&r, b, "seed");
	assert_string_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_round_trip),
		cmocka_unit_test(test_role_unknown),
		cmocka_unit_test(test_csrf_make),
		cmocka_unit_test(test_csrf_ok),
		cmocka_unit_test(test_csrf_ok_without_token),
		cmocka_unit_test(test_csrf_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
