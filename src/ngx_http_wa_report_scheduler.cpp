// The scheduler API (/scheduler/maintenance-reminder/...), wire-compatible
// with the old system, behind HS256 JWT bearer authentication. The schedule
// itself lives in Redis, so every worker and instance answers the same.

#include "ngx_http_wa_report_handler.hpp"
#include "ngx_http_wa_report_reminder.hpp"

#include "core/input.hpp"
#include "core/json.hpp"
#include "core/jwt.hpp"
#include "core/schedule.hpp"

#include <cstdlib>
#include <new>

namespace wa {

namespace {

const Config& config() {
    return worker()->config;
}

ngx_int_t send_auth_error(ngx_http_request_t* r, const char* detail) {
    return send_json_with(r, NGX_HTTP_UNAUTHORIZED, detail_error(detail), "WWW-Authenticate",
                          "Bearer");
}

// The old system accepted any bearer token; here the signature is checked
// against the secret of wa_report_jwt_secret_file, and the token must expire
// within wa_report_jwt_max_lifetime. NGX_DECLINED: go on; anything else is
// the 401 already sent.
ngx_int_t check_auth(ngx_http_request_t* r) {
    if (r->headers_in.authorization == nullptr) {
        return send_auth_error(r, "Not authenticated");
    }
    auto token = bearer_token(sv(r->headers_in.authorization->value));
    if (!token) {
        return send_auth_error(r, "Invalid authentication credentials");
    }
    const ngx_http_wa_report_loc_conf_t* lcf = loc_conf(r);
    JwtStatus st = verify_hs256(*token, sv(lcf->jwt_secret), static_cast<int64_t>(ngx_time()),
                                static_cast<int64_t>(lcf->jwt_max_lifetime));
    if (st != JwtStatus::ok) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "wa_report: bearer token refused \"%s\"",
                      jwt_status_name(st));
        return send_auth_error(r, "Invalid authentication credentials");
    }
    return NGX_DECLINED;
}

// FastAPI's int query parameter: absent -> fallback; not an integer -> 422.
bool query_int(ngx_http_request_t* r, const char* name, int fallback, int& out,
               std::vector<FieldError>& errors) {
    auto v = query_arg(sv(r->args), name);
    if (!v) {
        out = fallback;
        return true;
    }
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || end != v->c_str() + v->size() || n < -1000000 || n > 1000000) {
        errors.push_back(int_error("query", name));
        return false;
    }
    out = static_cast<int>(n);
    return true;
}

ngx_int_t send_success(ngx_http_request_t* r, const std::string& data) {
    return send_json(r, NGX_HTTP_OK, scheduler_success(data));
}

Ctx* take(redisReply* reply, void* data) {
    return take_reply(reply, data, 0);
}

ngx_int_t issue(Ctx* ctx, Call* call) {
    return issue_call(ctx, call);
}

// ---- start / stop -----------------------------------------------------------

void on_schedule_set(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data);
    if (ctx == nullptr) {
        return;
    }
    finish(ctx->r, send_success(ctx->r, ctx->answer));
}

ngx_int_t start(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    const ReminderConfig& rc = config().reminder;
    std::vector<FieldError> errors;
    int hour = 0, minute = 0;
    query_int(r, "hour", rc.schedule_hour, hour, errors);
    query_int(r, "minute", rc.schedule_minute, minute, errors);
    if (!errors.empty()) {
        return send_json(r, http_unprocessable, validation_errors(errors));
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        return send_json(r, NGX_HTTP_BAD_REQUEST,
                         scheduler_error("Hour harus 0-23 dan minute harus 0-59"));
    }
    int64_t next = next_run(config().zone, static_cast<int64_t>(ngx_time()), hour, minute);
    ctx->answer = start_message_json(hour, minute);
    return issue(ctx, worker()->redis.command(
                          {"HSET", config().keys.schedule(), "enabled", "1", "hour",
                           std::to_string(hour), "minute", std::to_string(minute), "next_run",
                           std::to_string(next), "source", schedule_source_api},
                          on_schedule_set, ctx));
}

ngx_int_t stop(Ctx* ctx) {
    ctx->answer = stop_message_json();
    // The time stays, so status and a later start still know it.
    return issue(ctx, worker()->redis.command({"HSET", config().keys.schedule(), "enabled", "0",
                                               "source", schedule_source_api},
                                              on_schedule_set, ctx));
}

// ---- status -----------------------------------------------------------------

std::string field(const std::vector<std::pair<std::string, std::string>>& kv, const char* name) {
    for (const auto& [k, v] : kv) {
        if (k == name) {
            return v;
        }
    }
    return std::string();
}

void on_status(redisReply* reply, void* data) {
    Ctx* ctx = take(reply, data);
    if (ctx == nullptr) {
        return;
    }
    ngx_http_request_t* r = ctx->r;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 6) {
        finish(r, send_json(r, NGX_HTTP_INTERNAL_SERVER_ERROR, detail_error("Internal Server Error")));
        return;
    }
    const Config& c = config();
    const ReminderConfig& rc = c.reminder;
    ScheduleState configured;
    configured.enabled = rc.schedule_on;
    configured.hour = rc.schedule_hour;
    configured.minute = rc.schedule_minute;
    configured.source = schedule_source_config;
    // Before any worker has ticked, the schedule is still the directive's.
    bool known = reply->element[0]->type != REDIS_REPLY_NIL;
    ScheduleState schedule = configured;
    if (known) {
        schedule.enabled = reply_str(reply->element[0]) == "1";
        schedule.hour = static_cast<int>(reply_int(reply->element[1]));
        schedule.minute = static_cast<int>(reply_int(reply->element[2]));
        schedule.source = reply_str(reply->element[4]);
        if (schedule.source.empty()) {
            schedule.source = guessed_source(schedule, configured);
        }
    }
    int64_t now = static_cast<int64_t>(ngx_time());
    int64_t next = known && reply->element[3]->type != REDIS_REPLY_NIL
        ? reply_int(reply->element[3])
        : next_run(c.zone, now, schedule.hour, schedule.minute);
    if (next < now) {
        next = next_run(c.zone, now, schedule.hour, schedule.minute);  // a run is due right now
    }

    std::vector<std::pair<std::string, std::string>> last;
    for (size_t i = 6; i + 1 < reply->elements; i += 2) {
        last.emplace_back(reply_str(reply->element[i]), reply_str(reply->element[i + 1]));
    }
    std::optional<LastRun> lr;
    if (!last.empty()) {
        auto count = [&](const char* name) {
            return std::strtoll(field(last, name).c_str(), nullptr, 10);
        };
        LastRun l;
        l.id = field(last, "id");
        l.started_at = field(last, "started_at");
        l.finished_at = field(last, "finished_at");
        l.total = count("total");
        l.sent = count("sent");
        l.failed = count("failed");
        l.skipped = count("skipped");
        l.unknown = count("unknown");
        l.dry = count("dry");
        l.dry_run = field(last, "dry_run") == "1";
        if (!field(last, "customers").empty()) {
            l.customers = count("customers");
        }
        lr = l;
    }
    finish(r, send_success(r, status_json(schedule, c.zone.iso_with_offset(next), lr)));
}

ngx_int_t status(Ctx* ctx) {
    const Keys& k = config().keys;
    return issue(ctx, worker()->redis.script(Script::status,
                                             {k.schedule(), k.run_current(), k.run_last()}, {},
                                             on_status, ctx));
}

// ---- run-now ----------------------------------------------------------------
//
// run-now answers for its run wherever the run finishes. While the run is
// this worker's, its end arrives through the waiter; once it is not (handed
// over at a reload, lease lost, stalled), the request looks at the run in
// Redis every run_poll_interval until it has finished, and answers 202 with
// the run's id at wa_report_run_now_timeout (run_now_step decides).

constexpr ngx_msec_t run_poll_interval = 500;

struct RunNow {
    RunWaiter waiter;
    Ctx* ctx = nullptr;
    // Not cancelable: a worker that is shutting down still answers the
    // request before it exits, as nginx lets it finish open requests.
    ngx_event_t timer{};
    ngx_msec_t deadline = 0;   // ngx_current_msec at wa_report_run_now_timeout
    bool following = false;    // the run is not this worker's any more
    bool started = false;      // the run is known to have begun
};

void look(RunNow* rn);

void stop_waiting(RunNow* rn) {
    if (rn->timer.timer_set) {
        ngx_del_timer(&rn->timer);
    }
    if (worker() != nullptr && worker()->reminder) {
        worker()->reminder->cancel(&rn->waiter);
    }
}

void answer(RunNow* rn, ngx_int_t rc) {
    stop_waiting(rn);
    finish(rn->ctx->r, rc);
}

void free_run_now(void* p) {
    auto* rn = static_cast<RunNow*>(p);
    stop_waiting(rn);
    delete rn;
}

// 200 with the finished run's summary, its details streamed from Redis.
void answer_result(RunNow* rn, int64_t customers, int64_t sent) {
    Ctx* ctx = rn->ctx;
    std::string key = config().keys.run_details(rn->waiter.run_id);
    std::string head = scheduler_success_head() + run_result_head(customers, sent);
    // The stream takes the context's aux over.
    ctx->aux_free(ctx->aux);
    ctx->aux = nullptr;
    ctx->aux_free = nullptr;
    stream_run_details(ctx, key, head, run_result_tail() + scheduler_success_tail());
}

void step(RunNow* rn, RunStanding standing, int64_t customers, int64_t sent) {
    ngx_http_request_t* r = rn->ctx->r;
    if (standing == RunStanding::running || standing == RunStanding::finished) {
        rn->started = true;
    }
    bool past_bound = static_cast<ngx_msec_int_t>(ngx_current_msec - rn->deadline) >= 0;
    switch (run_now_step(standing, rn->started, past_bound)) {
    case RunNowStep::answer_result:
        answer_result(rn, customers, sent);
        return;
    case RunNowStep::wait: {
        ngx_msec_t left = rn->deadline - ngx_current_msec;
        ngx_add_timer(&rn->timer, rn->following ? ngx_min(run_poll_interval, left) : left);
        return;
    }
    case RunNowStep::answer_pending:
        answer(rn, send_json(r, NGX_HTTP_ACCEPTED, run_pending_answer(rn->waiter.run_id)));
        return;
    case RunNowStep::answer_stopped:
        answer(rn, send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                             scheduler_error("Job berhenti sebelum selesai")));
        return;
    case RunNowStep::answer_not_started:
        answer(rn, send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                             scheduler_error("Job tidak dapat dimulai: " + rn->waiter.error)));
        return;
    case RunNowStep::answer_unavailable:
        answer(rn, send_unavailable(r));
        return;
    }
}

void on_look(redisReply* reply, void* data) {
    auto* ctx = static_cast<Ctx*>(data);
    ctx->call = nullptr;
    auto* rn = static_cast<RunNow*>(ctx->aux);
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        answer(rn, send_redis_error(ctx->r, reply));
        return;
    }
    RunStanding standing = RunStanding::unreachable;
    int64_t customers = 0, sent = 0;
    if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1) {
        std::string s = reply_str(reply->element[0]);
        if (s == "finished" && reply->elements >= 3) {
            standing = RunStanding::finished;
            customers = reply_int(reply->element[1]);
            sent = reply_int(reply->element[2]);
        } else if (s == "running") {
            standing = RunStanding::running;
        } else if (s == "unknown") {
            standing = RunStanding::unknown;
        }
    }
    step(rn, standing, customers, sent);
}

// How the run stands in Redis, on the requests' connection.
void look(RunNow* rn) {
    Ctx* ctx = rn->ctx;
    const Keys& k = config().keys;
    ctx->call = worker()->redis.script(Script::run_summary,
                                       {k.run_current(), k.run_result(rn->waiter.run_id)},
                                       {rn->waiter.run_id}, on_look, ctx);
    if (ctx->call == nullptr) {
        step(rn, RunStanding::unreachable, 0, 0);
    }
}

void on_run_timer(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        auto* rn = static_cast<RunNow*>(ev->data);
        if (rn->ctx->call == nullptr) {
            look(rn);
        }
        })) {
    }
}

void on_run_done(RunWaiter* w, RunWaiter::End end) {
    auto* rn = static_cast<RunNow*>(w->data);
    ngx_http_request_t* r = rn->ctx->r;
    switch (end) {
    case RunWaiter::End::busy:
        answer(rn, send_json(r, NGX_HTTP_CONFLICT, scheduler_error("Job sedang berjalan")));
        return;
    case RunWaiter::End::not_started:
        answer(rn, send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                             scheduler_error("Job tidak dapat dimulai: " + w->error)));
        return;
    case RunWaiter::End::finished:
    case RunWaiter::End::elsewhere:
        break;
    }
    rn->started = rn->started || w->started;
    rn->following = true;
    if (rn->timer.timer_set) {
        ngx_del_timer(&rn->timer);
    }
    if (rn->ctx->call == nullptr) {
        look(rn);  // else the look in flight decides
    }
}

ngx_int_t run_now(Ctx* ctx) {
    ngx_http_request_t* r = ctx->r;
    const Config& c = config();
    Date as_of = c.zone.local_date(static_cast<int64_t>(ngx_time()));
    if (auto d = query_arg(sv(r->args), "date")) {
        auto parsed = parse_query_date(*d, "date");
        if (!parsed.value) {
            return send_json(r, http_unprocessable, validation_errors(parsed.errors));
        }
        as_of = *parsed.value;
    }
    bool dry = false;
    if (auto d = query_arg(sv(r->args), "dry_run")) {
        if (*d == "true" || *d == "1" || *d == "yes" || *d == "on") {
            dry = true;
        } else if (!(*d == "false" || *d == "0" || *d == "no" || *d == "off")) {
            return send_json(r, http_unprocessable,
                             validation_errors({FieldError{"query", "dry_run",
                                                           "value could not be parsed to a boolean",
                                                           "type_error.bool", 0}}));
        }
    }
    if (!worker()->reminder) {
        return send_unavailable(r);
    }
    auto* rn = new (std::nothrow) RunNow();
    if (rn == nullptr) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    rn->ctx = ctx;
    rn->waiter.fn = on_run_done;
    rn->waiter.data = rn;
    rn->timer.handler = on_run_timer;
    rn->timer.data = rn;
    rn->timer.log = r->connection->log;
    rn->deadline = ngx_current_msec + c.reminder.run_now_timeout;
    ctx->aux = rn;
    ctx->aux_free = free_run_now;
    ngx_add_timer(&rn->timer, c.reminder.run_now_timeout);
    r->main->count++;
    worker()->reminder->run_now(as_of, dry, &rn->waiter);
    return NGX_DONE;
}

}  // namespace

}  // namespace wa

ngx_int_t ngx_http_wa_report_scheduler_handler(ngx_http_request_t* r) {
    try {
        wa::Worker* w = wa::worker();
        if (w == nullptr) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        ngx_int_t discarded = ngx_http_discard_request_body(r);
        if (discarded != NGX_OK) {
            return discarded;  // a broken chunked body is nginx's 400
        }
        std::string_view uri = wa::sv(r->uri);
        std::string_view base = wa::sv(wa::loc_conf(r)->base);
        std::string_view path = uri.substr(ngx_min(base.size(), uri.size()));

        const wa::SchedulerRouteSpec* def = wa::find_scheduler_route(path);
        if (def == nullptr) {
            return wa::send_json(r, NGX_HTTP_NOT_FOUND, wa::detail_error("Not Found"));
        }
        wa::Method method = wa::method_of(r);
        if (method != def->method) {
            return wa::send_json_with(r, NGX_HTTP_NOT_ALLOWED, wa::detail_error("Method Not Allowed"),
                                      "Allow", wa::method_name(def->method));
        }
        ngx_int_t rc = wa::check_auth(r);
        if (rc != NGX_DECLINED) {
            return rc;
        }
        // After the token check, so a caller without one learns nothing.
        std::vector<wa::FieldError> query = wa::query_errors(method, wa::sv(r->args), def->params);
        if (!query.empty()) {
            return wa::send_json(r, wa::http_unprocessable, wa::validation_errors(query));
        }
        wa::Ctx* ctx = wa::create_ctx(r);
        if (ctx == nullptr) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (!w->redis.available()) {
            return wa::send_unavailable(r);
        }
        switch (def->route) {
        case wa::SchedulerRoute::Start: return wa::start(ctx);
        case wa::SchedulerRoute::Stop: return wa::stop(ctx);
        case wa::SchedulerRoute::Status: return wa::status(ctx);
        case wa::SchedulerRoute::RunNow: return wa::run_now(ctx);
        }
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "wa_report: exception \"%s\"",
                      wa::log_value(e.what()).c_str());
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}
