/*
 * SSTS - reading the audit log (lib/auditlog.c): the admin's filtered
 * list, its CSV export, and the verifier of the hash chain that
 * sql/007_audit_chain.sql keeps (one link per committed row:
 * row_hash = sha256(prev_hash || audit_content(row, seq))).  Writing
 * rows is audit_log() in lib/audit.c.
 */
#ifndef SSTS_AUDITLOG_H
#define SSTS_AUDITLOG_H

/* The list's query parameters, in the order of auditlog_specs. */
enum al_key {
	AL_ENTITY_TYPE = 0,
	AL_ENTITY_ID,
	AL_ACTION,
	AL_USER_ID,
	AL_FROM,		/* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.mmm]Z */
	AL_TO,			/* inclusive; a date means its whole day */
	AL_PAGE,
	AL_LIMIT,
	AL__MAX
};

extern const struct field_spec auditlog_specs[AL__MAX];

struct al_filter {
	const char	*p[6];		/* statement parameters, NULL = any */
	int64_t		 page;		/* from 1 */
	int64_t		 limit;		/* 1..100 */
};

struct al_verdict {
	int		 ok;		/* the whole chain verifies */
	int64_t		 links;		/* links checked */
	int64_t		 seq;		/* ok: the head; else the first bad link */
	int64_t		 audit_id;	/* the audit row of that link */
	char		 hash[65];	/* ok: the head's hash, hex */
	const char	*reason;	/* why the chain is broken */
};

/*
 * "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.mmm]Z" as a UTC timestamp for
 * the database ("2026-01-31 23:59:59.999999+00"): its first instant,
 * or with "end" its last one (a date's last microsecond, a time's last
 * microsecond of that second or millisecond).  NULL if it is not a real
 * date and time between 1970 and 9999.
 */
const char	*auditlog_when(struct arena *, const char *, int end);
/*
 * Reads and checks the filters ("limit" defaults to deflimit); fills
 * "f" (AL__MAX fields, for re-rendering a form) and returns the number
 * of invalid ones.
 */
size_t		 auditlog_filter(struct req *, struct field *f, int64_t deflimit,
		    struct al_filter *);
/* {"logs":[...],"total":N,"page":P,"limit":L}; NULL if the database failed. */
cJSON		*auditlog_list(struct req *, const struct al_filter *);
/* Streams the matching rows as CSV (every row, newest first). */
void		 auditlog_export(struct req *, const struct al_filter *);
/* Walks the whole chain; CORE_OK when it could be read (see v->ok). */
enum core_err	 auditlog_verify(struct req *, struct al_verdict *v);
/* The verdict in the API's shape. */
cJSON		*auditlog_verdict_json(struct req *, const struct al_verdict *);

#endif /* SSTS_AUDITLOG_H */
