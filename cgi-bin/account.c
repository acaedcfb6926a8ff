/*
 * SSTS - the account route group: what every signed-in user looks after
 * for themselves.  The pages /account (profile, password) and /security
 * (signed-in devices, sign out one, the others or all), and the sessions
 * API (list, revoke one, sign out everywhere); the models live in
 * lib/sessions.c and lib/users.c.
 */
#include <string.h>

#include "ssts.h"
#include "mfa.h"
#include "sessions.h"
#include "users.h"

static void
api_sessions(struct req *r)
{
	cJSON	*list = sessions_list(r), *out;

	if (list == NULL) {
		resp_error(r, 503, "Service temporarily unavailable");
		return;
	}
	out = req_own(r, cJSON_CreateObject());
	cJSON_AddItemReferenceToObject(out, "sessions", list);
	resp_json(r, 200, out);
}

static void
api_session_revoke(struct req *r)
{
	cJSON		*out;
	enum core_err	 rc = sessions_revoke(r, r->params[0]);

	if (rc == CORE_ENOTFOUND) {
		resp_error(r, 404, "Session not found");
		return;
	}
	if (rc != CORE_OK) {
		resp_error(r, 503, "Service temporarily unavailable");
		return;
	}
	out = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(out, "message", "Session revoked");
	resp_json(r, 200, out);
}

static void
api_logout_all(struct req *r)
{
	int64_t	 n;
	cJSON	*out;

	if (sessions_revoke_all(r, 0, &n) != CORE_OK) {
		resp_error(r, 503, "Service temporarily unavailable");
		return;
	}
	out = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(out, "message", "Logged out of all sessions");
	cJSON_AddNumberToObject(out, "revoked", (double)n);
	resp_json(r, 200, out);
}

/* The password form's third field, checked here (the model has two). */
static const struct field_spec confirm_spec[1] = {
	{ "password_confirm", VALID_PASSWORD, 0, 1024, 0, 0, 0 },
};

/*
 * GET /security, or its re-render after a refused revocation: the
 * caller's live sessions, this one first.  Raises 503 if the database
 * failed.
 */
static void
security_page(struct req *r, int status, const char *error)
{
	struct page	*p;
	struct mfa_setup s;
	cJSON		*list = sessions_list(r);

	if (list == NULL) {
		page_error(r, 503, "The service is temporarily unavailable.");
		return;
	}
	p = page_new(r, "Security");
	page_set_json(p, "Sessions", list);
	page_set(p, "MFA.enabled", r->user.mfa_enabled ? "1" : NULL);
	if (!r->user.mfa_enabled && mfa_pending(r, &s) == MFA_OK) {
		page_set(p, "MFA.secret", s.secret);
		page_set(p, "MFA.uri", s.uri);
		page_set(p, "MFA.svg", s.svg);
	}
	page_set(p, "Error.message", error);
	page_render(p, status, "security.cs");
}

static void
h_security(struct req *r)
{
	security_page(r, 200, NULL);
}

/* This device is signed out: the cookie goes, the sign-in page follows. */
static void
signed_out(struct req *r, const char *flash)
{
	sess_clear_cookie(r);
	resp_flash(r, flash);
	resp_redirect(r, "/login");
}

/*
 * POST /security/sessions/:id/revoke.  The current session's own button
 * signs this device out.  Raises 404 (the list again, with why) if the
 * session is not a live one of the caller's.
 */
static void
h_sess_revoke(struct req *r)
{
	enum core_err	 rc = sessions_revoke(r, r->params[0]);

	if (rc == CORE_ENOTFOUND)
		security_page(r, 404, "That device was not signed out: it is "
		    "no longer signed in, or it is not one of yours. The list "
		    "below is up to date.");
	else if (rc != CORE_OK)
		page_error(r, 503, "The service is temporarily unavailable.");
	else if (r->params[0] == r->user.session_id)
		signed_out(r, "signed_out");
	else {
		resp_flash(r, "session_revoked");
		resp_redirect(r, "/security");
	}
}

/*
 * POST /security/sessions/revoke-others (back to the list) and
 * .../revoke-all (this device too: to the sign-in page).
 */
static void
h_sess_all(struct req *r)
{
	int	 others = strcmp(r->path, "/security/sessions/revoke-others") == 0;
	int64_t	 n;

	if (sessions_revoke_all(r, others, &n) != CORE_OK)
		page_error(r, 503, "The service is temporarily unavailable.");
	else if (!others)
		signed_out(r, "signed_out_everywhere");
	else {
		resp_flash(r, n > 0 ? "sessions_revoked" : "no_other_sessions");
		resp_redirect(r, "/security");
	}
}

/*
 * GET /account, or its re-render after a refused post: "form" names the
 * form that failed ("profile" or "password") and "f" what was typed
 * (never a password).  Raises usr_status() if it cannot be read.
 */
static void
account_page(struct req *r, int status, const char *form,
    const struct field *f, const char *confirm_err)
{
	struct page	*p;
	cJSON		*u = NULL;
	enum usr_result	 rc = usr_get(r, r->user.id, &u);

	if (rc != USR_OK) {
		page_error(r, usr_status(rc), usr_message(rc));
		return;
	}
	p = page_new(r, "Account");
	page_set_json(p, "Account", u);
	if (f != NULL)
		page_form(p, usr_specs, UK__MAX, f, 1);
	page_set(p, "Errors.password_confirm", confirm_err);
	page_set(p, "Failed", form);
	page_render(p, status, "account.cs");
}

static void
h_account(struct req *r)
{
	account_page(r, 200, NULL, NULL, NULL);
}

/*
 * POST /account: one's own name and e-mail, nothing else (a role or an
 * active flag in the form is ignored); a new e-mail address needs the
 * current password.  Raises 400 with the form again for bad or duplicate
 * values, 401 for a missing or wrong current password.
 */
static void
h_profile(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*u;
	enum usr_result	 rc = USR_OK;
	int		 k;

	usr_read(r, USR_UPDATE, f, &uf);
	memset(&f[UK_ROLE], 0, sizeof(f[UK_ROLE]));
	memset(&f[UK_ACTIVE], 0, sizeof(f[UK_ACTIVE]));
	uf.role = ROLE_NONE;
	uf.active = -1;
	uf.old_password = field_value(&f[UK_OLD_PASSWORD]);
	for (k = UK_NAME; k <= UK_EMAIL; k++)
		if (!f[k].present && f[k].err == NULL)
			f[k].err = "is required";
	if (f[UK_NAME].err == NULL && f[UK_EMAIL].err == NULL &&
	    f[UK_OLD_PASSWORD].err == NULL) {
		if ((rc = usr_update(r, r->user.id, &uf, &u)) == USR_OK) {
			resp_flash(r, "profile_updated");
			resp_redirect(r, "/account");
			return;
		}
		if (rc == USR_DUP)
			f[UK_EMAIL].err = "is already in use by another account";
		else if (rc == USR_BAD_OLD)
			f[UK_OLD_PASSWORD].err = uf.old_password ? "is not your "
			    "current password" : "is needed to change your "
			    "e-mail address";
		else {
			page_error(r, usr_status(rc), usr_message(rc));
			return;
		}
	}
	account_page(r, rc == USR_BAD_OLD ? 401 : 400, "profile", f, NULL);
}

/*
 * POST /account/password: the current password, the new one twice.  The
 * other sessions end; this one stays.  Raises 400 for a missing, weak or
 * unconfirmed password and 401 for a wrong current one.
 */
static void
h_password(struct req *r)
{
	struct field	 f[UK__MAX], c;
	struct usr_fields uf;
	const char	*mismatch = NULL;
	int64_t		 revoked;
	enum usr_result	 rc;
	size_t		 bad = usr_read(r, USR_PASSWORD, f, &uf);

	uf.old_password = field_value(&f[UK_OLD_PASSWORD]);
	if (uf.old_password == NULL && f[UK_OLD_PASSWORD].err == NULL)
		f[UK_OLD_PASSWORD].err = "is required", bad++;
	req_fields(r, confirm_spec, 1, &c);
	if (uf.password != NULL && (!c.valid || c.str == NULL ||
	    strcmp(c.str, uf.password) != 0))
		mismatch = "Does not match the new password.", bad++;
	if (bad > 0) {
		account_page(r, 400, "password", f, mismatch);
		return;
	}
	rc = usr_password(r, r->user.id, &uf, &revoked);
	if (rc == USR_BAD_OLD) {
		f[UK_OLD_PASSWORD].err = "is not your current password";
		account_page(r, 401, "password", f, NULL);
	} else if (rc != USR_OK)
		page_error(r, usr_status(rc), usr_message(rc));
	else {
		resp_flash(r, "password_changed");
		resp_redirect(r, "/account");
	}
}

static const struct route routes[] = {
	{ "GET", "/api/auth/sessions", PERM_USER, api_sessions, 0 },
	{ "DELETE", "/api/auth/sessions/:id", PERM_USER, api_session_revoke, 0 },
	{ "POST", "/api/auth/logout-all", PERM_USER, api_logout_all, 0 },
	{ "GET", "/security", PERM_USER, h_security, 0 },
	{ "POST", "/security/sessions/:id/revoke", PERM_USER, h_sess_revoke, 0 },
	{ "POST", "/security/sessions/revoke-others", PERM_USER, h_sess_all, 0 },
	{ "POST", "/security/sessions/revoke-all", PERM_USER, h_sess_all, 0 },
	{ "GET", "/account", PERM_USER, h_account, 0 },
	{ "POST", "/account", PERM_USER, h_profile, 0 },
	{ "POST", "/account/password", PERM_USER, h_password, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("account"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
