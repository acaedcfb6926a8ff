/*
 * SSTS - a user's own sessions: list, revoke one, revoke all (or all
 * but the current one).  The statements name the caller as the owner,
 * so another user's session id is simply not found.
 */
#include <stdio.h>

#include "ssts.h"
#include "sessions.h"

static const char *
id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

cJSON *
sessions_list(struct req *r)
{
	const char	*p[2] = { id_text(r, r->user.id),
	    id_text(r, r->user.session_id) };
	struct rows	 rs;

	if (db_run(r, STMT_SESSION_LIST, p, &rs) != CORE_OK || rs.n != 1)
		return NULL;
	return req_own(r, cJSON_Parse(ROW(&rs, 0, 0)));
}

/* The audit row, then the commit; or the rollback. */
static enum core_err
sessions_finish(struct req *r, enum core_err rc, const char *action,
    cJSON *payload)
{
	if (rc == CORE_OK)
		rc = audit_log(r, "user", r->user.id, action, r->user.id,
		    payload);
	if (rc == CORE_OK)
		rc = db_commit(r);
	if (rc != CORE_OK)
		db_rollback(r);
	return rc;
}

enum core_err
sessions_revoke(struct req *r, int64_t id)
{
	const char	*p[2] = { id_text(r, id), id_text(r, r->user.id) };
	struct rows	 rs;
	enum core_err	 rc;
	cJSON		*a = req_own(r, cJSON_CreateObject());

	if (db_begin(r) != CORE_OK)
		return CORE_EDB;
	rc = db_run(r, STMT_SESSION_REVOKE_OWN, p, &rs);
	if (rc == CORE_OK && rs.n != 1)
		rc = CORE_ENOTFOUND;
	if (rc == CORE_OK) {
		cJSON_AddStringToObject(a, "session_id", p[0]);
		cJSON_AddStringToObject(a, "session_ip",
		    ROW(&rs, 0, 0) ? ROW(&rs, 0, 0) : "");
		cJSON_AddBoolToObject(a, "current", id == r->user.session_id);
	}
	return sessions_finish(r, rc, "session_revoked", a);
}

enum core_err
sessions_revoke_all(struct req *r, int keep_current, int64_t *revoked)
{
	const char	*p[2] = { id_text(r, r->user.id), keep_current ?
	    id_text(r, r->user.session_id) : NULL };
	struct rows	 rs;
	enum core_err	 rc;
	cJSON		*a = req_own(r, cJSON_CreateObject());

	*revoked = 0;
	if (db_begin(r) != CORE_OK)
		return CORE_EDB;
	rc = db_run(r, STMT_SESSION_REVOKE_USER, p, &rs);
	if (rc == CORE_OK && (rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 0), 0, INT64_MAX, revoked) != 0))
		rc = CORE_EDB;
	cJSON_AddNumberToObject(a, "sessions_revoked", (double)*revoked);
	cJSON_AddBoolToObject(a, "kept_current", keep_current);
	return sessions_finish(r, rc, keep_current ? "logout_others" :
	    "logout_all", a);
}
