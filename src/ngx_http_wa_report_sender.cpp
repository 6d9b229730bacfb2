// The sending half of a reminder run.
//
// Each message goes: a slot and a token (pump) -> its attempt marked in
// Redis (attempt_begin.lua) -> the provider's request through the gateway
// client -> the answer parsed by the provider chosen at config time ->
// decide_after_send: counted (record.lua), sent again after a wait, or
// failed (attempt_fail.lua).

#include "ngx_http_wa_report_sender.hpp"

#include "ngx_http_wa_report_http.hpp"
#include "ngx_http_wa_report_metrics.hpp"
#include "ngx_http_wa_report_run.hpp"
#include "ngx_http_wa_report_worker.hpp"

#include "core/group.hpp"
#include "core/optout.hpp"
#include "core/provider.hpp"
#include "core/retry.hpp"

#include <algorithm>

namespace wa {

namespace {

constexpr int64_t attempt_ttl = 7 * 86400;
// How long sends go on unconfirmed after replicas were found missing.
constexpr ngx_msec_t replicas_missing_ms = 10000;

// When a provider's answer came, for recipient pacing. nginx's cached clock
// lags by the work done since the event loop last woke and truncates to whole
// ms, while the pace and retry timers fire on that same clock: read it afresh
// and count the partial ms, so the next message to the number never starts
// inside the interval (seen under ASan: 1999 ms apart for a 2000 ms wait).
int64_t answer_ms() {
    ngx_time_update();
    return static_cast<int64_t>(ngx_current_msec) + 1;
}

}  // namespace

Item::Item() = default;

std::vector<Item*> group_members(Item& lead) {
    std::vector<Item*> out{&lead};
    out.insert(out.end(), lead.group.begin(), lead.group.end());
    return out;
}

void render_group(Item& lead, const ReminderConfig& rc) {
    std::vector<Item*> members = group_members(lead);
    lead.fields.vehicle_lines.clear();
    for (Item* m : members) {
        if (m->listed) {
            lead.fields.vehicle_lines.push_back(vehicle_line(*rc.vehicle_line, m->fields));
        }
    }
    lead.text = message_text(*rc.message, lead.fields);
    for (Item* m : members) {
        if (m->listed) {
            m->detail.message = lead.text;
        }
    }
}

Item::~Item() {
    if (call != nullptr) {
        call->cancel();
    }
}

Sender::Sender(RunHost& host, SendOwner& owner, RunGuard& guard, const std::string& run_id,
               Date as_of)
    : host_(host),
      owner_(owner),
      guard_(guard),
      run_id_(run_id),
      as_of_(as_of),
      rate_(host.config().reminder.rate, static_cast<int64_t>(host.now_ms())),
      rate_timer_(
          host.log(), TimerIdent::send_rate, true,
          [](void* data) noexcept {
              auto* self = static_cast<Sender*>(data);
              self->guard_.enter([&] { self->pump(); });
          },
          this),
      pacing_(static_cast<int64_t>(host.config().reminder.recipient_interval),
              static_cast<int64_t>(host.config().reminder.retry_after_max)),
      pace_timer_(
          host.log(), TimerIdent::recipient_pace, true,
          [](void* data) noexcept {
              auto* self = static_cast<Sender*>(data);
              self->guard_.enter([&] { self->pump(); });
          },
          this),
      steps_(
          host.log(), TimerIdent::run_slice, true,
          [](void* data) noexcept { static_cast<Sender*>(data)->take_steps(); }, this) {}

Sender::~Sender() {
    for (Release& r : releases_) {
        r.call->cancel();
    }
}

void Sender::queue(Item& item) {
    item.sender = this;
    queue_.push_back(&item);
}

void Sender::pump() {
    if (owner_.ended()) {
        return;
    }
    bool holding = worker_exiting() || owner_.paused();
    while (!queue_.empty() && active_ < host_.config().reminder.concurrency && !holding) {
        auto now = static_cast<int64_t>(host_.now_ms());
        auto next = next_ready(now);
        if (next == queue_.end()) {
            break;  // every queued recipient waits; the pace timer or a send's end calls again
        }
        int64_t wait = rate_.take(now);
        if (wait > 0) {
            if (!rate_timer_.armed()) {
                rate_timer_.arm(static_cast<ngx_msec_t>(wait));
            }
            return;
        }
        Item& item = **next;
        queue_.erase(next);
        item.slot = true;
        active_++;
        pacing_.start(item.phone);
        defer(item, Step::start);
    }
    if (holding && active_ == 0) {
        owner_.idle_at_exit();
    }
}

// The queue is one batch and its retries (a few dozen): looking past the
// recipients that must wait keeps everyone else's messages going.
std::deque<Item*>::iterator Sender::next_ready(int64_t now_ms) {
    int64_t soonest = 0;
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
        int64_t wait = pacing_.wait_ms((*it)->phone, now_ms);
        if (wait == 0) {
            return it;
        }
        if (wait > 0 && (soonest == 0 || wait < soonest)) {
            soonest = wait;
        }
    }
    if (soonest > 0) {
        pace_timer_.arm(static_cast<ngx_msec_t>(soonest));
    }
    return queue_.end();
}

void Sender::free_slot(Item& item) {
    if (!item.slot) {
        return;
    }
    item.slot = false;
    active_--;
    pacing_.end(item.phone, answer_ms(), item.result.outcome == Outcome::accepted);
}

void Sender::stop() {
    rate_timer_.cancel();
    pace_timer_.cancel();
}

// Steps wait in order; the first of a pass posts the event that takes them
// at the end of this pass, a few at a time, the rest at the next passes.
// Each waiting step counts as a callback to come, so the run is not freed
// before its steps are taken, even after it ended: an answer that says a
// message was accepted must still be counted.
void Sender::defer(Item& item, Step step) {
    ready_.push_back({&item, step});
    guard_.expect();
    if (!taking_ && !steps_.armed()) {
        steps_.post();
    }
}

void Sender::take_steps() {
    // A step's own new steps (a finished send starts the next) wait too:
    // posted now, they would run in this same pass.
    taking_ = true;
    for (size_t n = 0; n < run_steps_per_pass && !ready_.empty(); n++) {
        Ready r = ready_.front();
        ready_.pop_front();
        // A settled run is freed later by its engine, never in here.
        guard_.answer([&] { take_step(*r.item, r.step); });
    }
    taking_ = false;
    if (!ready_.empty()) {
        steps_.post_next();
    }
}

void Sender::take_step(Item& item, Step step) {
    switch (step) {
    case Step::start:
        if (owner_.ended()) {
            free_slot(item);  // nothing marked: the queue is dropped
        } else if (worker_exiting() || owner_.paused()) {
            // Not started after all: back to the queue the hand-over leaves.
            free_slot(item);
            queue_.push_front(&item);
            pump();
        } else if (item.begun) {
            post(item);
        } else {
            begin(item);
        }
        break;
    case Step::post:
        if (owner_.ended() || owner_.paused()) {
            // Not sent: whoever carries the run on sends it (after the
            // window's close nothing new goes out).
            free_slot(item);
            release_attempts({&item});
            pump();
        } else {
            post(item);
        }
        break;
    case Step::answer: {
        std::unique_ptr<HttpResponse> response = std::move(item.response);
        answered(item, *response);
        break;
    }
    }
}
void Sender::finish(Item& item) {
    if (!item.done) {
        free_slot(item);
    }
    // The lead last: its end may end the batch.
    for (Item* m : item.group) {
        if (m->listed) {
            m->result = item.result;
            m->gateway_status = item.gateway_status;
        }
        owner_.finished(*m);
    }
    owner_.finished(item);
}

void Sender::skip(Item& item, const char* status, std::string reason) {
    item.detail.status = status;
    item.detail.reason = std::move(reason);
    finish(item);
}

void Sender::begin(Item& item) {
    const ReminderConfig& rc = host_.config().reminder;
    if (!item.group.empty()) {
        begin_group(item);
        return;
    }
    item.call = host_.store().attempt_begin(
        host_.owner(), run_id_, item.vehicle, item.phone, item.cycle, host_.local_time(),
        attempt_ttl, rc.daily, as_of_,
        [](const Answer<AttemptClaim>& answer, void* data) noexcept {
            using Status = AttemptClaim::Status;
            auto* item = static_cast<Item*>(data);
            Sender& self = *item->sender;
            self.guard_.answer([&] {
                item->call = nullptr;
                Status status = answer.value.status;
                if (!answer.ok()) {
                    std::string why = "redis failed while marking an attempt";
                    self.owner_.stop(answer.reason.empty() ? why : why + ": " + answer.reason);
                } else if (status == Status::ok) {
                    item->begun = true;
                    self.confirm(*item, AfterConfirm::post);
                } else if (status == Status::opted_out) {
                    // The detail classify_due gives a suppressed phone: no message.
                    item->detail.message.clear();
                    self.skip(*item, "skipped", std::string(kOptedOutReason));
                } else if (status == Status::reminded) {
                    self.skip(*item, "skipped", "sudah diingatkan untuk kunjungan " + item->cycle);
                } else if (status == Status::in_flight) {
                    self.skip(*item, "unknown",
                              "percobaan lain (run " + answer.value.run + ") belum selesai");
                } else {
                    self.owner_.stop("lost the run's lease");
                }
            });
        },
        &item);
    if (item.call == nullptr) {
        owner_.stop("redis unavailable");
        return;
    }
    guard_.expect();
}

void Sender::post(Item& item) {
    const ReminderConfig& rc = host_.config().reminder;
    OutboundRequest request = rc.gateway->request(
        rc.url, rc.key, rc.cloud, {item.phone, item.text, *rc.message, item.fields});
    bool posted = host_.gateway().post(
        request,
        [](const HttpResponse& response, void* data) noexcept {
            auto* item = static_cast<Item*>(data);
            Sender& self = *item->sender;
            self.guard_.answer([&] {
                // Timed here: acting on the answer may wait for the next pass.
                metrics::send_answered(self.host_.config().reminder.gateway->id, item->posted_at);
                item->response = std::make_unique<HttpResponse>(response);
                self.defer(*item, Step::answer);
            });
        },
        &item);
    item.posted_at = ngx_current_msec;
    if (!posted) {
        item.result = SendResult{};
        item.result.detail = "cannot start the gateway request";
        fail(item, false, item.result.detail);
        return;
    }
    guard_.expect();
    metrics::send_started();
}

// The gateway's answer is always acted on, even after the run has ended
// (lease lost, worker exiting): an accepted send must be counted.
void Sender::answered(Item& item, const HttpResponse& response) {
    host_.checkpoint("gateway_answer");
    const ReminderConfig& rc = host_.config().reminder;
    item.gateway_status = response.status;
    item.result = response.status == 0
        ? transport_failure(response.timed_out, response.error, rc.key)
        : rc.gateway->parse(response.status, response.body, response.retry_after, rc.key);

    RetryPolicy policy;
    policy.retries = rc.retries;
    policy.wait_max_ms = static_cast<int64_t>(rc.retry_after_max);
    RetryDecision next = decide_after_send(item.result, item.attempt, policy, host_.random());
    switch (next.step) {
    case NextStep::record: record(item); break;
    case NextStep::retry:
        if (owner_.ended()) {
            // Not this runner's to fail: whoever carries the run on sends it.
            free_slot(item);
            release_attempts({&item});
        } else if (item.result.outcome == Outcome::recipient_rate_limited) {
            // Only this number backs off (Cloud API error 131056): the
            // interval doubled at each such answer in a row, capped by
            // wa_report_gateway_retry_after_max; a longer Retry-After wins.
            int64_t wait = pacing_.pair_limited(item.phone, answer_ms());
            retry_later(item, std::max(wait, item.result.retry_after_ms), false);
        } else {
            retry_later(item, next.delay_ms, next.pause_all);
        }
        break;
    case NextStep::opt_out: fail(item, true, next.reason); break;
    case NextStep::fail: fail(item, false, next.reason); break;
    }
}

void Sender::retry_later(Item& item, int64_t delay_ms, bool pause_all) {
    metrics::send_retry();
    item.attempt++;
    free_slot(item);
    auto delay = static_cast<ngx_msec_t>(std::max<int64_t>(delay_ms, 1));
    if (pause_all) {
        // The provider throttles the whole account: nothing goes out until
        // it said we may.
        rate_.pause(static_cast<int64_t>(host_.now_ms() + delay));
        queue_.push_front(&item);
        pump();
        return;
    }
    if (!item.retry) {
        item.retry.emplace(
            host_.log(), TimerIdent::send_retry, true,
            [](void* data) noexcept {
                auto* item = static_cast<Item*>(data);
                Sender& self = *item->sender;
                self.guard_.answer([&] {
                    self.queue_.push_front(item);
                    self.pump();
                });
            },
            &item);
    }
    item.retry->arm(delay);
    guard_.expect();
}

void Sender::record(Item& item) {
    const ReminderConfig& rc = host_.config().reminder;
    if (!item.group.empty()) {
        item.next_member = 0;
        record_member(item);
        return;
    }
    const std::string message_id = item.result.message_id.empty()
        ? "run:" + run_id_ + ":" + item.vehicle
        : item.result.message_id;
    ReminderCount count{item.cycle, format_date(as_of_), rc.gateway->name, run_id_,
                        item.result.message_id};
    item.call = host_.store().record(
        item.customer, item.vehicle, message_id, new_uuid(), host_.local_time(),
        host_.config().message_id_ttl, &count,
        [](const Answer<RecordOutcome>& answer, void* data) noexcept {
            using Status = RecordOutcome::Status;
            auto* item = static_cast<Item*>(data);
            Sender& self = *item->sender;
            self.guard_.answer([&] {
                item->call = nullptr;
                item->detail.api_response = item->result.detail;
                Status status = answer.value.status;
                if (answer.ok() && (status == Status::counted || status == Status::duplicate)) {
                    item->detail.status = "sent";
                    self.confirm(*item, AfterConfirm::finish);
                    return;
                }
                const char* why = !answer.ok()      ? "redis failed"
                    : status == Status::no_customer ? "no_customer"
                    : status == Status::no_vehicle  ? "no_vehicle"
                                                    : "vehicle_mismatch";
                ngx_log_error(NGX_LOG_ERR, self.host_.log(), 0,
                              "wa_report: message for vehicle \"%s\" accepted but not counted: "
                              "\"%s\"",
                              log_value(item->vehicle).c_str(), why);
                self.skip(*item, "unknown", "terkirim, tetapi tidak tercatat");
            });
        },
        &item);
    if (item.call == nullptr) {
        // Sent but not counted: the attempt mark stays and the next run
        // reports it as unknown.
        ngx_log_error(NGX_LOG_ERR, host_.log(), 0,
                      "wa_report: message for vehicle \"%s\" accepted but not counted: redis down",
                      log_value(item.vehicle).c_str());
        skip(item, "unknown", "terkirim, tetapi tidak tercatat (redis tidak tersedia)");
        return;
    }
    guard_.expect();
}

// With replicas (wa_report_redis_wait), what a send's next step relies on
// is confirmed on them first: the attempt mark before the message goes out,
// the count before the run moves on. A primary that dies before replicating
// would otherwise take the mark or the count with it, and the new primary
// would let the reminder be sent again. Redis runs WAIT after the script on
// the same connection, so it covers that script's writes. A confirmation
// that times out (a replica down) is logged, at most once a minute, and the
// send goes on: the reminders do not stop for a missing replica.
void Sender::confirm(Item& item, AfterConfirm then) {
    const RedisSettings& rs = host_.config().redis;
    item.then = then;
    // After a confirmation that came back short, replicas are taken for
    // missing for a while: WAIT blocks the engine's connection for its
    // whole timeout each time, which would slow every send to a crawl.
    if (rs.wait_replicas <= 0 || host_.now_ms() < unconfirmed_until_) {
        confirmed(item);
        return;
    }
    item.call = host_.store().wait_replicas(
        rs.wait_replicas, rs.wait_timeout,
        [](const Answer<int64_t>& answer, void* data) noexcept {
            auto* item = static_cast<Item*>(data);
            Sender& self = *item->sender;
            self.guard_.answer([&] {
                item->call = nullptr;
                int want = self.host_.config().redis.wait_replicas;
                if (!answer.ok() || answer.value < want) {
                    self.unconfirmed_until_ = self.host_.now_ms() + replicas_missing_ms;
                    std::string line = "wa_report: a reminder's writes were confirmed on "
                        + std::to_string(answer.ok() ? answer.value : 0) + " of "
                        + std::to_string(want)
                        + " replicas in time; sends go on unconfirmed for 10s";
                    if (self.wait_log_.allow(line, static_cast<int64_t>(self.host_.now_ms()))) {
                        ngx_log_error(NGX_LOG_WARN, self.host_.log(), 0, "%s", line.c_str());
                    }
                }
                self.confirmed(*item);
            });
        },
        &item);
    if (item.call == nullptr) {
        confirmed(item);
        return;
    }
    guard_.expect();
}

void Sender::confirmed(Item& item) {
    if (item.then == AfterConfirm::post) {
        defer(item, Step::post);
    } else {
        finish(item);
    }
}

void Sender::fail(Item& item, bool opted_out, const std::string& reason) {
    last_failure_ = reason;
    if (!item.group.empty()) {
        item.fail_reason = reason;
        item.fail_opted_out = opted_out;
        item.next_member = 0;
        fail_member(item);
        return;
    }
    item.detail.api_response = item.result.detail;
    item.detail.reason = opted_out ? "customer menghentikan pesan seperti ini" : reason;
    item.call = host_.store().attempt_fail(
        item.customer, item.vehicle, item.phone, reason, item.result.error_code, host_.local_time(),
        opted_out,
        [](const Answer<int64_t>&, void* data) noexcept {
            auto* item = static_cast<Item*>(data);
            Sender& self = *item->sender;
            self.guard_.answer([&] {
                item->call = nullptr;
                item->detail.status = "failed";
                self.finish(*item);
            });
        },
        &item);
    if (item.call == nullptr) {
        item.detail.status = "failed";
        finish(item);
        return;
    }
    guard_.expect();
}

void Sender::release_unfinished(const std::vector<std::unique_ptr<Item>>& items) {
    std::vector<Item*> unfinished;
    queue_.clear();
    for (const auto& item : items) {
        if (item->retry && item->retry->armed()) {
            item->retry->cancel();
            guard_.forget();
        }
        // A grouped message's other vehicles go with their lead.
        if (item->lead != nullptr) {
            continue;
        }
        if (item->begun && !item->done && !item->slot && item->call == nullptr) {
            unfinished.push_back(item.get());
        }
    }
    if (!unfinished.empty()) {
        release_attempts(unfinished);
    }
}

// Without Redis the marks stay, and the next runner reports these vehicles
// as unknown, as after a crash.
void Sender::release_attempts(const std::vector<Item*>& items) {
    std::vector<std::string> vehicles;
    for (Item* item : items) {
        item->begun = false;
        if (item->group.empty()) {
            vehicles.push_back(item->vehicle);
            continue;
        }
        for (Item* m : group_members(*item)) {
            if (m->listed) {
                vehicles.push_back(m->vehicle);
            }
        }
    }
    Release& r = releases_.emplace_back();
    r.sender = this;
    r.call = host_.store().attempt_release(
        host_.owner(), run_id_, vehicles,
        [](const Answer<int64_t>&, void* data) noexcept {
            auto* r = static_cast<Release*>(data);
            Sender& self = *r->sender;
            self.guard_.answer(
                [&] { self.releases_.remove_if([r](const Release& x) { return &x == r; }); });
        },
        &r);
    if (r.call == nullptr) {
        releases_.pop_back();
        return;
    }
    guard_.expect();
}

// ---- grouped messages (wa_report_group_by customer) ------------------------

// Every vehicle of the message is claimed in one script, before the send:
// one that was reminded or has an attempt since the run read it leaves the
// list (the text is rendered again without it); a suppressed phone stops
// them all.
void Sender::begin_group(Item& lead) {
    const ReminderConfig& rc = host_.config().reminder;
    std::vector<std::string> vehicles, cycles;
    for (Item* m : group_members(lead)) {
        vehicles.push_back(m->vehicle);
        cycles.push_back(m->cycle);
    }
    lead.call = host_.store().attempt_begin_group(
        host_.owner(), run_id_, vehicles, cycles, lead.phone, host_.local_time(), attempt_ttl,
        rc.daily, as_of_,
        [](const Answer<GroupClaim>& answer, void* data) noexcept {
            using Status = AttemptClaim::Status;
            auto* lead = static_cast<Item*>(data);
            Sender& self = *lead->sender;
            self.guard_.answer([&] {
                lead->call = nullptr;
                std::vector<Item*> members = group_members(*lead);
                const GroupClaim& claim = answer.value;
                if (!answer.ok()) {
                    std::string why = "redis failed while marking an attempt";
                    self.owner_.stop(answer.reason.empty() ? why : why + ": " + answer.reason);
                    return;
                }
                if (claim.status == GroupClaim::Status::lost
                    || (claim.status == GroupClaim::Status::ok
                        && claim.vehicles.size() != members.size())) {
                    self.owner_.stop("lost the run's lease");
                    return;
                }
                bool any = false;
                bool dropped = false;
                for (size_t i = 0; i < members.size(); i++) {
                    Item& m = *members[i];
                    if (claim.status == GroupClaim::Status::opted_out) {
                        m.listed = false;
                        m.detail.message.clear();
                        m.detail.status = "skipped";
                        m.detail.reason = std::string(kOptedOutReason);
                        continue;
                    }
                    const AttemptClaim& c = claim.vehicles[i];
                    if (c.status == Status::ok) {
                        any = true;
                        continue;
                    }
                    dropped = true;
                    m.listed = false;
                    m.detail.message.clear();
                    if (c.status == Status::reminded) {
                        m.detail.status = "skipped";
                        m.detail.reason = "sudah diingatkan untuk kunjungan " + m.cycle;
                    } else {
                        m.detail.status = "unknown";
                        m.detail.reason = "percobaan lain (run " + c.run + ") belum selesai";
                    }
                }
                if (!any) {
                    self.finish(*lead);
                    return;
                }
                lead->begun = true;
                if (dropped) {
                    render_group(*lead, self.host_.config().reminder);
                }
                self.confirm(*lead, AfterConfirm::post);
            });
        },
        &lead);
    if (lead.call == nullptr) {
        owner_.stop("redis unavailable");
        return;
    }
    guard_.expect();
}

// One record.lua per vehicle of the message, one after the other. Each has
// its own count mark (<provider id>:<vehicle>: the provider's id alone would
// make every vehicle after the first a duplicate), while the message record
// keeps the provider's id, so its statuses reach every vehicle's report.
void Sender::record_member(Item& lead) {
    std::vector<Item*> members = group_members(lead);
    while (lead.next_member < members.size() && !members[lead.next_member]->listed) {
        lead.next_member++;
    }
    if (lead.next_member == members.size()) {
        confirm(lead, AfterConfirm::finish);
        return;
    }
    Item& m = *members[lead.next_member++];
    const ReminderConfig& rc = host_.config().reminder;
    const std::string& provider_id = lead.result.message_id;
    std::string mark = (provider_id.empty() ? "run:" + run_id_ : provider_id) + ":" + m.vehicle;
    ReminderCount count{m.cycle, format_date(as_of_), rc.gateway->name, run_id_, provider_id};
    m.detail.api_response = lead.result.detail;
    lead.call = host_.store().record(
        m.customer, m.vehicle, mark, new_uuid(), host_.local_time(), host_.config().message_id_ttl,
        &count,
        [](const Answer<RecordOutcome>& answer, void* data) noexcept {
            using Status = RecordOutcome::Status;
            auto* lead = static_cast<Item*>(data);
            Sender& self = *lead->sender;
            self.guard_.answer([&] {
                lead->call = nullptr;
                Item& m = *group_members(*lead)[lead->next_member - 1];
                Status status = answer.value.status;
                if (answer.ok() && (status == Status::counted || status == Status::duplicate)) {
                    m.detail.status = "sent";
                } else {
                    const char* why = !answer.ok()      ? "redis failed"
                        : status == Status::no_customer ? "no_customer"
                        : status == Status::no_vehicle  ? "no_vehicle"
                                                        : "vehicle_mismatch";
                    ngx_log_error(NGX_LOG_ERR, self.host_.log(), 0,
                                  "wa_report: message for vehicle \"%s\" accepted but not "
                                  "counted: \"%s\"",
                                  log_value(m.vehicle).c_str(), why);
                    m.detail.status = "unknown";
                    m.detail.reason = "terkirim, tetapi tidak tercatat";
                }
                self.record_member(*lead);
            });
        },
        &lead);
    if (lead.call == nullptr) {
        // Sent but not counted: the attempt mark stays and the next run
        // reports it as unknown.
        ngx_log_error(NGX_LOG_ERR, host_.log(), 0,
                      "wa_report: message for vehicle \"%s\" accepted but not counted: redis down",
                      log_value(m.vehicle).c_str());
        m.detail.status = "unknown";
        m.detail.reason = "terkirim, tetapi tidak tercatat (redis tidak tersedia)";
        record_member(lead);
        return;
    }
    guard_.expect();
}

// attempt_fail.lua for each vehicle of the message, one after the other.
void Sender::fail_member(Item& lead) {
    std::vector<Item*> members = group_members(lead);
    while (lead.next_member < members.size() && !members[lead.next_member]->listed) {
        lead.next_member++;
    }
    if (lead.next_member == members.size()) {
        finish(lead);
        return;
    }
    Item& m = *members[lead.next_member++];
    m.detail.api_response = lead.result.detail;
    m.detail.reason =
        lead.fail_opted_out ? "customer menghentikan pesan seperti ini" : lead.fail_reason;
    m.detail.status = "failed";
    lead.call = host_.store().attempt_fail(
        m.customer, m.vehicle, lead.phone, lead.fail_reason, lead.result.error_code,
        host_.local_time(), lead.fail_opted_out,
        [](const Answer<int64_t>&, void* data) noexcept {
            auto* lead = static_cast<Item*>(data);
            Sender& self = *lead->sender;
            self.guard_.answer([&] {
                lead->call = nullptr;
                self.fail_member(*lead);
            });
        },
        &lead);
    if (lead.call == nullptr) {
        fail_member(lead);
        return;
    }
    guard_.expect();
}

}  // namespace wa
