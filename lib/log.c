/*
 * SSTS - logging.  One line per request and per security event on the
 * worker's stderr (collected in $SSTS_VAR/log/).  Lines never carry a
 * secret: no tokens, passwords, cookies or request bodies.  Control
 * characters in logged values are replaced so one event stays one line.
 */
#include <stdio.h>
#include <time.h>

#include "ssts.h"

static void
log_prefix(const struct req *r, char *out, size_t outsz)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, outsz, "%s.%03ldZ %s rid=%s", when,
	    ts.tv_nsec / 1000000, cfg ? cfg->group : "-",
	    r ? r->rid : "-");
}

static void
log_line(const char *prefix, const char *msg)
{
	char	 clean[1024];
	size_t	 i;

	for (i = 0; msg[i] != '\0' && i < sizeof(clean) - 1; i++)
		clean[i] = ((unsigned char)msg[i] < 0x20 ||
		    msg[i] == 0x7f) ? ' ' : msg[i];
	clean[i] = '\0';
	fprintf(stderr, "%s %s\n", prefix, clean);
}

void
log_event(const struct req *r, const char *fmt, ...)
{
	char	 prefix[128], msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_prefix(r, prefix, sizeof(prefix));
	log_line(prefix, msg);
}

void
log_request(const struct req *r)
{
	struct timespec	 now;
	double		 ms;
	char		 prefix[128], msg[1024];

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - r->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - r->start.tv_nsec) / 1e6;
	snprintf(msg, sizeof(msg), "%s %s route=%s status=%d ms=%.2f uid=%lld",
	    r->method ? r->method : "-", r->path ? r->path : "-",
	    r->route ? r->route->pattern : "-", r->status, ms,
	    (long long)(r->authed ? r->user.id : 0));
	log_prefix(r, prefix, sizeof(prefix));
	log_line(prefix, msg);
	fflush(stderr);
}
