#!/usr/bin/env bash
# Runs each libFuzzer target for a number of seconds, one after another (the
# machine's cores are shared), from its seed corpus. Crashes, leaks and
# timeouts are kept in tests/fuzz/crashes/<target>/; inputs that reached new
# code in build/fuzz/new/<target>/. Usage: tools/fuzz.sh BUILD SECONDS TARGET...
set -u
build=$1; seconds=$2; shift 2
cd "$(dirname "$0")/.."

status=0
printf '%-18s %8s %12s %s\n' target seconds execs result
for target in "$@"; do
    new="$build/fuzz/new/$target"
    crashes="tests/fuzz/crashes/$target"
    mkdir -p "$new" "$crashes"
    log="$build/fuzz/$target.log"
    # -timeout: one input may take at most 10 s; -rss_limit_mb keeps the
    # shared machine safe; -max_len above the module's 1 MB body limit is
    # not needed to reach any code path of a parser.
    "$build/fuzz/fuzz_$target" "$new" "tests/fuzz/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
        -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^stat::.*//p' "$log" >/dev/null; grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAILED (see $log; input in $crashes/)"
        status=1
    fi
    printf '%-18s %8s %12s %s\n' "$target" "${took:-$seconds}" "${execs:-?}" "$result"
done
find tests/fuzz/crashes -type d -empty -delete 2>/dev/null
exit $status
