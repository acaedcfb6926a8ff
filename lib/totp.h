/*
 * SSTS - TOTP (lib/totp.c): RFC 6238 codes over liboath, sealed secrets
 * and the enrolment URI and QR code.
 */
#ifndef SSTS_TOTP_H
#define SSTS_TOTP_H

#define TOTP_SECRET_BYTES	20	/* 160 bits, RFC 4226 §4 */
#define TOTP_BASE32_LEN		32
#define TOTP_DIGITS		6
#define TOTP_STEP		30	/* seconds */
#define TOTP_WINDOW		1	/* steps of skew either way */

int	 totp_init(void);
void	 totp_fini(void);
void	 totp_new_secret(unsigned char out[TOTP_SECRET_BYTES]);
void	 totp_base32(const unsigned char sec[TOTP_SECRET_BYTES],
	    char out[TOTP_BASE32_LEN + 1]);
/* 1 if "code" is exactly six ASCII digits. */
int	 totp_code_shape(const char *code);
/* 1 and the matching time step if "code" is valid at "now" (±1 step). */
int	 totp_check(const unsigned char sec[TOTP_SECRET_BYTES],
	    const char *code, time_t now, int64_t *step);
int	 totp_generate(const unsigned char sec[TOTP_SECRET_BYTES], time_t now,
	    char out[TOTP_DIGITS + 1]);
char	*totp_seal(struct arena *, const unsigned char sec[TOTP_SECRET_BYTES]);
int	 totp_open(const char *sealed, unsigned char out[TOTP_SECRET_BYTES]);
char	*totp_uri(struct arena *, const char *issuer, const char *account,
	    const char *b32);
char	*totp_qr_svg(struct arena *, const char *text);

#endif /* SSTS_TOTP_H */
