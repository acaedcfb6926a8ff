/*
 * SSTS - tickets and comments (lib/tickets.c): the one place with ticket
 * rules (visibility, lifecycle, edit rights, assignment, comments), used
 * by the `tickets` API group and the `desk` pages.  The caller is
 * r->user.  Results are cJSON in the API's shapes (TICKETS contract);
 * each returned tree is owned by the request (req_own), never freed by
 * the caller.
 */
#ifndef SSTS_TICKETS_H
#define SSTS_TICKETS_H

enum tk_result {
	TK_OK = 0,
	TK_NOTFOUND,	/* no such ticket, or not visible to the caller: 404 */
	TK_INVALID,	/* a referenced category/priority/user does not exist: 400 */
	TK_BADSTATUS,	/* unknown status value: 400 */
	TK_TRANSITION,	/* status change not allowed for this role now: 409 */
	TK_NOEDIT,	/* fields may not be edited in this status: 409 */
	TK_CLOSED,	/* the ticket is closed: 409 */
	TK_BADAGENT,	/* assignee is not an active agent or admin: 400 */
	TK_DB,		/* database unavailable: 503 */
	TK_REFUSED,	/* a tk_new hook said no; the caller knows why */
	TK_REPLAY,	/* the Idempotency-Key committed meanwhile: nothing
			 * was written; idem_replayed() answers (lib/idem.h) */
	TK__MAX
};

enum tk_sort {
	TK_SORT_CREATED = 0,
	TK_SORT_UPDATED,
	TK_SORT_PRIORITY,
	TK_SORT_STATUS,
	TK_SORT__MAX
};

/* A search counts its matches up to this many (then "more than"); the
 * LIMIT of STMT_TK_COUNT_SEARCH is one more. */
#define TK_SEARCH_CAP	500

struct tk_filter {
	const char	*status;	/* NULL = any */
	const char	*priority_id;	/* decimal text or NULL */
	const char	*category_id;
	const char	*assigned_to;	/* admins only */
	const char	*q;		/* full-text query or NULL */
	enum tk_sort	 sort;
	int		 asc;		/* 1 = ascending */
	int64_t		 page;		/* >= 1 */
	int64_t		 limit;		/* 1..100 */
	const char	*after;		/* keyset: the previous page's last id */
};

struct tk_new {
	const char	*title;
	const char	*description;
	const char	*category_id;	/* decimal text or NULL */
	const char	*priority_id;
	/* Optional: run in the creating transaction with the new id (e.g.
	 * its first attachment); non-zero undoes everything (TK_REFUSED). */
	int		(*also)(struct req *, int64_t id, void *ctx);
	void		*ctx;
};

struct tk_patch {
	const char	*title;		/* NULL = unchanged */
	const char	*description;
	const char	*status;
	int		 set_category;	/* category_id given (NULL value clears) */
	const char	*category_id;
	int		 set_priority;
	const char	*priority_id;
};

/* The list's query parameters (API, exports), in tk_filter_fields order. */
enum tk_fkey { TK_F_STATUS, TK_F_PRIO, TK_F_CAT, TK_F_ASSIGNED, TK_F_Q,
    TK_F_SORT, TK_F_ORDER, TK_F_PAGE, TK_F_LIMIT, TK_F_AFTER, TK_F__MAX };

extern const struct field_spec tk_filter_fields[TK_F__MAX];
/*
 * Validates the list's parameters of the request into *t (page 1 and
 * limit 50 unless given).  Returns 1, or 0 with the invalid ones marked
 * in f (then: resp_validation(r, tk_filter_fields, TK_F__MAX, f)).
 */
int		 tk_filter_read(struct req *, struct field f[TK_F__MAX],
		    struct tk_filter *t);
/* The "sort" parameter's values, in enum tk_sort order. */
extern const char *const tk_sort_names[TK_SORT__MAX];
/* The status names, in lifecycle order; NULL-terminated. */
extern const char *const tk_statuses[];
int		 tk_status_valid(const char *);
const char	*tk_result_message(enum tk_result);
int		 tk_result_status(enum tk_result);	/* HTTP status */

/* The columns of a list row (TICKET_ITEM in lib/db_stmts.c), in order. */
enum tk_item_col {
	TKI_ID,			/* decimal text */
	TKI_TICKET,		/* the ticket's own object (sql/013) */
	TKI_CREATOR,		/* its creator's object */
	TKI_PRIORITY_ID,	/* decimal text or NULL */
	TKI_CATEGORY_ID,
	TKI_ASSIGNMENTS,	/* the array of its assignment with the agent */
	TKI__MAX
};
/* A small integer (decimal text) as a JSON number, or null (lib/tkitem.c). */
void		 tk_json_int(cJSON *, const char *key, const char *v);
/*
 * Appends the list item of one list row; refs are the rows of
 * STMT_TK_REFS_JSON (kind 'p' or 'c', id, object).  0 if malformed.
 */
int		 tk_item_put(struct buf *, const char *const *cells,
		    const struct rows *refs);

/* What a list page says besides its JSON (the API sends it as headers). */
struct tk_page {
	const char	*next_after;	/* the page's last id, if full and keyed */
	int		 capped;	/* a search's total stopped counting */
};

/*
 * {"tickets":[...],"total":N,"page":P,"limit":L} for the caller, as JSON
 * text (the API's answer) or as a tree with "nextAfter" and "totalCapped"
 * (the pages).
 */
enum tk_result	 tk_list_text(struct req *, const struct tk_filter *,
		    struct buf *out, struct tk_page *);
enum tk_result	 tk_list(struct req *, const struct tk_filter *, cJSON **out);
/* The detail object (comments, attachments, assignments), as text or tree. */
enum tk_result	 tk_get_text(struct req *, int64_t id, const char **out);
enum tk_result	 tk_get(struct req *, int64_t id, cJSON **out);
/* The ticket's audit rows, newest first (at most limit; 0 = all). */
enum tk_result	 tk_history(struct req *, int64_t id, int64_t limit,
		    cJSON **out);
/* On TK_INVALID, *bad names the field ("category_id" or "priority_id"). */
enum tk_result	 tk_create(struct req *, const struct tk_new *, cJSON **out,
		    const char **bad);
enum tk_result	 tk_update(struct req *, int64_t id, const struct tk_patch *,
		    cJSON **out, const char **bad);
/* agent_id NULL = unassign.  *created = 1 when an assignment was made. */
enum tk_result	 tk_assign(struct req *, int64_t id, const char *agent_id,
		    const char *note, cJSON **out, int *created);
enum tk_result	 tk_comment(struct req *, int64_t id, const char *message,
		    int internal, cJSON **out);
/*
 * For pages: the statuses the caller may move this ticket (a detail
 * object from tk_get) to now, and whether they may edit its fields.
 */
cJSON		*tk_next_statuses(const struct req *, const cJSON *ticket);
int		 tk_may_edit(const struct req *, const cJSON *ticket);
/* For forms: [{id,name}] categories, [{id,name,rank}] priorities, and
 * (admins) [{id,name,email}] active agents and admins. */
cJSON		*tk_categories(struct req *);
cJSON		*tk_priorities(struct req *);
cJSON		*tk_agents(struct req *);

#endif /* SSTS_TICKETS_H */
