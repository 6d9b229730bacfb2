#!/usr/bin/env bash
# The figures behind SCALING.md: Redis memory per customer, vehicle, report
# and counted message, and Redis commands and CPU per reminder, measured on a
# private redis-server with the data generator's layout (the scripts' own)
# and one real reminder run through nginx against the loopback test gateway.
# N (default 20000) vehicles of N/2 customers. Prints a markdown table.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
N=${N:-20000}
NGINX=${NGINX:-/usr/sbin/nginx}
AS_OF=2026-12-01

. tools/bench-common.sh
rc() { redis-cli -p "$rport" "$@"; }
used() { rc info memory | awk -F: '/^used_memory:/ {print $2+0}'; }
# The average MEMORY USAGE (bytes, all samples) of up to 200 keys matching $1.
avg_usage() {
    rc --scan --pattern "$1" | head -200 | while read -r k; do
        rc memory usage "$k" samples 0
    done | awk '{s += $1; n++} END {if (n) printf "%.0f", s / n; else print 0}'
}
key_usage() { rc memory usage "$1" samples 0; }

empty=$(used)

# Customers and vehicles, no reports yet.
build/bench_gen "$N" wa "$AS_OF" 0 | rc --pipe >/dev/null
cv=$(used)
customer_hash=$(avg_usage '{wa}:customer:*-8000-????????????')
customer_set=$(avg_usage '{wa}:customer:*:vehicles')
vehicle_hash=$(avg_usage '{wa}:vehicle:*')
day=$(rc --scan --pattern '{wa}:due:*' | head -1)
due_index=$(key_usage "$day")

# The same with one report per vehicle.
rc flushall >/dev/null
build/bench_gen "$N" wa "$AS_OF" 1 | rc --pipe >/dev/null
cvr=$(used)
report_hash=$(avg_usage '{wa}:report:*')
reports_index=$(key_usage '{wa}:reports')
report_ids=$(key_usage '{wa}:report-ids')
customer_reports=$(avg_usage '{wa}:customer:*:reports')

# One real run: every vehicle is due, each accepted send is counted.
start_gateway
echo "scaling-key" > "$dir/gateway.key"
echo "scaling-secret" > "$dir/jwt.secret"
chmod 600 "$dir/gateway.key" "$dir/jwt.secret"
cat > "$dir/nginx.conf" <<CONF
load_module $top/build/ngx_http_wa_report_module.so;
worker_processes 1;
error_log logs/error.log notice;
pid nginx.pid;
$nginx_user
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    wa_report_redis 127.0.0.1:$rport;
    wa_report_gateway starsender;
    wa_report_gateway_url http://127.0.0.1:$gport/api/send;
    wa_report_gateway_key_file $dir/gateway.key;
    wa_report_gateway_concurrency 32;
    wa_report_gateway_rate 0;
    # gen.cpp gives each customer two vehicles: no pair-rate pacing here.
    wa_report_recipient_interval 0;
    wa_report_tick 1h;
    wa_report_service_phone 087740659525;
    server {
        listen 127.0.0.1:$hport;
        location /scheduler/maintenance-reminder/ {
            wa_report_scheduler;
            wa_report_jwt_secret_file $dir/jwt.secret;
        }
    }
}
CONF
"$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log
sleep 0.5
rc config resetstat >/dev/null
before_run=$(used)
cpu0=$(rc info cpu | awk -F: '/^used_cpu_user:/ {u=$2} /^used_cpu_sys:/ {s=$2} END {print u + s}')
token=$(tools/jwt.sh "$dir/jwt.secret" scaling)
curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$hport/scheduler/maintenance-reminder/run-now?date=$AS_OF"
cpu1=$(rc info cpu | awk -F: '/^used_cpu_user:/ {u=$2} /^used_cpu_sys:/ {s=$2} END {print u + s}')
after_run=$(used)
sent=$(curl -s "http://127.0.0.1:$gport/count")
stats=$(rc info commandstats)
calls=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_/ {s += $2} END {print s}')
evalsha=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $2}')
evalsha_us=$(echo "$stats" | awk -F'[=,]' '/^cmdstat_evalsha:/ {print $6}')
msg_key=$(avg_usage '{wa}:msg:*')
deliveries=$(key_usage '{wa}:deliveries')
deliveries_len=$(rc xlen '{wa}:deliveries')
run_keys=0
for k in $(rc --scan --pattern '{wa}:run:*'); do
    run_keys=$((run_keys + $(key_usage "$k")))
done

per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
echo
echo "N=$N vehicles of $((N / 2)) customers, redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2), $(date -u +%Y-%m-%d)"
echo
echo "| what | bytes |"
echo "|---|---|"
echo "| used_memory per vehicle with its customer share, no report (all keys and indexes) | $(per $((cv - empty)) "$N") |"
echo "| used_memory per vehicle with its customer share and one report | $(per $((cvr - empty)) "$N") |"
echo "| customer hash (MEMORY USAGE, average) | $customer_hash |"
echo "| customer's vehicle set (2 vehicles) | $customer_set |"
echo "| vehicle hash | $vehicle_hash |"
echo "| due index per vehicle (one day's zset / N) | $(per "$due_index" "$N") |"
echo "| report hash | $report_hash |"
echo "| reports index per report ({wa}:reports / N) | $(per "$reports_index" "$N") |"
echo "| report-ids per report | $(per "$report_ids" "$N") |"
echo "| customer's report zset (2 reports) | $customer_reports |"
echo "| message id key ({wa}:msg:<id>, kept wa_report_message_id_ttl) | $msg_key |"
echo "| deliveries stream per entry ($deliveries_len entries) | $(per "$deliveries" "$deliveries_len") |"
echo "| run keys per vehicle (details, done set, result; kept 7 days) | $(per "$run_keys" "$N") |"
echo "| used_memory growth per counted message over the run | $(per $((after_run - before_run)) "$sent") |"
echo
echo "| run | figure |"
echo "|---|---|"
echo "| accepted sends | $sent |"
echo "| Redis commands per accepted send (those the scripts run included) | $(awk -v a="$calls" -v b="$sent" 'BEGIN { printf "%.2f", a / b }') |"
echo "| EVALSHA per accepted send | $(awk -v a="$evalsha" -v b="$sent" 'BEGIN { printf "%.2f", a / b }') |"
echo "| EVALSHA average time | ${evalsha_us} µs |"
echo "| Redis CPU per accepted send (INFO cpu) | $(awk -v a="$cpu0" -v b="$cpu1" -v n="$sent" 'BEGIN { printf "%.1f", (b - a) / n * 1e6 }') µs |"
