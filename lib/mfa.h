/*
 * SSTS - multi-factor sign-in (lib/mfa.c): TOTP set-up, enable with ten
 * single-use recovery codes, disable, an admin's reset, and the check of
 * a code at sign-in.  The caller is r->user except in mfa_verify() and
 * mfa_reset().  Every change is audited in its own transaction.
 */
#ifndef SSTS_MFA_H
#define SSTS_MFA_H

#define MFA_RECOVERY_CODES	10
#define MFA_RECOVERY_LEN	16	/* "abcd-efghi-jklmn" */

enum mfa_result {
	MFA_OK = 0,
	MFA_ALREADY,		/* MFA is already enabled: 400 */
	MFA_NOT_ENABLED,	/* MFA is not enabled: 400 */
	MFA_NO_SETUP,		/* enable before any set-up: 400 */
	MFA_BAD_CODE,		/* wrong, malformed or replayed code: 401 */
	MFA_BAD_PASSWORD,	/* disable with a wrong password: 401 */
	MFA_THROTTLED,		/* too many failures: 429 */
	MFA_NOTFOUND,		/* admin reset of an unknown user: 404 */
	MFA_DB,			/* database unavailable: 503 */
	MFA__MAX
};

/* A set-up in progress: what the user copies into their app. */
struct mfa_setup {
	char		 secret[33];	/* base32, 32 characters */
	const char	*uri;		/* otpauth://totp/... */
	const char	*svg;		/* the URI as a QR code, inline SVG */
};

const char	*mfa_message(enum mfa_result);
int		 mfa_status(enum mfa_result);

/* A new secret for the caller (replacing any set-up not yet enabled). */
enum mfa_result	 mfa_setup(struct req *, struct mfa_setup *);
/* The caller's set-up in progress, if any (MFA_NO_SETUP if none). */
enum mfa_result	 mfa_pending(struct req *, struct mfa_setup *);
/* Turns MFA on with a first code; fills the recovery codes (arena). */
enum mfa_result	 mfa_enable(struct req *, const char *code,
		    char *codes[MFA_RECOVERY_CODES], int64_t *retry_after);
enum mfa_result	 mfa_disable(struct req *, const char *password,
		    const char *code, int64_t *retry_after);
/* An admin turns a user's MFA off (lost device); signs them out. */
enum mfa_result	 mfa_reset(struct req *, int64_t uid);
/*
 * At sign-in: a TOTP code (one use, ±1 step) or an unused recovery code
 * of user "uid".  *how: "totp", "recovery" or, for a refused valid code,
 * "replay".  No throttling here: the caller's.
 */
enum mfa_result	 mfa_verify(struct req *, int64_t uid, const char *code,
		    const char **how);

#endif /* SSTS_MFA_H */
