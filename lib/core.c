/*
 * SSTS - the worker's life: core_init() before the accept loop, then
 * req_accept() / req_gate() / handler / req_finish() per request.
 * req_finish() is the one place where a request's memory and state are
 * released, so nothing of one request survives into the next.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "totp.h"

static struct arena	 worker_arena;	/* reused, reset per request */

/*
 * A worker that cannot start waits a second before exiting, so that its
 * supervisor (which respawns at once) does not spin on the CPU.
 */
static int
core_refuse(void)
{
	sleep(1);
	return 0;
}

int
core_init(const char *group)
{
	char	 dir[4096];

	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0 || !totp_init()) {
		fprintf(stderr, "%s: libsodium or liboath failed to start\n",
		    group);
		return core_refuse();
	}
	if (!config_load(group))
		return core_refuse();
	if ((size_t)snprintf(dir, sizeof(dir), "%s/templates", cfg->root) >=
	    sizeof(dir) || !tmpl_init(dir)) {
		fprintf(stderr, "%s: cannot load templates\n", group);
		return core_refuse();
	}
	if (!db_init(cfg->db_url))
		log_event(NULL, "database not reachable yet; will retry");
	if (!fcgi_init()) {
		fprintf(stderr, "%s: FastCGI initialisation failed\n", group);
		return core_refuse();
	}
	arena_init(&worker_arena, REQ_ARENA_CAP);
	log_event(NULL, "worker ready");
	return 1;
}

void
core_fini(void)
{
	db_fini();
	tmpl_fini();
	totp_fini();
	arena_free(&worker_arena);
}

static void
req_new_id(struct req *r)
{
	unsigned char	 id[8];

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(r->rid, sizeof(r->rid), id, sizeof(id));
}

int
req_accept(struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->arena = worker_arena;
	buf_init(&r->hdr, &r->arena, 16 * 1024);
	if (!fcgi_accept(r)) {
		worker_arena = r->arena;
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	if (r->rid[0] == '\0')
		req_new_id(r);
	return 1;
}

void *
req_own(struct req *r, cJSON *j)
{
	if (j == NULL)
		return NULL;
	if (r->nowned == REQ_MAX_OWNED) {	/* a programming error */
		log_event(r, "too many owned JSON trees");
		cJSON_Delete(j);
		return NULL;
	}
	r->owned[r->nowned++] = j;
	return j;
}

void
req_finish(struct req *r)
{
	size_t	 i;

	if (r->status == 0)
		resp_error(r, 500, "Internal server error");
	log_request(r);
	db_check_idle(r);
	page_free(r);
	for (i = 0; i < r->nowned; i++)
		cJSON_Delete(r->owned[i]);
	if (r->cut)
		fcgi_abort(r);
	else
		fcgi_finish(r);
	arena_reset(&r->arena);
	worker_arena = r->arena;
	memset(r, 0, sizeof(*r));
}
