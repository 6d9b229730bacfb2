// Catch-up after downtime (wa_report_catch_up): which days a run's window
// starts from when no run finished on the days before it.
#pragma once

#include "dates.hpp"

#include <optional>
#include <string>
#include <vector>

namespace wa {

// The longest catch-up wa_report_catch_up accepts, in days.
constexpr int kMaxCatchUpDays = 31;

// The days a run on as_of may catch up, oldest first: as_of - days ...
// as_of - 1 (days 0..kMaxCatchUpDays; empty for 0). run_begin.lua takes them
// as text and picks the first after the covered day, by the rule of
// window_first below.
std::vector<Date> catch_up_days(Date as_of, int days);

// The first day of a run's window: the day after `covered` (the as_of of the
// last finished run that was not a dry run), but no more than `days` days
// before as_of; as_of itself when nothing was missed, catch-up is off
// (days 0) or nothing is known (covered nullopt: a first run never sends
// back reminders).
Date window_first(Date as_of, int days, std::optional<Date> covered);

}  // namespace wa
