// What GET /status shows: the schedule in force and the last run, from what
// Redis holds (status.lua, decoded by the Store) and nginx.conf's schedule.
#pragma once

#include "dates.hpp"
#include "schedule.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wa {

// The schedule in force: `stored` ({wa}:schedule) once a worker has written
// it, with its source guessed (guessed_source) when an earlier version
// recorded none (""); before that, `configured` (wa_report_schedule).
ScheduleState schedule_in_force(const std::optional<ScheduleState>& stored,
                                const ScheduleState& configured);

// The next run /status names, in unix seconds: `stored_next` ({wa}:schedule's
// next_run) unless there is none or it has passed (a run is due right now);
// then the first schedule.hour:minute in `zone` strictly after now_unix
// (next_run: -1 for an hour or minute out of range).
int64_t status_next_run(const Zone& zone, int64_t now_unix, const ScheduleState& schedule,
                        std::optional<int64_t> stored_next);

// {wa}:run:last's fields, as HGETALL lists them (field, value), as a LastRun;
// nullopt when there are none (no run has finished). A counter reads as
// strtoll does (0 when it holds no number); dry_run is true for "1" only;
// customers stays unknown when absent or empty (a run of an earlier
// version). A field given twice counts once, the first time.
std::optional<LastRun> last_run_from_fields(
    const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace wa
