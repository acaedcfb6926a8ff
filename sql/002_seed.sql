-- 002_seed.sql: the original's reference rows (ORIGINAL.md §4): seven
-- categories and four priorities with fixed ids, inserted only into empty
-- tables.  No users: the first admin comes from `sstsctl bootstrap-admin`
-- and there are no default credentials.

INSERT INTO categories (id, name, description)
OVERRIDING SYSTEM VALUE
SELECT v.id, v.name, v.description
FROM (VALUES
	(1, 'General', 'General questions and requests'),
	(2, 'Bug Report', 'Something does not work as it should'),
	(3, 'Feature Request', 'Ideas and requests for new functionality'),
	(4, 'Technical Support', 'Help with installation, configuration or use'),
	(5, 'Account Issue', 'Sign-in, profile and account access problems'),
	(6, 'Billing', 'Invoices, payments and subscriptions'),
	(7, 'Security', 'Security concerns and vulnerability reports')
) AS v (id, name, description)
WHERE NOT EXISTS (SELECT 1 FROM categories);

INSERT INTO priorities (id, name, rank)
OVERRIDING SYSTEM VALUE
SELECT v.id, v.name, v.rank
FROM (VALUES
	(1, 'Critical', 1),
	(2, 'High', 2),
	(3, 'Medium', 3),
	(4, 'Low', 4)
) AS v (id, name, rank)
WHERE NOT EXISTS (SELECT 1 FROM priorities);

-- Explicit ids do not advance the identity sequences: move them past the
-- seeded rows so the next category or priority created gets a fresh id.
SELECT setval(pg_get_serial_sequence('categories', 'id'),
    (SELECT coalesce(max(id), 0) + 1 FROM categories), false);
SELECT setval(pg_get_serial_sequence('priorities', 'id'),
    (SELECT coalesce(max(id), 0) + 1 FROM priorities), false);
