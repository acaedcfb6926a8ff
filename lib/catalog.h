/*
 * SSTS - the catalog (lib/catalog.c): ticket categories and priorities,
 * in the API's shapes ({id,name,description}, {id,name,rank}).  Every
 * change writes its audit row (who, before and after) in the same
 * transaction; deleting one clears it on the tickets that had it.
 */
#ifndef SSTS_CATALOG_H
#define SSTS_CATALOG_H

enum cat_kind {
	CAT_CATEGORY = 0,
	CAT_PRIORITY,
	CAT_KIND__MAX
};

enum cat_result {
	CAT_OK = 0,
	CAT_NOTFOUND,	/* no such id: 404 */
	CAT_DUP,	/* the name is taken: 400 */
	CAT_DB,		/* database unavailable: 503 */
	CAT_RESULT__MAX
};

/* The value of a kind's second field: description (text) or rank. */
struct cat_fields {
	const char	*name;		/* NULL = unchanged (update) */
	int		 set_second;	/* the second field was given */
	const char	*second;	/* its value; NULL = null */
};

const char	*cat_kind_name(enum cat_kind);	/* "category", "priority" */
/* The kind's messages: "Category not found", "... already exists". */
const char	*cat_message(enum cat_kind, enum cat_result);
int		 cat_status(enum cat_result);

cJSON		*cat_list(struct req *, enum cat_kind);
enum cat_result	 cat_get(struct req *, enum cat_kind, int64_t id, cJSON **);
enum cat_result	 cat_create(struct req *, enum cat_kind,
		    const struct cat_fields *, cJSON **);
enum cat_result	 cat_update(struct req *, enum cat_kind, int64_t id,
		    const struct cat_fields *, cJSON **);
enum cat_result	 cat_delete(struct req *, enum cat_kind, int64_t id);

#endif /* SSTS_CATALOG_H */
