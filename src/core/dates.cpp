#include "dates.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <cctz/civil_time.h>

namespace wa {

namespace {

using Seconds = cctz::time_point<cctz::seconds>;

constexpr size_t kIsoDateLength = 10;

void append_padded(std::string& out, int64_t value, int width) {
    if (value < 0) {
        out.push_back('-');
        value = -value;
    }

    char buf[24];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0);

    for (int i = n; i < width; i++) {
        out.push_back('0');
    }
    while (n > 0) {
        out.push_back(buf[--n]);
    }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<int> digits_value(std::string_view s) {
    int v = 0;
    for (char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Seconds to_time_point(int64_t unix_seconds) { return Seconds(cctz::seconds(unix_seconds)); }

void append_clock(std::string& out, const cctz::civil_second& cs) {
    append_padded(out, cs.year(), 4);
    out.push_back('-');
    append_padded(out, cs.month(), 2);
    out.push_back('-');
    append_padded(out, cs.day(), 2);
    out.push_back('T');
    append_padded(out, cs.hour(), 2);
    out.push_back(':');
    append_padded(out, cs.minute(), 2);
    out.push_back(':');
    append_padded(out, cs.second(), 2);
}

// Python's isoformat(): "+HH:MM", with ":SS" only when the offset has seconds.
void append_offset(std::string& out, int offset) {
    out.push_back(offset < 0 ? '-' : '+');
    offset = std::abs(offset);
    append_padded(out, offset / 3600, 2);
    out.push_back(':');
    append_padded(out, offset / 60 % 60, 2);
    if (offset % 60 != 0) {
        out.push_back(':');
        append_padded(out, offset % 60, 2);
    }
}

}  // namespace

bool operator==(const Date& a, const Date& b) { return a.y == b.y && a.m == b.m && a.d == b.d; }

bool operator!=(const Date& a, const Date& b) { return !(a == b); }

bool operator<(const Date& a, const Date& b) {
    if (a.y != b.y) {
        return a.y < b.y;
    }
    if (a.m != b.m) {
        return a.m < b.m;
    }
    return a.d < b.d;
}

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && is_leap_year(y)) {
        return 29;
    }
    return days[m - 1];
}

std::optional<Date> parse_date(std::string_view s) {
    if (s.size() != kIsoDateLength || s[4] != '-' || s[7] != '-') {
        return std::nullopt;
    }

    auto y = digits_value(s.substr(0, 4));
    auto m = digits_value(s.substr(5, 2));
    auto d = digits_value(s.substr(8, 2));
    if (!y || !m || !d) {
        return std::nullopt;
    }

    if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) {
        return std::nullopt;
    }
    return Date{*y, *m, *d};
}

bool in_date_range(Date date) { return !(date < kFirstDate) && !(kLastDate < date); }

std::string format_date(Date date) {
    std::string out;
    out.reserve(kIsoDateLength);
    append_padded(out, date.y, 4);
    out.push_back('-');
    append_padded(out, date.m, 2);
    out.push_back('-');
    append_padded(out, date.d, 2);
    return out;
}

std::string format_date_dmy(Date date) {
    std::string out;
    out.reserve(kIsoDateLength);
    append_padded(out, date.d, 2);
    out.push_back('-');
    append_padded(out, date.m, 2);
    out.push_back('-');
    append_padded(out, date.y, 4);
    return out;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(Date date) {
    int64_t y = date.m <= 2 ? date.y - 1 : date.y;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (date.m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + date.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date civil_from_days(int64_t days) {
    days += 719468;
    int64_t era = floor_div(days, 146097);
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

Date add_months(Date date, int months) {
    int64_t index = int64_t{date.y} * 12 + (date.m - 1) + months;
    int y = static_cast<int>(floor_div(index, 12));
    int m = static_cast<int>(index - int64_t{y} * 12) + 1;
    return Date{y, m, std::min(date.d, days_in_month(y, m))};
}

Zone::Zone() : tz_(cctz::utc_time_zone()), name_("UTC") {}

bool Zone::load(const std::string& name) {
    if (name.empty()) {
        return false;
    }

    cctz::time_zone tz;
    if (!cctz::load_time_zone(name, &tz)) {
        return false;
    }

    tz_ = tz;
    name_ = name;
    return true;
}

std::string Zone::local_iso(int64_t unix_seconds) const {
    std::string out;
    append_clock(out, cctz::convert(to_time_point(unix_seconds), tz_));
    return out;
}

Date Zone::local_date(int64_t unix_seconds) const {
    cctz::civil_second cs = cctz::convert(to_time_point(unix_seconds), tz_);
    return Date{static_cast<int>(cs.year()), cs.month(), cs.day()};
}

std::string Zone::iso_with_offset(int64_t unix_seconds) const {
    cctz::time_zone::absolute_lookup al = tz_.lookup(to_time_point(unix_seconds));

    std::string out;
    append_clock(out, al.cs);
    append_offset(out, al.offset);
    return out;
}

int64_t Zone::to_unix(Date date, int hour, int minute) const {
    cctz::civil_second cs(date.y, date.m, date.d, hour, minute, 0);
    return cctz::convert(cs, tz_).time_since_epoch().count();
}

}  // namespace wa
