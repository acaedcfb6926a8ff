-- 010_ticket_days.sql: the dashboard's 30 days without reading them
-- (issue 8).
--
-- The admin's dashboard counted the tickets opened and the moves to
-- Resolved of the last 30 days on every view: 13 ms at 100,000 tickets
-- and ten times that at a million (the page served 7 requests/s).  This
-- table holds the same numbers per UTC day, kept by deferred triggers
-- under the audit chain's lock like the counters of 008:
--   opened    tickets whose created_at falls on the day (a deleted
--             ticket no longer counts, as with counting the table)
--   resolved  audited moves to Resolved made on the day (audit rows are
--             never changed or removed: 007)
CREATE TABLE ticket_days (
	day		DATE PRIMARY KEY,
	opened		BIGINT NOT NULL DEFAULT 0,
	resolved	BIGINT NOT NULL DEFAULT 0
);

CREATE FUNCTION ticket_days_add(d DATE, o BIGINT, r BIGINT)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO ticket_days AS t (day, opened, resolved) VALUES (d, o, r)
	    ON CONFLICT (day) DO UPDATE
	    SET opened = t.opened + o, resolved = t.resolved + r;
$$;

CREATE FUNCTION ticket_days_opened() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM ticket_days_add((OLD.created_at AT TIME ZONE 'UTC')::date,
		    -1, 0);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM ticket_days_add((NEW.created_at AT TIME ZONE 'UTC')::date,
		    1, 0);
	END IF;
	RETURN NULL;
END
$$;

CREATE FUNCTION ticket_days_resolved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	PERFORM ticket_days_add((NEW.created_at AT TIME ZONE 'UTC')::date, 0, 1);
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER tickets_days_insert_delete
	AFTER INSERT OR DELETE ON tickets
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION ticket_days_opened();
CREATE CONSTRAINT TRIGGER tickets_days_update
	AFTER UPDATE OF created_at ON tickets
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
	EXECUTE FUNCTION ticket_days_opened();
-- the condition of audit_logs_resolved_idx (008)
CREATE CONSTRAINT TRIGGER audit_logs_days
	AFTER INSERT ON audit_logs
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (NEW.entity_type = 'ticket' AND NEW.action = 'updated'
	    AND (NEW.payload #>> '{changes,status,to}') = 'Resolved')
	EXECUTE FUNCTION ticket_days_resolved();

-- Counts the tables again (this migration, and tests/gen-desk.sql after
-- a bulk load with the triggers disabled).  Owner only.
CREATE FUNCTION ticket_days_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	LOCK TABLE tickets, audit_logs IN SHARE MODE;
	DELETE FROM ticket_days;
	INSERT INTO ticket_days (day, opened, resolved)
	    SELECT day, sum(o), sum(r) FROM (
		SELECT (created_at AT TIME ZONE 'UTC')::date, 1, 0
		FROM tickets
		UNION ALL
		SELECT (created_at AT TIME ZONE 'UTC')::date, 0, 1
		FROM audit_logs WHERE entity_type = 'ticket'
		AND action = 'updated'
		AND (payload #>> '{changes,status,to}') = 'Resolved'
	    ) x(day, o, r) GROUP BY day;
END
$$;
REVOKE ALL ON FUNCTION ticket_days_rebuild() FROM PUBLIC;

SELECT ticket_days_rebuild();
