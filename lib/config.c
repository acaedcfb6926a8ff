/*
 * SSTS - worker configuration, read once from the environment before
 * the accept loop and read-only afterwards.  Missing or weak secrets
 * refuse the start: there is no fallback key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "vault.h"

static struct config	 config;
const struct config	*cfg;

static const char *
env_or(const char *name, const char *def)
{
	const char	*v;

	v = getenv(name);
	return (v == NULL || *v == '\0') ? def : v;
}

static int
distinct_chars(const char *s)
{
	unsigned char	 seen[256];
	int		 n = 0;

	memset(seen, 0, sizeof(seen));
	for (; *s != '\0'; s++)
		if (!seen[(unsigned char)*s]++)
			n++;
	return n;
}

static int
config_secrets(struct config *c)
{
	const char	*jwt, *enc;
	size_t		 len;

	jwt = env_or("JWT_SECRET", NULL);
	if (jwt == NULL || (len = strlen(jwt)) < 32 || len > sizeof(c->jwt_key)) {
		fprintf(stderr, "%s: JWT_SECRET must be 32 to %zu characters\n",
		    c->group, sizeof(c->jwt_key));
		return 0;
	}
	memcpy(c->jwt_key, jwt, len);
	c->jwt_keylen = len;
	enc = env_or("ENCRYPTION_KEY", NULL);
	if (enc == NULL || strlen(enc) != 64 ||
	    sodium_hex2bin(c->enc_key, sizeof(c->enc_key), enc, 64,
	    NULL, NULL, NULL) != 0) {
		fprintf(stderr, "%s: ENCRYPTION_KEY must be 64 hex digits\n",
		    c->group);
		return 0;
	}
	if (c->production && (distinct_chars(jwt) < 12 ||
	    distinct_chars(enc) < 10)) {
		fprintf(stderr, "%s: weak secrets refused in production\n",
		    c->group);
		return 0;
	}
	return 1;
}

static int
config_dummy_hash(struct config *c)
{
	unsigned char	 pw[16];
	char		 hex[33];

	randombytes_buf(pw, sizeof(pw));
	sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
	return pw_hash((char *)c->dummy_hash, hex) == 0;
}

static int
config_uploads(struct config *c)
{
	static char	 dir[4096];
	int64_t		 mb;

	c->upload_dir = env_or("UPLOAD_DIR", NULL);
	if (c->upload_dir == NULL && snprintf(dir, sizeof(dir), "%s/uploads",
	    env_or("SSTS_VAR", "var")) < (int)sizeof(dir))
		c->upload_dir = dir;
	if (parse_int64(env_or("SSTS_MAX_UPLOAD_MB", "10"), 1, 1024, &mb)
	    != 0) {
		fprintf(stderr, "%s: SSTS_MAX_UPLOAD_MB must be 1..1024\n",
		    c->group);
		return 0;
	}
	c->max_upload = mb * 1024 * 1024;
	return c->upload_dir != NULL;
}

/* Sign-in throttling: free attempts per address, then doubling delays. */
static int
config_throttle(struct config *c)
{
	int64_t	 tries, delay;

	if (parse_int64(env_or("SSTS_LOGIN_FREE_TRIES", "5"), 1, 1000,
	    &tries) != 0 || parse_int64(env_or("SSTS_LOGIN_MAX_DELAY", "900"),
	    1, 86400, &delay) != 0) {
		fprintf(stderr, "%s: SSTS_LOGIN_FREE_TRIES must be 1..1000 and "
		    "SSTS_LOGIN_MAX_DELAY 1..86400\n", c->group);
		return 0;
	}
	c->login_free = (int)tries;
	c->login_max_delay = (int)delay;
	return 1;
}

/* Fills the configuration; returns 0 (and says why on stderr) on failure. */
int
config_load(const char *group)
{
	struct config	*c = &config;
	int64_t		 hours;

	c->group = group;
	c->production = strcmp(env_or("SSTS_PRODUCTION", "0"), "1") == 0;
	c->db_url = env_or("DATABASE_URL", "postgresql:///ssts");
	c->root = env_or("SSTS_ROOT", ".");
	c->cors_origins = env_or("SSTS_CORS_ORIGINS", NULL);
	if (parse_int64(env_or("SSTS_SESSION_HOURS", "12"), 1, 24 * 30,
	    &hours) != 0) {
		fprintf(stderr, "%s: SSTS_SESSION_HOURS must be 1..720\n", group);
		return 0;
	}
	c->session_ttl = hours * 3600;
	if (!config_uploads(c) || !config_throttle(c) || !config_secrets(c) ||
	    !config_dummy_hash(c))
		return 0;
	vault_key(c->enc_key, c->att_key);
	cfg = c;
	return 1;
}
