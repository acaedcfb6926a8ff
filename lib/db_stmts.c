/*
 * SSTS - every SQL statement the application runs, in one table.  No
 * SQL is ever built from strings: values travel as parameters.
 */
#include "ssts.h"

const struct stmt_def db_stmts[STMT__MAX] = {
	/* STMT_PING */
	{ "ping", "SELECT 1", 0 },
	/* STMT_USER_BY_EMAIL */
	{ "user_by_email",
	  "SELECT id, name, email, password_hash, role, is_active, mfa_enabled"
	  " FROM users WHERE email = $1", 1 },
	/* STMT_USER_INSERT */
	{ "user_insert",
	  "INSERT INTO users (name, email, password_hash, role)"
	  " VALUES ($1, $2, $3, $4) RETURNING id", 4 },
	/* STMT_ADMIN_FIRST */
	{ "admin_first",
	  "SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1", 0 },
	/* STMT_SESSION_NEXTID */
	{ "session_nextid",
	  "SELECT nextval(pg_get_serial_sequence('user_sessions', 'id'))", 0 },
	/* STMT_SESSION_INSERT */
	{ "session_insert",
	  "INSERT INTO user_sessions (id, user_id, token_hash, ip_address,"
	  " user_agent, expires_at, last_seen_at) OVERRIDING SYSTEM VALUE"
	  " VALUES ($1, $2, $3, $4, $5, to_timestamp($6), now())", 6 },
	/* STMT_SESSION_AUTH */
	{ "session_auth",
	  "SELECT s.id, u.id, u.name, u.email, u.role, u.is_active,"
	  " u.mfa_enabled, s.expires_at > now(),"
	  " coalesce(s.last_seen_at < now() - interval '60 seconds', true)"
	  " FROM user_sessions s JOIN users u ON u.id = s.user_id"
	  " WHERE s.token_hash = $1 AND s.id = $2 AND NOT s.revoked", 2 },
	/* STMT_SESSION_TOUCH */
	{ "session_touch",
	  "UPDATE user_sessions SET last_seen_at = now() WHERE id = $1", 1 },
	/* STMT_SESSION_REVOKE */
	{ "session_revoke",
	  "UPDATE user_sessions SET revoked = true, revoked_at = now()"
	  " WHERE id = $1 AND NOT revoked", 1 },
	/* STMT_AUDIT_INSERT */
	{ "audit_insert",
	  "INSERT INTO audit_logs (entity_type, entity_id, action,"
	  " performed_by, ip_address, user_agent, payload)"
	  " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)", 7 },
};
