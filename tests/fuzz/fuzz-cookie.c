/*
 * SSTS - libFuzzer harness Z5: Cookie headers (lib/cookie.c).  Byte 0
 * picks the cookie name, the rest is the header.  Oracles: the value is
 * returned only if the name occurs exactly once (checked by a second,
 * naive parser), and then it is exactly that occurrence's value and
 * holds only RFC 6265 cookie-octets.
 */
#include <stdint.h>

#include "fuzz-common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const names[] = { "__Host-sid", "sid", "a", "=" };

/* The naive parser: split on ';', trim, split on the first '='. */
static int
reference(const char *h, const char *name, const char **v, size_t *vlen)
{
	const char	*p, *e, *eq, *k, *ke, *vs, *ve;
	int		 count = 0;

	for (p = h;; p = e + 1) {
		if ((e = strchr(p, ';')) == NULL)
			e = p + strlen(p);
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq != NULL) {
			for (k = p; *k == ' ' || *k == '\t'; k++)
				continue;
			for (ke = eq; ke > k && (ke[-1] == ' ' || ke[-1] == '\t');)
				ke--;
			for (vs = eq + 1; vs < e && (*vs == ' ' || *vs == '\t');)
				vs++;
			for (ve = e; ve > vs && (ve[-1] == ' ' || ve[-1] == '\t');)
				ve--;
			if ((size_t)(ke - k) == strlen(name) &&
			    strncmp(k, name, strlen(name)) == 0) {
				count++;
				*v = vs;
				*vlen = (size_t)(ve - vs);
			}
		}
		if (*e == '\0')
			break;
	}
	return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	const char	*name, *got, *v = NULL;
	char		*h;
	size_t		 vlen = 0, i;
	int		 n;

	if (size == 0)
		return 0;
	arena_init(&a, FUZZ_ARENA);
	name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	h = arena_strndup(&a, (const char *)data + 1, size - 1);
	got = cookie_get(&a, h, name);
	n = reference(h, name, &v, &vlen);
	if (n != 1)
		CHECK(got == NULL);
	if (got != NULL) {
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		CHECK(strlen(got) == vlen && memcmp(got, v, vlen) == 0);
		for (i = 0; got[i] != '\0'; i++)
			CHECK(got[i] > 0x20 && got[i] < 0x7f &&
			    strchr("\",;\\", got[i]) == NULL);
	} else if (n == 1) {
		/* refused: the value must really be malformed */
		int	 bad = vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"';

		for (i = bad ? 1 : 0, bad = 0; i < (v[0] == '"' &&
		    vlen >= 2 && v[vlen - 1] == '"' ? vlen - 1 : vlen); i++)
			if ((unsigned char)v[i] <= 0x20 ||
			    (unsigned char)v[i] >= 0x7f ||
			    strchr("\",;\\", v[i]) != NULL)
				bad = 1;
		CHECK(bad);
	}
	arena_free(&a);
	return 0;
}
