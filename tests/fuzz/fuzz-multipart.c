/*
 * SSTS - libFuzzer harness Z2: multipart/form-data bodies
 * (lib/multipart.c).  Input: byte 0 = boundary length (mod 70, + 1),
 * then the boundary, then a chunk-size seed, then the body.  The body
 * is parsed whole and again in chunks of varying sizes.  Oracles: both
 * runs give the same result, the same parts and the same data per part;
 * callbacks come in order (begin, data..., end); total data <= input
 * size; strings are within their limits and hold no CR or LF (names
 * and filenames no control character but HTAB); errors are sticky.
 */
#include <stdint.h>

#include "fuzz-common.h"
#include "multipart.h"

#define MAXPARTS	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fpart {
	const char	*name;
	const char	*filename;
	const char	*ctype;
	size_t		 off;	/* into the run's data */
	size_t		 len;
	int		 ended;
};

struct frun {
	struct fpart	 p[MAXPARTS];
	size_t		 n;
	char		*data;	/* all part data, concatenated */
	size_t		 len;
	size_t		 cap;
	int		 open;	/* between begin and end */
	int		 frozen;	/* no callback allowed any more */
};

static const struct mp_limits lim = { MAXPARTS, 512, 64, 128 };

/* Strings fit their limit; names hold no control character but HTAB. */
static void
check_str(const char *s, size_t max, int ctl_ok)
{
	size_t	 i, n;

	CHECK(s != NULL);
	n = strnlen(s, max + 1);
	CHECK(n <= max);
	CHECK(memchr(s, '\r', n) == NULL && memchr(s, '\n', n) == NULL);
	for (i = 0; i < n && !ctl_ok; i++)
		CHECK(s[i] == '\t' || ((unsigned char)s[i] >= ' ' &&
		    s[i] != 0x7f));
}

static int
on_begin(void *ctx, const struct mp_part *pt)
{
	struct frun	*r = ctx;

	CHECK(!r->frozen && !r->open && r->n < MAXPARTS);
	check_str(pt->name, lim.max_name, 0);
	if (pt->filename != NULL)
		check_str(pt->filename, lim.max_filename, 0);
	if (pt->content_type != NULL)
		check_str(pt->content_type, lim.max_header, 1);
	r->p[r->n].name = pt->name;
	r->p[r->n].filename = pt->filename;
	r->p[r->n].ctype = pt->content_type;
	r->p[r->n].off = r->len;
	r->n++;
	r->open = 1;
	return 0;
}

static int
on_data(void *ctx, const char *buf, size_t n)
{
	struct frun	*r = ctx;

	CHECK(!r->frozen && r->open && n > 0);
	CHECK(n <= r->cap - r->len);	/* total data <= input size */
	memcpy(r->data + r->len, buf, n);
	r->len += n;
	r->p[r->n - 1].len += n;
	return 0;
}

static int
on_end(void *ctx)
{
	struct frun	*r = ctx;

	CHECK(!r->frozen && r->open);
	r->p[r->n - 1].ended = 1;
	r->open = 0;
	return 0;
}

static const struct mp_callbacks cbs = { on_begin, on_data, on_end };

/* Parses body in chunks from the seed (0: whole); returns the result. */
static enum mp_err
run(struct arena *a, const char *ct, const char *body, size_t size,
    unsigned seed, struct frun *r)
{
	struct mp	*p;
	enum mp_err	 e, rc = MP_OK;
	size_t		 off = 0, n;
	uint32_t	 x = seed * 2654435761u + 1;

	memset(r, 0, sizeof(*r));
	r->cap = size;
	r->data = arena_alloc(a, size + 1);
	CHECK(r->data != NULL);
	p = mp_new(a, ct, &lim, &cbs, r, &e);
	CHECK(p != NULL && e == MP_OK);
	while (off < size) {
		n = size - off;
		if (seed != 0) {
			x = x * 1103515245u + 12345u;
			if (n > (x >> 16) % (seed % 97 + 1) + 1)
				n = (x >> 16) % (seed % 97 + 1) + 1;
		}
		e = mp_feed(p, body + off, n);
		if (rc != MP_OK)
			CHECK(e == rc);	/* sticky */
		rc = e;
		off += n;
	}
	e = mp_finish(p);
	CHECK(rc == MP_OK || e == rc);
	CHECK(e != MP_OK || (r->n == 0 || r->p[r->n - 1].ended));
	r->frozen = 1;
	CHECK(mp_feed(p, body, size) == e && mp_finish(p) == e);
	return e;
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct frun	 r1, r2;
	enum mp_err	 e, e1, e2;
	struct buf	 ct;
	const char	*body;
	size_t		 blen, i, bsize;
	unsigned	 seed;

	if (size < 1)
		return 0;
	blen = data[0] % 70 + 1;
	if (size < 2 + blen)
		return 0;
	arena_init(&a, FUZZ_ARENA);
	buf_init(&ct, &a, 256);
	buf_puts(&ct, "multipart/form-data; boundary=\"");
	for (i = 0; i < blen; i++) {
		if (data[1 + i] == '"' || data[1 + i] == '\\')
			buf_putc(&ct, '\\');
		buf_putc(&ct, (char)data[1 + i]);
	}
	buf_putc(&ct, '"');
	CHECK(ct.err == CORE_OK);
	if (mp_new(&a, buf_str(&ct), &lim, &cbs, NULL, &e) == NULL) {
		CHECK(e == MP_BADTYPE);
		arena_free(&a);
		return 0;
	}
	seed = data[1 + blen] + 1u;
	body = (const char *)data + 2 + blen;
	bsize = size - 2 - blen;
	e1 = run(&a, buf_str(&ct), body, bsize, 0, &r1);
	e2 = run(&a, buf_str(&ct), body, bsize, seed, &r2);
	CHECK(e1 == e2);
	CHECK(e1 != MP_BADTYPE && e1 != MP_ABORTED);
	CHECK(r1.n == r2.n && r1.len == r2.len && r1.len <= bsize);
	CHECK(memcmp(r1.data, r2.data, r1.len) == 0);
	for (i = 0; i < r1.n; i++) {
		CHECK(strcmp(r1.p[i].name, r2.p[i].name) == 0);
		CHECK(same_str(r1.p[i].filename, r2.p[i].filename));
		CHECK(same_str(r1.p[i].ctype, r2.p[i].ctype));
		CHECK(r1.p[i].off == r2.p[i].off && r1.p[i].len == r2.p[i].len);
		CHECK(r1.p[i].ended == r2.p[i].ended);
	}
	arena_free(&a);
	return 0;
}
