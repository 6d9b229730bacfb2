// The Store: every Redis call the module makes, one typed function per Lua
// script or plain command. It is the only place that knows a script's KEYS
// and ARGV order and the shape of its reply: callers pass plain values and
// get back named structs (core's Report, Stats, ...), never a redisReply.
//
// A call is asynchronous: it returns a StoreCall handle at once (nullptr
// when Redis is down: the caller answers 503 at once) and later calls the
// caller's function with an Answer, on the worker's event loop. cancel()
// detaches the caller (a client that went away): the answer then lands
// nowhere. The handle is owned by the Store and freed after the answer.
//
// The class has a method per script and command, far more than the ~15 a
// class should have: it is a catalogue without state of its own beyond the
// connection, each method a few lines of KEYS and ARGV, and one catalogue
// keeps every key's use in one place.
#pragma once

#include "ngx_wa.hpp"

#include "core/dates.hpp"
#include "core/delivery.hpp"
#include "core/input.hpp"
#include "core/keys.hpp"
#include "core/messages.hpp"
#include "core/optout.hpp"
#include "core/report.hpp"
#include "core/rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// hiredis's reply, known here only by name: the Store's callers never see one.
struct redisReply;

namespace wa {

struct ExplainRecord;

class Redis;
struct Call;
enum class Script;
namespace metrics {
struct StoreGauges;
}

// Why a call has no value.
enum class StoreError {
    none,
    unavailable,  // no answer: connection lost, timed out, Redis down (503)
    transient,    // Redis refused for now: LOADING, BUSY, OOM, READONLY, ... (503)
    failed,       // a script error or an answer of the wrong shape (500, logged)
};

template <class T>
struct Answer {
    StoreError error = StoreError::none;
    // failed/transient: Redis's error text, or what was wrong with its answer,
    // redacted of the password and escaped: ready for a log line's quotes.
    std::string reason;
    T value{};

    bool ok() const { return error == StoreError::none; }
};

template <class T>
using StoreFn = void (*)(const Answer<T>& answer, void* data);

// A call in flight; cancel() before the answer arrives detaches the caller.
class StoreCall {
public:
    void cancel() { data_ = nullptr; }

private:
    friend class Store;
    void (*done_)() = nullptr;  // the caller's StoreFn<T>, type-erased
    void* data_ = nullptr;
    const Redis* redis_ = nullptr;  // for its error texts
};

class Store {
public:
    Store(Redis& redis, const Keys& keys) : redis_(redis), keys_(keys) {}

    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    bool available() const;
    const Keys& keys() const { return keys_; }

    // ---- the report API ----------------------------------------------------

    // stats.lua: the statistics.
    StoreCall* stats(StoreFn<Stats> fn, void* data);

    // HMGET of {prefix}:stats reports, messages, failures for a scrape
    // (ngx_http_wa_report_store_metrics.cpp).
    StoreCall* store_gauges(StoreFn<metrics::StoreGauges> fn, void* data);

    // HMGET of one report; nullopt when there is none.
    StoreCall* report(const std::string& customer, const std::string& vehicle,
                      StoreFn<std::optional<Report>> fn, void* data);

    // record.lua: counts one accepted message for a customer's vehicle,
    // once per message_id (remembered for mark_ttl seconds). `reminder`
    // (nullptr for POST /record) also marks the visit reminded, clears the
    // vehicle's attempt and logs the delivery. new_id is used only when the
    // report is created.
    StoreCall* record(const std::string& customer, const std::string& vehicle,
                      const std::string& message_id, const std::string& new_id,
                      const std::string& now, int64_t mark_ttl, const ReminderCount* reminder,
                      StoreFn<RecordOutcome> fn, void* data);

    // report_delete.lua: deletes the report with this id (any string); the
    // answer is false when there is none.
    StoreCall* report_delete(const std::string& id, StoreFn<bool> fn, void* data);

    // reset.lua: sets one chunk of at most `limit` (1..999999999) reports to
    // frequency 0 and updated_at `now`: a customer's (`customer` a uuid), or
    // every report (""). `after` is the exclusive start score: "-inf", then
    // "(" + the previous chunk's last.
    StoreCall* reset_chunk(const std::string& customer, const std::string& now,
                           const std::string& after, int64_t limit, StoreFn<ResetChunk> fn,
                           void* data);

    // page.lua: at most `limit` (1..999999999) reports of a customer's index
    // (`customer` a uuid) or of every report (""), after the exclusive score
    // `after` ("-inf" or "(<score>"), up to the inclusive score `end` ("+inf"
    // for no end); the list's 7 fields, or the detail's 9.
    struct PageQuery {
        std::string customer;
        std::string after = "-inf";
        int64_t limit = 1;
        std::string end = "+inf";
    };
    StoreCall* report_page(const PageQuery& q, StoreFn<ReportPage> fn, void* data);
    StoreCall* detail_page(const PageQuery& q, StoreFn<DetailPage> fn, void* data);

    // Where a page of `limit` (>= 1) members after `after` ends: the score of
    // the limit-th member, and whether one follows it (ZRANGEBYSCORE).
    StoreCall* page_end(const std::string& customer, const std::string& after, int64_t limit,
                        StoreFn<PageEnd> fn, void* data);
    // The score of the index's last member, when one follows `after`
    // (ZREVRANGEBYSCORE); `more` is always false.
    StoreCall* list_end(const std::string& customer, const std::string& after, StoreFn<PageEnd> fn,
                        void* data);

    // LRANGE of a finished run's details: `count` (>= 1) JSON items from
    // position `start` (0-based); fewer at the list's end.
    StoreCall* run_details(const std::string& run_id, int64_t start, int64_t count,
                           StoreFn<std::vector<std::string>> fn, void* data);

    // due_list.lua: the vehicles due on the days [first_day, last_day] (days
    // since 1970-01-01, at most 31 days), at most `limit` (1..1000) of them,
    // in the index's order; truncated when more exist.
    StoreCall* due_list(int64_t first_day, int64_t last_day, int64_t limit, StoreFn<DueList> fn,
                        void* data);

    // reminder_explain.lua (ngx_http_wa_report_store_explain.cpp): what a
    // run would read about the vehicle, with the customer `customer` (both
    // uuids), the schedule and the covered day; vehicle_exists false when
    // there is no such vehicle.
    StoreCall* reminder_explain(const std::string& customer, const std::string& vehicle,
                                StoreFn<ExplainRecord> fn, void* data);

    // ---- customers and vehicles ----------------------------------------------

    // HMGET of one customer; nullopt when there is none.
    StoreCall* customer(const std::string& id, StoreFn<std::optional<Customer>> fn, void* data);
    // customer_put.lua: creates or updates the customer `id` (a uuid);
    // `now` becomes updated_at (and created_at on create).
    StoreCall* customer_put(const std::string& id, const CustomerInput& c, const std::string& now,
                            StoreFn<CustomerPut> fn, void* data);
    // customer_delete.lua: deletes a customer that has no vehicles.
    StoreCall* customer_delete(const std::string& id, StoreFn<CustomerDeleted> fn, void* data);

    // HMGET of one vehicle; nullopt when there is none.
    StoreCall* vehicle(const std::string& id, StoreFn<std::optional<Vehicle>> fn, void* data);
    // vehicle_put.lua: creates or updates the vehicle `id` (a uuid) of
    // v.customer_id, due on `next` (its next visit date, derived or given).
    StoreCall* vehicle_put(const std::string& id, const VehicleInput& v, Date next,
                           const std::string& now, StoreFn<VehiclePut> fn, void* data);
    // vehicle_delete.lua: the answer is false when there is no such vehicle.
    StoreCall* vehicle_delete(const std::string& id, StoreFn<bool> fn, void* data);

    // ---- the scheduler API ---------------------------------------------------

    // HSET of {wa}:schedule for the scheduler API's start: enabled at
    // hour:minute (0-23, 0-59), next due at next_run (unix seconds). The
    // answer is HSET's count of new fields.
    StoreCall* schedule_start(int hour, int minute, int64_t next_run, StoreFn<int64_t> fn,
                              void* data);
    // HSET of {wa}:schedule for stop: disabled; its time stays, so status and
    // a later start still know it.
    StoreCall* schedule_stop(StoreFn<int64_t> fn, void* data);

    // status.lua: the schedule and the last run.
    StoreCall* status(StoreFn<ScheduleStatus> fn, void* data);

    // run_summary.lua: how the run `run_id` (not empty) stands.
    StoreCall* run_summary(const std::string& run_id, StoreFn<RunSummary> fn, void* data);

    // ---- the reminder engine ------------------------------------------------
    // owner: this worker's token in the lease and the attempt marks; run: a
    // run's id; lease_ms and ttl (seconds) positive; times as the scripts
    // take them (see each lua-compat/ script's header).

    // schedule_apply.lua, at a worker's start: nginx.conf's schedule
    // (`config`: hour 0-23, minute 0-59, enabled) with its next run (unix
    // seconds), applied if it changed since the last load that applied one;
    // load_id: this configuration load's id.
    StoreCall* schedule_apply(const ScheduleState& config, int64_t next_run,
                              const std::string& load_id, StoreFn<ScheduleApplied> fn, void* data);

    // tick.lua: now in unix seconds; `defaults` (nginx.conf's schedule) and
    // its next run fill in what T:schedule lacks.
    StoreCall* tick(int64_t now, const std::string& owner, int64_t lease_ms,
                    const ScheduleState& defaults, int64_t default_next_run,
                    StoreFn<TickDecision> fn, void* data);

    // run_begin.lua: as_of the run's day; started_at local ISO; next_run the
    // schedule's next run in unix seconds (a scheduled run), or -1 (run-now:
    // the schedule is left alone); catch_up_days: the days before as_of the
    // run may cover (core's catch_up_days; empty: none). The answer names
    // the window's first day the script chose.
    StoreCall* run_begin(const std::string& owner, const std::string& run, Date as_of, bool dry_run,
                         bool manual, const std::string& started_at, int64_t next_run,
                         int64_t lease_ms, const std::vector<Date>& catch_up_days,
                         StoreFn<RunStart> fn, void* data);

    // HGETALL of the run in progress, for a runner that resumes it.
    StoreCall* current_run(StoreFn<RunRecord> fn, void* data);

    // lease_renew.lua: true when the lease was this owner's (renewed for
    // lease_ms, or released), false when it was not (nothing changed).
    StoreCall* lease_renew(const std::string& owner, int64_t lease_ms, StoreFn<bool> fn,
                           void* data);
    StoreCall* lease_release(const std::string& owner, int64_t lease_ms, StoreFn<bool> fn,
                             void* data);

    // run_pause.lua: true when the run paused (paused_until, unix seconds,
    // kept in the run; the lease given up), false when the lease was not this
    // owner's (nothing changed).
    StoreCall* run_pause(const std::string& owner, int64_t paused_until, StoreFn<bool> fn,
                         void* data);

    // due_batch.lua: at most `limit` (>= 1) due vehicles of the window
    // [first_day, last_day] (days since 1970-01-01) after the cursor ("" ""
    // at the start).
    StoreCall* due_batch(const std::string& owner, const std::string& run, int64_t first_day,
                         int64_t last_day, const std::string& cursor_day,
                         const std::string& cursor_member, size_t limit, StoreFn<DueBatch> fn,
                         void* data);

    // attempt_begin.lua: marks the attempt to remind `vehicle` of the visit
    // `cycle` (ttl seconds) unless its normalised `phone` is suppressed;
    // daily: the mode wa_report_remind daily, where a reminder counts for
    // `today` instead of for the visit.
    StoreCall* attempt_begin(const std::string& owner, const std::string& run,
                             const std::string& vehicle, const std::string& phone,
                             const std::string& cycle, const std::string& now, int64_t ttl,
                             bool daily, Date today, StoreFn<AttemptClaim> fn, void* data);

    // attempt_fail.lua: a send the provider refused or that failed for good:
    // the error (reason, the provider's code, 0 for none) on the vehicle and
    // its report, `failures` counted; opted_out (131050) also marks the
    // vehicle do_not_contact and suppresses the normalised `phone` (reason
    // error_131050). The answer has no value.
    StoreCall* attempt_fail(const std::string& customer, const std::string& vehicle,
                            const std::string& phone, const std::string& reason, int error_code,
                            const std::string& now, bool opted_out, StoreFn<int64_t> fn,
                            void* data);

    // attempt_release.lua: deletes the attempt marks of `vehicles` that this
    // run and owner made; the answer is how many.
    StoreCall* attempt_release(const std::string& owner, const std::string& run,
                               const std::vector<std::string>& vehicles, StoreFn<int64_t> fn,
                               void* data);

    // run_progress.lua: saves a batch: the cursor, the counters it adds
    // (`delta`), the (vehicle id, detail JSON) pairs in order, with ttl
    // seconds. true: saved; false: the lease is not this owner's or no run
    // is in progress (nothing written).
    StoreCall* run_progress(const std::string& owner, const std::string& run,
                            const std::string& cursor_day, const std::string& cursor_member,
                            const RunCounts& delta, int64_t ttl,
                            const std::vector<std::pair<std::string, std::string>>& details,
                            StoreFn<bool> fn, void* data);

    // run_finish.lua: ends the run and keeps its result for ttl seconds.
    StoreCall* run_finish(const std::string& owner, const std::string& run,
                          const std::string& finished_at, int64_t ttl, StoreFn<RunFinished> fn,
                          void* data);

    // ---- hearing back: delivery statuses and suppression --------------------

    // Applies a webhook's statuses (status_apply.lua, one per status) in one
    // pipelined pass: up to status_window scripts are on the connection at
    // once, the next sent as each answers, and fn is called once, when all
    // have answered. A status Redis refuses does not stop the others; the
    // answer is then the first such error (what was applied stays applied:
    // each script is idempotent). A lost connection stops the sending.
    StoreCall* apply_statuses(const std::vector<DeliveryStatus>& statuses, const std::string& now,
                              StoreFn<StatusesApplied> fn, void* data);

    // message_history.lua, limit 1: the newest message of the vehicle's
    // history (its last counted reminder with a provider id), nullopt when
    // it has none or that record expired (wa_report_message_id_ttl).
    StoreCall* vehicle_last_message(const std::string& customer, const std::string& vehicle,
                                    StoreFn<std::optional<MessageRecord>> fn, void* data);

    // message_history.lua: at most `limit` (1..50) messages of the vehicle,
    // newest first, and whether its report exists.
    StoreCall* message_history(const std::string& customer, const std::string& vehicle,
                               int64_t limit, StoreFn<MessageHistory> fn, void* data);

    // delivery_stats.lua: the delivery counters of every send (from and to
    // empty) or of the sends of the days [from, to] (at most 366 days).
    StoreCall* delivery_stats(std::optional<Date> from, std::optional<Date> to,
                              StoreFn<DeliveryStats> fn, void* data);

    // Suppresses (opted_out true) or lifts a normalised phone ("62..."):
    // reason one of "stop_word", "start_word", "user_preferences",
    // "error_131050", "data_api"; now local ISO. The answer: true when the
    // phone's state changed.
    StoreCall* opt_out_set(const std::string& phone, bool opted_out, const std::string& reason,
                           const std::string& now, StoreFn<bool> fn, void* data);

    // opt_out_check.lua: whether each normalised phone ("62...", any count,
    // duplicates allowed, none too) is suppressed: one bool per phone, in
    // order. Read-only.
    StoreCall* opted_out_phones(const std::vector<std::string>& phones,
                                StoreFn<std::vector<bool>> fn, void* data);

    // HMGET of one normalised phone's suppression: nullopt when it is not
    // suppressed.
    StoreCall* opt_out_get(const std::string& phone, StoreFn<std::optional<OptOut>> fn, void* data);

    // customer_due.lua: the vehicles of `customer` due in the window
    // [first_day, last_day] (days since 1970-01-01), with run's done set;
    // too_many when the customer has more than `limit` vehicles. Read-only.
    StoreCall* customer_due(const std::string& customer, const std::string& run, int64_t first_day,
                            int64_t last_day, size_t limit, StoreFn<CustomerDue> fn, void* data);

    // attempt_begin_group.lua: attempt_begin for each of `vehicles` (with
    // its `cycles`, same order) of one message to the normalised `phone`,
    // all decided before any mark is written.
    StoreCall* attempt_begin_group(const std::string& owner, const std::string& run,
                                   const std::vector<std::string>& vehicles,
                                   const std::vector<std::string>& cycles, const std::string& phone,
                                   const std::string& now, int64_t ttl, bool daily, Date today,
                                   StoreFn<GroupClaim> fn, void* data);

    // WAIT: the writes this connection made so far reached `replicas`
    // replicas, or timeout_ms passed; answers how many replicas confirmed.
    StoreCall* wait_replicas(int replicas, ngx_msec_t timeout_ms, StoreFn<int64_t> fn, void* data);

    // A text Redis produced (an answer's reason), ready for the quoted part
    // of a log line: escaped, the password and phone numbers hidden.
    std::string log_text(std::string_view text) const noexcept;

private:
    template <class T>
    using Decoder = bool (*)(const redisReply* reply, T& out);

    template <class T, Decoder<T> decode>
    static void on_reply(redisReply* reply, void* data) noexcept;

    template <class T, Decoder<T> decode>
    StoreCall* command(const std::vector<std::string>& argv, StoreFn<T> fn, void* data);

    template <class T, Decoder<T> decode>
    StoreCall* script(Script s, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args, StoreFn<T> fn, void* data);

    template <class T>
    StoreCall* new_call(StoreFn<T> fn, void* data);

    template <class T>
    StoreCall* track(Call* call, StoreCall* sc);

    // record() of a reminder with a provider message id: record.lua with the
    // message record's keys, then status_apply.lua's settle.
    StoreCall* record_message(std::vector<std::string>& keys, std::vector<std::string>& args,
                              const ReminderCount& reminder, int64_t ttl, StoreFn<RecordOutcome> fn,
                              void* data);

    // apply_statuses' pipelined pass: a window of scripts in flight, one
    // answer.
    struct Batch;
    static void on_batch_reply(redisReply* reply, void* data) noexcept;
    // Sends the batch's next status; false when the connection refused it.
    bool send_status(Batch& batch);

    Redis& redis_;
    const Keys& keys_;
};

}  // namespace wa
