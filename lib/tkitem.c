/*
 * SSTS - a list item's JSON, joined from the objects a list row carries
 * (sql/013): the ticket's own fields, then its creator, priority,
 * category and assignment with its agent, field for field and in the
 * original's order.  Nothing is parsed or escaped here: PostgreSQL made
 * each piece, this only cuts a closing brace and appends.
 */
#include <stdlib.h>
#include <string.h>

#include "ssts.h"
#include "tickets.h"

void
tk_json_int(cJSON *o, const char *key, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, strtod(v, NULL));
}

/* An object without its closing brace; 0 if obj is not an object. */
static int
put_open(struct buf *b, const char *obj)
{
	size_t	 n;

	if (obj == NULL || (n = strlen(obj)) < 2 || obj[0] != '{' ||
	    obj[n - 1] != '}')
		return 0;
	buf_putn(b, obj, n - 1);
	return 1;
}

/* ,"key":value where a NULL cell is null. */
static void
put_field(struct buf *b, const char *key, const char *value)
{
	buf_putn(b, ",\"", 2);
	buf_puts(b, key);
	buf_putn(b, "\":", 2);
	buf_puts(b, value != NULL ? value : "null");
}

/* The object of priority or category ('p', 'c') id in refs, or NULL. */
static const char *
ref_json(const struct rows *refs, char kind, const char *id)
{
	size_t	 i;

	if (id == NULL || refs->ncol != 3)
		return NULL;
	for (i = 0; i < refs->n; i++)
		if (ROW(refs, i, 0)[0] == kind && strcmp(ROW(refs, i, 1), id) == 0)
			return ROW(refs, i, 2);
	return NULL;
}

int
tk_item_put(struct buf *b, const char *const *c, const struct rows *refs)
{
	const char	*a = c[TKI_ASSIGNMENTS];

	if (!put_open(b, c[TKI_TICKET]) || a == NULL || a[0] != '[')
		return 0;
	put_field(b, "creator", c[TKI_CREATOR]);
	put_field(b, "priority", ref_json(refs, 'p', c[TKI_PRIORITY_ID]));
	put_field(b, "category", ref_json(refs, 'c', c[TKI_CATEGORY_ID]));
	put_field(b, "ticket_assignments", a);
	buf_putc(b, '}');
	return b->err == CORE_OK;
}
