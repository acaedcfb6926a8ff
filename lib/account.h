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
	ACCT_MFA_REQUIRED, /* right password; the second factor is missing */
	ACCT_BAD_MFA,	/* wrong, replayed or malformed code */
	ACCT_THROTTLED,	/* too many failures for this address */
	ACCT__MAX
};

struct login {
	const char	*email;		/* normalised */
	const char	*password;
	const char	*code;		/* TOTP or recovery code, or NULL */
};

enum acct_result account_login(struct req *, const struct login *,
		    struct user *, const char **token, int64_t *retry_after);
enum acct_result account_login_code(struct req *, int64_t uid,
		    const char *code, struct user *, const char **token,
		    int64_t *retry_after);
enum acct_result account_register(struct req *, const char *name,
		    const char *email, const char *password, struct user *,
		    const char **token);
enum acct_result account_logout(struct req *);
cJSON		*account_user_json(const struct user *);
/* The "next" parameter if it is a same-site path, else /dashboard. */
const char	*account_next(struct req *);
/* A refused sign-in: the JSON error (status NULL), or the form's message. */
const char	*account_refuse(struct req *, enum acct_result, int64_t wait,
		    int *status);

#endif /* SSTS_ACCOUNT_H */
