#!/usr/bin/env bash
# nginx/stack.sh start|stop|run|status|env|audit-verify
#
# Runs the whole SSTS stack from a built tree (what `make run` does after the
# build; contract in DESIGN.md §3): state under $SSTS_VAR (default <repo>/var),
# secrets, a self-signed certificate, the embedded PostgreSQL (sql/pg.sh)
# unless DATABASE_URL is given, migrations, the first admin, one
# spawn-fcgi + multiwatch supervisor per route group, and nginx.
#
#   run     start everything, print the URL and the admin credentials, stay in
#           the foreground until Ctrl-C (or TERM), then stop everything
#   start   the same, in the background; returns once /healthz answers
#   stop    stop exactly the processes named by $SSTS_VAR/run/*.pid, then
#           the embedded PostgreSQL
#   status  what is running
#   env     the environment for tests (shell `export` lines, no secrets)
#   audit-verify  check the audit log's hash chain (exit 1 if broken)
#
# SSTS_BIN names another directory of built programs (e.g. the ASan build).
#
# Started as root, every long-running process runs as the unprivileged system
# user "ssts" (PostgreSQL refuses root; nginx and the workers share that user
# so that the 0660 FastCGI sockets are theirs alone).
set -euo pipefail

RUNAS_USER=ssts
NGINX=${SSTS_NGINX:-/usr/sbin/nginx}
SPAWN_FCGI=/usr/bin/spawn-fcgi
MULTIWATCH=/usr/bin/multiwatch
START_TIMEOUT=${SSTS_START_TIMEOUT:-20}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(dirname "$here")

die() { printf 'stack: %s\n' "$*" >&2; exit 1; }
say() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: warning: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---- configuration -------------------------------------------------------

is_port() {
	[[ $1 =~ ^[0-9]{1,5}$ ]] || return 1
	[ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

https_port=${SSTS_HTTPS_PORT:-8443}
http_port=${SSTS_HTTP_PORT:-8080}
pg_port=${SSTS_PG_PORT:-5432}
listen=${SSTS_LISTEN:-127.0.0.1}
workers=${SSTS_WORKERS:-2}
groups_list=${SSTS_GROUPS:-auth tickets desk attachments catalog users people account mfa reports audit}
auth_rate=${SSTS_AUTH_RATE:-10r/m}
auth_burst=${SSTS_AUTH_BURST:-10}
export_rate=${SSTS_EXPORT_RATE:-6r/m}
export_burst=${SSTS_EXPORT_BURST:-10}

is_port "$https_port" || die "SSTS_HTTPS_PORT must be a port number"
is_port "$http_port" || die "SSTS_HTTP_PORT must be a port number"
is_port "$pg_port" || die "SSTS_PG_PORT must be a port number"
[ "$https_port" != "$http_port" ] || die "SSTS_HTTPS_PORT and SSTS_HTTP_PORT must differ"
if ! [[ $workers =~ ^[0-9]+$ ]] || [ "$workers" -lt 1 ] || [ "$workers" -gt 64 ]; then
	die "SSTS_WORKERS must be 1..64"
fi
[[ $auth_rate =~ ^[0-9]+r/[sm]$ ]] || die "SSTS_AUTH_RATE must look like 10r/m or 5r/s"
[[ $auth_burst =~ ^[0-9]+$ ]] || die "SSTS_AUTH_BURST must be a number"
[[ $export_rate =~ ^[0-9]+r/[sm]$ ]] || die "SSTS_EXPORT_RATE must look like 6r/m or 1r/s"
[[ $export_burst =~ ^[0-9]+$ ]] || die "SSTS_EXPORT_BURST must be a number"
[[ $listen =~ ^[0-9A-Fa-f.:]+$ ]] || die "SSTS_LISTEN must be an IP address"
for g in $groups_list; do
	[[ $g =~ ^[a-z][a-z0-9_]*$ ]] || die "bad route group name in SSTS_GROUPS: $g"
done

# $SSTS_VAR may be relative to the current directory; use its absolute form.
var=${SSTS_VAR:-$root/var}
mkdir -p -- "$var" || die "cannot create SSTS_VAR=$var"
var=$(cd -- "$var" && pwd -P)
export SSTS_VAR=$var SSTS_PG_PORT=$pg_port

# Both paths are pasted into nginx.conf unquoted.
for p in "$root" "$var"; do
	case $p in
	*[[:space:]\'\"\;\{\}\$\#\\\`\|\&]*)
		die "path '$p' contains a character nginx.conf cannot hold (space, quote, ; { } \$ # \\ | &)" ;;
	esac
done

rundir=$var/run
logdir=$var/log
tlsdir=$var/tls
ngxdir=$var/nginx
upload_dir=${UPLOAD_DIR:-$var/uploads}
max_upload_mb=${SSTS_MAX_UPLOAD_MB:-10}
[[ $max_upload_mb =~ ^[0-9]{1,4}$ ]] && ((max_upload_mb >= 1 && max_upload_mb <= 1024)) ||
	{ echo "stack: SSTS_MAX_UPLOAD_MB must be 1..1024" >&2; exit 1; }
# nginx's limit for upload bodies: the file plus the multipart framing
# (lib/ takes the same 64 KiB margin and checks the file itself).
upload_body="$((max_upload_mb * 1024 + 64))k"
secrets=$var/secrets.env

# The address clients (and our health check) use: a wildcard listener is
# reached on loopback; IPv6 literals need brackets in URLs and nginx.
case $listen in
0.0.0.0) client_host=127.0.0.1 ;;
::) client_host='[::1]' ;;
*:*) client_host="[$listen]" ;;
*) client_host=$listen ;;
esac
case $listen in
*:*) listen_conf="[$listen]" ;;
*) listen_conf=$listen ;;
esac
base_url="https://$client_host:$https_port"

# Embedded database unless the user gave one.
if [ -n "${DATABASE_URL:-}" ]; then
	external_db=1
else
	external_db=0
fi

if is_root; then
	as_app=(setpriv "--reuid=$RUNAS_USER" "--regid=$RUNAS_USER" --init-groups --)
else
	as_app=()
fi

# ---- helpers ---------------------------------------------------------------

# Runs a command as the stack's user (ssts when root, else the caller).
run_app() { "${as_app[@]}" "$@"; }

ensure_user() {
	is_root || return 0
	getent passwd "$RUNAS_USER" >/dev/null && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS_USER" ||
	    die "cannot create system user $RUNAS_USER"
	say "created system user $RUNAS_USER"
}

# A tree under a 0700 directory (mktemp -d, /root) is invisible to user ssts:
# grant traverse-only access on each directory on the way that blocks it.
ensure_traverse() {
	local d=$1 parts=() p
	is_root || return 0
	while [ "$d" != / ]; do
		parts=("$d" "${parts[@]}")
		d=$(dirname "$d")
	done
	for p in "${parts[@]}"; do
		run_app test -x "$p" && continue
		if command -v setfacl >/dev/null; then
			setfacl -m "u:$RUNAS_USER:x" "$p" || die "cannot grant traverse access to $p"
			say "granted user $RUNAS_USER traverse access to $p (setfacl u:$RUNAS_USER:x)"
		else
			chmod o+x "$p" || die "cannot make $p traversable"
			say "granted traverse access to $p (chmod o+x) so that user $RUNAS_USER can reach it"
		fi
	done
}

# mkdir with a mode, owned by the stack's user.
app_dir() {
	local mode=$1 d
	shift
	for d in "$@"; do
		mkdir -p -- "$d"
		is_root && chown "$RUNAS_USER:$RUNAS_USER" "$d"
		chmod "$mode" "$d"
	done
}

prepare_dirs() {
	ensure_user
	app_dir 0700 "$rundir" "$tlsdir" "$ngxdir" "$upload_dir"
	app_dir 0750 "$logdir"
	app_dir 0700 "$ngxdir/client_body" "$ngxdir/fastcgi" "$ngxdir/proxy" \
	    "$ngxdir/uwsgi" "$ngxdir/scgi"
	ensure_traverse "$var"
	ensure_traverse "$root"
	ensure_traverse "$upload_dir"
	run_app test -r "$root/nginx/security-headers.conf" -a -x "$root/static" ||
	    die "user $(run_app id -un) cannot read $root/nginx and $root/static (check the file modes)"
}

hex32() { od -An -vtx1 -N32 /dev/urandom | tr -d ' \n'; }

# Secrets: the environment wins; otherwise $SSTS_VAR/secrets.env (0600),
# generated once and reused.  Parsed, never sourced.
load_secrets() {
	local k v file_jwt='' file_key=''
	if [ -f "$secrets" ]; then
		[ -r "$secrets" ] || die "$secrets is not readable by $(id -un)"
		while IFS='=' read -r k v; do
			case $k in
			JWT_SECRET) file_jwt=$v ;;
			ENCRYPTION_KEY) file_key=$v ;;
			esac
		done <"$secrets"
	fi
	if [ -z "$file_jwt" ] || [ -z "$file_key" ]; then
		[ -n "$file_jwt" ] || file_jwt=$(hex32)
		[ -n "$file_key" ] || file_key=$(hex32)
		(umask 077 && printf 'JWT_SECRET=%s\nENCRYPTION_KEY=%s\n' "$file_jwt" "$file_key" \
		    >"$secrets.tmp" && mv -f "$secrets.tmp" "$secrets")
		say "generated secrets in $secrets"
	fi
	chmod 0600 "$secrets"
	jwt_secret=${JWT_SECRET:-$file_jwt}
	encryption_key=${ENCRYPTION_KEY:-$file_key}
}

# Self-signed certificate for 127.0.0.1/localhost (and SSTS_LISTEN),
# replaced when missing or about to expire.
ensure_cert() {
	local san="IP:127.0.0.1,DNS:localhost"
	if [ -s "$tlsdir/cert.pem" ] && [ -s "$tlsdir/key.pem" ] &&
	    openssl x509 -checkend 86400 -noout -in "$tlsdir/cert.pem" >/dev/null 2>&1; then
		return 0
	fi
	case $listen in
	127.0.0.1 | 0.0.0.0 | ::) ;;
	*) san="$san,IP:$listen" ;;
	esac
	(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 \
	    -keyout "$tlsdir/key.pem" -out "$tlsdir/cert.pem" \
	    -subj /CN=127.0.0.1 -addext "subjectAltName=$san" >/dev/null 2>&1) ||
	    die "openssl could not create the certificate"
	chmod 0644 "$tlsdir/cert.pem"
	is_root && chown "$RUNAS_USER:$RUNAS_USER" "$tlsdir/cert.pem" "$tlsdir/key.pem"
	say "created a self-signed certificate in $tlsdir (SAN $san)"
}

port_busy() {
	if command -v ss >/dev/null; then
		[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
	else
		(exec 3<>"/dev/tcp/$client_host/$1") 2>/dev/null
	fi
}

# pid from $rundir/<name>.pid if that process is alive and is what we
# started (a recycled pid is never signalled).
live_pid() {
	local f=$rundir/$1.pid pid exe
	[ -f "$f" ] || return 1
	pid=$(head -c 32 "$f" | tr -cd 0-9)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	exe=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	# the whole exec chain (setsid, setpriv, ...) names its final program
	case $1:$exe in
	nginx:*nginx*) ;;
	nginx:*) return 1 ;;
	*:*multiwatch*) ;;
	*) return 1 ;;
	esac
	printf '%s\n' "$pid"
}

# Environment of the workers (and sstsctl): explicit, nothing else of ours
# leaks in (env -i).  Extra SSTS_* settings pass through, except the admin
# password and the migration URL.
worker_env() {
	local v
	wenv=(PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TZ=UTC "HOME=$var"
	    "DATABASE_URL=$app_url" "JWT_SECRET=$jwt_secret" "ENCRYPTION_KEY=$encryption_key"
	    "SSTS_ROOT=$root" "SSTS_VAR=$var" "UPLOAD_DIR=$upload_dir"
	    "SSTS_MAX_UPLOAD_MB=${SSTS_MAX_UPLOAD_MB:-10}"
	    "SSTS_CORS_ORIGINS=${SSTS_CORS_ORIGINS:-}"
	    "SSTS_PRODUCTION=${SSTS_PRODUCTION:-0}")
	while IFS= read -r v; do
		case $v in
		SSTS_ADMIN_PASSWORD | SSTS_MIGRATE_URL | SSTS_ROOT | SSTS_VAR | \
		    SSTS_MAX_UPLOAD_MB | SSTS_CORS_ORIGINS | SSTS_PRODUCTION) ;;
		*) wenv+=("$v=${!v}") ;;
		esac
	done < <(compgen -e | grep '^SSTS_' || true)
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -z "${!v:-}" ] || wenv+=("$v=${!v}")
	done
}

# ---- the steps of start ------------------------------------------------------

start_db() {
	if [ "$external_db" -eq 1 ]; then
		app_url=$DATABASE_URL
		migrate_url=${SSTS_MIGRATE_URL:-$DATABASE_URL}
		say "using the database in DATABASE_URL (no embedded cluster)"
	else
		"$root/sql/pg.sh" start
		app_url=$("$root/sql/pg.sh" url)
		migrate_url=$("$root/sql/pg.sh" url owner)
	fi
	SSTS_MIGRATE_URL=$migrate_url "$root/sql/migrate.sh"
}

bootstrap_admin() {
	local tool=${SSTS_BIN:-$root/build/cgi-bin}/sstsctl out
	admin_lines=
	if [ ! -x "$tool" ]; then
		warn "$tool not built yet: no admin account was created"
		return 0
	fi
	out=$(run_app env -i "${wenv[@]}" \
	    "SSTS_ADMIN_EMAIL=${SSTS_ADMIN_EMAIL:-admin@localhost}" \
	    ${SSTS_ADMIN_PASSWORD:+"SSTS_ADMIN_PASSWORD=$SSTS_ADMIN_PASSWORD"} \
	    "$tool" bootstrap-admin 2>>"$logdir/sstsctl.log") ||
	    die "sstsctl bootstrap-admin failed (see $logdir/sstsctl.log)"
	admin_lines=$out
}

# Files a crash left in UPLOAD_DIR without a row (lib/attach.c stores the
# file, then commits the row) go at every start; young ones may be in flight.
sweep_uploads() {
	local tool=${SSTS_BIN:-$root/build/cgi-bin}/sstsctl
	[ -x "$tool" ] || return 0
	run_app env -i "${wenv[@]}" "$tool" sweep-uploads \
	    >>"$logdir/sstsctl.log" 2>&1 ||
	    warn "sstsctl sweep-uploads failed (see $logdir/sstsctl.log)"
}

start_group() {
	local g=$1 bin=${SSTS_BIN:-$root/build/cgi-bin}/$1 sock=$rundir/$1.sock pid wrapper=()
	if [ ! -x "$bin" ]; then
		warn "$bin not built: route group $g not started"
		return 0
	fi
	# An optional wrapper (e.g. valgrind) runs in front of every worker.
	[ -z "${SSTS_WORKER_WRAPPER:-}" ] || read -r -a wrapper <<<"$SSTS_WORKER_WRAPPER"
	rm -f -- "$sock"
	# setsid: Ctrl-C on `run` reaches this script only, which then stops
	# everything in order.  setsid/setpriv/env/spawn-fcgi -n all exec, so
	# $! is multiwatch's pid.
	setsid "${as_app[@]}" env -i "${wenv[@]}" \
	    "$SPAWN_FCGI" -n -s "$sock" -M 0660 -- \
	    "$MULTIWATCH" -f "$workers" -r 1000000 -t 1000 -- "${wrapper[@]}" "$bin" \
	    </dev/null >>"$logdir/$g.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$rundir/$g.pid"
	started_groups+=("$g")
	say "route group $g: $workers workers (multiwatch pid $pid, socket $sock)"
}

# $1 template, $2 output: the stack's values for every placeholder
render_template() {
	local esc_var esc_root
	esc_var=$(printf '%s' "$var" | sed 's/[\\&|]/\\&/g')
	esc_root=$(printf '%s' "$root" | sed 's/[\\&|]/\\&/g')
	sed -e "s|@VAR@|$esc_var|g" -e "s|@ROOT@|$esc_root|g" \
	    -e "s|@RUN@|$esc_var/run|g" -e "s|@LOG@|$esc_var/log|g" \
	    -e "s|@CERT@|$esc_var/tls/cert.pem|g" -e "s|@KEY@|$esc_var/tls/key.pem|g" \
	    -e "s|@SERVER_NAME@|_|g" -e "s|@DEFAULT@|default_server|g" \
	    -e "s|@HTTPS_SUFFIX@|:$https_port|g" \
	    -e "s|@LISTEN@|$listen_conf|g" -e "s|@HTTPS_PORT@|$https_port|g" \
	    -e "s|@HTTP_PORT@|$http_port|g" -e "s|@AUTH_RATE@|$auth_rate|g" \
	    -e "s|@AUTH_BURST@|$auth_burst|g" -e "s|@UPLOAD_BODY@|$upload_body|g" \
	    -e "s|@EXPORT_RATE@|$export_rate|g" -e "s|@EXPORT_BURST@|$export_burst|g" \
	    "$1" >"$2.tmp"
	if grep -q '@[A-Z_]*@' "$2.tmp"; then
		die "unreplaced placeholder in $2: $(grep -o '@[A-Z_]*@' "$2.tmp" | head -n 1)"
	fi
	mv -f "$2.tmp" "$2"
	chmod 0644 "$2"
}

render_nginx_conf() {
	render_template "$here/site.conf.in" "$ngxdir/site.conf"
	render_template "$here/nginx.conf.in" "$ngxdir/nginx.conf"
}

nginx_args=()
start_nginx() {
	local pid out
	nginx_args=(-p "$ngxdir/" -c "$ngxdir/nginx.conf" -e "$logdir/nginx-error.log")
	render_nginx_conf
	if ! out=$(run_app "$NGINX" -t -q "${nginx_args[@]}" 2>&1); then
		printf '%s\n' "$out" >&2
		die "nginx rejected $ngxdir/nginx.conf"
	fi
	setsid "${as_app[@]}" "$NGINX" "${nginx_args[@]}" \
	    </dev/null >>"$logdir/nginx-stderr.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$rundir/nginx.pid"
	nginx_pid=$pid
	say "nginx: pid $pid, $base_url/ (http://$client_host:$http_port/ redirects)"
}

show_logs() {
	local f
	for f in "$logdir"/nginx-error.log "$logdir"/nginx-stderr.log "$logdir"/postgresql.log \
	    "$logdir"/sstsctl.log; do
		[ -s "$f" ] || continue
		printf -- '--- %s (last lines)\n' "$f" >&2
		tail -n 15 "$f" >&2
	done
	for f in "${started_groups[@]}"; do
		[ -s "$logdir/$f.log" ] || continue
		printf -- '--- %s (last lines)\n' "$logdir/$f.log" >&2
		tail -n 15 "$logdir/$f.log" >&2
	done
}

# Waits for /healthz (200), or only for TLS answering when no route group
# runs yet; gives up after START_TIMEOUT seconds.
wait_ready() {
	local what=healthz code deadline=$((SECONDS + START_TIMEOUT))
	if [ "${#started_groups[@]}" -eq 0 ]; then
		warn "no route group is running: waiting for the TLS port only"
		what=tls
	fi
	# A deadline, not a count: each probe may itself take up to 2 s.
	while [ "$SECONDS" -lt "$deadline" ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 2 \
		    --cacert "$tlsdir/cert.pem" "$base_url/healthz" 2>/dev/null) || code=000
		if [ "$what" = healthz ] && [ "$code" = 200 ]; then
			return 0
		fi
		if [ "$what" = tls ] && [ "$code" != 000 ]; then
			return 0
		fi
		kill -0 "$nginx_pid" 2>/dev/null || break
		sleep 0.25
	done
	show_logs
	die "the stack did not become ready within ${START_TIMEOUT}s (last /healthz status: $code)"
}

started_groups=()
admin_lines=
nginx_pid=

do_start() {
	local g p
	for g in nginx $groups_list; do
		p=$(live_pid "$g") || continue
		die "already running ($g pid $p): use '$0 stop' first"
	done
	for p in "$https_port" "$http_port"; do
		port_busy "$p" && die "port $p is already in use (set SSTS_HTTPS_PORT / SSTS_HTTP_PORT)"
	done
	command -v "$NGINX" >/dev/null || die "nginx not found (apt-get install nginx)"
	if [ ! -x "$SPAWN_FCGI" ] || [ ! -x "$MULTIWATCH" ]; then
		die "spawn-fcgi and multiwatch are needed (apt-get install spawn-fcgi multiwatch)"
	fi

	prepare_dirs
	load_secrets
	ensure_cert
	# From here on a failure stops whatever was started.
	trap 'on_fail' EXIT
	start_db
	worker_env
	bootstrap_admin
	sweep_uploads
	for g in $groups_list; do
		start_group "$g"
	done
	start_nginx
	wait_ready
	trap - EXIT
}

on_fail() {
	local rc=$?
	trap - EXIT
	[ "$rc" -ne 0 ] || return 0
	warn "start failed: stopping what was started"
	do_stop >&2 || true
	exit "$rc"
}

print_banner() {
	echo
	echo "SSTS is running: $base_url/"
	echo "  (self-signed certificate: $tlsdir/cert.pem)"
	[ -z "$admin_lines" ] || printf '%s\n' "$admin_lines" | sed 's/^/  /'
	echo "Logs in $logdir/. Press Ctrl-C to stop."
	echo
}

# Signals one pid file's process and waits (up to 20 s, then KILL).
stop_one() {
	local name=$1 sig=$2 pid i
	if pid=$(live_pid "$name"); then
		kill "-$sig" "$pid" 2>/dev/null || true
		for ((i = 0; i < 80; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		if kill -0 "$pid" 2>/dev/null; then
			warn "$name (pid $pid) ignored SIG$sig: killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		say "stopped $name (pid $pid)"
	fi
	rm -f -- "$rundir/$name.pid"
}

do_stop() {
	local f name
	[ -d "$rundir" ] || return 0
	# nginx first (stop taking requests, finish the ones in flight), then
	# the workers, then the database.
	stop_one nginx QUIT
	# All route groups at once: each supervisor takes a second or two to
	# see its workers go, and nine of them in a row add up.
	for f in "$rundir"/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		stop_one "$name" TERM &
	done
	wait
	rm -f -- "$rundir"/*.sock
	if [ -f "$var/pg/PG_VERSION" ]; then
		"$root/sql/pg.sh" stop
	fi
}

do_status() {
	local f name pid rc=0
	if pid=$(live_pid nginx); then
		say "nginx running (pid $pid) on $base_url/"
	else
		say "nginx not running"
		rc=3
	fi
	for f in "$rundir"/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		[ "$name" != nginx ] || continue
		if pid=$(live_pid "$name"); then
			say "route group $name running (multiwatch pid $pid)"
		else
			say "route group $name not running (stale pid file)"
			rc=3
		fi
	done
	if [ "$external_db" -eq 0 ]; then
		"$root/sql/pg.sh" status || rc=3
	fi
	return "$rc"
}

do_env() {
	local v
	for v in SSTS_ROOT="$root" SSTS_VAR="$var" SSTS_LISTEN="$listen" \
	    SSTS_HTTPS_PORT="$https_port" SSTS_HTTP_PORT="$http_port" SSTS_PG_PORT="$pg_port" \
	    SSTS_WORKERS="$workers" SSTS_GROUPS="$groups_list" \
	    SSTS_BASE_URL="$base_url" SSTS_HTTP_URL="http://$client_host:$http_port" \
	    SSTS_CA_CERT="$tlsdir/cert.pem" SSTS_LOG_DIR="$logdir" UPLOAD_DIR="$upload_dir"; do
		printf 'export %s=%q\n' "${v%%=*}" "${v#*=}"
	done
	if [ "$external_db" -eq 0 ]; then
		printf 'export DATABASE_URL=%q\n' "$("$root/sql/pg.sh" url)"
		printf 'export SSTS_OWNER_URL=%q\n' "$("$root/sql/pg.sh" url owner)"
	else
		echo "# DATABASE_URL: as given by the caller (not printed)"
	fi
}

# The audit chain of this stack's database, checked link by link
# (`make audit-verify`); exit 1 when it is broken.
do_audit_verify() {
	local tool=${SSTS_BIN:-$root/build/cgi-bin}/sstsctl
	[ -x "$tool" ] || die "$tool not built yet (make all)"
	if [ "$external_db" -eq 1 ]; then
		app_url=$DATABASE_URL
	else
		"$root/sql/pg.sh" status >/dev/null 2>&1 ||
		    die "the database of $var is not running (make run first)"
		app_url=$("$root/sql/pg.sh" url)
	fi
	[ -r "$secrets" ] || die "no stack in $var (make run first)"
	load_secrets
	worker_env
	run_app env -i "${wenv[@]}" "$tool" audit-verify
}

on_signal() {
	trap '' INT TERM HUP
	echo
	say "stopping"
	do_stop
	exit 0
}

do_run() {
	do_start
	print_banner
	trap on_signal INT TERM HUP
	# nginx is our child: wait returns when it exits or a signal arrives.
	wait "$nginx_pid" || true
	warn "nginx exited: stopping the stack"
	show_logs
	trap '' INT TERM HUP
	do_stop
	exit 1
}

case ${1:-} in
start)
	do_start
	[ -z "$admin_lines" ] || printf '%s\n' "$admin_lines"
	say "ready: $base_url/"
	;;
run) do_run ;;
stop) do_stop ;;
status) do_status ;;
env) do_env ;;
audit-verify) do_audit_verify ;;
*)
	echo "usage: $0 start|stop|run|status|env|audit-verify" >&2
	exit 2
	;;
esac
