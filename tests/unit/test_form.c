/*
 * SSTS - unit tests for lib/form.c and lib/kv.c: urlencoded decoding,
 * bad escapes, the caps, empty pairs, kv_find/kv_count.
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
	return form_parse(&ar, s, strlen(s), l);
}

static void
assert_kv(const struct kvlist *l, size_t i, const char *k, const char *v)
{
	assert_true(i < l->n);
	assert_string_equal(l->v[i].key, k);
	assert_string_equal(l->v[i].val, v);
	assert_int_equal(l->v[i].vlen, strlen(v));
	assert_int_equal(l->v[i].json_type, KV_STRING);
}

static void
test_basic(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("a=1&b=two&c=", &l), CORE_OK);
	assert_int_equal(l.n, 3);
	assert_kv(&l, 0, "a", "1");
	assert_kv(&l, 1, "b", "two");
	assert_kv(&l, 2, "c", "");
}

static void
test_decoding(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("na+me=J%C3%B6rg+M%c3%bcller&x%3Dy=a%26b%3dc",
	    &l), CORE_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "na me", "J\xc3\xb6rg M\xc3\xbcller");
	assert_kv(&l, 1, "x=y", "a&b=c");
	assert_int_equal(parse("a=%2B+%20%25", &l), CORE_OK);
	assert_kv(&l, 0, "a", "+  %");
	assert_int_equal(parse("a=b=c", &l), CORE_OK);	/* first '=' splits */
	assert_kv(&l, 0, "a", "b=c");
}

static void
test_empty_pairs(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("", &l), CORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse("&&&", &l), CORE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse("&a=1&&b=2&", &l), CORE_OK);
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "a", "1");
	assert_kv(&l, 1, "b", "2");
	assert_int_equal(parse("flag&=v", &l), CORE_OK);	/* no '=': "" */
	assert_int_equal(l.n, 2);
	assert_kv(&l, 0, "flag", "");
	assert_kv(&l, 1, "", "v");
	memset(&l, 0, sizeof(l));
	assert_int_equal(form_parse(&ar, NULL, 5, &l), CORE_OK);
	assert_int_equal(l.n, 0);
}

static void
test_bad_percent(void **state)
{
	static const char *const bad[] = {
		"a=%", "a=%2", "a=%zz", "a=%2g", "a=%g2", "%=1", "a%4=1",
		"a=1&b=%%41", "a=% 20", "a=%-1", "a=%+1", "a=100%",
	};
	struct kvlist	 l;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &l), CORE_EINVAL);
		assert_int_equal(l.n, 0);	/* nothing half-added */
	}
}

static void
test_nul(void **state)
{
	struct kvlist	 l;
	const char	 raw[] = "a=x\0y&b\0c=1";

	(void)state;
	assert_int_equal(parse("a%00b=1", &l), CORE_EINVAL);
	assert_int_equal(parse("%00=1", &l), CORE_EINVAL);
	/* a NUL in a value is kept; validation rejects it later */
	assert_int_equal(parse("a=x%00y", &l), CORE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].vlen, 3);
	assert_memory_equal(l.v[0].val, "x\0y", 4);
	/* raw NUL bytes inside the buffer */
	memset(&l, 0, sizeof(l));
	assert_int_equal(form_parse(&ar, raw, 5, &l), CORE_OK);
	assert_int_equal(l.v[0].vlen, 3);
	memset(&l, 0, sizeof(l));
	assert_int_equal(form_parse(&ar, raw, sizeof(raw) - 1, &l),
	    CORE_EINVAL);
	assert_int_equal(l.n, 0);
}

static void
test_key_length(void **state)
{
	struct kvlist	 l;
	char		 s[256];
	size_t		 i;

	(void)state;
	memset(s, 'k', KV_MAX_KEY);
	memcpy(s + KV_MAX_KEY, "=v", 3);
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(strlen(l.v[0].key), KV_MAX_KEY);
	memset(s, 'k', KV_MAX_KEY + 1);
	memcpy(s + KV_MAX_KEY + 1, "=v", 3);
	assert_int_equal(parse(s, &l), CORE_ETOOBIG);
	/* the cap is on the decoded key: 64 x "%41" is 64 bytes */
	for (i = 0; i < KV_MAX_KEY; i++)
		memcpy(s + 3 * i, "%41", 3);
	memcpy(s + 3 * i, "=1", 3);
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(strlen(l.v[0].key), KV_MAX_KEY);
	/* a long value is fine here */
	memset(s, 'v', 200);
	memcpy(s, "k=", 2);
	s[200] = '\0';
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(l.v[0].vlen, 198);
}

static void
test_pair_cap(void **state)
{
	struct kvlist	 l;
	char		 s[2048];
	size_t		 i, o = 0;

	(void)state;
	for (i = 0; i < KV_MAX_PAIRS; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "k%zu=%zu&", i, i);
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(l.n, KV_MAX_PAIRS);
	assert_kv(&l, 63, "k63", "63");
	snprintf(s + o, sizeof(s) - o, "one=more");
	assert_int_equal(parse(s, &l), CORE_ETOOBIG);
	assert_int_equal(l.n, 0);
	/* the cap counts pairs already in the list (query + body) */
	s[o] = '\0';
	assert_int_equal(parse(s, &l), CORE_OK);
	assert_int_equal(form_parse(&ar, "x=1", 3, &l), CORE_ETOOBIG);
	assert_int_equal(l.n, KV_MAX_PAIRS);
	assert_int_equal(form_parse(&ar, "&&", 2, &l), CORE_OK);
}

static void
test_append_sources(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("a=1&b=2", &l), CORE_OK);
	assert_int_equal(form_parse(&ar, "a=3&c[]=4", 9, &l), CORE_OK);
	assert_int_equal(l.n, 4);
	assert_kv(&l, 3, "c[]", "4");		/* kept verbatim */
	assert_int_equal(kv_count(&l, "a"), 2);
	assert_int_equal(kv_count(&l, "b"), 1);
	assert_int_equal(kv_count(&l, "z"), 0);
	assert_string_equal(kv_find(&l, "a")->val, "1");	/* first wins */
	assert_null(kv_find(&l, "A"));
	assert_null(kv_find(&l, "c"));
	assert_null(kv_find(&l, NULL));
	assert_null(kv_find(NULL, "a"));
	assert_int_equal(kv_count(NULL, "a"), 0);
	/* a failed parse leaves earlier pairs alone */
	assert_int_equal(form_parse(&ar, "d=1&e=%", 7, &l), CORE_EINVAL);
	assert_int_equal(l.n, 4);
}

static void
test_arena_full(void **state)
{
	struct arena	 small;
	struct kvlist	 l;

	(void)state;
	arena_init(&small, 64);
	memset(&l, 0, sizeof(l));
	assert_int_equal(form_parse(&small, "a=1&b=2&c=3", 11, &l),
	    CORE_ENOMEM);
	assert_int_equal(l.n, 0);
	arena_free(&small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
