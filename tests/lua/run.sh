#!/usr/bin/env bash
# Tests of lua-compat/*.lua against a private redis-server on a unix socket.
#   tests/lua/run.sh        prints "N passed, M failed"; exits 1 on any failure
# Replies are compared flattened, one token per element: strings unquoted
# ("" for an empty string), integers as :N, nil as nil, errors as their text.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LUA=$ROOT/lua-compat
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wa-lua-test.XXXXXX")
SOCK=$TMP/redis.sock
T='{wa}'
PASS=0
FAIL=0

cleanup() {
    if [ -s "$TMP/redis.pid" ]; then
        local pid
        pid=$(cat "$TMP/redis.pid")
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --save '' \
    --appendonly no --daemonize yes --pidfile "$TMP/redis.pid" --dir "$TMP" \
    --logfile "$TMP/redis.log" >/dev/null || { echo "redis-server failed to start"; exit 1; }
for _ in $(seq 50); do
    [ "$(redis-cli -s "$SOCK" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done
[ "$(redis-cli -s "$SOCK" ping 2>/dev/null)" = PONG ] || { echo "redis-server not reachable"; exit 1; }

flat() {
    sed -E -e 's/^ *[0-9]+\) //' -e 's/^\(integer\) /:/' -e 's/^\(nil\)$/nil/' \
        -e 's/^"(.+)"$/\1/' -e 's/^\(error\) //' -e 's/^\(empty array\)$/[]/' | paste -sd' '
}
raw() { redis-cli -s "$SOCK" --raw "$@"; }
cmd() { redis-cli -s "$SOCK" --no-raw "$@" 2>&1 | flat; }
ev() { local f=$1; shift; redis-cli -s "$SOCK" --no-raw --eval "$LUA/$f.lua" "$@" 2>&1 | flat; }
# A hash as sorted "field=value" pairs.
hash() { raw hgetall "$1" | paste -d= - - | sort | paste -sd' '; }

check() {
    if [ "$2" == "$3" ]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  want: %s\n  got:  %s\n' "$1" "$3" "$2"
    fi
}

# The reply starts with the wanted text (error messages carry a script suffix).
checkp() {
    if [ "${2#"$3"}" != "$2" ]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL: %s\n  want prefix: %s\n  got:  %s\n' "$1" "$3" "$2"
    fi
}

# --- script wrappers (key layout as the C++ glue passes it) ---
cput() { ev customer_put "$T:customer:$1" , "$1" "$2" "$3" "$4" "$5"; }
cdel() { ev customer_delete "$T:customer:$1" "$T:customer:$1:vehicles"; }
vput() { # id customer model nopol last next daynum now
    ev vehicle_put "$T:vehicle:$1" "$T:customer:$2" "$T:customer:$2:vehicles" "$T:due" , \
        "$T" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}
vdel() { ev vehicle_delete "$T:vehicle:$1" "$T:due" , "$T"; }
record_keys() { # cust veh msg
    echo "$T:report:$1:$2" "$T:reports" "$T:report-ids" "$T:customer:$1:reports" "$T:stats" \
        "$T:stats:freq" "$T:seq" "$T:msg:$3" "$T:customer:$1" "$T:vehicle:$2"
}
rec() { # cust veh msg new-id now [ttl]
    # shellcheck disable=SC2046
    ev record $(record_keys "$1" "$2" "$3") , "$1" "$2" "$4" "$5" "${6:-3600}"
}
rdel() { ev report_delete "$T:report-ids" "$T:reports" "$T:stats" "$T:stats:freq" , "$T" "$1"; }
stats() { ev stats "$T:stats" "$T:stats:freq"; }
idx() { if [ -z "$1" ]; then echo "$T:reports"; else echo "$T:customer:$1:reports"; fi; }
reset() { # cust("" = all) now start limit
    ev reset "$(idx "$1")" "$T:stats" "$T:stats:freq" , "$T" "$2" "$3" "$4" "$1"
}
page() { # cust("" = all) mode start limit
    ev page "$(idx "$1")" , "$T" "$2" "$3" "$4" "$1"
}

# Statistics as a full scan of the report hashes gives them, in stats.lua's shape.
recount() {
    local k f n=0 m=0 out
    declare -A h=()
    while IFS= read -r k; do
        [ -n "$k" ] || continue
        f=$(raw hget "$k" frequency)
        n=$((n + 1)); m=$((m + f)); h[$f]=$((${h[$f]:-0} + 1))
    done < <(raw --scan --pattern "$T:report:*")
    out=":$n :$m"
    for f in $(printf '%s\n' "${!h[@]}" | sort -n); do out+=" :$f :${h[$f]}"; done
    echo "$out"
}
# Every report hash is in T:reports, T:report-ids and its customer's index
# with its seq, and report-ids holds nothing else.
indexes() {
    local k pair id c v seq n=0
    while IFS= read -r k; do
        [ -n "$k" ] || continue
        n=$((n + 1)); pair=${k#"$T:report:"}
        { read -r id; read -r c; read -r v; read -r seq; } < <(raw hmget "$k" id id_customer id_vehicle seq)
        [ "$pair" = "$c:$v" ] || { echo "bad pair $k"; return; }
        [ "$(raw zscore "$T:reports" "$pair")" = "$seq" ] || { echo "not in reports: $pair"; return; }
        [ "$(raw zscore "$T:customer:$c:reports" "$v")" = "$seq" ] || { echo "not in customer index: $pair"; return; }
        [ "$(raw hget "$T:report-ids" "$id")" = "$pair" ] || { echo "not in report-ids: $id"; return; }
    done < <(raw --scan --pattern "$T:report:*")
    [ "$(raw hlen "$T:report-ids")" = "$n" ] || { echo "report-ids has extra entries"; return; }
    echo ok
}
consistent() { # label
    check "$1: stats = recount" "$(stats)" "$(recount)"
    check "$1: indexes" "$(indexes)" ok
}

N1=2026-01-05T10:30:00
N2=2026-01-06T08:00:00
N3=2026-01-07T09:15:00
N4=2026-01-08T12:00:00

# ===== static checks and SCRIPT LOAD =====
for f in "$LUA"/*.lua; do
    name=$(basename "$f" .lua)
    check "$name: header comment" "$(head -c 3 "$f")" "-- "
    check "$name: no raw-string terminator" "$(grep -c ')wa_lua"' "$f")" 0
    # Redis itself rejects global variables at run time (every path runs below).
    check "$name: no global functions, TIME or random" \
        "$(grep -En '^[[:space:]]*function|TIME|math\.random|SRANDMEMBER|SPOP' "$f")" ""
    check "$name: SCRIPT LOAD sha = sha1 of the file" \
        "$(redis-cli -s "$SOCK" -x script load <"$f")" "$(sha1sum "$f" | cut -c1-40)"
done
# The module embeds each file after a newline (config's raw string).
check "embedded text (leading newline) evaluates" \
    "$(cmd eval "$(printf '\n%s\n' "$(cat "$LUA/stats.lua")")" 2 "$T:stats" "$T:stats:freq")" ":0 :0"

# ===== customers and vehicles =====
check "customer_put create" "$(cput c1 'Budi' '628111' 'Jl. A' "$N1")" \
    "created c1 Budi 628111 Jl. A $N1 $N1"
check "customer_put update keeps created_at" "$(cput c1 'Budi S' '628112' 'Jl. B' "$N2")" \
    "updated c1 Budi S 628112 Jl. B $N1 $N2"
check "customer hash" "$(hash "$T:customer:c1")" \
    "address=Jl. B created_at=$N1 id=c1 name=Budi S phone=628112 updated_at=$N2"
check "customer_put c2" "$(cput c2 'Sari' '628222' 'Jl. C' "$N1")" "created c2 Sari 628222 Jl. C $N1 $N1"
check "vehicle_put no_customer" "$(vput v9 c9 M N 2026-01-01 2026-04-01 20544 "$N1")" "no_customer"
check "vehicle_put no_customer writes nothing" "$(cmd exists "$T:vehicle:v9" "$T:customer:c9:vehicles" "$T:due")" ":0"
check "vehicle_put create v1" "$(vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1")" \
    "created v1 c1 Avanza B 1 AA 2026-01-01 2026-04-01 $N1 $N1"
check "vehicle_put create v2" "$(vput v2 c1 Jazz 'B 2 BB' 2026-01-02 2026-04-02 20545 "$N1")" \
    "created v2 c1 Jazz B 2 BB 2026-01-02 2026-04-02 $N1 $N1"
check "vehicle_put create v3" "$(vput v3 c2 Brio 'B 3 CC' 2026-01-03 2026-04-03 20546 "$N1")" \
    "created v3 c2 Brio B 3 CC 2026-01-03 2026-04-03 $N1 $N1"
check "vehicle hash" "$(hash "$T:vehicle:v1")" \
    "created_at=$N1 customer_id=c1 id=v1 last_visit_date=2026-01-01 model=Avanza next_visit_date=2026-04-01 nopol=B 1 AA updated_at=$N1"
check "customer vehicles" "$(raw smembers "$T:customer:c1:vehicles" | sort | paste -sd' ')" "v1 v2"
check "due zset" "$(cmd zrange "$T:due" 0 -1 withscores)" "v1 20544 v2 20545 v3 20546"
checkp "vehicle_put bad day number is an error" "$(vput v1 c1 X Y 2026-01-01 2026-04-01 abc "$N2")" \
    "ERR vehicle_put: bad day number"
check "vehicle_put bad day number writes nothing" "$(raw hget "$T:vehicle:v1" model)" "Avanza"

# ===== record =====
check "record no_customer" "$(rec c9 v1 m0 r0 "$N1")" "no_customer"
check "record no_vehicle" "$(rec c1 v9 m0 r0 "$N1")" "no_vehicle"
check "record vehicle_mismatch" "$(rec c2 v1 m0 r0 "$N1")" "vehicle_mismatch"
checkp "record bad ttl is an error" "$(rec c1 v1 m0 r0 "$N1" 0)" "ERR record: bad mark ttl"
check "rejected records write nothing" \
    "$(cmd exists "$T:seq" "$T:stats" "$T:stats:freq" "$T:reports" "$T:report-ids" "$T:msg:m0" "$T:report:c1:v1" "$T:report:c2:v1")" ":0"

check "record new report" "$(rec c1 v1 m1 r1 "$N1")" "counted r1 c1 v1 $N1 :1 $N1 $N1"
check "new report hash" "$(hash "$T:report:c1:v1")" \
    "created_at=$N1 frequency=1 id=r1 id_customer=c1 id_vehicle=v1 last_message_date=$N1 seq=1 updated_at=$N1"
check "new report in reports" "$(cmd zrange "$T:reports" 0 -1 withscores)" "c1:v1 1"
check "new report in customer reports" "$(cmd zrange "$T:customer:c1:reports" 0 -1 withscores)" "v1 1"
check "new report in report-ids" "$(hash "$T:report-ids")" "r1=c1:v1"
check "mark holds the report id" "$(raw get "$T:msg:m1")" "r1"
ttl=$(raw ttl "$T:msg:m1")
check "mark has the ttl" "$([ "$ttl" -gt 3500 ] && [ "$ttl" -le 3600 ] && echo yes)" yes
check "stats after new report" "$(stats)" ":1 :1 :1 :1"
consistent "new report"

check "record increment" "$(rec c1 v1 m2 rIGNORED "$N2")" "counted r1 c1 v1 $N2 :2 $N1 $N2"
check "incremented report hash" "$(hash "$T:report:c1:v1")" \
    "created_at=$N1 frequency=2 id=r1 id_customer=c1 id_vehicle=v1 last_message_date=$N2 seq=1 updated_at=$N2"
check "increment keeps one index entry" "$(cmd zrange "$T:reports" 0 -1 withscores)" "c1:v1 1"
check "new id unused on increment" "$(hash "$T:report-ids")" "r1=c1:v1"
check "stats after increment" "$(stats)" ":1 :2 :2 :1"
check "freq histogram drops 1" "$(hash "$T:stats:freq")" "2=1"
consistent "increment"

check "record duplicate message" "$(rec c1 v1 m2 rX "$N3")" "duplicate r1 c1 v1 $N2 :2 $N1 $N2"
check "duplicate changes nothing" "$(hash "$T:report:c1:v1")" \
    "created_at=$N1 frequency=2 id=r1 id_customer=c1 id_vehicle=v1 last_message_date=$N2 seq=1 updated_at=$N2"
check "duplicate stats unchanged" "$(stats)" ":1 :2 :2 :1"
check "duplicate for a pair without report" "$(rec c1 v2 m1 rX "$N3")" "duplicate"
check "duplicate creates no report" "$(cmd exists "$T:report:c1:v2")" ":0"
check "duplicate no seq used" "$(raw get "$T:seq")" "1"

# Once through SCRIPT LOAD + EVALSHA, as the module calls it.
sha=$(redis-cli -s "$SOCK" -x script load <"$LUA/record.lua")
# shellcheck disable=SC2046
check "record via EVALSHA" "$(cmd evalsha "$sha" 10 $(record_keys c2 v3 m3) c2 v3 r2 "$N3" 3600)" \
    "counted r2 c2 v3 $N3 :1 $N3 $N3"
check "EVALSHA after SCRIPT FLUSH is NOSCRIPT" \
    "$(raw script flush >/dev/null; cmd evalsha "$sha" 0 | cut -c1-8)" "NOSCRIPT"
check "record c1 v2" "$(rec c1 v2 m4 r3 "$N3")" "counted r3 c1 v2 $N3 :1 $N3 $N3"
check "record c1 v2 again" "$(rec c1 v2 m5 r9 "$N3")" "counted r3 c1 v2 $N3 :2 $N3 $N3"
check "record c1 v2 third" "$(rec c1 v2 m6 r9 "$N4")" "counted r3 c1 v2 $N4 :3 $N3 $N4"
check "stats three reports" "$(stats)" ":3 :6 :1 :1 :2 :1 :3 :1"
check "reports in creation order" "$(cmd zrange "$T:reports" 0 -1 withscores)" "c1:v1 1 c2:v3 2 c1:v2 3"
check "customer reports c1" "$(cmd zrange "$T:customer:c1:reports" 0 -1 withscores)" "v1 1 v2 3"
consistent "records"

# ===== report_delete =====
check "delete report r1" "$(rdel r1)" ":1"
check "deleted report hash gone" "$(cmd exists "$T:report:c1:v1")" ":0"
check "deleted from reports" "$(cmd zrange "$T:reports" 0 -1)" "c2:v3 c1:v2"
check "deleted from customer reports" "$(cmd zrange "$T:customer:c1:reports" 0 -1)" "v2"
check "deleted from report-ids" "$(hash "$T:report-ids")" "r2=c2:v3 r3=c1:v2"
check "stats after delete" "$(stats)" ":2 :4 :1 :1 :3 :1"
consistent "delete"
check "delete again: not found" "$(rdel r1)" ":0"
check "delete unknown id" "$(rdel nope)" ":0"
check "delete last report of a frequency" "$(rdel r2)" ":1"
check "stats after second delete" "$(stats)" ":1 :3 :3 :1"
check "customer index of c2 gone with its last report" "$(cmd exists "$T:customer:c2:reports")" ":0"
consistent "delete 2"
check "message after delete re-creates the pair" "$(rec c1 v1 m7 r4 "$N4")" "counted r4 c1 v1 $N4 :1 $N4 $N4"
check "re-created report gets a new seq" "$(raw hget "$T:report:c1:v1" seq)" "4"
consistent "re-create"

# ===== reset: chunks of 2 over 5 reports =====
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v2 c1 Jazz 'B 2 BB' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v3 c2 Brio 'B 3 CC' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v4 c1 Xenia 'B 4 DD' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v5 c2 Ayla 'B 5 EE' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
i=0
for spec in c1:v1:1 c2:v3:3 c1:v2:2 c2:v5:1 c1:v4:4; do   # creation order = seq 1..5
    IFS=: read -r c v n <<<"$spec"
    for _ in $(seq "$n"); do i=$((i + 1)); rec "$c" "$v" "m$i" "r-$v" "$N1" >/dev/null; done
done
check "reset setup stats" "$(stats)" ":5 :11 :1 :2 :2 :1 :3 :1 :4 :1"
consistent "reset setup"

check "reset customer c1 chunk 1" "$(reset c1 "$N2" -inf 2)" ":2 3 :1"
check "reset customer c1 chunk 2" "$(reset c1 "$N2" '(3' 2)" ":1 5 :0"
check "stats after customer reset" "$(stats)" ":5 :4 :0 :3 :1 :1 :3 :1"
check "other customer untouched" "$(raw hmget "$T:report:c2:v3" frequency updated_at | paste -sd' ')" "3 $N1"
consistent "customer reset"

check "reset all chunk 1" "$(reset '' "$N3" -inf 2)" ":2 2 :1"
check "stats after chunk 1" "$(stats)" ":5 :1 :0 :4 :1 :1"
consistent "reset chunk 1"
check "reset all chunk 2" "$(reset '' "$N3" '(2' 2)" ":2 4 :1"
consistent "reset chunk 2"
check "reset all chunk 3" "$(reset '' "$N3" '(4' 2)" ":1 5 :0"
check "reset past the end" "$(reset '' "$N3" '(5' 2)" ':0 "" :0'
check "stats after full reset" "$(stats)" ":5 :0 :0 :5"
check "freq histogram only 0" "$(hash "$T:stats:freq")" "0=5"
consistent "full reset"
check "reset report keeps record and last_message_date" "$(hash "$T:report:c2:v3")" \
    "created_at=$N1 frequency=0 id=r-v3 id_customer=c2 id_vehicle=v3 last_message_date=$N1 seq=2 updated_at=$N3"
check "reset report already 0 counted and touched" "$(raw hmget "$T:report:c1:v1" frequency updated_at | paste -sd' ')" "0 $N3"
check "record after reset" "$(rec c1 v1 m100 rX "$N4")" "counted r-v1 c1 v1 $N4 :1 $N1 $N4"
check "stats after record after reset" "$(stats)" ":5 :1 :0 :4 :1 :1"
consistent "record after reset"
checkp "reset bad limit" "$(reset '' "$N3" -inf 0)" "ERR reset: bad limit"

# ===== page: list/detail, paging, a dangling index member =====
raw zadd "$T:reports" 6 c9:gone >/dev/null
raw zadd "$T:customer:c1:reports" 6 gone >/dev/null
L1="r-v1 c1 v1 $N4 :1 $N1 $N4"
L2="r-v3 c2 v3 $N1 :0 $N1 $N3"
L3="r-v2 c1 v2 $N1 :0 $N1 $N3"
L4="r-v5 c2 v5 $N1 :0 $N1 $N3"
L5="r-v4 c1 v4 $N1 :0 $N1 $N3"
check "page list 1" "$(page '' list -inf 2)" ":1 2 $L1 $L2"
check "page list 2" "$(page '' list '(2' 2)" ":1 4 $L3 $L4"
check "page list 3 skips dangling" "$(page '' list '(4' 2)" ":0 6 $L5"
check "page list all" "$(page '' list -inf 10)" ":0 6 $L1 $L2 $L3 $L4 $L5"
check "page list only dangling" "$(page '' list '(5' 2)" ":0 6"
check "page past the end" "$(page '' list '(6' 2)" ':0 ""'
check "page customer c1" "$(page c1 list -inf 2)" ":1 3 $L1 $L3"
check "page customer c1 next" "$(page c1 list '(3' 2)" ":0 6 $L5"
check "page missing index" "$(page nobody list -inf 2)" ':0 ""'
# Detail: c2's v3 is deleted, then c2 itself (reports stay).
check "vehicle_delete v3" "$(vdel v3)" "deleted"
check "page detail" "$(page '' detail -inf 2)" \
    ":1 2 r-v1 Budi 628111 Avanza B 1 AA $N4 :1 $N1 $N4 r-v3 Sari 628222 nil nil $N1 :0 $N1 $N3"
check "vehicle_delete v5" "$(vdel v5)" "deleted"
check "customer_delete c2" "$(cdel c2)" "deleted"
check "page detail with customer and vehicle gone" "$(page '' detail '(1' 3)" \
    ":1 4 r-v3 nil nil nil nil $N1 :0 $N1 $N3 r-v2 Budi 628111 Jazz B 2 BB $N1 :0 $N1 $N3 r-v5 nil nil nil nil $N1 :0 $N1 $N3"
check "page detail customer index" "$(page c1 detail '(3' 5)" ":0 6 r-v4 Budi 628111 Xenia B 4 DD $N1 :0 $N1 $N3"
checkp "page bad mode" "$(page '' table -inf 2)" "ERR page: bad mode"
check "reports stay after vehicle and customer deletion" "$(stats)" ":5 :1 :0 :4 :1 :1"
raw zrem "$T:reports" c9:gone >/dev/null
raw zrem "$T:customer:c1:reports" gone >/dev/null
consistent "page"

# ===== customer_delete =====
check "customer_delete not_found" "$(cdel c9)" "not_found"
check "customer_delete has_vehicles" "$(cdel c1)" "has_vehicles"
check "has_vehicles deletes nothing" "$(cmd exists "$T:customer:c1" "$T:customer:c1:vehicles" "$T:customer:c1:reports")" ":3"
check "vehicle_delete not_found" "$(vdel v9)" "not_found"
for v in v1 v2 v4; do check "vehicle_delete $v" "$(vdel $v)" "deleted"; done
check "vehicles gone from due" "$(cmd zcard "$T:due")" ":0"
check "customer_delete after vehicles" "$(cdel c1)" "deleted"
check "customer hash gone" "$(cmd exists "$T:customer:c1" "$T:customer:c1:vehicles")" ":0"
check "customer reports index stays (history)" "$(cmd zrange "$T:customer:c1:reports" 0 -1)" "v1 v2 v4"
check "customer_delete again" "$(cdel c1)" "not_found"
consistent "customer delete"

# ===== vehicle moving between customers =====
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
rec c1 v1 m1 r1 "$N1" >/dev/null
check "move v1 to c2" "$(vput v1 c2 Avanza 'B 1 AB' 2026-02-01 2026-05-01 20574 "$N2")" \
    "updated v1 c2 Avanza B 1 AB 2026-02-01 2026-05-01 $N1 $N2"
check "left the old customer's set" "$(cmd exists "$T:customer:c1:vehicles")" ":0"
check "in the new customer's set" "$(cmd smembers "$T:customer:c2:vehicles")" "v1"
check "due moved" "$(cmd zrange "$T:due" 0 -1 withscores)" "v1 20574"
check "moved vehicle hash" "$(hash "$T:vehicle:v1")" \
    "created_at=$N1 customer_id=c2 id=v1 last_visit_date=2026-02-01 model=Avanza next_visit_date=2026-05-01 nopol=B 1 AB updated_at=$N2"
check "old owner's sends mismatch" "$(rec c1 v1 m2 r2 "$N2")" "vehicle_mismatch"
check "old customer can delete now" "$(cdel c1)" "deleted"
check "send for new owner" "$(rec c2 v1 m2 r2 "$N2")" "counted r2 c2 v1 $N2 :1 $N2 $N2"
check "both reports kept" "$(cmd zrange "$T:reports" 0 -1 withscores)" "c1:v1 1 c2:v1 2"
check "update same customer keeps set" "$(vput v1 c2 Avanza 'B 1 AB' 2026-02-01 '' '' "$N3")" \
    "updated v1 c2 Avanza B 1 AB 2026-02-01 \"\" $N1 $N3"
check "no next visit leaves due" "$(cmd zcard "$T:due")" ":0"
check "set unchanged" "$(cmd smembers "$T:customer:c2:vehicles")" "v1"
check "vehicle_delete moved" "$(vdel v1)" "deleted"
check "vehicle_delete cleans the set" "$(cmd exists "$T:customer:c2:vehicles" "$T:vehicle:v1")" ":0"
check "reports stay after vehicle delete" "$(stats)" ":2 :2 :1 :2"
consistent "move"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
