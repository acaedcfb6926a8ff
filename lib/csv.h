/*
 * SSTS - CSV output (lib/csv.c): RFC 4180 cells and records into a
 * struct buf, with spreadsheet formulas neutralised (OWASP "CSV
 * injection"; SECURITY.md 8.2.3).  Used by the exports (lib/export.c,
 * the audit export).
 *
 * Usage, one record:
 *
 *	csv_cell(&b, "id", 1);
 *	csv_cell(&b, title, 0);
 *	csv_end(&b);
 *
 * Rules: cells are separated by ',' and records end in CRLF.  A cell
 * whose first byte is '=', '+', '-', '@', TAB or CR gets a leading '\''
 * (so a negative number "-5" would read "'-5": ids and timestamps never
 * start with one of these).  Then a cell holding ',', '"', CR or LF is
 * quoted, with each '"' doubled.  NULL is an empty cell.
 * Bytes are copied as they are (UTF-8 passes through; no BOM).  Errors
 * are the buf's sticky err.
 */
#ifndef SSTS_CSV_H
#define SSTS_CSV_H

#include <stddef.h>

struct buf;

/* Appends one cell; first = 1 for the first cell of a record (no ','). */
void		 csv_cell(struct buf *, const char *value, int first);
/* The same for value[0..len) (may hold NUL bytes, copied as they are). */
void		 csv_celln(struct buf *, const char *value, size_t len, int first);
/* Ends the record: CRLF. */
void		 csv_end(struct buf *);
/* A whole record of n cells (csv_cell each, then csv_end). */
void		 csv_record(struct buf *, const char *const *cells, size_t n);

#endif /* SSTS_CSV_H */
