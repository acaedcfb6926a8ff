-- 012_idempotency_keys.sql: safe retries of ticket and comment creation
-- (issue 9).
--
-- A client that sends `Idempotency-Key: <key>` with a write and does not
-- learn its outcome (a timeout, a dropped connection, a restarted
-- database) sends it again with the same key: the first write that
-- committed answers every later one, and nothing is written twice.  The
-- row is written in the same transaction as the ticket or comment, so it
-- exists exactly when the write does.  Keys belong to their user and
-- last 24 hours.
CREATE TABLE idempotency_keys (
	user_id		BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key		VARCHAR(255) NOT NULL,
	-- "POST /api/tickets/12/comments": a key is for one route and target
	route		TEXT NOT NULL,
	-- SHA-256 of method, path, content type and body: a different
	-- request under the same key is refused, never answered as the first
	fingerprint	BYTEA NOT NULL,
	status		SMALLINT NOT NULL,
	response	TEXT NOT NULL,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);
