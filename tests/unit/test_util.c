/*
 * SSTS - unit tests for lib/util.c: parse_int64, html_escape,
 * json_escape and iso_time.
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
	arena_init(&ar, 4 * 1024 * 1024);
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
test_parse_ok(void **state)
{
	int64_t	 v = 0;

	(void)state;
	assert_int_equal(parse_int64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_int64("-17", -20, 10, &v), 0);
	assert_int_equal(v, -17);
	assert_int_equal(parse_int64("0010", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_int64("9223372036854775807", 0, INT64_MAX,
	    &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(parse_int64("-9223372036854775808", INT64_MIN, 0,
	    &v), 0);
	assert_int_equal(v, INT64_MIN);
	assert_int_equal(parse_int64("5", 5, 5, NULL), 0);
}

static void
test_parse_bad(void **state)
{
	static const char *const evil[] = {
		"", "-", "+1", " 1", "1 ", "\t1", "1\n", "1a", "a1", "0x10",
		"1.0", "1e3", "--1", "-+1", "- 1", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999999", "\xef\xbc\x91",
	};
	size_t	 i;
	int64_t	 v = 77;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		if (parse_int64(evil[i], INT64_MIN, INT64_MAX, &v) != -1)
			fail_msg("accepted \"%s\"", evil[i]);
		assert_int_equal(v, 77);
	}
	assert_int_equal(parse_int64(NULL, 0, 1, &v), -1);
	assert_int_equal(parse_int64("11", 0, 10, &v), -1);
	assert_int_equal(parse_int64("-1", 0, 10, &v), -1);
	assert_int_equal(v, 77);
}

static void
test_html(void **state)
{
	(void)state;
	assert_string_equal(html_escape(&ar, "<a href=\"x\">Tom & 'Jerry'</a>"),
	    "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
	assert_string_equal(html_escape(&ar, "plain \xc3\xa9 text"),
	    "plain \xc3\xa9 text");
	assert_string_equal(html_escape(&ar, "&amp;"), "&amp;amp;");
	assert_string_equal(html_escape(&ar, ""), "");
	assert_string_equal(html_escape(&ar, NULL), "");
}

static void
test_html_full_arena(void **state)
{
	struct arena	 small;

	(void)state;
	arena_init(&small, 64);
	assert_null(html_escape(&small, "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
	    "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"));
	arena_free(&small);
}

static void
test_json(void **state)
{
	(void)state;
	assert_string_equal(json_escape(&ar, "say \"hi\" \\ bye"),
	    "say \\\"hi\\\" \\\\ bye");
	assert_string_equal(json_escape(&ar, "a\nb\tc\x01\x1f"),
	    "a\\u000ab\\u0009c\\u0001\\u001f");
	assert_string_equal(json_escape(&ar, "</script><!-- & -->"),
	    "\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e");
	assert_string_equal(json_escape(&ar, "x\xe2\x80\xa8y\xe2\x80\xa9z"),
	    "x\\u2028y\\u2029z");
	assert_string_equal(json_escape(&ar, "\xc3\xa9\xe2\x82\xac/'\x7f"),
	    "\xc3\xa9\xe2\x82\xac/'\x7f");
	assert_string_equal(json_escape(&ar, "\xe2\x80"), "\xe2\x80");
	assert_string_equal(json_escape(&ar, ""), "");
	assert_string_equal(json_escape(&ar, NULL), "");
}

static void
iso(const char *in, const char *want)
{
	char	 out[32];

	memset(out, 'X', sizeof(out));
	iso_time(out, in);
	assert_string_equal(out, want);
}

static void
test_iso_time(void **state)
{
	(void)state;
	iso("2026-11-24 09:25:39.022+00", "2026-11-24T09:25:39.022Z");
	iso("2026-11-24 09:25:39+00", "2026-11-24T09:25:39.000Z");
	iso("2026-11-24 09:25:39.022918+00", "2026-11-24T09:25:39.022Z");
	iso("2026-11-24 09:25:39.999999+00", "2026-11-24T09:25:39.999Z");
	iso("2026-11-24 09:25:39.5+00", "2026-11-24T09:25:39.500Z");
	iso("2026-11-24 09:25:39.05+00:00", "2026-11-24T09:25:39.050Z");
	iso("2026-01-01T00:00:00+00", "2026-01-01T00:00:00.000Z");
	iso("2026-12-31 23:59:60+00", "2026-12-31T23:59:60.000Z");
}

static void
test_iso_time_bad(void **state)
{
	static const char *const evil[] = {
		"", "2026-11-24", "2026-11-24 09:25:39", "2026-11-24 09:25:39Z",
		"2026-11-24 09:25:39+01", "2026-11-24 09:25:39-00",
		"2026-11-24 09:25:39.+00", "2026-11-24 09:25:39.1234567+00",
		"2026-11-24 09:25:39+00 ", " 2026-11-24 09:25:39+00",
		"2026-13-24 09:25:39+00", "2026-00-24 09:25:39+00",
		"2026-11-32 09:25:39+00", "2026-11-24 24:25:39+00",
		"2026-11-24 09:60:39+00", "2026-11-24 09:25:61+00",
		"26-11-24 09:25:39+00", "2026/11/24 09:25:39+00",
		"2026-11-24 9:25:39+00", "infinity", "-infinity",
		"2026-11-24 09:25:39.02a+00", "20261-11-24 09:25:39+00",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		iso(evil[i], "");
	iso(NULL, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_full_arena, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iso_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iso_time_bad, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
