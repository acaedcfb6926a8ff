/*
 * SSTS - accounts (lib/account.c): registration, sign-in and sign-out,
 * used by the auth route group.
 */
#ifndef SSTS_ACCOUNT_H
#define SSTS_ACCOUNT_H

enum acct_result {
	ACCT_OK = 0,
	ACCT_BAD,	/* unknown e-mail or wrong password */
	ACCT_INACTIVE,	/* right password, deactivated account */
	ACCT_EXISTS,	/* e-mail already registered */
	ACCT_DB,	/* database unavailable */
	ACCT__MAX
};

enum acct_result account_login(struct req *, const char *email,
		    const char *password, struct user *, const char **token);
enum acct_result account_register(struct req *, const char *name,
		    const char *email, const char *password, struct user *,
		    const char **token);
enum acct_result account_logout(struct req *);
cJSON		*account_user_json(const struct user *);

#endif /* SSTS_ACCOUNT_H */
