/*
 * SSTS - the attachments route group: uploads (POST /api/attachments and
 * the ticket page's form) and downloads (API, page link, thumbnails).
 * Everything about files lives in lib/attach.c; access to a file is
 * always the access to its ticket.
 */
#include <string.h>

#include "ssts.h"
#include "attach.h"
#include "sniff.h"

static const struct field_spec ticket_field[1] = {
	{ "ticket_id", VALID_ID, 0, 0, 0, 0, 1 },
};

/* The flash after a refused page upload; none = an error page. */
static const char *const refused[AT__MAX] = {
	[AT_CLOSED] =	"ticket_closed",
	[AT_NOFILE] =	"attachment_missing",
	[AT_TOOMANY] =	"attachment_too_many",
	[AT_TOOBIG] =	"attachment_too_big",
	[AT_EMPTY] =	"attachment_empty",
	[AT_BADTYPE] =	"attachment_bad_type",
	[AT_MISMATCH] =	"attachment_mismatch",
};

static void
api_fail(struct req *r, enum at_result rc)
{
	if (rc == AT_TOOBIG)
		resp_error(r, 413, arena_printf(&r->arena, "File too large. "
		    "Maximum size: %lldMB",
		    (long long)(cfg->max_upload / (1024 * 1024))));
	else
		resp_error(r, at_status(rc), rc == AT_NOTFOUND ?
		    "Ticket not found" : at_message(rc));
}

/* POST /api/attachments: multipart, "file" and "ticket_id". */
static void
api_upload(struct req *r)
{
	struct at_upload	*u = NULL;
	struct field		 f[1];
	enum at_result		 rc;
	cJSON			*out;

	if (!r->body_stream) {
		resp_error(r, 415, "Expected multipart/form-data");
		return;
	}
	if ((rc = at_receive(r, &u)) != AT_OK)
		api_fail(r, rc);
	else if (req_fields(r, ticket_field, 1, f) > 0) {
		if (!f[0].present)
			resp_error(r, 400, "ticket_id required");
		else
			resp_validation(r, ticket_field, 1, f);
	} else if ((rc = at_save(r, u, f[0].num, &out)) != AT_OK)
		api_fail(r, rc);
	else
		resp_json(r, 201, out);
	at_discard(u);
}

/* POST /tickets/:id/attachments: the ticket page's upload form. */
static void
page_upload(struct req *r)
{
	struct at_upload	*u = NULL;
	enum at_result		 rc = AT_MALFORMED;
	cJSON			*out;

	if (r->body_stream && (rc = at_receive(r, &u)) == AT_OK)
		rc = at_save(r, u, r->params[0], &out);
	at_discard(u);
	if (rc != AT_OK && refused[rc] == NULL) {
		page_error(r, at_status(rc), rc == AT_NOTFOUND ?
		    "This ticket does not exist, or you cannot see it." :
		    at_message(rc));
		return;
	}
	resp_flash(r, rc == AT_OK ? "attachment_added" : refused[rc]);
	resp_redirect(r, arena_printf(&r->arena, "/tickets/%lld#attachments",
	    (long long)r->params[0]));
}

static void
api_download(struct req *r)
{
	enum at_result	 rc;

	if ((rc = at_send(r, r->params[0], 0)) != AT_OK)
		resp_error(r, at_status(rc), rc == AT_NOTFOUND ?
		    "Attachment not found" : at_message(rc));
}

/* GET /attachments/:id and /attachments/:id/preview (images only). */
static void
page_download(struct req *r)
{
	enum at_result	 rc;
	int		 preview = strstr(r->route->pattern, "/preview") != NULL;

	if ((rc = at_send(r, r->params[0], preview)) != AT_OK)
		page_error(r, at_status(rc), rc == AT_NOTFOUND ?
		    "This file does not exist, or you cannot see it." :
		    at_message(rc));
}

static const struct route routes[] = {
	{ "POST", "/api/attachments", PERM_USER, api_upload, ROUTE_UPLOAD },
	{ "GET", "/api/attachments/:id/download", PERM_USER, api_download, 0 },
	{ "POST", "/tickets/:id/attachments", PERM_USER, page_upload,
	    ROUTE_UPLOAD },
	{ "GET", "/attachments/:id", PERM_USER, page_download, 0 },
	{ "GET", "/attachments/:id/preview", PERM_USER, page_download, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("attachments") || !sniff_init())
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	sniff_fini();
	core_fini();
	return 0;
}
