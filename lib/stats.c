/*
 * SSTS - statistics: the dashboard's counts and recent tickets, the
 * trends, and the /dashboard page.  Each answer is one statement that
 * builds its JSON in PostgreSQL (lib/db_stmts.c).  The page's charts are
 * inline SVG drawn on the server: their geometry is computed here, so the
 * template only prints numbers (no script, no style attribute: CSP).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "stats.h"

/* The chart of the last STATS_DAYS days: its plot area in the viewBox
 * (0 0 640 232, templates/dashboard.cs); the day labels sit below. */
static const struct stats_box days_box = { 40, 12, 592, 184 };
#define DAYS_LABEL_Y	216
#define DAYS_LABEL_EVERY 5	/* a day label every 5 days, today's last */

/* A breakdown: one row per item (its name above its bar, its count
 * after it), in a viewBox ROW_BAR_W + ROW_VALUE_W wide. */
#define ROW_H		34
#define ROW_BAR_W	330
#define ROW_VALUE_W	70

static void	 set_num(struct page *, double, int, const char *, ...)
		    SSTS_PRINTF(4, 5);

static const char **
scope_params(const struct req *r, char uid[24], const char *p[2])
{
	snprintf(uid, 24, "%lld", (long long)r->user.id);
	p[0] = role_name(r->user.role);
	p[1] = uid;
	return p;
}

/* The one JSON document a statement answers, owned by the request. */
static cJSON *
run_json(struct req *r, enum stmt s, const char *const *p)
{
	struct rows	 rs;

	if (db_run(r, s, p, &rs) != CORE_OK || rs.n != 1 ||
	    ROW(&rs, 0, 0) == NULL)
		return NULL;
	return req_own(r, cJSON_Parse(ROW(&rs, 0, 0)));
}

/* A count in a document made by the database (0 if absent). */
static int64_t
count_of(const cJSON *o, const char *key)
{
	const cJSON	*c = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(c) && c->valuedouble > 0 ?
	    (int64_t)c->valuedouble : 0;
}

cJSON *
stats_dashboard(struct req *r)
{
	char		 uid[24];
	const char	*p[2];
	cJSON		*d, *totals;

	d = run_json(r, STMT_STATS_DASHBOARD, scope_params(r, uid, p));
	if (d != NULL && r->user.role != ROLE_ADMIN) {
		/* The statement leaves them null: others never have them. */
		totals = cJSON_GetObjectItemCaseSensitive(d, "totals");
		cJSON_DeleteItemFromObjectCaseSensitive(d, "users");
		cJSON_DeleteItemFromObjectCaseSensitive(totals, "unassigned");
	}
	return d;
}

cJSON *
stats_trends(struct req *r, int64_t days)
{
	char		 n[24];
	const char	*p[1] = { n };

	snprintf(n, sizeof(n), "%lld", (long long)days);
	return run_json(r, STMT_STATS_TRENDS, p);
}

int64_t
stats_nice_max(int64_t max, int64_t *step)
{
	static const int64_t	 mult[] = { 1, 2, 5 };
	int64_t			 p10 = 1, quarter, s;
	size_t			 i;

	if (max < 0)
		max = 0;
	if (max > STATS_VALUE_MAX)
		max = STATS_VALUE_MAX;
	quarter = max / 4 + (max % 4 != 0);
	/* 1, 2, 5, 10, 20, 50, ...: the first that covers a quarter. */
	for (;;) {
		for (i = 0; i < 3; i++)
			if (p10 * mult[i] >= quarter)
				break;
		if (i < 3)
			break;
		p10 *= 10;
	}
	s = *step = p10 * mult[i];
	return max <= 4 ? 4 : (max / s + (max % s != 0)) * s;
}

/* Height of value v on an axis of top over h units; > 0 shows. */
static double
bar_len(int64_t v, int64_t top, double len)
{
	double	 x = (double)v * len / (double)top;

	return v > 0 && x < 1 ? (len < 1 ? len : 1) : x;
}

static int
values_ok(const int64_t *v, size_t n, int64_t top)
{
	size_t	 i;

	if (n == 0 || top < 1)
		return 0;
	for (i = 0; i < n; i++)
		if (v[i] < 0 || v[i] > top)
			return 0;
	return 1;
}

int
stats_columns(const struct stats_box *b, const int64_t *v, size_t nseries,
    size_t n, int64_t top, struct stats_box *out)
{
	double	 slot, bw;
	size_t	 s, i;

	if (nseries == 0 || !values_ok(v, nseries * n, top))
		return 0;
	slot = b->w / (double)n;
	/* a tenth of each slot is left free on either side */
	bw = slot * 0.8 / (double)nseries;
	for (s = 0; s < nseries; s++)
		for (i = 0; i < n; i++) {
			out[s * n + i].x = b->x + (double)i * slot +
			    slot * 0.1 + (double)s * bw;
			out[s * n + i].w = bw;
			out[s * n + i].h = bar_len(v[s * n + i], top, b->h);
			out[s * n + i].y = b->y + b->h - out[s * n + i].h;
		}
	return 1;
}

int
stats_rows(const struct stats_box *b, const int64_t *v, size_t n,
    int64_t top, struct stats_box *out)
{
	double	 row;
	size_t	 i;

	if (!values_ok(v, n, top))
		return 0;
	row = b->h / (double)n;
	for (i = 0; i < n; i++) {
		out[i].x = b->x;
		out[i].y = b->y + (double)i * row + row * 0.5;
		out[i].w = bar_len(v[i], top, b->w);
		out[i].h = row * 0.4;
	}
	return 1;
}

/* page_set() of a number with "dec" decimals under a printf-made name. */
static void
set_num(struct page *p, double v, int dec, const char *fmt, ...)
{
	char	 name[96], val[40];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(val, sizeof(val), "%.*f", dec, v);
	page_set(p, name, val);
}

/*
 * Chart.days.i (date, label, opened, resolved, the two bars o* and r*,
 * the label's x cx and whether it is shown), Chart.ticks.k (value, y) and
 * the sums; 0 if the days are not the STATS_DAYS expected.
 */
static int
page_days(struct req *r, struct page *p, const cJSON *days)
{
	int64_t		 v[2 * STATS_DAYS] = { 0 }, sum[2] = { 0 };
	int64_t		 max = 0, top, step;
	struct stats_box bar[2 * STATS_DAYS];
	const struct stats_box *b = &days_box;
	const cJSON	*d;
	char		 name[64];
	size_t		 i = 0, k;

	if (cJSON_GetArraySize(days) != STATS_DAYS)
		return 0;
	cJSON_ArrayForEach(d, days) {
		v[i] = count_of(d, "opened");
		v[STATS_DAYS + i] = count_of(d, "resolved");
		sum[0] += v[i];
		sum[1] += v[STATS_DAYS + i];
		for (k = 0; k < 2; k++)
			if (v[k * STATS_DAYS + i] > max)
				max = v[k * STATS_DAYS + i];
		i++;
	}
	top = stats_nice_max(max, &step);
	if (!stats_columns(b, v, 2, STATS_DAYS, top, bar))
		return 0;
	i = 0;
	cJSON_ArrayForEach(d, days) {
		snprintf(name, sizeof(name), "Chart.days.%zu", i);
		page_set_json(p, name, d);
		set_num(p, (double)bar[i].x, 1, "%s.ox", name);
		set_num(p, (double)bar[i].y, 1, "%s.oy", name);
		set_num(p, (double)bar[i].w, 1, "%s.ow", name);
		set_num(p, (double)bar[i].h, 1, "%s.oh", name);
		k = STATS_DAYS + i;
		set_num(p, (double)bar[k].x, 1, "%s.rx", name);
		set_num(p, (double)bar[k].y, 1, "%s.ry", name);
		set_num(p, (double)bar[k].w, 1, "%s.rw", name);
		set_num(p, (double)bar[k].h, 1, "%s.rh", name);
		/* the last label ends at the plot's edge, not past it */
		set_num(p, i + 1 == STATS_DAYS ? b->x + b->w : b->x +
		    ((double)i + 0.5) * b->w / STATS_DAYS, 1, "%s.cx", name);
		page_set(p, arena_printf(&r->arena, "%s.anchor", name),
		    i + 1 == STATS_DAYS ? "end" : "middle");
		if ((STATS_DAYS - 1 - i) % DAYS_LABEL_EVERY == 0)
			page_set(p, arena_printf(&r->arena, "%s.show", name),
			    "1");
		i++;
	}
	for (k = 0; (int64_t)k * step <= top; k++) {
		set_num(p, (double)((int64_t)k * step), 0,
		    "Chart.ticks.%zu.value", k);
		set_num(p, b->y + b->h - (double)((int64_t)k * step) * b->h /
		    (double)top, 1, "Chart.ticks.%zu.y", k);
	}
	set_num(p, (double)sum[0], 0, "Chart.opened");
	set_num(p, (double)sum[1], 0, "Chart.resolved");
	set_num(p, b->x, 1, "Chart.x0");
	set_num(p, b->x - 6, 1, "Chart.ax");
	set_num(p, b->x + b->w, 1, "Chart.x1");
	set_num(p, b->y + b->h, 1, "Chart.base");
	set_num(p, DAYS_LABEL_Y, 0, "Chart.label_y");
	return 1;
}

/*
 * A breakdown as horizontal bars: Prefix.rows.i (the item's "key" as
 * name, count, bar x y w h, the name's baseline ty, the count's place
 * vx vy), and the viewBox's width and height, the track's width.
 */
static int
page_rows(struct req *r, struct page *p, const char *prefix,
    const cJSON *items, const char *key)
{
	int64_t		*v, max = 0, top, step;
	struct stats_box *bar, box = { 0, 0, ROW_BAR_W, 0 };
	const cJSON	*it, *nm;
	size_t		 i = 0, n = (size_t)cJSON_GetArraySize(items);
	char		 name[64];

	if (n == 0)
		return 1;
	v = arena_calloc(&r->arena, n, sizeof(*v));
	bar = arena_calloc(&r->arena, n, sizeof(*bar));
	if (v == NULL || bar == NULL)
		return 0;
	cJSON_ArrayForEach(it, items) {
		v[i] = count_of(it, "count");
		if (v[i] > max)
			max = v[i];
		i++;
	}
	top = stats_nice_max(max, &step);
	box.h = (double)n * ROW_H;
	if (!stats_rows(&box, v, n, top, bar))
		return 0;
	i = 0;
	cJSON_ArrayForEach(it, items) {
		snprintf(name, sizeof(name), "%s.rows.%zu", prefix, i);
		nm = cJSON_GetObjectItemCaseSensitive(it, key);
		if (cJSON_IsString(nm))
			page_set(p, arena_printf(&r->arena, "%s.name", name),
			    nm->valuestring);
		set_num(p, (double)v[i], 0, "%s.count", name);
		set_num(p, bar[i].x, 1, "%s.x", name);
		set_num(p, bar[i].y, 1, "%s.y", name);
		set_num(p, bar[i].w, 1, "%s.w", name);
		set_num(p, bar[i].h, 1, "%s.h", name);
		set_num(p, bar[i].y - 5, 1, "%s.ty", name);
		set_num(p, bar[i].x + bar[i].w + 6, 1, "%s.vx", name);
		set_num(p, bar[i].y + bar[i].h - 2, 1, "%s.vy", name);
		i++;
	}
	set_num(p, box.h, 0, "%s.height", prefix);
	set_num(p, ROW_BAR_W, 0, "%s.track", prefix);
	set_num(p, ROW_BAR_W + ROW_VALUE_W, 0, "%s.width", prefix);
	return 1;
}

enum core_err
stats_page(struct req *r, struct page *p)
{
	char		 uid[24];
	const char	*prm[2];
	cJSON		*dash, *act;

	if ((dash = stats_dashboard(r)) == NULL ||
	    (act = run_json(r, STMT_STATS_ACTIVITY,
	    scope_params(r, uid, prm))) == NULL)
		return CORE_EDB;
	page_set_json(p, "Stats", dash);
	page_set_json(p, "People",
	    cJSON_GetObjectItemCaseSensitive(act, "people"));
	if (!page_days(r, p, cJSON_GetObjectItemCaseSensitive(act, "days")) ||
	    !page_rows(r, p, "ByStatus",
	    cJSON_GetObjectItemCaseSensitive(dash, "byStatus"), "status") ||
	    !page_rows(r, p, "ByPriority",
	    cJSON_GetObjectItemCaseSensitive(act, "byPriority"), "name"))
		return CORE_EINVAL;
	return CORE_OK;
}
