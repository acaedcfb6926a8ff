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
step http $PY -m pytest -q -p no:cacheprovider tests/http
step browser $PY -m pytest -q -p no:cacheprovider tests/browser
step asan-build make --no-print-directory asan
# The HTTP suite again with ASan/UBSan workers; any sanitizer report in
# their logs fails the step even if every request looked right.
http_asan() {
	env SSTS_BIN="$PWD/build/asan/cgi-bin" \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $PY -m pytest -q -p no:cacheprovider tests/http || return 1
	if grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:' \
	    tests/out/*/var/log/*.log; then
		echo "sanitizer reports found in the worker logs above"
		return 1
	fi
}
step http-asan http_asan
step valgrind bash tests/valgrind.sh
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
