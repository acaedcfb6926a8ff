-- 001_schema.sql: the original system's schema (ORIGINAL.md §4), same table and
-- column names, types and constraints, plus SSTS's fixes: case-insensitive
-- unique e-mail, session bookkeeping, full-text search, an index behind every
-- list, and an audit log that nobody can rewrite.
--
-- Applied once by sql/migrate.sh inside one transaction.  Never edit this file
-- after it has been applied anywhere: add sql/NNN_name.sql instead.

-- Keeps updated_at current on every UPDATE (users, tickets).
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TABLE users (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		VARCHAR(255) NOT NULL,
	email		VARCHAR(255) NOT NULL UNIQUE,
	password_hash	VARCHAR(255) NOT NULL,
	role		VARCHAR(16) NOT NULL
			    CHECK (role IN ('client', 'agent', 'admin')),
	is_active	BOOLEAN NOT NULL DEFAULT TRUE,
	mfa_enabled	BOOLEAN NOT NULL DEFAULT FALSE,
	mfa_secret	VARCHAR(255),
	-- last TOTP counter accepted: a code at or below it is a replay
	mfa_last_counter BIGINT,
	-- per-account login throttling (consecutive failures, back-off)
	failed_logins	INT NOT NULL DEFAULT 0,
	locked_until	TIMESTAMP WITH TIME ZONE,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	updated_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
-- The application stores e-mail trimmed and lower-cased; this makes a
-- differently-cased duplicate impossible even for a writer that does not.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TRIGGER touch_users_updated_at
	BEFORE UPDATE ON users
	FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE categories (
	id		SMALLINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		VARCHAR(128) NOT NULL UNIQUE,
	description	TEXT
);

CREATE TABLE priorities (
	id		SMALLINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		VARCHAR(32) NOT NULL UNIQUE,
	rank		SMALLINT NOT NULL
);

CREATE TABLE tickets (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title		VARCHAR(255) NOT NULL,
	description	TEXT NOT NULL,
	status		VARCHAR(32) NOT NULL DEFAULT 'Open'
			    CHECK (status IN ('Open', 'In Progress', 'Resolved', 'Closed')),
	created_by	BIGINT NOT NULL
			    REFERENCES users (id) ON DELETE CASCADE,
	category_id	SMALLINT
			    REFERENCES categories (id) ON DELETE SET NULL,
	priority_id	SMALLINT
			    REFERENCES priorities (id) ON DELETE SET NULL,
	-- full-text search over title and description, kept by a trigger
	search		TSVECTOR NOT NULL DEFAULT ''::tsvector,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	updated_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

CREATE TRIGGER touch_tickets_updated_at
	BEFORE UPDATE ON tickets
	FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- 'simple' configuration: no language guess, no stemming surprises; the
-- same configuration must be used by the queries (to_tsquery('simple', ...)).
CREATE FUNCTION tickets_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.search := to_tsvector('simple',
	    coalesce(NEW.title, '') || ' ' || coalesce(NEW.description, ''));
	RETURN NEW;
END
$$;

CREATE TRIGGER tickets_search_refresh
	BEFORE INSERT OR UPDATE OF title, description ON tickets
	FOR EACH ROW EXECUTE FUNCTION tickets_search_update();

-- Every ticket list sorts newest first with id as the tie-breaker (keyset).
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_created_by_idx ON tickets (created_by, created_at DESC, id DESC);
CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC, id DESC);
CREATE INDEX tickets_category_id_idx ON tickets (category_id);
CREATE INDEX tickets_priority_id_idx ON tickets (priority_id);
CREATE INDEX tickets_search_idx ON tickets USING GIN (search);

CREATE TABLE ticket_comments (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ticket_id	BIGINT NOT NULL
			    REFERENCES tickets (id) ON DELETE CASCADE,
	user_id		BIGINT
			    REFERENCES users (id) ON DELETE SET NULL,
	message		TEXT NOT NULL,
	is_internal	BOOLEAN NOT NULL DEFAULT FALSE,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX ticket_comments_ticket_idx ON ticket_comments (ticket_id, created_at);

-- No unique constraint, as the original: the application keeps at most one
-- row per ticket by delete-then-insert in one transaction.
CREATE TABLE ticket_assignments (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ticket_id	BIGINT NOT NULL
			    REFERENCES tickets (id) ON DELETE CASCADE,
	agent_id	BIGINT
			    REFERENCES users (id) ON DELETE SET NULL,
	assigned_by	BIGINT
			    REFERENCES users (id) ON DELETE SET NULL,
	note		TEXT,
	assigned_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX ticket_assignments_ticket_idx ON ticket_assignments (ticket_id);
CREATE INDEX ticket_assignments_agent_idx ON ticket_assignments (agent_id, ticket_id);

CREATE TABLE attachments (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ticket_id	BIGINT
			    REFERENCES tickets (id) ON DELETE CASCADE,
	file_key	VARCHAR(1024) NOT NULL,
	filename	VARCHAR(512),
	content_type	VARCHAR(255),
	size_bytes	BIGINT,
	uploaded_by	BIGINT
			    REFERENCES users (id) ON DELETE SET NULL,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id);

CREATE TABLE audit_logs (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	entity_type	VARCHAR(64) NOT NULL,
	entity_id	BIGINT,
	action		VARCHAR(64) NOT NULL,
	performed_by	BIGINT
			    REFERENCES users (id) ON DELETE SET NULL,
	ip_address	VARCHAR(45),
	user_agent	TEXT,
	payload		JSONB,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_created_idx ON audit_logs (created_at DESC, id DESC);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id, created_at DESC);
CREATE INDEX audit_logs_performed_by_idx ON audit_logs (performed_by);

-- The audit log is append-only.  The application role has no UPDATE, DELETE
-- or TRUNCATE privilege (sql/grants.sql); this trigger stops the owner too.
-- Consequence: a user who appears in the audit log cannot be deleted (the
-- ON DELETE SET NULL above would rewrite history); deactivate instead.
CREATE FUNCTION audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_logs_no_update_delete
	BEFORE UPDATE OR DELETE ON audit_logs
	FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();

CREATE TRIGGER audit_logs_no_truncate
	BEFORE TRUNCATE ON audit_logs
	FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

CREATE TABLE user_sessions (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id		BIGINT NOT NULL
			    REFERENCES users (id) ON DELETE CASCADE,
	-- sha-256 hex of the JWT; UNIQUE is its index (the original had a
	-- second, redundant one)
	token_hash	VARCHAR(255) NOT NULL UNIQUE,
	ip_address	VARCHAR(45),
	user_agent	TEXT,
	expires_at	TIMESTAMP WITH TIME ZONE NOT NULL,
	revoked		BOOLEAN NOT NULL DEFAULT FALSE,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	last_seen_at	TIMESTAMP WITH TIME ZONE,
	revoked_at	TIMESTAMP WITH TIME ZONE
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_idx ON user_sessions (expires_at);
