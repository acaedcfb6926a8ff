/*
 * SSTS - sign-in throttling.  The key of an address is an HMAC under the
 * JWT secret, so that the table holds no address in clear and cannot be
 * matched against a list of addresses without the secret.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ssts.h"
#include "throttle.h"

static void
throttle_key(const char *email, char out[65])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, cfg->jwt_key, cfg->jwt_keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"throttle:",
	    9);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)email,
	    strlen(email));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

int64_t
throttle_take(struct req *r, const char *email)
{
	char		 key[65], free_tries[16], max_delay[16];
	const char	*p[3] = { key, free_tries, max_delay };
	struct rows	 rs;
	int64_t		 wait;

	throttle_key(email, key);
	snprintf(free_tries, sizeof(free_tries), "%d", cfg->login_free);
	snprintf(max_delay, sizeof(max_delay), "%d", cfg->login_max_delay);
	if (db_run(r, STMT_THROTTLE_TAKE, p, &rs) != CORE_OK)
		return -1;
	if (rs.n == 1)
		return 0;
	if (db_run(r, STMT_THROTTLE_WAIT, p, &rs) != CORE_OK || rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX, &wait) != 0)
		return -1;
	return wait;
}

static void
throttle_run(struct req *r, enum stmt s, const char *email)
{
	char		 key[65];
	const char	*p[1] = { key };

	throttle_key(email, key);
	if (db_run(r, s, p, NULL) != CORE_OK)
		log_event(r, "sign-in throttle could not be updated");
}

void
throttle_forgive(struct req *r, const char *email)
{
	throttle_run(r, STMT_THROTTLE_FORGIVE, email);
}

void
throttle_clear(struct req *r, const char *email)
{
	throttle_run(r, STMT_THROTTLE_CLEAR, email);
}
