/*
 * SSTS - Cookie request header (RFC 6265 §4.2, §5.4).  We only ever
 * look one cookie up by name.  Other cookies are skipped leniently
 * (a browser sends every cookie of 127.0.0.1, whatever port set it),
 * but the one we want must be well formed and present exactly once:
 * two copies mean someone planted one (cookie tossing), so neither is
 * trusted.
 */
#include <string.h>

#include "ssts.h"

/* RFC 6265 cookie-octet: visible ASCII except DQUOTE , ; and backslash. */
static int
cookie_octet(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' &&
	    c != '\\';
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Checks the value s[0..n) (already stripped of outer white space) and
 * strips one pair of double quotes.  Returns 0 if it is malformed.
 */
static int
cookie_value(const char **s, size_t *n)
{
	size_t	 i;

	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
	}
	for (i = 0; i < *n; i++)
		if (!cookie_octet((unsigned char)(*s)[i]))
			return 0;
	return 1;
}

/*
 * Returns an arena copy of the value of cookie "name" in the Cookie
 * header "header", or NULL if it is absent, malformed, given more than
 * once, or the arena is full.
 */
const char *
cookie_get(struct arena *a, const char *header, const char *name)
{
	const char	*p, *end, *eq, *k, *v, *found = NULL;
	size_t		 nlen, klen, vlen, flen = 0;
	int		 count = 0;

	if (header == NULL || name == NULL || (nlen = strlen(name)) == 0)
		return NULL;
	for (p = header; *p != '\0'; p = *end == ';' ? end + 1 : end) {
		end = strchrnul(p, ';');
		for (k = p; k < end && is_ows(*k); k++)
			continue;
		if ((eq = memchr(k, '=', (size_t)(end - k))) == NULL)
			continue;	/* nameless cookie: not ours */
		for (klen = (size_t)(eq - k); klen > 0 && is_ows(k[klen - 1]);)
			klen--;
		if (klen != nlen || memcmp(k, name, nlen) != 0)
			continue;
		for (v = eq + 1; v < end && is_ows(*v); v++)
			continue;
		for (vlen = (size_t)(end - v); vlen > 0 && is_ows(v[vlen - 1]);)
			vlen--;
		if (++count > 1 || !cookie_value(&v, &vlen))
			return NULL;
		found = v;
		flen = vlen;
	}
	if (count != 1)
		return NULL;
	return arena_strndup(a, found, flen);
}
