/*
 * SSTS - the audit route group: the audit log for admins (the JSON API,
 * the /admin/audit page, CSV exports, the verifier of the hash chain)
 * and a ticket's trail for whoever may see the ticket.  The rules live
 * in lib/auditlog.c and lib/tickets.c; this file maps HTTP to them.
 */
#include <stdio.h>

#include "ssts.h"
#include "auditlog.h"
#include "tickets.h"

#define PAGE_SIZE	50
#define UNAVAILABLE	"The service is temporarily unavailable."

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

/* GET /api/audit: {"logs","total","page","limit"}, newest first. */
static void
api_list(struct req *r)
{
	struct field	 f[AL__MAX];
	struct al_filter flt;
	cJSON		*out;

	if (auditlog_filter(r, f, 50, &flt) > 0)
		resp_validation(r, auditlog_specs, AL__MAX, f);
	else if ((out = auditlog_list(r, &flt)) == NULL)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, out);
}

static void
api_export(struct req *r)
{
	struct field	 f[AL__MAX];
	struct al_filter flt;

	if (auditlog_filter(r, f, 50, &flt) > 0)
		resp_validation(r, auditlog_specs, AL__MAX, f);
	else
		auditlog_export(r, &flt);
}

/* GET /api/audit/verify: walks the whole chain. */
static void
api_verify(struct req *r)
{
	struct al_verdict v;

	if (auditlog_verify(r, &v) != CORE_OK)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, auditlog_verdict_json(r, &v));
}

/* The page: filters, one page of rows, and a verdict if one was asked for. */
static void
audit_page(struct req *r, const struct al_verdict *v)
{
	struct field	 f[AL__MAX];
	struct al_filter flt;
	struct page	*p;
	cJSON		*list = NULL;
	size_t		 bad = auditlog_filter(r, f, PAGE_SIZE, &flt);
	int		 ok;

	/* The page shows PAGE_SIZE rows whatever "limit" says. */
	if (f[AL_LIMIT].err != NULL)
		f[AL_LIMIT].err = NULL, bad--;
	f[AL_LIMIT].str = NULL;
	flt.limit = PAGE_SIZE;
	ok = bad == 0;
	if (ok && (list = auditlog_list(r, &flt)) == NULL) {
		page_error(r, 503, UNAVAILABLE);
		return;
	}
	p = page_new(r, "Audit log");
	page_form(p, auditlog_specs, AL__MAX, f, 1);
	page_set_json(p, "List", list);
	if (v != NULL)
		page_set_json(p, "Verdict", auditlog_verdict_json(r, v));
	page_set(p, "Error.message", ok ? NULL : "Some filters are not "
	    "valid. Please correct the fields marked below.");
	page_render(p, ok ? 200 : 400, "admin_audit.cs");
}

static void
page_list(struct req *r)
{
	audit_page(r, NULL);
}

/* POST /admin/audit/verify: the same page with the chain's verdict. */
static void
page_verify(struct req *r)
{
	struct al_verdict v;

	if (auditlog_verify(r, &v) != CORE_OK)
		page_error(r, 503, UNAVAILABLE);
	else
		audit_page(r, &v);
}

static void
page_export(struct req *r)
{
	struct field	 f[AL__MAX];
	struct al_filter flt;

	if (auditlog_filter(r, f, PAGE_SIZE, &flt) > 0)
		page_error(r, 400, "Some filters are not valid: go back to the "
		    "audit log and correct them.");
	else
		auditlog_export(r, &flt);
}

static const struct route routes[] = {
	{ "GET", "/api/audit", PERM_ADMIN, api_list, 0 },
	{ "GET", "/api/audit/export.csv", PERM_ADMIN, api_export, 0 },
	{ "GET", "/api/audit/verify", PERM_ADMIN, api_verify, 0 },
	{ "GET", "/api/audit/ticket/:id", PERM_USER, api_ticket_trail, 0 },
	{ "GET", "/admin/audit", PERM_ADMIN, page_list, 0 },
	{ "GET", "/admin/audit/export.csv", PERM_ADMIN, page_export, 0 },
	{ "POST", "/admin/audit/verify", PERM_ADMIN, page_verify, 0 },
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
