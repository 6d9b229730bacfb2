#!/usr/bin/env bash
# make bench, part 4: delivery statuses applied per second through the
# Cloud API webhook. A reminder run sends N (20k) messages through the bench
# gateway (Cloud API ids wamid.bench-<n>); then signed webhook POSTs carry
# their statuses (sent, delivered, read: 3N distinct statuses) in two shapes:
# BATCH statuses per POST (1000, Meta's largest batches) and one status per
# POST, each for DURATION seconds (5) with wrk (-t2 -c8), while a probe GETs
# single reports as in part 2. Statuses per second are counted by the module
# itself (wa_report_delivery_statuses_total on /metrics, every result:
# applied, duplicate, stale, pending), so a pool that wraps around counts its
# repeats as what they are. Prints a markdown table.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
N=${N:-20000}
BATCH=${BATCH:-1000}
DURATION=${DURATION:-5}
NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$PWD/build/ngx_http_wa_report_module.so}
AS_OF=2026-12-01

. tools/bench-common.sh
start_gateway

echo "bench-token" > "$dir/gateway.token"
echo "bench-secret" > "$dir/jwt.secret"
head -c 24 /dev/urandom | base64 | tr -d '\n' > "$dir/app.secret"
echo "bench-verify" > "$dir/verify.token"
chmod 600 "$dir"/gateway.token "$dir"/jwt.secret "$dir"/app.secret "$dir"/verify.token
cat > "$dir/nginx.conf" <<CONF
load_module $MODULE;
worker_processes 2;
error_log logs/error.log notice;
pid nginx.pid;
$nginx_user
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    client_body_buffer_size 1m;
    wa_report_redis 127.0.0.1:$rport;
    wa_report_gateway cloud_api;
    wa_report_gateway_url http://127.0.0.1:$gport/v20.0/1/messages;
    wa_report_gateway_key_file $dir/gateway.token;
    wa_report_gateway_template bench_reminder id;
    wa_report_gateway_concurrency 32;
    wa_report_gateway_rate 0;
    wa_report_gateway_retries 0;
    # gen.cpp gives each customer two vehicles: Meta's pair rate would pace
    # them 6 s apart, which measures the clock, not the module.
    wa_report_recipient_interval 0;
    wa_report_tick 1h;
    wa_report_service_phone 087740659525;
    server {
        listen 127.0.0.1:$hport;
        location /whatsapp-report/ { wa_report; }
        location = /metrics { wa_report_metrics; }
        location = /webhook/cloud-api {
            wa_report_webhook cloud_api;
            wa_report_webhook_verify_token_file $dir/verify.token;
            wa_report_webhook_secret_file $dir/app.secret;
        }
        location /scheduler/maintenance-reminder/ {
            wa_report_scheduler;
            wa_report_jwt_secret_file $dir/jwt.secret;
        }
    }
}
CONF

echo "loading $N due vehicles and sending their reminders..." >&2
build/bench_gen "$N" wa "$AS_OF" 1 | redis-cli -p "$rport" --pipe >/dev/null
"$NGINX" -p "$dir/" -c nginx.conf -e logs/error.log
sleep 0.5
token=$(tools/jwt.sh "$dir/jwt.secret" bench)
curl -s -m 300 -o "$dir/run.json" -X POST -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$hport/scheduler/maintenance-reminder/run-now?date=$AS_OF"
sent=$(curl -s "http://127.0.0.1:$gport/count")
echo "messages accepted: $sent" >&2

# The pools: every message's sent, delivered and read, in that order per
# message, signed with the app secret over the exact bytes.
python3 - "$dir" "$sent" "$BATCH" <<'PY'
import hashlib, hmac, json, sys
d, n, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
secret = open(d + "/app.secret", "rb").read().strip()
def status(i, s, t):
    return {"id": "wamid.bench-%d" % i, "status": s, "timestamp": str(1764547200 + t),
            "recipient_id": "62812%07d" % i,
            "pricing": {"billable": True, "pricing_model": "PMP", "category": "utility"}}
statuses = [status(i, s, k) for k, s in enumerate(("sent", "delivered", "read"))
            for i in range(1, n + 1)]
def body(part):
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1"},
         "statuses": part}}]}]}, separators=(",", ":"))
for name, size in (("batch", batch), ("single", 1)):
    with open("%s/pool.%s" % (d, name), "w") as f:
        for i in range(0, len(statuses), size):
            b = body(statuses[i:i + size])
            sig = hmac.new(secret, b.encode(), hashlib.sha256).hexdigest()
            f.write("sha256=%s %s\n" % (sig, b))
PY

p99() { awk '$1 == "99%" {print $2}' "$1"; }
errors() {
    awk '/Non-2xx/ {n += $NF}
         /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
         END {print n + 0}' "$1"
}
probe() {
    WA_N=$N WA_BASE=/whatsapp-report WA_DELAY_MS=${PROBE_DELAY_MS:-10} \
        wrk -t1 -c10 -d"$1s" --latency -s tests/bench/report.lua \
        "http://127.0.0.1:$hport" > "$dir/$2.out"
}
# Statuses the module applied so far, by result, summed.
applied() {
    curl -s "http://127.0.0.1:$hport/metrics" \
        | awk '/^wa_report_delivery_statuses_total/ {n += $NF} END {print n + 0}'
}
result() {
    curl -s "http://127.0.0.1:$hport/metrics" \
        | awk -v r="$1" 'index($0, "wa_report_delivery_statuses_total{result=\"" r "\"}") == 1 {print $NF}'
}

probe 5 idle
rows=""
for shape in batch single; do
    before=$(applied); applied_before=$(result applied)
    WA_POOL="$dir/pool.$shape" WA_THREADS=2 wrk -t2 -c8 -d"${DURATION}s" --latency \
        -s tests/bench/webhook.lua "http://127.0.0.1:$hport" > "$dir/hook.$shape.out" &
    hpid=$!
    sleep 0.5
    probe $((DURATION - 1)) "busy.$shape"
    wait "$hpid"
    after=$(applied); applied_after=$(result applied)
    per=$([ "$shape" = batch ] && echo "$BATCH" || echo 1)
    rate=$(awk -v a="$before" -v b="$after" -v s="$DURATION" 'BEGIN { printf "%.0f", (b - a) / s }')
    posts=$(awk '/requests in/ {print $1}' "$dir/hook.$shape.out")
    rows+="| $per | $posts | $(errors "$dir/hook.$shape.out") | $((after - before)) | $((applied_after - applied_before)) | $rate | $(p99 "$dir/hook.$shape.out") | $(p99 "$dir/idle.out") / $(p99 "$dir/busy.$shape.out") |"$'\n'
done

echo
echo "webhook statuses: $sent messages sent through the bench gateway, then signed Cloud API webhook POSTs for ${DURATION} s each (wrk -t2 -c8), probe wrk -t1 -c10 10 ms pause; nginx worker_processes 2, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "| statuses per POST | POSTs | POST errors | statuses taken | of which applied | statuses/s | POST p99 | report GET p99 idle / during |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s' "$rows"
