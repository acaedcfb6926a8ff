/*
 * SSTS - a list item's JSON, built from the plain columns of
 * STMT_TK_ITEMS (cheaper than json_build_object in the database, which
 * was most of a list request's cost).  The shape is the original's list
 * item, field for field and in its order.
 */
#include <stdlib.h>

#include "ssts.h"
#include "tickets.h"

static void
add_text(cJSON *o, const char *key, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, v);
}

void
tk_json_int(cJSON *o, const char *key, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, strtod(v, NULL));
}

/* {id, name, email} from three cells; null when the person is gone. */
static void
add_person(cJSON *o, const char *key, const char *const *c)
{
	cJSON	*p;

	if (c[0] == NULL) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	p = cJSON_AddObjectToObject(o, key);
	add_text(p, "id", c[0]);
	add_text(p, "name", c[1]);
	add_text(p, "email", c[2]);
}

static void
add_priority(cJSON *o, const char *const *c)
{
	cJSON	*p;

	if (c[TKI_P_ID] == NULL) {
		cJSON_AddNullToObject(o, "priority");
		return;
	}
	p = cJSON_AddObjectToObject(o, "priority");
	tk_json_int(p, "id", c[TKI_P_ID]);
	add_text(p, "name", c[TKI_P_NAME]);
	tk_json_int(p, "rank", c[TKI_P_RANK]);
}

static void
add_category(cJSON *o, const char *const *c)
{
	cJSON	*p;

	if (c[TKI_C_ID] == NULL) {
		cJSON_AddNullToObject(o, "category");
		return;
	}
	p = cJSON_AddObjectToObject(o, "category");
	tk_json_int(p, "id", c[TKI_C_ID]);
	add_text(p, "name", c[TKI_C_NAME]);
}

/* The ticket's assignments: none or one (ticket_id is unique). */
static void
add_assignments(cJSON *o, const char *const *c)
{
	cJSON	*list, *a;

	list = cJSON_AddArrayToObject(o, "ticket_assignments");
	if (c[TKI_A_ID] == NULL || (a = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddItemToArray(list, a);
	add_text(a, "id", c[TKI_A_ID]);
	add_text(a, "ticket_id", c[TKI_ID]);
	add_text(a, "agent_id", c[TKI_A_AGENT]);
	add_text(a, "assigned_by", c[TKI_A_BY]);
	add_text(a, "note", c[TKI_A_NOTE]);
	add_text(a, "assigned_at", c[TKI_A_AT]);
	add_person(a, "agent", c + TKI_G_ID);
}

cJSON *
tk_item_json(const char *const *c)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	add_text(o, "id", c[TKI_ID]);
	add_text(o, "title", c[TKI_TITLE]);
	add_text(o, "description", c[TKI_DESC]);
	add_text(o, "status", c[TKI_STATUS]);
	add_text(o, "created_by", c[TKI_CREATED_BY]);
	tk_json_int(o, "category_id", c[TKI_CATEGORY_ID]);
	tk_json_int(o, "priority_id", c[TKI_PRIORITY_ID]);
	add_text(o, "created_at", c[TKI_CREATED_AT]);
	add_text(o, "updated_at", c[TKI_UPDATED_AT]);
	add_person(o, "creator", c + TKI_U_ID);
	add_priority(o, c);
	add_category(o, c);
	add_assignments(o, c);
	return o;
}
