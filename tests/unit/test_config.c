/*
 * SSTS - unit tests for lib/config.c: the secrets a worker refuses to
 * start without (JWT_SECRET 32..128 bytes, ENCRYPTION_KEY 64 hex digits,
 * variety in production), SSTS_SESSION_HOURS bounds and the defaults.
 * Every case sets the whole environment it depends on first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"

#define GOOD_JWT	"0123456789abcdefghijklmnopqrstuv"	/* 32, varied */
#define GOOD_ENC	"00112233445566778899aabbccddeeff" \
			"0f1e2d3c4b5a69788796a5b4c3d2e1f0"

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return 0;
}

/* A known-good environment; each test changes one thing. */
static void
env_reset(void)
{
	setenv("JWT_SECRET", GOOD_JWT, 1);
	setenv("ENCRYPTION_KEY", GOOD_ENC, 1);
	unsetenv("SSTS_PRODUCTION");
	unsetenv("SSTS_SESSION_HOURS");
	unsetenv("DATABASE_URL");
	unsetenv("SSTS_ROOT");
}

static char *
repeat(char c, size_t n)
{
	static char	 s[512];

	assert_true(n < sizeof(s));
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * Runs config_load("test") with stderr captured; asserts it refused
 * with a message containing "why".
 */
static void
assert_refused(const char *why)
{
	FILE	*tmp;
	char	 msg[256];
	size_t	 n;
	int	 saved, rc;

	fflush(stderr);
	assert_non_null(tmp = tmpfile());
	assert_true((saved = dup(2)) >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	rc = config_load("test");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, sizeof(msg) - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(msg, why));
}

/* Runs first: a refused load leaves cfg unset. */
static void
test_first_refusal_leaves_cfg_null(void **state)
{
	(void)state;
	env_reset();
	unsetenv("JWT_SECRET");
	assert_refused("JWT_SECRET must be 32 to 128");
	assert_null(cfg);
}

static void
test_defaults(void **state)
{
	unsigned char	 enc[32];

	(void)state;
	env_reset();
	assert_int_equal(config_load("auth"), 1);
	assert_non_null(cfg);
	assert_string_equal(cfg->group, "auth");
	assert_string_equal(cfg->db_url, "postgresql:///ssts");
	assert_string_equal(cfg->root, ".");
	assert_int_equal(cfg->production, 0);
	assert_int_equal(cfg->session_ttl, 12 * 3600);
	assert_int_equal(cfg->jwt_keylen, 32);
	assert_memory_equal(cfg->jwt_key, GOOD_JWT, 32);
	assert_int_equal(sodium_hex2bin(enc, sizeof(enc), GOOD_ENC, 64, NULL,
	    NULL, NULL), 0);
	assert_memory_equal(cfg->enc_key, enc, 32);
	assert_memory_equal(cfg->dummy_hash, "$argon2id$", 10);
	setenv("DATABASE_URL", "postgresql:///other?host=/tmp", 1);
	setenv("SSTS_ROOT", "/srv/ssts", 1);
	assert_int_equal(config_load("tickets"), 1);
	assert_string_equal(cfg->group, "tickets");
	assert_string_equal(cfg->db_url, "postgresql:///other?host=/tmp");
	assert_string_equal(cfg->root, "/srv/ssts");
	/* Empty values mean "not set". */
	setenv("DATABASE_URL", "", 1);
	setenv("SSTS_SESSION_HOURS", "", 1);
	assert_int_equal(config_load("auth"), 1);
	assert_string_equal(cfg->db_url, "postgresql:///ssts");
	assert_int_equal(cfg->session_ttl, 12 * 3600);
}

static void
test_jwt_secret(void **state)
{
	(void)state;
	env_reset();
	unsetenv("JWT_SECRET");
	assert_refused("JWT_SECRET must be 32 to 128");
	setenv("JWT_SECRET", "", 1);
	assert_refused("JWT_SECRET must be 32 to 128");
	setenv("JWT_SECRET", "0123456789abcdefghijklmnopqrstu", 1);	/* 31 */
	assert_refused("JWT_SECRET must be 32 to 128");
	setenv("JWT_SECRET", GOOD_JWT, 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->jwt_keylen, 32);
	setenv("JWT_SECRET", repeat('k', 128), 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->jwt_keylen, 128);
	assert_memory_equal(cfg->jwt_key, repeat('k', 128), 128);
	setenv("JWT_SECRET", repeat('k', 129), 1);
	assert_refused("JWT_SECRET must be 32 to 128");
}

static void
test_encryption_key(void **state)
{
	(void)state;
	env_reset();
	unsetenv("ENCRYPTION_KEY");
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", "", 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", GOOD_ENC "0", 1);		/* 65 */
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", repeat('a', 63), 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", repeat('a', 62), 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	/* 64 characters that are not all hex digits. */
	setenv("ENCRYPTION_KEY", "g0112233445566778899aabbccddeeff"
	    "0f1e2d3c4b5a69788796a5b4c3d2e1f0", 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff"
	    "0f1e2d3c4b5a69788796a5b4c3d2e1fz", 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff"
	    "0f1e2d3c4b5a6978 796a5b4c3d2e1f0", 1);
	assert_refused("ENCRYPTION_KEY must be 64 hex");
	setenv("ENCRYPTION_KEY", "00112233445566778899AABBCCDDEEFF"
	    "0F1E2D3C4B5A69788796A5B4C3D2E1F0", 1);	/* upper case is hex */
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->enc_key[10], 0xaa);
	assert_int_equal(cfg->enc_key[31], 0xf0);
}

static void
test_production(void **state)
{
	(void)state;
	env_reset();
	setenv("JWT_SECRET", repeat('a', 32), 1);
	assert_int_equal(config_load("test"), 1);	/* not production */
	assert_int_equal(cfg->production, 0);
	setenv("SSTS_PRODUCTION", "1", 1);
	assert_refused("weak secrets refused in production");
	/* 11 distinct characters: still refused; 12 accepted. */
	setenv("JWT_SECRET", "0123456789a0123456789a0123456789a", 1);
	assert_refused("weak secrets refused in production");
	setenv("JWT_SECRET", "0123456789ab0123456789ab0123456789ab", 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->production, 1);
	/* A low-variety encryption key: 64 zero digits. */
	setenv("ENCRYPTION_KEY", repeat('0', 64), 1);
	assert_refused("weak secrets refused in production");
	setenv("ENCRYPTION_KEY", GOOD_ENC, 1);
	setenv("JWT_SECRET", GOOD_JWT, 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->production, 1);
	/* Only "1" means production. */
	setenv("JWT_SECRET", repeat('a', 32), 1);
	setenv("SSTS_PRODUCTION", "true", 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->production, 0);
}

static void
assert_hours_refused(const char *v)
{
	env_reset();
	setenv("SSTS_SESSION_HOURS", v, 1);
	assert_refused("SSTS_SESSION_HOURS must be 1..720");
}

static void
assert_hours(const char *v, int64_t ttl)
{
	env_reset();
	setenv("SSTS_SESSION_HOURS", v, 1);
	assert_int_equal(config_load("test"), 1);
	assert_int_equal(cfg->session_ttl, ttl);
}

static void
test_session_hours(void **state)
{
	(void)state;
	assert_hours_refused("0");
	assert_hours_refused("721");
	assert_hours_refused("abc");
	assert_hours_refused("-1");
	assert_hours_refused("12h");
	assert_hours_refused(" 12");
	assert_hours_refused("+12");
	assert_hours_refused("1.5");
	assert_hours_refused("99999999999999999999");
	assert_hours("12", 43200);
	assert_hours("1", 3600);
	assert_hours("720", 720 * 3600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_refusal_leaves_cfg_null),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_jwt_secret),
		cmocka_unit_test(test_encryption_key),
		cmocka_unit_test(test_production),
		cmocka_unit_test(test_session_hours),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
