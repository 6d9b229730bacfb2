// The Store's calls for the endpoints: KEYS and ARGV in each script's order
// (see the header of each lua-compat/ script), and decoders from each reply
// to a struct. The reminder engine's calls are in ngx_http_wa_report_store_run.cpp.

#include "ngx_http_wa_report_store_impl.hpp"

#include "core/status.hpp"

namespace wa {

namespace {

using namespace store_detail;

// ---- decoders ------------------------------------------------------------------

// The 7 fields id, id_customer, id_vehicle, last_message_date, frequency,
// created_at, updated_at, from e[0].
Report report_at(redisReply* const* e) {
    Report rep;
    rep.id = text(e[0]);
    rep.id_customer = text(e[1]);
    rep.id_vehicle = text(e[2]);
    rep.last_message_date = optional_text(e[3]);
    rep.frequency = integer(e[4]);
    rep.created_at = text(e[5]);
    rep.updated_at = text(e[6]);
    return rep;
}

// due_list.lua's {more, rows of 8 fields...}.
bool decode_due_list(const redisReply* reply, DueList& out) {
    constexpr size_t width = 8;
    if (!is_array(reply, 1) || (reply->elements - 1) % width != 0) {
        return false;
    }
    redisReply* const* e = reply->element;
    out.truncated = text(e[0]) == "1";
    out.rows.reserve((reply->elements - 1) / width);
    for (size_t i = 1; i + width <= reply->elements; i += width) {
        DueRow row;
        row.vehicle_id = text(e[i]);
        row.customer_id = text(e[i + 1]);
        row.nopol = text(e[i + 2]);
        row.model = text(e[i + 3]);
        row.next_visit_date = text(e[i + 4]);
        row.reminded_for = text(e[i + 5]);
        row.customer_name = optional_text(e[i + 6]);
        row.customer_phone = text(e[i + 7]);
        out.rows.push_back(std::move(row));
    }
    return true;
}

bool decode_stats(const redisReply* reply, Stats& out) {
    if (!is_array(reply, 2)) {
        return false;
    }
    out.reports = integer(reply->element[0]);
    out.messages = integer(reply->element[1]);
    for (size_t i = 2; i + 1 < reply->elements; i += 2) {
        out.by_frequency.emplace_back(integer(reply->element[i]), integer(reply->element[i + 1]));
    }
    return true;
}

bool decode_record(const redisReply* reply, RecordOutcome& out) {
    using Status = RecordOutcome::Status;
    if (!is_array(reply, 1)) {
        return false;
    }
    std::string status = text(reply->element[0]);
    if (status == "counted") {
        out.status = Status::counted;
    } else if (status == "duplicate") {
        out.status = Status::duplicate;
    } else if (status == "no_customer") {
        out.status = Status::no_customer;
    } else if (status == "no_vehicle") {
        out.status = Status::no_vehicle;
    } else if (status == "vehicle_mismatch") {
        out.status = Status::vehicle_mismatch;
    } else {
        return false;
    }
    if (reply->elements >= 8) {
        out.report = report_at(reply->element + 1);
    } else if (out.status == Status::counted) {
        return false;
    }
    return true;
}

// The detail's 9 fields id, customer_name, customer_phone, vehicle_model,
// vehicle_nopol, last_message_date, frequency, created_at, updated_at.
ReportDetail detail_at(redisReply* const* e) {
    return ReportDetail{text(e[0]),          optional_text(e[1]), optional_text(e[2]),
                        optional_text(e[3]), optional_text(e[4]), optional_text(e[5]),
                        integer(e[6]),       text(e[7]),          text(e[8])};
}

// The 6 fields id, name, phone, address, created_at, updated_at.
Customer customer_at(redisReply* const* e) {
    return Customer{text(e[0]), text(e[1]), text(e[2]), text(e[3]), text(e[4]), text(e[5])};
}

// The 8 fields id, customer_id, model, nopol, last_visit_date,
// next_visit_date, created_at, updated_at.
Vehicle vehicle_at(redisReply* const* e) {
    return Vehicle{text(e[0]), text(e[1]), text(e[2]), text(e[3]),
                   text(e[4]), text(e[5]), text(e[6]), text(e[7])};
}

// An HMGET of `width` fields of a hash; nullopt when the hash does not exist
// (its first field, the id, is nil).
template <class T, T (*at)(redisReply* const*), size_t width>
bool decode_optional(const redisReply* reply, std::optional<T>& out) {
    if (!is_array(reply, width)) {
        return false;
    }
    if (reply->element[0]->type != REDIS_REPLY_NIL) {
        out = at(reply->element);
    }
    return true;
}

bool decode_integer(const redisReply* reply, int64_t& out) {
    if (reply->type != REDIS_REPLY_INTEGER) {
        return false;
    }
    out = reply->integer;
    return true;
}

bool decode_report_deleted(const redisReply* reply, bool& out) {
    int64_t n = 0;
    if (!decode_integer(reply, n)) {
        return false;
    }
    out = n != 0;
    return true;
}

bool decode_reset_chunk(const redisReply* reply, ResetChunk& out) {
    if (!is_array(reply, 3)) {
        return false;
    }
    out.count = integer(reply->element[0]);
    out.last = text(reply->element[1]);
    out.more = integer(reply->element[2]) != 0;
    return true;
}

// page.lua's {more, last score, row fields...}, `width` fields a row; a
// partial row at the end is not one.
template <class Row, Row (*row_at)(redisReply* const*), size_t width>
bool decode_page(const redisReply* reply, Page<Row>& out) {
    if (!is_array(reply, 2)) {
        return false;
    }
    out.more = integer(reply->element[0]) != 0;
    out.last = text(reply->element[1]);
    for (size_t i = 2; i + width <= reply->elements; i += width) {
        out.rows.push_back(row_at(reply->element + i));
    }
    return true;
}

// A WITHSCORES range of up to 2 members from the page's last: its score,
// and whether a second member follows it (never, for a range of 1).
bool decode_page_end(const redisReply* reply, PageEnd& out) {
    if (reply->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    if (reply->elements >= 2) {
        out.score = text(reply->element[1]);
    }
    out.more = reply->elements >= 4;
    return true;
}

bool decode_texts(const redisReply* reply, std::vector<std::string>& out) {
    if (reply->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    out.reserve(reply->elements);
    for (size_t i = 0; i < reply->elements; i++) {
        out.push_back(text(reply->element[i]));
    }
    return true;
}

bool decode_customer_put(const redisReply* reply, CustomerPut& out) {
    if (!is_array(reply, 7)) {
        return false;
    }
    std::string status = text(reply->element[0]);
    if (status != "created" && status != "updated") {
        return false;
    }
    out.created = status == "created";
    out.customer = customer_at(reply->element + 1);
    return true;
}

bool decode_customer_deleted(const redisReply* reply, CustomerDeleted& out) {
    std::string status = text(reply);
    if (status == "deleted") {
        out = CustomerDeleted::deleted;
    } else if (status == "not_found") {
        out = CustomerDeleted::not_found;
    } else if (status == "has_vehicles") {
        out = CustomerDeleted::has_vehicles;
    } else {
        return false;
    }
    return true;
}

bool decode_vehicle_put(const redisReply* reply, VehiclePut& out) {
    using Status = VehiclePut::Status;
    if (!is_array(reply, 1)) {
        return false;
    }
    std::string status = text(reply->element[0]);
    if (status == "no_customer") {
        out.status = Status::no_customer;
        return true;
    }
    if ((status != "created" && status != "updated") || reply->elements < 9) {
        return false;
    }
    out.status = status == "created" ? Status::created : Status::updated;
    out.vehicle = vehicle_at(reply->element + 1);
    return true;
}

bool decode_vehicle_deleted(const redisReply* reply, bool& out) {
    std::string status = text(reply);
    if (status != "deleted" && status != "not_found") {
        return false;
    }
    out = status == "deleted";
    return true;
}

// {enabled, hour, minute, next_run, source, current_exists, last run's
// field, value, ...}; the schedule's fields are nil until it is written.
bool decode_schedule_status(const redisReply* reply, ScheduleStatus& out) {
    if (!is_array(reply, 6)) {
        return false;
    }
    redisReply* const* e = reply->element;
    size_t pairs_end = reply->elements;
    if ((pairs_end - 6) % 2 == 1) {
        pairs_end--;
        out.paused_until = integer(e[pairs_end]);
    }
    if (e[0]->type != REDIS_REPLY_NIL) {
        ScheduleState s;
        s.enabled = text(e[0]) == "1";
        s.hour = static_cast<int>(integer(e[1]));
        s.minute = static_cast<int>(integer(e[2]));
        s.source = text(e[4]);
        out.schedule = s;
        if (e[3]->type != REDIS_REPLY_NIL) {
            out.next_run = integer(e[3]);
        }
    }
    std::vector<std::pair<std::string, std::string>> last;
    for (size_t i = 6; i + 1 < pairs_end; i += 2) {
        last.emplace_back(text(e[i]), text(e[i + 1]));
    }
    out.last_run = last_run_from_fields(last);
    return true;
}

// Any answer that is not an error: one of no known shape stands for Redis
// not answering (unreachable), as run-now has always taken it.
bool decode_run_summary(const redisReply* reply, RunSummary& out) {
    if (!is_array(reply, 1)) {
        return true;
    }
    std::string standing = text(reply->element[0]);
    if (standing == "finished" && reply->elements >= 3) {
        out.standing = RunStanding::finished;
        out.customers = integer(reply->element[1]);
        out.sent = integer(reply->element[2]);
    } else if (standing == "running") {
        out.standing = RunStanding::running;
    } else if (standing == "unknown") {
        out.standing = RunStanding::unknown;
    }
    return true;
}

}  // namespace

bool Store::available() const { return redis_.available(); }

// ---- the report API --------------------------------------------------------------

StoreCall* Store::stats(StoreFn<Stats> fn, void* data) {
    return script<Stats, decode_stats>(Script::stats, {keys_.stats(), keys_.stats_freq()}, {}, fn,
                                       data);
}

StoreCall* Store::due_list(int64_t first_day, int64_t last_day, int64_t limit, StoreFn<DueList> fn,
                           void* data) {
    return script<DueList, decode_due_list>(
        Script::due_list, {},
        {keys_.tag(), std::to_string(first_day), std::to_string(last_day), std::to_string(limit)},
        fn, data);
}

StoreCall* Store::report(const std::string& customer, const std::string& vehicle,
                         StoreFn<std::optional<Report>> fn, void* data) {
    return command<std::optional<Report>, decode_optional<Report, report_at, 7>>(
        {"HMGET", keys_.report(customer, vehicle), "id", "id_customer", "id_vehicle",
         "last_message_date", "frequency", "created_at", "updated_at"},
        fn, data);
}

StoreCall* Store::record(const std::string& customer, const std::string& vehicle,
                         const std::string& message_id, const std::string& new_id,
                         const std::string& now, int64_t mark_ttl, const ReminderCount* reminder,
                         StoreFn<RecordOutcome> fn, void* data) {
    const Keys& k = keys_;
    std::vector<std::string> keys = {k.report(customer, vehicle),
                                     k.reports(),
                                     k.report_ids(),
                                     k.customer_reports(customer),
                                     k.stats(),
                                     k.stats_freq(),
                                     k.seq(),
                                     k.message(message_id),
                                     k.customer(customer),
                                     k.vehicle(vehicle)};
    std::vector<std::string> args = {customer, vehicle, new_id, now, std::to_string(mark_ttl)};
    if (reminder != nullptr) {
        keys.push_back(k.attempt(vehicle));
        keys.push_back(k.deliveries());
        args.insert(args.end(),
                    {reminder->cycle, reminder->today, reminder->provider, reminder->run,
                     reminder->message_id});
        if (!reminder->message_id.empty()) {
            return record_message(keys, args, *reminder, mark_ttl, fn, data);
        }
    }
    return script<RecordOutcome, decode_record>(Script::record, keys, args, fn, data);
}

// Sent right behind record.lua on the same connection, so Redis runs it
// next: the statuses that came before the send was counted (pending) are
// applied, and a report added to a message that already has a status is
// counted under it. Its answer goes nowhere (an error is counted in the
// script error metric); a settle that never ran is made up by the message's
// next status, which settles every report of it.
StoreCall* Store::record_message(std::vector<std::string>& keys, std::vector<std::string>& args,
                                 const ReminderCount& reminder, int64_t ttl,
                                 StoreFn<RecordOutcome> fn, void* data) {
    const Keys& k = keys_;
    const std::string& id = reminder.message_id;
    std::string history = keys.front() + ":messages";
    keys.insert(keys.end(),
                {k.message_record(id), k.message_reports(id), history, k.stats_delivery(),
                 k.stats_delivery_day(reminder.today)});
    args.push_back(std::to_string(ttl));
    StoreCall* sc = script<RecordOutcome, decode_record>(Script::record, keys, args, fn, data);
    if (sc != nullptr) {
        redis_.script(
            Script::status_apply,
            {k.message_record(id), k.message_reports(id), k.message_pending(id),
             k.stats_delivery()},
            {k.tag(), "settle"}, [](redisReply*, void*) {}, nullptr);
    }
    return sc;
}

StoreCall* Store::report_delete(const std::string& id, StoreFn<bool> fn, void* data) {
    const Keys& k = keys_;
    return script<bool, decode_report_deleted>(
        Script::report_delete, {k.report_ids(), k.reports(), k.stats(), k.stats_freq()},
        {k.tag(), id}, fn, data);
}

namespace {

// A customer's reports, or every report.
std::string report_index(const Keys& k, const std::string& customer) {
    return customer.empty() ? k.reports() : k.customer_reports(customer);
}

}  // namespace

StoreCall* Store::reset_chunk(const std::string& customer, const std::string& now,
                              const std::string& after, int64_t limit, StoreFn<ResetChunk> fn,
                              void* data) {
    const Keys& k = keys_;
    return script<ResetChunk, decode_reset_chunk>(
        Script::reset, {report_index(k, customer), k.stats(), k.stats_freq()},
        {k.tag(), now, after, std::to_string(limit), customer}, fn, data);
}

StoreCall* Store::report_page(const PageQuery& q, StoreFn<ReportPage> fn, void* data) {
    return script<ReportPage, decode_page<Report, report_at, 7>>(
        Script::page, {report_index(keys_, q.customer)},
        {keys_.tag(), "list", q.after, std::to_string(q.limit), q.customer, q.end}, fn, data);
}

StoreCall* Store::detail_page(const PageQuery& q, StoreFn<DetailPage> fn, void* data) {
    return script<DetailPage, decode_page<ReportDetail, detail_at, 9>>(
        Script::page, {report_index(keys_, q.customer)},
        {keys_.tag(), "detail", q.after, std::to_string(q.limit), q.customer, q.end}, fn, data);
}

StoreCall* Store::page_end(const std::string& customer, const std::string& after, int64_t limit,
                           StoreFn<PageEnd> fn, void* data) {
    return command<PageEnd, decode_page_end>(
        {"ZRANGEBYSCORE", report_index(keys_, customer), after, "+inf", "WITHSCORES", "LIMIT",
         std::to_string(limit - 1), "2"},
        fn, data);
}

StoreCall* Store::list_end(const std::string& customer, const std::string& after,
                           StoreFn<PageEnd> fn, void* data) {
    return command<PageEnd, decode_page_end>({"ZREVRANGEBYSCORE", report_index(keys_, customer),
                                              "+inf", after, "WITHSCORES", "LIMIT", "0", "1"},
                                             fn, data);
}

StoreCall* Store::run_details(const std::string& run_id, int64_t start, int64_t count,
                              StoreFn<std::vector<std::string>> fn, void* data) {
    return command<std::vector<std::string>, decode_texts>(
        {"LRANGE", keys_.run_details(run_id), std::to_string(start),
         std::to_string(start + count - 1)},
        fn, data);
}

// ---- customers and vehicles --------------------------------------------------------

StoreCall* Store::customer(const std::string& id, StoreFn<std::optional<Customer>> fn, void* data) {
    return command<std::optional<Customer>, decode_optional<Customer, customer_at, 6>>(
        {"HMGET", keys_.customer(id), "id", "name", "phone", "address", "created_at", "updated_at"},
        fn, data);
}

StoreCall* Store::customer_put(const std::string& id, const CustomerInput& c,
                               const std::string& now, StoreFn<CustomerPut> fn, void* data) {
    return script<CustomerPut, decode_customer_put>(
        Script::customer_put, {keys_.customer(id), keys_.stats()},
        {id, c.name, c.phone, c.address, now}, fn, data);
}

StoreCall* Store::customer_delete(const std::string& id, StoreFn<CustomerDeleted> fn, void* data) {
    return script<CustomerDeleted, decode_customer_deleted>(
        Script::customer_delete, {keys_.customer(id), keys_.customer_vehicles(id), keys_.stats()},
        {}, fn, data);
}

StoreCall* Store::vehicle(const std::string& id, StoreFn<std::optional<Vehicle>> fn, void* data) {
    return command<std::optional<Vehicle>, decode_optional<Vehicle, vehicle_at, 8>>(
        {"HMGET", keys_.vehicle(id), "id", "customer_id", "model", "nopol", "last_visit_date",
         "next_visit_date", "created_at", "updated_at"},
        fn, data);
}

StoreCall* Store::vehicle_put(const std::string& id, const VehicleInput& v, Date next,
                              const std::string& now, StoreFn<VehiclePut> fn, void* data) {
    const Keys& k = keys_;
    int64_t day = days_from_civil(next);
    return script<VehiclePut, decode_vehicle_put>(
        Script::vehicle_put,
        {k.vehicle(id), k.customer(v.customer_id), k.customer_vehicles(v.customer_id),
         k.due_day(day), k.stats()},
        {k.tag(), id, v.customer_id, v.model, v.nopol, format_date(v.last_visit), format_date(next),
         std::to_string(day), now},
        fn, data);
}

StoreCall* Store::vehicle_delete(const std::string& id, StoreFn<bool> fn, void* data) {
    return script<bool, decode_vehicle_deleted>(
        Script::vehicle_delete, {keys_.vehicle(id), keys_.stats()}, {keys_.tag()}, fn, data);
}

// ---- the scheduler API ---------------------------------------------------------------

StoreCall* Store::schedule_start(int hour, int minute, int64_t next_run, StoreFn<int64_t> fn,
                                 void* data) {
    return command<int64_t, decode_integer>(
        {"HSET", keys_.schedule(), "enabled", "1", "hour", std::to_string(hour), "minute",
         std::to_string(minute), "next_run", std::to_string(next_run), "source",
         schedule_source_api},
        fn, data);
}

StoreCall* Store::schedule_stop(StoreFn<int64_t> fn, void* data) {
    return command<int64_t, decode_integer>(
        {"HSET", keys_.schedule(), "enabled", "0", "source", schedule_source_api}, fn, data);
}

StoreCall* Store::status(StoreFn<ScheduleStatus> fn, void* data) {
    const Keys& k = keys_;
    return script<ScheduleStatus, decode_schedule_status>(
        Script::status, {k.schedule(), k.run_current(), k.run_last()}, {}, fn, data);
}

StoreCall* Store::run_summary(const std::string& run_id, StoreFn<RunSummary> fn, void* data) {
    const Keys& k = keys_;
    return script<RunSummary, decode_run_summary>(
        Script::run_summary, {k.run_current(), k.run_result(run_id)}, {run_id}, fn, data);
}

}  // namespace wa
