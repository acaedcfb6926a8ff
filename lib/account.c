/*
 * SSTS - accounts: registration and sign-in, shared by the JSON API and
 * the pages of the auth route group.  Each write and its audit row are
 * one transaction.  Unknown e-mail and wrong password take the same time
 * (a dummy argon2id verification) and get the same answer; the
 * deactivated state is only revealed to someone who knows the password.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "account.h"

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

static enum core_err
audit_login_ok(struct req *r, const struct user *u)
{
	cJSON		*p;
	enum core_err	 rc;

	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "email", u->email);
	cJSON_AddStringToObject(p, "ip_address",
	    r->remote_addr ? r->remote_addr : "");
	rc = audit_log(r, "user", u->id, "login_success", u->id, p);
	cJSON_Delete(p);
	return rc;
}

/* Opens a session for "u" with its audit row; one transaction. */
static enum acct_result
account_open_session(struct req *r, const struct user *u, const char **token)
{
	if (db_begin(r) != CORE_OK)
		return ACCT_DB;
	if (sess_create(r, u, token) != CORE_OK ||
	    audit_login_ok(r, u) != CORE_OK || db_commit(r) != CORE_OK) {
		db_rollback(r);
		return ACCT_DB;
	}
	return ACCT_OK;
}

enum acct_result
account_login(struct req *r, const char *email, const char *password,
    struct user *u, const char **token)
{
	struct rows	 rs;
	const char	*p[1] = { email };

	memset(u, 0, sizeof(*u));
	if (db_run(r, STMT_USER_BY_EMAIL, p, &rs) != CORE_OK)
		return ACCT_DB;
	if (rs.n != 1) {
		pw_dummy_verify(password);
		audit_login_failed(r, email, 0, "unknown_email");
		return ACCT_BAD;
	}
	if (parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &u->id) != 0)
		return ACCT_DB;
	if (!pw_verify(ROW(&rs, 0, 3), password)) {
		audit_login_failed(r, email, u->id, "invalid_password");
		return ACCT_BAD;
	}
	if (strcmp(ROW(&rs, 0, 5), "t") != 0) {
		audit_login_failed(r, email, u->id, "inactive");
		return ACCT_INACTIVE;
	}
	u->name = ROW(&rs, 0, 1);
	u->email = ROW(&rs, 0, 2);
	u->role = role_parse(ROW(&rs, 0, 4));
	u->mfa_enabled = strcmp(ROW(&rs, 0, 6), "t") == 0;
	return account_open_session(r, u, token);
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
	    CORE_OK || audit_login_ok(r, u) != CORE_OK))
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
