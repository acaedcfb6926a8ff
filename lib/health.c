/*
 * SSTS - handlers any route group may mount: the API's description
 * (GET /api), its liveness answer (GET /api/health) and the health check
 * that asks the database (GET /healthz: 200 "ok", else 503).
 */
#include "ssts.h"

void
health_api_info(struct req *r)
{
	static const char *const groups[] = { "auth", "attachments", "users",
	    "categories", "priorities", "tickets", "statistics", "audit",
	    "health" };
	cJSON	*j, *e;
	size_t	 i;

	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "message", "Support Ticket System API");
	cJSON_AddStringToObject(j, "version", "2.0.0");
	cJSON_AddStringToObject(j, "status", "running");
	e = cJSON_AddObjectToObject(j, "endpoints");
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		cJSON_AddStringToObject(e, groups[i],
		    arena_printf(&r->arena, "/api/%s", groups[i]));
	resp_json(r, 200, j);
}

void
health_api(struct req *r)
{
	char	 now[32];
	cJSON	*j;

	iso_now(now);
	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "status", "ok");
	cJSON_AddStringToObject(j, "message", "Server is running");
	cJSON_AddStringToObject(j, "timestamp", now);
	resp_json(r, 200, j);
}

void
health_db(struct req *r)
{
	if (db_ping(r))
		resp_text(r, 200, "text/plain; charset=utf-8", "ok\n");
	else
		resp_text(r, 503, "text/plain; charset=utf-8", "unavailable\n");
}
