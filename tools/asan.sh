#!/usr/bin/env bash
# The integration suite against an nginx built with ASan+UBSan and the module
# compiled in (make asan). The harness points each nginx's sanitizer reports
# into its prefix and fails the test that stopped an nginx with a report,
# leaks found when a worker or the master exits included.
# Usage: tools/asan.sh NGINX_BINARY INTEGRATION_TESTS [gtest args...]
set -u
nginx=$1; tests=$2; shift 2
cd "$(dirname "$0")/.."

# detect_leaks: LeakSanitizer runs when each nginx process exits.
# abort_on_error=0: a report ends the process with an exit code, not a core.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1
start=$(date +%s)
WA_MODULE= WA_NGINX="$PWD/$nginx" "$tests" "$@" 2>&1 | tee build-asan/integration.log
rc=${PIPESTATUS[0]}
echo "make asan: integration suite on the ASan nginx took $(( $(date +%s) - start )) s (exit $rc)"
exit "$rc"
