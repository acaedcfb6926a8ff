/*
 * SSTS - the validated field table.  A handler declares the fields it
 * accepts once ({name, validator, lengths}); req_fields() fills one
 * struct field per declaration from the request's query and body, with
 * the normalised value or the reason it was refused.  Handlers read only
 * these typed values.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ssts.h"

const struct kv *
req_param(const struct req *r, const char *key)
{
	return kv_count(&r->in, key) == 1 ? kv_find(&r->in, key) : NULL;
}

/* JSON values must have the type the field expects. */
static int
json_type_ok(const struct field_spec *s, const struct kv *v)
{
	switch (s->kind) {
	case VALID_ID:
	case VALID_INT:
		return v->json_type == KV_STRING || v->json_type == KV_NUMBER;
	case VALID_BOOL:
		return v->json_type != KV_NULL;
	default:
		return v->json_type == KV_STRING;
	}
}

static void
field_fill(struct req *r, const struct field_spec *s, struct field *f)
{
	const struct kv	*v;
	size_t		 n;

	n = kv_count(&r->in, s->name);
	if (n == 0) {
		if (s->required)
			f->err = "is required";
		return;
	}
	f->present = 1;
	if (n > 1) {
		f->err = "must be given only once";
		return;
	}
	v = kv_find(&r->in, s->name);
	if (v->json_type == KV_NULL) {
		f->is_null = 1;
		if (s->required)
			f->err = "is required";
		return;
	}
	if (!json_type_ok(s, v)) {
		f->err = "has the wrong type";
		return;
	}
	f->err = valid_check(&r->arena, s, v->val, v->vlen, &f->str, &f->num);
	f->valid = f->err == NULL;
	if (!f->valid)
		f->str = arena_strndup(&r->arena, v->val,
		    strnlen(v->val, v->vlen > 1024 ? 1024 : v->vlen));
}

size_t
req_fields(struct req *r, const struct field_spec *specs, size_t n,
    struct field *out)
{
	size_t	 i, bad = 0;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		field_fill(r, &specs[i], &out[i]);
		if (out[i].err != NULL)
			bad++;
	}
	return bad;
}

const char *
field_value(const struct field *f)
{
	return f->valid && f->str != NULL && f->str[0] != '\0' ? f->str : NULL;
}

/* The current time as ISO-8601 UTC with milliseconds, e.g. for health. */
void
iso_now(char out[32])
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 s[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", s, (int)(ts.tv_nsec / 1000000));
}
