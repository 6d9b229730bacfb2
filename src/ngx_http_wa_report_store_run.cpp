// The Store's calls for the reminder engine: KEYS and ARGV in each script's
// order (see the header of each lua-compat/ script), and decoders from each
// reply to a struct of core/rows.hpp.

#include "ngx_http_wa_report_store_impl.hpp"

namespace wa {

namespace {

using namespace store_detail;

bool decode_schedule_applied(const redisReply* reply, ScheduleApplied& out) {
    if (!is_array(reply, 6)) {
        return false;
    }
    redisReply* const* e = reply->element;
    out.outcome = parse_schedule_apply(text(e[0]));
    out.in_force.enabled = text(e[1]) == "1";
    out.in_force.hour = static_cast<int>(integer(e[2]));
    out.in_force.minute = static_cast<int>(integer(e[3]));
    out.in_force.source = text(e[4]);
    out.before = text(e[5]);
    return true;
}

bool decode_tick(const redisReply* reply, TickDecision& out) {
    using Kind = TickDecision::Kind;
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    std::string status = text(e[0]);
    if (status == "busy") {
        out.kind = Kind::busy;
    } else if (status == "resume") {
        out.kind = Kind::resume;
    } else if (status == "paused" && reply->elements >= 2) {
        out.kind = Kind::paused;
        out.next_run = integer(e[1]);
    } else if (status == "due" && reply->elements >= 4) {
        out.kind = Kind::due;
        out.hour = static_cast<int>(integer(e[1]));
        out.minute = static_cast<int>(integer(e[2]));
        out.next_run = integer(e[3]);
    } else if (status == "idle" && reply->elements >= 5) {
        out.kind = Kind::idle;
        out.enabled = text(e[1]) == "1";
        out.hour = static_cast<int>(integer(e[2]));
        out.minute = static_cast<int>(integer(e[3]));
        out.next_run = integer(e[4]);
    } else {
        return false;
    }
    return true;
}

bool decode_run_begin(const redisReply* reply, RunStart& out) {
    if (!is_array(reply, 1)) {
        return false;
    }
    out.outcome = text(reply->element[0]) == "started" ? RunBegin::started : RunBegin::busy;
    if (out.outcome == RunBegin::started) {
        if (reply->elements < 2) {
            return false;
        }
        out.window_from = text(reply->element[1]);
    }
    return true;
}

bool decode_run_record(const redisReply* reply, RunRecord& out) {
    if (reply->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    out.exists = reply->elements > 0;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        std::string k = text(reply->element[i]);
        std::string v = text(reply->element[i + 1]);
        if (k == "id") {
            out.id = std::move(v);
        } else if (k == "as_of") {
            out.as_of = std::move(v);
        } else if (k == "dry_run") {
            out.dry_run = v == "1";
        } else if (k == "manual") {
            out.manual = v == "1";
        } else if (k == "cursor_day") {
            out.cursor_day = std::move(v);
        } else if (k == "cursor_member") {
            out.cursor_member = std::move(v);
        } else if (k == "window_from") {
            out.window_from = std::move(v);
        }
    }
    return true;
}

// lease_renew.lua answers 0 only when the lease is not this owner's.
bool decode_lease(const redisReply* reply, bool& held) {
    held = !(reply->type == REDIS_REPLY_INTEGER && reply->integer == 0);
    return true;
}

}  // namespace

// The 13 fields of a due_batch row, from e[0] (see due_batch.lua).
DueRow store_detail::due_row_at(redisReply* const* e) {
    DueRow row;
    row.vehicle_id = text(e[0]);
    row.customer_id = text(e[1]);
    row.model = text(e[2]);
    row.nopol = text(e[3]);
    row.next_visit_date = text(e[4]);
    row.reminded_for = text(e[5]);
    row.reminded_on = text(e[6]);
    row.do_not_contact = text(e[7]) == "1";
    row.customer_name = optional_text(e[8]);
    row.customer_phone = text(e[9]);
    row.attempt_cycle = optional_text(e[10]);
    row.attempt_run = text(e[11]);
    row.handled = text(e[12]) == "1";
    return row;
}

namespace {

bool decode_due_batch(const redisReply* reply, DueBatch& out) {
    constexpr size_t head = 4;
    constexpr size_t width = 13;
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    if (text(e[0]) != "ok" || reply->elements < head) {
        out.lost = true;
        return true;
    }
    out.cursor_day = text(e[1]);
    out.cursor_member = text(e[2]);
    out.window_done = text(e[3]) == "1";
    out.rows.reserve((reply->elements - head) / width);
    for (size_t i = head; i + width <= reply->elements; i += width) {
        out.rows.push_back(due_row_at(e + i));
    }
    return true;
}

bool decode_attempt_claim(const redisReply* reply, AttemptClaim& out) {
    using Status = AttemptClaim::Status;
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    std::string status = text(e[0]);
    if (status == "ok") {
        out.status = Status::ok;
    } else if (status == "reminded") {
        out.status = Status::reminded;
    } else if (status == "lost") {
        out.status = Status::lost;
    } else if (status == "opted_out") {
        out.status = Status::opted_out;
    } else if (status == "in_flight") {
        out.status = Status::in_flight;
        out.run = reply->elements > 1 ? text(e[1]) : std::string();
        out.started_at = reply->elements > 2 ? text(e[2]) : std::string();
    } else {
        return false;
    }
    return true;
}

// Scripts whose answer the caller only waits for.
bool decode_any_integer(const redisReply* reply, int64_t& out) {
    out = integer(reply);
    return true;
}

// run_progress.lua answers 1 when it saved, 0 when the run was not this
// owner's.
bool decode_saved(const redisReply* reply, bool& saved) {
    saved = reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
    return true;
}

bool decode_run_finished(const redisReply* reply, RunFinished& out) {
    if (!is_array(reply, 1)) {
        return false;
    }
    redisReply* const* e = reply->element;
    out.finished = text(e[0]) == "finished" && reply->elements >= 7;
    if (out.finished) {
        out.counts.total = integer(e[1]);
        out.counts.sent = integer(e[2]);
        out.counts.failed = integer(e[3]);
        out.counts.skipped = integer(e[4]);
        out.counts.unknown = integer(e[5]);
        out.counts.dry = integer(e[6]);
    }
    return true;
}

}  // namespace

// ---- the reminder engine ---------------------------------------------------------

StoreCall* Store::schedule_apply(const ScheduleState& config, int64_t next_run,
                                 const std::string& load_id, StoreFn<ScheduleApplied> fn,
                                 void* data) {
    return script<ScheduleApplied, decode_schedule_applied>(
        Script::schedule_apply, {keys_.schedule()},
        {schedule_text(config.hour, config.minute, config.enabled), std::to_string(next_run),
         load_id},
        fn, data);
}

StoreCall* Store::tick(int64_t now, const std::string& owner, int64_t lease_ms,
                       const ScheduleState& defaults, int64_t default_next_run,
                       StoreFn<TickDecision> fn, void* data) {
    return script<TickDecision, decode_tick>(
        Script::tick, {keys_.schedule(), keys_.run_lease(), keys_.run_current()},
        {std::to_string(now), owner, std::to_string(lease_ms), defaults.enabled ? "1" : "0",
         std::to_string(defaults.hour), std::to_string(defaults.minute),
         std::to_string(default_next_run),
         schedule_text(defaults.hour, defaults.minute, defaults.enabled)},
        fn, data);
}

StoreCall* Store::run_begin(const std::string& owner, const std::string& run, Date as_of,
                            bool dry_run, bool manual, const std::string& started_at,
                            int64_t next_run, int64_t lease_ms,
                            const std::vector<Date>& catch_up_days, StoreFn<RunStart> fn,
                            void* data) {
    std::vector<std::string> args = {owner,
                                     run,
                                     format_date(as_of),
                                     dry_run ? "1" : "0",
                                     manual ? "1" : "0",
                                     started_at,
                                     next_run >= 0 ? std::to_string(next_run) : "",
                                     std::to_string(lease_ms)};
    for (Date d : catch_up_days) {
        args.push_back(format_date(d));
    }
    return script<RunStart, decode_run_begin>(
        Script::run_begin,
        {keys_.run_lease(), keys_.run_current(), keys_.schedule(), keys_.run_covered(),
         keys_.run_last()},
        args, fn, data);
}

StoreCall* Store::current_run(StoreFn<RunRecord> fn, void* data) {
    return command<RunRecord, decode_run_record>({"HGETALL", keys_.run_current()}, fn, data);
}

StoreCall* Store::lease_renew(const std::string& owner, int64_t lease_ms, StoreFn<bool> fn,
                              void* data) {
    return script<bool, decode_lease>(Script::lease_renew, {keys_.run_lease()},
                                      {owner, std::to_string(lease_ms)}, fn, data);
}

StoreCall* Store::lease_release(const std::string& owner, int64_t lease_ms, StoreFn<bool> fn,
                                void* data) {
    return script<bool, decode_lease>(Script::lease_renew, {keys_.run_lease()},
                                      {owner, std::to_string(lease_ms), "release"}, fn, data);
}

StoreCall* Store::run_pause(const std::string& owner, int64_t paused_until, StoreFn<bool> fn,
                            void* data) {
    return script<bool, decode_lease>(Script::run_pause, {keys_.run_lease(), keys_.run_current()},
                                      {owner, std::to_string(paused_until)}, fn, data);
}

StoreCall* Store::due_batch(const std::string& owner, const std::string& run, int64_t first_day,
                            int64_t last_day, const std::string& cursor_day,
                            const std::string& cursor_member, size_t limit, StoreFn<DueBatch> fn,
                            void* data) {
    return script<DueBatch, decode_due_batch>(
        Script::due_batch, {keys_.run_lease(), keys_.run_current()},
        {keys_.tag(), owner, std::to_string(first_day), std::to_string(last_day), cursor_day,
         cursor_member, std::to_string(limit), run},
        fn, data);
}

StoreCall* Store::attempt_begin(const std::string& owner, const std::string& run,
                                const std::string& vehicle, const std::string& phone,
                                const std::string& cycle, const std::string& now, int64_t ttl,
                                bool daily, Date today, StoreFn<AttemptClaim> fn, void* data) {
    return script<AttemptClaim, decode_attempt_claim>(
        Script::attempt_begin,
        {keys_.run_lease(), keys_.attempt(vehicle), keys_.vehicle(vehicle), keys_.optout(phone)},
        {owner, run, cycle, now, std::to_string(ttl), daily ? "daily" : "once", format_date(today)},
        fn, data);
}

StoreCall* Store::attempt_fail(const std::string& customer, const std::string& vehicle,
                               const std::string& phone, const std::string& reason, int error_code,
                               const std::string& now, bool opted_out, StoreFn<int64_t> fn,
                               void* data) {
    return script<int64_t, decode_any_integer>(
        Script::attempt_fail,
        {keys_.attempt(vehicle), keys_.report(customer, vehicle), keys_.vehicle(vehicle),
         keys_.stats(), keys_.optout(phone)},
        {reason, std::to_string(error_code), now, opted_out ? "1" : "0"}, fn, data);
}

StoreCall* Store::attempt_release(const std::string& owner, const std::string& run,
                                  const std::vector<std::string>& vehicles, StoreFn<int64_t> fn,
                                  void* data) {
    std::vector<std::string> keys;
    keys.reserve(vehicles.size());
    for (const std::string& vehicle : vehicles) {
        keys.push_back(keys_.attempt(vehicle));
    }
    return script<int64_t, decode_any_integer>(Script::attempt_release, keys, {run, owner}, fn,
                                               data);
}

StoreCall* Store::run_progress(const std::string& owner, const std::string& run,
                               const std::string& cursor_day, const std::string& cursor_member,
                               const RunCounts& delta, int64_t ttl,
                               const std::vector<std::pair<std::string, std::string>>& details,
                               StoreFn<bool> fn, void* data) {
    std::vector<std::string> args = {owner,
                                     cursor_day,
                                     cursor_member,
                                     std::to_string(delta.total),
                                     std::to_string(delta.sent),
                                     std::to_string(delta.failed),
                                     std::to_string(delta.skipped),
                                     std::to_string(delta.unknown),
                                     std::to_string(delta.dry),
                                     std::to_string(ttl)};
    args.reserve(args.size() + 2 * details.size());
    for (const auto& [vehicle, json] : details) {
        args.push_back(vehicle);
        args.push_back(json);
    }
    return script<bool, decode_saved>(
        Script::run_progress,
        {keys_.run_lease(), keys_.run_current(), keys_.run_details(run), keys_.run_done(run)}, args,
        fn, data);
}

StoreCall* Store::run_finish(const std::string& owner, const std::string& run,
                             const std::string& finished_at, int64_t ttl, StoreFn<RunFinished> fn,
                             void* data) {
    return script<RunFinished, decode_run_finished>(
        Script::run_finish,
        {keys_.run_lease(), keys_.run_current(), keys_.run_last(), keys_.stats(),
         keys_.run_result(run), keys_.run_covered()},
        {owner, finished_at, run, std::to_string(ttl)}, fn, data);
}

StoreCall* Store::wait_replicas(int replicas, ngx_msec_t timeout_ms, StoreFn<int64_t> fn,
                                void* data) {
    return command<int64_t, decode_any_integer>(
        {"WAIT", std::to_string(replicas), std::to_string(timeout_ms)}, fn, data);
}

std::string Store::log_text(std::string_view text) const noexcept { return redis_.log_text(text); }

}  // namespace wa
