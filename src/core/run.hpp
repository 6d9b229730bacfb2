// A reminder run's decisions about each due vehicle: whether to send, or why
// not, and how the run counts what it finished.
#pragma once

#include <string>
#include <string_view>

#include "dates.hpp"
#include "log_lines.hpp"
#include "reminder.hpp"
#include "rows.hpp"
#include "schedule.hpp"

namespace wa {

// wa_report_remind: once per visit, or on each day of the window (the old
// system's behaviour).
enum class RemindMode { once, daily };

// What a run does with one row of due_batch.lua.
struct DueDecision {
    enum class Action {
        pass,  // handled earlier in this run (by this or a previous runner): not listed again
        skip,  // listed with detail.status and detail.reason; nothing is sent
        send,  // remind: phone, cycle and fields below
    };
    Action action = Action::pass;
    // Why, as a stable machine word (what metrics, the run's details and
    // GET .../reminder say; the Indonesian detail.reason is the old system's
    // text): handled, no_customer, missing_visit_date, visit_passed,
    // not_due_until (the visit is after the window: it enters the window on
    // next_visit - lead_days + 1), missing_phone, missing_plate,
    // invalid_phone, not_mobile, do_not_contact, opted_out,
    // already_reminded, attempt_unknown, will_send.
    std::string_view code = "handled";
    // skip and send: the run detail's no_pol, customer_nama, customer_hp (as
    // stored), next_visit_date (as stored) and days_until_visit (0 when the
    // date is not one); skip: also status ("skipped" or "unknown") and reason.
    RunDetail detail;
    std::string phone;     // send: normalized (62...), a mobile number
    std::string cycle;     // send: the next_visit_date the reminder is for
    MessageFields fields;  // send: every value but service_phone (the config's)
};

// The rule, in this order: handled -> pass; no customer; no or no valid
// visit date; a visit outside the window [window_first, as_of + lead_days)
// (the old system's rule: lead 3 is the visit day and the two days before
// it; window_first is as_of, or earlier for a catch-up run: a visit that
// fell due on a missed day D, D <= next_visit < D + lead_days, is still
// reminded, even when its date has passed; window_first > as_of counts as
// as_of); no
// phone; no plate; a phone that is not one, or not a mobile; the customer
// stopped such messages (do_not_contact); the phone is suppressed
// (opted_out: STOP, user_preferences, 131050 or the data API); already
// reminded for this visit (once) or on
// as_of (daily) -> skipped; an attempt mark left by an earlier run ->
// unknown (it may have been sent: never twice); else send. Reasons are the
// old system's Indonesian texts.
DueDecision classify_due(const DueRow& row, Date as_of, int lead_days, RemindMode mode,
                         Date window_first);

// Counts one finished vehicle by its detail's status: sent, failed,
// unknown, dry_run (dry), anything else skipped; total always.
void count_finished(RunCounts& counts, std::string_view status);

}  // namespace wa
