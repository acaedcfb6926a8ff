-- 005_attachments.sql: what encrypted attachment storage needs (issue 4).
-- file_key is the random name of the encrypted file in UPLOAD_DIR
-- (32 hex characters, never the client's name); the sweep looks files up
-- by it, and no two rows may share one.  Every stored row has its ticket,
-- its type and its size.
CREATE UNIQUE INDEX attachments_file_key_idx ON attachments (file_key);

ALTER TABLE attachments
	ADD CONSTRAINT attachments_file_key_shape
	    CHECK (file_key ~ '^[0-9a-f]{32}$') NOT VALID,
	ADD CONSTRAINT attachments_size_nonneg CHECK (size_bytes >= 0);
