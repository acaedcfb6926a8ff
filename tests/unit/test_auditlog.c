/*
 * SSTS - unit tests for the parts of lib/auditlog.c that need no
 * database: the date and time filters (auditlog_when) and the reading of
 * the list's query parameters (auditlog_filter).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "internal.h"
#include "auditlog.h"

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
when_is(const char *in, int end, const char *want)
{
	const char	*got = auditlog_when(&r.arena, in, end);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s: want NULL, got %s", in, got);
		return;
	}
	if (got == NULL)
		fail_msg("%s: want %s, got NULL", in, want);
	assert_string_equal(got, want);
}

static void
test_dates(void **state)
{
	(void)state;
	when_is("2026-01-31", 0, "2026-01-31 00:00:00.000000+00");
	when_is("2026-01-31", 1, "2026-01-31 23:59:59.999999+00");
	when_is("2024-02-29", 0, "2024-02-29 00:00:00.000000+00");
	when_is("1970-01-01", 0, "1970-01-01 00:00:00.000000+00");
	when_is("9999-12-31", 1, "9999-12-31 23:59:59.999999+00");
}

static void
test_times(void **state)
{
	(void)state;
	when_is("2026-11-24T08:15:00Z", 0, "2026-11-24 08:15:00.000000+00");
	/* An end covers the second or millisecond it names. */
	when_is("2026-11-24T08:15:00Z", 1, "2026-11-24 08:15:00.999999+00");
	when_is("2026-11-24T08:15:00.123Z", 0, "2026-11-24 08:15:00.123000+00");
	when_is("2026-11-24T08:15:00.123Z", 1, "2026-11-24 08:15:00.123999+00");
	when_is("2026-11-24T23:59:59.999Z", 1, "2026-11-24 23:59:59.999999+00");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", "yesterday", "2026-02-30", "2025-02-29", "2026-13-01",
		"2026-00-10", "2026-1-01", "2026-01-1", "26-01-01",
		"2026/01/01", "2026-01-01 ", "2026-01-01x", "1969-12-31",
		"10000-01-01", "2026-01-01T", "2026-01-01T25:00:00Z",
		"2026-01-01T12:60:00Z", "2026-01-01T12:00:60Z",
		"2026-01-01T12:00:00", "2026-01-01T12:00:00+01:00",
		"2026-01-01T12:00:00.12Z", "2026-01-01T12:00:00.1234Z",
		"2026-01-01T12:00Z", "2026-01-01t12:00:00z",
		"2026-01-01T12:00:00Z'; DROP TABLE audit_logs; --",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		when_is(bad[i], 0, NULL);
}

/* Query string "q" through auditlog_filter; returns the invalid count. */
static size_t
filter(const char *q, struct field *f, struct al_filter *out)
{
	memset(&r.in, 0, sizeof(r.in));
	assert_int_equal(form_parse(&r.arena, q, strlen(q), &r.in), CORE_OK);
	return auditlog_filter(&r, f, 50, out);
}

static void
test_filter_ok(void **state)
{
	struct field	 f[AL__MAX];
	struct al_filter out;

	(void)state;
	assert_int_equal(filter("", f, &out), 0);
	assert_null(out.p[0]);
	assert_null(out.p[5]);
	assert_int_equal(out.page, 1);
	assert_int_equal(out.limit, 50);
	assert_int_equal(filter("entity_type=ticket&entity_id=42&action="
	    "login_failed&user_id=7&from=2026-01-01&to=2026-01-31&page=3"
	    "&limit=100", f, &out), 0);
	assert_string_equal(out.p[AL_ENTITY_TYPE], "ticket");
	assert_string_equal(out.p[AL_ENTITY_ID], "42");
	assert_string_equal(out.p[AL_ACTION], "login_failed");
	assert_string_equal(out.p[AL_USER_ID], "7");
	assert_string_equal(out.p[AL_FROM], "2026-01-01 00:00:00.000000+00");
	assert_string_equal(out.p[AL_TO], "2026-01-31 23:59:59.999999+00");
	assert_int_equal(out.page, 3);
	assert_int_equal(out.limit, 100);
	/* The same day at both ends is one whole day. */
	assert_int_equal(filter("from=2026-01-01&to=2026-01-01", f, &out), 0);
}

static void
test_filter_bad(void **state)
{
	static const struct {
		const char	*q;
		int		 key;
	} bad[] = {
		{ "entity_type=Ticket", AL_ENTITY_TYPE },
		{ "entity_type=ticket%201", AL_ENTITY_TYPE },
		{ "entity_id=abc", AL_ENTITY_ID },
		{ "entity_id=0", AL_ENTITY_ID },
		{ "action=x%20y", AL_ACTION },
		{ "action=login-failed", AL_ACTION },
		{ "user_id=-1", AL_USER_ID },
		{ "from=2026-02-30", AL_FROM },
		{ "to=tomorrow", AL_TO },
		{ "from=2026-02-01&to=2026-01-31", AL_TO },
		{ "page=0", AL_PAGE },
		{ "limit=101", AL_LIMIT },
		{ "action=created&action=updated", AL_ACTION },
	};
	struct field	 f[AL__MAX];
	struct al_filter out;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (filter(bad[i].q, f, &out) != 1)
			fail_msg("%s: not exactly one invalid field", bad[i].q);
		if (f[bad[i].key].err == NULL)
			fail_msg("%s: %s not flagged", bad[i].q,
			    auditlog_specs[bad[i].key].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_bad, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
