// What the Store decodes Redis's answers into: plain values, so that the
// endpoints, the reminder engine and core's decisions never see a Redis
// reply. Each struct names the script or command it comes from.
#pragma once

#include "core/report.hpp"

#include <optional>
#include <string>

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

// ---- the reminder engine ----------------------------------------------------

}  // namespace wa
