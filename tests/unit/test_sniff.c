/*
 * SSTS - unit tests for lib/sniff.c: real (tiny) files of each allowed
 * type, the types that must be refused, the declared-type agreement
 * table and the inline rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sniff.h"

/* 1x1 8-bit greyscale PNG (IHDR, IDAT, IEND with their CRCs). */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b, 0x55,
	0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
	0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71,
	0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
	0x82,
};

/* 8x8 greyscale baseline JFIF: DQT, SOF0, one-code DHTs, one flat block. */
static const unsigned char jpeg_head[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xff, 0xdb, 0x00, 0x43, 0x00,	/* + 64 quantisers of 1 */
};
static const unsigned char jpeg_tail[] = {
	0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01,
	0x11, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f,
	0xff, 0xd9,
};

/* The classic 1x1 GIF89a: header, 2-colour table, GCE, image, trailer. */
static const unsigned char gif[] = {
	'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};
#define GIF_HEAD	19	/* header, screen descriptor, colour table */

/* 1x1 lossy WebP: RIFF, WEBP, a "VP8 " chunk with a key frame. */
static const unsigned char webp[] = {
	'R', 'I', 'F', 'F', 0x22, 0x00, 0x00, 0x00, 'W', 'E', 'B', 'P',
	'V', 'P', '8', ' ', 0x16, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x9d,
	0x01, 0x2a, 0x01, 0x00, 0x01, 0x00, 0x0e, 0xc0, 0xfe, 0x25, 0xa4,
	0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00,
};

static const char pdf[] = "%PDF-1.4\n"
    "1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    "2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    "trailer <</Root 1 0 R>>\n%%EOF\n";

static int
setup(void **state)
{
	(void)state;
	return sniff_init() ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	sniff_fini();
	return 0;
}

static const char *
sniff_str(const char *s)
{
	const char	*seen = NULL, *t;

	t = sniff_type(s, strlen(s), &seen);
	assert_non_null(seen);
	return t;
}

static void
assert_type(const void *buf, size_t n, const char *want)
{
	const char	*seen = NULL, *t;

	t = sniff_type(buf, n, &seen);
	assert_non_null(seen);
	if (want == NULL && t != NULL)
		fail_msg("sniffed %s (libmagic: %s), want refusal", t, seen);
	if (want != NULL && (t == NULL || strcmp(t, want) != 0))
		fail_msg("sniffed %s (libmagic: %s), want %s",
		    t == NULL ? "NULL" : t, seen, want);
}

static void
test_png(void **state)
{
	(void)state;
	assert_type(png, sizeof(png), "image/png");
}

static void
test_jpeg(void **state)
{
	unsigned char	 b[sizeof(jpeg_head) + 64 + sizeof(jpeg_tail)];

	(void)state;
	memcpy(b, jpeg_head, sizeof(jpeg_head));
	memset(b + sizeof(jpeg_head), 1, 64);
	memcpy(b + sizeof(jpeg_head) + 64, jpeg_tail, sizeof(jpeg_tail));
	assert_type(b, sizeof(b), "image/jpeg");
}

static void
test_gif(void **state)
{
	(void)state;
	assert_type(gif, sizeof(gif), "image/gif");
}

static void
test_webp(void **state)
{
	(void)state;
	assert_type(webp, sizeof(webp), "image/webp");
}

static void
test_pdf(void **state)
{
	(void)state;
	assert_type(pdf, sizeof(pdf) - 1, "application/pdf");
}

static void
test_text_ascii(void **state)
{
	(void)state;
	assert_string_equal(sniff_str("Hello, this is a log file.\n"
	    "2024-01-01 12:00:00 error: disk full\n"), "text/plain");
}

static void
test_text_utf8(void **state)
{
	(void)state;
	assert_string_equal(sniff_str("Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln "
	    "\xe2\x80\x93 na\xc3\xafve caf\xc3\xa9.\n"), "text/plain");
}

/* CSV and JSON checks are off: they are plain text to us. */
static void
test_text_csv_json(void **state)
{
	(void)state;
	assert_string_equal(sniff_str("a,b,c\n1,2,3\n4,5,6\n"), "text/plain");
	assert_string_equal(sniff_str("{\"a\": [1, 2, 3]}\n"), "text/plain");
}

static void
test_html(void **state)
{
	(void)state;
	assert_null(sniff_str("<!DOCTYPE html><html><script>alert(1)"
	    "</script></html>\n"));
	assert_null(sniff_str("<html><body><img src=x onerror=alert(1)>"
	    "</body></html>\n"));
}

/* What the client declares does not enter into it. */
static void
test_html_declared_png(void **state)
{
	const char	*s = "<!DOCTYPE html><html><script>alert(1)</script>\n";
	const char	*t;

	(void)state;
	t = sniff_type(s, strlen(s), NULL);
	assert_null(t);
	assert_false(sniff_agrees(t, "image/png"));
}

static void
test_svg(void **state)
{
	(void)state;
	assert_null(sniff_str("<?xml version=\"1.0\"?>\n<svg xmlns="
	    "\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n"));
	assert_null(sniff_str("<svg xmlns=\"http://www.w3.org/2000/svg\">"
	    "<script>alert(1)</script></svg>\n"));
	assert_null(sniff_str("<?xml version=\"1.0\"?>\n<a><b/></a>\n"));
}

static void
test_executables(void **state)
{
	unsigned char	 pe[96], elf[64];

	(void)state;
	memset(pe, 0, sizeof(pe));
	memcpy(pe, "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", 14);
	pe[60] = 0x40;
	memcpy(pe + 64, "PE\0\0", 4);
	assert_type(pe, sizeof(pe), NULL);
	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\x7f" "ELF\x02\x01\x01\0", 8);
	elf[16] = 2;
	elf[18] = 0x3e;
	elf[20] = 1;
	assert_type(elf, sizeof(elf), NULL);
}

/* Anything text/ but text/plain is refused: scripts, source, mail. */
static void
test_scripts(void **state)
{
	(void)state;
	assert_null(sniff_str("#!/bin/sh\necho hi\n"));
	assert_null(sniff_str("#!/usr/bin/env python3\nimport os\nprint(1)\n"));
	assert_null(sniff_str("<?php echo 1; ?>\n"));
	assert_null(sniff_str("#include <stdio.h>\nint main(void) "
	    "{ return 0; }\n"));
	assert_null(sniff_str("From: a@example.org\nTo: b@example.org\n"
	    "Subject: hi\n\nbody\n"));
}

static void
test_archives(void **state)
{
	static const unsigned char	 gz[24] = { 0x1f, 0x8b, 0x08 };
	static const unsigned char	 zip[44] = { 'P', 'K', 3, 4 };

	(void)state;
	assert_type(gz, sizeof(gz), NULL);
	assert_type(zip, sizeof(zip), NULL);
}

static void
test_empty(void **state)
{
	const char	*seen = NULL;

	(void)state;
	assert_null(sniff_type("", 0, &seen));
	assert_string_equal(seen, "application/x-empty");
	assert_null(sniff_type(NULL, 0, NULL));
}

static void
test_text_nul(void **state)
{
	static const char	 s[] = "hello\0world, this is text\n";
	static const char	 u16[] = "\xff\xfeh\0i\0\n\0";

	(void)state;
	assert_type(s, sizeof(s) - 1, NULL);
	assert_type(u16, sizeof(u16) - 1, NULL);
}

/* A GIF whose comment says <script> is still a GIF (nosniff + sandbox). */
static void
test_gif_polyglot(void **state)
{
	static const char	 c[] = "<script>alert(1)</script>";
	unsigned char		 b[sizeof(gif) + sizeof(c) + 3];
	size_t			 n = 0;

	(void)state;
	memcpy(b, gif, GIF_HEAD);
	n = GIF_HEAD;
	b[n++] = 0x21;
	b[n++] = 0xfe;
	b[n++] = sizeof(c) - 1;
	memcpy(b + n, c, sizeof(c));	/* the NUL ends the comment */
	n += sizeof(c);
	memcpy(b + n, gif + GIF_HEAD, sizeof(gif) - GIF_HEAD);
	n += sizeof(gif) - GIF_HEAD;
	assert_int_equal(n, sizeof(b));
	assert_type(b, n, "image/gif");
	assert_true(sniff_inline("image/gif"));
}

/* Only the first SNIFF_BYTES count: text that turns to binary later. */
static void
test_prefix_only(void **state)
{
	static char	 b[SNIFF_BYTES + 16];

	(void)state;
	memset(b, 'a', sizeof(b));
	b[sizeof(b) - 8] = '\0';
	assert_type(b, sizeof(b), "text/plain");
	b[10] = '\0';
	assert_type(b, sizeof(b), NULL);
}

static void
test_agrees(void **state)
{
	(void)state;
	assert_true(sniff_agrees("image/png", "image/png"));
	assert_true(sniff_agrees("image/png", "IMAGE/PNG"));
	assert_true(sniff_agrees("image/png", "  image/png  "));
	assert_true(sniff_agrees("image/png", "image/x-png"));
	assert_true(sniff_agrees("image/jpeg", "image/jpeg"));
	assert_true(sniff_agrees("image/jpeg", "image/jpg"));
	assert_true(sniff_agrees("image/jpeg", "Image/PJPEG"));
	assert_true(sniff_agrees("image/gif", "image/gif"));
	assert_true(sniff_agrees("image/webp", "image/webp"));
	assert_true(sniff_agrees("application/pdf", "application/pdf"));
	assert_true(sniff_agrees("application/pdf", "application/x-pdf"));
	assert_true(sniff_agrees("text/plain", "text/plain"));
	assert_true(sniff_agrees("text/plain", "text/plain; charset=utf-8"));
	assert_true(sniff_agrees("text/plain", "Text/Plain ;charset=UTF-8"));
	assert_true(sniff_agrees("text/plain", "\ttext/plain\t;"));
}

static void
test_disagrees(void **state)
{
	(void)state;
	assert_false(sniff_agrees("image/png", NULL));
	assert_false(sniff_agrees(NULL, "image/png"));
	assert_false(sniff_agrees("image/png", ""));
	assert_false(sniff_agrees("image/png", "; charset=x"));
	assert_false(sniff_agrees("image/png", "image/jpeg"));
	assert_false(sniff_agrees("image/png", "image/jpg"));
	assert_false(sniff_agrees("image/jpeg", "image/x-png"));
	assert_false(sniff_agrees("image/png", "image/png2"));
	assert_false(sniff_agrees("image/png", "image/pn"));
	assert_false(sniff_agrees("image/png", "image / png"));
	assert_false(sniff_agrees("text/plain", "text/html"));
	/* browsers' types for .log, .csv, .md files: plain text to us */
	assert_true(sniff_agrees("text/plain", "text/x-log"));
	assert_true(sniff_agrees("text/plain", "text/csv; charset=utf-8"));
	assert_true(sniff_agrees("text/plain", "text/markdown"));
	assert_false(sniff_agrees("image/png", "text/x-log"));
	assert_false(sniff_agrees("text/plain", "text/x-shellscript"));
	assert_false(sniff_agrees("text/plain", "text/plain2; a=b"));
	assert_false(sniff_agrees("application/pdf", "application/octet-stream"));
	assert_false(sniff_agrees("text/plain", "application/octet-stream"));
	assert_false(sniff_agrees("application/octet-stream",
	    "application/octet-stream"));
	assert_false(sniff_agrees("text/html", "text/html"));
}

static void
test_inline(void **state)
{
	(void)state;
	assert_true(sniff_inline("image/png"));
	assert_true(sniff_inline("image/jpeg"));
	assert_true(sniff_inline("image/gif"));
	assert_true(sniff_inline("image/webp"));
	assert_false(sniff_inline("application/pdf"));
	assert_false(sniff_inline("text/plain"));
	assert_false(sniff_inline("image/svg+xml"));
	assert_false(sniff_inline("text/html"));
	assert_false(sniff_inline(NULL));
}

static void
test_reinit(void **state)
{
	(void)state;
	assert_true(sniff_init());	/* a second call is harmless */
	assert_type(png, sizeof(png), "image/png");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_gif),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_text_ascii),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_text_csv_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_declared_png),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_executables),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_archives),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_text_nul),
		cmocka_unit_test(test_gif_polyglot),
		cmocka_unit_test(test_prefix_only),
		cmocka_unit_test(test_agrees),
		cmocka_unit_test(test_disagrees),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_reinit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
