/*
 * SSTS - streaming multipart/form-data parser (RFC 7578, RFC 2046
 * §5.1.1).  The body is a byte-at-a-time state machine, so a chunk may
 * end anywhere, even inside a delimiter.  The only lookbehind is the
 * delimiter itself: the bytes of a partial match are always a prefix of
 * "CRLF--boundary", and since CR occurs only at its start, a mismatch
 * means exactly those bytes were data and the scan restarts at the
 * current byte.  A part's header block is buffered (at most max_header
 * bytes); its data never is.
 */
#include <string.h>
#include <strings.h>

#include "ssts.h"
#include "multipart.h"

#define MP_BOUNDARY_MAX	70	/* RFC 2046 §5.1.1 */

enum mp_state {
	ST_DATA,	/* preamble or part data, looking for the delimiter */
	ST_DELIM,	/* just after "CRLF--boundary" */
	ST_CLOSE,	/* after "CRLF--boundary-" */
	ST_PAD,		/* transport padding before the CRLF */
	ST_PADLF,	/* CR of the delimiter line seen */
	ST_HEADER,	/* collecting a part's header block */
	ST_DONE		/* after the close delimiter: the epilogue */
};

struct mp {
	struct arena		*arena;
	struct mp_callbacks	 cb;
	struct mp_limits	 lim;
	void			*ctx;
	char			 delim[4 + MP_BOUNDARY_MAX]; /* CRLF "--" bnd */
	size_t			 dlen;
	size_t			 match;		/* bytes of delim matched */
	size_t			 carried;	/* of those, from past feeds */
	char			*hdr;		/* header block being read */
	size_t			 hlen;
	size_t			 nparts;
	int			 in_part;	/* 0 in the preamble */
	enum mp_state		 state;
	enum mp_err		 err;
};

/* One ";" name "=" value of a header parameter list. */
struct param {
	const char	*name;
	size_t		 nlen;
	const char	*val;		/* raw, without the quotes */
	size_t		 vlen;
	int		 quoted;	/* val holds backslash escapes */
};

static const struct mp_limits mp_defaults = { 64, 8192, 256, 1024 };

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Control characters other than HTAB (RFC 7230 qdtext excludes them). */
static int
is_ctl(char c)
{
	return ((unsigned char)c < ' ' && c != '\t') || c == 0x7f;
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 7230 tchar. */
static int
is_tchar(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *
skip_ows(const char *s, const char *end)
{
	while (s < end && is_ows(*s))
		s++;
	return s;
}

/* Case-insensitive s[0..n) == lit. */
static int
eq(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && strncasecmp(s, lit, n) == 0;
}

/*
 * Reads the next parameter at *sp (before end).  Returns 1 with *pr
 * filled, 0 at the end of the list, -1 if it is malformed.  White space
 * around ";" and "=" is tolerated; an unquoted value is any run of
 * visible bytes other than ';' and '"'.  No value may hold a control
 * character other than HTAB.
 */
static int
param_next(const char **sp, const char *end, struct param *pr)
{
	const char	*s;

	if ((s = skip_ows(*sp, end)) == end)
		return 0;
	if (*s++ != ';')
		return -1;
	if ((s = skip_ows(s, end)) == end)
		return 0;
	for (pr->name = s; s < end && is_tchar(*s); s++)
		continue;
	if ((pr->nlen = (size_t)(s - pr->name)) == 0)
		return -1;
	if ((s = skip_ows(s, end)) == end || *s++ != '=')
		return -1;
	s = skip_ows(s, end);
	if ((pr->quoted = s < end && *s == '"')) {
		for (pr->val = ++s; s < end && *s != '"'; s++)
			if ((*s == '\\' && ++s == end) || is_ctl(*s))
				return -1;
		if (s == end)
			return -1;
		pr->vlen = (size_t)(s++ - pr->val);
	} else {
		for (pr->val = s; s < end && (unsigned char)*s > ' ' &&
		    *s != 0x7f && *s != ';' && *s != '"'; s++)
			continue;
		if ((pr->vlen = (size_t)(s - pr->val)) == 0)
			return -1;
	}
	*sp = s;
	return 1;
}

/* An arena copy of the parameter's value, unescaped; NULL if full. */
static char *
param_copy(struct arena *a, const struct param *pr, size_t *len)
{
	char	*d;
	size_t	 i, j;

	if ((d = arena_alloc(a, pr->vlen + 1)) == NULL)
		return NULL;
	for (i = j = 0; i < pr->vlen; i++) {
		if (pr->quoted && pr->val[i] == '\\')
			i++;
		d[j++] = pr->val[i];
	}
	d[j] = '\0';
	*len = j;
	return d;
}

/* RFC 2046 bchars, space not last, 1..70 of them. */
static int
boundary_ok(const char *b, size_t n)
{
	size_t	 i;

	if (n == 0 || n > MP_BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(b[i]) &&
		    (b[i] == '\0' || strchr("'()+_,-./:=? ", b[i]) == NULL))
			return 0;
	return 1;
}

/*
 * Finds the boundary of a multipart/form-data Content-Type and stores
 * "CRLF--boundary" in p->delim.  Returns MP_OK, MP_BADTYPE, or MP_LIMIT
 * if the arena is full.
 */
static enum mp_err
parse_ctype(struct mp *p, const char *ct)
{
	const char	*s, *end;
	struct param	 pr;
	char		*b = NULL;
	size_t		 blen = 0;
	int		 r;

	end = ct + strlen(ct);
	s = skip_ows(ct, end);
	if ((size_t)(end - s) < 19 || strncasecmp(s, "multipart/form-data", 19))
		return MP_BADTYPE;
	s += 19;
	while ((r = param_next(&s, end, &pr)) == 1) {
		if (!eq(pr.name, pr.nlen, "boundary"))
			continue;
		if (b != NULL)
			return MP_BADTYPE;
		if ((b = param_copy(p->arena, &pr, &blen)) == NULL)
			return MP_LIMIT;
	}
	if (r < 0 || b == NULL || !boundary_ok(b, blen))
		return MP_BADTYPE;
	memcpy(p->delim, "\r\n--", 4);
	memcpy(p->delim + 4, b, blen);
	p->dlen = 4 + blen;
	return MP_OK;
}

/*
 * Decodes an RFC 5987 ext-value (UTF-8 only) into a new arena string.
 * Returns MP_OK, MP_SYNTAX (bad form, bad %XX, a control character such
 * as %00 or %0A) or MP_LIMIT.
 */
static enum mp_err
ext_value(struct arena *a, const char *s, size_t n, char **out, size_t *len)
{
	static const char attr[] = "!#$&+-.^_`|~";
	const char	*q1, *q2, *end = s + n;
	char		*d;
	size_t		 j = 0;
	int		 hi, lo;

	if ((q1 = memchr(s, '\'', n)) == NULL ||
	    !eq(s, (size_t)(q1 - s), "utf-8") ||
	    (q2 = memchr(q1 + 1, '\'', (size_t)(end - q1 - 1))) == NULL)
		return MP_SYNTAX;
	for (s = q1 + 1; s < q2; s++)	/* language tag, loosely */
		if (!is_alnum(*s) && *s != '-')
			return MP_SYNTAX;
	if ((d = arena_alloc(a, (size_t)(end - q2))) == NULL)
		return MP_LIMIT;
	for (s = q2 + 1; s < end; s++) {
		if (*s == '%') {
			if (end - s < 3 ||
			    (hi = hex_digit((unsigned char)s[1])) < 0 ||
			    (lo = hex_digit((unsigned char)s[2])) < 0)
				return MP_SYNTAX;
			if (is_ctl(d[j++] = (char)(hi << 4 | lo)))
				return MP_SYNTAX;	/* %00, %0A ... */
			s += 2;
		} else if (is_alnum(*s) || (*s != '\0' && strchr(attr, *s)))
			d[j++] = *s;
		else
			return MP_SYNTAX;
	}
	d[j] = '\0';
	*out = d;
	*len = j;
	return MP_OK;
}

/* Content-Disposition: form-data; name=...; filename=...; filename*=... */
static enum mp_err
disposition(struct mp *p, const char *s, const char *end, struct mp_part *pt)
{
	struct param	 pr;
	const char	*t = s, **dst;
	char		*v, *ext = NULL;
	size_t		 len, max;
	enum mp_err	 e;
	int		 r;

	while (s < end && is_tchar(*s))
		s++;
	if (!eq(t, (size_t)(s - t), "form-data"))
		return MP_SYNTAX;
	while ((r = param_next(&s, end, &pr)) == 1) {
		if (eq(pr.name, pr.nlen, "filename*")) {
			if (ext != NULL)
				return MP_SYNTAX;
			if ((e = ext_value(p->arena, pr.val, pr.vlen, &ext,
			    &len)) != MP_OK)
				return e;
			if (len > p->lim.max_filename)
				return MP_LIMIT;
			continue;
		}
		if (eq(pr.name, pr.nlen, "name")) {
			dst = &pt->name;
			max = p->lim.max_name;
		} else if (eq(pr.name, pr.nlen, "filename")) {
			dst = &pt->filename;
			max = p->lim.max_filename;
		} else
			continue;	/* unknown parameter */
		if (*dst != NULL)
			return MP_SYNTAX;	/* given twice */
		if ((v = param_copy(p->arena, &pr, &len)) == NULL)
			return MP_LIMIT;
		if (len > max)
			return MP_LIMIT;
		*dst = v;
	}
	if (r < 0 || pt->name == NULL)
		return MP_SYNTAX;
	if (ext != NULL)
		pt->filename = ext;
	return MP_OK;
}

/* Parses the complete header block p->hdr (ends with an empty line). */
static enum mp_err
headers(struct mp *p, struct mp_part *pt)
{
	const char	*s, *eol, *colon, *v, *ve;
	enum mp_err	 e;
	int		 seen = 0;

	memset(pt, 0, sizeof(*pt));
	for (s = p->hdr; *s != '\r'; s = eol + 2) {
		eol = memchr(s, '\r', p->hlen - (size_t)(s - p->hdr));
		if (is_ows(*s))
			return MP_SYNTAX;	/* obs-fold */
		if ((colon = memchr(s, ':', (size_t)(eol - s))) == NULL ||
		    colon == s)
			return MP_SYNTAX;
		for (v = s; v < colon; v++)
			if (!is_tchar(*v))
				return MP_SYNTAX;
		v = skip_ows(colon + 1, eol);
		for (ve = eol; ve > v && is_ows(ve[-1]); ve--)
			continue;
		if (eq(s, (size_t)(colon - s), "content-disposition")) {
			if (seen++)
				return MP_SYNTAX;
			if ((e = disposition(p, v, ve, pt)) != MP_OK)
				return e;
		} else if (eq(s, (size_t)(colon - s), "content-type")) {
			if (pt->content_type != NULL)
				return MP_SYNTAX;
			if ((pt->content_type = arena_strndup(p->arena, v,
			    (size_t)(ve - v))) == NULL)
				return MP_LIMIT;
		}
	}
	return seen ? MP_OK : MP_SYNTAX;
}

static void
fail(struct mp *p, enum mp_err e)
{
	if (p->err == MP_OK)
		p->err = e;
}

/* Passes part data on; nothing in the preamble. */
static void
emit(struct mp *p, const char *buf, size_t n)
{
	if (n > 0 && p->in_part && p->err == MP_OK && p->cb.part_data != NULL &&
	    p->cb.part_data(p->ctx, buf, n) != 0)
		fail(p, MP_ABORTED);
}

/*
 * Scans buf[i..n) for the delimiter, passing data on.  Returns the
 * index after the delimiter (state ST_DELIM) or n.
 */
static size_t
scan_data(struct mp *p, const char *buf, size_t i, size_t n)
{
	const char	*cr;
	size_t		 run = i;	/* first byte not yet passed on */

	while (i < n) {
		if (p->match == 0) {
			if ((cr = memchr(buf + i, '\r', n - i)) == NULL) {
				i = n;
				break;
			}
			i = (size_t)(cr - buf);
		}
		if (buf[i] == p->delim[p->match]) {
			i++;
			if (++p->match < p->dlen)
				continue;
			emit(p, buf + run, i - (p->dlen - p->carried) - run);
			p->match = p->carried = 0;
			p->state = ST_DELIM;
			return i;
		}
		/* Not a delimiter: what matched was data; retry buf[i]. */
		if (p->carried > 0)
			emit(p, p->delim, p->carried);
		p->match = p->carried = 0;
		if (p->err != MP_OK)
			return n;
	}
	emit(p, buf + run, i - run - (p->match - p->carried));
	p->carried = p->match;
	return n;
}

/* A delimiter line ended: close the part, then expect headers or the end. */
static void
delim_end(struct mp *p, int close)
{
	if (p->in_part) {
		p->in_part = 0;
		if (p->cb.part_end != NULL && p->cb.part_end(p->ctx) != 0) {
			fail(p, MP_ABORTED);
			return;
		}
	}
	if (close)
		p->state = ST_DONE;
	else if (p->nparts >= p->lim.max_parts)
		fail(p, MP_LIMIT);
	else {
		p->state = ST_HEADER;
		p->hlen = 0;
	}
}

/* The rest of a delimiter line: "--", or padding and CRLF. */
static void
delim_byte(struct mp *p, char c)
{
	if (p->state == ST_DELIM && c == '-')
		p->state = ST_CLOSE;
	else if (p->state == ST_CLOSE && c == '-')
		delim_end(p, 1);
	else if (p->state == ST_PADLF && c == '\n')
		delim_end(p, 0);
	else if (p->state == ST_CLOSE || p->state == ST_PADLF)
		fail(p, MP_SYNTAX);
	else if (is_ows(c))
		p->state = ST_PAD;
	else if (c == '\r')
		p->state = ST_PADLF;
	else
		fail(p, MP_SYNTAX);
}

/* The header block is complete: parse it and start the part. */
static void
part_start(struct mp *p)
{
	struct mp_part	 pt;
	enum mp_err	 e;

	if ((e = headers(p, &pt)) != MP_OK) {
		fail(p, e);
		return;
	}
	p->nparts++;
	p->in_part = 1;
	p->state = ST_DATA;
	if (p->cb.part_begin != NULL && p->cb.part_begin(p->ctx, &pt) != 0)
		fail(p, MP_ABORTED);
}

/* Collects header bytes from buf[i..n); returns the index after them. */
static size_t
header_bytes(struct mp *p, const char *buf, size_t i, size_t n)
{
	char	 c, prev;

	for (; i < n; i++) {
		c = buf[i];
		prev = p->hlen > 0 ? p->hdr[p->hlen - 1] : '\0';
		if (c == '\0' || (prev == '\r') != (c == '\n')) {
			fail(p, MP_SYNTAX);	/* NUL, bare CR or bare LF */
			return n;
		}
		if (p->hlen >= p->lim.max_header) {
			fail(p, MP_LIMIT);
			return n;
		}
		p->hdr[p->hlen++] = c;
		if (c == '\n' && (p->hlen == 2 || (p->hlen >= 4 &&
		    memcmp(p->hdr + p->hlen - 4, "\r\n\r\n", 4) == 0))) {
			part_start(p);
			return i + 1;
		}
	}
	return n;
}

/*
 * Starts a parser for a body of type content_type.  Returns NULL with
 * *err set to MP_BADTYPE (not multipart/form-data with a valid boundary)
 * or MP_LIMIT (the arena is full).  NULL limits mean the defaults, NULL
 * callbacks none.  Everything lives in the arena.
 */
struct mp *
mp_new(struct arena *a, const char *content_type, const struct mp_limits *lim,
    const struct mp_callbacks *cb, void *ctx, enum mp_err *err)
{
	struct mp	*p;
	enum mp_err	 e;

	if ((p = arena_calloc(a, 1, sizeof(*p))) == NULL) {
		*err = MP_LIMIT;
		return NULL;
	}
	p->arena = a;
	p->lim = lim != NULL ? *lim : mp_defaults;
	if (cb != NULL)
		p->cb = *cb;
	p->ctx = ctx;
	if (content_type == NULL)
		e = MP_BADTYPE;
	else if ((e = parse_ctype(p, content_type)) == MP_OK &&
	    (p->hdr = arena_alloc(a, p->lim.max_header)) == NULL)
		e = MP_LIMIT;
	if ((*err = e) != MP_OK)
		return NULL;
	/* A virtual CRLF before the body lets "--boundary" start it. */
	p->match = p->carried = 2;
	p->state = ST_DATA;
	return p;
}

/* Parses the next n bytes of the body; errors are sticky. */
enum mp_err
mp_feed(struct mp *p, const char *buf, size_t n)
{
	size_t	 i = 0;

	while (i < n && p->err == MP_OK) {
		if (p->state == ST_DONE)
			break;	/* the epilogue is ignored */
		else if (p->state == ST_DATA)
			i = scan_data(p, buf, i, n);
		else if (p->state == ST_HEADER)
			i = header_bytes(p, buf, i, n);
		else
			delim_byte(p, buf[i++]);
	}
	return p->err;
}

/* MP_OK only if the close delimiter was seen; else MP_TRUNCATED. */
enum mp_err
mp_finish(struct mp *p)
{
	if (p->err == MP_OK && p->state != ST_DONE)
		p->err = MP_TRUNCATED;
	return p->err;
}

const char *
mp_strerror(enum mp_err e)
{
	switch (e) {
	case MP_OK:
		return "success";
	case MP_BADTYPE:
		return "not multipart/form-data with a valid boundary";
	case MP_SYNTAX:
		return "malformed multipart body";
	case MP_LIMIT:
		return "multipart limit exceeded";
	case MP_ABORTED:
		return "multipart parse aborted";
	case MP_TRUNCATED:
		return "multipart body truncated";
	}
	return "unknown multipart error";
}
