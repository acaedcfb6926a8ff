/*
 * SSTS - accounts: registration and sign-in (password, then the second
 * factor of MFA accounts), shared by the JSON API and the pages of the
 * auth and mfa route groups.  Each write and its audit row are
 * one transaction.  Unknown e-mail and wrong password take the same time
 * (a dummy argon2id verification) and get the same answer; the
 * deactivated state is only revealed to someone who knows the password.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "account.h"
#include "mfa.h"
#include "throttle.h"

static void
audit_login_failed(struct req *r, const char *email, int64_t uid,
    const char *reason)
{
	cJSON	*p;

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "email", email);
	cJSON_AddStringToObject(p, "reason", reason);
	if (audit_log(r, "user", uid, "login_failed", 0, p) != CORE_OK)
		log_event(r, "audit of a failed login could not be written");
	log_event(r, "login failed uid=%lld reason=%s", (long long)uid, reason);
	cJSON_Delete(p);
}

/* "factor": password, totp or recovery_code (SECURITY.md 16.3.1). */
static enum core_err
audit_login_ok(struct req *r, const struct user *u, const char *factor)
{
	cJSON		*p;
	enum core_err	 rc;

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "email", u->email);
	cJSON_AddStringToObject(p, "ip_address",
	    r->remote_addr ? r->remote_addr : "");
	cJSON_AddStringToObject(p, "factor", factor);
	rc = audit_log(r, "user", u->id, "login_success", u->id, p);
	/* A spent recovery code is worth its own row: the phone may be lost. */
	if (rc == CORE_OK && strcmp(factor, "recovery_code") == 0)
		rc = audit_log(r, "user", u->id, "mfa_recovery_used", u->id,
		    NULL);
	cJSON_Delete(p);
	return rc;
}

/* Opens a session for "u" with its audit row; one transaction. */
static enum acct_result
account_open_session(struct req *r, const struct user *u, const char **token,
    const char *factor)
{
	if (db_begin(r) != CORE_OK)
		return ACCT_DB;
	if (sess_create(r, u, token) != CORE_OK ||
	    audit_login_ok(r, u, factor) != CORE_OK ||
	    db_commit(r) != CORE_OK) {
		db_rollback(r);
		return ACCT_DB;
	}
	return ACCT_OK;
}

/* Fills "u" from a STMT_USER_BY_* row; 0 if the row is damaged. */
static int
account_user(const struct rows *rs, struct user *u)
{
	if (parse_int64(ROW(rs, 0, 0), 1, INT64_MAX, &u->id) != 0)
		return 0;
	u->name = ROW(rs, 0, 1);
	u->email = ROW(rs, 0, 2);
	u->role = role_parse(ROW(rs, 0, 4));
	u->mfa_enabled = strcmp(ROW(rs, 0, 6), "t") == 0;
	return 1;
}

/* Takes a sign-in attempt for "email": ACCT_OK to go on. */
static enum acct_result
account_take(struct req *r, const char *email, int64_t *retry_after)
{
	if ((*retry_after = throttle_take(r, email)) < 0)
		return ACCT_DB;
	if (*retry_after == 0)
		return ACCT_OK;
	audit_login_failed(r, email, 0, "throttled");
	return ACCT_THROTTLED;
}

/*
 * The second factor of "u", then the session.  Without a code the
 * password's attempt is given back: a right password is no failure.
 */
static enum acct_result
account_second(struct req *r, const struct user *u, const char *code,
    const char **token)
{
	const char	*how;
	enum mfa_result	 rc;

	if (u->mfa_enabled && code == NULL) {
		throttle_forgive(r, u->email);
		return ACCT_MFA_REQUIRED;
	}
	if (u->mfa_enabled && (rc = mfa_verify(r, u->id, code, &how)) !=
	    MFA_OK) {
		if (rc == MFA_DB)
			return ACCT_DB;
		audit_login_failed(r, u->email, u->id, strcmp(how, "replay")
		    == 0 ? "totp_replay" : "invalid_mfa_token");
		return ACCT_BAD_MFA;
	}
	throttle_clear(r, u->email);
	return account_open_session(r, u, token, !u->mfa_enabled ? "password" :
	    strcmp(how, "recovery") == 0 ? "recovery_code" : "totp");
}

/*
 * Signs in with an e-mail address, a password and, for MFA accounts, a
 * code (NULL: ACCT_MFA_REQUIRED with "u" filled once the password is
 * right).  Throttled per address, known or not (*retry_after seconds).
 */
enum acct_result
account_login(struct req *r, const struct login *in, struct user *u,
    const char **token, int64_t *retry_after)
{
	struct rows	 rs;
	const char	*p[1] = { in->email };
	enum acct_result rc;

	memset(u, 0, sizeof(*u));
	if ((rc = account_take(r, in->email, retry_after)) != ACCT_OK)
		return rc;
	if (db_run(r, STMT_USER_BY_EMAIL, p, &rs) != CORE_OK)
		return ACCT_DB;
	if (rs.n != 1) {
		pw_dummy_verify(in->password);
		audit_login_failed(r, in->email, 0, "unknown_email");
		return ACCT_BAD;
	}
	if (!account_user(&rs, u))
		return ACCT_DB;
	if (!pw_verify(ROW(&rs, 0, 3), in->password)) {
		audit_login_failed(r, in->email, u->id, "invalid_password");
		return ACCT_BAD;
	}
	if (strcmp(ROW(&rs, 0, 5), "t") != 0) {
		audit_login_failed(r, in->email, u->id, "inactive");
		return ACCT_INACTIVE;
	}
	return account_second(r, u, in->code, token);
}

/* The second step of a page sign-in: user "uid" (password proven) and a code. */
enum acct_result
account_login_code(struct req *r, int64_t uid, const char *code,
    struct user *u, const char **token, int64_t *retry_after)
{
	struct rows	 rs;
	const char	*p[1] = { arena_printf(&r->arena, "%lld",
	    (long long)uid) };
	enum acct_result rc;

	memset(u, 0, sizeof(*u));
	if (db_run(r, STMT_USER_BY_ID, p, &rs) != CORE_OK)
		return ACCT_DB;
	if (rs.n != 1 || !account_user(&rs, u) || !u->mfa_enabled)
		return ACCT_BAD;
	if (strcmp(ROW(&rs, 0, 5), "t") != 0)
		return ACCT_INACTIVE;
	if ((rc = account_take(r, u->email, retry_after)) != ACCT_OK)
		return rc;
	return account_second(r, u, code ? code : "", token);
}

static enum core_err
audit_registered(struct req *r, const struct user *u)
{
	cJSON		*p;
	enum core_err	 rc;

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "email", u->email);
	cJSON_AddStringToObject(p, "role", role_name(u->role));
	rc = audit_log(r, "user", u->id, "registered", u->id, p);
	cJSON_Delete(p);
	return rc;
}

/*
 * Creates a client account (and, if "token" is not NULL, signs it in)
 * in one transaction.  The password must already satisfy pw_policy().
 */
enum acct_result
account_register(struct req *r, const char *name, const char *email,
    const char *password, struct user *u, const char **token)
{
	char		 hash[128];
	const char	*p[4];
	struct rows	 rs;
	enum core_err	 rc;

	memset(u, 0, sizeof(*u));
	if (pw_hash(hash, password) != 0)
		return ACCT_DB;
	p[0] = name;
	p[1] = email;
	p[2] = hash;
	p[3] = "client";
	if (db_begin(r) != CORE_OK)
		return ACCT_DB;
	rc = db_run(r, STMT_USER_INSERT, p, &rs);
	if (rc == CORE_OK && (rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &u->id) != 0))
		rc = CORE_EDB;
	u->name = name;
	u->email = email;
	u->role = ROLE_CLIENT;
	if (rc == CORE_OK)
		rc = audit_registered(r, u);
	if (rc == CORE_OK && token != NULL && (sess_create(r, u, token) !=
	    CORE_OK || audit_login_ok(r, u, "password") != CORE_OK))
		rc = CORE_EDB;
	if (rc == CORE_OK)
		rc = db_commit(r);
	if (rc != CORE_OK) {
		db_rollback(r);
		return rc == CORE_ECONFLICT ? ACCT_EXISTS : ACCT_DB;
	}
	return ACCT_OK;
}

/* Revokes the caller's session and audits it; one transaction. */
enum acct_result
account_logout(struct req *r)
{
	cJSON		*p;
	enum core_err	 rc;

	if (db_begin(r) != CORE_OK)
		return ACCT_DB;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "email", r->user.email);
	rc = sess_revoke(r);
	if (rc == CORE_OK)
		rc = audit_log(r, "user", r->user.id, "logout", r->user.id, p);
	cJSON_Delete(p);
	if (rc == CORE_OK)
		rc = db_commit(r);
	if (rc != CORE_OK) {
		db_rollback(r);
		return ACCT_DB;
	}
	return ACCT_OK;
}

/* The user object of the login answer: {id, name, email, role, mfa_enabled}. */
cJSON *
account_user_json(const struct user *u)
{
	cJSON	*j;
	char	 id[24];

	snprintf(id, sizeof(id), "%lld", (long long)u->id);
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "name", u->name);
	cJSON_AddStringToObject(j, "email", u->email);
	cJSON_AddStringToObject(j, "role", role_name(u->role));
	cJSON_AddBoolToObject(j, "mfa_enabled", u->mfa_enabled);
	return j;
}

/* How a refused sign-in is answered: status, API message, page message. */
static const struct {
	int		 status;
	const char	*api;
	const char	*page;
} refusals[ACCT__MAX] = {
	[ACCT_BAD] = { 401, "Invalid email or password",
	    "Invalid email or password." },
	[ACCT_INACTIVE] = { 403, "Account is deactivated. Please contact "
	    "administrator.", "This account is deactivated. Please contact an "
	    "administrator." },
	[ACCT_BAD_MFA] = { 401, "Invalid MFA token", "That code is not valid "
	    "or was already used. Please try the next one." },
	[ACCT_THROTTLED] = { 429, "Too many failed attempts. Please try again "
	    "later.", "Too many failed attempts. Please wait a while and try "
	    "again." },
};

/*
 * Answers a refused sign-in.  API (status == NULL): the JSON error.
 * Pages: the message for the form and *status; NULL when an error page
 * was sent instead.  A throttled answer says when to come back.
 */
const char *
account_refuse(struct req *r, enum acct_result rc, int64_t wait, int *status)
{
	if (rc == ACCT_THROTTLED)
		resp_header(r, "Retry-After", arena_printf(&r->arena, "%lld",
		    (long long)wait));
	if (rc >= ACCT__MAX || refusals[rc].status == 0) {
		if (status == NULL)
			resp_error(r, 503, "Service temporarily unavailable");
		else
			page_error(r, 503, "The service is temporarily "
			    "unavailable.");
		return NULL;
	}
	if (status == NULL) {
		resp_error(r, refusals[rc].status, refusals[rc].api);
		return NULL;
	}
	*status = refusals[rc].status;
	return refusals[rc].page;
}

/* Only same-site absolute paths are followed after signing in. */
const char *
account_next(struct req *r)
{
	const struct kv	*n = req_param(r, "next");
	size_t		 i;

	if (n == NULL || n->val == NULL || n->val[0] != '/' ||
	    n->val[1] == '/' || n->vlen > 512 || strlen(n->val) != n->vlen ||
	    !valid_utf8(n->val, n->vlen))
		return "/dashboard";
	/* Browsers drop tabs and newlines: "/\t/x" would become "//x". */
	for (i = 0; i < n->vlen; i++)
		if ((unsigned char)n->val[i] < 0x20 || n->val[i] == 0x7f ||
		    n->val[i] == '\\')
			return "/dashboard";
	return n->val;
}
