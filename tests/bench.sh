#!/usr/bin/env bash
# tests/bench.sh - `make bench`: measurements, not tests.  Starts a private
# stack (tests/out/bench), then runs wrk through nginx and TLS (2 threads,
# 32 connections, BENCH_SECONDS each) against a static file (the machine's
# ceiling) and the application's routes, and prints one table: req/s, p50,
# p99, non-2xx/3xx responses, and the resident memory of the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${BENCH_SECONDS:-10}
out=$PWD/tests/out/bench
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
token=$(curl -s --cacert "$SSTS_VAR/tls/cert.pem" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"Bench-Pass1"}' "$B/api/auth/login" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

rss_kb() {	# resident memory of the processes named $1 (default: workers), KiB
	local pids
	pids=$(pgrep -x "${1:-auth}" || true)
	[ -z "$pids" ] && { echo 0; return; }
	ps -o rss= -p "$(echo $pids | tr ' ' ',')" | awk '{s+=$1} END {print s+0}'
}

row() {	# [G=<route group>] row <name> <path> [wrk args...]
	local name=$1 path=$2 log
	shift 2
	log=$out/wrk-$name.txt
	wrk -t2 -c32 -d"${secs}s" --latency "$@" "$B$path" >"$log" 2>&1
	sleep 1	# let queued requests finish before reading memory
	/usr/bin/python3 - "$name" "$log" "$(rss_kb "${G:-auth}")" <<'PY'
import re, sys
name, log, rss = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
def lat(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, log, re.M)
    if not m: return "-"
    v, u = float(m.group(1)), m.group(2)
    return "%.2f" % (v / 1000 if u == "us" else v * 1000 if u == "s" else v)
rps = re.search(r"Requests/sec:\s+([\d.]+)", log)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", log)
err = re.search(r"Socket errors: (.*)", log)
print("%-16s %10s %9s %9s %7s %9s" % (name, rps.group(1) if rps else "-", lat("50"),
      lat("99"), bad.group(1) if bad else "0", rss))
if err: print("   socket errors:", err.group(1))
PY
}

echo "SSTS bench: wrk -t2 -c32 -d${secs}s through nginx + TLS, $(nproc) cores"
printf '%-16s %10s %9s %9s %7s %9s\n' route req/s p50_ms p99_ms non2xx workers_KiB
row static /static/ssts.css
row api-health /api/health
row healthz-db /healthz
row login-page /login
G=reports row dashboard /dashboard -H "Cookie: __Host-ssts=$token"
G=reports row api-dashboard /api/statistics/dashboard -H "Authorization: Bearer $token"
G=audit row audit-page /admin/audit -H "Cookie: __Host-ssts=$token"
G=audit row api-audit "/api/audit?limit=50" -H "Authorization: Bearer $token"
row login-ok /api/auth/login -s tests/bench-login-ok.lua
row login-fail-401 /api/auth/login -s tests/bench-login.lua
echo "(login rows are argon2id-bound by design; login-fail-401 answers 401)"
sleep 2
echo "idle after the run: workers $(rss_kb auth) KiB ($(pgrep -xc auth) processes)," \
    "nginx $(rss_kb nginx) KiB, supervisors $(rss_kb multiwatch) KiB"
