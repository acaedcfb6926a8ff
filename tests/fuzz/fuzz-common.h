/*
 * SSTS - oracles shared by the libFuzzer harnesses (SECURITY.md §5.1).
 * A failed oracle aborts, which libFuzzer reports as a crash with the
 * input saved.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssts.h"

#define FUZZ_ARENA	(64u * 1024 * 1024)

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: oracle failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

static int
fuzz_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

/*
 * Z3/Z10: whatever a validator accepts satisfies its spec, and
 * validating the normalised value again gives the same value.
 */
static void
fuzz_validators(struct arena *a, const char *val, size_t len)
{
	static const struct field_spec specs[] = {
		{ "t", VALID_TEXT, 1, 20, 0, 0, 1 },
		{ "l", VALID_LINE, 2, 10, 0, 0, 1 },
		{ "e", VALID_EMAIL, 0, 255, 0, 0, 0 },
		{ "p", VALID_PASSWORD, 8, 128, 0, 0, 1 },
		{ "i", VALID_ID, 1, 0, 0, 0, 1 },
		{ "n", VALID_INT, 0, 0, -5, 1000, 0 },
		{ "b", VALID_BOOL, 0, 0, 0, 0, 0 },
	};
	const struct field_spec	*f;
	const char		*msg, *norm, *norm2;
	int64_t			 num, num2;
	size_t			 i, n, c;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		f = &specs[i];
		norm = NULL;
		msg = valid_check(a, f, val, len, &norm, &num);
		if (msg != NULL) {
			CHECK(norm == NULL && msg[0] != '\0');
			continue;
		}
		CHECK(norm != NULL);
		n = strlen(norm);
		CHECK(valid_utf8(norm, n));
		CHECK(memchr(val, '\0', len) == NULL);
		c = utf8_chars(norm, n);
		if (f->kind <= VALID_PASSWORD && n > 0)
			CHECK(c >= f->min_len && c <= f->max_len);
		if (f->kind == VALID_LINE || f->kind == VALID_EMAIL) {
			CHECK(n == 0 || (!fuzz_is_space(norm[0]) &&
			    !fuzz_is_space(norm[n - 1])));
		}
		if (f->kind == VALID_EMAIL && n > 0) {
			CHECK(strchr(norm, '@') != NULL &&
			    strchr(norm, '@') == strrchr(norm, '@'));
			CHECK(strpbrk(norm, "ABCDEFGHIJKLMNOPQRSTUVWXYZ \t") == NULL);
		}
		if (f->kind == VALID_PASSWORD)
			CHECK(n == len && memcmp(norm, val, len) == 0);
		if (f->kind == VALID_ID && n > 0)
			CHECK(num >= 1);
		if (f->kind == VALID_INT && n > 0)
			CHECK(num >= f->min && num <= f->max);
		if (f->kind == VALID_BOOL && n > 0)
			CHECK(num == 0 || num == 1);
		/* idempotent */
		norm2 = NULL;
		CHECK(valid_check(a, f, norm, n, &norm2, &num2) == NULL);
		CHECK(norm2 != NULL && strcmp(norm, norm2) == 0);
		if (f->kind >= VALID_ID && n > 0)
			CHECK(num == num2);
	}
}

/* The value of an uppercase hex digit, or -1. */
static int
fuzz_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* FUZZ_COMMON_H */
