// wa_report_send_window: the hours of the day, in wa_report_timezone, at
// which reminders may go out. A run that meets the window's close pauses and
// carries on at the next opening; one begun outside waits for the opening.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dates.hpp"

namespace wa {

class SendWindow {
public:
    // "HH:MM-HH:MM" (00:00..23:59 each), the opening then the close. The
    // close is outside the window ([open, close)); a close earlier than the
    // opening crosses midnight ("20:00-06:00": evenings and early mornings).
    // nullopt, with *error saying why, for any other text and for equal ends
    // (a window of no time or of the whole day: leave the directive out for
    // the latter).
    static std::optional<SendWindow> parse(std::string_view text, std::string* error = nullptr);

    // Minutes after local midnight, 0..1439.
    int open_minute() const { return open_; }
    int close_minute() const { return close_; }

    // "07:00-20:00", as parsed.
    std::string text() const;

    // The local time of day in seconds (0..86399) is in [open, close):
    // exactly at the opening is inside, exactly at the close is outside.
    bool contains_second(int second_of_day) const;

    // The instant unix_seconds, seen in zone, is inside the window.
    bool contains(const Zone& zone, int64_t unix_seconds) const;

    // The first opening at or after unix_seconds, in unix seconds: now when
    // now is exactly an opening. A wall time skipped by a zone's transition
    // opens at the transition (Zone::to_unix's rule).
    int64_t next_opening(const Zone& zone, int64_t unix_seconds) const;

    // The first close strictly after unix_seconds, in unix seconds: when an
    // open window ends (inside, it is the end of the current window).
    int64_t next_close(const Zone& zone, int64_t unix_seconds) const;

private:
    SendWindow(int open, int close) : open_(open), close_(close) {}

    // The first instant >= unix_seconds (> when strict) at local hh:mm.
    static int64_t next_at(const Zone& zone, int64_t unix_seconds, int minute, bool strict);

    int open_;
    int close_;
};

// Seconds after local midnight of unix_seconds in zone (0..86399; a day with
// a leap second is not a concern of tzdata's zones).
int local_second_of_day(const Zone& zone, int64_t unix_seconds);

// GET /status's object (status_json) with "paused_until" last, as
// iso_with_offset ("2026-12-01T07:00:00+07:00"): present only while a run
// waits for the send window, so every other answer stays as it was. An
// object that does not end in "}" is returned as it is.
std::string with_paused_until(std::string status_object, const std::string& iso_with_offset);

}  // namespace wa
