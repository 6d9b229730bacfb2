#include "send_window.hpp"

#include <cstdio>

namespace wa {

namespace {

// "HH:MM" with two digits each, 00:00..23:59; -1 otherwise.
int parse_clock(std::string_view t) {
    auto digit = [&](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
    if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
        return -1;
    }
    int h = (t[0] - '0') * 10 + (t[1] - '0');
    int m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 23 || m > 59) {
        return -1;
    }
    return h * 60 + m;
}

std::string clock_text(int minute) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

bool fail(std::string* error, const char* why) {
    if (error != nullptr) {
        *error = why;
    }
    return false;
}

}  // namespace

std::optional<SendWindow> SendWindow::parse(std::string_view text, std::string* error) {
    if (text.size() != 11 || text[5] != '-') {
        fail(error, "must be HH:MM-HH:MM");
        return std::nullopt;
    }
    int open = parse_clock(text.substr(0, 5));
    int close = parse_clock(text.substr(6, 5));
    if (open < 0 || close < 0) {
        fail(error, "must be HH:MM-HH:MM, each from 00:00 to 23:59");
        return std::nullopt;
    }
    if (open == close) {
        fail(error, "opens and closes at the same time");
        return std::nullopt;
    }
    return SendWindow(open, close);
}

std::string SendWindow::text() const { return clock_text(open_) + "-" + clock_text(close_); }

bool SendWindow::contains_second(int second_of_day) const {
    int open = open_ * 60;
    int close = close_ * 60;
    if (open < close) {
        return second_of_day >= open && second_of_day < close;
    }
    return second_of_day >= open || second_of_day < close;
}

bool SendWindow::contains(const Zone& zone, int64_t unix_seconds) const {
    return contains_second(local_second_of_day(zone, unix_seconds));
}

int64_t SendWindow::next_at(const Zone& zone, int64_t unix_seconds, int minute, bool strict) {
    Date day = zone.local_date(unix_seconds);
    // Two local days ahead covers a day made shorter or longer by a
    // transition; the third is never needed, but bounds the loop.
    for (int i = 0; i < 3; i++) {
        int64_t t =
            zone.to_unix(civil_from_days(days_from_civil(day) + i), minute / 60, minute % 60);
        if (strict ? t > unix_seconds : t >= unix_seconds) {
            return t;
        }
    }
    return unix_seconds + 86400;
}

int64_t SendWindow::next_opening(const Zone& zone, int64_t unix_seconds) const {
    return next_at(zone, unix_seconds, open_, false);
}

int64_t SendWindow::next_close(const Zone& zone, int64_t unix_seconds) const {
    return next_at(zone, unix_seconds, close_, true);
}

int local_second_of_day(const Zone& zone, int64_t unix_seconds) {
    // "2026-11-25T07:00:00": the zone's own wall clock, offsets and
    // transitions applied by cctz.
    std::string iso = zone.local_iso(unix_seconds);
    size_t t = iso.find('T');
    if (t == std::string::npos || iso.size() < t + 9) {
        return 0;
    }
    auto num = [&](size_t at) { return (iso[t + at] - '0') * 10 + (iso[t + at + 1] - '0'); };
    return num(1) * 3600 + num(4) * 60 + num(7);
}

}  // namespace wa

namespace wa {

std::string with_paused_until(std::string status_object, const std::string& iso_with_offset) {
    if (status_object.empty() || status_object.back() != '}') {
        return status_object;
    }
    status_object.pop_back();
    // The zone's ISO text has no character JSON would escape.
    status_object += ",\"paused_until\":\"" + iso_with_offset + "\"}";
    return status_object;
}

}  // namespace wa
