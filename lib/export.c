/*
 * SSTS - CSV exports (tickets here, the audit log in lib/auditlog.c).
 * Rows come one at a time from
 * db_stream() and go through one reused buffer to the client: nothing
 * per row stays in the request arena, so a million-row export costs the
 * worker what one row does.  The status line waits for the first row,
 * so that a database failure before it is still a clean 503.
 */
#include <stdio.h>
#include <string.h>

#include "ssts.h"
#include "csv.h"
#include "export.h"
#include "tickets.h"

#define EXP_FLUSH	(32 * 1024)	/* send the buffer past this */
#define EXP_ROW_MAX	(1024 * 1024)	/* one row's CSV, quoted (20000
					 * characters of description) */

static const char *const tk_columns[] = { "id", "title", "status",
    "priority", "category", "created_by_name", "created_by_email",
    "assigned_to", "created_at", "updated_at", "description" };

struct exp {
	struct buf	 b;
	char		 disposition[80];
	const char *const *cols;	/* the header row */
	size_t		 ncols;
};

static void
exp_flush(struct req *r, struct exp *e)
{
	if (e->b.err != CORE_OK || e->b.len == 0)
		return;
	resp_write(r, e->b.data, e->b.len);
	e->b.len = 0;
	e->b.data[0] = '\0';
}

/* Headers and the header row, once. */
static void
exp_begin(struct req *r, struct exp *e)
{
	resp_header(r, "Content-Disposition", e->disposition);
	resp_begin(r, 200, "text/csv; charset=utf-8");
	csv_record(&e->b, e->cols, e->ncols);
}

static int
exp_row(struct req *r, const struct rows *rs, void *ctx)
{
	struct exp	*e = ctx;
	size_t		 j;

	if (r->status == 0)
		exp_begin(r, e);
	for (j = 0; j < rs->ncol; j++)
		csv_cell(&e->b, ROW(rs, 0, j), j == 0);
	csv_end(&e->b);
	if (e->b.len >= EXP_FLUSH)
		exp_flush(r, e);
	if (e->b.err != CORE_OK)
		log_event(r, "export: a row too large for the buffer");
	return r->write_failed || e->b.err != CORE_OK;
}

void
export_csv(struct req *r, enum stmt s, const char *const *params,
    const char *const *cols, size_t ncols, const char *name)
{
	struct exp	 e;
	char		 now[32];
	enum core_err	 rc;

	iso_now(now);
	snprintf(e.disposition, sizeof(e.disposition),
	    "attachment; filename=\"%s-%.10s.csv\"", name, now);
	e.cols = cols;
	e.ncols = ncols;
	buf_init(&e.b, &r->arena, EXP_ROW_MAX + EXP_FLUSH);
	if (strcmp(r->method, "HEAD") == 0) {	/* the headers, no query */
		exp_begin(r, &e);
		return;
	}
	rc = db_stream(r, s, params, exp_row, &e);
	if (rc != CORE_OK && r->status == 0) {
		resp_error(r, 503, r->is_api ? "Service temporarily unavailable"
		    : "The service is temporarily unavailable.");
		return;
	}
	/* A failure after the first row cannot change the status: the
	 * download is broken off (never a short file that looks whole), and
	 * the log says why. */
	if (!r->write_failed && (rc != CORE_OK || e.b.err != CORE_OK)) {
		if (rc != CORE_OK)
			log_event(r, "export: cut short by the database");
		exp_flush(r, &e);
		resp_cut(r);
		return;
	}
	if (r->write_failed)
		log_event(r, "export: the client went away; query cancelled");
	if (r->status == 0)
		exp_begin(r, &e);
	exp_flush(r, &e);
}

void
export_tickets(struct req *r, const struct tk_filter *f)
{
	char		 uid[24];
	const char	*p[7];

	snprintf(uid, sizeof(uid), "%lld", (long long)r->user.id);
	p[0] = role_name(r->user.role);
	p[1] = uid;
	p[2] = f->status;
	p[3] = f->priority_id;
	p[4] = f->category_id;
	p[5] = r->user.role == ROLE_ADMIN ? f->assigned_to : NULL;
	p[6] = f->q;
	export_csv(r, (enum stmt)(STMT_EXP_TK_CREATED_DESC + 2 * (int)f->sort +
	    !!f->asc), p, tk_columns, sizeof(tk_columns) /
	    sizeof(tk_columns[0]), "tickets");
}

void
export_tickets_api(struct req *r)
{
	struct field	 f[TK_F__MAX];
	struct tk_filter t;

	if (!tk_filter_read(r, f, &t))
		resp_validation(r, tk_filter_fields, TK_F__MAX, f);
	else
		export_tickets(r, &t);
}

void
export_tickets_page(struct req *r)
{
	struct field	 f[TK_F__MAX];
	struct tk_filter t;

	if (!tk_filter_read(r, f, &t))
		page_error(r, 400, "Some filters are not valid. Go back to the "
		    "list and correct them.");
	else
		export_tickets(r, &t);
}
