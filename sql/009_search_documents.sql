-- 009_search_documents.sql: one search document per ticket and audience,
-- so that `q` is one index condition on tickets.
--
-- Before, a search gathered the ids of every matching ticket and every
-- matching comment (two GIN scans and a UNION) before the list could take
-- its first 50: a frequent word cost a second at 100,000 tickets.  With
-- the comments folded into the ticket's own documents, the planner either
-- walks the list's ordering index and stops after a page of matches (a
-- frequent word) or reads the few matches from the GIN index (a rare one).
--
--   search_public  title, description and the public comments (clients)
--   search_all     the same and the internal notes (agents and admins)
--
-- Kept by triggers: a ticket's INSERT or change of title or description
-- rebuilds both; a new comment appends its words.  The application never
-- edits or deletes a comment (deleting a ticket deletes its comments with
-- it); ticket_search_rebuild() recomputes everything, for this migration
-- and after tests/gen-desk.sql's bulk load.

ALTER TABLE tickets
	ADD COLUMN search_public TSVECTOR NOT NULL DEFAULT ''::tsvector,
	ADD COLUMN search_all TSVECTOR NOT NULL DEFAULT ''::tsvector;

-- The words of a ticket's comments (public or internal), oldest first.
CREATE FUNCTION ticket_comment_words(tid BIGINT, internal BOOLEAN)
RETURNS tsvector
LANGUAGE sql STABLE AS $$
	SELECT to_tsvector('simple', coalesce(string_agg(message, ' '
	    ORDER BY created_at, id), ''))
	FROM ticket_comments WHERE ticket_id = tid AND is_internal = internal
$$;

CREATE OR REPLACE FUNCTION tickets_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title AND
	    NEW.description IS NOT DISTINCT FROM OLD.description THEN
		RETURN NEW;	-- an update of the status, the category...
	END IF;
	NEW.search := to_tsvector('simple',
	    coalesce(NEW.title, '') || ' ' || coalesce(NEW.description, ''));
	IF TG_OP = 'INSERT' THEN
		NEW.search_public := NEW.search;
		NEW.search_all := NEW.search;
	ELSE
		NEW.search_public := NEW.search ||
		    ticket_comment_words(NEW.id, false);
		NEW.search_all := NEW.search_public ||
		    ticket_comment_words(NEW.id, true);
	END IF;
	RETURN NEW;
END
$$;

CREATE FUNCTION ticket_comments_search_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	words tsvector := to_tsvector('simple', coalesce(NEW.message, ''));
BEGIN
	UPDATE tickets SET search_all = search_all || words,
	    search_public = CASE WHEN NEW.is_internal THEN search_public
		ELSE search_public || words END
	WHERE id = NEW.ticket_id;
	RETURN NULL;
END
$$;

CREATE TRIGGER ticket_comments_search
	AFTER INSERT ON ticket_comments
	FOR EACH ROW EXECUTE FUNCTION ticket_comments_search_append();

-- A comment's words are not a change to the ticket: updated_at moves only
-- when one of the ticket's own columns is set (a new column of tickets
-- belongs in this list).
DROP TRIGGER touch_tickets_updated_at ON tickets;
CREATE TRIGGER touch_tickets_updated_at
	BEFORE UPDATE OF title, description, status, created_by, category_id,
	    priority_id, created_at, updated_at ON tickets
	FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Recomputes every ticket's documents.  Owner only.
CREATE FUNCTION ticket_search_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	LOCK TABLE tickets, ticket_comments IN SHARE MODE;
	UPDATE tickets t SET search_public = t.search || c.pub,
	    search_all = t.search || c.pub || c.internal
	FROM (SELECT ticket_id,
		to_tsvector('simple', coalesce(string_agg(message, ' '
		    ORDER BY created_at, id) FILTER (WHERE NOT is_internal),
		    '')) AS pub,
		to_tsvector('simple', coalesce(string_agg(message, ' '
		    ORDER BY created_at, id) FILTER (WHERE is_internal),
		    '')) AS internal
	    FROM ticket_comments GROUP BY ticket_id) c
	WHERE c.ticket_id = t.id;
	UPDATE tickets t SET search_public = t.search, search_all = t.search
	WHERE NOT EXISTS (SELECT 1 FROM ticket_comments m
	    WHERE m.ticket_id = t.id)
	    AND (t.search_public <> t.search OR t.search_all <> t.search);
END
$$;
REVOKE ALL ON FUNCTION ticket_search_rebuild() FROM PUBLIC;

SELECT ticket_search_rebuild();

CREATE INDEX tickets_search_public_idx ON tickets USING GIN (search_public);
CREATE INDEX tickets_search_all_idx ON tickets USING GIN (search_all);
-- The old separate documents are no longer searched.
DROP INDEX tickets_search_idx;
DROP INDEX ticket_comments_search_idx;
ALTER TABLE ticket_comments DROP COLUMN search;
