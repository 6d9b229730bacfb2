#!/usr/bin/env bash
# make bench, part 2: one reminder run over N due vehicles (default 100k,
# RATE=0: unlimited; make bench also runs RATE=2000 N=40000)
# against a gateway on loopback that accepts at once. Reports messages per
# second, worker RSS, and the p99 of GET /customer/{id}/vehicle/{id} while the
# run goes on against the same while idle. INTERVAL: wa_report_recipient_interval
# (default 0 here; the module's default is 6s). Prints a markdown table.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
N=${N:-100000}
CONCURRENCY=${CONCURRENCY:-32}
RATE=${RATE:-0}
DURATION=${DURATION:-4s}
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$PWD/build/ngx_http_wa_report_module.so}
AS_OF=2026-12-01

. tools/bench-common.sh
start_gateway

echo "bench-key" > "$dir/gateway.key"
echo "bench-secret" > "$dir/jwt.secret"
chmod 600 "$dir/gateway.key" "$dir/jwt.secret"
cat > "$dir/nginx.conf" <<CONF
load_module $MODULE;
worker_processes 1;
error_log logs/error.log notice;
pid nginx.pid;
$nginx_user
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    wa_report_redis 127.0.0.1:$rport;
    wa_report_gateway starsender;
    wa_report_gateway_url http://127.0.0.1:$gport/api/send;
    wa_report_gateway_key_file $dir/gateway.key;
    wa_report_gateway_concurrency $CONCURRENCY;
    wa_report_gateway_rate $RATE;
    wa_report_gateway_retries 0;
    # gen.cpp gives each customer two vehicles: Meta's pair rate would pace
    # them 6 s apart, which measures the clock, not the module (INTERVAL=6s
    # measures that cost: BENCHMARKS.md).
    wa_report_recipient_interval ${INTERVAL:-0};
    wa_report_tick 1h;
    wa_report_service_phone 087740659525;
    server {
        listen 127.0.0.1:$hport;
        location /whatsapp-report/ { wa_report; }
        location /fixed/ { default_type application/json; return 200 '{"ok":true}'; }
        location /scheduler/maintenance-reminder/ {
            wa_report_scheduler;
            wa_report_jwt_secret_file $dir/jwt.secret;
        }
    }
}
CONF

echo "loading $N due vehicles..." >&2
build/bench_gen "$N" wa "$AS_OF" 1 | redis-cli -p "$rport" --pipe >/dev/null
"$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log
sleep 0.5
worker=$(pgrep -P "$(cat "$dir/nginx.pid")" | head -1)
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

token=$(tools/jwt.sh "$dir/jwt.secret" bench)

p99() { awk '$1 == "99%" {print $2}' "$1"; }
# Two probes: a report GET (shares the worker and Redis with the run) and
# nginx's own `return 200` in the same worker (shows whether the event loop
# is ever held up by the run). Each connection pauses PROBE_DELAY_MS (10)
# between requests: a steady ~1k requests/s, so the probe measures latency
# rather than saturating the two cores itself (PROBE_DELAY_MS=0 does that).
probe() {
    WA_N=$N WA_BASE=$1 WA_DELAY_MS=${PROBE_DELAY_MS:-10} wrk -t1 -c10 -d"$DURATION" --latency -s tests/bench/report.lua \
        "http://127.0.0.1:$hport" > "$dir/$2.out"
}
probe /whatsapp-report idle_report
probe /fixed idle_fixed
idle=$(p99 "$dir/idle_report.out")
idle_fixed=$(p99 "$dir/idle_fixed.out")

rss_before=$(rss_kb "$worker")
start=$(date +%s.%N)
curl -s -o "$dir/run.json" -X POST -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$hport/scheduler/maintenance-reminder/run-now?date=$AS_OF" &
cpid=$!
sleep 0.5
(probe /whatsapp-report busy_report; probe /fixed busy_fixed) & wpid=$!
peak=$rss_before
while kill -0 "$cpid" 2>/dev/null; do
    now=$(rss_kb "$worker"); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.1
done
end=$(date +%s.%N)
wait "$wpid" || true
probes_end=$(date +%s.%N)
busy=$(p99 "$dir/busy_report.out")
busy_fixed=$(p99 "$dir/busy_fixed.out")
sent=$(curl -s "http://127.0.0.1:$gport/count")
secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
rate=$(awk -v n="$sent" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
counted=$(redis-cli -p "$rport" hget '{wa}:stats' messages)
head -c 200 "$dir/run.json" >&2; echo >&2

echo
echo "reminder run: $N due vehicles, gateway_concurrency $CONCURRENCY, gateway_rate $RATE (0: unlimited), nginx worker_processes 1, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "| due vehicles | accepted by gateway | run time | messages/s | worker RSS before | peak RSS growth | report GET p99 idle / during run | return 200 p99 idle / during run | statistics total_messages_sent |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| $N | $sent | $secs s | $rate | $((rss_before / 1024)) MB | $(( (peak - rss_before) / 1024 )) MB | $idle / $busy | $idle_fixed / $busy_fixed | $counted |"
