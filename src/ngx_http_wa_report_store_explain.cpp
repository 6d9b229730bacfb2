// The Store's call for GET .../customer/{c}/vehicle/{v}/reminder: one
// read-only script (reminder_explain.lua).

#include "ngx_http_wa_report_store_impl.hpp"

#include "core/explain.hpp"

namespace wa {

namespace {

using namespace store_detail;

bool decode_explain(const redisReply* reply, ExplainRecord& out) {
    constexpr size_t width = 24;
    if (reply->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    if (reply->elements == 0) {
        return true;  // no such vehicle
    }
    if (reply->elements < width) {
        return false;
    }
    redisReply* const* e = reply->element;
    out.vehicle_exists = true;
    DueRow& row = out.row;
    row.customer_id = text(e[0]);
    row.model = text(e[1]);
    row.nopol = text(e[2]);
    row.next_visit_date = text(e[3]);
    row.reminded_for = text(e[4]);
    row.reminded_on = text(e[5]);
    row.do_not_contact = text(e[6]) == "1";
    out.last_visit_date = text(e[7]);
    out.last_error = text(e[8]);
    out.last_error_code = text(e[9]);
    out.last_error_at = text(e[10]);
    row.customer_name = optional_text(e[11]);
    row.customer_phone = text(e[12]);
    row.attempt_cycle = optional_text(e[13]);
    row.attempt_run = text(e[14]);
    out.schedule_enabled = text(e[15]) == "1";
    std::optional<std::string> next = optional_text(e[16]);
    if (next && !next->empty()) {
        out.next_run = std::strtoll(next->c_str(), nullptr, 10);
    }
    out.covered = text(e[17]);
    ExplainRecord::CurrentRun& run = out.current;
    run.id = text(e[18]);
    run.as_of = text(e[19]);
    run.window_from = text(e[20]);
    run.dry_run = text(e[21]) == "1";
    run.paused_until = std::strtoll(text(e[22]).c_str(), nullptr, 10);
    run.handled = text(e[23]) == "1";
    return true;
}

}  // namespace

StoreCall* Store::reminder_explain(const std::string& customer, const std::string& vehicle,
                                   StoreFn<ExplainRecord> fn, void* data) {
    return script<ExplainRecord, decode_explain>(
        Script::reminder_explain,
        {keys_.vehicle(vehicle), keys_.customer(customer), keys_.attempt(vehicle), keys_.schedule(),
         keys_.run_covered(), keys_.run_last(), keys_.run_current()},
        {keys_.tag(), vehicle}, fn, data);
}

}  // namespace wa
