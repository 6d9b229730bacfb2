#!/usr/bin/env bash
# Loads a small demo data set through the data API: customers, vehicles (some
# due for maintenance in the next days) and a few counted messages.
set -eu
base=${1:?usage: [API_KEY=key] demo-data.sh http://127.0.0.1:8000/whatsapp-report}
# The location's write key (wa_report_auth_write key), when it has one.
auth=()
[ -z "${API_KEY:-}" ] || auth=(-H "Authorization: Bearer $API_KEY")

names=("Budi Santoso" "Siti Rahayu" "Agus Nugroho" "Sri Lestari" "Joko Hidayat"
       "Dewi Anggraini" "Rudi Hartono" "Rina Wulandari" "Bambang Susilo" "Fitri Handayani")
phones=("081234567890" "+62 812-1111-2222" "085712345678" "0821 9876 5432" "087525534192"
        "081398765432" "6281311112222" "089612345678" "081577778888" "082233334444")
models=("Avanza" "Xenia" "Ertiga" "Calya" "Brio" "Jazz" "Innova" "Rush" "Sigra" "Ayla")
plates=("B 1234 CD" "D 5537 WW" "N 1212 RW" "L 5314 BH" "DK 2341 JE"
        "AB 8812 KL" "H 4410 TT" "F 1977 GA" "B 9021 XY" "AD 3003 PQ")

today() { TZ=Asia/Jakarta date -d "$1" +%Y-%m-%d; }

cust_id() { printf '00000000-0000-4000-8000-%012d' "$1"; }
veh_id() { printf '00000000-0000-4000-8001-%012d' "$1"; }

ndjson=$(
    for i in $(seq 1 10); do
        n=$((i - 1))
        printf '{"kind":"customer","id":"%s","name":"%s","phone":"%s","address":"Jl. Merdeka No. %d"}\n' \
            "$(cust_id "$i")" "${names[$n]}" "${phones[$n]}" "$i"
    done
    for i in $(seq 1 10); do
        n=$((i - 1))
        if [ "$i" -le 3 ]; then
            # Due for maintenance today, tomorrow and the day after.
            next=$(today "+$((i - 1)) days")
            last=$(today "$next -4 months")
            printf '{"kind":"vehicle","id":"%s","customer_id":"%s","model":"%s","nopol":"%s","last_visit_date":"%s","next_visit_date":"%s"}\n' \
                "$(veh_id "$i")" "$(cust_id "$i")" "${models[$n]}" "${plates[$n]}" "$last" "$next"
        else
            last=$(today "-$((i * 9)) days")
            printf '{"kind":"vehicle","id":"%s","customer_id":"%s","model":"%s","nopol":"%s","last_visit_date":"%s"}\n' \
                "$(veh_id "$i")" "$(cust_id "$i")" "${models[$n]}" "${plates[$n]}" "$last"
        fi
    done
    # A second vehicle for the first customer.
    printf '{"kind":"vehicle","id":"%s","customer_id":"%s","model":"Fortuner","nopol":"B 7777 ZZ","last_visit_date":"%s"}\n' \
        "$(veh_id 11)" "$(cust_id 1)" "$(today '-20 days')"
)

curl -sf -X POST "$base/data/import" "${auth[@]}" -H 'Content-Type: application/x-ndjson' \
    --data-binary "$ndjson" >/dev/null

record() {
    curl -sf -X POST "$base/record" "${auth[@]}" -H 'Content-Type: application/json' \
        -d "{\"id_customer\":\"$(cust_id "$1")\",\"id_vehicle\":\"$(veh_id "$2")\",\"message_id\":\"demo-$3\"}" \
        >/dev/null
}
record 1 1 1; record 1 1 2; record 1 11 3; record 4 4 4; record 5 5 5; record 5 5 6; record 5 5 7
echo "demo data loaded: 10 customers, 11 vehicles, 4 reports"
