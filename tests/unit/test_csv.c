/*
 * SSTS - unit tests for lib/csv.c: RFC 4180 quoting and doubling, CR and
 * LF, every formula prefix, NULL and empty cells, UTF-8, long values,
 * records, NUL bytes and the buffer's cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ssts.h"
#include "csv.h"

static struct arena	 ar;

static int
setup(void **state)
{
	(void)state;
	arena_init(&ar, 8 * 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	return 0;
}

/* One cell, as the first of its record, and what it became. */
static const char *
one(const char *v)
{
	struct buf	*b;

	b = arena_alloc(&ar, sizeof(*b));
	assert_non_null(b);
	buf_init(b, &ar, 4 * 1024 * 1024);
	csv_cell(b, v, 1);
	assert_int_equal(b->err, CORE_OK);
	return buf_str(b);
}

static void
test_plain(void **state)
{
	(void)state;
	assert_string_equal(one("hello"), "hello");
	assert_string_equal(one("two words"), "two words");
	assert_string_equal(one("42"), "42");
	assert_string_equal(one("2026-01-02T03:04:05.678Z"),
	    "2026-01-02T03:04:05.678Z");
	/* A formula character after the first one is harmless. */
	assert_string_equal(one("a=b+c-d@e"), "a=b+c-d@e");
	/* A single quote alone needs no quoting. */
	assert_string_equal(one("it's"), "it's");
}

static void
test_quoting(void **state)
{
	(void)state;
	assert_string_equal(one("a,b"), "\"a,b\"");
	assert_string_equal(one("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(one("\""), "\"\"\"\"");
	assert_string_equal(one("\"\""), "\"\"\"\"\"\"");
	assert_string_equal(one("line1\nline2"), "\"line1\nline2\"");
	assert_string_equal(one("line1\r\nline2"), "\"line1\r\nline2\"");
	assert_string_equal(one("end\r"), "\"end\r\"");
	assert_string_equal(one(","), "\",\"");
	assert_string_equal(one("x\"y,z\"\nw"), "\"x\"\"y,z\"\"\nw\"");
}

static void
test_formulas(void **state)
{
	(void)state;
	assert_string_equal(one("=1+1"), "'=1+1");
	assert_string_equal(one("+x"), "'+x");
	assert_string_equal(one("-x"), "'-x");
	assert_string_equal(one("@x"), "'@x");
	assert_string_equal(one("\tx"), "'\tx");
	/* CR also needs quoting: the quote comes first, then the prefix. */
	assert_string_equal(one("\rx"), "\"'\rx\"");
	assert_string_equal(one("=HYPERLINK(\"http://e.test\",\"a\")"),
	    "\"'=HYPERLINK(\"\"http://e.test\"\",\"\"a\"\")\"");
	assert_string_equal(one("-"), "'-");
	assert_string_equal(one("=a,b"), "\"'=a,b\"");
	/* Not formula prefixes. */
	assert_string_equal(one("'x"), "'x");
	assert_string_equal(one(" =x"), " =x");
}

static void
test_null_empty(void **state)
{
	struct buf	 b;

	(void)state;
	assert_string_equal(one(NULL), "");
	assert_string_equal(one(""), "");
	buf_init(&b, &ar, 100);
	csv_cell(&b, "a", 1);
	csv_cell(&b, NULL, 0);
	csv_cell(&b, "", 0);
	csv_cell(&b, "b", 0);
	csv_cell(&b, NULL, 0);
	csv_end(&b);
	assert_string_equal(buf_str(&b), "a,,,b,\r\n");
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_string_equal(one("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_string_equal(one("\xc3\xa9,\"\xe2\x82\xac\""),
	    "\"\xc3\xa9,\"\"\xe2\x82\xac\"\"\"");
}

static void
test_long(void **state)
{
	const char	*out;
	char		*v, *want;
	size_t		 i, k, n = 100000;

	(void)state;
	v = malloc(n + 1);
	want = malloc(2 * n + 3);
	assert_non_null(v);
	assert_non_null(want);
	/* Every third byte a quote: each doubled, the whole quoted. */
	for (i = 0; i < n; i++)
		v[i] = i % 3 == 2 ? '"' : 'a' + i % 26;
	v[n] = '\0';
	out = one(v);
	assert_int_equal(strlen(out), n + n / 3 + 2);
	k = 0;
	want[k++] = '"';
	for (i = 0; i < n; i++) {
		want[k++] = v[i];
		if (v[i] == '"')
			want[k++] = '"';
	}
	want[k++] = '"';
	want[k] = '\0';
	assert_string_equal(out, want);
	/* A long plain value is copied as it is. */
	for (i = 0; i < n; i++)
		v[i] = 'a' + i % 26;
	assert_string_equal(one(v), v);
	free(v);
	free(want);
}

static void
test_record(void **state)
{
	const char *const cells[] = { "1", "=cmd", NULL, "a,b", "x\ny" };
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 1000);
	csv_record(&b, cells, 5);
	csv_record(&b, cells, 1);
	assert_string_equal(buf_str(&b),
	    "1,'=cmd,,\"a,b\",\"x\ny\"\r\n1\r\n");
}

static void
test_nul_and_cap(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, &ar, 100);
	csv_celln(&b, "a\0b", 3, 1);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 3);
	/* Past the buffer's cap: the sticky error, not an overflow. */
	buf_init(&b, &ar, 8);
	csv_cell(&b, "\"\"\"\"", 1);
	assert_int_equal(b.err, CORE_ETOOBIG);
	assert_string_equal(buf_str(&b), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_and_cap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
