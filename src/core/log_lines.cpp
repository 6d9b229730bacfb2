#include "log_lines.hpp"

#include <algorithm>

namespace wa {

LogThrottle::LogThrottle(int64_t interval_ms, size_t capacity)
    : interval_ms_(interval_ms > 0 ? interval_ms : 1), capacity_(capacity > 0 ? capacity : 1) {}

bool LogThrottle::allow(std::string_view cause, int64_t now_ms) {
    auto expired = [&](const Entry& e) { return now_ms - e.written_at >= interval_ms_; };
    for (Entry& e : entries_) {
        if (e.cause == cause) {
            if (!expired(e)) {
                return false;
            }
            e.written_at = now_ms;
            return true;
        }
    }
    if (entries_.size() >= capacity_) {
        auto old = std::find_if(entries_.begin(), entries_.end(), expired);
        if (old == entries_.end()) {
            return false;
        }
        entries_.erase(old);
    }
    entries_.push_back(Entry{std::string(cause), now_ms});
    return true;
}

LogLevel run_finished_level(const RunCounts& c) {
    if (c.failed > 0 && c.sent == 0) {
        return LogLevel::error;
    }
    if (c.failed > 0 || c.unknown > 0) {
        return LogLevel::warn;
    }
    return LogLevel::notice;
}

std::string run_counts_text(const RunCounts& c) {
    return std::to_string(c.total) + " vehicles, " + std::to_string(c.sent) + " sent, "
        + std::to_string(c.failed) + " failed, " + std::to_string(c.skipped) + " skipped, "
        + std::to_string(c.unknown) + " unknown, " + std::to_string(c.dry) + " dry run";
}

std::string local_date_text(Date date, std::string_view zone_name) {
    return format_date(date) + " (" + std::string(zone_name) + ")";
}

}  // namespace wa
