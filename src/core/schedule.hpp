#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dates.hpp"

namespace wa {

// The first instant strictly after now_unix at which the zone's wall clock
// reads hour:minute. On a day where that wall time is skipped (spring
// forward) it is the transition instant; on a day where it occurs twice (fall
// back) it is the earlier one, so the job runs once a day either way.
// -1 when hour is outside 0-23 or minute outside 0-59.
int64_t next_run(const Zone& zone, int64_t now_unix, int hour, int minute);

// APScheduler's str(CronTrigger(hour=7, minute=0)): "cron[hour='7', minute='0']".
std::string cron_trigger(int hour, int minute);

// {"status":"success","message":"Success","data":<data_json>}
std::string scheduler_success(std::string_view data_json);
// The same wrapper in two halves, for an answer that streams its data.
std::string scheduler_success_head();
std::string scheduler_success_tail();

// {"status":"error","message":"...","data":null}
std::string scheduler_error(std::string_view message);

// {"message":"Scheduler dimulai. Job akan berjalan setiap hari jam 07:00"}
std::string start_message_json(int hour, int minute);

// {"message":"Scheduler dihentikan"}
std::string stop_message_json();

// The schedule in force, as /status shows it: the daily time in the zone of
// wa_report_timezone, whether it is enabled, and where it came from.
struct ScheduleState {
    int hour = 7;    // 0-23
    int minute = 0;  // 0-59
    bool enabled = false;
    std::string source;  // schedule_source_config or schedule_source_api
};

// wa_report_schedule, applied at a start or reload.
inline constexpr const char* schedule_source_config = "nginx.conf";
// start or stop of the scheduler API since.
inline constexpr const char* schedule_source_api = "api";

// A schedule as wa_report_schedule spells it and {wa}:schedule's `config`
// remembers it: "07:00 on", "21:34 off" (two digits each). hour 0-23 and
// minute 0-59 are the caller's to ensure.
std::string schedule_text(int hour, int minute, bool enabled);

// The source of a stored schedule that recorded none (an earlier version
// wrote it): nginx.conf's when it is the same schedule, else the API's.
const char* guessed_source(const ScheduleState& stored, const ScheduleState& config);

// What schedule_apply.lua did at a worker's start (its first reply field);
// invalid for anything else.
enum class ScheduleApply { seen, created, applied, kept, adopted, invalid };
ScheduleApply parse_schedule_apply(std::string_view outcome);

// The text of the NOTICE a start or reload logs: the schedule in force,
// its zone, and where it came from, e.g.
//   wa_report: schedule "21:34 on" (Asia/Jakarta) from nginx.conf, applied: it changed since "07:00
//   off" was applied wa_report: schedule "07:00 off" (Asia/Jakarta) from Redis, set by the
//   scheduler API; nginx.conf's "07:00 on" unchanged since applied
// in_force: the schedule after the call; config: nginx.conf's; before: the
// `config` Redis had remembered (for applied). Values from Redis are
// escaped for the log. "" for seen and invalid (nothing to log).
std::string schedule_notice(ScheduleApply outcome, const ScheduleState& in_force,
                            const std::string& config, std::string_view before,
                            std::string_view zone_name);

struct LastRun {
    std::string id;  // "" (written as null) for a run of an earlier version
    std::string started_at, finished_at;
    int64_t total = 0, sent = 0, failed = 0, skipped = 0, unknown = 0, dry = 0;
    bool dry_run = false;
    std::optional<int64_t> customers;  // customers when it finished; none: an earlier version's run
    // The run's day and its window's first day (YYYY-MM-DD; "" for a run of
    // an earlier version): a window_from before as_of marks a catch-up.
    std::string as_of, window_from;
};

// {"running":true,"jobs":[{"id":"maintenance_reminder_job","name":
// "Maintenance Reminder WhatsApp","next_run_time":"...","trigger":"cron[...]"}],
// "schedule":{"hour":7,"minute":0,"enabled":true,"source":"nginx.conf"},
// "last_run":{"started_at":...,"finished_at":...,"total_customers":N,
// "reminder_sent":N,"failed":N,"skipped":N,"unknown":N,"dry_run":false,
// "id":"...","vehicles_due":N,"customers":N,"dry_run_count":N}}.
// "running" and "jobs" are the old system's (running: the schedule is
// enabled; "jobs" is [] when not); the rest was added after it.
// "total_customers" in last_run is the number of vehicles the run finished,
// as "vehicles_due" (kept for earlier clients); "customers" is what run-now
// answers as total_customers. "last_run" is there only when `last` has a
// value. An empty next_run_time, started_at, finished_at or id is written
// as null, as is an unknown customers. A run that caught up missed days
// (window_from before as_of) also has "catch_up":{"from":window_from,
// "to":the day before as_of}; others have no such key.
std::string status_json(const ScheduleState& schedule, const std::string& next_run_iso_with_offset,
                        const std::optional<LastRun>& last);

struct RunDetail {
    std::string no_pol, customer_nama, customer_hp, next_visit_date;  // YYYY-MM-DD
    int days_until_visit = 0;
    std::string status;  // sent|failed|skipped|dry_run|unknown
    std::string message, api_response, reason;
};

// One item of run-now's "details": no_pol, customer_nama, customer_hp,
// next_visit_date, days_until_visit, status, then message, api_response and
// reason, each only when non-empty.
void append_run_detail(std::string& out, const RunDetail& d);

// {"total_customers":N,"reminder_sent":N,"details":[<details_items_json>]}
// Its halves, for run-now's answer, whose details stream from Redis.
std::string run_result_head(int64_t total_customers, int64_t reminder_sent);
std::string run_result_tail();
std::string run_result_json(int64_t total_customers, int64_t reminder_sent,
                            const std::string& details_items_json);

// run-now's answer when its run has not finished within
// wa_report_run_now_timeout (HTTP 202; the run goes on):
// {"status":"success","message":"Job masih berjalan","data":{"run_id":"..."}}
std::string run_pending_answer(std::string_view run_id);

// How run-now's run stands in Redis (run_summary.lua), or that Redis did
// not answer.
enum class RunStanding { finished, running, unknown, unreachable };

// What run-now does next.
enum class RunNowStep {
    answer_result,       // 200 with the finished run's summary and details
    wait,                // ask again after a while
    answer_pending,      // 202 with the run's id (run_pending_answer)
    answer_stopped,      // 503 "Job berhenti sebelum selesai": the run is gone unfinished
    answer_not_started,  // 503 "Job tidak dapat dimulai: ...": it never began
    answer_unavailable,  // 503 "Redis unavailable": whether it began is unknown
};

// The rule run-now follows its run by, wherever the run is carried on.
// started: the run is known to have begun (its begin was confirmed, or Redis
// showed it); past_bound: wa_report_run_now_timeout has passed since the
// request. A finished run is answered even past the bound; a running one is
// waited for until the bound; a run Redis no longer knows stopped (started)
// or never began (not started).
RunNowStep run_now_step(RunStanding standing, bool started, bool past_bound);

}  // namespace wa
