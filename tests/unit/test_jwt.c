/*
 * SSTS - unit tests for lib/jwt.c and lib/b64url.c: RFC 4648 and RFC
 * 7515 A.1 known answers, a jwt_sign known answer computed with the
 * openssl command line, and the JWT vectors of SECURITY.md §2.3 that
 * apply to a pure function.  mint() signs arbitrary header/payload
 * JSON with the test key (OpenSSL HMAC here, not lib/jwt.c), so a
 * vector can get past the MAC and reach the check it is about.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "ssts.h"

#define NOW	1700000100

static struct arena	 ar;
static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
#define KEYLEN	32
#define HDR	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define PAY	"{\"sub\":\"42\",\"sid\":\"7\",\"role\":\"client\"," \
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\"," \
		"\"iat\":1700000000,\"exp\":1700000900}"
/*
 * jwt_sign(claims0) computed independently with:
 *   b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
 *   H=$(printf %s "$HDR" | b64url); P=$(printf %s "$PAY" | b64url)
 *   printf %s "$H.$P" | openssl dgst -sha256 -hmac "$KEY" -binary | b64url
 */
#define KAT_TOKEN \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." \
	"eyJzdWIiOiI0MiIsInNpZCI6IjciLCJyb2xlIjoiY2xpZW50IiwidHlwIjoiYWNjZXNz" \
	"IiwianRpIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSIsImlhdCI6MTcwMDAwMDAwMCwi" \
	"ZXhwIjoxNzAwMDAwOTAwfQ.GWdEfdHTzpiRRvaBPJ16-3WPW17k7_iS3NEOo88bjeE"

static const struct jwt_claims claims0 = {
	42, 7, "client", "access", "AAAAAAAAAAAAAAAAAAAAAA", 1700000000,
	1700000900
};

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	arena_init(&ar, 16 * 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	return 0;
}

static char *
b64(const void *p, size_t n)
{
	char	*out = arena_alloc(&ar, n / 3 * 4 + 8);

	assert_non_null(out);
	assert_true(b64url_encode(out, n / 3 * 4 + 8, p, n) >= 0);
	return out;
}

/* header.payload signed with HMAC-SHA256 under k (OpenSSL, not jwt.c). */
static char *
mint_raw(const char *h, const char *p, const unsigned char *k, size_t klen)
{
	unsigned char	 mac[32];
	unsigned int	 maclen;
	char		*hp;

	hp = arena_printf(&ar, "%s.%s", b64(h, strlen(h)), b64(p, strlen(p)));
	assert_non_null(HMAC(EVP_sha256(), k, (int)klen,
	    (unsigned char *)hp, strlen(hp), mac, &maclen));
	return arena_printf(&ar, "%s.%s", hp, b64(mac, maclen));
}

static char *
mint(const char *h, const char *p)
{
	return mint_raw(h, p, key, KEYLEN);
}

static enum jwt_status
verify(const char *tok)
{
	struct jwt_claims	 c;

	memset(&c, 0x55, sizeof(c));
	return jwt_verify(&ar, key, KEYLEN, tok, strlen(tok), NOW, &c);
}

/* Payload with one member replaced ("name":value) or removed (value NULL). */
static char *
pay_with(const char *name, const char *value)
{
	struct buf	 b;

	buf_init(&b, &ar, 4096);
	buf_puts(&b, "{");
#define M(n, v) do {							\
		if (strcmp(name, n) != 0)				\
			buf_printf(&b, "%s\"%s\":%s", b.len > 1 ? "," : "", n, v); \
		else if (value != NULL)					\
			buf_printf(&b, "%s\"%s\":%s", b.len > 1 ? "," : "", n, value); \
	} while (0)
	M("sub", "\"42\"");
	M("sid", "\"7\"");
	M("role", "\"client\"");
	M("typ", "\"access\"");
	M("jti", "\"AAAAAAAAAAAAAAAAAAAAAA\"");
	M("iat", "1700000000");
	M("exp", "1700000900");
#undef M
	buf_puts(&b, "}");
	assert_int_equal(b.err, CORE_OK);
	return b.data;
}

static void
test_b64url_vectors(void **state)
{
	static const char *const plain[] = {
		"", "f", "fo", "foo", "foob", "fooba", "foobar"
	};
	static const char *const enc[] = {
		"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"
	};
	unsigned char	 bin[16];
	char		 out[16];
	size_t		 i;

	(void)state;
	for (i = 0; i < 7; i++) {
		assert_int_equal(b64url_encode(out, sizeof(out),
		    (const unsigned char *)plain[i], strlen(plain[i])),
		    strlen(enc[i]));
		assert_string_equal(out, enc[i]);
		assert_int_equal(b64url_decode(bin, sizeof(bin), enc[i],
		    strlen(enc[i])), strlen(plain[i]));
		assert_memory_equal(bin, plain[i], strlen(plain[i]));
	}
	bin[0] = 0xfb;
	bin[1] = 0xff;
	bin[2] = 0xbf;
	assert_int_equal(b64url_encode(out, sizeof(out), bin, 3), 4);
	assert_string_equal(out, "-_-_");
	assert_int_equal(b64url_decode(bin, sizeof(bin), "-_8", 3), 2);
	assert_int_equal(bin[0], 0xfb);
	assert_int_equal(bin[1], 0xff);
}

static void
test_b64url_strict(void **state)
{
	static const char *const evil[] = {
		"Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9", "Zm+v", "Zm/v",
		" Zg", "Zg ", "Zg\n", "Z g", "Zm9v=", "Zm.v", "Zm9v\xc3\xa9",
		"Zm9vYmF=", "Zm9vYmFz=",
	};
	unsigned char	 bin[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		if (b64url_decode(bin, sizeof(bin), evil[i],
		    strlen(evil[i])) != -1)
			fail_msg("decoded \"%s\"", evil[i]);
	/* every encoding but the canonical one of "f" is refused */
	assert_int_equal(b64url_decode(bin, sizeof(bin), "Zg", 2), 1);
	for (i = 1; i < 16; i++) {
		char	 s[3] = { 'Z', "ghijklmnopqrstuv"[i], '\0' };

		assert_int_equal(b64url_decode(bin, sizeof(bin), s, 2), -1);
	}
	/* NUL inside the given length */
	assert_int_equal(b64url_decode(bin, sizeof(bin), "Zg\0\0", 4), -1);
}

static void
test_b64url_sizes(void **state)
{
	unsigned char	 bin[8];
	char		 out[8];

	(void)state;
	assert_int_equal(b64url_encode(out, 5, (const unsigned char *)"foo",
	    3), 4);
	assert_int_equal(b64url_encode(out, 4, (const unsigned char *)"foo",
	    3), -1);			/* no room for the NUL */
	assert_int_equal(b64url_encode(out, 1, (const unsigned char *)"", 0),
	    0);
	assert_string_equal(out, "");
	assert_int_equal(b64url_encode(out, 0, (const unsigned char *)"", 0),
	    -1);
	assert_int_equal(b64url_decode(bin, 3, "Zm9v", 4), 3);
	assert_int_equal(b64url_decode(bin, 2, "Zm9v", 4), -1);
	assert_int_equal(b64url_decode(bin, 0, "", 0), 0);
}

static void
test_token_random(void **state)
{
	char	 a[64], b[64];
	size_t	 i;

	(void)state;
	token_random(a, 23, 16);
	token_random(b, sizeof(b), 16);
	assert_int_equal(strlen(a), 22);
	assert_int_equal(strlen(b), 22);
	assert_string_not_equal(a, b);
	for (i = 0; i < 22; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789-_", a[i]));
	token_random(a, sizeof(a), 32);
	assert_int_equal(strlen(a), 43);
}

/* RFC 7515 Appendix A.1: our base64url plus OpenSSL's HMAC give its MAC. */
static void
test_rfc7515_a1(void **state)
{
	static const char k64[] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_"
	    "T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
	static const char input[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
	    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
	unsigned char	 k[64], mac[32];
	unsigned int	 maclen;
	char		 sig[64], *tok;
	struct jwt_claims c;

	(void)state;
	assert_int_equal(b64url_decode(k, sizeof(k), k64, strlen(k64)), 64);
	HMAC(EVP_sha256(), k, 64, (const unsigned char *)input, strlen(input),
	    mac, &maclen);
	assert_int_equal(b64url_encode(sig, sizeof(sig), mac, maclen), 43);
	assert_string_equal(sig, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	/* the RFC token is genuine but not ours: its header is refused */
	tok = arena_printf(&ar, "%s.%s", input, sig);
	assert_int_equal(jwt_verify(&ar, k, 64, tok, strlen(tok), 1300819379,
	    &c), JWT_MALFORMED);
}

static void
test_sign_kat(void **state)
{
	char	*t;

	(void)state;
	t = jwt_sign(&ar, key, KEYLEN, &claims0);
	assert_non_null(t);
	assert_string_equal(t, KAT_TOKEN);
	assert_string_equal(mint(HDR, PAY), KAT_TOKEN);	/* helper agrees */
}

static void
test_verify_ok(void **state)
{
	struct jwt_claims	 c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, KAT_TOKEN,
	    strlen(KAT_TOKEN), NOW, &c), JWT_OK);
	assert_memory_equal(&c, &claims0, sizeof(c));
	/* len is honoured: trailing bytes are not part of the token */
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, KAT_TOKEN "xyz",
	    strlen(KAT_TOKEN), NOW, &c), JWT_OK);
}

static void
test_roundtrip_escaped(void **state)
{
	struct jwt_claims	 c, d;
	char			*t;

	(void)state;
	memset(&c, 0, sizeof(c));
	c = claims0;
	memset(c.role, 0, sizeof(c.role));
	memset(c.jti, 0, sizeof(c.jti));
	memcpy(c.role, "<a\"b\\c&\n>", 10);
	memcpy(c.jti, "x\xe2\x80\xa8y", 6);
	c.sub = INT64_MAX;
	c.sid = 1;
	c.iat = 1;
	c.exp = 9007199254740991;	/* 2^53 - 1 */
	t = jwt_sign(&ar, key, KEYLEN, &c);
	assert_non_null(t);
	memset(&d, 0, sizeof(d));
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t), NOW, &d),
	    JWT_OK);
	assert_memory_equal(&c, &d, sizeof(c));
}

static void
test_sign_refuses(void **state)
{
	struct jwt_claims	 c;

	(void)state;
	assert_null(jwt_sign(&ar, key, 31, &claims0));	/* short key */
	c = claims0;
	c.sub = 0;
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
	c = claims0;
	c.sid = -1;
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
	c = claims0;
	c.iat = 0;
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
	c = claims0;
	c.exp = 9007199254740992;			/* 2^53 */
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
	c = claims0;
	memset(c.role, 'r', sizeof(c.role));		/* no NUL */
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
	c = claims0;
	memset(c.jti, 'j', sizeof(c.jti));
	assert_null(jwt_sign(&ar, key, KEYLEN, &c));
}

static void
test_alg(void **state)
{
	static const char *const hdrs[] = {
		"{\"alg\":\"none\",\"typ\":\"JWT\"}",
		"{\"alg\":\"None\",\"typ\":\"JWT\"}",
		"{\"alg\":\"NONE\",\"typ\":\"JWT\"}",
		"{\"alg\":\"nOnE\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
		"{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256 \",\"typ\":\"JWT\"}",
		"{\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256\"}",
		"{\"typ\":\"JWT\",\"alg\":\"HS256\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"alg\":\"none\"}",
		"{\"alg\":\"none\",\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../../../dev/null\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"' OR '1'='1\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jku\":\"http://127.0.0.1:9/keys\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"]}",
		"{ \"alg\":\"HS256\",\"typ\":\"JWT\"}",
		"[\"alg\",\"HS256\"]", "\"HS256\"", "null", "",
		"\xef\xbb\xbf{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
	};
	const char	*sigpart = strrchr(KAT_TOKEN, '.');
	char		*t, *h, *p;
	size_t		 i;

	(void)state;
	p = b64(PAY, strlen(PAY));
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		/* properly MACed with the HS256 key */
		assert_int_equal(verify(mint(hdrs[i], PAY)), JWT_MALFORMED);
		h = b64(hdrs[i], strlen(hdrs[i]));
		/* empty signature, as alg:none tokens come */
		t = arena_printf(&ar, "%s.%s.", h, p);
		assert_int_equal(verify(t), JWT_MALFORMED);
		/* the original signature */
		t = arena_printf(&ar, "%s.%s%s", h, p, sigpart);
		assert_int_equal(verify(t), JWT_MALFORMED);
	}
}

static void
test_shape(void **state)
{
	unsigned char	 mac[40];
	char		*t, *big;
	size_t		 n = strlen(KAT_TOKEN), dot2;

	(void)state;
	dot2 = (size_t)(strrchr(KAT_TOKEN, '.') - KAT_TOKEN);
	mac[32] = 0;
	assert_int_equal(verify(""), JWT_MALFORMED);
	assert_int_equal(verify("."), JWT_MALFORMED);
	assert_int_equal(verify(".."), JWT_MALFORMED);
	assert_int_equal(verify("a.b.c"), JWT_MALFORMED);
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, NULL, 0, NOW, NULL),
	    JWT_MALFORMED);
	/* four segments, two segments */
	assert_int_equal(verify(arena_printf(&ar, "%s.", KAT_TOKEN)),
	    JWT_MALFORMED);
	assert_int_equal(verify(arena_printf(&ar, "%s.x", KAT_TOKEN)),
	    JWT_MALFORMED);
	t = arena_strndup(&ar, KAT_TOKEN, (size_t)(strrchr(KAT_TOKEN, '.') -
	    KAT_TOKEN));
	assert_int_equal(verify(t), JWT_MALFORMED);
	/* padding, '+' and '/', white space */
	assert_int_equal(verify(arena_printf(&ar, "%s=", KAT_TOKEN)),
	    JWT_MALFORMED);
	assert_int_equal(verify(arena_printf(&ar, "%s==", KAT_TOKEN)),
	    JWT_MALFORMED);
	assert_int_equal(verify(arena_printf(&ar, " %s", KAT_TOKEN)),
	    JWT_MALFORMED);
	assert_int_equal(verify(arena_printf(&ar, "%s\n", KAT_TOKEN)),
	    JWT_MALFORMED);
	t = arena_strdup(&ar, KAT_TOKEN);
	*strchr(t + 37, '-') = '+';
	assert_int_equal(verify(t), JWT_MALFORMED);
	t = arena_strdup(&ar, KAT_TOKEN);
	*strchr(t + 37, '_') = '/';
	assert_int_equal(verify(t), JWT_MALFORMED);
	/* truncated by one char (non-zero spare bits) or two (4k+1 chars) */
	t = arena_strndup(&ar, KAT_TOKEN, n - 1);
	assert_int_equal(verify(t), JWT_MALFORMED);
	t = arena_strndup(&ar, KAT_TOKEN, n - 2);
	assert_int_equal(verify(t), JWT_MALFORMED);
	/* canonical base64url of a MAC one byte short or one byte long */
	assert_int_equal(b64url_decode(mac, sizeof(mac), &KAT_TOKEN[dot2 + 1],
	    n - dot2 - 1), 32);
	t = arena_printf(&ar, "%.*s.%s", (int)dot2, KAT_TOKEN, b64(mac, 31));
	assert_int_equal(verify(t), JWT_BAD_SIG);
	t = arena_printf(&ar, "%.*s.%s", (int)dot2, KAT_TOKEN, b64(mac, 33));
	assert_int_equal(verify(t), JWT_BAD_SIG);
	t = arena_printf(&ar, "%.*s.%s", (int)dot2, KAT_TOKEN, b64(mac, 32));
	assert_int_equal(verify(t), JWT_OK);
	/* 1 MiB and just-too-long tokens */
	big = arena_alloc(&ar, 1024 * 1024 + 1);
	memset(big, 'A', 1024 * 1024);
	big[1024 * 1024] = '\0';
	assert_int_equal(verify(big), JWT_MALFORMED);
	memcpy(big, KAT_TOKEN, n);
	big[JWT_MAX_LEN + 1] = '\0';
	assert_int_equal(verify(big), JWT_MALFORMED);
}

/* One bit flipped anywhere must never verify (SECURITY.md §2.3). */
static void
test_bit_flips(void **state)
{
	struct jwt_claims	 c;
	char			 t[512];
	size_t			 n = strlen(KAT_TOKEN), i, bit, dot2;
	enum jwt_status		 st;

	(void)state;
	dot2 = (size_t)(strrchr(KAT_TOKEN, '.') - KAT_TOKEN);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(t, KAT_TOKEN, n + 1);
			t[i] ^= (char)(1 << bit);
			st = jwt_verify(&ar, key, KEYLEN, t, n, NOW, &c);
			if (st == JWT_OK)
				fail_msg("flip %zu/%zu verified", i, bit);
			if (i < 37 && st != JWT_MALFORMED)
				fail_msg("header flip %zu/%zu gave %d", i, bit, st);
			if (i > 37 && i < dot2 && st != JWT_BAD_SIG &&
			    st != JWT_MALFORMED)
				fail_msg("payload flip %zu/%zu gave %d", i, bit, st);
		}
	}
	/* an alphabet-preserving change in the payload is a MAC failure */
	memcpy(t, KAT_TOKEN, n + 1);
	t[40] = t[40] == 'A' ? 'B' : 'A';
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, n, NOW, &c),
	    JWT_BAD_SIG);
}

static void
test_payload_swapped(void **state)
{
	const char	*sigpart = strrchr(KAT_TOKEN, '.');
	char		*p;
	unsigned char	 other[32];

	(void)state;
	p = pay_with("role", "\"admin\"");
	assert_int_equal(verify(arena_printf(&ar, "%s.%s%s",
	    b64(HDR, strlen(HDR)), b64(p, strlen(p)), sigpart)), JWT_BAD_SIG);
	p = pay_with("sub", "\"1\"");
	assert_int_equal(verify(arena_printf(&ar, "%s.%s%s",
	    b64(HDR, strlen(HDR)), b64(p, strlen(p)), sigpart)), JWT_BAD_SIG);
	/* another key: signed by a retired or foreign key */
	memset(other, 'k', sizeof(other));
	assert_int_equal(verify(mint_raw(HDR, PAY, other, sizeof(other))),
	    JWT_BAD_SIG);
	/* the right token, a short key on our side */
	assert_int_equal(jwt_verify(&ar, key, 31, KAT_TOKEN, strlen(KAT_TOKEN),
	    NOW, NULL), JWT_BAD_SIG);
}

/* Signed correctly, but the claims break a rule: all MALFORMED. */
static void
test_claims_malformed(void **state)
{
	static const char *const repl[][2] = {
		{ "exp", NULL }, { "exp", "1e30" }, { "exp", "\"9999999999\"" },
		{ "exp", "-1" }, { "exp", "0" }, { "exp", "1700000900.5" },
		{ "exp", "1700000900.0" }, { "exp", "17000009e2" },
		{ "exp", "9007199254740992" }, { "exp", "null" },
		{ "exp", "true" }, { "exp", "[1700000900]" },
		{ "iat", NULL }, { "iat", "1700000161" }, { "iat", "-5" },
		{ "sub", NULL }, { "sub", "42" }, { "sub", "\"042\"" },
		{ "sub", "\"0\"" }, { "sub", "\"-1\"" }, { "sub", "\"+1\"" },
		{ "sub", "\"9223372036854775808\"" }, { "sub", "\"4 2\"" },
		{ "sub", "\"\"" }, { "sub", "\"42\\u0000\"" },
		{ "sid", NULL }, { "sid", "7" },
		{ "role", NULL }, { "role", "\"0123456789abcdef\"" },
		{ "role", "\"admin\\u0000x\"" }, { "role", "null" },
		{ "typ", NULL }, { "typ", "\"0123456789abcdef\"" },
		{ "jti", NULL }, { "jti", "5" },
		{ "jti", "\"0123456789012345678901234567890123456789\"" },
		{ "role", "\"\\u0063lient\"" },	/* non-canonical escape */
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(repl) / sizeof(repl[0]); i++)
		if (verify(mint(HDR, pay_with(repl[i][0], repl[i][1]))) !=
		    JWT_MALFORMED)
			fail_msg("%s=%s not refused", repl[i][0],
			    repl[i][1] ? repl[i][1] : "(missing)");
	/* limits that are fine */
	assert_int_equal(verify(mint(HDR, pay_with("role",
	    "\"0123456789abcde\""))), JWT_OK);
	assert_int_equal(verify(mint(HDR, pay_with("jti",
	    "\"012345678901234567890123456789012345678\""))), JWT_OK);
	assert_int_equal(verify(mint(HDR, pay_with("iat", "1700000160"))),
	    JWT_OK);			/* 60 s leeway */
}

static void
test_payload_shape(void **state)
{
	static const char *const pays[] = {
		"", "[]", "\"x\"", "null", "{",
		/* duplicate sub: the first or the second could win */
		"{\"sub\":\"42\",\"sub\":\"1\",\"sid\":\"7\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900}",
		/* same members, other order */
		"{\"sid\":\"7\",\"sub\":\"42\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900}",
		/* white space */
		"{ \"sub\":\"42\",\"sid\":\"7\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900}",
		/* a member we never write */
		"{\"sub\":\"42\",\"sid\":\"7\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900,\"admin\":true}",
		/* nbf in the future */
		"{\"sub\":\"42\",\"sid\":\"7\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900,\"nbf\":1700000500}",
		/* nbf in the past: still not a token we wrote */
		"{\"sub\":\"42\",\"sid\":\"7\",\"role\":\"client\","
		"\"typ\":\"access\",\"jti\":\"AAAAAAAAAAAAAAAAAAAAAA\","
		"\"iat\":1700000000,\"exp\":1700000900,\"nbf\":1700000000}",
		/* trailing garbage */
		PAY "x", PAY " ",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(pays) / sizeof(pays[0]); i++)
		if (verify(mint(HDR, pays[i])) != JWT_MALFORMED)
			fail_msg("payload #%zu not refused", i);
}

static void
test_expiry(void **state)
{
	struct jwt_claims	 c = claims0, d;
	char			*t;

	(void)state;
	t = jwt_sign(&ar, key, KEYLEN, &c);
	memset(&d, 0x55, sizeof(d));
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t),
	    c.exp, &d), JWT_EXPIRED);
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t),
	    c.exp + 1000000, &d), JWT_EXPIRED);
	assert_int_equal(d.sub, 0x5555555555555555);	/* out untouched */
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t),
	    c.exp - 1, &d), JWT_OK);
	/* expired and badly signed: the signature is checked first */
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t),
	    c.exp + 1, &d), JWT_BAD_SIG);
	/* iat far in the future is malformed, not expired */
	c.iat = NOW + 61;
	c.exp = NOW + 900;
	t = jwt_sign(&ar, key, KEYLEN, &c);
	assert_int_equal(jwt_verify(&ar, key, KEYLEN, t, strlen(t), NOW, &d),
	    JWT_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_b64url_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_b64url_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_b64url_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc7515_a1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_kat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bit_flips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_swapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claims_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
