/*
 * SSTS - command-line administration, run by the stack scripts and by
 * operators (not a FastCGI program).
 *
 *   sstsctl bootstrap-admin   create the first admin if there is none:
 *                             SSTS_ADMIN_EMAIL (default admin@localhost),
 *                             SSTS_ADMIN_PASSWORD (default: random,
 *                             printed once and stored nowhere in clear)
 *   sstsctl sweep-uploads [min-age-seconds]
 *                             remove files of UPLOAD_DIR that have no row
 *                             (and unfinished temp files) older than
 *                             min-age (default 3600): what a crash between
 *                             storing a file and committing its row leaves
 *   sstsctl audit-verify      walk the audit log's hash chain; exit 1 and
 *                             name the first broken link if there is one
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ssts.h"
#include "attach.h"
#include "auditlog.h"

static const struct field_spec email_spec =
	{ "email", VALID_EMAIL, 1, 255, 0, 0, 1 };

static void
random_password(char out[32])
{
	do
		token_random(out, 32, 12);
	while (pw_policy(out) != NULL);
}

static int
admin_insert(struct req *r, const char *email, const char *password)
{
	char		 hash[128], id[24];
	const char	*p[4];
	struct rows	 rs;
	cJSON		*j;
	int		 ok;

	if (pw_hash(hash, password) != 0)
		return 0;
	p[0] = "Administrator";
	p[1] = email;
	p[2] = hash;
	p[3] = "admin";
	if (db_begin(r) != CORE_OK)
		return 0;
	ok = db_run(r, STMT_USER_INSERT, p, &rs) == CORE_OK && rs.n == 1;
	if (ok) {
		snprintf(id, sizeof(id), "%s", ROW(&rs, 0, 0));
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "email", email);
		cJSON_AddStringToObject(j, "role", "admin");
		cJSON_AddStringToObject(j, "via", "sstsctl bootstrap-admin");
		ok = audit_log(r, "user", strtoll(id, NULL, 10), "created", 0,
		    j) == CORE_OK;
		cJSON_Delete(j);
	}
	if (ok && db_commit(r) == CORE_OK)
		return 1;
	db_rollback(r);
	return 0;
}

static int
bootstrap_admin(struct req *r)
{
	struct rows	 rs;
	const char	*email, *pw, *why, *norm = NULL;
	char		 gen[32];
	int64_t		 num;

	if (db_run(r, STMT_ADMIN_FIRST, NULL, &rs) != CORE_OK) {
		fprintf(stderr, "sstsctl: database not reachable\n");
		return 1;
	}
	if (rs.n > 0) {
		printf("admin exists: %s\n", ROW(&rs, 0, 0));
		return 0;
	}
	email = getenv("SSTS_ADMIN_EMAIL");
	if (email == NULL || *email == '\0')
		email = "admin@localhost";
	if ((why = valid_check(&r->arena, &email_spec, email, strlen(email),
	    &norm, &num)) != NULL) {
		fprintf(stderr, "sstsctl: SSTS_ADMIN_EMAIL %s\n", why);
		return 1;
	}
	pw = getenv("SSTS_ADMIN_PASSWORD");
	if (pw == NULL || *pw == '\0') {
		random_password(gen);
		pw = gen;
	} else if ((why = pw_policy(pw)) != NULL) {
		fprintf(stderr, "sstsctl: SSTS_ADMIN_PASSWORD %s\n", why);
		return 1;
	}
	if (!admin_insert(r, norm, pw)) {
		fprintf(stderr, "sstsctl: could not create the admin\n");
		return 1;
	}
	printf("admin e-mail: %s\n", norm);
	if (pw == gen)
		printf("admin password: %s\n", gen);
	return 0;
}

static int
sweep_uploads(struct req *r, const char *age)
{
	const char	*dir = getenv("UPLOAD_DIR");
	int64_t		 min_age = 3600;
	int		 n;

	if (dir == NULL || *dir == '\0' || (age != NULL &&
	    parse_int64(age, 0, 365 * 86400, &min_age) != 0)) {
		fprintf(stderr, "sstsctl: set UPLOAD_DIR; min-age is seconds\n");
		return 2;
	}
	if ((n = at_sweep(r, dir, (unsigned)min_age)) < 0) {
		fprintf(stderr, "sstsctl: cannot sweep %s\n", dir);
		return 1;
	}
	printf("sweep: %d file(s) removed\n", n);
	return 0;
}

static int
audit_verify(struct req *r)
{
	struct al_verdict v;

	if (auditlog_verify(r, &v) != CORE_OK) {
		fprintf(stderr, "sstsctl: database not reachable\n");
		return 1;
	}
	if (v.ok) {
		printf("audit chain ok: %lld links, head %lld %s\n",
		    (long long)v.links, (long long)v.seq, v.hash);
		return 0;
	}
	if (v.seq == 0)		/* a row without a link: no link to name */
		printf("audit chain BROKEN: audit row %lld has no link; the "
		    "%lld links verify\n", (long long)v.audit_id,
		    (long long)v.links);
	else
		printf("audit chain BROKEN at link %lld (audit row %lld): %s; "
		    "the %lld links before it verify\n", (long long)v.seq,
		    (long long)v.audit_id, v.reason, (long long)v.links);
	return 1;
}

/* Which command, or -1: 0 bootstrap-admin, 1 sweep-uploads, 2 audit-verify. */
static int
command(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "bootstrap-admin") == 0)
		return 0;
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "sweep-uploads") == 0)
		return 1;
	if (argc == 2 && strcmp(argv[1], "audit-verify") == 0)
		return 2;
	return -1;
}

int
main(int argc, char *argv[])
{
	struct req	 r;
	const char	*url;
	int		 rc, cmd;

	if ((cmd = command(argc, argv)) < 0) {
		fprintf(stderr, "usage: sstsctl bootstrap-admin | "
		    "sweep-uploads [min-age-seconds] | audit-verify\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	url = getenv("DATABASE_URL");
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 1024 * 1024);
	snprintf(r.rid, sizeof(r.rid), "sstsctl");
	r.remote_addr = "local";
	r.user_agent = "sstsctl";
	if (url == NULL || !db_init(url)) {
		fprintf(stderr, "sstsctl: set DATABASE_URL to a reachable database\n");
		return 1;
	}
	rc = cmd == 1 ? sweep_uploads(&r, argv[2]) : cmd == 2 ?
	    audit_verify(&r) : bootstrap_admin(&r);
	db_fini();
	arena_free(&r.arena);
	return rc;
}
