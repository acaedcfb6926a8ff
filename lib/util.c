/*
 * SSTS - small text helpers: hex digits, strict integer parsing, the
 * HTML and JSON escapers for text built by hand, and PostgreSQL
 * timestamps as ISO 8601.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssts.h"

#define ESC_MAX	(16 * 1024 * 1024)	/* cap on one escaped string */

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses the whole of "s" as a decimal integer in [min, max] into *out.
 * An optional '-' then digits only: no white space, no '+', no suffix.
 * Returns 0 on success, -1 otherwise (*out untouched).
 */
int
parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char	*d;
	char		*end;
	long long	 v;

	if (s == NULL)
		return -1;
	d = s[0] == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	if (out != NULL)
		*out = v;
	return 0;
}

/*
 * Returns an arena copy of "s" with & < > " ' replaced by entities, for
 * HTML text and quoted attributes; NULL if the arena is full.
 */
char *
html_escape(struct arena *a, const char *s)
{
	struct buf	 b;

	buf_init(&b, a, ESC_MAX);
	buf_puts(&b, "");
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		case '"':
			buf_puts(&b, "&quot;");
			break;
		case '\'':
			buf_puts(&b, "&#39;");
			break;
		default:
			buf_putc(&b, *s);
		}
	}
	return b.err == CORE_OK ? b.data : NULL;
}

/*
 * Returns an arena copy of "s" escaped for the inside of a JSON string
 * (without the quotes); NULL if the arena is full.  Besides " \ and
 * control characters, < > & and U+2028/9 are escaped so that the JSON
 * is also safe inside an HTML <script> or a JavaScript string.  The
 * input is expected to be valid UTF-8 (validated or from the database).
 */
char *
json_escape(struct arena *a, const char *s)
{
	struct buf		 b;
	const unsigned char	*p;

	buf_init(&b, a, ESC_MAX);
	buf_puts(&b, "");
	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			buf_putc(&b, '\\');
			buf_putc(&b, (char)*p);
		} else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			buf_printf(&b, "\\u%04x", *p);
		else if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_printf(&b, "\\u%04x", 0x2000 | (p[2] & 0x2f));
			p += 2;
		} else
			buf_putc(&b, (char)*p);
	}
	return b.err == CORE_OK ? b.data : NULL;
}

/* Reads exactly n digits at *s into *v; advances *s. */
static int
digits(const char **s, int n, unsigned int *v)
{
	*v = 0;
	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return 0;
		*v = *v * 10 + (unsigned int)(**s - '0');
	}
	return 1;
}

/* Reads literal character c at *s; advances *s. */
static int
lit(const char **s, char c)
{
	if (**s != c)
		return 0;
	(*s)++;
	return 1;
}

/*
 * Converts a PostgreSQL timestamptz in UTC ("2026-11-24 09:25:39.022+00",
 * 0 to 6 fractional digits, "+00" or "+00:00") into
 * "2026-11-24T09:25:39.022Z" (milliseconds, truncated).  Writes "" if
 * the input has another shape or offset.
 */
void
iso_time(char out[32], const char *pg)
{
	const char	*s = pg;
	unsigned int	 y, mo, d, h, mi, sec, ms = 0;
	int		 nf = 0;

	out[0] = '\0';
	if (s == NULL || !digits(&s, 4, &y) || !lit(&s, '-') ||
	    !digits(&s, 2, &mo) || !lit(&s, '-') || !digits(&s, 2, &d) ||
	    !(lit(&s, ' ') || lit(&s, 'T')) || !digits(&s, 2, &h) ||
	    !lit(&s, ':') || !digits(&s, 2, &mi) || !lit(&s, ':') ||
	    !digits(&s, 2, &sec))
		return;
	if (lit(&s, '.')) {
		for (; *s >= '0' && *s <= '9'; s++, nf++)
			if (nf < 3)
				ms = ms * 10 + (unsigned int)(*s - '0');
		if (nf == 0)
			return;
	}
	if (nf > 6 || (strcmp(s, "+00") != 0 && strcmp(s, "+00:00") != 0))
		return;
	for (; nf < 3; nf++)
		ms *= 10;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return;
	/* The modulos only tell the compiler what the checks above did. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", y % 10000,
	    mo % 100, d % 100, h % 100, mi % 100, sec % 100, ms % 1000);
}

/* Percent-encodes everything but RFC 3986 unreserved characters. */
char *
url_escape(struct arena *a, const char *s)
{
	struct buf	 b;

	buf_init(&b, a, 1024);
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~", *s) != NULL)
			buf_putc(&b, *s);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*s);
	}
	return b.err ? NULL : b.data;
}
