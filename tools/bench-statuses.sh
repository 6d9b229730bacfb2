#!/usr/bin/env bash
# How many delivery statuses per second lua-compat/status_apply.lua applies,
# sent the way Store::apply_statuses sends a webhook's batch: every EVALSHA
# written before any reply is read (redis-cli --pipe), against a private
# redis-server on a unix socket.
#   tools/bench-statuses.sh [MESSAGES]   (default 2000; 4 statuses each)
# Prints "N statuses in S s: R statuses/s". Not part of `make test`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}
case $n in '' | *[!0-9]*) echo "usage: $0 [MESSAGES]" >&2; exit 2 ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/wa-bench-statuses.XXXX")
sock=$dir/redis.sock
cleanup() {
    redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --daemonize yes \
    --dir "$dir" --logfile "$dir/redis.log" >/dev/null
for _ in $(seq 50); do [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
sha=$(redis-cli -s "$sock" -x script load <"$top/lua-compat/status_apply.lua")
T='{wa}'

# Each message: a record as record.lua leaves it, then sent, delivered,
# read, failed (one of them applied each time, the counters moved).
{
    for ((i = 1; i <= n; i++)); do
        printf 'HSET %s:message:wamid.%d provider cloud_api customer c1 vehicle v%d report r%d run r1 sent_at 2026-12-01T09:00:00 day 2026-12-01 status accepted\r\n' \
            "$T" "$i" "$i" "$i"
        printf 'HSET %s:message:wamid.%d:reports c1:v%d accepted\r\n' "$T" "$i" "$i"
    done
} | redis-cli -s "$sock" --pipe >/dev/null
{
    for state in sent delivered read failed; do
        for ((i = 1; i <= n; i++)); do
            m="$T:message:wamid.$i"
            printf 'EVALSHA %s 4 %s %s:reports %s:pending %s:stats:delivery %s status %s 1764554590 131026 Undeliverable utility 604800 2026-12-01T09:05:00\r\n' \
                "$sha" "$m" "$m" "$m" "$T" "$T" "$state"
        done
    done
} >"$dir/commands"
start=$(date +%s.%N)
redis-cli -s "$sock" --pipe <"$dir/commands" >"$dir/pipe.log"
end=$(date +%s.%N)
grep -q 'errors: 0' "$dir/pipe.log" || { cat "$dir/pipe.log" >&2; exit 1; }
total=$((n * 4))
awk -v t="$total" -v a="$start" -v b="$end" \
    'BEGIN { s = b - a; printf "%d statuses in %.2f s: %.0f statuses/s\n", t, s, t / s }'
redis-cli -s "$sock" hgetall "$T:stats:delivery" | paste -sd' '
