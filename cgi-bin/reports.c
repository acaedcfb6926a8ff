/*
 * SSTS - the reports route group: the signed-in home (/dashboard) and
 * the statistics API (lib/stats.c), and the ticket exports.
 * Every route passes the gate in lib/ (session, role, CSRF) first.
 */
#include "ssts.h"
#include "export.h"
#include "stats.h"

/* ?days= of the trends: the original's default, at most a year. */
static const struct field_spec trends_specs[] = {
	{ "days", VALID_INT, 1, 3, 1, STATS_TRENDS_MAX, 0 },
};

/* The signed-in home: counts, charts and recent tickets (lib/stats.c). */
static void
page_dashboard(struct req *r)
{
	struct page	*p = page_new(r, "Dashboard");

	if (stats_page(r, p) != CORE_OK)
		page_error(r, 503, "The service is temporarily unavailable.");
	else
		page_render(p, 200, "dashboard.cs");
}

static void
api_dashboard(struct req *r)
{
	cJSON	*out = stats_dashboard(r);

	if (out == NULL)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, out);
}

/* Unlike the original (a 500 on "abc"), any bad days is a 400. */
static void
api_trends(struct req *r)
{
	struct field	 f;
	cJSON		*out;

	if (req_fields(r, trends_specs, 1, &f) > 0) {
		if (kv_count(&r->in, "days") == 1)
			f.err = "must be a whole number from 1 to 365";
		resp_validation(r, trends_specs, 1, &f);
	} else if ((out = stats_trends(r, f.valid ? f.num :
	    STATS_TRENDS_DAYS)) == NULL)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, out);
}

static const struct route routes[] = {
	{ "GET", "/dashboard", PERM_USER, page_dashboard, 0 },
	{ "GET", "/api/statistics/dashboard", PERM_USER, api_dashboard, 0 },
	{ "GET", "/api/statistics/trends", PERM_ADMIN, api_trends, 0 },
	{ "GET", "/api/tickets/export.csv", PERM_USER, export_tickets_api, 0 },
	{ "GET", "/tickets/export.csv", PERM_USER, export_tickets_page, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("reports"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
