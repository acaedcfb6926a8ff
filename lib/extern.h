/*
 * SSTS - internal declarations shared by lib/ modules only.  Route
 * files include ssts.h, never this file.
 */
#ifndef SSTS_EXTERN_H
#define SSTS_EXTERN_H

/* Appends one pair (pointers are kept, not copied); CORE_ETOOBIG past KV_MAX_PAIRS. */
enum core_err	 kv_append(struct arena *, struct kvlist *, char *key,
		    char *val, size_t vlen, int json_type);

#endif /* SSTS_EXTERN_H */
