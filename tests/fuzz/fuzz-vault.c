/*
 * SSTS - libFuzzer harness Z8: attachment decryption (lib/vault.c).
 *
 * Input byte 0 picks the mode.  Even: the rest of the input is the
 * stored file, as is (seeded with real ciphertexts under the fixed key
 * and name); if it decrypts, its layout must be the canonical one and
 * any one flipped byte must make it fail.  Odd: the harness encrypts a
 * plaintext made from the input (its own encoder, the format of
 * vault.c), applies one input-chosen mutation (flip, truncate, append,
 * delete, duplicate) and checks that reading fails iff the file changed,
 * and that every byte returned is the plaintext's, from chunks wholly
 * before the first changed byte and never from the final chunk of a
 * changed file.  Both vault_verify() and vault_read() are checked.
 *
 * Layout of an odd input: mode, 3 bytes length (modulo four chunks and
 * 4), 4 bytes offset, 1 byte count/xor value, then the plaintext pattern.
 *
 * fuzz.mk compiles vault.c and this file with a small VAULT_CHUNK: the
 * code is the same, but files of several chunks fit in an input and an
 * execution takes microseconds instead of milliseconds.  The real 64 KiB
 * is the unit tests' (tests/unit/test_vault.c).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <sodium.h>

#include "fuzz-common.h"
#include "vault.h"

#ifndef VAULT_CHUNK
#error "fuzz.mk defines VAULT_CHUNK for vault.c and this harness alike"
#endif
#define CHUNK	((size_t)VAULT_CHUNK)
#define ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define CCHUNK	(CHUNK + ABYTES)
#define HEAD	(8 + crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define NAME	"0123456789abcdef0123456789abcdef"
#define TAG_MESSAGE	crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char		 dir[64];
static char		 path[128];
static unsigned char	 key[VAULT_KEYBYTES];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void
init_once(void)
{
	unsigned char	 master[32];

	if (dir[0] != '\0')
		return;
	CHECK(sodium_init() >= 0);
	/* tmpfs if there is one: a disk that stalls under other work once
	 * held open() past -timeout, for an input that takes 0 ms. */
	snprintf(dir, sizeof(dir), "%s/ssts-fuzz-vault-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, NAME);
	memset(master, 0x5a, sizeof(master));
	vault_key(master, key);
	atexit(cleanup);
}

static void
put_file(const unsigned char *p, size_t n)
{
	int	 fd;

	CHECK((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) != -1);
	CHECK(write(fd, p, n) == (ssize_t)n);
	close(fd);
}

/* The format, written independently of vault.c: returns the length. */
static size_t
encrypt(unsigned char *c, const unsigned char *p, size_t n)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned long long	 clen;
	size_t			 off = 0, k, len = HEAD;
	unsigned char		 tag;

	memcpy(c, "SSTSATT1", 8);
	crypto_secretstream_xchacha20poly1305_init_push(&st, c + 8, key);
	do {
		k = n - off < CHUNK ? n - off : CHUNK;
		tag = k < CHUNK ? TAG_FINAL : TAG_MESSAGE;
		crypto_secretstream_xchacha20poly1305_push(&st, c + len, &clen,
		    p + off, k, (const unsigned char *)NAME, VAULT_NAMELEN,
		    tag);
		len += (size_t)clen;
		off += k;
	} while (tag != TAG_FINAL);
	return len;
}

/*
 * Streams the stored file: 0 at its authenticated end, -1 on error.
 * Every byte must match plain (when given); *got counts them.
 */
static int
stream(struct arena *a, const unsigned char *plain, size_t plen, size_t *got)
{
	struct vault_reader	*r;
	unsigned char		 buf[4099];
	ssize_t			 n;

	*got = 0;
	if ((r = vault_open(a, dir, NAME, key)) == NULL)
		return -1;
	while ((n = vault_read(r, buf, sizeof(buf))) > 0) {
		CHECK((size_t)n <= sizeof(buf));
		if (plain != NULL) {
			CHECK(*got + (size_t)n <= plen);
			CHECK(memcmp(buf, plain + *got, (size_t)n) == 0);
		}
		*got += (size_t)n;
	}
	CHECK(n == 0 || n == -1);
	CHECK(vault_read(r, buf, sizeof(buf)) == n);	/* sticky, or end */
	vault_close(r);
	return (int)n;
}

static int
verify(struct arena *a, size_t *size)
{
	struct vault_reader	*r;
	int			 rc;

	if ((r = vault_open(a, dir, NAME, key)) == NULL)
		return -1;
	rc = vault_verify(r, size);
	vault_close(r);
	return rc;
}

static void
raw_mode(struct arena *a, const uint8_t *data, size_t size)
{
	unsigned char	*c;
	size_t		 got, vsize;

	put_file(data, size);
	if (stream(a, NULL, 0, &got) != 0) {
		CHECK(verify(a, &vsize) == -1);
		return;
	}
	CHECK(verify(a, &vsize) == 0 && vsize == got);
	CHECK(size == HEAD + (got / CHUNK + 1) * ABYTES + got);
	CHECK(memcmp(data, "SSTSATT1", 8) == 0);
	/* any single changed byte breaks it */
	CHECK((c = arena_alloc(a, size)) != NULL);
	memcpy(c, data, size);
	c[(got * 7 + 3) % size] ^= 0x01;
	put_file(c, size);
	CHECK(stream(a, NULL, 0, &got) == -1);
}

static void
enc_mode(struct arena *a, const uint8_t *data, size_t size)
{
	unsigned char	*p, *c, *m;
	size_t		 plen, clen, mlen, pos, cnt, i, diff, bound, got, vsize;
	int		 kind, changed, rc;

	if (size < 9)
		return;
	kind = (data[0] >> 1) % 6;
	plen = ((size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3]) %
	    (4 * CHUNK + 4);
	pos = (size_t)data[4] << 24 | (size_t)data[5] << 16 |
	    (size_t)data[6] << 8 | data[7];
	cnt = data[8];
	data += 9;
	size -= 9;

	/* the pattern, repeated by doubling, then a counter every 251 bytes */
	CHECK((p = arena_calloc(a, plen + 1, 1)) != NULL);
	memcpy(p, data, size < plen ? size : plen);
	for (i = size; size > 0 && i < plen; i *= 2)
		memcpy(p + i, p, i < plen - i ? i : plen - i);
	for (i = 0; i < plen; i += 251)
		p[i] = (unsigned char)(i / 251);
	clen = HEAD + (plen / CHUNK + 1) * ABYTES + plen;
	CHECK((c = arena_alloc(a, clen)) != NULL);
	CHECK((m = arena_alloc(a, clen + 256)) != NULL);
	CHECK(encrypt(c, p, plen) == clen);
	pos %= clen + 1;

	/* m = c with one mutation */
	memcpy(m, c, clen);
	mlen = clen;
	switch (kind) {
	case 1:		/* flip bits (cnt 0: no change) */
		if (pos < clen)
			m[pos] ^= (unsigned char)cnt;
		break;
	case 2:		/* truncate (pos == clen: no change) */
		mlen = pos;
		break;
	case 3:		/* append */
		for (i = 0; i < cnt; i++)
			m[mlen++] = size > 0 ? data[i % size] : 0;
		break;
	case 4:		/* delete */
		cnt = cnt % 64 + 1;
		if (cnt > clen - pos)
			cnt = clen - pos;
		memmove(m + pos, c + pos + cnt, clen - pos - cnt);
		mlen = clen - cnt;
		break;
	case 5:		/* duplicate a range in place */
		cnt %= 200;
		if (cnt > clen - pos)
			cnt = clen - pos;
		memcpy(m + pos + cnt, c + pos, clen - pos);
		mlen = clen + cnt;
		break;
	default:
		break;
	}
	put_file(m, mlen);
	for (diff = 0; diff < mlen && diff < clen && m[diff] == c[diff]; diff++)
		continue;
	changed = mlen != clen || diff < clen;

	rc = verify(a, &vsize);
	CHECK(rc == (changed ? -1 : 0));
	CHECK(changed || vsize == plen);
	rc = stream(a, p, plen, &got);
	CHECK(rc == (changed ? -1 : 0));
	if (!changed) {
		CHECK(got == plen);
		return;
	}
	/* only whole chunks before the change; never the final one */
	bound = diff < HEAD ? 0 : (diff - HEAD) / CCHUNK;
	if (bound > plen / CHUNK)
		bound = plen / CHUNK;
	CHECK(got == got / CHUNK * CHUNK && got <= bound * CHUNK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;

	init_once();
	if (size == 0)
		return 0;
	arena_init(&a, FUZZ_ARENA);
	if (data[0] & 1)
		enc_mode(&a, data, size);
	else
		raw_mode(&a, data + 1, size - 1);
	arena_free(&a);
	return 0;
}
