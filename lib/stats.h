/*
 * SSTS - statistics (lib/stats.c): the dashboard's counts and the trends
 * of the statistics API (ORIGINAL.md §3.9), the /dashboard page's model,
 * and the geometry of its charts.  The caller's scope is the original's:
 * clients count the tickets they created, agents the tickets assigned to
 * them, admins every ticket.  Returned trees belong to the request.
 */
#ifndef SSTS_STATS_H
#define SSTS_STATS_H

#define STATS_DAYS		30	/* days in the dashboard's chart */
#define STATS_TRENDS_DAYS	30	/* the trends' default */
#define STATS_TRENDS_MAX	365
#define STATS_VALUE_MAX		INT64_C(1000000000000000) /* larger: clamped */

/* A rectangle in a chart's viewBox units (y grows downwards). */
struct stats_box {
	double		 x;
	double		 y;
	double		 w;
	double		 h;
};

/* GET /api/statistics/dashboard's document; NULL if the database failed. */
cJSON		*stats_dashboard(struct req *);
/* GET /api/statistics/trends: [{"date","count"}]; NULL on failure. */
cJSON		*stats_trends(struct req *, int64_t days);
/* The /dashboard page's model (counts, charts, lists) into p. */
enum core_err	 stats_page(struct req *, struct page *);

/*
 * The axis of a chart whose largest value is max: returns the top of the
 * axis, a multiple of *step (1, 2 or 5 times a power of ten) with at most
 * four steps, and never less than 4.  max is clamped to 0..STATS_VALUE_MAX.
 */
int64_t		 stats_nice_max(int64_t max, int64_t *step);
/*
 * Vertical bars: n groups side by side across the box, each of nseries
 * bars; v[s * n + i] is series s in group i, out[s * n + i] its bar, from
 * the bottom of the box up to v / top of its height (a value above 0 is
 * at least one unit tall).  Returns 0 (out untouched) if n or nseries is
 * 0, top < 1 or a value is outside 0..top.
 */
int		 stats_columns(const struct stats_box *, const int64_t *v,
		    size_t nseries, size_t n, int64_t top,
		    struct stats_box *out);
/* Horizontal bars: one row per value, from the left edge; as above. */
int		 stats_rows(const struct stats_box *, const int64_t *v,
		    size_t n, int64_t top, struct stats_box *out);

#endif /* SSTS_STATS_H */
