/*
 * SSTS - unit tests for lib/jsonbody.c: flat JSON objects into kv
 * pairs, types, numbers, duplicates, \u0000, nesting and caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
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

static enum core_err
parse(const char *s, struct kvlist *l)
{
	memset(l, 0, sizeof(*l));
	return json_body_parse(&ar, s, strlen(s), l);
}

static void
assert_kv(const struct kvlist *l, size_t i, const char *k, const char *v,
    int type)
{
	assert_true(i < l->n);
	assert_string_equal(l->v[i].key, k);
	assert_int_equal(l->v[i].json_type, type);
	if (v == NULL) {
		assert_null(l->v[i].val);
		assert_int_equal(l->v[i].vlen, 0);
	} else {
		assert_non_null(l->v[i].val);
		assert_string_equal(l->v[i].val, v);
		assert_int_equal(l->v[i].vlen, strlen(v));
	}
}

static void
test_types(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("{\"s\":\"x y\",\"n\":42,\"t\":true,"
	    "\"f\":false,\"z\":null,\"e\":\"\"}", &l), CORE_OK);
	assert_int_equal(l.n, 6);
	assert_kv(&l, 0, "s", "x y", KV_STRING);
	assert_kv(&l, 1, "n", "42", KV_NUMBER);
	assert_kv(&l, 2, "t", "true", KV_BOOL);
	assert_kv(&l, 3, "f", "false", KV_BOOL);
	assert_kv(&l, 4, "z", NULL, KV_NULL);
	assert_kv(&l, 5, "e", "", KV_STRING);
	assert_int_equal(parse(" \r\n\t{ } \n", &l), CORE_OK);
	assert_int_equal(l.n, 0);
}

static void
test_strings(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("{\"a\":\"\\u00e9\\n\\\"\\\\\\/\","
	    "\"b\":\"\\ud83d\\ude00\",\"c\":\"\\\\u0000\"}", &l), CORE_OK);
	assert_kv(&l, 0, "a", "\xc3\xa9\n\"\\/", KV_STRING);
	assert_kv(&l, 1, "b", "\xf0\x9f\x98\x80", KV_STRING);
	/* an escaped backslash followed by u0000 is not a NUL */
	assert_kv(&l, 2, "c", "\\u0000", KV_STRING);
}

static void
test_numbers(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("{\"a\":0,\"b\":-7,\"c\":1.0,\"d\":1e3,"
	    "\"e\":9007199254740992,\"f\":1.5,\"g\":-0,\"h\":1e300,"
	    "\"i\":9007199254740993.5,\"j\":0.1,\"k\":-0.5E-3,"
	    "\"l\":[0]}", &l), CORE_EINVAL);	/* the array, not a number */
	assert_int_equal(parse("{\"a\":0,\"b\":-7,\"c\":1.0,\"d\":1e3,"
	    "\"e\":9007199254740992,\"f\":1.5,\"g\":-0,\"h\":1e300,"
	    "\"i\":9007199254740993.5,\"j\":0.1,\"k\":-0.5E-3,"
	    "\"l\":1E+2}", &l), CORE_OK);
	assert_kv(&l, 0, "a", "0", KV_NUMBER);
	assert_kv(&l, 1, "b", "-7", KV_NUMBER);
	assert_kv(&l, 2, "c", "1", KV_NUMBER);
	assert_kv(&l, 3, "d", "1000", KV_NUMBER);
	assert_kv(&l, 4, "e", "9007199254740992", KV_NUMBER);
	assert_kv(&l, 5, "f", "1.5", KV_NUMBER);
	assert_kv(&l, 6, "g", "0", KV_NUMBER);
	assert_kv(&l, 7, "h", "1.0000000000000001e+300", KV_NUMBER);
	assert_kv(&l, 8, "i", "9007199254740994", KV_NUMBER);
	assert_kv(&l, 9, "j", "0.10000000000000001", KV_NUMBER);
	assert_kv(&l, 10, "k", "-0.00050000000000000001", KV_NUMBER);
	assert_kv(&l, 11, "l", "100", KV_NUMBER);
}

static void
test_not_object(void **state)
{
	static const char *const bad[] = {
		"", " ", "[]", "[{\"a\":1}]", "\"str\"", "42", "null", "true",
		"{", "{\"a\":1", "{\"a\":1,}", "{\"a\"}", "{a:1}", "{'a':1}",
		"{\"a\":1} x", "{\"a\":1}{}", "{\"a\":NaN}", "{\"a\":-}",
		"{\"a\":01}", "{\"a\":-01}", "{\"a\":+1}", "{\"a\":.5}",
		"{\"a\":1.}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":0x10}",
		"{\"a\":-Infinity}", "{\"a\":1.5.5}", "{\"a\":1-2}",
		"{\"a\":tru}", "{\"a\":nul}",
		"{\"a\":\"\\x41\"}", "{\"a\":\"unterminated}",
	};
	struct kvlist	 l;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &l), CORE_EINVAL);
		assert_int_equal(l.n, 0);
	}
	memset(&l, 0, sizeof(l));
	assert_int_equal(json_body_parse(&ar, NULL, 0, &l), CORE_EINVAL);
}

static void
test_nested(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("{\"a\":1,\"b\":{}}", &l), CORE_EINVAL);
	assert_int_equal(l.n, 0);		/* "a" rolled back */
	assert_int_equal(parse("{\"a\":[1]}", &l), CORE_EINVAL);
	assert_int_equal(parse("{\"a\":{\"b\":1}}", &l), CORE_EINVAL);
}

static void
test_nul(void **state)
{
	struct kvlist	 l;
	const char	 raw[] = "{\"a\":\"x\0y\"}";

	(void)state;
	assert_int_equal(parse("{\"a\":\"x\\u0000y\"}", &l), CORE_EINVAL);
	assert_int_equal(parse("{\"a\\u0000b\":1}", &l), CORE_EINVAL);
	assert_int_equal(parse("{\"role\":\"admin\\u0000\"}", &l),
	    CORE_EINVAL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(json_body_parse(&ar, raw, sizeof(raw) - 1, &l),
	    CORE_EINVAL);
	/* a body that is not NUL-terminated is read only up to len */
	memset(&l, 0, sizeof(l));
	assert_int_equal(json_body_parse(&ar, "{\"a\":1}garbage", 7, &l),
	    CORE_OK);
	assert_kv(&l, 0, "a", "1", KV_NUMBER);
	memset(&l, 0, sizeof(l));
	assert_int_equal(json_body_parse(&ar, "{\"a\":\"bc\"}", 8, &l),
	    CORE_EINVAL);
}

static void
test_duplicates(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("{\"a\":1,\"a\":2}", &l), CORE_EDUP);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse("{\"a\":1,\"b\":2,\"a\":null}", &l),
	    CORE_EDUP);
	assert_int_equal(parse("{\"a\":1,\"\\u0061\":2}", &l), CORE_EDUP);
	assert_int_equal(parse("{\"a\":1,\"A\":2}", &l), CORE_OK);
	assert_int_equal(l.n, 2);
	/* keys already in the list (e.g. from the query) are the caller's */
	assert_int_equal(json_body_parse(&ar, "{\"a\":3}", 7, &l), CORE_OK);
	assert_int_equal(kv_count(&l, "a"), 2);
}

static void
test_caps(void **state)
{
	struct kvlist	 l;
	char		 s[4096];
	size_t		 i, o;

	(void)state;
	o = (size_t)snprintf(s, sizeof(s), "{");
	for (i = 0; i < KV_MAX_PAIRS; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%s\"k%zu\":%zu",
		    i ? "," : "", i, i);
	snprintf(s + o, sizeof(s) - o, "}");
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(l.n, KV_MAX_PAIRS);
	snprintf(s + o, sizeof(s) - o, ",\"x\":1}");
	assert_int_equal(parse(s, &l), CORE_ETOOBIG);
	assert_int_equal(l.n, 0);
	/* key length */
	memset(s, 'k', sizeof(s));
	s[0] = '{';
	s[1] = '"';
	memcpy(s + 2 + KV_MAX_KEY, "\":1}", 5);
	assert_int_equal(parse(s, &l), CORE_OK);
	s[2 + KV_MAX_KEY] = 'k';
	memcpy(s + 3 + KV_MAX_KEY, "\":1}", 5);
	assert_int_equal(parse(s, &l), CORE_ETOOBIG);
}

static void
test_deep(void **state)
{
	struct kvlist	 l;
	static char	 s[5000];

	(void)state;
	memset(s, '[', sizeof(s) - 1);
	assert_int_equal(parse(s, &l), CORE_EINVAL);
	memset(s, '{', sizeof(s) - 1);
	assert_int_equal(parse(s, &l), CORE_EINVAL);
}

static void
test_bom_and_utf8(void **state)
{
	struct kvlist	 l;

	(void)state;
	/* cJSON does not check UTF-8: the validators do (test_valid) */
	assert_int_equal(parse("{\"a\":\"\xff\xfe\"}", &l), CORE_OK);
	assert_int_equal(l.v[0].vlen, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom_and_utf8, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
