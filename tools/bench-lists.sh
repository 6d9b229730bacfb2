#!/usr/bin/env bash
# make bench, part 3: long lists against everything else. N reports (100k),
# LISTS clients (50) each fetching /whatsapp-report/detail?limit=10000 over
# and over for DURATION seconds (20), waiting Retry-After (1 s) after a 503,
# while a probe GETs single reports (wrk, 10 connections pausing 10 ms: a
# steady ~1k requests/s). The target: no error on the probe (non-2xx, socket
# error or a 5 s timeout); its p99 is recorded next to the same probe on an
# idle server. nginx runs the module's defaults with worker_processes 2
# (MAX_STREAMS sets wa_report_max_streams).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
N=${N:-100000}
LISTS=${LISTS:-50}
DURATION=${DURATION:-20}
WORKERS=${WORKERS:-2}
NGINX=${NGINX:-/usr/sbin/nginx}

. tools/bench-common.sh

cat > "$dir/nginx.conf" <<CONF
load_module $top/build/ngx_http_wa_report_module.so;
worker_processes $WORKERS;
error_log logs/error.log notice;
pid nginx.pid;
$nginx_user
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    wa_report_redis 127.0.0.1:$rport;
    ${MAX_STREAMS:+wa_report_max_streams $MAX_STREAMS;}
    server {
        listen 127.0.0.1:$hport;
        location /whatsapp-report/ { wa_report; }
    }
}
CONF

echo "loading $N reports..." >&2
build/bench_gen "$N" | redis-cli -p "$rport" --pipe >/dev/null
"$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log
sleep 1

probe() {
    WA_N=$N WA_BASE=/whatsapp-report WA_DELAY_MS=${PROBE_DELAY_MS:-10} \
        wrk -t1 -c10 -d"$1s" --timeout 5s --latency -s tests/bench/report.lua \
        "http://127.0.0.1:$hport" > "$dir/$2.out"
}
p99() { awk '$1 == "99%" {print $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# Non-2xx answers plus socket errors (connect, read, write, timeout).
errors() {
    awk '/Non-2xx/ {n += $NF}
         /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
         END {print n + 0}' "$1"
}

# One list client: counts complete lists, 503s that say "busy" (then waits
# Retry-After) and anything else (another status, a list cut short).
list_client() {
    local id=$1 until=$(( $(date +%s) + DURATION )) ok=0 busy=0 failed=0 bytes=0 out code size
    while [ "$(date +%s)" -lt "$until" ]; do
        if out=$(curl -s -o "$dir/list.$id.body" -w '%{http_code} %{size_download}' \
                "http://127.0.0.1:$hport/whatsapp-report/detail?limit=10000"); then
            read -r code size <<< "$out"
        else
            code=cut; size=0
        fi
        if [ "$code" = 200 ]; then
            ok=$((ok + 1)); bytes=$((bytes + size))
        elif [ "$code" = 503 ] && grep -q "Too many lists" "$dir/list.$id.body"; then
            busy=$((busy + 1)); sleep 1
        else
            failed=$((failed + 1))
        fi
    done
    echo "$ok $busy $failed $bytes" > "$dir/result.$id"
}

probe 10 idle
for i in $(seq "$LISTS"); do list_client "$i" & done
sleep 2
probe $((DURATION - 4)) busy
wait

read -r ok busy failed bytes < <(cat "$dir"/result.* | awk '{a += $1; b += $2; c += $3; d += $4} END {print a, b, c, d}')
unavailable=$(grep -c 'redis unavailable' "$dir/logs/error.log" || true)
mbps=$(awk -v b="$bytes" -v s="$DURATION" 'BEGIN { printf "%.0f", b / s / 1048576 }')

echo
echo "$LISTS clients looping on /detail?limit=10000 for ${DURATION} s over $N reports, probe: wrk -t1 -c10, 10 ms pause, single report GETs; nginx worker_processes $WORKERS, wa_report_max_streams ${MAX_STREAMS:-4 (default)}, otherwise the module's defaults, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "| reports | list clients | lists served | lists answered 503 busy | lists failed | lists MB/s | probe requests | probe errors | probe p99 idle | probe p99 during lists | \"redis unavailable\" log lines |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
echo "| $N | $LISTS | $ok | $busy | $failed | $mbps | $(requests "$dir/busy.out") | $(errors "$dir/busy.out") | $(p99 "$dir/idle.out") | $(p99 "$dir/busy.out") | $unavailable |"
