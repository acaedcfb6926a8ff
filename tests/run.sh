#!/usr/bin/env bash
# tests/run.sh - every kind of test, as `make test` runs them: lint, unit
# (cmocka), fuzz smoke (libFuzzer), HTTP (pytest through nginx on a
# private stack), browser (Chromium), the HTTP suite again against an
# ASan/UBSan build, and a valgrind soak of one worker.  Prints
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
step fuzz-smoke make --no-print-directory fuzz-smoke FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
# The HTTP suite runs as two shards side by side, each with its own stacks
# under tests/out/<step>-<shard>: the tickets and attachments modules (the
# zz invariants last, after the tickets modules on their shared stack),
# and the rest.  Both shards' output is kept; a failing shard's comes last.
shard_a() {
	ls tests/http/test_tickets_*.py tests/http/test_attachments.py \
	    tests/http/test_api_misc.py tests/http/test_cors.py \
	    tests/http/test_ratelimit.py tests/http/test_catalog.py \
	    tests/http/test_api_auth.py tests/http/test_pages_auth.py \
	    tests/http/test_sessions.py | sort
}
shard_b() {
	ls tests/http/test_*.py | sort | grep -vxF -f <(shard_a)
}
# The ASan run leaves out the modules that add no code path of ours to
# the rest: query plans (EXPLAIN), nginx's own rate limit, the waits of the
# sign-in throttle, and the role x route matrices (every cell repeats a
# gate path the other modules take).
asan_skip() {
	printf 'tests/http/%s.py\n' test_tickets_explain test_ratelimit \
	    test_login_throttle test_tickets_matrix test_tickets_pages_matrix
}
http_sharded() {	# http_sharded <step> [env assignments...]
	local name=$1 s rc=0 ok=() bad=()
	shift
	for s in a b; do
		env SSTS_TEST_OUT="$PWD/tests/out/$name-$s" "$@" \
		    $PY -m pytest -q -p no:cacheprovider $(shard_$s |
		    if [ "$name" = http-asan ]; then grep -vxF -f <(asan_skip)
		    else cat; fi) >"tests/out/$name-$s.log" 2>&1 &
		eval "pid_$s=\$!"
	done
	for s in a b; do
		if eval "wait \$pid_$s"; then ok+=("$s"); else bad+=("$s"); rc=1; fi
	done
	for s in "${ok[@]}" "${bad[@]}"; do
		echo "== shard $s"
		cat "tests/out/$name-$s.log"
	done
	return $rc
}
step http http_sharded http
step browser $PY -m pytest -q -p no:cacheprovider tests/browser
step asan-build make --no-print-directory asan
# The HTTP suite again with ASan/UBSan workers; any sanitizer report in
# their logs fails the step even if every request looked right.
http_asan() {
	http_sharded http-asan SSTS_BIN="$PWD/build/asan/cgi-bin" \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 || return 1
	if find tests/out/http-asan-a tests/out/http-asan-b -path '*/var/log/*.log' \
	    -print0 | xargs -0 -r grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:'; then
		echo "sanitizer reports found in the worker logs above"
		return 1
	fi
}
step http-asan http_asan
step valgrind bash tests/valgrind.sh
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
