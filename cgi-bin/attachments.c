/*
 * SSTS - the attachments route group: the forms that carry files (the
 * new ticket form, the ticket page's upload), POST /api/attachments, and
 * downloads (API, page link, thumbnails).  Everything about files lives
 * in lib/attach.c, ticket rules in lib/tickets.c; access to a file is
 * always the access to its ticket.
 */
#include <string.h>

#include "ssts.h"
#include "attach.h"
#include "sniff.h"
#include "tickets.h"

static const struct field_spec ticket_field[1] = {
	{ "ticket_id", VALID_ID, 0, 0, 0, 0, 1 },
};

enum nkey { N_TITLE, N_DESC, N_CATEGORY, N_PRIORITY, N__MAX };

/* The new ticket form: the same fields as the ticket page's edit form. */
static const struct field_spec new_fields[N__MAX] = {
	/* N_TITLE */	 { "title", VALID_LINE, 1, 255, 0, 0, 1 },
	/* N_DESC */	 { "description", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* N_CATEGORY */ { "category_id", VALID_INT, 0, 0, 1, 32767, 0 },
	/* N_PRIORITY */ { "priority_id", VALID_INT, 0, 0, 1, 32767, 0 },
};

/* The new ticket's file (optional), attached in tk_create's transaction. */
struct new_file {
	struct at_upload	*u;
	enum at_result		 rc;
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

static int
attach_new(struct req *r, int64_t id, void *ctx)
{
	struct new_file	*nf = ctx;
	cJSON		*out;

	if (nf->u == NULL)
		return 0;
	nf->rc = at_attach(r, nf->u, id, &out);
	return nf->rc != AT_OK && nf->rc != AT_NOFILE;
}

/* A file problem the form can explain (else an error page). */
static int
file_fixable(enum at_result rc)
{
	return rc == AT_OK || rc == AT_NOFILE || rc == AT_TOOMANY ||
	    rc == AT_TOOBIG || rc == AT_EMPTY || rc == AT_BADTYPE ||
	    rc == AT_MISMATCH;
}

/* The form, again with errors beside the fields and the values kept. */
static void
new_form(struct req *r, struct field *f, size_t n, const struct new_file *nf)
{
	struct page	*p = page_new(r, "New ticket");

	page_set_json(p, "Categories", tk_categories(r));
	page_set_json(p, "Priorities", tk_priorities(r));
	page_form(p, new_fields, n, f, 1);
	if (nf->rc != AT_OK && nf->rc != AT_NOFILE)
		page_set(p, "Errors.file", at_message(nf->rc));
	page_set(p, "Form.file_again", nf->u != NULL ? "1" : NULL);
	page_set(p, "Error.message", n > 0 ?
	    "Please correct the fields marked below." : NULL);
	page_render(p, n > 0 ? 400 : 200, "ticket_new.cs");
}

/* GET /tickets/new: the form.  POST: create (with a file), or the form. */
static void
page_new_ticket(struct req *r)
{
	struct field	 f[N__MAX];
	struct new_file	 nf = { NULL, AT_OK };
	const char	*bad = NULL;
	enum tk_result	 rc = TK_INVALID;
	cJSON		*t;
	size_t		 n = strcmp(r->method, "POST") == 0 ? N__MAX : 0;

	if (n > 0 && r->body_stream)
		nf.rc = at_receive(r, &nf.u);
	if (n > 0 && req_fields(r, new_fields, n, f) == 0 && nf.rc == AT_OK)
		rc = tk_create(r, &(struct tk_new){ f[N_TITLE].str,
		    f[N_DESC].str, field_value(&f[N_CATEGORY]),
		    field_value(&f[N_PRIORITY]), attach_new, &nf }, &t, &bad);
	at_discard(nf.u);
	if (rc == TK_OK) {
		resp_flash(r, "ticket_created");
		resp_redirect(r, arena_printf(&r->arena, "/tickets/%s",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t,
		    "id"))));
	} else if (!file_fixable(nf.rc))
		page_error(r, at_status(nf.rc), at_message(nf.rc));
	else if (rc != TK_INVALID && rc != TK_REFUSED)
		page_error(r, tk_result_status(rc), tk_result_message(rc));
	else {
		if (bad != NULL)	/* the model names the field */
			f[strcmp(bad, "priority_id") == 0 ? N_PRIORITY :
			    N_CATEGORY].err = "does not exist";
		new_form(r, f, n, &nf);
	}
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
	{ "GET", "/tickets/new", PERM_USER, page_new_ticket, 0 },
	{ "POST", "/tickets/new", PERM_USER, page_new_ticket, ROUTE_UPLOAD },
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
