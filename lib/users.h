/*
 * SSTS - user accounts (lib/users.c): the admin's user management and
 * everyone's own profile and password, shared by the users API, the
 * /admin/users pages and /account.  The caller is r->user.  Rules:
 * only admins touch other accounts, roles and the active flag; changing
 * one's own password or e-mail asks for the current password; the last
 * active admin can be neither demoted nor deactivated; deactivation
 * revokes every session of the account, a password change every other
 * one; each change and its audit row (before and after, never a
 * password) are one transaction.  Returned trees are owned by the
 * request.
 */
#ifndef SSTS_USERS_H
#define SSTS_USERS_H

enum usr_result {
	USR_OK = 0,
	USR_NOTFOUND,		/* no such user: 404 */
	USR_DUP,		/* the e-mail is taken: 400 */
	USR_LAST_ADMIN,		/* would leave no active admin: 409 */
	USR_FORBIDDEN,		/* not the caller's to change: 403 */
	USR_ADMIN_ONLY,		/* role or activation by a non-admin: 403 */
	USR_BAD_OLD,		/* the current password is wrong: 401 */
	USR_DB,			/* database unavailable: 503 */
	USR_RESULT__MAX
};

/* The fields of a create or an update, as read by usr_read(). */
enum usr_key {
	UK_NAME = 0,
	UK_EMAIL,
	UK_ROLE,
	UK_ACTIVE,		/* "is_active" */
	UK_PASSWORD,
	UK_OLD_PASSWORD,	/* "old_password" */
	UK__MAX
};

struct usr_fields {
	const char	*name;		/* NULL = unchanged */
	const char	*email;		/* normalised; NULL = unchanged */
	enum role	 role;		/* ROLE_NONE = unchanged */
	int		 active;	/* -1 = unchanged, else 0 or 1 */
	const char	*password;	/* create and password change */
	const char	*old_password;	/* one's own password or e-mail change */
};

struct usr_query {
	const char	*q;		/* part of the name or e-mail */
	const char	*role;		/* "client", "agent", "admin" */
	const char	*active;	/* "true" or "false" */
	int64_t		 page;		/* from 1 */
	int64_t		 limit;		/* 0 = all (the API's default) */
};

enum usr_mode {
	USR_CREATE = 0,		/* name, email, password, role */
	USR_UPDATE,		/* any of name, email, role, is_active */
	USR_PASSWORD		/* password (+ old_password) */
};

extern const struct field_spec usr_specs[UK__MAX];

/*
 * Validates the request's fields for "mode" into f[UK__MAX] and "out".
 * Returns the number of invalid fields (their f[].err says why).
 */
size_t		 usr_read(struct req *, enum usr_mode, struct field *f,
		    struct usr_fields *out);

const char	*usr_message(enum usr_result);
int		 usr_status(enum usr_result);

/* {id,name,email,role,is_active,mfa_enabled,created_at,updated_at}. */
cJSON		*usr_list(struct req *, const struct usr_query *, int64_t *total);
enum usr_result	 usr_get(struct req *, int64_t id, cJSON **);
cJSON		*usr_agents(struct req *);	/* [{id,name,email}] */
enum usr_result	 usr_create(struct req *, const struct usr_fields *, cJSON **);
enum usr_result	 usr_update(struct req *, int64_t id, const struct usr_fields *,
		    cJSON **);
/* Sets the password; *revoked = sessions ended (all others). */
enum usr_result	 usr_password(struct req *, int64_t id,
		    const struct usr_fields *, int64_t *revoked);

#endif /* SSTS_USERS_H */
