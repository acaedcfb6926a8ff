#!/usr/bin/env bash
# sql/pg.sh init|start|stop|status|url [owner]
#
# The embedded PostgreSQL 15 cluster of SSTS in $SSTS_VAR/pg: unix socket only
# (in $SSTS_VAR/run, mode 0700, so "trust" authentication reaches nobody but
# the owner of the stack), UTC, logging to $SSTS_VAR/log/postgresql.log.
# Roles: ssts_owner (bootstrap superuser, owns database ssts, runs migrations)
# and ssts_app (what the workers use; privileges from sql/grants.sql).
#
# PostgreSQL refuses to run as root: started as root, everything here runs as
# the unprivileged system user "ssts" (created if missing), and every
# directory above $SSTS_VAR gets the traverse (x) permission that user needs.
set -euo pipefail

PGBIN=${SSTS_PGBIN:-/usr/lib/postgresql/15/bin}
RUNAS_USER=ssts
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(dirname "$here")

die() { printf 'pg.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'pg.sh: %s\n' "$*"; }

port=${SSTS_PG_PORT:-5432}
if ! [[ $port =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	die "SSTS_PG_PORT must be a port number (it names the socket file)"
fi

# $SSTS_VAR may be relative (to the current directory); work with its
# absolute, symlink-free form from here on.
var=${SSTS_VAR:-$root/var}
mkdir -p -- "$var" || die "cannot create SSTS_VAR=$var"
var=$(cd -- "$var" && pwd -P)
pgdata=$var/pg
rundir=$var/run
logdir=$var/log
logfile=$logdir/postgresql.log

if [ "$(id -u)" -eq 0 ]; then
	asuser=(setpriv "--reuid=$RUNAS_USER" "--regid=$RUNAS_USER" --init-groups
	    -- env "HOME=$var")
else
	asuser=(env)
fi

# Runs a command as the cluster's user (a no-op change when not root).
as_pg() { "${asuser[@]}" "$@"; }

ensure_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	getent passwd "$RUNAS_USER" >/dev/null && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS_USER" ||
	    die "cannot create system user $RUNAS_USER"
	say "created system user $RUNAS_USER"
}

# A repository under a 0700 directory (mktemp -d, /root) is invisible to
# user ssts: grant traverse-only access on each ancestor that blocks it.
ensure_traverse() {
	local d=$1 parts=() p
	[ "$(id -u)" -eq 0 ] || return 0
	while [ "$d" != / ]; do
		parts=("$d" "${parts[@]}")
		d=$(dirname "$d")
	done
	for p in "${parts[@]}"; do
		as_pg test -x "$p" && continue
		if command -v setfacl >/dev/null; then
			setfacl -m "u:$RUNAS_USER:x" "$p" ||
			    die "cannot grant $RUNAS_USER traverse access to $p"
			say "granted traverse access to $p for user $RUNAS_USER (setfacl u:$RUNAS_USER:x)"
		else
			chmod o+x "$p" || die "cannot make $p traversable"
			say "granted traverse access to $p (chmod o+x) so that user $RUNAS_USER can reach $var"
		fi
	done
}

# Directories the cluster writes: owned by the cluster's user, private.
prepare_dirs() {
	ensure_user
	mkdir -p -- "$pgdata" "$rundir" "$logdir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$RUNAS_USER:$RUNAS_USER" "$pgdata" "$rundir" "$logdir"
		[ ! -e "$logfile" ] || chown "$RUNAS_USER:$RUNAS_USER" "$logfile"
	fi
	chmod 0700 "$pgdata" "$rundir"
	chmod 0750 "$logdir"
	ensure_traverse "$var"
	as_pg test -w "$pgdata" -a -w "$rundir" -a -w "$logdir" ||
	    die "$pgdata, $rundir and $logdir must be writable by $(as_pg id -un)"
}

# A value for postgresql.conf: single-quoted, quotes doubled.
conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# Our settings live in ssts.conf, included from postgresql.conf and
# rewritten at every start so that a moved $SSTS_VAR or a new port is
# picked up.
write_conf() {
	as_pg tee "$pgdata/ssts.conf" >/dev/null <<-EOF
	# Written by sql/pg.sh at every start; edit sql/pg.sh instead.
	listen_addresses = ''
	port = $port
	unix_socket_directories = $(conf_quote "$rundir")
	unix_socket_permissions = 0700
	timezone = 'UTC'
	log_timezone = 'UTC'
	lc_messages = 'C'
	fsync = on
	shared_buffers = 64MB
	max_connections = 100
	idle_in_transaction_session_timeout = '10s'
	logging_collector = off
	log_line_prefix = '%m [%p] %q%u@%d '
	log_min_messages = warning
	EOF
}

is_initialised() { [ -f "$pgdata/PG_VERSION" ]; }
is_running() { is_initialised && as_pg "$PGBIN/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; }

# Superuser SQL on the maintenance database, over the private socket.
owner_sql() {
	as_pg "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$rundir" -p "$port" \
	    -U ssts_owner -d postgres "$@"
}

# Database ssts and role ssts_app (idempotent; grants come from migrate.sh).
ensure_db() {
	if [ "$(owner_sql -c "SELECT 1 FROM pg_database WHERE datname = 'ssts'")" != 1 ]; then
		owner_sql -c "CREATE DATABASE ssts OWNER ssts_owner ENCODING 'UTF8' TEMPLATE template0"
		say "created database ssts"
	fi
	owner_sql <<-'EOF'
	DO $$
	BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ssts_app') THEN
			CREATE ROLE ssts_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
		END IF;
	END
	$$;
	ALTER ROLE ssts_app SET statement_timeout = '5s';
	ALTER ROLE ssts_app SET idle_in_transaction_session_timeout = '10s';
	EOF
}

do_initdb() {
	local locale=C
	[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found (apt-get install postgresql-15)"
	locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale=C.UTF-8
	# Leftovers of an interrupted initdb would make it refuse.
	if [ -n "$(ls -A "$pgdata")" ]; then
		die "$pgdata is not empty but holds no cluster; move it away and retry"
	fi
	as_pg "$PGBIN/initdb" -D "$pgdata" -A trust -U ssts_owner \
	    --encoding=UTF8 "--locale=$locale" >"$logdir/initdb.log" 2>&1 ||
	    { tail -n 20 "$logdir/initdb.log" >&2; die "initdb failed"; }
	# Unix socket only, and only the socket's owner can reach it.
	printf '# Written by sql/pg.sh: unix socket only (directory mode 0700).\nlocal all all trust\n' |
	    as_pg tee "$pgdata/pg_hba.conf" >/dev/null
	printf "\n# SSTS settings (sql/pg.sh)\ninclude 'ssts.conf'\n" |
	    as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
	write_conf
	say "initialised cluster in $pgdata (locale $locale)"
}

cmd_start() {
	prepare_dirs
	is_initialised || do_initdb
	if is_running; then
		say "already running"
	else
		write_conf
		if ! as_pg "$PGBIN/pg_ctl" start -D "$pgdata" -l "$logfile" -w -t 30 >/dev/null; then
			tail -n 20 "$logfile" >&2 || true
			die "PostgreSQL did not start (log: $logfile)"
		fi
		say "started (socket $rundir/.s.PGSQL.$port)"
	fi
	ensure_db
}

cmd_init() {
	prepare_dirs
	if is_initialised; then
		say "cluster exists in $pgdata"
	else
		do_initdb
	fi
	if is_running; then
		ensure_db
	else
		cmd_start >/dev/null
		ensure_db
		cmd_stop >/dev/null
	fi
}

cmd_stop() {
	if ! is_running; then
		say "not running"
		return 0
	fi
	as_pg "$PGBIN/pg_ctl" stop -D "$pgdata" -m fast -w -t 60 >/dev/null ||
	    die "PostgreSQL did not stop (pid file $pgdata/postmaster.pid)"
	say "stopped"
}

cmd_status() {
	if ! is_initialised; then
		say "no cluster in $pgdata"
		return 3
	fi
	if is_running; then
		say "running: $(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null) socket $rundir/.s.PGSQL.$port"
		return 0
	fi
	say "stopped"
	return 3
}

# Percent-encodes a path for the query string of a libpq URI.
uri_encode() {
	local s=$1 out='' c i LC_ALL=C
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

cmd_url() {
	local user=ssts_app
	case ${1:-} in
	'') ;;
	owner) user=ssts_owner ;;
	*) die "usage: pg.sh url [owner]" ;;
	esac
	printf 'postgresql:///ssts?host=%s&port=%s&user=%s\n' "$(uri_encode "$rundir")" "$port" "$user"
}

case ${1:-} in
init) cmd_init ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
url) shift; cmd_url "$@" ;;
*) echo "usage: $0 init|start|stop|status|url [owner]" >&2; exit 2 ;;
esac
