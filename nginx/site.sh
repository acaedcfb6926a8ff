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
#   --apps A,B,...  application hosts whose route groups listen on TCP
#                   (spawn-fcgi -a ADDR -p PORT): nginx balances each group
#                   over them and moves on to the next one when a host
#                   refuses or fails; instead of the sockets in --run
#   --base-port N   with --apps: group k (in ROUTE_GROUPS order below) listens on
#                   N+k (default 9000: auth 9001, tickets 9002, ...)
#   --ports H,P     HTTPS and HTTP ports (default 443,80)
#   --auth-rate R  --auth-burst N  --export-rate R  --export-burst N
#                   nginx's limits on sign-in and exports (10r/m, 10, 6r/m, 10)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
host= cert= key= root=$(dirname "$here") run=/run/ssts log=/var/log/ssts
listen= upload_mb=10 auth_rate=10r/m auth_burst=10 export_rate=6r/m export_burst=10
apps= base_port=9000 https_port=443 http_port=80
# the route groups, in the order of their TCP ports with --apps
ROUTE_GROUPS="auth tickets desk attachments catalog users people account mfa reports audit"

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
	--apps) apps=$2 ;;
	--base-port) base_port=$2 ;;
	--ports) https_port=${2%%,*} http_port=${2#*,} ;;
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
for p in "$https_port" "$http_port" "$base_port"; do
	[[ $p =~ ^[0-9]{1,5}$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65400 ] || die "bad port $p"
done
[[ -z $apps || $apps =~ ^[0-9A-Fa-f.:]+(,[0-9A-Fa-f.:]+)*$ ]] ||
    die "--apps is a comma-separated list of IP addresses"
if [ -n "$listen" ]; then
	[[ $listen =~ ^[0-9A-Fa-f.:]+$ ]] || die "--listen must be an IP address"
	case $listen in *:*) listen="[$listen]" ;; esac
fi


# the body limit nginx enforces: the file plus the form's framing (as the
# stack's)
upload_body="$((upload_mb * 1024 + 64))k"
if [ -n "$listen" ]; then
	https_listen="listen $listen:$https_port ssl http2;"
	http_listen="listen $listen:$http_port;"
else	# every address, IPv6 too
	https_listen="listen $https_port ssl http2;\\n\\tlisten [::]:$https_port ssl http2;"
	http_listen="listen $http_port;\\n\\tlisten [::]:$http_port;"
fi
suffix=
[ "$https_port" = 443 ] || suffix=":$https_port"

# With --apps: one upstream per route group over every host, and the
# locations pass to it instead of a local socket.  A POST is never sent
# twice (nginx retries only what never reached a worker).
upstreams() {
	local g k=0 a
	for g in $ROUTE_GROUPS; do
		k=$((k + 1))
		printf 'upstream ssts_%s {\n' "$g"
		for a in ${apps//,/ }; do
			case $a in *:*) a="[$a]" ;; esac
			printf '\tserver %s:%d max_fails=1 fail_timeout=5s;\n' "$a" $((base_port + k))
		done
		printf '}\n'
	done
}
pass='s|@@||'
[ -z "$apps" ] || pass='s|fastcgi_pass unix:@RUN@/\([a-z]*\)\.sock;|fastcgi_pass ssts_\1;|'

out=$(sed -e "s|listen @LISTEN@:@HTTPS_PORT@ ssl http2 @DEFAULT@;|$https_listen|" \
    -e "s|listen @LISTEN@:@HTTP_PORT@ @DEFAULT@;|$http_listen|" \
    -e "$pass" -e "s|@SERVER_NAME@|$host|g" -e "s|@HTTPS_SUFFIX@|$suffix|g" \
    -e "s|@CERT@|$cert|g" -e "s|@KEY@|$key|g" -e "s|@RUN@|$run|g" \
    -e "s|@LOG@|$log|g" -e "s|@ROOT@|$root|g" \
    -e "s|@AUTH_RATE@|$auth_rate|g" -e "s|@AUTH_BURST@|$auth_burst|g" \
    -e "s|@EXPORT_RATE@|$export_rate|g" -e "s|@EXPORT_BURST@|$export_burst|g" \
    -e "s|@UPLOAD_BODY@|$upload_body|g" "$root/nginx/site.conf.in")
if grep -q '@[A-Z_]*@' <<<"$out"; then
	die "unreplaced placeholder: $(grep -o '@[A-Z_]*@' <<<"$out" | head -n 1)"
fi
[ -z "$apps" ] || upstreams
printf '%s\n' "$out"
