#!/bin/sh
# tests/deps.sh PACKAGE... - install the Debian packages that are missing.
# Idempotent: does nothing when all are installed.  Needs root to install.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || exit 1
# shellcheck disable=SC2086
apt-get install -y -q $missing >/dev/null || exit 1
echo "deps: done"
