/*
 * SSTS - CSV exports (lib/export.c), streamed row by row from
 * the database (db_stream) so that a worker's memory does not grow with
 * the export.  The tickets are the caller's list (visibility, filters,
 * search and order of GET /api/tickets) without pagination.
 *
 * Columns, in order, after a header row of these names:
 *	id, title, status, priority, category, created_by_name,
 *	created_by_email, assigned_to (agent names, "; "-separated),
 *	created_at, updated_at (ISO-8601 UTC), description
 * Never a comment, and so never an internal note.
 */
#ifndef SSTS_EXPORT_H
#define SSTS_EXPORT_H

struct req;
struct tk_filter;

/*
 * Streams the rows of statement "s" (each of ncols columns) as CSV after
 * a header row of "cols", as the attachment <name>-YYYY-MM-DD.csv: 200
 * with the first row, or 503 if the database fails before it; HEAD gets
 * the headers only.
 */
void	 export_csv(struct req *, enum stmt, const char *const *params,
	    const char *const *cols, size_t ncols, const char *name);

/* Sends the CSV (200), or an error (503) if the database fails first. */
void	 export_tickets(struct req *, const struct tk_filter *);
/* Handlers: GET /api/tickets/export.csv (bad filters: the list's JSON
 * 400) and GET /tickets/export.csv (bad filters: an error page, 400). */
void	 export_tickets_api(struct req *);
void	 export_tickets_page(struct req *);

#endif /* SSTS_EXPORT_H */
