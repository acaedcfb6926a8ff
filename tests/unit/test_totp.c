/*
 * SSTS - unit tests for lib/totp.c: the RFC 6238 appendix B vectors
 * (SHA-1, 6-digit truncation of the 8-digit values), the ±1 step window
 * and the step it reports, code shapes liboath would misread, base32,
 * sealing (round trip, tampering, another key), the otpauth URI and the
 * QR code's SVG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "totp.h"

/* RFC 6238 appendix B: the SHA-1 seed is "12345678901234567890". */
static const unsigned char rfc_seed[TOTP_SECRET_BYTES] =
    "12345678901234567890";

static struct arena	 a;

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || !totp_init())
		return -1;
	setenv("JWT_SECRET", "totp-test-secret-0123456789ABCDEFGH", 1);
	setenv("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff", 1);
	unsetenv("SSTS_PRODUCTION");
	if (!config_load("test"))
		return -1;
	arena_init(&a, 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&a);
	totp_fini();
	return 0;
}

static void
test_rfc6238_vectors(void **state)
{
	static const struct {
		time_t		 t;
		const char	*code;	/* last 6 of the RFC's 8 digits */
	} v[] = {
		{ 59, "287082" },		/* 94287082 */
		{ 1111111109, "081804" },	/* 07081804 */
		{ 1111111111, "050471" },	/* 14050471 */
		{ 1234567890, "005924" },	/* 89005924 */
		{ 2000000000, "279037" },	/* 69279037 */
		{ 20000000000, "353130" },	/* 65353130 */
	};
	char		 out[TOTP_DIGITS + 1];
	int64_t		 step;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(totp_generate(rfc_seed, v[i].t, out));
		assert_string_equal(out, v[i].code);
		assert_true(totp_check(rfc_seed, v[i].code, v[i].t, &step));
		assert_int_equal(step, v[i].t / 30);
	}
}

static void
test_window(void **state)
{
	char		 code[TOTP_DIGITS + 1];
	int64_t		 step;
	time_t		 t = 1111111111;	/* step 37037037 */

	(void)state;
	assert_true(totp_generate(rfc_seed, t, code));
	/* A code is good one step early and one step late, not two. */
	assert_true(totp_check(rfc_seed, code, t - 30, &step));
	assert_int_equal(step, t / 30);
	assert_true(totp_check(rfc_seed, code, t + 30, &step));
	assert_int_equal(step, t / 30);
	assert_false(totp_check(rfc_seed, code, t - 60, &step));
	assert_false(totp_check(rfc_seed, code, t + 60, &step));
}

static void
test_code_shapes(void **state)
{
	static const char *const bad[] = { "", "28708", "2870820", "94287082",
	    "28708a", " 287082", "287082 ", "+87082", "２87082", "287\x00" "82" };
	int64_t		 step;
	size_t		 i;

	(void)state;
	assert_true(totp_code_shape("000000"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(totp_code_shape(bad[i]));
		/* an 8-digit code of the same secret must not pass either */
		assert_false(totp_check(rfc_seed, bad[i], 59, &step));
	}
}

static void
test_base32(void **state)
{
	char	 b32[TOTP_BASE32_LEN + 1];

	(void)state;
	/* RFC 4648: base32("12345678901234567890") */
	totp_base32(rfc_seed, b32);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void
test_seal(void **state)
{
	unsigned char	 sec[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
	char		*s1, *s2, *t;

	(void)state;
	totp_new_secret(sec);
	s1 = totp_seal(&a, sec);
	s2 = totp_seal(&a, sec);
	assert_non_null(s1);
	assert_true(strncmp(s1, "v1:", 3) == 0);
	assert_true(strlen(s1) < 255);		/* users.mfa_secret */
	assert_string_not_equal(s1, s2);	/* a fresh nonce each time */
	assert_true(totp_open(s1, back));
	assert_memory_equal(sec, back, sizeof(sec));
	/* one character changed anywhere: refused */
	t = arena_strdup(&a, s1);
	t[10] = t[10] == 'A' ? 'B' : 'A';
	assert_false(totp_open(t, back));
	assert_false(totp_open("v1:", back));
	assert_false(totp_open("v2:AAAA", back));
	assert_false(totp_open(NULL, back));
	assert_false(totp_open(s1 + 3, back));
	/* another ENCRYPTION_KEY cannot open it */
	setenv("ENCRYPTION_KEY", "ffeeddccbbaa99887766554433221100"
	    "ffeeddccbbaa99887766554433221100", 1);
	assert_true(config_load("test"));
	assert_false(totp_open(s1, back));
}

static void
test_uri_and_qr(void **state)
{
	char	*uri, *svg, *d;

	(void)state;
	uri = totp_uri(&a, "SSTS", "ann+x@example.com",
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_string_equal(uri, "otpauth://totp/SSTS:ann%2Bx%40example.com"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=SSTS"
	    "&algorithm=SHA1&digits=6&period=30");
	svg = totp_qr_svg(&a, uri);
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"",
	    39) == 0);
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
	assert_true(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);
	/* nothing but path commands and numbers inside d="" */
	d = strstr(svg, " d=\"") + 4;
	assert_int_equal(strspn(d, "Mhvz-0123456789 "), strcspn(d, "\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_code_shapes),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_uri_and_qr),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
