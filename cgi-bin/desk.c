/*
 * SSTS - the desk route group: the ticket pages.  The list (search,
 * filters, sorting, pages), the new-ticket form, and one ticket with its
 * conversation and only the forms the caller's role allows now (reply,
 * internal note, status buttons, edit, assign), plus those forms' posts.
 * Ticket rules live in lib/tickets.c: this file validates form fields,
 * calls the model, and prepares what the templates show.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "tickets.h"

#define LIST_LIMIT	20	/* tickets per list page */

enum key { K_TITLE, K_DESC, K_CATEGORY, K_PRIORITY, K_MESSAGE, K_INTERNAL,
	K_STATUS, K_AGENT, K_NOTE, K__MAX };

/* Each form's fields are a slice of this table (ticket: K_TITLE..K_PRIORITY). */
static const struct field_spec fields[K__MAX] = {
	/* K_TITLE */	 { "title", VALID_LINE, 1, 255, 0, 0, 1 },
	/* K_DESC */	 { "description", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* K_CATEGORY */ { "category_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_PRIORITY */ { "priority_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_MESSAGE */	 { "message", VALID_TEXT, 1, 20000, 0, 0, 1 },
	/* K_INTERNAL */ { "is_internal", VALID_BOOL, 0, 0, 0, 0, 0 },
	/* K_STATUS */	 { "status", VALID_LINE, 1, 32, 0, 0, 1 },
	/* K_AGENT */	 { "agent_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* K_NOTE */	 { "note", VALID_TEXT, 0, 1000, 0, 0, 0 },
};

enum lkey { L_Q, L_STATUS, L_PRIORITY, L_CATEGORY, L_ASSIGNED, L_SORT,
	L_ORDER, L_PAGE, L__MAX };

static const struct field_spec list_fields[L__MAX] = {
	/* L_Q */	 { "q", VALID_LINE, 0, 200, 0, 0, 0 },
	/* L_STATUS */	 { "status", VALID_LINE, 0, 32, 0, 0, 0 },
	/* L_PRIORITY */ { "priority_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* L_CATEGORY */ { "category_id", VALID_ID, 0, 0, 0, 0, 0 },
	/* L_ASSIGNED */ { "assigned_to", VALID_ID, 0, 0, 0, 0, 0 },
	/* L_SORT */	 { "sort", VALID_LINE, 0, 16, 0, 0, 0 },
	/* L_ORDER */	 { "order", VALID_LINE, 0, 4, 0, 0, 0 },
	/* L_PAGE */	 { "page", VALID_INT, 0, 0, 1, 1000000, 0 },
};

static const char *const sorts[TK_SORT__MAX] = {
	/* TK_SORT_CREATED */	"created",
	/* TK_SORT_UPDATED */	"updated",
	/* TK_SORT_PRIORITY */	"priority",
	/* TK_SORT_STATUS */	"status",
};

/* Flash shown after a refused change (lib/page.c); NULL = an error page. */
static const char *const refused[TK__MAX] = {
	/* TK_OK */		NULL,
	/* TK_NOTFOUND */	NULL,
	/* TK_INVALID */	"ticket_invalid",
	/* TK_BADSTATUS */	"status_invalid",
	/* TK_TRANSITION */	"transition_refused",
	/* TK_NOEDIT */		"edit_refused",
	/* TK_CLOSED */		"ticket_closed",
	/* TK_BADAGENT */	"bad_assignee",
	/* TK_DB */		NULL,
};

/* NULL for an absent or empty value: the model's "not given". */
static const char *
nz(const struct field *f)
{
	return f->valid && f->str != NULL && f->str[0] != '\0' ? f->str : NULL;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON	*c = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(c) ? c->valuestring : "";
}

/*
 * Adds what templates cannot compute: "<x>_at_text" (readable UTC time)
 * beside every "<x>_at", "status_css" beside "status", and "css" in
 * every priority object (a badge class by rank).  Appended keys are
 * visited by the loop too, but match none of the rules.
 */
static void
decorate(cJSON *j)
{
	cJSON		*c;
	char		 key[64], val[32];
	const char	*s;
	size_t		 n, i;
	double		 rank;

	cJSON_ArrayForEach(c, j) {
		s = c->string;
		n = s != NULL ? strlen(s) : 0;
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			decorate(c);
			if (n > 0 && strcmp(s, "priority") == 0 && cJSON_IsObject(c)) {
				rank = cJSON_GetNumberValue(
				    cJSON_GetObjectItemCaseSensitive(c, "rank"));
				cJSON_AddStringToObject(c, "css", rank <= 1 ?
				    "critical" : rank <= 2 ? "high" : rank <= 3 ?
				    "medium" : "low");
			}
		} else if (!cJSON_IsString(c) || n == 0)
			continue;
		else if (n > 3 && n < 50 && strcmp(s + n - 3, "_at") == 0 &&
		    strlen(c->valuestring) >= 16) {
			snprintf(key, sizeof(key), "%s_text", s);
			snprintf(val, sizeof(val), "%.10s %.5s UTC",
			    c->valuestring, c->valuestring + 11);
			cJSON_AddStringToObject(j, key, val);
		} else if (strcmp(s, "status") == 0) {
			for (i = 0; c->valuestring[i] != '\0' &&
			    i < sizeof(val) - 1; i++)
				val[i] = c->valuestring[i] == ' ' ? '-' :
				    (char)(c->valuestring[i] | 0x20);
			val[i] = '\0';
			cJSON_AddStringToObject(j, "status_css", val);
		}
	}
}

/* Select options for the ticket fields; agents only for admins. */
static void
choices(struct req *r, struct page *p, int agents)
{
	page_set_json(p, "Categories", tk_categories(r));
	page_set_json(p, "Priorities", tk_priorities(r));
	if (agents && r->user.role == ROLE_ADMIN)
		page_set_json(p, "Agents", tk_agents(r));
}

/* Model failure: 404/503 pages, else back to the ticket with a flash. */
static void
refuse(struct req *r, enum tk_result rc)
{
	if (rc == TK_NOTFOUND)
		page_error(r, 404, "This ticket does not exist, or it is not "
		    "one you can see.");
	else if (rc < TK__MAX && refused[rc] != NULL) {
		resp_flash(r, refused[rc]);
		resp_redirect(r, arena_printf(&r->arena, "/tickets/%lld",
		    (long long)r->params[0]));
	} else
		page_error(r, tk_result_status(rc), tk_result_message(rc));
}

static void
done(struct req *r, enum tk_result rc, const char *flash)
{
	if (rc != TK_OK) {
		refuse(r, rc);
		return;
	}
	resp_flash(r, flash);
	resp_redirect(r, arena_printf(&r->arena, "/tickets/%lld",
	    (long long)r->params[0]));
}

/* Checks what field specs cannot; marks the field and returns 0 if bad. */
static int
list_filter(struct field *f, struct tk_filter *t)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	t->q = nz(&f[L_Q]);
	t->status = nz(&f[L_STATUS]);
	t->priority_id = nz(&f[L_PRIORITY]);
	t->category_id = nz(&f[L_CATEGORY]);
	t->assigned_to = nz(&f[L_ASSIGNED]);
	if (t->status != NULL && !tk_status_valid(t->status))
		f[L_STATUS].err = "is not a known status";
	for (i = 0; nz(&f[L_SORT]) && i < TK_SORT__MAX; i++)
		if (strcmp(f[L_SORT].str, sorts[i]) == 0)
			break;
	if (i == TK_SORT__MAX)
		f[L_SORT].err = "is not a known sort order";
	t->sort = i < TK_SORT__MAX ? (enum tk_sort)i : TK_SORT_CREATED;
	if (nz(&f[L_ORDER]) && strcmp(f[L_ORDER].str, "asc") != 0 &&
	    strcmp(f[L_ORDER].str, "desc") != 0)
		f[L_ORDER].err = "must be ascending or descending";
	t->asc = nz(&f[L_ORDER]) && strcmp(f[L_ORDER].str, "asc") == 0;
	t->page = nz(&f[L_PAGE]) ? f[L_PAGE].num : 1;
	t->limit = LIST_LIMIT;
	for (i = 0; i < L__MAX; i++)
		if (f[i].err != NULL)
			return 0;
	return 1;
}

/* "Page N of M" with previous and next numbers. */
static void
pager(struct page *p, const cJSON *list)
{
	long long	 total, pg, pages;
	char		 s[24];

	total = (long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(list, "total"));
	pg = (long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(list, "page"));
	pages = total > 0 ? (total + LIST_LIMIT - 1) / LIST_LIMIT : 1;
	snprintf(s, sizeof(s), "%lld", pages);
	page_set(p, "Pager.pages", s);
	if (pg > 1) {
		snprintf(s, sizeof(s), "%lld", pg - 1 < pages ? pg - 1 : pages);
		page_set(p, "Pager.prev", s);
	}
	if (pg < pages) {
		snprintf(s, sizeof(s), "%lld", pg + 1);
		page_set(p, "Pager.next", s);
	}
}

static void
h_list(struct req *r)
{
	struct field	 f[L__MAX];
	struct tk_filter t;
	struct page	*p;
	cJSON		*list = NULL;
	enum tk_result	 rc = TK_OK;
	int		 ok;

	req_fields(r, list_fields, L__MAX, f);
	if ((ok = list_filter(f, &t)) && (rc = tk_list(r, &t, &list)) != TK_OK) {
		page_error(r, tk_result_status(rc), tk_result_message(rc));
		return;
	}
	p = page_new(r, "Tickets");
	choices(r, p, 1);
	page_form(p, list_fields, L__MAX, f, 1);
	if (t.q || t.status || t.priority_id || t.category_id || t.assigned_to)
		page_set(p, "Filtered", "1");
	if (ok) {
		decorate(list);
		page_set_json(p, "List", list);
		pager(p, list);
	} else
		page_set(p, "Error.message", "Some filters are not valid. "
		    "Please correct the fields marked below.");
	page_render(p, ok ? 200 : 400, "tickets.cs");
}

static void
new_page(struct req *r, int status, const struct field *f, const char *err)
{
	struct page	*p;

	p = page_new(r, "New ticket");
	choices(r, p, 0);
	if (f != NULL)
		page_form(p, fields, K_MESSAGE, f, 1);
	page_set(p, "Error.message", err);
	page_render(p, status, "ticket_new.cs");
}

static void
h_new_get(struct req *r)
{
	new_page(r, 200, NULL, NULL);
}

static void
h_new_post(struct req *r)
{
	struct field	 f[K__MAX];
	enum tk_result	 rc;
	cJSON		*t;

	if (req_fields(r, fields, K_MESSAGE, f) > 0) {
		new_page(r, 400, f, "Please correct the fields marked below.");
		return;
	}
	rc = tk_create(r, f[K_TITLE].str, f[K_DESC].str, nz(&f[K_CATEGORY]),
	    nz(&f[K_PRIORITY]), &t);
	if (rc == TK_INVALID)
		new_page(r, 400, f, "The category or priority you chose no "
		    "longer exists. Please choose another.");
	else if (rc != TK_OK)
		page_error(r, tk_result_status(rc), tk_result_message(rc));
	else {
		resp_flash(r, "ticket_created");
		resp_redirect(r, arena_printf(&r->arena, "/tickets/%s",
		    jstr(t, "id")));
	}
}

/* The button text for a move to "to"; the value sent is "to" itself. */
static const char *
next_label(const char *from, const char *to, const char **css)
{
	*css = "btn-secondary";
	if (strcmp(to, "In Progress") == 0)
		return strcmp(from, "Open") == 0 ? (*css = "btn", "Start work") :
		    "Back to In Progress";
	if (strcmp(to, "Resolved") == 0)
		return *css = "btn", "Mark resolved";
	return strcmp(to, "Closed") == 0 ? "Close ticket" : "Reopen";
}

/* What the caller may do now: Can.*, Next.N.*, and the forms' defaults. */
static void
ticket_forms(struct req *r, struct page *p, const cJSON *t)
{
	const char	*st = jstr(t, "status"), *label, *css;
	const cJSON	*next, *c, *a;
	char		 name[48], id[24];
	int		 i = 0, closed = strcmp(st, "Closed") == 0;

	page_set(p, "Can.reply", closed ? NULL : "1");
	page_set(p, "Can.internal", r->user.role >= ROLE_AGENT ? "1" : NULL);
	page_set(p, "Can.assign", !closed && r->user.role == ROLE_ADMIN ?
	    "1" : NULL);
	next = tk_next_statuses(r, t);
	cJSON_ArrayForEach(c, next) {
		label = next_label(st, cJSON_GetStringValue(c), &css);
		snprintf(name, sizeof(name), "Next.%d.status", i);
		page_set(p, name, cJSON_GetStringValue(c));
		snprintf(name, sizeof(name), "Next.%d.label", i);
		page_set(p, name, label);
		snprintf(name, sizeof(name), "Next.%d.css", i++);
		page_set(p, name, css);
	}
	if (tk_may_edit(r, t))
		page_set(p, "Can.edit", "1");
	choices(r, p, !closed);
	page_set(p, "Form.title", jstr(t, "title"));
	page_set(p, "Form.description", jstr(t, "description"));
	c = cJSON_GetObjectItemCaseSensitive(t, "category_id");
	snprintf(id, sizeof(id), "%.0f", cJSON_GetNumberValue(c));
	page_set(p, "Form.category_id", cJSON_IsNumber(c) ? id : NULL);
	c = cJSON_GetObjectItemCaseSensitive(t, "priority_id");
	snprintf(id, sizeof(id), "%.0f", cJSON_GetNumberValue(c));
	page_set(p, "Form.priority_id", cJSON_IsNumber(c) ? id : NULL);
	a = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t,
	    "ticket_assignments"), 0);
	page_set(p, "Form.agent_id", a != NULL ? jstr(a, "agent_id") : NULL);
}

/*
 * The ticket page.  After a failed form post, "form" names that form and
 * f (n fields of spec s) carries its values and errors (status 400).
 */
static void
ticket_page(struct req *r, int status, const char *form,
    const struct field_spec *s, size_t n, const struct field *f)
{
	struct page	*p;
	cJSON		*t;
	enum tk_result	 rc;

	if ((rc = tk_get(r, r->params[0], &t)) != TK_OK) {
		refuse(r, rc == TK_NOTFOUND ? rc : TK_DB);
		return;
	}
	p = page_new(r, jstr(t, "title"));
	decorate(t);
	page_set_json(p, "Ticket", t);
	ticket_forms(r, p, t);
	if (f != NULL) {
		page_form(p, s, n, f, 1);
		page_set(p, "Failed", form);
	}
	page_render(p, status, "ticket.cs");
}

static void
h_show(struct req *r)
{
	ticket_page(r, 200, NULL, NULL, 0, NULL);
}

static void
h_comment(struct req *r)
{
	struct field	 f[K__MAX];
	cJSON		*out;
	int		 note;

	if (req_fields(r, fields + K_MESSAGE, 2, f + K_MESSAGE) > 0) {
		ticket_page(r, 400, "reply", fields + K_MESSAGE, 2, f + K_MESSAGE);
		return;
	}
	note = f[K_INTERNAL].valid && f[K_INTERNAL].num == 1 &&
	    r->user.role >= ROLE_AGENT;
	done(r, tk_comment(r, r->params[0], f[K_MESSAGE].str, note, &out),
	    note ? "note_added" : "comment_added");
}

static void
h_status(struct req *r)
{
	struct field	 f[K__MAX];
	struct tk_patch	 pt;
	cJSON		*out;

	if (req_fields(r, fields + K_STATUS, 1, f + K_STATUS) > 0) {
		ticket_page(r, 400, "status", fields + K_STATUS, 1, f + K_STATUS);
		return;
	}
	memset(&pt, 0, sizeof(pt));
	pt.status = f[K_STATUS].str;
	done(r, tk_update(r, r->params[0], &pt, &out), "status_changed");
}

static void
h_edit(struct req *r)
{
	struct field	 f[K__MAX];
	struct tk_patch	 pt;
	cJSON		*out;

	if (req_fields(r, fields, K_MESSAGE, f) > 0) {
		ticket_page(r, 400, "edit", fields, K_MESSAGE, f);
		return;
	}
	memset(&pt, 0, sizeof(pt));
	pt.title = f[K_TITLE].str;
	pt.description = f[K_DESC].str;
	pt.set_category = pt.set_priority = 1;	/* "" clears, as in the API */
	pt.category_id = nz(&f[K_CATEGORY]);
	pt.priority_id = nz(&f[K_PRIORITY]);
	done(r, tk_update(r, r->params[0], &pt, &out), "ticket_updated");
}

static void
h_assign(struct req *r)
{
	struct field	 f[K__MAX];
	enum tk_result	 rc;
	cJSON		*out;
	int		 made = 0;

	if (req_fields(r, fields + K_AGENT, 2, f + K_AGENT) > 0) {
		ticket_page(r, 400, "assign", fields + K_AGENT, 2, f + K_AGENT);
		return;
	}
	rc = tk_assign(r, r->params[0], nz(&f[K_AGENT]), nz(&f[K_NOTE]), &out,
	    &made);
	done(r, rc, made ? "ticket_assigned" : "ticket_unassigned");
}

/* /tickets/new before /tickets/:id, which would take "new" for an id. */
static const struct route routes[] = {
	{ "GET", "/tickets", PERM_USER, h_list },
	{ "GET", "/tickets/new", PERM_USER, h_new_get },
	{ "POST", "/tickets/new", PERM_USER, h_new_post },
	{ "GET", "/tickets/:id", PERM_USER, h_show },
	{ "POST", "/tickets/:id/comments", PERM_USER, h_comment },
	{ "POST", "/tickets/:id/status", PERM_USER, h_status },
	{ "POST", "/tickets/:id/edit", PERM_USER, h_edit },
	{ "POST", "/tickets/:id/assign", PERM_ADMIN, h_assign },
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
