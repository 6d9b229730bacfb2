#!/usr/bin/env bash
# Runs every test suite and ends with one "N passed, N failed" line.
set -u
build=${1:-build}
cd "$(dirname "$0")/.."

passed=0
failed=0
status=0

# GoogleTest binaries: count from their own summary lines.
run_gtest() {
    local name=$1; shift
    echo "=== $name"
    local log
    log=$(mktemp)
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash or sanitizer abort
    passed=$((passed + p)); failed=$((failed + f))
    [ "$rc" -eq 0 ] || status=1
    rm -f "$log"
}

run_plain() {
    local name=$1; shift
    echo "=== $name"
    local log
    log=$(mktemp)
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line p f
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p'); p=${p:-0}
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p'); f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$rc" -eq 0 ] || status=1
    rm -f "$log"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_gtest "unit tests (ASan + UBSan)" "$build/unit_tests"
run_plain "fuzz corpus replay" tools/fuzz-replay.sh "$build"
run_plain "lua scripts" tests/lua/run.sh
run_plain "build loop" tests/build/run.sh "$build"

# The C++ follows .clang-format (make format applies it).
echo "=== style (clang-format)"
unformatted=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' \
    | xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true)
if [ "${unformatted:-0}" -eq 0 ]; then
    echo "1 passed, 0 failed"; passed=$((passed + 1))
else
    echo "FAIL: $unformatted places differ from .clang-format (run make format)"
    failed=$((failed + 1)); status=1
fi
# Every answer the integration tests receive is recorded and then checked
# against the OpenAPI document (tests/openapi/validate.py).
openapi_record="$build/openapi-answers.ndjson"
rm -f "$openapi_record"
WA_OPENAPI_RECORD="$PWD/$openapi_record" WA_MODULE="$PWD/$build/ngx_http_wa_report_module.so" \
    run_gtest "integration tests (nginx + redis)" "$build/integration_tests"
run_plain "answers against openapi/openapi.json" \
    /usr/bin/python3 tests/openapi/validate.py openapi/openapi.json "$openapi_record"
# Every fault scenario for a few seconds (make faults runs them at full load
# and writes RELIABILITY.md).
FAULTS_SHORT=1 WA_MODULE="$PWD/$build/ngx_http_wa_report_module.so" \
    run_gtest "fault suite, short (tests/faults)" "$build/fault_tests"

# The dashboard in headless Chromium (a few seconds), when make browser-test
# has installed the browser.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    && /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
    run_plain "dashboard in headless Chromium" tests/browser/run.sh "$build"
else
    echo "=== dashboard in headless Chromium: skipped (make browser-test installs chromium)"
fi

echo
echo "$passed passed, $failed failed"
exit $status
