-- 006_mfa.sql: what multi-factor sign-in and resistance to guessing need
-- (issue 6).
--
-- Recovery codes: ten per user, shown once, stored as argon2id hashes.
-- A code's first four characters are kept in clear as "lookup" so that
-- signing in verifies one hash, not ten; the other ten characters (50
-- bits) are the secret.
CREATE TABLE mfa_recovery_codes (
	id		BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id		BIGINT NOT NULL
			    REFERENCES users (id) ON DELETE CASCADE,
	lookup		CHAR(4) NOT NULL,
	code_hash	VARCHAR(255) NOT NULL,
	used_at		TIMESTAMP WITH TIME ZONE,
	created_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
	UNIQUE (user_id, lookup)
);

-- Failed sign-in proofs (passwords and codes) per e-mail address, known
-- or not, keyed by an HMAC of the address so that unknown addresses are
-- not stored in clear.  Past the free attempts each failure locks the key
-- for a doubling delay; a success deletes the row.
CREATE TABLE login_throttle (
	key		CHAR(64) PRIMARY KEY,
	failures	INT NOT NULL DEFAULT 0,
	locked_until	TIMESTAMP WITH TIME ZONE,
	updated_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
