/*
 * SSTS - HS256 JSON Web Tokens (RFC 7519) on OpenSSL's HMAC(), with the
 * rules of RFC 8725 (SECURITY.md §2).  Only the bytes jwt_sign() makes
 * verify: the header must be exactly ours (alg pinned to HS256 before any
 * crypto; "none", kid, jku, duplicates refused), the MAC is compared in
 * constant time, and the payload must re-encode to the same bytes.
 */
#include <inttypes.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ssts.h"

/* base64url of {"alg":"HS256","typ":"JWT"} */
#define JWT_HEADER	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define JWT_MAC_LEN	32
#define JWT_KEY_MIN	32		/* bytes (RFC 8725 §3.5) */
#define JWT_KEY_MAX	1024
#define JWT_NUM_MAX	9007199254740992.0	/* 2^53 */
#define JWT_LEEWAY	60		/* seconds of clock skew */

/* What jwt_sign() accepts is exactly what jwt_verify() lets through. */
static int
claims_ok(const struct jwt_claims *c)
{
	return c->sub > 0 && c->sid > 0 && c->iat > 0 && c->exp > 0 &&
	    c->iat < (int64_t)JWT_NUM_MAX && c->exp < (int64_t)JWT_NUM_MAX &&
	    memchr(c->role, '\0', sizeof(c->role)) != NULL &&
	    memchr(c->typ, '\0', sizeof(c->typ)) != NULL &&
	    memchr(c->jti, '\0', sizeof(c->jti)) != NULL;
}

/* The payload, always with the same members in the same order. */
static void
claims_json(struct buf *b, const struct jwt_claims *c)
{
	const char	*role = json_escape(b->arena, c->role);
	const char	*typ = json_escape(b->arena, c->typ);
	const char	*jti = json_escape(b->arena, c->jti);

	if (role == NULL || typ == NULL || jti == NULL)
		b->err = CORE_ENOMEM;
	else
		buf_printf(b, "{\"sub\":\"%" PRId64 "\",\"sid\":\"%" PRId64
		    "\",\"role\":\"%s\",\"typ\":\"%s\",\"jti\":\"%s\","
		    "\"iat\":%" PRId64 ",\"exp\":%" PRId64 "}",
		    c->sub, c->sid, role, typ, jti, c->iat, c->exp);
}

static int
jwt_mac(const unsigned char *key, size_t keylen, const char *data,
    size_t n, unsigned char mac[JWT_MAC_LEN])
{
	unsigned int	 maclen = 0;

	return keylen >= JWT_KEY_MIN && keylen <= JWT_KEY_MAX &&
	    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
	    n, mac, &maclen) != NULL && maclen == JWT_MAC_LEN;
}

/*
 * Returns "header.payload.signature" for the claims as an arena string,
 * or NULL if the claims are out of range (ids < 1, times not in
 * 1..2^53-1), the key is shorter than 32 bytes, or the arena is full.
 */
char *
jwt_sign(struct arena *a, const unsigned char *key, size_t keylen,
    const struct jwt_claims *c)
{
	struct buf	 p, t;
	unsigned char	 mac[JWT_MAC_LEN];
	char		 enc[JWT_MAX_LEN];

	if (!claims_ok(c))
		return NULL;
	buf_init(&p, a, JWT_MAX_LEN / 2);
	claims_json(&p, c);
	if (p.err != CORE_OK || b64url_encode(enc, sizeof(enc),
	    (const unsigned char *)p.data, p.len) < 0)
		return NULL;
	buf_init(&t, a, JWT_MAX_LEN);
	buf_printf(&t, "%s.%s", JWT_HEADER, enc);
	if (t.err != CORE_OK || !jwt_mac(key, keylen, t.data, t.len, mac) ||
	    b64url_encode(enc, sizeof(enc), mac, sizeof(mac)) < 0)
		return NULL;
	buf_printf(&t, ".%s", enc);
	return t.err == CORE_OK ? t.data : NULL;
}

/* A string claim shorter than dstsz bytes. */
static int
claim_str(const cJSON *o, const char *k, char *dst, size_t dstsz)
{
	const cJSON	*it = cJSON_GetObjectItemCaseSensitive(o, k);
	size_t		 n;

	if (!cJSON_IsString(it) || (n = strlen(it->valuestring)) >= dstsz)
		return 0;
	memcpy(dst, it->valuestring, n + 1);
	return 1;
}

/* A string claim holding a decimal id in 1..2^63-1. */
static int
claim_id(const cJSON *o, const char *k, int64_t *v)
{
	char	 d[20];

	return claim_str(o, k, d, sizeof(d)) && d[0] >= '1' && d[0] <= '9' &&
	    parse_int64(d, 1, INT64_MAX, v) == 0;
}

/* A number claim holding an integer in 1..2^53-1. */
static int
claim_int(const cJSON *o, const char *k, int64_t *v)
{
	const cJSON	*it = cJSON_GetObjectItemCaseSensitive(o, k);
	double		 d;

	if (!cJSON_IsNumber(it) || !((d = it->valuedouble) >= 1) ||
	    d >= JWT_NUM_MAX || d != (double)(int64_t)d)
		return 0;
	*v = (int64_t)d;
	return 1;
}

/* Reads the verified payload p[0..n) (NUL-terminated) into *c. */
static int
claims_parse(const char *p, size_t n, int64_t now, struct jwt_claims *c)
{
	cJSON		*o = cJSON_ParseWithLengthOpts(p, n + 1, NULL, 1);
	const cJSON	*it, *prev;
	int64_t		 nbf;
	int		 ok = cJSON_IsObject(o);

	for (it = ok ? o->child : NULL; ok && it != NULL; it = it->next)
		for (prev = o->child; ok && prev != it; prev = prev->next)
			ok = strcmp(prev->string, it->string) != 0;
	ok = ok && claim_id(o, "sub", &c->sub) && claim_id(o, "sid", &c->sid) &&
	    claim_str(o, "role", c->role, sizeof(c->role)) &&
	    claim_str(o, "typ", c->typ, sizeof(c->typ)) &&
	    claim_str(o, "jti", c->jti, sizeof(c->jti)) &&
	    claim_int(o, "iat", &c->iat) && claim_int(o, "exp", &c->exp) &&
	    c->iat - JWT_LEEWAY <= now;
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "nbf") != NULL)
		ok = claim_int(o, "nbf", &nbf) && nbf - JWT_LEEWAY <= now;
	cJSON_Delete(o);
	return ok;
}

/*
 * Verifies token[0..len) with the key at time "now" and fills *out on
 * JWT_OK.  Returns JWT_MALFORMED (shape, header, base64url, payload
 * JSON or claims), JWT_BAD_SIG (MAC mismatch, checked before the
 * payload is parsed) or JWT_EXPIRED (exp <= now, checked last).
 */
enum jwt_status
jwt_verify(struct arena *a, const unsigned char *key, size_t keylen,
    const char *token, size_t len, int64_t now, struct jwt_claims *out)
{
	const char		*p, *s, *end;
	unsigned char		 pay[JWT_MAX_LEN], sig[JWT_MAX_LEN];
	unsigned char		 mac[JWT_MAC_LEN];
	struct jwt_claims	 c;
	struct buf		 b;
	int			 plen, slen;

	if (token == NULL || len > JWT_MAX_LEN || len <= sizeof(JWT_HEADER) ||
	    memcmp(token, JWT_HEADER ".", sizeof(JWT_HEADER)) != 0)
		return JWT_MALFORMED;
	p = token + sizeof(JWT_HEADER);
	end = token + len;
	if ((s = memchr(p, '.', (size_t)(end - p))) == NULL ||
	    memchr(s + 1, '.', (size_t)(end - s - 1)) != NULL)
		return JWT_MALFORMED;
	plen = b64url_decode(pay, sizeof(pay) - 1, p, (size_t)(s - p));
	slen = b64url_decode(sig, sizeof(sig), s + 1, (size_t)(end - s - 1));
	if (plen < 0 || slen < 0)
		return JWT_MALFORMED;
	if (!jwt_mac(key, keylen, token, (size_t)(s - token), mac) ||
	    slen != JWT_MAC_LEN || CRYPTO_memcmp(mac, sig, JWT_MAC_LEN) != 0)
		return JWT_BAD_SIG;
	pay[plen] = '\0';
	memset(&c, 0, sizeof(c));
	if (!claims_parse((const char *)pay, (size_t)plen, now, &c))
		return JWT_MALFORMED;
	buf_init(&b, a, JWT_MAX_LEN);
	claims_json(&b, &c);
	if (b.err != CORE_OK || b.len != (size_t)plen ||
	    memcmp(b.data, pay, b.len) != 0)
		return JWT_MALFORMED;	/* not what jwt_sign would write */
	if (c.exp <= now)
		return JWT_EXPIRED;
	*out = c;
	return JWT_OK;
}
