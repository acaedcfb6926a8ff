-- grants.sql: least privilege for the application's database role.
-- Re-applied by sql/migrate.sh after every migration run (idempotent), as a
-- role that may create roles (the embedded cluster's owner).
--
-- ssts_app: log in, read and write the data tables, INSERT/SELECT only on
-- audit_logs, read-only on schema_migrations, no DDL anywhere, no TEMP.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ssts_app') THEN
		CREATE ROLE ssts_app LOGIN;
	END IF;
END
$$;
ALTER ROLE ssts_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS INHERIT;
-- A runaway query or a transaction left open must not hold a worker or locks.
ALTER ROLE ssts_app SET statement_timeout = '5s';
ALTER ROLE ssts_app SET idle_in_transaction_session_timeout = '10s';
-- The list's statements take optional filters ($n IS NULL OR ...): a cached
-- generic plan cannot use the right index for them, so always plan with
-- the values (lib/db.c also asks for this on every connection).
ALTER ROLE ssts_app SET plan_cache_mode = force_custom_plan;

-- This database belongs to SSTS: only its roles connect, nobody makes temp tables.
DO $$
BEGIN
	EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO ssts_app', current_database());
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM ssts_app;
GRANT USAGE ON SCHEMA public TO ssts_app;

-- Start from nothing so that a privilege removed here is removed there too.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ssts_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ssts_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ssts_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ssts_app;

-- Append-only audit trail (a trigger also refuses UPDATE/DELETE/TRUNCATE).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM ssts_app;
DO $$
BEGIN
	IF to_regclass('public.audit_chain') IS NOT NULL THEN
		REVOKE UPDATE, DELETE, TRUNCATE ON audit_chain FROM ssts_app;
	END IF;
END
$$;

-- Migration bookkeeping is readable (schema version) but never writable.
DO $$
BEGIN
	IF to_regclass('public.schema_migrations') IS NOT NULL THEN
		REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ssts_app;
	END IF;
END
$$;
