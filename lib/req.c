/*
 * SSTS - the FastCGI side of a request.  This is the only file that
 * includes fcgiapp.h: it accepts a connection, copies the parameters a
 * handler may need into the request arena, reads a bounded body, and
 * writes the response.  libfcgi frees its parameter strings at the next
 * accept, so nothing here keeps a pointer to them.
 */
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>

#include "internal.h"

static FCGX_Request	 fcgx;	/* reused by every request of the worker */

int
fcgi_init(void)
{
	if (FCGX_Init() != 0)
		return 0;
	return FCGX_InitRequest(&fcgx, 0, 0) == 0;
}

static const char *
param(struct req *r, const char *name)
{
	const char	*v;

	v = FCGX_GetParam(name, fcgx.envp);
	return (v == NULL || *v == '\0') ? NULL : arena_strdup(&r->arena, v);
}

/*
 * Reads CONTENT_LENGTH bytes.  Returns 0 if fine, 413 if the body is too
 * large to buffer, 400 if the length is malformed or the body short.
 */
static int
read_body(struct req *r)
{
	const char	*cl;
	int64_t		 len;
	int		 got;

	cl = FCGX_GetParam("CONTENT_LENGTH", fcgx.envp);
	if (cl == NULL || *cl == '\0')
		return 0;
	if (parse_int64(cl, 0, INT64_MAX, &len) != 0)
		return 400;
	if (len > (int64_t)REQ_BODY_MAX)
		return 413;
	if ((r->body = arena_alloc(&r->arena, (size_t)len + 1)) == NULL)
		return 413;
	got = len > 0 ? FCGX_GetStr(r->body, (int)len, fcgx.in) : 0;
	if (got != (int)len)
		return 400;
	r->body[len] = '\0';
	r->body_len = (size_t)len;
	return 0;
}

/*
 * A multipart body is not read here: the upload handler streams it
 * (req_body_read).  Its declared length only bounds the reading.
 */
static int
stream_body(struct req *r)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", fcgx.envp);
	int64_t		 len;

	if (r->content_type == NULL || strcmp(r->method, "POST") != 0 ||
	    strncasecmp(r->content_type, "multipart/form-data", 19) != 0)
		return 0;
	if (cl == NULL || parse_int64(cl, 0, INT64_MAX, &len) != 0)
		r->body_status = 400;
	else if (len > cfg->max_upload + REQ_UPLOAD_OVERHEAD)
		r->body_status = 413;
	else
		r->body_left = len;
	r->body_stream = 1;
	return 1;
}

ssize_t
req_body_read(struct req *r, char *buf, size_t n)
{
	int	 got;

	if (r->fcgx == NULL || !r->body_stream || r->body_status != 0)
		return -1;
	if ((int64_t)n > r->body_left)
		n = (size_t)r->body_left;
	if (n > INT32_MAX)
		n = INT32_MAX;
	if (n == 0)
		return 0;
	/* Fewer bytes than announced: the client went away. */
	if ((got = FCGX_GetStr(buf, (int)n, fcgx.in)) <= 0)
		return -1;
	r->body_left -= got;
	return got;
}

/* nginx's $request_id ties our log lines to its access log. */
static void
req_set_id(struct req *r, const char *id)
{
	size_t	 i;

	if (id == NULL || strlen(id) != 32)
		return;
	for (i = 0; i < 32; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return;
	memcpy(r->rid, id, 33);
}

/* Returns 1 with the request filled, 0 when the worker must stop. */
int
fcgi_accept(struct req *r)
{
	if (FCGX_Accept_r(&fcgx) < 0)
		return 0;
	r->fcgx = &fcgx;
	r->method = param(r, "REQUEST_METHOD");
	r->path = param(r, "DOCUMENT_URI");
	r->query = param(r, "QUERY_STRING");
	r->content_type = param(r, "CONTENT_TYPE");
	r->cookie = param(r, "HTTP_COOKIE");
	r->authorization = param(r, "HTTP_AUTHORIZATION");
	r->remote_addr = param(r, "REMOTE_ADDR");
	r->user_agent = param(r, "HTTP_USER_AGENT");
	r->host = param(r, "HTTP_HOST");
	r->origin = param(r, "HTTP_ORIGIN");
	r->fetch_site = param(r, "HTTP_SEC_FETCH_SITE");
	r->idem_key = param(r, "HTTP_IDEMPOTENCY_KEY");
	r->site_origin = param(r, "SSTS_ORIGIN");
	req_set_id(r, FCGX_GetParam("REQUEST_ID", fcgx.envp));
	if (r->method == NULL)
		r->method = "GET";
	if (r->path == NULL)
		r->path = "/";
	if (!stream_body(r))
		r->body_status = read_body(r);
	return 1;
}

void
fcgi_write(struct req *r, const char *s, size_t n)
{
	if (r->fcgx == NULL || n == 0)
		return;
	/* A client that went away is not an error worth more than a log. */
	if (FCGX_PutStr(s, (int)n, fcgx.out) < 0)
		r->write_failed = 1;
}

/*
 * Sends what is buffered, then closes the connection without FastCGI's
 * end-of-request record: nginx takes the response as cut short by its
 * upstream and closes the client's connection without the body's end
 * (no last chunk).  The next accept takes a new connection.
 */
void
fcgi_abort(struct req *r)
{
	if (r->fcgx == NULL)
		return;
	FCGX_FFlush(fcgx.out);
	FCGX_Free(&fcgx, 1);
	r->fcgx = NULL;
}

void
fcgi_finish(struct req *r)
{
	if (r->fcgx != NULL)
		FCGX_Finish_r(&fcgx);
	r->fcgx = NULL;
}
