/*
 * SSTS - attachment storage, encrypted at rest (see vault.h).
 *
 * File layout: "SSTSATT1", the 24-byte secretstream header, then chunks
 * of at most VAULT_CHUNK plaintext bytes (+ ABYTES).  Every chunk takes
 * the file key (its name) as additional data, so a file moved to another
 * row's name does not decrypt.  The last chunk, and only it, carries
 * TAG_FINAL; nothing may follow it.  Names are checked to be 32 lower
 * hex characters before any path is built, and all file system calls
 * are relative to a directory descriptor.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ssts.h"
#include "vault.h"

#define VAULT_MAGIC	"SSTSATT1"
#define VAULT_MAGICLEN	8
/* Plaintext bytes per chunk.  The fuzz build makes it small (fuzz.mk), so
 * that files of several chunks fit in a fuzzer's input. */
#ifndef VAULT_CHUNK
#define VAULT_CHUNK	65536
#endif
#define VAULT_ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define VAULT_CCHUNK	(VAULT_CHUNK + VAULT_ABYTES)
#define VAULT_HDRLEN	crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define TAG_MESSAGE	crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define VAULT_TMPPFX	".tmp-"
#define VAULT_TMPLEN	(sizeof(VAULT_TMPPFX) - 1 + VAULT_NAMELEN)

enum vault_wstate {
	VW_OPEN = 0,		/* temp file open, accepting data */
	VW_DONE,		/* committed: nothing left to undo */
	VW_GONE			/* aborted or failed: temp removed */
};

struct vault_writer {
	crypto_secretstream_xchacha20poly1305_state st;
	int		 fd;		/* temp file, -1 once closed */
	int		 dfd;		/* the store directory */
	int		 err;		/* a write failed: commit refuses */
	enum vault_wstate state;
	char		 name[VAULT_NAMELEN + 1];	/* file key */
	char		 tmp[VAULT_TMPLEN + 1];		/* .tmp-<name> */
	unsigned char	*buf;		/* VAULT_CHUNK plaintext */
	size_t		 len;		/* bytes in buf */
	unsigned char	*cbuf;		/* VAULT_CCHUNK ciphertext */
};

struct vault_reader {
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 key[VAULT_KEYBYTES];	/* for vault_rewind */
	unsigned char	 hdr[VAULT_HDRLEN];
	char		 name[VAULT_NAMELEN + 1];	/* additional data */
	int		 fd;
	int		 err;		/* sticky: once -1, always -1 */
	int		 final;		/* TAG_FINAL seen and EOF checked */
	unsigned char	*pbuf;		/* plaintext of the current chunk */
	size_t		 plen;		/* bytes in pbuf */
	size_t		 ppos;		/* bytes of pbuf already returned */
	unsigned char	*cbuf;		/* ciphertext of the current chunk */
};

void
vault_key(const unsigned char master[32], unsigned char key[VAULT_KEYBYTES])
{
	crypto_kdf_derive_from_key(key, VAULT_KEYBYTES, 1, "ssts-att", master);
}

/* A file key: exactly 32 lowercase hex characters. */
static int
vault_is_name(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < VAULT_NAMELEN; i++)
		if ((s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[VAULT_NAMELEN] == '\0';
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads up to n bytes, fewer only at EOF: the count, or -1. */
static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		if ((r = read(fd, p + got, n - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int
vault_push(struct vault_writer *w, unsigned char tag)
{
	unsigned long long	 clen;

	if (crypto_secretstream_xchacha20poly1305_push(&w->st, w->cbuf,
	    &clen, w->buf, w->len, (const unsigned char *)w->name,
	    VAULT_NAMELEN, tag) != 0 ||
	    write_all(w->fd, w->cbuf, (size_t)clen) == -1) {
		w->err = 1;
		return -1;
	}
	w->len = 0;
	return 0;
}

struct vault_writer *
vault_create(struct arena *a, const char *dir,
    const unsigned char key[VAULT_KEYBYTES])
{
	struct vault_writer	*w;
	unsigned char		 rnd[VAULT_NAMELEN / 2];
	unsigned char		 head[VAULT_MAGICLEN + VAULT_HDRLEN];
	int			 saved;

	if ((w = arena_calloc(a, 1, sizeof(*w))) == NULL ||
	    (w->buf = arena_alloc(a, VAULT_CHUNK)) == NULL ||
	    (w->cbuf = arena_alloc(a, VAULT_CCHUNK)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	w->fd = -1;
	w->state = VW_GONE;
	if ((w->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(w->name, sizeof(w->name), rnd, sizeof(rnd));
	snprintf(w->tmp, sizeof(w->tmp), "%s%s", VAULT_TMPPFX, w->name);
	w->fd = openat(w->dfd, w->tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd == -1) {
		saved = errno;
		close(w->dfd);
		errno = saved;
		return NULL;
	}
	w->state = VW_OPEN;
	memcpy(head, VAULT_MAGIC, VAULT_MAGICLEN);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st,
	    head + VAULT_MAGICLEN, key);
	if (write_all(w->fd, head, sizeof(head)) == -1) {
		saved = errno;
		vault_abort(w);
		errno = saved;
		return NULL;
	}
	return w;
}

const char *
vault_name(const struct vault_writer *w)
{
	return w->name;
}

int
vault_write(struct vault_writer *w, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 k;

	if (w->state != VW_OPEN || w->err)
		return -1;
	while (n > 0) {
		k = VAULT_CHUNK - w->len;
		if (k > n)
			k = n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		/* A full chunk goes out now: the final one is always short. */
		if (w->len == VAULT_CHUNK && vault_push(w, TAG_MESSAGE) == -1)
			return -1;
	}
	return 0;
}

/* Renames tmp to name, refusing to replace an existing file. */
static int
vault_link(struct vault_writer *w)
{
	if (renameat2(w->dfd, w->tmp, w->dfd, w->name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* File system without RENAME_NOREPLACE: link() never replaces. */
	if (linkat(w->dfd, w->tmp, w->dfd, w->name, 0) == -1)
		return -1;
	unlinkat(w->dfd, w->tmp, 0);
	return 0;
}

static void
vault_wipe(struct vault_writer *w)
{
	sodium_memzero(&w->st, sizeof(w->st));
	sodium_memzero(w->buf, VAULT_CHUNK);
	w->len = 0;
	if (w->fd != -1)
		close(w->fd);
	if (w->dfd != -1)
		close(w->dfd);
	w->fd = w->dfd = -1;
}

int
vault_commit(struct vault_writer *w)
{
	int	 rc, saved, linked = 0;

	if (w->state != VW_OPEN)
		return -1;
	rc = -1;
	if (w->err) {
		errno = EIO;	/* an earlier vault_write() failed */
		goto out;
	}
	if (vault_push(w, TAG_FINAL) == -1)
		goto out;
	while ((rc = fsync(w->fd)) == -1 && errno == EINTR)
		continue;
	if (rc == -1)
		goto out;
	rc = close(w->fd);
	w->fd = -1;
	if (rc == -1 || vault_link(w) == -1) {
		rc = -1;
		goto out;
	}
	linked = 1;
	while ((rc = fsync(w->dfd)) == -1 && errno == EINTR)
		continue;
out:
	saved = errno;
	if (rc == -1) {
		unlinkat(w->dfd, w->tmp, 0);
		if (linked)
			unlinkat(w->dfd, w->name, 0);
		w->state = VW_GONE;
	} else
		w->state = VW_DONE;
	vault_wipe(w);
	errno = saved;
	return rc;
}

void
vault_abort(struct vault_writer *w)
{
	if (w == NULL || w->state != VW_OPEN)
		return;
	unlinkat(w->dfd, w->tmp, 0);
	w->state = VW_GONE;
	vault_wipe(w);
}

/* dir/name for a valid file key only: no other name reaches open(). */
static int
vault_path(char path[PATH_MAX], const char *dir, const char *name)
{
	int	 n;

	if (!vault_is_name(name)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(path, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
vault_remove(const char *dir, const char *name)
{
	char	 path[PATH_MAX];

	if (vault_path(path, dir, name) == -1)
		return -1;
	return unlink(path);
}

/* Back to the first chunk, with a fresh pull state. */
static int
vault_start(struct vault_reader *r)
{
	r->plen = r->ppos = 0;
	r->final = 0;
	if (lseek(r->fd, VAULT_MAGICLEN + VAULT_HDRLEN, SEEK_SET) == -1 ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&r->st, r->hdr,
	    r->key) != 0)
		return -1;
	return 0;
}

struct vault_reader *
vault_open(struct arena *a, const char *dir, const char *name,
    const unsigned char key[VAULT_KEYBYTES])
{
	struct vault_reader	*r;
	struct stat		 st;
	unsigned char		 magic[VAULT_MAGICLEN];
	char			 path[PATH_MAX];

	if (vault_path(path, dir, name) == -1)
		return NULL;
	if ((r = arena_calloc(a, 1, sizeof(*r))) == NULL ||
	    (r->pbuf = arena_alloc(a, VAULT_CHUNK)) == NULL ||
	    (r->cbuf = arena_alloc(a, VAULT_CCHUNK)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* O_NONBLOCK: a FIFO planted under a file key must not hang us. */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (r->fd == -1)
		return NULL;
	memcpy(r->key, key, VAULT_KEYBYTES);
	memcpy(r->name, name, VAULT_NAMELEN + 1);
	if (fstat(r->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    read_full(r->fd, magic, sizeof(magic)) != sizeof(magic) ||
	    memcmp(magic, VAULT_MAGIC, VAULT_MAGICLEN) != 0 ||
	    read_full(r->fd, r->hdr, sizeof(r->hdr)) != sizeof(r->hdr) ||
	    vault_start(r) == -1) {
		vault_close(r);
		errno = EBADMSG;
		return NULL;
	}
	return r;
}

/*
 * Reads and authenticates the next chunk into pbuf.  A chunk's bytes
 * are only made available once it authenticated; the final chunk's only
 * once the file is known to end right after it.
 */
static int
vault_chunk(struct vault_reader *r)
{
	unsigned long long	 mlen;
	unsigned char		 tag, extra;
	ssize_t			 got;

	got = read_full(r->fd, r->cbuf, VAULT_CCHUNK);
	if (got < (ssize_t)VAULT_ABYTES)
		return -1;	/* unreadable, or EOF before TAG_FINAL */
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->pbuf,
	    &mlen, &tag, r->cbuf, (unsigned long long)got,
	    (const unsigned char *)r->name, VAULT_NAMELEN) != 0)
		return -1;
	if (tag == TAG_FINAL) {
		if (read_full(r->fd, &extra, 1) != 0)
			return -1;	/* trailing bytes, or a read error */
		r->final = 1;
	} else if (tag != TAG_MESSAGE || got != VAULT_CCHUNK)
		return -1;	/* only full chunks come before the last */
	r->plen = (size_t)mlen;
	r->ppos = 0;
	return 0;
}

/* vault_chunk(), with the error made sticky. */
static int
vault_next(struct vault_reader *r)
{
	if (vault_chunk(r) == 0)
		return 0;
	r->err = 1;
	sodium_memzero(r->pbuf, VAULT_CHUNK);
	r->plen = r->ppos = 0;
	return -1;
}

ssize_t
vault_read(struct vault_reader *r, void *buf, size_t n)
{
	size_t	 k;

	if (r->err)
		return -1;
	if (n == 0)
		return 0;	/* as read(2) */
	while (r->ppos == r->plen) {
		if (r->final)
			return 0;
		if (vault_next(r) == -1)
			return -1;
	}
	k = r->plen - r->ppos;
	if (k > n)
		k = n;
	memcpy(buf, r->pbuf + r->ppos, k);
	r->ppos += k;
	return (ssize_t)k;
}

/* Authenticates the whole file from its start; see vault_rewind(). */
int
vault_verify(struct vault_reader *r, size_t *size)
{
	size_t	 total = 0;

	if (vault_rewind(r) == -1)
		return -1;
	while (!r->final) {
		if (vault_next(r) == -1)
			return -1;
		total += r->plen;
	}
	r->ppos = r->plen;
	if (size != NULL)
		*size = total;
	return 0;
}

/* A reader that failed stays failed: rewinding does not clear it. */
int
vault_rewind(struct vault_reader *r)
{
	if (r->err)
		return -1;
	if (vault_start(r) == -1) {
		r->err = 1;
		return -1;
	}
	return 0;
}

void
vault_close(struct vault_reader *r)
{
	if (r == NULL)
		return;
	sodium_memzero(&r->st, sizeof(r->st));
	sodium_memzero(r->key, sizeof(r->key));
	sodium_memzero(r->pbuf, VAULT_CHUNK);
	r->plen = r->ppos = 0;
	r->err = 1;
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/* "<name>" gives 1, ".tmp-<name>" gives 2, anything else 0. */
static int
vault_kind(const char *s)
{
	if (vault_is_name(s))
		return 1;
	if (strncmp(s, VAULT_TMPPFX, sizeof(VAULT_TMPPFX) - 1) == 0 &&
	    vault_is_name(s + sizeof(VAULT_TMPPFX) - 1))
		return 2;
	return 0;
}

int
vault_sweep(const char *dir, int (*known)(void *, const char *),
    void *ctx, unsigned min_age)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	time_t		 now;
	int		 kind, count = 0, fail = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	now = time(NULL);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				fail = 1;
			break;
		}
		if ((kind = vault_kind(de->d_name)) == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < (time_t)min_age)
			continue;	/* gone, not a plain file, too young */
		if (kind == 1 && known(ctx, de->d_name) != 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			count++;
		else if (errno != ENOENT)
			fail = 1;
	}
	closedir(d);
	return fail ? -1 : count;
}
