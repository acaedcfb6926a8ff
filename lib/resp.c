/*
 * SSTS - responses.  Status line and headers go out once through
 * resp_begin(); every dynamic response is `Cache-Control: no-store`
 * (security headers are added by nginx to every response).  Errors are
 * JSON {"error": ...} on /api/ and a styled page elsewhere, and never
 * carry server text.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* Header values never carry CR or LF: a split header is an injection. */
static int
header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

void
resp_header(struct req *r, const char *name, const char *value)
{
	if (r->status != 0 || !header_safe(name) || !header_safe(value))
		return;
	buf_printf(&r->hdr, "%s: %s\r\n", name, value);
}

void
resp_cookie(struct req *r, const char *name, const char *value, int64_t max_age)
{
	const char	*line;

	if (value == NULL)
		line = arena_printf(&r->arena, "%s=; Path=/; Max-Age=0; Secure;"
		    " HttpOnly; SameSite=Lax", name);
	else if (max_age < 0)
		line = arena_printf(&r->arena, "%s=%s; Path=/; Secure; HttpOnly;"
		    " SameSite=Lax", name, value);
	else
		line = arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%lld;"
		    " Secure; HttpOnly; SameSite=Lax", name, value,
		    (long long)max_age);
	if (line != NULL)
		resp_header(r, "Set-Cookie", line);
}

void
resp_begin(struct req *r, int status, const char *mime)
{
	char	 head[256];
	int	 n;

	if (r->status != 0)
		return;
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Type: %s\r\nCache-Control: no-store\r\n",
	    status, status_text(status), mime);
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	r->status = status;
	fcgi_write(r, head, (size_t)n);
	if (r->hdr.len > 0 && r->hdr.err == CORE_OK)
		fcgi_write(r, r->hdr.data, r->hdr.len);
	fcgi_write(r, "\r\n", 2);
}

void
resp_write(struct req *r, const char *s, size_t n)
{
	fcgi_write(r, s, n);
}

void
resp_cut(struct req *r)
{
	r->cut = 1;
}

void
resp_puts(struct req *r, const char *s)
{
	fcgi_write(r, s, strlen(s));
}

void
resp_text(struct req *r, int status, const char *mime, const char *text)
{
	resp_begin(r, status, mime);
	if (strcmp(r->method, "HEAD") != 0)
		resp_puts(r, text);
}

void
resp_json(struct req *r, int status, const cJSON *j)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(j)) == NULL) {
		resp_text(r, 500, "application/json; charset=utf-8",
		    "{\"error\":\"Internal server error\"}");
		return;
	}
	resp_json_text(r, status, s);
	cJSON_free(s);
}

/* JSON text made elsewhere (the database's, or a buf). */
void
resp_json_text(struct req *r, int status, const char *text)
{
	resp_text(r, status, "application/json; charset=utf-8", text);
}

void
resp_error(struct req *r, int status, const char *message)
{
	cJSON	*j;

	if (r->status != 0)
		return;
	if (!r->is_api) {
		page_error(r, status, message);
		return;
	}
	if (status == 405)
		resp_header(r, "Allow", r->route ? r->route->method : "GET");
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "error", message);
	resp_json(r, status, j);
	cJSON_Delete(j);
}

/* 400 {"error":"Validation failed","details":[{path,msg}]}; never values. */
void
resp_validation(struct req *r, const struct field_spec *specs, size_t n,
    const struct field *f)
{
	cJSON	*j, *details, *d;
	size_t	 i;

	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "error", "Validation failed");
	details = cJSON_AddArrayToObject(j, "details");
	for (i = 0; i < n; i++) {
		if (f[i].err == NULL)
			continue;
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "path", specs[i].name);
		cJSON_AddStringToObject(d, "msg", f[i].err);
		cJSON_AddItemToArray(details, d);
	}
	resp_json(r, 400, j);
	cJSON_Delete(j);
}

void
resp_redirect(struct req *r, const char *location)
{
	resp_header(r, "Location", location);
	resp_text(r, 303, "text/html; charset=utf-8", "");
}

void
resp_flash(struct req *r, const char *key)
{
	resp_cookie(r, "__Host-flash", key, 60);
}
