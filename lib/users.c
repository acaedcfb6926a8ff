/*
 * SSTS - user accounts: list, get, create, update, password.  Changes
 * of a role or an active flag are serialised by one advisory lock, so
 * that the last active admin stays even when two admins demote each
 * other at the same moment.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "users.h"

const struct field_spec usr_specs[UK__MAX] = {
	/* UK_NAME */		{ "name", VALID_LINE, 2, 255, 0, 0, 0 },
	/* UK_EMAIL */		{ "email", VALID_EMAIL, 1, 255, 0, 0, 0 },
	/* UK_ROLE */		{ "role", VALID_LINE, 1, 16, 0, 0, 0 },
	/* UK_ACTIVE */		{ "is_active", VALID_BOOL, 1, 8, 0, 0, 0 },
	/* UK_PASSWORD */	{ "password", VALID_PASSWORD, 1, 1024, 0, 0, 0 },
	/* UK_OLD_PASSWORD */	{ "old_password", VALID_PASSWORD, 0, 1024, 0, 0, 0 },
};

/* Which fields each mode reads; the others are ignored. */
static const unsigned mode_keys[] = {
	/* USR_CREATE */	1u << UK_NAME | 1u << UK_EMAIL | 1u << UK_ROLE |
				1u << UK_PASSWORD,
	/* USR_UPDATE */	1u << UK_NAME | 1u << UK_EMAIL | 1u << UK_ROLE |
				1u << UK_ACTIVE | 1u << UK_OLD_PASSWORD,
	/* USR_PASSWORD */	1u << UK_PASSWORD | 1u << UK_OLD_PASSWORD,
};

/* Extra checks after the field table: null, role names, the policy. */
static void
usr_check(enum usr_mode mode, struct field *f)
{
	int	 k;

	for (k = 0; k < UK__MAX; k++) {
		if (!(mode_keys[mode] & 1u << k)) {
			memset(&f[k], 0, sizeof(f[k]));
			continue;
		}
		if (f[k].is_null && f[k].err == NULL)
			f[k].err = "cannot be null";
		if (mode == USR_CREATE && !f[k].present && k != UK_ROLE)
			f[k].err = "is required";
	}
	if (mode == USR_CREATE && !f[UK_ROLE].present)
		f[UK_ROLE].err = "is required";
	if (f[UK_ROLE].valid && role_parse(f[UK_ROLE].str) == ROLE_NONE)
		f[UK_ROLE].err = "must be client, agent or admin";
	if (mode != USR_UPDATE && f[UK_PASSWORD].valid &&
	    f[UK_PASSWORD].err == NULL)
		f[UK_PASSWORD].err = pw_policy(f[UK_PASSWORD].str);
	if (mode == USR_PASSWORD && !f[UK_PASSWORD].present)
		f[UK_PASSWORD].err = "is required";
}

size_t
usr_read(struct req *r, enum usr_mode mode, struct field *f,
    struct usr_fields *out)
{
	size_t	 k, bad = 0;

	req_fields(r, usr_specs, UK__MAX, f);
	usr_check(mode, f);
	for (k = 0; k < UK__MAX; k++) {
		if (f[k].err != NULL)
			f[k].valid = 0, bad++;
	}
	memset(out, 0, sizeof(*out));
	out->name = field_value(&f[UK_NAME]);
	out->email = field_value(&f[UK_EMAIL]);
	out->role = f[UK_ROLE].valid ? role_parse(f[UK_ROLE].str) : ROLE_NONE;
	out->active = f[UK_ACTIVE].valid ? (int)f[UK_ACTIVE].num : -1;
	out->password = f[UK_PASSWORD].valid ? f[UK_PASSWORD].str : NULL;
	out->old_password = f[UK_OLD_PASSWORD].valid ?
	    f[UK_OLD_PASSWORD].str : NULL;
	return bad;
}

const char *
usr_message(enum usr_result rc)
{
	static const char *const msg[USR_RESULT__MAX] = {
		"OK",
		"User not found",
		"Email already registered",
		"The last active admin cannot be demoted or deactivated",
		"Insufficient permissions",
		"Only an admin can change roles or activation",
		"Invalid current password",
		"Service temporarily unavailable",
	};

	return rc < USR_RESULT__MAX ? msg[rc] : "Internal server error";
}

int
usr_status(enum usr_result rc)
{
	static const int status[USR_RESULT__MAX] = {
		200, 404, 400, 409, 403, 403, 401, 503
	};

	return rc < USR_RESULT__MAX ? status[rc] : 500;
}

static const char *
num_text(struct req *r, int64_t n)
{
	return arena_printf(&r->arena, "%lld", (long long)n);
}

static cJSON *
own_json(struct req *r, const char *text)
{
	return text ? req_own(r, cJSON_Parse(text)) : NULL;
}

cJSON *
usr_list(struct req *r, const struct usr_query *q, int64_t *total)
{
	const char	*p[5];
	struct rows	 rs;

	p[0] = q->q;
	p[1] = q->role;
	p[2] = q->active;
	p[3] = q->limit > 0 ? num_text(r, q->limit) : NULL;
	p[4] = num_text(r, q->limit > 0 && q->page > 1 ?
	    (q->page - 1) * q->limit : 0);
	if (db_run(r, STMT_USER_LIST, p, &rs) != CORE_OK || rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 0), 0, INT64_MAX, total) != 0)
		return NULL;
	return own_json(r, ROW(&rs, 0, 1));
}

enum usr_result
usr_get(struct req *r, int64_t id, cJSON **out)
{
	const char	*p[1] = { num_text(r, id) };
	struct rows	 rs;

	if (r->user.role != ROLE_ADMIN && id != r->user.id)
		return USR_FORBIDDEN;
	if (db_run(r, STMT_USER_GET, p, &rs) != CORE_OK)
		return USR_DB;
	if (rs.n != 1)
		return USR_NOTFOUND;
	return (*out = own_json(r, ROW(&rs, 0, 0))) ? USR_OK : USR_DB;
}

cJSON *
usr_agents(struct req *r)
{
	struct rows	 rs;

	if (db_run(r, STMT_AGENT_LIST, NULL, &rs) != CORE_OK || rs.n != 1)
		return NULL;
	return own_json(r, ROW(&rs, 0, 0));
}

/* The audit row of a change, then the commit; or the rollback. */
static enum usr_result
usr_finish(struct req *r, enum usr_result rc, int64_t id, const char *action,
    const cJSON *payload)
{
	if (rc == USR_OK && audit_log(r, "user", id, action, r->user.id,
	    payload) != CORE_OK)
		rc = USR_DB;
	if (rc == USR_OK && db_commit(r) != CORE_OK)
		rc = USR_DB;
	if (rc != USR_OK)
		db_rollback(r);
	return rc;
}

static enum usr_result
usr_db(enum core_err rc)
{
	return rc == CORE_OK ? USR_OK : rc == CORE_ECONFLICT ? USR_DUP : USR_DB;
}

enum usr_result
usr_create(struct req *r, const struct usr_fields *f, cJSON **out)
{
	char		 hash[128];
	const char	*p[4] = { f->name, f->email, hash, role_name(f->role) };
	struct rows	 rs;
	enum usr_result	 rc;
	int64_t		 id = 0;
	cJSON		*a;

	if (pw_hash(hash, f->password) != 0 || db_begin(r) != CORE_OK)
		return USR_DB;
	rc = usr_db(db_run(r, STMT_USER_INSERT, p, &rs));
	if (rc == USR_OK && (rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &id) != 0))
		rc = USR_DB;
	p[0] = num_text(r, id);
	if (rc == USR_OK && (db_run(r, STMT_USER_GET, p, &rs) != CORE_OK ||
	    rs.n != 1 || (*out = own_json(r, ROW(&rs, 0, 0))) == NULL))
		rc = USR_DB;
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "name", f->name);
	cJSON_AddStringToObject(a, "email", f->email);
	cJSON_AddStringToObject(a, "role", role_name(f->role));
	return usr_finish(r, rc, id, "created", a);
}

/* Locks the row of "id"; its role, active flag, hash and editable fields. */
static enum usr_result
usr_lock(struct req *r, int64_t id, struct rows *rs)
{
	const char	*p[1] = { num_text(r, id) };

	if (db_run(r, STMT_USER_LOCK, p, rs) != CORE_OK)
		return USR_DB;
	return rs->n == 1 ? USR_OK : USR_NOTFOUND;
}

/* Would this change leave no active admin?  (Under the admin guard.) */
static enum usr_result
usr_admin_left(struct req *r, const struct rows *rs,
    const struct usr_fields *f)
{
	struct rows	 cnt;
	int64_t		 n;

	if (strcmp(ROW(rs, 0, 0), "admin") != 0 ||
	    strcmp(ROW(rs, 0, 1), "t") != 0 ||
	    ((f->role == ROLE_NONE || f->role == ROLE_ADMIN) && f->active != 0))
		return USR_OK;
	if (db_run(r, STMT_ADMIN_COUNT, NULL, &cnt) != CORE_OK || cnt.n != 1 ||
	    parse_int64(ROW(&cnt, 0, 0), 0, INT64_MAX, &n) != 0)
		return USR_DB;
	return n > 1 ? USR_OK : USR_LAST_ADMIN;
}

/* Ends every live session of "id" but "keep" (0 = none). */
static enum usr_result
usr_revoke(struct req *r, int64_t id, int64_t keep, int64_t *n)
{
	const char	*p[2] = { num_text(r, id), keep ? num_text(r, keep) : NULL };
	struct rows	 rs;

	if (db_run(r, STMT_SESSION_REVOKE_USER, p, &rs) != CORE_OK ||
	    rs.n != 1 || parse_int64(ROW(&rs, 0, 0), 0, INT64_MAX, n) != 0)
		return USR_DB;
	return USR_OK;
}

/* The audit action of an update: the weightiest change names it. */
static const char *
usr_action(const cJSON *changes)
{
	const cJSON	*act = cJSON_GetObjectItemCaseSensitive(changes,
	    "is_active");

	if (act != NULL)
		return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(act,
		    "to")) ? "activated" : "deactivated";
	if (cJSON_GetObjectItemCaseSensitive(changes, "role") != NULL)
		return "role_changed";
	return "updated";
}

/*
 * Changing one's own e-mail address asks for the current password: a
 * session left open somewhere must not be enough to take the account.
 */
static enum usr_result
usr_reauth(struct req *r, int64_t id, const struct rows *before,
    const struct usr_fields *f)
{
	const cJSON	*was;

	if (id != r->user.id || f->email == NULL)
		return USR_OK;
	was = cJSON_GetObjectItemCaseSensitive(own_json(r, ROW(before, 0, 3)),
	    "email");
	if (cJSON_IsString(was) && strcmp(was->valuestring, f->email) == 0)
		return USR_OK;
	if (f->old_password == NULL || !pw_verify(ROW(before, 0, 2),
	    f->old_password)) {
		log_event(r, "e-mail change refused: current password");
		return USR_BAD_OLD;
	}
	return USR_OK;
}

/* Applies the update under the lock; "a" receives the audit payload. */
static enum usr_result
usr_apply(struct req *r, int64_t id, const struct usr_fields *f,
    cJSON **out, cJSON **a)
{
	const char	*p[5];
	struct rows	 before, rs;
	enum usr_result	 rc;
	int64_t		 revoked = 0;
	cJSON		*ch;

	if ((rc = usr_lock(r, id, &before)) != USR_OK ||
	    (rc = usr_admin_left(r, &before, f)) != USR_OK ||
	    (rc = usr_reauth(r, id, &before, f)) != USR_OK)
		return rc;
	p[0] = num_text(r, id);
	p[1] = f->name;
	p[2] = f->email;
	p[3] = f->role != ROLE_NONE ? role_name(f->role) : NULL;
	p[4] = f->active < 0 ? NULL : f->active ? "true" : "false";
	if ((rc = usr_db(db_run(r, STMT_USER_UPDATE, p, &rs))) != USR_OK)
		return rc;
	if (rs.n != 1 || (*out = own_json(r, ROW(&rs, 0, 0))) == NULL)
		return USR_DB;
	*a = audit_changes(r, own_json(r, ROW(&before, 0, 3)),
	    own_json(r, ROW(&rs, 0, 1)));
	ch = cJSON_GetObjectItemCaseSensitive(*a, "changes");
	if (strcmp(usr_action(ch), "deactivated") == 0 &&
	    (rc = usr_revoke(r, id, 0, &revoked)) != USR_OK)
		return rc;
	cJSON_AddNumberToObject(*a, "sessions_revoked", (double)revoked);
	return USR_OK;
}

enum usr_result
usr_update(struct req *r, int64_t id, const struct usr_fields *f,
    cJSON **out)
{
	enum usr_result	 rc;
	cJSON		*a = NULL, *ch;

	if (r->user.role != ROLE_ADMIN) {
		if (id != r->user.id)
			return USR_FORBIDDEN;
		if (f->role != ROLE_NONE || f->active >= 0)
			return USR_ADMIN_ONLY;
	}
	if (db_begin(r) != CORE_OK)
		return USR_DB;
	rc = USR_OK;
	if ((f->role != ROLE_NONE || f->active >= 0) &&
	    db_run(r, STMT_ADMIN_GUARD, NULL, NULL) != CORE_OK)
		rc = USR_DB;
	if (rc == USR_OK)
		rc = usr_apply(r, id, f, out, &a);
	if (rc != USR_OK)
		return usr_finish(r, rc, id, NULL, NULL);
	ch = cJSON_GetObjectItemCaseSensitive(a, "changes");
	/* Nothing changed: nothing to record, and the row as it was. */
	if (cJSON_GetArraySize(ch) == 0) {
		db_rollback(r);
		return usr_get(r, id, out);
	}
	return usr_finish(r, rc, id, usr_action(ch), a);
}

enum usr_result
usr_password(struct req *r, int64_t id, const struct usr_fields *f,
    int64_t *revoked)
{
	char		 hash[128];
	const char	*p[2] = { num_text(r, id), hash };
	struct rows	 rs;
	enum usr_result	 rc;
	int		 self = id == r->user.id;
	cJSON		*a;

	*revoked = 0;
	if (!self && r->user.role != ROLE_ADMIN)
		return USR_FORBIDDEN;
	if (self && f->old_password == NULL)
		return USR_BAD_OLD;
	if (db_begin(r) != CORE_OK)
		return USR_DB;
	rc = usr_lock(r, id, &rs);
	if (rc == USR_OK && self && !pw_verify(ROW(&rs, 0, 2), f->old_password)) {
		log_event(r, "password change refused: wrong current password");
		rc = USR_BAD_OLD;
	}
	if (rc == USR_OK && pw_hash(hash, f->password) != 0)
		rc = USR_DB;
	if (rc == USR_OK && db_run(r, STMT_USER_PASSWORD, p, NULL) != CORE_OK)
		rc = USR_DB;
	if (rc == USR_OK)
		rc = usr_revoke(r, id, self ? r->user.session_id : 0, revoked);
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddBoolToObject(a, "by_admin", !self);
	cJSON_AddNumberToObject(a, "sessions_revoked", (double)*revoked);
	return usr_finish(r, rc, id, "password_changed", a);
}
