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

// A run begun at `at` outside wa_report_send_window waits for its next
// opening (Run's own rule): when that is, else "".
std::string window_opens(const Config& c, int64_t at) {
    const std::optional<SendWindow>& w = c.reminder.window;
    if (!w || w->contains(c.zone, at)) {
        return "";
    }
    return c.zone.iso_with_offset(w->next_opening(c.zone, at));
}

// The run the answer is about: the run in progress while it has still to
// meet the vehicle; else the next scheduled one while the schedule is on
// (its day local to the zone, catching up as the scheduled run will); else
// a run-now today, which never catches up.
ExplainRun next_run_of(const ExplainRecord& rec, const Config& c, bool* scheduled) {
    const ReminderConfig& rc = c.reminder;
    int64_t now = static_cast<int64_t>(ngx_time());
    ExplainRun run;
    run.lead_days = rc.lead_days;
    run.mode = rc.daily ? RemindMode::daily : RemindMode::once;
    // The schedule is Redis's, shared by every instance: one whose own
    // workers take no part in runs (wa_report_reminder off) answers the same.
    *scheduled = rec.schedule_enabled && rec.next_run.has_value();
    // A run in progress that has not handled the vehicle yet is the run
    // that will: it keeps its own day and window, and one waiting for the
    // send window sends at the opening (run_begin.lua has moved the
    // schedule's next_run on to the next day already).
    const ExplainRecord::CurrentRun& cur = rec.current;
    std::optional<Date> cur_day = parse_date(cur.as_of);
    if (!cur.id.empty() && !cur.dry_run && !cur.handled && cur_day) {
        bool paused = cur.paused_until > now;
        run.at = *scheduled ? c.zone.iso_with_offset(paused ? cur.paused_until : now) : "";
        run.as_of = *cur_day;
        run.window_from = parse_date(cur.window_from).value_or(*cur_day);
        run.window_opens = paused ? c.zone.iso_with_offset(cur.paused_until) : "";
        return run;
    }
    if (!*scheduled) {
        run.as_of = c.zone.local_date(now);
        run.window_from = run.as_of;
        run.window_opens = window_opens(c, now);
        return run;
    }
    // A next_run already passed is due at the next tick: the run is now.
    int64_t at = *rec.next_run > now ? *rec.next_run : now;
    run.at = c.zone.iso_with_offset(at);
    run.as_of = c.zone.local_date(at);
    run.window_from = window_first(run.as_of, rc.catch_up, parse_date(rec.covered));
    run.window_opens = window_opens(c, at);
    return run;
}

// The record while the customer's phone's suppression and the vehicle's
// last message are read.
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

// What the delivery records know of the vehicle's last counted message.
ngx_int_t explain_delivered(Ctx& ctx, const std::optional<MessageRecord>& m) {
    auto& op = ctx.op_as<ExplainSteps>();
    if (m) {
        ExplainRecord::Delivery d;
        d.status = m->status;
        d.at = m->status_at > 0 ? worker()->config.zone.local_iso(m->status_at) : "";
        d.error_code = m->error_code;
        d.error_title = m->error_title;
        op.rec.delivery = d;
    }
    return explain_answer(ctx, op.rec);
}

ngx_int_t explain_last_message(Ctx& ctx) {
    auto& op = ctx.op_as<ExplainSteps>();
    if (op.rec.row.reminded_on.empty()) {
        return explain_answer(ctx, op.rec);
    }
    return next_call(ctx,
                     worker()->store.vehicle_last_message(
                         ctx.route.a, ctx.route.b,
                         on_answer<std::optional<MessageRecord>, explain_delivered>, &ctx));
}

ngx_int_t explain_suppressed(Ctx& ctx, const std::vector<bool>& suppressed) {
    auto& op = ctx.op_as<ExplainSteps>();
    op.rec.row.opted_out = !suppressed.empty() && suppressed[0];
    return explain_last_message(ctx);
}

ngx_int_t explain_found(Ctx& ctx, const ExplainRecord& rec) {
    // A vehicle of another customer is not this customer's to ask about.
    if (!rec.vehicle_exists || rec.row.customer_id != ctx.route.a) {
        return send_not_found(ctx.r, "Vehicle tidak ditemukan");
    }
    // The run reads the suppression of the batch's phones before it
    // classifies (Run::check_opt_outs): so does the answer, by the same
    // normalised number, or the two would disagree on a suppressed one.
    auto op = std::make_unique<ExplainSteps>();
    op->rec = rec;
    ctx.op = std::move(op);
    std::optional<std::string> phone = normalize_phone(rec.row.customer_phone);
    if (!phone) {
        return explain_last_message(ctx);
    }
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
