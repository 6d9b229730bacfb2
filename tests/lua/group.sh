# Grouped reminders (wa_report_group_by customer): customer_due.lua and
# attempt_begin_group.lua. Sourced by tests/lua/run.sh (its helpers: ev,
# raw, cmd, hash, check, checkp, cput, vput) on a flushed database.
cmd flushall >/dev/null
GN=2026-05-04T08:00:00
cput gc1 'Ani' '0812-555-0101' 'Jl. E' "$GN" >/dev/null
cput gc2 'Budi' '0812-555-0202' 'Jl. F' "$GN" >/dev/null
vput gv2 gc1 Xenia 'B 8 Y' 2026-01-01 2026-05-05 20578 "$GN" >/dev/null
vput gv1 gc1 Avanza 'B 9 X' 2026-01-01 2026-05-04 20577 "$GN" >/dev/null
vput gv3 gc1 Brio 'B 7 Z' 2026-01-01 2026-05-09 20582 "$GN" >/dev/null
vput gv0 gc1 Jazz 'B 6 W' 2026-01-01 2026-05-04 20577 "$GN" >/dev/null
vput gv9 gc2 Ayla 'B 5 V' 2026-01-01 2026-05-04 20577 "$GN" >/dev/null
cdue() { ev customer_due "$T:customer:$1:vehicles" , "$T" "${@:2}" "$1"; }  # cust first last run limit
checkp "customer_due bad window" "$(cdue gc1 x 20579 r1 100)" "ERR customer_due: bad window"
checkp "customer_due bad run" "$(cdue gc1 20577 20579 '' 100)" "ERR customer_due: bad run id"
checkp "customer_due bad limit" "$(cdue gc1 20577 20579 r1 0)" "ERR customer_due: bad limit"
check "customer_due: the customer's vehicles in the window, by day then id" \
    "$(cdue gc1 20577 20579 r1 100)" \
    "ok gv0 gc1 Jazz B 6 W 2026-05-04 nil nil nil Ani 0812-555-0101 nil nil 0 gv1 gc1 Avanza B 9 X 2026-05-04 nil nil nil Ani 0812-555-0101 nil nil 0 gv2 gc1 Xenia B 8 Y 2026-05-05 nil nil nil Ani 0812-555-0101 nil nil 0"
raw sadd "$T:run:r1:done" gv1 >/dev/null
raw hset "$T:attempt:gv2" cycle 2026-05-05 run r0 >/dev/null
check "customer_due: handled and attempt marks shown" \
    "$(cdue gc1 20578 20582 r1 100)" \
    "ok gv2 gc1 Xenia B 8 Y 2026-05-05 nil nil nil Ani 0812-555-0101 2026-05-05 r0 0 gv3 gc1 Brio B 7 Z 2026-05-09 nil nil nil Ani 0812-555-0101 nil nil 0"
check "customer_due: more vehicles than the limit" "$(cdue gc1 20577 20579 r1 3)" "too_many"
check "customer_due: another customer's" "$(cdue gc2 20577 20577 r1 3 | cut -d' ' -f1-3)" "ok gv9 gc2"
check "customer_due: a customer without vehicles" "$(cdue nobody 20577 20577 r1 3)" "ok"
checkp "customer_due bad customer" "$(ev customer_due "$T:customer:gc1:vehicles" , "$T" 20577 20579 r1 100 '')" \
    "ERR customer_due: bad customer"
# Another customer's vehicle in this customer's set (left by another writer)
# is not listed: its message would go to the wrong phone.
alone=$(cdue gc2 20577 20577 r1 3)
raw sadd "$T:customer:gc2:vehicles" gv1 >/dev/null
check "customer_due: a vehicle of another customer in the set" \
    "$(cdue gc2 20577 20577 r1 3)" "$alone"
raw srem "$T:customer:gc2:vehicles" gv1 >/dev/null

# owner run now ttl mode today, then per vehicle its cycle; KEYS from vehicles
gbegin() {
    local phone=$1 n=$2
    shift 2
    local keys=("$T:run:lease" "$T:optout:$phone")
    for v in "${@:1:$n}"; do keys+=("$T:attempt:$v" "$T:vehicle:$v"); done
    ev attempt_begin_group "${keys[@]}" , "${@:$((n + 1))}"
}
raw set "$T:run:lease" w1 >/dev/null
checkp "attempt_begin_group, a cycle missing" \
    "$(gbegin 62812 2 gv0 gv1 w1 r1 "$GN" 600 once 2026-05-04 2026-05-04)" \
    "ERR attempt_begin_group: need 2 keys and 1 cycle per vehicle"
checkp "attempt_begin_group bad ttl" \
    "$(gbegin 62812 1 gv0 w1 r1 "$GN" 0 once 2026-05-04 2026-05-04)" "ERR attempt_begin_group: bad ttl"
checkp "attempt_begin_group bad mode" \
    "$(gbegin 62812 1 gv0 w1 r1 "$GN" 60 weekly 2026-05-04 2026-05-04)" "ERR attempt_begin_group: bad mode"
check "attempt_begin_group, another owner: lost, nothing marked" \
    "$(gbegin 62812 1 gv0 w2 r1 "$GN" 60 once 2026-05-04 2026-05-04) $(cmd exists "$T:attempt:gv0")" "lost :0"
raw set "$T:optout:62812" 1 >/dev/null
check "attempt_begin_group, phone suppressed: nothing marked" \
    "$(gbegin 62812 2 gv0 gv1 w1 r1 "$GN" 60 once 2026-05-04 2026-05-04 2026-05-04) $(cmd exists "$T:attempt:gv0" "$T:attempt:gv1")" \
    "opted_out :0"
raw hset "$T:vehicle:gv1" reminded_for 2026-05-04 >/dev/null
check "attempt_begin_group: each vehicle decided" \
    "$(gbegin 62813 3 gv0 gv1 gv2 w1 r1 "$GN" 60 once 2026-05-04 2026-05-04 2026-05-04 2026-05-05)" \
    "ok ok \"\" reminded \"\" in_flight r0"
check "attempt_begin_group marks only the ok ones" \
    "$(hash "$T:attempt:gv0") $(cmd exists "$T:attempt:gv1") $(raw hget "$T:attempt:gv2" run)" \
    "cycle=2026-05-04 owner=w1 run=r1 started_at=$GN :0 r0"
check "attempt_begin_group again: in flight" \
    "$(gbegin 62813 1 gv0 w1 r2 "$GN" 60 once 2026-05-04 2026-05-04)" "ok in_flight r1"
check "attempt_begin_group daily: reminded today" \
    "$(raw hset "$T:vehicle:gv3" reminded_on 2026-05-04 >/dev/null; gbegin 62813 1 gv3 w1 r1 "$GN" 60 daily 2026-05-04 2026-05-09)" \
    "ok reminded \"\""
raw set "$T:vehicle:gv3" x >/dev/null
checkp "attempt_begin_group, a vehicle a string: nothing marked" \
    "$(gbegin 62813 2 gv9 gv3 w1 r1 "$GN" 60 once 2026-05-04 2026-05-04 2026-05-09)" "WRONGTYPE"
check "attempt_begin_group refused: the first vehicle not marked" "$(cmd exists "$T:attempt:gv9")" ":0"
