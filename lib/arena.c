/*
 * SSTS - per-request memory.  Every allocation made while serving one
 * request comes from the request's arena, which is reset in one place
 * (req_finish), so a persistent FastCGI worker cannot leak by forgetting
 * a free.  Allocations past the arena's cap are refused (NULL), which
 * bounds what one request may cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssts.h"

#define ARENA_CHUNK	(64 * 1024)
#define ARENA_ALIGN	16

struct arena_chunk {
	struct arena_chunk	*next;	/* older chunk */
	size_t			 size;	/* usable bytes in data */
	size_t			 off;	/* first free byte */
	_Alignas(16) unsigned char data[];	/* ARENA_ALIGN-aligned */
};

static struct arena_chunk *
chunk_new(size_t size)
{
	struct arena_chunk	*c;

	if ((c = malloc(sizeof(*c) + size)) == NULL)
		abort();	/* OOM: the x* family aborts */
	c->next = NULL;
	c->size = size;
	c->off = 0;
	return c;
}

void
arena_init(struct arena *a, size_t cap)
{
	a->head = NULL;
	a->used = 0;
	a->cap = cap;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c;
	size_t			 need, size;
	void			*p;

	if (n == 0)
		n = 1;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n || need > a->cap || a->used > a->cap - need)
		return NULL;
	c = a->head;
	if (c == NULL || c->size - c->off < need) {
		size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = chunk_new(size);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}

void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		return NULL;
	if ((p = arena_alloc(a, n * sz)) != NULL)
		memset(p, 0, n * sz);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Frees every chunk but the first-allocated one, which is kept for reuse. */
void
arena_reset(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->head; c != NULL && c->next != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = c;
	if (c != NULL) {
		if (c->size > ARENA_CHUNK) {	/* never keep a huge chunk */
			free(c);
			a->head = NULL;
		} else
			c->off = 0;
	}
	a->used = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}
