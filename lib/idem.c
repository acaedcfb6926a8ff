/*
 * SSTS - Idempotency-Key: safe retries of ticket and comment creation
 * (lib/idem.h).  The kept answer is written in the same transaction as
 * the write it answers, so it exists exactly when that write does; two
 * requests racing with one key meet on the table's primary key, and the
 * one that waited rolls its write back and answers with the other's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ssts.h"
#include "idem.h"

int
idem_key_valid(const char *k)
{
	size_t	 n;

	for (n = 0; k[n] != '\0'; n++)
		if (k[n] < 0x21 || k[n] > 0x7e || n == IDEM_KEY_MAX)
			return 0;
	return n > 0;
}

/* "POST /api/tickets": a key answers one route and target only. */
static const char *
idem_route(struct req *r)
{
	size_t	 n = strlen(r->method) + strlen(r->path) + 2;
	char	*s;

	if ((s = arena_alloc(&r->arena, n)) != NULL)
		snprintf(s, n, "%s %s", r->method, r->path);
	return s;
}

static void
hash_part(crypto_hash_sha256_state *st, const char *s, size_t n)
{
	static const unsigned char nul = 0;

	if (s != NULL)
		crypto_hash_sha256_update(st, (const unsigned char *)s, n);
	crypto_hash_sha256_update(st, &nul, 1);
}

/* Hex SHA-256 of method, path, content type and body. */
static const char *
idem_fingerprint(struct req *r)
{
	crypto_hash_sha256_state st;
	unsigned char		 h[crypto_hash_sha256_BYTES];
	char			*hex;

	crypto_hash_sha256_init(&st);
	hash_part(&st, r->method, strlen(r->method));
	hash_part(&st, r->path, strlen(r->path));
	hash_part(&st, r->content_type, r->content_type ?
	    strlen(r->content_type) : 0);
	hash_part(&st, r->body, r->body ? r->body_len : 0);
	crypto_hash_sha256_final(&st, h);
	if ((hex = arena_alloc(&r->arena, 2 * sizeof(h) + 1)) == NULL)
		return NULL;
	return sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
}

static const char *
user_text(struct req *r)
{
	char	*s;

	if ((s = arena_alloc(&r->arena, 24)) != NULL)
		snprintf(s, 24, "%lld", (long long)r->user.id);
	return s;
}

enum idem_state
idem_find(struct req *r, struct idem_hit *hit)
{
	const char	*p[2], *route, *fp;
	struct rows	 rs;
	int64_t		 status;

	memset(hit, 0, sizeof(*hit));
	if (r->idem_key == NULL)
		return IDEM_NEW;
	if (!idem_key_valid(r->idem_key))
		return IDEM_BADKEY;
	p[0] = user_text(r);
	p[1] = r->idem_key;
	route = idem_route(r);
	fp = idem_fingerprint(r);
	if (p[0] == NULL || route == NULL || fp == NULL ||
	    db_run(r, STMT_IDEM_GET, p, &rs) != CORE_OK)
		return IDEM_ERROR;
	if (rs.n == 0) {
		r->idem_armed = 1;
		return IDEM_NEW;
	}
	if (strcmp(ROW(&rs, 0, 0), route) != 0 ||
	    strcmp(ROW(&rs, 0, 1), fp) != 0)
		return IDEM_MISMATCH;
	if (parse_int64(ROW(&rs, 0, 2), 100, 599, &status))
		return IDEM_ERROR;
	hit->status = (int)status;
	hit->response = ROW(&rs, 0, 3);
	return IDEM_HIT;
}

int
idem_replayed(struct req *r)
{
	struct idem_hit	 hit;

	switch (idem_find(r, &hit)) {
	case IDEM_NEW:
		return 0;
	case IDEM_HIT:
		resp_header(r, "Idempotent-Replayed", "true");
		resp_text(r, hit.status, "application/json; charset=utf-8",
		    hit.response);
		break;
	case IDEM_MISMATCH:
		resp_error(r, 422, "This Idempotency-Key was used for a "
		    "different request");
		break;
	case IDEM_BADKEY:
		resp_error(r, 400, "Idempotency-Key must be 1 to 255 visible "
		    "ASCII characters");
		break;
	default:
		resp_error(r, 503, "Service temporarily unavailable");
		break;
	}
	return 1;
}

enum core_err
idem_claim(struct req *r, int status, const cJSON *out)
{
	const char	*p[6];
	char		 st[8], *body;
	struct rows	 rs;
	enum core_err	 rc;

	if (!r->idem_armed)
		return CORE_OK;
	if ((body = cJSON_PrintUnformatted(out)) == NULL)
		return CORE_ENOMEM;
	snprintf(st, sizeof(st), "%d", status);
	p[0] = user_text(r);
	p[1] = r->idem_key;
	p[2] = idem_route(r);
	p[3] = idem_fingerprint(r);
	p[4] = st;
	p[5] = body;
	rc = (p[0] && p[2] && p[3]) ? db_run(r, STMT_IDEM_CLAIM, p, &rs) :
	    CORE_ENOMEM;
	cJSON_free(body);
	if (rc != CORE_OK)
		return rc;
	return rs.n == 1 ? CORE_OK : CORE_ECONFLICT;
}
