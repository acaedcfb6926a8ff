#!/usr/bin/env bash
# nginx/site.sh: the SSTS site for a real server, on standard output.
#
#   site.sh --host helpdesk.example.com --cert /etc/ssl/.../fullchain.pem \
#       --key /etc/ssl/.../privkey.pem > /etc/nginx/conf.d/ssts.conf
#
# Renders nginx/site.conf.in (the same site the stack and the tests run)
# for Debian's nginx: ports 443 and 80 on every address, the host name
# given, the route groups' sockets in /run/ssts (systemd's ssts@.socket),
# static files and security headers from the installed share directory,
# the access log in /var/log/ssts.  Options:
#   --host NAME     server name (required)
#   --cert FILE     certificate chain (required)   --key FILE  its key
#   --root DIR      directory with static/ and nginx/ (default: this
#                   script's parent, i.e. the installed share/ssts)
#   --run DIR       socket directory (default /run/ssts)
#   --log DIR       access log directory (default /var/log/ssts)
#   --listen ADDR   one address instead of all (IPv4 and IPv6)
#   --upload-mb N   SSTS_MAX_UPLOAD_MB of the workers (default 10)
#   --auth-rate R  --auth-burst N  --export-rate R  --export-burst N
#                   nginx's limits on sign-in and exports (10r/m, 10, 6r/m, 10)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
host= cert= key= root=$(dirname "$here") run=/run/ssts log=/var/log/ssts
listen= upload_mb=10 auth_rate=10r/m auth_burst=10 export_rate=6r/m export_burst=10

die() { printf 'site.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "$1 needs a value"
	case $1 in
	--host) host=$2 ;;
	--cert) cert=$2 ;;
	--key) key=$2 ;;
	--root) root=$2 ;;
	--run) run=$2 ;;
	--log) log=$2 ;;
	--listen) listen=$2 ;;
	--upload-mb) upload_mb=$2 ;;
	--auth-rate) auth_rate=$2 ;;
	--auth-burst) auth_burst=$2 ;;
	--export-rate) export_rate=$2 ;;
	--export-burst) export_burst=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done

[[ $host =~ ^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$ ]] ||
    die "--host must be a host name"
[ -n "$cert" ] && [ -n "$key" ] || die "--cert and --key are required"
for p in "$cert" "$key" "$root" "$run" "$log"; do
	case $p in
	/*) ;;
	*) die "$p: paths must be absolute" ;;
	esac
	case $p in
	*[[:space:]\"\'\;\{\}\$\#\\\|\&]*) die "$p: a character nginx.conf cannot hold" ;;
	esac
done
[ -f "$root/nginx/site.conf.in" ] || die "$root/nginx/site.conf.in not found (--root)"
[[ $upload_mb =~ ^[0-9]{1,4}$ ]] && [ "$upload_mb" -ge 1 ] && [ "$upload_mb" -le 1024 ] ||
    die "--upload-mb must be 1..1024"
[[ $auth_rate =~ ^[0-9]+r/[sm]$ && $export_rate =~ ^[0-9]+r/[sm]$ ]] ||
    die "rates look like 10r/m or 5r/s"
[[ $auth_burst =~ ^[0-9]+$ && $export_burst =~ ^[0-9]+$ ]] || die "bursts are numbers"
if [ -n "$listen" ]; then
	[[ $listen =~ ^[0-9A-Fa-f.:]+$ ]] || die "--listen must be an IP address"
	case $listen in *:*) listen="[$listen]" ;; esac
fi


# the body limit nginx enforces: the file plus the form's framing (as the
# stack's)
upload_body="$((upload_mb * 1024 + 64))k"
if [ -n "$listen" ]; then
	https_listen="listen $listen:443 ssl http2;"
	http_listen="listen $listen:80;"
else	# every address, IPv6 too
	https_listen='listen 443 ssl http2;\n\tlisten [::]:443 ssl http2;'
	http_listen='listen 80;\n\tlisten [::]:80;'
fi

out=$(sed -e "s|listen @LISTEN@:@HTTPS_PORT@ ssl http2 @DEFAULT@;|$https_listen|" \
    -e "s|listen @LISTEN@:@HTTP_PORT@ @DEFAULT@;|$http_listen|" \
    -e "s|@SERVER_NAME@|$host|g" -e "s|@HTTPS_SUFFIX@||g" \
    -e "s|@CERT@|$cert|g" -e "s|@KEY@|$key|g" -e "s|@RUN@|$run|g" \
    -e "s|@LOG@|$log|g" -e "s|@ROOT@|$root|g" \
    -e "s|@AUTH_RATE@|$auth_rate|g" -e "s|@AUTH_BURST@|$auth_burst|g" \
    -e "s|@EXPORT_RATE@|$export_rate|g" -e "s|@EXPORT_BURST@|$export_burst|g" \
    -e "s|@UPLOAD_BODY@|$upload_body|g" "$root/nginx/site.conf.in")
if grep -q '@[A-Z_]*@' <<<"$out"; then
	die "unreplaced placeholder: $(grep -o '@[A-Z_]*@' <<<"$out" | head -n 1)"
fi
printf '%s\n' "$out"
