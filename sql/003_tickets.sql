-- 003_tickets.sql: what the tickets API and the desk pages need from the
-- schema (TICKETS.md): full-text search over comments, at most one
-- assignment per ticket, and an index behind every list ordering
-- (sort = created | updated | priority | status, id as the tie-breaker).
--
-- tickets.search (title + description) is kept by the trigger of 001, on
-- INSERT and on UPDATE OF title, description.  Grants on the new objects
-- come from sql/grants.sql, which grants on all tables and sequences and is
-- re-applied after every migration run.

-- Comment text for the list's `q`: same 'simple' configuration as
-- tickets.search, so one to_tsquery('simple', ...) matches both.
ALTER TABLE ticket_comments
	ADD COLUMN search TSVECTOR
	    GENERATED ALWAYS AS (to_tsvector('simple', coalesce(message, ''))) STORED;
CREATE INDEX ticket_comments_search_idx ON ticket_comments USING GIN (search);

-- A ticket's comments, oldest first, with a stable order for equal times;
-- replaces the (ticket_id, created_at) index of 001.
CREATE INDEX ticket_comments_ticket_order_idx
	ON ticket_comments (ticket_id, created_at, id);
DROP INDEX ticket_comments_ticket_idx;

-- At most one assignment per ticket (the application replaces it).  Should
-- an older database hold several rows for a ticket, the newest one is the
-- ticket's current assignment: keep it, drop the others.
DELETE FROM ticket_assignments a
USING ticket_assignments b
WHERE a.ticket_id = b.ticket_id
    AND (a.assigned_at, a.id) < (b.assigned_at, b.id);
ALTER TABLE ticket_assignments
	ADD CONSTRAINT ticket_assignments_ticket_id_key UNIQUE (ticket_id);
-- the unique index serves every lookup by ticket_id
DROP INDEX ticket_assignments_ticket_idx;

-- List orderings.  001 already has (created_at DESC, id DESC) for
-- sort=created and (status, created_at DESC, id DESC) for sort=status and
-- the status filter; each index is read forwards for order=desc and
-- backwards for order=asc.
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC);
-- sort=priority and the priority filter; replaces 001's (priority_id)
CREATE INDEX tickets_priority_order_idx
	ON tickets (priority_id, created_at DESC, id DESC);
DROP INDEX tickets_priority_id_idx;
-- the category filter, newest first; replaces 001's (category_id)
CREATE INDEX tickets_category_order_idx
	ON tickets (category_id, created_at DESC, id DESC);
DROP INDEX tickets_category_id_idx;
