/*
 * SSTS - per-account throttling of sign-in proofs (lib/throttle.c).
 * Every password or code tried for an e-mail address, known or not,
 * takes an attempt first; past SSTS_LOGIN_FREE_TRIES failures each one
 * locks the address for a doubling delay (at most SSTS_LOGIN_MAX_DELAY
 * seconds).  Taking first and forgiving after makes a burst of
 * concurrent guesses count in full.
 */
#ifndef SSTS_THROTTLE_H
#define SSTS_THROTTLE_H

/* 0: go on; > 0: locked, seconds to wait; -1: database failure. */
int64_t	 throttle_take(struct req *, const char *email);
/* The attempt was not a failure (right password, code still to come). */
void	 throttle_forgive(struct req *, const char *email);
/* A full success: the address starts afresh. */
void	 throttle_clear(struct req *, const char *email);

#endif /* SSTS_THROTTLE_H */
