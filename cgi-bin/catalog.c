/*
 * SSTS - the catalog route group: the categories and priorities API
 * (ORIGINAL.md §3.7-3.8 with the rules of issue 5: categories readable by
 * anyone, priorities by any signed-in user, changes by admins, each one
 * audited) and the admin pages /admin/categories and /admin/priorities.
 * The rules live in lib/catalog.c; both kinds share every handler.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "catalog.h"
#include "tickets.h"

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

/* The pages' forms send every field: the name and rank are required. */
static const struct field_spec forms[CAT_KIND__MAX][2] = {
	[CAT_CATEGORY] = {
		{ "name", VALID_LINE, 1, 128, 0, 0, 1 },
		{ "description", VALID_TEXT, 0, 2000, 0, 0, 0 },
	},
	[CAT_PRIORITY] = {
		{ "name", VALID_LINE, 1, 32, 0, 0, 1 },
		{ "rank", VALID_INT, 0, 0, 0, 32767, 1 },
	},
};

/*
 * The admin screens: the list (with the new form), edit, delete.  The
 * templates hold every word, titles included, for both kinds.
 */
enum screen { S_LIST, S_EDIT, S_DELETE, S__MAX };

static const char *const tmpls[S__MAX] = {
	/* S_LIST */	"admin_catalog.cs",
	/* S_EDIT */	"admin_catalog_edit.cs",
	/* S_DELETE */	"admin_catalog_delete.cs",
};

/* The kind a route serves: its path names it (API and pages alike). */
static enum cat_kind
kind_of(const struct req *r)
{
	return strstr(r->route->pattern, "/categories") != NULL ?
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

/* The screen of a page route: its pattern tells. */
static enum screen
screen_of(const struct req *r)
{
	const char	*pat = r->route->pattern;

	return strstr(pat, "/:id") == NULL ? S_LIST :
	    strstr(pat, "/delete") != NULL ? S_DELETE : S_EDIT;
}

/*
 * Renders the route's screen: the list, or the edit or delete screen of
 * the :id item (404 page if there is none).  f != NULL: a refused form,
 * shown again with its values and errors (400).
 */
static void
page_screen(struct req *r, const struct field *f)
{
	enum cat_kind	 k = kind_of(r);
	enum screen	 s = screen_of(r);
	struct tk_filter t = { .page = 1, .limit = 1 };
	struct page	*p;
	char		 id[24];
	cJSON		*list = NULL, *item = NULL, *uses;
	enum cat_result	 rc = CAT_OK;

	if (s == S_LIST && (list = cat_list(r, k)) == NULL)
		rc = CAT_DB;
	else if (s != S_LIST)
		rc = cat_get(r, k, r->params[0], &item);
	if (rc != CAT_OK) {
		page_error(r, cat_status(rc), cat_message(k, rc));
		return;
	}
	p = page_new(r, NULL);
	page_set(p, "Kind", cat_kind_name(k));
	page_set_json(p, "Items", list);
	page_set_json(p, "Item", item);
	if (s == S_DELETE) {	/* the tickets that use it (tk_list) */
		snprintf(id, sizeof(id), "%lld", (long long)r->params[0]);
		*(k == CAT_CATEGORY ? &t.category_id : &t.priority_id) = id;
		if (tk_list(r, &t, &uses) == TK_OK)
			page_set_json(p, "Uses",
			    cJSON_GetObjectItemCaseSensitive(uses, "total"));
	}
	if (f != NULL) {
		page_form(p, forms[k], 2, f, 1);
		page_set(p, "Failed", "1");
	}
	page_render(p, f != NULL ? 400 : 200, tmpls[s]);
}

static void
page_get(struct req *r)
{
	page_screen(r, NULL);
}

/*
 * Every form post: create (on the list), edit or delete.  Success goes
 * back to the list with a flash; an invalid field or a taken name shows
 * the form again; anything else (unknown id, database) is an error page.
 */
static void
page_post(struct req *r)
{
	enum cat_kind	 k = kind_of(r);
	enum screen	 s = screen_of(r);
	struct field	 f[2];
	struct cat_fields cf = { .set_second = 1 };
	enum cat_result	 rc;
	cJSON		*out;

	if (s == S_DELETE)
		rc = cat_delete(r, k, r->params[0]);
	else if (req_fields(r, forms[k], 2, f) > 0) {
		page_screen(r, f);
		return;
	} else {
		cf.name = f[0].str;
		cf.second = field_value(&f[1]);	/* "" clears it */
		rc = s == S_LIST ? cat_create(r, k, &cf, &out) :
		    cat_update(r, k, r->params[0], &cf, &out);
	}
	if (rc == CAT_DUP && s != S_DELETE) {
		f[0].err = cat_message(k, rc);
		page_screen(r, f);
	} else if (rc != CAT_OK)
		page_error(r, cat_status(rc), cat_message(k, rc));
	else {
		resp_flash(r, arena_printf(&r->arena, "%s_%s", cat_kind_name(k),
		    s == S_LIST ? "created" : s == S_EDIT ? "updated" :
		    "deleted"));
		resp_redirect(r, k == CAT_CATEGORY ? "/admin/categories" :
		    "/admin/priorities");
	}
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
	{ "GET", "/admin/categories", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/categories", PERM_ADMIN, page_post, 0 },
	{ "GET", "/admin/categories/:id/edit", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/categories/:id", PERM_ADMIN, page_post, 0 },
	{ "GET", "/admin/categories/:id/delete", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/categories/:id/delete", PERM_ADMIN, page_post, 0 },
	{ "GET", "/admin/priorities", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/priorities", PERM_ADMIN, page_post, 0 },
	{ "GET", "/admin/priorities/:id/edit", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/priorities/:id", PERM_ADMIN, page_post, 0 },
	{ "GET", "/admin/priorities/:id/delete", PERM_ADMIN, page_get, 0 },
	{ "POST", "/admin/priorities/:id/delete", PERM_ADMIN, page_post, 0 },
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
