/*
 * SSTS - sessions.  A sign-in creates a user_sessions row and a JWT
 * (HS256) naming it; the row is keyed by the SHA-256 of the token.
 * Every request checks the signature, the expiry and the live row, and
 * reads the role and the active flag from the database, so logout,
 * revocation, deactivation and role changes apply on the next request.
 * API routes take the token only from `Authorization: Bearer`, pages
 * only from the __Host-ssts cookie.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "internal.h"

#define COOKIE_SESSION	"__Host-ssts"
#define COOKIE_PENDING	"__Host-mfa"
#define PENDING_TTL	300	/* seconds to type the code */

static const char *const role_names[ROLE__MAX] = {
	"",		/* ROLE_NONE */
	"client",	/* ROLE_CLIENT */
	"agent",	/* ROLE_AGENT */
	"admin",	/* ROLE_ADMIN */
};

const char *
role_name(enum role r)
{
	return (r > ROLE_NONE && r < ROLE__MAX) ? role_names[r] : "";
}

enum role
role_parse(const char *s)
{
	int	 i;

	for (i = ROLE_CLIENT; s != NULL && i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

static void
token_hash(const char *token, char out[65])
{
	unsigned char	 h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Creates the session row and its token (in the caller's transaction). */
enum core_err
sess_create(struct req *r, const struct user *u, const char **token)
{
	struct jwt_claims	 c;
	struct rows		 rs;
	const char		*p[6];
	char			 uid[24], exp[24], hash[65];
	enum core_err		 rc;

	memset(&c, 0, sizeof(c));
	if ((rc = db_run(r, STMT_SESSION_NEXTID, NULL, &rs)) != CORE_OK)
		return rc;
	if (rs.n != 1 || parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &c.sid))
		return CORE_EDB;
	c.sub = u->id;
	snprintf(c.role, sizeof(c.role), "%s", role_name(u->role));
	snprintf(c.typ, sizeof(c.typ), "access");
	token_random(c.jti, sizeof(c.jti), 16);
	c.iat = (int64_t)time(NULL);
	c.exp = c.iat + cfg->session_ttl;
	if ((*token = jwt_sign(&r->arena, cfg->jwt_key, cfg->jwt_keylen,
	    &c)) == NULL)
		return CORE_ENOMEM;
	token_hash(*token, hash);
	snprintf(uid, sizeof(uid), "%lld", (long long)u->id);
	snprintf(exp, sizeof(exp), "%lld", (long long)c.exp);
	p[0] = ROW(&rs, 0, 0);
	p[1] = uid;
	p[2] = hash;
	p[3] = r->remote_addr;
	p[4] = r->user_agent;
	p[5] = exp;
	return db_run(r, STMT_SESSION_INSERT, p, NULL);
}

static int
sess_user(struct req *r, const struct rows *rs, const char **why)
{
	struct user	*u = &r->user;

	if (strcmp(ROW(rs, 0, 7), "t") != 0) {
		*why = "Token expired or revoked";
		return 401;
	}
	if (strcmp(ROW(rs, 0, 5), "t") != 0) {
		*why = "Account is deactivated";
		return 403;
	}
	if (parse_int64(ROW(rs, 0, 0), 1, INT64_MAX, &u->session_id) != 0 ||
	    parse_int64(ROW(rs, 0, 1), 1, INT64_MAX, &u->id) != 0) {
		*why = "Authentication failed";
		return 401;
	}
	u->name = ROW(rs, 0, 2);
	u->email = ROW(rs, 0, 3);
	u->role = role_parse(ROW(rs, 0, 4));
	u->mfa_enabled = strcmp(ROW(rs, 0, 6), "t") == 0;
	r->authed = u->role != ROLE_NONE;
	return r->authed ? 0 : 401;
}

/* Returns 0 with r->user set, else an HTTP status and *why. */
int
sess_check(struct req *r, const char *token, const char **why)
{
	struct jwt_claims	 c;
	struct rows		 rs, *pre;
	struct db_call		 call[2];
	const char		*p[2], *q[3];
	char			 hash[65], sid[24], tid[24];
	enum jwt_status		 js;
	int			 st;
	size_t			 n = 1;

	js = jwt_verify(&r->arena, cfg->jwt_key, cfg->jwt_keylen, token,
	    strlen(token), (int64_t)time(NULL), &c);
	if (js != JWT_OK || strcmp(c.typ, "access") != 0) {
		*why = js == JWT_EXPIRED ? "Token expired" : "Invalid token";
		return 401;
	}
	token_hash(token, hash);
	snprintf(sid, sizeof(sid), "%lld", (long long)c.sid);
	p[0] = hash;
	p[1] = sid;
	call[0] = (struct db_call){ STMT_SESSION_AUTH, p, &rs };
	pre = NULL;
	if (r->route != NULL && ROUTE_PREFETCHES(r->route) &&
	    (pre = arena_calloc(&r->arena, 1, sizeof(*pre))) != NULL) {
		snprintf(tid, sizeof(tid), "%lld", (long long)r->params[0]);
		q[0] = tid;
		q[1] = hash;
		q[2] = sid;
		call[n++] = (struct db_call){ ROUTE_PREFETCHED(r->route), q,
		    pre };
	}
	if (db_batch(r, call, n) != CORE_OK) {
		*why = "Service temporarily unavailable";
		return 503;
	}
	if (rs.n != 1) {
		*why = "Token expired or revoked";
		return 401;
	}
	if ((st = sess_user(r, &rs, why)) != 0) {
		r->authed = 0;
		return st;
	}
	r->token = token;
	r->prefetched = pre;
	if (strcmp(ROW(&rs, 0, 8), "t") == 0)
		(void)db_run(r, STMT_SESSION_TOUCH, p + 1, NULL);
	return 0;
}

/*
 * The token is the second word of the Authorization header; like the
 * original, the scheme word itself ("Bearer" normally) is not checked.
 */
static const char *
bearer_token(struct req *r, int *status, const char **why)
{
	const char	*t;

	*status = 401;
	if ((t = r->authorization) == NULL) {
		*why = "Missing authorization header";
		return NULL;
	}
	t += strcspn(t, " ");
	t += strspn(t, " ");
	if (*t == '\0') {
		*why = "Missing token";
		return NULL;
	}
	*status = 0;
	return t;
}

/*
 * Authenticates the request from its bearer header (API) or cookie
 * (pages).  Failure leaves the request anonymous with *status and *why
 * saying why; a bad cookie is cleared.
 */
int
sess_from_request(struct req *r, int *status, const char **why)
{
	const char	*token;

	if (r->is_api)
		token = bearer_token(r, status, why);
	else
		token = r->cookie ? cookie_get(&r->arena, r->cookie,
		    COOKIE_SESSION) : NULL;
	if (token == NULL)
		return 0;
	*status = sess_check(r, token, why);
	if (*status != 0 && !r->is_api && *status != 503)
		resp_cookie(r, COOKIE_SESSION, NULL, 0);
	if (*status == 0 && !r->is_api)
		csrf_make(r, r->csrf, token);
	return *status == 0;
}

enum core_err
sess_revoke(struct req *r)
{
	char		 sid[24];
	const char	*p[1];

	snprintf(sid, sizeof(sid), "%lld", (long long)r->user.session_id);
	p[0] = sid;
	return db_run(r, STMT_SESSION_REVOKE, p, NULL);
}

/* The form token: HMAC(key, "csrf:" seed), seed = session token or cookie. */
void
csrf_make(const struct req *r, char out[64], const char *seed)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];

	(void)r;
	out[0] = '\0';
	if (seed == NULL)
		return;
	crypto_auth_hmacsha256_init(&st, cfg->jwt_key, cfg->jwt_keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)seed,
	    strlen(seed));
	crypto_auth_hmacsha256_final(&st, mac);
	if (b64url_encode(out, 64, mac, sizeof(mac)) < 0)
		out[0] = '\0';
}

int
csrf_ok(const struct req *r, const char *given)
{
	size_t	 n = strlen(r->csrf);

	return n > 0 && strlen(given) == n &&
	    CRYPTO_memcmp(r->csrf, given, n) == 0;
}

void
sess_set_cookie(struct req *r, const char *token)
{
	resp_cookie(r, COOKIE_SESSION, token, cfg->session_ttl);
}

void
sess_clear_cookie(struct req *r)
{
	resp_cookie(r, COOKIE_SESSION, NULL, 0);
}

/*
 * Between a right password and the code of an MFA account, the browser
 * holds only this: a short-lived JWT of type "mfa_pending" naming the
 * user.  sess_check() accepts nothing but "access", so it opens no page
 * and no API route; only the second step (/login/mfa) reads it.  Its
 * "sid" names no session (one is made when the code is right).
 */
int
sess_pending_start(struct req *r, int64_t uid)
{
	struct jwt_claims	 c;
	const char		*token;

	memset(&c, 0, sizeof(c));
	c.sub = c.sid = uid;
	snprintf(c.typ, sizeof(c.typ), "mfa_pending");
	token_random(c.jti, sizeof(c.jti), 16);
	c.iat = (int64_t)time(NULL);
	c.exp = c.iat + PENDING_TTL;
	if ((token = jwt_sign(&r->arena, cfg->jwt_key, cfg->jwt_keylen,
	    &c)) == NULL)
		return 0;
	resp_cookie(r, COOKIE_PENDING, token, PENDING_TTL);
	return 1;
}

/* The user of a valid pending state, or 0. */
int64_t
sess_pending_user(struct req *r)
{
	struct jwt_claims	 c;
	const char		*token;

	token = r->cookie ? cookie_get(&r->arena, r->cookie, COOKIE_PENDING) :
	    NULL;
	if (token == NULL || jwt_verify(&r->arena, cfg->jwt_key,
	    cfg->jwt_keylen, token, strlen(token), (int64_t)time(NULL), &c) !=
	    JWT_OK || strcmp(c.typ, "mfa_pending") != 0)
		return 0;
	return c.sub;
}

void
sess_pending_clear(struct req *r)
{
	resp_cookie(r, COOKIE_PENDING, NULL, 0);
}
