#!/usr/bin/env bash
# sql/backup.sh DIR: back up SSTS into DIR (a new directory): the database
# first (pg_dump, custom format: one consistent snapshot), then the
# uploads (a tar of UPLOAD_DIR without unfinished temp files).  A file is
# stored before its row commits, so every attachment row in the dump has
# its file in the tar.  DIR/MANIFEST holds the SHA-256 of both.
#
# Connection: SSTS_BACKUP_URL, else SSTS_MIGRATE_URL, else DATABASE_URL
# (a role that may read every table: the schema's owner).  UPLOAD_DIR is
# required.  The secrets are not in the backup: without the same
# ENCRYPTION_KEY no attachment or MFA secret can be read again, so keep a
# copy of it, elsewhere.  Restore with sql/restore.sh.
set -euo pipefail

die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: backup.sh DIR"
dir=$1
url=${SSTS_BACKUP_URL:-${SSTS_MIGRATE_URL:-${DATABASE_URL:-}}}
[ -n "$url" ] || die "set SSTS_BACKUP_URL, SSTS_MIGRATE_URL or DATABASE_URL"
updir=${UPLOAD_DIR:-}
[ -n "$updir" ] && [ -d "$updir" ] || die "set UPLOAD_DIR to the uploads directory"
[ ! -e "$dir" ] || die "$dir exists; give a new directory"
PGBIN=${SSTS_PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/pg_dump" ] || PGBIN=$(dirname "$(command -v pg_dump)")

umask 077
mkdir -p -- "$dir"
"$PGBIN/pg_dump" --format=custom --no-owner --no-privileges \
    --file="$dir/database.dump" --dbname="$url" ||
    { rm -rf -- "$dir"; die "pg_dump failed; nothing kept"; }
tar -C "$updir" --exclude='./.tmp-*' -cf "$dir/uploads.tar" . ||
    { rm -rf -- "$dir"; die "reading $updir failed; nothing kept"; }
(cd "$dir" && sha256sum database.dump uploads.tar >MANIFEST)
files=$(tar -tf "$dir/uploads.tar" | grep -vc '/$' || true)
printf 'backup: %s: database %s bytes, %s uploaded files\n' "$dir" \
    "$(stat -c %s "$dir/database.dump")" "$files"
