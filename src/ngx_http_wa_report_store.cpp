// The Store's calls: KEYS and ARGV in each script's order (see the header of
// each lua-compat/ script), and decoders from each reply to a struct.

#include "ngx_http_wa_report_store.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace wa {

namespace {

// ---- reply accessors ---------------------------------------------------------

std::string text(const redisReply* e) {
    switch (e->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        return std::string(e->str, e->len);
    case REDIS_REPLY_INTEGER:
        return std::to_string(e->integer);
    default:
        return std::string();
    }
}

std::optional<std::string> optional_text(const redisReply* e) {
    if (e->type == REDIS_REPLY_NIL) {
        return std::nullopt;
    }
    return text(e);
}

int64_t integer(const redisReply* e) {
    if (e->type == REDIS_REPLY_INTEGER) {
        return e->integer;
    }
    if (e->type == REDIS_REPLY_STRING) {
        return std::strtoll(e->str, nullptr, 10);
    }
    return 0;
}

bool is_array(const redisReply* r, size_t min_elements) {
    return r->type == REDIS_REPLY_ARRAY && r->elements >= min_elements;
}

// Redis states that pass by themselves: the caller answers 503.
bool transient(const redisReply* reply) {
    static const char* const states[] = {"LOADING", "BUSY", "OOM", "READONLY", "MASTERDOWN",
                                         "TRYAGAIN", "NOAUTH", "CLUSTERDOWN", "MISCONF"};
    for (const char* s : states) {
        if (std::strncmp(reply->str, s, std::strlen(s)) == 0) {
            return true;
        }
    }
    return false;
}

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

bool decode_optional_report(const redisReply* reply, std::optional<Report>& out) {
    if (!is_array(reply, 7)) {
        return false;
    }
    if (reply->element[0]->type != REDIS_REPLY_NIL) {
        out = report_at(reply->element);
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

// ---- decoders of the reminder engine's answers ----------------------------------

}  // namespace

// ---- the call machinery ----------------------------------------------------------

// Runs for every call exactly once: with the reply, or with nullptr when the
// connection went away (also when the worker exits). Frees the handle.
template <class T, Store::Decoder<T> decode>
void Store::on_reply(redisReply* reply, void* data) {
    auto* sc = static_cast<StoreCall*>(data);
    if (sc->data_ != nullptr) {
        Answer<T> answer;
        if (reply == nullptr) {
            answer.error = StoreError::unavailable;
        } else if (reply->type == REDIS_REPLY_ERROR) {
            answer.error = transient(reply) ? StoreError::transient : StoreError::failed;
            answer.reason.assign(reply->str, reply->len);
        } else if (!decode(reply, answer.value)) {
            answer.error = StoreError::failed;
            answer.reason = "unexpected reply of type " + std::to_string(reply->type);
        }
        reinterpret_cast<StoreFn<T>>(sc->done_)(answer, sc->data_);
    }
    delete sc;
}

template <class T>
StoreCall* Store::track(Call* call, StoreCall* sc) {
    if (call == nullptr) {
        delete sc;  // never sent: Redis calls nothing back
        return nullptr;
    }
    return sc;
}

template <class T, Store::Decoder<T> decode>
StoreCall* Store::command(const std::vector<std::string>& argv, StoreFn<T> fn, void* data) {
    auto* sc = new (std::nothrow) StoreCall();
    if (sc == nullptr) {
        return nullptr;
    }
    sc->done_ = reinterpret_cast<void (*)()>(fn);
    sc->data_ = data;
    return track<T>(redis_.command(argv, on_reply<T, decode>, sc), sc);
}

template <class T, Store::Decoder<T> decode>
StoreCall* Store::script(Script s, const std::vector<std::string>& keys,
                         const std::vector<std::string>& args, StoreFn<T> fn, void* data) {
    auto* sc = new (std::nothrow) StoreCall();
    if (sc == nullptr) {
        return nullptr;
    }
    sc->done_ = reinterpret_cast<void (*)()>(fn);
    sc->data_ = data;
    return track<T>(redis_.script(s, keys, args, on_reply<T, decode>, sc), sc);
}

// ---- the report API --------------------------------------------------------------

StoreCall* Store::stats(StoreFn<Stats> fn, void* data) {
    return script<Stats, decode_stats>(Script::stats, {keys_.stats(), keys_.stats_freq()}, {}, fn,
                                       data);
}

StoreCall* Store::report(const std::string& customer, const std::string& vehicle,
                         StoreFn<std::optional<Report>> fn, void* data) {
    return command<std::optional<Report>, decode_optional_report>(
        {"HMGET", keys_.report(customer, vehicle), "id", "id_customer", "id_vehicle",
         "last_message_date", "frequency", "created_at", "updated_at"},
        fn, data);
}

StoreCall* Store::record(const std::string& customer, const std::string& vehicle,
                         const std::string& message_id, const std::string& new_id,
                         const std::string& now, int64_t mark_ttl, const ReminderCount* reminder,
                         StoreFn<RecordOutcome> fn, void* data) {
    const Keys& k = keys_;
    std::vector<std::string> keys = {
        k.report(customer, vehicle), k.reports(), k.report_ids(), k.customer_reports(customer),
        k.stats(), k.stats_freq(), k.seq(), k.message(message_id), k.customer(customer),
        k.vehicle(vehicle)};
    std::vector<std::string> args = {customer, vehicle, new_id, now, std::to_string(mark_ttl)};
    if (reminder != nullptr) {
        keys.push_back(k.attempt(vehicle));
        keys.push_back(k.deliveries());
        args.insert(args.end(), {reminder->cycle, reminder->today, reminder->provider,
                                 reminder->run, reminder->message_id});
    }
    return script<RecordOutcome, decode_record>(Script::record, keys, args, fn, data);
}

// ---- the reminder engine ---------------------------------------------------------

}  // namespace wa
