#!/usr/bin/env bash
# tests/bench.sh - `make bench`: measurements, not tests.  Starts a private
# stack on a generated desk of BENCH_TICKETS tickets (default 100000; made
# once by tests/gen-desk.sql and kept in tests/out/bench-<N> for the next
# run; 0 = an empty desk), then runs wrk through nginx and TLS (2 threads,
# 32 connections, BENCH_SECONDS each after BENCH_WARMUP unrecorded) against
# a static file (the machine's ceiling) and the application's routes, and
# prints one table: req/s, p50,
# p99, non-2xx/3xx responses, the ratio to the static file, and the
# resident memory of the route group that served the row.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${BENCH_SECONDS:-10}
warm=${BENCH_WARMUP:-2}
[[ $warm =~ ^[0-9]{1,3}$ ]] || { echo "BENCH_WARMUP must be a number of seconds" >&2; exit 2; }
tickets=${BENCH_TICKETS:-100000}
[[ $tickets =~ ^[0-9]{1,8}$ ]] || { echo "BENCH_TICKETS must be a number" >&2; exit 2; }
out=$PWD/tests/out/bench-$tickets
mkdir -p "$out"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export SSTS_VAR=$out/var SSTS_HTTPS_PORT=$(free_port) SSTS_HTTP_PORT=$(free_port)
export SSTS_PG_PORT=$(free_port) SSTS_AUTH_RATE=60000r/m SSTS_AUTH_BURST=10000
export SSTS_ADMIN_EMAIL=bench@example.com SSTS_ADMIN_PASSWORD=Bench-Pass1
# The sign-in rows measure what a password check costs, so the per-account
# throttle (which would answer 429 after five failures) is lifted here.
export SSTS_LOGIN_FREE_TRIES=1000
trap 'bash nginx/stack.sh stop >/dev/null 2>&1 || true' EXIT
bash nginx/stack.sh start >"$out/start.log" 2>&1 || { cat "$out/start.log"; exit 1; }
B=https://127.0.0.1:$SSTS_HTTPS_PORT
owner=$(sql/pg.sh url owner)
if [ "$tickets" -gt 0 ] && [ ! -f "$out/desk-loaded" ]; then
	echo "bench: generating a desk of $tickets tickets (once; kept in $out)"
	psql -X -q -d "$owner" -v tickets="$tickets" -f tests/gen-desk.sql >"$out/gen.log" 2>&1 ||
	    { tail -20 "$out/gen.log"; exit 1; }
	psql -X -q -d "$owner" -c "VACUUM ANALYZE" >>"$out/gen.log" 2>&1
	touch "$out/desk-loaded"
fi
# What an earlier run's create row added (its comments stay: "make bench"
# words in the search documents do not match the searched ones).
bench_cleanup() {
	psql -X -q -d "$(sql/pg.sh url owner)" -c "DELETE FROM tickets WHERE title = 'Bench ticket'
	    AND description = 'Made by make bench.'" -c "VACUUM ANALYZE tickets" >/dev/null
}
bench_cleanup
token=$(curl -s --cacert "$SSTS_VAR/tls/cert.pem" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"Bench-Pass1"}' "$B/api/auth/login" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
n=$(psql -X -At -d "$(sql/pg.sh url owner)" -c "SELECT coalesce(max(id), 1) FROM tickets")
deep=$(( (tickets / 50) / 2 + 1 ))	# a page in the middle of the list
# the same place by keyset: the ticket before that page
mid=$(psql -X -At -d "$(sql/pg.sh url owner)" -c "SELECT coalesce((SELECT id FROM tickets
    ORDER BY created_at DESC, id DESC OFFSET greatest($(( (deep - 1) * 50 )) - 1, 0) LIMIT 1), 1)")

rss_kb() {	# resident memory of the processes named $1 (default: workers), KiB
	local pids
	pids=$(pgrep -x "${1:-auth}" || true)
	[ -z "$pids" ] && { echo 0; return; }
	ps -o rss= -p "$(echo $pids | tr ' ' ',')" | awk '{s+=$1} END {print s+0}'
}

# wrk gives up on a request after 2 s, but PostgreSQL runs it on (up to
# the statement timeout): wait for those (10 s at most), so that the next
# row starts on a quiet database.
settle() {
	local i busy
	for i in $(seq 50); do
		busy=$(psql -X -At -d "$owner" -c "SELECT count(*) FROM pg_stat_activity
		    WHERE usename = 'ssts_app' AND state = 'active'" 2>/dev/null) || return 0
		[ "$busy" = 0 ] && return 0
		sleep 0.2
	done
}

row() {	# [G=<route group>] row <name> <path> [wrk args...]
	local name=$1 path=$2 log opts=() extra=()
	shift 2
	# wrk wants its options, the URL, then "--" and the script's arguments
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
	[ $# -eq 0 ] || extra=("$@")
	log=$out/wrk-$name.txt
	# a short unrecorded run first: the figures are of a warm cache
	[ "$warm" -eq 0 ] || wrk -t2 -c32 -d"${warm}s" "${opts[@]}" "$B$path" "${extra[@]}" \
	    >/dev/null 2>&1 || true
	wrk -t2 -c32 -d"${secs}s" --latency "${opts[@]}" "$B$path" "${extra[@]}" >"$log" 2>&1
	settle
	sleep 1	# let queued requests finish before reading memory
	/usr/bin/python3 - "$name" "$log" "$(rss_kb "${G:-auth}")" "${static_rps:-}" <<'PY'
import re, sys
name, log, rss, ceiling = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
def lat(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, log, re.M)
    if not m: return "-"
    v, u = float(m.group(1)), m.group(2)
    return "%.2f" % (v / 1000 if u == "us" else v * 1000 if u == "s" else v)
rps = re.search(r"Requests/sec:\s+([\d.]+)", log)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", log)
err = re.search(r"Socket errors: (.*)", log)
ratio = "%.2f" % (float(rps.group(1)) / float(ceiling)) if rps and ceiling else "1.00"
print("%-16s %10s %9s %9s %7s %6s %9s" % (name, rps.group(1) if rps else "-", lat("50"),
      lat("99"), bad.group(1) if bad else "0", ratio, rss))
if err: print("   socket errors:", err.group(1))
PY
}

echo "SSTS bench: $tickets tickets, wrk -t2 -c32 -d${secs}s through nginx + TLS, $(nproc) cores"
printf '%-16s %10s %9s %9s %7s %6s %9s\n' route req/s p50_ms p99_ms non2xx ratio workers_KiB
row static /static/ssts.css
static_rps=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$out/wrk-static.txt")
T=(-s tests/bench-ticket.lua)
A=(-H "Authorization: Bearer $token")
C=(-H "Cookie: __Host-ssts=$token")
row api-health /api/health
row healthz-db /healthz
row login-page /login
G=tickets row detail /api/tickets "${A[@]}" "${T[@]}" -- GET "/api/tickets/{id}" "$n"
G=tickets row list /api/tickets?limit=50 "${A[@]}"
G=tickets row list-deep "/api/tickets?limit=50&after=$mid" "${A[@]}"
G=tickets row list-offset "/api/tickets?limit=50&page=$deep" "${A[@]}"
G=tickets row search "/api/tickets?limit=50&q=printer" "${A[@]}"
G=desk row detail-page /tickets "${C[@]}" "${T[@]}" -- GET "/tickets/{id}" "$n"
G=desk row list-page /tickets "${C[@]}"
G=desk row list-page-deep "/tickets?page=$((deep * 5 / 2))&after=$mid" "${C[@]}"
G=reports row dashboard /dashboard "${C[@]}"
G=reports row api-dashboard /api/statistics/dashboard "${A[@]}"
G=audit row api-audit "/api/audit?limit=50" "${A[@]}"
G=tickets row create /api/tickets "${A[@]}" "${T[@]}" -- POST /api/tickets 1 \
    '{"title":"Bench ticket","description":"Made by make bench."}'
# comments go to the tickets the create row made: open, as a closed
# ticket refuses them (409)
made=$(psql -X -At -d "$(sql/pg.sh url owner)" -c "SELECT coalesce(min(id), 1) || '-' ||
    coalesce(max(id), $n) FROM tickets WHERE title = 'Bench ticket'")
G=tickets row comment /api/tickets "${A[@]}" "${T[@]}" -- POST "/api/tickets/{id}/comments" "$made" \
    '{"message":"A comment from make bench."}'
row login-ok /api/auth/login -s tests/bench-login-ok.lua
row login-fail-401 /api/auth/login -s tests/bench-login.lua
echo "(login rows are argon2id-bound by design; login-fail-401 answers 401)"
# The sign-ins wrk gave up on are still being hashed (64 MiB each): wait
# until no auth worker has run for a second (30 s at most), so that the
# idle figure below is of an idle stack.
auth_ticks() { for p in $(pgrep -x auth); do awk '{print $14 + $15}' "/proc/$p/stat"; done; }
for i in $(seq 30); do
	busy=$(auth_ticks)
	sleep 1
	[ "$busy" = "$(auth_ticks)" ] && break
done
sleep 1
groups="auth tickets desk attachments catalog users people account mfa reports audit"
all=$(pgrep -d, -x "$(echo nginx multiwatch $groups | tr ' ' '|')")
pss=$(for p in ${all//,/ }; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done |
    awk '{s+=$1} END {print s+0}')
rss=$(ps -o rss= -p "$all" | awk '{s+=$1} END {print s+0}')
echo "idle after the run, the whole stack but PostgreSQL ($(echo ${all//,/ } | wc -w) processes):" \
    "$pss KiB proportional (PSS), $rss KiB summed resident (shared pages counted in each)"
