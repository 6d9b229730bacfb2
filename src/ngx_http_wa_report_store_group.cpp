// The Store's calls for grouped reminders (wa_report_group_by customer):
// KEYS and ARGV in the order of customer_due.lua and attempt_begin_group.lua.

#include "ngx_http_wa_report_store_impl.hpp"

namespace wa {

namespace {

using namespace store_detail;

bool decode_customer_due(const redisReply* reply, CustomerDue& out) {
    constexpr size_t width = 13;
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    std::string status = text(e[0]);
    if (status == "too_many") {
        out.too_many = true;
        return true;
    }
    if (status != "ok") {
        return false;
    }
    for (size_t i = 1; i + width <= reply->elements; i += width) {
        out.rows.push_back(due_row_at(e + i));
    }
    return true;
}

bool decode_group_claim(const redisReply* reply, GroupClaim& out) {
    using Status = AttemptClaim::Status;
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    std::string status = text(e[0]);
    if (status == "lost" || status == "opted_out") {
        out.status = status == "lost" ? GroupClaim::Status::lost : GroupClaim::Status::opted_out;
        return true;
    }
    if (status != "ok") {
        return false;
    }
    for (size_t i = 1; i + 2 <= reply->elements; i += 2) {
        AttemptClaim& claim = out.vehicles.emplace_back();
        std::string s = text(e[i]);
        if (s == "ok") {
            claim.status = Status::ok;
        } else if (s == "reminded") {
            claim.status = Status::reminded;
        } else if (s == "in_flight") {
            claim.status = Status::in_flight;
            claim.run = text(e[i + 1]);
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

StoreCall* Store::customer_due(const std::string& customer, const std::string& run,
                               int64_t first_day, int64_t last_day, size_t limit,
                               StoreFn<CustomerDue> fn, void* data) {
    return script<CustomerDue, decode_customer_due>(
        Script::customer_due, {keys_.customer_vehicles(customer)},
        {keys_.tag(), std::to_string(first_day), std::to_string(last_day), run,
         std::to_string(limit), customer},
        fn, data);
}

StoreCall* Store::attempt_begin_group(const std::string& owner, const std::string& run,
                                      const std::vector<std::string>& vehicles,
                                      const std::vector<std::string>& cycles,
                                      const std::string& phone, const std::string& now, int64_t ttl,
                                      bool daily, Date today, StoreFn<GroupClaim> fn, void* data) {
    std::vector<std::string> keys = {keys_.run_lease(), keys_.optout(phone)};
    std::vector<std::string> args = {
        owner, run, now, std::to_string(ttl), daily ? "daily" : "once", format_date(today)};
    for (size_t i = 0; i < vehicles.size(); i++) {
        keys.push_back(keys_.attempt(vehicles[i]));
        keys.push_back(keys_.vehicle(vehicles[i]));
        args.push_back(i < cycles.size() ? cycles[i] : std::string());
    }
    return script<GroupClaim, decode_group_claim>(Script::attempt_begin_group, keys, args, fn,
                                                  data);
}

}  // namespace wa
