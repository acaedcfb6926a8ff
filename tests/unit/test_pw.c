/*
 * SSTS - unit tests for lib/pw.c: the password policy (lengths counted
 * in UTF-8 characters, the three character classes), argon2id hashing
 * and verification, and the dummy verification used for unknown
 * accounts (which needs the configuration, hence config_load).
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

#define MSG_SHORT	"must be at least 8 characters"
#define MSG_LONG	"must be at most 128 characters"
#define MSG_CLASSES	"must contain an upper-case letter, a lower-case " \
			"letter and a digit"
#define E_ACUTE		"\xc3\xa9"		/* U+00E9, 2 bytes */
#define EURO		"\xe2\x82\xac"		/* U+20AC, 3 bytes */
#define GRIN		"\xf0\x9f\x98\x80"	/* U+1F600, 4 bytes */

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return 0;
}

/* "Aa1" followed by (n - 3) copies of "unit": n characters. */
static char *
pw_of(size_t n, const char *unit)
{
	size_t	 ul = strlen(unit), i;
	char	*s;

	s = malloc(3 + (n - 3) * ul + 1);
	assert_non_null(s);
	memcpy(s, "Aa1", 3);
	for (i = 0; i < n - 3; i++)
		memcpy(s + 3 + i * ul, unit, ul);
	s[3 + (n - 3) * ul] = '\0';
	return s;
}

static void
assert_policy(size_t n, const char *unit, const char *want)
{
	char	*s = pw_of(n, unit);

	if (want == NULL)
		assert_null(pw_policy(s));
	else
		assert_string_equal(pw_policy(s), want);
	free(s);
}

static void
test_policy_length_ascii(void **state)
{
	(void)state;
	assert_string_equal(pw_policy(""), MSG_SHORT);
	assert_string_equal(pw_policy("Aa1"), MSG_SHORT);
	assert_policy(7, "x", MSG_SHORT);
	assert_policy(8, "x", NULL);
	assert_policy(128, "x", NULL);
	assert_policy(129, "x", MSG_LONG);
	assert_policy(400, "x", MSG_LONG);
}

static void
test_policy_length_utf8(void **state)
{
	(void)state;
	/* 7 characters but 11, 15 and 19 bytes: still too short. */
	assert_policy(7, E_ACUTE, MSG_SHORT);
	assert_policy(7, EURO, MSG_SHORT);
	assert_policy(7, GRIN, MSG_SHORT);
	assert_policy(8, E_ACUTE, NULL);
	assert_policy(8, GRIN, NULL);
	/* 128 characters in 3 + 125 * 4 = 503 bytes: accepted. */
	assert_policy(128, E_ACUTE, NULL);
	assert_policy(128, EURO, NULL);
	assert_policy(128, GRIN, NULL);
	assert_policy(129, E_ACUTE, MSG_LONG);
	assert_policy(129, GRIN, MSG_LONG);
}

static void
test_policy_classes(void **state)
{
	(void)state;
	assert_null(pw_policy("Password1"));
	assert_string_equal(pw_policy("password1"), MSG_CLASSES);
	assert_string_equal(pw_policy("PASSWORD1"), MSG_CLASSES);
	assert_string_equal(pw_policy("Passwordx"), MSG_CLASSES);
	assert_string_equal(pw_policy("12345678"), MSG_CLASSES);
	assert_string_equal(pw_policy("!!!!!!!!"), MSG_CLASSES);
	/* Non-ASCII letters do not count as upper or lower case. */
	assert_string_equal(pw_policy("\xc3\x89" "assword1"), MSG_CLASSES);
	assert_string_equal(pw_policy("P" E_ACUTE E_ACUTE E_ACUTE
	    E_ACUTE E_ACUTE E_ACUTE "1"), MSG_CLASSES);
	/* Spaces and symbols are allowed, never stripped. */
	assert_null(pw_policy("  Pass word 1  "));
	assert_null(pw_policy("Zz9" GRIN GRIN GRIN GRIN GRIN));
}

static void
test_hash_verify(void **state)
{
	char	 h[128], h2[128];

	(void)state;
	memset(h, 'X', sizeof(h));
	assert_int_equal(pw_hash(h, "Correct horse 1"), 0);
	assert_non_null(memchr(h, '\0', sizeof(h)));
	assert_memory_equal(h, "$argon2id$v=19$", 15);
	assert_int_equal(pw_verify(h, "Correct horse 1"), 1);
	assert_int_equal(pw_verify(h, "Correct horse 2"), 0);
	assert_int_equal(pw_verify(h, "correct horse 1"), 0);
	assert_int_equal(pw_verify(h, "Correct horse 1 "), 0);
	assert_int_equal(pw_verify(h, ""), 0);
	/* Salted: the same password hashes differently, both verify. */
	assert_int_equal(pw_hash(h2, "Correct horse 1"), 0);
	assert_string_not_equal(h, h2);
	assert_int_equal(pw_verify(h2, "Correct horse 1"), 1);
	/* UTF-8 passwords are hashed as bytes, unaltered. */
	assert_int_equal(pw_hash(h, "P" E_ACUTE "ssw0rd" GRIN), 0);
	assert_int_equal(pw_verify(h, "P" E_ACUTE "ssw0rd" GRIN), 1);
	assert_int_equal(pw_verify(h, "Pe\xcc\x81ssw0rd" GRIN), 0);
}

static void
test_verify_refuses_other_hashes(void **state)
{
	char	 h[128], mod[128];

	(void)state;
	assert_int_equal(pw_hash(h, "Secret123"), 0);
	assert_int_equal(pw_verify(NULL, "Secret123"), 0);
	assert_int_equal(pw_verify("", "Secret123"), 0);
	assert_int_equal(pw_verify("Secret123", "Secret123"), 0);
	/* bcrypt and argon2i strings are refused without being parsed. */
	assert_int_equal(pw_verify("$2b$12$abcdefghijklmnopqrstuu"
	    "abcdefghijklmnopqrstuvwxyz01234", "Secret123"), 0);
	assert_int_equal(crypto_pwhash_argon2i_str(mod, "Secret123", 9,
	    crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE), 0);
	assert_memory_equal(mod, "$argon2i$", 9);
	assert_int_equal(crypto_pwhash_str_verify(mod, "Secret123", 9), 0);
	assert_int_equal(pw_verify(mod, "Secret123"), 0);
	/* An argon2id hash with a changed byte in the digest fails. */
	memcpy(mod, h, sizeof(mod));
	mod[strlen(mod) - 2] = mod[strlen(mod) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(pw_verify(mod, "Secret123"), 0);
	/* Upper-case prefix is not argon2id. */
	memcpy(mod, h, sizeof(mod));
	memcpy(mod, "$ARGON2ID$", 10);
	assert_int_equal(pw_verify(mod, "Secret123"), 0);
	/* A truncated hash is refused. */
	memcpy(mod, h, sizeof(mod));
	mod[strlen(mod) / 2] = '\0';
	assert_int_equal(pw_verify(mod, "Secret123"), 0);
}

static void
test_dummy_verify(void **state)
{
	(void)state;
	setenv("JWT_SECRET", "0123456789abcdef0123456789ABCDEF", 1);
	setenv("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", 1);
	unsetenv("SSTS_PRODUCTION");
	unsetenv("SSTS_SESSION_HOURS");
	assert_int_equal(config_load("test"), 1);
	assert_non_null(cfg);
	assert_memory_equal(cfg->dummy_hash, "$argon2id$", 10);
	/* The dummy is a real argon2id hash of a password nobody knows. */
	assert_int_equal(crypto_pwhash_str_needs_rehash(
	    (const char *)cfg->dummy_hash,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	pw_dummy_verify("Anything1");
	pw_dummy_verify("");
	assert_int_equal(pw_verify((const char *)cfg->dummy_hash,
	    "Anything1"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_length_ascii),
		cmocka_unit_test(test_policy_length_utf8),
		cmocka_unit_test(test_policy_classes),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_verify_refuses_other_hashes),
		cmocka_unit_test(test_dummy_verify),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
