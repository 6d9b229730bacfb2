#!/usr/bin/env bash
# The dashboard in a real browser: a private redis-server and nginx with the
# module on free loopback ports, configured as `make run` is
# (conf.d/demo.conf.in) and loaded with its demo data (tools/demo-data.sh),
# then headless Chromium (Debian's chromium + chromium-driver, driven by
# python3-selenium) runs tests/browser/dashboard_test.py against it.
#   tests/browser/run.sh [BUILD]     prints "N passed, M failed"
# Screenshots: BUILD/dashboard.png (desktop) and BUILD/dashboard-phone.png.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
NGINX=${NGINX:-/usr/sbin/nginx}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wa-browser.XXXXXX")

cleanup() {
    [ -s "$TMP/nginx.pid" ] && kill -QUIT "$(cat "$TMP/nginx.pid")" 2>/dev/null
    [ -s "$TMP/redis.pid" ] && kill "$(cat "$TMP/redis.pid")" 2>/dev/null
    for _ in $(seq 50); do
        { [ -s "$TMP/nginx.pid" ] && kill -0 "$(cat "$TMP/nginx.pid")" 2>/dev/null; } \
            || { [ -s "$TMP/redis.pid" ] && kill -0 "$(cat "$TMP/redis.pid")" 2>/dev/null; } \
            || break
        sleep 0.1
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() {
    for _ in $(seq 100); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

PORT=$(free_port)
REDIS_PORT=$(free_port)
mkdir -p "$TMP/logs" "$TMP/redis" "$TMP/tmp"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$TMP/redis" --save '' \
    --appendonly no --daemonize yes --pidfile "$TMP/redis.pid" --logfile "$TMP/logs/redis.log"
wait_for redis-cli -p "$REDIS_PORT" ping || { echo "redis-server did not start"; echo "0 passed, 1 failed"; exit 1; }

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/jwt.secret"
chmod 600 "$TMP/jwt.secret"
# make run's configuration protects writes with run/api-key.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/api-key"
chmod 600 "$TMP/api-key"
# ... and its webhook locations read their secrets from these.
for f in webhook-verify-token webhook-app-secret webhook-fonnte-secret; do
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/$f"
    chmod 600 "$TMP/$f"
done
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
sed -e "s|@MODULE@|$ROOT/$BUILD/ngx_http_wa_report_module.so|" \
    -e "s|@PORT@|$PORT|" -e "s|@REDIS_PORT@|$REDIS_PORT|" -e "s|@USER@|$user|" \
    -e "s|@TOP@|$ROOT|" conf.d/demo.conf.in > "$TMP/nginx.conf"
"$NGINX" -p "$TMP/" -c nginx.conf -e logs/error.log
wait_for curl -sf "http://127.0.0.1:$PORT/healthz" \
    || { cat "$TMP/logs/error.log"; echo "0 passed, 1 failed"; exit 1; }
API_KEY=$(cat "$TMP/api-key") tools/demo-data.sh "http://127.0.0.1:$PORT/whatsapp-report" >/dev/null

WA_URL="http://127.0.0.1:$PORT" WA_API_KEY=$(cat "$TMP/api-key") WA_TOKEN=$(tools/jwt.sh "$TMP/jwt.secret") \
    WA_SHOTS="$ROOT/$BUILD" WA_ERROR_LOG="$TMP/logs/error.log" \
    /usr/bin/python3 tests/browser/dashboard_test.py "$@"
