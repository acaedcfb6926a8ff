#!/usr/bin/env bash
# tests/run.sh - every kind of test, as `make test` runs them: lint, unit
# (cmocka), fuzz smoke (libFuzzer), HTTP (pytest through nginx on private
# stacks whose workers are the ASan/UBSan build), browser (Chromium), the
# short fault suite (tests/faults), the deployment tests (tests/deploy),
# and a valgrind soak of every route group.  Prints
# "name... ok|FAIL" per step, the log tail of a failure, and exits non-zero
# if any step failed.  Logs: tests/out/<step>.log.
set -u
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
mkdir -p tests/out
passed=0 failed=0

step() {
	local name=$1 log=tests/out/$1.log t0=$SECONDS
	shift
	if "$@" >"$log" 2>&1; then
		echo "$name... ok ($((SECONDS - t0)) s)"
		passed=$((passed + 1))
	else
		echo "$name... FAIL ($((SECONDS - t0)) s)"
		tail -n 60 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

step lint sh tests/lint.sh
step unit make --no-print-directory unit
step fuzz-smoke make --no-print-directory fuzz-smoke FUZZ_SECONDS="${FUZZ_SECONDS:-5}"
step asan-build make --no-print-directory asan

# The HTTP suite runs once, as two shards side by side, each with its own
# stacks under tests/out/http-<shard>: the tickets, attachments, sign-in,
# user-page and export modules (the zz invariants last, after the tickets
# modules on their shared stack), and the rest.  Its workers are the ASan/UBSan
# build (the same code, instrumented): any sanitizer report in their logs
# fails the step even if every request looked right.  The release build
# is what the browser journeys and the valgrind soak run.
shard_a() {
	ls tests/http/test_tickets_*.py tests/http/test_attachments.py \
	    tests/http/test_api_misc.py tests/http/test_cors.py \
	    tests/http/test_ratelimit.py tests/http/test_catalog.py \
	    tests/http/test_api_auth.py tests/http/test_pages_auth.py \
	    tests/http/test_sessions.py tests/http/test_people_pages.py \
	    tests/http/test_exports.py | sort
}
shard_b() {
	ls tests/http/test_*.py | sort | grep -vxF -f <(shard_a)
}
http() {
	local s rc=0 ok=() bad=()
	for s in a b; do
		env SSTS_TEST_OUT="$PWD/tests/out/http-$s" \
		    SSTS_BIN="$PWD/build/asan/cgi-bin" \
		    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		    $PY -m pytest -q -p no:cacheprovider $(shard_$s) \
		    >"tests/out/http-$s.log" 2>&1 &
		eval "pid_$s=\$!"
	done
	for s in a b; do
		if eval "wait \$pid_$s"; then ok+=("$s"); else bad+=("$s"); rc=1; fi
	done
	# a failing shard's output comes last, where the step's tail shows it
	for s in "${ok[@]}" "${bad[@]}"; do
		echo "== shard $s"
		cat "tests/out/http-$s.log"
	done
	if find tests/out/http-a tests/out/http-b -path '*/var/log/*.log' \
	    -print0 | xargs -0 -r grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:'; then
		echo "sanitizer reports found in the worker logs above"
		rc=1
	fi
	return $rc
}
step http http
step browser $PY -m pytest -q -p no:cacheprovider tests/browser
# Faults (short): workers killed, PostgreSQL restarted / crashed / its
# backends ended / down at start, nginx reloaded, uploads cut short or on
# a full disk, under a load whose acknowledged writes are then checked.
step faults env SSTS_FAULTS=short SSTS_TEST_OUT="$PWD/tests/out/faults" \
    $PY -m pytest -q -s -p no:cacheprovider tests/faults

# Steps that share no port, directory or server run side by side: each
# reports as above, in the order given, once both are done.
side_by_side() {
	local n
	for n in "$@"; do
		step "$n" "${n}_step" >"tests/out/.$n.status" &
	done
	wait
	for n in "$@"; do
		cat "tests/out/.$n.status"
		if grep -q "^$n\.\.\. ok" "tests/out/.$n.status"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
}
# Deployment: make install, the systemd units, the nginx site in Debian's
# nginx.conf, bad secrets refused, backup and restore, an upgrade.  Beside
# it, the valgrind soak (one worker per group: mostly one core).
deploy_step() {
	env SSTS_TEST_OUT="$PWD/tests/out/deploy" \
	    $PY -m pytest -q -p no:cacheprovider tests/deploy
}
valgrind_step() {
	bash tests/valgrind.sh
}
side_by_side deploy valgrind
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
