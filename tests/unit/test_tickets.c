/*
 * SSTS - unit tests for the list's query reader, tk_filter_read() of
 * lib/tickets.c: defaults, sort and order names, the keyset (`after`:
 * only with an ordering that has one, never with page), bounds and
 * repeated parameters.  And tk_item_json() of lib/tkitem.c: a list item
 * from STMT_TK_ITEMS's columns, in the original's shape, nulls included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tickets.h"

static struct req	 r;
static struct field	 f[TK_F__MAX];
static struct tk_filter	 t;

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

/* Reads query string q; 1 if it is a valid filter. */
static int
read_query(const char *q)
{
	memset(&r.in, 0, sizeof(r.in));
	assert_int_equal(form_parse(&r.arena, q, strlen(q), &r.in), CORE_OK);
	return tk_filter_read(&r, f, &t);
}

static void
test_defaults(void **state)
{
	(void)state;
	assert_int_equal(read_query(""), 1);
	assert_int_equal(t.sort, TK_SORT_CREATED);
	assert_int_equal(t.asc, 0);
	assert_int_equal(t.page, 1);
	assert_int_equal(t.limit, 50);
	assert_null(t.after);
	assert_null(t.q);
	assert_null(t.status);
}

static void
test_sort_and_order(void **state)
{
	(void)state;
	assert_int_equal(read_query("sort=updated&order=asc"), 1);
	assert_int_equal(t.sort, TK_SORT_UPDATED);
	assert_int_equal(t.asc, 1);
	assert_int_equal(read_query("sort=status&order=desc"), 1);
	assert_int_equal(t.sort, TK_SORT_STATUS);
	assert_int_equal(read_query("sort=size"), 0);
	assert_non_null(f[TK_F_SORT].err);
	assert_int_equal(read_query("order=up"), 0);
	assert_non_null(f[TK_F_ORDER].err);
	assert_int_equal(read_query("status=Pending"), 0);
	assert_non_null(f[TK_F_STATUS].err);
}

static void
test_after_valid(void **state)
{
	(void)state;
	assert_int_equal(read_query("after=123&limit=20"), 1);
	assert_string_equal(t.after, "123");
	assert_int_equal(t.limit, 20);
	assert_int_equal(read_query("after=9&sort=updated&order=asc"), 1);
	assert_string_equal(t.after, "9");
	assert_int_equal(read_query("after=5&sort=created&q=printer"), 1);
	assert_string_equal(t.q, "printer");
	/* an empty value is no keyset */
	assert_int_equal(read_query("after="), 1);
	assert_null(t.after);
}

static void
test_after_refused(void **state)
{
	static const char *const bad[] = {
		"after=1&sort=priority", "after=1&sort=status",
		"after=1&page=2", "after=1&page=1", "after=0", "after=-3",
		"after=abc", "after=1x", "after=1&after=2",
		"after=123456789012345678901", NULL
	};
	size_t	 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(read_query(bad[i]), 0);
		assert_non_null(f[TK_F_AFTER].err);
	}
	/* the other fields' errors are not the keyset's */
	assert_int_equal(read_query("after=1&limit=0"), 0);
	assert_null(f[TK_F_AFTER].err);
	assert_non_null(f[TK_F_LIMIT].err);
}

static void
test_bounds(void **state)
{
	(void)state;
	assert_int_equal(read_query("limit=100&page=100000000"), 1);
	assert_int_equal(t.limit, 100);
	assert_int_equal(t.page, 100000000);
	assert_int_equal(read_query("limit=101"), 0);
	assert_int_equal(read_query("page=0"), 0);
	assert_int_equal(read_query("page=1&page=2"), 0);
	assert_non_null(f[TK_F_PAGE].err);
}

/* The JSON text of the item made from cells. */
static char *
item_text(const char *const *cells)
{
	cJSON	*o;
	char	*s;

	assert_non_null(o = tk_item_json(cells));
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	assert_non_null(s);
	return s;
}

static void
test_item_full(void **state)
{
	const char	*c[TKI__MAX] = {
		"12", "Printer \"jam\"", "Line 1\nline 2", "In Progress", "3",
		"2", "4", "2026-11-24T10:11:12.345Z", "2026-11-25T00:00:00.000Z",
		"3", "Client <A>", "a@example.com", "4", "Urgent", "1",
		"2", "Hardware", "7", "5", "1", NULL, "2026-11-24T11:00:00.000Z",
		"5", "Agent G", "g@example.com" };
	char		*s;

	(void)state;
	s = item_text(c);
	assert_string_equal(s, "{\"id\":\"12\",\"title\":\"Printer \\\"jam\\\"\","
	    "\"description\":\"Line 1\\nline 2\",\"status\":\"In Progress\","
	    "\"created_by\":\"3\",\"category_id\":2,\"priority_id\":4,"
	    "\"created_at\":\"2026-11-24T10:11:12.345Z\","
	    "\"updated_at\":\"2026-11-25T00:00:00.000Z\","
	    "\"creator\":{\"id\":\"3\",\"name\":\"Client <A>\","
	    "\"email\":\"a@example.com\"},"
	    "\"priority\":{\"id\":4,\"name\":\"Urgent\",\"rank\":1},"
	    "\"category\":{\"id\":2,\"name\":\"Hardware\"},"
	    "\"ticket_assignments\":[{\"id\":\"7\",\"ticket_id\":\"12\","
	    "\"agent_id\":\"5\",\"assigned_by\":\"1\",\"note\":null,"
	    "\"assigned_at\":\"2026-11-24T11:00:00.000Z\","
	    "\"agent\":{\"id\":\"5\",\"name\":\"Agent G\","
	    "\"email\":\"g@example.com\"}}]}");
	free(s);
}

/* No category, priority or assignment; an assignment whose agent and
 * assigner are gone (ON DELETE SET NULL). */
static void
test_item_nulls(void **state)
{
	const char	*c[TKI__MAX] = {
		"9", "T", "D", "Open", "3", NULL, NULL,
		"2026-11-24T10:11:12.345Z", "2026-11-24T10:11:12.345Z",
		"3", "C", "c@example.com" };
	char		*s;

	(void)state;
	s = item_text(c);
	assert_string_equal(s, "{\"id\":\"9\",\"title\":\"T\",\"description\":\"D\","
	    "\"status\":\"Open\",\"created_by\":\"3\",\"category_id\":null,"
	    "\"priority_id\":null,\"created_at\":\"2026-11-24T10:11:12.345Z\","
	    "\"updated_at\":\"2026-11-24T10:11:12.345Z\","
	    "\"creator\":{\"id\":\"3\",\"name\":\"C\",\"email\":\"c@example.com\"},"
	    "\"priority\":null,\"category\":null,\"ticket_assignments\":[]}");
	free(s);
	c[TKI_A_ID] = "8";
	c[TKI_A_AT] = "2026-11-24T11:00:00.000Z";
	c[TKI_A_NOTE] = "n";
	s = item_text(c);
	assert_non_null(strstr(s, "\"ticket_assignments\":[{\"id\":\"8\","
	    "\"ticket_id\":\"9\",\"agent_id\":null,\"assigned_by\":null,"
	    "\"note\":\"n\",\"assigned_at\":\"2026-11-24T11:00:00.000Z\","
	    "\"agent\":null}]}"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_and_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_after_valid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_after_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test(test_item_full),
		cmocka_unit_test(test_item_nulls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
