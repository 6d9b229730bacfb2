// GET .../customer/{c}/vehicle/{v}/reminder: why a vehicle will or will not
// be reminded, decided by the very rule the run uses (classify_due) on what
// Redis holds, for the run that comes next.
#pragma once

#include "dates.hpp"
#include "rows.hpp"
#include "run.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace wa {

// reminder_explain.lua's answer, by name. A value Redis lacks is "" (or
// nullopt where its absence means something).
struct ExplainRecord {
    bool vehicle_exists = false;
    // The vehicle and its customer as due_batch.lua would read them (handled
    // is false: no run is asked about).
    DueRow row;
    std::string last_visit_date;  // as stored
    // The vehicle's last failed send (attempt_fail.lua): reason, the
    // provider's code ("0" for none), when (local ISO).
    std::string last_error, last_error_code, last_error_at;
    // T:schedule: enabled ("1"), hour, minute, next_run (unix seconds); the
    // next run's time when the schedule is enabled.
    bool schedule_enabled = false;
    std::optional<int64_t> next_run;
    // The last day a finished run covered: T:run:covered, else T:run:last's
    // as_of when that run was not a dry run (run_begin.lua's rule).
    std::string covered;
    // The delivery status of the vehicle's last counted message, from the
    // delivery records (not read by this script); nullopt: none known.
    struct Delivery {
        std::string status;  // "accepted" (no status yet), "sent", "delivered", "read", "failed"
        std::string at;      // when the provider gave that status (local ISO); "" for accepted
        std::string error_code, error_title;  // failed: the provider's; else ""
    };
    std::optional<Delivery> delivery;
    // The run in progress ({wa}:run:current), id "" when none: it goes on
    // with its own day and window, so while it has not handled this vehicle
    // it is the run the answer is about.
    struct CurrentRun {
        std::string id, as_of, window_from;
        bool dry_run = false;
        int64_t paused_until = 0;  // unix seconds; 0: not waiting for the send window
        bool handled = false;      // in the run's done set
    };
    CurrentRun current;
};

// The run the answer is about: the next scheduled one (at: its local time
// with offset) or, with the schedule stopped, a run-now today (at "").
struct ExplainRun {
    std::string at;  // "2026-12-01T07:00:00+07:00"; "" for if_run_today
    Date as_of;
    Date window_from;  // as_of, or earlier when the scheduled run catches up
    int lead_days = 3;
    RemindMode mode = RemindMode::once;
    // wa_report_send_window: the window's next opening (iso_with_offset)
    // when the run's moment (at, or now for if_run_today) is outside it, so
    // the run waits and a vehicle it sends to goes out then; "" inside the
    // window or without one.
    std::string window_opens;
};

struct ExplainContext {
    std::string customer_id, vehicle_id;  // canonical uuids
    int visit_interval_months = 4;        // wa_report_visit_interval
    ExplainRun run;
};

// The answer's JSON (README "GET .../reminder"):
// {"customer_id","vehicle_id","next_visit_date":Date|null,
//  "next_visit_source":"given"|"last_visit_date + N months"|null,
//  "due_window":{"from","to"}|null (the days a run on which reminds it:
//  next_visit - lead_days + 1 .. next_visit),
//  "last_reminder":{"for_visit":Date|null,"sent_on":Date|null,
//  "delivery":{"status","at":..|null,"error":{"code","title"}|null}|null}
//  |null, "opted_out":bool, "do_not_contact":bool,
//  "last_error":{"code":int|null,"reason":"..","at":".."|null}|null,
//  "next_run":Decision|null, "if_run_today":Decision|null}
// exactly one of next_run and if_run_today is null (next_run when the
// schedule is stopped). Decision: {"at" (next_run only),"as_of","window_from",
// "action":"will_send"|"skip"|"unknown","reason":<DueDecision::code, or
// "outside_window" for a will_send that waits for the send window>,
// "not_due_until":Date|null,"window_opens":<run.window_opens>|null (set
// with outside_window only),"detail":<the run's Indonesian reason>|null}.
// `scheduled` chooses which of the two the decision goes to.
std::string reminder_explain_json(const ExplainRecord& record, const ExplainContext& ctx,
                                  bool scheduled);

// The decision alone (what the answer's next_run or if_run_today says), for
// the run described by `run`.
DueDecision explain_decision(const ExplainRecord& record, const ExplainRun& run);

}  // namespace wa
