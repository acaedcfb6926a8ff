-- 011_people_counts.sql: the admin's people without reading them all
-- (issue 8).
--
-- The admin's dashboard counted every account by role on every view, and
-- the admin's forms listed the active agents and admins by reading every
-- account: 20,000 accounts on a desk of a million tickets.
--   user_counts      accounts per (role, is_active), kept by deferred
--                    triggers under the audit chain's lock like the
--                    counters of 008
--   users_staff_idx  the active agents and admins, in the forms' order
CREATE TABLE user_counts (
	role		VARCHAR(16) NOT NULL,
	is_active	BOOLEAN NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (role, is_active)
);

CREATE FUNCTION user_counts_add(r VARCHAR, a BOOLEAN, d BIGINT)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO user_counts AS c (role, is_active, n) VALUES (r, a, d)
	    ON CONFLICT (role, is_active) DO UPDATE SET n = c.n + d;
$$;

CREATE FUNCTION user_counts_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM user_counts_add(OLD.role, OLD.is_active, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM user_counts_add(NEW.role, NEW.is_active, 1);
	END IF;
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER users_count_insert_delete
	AFTER INSERT OR DELETE ON users
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION user_counts_track();
CREATE CONSTRAINT TRIGGER users_count_update
	AFTER UPDATE OF role, is_active ON users
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (OLD.role IS DISTINCT FROM NEW.role OR
	    OLD.is_active IS DISTINCT FROM NEW.is_active)
	EXECUTE FUNCTION user_counts_track();

-- Counts the table again (this migration, and tests/gen-desk.sql after a
-- bulk load with the triggers disabled).  Owner only.
CREATE FUNCTION user_counts_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(5357545302);
	LOCK TABLE users IN SHARE MODE;
	DELETE FROM user_counts;
	INSERT INTO user_counts (role, is_active, n)
	    SELECT role, is_active, count(*) FROM users GROUP BY 1, 2;
END
$$;
REVOKE ALL ON FUNCTION user_counts_rebuild() FROM PUBLIC;

SELECT user_counts_rebuild();

CREATE INDEX users_staff_idx ON users (name, id)
	WHERE is_active AND role IN ('agent', 'admin');
