/*
 * SSTS - Idempotency-Key (lib/idem.c, sql/012): a creating POST sent
 * again with the same key gets the first one's answer, and nothing is
 * written twice.  The key (r->idem_key: the header, or a form's hidden
 * field) is 1 to 255 visible ASCII characters, belongs to the caller, and
 * is remembered for 24 hours with the route and a hash of the request.
 */
#ifndef SSTS_IDEM_H
#define SSTS_IDEM_H

#define IDEM_KEY_MAX	255

enum idem_state {
	IDEM_NEW = 0,	/* no key, or a key not seen: do the write */
	IDEM_HIT,	/* the same request was answered: *hit is its answer */
	IDEM_MISMATCH,	/* the key was used for another request: 422 */
	IDEM_BADKEY,	/* not 1..255 visible ASCII characters: 400 */
	IDEM_ERROR	/* the database failed: 503 */
};

struct idem_hit {
	int		 status;
	const char	*response;	/* the answer's body (JSON text) */
};

int		 idem_key_valid(const char *);
/* What the request's key says; call before the write. */
enum idem_state	 idem_find(struct req *, struct idem_hit *);
/*
 * For API handlers: 1 when idem_find's answer has been sent (the kept
 * answer with "Idempotent-Replayed: true", or the 400, 422 or 503), 0
 * when the handler goes on with the write.
 */
int		 idem_replayed(struct req *);
/*
 * In the write's transaction, before its commit: keeps the answer
 * (status, out) if idem_find said IDEM_NEW for a key.  CORE_OK, also
 * without a key; CORE_ECONFLICT when the
 * same key committed meanwhile (roll back, then idem_replayed() answers
 * with that one); CORE_EDB.
 */
enum core_err	 idem_claim(struct req *, int status, const cJSON *out);

#endif /* SSTS_IDEM_H */
