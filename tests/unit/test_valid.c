/*
 * SSTS - unit tests for lib/valid.c: strict UTF-8, character counts,
 * and every field kind with its trimming, limits and messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ssts.h"

static struct arena	 ar;

static int
setup(void **state)
{
	(void)state;
	arena_init(&ar, 4 * 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	return 0;
}

static const struct field_spec	 f_text = { "body", VALID_TEXT, 1, 10, 0, 0, 1 };
static const struct field_spec	 f_line = { "name", VALID_LINE, 2, 5, 0, 0, 1 };
static const struct field_spec	 f_opt = { "note", VALID_LINE, 0, 5, 0, 0, 0 };
static const struct field_spec	 f_mail = { "email", VALID_EMAIL, 1, 255, 0, 0, 1 };
static const struct field_spec	 f_pass = { "password", VALID_PASSWORD, 8, 128, 0, 0, 1 };
static const struct field_spec	 f_id = { "id", VALID_ID, 1, 0, 0, 0, 1 };
static const struct field_spec	 f_int = { "page", VALID_INT, 0, 0, -5, 100, 0 };
static const struct field_spec	 f_bool = { "flag", VALID_BOOL, 0, 0, 0, 0, 0 };

/* Expects "val" to pass with normalised value "norm" (and *num if wnum). */
static void
ok(const struct field_spec *f, const char *val, size_t len,
    const char *norm, int64_t num)
{
	const char	*n = "unset", *msg;
	int64_t		 v = -999;

	msg = valid_check(&ar, f, val, len, &n, &v);
	if (msg != NULL)
		fail_msg("\"%s\" rejected: %s", val, msg);
	assert_non_null(n);
	assert_string_equal(n, norm);
	if (f->kind >= VALID_ID)
		assert_int_equal(v, num);
	else
		assert_int_equal(v, -999);
}

static void
oks(const struct field_spec *f, const char *val, const char *norm)
{
	ok(f, val, strlen(val), norm, 0);
}

static void
bad(const struct field_spec *f, const char *val, size_t len,
    const char *want)
{
	const char	*n = "unset", *msg;
	int64_t		 v = -999;

	msg = valid_check(&ar, f, val, len, &n, &v);
	if (msg == NULL)
		fail_msg("\"%s\" accepted as \"%s\"", val, n);
	assert_string_equal(msg, want);
	assert_null(n);
	assert_int_equal(v, -999);
}

static void
bads(const struct field_spec *f, const char *val, const char *want)
{
	bad(f, val, strlen(val), want);
}

static void
test_utf8(void **state)
{
	static const char *const good[] = {
		"", "abc", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf",
		"\xed\x9f\xbf", "\xee\x80\x80", "\xf0\x90\x80\x80",
		"\xf4\x8f\xbf\xbf",
	};
	static const char *const evil[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41",
		"\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff",
		"\xe2\x82", "a\xf0\x9f\x98", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\xbd\xed\xb8\x80",	/* CESU-8 surrogate pair */
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(valid_utf8(good[i], strlen(good[i])), 1);
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		if (valid_utf8(evil[i], strlen(evil[i])) != 0)
			fail_msg("accepted bad UTF-8 #%zu", i);
	assert_int_equal(valid_utf8("a\0b", 3), 1);	/* NUL is valid UTF-8 */
	assert_int_equal(valid_utf8("\xc3\xa9", 1), 0);	/* length counts */
}

static void
test_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("", 0), 0);
	assert_int_equal(utf8_chars("abc", 3), 3);
	assert_int_equal(utf8_chars("\xc3\xa9t\xc3\xa9", 5), 3);
	assert_int_equal(utf8_chars("\xf0\x9f\x98\x80\xe2\x82\xac", 7), 2);
}

static void
test_common(void **state)
{
	const struct field_spec	*all[] = {
		&f_text, &f_line, &f_mail, &f_pass, &f_id, &f_int, &f_bool
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		bad(all[i], "ab\0cdefghij", 11, "must not contain NUL characters");
		bads(all[i], "abc\xff" "defghi", "must be valid UTF-8 text");
		bads(all[i], "abc\xc0\xafxyzabc", "must be valid UTF-8 text");
		bads(all[i], "abc\xed\xa0\x80xyzabc", "must be valid UTF-8 text");
	}
}

static void
test_text(void **state)
{
	(void)state;
	oks(&f_text, "hello", "hello");
	oks(&f_text, "a\tb\r\nc", "a\tb\r\nc");
	oks(&f_text, " x ", " x ");		/* TEXT is not trimmed */
	oks(&f_text, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	bads(&f_text, "12345678901", "must be at most 10 characters");
	bads(&f_text, "", "is required");
	bad(&f_text, NULL, 0, "is required");
	bads(&f_text, "a\x01", "must not contain control characters");
	bads(&f_text, "a\x1b[31m", "must not contain control characters");
	bads(&f_text, "a\x7f", "must not contain control characters");
	bads(&f_text, "a\xc2\x85", "must not contain control characters");
	bads(&f_text, "a\xc2\x9f", "must not contain control characters");
	oks(&f_text, "a\xc2\xa0", "a\xc2\xa0");	/* NBSP is not a control */
	/* the arena copy stops at len */
	ok(&f_text, "abcdef", 3, "abc", 0);
}

static void
test_line(void **state)
{
	const struct field_spec	 one = { "x", VALID_LINE, 1, 1, 0, 0, 1 };

	(void)state;
	oks(&f_line, "  Bob \t", "Bob");
	oks(&f_line, "J\xc3\xb6rg", "J\xc3\xb6rg");	/* 4 chars, 5 bytes */
	oks(&f_line, "a b", "a b");
	bads(&f_line, "a\tb", "must not contain control characters");
	bads(&f_line, "a\nb", "must not contain control characters");
	bads(&f_line, " \r\n ", "is required");
	bads(&f_line, " x ", "must be at least 2 characters");
	bads(&f_line, "abcdef", "must be at most 5 characters");
	bads(&f_line, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "must be at most 5 characters");
	bads(&one, "ab", "must be at most 1 character");
	oks(&f_opt, "", "");
	oks(&f_opt, "   ", "");
	oks(&f_opt, " a ", "a");
}

static void
test_email(void **state)
{
	char	 local[80], dom[64], m[1024];

	(void)state;
	oks(&f_mail, "  Alice@Example.COM ", "alice@example.com");
	oks(&f_mail, "a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk");
	oks(&f_mail, "o'neil_x-y@ex-ample.org", "o'neil_x-y@ex-ample.org");
	oks(&f_mail, "x@1.2", "x@1.2");
	/* the first admin's default address (DESIGN.md §3) */
	oks(&f_mail, "Admin@LocalHost", "admin@localhost");
	static const char *const evil[] = {
		"plain", "@example.com", "a@", "a@@b.com", "a@b@c.com",
		"a@local", "a@localhost2", "a@b.", "a@.b", "a@b..com", "a@-b.com",
		"a@b-.com", "a@b.com-", "a b@c.com", "a@b c.com", "a@b_c.com",
		".a@b.com", "a.@b.com", "a..b@c.com", "a\"b@c.com",
		"a(b)@c.com", "a,b@c.com", "a@[127.0.0.1]", "a<b>@c.com",
		"\xc3\xa9@b.com", "a@\xc3\xa9.com", "a@b.com.", "a@xn--.com",
		"a\\b@c.com", "a:b@c.com", "a;b@c.com",
	};
	size_t	 i;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		bads(&f_mail, evil[i], "must be a valid e-mail address");
	bads(&f_mail, "a\t@b.com", "must not contain control characters");
	bads(&f_mail, " ", "is required");
	/* local part: 64 ok, 65 not */
	memset(local, 'l', 64);
	local[64] = '\0';
	snprintf(m, sizeof(m), "%s@b.com", local);
	oks(&f_mail, m, m);
	snprintf(m, sizeof(m), "%sl@b.com", local);
	bads(&f_mail, m, "must be a valid e-mail address");
	/* label of 63 ok, 64 not */
	memset(dom, 'd', 63);
	dom[63] = '\0';
	snprintf(m, sizeof(m), "a@%s.com", dom);
	oks(&f_mail, m, m);
	snprintf(m, sizeof(m), "a@%sd.com", dom);
	bads(&f_mail, m, "must be a valid e-mail address");
	/* 255 characters total ok, 256 not */
	snprintf(m, sizeof(m), "a@%s.%s.%s.%.61s", dom, dom, dom, dom);
	assert_int_equal(strlen(m), 255);
	oks(&f_mail, m, m);
	snprintf(m, sizeof(m), "a@%s.%s.%s.%.62s", dom, dom, dom, dom);
	bads(&f_mail, m, "must be at most 255 characters");
}

static void
test_email_optional(void **state)
{
	const struct field_spec	 f = { "cc", VALID_EMAIL, 0, 255, 0, 0, 0 };

	(void)state;
	oks(&f, "", "");
	oks(&f, "  ", "");
	oks(&f, "X@Y.Z", "x@y.z");
}

static void
test_password(void **state)
{
	(void)state;
	oks(&f_pass, "  Secret1 x  ", "  Secret1 x  ");	/* never trimmed */
	oks(&f_pass, "P\xc3\xa4sswort9", "P\xc3\xa4sswort9");
	oks(&f_pass, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98"
	    "\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98"
	    "\x80\xf0\x9f\x98\x80");		/* 8 characters, 32 bytes */
	oks(&f_pass, "abc\xc2\x85" "defgh", "abc\xc2\x85" "defgh");	/* C1 ok */
	bads(&f_pass, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
	    "must be at least 8 characters");
	bads(&f_pass, "secret\t12", "must not contain control characters");
	bads(&f_pass, "secret\n12", "must not contain control characters");
	bads(&f_pass, "secret\x7f" "12", "must not contain control characters");
	bads(&f_pass, "", "is required");
	bads(&f_pass, "short", "must be at least 8 characters");
}

static void
test_id(void **state)
{
	static const char *const evil[] = {
		"0", "-1", "+1", " 1", "1 ", "01", "00", "1a", "0x10", "1.0",
		"1e3", "9223372036854775808", "99999999999999999999",
		"-9223372036854775808", "\xef\xbc\x91", "1\n",
	};
	size_t	 i;

	(void)state;
	ok(&f_id, "1", 1, "1", 1);
	ok(&f_id, "42", 2, "42", 42);
	ok(&f_id, "9223372036854775807", 19, "9223372036854775807", INT64_MAX);
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		bads(&f_id, evil[i], "must be a valid id");
	bads(&f_id, "", "is required");
	ok(&f_id, "123", 2, "12", 12);		/* len is honoured */
}

static void
test_int(void **state)
{
	const struct field_spec	 wide = { "n", VALID_INT, 1, 0, INT64_MIN,
	    INT64_MAX, 1 };

	(void)state;
	ok(&f_int, "0", 1, "0", 0);
	ok(&f_int, "-5", 2, "-5", -5);
	ok(&f_int, "100", 3, "100", 100);
	ok(&f_int, "007", 3, "7", 7);
	ok(&f_int, "-0", 2, "0", 0);
	ok(&f_int, "", 0, "", 0);		/* optional and empty */
	bads(&f_int, "-6", "must be between -5 and 100");
	bads(&f_int, "101", "must be between -5 and 100");
	bads(&f_int, "-", "must be a whole number");
	bads(&f_int, "+1", "must be a whole number");
	bads(&f_int, " 1", "must be a whole number");
	bads(&f_int, "1.5", "must be a whole number");
	bads(&f_int, "--1", "must be a whole number");
	bads(&f_int, "1e2", "must be a whole number");
	bads(&f_int, "99999999999999999999999", "must be between -5 and 100");
	bads(&f_int, "999999999999999999999999", "must be a whole number");
	ok(&wide, "-9223372036854775808", 20, "-9223372036854775808",
	    INT64_MIN);
	ok(&wide, "9223372036854775807", 19, "9223372036854775807", INT64_MAX);
	bads(&wide, "9223372036854775808", "must be between "
	    "-9223372036854775808 and 9223372036854775807");
	bads(&wide, "", "is required");
}

static void
test_bool(void **state)
{
	(void)state;
	ok(&f_bool, "true", 4, "true", 1);
	ok(&f_bool, "TRUE", 4, "true", 1);
	ok(&f_bool, "On", 2, "true", 1);
	ok(&f_bool, "1", 1, "true", 1);
	ok(&f_bool, "false", 5, "false", 0);
	ok(&f_bool, "Off", 3, "false", 0);
	ok(&f_bool, "0", 1, "false", 0);
	ok(&f_bool, "", 0, "", 0);
	bads(&f_bool, "yes", "must be true or false");
	bads(&f_bool, "2", "must be true or false");
	bads(&f_bool, "tru", "must be true or false");
	bads(&f_bool, "truee", "must be true or false");
	bads(&f_bool, " true", "must be true or false");
	bad(&f_bool, "true", 3, "must be true or false");
}

static void
test_null_out(void **state)
{
	(void)state;
	assert_null(valid_check(&ar, &f_id, "5", 1, NULL, NULL));
	assert_non_null(valid_check(&ar, &f_id, "x", 1, NULL, NULL));
}

static void
test_messages_never_echo(void **state)
{
	const char	*m;

	(void)state;
	m = valid_check(&ar, &f_mail, "<script>@x", 10, NULL, NULL);
	assert_non_null(m);
	assert_null(strstr(m, "script"));
	m = valid_check(&ar, &f_int, "12345678", 8, NULL, NULL);
	assert_null(strstr(m, "12345678"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_common, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_optional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_never_echo, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
