// What the Store decodes Redis's answers into: plain values, so that the
// endpoints, the reminder engine and core's decisions never see a Redis
// reply. Each struct names the script or command it comes from.
#pragma once

#include "core/log_lines.hpp"
#include "core/report.hpp"
#include "core/schedule.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wa {

// record.lua's answer to counting one accepted message.
struct RecordOutcome {
    enum class Status {
        counted,           // the report was created or its frequency grew by one
        duplicate,         // the message id was counted before: nothing changed
        no_customer,       // nothing written
        no_vehicle,        // nothing written
        vehicle_mismatch,  // the vehicle belongs to another customer; nothing written
    };
    Status status = Status::counted;
    // counted and duplicate: the report as it is now. A duplicate without a
    // report: the message id was counted for another customer+vehicle.
    std::optional<Report> report;
};

// The reminder engine's part of a count (record.lua's optional KEYS 11-12
// and ARGV 6-10): the visit reminded for and the delivery log entry.
struct ReminderCount {
    std::string cycle;       // the next_visit_date reminded for
    std::string today;       // YYYY-MM-DD in wa_report_timezone
    std::string provider;    // "starsender", "cloud_api"
    std::string run;         // the run's id
    std::string message_id;  // the provider's id, "" when it gave none
};

// ---- the report API ----------------------------------------------------------

// page.lua's answer: one page of an index's reports in creation order.
template <class Row>
struct Page {
    bool more = false;  // index members follow the page (up to its end score)
    std::string last;   // the score of the page's last member, "" for an empty page
    std::vector<Row> rows;
};

using ReportPage = Page<Report>;        // mode "list"
using DetailPage = Page<ReportDetail>;  // mode "detail"

// Where a page of `limit` reports read in several steps ends, measured
// before its first step.
struct PageEnd {
    // The score of the page's last member; nullopt when no member follows
    // the cursor.
    std::optional<std::string> score;
    bool more = false;  // a member follows the page's last
};

// reset.lua's answer: one chunk of a frequency reset.
struct ResetChunk {
    int64_t count = 0;  // reports set to frequency 0 in this chunk
    std::string last;   // the score of the chunk's last member, "" for none
    bool more = false;  // index members follow the chunk
};

// customer_put.lua's answer: the customer as it is now.
struct CustomerPut {
    bool created = false;  // false: updated
    Customer customer;
};

// customer_delete.lua's answer.
enum class CustomerDeleted {
    deleted,
    not_found,
    has_vehicles,  // nothing deleted
};

// vehicle_put.lua's answer: the vehicle as it is now.
struct VehiclePut {
    enum class Status {
        created,
        updated,
        no_customer,  // nothing written; `vehicle` is empty
    };
    Status status = Status::created;
    Vehicle vehicle;
};

// status.lua's answer: the schedule and the last run, for GET /status.
struct ScheduleStatus {
    // {wa}:schedule; nullopt until a worker or the scheduler API wrote it.
    // Its source is "" when the version that wrote it recorded none.
    std::optional<ScheduleState> schedule;
    std::optional<int64_t> next_run;  // its next_run (unix seconds), when it has one
    std::optional<LastRun> last_run;  // {wa}:run:last; nullopt before the first run
    // {wa}:run:current's paused_until (unix seconds): the run waits for its
    // send window to open.
    std::optional<int64_t> paused_until;
};

// run_summary.lua's answer: how run-now's run stands.
struct RunSummary {
    // unreachable also for an answer of no known shape: run-now treats it as
    // Redis not answering.
    RunStanding standing = RunStanding::unreachable;
    int64_t customers = 0;  // finished: run-now's total_customers
    int64_t sent = 0;       // finished: run-now's reminder_sent
};

// ---- the reminder engine ----------------------------------------------------

// schedule_apply.lua's answer at a worker's start: what it did, the schedule
// in force after it, and the schedule nginx.conf had set before (`config`,
// for "applied").
struct ScheduleApplied {
    ScheduleApply outcome = ScheduleApply::invalid;
    ScheduleState in_force;
    std::string before;
};

// tick.lua's decision for this worker.
struct TickDecision {
    enum class Kind {
        idle,    // nothing to do (the schedule as stored is below)
        busy,    // another runner holds the lease
        due,     // the schedule is due: this owner holds the lease and begins a run
        resume,  // a run's lease had lapsed: this owner holds it and resumes the run
        paused,  // the run paused at its send window's close; next_run: when it resumes
    };
    Kind kind = Kind::idle;
    // due and idle: the schedule as Redis stores it; next_run in unix
    // seconds (0 when Redis holds none). enabled is known for idle only.
    int hour = 0;
    int minute = 0;
    int64_t next_run = 0;
    bool enabled = false;
};

// run_begin.lua: whether this owner began the run.
enum class RunBegin {
    started,  // the lease is this owner's, the run is in Redis
    busy,     // a run is in progress, or another owner holds the lease
};

// run_begin.lua's answer: the outcome, and for a started run the first day
// of its window (YYYY-MM-DD; its as_of unless it catches up missed days).
struct RunStart {
    RunBegin outcome = RunBegin::busy;
    std::string window_from;
};

// The run in progress as T:run:current stores it (HGETALL), for a runner
// that resumes it. exists is false when there is none; a field Redis lacks
// is "".
struct RunRecord {
    bool exists = false;
    std::string id;
    std::string as_of;  // YYYY-MM-DD
    bool dry_run = false;
    bool manual = false;
    std::string cursor_day;     // days since 1970-01-01, "" at the start
    std::string cursor_member;  // a vehicle id, "" at the start of the day
    std::string window_from;    // YYYY-MM-DD; "" for a run of an earlier version (as_of)
};

// One vehicle of due_batch.lua, its 13 fields by name. A value Redis lacks
// is "" (or nullopt where its absence means something).
struct DueRow {
    std::string vehicle_id;
    std::string customer_id;
    std::string model;
    std::string nopol;
    std::string next_visit_date;               // YYYY-MM-DD, as stored (may be anything)
    std::string reminded_for;                  // the visit last reminded for
    std::string reminded_on;                   // the day of the last reminder
    bool do_not_contact = false;               // the customer stopped such messages
    bool opted_out = false;                    // the normalised phone is suppressed
    std::optional<std::string> customer_name;  // nullopt: no such customer
    std::string customer_phone;                // as stored
    std::optional<std::string> attempt_cycle;  // an attempt mark's visit; nullopt: none
    std::string attempt_run;                   // the run that made the mark
    bool handled = false;                      // done earlier in this run (its done set)
};

// due_batch.lua: the next batch of the run's window.
struct DueBatch {
    bool lost = false;  // the lease is not this owner's: nothing else is set
    // The position after this batch (the cursor to save), and whether the
    // window holds nothing after it.
    std::string cursor_day;
    std::string cursor_member;
    bool window_done = false;
    std::vector<DueRow> rows;  // in the index's order (next visit, then vehicle id)
};

// due_list.lua: the vehicles due in a window of days, for GET /due. Each
// row has vehicle_id, customer_id, model, nopol, next_visit_date,
// reminded_for, customer_name (nullopt: no such customer) and customer_phone
// set; the reminder engine's other fields keep their defaults.
struct DueList {
    std::vector<DueRow> rows;  // in the index's order (next visit, then vehicle id)
    bool truncated = false;    // the window holds more vehicles than the limit
};

// attempt_begin.lua: whether this runner may send to a vehicle.
struct AttemptClaim {
    enum class Status {
        ok,         // the attempt is marked for this run: send
        reminded,   // already reminded for this visit (once) or today (daily)
        in_flight,  // another attempt is marked (run and started_at below)
        opted_out,  // the phone is suppressed (also since the batch was read): nothing marked
        lost,       // the lease is not this owner's
    };
    Status status = Status::ok;
    std::string run;         // in_flight: the run that marked it
    std::string started_at;  // in_flight: when
};

// run_finish.lua: the run's totals across every runner, or that it was not
// this owner's to finish (lost).
struct RunFinished {
    bool finished = false;
    RunCounts counts;
};

// customer_due.lua: a customer's vehicles due in a run's window, for one
// grouped message (wa_report_group_by customer).
struct CustomerDue {
    bool too_many = false;     // more vehicles than asked for: rows is empty
    std::vector<DueRow> rows;  // in the due index's order (day, then vehicle id)
};

// attempt_begin_group.lua: which vehicles of one grouped message this
// runner may send for.
struct GroupClaim {
    enum class Status {
        ok,         // each vehicle's claim below
        opted_out,  // the phone is suppressed: nothing marked
        lost,       // the lease is not this owner's: nothing marked
    };
    Status status = Status::ok;
    // ok: one per vehicle, in the order asked: ok (marked for this run),
    // reminded, or in_flight (with the run that marked it).
    std::vector<AttemptClaim> vehicles;
};

}  // namespace wa
