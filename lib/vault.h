/*
 * SSTS - attachment storage, encrypted at rest with libsodium's
 * crypto_secretstream_xchacha20poly1305 under a key derived from
 * ENCRYPTION_KEY.  A file is written as a hidden temp file, fsync'd and
 * renamed to a random name (the "file key", never the client's name);
 * a reader accepts a file only if every chunk authenticates and the
 * final tag is present.
 */
#ifndef SSTS_VAULT_H
#define SSTS_VAULT_H

#include <stddef.h>
#include <sys/types.h>

#define VAULT_KEYBYTES	32
#define VAULT_NAMELEN	32	/* hex characters of a file key */

struct arena;
struct vault_writer;
struct vault_reader;

/* The attachment key from the 32-byte master key (ENCRYPTION_KEY). */
void		 vault_key(const unsigned char master[32],
		    unsigned char key[VAULT_KEYBYTES]);
/* A new file under dir; NULL on error (errno set). */
struct vault_writer *vault_create(struct arena *, const char *dir,
		    const unsigned char key[VAULT_KEYBYTES]);
const char	*vault_name(const struct vault_writer *);	/* its file key */
int		 vault_write(struct vault_writer *, const void *, size_t);
/* Final chunk, fsync, rename, fsync of dir: 0, or -1 (file removed). */
int		 vault_commit(struct vault_writer *);
/* Closes and removes the temp file; safe after a failed call. */
void		 vault_abort(struct vault_writer *);
/* Removes a committed file (when its database row did not commit). */
int		 vault_remove(const char *dir, const char *name);

/* NULL if the name is not a file key or the file cannot be opened. */
struct vault_reader *vault_open(struct arena *, const char *dir,
		    const char *name, const unsigned char key[VAULT_KEYBYTES]);
/*
 * Plaintext bytes into buf (up to n): > 0, 0 at the authenticated end,
 * -1 if the file is altered, truncated or unreadable.
 */
ssize_t		 vault_read(struct vault_reader *, void *buf, size_t n);
/* The plaintext size after checking every chunk and the final tag. */
int		 vault_verify(struct vault_reader *, size_t *size);
int		 vault_rewind(struct vault_reader *);
void		 vault_close(struct vault_reader *);

/*
 * Removes temp files older than min_age seconds and committed files for
 * which known(ctx, name) returns 0.  Returns the number removed, -1 on
 * error.
 */
int		 vault_sweep(const char *dir, int (*known)(void *, const char *),
		    void *ctx, unsigned min_age);

#endif /* SSTS_VAULT_H */
