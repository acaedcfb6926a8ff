/*
 * SSTS - the catalog route group: the categories and priorities API
 * (ORIGINAL.md §3.7-3.8 with the rules of issue 5: categories readable by
 * anyone, priorities by any signed-in user, changes by admins, each one
 * audited).  The rules live in lib/catalog.c.
 */
#include <string.h>

#include "ssts.h"
#include "catalog.h"

/* Per kind: the name, then the second field (description or rank). */
static const struct field_spec specs[CAT_KIND__MAX][2] = {
	[CAT_CATEGORY] = {
		{ "name", VALID_LINE, 1, 128, 0, 0, 0 },
		{ "description", VALID_TEXT, 0, 2000, 0, 0, 0 },
	},
	[CAT_PRIORITY] = {
		{ "name", VALID_LINE, 1, 32, 0, 0, 0 },
		{ "rank", VALID_INT, 0, 0, 0, 32767, 0 },
	},
};

static enum cat_kind
kind_of(const struct req *r)
{
	return strncmp(r->route->pattern, "/api/categories", 15) == 0 ?
	    CAT_CATEGORY : CAT_PRIORITY;
}

static void
answer(struct req *r, enum cat_kind k, enum cat_result rc, int status,
    const cJSON *out)
{
	if (rc != CAT_OK)
		resp_error(r, cat_status(rc), cat_message(k, rc));
	else
		resp_json(r, status, out);
}

static void
api_list(struct req *r)
{
	cJSON	*out = cat_list(r, kind_of(r));

	if (out == NULL)
		resp_error(r, 503, "Service temporarily unavailable");
	else
		resp_json(r, 200, out);
}

static void
api_get(struct req *r)
{
	enum cat_kind	 k = kind_of(r);
	cJSON		*out = NULL;
	enum cat_result	 rc = cat_get(r, k, r->params[0], &out);

	answer(r, k, rc, 200, out);
}

/*
 * The fields of a create (all == 1) or an update; 0 if an answer was
 * sent.  A field given as JSON null clears the description.
 */
static int
read_fields(struct req *r, enum cat_kind k, int all, struct cat_fields *cf)
{
	struct field	 f[2];
	size_t		 bad = req_fields(r, specs[k], 2, f);

	if (all && (!f[0].present || f[0].is_null || (k == CAT_PRIORITY &&
	    (!f[1].present || f[1].is_null)))) {
		resp_error(r, 400, k == CAT_CATEGORY ? "Name required" :
		    "Name and rank required");
		return 0;
	}
	if (bad == 0 && f[0].is_null)
		f[0].err = "cannot be null", bad++;
	if (bad == 0 && k == CAT_PRIORITY && f[1].is_null)
		f[1].err = "cannot be null", bad++;
	if (bad > 0) {
		resp_validation(r, specs[k], 2, f);
		return 0;
	}
	cf->name = f[0].valid ? f[0].str : NULL;
	cf->set_second = f[1].present;
	cf->second = f[1].valid ? f[1].str : NULL;
	return 1;
}

static void
api_create(struct req *r)
{
	enum cat_kind	 k = kind_of(r);
	struct cat_fields cf;
	cJSON		*out = NULL;
	enum cat_result	 rc;

	if (read_fields(r, k, 1, &cf)) {
		rc = cat_create(r, k, &cf, &out);
		answer(r, k, rc, 201, out);
	}
}

static void
api_update(struct req *r)
{
	enum cat_kind	 k = kind_of(r);
	struct cat_fields cf;
	cJSON		*out = NULL;
	enum cat_result	 rc;

	if (read_fields(r, k, 0, &cf)) {
		rc = cat_update(r, k, r->params[0], &cf, &out);
		answer(r, k, rc, 200, out);
	}
}

static void
api_delete(struct req *r)
{
	enum cat_kind	 k = kind_of(r);
	enum cat_result	 rc = cat_delete(r, k, r->params[0]);
	cJSON		*out = req_own(r, cJSON_CreateObject());

	cJSON_AddStringToObject(out, "message", k == CAT_CATEGORY ?
	    "Category deleted" : "Priority deleted");
	answer(r, k, rc, 200, out);
}

static const struct route routes[] = {
	{ "GET", "/api/categories", PERM_PUBLIC, api_list, 0 },
	{ "GET", "/api/categories/:id", PERM_PUBLIC, api_get, 0 },
	{ "POST", "/api/categories", PERM_ADMIN, api_create, 0 },
	{ "PATCH", "/api/categories/:id", PERM_ADMIN, api_update, 0 },
	{ "DELETE", "/api/categories/:id", PERM_ADMIN, api_delete, 0 },
	{ "GET", "/api/priorities", PERM_USER, api_list, 0 },
	{ "GET", "/api/priorities/:id", PERM_USER, api_get, 0 },
	{ "POST", "/api/priorities", PERM_ADMIN, api_create, 0 },
	{ "PATCH", "/api/priorities/:id", PERM_ADMIN, api_update, 0 },
	{ "DELETE", "/api/priorities/:id", PERM_ADMIN, api_delete, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("catalog"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
