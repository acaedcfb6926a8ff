-- 004_ticket_status_sort.sql: an index behind the sort=status lists.  The
-- list orders by the lifecycle position of the status (lib/db_stmts.c,
-- STATUS_RANK), not by its text, so 001's (status, ...) index cannot serve
-- it.  The expression below must stay identical to STATUS_RANK for the
-- planner to match it.  Read forwards it gives order=desc
-- (rank DESC, created_at DESC, id DESC), backwards order=asc
-- (rank ASC, created_at ASC, id ASC).
CREATE INDEX tickets_status_rank_idx ON tickets (
	(CASE status WHEN 'Open' THEN 0 WHEN 'In Progress' THEN 1
	    WHEN 'Resolved' THEN 2 ELSE 3 END) DESC,
	created_at DESC, id DESC);
