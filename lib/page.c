/*
 * SSTS - page chrome.  A handler that answers with HTML builds a page:
 * page_new() fills the chrome every template expects (site, signed-in
 * user, CSRF token, flash message, request id), the handler adds its
 * model, and page_render() renders it through lib/tmpl.c.  Error pages
 * use the same chrome, so every page looks like the product.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tmpl.h"

#define COOKIE_FLASH	"__Host-flash"

struct page {
	struct req	*req;
	void		*hdf;
};

struct flash {
	const char	*key;
	const char	*kind;	/* success, error, info */
	const char	*text;
};

static const struct flash flashes[] = {
	{ "registered", "success", "Your account is ready. Welcome to SSTS!" },
	{ "signed_in", "success", "You are signed in." },
	{ "signed_out", "info", "You have been signed out." },
	/* two-step sign-in (cgi-bin/mfa.c) */
	{ "mfa_expired", "info", "Your sign-in has to start again. Please "
	    "enter your e-mail and password." },
	{ "mfa_off", "info", "Two-step sign-in is already off." },
	{ "mfa_setup", "info", "Scan the QR code with your authenticator app, "
	    "then enter the code it shows to finish." },
	{ "mfa_already", "info", "Two-step sign-in is already on." },
	{ "mfa_failed", "error", "That did not work. Please start again." },
	{ "mfa_throttled", "error", "Too many wrong codes or passwords. Please "
	    "wait a while and try again." },
	{ "mfa_bad_code", "error", "That code is not valid or was already "
	    "used. Please enter the current one." },
	{ "mfa_bad_password", "error", "Your password was not right." },
	{ "mfa_disabled", "info", "Two-step sign-in is off, and your other "
	    "devices have been signed out." },
	{ "mfa_reset", "success", "Two-step sign-in has been turned off for "
	    "this account, which has been signed out everywhere." },
	/* the admin's user pages (cgi-bin/people.c) */
	{ "user_created", "success", "The account has been created. Give the "
	    "new user their e-mail address and password." },
	{ "user_updated", "success", "The account has been updated." },
	{ "user_activated", "success", "The account is active again: its "
	    "owner can sign in." },
	{ "user_deactivated", "info", "The account is deactivated and has "
	    "been signed out everywhere." },
	{ "last_admin", "error", "This is the last active admin: make "
	    "another user an admin first." },
	{ "password_set", "success", "The password has been set and the "
	    "account signed out everywhere." },
	/* ticket pages (cgi-bin/desk.c) */
	{ "ticket_created", "success", "Your ticket has been created. "
	    "We will reply here." },
	{ "comment_added", "success", "Your reply has been added." },
	{ "note_added", "success", "Internal note added. Only agents and "
	    "admins can see it." },
	{ "status_changed", "success", "The ticket's status has been updated." },
	{ "ticket_updated", "success", "The ticket has been updated." },
	{ "ticket_assigned", "success", "The ticket has been assigned." },
	{ "ticket_unassigned", "info", "The ticket is no longer assigned." },
	{ "ticket_invalid", "error", "A category or priority you chose no "
	    "longer exists. Please choose another." },
	{ "status_invalid", "error", "That is not a known status." },
	{ "transition_refused", "error", "That status change is not allowed "
	    "for this ticket now." },
	{ "edit_refused", "error", "This ticket cannot be edited in its "
	    "current status." },
	{ "ticket_closed", "error", "This ticket is closed. An admin can "
	    "reopen it." },
	{ "attachment_added", "success", "The file has been attached." },
	{ "attachment_missing", "error", "Please choose a file to attach." },
	{ "attachment_too_many", "error", "Please attach one file at a time." },
	{ "attachment_too_big", "error", "That file is larger than the upload "
	    "limit shown below the form." },
	{ "attachment_empty", "error", "That file is empty." },
	{ "attachment_bad_type", "error", "That kind of file is not accepted. "
	    "You can attach PNG, JPEG, GIF and WebP images, PDF documents and "
	    "plain text files." },
	{ "attachment_mismatch", "error", "That file's content does not match "
	    "its name or type, so it was not accepted." },
	/* catalog admin pages (cgi-bin/catalog.c) */
	{ "category_created", "success", "The category has been created." },
	{ "category_updated", "success", "The category has been saved." },
	{ "category_deleted", "success", "The category has been deleted. "
	    "Tickets that had it now have no category." },
	{ "priority_created", "success", "The priority has been created." },
	{ "priority_updated", "success", "The priority has been saved." },
	{ "priority_deleted", "success", "The priority has been deleted. "
	    "Tickets that had it now have no priority." },
	{ "bad_assignee", "error", "Tickets can only be assigned to an active "
	    "agent or admin." },
	/* account pages (cgi-bin/account.c) */
	{ "profile_updated", "success", "Your profile has been updated." },
	{ "password_changed", "success", "Your password has been changed. "
	    "Your other devices have been signed out." },
	{ "session_revoked", "success", "That device has been signed out." },
	{ "sessions_revoked", "success", "All your other devices have been "
	    "signed out." },
	{ "no_other_sessions", "info", "No other device was signed in, so "
	    "there was nothing to sign out." },
	{ "signed_out_everywhere", "info", "You have been signed out on every "
	    "device, including this one." },
};

static void
page_flash(struct page *p)
{
	struct req	*r = p->req;
	const char	*key;
	size_t		 i;

	if (r->cookie == NULL ||
	    (key = cookie_get(&r->arena, r->cookie, COOKIE_FLASH)) == NULL)
		return;
	resp_cookie(r, COOKIE_FLASH, NULL, 0);	/* shown once */
	for (i = 0; i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(flashes[i].key, key) == 0) {
			tmpl_set(p->hdf, "Flash.kind", flashes[i].kind);
			tmpl_set(p->hdf, "Flash.text", flashes[i].text);
		}
}

static void
page_chrome(struct page *p, const char *title)
{
	struct req	*r = p->req;
	char		 id[24], mb[24];

	tmpl_set(p->hdf, "Site.name", "SSTS");
	snprintf(mb, sizeof(mb), "%lld", (long long)(cfg->max_upload >> 20));
	tmpl_set(p->hdf, "Site.max_upload_mb", mb);
	tmpl_set(p->hdf, "Page.title", title);
	tmpl_set(p->hdf, "Page.path", r->path);
	tmpl_set(p->hdf, "Page.rid", r->rid);
	tmpl_set(p->hdf, "Csrf", r->csrf);
	if (r->authed) {
		snprintf(id, sizeof(id), "%lld", (long long)r->user.id);
		tmpl_set(p->hdf, "User.id", id);
		tmpl_set(p->hdf, "User.name", r->user.name);
		tmpl_set(p->hdf, "User.email", r->user.email);
		tmpl_set(p->hdf, "User.role", role_name(r->user.role));
	}
	page_flash(p);
}

struct page *
page_new(struct req *r, const char *title)
{
	struct page	*p;

	page_free(r);
	if ((p = arena_alloc(&r->arena, sizeof(*p))) == NULL)
		return NULL;
	p->req = r;
	if ((p->hdf = tmpl_hdf_new()) == NULL)
		return NULL;
	r->page = p;
	csrf_prepare(r, 1);
	page_chrome(p, title);
	return p;
}

void
page_free(struct req *r)
{
	struct page	*p = r->page;

	if (p != NULL)
		tmpl_hdf_free(p->hdf);
	r->page = NULL;
}

void
page_set(struct page *p, const char *name, const char *value)
{
	if (p != NULL)
		tmpl_set(p->hdf, name, value);
}

/* Flattens JSON into HDF: objects by key, arrays by index. */
void
page_set_json(struct page *p, const char *prefix, const cJSON *j)
{
	const cJSON	*c;
	char		 name[256], num[64];
	int		 i = 0;

	if (p == NULL || j == NULL)
		return;
	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		cJSON_ArrayForEach(c, j) {
			if (cJSON_IsObject(j))
				snprintf(name, sizeof(name), "%s.%s", prefix,
				    c->string);
			else
				snprintf(name, sizeof(name), "%s.%d", prefix, i);
			i++;
			page_set_json(p, name, c);
		}
	} else if (cJSON_IsString(j))
		tmpl_set(p->hdf, prefix, j->valuestring);
	else if (cJSON_IsNumber(j)) {
		snprintf(num, sizeof(num), "%.17g", j->valuedouble);
		tmpl_set(p->hdf, prefix, num);
	} else if (cJSON_IsTrue(j))
		tmpl_set(p->hdf, prefix, "1");
}

/* "is required" -> "Is required." for showing under a form field. */
static const char *
sentence(struct req *r, const char *msg)
{
	char	*s;
	size_t	 n;

	if ((s = arena_printf(&r->arena, "%s.", msg)) == NULL)
		return msg;
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	n = strlen(s);
	if (n >= 2 && s[n - 2] == '.')
		s[n - 1] = '\0';
	return s;
}

void
page_form(struct page *p, const struct field_spec *specs, size_t n,
    const struct field *f, int keep_values)
{
	char	 name[128];
	size_t	 i;

	for (i = 0; i < n && p != NULL; i++) {
		if (keep_values && f[i].str != NULL &&
		    specs[i].kind != VALID_PASSWORD) {
			snprintf(name, sizeof(name), "Form.%s", specs[i].name);
			tmpl_set(p->hdf, name, f[i].str);
		}
		if (f[i].err != NULL) {
			snprintf(name, sizeof(name), "Errors.%s", specs[i].name);
			tmpl_set(p->hdf, name, sentence(p->req, f[i].err));
		}
	}
}

void
page_render(struct page *p, int status, const char *tmpl)
{
	struct req	*r;
	struct buf	 out;

	if (p == NULL)
		return;
	r = p->req;
	buf_init(&out, &r->arena, 4 * 1024 * 1024);
	if (!tmpl_render(p->hdf, tmpl, &out)) {
		log_event(r, "template %s failed to render", tmpl);
		page_free(r);
		resp_text(r, 500, "text/plain; charset=utf-8",
		    "Internal server error\n");
		return;
	}
	resp_begin(r, status, "text/html; charset=utf-8");
	if (strcmp(r->method, "HEAD") != 0)
		resp_write(r, out.data, out.len);
	page_free(r);
}

static const char *
error_title(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 403: return "Not allowed";
	case 404: return "Page not found";
	case 405: return "Method not allowed";
	case 413: return "Too large";
	case 415: return "Unsupported form";
	case 429: return "Too many requests";
	case 503: return "Temporarily unavailable";
	default: return status >= 500 ? "Something went wrong" : "Error";
	}
}

void
page_error(struct req *r, int status, const char *message)
{
	struct page	*p;
	char		 code[8];

	if ((p = page_new(r, error_title(status))) == NULL) {
		resp_text(r, status, "text/plain; charset=utf-8", message);
		return;
	}
	snprintf(code, sizeof(code), "%d", status);
	page_set(p, "Error.status", code);
	page_set(p, "Error.title", error_title(status));
	page_set(p, "Error.message", message);
	page_render(p, status, "error.cs");
}
