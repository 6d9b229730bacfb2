// The reminder engine.
//
// Every worker ticks; a tick is one script call that either finds nothing to
// do, or claims the scheduled run (a lease in Redis, renewed while the run
// lasts), or resumes a run whose runner died (its lease lapsed). The run
// reads due vehicles a batch at a time from the per-day due index, marks each
// attempt in Redis before sending, sends through the gateway on nginx's event
// loop, and counts an accepted send with the same script as
// POST /whatsapp-report/record. After each batch it saves its cursor, its
// details and the set of vehicles it handled, so whoever resumes it neither
// repeats nor skips a vehicle.
//
// What a crash costs: an attempt whose gateway answer was not counted before
// the worker died stays marked, and the next run reports it as "unknown"
// instead of sending again (at most one send per vehicle and cycle).

#include "ngx_http_wa_report_reminder.hpp"

#include "ngx_http_wa_report_handler.hpp"

#include "core/json.hpp"
#include "core/log_lines.hpp"
#include "core/phone.hpp"
#include "core/retry.hpp"
#include "core/uuid.hpp"

#include <algorithm>
#include <cmath>
#include <new>

namespace wa {

namespace {

constexpr size_t batch_size = 50;
constexpr int64_t attempt_ttl = 7 * 86400;
constexpr int64_t details_ttl = 7 * 86400;

bool is_array(const redisReply* r, size_t n) {
    return r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements >= n;
}

ngx_msec_t now_ms() {
    return ngx_current_msec;
}

// A stop's reason with what Redis said, when it said something (NOPERM, OOM).
std::string redis_failure(const char* what, const redisReply* reply) {
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR && reply->str != nullptr) {
        return std::string(what) + ": " + std::string(reply->str, reply->len);
    }
    return what;
}

ngx_uint_t ngx_level(LogLevel level) {
    switch (level) {
    case LogLevel::error: return NGX_LOG_ERR;
    case LogLevel::warn: return NGX_LOG_WARN;
    default: return NGX_LOG_NOTICE;
    }
}

}  // namespace

struct Item {
    Run* run = nullptr;
    std::string vehicle, customer, phone;
    std::string cycle;         // next_visit_date: the visit this reminder is for
    MessageFields fields;
    std::string text;
    RunDetail detail;
    SendResult result;
    int attempt = 0;
    bool begun = false;        // the attempt is marked in Redis, by this runner
    bool slot = false;         // holds one of the gateway concurrency slots
    bool done = false;
    bool flushed = false;      // its detail is saved in the run's list
    Call* call = nullptr;
    StoreCall* store_call = nullptr;
    ngx_event_t retry{};
};

class Run {
public:
    Run(Reminder& rem, std::string id, Date as_of, bool dry, bool manual);
    ~Run();

    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // resumed: the run was begun by another runner (its lease lapsed).
    void start(std::string cursor_day, std::string cursor_member, bool resumed);
    void add_waiter(RunWaiter* w);
    void remove_waiter(RunWaiter* w);

    bool settled() const { return ended_ && outstanding_ == 0; }

    const std::string id;

private:
    static void on_batch(redisReply* reply, void* data);
    static void on_attempt(redisReply* reply, void* data);
    static void on_sent(const HttpResponse& response, void* data);
    static void on_recorded(const Answer<RecordOutcome>& answer, void* data);
    static void on_failed(redisReply* reply, void* data);
    static void on_attempts_released(redisReply* reply, void* data);
    static void on_flushed(redisReply* reply, void* data);
    static void on_finished(redisReply* reply, void* data);
    static void on_released(redisReply* reply, void* data);
    static void on_lease(redisReply* reply, void* data);
    static void on_lease_timer(ngx_event_t* ev);
    static void on_hold(ngx_event_t* ev);
    static void on_rate(ngx_event_t* ev);
    static void on_retry(ngx_event_t* ev);

    const Config& config() const { return rem_.worker().config; }
    const ReminderConfig& rc() const { return config().reminder; }
    const Keys& keys() const { return config().keys; }
    Redis& redis() { return rem_.redis(); }
    bool exiting() const { return worker_exiting(); }

    Call* script(Script s, const std::vector<std::string>& k, const std::vector<std::string>& a,
                 ReplyFn fn, void* data);
    void done_one();
    void fetch();
    void classify(redisReply** row);
    Item* add_item();
    void skip(Item* item, const char* status, std::string reason);
    void pump();
    bool take_token();
    void begin(Item* item);
    void send(Item* item);
    void record(Item* item);
    void fail(Item* item, bool opted_out, std::string reason);
    void retry_later(Item* item, int64_t delay_ms, bool pause_all);
    void release_attempts(const std::vector<Item*>& items);
    void release_unfinished();
    RetryPolicy retry_policy() const;
    void item_done(Item* item);
    void flush(bool last);
    void finish();
    void release();
    // why: the reason a run stopped before its end, logged; empty when it
    // ended as it should (finished, handed over).
    void end(bool ok, const std::string& why = std::string());
    // "for 2026-11-30 (Asia/Jakarta)": a run's day is local to wa_report_timezone.
    std::string for_day() const;
    void notify(bool ok);
    void arm_hold();
    void log_finished(const redisReply* reply);

    Reminder& rem_;
    Date as_of_;
    bool dry_;
    bool manual_;
    std::string cursor_day_, cursor_member_;
    std::string next_day_, next_member_;
    bool window_done_ = false;
    bool ended_ = false;
    bool releasing_ = false;
    bool classifying_ = false;
    size_t outstanding_ = 0;      // callbacks that will still arrive

    std::vector<std::unique_ptr<Item>> items_;
    std::deque<Item*> queue_;
    size_t active_ = 0;           // items holding a concurrency slot
    size_t open_items_ = 0;       // items of the batch not yet done
    int64_t total_ = 0, sent_ = 0, failed_ = 0, skipped_ = 0, unknown_ = 0, dry_count_ = 0;
    // Why this runner's last failed send failed, for the run's summary line.
    std::string last_failure_;

    double tokens_ = 1;
    ngx_msec_t refilled_at_ = 0;
    ngx_msec_t paused_until_ = 0;

    Call* call_ = nullptr;        // batch, flush, finish or release
    Call* lease_call_ = nullptr;
    ngx_event_t lease_ev_{};
    ngx_event_t hold_ev_{};
    ngx_event_t rate_ev_{};
    std::vector<RunWaiter*> waiters_;
};

// ---- Run --------------------------------------------------------------------

Run::Run(Reminder& rem, std::string run_id, Date as_of, bool dry, bool manual)
    : id(std::move(run_id)), rem_(rem), as_of_(as_of), dry_(dry), manual_(manual) {
    lease_ev_.handler = on_lease_timer;
    lease_ev_.data = this;
    lease_ev_.log = rem.log();
    lease_ev_.cancelable = 1;
    // Not cancelable: a worker that is shutting down waits for the run to
    // hand over (bounded by this timer) instead of dropping counts.
    hold_ev_.handler = on_hold;
    hold_ev_.data = this;
    hold_ev_.log = rem.log();
    rate_ev_.handler = on_rate;
    rate_ev_.data = this;
    rate_ev_.log = rem.log();
    rate_ev_.cancelable = 1;
    tokens_ = 1;
    refilled_at_ = now_ms();
}

Run::~Run() {
    for (ngx_event_t* ev : {&lease_ev_, &hold_ev_, &rate_ev_}) {
        if (ev->timer_set) {
            ngx_del_timer(ev);
        }
    }
    for (Call* c : {call_, lease_call_}) {
        if (c != nullptr) {
            c->cancel();
        }
    }
    for (auto& item : items_) {
        if (item->call != nullptr) {
            item->call->cancel();
        }
        if (item->store_call != nullptr) {
            item->store_call->cancel();
        }
        if (item->retry.timer_set) {
            ngx_del_timer(&item->retry);
        }
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

Call* Run::script(Script s, const std::vector<std::string>& k, const std::vector<std::string>& a,
                  ReplyFn fn, void* data) {
    Call* c = redis().script(s, k, a, fn, data);
    if (c != nullptr) {
        outstanding_++;
    }
    return c;
}

// Every callback ends here: a run that has ended is freed by its owner once
// nothing can call back into it any more.
void Run::done_one() {
    outstanding_--;
    if (settled()) {
        if (hold_ev_.timer_set) {
            ngx_del_timer(&hold_ev_);
        }
        rem_.run_ended(this);
    }
}

// Longer than one message can take (every attempt timing out, every wait
// between them as long as allowed), so only a run that makes no progress at
// all is taken for stalled.
void Run::arm_hold() {
    ngx_msec_t hold = (rc().timeout + rc().retry_after_max)
            * static_cast<ngx_msec_t>(rc().retries + 2) + 60000;
    ngx_add_timer(&hold_ev_, hold);
}

RetryPolicy Run::retry_policy() const {
    RetryPolicy p;
    p.retries = rc().retries;
    p.wait_max_ms = static_cast<int64_t>(rc().retry_after_max);
    return p;
}

std::string Run::for_day() const {
    return "for " + local_date_text(as_of_, config().zone.name());
}

void Run::start(std::string cursor_day, std::string cursor_member, bool resumed) {
    cursor_day_ = std::move(cursor_day);
    cursor_member_ = std::move(cursor_member);
    ngx_log_error(NGX_LOG_NOTICE, rem_.log(), 0, "wa_report: run \"%s\" %s %s%s",
                  log_value(id).c_str(), for_day().c_str(), resumed ? "resumed" : "started",
                  dry_ ? ", dry run" : "");
    ngx_add_timer(&lease_ev_, rc().lease / 3);
    arm_hold();
    fetch();
}

void Run::fetch() {
    if (exiting()) {
        release();
        return;
    }
    arm_hold();
    int64_t first = days_from_civil(as_of_);
    int64_t last = first + rc().lead_days - 1;
    call_ = script(Script::due_batch, {keys().run_lease(), keys().run_current()},
                   {keys().tag(), rem_.owner(), std::to_string(first), std::to_string(last),
                    cursor_day_, cursor_member_, std::to_string(batch_size), id},
                   on_batch, this);
    if (call_ == nullptr) {
        end(false, "redis unavailable");
    }
}

void Run::on_batch(redisReply* reply, void* data) {
    auto* run = static_cast<Run*>(data);
    run->call_ = nullptr;
    if (!run->ended_) {
        if (!is_array(reply, 1)) {
            run->end(false, redis_failure("redis failed while reading due vehicles", reply));
        } else if (reply_str(reply->element[0]) != "ok" || reply->elements < 4) {
            run->end(false, "lost the run's lease");
        } else {
            run->next_day_ = reply_str(reply->element[1]);
            run->next_member_ = reply_str(reply->element[2]);
            run->window_done_ = reply_str(reply->element[3]) == "1";
            run->items_.clear();
            run->queue_.clear();
            run->open_items_ = 0;
            // Items decided right away (skips) must not end the batch while
            // the rest of it is still being read.
            run->classifying_ = true;
            constexpr size_t width = 13;
            for (size_t i = 4; i + width <= reply->elements; i += width) {
                run->classify(reply->element + i);
            }
            run->classifying_ = false;
            if (run->open_items_ == 0) {
                run->flush(false);
            } else {
                run->pump();
            }
        }
    }
    run->done_one();
}

Item* Run::add_item() {
    items_.push_back(std::make_unique<Item>());
    Item* item = items_.back().get();
    item->run = this;
    item->retry.handler = on_retry;
    item->retry.data = item;
    item->retry.log = rem_.log();
    item->retry.cancelable = 1;
    open_items_++;
    return item;
}

// Field order of a due_batch row: id, customer_id, model, nopol,
// next_visit_date, reminded_for, reminded_on, do_not_contact, customer name,
// customer phone, attempt cycle, attempt run, handled.
void Run::classify(redisReply** row) {
    if (reply_str(row[12]) == "1") {
        return;  // handled earlier in this run, by this or a previous runner
    }
    Item* item = add_item();
    item->vehicle = reply_str(row[0]);
    item->customer = reply_str(row[1]);
    std::optional<std::string> name = reply_opt(row[8]);
    std::string raw_phone = reply_str(row[9]);
    std::string next = reply_str(row[4]);

    RunDetail& d = item->detail;
    d.no_pol = reply_str(row[3]);
    d.customer_nama = name.value_or("");
    d.customer_hp = raw_phone;
    d.next_visit_date = next;
    std::optional<Date> next_date = parse_date(next);
    d.days_until_visit = next_date ? days_between(as_of_, *next_date) : 0;

    if (!name) {
        skip(item, "skipped", "customer tidak ditemukan");
        return;
    }
    if (!next_date) {
        skip(item, "skipped", "data tidak lengkap: tanggal kunjungan kosong");
        return;
    }
    if (raw_phone.empty()) {
        skip(item, "skipped", "data tidak lengkap: nomor HP kosong");
        return;
    }
    if (d.no_pol.empty()) {
        skip(item, "skipped", "data tidak lengkap: nomor polisi kosong");
        return;
    }
    std::optional<std::string> phone = normalize_phone(raw_phone);
    if (!phone) {
        skip(item, "skipped", "nomor HP tidak valid");
        return;
    }
    if (!whatsapp_reachable(*phone)) {
        skip(item, "skipped", "nomor HP bukan nomor seluler");
        return;
    }
    if (reply_str(row[7]) == "1") {
        skip(item, "skipped", "customer tidak ingin menerima pesan");
        return;
    }
    if (!rc().daily && reply_str(row[5]) == next) {
        skip(item, "skipped", "sudah diingatkan untuk kunjungan " + next);
        return;
    }
    if (rc().daily && reply_str(row[6]) == format_date(as_of_)) {
        skip(item, "skipped", "sudah diingatkan hari ini");
        return;
    }
    if (row[10]->type != REDIS_REPLY_NIL) {
        skip(item, "unknown",
             "percobaan sebelumnya (run " + reply_str(row[11]) + ") belum diketahui hasilnya");
        return;
    }

    item->phone = *phone;
    item->cycle = next;
    item->fields.customer_name = *name;
    item->fields.vehicle_nopol = d.no_pol;
    item->fields.vehicle_model = reply_str(row[2]);
    item->fields.service_phone = rc().service_phone;
    item->fields.next_visit = *next_date;
    item->text = message_text(*rc().message, item->fields);
    d.message = item->text;

    if (dry_) {
        // A customer's number and the whole text are personal data, in a log
        // that often leaves the machine: only wa_report_log_messages shows them.
        if (rc().log_messages) {
            ngx_log_error(NGX_LOG_NOTICE, rem_.log(), 0,
                          "wa_report: dry run: message to \"%s\" for \"%s\": \"%s\"",
                          log_value(item->phone).c_str(), log_value(d.no_pol).c_str(),
                          log_value(item->text).c_str());
        } else {
            ngx_log_error(NGX_LOG_NOTICE, rem_.log(), 0,
                          "wa_report: dry run: message to \"%s\" for \"%s\"",
                          log_value(mask_phone(item->phone)).c_str(),
                          log_value(mask_phones(d.no_pol)).c_str());
        }
        skip(item, "dry_run", "");
        return;
    }
    queue_.push_back(item);
}

void Run::skip(Item* item, const char* status, std::string reason) {
    item->detail.status = status;
    item->detail.reason = std::move(reason);
    item_done(item);
}

bool Run::take_token() {
    size_t rate = rc().rate;
    if (rate == 0) {
        return true;
    }
    ngx_msec_t now = now_ms();
    // Sends are spaced evenly, as the providers count them; the bucket holds
    // at most 10 ms worth (one message at low rates), enough to keep high
    // rates from being capped by the timer's millisecond resolution.
    double per_ms = static_cast<double>(rate) / 1000.0;
    double cap = std::max(1.0, per_ms * 10);
    tokens_ = std::min(cap, tokens_ + static_cast<double>(now - refilled_at_) * per_ms);
    refilled_at_ = now;
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return true;
    }
    auto wait = static_cast<ngx_msec_t>(std::ceil((1 - tokens_) / per_ms));
    if (!rate_ev_.timer_set) {
        ngx_add_timer(&rate_ev_, std::max<ngx_msec_t>(wait, 1));
    }
    return false;
}

// Starts queued sends while slots, tokens and the gateway allow. A worker
// that is shutting down starts nothing new and hands the run over once its
// sends in flight are counted.
void Run::pump() {
    if (ended_) {
        return;
    }
    while (!queue_.empty() && active_ < rc().concurrency && !exiting()) {
        ngx_msec_t now = now_ms();
        if (paused_until_ > now) {
            if (!rate_ev_.timer_set) {
                ngx_add_timer(&rate_ev_, paused_until_ - now);
            }
            return;
        }
        if (!take_token()) {
            return;
        }
        Item* item = queue_.front();
        queue_.pop_front();
        item->slot = true;
        active_++;
        if (item->begun) {
            send(item);
        } else {
            begin(item);
        }
    }
    if (exiting() && active_ == 0 && !releasing_ && call_ == nullptr) {
        flush(true);
    }
}

void Run::on_rate(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        static_cast<Run*>(ev->data)->pump();
        })) {
    }
}

void Run::begin(Item* item) {
    item->call = script(Script::attempt_begin,
                        {keys().run_lease(), keys().attempt(item->vehicle),
                         keys().vehicle(item->vehicle)},
                        {rem_.owner(), id, item->cycle, now_local(), std::to_string(attempt_ttl),
                         rc().daily ? "daily" : "once", format_date(as_of_)},
                        on_attempt, item);
    if (item->call == nullptr) {
        end(false, "redis unavailable");
    }
}

void Run::on_attempt(redisReply* reply, void* data) {
    auto* item = static_cast<Item*>(data);
    Run* run = item->run;
    item->call = nullptr;
    std::string status = is_array(reply, 1) ? reply_str(reply->element[0]) : "";
    if (status == "ok" && run->ended_) {
        // Not sent: whoever carries the run on sends it.
        item->begun = true;
        item->slot = false;
        run->active_--;
        run->release_attempts({item});
    } else if (status == "ok") {
        item->begun = true;
        run->send(item);
    } else if (status == "reminded") {
        run->skip(item, "skipped", "sudah diingatkan untuk kunjungan " + item->cycle);
    } else if (status == "in_flight") {
        run->skip(item, "unknown",
                  "percobaan lain (run " + reply_str(reply->element[1]) + ") belum selesai");
    } else {
        run->end(false, status == "lost" ? std::string("lost the run's lease")
                                         : redis_failure("redis failed while marking an attempt",
                                                         reply));
    }
    run->done_one();
}

void Run::send(Item* item) {
    const ReminderConfig& c = rc();
    OutboundRequest req = c.provider == Provider::cloud_api
        ? cloud_api_request(c.url, c.key, item->phone, c.cloud,
                            cloud_parameters(*c.message, item->fields))
        : starsender_request(c.url, c.key, item->phone, item->text);
    if (!rem_.http().post(req, on_sent, item)) {
        item->result = SendResult{};
        item->result.detail = "cannot start the gateway request";
        fail(item, false, item->result.detail);
        return;
    }
    outstanding_++;
}

// The gateway's answer is always acted on, even after the run has ended
// (lease lost, worker exiting): an accepted send must be counted.
void Run::on_sent(const HttpResponse& response, void* data) {
    auto* item = static_cast<Item*>(data);
    Run* run = item->run;
    const ReminderConfig& c = run->rc();

    SendResult res;
    if (response.status == 0) {
        res = transport_failure(response.timed_out, response.error, c.key);
    } else if (c.provider == Provider::cloud_api) {
        res = parse_cloud_api(response.status, response.body, response.retry_after, c.key);
    } else {
        res = parse_starsender(response.status, response.body, response.retry_after, c.key);
    }
    item->result = res;

    RetryDecision next = decide_after_send(res, item->attempt, run->retry_policy(),
                                           run->rem_.worker().rng());
    switch (next.step) {
    case NextStep::record:
        run->record(item);
        break;
    case NextStep::retry:
        if (run->ended_) {
            // Not this runner's to fail: whoever carries the run on sends it.
            item->slot = false;
            run->active_--;
            run->release_attempts({item});
        } else {
            run->retry_later(item, next.delay_ms, next.pause_all);
        }
        break;
    case NextStep::opt_out:
        run->fail(item, true, next.reason);
        break;
    case NextStep::fail:
        run->fail(item, false, next.reason);
        break;
    }
    run->done_one();
}

void Run::retry_later(Item* item, int64_t delay_ms, bool pause_all) {
    item->attempt++;
    item->slot = false;
    active_--;
    ngx_msec_t delay = static_cast<ngx_msec_t>(std::max<int64_t>(delay_ms, 1));
    if (pause_all) {
        // The provider throttles the whole account: nothing goes out until
        // it said we may.
        paused_until_ = std::max(paused_until_, now_ms() + delay);
        queue_.push_front(item);
        pump();
        return;
    }
    ngx_add_timer(&item->retry, delay);
    outstanding_++;
}

void Run::on_retry(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        auto* item = static_cast<Item*>(ev->data);
        Run* run = item->run;
        run->queue_.push_front(item);
        run->pump();
        run->done_one();
        })) {
    }
}

void Run::record(Item* item) {
    const std::string mid = item->result.message_id.empty()
        ? "run:" + id + ":" + item->vehicle
        : item->result.message_id;
    ReminderCount count{item->cycle, format_date(as_of_), provider_name(rc().provider), id,
                        item->result.message_id};
    item->store_call = rem_.store().record(item->customer, item->vehicle, mid, new_uuid(),
                                           now_local(), config().message_id_ttl, &count,
                                           on_recorded, item);
    if (item->store_call == nullptr) {
        // Sent but not counted: the attempt mark stays and the next run
        // reports it as unknown.
        ngx_log_error(NGX_LOG_ERR, rem_.log(), 0,
                      "wa_report: message for vehicle \"%s\" accepted but not counted: redis down",
                      log_value(item->vehicle).c_str());
        skip(item, "unknown", "terkirim, tetapi tidak tercatat (redis tidak tersedia)");
        return;
    }
    outstanding_++;
}

void Run::on_recorded(const Answer<RecordOutcome>& answer, void* data) {
    using Status = RecordOutcome::Status;
    auto* item = static_cast<Item*>(data);
    Run* run = item->run;
    item->store_call = nullptr;
    item->detail.api_response = item->result.detail;
    Status status = answer.value.status;
    if (answer.ok() && (status == Status::counted || status == Status::duplicate)) {
        item->detail.status = "sent";
        run->item_done(item);
    } else {
        const char* why = !answer.ok() ? "redis failed"
            : status == Status::no_customer ? "no_customer"
            : status == Status::no_vehicle ? "no_vehicle"
            : "vehicle_mismatch";
        ngx_log_error(NGX_LOG_ERR, run->rem_.log(), 0,
                      "wa_report: message for vehicle \"%s\" accepted but not counted: \"%s\"",
                      log_value(item->vehicle).c_str(), why);
        run->skip(item, "unknown", "terkirim, tetapi tidak tercatat");
    }
    run->done_one();
}

void Run::fail(Item* item, bool opted_out, std::string reason) {
    const Keys& k = keys();
    const SendResult& res = item->result;
    last_failure_ = reason;
    item->detail.api_response = res.detail;
    item->detail.reason = opted_out ? "customer menghentikan pesan seperti ini" : reason;
    item->call = script(Script::attempt_fail,
                        {k.attempt(item->vehicle), k.report(item->customer, item->vehicle),
                         k.vehicle(item->vehicle), k.stats()},
                        {reason, std::to_string(res.error_code), now_local(),
                         opted_out ? "1" : "0"},
                        on_failed, item);
    if (item->call == nullptr) {
        item->detail.status = "failed";
        item_done(item);
    }
}

void Run::on_failed(redisReply*, void* data) {
    auto* item = static_cast<Item*>(data);
    Run* run = item->run;
    item->call = nullptr;
    item->detail.status = "failed";
    run->item_done(item);
    run->done_one();
}

void Run::item_done(Item* item) {
    if (item->done) {
        return;
    }
    item->done = true;
    if (!ended_) {
        arm_hold();  // progress: a slow (rate-limited) batch is not a stall
    }
    if (item->slot) {
        item->slot = false;
        active_--;
    }
    // Counted when finished, not when read: a batch handed over half-way is
    // read again by the next runner, which counts what it finishes.
    total_++;
    const std::string& st = item->detail.status;
    if (st == "sent") {
        sent_++;
    } else if (st == "failed") {
        failed_++;
    } else if (st == "unknown") {
        unknown_++;
    } else if (st == "dry_run") {
        dry_count_++;
    } else {
        skipped_++;
    }
    open_items_--;
    if (ended_ || classifying_) {
        return;
    }
    if (open_items_ == 0) {
        flush(false);
        return;
    }
    pump();
}

// Saves the batch: its details, the vehicles it handled and the cursor.
// last: the worker is exiting; the cursor stays at the batch start (the
// handled set keeps the next runner from repeating what was done).
void Run::flush(bool last) {
    if (last) {
        releasing_ = true;
    }
    std::vector<std::string> args = {
        rem_.owner(),
        last ? cursor_day_ : next_day_,
        last ? cursor_member_ : next_member_,
        std::to_string(total_),
        std::to_string(sent_),
        std::to_string(failed_),
        std::to_string(skipped_),
        std::to_string(unknown_),
        std::to_string(dry_count_),
        std::to_string(details_ttl)};
    // Details go out in the batch's order (next visit, then vehicle id),
    // whatever order the sends finished in.
    for (auto& item : items_) {
        if (item->done && !item->flushed) {
            item->flushed = true;
            args.push_back(item->vehicle);
            std::string json;
            append_run_detail(json, item->detail);
            args.push_back(std::move(json));
        }
    }
    total_ = sent_ = failed_ = skipped_ = unknown_ = dry_count_ = 0;
    if (!last) {
        cursor_day_ = next_day_;
        cursor_member_ = next_member_;
    }
    call_ = script(Script::run_progress,
                   {keys().run_lease(), keys().run_current(), keys().run_details(id),
                    keys().run_done(id)},
                   args, on_flushed, this);
    if (call_ == nullptr) {
        end(false, "redis unavailable");
    }
}

void Run::on_flushed(redisReply* reply, void* data) {
    auto* run = static_cast<Run*>(data);
    run->call_ = nullptr;
    if (!run->ended_) {
        if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER || reply->integer != 1) {
            run->end(false, reply == nullptr || reply->type == REDIS_REPLY_ERROR
                                ? redis_failure("redis failed while saving a batch", reply)
                                : std::string("lost the run's lease"));
        } else if (run->releasing_) {
            run->release();
        } else if (run->window_done_) {
            run->finish();
        } else {
            run->fetch();
        }
    }
    run->done_one();
}

void Run::finish() {
    call_ = script(Script::run_finish,
                   {keys().run_lease(), keys().run_current(), keys().run_last(), keys().stats(),
                    keys().run_result(id)},
                   {rem_.owner(), now_local(), id, std::to_string(details_ttl)}, on_finished, this);
    if (call_ == nullptr) {
        end(false, "redis unavailable");
    }
}

void Run::on_finished(redisReply* reply, void* data) {
    auto* run = static_cast<Run*>(data);
    run->call_ = nullptr;
    if (!run->ended_) {
        if (!is_array(reply, 7) || reply_str(reply->element[0]) != "finished") {
            run->end(false, is_array(reply, 1) ? std::string("lost the run's lease")
                                               : redis_failure("redis failed while finishing",
                                                               reply));
        } else {
            run->log_finished(reply);
            run->end(true);
        }
    }
    run->done_one();
}

// The run's summary, at the level an admin must see it at: Debian's nginx
// logs from `error` up, and a run whose every send failed is an error. The
// counters are the whole run's, across handovers; the last failure is this
// runner's, a gateway's text (masked: it may repeat the recipient's number).
void Run::log_finished(const redisReply* reply) {
    RunCounts c;
    c.total = reply_int(reply->element[1]);
    c.sent = reply_int(reply->element[2]);
    c.failed = reply_int(reply->element[3]);
    c.skipped = reply_int(reply->element[4]);
    c.unknown = reply_int(reply->element[5]);
    c.dry = reply_int(reply->element[6]);
    std::string last;
    if (c.failed > 0 && !last_failure_.empty()) {
        last = ", last failure \"" + log_value(mask_phones(last_failure_)) + "\"";
    }
    ngx_log_error(ngx_level(run_finished_level(c)), rem_.log(), 0,
                  "wa_report: run \"%s\" %s finished: %s%s", log_value(id).c_str(),
                  for_day().c_str(), run_counts_text(c).c_str(), last.c_str());
}

// Hands the run over: the attempt marks of messages waiting for a retry go
// first, then the lease, so a new worker's next tick resumes the run and
// sends them (both on one connection: Redis runs them in that order).
void Run::release() {
    releasing_ = true;
    release_unfinished();
    call_ = script(Script::lease_renew, {keys().run_lease()},
                   {rem_.owner(), std::to_string(rc().lease), "release"}, on_released, this);
    if (call_ == nullptr) {
        end(false, "redis unavailable");
    }
}

void Run::on_released(redisReply*, void* data) {
    auto* run = static_cast<Run*>(data);
    run->call_ = nullptr;
    if (!run->ended_) {
        ngx_log_error(NGX_LOG_NOTICE, run->rem_.log(), 0,
                      "wa_report: run \"%s\" handed over: worker is exiting",
                      log_value(run->id).c_str());
        run->end(false);
    }
    run->done_one();
}

void Run::on_lease_timer(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        auto* run = static_cast<Run*>(ev->data);
        if (run->ended_) {
            return;
        }
        ngx_add_timer(&run->lease_ev_, run->rc().lease / 3);
        if (run->lease_call_ != nullptr) {
            return;  // the last renewal is still on its way
        }
        if (run->exiting()) {
            run->pump();  // a quiet run notices the shutdown here at the latest
        }
        run->lease_call_ = run->script(Script::lease_renew, {run->keys().run_lease()},
                                       {run->rem_.owner(), std::to_string(run->rc().lease)}, on_lease,
                                       run);
        })) {
    }
}

void Run::on_lease(redisReply* reply, void* data) {
    auto* run = static_cast<Run*>(data);
    run->lease_call_ = nullptr;
    if (!run->ended_ && reply != nullptr && reply->type == REDIS_REPLY_INTEGER
        && reply->integer == 0) {
        run->end(false, "lost the run's lease");
    }
    run->done_one();
}

void Run::on_hold(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        static_cast<Run*>(ev->data)->end(false, "run stalled");
        })) {
    }
}

void Run::notify(bool ok) {
    std::vector<RunWaiter*> waiters;
    waiters.swap(waiters_);
    for (RunWaiter* w : waiters) {
        w->run = nullptr;
        w->fn(w, ok ? RunWaiter::End::finished : RunWaiter::End::elsewhere);
    }
}

// Stops new work. Sends in flight still complete and are counted; the run is
// freed when the last of their callbacks has arrived (done_one).
void Run::end(bool ok, const std::string& why) {
    if (ended_) {
        return;
    }
    ended_ = true;
    if (!why.empty()) {
        ngx_log_error(NGX_LOG_ERR, rem_.log(), 0, "wa_report: run \"%s\" %s stopped \"%s\"",
                      log_value(id).c_str(), for_day().c_str(),
                      rem_.redis().log_text(why).c_str());
    }
    for (ngx_event_t* ev : {&lease_ev_, &rate_ev_}) {
        if (ev->timer_set) {
            ngx_del_timer(ev);
        }
    }
    release_unfinished();
    notify(ok);
    if (outstanding_ == 0) {
        if (hold_ev_.timer_set) {
            ngx_del_timer(&hold_ev_);
        }
        rem_.run_ended(this);
    }
}

// Messages this runner began but did not finish (waiting for a retry or for
// the gateway's pause) are neither counted nor failed when the run ends
// here: their attempt marks are released, so the runner that carries the run
// on sends them, and the run's counters, `failures` and the vehicles' errors
// tell only what happened. A send in flight is not among them: its answer
// still arrives and is acted on.
void Run::release_unfinished() {
    std::vector<Item*> unfinished;
    queue_.clear();
    for (auto& item : items_) {
        if (item->retry.timer_set) {
            ngx_del_timer(&item->retry);
            outstanding_--;
        }
        if (item->begun && !item->done && !item->slot && item->call == nullptr) {
            unfinished.push_back(item.get());
        }
    }
    if (!unfinished.empty()) {
        release_attempts(unfinished);
    }
}

void Run::release_attempts(const std::vector<Item*>& items) {
    std::vector<std::string> k;
    for (Item* item : items) {
        item->begun = false;
        k.push_back(keys().attempt(item->vehicle));
    }
    // Without Redis the marks stay, and the next runner reports these
    // vehicles as unknown, as after a crash.
    script(Script::attempt_release, k, {id, rem_.owner()}, on_attempts_released, this);
}

void Run::on_attempts_released(redisReply*, void* data) {
    static_cast<Run*>(data)->done_one();
}

// ---- Reminder ---------------------------------------------------------------

Reminder::Reminder(Worker& worker, ngx_log_t* log)
    : worker_(worker), log_(log),
      http_(std::make_unique<HttpClient>(log, worker.config.reminder.timeout,
                                         worker.config.reminder.concurrency + 4)),
      owner_(new_uuid()),
      redis_(worker.config.redis, log) {
    tick_.handler = on_tick;
    tick_.data = this;
    tick_.log = log;
    tick_.cancelable = 1;
    reap_.handler = on_reap;
    reap_.data = this;
    reap_.log = log;
}

Reminder::~Reminder() {
    if (tick_.timer_set) {
        ngx_del_timer(&tick_);
    }
    if (reap_.posted) {
        ngx_delete_posted_event(&reap_);
    }
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
    delete run_;
    for (Run* r : draining_) {
        delete r;
    }
    // The HTTP client goes last: dropping its transfers calls nothing back.
}

void Reminder::start() {
    redis_.start();
    if (!worker_.config.reminder.enabled) {
        return;
    }
    if (!http_->ok()) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "wa_report: cannot start the gateway client");
        return;
    }
    arm_tick();
}

// Workers tick a little apart, so they do not all ask Redis at once.
void Reminder::arm_tick() {
    ngx_msec_t tick = worker_.config.reminder.tick;
    ngx_msec_t jitter = tick / 10 > 0 ? static_cast<ngx_msec_t>(worker_.rng() % (tick / 10)) : 0;
    ngx_add_timer(&tick_, tick - tick / 20 + jitter);
}

void Reminder::on_tick(ngx_event_t* ev) {
    if (!guard(ev->log, [&] {
        auto* self = static_cast<Reminder*>(ev->data);
        if (worker_exiting()) {
            return;
        }
        self->arm_tick();
        if (self->run_ != nullptr || self->call_ != nullptr) {
            return;  // the previous tick or a run is still in flight
        }
        if (!self->schedule_checked_) {
            self->apply_schedule();
            return;
        }
        self->send_tick();
        })) {
    }
}

// Every tick meets the same refusal (an ACL without EVALSHA, OOM) until
// someone fixes it, and without a line the scheduled run just never happens.
void Reminder::log_refused(const char* what, const redisReply* reply) {
    std::string line = std::string("wa_report: ") + what;
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        line += " \"" + redis_.error_text(reply) + "\"";
    }
    if (refusals_.allow(line, static_cast<int64_t>(ngx_current_msec))) {
        ngx_log_error(NGX_LOG_ERR, log_, 0, "%s", line.c_str());
    }
}

void Reminder::send_tick() {
    const Config& c = worker_.config;
    const ReminderConfig& rc = c.reminder;
    int64_t now = static_cast<int64_t>(ngx_time());
    int64_t first = next_run(c.zone, now, rc.schedule_hour, rc.schedule_minute);
    call_ = redis_.script(
        Script::tick, {c.keys.schedule(), c.keys.run_lease(), c.keys.run_current()},
        {std::to_string(now), owner_, std::to_string(rc.lease), rc.schedule_on ? "1" : "0",
         std::to_string(rc.schedule_hour), std::to_string(rc.schedule_minute),
         std::to_string(first), schedule_text(rc.schedule_hour, rc.schedule_minute, rc.schedule_on)},
        on_tick_reply, this);
}

// At a start or reload the schedule in Redis would otherwise hide an edited
// wa_report_schedule for good; which of them wins is schedule_apply.lua's
// rule, and the first worker of the new configuration says which in the log.
void Reminder::apply_schedule() {
    const Config& c = worker_.config;
    const ReminderConfig& rc = c.reminder;
    int64_t first = next_run(c.zone, static_cast<int64_t>(ngx_time()), rc.schedule_hour,
                             rc.schedule_minute);
    call_ = redis_.script(
        Script::schedule_apply, {c.keys.schedule()},
        {schedule_text(rc.schedule_hour, rc.schedule_minute, rc.schedule_on), std::to_string(first),
         c.load_id},
        on_schedule_applied, this);
}

void Reminder::on_schedule_applied(redisReply* reply, void* data) {
    auto* self = static_cast<Reminder*>(data);
    self->call_ = nullptr;
    if (reply == nullptr) {
        return;  // Redis down: the next tick asks again
    }
    self->schedule_checked_ = true;
    const Config& c = self->worker_.config;
    const ReminderConfig& rc = c.reminder;
    if (!is_array(reply, 6)) {
        ngx_log_error(NGX_LOG_ERR, self->log_, 0, "wa_report: schedule not applied \"%s\"",
                      self->redis_.error_text(reply).c_str());
        return;
    }
    ScheduleState in_force;
    in_force.enabled = reply_str(reply->element[1]) == "1";
    in_force.hour = static_cast<int>(reply_int(reply->element[2]));
    in_force.minute = static_cast<int>(reply_int(reply->element[3]));
    in_force.source = reply_str(reply->element[4]);
    std::string line = schedule_notice(
        parse_schedule_apply(reply_str(reply->element[0])), in_force,
        schedule_text(rc.schedule_hour, rc.schedule_minute, rc.schedule_on),
        reply_str(reply->element[5]), c.zone.name());
    if (!line.empty()) {
        ngx_log_error(NGX_LOG_NOTICE, self->log_, 0, "%s", line.c_str());
    }
    if (!worker_exiting() && self->run_ == nullptr && !self->pending_) {
        self->send_tick();
    }
}

void Reminder::on_tick_reply(redisReply* reply, void* data) {
    auto* self = static_cast<Reminder*>(data);
    self->call_ = nullptr;
    if (!is_array(reply, 1)) {
        // Redis down (nullptr): its connection says so, the next tick tries again.
        if (reply != nullptr) {
            self->log_refused("reminder tick failed", reply);
        }
        return;
    }
    std::string status = reply_str(reply->element[0]);
    const Config& c = self->worker_.config;
    int64_t now = static_cast<int64_t>(ngx_time());
    if (self->run_ != nullptr || self->pending_) {
        // A run-now started meanwhile; it holds this worker's lease now.
        return;
    }
    if (status == "due" && reply->elements >= 4) {
        int hour = static_cast<int>(reply_int(reply->element[1]));
        int minute = static_cast<int>(reply_int(reply->element[2]));
        self->begin(c.zone.local_date(now), c.reminder.provider == Provider::log, false,
                    next_run(c.zone, now, hour, minute), nullptr);
        return;
    }
    if (status == "resume") {
        self->call_ = self->redis_.command({"HGETALL", c.keys.run_current()},
                                                  on_resume_reply, self);
    }
}

void Reminder::on_resume_reply(redisReply* reply, void* data) {
    auto* self = static_cast<Reminder*>(data);
    self->call_ = nullptr;
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        self->log_refused("cannot read the run to resume", reply);
        return;
    }
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
        return;
    }
    std::string id, as_of, dry, manual, day, member;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        std::string k = reply_str(reply->element[i]);
        std::string v = reply_str(reply->element[i + 1]);
        if (k == "id") id = v;
        else if (k == "as_of") as_of = v;
        else if (k == "dry_run") dry = v;
        else if (k == "manual") manual = v;
        else if (k == "cursor_day") day = v;
        else if (k == "cursor_member") member = v;
    }
    std::optional<Date> date = parse_date(as_of);
    if (id.empty() || !date) {
        self->log_refused("cannot resume a damaged run record", nullptr);
        return;
    }
    self->run_ = new Run(*self, id, *date, dry == "1", manual == "1");
    self->run_->start(day, member, true);
}

void Reminder::run_now(Date as_of, bool dry_run, RunWaiter* waiter) {
    if (run_ != nullptr || pending_) {
        waiter->fn(waiter, RunWaiter::End::busy);
        return;
    }
    begin(as_of, dry_run || worker_.config.reminder.provider == Provider::log, true, -1, waiter);
}

void Reminder::begin(Date as_of, bool dry_run, bool manual, int64_t next, RunWaiter* waiter) {
    const Config& c = worker_.config;
    pending_ = std::make_unique<Pending>();
    pending_->id = new_uuid();
    pending_->as_of = as_of;
    pending_->dry_run = dry_run;
    pending_->manual = manual;
    pending_->waiter = waiter;
    if (waiter != nullptr) {
        waiter->run_id = pending_->id;
    }
    begin_call_ = redis_.script(
        Script::run_begin, {c.keys.run_lease(), c.keys.run_current(), c.keys.schedule()},
        {owner_, pending_->id, format_date(as_of), dry_run ? "1" : "0", manual ? "1" : "0",
         now_local(), next >= 0 ? std::to_string(next) : "", std::to_string(c.reminder.lease)},
        on_begin_reply, this);
    if (begin_call_ == nullptr) {
        pending_.reset();
        if (waiter != nullptr) {
            waiter->error = "redis unavailable";
            waiter->fn(waiter, RunWaiter::End::not_started);
        }
    }
}

void Reminder::on_begin_reply(redisReply* reply, void* data) {
    auto* self = static_cast<Reminder*>(data);
    self->begin_call_ = nullptr;
    std::unique_ptr<Pending> p = std::move(self->pending_);
    if (!p) {
        return;
    }
    bool started = is_array(reply, 1) && reply_str(reply->element[0]) == "started";
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        self->log_refused(p->manual ? "cannot begin a run" : "cannot begin the scheduled run",
                          reply);
    }
    if (!started) {
        RunWaiter* w = p->waiter;
        if (w == nullptr) {
            return;
        }
        if (is_array(reply, 1)) {
            w->fn(w, RunWaiter::End::busy);
        } else if (reply != nullptr) {
            w->error = "redis error";
            w->fn(w, RunWaiter::End::not_started);
        } else {
            // The script may have run before the answer was lost.
            w->error = "redis unavailable";
            w->fn(w, RunWaiter::End::elsewhere);
        }
        return;
    }
    self->run_ = new Run(*self, p->id, p->as_of, p->dry_run, p->manual);
    if (p->waiter != nullptr) {
        self->run_->add_waiter(p->waiter);
    }
    self->run_->start("", "", false);
}

void Reminder::cancel(RunWaiter* waiter) {
    if (pending_ && pending_->waiter == waiter) {
        pending_->waiter = nullptr;
    }
    if (waiter->run != nullptr) {
        waiter->run->remove_waiter(waiter);
    }
}

// Runs end from inside their own callbacks; they are freed from a posted
// event, once nothing can call back into them.
void Reminder::run_ended(Run* run) {
    if (run == run_) {
        run_ = nullptr;
    }
    if (std::find(draining_.begin(), draining_.end(), run) == draining_.end()) {
        draining_.push_back(run);
    }
    if (!reap_.posted) {
        ngx_post_event(&reap_, &ngx_posted_events);
    }
}

void Reminder::on_reap(ngx_event_t* ev) {
    auto* self = static_cast<Reminder*>(ev->data);
    std::vector<Run*> keep;
    for (Run* r : self->draining_) {
        if (r->settled()) {
            delete r;
        } else {
            keep.push_back(r);
        }
    }
    self->draining_.swap(keep);
}

}  // namespace wa
