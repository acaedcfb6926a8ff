-- 007_audit_chain.sql: tamper evidence for the audit log (issue 7).
--
-- Every committed audit row gets one link in audit_chain: its position
-- (seq, 1, 2, 3 ... without gaps), the previous link's hash, and its own
-- hash = sha256(prev_hash || audit_content(row, seq)), where the content is
-- a canonical JSON text of every column of the row.  Changing, removing or
-- inserting a row behind the application's back breaks a link, which the
-- verifier (sstsctl audit-verify, GET /api/audit/verify) reports.
--
-- Links are written by a deferred constraint trigger, i.e. at COMMIT,
-- under a transaction-level advisory lock: links follow the commit order,
-- and the lock is held only while a transaction commits, never while it
-- does its work (a file upload, a password hash).
CREATE TABLE audit_chain (
	seq		BIGINT PRIMARY KEY CHECK (seq > 0),
	audit_id	BIGINT NOT NULL UNIQUE REFERENCES audit_logs (id),
	prev_hash	BYTEA NOT NULL CHECK (octet_length(prev_hash) = 32),
	row_hash	BYTEA NOT NULL CHECK (octet_length(row_hash) = 32)
);

-- What a link's hash covers.  Timestamps as UTC text with microseconds,
-- the payload as jsonb prints it (its canonical form).
CREATE FUNCTION audit_content(a audit_logs, seq BIGINT) RETURNS TEXT
LANGUAGE sql STABLE AS $$
	SELECT json_build_array(seq, a.id, a.entity_type, a.entity_id,
	    a.action, a.performed_by, a.ip_address, a.user_agent, a.payload,
	    to_char(a.created_at AT TIME ZONE 'UTC',
	    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
$$;

CREATE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	n	BIGINT;
	prev	BYTEA;
BEGIN
	-- One chain, one lock (a key of its own; 5357545301 guards admins).
	PERFORM pg_advisory_xact_lock(5357545302);
	-- A new statement, hence a new snapshot: the last link committed.
	SELECT c.seq, c.row_hash INTO n, prev
	    FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
	n := coalesce(n, 0) + 1;
	prev := coalesce(prev, decode(repeat('00', 32), 'hex'));
	INSERT INTO audit_chain (seq, audit_id, prev_hash, row_hash)
	    VALUES (n, NEW.id, prev,
	    sha256(prev || convert_to(audit_content(NEW, n), 'UTF8')));
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_logs_chain
	AFTER INSERT ON audit_logs
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION audit_chain_link();

-- The chain is append-only too.
CREATE TRIGGER audit_chain_no_update_delete
	BEFORE UPDATE OR DELETE ON audit_chain
	FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_chain_no_truncate
	BEFORE TRUNCATE ON audit_chain
	FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

-- Links every row that has none, in the order of their ids: the rows
-- written before this migration, and bulk loads made with the trigger
-- disabled (tests/gen-desk.sql).  Returns how many it linked.  Only the
-- owner may run it: linking a row slipped in behind the application's
-- back would hide it from the verifier.
CREATE FUNCTION audit_chain_extend() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
	a	audit_logs;
	n	BIGINT;
	prev	BYTEA;
	h	BYTEA;
	done	BIGINT := 0;
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	SELECT c.seq, c.row_hash INTO n, prev
	    FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
	n := coalesce(n, 0);
	prev := coalesce(prev, decode(repeat('00', 32), 'hex'));
	FOR a IN SELECT * FROM audit_logs l WHERE NOT EXISTS (SELECT 1
	    FROM audit_chain c WHERE c.audit_id = l.id) ORDER BY l.id LOOP
		n := n + 1;
		h := sha256(prev || convert_to(audit_content(a, n), 'UTF8'));
		INSERT INTO audit_chain (seq, audit_id, prev_hash, row_hash)
		    VALUES (n, a.id, prev, h);
		prev := h;
		done := done + 1;
	END LOOP;
	RETURN done;
END
$$;
REVOKE ALL ON FUNCTION audit_chain_extend() FROM PUBLIC;

SELECT audit_chain_extend();

-- The audit page's filters: by action, and by who, newest first.
CREATE INDEX audit_logs_action_idx ON audit_logs (action, created_at DESC, id DESC);
CREATE INDEX audit_logs_performer_time_idx
	ON audit_logs (performed_by, created_at DESC, id DESC);
DROP INDEX audit_logs_performed_by_idx;
