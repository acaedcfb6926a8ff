/*
 * SSTS - the desk route group: the ticket pages (the list, one
 * ticket with the forms its viewer may use now) and their form posts.
 * Ticket rules live in lib/tickets.c, display details in the templates.
 */
#include <string.h>

#include "ssts.h"
#include "tickets.h"

enum key { K_TITLE, K_DESC, K_CATEGORY, K_PRIORITY, K_Q, K_FSTATUS,
	K_ASSIGNED, K_SORT, K_ORDER, K_PAGE, K_AFTER, K_MESSAGE, K_INTERNAL,
	K_STATUS,
	K_AGENT, K_NOTE, K__MAX };

/*
 * Each form is one slice: the ticket's fields K_TITLE..K_PRIORITY, the
 * list's filters K_CATEGORY..K_AFTER, the reply, the status, the assignment.
 */
static const struct field_spec fields[K__MAX] = {
	/* K_TITLE */	 { "title", VALID_LINE, 1, 255, 0, 0, 1 },
	/* K_DESC */	 { "description", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* K_CATEGORY */ { "category_id", VALID_INT, 0, 0, 1, 32767, 0 },
	/* K_PRIORITY */ { "priority_id", VALID_INT, 0, 0, 1, 32767, 0 },
	/* K_Q */	 { "q", VALID_LINE, 0, 200, 0, 0, 0 },
	/* K_FSTATUS */	 { "status", VALID_LINE, 0, 32, 0, 0, 0 },
	/* K_ASSIGNED */ { "assigned_to", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_SORT */	 { "sort", VALID_LINE, 0, 16, 0, 0, 0 },
	/* K_ORDER */	 { "order", VALID_LINE, 0, 4, 0, 0, 0 },
	/* K_PAGE */	 { "page", VALID_INT, 0, 0, 1, 1000000, 0 },
	/* K_AFTER */	 { "after", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_MESSAGE */	 { "message", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* K_INTERNAL */ { "is_internal", VALID_BOOL, 0, 0, 0, 0, 0 },
	/* K_STATUS */	 { "status", VALID_LINE, 1, 32, 0, 0, 1 },
	/* K_AGENT */	 { "agent_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_NOTE */	 { "note", VALID_TEXT, 0, 1000, 0, 0, 0 },
};

#define HISTORY_MAX	100	/* audit rows on the ticket page */

/* The flash after a refused change (lib/page.c); none = an error page. */
static const char *const refused[TK__MAX] = {
	[TK_INVALID] =		"ticket_invalid",
	[TK_BADSTATUS] =	"status_invalid",
	[TK_TRANSITION] =	"transition_refused",
	[TK_NOEDIT] =		"edit_refused",
	[TK_CLOSED] =		"ticket_closed",
	[TK_BADAGENT] =		"bad_assignee",
};

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON	*c = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(c) ? c->valuestring : "";
}

/* Select options for the ticket fields (and the list's assignee filter). */
static void
choices(struct req *r, struct page *p, int agents)
{
	page_set_json(p, "Categories", tk_categories(r));
	page_set_json(p, "Priorities", tk_priorities(r));
	if (agents && r->user.role == ROLE_ADMIN)
		page_set_json(p, "Agents", tk_agents(r));
}

/* After a change: back to the ticket with a flash, or an error page. */
static void
done(struct req *r, enum tk_result rc, const char *flash)
{
	if (rc != TK_OK && (rc >= TK__MAX || (flash = refused[rc]) == NULL))
		page_error(r, tk_result_status(rc), tk_result_message(rc));
	else {
		resp_flash(r, flash);
		resp_redirect(r, arena_printf(&r->arena, "/tickets/%lld",
		    (long long)r->params[0]));
	}
}

/* Checks what field specs cannot; returns 0 if any field is invalid. */
static int
list_filter(struct field *f, size_t bad, struct tk_filter *t)
{
	const char	*s = field_value(&f[K_SORT]), *o = field_value(&f[K_ORDER]);
	size_t		 i;

	*t = (struct tk_filter){ .q = field_value(&f[K_Q]), .limit = 20,
	    .status = field_value(&f[K_FSTATUS]), .priority_id = field_value(&f[K_PRIORITY]),
	    .category_id = field_value(&f[K_CATEGORY]),
	    .assigned_to = field_value(&f[K_ASSIGNED]) };
	if (t->status != NULL && !tk_status_valid(t->status))
		f[K_FSTATUS].err = "is not a known status", bad++;
	for (i = 0; s != NULL && i < TK_SORT__MAX; i++)
		if (strcmp(s, tk_sort_names[i]) == 0)
			t->sort = (enum tk_sort)i, s = NULL;
	if (s != NULL)
		f[K_SORT].err = "is not a known order", bad++;
	if (o != NULL && strcmp(o, "asc") != 0 && strcmp(o, "desc") != 0)
		f[K_ORDER].err = "must be ascending or descending", bad++;
	t->asc = o != NULL && strcmp(o, "asc") == 0;
	t->page = field_value(&f[K_PAGE]) != NULL ? f[K_PAGE].num : 1;
	/* The Next link's keyset: the page starts after that ticket, and
	 * page only numbers it (the API takes one or the other). */
	t->after = field_value(&f[K_AFTER]);
	if (t->after != NULL && f[K_AFTER].err == NULL &&
	    t->sort > TK_SORT_UPDATED)
		f[K_AFTER].err = "works with the created or updated order", bad++;
	return bad == 0;
}

/* The list; bad filters re-render it (400) with those fields marked. */
static void
h_list(struct req *r)
{
	struct field	 f[K__MAX];
	struct tk_filter t;
	struct page	*p;
	cJSON		*list = NULL;
	enum tk_result	 rc;
	int		 ok;

	ok = list_filter(f, req_fields(r, fields + K_CATEGORY, K_MESSAGE -
	    K_CATEGORY, f + K_CATEGORY), &t);
	if (ok && (rc = tk_list(r, &t, &list)) != TK_OK) {
		page_error(r, tk_result_status(rc), tk_result_message(rc));
		return;
	}
	p = page_new(r, "Tickets");
	choices(r, p, 1);
	page_form(p, fields + K_CATEGORY, K_MESSAGE - K_CATEGORY,
	    f + K_CATEGORY, 1);
	page_set_json(p, "List", list);
	page_set(p, "Error.message", ok ? NULL : "Some filters are not valid. "
	    "Please correct the fields marked below.");
	page_render(p, ok ? 200 : 400, "tickets.cs");
}

/*
 * The ticket and what the caller may do now (Can.*, Next.N).  A form post
 * (n fields from "first") is validated first: 1 = go on, else rendered.
 */
static int
ticket_page(struct req *r, enum key first, size_t n, struct field *f,
    const char *form)
{
	struct page	*p;
	cJSON		*t, *h;
	enum tk_result	 rc;
	int		 open;

	if (f != NULL && req_fields(r, fields + first, n, f + first) == 0)
		return 1;
	if ((rc = tk_get(r, r->params[0], &t)) != TK_OK) {
		page_error(r, tk_result_status(rc), tk_result_message(rc));
		return 0;
	}
	p = page_new(r, jstr(t, "title"));
	page_set_json(p, "Ticket", t);
	if (tk_history(r, r->params[0], HISTORY_MAX, &h) == TK_OK)
		page_set_json(p, "History", h);
	open = strcmp(jstr(t, "status"), "Closed") != 0;
	page_set(p, "Can.reply", open ? "1" : NULL);
	page_set(p, "Can.internal", r->user.role >= ROLE_AGENT ? "1" : NULL);
	page_set_json(p, "Next", tk_next_statuses(r, t));
	if (tk_may_edit(r, t)) {
		page_set(p, "Can.edit", "1");
		choices(r, p, 0);
	}
	if (open && r->user.role == ROLE_ADMIN) {
		page_set(p, "Can.assign", "1");
		page_set_json(p, "Agents", tk_agents(r));
	}
	if (f != NULL)
		page_form(p, fields + first, n, f + first, 1);
	page_set(p, "Failed", form);
	page_render(p, f != NULL ? 400 : 200, "ticket.cs");
	return 0;
}

static void
h_show(struct req *r)
{
	ticket_page(r, K_TITLE, 0, NULL, NULL);
}

static void
h_comment(struct req *r)
{
	struct field	 f[K__MAX];
	cJSON		*out;
	int		 note;

	if (!ticket_page(r, K_MESSAGE, 2, f, "reply"))
		return;
	note = f[K_INTERNAL].num == 1 && r->user.role >= ROLE_AGENT;
	done(r, tk_comment(r, r->params[0], f[K_MESSAGE].str, note, &out),
	    note ? "note_added" : "comment_added");
}

/* The status buttons and the edit form: both are one tk_update(). */
static void
h_update(struct req *r)
{
	struct field	 f[K__MAX];
	struct tk_patch	 pt = { .status = NULL };
	const char	*bad;
	cJSON		*out;
	int		 edit = strstr(r->route->pattern, "/edit") != NULL;

	if (!ticket_page(r, edit ? K_TITLE : K_STATUS, edit ? K_Q : 1,
	    f, edit ? "edit" : "status"))
		return;
	if (edit) {
		pt.title = f[K_TITLE].str;
		pt.description = f[K_DESC].str;
		pt.set_category = pt.set_priority = 1;	/* "" clears */
		pt.category_id = field_value(&f[K_CATEGORY]);
		pt.priority_id = field_value(&f[K_PRIORITY]);
	} else
		pt.status = f[K_STATUS].str;
	done(r, tk_update(r, r->params[0], &pt, &out, &bad), edit ?
	    "ticket_updated" : "status_changed");
}

static void
h_assign(struct req *r)
{
	struct field	 f[K__MAX];
	cJSON		*out;
	int		 made = 0;
	enum tk_result	 rc;

	if (!ticket_page(r, K_AGENT, 2, f, "assign"))
		return;
	rc = tk_assign(r, r->params[0], field_value(&f[K_AGENT]), field_value(&f[K_NOTE]), &out,
	    &made);
	done(r, rc, made ? "ticket_assigned" : "ticket_unassigned");
}

/* /tickets/new (a form that may carry a file) is the attachments group's. */
static const struct route routes[] = {
	{ "GET", "/tickets", PERM_USER, h_list, 0 },
	{ "GET", "/tickets/:id", PERM_USER, h_show, 0 },
	{ "POST", "/tickets/:id/comments", PERM_USER, h_comment, 0 },
	{ "POST", "/tickets/:id/status", PERM_USER, h_update, 0 },
	{ "POST", "/tickets/:id/edit", PERM_USER, h_update, 0 },
	{ "POST", "/tickets/:id/assign", PERM_ADMIN, h_assign, 0 },
};

int
main(void)
{
	struct req	 r;

	if (!core_init("desk"))
		return 1;
	while (req_accept(&r)) {
		if (req_gate(&r, routes, sizeof(routes) / sizeof(routes[0])))
			r.route->handler(&r);
		req_finish(&r);
	}
	core_fini();
	return 0;
}
