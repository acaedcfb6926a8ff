/*
 * SSTS - libFuzzer harness Z4: JWT verify and sign (lib/jwt.c,
 * lib/b64url.c), fixed key.  Byte 0 picks a mode:
 *   0  input = token.  Oracle: it verifies only if it is byte for byte
 *      what jwt_sign() makes of its claims; base64url decode/encode
 *      round-trips exactly.
 *   1  input = header JSON '\n' payload JSON, signed here with OpenSSL's
 *      HMAC() (the reference).  Same oracle, plus: the header is ours,
 *      and no one-bit change of a verified token verifies.
 *   2  input = claims (raw bytes).  Oracle: what jwt_sign() makes
 *      verifies and gives back the same claims.
 */
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz-common.h"

#define NOW	1700000000

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const unsigned char key[32] = "fuzz-key-fuzz-key-fuzz-key-0123";

/* Verifies; if OK the token must be exactly our signer's bytes. */
static enum jwt_status
check_token(struct arena *a, const char *t, size_t n, struct jwt_claims *c)
{
	enum jwt_status	 st;
	char		*again;

	st = jwt_verify(a, key, sizeof(key), t, n, NOW, c);
	CHECK(st >= JWT_OK && st < JWT__MAX);
	if (st == JWT_OK) {
		again = jwt_sign(a, key, sizeof(key), c);
		CHECK(again != NULL && strlen(again) == n &&
		    memcmp(again, t, n) == 0);
		CHECK(strncmp(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0);
		CHECK(c->exp > NOW);
	}
	return st;
}

static void
mode_token(struct arena *a, const uint8_t *d, size_t n)
{
	struct jwt_claims	 c;
	unsigned char		*bin;
	char			*enc;
	int			 k;

	(void)check_token(a, (const char *)d, n, &c);
	bin = arena_alloc(a, n + 1);
	enc = arena_alloc(a, n + 8);
	if ((k = b64url_decode(bin, n + 1, (const char *)d, n)) >= 0) {
		CHECK(b64url_encode(enc, n + 8, bin, (size_t)k) == (int)n);
		CHECK(memcmp(enc, d, n) == 0);
	}
}

static void
mode_signed(struct arena *a, const uint8_t *d, size_t n)
{
	const uint8_t		*nl;
	char			*h, *p, *t, *hp, sig[48];
	unsigned char		 mac[32];
	unsigned int		 maclen;
	struct jwt_claims	 c;
	size_t			 hl, pl, tl, pos;

	if ((nl = memchr(d, '\n', n)) == NULL)
		return;
	hl = (size_t)(nl - d);
	pl = n - hl - 1;
	h = arena_alloc(a, hl / 3 * 4 + 8);
	p = arena_alloc(a, pl / 3 * 4 + 8);
	CHECK(b64url_encode(h, hl / 3 * 4 + 8, d, hl) >= 0);
	CHECK(b64url_encode(p, pl / 3 * 4 + 8, nl + 1, pl) >= 0);
	hp = arena_printf(a, "%s.%s", h, p);
	CHECK(HMAC(EVP_sha256(), key, sizeof(key), (unsigned char *)hp,
	    strlen(hp), mac, &maclen) != NULL);
	CHECK(b64url_encode(sig, sizeof(sig), mac, maclen) == 43);
	t = arena_printf(a, "%s.%s", hp, sig);
	tl = strlen(t);
	if (check_token(a, t, tl, &c) != JWT_OK)
		return;
	CHECK(hl == 27 &&
	    memcmp(d, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27) == 0);
	/* no one-bit change of a token that verifies still verifies */
	pos = (size_t)d[n - 1] * 7 % tl;
	t[pos] ^= (char)(1 << (d[0] % 8));
	CHECK(jwt_verify(a, key, sizeof(key), t, tl, NOW, &c) != JWT_OK);
}

static void
mode_claims(struct arena *a, const uint8_t *d, size_t n)
{
	struct jwt_claims	 c, back;
	char			*t;
	enum jwt_status		 st;

	memset(&c, 0, sizeof(c));
	memcpy(&c, d, n < sizeof(c) ? n : sizeof(c));
	t = jwt_sign(a, key, sizeof(key), &c);
	if (t == NULL) {
		CHECK(c.sub < 1 || c.sid < 1 || c.iat < 1 || c.exp < 1 ||
		    c.iat >= ((int64_t)1 << 53) || c.exp >= ((int64_t)1 << 53) ||
		    memchr(c.role, 0, sizeof(c.role)) == NULL ||
		    memchr(c.typ, 0, sizeof(c.typ)) == NULL ||
		    memchr(c.jti, 0, sizeof(c.jti)) == NULL);
		return;
	}
	memset(&back, 0, sizeof(back));
	st = jwt_verify(a, key, sizeof(key), t, strlen(t), c.iat, &back);
	if (c.exp <= c.iat) {
		CHECK(st == JWT_EXPIRED);
		return;
	}
	CHECK(st == JWT_OK);
	CHECK(back.sub == c.sub && back.sid == c.sid && back.iat == c.iat &&
	    back.exp == c.exp);
	CHECK(strcmp(back.role, c.role) == 0 && strcmp(back.typ, c.typ) == 0 &&
	    strcmp(back.jti, c.jti) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;

	if (size == 0 || size > 8192)
		return 0;
	arena_init(&a, FUZZ_ARENA);
	switch (data[0] % 3) {
	case 0:
		mode_token(&a, data + 1, size - 1);
		break;
	case 1:
		mode_signed(&a, data + 1, size - 1);
		break;
	default:
		mode_claims(&a, data + 1, size - 1);
		break;
	}
	arena_free(&a);
	return 0;
}
