// The reminder engine.
//
// Every worker ticks; a tick is one script call that either finds nothing to
// do, or claims the scheduled run (a lease in Redis, renewed while the run
// lasts), or resumes a run whose runner died (its lease lapsed). Run-now
// begins a run the same way, through run_begin.lua's lease.

#include "ngx_http_wa_report_reminder.hpp"

#include "ngx_http_wa_report_http.hpp"

#include "core/catch_up.hpp"
#include "core/provider.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace wa {

namespace {

// nginx.conf's schedule (wa_report_schedule).
ScheduleState configured_schedule(const ReminderConfig& rc) {
    ScheduleState s;
    s.hour = rc.schedule_hour;
    s.minute = rc.schedule_minute;
    s.enabled = rc.schedule_on;
    return s;
}

}  // namespace

// ---- Engine -------------------------------------------------------------------

Engine::Engine(Worker& worker, ngx_log_t* log)
    : worker_(worker),
      log_(log),
      http_(std::make_unique<HttpClient>(log, worker.config.reminder.timeout,
                                         worker.config.reminder.concurrency + 4)),
      owner_(new_uuid()),
      reap_(
          log, TimerIdent::reminder_reap, true,
          [](void* data) noexcept {
              auto* self = static_cast<Engine*>(data);
              auto& runs = self->draining_;
              runs.erase(std::remove_if(runs.begin(), runs.end(),
                                        [](const std::unique_ptr<Run>& r) { return r->settled(); }),
                         runs.end());
          },
          this) {
    if (const char* fault = std::getenv("WA_REPORT_TEST_FAULT")) {
        fault_ = fault;
    }
}

// The runs go first (their calls are detached), then the gateway client;
// the engine's connection is the worker's and outlives the engine.
Engine::~Engine() {
    current_.reset();
    draining_.clear();
}

bool Engine::start() { return http_->ok(); }

Run& Engine::adopt(std::unique_ptr<Run> run) {
    if (current_) {
        draining_.push_back(std::move(current_));  // never freed with calls in flight
    }
    current_ = std::move(run);
    return *current_;
}

std::string Engine::local_time() const {
    return worker_.config.zone.local_iso(static_cast<int64_t>(ngx_time()));
}

void Engine::run_ended(Run& run) noexcept {
    guard(log_, [&] {
        if (current_.get() == &run) {
            draining_.push_back(std::move(current_));
        }
        reap_.post();
    });
}

void Engine::checkpoint(const char* point) {
    if (!fault_.empty() && fault_ == point) {
        fault_.clear();
        throw std::runtime_error(std::string("injected fault at ") + point);
    }
}

// ---- Reminder -----------------------------------------------------------------

Reminder::Reminder(Worker& worker, ngx_log_t* log)
    : engine_(worker, log),
      tick_(
          log, TimerIdent::reminder_tick, true,
          [](void* data) noexcept {
              auto* self = static_cast<Reminder*>(data);
              guard(self->engine_.log(), [&] { self->tick(); });
          },
          this) {}

Reminder::~Reminder() {
    if (call_ != nullptr) {
        call_->cancel();
    }
    if (begin_call_ != nullptr) {
        begin_call_->cancel();
    }
    if (pending_ && pending_->waiter != nullptr) {
        RunWaiter* w = pending_->waiter;
        pending_->waiter = nullptr;
        w->error = "worker exiting";
        w->fn(w, RunWaiter::End::not_started);
    }
}

void Reminder::start() {
    bool client = engine_.start();
    if (!engine_.config().reminder.enabled) {
        return;
    }
    if (!client) {
        ngx_log_error(NGX_LOG_ERR, engine_.log(), 0, "wa_report: cannot start the gateway client");
        return;
    }
    arm_tick();
}

// Workers tick a little apart, so they do not all ask Redis at once.
void Reminder::arm_tick() {
    ngx_msec_t tick = engine_.config().reminder.tick;
    ngx_msec_t jitter = tick / 10 > 0 ? static_cast<ngx_msec_t>(engine_.random() % (tick / 10)) : 0;
    tick_.arm(tick - tick / 20 + jitter);
}

void Reminder::tick() {
    if (worker_exiting()) {
        return;
    }
    arm_tick();
    if (engine_.current() != nullptr || call_ != nullptr) {
        return;  // the previous tick or a run is still in flight
    }
    if (!schedule_checked_) {
        apply_schedule();
        return;
    }
    send_tick();
}

// Every tick meets the same refusal (an ACL without EVALSHA, OOM) until
// someone fixes it, and without a line the scheduled run just never happens.
void Reminder::log_refused(const char* what, const std::string& reason) {
    std::string line = std::string("wa_report: ") + what;
    if (!reason.empty()) {
        line += " \"" + engine_.store().log_text(reason) + "\"";
    }
    if (refusals_.allow(line, static_cast<int64_t>(ngx_current_msec))) {
        ngx_log_error(NGX_LOG_ERR, engine_.log(), 0, "%s", line.c_str());
    }
}

// At a start or reload the schedule in Redis would otherwise hide an edited
// wa_report_schedule for good; which of them wins is schedule_apply.lua's
// rule, and the first worker of the new configuration says which in the log.
void Reminder::apply_schedule() {
    const Config& c = engine_.config();
    const ReminderConfig& rc = c.reminder;
    int64_t first =
        next_run(c.zone, static_cast<int64_t>(ngx_time()), rc.schedule_hour, rc.schedule_minute);
    call_ = engine_.store().schedule_apply(
        configured_schedule(rc), first, c.load_id,
        [](const Answer<ScheduleApplied>& answer, void* data) noexcept {
            auto* self = static_cast<Reminder*>(data);
            guard(self->engine_.log(), [&] {
                self->call_ = nullptr;
                if (answer.error == StoreError::unavailable) {
                    return;  // Redis down: the next tick asks again
                }
                self->schedule_checked_ = true;
                const Config& c = self->engine_.config();
                const ReminderConfig& rc = c.reminder;
                if (!answer.ok()) {
                    ngx_log_error(NGX_LOG_ERR, self->engine_.log(), 0,
                                  "wa_report: schedule not applied \"%s\"",
                                  self->engine_.store().log_text(answer.reason).c_str());
                    return;
                }
                const ScheduleApplied& applied = answer.value;
                std::string line = schedule_notice(
                    applied.outcome, applied.in_force,
                    schedule_text(rc.schedule_hour, rc.schedule_minute, rc.schedule_on),
                    applied.before, c.zone.name());
                if (!line.empty()) {
                    ngx_log_error(NGX_LOG_NOTICE, self->engine_.log(), 0, "%s", line.c_str());
                }
                if (!worker_exiting() && self->engine_.current() == nullptr && !self->pending_) {
                    self->send_tick();
                }
            });
        },
        this);
}

void Reminder::send_tick() {
    const Config& c = engine_.config();
    const ReminderConfig& rc = c.reminder;
    int64_t now = static_cast<int64_t>(ngx_time());
    int64_t first = next_run(c.zone, now, rc.schedule_hour, rc.schedule_minute);
    call_ = engine_.store().tick(
        now, engine_.owner(), static_cast<int64_t>(rc.lease), configured_schedule(rc), first,
        [](const Answer<TickDecision>& answer, void* data) noexcept {
            auto* self = static_cast<Reminder*>(data);
            guard(self->engine_.log(), [&] {
                self->call_ = nullptr;
                if (!answer.ok()) {
                    // Redis down: its connection says so, the next tick tries again.
                    if (answer.error != StoreError::unavailable) {
                        self->log_refused("reminder tick failed", answer.reason);
                    }
                    return;
                }
                if (self->engine_.current() != nullptr || self->pending_) {
                    // A run-now started meanwhile; it holds this worker's lease now.
                    return;
                }
                const Config& c = self->engine_.config();
                const TickDecision& tick = answer.value;
                int64_t now = static_cast<int64_t>(ngx_time());
                if (tick.kind == TickDecision::Kind::due) {
                    self->begin(c.zone.local_date(now), !c.reminder.gateway->sends, false,
                                next_run(c.zone, now, tick.hour, tick.minute), nullptr);
                } else if (tick.kind == TickDecision::Kind::resume) {
                    self->resume();
                }
            });
        },
        this);
}

void Reminder::resume() {
    call_ = engine_.store().current_run(
        [](const Answer<RunRecord>& answer, void* data) noexcept {
            auto* self = static_cast<Reminder*>(data);
            guard(self->engine_.log(), [&] {
                self->call_ = nullptr;
                if (!answer.ok()) {
                    if (answer.error != StoreError::unavailable) {
                        self->log_refused("cannot read the run to resume", answer.reason);
                    }
                    return;
                }
                const RunRecord& record = answer.value;
                if (!record.exists) {
                    return;
                }
                std::optional<Date> as_of = parse_date(record.as_of);
                if (record.id.empty() || !as_of) {
                    self->log_refused("cannot resume a damaged run record", std::string());
                    return;
                }
                // A run begun by an earlier version has no window_from: its as_of.
                Date from = parse_date(record.window_from).value_or(*as_of);
                Run& run = self->engine_.adopt(
                    std::make_unique<Run>(self->engine_, record.id, *as_of, from, record.dry_run));
                run.start(record.cursor_day, record.cursor_member, true);
            });
        },
        this);
}

void Reminder::run_now(Date as_of, bool dry_run, RunWaiter* waiter) {
    if (engine_.current() != nullptr || pending_) {
        waiter->fn(waiter, RunWaiter::End::busy);
        return;
    }
    begin(as_of, dry_run || !engine_.config().reminder.gateway->sends, true, -1, waiter);
}

void Reminder::begin(Date as_of, bool dry_run, bool manual, int64_t next, RunWaiter* waiter) {
    const Config& c = engine_.config();
    pending_ = std::make_unique<Pending>();
    pending_->id = new_uuid();
    pending_->as_of = as_of;
    pending_->dry_run = dry_run;
    pending_->manual = manual;
    pending_->waiter = waiter;
    if (waiter != nullptr) {
        waiter->run_id = pending_->id;
    }
    // Run-now covers the day it is asked for; only the schedule catches up
    // the days it missed.
    std::vector<Date> missed =
        manual ? std::vector<Date>() : catch_up_days(as_of, c.reminder.catch_up);
    begin_call_ = engine_.store().run_begin(
        engine_.owner(), pending_->id, as_of, dry_run, manual, engine_.local_time(), next,
        static_cast<int64_t>(c.reminder.lease), missed,
        [](const Answer<RunStart>& answer, void* data) noexcept {
            auto* self = static_cast<Reminder*>(data);
            guard(self->engine_.log(), [&] { self->begun(answer); });
        },
        this);
    if (begin_call_ == nullptr) {
        pending_.reset();
        if (waiter != nullptr) {
            waiter->error = "redis unavailable";
            waiter->fn(waiter, RunWaiter::End::not_started);
        }
    }
}

void Reminder::begun(const Answer<RunStart>& answer) {
    begin_call_ = nullptr;
    std::unique_ptr<Pending> p = std::move(pending_);
    if (!p) {
        return;
    }
    if (!answer.ok() && answer.error != StoreError::unavailable) {
        log_refused(p->manual ? "cannot begin a run" : "cannot begin the scheduled run",
                    answer.reason);
    }
    if (!answer.ok() || answer.value.outcome != RunBegin::started) {
        RunWaiter* w = p->waiter;
        if (w == nullptr) {
            return;
        }
        if (answer.ok()) {
            w->fn(w, RunWaiter::End::busy);
        } else if (answer.error != StoreError::unavailable) {
            w->error = "redis error";
            w->fn(w, RunWaiter::End::not_started);
        } else {
            // The script may have run before the answer was lost.
            w->error = "redis unavailable";
            w->fn(w, RunWaiter::End::elsewhere);
        }
        return;
    }
    Date from = parse_date(answer.value.window_from).value_or(p->as_of);
    Run& run = engine_.adopt(std::make_unique<Run>(engine_, p->id, p->as_of, from, p->dry_run));
    run.set_trigger(p->manual ? metrics::Trigger::run_now : metrics::Trigger::schedule);
    if (p->waiter != nullptr) {
        run.add_waiter(p->waiter);
    }
    run.start("", "", false);
}

void Reminder::cancel(RunWaiter* waiter) {
    if (pending_ && pending_->waiter == waiter) {
        pending_->waiter = nullptr;
    }
    if (waiter->run != nullptr) {
        waiter->run->remove_waiter(waiter);
    }
}

}  // namespace wa
