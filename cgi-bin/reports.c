/*
 * SSTS - the reports route group: the signed-in home (/dashboard) and
 * the statistics API (lib/stats.c), and the ticket exports.
 * Every route passes the gate in lib/ (session, role, CSRF) first.
 */
#include "ssts.h"

static void
page_dashboard(struct req *r)
{
	page_render(page_new(r, "Dashboard"), 200, "dashboard.cs");
}

static const struct route routes[] = {
	{ "GET", "/dashboard", PERM_USER, page_dashboard, 0 },
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
