/*
 * SSTS - CORS for the JSON API (API.md §1): browser applications on the
 * origins listed in SSTS_CORS_ORIGINS (comma-separated; none by default)
 * may call /api/ with bearer tokens.  Credentials (cookies) are never
 * allowed cross-origin, and any other origin simply gets no CORS headers.
 */
#include <string.h>

#include "internal.h"

/* Is "origin" one of the configured ones?  Exact, case-sensitive match. */
static int
cors_allowed(const char *origin)
{
	const char	*p, *list = cfg->cors_origins;
	size_t		 n = strlen(origin);

	if (list == NULL || n == 0 || strcmp(origin, "null") == 0)
		return 0;
	for (p = list; *p != '\0'; p += strcspn(p, ",")) {
		p += strspn(p, ", ");
		if (strncmp(p, origin, n) == 0 && (p[n] == ',' || p[n] == '\0' ||
		    p[n] == ' '))
			return 1;
	}
	return 0;
}

/*
 * Adds the CORS headers to an API response; answers a preflight itself.
 * Returns 1 if the request was a preflight (and is answered).
 */
int
cors_handle(struct req *r)
{
	int	 ok;

	if (!r->is_api)
		return 0;
	ok = r->origin != NULL && cors_allowed(r->origin);
	if (ok) {
		resp_header(r, "Access-Control-Allow-Origin", r->origin);
		resp_header(r, "Vary", "Origin");
	}
	if (strcmp(r->method, "OPTIONS") != 0)
		return 0;
	if (ok) {
		resp_header(r, "Access-Control-Allow-Methods",
		    "GET, POST, PATCH, DELETE, OPTIONS");
		resp_header(r, "Access-Control-Allow-Headers",
		    "Content-Type, Authorization, Idempotency-Key");
		resp_header(r, "Access-Control-Max-Age", "600");
	}
	resp_text(r, 204, "text/plain; charset=utf-8", "");
	return 1;
}
