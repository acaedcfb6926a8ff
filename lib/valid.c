/*
 * SSTS - field validators.  Every request value goes through
 * valid_check() with its field_spec before a handler sees it: UTF-8 is
 * checked strictly (RFC 3629: no overlongs, no surrogates, nothing past
 * U+10FFFF), NUL and control characters are refused, lengths count
 * characters, and numbers are parsed in full with a range.  Messages
 * never quote the value: they are shown next to form fields and in API
 * "details[].msg".
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "ssts.h"

#define EMAIL_MAX	255
#define EMAIL_LOCAL_MAX	64
#define EMAIL_LABEL_MAX	63

/* Length of the UTF-8 sequence at s[0..n), or 0 if it is invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t		 len, i;
	uint32_t	 cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;	/* continuation, overlong C0/C1, > F4 */
	cp = s[0] & (0x7f >> len);
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Returns 1 if s[0..n) is valid UTF-8 (NUL bytes included), else 0. */
int
valid_utf8(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k;

	for (i = 0; i < n; i += k)
		if ((k = utf8_seq(p + i, n - i)) == 0)
			return 0;
	return 1;
}

/* Number of code points in s[0..n), which should be valid UTF-8. */
size_t
utf8_chars(const char *s, size_t n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

/*
 * Returns 1 if s[0..n) holds a control character: C0 and DEL, and for
 * text other than passwords also C1 (U+0080..U+009F, "\xc2\x80".."\xc2\x9f").
 * "allow" lists the C0 characters that are permitted.
 */
static int
has_control(const char *s, size_t n, const char *allow, int c1)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && strchr(allow, c) == NULL) || c == 0x7f)
			return 1;
		if (c1 && c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] < 0xa0)
			return 1;
	}
	return 0;
}

/* "must be at least|most N characters", or "fallback" if the arena is full. */
static const char *
msg_chars(struct arena *a, const char *what, size_t n, const char *fallback)
{
	char	*m;

	if (n == 1)
		m = arena_printf(a, "must be %s 1 character", what);
	else
		m = arena_printf(a, "must be %s %zu characters", what, n);
	return m == NULL ? fallback : m;
}

/* Checks the length in characters against the spec; NULL if fine. */
static const char *
check_len(struct arena *a, const struct field_spec *f, const char *s,
    size_t n)
{
	size_t	 c = utf8_chars(s, n);

	if (c == 0 && (f->min_len > 0 || f->required))
		return "is required";
	if (c > 0 && c < f->min_len)
		return msg_chars(a, "at least", f->min_len, "is too short");
	if (f->max_len > 0 && c > f->max_len)
		return msg_chars(a, "at most", f->max_len, "is too long");
	return NULL;
}

/*
 * Returns 1 if the domain's labels are [a-z0-9-]{1,63}, not edged with
 * '-', and there are two or more; "localhost" alone is also accepted, for
 * the first admin's default address (DESIGN.md §3).
 */
static int
email_domain(const char *s, size_t n)
{
	size_t	 i, lab = 0, dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			dots++;
		} else if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-') {
			if (lab == 0 && s[i] == '-')
				return 0;
			if (++lab > EMAIL_LABEL_MAX)
				return 0;
		} else
			return 0;
	}
	if (dots == 0)
		return n == 9 && memcmp(s, "localhost", 9) == 0;
	return lab > 0 && s[n - 1] != '-';
}

/* Returns 1 if the local part is ASCII dot-atom text (RFC 5322 §3.2.3). */
static int
email_local(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > EMAIL_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (s[i] == '\0' ||
		    strchr(".!#$%&'*+/=?^_`{|}~-", s[i]) == NULL)
			return 0;
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* Lower-cases the trimmed address s[0..n) into *norm and checks its shape. */
static const char *
check_email(struct arena *a, const char *s, size_t n, const char **norm)
{
	const char	*at;
	char		*p;
	size_t		 i;

	if (n > EMAIL_MAX)
		return "must be at most 255 characters";
	if ((p = arena_strndup(a, s, n)) == NULL)
		return "could not be checked";
	for (i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] += 'a' - 'A';
	if ((at = memchr(p, '@', n)) == NULL ||
	    memchr(at + 1, '@', n - (size_t)(at - p) - 1) != NULL ||
	    !email_local(p, (size_t)(at - p)) ||
	    !email_domain(at + 1, n - (size_t)(at - p) - 1))
		return "must be a valid e-mail address";
	*norm = p;
	return NULL;
}

/* VALID_ID and VALID_INT: s[0..n) is not empty. */
static const char *
check_num(struct arena *a, const struct field_spec *f, const char *s,
    size_t n, const char **norm, int64_t *num)
{
	const char	*bad;
	char		 d[24];
	size_t		 i;
	int64_t		 v;

	bad = f->kind == VALID_ID ? "must be a valid id" :
	    "must be a whole number";
	i = s[0] == '-' && f->kind == VALID_INT ? 1 : 0;
	if (i == n || n >= sizeof(d) || (f->kind == VALID_ID && s[0] == '0'))
		return bad;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return bad;
	memcpy(d, s, n);
	d[n] = '\0';
	if (f->kind == VALID_ID) {
		if (parse_int64(d, 1, INT64_MAX, &v) == -1)
			return bad;
	} else if (parse_int64(d, f->min, f->max, &v) == -1) {
		if ((bad = arena_printf(a, "must be between %" PRId64
		    " and %" PRId64, f->min, f->max)) == NULL)
			bad = "is out of range";
		return bad;
	}
	*num = v;
	*norm = arena_printf(a, "%" PRId64, v);
	return NULL;
}

/* VALID_BOOL: s[0..n) is not empty. */
static const char *
check_bool(const char *s, size_t n, const char **norm, int64_t *num)
{
	static const char *const words[] = {
		"false", "true", "0", "1", "off", "on"
	};
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) == n &&
		    strncasecmp(s, words[i], n) == 0) {
			*num = (int64_t)(i % 2);
			*norm = *num ? "true" : "false";
			return NULL;
		}
	}
	return "must be true or false";
}

/* Strips ASCII white space from both ends of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	for (; *n > 0 && is_space(s[0]); (*n)--)
		s++;
	while (*n > 0 && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

/* Checks kinds that carry text; s is UTF-8 without NUL. */
static const char *
check_text(struct arena *a, const struct field_spec *f, const char *s,
    size_t n, const char **norm)
{
	const char	*msg;

	if (f->kind == VALID_LINE || f->kind == VALID_EMAIL)
		s = trim(s, &n);
	if (has_control(s, n, f->kind == VALID_TEXT ? "\t\r\n" : "",
	    f->kind != VALID_PASSWORD))
		return "must not contain control characters";
	if ((msg = check_len(a, f, s, n)) != NULL)
		return msg;
	if (f->kind == VALID_EMAIL && n > 0)
		return check_email(a, s, n, norm);
	*norm = arena_strndup(a, s, n);
	return NULL;
}

/*
 * Validates val[0..len) (val NULL = empty) against the spec.  On success
 * returns NULL and sets *norm to the normalised value (an arena string:
 * trimmed, lower-cased for e-mail, canonical decimal or "true"/"false")
 * and *num for VALID_ID/INT/BOOL.  On failure returns a short message
 * (static or arena) and sets *norm to NULL.  norm and num may be NULL.
 */
const char *
valid_check(struct arena *a, const struct field_spec *f, const char *val,
    size_t len, const char **norm, int64_t *num)
{
	const char	*msg, *nv = NULL;
	int64_t		 v = 0;

	if (val == NULL) {
		val = "";
		len = 0;
	}
	if (memchr(val, '\0', len) != NULL)
		msg = "must not contain NUL characters";
	else if (!valid_utf8(val, len))
		msg = "must be valid UTF-8 text";
	else if (f->kind < VALID_ID)
		msg = check_text(a, f, val, len, &nv);
	else if (len == 0 && (f->min_len > 0 || f->required))
		msg = "is required";
	else if (len == 0) {
		msg = NULL;	/* optional and empty */
		nv = "";
	} else if (f->kind == VALID_BOOL)
		msg = check_bool(val, len, &nv, &v);
	else if (f->kind == VALID_ID || f->kind == VALID_INT)
		msg = check_num(a, f, val, len, &nv, &v);
	else
		msg = "is not a known kind of field";
	if (msg == NULL && nv == NULL)
		msg = "could not be checked";	/* arena full */
	if (norm != NULL)
		*norm = msg == NULL ? nv : NULL;
	if (num != NULL && msg == NULL && f->kind >= VALID_ID)
		*num = v;
	return msg;
}
