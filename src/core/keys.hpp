#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wa {

// The longest message id that becomes a key (T:msg:<id>) and a field of the
// deliveries stream, whoever gives it: POST /record's message_id, and a
// provider's id for a reminder it accepted.
constexpr size_t kMaxMessageIdBytes = 256;

// 1..64 characters of [A-Za-z0-9_.:-]; braces would break the hash tag.
bool valid_key_prefix(std::string_view prefix);

// Every key carries the hash tag "{prefix}" so that one Lua script may touch
// any of them on a Redis Cluster.
class Keys {
public:
    explicit Keys(std::string prefix);

    const std::string& tag() const { return tag_; }

    std::string customer(std::string_view id) const;
    std::string customer_vehicles(std::string_view id) const;
    std::string customer_reports(std::string_view id) const;
    std::string vehicle(std::string_view id) const;
    std::string due_day(int64_t day) const;  // {wa}:due:<days since epoch>
    std::string attempt(std::string_view vehicle) const;
    std::string deliveries() const;
    std::string schedule() const;
    std::string run_lease() const;
    std::string run_current() const;
    std::string run_last() const;
    std::string run_covered() const;  // the last day a finished run covered
    std::string run_details(std::string_view run_id) const;
    std::string run_done(std::string_view run_id) const;
    std::string run_result(std::string_view run_id) const;  // the finished run's counters
    std::string report(std::string_view cust, std::string_view veh) const;
    std::string reports() const;
    std::string report_ids() const;
    std::string seq() const;
    std::string stats() const;
    std::string stats_freq() const;
    std::string message(std::string_view message_id) const;
    // Delivery records (lua-compat/status_apply.lua): a provider message id's
    // record, its reports, its pending statuses; a vehicle's history; the
    // counters, overall and per day of the send ("2026-05-04").
    std::string message_record(std::string_view provider_id) const;
    std::string message_reports(std::string_view provider_id) const;
    std::string message_pending(std::string_view provider_id) const;
    std::string report_messages(std::string_view cust, std::string_view veh) const;
    std::string stats_delivery() const;
    std::string stats_delivery_day(std::string_view day) const;
    std::string optout(std::string_view phone) const;  // {wa}:optout:<normalised phone>

private:
    std::string join(std::string_view a) const;
    std::string join(std::string_view a, std::string_view b) const;
    std::string join(std::string_view a, std::string_view b, std::string_view c) const;

    std::string tag_;
};

}  // namespace wa
