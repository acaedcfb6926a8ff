/*
 * SSTS - libFuzzer harness Z9: route and path-id decoding (route_match
 * in lib/gate.c).  Input: the first byte picks the method (byte % 8;
 * the seeds use '0' GET, '1' HEAD, '2' POST, '3' PUT, '4' DELETE), the
 * rest (up to a NUL) is the request path, already percent-decoded as
 * lib/req.c hands it over.  It is matched against a fixed table of
 * realistic patterns.  Oracles: route_match agrees with a simple
 * reference matcher written here (split on '/', compare segments,
 * canonical decimal ids in 1..INT64_MAX) on the result, on path_only
 * and on every captured id; a captured id's decimal text is exactly
 * its path segment (so it appears verbatim in the path: no second
 * decoding, no leading zeros or signs); slots past the pattern's ids
 * are never written.
 */
#include <stdint.h>

#include "internal.h"
#include "fuzz-common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define SENTINEL	((int64_t)-0x5a5a5a5a)
#define MAX_SEGS	64

static void
nop(struct req *r)
{
	(void)r;
}

static const struct route routes[] = {
	{ "GET", "/api/tickets/:id", PERM_USER, nop, 0 },
	{ "POST", "/api/tickets/:id/comments", PERM_USER, nop, 0 },
	{ "GET", "/tickets/:id", PERM_USER, nop, 0 },
	{ "PUT", "/api/users/:id/password", PERM_USER, nop, 0 },
	{ "GET", "/", PERM_PUBLIC, nop, 0 },
	{ "POST", "/api/auth/login", PERM_PUBLIC, nop, 0 },
	{ "DELETE", "/api/tickets/:id/attachments/:id", PERM_STAFF, nop, 0 },
	{ "GET", "/a/:id/:id/:id/:id", PERM_ADMIN, nop, 0 },
	{ "GET", "/a/:id/:id/:id/:id/:id", PERM_ADMIN, nop, 0 },	/* > max */
};

static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "get", ""
};

/*
 * ---- link stubs ----------------------------------------------------
 * lib/gate.c also holds req_gate(), which calls into lib/resp.c,
 * lib/sess.c and lib/log.c.  route_match() never reaches them, so they
 * are stubbed here (and abort if ever called) rather than compiling the
 * database and FastCGI layers into the harness.
 */
void
resp_error(struct req *r, int status, const char *message)
{
	(void)r, (void)status, (void)message;
	abort();
}

void
resp_redirect(struct req *r, const char *location)
{
	(void)r, (void)location;
	abort();
}

void
resp_cookie(struct req *r, const char *name, const char *value,
    int64_t max_age)
{
	(void)r, (void)name, (void)value, (void)max_age;
	abort();
}

int
sess_from_request(struct req *r, int *status, const char **why)
{
	(void)r, (void)status, (void)why;
	abort();
}

void
csrf_make(const struct req *r, char out[64], const char *seed)
{
	(void)r, (void)out, (void)seed;
	abort();
}

int
csrf_ok(const struct req *r, const char *given)
{
	(void)r, (void)given;
	abort();
}

void
log_event(const struct req *r, const char *fmt, ...)
{
	(void)r, (void)fmt;
	abort();
}

int
cors_handle(struct req *r)
{
	(void)r;
	abort();
}

const char *
role_name(enum role role)
{
	(void)role;
	abort();
}

enum core_err
audit_log(struct req *r, const char *entity_type, int64_t entity_id,
    const char *action, int64_t performed_by, const cJSON *payload)
{
	(void)r, (void)entity_type, (void)entity_id, (void)action;
	(void)performed_by, (void)payload;
	abort();
}
/* ---- end of link stubs ---------------------------------------------- */

struct seg {
	const char	*s;
	size_t		 n;
};

/* Splits "/a/b" into {a, b}; returns the count, or -1 if too many. */
static int
split(const char *p, struct seg *v)
{
	int	 n = 0;

	while (*p == '/') {
		if (n == MAX_SEGS)
			return -1;
		p++;
		v[n].s = p;
		v[n].n = strcspn(p, "/");
		p += v[n++].n;
	}
	return *p == '\0' ? n : -2;	/* -2: does not start with '/' */
}

/* Reference id check: canonical decimal in 1..INT64_MAX. */
static int
ref_id(const struct seg *g, int64_t *out)
{
	static const char	 max[] = "9223372036854775807";
	size_t			 i;
	int64_t			 v = 0;

	if (g->n == 0 || g->n > 19 || g->s[0] < '1' || g->s[0] > '9')
		return 0;
	for (i = 0; i < g->n; i++)
		if (g->s[i] < '0' || g->s[i] > '9')
			return 0;
	if (g->n == 19 && memcmp(g->s, max, 19) > 0)
		return 0;
	for (i = 0; i < g->n; i++)
		v = v * 10 + (g->s[i] - '0');
	*out = v;
	return 1;
}

/* The reference matcher: same contract as route_match. */
static int
ref_match(const struct route *rt, const char *method, const char *path,
    int64_t ids[REQ_MAX_PARAMS], int *path_only)
{
	struct seg	 ps[MAX_SEGS], qs[MAX_SEGS];
	int		 np, nq, i, k = 0, bad = 0;

	*path_only = 0;
	np = split(rt->pattern, ps);
	nq = split(path, qs);
	CHECK(np >= 1);
	if (nq != np)
		return 0;
	for (i = 0; i < np; i++) {
		if (ps[i].s[0] == ':') {
			if (qs[i].n == 0 || k == REQ_MAX_PARAMS)
				return 0;
			if (!ref_id(&qs[i], &ids[k]))
				bad = 1;
			k++;
		} else if (ps[i].n != qs[i].n ||
		    memcmp(ps[i].s, qs[i].s, ps[i].n) != 0)
			return 0;
	}
	if (strcmp(rt->method, method) != 0 &&
	    !(strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
		*path_only = 1;
		return 0;
	}
	return bad ? -1 : 1;
}

static int
pattern_ids(const char *pat)
{
	int	 n = 0;

	for (; *pat != '\0'; pat++)
		n += *pat == ':';
	return n;
}

/* The k-th ":id" segment of "path" under "pat" (the route matched). */
static struct seg
id_segment(const char *pat, const char *path, int k)
{
	struct seg	 ps[MAX_SEGS], qs[MAX_SEGS], none = { "", 0 };
	int		 n, i;

	n = split(pat, ps);
	CHECK(split(path, qs) == n);
	for (i = 0; i < n; i++)
		if (ps[i].s[0] == ':' && k-- == 0)
			return qs[i];
	CHECK(0);
	return none;
}

static void
check_route(const struct route *rt, const char *method, const char *path)
{
	int64_t		 got[REQ_MAX_PARAMS], want[REQ_MAX_PARAMS];
	char		 dec[24];
	struct seg	 g;
	int		 m, rm, po, rpo, k, nid;

	for (k = 0; k < REQ_MAX_PARAMS; k++)
		got[k] = want[k] = SENTINEL;
	po = 7;
	m = route_match(rt, method, path, got, &po);
	rm = ref_match(rt, method, path, want, &rpo);
	CHECK(m == -1 || m == 0 || m == 1);
	CHECK(po == 0 || po == 1);
	CHECK(m == rm);
	CHECK(po == rpo);
	CHECK(po == 0 || m == 0);
	nid = pattern_ids(rt->pattern);
	for (k = nid; k < REQ_MAX_PARAMS; k++)
		CHECK(got[k] == SENTINEL);
	if (m != 1)
		return;
	CHECK(nid <= REQ_MAX_PARAMS);
	for (k = 0; k < nid; k++) {
		CHECK(got[k] >= 1);	/* <= INT64_MAX by type */
		CHECK(got[k] == want[k]);
		snprintf(dec, sizeof(dec), "%lld", (long long)got[k]);
		CHECK(strstr(path, dec) != NULL);
		g = id_segment(rt->pattern, path, k);
		CHECK(g.n == strlen(dec) && memcmp(g.s, dec, g.n) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*method;
	char		*path;
	size_t		 i, n;

	if (size == 0)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	n = strnlen((const char *)data + 1, size - 1);
	/* A heap copy of exactly n + 1 bytes, so ASan sees any overread. */
	if ((path = malloc(n + 1)) == NULL)
		return 0;
	memcpy(path, data + 1, n);
	path[n] = '\0';
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		check_route(&routes[i], method, path);
	free(path);
	return 0;
}
