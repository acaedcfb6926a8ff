/*
 * SSTS - libFuzzer harness Z1: application/x-www-form-urlencoded bodies
 * and query strings (lib/form.c).  Oracles: caps hold; a failed parse
 * adds nothing; parse -> re-encode -> parse is a fixed point; every
 * value goes through the validators' oracles.
 */
#include <stdint.h>

#include "fuzz-common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
encode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			buf_putc(b, (char)c);
		else if (c == ' ')
			buf_putc(b, '+');
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct kvlist	 l, l2;
	struct buf	 b;
	enum core_err	 rc;
	size_t		 i, segs = 1;

	arena_init(&a, FUZZ_ARENA);
	memset(&l, 0, sizeof(l));
	rc = form_parse(&a, (const char *)data, size, &l);
	if (rc != CORE_OK) {
		CHECK(rc == CORE_EINVAL || rc == CORE_ETOOBIG);
		CHECK(l.n == 0);
		arena_free(&a);
		return 0;
	}
	for (i = 0; i < size; i++)
		segs += data[i] == '&';
	CHECK(l.n <= KV_MAX_PAIRS && l.n <= segs);
	buf_init(&b, &a, 8 * size + 16);
	for (i = 0; i < l.n; i++) {
		CHECK(strlen(l.v[i].key) <= KV_MAX_KEY);
		CHECK(l.v[i].val != NULL && l.v[i].val[l.v[i].vlen] == '\0');
		CHECK(l.v[i].json_type == KV_STRING);
		CHECK(kv_find(&l, l.v[i].key) != NULL);
		CHECK(kv_count(&l, l.v[i].key) >= 1);
		fuzz_validators(&a, l.v[i].val, l.v[i].vlen);
		if (i > 0)
			buf_putc(&b, '&');
		encode(&b, l.v[i].key, strlen(l.v[i].key));
		buf_putc(&b, '=');
		encode(&b, l.v[i].val, l.v[i].vlen);
	}
	CHECK(b.err == CORE_OK);
	memset(&l2, 0, sizeof(l2));
	CHECK(form_parse(&a, buf_str(&b), b.len, &l2) == CORE_OK);
	CHECK(l2.n == l.n);
	for (i = 0; i < l.n; i++) {
		CHECK(strcmp(l.v[i].key, l2.v[i].key) == 0);
		CHECK(l.v[i].vlen == l2.v[i].vlen);
		CHECK(memcmp(l.v[i].val, l2.v[i].val, l.v[i].vlen) == 0);
	}
	arena_free(&a);
	return 0;
}
