/*
 * SSTS - multi-factor sign-in.  The secret is sealed in users.mfa_secret
 * from set-up on and becomes active when a first code proves the app has
 * it.  A TOTP code is accepted once: the time step of the last accepted
 * code is stored and an UPDATE that only succeeds for a later step makes
 * two concurrent uses of one code end with exactly one success.
 * Recovery codes are argon2id-hashed; a clear four-character prefix
 * finds the one hash to verify.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "ssts.h"
#include "mfa.h"
#include "throttle.h"
#include "totp.h"

#define ISSUER		"SSTS"
#define CODE_CHARS	14	/* recovery code without its dashes */
#define LOOKUP_CHARS	4

const char *
mfa_message(enum mfa_result rc)
{
	static const char *const msg[MFA__MAX] = {
		"OK",
		"MFA is already enabled",
		"MFA is not enabled",
		"Start MFA setup first",
		"Invalid MFA token",
		"Invalid password",
		"Too many failed attempts. Please try again later.",
		"User not found",
		"Service temporarily unavailable",
	};

	return rc < MFA__MAX ? msg[rc] : "Internal server error";
}

int
mfa_status(enum mfa_result rc)
{
	static const int status[MFA__MAX] = {
		200, 400, 400, 400, 401, 401, 429, 404, 503
	};

	return rc < MFA__MAX ? status[rc] : 500;
}

static const char *
num_text(struct req *r, int64_t n)
{
	return arena_printf(&r->arena, "%lld", (long long)n);
}

/* The MFA columns of "uid": enabled ("t"/"f"), sealed secret, last step. */
static enum mfa_result
mfa_state(struct req *r, int64_t uid, struct rows *rs)
{
	const char	*p[1] = { num_text(r, uid) };

	if (db_run(r, STMT_MFA_STATE, p, rs) != CORE_OK)
		return MFA_DB;
	return rs->n == 1 ? MFA_OK : MFA_NOTFOUND;
}

static enum mfa_result
fill_setup(struct req *r, const unsigned char sec[TOTP_SECRET_BYTES],
    struct mfa_setup *out)
{
	totp_base32(sec, out->secret);
	out->uri = totp_uri(&r->arena, ISSUER, r->user.email, out->secret);
	out->svg = out->uri ? totp_qr_svg(&r->arena, out->uri) : NULL;
	return out->svg != NULL ? MFA_OK : MFA_DB;
}

/* The audit row of a change, then the commit; or the rollback. */
static enum mfa_result
mfa_finish(struct req *r, enum mfa_result rc, int64_t uid,
    const char *action, cJSON *payload)
{
	if (rc == MFA_OK && audit_log(r, "user", uid, action, r->user.id,
	    payload) != CORE_OK)
		rc = MFA_DB;
	if (rc == MFA_OK && db_commit(r) != CORE_OK)
		rc = MFA_DB;
	if (rc != MFA_OK)
		db_rollback(r);
	return rc;
}

enum mfa_result
mfa_setup(struct req *r, struct mfa_setup *out)
{
	unsigned char	 sec[TOTP_SECRET_BYTES];
	const char	*p[2] = { num_text(r, r->user.id), NULL };
	struct rows	 rs;
	enum mfa_result	 rc;
	cJSON		*a;

	totp_new_secret(sec);
	p[1] = totp_seal(&r->arena, sec);
	rc = fill_setup(r, sec, out);
	sodium_memzero(sec, sizeof(sec));
	if (rc != MFA_OK || p[1] == NULL || db_begin(r) != CORE_OK)
		return MFA_DB;
	if (db_run(r, STMT_MFA_SET_PENDING, p, &rs) != CORE_OK)
		rc = MFA_DB;
	else if (rs.n != 1)
		rc = MFA_ALREADY;
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "email", r->user.email);
	return mfa_finish(r, rc, r->user.id, "mfa_setup", a);
}

/* The caller's sealed secret, opened; MFA_NO_SETUP if there is none. */
static enum mfa_result
open_secret(const struct rows *rs, unsigned char sec[TOTP_SECRET_BYTES])
{
	if (ROW(rs, 0, 1) == NULL)
		return MFA_NO_SETUP;
	return totp_open(ROW(rs, 0, 1), sec) ? MFA_OK : MFA_BAD_CODE;
}

enum mfa_result
mfa_pending(struct req *r, struct mfa_setup *out)
{
	unsigned char	 sec[TOTP_SECRET_BYTES];
	struct rows	 rs;
	enum mfa_result	 rc;

	if ((rc = mfa_state(r, r->user.id, &rs)) != MFA_OK)
		return rc;
	if (strcmp(ROW(&rs, 0, 0), "t") == 0)
		return MFA_ALREADY;
	if ((rc = open_secret(&rs, sec)) == MFA_OK)
		rc = fill_setup(r, sec, out);
	sodium_memzero(sec, sizeof(sec));
	return rc == MFA_BAD_CODE ? MFA_NO_SETUP : rc;
}

/*
 * Is "code" valid now for this secret?  Fills the time step.  Apps show
 * "123 456": spaces are dropped; anything else must be six digits.
 */
static int
code_ok(const unsigned char sec[TOTP_SECRET_BYTES], const char *code,
    int64_t *step)
{
	char	 digits[TOTP_DIGITS + 1];
	size_t	 o = 0;

	for (; code != NULL && *code != '\0'; code++) {
		if (*code == ' ')
			continue;
		if (o == TOTP_DIGITS)
			return 0;
		digits[o++] = *code;
	}
	digits[o] = '\0';
	return code != NULL && totp_check(sec, digits, time(NULL), step);
}

/* A random recovery code, "abcd-efghi-jklmn", and its clear lookup. */
static void
recovery_code(char out[MFA_RECOVERY_LEN + 1])
{
	static const char	 abc[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char		 rnd[CODE_CHARS];
	size_t			 i, o = 0;

	randombytes_buf(rnd, sizeof(rnd));
	for (i = 0; i < CODE_CHARS; i++) {
		if (i == 4 || i == 9)
			out[o++] = '-';
		out[o++] = abc[rnd[i] & 31];
	}
	out[o] = '\0';
}

/* "code" without dashes or spaces, lower-cased; 0 if not a code's shape. */
static int
recovery_norm(const char *code, char out[CODE_CHARS + 1])
{
	size_t	 o = 0;

	for (; code != NULL && *code != '\0'; code++) {
		if (*code == '-' || *code == ' ')
			continue;
		if (o == CODE_CHARS || !(isalpha((unsigned char)*code) ||
		    (*code >= '2' && *code <= '7')))
			return 0;
		out[o++] = (char)tolower((unsigned char)*code);
	}
	out[o] = '\0';
	return o == CODE_CHARS;
}

/* Recovery codes are random (70 bits): a light argon2id is plenty. */
static int
recovery_hash(char out[crypto_pwhash_STRBYTES], const char *norm)
{
	return crypto_pwhash_str(out, norm, CODE_CHARS, 2, 8 << 20);
}

/* Replaces the user's recovery codes with ten new ones (in a transaction). */
static enum mfa_result
recovery_store(struct req *r, int64_t uid, char *codes[MFA_RECOVERY_CODES])
{
	char		 hash[crypto_pwhash_STRBYTES], norm[CODE_CHARS + 1];
	const char	*p[3] = { num_text(r, uid), NULL, hash };
	size_t		 i, j;

	if (db_run(r, STMT_MFA_CODES_CLEAR, p, NULL) != CORE_OK)
		return MFA_DB;
	for (i = 0; i < MFA_RECOVERY_CODES; i++) {
		if ((codes[i] = arena_alloc(&r->arena,
		    MFA_RECOVERY_LEN + 1)) == NULL)
			return MFA_DB;
		recovery_code(codes[i]);
		for (j = 0; j < i; j++)		/* lookups are unique */
			if (strncmp(codes[i], codes[j], LOOKUP_CHARS) == 0)
				recovery_code(codes[i]), j = (size_t)-1;
		if (!recovery_norm(codes[i], norm) || recovery_hash(hash, norm))
			return MFA_DB;
		p[1] = arena_strndup(&r->arena, norm, LOOKUP_CHARS);
		if (db_run(r, STMT_MFA_CODE_INSERT, p, NULL) != CORE_OK)
			return MFA_DB;
	}
	return MFA_OK;
}

/* Ends the caller's other sessions: a changed second factor (7.4.3). */
static enum mfa_result
revoke_others(struct req *r, int64_t uid, int64_t keep, cJSON *a)
{
	const char	*p[2] = { num_text(r, uid), keep ? num_text(r, keep) :
	    NULL };
	struct rows	 rs;

	if (db_run(r, STMT_SESSION_REVOKE_USER, p, &rs) != CORE_OK ||
	    rs.n != 1)
		return MFA_DB;
	cJSON_AddNumberToObject(a, "sessions_revoked",
	    (double)strtoll(ROW(&rs, 0, 0), NULL, 10));
	return MFA_OK;
}

/* A refused code or password of a signed-in user, in the audit trail. */
static enum mfa_result
audit_refusal(struct req *r, enum mfa_result rc, const char *stage)
{
	cJSON	*a;

	if (rc != MFA_BAD_CODE && rc != MFA_BAD_PASSWORD && rc != MFA_THROTTLED)
		return rc;
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "stage", stage);
	cJSON_AddStringToObject(a, "reason", rc == MFA_BAD_CODE ?
	    "invalid_mfa_token" : rc == MFA_BAD_PASSWORD ? "invalid_password" :
	    "throttled");
	if (audit_log(r, "user", r->user.id, "mfa_failed", r->user.id, a) !=
	    CORE_OK)
		log_event(r, "audit of a refused MFA change could not be written");
	return rc;
}

/* A code tried by a signed-in user counts against their address. */
static enum mfa_result
take_attempt(struct req *r, int64_t *retry_after)
{
	*retry_after = throttle_take(r, r->user.email);
	return *retry_after < 0 ? MFA_DB : *retry_after > 0 ?
	    MFA_THROTTLED : MFA_OK;
}

enum mfa_result
mfa_enable(struct req *r, const char *code, char *codes[MFA_RECOVERY_CODES],
    int64_t *retry_after)
{
	unsigned char	 sec[TOTP_SECRET_BYTES];
	const char	*p[3];
	struct rows	 rs, up;
	enum mfa_result	 rc;
	int64_t		 step = 0;
	cJSON		*a;

	if ((rc = mfa_state(r, r->user.id, &rs)) != MFA_OK)
		return rc;
	if (strcmp(ROW(&rs, 0, 0), "t") == 0)
		return MFA_ALREADY;
	if ((rc = open_secret(&rs, sec)) == MFA_OK &&
	    (rc = take_attempt(r, retry_after)) == MFA_OK &&
	    !code_ok(sec, code, &step))
		rc = MFA_BAD_CODE;
	sodium_memzero(sec, sizeof(sec));
	if (rc != MFA_OK)
		return audit_refusal(r, rc, "enable");
	throttle_clear(r, r->user.email);
	p[0] = num_text(r, r->user.id);
	p[1] = num_text(r, step);
	p[2] = ROW(&rs, 0, 1);
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "email", r->user.email);
	if (db_begin(r) != CORE_OK)
		return MFA_DB;
	/* Still the same set-up: a newer one in another tab would not match. */
	if (db_run(r, STMT_MFA_ENABLE, p, &up) != CORE_OK)
		rc = MFA_DB;
	else if (up.n != 1)	/* enabled meanwhile, or a newer set-up */
		rc = mfa_state(r, r->user.id, &up) != MFA_OK ? MFA_DB :
		    strcmp(ROW(&up, 0, 0), "t") == 0 ? MFA_ALREADY : MFA_NO_SETUP;
	if (rc == MFA_OK)
		rc = recovery_store(r, r->user.id, codes);
	if (rc == MFA_OK)
		rc = revoke_others(r, r->user.id, r->user.session_id, a);
	return mfa_finish(r, rc, r->user.id, "mfa_enabled", a);
}

/* A recovery code of "uid", used up if it matches. */
static enum mfa_result
recovery_use(struct req *r, int64_t uid, const char *norm)
{
	const char	*p[2] = { num_text(r, uid),
	    arena_strndup(&r->arena, norm, LOOKUP_CHARS) };
	struct rows	 rs;

	if (db_run(r, STMT_MFA_CODE_FIND, p, &rs) != CORE_OK)
		return MFA_DB;
	if (rs.n != 1 || crypto_pwhash_str_verify(ROW(&rs, 0, 1), norm,
	    CODE_CHARS) != 0)
		return MFA_BAD_CODE;
	p[0] = ROW(&rs, 0, 0);
	if (db_run(r, STMT_MFA_CODE_USE, p, &rs) != CORE_OK)
		return MFA_DB;
	return rs.n == 1 ? MFA_OK : MFA_BAD_CODE;
}

enum mfa_result
mfa_verify(struct req *r, int64_t uid, const char *code, const char **how)
{
	unsigned char	 sec[TOTP_SECRET_BYTES];
	char		 norm[CODE_CHARS + 1];
	const char	*p[2];
	struct rows	 rs;
	enum mfa_result	 rc;
	int64_t		 step;

	*how = "totp";
	if ((rc = mfa_state(r, uid, &rs)) != MFA_OK)
		return rc;
	if (strcmp(ROW(&rs, 0, 0), "t") != 0)
		return MFA_NOT_ENABLED;
	if (code != NULL && recovery_norm(code, norm)) {
		*how = "recovery";
		return recovery_use(r, uid, norm);
	}
	if ((rc = open_secret(&rs, sec)) == MFA_OK && !code_ok(sec, code,
	    &step))
		rc = MFA_BAD_CODE;
	sodium_memzero(sec, sizeof(sec));
	if (rc != MFA_OK)
		return rc == MFA_NO_SETUP ? MFA_BAD_CODE : rc;
	p[0] = num_text(r, uid);
	p[1] = num_text(r, step);
	if (db_run(r, STMT_MFA_ACCEPT_STEP, p, &rs) != CORE_OK)
		return MFA_DB;
	if (rs.n != 1) {
		*how = "replay";
		return MFA_BAD_CODE;
	}
	return MFA_OK;
}

/* Turns MFA off for "uid" and forgets its codes (in a transaction). */
static enum mfa_result
mfa_clear(struct req *r, int64_t uid, int64_t keep, cJSON *a)
{
	const char	*p[1] = { num_text(r, uid) };
	struct rows	 rs;

	if (db_run(r, STMT_MFA_DISABLE, p, &rs) != CORE_OK)
		return MFA_DB;
	if (rs.n != 1)
		return MFA_NOTFOUND;
	cJSON_AddBoolToObject(a, "was_enabled", strcmp(ROW(&rs, 0, 0),
	    "t") == 0);
	if (db_run(r, STMT_MFA_CODES_CLEAR, p, NULL) != CORE_OK)
		return MFA_DB;
	return revoke_others(r, uid, keep, a);
}

enum mfa_result
mfa_disable(struct req *r, const char *password, const char *code,
    int64_t *retry_after)
{
	const char	*p[1] = { num_text(r, r->user.id) }, *how;
	struct rows	 rs;
	enum mfa_result	 rc;
	cJSON		*a;

	if (!r->user.mfa_enabled)
		return MFA_NOT_ENABLED;
	if ((rc = take_attempt(r, retry_after)) != MFA_OK)
		return audit_refusal(r, rc, "disable");
	if (db_run(r, STMT_USER_LOCK, p, &rs) != CORE_OK || rs.n != 1)
		return MFA_DB;
	if (password == NULL || !pw_verify(ROW(&rs, 0, 2), password))
		return audit_refusal(r, MFA_BAD_PASSWORD, "disable");
	if ((rc = mfa_verify(r, r->user.id, code, &how)) != MFA_OK)
		return audit_refusal(r, rc, "disable");
	throttle_clear(r, r->user.email);
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "email", r->user.email);
	cJSON_AddStringToObject(a, "with", how);
	if (db_begin(r) != CORE_OK)
		return MFA_DB;
	rc = mfa_clear(r, r->user.id, r->user.session_id, a);
	return mfa_finish(r, rc, r->user.id, "mfa_disabled", a);
}

enum mfa_result
mfa_reset(struct req *r, int64_t uid)
{
	enum mfa_result	 rc;
	cJSON		*a = req_own(r, cJSON_CreateObject());

	if (db_begin(r) != CORE_OK)
		return MFA_DB;
	rc = mfa_clear(r, uid, 0, a);
	return mfa_finish(r, rc, uid, "mfa_reset", a);
}
