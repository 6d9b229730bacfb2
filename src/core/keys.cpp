#include "keys.hpp"

#include <utility>

namespace wa {

namespace {

constexpr size_t kMaxPrefixLength = 64;

bool is_prefix_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == '.' || c == ':' || c == '-';
}

}  // namespace

bool valid_key_prefix(std::string_view prefix) {
    if (prefix.empty() || prefix.size() > kMaxPrefixLength) {
        return false;
    }

    for (char c : prefix) {
        if (!is_prefix_char(c)) {
            return false;
        }
    }
    return true;
}

Keys::Keys(std::string prefix) : tag_(std::move(prefix)) {
    tag_.insert(0, 1, '{');
    tag_.push_back('}');
}

std::string Keys::join(std::string_view a) const {
    std::string key;
    key.reserve(tag_.size() + 1 + a.size());
    key.append(tag_).append(1, ':').append(a);
    return key;
}

std::string Keys::join(std::string_view a, std::string_view b) const {
    return join(a).append(1, ':').append(b);
}

std::string Keys::join(std::string_view a, std::string_view b, std::string_view c) const {
    return join(a, b).append(1, ':').append(c);
}

std::string Keys::customer(std::string_view id) const { return join("customer", id); }

std::string Keys::customer_vehicles(std::string_view id) const {
    return join("customer", id, "vehicles");
}

std::string Keys::customer_reports(std::string_view id) const {
    return join("customer", id, "reports");
}

std::string Keys::vehicle(std::string_view id) const { return join("vehicle", id); }

std::string Keys::due_day(int64_t day) const { return join("due", std::to_string(day)); }

std::string Keys::attempt(std::string_view vehicle) const { return join("attempt", vehicle); }

std::string Keys::deliveries() const { return join("deliveries"); }

std::string Keys::schedule() const { return join("schedule"); }

std::string Keys::run_lease() const { return join("run", "lease"); }

std::string Keys::run_current() const { return join("run", "current"); }

std::string Keys::run_last() const { return join("run", "last"); }
std::string Keys::run_covered() const { return join("run", "covered"); }

std::string Keys::run_details(std::string_view run_id) const {
    return join("run", run_id, "details");
}

std::string Keys::run_done(std::string_view run_id) const { return join("run", run_id, "done"); }

std::string Keys::run_result(std::string_view run_id) const {
    return join("run", run_id, "result");
}

std::string Keys::report(std::string_view cust, std::string_view veh) const {
    return join("report", cust, veh);
}

std::string Keys::reports() const { return join("reports"); }

std::string Keys::report_ids() const { return join("report-ids"); }

std::string Keys::seq() const { return join("seq"); }

std::string Keys::stats() const { return join("stats"); }

std::string Keys::stats_freq() const { return join("stats", "freq"); }

std::string Keys::message(std::string_view message_id) const { return join("msg", message_id); }

std::string Keys::message_record(std::string_view provider_id) const {
    return join("message", provider_id);
}

std::string Keys::message_reports(std::string_view provider_id) const {
    return join("message", provider_id, "reports");
}

std::string Keys::message_pending(std::string_view provider_id) const {
    return join("message", provider_id, "pending");
}

std::string Keys::report_messages(std::string_view cust, std::string_view veh) const {
    return report(cust, veh).append(":messages");
}

std::string Keys::stats_delivery() const { return join("stats", "delivery"); }

std::string Keys::stats_delivery_day(std::string_view day) const {
    return join("stats", "delivery", day);
}
std::string Keys::optout(std::string_view phone) const { return join("optout", phone); }

}  // namespace wa
