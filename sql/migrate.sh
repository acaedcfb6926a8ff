#!/usr/bin/env bash
# sql/migrate.sh: apply the numbered migrations sql/NNN_*.sql in order, each
# once and each in its own transaction, recording name and sha256 in
# schema_migrations; then re-apply sql/grants.sql when the connection may
# create roles.  An applied file whose checksum changed stops everything
# (exit 1): applied migrations are never edited, a new file is added instead.
#
# Connection: SSTS_MIGRATE_URL, else DATABASE_URL (libpq URI or conninfo).
# Migration files must not contain BEGIN/COMMIT (psql --single-transaction
# wraps each one together with its bookkeeping row).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
url=${SSTS_MIGRATE_URL:-${DATABASE_URL:-}}

die() { printf 'migrate: %s\n' "$*" >&2; exit 1; }

[ -n "$url" ] || die "set SSTS_MIGRATE_URL or DATABASE_URL"
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"

# Quiet NOTICEs (e.g. "already exists"), fail fast, never read ~/.psqlrc.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"; }

have=$(q -At -c "SELECT to_regclass('public.schema_migrations') IS NOT NULL") ||
    die "cannot reach the database"
if [ "$have" != t ]; then
	q -c "CREATE TABLE IF NOT EXISTS schema_migrations (
		name		TEXT PRIMARY KEY,
		sha256		CHAR(64) NOT NULL,
		applied_at	TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())" ||
	    die "cannot create schema_migrations (does this role own the schema?)"
fi

declare -A applied=()
while IFS='|' read -r name sum; do
	[ -n "$name" ] && applied[$name]=$sum
done < <(q -At -c "SELECT name, sha256 FROM schema_migrations ORDER BY name")

# First pass: validate names and checksums before touching anything.
pending=()
changed=0
shopt -s nullglob
for f in "$here"/[0-9][0-9][0-9]_*.sql; do
	name=${f##*/}
	# the name goes into SQL literally, so allow only a safe alphabet
	[[ $name =~ ^[0-9]{3}_[A-Za-z0-9_-]+\.sql$ ]] ||
	    die "bad migration file name: $name (use NNN_[A-Za-z0-9_-].sql)"
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	if [ -n "${applied[$name]+x}" ]; then
		if [ "${applied[$name]}" != "$sum" ]; then
			printf 'migrate: %s was changed after it was applied (recorded %s, now %s)\n' \
			    "$name" "${applied[$name]}" "$sum" >&2
			changed=1
		fi
		unset "applied[$name]"
	else
		pending+=("$name:$sum")
	fi
done
if [ "$changed" -ne 0 ]; then
	die "refusing to migrate: restore the applied files and add a new migration instead"
fi
for name in "${!applied[@]}"; do
	printf 'migrate: warning: %s is recorded as applied but the file is missing\n' "$name" >&2
done

# Second pass: apply each pending file with its bookkeeping row atomically.
# The advisory lock serialises two concurrent runs (the loser then fails on
# the duplicate name instead of half-applying a file twice).
for p in "${pending[@]}"; do
	name=${p%%:*}
	sum=${p#*:}
	q --single-transaction \
	    -c "SELECT pg_advisory_xact_lock(hashtext('ssts.schema_migrations'))" \
	    -f "$here/$name" \
	    -c "INSERT INTO schema_migrations (name, sha256) VALUES ('$name', '$sum')" \
	    >/dev/null || die "$name failed; nothing of it was applied"
	printf 'migrate: applied %s\n' "$name"
done
[ "${#pending[@]}" -gt 0 ] || echo "migrate: up to date"

can_grant=$(q -At -c "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
if [ "$can_grant" = "t" ]; then
	q --single-transaction -f "$here/grants.sql" >/dev/null || die "grants.sql failed"
	echo "migrate: grants applied (role ssts_app)"
else
	echo "migrate: notice: this role cannot create roles; apply sql/grants.sql as the database owner" \
	    "(it creates ssts_app: no DDL, audit_logs insert-only)"
fi
