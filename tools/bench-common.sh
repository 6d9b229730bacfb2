# Sourced by the bench scripts: a temporary prefix, free ports, a private
# redis-server, the data generator, and cleanup on exit.
# Needs $top; sets dir, rport, hport, port(), start_gateway(); cleans up
# nginx, redis and $gpid (the bench gateway, once started).

dir=$(mktemp -d /tmp/wa-bench.XXXX)
mkdir -p "$dir/logs"
port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' \
        2>/dev/null || echo $((20000 + RANDOM % 20000))
}
rport=$(port)
hport=$(port)

bench_cleanup() {
    [ -f "$dir/nginx.pid" ] && kill -QUIT "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    [ -n "${gpid:-}" ] && kill "$gpid" 2>/dev/null || true
    redis-cli -p "$rport" shutdown nosave >/dev/null 2>&1 || true
    sleep 0.5
    rm -rf "$dir"
}
trap bench_cleanup EXIT

# Workers of a root master would run as nobody, which cannot write in $dir.
nginx_user=""
[ "$(id -u)" -eq 0 ] && nginx_user="user root;"

mkdir -p build
g++ -O2 -std=c++17 -Wall -Wextra -Werror -o build/bench_gen tests/bench/gen.cpp

redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --logfile "$dir/logs/redis.log"
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The loopback gateway (tests/bench/gateway.cpp: accepts every send at once,
# StarSender's and Cloud API's answers): built, started on a free port; sets
# gport and gpid.
start_gateway() {
    gport=$(port)
    g++ -O2 -std=c++17 -Wall -Wextra -Werror -o build/bench_gateway tests/bench/gateway.cpp \
        -lcpp-httplib -pthread
    build/bench_gateway "$gport" &
    gpid=$!
}
