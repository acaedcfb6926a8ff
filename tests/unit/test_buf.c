/*
 * SSTS - unit tests for lib/buf.c: growth, the length cap, the sticky
 * error and buf_str().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ssts.h"

static struct arena	 ar;

static int
setup(void **state)
{
	(void)state;
	arena_init(&ar, 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	return 0;
}

static void
test_empty(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 100);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	assert_int_equal(b.err, CORE_OK);
}

static void
test_puts(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 100);
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_putn(&b, "xyz123", 3);
	buf_printf(&b, "[%d|%s]", 42, "q");
	assert_string_equal(buf_str(&b), "abc-xyz[42|q]");
	assert_int_equal(b.len, 13);
}

static void
test_grow(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, &ar, 10000);
	for (i = 0; i < 1000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(buf_str(&b)), 1000);
	assert_int_equal(b.data[999], 'a' + 999 % 26);
	assert_int_equal(b.data[0], 'a');
}

static void
test_cap_exact(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 5);
	buf_puts(&b, "12345");
	assert_int_equal(b.err, CORE_OK);
	assert_string_equal(buf_str(&b), "12345");
	buf_putc(&b, '6');
	assert_int_equal(b.err, CORE_ETOOBIG);
	assert_string_equal(buf_str(&b), "");
}

static void
test_sticky(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 4);
	buf_printf(&b, "%s", "too long");
	assert_int_equal(b.err, CORE_ETOOBIG);
	buf_puts(&b, "a");		/* ignored */
	assert_int_equal(b.err, CORE_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
}

static void
test_arena_full(void **state)
{
	struct arena	 small;
	struct buf	 b;

	(void)state;
	arena_init(&small, 300);
	buf_init(&b, &small, 100000);
	buf_puts(&b, "x");		/* first block: 256 bytes */
	assert_int_equal(b.err, CORE_OK);
	while (b.err == CORE_OK && b.len < 1000)
		buf_putc(&b, 'y');
	assert_int_equal(b.err, CORE_ENOMEM);
	assert_string_equal(buf_str(&b), "");
	arena_free(&small);
}

static void
test_huge_add(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, SIZE_MAX);
	buf_puts(&b, "ab");
	buf_putn(&b, "c", SIZE_MAX - 1);	/* len + add overflows */
	assert_int_not_equal(b.err, CORE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_puts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_add, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
