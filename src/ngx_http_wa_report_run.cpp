// A reminder run.
//
// The run reads due vehicles a batch at a time from the per-day due index,
// lets its sender mark each attempt in Redis, send it and count an accepted
// send with the same script as POST /whatsapp-report/record. After each
// batch it saves its cursor, its details and the set of vehicles it handled,
// so whoever resumes it neither repeats nor skips a vehicle.
//
// What a crash costs: an attempt whose gateway answer was not counted before
// the worker died stays marked, and the next run reports it as "unknown"
// instead of sending again (at most one send per vehicle and cycle).

#include "ngx_http_wa_report_run.hpp"

#include "core/group.hpp"
#include "core/phone.hpp"
#include "core/run.hpp"

#include <algorithm>

namespace wa {

namespace {

constexpr size_t batch_size = 50;
// The most vehicles a customer may have for customer_due.lua to read them
// (one Redis call, kept short); a larger fleet gets a message per vehicle.
constexpr size_t group_customer_limit = 1000;
constexpr int64_t details_ttl = 7 * 86400;

// Longer than one message can take (every attempt timing out, every wait
// between them as long as allowed), so only a run that makes no progress at
// all is taken for stalled.
ngx_msec_t hold_time(const ReminderConfig& rc) {
    return (rc.timeout + rc.retry_after_max) * static_cast<ngx_msec_t>(rc.retries + 2) + 60000;
}

ngx_uint_t ngx_level(LogLevel level) {
    switch (level) {
    case LogLevel::error: return NGX_LOG_ERR;
    case LogLevel::warn: return NGX_LOG_WARN;
    default: return NGX_LOG_NOTICE;
    }
}

// A stop's reason with what Redis said, when it said something (NOPERM, OOM).
template <class T>
std::string redis_failure(const char* what, const Answer<T>& answer) {
    if (answer.reason.empty()) {
        return what;
    }
    return std::string(what) + ": " + answer.reason;
}

// "for 2026-11-30 (Asia/Jakarta)": a run's day is local to wa_report_timezone.
std::string for_day(Date as_of, const Config& config) {
    return "for " + local_date_text(as_of, config.zone.name());
}

// A customer's number and the whole text are personal data, in a log that
// often leaves the machine: only wa_report_log_messages shows them.
void log_dry_run(ngx_log_t* log, const ReminderConfig& rc, const Item& item) {
    if (rc.log_messages) {
        ngx_log_error(NGX_LOG_NOTICE, log, 0,
                      "wa_report: dry run: message to \"%s\" for \"%s\": \"%s\"",
                      log_value(item.phone).c_str(), log_value(item.detail.no_pol).c_str(),
                      log_value(item.text).c_str());
    } else {
        ngx_log_error(NGX_LOG_NOTICE, log, 0, "wa_report: dry run: message to \"%s\" for \"%s\"",
                      log_value(mask_phone(item.phone)).c_str(),
                      log_value(mask_phones(item.detail.no_pol)).c_str());
    }
}

// The run's summary, at the level an admin must see it at: Debian's nginx
// logs from `error` up, and a run whose every send failed is an error. The
// counters are the whole run's, across handovers; the last failure is this
// runner's, a gateway's text (masked: it may repeat the recipient's number).
void log_finished(ngx_log_t* log, const std::string& id, const std::string& day, const RunCounts& c,
                  const std::string& last_failure) {
    std::string last;
    if (c.failed > 0 && !last_failure.empty()) {
        last = ", last failure \"" + log_value(mask_phones(last_failure)) + "\"";
    }
    ngx_log_error(ngx_level(run_finished_level(c)), log, 0,
                  "wa_report: run \"%s\" %s finished: %s%s", log_value(id).c_str(), day.c_str(),
                  run_counts_text(c).c_str(), last.c_str());
}

// The vehicles to send that one message cannot name in full pass, like
// those over kGroupMaxVehicles: the run meets them again and they go in
// another message, so none is counted for a message that does not name it.
void limit_to_what_fits(std::vector<DueDecision>& plan, const ReminderConfig& rc) {
    std::vector<size_t> sending;
    std::vector<std::string> lines;
    for (size_t i = 0; i < plan.size(); i++) {
        if (plan[i].action == DueDecision::Action::send) {
            MessageFields f = plan[i].fields;
            f.service_phone = rc.service_phone;
            lines.push_back(vehicle_line(*rc.vehicle_line, f));
            sending.push_back(i);
        }
    }
    if (sending.empty()) {
        return;
    }
    MessageFields lead = plan[sending[0]].fields;
    lead.service_phone = rc.service_phone;
    size_t fit = group_lines_that_fit(*rc.message, lead, lines, rc.provider == Provider::cloud_api);
    for (size_t k = fit; k < sending.size(); k++) {
        plan[sending[k]] = DueDecision{};  // pass
    }
}

}  // namespace

// ---- the lease ----------------------------------------------------------------

// Renews the run's lease every third of wa_report_run_lease while the run
// lasts; an answer that the lease is not this owner's any more ends the run.
class Run::Lease {
public:
    explicit Lease(Run& run)
        : run_(run),
          timer_(
              run.host_.log(), TimerIdent::run_lease, true,
              [](void* data) noexcept {
                  auto* self = static_cast<Lease*>(data);
                  self->run_.guard_.enter([&] { self->renew(); });
              },
              this) {}

    ~Lease() {
        if (call_ != nullptr) {
            call_->cancel();
        }
    }

    void start() { timer_.arm(period()); }
    void stop() { timer_.cancel(); }

private:
    ngx_msec_t period() const { return run_.host_.config().reminder.lease / 3; }

    void renew() {
        if (run_.ended_) {
            return;
        }
        timer_.arm(period());
        if (call_ != nullptr) {
            return;  // the last renewal is still on its way
        }
        if (worker_exiting()) {
            run_.sender_.pump();  // a quiet run notices the shutdown here at the latest
        }
        RunHost& host = run_.host_;
        call_ = host.store().lease_renew(
            host.owner(), static_cast<int64_t>(host.config().reminder.lease),
            [](const Answer<bool>& answer, void* data) noexcept {
                auto* self = static_cast<Lease*>(data);
                self->run_.guard_.answer([&] {
                    self->call_ = nullptr;
                    if (!self->run_.ended_ && answer.ok() && !answer.value) {
                        self->run_.end(false, "lost the run's lease");
                    }
                });
            },
            this);
        if (call_ != nullptr) {
            run_.guard_.expect();
        }
    }

    Run& run_;
    Timer timer_;
    StoreCall* call_ = nullptr;
};

// ---- Run ------------------------------------------------------------------------

Run::Run(RunHost& host, std::string run_id, Date as_of, Date window_from, bool dry)
    : id(std::move(run_id)),
      host_(host),
      as_of_(as_of),
      window_from_(window_from),
      dry_(dry),
      guard_(
          host.log(),
          [](void* run) noexcept { static_cast<Run*>(run)->end(false, "internal error"); },
          [](void* run) noexcept {
              auto* self = static_cast<Run*>(run);
              if (self->settled()) {
                  self->hold_.cancel();
                  self->host_.run_ended(*self);
              }
          },
          this),
      sender_(host, *this, guard_, id, as_of),
      lease_(std::make_unique<Lease>(*this)),
      hold_(
          host.log(), TimerIdent::run_hold, false,
          [](void* run) noexcept {
              auto* self = static_cast<Run*>(run);
              self->guard_.enter([&] { self->end(false, "run stalled"); });
          },
          this),
      classify_(
          host.log(), TimerIdent::run_slice, true,
          [](void* run) noexcept {
              auto* self = static_cast<Run*>(run);
              self->guard_.answer([&] { self->classify_some(); });
          },
          this),
      window_(
          host.log(), TimerIdent::send_window, true,
          [](void* run) noexcept {
              auto* self = static_cast<Run*>(run);
              self->guard_.enter([&] { self->close_window(); });
          },
          this) {}

Run::~Run() {
    if (call_ != nullptr) {
        call_->cancel();
    }
    for (RunWaiter* w : waiters_) {
        w->run = nullptr;
    }
}

void Run::add_waiter(RunWaiter* w) {
    w->run = this;
    w->run_id = id;
    w->started = true;
    waiters_.push_back(w);
}

void Run::remove_waiter(RunWaiter* w) {
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), w), waiters_.end());
    w->run = nullptr;
}

// Every step of a run is one Store call at a time; without Redis the run
// stops here, and whoever resumes it carries it on.
void Run::issue(StoreCall* call) {
    call_ = call;
    if (call_ == nullptr) {
        end(false, "redis unavailable");
        return;
    }
    guard_.expect();
}

// The start of every answer to a step: the call is over. false when there
// is nothing more to do: the run has ended, or the call failed (the run
// then stops, with what Redis said when it said something).
template <class T>
bool Run::answered(const Answer<T>& answer, const char* what) {
    call_ = nullptr;
    if (ended_) {
        return false;
    }
    if (!answer.ok()) {
        end(false, redis_failure(what, answer));
        return false;
    }
    return true;
}

void Run::start(std::string cursor_day, std::string cursor_member, bool resumed) {
    guard_.enter([&] {
        cursor_day_ = std::move(cursor_day);
        cursor_member_ = std::move(cursor_member);
        started_ = ngx_current_msec;
        trigger_ = resumed ? metrics::Trigger::resumed : trigger_;
        ngx_log_error(NGX_LOG_NOTICE, host_.log(), 0, "wa_report: run \"%s\" %s %s%s",
                      log_value(id).c_str(), for_day(as_of_, host_.config()).c_str(),
                      resumed ? "resumed" : "started", dry_ ? ", dry run" : "");
        lease_->start();
        hold_.arm(hold_time(host_.config().reminder));
        if (!watch_window()) {
            return;
        }
        fetch();
    });
}

void Run::fetch() {
    if (worker_exiting() || pausing_) {
        release();
        return;
    }
    hold_.arm(hold_time(host_.config().reminder));
    int64_t first = days_from_civil(window_from_);
    int64_t last = days_from_civil(as_of_) + host_.config().reminder.lead_days - 1;
    issue(host_.store().due_batch(
        host_.owner(), id, first, last, cursor_day_, cursor_member_, batch_size,
        [](const Answer<DueBatch>& answer, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                if (!self->answered(answer, "redis failed while reading due vehicles")) {
                    return;
                }
                self->host_.checkpoint("run_batch");
                const DueBatch& batch = answer.value;
                if (batch.lost) {
                    self->end(false, "lost the run's lease");
                    return;
                }
                self->next_day_ = batch.cursor_day;
                self->next_member_ = batch.cursor_member;
                self->window_done_ = batch.window_done;
                self->items_.clear();
                self->open_items_ = 0;
                // Items decided right away (skips) must not end the batch
                // while the rest of it is still being read.
                self->classifying_ = true;
                self->rows_ = answer.value.rows;
                self->next_row_ = 0;
                self->check_opt_outs();
            });
        },
        this));
}

// Suppression is keyed by the normalised phone, which due_batch.lua does not
// compute: one read-only call per batch marks the rows whose phone is
// suppressed before any is classified. (A phone suppressed after this read
// is still caught by attempt_begin.lua, right before its send.)
void Run::check_opt_outs() {
    std::vector<std::string> phones;
    opt_out_rows_.clear();
    for (size_t i = 0; i < rows_.size(); i++) {
        if (rows_[i].handled) {
            continue;
        }
        std::optional<std::string> phone = normalize_phone(rows_[i].customer_phone);
        if (phone) {
            phones.push_back(std::move(*phone));
            opt_out_rows_.push_back(i);
        }
    }
    if (phones.empty()) {
        classify_some();
        return;
    }
    issue(host_.store().opted_out_phones(
        phones,
        [](const Answer<std::vector<bool>>& answer, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                if (!self->answered(answer, "redis failed while reading suppressed phones")) {
                    return;
                }
                const std::vector<bool>& suppressed = answer.value;
                for (size_t k = 0; k < self->opt_out_rows_.size() && k < suppressed.size(); k++) {
                    self->rows_[self->opt_out_rows_[k]].opted_out = suppressed[k];
                }
                self->classify_some();
            });
        },
        this));
}

// A few rows a pass (run_steps_per_pass), then the loop's other work: a
// batch is never classified, rendered and queued in one go.
void Run::classify_some() {
    if (ended_) {
        classifying_ = false;
        rows_.clear();
        return;
    }
    size_t end = std::min(rows_.size(), next_row_ + run_steps_per_pass);
    for (; next_row_ < end; next_row_++) {
        if (gather(rows_[next_row_])) {
            next_row_++;
            return;
        }
        take(rows_[next_row_]);
    }
    if (next_row_ < rows_.size()) {
        sender_.pump();  // what is queued can start meanwhile
        classify_.post_next();
        guard_.expect();
        return;
    }
    classifying_ = false;
    rows_.clear();
    if (open_items_ == 0) {
        save(false);
    } else {
        sender_.pump();
    }
}

// A row the run lists, as an item of the batch: a skip is finished at once
// (nullptr); one to send gets what its message needs.
Item* Run::add_item(const DueRow& row, DueDecision& d) {
    Item& item = *items_.emplace_back(std::make_unique<Item>());
    open_items_++;
    item.vehicle = row.vehicle_id;
    item.customer = row.customer_id;
    item.detail = std::move(d.detail);
    if (d.action == DueDecision::Action::skip) {
        finished(item);
        return nullptr;
    }
    item.phone = std::move(d.phone);
    item.cycle = std::move(d.cycle);
    item.fields = std::move(d.fields);
    item.fields.service_phone = host_.config().reminder.service_phone;
    return &item;
}

void Run::take(const DueRow& row) {
    const ReminderConfig& rc = host_.config().reminder;
    if (rc.group_by_customer && !taken_.insert(row.vehicle_id).second) {
        return;  // listed in a grouped message already
    }
    DueDecision d = classify_due(row, as_of_, rc.lead_days,
                                 rc.daily ? RemindMode::daily : RemindMode::once, window_from_);
    if (d.action == DueDecision::Action::pass) {
        return;
    }
    Item* to_send = add_item(row, d);
    if (to_send == nullptr) {
        return;
    }
    Item& item = *to_send;
    item.text = message_text(*rc.message, item.fields);
    item.detail.message = item.text;
    if (dry_) {
        log_dry_run(host_.log(), rc, item);
        item.detail.status = "dry_run";
        finished(item);
        return;
    }
    sender_.queue(item);
}

bool Run::gather(const DueRow& row) {
    const ReminderConfig& rc = host_.config().reminder;
    if (!rc.group_by_customer || taken_.count(row.vehicle_id) > 0) {
        return false;
    }
    DueDecision d = classify_due(row, as_of_, rc.lead_days,
                                 rc.daily ? RemindMode::daily : RemindMode::once, window_from_);
    if (d.action != DueDecision::Action::send) {
        return false;
    }
    gathering_ = row;
    int64_t first = days_from_civil(window_from_);
    int64_t last = days_from_civil(as_of_) + rc.lead_days - 1;
    issue(host_.store().customer_due(
        row.customer_id, id, first, last, group_customer_limit,
        [](const Answer<CustomerDue>& answer, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                if (!self->answered(answer, "redis failed while reading a customer's vehicles")) {
                    return;
                }
                const DueRow& row = self->gathering_;
                if (!answer.value.too_many) {
                    self->take_group(answer.value.rows, row.opted_out);
                }
                // Too many to read, or not found by the customer's set (a
                // vehicle of an older version's data): it goes alone.
                if (self->taken_.count(row.vehicle_id) == 0) {
                    self->take_group({row}, row.opted_out);
                }
                self->sender_.pump();  // this customer's message need not wait for the batch
                self->classify_some();
            });
        },
        this));
    return true;
}

// Each gathered vehicle is an item of the batch, as if its row had come in
// it: a skipped one is finished at once, the ones to send make one message,
// sent by the first of them (the lead) for all.
void Run::take_group(const std::vector<DueRow>& rows, bool opted_out) {
    const ReminderConfig& rc = host_.config().reminder;
    std::vector<DueDecision> plan =
        plan_group(rows, opted_out, taken_, as_of_, rc.lead_days,
                   rc.daily ? RemindMode::daily : RemindMode::once, window_from_);
    limit_to_what_fits(plan, rc);
    Item* lead = nullptr;
    for (size_t i = 0; i < plan.size(); i++) {
        DueDecision& d = plan[i];
        if (d.action == DueDecision::Action::pass) {
            continue;
        }
        taken_.insert(rows[i].vehicle_id);
        Item* to_send = add_item(rows[i], d);
        if (to_send == nullptr) {
            continue;
        }
        Item& item = *to_send;
        item.listed = true;
        if (lead == nullptr) {
            lead = &item;
        } else {
            lead->group.push_back(&item);
            item.lead = lead;
        }
    }
    if (lead == nullptr) {
        return;
    }
    render_group(*lead, rc);
    if (dry_) {
        log_dry_run(host_.log(), rc, *lead);
        for (Item* m : group_members(*lead)) {
            m->detail.status = "dry_run";
            finished(*m);
        }
        return;
    }
    sender_.queue(*lead);
}

void Run::finished(Item& item) {
    if (item.done) {
        return;
    }
    item.done = true;
    if (!ended_) {
        // Progress: a slow (rate-limited) batch is not a stall.
        hold_.arm(hold_time(host_.config().reminder));
    }
    // Counted when finished, not when read: a batch handed over half-way is
    // read again by the next runner, which counts what it finishes.
    count_finished(counts_, item.detail.status);
    metrics::run_vehicle(item.detail, item.gateway_status,
                         item.result.outcome == Outcome::opted_out);
    open_items_--;
    if (ended_ || classifying_) {
        return;
    }
    if (open_items_ == 0) {
        save(false);
        return;
    }
    sender_.pump();
}

void Run::stop(const std::string& why) { end(false, why); }

void Run::idle_at_exit() {
    if (!releasing_ && call_ == nullptr && !classifying_) {
        save(true);
    }
}

// Saves the batch: its details, the vehicles it handled and the cursor.
// last: the worker is exiting; the cursor stays at the batch start (the
// handled set keeps the next runner from repeating what was done).
void Run::save(bool last) {
    if (last) {
        releasing_ = true;
    }
    // Details go out in the batch's order (next visit, then vehicle id),
    // whatever order the sends finished in.
    std::vector<std::pair<std::string, std::string>> details;
    for (auto& item : items_) {
        if (item->done && !item->flushed) {
            item->flushed = true;
            std::string json;
            append_run_detail(json, item->detail);
            details.emplace_back(item->vehicle, std::move(json));
        }
    }
    RunCounts delta = counts_;
    counts_ = RunCounts{};
    std::string day = last ? cursor_day_ : next_day_;
    std::string member = last ? cursor_member_ : next_member_;
    if (!last) {
        cursor_day_ = next_day_;
        cursor_member_ = next_member_;
    }
    issue(host_.store().run_progress(
        host_.owner(), id, day, member, delta, details_ttl, details,
        [](const Answer<bool>& answer, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                if (!self->answered(answer, "redis failed while saving a batch")) {
                    return;
                }
                if (!answer.value) {
                    self->end(false, "lost the run's lease");
                } else if (self->releasing_) {
                    self->release();
                } else if (self->window_done_) {
                    self->finish();
                } else {
                    // Every vehicle taken so far is in the run's done set
                    // now, which due_batch.lua and customer_due.lua read:
                    // the set need not outgrow a batch and its gatherings.
                    self->taken_.clear();
                    self->fetch();
                }
            });
        },
        this));
}

void Run::finish() {
    issue(host_.store().run_finish(
        host_.owner(), id, host_.local_time(), details_ttl,
        [](const Answer<RunFinished>& answer, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                if (!self->answered(answer, "redis failed while finishing")) {
                    return;
                }
                if (!answer.value.finished) {
                    self->end(false, "lost the run's lease");
                } else {
                    log_finished(self->host_.log(), self->id,
                                 for_day(self->as_of_, self->host_.config()), answer.value.counts,
                                 self->sender_.last_failure());
                    self->end(true);
                }
            });
        },
        this));
}

// Hands the run over: the attempt marks of messages waiting for a retry go
// first, then the lease, so a new worker's next tick resumes the run and
// sends them (both on one connection: Redis runs them in that order). A
// paused run gives up its lease with paused_until, so no tick resumes it
// before the window opens again.
void Run::release() {
    releasing_ = true;
    sender_.release_unfinished(items_);
    if (pausing_) {
        issue(host_.store().run_pause(
            host_.owner(), paused_until_,
            [](const Answer<bool>& answer, void* data) noexcept {
                auto* self = static_cast<Run*>(data);
                self->guard_.answer([&] {
                    if (!self->answered(answer, "redis failed while pausing")) {
                        return;
                    }
                    if (!answer.value) {
                        self->end(false, "lost the run's lease");
                        return;
                    }
                    const Config& c = self->host_.config();
                    ngx_log_error(NGX_LOG_NOTICE, self->host_.log(), 0,
                                  "wa_report: run \"%s\" %s paused until \"%s\": outside the "
                                  "send window \"%s\"",
                                  log_value(self->id).c_str(), for_day(self->as_of_, c).c_str(),
                                  c.zone.iso_with_offset(self->paused_until_).c_str(),
                                  c.reminder.window->text().c_str());
                    self->end(false);
                });
            },
            this));
        return;
    }
    issue(host_.store().lease_release(

        host_.owner(), static_cast<int64_t>(host_.config().reminder.lease),
        [](const Answer<bool>&, void* data) noexcept {
            auto* self = static_cast<Run*>(data);
            self->guard_.answer([&] {
                self->call_ = nullptr;
                if (!self->ended_) {
                    ngx_log_error(NGX_LOG_NOTICE, self->host_.log(), 0,
                                  "wa_report: run \"%s\" handed over: worker is exiting",
                                  log_value(self->id).c_str());
                    self->end(false);
                }
            });
        },
        this));
}

// Stops new work. Sends in flight still complete and are counted; the run is
// freed when the last of their callbacks has arrived. Messages this runner
// began but did not finish are neither counted nor failed here: their
// attempt marks are released, so the runner that carries the run on sends
// them, and the run's counters, `failures` and the vehicles' errors tell only
// what happened.
void Run::end(bool ok, const std::string& why) noexcept {
    if (ended_) {
        return;
    }
    ended_ = true;
    metrics::run_ended(trigger_, metrics::run_outcome(ok, why), started_);
    guard(host_.log(), [&] {
        if (!why.empty()) {
            ngx_log_error(NGX_LOG_ERR, host_.log(), 0, "wa_report: run \"%s\" %s stopped \"%s\"",
                          log_value(id).c_str(), for_day(as_of_, host_.config()).c_str(),
                          host_.store().log_text(why).c_str());
        }
        lease_->stop();
        window_.cancel();
        sender_.stop();
        sender_.release_unfinished(items_);
        std::vector<RunWaiter*> waiters;
        waiters.swap(waiters_);
        for (RunWaiter* w : waiters) {
            w->run = nullptr;
            w->fn(w,
                  ok                            ? RunWaiter::End::finished
                      : pausing_ && why.empty() ? RunWaiter::End::paused
                                                : RunWaiter::End::elsewhere);
        }
    });
    if (guard_.pending() == 0) {
        hold_.cancel();
        host_.run_ended(*this);
    }
}

// ---- the send window ----------------------------------------------------------

// A dry run sends nothing, so it never waits for the window.
bool Run::window_applies() const { return host_.config().reminder.window && !dry_; }

bool Run::watch_window() {
    if (!window_applies()) {
        return true;
    }
    const Config& c = host_.config();
    auto now = static_cast<int64_t>(ngx_time());
    if (!c.reminder.window->contains(c.zone, now)) {
        pausing_ = true;
        paused_until_ = c.reminder.window->next_opening(c.zone, now);
        release();
        return false;
    }
    closes_at_ = c.reminder.window->next_close(c.zone, now);
    window_.arm(static_cast<ngx_msec_t>(closes_at_ - now) * 1000);
    return true;
}

void Run::close_window() {
    if (ended_ || pausing_ || releasing_) {
        return;
    }
    const Config& c = host_.config();
    // The timer may fire a moment before the second nginx's clock shows.
    int64_t now = std::max(static_cast<int64_t>(ngx_time()), closes_at_);
    pausing_ = true;
    paused_until_ = c.reminder.window->next_opening(c.zone, now);
    if (call_ == nullptr && !classifying_) {
        // Idle between sends: the pause begins now; otherwise the step in
        // flight (a batch, a save) or the last send's end leads to it.
        sender_.pump();
    }
}

}  // namespace wa
