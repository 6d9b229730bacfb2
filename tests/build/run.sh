#!/usr/bin/env bash
# The build loop: a second `make` with nothing changed does nothing, and a
# rebuilt module replaces the file a running nginx has mapped by a rename,
# never in place (an in-place copy crashes that nginx's workers).
#   tests/build/run.sh [BUILD]     prints "N passed, M failed"
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# Under `make test` the makes below would be sub-makes and announce their
# directory on stdout, which the checks compare.
unset MAKELEVEL MAKEFLAGS MFLAGS
BUILD=${1:-build}
SO=$BUILD/ngx_http_wa_report_module.so
NGINX=${NGINX:-/usr/sbin/nginx}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wa-build-test.XXXXXX")
PASS=0
FAIL=0

check() {
    if [ "$2" == "$3" ]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  want: %s\n  got:  %s\n' "$1" "$3" "$2"
    fi
}

cleanup() {
    [ -s "$TMP/nginx.pid" ] && "$NGINX" -p "$TMP/" -c nginx.conf -e logs/error.log -s stop 2>/dev/null
    for _ in $(seq 50); do [ -s "$TMP/nginx.pid" ] || break; sleep 0.1; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# 1. Nothing changed: make has nothing to do (and says nothing).
make -s BUILD="$BUILD" module >/dev/null 2>&1
make -q --no-print-directory BUILD="$BUILD" "$SO" >/dev/null 2>&1
check "make -q after a build" "$?" "0"
check "make with nothing changed prints" "$(make -s --no-print-directory BUILD="$BUILD" module 2>&1)" ""

# 2. An nginx serving the module while it is rebuilt keeps serving.
sock=$TMP/nginx.sock   # a unix socket: no port to find free
mkdir -p "$TMP/logs"
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$TMP/nginx.conf" <<CONF
load_module $ROOT/$SO;
worker_processes 2;
error_log logs/error.log notice;
pid nginx.pid;
$user
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $TMP/body;
    wa_report_redis 127.0.0.1:1;
    server {
        listen unix:$sock;
        location /whatsapp-report/ { wa_report; }
    }
}
CONF
"$NGINX" -p "$TMP/" -c nginx.conf -e logs/error.log
for _ in $(seq 50); do curl -s -o /dev/null --unix-socket "$sock" http://localhost/ && break; sleep 0.1; done

probe() { curl -s --unix-socket "$sock" http://localhost/whatsapp-report/no/such/path/x; }
want='{"detail":"Not Found"}'
check "served before the rebuild" "$(probe)" "$want"

inode_before=$(stat -c %i "$SO")
touch src/core/sha1.cpp
make -s BUILD="$BUILD" module >/dev/null 2>&1
check "rebuild succeeded" "$?" "0"
inode_after=$(stat -c %i "$SO")
if [ "$inode_before" != "$inode_after" ]; then replaced=renamed; else replaced=in-place; fi
check "the new module is a new file (rename, not an in-place copy)" "$replaced" "renamed"

ok=0
for _ in $(seq 20); do [ "$(probe)" == "$want" ] && ok=$((ok + 1)); done
check "served after the rebuild (20 requests)" "$ok" "20"
check "no worker crashed" "$(grep -c 'exited on signal' "$TMP/logs/error.log")" "0"
make -q --no-print-directory BUILD="$BUILD" "$SO" >/dev/null 2>&1
check "make -q after the rebuild" "$?" "0"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
