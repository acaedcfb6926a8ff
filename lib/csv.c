/*
 * SSTS - CSV cells and records (RFC 4180) with spreadsheet formulas
 * neutralised; see csv.h for the rules.
 */
#include <string.h>

#include "ssts.h"
#include "csv.h"

/* A spreadsheet reads a cell starting with one of these as a formula. */
static int
csv_formula(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' ||
	    c == '\t' || c == '\r';
}

void
csv_celln(struct buf *b, const char *v, size_t len, int first)
{
	const char	*p, *q, *end;
	int		 quote;

	if (!first)
		buf_putc(b, ',');
	if (v == NULL || len == 0)
		return;
	end = v + len;
	quote = 0;
	for (p = v; p < end; p++)
		if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n') {
			quote = 1;
			break;
		}
	if (quote)
		buf_putc(b, '"');
	if (csv_formula(v[0]))
		buf_putc(b, '\'');
	if (!quote) {
		buf_putn(b, v, len);
		return;
	}
	/* Copy runs up to each '"', then the '"' twice. */
	for (p = v; p < end; p = q + 1) {
		if ((q = memchr(p, '"', end - p)) == NULL) {
			buf_putn(b, p, end - p);
			break;
		}
		buf_putn(b, p, q - p + 1);
		buf_putc(b, '"');
	}
	buf_putc(b, '"');
}

void
csv_cell(struct buf *b, const char *v, int first)
{
	csv_celln(b, v, v == NULL ? 0 : strlen(v), first);
}

void
csv_end(struct buf *b)
{
	buf_putn(b, "\r\n", 2);
}

void
csv_record(struct buf *b, const char *const *cells, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		csv_cell(b, cells[i], i == 0);
	csv_end(b);
}
