// One read-only script, then core decides: the same classify_due the run
// calls, with the as_of and window of the run that comes next, so the
// answer and the run cannot disagree on the same data.

#include "ngx_http_wa_report_explain.hpp"

#include "core/catch_up.hpp"
#include "core/explain.hpp"
#include "core/phone.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wa {

namespace {

// The run the answer is about: the next scheduled one while the schedule is
// on (its day local to the zone, catching up as the scheduled run will);
// else a run-now today, which never catches up.
ExplainRun next_run_of(const ExplainRecord& rec, const Config& c, bool* scheduled) {
    const ReminderConfig& rc = c.reminder;
    int64_t now = static_cast<int64_t>(ngx_time());
    ExplainRun run;
    run.lead_days = rc.lead_days;
    run.mode = rc.daily ? RemindMode::daily : RemindMode::once;
    // The schedule is Redis's, shared by every instance: one whose own
    // workers take no part in runs (wa_report_reminder off) answers the same.
    *scheduled = rec.schedule_enabled && rec.next_run.has_value();
    if (!*scheduled) {
        run.as_of = c.zone.local_date(now);
        run.window_from = run.as_of;
        return run;
    }
    // A next_run already passed is due at the next tick: the run is now.
    int64_t at = *rec.next_run > now ? *rec.next_run : now;
    run.at = c.zone.iso_with_offset(at);
    run.as_of = c.zone.local_date(at);
    run.window_from = window_first(run.as_of, rc.catch_up, parse_date(rec.covered));
    return run;
}

// The record while the customer's phone's suppression is read.
struct ExplainSteps : Operation {
    ExplainRecord rec;
};

ngx_int_t explain_answer(Ctx& ctx, const ExplainRecord& rec) {
    const Config& c = worker()->config;
    ExplainContext ec;
    ec.customer_id = ctx.route.a;
    ec.vehicle_id = ctx.route.b;
    ec.visit_interval_months = c.visit_interval_months;
    bool scheduled = false;
    ec.run = next_run_of(rec, c, &scheduled);
    return send_json(ctx.r, NGX_HTTP_OK, reminder_explain_json(rec, ec, scheduled));
}

ngx_int_t explain_suppressed(Ctx& ctx, const std::vector<bool>& suppressed) {
    auto& op = ctx.op_as<ExplainSteps>();
    op.rec.row.opted_out = !suppressed.empty() && suppressed[0];
    return explain_answer(ctx, op.rec);
}

ngx_int_t explain_found(Ctx& ctx, const ExplainRecord& rec) {
    // A vehicle of another customer is not this customer's to ask about.
    if (!rec.vehicle_exists || rec.row.customer_id != ctx.route.a) {
        return send_not_found(ctx.r, "Vehicle tidak ditemukan");
    }
    // The run reads the suppression of the batch's phones before it
    // classifies (Run::check_opt_outs): so does the answer, by the same
    // normalised number, or the two would disagree on a suppressed one.
    std::optional<std::string> phone = normalize_phone(rec.row.customer_phone);
    if (!phone) {
        return explain_answer(ctx, rec);
    }
    auto op = std::make_unique<ExplainSteps>();
    op->rec = rec;
    ctx.op = std::move(op);
    return next_call(ctx,
                     worker()->store.opted_out_phones(
                         {*phone}, on_answer<std::vector<bool>, explain_suppressed>, &ctx));
}

}  // namespace

ngx_int_t handle_explain(Ctx& ctx) {
    return issue_store(
        ctx,
        worker()->store.reminder_explain(ctx.route.a, ctx.route.b,
                                         on_answer<ExplainRecord, explain_found>, &ctx));
}

}  // namespace wa
