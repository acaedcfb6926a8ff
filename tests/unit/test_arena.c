/*
 * SSTS - unit tests for lib/arena.c: alignment, the cap, overflow
 * checks, string copies and reset/free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ssts.h"

static void
test_alloc_aligned(void **state)
{
	struct arena	 a;
	char		*p, *q;

	(void)state;
	arena_init(&a, 1024 * 1024);
	p = arena_alloc(&a, 1);
	q = arena_alloc(&a, 3);
	assert_non_null(p);
	assert_non_null(q);
	/* Every pointer is 16-byte aligned, like malloc's on x86-64. */
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_int_equal((uintptr_t)q % 16, 0);
	assert_int_equal(q - p, 16);
	assert_int_equal(a.used, 32);
	arena_free(&a);
}

static void
test_cap_refuses(void **state)
{
	struct arena	 a;

	(void)state;
	arena_init(&a, 100);
	assert_non_null(arena_alloc(&a, 96));
	assert_null(arena_alloc(&a, 16));	/* 96 + 16 > 100 */
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 3));	/* rounding overflow */
	assert_int_equal(a.used, 96);
	arena_free(&a);
}

static void
test_zero_size(void **state)
{
	struct arena	 a;

	(void)state;
	arena_init(&a, 1024);
	assert_non_null(arena_alloc(&a, 0));
	assert_int_equal(a.used, 16);
	arena_free(&a);
}

static void
test_zeroed(void **state)
{
	struct arena	 a;
	unsigned char	*p;
	size_t		 i;

	(void)state;
	arena_init(&a, 1024 * 1024);
	p = arena_calloc(&a, 10, 100);
	assert_non_null(p);
	for (i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	assert_null(arena_calloc(&a, SIZE_MAX / 2, 3));	/* n*sz overflows */
	arena_free(&a);
}

static void
test_strings(void **state)
{
	struct arena	 a;
	char		*p;

	(void)state;
	arena_init(&a, 1024 * 1024);
	assert_string_equal(arena_strdup(&a, "hello"), "hello");
	assert_null(arena_strdup(&a, NULL));
	p = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(p, "abc");
	assert_null(arena_strndup(&a, "x", SIZE_MAX));
	assert_string_equal(arena_printf(&a, "%s-%d-%zu", "x", -5, (size_t)7),
	    "x--5-7");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	arena_free(&a);
}

static void
test_printf_cap(void **state)
{
	struct arena	 a;

	(void)state;
	arena_init(&a, 64);
	assert_null(arena_printf(&a, "%0100d", 1));
	assert_non_null(arena_printf(&a, "%d", 1));
	arena_free(&a);
}

static void
test_big_and_reset(void **state)
{
	struct arena	 a;
	char		*p;

	(void)state;
	arena_init(&a, 10 * 1024 * 1024);
	p = arena_alloc(&a, 200 * 1024);	/* larger than a chunk */
	assert_non_null(p);
	memset(p, 'x', 200 * 1024);
	assert_non_null(arena_alloc(&a, 100));
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	p = arena_alloc(&a, 1000);
	assert_non_null(p);
	memset(p, 'y', 1000);
	arena_reset(&a);
	arena_reset(&a);
	assert_int_equal(a.used, 0);
	arena_free(&a);
	assert_null(a.head);
	arena_free(&a);			/* twice is harmless */
}

static void
test_many_chunks(void **state)
{
	struct arena	 a;
	size_t		 i;

	(void)state;
	arena_init(&a, 1024 * 1024);
	for (i = 0; i < 100; i++)
		assert_non_null(arena_alloc(&a, 5000));
	assert_int_equal(a.used, 100 * 5008);
	assert_null(arena_alloc(&a, 1024 * 1024));
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_aligned),
		cmocka_unit_test(test_cap_refuses),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_printf_cap),
		cmocka_unit_test(test_big_and_reset),
		cmocka_unit_test(test_many_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
