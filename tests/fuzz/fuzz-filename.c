/*
 * SSTS - libFuzzer harness: client file names (lib/filename.c).
 * Oracles: filename_clean() gives a non-empty, capped, valid UTF-8 name
 * with no path, quote, control or invisible bidi/format character, no
 * leading or trailing space or dot, and is idempotent; the
 * Content-Disposition value is one line of printable ASCII with one
 * "filename=" and one "filename*=", whose percent-decoding gives the
 * name back.  Raw input goes through filename_disposition() too.
 */
#include <stdint.h>

#include "fuzz-common.h"
#include "filename.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
count(const char *s, const char *what)
{
	size_t	 n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Code point at s (valid UTF-8); its length in *len. */
static uint32_t
decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*len = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

static void
check_clean(const char *c)
{
	const unsigned char	*p = (const unsigned char *)c;
	size_t			 n, i, k;
	uint32_t		 cp;

	CHECK(c != NULL);
	n = strlen(c);
	CHECK(n > 0 && n <= FILENAME_MAX_BYTES);
	CHECK(valid_utf8(c, n));
	CHECK(strpbrk(c, "/\\\"<>:|?*%;") == NULL);
	CHECK(c[0] != ' ' && c[0] != '.' && c[n - 1] != ' ' &&
	    c[n - 1] != '.');
	for (i = 0; i < n; i += k) {
		cp = decode(p + i, &k);
		CHECK(cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f));
		CHECK(!(cp >= 0x200b && cp <= 0x200f));
		CHECK(!(cp >= 0x202a && cp <= 0x202e));
		CHECK(!(cp >= 0x2066 && cp <= 0x2069));
		CHECK(cp != 0xfeff);
	}
}

/* The header value for name: printable ASCII, decodes back to name. */
static void
check_disposition(struct arena *a, int inline_, const char *name)
{
	const char	*d, *v, *star = "; filename*=UTF-8''";
	char		*dec;
	size_t		 i, j, plen;
	int		 hi, lo;

	d = filename_disposition(a, inline_, name);
	CHECK(d != NULL);
	plen = strlen(inline_ ? "inline; " : "attachment; ");
	CHECK(strncmp(d, inline_ ? "inline; " : "attachment; ", plen) == 0);
	for (i = 0; d[i] != '\0'; i++)
		CHECK(d[i] >= 0x20 && d[i] < 0x7f);
	/*
	 * One quoted fallback, then one filename*.  (Counting "filename=\""
	 * would be wrong: the fallback of "filename=" ends in it.)
	 */
	CHECK(strncmp(d + plen, "filename=\"", 10) == 0);
	CHECK(count(d, "filename*=UTF-8''") == 1);
	v = strchr(d + plen + 10, '"');
	CHECK(v != NULL);
	CHECK(memchr(d + plen + 10, '\\', (size_t)(v - d) - plen - 10) == NULL);
	CHECK(strncmp(v + 1, star, strlen(star)) == 0);
	v += 1 + strlen(star);
	CHECK(strpbrk(v, " \"';,\\*=()<>@[]{}?/:") == NULL);
	dec = malloc(strlen(v) + 1);
	CHECK(dec != NULL);
	for (i = j = 0; v[i] != '\0'; i++) {
		if (v[i] != '%') {
			dec[j++] = v[i];
			continue;
		}
		hi = fuzz_hexval(v[i + 1]);
		lo = hi < 0 ? -1 : fuzz_hexval(v[i + 2]);
		CHECK(hi >= 0 && lo >= 0);
		dec[j++] = (char)(hi << 4 | lo);
		i += 2;
	}
	dec[j] = '\0';
	CHECK(strcmp(dec, name[0] == '\0' ? "file" : name) == 0);
	free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	char		*raw;
	const char	*c, *c2;

	arena_init(&a, FUZZ_ARENA);
	raw = arena_strndup(&a, (const char *)data, size);
	CHECK(raw != NULL);
	c = filename_clean(&a, raw);
	check_clean(c);
	c2 = filename_clean(&a, c);
	CHECK(strcmp(c, c2) == 0);
	check_disposition(&a, 0, c);
	check_disposition(&a, 1, c);
	check_disposition(&a, 0, raw);
	arena_free(&a);
	return 0;
}
