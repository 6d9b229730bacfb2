// What the Store decodes Redis's answers into: plain values, so that the
// endpoints, the reminder engine and core's decisions never see a Redis
// reply. Each struct names the script or command it comes from.
#pragma once

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

}  // namespace wa
