/*
 * SSTS - the key/value list every request parser fills.  The list lives
 * in the request arena and never holds more than KV_MAX_PAIRS pairs,
 * whatever the number of sources (query string, form or JSON body).
 */
#include <string.h>

#include "ssts.h"
#include "internal.h"

/*
 * Appends a pair to "l", growing its array from the arena.  The key and
 * value are stored as given (they must already live in the arena).
 * Returns CORE_OK, CORE_ETOOBIG past KV_MAX_PAIRS or CORE_ENOMEM.
 */
enum core_err
kv_append(struct arena *a, struct kvlist *l, char *key, char *val,
    size_t vlen, int json_type)
{
	struct kv	*v;
	size_t		 cap;

	if (l->n >= KV_MAX_PAIRS)
		return CORE_ETOOBIG;
	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if (cap > KV_MAX_PAIRS)
			cap = KV_MAX_PAIRS;
		if ((v = arena_calloc(a, cap, sizeof(*v))) == NULL)
			return CORE_ENOMEM;
		if (l->n > 0)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	v = &l->v[l->n++];
	v->key = key;
	v->val = val;
	v->vlen = vlen;
	v->json_type = json_type;
	return CORE_OK;
}

/* Returns the first pair named "key", or NULL. */
const struct kv *
kv_find(const struct kvlist *l, const char *key)
{
	size_t	 i;

	if (l == NULL || key == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

/* Returns how many pairs are named "key" (duplicates are the caller's call). */
size_t
kv_count(const struct kvlist *l, const char *key)
{
	size_t	 i, n = 0;

	if (l == NULL || key == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			n++;
	return n;
}
