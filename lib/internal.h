/*
 * SSTS - declarations shared between lib/ modules only.  Route files
 * include ssts.h, never this.
 */
#ifndef SSTS_INTERNAL_H
#define SSTS_INTERNAL_H

#include "ssts.h"

#define REQ_ARENA_CAP	(16u * 1024 * 1024)	/* bytes per request */
#define REQ_BODY_MAX	(1024u * 1024)		/* non-upload bodies */
#define REQ_UPLOAD_OVERHEAD (64 * 1024)		/* multipart framing and fields */

int	 config_load(const char *group);
/* lib/kv.c: appends a pair (arena copies are the caller's). */
enum core_err	 kv_append(struct arena *, struct kvlist *, char *key,
		    char *val, size_t vlen, int json_type);
/* lib/req.c: the only place that talks to libfcgi. */
int	 fcgi_init(void);
int	 fcgi_accept(struct req *);
void	 fcgi_write(struct req *, const char *, size_t);
void	 fcgi_finish(struct req *);
void	 fcgi_abort(struct req *);
/* lib/page.c */
void	 page_free(struct req *);
/* lib/gate.c */
int	 route_match(const struct route *, const char *method, const char *path,
	    int64_t params[REQ_MAX_PARAMS], int *path_only);
/* lib/cors.c: 1 if the request was a preflight, now answered. */
int	 cors_handle(struct req *);
/* lib/sess.c */
int	 sess_from_request(struct req *, int *status, const char **why);

#endif /* SSTS_INTERNAL_H */
