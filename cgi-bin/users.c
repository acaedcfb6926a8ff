/*
 * SSTS - the users route group: the users API (ORIGINAL.md §3.3 with the
 * rules of API.md §3.5).  The rules live in lib/users.c.
 */
#include <string.h>

#include "ssts.h"
#include "mfa.h"
#include "users.h"

static void
answer(struct req *r, enum usr_result rc, int status, const cJSON *out)
{
	if (rc != USR_OK)
		resp_error(r, usr_status(rc), usr_message(rc));
	else
		resp_json(r, status, out);
}

static const struct field_spec list_specs[5] = {
	{ "q", VALID_LINE, 0, 255, 0, 0, 0 },
	{ "role", VALID_LINE, 0, 16, 0, 0, 0 },
	{ "is_active", VALID_BOOL, 0, 8, 0, 0, 0 },
	{ "page", VALID_INT, 0, 0, 1, 1000000, 0 },
	{ "limit", VALID_INT, 0, 0, 1, 100, 0 },
};

static void
api_list(struct req *r)
{
	struct field	 f[5];
	struct usr_query q;
	size_t		 bad = req_fields(r, list_specs, 5, f);
	int64_t		 total;
	cJSON		*out;

	if (field_value(&f[1]) && role_parse(f[1].str) == ROLE_NONE)
		f[1].err = "must be client, agent or admin", bad++;
	if (bad > 0) {
		resp_validation(r, list_specs, 5, f);
		return;
	}
	memset(&q, 0, sizeof(q));
	q.q = field_value(&f[0]);
	q.role = field_value(&f[1]);
	q.active = f[2].valid ? (f[2].num ? "true" : "false") : NULL;
	q.page = f[3].valid ? f[3].num : 1;
	q.limit = f[4].valid ? f[4].num : 0;
	if ((out = usr_list(r, &q, &total)) == NULL) {
		resp_error(r, 503, "Service temporarily unavailable");
		return;
	}
	/* The body stays the original's bare array; the count rides along. */
	resp_header(r, "X-Total-Count", arena_printf(&r->arena, "%lld",
	    (long long)total));
	resp_json(r, 200, out);
}

static void
api_me(struct req *r)
{
	cJSON		*out = NULL;
	enum usr_result	 rc = usr_get(r, r->user.id, &out);

	answer(r, rc, 200, out);
}

static void
api_agents(struct req *r)
{
	cJSON	*out = usr_agents(r);

	if (out == NULL)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, out);
}

static void
api_get(struct req *r)
{
	cJSON		*out = NULL;
	enum usr_result	 rc = usr_get(r, r->params[0], &out);

	answer(r, rc, 200, out);
}

static void
api_create(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*out = NULL;
	enum usr_result	 rc;

	if (kv_count(&r->in, "email") == 0 || kv_count(&r->in, "password") == 0) {
		resp_error(r, 400, "Email and password required");
		return;
	}
	if (usr_read(r, USR_CREATE, f, &uf) > 0) {
		resp_validation(r, usr_specs, UK__MAX, f);
		return;
	}
	rc = usr_create(r, &uf, &out);
	answer(r, rc, 201, out);
}

static void
api_update(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	cJSON		*out = NULL;
	enum usr_result	 rc;

	if (usr_read(r, USR_UPDATE, f, &uf) > 0) {
		resp_validation(r, usr_specs, UK__MAX, f);
		return;
	}
	rc = usr_update(r, r->params[0], &uf, &out);
	answer(r, rc, 200, out);
}

static void
api_password(struct req *r)
{
	struct field	 f[UK__MAX];
	struct usr_fields uf;
	int64_t		 revoked;
	enum usr_result	 rc;
	cJSON		*out;

	if (kv_count(&r->in, "password") == 0) {
		resp_error(r, 400, "Password required");
		return;
	}
	if (usr_read(r, USR_PASSWORD, f, &uf) > 0) {
		resp_validation(r, usr_specs, UK__MAX, f);
		return;
	}
	rc = usr_password(r, r->params[0], &uf, &revoked);
	out = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(out, "message", "Password updated");
	cJSON_AddNumberToObject(out, "sessions_revoked", (double)revoked);
	answer(r, rc, 200, out);
}

/* An admin turns a user's MFA off (a lost phone): audited, signed out. */
static void
api_mfa_reset(struct req *r)
{
	enum mfa_result	 rc = mfa_reset(r, r->params[0]);
	cJSON		*out;

	if (rc != MFA_OK) {
		resp_error(r, mfa_status(rc), mfa_message(rc));
		return;
	}
	out = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(out, "message", "MFA reset");
	resp_json(r, 200, out);
}

static const struct route routes[] = {
	{ "GET", "/api/users", PERM_ADMIN, api_list, 0 },
	{ "GET", "/api/users/me", PERM_USER, api_me, 0 },
	{ "GET", "/api/users/agents/list", PERM_ADMIN, api_agents, 0 },
	{ "GET", "/api/users/:id", PERM_USER, api_get, 0 },
	{ "POST", "/api/users", PERM_ADMIN, api_create, 0 },
	{ "PATCH", "/api/users/:id", PERM_USER, api_update, 0 },
	{ "PATCH", "/api/users/:id/password", PERM_USER, api_password, 0 },
	{ "POST", "/api/users/:id/mfa/reset", PERM_ADMIN, api_mfa_reset, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("users"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
