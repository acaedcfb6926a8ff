/*
 * SSTS - the names of every SQL statement.  The text lives only in
 * lib/db_stmts.c; each is prepared once per connection.
 */
#ifndef DB_STMTS_H
#define DB_STMTS_H

enum stmt {
	STMT_PING,
	STMT_USER_BY_EMAIL,
	STMT_USER_INSERT,
	STMT_ADMIN_FIRST,
	STMT_SESSION_NEXTID,
	STMT_SESSION_INSERT,
	STMT_SESSION_AUTH,
	STMT_SESSION_TOUCH,
	STMT_SESSION_REVOKE,
	STMT_AUDIT_INSERT,
	STMT__MAX
};

struct stmt_def {
	const char	*name;	/* prepared statement name */
	const char	*sql;	/* $1..$n placeholders */
	int		 nparams;
};

extern const struct stmt_def db_stmts[STMT__MAX];

#endif /* DB_STMTS_H */
