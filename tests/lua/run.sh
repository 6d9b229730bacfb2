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
    --enable-debug-command local --logfile "$TMP/redis.log" >/dev/null || { echo "redis-server failed to start"; exit 1; }
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
cput() { ev customer_put "$T:customer:$1" "$T:stats" , "$1" "$2" "$3" "$4" "$5"; }
cdel() { ev customer_delete "$T:customer:$1" "$T:customer:$1:vehicles" "$T:stats"; }
vput() { # id customer model nopol last next daynum now
    ev vehicle_put "$T:vehicle:$1" "$T:customer:$2" "$T:customer:$2:vehicles" "$T:due:$7" \
        "$T:stats" , "$T" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}
vdel() { ev vehicle_delete "$T:vehicle:$1" "$T:stats" , "$T"; }
# T:stats customers and vehicles.
counts() { raw hmget "$T:stats" customers vehicles | paste -sd' '; }
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
page_to() { # cust mode start limit end: a page read in steps up to its measured end
    ev page "$(idx "$1")" , "$T" "$2" "$3" "$4" "$1" "$5"
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
check "vehicle_put no_customer writes nothing" "$(cmd exists "$T:vehicle:v9" "$T:customer:c9:vehicles" "$T:due:20544")" ":0"
check "customers counted, no vehicles yet" "$(counts)" "2 "
check "vehicle_put create v1" "$(vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1")" \
    "created v1 c1 Avanza B 1 AA 2026-01-01 2026-04-01 $N1 $N1"
check "vehicle_put create v2" "$(vput v2 c1 Jazz 'B 2 BB' 2026-01-02 2026-04-02 20545 "$N1")" \
    "created v2 c1 Jazz B 2 BB 2026-01-02 2026-04-02 $N1 $N1"
check "vehicle_put create v3" "$(vput v3 c2 Brio 'B 3 CC' 2026-01-03 2026-04-03 20546 "$N1")" \
    "created v3 c2 Brio B 3 CC 2026-01-03 2026-04-03 $N1 $N1"
check "vehicle hash" "$(hash "$T:vehicle:v1")" \
    "created_at=$N1 customer_id=c1 id=v1 last_visit_date=2026-01-01 model=Avanza next_visit_date=2026-04-01 next_visit_day=20544 nopol=B 1 AA updated_at=$N1"
check "vehicles counted on create" "$(counts)" "2 3"
check "customer vehicles" "$(raw smembers "$T:customer:c1:vehicles" | sort | paste -sd' ')" "v1 v2"
check "due day sets" "$(for d in 20544 20545 20546; do cmd zrange "$T:due:$d" 0 -1 withscores; done | paste -sd' ')" \
    "v1 0 v2 0 v3 0"
check "no old single due zset" "$(cmd exists "$T:due")" ":0"
checkp "vehicle_put bad day number is an error" "$(vput v1 c1 X Y 2026-01-01 2026-04-01 abc "$N2")" \
    "ERR vehicle_put: bad day number"
check "vehicle_put bad day number writes nothing" "$(raw hget "$T:vehicle:v1" model)" "Avanza"
checkp "vehicle_put due key not matching the day is an error" \
    "$(ev vehicle_put "$T:vehicle:v1" "$T:customer:c1" "$T:customer:c1:vehicles" "$T:due:1" "$T:stats" , \
        "$T" v1 c1 X Y 2026-01-01 2026-04-01 20544 "$N2")" "ERR vehicle_put: due key does not match the day"
check "due key mismatch writes nothing" "$(raw hget "$T:vehicle:v1" model) $(cmd exists "$T:due:1")" "Avanza :0"
check "vehicle update counts nothing" "$(vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" | cut -c1-7) $(counts)" \
    "updated 2 3"

# ===== record =====
check "record no_customer" "$(rec c9 v1 m0 r0 "$N1")" "no_customer"
check "record no_vehicle" "$(rec c1 v9 m0 r0 "$N1")" "no_vehicle"
check "record vehicle_mismatch" "$(rec c2 v1 m0 r0 "$N1")" "vehicle_mismatch"
checkp "record bad ttl is an error" "$(rec c1 v1 m0 r0 "$N1" 0)" "ERR record: bad mark ttl"
check "rejected records write nothing" \
    "$(cmd hmget "$T:stats" reports messages) $(cmd exists "$T:seq" "$T:stats:freq" "$T:reports" "$T:report-ids" "$T:msg:m0" "$T:report:c1:v1" "$T:report:c2:v1")" "nil nil :0"

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
check "page up to an end score" "$(page_to '' list -inf 10 4)" ":0 4 $L1 $L2 $L3 $L4"
check "page step before the end" "$(page_to '' list -inf 2 4)" ":1 2 $L1 $L2"
check "page last step ends at the end" "$(page_to '' list '(2' 2 4)" ":0 4 $L3 $L4"
check "page empty end is +inf" "$(page_to '' list '(4' 10 '')" ":0 6 $L5"
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
check "vehicles gone from due" "$(cmd exists "$T:due:20544")" ":0"
check "vehicles uncounted" "$(counts)" "1 0"
check "customer_delete after vehicles" "$(cdel c1)" "deleted"
check "customers uncounted" "$(counts)" "0 0"
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
check "due moved" "$(cmd exists "$T:due:20544") $(cmd zrange "$T:due:20574" 0 -1 withscores)" ":0 v1 0"
check "moved vehicle hash" "$(hash "$T:vehicle:v1")" \
    "created_at=$N1 customer_id=c2 id=v1 last_visit_date=2026-02-01 model=Avanza next_visit_date=2026-05-01 next_visit_day=20574 nopol=B 1 AB updated_at=$N2"
check "old owner's sends mismatch" "$(rec c1 v1 m2 r2 "$N2")" "vehicle_mismatch"
check "old customer can delete now" "$(cdel c1)" "deleted"
check "send for new owner" "$(rec c2 v1 m2 r2 "$N2")" "counted r2 c2 v1 $N2 :1 $N2 $N2"
check "both reports kept" "$(cmd zrange "$T:reports" 0 -1 withscores)" "c1:v1 1 c2:v1 2"
check "update same customer keeps set" "$(vput v1 c2 Avanza 'B 1 AB' 2026-02-01 '' '' "$N3")" \
    "updated v1 c2 Avanza B 1 AB 2026-02-01 \"\" $N1 $N3"
check "no next visit leaves due" "$(cmd exists "$T:due:20574") $(raw hexists "$T:vehicle:v1" next_visit_day)" ":0 0"
check "set unchanged" "$(cmd smembers "$T:customer:c2:vehicles")" "v1"
check "vehicle_delete moved" "$(vdel v1)" "deleted"
check "vehicle_delete cleans the set" "$(cmd exists "$T:customer:c2:vehicles" "$T:vehicle:v1")" ":0"
check "reports stay after vehicle delete" "$(stats)" ":2 :2 :1 :2"
check "counts after move" "$(counts)" "1 0"
consistent "move"

# ===== reminder engine =====
S=$T:schedule
L=$T:run:lease
C=$T:run:current
LAST=$T:run:last
# nginx.conf's spelling of a tick's default schedule ("07:30 on"); "07:00 off"
# for arguments a case makes bad on purpose.
tconf() { # en hour minute
    if [[ $2 =~ ^[0-9]+$ && $3 =~ ^[0-9]+$ ]] && [ "$2" -le 23 ] && [ "$3" -le 59 ]; then
        printf '%02d:%02d %s' "$2" "$3" "$([ "$1" = 1 ] && echo on || echo off)"
    else
        echo '07:00 off'
    fi
}
tick() { ev tick "$S" "$L" "$C" , "$@" "$(tconf "$4" "$5" "$6")"; }  # now owner ms en hour minute next
apply() { ev schedule_apply "$S" , "$@"; }              # conf next load
rbegin() { ev run_begin "$L" "$C" "$S" "$T:run:covered" "$LAST" , "$@"; }  # owner id as_of dry manual started next ms [catch-up days...]
renew() { ev lease_renew "$L" , "$@"; }                 # owner ms [release]
batch() { ev due_batch "$L" "$C" , "$T" "$@"; }         # owner first last cday cmember limit run
abegin() { ev attempt_begin "$L" "$T:attempt:$1" "$T:vehicle:$1" , "${@:2}"; }  # veh owner run cycle now ttl mode today
arel() { local k=(); for v in "${@:3}"; do k+=("$T:attempt:$v"); done; ev attempt_release "${k[@]}" , "$1" "$2"; }  # run owner veh...
afail() { ev attempt_fail "$T:attempt:$1" "$T:report:$2:$1" "$T:vehicle:$1" "$T:stats" , "${@:3}"; }  # veh cust text code now opted
progress() { ev run_progress "$L" "$C" "$T:run:$1:details" "$T:run:$1:done" , "${@:2}"; }  # run owner day member 6 deltas ttl pairs...
finish() { ev run_finish "$L" "$C" "$LAST" "$T:stats" "$T:run:$1:result" "$T:run:covered" , "$2" "$3" "$1" "${4:-604800}"; }  # run owner finished_at [ttl]
summary() { ev run_summary "$C" "$T:run:$1:result" , "$1"; }  # run
status() { ev status "$S" "$C" "$LAST"; }
# record with the reminder part: cust veh msg new-id now cycle today provider run provider-msg
recr() {
    # shellcheck disable=SC2046
    ev record $(record_keys "$1" "$2" "$3") "$T:attempt:$2" "$T:deliveries" , \
        "$1" "$2" "$4" "$5" 3600 "$6" "$7" "$8" "$9" "${10}"
}
# The field/value pairs of the newest stream entry.
lastdelivery() { raw xrevrange "$T:deliveries" + - COUNT 1 | tail -n +2 | paste -sd' '; }
# Is a key's PTTL within (lo, hi]?
pttl_in() { local t; t=$(raw pttl "$1"); [ "$t" -gt "$2" ] && [ "$t" -le "$3" ] && echo yes || echo "no ($t)"; }
ttl_in() { local t; t=$(raw ttl "$1"); [ "$t" -gt "$2" ] && [ "$t" -le "$3" ] && echo yes || echo "no ($t)"; }

# ===== vehicle_put: day sets and reminder cycles =====
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
raw hset "$T:vehicle:v1" reminded_for 2026-04-01 reminded_on 2026-03-25 reminded_run r0 >/dev/null
check "update, same next visit" "$(vput v1 c1 Avanza2 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N2")" \
    "updated v1 c1 Avanza2 B 1 AA 2026-01-01 2026-04-01 $N1 $N2"
check "same next visit keeps the cycle" "$(raw hmget "$T:vehicle:v1" reminded_for reminded_on reminded_run next_visit_day | paste -sd' ')" \
    "2026-04-01 2026-03-25 r0 20544"
check "same day stays in its set" "$(cmd zrange "$T:due:20544" 0 -1 withscores)" "v1 0"
check "update, new next visit" "$(vput v1 c1 Avanza2 'B 1 AA' 2026-04-01 2026-07-01 20635 "$N3")" \
    "updated v1 c1 Avanza2 B 1 AA 2026-04-01 2026-07-01 $N1 $N3"
check "new next visit: a new cycle" "$(hash "$T:vehicle:v1")" \
    "created_at=$N1 customer_id=c1 id=v1 last_visit_date=2026-04-01 model=Avanza2 next_visit_date=2026-07-01 next_visit_day=20635 nopol=B 1 AA reminded_run=r0 updated_at=$N3"
check "moved between day sets" "$(cmd exists "$T:due:20544") $(cmd zrange "$T:due:20635" 0 -1 withscores)" ":0 v1 0"
raw hset "$T:vehicle:v1" reminded_for 2026-07-01 reminded_on 2026-06-25 >/dev/null
check "same day, other date text" "$(vput v1 c1 Avanza2 'B 1 AA' 2026-04-01 2026-7-1 20635 "$N3" | cut -c1-7)" "updated"
check "changed date text resets the cycle" "$(raw hmget "$T:vehicle:v1" reminded_for reminded_on | paste -sd' ')" " "
check "same day set" "$(cmd zrange "$T:due:20635" 0 -1 withscores)" "v1 0"
vput v2 c1 Jazz 'B 2 BB' 2026-01-01 2026-07-01 20635 "$N1" >/dev/null
vput v0 c1 Brio 'B 0 CC' 2026-01-01 2026-07-01 20635 "$N1" >/dev/null
check "a day's set is ordered by id" "$(cmd zrange "$T:due:20635" 0 -1)" "v0 v1 v2"
check "counts" "$(counts)" "1 3"
check "vehicle_delete v1" "$(vdel v1)" "deleted"
check "deleted from its day set" "$(cmd zrange "$T:due:20635" 0 -1)" "v0 v2"
check "deleted from customer set" "$(cmd smembers "$T:customer:c1:vehicles" | tr ' ' '\n' | sort | paste -sd' ')" "v0 v2"
check "vehicle count after delete" "$(counts)" "1 2"

# ===== tick =====
raw flushall >/dev/null
checkp "tick bad default hour" "$(tick 1000 w1 5000 0 24 30 2000)" "ERR tick: bad default schedule"
checkp "tick bad lease ms" "$(tick 1000 w1 0 0 7 30 2000)" "ERR tick: bad lease ms"
checkp "tick bad enabled" "$(tick 1000 w1 5000 yes 7 30 2000)" "ERR tick: bad enabled"
check "bad ticks write nothing" "$(cmd exists "$S" "$L")" ":0"
check "tick creates the schedule: idle" "$(tick 1000 w1 5000 0 7 30 2000)" "idle 0 7 30 2000"
check "default schedule" "$(hash "$S")" "config=07:30 off enabled=0 hour=7 minute=30 next_run=2000 source=nginx.conf"
check "tick keeps an existing schedule" "$(tick 1000 w1 5000 1 9 0 9999)" "idle 0 7 30 2000"
check "idle takes no lease" "$(cmd exists "$L")" ":0"
check "disabled and past next_run: idle" "$(tick 3000 w1 5000 0 7 30 2000)" "idle 0 7 30 2000"
raw hset "$S" enabled 1 >/dev/null
check "enabled, before next_run: idle" "$(tick 1999 w1 5000 0 7 30 2000)" "idle 1 7 30 2000"
check "enabled, at next_run: due" "$(tick 2000 w1 5000 0 7 30 2000)" "due 7 30 2000"
check "due takes the lease" "$(raw get "$L") $(pttl_in "$L" 4000 5000)" "w1 yes"
check "due while leased: busy" "$(tick 2001 w2 5000 0 7 30 2000)" "busy"
check "busy keeps the lease" "$(raw get "$L")" "w1"
check "own lease, no run yet: busy" "$(tick 2001 w1 5000 0 7 30 2000)" "busy"
raw del "$S" >/dev/null
raw hset "$S" enabled 1 >/dev/null
check "partial schedule completed from defaults" "$(tick 2001 w2 5000 0 8 15 5000) $(hash "$S")" \
    "idle 1 8 15 5000 enabled=1 hour=8 minute=15 next_run=5000"
raw hset "$C" id r0 >/dev/null
check "run in progress, leased: busy" "$(tick 9000 w2 5000 0 7 30 2000)" "busy"
raw del "$L" >/dev/null
check "run in progress, lease expired: resume" "$(tick 9000 w2 7000 0 7 30 2000)" "resume"
check "resume takes the lease" "$(raw get "$L") $(pttl_in "$L" 6000 7000)" "w2 yes"
check "resume while leased: busy" "$(tick 9000 w1 7000 0 7 30 2000)" "busy"
check "resume over a disabled schedule" "$(raw hset "$S" enabled 0 >/dev/null; raw del "$L" >/dev/null; tick 1 w1 100 0 7 30 2000)" "resume"

# ===== run_begin =====
raw flushall >/dev/null
tick 1000 w1 5000 1 7 30 1000 >/dev/null   # due: w1 holds the lease
checkp "run_begin bad dry_run" "$(rbegin w1 r1 2026-04-01 2 0 "$N1" 87400 5000)" "ERR run_begin: bad dry_run or manual"
checkp "run_begin bad next_run" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" soon 5000)" "ERR run_begin: bad next_run"
checkp "run_begin bad lease ms" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" 87400 0)" "ERR run_begin: bad lease ms"
check "bad run_begin writes nothing" "$(cmd exists "$C") $(raw hget "$S" next_run)" ":0 1000"
check "run_begin, lease of another owner: busy" "$(rbegin w2 r1 2026-04-01 0 0 "$N1" 87400 5000)" "busy"
check "busy run_begin writes nothing" "$(cmd exists "$C") $(raw get "$L") $(raw hget "$S" next_run)" ":0 w1 1000"
check "run_begin by the lease owner" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" 87400 8000)" "started 2026-04-01"
check "run:current" "$(hash "$C")" \
    "as_of=2026-04-01 cursor_day= cursor_member= dry=0 dry_run=0 failed=0 id=r1 manual=0 sent=0 skipped=0 started_at=$N1 total=0 unknown=0 window_from=2026-04-01"
check "next_run advanced" "$(hash "$S")" "config=07:30 on enabled=1 hour=7 minute=30 next_run=87400 source=nginx.conf"
check "lease refreshed" "$(raw get "$L") $(pttl_in "$L" 7000 8000)" "w1 yes"
check "run_begin while a run is in progress: busy" "$(rbegin w1 r2 2026-04-02 0 0 "$N2" 99999 5000)" "busy"
check "busy keeps the run" "$(raw hget "$C" id) $(raw hget "$S" next_run)" "r1 87400"
raw del "$C" "$L" >/dev/null
check "manual run_begin, free lease" "$(rbegin w3 r2 2026-04-02 1 1 "$N2" '' 5000)" "started 2026-04-02"
check "free lease taken" "$(raw get "$L") $(pttl_in "$L" 4000 5000)" "w3 yes"
check "manual run leaves next_run" "$(raw hget "$S" next_run)" "87400"
check "manual dry run record" "$(raw hmget "$C" id as_of dry_run manual started_at | paste -sd' ')" "r2 2026-04-02 1 1 $N2"

# ===== run_begin: catch-up =====
raw flushall >/dev/null
catchup=(2026-03-29 2026-03-30 2026-03-31)
check "no covered day, no last run: no catch-up" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-04-01"
raw del "$C" "$L" >/dev/null
raw set "$T:run:covered" 2026-03-29 >/dev/null
check "catch-up from the day after the covered day" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-03-30"
check "window_from kept in run:current" "$(raw hget "$C" window_from)" "2026-03-30"
raw del "$C" "$L" >/dev/null
raw set "$T:run:covered" 2026-03-01 >/dev/null
check "catch-up bounded by the days given" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-03-29"
raw del "$C" "$L" >/dev/null
check "no days given: catch-up off" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000)" "started 2026-04-01"
raw del "$C" "$L" >/dev/null
raw set "$T:run:covered" 2026-03-31 >/dev/null
check "nothing missed" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-04-01"
raw del "$C" "$L" "$T:run:covered" >/dev/null
raw hset "$LAST" as_of 2026-03-30 dry_run 0 >/dev/null
check "covered day from run:last of an earlier version" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-03-31"
raw del "$C" "$L" >/dev/null
raw hset "$LAST" as_of 2026-03-30 dry_run 1 >/dev/null
check "a dry last run covers nothing" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 "${catchup[@]}")" "started 2026-04-01"
raw del "$C" "$L" >/dev/null
checkp "catch-up day not before as_of" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 2026-04-01)" "ERR run_begin: bad catch-up day"
checkp "catch-up days out of order" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 2026-03-30 2026-03-29)" "ERR run_begin: bad catch-up day"
checkp "catch-up day not a date" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000 yesterday)" "ERR run_begin: bad catch-up day"
raw set "$LAST" x >/dev/null
checkp "run:last of another type" "$(rbegin w1 r1 2026-04-01 0 0 "$N1" '' 5000)" "ERR run_begin: a key holds another type"
check "bad run_begin writes nothing" "$(cmd exists "$C" "$L")" ":0"

# ===== lease_renew =====
raw flushall >/dev/null
raw set "$L" w1 px 1000 >/dev/null
check "renew by owner" "$(renew w1 9000)" ":1"
check "renewed" "$(pttl_in "$L" 8000 9000)" "yes"
check "renew by another" "$(renew w2 60000)" ":0"
check "not renewed by another" "$(raw get "$L") $(pttl_in "$L" 8000 9000)" "w1 yes"
checkp "renew bad ms" "$(renew w1 0)" "ERR lease_renew: bad lease ms"
checkp "renew bad mode" "$(renew w1 9000 drop)" "ERR lease_renew: bad mode"
check "release by another" "$(renew w2 9000 release)" ":0"
check "kept after another's release" "$(raw get "$L")" "w1"
check "release by owner" "$(renew w1 9000 release)" ":1"
check "released" "$(cmd exists "$L")" ":0"
check "renew a free lease" "$(renew w1 9000)" ":0"
check "renew does not take a free lease" "$(cmd exists "$L")" ":0"
check "release a free lease" "$(renew w1 9000 release)" ":0"

# ===== due_batch: paging over day sets =====
raw flushall >/dev/null
D0=20544; D1=20545; D2=20546; D3=20547; D4=20548
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
vput a1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 $D0 "$N1" >/dev/null
vput a2 c1 Jazz 'B 2 AA' 2026-01-01 2026-04-01 $D0 "$N1" >/dev/null
vput a3 c1 Brio '' 2026-01-01 2026-04-01 $D0 "$N1" >/dev/null
vput b1 c2 Ayla 'B 1 BB' 2026-01-01 2026-04-02 $D1 "$N1" >/dev/null
raw zadd "$T:due:$D1" 0 bx >/dev/null                          # vanished vehicle
vput d1 c1 Xenia 'B 1 DD' 2026-01-01 2026-04-04 $D3 "$N1" >/dev/null
vput e1 c1 Sigra 'B 1 EE' 2026-01-01 2026-04-05 $D4 "$N1" >/dev/null  # after the window
raw hset "$T:vehicle:a2" reminded_for 2026-04-01 reminded_on 2026-03-30 >/dev/null
raw hset "$T:vehicle:a3" do_not_contact 1 >/dev/null
raw hset "$T:attempt:a1" cycle 2026-04-01 run r0 started_at "$N1" >/dev/null
raw sadd "$T:run:r1:done" a3 >/dev/null
raw del "$T:customer:c2" >/dev/null                             # b1's customer is gone
raw set "$L" w1 px 60000 >/dev/null
A1="a1 c1 Avanza B 1 AA 2026-04-01 nil nil nil Budi 628111 2026-04-01 r0 0"
A2="a2 c1 Jazz B 2 AA 2026-04-01 2026-04-01 2026-03-30 nil Budi 628111 nil nil 0"
A3='a3 c1 Brio "" 2026-04-01 nil nil 1 Budi 628111 nil nil 1'
B1="b1 c2 Ayla B 1 BB 2026-04-02 nil nil nil nil nil nil nil 0"
DD1="d1 c1 Xenia B 1 DD 2026-04-04 nil nil nil Budi 628111 nil nil 0"
check "day $D2 is empty" "$(cmd exists "$T:due:$D2")" ":0"
checkp "due_batch bad limit" "$(batch w1 $D0 $D3 '' '' 0 r1)" "ERR due_batch: bad limit"
checkp "due_batch bad cursor" "$(batch w1 $D0 $D3 x '' 2 r1)" "ERR due_batch: bad cursor"
checkp "due_batch bad window" "$(batch w1 $D0 '' '' '' 2 r1)" "ERR due_batch: bad window"
check "due_batch, lease of another owner: lost" "$(batch w2 $D0 $D3 '' '' 2 r1)" "lost"
check "due_batch, no lease: lost" "$(raw del "$L" >/dev/null; batch w1 $D0 $D3 '' '' 2 r1; raw set "$L" w1 px 60000 >/dev/null)" "lost"
check "batch 1 (limit below a day's count)" "$(batch w1 $D0 $D3 '' '' 2 r1)" "ok $D0 a2 0 $A1 $A2"
check "batch 2 crosses into the next day" "$(batch w1 $D0 $D3 $D0 a2 2 r1)" "ok $D1 b1 0 $A3 $B1"
check "batch 3: vanished vehicle, empty day, last day" "$(batch w1 $D0 $D3 $D1 b1 2 r1)" "ok $D3 d1 1 $DD1"
check "vanished vehicle alone advances the cursor" "$(batch w1 $D0 $D3 $D1 b1 1 r1)" "ok $D1 bx 0"
check "full page ending at the window's last member: done" "$(batch w1 $D0 $D3 $D1 bx 1 r1)" "ok $D3 d1 1 $DD1"
check "limit ending at a day's end, more days later" "$(batch w1 $D0 $D3 $D0 a1 2 r1)" "ok $D0 a3 0 $A2 $A3"
check "past the end of the window" "$(batch w1 $D0 $D3 $D3 d1 5 r1)" "ok $D3 d1 1"
check "cursor day with empty member starts that day" "$(batch w1 $D0 $D3 $D1 '' 1 r1)" "ok $D1 b1 0 $B1"
check "whole window in one batch" "$(batch w1 $D0 $D3 '' '' 100 r1)" "ok $D3 d1 1 $A1 $A2 $A3 $B1 $DD1"
check "exact fit: done" "$(batch w1 $D0 $D3 '' '' 6 r1)" "ok $D3 d1 1 $A1 $A2 $A3 $B1 $DD1"
check "window of a later day" "$(batch w1 $D4 $D4 '' '' 10 r1)" "ok $D4 e1 1 e1 c1 Sigra B 1 EE 2026-04-05 nil nil nil Budi 628111 nil nil 0"
check "empty window" "$(batch w1 30000 30010 '' '' 10 r1)" 'ok "" "" 1'
check "another run: nothing handled" "$(batch w1 $D0 $D0 '' '' 10 r2 | grep -o ' [01]$')" " 0"
check "due_batch writes nothing" "$(cmd exists "$T:run:r2:done" "$T:attempt:a2" "$T:customer:c2")" ":0"

# ===== due_list: the vehicles due in a window (GET /due) =====
dlist() { ev due_list , "$T" "$@"; }  # first last limit
LA1="a1 c1 B 1 AA Avanza 2026-04-01 nil Budi 628111"
LA2="a2 c1 B 2 AA Jazz 2026-04-01 2026-04-01 Budi 628111"
LA3='a3 c1 "" Brio 2026-04-01 nil Budi 628111'
LB1="b1 c2 B 1 BB Ayla 2026-04-02 nil nil nil"
LD1="d1 c1 B 1 DD Xenia 2026-04-04 nil Budi 628111"
checkp "due_list bad limit 0" "$(dlist $D0 $D3 0)" "ERR due_list: bad limit"
checkp "due_list bad limit 1001" "$(dlist $D0 $D3 1001)" "ERR due_list: bad limit"
checkp "due_list bad window (last before first)" "$(dlist $D3 $D0 10)" "ERR due_list: bad window"
checkp "due_list bad window (32 days)" "$(dlist $D0 $((D0 + 31)) 10)" "ERR due_list: bad window"
checkp "due_list bad window (missing)" "$(dlist $D0 '' 10)" "ERR due_list: bad window"
checkp "due_list bad tag" "$(ev due_list , '' $D0 $D3 10)" "ERR due_list: bad tag"
check "due_list: window in day then id order, vanished vehicle skipped, later day left out" \
    "$(dlist $D0 $D3 500)" "0 $LA1 $LA2 $LA3 $LB1 $LD1"
check "due_list: 31 days" "$(dlist $D0 $((D0 + 30)) 500)" "0 $LA1 $LA2 $LA3 $LB1 $LD1 e1 c1 B 1 EE Sigra 2026-04-05 nil Budi 628111"
check "due_list: limit inside a day: more" "$(dlist $D0 $D3 2)" "1 $LA1 $LA2"
check "due_list: limit at a day's end, more later: more" "$(dlist $D0 $D3 3)" "1 $LA1 $LA2 $LA3"
check "due_list: vanished vehicle not counted" "$(dlist $D0 $D3 4)" "1 $LA1 $LA2 $LA3 $LB1"
check "due_list: exact fit" "$(dlist $D0 $D3 5)" "0 $LA1 $LA2 $LA3 $LB1 $LD1"
check "due_list: one day" "$(dlist $D1 $D1 10)" "0 $LB1"
check "due_list: empty window" "$(dlist 30000 30006 10)" "0"
check "due_list: a day set past the end stays out" "$(dlist $D3 $D3 1)" "0 $LD1"
DG=$(raw debug digest)
dlist $D0 $D3 500 >/dev/null
check "due_list writes nothing" "$(raw debug digest)" "$DG"

# ===== attempt lifecycle =====
CY=2026-04-01
TD=2026-03-25
checkp "attempt_begin bad mode" "$(abegin a2 w1 r1 $CY "$N1" 604800 weekly $TD)" "ERR attempt_begin: bad mode"
checkp "attempt_begin bad ttl" "$(abegin a2 w1 r1 $CY "$N1" 0 once $TD)" "ERR attempt_begin: bad ttl"
check "attempt_begin, lease of another owner: lost" "$(abegin a1 w2 r1 $CY "$N1" 604800 once $TD)" "lost"
raw del "$T:attempt:a1" >/dev/null
check "attempt_begin, lost writes nothing" "$(abegin a1 w2 r1 $CY "$N1" 604800 once $TD) $(cmd exists "$T:attempt:a1")" "lost :0"
check "attempt_begin ok" "$(abegin a1 w1 r1 $CY "$N1" 604800 once $TD)" "ok"
check "attempt hash" "$(hash "$T:attempt:a1") $(ttl_in "$T:attempt:a1" 604000 604800)" \
    "cycle=$CY owner=w1 run=r1 started_at=$N1 yes"
check "attempt_begin again: in_flight" "$(abegin a1 w1 r2 $CY "$N2" 604800 once $TD)" "in_flight r1 $N1"
check "in_flight keeps the attempt" "$(hash "$T:attempt:a1")" "cycle=$CY owner=w1 run=r1 started_at=$N1"
check "due_batch shows the attempt" "$(batch w1 $D0 $D0 '' '' 1 r1)" \
    "ok $D0 a1 0 a1 c1 Avanza B 1 AA 2026-04-01 nil nil nil Budi 628111 $CY r1 0"
cmd del "$T:attempt:a1" >/dev/null
check "attempt_begin after the attempt is gone" "$(abegin a1 w1 r1 $CY "$N2" 604800 once $TD)" "ok"
# record with the reminder part
# shellcheck disable=SC2046
checkp "record with 11 keys" "$(ev record $(record_keys c1 a1 mr1) "$T:attempt:a1" , c1 a1 rr1 "$N2" 3600 $CY $TD cloud r1 wamid.1)" \
    "ERR record: need 10 or 12 keys"
# shellcheck disable=SC2046
checkp "record, reminder part without message id" \
    "$(ev record $(record_keys c1 a1 mr1) "$T:attempt:a1" "$T:deliveries" , c1 a1 rr1 "$N2" 3600 $CY $TD cloud r1)" \
    "ERR record: bad reminder arguments"
check "bad reminder records write nothing" "$(cmd exists "$T:report:c1:a1" "$T:msg:mr1" "$T:deliveries" "$T:seq") $(cmd exists "$T:attempt:a1")" ":0 :1"
check "reminder record, unknown customer" "$(recr c2x a1 mr1 rr1 "$N2" $CY $TD cloud r1 wamid.1)" "no_customer"
cput c3 'Rina' '628333' 'Jl. D' "$N1" >/dev/null
check "reminder record, vehicle of another customer" "$(recr c3 a1 mr1 rr1 "$N2" $CY $TD cloud r1 wamid.1)" "vehicle_mismatch"
check "rejected reminder record keeps the attempt" "$(cmd exists "$T:attempt:a1" "$T:deliveries")" ":1"
check "reminder record counted" "$(recr c1 a1 mr1 rr1 "$N2" $CY $TD cloud r1 wamid.1)" \
    "counted rr1 c1 a1 $N2 :1 $N2 $N2"
check "counted clears the attempt" "$(cmd exists "$T:attempt:a1")" ":0"
check "counted sets reminded_*" "$(raw hmget "$T:vehicle:a1" reminded_for reminded_on reminded_run | paste -sd' ')" "$CY $TD r1"
check "counted appends a delivery" "$(raw xlen "$T:deliveries") $(lastdelivery)" \
    "1 report rr1 customer c1 vehicle a1 message_id wamid.1 provider cloud run r1 at $N2"
check "reminded (once)" "$(abegin a1 w1 r2 $CY "$N3" 604800 once 2026-03-26)" "reminded"
check "reminded (daily, same day)" "$(abegin a1 w1 r2 $CY "$N3" 604800 daily $TD)" "reminded"
check "reminded writes no attempt" "$(cmd exists "$T:attempt:a1")" ":0"
check "daily, another day: ok" "$(abegin a1 w1 r2 $CY "$N3" 604800 daily 2026-03-26)" "ok"
check "once, another cycle: ok" "$(cmd del "$T:attempt:a1") $(abegin a1 w1 r2 2026-07-01 "$N3" 604800 once $TD)" ":1 ok"
check "duplicate reminder record" "$(recr c1 a1 mr1 rX "$N3" 2026-07-01 2026-03-26 cloud r2 wamid.2)" \
    "duplicate rr1 c1 a1 $N2 :1 $N2 $N2"
check "duplicate clears the attempt" "$(cmd exists "$T:attempt:a1")" ":0"
check "duplicate changes nothing else" "$(raw hmget "$T:vehicle:a1" reminded_for reminded_on reminded_run | paste -sd' ') $(raw xlen "$T:deliveries")" \
    "$CY $TD r1 1"
abegin a2 w1 r2 2026-04-01 "$N3" 604800 daily 2026-03-26 >/dev/null
check "duplicate for a pair without report clears the attempt" \
    "$(recr c1 a2 mr1 rX "$N3" 2026-04-01 2026-03-26 cloud r2 '') $(cmd exists "$T:attempt:a2" "$T:report:c1:a2")" "duplicate :0"
check "empty provider message id" "$(recr c1 a2 mr2 rr2 "$N3" 2026-04-01 2026-03-26 log r2 '' | cut -c1-7) $(lastdelivery)" \
    "counted report rr2 customer c1 vehicle a2 message_id  provider log run r2 at $N3"
check "reminder record ends in consistent stats" "$(stats)" "$(recount)"
consistent "reminder records"
# the fail path
abegin a1 w1 r2 2026-07-01 "$N3" 604800 once $TD >/dev/null
checkp "attempt_fail bad opted_out" "$(afail a1 c1 'boom' 500 "$N3" yes)" "ERR attempt_fail: bad opted_out"
check "bad attempt_fail writes nothing" "$(cmd exists "$T:attempt:a1") $(cmd hget "$T:stats" failures)" ":1 nil"
check "attempt_fail" "$(afail a1 c1 'rate limited' 130429 "$N4" 0)" ":1"
check "attempt_fail clears the attempt" "$(cmd exists "$T:attempt:a1")" ":0"
check "failures counted" "$(raw hget "$T:stats" failures)" "1"
check "error on the vehicle" "$(raw hmget "$T:vehicle:a1" last_error last_error_code last_error_at do_not_contact | paste -sd'|')" \
    "rate limited|130429|$N4|"
check "error on the report" "$(raw hmget "$T:report:c1:a1" last_error last_error_code last_error_at frequency | paste -sd'|')" \
    "rate limited|130429|$N4|1"
abegin d1 w1 r2 2026-04-04 "$N3" 604800 once $TD >/dev/null
check "attempt_fail, opted out, no report" "$(afail d1 c1 'opted out' 131050 "$N4" 1)" ":1"
check "opted out: do_not_contact" "$(raw hmget "$T:vehicle:d1" do_not_contact last_error_code | paste -sd' ')" "1 131050"
check "no report hash created" "$(cmd exists "$T:report:c1:d1" "$T:attempt:d1")" ":0"
check "failures counted twice" "$(raw hget "$T:stats" failures)" "2"
check "due_batch sees do_not_contact" "$(batch w1 $D3 $D3 '' '' 1 r1)" \
    "ok $D3 d1 1 d1 c1 Xenia B 1 DD 2026-04-04 nil nil 1 Budi 628111 nil nil 0"
check "attempt_fail for a vanished vehicle" "$(afail gone c1 'x' 1 "$N4" 1)" ":1"
check "no vehicle stub created" "$(cmd exists "$T:vehicle:gone" "$T:report:c1:gone")" ":0"
check "new next visit after a reminder: new cycle" \
    "$(vput a1 c1 Avanza 'B 1 AA' 2026-04-01 2026-10-01 20727 "$N4" >/dev/null; raw hmget "$T:vehicle:a1" reminded_for reminded_on reminded_run | paste -sd' ')" \
    "  r1"
check "attempt for the new cycle" "$(abegin a1 w1 r3 2026-10-01 "$N4" 604800 once 2026-09-25)" "ok"
# the release path: a runner gives back what it began and will not finish
checkp "attempt_release bad run id" "$(arel '' w1 a1)" "ERR attempt_release: bad run id"
checkp "attempt_release bad owner" "$(arel r3 '' a1)" "ERR attempt_release: bad owner"
check "bad attempt_release writes nothing" "$(cmd exists "$T:attempt:a1")" ":1"
check "attempt_release, another run's attempt: kept" "$(arel r2 w1 a1) $(cmd exists "$T:attempt:a1")" ":0 :1"
check "attempt_release, another owner's attempt: kept" "$(arel r3 w2 a1) $(cmd exists "$T:attempt:a1")" ":0 :1"
abegin b2 w1 r3 2026-10-01 "$N4" 604800 once 2026-09-25 >/dev/null
raw hset "$T:attempt:c9" cycle 2026-10-01 run r3 started_at "$N1" >/dev/null  # left by a crash, no owner
before_release="$(hash "$T:stats")|$(hash "$T:vehicle:a1")|$(hash "$T:report:c1:a1")"
check "attempt_release" "$(arel r3 w1 a1 b2 c9 none)" ":2"
check "attempt_release deletes only its own" "$(cmd exists "$T:attempt:a1" "$T:attempt:b2" "$T:attempt:c9")" ":1"
check "attempt_release counts and marks nothing" \
    "$(hash "$T:stats")|$(hash "$T:vehicle:a1")|$(hash "$T:report:c1:a1")" "$before_release"
check "attempt_release without keys" "$(arel r3 w1)" ":0"

# ===== run_progress and run_finish =====
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
rbegin w1 r1 2026-04-01 0 0 "$N1" '' 60000 >/dev/null
J1='{"vehicle":"a1","status":"sent"}'
J2='{"vehicle":"a2","status":"skipped","reason":"x, y"}'
J3='{"vehicle":"b1","status":"failed"}'
checkp "run_progress odd pairs" "$(progress r1 w1 $D0 a2 2 1 0 1 0 0 604800 a1 "$J1" a2)" "ERR run_progress: odd detail pairs"
checkp "run_progress bad counter" "$(progress r1 w1 $D0 a2 2 x 0 1 0 0 604800)" "ERR run_progress: bad counter"
checkp "run_progress bad ttl" "$(progress r1 w1 $D0 a2 2 1 0 1 0 0 0)" "ERR run_progress: bad ttl"
check "run_progress, lease of another owner" "$(progress r1 w2 $D0 a2 2 1 0 1 0 0 604800 a1 "$J1" a2 "$J2")" ":0"
check "rejected progress writes nothing" \
    "$(raw hmget "$C" cursor_day total | paste -sd'|') $(cmd exists "$T:run:r1:details" "$T:run:r1:done")" "|0 :0"
check "run_progress" "$(progress r1 w1 $D0 a2 2 1 0 1 0 0 604800 a1 "$J1" a2 "$J2")" ":1"
check "progress cursor and counters" "$(hash "$C")" \
    "as_of=2026-04-01 cursor_day=$D0 cursor_member=a2 dry=0 dry_run=0 failed=0 id=r1 manual=0 sent=1 skipped=1 started_at=$N1 total=2 unknown=0 window_from=2026-04-01"
check "details appended" "$(raw lrange "$T:run:r1:details" 0 -1 | paste -sd'|')" "$J1|$J2"
check "done set" "$(raw smembers "$T:run:r1:done" | sort | paste -sd' ')" "a1 a2"
check "details and done expire" "$(ttl_in "$T:run:r1:details" 604000 604800) $(ttl_in "$T:run:r1:done" 604000 604800)" "yes yes"
check "run_progress 2" "$(progress r1 w1 $D1 b1 1 0 1 0 0 0 3600 b1 "$J3")" ":1"
check "progress 2 counters" "$(raw hmget "$C" cursor_day cursor_member total sent failed skipped unknown dry | paste -sd' ')" \
    "$D1 b1 3 1 1 1 0 0"
check "details in order" "$(raw lrange "$T:run:r1:details" 0 -1 | paste -sd'|')" "$J1|$J2|$J3"
check "ttl renewed" "$(ttl_in "$T:run:r1:details" 3500 3600) $(ttl_in "$T:run:r1:done" 3500 3600)" "yes yes"
check "run_progress without details" "$(progress r1 w1 $D3 '' 2 0 0 0 1 1 3600)" ":1"
check "progress 3 counters" "$(raw hmget "$C" cursor_day cursor_member total sent failed skipped unknown dry | paste -sd'|')" \
    "$D3||5|1|1|1|1|1"
check "no details added" "$(raw llen "$T:run:r1:details") $(raw scard "$T:run:r1:done")" "3 3"
raw set "$L" w1 px 60000 >/dev/null
many=()
for i in $(seq 1200); do many+=("m$i" "{\"i\":$i}"); done
check "run_progress with 1200 details" "$(progress r1 w1 $D3 '' 1200 0 0 1200 0 0 3600 "${many[@]}")" ":1"
check "1200 details stored" "$(raw llen "$T:run:r1:details") $(raw lindex "$T:run:r1:details" -1) $(raw scard "$T:run:r1:done")" \
    "1203 {\"i\":1200} 1203"
check "run_summary while running" "$(summary r1)" "running"
check "run_summary of another run" "$(summary r0)" "unknown"
checkp "run_finish bad ttl" "$(finish r1 w1 "$N4" 0)" "ERR run_finish: bad ttl"
checkp "run_finish bad run id" "$(finish '' w1 "$N4")" "ERR run_finish: bad run id"
check "run_finish, lease of another owner" "$(finish r1 w2 "$N4")" "lost"
check "run_finish, another run's id" "$(finish r0 w1 "$N4")" "lost"
check "lost finish writes nothing" "$(cmd exists "$C" "$L" "$LAST" "$T:run:r1:result" "$T:run:r0:result")" ":2"
check "run_finish" "$(finish r1 w1 "$N4" 3600)" "finished :1205 :1 :1 :1201 :1 :1"
check "run:last" "$(hash "$LAST")" \
    "as_of=2026-04-01 cursor_day=$D3 cursor_member= customers=1 dry=1 dry_run=0 failed=1 finished_at=$N4 id=r1 manual=0 sent=1 skipped=1201 started_at=$N1 total=1205 unknown=1 window_from=2026-04-01"
check "the run's result is run:last's" "$(hash "$T:run:r1:result")" "$(hash "$LAST")"
check "the run's result expires" "$(ttl_in "$T:run:r1:result" 3500 3600)" "yes"
check "current and lease gone, details kept" "$(cmd exists "$C" "$L" "$T:run:r1:details" "$T:run:r1:done")" ":2"
check "run_summary once finished" "$(summary r1)" "finished :1 :1"
check "a finished run that sent covers its day" "$(raw get "$T:run:covered")" "2026-04-01"
check "run_finish again: lost" "$(finish r1 w1 "$N4")" "lost"
check "run_progress after finish" "$(progress r1 w1 $D3 '' 1 0 0 0 0 0 3600)" ":0"
raw set "$L" w1 px 60000 >/dev/null
check "run_progress, lease but no run" "$(progress r1 w1 $D3 '' 1 0 0 0 0 0 3600 z1 '{}')" ":0"
check "no run created by progress" "$(cmd exists "$C") $(raw llen "$T:run:r1:details")" ":0 1203"
check "run_finish, lease but no run" "$(finish r1 w1 "$N4")" "lost"
check "no-run finish keeps the last run" "$(raw hget "$LAST" id) $(raw get "$L")" "r1 w1"
checkp "run_summary bad id" "$(ev run_summary "$C" "$T:run:r1:result")" "ERR run_summary: bad run id"
# a second run replaces run:last entirely
raw del "$L" >/dev/null
rbegin w2 r2 2026-04-02 1 1 "$N4" '' 60000 >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
check "second run finish" "$(finish r2 w2 2026-01-09T00:00:00)" "finished :0 :0 :0 :0 :0 :0"
check "run:last replaced" "$(hash "$LAST")" \
    "as_of=2026-04-02 cursor_day= cursor_member= customers=2 dry=0 dry_run=1 failed=0 finished_at=2026-01-09T00:00:00 id=r2 manual=1 sent=0 skipped=0 started_at=$N4 total=0 unknown=0 window_from=2026-04-02"
check "a dry run leaves the covered day" "$(raw get "$T:run:covered")" "2026-04-01"
# Whoever waits for r1 still finds its own result after r2 finished.
check "run_summary of the run before" "$(summary r1) $(summary r2)" "finished :1 :1 finished :2 :0"
raw del "$T:run:r1:result" >/dev/null
check "run_summary, result gone" "$(summary r1)" "unknown"

# ===== reminder_explain =====
raw flushall >/dev/null
explain() { ev reminder_explain "$T:vehicle:$1" "$T:customer:$2" "$T:attempt:$1" "$S" "$T:run:covered" "$LAST" "$T:run:current" , "$T" "$1"; }  # veh cust
check "explain, no vehicle" "$(explain v1 c1)" "[]"
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
check "explain, nothing else known" "$(explain v1 c1)" \
    "c1 Avanza B 1 AA 2026-04-01 nil nil nil 2026-01-01 nil nil nil Budi 628111 nil nil nil nil nil nil nil nil nil nil 0"
raw hset "$T:vehicle:v1" reminded_for 2026-04-01 reminded_on 2026-03-30 do_not_contact 1 \
    last_error 'Device offline' last_error_code 0 last_error_at "$N1" >/dev/null
raw hset "$T:attempt:v1" cycle 2026-04-01 run r9 >/dev/null
raw hset "$S" enabled 1 next_run 87400 >/dev/null
raw hset "$LAST" as_of 2026-03-29 dry_run 0 >/dev/null
check "explain, everything, covered day from run:last" "$(explain v1 c1)" \
    "c1 Avanza B 1 AA 2026-04-01 2026-04-01 2026-03-30 1 2026-01-01 Device offline 0 $N1 Budi 628111 2026-04-01 r9 1 87400 2026-03-29 nil nil nil nil nil 0"
raw set "$T:run:covered" 2026-03-31 >/dev/null
check "explain, covered day" "$(explain v1 c1 | awk '{print $(NF-6)}')" "2026-03-31"
check "explain, another customer's key" "$(explain v1 c2)" \
    "c1 Avanza B 1 AA 2026-04-01 2026-04-01 2026-03-30 1 2026-01-01 Device offline 0 $N1 nil nil 2026-04-01 r9 1 87400 2026-03-31 nil nil nil nil nil 0"
check "explain writes nothing" "$(raw dbsize)" "9"
# The run in progress, and whether it has handled the vehicle.
raw hset "$T:run:current" id r5 as_of 2026-03-30 window_from 2026-03-29 dry_run 0 paused_until 87000 >/dev/null
check "explain, a run in progress" "$(explain v1 c1 | awk '{print $(NF-5), $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF}')" \
    "r5 2026-03-30 2026-03-29 0 87000 0"
raw sadd "$T:run:r5:done" v1 >/dev/null
check "explain, a run in progress that handled it" "$(explain v1 c1 | awk '{print $NF}')" "1"

# ===== status =====
raw flushall >/dev/null
check "status, nothing yet" "$(status)" "nil nil nil nil nil :0"
tick 1000 w1 5000 1 7 30 1000 >/dev/null
check "status, schedule only" "$(status)" "1 7 30 1000 nginx.conf :0"
rbegin w1 r1 2026-04-01 0 1 "$N1" 87400 5000 >/dev/null
check "status, run in progress" "$(status)" "1 7 30 87400 nginx.conf :1"
progress r1 w1 $D0 a1 1 1 0 0 0 0 3600 a1 '{}' >/dev/null
finish r1 w1 "$N2" >/dev/null
check "status after a run" "$(status | tr ' ' '\n' | tail -n +7 | paste -d= - - | sort | paste -sd' ') $(status | cut -d' ' -f1-6)" \
    "as_of=2026-04-01 cursor_day=$D0 cursor_member=a1 customers=0 dry=0 dry_run=0 failed=0 finished_at=$N2 id=r1 manual=1 sent=1 skipped=0 started_at=$N1 total=1 unknown=0 window_from=2026-04-01 1 7 30 87400 nginx.conf :0"
raw hset "$S" enabled 0 source api >/dev/null
check "status, stopped by the API" "$(status | cut -d' ' -f1-6)" "0 7 30 87400 api :0"

# ===== schedule_apply =====
raw flushall >/dev/null
checkp "apply bad schedule" "$(apply '7:00 on' 1000 L1)" "ERR schedule_apply: bad schedule"
checkp "apply bad hour" "$(apply '24:00 on' 1000 L1)" "ERR schedule_apply: bad schedule"
checkp "apply bad minute" "$(apply '07:60 on' 1000 L1)" "ERR schedule_apply: bad schedule"
checkp "apply bad switch" "$(apply '07:00 of' 1000 L1)" "ERR schedule_apply: bad schedule"
checkp "apply bad next_run" "$(apply '07:00 on' 1e3 L1)" "ERR schedule_apply: bad next_run"
checkp "apply bad load id" "$(apply '07:00 on' 1000 '')" "ERR schedule_apply: bad load id"
check "bad applies write nothing" "$(cmd exists "$S")" ":0"
check "apply creates the schedule" "$(apply '07:00 off' 1000 L1)" "created 0 7 0 nginx.conf \"\""
check "created schedule" "$(hash "$S")" \
    "config=07:00 off config_load=L1 enabled=0 hour=7 minute=0 next_run=1000 source=nginx.conf"
check "another worker of the same load" "$(apply '07:00 off' 1000 L1)" "seen 0 7 0 nginx.conf 07:00 off"
check "a reload, unchanged" "$(apply '07:00 off' 2000 L2)" "kept 0 7 0 nginx.conf 07:00 off"
check "kept: only the load recorded" "$(hash "$S")" \
    "config=07:00 off config_load=L2 enabled=0 hour=7 minute=0 next_run=1000 source=nginx.conf"
raw hset "$S" enabled 1 hour 9 minute 15 next_run 3000 source api >/dev/null
check "a reload keeps what the API set" "$(apply '07:00 off' 2000 L3)" "kept 1 9 15 api 07:00 off"
check "the API's schedule stays" "$(raw hmget "$S" enabled hour minute next_run source config | paste -sd' ')" \
    "1 9 15 3000 api 07:00 off"
check "a reload with another schedule applies it" "$(apply '21:34 on' 4000 L4)" "applied 1 21 34 nginx.conf 07:00 off"
check "applied schedule" "$(hash "$S")" \
    "config=21:34 on config_load=L4 enabled=1 hour=21 minute=34 next_run=4000 source=nginx.conf"
check "the same load again" "$(apply '21:34 on' 5000 L4)" "seen 1 21 34 nginx.conf 21:34 on"
# Two instances: each start applies its own schedule once; ticks never do.
check "the other instance starts" "$(apply '08:15 on' 5000 M1)" "applied 1 8 15 nginx.conf 21:34 on"
check "its second worker" "$(apply '08:15 on' 5000 M1)" "seen 1 8 15 nginx.conf 08:15 on"
tick 100 w1 5000 1 21 34 4000 >/dev/null
check "ticks do not apply" "$(raw hmget "$S" hour minute config | paste -sd' ')" "8 15 08:15 on"
# A schedule an earlier version wrote has no config: kept.
raw del "$S" >/dev/null
raw hset "$S" enabled 1 hour 9 minute 15 next_run 3000 >/dev/null
check "adopted: kept, differs" "$(apply '07:00 off' 6000 N1)" "adopted 1 9 15 api \"\""
check "adopted schedule" "$(hash "$S")" \
    "config=07:00 off config_load=N1 enabled=1 hour=9 minute=15 next_run=3000 source=api"
raw del "$S" >/dev/null
raw hset "$S" enabled 0 hour 7 minute 0 >/dev/null
check "adopted: the same schedule" "$(apply '07:00 off' 6000 N2)" "adopted 0 7 0 nginx.conf \"\""
check "adopted: missing fields filled" "$(hash "$S")" \
    "config=07:00 off config_load=N2 enabled=0 hour=7 minute=0 next_run=6000 source=nginx.conf"
raw del "$S" >/dev/null
raw hset "$S" enabled 0 source api >/dev/null
check "adopted: a stop on an empty Redis" "$(apply '07:00 on' 6000 N3)" "adopted 0 7 0 api \"\""

# ===== a report whose frequency is 0 is deleted with exact statistics =====
# Lua's -0 (negating a frequency of 0) is not an integer to HINCRBY.
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v2 c1 Jazz 'B 2 BB' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v3 c2 Brio 'B 3 CC' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
rec c1 v1 m1 r1 "$N1" >/dev/null
rec c1 v1 m2 rX "$N1" >/dev/null
rec c1 v2 m3 r2 "$N1" >/dev/null
rec c2 v3 m4 r3 "$N1" >/dev/null
check "customer reset before delete" "$(reset c1 "$N2" -inf 10)" ":2 2 :0"
check "stats with two reports at 0" "$(stats)" ":3 :1 :0 :2 :1 :1"
check "delete a report reset to 0" "$(rdel r1)" ":1"
check "stats after deleting a report at 0" "$(stats)" ":2 :1 :0 :1 :1 :1"
check "report at 0 gone from every index" \
    "$(cmd exists "$T:report:c1:v1") $(cmd zrange "$T:customer:c1:reports" 0 -1) $(cmd hexists "$T:report-ids" r1)" ":0 v2 :0"
consistent "delete at 0"
check "full reset before delete" "$(reset '' "$N3" -inf 10)" ":2 3 :0"
check "delete the other report at 0" "$(rdel r3)" ":1"
check "delete the last report at 0" "$(rdel r2)" ":1"
check "no statistics left" "$(stats) $(cmd exists "$T:stats:freq")" ":0 :0 :0"
consistent "delete all at 0"

# ===== every script's error paths write nothing =====
# Each refused call must leave the data set as it was (DEBUG DIGEST), and
# once the fault is mended the statistics still equal a full recount.
raw flushall >/dev/null
cput c1 'Budi' '628111' 'Jl. A' "$N1" >/dev/null
cput c2 'Sari' '628222' 'Jl. C' "$N1" >/dev/null
cput c3 'Rina' '628333' 'Jl. D' "$N1" >/dev/null
vput v1 c1 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v2 c1 Jazz 'B 2 BB' 2026-01-02 2026-04-02 20545 "$N1" >/dev/null
vput v3 c2 Brio 'B 3 CC' 2026-01-01 2026-04-01 20544 "$N1" >/dev/null
vput v4 c2 Ayla 'B 4 DD' 2026-01-03 2026-04-03 20546 "$N1" >/dev/null
rec c1 v1 m1 r1 "$N1" >/dev/null
rec c1 v1 m2 rX "$N1" >/dev/null
reset c1 "$N1" -inf 10 >/dev/null
rec c2 v3 m3 r2 "$N1" >/dev/null
for i in 4 5 6; do rec c1 v2 "m$i" r3 "$N1" >/dev/null; done
raw set "$L" w1 px 600000 >/dev/null
rbegin w1 r1 2026-04-01 0 0 "$N1" '' 600000 >/dev/null
progress r1 w1 20544 v1 1 1 0 0 0 0 3600 v1 '{}' >/dev/null
raw hset "$T:attempt:v1" cycle 2026-04-01 run r1 started_at "$N1" >/dev/null
check "error-path fixture" "$(stats) $(counts)" ":3 :4 :0 :1 :1 :1 :3 :1 3 4"

# Customers and vehicles in T:stats equal the hashes there are.
recount_counts() {
    local c v
    c=$(raw --scan --pattern "$T:customer:*" | grep -cvE ':(vehicles|reports)$')
    v=$(raw --scan --pattern "$T:vehicle:*" | grep -c .)
    echo "$c $v"
}
settled() { # label
    consistent "$1"
    check "$1: customers and vehicles = recount" "$(counts)" "$(recount_counts)"
}
# refused label error-prefix command...: the call fails and writes nothing.
refused() {
    local label=$1 want=$2 before got
    shift 2
    before=$(raw debug digest)
    got=$("$@")
    checkp "$label" "$got" "$want"
    check "$label: nothing written" "$(raw debug digest)" "$before"
}
# A key replaced by a value of another type (a string, or a hash for
# string keys) until mend_type puts it back.
break_type() { # key [hash]
    [ "$(raw exists "$1")" = 1 ] && raw rename "$1" "bak:$1" >/dev/null
    if [ "${2:-}" = hash ]; then raw hset "$1" corrupt 1 >/dev/null; else raw set "$1" corrupt >/dev/null; fi
}
mend_type() {
    raw del "$1" >/dev/null
    [ "$(raw exists "bak:$1")" = 1 ] && raw rename "bak:$1" "$1" >/dev/null
    return 0
}
# A hash field set to a value ("" removes it) until mend_field.
break_field() { # key field value
    BROKEN=("$1" "$2" "$(raw hexists "$1" "$2")" "$(raw hget "$1" "$2")")
    if [ -z "$3" ]; then raw hdel "$1" "$2" >/dev/null; else raw hset "$1" "$2" "$3" >/dev/null; fi
}
mend_field() {
    if [ "${BROKEN[2]}" = 1 ]; then raw hset "${BROKEN[0]}" "${BROKEN[1]}" "${BROKEN[3]}" >/dev/null
    else raw hdel "${BROKEN[0]}" "${BROKEN[1]}" >/dev/null; fi
}
ST=$T:stats
FQ=$T:stats:freq

# customer_put
refused "customer_put missing now" "ERR customer_put: missing arguments" \
    ev customer_put "$T:customer:c9" "$ST" , c9 N 628 A
break_type "$ST"
refused "customer_put, T:stats a string" "ERR customer_put: a key holds another type" cput c9 N 628999 A "$N2"
mend_type "$ST"
break_field "$ST" customers x
refused "customer_put, customers not an integer" "ERR customer_put: customers is not an integer" cput c9 N 628999 A "$N2"
mend_field
break_type "$T:customer:c9"
refused "customer_put, customer a string" "ERR customer_put: a key holds another type" cput c9 N 628999 A "$N2"
mend_type "$T:customer:c9"
settled "customer_put errors"

# customer_delete
break_field "$ST" customers 1.5
refused "customer_delete, customers not an integer" "ERR customer_delete: customers is not an integer" cdel c3
mend_field
break_type "$T:customer:c3:vehicles" hash
refused "customer_delete, vehicle set a hash" "ERR customer_delete: a key holds another type" cdel c3
mend_type "$T:customer:c3:vehicles"
break_type "$ST"
refused "customer_delete, T:stats a string" "ERR customer_delete: a key holds another type" cdel c3
mend_type "$ST"
settled "customer_delete errors"

# vehicle_put
refused "vehicle_put missing now" "ERR vehicle_put: missing arguments" \
    ev vehicle_put "$T:vehicle:v9" "$T:customer:c1" "$T:customer:c1:vehicles" "$T:due:20600" "$ST" , \
    "$T" v9 c1 M N 2026-01-01 2026-06-01 20600
break_type "$ST"
refused "vehicle_put create, T:stats a string" "ERR vehicle_put: a key holds another type" \
    vput v9 c1 M 'B 9' 2026-01-01 2026-06-01 20600 "$N2"
mend_type "$ST"
break_field "$ST" vehicles abc
refused "vehicle_put create, vehicles not an integer" "ERR vehicle_put: vehicles is not an integer" \
    vput v9 c1 M 'B 9' 2026-01-01 2026-06-01 20600 "$N2"
mend_field
break_type "$T:due:20600"
refused "vehicle_put, new due set a string" "ERR vehicle_put: a key holds another type" \
    vput v9 c1 M 'B 9' 2026-01-01 2026-06-01 20600 "$N2"
mend_type "$T:due:20600"
break_type "$T:due:20544"
refused "vehicle_put moving days, old due set a string" "ERR vehicle_put: a key holds another type" \
    vput v1 c2 Avanza 'B 1 AA' 2026-01-01 2026-04-03 20546 "$N2"
mend_type "$T:due:20544"
break_type "$T:customer:c1:vehicles"
refused "vehicle_put moving customers, old set a string" "ERR vehicle_put: a key holds another type" \
    vput v1 c2 Avanza 'B 1 AA' 2026-01-01 2026-04-01 20544 "$N2"
mend_type "$T:customer:c1:vehicles"
break_type "$T:customer:c2:vehicles"
refused "vehicle_put, customer's vehicle set a string" "ERR vehicle_put: a key holds another type" \
    vput v2 c2 Jazz 'B 2 BB' 2026-01-02 2026-04-02 20545 "$N2"
mend_type "$T:customer:c2:vehicles"
settled "vehicle_put errors"

# vehicle_delete
refused "vehicle_delete missing tag" "ERR vehicle_delete: missing tag" ev vehicle_delete "$T:vehicle:v2" "$ST"
break_type "$T:due:20545"
refused "vehicle_delete, due set a string" "ERR vehicle_delete: a key holds another type" vdel v2
mend_type "$T:due:20545"
break_type "$T:customer:c1:vehicles" hash
refused "vehicle_delete, vehicle set a hash" "ERR vehicle_delete: a key holds another type" vdel v2
mend_type "$T:customer:c1:vehicles"
break_field "$ST" vehicles 2.0
refused "vehicle_delete, vehicles not an integer" "ERR vehicle_delete: vehicles is not an integer" vdel v2
mend_field
settled "vehicle_delete errors"

# record
refused "record ttl 1.5" "ERR record: bad mark ttl" rec c2 v4 m10 r10 "$N2" 1.5
refused "record ttl 1e3" "ERR record: bad mark ttl" rec c2 v4 m10 r10 "$N2" 1e3
refused "record empty now" "ERR record: missing arguments" rec c2 v4 m10 r10 "" 3600
break_type "$T:reports"
refused "record create, T:reports a string" "ERR record: KEYS[2] holds another type" rec c2 v4 m10 r10 "$N2"
mend_type "$T:reports"
break_type "$T:report-ids"
refused "record create, T:report-ids a string" "ERR record: KEYS[3] holds another type" rec c2 v4 m10 r10 "$N2"
mend_type "$T:report-ids"
break_type "$T:customer:c2:reports"
refused "record create, customer index a string" "ERR record: KEYS[4] holds another type" rec c2 v4 m10 r10 "$N2"
mend_type "$T:customer:c2:reports"
raw set "$T:seq" x >/dev/null
refused "record create, seq not an integer" "ERR record: a counter is not an integer" rec c2 v4 m10 r10 "$N2"
raw set "$T:seq" 3 >/dev/null
break_field "$ST" reports 3.0
refused "record create, reports not an integer" "ERR record: a counter is not an integer" rec c2 v4 m10 r10 "$N2"
mend_field
break_field "$FQ" 1 one
refused "record create, frequency 1 count not an integer" "ERR record: a counter is not an integer" rec c2 v4 m10 r10 "$N2"
mend_field
break_field "$FQ" 3 x
refused "record update, count of the old frequency not an integer" "ERR record: a counter is not an integer" \
    rec c1 v2 m10 r10 "$N2"
mend_field
break_field "$FQ" 4 1e1
refused "record update, count of the new frequency not an integer" "ERR record: a counter is not an integer" \
    rec c1 v2 m10 r10 "$N2"
mend_field
break_field "$T:report:c2:v3" frequency abc
refused "record update, frequency not an integer" "ERR record: a counter is not an integer" rec c2 v3 m10 r10 "$N2"
mend_field
break_field "$ST" messages 99999999999999999999
refused "record update, messages too large" "ERR record: a counter is not an integer" rec c2 v3 m10 r10 "$N2"
mend_field
break_field "$T:report:c2:v3" id ""
refused "record update, report without an id" "ERR record: report without an id" rec c2 v3 m10 r10 "$N2"
mend_field
break_type "$T:deliveries"
refused "reminder record, deliveries a string" "ERR record: KEYS[12] holds another type" \
    recr c1 v1 m10 r10 "$N2" 2026-04-01 2026-03-30 cloud r1 wamid.10
mend_type "$T:deliveries"
break_type "$T:report:c1:v1"
refused "reminder record, duplicate with the report a string" "ERR record: KEYS[1] holds another type" \
    recr c1 v1 m1 r10 "$N2" 2026-04-01 2026-03-30 cloud r1 wamid.10
mend_type "$T:report:c1:v1"
check "record errors keep the attempt" "$(cmd exists "$T:attempt:v1")" ":1"
settled "record errors"

# report_delete
refused "report_delete missing id" "ERR report_delete: missing arguments" \
    ev report_delete "$T:report-ids" "$T:reports" "$ST" "$FQ" , "$T"
break_field "$FQ" 1 x
refused "report_delete, count of its frequency not an integer" "ERR report_delete: a statistics counter is not an integer" rdel r2
mend_field
break_field "$ST" messages -0
refused "report_delete, messages -0" "ERR report_delete: a statistics counter is not an integer" rdel r2
mend_field
break_field "$T:report:c2:v3" frequency 2.5
refused "report_delete, frequency 2.5" "ERR report_delete: frequency is not an integer" rdel r2
mend_field
break_type "$T:customer:c2:reports"
refused "report_delete, customer index a string" "ERR report_delete: customer index is not a zset" rdel r2
mend_type "$T:customer:c2:reports"
break_type "$T:reports"
refused "report_delete, T:reports a string" "ERR report_delete: a key holds another type" rdel r2
mend_type "$T:reports"
break_type "$T:report:c2:v3"
refused "report_delete, report a string" "ERR report_delete: report is not a hash" rdel r2
mend_type "$T:report:c2:v3"
settled "report_delete errors"

# reset
break_type "$T:report:c1:v2"
refused "reset, second report of the chunk a string" "ERR reset: a report is not a hash" reset c1 "$N4" -inf 10
mend_type "$T:report:c1:v2"
break_field "$T:report:c1:v2" frequency 1e3
refused "reset, second frequency 1e3" "ERR reset: a frequency is not an integer" reset c1 "$N4" -inf 10
mend_field
break_field "$FQ" 3 x
refused "reset, count of a frequency not an integer" "ERR reset: a statistics counter is not an integer" reset '' "$N4" -inf 10
mend_field
break_field "$FQ" 0 zero
refused "reset, count of 0 not an integer" "ERR reset: a statistics counter is not an integer" reset '' "$N4" -inf 10
mend_field
break_field "$ST" messages 4.0
refused "reset, messages not an integer" "ERR reset: a statistics counter is not an integer" reset '' "$N4" -inf 10
mend_field
refused "reset missing customer argument" "ERR reset: missing arguments" \
    ev reset "$T:reports" "$ST" "$FQ" , "$T" "$N4" -inf 10
refused "reset limit 1.5" "ERR reset: bad limit" reset '' "$N4" -inf 1.5
settled "reset errors"

# attempt_begin, attempt_fail
refused "attempt_begin ttl 1e300" "ERR attempt_begin: bad ttl" abegin v2 w1 r1 2026-04-02 "$N2" 1e300 once 2026-03-31
refused "attempt_begin ttl 0x10" "ERR attempt_begin: bad ttl" abegin v2 w1 r1 2026-04-02 "$N2" 0x10 once 2026-03-31
break_type "$T:vehicle:v2"
refused "attempt_begin, vehicle a string" "WRONGTYPE" abegin v2 w1 r1 2026-04-02 "$N2" 60 once 2026-03-31
mend_type "$T:vehicle:v2"
break_type "$ST"
refused "attempt_fail, T:stats a string" "ERR attempt_fail: a key holds another type" afail v1 c1 boom 500 "$N2" 0
mend_type "$ST"
break_field "$ST" failures many
refused "attempt_fail, failures not an integer" "ERR attempt_fail: failures is not an integer" afail v1 c1 boom 500 "$N2" 0
mend_field
break_type "$T:report:c1:v1"
refused "attempt_fail, report a string" "ERR attempt_fail: a key holds another type" afail v1 c1 boom 500 "$N2" 1
mend_type "$T:report:c1:v1"
refused "attempt_fail missing arguments" "ERR attempt_fail: missing arguments" afail v1 c1 boom
check "attempt kept after refused attempt_fail" "$(cmd exists "$T:attempt:v1")" ":1"
# attempt_release: its own attempt first, then a key of another type: the
# call fails before deleting anything.
raw hset "$T:attempt:own1" cycle 2026-04-02 run r7 started_at "$N2" owner w7 >/dev/null
raw set "$T:attempt:str1" corrupt >/dev/null
refused "attempt_release, an attempt a string" "WRONGTYPE" arel r7 w7 own1 str1
check "attempt_release refused: its own attempt kept" "$(cmd exists "$T:attempt:own1")" ":1"
raw del "$T:attempt:own1" "$T:attempt:str1" >/dev/null
settled "attempt errors"

# lease_renew, run_begin, run_progress, run_finish, tick
refused "lease_renew ms 1e300" "ERR lease_renew: bad lease ms" renew w1 1e300
break_type "$L" hash
refused "lease_renew, lease a hash" "WRONGTYPE" renew w1 9000
mend_type "$L"
refused "run_begin ms 1e300" "ERR run_begin: bad lease ms" rbegin w1 r9 2026-04-01 0 0 "$N2" '' 1e300
raw rename "$C" "bak:$C" >/dev/null
raw rename "$L" "bak:$L" >/dev/null
break_type "$S"
refused "run_begin, schedule a string" "ERR run_begin: a key holds another type" rbegin w1 r9 2026-04-01 0 0 "$N2" 5000 5000
mend_type "$S"
raw rename "bak:$C" "$C" >/dev/null
raw rename "bak:$L" "$L" >/dev/null
refused "run_progress counter -0" "ERR run_progress: bad counter" progress r1 w1 20545 v2 -0 0 0 0 0 0 3600
refused "run_progress counter 01" "ERR run_progress: bad counter" progress r1 w1 20545 v2 01 0 0 0 0 0 3600
refused "run_progress ttl 1e300" "ERR run_progress: bad ttl" progress r1 w1 20545 v2 1 0 0 1 0 0 1e300 v2 '{}'
break_field "$C" skipped x
refused "run_progress, run counter not an integer" "ERR run_progress: a run counter is not an integer" \
    progress r1 w1 20545 v2 1 0 0 1 0 0 3600 v2 '{}'
mend_field
break_type "$T:run:r1:details"
refused "run_progress, details a string" "ERR run_progress: a key holds another type" \
    progress r1 w1 20545 v2 1 0 0 1 0 0 3600 v2 '{}'
mend_type "$T:run:r1:details"
break_type "$T:run:r1:done"
refused "run_progress, done set a string" "ERR run_progress: a key holds another type" \
    progress r1 w1 20545 v2 1 0 0 1 0 0 3600 v2 '{}'
mend_type "$T:run:r1:done"
break_type "$C"
refused "run_finish, run a string" "WRONGTYPE" finish r1 w1 "$N2"
mend_type "$C"
break_type "$ST"
refused "run_finish, T:stats a string" "WRONGTYPE" finish r1 w1 "$N2"
mend_type "$ST"
refused "run_finish missing finished_at" "ERR run_finish: bad finished_at" \
    ev run_finish "$L" "$C" "$LAST" "$ST" "$T:run:r1:result" "$T:run:covered" , w1
refused "run_finish ttl 1e300" "ERR run_finish: bad ttl" finish r1 w1 "$N2" 1e300
refused "tick schedule 7:00" "ERR tick: bad default schedule" \
    ev tick "$S" "$L" "$C" , 1000 w2 5000 1 7 30 1000 '7:30 on'
refused "tick without its schedule text" "ERR tick: bad default schedule" \
    ev tick "$S" "$L" "$C" , 1000 w2 5000 1 7 30 1000
refused "schedule_apply next_run 1e9" "ERR schedule_apply: bad next_run" apply '07:00 on' 1e9 Z1
refused "schedule_apply 7:00" "ERR schedule_apply: bad schedule" apply '7:00 on' 1000 Z1
refused "tick lease ms 1e300" "ERR tick: bad lease ms" tick 1000 w2 1e300 1 7 30 1000
refused "tick hour 7.0" "ERR tick: bad default schedule" tick 1000 w2 5000 1 7.0 30 1000
refused "tick next_run 1e9" "ERR tick: bad default schedule" tick 1000 w2 5000 1 7 30 1e9
break_type "$S"
refused "tick, schedule a string" "ERR tick: a key holds another type" tick 1000 w2 5000 1 7 30 1000
refused "schedule_apply, schedule a string" "ERR schedule_apply: a key holds another type" \
    apply '07:00 on' 1000 Z1
mend_type "$S"
settled "run errors"

# read-only scripts refuse without writing either
refused "due_batch limit 1.5" "ERR due_batch: bad limit" batch w1 20544 20546 '' '' 1.5 r1
refused "due_batch day 2e4" "ERR due_batch: bad window" batch w1 2e4 20546 '' '' 10 r1
break_type "$T:due:20545"
refused "due_batch, due set a string" "WRONGTYPE" batch w1 20544 20546 '' '' 10 r1
refused "due_list, due set a string" "WRONGTYPE" ev due_list , "$T" 20544 20546 10
mend_type "$T:due:20545"
refused "due_list limit 1.5" "ERR due_list: bad limit" ev due_list , "$T" 20544 20546 1.5
refused "due_list day 2e4" "ERR due_list: bad window" ev due_list , "$T" 2e4 20546 10
break_type "$T:vehicle:v2"
refused "due_list, a vehicle a string" "WRONGTYPE" ev due_list , "$T" 20544 20546 10
mend_type "$T:vehicle:v2"
refused "page limit 1e3" "ERR page: bad limit" page '' list -inf 1e3
break_type "$T:reports"
refused "page, T:reports a string" "WRONGTYPE" page '' list -inf 10
refused "reset, T:reports a string" "ERR reset: a key holds another type" reset '' "$N4" -inf 10
mend_type "$T:reports"
break_type "$FQ"
refused "stats, T:stats:freq a string" "WRONGTYPE" stats
mend_type "$FQ"
break_type "$LAST"
refused "status, run:last a string" "WRONGTYPE" status
refused "run_summary, the result a string" "WRONGTYPE" ev run_summary "$C" "$LAST" , r1
mend_type "$LAST"
settled "read-only errors"
check "error paths leave the fixture's statistics" "$(stats) $(counts)" ":3 :4 :0 :1 :1 :1 :3 :1 3 4"

# shellcheck source=tests/lua/delivery.sh
. "$ROOT/tests/lua/delivery.sh"
# shellcheck source=tests/lua/group.sh
. "$ROOT/tests/lua/group.sh"
# --- suppression: opt_out.lua, opt_out_check.lua, attempt_begin/attempt_fail with a phone ---
OP=6281234567890
OQ=6289876543210
optout() { ev opt_out "$T:optout:$1" "$T:stats" , "${@:2}"; }  # phone opted reason now
ocheck() { local k=(); for p in "$@"; do k+=("$T:optout:$p"); done; ev opt_out_check "${k[@]}"; }
ostats() { raw hmget "$T:stats" opted_out opt_out:stop_word opt_in:start_word opt_out:error_131050 | paste -sd' '; }
raw hdel "$T:stats" opted_out >/dev/null
refused "opt_out bad opted_out" "ERR opt_out: bad opted_out" optout $OP yes stop_word "$N1"
refused "opt_out bad reason" "ERR opt_out: bad reason" optout $OP 1 STOP "$N1"
refused "opt_out no now" "ERR opt_out: bad now" optout $OP 1 stop_word ''
refused "opt_out bad phone key" "ERR opt_out: bad phone key" ev opt_out "$T:optout:62a" "$T:stats" , 1 stop_word "$N1"
refused "opt_out short phone key" "ERR opt_out: bad phone key" ev opt_out "$T:optout:6281" "$T:stats" , 1 stop_word "$N1"
break_type "$T:optout:$OP"
refused "opt_out, key a string" "ERR opt_out: a key holds another type" optout $OP 1 stop_word "$N1"
mend_type "$T:optout:$OP"
raw hset "$T:stats" opted_out x >/dev/null
refused "opt_out, counter not an integer" "ERR opt_out: a counter is not an integer" optout $OP 1 stop_word "$N1"
raw hdel "$T:stats" opted_out >/dev/null
check "opt_out_check, none suppressed" "$(ocheck $OP $OQ)" ":0 :0"
check "opt_out_check, no phones" "$(ocheck)" "[]"
check "opt_out suppresses" "$(optout $OP 1 stop_word "$N1")" ":1"
check "the suppression" "$(hash "$T:optout:$OP") $(cmd ttl "$T:optout:$OP")" "opted_out_at=$N1 reason=stop_word :-1"
check "opt_out again: unchanged, first record kept" "$(optout $OP 1 data_api "$N2") $(hash "$T:optout:$OP")" \
    ":0 opted_out_at=$N1 reason=stop_word"
check "counted once" "$(ostats)" "1 1  "
check "opt_out_check, one suppressed" "$(ocheck $OQ $OP $OP)" ":0 :1 :1"
check "lifting" "$(optout $OP 0 start_word "$N2") $(cmd exists "$T:optout:$OP")" ":1 :0"
check "lifting again: unchanged" "$(optout $OP 0 start_word "$N2")" ":0"
check "counted: out, in" "$(ostats)" "0 1 1 "
raw set "$L" w1 >/dev/null  # the lease is w1's (the delivery checks above leave it otherwise)
abegin o1 w1 r1 $CY "$N1" 604800 once $TD >/dev/null
raw del "$T:attempt:o1" >/dev/null
optout $OQ 1 data_api "$N1" >/dev/null
oabegin() { ev attempt_begin "$L" "$T:attempt:$1" "$T:vehicle:$1" "$T:optout:$2" , "${@:3}"; }  # veh phone owner run cycle now ttl mode today
check "attempt_begin, phone suppressed: opted_out" "$(oabegin o1 $OQ w1 r1 $CY "$N1" 604800 once $TD)" "opted_out"
check "attempt_begin opted_out writes nothing" "$(cmd exists "$T:attempt:o1")" ":0"
check "attempt_begin, phone suppressed, another owner: lost" "$(oabegin o1 $OQ w2 r1 $CY "$N1" 604800 once $TD)" "lost"
check "attempt_begin, phone not suppressed: ok" "$(oabegin o1 $OP w1 r1 $CY "$N1" 604800 once $TD)" "ok"
oafail() { ev attempt_fail "$T:attempt:$1" "$T:report:$2:$1" "$T:vehicle:$1" "$T:stats" "$T:optout:$3" , "${@:4}"; }  # veh cust phone text code now opted
check "attempt_fail, not opted out: phone not suppressed" "$(oafail o1 c1 $OP 'boom' 500 "$N2" 0) $(cmd exists "$T:optout:$OP")" ":1 :0"
check "opted out count before 131050" "$(ostats)" "1 1 1 "
break_type "$T:optout:$OP"
refused "attempt_fail, suppression key a string" "ERR attempt_fail: a key holds another type" oafail o1 c1 $OP 'x' 131050 "$N2" 1
mend_type "$T:optout:$OP"
check "attempt_fail 131050 suppresses the phone" "$(oafail o1 c1 $OP 'opted out' 131050 "$N3" 1) $(hash "$T:optout:$OP")" \
    ":1 opted_out_at=$N3 reason=error_131050"
check "131050 counted" "$(ostats)" "2 1 1 1"
check "attempt_fail 131050 again: first record kept" "$(oafail o1 c1 $OP 'opted out' 131050 "$N4" 1) $(hash "$T:optout:$OP") $(ostats)" \
    ":1 opted_out_at=$N3 reason=error_131050 2 1 1 1"
# ===== send window: run_pause, tick and status while paused =====
raw flushall >/dev/null
pause() { ev run_pause "$L" "$C" , "$@"; }  # owner paused_until
checkp "pause bad owner" "$(pause '' 5000)" "ERR run_pause: bad owner"
checkp "pause bad paused_until" "$(pause w1 5e3)" "ERR run_pause: bad paused_until"
checkp "pause paused_until 0" "$(pause w1 0)" "ERR run_pause: bad paused_until"
check "pause without a run" "$(raw set "$L" w1 px 9000 >/dev/null; pause w1 5000)" ":0"
check "pause without a run keeps the lease" "$(raw get "$L")" "w1"
raw hset "$C" id r1 as_of 2026-04-01 cursor_day '' cursor_member '' >/dev/null
check "pause by another" "$(pause w2 5000)" ":0"
check "another's pause writes nothing" "$(raw get "$L") $(cmd hexists "$C" paused_until)" "w1 :0"
raw set "$C" x >/dev/null
checkp "pause, run a string" "$(pause w1 5000)" "ERR run_pause: a key holds another type"
check "a refused pause keeps the lease" "$(raw get "$L")" "w1"
raw del "$C" >/dev/null
raw hset "$C" id r1 as_of 2026-04-01 cursor_day '' cursor_member '' >/dev/null
check "pause by the owner" "$(pause w1 5000)" ":1"
check "paused: until kept, lease gone" "$(raw hget "$C" paused_until) $(cmd exists "$L")" "5000 :0"
check "status while paused: paused_until last" "$(status)" "nil nil nil nil nil :1 5000"
check "tick before the opening: paused" "$(tick 4999 w2 5000 0 7 30 9999)" "paused 5000"
check "a paused tick takes no lease" "$(cmd exists "$L") $(raw hget "$C" paused_until)" ":0 5000"
check "tick at the opening: resume" "$(tick 5000 w2 5000 0 7 30 9999)" "resume"
check "resume clears paused_until" "$(raw get "$L") $(cmd hexists "$C" paused_until)" "w2 :0"
check "status after the resume" "$(status)" "0 7 30 9999 nginx.conf :1"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
