/*
 * SSTS - unit tests for the chart geometry of lib/stats.c: the axis'
 * nice maximum and step, vertical bars (the dashboard's days) and
 * horizontal bars (its breakdowns), at the edges: all zeros, one huge
 * value, one day, a year of days, and refused input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ssts.h"
#include "stats.h"

#define EPS	1e-9

static const struct stats_box box = { 40, 12, 592, 184 };

/* Is s 1, 2 or 5 times a power of ten? */
static int
nice_step(int64_t s)
{
	while (s >= 10 && s % 10 == 0)
		s /= 10;
	return s == 1 || s == 2 || s == 5;
}

static void
check_axis(int64_t max)
{
	int64_t	 step = 0, top = stats_nice_max(max, &step);

	assert_true(step >= 1);
	assert_true(nice_step(step));
	assert_true(top >= max);
	assert_true(top >= 4);
	assert_int_equal(top % step, 0);
	assert_true(top / step <= 4);
	/* the smallest such top: one step less would not hold max */
	if (top > 4)
		assert_true(top - step < max);
}

static void
test_nice_max(void **state)
{
	int64_t	 step, v;

	(void)state;
	assert_int_equal(stats_nice_max(0, &step), 4);
	assert_int_equal(step, 1);
	assert_int_equal(stats_nice_max(1, &step), 4);
	assert_int_equal(stats_nice_max(4, &step), 4);
	assert_int_equal(step, 1);
	assert_int_equal(stats_nice_max(5, &step), 6);
	assert_int_equal(step, 2);
	assert_int_equal(stats_nice_max(9, &step), 10);
	assert_int_equal(step, 5);
	assert_int_equal(stats_nice_max(100, &step), 100);
	assert_int_equal(step, 50);
	assert_int_equal(stats_nice_max(101, &step), 150);
	assert_int_equal(stats_nice_max(1000000000, &step), 1000000000);
	assert_int_equal(step, 500000000);
	for (v = 0; v <= 20000; v++)
		check_axis(v);
	for (v = 1; v < STATS_VALUE_MAX; v = v * 3 + 1)
		check_axis(v);
}

static void
test_nice_max_clamped(void **state)
{
	int64_t	 step;

	(void)state;
	assert_int_equal(stats_nice_max(-5, &step), 4);
	assert_int_equal(step, 1);
	assert_int_equal(stats_nice_max(INT64_MAX, &step), STATS_VALUE_MAX);
	assert_int_equal(stats_nice_max(STATS_VALUE_MAX, &step),
	    STATS_VALUE_MAX);
	assert_true(nice_step(step));
}

/* Every bar inside the box, on its bottom, in order, not overlapping. */
static void
check_columns(const int64_t *v, size_t nseries, size_t n, int64_t top,
    const struct stats_box *out)
{
	size_t	 s, i;
	double	 bottom = box.y + box.h;

	for (s = 0; s < nseries; s++)
		for (i = 0; i < n; i++) {
			const struct stats_box *b = &out[s * n + i];

			assert_true(b->x >= box.x - EPS);
			assert_true(b->x + b->w <= box.x + box.w + EPS);
			assert_true(b->w > 0);
			assert_true(b->h >= 0 && b->h <= box.h + EPS);
			assert_true(b->y >= box.y - EPS);
			assert_true(b->y + b->h <= bottom + EPS &&
			    b->y + b->h >= bottom - EPS);
			if (v[s * n + i] == 0)
				assert_true(b->h == 0);
			else
				assert_true(b->h >= 1 - EPS);
			if (v[s * n + i] == top)
				assert_true(b->h >= box.h - EPS);
			if (s + 1 < nseries)	/* next series to the right */
				assert_true(out[(s + 1) * n + i].x >=
				    b->x + b->w - EPS);
			if (i + 1 < n && s + 1 == nseries)
				assert_true(out[i + 1].x >= b->x + b->w - EPS);
		}
}

static void
test_columns_zeros(void **state)
{
	int64_t		 v[60], step, top;
	struct stats_box out[60];

	(void)state;
	memset(v, 0, sizeof(v));
	top = stats_nice_max(0, &step);
	assert_int_equal(stats_columns(&box, v, 2, 30, top, out), 1);
	check_columns(v, 2, 30, top, out);
	assert_true(out[0].x > box.x);		/* a margin in each slot */
	assert_true(out[29].x + out[29].w < out[30].x + box.w);
}

static void
test_columns_huge(void **state)
{
	int64_t		 v[60], step, top;
	struct stats_box out[60];

	(void)state;
	memset(v, 0, sizeof(v));
	v[3] = 1000000000;
	v[35] = 1;		/* resolved, day 5: tiny but visible */
	top = stats_nice_max(v[3], &step);
	assert_int_equal(stats_columns(&box, v, 2, 30, top, out), 1);
	check_columns(v, 2, 30, top, out);
	assert_true(out[3].h >= box.h - EPS);
	assert_true(out[3].y <= box.y + EPS);
	assert_true(out[35].h >= 1 - EPS && out[35].h < 1.5);
	assert_true(out[4].h == 0);
}

static void
test_columns_one_day(void **state)
{
	int64_t		 v[2] = { 3, 1 }, step, top;
	struct stats_box out[2];

	(void)state;
	top = stats_nice_max(3, &step);
	assert_int_equal(top, 4);
	assert_int_equal(stats_columns(&box, v, 2, 1, top, out), 1);
	check_columns(v, 2, 1, top, out);
	assert_true(out[0].h > 137 && out[0].h < 139);	/* 3/4 of 184 */
	assert_true(out[1].h > 45 && out[1].h < 47);
	assert_true(out[0].w > 200);	/* the whole width, shared */
}

static void
test_columns_year(void **state)
{
	int64_t		 v[2 * 365], step, top;
	struct stats_box out[2 * 365];
	size_t		 i;

	(void)state;
	for (i = 0; i < 2 * 365; i++)
		v[i] = (int64_t)(i * 7 % 23);
	top = stats_nice_max(22, &step);
	assert_int_equal(top, 30);
	assert_int_equal(stats_columns(&box, v, 2, 365, top, out), 1);
	check_columns(v, 2, 365, top, out);
	assert_true(out[364].x + out[364].w <= out[365 + 364].x + EPS);
	assert_true(out[2 * 365 - 1].x + out[2 * 365 - 1].w <=
	    box.x + box.w + EPS);
}

static void
test_columns_refused(void **state)
{
	int64_t		 v[4] = { 1, 2, 3, 4 };
	struct stats_box out[4];

	(void)state;
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(stats_columns(&box, v, 2, 0, 4, out), 0);
	assert_int_equal(stats_columns(&box, v, 0, 2, 4, out), 0);
	assert_int_equal(stats_columns(&box, v, 2, 2, 0, out), 0);
	assert_int_equal(stats_columns(&box, v, 2, 2, 3, out), 0); /* 4 > 3 */
	v[1] = -1;
	assert_int_equal(stats_columns(&box, v, 2, 2, 4, out), 0);
	assert_true(((unsigned char *)out)[0] == 0x5a);
}

static void
test_rows(void **state)
{
	int64_t		 v[5] = { 0, 12, 1, 40, 7 }, step, top;
	struct stats_box out[5], b = { 0, 0, 250, 5 * 34 };
	size_t		 i;

	(void)state;
	top = stats_nice_max(40, &step);
	assert_int_equal(top, 40);
	assert_int_equal(stats_rows(&b, v, 5, top, out), 1);
	for (i = 0; i < 5; i++) {
		assert_true(out[i].x == 0);
		assert_true(out[i].w >= 0 && out[i].w <= 250 + EPS);
		assert_true(out[i].y >= i * 34 && out[i].y + out[i].h <=
		    (i + 1) * 34 + EPS);
	}
	assert_true(out[0].w == 0);
	assert_true(out[2].w >= 1);
	assert_true(out[3].w >= 250 - EPS);
	assert_true(out[1].w > 74 && out[1].w < 76);	/* 12/40 of 250 */
	assert_int_equal(stats_rows(&b, v, 0, top, out), 0);
	assert_int_equal(stats_rows(&b, v, 5, 39, out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice_max),
		cmocka_unit_test(test_nice_max_clamped),
		cmocka_unit_test(test_columns_zeros),
		cmocka_unit_test(test_columns_huge),
		cmocka_unit_test(test_columns_one_day),
		cmocka_unit_test(test_columns_year),
		cmocka_unit_test(test_columns_refused),
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
