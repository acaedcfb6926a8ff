/*
 * SSTS - the audit route group: the audit log for admins (API, the
 * /admin/audit page, the chain verifier) and a ticket's trail for
 * whoever may see the ticket.  The rules live in lib/auditlog.c.
 */
#include "ssts.h"
#include "tickets.h"

/* GET /api/audit/ticket/:id: clients never get the rows of internal notes. */
static void
api_ticket_trail(struct req *r)
{
	cJSON		*out;
	enum tk_result	 rc;

	if ((rc = tk_history(r, r->params[0], 0, &out)) != TK_OK)
		resp_error(r, tk_result_status(rc), tk_result_message(rc));
	else
		resp_json(r, 200, out);
}

static const struct route routes[] = {
	{ "GET", "/api/audit/ticket/:id", PERM_USER, api_ticket_trail, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("audit"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
