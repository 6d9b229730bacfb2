// What the module's own lines in error.log say, and how often: the limit on
// lines that repeat while a cause lasts, and the summary of a reminder run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dates.hpp"

namespace wa {

// Decides which occurrences of a repeating cause (Redis refusing AUTH, a
// Redis error every request meets) are written: the first at once, then at
// most one per interval while it lasts. A cause is a whole string, the
// line's text without the parts that vary per occurrence (a request's line
// number). Not thread-safe; one per connection or worker.
class LogThrottle {
public:
    static constexpr int64_t kIntervalMs = 60000;
    static constexpr size_t kCapacity = 16;

    // interval_ms > 0; capacity > 0: the causes remembered at once.
    explicit LogThrottle(int64_t interval_ms = kIntervalMs, size_t capacity = kCapacity);

    // True: write the line for `cause` now (its time is remembered). False:
    // the same cause was written less than interval_ms before `now_ms`, or
    // `capacity` other causes were, so that at most `capacity` lines are
    // written per interval whatever the causes. now_ms: milliseconds on a
    // clock that does not go back (nginx's ngx_current_msec).
    bool allow(std::string_view cause, int64_t now_ms);

    // Forgets every cause: what they were about has ended, and the next
    // occurrence is news again.
    void clear() { entries_.clear(); }

private:
    struct Entry {
        std::string cause;
        int64_t written_at = 0;
    };

    int64_t interval_ms_;
    size_t capacity_;
    std::vector<Entry> entries_;
};

// A run's counters: vehicles it finished, and how each ended.
struct RunCounts {
    int64_t total = 0, sent = 0, failed = 0, skipped = 0, unknown = 0, dry = 0;
};

enum class LogLevel { notice, warn, error };

// The level of a finished run's summary: error when sends failed and none
// was accepted (a wrong gateway URL, a revoked key), warn when some failed or
// their outcome is unknown, notice otherwise (dry runs and skips included).
LogLevel run_finished_level(const RunCounts& counts);

// "12 vehicles, 10 sent, 1 failed, 1 skipped, 0 unknown, 0 dry run".
std::string run_counts_text(const RunCounts& counts);

// A local date with the zone it is local to: "2026-11-30 (Asia/Jakarta)".
// nginx's own timestamps are the server's clock (UTC on most servers); a
// run's date is a day in wa_report_timezone.
std::string local_date_text(Date date, std::string_view zone_name);

}  // namespace wa
