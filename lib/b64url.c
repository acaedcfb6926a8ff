/*
 * SSTS - base64url without padding (RFC 4648 §5, as JWS uses it, RFC
 * 7515 §2) and random tokens.  The decoder is strict so that every byte
 * string has exactly one encoding: no padding, no '+' '/' '=' or white
 * space, no length of the form 4k+1, and the unused low bits of the
 * last character must be zero.  Otherwise a token could be altered
 * without changing what it decodes to.
 */
#include <limits.h>
#include <stdlib.h>

#include <sodium.h>

#include "ssts.h"

#define TOKEN_MAX_BYTES	64

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64u_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Encodes in[0..n) into out (NUL-terminated).  Returns the length
 * written, or -1 if out (outsz bytes) is too small.
 */
int
b64url_encode(char *out, size_t outsz, const unsigned char *in, size_t n)
{
	size_t		 i, o = 0, need;
	uint32_t	 v;

	if (n > (size_t)INT_MAX / 4 * 3 - 3)
		return -1;
	need = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
	if (outsz < need + 1)
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
		out[o++] = b64u[(v >> 6) & 63];
		out[o++] = b64u[v & 63];
	}
	if (n - i == 1) {
		out[o++] = b64u[in[i] >> 2];
		out[o++] = b64u[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 8 | in[i + 1];
		out[o++] = b64u[v >> 10];
		out[o++] = b64u[(v >> 4) & 63];
		out[o++] = b64u[(v & 15) << 2];
	}
	out[o] = '\0';
	return (int)o;
}

/*
 * Decodes in[0..n) into out (outsz bytes).  Returns the number of bytes
 * written, or -1 if the input is not canonical base64url or out is too
 * small.
 */
int
b64url_decode(unsigned char *out, size_t outsz, const char *in, size_t n)
{
	size_t		 i, o = 0, need;
	uint32_t	 acc = 0;
	int		 v, bits = 0;

	if (n % 4 == 1 || n > (size_t)INT_MAX)
		return -1;
	need = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
	if (need > outsz)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64u_val((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;	/* non-zero unused bits: not canonical */
	return (int)o;
}

/*
 * Fills out with "bytes" random bytes from libsodium (the caller ran
 * sodium_init()) as base64url.  A buffer too small or more than 64
 * bytes is a bug in the caller (sizes are constants), so it aborts
 * rather than hand out a weak or empty token.
 */
void
token_random(char *out, size_t outsz, size_t bytes)
{
	unsigned char	 r[TOKEN_MAX_BYTES];

	if (bytes == 0 || bytes > sizeof(r))
		abort();
	randombytes_buf(r, bytes);
	if (b64url_encode(out, outsz, r, bytes) < 0)
		abort();
	sodium_memzero(r, sizeof(r));
}
