/*
 * SSTS - libFuzzer harness Z3: JSON request bodies (lib/jsonbody.c)
 * and the validators.  Oracles: a failed parse adds nothing; accepted
 * bodies give unique keys within the caps, well-typed values, agree
 * with cJSON on the member count, and every value passes the
 * validators' oracles.
 */
#include <stdint.h>

#include "fuzz-common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_kv(struct arena *a, const struct kvlist *l, size_t i)
{
	const struct kv	*v = &l->v[i];
	size_t		 j;
	char		*end;

	CHECK(strlen(v->key) <= KV_MAX_KEY);
	for (j = 0; j < i; j++)
		CHECK(strcmp(l->v[j].key, v->key) != 0);
	switch (v->json_type) {
	case KV_NULL:
		CHECK(v->val == NULL && v->vlen == 0);
		return;
	case KV_BOOL:
		CHECK(strcmp(v->val, "true") == 0 || strcmp(v->val, "false") == 0);
		break;
	case KV_NUMBER:
		(void)strtod(v->val, &end);
		CHECK(end != v->val && *end == '\0');
		break;
	case KV_STRING:
		break;
	default:
		CHECK(0);
	}
	CHECK(v->val != NULL && strlen(v->val) == v->vlen);
	fuzz_validators(a, v->val, v->vlen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct kvlist	 l;
	enum core_err	 rc;
	cJSON		*ref;
	char		*copy;
	size_t		 i;

	arena_init(&a, FUZZ_ARENA);
	memset(&l, 0, sizeof(l));
	rc = json_body_parse(&a, (const char *)data, size, &l);
	if (rc != CORE_OK) {
		CHECK(rc == CORE_EINVAL || rc == CORE_ETOOBIG ||
		    rc == CORE_EDUP);
		CHECK(l.n == 0);
		arena_free(&a);
		return 0;
	}
	CHECK(l.n <= KV_MAX_PAIRS);
	for (i = 0; i < l.n; i++)
		check_kv(&a, &l, i);
	copy = arena_strndup(&a, (const char *)data, size);
	ref = cJSON_ParseWithLengthOpts(copy, size + 1, NULL, 1);
	CHECK(cJSON_IsObject(ref));
	CHECK((size_t)cJSON_GetArraySize(ref) == l.n);
	cJSON_Delete(ref);
	arena_free(&a);
	return 0;
}
