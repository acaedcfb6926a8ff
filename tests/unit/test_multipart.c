/*
 * SSTS - unit tests for lib/multipart.c: browser and curl bodies, the
 * same bodies fed in every chunking, near-delimiters in data, header
 * parameters (quoted, escaped, filename*), limits, bad Content-Types,
 * callback aborts and sticky errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "multipart.h"

#define MAXP	8

struct rpart {
	char	 name[128];
	char	 filename[128];
	int	 has_filename;
	char	 ctype[128];
	int	 has_ctype;
	char	 data[2048];
	size_t	 len;
	int	 ended;
};

/* What the callbacks saw. */
struct rec {
	struct rpart	 p[MAXP];
	size_t		 n;
	char		 log[256];	/* B = begin, E = end */
	size_t		 calls;
	size_t		 abort_at;	/* fail the n-th callback, 0 never */
};

static const char CT[] = "multipart/form-data; boundary=XyZ";

static const struct mp_limits lim = { 8, 1024, 64, 64 };

static void
logc(struct rec *r, char c)
{
	size_t	 n = strlen(r->log);

	assert_true(n + 1 < sizeof(r->log));
	r->log[n] = c;
}

static int
on_begin(void *ctx, const struct mp_part *pt)
{
	struct rec	*r = ctx;
	struct rpart	*p;

	assert_true(r->n < MAXP);
	assert_non_null(pt->name);
	p = &r->p[r->n++];
	snprintf(p->name, sizeof(p->name), "%s", pt->name);
	if ((p->has_filename = pt->filename != NULL))
		snprintf(p->filename, sizeof(p->filename), "%s", pt->filename);
	if ((p->has_ctype = pt->content_type != NULL))
		snprintf(p->ctype, sizeof(p->ctype), "%s", pt->content_type);
	logc(r, 'B');
	return ++r->calls == r->abort_at;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct rec	*r = ctx;
	struct rpart	*p;

	assert_true(r->n > 0 && n > 0);
	p = &r->p[r->n - 1];
	assert_false(p->ended);
	assert_true(p->len + n <= sizeof(p->data));
	memcpy(p->data + p->len, buf, n);
	p->len += n;
	return ++r->calls == r->abort_at;
}

static int
on_end(void *ctx)
{
	struct rec	*r = ctx;

	assert_true(r->n > 0);
	r->p[r->n - 1].ended = 1;
	logc(r, 'E');
	return ++r->calls == r->abort_at;
}

static const struct mp_callbacks cbs = { on_begin, on_data, on_end };

/*
 * Parses body[0..len) fed at offsets "cuts" (ascending, ncuts of them)
 * or in chunks of "chunk" bytes (0: whole).  Returns mp_finish's code.
 */
static enum mp_err
run_cuts(const char *ct, const char *body, size_t len, const size_t *cuts,
    size_t ncuts, size_t chunk, struct rec *r)
{
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e, fe;
	size_t		 off = 0, next, k = 0;

	memset(r, 0, sizeof(*r));
	arena_init(&a, 1024 * 1024);
	p = mp_new(&a, ct, &lim, &cbs, r, &e);
	assert_non_null(p);
	assert_int_equal(e, MP_OK);
	fe = MP_OK;
	while (off < len) {
		if (k < ncuts)
			next = cuts[k++];
		else if (chunk > 0)
			next = off + chunk;
		else
			next = len;
		if (next > len)
			next = len;
		e = mp_feed(p, body + off, next - off);
		if (e != MP_OK && fe == MP_OK)
			fe = e;
		if (fe != MP_OK)
			assert_int_equal(e, fe);
		off = next;
	}
	e = mp_finish(p);
	if (fe != MP_OK)
		assert_int_equal(e, fe);
	arena_free(&a);
	return e;
}

static enum mp_err
run(const char *body, struct rec *r)
{
	return run_cuts(CT, body, strlen(body), NULL, 0, 0, r);
}

static void
assert_part(const struct rec *r, size_t i, const char *name,
    const char *filename, const char *ctype, const char *data, size_t len)
{
	const struct rpart	*p;

	assert_true(i < r->n);
	p = &r->p[i];
	assert_string_equal(p->name, name);
	if (filename == NULL)
		assert_false(p->has_filename);
	else {
		assert_true(p->has_filename);
		assert_string_equal(p->filename, filename);
	}
	if (ctype == NULL)
		assert_false(p->has_ctype);
	else {
		assert_true(p->has_ctype);
		assert_string_equal(p->ctype, ctype);
	}
	assert_int_equal(p->len, len);
	assert_memory_equal(p->data, data, len);
}

static void
assert_same(const struct rec *a, const struct rec *b)
{
	size_t	 i;

	assert_int_equal(a->n, b->n);
	assert_string_equal(a->log, b->log);
	for (i = 0; i < a->n; i++) {
		assert_part(b, i, a->p[i].name,
		    a->p[i].has_filename ? a->p[i].filename : NULL,
		    a->p[i].has_ctype ? a->p[i].ctype : NULL,
		    a->p[i].data, a->p[i].len);
		assert_int_equal(a->p[i].ended, b->p[i].ended);
	}
}

static const char WEBKIT_CT[] =
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
static const char WEBKIT[] =
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"subject\"\r\n"
    "\r\n"
    "Printer on fire\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"body\"\r\n"
    "\r\n"
    "Line one\r\nLine two\r\n-- \r\nsig\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"log.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "a\r\n------WebKitFormBoundary7MA4YWxkTrZu0gX\r\nb\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";

static void
check_webkit(const struct rec *r)
{
	static const char data[] =
	    "a\r\n------WebKitFormBoundary7MA4YWxkTrZu0gX\r\nb";

	assert_int_equal(r->n, 3);
	assert_string_equal(r->log, "BEBEBE");
	assert_part(r, 0, "subject", NULL, NULL, "Printer on fire", 15);
	assert_part(r, 1, "body", NULL, NULL,
	    "Line one\r\nLine two\r\n-- \r\nsig", 28);
	assert_part(r, 2, "file", "log.txt", "text/plain", data,
	    sizeof(data) - 1);
}

static void
test_browser(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run_cuts(WEBKIT_CT, WEBKIT, sizeof(WEBKIT) - 1, NULL,
	    0, 0, &r), MP_OK);
	check_webkit(&r);
}

static void
test_curl(void **state)
{
	static const char ct[] = "multipart/form-data; "
	    "boundary=------------------------d74496d66958873e";
	static const char body[] =
	    "--------------------------d74496d66958873e\r\n"
	    "Content-Disposition: form-data; name=\"person\"\r\n"
	    "\r\n"
	    "anonymous\r\n"
	    "--------------------------d74496d66958873e\r\n"
	    "Content-Disposition: form-data; name=\"secret\"; "
	    "filename=\"file.txt\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "contents of the file\n\r\n"
	    "--------------------------d74496d66958873e--\r\n";
	struct rec	 r;

	(void)state;
	assert_int_equal(run_cuts(ct, body, sizeof(body) - 1, NULL, 0, 0, &r),
	    MP_OK);
	assert_int_equal(r.n, 2);
	assert_part(&r, 0, "person", NULL, NULL, "anonymous", 9);
	assert_part(&r, 1, "secret", "file.txt", "application/octet-stream",
	    "contents of the file\n", 21);
}

static void
test_byte_at_a_time(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run_cuts(WEBKIT_CT, WEBKIT, sizeof(WEBKIT) - 1, NULL,
	    0, 1, &r), MP_OK);
	check_webkit(&r);
}

static void
test_every_split(void **state)
{
	static const char small[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\n\r\n--Xy\r\n--XyZ--";
	struct rec	 r;
	size_t		 k, c[2];

	(void)state;
	for (k = 0; k <= sizeof(WEBKIT) - 1; k++) {
		assert_int_equal(run_cuts(WEBKIT_CT, WEBKIT, sizeof(WEBKIT) - 1,
		    &k, 1, 0, &r), MP_OK);
		check_webkit(&r);
	}
	/* two cuts around each delimiter of a small body */
	for (c[0] = 0; c[0] < 30; c[0]++)
		for (c[1] = c[0]; c[1] < 60; c[1]++) {
			assert_int_equal(run_cuts(CT, small, sizeof(small) - 1,
			    c, 2, 0, &r), MP_OK);
			assert_int_equal(r.n, 1);
			assert_part(&r, 0, "a", NULL, NULL, "\r\n--Xy", 6);
		}
}

static void
test_chunk_sizes(void **state)
{
	struct rec	 r, whole;
	size_t		 chunk;

	(void)state;
	assert_int_equal(run_cuts(WEBKIT_CT, WEBKIT, sizeof(WEBKIT) - 1, NULL,
	    0, 0, &whole), MP_OK);
	for (chunk = 1; chunk < 80; chunk++) {
		assert_int_equal(run_cuts(WEBKIT_CT, WEBKIT, sizeof(WEBKIT) - 1,
		    NULL, 0, chunk, &r), MP_OK);
		assert_same(&whole, &r);
	}
}

static void
test_near_delimiters(void **state)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	    "--XyZ x--XyZ\n--XyZ\r--XyZ\r\n-XyZ\r\n--Xy\r\r\n\r\n--X\r\n"
	    "\r\n--XyZ--";
	static const char data[] =
	    "--XyZ x--XyZ\n--XyZ\r--XyZ\r\n-XyZ\r\n--Xy\r\r\n\r\n--X\r\n";
	struct rec	 r;
	size_t		 k;

	(void)state;
	for (k = 0; k < sizeof(body); k++) {
		assert_int_equal(run_cuts(CT, body, sizeof(body) - 1, &k, 1, 0,
		    &r), MP_OK);
		assert_int_equal(r.n, 1);
		assert_part(&r, 0, "a", NULL, NULL, data, sizeof(data) - 1);
	}
}

static void
test_crlf_in_data(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; name=a"
	    "\r\n\r\n\r\n\r\n\r\r\n\n\r\n--XyZ--", &r), MP_OK);
	assert_part(&r, 0, "a", NULL, NULL, "\r\n\r\n\r\r\n\n", 8);
}

static void
test_binary(void **state)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=f; filename=b.bin\r\n"
	    "\r\n\0\0\xff\r\0\n\0\r\n--XyZ--";
	struct rec	 r;

	(void)state;
	assert_int_equal(run_cuts(CT, body, sizeof(body) - 1, NULL, 0, 3, &r),
	    MP_OK);
	assert_part(&r, 0, "f", "b.bin", NULL, "\0\0\xff\r\0\n\0", 7);
}

static void
test_empty_data(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; name=a"
	    "\r\n\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n"
	    "\r\n--XyZ--", &r), MP_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.log, "BEBE");
	assert_part(&r, 0, "a", NULL, NULL, "", 0);
	assert_part(&r, 1, "b", NULL, NULL, "", 0);
}

static void
test_zero_parts(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ--", &r), MP_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(run("--XyZ--\r\n", &r), MP_OK);
	assert_int_equal(run("preamble\r\n--XyZ--", &r), MP_OK);
	assert_int_equal(r.calls, 0);
}

static void
test_preamble_epilogue(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("This is a preamble --XyZ\r\n\r\n--XyX\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
	    "--XyZ--\r\nepilogue\r\n--XyZ\r\ngarbage\0", &r), MP_OK);
	assert_int_equal(r.n, 1);
	assert_part(&r, 0, "a", NULL, NULL, "v", 1);
	assert_string_equal(r.log, "BE");
	/* preamble that is only a CRLF */
	assert_int_equal(run("\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ--", &r), MP_OK);
	assert_part(&r, 0, "a", NULL, NULL, "v", 1);
}

static void
test_padding(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ \t \r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ\t\r\nContent-Disposition: form-data; "
	    "name=b\r\n\r\nw\r\n--XyZ-- \r\n", &r), MP_OK);
	assert_int_equal(r.n, 2);
	assert_part(&r, 1, "b", NULL, NULL, "w", 1);
	/* anything else after a delimiter is malformed */
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZx\r\n", &r), MP_SYNTAX);
	assert_string_equal(r.log, "B");
	assert_int_equal(run("--XyZ-x", &r), MP_SYNTAX);
	assert_int_equal(run("--XyZ \n", &r), MP_SYNTAX);
	assert_int_equal(run("--XyZ\rx", &r), MP_SYNTAX);
}

static void
test_parameters(void **state)
{
	struct rec	 r;
	static const char body[] =
	    "--q:z\r\ncontent-DISPOSITION:Form-Data;NAME=\"a b\"  ;  "
	    "FileName = x.txt;other=\"1;2\";x=y  \r\nX-Unknown: z\r\n"
	    "CONTENT-TYPE:   image/png ; q=1  \r\n\r\nv\r\n--q:z--";

	(void)state;
	assert_int_equal(run_cuts("  MULTIPART/Form-Data ; Charset=utf-8;"
	    "BOUNDARY = \"q:z\" ", body, sizeof(body) - 1, NULL, 0, 0, &r),
	    MP_OK);
	assert_part(&r, 0, "a b", "x.txt", "image/png ; q=1", "v", 1);
	assert_int_equal(run_cuts("multipart/form-data;boundary=q:z", body,
	    sizeof(body) - 1, NULL, 0, 0, &r), MP_OK);
	assert_part(&r, 0, "a b", "x.txt", "image/png ; q=1", "v", 1);
}

static void
test_escaped_filename(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"f\\\"x\"; filename=\"my \\\"best\\\" \\\\ file;.txt\"\r\n"
	    "\r\nv\r\n--XyZ--", &r), MP_OK);
	assert_part(&r, 0, "f\"x", "my \"best\" \\ file;.txt", NULL, "v", 1);
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"a\tb\"; filename=\"\xc3\xa9t\xc3\xa9.txt\"\r\n\r\nv\r\n"
	    "--XyZ--", &r), MP_OK);
	assert_part(&r, 0, "a\tb", "\xc3\xa9t\xc3\xa9.txt", NULL, "v", 1);
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"f\"; filename=\"abc\r\n\r\nv\r\n--XyZ--", &r), MP_SYNTAX);
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"f\"; filename=\"abc\\\"\r\n\r\nv\r\n--XyZ--", &r), MP_SYNTAX);
}

static void
test_filename_ext(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename*=UTF-8''%e2%82%ac.txt\r\n\r\nv\r\n--XyZ--", &r),
	    MP_OK);
	assert_part(&r, 0, "f", "\xe2\x82\xac.txt", NULL, "v", 1);
	/* takes precedence over filename, in either order */
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; "
	    "filename*=utf-8'en-GB'%C2%A3%20rates.pdf; name=f; "
	    "filename=\"rates.pdf\"\r\n\r\nv\r\n--XyZ--", &r), MP_OK);
	assert_part(&r, 0, "f", "\xc2\xa3 rates.pdf", NULL, "v", 1);
}

static void
test_filename_ext_bad(void **state)
{
	static const char *bad[] = {
	    "UTF-8''%e2%82%zz.txt", "UTF-8''%e", "UTF-8''a%0", "UTF-8''%00a",
	    "ISO-8859-1''%a3", "UTF-8'%41", "%41", "UTF-8''a b",
	    "UTF-8'e n'a", "UTF-8'e_n'a", "UTF-8''a\"b", "UTF-8''a'b",
	    "UTF-8''a%0Ab.txt", "UTF-8''%0d", "UTF-8''%7f",
	};
	struct rec	 r;
	char		 body[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: "
		    "form-data; name=f; filename*=%s\r\n\r\nv\r\n--XyZ--",
		    bad[i]);
		assert_int_equal(run(body, &r), MP_SYNTAX);
		assert_int_equal(r.n, 0);
	}
}

static void
test_bad_disposition(void **state)
{
	static const char *bad[] = {
	    "Content-Disposition: form-data; filename=a.txt",	/* no name */
	    "Content-Disposition: form-data",
	    "Content-Disposition: attachment; name=a",
	    "Content-Disposition: form-datax; name=a",
	    "Content-Disposition: form-data; name=a; name=b",
	    "Content-Disposition: form-data; name=a, filename=b",
	    "Content-Disposition: form-data; name=",
	    "Content-Disposition: form-data; =a",
	    "Content-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b",
	    "Content-Type: text/plain",				/* none */
	    "Content-Disposition: form-data; name=a\r\n x",	/* obs-fold */
	    "Content-Disposition: form-data; name=a\r\n"
	    "Content-Type: a\r\nContent-Type: b",
	    "Content-Disposition: form-data; name=a; filename*=UTF-8''a; "
	    "filename*=UTF-8''b",
	    "Content-Disposition : form-data; name=a",
	    "Content-Disposition form-data; name=a",
	    "Content-Disposition: form-data; name=a\nX: y",	/* bare LF */
	    "Content-Disposition: form-data; name=a\rX: y",	/* bare CR */
	    "Content-Disposition: form-data; name=a; filename=\"a\x01b\"",
	    "Content-Disposition: form-data; name=\"a\x7f\"",
	    "",
	};
	struct rec	 r;
	char		 body[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "--XyZ\r\n%s\r\n\r\nv\r\n--XyZ--",
		    bad[i]);
		assert_int_equal(run(body, &r), MP_SYNTAX);
		assert_int_equal(r.n, 0);
	}
}

static void
test_nul_in_header(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"a\0b\"\r\n\r\nv\r\n--XyZ--";
	static const char body2[] = "--XyZ\r\nX-Junk: \0\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ--";
	struct rec	 r;

	(void)state;
	assert_int_equal(run_cuts(CT, body, sizeof(body) - 1, NULL, 0, 0, &r),
	    MP_SYNTAX);
	assert_int_equal(run_cuts(CT, body2, sizeof(body2) - 1, NULL, 0, 1, &r),
	    MP_SYNTAX);
	assert_int_equal(r.n, 0);
}

static void
test_truncated(void **state)
{
	static const char *cut[] = {
	    "", "--", "--XyZ", "--XyZ\r\n", "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n", "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\nvalue", "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\nv\r\n--XyZ", "--XyZ\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ-",
	    "preamble only", "--XyZ \t",
	};
	struct rec	 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		assert_int_equal(run(cut[i], &r), MP_TRUNCATED);
		assert_null(strchr(r.log, 'E'));
	}
}

static void
test_limit_parts(void **state)
{
	struct rec	 r;
	char		 body[2048];
	size_t		 i, n = 0;

	(void)state;
	for (i = 0; i < 9; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "--XyZ\r\n"
		    "Content-Disposition: form-data; name=p%zu\r\n\r\nv\r\n", i);
	snprintf(body + n, sizeof(body) - n, "--XyZ--");
	assert_int_equal(run(body, &r), MP_LIMIT);
	assert_int_equal(r.n, 8);
	assert_string_equal(r.log, "BEBEBEBEBEBEBEBE");
	/* eight are fine */
	n = (size_t)(strstr(body, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=p8") - body);
	snprintf(body + n, sizeof(body) - n, "--XyZ--");
	assert_int_equal(run(body, &r), MP_OK);
	assert_int_equal(r.n, 8);
}

static void
test_limit_header(void **state)
{
	struct rec	 r;
	char		 body[3000], pad[1024];
	size_t		 hl;
	int		 n;

	(void)state;
	/* a header block of exactly 1024 bytes passes, 1025 fails */
	hl = strlen("Content-Disposition: form-data; name=a\r\nX: \r\n\r\n");
	memset(pad, 'z', sizeof(pad));
	n = (int)(1024 - hl);
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nX: %.*s\r\n\r\nv\r\n--XyZ--", n, pad);
	assert_int_equal(run(body, &r), MP_OK);
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nX: %.*s\r\n\r\nv\r\n--XyZ--", n + 1, pad);
	assert_int_equal(run(body, &r), MP_LIMIT);
	assert_int_equal(r.n, 0);
}

static void
test_limit_name(void **state)
{
	struct rec	 r;
	char		 body[512];

	(void)state;
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"%064d\"\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_OK);
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"%065d\"\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_LIMIT);
	assert_int_equal(r.n, 0);
}

static void
test_limit_filename(void **state)
{
	struct rec	 r;
	char		 body[512];

	(void)state;
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=\"%064d\"\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_OK);
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=\"%065d\"\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_LIMIT);
	/* filename*: the decoded length counts */
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename*=UTF-8''%%41%063d\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_OK);
	assert_int_equal(strlen(r.p[0].filename), 64);
	snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename*=UTF-8''%%41%064d\r\n\r\nv\r\n--XyZ--", 7);
	assert_int_equal(run(body, &r), MP_LIMIT);
}

static void
test_bad_content_type(void **state)
{
	static const char *bad[] = {
	    "text/plain", "text/plain; boundary=abc", "multipart/mixed; "
	    "boundary=abc", "multipart/form-data", "multipart/form-data;",
	    "multipart/form-data; boundary=", "multipart/form-data; "
	    "boundary=\"\"", "multipart/form-dataX; boundary=abc",
	    "multipart/form-data boundary=abc", "multipart/form-data; "
	    "boundary=abc; boundary=abc", "multipart/form-data; boundary=a\"b",
	    "multipart/form-data; boundary=\"ab \"", "multipart/form-data; "
	    "boundary=\"a\\\"b\"", "multipart/form-data; boundary=a@b",
	    "multipart/form-data; boundary=\"abc", "multipart/form-data; "
	    "name; boundary=abc", "", "multipart/form-data; boundary=a\x80",
	};
	struct arena	 a;
	enum mp_err	 e;
	char		 ct[128];
	size_t		 i;

	(void)state;
	arena_init(&a, 1024 * 1024);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = MP_OK;
		assert_null(mp_new(&a, bad[i], &lim, &cbs, NULL, &e));
		assert_int_equal(e, MP_BADTYPE);
	}
	assert_null(mp_new(&a, NULL, &lim, &cbs, NULL, &e));
	assert_int_equal(e, MP_BADTYPE);
	/* 70 characters are fine, 71 are not */
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 1);
	assert_non_null(mp_new(&a, ct, &lim, &cbs, NULL, &e));
	assert_int_equal(e, MP_OK);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 1);
	assert_null(mp_new(&a, ct, &lim, &cbs, NULL, &e));
	assert_int_equal(e, MP_BADTYPE);
	/* every bchar, space inside */
	assert_non_null(mp_new(&a, "multipart/form-data; boundary=\"'()+_,-./:=?"
	    " x\"", NULL, NULL, NULL, &e));
	arena_free(&a);
}

static void
test_long_boundary(void **state)
{
	char		 ct[128], body[512];
	struct rec	 r;
	size_t		 k, len;

	(void)state;
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 5);
	len = (size_t)snprintf(body, sizeof(body), "--%070d\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\n\r\n--%069d\r\n"
	    "--%070d--", 5, 5, 5);
	for (k = 0; k <= len; k++) {
		assert_int_equal(run_cuts(ct, body, len, &k, 1, 0, &r), MP_OK);
		assert_int_equal(r.p[0].len, 2 + 2 + 69);
	}
}

static void
test_abort(void **state)
{
	struct rec	 r;
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e;
	size_t		 at;
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=b\r\n\r\nw\r\n--XyZ--";

	(void)state;
	/* callbacks: B d E B d E */
	for (at = 1; at <= 6; at++) {
		memset(&r, 0, sizeof(r));
		r.abort_at = at;
		arena_init(&a, 1024 * 1024);
		p = mp_new(&a, CT, &lim, &cbs, &r, &e);
		assert_non_null(p);
		assert_int_equal(mp_feed(p, body, sizeof(body) - 1), MP_ABORTED);
		assert_int_equal(r.calls, at);
		assert_int_equal(mp_feed(p, body, sizeof(body) - 1), MP_ABORTED);
		assert_int_equal(mp_finish(p), MP_ABORTED);
		assert_int_equal(r.calls, at);
		arena_free(&a);
	}
}

/* A callback stops the parse while a partial delimiter is carried. */
static void
test_abort_carried(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--Xy";
	struct rec	 r;
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.abort_at = 2;
	arena_init(&a, 1024 * 1024);
	p = mp_new(&a, CT, &lim, &cbs, &r, &e);
	assert_int_equal(mp_feed(p, body, sizeof(body) - 1), MP_ABORTED);
	assert_int_equal(r.p[0].len, 1);
	memset(&r, 0, sizeof(r));
	r.abort_at = 3;
	p = mp_new(&a, CT, &lim, &cbs, &r, &e);
	assert_int_equal(mp_feed(p, body, sizeof(body) - 1), MP_OK);
	assert_int_equal(mp_feed(p, "x", 1), MP_ABORTED);
	assert_int_equal(r.p[0].len, 1 + 6);	/* "v" and "\r\n--Xy" */
	assert_int_equal(r.calls, 3);
	arena_free(&a);
}

/* Whatever the arena's cap, the result is success or MP_LIMIT. */
static void
test_arena_full(void **state)
{
	static const struct mp_limits small = { 4, 128, 64, 64 };
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"a\"; filename*=UTF-8''%41.txt\r\nContent-Type: text/plain"
	    "\r\n\r\nv\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"b\"; filename=\"b.txt\"\r\n\r\nw\r\n--XyZ--";
	struct rec	 r;
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e;
	size_t		 cap, ok = 0;

	(void)state;
	for (cap = 0; cap < 1024; cap += 16) {
		memset(&r, 0, sizeof(r));
		arena_init(&a, cap);
		if ((p = mp_new(&a, CT, &small, &cbs, &r, &e)) == NULL)
			assert_int_equal(e, MP_LIMIT);
		else if ((e = mp_feed(p, body, sizeof(body) - 1)) == MP_OK) {
			assert_int_equal(mp_finish(p), MP_OK);
			assert_int_equal(r.n, 2);
			ok++;
		} else
			assert_int_equal(e, MP_LIMIT);
		arena_free(&a);
	}
	assert_true(ok > 0);
}

static void
test_sticky(void **state)
{
	struct rec	 r;
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e;
	static const char good[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ--";

	(void)state;
	memset(&r, 0, sizeof(r));
	arena_init(&a, 1024 * 1024);
	p = mp_new(&a, CT, &lim, &cbs, &r, &e);
	assert_int_equal(mp_feed(p, "--XyZ\r\nBad header\r\n\r\n", 22),
	    MP_SYNTAX);
	assert_int_equal(mp_feed(p, good, sizeof(good) - 1), MP_SYNTAX);
	assert_int_equal(mp_finish(p), MP_SYNTAX);
	assert_int_equal(mp_feed(p, good, sizeof(good) - 1), MP_SYNTAX);
	assert_int_equal(r.calls, 0);
	/* truncation is sticky as well */
	p = mp_new(&a, CT, &lim, &cbs, &r, &e);
	assert_int_equal(mp_finish(p), MP_TRUNCATED);
	assert_int_equal(mp_feed(p, good, sizeof(good) - 1), MP_TRUNCATED);
	assert_int_equal(r.calls, 0);
	/* after the close delimiter, more data is ignored */
	p = mp_new(&a, CT, &lim, &cbs, &r, &e);
	assert_int_equal(mp_feed(p, good, sizeof(good) - 1), MP_OK);
	assert_int_equal(mp_feed(p, good, sizeof(good) - 1), MP_OK);
	assert_int_equal(mp_finish(p), MP_OK);
	assert_int_equal(r.n, 1);
	arena_free(&a);
}

static void
test_no_end_on_error(void **state)
{
	struct rec	 r;

	(void)state;
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; name=a"
	    "\r\n\r\nv\r\n--XyZ\r\nContent-Disposition: form-data\r\n\r\nw\r\n"
	    "--XyZ--", &r), MP_SYNTAX);
	assert_string_equal(r.log, "BE");
	assert_int_equal(run("--XyZ\r\nContent-Disposition: form-data; name=a"
	    "\r\n\r\nv\r\n--XyZ?", &r), MP_SYNTAX);
	assert_string_equal(r.log, "B");
}

static void
test_defaults(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ--";
	struct arena	 a;
	struct mp	*p;
	enum mp_err	 e;

	(void)state;
	arena_init(&a, 1024 * 1024);
	p = mp_new(&a, CT, NULL, NULL, NULL, &e);
	assert_non_null(p);
	assert_int_equal(mp_feed(p, body, sizeof(body) - 1), MP_OK);
	assert_int_equal(mp_finish(p), MP_OK);
	arena_free(&a);
	/* a full arena */
	arena_init(&a, 64);
	assert_null(mp_new(&a, CT, &lim, &cbs, NULL, &e));
	assert_int_equal(e, MP_LIMIT);
	arena_free(&a);
}

static void
test_strerror(void **state)
{
	enum mp_err	 e;

	(void)state;
	for (e = MP_OK; e <= MP_TRUNCATED; e++) {
		assert_non_null(mp_strerror(e));
		assert_true(strlen(mp_strerror(e)) > 0);
	}
	assert_string_not_equal(mp_strerror(MP_LIMIT), mp_strerror(MP_SYNTAX));
	assert_non_null(mp_strerror((enum mp_err)99));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_browser),
		cmocka_unit_test(test_curl),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_chunk_sizes),
		cmocka_unit_test(test_near_delimiters),
		cmocka_unit_test(test_crlf_in_data),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_empty_data),
		cmocka_unit_test(test_zero_parts),
		cmocka_unit_test(test_preamble_epilogue),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_escaped_filename),
		cmocka_unit_test(test_filename_ext),
		cmocka_unit_test(test_filename_ext_bad),
		cmocka_unit_test(test_bad_disposition),
		cmocka_unit_test(test_nul_in_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_limit_header),
		cmocka_unit_test(test_limit_name),
		cmocka_unit_test(test_limit_filename),
		cmocka_unit_test(test_bad_content_type),
		cmocka_unit_test(test_long_boundary),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_abort_carried),
		cmocka_unit_test(test_arena_full),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_no_end_on_error),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
