/*
 * SSTS - unit tests for idem_key_valid() of lib/idem.c: an
 * Idempotency-Key is 1 to 255 visible ASCII characters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "internal.h"
#include "idem.h"

static void
test_valid_keys(void **state)
{
	char	 k[IDEM_KEY_MAX + 2];

	(void)state;
	assert_true(idem_key_valid("a"));
	assert_true(idem_key_valid("3f2c1d6e-8b7a-4c5d-9e0f-123456789abc"));
	assert_true(idem_key_valid("!~\"'<>&%+/=:;,."));
	memset(k, 'x', IDEM_KEY_MAX);
	k[IDEM_KEY_MAX] = '\0';
	assert_true(idem_key_valid(k));
}

static void
test_invalid_keys(void **state)
{
	char	 k[IDEM_KEY_MAX + 2];

	(void)state;
	assert_false(idem_key_valid(""));
	assert_false(idem_key_valid(" "));
	assert_false(idem_key_valid("a b"));
	assert_false(idem_key_valid("tab\tkey"));
	assert_false(idem_key_valid("del\x7f"));
	assert_false(idem_key_valid("\x01"));
	assert_false(idem_key_valid("caf\xc3\xa9"));
	assert_false(idem_key_valid("line\r\n"));
	memset(k, 'x', IDEM_KEY_MAX + 1);
	k[IDEM_KEY_MAX + 1] = '\0';
	assert_false(idem_key_valid(k));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_keys),
		cmocka_unit_test(test_invalid_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
