/*
 * SSTS - a user's own sessions (lib/sessions.c): the signed-in devices
 * listed on /security and by GET /api/auth/sessions, revoked one at a
 * time or all at once.  Only the caller's own sessions are ever seen or
 * touched; every revocation is audited in the same transaction.
 */
#ifndef SSTS_SESSIONS_H
#define SSTS_SESSIONS_H

/*
 * The caller's live sessions, the current one first:
 * [{id, created_at, last_seen_at, expires_at, ip_address, user_agent,
 * current}]; NULL if the database failed.
 */
cJSON		*sessions_list(struct req *);
/* Revokes one of the caller's live sessions: CORE_ENOTFOUND if none. */
enum core_err	 sessions_revoke(struct req *, int64_t id);
/* Revokes all the caller's sessions, or all but the current one. */
enum core_err	 sessions_revoke_all(struct req *, int keep_current,
		    int64_t *revoked);

#endif /* SSTS_SESSIONS_H */
