#!/usr/bin/env bash
# make bench: data sets of 10k / 100k / 1M reports, wrk against the module and
# against nginx answering a fixed body of the same size, worker RSS while
# /detail streams. Prints a markdown table (also saved to build/bench.md).
# On a 2-core machine wrk, nginx and redis share the cores: compare ratios.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
SIZES=${SIZES:-"10000 100000 1000000"}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
NGINX=${NGINX:-/usr/sbin/nginx}

. tools/bench-common.sh

write_conf() {
    local fixed=$1
    cat > "$dir/nginx.conf" <<CONF
load_module $top/build/ngx_http_wa_report_module.so;
worker_processes 1;
error_log logs/error.log notice;
pid nginx.pid;
$nginx_user
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    wa_report_redis 127.0.0.1:$rport;
    server {
        listen 127.0.0.1:$hport;
        location /whatsapp-report/ { wa_report; }
        location /fixed/ { default_type application/json; return 200 '$fixed'; }
    }
}
CONF
}

write_conf '{}'
"$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log
sleep 0.5

worker_pid() { pgrep -P "$(cat "$dir/nginx.pid")" | head -1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# wrk --latency: "Requests/sec" and the 99% line.
wrk_run() {
    local script=$1 base=$2 n=$3 conns=$4
    WA_N=$n WA_BASE=$base wrk -t1 -c"$conns" -d"$DURATION" --latency -s "$script" \
        "http://127.0.0.1:$hport" > "$dir/wrk.out"
    local rps p99 avg
    rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.out")
    avg=$(awk '$1 == "Latency" {print $2; exit}' "$dir/wrk.out")
    if grep -q "Non-2xx" "$dir/wrk.out"; then
        echo "wrk saw errors:" >&2; cat "$dir/wrk.out" >&2
    fi
    echo "$rps $p99 $avg"
}

results="$dir/results.md"
{
echo "| reports | report GET req/s | fixed body req/s | ratio | report p99 | fixed p99 | /statistics avg | /statistics p99 | /detail bytes | /detail time | worker RSS before | peak RSS growth |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$results"

for n in $SIZES; do
    redis-cli -p "$rport" flushall >/dev/null
    echo "loading $n reports..." >&2
    build/bench_gen "$n" | redis-cli -p "$rport" --pipe >/dev/null
    sample=$(curl -s "http://127.0.0.1:$hport/whatsapp-report/customer/00000000-0000-4000-8000-000000000000/vehicle/00000000-0000-4000-8001-000000000000")
    write_conf "$sample"
    "$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log -s reload
    sleep 1
    fixed=$(curl -s "http://127.0.0.1:$hport/fixed/x")
    [ "${#fixed}" -eq "${#sample}" ] || { echo "fixed body size differs" >&2; exit 1; }

    read -r rrps rp99 _ < <(wrk_run tests/bench/report.lua /whatsapp-report "$n" "$CONNS")
    read -r frps fp99 _ < <(wrk_run tests/bench/report.lua /fixed "$n" "$CONNS")
    read -r _ sp99 savg < <(wrk_run tests/bench/statistics.lua /whatsapp-report "$n" 10)
    ratio=$(awk -v a="$rrps" -v b="$frps" 'BEGIN { printf "%.2f", a / b }')

    pid=$(worker_pid)
    before=$(rss_kb "$pid")
    peak=$before
    start=$(date +%s.%N)
    curl -s -o "$dir/detail.json" "http://127.0.0.1:$hport/whatsapp-report/detail" &
    cpid=$!
    while kill -0 "$cpid" 2>/dev/null; do
        now=$(rss_kb "$pid"); [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.05
    done
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')
    bytes=$(stat -c %s "$dir/detail.json")
    rows=$(grep -o '"id":' "$dir/detail.json" | wc -l)
    [ "$rows" -eq "$n" ] || echo "detail returned $rows rows, expected $n" >&2
    growth=$(( (peak - before) / 1024 ))
    echo "| $n | $rrps | $frps | $ratio | $rp99 | $fp99 | $savg | $sp99 | $bytes | $secs | $((before / 1024)) MB | $growth MB |" >> "$results"
    rm -f "$dir/detail.json"
done

echo
echo "wrk -t1 -c$CONNS -d$DURATION (statistics: -c10), nginx worker_processes 1, $(nproc) cores, $(date -u +%Y-%m-%d)"
cat "$results"
cp "$results" build/bench.md
