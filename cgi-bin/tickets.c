/*
 * SSTS - the tickets route group: the JSON API for tickets and their
 * comments (API.md, ORIGINAL.md §3.4-3.5, with the divergences of API.md
 * §3).  The rules live in lib/tickets.c; this file maps HTTP to them.
 */
#include <string.h>

#include "ssts.h"
#include "idem.h"
#include "tickets.h"

enum tkey { T_TITLE, T_DESC, T_CAT, T_PRIO, T_STATUS, T__MAX };

static const struct field_spec create_fields[T__MAX] = {
	/* T_TITLE */	 { "title", VALID_LINE, 1, 255, 0, 0, 1 },
	/* T_DESC */	 { "description", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* T_CAT */	 { "category_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* T_PRIO */	 { "priority_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* T_STATUS */	 { "status", VALID_LINE, 0, 32, 0, 0, 0 },
};

static const struct field_spec patch_fields[T__MAX] = {
	/* T_TITLE */	 { "title", VALID_LINE, 0, 255, 0, 0, 0 },
	/* T_DESC */	 { "description", VALID_TEXT, 0, 20000, 0, 0, 0 },
	/* T_CAT */	 { "category_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* T_PRIO */	 { "priority_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* T_STATUS */	 { "status", VALID_LINE, 0, 32, 0, 0, 0 },
};

static const struct field_spec assign_fields[2] = {
	{ "agent_id", VALID_ID, 0, 20, 0, 0, 0 },
	{ "note", VALID_TEXT, 0, 1000, 0, 0, 0 },
};

static const struct field_spec comment_fields[2] = {
	{ "message", VALID_TEXT, 1, 20000, 0, 0, 1 },
	{ "is_internal", VALID_BOOL, 0, 5, 0, 0, 0 },
};

static void
fail(struct req *r, enum tk_result rc, const char *bad)
{
	cJSON	*j, *d;

	if (rc != TK_INVALID || bad == NULL) {
		resp_error(r, tk_result_status(rc), tk_result_message(rc));
		return;
	}
	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "error", "Validation failed");
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "path", bad);
	cJSON_AddStringToObject(d, "msg", "does not exist");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "details"), d);
	resp_json(r, 400, j);
}

/*
 * What the list adds to the original's envelope rides in headers, so the
 * JSON stays {"tickets","total","page","limit"}: the keyset of the next
 * page, and that a search's total stopped counting at TK_SEARCH_CAP.
 */
static void
api_list(struct req *r)
{
	struct field	 f[TK_F__MAX];
	struct tk_filter flt;
	struct tk_page	 pg;
	struct buf	 out;
	enum tk_result	 rc;

	if (!tk_filter_read(r, f, &flt)) {
		resp_validation(r, tk_filter_fields, TK_F__MAX, f);
		return;
	}
	if ((rc = tk_list_text(r, &flt, &out, &pg)) != TK_OK) {
		fail(r, rc, NULL);
		return;
	}
	if (pg.next_after != NULL)
		resp_header(r, "X-Next-After", pg.next_after);
	if (pg.capped)
		resp_header(r, "X-Total-Capped", "true");
	resp_json_text(r, 200, out.data);
}

static void
api_create(struct req *r)
{
	struct field	 f[T__MAX];
	const char	*bad = NULL;
	cJSON		*out;
	enum tk_result	 rc;

	if (idem_replayed(r))
		return;
	if (req_fields(r, create_fields, T__MAX, f) > 0) {
		resp_validation(r, create_fields, T__MAX, f);
		return;
	}
	rc = tk_create(r, &(struct tk_new){ f[T_TITLE].str, f[T_DESC].str,
	    field_value(&f[T_CAT]), field_value(&f[T_PRIO]), NULL, NULL }, &out,
	    &bad);
	if (rc == TK_REPLAY && idem_replayed(r))
		return;
	if (rc != TK_OK)
		fail(r, rc, bad);
	else
		resp_json(r, 201, out);
}

static void
api_get(struct req *r)
{
	const char	*out;
	enum tk_result	 rc;

	if ((rc = tk_get_text(r, r->params[0], &out)) != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json_text(r, 200, out);
}

/* Status values are an exact allow-list: " Open" is not "Open". */
static const char *
raw_status(const struct req *r, const struct field *f)
{
	const struct kv	*v;

	if (!f->present)
		return NULL;
	v = req_param(r, "status");
	return (v != NULL && v->val != NULL) ? v->val : "";
}

static void
api_update(struct req *r)
{
	struct field	 f[T__MAX];
	struct tk_patch	 pa;
	const char	*bad = NULL;
	cJSON		*out;
	enum tk_result	 rc;

	if (req_fields(r, patch_fields, T__MAX, f) > 0) {
		resp_validation(r, patch_fields, T__MAX, f);
		return;
	}
	memset(&pa, 0, sizeof(pa));
	pa.title = field_value(&f[T_TITLE]);
	pa.description = field_value(&f[T_DESC]);
	pa.status = raw_status(r, &f[T_STATUS]);
	pa.set_category = f[T_CAT].present;
	pa.category_id = field_value(&f[T_CAT]);
	pa.set_priority = f[T_PRIO].present;
	pa.priority_id = field_value(&f[T_PRIO]);
	if ((rc = tk_update(r, r->params[0], &pa, &out, &bad)) != TK_OK)
		fail(r, rc, bad);
	else
		resp_json(r, 200, out);
}

/* The original unassigns on any falsy agent_id: absent, null, "", 0, false. */
static int
agent_falsy(const struct req *r)
{
	const struct kv	*v = req_param(r, "agent_id");

	return v == NULL || v->val == NULL || *v->val == '\0' ||
	    strcmp(v->val, "0") == 0 || strcmp(v->val, "false") == 0;
}

static void
api_assign(struct req *r)
{
	struct field	 f[2];
	cJSON		*out;
	enum tk_result	 rc;
	int		 falsy, created;

	falsy = agent_falsy(r);
	req_fields(r, assign_fields, 2, f);
	if ((!falsy && f[0].err) || f[1].err) {
		if (falsy)
			f[0].err = NULL;
		resp_validation(r, assign_fields, 2, f);
		return;
	}
	rc = tk_assign(r, r->params[0], falsy ? NULL : f[0].str, field_value(&f[1]),
	    &out, &created);
	if (rc != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json(r, created ? 201 : 200, out);
}

static void
api_comment(struct req *r)
{
	struct field	 f[2];
	cJSON		*out;
	enum tk_result	 rc;

	if (idem_replayed(r))
		return;
	if (req_fields(r, comment_fields, 2, f) > 0) {
		resp_validation(r, comment_fields, 2, f);
		return;
	}
	rc = tk_comment(r, r->params[0], f[0].str, f[1].valid && f[1].num,
	    &out);
	if (rc == TK_REPLAY && idem_replayed(r))
		return;
	if (rc != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json(r, 201, out);
}

static const struct route routes[] = {
	{ "GET", "/api/tickets", PERM_USER, api_list, 0 },
	{ "POST", "/api/tickets", PERM_USER, api_create, 0 },
	{ "GET", "/api/tickets/:id", PERM_USER, api_get,
	    ROUTE_PREFETCH(STMT_TK_GET_SESSION) },
	{ "PATCH", "/api/tickets/:id", PERM_USER, api_update, 0 },
	{ "POST", "/api/tickets/:id/assign", PERM_ADMIN, api_assign, 0 },
	{ "POST", "/api/tickets/:id/comments", PERM_USER, api_comment, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("tickets"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
