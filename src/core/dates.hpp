#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <cctz/time_zone.h>

namespace wa {

struct Date {
    int y = 1970;
    int m = 1;
    int d = 1;
};

bool operator==(const Date& a, const Date& b);
bool operator!=(const Date& a, const Date& b);
bool operator<(const Date& a, const Date& b);

bool is_leap_year(int y);
int days_in_month(int y, int m);

// Strict "YYYY-MM-DD", a real calendar date, year 1..9999.
std::optional<Date> parse_date(std::string_view s);

// The dates the API accepts. The last one leaves room for what is derived
// from an input (a run's window of days, a next visit months later), so
// every date the module stores or shows keeps a 4-digit year; a derived date
// that would leave the range is refused instead.
constexpr Date kFirstDate{1900, 1, 1};
constexpr Date kLastDate{9998, 12, 31};

// kFirstDate <= date <= kLastDate.
bool in_date_range(Date date);

std::string format_date(Date date);      // "2026-01-05"
std::string format_date_dmy(Date date);  // "05-01-2026"

// Proleptic Gregorian; day 0 is 1970-01-01.
int64_t days_from_civil(Date date);
Date civil_from_days(int64_t days);

// Like dateutil's relativedelta(months=n): the day is clamped to the end of
// the target month. The year is not range-checked.
Date add_months(Date date, int months);

class Zone {
public:
    Zone();  // UTC until load() succeeds

    // False for an unknown zone; the previous zone is kept then.
    bool load(const std::string& name);

    const std::string& name() const { return name_; }

    std::string local_iso(int64_t unix_seconds) const;  // "2026-11-25T07:00:00"
    Date local_date(int64_t unix_seconds) const;
    std::string iso_with_offset(int64_t unix_seconds) const;  // "2026-11-25T07:00:00+07:00"

    // A wall time skipped by a transition maps to the transition instant, a
    // repeated one to the earlier of its two instants.
    int64_t to_unix(Date date, int hour, int minute) const;

private:
    cctz::time_zone tz_;
    std::string name_;
};

}  // namespace wa
