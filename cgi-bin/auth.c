/*
 * SSTS - the auth route group: the landing page, sign-up, sign-in and
 * sign-out (pages and JSON API) and health checks; /dashboard is in
 * the reports group.
 * Every route passes the gate in lib/ (session, role, CSRF) first.
 */
#include <string.h>

#include "ssts.h"
#include "account.h"

enum key { K_NAME, K_EMAIL, K_PASSWORD, K_CONFIRM, K_ROLE, K__MAX };

static const struct field_spec fields[K__MAX] = {
	/* K_NAME */	 { "name", VALID_LINE, 2, 255, 0, 0, 1 },
	/* K_EMAIL */	 { "email", VALID_EMAIL, 1, 255, 0, 0, 1 },
	/* K_PASSWORD */ { "password", VALID_PASSWORD, 1, 1024, 0, 0, 1 },
	/* K_CONFIRM */	 { "password_confirm", VALID_PASSWORD, 0, 1024, 0, 0, 0 },
	/* K_ROLE */	 { "role", VALID_LINE, 0, 16, 0, 0, 0 },
};

/* Login: e-mail, password and, for MFA accounts, the code (API only). */
static const struct field_spec login_fields[3] = {
	{ "email", VALID_EMAIL, 1, 255, 0, 0, 1 },
	{ "password", VALID_PASSWORD, 1, 1024, 0, 0, 1 },
	{ "mfaToken", VALID_LINE, 0, 64, 0, 0, 0 },
};

static void
api_register(struct req *r)
{
	struct field	 f[K__MAX];
	struct user	 u;
	const char	*why;
	cJSON		*j;

	req_fields(r, fields, K__MAX, f);
	if (f[K_PASSWORD].valid && (why = pw_policy(f[K_PASSWORD].str)))
		f[K_PASSWORD].err = why, f[K_PASSWORD].valid = 0;
	if (f[K_NAME].err || f[K_EMAIL].err || f[K_PASSWORD].err) {
		resp_validation(r, fields, K_CONFIRM, f);
		return;
	}
	if (f[K_ROLE].str != NULL && strcmp(f[K_ROLE].str, "client") != 0) {
		resp_error(r, 400, "Invalid role. Must be client");
		return;
	}
	switch (account_register(r, f[K_NAME].str, f[K_EMAIL].str,
	    f[K_PASSWORD].str, &u, NULL)) {
	case ACCT_OK:
		j = req_own(r, account_user_json(&u));
		cJSON_DeleteItemFromObjectCaseSensitive(j, "mfa_enabled");
		cJSON_AddStringToObject(j, "message",
		    "Account created successfully");
		resp_json(r, 201, j);
		break;
	case ACCT_EXISTS:
		resp_error(r, 400, "Email already registered");
		break;
	default:
		resp_error(r, 503, "Service temporarily unavailable");
	}
}

static void
api_login(struct req *r)
{
	struct field	 f[3];
	struct user	 u;
	struct login	 in;
	const char	*token;
	int64_t		 wait;
	enum acct_result rc;
	cJSON		*j = req_own(r, cJSON_CreateObject());

	if (req_fields(r, login_fields, 3, f) > 0) {
		resp_validation(r, login_fields, 3, f);
		return;
	}
	in = (struct login){ f[0].str, f[1].str, field_value(&f[2]) };
	if ((rc = account_login(r, &in, &u, &token, &wait)) == ACCT_OK) {
		cJSON_AddStringToObject(j, "token", token);
		cJSON_AddItemToObject(j, "user", account_user_json(&u));
		resp_json(r, 200, j);
	} else if (rc == ACCT_MFA_REQUIRED) {
		cJSON_AddStringToObject(j, "error", "MFA token required");
		cJSON_AddBoolToObject(j, "mfaRequired", 1);
		resp_json(r, 403, j);
	} else
		account_refuse(r, rc, wait, NULL);
}

static void
api_logout(struct req *r)
{
	cJSON	*j;

	if (account_logout(r) != ACCT_OK) {
		resp_error(r, 503, "Service temporarily unavailable");
		return;
	}
	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "message", "Logged out successfully");
	resp_json(r, 200, j);
}

static void
page_index(struct req *r)
{
	if (r->authed)
		resp_redirect(r, "/dashboard");
	else
		page_render(page_new(r, "Support, simply"), 200, "index.cs");
}

static void
login_form(struct req *r, int status, const char *email, const char *error)
{
	struct page	*p;

	p = page_new(r, "Sign in");
	page_set(p, "Form.email", email);
	page_set(p, "Error.message", error);
	page_set(p, "Next", account_next(r));
	page_render(p, status, "login.cs");
}

static void
page_login_post(struct req *r)
{
	struct field	 f[3];
	struct user	 u;
	struct login	 in;
	const char	*token, *why;
	int64_t		 wait;
	enum acct_result rc;
	int		 st;

	if (req_fields(r, login_fields, 2, f) > 0) {
		login_form(r, 400, f[0].str, f[0].err ?
		    "Enter a valid e-mail address and your password." :
		    "Enter your password.");
		return;
	}
	in = (struct login){ f[0].str, f[1].str, NULL };
	rc = account_login(r, &in, &u, &token, &wait);
	if (rc == ACCT_OK) {
		sess_set_cookie(r, token);
		resp_redirect(r, account_next(r));
	} else if (rc == ACCT_MFA_REQUIRED && sess_pending_start(r, u.id))
		resp_redirect(r, arena_printf(&r->arena, "/login/mfa?next=%s",
		    url_escape(&r->arena, account_next(r))));
	else if ((why = account_refuse(r, rc, wait, &st)) != NULL)
		login_form(r, st, f[0].str, why);
}

static void
register_form(struct req *r, int status, const struct field *f,
    const char *error)
{
	struct page	*p;

	p = page_new(r, "Create account");
	if (f != NULL)
		page_form(p, fields, K_ROLE, f, 1);
	page_set(p, "Error.message", error);
	page_render(p, status, "register.cs");
}

/* GET /login and GET /register: signed-in users go to their dashboard. */
static void
page_form_get(struct req *r)
{
	if (r->authed)
		resp_redirect(r, "/dashboard");
	else if (strcmp(r->path, "/login") == 0)
		login_form(r, 200, NULL, NULL);
	else
		register_form(r, 200, NULL, NULL);
}

static void
page_register_post(struct req *r)
{
	struct field	 f[K__MAX];
	struct user	 u;
	const char	*token, *why;

	req_fields(r, fields, K__MAX, f);
	if (f[K_PASSWORD].valid && (why = pw_policy(f[K_PASSWORD].str)))
		f[K_PASSWORD].err = why;
	if (f[K_PASSWORD].valid && (f[K_CONFIRM].str == NULL ||
	    strcmp(f[K_CONFIRM].str, f[K_PASSWORD].str) != 0))
		f[K_CONFIRM].err = "does not match the password";
	if (f[K_NAME].err || f[K_EMAIL].err || f[K_PASSWORD].err ||
	    f[K_CONFIRM].err) {
		register_form(r, 400, f, "Please correct the fields below.");
		return;
	}
	switch (account_register(r, f[K_NAME].str, f[K_EMAIL].str,
	    f[K_PASSWORD].str, &u, &token)) {
	case ACCT_OK:
		sess_set_cookie(r, token);
		resp_flash(r, "registered");
		resp_redirect(r, "/dashboard");
		break;
	case ACCT_EXISTS:
		f[K_EMAIL].err = "is already registered";
		register_form(r, 400, f, "Please correct the fields below.");
		break;
	default:
		page_error(r, 503, "The service is temporarily unavailable.");
	}
}

static void
page_logout(struct req *r)
{
	if (r->authed && account_logout(r) != ACCT_OK) {
		page_error(r, 503, "The service is temporarily unavailable.");
		return;
	}
	sess_clear_cookie(r);
	resp_flash(r, "signed_out");
	resp_redirect(r, "/login");
}

static const struct route routes[] = {
	{ "GET", "/", PERM_PUBLIC, page_index, 0 },
	{ "GET", "/login", PERM_PUBLIC, page_form_get, 0 },
	{ "POST", "/login", PERM_PUBLIC, page_login_post, 0 },
	{ "GET", "/register", PERM_PUBLIC, page_form_get, 0 },
	{ "POST", "/register", PERM_PUBLIC, page_register_post, 0 },
	{ "POST", "/logout", PERM_PUBLIC, page_logout, 0 },
	{ "GET", "/healthz", PERM_PUBLIC, health_db, 0 },
	{ "GET", "/api", PERM_PUBLIC, health_api_info, 0 },
	{ "GET", "/api/health", PERM_PUBLIC, health_api, 0 },
	{ "POST", "/api/auth/register", PERM_PUBLIC, api_register, 0 },
	{ "POST", "/api/auth/login", PERM_PUBLIC, api_login, 0 },
	{ "POST", "/api/auth/logout", PERM_USER, api_logout, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("auth"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
