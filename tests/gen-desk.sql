-- tests/gen-desk.sql: fills an SSTS database with a realistic help desk for
-- benchmarks and list/search checks (DESIGN.md §6: 100,000 tickets).
--
--   psql "$(sql/pg.sh url owner)" -v tickets=100000 -f tests/gen-desk.sql
--
-- Run as the owner after sql/migrate.sh (needs 003: comment search, one
-- assignment per ticket, and the seeded categories 1-7 and priorities 1-4).
-- Builds, in one transaction:
--   users     about 2% as many as tickets: 2 admins, up to 50 agents, the
--             rest clients (about 1% of them deactivated); e-mails
--             gen-<role>-<n>@example.com; a fixed argon2id-shaped hash
--             nobody knows a password for (nobody signs in as them)
--   tickets   over the last two years, more of them recently (the client
--             base grows); statuses by age (old ones mostly Closed, the
--             last days mostly Open / In Progress); weighted categories
--             and priorities (a few without)
--   ticket_assignments  about 70%, one row each, made by an admin
--   ticket_comments     about 3 per ticket, a third of them internal notes
--   audit_logs          created / assigned / updated (each status step) /
--             commented, as the application writes them (INSERT only)
-- Text comes from a small vocabulary, so full-text search has realistic
-- hits ("printer", "invoice", "vpn", "refund", ...).
--
-- Runs once: a database that already holds gen-*@example.com users is
-- refused.  Constraints and foreign keys all apply; the audit hash chain's
-- trigger, the counters' (sql/008, 010, 011) and the search documents'
-- (sql/009) are replaced by one pass of audit_chain_extend(),
-- ticket_counts_rebuild(), ticket_days_rebuild(), user_counts_rebuild(),
-- ticket_search_rebuild() and (the list items' parts, sql/013)
-- ticket_list_json_rebuild() at the end.  The
-- tickets table is write-locked while it runs (readers go on); the audit
-- log is locked entirely.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?tickets}
\else
\set tickets 100000
\endif

SELECT :'tickets' ~ '^[1-9][0-9]{0,7}$' AS gen_ok \gset
\if :gen_ok
\else
\echo 'gen-desk: -v tickets=N needs a whole number from 1 to 99999999'
DO $$ BEGIN RAISE EXCEPTION 'gen-desk: bad -v tickets'; END $$;
\endif

-- Sizes: users ~2% of tickets (at least 12), agents up to 50, 2 admins.
SELECT greatest(:tickets / 50, 12) AS users,
    least(50, greatest(2, greatest(:tickets / 50, 12) / 10)) AS agents,
    2 AS admins \gset gen_
SELECT :gen_users - :gen_agents - :gen_admins AS clients \gset gen_
\echo gen-desk: :tickets tickets, :gen_clients clients, :gen_agents agents, :gen_admins admins

BEGIN;
SET LOCAL statement_timeout = 0;
SET LOCAL work_mem = '64MB';
SET LOCAL client_min_messages = warning;

-- One generator at a time; then the guard against a second run.
SELECT pg_advisory_xact_lock(hashtext('ssts.gen-desk')) \g /dev/null
-- The counters (sql/008) are counted once at the end, not row by row.
ALTER TABLE tickets DISABLE TRIGGER tickets_count_insert_delete;
ALTER TABLE tickets DISABLE TRIGGER tickets_count_update;
ALTER TABLE tickets DISABLE TRIGGER tickets_days_insert_delete;
ALTER TABLE users DISABLE TRIGGER users_count_insert_delete;
ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_days;
ALTER TABLE ticket_assignments DISABLE TRIGGER assignments_count;
ALTER TABLE ticket_comments DISABLE TRIGGER ticket_comments_search;
ALTER TABLE tickets DISABLE TRIGGER tickets_creator_json;
ALTER TABLE ticket_assignments DISABLE TRIGGER assignments_list_json;
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM users WHERE email LIKE 'gen-%@example.com') THEN
		RAISE EXCEPTION 'gen-desk: this database already holds generated data '
		    '(users gen-*@example.com); refusing to run twice';
	END IF;
	IF to_regclass('public.schema_migrations') IS NULL OR NOT EXISTS
	    (SELECT 1 FROM schema_migrations WHERE name = '003_tickets.sql') THEN
		RAISE EXCEPTION 'gen-desk: run sql/migrate.sh first (003_tickets.sql missing)';
	END IF;
	IF (SELECT count(*) FROM categories WHERE id BETWEEN 1 AND 7) <> 7 OR
	    (SELECT count(*) FROM priorities WHERE id BETWEEN 1 AND 4) <> 4 THEN
		RAISE EXCEPTION 'gen-desk: the seeded categories 1-7 and priorities 1-4 are needed';
	END IF;
END
$$;

-- The vocabulary (one row, cross-joined; random() picks per row).
CREATE TEMP TABLE gen_vocab ON COMMIT DROP AS
SELECT
    ARRAY['Anna', 'Ben', 'Carla', 'David', 'Elif', 'Farid', 'Greta', 'Hugo',
	'Ines', 'Jonas', 'Kemal', 'Lena', 'Marco', 'Nadia', 'Oskar', 'Priya',
	'Quentin', 'Rosa', 'Sven', 'Tomasz', 'Ute', 'Viktor', 'Wen', 'Yusuf']
	AS first,
    ARRAY['Keller', 'Novak', 'Garcia', 'Smith', 'Yilmaz', 'Rossi', 'Larsen',
	'Dubois', 'Kowalski', 'Schmidt', 'Okafor', 'Tanaka', 'Silva', 'Meyer',
	'Hansen', 'Fischer', 'Moreau', 'Costa', 'Berg', 'Wagner'] AS last,
    ARRAY['Cannot log in to', 'Error when opening', 'Slow response from',
	'Question about', 'Request access to', 'Crash in', 'Wrong total on',
	'Timeout in', 'Password reset for', 'Feature idea for',
	'Blank page in', 'Duplicate charge on', 'Sync problem with',
	'Cannot export from', 'Missing data in'] AS verb,
    ARRAY['the billing portal', 'the mobile app', 'the VPN', 'the dashboard',
	'invoice export', 'the printer on floor 3', 'email sync',
	'the reports page', 'two-factor login', 'the API', 'the shared drive',
	'my account', 'the calendar', 'the CSV import', 'the customer portal',
	'the monthly invoice', 'the refund form', 'the laptop dock'] AS object,
    ARRAY['Since this morning I get an error message and cannot continue.',
	'It worked fine last week, nothing changed on my side.',
	'The page shows a timeout after about thirty seconds.',
	'Our team of five users is affected, not only me.',
	'I already tried another browser and cleared the cache.',
	'The invoice amount does not match the order confirmation.',
	'The printer prints blank pages or nothing at all.',
	'After the update the app crashes when I open settings.',
	'I need this fixed before the end of the month closing.',
	'The VPN connects but then drops after a few minutes.',
	'I did not receive the password reset email.',
	'Please refund the duplicate payment to my credit card.',
	'The export file is empty although the report shows rows.',
	'Could you add an option to filter by date range?',
	'Screenshots are attached, the error code is 0x80070005.',
	'Two-factor codes from my phone are rejected.',
	'This blocks our customers from placing orders.',
	'It only happens on Mondays when the weekly sync runs.'] AS sentence,
    ARRAY['Thanks for reporting this, we are looking into it.',
	'Could you send us the exact error message and the time it happened?',
	'We reproduced the problem and a fix is on the way.',
	'Please try again now, the service was restarted.',
	'The refund was issued and should arrive within five business days.',
	'I reset your password, please check your email.',
	'Which version of the mobile app are you using?',
	'The printer driver was updated, please print a test page.',
	'We corrected the invoice and sent a new copy.',
	'It works now, thank you very much!',
	'Still the same error on my side, sorry.',
	'Any news on this? It is getting urgent.',
	'The VPN profile was renewed, please reconnect.',
	'Closing this as solved, reply if it comes back.'] AS reply,
    ARRAY['Internal: same root cause as the sync outage last week.',
	'Internal: customer is on the enterprise plan, priority handling.',
	'Internal: escalated to the billing team.',
	'Internal: known bug, waiting for the next release.',
	'Internal: could not reproduce on staging.',
	'Internal: checked the logs, timeout in the database query.',
	'Internal: refund approved by finance.',
	'Internal: printer queue was stuck, cleared it.',
	'Internal: second duplicate ticket from this customer.'] AS note,
    ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15',
	'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Mobile/15E148',
	'curl/8.5.0'] AS ua;

-- Users.  created_at: staff two years and a bit ago, clients spread over
-- the whole period (their tickets come after they registered).
INSERT INTO users (name, email, password_hash, role, is_active, created_at,
    updated_at)
SELECT v.first[1 + floor(random() * cardinality(v.first))::int] || ' ' ||
	v.last[1 + floor(random() * cardinality(v.last))::int],
    format('gen-%s-%s@example.com', u.role, u.n),
    '$argon2id$v=19$m=65536,t=2,p=1$Z2VuLWRlc2stbm9sb2dpbg$'
	'kJz1mV3qX8nR2wT5yB7cE9gH0jL4pS6uA1dF3hK5mN0',
    u.role,
    u.role <> 'client' OR random() >= 0.01,
    u.at, u.at
FROM (
	SELECT 'admin' AS role, g AS n,
	    now() - interval '760 days' AS at
	FROM generate_series(1, :gen_admins) g
	UNION ALL
	SELECT 'agent', g, now() - interval '750 days' + g * interval '1 day'
	FROM generate_series(1, :gen_agents) g
	UNION ALL
	SELECT 'client', g, now() - interval '730 days' * random() - interval '1 day'
	FROM generate_series(1, :gen_clients) g
) u CROSS JOIN gen_vocab v;

-- Ordinals for picking a random user of a role by number.
CREATE TEMP TABLE gen_users ON COMMIT DROP AS
SELECT role, row_number() OVER (PARTITION BY role ORDER BY id)::int AS n,
    id, created_at
FROM users
WHERE email LIKE 'gen-%@example.com';
CREATE UNIQUE INDEX ON gen_users (role, n);
ANALYZE gen_users;

-- Tickets get explicit ids after the current ones (so that comments,
-- assignments and audit rows can refer to them): writers wait meanwhile.
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;
SELECT greatest(
    (SELECT coalesce(max(id), 0) FROM tickets),
    coalesce(pg_sequence_last_value(pg_get_serial_sequence('tickets', 'id')::regclass), 0)
) AS base \gset gen_

-- Every generated ticket's facts, decided once.
CREATE TEMP TABLE gen_pick ON COMMIT DROP AS
SELECT g AS n,
    1 + floor(random() * :gen_clients)::int AS client_n,
    1 + floor(random() * :gen_agents)::int AS agent_n,
    1 + floor(random() * :gen_admins)::int AS admin_n,
    random() AS r_time, random() AS r_status, random() AS r_assign,
    random() AS r_span, random() AS r_cat, random() AS r_prio,
    random() AS r_com
FROM generate_series(1, :tickets) g;
ANALYZE gen_pick;

CREATE TEMP TABLE gen_t1 ON COMMIT DROP AS
SELECT p.*, :gen_base + p.n AS id, c.id AS created_by,
    c.created_at + (now() - c.created_at) * p.r_time AS created_at,
    a.id AS handler, ad.id AS admin_id
FROM gen_pick p
JOIN gen_users c ON c.role = 'client' AND c.n = p.client_n
JOIN gen_users a ON a.role = 'agent' AND a.n = p.agent_n
JOIN gen_users ad ON ad.role = 'admin' AND ad.n = p.admin_n;

-- Status by age: the last days are mostly Open / In Progress, a month or
-- more back almost everything is Closed.
CREATE TEMP TABLE gen_t2 ON COMMIT DROP AS
SELECT t.*,
    CASE
	WHEN now() - t.created_at < interval '3 days' THEN
	    CASE WHEN r_status < 0.55 THEN 'Open'
		WHEN r_status < 0.85 THEN 'In Progress'
		WHEN r_status < 0.97 THEN 'Resolved' ELSE 'Closed' END
	WHEN now() - t.created_at < interval '30 days' THEN
	    CASE WHEN r_status < 0.15 THEN 'Open'
		WHEN r_status < 0.45 THEN 'In Progress'
		WHEN r_status < 0.70 THEN 'Resolved' ELSE 'Closed' END
	ELSE
	    CASE WHEN r_status < 0.02 THEN 'Open'
		WHEN r_status < 0.05 THEN 'In Progress'
		WHEN r_status < 0.15 THEN 'Resolved' ELSE 'Closed' END
    END AS status,
    CASE WHEN r_cat < 0.25 THEN 1 WHEN r_cat < 0.45 THEN 2
	WHEN r_cat < 0.55 THEN 3 WHEN r_cat < 0.78 THEN 4
	WHEN r_cat < 0.87 THEN 5 WHEN r_cat < 0.94 THEN 6
	WHEN r_cat < 0.97 THEN 7 END::smallint AS category_id,
    CASE WHEN r_prio < 0.05 THEN 1 WHEN r_prio < 0.25 THEN 2
	WHEN r_prio < 0.75 THEN 3 WHEN r_prio < 0.96 THEN 4 END::smallint
	AS priority_id
FROM gen_t1 t;

-- Assignment (In Progress always, Resolved/Closed mostly, Open rarely),
-- last change, comment count; unassigned tickets are handled by admins.
CREATE TEMP TABLE gen_t ON COMMIT DROP AS
SELECT t.*,
    CASE WHEN t.status = 'In Progress'
	    OR (t.status = 'Resolved' AND t.r_assign < 0.90)
	    OR (t.status = 'Closed' AND t.r_assign < 0.66)
	    OR (t.status = 'Open' AND t.r_assign < 0.25)
	THEN t.handler END AS agent_id,
    least(now(), t.created_at + CASE WHEN t.status = 'Open'
	THEN interval '1 day' * t.r_span
	ELSE interval '1 hour' + interval '20 days' * t.r_span * t.r_span END)
	AS updated_at,
    CASE WHEN t.status = 'Open' THEN floor(t.r_com * 3)
	ELSE floor(t.r_com * 7) END::int AS ncom,
    v.verb[1 + floor(random() * cardinality(v.verb))::int] || ' ' ||
	v.object[1 + floor(random() * cardinality(v.object))::int] AS title,
    v.sentence[1 + floor(random() * cardinality(v.sentence))::int] || ' ' ||
	v.sentence[1 + floor(random() * cardinality(v.sentence))::int] ||
	CASE WHEN random() < 0.5 THEN ' ' ||
	    v.sentence[1 + floor(random() * cardinality(v.sentence))::int]
	ELSE '' END AS description
FROM gen_t2 t CROSS JOIN gen_vocab v;
ALTER TABLE gen_t ADD COLUMN assigned_at timestamptz;
UPDATE gen_t SET assigned_at = created_at +
    (updated_at - created_at) * 0.2 * r_assign WHERE agent_id IS NOT NULL;
-- the status steps taken: along the lifecycle, or Open -> Closed straight
-- by the client when nobody was ever assigned
ALTER TABLE gen_t ADD COLUMN path text[];
UPDATE gen_t SET path = CASE
    WHEN status = 'Closed' AND agent_id IS NULL THEN ARRAY['Open', 'Closed']
    ELSE (ARRAY['Open', 'In Progress', 'Resolved', 'Closed'])[1:array_position(
	ARRAY['Open', 'In Progress', 'Resolved', 'Closed'], status)] END;
CREATE UNIQUE INDEX ON gen_t (id);
ANALYZE gen_t;

\echo gen-desk: users done, inserting tickets
INSERT INTO tickets (id, title, description, status, created_by, category_id,
    priority_id, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT id, title, description, status, created_by, category_id, priority_id,
    created_at, updated_at
FROM gen_t
ORDER BY id;
SELECT setval(pg_get_serial_sequence('tickets', 'id'), :gen_base + :tickets) \g /dev/null

INSERT INTO ticket_assignments (ticket_id, agent_id, assigned_by, note,
    assigned_at)
SELECT id, agent_id, admin_id,
    CASE WHEN random() < 0.3 THEN 'Please take this one.' END, assigned_at
FROM gen_t
WHERE agent_id IS NOT NULL
ORDER BY id;

\echo gen-desk: inserting comments
-- Comment j of n lies in the j-th slice of the ticket's active time.  A
-- third are internal notes by the handling agent; the rest alternate
-- between the client and the agent.
INSERT INTO ticket_comments (ticket_id, user_id, message, is_internal,
    created_at)
SELECT c.id,
    CASE WHEN c.internal OR random() < 0.5 THEN coalesce(c.agent_id, c.handler)
	ELSE c.created_by END,
    CASE WHEN c.internal THEN
	v.note[1 + floor(random() * cardinality(v.note))::int]
    ELSE v.reply[1 + floor(random() * cardinality(v.reply))::int] ||
	CASE WHEN random() < 0.4 THEN ' ' ||
	    v.sentence[1 + floor(random() * cardinality(v.sentence))::int]
	ELSE '' END
    END,
    c.internal,
    c.created_at + (c.updated_at - c.created_at) * (c.j - 1 + random()) / c.ncom
FROM (
	SELECT t.id, t.agent_id, t.handler, t.created_by, t.created_at,
	    t.updated_at, t.ncom, j, random() < 1.0 / 3 AS internal
	FROM gen_t t, generate_series(1, t.ncom) j
) c CROSS JOIN gen_vocab v
ORDER BY c.id, c.j;

\echo gen-desk: inserting audit rows
-- As the application writes them: entity ticket, BIGINT ids as strings.
-- Linked into the hash chain in one pass afterwards, rather than by the
-- commit-time trigger one row at a time (millions of queued events).
ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_chain;
INSERT INTO audit_logs (entity_type, entity_id, action, performed_by,
    ip_address, user_agent, payload, created_at)
SELECT 'ticket', e.id, e.action, e.by,
    format('10.%s.%s.%s', floor(random() * 256)::int,
	floor(random() * 256)::int, 1 + floor(random() * 254)::int),
    v.ua[1 + floor(random() * cardinality(v.ua))::int],
    e.payload, e.at
FROM (
	SELECT id, 'created' AS action, created_by AS by, created_at AS at,
	    jsonb_build_object('title', title, 'status', 'Open',
		'priority_id', priority_id, 'category_id', category_id) AS payload
	FROM gen_t
	UNION ALL
	SELECT id, 'assigned', admin_id, assigned_at,
	    jsonb_build_object('old_agent_id', NULL,
		'new_agent_id', agent_id::text, 'note', NULL)
	FROM gen_t
	WHERE agent_id IS NOT NULL
	UNION ALL
	-- step k takes path[k] to path[k+1]; the client closes, staff do
	-- the rest (an admin when nobody is assigned)
	SELECT t.id, 'updated',
	    CASE WHEN t.path[k + 1] = 'Closed' THEN t.created_by
		ELSE coalesce(t.agent_id, t.admin_id) END,
	    s.at,
	    jsonb_build_object('changes', jsonb_build_object('status',
		jsonb_build_object('from', t.path[k], 'to', t.path[k + 1])),
		'timestamp', to_char(s.at AT TIME ZONE 'UTC',
		    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
	FROM gen_t t,
	    generate_series(1, cardinality(t.path) - 1) k,
	    LATERAL (SELECT coalesce(t.assigned_at, t.created_at) +
		(t.updated_at - coalesce(t.assigned_at, t.created_at)) * k /
		(cardinality(t.path) - 1) AS at) s
	UNION ALL
	SELECT c.ticket_id, 'commented', c.user_id, c.created_at,
	    jsonb_build_object('comment_id', c.id::text,
		'is_internal', c.is_internal,
		'message_preview', left(c.message, 100))
	FROM ticket_comments c
	WHERE c.ticket_id > :gen_base
) e CROSS JOIN gen_vocab v
ORDER BY e.at;
ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_chain;
\echo gen-desk: linking the audit rows into the hash chain
SELECT audit_chain_extend() AS linked \gset
ALTER TABLE tickets ENABLE TRIGGER tickets_count_insert_delete;
ALTER TABLE tickets ENABLE TRIGGER tickets_count_update;
ALTER TABLE ticket_assignments ENABLE TRIGGER assignments_count;
ALTER TABLE tickets ENABLE TRIGGER tickets_days_insert_delete;
ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_days;
SELECT ticket_counts_rebuild() \g /dev/null
SELECT ticket_days_rebuild() \g /dev/null
ALTER TABLE users ENABLE TRIGGER users_count_insert_delete;
SELECT user_counts_rebuild() \g /dev/null
\echo gen-desk: search documents
ALTER TABLE ticket_comments ENABLE TRIGGER ticket_comments_search;
SELECT ticket_search_rebuild() \g /dev/null
ALTER TABLE tickets ENABLE TRIGGER tickets_creator_json;
ALTER TABLE ticket_assignments ENABLE TRIGGER assignments_list_json;
SELECT ticket_list_json_rebuild() \g /dev/null

COMMIT;

\echo gen-desk: analyzing
ANALYZE users;
ANALYZE tickets;
ANALYZE ticket_assignments;
ANALYZE ticket_comments;
ANALYZE audit_logs;

\set QUIET off
\pset footer off
SELECT count(*) AS users,
    count(*) FILTER (WHERE role = 'client') AS clients,
    count(*) FILTER (WHERE role = 'agent') AS agents,
    count(*) FILTER (WHERE role = 'admin') AS admins
FROM users WHERE email LIKE 'gen-%@example.com';
SELECT status, count(*), round(100.0 * count(*) / sum(count(*)) OVER (), 1)
    AS pct
FROM tickets WHERE id > :gen_base GROUP BY status ORDER BY 2 DESC;
SELECT count(*) AS tickets,
    round(100.0 * count(a.id) / count(*), 1) AS pct_assigned,
    min(t.created_at)::date AS oldest, max(t.created_at)::date AS newest
FROM tickets t LEFT JOIN ticket_assignments a ON a.ticket_id = t.id
WHERE t.id > :gen_base;
SELECT count(*) AS comments,
    round(count(*)::numeric / :tickets, 2) AS per_ticket,
    round(100.0 * count(*) FILTER (WHERE is_internal) / count(*), 1)
	AS pct_internal
FROM ticket_comments WHERE ticket_id > :gen_base;
SELECT count(*) AS audit_rows, round(count(*)::numeric / :tickets, 2) AS per_ticket
FROM audit_logs WHERE entity_type = 'ticket' AND entity_id > :gen_base;
