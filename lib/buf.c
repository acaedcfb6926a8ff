/*
 * SSTS - growable text buffers in the request arena.  The first error
 * (cap exceeded, arena exhausted) is sticky: later writes are ignored and
 * the caller checks buf.err once at the end, like SQLite's sqlite3_str.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"

void
buf_init(struct buf *b, struct arena *a, size_t max)
{
	b->arena = a;
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->max = max;
	b->err = CORE_OK;
}

static int
buf_grow(struct buf *b, size_t add)
{
	size_t	 want, size;
	char	*p;

	if (b->err != CORE_OK)
		return 0;
	if (add > b->max || b->len > b->max - add) {
		b->err = CORE_ETOOBIG;
		return 0;
	}
	want = b->len + add + 1;
	if (want <= b->size)
		return 1;
	size = b->size ? b->size : 256;
	while (size < want)
		size *= 2;
	if ((p = arena_alloc(b->arena, size)) == NULL) {
		b->err = CORE_ENOMEM;
		return 0;
	}
	if (b->len > 0)
		memcpy(p, b->data, b->len);
	b->data = p;
	b->size = size;
	return 1;
}

void
buf_putn(struct buf *b, const char *s, size_t n)
{
	if (!buf_grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_putn(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_putn(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (b->err == CORE_OK)
			b->err = CORE_EINVAL;
		return;
	}
	if (!buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
buf_str(const struct buf *b)
{
	if (b->err != CORE_OK || b->data == NULL)
		return "";
	return b->data;
}
