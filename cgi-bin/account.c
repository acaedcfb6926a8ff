/*
 * SSTS - the account route group: what every signed-in user looks after
 * for themselves.  The sessions API (list, revoke one, sign out
 * everywhere); the models live in lib/sessions.c and lib/users.c.
 */
#include <string.h>

#include "ssts.h"
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

static const struct route routes[] = {
	{ "GET", "/api/auth/sessions", PERM_USER, api_sessions, 0 },
	{ "DELETE", "/api/auth/sessions/:id", PERM_USER, api_session_revoke, 0 },
	{ "POST", "/api/auth/logout-all", PERM_USER, api_logout_all, 0 },
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
