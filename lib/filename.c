/*
 * SSTS - client file names.  A name is only ever metadata (files are
 * stored under their id): filename_clean() turns whatever the client
 * sent into a display name that is harmless in HTML, in a header, in a
 * log line and in the "Save as" dialog of any OS, and
 * filename_disposition() puts it in a Content-Disposition header
 * (RFC 6266: a quoted ASCII fallback, then RFC 5987 "filename*").
 *
 * filename_clean(), in order:
 *  - keeps what follows the last '/' or '\' (any OS's path separator);
 *  - replaces each byte that does not start a valid UTF-8 sequence
 *    (overlong forms, surrogates, > U+10FFFF, stray continuation bytes)
 *    with '_', which keeps the result ASCII-compatible and short;
 *  - drops controls (C0, DEL, C1) and invisible format characters that
 *    can disguise a name: bidi embeddings, overrides and isolates
 *    ("\u202egnp.exe" shows as "exe.png"), zero-width characters, BOM,
 *    line and paragraph separators, tag characters;
 *  - replaces the characters that mean something to a shell, a Windows
 *    file system, a header or HTML (" < > : | ? * % ;) with '_';
 *  - strips leading and trailing spaces and dots: no ".", "..", no
 *    hidden ".name" (it becomes "name"), no Windows-invalid "name.";
 *  - cuts a name longer than FILENAME_MAX_BYTES on a character
 *    boundary, keeping an extension of up to 16 bytes;
 *  - gives "file" for whatever ends up empty.
 * The result is a fixed point: cleaning it again changes nothing.
 */
#include <stdint.h>
#include <string.h>

#include "ssts.h"
#include "filename.h"

/* Bytes of extension kept when a name is shortened, with the dot. */
#define FILENAME_EXT_MAX	16

/* Code points removed from names: controls and invisible formatting. */
static const struct {
	uint32_t	 lo;
	uint32_t	 hi;
} dropped[] = {
	{ 0x0000, 0x001f },	/* C0 controls */
	{ 0x007f, 0x009f },	/* DEL, C1 controls */
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x061c, 0x061c },	/* Arabic letter mark (bidi) */
	{ 0x180e, 0x180e },	/* Mongolian vowel separator */
	{ 0x200b, 0x200f },	/* zero width space, (non-)joiner, LRM, RLM */
	{ 0x2028, 0x202e },	/* line/paragraph sep., bidi embed/override */
	{ 0x2060, 0x206f },	/* word joiner, bidi isolates, invisible ops */
	{ 0xfeff, 0xfeff },	/* byte order mark */
	{ 0xfff9, 0xfffb },	/* interlinear annotation */
	{ 0xfffe, 0xffff },	/* non-characters */
	{ 0xe0000, 0xe007f },	/* tag characters */
};

/* ASCII characters replaced with '_'. */
static const char	 replaced[] = "\"<>:|?*%;\\";

/*
 * Length of the valid UTF-8 sequence at s[0..n) with its code point in
 * *cp, or 0 if there is none.
 */
static size_t
fn_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		 len, i;
	uint32_t	 c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

static int
fn_dropped(uint32_t cp)
{
	size_t	 i;

	for (i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (cp >= dropped[i].lo && cp <= dropped[i].hi)
			return 1;
	return 0;
}

static int
fn_trim(char c)
{
	return c == ' ' || c == '.';
}

/* Largest m <= max (max < n) such that s[m] starts a character. */
static size_t
fn_boundary(const char *s, size_t max)
{
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/*
 * Shortens s[0..n) (n > FILENAME_MAX_BYTES, no leading or trailing
 * space or dot) in place; returns the new length.
 */
static size_t
fn_shorten(char *s, size_t n)
{
	const char	*dot;
	size_t		 ext = 0, m;

	if ((dot = memrchr(s, '.', n)) != NULL && dot > s &&
	    n - (size_t)(dot - s) <= FILENAME_EXT_MAX)
		ext = n - (size_t)(dot - s);
	m = fn_boundary(s, FILENAME_MAX_BYTES - ext);
	/* s[0] is neither space nor dot, so the stem cannot vanish. */
	while (m > 1 && fn_trim(s[m - 1]))
		m--;
	memmove(s + m, s + n - ext, ext);
	return m + ext;
}

const char *
filename_clean(struct arena *a, const char *raw)
{
	const unsigned char	*p;
	const char		*s;
	char			*out;
	size_t			 n, i, j, k, start;
	uint32_t		 cp;

	if (raw == NULL)
		return "file";
	for (s = raw; *raw != '\0'; raw++)
		if (*raw == '/' || *raw == '\\')
			s = raw + 1;
	p = (const unsigned char *)s;
	n = strlen(s);
	if ((out = arena_alloc(a, n + 1)) == NULL)
		return "file";
	for (i = j = 0; i < n; i += k) {
		if ((k = fn_decode(p + i, n - i, &cp)) == 0) {
			out[j++] = '_';
			k = 1;
		} else if (fn_dropped(cp))
			continue;
		else if (cp < 0x80 && strchr(replaced, (int)cp) != NULL)
			out[j++] = '_';
		else {
			memcpy(out + j, p + i, k);
			j += k;
		}
	}
	for (start = 0; start < j && fn_trim(out[start]); start++)
		continue;
	while (j > start && fn_trim(out[j - 1]))
		j--;
	if (j == start)
		return "file";
	out += start;
	j -= start;
	if (j > FILENAME_MAX_BYTES)
		j = fn_shorten(out, j);
	out[j] = '\0';
	return out;
}

/* RFC 5987 attr-char: what "filename*" may carry without a %XX. */
static int
fn_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$&+-.^_`|~",
	    c) != NULL);
}

/*
 * The fallback for old clients is the name with each non-ASCII
 * character as one '_' (and, should clean not be clean, without
 * controls or any character filename_clean() replaces, so that no
 * quote, backslash or "filename*=" can appear in it); "filename*" has the
 * exact UTF-8 name, which every current browser prefers.
 */
const char *
filename_disposition(struct arena *a, int inline_, const char *clean)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	struct buf		 b;
	unsigned char		 c;

	if (clean == NULL || *clean == '\0')
		clean = "file";
	p = (const unsigned char *)clean;
	buf_init(&b, a, 64 + 4 * strlen(clean));
	buf_puts(&b, inline_ ? "inline" : "attachment");
	buf_puts(&b, "; filename=\"");
	for (; *p != '\0'; p++) {
		c = *p;
		if (c >= 0x80) {
			if ((c & 0xc0) != 0x80)
				buf_putc(&b, '_');
		} else if (c < 0x20 || c == 0x7f || strchr(replaced, c) != NULL)
			buf_putc(&b, '_');
		else
			buf_putc(&b, (char)c);
	}
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)clean; *p != '\0'; p++) {
		if (fn_attr_char(*p))
			buf_putc(&b, (char)*p);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	if (b.err != CORE_OK)
		return inline_ ? "inline" : "attachment";
	return buf_str(&b);
}
