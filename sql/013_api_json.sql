-- 013_api_json.sql: each row's own part of its API object, as JSON text
-- kept by PostgreSQL (issue 8).
--
-- A page of the ticket list spent most of its database time turning 25
-- columns of 50 rows into text, and the worker most of its own turning them
-- into JSON.  Now every row the list and the detail show carries its API
-- fields as one compact JSON object, a stored generated column: recomputed
-- by PostgreSQL whenever the row changes, so no writer can leave it stale,
-- and never holding another table's data, so no change has to reach other
-- rows.  The application joins the pieces (the creator into the ticket,
-- the agent into the assignment) by cutting an object's closing brace.
--   users.person_json            {"id","name","email"}
--   priorities.api_json          {"id","name","rank"}
--   categories.api_json          {"id","name","description"}
--   categories.ref_json          {"id","name"} (the list item's category)
--   tickets.api_json             the ticket's own fields, in the original's
--                                order: id ... updated_at
--   ticket_assignments.api_json  id ... assigned_at
--   ticket_comments.api_json     id ... created_at
--   attachments.api_json         id ... created_at
-- Ids of bigint columns are JSON strings and small ids numbers, times are
-- ISO-8601 UTC with milliseconds, as the original's JSON had them.
--
-- A list page then still looked up, for each of its 50 tickets, the
-- creator, the assignment and its agent: three index lookups a row, most
-- of the page's database time.  So a ticket also keeps those parts of its
-- list item, written by triggers when they change:
--   tickets.creator_json     its creator's person_json
--   tickets.assignment_json  [] or [assignment with its "agent"]
-- A new or re-owned ticket reads its creator; an assignment's insert,
-- change or delete rewrites its ticket's part; renaming a person rewrites
-- the tickets they created or are assigned (an agent's open and past
-- work: thousands of rows on a desk of a million, one statement).  The
-- priority and category stay in their small tables: renaming one touches
-- no ticket.

-- Text as a JSON string (null for NULL).  to_json() is only marked stable
-- because of other types' output; for text it depends on no setting.
CREATE FUNCTION json_text(v TEXT) RETURNS TEXT
IMMUTABLE PARALLEL SAFE LANGUAGE sql
AS $$ SELECT coalesce(to_json(v)::text, 'null') $$;

-- A bigint id as a JSON string, a small one as a number.
CREATE FUNCTION json_id(v BIGINT) RETURNS TEXT
IMMUTABLE PARALLEL SAFE LANGUAGE sql
AS $$ SELECT coalesce('"' || v::text || '"', 'null') $$;

CREATE FUNCTION json_num(v BIGINT) RETURNS TEXT
IMMUTABLE PARALLEL SAFE LANGUAGE sql
AS $$ SELECT coalesce(v::text, 'null') $$;

-- The instant in UTC; the pattern has no locale-dependent part.
CREATE FUNCTION json_time(v TIMESTAMP WITH TIME ZONE) RETURNS TEXT
IMMUTABLE PARALLEL SAFE LANGUAGE sql
AS $$ SELECT coalesce('"' || to_char(v AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null') $$;

ALTER TABLE users ADD COLUMN person_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_id(id) || ',"name":' || json_text(name) ||
	',"email":' || json_text(email) || '}') STORED;

ALTER TABLE priorities ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_num(id) || ',"name":' || json_text(name) ||
	',"rank":' || json_num(rank) || '}') STORED;

ALTER TABLE categories
	ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_num(id) || ',"name":' || json_text(name) ||
	',"description":' || json_text(description) || '}') STORED,
	ADD COLUMN ref_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_num(id) || ',"name":' || json_text(name) || '}') STORED;

ALTER TABLE tickets ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_id(id) || ',"title":' || json_text(title) ||
	',"description":' || json_text(description) ||
	',"status":' || json_text(status) ||
	',"created_by":' || json_id(created_by) ||
	',"category_id":' || json_num(category_id) ||
	',"priority_id":' || json_num(priority_id) ||
	',"created_at":' || json_time(created_at) ||
	',"updated_at":' || json_time(updated_at) || '}') STORED;

ALTER TABLE ticket_assignments ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_id(id) || ',"ticket_id":' || json_id(ticket_id) ||
	',"agent_id":' || json_id(agent_id) ||
	',"assigned_by":' || json_id(assigned_by) ||
	',"note":' || json_text(note) ||
	',"assigned_at":' || json_time(assigned_at) || '}') STORED;

ALTER TABLE ticket_comments ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_id(id) || ',"ticket_id":' || json_id(ticket_id) ||
	',"user_id":' || json_id(user_id) ||
	',"message":' || json_text(message) ||
	',"is_internal":' || CASE WHEN is_internal THEN 'true' ELSE 'false' END ||
	',"created_at":' || json_time(created_at) || '}') STORED;

ALTER TABLE attachments ADD COLUMN api_json TEXT GENERATED ALWAYS AS (
	'{"id":' || json_id(id) || ',"ticket_id":' || json_id(ticket_id) ||
	',"file_key":' || json_text(file_key) ||
	',"filename":' || json_text(filename) ||
	',"content_type":' || json_text(content_type) ||
	',"size_bytes":' || json_id(size_bytes) ||
	',"uploaded_by":' || json_id(uploaded_by) ||
	',"created_at":' || json_time(created_at) || '}') STORED;

ALTER TABLE tickets
	ADD COLUMN creator_json TEXT,
	ADD COLUMN assignment_json TEXT NOT NULL DEFAULT '[]';

-- The ticket's assignment with its agent, as the list item has it.
CREATE FUNCTION ticket_assignment_json(tid BIGINT) RETURNS TEXT
STABLE LANGUAGE sql AS $$
	SELECT '[' || coalesce(string_agg(left(a.api_json, -1) || ',"agent":' ||
	    coalesce(g.person_json, 'null') || '}', ','
	    ORDER BY a.assigned_at DESC, a.id DESC), '') || ']'
	FROM ticket_assignments a LEFT JOIN users g ON g.id = a.agent_id
	WHERE a.ticket_id = tid
$$;

CREATE FUNCTION tickets_creator_json() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.creator_json := (SELECT u.person_json FROM users u
	    WHERE u.id = NEW.created_by);
	RETURN NEW;
END
$$;

CREATE TRIGGER tickets_creator_json
	BEFORE INSERT OR UPDATE OF created_by ON tickets
	FOR EACH ROW EXECUTE FUNCTION tickets_creator_json();

-- OLD is NULL on INSERT and NEW on DELETE: the old ticket and the new one.
CREATE FUNCTION assignments_list_json() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tickets t SET assignment_json = ticket_assignment_json(t.id)
	WHERE t.id IN (OLD.ticket_id, NEW.ticket_id);
	RETURN NULL;
END
$$;

CREATE TRIGGER assignments_list_json
	AFTER INSERT OR UPDATE OR DELETE ON ticket_assignments
	FOR EACH ROW EXECUTE FUNCTION assignments_list_json();

CREATE FUNCTION users_list_json() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tickets SET creator_json = NEW.person_json
	WHERE created_by = NEW.id;
	UPDATE tickets t SET assignment_json = ticket_assignment_json(t.id)
	WHERE t.id IN (SELECT a.ticket_id FROM ticket_assignments a
	    WHERE a.agent_id = NEW.id);
	RETURN NULL;
END
$$;

CREATE TRIGGER users_list_json
	AFTER UPDATE OF name, email ON users
	FOR EACH ROW WHEN (OLD.person_json IS DISTINCT FROM NEW.person_json)
	EXECUTE FUNCTION users_list_json();

-- Writes every ticket's parts at once (this migration, tests/gen-desk.sql).
-- Owner only.
CREATE FUNCTION ticket_list_json_rebuild() RETURNS void
LANGUAGE sql AS $$
	UPDATE tickets t SET creator_json = u.person_json,
	    assignment_json = ticket_assignment_json(t.id)
	FROM users u WHERE u.id = t.created_by;
$$;

SELECT ticket_list_json_rebuild();
