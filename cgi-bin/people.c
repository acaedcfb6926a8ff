/*
 * SSTS - the people route group: the admin's user pages under
 * /admin/users (list and search, create, edit, role, activation, a new
 * password).  The rules live in lib/users.c, shared with the users API.
 */
#include <string.h>

#include "ssts.h"
#include "mfa.h"
#include "users.h"

#define PAGE_SIZE	25
#define USER_TMPL	"admin_user.cs"

enum lkey { L_Q, L_ROLE, L_STATUS, L_PAGE, L__MAX };

static const struct field_spec list_specs[L__MAX] = {
	/* L_Q */	{ "q", VALID_LINE, 0, 255, 0, 0, 0 },
	/* L_ROLE */	{ "role", VALID_LINE, 0, 16, 0, 0, 0 },
	/* L_STATUS */	{ "status", VALID_LINE, 0, 16, 0, 0, 0 },
	/* L_PAGE */	{ "page", VALID_INT, 0, 0, 1, 1000000, 0 },
};

/* The list's filters; 0 if one of them is not valid. */
static int
list_query(struct req *r, struct field *f, struct usr_query *q)
{
	size_t		 bad = req_fields(r, list_specs, L__MAX, f);
	const char	*st = field_value(&f[L_STATUS]);

	memset(q, 0, sizeof(*q));
	q->q = field_value(&f[L_Q]);
	q->role = field_value(&f[L_ROLE]);
	if (q->role != NULL && role_parse(q->role) == ROLE_NONE)
		f[L_ROLE].err = "is not a known role", bad++;
	if (st != NULL && strcmp(st, "active") != 0 &&
	    strcmp(st, "inactive") != 0)
		f[L_STATUS].err = "must be active or inactive", bad++;
	q->active = st == NULL ? NULL : strcmp(st, "active") == 0 ?
	    "true" : "false";
	q->page = field_value(&f[L_PAGE]) ? f[L_PAGE].num : 1;
	q->limit = PAGE_SIZE;
	return bad == 0;
}

static void
h_list(struct req *r)
{
	struct field	 f[L__MAX];
	struct usr_query q;
	struct page	*p;
	cJSON		*list = NULL;
	int64_t		 total = 0;
	int		 ok = list_query(r, f, &q);

	if (ok && (list = usr_list(r, &q, &total)) == NULL) {
		page_error(r, 503, "The service is temporarily unavailable.");
		return;
	}
	p = page_new(r, "Users");
	page_form(p, list_specs, L__MAX, f, 1);
	page_set_json(p, "List.users", list);
	page_set(p, "List.total", arena_printf(&r->arena, "%lld",
	    (long long)total));
	page_set(p, "List.page", arena_printf(&r->arena, "%lld",
	    (long long)q.page));
	page_set(p, "List.limit", arena_printf(&r->arena, "%d", PAGE_SIZE));
	page_set(p, "Error.message", ok ? NULL : "Some filters are not "
	    "valid. Please correct the fields marked below.");
	page_render(p, ok ? 200 : 400, "admin_users.cs");
}

static void
new_form(struct req *r, int status, const struct field *f, const char *error)
{
	struct page	*p = page_new(r, "New user");

	if (f != NULL)
		page_form(p, usr_specs, UK__MAX, f, 1);
	page_set(p, "Error.message", error);
	page_render(p, status, "admin_user_new.cs");
}

static void
h_new(struct req *r)
{
	new_form(r, 200, NULL, NULL);
}

static void
h_create(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*u = NULL;
	enum usr_result	 rc;

	if (usr_read(r, USR_CREATE, f, &uf) > 0) {
		new_form(r, 400, f, "Please correct the fields below.");
		return;
	}
	if ((rc = usr_create(r, &uf, &u)) == USR_DUP) {
		f[UK_EMAIL].err = "is already in use by another account";
		new_form(r, 400, f, "Please correct the fields below.");
		return;
	}
	if (rc != USR_OK) {
		page_error(r, usr_status(rc), usr_message(rc));
		return;
	}
	resp_flash(r, "user_created");
	resp_redirect(r, arena_printf(&r->arena, "/admin/users/%s",
	    cJSON_GetObjectItemCaseSensitive(u, "id")->valuestring));
}

/*
 * One user's page, to render; after a refused post, "form" names the
 * form that failed and "f" holds what was typed.  NULL: an error was sent.
 */
static struct page *
user_page(struct req *r, const struct field *f, const char *form,
    const char *error)
{
	struct page	*p;
	cJSON		*u = NULL;
	enum usr_result	 rc = usr_get(r, r->params[0], &u);

	if (rc != USR_OK) {
		page_error(r, usr_status(rc), usr_message(rc));
		return NULL;
	}
	p = page_new(r, cJSON_GetObjectItemCaseSensitive(u, "name")->valuestring);
	page_set_json(p, "Account", u);
	page_set(p, "Self", r->params[0] == r->user.id ? "1" : NULL);
	if (f != NULL)
		page_form(p, usr_specs, UK__MAX, f, 1);
	page_set(p, "Failed", form);
	page_set(p, "Error.message", error);
	return p;
}

static void
user_refused(struct req *r, int status, const struct field *f,
    const char *form, const char *error)
{
	page_render(user_page(r, f, form, error), status, USER_TMPL);
}

static void
h_show(struct req *r)
{
	page_render(user_page(r, NULL, NULL, NULL), 200, USER_TMPL);
}

/* Back to the user's page with a flash. */
static void
done(struct req *r, const char *flash)
{
	resp_flash(r, flash);
	resp_redirect(r, arena_printf(&r->arena, "/admin/users/%lld",
	    (long long)r->params[0]));
}

/* The profile form: name, e-mail and role (activation has its buttons). */
static void
h_update(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*u;
	enum usr_result	 rc;

	if (usr_read(r, USR_UPDATE, f, &uf) > 0) {
		user_refused(r, 400, f, "profile", "Please correct the fields "
		    "below.");
		return;
	}
	uf.active = -1;
	switch ((rc = usr_update(r, r->params[0], &uf, &u))) {
	case USR_OK:
		done(r, "user_updated");
		break;
	case USR_DUP:
		f[UK_EMAIL].err = "is already in use by another account";
		user_refused(r, 400, f, "profile", "Please correct the fields "
		    "below.");
		break;
	case USR_LAST_ADMIN:
		user_refused(r, 409, f, "profile", "This is the last active "
		    "admin: make another user an admin first.");
		break;
	case USR_BAD_OLD:
		user_refused(r, 400, f, "profile", "Change your own e-mail "
		    "address on your Account page, where your current password "
		    "is asked for.");
		break;
	default:
		page_error(r, usr_status(rc), usr_message(rc));
	}
}

static void
h_active(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*u;
	enum usr_result	 rc;

	if (usr_read(r, USR_UPDATE, f, &uf) > 0 || uf.active < 0) {
		page_error(r, 400, "Choose to activate or deactivate the "
		    "account.");
		return;
	}
	uf.name = uf.email = NULL;
	uf.role = ROLE_NONE;
	rc = usr_update(r, r->params[0], &uf, &u);
	if (rc == USR_OK)
		done(r, uf.active ? "user_activated" : "user_deactivated");
	else if (rc == USR_LAST_ADMIN)
		done(r, "last_admin");
	else
		page_error(r, usr_status(rc), usr_message(rc));
}

/* An admin sets another user's password (one's own is on /account). */
static void
h_password(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	const struct kv	*confirm = req_param(r, "password_confirm");
	int64_t		 revoked;
	enum usr_result	 rc;
	size_t		 bad = usr_read(r, USR_PASSWORD, f, &uf);

	struct page	*p;
	int		 mismatch = uf.password != NULL && (confirm == NULL ||
	    confirm->val == NULL || strcmp(confirm->val, uf.password) != 0);

	if (r->params[0] == r->user.id) {
		user_refused(r, 400, NULL, NULL, "Change your own "
		    "password on your Account page, where your current one is "
		    "asked.");
		return;
	}
	if (bad > 0 || mismatch) {
		if ((p = user_page(r, f, "password", "Please correct the "
		    "fields below.")) == NULL)
			return;
		page_set(p, "Errors.password_confirm", mismatch ?
		    "Does not match the password." : NULL);
		page_render(p, 400, USER_TMPL);
		return;
	}
	if ((rc = usr_password(r, r->params[0], &uf, &revoked)) != USR_OK)
		page_error(r, usr_status(rc), usr_message(rc));
	else
		done(r, "password_set");
}

static void
h_mfa_reset(struct req *r)
{
	enum mfa_result	 rc = mfa_reset(r, r->params[0]);

	if (rc != MFA_OK)
		page_error(r, mfa_status(rc), mfa_message(rc));
	else
		done(r, "mfa_reset");
}

static const struct route routes[] = {
	{ "GET", "/admin/users", PERM_ADMIN, h_list, 0 },
	{ "GET", "/admin/users/new", PERM_ADMIN, h_new, 0 },
	{ "POST", "/admin/users", PERM_ADMIN, h_create, 0 },
	{ "GET", "/admin/users/:id", PERM_ADMIN, h_show, 0 },
	{ "POST", "/admin/users/:id", PERM_ADMIN, h_update, 0 },
	{ "POST", "/admin/users/:id/active", PERM_ADMIN, h_active, 0 },
	{ "POST", "/admin/users/:id/password", PERM_ADMIN, h_password, 0 },
	{ "POST", "/admin/users/:id/mfa/reset", PERM_ADMIN, h_mfa_reset, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("people"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
