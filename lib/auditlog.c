/*
 * SSTS - reading the audit log: the admin's filtered list, its CSV
 * export, and the verifier of the hash chain (see lib/auditlog.h and
 * sql/007_audit_chain.sql).  The verifier recomputes every link's
 * hash here, with libsodium, from the row's canonical content as the
 * database prints it, and follows the links in order.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "ssts.h"
#include "auditlog.h"
#include "export.h"

const struct field_spec auditlog_specs[AL__MAX] = {
	/* AL_ENTITY_TYPE */	{ "entity_type", VALID_LINE, 0, 64, 0, 0, 0 },
	/* AL_ENTITY_ID */	{ "entity_id", VALID_ID, 0, 20, 0, 0, 0 },
	/* AL_ACTION */		{ "action", VALID_LINE, 0, 64, 0, 0, 0 },
	/* AL_USER_ID */	{ "user_id", VALID_ID, 0, 20, 0, 0, 0 },
	/* AL_FROM */		{ "from", VALID_LINE, 0, 32, 0, 0, 0 },
	/* AL_TO */		{ "to", VALID_LINE, 0, 32, 0, 0, 0 },
	/* AL_PAGE */		{ "page", VALID_INT, 0, 9, 1, 100000000, 0 },
	/* AL_LIMIT */		{ "limit", VALID_INT, 0, 4, 1, 100, 0 },
};

/* Entity types and actions are lower-case words: anything else matches nothing. */
static int
is_word(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return 0;
	return 1;
}

const char *
auditlog_when(struct arena *a, const char *s, int end)
{
	struct tm	 tm, back;
	const char	*rest;
	int		 us = 0;

	memset(&tm, 0, sizeof(tm));
	if ((rest = strptime(s, "%Y-%m-%d", &tm)) == NULL || rest - s != 10)
		return NULL;
	if (*rest == '\0' && end) {
		tm.tm_hour = 23, tm.tm_min = 59, tm.tm_sec = 59;
		us = 999999;
	} else if (*rest != '\0') {
		if (*rest != 'T' || (rest = strptime(rest + 1, "%H:%M:%S",
		    &tm)) == NULL)
			return NULL;
		/* An end covers the whole second or millisecond it names:
		 * the time a row shows (ms) includes that row. */
		us = end ? 999999 : 0;
		if (rest[0] == '.' && strspn(rest + 1, "0123456789") == 3) {
			us = ((rest[1] - '0') * 100 + (rest[2] - '0') * 10 +
			    (rest[3] - '0')) * 1000 + (end ? 999 : 0);
			rest += 4;
		}
		if (strcmp(rest, "Z") != 0)
			return NULL;
	}
	back = tm;
	if (tm.tm_year < 70 || tm.tm_year > 8099 || timegm(&back) == -1 ||
	    back.tm_mday != tm.tm_mday || back.tm_mon != tm.tm_mon ||
	    back.tm_hour != tm.tm_hour || back.tm_min != tm.tm_min ||
	    back.tm_sec != tm.tm_sec)
		return NULL;
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, us);
}

size_t
auditlog_filter(struct req *r, struct field *f, int64_t deflimit,
    struct al_filter *out)
{
	size_t		 bad = req_fields(r, auditlog_specs, AL__MAX, f);
	const char	*v;
	int		 k;

	memset(out, 0, sizeof(*out));
	for (k = AL_ENTITY_TYPE; k <= AL_USER_ID; k++)
		out->p[k] = field_value(&f[k]);
	if ((v = out->p[AL_ENTITY_TYPE]) != NULL && !is_word(v))
		f[AL_ENTITY_TYPE].err = "must be a word such as ticket or user",
		    bad++;
	if ((v = out->p[AL_ACTION]) != NULL && !is_word(v))
		f[AL_ACTION].err = "must be a word such as created or updated",
		    bad++;
	for (k = AL_FROM; k <= AL_TO; k++)
		if ((v = field_value(&f[k])) != NULL &&
		    (out->p[k] = auditlog_when(&r->arena, v, k == AL_TO)) == NULL)
			f[k].err = "must be a date (YYYY-MM-DD) or a UTC time"
			    " (YYYY-MM-DDTHH:MM:SSZ)", bad++;
	if (out->p[AL_FROM] != NULL && out->p[AL_TO] != NULL &&
	    strcmp(out->p[AL_FROM], out->p[AL_TO]) > 0)
		f[AL_TO].err = "must not be before the start", bad++;
	out->page = field_value(&f[AL_PAGE]) ? f[AL_PAGE].num : 1;
	out->limit = field_value(&f[AL_LIMIT]) ? f[AL_LIMIT].num : deflimit;
	return bad;
}

/* No filter but the page: the total is the chain's length. */
static int
auditlog_unfiltered(const struct al_filter *flt)
{
	size_t	 k;

	for (k = 0; k < sizeof(flt->p) / sizeof(flt->p[0]); k++)
		if (flt->p[k] != NULL)
			return 0;
	return 1;
}

cJSON *
auditlog_list(struct req *r, const struct al_filter *flt)
{
	char		 lim[24], off[24];
	const char	*p[8];
	struct rows	 rs, cnt;
	cJSON		*env, *logs;

	memcpy(p, flt->p, sizeof(flt->p));
	snprintf(lim, sizeof(lim), "%lld", (long long)flt->limit);
	snprintf(off, sizeof(off), "%lld",
	    (long long)((flt->page - 1) * flt->limit));
	p[6] = lim;
	p[7] = off;
	if (db_run(r, STMT_AUDIT_LIST, p, &rs) != CORE_OK || rs.n != 1 ||
	    db_run(r, auditlog_unfiltered(flt) ? STMT_AUDIT_COUNT_ALL :
	    STMT_AUDIT_COUNT, p, &cnt) != CORE_OK || cnt.n != 1 ||
	    (logs = cJSON_Parse(ROW(&rs, 0, 0))) == NULL)
		return NULL;
	env = req_own(r, cJSON_CreateObject());
	cJSON_AddItemToObject(env, "logs", logs);
	cJSON_AddNumberToObject(env, "total", strtod(ROW(&cnt, 0, 0), NULL));
	cJSON_AddNumberToObject(env, "page", (double)flt->page);
	cJSON_AddNumberToObject(env, "limit", (double)flt->limit);
	return env;
}

/* ---- export ------------------------------------------------------------ */

static const char *const export_head[] = { "id", "created_at", "action",
    "entity_type", "entity_id", "performed_by", "performer_name",
    "performer_email", "ip_address", "user_agent", "payload", "chain_seq",
    "row_hash" };
#define EXPORT_COLS	(sizeof(export_head) / sizeof(export_head[0]))

void
auditlog_export(struct req *r, const struct al_filter *flt)
{
	export_csv(r, STMT_AUDIT_EXPORT, flt->p, export_head, EXPORT_COLS,
	    "audit");
}

/* ---- the chain --------------------------------------------------------- */

struct walk {
	struct al_verdict *v;
	int64_t		 next;		/* the seq expected */
	unsigned char	 prev[32];	/* the hash the next link must carry */
};

static int
hex32(unsigned char out[32], const char *hex)
{
	size_t	 n = 0;

	return hex == NULL || sodium_hex2bin(out, 32, hex, strlen(hex), NULL,
	    &n, NULL) != 0 || n != 32 ? -1 : 0;
}

static int
walk_broken(struct walk *w, const char *why)
{
	w->v->ok = 0;
	w->v->reason = why;
	return 1;
}

/* One link: seq, audit_id, prev_hash, row_hash, row present, content. */
static int
walk_link(struct req *r, const struct rows *rs, void *ctx)
{
	struct walk	*w = ctx;
	unsigned char	 prev[32], row[32], h[32];
	const char	*content = ROW(rs, 0, 5);
	crypto_hash_sha256_state st;

	(void)r;
	if (parse_int64(ROW(rs, 0, 0), 1, INT64_MAX, &w->v->seq) != 0 ||
	    parse_int64(ROW(rs, 0, 1), 1, INT64_MAX, &w->v->audit_id) != 0 ||
	    hex32(prev, ROW(rs, 0, 2)) != 0 || hex32(row, ROW(rs, 0, 3)) != 0)
		return walk_broken(w, "a link cannot be read");
	if (w->v->seq != w->next)
		return walk_broken(w, "a link is missing before this one");
	if (memcmp(prev, w->prev, sizeof(prev)) != 0)
		return walk_broken(w, "the link does not follow the previous one");
	if (ROW(rs, 0, 4) == NULL || content == NULL)
		return walk_broken(w, "the audit row of this link is missing");
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, sizeof(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)content,
	    strlen(content));
	crypto_hash_sha256_final(&st, h);
	if (sodium_memcmp(h, row, sizeof(h)) != 0)
		return walk_broken(w, "the audit row was changed");
	memcpy(w->prev, row, sizeof(row));
	w->next++;
	w->v->links++;
	return 0;
}

enum core_err
auditlog_verify(struct req *r, struct al_verdict *v)
{
	struct walk	 w;
	struct rows	 rs;
	enum core_err	 rc;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	w.v = v;
	w.next = 1;
	v->ok = 1;
	if ((rc = db_stream(r, STMT_AUDIT_CHAIN_WALK, NULL, walk_link, &w)) !=
	    CORE_OK)
		return rc;
	if (!v->ok)
		return CORE_OK;
	if ((rc = db_run(r, STMT_AUDIT_UNCHAINED, NULL, &rs)) != CORE_OK)
		return rc;
	if (rs.n > 0) {
		v->ok = 0;
		v->seq = 0;
		v->reason = "an audit row has no link";
		return parse_int64(ROW(&rs, 0, 0), 1, INT64_MAX,
		    &v->audit_id) == 0 ? CORE_OK : CORE_EDB;
	}
	v->seq = w.next - 1;
	sodium_bin2hex(v->hash, sizeof(v->hash), w.prev, sizeof(w.prev));
	return CORE_OK;
}

cJSON *
auditlog_verdict_json(struct req *r, const struct al_verdict *v)
{
	cJSON	*j = req_own(r, cJSON_CreateObject()), *o;
	char	 n[24];

	cJSON_AddBoolToObject(j, "ok", v->ok);
	cJSON_AddNumberToObject(j, "links", (double)v->links);
	o = cJSON_AddObjectToObject(j, v->ok ? "head" : "broken");
	snprintf(n, sizeof(n), "%lld", (long long)v->seq);
	cJSON_AddStringToObject(o, "seq", n);
	if (v->ok) {
		cJSON_AddStringToObject(o, "hash", v->hash);
		return j;
	}
	snprintf(n, sizeof(n), "%lld", (long long)v->audit_id);
	cJSON_AddStringToObject(o, "audit_id", n);
	cJSON_AddStringToObject(o, "reason", v->reason);
	return j;
}
