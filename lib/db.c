/*
 * SSTS - the database connection of one worker.  One libpq connection,
 * every statement of lib/db_stmts.c prepared on it, results copied into
 * the request arena so that no PGresult outlives the call.  A lost
 * connection is re-opened (and the statements re-prepared) on the next
 * call; while the database is away callers get CORE_EDB, which the
 * handlers turn into 503, never a crash or a hang.
 */
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "ssts.h"

static PGconn		*conn;		/* the worker's connection */
static const char	*conn_url;	/* from the configuration */
static int		 txn_depth;	/* db_begin nesting, reset per request */
static struct timespec	 last_try;	/* last failed connect */
static int		 plan_generic;	/* plan_cache_mode: 1 generic, 0 custom,
					   -1 unknown (after a rollback) */

static int
db_prepare_all(void)
{
	PGresult	*res;
	size_t		 i;
	int		 ok;

	for (i = 0; i < STMT__MAX; i++) {
		res = PQprepare(conn, db_stmts[i].name, db_stmts[i].sql,
		    db_stmts[i].nparams, NULL);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			log_event(NULL, "prepare %s: %s", db_stmts[i].name,
			    PQerrorMessage(conn));
		PQclear(res);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Too soon after a failed attempt?  Avoids hammering a dead server. */
static int
db_backoff(void)
{
	struct timespec	 now;
	long		 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - last_try.tv_sec) * 1000 +
	    (now.tv_nsec - last_try.tv_nsec) / 1000000;
	return last_try.tv_sec != 0 && ms < 100;
}

static int
db_connect(void)
{
	/* Custom plans: the list's optional filters need the values to
	 * choose an index (see sql/grants.sql). */
	const char *const keys[] = { "dbname", "connect_timeout",
	    "application_name", "options", NULL };
	const char *vals[] = { conn_url, "2", cfg ? cfg->group : "ssts",
	    "-c plan_cache_mode=force_custom_plan", NULL };

	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return 1;
	if (db_backoff())
		return 0;
	if (conn != NULL)
		PQfinish(conn);
	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK || !db_prepare_all()) {
		log_event(NULL, "database connection failed: %s",
		    conn ? PQerrorMessage(conn) : "out of memory");
		PQfinish(conn);
		conn = NULL;
		clock_gettime(CLOCK_MONOTONIC, &last_try);
		return 0;
	}
	last_try.tv_sec = 0;
	plan_generic = 0;
	return 1;
}

int
db_init(const char *url)
{
	conn_url = url;
	return db_connect();
}

void
db_fini(void)
{
	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
}

static void
rows_copy(struct req *r, PGresult *res, struct rows *out)
{
	size_t	 i, j, n, ncol;

	n = (size_t)PQntuples(res);
	ncol = (size_t)PQnfields(res);
	out->n = n;
	out->ncol = ncol;
	out->cell = arena_calloc(&r->arena, n * ncol + 1, sizeof(char *));
	if (out->cell == NULL) {
		out->n = 0;
		return;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < ncol; j++)
			out->cell[i * ncol + j] =
			    PQgetisnull(res, (int)i, (int)j) ? NULL :
			    arena_strndup(&r->arena,
			    PQgetvalue(res, (int)i, (int)j),
			    (size_t)PQgetlength(res, (int)i, (int)j));
}

static enum core_err
db_classify(struct req *r, PGresult *res, struct rows *out)
{
	const char	*state;

	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (out != NULL && state != NULL)
		out->sqlstate = arena_strdup(&r->arena, state);
	log_event(r, "database: %s", PQerrorMessage(conn));
	if (state == NULL || PQstatus(conn) != CONNECTION_OK)
		return CORE_EDB;
	if (strcmp(state, "23505") == 0)
		return CORE_ECONFLICT;
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
		return CORE_EINVAL;
	return CORE_EDB;
}

static enum core_err	db_simple(struct req *, const char *);

/* Drops a connection in a state we did not expect: the next call reconnects. */
static enum core_err
db_drop(void)
{
	PQfinish(conn);
	conn = NULL;
	return CORE_EDB;
}

/* One result of the pipeline and the NULL that ends it. */
static enum core_err
db_take(struct req *r, struct rows *out)
{
	PGresult	*res;
	ExecStatusType	 st;
	enum core_err	 rc;

	if ((res = PQgetResult(conn)) == NULL)
		return db_drop();
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		if (out != NULL)
			rows_copy(r, res, out);
		rc = CORE_OK;
	} else
		rc = st == PGRES_PIPELINE_ABORTED ? CORE_EDB :
		    db_classify(r, res, out);
	PQclear(res);
	if ((res = PQgetResult(conn)) != NULL) {
		PQclear(res);
		return db_drop();
	}
	return rc;
}

/*
 * Sends the calls as one pipeline, one round trip for all, each after the
 * SET of plan_cache_mode it needs (stmt_plan_once() in lib/db_stmts.c) if
 * the connection has the other one; a statement without parameters is
 * planned generic whatever the mode.  Outside db_begin they run in one
 * implicit transaction (one failing undoes the others and the SETs).
 * Returns the first error.
 */
static enum core_err
db_pipeline(struct req *r, const struct db_call *c, size_t n)
{
	int		 set[DB_BATCH_MAX], mode = plan_generic, ok;
	PGresult	*res;
	enum core_err	 rc = CORE_OK, one;
	size_t		 i;

	if (!PQenterPipelineMode(conn))
		return db_drop();
	for (i = 0, ok = 1; ok && i < n; i++) {
		set[i] = db_stmts[c[i].s].nparams > 0 &&
		    stmt_plan_once(c[i].s) != mode;
		if (set[i]) {
			mode = stmt_plan_once(c[i].s);
			ok = PQsendQueryParams(conn, mode ?
			    "SET plan_cache_mode = force_generic_plan" :
			    "SET plan_cache_mode = force_custom_plan",
			    0, NULL, NULL, NULL, NULL, 0);
		}
		if (c[i].out != NULL)
			memset(c[i].out, 0, sizeof(*c[i].out));
		ok = ok && PQsendQueryPrepared(conn, db_stmts[c[i].s].name,
		    db_stmts[c[i].s].nparams, c[i].params, NULL, NULL, 0);
	}
	if (!ok || !PQpipelineSync(conn)) {
		log_event(r, "database: %s", PQerrorMessage(conn));
		return db_drop();
	}
	for (i = 0; i < n && conn != NULL; i++) {
		if (set[i] && (one = db_take(r, NULL)) != CORE_OK && rc == CORE_OK)
			rc = one;
		if (conn != NULL && (one = db_take(r, c[i].out)) != CORE_OK &&
		    rc == CORE_OK)
			rc = one;
	}
	if (conn == NULL)
		return CORE_EDB;
	res = PQgetResult(conn);
	ok = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
	PQclear(res);
	if (!ok || !PQexitPipelineMode(conn))
		return db_drop();
	plan_generic = rc == CORE_OK ? mode : -1;
	return rc;
}

enum core_err
db_batch(struct req *r, const struct db_call *c, size_t n)
{
	enum core_err	 rc = CORE_EDB;
	int		 tries;

	if (n == 0 || n > DB_BATCH_MAX)
		return CORE_EINVAL;
	for (tries = 0; tries < 2; tries++) {
		if (!db_connect())
			return CORE_EDB;
		rc = db_pipeline(r, c, n);
		/* A dropped connection outside a transaction: retry once. */
		if (rc != CORE_EDB || (conn != NULL &&
		    PQstatus(conn) == CONNECTION_OK) || txn_depth > 0)
			return rc;
		if (conn != NULL)
			db_drop();
	}
	return rc;
}

enum core_err
db_run(struct req *r, enum stmt s, const char *const *params, struct rows *out)
{
	struct db_call	 c = { s, params, out };

	return db_batch(r, &c, 1);
}

int
db_ping(struct req *r)
{
	return db_run(r, STMT_PING, NULL, NULL) == CORE_OK;
}

static enum core_err
db_simple(struct req *r, const char *sql)
{
	PGresult	*res;
	enum core_err	 rc;

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return CORE_EDB;
	res = PQexec(conn, sql);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? CORE_OK :
	    db_classify(r, res, NULL);
	PQclear(res);
	return rc;
}

enum core_err
db_begin(struct req *r)
{
	enum core_err	 rc;

	if (txn_depth > 0) {
		txn_depth++;
		return CORE_OK;
	}
	if (!db_connect())
		return CORE_EDB;
	rc = db_simple(r, "BEGIN");
	/* A connection that died while idle (a restarted server, a killed
	 * backend) ran nothing yet: connect again and begin once more. */
	if (rc == CORE_EDB && PQstatus(conn) != CONNECTION_OK) {
		PQfinish(conn);
		conn = NULL;
		if (!db_connect())
			return CORE_EDB;
		rc = db_simple(r, "BEGIN");
	}
	if (rc == CORE_OK)
		txn_depth = 1;
	return rc;
}

enum core_err
db_commit(struct req *r)
{
	if (txn_depth == 0)
		return CORE_EINVAL;
	if (--txn_depth > 0)
		return CORE_OK;
	return db_simple(r, "COMMIT");
}

void
db_rollback(struct req *r)
{
	if (txn_depth == 0)
		return;
	txn_depth = 0;
	plan_generic = -1;	/* a SET in the transaction is undone */
	(void)db_simple(r, "ROLLBACK");
}

/* Called by req_finish: a request must never leave a transaction open. */
void
db_check_idle(struct req *r)
{
	if (conn != NULL && PQstatus(conn) == CONNECTION_OK &&
	    PQtransactionStatus(conn) != PQTRANS_IDLE) {
		log_event(r, "transaction left open: rolled back");
		txn_depth = 1;
		db_rollback(r);
	}
	txn_depth = 0;
}

/* Reads and frees what is left of a result stream. */
static void
db_drain(void)
{
	PGresult	*res;

	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

/* Stops the running query (the server stops sending), then drains. */
static void
db_cancel(struct req *r)
{
	PGcancel	*c;
	char		 err[256];

	if ((c = PQgetCancel(conn)) != NULL) {
		if (!PQcancel(c, err, sizeof(err)))
			log_event(r, "database: cancel: %s", err);
		PQfreeCancel(c);
	}
	db_drain();
}

/*
 * Ends db_stream's transaction.  A cancel can in theory land on the
 * ROLLBACK itself; if the connection is not idle afterwards it is
 * dropped (and re-opened by the next call) rather than reused.
 */
static void
db_stream_end(struct req *r)
{
	if (PQstatus(conn) == CONNECTION_OK)
		(void)db_simple(r, "ROLLBACK");
	if (PQstatus(conn) == CONNECTION_OK &&
	    PQtransactionStatus(conn) != PQTRANS_IDLE)
		(void)db_simple(r, "ROLLBACK");
	if (PQstatus(conn) != CONNECTION_OK ||
	    PQtransactionStatus(conn) != PQTRANS_IDLE) {
		log_event(r, "database: connection dropped after a stream");
		PQfinish(conn);
		conn = NULL;
	}
}

/* Sets the connection's plan_cache_mode for statement s (a stream's). */
static enum core_err
db_plan_mode(struct req *r, enum stmt s)
{
	int		 want = stmt_plan_once(s);
	enum core_err	 rc;

	if (db_stmts[s].nparams == 0 || plan_generic == want)
		return CORE_OK;
	rc = db_simple(r, want ? "SET plan_cache_mode = force_generic_plan" :
	    "SET plan_cache_mode = force_custom_plan");
	plan_generic = rc == CORE_OK ? want : -1;
	return rc;
}

/* Single-row mode: one PGresult per row, freed before the next. */
enum core_err
db_stream(struct req *r, enum stmt s, const char *const *params,
    db_row_fn fn, void *ctx)
{
	PGresult	*res;
	ExecStatusType	 st;
	struct rows	 row;
	enum core_err	 rc = CORE_OK;
	size_t		 j, ncol;
	int		 stop = 0;

	memset(&row, 0, sizeof(row));
	if (txn_depth > 0)
		return CORE_EINVAL;
	if (!db_connect())
		return CORE_EDB;
	if ((rc = db_plan_mode(r, s)) != CORE_OK)
		return rc;
	/* The app role's 5 s default suits requests, not a big export. */
	if ((rc = db_simple(r, "BEGIN; SET LOCAL statement_timeout = '300s'"))
	    != CORE_OK) {
		db_stream_end(r);
		return rc;
	}
	if (!PQsendQueryPrepared(conn, db_stmts[s].name, db_stmts[s].nparams,
	    params, NULL, NULL, 0)) {
		log_event(r, "database: %s", PQerrorMessage(conn));
		db_stream_end(r);
		return CORE_EDB;
	}
	if (!PQsetSingleRowMode(conn)) {
		log_event(r, "database: single-row mode refused");
		db_cancel(r);
		db_stream_end(r);
		return CORE_EDB;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE) {
			ncol = (size_t)PQnfields(res);
			if (row.cell == NULL || row.ncol != ncol) {
				row.ncol = ncol;
				row.n = 1;
				row.cell = arena_calloc(&r->arena, ncol + 1,
				    sizeof(char *));
			}
			if (row.cell == NULL) {
				PQclear(res);
				rc = CORE_ENOMEM;
				break;
			}
			for (j = 0; j < ncol; j++)
				row.cell[j] = PQgetisnull(res, 0, (int)j) ?
				    NULL : PQgetvalue(res, 0, (int)j);
			stop = fn(r, &row, ctx);
			PQclear(res);
			if (stop)
				break;
		} else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
			rc = db_classify(r, res, NULL);
			PQclear(res);
			db_drain();
			break;
		} else
			PQclear(res);
	}
	if (stop || rc == CORE_ENOMEM)
		db_cancel(r);
	db_stream_end(r);
	return rc;
}
