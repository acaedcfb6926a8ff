/*
 * SSTS - tickets and comments: visibility, the lifecycle (API.md §3.2),
 * edit rights, assignment and comments.  The JSON of tickets is built by
 * PostgreSQL (lib/db_stmts.c) in the API's shapes and parsed once here;
 * every write and its audit row are one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssts.h"
#include "idem.h"
#include "tickets.h"

#define TK_JSON_MAX	(4u * 1024 * 1024)	/* a list page's JSON text */

const char *const tk_statuses[] = { "Open", "In Progress", "Resolved",
    "Closed", NULL };

#define W_CREATOR	0x1	/* the caller created the ticket */
#define W_ASSIGNED	0x2	/* the caller is its assigned agent */
#define W_ADMIN		0x4	/* the caller is an admin */

struct transition {
	const char	*from;
	const char	*to;
	unsigned	 who;	/* W_* allowed to make it */
};

static const struct transition transitions[] = {
	{ "Open", "In Progress", W_ASSIGNED | W_ADMIN },
	{ "In Progress", "Resolved", W_ASSIGNED | W_ADMIN },
	{ "Resolved", "Closed", W_CREATOR | W_ADMIN },
	{ "Resolved", "In Progress", W_CREATOR | W_ASSIGNED | W_ADMIN },
	{ "Open", "Closed", W_CREATOR | W_ADMIN },
	{ "In Progress", "Open", W_ADMIN },
	{ "Closed", "Open", W_ADMIN },
};

static const struct {
	int		 status;
	const char	*message;
} results[TK__MAX] = {
	{ 200, "OK" },					/* TK_OK */
	{ 404, "Ticket not found" },			/* TK_NOTFOUND */
	{ 400, "Validation failed" },			/* TK_INVALID */
	{ 400, "Invalid status" },			/* TK_BADSTATUS */
	{ 409, "Invalid status transition" },		/* TK_TRANSITION */
	{ 409, "Ticket cannot be edited in its current status" }, /* TK_NOEDIT */
	{ 409, "Ticket is closed" },			/* TK_CLOSED */
	{ 400, "Assignee must be an active agent or admin" }, /* TK_BADAGENT */
	{ 503, "Service temporarily unavailable" },	/* TK_DB */
	{ 400, "Refused" },				/* TK_REFUSED */
	/* TK_REPLAY: the caller answers with idem_replayed() instead */
	{ 409, "This Idempotency-Key was used meanwhile" },
};

const char *const tk_sort_names[TK_SORT__MAX] = {
	"created", "updated", "priority", "status"
};

const char *
tk_result_message(enum tk_result rc)
{
	return rc < TK__MAX ? results[rc].message : "Error";
}

int
tk_result_status(enum tk_result rc)
{
	return rc < TK__MAX ? results[rc].status : 500;
}

int
tk_status_valid(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && tk_statuses[i] != NULL; i++)
		if (strcmp(s, tk_statuses[i]) == 0)
			return 1;
	return 0;
}

const struct field_spec tk_filter_fields[TK_F__MAX] = {
	/* TK_F_STATUS */	{ "status", VALID_LINE, 0, 32, 0, 0, 0 },
	/* TK_F_PRIO */		{ "priority_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* TK_F_CAT */		{ "category_id", VALID_INT, 0, 6, 1, 32767, 0 },
	/* TK_F_ASSIGNED */	{ "assigned_to", VALID_ID, 0, 20, 0, 0, 0 },
	/* TK_F_Q */		{ "q", VALID_LINE, 0, 200, 0, 0, 0 },
	/* TK_F_SORT */		{ "sort", VALID_LINE, 0, 16, 0, 0, 0 },
	/* TK_F_ORDER */	{ "order", VALID_LINE, 0, 8, 0, 0, 0 },
	/* TK_F_PAGE */		{ "page", VALID_INT, 0, 9, 1, 100000000, 0 },
	/* TK_F_LIMIT */	{ "limit", VALID_INT, 0, 4, 1, 100, 0 },
	/* TK_F_AFTER */	{ "after", VALID_ID, 0, 20, 0, 0, 0 },
};

/* The index of s in names, def if s is NULL, -1 if it is none of them. */
static int
tk_pick(const char *s, const char *const *names, int n, int def)
{
	int	 i;

	if (s == NULL)
		return def;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
tk_filter_read(struct req *r, struct field f[TK_F__MAX], struct tk_filter *t)
{
	static const char *const orders[] = { "desc", "asc" };
	const char	*status;
	size_t		 i;
	int		 sort, order;

	req_fields(r, tk_filter_fields, TK_F__MAX, f);
	sort = tk_pick(field_value(&f[TK_F_SORT]), tk_sort_names,
	    TK_SORT__MAX, 0);
	order = tk_pick(field_value(&f[TK_F_ORDER]), orders, 2, 0);
	status = field_value(&f[TK_F_STATUS]);
	if (sort < 0)
		f[TK_F_SORT].err = "must be created, updated, priority or status";
	if (order < 0)
		f[TK_F_ORDER].err = "must be asc or desc";
	if (status != NULL && !tk_status_valid(status))
		f[TK_F_STATUS].err =
		    "must be Open, In Progress, Resolved or Closed";
	if (field_value(&f[TK_F_AFTER]) != NULL && f[TK_F_AFTER].err == NULL) {
		if (sort > TK_SORT_UPDATED)
			f[TK_F_AFTER].err = "works with sort=created or updated";
		else if (field_value(&f[TK_F_PAGE]) != NULL)
			f[TK_F_AFTER].err = "takes the place of page: give one";
	}
	for (i = 0; i < TK_F__MAX; i++)
		if (f[i].err != NULL)
			return 0;
	memset(t, 0, sizeof(*t));
	t->status = status;
	t->priority_id = field_value(&f[TK_F_PRIO]);
	t->category_id = field_value(&f[TK_F_CAT]);
	t->assigned_to = field_value(&f[TK_F_ASSIGNED]);
	t->q = field_value(&f[TK_F_Q]);
	t->sort = (enum tk_sort)sort;
	t->asc = order == 1;
	t->page = field_value(&f[TK_F_PAGE]) ? f[TK_F_PAGE].num : 1;
	t->limit = field_value(&f[TK_F_LIMIT]) ? f[TK_F_LIMIT].num : 50;
	t->after = field_value(&f[TK_F_AFTER]);
	return 1;
}

static const char *
uid_text(const struct req *r, char buf[24])
{
	snprintf(buf, 24, "%lld", (long long)r->user.id);
	return buf;
}

/* Who the caller is to a ticket, from its creator and agent ids. */
static unsigned
tk_who(const struct req *r, const char *creator, const char *agent)
{
	char		 uid[24];
	unsigned	 w = 0;

	uid_text(r, uid);
	if (r->user.role == ROLE_ADMIN)
		w |= W_ADMIN;
	if (creator != NULL && strcmp(creator, uid) == 0)
		w |= W_CREATOR;
	if (agent != NULL && strcmp(agent, uid) == 0)
		w |= W_ASSIGNED;
	return w;
}

static int
may_move(unsigned who, const char *from, const char *to)
{
	size_t	 i;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(transitions[i].from, from) == 0 &&
		    strcmp(transitions[i].to, to) == 0)
			return (transitions[i].who & who) != 0;
	return 0;
}

/* Clients edit their ticket while Open; staff on it until Closed. */
static int
may_edit(unsigned who, const char *status)
{
	if (strcmp(status, "Closed") == 0)
		return 0;
	if (who & (W_ADMIN | W_ASSIGNED))
		return 1;
	return (who & W_CREATOR) && strcmp(status, "Open") == 0;
}

/* Parses JSON made by the database; the tree belongs to the request. */
static cJSON *
own_json(struct req *r, const char *text)
{
	return text ? req_own(r, cJSON_Parse(text)) : NULL;
}

static enum tk_result
tk_db(enum core_err rc)
{
	return rc == CORE_OK ? TK_OK : rc == CORE_EINVAL ? TK_INVALID : TK_DB;
}

/*
 * The list's total.  A search counts its matches up to TK_SEARCH_CAP + 1
 * (past that, "more than"); an admin's list filtered at most by status
 * and priority is counted by the counters of sql/008 (exact: they change
 * in the same transactions as the tickets); anything else by the query.
 */
static struct db_call
tk_count(struct req *r, const struct tk_filter *f, const char **p,
    const char **q, struct rows *cnt)
{
	q[0] = f->status;
	q[1] = f->priority_id;
	if (f->q != NULL)
		return (struct db_call){ STMT_TK_COUNT_SEARCH, p, cnt };
	if (r->user.role == ROLE_ADMIN && f->category_id == NULL &&
	    f->assigned_to == NULL)
		return (struct db_call){ STMT_TK_COUNT_ALL, q, cnt };
	return (struct db_call){ STMT_TK_COUNT, p, cnt };
}

/*
 * Appends the list items of list rows rs, comma-separated, with the
 * priorities and categories of refs (STMT_TK_REFS_JSON).
 */
static enum core_err
tk_items(const struct rows *rs, const struct rows *refs, struct buf *out)
{
	size_t		 i;

	if (rs->n > 0 && rs->ncol != TKI__MAX)
		return CORE_EDB;
	for (i = 0; i < rs->n; i++) {
		if (i > 0)
			buf_putc(out, ',');
		if (!tk_item_put(out, (const char *const *)&ROW(rs, i, 0),
		    refs))
			return out->err != CORE_OK ? out->err : CORE_EDB;
	}
	return CORE_OK;
}

/* The statement of the list's order; a page by OFFSET has its own
 * (lib/db_stmts.c: TICKET_LIST_SORTED). */
static enum stmt
tk_list_stmt(const struct tk_filter *f)
{
	int	 base = STMT_TK_LIST_CREATED_DESC;

	if (f->sort <= TK_SORT_UPDATED && f->after == NULL && f->page > 1)
		base = STMT_TK_LIST_DEEP_CREATED_DESC;
	return (enum stmt)(base + 2 * (int)f->sort + !!f->asc);
}

enum tk_result
tk_list_text(struct req *r, const struct tk_filter *f, struct buf *out,
    struct tk_page *pg)
{
	char		 uid[24], lim[24], off[24];
	const char	*p[10], *q[2];
	struct rows	 rows, cnt, refs;
	struct db_call	 c[3];
	long long	 total;

	p[0] = role_name(r->user.role);
	p[1] = uid_text(r, uid);
	p[2] = f->status;
	p[3] = f->priority_id;
	p[4] = f->category_id;
	p[5] = r->user.role == ROLE_ADMIN ? f->assigned_to : NULL;
	p[6] = f->q;
	snprintf(lim, sizeof(lim), "%lld", (long long)f->limit);
	/* after places the page itself; page then only numbers it */
	snprintf(off, sizeof(off), "%lld", f->after != NULL ? 0LL :
	    (long long)((f->page - 1) * f->limit));
	p[7] = lim;
	p[8] = off;
	p[9] = f->after;
	/* the page, its total and the priorities and categories: one trip */
	c[0] = (struct db_call){ tk_list_stmt(f), p, &rows };
	c[1] = tk_count(r, f, p, q, &cnt);
	c[2] = (struct db_call){ STMT_TK_REFS_JSON, NULL, &refs };
	if (db_batch(r, c, 3) != CORE_OK || cnt.n != 1)
		return TK_DB;
	buf_init(out, &r->arena, TK_JSON_MAX);
	buf_puts(out, "{\"tickets\":[");
	if (tk_items(&rows, &refs, out) != CORE_OK)
		return TK_DB;
	total = strtoll(ROW(&cnt, 0, 0), NULL, 10);
	pg->capped = f->q != NULL && total > TK_SEARCH_CAP;
	buf_printf(out, "],\"total\":%lld,\"page\":%lld,\"limit\":%lld}",
	    pg->capped ? (long long)TK_SEARCH_CAP : total,
	    (long long)f->page, (long long)f->limit);
	/* a full page in an order with a keyset names its last ticket: the
	 * next page is `after` it, as quick to read however deep it is */
	pg->next_after = f->sort <= TK_SORT_UPDATED &&
	    rows.n == (size_t)f->limit ? ROW(&rows, rows.n - 1, TKI_ID) : NULL;
	return out->err == CORE_OK ? TK_OK : TK_DB;
}

enum tk_result
tk_list(struct req *r, const struct tk_filter *f, cJSON **out)
{
	struct buf	 b;
	struct tk_page	 pg;
	enum tk_result	 rc;

	if ((rc = tk_list_text(r, f, &b, &pg)) != TK_OK)
		return rc;
	if ((*out = own_json(r, b.data)) == NULL)
		return TK_DB;
	if (pg.capped)
		cJSON_AddTrueToObject(*out, "totalCapped");
	if (pg.next_after != NULL)
		cJSON_AddStringToObject(*out, "nextAfter", pg.next_after);
	return TK_OK;
}

enum tk_result
tk_get_text(struct req *r, int64_t id, const char **out)
{
	char		 tid[24], uid[24];
	const char	*p[3];
	struct rows	 rs;

	/* read with the session check, if the route asked (ROUTE_PREFETCH) */
	if (r->prefetched != NULL &&
	    ROUTE_PREFETCHED(r->route) == STMT_TK_GET_SESSION &&
	    r->params[0] == id)
		rs = *r->prefetched;
	else {
		snprintf(tid, sizeof(tid), "%lld", (long long)id);
		p[0] = tid;
		p[1] = role_name(r->user.role);
		p[2] = uid_text(r, uid);
		if (db_run(r, STMT_TK_GET, p, &rs) != CORE_OK)
			return TK_DB;
	}
	if (rs.n != 1)
		return TK_NOTFOUND;
	*out = ROW(&rs, 0, 0);
	return *out ? TK_OK : TK_DB;
}

enum tk_result
tk_get(struct req *r, int64_t id, cJSON **out)
{
	const char	*text;
	enum tk_result	 rc;

	if ((rc = tk_get_text(r, id, &text)) != TK_OK)
		return rc;
	*out = own_json(r, text);
	return *out ? TK_OK : TK_DB;
}

/* The ticket's audit trail for the caller; limit 0 = all rows. */
enum tk_result
tk_history(struct req *r, int64_t id, int64_t limit, cJSON **out)
{
	char		 tid[24], uid[24], lim[24];
	const char	*p[4];
	struct rows	 rs;

	snprintf(tid, sizeof(tid), "%lld", (long long)id);
	snprintf(lim, sizeof(lim), "%lld", (long long)limit);
	p[0] = tid;
	p[1] = role_name(r->user.role);
	p[2] = uid_text(r, uid);
	p[3] = limit > 0 ? lim : NULL;
	if (db_run(r, STMT_TK_HISTORY, p, &rs) != CORE_OK)
		return TK_DB;
	if (rs.n != 1)
		return TK_NOTFOUND;
	*out = own_json(r, ROW(&rs, 0, 0));
	return *out ? TK_OK : TK_DB;
}

/* One list item by id, for the answers of create and update. */
static enum tk_result
tk_item(struct req *r, const char *tid, cJSON **out)
{
	const char	*p[1] = { tid };
	struct rows	 rs, refs;
	struct db_call	 c[2] = { { STMT_TK_ITEM, p, &rs },
			    { STMT_TK_REFS_JSON, NULL, &refs } };
	struct buf	 b;

	if (db_batch(r, c, 2) != CORE_OK || rs.n != 1)
		return TK_DB;
	buf_init(&b, &r->arena, TK_JSON_MAX);
	if (tk_items(&rs, &refs, &b) != CORE_OK || b.err != CORE_OK)
		return TK_DB;
	*out = own_json(r, b.data);
	return *out ? TK_OK : TK_DB;
}

/* Do the category and priority exist?  Sets *bad to the one that does not. */
static enum tk_result
tk_refs(struct req *r, const char *cat, const char *prio, const char **bad)
{
	const char	*p[2] = { cat, prio };
	struct rows	 rs;

	if (db_run(r, STMT_TK_REFS, p, &rs) != CORE_OK || rs.n != 1)
		return TK_DB;
	*bad = strcmp(ROW(&rs, 0, 0), "t") != 0 ? "category_id" :
	    strcmp(ROW(&rs, 0, 1), "t") != 0 ? "priority_id" : NULL;
	return *bad ? TK_INVALID : TK_OK;
}

/* Keeps a created object as the answer to the request's Idempotency-Key. */
static enum tk_result
tk_idem(struct req *r, enum tk_result rc, const cJSON *out)
{
	enum core_err	 e;

	if (rc != TK_OK || (e = idem_claim(r, 201, out)) == CORE_OK)
		return rc;
	return e == CORE_ECONFLICT ? TK_REPLAY : TK_DB;
}

static enum tk_result
tk_finish(struct req *r, enum tk_result rc)
{
	if (rc == TK_OK && db_commit(r) != CORE_OK)
		rc = TK_DB;
	if (rc != TK_OK)
		db_rollback(r);
	return rc;
}

enum tk_result
tk_create(struct req *r, const struct tk_new *t, cJSON **out,
    const char **bad)
{
	char		 uid[24];
	const char	*p[5] = { t->title, t->description, uid_text(r, uid),
	    t->category_id, t->priority_id };
	struct rows	 rs;
	cJSON		*a;
	enum tk_result	 rc;
	int64_t		 id = 0;

	if (db_begin(r) != CORE_OK)
		return TK_DB;
	rc = tk_refs(r, t->category_id, t->priority_id, bad);
	if (rc == TK_OK && (rc = tk_db(db_run(r, STMT_TK_INSERT, p, &rs))) ==
	    TK_OK && (rs.n != 1 || parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &id)))
		rc = TK_DB;
	if (rc == TK_OK) {
		a = req_own(r, cJSON_CreateObject());
		cJSON_AddStringToObject(a, "title", t->title);
		cJSON_AddStringToObject(a, "status", "Open");
		tk_json_int(a, "priority_id", t->priority_id);
		tk_json_int(a, "category_id", t->category_id);
		if (audit_log(r, "ticket", id, "created", r->user.id, a) != CORE_OK)
			rc = TK_DB;
	}
	if (rc == TK_OK && t->also != NULL && t->also(r, id, t->ctx) != 0)
		rc = TK_REFUSED;
	if (rc == TK_OK)
		rc = tk_item(r, ROW(&rs, 0, 0), out);
	return tk_finish(r, tk_idem(r, rc, *out));
}

/* The locked row of a ticket the caller may see. */
struct tk_row {
	const char	*status;
	const char	*creator;
	const char	*title;
	const char	*desc;
	const char	*cat;
	const char	*prio;
	const char	*agent;
};

static enum tk_result
tk_lock(struct req *r, const char *tid, struct tk_row *t)
{
	char		 uid[24];
	const char	*p[3];
	struct rows	 rs;

	p[0] = tid;
	p[1] = role_name(r->user.role);
	p[2] = uid_text(r, uid);
	if (db_run(r, STMT_TK_LOCK, p, &rs) != CORE_OK)
		return TK_DB;
	if (rs.n != 1)
		return TK_NOTFOUND;
	t->status = ROW(&rs, 0, 0);
	t->creator = ROW(&rs, 0, 1);
	t->title = ROW(&rs, 0, 2);
	t->desc = ROW(&rs, 0, 3);
	t->cat = ROW(&rs, 0, 4);
	t->prio = ROW(&rs, 0, 5);
	t->agent = ROW(&rs, 0, 6);
	return TK_OK;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Records field: {from, to} in "changes"; returns 1 if it changed. */
static int
change(cJSON *changes, const char *field, const char *from, const char *to,
    int numeric)
{
	cJSON	*c;

	if (same(from, to))
		return 0;
	c = cJSON_AddObjectToObject(changes, field);
	if (numeric) {
		tk_json_int(c, "from", from);
		tk_json_int(c, "to", to);
	} else {
		cJSON_AddStringToObject(c, "from", from ? from : "");
		cJSON_AddStringToObject(c, "to", to ? to : "");
	}
	return 1;
}

/* Applies the patch to "t" in memory, checking the caller's rights. */
static enum tk_result
tk_apply(const struct req *r, struct tk_row *t, const struct tk_patch *pa,
    cJSON *changes)
{
	unsigned	 who = tk_who(r, t->creator, t->agent);
	struct tk_row	 n = *t;
	int		 edits = 0;

	if (pa->title != NULL && *pa->title != '\0')
		n.title = pa->title;
	if (pa->description != NULL && *pa->description != '\0')
		n.desc = pa->description;
	if (pa->set_category)
		n.cat = pa->category_id;
	if (pa->set_priority)
		n.prio = pa->priority_id;
	edits += change(changes, "title", t->title, n.title, 0);
	edits += change(changes, "description", t->desc, n.desc, 0);
	edits += change(changes, "category_id", t->cat, n.cat, 1);
	edits += change(changes, "priority_id", t->prio, n.prio, 1);
	if (edits > 0 && !may_edit(who, t->status))
		return TK_NOEDIT;
	if (pa->status != NULL && strcmp(pa->status, t->status) != 0) {
		if (!may_move(who, t->status, pa->status))
			return TK_TRANSITION;
		change(changes, "status", t->status, pa->status, 0);
		n.status = pa->status;
	}
	*t = n;
	return TK_OK;
}

static enum tk_result
tk_store(struct req *r, const char *tid, const struct tk_row *t,
    cJSON *changes)
{
	const char	*p[6] = { tid, t->title, t->desc, t->status, t->cat,
	    t->prio };
	char		 now[32];
	cJSON		*a;
	int64_t		 id;

	if (cJSON_GetArraySize(changes) == 0)
		return TK_OK;
	if (db_run(r, STMT_TK_UPDATE, p, NULL) != CORE_OK)
		return TK_DB;
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddItemReferenceToObject(a, "changes", changes);
	iso_now(now);
	cJSON_AddStringToObject(a, "timestamp", now);
	if (parse_int64(tid, 1, INT64_MAX, &id) != 0 ||
	    audit_log(r, "ticket", id, "updated", r->user.id, a) != CORE_OK)
		return TK_DB;
	return TK_OK;
}

enum tk_result
tk_update(struct req *r, int64_t id, const struct tk_patch *pa, cJSON **out,
    const char **bad)
{
	char		 tid[24];
	struct tk_row	 t;
	cJSON		*changes;
	enum tk_result	 rc;

	if (pa->status != NULL && !tk_status_valid(pa->status))
		return TK_BADSTATUS;
	snprintf(tid, sizeof(tid), "%lld", (long long)id);
	if (db_begin(r) != CORE_OK)
		return TK_DB;
	changes = req_own(r, cJSON_CreateObject());
	rc = tk_lock(r, tid, &t);
	if (rc == TK_OK && (pa->set_category || pa->set_priority))
		rc = tk_refs(r, pa->set_category ? pa->category_id : NULL,
		    pa->set_priority ? pa->priority_id : NULL, bad);
	if (rc == TK_OK)
		rc = tk_apply(r, &t, pa, changes);
	if (rc == TK_OK)
		rc = tk_store(r, tid, &t, changes);
	if (rc == TK_OK)
		rc = tk_item(r, tid, out);
	return tk_finish(r, rc);
}

static cJSON *
unassigned_json(struct req *r, const char *tid, const char *note)
{
	char	 uid[24];
	cJSON	*j;

	j = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(j, "ticket_id", tid);
	cJSON_AddNullToObject(j, "agent_id");
	cJSON_AddStringToObject(j, "assigned_by", uid_text(r, uid));
	if (note != NULL)
		cJSON_AddStringToObject(j, "note", note);
	else
		cJSON_AddNullToObject(j, "note");
	return j;
}

static enum tk_result
audit_assigned(struct req *r, int64_t id, const char *old, const char *new,
    const char *note)
{
	cJSON	*a;

	a = req_own(r, cJSON_CreateObject());
	if (old)
		cJSON_AddStringToObject(a, "old_agent_id", old);
	else
		cJSON_AddNullToObject(a, "old_agent_id");
	if (new)
		cJSON_AddStringToObject(a, "new_agent_id", new);
	else
		cJSON_AddNullToObject(a, "new_agent_id");
	if (note)
		cJSON_AddStringToObject(a, "note", note);
	else
		cJSON_AddNullToObject(a, "note");
	return audit_log(r, "ticket", id, "assigned", r->user.id, a) ==
	    CORE_OK ? TK_OK : TK_DB;
}

enum tk_result
tk_assign(struct req *r, int64_t id, const char *agent, const char *note,
    cJSON **out, int *created)
{
	char		 tid[24], uid[24];
	const char	*p[4];
	struct tk_row	 t;
	struct rows	 rs;
	enum tk_result	 rc;

	*created = 0;
	snprintf(tid, sizeof(tid), "%lld", (long long)id);
	if (db_begin(r) != CORE_OK)
		return TK_DB;
	rc = tk_lock(r, tid, &t);
	if (rc == TK_OK && strcmp(t.status, "Closed") == 0)
		rc = TK_CLOSED;
	p[0] = agent;
	if (rc == TK_OK && agent != NULL &&
	    (rc = tk_db(db_run(r, STMT_TK_ASSIGNABLE, p, &rs))) == TK_OK &&
	    rs.n != 1)
		rc = TK_BADAGENT;
	p[0] = tid;
	if (rc == TK_OK)
		rc = tk_db(db_run(r, STMT_TK_UNASSIGN, p, NULL));
	p[1] = agent;
	p[2] = uid_text(r, uid);
	p[3] = note;
	if (rc == TK_OK && agent != NULL) {
		if ((rc = tk_db(db_run(r, STMT_TK_ASSIGN, p, &rs))) == TK_OK &&
		    (rs.n != 1 || (*out = own_json(r, ROW(&rs, 0, 0))) == NULL))
			rc = TK_DB;
		*created = 1;
	} else if (rc == TK_OK)
		*out = unassigned_json(r, tid, note);
	if (rc == TK_OK)
		rc = audit_assigned(r, id, t.agent, agent, note);
	return tk_finish(r, rc);
}

/* The first 100 characters of a message, cut on a UTF-8 boundary. */
static const char *
preview(struct req *r, const char *s)
{
	size_t	 i, chars = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > 100)
			return arena_strndup(&r->arena, s, i);
	return s;
}

enum tk_result
tk_comment(struct req *r, int64_t id, const char *message, int internal,
    cJSON **out)
{
	char		 tid[24], uid[24];
	const char	*p[4];
	struct tk_row	 t;
	struct rows	 rs;
	cJSON		*a;
	enum tk_result	 rc;

	snprintf(tid, sizeof(tid), "%lld", (long long)id);
	if (r->user.role == ROLE_CLIENT)
		internal = 0;
	if (db_begin(r) != CORE_OK)
		return TK_DB;
	rc = tk_lock(r, tid, &t);
	if (rc == TK_OK && strcmp(t.status, "Closed") == 0)
		rc = TK_CLOSED;
	p[0] = tid;
	p[1] = uid_text(r, uid);
	p[2] = message;
	p[3] = internal ? "true" : "false";
	if (rc == TK_OK && (rc = tk_db(db_run(r, STMT_TK_COMMENT, p, &rs))) ==
	    TK_OK && (rs.n != 1 || (*out = own_json(r, ROW(&rs, 0, 0))) == NULL))
		rc = TK_DB;
	if (rc == TK_OK) {
		a = req_own(r, cJSON_CreateObject());
		cJSON_AddStringToObject(a, "comment_id", ROW(&rs, 0, 1));
		cJSON_AddBoolToObject(a, "is_internal", internal);
		cJSON_AddStringToObject(a, "message_preview", preview(r, message));
		if (audit_log(r, "ticket", id, "commented", r->user.id, a) !=
		    CORE_OK)
			rc = TK_DB;
	}
	return tk_finish(r, tk_idem(r, rc, *out));
}

/* Creator and agent ids of a detail object. */
static unsigned
tk_who_json(const struct req *r, const cJSON *t)
{
	const cJSON	*c, *as, *a;

	c = cJSON_GetObjectItemCaseSensitive(t, "created_by");
	as = cJSON_GetObjectItemCaseSensitive(t, "ticket_assignments");
	a = cJSON_GetArrayItem(as, 0);
	a = a ? cJSON_GetObjectItemCaseSensitive(a, "agent_id") : NULL;
	return tk_who(r, cJSON_GetStringValue(c), cJSON_GetStringValue(a));
}

static const char *
tk_status_of(const cJSON *t)
{
	const char	*s;

	s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "status"));
	return s ? s : "";
}

cJSON *
tk_next_statuses(const struct req *r, const cJSON *t)
{
	unsigned	 who = tk_who_json(r, t);
	const char	*from = tk_status_of(t);
	cJSON		*list;
	size_t		 i;

	list = cJSON_CreateArray();
	for (i = 0; tk_statuses[i] != NULL; i++)
		if (strcmp(tk_statuses[i], from) != 0 &&
		    may_move(who, from, tk_statuses[i]))
			cJSON_AddItemToArray(list,
			    cJSON_CreateString(tk_statuses[i]));
	return req_own((struct req *)r, list);
}

int
tk_may_edit(const struct req *r, const cJSON *t)
{
	return may_edit(tk_who_json(r, t), tk_status_of(t));
}

static cJSON *
tk_json_list(struct req *r, enum stmt s)
{
	struct rows	 rs;

	if (db_run(r, s, NULL, &rs) != CORE_OK || rs.n != 1)
		return NULL;
	return own_json(r, ROW(&rs, 0, 0));
}

cJSON *
tk_categories(struct req *r)
{
	return tk_json_list(r, STMT_CATEGORY_LIST);
}

cJSON *
tk_priorities(struct req *r)
{
	return tk_json_list(r, STMT_PRIORITY_LIST);
}

cJSON *
tk_agents(struct req *r)
{
	return tk_json_list(r, STMT_AGENT_LIST);
}
