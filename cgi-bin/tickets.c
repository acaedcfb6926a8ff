/*
 * SSTS - the tickets route group: the JSON API for tickets and their
 * comments (API.md, ORIGINAL.md §3.4-3.5, with the divergences of API.md
 * §3).  The rules live in lib/tickets.c; this file maps HTTP to them.
 */
#include <string.h>

#include "ssts.h"
#include "tickets.h"

enum lkey { L_STATUS, L_PRIO, L_CAT, L_ASSIGNED, L_Q, L_SORT, L_ORDER,
    L_PAGE, L_LIMIT, L__MAX };

static const struct field_spec list_fields[L__MAX] = {
	/* L_STATUS */	 { "status", VALID_LINE, 0, 32, 0, 0, 0 },
	/* L_PRIO */	 { "priority_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* L_CAT */	 { "category_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* L_ASSIGNED */ { "assigned_to", VALID_ID, 0, 20, 0, 0, 0 },
	/* L_Q */	 { "q", VALID_LINE, 0, 200, 0, 0, 0 },
	/* L_SORT */	 { "sort", VALID_LINE, 0, 16, 0, 0, 0 },
	/* L_ORDER */	 { "order", VALID_LINE, 0, 8, 0, 0, 0 },
	/* L_PAGE */	 { "page", VALID_INT, 0, 9, 1, 100000000, 0 },
	/* L_LIMIT */	 { "limit", VALID_INT, 0, 4, 1, 100, 0 },
};

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

static int
pick(const char *s, const char *const *names, int n, int def)
{
	int	 i;

	if (s == NULL)
		return def;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

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

static void
api_list(struct req *r)
{
	static const char *const orders[] = { "desc", "asc" };
	struct field	 f[L__MAX];
	struct tk_filter flt;
	cJSON		*out;
	enum tk_result	 rc;
	int		 sort, order;

	req_fields(r, list_fields, L__MAX, f);
	sort = pick(field_value(&f[L_SORT]), tk_sort_names, TK_SORT__MAX, 0);
	order = pick(field_value(&f[L_ORDER]), orders, 2, 0);
	if (sort < 0)
		f[L_SORT].err = "must be created, updated, priority or status";
	if (order < 0)
		f[L_ORDER].err = "must be asc or desc";
	if (field_value(&f[L_STATUS]) && !tk_status_valid(field_value(&f[L_STATUS])))
		f[L_STATUS].err = "must be Open, In Progress, Resolved or Closed";
	if (f[L_STATUS].err || f[L_PRIO].err || f[L_CAT].err ||
	    f[L_ASSIGNED].err || f[L_Q].err || f[L_SORT].err ||
	    f[L_ORDER].err || f[L_PAGE].err || f[L_LIMIT].err) {
		resp_validation(r, list_fields, L__MAX, f);
		return;
	}
	memset(&flt, 0, sizeof(flt));
	flt.status = field_value(&f[L_STATUS]);
	flt.priority_id = field_value(&f[L_PRIO]);
	flt.category_id = field_value(&f[L_CAT]);
	flt.assigned_to = field_value(&f[L_ASSIGNED]);
	flt.q = field_value(&f[L_Q]);
	flt.sort = (enum tk_sort)sort;
	flt.asc = order == 1;
	flt.page = field_value(&f[L_PAGE]) ? f[L_PAGE].num : 1;
	flt.limit = field_value(&f[L_LIMIT]) ? f[L_LIMIT].num : 50;
	if ((rc = tk_list(r, &flt, &out)) != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json(r, 200, out);
}

static void
api_create(struct req *r)
{
	struct field	 f[T__MAX];
	const char	*bad = NULL;
	cJSON		*out;
	enum tk_result	 rc;

	if (req_fields(r, create_fields, T__MAX, f) > 0) {
		resp_validation(r, create_fields, T__MAX, f);
		return;
	}
	rc = tk_create(r, &(struct tk_new){ f[T_TITLE].str, f[T_DESC].str,
	    field_value(&f[T_CAT]), field_value(&f[T_PRIO]), NULL, NULL }, &out,
	    &bad);
	if (rc != TK_OK)
		fail(r, rc, bad);
	else
		resp_json(r, 201, out);
}

static void
api_get(struct req *r)
{
	cJSON		*out;
	enum tk_result	 rc;

	if ((rc = tk_get(r, r->params[0], &out)) != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json(r, 200, out);
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

	if (req_fields(r, comment_fields, 2, f) > 0) {
		resp_validation(r, comment_fields, 2, f);
		return;
	}
	rc = tk_comment(r, r->params[0], f[0].str, f[1].valid && f[1].num,
	    &out);
	if (rc != TK_OK)
		fail(r, rc, NULL);
	else
		resp_json(r, 201, out);
}

static const struct route routes[] = {
	{ "GET", "/api/tickets", PERM_USER, api_list, 0 },
	{ "POST", "/api/tickets", PERM_USER, api_create, 0 },
	{ "GET", "/api/tickets/:id", PERM_USER, api_get, 0 },
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
