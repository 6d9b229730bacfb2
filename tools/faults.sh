#!/usr/bin/env bash
# make faults: every scenario of build/fault_tests at full load, then
# RELIABILITY.md from their figures (one row each) and the texts below.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."

rows=$(mktemp)
log=$(mktemp)
trap 'rm -f "$rows" "$log"' EXIT

started=$(date -u '+%Y-%m-%d %H:%M UTC')
start_s=$(date +%s)
status=0
# In the order of the issue: Redis, Sentinel, nginx during a run, the
# gateway, the clock.
for filter in 'RedisFaultTest.*:RedisPasswordFaultTest.*' 'SentinelFaultTest.*' \
    'RunFaultTest.Worker*:RunFaultTest.Five*:RunFaultTest.Graceful*' 'RunFaultTest.Gateway*' \
    'MidnightFaultTest.*'; do
    WA_FAULTS_OUT="$rows" WA_MODULE="$PWD/$build/ngx_http_wa_report_module.so" \
        "$build/fault_tests" --gtest_filter="$filter" 2>&1 | tee -a "$log" || status=1
done
elapsed=$(( $(date +%s) - start_s ))
count() { sed -n "s/^\\[  $1  \\] \\([0-9]*\\) test.*/\\1/p" "$log" | awk '{ n += $1 } END { print n + 0 }'; }
passed=$(count PASSED)
failed=$(count FAILED)
summary="$passed passed, $failed failed"

{
    cat <<HEAD
# Reliability: the fault suite's figures

Command: \`make faults\` (build/fault_tests at full load), run on $started, $elapsed s
in all; $summary.
Machine: $(uname -sr), $(nproc) cores, $(awk '/MemTotal/ {printf "%d GB", $2/1048576}' /proc/meminfo),
load average at the end $(cut -d' ' -f1-3 /proc/loadavg). The machine was shared with other
builds and test runs while this ran: latencies are upper bounds, not what an idle host shows.

Everything runs on 127.0.0.1: Debian's redis-server (and redis-sentinel mode), Debian's nginx
1.22 loading the module, and the test gateway speaking StarSender's wire format. Every scenario
is also a test: it asserts what must hold (below), so \`make test\` runs each one briefly
(FAULTS_SHORT=1) and a regression fails the build.

Columns: **requests** and **failures** are the steady readers' report GETs
(\`GET /whatsapp-report/customer/{c}/vehicle/{v}\`) over the whole scenario; **max latency** is
the slowest of those sent while the fault lasted; **recovery** is from the fault's end to the
first 200 sent after it; **lost** are sends the gateway accepted that were neither counted on
the vehicle's report nor listed unknown by the run; **doubled** are recipients with two
accepted sends; **crashes** are [alert]/[crit]/[emerg] lines in nginx's error log (a worker
that died other than by reload or quit logs one), the scenario's own SIGKILL excepted.

| scenario | load | requests | failures by status | max latency during fault | time to recover | sends lost | sends doubled | worker crashes |
|---|---|---|---|---|---|---|---|---|
HEAD
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$rows"
    echo
    cat docs/reliability-scenarios.md
} > RELIABILITY.md
echo "RELIABILITY.md: $(wc -l < "$rows") scenarios"
exit $status
