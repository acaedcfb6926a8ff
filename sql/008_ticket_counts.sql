-- 008_ticket_counts.sql: counts that do not scan (issue 8), and an index
-- for the dashboard's resolutions per day.
--
-- The admin's dashboard counted every ticket on every view (by status,
-- by priority, unassigned): 0.5 s at 100,000 tickets.  These two tables
-- hold the same numbers, kept by triggers:
--   ticket_counts     tickets per (status, priority_id; 0 = none)
--   assignment_count  assignment rows with an agent, i.e. assigned
--                     tickets (003 keeps at most one row per ticket)
-- The triggers are deferred, so they run at COMMIT, and they first take
-- the audit chain's lock (007): every ticket change is audited, so its
-- commit takes that lock anyway; taking it first orders the counter
-- updates of concurrent commits and no two can deadlock on them.
CREATE TABLE ticket_counts (
	status		VARCHAR(32) NOT NULL,
	priority_id	SMALLINT NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (status, priority_id)
);

CREATE TABLE assignment_count (
	one		BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
	n		BIGINT NOT NULL
);

CREATE FUNCTION ticket_counts_add(st VARCHAR, prio SMALLINT, d BIGINT)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO ticket_counts AS c (status, priority_id, n)
	    VALUES (st, coalesce(prio, 0), d)
	    ON CONFLICT (status, priority_id) DO UPDATE SET n = c.n + d;
$$;

CREATE FUNCTION ticket_counts_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM ticket_counts_add(OLD.status, OLD.priority_id, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM ticket_counts_add(NEW.status, NEW.priority_id, 1);
	END IF;
	RETURN NULL;
END
$$;

CREATE FUNCTION assignment_count_track() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	d	BIGINT := 0;
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.agent_id IS NOT NULL THEN
		d := d - 1;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.agent_id IS NOT NULL THEN
		d := d + 1;
	END IF;
	IF d <> 0 THEN
		UPDATE assignment_count SET n = n + d;
	END IF;
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER tickets_count_insert_delete
	AFTER INSERT OR DELETE ON tickets
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION ticket_counts_track();
CREATE CONSTRAINT TRIGGER tickets_count_update
	AFTER UPDATE ON tickets
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status OR
	    OLD.priority_id IS DISTINCT FROM NEW.priority_id)
	EXECUTE FUNCTION ticket_counts_track();
CREATE CONSTRAINT TRIGGER assignments_count
	AFTER INSERT OR UPDATE OR DELETE ON ticket_assignments
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION assignment_count_track();

-- Counts the tables again (this migration, and tests/gen-desk.sql after
-- a bulk load with the triggers disabled).  Owner only.
CREATE FUNCTION ticket_counts_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	LOCK TABLE tickets, ticket_assignments IN SHARE MODE;
	DELETE FROM ticket_counts;
	INSERT INTO ticket_counts (status, priority_id, n)
	    SELECT status, coalesce(priority_id, 0), count(*)
	    FROM tickets GROUP BY 1, 2;
	DELETE FROM assignment_count;
	INSERT INTO assignment_count (n) SELECT count(*)
	    FROM ticket_assignments WHERE agent_id IS NOT NULL;
END
$$;
REVOKE ALL ON FUNCTION ticket_counts_rebuild() FROM PUBLIC;

SELECT ticket_counts_rebuild();

-- The dashboard's "resolved" per day: the audited moves to Resolved, found
-- by time (admins) or by ticket (the others, through audit_logs_entity_idx)
-- without reading every other change of the last 30 days.
CREATE INDEX audit_logs_resolved_idx ON audit_logs (created_at)
	WHERE entity_type = 'ticket' AND action = 'updated'
	AND (payload #>> '{changes,status,to}') = 'Resolved';
