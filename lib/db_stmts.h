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
	STMT_TK_LIST_CREATED_DESC,	/* the eight list orderings, in */
	STMT_TK_LIST_CREATED_ASC,	/* enum tk_sort order, desc first */
	STMT_TK_LIST_UPDATED_DESC,
	STMT_TK_LIST_UPDATED_ASC,
	STMT_TK_LIST_PRIORITY_DESC,
	STMT_TK_LIST_PRIORITY_ASC,
	STMT_TK_LIST_STATUS_DESC,
	STMT_TK_LIST_STATUS_ASC,
	STMT_TK_LIST_DEEP_CREATED_DESC,	/* the same four by OFFSET (page=N) */
	STMT_TK_LIST_DEEP_CREATED_ASC,
	STMT_TK_LIST_DEEP_UPDATED_DESC,
	STMT_TK_LIST_DEEP_UPDATED_ASC,
	STMT_TK_COUNT,
	STMT_TK_COUNT_ALL,	/* the admin's total from the counters */
	STMT_TK_COUNT_SEARCH,	/* a search's total, up to TK_SEARCH_CAP + 1 */
	STMT_TK_GET,
	STMT_TK_GET_SESSION,	/* the same, checking the session (prefetch) */
	STMT_TK_ITEM,		/* one list item by id */
	STMT_TK_REFS_JSON,	/* the priorities' and categories' objects */
	STMT_TK_LOCK,
	STMT_TK_INSERT,
	STMT_TK_UPDATE,
	STMT_TK_ASSIGNABLE,
	STMT_TK_REFS,
	STMT_TK_UNASSIGN,
	STMT_TK_ASSIGN,
	STMT_TK_COMMENT,
	STMT_TK_HISTORY,
	STMT_AT_TICKET,
	STMT_AT_INSERT,
	STMT_AT_GET,
	STMT_AT_KNOWN,
	STMT_CATEGORY_LIST,
	STMT_PRIORITY_LIST,
	STMT_AGENT_LIST,
	STMT_CATEGORY_GET,	/* the catalog: get, insert, update, */
	STMT_CATEGORY_INSERT,	/* delete for each of the two tables */
	STMT_CATEGORY_UPDATE,
	STMT_CATEGORY_DELETE,
	STMT_PRIORITY_GET,
	STMT_PRIORITY_INSERT,
	STMT_PRIORITY_UPDATE,
	STMT_PRIORITY_DELETE,
	STMT_USER_LIST,		/* accounts (lib/users.c) */
	STMT_USER_GET,
	STMT_USER_LOCK,
	STMT_ADMIN_GUARD,
	STMT_ADMIN_COUNT,
	STMT_USER_UPDATE,
	STMT_USER_PASSWORD,
	STMT_SESSION_REVOKE_USER,
	STMT_SESSION_LIST,	/* one's own sessions (lib/sessions.c) */
	STMT_SESSION_REVOKE_OWN,
	STMT_THROTTLE_TAKE,	/* sign-in throttling (lib/throttle.c) */
	STMT_THROTTLE_WAIT,
	STMT_THROTTLE_FORGIVE,
	STMT_THROTTLE_CLEAR,
	STMT_MFA_STATE,		/* multi-factor sign-in (lib/mfa.c) */
	STMT_MFA_SET_PENDING,
	STMT_MFA_ENABLE,
	STMT_MFA_ACCEPT_STEP,
	STMT_MFA_DISABLE,
	STMT_MFA_CODES_CLEAR,
	STMT_MFA_CODE_INSERT,
	STMT_MFA_CODE_FIND,
	STMT_MFA_CODE_USE,
	STMT_USER_BY_ID,
	/* -- statistics (lib/stats.c) -- */
	STMT_STATS_DASHBOARD,
	STMT_STATS_ACTIVITY,
	STMT_STATS_TRENDS,
	/* -- exports (lib/export.c) -- */
	STMT_EXP_TK_CREATED_DESC,	/* the list's eight orderings, in */
	STMT_EXP_TK_CREATED_ASC,	/* enum tk_sort order, desc first */
	STMT_EXP_TK_UPDATED_DESC,
	STMT_EXP_TK_UPDATED_ASC,
	STMT_EXP_TK_PRIORITY_DESC,
	STMT_EXP_TK_PRIORITY_ASC,
	STMT_EXP_TK_STATUS_DESC,
	STMT_EXP_TK_STATUS_ASC,
	/* -- the audit log (lib/auditlog.c) -- */
	STMT_AUDIT_LIST,
	STMT_AUDIT_COUNT,
	STMT_AUDIT_COUNT_ALL,	/* every row: the chain's length */
	STMT_AUDIT_EXPORT,
	STMT_AUDIT_CHAIN_WALK,
	STMT_AUDIT_UNCHAINED,
	STMT_IDEM_GET,		/* idempotency keys (lib/idem.c) */
	STMT_IDEM_CLAIM,
	STMT__MAX
};

struct stmt_def {
	const char	*name;	/* prepared statement name */
	const char	*sql;	/* $1..$n placeholders */
	int		 nparams;
};

int	stmt_plan_once(enum stmt);

extern const struct stmt_def db_stmts[STMT__MAX];

#endif /* DB_STMTS_H */
