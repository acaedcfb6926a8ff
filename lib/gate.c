/*
 * SSTS - the gate that runs before any handler: route lookup (404, 405),
 * bounded input (400, 413, 415), the session (401, or the sign-in page),
 * the role (403) and, for page forms, the origin and CSRF token (403).
 * Deny by default: a handler runs only when every check passed.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define COOKIE_ANON_CSRF	"__Host-csrf"

static int
path_is_api(const char *path)
{
	return strcmp(path, "/api") == 0 || strncmp(path, "/api/", 5) == 0;
}

/*
 * Matches "path" against a pattern; ":x" segments capture an id.  A
 * non-numeric id makes *bad_id 1 (the route matched by shape).
 */
static int
pattern_match(const char *pat, const char *path, int64_t params[REQ_MAX_PARAMS],
    int *bad_id)
{
	size_t	 np = 0, pl, sl;
	char	 seg[32];

	*bad_id = 0;
	while (*pat != '\0' && *path != '\0') {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++, path++;
		pl = strcspn(pat, "/");
		sl = strcspn(path, "/");
		if (*pat == ':') {
			if (sl == 0 || np == REQ_MAX_PARAMS)
				return 0;
			if (sl >= sizeof(seg))
				*bad_id = 1;
			else {
				memcpy(seg, path, sl);
				seg[sl] = '\0';
				if (parse_int64(seg, 1, INT64_MAX, &params[np]) != 0 ||
				    seg[0] == '0')
					*bad_id = 1;
			}
			np++;
		} else if (pl != sl || strncmp(pat, path, pl) != 0)
			return 0;
		pat += pl;
		path += sl;
	}
	return *pat == '\0' && *path == '\0';
}

int
route_match(const struct route *rt, const char *method, const char *path,
    int64_t params[REQ_MAX_PARAMS], int *path_only)
{
	int	 bad_id;

	*path_only = 0;
	if (!pattern_match(rt->pattern, path, params, &bad_id))
		return 0;
	if (strcmp(rt->method, method) != 0 &&
	    !(strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
		*path_only = 1;
		return 0;
	}
	return bad_id ? -1 : 1;
}

static int
gate_route(struct req *r, const struct route *routes, size_t n)
{
	size_t	 i;
	int	 m, path_only, seen_path = 0;

	for (i = 0; i < n; i++) {
		m = route_match(&routes[i], r->method, r->path, r->params,
		    &path_only);
		seen_path |= path_only;
		if (m == -1) {
			if (r->is_api)
				resp_error(r, 400, "Invalid id");
			else
				resp_error(r, 404, "Page not found");
			return 0;
		}
		if (m == 1) {
			r->route = &routes[i];
			return 1;
		}
	}
	if (seen_path)
		resp_error(r, 405, "Method not allowed");
	else
		resp_error(r, 404, r->is_api ? "Not found" : "Page not found");
	return 0;
}

static int
body_kind_ok(struct req *r, enum core_err *rc)
{
	const char	*ct = r->content_type;

	*rc = CORE_OK;
	if (r->body_len == 0)
		return 1;
	if (ct == NULL)
		return 0;
	if (strncasecmp(ct, "application/json", 16) == 0)
		*rc = json_body_parse(&r->arena, r->body, r->body_len, &r->in);
	else if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		*rc = form_parse(&r->arena, r->body, r->body_len, &r->in);
	else
		return 0;
	return 1;
}

/* Query string and body into r->in; answers 400/413/415 itself. */
static int
gate_input(struct req *r)
{
	enum core_err	 rc;
	int		 has_body;

	if (r->body_status != 0) {
		resp_error(r, r->body_status, r->body_status == 413 ?
		    "Request body too large" : "Malformed request");
		return 0;
	}
	if (r->body_stream && !(r->route->flags & ROUTE_UPLOAD)) {
		resp_error(r, 415, "Unsupported content type");
		return 0;
	}
	has_body = strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0;
	/* Fields come from the query on GET, from the body otherwise. */
	if (r->query != NULL && form_parse(&r->arena, r->query,
	    strlen(r->query), has_body ? &r->qin : &r->in) != CORE_OK) {
		resp_error(r, 400, "Malformed query string");
		return 0;
	}
	if (!has_body || r->body_stream)	/* the upload handler reads it */
		return 1;
	if (!body_kind_ok(r, &rc)) {
		resp_error(r, 415, "Unsupported content type");
		return 0;
	}
	if (rc == CORE_EDUP)
		resp_error(r, 400, "Duplicate key in request body");
	else if (rc == CORE_ETOOBIG)
		resp_error(r, 400, "Too many parameters");
	else if (rc != CORE_OK)
		resp_error(r, 400, "Malformed request body");
	return rc == CORE_OK;
}

static int
role_allows(enum perm p, const struct req *r)
{
	switch (p) {
	case PERM_PUBLIC:
		return 1;
	case PERM_USER:
		return r->authed;
	case PERM_STAFF:
		return r->authed && r->user.role >= ROLE_AGENT;
	case PERM_ADMIN:
		return r->authed && r->user.role == ROLE_ADMIN;
	default:
		return 0;
	}
}

static void
gate_login_redirect(struct req *r)
{
	const char	*next;

	next = strcmp(r->method, "GET") == 0 ?
	    arena_printf(&r->arena, "/login?next=%s", r->path) : "/login";
	resp_redirect(r, next ? next : "/login");
}

/*
 * A signed-in user refused by role (API.md §3 item 7): one audit row of
 * its own, with the route's pattern rather than the path as typed.
 */
static void
gate_denied(struct req *r)
{
	cJSON	*p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "method", r->method);
	cJSON_AddStringToObject(p, "route", r->route->pattern);
	cJSON_AddStringToObject(p, "required", r->route->perm == PERM_ADMIN ?
	    "admin" : "agent or admin");
	cJSON_AddStringToObject(p, "role", role_name(r->user.role));
	if (audit_log(r, "user", r->user.id, "access_denied", r->user.id, p) !=
	    CORE_OK)
		log_event(r, "audit of a refused request could not be written");
	cJSON_Delete(p);
}

static int
gate_session(struct req *r)
{
	const char	*why = NULL;
	int		 status = 0;

	sess_from_request(r, &status, &why);
	if (status == 503) {
		resp_error(r, 503, r->is_api ? "Service temporarily unavailable" :
		    "The service is temporarily unavailable. Please try again "
		    "in a moment.");
		return 0;
	}
	if (role_allows(r->route->perm, r))
		return 1;
	if (!r->authed) {
		if (!r->is_api)
			gate_login_redirect(r);
		else
			resp_error(r, status ? status : 401,
			    why ? why : "Missing authorization header");
		return 0;
	}
	gate_denied(r);
	resp_error(r, 403, r->is_api ? "Insufficient permissions" :
	    "You do not have permission to see this page.");
	return 0;
}

/*
 * The form token of an anonymous visitor is bound to a random cookie.
 * "create" sets a new cookie when there is none (a page with a form is
 * being rendered); a POST without it simply has no valid token.
 */
void
csrf_prepare(struct req *r, int create)
{
	const char	*seed;
	char		 fresh[32];

	if (r->authed || r->csrf[0] != '\0')
		return;
	seed = r->cookie ? cookie_get(&r->arena, r->cookie,
	    COOKIE_ANON_CSRF) : NULL;
	if (seed == NULL || strlen(seed) < 16 || strlen(seed) > 64) {
		if (!create)
			return;
		token_random(fresh, sizeof(fresh), 16);
		seed = arena_strdup(&r->arena, fresh);
		resp_cookie(r, COOKIE_ANON_CSRF, seed, -1);
	}
	csrf_make(r, r->csrf, seed);
}

int
req_csrf_ok(struct req *r)
{
	const struct kv	*tok = kv_find(&r->in, "csrf");

	if (kv_count(&r->in, "csrf") != 1 || tok->val == NULL ||
	    !csrf_ok(r, tok->val))
		return 0;
	r->csrf_pending = 0;
	return 1;
}

/* Same-origin and token checks for state-changing page requests. */
static int
gate_csrf(struct req *r)
{
	const char	*want;

	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return 1;
	csrf_prepare(r, 0);
	if (r->fetch_site != NULL && strcmp(r->fetch_site, "same-origin") != 0)
		goto deny;
	/* "Origin: null" is what a browser sends under a strict referrer
	 * policy; the fetch metadata above then vouches for same-origin. */
	if (r->origin != NULL && !(strcmp(r->origin, "null") == 0 &&
	    r->fetch_site != NULL)) {
		want = r->site_origin ? r->site_origin : arena_printf(&r->arena,
		    "https://%s", r->host ? r->host : "");
		if (want == NULL || strcmp(r->origin, want) != 0)
			goto deny;
	}
	/* An upload's token is a part of its body: lib/attach.c checks it
	 * before it keeps anything. */
	if (r->body_stream) {
		r->csrf_pending = 1;
		return 1;
	}
	if (!req_csrf_ok(r))
		goto deny;
	return 1;
deny:
	log_event(r, "csrf check failed on %s", r->path);
	resp_error(r, 403, "This form has expired or did not come from this "
	    "site. Please reload the page and try again.");
	return 0;
}

static int
path_is_clean(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Returns 1 when the handler may run; otherwise a response was sent. */
int
req_gate(struct req *r, const struct route *routes, size_t n)
{
	r->is_api = path_is_api(r->path);
	if (!path_is_clean(r->path)) {
		resp_error(r, 400, "Malformed request");
		return 0;
	}
	if (cors_handle(r))
		return 0;
	if (!gate_route(r, routes, n) || !gate_input(r) || !gate_session(r))
		return 0;
	if (!r->is_api && !gate_csrf(r))
		return 0;
	return 1;
}
