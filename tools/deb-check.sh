#!/usr/bin/env bash
# Installs the Debian package on this machine, tries it with the system nginx
# and a private redis-server, and purges it again; every step stops the check
# with its reason. Meant for a fresh Debian bookworm root, as root:
#     ../shared/tools/fresh-check.sh . 'make deb-check'
# It changes the system (installs and purges the package, drops the example
# into /etc/nginx/conf.d for the length of the check), so it refuses to run
# where the package or that file is already there.
# Usage: deb-check.sh PATH/TO/libnginx-mod-http-wa-report_<version>_<arch>.deb
set -euo pipefail
deb=$(realpath "${1:?usage: deb-check.sh PACKAGE.deb}")
pkg=libnginx-mod-http-wa-report
cd "$(dirname "$0")/.."

step() { echo "deb-check: $*"; }
fail() { echo "deb-check: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs and purges $pkg)"
[ -f "$deb" ] || fail "no package at $deb"
conf=/etc/nginx/conf.d/wa-report.conf
default_site=/etc/nginx/sites-enabled/default
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'installed'; then
    fail "$pkg is already installed here; run the check on a fresh root"
fi
[ ! -e "$conf" ] || fail "$conf exists; run the check on a fresh root"

tmp=$(mktemp -d /tmp/deb-check.XXXXXX)
keys=/etc/nginx/secrets/wa-report.keys
keys_made=
redis_pid=
nginx_pid=
default_moved=
# Gone, or a zombie the chroot's init has not reaped yet.
nginx_gone() {
    [ -z "$nginx_pid" ] && return 0
    local state
    state=$(awk '{print $3}' "/proc/$nginx_pid/stat" 2>/dev/null || true)
    [ -z "$state" ] || [ "$state" = Z ]
}
cleanup() {
    if ! nginx_gone; then
        kill "$nginx_pid"
        for _ in $(seq 1 100); do nginx_gone && break; sleep 0.1; done
    fi
    # Waited for: a process left in a chroot keeps its /dev mount busy.
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid"
    rm -f "$conf"
    if [ -n "$keys_made" ]; then rm -f "$keys"; rmdir /etc/nginx/secrets 2>/dev/null || true; fi
    [ -n "$default_moved" ] && mv "$tmp/default-site" "$default_site"
    rm -rf "$tmp"
}
trap cleanup EXIT

# The check shares the host's network when it runs in a chroot: every port
# it listens on is a free one, found by a refused connect.
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    fail "no free loopback port found"
}

# Bounded wait: nothing here may hang the check.
wait_for() {
    local what=$1; shift
    for _ in $(seq 1 100); do
        "$@" && return 0
        sleep 0.1
    done
    fail "timed out waiting for $what"
}

step "install $(basename "$deb")"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" \
    >"$tmp/apt-install.log" 2>&1 || { tail -20 "$tmp/apt-install.log"; fail "apt-get install"; }
dpkg-query -L "$pkg" | sort >"$tmp/files"

step "contents and dependencies"
so=/usr/lib/nginx/modules/ngx_http_wa_report_module.so
avail=/usr/share/nginx/modules-available/mod-http-wa-report.conf
enabled=/etc/nginx/modules-enabled/50-mod-http-wa-report.conf
for f in $so $avail /usr/share/doc/$pkg/examples/wa-report.conf /usr/share/doc/$pkg/README.md.gz; do
    grep -qxF "$f" "$tmp/files" || fail "$f is not in the package"
    [ -f "$f" ] || fail "$f is not installed"
done
[ "$(cat $avail)" = "load_module modules/ngx_http_wa_report_module.so;" ] \
    || fail "$avail reads '$(cat $avail)'"
[ "$(readlink $enabled)" = "$avail" ] || fail "$enabled does not point to $avail"
abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars 2>/dev/null || true)
depends=$(dpkg-query -W -f='${Depends}' "$pkg")
for d in ${abi:-nginx-abi-} libhiredis0.14 libjansson4 libcctz2 libcurl4 libssl3; do
    grep -q "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
# The scripts are compiled in: the package has none on disk, the module has
# every line of each.
! grep -q '\.lua$' "$tmp/files" || fail "the package ships .lua files"
for lua in lua-compat/*.lua; do
    while IFS= read -r line; do
        [ -z "$line" ] || grep -qaF -- "$line" "$so" || fail "$lua is not embedded: '$line'"
    done <"$lua"
done
if [ -d dashboard ]; then
    for f in $(cd dashboard && find . -type f); do
        cmp -s "dashboard/$f" "/usr/share/wa-report/dashboard/$f" \
            || fail "dashboard/$f is not installed as /usr/share/wa-report/dashboard/$f"
    done
fi

step "redis-server and the example configuration"
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log" >/dev/null 2>&1 &
redis_pid=$!
wait_for "redis-server on $redis_port" redis-cli -p "$redis_port" ping >/dev/null 2>&1
http_port=$(free_port)
sed -e "s/^wa_report_redis 127\.0\.0\.1:6379;/wa_report_redis 127.0.0.1:$redis_port;/" \
    -e "s/^\(\s*\)listen 8000;/\1listen 127.0.0.1:$http_port;/" \
    /usr/share/doc/$pkg/examples/wa-report.conf >"$conf"
grep -q "127.0.0.1:$redis_port;" "$conf" && grep -q "listen 127.0.0.1:$http_port;" "$conf" \
    || fail "the example no longer has 'wa_report_redis 127.0.0.1:6379;' and 'listen 8000;'"
# The example protects writes with an API key from this file, as its
# comments tell an admin to make it.
[ ! -e "$keys" ] || fail "$keys exists; run the check on a fresh root"
mkdir -p /etc/nginx/secrets
(umask 077; openssl rand -hex 32 >"$keys") || fail "cannot write $keys"
keys_made=1
# Debian's default site listens on port 80, which the host may use.
if [ -L "$default_site" ]; then
    mv "$default_site" "$tmp/default-site" && default_moved=1
fi

step "nginx -t"
nginx -t >"$tmp/nginx-t.log" 2>&1 || { cat "$tmp/nginx-t.log"; fail "nginx -t"; }

step "start nginx on 127.0.0.1:$http_port"
nginx || fail "nginx did not start"
nginx_pid=$(cat /run/nginx.pid)
base=http://127.0.0.1:$http_port
wait_for "nginx on $http_port" curl -s -o /dev/null "$base/"

# GET url, expected status and the exact body (in a file: a page's bytes).
expect() {
    local url=$1 status=$2 want=$3 got
    got=$(curl -s -o "$tmp/body" -w '%{http_code}' "$url") || fail "GET $url: curl failed"
    [ "$got" = "$status" ] && cmp -s "$want" "$tmp/body" \
        || fail "GET $url: expected $status '$(cat "$want")', got $got '$(cat "$tmp/body")'"
}
expect_body() { printf '%s' "$3" >"$tmp/want" && expect "$1" "$2" "$tmp/want"; }
step "the API"
expect_body "$base/whatsapp-report/statistics" 200 \
    '{"total_customers_with_vehicles":0,"total_messages_sent":0,"average_messages_per_customer":0.0,"customers_by_frequency":{}}'
expect_body "$base/whatsapp-report/" 200 '[]'
expect_body "$base/whatsapp-report/no/such/path" 404 '{"detail":"Not Found"}'
step "writes need the API key"
customer=$base/whatsapp-report/data/customers/00000000-0000-4000-8000-000000000001
got=$(curl -s -o "$tmp/body" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -d '{"name":"Budi","phone":"081234567890","address":"Jl. Mawar 1"}' "$customer")
[ "$got" = 401 ] && [ "$(cat "$tmp/body")" = '{"detail":"Not authenticated"}' ] \
    || fail "PUT without a key: expected 401 {\"detail\":\"Not authenticated\"}, got $got '$(cat "$tmp/body")'"
got=$(curl -s -o "$tmp/body" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(cat "$keys")" \
    -d '{"name":"Budi","phone":"081234567890","address":"Jl. Mawar 1"}' "$customer")
[ "$got" = 201 ] || fail "PUT with the key: expected 201, got $got '$(cat "$tmp/body")'"
step "the metrics"
# Counted in the log phase, which may end just after the client has its answer.
counted() { curl -s "$base/metrics" >"$tmp/metrics" && grep -qx 'wa_report_http_requests_total{route="customer_data",code="2xx"} 1' "$tmp/metrics"; }
for _ in $(seq 1 20); do counted && break; sleep 0.1; done
counted || { grep customer_data "$tmp/metrics" >&2; head -c 600 "$tmp/metrics" >&2; fail "/metrics does not count the PUT"; }
if [ -f /usr/share/wa-report/dashboard/index.html ]; then
    step "the dashboard"
    expect "$base/dashboard/" 200 /usr/share/wa-report/dashboard/index.html
    expect "$base/dashboard/vendor/chart.js/chart.min.js" 200 /usr/share/javascript/chart.js/chart.min.js
fi
if grep -E '\[(alert|crit|emerg)\]' /var/log/nginx/error.log; then
    fail "error.log has alerts"
fi

step "stop nginx"
nginx -s quit || fail "nginx -s quit"
wait_for "nginx to exit" nginx_gone
rm -f "$conf"

step "purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >"$tmp/apt-purge.log" 2>&1 \
    || { tail -20 "$tmp/apt-purge.log"; fail "apt-get purge"; }
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'installed' \
    || fail "$pkg is still installed"
# Directories shared with other packages (/usr/share/doc, ...) stay; the
# package's own ones must go with its files.
left=0
while IFS= read -r f; do
    [ -d "$f" ] && [ ! -L "$f" ] && continue
    [ -e "$f" ] || [ -L "$f" ] || continue
    echo "left behind: $f" >&2
    left=1
done <"$tmp/files"
for f in /usr/share/doc/$pkg /usr/share/wa-report "$enabled" "$enabled.removed"; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || { echo "left behind: $f" >&2; left=1; }
done
[ "$left" -eq 0 ] || fail "purge left files of $pkg"
nginx -t >"$tmp/nginx-t.log" 2>&1 || { cat "$tmp/nginx-t.log"; fail "nginx -t after the purge"; }

echo "deb-check: passed"
