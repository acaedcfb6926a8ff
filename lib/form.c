/*
 * SSTS - application/x-www-form-urlencoded parser, used for request
 * bodies and for QUERY_STRING (WHATWG URL "urlencoded parsing", with
 * stricter errors): pairs split on '&', key and value split on the
 * first '=', '+' is a space, %XX is a byte.  A '%' without two hex
 * digits is an error rather than a literal, so that one input has one
 * meaning everywhere (httpd's url_decode does the same).
 */
#include <string.h>

#include "ssts.h"
#include "internal.h"

/*
 * Decodes s[0..n) into a new arena string; its length goes to *outlen.
 * Returns CORE_OK, CORE_EINVAL on a bad escape or CORE_ENOMEM.
 */
static enum core_err
form_decode(struct arena *a, const char *s, size_t n, char **out,
    size_t *outlen)
{
	char	*p;
	size_t	 i, j;
	int	 hi, lo;

	if ((p = arena_alloc(a, n + 1)) == NULL)
		return CORE_ENOMEM;
	for (i = j = 0; i < n; i++) {
		if (s[i] == '+')
			p[j++] = ' ';
		else if (s[i] != '%')
			p[j++] = s[i];
		else {
			if (n - i < 3 ||
			    (hi = hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_digit((unsigned char)s[i + 2])) < 0)
				return CORE_EINVAL;
			p[j++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	p[j] = '\0';
	*out = p;
	*outlen = j;
	return CORE_OK;
}

/* Decodes and appends one non-empty "key[=value]" segment. */
static enum core_err
form_pair(struct arena *a, const char *s, size_t n, struct kvlist *out)
{
	const char	*eq;
	char		*key, *val;
	size_t		 klen, kraw, vlen;
	enum core_err	 rc;

	eq = memchr(s, '=', n);
	kraw = eq == NULL ? n : (size_t)(eq - s);
	if ((rc = form_decode(a, s, kraw, &key, &klen)) != CORE_OK)
		return rc;
	if (memchr(key, '\0', klen) != NULL)
		return CORE_EINVAL;
	if (klen > KV_MAX_KEY)
		return CORE_ETOOBIG;
	if (eq == NULL)
		rc = form_decode(a, "", 0, &val, &vlen);
	else
		rc = form_decode(a, eq + 1, n - kraw - 1, &val, &vlen);
	if (rc != CORE_OK)
		return rc;
	return kv_append(a, out, key, val, vlen, KV_STRING);
}

/*
 * Parses s[0..len) and appends its pairs to "out" as KV_STRING values
 * (arena copies; a value may hold NUL bytes, vlen tells).  Empty
 * segments ("a=1&&b=2") are skipped; a key without '=' gets "".  On
 * error "out" is left as it was on entry.
 */
enum core_err
form_parse(struct arena *a, const char *s, size_t len, struct kvlist *out)
{
	const char	*amp;
	size_t		 n0 = out->n, seg;
	enum core_err	 rc;

	if (s == NULL)
		len = 0;
	while (len > 0) {
		amp = memchr(s, '&', len);
		seg = amp == NULL ? len : (size_t)(amp - s);
		if (seg > 0 && (rc = form_pair(a, s, seg, out)) != CORE_OK) {
			out->n = n0;
			return rc;
		}
		if (amp == NULL)
			break;
		s = amp + 1;
		len -= seg + 1;
	}
	return CORE_OK;
}
