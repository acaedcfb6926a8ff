#!/usr/bin/env bash
# sql/restore.sh [--replace] DIR: restore a backup of sql/backup.sh.
#
# Checks DIR/MANIFEST, restores the database into the one named by the
# connection (SSTS_RESTORE_URL, else SSTS_MIGRATE_URL, else DATABASE_URL:
# the schema's owner) and the files into UPLOAD_DIR, then runs
# sql/migrate.sh on it (a backup of an older version is upgraded, and the
# application role's grants are set again).  Stop the workers first
# (systemctl stop ssts.target).  The database and UPLOAD_DIR must be empty
# unless --replace is given, which first drops everything in the schema
# "public" and every file in UPLOAD_DIR.  The workers need the same
# ENCRYPTION_KEY as when the backup was made.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
die() { printf 'restore: %s\n' "$*" >&2; exit 1; }

replace=0
if [ "${1:-}" = --replace ]; then
	replace=1
	shift
fi
[ $# -eq 1 ] || die "usage: restore.sh [--replace] DIR"
dir=$1
url=${SSTS_RESTORE_URL:-${SSTS_MIGRATE_URL:-${DATABASE_URL:-}}}
[ -n "$url" ] || die "set SSTS_RESTORE_URL, SSTS_MIGRATE_URL or DATABASE_URL"
updir=${UPLOAD_DIR:-}
[ -n "$updir" ] && [ -d "$updir" ] || die "set UPLOAD_DIR to the uploads directory"
[ -f "$dir/MANIFEST" ] || die "$dir/MANIFEST not found: not a backup"
(cd "$dir" && sha256sum --quiet -c MANIFEST) || die "$dir is damaged (MANIFEST)"
PGBIN=${SSTS_PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/pg_restore" ] || PGBIN=$(dirname "$(command -v pg_restore)")
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@"; }

tables=$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") ||
    die "cannot reach the database"
files=$(find "$updir" -mindepth 1 -maxdepth 1 | wc -l)
if [ "$replace" -eq 0 ] && { [ "$tables" -ne 0 ] || [ "$files" -ne 0 ]; }; then
	die "the database ($tables tables) or $updir ($files files) is not empty; --replace to overwrite"
fi
if [ "$replace" -eq 1 ]; then
	q -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null
	find "$updir" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
fi
"$PGBIN/pg_restore" --no-owner --no-privileges --exit-on-error \
    --single-transaction --dbname="$url" "$dir/database.dump" ||
    die "pg_restore failed; the database was left as it was"
# files as the owner of UPLOAD_DIR (the workers' user), never as root
owner=$(stat -c %u:%g "$updir")
tar -C "$updir" --no-same-owner --no-same-permissions -xf "$dir/uploads.tar"
[ "$(id -u)" -ne 0 ] || chown -R "$owner" "$updir"
chmod -R go-rwx "$updir"
SSTS_MIGRATE_URL=$url "$here/migrate.sh"
printf 'restore: %s restored (%s files)\n' "$dir" \
    "$(find "$updir" -mindepth 1 -type f | wc -l)"
