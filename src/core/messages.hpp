// The delivery records' read side: a vehicle's message history and the
// delivery statistics, as JSON, and the statistics' date range query.
#pragma once

#include "dates.hpp"
#include "delivery.hpp"
#include "input.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wa {

class Zone;

// The most messages a vehicle's history keeps (record.lua trims older ones).
constexpr int64_t kMessageHistoryMax = 50;
// The longest range GET /statistics/delivery sums, in days (inclusive).
constexpr int64_t kDeliveryRangeMaxDays = 366;

// [{"message_id","provider","sent_at","status","status_at","error",
// "pricing_category"}, ...] in the given order (newest first). status_at is
// local ISO in `zone`, null while accepted (0); error is {"code","title"}
// for a failed message, else null; pricing_category null when "".
std::string message_history_json(const std::vector<MessageRecord>& messages, const Zone& zone);

// message_history.lua's answer.
struct MessageHistory {
    bool report_exists = false;
    std::vector<MessageRecord> messages;  // newest first
};

// The counters of T:stats:delivery (or of a range of days), summed.
struct DeliveryStats {
    int64_t accepted = 0;
    int64_t delivered = 0;  // reached delivered or read (and did not fail later)
    int64_t read = 0;
    int64_t failed = 0;
    std::vector<std::pair<std::string, int64_t>> failures_by_code;  // code, count; sorted by code
};

// delivery_stats.lua's field/value pairs: accepted, delivered, read,
// failed, failed:<code>; any other field is ignored, a count that is not
// an integer is 0.
DeliveryStats delivery_stats_from_fields(
    const std::vector<std::pair<std::string, std::string>>& fields);

// A rate with Python's round(x, 4): part / whole, 0.0 when whole is 0.
double delivery_rate(int64_t part, int64_t whole);

// {"accepted":N,"delivered":N,"read":N,"failed":N,"delivery_rate":x,
// "read_rate":x,"failure_rate":x,"failures_by_code":{"131026":N,...},
// "from":"YYYY-MM-DD"|null,"to":...}; rates over accepted (delivery_rate).
std::string delivery_stats_json(const DeliveryStats& stats, std::optional<Date> from,
                                std::optional<Date> to);

// GET /statistics/delivery's query: from and to (YYYY-MM-DD) both or
// neither; to not before from; at most kDeliveryRangeMaxDays days. Errors
// in FastAPI's shape at ["query", "from"|"to"]. Unknown names are the
// route's (named_query_errors).
struct DeliveryRange {
    std::optional<Date> from, to;  // both set, or both empty (every send)
};
Parsed<DeliveryRange> parse_delivery_range(std::string_view query);

}  // namespace wa
