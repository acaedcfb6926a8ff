/*
 * SSTS - categories and priorities.  Both are a name plus one more field
 * (a description, a rank); one table of statements serves the two.
 * Ids are SMALLINTs: anything outside 1..32767 is simply not found.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "catalog.h"

static const struct {
	const char	*name;		/* entity_type in the audit log */
	const char	*title;		/* for messages */
	const char	*second;	/* the second field's key */
	enum stmt	 list, get, insert, update, delete;
} kinds[CAT_KIND__MAX] = {
	{ "category", "Category", "description", STMT_CATEGORY_LIST,
	  STMT_CATEGORY_GET, STMT_CATEGORY_INSERT, STMT_CATEGORY_UPDATE,
	  STMT_CATEGORY_DELETE },
	{ "priority", "Priority", "rank", STMT_PRIORITY_LIST,
	  STMT_PRIORITY_GET, STMT_PRIORITY_INSERT, STMT_PRIORITY_UPDATE,
	  STMT_PRIORITY_DELETE },
};

const char *
cat_kind_name(enum cat_kind k)
{
	return kinds[k].name;
}

const char *
cat_message(enum cat_kind k, enum cat_result rc)
{
	switch (rc) {
	case CAT_NOTFOUND:
		return k == CAT_CATEGORY ? "Category not found" :
		    "Priority not found";
	case CAT_DUP:
		return k == CAT_CATEGORY ? "A category with this name "
		    "already exists" : "A priority with this name already "
		    "exists";
	case CAT_DB:
		return "Service temporarily unavailable";
	default:
		return "OK";
	}
}

int
cat_status(enum cat_result rc)
{
	static const int	 status[CAT_RESULT__MAX] = { 200, 404, 400, 503 };

	return rc < CAT_RESULT__MAX ? status[rc] : 500;
}

static cJSON *
own_json(struct req *r, const char *text)
{
	return text ? req_own(r, cJSON_Parse(text)) : NULL;
}

cJSON *
cat_list(struct req *r, enum cat_kind k)
{
	struct rows	 rs;

	if (db_run(r, kinds[k].list, NULL, &rs) != CORE_OK || rs.n != 1)
		return NULL;
	return own_json(r, ROW(&rs, 0, 0));
}

/* The id as statement text, or NULL if it cannot be a SMALLINT id. */
static const char *
small_id(struct req *r, int64_t id)
{
	return id >= 1 && id <= 32767 ?
	    arena_printf(&r->arena, "%lld", (long long)id) : NULL;
}

enum cat_result
cat_get(struct req *r, enum cat_kind k, int64_t id, cJSON **out)
{
	const char	*p[1] = { small_id(r, id) };
	struct rows	 rs;

	if (p[0] == NULL)
		return CAT_NOTFOUND;
	if (db_run(r, kinds[k].get, p, &rs) != CORE_OK)
		return CAT_DB;
	if (rs.n != 1)
		return CAT_NOTFOUND;
	return (*out = own_json(r, ROW(&rs, 0, 0))) ? CAT_OK : CAT_DB;
}

static enum cat_result
cat_db(enum core_err rc)
{
	return rc == CORE_OK ? CAT_OK : rc == CORE_ECONFLICT ? CAT_DUP : CAT_DB;
}

/* The audit row of a change, then the commit; or the rollback. */
static enum cat_result
cat_finish(struct req *r, enum cat_kind k, enum cat_result rc, int64_t id,
    const char *action, cJSON *payload)
{
	if (rc == CAT_OK && audit_log(r, kinds[k].name, id, action,
	    r->user.id, payload) != CORE_OK)
		rc = CAT_DB;
	if (rc == CAT_OK && db_commit(r) != CORE_OK)
		rc = CAT_DB;
	if (rc != CAT_OK)
		db_rollback(r);
	return rc;
}

static int64_t
json_id(const cJSON *o)
{
	const cJSON	*id = cJSON_GetObjectItemCaseSensitive(o, "id");

	return cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
}

enum cat_result
cat_create(struct req *r, enum cat_kind k, const struct cat_fields *f,
    cJSON **out)
{
	const char	*p[2] = { f->name, f->second };
	struct rows	 rs;
	enum cat_result	 rc;
	cJSON		*a = NULL;

	if (db_begin(r) != CORE_OK)
		return CAT_DB;
	if ((rc = cat_db(db_run(r, kinds[k].insert, p, &rs))) == CAT_OK &&
	    (rs.n != 1 || (*out = own_json(r, ROW(&rs, 0, 0))) == NULL))
		rc = CAT_DB;
	if (rc == CAT_OK)
		a = req_own(r, cJSON_Duplicate(*out, 1));
	return cat_finish(r, k, rc, rc == CAT_OK ? json_id(*out) : 0,
	    "created", a);
}

enum cat_result
cat_update(struct req *r, enum cat_kind k, int64_t id,
    const struct cat_fields *f, cJSON **out)
{
	const char	*p[4] = { small_id(r, id), f->name,
	    f->set_second ? "true" : "false", f->second };
	struct rows	 rs;
	enum cat_result	 rc;
	cJSON		*a;

	if (p[0] == NULL)
		return CAT_NOTFOUND;
	if (db_begin(r) != CORE_OK)
		return CAT_DB;
	if ((rc = cat_db(db_run(r, kinds[k].update, p, &rs))) == CAT_OK &&
	    rs.n != 1)
		rc = CAT_NOTFOUND;
	if (rc == CAT_OK && (*out = own_json(r, ROW(&rs, 0, 0))) == NULL)
		rc = CAT_DB;
	if (rc != CAT_OK)
		return cat_finish(r, k, rc, 0, NULL, NULL);
	a = audit_changes(r, own_json(r, ROW(&rs, 0, 1)), *out);
	/* Nothing changed: nothing to record. */
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "changes")) == 0) {
		db_rollback(r);
		return CAT_OK;
	}
	return cat_finish(r, k, rc, id, "updated", a);
}

enum cat_result
cat_delete(struct req *r, enum cat_kind k, int64_t id)
{
	const char	*p[1] = { small_id(r, id) };
	struct rows	 rs;
	enum cat_result	 rc;
	cJSON		*a = NULL;

	if (p[0] == NULL)
		return CAT_NOTFOUND;
	if (db_begin(r) != CORE_OK)
		return CAT_DB;
	if ((rc = cat_db(db_run(r, kinds[k].delete, p, &rs))) == CAT_OK &&
	    rs.n != 1)
		rc = CAT_NOTFOUND;
	if (rc == CAT_OK) {
		a = req_own(r, cJSON_CreateObject());
		cJSON_AddItemToObject(a, "before",
		    cJSON_Parse(ROW(&rs, 0, 0)));
	}
	return cat_finish(r, k, rc, id, "deleted", a);
}
