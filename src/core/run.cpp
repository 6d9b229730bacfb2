#include "run.hpp"

#include "optout.hpp"
#include "phone.hpp"

namespace wa {

namespace {

bool in_window(Date first, Date as_of, Date next_visit, int lead_days) {
    return days_between(first, next_visit) >= 0 && days_between(as_of, next_visit) < lead_days;
}

DueDecision skip(DueDecision d, std::string_view code, const char* status, std::string reason) {
    d.action = DueDecision::Action::skip;
    d.code = code;
    d.detail.status = status;
    d.detail.reason = std::move(reason);
    return d;
}

}  // namespace

DueDecision classify_due(const DueRow& row, Date as_of, int lead_days, RemindMode mode,
                         Date window_first) {
    DueDecision d;
    Date first = days_between(window_first, as_of) > 0 ? window_first : as_of;
    if (row.handled) {
        return d;
    }
    RunDetail& detail = d.detail;
    detail.no_pol = row.nopol;
    detail.customer_nama = row.customer_name.value_or("");
    detail.customer_hp = row.customer_phone;
    detail.next_visit_date = row.next_visit_date;
    std::optional<Date> next = parse_date(row.next_visit_date);
    detail.days_until_visit = next ? days_between(as_of, *next) : 0;

    if (!row.customer_name) {
        return skip(std::move(d), "no_customer", "skipped", "customer tidak ditemukan");
    }
    if (!next) {
        return skip(std::move(d), "missing_visit_date", "skipped",
                    "data tidak lengkap: tanggal kunjungan kosong");
    }
    if (!in_window(first, as_of, *next, lead_days)) {
        return skip(std::move(d), days_between(first, *next) < 0 ? "visit_passed" : "not_due_until",
                    "skipped", "tanggal kunjungan di luar jangka waktu pengingat");
    }
    if (row.customer_phone.empty()) {
        return skip(std::move(d), "missing_phone", "skipped",
                    "data tidak lengkap: nomor HP kosong");
    }
    if (row.nopol.empty()) {
        return skip(std::move(d), "missing_plate", "skipped",
                    "data tidak lengkap: nomor polisi kosong");
    }
    std::optional<std::string> phone = normalize_phone(row.customer_phone);
    if (!phone) {
        return skip(std::move(d), "invalid_phone", "skipped", "nomor HP tidak valid");
    }
    if (!whatsapp_reachable(*phone)) {
        return skip(std::move(d), "not_mobile", "skipped", "nomor HP bukan nomor seluler");
    }
    if (row.do_not_contact) {
        return skip(std::move(d), "do_not_contact", "skipped",
                    "customer tidak ingin menerima pesan");
    }
    if (row.opted_out) {
        return skip(std::move(d), kOptedOutCode, "skipped", std::string(kOptedOutReason));
    }
    if (mode == RemindMode::once && row.reminded_for == row.next_visit_date) {
        return skip(std::move(d), "already_reminded", "skipped",
                    "sudah diingatkan untuk kunjungan " + row.next_visit_date);
    }
    if (mode == RemindMode::daily && row.reminded_on == format_date(as_of)) {
        return skip(std::move(d), "already_reminded", "skipped", "sudah diingatkan hari ini");
    }
    if (row.attempt_cycle) {
        return skip(std::move(d), "attempt_unknown", "unknown",
                    "percobaan sebelumnya (run " + row.attempt_run + ") belum diketahui hasilnya");
    }

    d.action = DueDecision::Action::send;
    d.code = "will_send";
    d.phone = std::move(*phone);
    d.cycle = row.next_visit_date;
    d.fields.customer_name = *row.customer_name;
    d.fields.vehicle_nopol = row.nopol;
    d.fields.vehicle_model = row.model;
    d.fields.next_visit = *next;
    return d;
}

void count_finished(RunCounts& counts, std::string_view status) {
    counts.total++;
    if (status == "sent") {
        counts.sent++;
    } else if (status == "failed") {
        counts.failed++;
    } else if (status == "unknown") {
        counts.unknown++;
    } else if (status == "dry_run") {
        counts.dry++;
    } else {
        counts.skipped++;
    }
}

}  // namespace wa
