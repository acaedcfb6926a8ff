/*
 * SSTS - passwords: argon2id (libsodium, interactive limits), one policy
 * for every place a password is set, and a dummy verification so that an
 * unknown account costs the same time as a wrong password.
 */
#include <string.h>

#include <sodium.h>

#include "ssts.h"

#define PW_MIN	8
#define PW_MAX	128

int
pw_hash(char out[128], const char *password)
{
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* Returns 1 if "password" matches "hash". */
int
pw_verify(const char *hash, const char *password)
{
	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void
pw_dummy_verify(const char *password)
{
	(void)pw_verify((const char *)cfg->dummy_hash, password);
}

/*
 * The one password policy (API.md §3.5): 8 to 128 characters with an
 * upper-case letter, a lower-case letter and a digit.  Returns NULL if
 * acceptable, else the reason.  The password is never altered.
 */
const char *
pw_policy(const char *pw)
{
	size_t		 n;
	int		 up = 0, low = 0, dig = 0;
	const char	*p;

	n = utf8_chars(pw, strlen(pw));
	if (n < PW_MIN)
		return "must be at least 8 characters";
	if (n > PW_MAX)
		return "must be at most 128 characters";
	for (p = pw; *p != '\0'; p++) {
		up |= (*p >= 'A' && *p <= 'Z');
		low |= (*p >= 'a' && *p <= 'z');
		dig |= (*p >= '0' && *p <= '9');
	}
	if (!up || !low || !dig)
		return "must contain an upper-case letter, a lower-case letter "
		    "and a digit";
	return NULL;
}
