/*
 * SSTS - every SQL statement the application runs, in one table.  No
 * SQL is ever built from strings: values travel as parameters.
 */
#include "ssts.h"

/* ISO-8601 UTC with milliseconds, as the original's JSON had it. */
#define ISO(x)	"to_char((" x ") AT TIME ZONE 'UTC', " \
		"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define USER_JSON(id) "(SELECT json_build_object('id', u_.id::text, " \
		"'name', u_.name, 'email', u_.email) FROM users u_ " \
		"WHERE u_.id = " id ")"
#define ASSIGNMENT_FIELDS \
	"'id', a.id::text, 'ticket_id', a.ticket_id::text, " \
	"'agent_id', a.agent_id::text, 'assigned_by', a.assigned_by::text, " \
	"'note', a.note, 'assigned_at', " ISO("a.assigned_at") ", " \
	"'agent', " USER_JSON("a.agent_id")
/* An object of sql/013 without its closing brace, to append fields to. */
#define OPEN(obj) "left(" obj ", -1)"
/* A JSON value or null. */
#define NULLABLE(v) "coalesce(" v ", 'null')"
/*
 * The detail object of ticket t for a caller of role "role" as JSON text,
 * joined from the rows' own objects (sql/013) by cutting each one's
 * closing brace.  Clients never see internal notes.
 */
#define TICKET_DETAIL(role) OPEN("t.api_json") " || ',\"creator\":' || " \
	NULLABLE("t.creator_json") " || ',\"priority\":' || " \
	NULLABLE("(SELECT p.api_json FROM priorities p" \
	" WHERE p.id = t.priority_id)") " || ',\"category\":' || " \
	NULLABLE("(SELECT c.api_json FROM categories c" \
	" WHERE c.id = t.category_id)") " || ',\"ticket_comments\":[' ||" \
	" coalesce((SELECT string_agg(" OPEN("m.api_json") " || ',\"user\":' || " \
	NULLABLE("mu.person_json") " || '}', ',' ORDER BY m.created_at, m.id)" \
	" FROM ticket_comments m LEFT JOIN users mu ON mu.id = m.user_id" \
	" WHERE m.ticket_id = t.id AND (" role " <> 'client' OR NOT" \
	" m.is_internal)), '') || '],\"attachments\":[' || coalesce((SELECT" \
	" string_agg(" OPEN("f.api_json") " || ',\"uploader\":' || " \
	NULLABLE("fu.person_json") " || '}', ',' ORDER BY f.id) FROM" \
	" attachments f LEFT JOIN users fu ON fu.id = f.uploaded_by" \
	" WHERE f.ticket_id = t.id), '') || '],\"ticket_assignments\":[' ||" \
	" coalesce((SELECT string_agg(" OPEN("a.api_json") " || ',\"agent\":' || " \
	NULLABLE("g.person_json") " || ',\"assigner\":' || " \
	NULLABLE("b.person_json") " || '}', ',' ORDER BY a.assigned_at DESC," \
	" a.id DESC) FROM ticket_assignments a LEFT JOIN users g" \
	" ON g.id = a.agent_id LEFT JOIN users b ON b.id = a.assigned_by" \
	" WHERE a.ticket_id = t.id), '') || ']}'"
/* May the caller ($2 role, $3 id) see ticket t? */
#define TICKET_VISIBLE(role, uid) \
	"(" role " = 'admin' OR t.created_by = " uid "::bigint OR (" role \
	" = 'agent' AND EXISTS (SELECT 1 FROM ticket_assignments v " \
	"WHERE v.ticket_id = t.id AND v.agent_id = " uid "::bigint)))"
/* The name of row "id" (JSON text, may be null or junk) of a small table. */
#define NAME_OF(table, id) "(SELECT n_.name FROM " table " n_ WHERE n_.id =" \
	" CASE WHEN (" id ") ~ '^[0-9]{1,18}$' THEN (" id ")::bigint END)"
/* A field's old or new value in an "updated" audit payload. */
#define CHANGE(field, end) "a.payload#>>'{changes," field "," end "}'"
/* The API's category and priority objects. */
#define CATEGORY_JSON(t) "json_build_object('id', " t ".id, 'name', " t \
	".name, 'description', " t ".description)"
#define PRIORITY_JSON(t) "json_build_object('id', " t ".id, 'name', " t \
	".name, 'rank', " t ".rank)"
/* Names for the ids an audit payload refers to, for the pages. */
#define AUDIT_LABELS "CASE a.action" \
	" WHEN 'assigned' THEN json_build_object(" \
	"'old_agent', " NAME_OF("users", "a.payload->>'old_agent_id'") ", " \
	"'new_agent', " NAME_OF("users", "a.payload->>'new_agent_id'") ")" \
	" WHEN 'updated' THEN json_build_object(" \
	"'category_from', " NAME_OF("categories", CHANGE("category_id", "from")) \
	", 'category_to', " NAME_OF("categories", CHANGE("category_id", "to")) \
	", 'priority_from', " NAME_OF("priorities", CHANGE("priority_id", "from")) \
	", 'priority_to', " NAME_OF("priorities", CHANGE("priority_id", "to")) \
	") END"
/* The admin's audit filters: $1 entity_type, $2 entity_id, $3 action,
 * $4 performed_by, $5 from, $6 to (inclusive). */
#define AUDIT_WHERE " WHERE ($1::text IS NULL OR a.entity_type = $1)" \
	" AND ($2::bigint IS NULL OR a.entity_id = $2::bigint)" \
	" AND ($3::text IS NULL OR a.action = $3)" \
	" AND ($4::bigint IS NULL OR a.performed_by = $4::bigint)" \
	" AND ($5::timestamptz IS NULL OR a.created_at >= $5::timestamptz)" \
	" AND ($6::timestamptz IS NULL OR a.created_at <= $6::timestamptz)"
/* An audit row for admins: the original's fields, where from, and names. */
#define AUDIT_ROW "json_build_object('id', a.id::text, 'entity_type'," \
	" a.entity_type, 'entity_id', a.entity_id::text, 'action', a.action," \
	" 'performed_by', a.performed_by::text, 'payload', a.payload," \
	" 'ip_address', a.ip_address, 'user_agent', a.user_agent," \
	" 'created_at', " ISO("a.created_at") ", 'performer'," \
	" (SELECT json_build_object('id', u.id::text, 'name', u.name," \
	" 'email', u.email, 'role', u.role) FROM users u" \
	" WHERE u.id = a.performed_by), 'entity_label', CASE a.entity_type" \
	" WHEN 'ticket' THEN (SELECT x.title FROM tickets x" \
	" WHERE x.id = a.entity_id) WHEN 'user' THEN (SELECT x.name" \
	" FROM users x WHERE x.id = a.entity_id) WHEN 'category' THEN" \
	" (SELECT x.name FROM categories x WHERE x.id = a.entity_id)" \
	" WHEN 'priority' THEN (SELECT x.name FROM priorities x" \
	" WHERE x.id = a.entity_id) END, 'labels', " AUDIT_LABELS ")"
/*
 * The list's visibility: admins see all; others by creator or assignment.
 * Planned with the values, a client's is t.created_by = $2 (an index in
 * the list's order); an agent's tickets are an array (= ANY) rather than
 * a sub-select, which under an OR would become a filter on every row.
 */
#define LIST_VISIBLE "($1 = 'admin' OR t.created_by = $2::bigint OR" \
	" ($1 = 'agent' AND t.id = ANY (ARRAY(SELECT v.ticket_id" \
	" FROM ticket_assignments v WHERE v.agent_id = $2::bigint))))"
/*
 * The list's filters: $1 role, $2 caller, $3 status, $4 priority_id,
 * $5 category_id, $6 assigned_to, $7 full-text query over the ticket's
 * search document (sql/009): clients' holds no internal note.  The plan
 * is made with the values, so the CASE folds to one indexed column.
 * IN (...) rather than OR EXISTS, so that the planner can use the
 * assignment index.
 */
#define TICKET_WHERE " WHERE " LIST_VISIBLE \
	" AND ($3::text IS NULL OR t.status = $3)" \
	" AND ($4::smallint IS NULL OR t.priority_id = $4::smallint)" \
	" AND ($5::smallint IS NULL OR t.category_id = $5::smallint)" \
	" AND ($6::bigint IS NULL OR t.id IN (SELECT f.ticket_id FROM" \
	" ticket_assignments f WHERE f.agent_id = $6::bigint))" \
	" AND ($7::text IS NULL OR CASE WHEN $1 = 'client' THEN" \
	" t.search_public ELSE t.search_all END" \
	" @@ websearch_to_tsquery('simple', $7))"
/*
 * The keyset of ticket $10 (`after`, the last row of the previous page)
 * in the order of column col, if the caller may see that ticket: a page
 * after it starts where the index does, however deep (no OFFSET).
 */
#define KEY_AFTER(col) "(SELECT k." col ", k.id FROM tickets k" \
	" WHERE k.id = $10::bigint AND ($1 = 'admin' OR k.created_by =" \
	" $2::bigint OR ($1 = 'agent' AND EXISTS (SELECT 1 FROM" \
	" ticket_assignments v WHERE v.ticket_id = k.id" \
	" AND v.agent_id = $2::bigint))))"
#define AFTER(col, op) "(t." col ", t.id) " op " " KEY_AFTER(col)
/*
 * A page of the list, planned with the values: each row's list item in
 * parts (TKI_* in lib/tickets.h; sql/013), which lib/tkitem.c joins with
 * the priority and category of STMT_TK_REFS_JSON.  after: the keyset
 * condition, "false" for orderings without one.
 */
#define TICKET_ITEM "t.id::text, t.api_json, t.creator_json," \
	" t.priority_id::text, t.category_id::text, t.assignment_json"
#define TICKET_LIST(name, order, after) { name, "SELECT " TICKET_ITEM \
	" FROM tickets t" TICKET_WHERE " AND ($10::bigint IS NULL OR " after ")" \
	" ORDER BY " order " LIMIT $8 OFFSET $9", 10 }
/*
 * The orderings no index has (priority rank, lifecycle) sort every match,
 * and a page by OFFSET passes every row before it: these choose the
 * page's ids from an index alone, then read those rows and put them in
 * the same order again.
 */
#define TICKET_LIST_SORTED(name, order, after) { name, "SELECT " TICKET_ITEM \
	" FROM tickets t JOIN (SELECT t.id FROM tickets t" TICKET_WHERE \
	" AND ($10::bigint IS NULL OR " after ") ORDER BY " order \
	" LIMIT $8 OFFSET $9) page ON page.id = t.id ORDER BY " order, 10 }
/* The failures of a throttled key after this attempt (a day resets). */
#define THROTTLE_N "(CASE WHEN t.updated_at < now() - interval '1 day'" \
	" THEN 1 ELSE t.failures + 1 END)"
/* A user as the users API shows one. */
#define USER_FULL(u) "json_build_object('id', " u ".id::text, 'name', " u \
	".name, 'email', " u ".email, 'role', " u ".role, 'is_active', " u \
	".is_active, 'mfa_enabled', " u ".mfa_enabled, 'created_at', " \
	ISO(u ".created_at") ", 'updated_at', " ISO(u ".updated_at") ")"
/* The fields an update may change, compared before and after. */
#define USER_EDITABLE(u) "json_build_object('name', " u ".name, 'email', " \
	u ".email, 'role', " u ".role, 'is_active', " u ".is_active)::text"
/* The users list's filters: $1 part of name or e-mail, $2 role, $3 active. */
#define USER_WHERE " WHERE ($1::text IS NULL OR strpos(lower(u.name)," \
	" lower($1)) > 0 OR strpos(u.email, lower($1)) > 0)" \
	" AND ($2::text IS NULL OR u.role = $2)" \
	" AND ($3::boolean IS NULL OR u.is_active = $3::boolean)"
#define PRIO_RANK "(SELECT p2.rank FROM priorities p2 WHERE p2.id = t.priority_id)"
#define STATUS_RANK "CASE t.status WHEN 'Open' THEN 0 WHEN 'In Progress' " \
	"THEN 1 WHEN 'Resolved' THEN 2 ELSE 3 END"

const struct stmt_def db_stmts[STMT__MAX] = {
	/* STMT_PING */
	{ "ping", "SELECT 1", 0 },
	/* STMT_USER_BY_EMAIL */
	{ "user_by_email",
	  "SELECT id, name, email, password_hash, role, is_active, mfa_enabled"
	  " FROM users WHERE email = $1", 1 },
	/* STMT_USER_INSERT */
	{ "user_insert",
	  "INSERT INTO users (name, email, password_hash, role)"
	  " VALUES ($1, $2, $3, $4) RETURNING id", 4 },
	/* STMT_ADMIN_FIRST */
	{ "admin_first",
	  "SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1", 0 },
	/* STMT_SESSION_NEXTID */
	{ "session_nextid",
	  "SELECT nextval(pg_get_serial_sequence('user_sessions', 'id'))", 0 },
	/* STMT_SESSION_INSERT */
	{ "session_insert",
	  "INSERT INTO user_sessions (id, user_id, token_hash, ip_address,"
	  " user_agent, expires_at, last_seen_at) OVERRIDING SYSTEM VALUE"
	  " VALUES ($1, $2, $3, $4, $5, to_timestamp($6), now())", 6 },
	/* STMT_SESSION_AUTH */
	{ "session_auth",
	  "SELECT s.id, u.id, u.name, u.email, u.role, u.is_active,"
	  " u.mfa_enabled, s.expires_at > now(),"
	  " coalesce(s.last_seen_at < now() - interval '60 seconds', true)"
	  " FROM user_sessions s JOIN users u ON u.id = s.user_id"
	  " WHERE s.token_hash = $1 AND s.id = $2 AND NOT s.revoked", 2 },
	/* STMT_SESSION_TOUCH */
	{ "session_touch",
	  "UPDATE user_sessions SET last_seen_at = now() WHERE id = $1", 1 },
	/* STMT_SESSION_REVOKE */
	{ "session_revoke",
	  "UPDATE user_sessions SET revoked = true, revoked_at = now()"
	  " WHERE id = $1 AND NOT revoked", 1 },
	/* STMT_AUDIT_INSERT */
	{ "audit_insert",
	  "INSERT INTO audit_logs (entity_type, entity_id, action,"
	  " performed_by, ip_address, user_agent, payload)"
	  " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)", 7 },
	/* STMT_TK_LIST_CREATED_DESC */
	TICKET_LIST("tk_list_created_desc", "t.created_at DESC, t.id DESC",
	    AFTER("created_at", "<")),
	/* STMT_TK_LIST_CREATED_ASC */
	TICKET_LIST("tk_list_created_asc", "t.created_at ASC, t.id ASC",
	    AFTER("created_at", ">")),
	/* STMT_TK_LIST_UPDATED_DESC */
	TICKET_LIST("tk_list_updated_desc", "t.updated_at DESC, t.id DESC",
	    AFTER("updated_at", "<")),
	/* STMT_TK_LIST_UPDATED_ASC */
	TICKET_LIST("tk_list_updated_asc", "t.updated_at ASC, t.id ASC",
	    AFTER("updated_at", ">")),
	/* STMT_TK_LIST_PRIORITY_DESC: most urgent (lowest rank) first */
	TICKET_LIST_SORTED("tk_list_priority_desc", PRIO_RANK " ASC NULLS LAST,"
	    " t.created_at DESC, t.id DESC", "false"),
	/* STMT_TK_LIST_PRIORITY_ASC */
	TICKET_LIST_SORTED("tk_list_priority_asc", PRIO_RANK " DESC NULLS FIRST,"
	    " t.created_at ASC, t.id ASC", "false"),
	/* STMT_TK_LIST_STATUS_DESC: latest in the lifecycle first */
	TICKET_LIST_SORTED("tk_list_status_desc", STATUS_RANK " DESC,"
	    " t.created_at DESC, t.id DESC", "false"),
	/* STMT_TK_LIST_STATUS_ASC */
	TICKET_LIST_SORTED("tk_list_status_asc", STATUS_RANK " ASC,"
	    " t.created_at ASC, t.id ASC", "false"),
	/* STMT_TK_LIST_DEEP_CREATED_DESC: a page by OFFSET reads only keys
	 * until it gets there (else it carries every wide row it passes) */
	TICKET_LIST_SORTED("tk_list_deep_created_desc",
	    "t.created_at DESC, t.id DESC", AFTER("created_at", "<")),
	/* STMT_TK_LIST_DEEP_CREATED_ASC */
	TICKET_LIST_SORTED("tk_list_deep_created_asc",
	    "t.created_at ASC, t.id ASC", AFTER("created_at", ">")),
	/* STMT_TK_LIST_DEEP_UPDATED_DESC */
	TICKET_LIST_SORTED("tk_list_deep_updated_desc",
	    "t.updated_at DESC, t.id DESC", AFTER("updated_at", "<")),
	/* STMT_TK_LIST_DEEP_UPDATED_ASC */
	TICKET_LIST_SORTED("tk_list_deep_updated_asc",
	    "t.updated_at ASC, t.id ASC", AFTER("updated_at", ">")),
	/* STMT_TK_COUNT */
	{ "tk_count", "SELECT count(*) FROM tickets t" TICKET_WHERE, 7 },
	/* STMT_TK_COUNT_ALL: every ticket, by status $1 and priority $2 */
	{ "tk_count_all", "SELECT coalesce(sum(n), 0)::bigint FROM ticket_counts"
	  " WHERE ($1::text IS NULL OR status = $1) AND ($2::smallint IS NULL"
	  " OR priority_id = $2::smallint)", 2 },
	/*
	 * STMT_TK_COUNT_SEARCH: a search's matches, counted up to 501 (the
	 * list says "more than 500"): a frequent word is counted by walking
	 * the list's order until then, a rare one by the search index.
	 */
	{ "tk_count_search", "SELECT count(*) FROM (SELECT 1 FROM tickets t"
	  TICKET_WHERE " ORDER BY t.created_at DESC, t.id DESC LIMIT 501) c",
	  7 },
	/* STMT_TK_GET: the detail object as JSON text; no row if not visible */
	{ "tk_get", "SELECT " TICKET_DETAIL("$2") " FROM tickets t"
	  " WHERE t.id = $1 AND " TICKET_VISIBLE("$2", "$3"), 3 },
	/*
	 * STMT_TK_GET_SESSION: the same for the live session of token hash $2
	 * and id $3 (ROUTE_PREFETCH: it runs beside the session check, so it
	 * checks the session itself); no row if not visible.
	 */
	{ "tk_get_session", "SELECT " TICKET_DETAIL("me.role") " FROM tickets t,"
	  " (SELECT u.id, u.role FROM user_sessions s JOIN users u"
	  " ON u.id = s.user_id WHERE s.token_hash = $2 AND s.id = $3::bigint"
	  " AND NOT s.revoked AND s.expires_at > now() AND u.is_active) me"
	  " WHERE t.id = $1 AND " TICKET_VISIBLE("me.role", "me.id"), 3 },
	/* STMT_TK_ITEM: one list item's parts, as a list page has them */
	{ "tk_item", "SELECT " TICKET_ITEM " FROM tickets t WHERE t.id = $1", 1 },
	/* STMT_TK_REFS_JSON: every priority ('p') and category ('c') object */
	{ "tk_refs_json", "SELECT 'p', id::text, api_json FROM priorities"
	  " UNION ALL SELECT 'c', id::text, ref_json FROM categories", 0 },
	/* STMT_TK_LOCK: the fields the rules need, row locked */
	{ "tk_lock",
	  "SELECT t.status, t.created_by::text, t.title, t.description,"
	  " t.category_id::text, t.priority_id::text,"
	  " (SELECT a.agent_id::text FROM ticket_assignments a"
	  " WHERE a.ticket_id = t.id LIMIT 1)"
	  " FROM tickets t WHERE t.id = $1 AND " TICKET_VISIBLE("$2", "$3")
	  " FOR UPDATE OF t", 3 },
	/* STMT_TK_INSERT */
	{ "tk_insert",
	  "INSERT INTO tickets (title, description, created_by, category_id,"
	  " priority_id) VALUES ($1, $2, $3, $4::smallint, $5::smallint)"
	  " RETURNING id", 5 },
	/* STMT_TK_UPDATE */
	{ "tk_update",
	  "UPDATE tickets SET title = $2, description = $3, status = $4,"
	  " category_id = $5::smallint, priority_id = $6::smallint"
	  " WHERE id = $1", 6 },
	/* STMT_TK_ASSIGNABLE */
	{ "tk_assignable",
	  "SELECT 1 FROM users WHERE id = $1 AND is_active"
	  " AND role IN ('agent', 'admin')", 1 },
	/* STMT_TK_REFS: do the category ($1) and priority ($2) exist? */
	{ "tk_refs",
	  "SELECT $1::smallint IS NULL OR EXISTS (SELECT 1 FROM categories"
	  " WHERE id = $1::smallint), $2::smallint IS NULL OR EXISTS (SELECT 1"
	  " FROM priorities WHERE id = $2::smallint)", 2 },
	/* STMT_TK_UNASSIGN */
	{ "tk_unassign", "DELETE FROM ticket_assignments WHERE ticket_id = $1", 1 },
	/* STMT_TK_ASSIGN: the new assignment as JSON */
	{ "tk_assign",
	  "WITH a AS (INSERT INTO ticket_assignments (ticket_id, agent_id,"
	  " assigned_by, note) VALUES ($1, $2, $3, $4) RETURNING *)"
	  " SELECT json_build_object(" ASSIGNMENT_FIELDS ", 'assigner', "
	  USER_JSON("a.assigned_by") ")::text FROM a", 4 },
	/* STMT_TK_COMMENT: the new comment as JSON */
	{ "tk_comment",
	  "WITH m AS (INSERT INTO ticket_comments (ticket_id, user_id, message,"
	  " is_internal) VALUES ($1, $2, $3, $4) RETURNING *)"
	  " SELECT json_build_object('id', m.id::text, 'ticket_id',"
	  " m.ticket_id::text, 'user_id', m.user_id::text, 'message', m.message,"
	  " 'is_internal', m.is_internal, 'created_at', " ISO("m.created_at")
	  ", 'user', " USER_JSON("m.user_id") ")::text, m.id FROM m", 4 },
	/*
	 * STMT_TK_HISTORY: the ticket's audit rows, newest first, at most $4
	 * (NULL = all); no row if the ticket is not visible.  Clients never get
	 * the rows of internal notes.  "labels" names the users, categories
	 * and priorities the payload refers to by id, for the pages.
	 */
	{ "tk_history",
	  "SELECT coalesce((SELECT json_agg(h.j ORDER BY h.created_at DESC,"
	  " h.id DESC) FROM (SELECT a.id, a.created_at, json_build_object("
	  "'id', a.id::text, 'entity_type', a.entity_type, 'entity_id',"
	  " a.entity_id::text, 'action', a.action, 'performed_by',"
	  " a.performed_by::text, 'payload', a.payload, 'created_at', "
	  ISO("a.created_at") ", 'performer', (SELECT json_build_object('id',"
	  " u.id::text, 'name', u.name, 'email', u.email, 'role', u.role)"
	  " FROM users u WHERE u.id = a.performed_by), 'labels', "
	  AUDIT_LABELS ") j FROM audit_logs a WHERE a.entity_type = 'ticket'"
	  " AND a.entity_id = t.id AND ($2 <> 'client' OR a.action <> 'commented'"
	  " OR a.payload->>'is_internal' = 'false')"
	  " ORDER BY a.created_at DESC, a.id DESC LIMIT $4::bigint) h),"
	  " '[]'::json)::text FROM tickets t WHERE t.id = $1 AND "
	  TICKET_VISIBLE("$2", "$3"), 4 },
	/* STMT_AT_TICKET: the status of a ticket the caller may see, locked
	 * against a concurrent close while a file is attached */
	{ "at_ticket",
	  "SELECT t.status FROM tickets t WHERE t.id = $1 AND "
	  TICKET_VISIBLE("$2", "$3") " FOR SHARE OF t", 3 },
	/* STMT_AT_INSERT: the new row as the API answers it, and its id */
	{ "at_insert",
	  "WITH f AS (INSERT INTO attachments (ticket_id, file_key, filename,"
	  " content_type, size_bytes, uploaded_by) VALUES ($1, $2, $3, $4, $5,"
	  " $6) RETURNING *) SELECT json_build_object('id', f.id::text,"
	  " 'ticket_id', f.ticket_id::text, 'file_key', f.file_key, 'filename',"
	  " f.filename, 'content_type', f.content_type, 'size_bytes',"
	  " f.size_bytes::text, 'uploaded_by', f.uploaded_by::text,"
	  " 'created_at', " ISO("f.created_at") ")::text, f.id FROM f", 6 },
	/* STMT_AT_GET: a file whose ticket the caller may see */
	{ "at_get",
	  "SELECT f.file_key, f.filename, f.content_type, f.size_bytes,"
	  " f.ticket_id FROM attachments f JOIN tickets t ON t.id = f.ticket_id"
	  " WHERE f.id = $1 AND " TICKET_VISIBLE("$2", "$3"), 3 },
	/* STMT_AT_KNOWN: does a stored file have its row? (the sweep) */
	{ "at_known", "SELECT 1 FROM attachments WHERE file_key = $1", 1 },
	/* STMT_CATEGORY_LIST */
	{ "category_list",
	  "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
	  " 'description', description) ORDER BY name), '[]'::json)::text"
	  " FROM categories", 0 },
	/* STMT_PRIORITY_LIST */
	{ "priority_list",
	  "SELECT coalesce(json_agg(json_build_object('id', id, 'name', name,"
	  " 'rank', rank) ORDER BY rank, id), '[]'::json)::text"
	  " FROM priorities", 0 },
	/* STMT_AGENT_LIST: active agents and admins, by name */
	{ "agent_list",
	  "SELECT coalesce(json_agg(json_build_object('id', id::text, 'name',"
	  " name, 'email', email) ORDER BY name, id), '[]'::json)::text"
	  " FROM users WHERE is_active AND role IN ('agent', 'admin')", 0 },
	/*
	 * The catalog (lib/catalog.c).  $1 is an id already checked to fit a
	 * SMALLINT.  An update takes $2 (name, NULL = keep) and $3/$4 (set the
	 * second field? its value) and answers the row after and before.
	 */
	/* STMT_CATEGORY_GET */
	{ "category_get", "SELECT " CATEGORY_JSON("c") "::text FROM categories c"
	  " WHERE c.id = $1::smallint", 1 },
	/* STMT_CATEGORY_INSERT */
	{ "category_insert", "INSERT INTO categories AS c (name, description)"
	  " VALUES ($1, $2) RETURNING " CATEGORY_JSON("c") "::text, c.id", 2 },
	/* STMT_CATEGORY_UPDATE */
	{ "category_update", "WITH o AS (SELECT * FROM categories"
	  " WHERE id = $1::smallint FOR UPDATE) UPDATE categories c SET"
	  " name = coalesce($2, c.name), description = CASE WHEN $3::boolean"
	  " THEN $4 ELSE c.description END FROM o WHERE c.id = o.id RETURNING "
	  CATEGORY_JSON("c") "::text, " CATEGORY_JSON("o") "::text", 4 },
	/* STMT_CATEGORY_DELETE: the row as it was */
	{ "category_delete", "DELETE FROM categories c WHERE c.id = $1::smallint"
	  " RETURNING " CATEGORY_JSON("c") "::text", 1 },
	/* STMT_PRIORITY_GET */
	{ "priority_get", "SELECT " PRIORITY_JSON("p") "::text FROM priorities p"
	  " WHERE p.id = $1::smallint", 1 },
	/* STMT_PRIORITY_INSERT */
	{ "priority_insert", "INSERT INTO priorities AS p (name, rank)"
	  " VALUES ($1, $2::smallint) RETURNING " PRIORITY_JSON("p") "::text,"
	  " p.id", 2 },
	/* STMT_PRIORITY_UPDATE */
	{ "priority_update", "WITH o AS (SELECT * FROM priorities"
	  " WHERE id = $1::smallint FOR UPDATE) UPDATE priorities p SET"
	  " name = coalesce($2, p.name), rank = CASE WHEN $3::boolean"
	  " THEN $4::smallint ELSE p.rank END FROM o WHERE p.id = o.id RETURNING "
	  PRIORITY_JSON("p") "::text, " PRIORITY_JSON("o") "::text", 4 },
	/* STMT_PRIORITY_DELETE */
	{ "priority_delete", "DELETE FROM priorities p WHERE p.id = $1::smallint"
	  " RETURNING " PRIORITY_JSON("p") "::text", 1 },
	/*
	 * Accounts (lib/users.c).  The list answers the count and a page
	 * ($4 rows, NULL = all, from $5), newest first.
	 */
	/* STMT_USER_LIST */
	{ "user_list",
	  "SELECT (SELECT count(*) FROM users u" USER_WHERE ")::text,"
	  " coalesce((SELECT json_agg(" USER_FULL("u") " ORDER BY u.created_at"
	  " DESC, u.id DESC) FROM (SELECT * FROM users u" USER_WHERE
	  " ORDER BY u.created_at DESC, u.id DESC LIMIT $4::int OFFSET $5::int)"
	  " u), '[]'::json)::text", 5 },
	/* STMT_USER_GET */
	{ "user_get", "SELECT " USER_FULL("u") "::text FROM users u"
	  " WHERE u.id = $1::bigint", 1 },
	/* STMT_USER_LOCK: the row to change, held to the end of the change */
	{ "user_lock", "SELECT u.role, u.is_active, u.password_hash, "
	  USER_EDITABLE("u") " FROM users u WHERE u.id = $1::bigint"
	  " FOR UPDATE", 1 },
	/*
	 * STMT_ADMIN_GUARD: every change of a role or an active flag takes
	 * this lock first, so that two admins demoting each other at the
	 * same moment cannot both pass the count below.
	 */
	{ "admin_guard", "SELECT pg_advisory_xact_lock(5357545301)", 0 },
	/* STMT_ADMIN_COUNT */
	{ "admin_count", "SELECT count(*)::text FROM users"
	  " WHERE role = 'admin' AND is_active", 0 },
	/* STMT_USER_UPDATE: NULL keeps a field; answers the user and the
	 * editable fields after */
	{ "user_update", "UPDATE users u SET name = coalesce($2, u.name),"
	  " email = coalesce($3, u.email), role = coalesce($4, u.role),"
	  " is_active = coalesce($5::boolean, u.is_active)"
	  " WHERE u.id = $1::bigint RETURNING " USER_FULL("u") "::text, "
	  USER_EDITABLE("u"), 5 },
	/* STMT_USER_PASSWORD */
	{ "user_password", "UPDATE users SET password_hash = $2"
	  " WHERE id = $1::bigint", 2 },
	/* STMT_SESSION_REVOKE_USER: all of $1's live sessions but $2 */
	{ "session_revoke_user",
	  "WITH r AS (UPDATE user_sessions SET revoked = true,"
	  " revoked_at = now() WHERE user_id = $1::bigint AND NOT revoked"
	  " AND expires_at > now() AND ($2::bigint IS NULL OR id <> $2::bigint)"
	  " RETURNING 1) SELECT count(*)::text FROM r", 2 },
	/* STMT_SESSION_LIST: $1's live sessions, $2 (the current one) first */
	{ "session_list",
	  "SELECT coalesce(json_agg(json_build_object('id', s.id::text,"
	  " 'created_at', " ISO("s.created_at") ", 'last_seen_at', "
	  ISO("s.last_seen_at") ", 'expires_at', " ISO("s.expires_at") ","
	  " 'ip_address', s.ip_address, 'user_agent', s.user_agent,"
	  " 'current', s.id = $2::bigint) ORDER BY s.id = $2::bigint DESC,"
	  " coalesce(s.last_seen_at, s.created_at) DESC, s.id DESC),"
	  " '[]'::json)::text FROM user_sessions s WHERE s.user_id = $1::bigint"
	  " AND NOT s.revoked AND s.expires_at > now()", 2 },
	/* STMT_SESSION_REVOKE_OWN: session $1 if it is a live one of $2 */
	{ "session_revoke_own",
	  "UPDATE user_sessions SET revoked = true, revoked_at = now()"
	  " WHERE id = $1::bigint AND user_id = $2::bigint AND NOT revoked"
	  " AND expires_at > now() RETURNING ip_address", 2 },
	/*
	 * Sign-in throttling (lib/throttle.c): $1 key, $2 free attempts,
	 * $3 longest delay (s).  An attempt is taken only while the key is
	 * not locked (no row back: locked); a day without attempts starts
	 * the count afresh.
	 */
	/* STMT_THROTTLE_TAKE */
	{ "throttle_take",
	  "INSERT INTO login_throttle AS t (key, failures, locked_until)"
	  " VALUES ($1, 1, CASE WHEN 1 > $2::int THEN now()"
	  " + make_interval(secs => least(2, $3::int)) END)"
	  " ON CONFLICT (key) DO UPDATE SET failures = " THROTTLE_N ","
	  " locked_until = CASE WHEN " THROTTLE_N " > $2::int THEN now()"
	  " + make_interval(secs => least(power(2, least(" THROTTLE_N
	  " - $2::int, 20)), $3::int)) END, updated_at = now()"
	  " WHERE t.locked_until IS NULL OR t.locked_until <= now()"
	  " RETURNING failures", 3 },
	/* STMT_THROTTLE_WAIT: whole seconds until the lock ends, at least 1 */
	{ "throttle_wait",
	  "SELECT greatest(1, ceil(extract(epoch FROM locked_until - now())))"
	  "::bigint::text FROM login_throttle WHERE key = $1", 1 },
	/* STMT_THROTTLE_FORGIVE */
	/*
	 * STMT_THROTTLE_FORGIVE: the attempt was a right password.  Any lock
	 * is the one this attempt set (a take only passes while unlocked),
	 * and only someone who knows the password gets here: it goes too.
	 */
	{ "throttle_forgive", "UPDATE login_throttle SET failures ="
	  " greatest(failures - 1, 0), locked_until = NULL WHERE key = $1", 1 },
	/* STMT_THROTTLE_CLEAR */
	{ "throttle_clear", "DELETE FROM login_throttle WHERE key = $1", 1 },
	/* Multi-factor sign-in (lib/mfa.c). */
	/* STMT_MFA_STATE */
	{ "mfa_state", "SELECT mfa_enabled, mfa_secret FROM users"
	  " WHERE id = $1::bigint", 1 },
	/* STMT_MFA_SET_PENDING: a new secret, until MFA is on */
	{ "mfa_set_pending", "UPDATE users SET mfa_secret = $2,"
	  " mfa_last_counter = NULL WHERE id = $1::bigint AND NOT mfa_enabled"
	  " RETURNING 1", 2 },
	/* STMT_MFA_ENABLE: only for the set-up the code was checked against */
	{ "mfa_enable", "UPDATE users SET mfa_enabled = true,"
	  " mfa_last_counter = $2::bigint WHERE id = $1::bigint"
	  " AND NOT mfa_enabled AND mfa_secret = $3 RETURNING 1", 3 },
	/* STMT_MFA_ACCEPT_STEP: a code's time step, once and in order */
	{ "mfa_accept_step", "UPDATE users SET mfa_last_counter = $2::bigint"
	  " WHERE id = $1::bigint AND mfa_enabled"
	  " AND coalesce(mfa_last_counter, -1) < $2::bigint RETURNING 1", 2 },
	/* STMT_MFA_DISABLE: answers whether it was on */
	{ "mfa_disable",
	  "WITH old AS (SELECT id, mfa_enabled FROM users WHERE id = $1::bigint"
	  " FOR UPDATE) UPDATE users u SET mfa_enabled = false,"
	  " mfa_secret = NULL, mfa_last_counter = NULL FROM old"
	  " WHERE u.id = old.id RETURNING old.mfa_enabled", 1 },
	/* STMT_MFA_CODES_CLEAR */
	{ "mfa_codes_clear", "DELETE FROM mfa_recovery_codes"
	  " WHERE user_id = $1::bigint", 1 },
	/* STMT_MFA_CODE_INSERT */
	{ "mfa_code_insert", "INSERT INTO mfa_recovery_codes (user_id, lookup,"
	  " code_hash) VALUES ($1::bigint, $2, $3)", 3 },
	/* STMT_MFA_CODE_FIND: an unused code of $1 by its clear prefix */
	{ "mfa_code_find", "SELECT id, code_hash FROM mfa_recovery_codes"
	  " WHERE user_id = $1::bigint AND lookup = $2 AND used_at IS NULL", 2 },
	/* STMT_MFA_CODE_USE: once, even when two sign-ins race */
	{ "mfa_code_use", "UPDATE mfa_recovery_codes SET used_at = now()"
	  " WHERE id = $1::bigint AND used_at IS NULL RETURNING 1", 1 },
	/* STMT_USER_BY_ID: as STMT_USER_BY_EMAIL (the second sign-in step) */
	{ "user_by_id",
	  "SELECT id, name, email, password_hash, role, is_active, mfa_enabled"
	  " FROM users WHERE id = $1::bigint", 1 },
	/* -- statistics (lib/stats.c) -- */
/*
 * The statistics' scope ($1 role, $2 caller), as the original's: clients
 * count their own tickets, agents the ones assigned to them, admins all.
 * Plans are made with the values (plan_cache_mode), so only the role's
 * branch is left to run, and it can use an index: the agent's ids are
 * an array (= ANY), not a sub-select, which an OR would keep from
 * becoming a join.
 */
#define STATS_SCOPE(t) "($1 = 'admin' OR ($1 = 'client' AND " t \
	".created_by = $2::bigint) OR ($1 = 'agent' AND " t ".id = ANY" \
	" (ARRAY(SELECT a_.ticket_id FROM ticket_assignments a_" \
	" WHERE a_.agent_id = $2::bigint))))"
/* Accounts matching cond, from the counters of sql/011 (user_counts u). */
#define STATS_PEOPLE(cond) "coalesce(sum(u.n) FILTER (WHERE " cond \
	"), 0)::bigint"
/*
 * Tickets in scope by one column (status or priority_id, 0 = none):
 * admins read the counters of sql/008, the others count their tickets
 * (an index finds them); the branch of the other role plans to nothing.
 */
#define STATS_BY(col, expr) "SELECT " col ", sum(n)::bigint AS n" \
	" FROM ticket_counts WHERE $1 = 'admin' GROUP BY 1 UNION ALL" \
	" SELECT " expr ", count(*) FROM tickets t" \
	" WHERE $1 <> 'admin' AND " STATS_SCOPE("t") " GROUP BY 1"
/* An audited move to Resolved: the predicate of the partial index of
 * sql/008, word for word, so that the planner can use it. */
#define STATS_RESOLVED(l) "(" l ".entity_type = 'ticket' AND " l ".action" \
	" = 'updated' AND (" l ".payload #>> '{changes,status,to}') =" \
	" 'Resolved')"
#define STATS_SUM(st) "coalesce(sum(n) FILTER (WHERE status = " st \
	"), 0)::bigint"
/* How long an Idempotency-Key is remembered. */
#define IDEM_TTL "interval '24 hours'"
/* Today, UTC, and the start of the dashboard's 30 days. */
#define UTC_TODAY "(now() AT TIME ZONE 'UTC')::date"
#define STATS_SINCE "((" UTC_TODAY " - 29)::timestamp AT TIME ZONE 'UTC')"
	/*
	 * STMT_STATS_DASHBOARD: GET /api/statistics/dashboard, one document;
	 * "users" and "totals.unassigned" are null except for admins.
	 */
	{ "stats_dashboard",
	  "WITH k AS (" STATS_BY("status", "t.status") "),"
	  " c AS (SELECT coalesce(sum(n), 0)::bigint AS total, "
	  STATS_SUM("'Open'") " AS open, "
	  STATS_SUM("'In Progress'") " AS prog, "
	  STATS_SUM("'Resolved'") " AS res, "
	  STATS_SUM("'Closed'") " AS closed FROM k)"
	  " SELECT json_build_object('users', CASE WHEN $1 = 'admin' THEN"
	  " (SELECT json_build_object('total', " STATS_PEOPLE("true")
	  ", 'clients', " STATS_PEOPLE("u.role = 'client'") ", 'agents', "
	  STATS_PEOPLE("u.role = 'agent'") ") FROM user_counts u) END,"
	  " 'totals', json_build_object('total', c.total, 'open', c.open,"
	  " 'inProgress', c.prog, 'resolved', c.res, 'closed', c.closed,"
	  " 'unassigned', CASE WHEN $1 = 'admin' THEN c.total -"
	  " coalesce((SELECT n FROM assignment_count), 0) END),"
	  " 'byStatus', json_build_array("
	  "json_build_object('status', 'Open', 'count', c.open), "
	  "json_build_object('status', 'In Progress', 'count', c.prog), "
	  "json_build_object('status', 'Resolved', 'count', c.res), "
	  "json_build_object('status', 'Closed', 'count', c.closed)),"
	  " 'recentTickets', coalesce((SELECT json_agg(json_build_object("
	  "'id', t.id::text, 'title', t.title, 'description', t.description,"
	  " 'status', t.status, 'created_by', t.created_by::text,"
	  " 'category_id', t.category_id, 'priority_id', t.priority_id,"
	  " 'created_at', " ISO("t.created_at") ", 'updated_at', "
	  ISO("t.updated_at") ", 'creator', " USER_JSON("t.created_by") ")"
	  " ORDER BY t.created_at DESC, t.id DESC) FROM (SELECT t.id, t.title,"
	  " t.description, t.status, t.created_by, t.category_id,"
	  " t.priority_id, t.created_at, t.updated_at FROM tickets t WHERE "
	  STATS_SCOPE("t")
	  " ORDER BY t.created_at DESC, t.id DESC LIMIT 10) t), '[]'::json))"
	  "::text FROM c", 2 },
	/*
	 * STMT_STATS_ACTIVITY: the dashboard page's extras, same scope: the
	 * last 30 UTC days (tickets opened; resolutions, i.e. audited status
	 * changes to Resolved: all of them for admins, whose days are read
	 * from the counters of sql/010), the tickets by
	 * priority (by rank, then those without one: id and name null), and
	 * for admins the people.
	 */
	{ "stats_activity",
	  "WITH o AS (SELECT day, opened AS n FROM ticket_days"
	  " WHERE $1 = 'admin' AND day >= " UTC_TODAY " - 29"
	  " UNION ALL SELECT (t.created_at AT TIME ZONE 'UTC')::date,"
	  " count(*) FROM tickets t WHERE $1 <> 'admin' AND t.created_at >= "
	  STATS_SINCE " AND " STATS_SCOPE("t") " GROUP BY 1),"
	  " r AS (SELECT day, resolved AS n FROM ticket_days"
	  " WHERE $1 = 'admin' AND day >= " UTC_TODAY " - 29"
	  " UNION ALL SELECT (l.created_at AT TIME ZONE 'UTC')::date, count(*)"
	  " FROM audit_logs l WHERE $1 <> 'admin'"
	  " AND " STATS_RESOLVED("l") " AND l.created_at >= " STATS_SINCE
	  " AND l.entity_id = ANY (ARRAY(SELECT t.id FROM tickets t WHERE "
	  STATS_SCOPE("t") ")) GROUP BY 1),"
	  " p AS (SELECT nullif(k.id, 0) AS id, k.n FROM ("
	  STATS_BY("priority_id", "coalesce(t.priority_id, 0)") ") k(id, n))"
	  " SELECT json_build_object('days', (SELECT json_agg("
	  "json_build_object('date', to_char(d.day, 'YYYY-MM-DD'), 'label',"
	  " to_char(d.day,"
	  " 'FMDD Mon'), 'opened', coalesce(o.n, 0), 'resolved',"
	  " coalesce(r.n, 0)) ORDER BY d.day) FROM (SELECT " UTC_TODAY
	  " - 29 + g AS day FROM generate_series(0, 29) g) d"
	  " LEFT JOIN o ON o.day = d.day LEFT JOIN r ON r.day = d.day),"
	  " 'byPriority', (SELECT json_agg(json_build_object('id', q.id,"
	  " 'name', q.name, 'count', coalesce(p.n, 0))"
	  " ORDER BY q.rank NULLS LAST, q.id)"
	  " FROM (SELECT id, name, rank FROM priorities UNION ALL"
	  " SELECT NULL, NULL, NULL) q LEFT JOIN p"
	  " ON p.id IS NOT DISTINCT FROM q.id),"
	  " 'people', CASE WHEN $1 = 'admin' THEN (SELECT json_build_object("
	  "'clients', " STATS_PEOPLE("u.role = 'client'") ", 'agents', "
	  STATS_PEOPLE("u.role = 'agent'") ", 'admins', "
	  STATS_PEOPLE("u.role = 'admin'") ", 'deactivated', "
	  STATS_PEOPLE("NOT u.is_active") ") FROM user_counts u) END)::text",
	  2 },
	/* STMT_STATS_TRENDS: tickets created in the last $1 days, by UTC day */
	{ "stats_trends",
	  "SELECT coalesce(json_agg(json_build_object('date', d.day, 'count',"
	  " d.n::text) ORDER BY d.day), '[]'::json)::text FROM (SELECT"
	  " to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,"
	  " count(*) AS n FROM tickets t WHERE t.created_at >= now()"
	  " - make_interval(days => $1::int) GROUP BY 1) d", 1 },
	/* -- exports (lib/export.c) -- */
/*
 * Every visible ticket matching the list's filters ($1..$7, TICKET_WHERE)
 * in the list's order, no page: the columns of lib/export.h.  Never a
 * comment.  Rows are streamed (db_stream), so no JSON and no LIMIT.
 */
#define EXPORT_TICKETS(name, order) { name, "SELECT t.id::text, t.title," \
	" t.status, (SELECT p.name FROM priorities p WHERE p.id =" \
	" t.priority_id), (SELECT c.name FROM categories c WHERE c.id =" \
	" t.category_id), u.name, u.email, (SELECT string_agg(ua.name, '; '" \
	" ORDER BY a.id) FROM ticket_assignments a JOIN users ua ON ua.id =" \
	" a.agent_id WHERE a.ticket_id = t.id), " ISO("t.created_at") ", " \
	ISO("t.updated_at") ", t.description FROM tickets t JOIN users u" \
	" ON u.id = t.created_by" TICKET_WHERE " ORDER BY " order, 7 }
	/* STMT_EXP_TK_CREATED_DESC */
	EXPORT_TICKETS("exp_tk_created_desc", "t.created_at DESC, t.id DESC"),
	/* STMT_EXP_TK_CREATED_ASC */
	EXPORT_TICKETS("exp_tk_created_asc", "t.created_at ASC, t.id ASC"),
	/* STMT_EXP_TK_UPDATED_DESC */
	EXPORT_TICKETS("exp_tk_updated_desc", "t.updated_at DESC, t.id DESC"),
	/* STMT_EXP_TK_UPDATED_ASC */
	EXPORT_TICKETS("exp_tk_updated_asc", "t.updated_at ASC, t.id ASC"),
	/* STMT_EXP_TK_PRIORITY_DESC */
	EXPORT_TICKETS("exp_tk_priority_desc", PRIO_RANK " ASC NULLS LAST,"
	    " t.created_at DESC, t.id DESC"),
	/* STMT_EXP_TK_PRIORITY_ASC */
	EXPORT_TICKETS("exp_tk_priority_asc", PRIO_RANK " DESC NULLS FIRST,"
	    " t.created_at ASC, t.id ASC"),
	/* STMT_EXP_TK_STATUS_DESC */
	EXPORT_TICKETS("exp_tk_status_desc", STATUS_RANK " DESC,"
	    " t.created_at DESC, t.id DESC"),
	/* STMT_EXP_TK_STATUS_ASC */
	EXPORT_TICKETS("exp_tk_status_asc", STATUS_RANK " ASC,"
	    " t.created_at ASC, t.id ASC"),
	/* -- the audit log (lib/auditlog.c) -- */
	/* STMT_AUDIT_LIST: a page of the filtered log, newest first */
	{ "audit_list",
	  "SELECT coalesce(json_agg(l.j ORDER BY l.created_at DESC, l.id DESC),"
	  " '[]'::json)::text FROM (SELECT a.created_at, a.id, " AUDIT_ROW " j"
	  " FROM audit_logs a" AUDIT_WHERE " ORDER BY a.created_at DESC,"
	  " a.id DESC LIMIT $7::bigint OFFSET $8::bigint) l", 8 },
	/* STMT_AUDIT_COUNT */
	{ "audit_count", "SELECT count(*) FROM audit_logs a" AUDIT_WHERE, 6 },
	/*
	 * STMT_AUDIT_COUNT_ALL: the unfiltered log's length without counting
	 * it.  Every committed row is linked in the same transaction and the
	 * links are numbered without gaps (sql/007); `sstsctl audit-verify`
	 * checks both.
	 */
	{ "audit_count_all",
	  "SELECT coalesce(max(seq), 0) FROM audit_chain", 0 },
	/* STMT_AUDIT_EXPORT: every matching row, for CSV, with its link */
	{ "audit_export",
	  "SELECT a.id::text, " ISO("a.created_at") ", a.action, a.entity_type,"
	  " a.entity_id::text, a.performed_by::text, u.name, u.email,"
	  " a.ip_address, a.user_agent, a.payload::text, c.seq::text,"
	  " encode(c.row_hash, 'hex') FROM audit_logs a"
	  " LEFT JOIN users u ON u.id = a.performed_by"
	  " LEFT JOIN audit_chain c ON c.audit_id = a.id" AUDIT_WHERE
	  " ORDER BY a.created_at DESC, a.id DESC", 6 },
	/* STMT_AUDIT_CHAIN_WALK: every link in order, with what it covers */
	{ "audit_chain_walk",
	  "SELECT c.seq::text, c.audit_id::text, encode(c.prev_hash, 'hex'),"
	  " encode(c.row_hash, 'hex'), a.id::text, audit_content(a, c.seq)"
	  " FROM audit_chain c LEFT JOIN audit_logs a ON a.id = c.audit_id"
	  " ORDER BY c.seq", 0 },
	/* STMT_AUDIT_UNCHAINED: a committed row without its link */
	{ "audit_unchained",
	  "SELECT a.id::text FROM audit_logs a WHERE NOT EXISTS (SELECT 1"
	  " FROM audit_chain c WHERE c.audit_id = a.id) ORDER BY a.id LIMIT 1",
	  0 },
	/* -- idempotency keys (lib/idem.c, sql/012) -- */
	/* STMT_IDEM_GET: the answer kept for key $2 of user $1, if live */
	{ "idem_get", "SELECT route, encode(fingerprint, 'hex'), status::text,"
	  " response FROM idempotency_keys WHERE user_id = $1::bigint"
	  " AND key = $2 AND created_at >= now() - " IDEM_TTL, 2 },
	/*
	 * STMT_IDEM_CLAIM: keeps the answer of the write in this transaction
	 * (route $3, fingerprint $4 hex, status $5, body $6) under key $2 of
	 * user $1; no row when a live key is there, or was committed while
	 * this waited for it.  The user's expired keys go at the same time.
	 */
	{ "idem_claim", "WITH gone AS (DELETE FROM idempotency_keys"
	  " WHERE user_id = $1::bigint AND key <> $2"
	  " AND created_at < now() - " IDEM_TTL ")"
	  " INSERT INTO idempotency_keys AS k (user_id, key, route,"
	  " fingerprint, status, response) VALUES ($1::bigint, $2, $3,"
	  " decode($4, 'hex'), $5::smallint, $6) ON CONFLICT (user_id, key)"
	  " DO UPDATE SET route = EXCLUDED.route, fingerprint ="
	  " EXCLUDED.fingerprint, status = EXCLUDED.status, response ="
	  " EXCLUDED.response, created_at = now()"
	  " WHERE k.created_at < now() - " IDEM_TTL " RETURNING 1", 6 },
};

/*
 * Statements that find rows by a unique key plan alike whatever the
 * values: they keep one generic plan (lib/db.c), where the others are
 * planned on each execution with their values (the list's filters).
 * tests/http/test_tickets_explain.py reads this list.
 */
int
stmt_plan_once(enum stmt s)
{
	switch (s) {
	case STMT_SESSION_AUTH:
	case STMT_SESSION_TOUCH:
	case STMT_TK_GET:
	case STMT_TK_GET_SESSION:
	case STMT_TK_ITEM:
	case STMT_TK_COUNT_ALL:		/* a few rows of counters */
		return 1;
	default:
		return 0;
	}
}
