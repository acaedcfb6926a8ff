/*
 * SSTS - the mfa route group: the second step of signing in
 * (/login/mfa), TOTP set-up, enable and disable in the API
 * (under /api/auth/mfa/) and from the /security page (under
 * /security/mfa/).
 * The rules live in lib/mfa.c and lib/account.c.
 */
#include <string.h>

#include <sodium.h>

#include "ssts.h"
#include "account.h"
#include "mfa.h"

enum key { K_CODE, K_TOKEN, K_MFATOKEN, K_PASSWORD, K__MAX };

static const struct field_spec fields[K__MAX] = {
	/* K_CODE */	 { "code", VALID_LINE, 1, 32, 0, 0, 1 },
	/* K_TOKEN */	 { "token", VALID_LINE, 1, 32, 0, 0, 1 },
	/* K_MFATOKEN */ { "mfaToken", VALID_LINE, 1, 32, 0, 0, 1 },
	/* K_PASSWORD */ { "password", VALID_PASSWORD, 1, 1024, 0, 0, 1 },
};

/* The QR code as a data URL, for API clients that show an image. */
static const char *
qr_data_url(struct req *r, const char *svg)
{
	size_t	 n = sodium_base64_ENCODED_LEN(strlen(svg),
	    sodium_base64_VARIANT_ORIGINAL);
	char	*b64 = arena_alloc(&r->arena, n);

	if (b64 == NULL)
		return NULL;
	sodium_bin2base64(b64, n, (const unsigned char *)svg, strlen(svg),
	    sodium_base64_VARIANT_ORIGINAL);
	return arena_printf(&r->arena, "data:image/svg+xml;base64,%s", b64);
}

static void
mfa_refuse(struct req *r, enum mfa_result rc, int64_t wait)
{
	if (rc == MFA_THROTTLED)
		resp_header(r, "Retry-After", arena_printf(&r->arena, "%lld",
		    (long long)wait));
	resp_error(r, mfa_status(rc), mfa_message(rc));
}

static void
api_setup(struct req *r)
{
	struct mfa_setup s;
	enum mfa_result	 rc = mfa_setup(r, &s);
	cJSON		*j = req_own(r, cJSON_CreateObject());

	if (rc != MFA_OK) {
		mfa_refuse(r, rc, 0);
		return;
	}
	cJSON_AddStringToObject(j, "secret", s.secret);
	cJSON_AddStringToObject(j, "qrCode", qr_data_url(r, s.svg));
	cJSON_AddStringToObject(j, "otpauth_url", s.uri);
	cJSON_AddStringToObject(j, "message",
	    "Scan QR code with authenticator app");
	resp_json(r, 200, j);
}

/* One required field; else the original's message for it, 400. */
static const char *
one_field(struct req *r, enum key k, const char *missing)
{
	struct field	 f;

	if (req_fields(r, &fields[k], 1, &f) > 0) {
		resp_error(r, 400, missing);
		return NULL;
	}
	return f.str;
}

static void
api_enable(struct req *r)
{
	char		*codes[MFA_RECOVERY_CODES];
	const char	*code;
	int64_t		 wait = 0;
	enum mfa_result	 rc;
	cJSON		*j, *list;
	size_t		 i;

	if ((code = one_field(r, K_TOKEN, "MFA token is required")) == NULL)
		return;
	if ((rc = mfa_enable(r, code, codes, &wait)) != MFA_OK) {
		mfa_refuse(r, rc, wait);
		return;
	}
	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "message", "MFA enabled successfully");
	list = cJSON_AddArrayToObject(j, "recovery_codes");
	for (i = 0; i < MFA_RECOVERY_CODES; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(codes[i]));
	resp_json(r, 200, j);
}

static void
api_disable(struct req *r)
{
	struct field	 f[K__MAX];
	int64_t		 wait = 0;
	enum mfa_result	 rc;
	cJSON		*j;

	req_fields(r, fields, K__MAX, f);
	if (f[K_PASSWORD].err != NULL || f[K_MFATOKEN].err != NULL) {
		resp_error(r, 400, "Password and MFA token are required");
		return;
	}
	rc = mfa_disable(r, f[K_PASSWORD].str, f[K_MFATOKEN].str, &wait);
	if (rc != MFA_OK) {
		mfa_refuse(r, rc, wait);
		return;
	}
	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "message", "MFA disabled successfully");
	resp_json(r, 200, j);
}

/* The second step's form; without a pending sign-in, back to /login. */
static void
code_form(struct req *r, int status, const char *error)
{
	struct page	*p;

	if (sess_pending_user(r) == 0) {
		resp_flash(r, "mfa_expired");
		resp_redirect(r, "/login");
		return;
	}
	p = page_new(r, "Two-step sign-in");
	page_set(p, "Next", account_next(r));
	page_set(p, "Error.message", error);
	page_render(p, status, "login_mfa.cs");
}

static void
page_code_get(struct req *r)
{
	if (r->authed)
		resp_redirect(r, account_next(r));
	else
		code_form(r, 200, NULL);
}

static void
page_code_post(struct req *r)
{
	struct field	 f;
	struct user	 u;
	const char	*token, *why;
	int64_t		 uid = sess_pending_user(r), wait = 0;
	enum acct_result rc;
	int		 st;

	if (uid == 0) {
		code_form(r, 400, NULL);
		return;
	}
	if (req_fields(r, &fields[K_CODE], 1, &f) > 0) {
		code_form(r, 400, "Enter the 6-digit code from your app, or a "
		    "recovery code.");
		return;
	}
	rc = account_login_code(r, uid, f.str, &u, &token, &wait);
	if (rc == ACCT_OK) {
		sess_pending_clear(r);
		sess_set_cookie(r, token);
		resp_redirect(r, account_next(r));
	} else if (rc == ACCT_INACTIVE || rc == ACCT_BAD) {
		sess_pending_clear(r);
		resp_flash(r, "mfa_expired");
		resp_redirect(r, "/login");
	} else if ((why = account_refuse(r, rc, wait, &st)) != NULL)
		code_form(r, st, why);
}

/* /security's set-up button: a new secret, shown on /security. */
static void
page_setup(struct req *r)
{
	struct mfa_setup s;
	enum mfa_result	 rc = mfa_setup(r, &s);

	resp_flash(r, rc == MFA_OK ? "mfa_setup" : rc == MFA_ALREADY ?
	    "mfa_already" : "mfa_failed");
	resp_redirect(r, "/security#mfa");
}

/* Enabled: the recovery codes, shown this once; else back with why. */
static void
page_enable(struct req *r)
{
	char		*codes[MFA_RECOVERY_CODES];
	struct field	 f;
	struct page	*p;
	int64_t		 wait = 0;
	enum mfa_result	 rc = MFA_BAD_CODE;
	size_t		 i;

	if (req_fields(r, &fields[K_CODE], 1, &f) == 0)
		rc = mfa_enable(r, f.str, codes, &wait);
	if (rc != MFA_OK) {
		resp_flash(r, rc == MFA_THROTTLED ? "mfa_throttled" :
		    rc == MFA_BAD_CODE ? "mfa_bad_code" : rc == MFA_ALREADY ?
		    "mfa_already" : "mfa_failed");
		resp_redirect(r, "/security#mfa");
		return;
	}
	p = page_new(r, "Your recovery codes");
	for (i = 0; i < MFA_RECOVERY_CODES; i++)
		page_set(p, arena_printf(&r->arena, "Codes.%zu", i), codes[i]);
	page_render(p, 200, "mfa_codes.cs");
}

static void
page_disable(struct req *r)
{
	struct field	 f[K__MAX];
	int64_t		 wait = 0;
	enum mfa_result	 rc;

	req_fields(r, fields, K__MAX, f);
	rc = !f[K_PASSWORD].valid ? MFA_BAD_PASSWORD : !f[K_CODE].valid ?
	    MFA_BAD_CODE : mfa_disable(r, f[K_PASSWORD].str, f[K_CODE].str,
	    &wait);
	resp_flash(r, rc == MFA_OK ? "mfa_disabled" : rc == MFA_THROTTLED ?
	    "mfa_throttled" : rc == MFA_BAD_CODE ? "mfa_bad_code" :
	    rc == MFA_BAD_PASSWORD ? "mfa_bad_password" : rc ==
	    MFA_NOT_ENABLED ? "mfa_off" : "mfa_failed");
	resp_redirect(r, "/security#mfa");
}

static const struct route routes[] = {
	{ "GET", "/login/mfa", PERM_PUBLIC, page_code_get, 0 },
	{ "POST", "/login/mfa", PERM_PUBLIC, page_code_post, 0 },
	{ "POST", "/api/auth/mfa/setup", PERM_USER, api_setup, 0 },
	{ "POST", "/api/auth/mfa/enable", PERM_USER, api_enable, 0 },
	{ "POST", "/api/auth/mfa/disable", PERM_USER, api_disable, 0 },
	{ "POST", "/security/mfa/setup", PERM_USER, page_setup, 0 },
	{ "POST", "/security/mfa/enable", PERM_USER, page_enable, 0 },
	{ "POST", "/security/mfa/disable", PERM_USER, page_disable, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("mfa"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
