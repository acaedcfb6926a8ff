/*
 * SSTS - time-based one-time passwords (RFC 6238) over liboath: 160-bit
 * secrets, SHA-1, 6 digits, 30-second steps, one step of skew either
 * way.  totp_check() answers the matching time step; the caller stores
 * the last one accepted and refuses any step at or below it (replay).
 * Secrets at rest are sealed with crypto_secretbox under a key derived
 * from ENCRYPTION_KEY; enrolment shows them as base32 and as a QR code
 * drawn as inline SVG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "ssts.h"
#include "totp.h"

#define SEAL_PREFIX	"v1:"

int
totp_init(void)
{
	return oath_init() == OATH_OK;
}

void
totp_fini(void)
{
	oath_done();
}

void
totp_new_secret(unsigned char out[TOTP_SECRET_BYTES])
{
	randombytes_buf(out, TOTP_SECRET_BYTES);
}

/* RFC 4648 base32 of the 20-byte secret: 32 characters, no padding. */
void
totp_base32(const unsigned char sec[TOTP_SECRET_BYTES],
    char out[TOTP_BASE32_LEN + 1])
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t			 i, o = 0;
	unsigned		 acc = 0, bits = 0;

	for (i = 0; i < TOTP_SECRET_BYTES; i++) {
		acc = (acc << 8) | sec[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = abc[(acc >> bits) & 31];
		}
	}
	out[o] = '\0';
}

int
totp_code_shape(const char *code)
{
	size_t	 i;

	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[TOTP_DIGITS] == '\0';
}

int
totp_check(const unsigned char sec[TOTP_SECRET_BYTES], const char *code,
    time_t now, int64_t *step)
{
	int		 pos;
	uint64_t	 counter;

	/* liboath takes the number of digits from the code's length. */
	if (!totp_code_shape(code))
		return 0;
	if (oath_totp_validate3((const char *)sec, TOTP_SECRET_BYTES, now,
	    TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, TOTP_WINDOW, &pos,
	    &counter, code) < 0)
		return 0;
	*step = (int64_t)counter;
	return 1;
}

/* The code for "now" (tests and the CLI). */
int
totp_generate(const unsigned char sec[TOTP_SECRET_BYTES], time_t now,
    char out[TOTP_DIGITS + 1])
{
	return oath_totp_generate((const char *)sec, TOTP_SECRET_BYTES, now,
	    TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, out) ==
	    OATH_OK;
}

static void
seal_key(unsigned char key[crypto_secretbox_KEYBYTES])
{
	crypto_kdf_derive_from_key(key, crypto_secretbox_KEYBYTES, 1,
	    "ssts-mfa", cfg->enc_key);
}

/* "v1:" + base64url(nonce || secretbox(secret)); NULL if out of memory. */
char *
totp_seal(struct arena *a, const unsigned char sec[TOTP_SECRET_BYTES])
{
	unsigned char	 key[crypto_secretbox_KEYBYTES];
	unsigned char	 box[crypto_secretbox_NONCEBYTES +
			    crypto_secretbox_MACBYTES + TOTP_SECRET_BYTES];
	char		 text[sizeof(box) * 2];

	seal_key(key);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, sec,
	    TOTP_SECRET_BYTES, box, key);
	sodium_memzero(key, sizeof(key));
	if (b64url_encode(text, sizeof(text), box, sizeof(box)) < 0)
		return NULL;
	return arena_printf(a, SEAL_PREFIX "%s", text);
}

/* Opens a sealed secret; 0 if it is malformed or was tampered with. */
int
totp_open(const char *sealed, unsigned char out[TOTP_SECRET_BYTES])
{
	unsigned char	 key[crypto_secretbox_KEYBYTES];
	unsigned char	 box[crypto_secretbox_NONCEBYTES +
			    crypto_secretbox_MACBYTES + TOTP_SECRET_BYTES];
	size_t		 plen = strlen(SEAL_PREFIX);
	int		 ok;

	if (sealed == NULL || strncmp(sealed, SEAL_PREFIX, plen) != 0 ||
	    b64url_decode(box, sizeof(box), sealed + plen,
	    strlen(sealed + plen)) != (int)sizeof(box))
		return 0;
	seal_key(key);
	ok = crypto_secretbox_open_easy(out, box + crypto_secretbox_NONCEBYTES,
	    sizeof(box) - crypto_secretbox_NONCEBYTES, box, key) == 0;
	sodium_memzero(key, sizeof(key));
	return ok;
}

/* The enrolment URI (Key Uri Format) that authenticator apps read. */
char *
totp_uri(struct arena *a, const char *issuer, const char *account,
    const char *b32)
{
	const char	*i = url_escape(a, issuer), *acc = url_escape(a, account);

	if (i == NULL || acc == NULL)
		return NULL;
	return arena_printf(a, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=%d&period=%d", i, acc, b32, i,
	    TOTP_DIGITS, TOTP_STEP);
}

/*
 * "text" as a QR code in SVG: one path of unit squares on a white field
 * with the 4-module quiet zone the standard asks for.
 */
char *
totp_qr_svg(struct arena *a, const char *text)
{
	QRcode		*qr;
	struct buf	 b;
	int		 x, y, w;

	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL)
		return NULL;
	w = qr->width + 8;
	buf_init(&b, a, 256 * 1024);
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0"
	    " %d %d\" shape-rendering=\"crispEdges\" role=\"img\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\""
	    " d=\"", w, w, w, w);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(&b, "M%d %dh1v1h-1z", x + 4, y + 4);
	buf_puts(&b, "\"/></svg>");
	QRcode_free(qr);
	return b.err ? NULL : b.data;
}
