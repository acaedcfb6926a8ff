/*
 * SSTS - unit tests for lib/fields.c: req_fields() over a request built
 * by hand (parameters from form_parse/json_body_parse), req_param(), and
 * the iso_now() format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "internal.h"

#define BODY	"{\"name\":\"  Ann  \",\"email\":\" A@B.CO \",\"n\":5," \
		"\"flag\":true,\"x\":null}"

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
	(void)state;
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
assert_valid(const struct field *f, const char *str)
{
	assert_int_equal(f->present, 1);
	assert_int_equal(f->valid, 1);
	assert_int_equal(f->is_null, 0);
	assert_null(f->err);
	assert_non_null(f->str);
	assert_string_equal(f->str, str);
}

static void
assert_invalid(const struct field *f, int present, const char *err)
{
	assert_int_equal(f->present, present);
	assert_int_equal(f->valid, 0);
	assert_non_null(f->err);
	assert_string_equal(f->err, err);
}

static void
test_json_normalised(void **state)
{
	static const struct field_spec specs[] = {
		{ "name", VALID_LINE, 1, 50, 0, 0, 1 },
		{ "email", VALID_EMAIL, 0, 255, 0, 0, 1 },
		{ "n", VALID_INT, 0, 0, 0, 10, 1 },
		{ "flag", VALID_BOOL, 0, 0, 0, 0, 1 },
		{ "x", VALID_LINE, 0, 10, 0, 0, 0 },
		{ "absent", VALID_TEXT, 0, 10, 0, 0, 0 },
	};
	struct field	 f[6];

	(void)state;
	json(BODY);
	memset(f, 0xa5, sizeof(f));	/* req_fields clears every entry */
	assert_int_equal(req_fields(&r, specs, 6, f), 0);
	assert_valid(&f[0], "Ann");
	assert_valid(&f[1], "a@b.co");
	assert_valid(&f[2], "5");
	assert_int_equal(f[2].num, 5);
	assert_valid(&f[3], "true");
	assert_int_equal(f[3].num, 1);
	/* Optional null: present, null, not valid, no error. */
	assert_int_equal(f[4].present, 1);
	assert_int_equal(f[4].is_null, 1);
	assert_int_equal(f[4].valid, 0);
	assert_null(f[4].err);
	assert_null(f[4].str);
	/* Optional and absent: nothing at all. */
	assert_int_equal(f[5].present, 0);
	assert_int_equal(f[5].valid, 0);
	assert_int_equal(f[5].is_null, 0);
	assert_null(f[5].err);
	assert_null(f[5].str);
	assert_int_equal(f[5].num, 0);
}

static void
test_required(void **state)
{
	static const struct field_spec specs[] = {
		{ "missing", VALID_LINE, 1, 50, 0, 0, 1 },
		{ "x", VALID_LINE, 0, 10, 0, 0, 1 },		/* null */
		{ "name", VALID_LINE, 1, 50, 0, 0, 1 },
		{ "blank", VALID_LINE, 0, 50, 0, 0, 1 },	/* "   " */
		{ "idnull", VALID_ID, 0, 0, 0, 0, 1 },
	};
	struct field	 f[5];

	(void)state;
	json("{\"x\":null,\"name\":\"Bob\",\"blank\":\"   \","
	    "\"idnull\":null}");
	assert_int_equal(req_fields(&r, specs, 5, f), 4);
	assert_invalid(&f[0], 0, "is required");
	assert_invalid(&f[1], 1, "is required");
	assert_int_equal(f[1].is_null, 1);
	assert_valid(&f[2], "Bob");
	assert_invalid(&f[3], 1, "is required");
	assert_invalid(&f[4], 1, "is required");
	assert_int_equal(f[4].is_null, 1);
}

static void
test_wrong_type(void **state)
{
	static const struct field_spec specs[] = {
		{ "n", VALID_LINE, 0, 10, 0, 0, 0 },
		{ "flag", VALID_TEXT, 0, 10, 0, 0, 0 },
		{ "name", VALID_INT, 0, 0, 0, 10, 0 },
		{ "flag", VALID_ID, 0, 0, 0, 0, 0 },
		{ "n", VALID_BOOL, 0, 0, 0, 0, 0 },
		{ "n", VALID_EMAIL, 0, 255, 0, 0, 0 },
		{ "n", VALID_PASSWORD, 0, 128, 0, 0, 0 },
	};
	struct field	 f[7];

	(void)state;
	json(BODY);
	assert_int_equal(req_fields(&r, specs, 7, f), 7);
	assert_invalid(&f[0], 1, "has the wrong type");
	assert_null(f[0].str);
	assert_invalid(&f[1], 1, "has the wrong type");
	/* A string for an integer is read as a number, then refused. */
	assert_invalid(&f[2], 1, "must be a whole number");
	assert_string_equal(f[2].str, "  Ann  ");	/* the raw value */
	assert_invalid(&f[3], 1, "has the wrong type");
	/* A number 5 is not a boolean word: 5 is neither 0 nor 1. */
	assert_invalid(&f[4], 1, "must be true or false");
	assert_invalid(&f[5], 1, "has the wrong type");
	assert_invalid(&f[6], 1, "has the wrong type");
}

static void
test_ids(void **state)
{
	static const struct field_spec specs[] = {
		{ "a", VALID_ID, 0, 0, 0, 0, 1 },
		{ "b", VALID_ID, 0, 0, 0, 0, 1 },
		{ "c", VALID_ID, 0, 0, 0, 0, 1 },
		{ "d", VALID_ID, 0, 0, 0, 0, 1 },
		{ "e", VALID_ID, 0, 0, 0, 0, 1 },
		{ "f", VALID_ID, 0, 0, 0, 0, 1 },
		{ "g", VALID_ID, 0, 0, 0, 0, 1 },
		{ "h", VALID_ID, 0, 0, 0, 0, 0 },
	};
	struct field	 f[8];

	(void)state;
	json("{\"a\":42,\"b\":\"42\",\"c\":\"042\",\"d\":0,\"e\":4.5,"
	    "\"f\":-3,\"g\":\"9223372036854775807\",\"h\":\"\"}");
	assert_int_equal(req_fields(&r, specs, 8, f), 4);
	assert_valid(&f[0], "42");
	assert_int_equal(f[0].num, 42);
	assert_valid(&f[1], "42");
	assert_int_equal(f[1].num, 42);
	assert_invalid(&f[2], 1, "must be a valid id");
	assert_string_equal(f[2].str, "042");
	assert_invalid(&f[3], 1, "must be a valid id");
	assert_invalid(&f[4], 1, "must be a valid id");
	assert_string_equal(f[4].str, "4.5");
	assert_invalid(&f[5], 1, "must be a valid id");
	assert_valid(&f[6], "9223372036854775807");
	assert_true(f[6].num == INT64_MAX);
	/* Optional and empty: valid, empty, 0. */
	assert_valid(&f[7], "");
	assert_int_equal(f[7].num, 0);
}

static void
test_form_duplicates(void **state)
{
	static const struct field_spec specs[] = {
		{ "a", VALID_INT, 0, 0, 0, 10, 1 },
		{ "b", VALID_LINE, 0, 10, 0, 0, 1 },
		{ "c", VALID_BOOL, 0, 0, 0, 0, 0 },
		{ "d", VALID_LINE, 1, 3, 0, 0, 1 },
	};
	struct field	 f[4];

	(void)state;
	form("a=1&a=2&b=+x+&c=on&d=abcd");
	assert_int_equal(req_fields(&r, specs, 4, f), 2);
	assert_invalid(&f[0], 1, "must be given only once");
	assert_null(f[0].str);
	assert_valid(&f[1], "x");
	assert_valid(&f[2], "true");
	assert_int_equal(f[2].num, 1);
	assert_invalid(&f[3], 1, "must be at most 3 characters");
	assert_string_equal(f[3].str, "abcd");
}

static void
test_query_and_body(void **state)
{
	static const struct field_spec specs[] = {
		{ "page", VALID_INT, 0, 0, 1, 100, 0 },
		{ "name", VALID_LINE, 1, 50, 0, 0, 1 },
	};
	struct field	 f[2];

	(void)state;
	/* The query string and the body land in the same list. */
	form("page=3&name=Q");
	json("{\"name\":\"B\"}");
	assert_int_equal(req_fields(&r, specs, 2, f), 1);
	assert_valid(&f[0], "3");
	assert_int_equal(f[0].num, 3);
	assert_invalid(&f[1], 1, "must be given only once");
}

static void
test_long_invalid_value_capped(void **state)
{
	static const struct field_spec specs[] = {
		{ "t", VALID_LINE, 0, 5, 0, 0, 1 },
	};
	struct field	 f[1];
	char		 body[3000];

	(void)state;
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memcpy(body, "t=", 2);
	form(body);
	assert_int_equal(req_fields(&r, specs, 1, f), 1);
	assert_invalid(&f[0], 1, "must be at most 5 characters");
	assert_int_equal(strlen(f[0].str), 1024);	/* echo capped */
}

static void
test_req_param(void **state)
{
	const struct kv	*v;

	(void)state;
	assert_null(req_param(&r, "a"));
	form("a=1&a=2&b=x&e=");
	json("{\"n\":5,\"x\":null}");
	assert_null(req_param(&r, "a"));
	assert_null(req_param(&r, "zz"));
	assert_null(req_param(&r, "B"));
	assert_non_null(v = req_param(&r, "b"));
	assert_string_equal(v->key, "b");
	assert_string_equal(v->val, "x");
	assert_int_equal(v->vlen, 1);
	assert_int_equal(v->json_type, KV_STRING);
	assert_non_null(v = req_param(&r, "e"));
	assert_string_equal(v->val, "");
	assert_int_equal(v->vlen, 0);
	assert_non_null(v = req_param(&r, "n"));
	assert_string_equal(v->val, "5");
	assert_int_equal(v->json_type, KV_NUMBER);
	assert_non_null(v = req_param(&r, "x"));
	assert_null(v->val);
	assert_int_equal(v->json_type, KV_NULL);
}

static int
digits(const char *s, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void
test_iso_now(void **state)
{
	char		 s[32], y[8];
	struct tm	 tm;
	time_t		 t;

	(void)state;
	memset(s, 'Q', sizeof(s));
	t = time(NULL);
	iso_now(s);
	assert_int_equal(strlen(s), 24);
	assert_true(digits(s, 0, 4) && digits(s, 5, 7) && digits(s, 8, 10));
	assert_true(digits(s, 11, 13) && digits(s, 14, 16) &&
	    digits(s, 17, 19) && digits(s, 20, 23));
	assert_int_equal(s[4], '-');
	assert_int_equal(s[7], '-');
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[13], ':');
	assert_int_equal(s[16], ':');
	assert_int_equal(s[19], '.');
	assert_int_equal(s[23], 'Z');
	/* UTC: the year is this year's (unless run across New Year). */
	gmtime_r(&t, &tm);
	strftime(y, sizeof(y), "%Y", &tm);
	assert_memory_equal(s, y, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_normalised, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_query_and_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_invalid_value_capped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_req_param, setup,
		    teardown),
		cmocka_unit_test(test_iso_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
