#!/usr/bin/env bash
# Replays every fuzz target's corpus (tests/fuzz/corpus/<target>/) through the
# target built with g++'s ASan+UBSan (make fuzz-replay): one test per target.
set -u
build=${1:-build}
cd "$(dirname "$0")/.."
passed=0; failed=0
for dir in tests/fuzz/corpus/*/; do
    target=$(basename "$dir")
    if out=$("$build/fuzz/replay_$target" "$dir" 2>&1); then
        echo "ok $target: $out"
        passed=$((passed + 1))
    else
        echo "FAIL $target:"; echo "$out" | tail -30
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
