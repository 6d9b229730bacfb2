// The query strings of the list and scheduler endpoints, checked the way the
// old FastAPI parameters were: errors at ["query", name] with FastAPI's
// messages and types. `query` is the raw query string (nginx's $args); each
// parameter is its first occurrence, percent-decoded (query_arg).
#pragma once

#include "dates.hpp"
#include "input.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace wa {

constexpr int64_t kMaxListLimit = 10000;

// GET /, /detail, /customer/{c}.
struct Paging {
    int64_t limit = 0;              // 1..kMaxListLimit; 0 (absent): the whole list
    std::optional<int64_t> cursor;  // a previous page's X-Next-Cursor (a score >= 0)
};

// limit: an integer ("value is not a valid integer", type_error.integer)
// from 1 to 10000 ("ensure this value is between 1 and 10000",
// value_error.number.not_in_range); cursor: a non-negative integer ("value
// is not a valid cursor", value_error.cursor). Both errors, in that order,
// when both are wrong.
Parsed<Paging> parse_paging(std::string_view query);

// POST /start's hour and minute: FastAPI int parameters, `hour` and `minute`
// when absent; type_error.integer for anything but a decimal integer within
// +-1000000 (each reported). Their range is the endpoint's to check.
struct ScheduleTime {
    int hour = 0;
    int minute = 0;
};
Parsed<ScheduleTime> parse_schedule_time(std::string_view query, int hour, int minute);

// POST /run-now: date (parse_query_date; absent: nullopt, today) and dry_run
// (true|1|yes|on, false|0|no|off; absent: false; anything else "value could
// not be parsed to a boolean", type_error.bool). A bad date is the only
// error reported, as FastAPI stopped there.
struct RunNowQuery {
    std::optional<Date> date;
    bool dry_run = false;
};
Parsed<RunNowQuery> parse_run_now_query(std::string_view query);

}  // namespace wa
