/*
 * SSTS - unit tests for lib/filename.c: path stripping, controls and
 * invisible characters, invalid UTF-8, the length cap, and the
 * Content-Disposition header value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "filename.h"

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

/* Cleans raw, checks the invariants and that cleaning is idempotent. */
static const char *
clean(const char *raw)
{
	const char	*c;
	size_t		 n;

	c = filename_clean(&ar, raw);
	assert_non_null(c);
	n = strlen(c);
	assert_true(n > 0 && n <= FILENAME_MAX_BYTES);
	assert_true(valid_utf8(c, n));
	assert_null(strpbrk(c, "/\\\"\r\n\t\x7f"));
	assert_string_equal(filename_clean(&ar, c), c);
	return c;
}

static void
test_plain(void **state)
{
	(void)state;
	assert_string_equal(clean("report.pdf"), "report.pdf");
	assert_string_equal(clean("my photo (2).jpeg"), "my photo (2).jpeg");
	assert_string_equal(clean("a-b_c+d=e,f'g&h!#$@[]{}~^`"),
	    "a-b_c+d=e,f'g&h!#$@[]{}~^`");
}

static void
test_path_unix(void **state)
{
	(void)state;
	assert_string_equal(clean("../../etc/passwd"), "passwd");
	assert_string_equal(clean("/abs/path/x.txt"), "x.txt");
	assert_string_equal(clean("dir/"), "file");
}

static void
test_path_windows(void **state)
{
	(void)state;
	assert_string_equal(clean("..\\..\\x.exe"), "x.exe");
	assert_string_equal(clean("C:\\Users\\me\\Desktop\\shot.png"),
	    "shot.png");
	assert_string_equal(clean("a/b\\c/d.txt"), "d.txt");
}

static void
test_percent_nul(void **state)
{
	(void)state;
	assert_string_equal(clean("a.pdf%00.html"), "a.pdf_00.html");
	/* The C string stops at the NUL: what follows is never seen. */
	assert_string_equal(clean("a.pdf\0.html"), "a.pdf");
}

static void
test_replaced(void **state)
{
	(void)state;
	assert_string_equal(clean("\"quoted\".txt"), "_quoted_.txt");
	assert_string_equal(clean("<img src=x>.png"), "_img src=x_.png");
	assert_string_equal(clean("a:b|c?d*e;f.txt"), "a_b_c_d_e_f.txt");
}

static void
test_controls(void **state)
{
	(void)state;
	assert_string_equal(clean("a\r\nb\tc.txt"), "abc.txt");
	assert_string_equal(clean("\x01\x1b[31mred\x7f.txt"), "[31mred.txt");
	/* C1: U+0085 (NEL), U+009B (CSI) */
	assert_string_equal(clean("x\xc2\x85y\xc2\x9bz.txt"), "xyz.txt");
	/* Content-Disposition injection attempt */
	assert_string_equal(clean("a.txt\r\nSet-Cookie: x=y"),
	    "a.txtSet-Cookie_ x=y");
}

static void
test_bidi(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE */
	assert_string_equal(clean("\xe2\x80\xaegnp.exe"), "gnp.exe");
	assert_string_equal(clean("invoice\xe2\x80\xae" "fdp.exe"),
	    "invoicefdp.exe");
	/* U+202A..U+202D, U+2066..U+2069, U+200E, U+200F, U+061C */
	assert_string_equal(clean("a\xe2\x80\xaa" "b\xe2\x80\xad" "c"
	    "\xe2\x81\xa6" "d\xe2\x81\xa9" "e\xe2\x80\x8e" "f\xe2\x80\x8f"
	    "g\xd8\x9c.txt"), "abcdefg.txt");
}

static void
test_invisible(void **state)
{
	(void)state;
	/* U+200B..U+200D, U+FEFF, U+2060, U+00AD, a tag character */
	assert_string_equal(clean("\xef\xbb\xbf" "a\xe2\x80\x8b" "b"
	    "\xe2\x80\x8c" "c\xe2\x80\x8d" "d\xe2\x81\xa0" "e\xc2\xad" "f"
	    "\xf3\xa0\x80\x81.txt"), "abcdef.txt");
	/* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR */
	assert_string_equal(clean("a\xe2\x80\xa8" "b\xe2\x80\xa9.txt"),
	    "ab.txt");
}

static void
test_unicode_kept(void **state)
{
	(void)state;
	assert_string_equal(clean("r\xc3\xa9sum\xc3\xa9.pdf"),
	    "r\xc3\xa9sum\xc3\xa9.pdf");
	assert_string_equal(clean("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt"),
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt");
	assert_string_equal(clean("\xf0\x9f\x98\x80.png"),
	    "\xf0\x9f\x98\x80.png");
}

static void
test_dots_spaces(void **state)
{
	(void)state;
	assert_string_equal(clean(""), "file");
	assert_string_equal(clean("."), "file");
	assert_string_equal(clean(".."), "file");
	assert_string_equal(clean("..."), "file");
	assert_string_equal(clean(" . . "), "file");
	assert_string_equal(clean(".hidden"), "hidden");
	assert_string_equal(clean("  name.txt  "), "name.txt");
	assert_string_equal(clean("name.txt..."), "name.txt");
	assert_string_equal(clean("a . b"), "a . b");
	assert_string_equal(clean("\xe2\x80\xae"), "file");
	assert_string_equal(clean("\r\n"), "file");
}

static void
test_null(void **state)
{
	(void)state;
	assert_string_equal(filename_clean(&ar, NULL), "file");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(clean("a\xff" "b.txt"), "a_b.txt");
	assert_string_equal(clean("a\xc0\xaf" "b.txt"), "a__b.txt");
	assert_string_equal(clean("a\xe0\x80\xaf" "b.txt"), "a___b.txt");
	assert_string_equal(clean("\x80x.txt"), "_x.txt");
	assert_string_equal(clean("\xed\xa0\x80.txt"), "___.txt");
	assert_string_equal(clean("\xf4\x90\x80\x80.txt"), "____.txt");
	/* a truncated sequence at the end */
	assert_string_equal(clean("x.t\xc3"), "x.t_");
	assert_string_equal(clean("x\xe2\x82"), "x__");
}

static void
test_long_ascii(void **state)
{
	char		 raw[4097];
	const char	*c;
	size_t		 n;

	(void)state;
	memset(raw, 'a', sizeof(raw) - 1);
	memcpy(raw + sizeof(raw) - 5, ".pdf", 5);
	c = clean(raw);
	n = strlen(c);
	assert_int_equal(n, FILENAME_MAX_BYTES);
	assert_string_equal(c + n - 4, ".pdf");
	assert_int_equal(strspn(c, "a"), n - 4);
}

static void
test_long_no_ext(void **state)
{
	char		 raw[1001];
	const char	*c;

	(void)state;
	memset(raw, 'b', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	raw[600] = '.';		/* not an extension: too long */
	c = clean(raw);
	assert_int_equal(strlen(c), FILENAME_MAX_BYTES);
	assert_int_equal(strspn(c, "b"), FILENAME_MAX_BYTES);
}

static void
test_long_utf8(void **state)
{
	char		 raw[3 * 200 + 1];
	const char	*c;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < 200; i++)
		memcpy(raw + 3 * i, "\xe2\x82\xac", 3);	/* U+20AC */
	raw[sizeof(raw) - 1] = '\0';
	c = clean(raw);
	n = strlen(c);
	assert_int_equal(n, 255);	/* 85 whole characters */
	assert_int_equal(n % 3, 0);
	/* with an extension: 250 bytes of stem round down to 249 */
	memcpy(raw + 3 * 190, ".docx", 6);
	c = clean(raw);
	n = strlen(c);
	assert_int_equal(n, 249 + 5);
	assert_string_equal(c + n - 5, ".docx");
	assert_int_equal(memcmp(c, "\xe2\x82\xac", 3), 0);
}

static void
test_long_trailing_dot(void **state)
{
	char		 raw[400];
	const char	*c;
	size_t		 n;

	(void)state;
	/* the cut lands among dots and spaces, which must not end the stem */
	memset(raw, 'x', 200);
	memset(raw + 200, '.', 30);
	memset(raw + 230, ' ', 30);
	memset(raw + 260, 'y', 100);
	memcpy(raw + 360, ".tar.gz", 8);
	c = clean(raw);
	n = strlen(c);
	assert_true(n <= FILENAME_MAX_BYTES);
	assert_int_equal(n, 200 + 3);
	assert_string_equal(c + 200, ".gz");
}

static void
test_disp_ascii(void **state)
{
	(void)state;
	assert_string_equal(filename_disposition(&ar, 0, "a.pdf"),
	    "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf");
	assert_string_equal(filename_disposition(&ar, 1, "shot.png"),
	    "inline; filename=\"shot.png\"; filename*=UTF-8''shot.png");
}

static void
test_disp_utf8(void **state)
{
	(void)state;
	assert_string_equal(filename_disposition(&ar, 0,
	    "r\xc3\xa9sum\xc3\xa9.pdf"), "attachment; filename=\"r_sum_.pdf\"; "
	    "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
	assert_string_equal(filename_disposition(&ar, 1,
	    "\xf0\x9f\x98\x80\xe2\x82\xac.png"), "inline; filename=\"__.png\"; "
	    "filename*=UTF-8''%F0%9F%98%80%E2%82%AC.png");
}

static void
test_disp_specials(void **state)
{
	(void)state;
	assert_string_equal(filename_disposition(&ar, 0, "my file (1).txt"),
	    "attachment; filename=\"my file (1).txt\"; "
	    "filename*=UTF-8''my%20file%20%281%29.txt");
	assert_string_equal(filename_disposition(&ar, 0, "a'b,c=d@e.txt"),
	    "attachment; filename=\"a'b,c=d@e.txt\"; "
	    "filename*=UTF-8''a%27b%2Cc%3Dd%40e.txt");
	/* '|' is kept by RFC 5987, not by the fallback (nor by clean) */
	assert_string_equal(filename_disposition(&ar, 0, "!#$&+-.^_`|~"),
	    "attachment; filename=\"!#$&+-.^_`_~\"; "
	    "filename*=UTF-8''!#$&+-.^_`|~");
}

/* Not a clean name: the header stays one well-formed line anyway. */
static void
test_disp_unclean(void **state)
{
	(void)state;
	assert_string_equal(filename_disposition(&ar, 0,
	    "a\"b\\c%d\r\ne.txt"), "attachment; filename=\"a_b_c_d__e.txt\"; "
	    "filename*=UTF-8''a%22b%5Cc%25d%0D%0Ae.txt");
	/* no second "filename*=" can hide in the fallback */
	assert_string_equal(filename_disposition(&ar, 0,
	    "x\"; filename*=UTF-8''evil.html"), "attachment; "
	    "filename=\"x__ filename_=UTF-8''evil.html\"; "
	    "filename*=UTF-8''x%22%3B%20filename%2A%3DUTF-8%27%27evil.html");
	assert_string_equal(filename_disposition(&ar, 0, NULL),
	    "attachment; filename=\"file\"; filename*=UTF-8''file");
	assert_string_equal(filename_disposition(&ar, 1, ""),
	    "inline; filename=\"file\"; filename*=UTF-8''file");
}

static void
test_disp_of_clean(void **state)
{
	(void)state;
	assert_string_equal(filename_disposition(&ar, 0,
	    clean("..\\C:\\evil\xe2\x80\xae\"gnp.exe")),
	    "attachment; filename=\"evil_gnp.exe\"; "
	    "filename*=UTF-8''evil_gnp.exe");
}

static void
test_arena_full(void **state)
{
	struct arena	 small;
	char		 raw[600];

	(void)state;
	arena_init(&small, 64);
	memset(raw, 'q', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	assert_string_equal(filename_clean(&small, raw), "file");
	assert_string_equal(filename_disposition(&small, 0, raw),
	    "attachment");
	arena_free(&small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_path_unix),
		cmocka_unit_test(test_path_windows),
		cmocka_unit_test(test_percent_nul),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_unicode_kept),
		cmocka_unit_test(test_dots_spaces),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long_ascii),
		cmocka_unit_test(test_long_no_ext),
		cmocka_unit_test(test_long_utf8),
		cmocka_unit_test(test_long_trailing_dot),
		cmocka_unit_test(test_disp_ascii),
		cmocka_unit_test(test_disp_utf8),
		cmocka_unit_test(test_disp_specials),
		cmocka_unit_test(test_disp_unclean),
		cmocka_unit_test(test_disp_of_clean),
		cmocka_unit_test(test_arena_full),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
