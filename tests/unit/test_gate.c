/*
 * SSTS - unit tests for route_match() in lib/gate.c: exact paths, ":id"
 * captures, method mismatch (405 material), HEAD on GET routes, and the
 * ids that match by shape but are refused (-1: 400 on the API, 404 on
 * pages).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "internal.h"

static void
nop_handler(struct req *r)
{
	(void)r;
}

static const struct route rt_login = {
	"POST", "/api/auth/login", PERM_PUBLIC, nop_handler, 0
};
static const struct route rt_root = { "GET", "/", PERM_PUBLIC, nop_handler, 0 };
static const struct route rt_ticket = {
	"GET", "/api/tickets/:id", PERM_USER, nop_handler, 0
};
static const struct route rt_comments = {
	"POST", "/api/tickets/:id/comments", PERM_USER, nop_handler, 0
};
static const struct route rt_two = {
	"GET", "/api/tickets/:id/comments/:cid", PERM_USER, nop_handler, 0
};
static const struct route rt_four = {
	"GET", "/a/:w/b/:x/c/:y/d/:z", PERM_USER, nop_handler, 0
};
static const struct route rt_five = {
	"GET", "/:a/:b/:c/:d/:e", PERM_USER, nop_handler, 0
};
static const struct route rt_head = {
	"HEAD", "/api/health", PERM_PUBLIC, nop_handler, 0
};

/* rm(): route_match() with params pre-filled with a marker value. */
static int
rm(const struct route *rt, const char *method, const char *path,
    int64_t params[REQ_MAX_PARAMS], int *path_only)
{
	size_t	 i;

	for (i = 0; i < REQ_MAX_PARAMS; i++)
		params[i] = -7;
	*path_only = 42;
	return route_match(rt, method, path, params, path_only);
}

static void
test_exact(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_login, "POST", "/api/auth/login", p, &po), 1);
	assert_int_equal(po, 0);
	assert_int_equal(p[0], -7);	/* no capture for a plain pattern */
	assert_int_equal(rm(&rt_root, "GET", "/", p, &po), 1);
	assert_int_equal(po, 0);
	assert_int_equal(rm(&rt_root, "GET", "", p, &po), 0);
	assert_int_equal(rm(&rt_root, "GET", "/x", p, &po), 0);
	assert_int_equal(rm(&rt_root, "GET", "//", p, &po), 0);
	assert_int_equal(rm(&rt_login, "POST", "/api/auth/logi", p, &po), 0);
	assert_int_equal(po, 0);
	assert_int_equal(rm(&rt_login, "POST", "/api/auth/loginx", p, &po), 0);
	assert_int_equal(rm(&rt_login, "POST", "/api/auth", p, &po), 0);
	assert_int_equal(rm(&rt_login, "POST", "/API/auth/login", p, &po), 0);
	assert_int_equal(rm(&rt_login, "POST", "api/auth/login", p, &po), 0);
	assert_int_equal(rm(&rt_login, "POST", "/api//auth/login", p, &po), 0);
	assert_int_equal(po, 0);
}

static void
test_trailing_and_extra(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_login, "POST", "/api/auth/login/", p, &po), 0);
	assert_int_equal(po, 0);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets/5/", p, &po), 0);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets/5/x", p, &po), 0);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets", p, &po), 0);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets/", p, &po), 0);
	assert_int_equal(rm(&rt_comments, "POST", "/api/tickets/5", p, &po), 0);
	assert_int_equal(rm(&rt_comments, "POST",
	    "/api/tickets/5/comments/", p, &po), 0);
	assert_int_equal(rm(&rt_comments, "POST",
	    "/api/tickets/5/comment", p, &po), 0);
	assert_int_equal(po, 0);
}

static void
test_capture(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets/1", p, &po), 1);
	assert_int_equal(po, 0);
	assert_int_equal(p[0], 1);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets/123456", p,
	    &po), 1);
	assert_int_equal(p[0], 123456);
	assert_int_equal(rm(&rt_ticket, "GET",
	    "/api/tickets/9223372036854775807", p, &po), 1);
	assert_true(p[0] == INT64_MAX);
	assert_int_equal(rm(&rt_comments, "POST",
	    "/api/tickets/77/comments", p, &po), 1);
	assert_int_equal(p[0], 77);
	assert_int_equal(p[1], -7);
}

static void
test_multi_params(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_two, "GET", "/api/tickets/3/comments/44",
	    p, &po), 1);
	assert_int_equal(p[0], 3);
	assert_int_equal(p[1], 44);
	assert_int_equal(p[2], -7);
	assert_int_equal(rm(&rt_four, "GET", "/a/1/b/22/c/333/d/4444",
	    p, &po), 1);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 22);
	assert_int_equal(p[2], 333);
	assert_int_equal(p[3], 4444);
	/* The second id is bad: the route matched by shape. */
	assert_int_equal(rm(&rt_two, "GET", "/api/tickets/3/comments/x",
	    p, &po), -1);
	assert_int_equal(rm(&rt_four, "GET", "/a/1/b/0/c/3/d/4", p, &po),
	    -1);
	assert_int_equal(rm(&rt_two, "GET", "/api/tickets/3/comments", p,
	    &po), 0);
	/* More ":x" segments than REQ_MAX_PARAMS never match (no overflow). */
	assert_int_equal(rm(&rt_five, "GET", "/1/2/3/4/5", p, &po), 0);
	assert_int_equal(po, 0);
}

static void
test_method(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_login, "GET", "/api/auth/login", p, &po), 0);
	assert_int_equal(po, 1);
	assert_int_equal(rm(&rt_login, "post", "/api/auth/login", p, &po), 0);
	assert_int_equal(po, 1);
	assert_int_equal(rm(&rt_login, "HEAD", "/api/auth/login", p, &po), 0);
	assert_int_equal(po, 1);
	assert_int_equal(rm(&rt_ticket, "DELETE", "/api/tickets/5", p, &po),
	    0);
	assert_int_equal(po, 1);
	/* A bad id with the wrong method is a 405, not a 400. */
	assert_int_equal(rm(&rt_ticket, "PUT", "/api/tickets/abc", p, &po),
	    0);
	assert_int_equal(po, 1);
	/* HEAD is served by GET routes, not the other way round. */
	assert_int_equal(rm(&rt_ticket, "HEAD", "/api/tickets/5", p, &po), 1);
	assert_int_equal(po, 0);
	assert_int_equal(p[0], 5);
	assert_int_equal(rm(&rt_root, "HEAD", "/", p, &po), 1);
	assert_int_equal(rm(&rt_head, "HEAD", "/api/health", p, &po), 1);
	assert_int_equal(rm(&rt_head, "GET", "/api/health", p, &po), 0);
	assert_int_equal(po, 1);
	/* A path mismatch never sets path_only. */
	assert_int_equal(rm(&rt_login, "GET", "/api/auth/logout", p, &po), 0);
	assert_int_equal(po, 0);
}

static void
assert_bad_id(const char *path)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	assert_int_equal(rm(&rt_ticket, "GET", path, p, &po), -1);
	assert_int_equal(po, 0);
}

static void
test_bad_ids(void **state)
{
	(void)state;
	assert_bad_id("/api/tickets/abc");
	assert_bad_id("/api/tickets/5a");
	assert_bad_id("/api/tickets/a5");
	assert_bad_id("/api/tickets/0");
	assert_bad_id("/api/tickets/00");
	assert_bad_id("/api/tickets/007");
	assert_bad_id("/api/tickets/-1");
	assert_bad_id("/api/tickets/-0");
	assert_bad_id("/api/tickets/+5");
	assert_bad_id("/api/tickets/%35");
	assert_bad_id("/api/tickets/ 5");
	assert_bad_id("/api/tickets/5 ");
	assert_bad_id("/api/tickets/1.0");
	assert_bad_id("/api/tickets/1e3");
	assert_bad_id("/api/tickets/0x10");
	assert_bad_id("/api/tickets/12345678901234567890");	/* 20 */
	assert_bad_id("/api/tickets/9223372036854775808");	/* MAX+1 */
	assert_bad_id("/api/tickets/18446744073709551616");
	/* Longer than the 32-byte segment buffer. */
	assert_bad_id("/api/tickets/"
	    "111111111111111111111111111111111111111111111111111111111111");
	assert_bad_id("/api/tickets/\xc3\xa9");
}

static void
test_empty_segment(void **state)
{
	int64_t	 p[REQ_MAX_PARAMS];
	int	 po;

	(void)state;
	assert_int_equal(rm(&rt_comments, "POST", "/api/tickets//comments",
	    p, &po), 0);
	assert_int_equal(po, 0);
	assert_int_equal(rm(&rt_two, "GET", "/api/tickets/1/comments/",
	    p, &po), 0);
	assert_int_equal(rm(&rt_ticket, "GET", "//api/tickets/1", p, &po), 0);
	assert_int_equal(rm(&rt_ticket, "GET", "/api/tickets//1", p, &po), 0);
	assert_int_equal(po, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_trailing_and_extra),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_multi_params),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_empty_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
