# Delivery records: record.lua's message part, status_apply.lua,
# message_history.lua, delivery_stats.lua. Sourced by tests/lua/run.sh (its
# helpers: ev, raw, cmd, hash, check, checkp, record_keys, cput, vput) last,
# on a flushed database.
cmd flushall >/dev/null
DN1=2026-05-04T08:00:00
DDAY=2026-05-04
cput dc1 'Ani' '628555' 'Jl. E' "$DN1" >/dev/null
vput dv1 dc1 Avanza 'B 9 X' 2026-01-01 2026-05-04 20577 "$DN1" >/dev/null
vput dv2 dc1 Xenia 'B 8 Y' 2026-01-01 2026-05-04 20577 "$DN1" >/dev/null
# record with the message part: cust veh mark new-id provider-id [day]
recm() {
    local day=${6:-$DDAY}
    # shellcheck disable=SC2046
    ev record $(record_keys "$1" "$2" "$3") "$T:attempt:$2" "$T:deliveries" \
        "$T:message:$5" "$T:message:$5:reports" "$T:report:$1:$2:messages" "$T:stats:delivery" \
        "$T:stats:delivery:$day" , "$1" "$2" "$4" "${day}T08:00:00" 3600 2026-05-04 "$day" \
        cloud_api run1 "$5" 7776000
}
mkeys() { echo "$T:message:$1" "$T:message:$1:reports" "$T:message:$1:pending" "$T:stats:delivery"; }
# shellcheck disable=SC2046
sapply() { ev status_apply $(mkeys "$1") , "$T" status "$2" "$3" "${4:-}" "${5:-}" "${6:-}" 604800 "$DN1"; }
# shellcheck disable=SC2046
settle() { ev status_apply $(mkeys "$1") , "$T" settle; }
dstats() { hash "$T:stats:delivery"; }
mstate() { raw hmget "$T:message:$1" status status_at error_code error_title | paste -sd' '; }
history() { ev message_history "$T:report:$1:$2" "$T:report:$1:$2:messages" , "$T" "${3:-50}"; }
DNOW=$(dstats)

# ===== record.lua: the message part =====
check "record with 16 keys is refused" "$(ev record $(record_keys dc1 dv1 mk0) "$T:attempt:dv1" "$T:deliveries" \
    "$T:message:w0" "$T:message:w0:reports" "$T:report:dc1:dv1:messages" "$T:stats:delivery" , \
    dc1 dv1 r0 "$DN1" 3600 2026-05-04 $DDAY cloud_api run1 w0 7776000 | cut -c1-35)" "ERR record: need 10 or 12 keys (17 "
check "message record without a TTL is refused" \
    "$(ev record $(record_keys dc1 dv1 mk0) "$T:attempt:dv1" "$T:deliveries" "$T:message:w0" \
    "$T:message:w0:reports" "$T:report:dc1:dv1:messages" "$T:stats:delivery" "$T:stats:delivery:$DDAY" , \
    dc1 dv1 r0 "$DN1" 3600 2026-05-04 $DDAY cloud_api run1 w0 | cut -c1-46)" "ERR record: bad message record arguments"
cmd set "$T:stats:delivery:$DDAY" x >/dev/null
check "message record over a day key of another type is refused" "$(recm dc1 dv1 mk0 r0 w0 | cut -c1-24)" "ERR record: KEYS[17] hol"
cmd del "$T:stats:delivery:$DDAY" >/dev/null
check "refused message records write nothing" \
    "$(cmd exists "$T:report:dc1:dv1" "$T:msg:mk0" "$T:message:w0" "$T:report:dc1:dv1:messages" "$T:stats:delivery")" ":0"
check "message record counted" "$(recm dc1 dv1 mk1 r1 w1)" "counted r1 dc1 dv1 ${DDAY}T08:00:00 :1 ${DDAY}T08:00:00 ${DDAY}T08:00:00"
check "message saved as accepted" "$(hash "$T:message:w1")" \
    "customer=dc1 day=$DDAY provider=cloud_api report=r1 run=run1 sent_at=${DDAY}T08:00:00 status=accepted vehicle=dv1"
check "message's reports" "$(hash "$T:message:w1:reports")" "dc1:dv1=accepted"
check "message has the TTL" "$(ttl_in "$T:message:w1" 7775000 7776000) $(ttl_in "$T:message:w1:reports" 7775000 7776000)" "yes yes"
check "accepted counted" "$(dstats) / $(hash "$T:stats:delivery:$DDAY")" "accepted=1 / accepted=1"
check "history holds it" "$(raw zrange "$T:report:dc1:dv1:messages" 0 -1 withscores | paste -sd' ')" "w1 1"
check "old report fields unchanged" "$(raw hkeys "$T:report:dc1:dv1" | sort | paste -sd' ')" \
    "created_at frequency id id_customer id_vehicle last_message_date seq updated_at"
check "settle of a message without statuses" "$(settle w1)" ":0"
check "settle changes no counter" "$(dstats)" "accepted=1"

# ===== status_apply.lua =====
check "delivered applied" "$(sapply w1 delivered 1777870100 '' '' utility)" "applied"
check "sent after delivered: stale" "$(sapply w1 sent 1777870000)" "stale"
check "sent again: duplicate" "$(sapply w1 sent 1777870099)" "duplicate"
check "message delivered" "$(mstate w1)" "delivered 1777870100  "
check "pricing kept" "$(raw hget "$T:message:w1" pricing_category)" "utility"
check "delivered counted" "$(dstats)" "accepted=1 delivered=1"
check "report's last status" "$(raw hmget "$T:report:dc1:dv1" last_status last_status_at last_error_code | paste -sd' ')" \
    "delivered 1777870100 "
check "read applied" "$(sapply w1 read 1777870200)" "applied"
check "read counted, delivered once" "$(dstats) / $(hash "$T:stats:delivery:$DDAY")" \
    "accepted=1 delivered=1 read=1 / accepted=1 delivered=1 read=1"
check "failed after read applied" "$(sapply w1 failed 1777870300 131026 'Message undeliverable')" "applied"
check "failed moves the report" "$(dstats)" "accepted=1 delivered=0 failed:131026=1 failed=1 read=0"
check "failed is sticky" "$(sapply w1 read 1777870400) $(sapply w1 delivered 1777870400) $(mstate w1)" \
    "duplicate duplicate failed 1777870300 131026 Message undeliverable"
check "report's last error" "$(raw hmget "$T:report:dc1:dv1" last_status last_error_code last_error_title | paste -sd' ')" \
    "failed 131026 Message undeliverable"

# Every order of the four states ends failed, each message counted once.
perms() { # prefix rest...
    local p=$1; shift
    [ $# -eq 0 ] && { echo "$p"; return; }
    local i a
    for ((i = 1; i <= $#; i++)); do
        local rest=()
        for a in $(seq 1 $#); do [ "$a" -ne "$i" ] && rest+=("${!a}"); done
        perms "$p ${!i}" "${rest[@]}"
    done
}
cmd del "$T:stats:delivery" "$T:stats:delivery:2026-05-05" >/dev/null
n=0; bad=""
while read -r order; do
    n=$((n + 1))
    recm dc1 dv1 "pm$n" rX "p$n" 2026-05-05 >/dev/null
    for s in $order; do sapply "p$n" "$s" $((1777900000 + n)) 131026 'Undeliverable' >/dev/null; done
    [ "$(mstate "p$n")" = "failed $((1777900000 + n)) 131026 Undeliverable" ] || bad+=" $order"
    again=""
    for s in $order; do again+="$(sapply "p$n" "$s" 1 131026 x) "; done
    [ "$again" = "duplicate duplicate duplicate duplicate " ] || bad+=" (again) $order"
done < <(perms "" sent delivered read failed)
check "24 orders of four states" "$n [$bad]" "24 []"
check "24 orders: counters" "$(dstats) / $(hash "$T:stats:delivery:2026-05-05")" \
    "accepted=24 delivered=0 failed:131026=24 failed=24 read=0 / accepted=24 delivered=0 failed:131026=24 failed=24 read=0"
cmd del "$T:stats:delivery" "$T:stats:delivery:2026-05-06" >/dev/null
n=0; bad=""
while read -r order; do
    n=$((n + 1))
    recm dc1 dv1 "qm$n" rX "q$n" 2026-05-06 >/dev/null
    words=""
    for s in $order; do words+="$(sapply "q$n" "$s" $((1777950000 + n)))"; done
    [ "$(mstate "q$n")" = "read $((1777950000 + n))  " ] || bad+=" $order"
    # only the states that move it forward apply
    case "$order" in
    " sent delivered read") [ "$words" = "appliedappliedapplied" ] || bad+=" words:$words" ;;
    " read delivered sent") [ "$words" = "appliedstalestale" ] || bad+=" words:$words" ;;
    esac
done < <(perms "" sent delivered read)
check "6 orders of sent, delivered, read" "$n [$bad]" "6 []"
check "6 orders: read counts as delivered" "$(dstats)" "accepted=6 delivered=6 read=6"
check "history is bounded to 50" "$(raw zcard "$T:report:dc1:dv1:messages") $(raw zrevrange "$T:report:dc1:dv1:messages" 0 0)" "31 q6"

# ===== pending statuses =====
cmd del "$T:stats:delivery" >/dev/null
check "unknown id: pending" "$(sapply w9 delivered 1777980000 '' '' marketing)" "pending"
check "unknown id, same state: duplicate" "$(sapply w9 delivered 1777980001)" "duplicate"
check "unknown id, read: pending" "$(sapply w9 read 1777980050)" "pending"
check "pending kept with a TTL, nothing counted" \
    "$(raw hlen "$T:message:w9:pending") $(ttl_in "$T:message:w9:pending" 604000 604800) $(cmd exists "$T:message:w9" "$T:stats:delivery")" "2 yes :0"
recm dc1 dv2 mk9 r9 w9 >/dev/null
check "counted send: settle applies the pending" "$(settle w9)" ":2"
check "pending applied" "$(mstate w9) $(raw hget "$T:message:w9" pricing_category) $(cmd exists "$T:message:w9:pending")" \
    "read 1777980050   marketing :0"
check "pending counted" "$(dstats) $(raw hget "$T:report:dc1:dv2" last_status)" "accepted=1 delivered=1 read=1 read"
check "settle again changes nothing" "$(settle w9) $(dstats)" ":0 accepted=1 delivered=1 read=1"

# ===== one message, two vehicles =====
cmd del "$T:stats:delivery" >/dev/null
recm dc1 dv1 g1a rX g1 >/dev/null
check "grouped: delivered before the second vehicle" "$(sapply g1 delivered 1777990000)" "applied"
recm dc1 dv2 g1b rX g1 >/dev/null
check "grouped: both reports listed" "$(hash "$T:message:g1:reports")" "dc1:dv1=delivered dc1:dv2=accepted"
check "grouped: settle brings the second up" "$(settle g1) $(hash "$T:message:g1:reports")" ":0 dc1:dv1=delivered dc1:dv2=delivered"
check "grouped: each report counted" "$(dstats)" "accepted=2 delivered=2"
check "grouped: read applies to both" "$(sapply g1 read 1777990100) $(dstats) $(raw hget "$T:report:dc1:dv1" last_status) $(raw hget "$T:report:dc1:dv2" last_status)" \
    "applied accepted=2 delivered=2 read=2 read read"
check "grouped: the message keeps its first vehicle" "$(raw hmget "$T:message:g1" customer vehicle | paste -sd' ')" "dc1 dv1"

# ===== bad arguments change nothing =====
before="$(dstats) $(hash "$T:message:w1") $(hash "$T:message:g1")"
checkp "bad state" "$(sapply g1 seen 1777990000)" "ERR status_apply: bad status arguments"
checkp "bad timestamp" "$(sapply g1 failed 17779.5)" "ERR status_apply: bad status arguments"
checkp "bad mode" "$(ev status_apply $(mkeys g1) , "$T" other)" "ERR status_apply: bad arguments"
checkp "no pending TTL" "$(ev status_apply $(mkeys g1) , "$T" status failed 1 1 x '')" "ERR status_apply: bad status arguments"
cmd hset "$T:stats:delivery" failed x >/dev/null
checkp "a counter that is not an integer" "$(sapply g1 failed 1777990200 131049 x)" "ERR status_apply: a counter is not an integer"
cmd hdel "$T:stats:delivery" failed >/dev/null
cmd set "$T:report:dc1:dv2" x >/dev/null
checkp "a report of another type" "$(sapply g1 failed 1777990200 131049 x)" "ERR status_apply: a report holds another type"
cmd del "$T:report:dc1:dv2" >/dev/null
cmd set "$T:message:g2:pending" x >/dev/null
checkp "a pending key of another type" "$(sapply g2 read 1)" "ERR status_apply: KEYS[3] holds another type"
check "refusals wrote nothing" "$(dstats) $(hash "$T:message:w1") $(hash "$T:message:g1")" "$before"

# ===== message_history.lua, delivery_stats.lua =====
check "history, newest first" "$(history dc1 dv2 2)" \
    ":0 g1 cloud_api ${DDAY}T08:00:00 read 1777990100 \"\" \"\" \"\" w9 cloud_api ${DDAY}T08:00:00 read 1777980050 \"\" \"\" marketing"
check "history of a vehicle without messages" "$(history dc9 dv9)" ":0"
checkp "history limit 51" "$(history dc1 dv1 51)" "ERR message_history: bad arguments"
cmd del "$T:message:q6" >/dev/null
check "an expired record is left out" "$(history dc1 dv1 2 | cut -d' ' -f1,2,10)" ":1 g1 q5"
check "delivery_stats of one key" "$(ev delivery_stats "$T:stats:delivery")" "accepted 2 delivered 2 read 2"
check "delivery_stats of a range" "$(ev delivery_stats "$T:stats:delivery:2026-05-05" "$T:stats:delivery:2026-05-06" "$T:stats:delivery:2026-05-07")" \
    "accepted 30 delivered 6 failed 24 failed:131026 24 read 6"
checkp "delivery_stats, a key of another type" "$(ev delivery_stats "$T:message:g2:pending")" "ERR delivery_stats: KEYS[1] holds another type"

# ===== report_delete.lua takes the history with the report =====
rid=$(raw hget "$T:report:dc1:dv1" id)
check "delete a report with a history" "$(ev report_delete "$T:report-ids" "$T:reports" "$T:stats" "$T:stats:freq" , "$T" "$rid") $(cmd exists "$T:report:dc1:dv1" "$T:report:dc1:dv1:messages")" ":1 :0"
check "its message records stay until they expire" "$(cmd exists "$T:message:w1" "$T:message:g1")" ":2"
# counters as HINCRBY takes them: a leading zero is refused
cmd hset "$T:stats:delivery" read 007 >/dev/null
checkp "a counter with a leading zero" "$(sapply g1 failed 1777990300 131049 x)" "ERR status_apply: a counter is not an integer"
cmd hset "$T:stats:delivery" read 2 >/dev/null
