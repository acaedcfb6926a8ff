/*
 * SSTS - unit tests for lib/vault.c: round trips at chunk boundaries,
 * verify/rewind, truncation, bit flips, trailing bytes, name binding,
 * wrong key, bad names, abort/commit failures and the sweeper.  Files
 * live in a mkdtemp() directory under /tmp, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ssts.h"
#include "vault.h"

#define CHUNK	65536
#define CCHUNK	(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
#define HEAD	(8 + crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define TAG_MESSAGE	crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define TAG_PUSH	crypto_secretstream_xchacha20poly1305_TAG_PUSH

static struct arena	 ar;
static char		 dir[64];
static unsigned char	 key[VAULT_KEYBYTES];

/* Empties dir (files only; tests remove the directories they make). */
static void
clean_dir(void)
{
	DIR		*d;
	struct dirent	*de;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0))
			assert_int_equal(unlinkat(dirfd(d), de->d_name, 0), 0);
	closedir(d);
}

static size_t
count_dir(void)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static int
group_setup(void **state)
{
	unsigned char	 master[32];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/ssts-vault-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	memset(master, 0x42, sizeof(master));
	vault_key(master, key);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	clean_dir();
	return rmdir(dir);
}

static int
setup(void **state)
{
	(void)state;
	arena_init(&ar, 16 * 1024 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	clean_dir();
	return 0;
}

static char *
path_of(const char *name)
{
	return arena_printf(&ar, "%s/%s", dir, name);
}

/* Stores n random bytes, written in odd-sized pieces; returns them. */
static unsigned char *
store(size_t n, char name[VAULT_NAMELEN + 1])
{
	static const size_t	 piece[] = { 1, 7, 4093, 65535, 3, 70001 };
	struct vault_writer	*w;
	unsigned char		*p;
	size_t			 off = 0, k, i = 0;

	assert_non_null(p = arena_alloc(&ar, n));
	randombytes_buf(p, n);
	assert_non_null(w = vault_create(&ar, dir, key));
	while (off < n) {
		k = piece[i++ % 6];
		if (k > n - off)
			k = n - off;
		assert_int_equal(vault_write(w, p + off, k), 0);
		off += k;
	}
	assert_int_equal(vault_write(w, p, 0), 0);
	memcpy(name, vault_name(w), VAULT_NAMELEN + 1);
	assert_int_equal(vault_commit(w), 0);
	vault_abort(w);		/* no-op after a commit */
	return p;
}

/*
 * Reads name to the end in 1000-byte reads: the last vault_read()
 * result (0 or -1), -2 if vault_open() fails.  *got = bytes returned,
 * which must match want (if given) as a prefix.
 */
static int
read_all(const char *name, const unsigned char *k, const unsigned char *want,
    size_t *got)
{
	struct vault_reader	*r;
	unsigned char		 buf[1000];
	ssize_t			 n;

	*got = 0;
	if ((r = vault_open(&ar, dir, name, k)) == NULL)
		return -2;
	while ((n = vault_read(r, buf, sizeof(buf))) > 0) {
		assert_true((size_t)n <= sizeof(buf));
		if (want != NULL)
			assert_memory_equal(buf, want + *got, (size_t)n);
		*got += (size_t)n;
	}
	assert_int_equal(vault_read(r, buf, sizeof(buf)), n);	/* sticky */
	vault_close(r);
	return (int)n;
}

static size_t
file_size(const char *name)
{
	struct stat	 st;

	assert_int_equal(stat(path_of(name), &st), 0);
	return (size_t)st.st_size;
}

static void
flip(const char *name, off_t off)
{
	unsigned char	 c;
	int		 fd;

	assert_true((fd = open(path_of(name), O_RDWR)) != -1);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x10;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

static void
append(const char *name, const void *p, size_t n)
{
	int	 fd;

	assert_true((fd = open(path_of(name), O_WRONLY | O_APPEND)) != -1);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static void
copy_file(const char *from, const char *to)
{
	size_t		 n = file_size(from);
	unsigned char	*p;
	int		 fd;

	assert_non_null(p = arena_alloc(&ar, n));
	assert_true((fd = open(path_of(from), O_RDONLY)) != -1);
	assert_int_equal(read(fd, p, n), (ssize_t)n);
	close(fd);
	assert_true((fd = open(path_of(to), O_WRONLY | O_CREAT | O_EXCL,
	    0600)) != -1);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static void
make_file(const char *name, time_t age)
{
	struct timespec	 ts[2];
	int		 fd;

	assert_true((fd = open(path_of(name), O_WRONLY | O_CREAT | O_EXCL,
	    0600)) != -1);
	close(fd);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - age;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path_of(name), ts, 0), 0);
}

static void
roundtrip(size_t n)
{
	struct vault_reader	*r;
	unsigned char		*p;
	char			 name[VAULT_NAMELEN + 1];
	size_t			 got, size;

	p = store(n, name);
	assert_int_equal(read_all(name, key, p, &got), 0);
	assert_int_equal(got, n);
	assert_non_null(r = vault_open(&ar, dir, name, key));
	assert_int_equal(vault_verify(r, &size), 0);
	assert_int_equal(size, n);
	vault_close(r);
	assert_int_equal(file_size(name),
	    HEAD + (n / CHUNK + 1) * (CCHUNK - CHUNK) + n);
}

static void
test_rt_0(void **state)
{
	(void)state;
	roundtrip(0);
}

static void
test_rt_1(void **state)
{
	(void)state;
	roundtrip(1);
}

static void
test_rt_65535(void **state)
{
	(void)state;
	roundtrip(65535);
}

static void
test_rt_65536(void **state)
{
	(void)state;
	roundtrip(65536);
}

static void
test_rt_65537(void **state)
{
	(void)state;
	roundtrip(65537);
}

static void
test_rt_big(void **state)
{
	(void)state;
	roundtrip(3 * 65536 + 5);
}

static void
test_key(void **state)
{
	unsigned char	 m[32], k1[VAULT_KEYBYTES], k2[VAULT_KEYBYTES];

	(void)state;
	memset(m, 0x42, sizeof(m));
	vault_key(m, k1);
	assert_memory_equal(k1, key, sizeof(k1));	/* deterministic */
	assert_memory_not_equal(k1, m, sizeof(k1));
	m[31] ^= 1;
	vault_key(m, k2);
	assert_memory_not_equal(k1, k2, sizeof(k1));
}

static void
test_verify_rewind(void **state)
{
	struct vault_reader	*r;
	unsigned char		*p, *q;
	char			 name[VAULT_NAMELEN + 1];
	size_t			 n = 2 * CHUNK + 333, size, got;
	ssize_t			 k;

	(void)state;
	p = store(n, name);
	assert_non_null(q = arena_alloc(&ar, n + 1));
	assert_non_null(r = vault_open(&ar, dir, name, key));
	/* a partial read, then verify still covers the whole file */
	assert_int_equal(vault_read(r, q, 10), 10);
	assert_int_equal(vault_verify(r, &size), 0);
	assert_int_equal(size, n);
	assert_int_equal(vault_read(r, q, n), 0);	/* at the end */
	assert_int_equal(vault_rewind(r), 0);
	for (got = 0; (k = vault_read(r, q + got, n + 1 - got)) > 0; )
		got += (size_t)k;
	assert_int_equal(k, 0);
	assert_int_equal(got, n);
	assert_memory_equal(p, q, n);
	assert_int_equal(vault_rewind(r), 0);
	assert_int_equal(vault_read(r, q, 5), 5);
	assert_memory_equal(p, q, 5);
	vault_close(r);
	vault_close(r);		/* idempotent */
	assert_int_equal(vault_read(r, q, 5), -1);
}

static void
test_on_disk(void **state)
{
	struct vault_writer	*w;
	struct stat		 st;
	unsigned char		*p, *c;
	char			 name[VAULT_NAMELEN + 1];
	char			 name2[VAULT_NAMELEN + 1];
	size_t			 i, n = 5000;
	int			 fd;

	(void)state;
	assert_non_null(p = arena_alloc(&ar, n));
	memset(p, 'A', n);	/* a plaintext easy to look for */
	assert_non_null(w = vault_create(&ar, dir, key));
	assert_int_equal(vault_write(w, p, n), 0);
	memcpy(name, vault_name(w), sizeof(name));
	assert_int_equal(vault_commit(w), 0);
	assert_int_equal(strlen(name), VAULT_NAMELEN);
	for (i = 0; i < VAULT_NAMELEN; i++)
		assert_non_null(strchr("0123456789abcdef", name[i]));
	assert_int_equal(count_dir(), 1);	/* no temp left */
	assert_int_equal(stat(path_of(name), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(c = arena_alloc(&ar, (size_t)st.st_size));
	assert_true((fd = open(path_of(name), O_RDONLY)) != -1);
	assert_int_equal(read(fd, c, (size_t)st.st_size), st.st_size);
	close(fd);
	assert_memory_equal(c, "SSTSATT1", 8);
	assert_null(memmem(c, (size_t)st.st_size, p, 16));
	store(1, name2);
	assert_string_not_equal(name, name2);
}

/* Truncation at off: no complete read, nothing from a broken chunk. */
static void
truncated(size_t n, off_t off)
{
	unsigned char	*p;
	char		 name[VAULT_NAMELEN + 1];
	size_t		 got, good;
	int		 rc;

	clean_dir();
	p = store(n, name);
	assert_int_equal(truncate(path_of(name), off), 0);
	rc = read_all(name, key, p, &got);
	if (off < (off_t)HEAD) {
		assert_int_equal(rc, -2);
		return;
	}
	assert_int_equal(rc, -1);
	/* only chunks entirely before off may have been returned */
	good = ((size_t)off - HEAD) / CCHUNK * CHUNK;
	assert_true(got <= good && got <= n);
	if (good < n)
		assert_int_equal(got, good);
}

static void
test_truncate(void **state)
{
	static const off_t	 offs[] = {
		0, 1, 7, 8, 20, HEAD - 1, HEAD, HEAD + 1, HEAD + 16, HEAD + 17,
		HEAD + 1000, HEAD + CCHUNK - 1, HEAD + CCHUNK,
		HEAD + CCHUNK + 1, HEAD + 2 * CCHUNK, HEAD + 2 * CCHUNK + 50,
		HEAD + 3 * CCHUNK,	/* drops the final chunk entirely */
		HEAD + 3 * CCHUNK + 17 + 4, /* one byte short */
	};
	size_t	 i, n = 3 * CHUNK + 5;

	(void)state;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		truncated(n, offs[i]);
}

static void
test_truncate_empty_final(void **state)
{
	(void)state;
	/* 65536 bytes: one full chunk and an empty TAG_FINAL chunk */
	truncated(CHUNK, HEAD + CCHUNK);
	truncated(CHUNK, HEAD + CCHUNK + 16);
	truncated(0, HEAD);
	truncated(0, HEAD + 16);
}

static void
test_bitflip(void **state)
{
	static const off_t	 offs[] = {
		0, 7, 8, 31, HEAD, HEAD + 500, HEAD + CCHUNK - 1,
		HEAD + CCHUNK, HEAD + CCHUNK + 1, HEAD + 2 * CCHUNK + 3,
	};
	char	 name[VAULT_NAMELEN + 1];
	unsigned char	*p;
	size_t	 i, got, n = 2 * CHUNK + 20;

	(void)state;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		clean_dir();
		p = store(n, name);
		flip(name, offs[i]);
		if (offs[i] < 8) {
			assert_int_equal(read_all(name, key, p, &got), -2);
			continue;
		}
		assert_int_equal(read_all(name, key, p, &got), -1);
		assert_int_equal(got, offs[i] < (off_t)HEAD ? 0 :
		    ((size_t)offs[i] - HEAD) / CCHUNK * CHUNK);
	}
}

static void
test_append(void **state)
{
	static const size_t	 sizes[] = {
		0, 1, CHUNK - 1, CHUNK, CHUNK + 1
	};
	char		 name[VAULT_NAMELEN + 1];
	unsigned char	*p, junk[CCHUNK];
	size_t		 i, got;

	(void)state;
	memset(junk, 0, sizeof(junk));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		clean_dir();
		p = store(sizes[i], name);
		append(name, "x", 1);
		assert_int_equal(read_all(name, key, p, &got), -1);
		assert_int_equal(got, sizes[i] / CHUNK * CHUNK);
		clean_dir();
		p = store(sizes[i], name);
		append(name, junk, sizeof(junk));
		assert_int_equal(read_all(name, key, p, &got), -1);
	}
}

static void
test_name_binding(void **state)
{
	char		 name[VAULT_NAMELEN + 1], other[VAULT_NAMELEN + 1];
	unsigned char	*p;
	size_t		 got;

	(void)state;
	p = store(100, name);
	memcpy(other, name, sizeof(other));
	other[0] = other[0] == 'a' ? 'b' : 'a';
	copy_file(name, other);
	assert_int_equal(read_all(other, key, p, &got), -1);
	assert_int_equal(got, 0);
	assert_int_equal(read_all(name, key, p, &got), 0);
}

static void
test_wrong_key(void **state)
{
	unsigned char	 k2[VAULT_KEYBYTES], *p;
	char		 name[VAULT_NAMELEN + 1];
	size_t		 got;

	(void)state;
	p = store(CHUNK + 10, name);
	memcpy(k2, key, sizeof(k2));
	k2[0] ^= 1;
	assert_int_equal(read_all(name, k2, p, &got), -1);
	assert_int_equal(got, 0);
}

static void
test_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "../x", "a/b", "0123456789abcdef0123456789abcde",
		"0123456789abcdef0123456789abcdef0",
		"0123456789ABCDEF0123456789abcdef",
		"0123456789abcdef0123456789abcdeg",
		"../3456789abcdef0123456789abcdef",
		".tmp-0123456789abcdef0123456789abcdef",
		"0123456789abcdef\0" "0123456789abcdef",
		" 123456789abcdef0123456789abcdef",
	};
	size_t	 i;
	int	 fd;

	(void)state;
	/* an existing file under a bad name is still refused */
	fd = open(path_of(bad[5]), O_WRONLY | O_CREAT, 0600);
	assert_true(fd != -1);
	close(fd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(vault_open(&ar, dir, bad[i], key));
		assert_int_equal(errno, EINVAL);
		errno = 0;
		assert_int_equal(vault_remove(dir, bad[i]), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_null(vault_open(&ar, dir, NULL, key));
	assert_int_equal(count_dir(), 1);
	/* a valid name that does not exist */
	assert_null(vault_open(&ar, dir, "0123456789abcdef0123456789abcdef",
	    key));
	assert_int_equal(errno, ENOENT);
}

static void
test_remove(void **state)
{
	char	 name[VAULT_NAMELEN + 1];

	(void)state;
	store(10, name);
	assert_int_equal(vault_remove(dir, name), 0);
	assert_int_equal(count_dir(), 0);
	assert_int_equal(vault_remove(dir, name), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_abort(void **state)
{
	struct vault_writer	*w;

	(void)state;
	assert_non_null(w = vault_create(&ar, dir, key));
	assert_int_equal(count_dir(), 1);
	assert_int_equal(vault_write(w, "hello", 5), 0);
	vault_abort(w);
	assert_int_equal(count_dir(), 0);
	vault_abort(w);
	vault_abort(NULL);
	assert_int_equal(vault_write(w, "x", 1), -1);
	assert_int_equal(vault_commit(w), -1);
	assert_int_equal(count_dir(), 0);
}

static void
test_commit_twice(void **state)
{
	struct vault_writer	*w;
	char			 name[VAULT_NAMELEN + 1];
	size_t			 got;

	(void)state;
	assert_non_null(w = vault_create(&ar, dir, key));
	assert_int_equal(vault_write(w, "hello", 5), 0);
	memcpy(name, vault_name(w), sizeof(name));
	assert_int_equal(vault_commit(w), 0);
	assert_int_equal(vault_commit(w), -1);
	assert_int_equal(vault_write(w, "x", 1), -1);
	vault_abort(w);
	assert_int_equal(count_dir(), 1);
	assert_int_equal(read_all(name, key, (const unsigned char *)"hello",
	    &got), 0);
	assert_int_equal(got, 5);
}

static void
test_commit_fail(void **state)
{
	struct vault_writer	*w;
	char			*sub, name[VAULT_NAMELEN + 1];
	int			 fd;

	(void)state;
	sub = arena_printf(&ar, "%s/missing", dir);
	errno = 0;
	assert_null(vault_create(&ar, sub, key));
	assert_int_equal(errno, ENOENT);
	make_file("plain", 0);
	errno = 0;
	assert_null(vault_create(&ar, path_of("plain"), key));
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(unlink(path_of("plain")), 0);
	assert_int_equal(count_dir(), 0);
	/* the final name already exists: commit fails, the file stays */
	assert_non_null(w = vault_create(&ar, dir, key));
	assert_int_equal(vault_write(w, "secret", 6), 0);
	memcpy(name, vault_name(w), sizeof(name));
	assert_true((fd = open(path_of(name), O_WRONLY | O_CREAT | O_EXCL,
	    0600)) != -1);
	assert_int_equal(write(fd, "mine", 4), 4);
	close(fd);
	assert_int_equal(vault_commit(w), -1);
	assert_int_equal(errno, EEXIST);
	vault_abort(w);
	assert_int_equal(count_dir(), 1);
	assert_int_equal(file_size(name), 4);
}

/* Writes a file by hand with the given tags and chunk sizes. */
static void
craft(const char *name, const unsigned char *tags, const size_t *lens,
    size_t n)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char		 hdr[HEAD], *m, *c;
	unsigned long long	 clen;
	size_t			 i;
	int			 fd;

	assert_non_null(m = arena_calloc(&ar, 1, CHUNK + 1));
	assert_non_null(c = arena_alloc(&ar, CCHUNK + 1));
	memcpy(hdr, "SSTSATT1", 8);
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr + 8, key);
	assert_true((fd = open(path_of(name), O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) != -1);
	assert_int_equal(write(fd, hdr, HEAD), HEAD);
	for (i = 0; i < n; i++) {
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, m,
		    lens[i], (const unsigned char *)name, VAULT_NAMELEN,
		    tags[i]);
		assert_int_equal(write(fd, c, clen), (ssize_t)clen);
	}
	close(fd);
}

static void
test_tag_order(void **state)
{
	const unsigned char	 M = TAG_MESSAGE, F = TAG_FINAL, P = TAG_PUSH;
	const char		*name = "00112233445566778899aabbccddeeff";
	unsigned char		 tags[3];
	size_t			 lens[3], got;

	(void)state;
	/* the reference: one full chunk, then a final one */
	tags[0] = M, lens[0] = CHUNK, tags[1] = F, lens[1] = 3;
	craft(name, tags, lens, 2);
	assert_int_equal(read_all(name, key, NULL, &got), 0);
	assert_int_equal(got, CHUNK + 3);
	/* no final chunk at all */
	craft(name, tags, lens, 1);
	assert_int_equal(read_all(name, key, NULL, &got), -1);
	assert_int_equal(got, CHUNK);
	/* FINAL, then MESSAGE */
	tags[0] = F, lens[0] = 5, tags[1] = M, lens[1] = 5;
	craft(name, tags, lens, 2);
	assert_int_equal(read_all(name, key, NULL, &got), -1);
	assert_int_equal(got, 0);
	/* FINAL twice */
	tags[1] = F;
	craft(name, tags, lens, 2);
	assert_int_equal(read_all(name, key, NULL, &got), -1);
	/* a short MESSAGE chunk before the final one */
	tags[0] = M, lens[0] = 100, tags[1] = F, lens[1] = 1;
	craft(name, tags, lens, 2);
	assert_int_equal(read_all(name, key, NULL, &got), -1);
	assert_int_equal(got, 0);
	/* a PUSH tag */
	tags[0] = P, lens[0] = CHUNK, tags[1] = F, lens[1] = 1;
	craft(name, tags, lens, 2);
	assert_int_equal(read_all(name, key, NULL, &got), -1);
	assert_int_equal(got, 0);
}

static void
test_chunk_swap(void **state)
{
	char		 name[VAULT_NAMELEN + 1];
	unsigned char	*p, *a, *b;
	size_t		 got;
	int		 fd;

	(void)state;
	p = store(3 * CHUNK + 5, name);
	assert_non_null(a = arena_alloc(&ar, CCHUNK));
	assert_non_null(b = arena_alloc(&ar, CCHUNK));
	assert_true((fd = open(path_of(name), O_RDWR)) != -1);
	assert_int_equal(pread(fd, a, CCHUNK, HEAD + CCHUNK), CCHUNK);
	assert_int_equal(pread(fd, b, CCHUNK, HEAD + 2 * CCHUNK), CCHUNK);
	assert_int_equal(pwrite(fd, b, CCHUNK, HEAD + CCHUNK), CCHUNK);
	assert_int_equal(pwrite(fd, a, CCHUNK, HEAD + 2 * CCHUNK), CCHUNK);
	close(fd);
	assert_int_equal(read_all(name, key, p, &got), -1);
	assert_int_equal(got, CHUNK);
}

static void
test_sticky(void **state)
{
	struct vault_reader	*r;
	char			 name[VAULT_NAMELEN + 1];
	unsigned char		 buf[16];
	size_t			 size = 7;

	(void)state;
	store(CHUNK + 1, name);
	flip(name, HEAD + CCHUNK + 2);
	assert_non_null(r = vault_open(&ar, dir, name, key));
	assert_int_equal(vault_verify(r, &size), -1);
	assert_int_equal(size, 7);
	assert_int_equal(vault_rewind(r), -1);
	assert_int_equal(vault_read(r, buf, sizeof(buf)), -1);
	assert_int_equal(vault_verify(r, &size), -1);
	vault_close(r);
}

static void
test_not_regular(void **state)
{
	const char	*name = "ffeeddccbbaa99887766554433221100";
	char		 real[VAULT_NAMELEN + 1];

	(void)state;
	assert_int_equal(mkfifo(path_of(name), 0600), 0);
	assert_null(vault_open(&ar, dir, name, key));	/* no hang */
	assert_int_equal(unlink(path_of(name)), 0);
	store(10, real);
	assert_int_equal(symlink(path_of(real), path_of(name)), 0);
	assert_null(vault_open(&ar, dir, name, key));
	assert_int_equal(errno, ELOOP);
}

static int
known(void *ctx, const char *name)
{
	return strcmp(ctx, name) == 0;
}

static void
test_sweep(void **state)
{
	static const char *const keep[] = {
		".tmp-11111111111111111111111111111111",	/* young */
		"22222222222222222222222222222222",		/* young */
		"33333333333333333333333333333333",		/* known */
		"foo", ".tmp-xyz", ".tmp-4444444444444444444444444444444",
		"4444444444444444444444444444444A", ".tmp-", "README",
	};
	const char	*sub = "55555555555555555555555555555555";
	const char	*lnk = "66666666666666666666666666666666";
	struct timespec	 ts[2];
	size_t		 i;

	(void)state;
	make_file(".tmp-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7200);
	make_file("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 7200);
	make_file(keep[0], 10);
	make_file(keep[1], 10);
	for (i = 2; i < sizeof(keep) / sizeof(keep[0]); i++)
		make_file(keep[i], 7200);
	assert_int_equal(mkdir(path_of(sub), 0700), 0);
	make_file("target", 7200);
	assert_int_equal(symlink("target", path_of(lnk)), 0);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 7200;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path_of(sub), ts, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, path_of(lnk), ts,
	    AT_SYMLINK_NOFOLLOW), 0);

	assert_int_equal(vault_sweep(dir, known, (void *)keep[2], 3600), 2);
	assert_int_equal(count_dir(), sizeof(keep) / sizeof(keep[0]) + 3);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_int_equal(access(path_of(keep[i]), F_OK), 0);
	assert_int_equal(access(path_of("target"), F_OK), 0);
	assert_int_equal(vault_sweep(dir, known, (void *)keep[2], 3600), 0);
	/* min_age 0: the young ones go too */
	assert_int_equal(vault_sweep(dir, known, (void *)keep[2], 0), 2);
	assert_int_equal(rmdir(path_of(sub)), 0);
	assert_int_equal(vault_sweep(path_of("nonexistent"), known,
	    (void *)keep[2], 0), -1);
}

static void
test_sweep_real(void **state)
{
	struct vault_writer	*w;
	char			 name[VAULT_NAMELEN + 1];

	(void)state;
	store(10, name);
	assert_non_null(w = vault_create(&ar, dir, key));
	assert_int_equal(vault_sweep(dir, known, name, 3600), 0);
	assert_int_equal(vault_sweep(dir, known, name, 0), 1);	/* the temp */
	assert_int_equal(vault_commit(w), -1);	/* its temp is gone */
	vault_abort(w);
	assert_int_equal(count_dir(), 1);
	assert_int_equal(vault_sweep(dir, known, "", 0), 1);
	assert_int_equal(count_dir(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_rt_0),
		T(test_rt_1),
		T(test_rt_65535),
		T(test_rt_65536),
		T(test_rt_65537),
		T(test_rt_big),
		T(test_key),
		T(test_verify_rewind),
		T(test_on_disk),
		T(test_truncate),
		T(test_truncate_empty_final),
		T(test_bitflip),
		T(test_append),
		T(test_name_binding),
		T(test_wrong_key),
		T(test_bad_names),
		T(test_remove),
		T(test_abort),
		T(test_commit_twice),
		T(test_commit_fail),
		T(test_tag_order),
		T(test_chunk_swap),
		T(test_sticky),
		T(test_not_regular),
		T(test_sweep),
		T(test_sweep_real),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
