#!/usr/bin/env bash
# `make run` / `make stop`: a private redis-server and nginx under run/.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
run=$top/run
PORT=${PORT:-8000}
REDIS_PORT=${REDIS_PORT:-6390}
NGINX=${NGINX:-/usr/sbin/nginx}

stop() {
    if [ -f "$run/nginx.pid" ] && kill -0 "$(cat "$run/nginx.pid")" 2>/dev/null; then
        kill -QUIT "$(cat "$run/nginx.pid")"
        for _ in $(seq 50); do kill -0 "$(cat "$run/nginx.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
        echo "nginx stopped"
    fi
    if [ -f "$run/redis.pid" ] && kill -0 "$(cat "$run/redis.pid")" 2>/dev/null; then
        kill "$(cat "$run/redis.pid")"
        for _ in $(seq 50); do kill -0 "$(cat "$run/redis.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
        echo "redis-server stopped"
    fi
}

wait_for() {
    for _ in $(seq 100); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

# Something already answers on 127.0.0.1:$1.
port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    stop
    for p in "$PORT:PORT" "$REDIS_PORT:REDIS_PORT"; do
        if port_taken "${p%%:*}"; then
            echo "port ${p%%:*} on 127.0.0.1 is in use; choose another: make run ${p##*:}=<port>" >&2
            exit 1
        fi
    done
    mkdir -p "$run/logs" "$run/redis" "$run/tmp"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$run/redis" \
        --appendonly yes --save '' --daemonize yes \
        --pidfile "$run/redis.pid" --logfile "$run/logs/redis.log"
    wait_for redis-cli -p "$REDIS_PORT" ping \
        || { echo "redis-server did not start: see $run/logs/redis.log"; exit 1; }

    # The scheduler API's token secret: made once, kept in run/.
    [ -s "$run/jwt.secret" ] || { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/jwt.secret"; }
    chmod 600 "$run/jwt.secret"
    # The data API's write key: made once, kept in run/ (mode 600 from the start).
    [ -s "$run/api-key" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/api-key")
    chmod 600 "$run/api-key"
    # The webhooks' secrets (Meta's verify token and app secret, Fonnte's
    # token): made once, kept in run/, mode 600 from the start.
    for f in webhook-verify-token webhook-app-secret webhook-fonnte-secret; do
        [ -s "$run/$f" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$run/$f")
        chmod 600 "$run/$f"
    done

    # Workers of a root master would run as nobody, which cannot write here.
    user=""
    [ "$(id -u)" -eq 0 ] && user="user root;"
    sed -e "s|@MODULE@|$top/build/ngx_http_wa_report_module.so|" \
        -e "s|@PORT@|$PORT|" -e "s|@REDIS_PORT@|$REDIS_PORT|" -e "s|@USER@|$user|" \
        -e "s|@TOP@|$top|" \
        conf.d/demo.conf.in > "$run/nginx.conf"
    # Whatever fails from here leaves nothing running.
    "$NGINX" -p "$run/" -c nginx.conf -e logs/error.log -t -q \
        && "$NGINX" -p "$run/" -c nginx.conf -e logs/error.log \
        && wait_for curl -sf "http://127.0.0.1:$PORT/healthz" \
        || { echo "nginx did not start: see $run/logs/error.log" >&2; stop; exit 1; }

    API_KEY=$(cat "$run/api-key") tools/demo-data.sh "http://127.0.0.1:$PORT/whatsapp-report"

    base="http://127.0.0.1:$PORT/whatsapp-report"
    cat <<MSG

wa-report is running: nginx on 127.0.0.1:$PORT, redis-server on 127.0.0.1:$REDIS_PORT
(data and logs in run/; stop both with: make stop). Try:

  curl -s $base/statistics
  curl -s $base/
  curl -s $base/detail
  curl -s "$base/due?days=7"          # the vehicles due in the next 7 days
  curl -s $base/customer/00000000-0000-4000-8000-000000000001
  curl -s $base/customer/00000000-0000-4000-8000-000000000001/vehicle/00000000-0000-4000-8001-000000000001

Writes need the key in run/api-key (reads are open on loopback):
  curl -s -X POST $base/record -H "Authorization: Bearer \$(cat run/api-key)" \\
       -H 'Content-Type: application/json' \\
       -d '{"id_customer":"00000000-0000-4000-8000-000000000001","id_vehicle":"00000000-0000-4000-8001-000000000001","message_id":"try-1"}'
  curl -s -X POST -H "Authorization: Bearer \$(cat run/api-key)" \\
       "$base/reset-frequency?id_customer=00000000-0000-4000-8000-000000000001"
  curl -s -X POST $base/record -d '{}'     # without the key: 401 {"detail":"Not authenticated"}
  redis-cli -p $REDIS_PORT HGETALL '{wa}:stats'

The reminder job (dry run: messages go to run/logs/error.log); a token for the scheduler API:
  T=\$(tools/jwt.sh run/jwt.secret)
  curl -s -X POST -H "Authorization: Bearer \$T" http://127.0.0.1:$PORT/scheduler/maintenance-reminder/run-now
  curl -s -H "Authorization: Bearer \$T" http://127.0.0.1:$PORT/scheduler/maintenance-reminder/status

The dashboard (paste the token \$T into its scheduler box) and the API's OpenAPI document:
  http://127.0.0.1:$PORT/dashboard/
  http://127.0.0.1:$PORT/whatsapp-report/openapi.json
Prometheus metrics of both workers:
  curl -s http://127.0.0.1:$PORT/metrics
MSG
    webhook_examples
}

# Two notifications as Meta sends them (a delivered status, and a customer's
# STOP with the user_preferences stop that follows it), written once to
# run/ so that the signature is computed over the exact bytes sent.
webhook_examples() {
    printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.demo-1","status":"delivered","timestamp":"1764547200","recipient_id":"6281234567890","pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}}]}}]}]}' \
        > "$run/webhook-status.json"
    printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Budi"},"wa_id":"6281234567890"}],"messages":[{"from":"6281234567890","id":"wamid.demo-in-1","timestamp":"1764547300","type":"text","text":{"body":"STOP"}}]}},{"field":"user_preferences","value":{"messaging_product":"whatsapp","user_preferences":[{"wa_id":"6281234567890","category":"marketing_messages","value":"stop","timestamp":1764547301}]}}]}]}' \
        > "$run/webhook-stop.json"
    local hook="http://127.0.0.1:$PORT/webhook"
    cat <<MSG
Webhooks (README "Webhooks"), signed with run/webhook-app-secret as Meta signs:
  curl -s "$hook/cloud-api?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\$(cat run/webhook-verify-token)"
  for f in run/webhook-status.json run/webhook-stop.json; do
    curl -s $hook/cloud-api -H 'Content-Type: application/json' \\
         -H "X-Hub-Signature-256: sha256=\$(openssl dgst -sha256 -hmac "\$(cat run/webhook-app-secret)" < \$f | sed 's/^.* //')" \\
         --data-binary @\$f; echo
  done
  curl -s "$hook/fonnte?token=\$(cat run/webhook-fonnte-secret)" -H 'Content-Type: application/json' \\
       -d '{"device":"6287740659525","id":"80367170","status":"sent","state":"read"}'
  curl -s http://127.0.0.1:$PORT/metrics | grep '^wa_report_webhook'
MSG
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop"; exit 2 ;;
esac
