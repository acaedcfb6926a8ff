/*
 * SSTS - attachments.  An upload is read as a stream: its text parts
 * become fields, its one "file" part goes straight into an encrypted
 * temp file while its size is counted and its first bytes kept for
 * libmagic.  Only when every check passed (ticket, size, type) is the
 * file renamed and its row written with the audit row, in one
 * transaction; a refused upload leaves neither row nor file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "attach.h"
#include "filename.h"
#include "multipart.h"
#include "sniff.h"
#include "vault.h"

#define AT_CHUNK	(64 * 1024)	/* bytes read or sent at a time */
#define AT_TEXT_MAX	(8 * 1024)	/* bytes of one text field */

struct at_upload {
	struct req		*r;
	struct vault_writer	*w;		/* the file, while not kept */
	const char		*declared;	/* its part's Content-Type */
	const char		*filename;	/* as sent */
	char			 head[SNIFF_BYTES]; /* its first bytes */
	size_t			 headlen;
	int64_t			 size;
	int			 files;		/* file parts seen */
	int			 in_file;	/* the current part is the file */
	int			 too_big;
	enum at_result		 err;		/* why a callback stopped */
	struct buf		 text;		/* the current text part */
	char			*text_name;
};

static const struct {
	int		 status;
	const char	*message;
} results[AT__MAX] = {
	[AT_OK] =	{ 200, "OK" },
	[AT_MALFORMED] = { 400, "Malformed multipart body" },
	[AT_FORBIDDEN] = { 403, "This form has expired or did not come from "
	    "this site. Please reload the page and try again." },
	[AT_NOTFOUND] =	{ 404, "Not found" },
	[AT_CLOSED] =	{ 409, "Ticket is closed" },
	[AT_NOFILE] =	{ 400, "file required" },
	[AT_TOOMANY] =	{ 400, "Only one file, in the field \"file\", "
	    "per upload" },
	[AT_TOOBIG] =	{ 413, "File too large" },
	[AT_EMPTY] =	{ 400, "File is empty" },
	[AT_BADTYPE] =	{ 400, "Invalid file type. Allowed: PNG, JPEG, GIF, "
	    "WebP, PDF and plain text" },
	[AT_MISMATCH] =	{ 400, "File content does not match its declared "
	    "type" },
	[AT_STORAGE] =	{ 507, "The file could not be stored. Please try "
	    "again later." },
	[AT_DAMAGED] =	{ 500, "The stored file is damaged and cannot be "
	    "sent" },
	[AT_DB] =	{ 503, "Service temporarily unavailable" },
};

const char *
at_message(enum at_result rc)
{
	return rc < AT__MAX ? results[rc].message : "Error";
}

int
at_status(enum at_result rc)
{
	return rc < AT__MAX ? results[rc].status : 500;
}

/* ---- receiving --------------------------------------------------------- */

static int
part_begin(void *ctx, const struct mp_part *p)
{
	struct at_upload	*u = ctx;
	struct req		*r = u->r;

	u->in_file = p->filename != NULL;
	if (!u->in_file) {
		buf_init(&u->text, &r->arena, AT_TEXT_MAX);
		u->text_name = arena_strdup(&r->arena, p->name);
		return u->text_name == NULL ? (u->err = AT_MALFORMED) : 0;
	}
	/* Nothing of a forged page form is stored, not even for a moment. */
	if (r->csrf_pending && !req_csrf_ok(r)) {
		log_event(r, "csrf check failed on %s", r->path);
		return u->err = AT_FORBIDDEN;
	}
	if (strcmp(p->name, "file") != 0 || u->files++ > 0)
		return u->err = AT_TOOMANY;
	/* RFC 7578 §4.4: a part without a type is text/plain. */
	u->declared = p->content_type ? p->content_type : "text/plain";
	u->filename = p->filename;
	if ((u->w = vault_create(&r->arena, cfg->upload_dir, cfg->att_key)) ==
	    NULL) {
		log_event(r, "upload: cannot create a file in UPLOAD_DIR: %s",
		    strerror(errno));
		return u->err = AT_STORAGE;
	}
	return 0;
}

static int
file_data(struct at_upload *u, const char *buf, size_t n)
{
	size_t	 take;

	u->size += (int64_t)n;
	if (u->too_big)
		return 0;
	/* Too big: stop storing, keep reading for the earlier checks. */
	if (u->size > cfg->max_upload) {
		u->too_big = 1;
		vault_abort(u->w);
		return 0;
	}
	take = sizeof(u->head) - u->headlen;
	if (take > n)
		take = n;
	memcpy(u->head + u->headlen, buf, take);
	u->headlen += take;
	if (vault_write(u->w, buf, n) != 0) {
		log_event(u->r, "upload: write failed: %s", strerror(errno));
		return u->err = AT_STORAGE;
	}
	return 0;
}

static int
part_data(void *ctx, const char *buf, size_t n)
{
	struct at_upload	*u = ctx;

	if (u->in_file)
		return file_data(u, buf, n);
	buf_putn(&u->text, buf, n);
	return u->text.err != CORE_OK ? (u->err = AT_MALFORMED) : 0;
}

static int
part_end(void *ctx)
{
	struct at_upload	*u = ctx;
	struct req		*r = u->r;
	char			*v;

	if (u->in_file)
		return 0;
	v = arena_strndup(&r->arena, buf_str(&u->text), u->text.len);
	if (v == NULL || kv_append(&r->arena, &r->in, u->text_name, v,
	    u->text.len, KV_STRING) != CORE_OK)
		return u->err = AT_MALFORMED;
	return 0;
}

static const struct mp_callbacks callbacks = { part_begin, part_data,
    part_end };
static const struct mp_limits limits = { .max_parts = 16,
    .max_header = 16 * 1024, .max_name = KV_MAX_KEY,
    .max_filename = 8 * 1024 };

enum at_result
at_receive(struct req *r, struct at_upload **out)
{
	struct at_upload	*u;
	struct mp		*mp;
	enum mp_err		 e;
	char			*chunk;
	ssize_t			 n;

	*out = u = arena_calloc(&r->arena, 1, sizeof(*u));
	chunk = arena_alloc(&r->arena, AT_CHUNK);
	if (u == NULL || chunk == NULL)
		return AT_MALFORMED;
	u->r = r;
	if (!r->body_stream ||
	    (mp = mp_new(&r->arena, r->content_type, &limits, &callbacks, u,
	    &e)) == NULL)
		return r->csrf_pending ? AT_FORBIDDEN : AT_MALFORMED;
	e = MP_OK;
	while (e == MP_OK && (n = req_body_read(r, chunk, AT_CHUNK)) != 0) {
		if (n < 0)
			return AT_MALFORMED;	/* the client went away */
		e = mp_feed(mp, chunk, (size_t)n);
	}
	if (e == MP_OK)
		e = mp_finish(mp);
	if (e == MP_ABORTED)
		return u->err;
	if (e != MP_OK)
		return AT_MALFORMED;
	if (r->csrf_pending && !req_csrf_ok(r)) {
		log_event(r, "csrf check failed on %s", r->path);
		return AT_FORBIDDEN;
	}
	return AT_OK;
}

void
at_discard(struct at_upload *u)
{
	if (u != NULL && u->w != NULL)
		vault_abort(u->w);
}

/* ---- keeping ----------------------------------------------------------- */

/* The checks of API.md §3.4 after the ticket's, in their order. */
static enum at_result
at_check(struct at_upload *u, const char **type)
{
	const char	*seen = NULL;

	/* A browser's file input left empty sends filename="" and no bytes. */
	if (u->files == 0 || (u->size == 0 && u->filename[0] == '\0'))
		return AT_NOFILE;
	if (u->too_big)
		return AT_TOOBIG;
	if (u->size == 0)
		return AT_EMPTY;
	if ((*type = sniff_type(u->head, u->headlen, &seen)) == NULL ||
	    !sniff_agrees(*type, u->declared)) {
		/* What was refused, for the operator (log_line cleans it). */
		log_event(u->r, "upload refused: content %s, declared %.64s",
		    seen ? seen : "?", u->declared);
		return *type == NULL ? AT_BADTYPE : AT_MISMATCH;
	}
	return AT_OK;
}

/* Parameters $1 (an id), $2 and $3 (the caller) of the visibility checks. */
static void
caller_params(struct req *r, int64_t id, char buf[2][24], const char *p[3])
{
	snprintf(buf[0], 24, "%lld", (long long)id);
	snprintf(buf[1], 24, "%lld", (long long)r->user.id);
	p[0] = buf[0];
	p[1] = role_name(r->user.role);
	p[2] = buf[1];
}

static enum at_result
at_ticket(struct req *r, int64_t tid)
{
	char		 buf[2][24];
	const char	*p[3];
	struct rows	 rs;

	caller_params(r, tid, buf, p);
	if (db_run(r, STMT_AT_TICKET, p, &rs) != CORE_OK)
		return AT_DB;
	if (rs.n != 1)
		return AT_NOTFOUND;
	return strcmp(ROW(&rs, 0, 0), "Closed") == 0 ? AT_CLOSED : AT_OK;
}

/* The row and its audit row; the file is already under its name. */
static enum at_result
at_insert(struct req *r, struct at_upload *u, int64_t tid, const char *type,
    cJSON **out)
{
	char		 t[24], size[24], uid[24];
	const char	*name = filename_clean(&r->arena, u->filename);
	const char	*p[6] = { t, vault_name(u->w), name, type, size, uid };
	struct rows	 rs;
	cJSON		*a;
	int64_t		 id;

	snprintf(t, sizeof(t), "%lld", (long long)tid);
	snprintf(size, sizeof(size), "%lld", (long long)u->size);
	snprintf(uid, sizeof(uid), "%lld", (long long)r->user.id);
	if (db_run(r, STMT_AT_INSERT, p, &rs) != CORE_OK || rs.n != 1 ||
	    parse_int64(ROW(&rs, 0, 1), 1, INT64_MAX, &id) != 0 ||
	    (*out = req_own(r, cJSON_Parse(ROW(&rs, 0, 0)))) == NULL)
		return AT_DB;
	a = req_own(r, cJSON_CreateObject());
	cJSON_AddStringToObject(a, "attachment_id", ROW(&rs, 0, 1));
	cJSON_AddStringToObject(a, "filename", name);
	cJSON_AddStringToObject(a, "size_bytes", size);
	cJSON_AddStringToObject(a, "content_type", type);
	return audit_log(r, "ticket", tid, "attachment_uploaded", r->user.id,
	    a) == CORE_OK ? AT_OK : AT_DB;
}

enum at_result
at_attach(struct req *r, struct at_upload *u, int64_t tid, cJSON **out)
{
	const char	*type = NULL;
	enum at_result	 rc;

	if ((rc = at_check(u, &type)) != AT_OK)
		return rc;
	if (vault_commit(u->w) != 0) {
		log_event(r, "upload: cannot store the file: %s",
		    strerror(errno));
		return AT_STORAGE;
	}
	/* If the transaction fails later still, the sweep removes the file. */
	if ((rc = at_insert(r, u, tid, type, out)) != AT_OK)
		vault_remove(cfg->upload_dir, vault_name(u->w));
	return rc;
}

enum at_result
at_save(struct req *r, struct at_upload *u, int64_t tid, cJSON **out)
{
	enum at_result	 rc;

	if (db_begin(r) != CORE_OK)
		return AT_DB;
	if ((rc = at_ticket(r, tid)) == AT_OK &&
	    (rc = at_attach(r, u, tid, out)) == AT_OK &&
	    db_commit(r) != CORE_OK) {
		rc = AT_DB;
		vault_remove(cfg->upload_dir, vault_name(u->w));
	}
	if (rc != AT_OK)
		db_rollback(r);
	return rc;
}

/* ---- sending ----------------------------------------------------------- */

struct at_file {
	const char	*key, *filename, *type, *size, *tid;
};

static enum at_result
at_lookup(struct req *r, int64_t aid, struct at_file *f)
{
	char		 buf[2][24];
	const char	*p[3];
	struct rows	 rs;

	caller_params(r, aid, buf, p);
	if (db_run(r, STMT_AT_GET, p, &rs) != CORE_OK)
		return AT_DB;
	if (rs.n != 1)
		return AT_NOTFOUND;
	*f = (struct at_file){ ROW(&rs, 0, 0), ROW(&rs, 0, 1), ROW(&rs, 0, 2),
	    ROW(&rs, 0, 3), ROW(&rs, 0, 4) };
	return AT_OK;
}

/* A damaged file is an event worth an audit row, not just a log line. */
static enum at_result
at_damaged(struct req *r, int64_t aid, const struct at_file *f)
{
	cJSON	*a = req_own(r, cJSON_CreateObject());
	int64_t	 tid = 0;

	log_event(r, "attachment %lld: stored file fails authentication",
	    (long long)aid);
	cJSON_AddStringToObject(a, "attachment_id", arena_printf(&r->arena,
	    "%lld", (long long)aid));
	cJSON_AddStringToObject(a, "filename", f->filename);
	parse_int64(f->tid, 1, INT64_MAX, &tid);
	audit_log(r, "ticket", tid, "attachment_damaged", r->user.id, a);
	return AT_DAMAGED;
}

static void
at_headers(struct req *r, const struct at_file *f, size_t size)
{
	int	 inl = sniff_inline(f->type);

	resp_header(r, "Content-Length", arena_printf(&r->arena, "%zu", size));
	resp_header(r, "Content-Disposition",
	    filename_disposition(&r->arena, inl, f->filename));
	resp_header(r, "Content-Security-Policy", "sandbox");
	resp_begin(r, 200, f->type);
}

enum at_result
at_send(struct req *r, int64_t aid, int preview)
{
	struct at_file		 f;
	struct vault_reader	*v;
	enum at_result		 rc;
	size_t			 size = 0;
	ssize_t			 n;
	char			*chunk;
	cJSON			*a;
	int64_t			 tid = 0;

	if ((rc = at_lookup(r, aid, &f)) != AT_OK)
		return rc;
	if (preview && !sniff_inline(f.type))
		return AT_NOTFOUND;
	/* Verified whole before the first byte goes out: never partial data. */
	if ((v = vault_open(&r->arena, cfg->upload_dir, f.key, cfg->att_key)) ==
	    NULL || vault_verify(v, &size) != 0 || vault_rewind(v) != 0 ||
	    strcmp(arena_printf(&r->arena, "%zu", size), f.size) != 0) {
		if (v != NULL)
			vault_close(v);
		return at_damaged(r, aid, &f);
	}
	/* A HEAD request or a thumbnail is not a download worth a row. */
	if (!preview && strcmp(r->method, "HEAD") != 0) {
		a = req_own(r, cJSON_CreateObject());
		cJSON_AddStringToObject(a, "attachment_id", arena_printf(
		    &r->arena, "%lld", (long long)aid));
		cJSON_AddStringToObject(a, "filename", f.filename);
		parse_int64(f.tid, 1, INT64_MAX, &tid);
		if (audit_log(r, "ticket", tid, "attachment_downloaded",
		    r->user.id, a) != CORE_OK) {
			vault_close(v);
			return AT_DB;
		}
	}
	at_headers(r, &f, size);
	chunk = arena_alloc(&r->arena, AT_CHUNK);
	while (chunk != NULL && strcmp(r->method, "HEAD") != 0 &&
	    !r->write_failed && (n = vault_read(v, chunk, AT_CHUNK)) > 0)
		resp_write(r, chunk, (size_t)n);
	vault_close(v);
	return AT_OK;
}

/* ---- the sweep --------------------------------------------------------- */

static int
at_known(void *ctx, const char *name)
{
	struct req	*r = ctx;
	const char	*p[1] = { name };
	struct rows	 rs;

	/* When in doubt (database down), keep the file. */
	if (db_run(r, STMT_AT_KNOWN, p, &rs) != CORE_OK)
		return 1;
	return rs.n > 0;
}

int
at_sweep(struct req *r, const char *dir, unsigned min_age)
{
	return vault_sweep(dir, at_known, r, min_age);
}
