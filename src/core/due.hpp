// GET /due: the vehicles due in the next days, for the dashboard. Its query
// and its answer; the Store reads the rows (due_list.lua).
#pragma once

#include "dates.hpp"
#include "input.hpp"
#include "rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wa {

constexpr int kDueDefaultDays = 7;
constexpr int kDueMaxDays = 31;
// A dashboard's table, not an export: the rest is announced by "truncated".
constexpr int64_t kDueMaxVehicles = 500;

struct DueQuery {
    int days = kDueDefaultDays;  // 1..kDueMaxDays
    std::optional<Date> from;    // absent: today in wa_report_timezone
};

// days: an integer ("value is not a valid integer", type_error.integer)
// from 1 to 31 ("ensure this value is between 1 and 31",
// value_error.number.not_in_range); from: parse_query_date's errors, and
// when its window's last day (from + days - 1) is after kLastDate "ensure
// this value plus N days is less than or equal to 9998-12-31"
// (value_error.number.not_le, N = days - 1). Errors at ["query", name], days
// before from. Unknown and repeated parameters are the router's
// (named_query_errors).
Parsed<DueQuery> parse_due_query(std::string_view query);

// The answer's JSON:
// {"from":"YYYY-MM-DD","days":N,"vehicles":[{"id_vehicle","id_customer",
// "nopol","model","next_visit_date","customer_name","customer_phone",
// "reminded_for"}...],"truncated":bool}. A value Redis lacks is null
// (id_customer, nopol, model, next_visit_date or reminded_for empty; name and
// phone when the customer is gone); texts are written as stored.
std::string due_json(Date from, int days, const DueList& list);

}  // namespace wa
