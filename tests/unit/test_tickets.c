/*
 * SSTS - unit tests for the list's query reader, tk_filter_read() of
 * lib/tickets.c: defaults, sort and order names, the keyset (`after`:
 * only with an ordering that has one, never with page), bounds and
 * repeated parameters.  And tk_item_put() of lib/tkitem.c: a list item
 * joined from a list row's parts (sql/013) and the page's priorities and
 * categories, nulls included, malformed parts refused.
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

/* The priorities and categories a list page reads with its rows. */
static const char *ref_cells[] = {
	"p", "4", "{\"id\":4,\"name\":\"Urgent\",\"rank\":1}",
	"p", "14", "{\"id\":14,\"name\":\"Later\",\"rank\":9}",
	"c", "4", "{\"id\":4,\"name\":\"Network\"}",
	"c", "2", "{\"id\":2,\"name\":\"Hardware\"}",
};
static const struct rows refs = { 4, 3, ref_cells, NULL };

/* The item text of one list row, or NULL if tk_item_put refused it. */
static const char *
item_text(struct arena *a, const char *const *cells)
{
	struct buf	 b;

	buf_init(&b, a, 1 << 16);
	return tk_item_put(&b, cells, &refs) ? buf_str(&b) : NULL;
}

static void
test_item_full(void **state)
{
	const char	*c[TKI__MAX] = { "12",
		"{\"id\":\"12\",\"title\":\"Printer \\\"jam\\\"\"}",
		"{\"id\":\"3\",\"name\":\"Client <A>\"}", "4", "2",
		"[{\"id\":\"7\",\"agent\":{\"id\":\"5\"}}]" };
	struct arena	 a;

	(void)state;
	arena_init(&a, 1 << 20);
	assert_string_equal(item_text(&a, c), "{\"id\":\"12\","
	    "\"title\":\"Printer \\\"jam\\\"\","
	    "\"creator\":{\"id\":\"3\",\"name\":\"Client <A>\"},"
	    "\"priority\":{\"id\":4,\"name\":\"Urgent\",\"rank\":1},"
	    "\"category\":{\"id\":2,\"name\":\"Hardware\"},"
	    "\"ticket_assignments\":[{\"id\":\"7\",\"agent\":{\"id\":\"5\"}}]}");
	arena_free(&a);
}

/* No category or priority, one that is gone, no assignment: nulls. */
static void
test_item_nulls(void **state)
{
	const char	*c[TKI__MAX] = { "9", "{\"id\":\"9\"}", NULL, NULL,
		"3", "[]" };
	struct arena	 a;

	(void)state;
	arena_init(&a, 1 << 20);
	assert_string_equal(item_text(&a, c), "{\"id\":\"9\",\"creator\":null,"
	    "\"priority\":null,\"category\":null,\"ticket_assignments\":[]}");
	/* "1" is a prefix of "14": ids compare whole */
	c[TKI_PRIORITY_ID] = "1";
	assert_non_null(strstr(item_text(&a, c), "\"priority\":null,"));
	c[TKI_PRIORITY_ID] = "14";
	assert_non_null(strstr(item_text(&a, c), "\"priority\":{\"id\":14,"));
	/* a category id is not a priority's */
	c[TKI_CATEGORY_ID] = "14";
	assert_non_null(strstr(item_text(&a, c), "\"category\":null,"));
	arena_free(&a);
}

/* Parts that are not what sql/013 makes are refused, not spliced. */
static void
test_item_malformed(void **state)
{
	const char	*bad_ticket[] = { NULL, "", "{", "}", "[]", "{\"id\":1",
		"x}" };
	const char	*c[TKI__MAX] = { "9", NULL, NULL, NULL, NULL, "[]" };
	struct arena	 a;
	size_t		 i;

	(void)state;
	arena_init(&a, 1 << 20);
	for (i = 0; i < sizeof(bad_ticket) / sizeof(bad_ticket[0]); i++) {
		c[TKI_TICKET] = bad_ticket[i];
		assert_null(item_text(&a, c));
	}
	c[TKI_TICKET] = "{}";
	assert_non_null(item_text(&a, c));
	c[TKI_ASSIGNMENTS] = NULL;
	assert_null(item_text(&a, c));
	c[TKI_ASSIGNMENTS] = "{}";
	assert_null(item_text(&a, c));
	arena_free(&a);
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
		cmocka_unit_test(test_item_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
