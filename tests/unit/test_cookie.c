/*
 * SSTS - unit tests for lib/cookie.c: RFC 6265 Cookie headers, quoted
 * values, white space, duplicates and malformed values.
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
expect(const char *header, const char *name, const char *want)
{
	const char	*got = cookie_get(&ar, header, name);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void
test_simple(void **state)
{
	(void)state;
	expect("sid=abc", "sid", "abc");
	expect("a=1; sid=abc; b=2", "sid", "abc");
	expect("a=1; b=2; sid=eyJ.x-y_z", "sid", "eyJ.x-y_z");
	expect("a=1;sid=abc;b=2", "sid", "abc");
	expect("  a=1 ;   sid = abc  ;b=2", "sid", "abc");
	expect("\tsid=abc\t", "sid", "abc");
	expect("__Host-sid=tok; sid=other", "__Host-sid", "tok");
	expect("__Host-sid=tok; sid=other", "sid", "other");
	expect("sid=", "sid", "");
	expect("sid=a=b", "sid", "a=b");	/* '=' is a cookie-octet */
}

static void
test_absent(void **state)
{
	(void)state;
	expect("", "sid", NULL);
	expect("a=1; b=2", "sid", NULL);
	expect("xsid=1; sidx=2; SID=3", "sid", NULL);	/* exact, case-sensitive */
	expect("sid", "sid", NULL);		/* no '=' */
	expect(NULL, "sid", NULL);
	expect("sid=1", NULL, NULL);
	expect("sid=1", "", NULL);
	expect("=1", "", NULL);
}

static void
test_quoted(void **state)
{
	(void)state;
	expect("sid=\"abc\"", "sid", "abc");
	expect("a=1; sid=\"\"; b=2", "sid", "");
	expect("sid=\"abc", "sid", NULL);
	expect("sid=abc\"", "sid", NULL);
	expect("sid=\"", "sid", NULL);
	expect("sid=\"a\"b\"", "sid", NULL);
	expect("sid=\"\"\"\"", "sid", NULL);
}

static void
test_duplicates(void **state)
{
	(void)state;
	expect("sid=a; sid=b", "sid", NULL);
	expect("sid=a; sid=a", "sid", NULL);
	expect("sid=a; x=1; sid=", "sid", NULL);
	expect("sid=a;sid =b", "sid", NULL);
	expect("sid=bad value; sid=good", "sid", NULL);
}

static void
test_malformed_value(void **state)
{
	(void)state;
	expect("sid=a b", "sid", NULL);
	expect("sid=a,b", "sid", NULL);
	expect("sid=a\\b", "sid", NULL);
	expect("sid=a\x7f", "sid", NULL);
	expect("sid=a\x01", "sid", NULL);
	expect("sid=\xc3\xa9", "sid", NULL);	/* non-ASCII */
	expect("sid=a\rb", "sid", NULL);
	/* a malformed neighbour does not hide ours */
	expect("x=a b c; junk; =v; sid=ok", "sid", "ok");
	expect("x=\"; sid=ok", "sid", "ok");
}

static void
test_arena_copy(void **state)
{
	char		 h[] = "sid=abc";
	const char	*v;

	(void)state;
	v = cookie_get(&ar, h, "sid");
	assert_non_null(v);
	h[4] = 'X';
	assert_string_equal(v, "abc");
}

static void
test_long(void **state)
{
	char	 h[10000];

	(void)state;
	memset(h, 'a', sizeof(h) - 1);
	memcpy(h, "sid=", 4);
	h[sizeof(h) - 1] = '\0';
	assert_int_equal(strlen(cookie_get(&ar, h, "sid")), sizeof(h) - 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_simple, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
