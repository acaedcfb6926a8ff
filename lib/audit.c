/*
 * SSTS - the audit trail.  audit_log() writes one row in the caller's
 * transaction, with who, what, from where (REMOTE_ADDR as nginx saw it,
 * never a client-supplied forwarding header) and the user agent.  The
 * payload is the caller's JSON; it must never hold a secret.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"

/* The user agent is client-controlled: bounded, printable ASCII only. */
static void
audit_clean(char *out, size_t outsz, const char *in)
{
	size_t	 i;

	for (i = 0; in != NULL && in[i] != '\0' && i < outsz - 1; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
}

enum core_err
audit_log(struct req *r, const char *entity_type, int64_t entity_id,
    const char *action, int64_t performed_by, const cJSON *payload)
{
	char		 eid[24], by[24], ua[512];
	char		*json;
	const char	*params[7];
	enum core_err	 rc;

	snprintf(eid, sizeof(eid), "%lld", (long long)entity_id);
	snprintf(by, sizeof(by), "%lld", (long long)performed_by);
	audit_clean(ua, sizeof(ua), r->user_agent);
	json = payload ? cJSON_PrintUnformatted(payload) : NULL;
	params[0] = entity_type;
	params[1] = entity_id > 0 ? eid : NULL;
	params[2] = action;
	params[3] = performed_by > 0 ? by : NULL;
	params[4] = r->remote_addr;
	params[5] = r->user_agent ? ua : NULL;
	params[6] = json;
	rc = db_run(r, STMT_AUDIT_INSERT, params, NULL);
	cJSON_free(json);
	return rc;
}

/* {"changes": {field: {from, to}}} between two objects; owned by "r". */
cJSON *
audit_changes(struct req *r, const cJSON *before, const cJSON *after)
{
	cJSON		*a = req_own(r, cJSON_CreateObject());
	cJSON		*ch = cJSON_AddObjectToObject(a, "changes"), *c;
	const cJSON	*v, *w;

	cJSON_ArrayForEach(v, after) {
		w = cJSON_GetObjectItemCaseSensitive(before, v->string);
		if (w != NULL && cJSON_Compare(v, w, 1))
			continue;
		c = cJSON_AddObjectToObject(ch, v->string);
		cJSON_AddItemToObject(c, "from", w ? cJSON_Duplicate(w, 1) :
		    cJSON_CreateNull());
		cJSON_AddItemToObject(c, "to", cJSON_Duplicate(v, 1));
	}
	return a;
}
