// The scheduler API (/scheduler/maintenance-reminder/...), wire-compatible
// with the old system, behind HS256 JWT bearer authentication. The schedule
// itself lives in Redis, so every worker and instance answers the same.

#include "ngx_http_wa_report_scheduler.hpp"

#include "ngx_http_wa_report_access.hpp"
#include "ngx_http_wa_report_reminder.hpp"
#include "ngx_http_wa_report_respond.hpp"
#include "ngx_http_wa_report_stream.hpp"

#include "core/json.hpp"
#include "core/queries.hpp"
#include "core/schedule.hpp"
#include "core/send_window.hpp"
#include "core/status.hpp"

#include <memory>

namespace wa {

namespace {

const Config& config() { return worker()->config; }

Store& store() { return worker()->store; }

// The old system accepted any bearer token; here the signature is checked
// against the secret of wa_report_jwt_secret_file, and the token must expire
// within wa_report_jwt_max_lifetime. NGX_DECLINED: go on; anything else is
// the 401 already sent.
ngx_int_t check_auth(ngx_http_request_t* r) {
    const ngx_http_wa_report_loc_conf_t* lcf = loc_conf(r);
    AuthSettings s;
    s.mode = AuthMode::jwt;
    s.jwt_secret = sv(lcf->jwt_secret);
    s.jwt_max_lifetime = static_cast<int64_t>(lcf->jwt_max_lifetime);
    return check_bearer(r, s);
}

ngx_int_t send_success(ngx_http_request_t* r, const std::string& data) {
    return send_json(r, NGX_HTTP_OK, scheduler_success(data));
}

// ---- start / stop -----------------------------------------------------------

// The answer of start or stop, prepared before the call that earns it.
struct ScheduleChange : Operation {
    explicit ScheduleChange(std::string a) : answer(std::move(a)) {}
    std::string answer;
};

ngx_int_t schedule_changed(Ctx& ctx, const int64_t&) {
    return send_success(ctx.r, ctx.op_as<ScheduleChange>().answer);
}

ngx_int_t start(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    const ReminderConfig& rc = config().reminder;
    auto time = parse_schedule_time(sv(r->args), rc.schedule_hour, rc.schedule_minute);
    if (!time.value) {
        return send_validation(r, time.errors);
    }
    int hour = time.value->hour;
    int minute = time.value->minute;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return send_json(r, NGX_HTTP_BAD_REQUEST,
                         scheduler_error("Hour harus 0-23 dan minute harus 0-59"));
    }
    int64_t next = next_run(config().zone, static_cast<int64_t>(ngx_time()), hour, minute);
    ctx.op = std::make_unique<ScheduleChange>(start_message_json(hour, minute));
    return issue_store(
        ctx,
        store().schedule_start(hour, minute, next, on_answer<int64_t, schedule_changed>, &ctx));
}

ngx_int_t stop(Ctx& ctx) {
    ctx.op = std::make_unique<ScheduleChange>(stop_message_json());
    return issue_store(ctx, store().schedule_stop(on_answer<int64_t, schedule_changed>, &ctx));
}

// ---- status -----------------------------------------------------------------

ngx_int_t status_read(Ctx& ctx, const ScheduleStatus& status) {
    const Config& c = config();
    ScheduleState configured;
    configured.enabled = c.reminder.schedule_on;
    configured.hour = c.reminder.schedule_hour;
    configured.minute = c.reminder.schedule_minute;
    configured.source = schedule_source_config;
    ScheduleState schedule = schedule_in_force(status.schedule, configured);
    int64_t next =
        status_next_run(c.zone, static_cast<int64_t>(ngx_time()), schedule, status.next_run);
    std::string body = status_json(schedule, c.zone.iso_with_offset(next), status.last_run);
    if (status.paused_until) {
        body = with_paused_until(std::move(body), c.zone.iso_with_offset(*status.paused_until));
    }
    return send_success(ctx.r, body);
}

ngx_int_t status(Ctx& ctx) {
    return issue_store(ctx, store().status(on_answer<ScheduleStatus, status_read>, &ctx));
}

// ---- run-now ----------------------------------------------------------------
//
// run-now answers for its run wherever the run finishes. While the run is
// this worker's, its end arrives through the waiter; once it is not (handed
// over at a reload, lease lost, stalled), the request looks at the run in
// Redis every run_poll_interval until it has finished, and answers 202 with
// the run's id at wa_report_run_now_timeout (run_now_step decides).

constexpr ngx_msec_t run_poll_interval = 500;

class RunNow : public Operation {
public:
    RunNow(Ctx& ctx, ngx_msec_t timeout);
    ~RunNow() override { stop_waiting(); }

    // Asks the reminder for the run; its answer may come at once.
    void begin(Date as_of, bool dry_run);

private:
    static void on_timer(ngx_event_t* ev) noexcept;
    static void on_run_done(RunWaiter* w, RunWaiter::End end) noexcept;
    static void on_summary(const Answer<RunSummary>& answer, void* data) noexcept;

    ngx_int_t run_done(RunWaiter::End end);
    ngx_int_t summary_read(const Answer<RunSummary>& answer);
    ngx_int_t look();
    ngx_int_t step(RunStanding standing, int64_t customers, int64_t sent);
    ngx_int_t answer(ngx_int_t rc);
    void stop_waiting();

    Ctx& ctx_;
    RunWaiter waiter_;
    // Not cancelable: a worker that is shutting down still answers the
    // request before it exits, as nginx lets it finish open requests.
    ngx_event_t timer_{};
    ngx_msec_t deadline_ = 0;  // ngx_current_msec at wa_report_run_now_timeout
    bool following_ = false;   // the run is not this worker's any more
    bool started_ = false;     // the run is known to have begun
};

RunNow::RunNow(Ctx& ctx, ngx_msec_t timeout) : ctx_(ctx), deadline_(ngx_current_msec + timeout) {
    waiter_.fn = on_run_done;
    waiter_.data = this;
    timer_.handler = on_timer;
    // The request's connection, so that nginx's debug log names its fd.
    timer_.data = ctx.r->connection;
    timer_.log = ctx.r->connection->log;
    ngx_add_timer(&timer_, timeout);
}

void RunNow::begin(Date as_of, bool dry_run) {
    worker()->reminder->run_now(as_of, dry_run, &waiter_);
}

void RunNow::stop_waiting() {
    if (timer_.timer_set) {
        ngx_del_timer(&timer_);
    }
    if (worker() != nullptr && worker()->reminder) {
        worker()->reminder->cancel(&waiter_);
    }
}

// Stops waiting before the answer goes out: the request may outlive it
// (a lingering close), and nothing may wake it again.
ngx_int_t RunNow::answer(ngx_int_t rc) {
    stop_waiting();
    return rc;
}

ngx_int_t RunNow::step(RunStanding standing, int64_t customers, int64_t sent) {
    ngx_http_request_t* r = ctx_.r;
    if (standing == RunStanding::running || standing == RunStanding::finished) {
        started_ = true;
    }
    bool past_bound = static_cast<ngx_msec_int_t>(ngx_current_msec - deadline_) >= 0;
    switch (run_now_step(standing, started_, past_bound)) {
    case RunNowStep::answer_result:
        // 200 with the finished run's summary, its details streamed from
        // Redis by the stream, which replaces this operation.
        return stream_run_details(ctx_, waiter_.run_id,
                                  scheduler_success_head() + run_result_head(customers, sent),
                                  run_result_tail() + scheduler_success_tail());
    case RunNowStep::wait: {
        ngx_msec_t left = deadline_ - ngx_current_msec;
        ngx_add_timer(&timer_, following_ ? ngx_min(run_poll_interval, left) : left);
        return NGX_DONE;
    }
    case RunNowStep::answer_pending:
        return answer(send_json(r, NGX_HTTP_ACCEPTED, run_pending_answer(waiter_.run_id)));
    case RunNowStep::answer_stopped:
        return answer(send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                scheduler_error("Job berhenti sebelum selesai")));
    case RunNowStep::answer_not_started:
        return answer(send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                scheduler_error("Job tidak dapat dimulai: " + waiter_.error)));
    case RunNowStep::answer_unavailable: return answer(send_unavailable(r));
    }
    return answer(NGX_HTTP_INTERNAL_SERVER_ERROR);
}

void RunNow::on_summary(const Answer<RunSummary>& answer, void* data) noexcept {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->store_call = nullptr;
    run_step(ctx->r, [&] { return ctx->op_as<RunNow>().summary_read(answer); });
}

ngx_int_t RunNow::summary_read(const Answer<RunSummary>& a) {
    if (a.error == StoreError::unavailable) {
        return step(RunStanding::unreachable, 0, 0);
    }
    if (!a.ok()) {
        return answer(send_store_error(ctx_.r, a.error, a.reason));
    }
    return step(a.value.standing, a.value.customers, a.value.sent);
}

// How the run stands in Redis, on the requests' connection.
ngx_int_t RunNow::look() {
    StoreCall* call = store().run_summary(waiter_.run_id, on_summary, &ctx_);
    if (call == nullptr) {
        return step(RunStanding::unreachable, 0, 0);
    }
    ctx_.store_call = call;
    return NGX_DONE;
}

void RunNow::on_timer(ngx_event_t* ev) noexcept {
    auto* c = static_cast<ngx_connection_t*>(ev->data);
    auto* r = static_cast<ngx_http_request_t*>(c->data);
    Ctx* ctx = ctx_of(r);
    run_step(r, [ctx] {
        // A look in flight decides when it is answered.
        return ctx->store_call == nullptr ? ctx->op_as<RunNow>().look() : NGX_DONE;
    });
}

void RunNow::on_run_done(RunWaiter* w, RunWaiter::End end) noexcept {
    auto* rn = static_cast<RunNow*>(w->data);
    run_step(rn->ctx_.r, [rn, end] { return rn->run_done(end); });
}

ngx_int_t RunNow::run_done(RunWaiter::End end) {
    ngx_http_request_t* r = ctx_.r;
    switch (end) {
    case RunWaiter::End::busy:
        return answer(send_json(r, NGX_HTTP_CONFLICT, scheduler_error("Job sedang berjalan")));
    case RunWaiter::End::not_started:
        return answer(send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                scheduler_error("Job tidak dapat dimulai: " + waiter_.error)));
    case RunWaiter::End::paused:
        // Nothing to wait for before the window opens again (hours).
        return answer(send_json(r, NGX_HTTP_ACCEPTED, run_pending_answer(waiter_.run_id)));
    case RunWaiter::End::finished:
    case RunWaiter::End::elsewhere: break;
    }
    started_ = started_ || waiter_.started;
    following_ = true;
    if (timer_.timer_set) {
        ngx_del_timer(&timer_);
    }
    if (ctx_.store_call != nullptr) {
        return NGX_DONE;  // the look in flight decides
    }
    return look();
}

ngx_int_t run_now(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    const Config& c = config();
    auto query = parse_run_now_query(sv(r->args));
    if (!query.value) {
        return send_validation(r, query.errors);
    }
    Date as_of = query.value->date.value_or(c.zone.local_date(static_cast<int64_t>(ngx_time())));
    bool dry = query.value->dry_run;
    if (!worker()->reminder) {
        return send_unavailable(r);
    }
    ctx.op = std::make_unique<RunNow>(ctx, c.reminder.run_now_timeout);
    r->main->count++;
    ctx.op_as<RunNow>().begin(as_of, dry);
    return NGX_DONE;
}

ngx_int_t serve(ngx_http_request_t* r) {
    Worker* w = worker();
    if (w == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ngx_int_t discarded = ngx_http_discard_request_body(r);
    if (discarded != NGX_OK) {
        return discarded;  // a broken chunked body is nginx's 400
    }
    std::string_view uri = sv(r->uri);
    std::string_view base = sv(loc_conf(r)->base);
    std::string_view path = uri.substr(ngx_min(base.size(), uri.size()));

    const SchedulerRouteSpec* def = find_scheduler_route(path);
    if (def == nullptr) {
        return send_not_found(r, "Not Found");
    }
    Method method = method_of(r);
    if (method != def->method) {
        return send_json_with(r, NGX_HTTP_NOT_ALLOWED, detail_error("Method Not Allowed"), "Allow",
                              method_name(def->method));
    }
    ngx_int_t rc = check_auth(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }
    // After the token check, so a caller without one learns nothing.
    std::vector<FieldError> query = query_errors(method, sv(r->args), def->params);
    if (!query.empty()) {
        return send_validation(r, query);
    }
    Ctx* ctx = create_ctx(r);
    if (ctx == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!w->store.available()) {
        return send_unavailable(r);
    }
    switch (def->route) {
    case SchedulerRoute::start: return start(*ctx);
    case SchedulerRoute::stop: return stop(*ctx);
    case SchedulerRoute::status: return status(*ctx);
    case SchedulerRoute::run_now: return run_now(*ctx);
    }
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace

}  // namespace wa

ngx_int_t ngx_http_wa_report_scheduler_handler(ngx_http_request_t* r) noexcept {
    return wa::serve_guarded(r, wa::serve);
}
