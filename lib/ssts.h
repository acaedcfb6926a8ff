/*
 * SSTS - support ticket system.  Public header of the core library,
 * lib/libssts.a, included by every route group in cgi-bin/.
 *
 * The core owns everything a route needs before and after its handler
 * runs: the per-request arena, request parsing into one validated field
 * table, the gate (session, role, CSRF), responses (JSON or templated
 * page), the database connection, and the audit trail.
 */
#ifndef SSTS_H
#define SSTS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sys/types.h>

#include <cJSON.h>

#include "db_stmts.h"

#define SSTS_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- error codes returned by lib/ functions ------------------------ */

enum core_err {
	CORE_OK = 0,
	CORE_EINVAL,		/* malformed input */
	CORE_ETOOBIG,		/* a size or count cap was exceeded */
	CORE_ENOMEM,		/* allocation refused (try_* family) */
	CORE_EDUP,		/* duplicate key where none is allowed */
	CORE_EDB,		/* database unavailable or failed */
	CORE_ENOTFOUND,		/* no such row */
	CORE_ECONFLICT,		/* unique violation or similar */
	CORE_ESYS,		/* system call failed */
	CORE_ERR__MAX
};

/* ---- arena: per-request memory, freed in one place ------------------ */

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;	/* newest chunk first */
	size_t			 used;	/* bytes handed out in total */
	size_t			 cap;	/* refuse allocations past this */
};

void	 arena_init(struct arena *, size_t cap);
void	*arena_alloc(struct arena *, size_t);	/* NULL past cap */
void	*arena_calloc(struct arena *, size_t, size_t);
char	*arena_strdup(struct arena *, const char *);
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_printf(struct arena *, const char *, ...) SSTS_PRINTF(2, 3);
void	 arena_reset(struct arena *);	/* frees all but keeps one chunk */
void	 arena_free(struct arena *);

/* ---- buf: growable text in the arena with a sticky error ------------ */

struct buf {
	struct arena	*arena;
	char		*data;	/* NUL-terminated while err == 0 */
	size_t		 len;
	size_t		 size;
	size_t		 max;	/* hard cap on len */
	int		 err;	/* first error (CORE_*), sticky */
};

void	 buf_init(struct buf *, struct arena *, size_t max);
void	 buf_putn(struct buf *, const char *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) SSTS_PRINTF(2, 3);
const char *buf_str(const struct buf *);	/* "" on error */

/* ---- key/value pairs produced by the parsers ------------------------ */

struct kv {
	char		*key;	/* decoded, NUL-terminated */
	char		*val;	/* decoded, NUL-terminated; NULL = JSON null */
	size_t		 vlen;	/* bytes in val (may hold no NUL inside) */
	int		 json_type; /* KV_STRING, KV_NUMBER, KV_BOOL, KV_NULL */
};

enum kv_type {
	KV_STRING = 0,
	KV_NUMBER,
	KV_BOOL,
	KV_NULL,
	KV__MAX
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};

#define KV_MAX_PAIRS	64	/* parameters per request, all sources */
#define KV_MAX_KEY	64	/* bytes in a key */

/*
 * Parsers.  Each fills "out" (appending) with arena copies and returns
 * CORE_OK, CORE_EINVAL (bad encoding: a '%' without two hex digits, a
 * NUL byte after decoding a key), CORE_ETOOBIG (more than KV_MAX_PAIRS
 * pairs or a key longer than KV_MAX_KEY) or CORE_EDUP (a JSON key given
 * twice).  Values are not validated here: see field_*().
 */
enum core_err	 form_parse(struct arena *, const char *, size_t, struct kvlist *);
enum core_err	 json_body_parse(struct arena *, const char *, size_t, struct kvlist *);
/* Finds the cookie "name" in a Cookie header; NULL if absent or given twice. */
const char	*cookie_get(struct arena *, const char *header, const char *name);

const struct kv	*kv_find(const struct kvlist *, const char *key);
size_t		 kv_count(const struct kvlist *, const char *key);

/* ---- validation: one field table per form ----------------------------- */

enum valid_kind {
	VALID_TEXT = 0,		/* UTF-8, no control chars but \t \r \n */
	VALID_LINE,		/* UTF-8, no control chars at all, trimmed */
	VALID_EMAIL,		/* trimmed, lower-cased, shape-checked */
	VALID_PASSWORD,		/* UTF-8, never altered */
	VALID_ID,		/* decimal 1..2^63-1 */
	VALID_INT,		/* decimal, range min..max */
	VALID_BOOL,		/* true/false/1/0/on/off */
	VALID__MAX
};

struct field_spec {
	const char	*name;
	enum valid_kind	 kind;
	size_t		 min_len;	/* characters; 0 = optional when empty */
	size_t		 max_len;	/* characters */
	int64_t		 min;		/* VALID_INT */
	int64_t		 max;		/* VALID_INT */
	int		 required;
};

struct field {
	int		 present;	/* given in the request */
	int		 valid;		/* present and passed its validator */
	int		 is_null;	/* JSON null */
	const char	*str;		/* normalised value (arena) */
	int64_t		 num;		/* VALID_ID, VALID_INT, VALID_BOOL */
	const char	*err;		/* why it is invalid (a message) */
};

/* Validates one value; returns NULL if valid, else a message. */
const char	*valid_check(struct arena *, const struct field_spec *,
		    const char *val, size_t len, const char **norm, int64_t *num);
int		 valid_utf8(const char *, size_t);
size_t		 utf8_chars(const char *, size_t);

/* ---- misc helpers --------------------------------------------------- */

int		 parse_int64(const char *, int64_t min, int64_t max, int64_t *out);
int		 hex_digit(int c);	/* 0..15, or -1 if c is not one */
char		*html_escape(struct arena *, const char *);
char		*json_escape(struct arena *, const char *);
/* Percent-encodes all but RFC 3986 unreserved characters; NULL if too long. */
char		*url_escape(struct arena *, const char *);
void		 iso_time(char out[32], const char *pg_timestamp);
void		 iso_now(char out[32]);


/* ---- JWT (HS256 only), lib/jwt.c --------------------------------------- */

#define JWT_MAX_LEN	4096	/* longer tokens are malformed */

struct jwt_claims {
	int64_t		 sub;		/* user id ("sub" is a JSON string) */
	int64_t		 sid;		/* session id ("sid" is a JSON string) */
	char		 role[16];	/* informational only: never trusted */
	char		 typ[16];	/* "access" (later: "mfa_pending") */
	char		 jti[40];	/* random, base64url, >= 128 bits */
	int64_t		 iat;
	int64_t		 exp;
};

enum jwt_status {
	JWT_OK = 0,
	JWT_MALFORMED,		/* shape, base64url, JSON, alg, claims types */
	JWT_BAD_SIG,		/* signature does not verify */
	JWT_EXPIRED,		/* exp <= now */
	JWT__MAX
};

/* Signs the claims (iat, exp, jti as given); returns an arena string or NULL. */
char		*jwt_sign(struct arena *, const unsigned char *key, size_t keylen,
		    const struct jwt_claims *);
/* Verifies an HS256 token; fills "out" only on JWT_OK. */
enum jwt_status	 jwt_verify(struct arena *, const unsigned char *key, size_t keylen,
		    const char *token, size_t len, int64_t now, struct jwt_claims *out);
/* Fills "out" with a random base64url string of "bytes" random bytes. */
void		 token_random(char *out, size_t outsz, size_t bytes);
/* base64url without padding; returns bytes written excluding NUL, or -1. */
int		 b64url_encode(char *out, size_t outsz, const unsigned char *, size_t);
/* strict base64url decode (no padding, no '+' '/' '='); returns bytes or -1. */
int		 b64url_decode(unsigned char *out, size_t outsz, const char *, size_t);

/* ---- configuration, read once per worker (lib/config.c) ----------------- */

struct config {
	const char	*group;		/* route group name, e.g. "auth" */
	const char	*db_url;	/* DATABASE_URL */
	unsigned char	 jwt_key[128];	/* JWT_SECRET bytes */
	size_t		 jwt_keylen;
	unsigned char	 enc_key[32];	/* ENCRYPTION_KEY */
	const char	*root;		/* SSTS_ROOT: templates/ lives here */
	int		 production;	/* SSTS_PRODUCTION=1 */
	const char	*cors_origins;	/* SSTS_CORS_ORIGINS, or NULL */
	int64_t		 session_ttl;	/* seconds a sign-in lasts */
	unsigned char	 dummy_hash[128]; /* argon2id of a random password */
	const char	*upload_dir;	/* UPLOAD_DIR */
	int64_t		 max_upload;	/* SSTS_MAX_UPLOAD_MB, in bytes */
	unsigned char	 att_key[32];	/* attachment key, from enc_key */
	int		 login_free;	/* SSTS_LOGIN_FREE_TRIES */
	int		 login_max_delay; /* SSTS_LOGIN_MAX_DELAY, seconds */
};

extern const struct config *cfg;	/* read-only after core_init() */

/* ---- roles and permissions ---------------------------------------------- */

enum role {
	ROLE_NONE = 0,		/* anonymous */
	ROLE_CLIENT,
	ROLE_AGENT,
	ROLE_ADMIN,
	ROLE__MAX
};

enum perm {
	PERM_PUBLIC = 0,	/* anyone, signed in or not */
	PERM_USER,		/* any signed-in user */
	PERM_STAFF,		/* agents and admins */
	PERM_ADMIN,		/* admins only */
	PERM__MAX
};

const char	*role_name(enum role);
enum role	 role_parse(const char *);

/* ---- the request ------------------------------------------------------- */

struct req;
typedef void	(*handler_fn)(struct req *);

struct route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;	/* "/api/tickets/:id"; ":x" = one id segment */
	enum perm	 perm;
	handler_fn	 handler;
	unsigned	 flags;		/* ROUTE_* */
};

/* The body (multipart/form-data) is left for the handler to stream. */
#define ROUTE_UPLOAD	0x1
/*
 * ROUTE_PREFETCH(s): the session check sends the route's first read with
 * it, one round trip for both: statement s with ($1 the :id, $2 the
 * token's hash, $3 the session id), which must itself admit only what
 * that live session may see and write nothing.  Its rows reach the
 * handler (r->prefetched) only once the check has passed.
 */
#define ROUTE_PREFETCH(s)	(0x2u | ((unsigned)(s) << 8))
#define ROUTE_PREFETCHES(rt)	(((rt)->flags & 0x2u) != 0)
#define ROUTE_PREFETCHED(rt)	((enum stmt)((rt)->flags >> 8))

struct user {
	int64_t		 id;
	const char	*name;
	const char	*email;
	enum role	 role;
	int		 mfa_enabled;
	int64_t		 session_id;
};

#define REQ_MAX_PARAMS	4	/* ":id" segments in one pattern */
#define REQ_MAX_COOKIES	4	/* Set-Cookie headers in one response */
#define REQ_MAX_OWNED	32	/* cJSON trees freed at req_finish */

struct req {
	struct arena	 arena;		/* every per-request allocation */
	void		*fcgx;		/* FCGX_Request *, only lib/req.c */
	char		 rid[33];	/* request id, hex (nginx's $request_id) */
	struct timespec	 start;
	const char	*method;
	const char	*path;		/* decoded once, no query */
	const char	*query;
	const char	*content_type;
	const char	*cookie;	/* Cookie header, page routes only */
	const char	*authorization;	/* Authorization, API routes only */
	const char	*remote_addr;
	const char	*user_agent;
	const char	*host;
	const char	*origin;
	const char	*fetch_site;	/* Sec-Fetch-Site */
	const char	*idem_key;	/* Idempotency-Key, unchecked (lib/idem.c) */
	int		 idem_armed;	/* idem_find said new: idem_claim keeps */
	const char	*site_origin;	/* this site's origin, from nginx */
	char		*body;		/* NUL-terminated copy */
	size_t		 body_len;
	int		 is_api;	/* path is /api or under /api/ */
	const struct route *route;
	int64_t		 params[REQ_MAX_PARAMS]; /* ":id" values, in order */
	struct kvlist	 in;		/* fields: the query (GET) or the body */
	struct kvlist	 qin;		/* the query string of a request with a body */
	int		 authed;	/* user is valid */
	const struct rows *prefetched;	/* ROUTE_PREFETCH's rows, if authed */
	struct user	 user;
	const char	*token;		/* the bearer or cookie JWT */
	char		 csrf[64];	/* this session's form token */
	int		 status;	/* status sent, 0 if nothing yet */
	const char	*cookies[REQ_MAX_COOKIES];
	size_t		 ncookies;
	cJSON		*owned[REQ_MAX_OWNED];
	size_t		 nowned;
	const char	*flash;		/* flash key read from the cookie */
	struct buf	 hdr;		/* extra response header lines */
	void		*page;		/* struct page being built, if any */
	int		 body_status;	/* 0, or 400/413 from reading the body */
	int		 body_stream;	/* multipart: left for req_body_read() */
	int64_t		 body_left;	/* bytes of it not read yet */
	int		 csrf_pending;	/* page upload: token still to check */
	int		 write_failed;	/* the client went away */
	int		 cut;		/* body cut short: see resp_cut() */
};

/* Worker lifecycle (lib/core.c). */
int		 core_init(const char *group);	/* 0 or exits 1 */
void		 core_fini(void);
int		 req_accept(struct req *);	/* 0 when the worker must stop */
int		 req_gate(struct req *, const struct route *, size_t nroutes);
void		 req_finish(struct req *);

/* Input. */
const struct kv	*req_param(const struct req *, const char *key);
/*
 * Validates the request's parameters against "specs" (n entries) into
 * "out" (n entries).  Returns the number of invalid fields.  Parameters
 * given twice are invalid.
 */
size_t		 req_fields(struct req *, const struct field_spec *, size_t n,
		    struct field *out);
/* A valid, non-empty value, or NULL (the models' "not given"). */
const char	*field_value(const struct field *);
void		*req_own(struct req *, cJSON *);	/* freed at req_finish */
/* A streamed (multipart) body: > 0 bytes, 0 at its end, -1 if cut short. */
ssize_t		 req_body_read(struct req *, char *, size_t);
/* The CSRF token of a page form in r->in: 1 if it is this session's. */
int		 req_csrf_ok(struct req *);

/* Output (lib/resp.c). */
void		 resp_header(struct req *, const char *name, const char *value);
void		 resp_begin(struct req *, int status, const char *mime);
void		 resp_write(struct req *, const char *, size_t);
/*
 * For a response whose status is already sent and whose body cannot be
 * finished (an export the database failed under): the request ends
 * without the body's end, so the client sees a broken download, never a
 * short one that looks whole.
 */
void		 resp_cut(struct req *);
void		 resp_puts(struct req *, const char *);
void		 resp_json(struct req *, int status, const cJSON *);
void		 resp_json_text(struct req *, int status, const char *);
void		 resp_error(struct req *, int status, const char *message);
void		 resp_validation(struct req *, const struct field_spec *, size_t,
		    const struct field *);
void		 resp_redirect(struct req *, const char *location);	/* 303 */
void		 resp_text(struct req *, int status, const char *mime, const char *);
void		 resp_cookie(struct req *, const char *name, const char *value,
		    int64_t max_age);	/* value NULL clears */
void		 resp_flash(struct req *, const char *key);

/* Pages (lib/page.c, lib/tmpl.c).  "model" may be NULL. */
struct page;
struct page	*page_new(struct req *, const char *title);
void		 page_set(struct page *, const char *name, const char *value);
void		 page_set_json(struct page *, const char *prefix, const cJSON *);
void		 page_form(struct page *, const struct field_spec *, size_t,
		    const struct field *, int keep_values);
void		 page_render(struct page *, int status, const char *tmpl);
void		 page_error(struct req *, int status, const char *message);
int		 tmpl_init(const char *dir);
void		 tmpl_fini(void);

/* Shared handlers (lib/health.c). */
void		 health_api_info(struct req *);
void		 health_api(struct req *);
void		 health_db(struct req *);

/* Logging (lib/log.c): one line per event on stderr. */
void		 log_event(const struct req *, const char *fmt, ...) SSTS_PRINTF(2, 3);
void		 log_request(const struct req *);

/* ---- database (lib/db.c, statements in lib/db_stmts.c) ------------------ */

struct rows {
	size_t		 n;	/* rows */
	size_t		 ncol;
	const char	**cell;	/* n * ncol, NULL for SQL NULL */
	const char	*sqlstate;	/* on error, or NULL */
};

#define ROW(rs, i, j)	((rs)->cell[(i) * (rs)->ncol + (j)])

int		 db_init(const char *url);
void		 db_fini(void);
int		 db_ping(struct req *);
/*
 * Runs a prepared statement with text parameters (NULL = SQL NULL) and
 * copies the result into the arena.  Returns CORE_OK, CORE_ECONFLICT
 * (unique violation; rows->sqlstate set), CORE_EINVAL (other constraint
 * or data error) or CORE_EDB (connection lost or server failure).
 */
enum core_err	 db_run(struct req *, enum stmt, const char *const *params,
		    struct rows *out);
/*
 * Runs up to DB_BATCH_MAX statements in one round trip (a libpq
 * pipeline), each as db_run would; outside db_begin, one failing undoes
 * the others.  Returns the first error; the rows of the calls before it
 * are filled.
 */
#define DB_BATCH_MAX	8
struct db_call {
	enum stmt		 s;
	const char *const	*params;
	struct rows		*out;	/* NULL: the rows are not wanted */
};
enum core_err	 db_batch(struct req *, const struct db_call *, size_t n);
/*
 * Streams a prepared statement's rows without copying the result: "fn"
 * is called once per row with a struct rows of exactly one row, whose
 * cells are valid only during the call.  For reading statements: runs
 * in a transaction of its own, rolled back at the end (so never inside
 * db_begin: CORE_EINVAL), with statement_timeout raised to 300 s for
 * long exports.  fn returning non-zero stops the stream (the query is
 * cancelled; CORE_OK is still returned).  fn must not call db_run or any
 * other db_* function.  Errors as db_run; rows may have been delivered
 * before one.
 */
typedef int	(*db_row_fn)(struct req *, const struct rows *, void *ctx);
enum core_err	 db_stream(struct req *, enum stmt, const char *const *params,
		    db_row_fn fn, void *ctx);
enum core_err	 db_begin(struct req *);
enum core_err	 db_commit(struct req *);
void		 db_rollback(struct req *);
void		 db_check_idle(struct req *);

/* ---- sessions, passwords, CSRF, audit ---------------------------------- */

/* lib/pw.c */
int		 pw_hash(char out[128], const char *password);
int		 pw_verify(const char *hash, const char *password);
void		 pw_dummy_verify(const char *password);
const char	*pw_policy(const char *password);	/* NULL if acceptable */

/* lib/sess.c */
enum core_err	 sess_create(struct req *, const struct user *, const char **token);
/* Authenticates a token; returns 0 or an HTTP status with *why set. */
int		 sess_check(struct req *, const char *token, const char **why);
enum core_err	 sess_revoke(struct req *);
void		 sess_set_cookie(struct req *, const char *token);
void		 sess_clear_cookie(struct req *);
/* The second sign-in step's pending state (a cookie; grants nothing). */
int		 sess_pending_start(struct req *, int64_t uid);
int64_t		 sess_pending_user(struct req *);
void		 sess_pending_clear(struct req *);
void		 csrf_make(const struct req *, char out[64], const char *seed);
void		 csrf_prepare(struct req *, int create);
int		 csrf_ok(const struct req *, const char *given);

/* lib/audit.c: in the caller's transaction. */
enum core_err	 audit_log(struct req *, const char *entity_type, int64_t entity_id,
		    const char *action, int64_t performed_by, const cJSON *payload);
/* {"changes": {field: {from, to}}} for the fields of "after" that differ. */
cJSON		*audit_changes(struct req *, const cJSON *before, const cJSON *after);

#endif /* SSTS_H */
